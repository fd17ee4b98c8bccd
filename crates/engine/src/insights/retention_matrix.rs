//! Insight 1: the week-N retention triangle of weekly join cohorts.

use serde::Serialize;

use super::rate;
use crate::model::{Dataset, NONE};
use crate::period::{iso_week_label, Date, Period};
use crate::timestamp::Timestamp;

/// Weeks 0 … 12 of each cohort.
pub const WEEKS: usize = 13;

/// One cohort: the users who joined in one ISO week.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RetentionCohortRow {
    /// ISO week, `YYYY-Www`.
    pub cohort_week: String,
    /// The week's Monday.
    pub cohort_start_date: Date,
    /// Users whose local `date_joined` is in that week.
    pub users: u64,
    /// Weeks 0, 1, … that begin on or before the period's end (at most 13).
    pub weeks: Vec<WeekRetention>,
}

impl RetentionCohortRow {
    /// Week `n`, when it is listed.
    pub fn week(&self, n: usize) -> Option<&WeekRetention> {
        self.weeks.get(n)
    }

    /// How many of the listed weeks are complete.
    pub fn complete_weeks(&self) -> usize {
        self.weeks.iter().filter(|w| w.complete).count()
    }
}

/// Week `n` of a cohort: Monday + 7n days to Monday + 7(n+1) days.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WeekRetention {
    /// `n`.
    pub week: u32,
    /// Members with a feed item in that week, on or before the period's end.
    pub active: u64,
    /// 100 × active / users.
    pub rate: f64,
    /// Whether the week's last day is on or before the period's end.
    pub complete: bool,
}

pub(super) fn compute(data: &Dataset, period: &Period) -> Vec<RetentionCohortRow> {
    let end = period.end();
    // The cohort weeks, Monday of `start`'s week to Sunday of `end`'s:
    // members joined in them, and their feed items on or before `end` fall
    // in them (those before `start` included).
    let window = period.whole_weeks();
    let cohorts = window.day_count() / 7;
    let end_day = (end - window.start()).num_days() as usize;

    // Each user's cohort (index from the first Monday), or NONE.
    let mut size = vec![0u64; cohorts];
    let cohort_of: Vec<u32> = data
        .users
        .iter()
        .map(|user| match window.day_index(user.date_joined) {
            Some(day) => {
                size[day / 7] += 1;
                (day / 7) as u32
            }
            None => NONE,
        })
        .collect();

    // Members active in each (cohort, week). Feed items come grouped by
    // user, so each member's weeks are gathered in a bit set and counted
    // once the member's items end.
    let mut active = vec![0u64; cohorts * WEEKS];
    let feed = &data.feed;
    let count = |user: u32, weeks: u16, active: &mut Vec<u64>| {
        let c = cohort_of[user as usize] as usize;
        for w in 0..WEEKS {
            if weeks & (1 << w) != 0 {
                active[c * WEEKS + w] += 1;
            }
        }
    };
    let (mut current, mut weeks) = (NONE, 0u16);
    for i in 0..feed.len() {
        let user = feed.user[i];
        if user != current {
            if current != NONE && weeks != 0 {
                count(current, weeks, &mut active);
            }
            (current, weeks) = (user, 0);
        }
        let c = cohort_of[user as usize];
        if c == NONE {
            continue;
        }
        let Some(day) = window.day_index(Timestamp(feed.timestamp[i])) else {
            continue;
        };
        if day > end_day {
            continue;
        }
        let cohort_day = c as usize * 7;
        if day >= cohort_day && (day - cohort_day) / 7 < WEEKS {
            weeks |= 1 << ((day - cohort_day) / 7);
        }
    }
    if current != NONE && weeks != 0 {
        count(current, weeks, &mut active);
    }

    (0..cohorts)
        .rev()
        .filter(|&c| size[c] > 0)
        .map(|c| {
            let monday = window.day(c * 7);
            let weeks = (0..WEEKS)
                .take_while(|&n| window.day(c * 7 + n * 7) <= end)
                .map(|n| {
                    let active = active[c * WEEKS + n];
                    WeekRetention {
                        week: n as u32,
                        active,
                        rate: rate(active, size[c]),
                        complete: window.day(c * 7 + n * 7 + 6) <= end,
                    }
                })
                .collect();
            RetentionCohortRow {
                cohort_week: iso_week_label(monday),
                cohort_start_date: monday,
                users: size[c],
                weeks,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::*;
    use crate::metrics::testing::*;

    #[test]
    fn cohorts_across_new_year_with_a_partly_observed_week() {
        // Period Thu 2024-12-26 … Tue 2025-01-14. Cohort weeks: from the
        // week of the 26th (Mon 12-23, 2024-W52) to the week of the 14th
        // (Mon 01-13, 2025-W03).
        let data = TestBundle::new()
            // 2024-W52: joined Monday 12-23, before `start` (the whole
            // week counts).
            .user(1, "2024-12-23 08:00:00+00")
            .user(2, "2024-12-29 23:59:59+00")
            // 2025-W01: Monday 2024-12-30, across New Year.
            .user(3, "2024-12-30 00:00:00+00")
            .user(4, "2025-01-05 12:00:00+00")
            .user(5, "2025-01-01 12:00:00+00")
            // 2025-W03: joined after the end, in the end's week.
            .user(6, "2025-01-16 00:00:00+00")
            // Weeks outside the range: no cohort.
            .user(7, "2024-12-22 23:59:59+00")
            .user(8, "2025-01-20 00:00:00+00")
            // User 1: week 0 (item before `start` counts), week 2.
            .feed(1, 1, "a", "2024-12-24 00:00:00+00")
            .feed(2, 1, "a", "2025-01-07 00:00:00+00")
            // User 2: item after the period's end does not count.
            .feed(3, 2, "a", "2025-01-15 00:00:00+00")
            // User 3: weeks 0 and 1 (two items in week 1 count once).
            .feed(4, 3, "a", "2024-12-31 00:00:00+00")
            .feed(5, 3, "a", "2025-01-06 00:00:00+00")
            .feed(6, 3, "a", "2025-01-12 23:59:59+00")
            // User 4: week 2, partly observed (Mon 13 … Tue 14 only).
            .feed(7, 4, "a", "2025-01-14 23:00:00+00")
            // User 7 is in no cohort.
            .feed(8, 7, "a", "2025-01-02 00:00:00+00")
            .load();
        let got = insights(&data, "2024-12-26", "2025-01-14", "UTC").retention_matrix;
        assert_eq!(
            json(&got),
            concat!(
                r#"[{"cohort_week":"2025-W03","cohort_start_date":"2025-01-13","users":1,"weeks":["#,
                r#"{"week":0,"active":0,"rate":0.0,"complete":false}]},"#,
                r#"{"cohort_week":"2025-W01","cohort_start_date":"2024-12-30","users":3,"weeks":["#,
                r#"{"week":0,"active":1,"rate":33.33,"complete":true},"#,
                r#"{"week":1,"active":1,"rate":33.33,"complete":true},"#,
                r#"{"week":2,"active":1,"rate":33.33,"complete":false}]},"#,
                r#"{"cohort_week":"2024-W52","cohort_start_date":"2024-12-23","users":2,"weeks":["#,
                r#"{"week":0,"active":1,"rate":50.0,"complete":true},"#,
                r#"{"week":1,"active":0,"rate":0.0,"complete":true},"#,
                r#"{"week":2,"active":1,"rate":50.0,"complete":true},"#,
                r#"{"week":3,"active":0,"rate":0.0,"complete":false}]}]"#
            )
        );
    }

    #[test]
    fn time_zone_decides_the_cohort_and_the_week_of_an_item() {
        // 2025-01-06 05:00 UTC is Sunday 01-05 in Los Angeles: the user is
        // in 2025-W01 there and in 2025-W02 in UTC; the item at 2025-01-13
        // 03:00 UTC is still Sunday 01-12 in Los Angeles.
        let data = TestBundle::new()
            .user(1, "2025-01-06 05:00:00+00")
            .feed(1, 1, "a", "2025-01-13 03:00:00+00")
            .load();
        let la = insights(&data, "2025-01-01", "2025-01-31", "America/Los_Angeles");
        let row = &la.retention_matrix[0];
        assert_eq!(
            (
                row.cohort_week.as_str(),
                row.weeks[1].active,
                row.weeks[2].active
            ),
            ("2025-W01", 1, 0)
        );
        let utc = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        let row = &utc.retention_matrix[0];
        assert_eq!(
            (
                row.cohort_week.as_str(),
                row.weeks[0].active,
                row.weeks[1].active
            ),
            ("2025-W02", 0, 1)
        );
    }

    #[test]
    fn at_most_thirteen_weeks() {
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .feed(1, 1, "a", "2024-03-25 00:00:00+00") // week 12
            .feed(2, 1, "a", "2024-04-01 00:00:00+00") // week 13: not listed
            .load();
        let got = insights(&data, "2024-01-01", "2024-06-30", "UTC");
        let row = &got.retention_matrix[0];
        assert_eq!(row.weeks.len(), 13);
        assert_eq!(row.weeks[12].active, 1);
        assert_eq!(row.complete_weeks(), 13);
        assert_eq!(row.weeks.iter().map(|w| w.active).sum::<u64>(), 1);
    }
}
