//! Events (`events_event`): each user's account, join/leave and ordinary
//! events, then the system events and the ghost user's, numbered in one
//! sequence with small gaps.

use std::io;

use super::users::{user_story, UserStory};
use super::vocabulary::*;
use super::{weekday, World, DAY_MS, HOUR_MS};
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
    buf.sort_by_key(|e| e.ts);
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
    for f in &world.fasts {
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
