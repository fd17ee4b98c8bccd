//! Turns raw rows into the compact [`Dataset`]: duplicates dropped,
//! references followed, dangling ones counted, feed items put in report
//! order.

mod index;
mod rows;

// FxHash: these maps are looked up once per event row; std's SipHash was
// 1.5 % of a whole report at L (perf, 2026-12-07), and the keys are the
// user's own data, not hash-flooding input that matters here.
use rustc_hash::FxHashMap as HashMap;

use super::catalogue::Table;
use super::error::LoadError;
use super::raw::{RawTables, UserRef};
use super::warning::Warnings;
use crate::model::{Church, Dataset, EventKind, Fast, FastDays, Feed, Interner, User, NONE, NO_ID};
use crate::parallel;
use crate::timestamp::Timestamp;
use index::{dedupe_by_id, IdIndex};
use rows::{resolve_events, resolve_feed};

/// Sums up each fast's calendar days (SPEC §11): first, last and distinct
/// dates. Days of fasts not in the export files are left out with a counted
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
        "days reference fasts not in the export files",
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
        HashMap::default()
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
        "fasts reference churches not in the export files",
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
    // Each profile's user index (NONE when its user is not in the export files),
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
    // missing, None for a profile not in the export files.
    let user_of_profile =
        |profile: i64| profile_index.get(profile).map(|i| profile_user[i as usize]);
    warnings.add_many(
        &profiles_src,
        dangling_profiles,
        "profiles reference users not in the export files",
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
        "memberships reference profiles not in the export files",
        "left out",
        None,
    );
    warnings.add_many(
        &members_src,
        unknown_fast,
        "memberships reference fasts not in the export files",
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
    let mut code_of_type: HashMap<i64, u32> = HashMap::default();
    {
        let mut code_index: HashMap<&str, u32> = HashMap::default();
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

/// Join/leave events whose user or fast is not in the export files are left out
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
