//! SPEC §11.3: the fasts' calendar from `hub_day`: when each fast runs,
//! whether it is past, current or upcoming at the period's end, and its
//! participants and joins and leaves in the period.

use serde::Serialize;

use crate::model::Dataset;
use crate::period::{Date, Period};
use crate::report::Report;

/// Where a fast stands at the period's end.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FastStatus {
    /// Its last day is before `end`.
    Past,
    /// `first_day` ≤ `end` ≤ `last_day`.
    Current,
    /// Its first day is after `end`.
    Upcoming,
}

impl FastStatus {
    /// The word of the data set.
    pub fn as_str(self) -> &'static str {
        match self {
            FastStatus::Past => "past",
            FastStatus::Current => "current",
            FastStatus::Upcoming => "upcoming",
        }
    }
}

/// One fast with calendar days.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FastCalendarRow<'a> {
    /// The fast's id.
    pub fast_id: i64,
    /// Its name as in data set 2.
    pub fast_name: &'a str,
    /// Its church's name, or null.
    pub church_name: Option<&'a str>,
    /// Its first calendar day.
    pub first_day: Date,
    /// Its last calendar day.
    pub last_day: Date,
    /// Distinct calendar days.
    pub days: u32,
    /// Relative to the period's end.
    pub status: FastStatus,
    /// Users in the fast now.
    pub participants: u64,
    /// Joins in the period that target it.
    pub joins_in_period: u64,
    /// Leaves in the period that target it.
    pub leaves_in_period: u64,
}

pub(super) fn compute<'a>(
    data: &'a Dataset,
    period: &Period,
    report: &Report<'a>,
) -> Vec<FastCalendarRow<'a>> {
    let end = period.end();
    let mut rows: Vec<FastCalendarRow<'a>> = data
        .fasts
        .iter()
        .zip(&report.fasts)
        .filter_map(|(f, r)| {
            let days = f.days?;
            let status = if days.first > end {
                FastStatus::Upcoming
            } else if days.last < end {
                FastStatus::Past
            } else {
                FastStatus::Current
            };
            Some(FastCalendarRow {
                fast_id: f.id,
                fast_name: r.fast_name,
                church_name: r.church_name,
                first_day: days.first,
                last_day: days.last,
                days: days.count,
                status,
                participants: r.participants,
                joins_in_period: r.joins_in_period,
                leaves_in_period: r.leaves_in_period,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.first_day, r.fast_id));
    rows
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::insights;
    use crate::metrics::testing::*;

    #[test]
    fn statuses_at_the_end_and_only_fasts_with_days() {
        let data = TestBundle::new()
            .church(1, "St. Mary")
            .fast(10, "Lent", Some(1), Some(2025))
            .fast(11, "Advent", None, None)
            .fast(12, "Nineveh", Some(1), None)
            .fast(13, "No days", Some(1), None)
            .user(1, "2024-01-01 00:00:00+00")
            .member(1, 10)
            .days(10, "2025-01-20", "2025-01-31")
            .day(10, "2025-01-25") // listed twice: one day
            .days(11, "2024-12-01", "2025-01-30")
            .days(12, "2025-02-01", "2025-02-03")
            .day(99, "2025-01-10") // a fast not in the export files
            .event("user_joined_fast", None, Some(10), "2025-01-05 00:00:00+00")
            .event(
                "user_left_fast",
                Some(1),
                Some(10),
                "2025-01-31 23:59:59+00",
            )
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&got.fast_calendar),
            concat!(
                r#"[{"fast_id":11,"fast_name":"Advent","church_name":null,"first_day":"2024-12-01","last_day":"2025-01-30","days":61,"status":"past","participants":0,"joins_in_period":0,"leaves_in_period":0},"#,
                r#"{"fast_id":10,"fast_name":"Lent (2025)","church_name":"St. Mary","first_day":"2025-01-20","last_day":"2025-01-31","days":12,"status":"current","participants":1,"joins_in_period":1,"leaves_in_period":1},"#,
                r#"{"fast_id":12,"fast_name":"Nineveh","church_name":"St. Mary","first_day":"2025-02-01","last_day":"2025-02-03","days":3,"status":"upcoming","participants":0,"joins_in_period":0,"leaves_in_period":0}]"#
            )
        );
        // A fast starting on the period's end is current.
        let at_start = insights(&data, "2025-01-01", "2025-02-01", "UTC");
        let nineveh = at_start
            .fast_calendar
            .iter()
            .find(|r| r.fast_id == 12)
            .unwrap();
        assert_eq!(nineveh.status.as_str(), "current");
        // Without hub_day the data set is empty.
        let none = TestBundle::new().fast(10, "Lent", None, None).load();
        assert!(insights(&none, "2025-01-01", "2025-01-31", "UTC")
            .fast_calendar
            .is_empty());
    }
}
