//! Insight 4: how well each fast keeps its members, over the whole history.

use serde::Serialize;

use super::rate;
use crate::metrics::round2;
use crate::model::Dataset;
use crate::report::{Participations, Status};
use crate::timestamp::MICROS_PER_SECOND;

/// One fast.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FastRetentionRow<'a> {
    /// The fast's id.
    pub fast_id: i64,
    /// Name plus ` (YEAR)` when it has a year.
    pub fast_name: &'a str,
    /// The church's name, or null.
    pub church_name: Option<&'a str>,
    /// Users paired with the fast in `user_fast_participation`.
    pub members_ever: u64,
    /// Of them, pairs with status `active`.
    pub active_members: u64,
    /// Of them, pairs with status `left`.
    pub left_members: u64,
    /// 100 × active / ever; 0 when none.
    pub retention_rate: f64,
    /// Median days from `joined_at` to `left_at` of the `left` pairs that
    /// have both, leave not before join; null when there are none.
    pub median_days_to_leave: Option<f64>,
    /// Members ever who are paired with at least one other fast.
    pub members_in_other_fasts: u64,
}

pub(super) fn compute<'a>(
    data: &'a Dataset,
    participation: &Participations<'_>,
) -> Vec<FastRetentionRow<'a>> {
    let n = data.fasts.len();
    let (mut ever, mut active, mut in_others) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    // (fast index, days to leave) of the pairs that have both dates.
    let mut stays: Vec<(u32, f64)> = Vec::new();
    // Rows come grouped by user: a user's pairs are one run.
    let mut start = 0;
    while start < participation.len() {
        let user = participation.get(start).user_id;
        let run = (start..participation.len())
            .take_while(|&i| participation.get(i).user_id == user)
            .count();
        for row in (start..start + run).map(|i| participation.get(i)) {
            // Every pair's fast is in the bundle (data set 5 leaves the
            // others out).
            let Some(f) = data.fast_index(row.fast_id) else {
                continue;
            };
            let f = f as usize;
            ever[f] += 1;
            if run > 1 {
                in_others[f] += 1;
            }
            match (row.status, row.joined_at, row.left_at) {
                (Status::Active, _, _) => active[f] += 1,
                (Status::Left, Some(joined), Some(left)) if left >= joined => {
                    let seconds = (left.0 - joined.0) as f64 / MICROS_PER_SECOND as f64;
                    stays.push((f as u32, seconds / 86_400.0));
                }
                (Status::Left, _, _) => {}
            }
        }
        start += run;
    }
    stays.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut median: Vec<Option<f64>> = vec![None; n];
    for run in stays.chunk_by(|a, b| a.0 == b.0) {
        let mid = run.len() / 2;
        let value = if run.len() % 2 == 1 {
            run[mid].1
        } else {
            (run[mid - 1].1 + run[mid].1) / 2.0
        };
        median[run[0].0 as usize] = Some(round2(value));
    }
    data.fasts
        .iter()
        .enumerate()
        .map(|(f, fast)| FastRetentionRow {
            fast_id: fast.id,
            fast_name: &fast.display_name,
            church_name: fast.church_name.as_deref(),
            members_ever: ever[f],
            active_members: active[f],
            left_members: ever[f] - active[f],
            retention_rate: rate(active[f], ever[f]),
            median_days_to_leave: median[f],
            members_in_other_fasts: in_others[f],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::*;
    use crate::metrics::testing::*;

    const JOIN: &str = "user_joined_fast";
    const LEAVE: &str = "user_left_fast";

    #[test]
    fn members_medians_and_join_leave_cycles() {
        let data = TestBundle::new()
            .church(1, "C")
            .fast(10, "Lent", Some(1), Some(2025))
            .fast(11, "Advent", None, None)
            .fast(12, "Empty", Some(1), None)
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
            .user(4, "2024-01-01 00:00:00+00")
            .user(5, "2024-01-01 00:00:00+00")
            // Fast 10, an odd count of leavers (3): 1, 2.5 and 10 days.
            // User 1 joins, leaves, joins, leaves: the latest of each
            // (2025-03-01 -> 03-02) is 1 day.
            .event(JOIN, Some(1), Some(10), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(1), Some(10), "2025-02-01 00:00:00+00")
            .event(JOIN, Some(1), Some(10), "2025-03-01 00:00:00+00")
            .event(LEAVE, Some(1), Some(10), "2025-03-02 00:00:00+00")
            .event(JOIN, Some(2), Some(10), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(2), Some(10), "2025-01-03 12:00:00+00")
            .event(JOIN, Some(3), Some(10), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(3), Some(10), "2025-01-11 00:00:00+00")
            // User 4 left without a join event: left, but no duration.
            .event(LEAVE, Some(4), Some(10), "2025-01-11 00:00:00+00")
            // User 5 rejoined after leaving and is a member again: active.
            .event(LEAVE, Some(5), Some(10), "2025-01-05 00:00:00+00")
            .event(JOIN, Some(5), Some(10), "2025-01-06 00:00:00+00")
            .member(5, 10)
            // Fast 11, an even count of leavers (2): 1.5 and 3.5 days ->
            // 2.5. User 3's latest leave is before the latest join: the pair
            // is left out of the median.
            .event(JOIN, Some(1), Some(11), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(1), Some(11), "2025-01-02 12:00:00+00")
            .event(JOIN, Some(2), Some(11), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(2), Some(11), "2025-01-04 12:00:00+00")
            .event(LEAVE, Some(3), Some(11), "2025-01-01 00:00:00+00")
            .event(JOIN, Some(3), Some(11), "2025-01-02 00:00:00+00")
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&got.fast_retention),
            concat!(
                r#"[{"fast_id":10,"fast_name":"Lent (2025)","church_name":"C","members_ever":5,"#,
                r#""active_members":1,"left_members":4,"retention_rate":20.0,"median_days_to_leave":2.5,"#,
                r#""members_in_other_fasts":3},"#,
                r#"{"fast_id":11,"fast_name":"Advent","church_name":null,"members_ever":3,"#,
                r#""active_members":0,"left_members":3,"retention_rate":0.0,"median_days_to_leave":2.5,"#,
                r#""members_in_other_fasts":3},"#,
                r#"{"fast_id":12,"fast_name":"Empty","church_name":"C","members_ever":0,"#,
                r#""active_members":0,"left_members":0,"retention_rate":0.0,"median_days_to_leave":null,"#,
                r#""members_in_other_fasts":0}]"#
            )
        );
    }

    #[test]
    fn a_fast_nobody_ever_left() {
        let data = TestBundle::new()
            .fast(10, "Lent", None, None)
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .event(JOIN, Some(1), Some(10), "2025-01-01 00:00:00+00")
            .member(1, 10)
            .member(2, 10)
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        let row = &got.fast_retention[0];
        assert_eq!(
            (row.members_ever, row.active_members, row.left_members),
            (2, 2, 0)
        );
        assert_eq!(row.retention_rate, 100.0);
        assert_eq!(row.median_days_to_leave, None);
        assert_eq!(row.members_in_other_fasts, 0);
    }

    #[test]
    fn medians_round_to_two_decimals() {
        // 2 days 8 hours: 2.333... days -> 2.33.
        let data = TestBundle::new()
            .fast(10, "Lent", None, None)
            .user(1, "2024-01-01 00:00:00+00")
            .event(JOIN, Some(1), Some(10), "2025-01-01 00:00:00+00")
            .event(LEAVE, Some(1), Some(10), "2025-01-03 08:00:00+00")
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(got.fast_retention[0].median_days_to_leave, Some(2.33));
    }
}
