//! Feed items (`events_useractivityfeed`): each user's welcome, join/leave
//! and ordinary items, then the ghost user's, numbered in one sequence with
//! small gaps.

use std::fmt::Write;
use std::io;

use super::users::{user_story, UserStory};
use super::vocabulary::*;
use super::{World, DAY_MS};
use crate::demo::random::Rng;
use crate::demo::{FIRST_FEED_ID, GHOST_USERNAME, GHOST_USER_ID};

/// A feed title or description, rendered by the writers.
#[derive(Clone, Copy)]
pub enum Txt {
    /// NULL.
    Null,
    /// A fixed text.
    Lit(&'static str),
    /// "Joined <fast name>".
    Joined(u32),
    /// "Left <fast name>".
    Left(u32),
    /// "Reminder: <fast name> continues today".
    Remind(u32),
    /// "Devotional for Day <n>".
    DayN(u32),
    /// "<n>-day streak! 🎉".
    Streak(u32),
}

impl Txt {
    /// Renders into `s`; false when NULL.
    pub fn render(self, world: &World, s: &mut String) -> bool {
        s.clear();
        match self {
            Txt::Null => return false,
            Txt::Lit(t) => s.push_str(t),
            Txt::Joined(f) => {
                s.push_str("Joined ");
                s.push_str(world.fast_name(f));
            }
            Txt::Left(f) => {
                s.push_str("Left ");
                s.push_str(world.fast_name(f));
            }
            Txt::Remind(f) => {
                s.push_str("Reminder: ");
                s.push_str(world.fast_name(f));
                s.push_str(" continues today");
            }
            Txt::DayN(n) => {
                // Writing to a String cannot fail.
                let _ = write!(s, "Devotional for Day {n}");
            }
            Txt::Streak(n) => {
                let _ = write!(s, "{n}-day streak! 🎉");
            }
        }
        true
    }
}

/// One feed item; the writers turn its codes into text.
#[derive(Clone, Copy)]
pub struct Item {
    /// `created_at`, ms.
    pub ts: i64,
    /// The user (never NULL).
    pub user: u32,
    /// 0 = NULL
    pub obj: u32,
    /// Index into `ACTIVITY_TYPES`.
    pub kind: u8,
    /// 0 = none, else index + 1 into CONTENT_TYPES
    pub ct: u8,
    /// `title`.
    pub title: Txt,
    /// `description`.
    pub desc: Txt,
    /// `is_read`.
    pub is_read: bool,
    /// 0 = NULL
    pub read_at: i64,
}

fn tricky(r: &mut Rng) -> Txt {
    if r.pct(2) {
        Txt::Null
    } else {
        Txt::Lit(TRICKY[r.below(TRICKY.len() as u64) as usize])
    }
}

fn gen_feed(world: &World, st: &UserStory, buf: &mut Vec<Item>) {
    let mut r = Rng::new(world.seed, st.idx as u64, 2);
    let cap = world.end_ms - 1;
    let base = Item {
        ts: st.joined,
        user: st.id,
        obj: 0,
        kind: A_ACCOUNT,
        ct: 0,
        title: Txt::Lit("Welcome to the community!"),
        desc: Txt::Null,
        is_read: false,
        read_at: 0,
    };
    if st.account_feed {
        buf.push(Item {
            ts: (st.joined + 1000 + r.below(60_000) as i64).min(cap),
            desc: if r.pct(50) { Txt::Null } else { tricky(&mut r) },
            ..base
        });
    }
    for l in st.links() {
        for k in 0..l.n_ts {
            let join = k % 2 == 0;
            let target = r.pct(90);
            buf.push(Item {
                ts: (l.ts[k] + 1 + r.below(5000) as i64).min(cap),
                kind: if join { A_JOIN } else { A_LEAVE },
                ct: if target { CT_FAST } else { 0 },
                obj: if target { l.fast_id } else { 0 },
                title: if r.pct(85) {
                    if join {
                        Txt::Joined(l.fast_id)
                    } else {
                        Txt::Left(l.fast_id)
                    }
                } else {
                    tricky(&mut r)
                },
                desc: if r.pct(60) { Txt::Null } else { tricky(&mut r) },
                ..base
            });
        }
    }
    for _ in 0..st.n_other_feed {
        let mut kind = r.pick(&OTHER_FEED_W) as u8;
        if kind == A_REMINDER && st.n_links == 0 {
            kind = A_DEV_AVAILABLE;
        }
        let mut it = Item {
            ts: world.activity_ts(&mut r, st.joined, st.active_end, true),
            kind,
            desc: if r.pct(10) { Txt::Null } else { tricky(&mut r) },
            ..base
        };
        let day = 1 + r.below(40) as u32;
        let plain = r.pct(70);
        match kind {
            A_REMINDER => {
                let l = st.links[r.below(st.n_links as u64) as usize];
                it.ct = CT_FAST;
                it.obj = l.fast_id;
                it.title = Txt::Remind(l.fast_id);
            }
            A_DEV_AVAILABLE | A_DEV_REMINDER => {
                if r.pct(60) {
                    it.ct = CT_DEVOTIONAL;
                    it.obj = 1 + r.below(400) as u32;
                } else if kind == A_DEV_REMINDER && st.n_links > 0 && r.pct(50) {
                    it.ct = CT_FAST;
                    it.obj = st.links[r.below(st.n_links as u64) as usize].fast_id;
                }
                it.title = Txt::DayN(day);
            }
            A_MILESTONE => it.title = Txt::Streak(day),
            A_ANNOUNCEMENT => {
                if r.pct(30) {
                    if let Some(c) = st.church {
                        it.ct = CT_CHURCH;
                        it.obj = world.churches[c].id;
                    }
                }
                it.title = Txt::Lit("Parish announcement");
            }
            A_ARTICLE => it.title = Txt::Lit("New article: Prayer, fasting & almsgiving"),
            A_EVENT => {
                let f = &world.fasts[world.pick_fast(&mut r, st.church)];
                it.ct = CT_FAST;
                it.obj = f.id;
                it.title = Txt::Lit("Community meal after liturgy");
            }
            A_PRAYER => {
                it.ct = CT_PRAYER;
                it.obj = 1 + r.below(500) as u32;
                it.title = Txt::Lit("Someone prayed for you");
            }
            _ => {}
        }
        if !plain {
            it.title = tricky(&mut r);
        }
        buf.push(it);
    }
    for it in buf.iter_mut() {
        if r.pct(60) {
            it.is_read = true;
            let at = it.ts + 1000 + r.below(3 * DAY_MS as u64) as i64;
            if at < cap && r.pct(95) {
                it.read_at = at;
            }
        }
    }
    buf.sort_by_key(|it| it.ts);
}

/// Calls `f(id, item, username of its user)` for every feed item, in id order.
pub fn for_each_feed<F>(world: &World, mut f: F) -> io::Result<()>
where
    F: FnMut(u64, &Item, &str) -> io::Result<()>,
{
    let mut buf: Vec<Item> = Vec::with_capacity(256);
    let mut uname = String::new();
    let mut gaps = Rng::new(world.seed, 0, 10);
    let mut id = FIRST_FEED_ID;
    for i in 0..world.users {
        let st = user_story(world, i);
        buf.clear();
        gen_feed(world, &st, &mut buf);
        uname.clear();
        st.write_username(&mut uname);
        for it in &buf {
            if gaps.below(50) == 0 {
                id += 1 + gaps.below(2);
            }
            f(id, it, &uname)?;
            id += 1;
        }
    }
    let mut r = Rng::new(world.seed, 0, 11);
    let lo = world.end_ms - 60 * DAY_MS;
    let mut ghost = [
        Item {
            ts: world.activity_ts(&mut r, lo, world.end_ms - 1000, false),
            user: GHOST_USER_ID,
            obj: world.fasts[0].id,
            kind: A_JOIN,
            ct: CT_FAST,
            title: Txt::Joined(world.fasts[0].id),
            desc: Txt::Null,
            is_read: false,
            read_at: 0,
        },
        Item {
            ts: world.activity_ts(&mut r, lo, world.end_ms - 1000, false),
            user: GHOST_USER_ID,
            obj: 0,
            kind: A_MILESTONE,
            ct: 0,
            title: Txt::Streak(3),
            desc: Txt::Lit(""),
            is_read: false,
            read_at: 0,
        },
    ];
    ghost.sort_by_key(|it| it.ts);
    for it in &ghost {
        f(id, it, GHOST_USERNAME)?;
        id += 1;
    }
    Ok(())
}
