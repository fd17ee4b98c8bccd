//! The engine's charts of a computed report, looked up by key: shared by
//! the report's sections and the insight views (its own module, so the
//! views need not reach back into the report that shows them).

use engagement_engine::readable::charts::Chart;

use crate::protocol::ReportSummary;

/// The engine's chart `key` of a computed report, if it has one.
pub fn chart_of(r: &ReportSummary, key: &str) -> Option<Chart> {
    r.charts.iter().find(|c| c.key == key).cloned()
}
