//! SPEC §11.4: each fast's joins and leaves per local date of the period,
//! with the day of the fast: the dashboard's "joins and leaves per day"
//! and "net growth", fast by fast.

use serde::Serialize;

use super::AppCode;
use crate::model::{Dataset, NO_ID};
use crate::period::{Date, Period};
use crate::timestamp::Timestamp;

/// A fast on a date with a join or a leave.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FastDailyRow {
    /// The fast's id.
    pub fast_id: i64,
    /// The local date.
    pub date: Date,
    /// `date − first_day + 1` (1 = the fast's first day); null for a fast
    /// without calendar days.
    pub day_of_fast: Option<i64>,
    /// `user_joined_fast` events that target the fast that date.
    pub joins: u64,
    /// `user_left_fast` events that target the fast that date.
    pub leaves: u64,
    /// joins − leaves.
    pub net: i64,
}

pub(super) fn compute(data: &Dataset, period: &Period, codes: &[AppCode]) -> Vec<FastDailyRow> {
    // (fast index << 32 | day index, leave?) of each join or leave of a
    // known fast in the period; sorted, they group by fast and date.
    let mut keys: Vec<(u64, bool)> = Vec::new();
    let e = &data.events;
    for (i, (&ts, &code)) in e.timestamp.iter().zip(&e.code).enumerate() {
        let leave = match codes[code as usize] {
            AppCode::Joined => false,
            AppCode::Left => true,
            _ => continue,
        };
        let Some(day) = period.day_index(Timestamp(ts)) else {
            continue;
        };
        let fast_id = e.fast_id.get(i);
        if fast_id == NO_ID {
            continue;
        }
        if let Some(f) = data.fast_index(fast_id) {
            keys.push(((u64::from(f) << 32) | day as u64, leave));
        }
    }
    keys.sort_unstable();
    let mut rows: Vec<FastDailyRow> = Vec::new();
    for run in keys.chunk_by(|a, b| a.0 == b.0) {
        let (f, day) = (
            (run[0].0 >> 32) as usize,
            (run[0].0 & u64::from(u32::MAX)) as usize,
        );
        let leaves = run.iter().filter(|k| k.1).count() as u64;
        let joins = run.len() as u64 - leaves;
        let fast = &data.fasts[f];
        let date = period.day(day);
        rows.push(FastDailyRow {
            fast_id: fast.id,
            date,
            day_of_fast: fast.days.map(|d| (date - d.first).num_days() + 1),
            joins,
            leaves,
            net: joins as i64 - leaves as i64,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::insights;
    use crate::metrics::testing::*;

    #[test]
    fn joins_and_leaves_per_fast_and_local_date() {
        let data = TestBundle::new()
            .fast(16, "Community", None, None)
            .fast(20, "No days", None, None)
            .user(1, "2024-01-01 00:00:00+00")
            .days(16, "2024-10-28", "2024-11-03")
            // 01:30 PDT and 01:30 PST of 2024-11-03, both that date.
            .event(
                "user_joined_fast",
                Some(1),
                Some(16),
                "2024-11-03 08:30:00+00",
            )
            .event("user_joined_fast", None, Some(16), "2024-11-03 09:30:00+00")
            // 23:30 PST of the 3rd.
            .event(
                "user_left_fast",
                Some(1),
                Some(16),
                "2024-11-04 07:30:00+00",
            )
            .event(
                "user_left_fast",
                Some(1),
                Some(16),
                "2024-10-20 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(20),
                "2024-11-05 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(99),
                "2024-11-05 12:00:00+00",
            ) // unknown fast
            .event("user_joined_fast", Some(1), None, "2024-11-05 12:00:00+00") // no target
            .event(
                "user_joined_fast",
                Some(1),
                Some(16),
                "2024-11-17 08:00:00+00",
            ) // after
            .load();
        let got = insights(&data, "2024-10-20", "2024-11-16", "America/Los_Angeles");
        assert_eq!(
            json(&got.fast_daily),
            concat!(
                r#"[{"fast_id":16,"date":"2024-10-20","day_of_fast":-7,"joins":0,"leaves":1,"net":-1},"#,
                r#"{"fast_id":16,"date":"2024-11-03","day_of_fast":7,"joins":2,"leaves":1,"net":1},"#,
                r#"{"fast_id":20,"date":"2024-11-05","day_of_fast":null,"joins":1,"leaves":0,"net":1}]"#
            )
        );
    }
}
