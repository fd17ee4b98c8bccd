//! Insight 2: activity by local weekday and hour.

use serde::Serialize;

use super::words::weekday_short;
use crate::model::{Dataset, NONE};
use crate::period::{LocalHours, Period};
use crate::timestamp::Timestamp;

/// One weekday × hour cell of the period.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HeatmapCell {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `Mon` … `Sun`.
    pub weekday_name: &'static str,
    /// Local hour, 0–23.
    pub hour: u8,
    /// Events in the period in that hour of that weekday (with or without a
    /// user).
    pub events: u64,
    /// Feed items in the period in that hour of that weekday.
    pub feed_items: u64,
    /// Distinct users with an event or a feed item there.
    pub users: u64,
}

impl HeatmapCell {
    /// Events and feed items together: what the peak is chosen by.
    pub fn total(&self) -> u64 {
        self.events + self.feed_items
    }
}

pub(super) fn compute(data: &Dataset, period: &Period) -> Vec<HeatmapCell> {
    let hours = period.local_hours();
    let mut events = [0u64; LocalHours::CELLS];
    let mut feed_items = [0u64; LocalHours::CELLS];
    let mut users = [0u64; LocalHours::CELLS];

    // Events with a user are bucketed by user (a counting sort: no hashing,
    // no allocation per row), so that each user's cells can be counted
    // once, together with the user's feed items, which come grouped by
    // user already.
    let e = &data.events;
    // First pass: how many events in the period each user has (events
    // without a user are counted in their cell at once).
    let mut starts = vec![0u32; data.users.len() + 1];
    for (&ts, &user) in e.timestamp.iter().zip(&e.user) {
        if user == NONE {
            if let Some(c) = hours.cell(Timestamp(ts)) {
                events[c] += 1;
            }
        } else if period.contains(Timestamp(ts)) {
            starts[user as usize + 1] += 1;
        }
    }
    for u in 0..data.users.len() {
        starts[u + 1] += starts[u];
    }
    // Second pass: each user's cells, side by side.
    let mut by_user = vec![0u8; starts[data.users.len()] as usize];
    let mut next = starts.clone();
    for (&ts, &user) in e.timestamp.iter().zip(&e.user) {
        if user == NONE {
            continue;
        }
        if let Some(c) = hours.cell(Timestamp(ts)) {
            events[c] += 1;
            by_user[next[user as usize] as usize] = c as u8;
            next[user as usize] += 1;
        }
    }
    drop(next);

    // `seen[cell]` is the last user (+ 1) counted in that cell.
    let mut seen = [0u32; LocalHours::CELLS];
    let mut count = |user: usize, c: u8, seen: &mut [u32; LocalHours::CELLS]| {
        if seen[c as usize] != user as u32 + 1 {
            seen[c as usize] = user as u32 + 1;
            users[c as usize] += 1;
        }
    };
    let feed = &data.feed;
    let mut item = 0;
    for user in 0..data.users.len() {
        for &c in &by_user[starts[user] as usize..starts[user + 1] as usize] {
            count(user, c, &mut seen);
        }
        while item < feed.len() && feed.user[item] as usize == user {
            if let Some(c) = hours.cell(Timestamp(feed.timestamp[item])) {
                feed_items[c] += 1;
                count(user, c as u8, &mut seen);
            }
            item += 1;
        }
    }

    (0..LocalHours::CELLS)
        .map(|c| {
            let weekday = (c / 24) as u8 + 1;
            HeatmapCell {
                weekday,
                weekday_name: weekday_short(weekday),
                hour: (c % 24) as u8,
                events: events[c],
                feed_items: feed_items[c],
                users: users[c],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::HeatmapCell;
    use crate::insights::testing::*;
    use crate::metrics::testing::*;

    /// The non-empty cells as (weekday, hour, events, feed items, users).
    fn busy(cells: &[HeatmapCell]) -> Vec<(u8, u8, u64, u64, u64)> {
        assert_eq!(cells.len(), 168);
        cells
            .iter()
            .filter(|c| c.events + c.feed_items > 0)
            .map(|c| (c.weekday, c.hour, c.events, c.feed_items, c.users))
            .collect()
    }

    #[test]
    fn dst_start_moves_items_across_an_hour_and_a_day() {
        // Los Angeles springs forward on Sunday 2025-03-09: 02:00 PST
        // becomes 03:00 PDT at 10:00 UTC.
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
            // Sun 01:30 PST.
            .event("screen_view", Some(1), None, "2025-03-09 09:30:00+00")
            // Sun 03:30 and 03:45 PDT (02:30 at a fixed -8).
            .event("app_open", Some(1), None, "2025-03-09 10:30:00+00")
            .event("app_open", None, None, "2025-03-09 10:45:00+00")
            // Mon 00:30 PDT (Sunday 23:30 at a fixed -8).
            .event("app_open", Some(2), None, "2025-03-10 07:30:00+00")
            // Fri 2025-03-07 23:59 PST: before the period.
            .event("app_open", Some(1), None, "2025-03-08 07:59:00+00")
            // Sun 03:15 and 03:20 PDT: user 1 again, and user 2.
            .feed(1, 1, "a", "2025-03-09 10:15:00+00")
            .feed(2, 2, "a", "2025-03-09 10:20:00+00")
            // Mon 23:59 PDT, the last minute of the period.
            .feed(3, 3, "a", "2025-03-11 06:59:00+00")
            .load();
        let got = insights(&data, "2025-03-08", "2025-03-10", "America/Los_Angeles");
        assert_eq!(
            busy(&got.activity_heatmap),
            [
                (1, 0, 1, 0, 1),
                (1, 23, 0, 1, 1),
                (7, 1, 1, 0, 1),
                (7, 3, 2, 2, 2)
            ]
        );
        let c = &got.activity_heatmap[6 * 24 + 3];
        assert_eq!((c.weekday_name, c.hour), ("Sun", 3));
    }

    #[test]
    fn dst_end_keeps_the_repeated_hour_and_half_hour_zones() {
        // Los Angeles falls back on Sunday 2024-11-03: 01:00-02:00 happens
        // twice (08:00-09:00 and 09:00-10:00 UTC).
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .event("app_open", Some(1), None, "2024-11-03 08:30:00+00")
            .event("app_open", Some(1), None, "2024-11-03 09:30:00+00")
            .event("app_open", Some(1), None, "2024-11-03 10:30:00+00")
            .load();
        let got = insights(&data, "2024-11-02", "2024-11-04", "America/Los_Angeles");
        assert_eq!(
            busy(&got.activity_heatmap),
            [(7, 1, 2, 0, 1), (7, 2, 1, 0, 1)]
        );
        // Kolkata is UTC+05:30: 18:29 UTC is Monday 23:59, 18:30 Tuesday 00:00.
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .feed(1, 1, "a", "2025-01-06 18:29:00+00")
            .feed(2, 1, "a", "2025-01-06 18:30:00+00")
            .load();
        let got = insights(&data, "2025-01-06", "2025-01-07", "Asia/Kolkata");
        assert_eq!(
            busy(&got.activity_heatmap),
            [(1, 23, 0, 1, 1), (2, 0, 0, 1, 1)]
        );
    }

    #[test]
    fn every_cell_listed_in_order_and_totals_match_the_period() {
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .event("app_open", Some(2), None, "2025-01-01 10:00:00+00")
            .event("app_open", Some(1), None, "2025-01-08 10:59:59+00")
            .feed(1, 1, "a", "2025-01-15 10:30:00+00")
            .feed(2, 2, "a", "2025-02-01 10:30:00+00") // after the period
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        let cells = &got.activity_heatmap;
        let order: Vec<(u8, u8)> = cells.iter().map(|c| (c.weekday, c.hour)).collect();
        let mut sorted = order.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(order, sorted);
        assert_eq!(
            (cells[0].weekday_name, cells[167].weekday_name),
            ("Mon", "Sun")
        );
        // Wednesdays 10:00-11:00: two users, on two Wednesdays, and a feed
        // item of one of them.
        assert_eq!(busy(cells), [(3, 10, 2, 1, 2)]);
    }
}
