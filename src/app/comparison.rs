//! A summary card's comparison with the previous period: the change
//! (▲/▼, the amount and the percentage) and the previous value, from the
//! report's `period_comparison`. The arrow and a hidden word carry the
//! direction, so the colour is never the only sign.

use leptos::prelude::*;

use super::insight_text::{self, Trend};
use crate::protocol::ReportSummary;

/// The change of `metric` (a `period_comparison` metric, e.g.
/// `new_users`) for a card, or nothing when the report has no such metric.
pub fn change_view(report: &ReportSummary, metric: &str) -> Option<AnyView> {
    let ins = &report.insights;
    let c = ins.comparison.iter().find(|c| c.metric == metric)?;
    let prev = &ins.periods.1;
    let change = insight_text::change(c, (&prev.0, &prev.1));
    let class = format!("change {}", change.trend.word());
    Some(
        view! {
            <div class=class data-metric=c.metric.clone() data-current=c.current
                data-previous=c.previous data-change=c.change>
                <span aria-hidden="true">{change.trend.arrow()} " "</span>
                {(change.trend != Trend::Same)
                    .then(|| view! { <span class="sr-only">{change.trend.word()} " "</span> })}
                {change.amount}
            </div>
            <div class="previous">{change.previous} " " <span class="range">{change.range}</span></div>
        }
        .into_any(),
    )
}
