//! People: who is at risk of leaving, who is declining, and who is most
//! engaged — the worker's `user_engagement` table (SPEC §7.3) filtered by
//! `status`, or whole by `engagement_rank`, in the table view used for
//! every data set; a row opens that user's timeline.

use leptos::prelude::*;

use super::insight_text::plural;
use crate::protocol::{ExportWhat, PageQuery};

use super::browser;

use super::dataset_download::DownloadDataSet;
use super::state::AppState;
use super::table::DataTable;
use super::tabs::on_tab_key;

/// The lists: (id, tab label, status shown or none for everyone, what it
/// means).
const LISTS: [(&str, &str, Option<&str>, &str); 4] = [
    (
        "at_risk",
        "At risk",
        Some("at_risk"),
        "People active in the period whose last activity was 7 or more days before its end. Most engaged first: they may be the easiest to win back.",
    ),
    (
        "declining",
        "Declining",
        Some("declining"),
        "People still active in the last week, but with fewer than half as many activities in the second half of the period as in the first. Most engaged first.",
    ),
    (
        "engaged",
        "Engaged",
        Some("engaged"),
        "People active in the last week and not declining, most engaged first: by active days, then activities, then the most recent activity.",
    ),
    (
        "everyone",
        "Everyone",
        None,
        "Everyone active in the period, most engaged first: by active days, then activities, then the most recent activity.",
    ),
];

/// What a reader of the lists looks at first: who, how long since their
/// last activity, how active they were, and how that changed.
const FIRST_COLUMNS: &[&str] = &[
    "user_id",
    "username",
    "email",
    "status",
    "days_since_last",
    "active_days",
    "items",
    "first_half_items",
    "second_half_items",
    "engagement_rank",
    "last_activity",
];

/// The three lists, one at a time, and the user's details under them.
#[component]
pub fn PeopleView(
    /// Called with a row's `user_id` when the row is opened.
    #[prop(into)]
    on_user: Callback<i64>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = RwSignal::new("at_risk");
    let statuses = move || {
        state
            .report
            .with(|r| r.as_ref().map(|r| r.insights.statuses).unwrap_or_default())
    };
    let count = move |id: &str| {
        let (at_risk, declining, engaged) = statuses();
        match id {
            "at_risk" => at_risk,
            "declining" => declining,
            "engaged" => engaged,
            _ => at_risk + declining + engaged,
        }
    };
    let tabs = LISTS
        .iter()
        .map(|&(id, label, _, _)| {
            view! {
                <button type="button" role="tab" id=format!("people-tab-{id}")
                    aria-selected=move || (list.get() == id).to_string()
                    tabindex=move || if list.get() == id { "0" } else { "-1" }
                    aria-controls="people-list"
                    on:click=move |_| list.set(id)>
                    {label} " (" {move || count(id)} ")"
                </button>
            }
        })
        .collect_view();
    let body = move || {
        let id = list.get();
        let (_, _, status, meaning) = LISTS
            .iter()
            .find(|l| l.0 == id)
            .copied()
            .unwrap_or(LISTS[0]);
        let label = LISTS.iter().find(|l| l.0 == id).map_or("", |l| l.1);
        let query = RwSignal::new(None::<PageQuery>);
        let saved = RwSignal::new(String::new());
        // The list as shown (its status and text filter, its order), to
        // call from: CSV or an Excel sheet.
        let save = move |spreadsheet: bool| {
            let Some(query) = query.get_untracked() else {
                return;
            };
            saved.set("preparing…".into());
            let what = ExportWhat::CallList {
                query,
                status: status.map(str::to_string),
                spreadsheet,
            };
            state.export(what, move |r| match r {
                Ok(f) => match browser::download(&f.name, &f.mime, &f.bytes) {
                    Ok(()) => saved.set(format!("saved {}", f.name)),
                    Err(e) => saved.set(e),
                },
                Err(e) => saved.set(e),
            });
        };
        // An empty list says so in words rather than as an empty table.
        let list = if count(id) == 0 {
            view! {
                <p class="empty" id="people-empty">
                    {format!("Nobody in this period: the “{label}” list is empty.")}
                </p>
            }
            .into_any()
        } else {
            view! {
                <DataTable view=format!("people-{id}") table="user_engagement".to_string()
                    only=status.map(|s| ("status".to_string(), s.to_string()))
                    sort_by=("engagement_rank".to_string(), false)
                    first=FIRST_COLUMNS
                    on_user=on_user
                    query_out=query/>
                <p class="call-list">
                    "Save this list to call from (names, e-mails, last active; the filter above applies): "
                    <button type="button" id="call-list-csv" on:click=move |_| save(false)>"CSV"</button>
                    " "
                    <button type="button" id="call-list-xlsx" on:click=move |_| save(true)>"Excel"</button>
                    " "
                    <span class="status" aria-live="polite">{move || saved.get()}</span>
                </p>
            }
            .into_any()
        };
        view! {
            <p class="intro" id="people-meaning">{meaning}</p>
            {list}
        }
    };
    view! {
        <div class="insight" id="people-view">
            <h3>"People"</h3>
            <p id="people-counts">
                {move || {
                    let (a, d, e) = statuses();
                    format!(
                        "Of the {} active in the period, {} at risk, {} declining and {} engaged. Open a row for that person's timeline and fasts.",
                        plural(a + d + e, "person", "people"),
                        if a == 1 { "1 is".to_string() } else { format!("{a} are") },
                        if d == 1 { "1 is".to_string() } else { format!("{d} are") },
                        if e == 1 { "1 is".to_string() } else { format!("{e} are") },
                    )
                }}
            </p>
            <nav class="tabs subtabs" role="tablist" aria-label="Lists of people"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    let ids: Vec<&'static str> = LISTS.iter().map(|l| l.0).collect();
                    on_tab_key(&ev, "people-tab-", &ids, list.get_untracked(), |to| list.set(to));
                }>{tabs}</nav>
            <div role="tabpanel" id="people-list" tabindex="0"
                aria-labelledby=move || format!("people-tab-{}", list.get())>{body}</div>
            <DownloadDataSet name="user_engagement"/>
        </div>
    }
}
