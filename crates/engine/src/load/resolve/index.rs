//! Ids to dense indices, and rows sorted and deduplicated by id.

// FxHash: these maps are looked up once per event row; std's SipHash was
// 1.5 % of a whole report at L (perf, 2026-12-07), and the keys are the
// user's own data, not hash-flooding input that matters here.
use rustc_hash::FxHashMap as HashMap;

use crate::id_column::IdColumn;
use crate::load::warning::Warnings;
use crate::model::NONE;

/// Maps database ids to dense indices: a direct table when ids are dense
/// enough (the usual case for serial keys), a hash map otherwise.
pub(super) enum IdIndex {
    Dense { min: i64, slots: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

impl IdIndex {
    pub(super) fn new(ids: impl Iterator<Item = i64> + Clone) -> IdIndex {
        let (mut min, mut max, mut n) = (i64::MAX, i64::MIN, 0usize);
        for id in ids.clone() {
            min = min.min(id);
            max = max.max(id);
            n += 1;
        }
        let span = (max as i128) - (min as i128) + 1;
        if n > 0 && span <= (4 * n as i128).max(1024) {
            let mut slots = vec![NONE; span as usize];
            for (i, id) in ids.enumerate() {
                slots[(id - min) as usize] = i as u32;
            }
            IdIndex::Dense { min, slots }
        } else {
            IdIndex::Sparse(ids.enumerate().map(|(i, id)| (id, i as u32)).collect())
        }
    }

    #[inline]
    pub(super) fn get(&self, id: i64) -> Option<u32> {
        match self {
            IdIndex::Dense { min, slots } => {
                let off = id.checked_sub(*min)?;
                if off < 0 {
                    return None;
                }
                slots.get(off as usize).copied().filter(|&i| i != NONE)
            }
            IdIndex::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// Sorts rows by id and drops repeated ids (keeping the first), counting
/// them as a warning.
pub(super) fn dedupe_by_id<T>(
    rows: &mut Vec<T>,
    id: impl Fn(&T) -> i64,
    file: &str,
    warnings: &mut Warnings,
) {
    rows.sort_by_key(|r| id(r));
    let before = rows.len();
    rows.dedup_by_key(|r| id(r));
    warnings.add_many(
        file,
        (before - rows.len()) as u64,
        "rows repeat an id already loaded",
        "the first one is kept",
        None,
    );
}

/// `column`'s values at `rows`, in that order; `column` is freed.
pub(super) fn pick<T: Copy>(column: Vec<T>, rows: &[u32]) -> Vec<T> {
    rows.iter().map(|&r| column[r as usize]).collect()
}

/// An order of rows sorted by id with repeated ids removed, or `None` when
/// ids are already strictly increasing (the usual export order).
pub(super) fn unique_order(ids: &IdColumn) -> Option<Vec<u32>> {
    if ids.is_strictly_increasing() {
        return None;
    }
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by_key(|&i| (ids.get(i as usize), i));
    order.dedup_by_key(|i| ids.get(*i as usize));
    Some(order)
}
