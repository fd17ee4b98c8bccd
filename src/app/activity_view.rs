//! When people are active: the weekday × hour heatmap of
//! `activity_heatmap` (SPEC §7.2) as a 7 × 24 colour-scaled grid of events
//! plus feed items, with each cell's users on hover and focus, and the
//! peak named in words.

use leptos::prelude::*;

use super::insight_text::{self, scale_step, DARK_FROM, SCALE};
use crate::protocol::HeatCell;

use super::dataset_download::DownloadDataSet;
use super::insight_chart::InsightChart;
use super::state::AppState;

fn cell_view(c: &HeatCell, max: f64) -> impl IntoView {
    let total = insight_text::total(c);
    let step = scale_step(total as f64, max);
    let title = insight_text::heat_title(c);
    let class = if step >= DARK_FROM {
        "cell dark"
    } else {
        "cell"
    };
    view! {
        <td class=class tabindex="0"
            title=title.clone() aria-label=title
            data-weekday=c.weekday data-hour=c.hour data-events=c.events
            data-feed-items=c.feed_items data-users=c.users
            style:background-color=SCALE[step]>
            {(total > 0).then(|| total.to_string())}
        </td>
    }
}

/// The heatmap of the current report.
#[component]
pub fn ActivityView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cells = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| r.insights.heatmap.clone())
                .unwrap_or_default()
        })
    });
    let zone = move || {
        state
            .report
            .with(|r| r.as_ref().map(|r| r.range.2.clone()).unwrap_or_default())
    };
    let max = move || cells.with(|c| c.iter().map(insight_text::total).max().unwrap_or(0));
    let rows = move || {
        let max = max() as f64;
        cells.with(|cells| {
            (1..=7u8)
                .map(|d| {
                    let day = cells
                        .iter()
                        .filter(|c| c.weekday == d)
                        .map(|c| cell_view(c, max))
                        .collect_view();
                    view! {
                        <tr data-weekday=d>
                            <th scope="row" title=insight_text::weekday_full(d)>{insight_text::weekday_short(d)}</th>
                            {day}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="insight" id="activity-view">
            <h3>"When are people active?"</h3>
            <p class="peak" id="heatmap-peak">{move || cells.with(|c| insight_text::peak_sentence(c, &zone()))}</p>
            <p id="heatmap-busiest">{move || cells.with(|c| insight_text::busiest_day_and_hour(c)).unwrap_or_default()}</p>
            <p class="intro">
                {move || format!(
                    "Events and feed items in the period, by day of the week and hour of the day in the report's time zone ({}). A number is the count in that hour over the whole period; darker means more. Hover over or focus a cell for how many different people it was.",
                    zone()
                )}
            </p>
            <div class="scroll">
                <table class="grid heatmap" id="heatmap">
                    <caption class="sr-only">"Events and feed items by weekday and hour"</caption>
                    <thead>
                        <tr class="axis">
                            <td></td>
                            <th colspan="24" class="axis-title">"Hour of the day (0 = midnight to 1 am)"</th>
                        </tr>
                        <tr>
                            <th scope="col"><span class="sr-only">"Weekday"</span></th>
                            {(0..24u8).map(|h| view! { <th scope="col" class="num" title=insight_text::hour_range(h)>{h}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="legend">
                <span class="swatches" aria-hidden="true">
                    {SCALE.iter().map(|c| view! { <span class="swatch" style:background-color=*c></span> }).collect_view()}
                </span>
                {move || format!(" empty = none, darkest = {} events and feed items in one hour.", max())}
            </p>
            <InsightChart key="activity_heatmap"/>
            <DownloadDataSet name="activity_heatmap"/>
        </div>
    }
}
