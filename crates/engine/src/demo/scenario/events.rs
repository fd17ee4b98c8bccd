//! Events (`events_event`): each user's account, join/leave and ordinary
//! events, then the system events and the ghost user's, numbered in one
//! sequence with small gaps.

use std::io;

use super::users::{user_story, UserStory};
use super::vocabulary::*;
use super::{weekday, World, DAY_MS, EDITION_GAP_DAYS, HOUR_MS};
use crate::demo::random::Rng;
use crate::demo::{FIRST_EVENT_ID, GHOST_USERNAME, GHOST_USER_ID, MISSING_FAST_ID};

/// One event; the writers turn its codes into text.
#[derive(Clone, Copy)]
pub struct Ev {
    /// `timestamp` and `created_at`, ms.
    pub ts: i64,
    /// 0 = NULL
    pub user: u32,
    /// 0 = NULL
    pub obj: u32,
    /// Index into `EVENT_TYPES`.
    pub kind: u8,
    /// 0 = none, else index + 1 into CONTENT_TYPES
    pub ct: u8,
    /// Index into `data_texts()`.
    pub data: u16,
    /// Index into `USER_AGENTS`.
    pub ua: u8,
    /// 0 = NULL
    pub ip: u16,
}

fn gen_events(world: &World, st: &UserStory, buf: &mut Vec<Ev>) {
    let mut r = Rng::new(world.seed, st.idx as u64, 1);
    let ua = r.pick(&UA_W) as u8;
    let ip = if r.pct(40) {
        0
    } else {
        1 + r.below(600) as u16
    };
    let base = Ev {
        ts: st.joined,
        user: st.id,
        obj: 0,
        kind: E_ACCOUNT,
        ct: 0,
        data: D_EMPTY,
        ua,
        ip,
    };
    if st.account_event {
        buf.push(base);
    }
    for l in st.links() {
        for k in 0..l.n_ts {
            buf.push(Ev {
                ts: l.ts[k],
                kind: if k % 2 == 0 { E_JOIN } else { E_LEAVE },
                ct: CT_FAST,
                obj: l.fast_id,
                ..base
            });
        }
    }
    // A few join events with a content type but no fast id (target nothing).
    if st.idx % 1009 == 17 {
        buf.push(Ev {
            ts: world.activity_ts(&mut r, st.joined, st.active_end, false),
            kind: E_JOIN,
            ct: CT_FAST,
            ..base
        });
    }
    for _ in 0..st.n_other_events {
        let kind = r.pick(&OTHER_EVENT_W) as u8;
        let mut ev = Ev {
            ts: world.activity_ts(&mut r, st.joined, st.active_end, true),
            kind,
            ..base
        };
        match kind {
            E_SCREEN => {
                ev.data = match r.below(1000) {
                    0..=19 => D_SCREEN_NULL,
                    20..=29 => D_EMPTY,
                    _ => D_SCREEN0 + r.pick(&SCREEN_W) as u16,
                };
            }
            E_VIDEO => {
                ev.data = match r.below(100) {
                    0..=3 => D_EMPTY,
                    4 => D_VIDEO_TEXT,
                    _ => {
                        let u = r.unit();
                        D_VIDEO0 + (u * u * VIDEOS as f64) as u16
                    }
                };
            }
            E_DEVOTIONAL => {
                ev.ct = CT_DEVOTIONAL;
                ev.obj = 1 + r.below(400) as u32;
            }
            _ => {}
        }
        app_data(&mut ev);
        if matches!(
            kind,
            E_SCREEN | E_APP_OPEN | E_SESSION_START | E_SESSION_END
        ) && r.pct(2)
        {
            ev.user = 0; // logged-out / anonymous
        }
        if r.below(1000) < 2 {
            ev.data = D_NULL;
        }
        buf.push(ev);
    }
    last_years_edition(world, st, &base, buf);
    buf.sort_by_key(|e| e.ts);
}

/// A number from an event's time, user and kind, to pick its `data` without
/// a draw: the demo's other figures stay as they were before app data.
fn mix(ev: &Ev) -> u64 {
    let x = (ev.ts as u64) ^ (u64::from(ev.user) << 40) ^ (u64::from(ev.kind) << 56);
    let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The `data` keys of SPEC §11: platform and version of app opens, the
/// length of sessions, the source of screen views (most of them).
fn app_data(ev: &mut Ev) {
    let h = mix(ev);
    match ev.kind {
        E_APP_OPEN => {
            // ios 50 %, android 38 %, web 8 %, unknown 4 %; newer versions
            // more common.
            let p = h % 100;
            let v = [0u16, 1, 1, 2, 2, 2][((h >> 8) % 6) as usize];
            ev.data = match p {
                0..=49 => D_APP0 + v,
                50..=87 => D_APP0 + 3 + v,
                88..=95 => D_APP0 + 6 + v,
                96..=97 => D_APP0 + 9 + (h >> 16) as u16 % 3,
                _ => D_EMPTY,
            };
        }
        E_SESSION_END => {
            let k = (h % 1000) as u16;
            ev.data = match k {
                0..=4 => D_SECONDS0 + SESSION_SECONDS.len() as u16 + 1, // "30": not counted
                5..=14 => D_SECONDS0 + SESSION_SECONDS.len() as u16,    // 187.5
                15..=29 => D_EMPTY,
                // Short sessions more often: the square of a uniform.
                _ => {
                    let u = ((h >> 12) % 1000) as usize;
                    D_SECONDS0 + (u * u * SESSION_SECONDS.len() / 1_000_000) as u16
                }
            };
        }
        E_SCREEN if (D_SCREEN0..D_SCREEN0 + SCREENS.len() as u16).contains(&ev.data) => {
            // 10 % without a source, 20 % from the API, the rest the app.
            let screen = ev.data - D_SCREEN0;
            match h % 10 {
                0 => {}
                1 | 2 => ev.data = D_SOURCED0 + 2 * screen + 1,
                _ => ev.data = D_SOURCED0 + 2 * screen,
            }
        }
        _ => {}
    }
}

/// Sign-ups for last year's edition of a fast the user touched (SPEC
/// §11.5): four users in five joined it too, 52 weeks before each join,
/// and left it once it was over, so that no membership says otherwise.
fn last_years_edition(world: &World, st: &UserStory, base: &Ev, buf: &mut Vec<Ev>) {
    if st.idx.is_multiple_of(5) {
        return;
    }
    for l in st.links() {
        let Some(f) = world.fasts.iter().position(|f| f.id == l.fast_id) else {
            continue;
        };
        let Some(e) = world.edition_of[f] else {
            continue;
        };
        let edition = &world.editions[e];
        let mut last = i64::MIN;
        for k in (0..l.n_ts).step_by(2) {
            let ts = l.ts[k] - EDITION_GAP_DAYS * DAY_MS;
            // Every instant of the demo is inside its days.
            if ts < world.first_day * DAY_MS {
                continue;
            }
            last = last.max(ts);
            buf.push(Ev {
                ts,
                kind: E_JOIN,
                ct: CT_FAST,
                obj: edition.id,
                ..*base
            });
        }
        if last > i64::MIN {
            let over = (edition.begin_day + edition.day_count()) * DAY_MS + 10 * HOUR_MS;
            buf.push(Ev {
                ts: over.max(last + HOUR_MS),
                kind: E_LEAVE,
                ct: CT_FAST,
                obj: edition.id,
                ..*base
            });
        }
    }
}

/// Events not owned by a regular user: system events (NULL user) and the
/// ghost user's events. Sorted by time.
fn epilogue_events(world: &World) -> Vec<Ev> {
    let mut r = Rng::new(world.seed, 0, 8);
    let mut v = Vec::new();
    let base = Ev {
        ts: 0,
        user: 0,
        obj: 0,
        kind: E_FAST_BEGINNING,
        ct: CT_FAST,
        data: D_EMPTY,
        ua: 4,
        ip: 0,
    };
    let first_ms = world.first_day * DAY_MS;
    for f in world.fasts.iter().chain(&world.editions) {
        if f.begin_day * DAY_MS < first_ms {
            continue;
        }
        v.push(Ev {
            ts: f.begin_day * DAY_MS + 18 * HOUR_MS,
            obj: f.id,
            ..base
        });
    }
    let mut day = world.first_day;
    while day <= world.last_day {
        if weekday(day) == 6 {
            v.push(Ev {
                ts: day * DAY_MS + 19 * HOUR_MS,
                kind: E_DEVOTIONAL_AVAILABLE,
                ct: 0,
                ..base
            });
        }
        day += 1;
    }
    let lo = world.end_ms - 120 * DAY_MS;
    let ghost = Ev {
        user: GHOST_USER_ID,
        ua: 0,
        ..base
    };
    let first_fast = world.fasts[0].id;
    for (fast, k) in [(first_fast, E_JOIN), (MISSING_FAST_ID, E_JOIN)] {
        v.push(Ev {
            ts: world.activity_ts(&mut r, lo, world.end_ms - 1000, false),
            kind: k,
            obj: fast,
            ..ghost
        });
    }
    for _ in 0..3 {
        v.push(Ev {
            ts: world.activity_ts(&mut r, lo, world.end_ms - 1000, false),
            kind: E_SCREEN,
            ct: 0,
            data: D_SCREEN0,
            ..ghost
        });
    }
    v.sort_by_key(|e| e.ts);
    v
}

/// Calls `f(id, event, username of its user)` for every event, in id order.
pub fn for_each_event<F>(world: &World, mut f: F) -> io::Result<()>
where
    F: FnMut(u64, &Ev, &str) -> io::Result<()>,
{
    let mut buf: Vec<Ev> = Vec::with_capacity(512);
    let mut uname = String::new();
    let mut gaps = Rng::new(world.seed, 0, 9);
    let mut id = FIRST_EVENT_ID;
    for i in 0..world.users {
        let st = user_story(world, i);
        buf.clear();
        gen_events(world, &st, &mut buf);
        uname.clear();
        st.write_username(&mut uname);
        for ev in &buf {
            if gaps.below(64) == 0 {
                id += 1 + gaps.below(3);
            }
            f(id, ev, if ev.user != 0 { &uname } else { "" })?;
            id += 1;
        }
    }
    for ev in &epilogue_events(world) {
        f(id, ev, if ev.user != 0 { GHOST_USERNAME } else { "" })?;
        id += 1;
    }
    Ok(())
}
