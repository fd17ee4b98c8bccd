//! The engine's drawing of an insight (the retention triangle, the activity
//! heatmap) under the page's own grid: the picture `report.html` holds,
//! folded away, for saving as SVG or PNG (slides, newsletters).

use leptos::prelude::*;

use super::report_chart::chart_of;
use super::state::AppState;
use super::svg_chart::SvgChart;

/// The report's chart `key` in a closed `<details>`, when the report has
/// it.
#[component]
pub fn InsightChart(
    /// The engine's chart key, e.g. `retention_triangle`.
    key: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| chart_of(r, key)))
            .map(|chart| {
                view! {
                    <details class="insight-chart" id=format!("insight-chart-{key}")>
                        <summary>"As a picture, as in the readable report (to save as SVG or PNG)"</summary>
                        <SvgChart chart=chart/>
                    </details>
                }
            })
    }
}
