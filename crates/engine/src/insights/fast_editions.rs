//! SPEC §11.5: a fast against its previous year's edition, day by day from
//! four weeks before its first day: "sign-ups so far, this year against
//! last year at the same point".

use std::collections::HashMap;

use chrono::Duration;
use serde::Serialize;

use super::AppCode;
use crate::model::{Dataset, Fast, NO_ID};
use crate::period::{Date, Period};
use crate::timestamp::Timestamp;

/// Days before a fast's first day that its rows start.
pub const LEAD_DAYS: i64 = 28;

/// One relative day of a fast and its previous edition.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FastEditionRow {
    /// The fast F.
    pub fast_id: i64,
    /// Its previous edition P.
    pub previous_fast_id: i64,
    /// r: days from F's first day.
    pub relative_day: i64,
    /// F.first_day + r.
    pub date: Date,
    /// F's joins on that local date (whole history).
    pub joins: u64,
    /// F's joins on or before that local date.
    pub cumulative_joins: u64,
    /// P.first_day + r.
    pub previous_date: Date,
    /// P's joins on that local date.
    pub previous_joins: u64,
    /// P's joins on or before that local date.
    pub previous_cumulative_joins: u64,
}

/// Each fast's previous edition (SPEC §11.5), by fast index: the fast of
/// the same church with the same name whose year is one less, both with
/// calendar days; the lowest id when several qualify.
pub fn previous_editions(data: &Dataset) -> Vec<Option<u32>> {
    type Key<'a> = (Option<i64>, &'a str, i64);
    fn key(f: &Fast) -> Option<Key<'_>> {
        f.days?;
        Some((f.church_id, &*f.name, f.edition_year()?))
    }
    // Fasts come ascending by id: the first one of a key is the lowest.
    let mut by_key: HashMap<Key<'_>, u32> = HashMap::new();
    for (i, f) in data.fasts.iter().enumerate() {
        if let Some(k) = key(f) {
            by_key.entry(k).or_insert(i as u32);
        }
    }
    data.fasts
        .iter()
        .map(|f| {
            let (church, name, year) = key(f)?;
            by_key.get(&(church, name, year - 1)).copied()
        })
        .collect()
}

/// The rows of `period` (the insights call [`compute_with`] through
/// [`super::days`]; the tests compare with this walk).
#[cfg(test)]
pub(super) fn compute(data: &Dataset, period: &Period, codes: &[AppCode]) -> Vec<FastEditionRow> {
    compute_with(data, period, codes, None)
}

/// The local dates (in `period`'s zone, whole history) of the joins of
/// every fast that has a previous edition or is one, sorted, by fast index
/// (empty for the other fasts): what [`compute_with`] reads, for any
/// period in that zone.
pub(super) fn all_join_dates(data: &Dataset, period: &Period, codes: &[AppCode]) -> Vec<Vec<Date>> {
    let previous = previous_editions(data);
    let mut wanted = vec![false; data.fasts.len()];
    for (f, fast) in data.fasts.iter().enumerate() {
        if let (Some(p), Some(_)) = (previous[f], fast.days) {
            wanted[f] = true;
            wanted[p as usize] = true;
        }
    }
    join_dates(data, period, codes, &wanted)
}

/// The local dates of the joins of the `wanted` fasts (by fast index),
/// whole history, sorted.
fn join_dates(
    data: &Dataset,
    period: &Period,
    codes: &[AppCode],
    wanted: &[bool],
) -> Vec<Vec<Date>> {
    let mut dates: Vec<Vec<Date>> = vec![Vec::new(); data.fasts.len()];
    if !wanted.contains(&true) {
        return dates;
    }
    let e = &data.events;
    for (i, &code) in e.code.iter().enumerate() {
        if codes[code as usize] != AppCode::Joined {
            continue;
        }
        let fast_id = e.fast_id.get(i);
        if fast_id == NO_ID {
            continue;
        }
        let Some(f) = data.fast_index(fast_id) else {
            continue;
        };
        if wanted[f as usize] {
            dates[f as usize].push(period.local_date(Timestamp(e.timestamp[i])));
        }
    }
    for d in &mut dates {
        d.sort_unstable();
    }
    dates
}

/// [`compute`], with the join dates of [`all_join_dates`] (made in
/// `period`'s zone) when given instead of walking the events for them.
pub(super) fn compute_with(
    data: &Dataset,
    period: &Period,
    codes: &[AppCode],
    kept: Option<&[Vec<Date>]>,
) -> Vec<FastEditionRow> {
    let end = period.end();
    let previous = previous_editions(data);
    // The fasts drawn (F, P).
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (f, fast) in data.fasts.iter().enumerate() {
        let (Some(p), Some(days)) = (previous[f], fast.days) else {
            continue;
        };
        if days.first - Duration::days(LEAD_DAYS) > end {
            continue;
        }
        pairs.push((f as u32, p));
    }
    if pairs.is_empty() {
        return Vec::new();
    }
    let walked;
    let dates: &[Vec<Date>] = match kept {
        Some(dates) => dates,
        None => {
            let mut wanted = vec![false; data.fasts.len()];
            for &(f, p) in &pairs {
                wanted[f as usize] = true;
                wanted[p as usize] = true;
            }
            walked = join_dates(data, period, codes, &wanted);
            &walked
        }
    };
    // Joins on `date` and on or before it.
    let count = |dates: &[Date], date: Date| {
        let upto = dates.partition_point(|&d| d <= date);
        let before = dates.partition_point(|&d| d < date);
        ((upto - before) as u64, upto as u64)
    };
    let mut rows = Vec::new();
    for (f, p) in pairs {
        let (fast, prev) = (&data.fasts[f as usize], &data.fasts[p as usize]);
        let (Some(fd), Some(pd)) = (fast.days, prev.days) else {
            continue;
        };
        let last = (fd.last.min(end) - fd.first).num_days();
        let (fdates, pdates) = (&dates[f as usize], &dates[p as usize]);
        for r in -LEAD_DAYS..=last {
            let date = fd.first + Duration::days(r);
            let previous_date = pd.first + Duration::days(r);
            let (joins, cumulative_joins) = count(fdates, date);
            let (previous_joins, previous_cumulative_joins) = count(pdates, previous_date);
            rows.push(FastEditionRow {
                fast_id: fast.id,
                previous_fast_id: prev.id,
                relative_day: r,
                date,
                joins,
                cumulative_joins,
                previous_date,
                previous_joins,
                previous_cumulative_joins,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::insights;
    use crate::metrics::testing::*;

    /// Nativity 2025 (41) with two candidate 2024 editions: 42 (year 2024)
    /// and 43 (no year, days in 2024): the lowest id wins. 46 is another
    /// church's. 44 has no year: its days make it 2025, so 45 (2024) is its
    /// previous edition.
    fn bundle() -> TestBundle {
        TestBundle::new()
            .church(1, "St. Mary")
            .church(3, "Holy Trinity")
            .fast(41, "Nativity Fast", Some(1), Some(2025))
            .fast(42, "Nativity Fast", Some(1), Some(2024))
            .fast(43, "Nativity Fast", Some(1), None)
            .fast(44, "Nineveh", Some(1), None)
            .fast(45, "Nineveh", Some(1), Some(2024))
            .fast(46, "Nativity Fast", Some(3), Some(2024))
            .fast(47, "Nativity Fast", Some(1), Some(2023)) // no days
            .user(1, "2023-01-01 00:00:00+00")
            .days(41, "2025-01-13", "2025-02-21")
            .days(42, "2024-01-15", "2024-02-23")
            .days(43, "2024-01-20", "2024-01-26")
            .days(44, "2025-02-10", "2025-02-16")
            .days(45, "2024-02-12", "2024-02-18")
            .days(46, "2024-01-15", "2024-02-23")
            .event(
                "user_joined_fast",
                Some(1),
                Some(41),
                "2024-12-20 10:00:00+00",
            )
            .event("user_joined_fast", None, Some(41), "2025-01-13 10:00:00+00")
            .event(
                "user_joined_fast",
                Some(1),
                Some(41),
                "2025-01-13 11:00:00+00",
            )
            .event(
                "user_left_fast",
                Some(1),
                Some(41),
                "2025-01-14 11:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(41),
                "2025-02-05 11:00:00+00",
            ) // after the end
            .event(
                "user_joined_fast",
                Some(1),
                Some(42),
                "2023-12-10 10:00:00+00",
            ) // before r = -28
            .event(
                "user_joined_fast",
                Some(1),
                Some(42),
                "2024-01-16 10:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(43),
                "2024-01-16 10:00:00+00",
            )
    }

    #[test]
    fn a_fast_against_its_previous_edition_whole_history() {
        let data = bundle().load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        let rows = &got.fast_editions;
        let of = |f: i64| rows.iter().filter(|r| r.fast_id == f).collect::<Vec<_>>();
        let nativity = of(41);
        // r = -28 … 18 (2025-01-31 − 2025-01-13).
        assert_eq!(nativity.len(), 47);
        assert!(nativity.iter().all(|r| r.previous_fast_id == 42));
        assert_eq!(
            json(nativity[0]),
            r#"{"fast_id":41,"previous_fast_id":42,"relative_day":-28,"date":"2024-12-16","joins":0,"cumulative_joins":0,"previous_date":"2023-12-18","previous_joins":0,"previous_cumulative_joins":1}"#
        );
        let r0 = nativity.iter().find(|r| r.relative_day == 0).unwrap();
        assert_eq!(
            json(r0),
            r#"{"fast_id":41,"previous_fast_id":42,"relative_day":0,"date":"2025-01-13","joins":2,"cumulative_joins":3,"previous_date":"2024-01-15","previous_joins":0,"previous_cumulative_joins":1}"#
        );
        let r1 = nativity.iter().find(|r| r.relative_day == 1).unwrap();
        assert_eq!((r1.previous_joins, r1.previous_cumulative_joins), (1, 2));
        let last = nativity.last().unwrap();
        assert_eq!((last.relative_day, last.cumulative_joins), (18, 3));
        // Nineveh 2025 (year from its first day) starts 2025-02-10: r = -28 … -10.
        let nineveh = of(44);
        assert_eq!(nineveh.len(), 19);
        assert_eq!(
            (nineveh[0].previous_fast_id, nineveh[18].relative_day),
            (45, -10)
        );
        // Only those two fasts have a previous edition with days.
        assert_eq!(rows.len(), 47 + 19);
    }

    #[test]
    fn a_fast_more_than_four_weeks_after_the_end_has_no_rows() {
        let data = bundle().load();
        // 2025-02-10 − 28 = 2025-01-13: just after an end of 01-12.
        let got = insights(&data, "2025-01-01", "2025-01-12", "UTC");
        assert!(got.fast_editions.iter().all(|r| r.fast_id == 41));
        let got = insights(&data, "2025-01-01", "2025-01-13", "UTC");
        let nineveh: Vec<_> = got
            .fast_editions
            .iter()
            .filter(|r| r.fast_id == 44)
            .collect();
        assert_eq!(nineveh.len(), 1);
        // A fast ending on the period's end: its rows stop at its last day.
        let got = insights(&data, "2025-02-01", "2025-02-21", "UTC");
        let last = got.fast_editions.iter().rfind(|r| r.fast_id == 41).unwrap();
        assert_eq!(
            (last.relative_day, last.date.to_string()),
            (39, "2025-02-21".to_string())
        );
        assert_eq!(last.cumulative_joins, 4);
    }
}
