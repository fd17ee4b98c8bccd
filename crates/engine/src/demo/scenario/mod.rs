//! The generated world: what exists and what happens in a demo bundle,
//! independent of how it is written out.
//!
//! [`World`] holds what depends only on the config (the calendar of the 548
//! days, churches and fasts: small, O(users / 2000)). Everything about user
//! number `i` is derived on demand from `(seed, i)`: [`users::user_story`]
//! decides the account, the profile and the join/leave history, and
//! [`events`] and [`feed`] replay that story. So every table can be written
//! on its own in one streaming pass, in any order, and all of them agree.
//!
//! Time is counted in whole milliseconds since the Unix epoch (UTC); the
//! calendar questions (which date, which day of the week) are answered by
//! the engine's owners, [`crate::timestamp`] and [`crate::period`].

pub mod events;
pub mod feed;
pub mod users;
pub mod vocabulary;

use chrono::Datelike;

use super::random::Rng;
use super::{DemoConfig, DAYS, MISSING_CHURCH_ID, ORPHAN_FAST_NAME};
use crate::period::Date;
use crate::timestamp::{civil_from_days, days_from_civil, MICROS_PER_DAY};
use vocabulary::{CHURCH_NAMES, CITIES, FAST_DESCRIPTIONS, FAST_NAMES, HOUR_W, WEEKDAY_ACCEPT};

/// Milliseconds in a day.
pub const DAY_MS: i64 = MICROS_PER_DAY / 1000;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = DAY_MS / 24;

/// The UTC calendar date of day number `day` (days since 1970-01-01).
///
/// Not `period::date_in(UTC, ..)`: this runs a few times per generated
/// event, where the time-zone lookup doubled the generator's time. Days
/// beyond chrono's range (years past ±262,000, only from a nonsensical
/// `DemoConfig::last_day`) give 1970-01-01 rather than a panic.
pub fn utc_date(day: i64) -> Date {
    let (y, m, d) = civil_from_days(day);
    Date::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The day of the week of UTC day number `day`: 0 = Monday .. 6 = Sunday.
pub fn weekday(day: i64) -> usize {
    utc_date(day).weekday().num_days_from_monday() as usize
}

/// A church.
pub struct Church {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Index of its first fast in [`World::fasts`].
    pub first_fast: usize,
    /// How many fasts it has (consecutive from `first_fast`).
    pub n_fasts: usize,
}

/// A fast.
pub struct Fast {
    /// Its id (ascending in [`World::fasts`], with gaps).
    pub id: u32,
    /// Its name.
    pub name: &'static str,
    /// Its church; [`MISSING_CHURCH_ID`] for the orphan fast.
    pub church_id: u32,
    /// Its year, or NULL.
    pub year: Option<i32>,
    /// Its description, or NULL.
    pub desc: Option<&'static str>,
    /// UTC day number of its `fast_beginning` event, and its first
    /// calendar day (`hub_day`).
    pub begin_day: i64,
}

impl Fast {
    /// How many calendar days (`hub_day` rows) the fast has: 7 to 48, from
    /// its id alone (no draw, so adding the calendar changed no other
    /// figure of the demo).
    pub fn day_count(&self) -> i64 {
        7 + i64::from(self.id * 37 % 42)
    }
}

/// How far back a fast's previous edition runs: 52 weeks, so that both
/// start on the same weekday.
pub const EDITION_GAP_DAYS: i64 = 364;

/// What depends only on the config: the calendar, churches and fasts.
pub struct World {
    /// Number of users.
    pub users: u32,
    /// The seed.
    pub seed: u64,
    /// UTC day number of the first day with data.
    pub first_day: i64,
    /// UTC day number of the last day with data.
    pub last_day: i64,
    /// The first millisecond after the last day.
    pub end_ms: i64,
    /// Cumulative join weight of each day, for placing `date_joined`.
    pub day_cum: Vec<f64>,
    /// Churches, ascending by id.
    pub churches: Vec<Church>,
    /// Fasts, ascending by id; the last one is the orphan fast.
    pub fasts: Vec<Fast>,
    /// Last year's editions (SPEC §11.5) of each church's first fast: the
    /// same name and church, the year before, 52 weeks earlier; ids after
    /// every fast of [`World::fasts`].
    pub editions: Vec<Fast>,
    /// For each fast of [`World::fasts`], its index in
    /// [`World::editions`] when it has a previous edition.
    pub edition_of: Vec<Option<usize>>,
}

impl World {
    /// The world of `cfg`.
    pub fn new(cfg: &DemoConfig) -> World {
        let (y, m, d) = cfg.last_day;
        let last_day = days_from_civil(y, m, d);
        let first_day = last_day - (DAYS - 1);
        // Join weights per day: growth (x6 over the range), weekly rhythm, seasons.
        let mut day_cum = Vec::with_capacity(DAYS as usize);
        let mut growth = 1.0f64;
        let mut acc = 0.0f64;
        for k in 0..DAYS {
            let date = utc_date(first_day + k);
            let (mo, dd) = (date.month(), date.day());
            let week = [1.15, 1.0, 1.0, 1.0, 1.0, 0.9, 1.3]
                [date.weekday().num_days_from_monday() as usize];
            let season = if (mo == 2 && dd >= 15) || mo == 3 || (mo == 4 && dd <= 15) {
                1.5
            } else if mo == 12 {
                1.3
            } else {
                1.0
            };
            acc += growth * week * season;
            day_cum.push(acc);
            growth *= 1.003_27;
        }

        let mut r = Rng::new(cfg.seed, 0, 5);
        let n_churches = (cfg.users / 2000 + 3) as usize;
        let mut churches = Vec::with_capacity(n_churches);
        let mut fasts = Vec::new();
        let mut fast_no = 0u32;
        for k in 0..n_churches {
            let id = 1 + k as u32 + k as u32 / 4;
            let base = CHURCH_NAMES[k % CHURCH_NAMES.len()];
            let name = if k < CHURCH_NAMES.len() {
                base.to_string()
            } else {
                let city = CITIES[(k / CHURCH_NAMES.len() + k) % CITIES.len()];
                format!("{base} ({city} {})", k / CHURCH_NAMES.len())
            };
            let n_fasts = 2 + r.below(4) as usize;
            let first_fast = fasts.len();
            let name_base = r.below(FAST_NAMES.len() as u64) as usize;
            for _ in 0..n_fasts {
                fasts.push(World::make_fast(
                    &mut r,
                    &mut fast_no,
                    id,
                    y,
                    first_day,
                    None,
                    name_base,
                ));
            }
            churches.push(Church {
                id,
                name,
                first_fast,
                n_fasts,
            });
        }
        fasts.push(World::make_fast(
            &mut r,
            &mut fast_no,
            MISSING_CHURCH_ID,
            y,
            first_day,
            Some(ORPHAN_FAST_NAME),
            0,
        ));
        // Previous editions, made without a draw so that the rest of the
        // world (and every figure from it) stays as it was.
        let mut edition_of = vec![None; fasts.len()];
        let mut editions = Vec::new();
        for c in &churches {
            let f = &fasts[c.first_fast];
            let j = fast_no;
            fast_no += 1;
            let first_year = utc_date(f.begin_day).year();
            edition_of[c.first_fast] = Some(editions.len());
            editions.push(Fast {
                id: 10 + 3 * j + (j % 2),
                name: f.name,
                church_id: f.church_id,
                year: Some(f.year.unwrap_or(first_year) - 1),
                desc: f.desc,
                begin_day: f.begin_day - EDITION_GAP_DAYS,
            });
        }
        World {
            users: cfg.users,
            seed: cfg.seed,
            first_day,
            last_day,
            end_ms: (last_day + 1) * DAY_MS,
            day_cum,
            churches,
            fasts,
            editions,
            edition_of,
        }
    }

    fn make_fast(
        r: &mut Rng,
        fast_no: &mut u32,
        church_id: u32,
        year: i32,
        first_day: i64,
        name: Option<&'static str>,
        name_base: usize,
    ) -> Fast {
        let j = *fast_no;
        *fast_no += 1;
        let name = name.unwrap_or(FAST_NAMES[(name_base + j as usize) % FAST_NAMES.len()]);
        let year = match r.pick(&[30, 35, 15, 20]) {
            0 => Some(year - 1),
            1 => Some(year),
            2 => Some(year + 1),
            _ => None,
        };
        let year = if name == ORPHAN_FAST_NAME {
            Some(year.unwrap_or(2025))
        } else {
            year
        };
        Fast {
            id: 10 + 3 * j + (j % 2),
            name,
            church_id,
            year,
            desc: FAST_DESCRIPTIONS[r.below(FAST_DESCRIPTIONS.len() as u64) as usize],
            begin_day: first_day + r.below(DAYS as u64) as i64,
        }
    }

    /// A timestamp in [lo, hi) with daily (evening) and weekly (Sunday) rhythm.
    /// `front` concentrates activity shortly after `lo` (onboarding burst).
    pub fn activity_ts(&self, r: &mut Rng, lo: i64, hi: i64, front: bool) -> i64 {
        let span = (hi - lo).max(1);
        let mut day = lo.div_euclid(DAY_MS);
        for _ in 0..4 {
            let u = r.unit();
            let f = if front { u * u.sqrt() } else { u };
            let t = lo + (f * span as f64) as i64;
            day = t.div_euclid(DAY_MS);
            if r.below(100) < WEEKDAY_ACCEPT[weekday(day)] {
                break;
            }
        }
        let hour = r.pick(&HOUR_W) as i64;
        let mut t = day * DAY_MS + hour * HOUR_MS + r.below(HOUR_MS as u64) as i64;
        if r.pct(12) {
            t -= t.rem_euclid(1000);
        }
        if t < lo || t >= hi {
            t = lo + r.below(span as u64) as i64;
        }
        t
    }

    /// A church index, small indexes (older, larger churches) more likely.
    pub fn pick_church(&self, r: &mut Rng) -> usize {
        let u = r.unit();
        ((u * u * self.churches.len() as f64) as usize).min(self.churches.len() - 1)
    }

    /// A fast index: mostly one of `church`'s fasts, rarely the orphan fast.
    pub fn pick_fast(&self, r: &mut Rng, church: Option<usize>) -> usize {
        let n = self.fasts.len();
        if r.pct(1) {
            return n - 1; // the orphan fast
        }
        if let Some(c) = church {
            if r.pct(80) {
                let ch = &self.churches[c];
                return ch.first_fast + r.below(ch.n_fasts as u64) as usize;
            }
        }
        let u = r.unit();
        ((u * u * (n - 1) as f64) as usize).min(n - 2)
    }

    /// The name of the fast with id `fast_id`, or "a fast" when none has it.
    pub fn fast_name(&self, fast_id: u32) -> &'static str {
        match self.fast_index(fast_id) {
            Some(k) => self.fasts[k].name,
            None => "a fast",
        }
    }

    fn fast_index(&self, fast_id: u32) -> Option<usize> {
        self.fasts.binary_search_by_key(&fast_id, |f| f.id).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_comes_from_the_engine() {
        // 2024-12-30 was a Monday, 2025-06-29 a Sunday, 1970-01-01 a Thursday.
        assert_eq!(weekday(days_from_civil(2024, 12, 30)), 0);
        assert_eq!(weekday(days_from_civil(2025, 6, 29)), 6);
        assert_eq!(weekday(0), 3);
        assert_eq!(weekday(-1), 2);
        for d in [-1i64, 0, 19_000, 20_269] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
            let date = utc_date(d);
            assert_eq!((date.year(), date.month(), date.day()), (y, m, dd));
        }
        assert_eq!(DAY_MS, 86_400_000);
        assert_eq!(HOUR_MS, 3_600_000);
    }

    #[test]
    fn the_world_spans_the_configured_days() {
        let w = World::new(&DemoConfig::new(4500));
        assert_eq!(civil_from_days(w.last_day), (2025, 6, 30));
        assert_eq!(w.last_day - w.first_day + 1, DAYS);
        assert_eq!(w.end_ms, days_from_civil(2025, 7, 1) * DAY_MS);
        assert_eq!(w.day_cum.len(), DAYS as usize);
        assert!(w.day_cum.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(w.churches.len(), 4500 / 2000 + 3);
        assert!(w.fasts.windows(2).all(|p| p[0].id < p[1].id));
        let orphan = w.fasts.last().unwrap();
        assert_eq!(orphan.name, ORPHAN_FAST_NAME);
        assert_eq!(orphan.church_id, MISSING_CHURCH_ID);
        for f in &w.fasts {
            assert!((w.first_day..=w.last_day).contains(&f.begin_day));
        }
        // Each church's first fast has last year's edition, after every fast.
        assert_eq!(w.editions.len(), w.churches.len());
        for (c, e) in w.churches.iter().zip(&w.editions) {
            let f = &w.fasts[c.first_fast];
            assert_eq!((e.name, e.church_id), (f.name, f.church_id));
            assert_eq!(e.begin_day, f.begin_day - EDITION_GAP_DAYS);
            assert!(e.id > w.fasts.last().unwrap().id);
            assert!((7..=48).contains(&e.day_count()));
        }
        let mut r = Rng::new(1, 2, 3);
        let (lo, hi) = (w.first_day * DAY_MS, w.end_ms);
        for front in [false, true] {
            for _ in 0..1000 {
                let t = w.activity_ts(&mut r, lo, hi, front);
                assert!((lo..hi).contains(&t));
            }
        }
    }
}
