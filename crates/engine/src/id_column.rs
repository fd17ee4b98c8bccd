//! A column of database ids that costs 4 bytes a row while every id fits in
//! `u32` (serial keys always do) and 8 once one does not.
//!
//! The event and feed tables hold most of a bundle's rows, and until
//! references are resolved each of their rows carries four or five ids;
//! after, the ids the report shows (an event's fast, a feed item's target)
//! stay in this form. Halving them is what lets a large community load
//! inside the 4 GiB a browser tab gives WebAssembly.

/// Marks "no value" in an `i64` id column (its home is here, where ids
/// are stored; [`crate::model`] re-exports it).
pub const NO_ID: i64 = i64::MIN;

/// The narrow form's stand-in for [`NO_ID`].
const NARROW_NONE: u32 = u32::MAX;

/// Ids (or [`NO_ID`]), one per row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdColumn {
    /// Every id is in `0..u32::MAX`; [`NO_ID`] is stored as `u32::MAX`.
    Narrow(Vec<u32>),
    /// Some id is negative (the synthetic ids of natural keys) or too large.
    Wide(Vec<i64>),
}

impl Default for IdColumn {
    fn default() -> Self {
        IdColumn::Narrow(Vec::new())
    }
}

impl IdColumn {
    /// The narrow form of `id`, if it has one.
    #[inline]
    fn narrow(id: i64) -> Option<u32> {
        if id == NO_ID {
            Some(NARROW_NONE)
        } else {
            u32::try_from(id).ok().filter(|&n| n != NARROW_NONE)
        }
    }

    #[inline]
    fn wide(n: u32) -> i64 {
        if n == NARROW_NONE {
            NO_ID
        } else {
            i64::from(n)
        }
    }

    /// Appends `id`.
    #[inline]
    pub(crate) fn push(&mut self, id: i64) {
        match self {
            IdColumn::Narrow(v) => match Self::narrow(id) {
                Some(n) => v.push(n),
                None => {
                    self.widen();
                    self.push(id);
                }
            },
            IdColumn::Wide(v) => v.push(id),
        }
    }

    fn widen(&mut self) {
        if let IdColumn::Narrow(v) = self {
            let mut wide = Vec::with_capacity(v.capacity().max(v.len() + 1));
            wide.extend(v.iter().map(|&n| Self::wide(n)));
            *self = IdColumn::Wide(wide);
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        match self {
            IdColumn::Narrow(v) => v.len(),
            IdColumn::Wide(v) => v.len(),
        }
    }

    /// Whether there are no ids.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Id `i`.
    #[inline]
    pub fn get(&self, i: usize) -> i64 {
        match self {
            IdColumn::Narrow(v) => Self::wide(v[i]),
            IdColumn::Wide(v) => v[i],
        }
    }

    /// Makes room for `additional` more ids.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            IdColumn::Narrow(v) => v.reserve(additional),
            IdColumn::Wide(v) => v.reserve(additional),
        }
    }

    /// Gives back unused capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            IdColumn::Narrow(v) => v.shrink_to_fit(),
            IdColumn::Wide(v) => v.shrink_to_fit(),
        }
    }

    /// `f` of every id, in order, as `u32`s. A narrow column's memory is
    /// reused for the result (no second column at once).
    pub(crate) fn into_u32(self, mut f: impl FnMut(i64) -> u32) -> Vec<u32> {
        match self {
            IdColumn::Narrow(v) => v.into_iter().map(|n| f(Self::wide(n))).collect(),
            IdColumn::Wide(v) => v.into_iter().map(f).collect(),
        }
    }

    /// Whether the ids strictly increase (the usual export order).
    pub(crate) fn is_strictly_increasing(&self) -> bool {
        match self {
            // NARROW_NONE sorts last, like no real id; ids are never null.
            IdColumn::Narrow(v) => v.windows(2).all(|w| w[0] < w[1]),
            IdColumn::Wide(v) => v.windows(2).all(|w| w[0] < w[1]),
        }
    }

    /// The ids at `rows`, in that order, in the same form.
    pub fn select(&self, rows: &[u32]) -> IdColumn {
        match self {
            IdColumn::Narrow(v) => IdColumn::Narrow(rows.iter().map(|&r| v[r as usize]).collect()),
            IdColumn::Wide(v) => IdColumn::Wide(rows.iter().map(|&r| v[r as usize]).collect()),
        }
    }

    /// Sets row `i` to [`NO_ID`].
    pub(crate) fn clear(&mut self, i: usize) {
        match self {
            IdColumn::Narrow(v) => v[i] = NARROW_NONE,
            IdColumn::Wide(v) => v[i] = NO_ID,
        }
    }

    /// Appends `other`, each id passed through `map` unless `identity`.
    /// Moves `other` when this column is empty, so the usual one file per
    /// table costs no copy.
    pub(crate) fn append(&mut self, other: IdColumn, map: impl Fn(i64) -> i64, identity: bool) {
        if identity && self.is_empty() {
            *self = other;
            return;
        }
        if let (true, IdColumn::Narrow(dst), IdColumn::Narrow(src)) = (identity, &mut *self, &other)
        {
            // The usual case of a file read in pieces: a plain copy.
            dst.extend_from_slice(src);
            return;
        }
        self.reserve(other.len());
        match other {
            IdColumn::Narrow(v) => v.into_iter().for_each(|n| self.push(map(Self::wide(n)))),
            IdColumn::Wide(v) => v.into_iter().for_each(|id| self.push(map(id))),
        }
    }

    /// Every id, for tests.
    #[cfg(test)]
    pub(crate) fn to_vec(&self) -> Vec<i64> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_narrow_for_serial_ids_and_null() {
        let mut c = IdColumn::default();
        for id in [1, 0, NO_ID, i64::from(u32::MAX) - 1] {
            c.push(id);
        }
        assert!(matches!(c, IdColumn::Narrow(_)));
        assert_eq!(c.to_vec(), vec![1, 0, NO_ID, i64::from(u32::MAX) - 1]);
        assert_eq!(c.get(2), NO_ID);
        assert_eq!(c.select(&[2, 0]).to_vec(), vec![NO_ID, 1]);
        assert!(matches!(c.select(&[0]), IdColumn::Narrow(_)));
        let plus_one = c
            .clone()
            .into_u32(|id| if id == NO_ID { 0 } else { id as u32 + 1 });
        assert_eq!(plus_one, vec![2, 1, 0, u32::MAX]);
        c.clear(0);
        assert_eq!(c.get(0), NO_ID);
    }

    #[test]
    fn widens_for_negative_or_large_ids_keeping_what_was_there() {
        for odd in [-5, i64::from(u32::MAX), i64::MAX] {
            let mut c = IdColumn::default();
            c.push(7);
            c.push(NO_ID);
            c.push(odd);
            c.push(8);
            assert!(matches!(c, IdColumn::Wide(_)), "{odd}");
            assert_eq!(c.to_vec(), vec![7, NO_ID, odd, 8]);
            c.clear(0);
            assert_eq!(c.select(&[3, 0]).to_vec(), vec![8, NO_ID]);
        }
    }

    #[test]
    fn append_moves_maps_and_widens() {
        let mut a = IdColumn::default();
        let mut b = IdColumn::default();
        b.push(3);
        b.push(NO_ID);
        a.append(b.clone(), |id| id, true);
        assert_eq!(a.to_vec(), vec![3, NO_ID]);
        a.append(b, |id| if id == 3 { -1 } else { id }, false);
        assert_eq!(a.to_vec(), vec![3, NO_ID, -1, NO_ID]);
        assert!(matches!(a, IdColumn::Wide(_)));
        assert!(!a.is_strictly_increasing());
        let mut up = IdColumn::default();
        (1..5).for_each(|i| up.push(i));
        assert!(up.is_strictly_increasing());
    }
}
