//! Weekly retention: the week-N triangle of `retention_matrix` (SPEC §7.1)
//! as a colour-scaled grid, cohorts by weeks 0–12, as a percentage of the
//! cohort or as a number of users; each cell says its counts on hover and
//! focus, and weeks that are not over yet are marked.

use leptos::prelude::*;

use super::insight_text::{self, scale_step, DARK_FROM, SCALE};
use crate::protocol::TriangleCohort;

use super::dataset_download::DownloadDataSet;
use super::insight_chart::InsightChart;
use super::state::AppState;

/// Weeks of the triangle: 0…12.
const WEEKS: u32 = 13;

/// One row of the grid.
fn cohort_row(c: &TriangleCohort, as_users: bool, max: f64) -> impl IntoView {
    let cells = (0..WEEKS)
        .map(|w| match c.weeks.iter().find(|x| x.0 == w) {
            Some(&(week, active, rate, complete)) => {
                let value = if as_users { active as f64 } else { rate };
                let step = scale_step(value, max);
                let title = insight_text::triangle_title(c, week, active, rate, complete);
                let shown = if as_users {
                    active.to_string()
                } else {
                    format!("{rate:.0}%")
                };
                let class = format!(
                    "cell{}{}",
                    if step >= DARK_FROM { " dark" } else { "" },
                    if complete { "" } else { " pending" }
                );
                view! {
                    <td class=class tabindex="0" title=title.clone() aria-label=title
                        data-week=week data-active=active data-rate=format!("{rate:.2}")
                        data-complete=complete.to_string()
                        style:background-color=SCALE[step]>
                        {shown}
                        {(!complete).then(|| view! { <span aria-hidden="true">"*"</span> })}
                    </td>
                }
                .into_any()
            }
            None => view! { <td class="cell none"></td> }.into_any(),
        })
        .collect_view();
    view! {
        <tr data-cohort=c.cohort_week.clone()>
            <th scope="row" title=format!("Cohort {}", c.cohort_week)>
                {format!("week of {}", insight_text::long_date(&c.cohort_start_date))}
            </th>
            <td class="num users">{c.users}</td>
            {cells}
        </tr>
    }
}

/// The retention triangle of the current report.
#[component]
pub fn RetentionView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let as_users = RwSignal::new(false);
    let triangle = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| r.insights.triangle.clone())
                .unwrap_or_default()
        })
    });
    let max = move || {
        let users = as_users.get();
        triangle.with(|t| {
            t.iter()
                .flat_map(|c| c.weeks.iter())
                .map(|w| if users { w.1 as f64 } else { w.2 })
                .fold(0.0, f64::max)
        })
    };
    let rows = move || {
        let (users, max) = (as_users.get(), max());
        triangle.with(|t| t.iter().map(|c| cohort_row(c, users, max)).collect_view())
    };
    let legend_max = move || {
        let m = max();
        if as_users.get() {
            format!("{m} users")
        } else {
            format!("{m:.2}%")
        }
    };
    let toggle = move |users: bool, id: &'static str, label: &'static str| {
        view! {
            <button type="button" id=id aria-pressed=move || (as_users.get() == users).to_string()
                on:click=move |_| as_users.set(users)>{label}</button>
        }
    };
    view! {
        <div class="insight" id="retention-view">
            <h3>"Weekly retention: do people come back?"</h3>
            <p class="intro">
                "Each row is a cohort: the people who joined in one week. Each column is a week since they joined (W0 is the week they joined). "
                "A cell shows how many of them were active (at least one activity in the feed) in that week, up to the end of the period. Darker means more. "
                "Hover over or focus a cell for its exact figures."
            </p>
            <div class="row" role="group" aria-label="Show the cells as">
                "Show: " {toggle(false, "triangle-pct", "% of the cohort")} {toggle(true, "triangle-users", "Number of users")}
            </div>
            <Show when=move || triangle.with(|t| !t.is_empty())
                fallback=|| view! { <p id="triangle-empty">"Nobody joined in this period, so there are no cohorts to follow."</p> }>
                <div class="scroll">
                    <table class="grid triangle" id="triangle">
                        <caption class="sr-only">"Share of each weekly cohort active in each week since joining"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Joined in the…"</th>
                                <th scope="col" class="num">"Users"</th>
                                {(0..WEEKS).map(|w| view! { <th scope="col" class="num">{format!("W{w}")}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
            <p class="legend">
                <span class="swatches" aria-hidden="true">
                    {SCALE.iter().map(|c| view! { <span class="swatch" style:background-color=*c></span> }).collect_view()}
                </span>
                {move || format!(" lightest = 0, darkest = {}. ", legend_max())}
                <span class="pending-key">"12%*"</span>
                " with a dashed border and * : the week is not over yet at the end of the period, so its figure may still grow."
            </p>
            <InsightChart key="retention_triangle"/>
            <DownloadDataSet name="retention_matrix"/>
        </div>
    }
}
