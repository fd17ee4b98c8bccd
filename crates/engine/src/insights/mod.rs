//! The insights of SPEC §7, beyond the seven data sets: the retention
//! triangle, the activity heatmap, each user's engagement, each fast's
//! retention, the comparison with the previous period, and `summary.md`.
//!
//! They are computed from the same [`Dataset`] (already narrowed to a
//! segment, see [`crate::segment`]) and [`Period`] as the seven data sets,
//! and from the [`Report`] itself where a figure is already there, so that
//! every figure the summary states equals the data sets'.
//!
//! ```
//! use engagement_engine::load::{Bundle, Limits};
//! use engagement_engine::period::Period;
//! use engagement_engine::segment::Segment;
//! use engagement_engine::{insights, metrics};
//!
//! let mut bundle = Bundle::new(Limits::default());
//! bundle.add_bytes("auth_user.csv", b"id,username,email,date_joined\n1,ana,a@x,2025-01-02 10:00:00+00\n")?;
//! let loaded = bundle.finish()?;
//! let period = Period::from_options(Some("2025-01-01"), Some("2025-01-31"), None, Default::default())?;
//! let segmented = Segment::default().apply(&loaded.dataset)?;
//! let report = metrics::compute(&segmented.dataset, &period);
//! let insights = insights::compute(&segmented.dataset, &period, &report, &segmented.info, &loaded.warnings);
//! assert_eq!(insights.retention_matrix[0].users, 1);
//! assert!(insights.summary_md.contains("2025-01-01 to 2025-01-31"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod app_usage;
mod daily_activity;
mod days;
mod fast_calendar;
mod fast_daily;
mod fast_editions;
mod fast_retention;
mod heatmap;
mod period_comparison;
mod retention_matrix;
mod summary;
mod user_engagement;
pub mod words;

use serde::Serialize;

pub use app_usage::{
    AppUsage, HourOpens, PlatformRow, SessionSeconds, SessionUser, VersionRow, TOP_SESSION_USERS,
};
pub use daily_activity::DailyActivityRow;
pub use days::Days;
pub use fast_calendar::{FastCalendarRow, FastStatus};
pub use fast_daily::FastDailyRow;
pub use fast_editions::{previous_editions, FastEditionRow, LEAD_DAYS};
pub use fast_retention::FastRetentionRow;
pub use heatmap::HeatmapCell;
pub use period_comparison::{
    metric_label, MetricComparison, PeriodComparison, PeriodDates, METRICS, METRIC_LABELS,
};
pub use retention_matrix::{RetentionCohortRow, WeekRetention, WEEKS};
pub(crate) use summary::pseudonymized as pseudonymized_summary;
pub use summary::MAX_SUMMARY_BYTES;
#[cfg(test)]
pub(crate) use summary::PSEUDONYMS_LINE;
pub use user_engagement::{EngagementStatus, UserEngagementRow, AT_RISK_DAYS};

use crate::load::Warning;
use crate::metrics::average;
use crate::model::{Dataset, EventKind};
use crate::parallel::both;
use crate::period::Period;
use crate::report::Report;
use crate::segment::SegmentInfo;

/// Fasts need this many members ever to be named the best-retained.
pub const MIN_MEMBERS_FOR_BEST_FAST: u64 = 10;

/// The insights: SPEC §7's consolidated JSON `"insights"` object, keys in
/// its order.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Insights<'a> {
    /// Insight 1, newest cohort first.
    pub retention_matrix: Vec<RetentionCohortRow>,
    /// Insight 2: 168 cells, by weekday then hour.
    pub activity_heatmap: Vec<HeatmapCell>,
    /// Insight 3, ascending by user id.
    pub user_engagement: Vec<UserEngagementRow<'a>>,
    /// Insight 4, ascending by fast id.
    pub fast_retention: Vec<FastRetentionRow<'a>>,
    /// Insight 5.
    pub period_comparison: PeriodComparison,
    /// SPEC §11.1: every day of the period.
    pub daily_activity: Vec<DailyActivityRow>,
    /// SPEC §11.2.
    pub app_usage: AppUsage<'a>,
    /// SPEC §11.3, by first day then fast id.
    pub fast_calendar: Vec<FastCalendarRow<'a>>,
    /// SPEC §11.4, by fast id then date.
    pub fast_daily: Vec<FastDailyRow>,
    /// SPEC §11.5, by fast id then relative day.
    pub fast_editions: Vec<FastEditionRow>,
    /// `app_open` and `session_start` events of the previous period (SPEC
    /// §7.5's), for `summary.md`; not a data set.
    #[serde(skip)]
    pub previous_opens_and_sessions: (u64, u64),
    /// Insight 6: `summary.md`, under [`MAX_SUMMARY_BYTES`].
    pub summary_md: String,
}

/// Computes the insights for `period` from `data` (already narrowed to the
/// segment `segment` describes) and the `report` computed from the same
/// data and period. `warnings` (the loader's) are listed in the summary.
pub fn compute<'a>(
    data: &'a Dataset,
    period: &Period,
    report: &Report<'a>,
    segment: &SegmentInfo,
    warnings: &[Warning],
) -> Insights<'a> {
    compute_with(data, period, report, segment, warnings, None)
}

/// [`compute`], taking the daily insights from `days` (made from the same
/// `data`) when they are in the period's zone: the same insights, without
/// walking the data for them (a front end that computes several periods of
/// the same data keeps its [`Days`]).
pub fn compute_with<'a>(
    data: &'a Dataset,
    period: &Period,
    report: &Report<'a>,
    segment: &SegmentInfo,
    warnings: &[Warning],
    days: Option<&Days>,
) -> Insights<'a> {
    let codes = app_codes(data);
    let codes = &codes[..];
    // Natively, the passes over every event are shared by two threads.
    let (
        ((activity_heatmap, period_comparison), (app_usage, fast_daily)),
        ((retention_matrix, user_engagement, fast_retention), (daily_activity, fast_editions)),
    ) = both(
        || {
            (
                (
                    heatmap::compute(data, period),
                    period_comparison::compute(data, period, report),
                ),
                (
                    app_usage::compute(data, period, codes),
                    days::fast_daily_of(data, period, codes, days),
                ),
            )
        },
        || {
            (
                (
                    retention_matrix::compute(data, period),
                    user_engagement::compute(data, period),
                    fast_retention::compute(data, &report.user_fast_participation),
                ),
                (
                    days::daily_activity_of(data, period, codes, days),
                    days::fast_editions_of(data, period, codes, days),
                ),
            )
        },
    );
    let previous = &period_comparison.previous;
    let previous_opens_and_sessions = match Period::new(previous.start, previous.end, period.tz()) {
        Ok(p) => app_usage::opens_and_sessions(data, &p, codes),
        Err(_) => (0, 0),
    };
    let mut insights = Insights {
        retention_matrix,
        activity_heatmap,
        user_engagement,
        fast_retention,
        period_comparison,
        daily_activity,
        app_usage,
        fast_calendar: fast_calendar::compute(data, period, report),
        fast_daily,
        fast_editions,
        previous_opens_and_sessions,
        summary_md: String::new(),
    };
    insights.summary_md = summary::write(
        period,
        segment,
        report,
        &insights,
        warnings,
        &data.missing_tables,
    );
    insights
}

impl Insights<'_> {
    /// The heatmap cell with the most events + feed items, the earliest
    /// (by weekday, then hour) on a tie; `None` when the period has none.
    pub fn peak(&self) -> Option<&HeatmapCell> {
        words::busiest(&self.activity_heatmap, |c| c.total())
    }

    /// How many users of `user_engagement` have `status`.
    pub fn users_with_status(&self, status: EngagementStatus) -> u64 {
        self.user_engagement
            .iter()
            .filter(|u| u.status == status)
            .count() as u64
    }

    /// The cohort with the highest week-1 rate among those whose week 1 is
    /// complete; on a tie the one with most users, then the newest.
    pub fn best_week1_cohort(&self) -> Option<&RetentionCohortRow> {
        self.retention_matrix
            .iter()
            .filter(|c| c.week(1).is_some_and(|w| w.complete))
            .max_by(|a, b| {
                let rate = |c: &RetentionCohortRow| c.week(1).map_or(0.0, |w| w.rate);
                rate(a)
                    .total_cmp(&rate(b))
                    .then(a.users.cmp(&b.users))
                    .then(a.cohort_start_date.cmp(&b.cohort_start_date))
            })
    }

    /// The fast with the highest retention rate among those with at least
    /// [`MIN_MEMBERS_FOR_BEST_FAST`] members ever; the lowest id on a tie.
    pub fn best_fast_retention(&self) -> Option<&FastRetentionRow<'_>> {
        self.fast_retention
            .iter()
            .filter(|f| f.members_ever >= MIN_MEMBERS_FOR_BEST_FAST)
            .max_by(|a, b| {
                a.retention_rate
                    .total_cmp(&b.retention_rate)
                    .then(b.fast_id.cmp(&a.fast_id))
            })
    }
}

/// What SPEC §11 reads of an event code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AppCode {
    /// `user_joined_fast`
    Joined,
    /// `user_left_fast`
    Left,
    /// `app_open`
    AppOpen,
    /// `session_start`
    SessionStart,
    /// `session_end`
    SessionEnd,
    /// `screen_view`
    ScreenView,
    /// Any other code.
    Other,
}

/// The [`AppCode`] of each of the data's event codes, by code index: one
/// look-up per event instead of a string match.
fn app_codes(data: &Dataset) -> Vec<AppCode> {
    data.event_codes
        .iter()
        .map(|c| match EventKind::of_code(c) {
            EventKind::JoinedFast => AppCode::Joined,
            EventKind::LeftFast => AppCode::Left,
            EventKind::ScreenView => AppCode::ScreenView,
            _ => match &**c {
                "app_open" => AppCode::AppOpen,
                "session_start" => AppCode::SessionStart,
                "session_end" => AppCode::SessionEnd,
                _ => AppCode::Other,
            },
        })
        .collect()
}

/// 100 × part / whole, 2 decimals; 0 over nothing.
fn rate(part: u64, whole: u64) -> f64 {
    average(100.0 * part as f64, whole as f64)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Insights;
    use crate::model::Dataset;
    use crate::period::{parse_date, parse_time_zone, Period};
    use crate::segment::SegmentInfo;

    /// The period `start` … `end` in `tz`.
    pub fn period(start: &str, end: &str, tz: &str) -> Period {
        Period::new(
            parse_date("start", start).unwrap(),
            parse_date("end", end).unwrap(),
            parse_time_zone(tz).unwrap(),
        )
        .unwrap()
    }

    /// The insights for a period, without a segment or warnings.
    pub fn insights<'a>(data: &'a Dataset, start: &str, end: &str, tz: &str) -> Insights<'a> {
        let period = period(start, end, tz);
        let report = crate::metrics::compute(data, &period);
        super::compute(data, &period, &report, &SegmentInfo::default(), &[])
    }
}
