//! The event and feed tables resolved column by column.

use std::collections::HashSet;

use rustc_hash::FxHashMap as HashMap;

use crate::load::raw::{RawEvents, RawFeed};
use crate::load::warning::Warnings;
use crate::model::{Events, Feed, NONE, NO_ID};

use super::index::{pick, unique_order, IdIndex};

/// Converts events column by column, freeing each raw column once it is
/// converted, so the peak holds the raw columns plus one new one rather
/// than two full copies.
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_events(
    e: RawEvents,
    user_index: &IdIndex,
    by_name: &HashMap<&str, u32>,
    code_of_type: &HashMap<i64, u32>,
    content_types: &HashMap<i64, (bool, u32)>,
    file: &str,
    warnings: &mut Warnings,
) -> Events {
    let n = e.id.len();
    // Repeated ids: the first row of each id is kept.
    let order = unique_order(&e.id);
    drop(e.id);
    if let Some(order) = &order {
        warnings.add_many(
            file,
            (n - order.len()) as u64,
            "rows repeat an id already loaded",
            "the first one is kept",
            None,
        );
    }

    let mut last: (i64, u32) = (NO_ID, NONE);
    // Converted in place: the raw column's memory becomes the new one's.
    let code: Vec<u32> = e.event_type.into_u32(|t| {
        if t != last.0 {
            last = (t, code_of_type.get(&t).copied().unwrap_or(NONE));
        }
        last.1
    });

    let mut unknown_user = 0u64;
    let mut user: Vec<u32> = e.user.into_u32(|id| {
        if id == NO_ID {
            return NONE;
        }
        user_index.get(id).unwrap_or_else(|| {
            unknown_user += 1;
            NONE
        })
    });
    for (row, name) in &e.natural_users {
        user[*row as usize] = by_name.get(&**name).copied().unwrap_or_else(|| {
            unknown_user += 1;
            NONE
        });
    }

    // The target fast's id, in place of object_id.
    let mut fast_id = e.object_id;
    let mut last: (i64, bool) = (NO_ID, false);
    for row in 0..fast_id.len() {
        if fast_id.get(row) == NO_ID {
            continue;
        }
        let ct = e.content_type.get(row);
        if ct != last.0 {
            last = (ct, content_types.get(&ct).is_some_and(|c| c.0));
        }
        if !last.1 {
            fast_id.clear(row);
        }
    }
    drop(e.content_type);

    let warn_unknown_users = |warnings: &mut Warnings| {
        warnings.add_many(
            file,
            unknown_user,
            "rows reference users not in the export files",
            "counted without a user",
            None,
        )
    };
    if order.is_none() && !code.contains(&NONE) {
        // The usual case: every row kept in place, nothing copied.
        warn_unknown_users(warnings);
        return Events {
            timestamp: e.timestamp,
            code,
            user,
            fast_id,
            detail: e.detail,
        };
    }
    // Rows to keep, in order: unique ids with a known event type.
    let keep: Vec<u32> = match &order {
        Some(order) => order
            .iter()
            .copied()
            .filter(|&r| code[r as usize] != NONE)
            .collect(),
        None => (0..n as u32)
            .filter(|&r| code[r as usize] != NONE)
            .collect(),
    };
    let unknown_type = order.as_ref().map_or(n, Vec::len) - keep.len();
    warnings.add_many(
        file,
        unknown_type as u64,
        "rows reference event types not in the export files",
        "left out",
        None,
    );
    warn_unknown_users(warnings);
    Events {
        timestamp: pick(e.timestamp, &keep),
        code: pick(code, &keep),
        user: pick(user, &keep),
        fast_id: fast_id.select(&keep),
        detail: pick(e.detail, &keep),
    }
}

pub(super) fn resolve_feed(
    f: RawFeed,
    user_index: &IdIndex,
    by_name: &HashMap<&str, u32>,
    content_types: &HashMap<i64, (bool, u32)>,
    file: &str,
    warnings: &mut Warnings,
) -> Feed {
    let natural: HashMap<u32, &str> = f.natural_users.iter().map(|(r, n)| (*r, &**n)).collect();
    let mut unknown_user = 0u64;
    let mut unknown_type = 0u64;
    // Each row's user index, or NONE when the user is not in the export files.
    let user_of_row: Vec<u32> = (0..f.id.len())
        .map(|row| {
            let user_id = f.user.get(row);
            let user = if user_id != NO_ID {
                user_index.get(user_id)
            } else {
                natural
                    .get(&(row as u32))
                    .and_then(|n| by_name.get(n).copied())
            };
            user.unwrap_or_else(|| {
                unknown_user += 1;
                NONE
            })
        })
        .collect();
    drop(natural);
    warnings.add_many(
        file,
        unknown_user,
        "rows reference users not in the export files",
        "left out",
        None,
    );
    // Report order (SPEC §4.4): user, newest first, then id (then load
    // order). Rows are grouped by user with a counting sort, then each
    // user's few rows are sorted: linear in the rows, and 4 bytes a row
    // rather than a sort key of 24.
    let (mut order, mut user) = group_by_user(&user_of_row);
    drop(user_of_row);
    let mut start = 0;
    while start < order.len() {
        let u = user[start];
        let end = start + user[start..].iter().take_while(|&&v| v == u).count();
        order[start..end].sort_unstable_by_key(|&row| {
            let row = row as usize;
            (std::cmp::Reverse(f.timestamp[row]), f.id.get(row), row)
        });
        start = end;
    }
    // Repeated ids (ids not increasing in load order may repeat): the first
    // in report order is kept.
    let kept_before = order.len();
    if !f.id.is_strictly_increasing() {
        let mut seen = HashSet::with_capacity(order.len());
        let mut kept = 0;
        for i in 0..order.len() {
            if seen.insert(f.id.get(order[i] as usize)) {
                order[kept] = order[i];
                user[kept] = user[i];
                kept += 1;
            }
        }
        order.truncate(kept);
        user.truncate(kept);
    }
    warnings.add_many(
        file,
        (kept_before - order.len()) as u64,
        "rows repeat an id already loaded",
        "the first one is kept",
        None,
    );
    // Column by column, each raw column freed once its sorted copy is made,
    // so the peak holds one column twice, not the whole table.
    let activity_type = pick(f.activity_type, &order);
    let timestamp = pick(f.timestamp, &order);
    let f_content_type = f.content_type;
    let target_type: Vec<u32> = order
        .iter()
        .map(|&row| {
            let ct = f_content_type.get(row as usize);
            if ct == NO_ID {
                return NONE;
            }
            content_types.get(&ct).map_or_else(
                || {
                    unknown_type += 1;
                    NONE
                },
                |c| c.1,
            )
        })
        .collect();
    drop(f_content_type);
    let target_id = f.object_id.select(&order);
    let out = Feed {
        user,
        activity_type,
        timestamp,
        title: f.title.into_selected(&order),
        description: f.description.into_selected(&order),
        target_type,
        target_id,
    };
    warnings.add_many(
        file,
        unknown_type,
        "rows reference content types not in the export files",
        "shown without a target type",
        None,
    );
    out
}

/// The rows with a user (`user_of_row[row] != NONE`) grouped by user in
/// user order, each user's rows in load order, and each of those rows'
/// user.
pub(super) fn group_by_user(user_of_row: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let users = user_of_row
        .iter()
        .filter(|&&u| u != NONE)
        .max()
        .map_or(0, |&u| u as usize + 1);
    // next[u]: where user u's next row goes.
    let mut next = vec![0u32; users + 1];
    for &u in user_of_row {
        if u != NONE {
            next[u as usize + 1] += 1;
        }
    }
    for u in 1..next.len() {
        next[u] += next[u - 1];
    }
    let kept = next[users] as usize;
    let mut user = Vec::with_capacity(kept);
    for u in 0..users {
        let count = (next[u + 1] - next[u]) as usize;
        user.extend(std::iter::repeat_n(u as u32, count));
    }
    let mut order = vec![0u32; kept];
    for (row, &u) in user_of_row.iter().enumerate() {
        if u != NONE {
            order[next[u as usize] as usize] = row as u32;
            next[u as usize] += 1;
        }
    }
    (order, user)
}
