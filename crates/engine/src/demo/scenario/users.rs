//! User stories: everything about one user that more than one table needs
//! (account, profile, church, fast memberships and their join/leave
//! history), derived from `(seed, user number)` alone.

use std::fmt::Write;

use super::vocabulary::{HOUR_W, LOCATIONS};
use super::{World, DAY_MS, HOUR_MS};
use crate::demo::random::Rng;
use crate::demo::{profile_id, user_id, MISSING_FAST_ID};

/// One fast a user touched, with its join/leave history.
#[derive(Clone, Copy, Default)]
pub struct Link {
    /// The fast (possibly [`MISSING_FAST_ID`]).
    pub fast_id: u32,
    /// How many of `ts` are used.
    pub n_ts: usize,
    /// join, leave, join, ... times (strictly increasing)
    pub ts: [i64; 6],
    /// A current member: the profile lists the fast.
    pub current: bool,
    /// membership held by the user's second profile
    pub second: bool,
}

/// Everything about one user that more than one table needs.
pub struct UserStory {
    /// The user number (0-based), which seeds everything else.
    pub idx: u32,
    /// The user id, [`user_id`] of `idx`.
    pub id: u32,
    /// Which username prefix (see [`UserStory::write_username`]).
    pub name_kind: u8,
    /// Which email shape (see [`UserStory::write_email`]).
    pub email_kind: u8,
    /// Index into `FIRST_NAMES`.
    pub first_name: u8,
    /// Index into `LAST_NAMES`.
    pub last_name: u8,
    /// `date_joined`, ms.
    pub joined: i64,
    /// `last_login`, ms, or NULL.
    pub last_login: Option<i64>,
    /// When the user's activity stops, ms.
    pub active_end: i64,
    /// `is_superuser`.
    pub superuser: bool,
    /// `is_staff`.
    pub staff: bool,
    /// `is_active`.
    pub active: bool,
    /// Events besides the account and join/leave ones.
    pub n_other_events: u32,
    /// Feed items besides the account and join/leave ones.
    pub n_other_feed: u32,
    /// The main profile's id, if any.
    pub profile: Option<u32>,
    /// A second (legacy) profile's id, if any.
    pub profile2: Option<u32>,
    /// Index of the profile's church in [`World::churches`], if any.
    pub church: Option<usize>,
    /// Index into `LOCATIONS`.
    pub location: u8,
    /// Whether the profile has a name.
    pub profile_name: bool,
    /// Fasts touched; the first `n_links` are used.
    pub links: [Link; 5],
    /// How many of `links` are used.
    pub n_links: usize,
    /// Whether the user has a `user_account_created` event.
    pub account_event: bool,
    /// Whether the user has a `user_account_created` feed item.
    pub account_feed: bool,
}

impl UserStory {
    /// The fasts this user touched.
    pub fn links(&self) -> &[Link] {
        &self.links[..self.n_links]
    }

    /// Appends the username (unique: it ends with the id).
    pub fn write_username(&self, s: &mut String) {
        let prefix = match self.name_kind {
            0 => "user",
            1 => "admin",
            2 => "maría",
            3 => "李雷",
            4 => "comma,user",
            5 => "o'brien",
            6 => "=cmd",
            7 => "@x",
            8 => "tab\tname",
            9 => "Zoë_",
            _ => "-dash",
        };
        s.push_str(prefix);
        push_id(s, self.id);
    }

    /// Appends the email (possibly empty).
    pub fn write_email(&self, s: &mut String) {
        match self.email_kind {
            0 => {
                s.push('u');
                push_id(s, self.id);
                s.push_str("@example.org");
            }
            1 => {
                s.push_str("Member.");
                push_id(s, self.id);
                s.push_str("@Example.COM");
            }
            2 => {
                s.push_str("maría.");
                push_id(s, self.id);
                s.push_str("@correo.example");
            }
            3 => {
                s.push('u');
                push_id(s, self.id);
                s.push_str("+fasts@example.org");
            }
            _ => {} // empty email
        }
    }
}

/// Derives user number `i` from (seed, i).
pub fn user_story(world: &World, i: u32) -> UserStory {
    let mut r = Rng::new(world.seed, i as u64, 0);
    let id = user_id(i);
    let n = world.users.max(1) as f64;

    // date_joined: monotone in i (ids grow with time), growth and weekly rhythm.
    let q = (i as f64 + r.unit()) / n;
    let total = *world.day_cum.last().expect("days");
    let target = q * total;
    let k = world
        .day_cum
        .partition_point(|&c| c < target)
        .min(world.day_cum.len() - 1);
    let day = world.first_day + k as i64;
    let mut joined = if i == 0 {
        world.first_day * DAY_MS
    } else if i % 997 == 500 {
        day * DAY_MS // exact midnight
    } else if i % 991 == 5 {
        (day + 1) * DAY_MS - 1 // last millisecond of the day
    } else {
        let h = r.pick(&HOUR_W) as i64;
        let mut t = day * DAY_MS + h * HOUR_MS + r.below(HOUR_MS as u64) as i64;
        if r.pct(20) {
            t -= t.rem_euclid(1000);
        }
        t
    };
    joined = joined.min(world.end_ms - HOUR_MS);

    let name_kind = if i == 0 {
        1
    } else {
        match r.below(1000) {
            0..=2 => 6,
            3..=5 => 7,
            6..=8 => 10,
            9..=23 => 4,
            24..=43 => 5,
            44..=83 => 2,
            84..=123 => 3,
            124..=128 => 8,
            129..=148 => 9,
            _ => 0,
        }
    };
    let email_kind = match r.below(100) {
        0..=79 => 0,
        80..=87 => 1,
        88..=92 => 2,
        93..=96 => 3,
        _ => 4,
    };
    let first_name = if r.pct(70) { 0 } else { 1 + r.below(5) as u8 };
    let last_name = if r.pct(70) { 0 } else { 1 + r.below(5) as u8 };

    // Active lifetime.
    let end_cap = world.end_ms - 1000;
    let mut active_end = if r.pct(30) {
        end_cap
    } else {
        let days = 3 + (r.below(300) * r.below(300)) as i64 / 150;
        (joined + days * DAY_MS + r.below(DAY_MS as u64) as i64).min(end_cap)
    };
    active_end = active_end.max((joined + HOUR_MS).min(end_cap));

    let last_login = if r.pct(20) {
        None
    } else {
        Some(world.activity_ts(&mut r, joined, active_end, false))
    };

    // Skewed activity: many light users, some heavy.
    let n_other_events = match r.below(100) {
        0..=39 => 1 + r.below(5),
        40..=74 => 6 + r.below(18),
        75..=94 => 20 + r.below(36),
        _ => 50 + r.below(100),
    } as u32;
    let n_other_feed = ((n_other_events as u64 * 45 + r.below(100)) / 100) as u32;

    let has_profile = i == 0 || i == 3 || r.pct(95);
    let mut st = UserStory {
        idx: i,
        id,
        name_kind,
        email_kind,
        first_name,
        last_name,
        joined,
        last_login,
        active_end,
        superuser: i == 0,
        staff: i == 0 || i % 5000 == 1,
        active: i == 0 || !r.pct(2),
        n_other_events,
        n_other_feed,
        profile: None,
        profile2: None,
        church: None,
        location: 0,
        profile_name: false,
        links: [Link::default(); 5],
        n_links: 0,
        account_event: r.pct(90),
        account_feed: r.pct(80),
    };
    if !has_profile {
        return st;
    }
    st.profile = Some(profile_id(i));
    st.church = if r.pct(85) {
        Some(world.pick_church(&mut r))
    } else {
        None
    };
    st.location = r.below(LOCATIONS.len() as u64) as u8;
    st.profile_name = r.pct(10);

    // Fasts this user ever touched, with their join/leave history.
    let n_fasts = match r.below(100) {
        0..=34 => 0,
        35..=69 => 1,
        70..=87 => 2,
        88..=96 => 3,
        _ => 4,
    };
    let mut current = 0;
    for _ in 0..n_fasts {
        let mut fi = world.pick_fast(&mut r, st.church);
        let mut tries = 0;
        while st.links().iter().any(|l| l.fast_id == world.fasts[fi].id) && tries < 5 {
            fi = world.pick_fast(&mut r, st.church);
            tries += 1;
        }
        if tries == 5 {
            continue;
        }
        let (mut is_current, mut n_ts) = match r.below(100) {
            0..=54 => (true, 1),
            55..=62 => (true, 0),
            63..=69 => (true, if r.pct(70) { 3 } else { 5 }),
            70..=91 => (false, 2),
            _ => (false, if r.pct(70) { 4 } else { 6 }),
        };
        if is_current && current == 3 {
            is_current = false;
            n_ts = 2;
        }
        if is_current {
            current += 1;
        }
        let mut link = Link {
            fast_id: world.fasts[fi].id,
            n_ts,
            current: is_current,
            ..Link::default()
        };
        fill_times(world, &mut r, &mut link, joined, active_end);
        st.links[st.n_links] = link;
        st.n_links += 1;
    }
    if i == 3 && world.users > 3 {
        let mut link = Link {
            fast_id: MISSING_FAST_ID,
            n_ts: 1,
            current: true,
            ..Link::default()
        };
        fill_times(world, &mut r, &mut link, joined, active_end);
        st.links[st.n_links] = link;
        st.n_links += 1;
    }
    // A few users have a second (legacy) profile holding one of their memberships.
    if i % 2600 == 1300 {
        st.profile2 = Some(profile_id(i) - 1);
        if let Some(l) = st.links[..st.n_links].iter_mut().rev().find(|l| l.current) {
            l.second = true;
        }
    }
    st
}

fn fill_times(world: &World, r: &mut Rng, link: &mut Link, lo: i64, hi: i64) {
    let n = link.n_ts;
    for k in 0..n {
        link.ts[k] = world.activity_ts(r, lo + 1, hi, false);
    }
    link.ts[..n].sort_unstable();
    for k in 1..n {
        if link.ts[k] <= link.ts[k - 1] {
            link.ts[k] = link.ts[k - 1] + 1;
        }
    }
}

fn push_id(s: &mut String, id: u32) {
    // Writing to a String cannot fail.
    let _ = write!(s, "{id}");
}
