//! The computed report: summary cards, charts, and a section per data set.

use leptos::prelude::*;

use crate::protocol::ReportSummary;

use super::activity_view::ActivityView;
use super::app_usage_view::AppUsageView;
use super::browser;
use super::comparison::change_view;
use super::export::ExportPanel;
use super::fast_detail::FastPanel;
use super::fasts_view::{FastCalendarView, FastRetentionView};
use super::nutshell::Nutshell;
use super::open_fast::open_fast;
use super::people_view::PeopleView;
use super::print_report::PrintForCouncil;
use super::report_chart::chart_of;
use super::retention_view::RetentionView;
use super::segment_controls::SegmentLine;
use super::sizes::human_memory;
use super::state::AppState;
use super::svg_chart::SvgChart;
use super::table::DataTable;
use super::tabs::on_tab_key;

/// The sections of the report, as (id, title).
pub const SECTIONS: [(&str, &str); 13] = [
    ("overview", "Overview"),
    ("new_users_over_time", "New users"),
    ("fasts", "Fasts"),
    ("user_activity", "User activity"),
    ("user_activity_timeline", "Timeline"),
    ("user_fast_participation", "Fast participation"),
    ("retention_cohorts", "Retention"),
    ("retention_matrix", "Weekly retention"),
    ("activity_heatmap", "When active"),
    ("app_usage", "App usage"),
    ("people", "People"),
    ("other_metrics", "Other metrics"),
    ("export", "Export & upload"),
];

/// Why a report section cannot be shown; caught by the section's
/// `ErrorBoundary`, which keeps the rest of the page and the loaded data.
#[derive(Clone, Debug)]
pub struct SectionError(pub String);

impl std::fmt::Display for SectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SectionError {}

/// Summary cards.
#[component]
pub fn Cards(
    /// The computed report's figures.
    report: ReportSummary,
) -> impl IntoView {
    // The page's state when there is one (the cards also stand alone, as in
    // the component tests): what each card needs among missing tables is
    // said instead of a zero.
    let state = use_context::<AppState>();
    let needs = move |name: &str| {
        state?
            .loaded
            .with_untracked(|l| l.as_ref().and_then(|l| crate::summary::needs(l, name)))
    };
    // The week as people say it; the ISO label stays in the tooltip.
    let (cohort, cohort_title) = match &report.earlier_cohort {
        Some((week, rate, active, total)) => (
            format!(
                "{rate:.2}% ({active} of {total}, {})",
                super::insight_text::week_of(week)
            ),
            Some(format!("Cohort {week}")),
        ),
        None => ("no cohort joined before the period".into(), None),
    };
    let card = |id: &'static str, label: &'static str, value: String, title: Option<String>| {
        let metric = match id {
            "retention" => "retention_cohorts".to_string(),
            _ => id.replace('-', "_"),
        };
        if let Some(needs) = needs(&metric) {
            return view! {
                <div class="card needs" id=format!("card-{id}")>
                    <div class="label">{label}</div>
                    <div class="value needs">{needs}</div>
                </div>
            }
            .into_any();
        }
        // The previous period's figure, from `period_comparison`.
        let change = change_view(&report, &metric);
        view! {
            <div class="card" id=format!("card-{id}")>
                <div class="label">{label}</div>
                <div class="value" title=title>{value}</div>
                {change}
            </div>
        }
        .into_any()
    };
    view! {
        <div class="cards">
            {card("new-users", "New users", report.new_users.to_string(), None)}
            {card("active-users", "Active users", report.active_users.to_string(), None)}
            {card("events", "Events", report.events.to_string(), None)}
            {card("screen-views", "Screen views", report.screen_views.to_string(), None)}
            {card("retention", "Still active: the last cohort before the period", cohort, cohort_title)}
        </div>
    }
}

/// The report: period line, cards, section tabs and the open section.
#[component]
pub fn ReportView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let needs = move |name: &str| {
        state
            .loaded
            .with(|l| l.as_ref().and_then(|l| crate::summary::needs(l, name)))
    };
    let chart = move |key: &'static str| {
        let chart = state
            .report
            .with(|r| r.as_ref().and_then(|r| chart_of(r, key)))?;
        // A chart of zeros from a table that is not there would look like
        // a measurement: it says what it needs instead.
        Some(match needs(key) {
            Some(needs) => view! {
                <figure class="chart needs" id=format!("chart-{key}") data-chart=key>
                    <figcaption>{chart.title}</figcaption>
                    <p class="needs">{needs}</p>
                </figure>
            }
            .into_any(),
            None => view! { <SvgChart chart=chart/> }.into_any(),
        })
    };
    let open_user = Callback::new(move |id: i64| {
        state.selected_user.set(Some(id));
        // The details open below the table: bring them into view, and the
        // keyboard's focus with them.
        request_animation_frame(|| browser::focus_into_view("user-panel-title"));
    });
    let on_fast = Callback::new(move |id: i64| open_fast(state, id));
    let user_signal = Signal::derive(move || state.selected_user.get());
    let section_body = move || -> Result<AnyView, SectionError> {
        let section = state.section.get();
        Ok(match section.as_str() {
            "overview" => view! {
                <div class="charts">
                    {chart("daily_activity")}
                    {chart("new_users_per_day")} {chart("screen_views_per_day")} {chart("events_by_type")}
                    {chart("top_fasts_by_joins")} {chart("top_screens")} {chart("retention_by_cohort")}
                </div>
            }
            .into_any(),
            "user_activity" => view! {
                <DataTable view="user_activity".to_string() table="user_activity".to_string() on_user=open_user/>
                <UserPanel user=user_signal/>
            }
            .into_any(),
            "fasts" => view! {
                <DataTable view="fasts".to_string() table="fasts".to_string() on_fast=on_fast/>
                {move || state.selected_fast.get().map(|fast| view! { <FastPanel fast=fast/> })}
                <FastCalendarView on_fast=on_fast/>
                <FastRetentionView on_fast=on_fast/>
                {chart("top_fasts_by_joins")}
            }
            .into_any(),
            "retention_matrix" => view! { <RetentionView/> }.into_any(),
            "activity_heatmap" => view! { <ActivityView/> }.into_any(),
            "app_usage" => view! { <AppUsageView/> }.into_any(),
            "people" => view! {
                <PeopleView on_user=open_user/>
                <UserPanel user=user_signal/>
            }
            .into_any(),
            "retention_cohorts" => view! {
                <DataTable view="retention_cohorts".to_string() table="retention_cohorts".to_string()/>
                {chart("retention_by_cohort")}
            }
            .into_any(),
            "new_users_over_time" => view! {
                <DataTable view="new_users_over_time".to_string() table="new_users_over_time".to_string()/>
                {chart("new_users_per_day")}
            }
            .into_any(),
            "other_metrics" => view! {
                <div class="charts">{chart("events_by_type")} {chart("top_screens")} {chart("screen_views_per_day")}</div>
                <h3>"other_metrics"</h3>
                <pre class="json" id="other-metrics" tabindex="0" aria-label="other_metrics as JSON">
                    {move || state.report.with(|r| r.as_ref().map(|r| r.other_metrics_json.clone()))}
                </pre>
            }
            .into_any(),
            "export" => view! { <ExportPanel/> }.into_any(),
            name if SECTIONS.iter().any(|(id, _)| *id == name) => {
                let name = name.to_string();
                view! {
                    <DataTable view=name.clone() table=name on_user=open_user/>
                    <UserPanel user=user_signal/>
                }
                .into_any()
            }
            other => {
                return Err(SectionError(format!(
                    "the report has no section named “{other}”"
                )))
            }
        })
    };
    let fallback = move |errors: ArcRwSignal<Errors>| {
        view! {
            <div class="error section-error" role="alert" id="section-error">
                <strong>"This section cannot be shown: "</strong>
                {move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")}
                <p>"The loaded data is kept; choose another section above."</p>
            </div>
        }
    };
    view! {
        <Show when=move || state.report.with(|r| r.is_some())>
            <section class="report" id="report" aria-labelledby="report-title">
                <h2 id="report-title" tabindex="-1">
                    {move || state.report.with(|r| r.as_ref().map(|r| format!(
                        "3. Report from {} to {} ({})", r.range.0, r.range.1, r.range.2)))}
                </h2>
                <SegmentLine/>
                <PrintForCouncil/>
                <p class="timing" id="timing">
                    {move || state.report.with(|r| r.as_ref().map(|r| format!(
                        "computed in {:.0} ms · engine memory {}", r.millis, human_memory(r.memory_bytes))))}
                </p>
                <Nutshell/>
                {move || state.report.get().map(|r| view! { <Cards report=r/> })}
                <nav class="tabs" role="tablist" aria-label="Report sections"
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        let ids: Vec<&'static str> = SECTIONS.iter().map(|(id, _)| *id).collect();
                        on_tab_key(&ev, "tab-", &ids, &state.section.get_untracked(),
                            |to| state.section.set(to.to_string()));
                    }>
                    {SECTIONS
                        .iter()
                        .map(|(id, title)| {
                            let id = *id;
                            let selected = move || state.section.get() == id;
                            view! {
                                <button type="button" role="tab" id=format!("tab-{id}")
                                    aria-selected=move || selected().to_string()
                                    aria-controls="section"
                                    tabindex=move || if selected() { "0" } else { "-1" }
                                    on:click=move |_| state.section.set(id.to_string())>
                                    {*title}
                                </button>
                            }
                        })
                        .collect_view()}
                </nav>
                <div class="section" role="tabpanel" id="section" tabindex="0"
                    aria-labelledby=move || format!("tab-{}", state.section.get())>
                    {move || {
                        let section = state.section.get();
                        state
                            .loaded
                            .with(|l| l.as_ref().and_then(|l| crate::summary::made_without(l, &section)))
                            .map(|without| view! {
                                <p class="notice needs" id="section-needs" role="status">
                                    {format!("This part of the report is {without} (not in the export files): what those files hold is missing here, not zero.")}
                                </p>
                            })
                    }}
                    <ErrorBoundary fallback=fallback>{section_body}</ErrorBoundary>
                </div>
            </section>
        </Show>
    }
}

/// One user's timeline and fast participation.
#[component]
pub fn UserPanel(
    /// The user shown (none: the panel is hidden).
    #[prop(into)]
    user: Signal<Option<i64>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || user.get().is_some()>
            <section class="user-panel" id="user-panel">
                <h3 id="user-panel-title" tabindex="-1">{move || {
                    let id = user.get().unwrap_or_default();
                    match state.selected_name.get() {
                        Some(name) => format!("{name} — user {id}"),
                        None => format!("User {id}"),
                    }
                }}</h3>
                <button type="button" on:click=move |_| state.selected_user.set(None)>"Close"</button>
                <h4>"Timeline in the period"</h4>
                <DataTable view="user-timeline".to_string() table="user_activity_timeline".to_string() user=user/>
                <h4>"Fast participation"</h4>
                <DataTable view="user-fasts".to_string() table="user_fast_participation".to_string() user=user/>
            </section>
        </Show>
    }
}
