//! SPEC §11.1: every day of the period with its new users, active users,
//! feed items, events, app opens, sessions, screen views and fast joins
//! and leaves: the admin dashboard's "events per day" and "net growth".

use serde::Serialize;

use super::AppCode;
use crate::model::{Dataset, NONE};
use crate::period::{Date, Period};
use crate::timestamp::Timestamp;

/// One local date of the period.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct DailyActivityRow {
    /// The local date.
    pub date: Date,
    /// Users whose local `date_joined` is that date.
    pub new_users: u64,
    /// Distinct users with a feed item that date.
    pub active_users: u64,
    /// Feed items that date.
    pub feed_items: u64,
    /// Events that date, with or without a user.
    pub events: u64,
    /// `app_open` events.
    pub app_opens: u64,
    /// `session_start` events.
    pub sessions: u64,
    /// `screen_view` events.
    pub screen_views: u64,
    /// `user_joined_fast` events, whatever they target.
    pub fast_joins: u64,
    /// `user_left_fast` events, whatever they target.
    pub fast_leaves: u64,
    /// `fast_joins − fast_leaves`.
    pub net_fast_joins: i64,
}

pub(super) fn compute(data: &Dataset, period: &Period, codes: &[AppCode]) -> Vec<DailyActivityRow> {
    let mut rows: Vec<DailyActivityRow> = period
        .days()
        .map(|date| DailyActivityRow {
            date,
            ..Default::default()
        })
        .collect();
    for u in &data.users {
        if let Some(d) = period.day_index(u.date_joined) {
            rows[d].new_users += 1;
        }
    }
    // Feed items come grouped by user, newest first: a user's items of one
    // day are next to each other, so a change of (user, day) is a new
    // active user of that day.
    let mut last = (NONE, usize::MAX);
    for (&ts, &user) in data.feed.timestamp.iter().zip(&data.feed.user) {
        let Some(d) = period.day_index(Timestamp(ts)) else {
            continue;
        };
        rows[d].feed_items += 1;
        if (user, d) != last {
            rows[d].active_users += 1;
            last = (user, d);
        }
    }
    for (&ts, &code) in data.events.timestamp.iter().zip(&data.events.code) {
        let Some(d) = period.day_index(Timestamp(ts)) else {
            continue;
        };
        let row = &mut rows[d];
        row.events += 1;
        match codes[code as usize] {
            AppCode::AppOpen => row.app_opens += 1,
            AppCode::SessionStart => row.sessions += 1,
            AppCode::ScreenView => row.screen_views += 1,
            AppCode::Joined => row.fast_joins += 1,
            AppCode::Left => row.fast_leaves += 1,
            AppCode::SessionEnd | AppCode::Other => {}
        }
    }
    for row in &mut rows {
        row.net_fast_joins = row.fast_joins as i64 - row.fast_leaves as i64;
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::insights::testing::insights;
    use crate::metrics::testing::*;

    #[test]
    fn every_day_with_zeros_and_local_dates_across_a_dst_change() {
        // Los Angeles leaves DST on 2024-11-03: 01:30 happens twice.
        let data = TestBundle::new()
            .user(1, "2024-11-03 08:30:00+00") // 01:30 PDT on the 3rd
            .user(2, "2024-11-04 07:30:00+00") // 23:30 PST on the 3rd
            .user(3, "2024-11-04 08:30:00+00") // 00:30 PST on the 4th
            .fast(10, "Lent", None, None)
            .event_data("app_open", Some(1), "{}", "2024-11-03 08:30:00+00")
            .event_data("app_open", Some(1), "{}", "2024-11-03 09:30:00+00")
            .event_data("app_open", None, "{}", "2024-11-04 07:30:00+00")
            .event_data("session_start", Some(2), "{}", "2024-11-03 10:00:00+00")
            .event_data("session_end", Some(2), "{}", "2024-11-03 10:05:00+00")
            .event_data("screen_view", Some(2), "{}", "2024-11-02 12:00:00+00")
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2024-11-03 12:00:00+00",
            )
            .event("user_joined_fast", None, Some(99), "2024-11-03 13:00:00+00")
            .event(
                "user_left_fast",
                Some(2),
                Some(10),
                "2024-11-04 07:59:59+00",
            )
            .feed(1, 1, "a", "2024-11-03 12:00:00+00")
            .feed(2, 1, "b", "2024-11-03 13:00:00+00")
            .feed(3, 2, "a", "2024-11-03 14:00:00+00")
            .feed(4, 2, "a", "2024-11-04 09:00:00+00")
            .load();
        let got = insights(&data, "2024-11-02", "2024-11-04", "America/Los_Angeles");
        let rows = &got.daily_activity;
        assert_eq!(rows.len(), 3);
        assert_eq!(
            json(&rows[0]),
            r#"{"date":"2024-11-02","new_users":0,"active_users":0,"feed_items":0,"events":1,"app_opens":0,"sessions":0,"screen_views":1,"fast_joins":0,"fast_leaves":0,"net_fast_joins":0}"#
        );
        assert_eq!(
            json(&rows[1]),
            r#"{"date":"2024-11-03","new_users":2,"active_users":2,"feed_items":3,"events":8,"app_opens":3,"sessions":1,"screen_views":0,"fast_joins":2,"fast_leaves":1,"net_fast_joins":1}"#
        );
        assert_eq!(
            json(&rows[2]),
            r#"{"date":"2024-11-04","new_users":1,"active_users":1,"feed_items":1,"events":0,"app_opens":0,"sessions":0,"screen_views":0,"fast_joins":0,"fast_leaves":0,"net_fast_joins":0}"#
        );
    }
}
