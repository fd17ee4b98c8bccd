//! How the app is used (SPEC §11.2): app opens by hour, platforms and
//! versions, sessions and their length, from the worker's `app_usage`
//! figures and the engine's charts (the same as in `report.html`).

use leptos::prelude::*;

use super::dataset_download::DownloadDataSet;
use super::report_chart::chart_of;
use super::state::AppState;
use super::svg_chart::SvgChart;

/// The App usage view.
#[component]
pub fn AppUsageView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let figures = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| r.insights.app_usage.clone())
                .unwrap_or_default()
        })
    });
    let chart = move |key: &'static str| {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| chart_of(r, key)))
            .map(|chart| view! { <SvgChart chart=chart/> })
    };
    let opens = move || {
        figures.with(|f| {
            format!(
                "{} app opens by {} people; {} sessions by {} people, {} per person.",
                f.app_opens, f.app_open_users, f.sessions, f.session_users, f.sessions_per_user
            )
        })
    };
    let lengths = move || {
        figures.with(|f| match f.session_seconds {
            Some((mean, median, p90)) => format!(
                "Session length over {} sessions: median {median} seconds, mean {mean} seconds; 9 in 10 sessions last {p90} seconds or less.",
                f.session_count
            ),
            None => "No session lengths in the period.".to_string(),
        })
    };
    view! {
        <div class="insight" id="app-usage-view">
            <h3>"How is the app used?"</h3>
            <p id="app-usage-opens">{opens}</p>
            <p id="app-usage-sessions">{lengths}</p>
            <div class="charts">
                {move || chart("opens_by_hour")} {move || chart("platforms")}
                {move || chart("app_versions")} {move || chart("daily_activity")}
            </div>
            <DownloadDataSet name="app_usage"/>
        </div>
    }
}
