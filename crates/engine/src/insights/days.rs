//! [`Days`]: the insights that are sums of whole local days, computed once
//! over every day of the data so that any period of the same data, segment
//! and time zone takes its days from them instead of walking every event
//! and feed item again (issue 23: the page's "Whole data" walked 2.2 M
//! events and 1.1 M feed items for each of them).
//!
//! Only what is exact day by day is kept: daily activity (its distinct
//! active users are counted per day, so a day's figure is the same in any
//! period that holds the day), each fast's joins and leaves per day, and
//! the local dates of the joins that a fast's editions compare (whole
//! history, whatever the period).
//! Figures over several days with distinct users (the heatmap, app usage,
//! engagement) cannot be summed from days and are computed as before.

use super::daily_activity::{self, DailyActivityRow};
use super::fast_daily::{self, FastDailyRow};
use super::fast_editions::{self, FastEditionRow};
use super::AppCode;
use crate::model::Dataset;
use crate::period::{date_in, Date, Period};
use crate::timestamp::Timestamp;
use chrono_tz::Tz;

/// More days than this between the data's first and last instant (a stray
/// timestamp in year 1 or 9999) and the data gets no [`Days`]: the
/// insights are then computed period by period, as before.
const MAX_DAYS: i64 = 40_000;

/// The daily insights of every local day of one data set (already
/// narrowed to a segment) in one time zone.
#[derive(Clone, Debug)]
pub struct Days {
    /// Every local day from the data's first instant to its last.
    whole: Period,
    /// [`daily_activity`] of `whole`: one row per day.
    daily: Vec<DailyActivityRow>,
    /// [`fast_daily`] of `whole`: by fast, then date.
    fast_daily: Vec<FastDailyRow>,
    /// The join dates [`fast_editions`] reads, by fast index.
    edition_dates: Vec<Vec<Date>>,
}

impl Days {
    /// The daily insights of `data` in zone `tz`; `None` for data without
    /// any instant, or spread over more than [`MAX_DAYS`] days.
    pub fn new(data: &Dataset, tz: Tz) -> Option<Days> {
        let (first, last) = data.time_extent()?;
        Days::over(data, tz, first, last)
    }

    fn over(data: &Dataset, tz: Tz, first: Timestamp, last: Timestamp) -> Option<Days> {
        let (start, end) = (date_in(tz, first), date_in(tz, last));
        if (end - start).num_days() > MAX_DAYS {
            return None;
        }
        let whole = Period::new(start, end, tz).ok()?;
        let codes = super::app_codes(data);
        Some(Days {
            daily: daily_activity::compute(data, &whole, &codes),
            fast_daily: fast_daily::compute(data, &whole, &codes),
            edition_dates: fast_editions::all_join_dates(data, &whole, &codes),
            whole,
        })
    }

    /// Where the rows are: the same for as long as these days are kept
    /// (the tests tell days kept from days made again).
    #[cfg(test)]
    pub(crate) fn made_at(&self) -> *const DailyActivityRow {
        self.daily.as_ptr()
    }

    /// The zone the days are local to.
    pub fn tz(&self) -> Tz {
        self.whole.tz()
    }

    /// Whether these days answer for `period`: the same zone (any dates:
    /// a day without data is a day of zeros).
    fn answers(&self, period: &Period) -> bool {
        self.whole.tz() == period.tz()
    }

    /// [`daily_activity::compute`] of `period`, from the days.
    pub(super) fn daily_activity(&self, period: &Period) -> Option<Vec<DailyActivityRow>> {
        if !self.answers(period) {
            return None;
        }
        Some(
            period
                .days()
                .map(|date| match self.whole.index_of_day(date) {
                    Some(i) => self.daily[i].clone(),
                    None => DailyActivityRow {
                        date,
                        ..Default::default()
                    },
                })
                .collect(),
        )
    }

    /// [`fast_daily::compute`] of `period`, from the days: the rows of its
    /// dates, in the same order (by fast, then date).
    pub(super) fn fast_daily(&self, period: &Period) -> Option<Vec<FastDailyRow>> {
        if !self.answers(period) {
            return None;
        }
        let (start, end) = (period.start(), period.end());
        Some(
            self.fast_daily
                .iter()
                .filter(|r| r.date >= start && r.date <= end)
                .cloned()
                .collect(),
        )
    }
}

/// Each fast against its previous edition (made from `data`, which the
/// days were made from), with the join dates from `days` when they answer
/// for `period`, walking the events otherwise.
pub(super) fn fast_editions_of(
    data: &Dataset,
    period: &Period,
    codes: &[AppCode],
    days: Option<&Days>,
) -> Vec<FastEditionRow> {
    let kept = days
        .filter(|d| d.answers(period))
        .map(|d| &d.edition_dates[..]);
    fast_editions::compute_with(data, period, codes, kept)
}

/// Daily activity of `period`: from `days` when they answer for it,
/// walking the data otherwise.
pub(super) fn daily_activity_of(
    data: &Dataset,
    period: &Period,
    codes: &[AppCode],
    days: Option<&Days>,
) -> Vec<DailyActivityRow> {
    days.and_then(|d| d.daily_activity(period))
        .unwrap_or_else(|| daily_activity::compute(data, period, codes))
}

/// Each fast's joins and leaves per day of `period`: from `days` when they
/// answer for it, walking the data otherwise.
pub(super) fn fast_daily_of(
    data: &Dataset,
    period: &Period,
    codes: &[AppCode],
    days: Option<&Days>,
) -> Vec<FastDailyRow> {
    days.and_then(|d| d.fast_daily(period))
        .unwrap_or_else(|| fast_daily::compute(data, period, codes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testing::period;
    use crate::metrics::testing::*;
    use crate::period::parse_time_zone;

    /// Users, feed items and events around Los Angeles' DST change of
    /// 2024-11-03 (01:30 happens twice), with joins and leaves of fasts.
    fn data() -> Dataset {
        TestBundle::new()
            .fast(16, "Community", None, None)
            .fast(20, "No days", None, None)
            .days(16, "2024-10-28", "2024-11-03")
            // Two editions of one fast, with joins across the DST changes.
            .church(1, "St. Mary")
            .fast(41, "Nativity Fast", Some(1), Some(2024))
            .days(41, "2024-11-05", "2024-11-12")
            .fast(42, "Nativity Fast", Some(1), Some(2023))
            .days(42, "2023-11-05", "2023-11-12")
            .event(
                "user_joined_fast",
                Some(2),
                Some(41),
                "2024-11-06 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(3),
                Some(41),
                "2024-10-15 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(4),
                Some(42),
                "2023-11-05 07:30:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(42),
                "2023-11-05 09:30:00+00",
            )
            .event(
                "user_joined_fast",
                Some(2),
                Some(42),
                "2023-10-20 12:00:00+00",
            )
            .user(1, "2024-11-03 08:30:00+00") // 01:30 PDT on the 3rd
            .user(2, "2024-11-04 07:30:00+00") // 23:30 PST on the 3rd
            .user(3, "2024-11-04 08:30:00+00") // 00:30 PST on the 4th
            .user(4, "2024-10-01 12:00:00+00")
            .event_data("app_open", Some(1), "{}", "2024-11-03 08:30:00+00")
            .event_data("session_start", Some(2), "{}", "2024-11-03 09:30:00+00")
            .event_data("screen_view", None, "{}", "2024-11-04 07:59:59+00")
            .event(
                "user_joined_fast",
                Some(1),
                Some(16),
                "2024-11-03 08:30:00+00",
            )
            .event("user_joined_fast", None, Some(16), "2024-11-03 09:30:00+00")
            .event(
                "user_left_fast",
                Some(1),
                Some(16),
                "2024-11-04 07:30:00+00",
            )
            .event(
                "user_left_fast",
                Some(4),
                Some(16),
                "2024-10-20 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(2),
                Some(20),
                "2024-11-05 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(99),
                "2024-11-05 12:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(3),
                Some(16),
                "2024-11-17 08:00:00+00",
            )
            .feed(1, 1, "post", "2024-11-03 08:00:00+00")
            .feed(2, 1, "post", "2024-11-03 09:40:00+00")
            .feed(3, 1, "post", "2024-11-04 07:40:00+00")
            .feed(4, 2, "post", "2024-11-04 08:10:00+00")
            .feed(5, 3, "post", "2024-10-31 23:59:59+00")
            .feed(6, 4, "post", "2024-11-20 12:00:00+00")
            .load()
    }

    #[test]
    fn any_period_from_the_days_equals_the_walk_over_the_data() {
        let data = data();
        let zones = ["America/Los_Angeles", "UTC", "Pacific/Chatham"];
        // Inside the data, across its edges, before and after it, one day.
        let periods = [
            ("2024-10-20", "2024-11-16"),
            ("2024-09-01", "2024-12-31"),
            ("2024-11-03", "2024-11-03"),
            ("2024-11-04", "2024-11-05"),
            ("2023-01-01", "2023-01-31"),
            ("2025-01-01", "2025-01-02"),
            ("2024-10-01", "2024-11-20"),
            ("2023-10-01", "2023-11-30"),
            ("2024-10-10", "2024-10-20"),
        ];
        let mut editions = 0;
        for zone in zones {
            let days = Days::new(&data, parse_time_zone(zone).unwrap()).unwrap();
            let codes = crate::insights::app_codes(&data);
            for (start, end) in periods {
                let p = period(start, end, zone);
                let what = format!("{zone} {start}..{end}");
                assert_eq!(
                    days.daily_activity(&p).unwrap(),
                    daily_activity::compute(&data, &p, &codes),
                    "daily activity, {what}"
                );
                assert_eq!(
                    days.fast_daily(&p).unwrap(),
                    fast_daily::compute(&data, &p, &codes),
                    "fast daily, {what}"
                );
                assert_eq!(
                    fast_editions_of(&data, &p, &codes, Some(&days)),
                    fast_editions::compute(&data, &p, &codes),
                    "fast editions, {what}"
                );
                editions += fast_editions::compute(&data, &p, &codes)
                    .iter()
                    .filter(|r| r.joins + r.previous_joins > 0)
                    .count();
            }
        }
        // The editions compared hold joins, not only empty days.
        assert!(editions > 0);
    }

    #[test]
    fn the_days_hold_what_the_data_holds() {
        // Hand-counted: in Los Angeles, 2024-11-03 has users 1 and 2, the
        // app open, the session, both joins of fast 16, and user 1's two
        // feed items (one active user); the screen view (23:59:59 PST)
        // and user 1's third item (23:40 PST) too.
        let data = data();
        let days = Days::new(&data, parse_time_zone("America/Los_Angeles").unwrap()).unwrap();
        let p = period("2024-11-03", "2024-11-03", "America/Los_Angeles");
        let day = &days.daily_activity(&p).unwrap()[0];
        assert_eq!(
            (
                day.new_users,
                day.active_users,
                day.feed_items,
                day.events,
                day.app_opens,
                day.sessions,
                day.screen_views,
                day.fast_joins,
                day.fast_leaves,
                day.net_fast_joins
            ),
            (2, 1, 3, 6, 1, 1, 1, 2, 1, 1)
        );
        // A zone the days were not made in does not answer.
        assert!(days
            .daily_activity(&period("2024-11-03", "2024-11-03", "UTC"))
            .is_none());
    }

    #[test]
    fn no_days_for_data_without_instants_or_spread_over_centuries() {
        let tz = parse_time_zone("UTC").unwrap();
        assert!(Days::new(&TestBundle::new().load(), tz).is_none());
        let spread = TestBundle::new()
            .user(1, "1900-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .load();
        assert!(Days::new(&spread, tz).is_none());
        let near = TestBundle::new()
            .user(1, "2000-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .load();
        assert_eq!(Days::new(&near, tz).unwrap().daily.len(), 8767);
    }
}
