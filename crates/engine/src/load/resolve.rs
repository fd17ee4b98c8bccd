//! Turns raw rows into the compact [`Dataset`]: duplicates dropped,
//! references followed, dangling ones counted, feed items put in report
//! order.

use std::collections::{HashMap, HashSet};

use super::catalogue::Table;
use super::error::LoadError;
use super::raw::{RawEvents, RawFeed, RawTables, UserRef};
use super::warning::Warnings;
use crate::id_column::IdColumn;
use crate::model::{
    Church, Dataset, EventKind, Events, Fast, FastDays, Feed, Interner, User, NONE, NO_ID,
};
use crate::parallel;
use crate::timestamp::Timestamp;

/// Maps database ids to dense indices: a direct table when ids are dense
/// enough (the usual case for serial keys), a hash map otherwise.
enum IdIndex {
    Dense { min: i64, slots: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

impl IdIndex {
    fn new(ids: impl Iterator<Item = i64> + Clone) -> IdIndex {
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
    fn get(&self, id: i64) -> Option<u32> {
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
fn dedupe_by_id<T>(rows: &mut Vec<T>, id: impl Fn(&T) -> i64, file: &str, warnings: &mut Warnings) {
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
fn pick<T: Copy>(column: Vec<T>, rows: &[u32]) -> Vec<T> {
    rows.iter().map(|&r| column[r as usize]).collect()
}

/// An order of rows sorted by id with repeated ids removed, or `None` when
/// ids are already strictly increasing (the usual export order).
fn unique_order(ids: &IdColumn) -> Option<Vec<u32>> {
    if ids.is_strictly_increasing() {
        return None;
    }
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by_key(|&i| (ids.get(i as usize), i));
    order.dedup_by_key(|i| ids.get(*i as usize));
    Some(order)
}

/// Sums up each fast's calendar days (SPEC §11): first, last and distinct
/// dates. Days of fasts not in the bundle are left out with a counted
/// warning (a dangling reference, SPEC §2d).
fn fast_days(
    fasts: &mut [Fast],
    fast_index: &IdIndex,
    mut days: Vec<(i64, crate::period::Date)>,
    warnings: &mut Warnings,
    file: &str,
) {
    if days.is_empty() {
        return;
    }
    days.sort_unstable();
    days.dedup();
    let mut unknown = 0u64;
    for &(fast, date) in &days {
        let Some(i) = fast_index.get(fast) else {
            unknown += 1;
            continue;
        };
        let f = &mut fasts[i as usize];
        match &mut f.days {
            // Sorted by (fast, date): each new date of a fast is later.
            Some(d) => {
                d.last = date;
                d.count += 1;
            }
            None => {
                f.days = Some(FastDays {
                    first: date,
                    last: date,
                    count: 1,
                })
            }
        }
    }
    warnings.add_many(
        file,
        unknown,
        "days reference fasts not in the bundle",
        "left out",
        None,
    );
}

pub(super) fn resolve(mut raw: RawTables, warnings: &mut Warnings) -> Result<Dataset, LoadError> {
    let sources: Vec<(Table, String)> = Table::ALL.iter().map(|&t| (t, raw.source_of(t))).collect();
    let src = |t: Table| {
        sources
            .iter()
            .find(|(s, _)| *s == t)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    };
    let (users_src, fasts_src, profiles_src, members_src, events_src, feed_src) = (
        src(Table::Users),
        src(Table::Fasts),
        src(Table::Profiles),
        src(Table::Memberships),
        src(Table::Events),
        src(Table::Feed),
    );

    // Users.
    dedupe_by_id(&mut raw.users, |u| u.id, &users_src, warnings);
    let users: Vec<User> = std::mem::take(&mut raw.users)
        .into_iter()
        .map(|u| User {
            id: u.id,
            username: u.username,
            email: u.email,
            date_joined: Timestamp(u.date_joined),
            staff: u.staff,
        })
        .collect();
    let user_index = IdIndex::new(users.iter().map(|u| u.id));
    let needs_names = !raw.events.natural_users.is_empty()
        || !raw.feed.natural_users.is_empty()
        || raw
            .profiles
            .iter()
            .any(|(_, r)| matches!(r, UserRef::Name(_)));
    let by_name: HashMap<&str, u32> = if needs_names {
        users
            .iter()
            .enumerate()
            .map(|(i, u)| (&*u.username, i as u32))
            .collect()
    } else {
        HashMap::new()
    };

    // Churches and fasts.
    dedupe_by_id(&mut raw.churches, |c| c.0, &src(Table::Churches), warnings);
    let churches: HashMap<i64, &str> = raw.churches.iter().map(|(id, n)| (*id, &**n)).collect();
    dedupe_by_id(&mut raw.fasts, |f| f.id, &fasts_src, warnings);
    let mut unknown_church = 0;
    let mut fasts: Vec<Fast> = raw
        .fasts
        .iter()
        .map(|f| {
            let church_name = f
                .church_id
                .and_then(|c| churches.get(&c).map(|n| Box::from(*n)));
            if f.church_id.is_some() && church_name.is_none() {
                unknown_church += 1;
            }
            let display_name = match f.year {
                Some(year) => format!("{} ({year})", f.name).into(),
                None => f.name.clone(),
            };
            Fast {
                id: f.id,
                display_name,
                church_name,
                church_id: f.church_id,
                name: f.name.clone(),
                year: f.year,
                days: None,
            }
        })
        .collect();
    warnings.add_many(
        &fasts_src,
        unknown_church,
        "fasts reference churches not in the bundle",
        "shown without a church",
        None,
    );
    let fast_index = IdIndex::new(fasts.iter().map(|f| f.id));
    fast_days(
        &mut fasts,
        &fast_index,
        std::mem::take(&mut raw.days),
        warnings,
        &raw.source_of(Table::Days),
    );

    // Profiles and memberships.
    dedupe_by_id(&mut raw.profiles, |p| p.0, &profiles_src, warnings);
    // Each profile's user index (NONE when its user is not in the bundle),
    // found by the profile's id: a direct table for serial ids.
    let profile_index = IdIndex::new(raw.profiles.iter().map(|p| p.0));
    let mut dangling_profiles = 0;
    let profile_user: Vec<u32> = raw
        .profiles
        .iter()
        .map(|(_, user)| {
            let index = match user {
                UserRef::Id(id) => user_index.get(*id),
                UserRef::Name(name) => by_name.get(&**name).copied(),
            };
            index.unwrap_or_else(|| {
                dangling_profiles += 1;
                NONE
            })
        })
        .collect();
    // The user of a profile: Some(NONE) for a profile whose user is
    // missing, None for a profile not in the bundle.
    let user_of_profile =
        |profile: i64| profile_index.get(profile).map(|i| profile_user[i as usize]);
    warnings.add_many(
        &profiles_src,
        dangling_profiles,
        "profiles reference users not in the bundle",
        "their memberships are left out",
        None,
    );
    // Profiles' churches (SPEC §8), for the profiles kept above: the first
    // row of a repeated profile id, as for the profiles themselves.
    raw.profile_churches.sort_by_key(|p| p.0);
    raw.profile_churches.dedup_by_key(|p| p.0);
    let mut profile_churches: Vec<(u32, i64)> = raw
        .profile_churches
        .iter()
        .filter_map(|(profile, church)| {
            Some((user_of_profile(*profile).filter(|&u| u != NONE)?, *church))
        })
        .collect();
    profile_churches.sort_unstable();
    profile_churches.dedup();
    let (mut unknown_profile, mut unknown_fast) = (0, 0);
    let mut memberships = Vec::with_capacity(raw.memberships.len());
    for &(profile, fast) in &raw.memberships {
        let user = match user_of_profile(profile) {
            Some(NONE) => {
                // Memberships of a profile whose user is missing were
                // counted with that profile already.
                continue;
            }
            Some(user) => user,
            None => {
                unknown_profile += 1;
                continue;
            }
        };
        match fast_index.get(fast) {
            Some(f) => memberships.push((user, f)),
            None => unknown_fast += 1,
        }
    }
    memberships.sort_unstable();
    memberships.dedup();
    // Profiles and memberships are done: their rows and maps go before the
    // large tables are resolved.
    drop((profile_index, profile_user));
    raw.profiles = Vec::new();
    raw.memberships = Vec::new();
    raw.profile_churches = Vec::new();
    warnings.add_many(
        &members_src,
        unknown_profile,
        "memberships reference profiles not in the bundle",
        "left out",
        None,
    );
    warnings.add_many(
        &members_src,
        unknown_fast,
        "memberships reference fasts not in the bundle",
        "left out",
        None,
    );

    // Content types: which ids mean (hub, fast), and each id's model name.
    let mut strings = std::mem::take(&mut raw.strings);
    dedupe_by_id(
        &mut raw.content_types,
        |c| c.0,
        &src(Table::ContentTypes),
        warnings,
    );
    let content_types: HashMap<i64, (bool, u32)> = raw
        .content_types
        .iter()
        .map(|(id, app, model)| {
            (
                *id,
                (&**app == "hub" && &**model == "fast", strings.intern(model)),
            )
        })
        .collect();

    // Event types.
    dedupe_by_id(
        &mut raw.event_types,
        |e| e.0,
        &src(Table::EventTypes),
        warnings,
    );
    let mut event_codes: Vec<Box<str>> = Vec::new();
    let mut code_of_type: HashMap<i64, u32> = HashMap::new();
    {
        let mut code_index: HashMap<&str, u32> = HashMap::new();
        for (id, code) in &raw.event_types {
            let next = code_index.len() as u32;
            let c = *code_index.entry(code).or_insert_with(|| {
                event_codes.push(code.clone());
                next
            });
            code_of_type.insert(*id, c);
        }
    }

    // Events and feed items are independent of each other: on two threads
    // where there are threads, their warnings added in the usual order.
    let (raw_events, raw_feed) = (
        std::mem::take(&mut raw.events),
        std::mem::take(&mut raw.feed),
    );
    // Without threads, events go first: they shrink as they are resolved
    // (ids and content types dropped), so the feed's sort and copies happen
    // with less of the raw data still held.
    let ((events, events_warnings), (feed, feed_warnings)) = parallel::both(
        || {
            let mut w = Warnings::default();
            let events = resolve_events(
                raw_events,
                &user_index,
                &by_name,
                &code_of_type,
                &content_types,
                &events_src,
                &mut w,
            );
            (events, w)
        },
        || {
            let mut w = Warnings::default();
            let feed = resolve_feed(
                raw_feed,
                &user_index,
                &by_name,
                &content_types,
                &feed_src,
                &mut w,
            );
            (feed, w)
        },
    );
    warnings.extend(events_warnings);
    warnings.extend(feed_warnings);
    let churches = std::mem::take(&mut raw.churches)
        .into_iter()
        .map(|(id, name)| Church { id, name })
        .collect();
    let mut dataset = Dataset {
        users: Vec::new(),
        fasts,
        memberships,
        churches,
        profile_churches,
        optional_columns: std::mem::take(&mut raw.optional_columns),
        event_codes,
        events,
        event_details: std::mem::take(&mut raw.details),
        feed: Feed::default(),
        strings: Interner::default(),
        missing_tables: Vec::new(),
    };
    if dataset.event_details.is_empty() {
        dataset.event_details.push(Default::default());
    }
    dataset.feed = feed;
    drop(by_name);
    dataset.users = users;
    dataset.strings = strings;
    count_dangling_participation(&dataset, &events_src, warnings);
    Ok(dataset)
}

/// Converts events column by column, freeing each raw column once it is
/// converted, so the peak holds the raw columns plus one new one rather
/// than two full copies.
#[allow(clippy::too_many_arguments)]
fn resolve_events(
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
            "rows reference users not in the bundle",
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
        "rows reference event types not in the bundle",
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

fn resolve_feed(
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
    // Each row's user index, or NONE when the user is not in the bundle.
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
        "rows reference users not in the bundle",
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
        "rows reference content types not in the bundle",
        "shown without a target type",
        None,
    );
    out
}

/// The rows with a user (`user_of_row[row] != NONE`) grouped by user in
/// user order, each user's rows in load order, and each of those rows'
/// user.
fn group_by_user(user_of_row: &[u32]) -> (Vec<u32>, Vec<u32>) {
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

/// Join/leave events whose user or fast is not in the bundle are left out
/// of `user_fast_participation` (SPEC §4.5); say how many.
fn count_dangling_participation(d: &Dataset, file: &str, warnings: &mut Warnings) {
    let kinds: Vec<EventKind> = d
        .event_codes
        .iter()
        .map(|c| EventKind::of_code(c))
        .collect();
    let mut missing = 0u64;
    for i in 0..d.events.len() {
        if !matches!(
            kinds[d.events.code[i] as usize],
            EventKind::JoinedFast | EventKind::LeftFast
        ) {
            continue;
        }
        let fast = d.events.fast_id.get(i);
        if fast == NO_ID {
            continue;
        }
        if d.events.user[i] == NONE || d.fast_index(fast).is_none() {
            missing += 1;
        }
    }
    warnings.add_many(
        file,
        missing,
        "join/leave events have no known user or fast",
        "left out of user_fast_participation",
        None,
    );
}
