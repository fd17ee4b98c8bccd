//! One fast's own view (issue 21): its calendar, participants, joins and
//! leaves, how long members stay, its daily joins and leaves, its
//! participants and its "this year against last year" chart. Opened by a
//! fast's row under Fasts; every figure is a row of the worker's data sets
//! (`fasts`, `fast_calendar`, `fast_retention`) asked for by `fast_id`, so
//! nothing is recomputed here.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::protocol::{Cell, PageQuery, Request};

use super::report_chart::chart_of;
use super::state::AppState;
use super::svg_chart::SvgChart;
use super::table::DataTable;

/// The row of `table` whose `fast_id` is `fast`, by column name (none while
/// the worker answers, or when the data set has no such row).
fn fast_row(
    state: AppState,
    table: &'static str,
    fast: i64,
) -> Memo<Option<HashMap<String, Cell>>> {
    let view = format!("fast-detail-{table}");
    let columns = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .and_then(|r| r.tables.iter().find(|t| t.0 == table))
                .map(|t| t.1.clone())
                .unwrap_or_default()
        })
    });
    {
        let view = view.clone();
        Effect::new(move |_| {
            state.report.track();
            let column = columns.with(|c| c.iter().position(|n| n == "fast_id"));
            let Some(column) = column else { return };
            let id = state.next_id();
            state.send(&Request::Page {
                id,
                view: view.clone(),
                query: PageQuery {
                    table: table.to_string(),
                    sort: None,
                    filter: String::new(),
                    user_id: None,
                    column_filter: Some((column, fast.to_string())),
                    page: 0,
                    page_size: 1,
                },
            });
        });
    }
    Memo::new(move |_| {
        let names = columns.get();
        state.pages.with(|p| {
            let row = p.get(&view)?.rows.first()?.clone();
            let named: HashMap<String, Cell> = names.into_iter().zip(row).collect();
            // An answer about another fast (the one shown before) is not
            // this fast's.
            (named.get("fast_id") == Some(&Cell::Int(fast))).then_some(named)
        })
    })
}

/// A cell as the sentence shows it ("none" for an empty one).
fn said(row: &HashMap<String, Cell>, name: &str) -> String {
    match row.get(name) {
        None | Some(Cell::Null) => "none".into(),
        Some(c) => c.display(),
    }
}

/// One fast's own view; `fast` is its `fast_id`.
#[component]
pub fn FastPanel(
    /// The fast shown.
    fast: i64,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let listed = fast_row(state, "fasts", fast);
    let calendar = fast_row(state, "fast_calendar", fast);
    let retention = fast_row(state, "fast_retention", fast);
    let title = move || {
        let row = listed
            .get()
            .or_else(|| calendar.get())
            .or_else(|| retention.get());
        match row {
            Some(r) => format!("{} — {}", said(&r, "fast_name"), said(&r, "church_name")),
            None => format!("Fast {fast}"),
        }
    };
    let calendar_text = move || match calendar.get() {
        Some(r) => format!(
            "From {} to {}: {} days; {} at the period's end.",
            said(&r, "first_day"),
            said(&r, "last_day"),
            said(&r, "days"),
            said(&r, "status")
        ),
        None => "This fast has no calendar days in the export.".into(),
    };
    let period_text = move || {
        listed.get().or_else(|| calendar.get()).map(|r| {
            format!(
                "{} participants now; in the period {} joined and {} left.",
                said(&r, "participants"),
                said(&r, "joins_in_period"),
                said(&r, "leaves_in_period")
            )
        })
    };
    let retention_text = move || match retention.get() {
        Some(r) => {
            let median = match r.get("median_days_to_leave") {
                None | Some(Cell::Null) => "Nobody has left it.".to_string(),
                Some(c) => format!("Those who left stayed {} days (median).", c.display()),
            };
            format!(
                "Over the whole history {} members joined it: {} are still in it and {} left, a retention rate of {}%. {median}",
                said(&r, "members_ever"),
                said(&r, "active_members"),
                said(&r, "left_members"),
                said(&r, "retention_rate")
            )
        }
        None => "Nobody has ever joined this fast.".into(),
    };
    let editions = move || {
        state
            .report
            .with(|r| {
                r.as_ref()
                    .and_then(|r| chart_of(r, &format!("fast_editions_{fast}")))
            })
            .map(|mut chart| {
                // Its own element ids: the calendar view shows it too.
                chart.key = format!("fast_panel_editions_{fast}");
                view! {
                    <h4>"This year against last year"</h4>
                    <div class="charts"><SvgChart chart=chart/></div>
                }
            })
    };
    let by_fast = Some(("fast_id".to_string(), fast.to_string()));
    view! {
        <section class="fast-panel user-panel" id="fast-panel" data-fast=fast aria-labelledby="fast-panel-title">
            <h3 id="fast-panel-title" tabindex="-1">{title}</h3>
            <button type="button" id="fast-panel-close" on:click=move |_| state.selected_fast.set(None)>"Close"</button>
            <h4>"Calendar"</h4>
            <p id="fast-panel-calendar">{calendar_text}</p>
            <h4>"Participants"</h4>
            <p id="fast-panel-period">{period_text}</p>
            <h4>"How long members stay"</h4>
            <p id="fast-panel-retention">{retention_text}</p>
            {editions}
            <h4>"Joins and leaves by day"</h4>
            <DataTable view="fast-panel-daily".to_string() table="fast_daily".to_string()
                only=by_fast.clone()/>
            <h4>"Who takes part"</h4>
            <DataTable view="fast-panel-participants".to_string()
                table="user_fast_participation".to_string() only=by_fast/>
        </section>
    }
}
