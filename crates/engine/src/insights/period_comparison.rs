//! Insight 5: headline figures against the previous period of the same
//! length (whole calendar months against as many months before, else as many
//! days).

use serde::Serialize;

use crate::metrics::round2;
use crate::model::{Dataset, EventKind, NONE};
use crate::period::{Date, Period};
use crate::report::Report;
use crate::timestamp::Timestamp;

/// The metrics compared, in SPEC order.
pub const METRICS: [&str; 9] = [
    "new_users",
    "active_users",
    "feed_items",
    "events",
    "screen_views",
    "devotional_views",
    "checklist_uses",
    "fast_joins",
    "fast_leaves",
];

/// What people call each metric of [`METRICS`], in the same order: the
/// brief, the readable report and the page's cards all say these words.
pub const METRIC_LABELS: [&str; 9] = [
    "New users",
    "Active users",
    "Feed items",
    "Events",
    "Screen views",
    "Devotional views",
    "Checklist uses",
    "Fast joins",
    "Fast leaves",
];

/// The label of a metric of [`METRICS`] (the name itself when unknown).
pub fn metric_label(metric: &str) -> &str {
    METRICS
        .iter()
        .position(|m| *m == metric)
        .map_or(metric, |i| METRIC_LABELS[i])
}

/// The comparison: both periods and each metric.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PeriodComparison {
    /// The report's period.
    pub current: PeriodDates,
    /// The period before ([`Period::previous`]): the same number of whole
    /// months for a period of calendar months, else of days, ending the day
    /// before `start`.
    pub previous: PeriodDates,
    /// One entry per metric, in [`METRICS`] order.
    pub metrics: Vec<MetricComparison>,
}

impl PeriodComparison {
    /// The comparison of `metric` (one of [`METRICS`]).
    pub fn metric(&self, metric: &str) -> Option<&MetricComparison> {
        self.metrics.iter().find(|m| m.metric == metric)
    }
}

/// First and last day of a period.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct PeriodDates {
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
}

/// One metric in both periods.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MetricComparison {
    /// Its name, one of [`METRICS`].
    pub metric: &'static str,
    /// In the report's period.
    pub current: u64,
    /// In the previous period.
    pub previous: u64,
    /// current − previous.
    pub change: i64,
    /// 100 × change / previous; null when previous is 0.
    pub change_pct: Option<f64>,
}

/// The metrics' values in one period, in [`METRICS`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts([u64; 9]);

impl Counts {
    /// The report's own figures, so that the current period's values are
    /// the very ones the seven data sets show.
    fn of_report(report: &Report<'_>) -> Counts {
        let m = &report.other_metrics;
        let by_type = |code: &str| m.events_by_type.get(code).copied().unwrap_or(0);
        Counts([
            report.new_users_over_time.iter().map(|d| d.count).sum(),
            m.active_users,
            report.user_activity_timeline.len() as u64,
            m.events_by_type.values().sum(),
            m.screen_views.total,
            m.engagement_patterns.devotionals.total_views,
            m.engagement_patterns.checklists.total_uses,
            by_type("user_joined_fast"),
            by_type("user_left_fast"),
        ])
    }

    /// The same figures counted from the data, for any period: one pass
    /// over users, feed items and events.
    fn of_period(data: &Dataset, period: &Period) -> Counts {
        let inside = |ts: i64| period.contains(Timestamp(ts));
        let new_users = data
            .users
            .iter()
            .filter(|u| period.contains(u.date_joined))
            .count() as u64;
        let (mut feed_items, mut active_users, mut last_user) = (0u64, 0u64, NONE);
        // Feed items come grouped by user.
        for (&ts, &user) in data.feed.timestamp.iter().zip(&data.feed.user) {
            if inside(ts) {
                feed_items += 1;
                if user != last_user {
                    active_users += 1;
                    last_user = user;
                }
            }
        }
        let kinds: Vec<EventKind> = data
            .event_codes
            .iter()
            .map(|c| EventKind::of_code(c))
            .collect();
        let mut per_kind = [0u64; 5];
        let mut events = 0u64;
        for (&ts, &code) in data.events.timestamp.iter().zip(&data.events.code) {
            if !inside(ts) {
                continue;
            }
            events += 1;
            let slot = match kinds[code as usize] {
                EventKind::ScreenView => 0,
                EventKind::DevotionalViewed => 1,
                EventKind::ChecklistUsed => 2,
                EventKind::JoinedFast => 3,
                EventKind::LeftFast => 4,
                _ => continue,
            };
            per_kind[slot] += 1;
        }
        let [screens, devotionals, checklists, joins, leaves] = per_kind;
        Counts([
            new_users,
            active_users,
            feed_items,
            events,
            screens,
            devotionals,
            checklists,
            joins,
            leaves,
        ])
    }
}

pub(super) fn compute(data: &Dataset, period: &Period, report: &Report<'_>) -> PeriodComparison {
    let previous = period.previous();
    let now = Counts::of_report(report);
    let before = Counts::of_period(data, &previous);
    let dates = |p: &Period| PeriodDates {
        start: p.start(),
        end: p.end(),
    };
    PeriodComparison {
        current: dates(period),
        previous: dates(&previous),
        metrics: METRICS
            .iter()
            .zip(now.0.iter().zip(before.0))
            .map(|(&metric, (&current, previous))| {
                let change = current as i64 - previous as i64;
                MetricComparison {
                    metric,
                    current,
                    previous,
                    change,
                    change_pct: (previous > 0)
                        .then(|| round2(100.0 * change as f64 / previous as f64)),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;
    use crate::insights::testing::*;
    use crate::metrics::testing::*;
    use crate::period::{parse_date, parse_time_zone, Period};

    fn bundle() -> TestBundle {
        TestBundle::new()
            .fast(10, "Lent", None, None)
            // Previous period of 2025-01-11 … 01-20 is 01-01 … 01-10.
            .user(1, "2025-01-01 00:00:00+00") // previous
            .user(2, "2025-01-10 23:59:59+00") // previous
            .user(3, "2025-01-11 00:00:00+00") // current
            .user(4, "2024-12-31 23:59:59+00") // neither
            .event("screen_view", Some(1), None, "2025-01-05 00:00:00+00")
            .event("screen_view", None, None, "2025-01-15 00:00:00+00")
            .event("screen_view", Some(2), None, "2025-01-16 00:00:00+00")
            .event("checklist_used", Some(1), None, "2025-01-06 00:00:00+00")
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2025-01-12 00:00:00+00",
            )
            // A join that targets no fast still counts.
            .event("user_joined_fast", Some(2), None, "2025-01-13 00:00:00+00")
            .event(
                "user_left_fast",
                Some(1),
                Some(10),
                "2025-01-02 00:00:00+00",
            )
            .event("app_open", Some(3), None, "2025-01-20 12:00:00+00")
            .feed(1, 1, "a", "2025-01-12 00:00:00+00")
            .feed(2, 1, "a", "2025-01-13 00:00:00+00")
            .feed(3, 2, "a", "2025-01-03 00:00:00+00")
    }

    #[test]
    fn counts_both_periods_and_changes() {
        let data = bundle().load();
        let got = insights(&data, "2025-01-11", "2025-01-20", "UTC");
        assert_eq!(
            json(&got.period_comparison),
            concat!(
                r#"{"current":{"start":"2025-01-11","end":"2025-01-20"},"#,
                r#""previous":{"start":"2025-01-01","end":"2025-01-10"},"metrics":["#,
                r#"{"metric":"new_users","current":1,"previous":2,"change":-1,"change_pct":-50.0},"#,
                r#"{"metric":"active_users","current":1,"previous":1,"change":0,"change_pct":0.0},"#,
                r#"{"metric":"feed_items","current":2,"previous":1,"change":1,"change_pct":100.0},"#,
                r#"{"metric":"events","current":5,"previous":3,"change":2,"change_pct":66.67},"#,
                r#"{"metric":"screen_views","current":2,"previous":1,"change":1,"change_pct":100.0},"#,
                r#"{"metric":"devotional_views","current":0,"previous":0,"change":0,"change_pct":null},"#,
                r#"{"metric":"checklist_uses","current":0,"previous":1,"change":-1,"change_pct":-100.0},"#,
                r#"{"metric":"fast_joins","current":2,"previous":0,"change":2,"change_pct":null},"#,
                r#"{"metric":"fast_leaves","current":0,"previous":1,"change":-1,"change_pct":-100.0}]}"#
            )
        );
    }

    #[test]
    fn a_previous_period_with_zeros() {
        // Nothing happened before 2025-01-11: every change_pct is null.
        let data = TestBundle::new()
            .user(1, "2025-01-12 00:00:00+00")
            .event("devotional_viewed", Some(1), None, "2025-01-12 00:00:00+00")
            .feed(1, 1, "a", "2025-01-12 00:00:00+00")
            .load();
        let got = insights(&data, "2025-01-11", "2025-01-20", "UTC");
        let pc = &got.period_comparison;
        assert!(pc
            .metrics
            .iter()
            .all(|m| m.previous == 0 && m.change_pct.is_none()));
        let current: Vec<u64> = pc.metrics.iter().map(|m| m.current).collect();
        assert_eq!(current, [1, 1, 1, 1, 0, 1, 0, 0, 0]);
        assert_eq!(pc.metric("devotional_views").unwrap().change, 1);
    }

    #[test]
    fn counting_the_data_agrees_with_the_report() {
        let data = bundle().load();
        for tz in ["UTC", "America/Los_Angeles", "Asia/Kolkata"] {
            let period = Period::new(
                parse_date("start", "2025-01-11").unwrap(),
                parse_date("end", "2025-01-20").unwrap(),
                parse_time_zone(tz).unwrap(),
            )
            .unwrap();
            let report = crate::metrics::compute(&data, &period);
            assert_eq!(
                Counts::of_period(&data, &period),
                Counts::of_report(&report),
                "{tz}"
            );
            // The previous period of a 10-day period ends the day before.
            let previous = period.previous();
            assert_eq!(previous.day_count(), 10);
            assert_eq!(previous.end().succ_opt(), Some(period.start()));
        }
    }
}
