//! Insight 3: each active user's engagement, status and rank.

use std::cmp::Reverse;

use serde::Serialize;

use crate::metrics::round2;
use crate::model::{Dataset, NONE};
use crate::period::Period;
use crate::timestamp::Timestamp;

/// Days without a feed item after which a user is at risk.
pub const AT_RISK_DAYS: i64 = 7;

/// Where a user's engagement is heading.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EngagementStatus {
    /// No feed item in the last 7 days of the period or more.
    AtRisk,
    /// Fewer than half as many items in the second half of the period as
    /// in the first.
    Declining,
    /// Neither.
    Engaged,
}

impl EngagementStatus {
    /// `at_risk`, `declining` or `engaged`.
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementStatus::AtRisk => "at_risk",
            EngagementStatus::Declining => "declining",
            EngagementStatus::Engaged => "engaged",
        }
    }
}

/// One user with a feed item in the period.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UserEngagementRow<'a> {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// Feed items in the period.
    pub items: u64,
    /// Distinct local dates with a feed item.
    pub active_days: u64,
    /// The first of those items (UTC).
    pub first_activity: Timestamp,
    /// The last of those items (UTC).
    pub last_activity: Timestamp,
    /// Whole days from the local date of `last_activity` to `end`.
    pub days_since_last: i64,
    /// Mean days between consecutive active dates; null under 2 dates.
    pub avg_gap_days: Option<f64>,
    /// Items in the first ⌈D/2⌉ days of the period.
    pub first_half_items: u64,
    /// Items in the other days.
    pub second_half_items: u64,
    /// At risk, declining or engaged.
    pub status: EngagementStatus,
    /// 1 = most engaged.
    pub engagement_rank: u64,
}

/// One user's items in the period, gathered in one pass.
struct Tally {
    user: u32,
    items: u64,
    active_days: u64,
    first: i64,
    last: i64,
    first_day: usize,
    last_day: usize,
    first_half: u64,
}

/// A row's place in the ranking (more active days, more items, later last
/// activity, then user id) and its index.
type RankKey = (Reverse<u64>, Reverse<u64>, Reverse<i64>, i64, u32);

pub(super) fn compute<'a>(data: &'a Dataset, period: &Period) -> Vec<UserEngagementRow<'a>> {
    let days = period.day_count();
    let half = days.div_ceil(2);
    let feed = &data.feed;
    let mut tallies: Vec<Tally> = Vec::new();
    // Items come grouped by user, newest first, so a user's local days
    // arrive in order and distinct days are counted without a set; the mean
    // gap between consecutive active days is their span / (days − 1).
    let mut day_before = usize::MAX;
    for i in 0..feed.len() {
        let ts = feed.timestamp[i];
        let Some(day) = period.day_index(Timestamp(ts)) else {
            continue;
        };
        let user = feed.user[i];
        if tallies.last().is_none_or(|t| t.user != user) {
            tallies.push(Tally {
                user,
                items: 0,
                active_days: 0,
                first: ts,
                last: ts,
                first_day: day,
                last_day: day,
                first_half: 0,
            });
            day_before = usize::MAX;
        }
        let t = tallies.last_mut().expect("pushed above");
        t.items += 1;
        if day != day_before {
            t.active_days += 1;
            day_before = day;
        }
        t.first = t.first.min(ts);
        t.last = t.last.max(ts);
        t.first_day = t.first_day.min(day);
        t.last_day = t.last_day.max(day);
        if day < half {
            t.first_half += 1;
        }
    }

    let mut rows: Vec<UserEngagementRow<'a>> = tallies
        .iter()
        .map(|t| {
            debug_assert_ne!(t.user, NONE);
            let user = &data.users[t.user as usize];
            let days_since_last = (days - 1 - t.last_day) as i64;
            let second_half = t.items - t.first_half;
            let status = if days_since_last >= AT_RISK_DAYS {
                EngagementStatus::AtRisk
            } else if 2 * second_half < t.first_half {
                EngagementStatus::Declining
            } else {
                EngagementStatus::Engaged
            };
            UserEngagementRow {
                user_id: user.id,
                username: &user.username,
                email: &user.email,
                items: t.items,
                active_days: t.active_days,
                first_activity: Timestamp(t.first),
                last_activity: Timestamp(t.last),
                days_since_last,
                avg_gap_days: (t.active_days >= 2).then(|| {
                    round2((t.last_day - t.first_day) as f64 / (t.active_days - 1) as f64)
                }),
                first_half_items: t.first_half,
                second_half_items: second_half,
                status,
                engagement_rank: 0,
            }
        })
        .collect();

    // Ranked by more active days, more items, later last activity, then
    // user id (unique, so the order is total). The keys are sorted side by
    // side, not through the rows: at 100,000 users the sort reaching into
    // the rows was the insights' largest sort (issue 23).
    let mut order: Vec<RankKey> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                Reverse(r.active_days),
                Reverse(r.items),
                Reverse(r.last_activity.0),
                r.user_id,
                i as u32,
            )
        })
        .collect();
    order.sort_unstable();
    for (rank, key) in order.into_iter().enumerate() {
        rows[key.4 as usize].engagement_rank = rank as u64 + 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::*;
    use crate::metrics::testing::*;

    /// The ranks are those of the comparison through the rows that the
    /// sort of keys replaced, on 60 users with many ties.
    #[test]
    fn ranks_follow_days_items_last_activity_then_id() {
        let mut bundle = TestBundle::new();
        let mut id = 0;
        for user in 1..=60i64 {
            bundle = bundle.user(user, "2024-01-01 00:00:00+00");
            // Few distinct shapes, so that many users tie on days and items
            // and some on the last activity too.
            for k in 0..(user % 4) {
                id += 1;
                let day = 1 + (user % 3) * k;
                let hour = if user % 5 == 0 { 9 } else { 8 + k };
                bundle = bundle.feed(
                    id,
                    user,
                    "a",
                    &format!("2025-01-{day:02} {hour:02}:00:00+00"),
                );
            }
        }
        let data = bundle.load();
        let rows = insights(&data, "2025-01-01", "2025-01-10", "UTC").user_engagement;
        assert!(rows.len() > 30);
        let mut old: Vec<usize> = (0..rows.len()).collect();
        old.sort_by(|&a, &b| {
            let (a, b) = (&rows[a], &rows[b]);
            b.active_days
                .cmp(&a.active_days)
                .then(b.items.cmp(&a.items))
                .then(b.last_activity.cmp(&a.last_activity))
                .then(a.user_id.cmp(&b.user_id))
        });
        for (rank, i) in old.into_iter().enumerate() {
            assert_eq!(
                rows[i].engagement_rank,
                rank as u64 + 1,
                "user {}",
                rows[i].user_id
            );
        }
    }

    #[test]
    fn one_row_per_active_user_with_status_and_rank() {
        // Period 2025-01-01 … 2025-01-10: D = 10, first half = days 1–5.
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
            .user(4, "2024-01-01 00:00:00+00")
            .user(5, "2024-01-01 00:00:00+00")
            // User 1: days 1, 2, 2, 9 -> 3 active days, gaps 1 and 7 ->
            // 4.0; 3 items in the first half, 1 in the second -> declining.
            .feed(1, 1, "a", "2025-01-01 08:00:00+00")
            .feed(2, 1, "a", "2025-01-02 08:00:00+00")
            .feed(3, 1, "a", "2025-01-02 09:00:00+00")
            .feed(4, 1, "b", "2025-01-09 10:00:00+00")
            // User 2: active on one day only, the 3rd: 7 days before the
            // end -> at risk, no mean gap.
            .feed(5, 2, "a", "2025-01-03 23:59:59+00")
            .feed(6, 2, "a", "2025-01-03 00:00:00+00")
            // User 3: days 4 and 10 -> gap 6.0; 1 item each half -> engaged.
            .feed(7, 3, "a", "2025-01-04 12:00:00+00")
            .feed(8, 3, "a", "2025-01-10 12:00:00+00")
            .feed(9, 3, "a", "2025-01-11 00:00:00+00") // after the period
            // User 5: days 4 and 10 too, the last item later than user 3's.
            .feed(10, 5, "a", "2025-01-04 12:00:00+00")
            .feed(11, 5, "a", "2025-01-10 13:00:00+00")
            // User 4: nothing in the period -> no row.
            .feed(12, 4, "a", "2024-12-31 23:59:59+00")
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-10", "UTC");
        assert_eq!(
            json(&got.user_engagement),
            concat!(
                r#"[{"user_id":1,"username":"user1","email":"u1@example.org","items":4,"active_days":3,"#,
                r#""first_activity":"2025-01-01T08:00:00Z","last_activity":"2025-01-09T10:00:00Z","#,
                r#""days_since_last":1,"avg_gap_days":4.0,"first_half_items":3,"second_half_items":1,"#,
                r#""status":"declining","engagement_rank":1},"#,
                r#"{"user_id":2,"username":"user2","email":"u2@example.org","items":2,"active_days":1,"#,
                r#""first_activity":"2025-01-03T00:00:00Z","last_activity":"2025-01-03T23:59:59Z","#,
                r#""days_since_last":7,"avg_gap_days":null,"first_half_items":2,"second_half_items":0,"#,
                r#""status":"at_risk","engagement_rank":4},"#,
                r#"{"user_id":3,"username":"user3","email":"u3@example.org","items":2,"active_days":2,"#,
                r#""first_activity":"2025-01-04T12:00:00Z","last_activity":"2025-01-10T12:00:00Z","#,
                r#""days_since_last":0,"avg_gap_days":6.0,"first_half_items":1,"second_half_items":1,"#,
                r#""status":"engaged","engagement_rank":3},"#,
                r#"{"user_id":5,"username":"user5","email":"u5@example.org","items":2,"active_days":2,"#,
                r#""first_activity":"2025-01-04T12:00:00Z","last_activity":"2025-01-10T13:00:00Z","#,
                r#""days_since_last":0,"avg_gap_days":6.0,"first_half_items":1,"second_half_items":1,"#,
                r#""status":"engaged","engagement_rank":2}]"#
            )
        );
        // The users of data set 3.
        let ids: Vec<i64> = got.user_engagement.iter().map(|r| r.user_id).collect();
        let report = report(&data, "2025-01-01", "2025-01-10", "UTC");
        let activity: Vec<i64> = report.user_activity.iter().map(|r| r.user_id).collect();
        assert_eq!(ids, activity);
    }

    #[test]
    fn local_days_decide_active_days_and_halves() {
        // Odd D = 5 (2025-01-01 … 01-05): the first half is 3 days. In Los
        // Angeles 2025-01-04 07:00 UTC is still January 3rd (first half),
        // and the two items are on one local day.
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .feed(1, 1, "a", "2025-01-04 07:00:00+00")
            .feed(2, 1, "a", "2025-01-03 20:00:00+00")
            .load();
        let la =
            &insights(&data, "2025-01-01", "2025-01-05", "America/Los_Angeles").user_engagement[0];
        assert_eq!(
            (
                la.active_days,
                la.first_half_items,
                la.second_half_items,
                la.days_since_last
            ),
            (1, 2, 0, 2)
        );
        let utc = &insights(&data, "2025-01-01", "2025-01-05", "UTC").user_engagement[0];
        assert_eq!(
            (
                utc.active_days,
                utc.first_half_items,
                utc.second_half_items,
                utc.days_since_last
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(utc.avg_gap_days, Some(1.0));
    }
}
