//! Every chart of the report, drawn as an SVG tree ([`Element`]) from the
//! report's data, so the page and `report.html` show the same charts.
//!
//! Each bar, column and grid cell is a `<g class="datum" tabindex="0">`
//! with `data-label`, `data-value` and a `<title>` holding its exact label
//! and value. Colours stay distinct when printed in grey.
//!
//! Laid out by job: `shapes` draws the primitives, `layouts` arranges them
//! into the kinds of chart (columns, ranked bars, grids, lines), and
//! `catalogue` names each chart of the report and fills a layout from its
//! data.

use serde::{Deserialize, Serialize};

use super::svg::{self, Element};

mod catalogue;
mod layouts;
mod shapes;
#[cfg(test)]
mod tests;

pub use catalogue::{
    activity_heatmap, app_versions, daily_activity, events_by_type, fast_edition,
    new_users_per_day, opens_by_hour, platforms, report_charts, retention_by_cohort,
    retention_triangle, screen_views_per_day, top_fasts_by_joins, top_screens,
};
pub use layouts::{joins_and_leaves, line_chart, scale_step, Series};

/// Width of every chart's view box; heights vary.
pub const WIDTH: f64 = 560.0;
/// Fill of bars and columns: mid blue, a mid grey on paper.
pub const BAR: &str = "#6a9fd4";
/// The sequential scale of the grids, lightest (lowest) first: 7 steps of
/// ColorBrewer "Blues", distinct in grey scale.
pub const SCALE: [&str; 7] = [
    "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
];
/// Steps of [`SCALE`] from this one up are dark enough for white text
/// (4.5:1 or more); lighter ones take dark text (#4292c6 gives white only
/// 3.4:1, dark text 4.7:1).
pub const DARK_FROM: usize = 5;
const INK: &str = "#222222";
const MUTED: &str = "#555555";
const GRID: &str = "#d9d9d9";

/// The keys of the charts drawn as colour-scaled grids (the retention
/// triangle and the activity heatmap): wide, so never put side by side.
pub const GRID_KEYS: [&str; 2] = ["retention_triangle", "activity_heatmap"];

/// A drawn chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable identifier, e.g. `new_users_per_day`.
    pub key: String,
    /// Title, shown above the chart.
    pub title: String,
    /// One sentence saying what the chart shows (its text alternative).
    pub alt: String,
    /// The `<svg>` element.
    pub svg: Element,
}

impl Chart {
    /// Whether the chart is a colour-scaled grid ([`GRID_KEYS`]).
    pub fn is_grid(&self) -> bool {
        GRID_KEYS.contains(&self.key.as_str())
    }
}

/// One week of a cohort in the retention triangle: the insight's own row.
pub use crate::insights::WeekRetention as TriangleWeek;

/// One cohort row of the retention triangle.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleRow<'a> {
    /// ISO week label `YYYY-Www`.
    pub cohort_week: &'a str,
    /// Users in the cohort.
    pub users: u64,
    /// Listed weeks (unlisted weeks are left blank).
    pub weeks: &'a [TriangleWeek],
}

/// Second series colour: dark orange, darker than [`BAR`] in grey.
pub const SECOND: &str = "#d95f02";
/// Third series colour: dark grey, dashed.
pub const THIRD: &str = "#555555";
