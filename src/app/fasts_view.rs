//! How long members stay in each fast: the worker's `fast_retention` table
//! (SPEC §7.4), shown beside the fasts data set.

use leptos::prelude::*;

use super::dataset_download::DownloadDataSet;
use super::report_chart::chart_of;
use super::state::AppState;
use super::svg_chart::SvgChart;
use super::table::DataTable;

/// The fasts' calendar (SPEC §11.3, upcoming and current first), their
/// daily joins and leaves with net growth, each current fast against last
/// year's edition, and the joins and leaves of each fast by day.
#[component]
pub fn FastCalendarView(
    /// Opens a fast's own view with its `fast_id`.
    on_fast: Callback<i64>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chart = move |key: &'static str| {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| chart_of(r, key)))
            .map(|chart| view! { <SvgChart chart=chart/> })
    };
    // One "this year against last year" chart per current fast with a
    // previous edition (the engine names them fast_editions_<id>).
    let editions = move || {
        state.report.with(|r| {
            r.as_ref().map(|r| {
                r.charts
                    .iter()
                    .filter(|c| c.key.starts_with("fast_editions_"))
                    .cloned()
                    .map(|chart| view! { <SvgChart chart=chart/> })
                    .collect_view()
            })
        })
    };
    view! {
        <div class="insight" id="fast-calendar-view">
            <h3>"Fast calendar"</h3>
            <p class="intro">
                "Each fast with calendar days, relative to the period's last day: "
                <code>"upcoming"</code> " (not begun), " <code>"current"</code> " or "
                <code>"past"</code> "; upcoming and current fasts first."
            </p>
            <DataTable view="fast_calendar".to_string() table="fast_calendar".to_string() on_fast=on_fast
                sort_by=("first_day".to_string(), true)/>
            <DownloadDataSet name="fast_calendar"/>
            <div class="charts">
                {move || chart("fast_joins_and_leaves")}
                {editions}
            </div>
            <h3>"Joins and leaves of each fast by day"</h3>
            <DataTable view="fast_daily".to_string() table="fast_daily".to_string()/>
            <DownloadDataSet name="fast_daily"/>
            <DownloadDataSet name="fast_editions"/>
        </div>
    }
}

/// `fast_retention` in the table view, with what its columns mean.
#[component]
pub fn FastRetentionView(
    /// Opens a fast's own view with its `fast_id`.
    on_fast: Callback<i64>,
) -> impl IntoView {
    view! {
        <div class="insight" id="fast-retention-view">
            <h3>"How long members stay in each fast"</h3>
            <p class="intro">
                "Over the whole history, not only this period: "
                <code>"members_ever"</code> " joined the fast at some time, "
                <code>"retention_rate"</code> " is the share of them still in it, "
                <code>"median_days_to_leave"</code> " is how long those who left typically stayed (empty when nobody left), and "
                <code>"members_in_other_fasts"</code> " also took part in another fast."
            </p>
            <DataTable view="fast_retention".to_string() table="fast_retention".to_string() on_fast=on_fast
                sort_by=("fast_id".to_string(), false)/>
            <DownloadDataSet name="fast_retention"/>
        </div>
    }
}
