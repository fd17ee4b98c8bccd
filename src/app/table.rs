//! A data set's table: sorting by any column, a text filter and pagination.
//! The rows live in the worker, which sorts and filters them; the page only
//! ever holds and renders the current page, so 100,000 rows stay fast.

use leptos::prelude::*;

use crate::protocol::{Cell, PageQuery, Request};

use super::insight_text::column_heading;
use super::state::AppState;

/// Rows per page.
pub const PAGE_SIZE: usize = 25;

/// One data set as a sortable, filterable, paged table.
///
/// `view` names this table on the page (two views may show one data set);
/// `user` restricts the rows to one user; `on_user` makes rows clickable
/// and receives the row's `user_id`.
#[component]
pub fn DataTable(
    /// This table's name on the page (its element id is `table-<view>`).
    view: String,
    /// The data set shown.
    table: String,
    /// Only this user's rows.
    #[prop(optional, into)]
    user: Option<Signal<Option<i64>>>,
    /// Called with a row's `user_id` when the row is opened.
    #[prop(optional, into)]
    on_user: Option<Callback<i64>>,
    /// Called with a row's `fast_id` when the row is opened (rows with a
    /// user open the user when `on_user` is given).
    #[prop(optional, into)]
    on_fast: Option<Callback<i64>>,
    /// Only the rows whose cell in this column (by name) is this text,
    /// e.g. `("status", "at_risk")`; `None` shows every row.
    #[prop(default = None)]
    only: Option<(String, String)>,
    /// The order before the user picks one: a column by name, descending.
    #[prop(optional)]
    sort_by: Option<(String, bool)>,
    /// Columns to show first, by name (the others follow in the data
    /// set's order): what a view is about, before the scroll.
    #[prop(optional)]
    first: &'static [&'static str],
    /// Receives the query of the rows shown (every page), each time it
    /// changes: what a "download this list" button saves.
    #[prop(optional)]
    query_out: Option<RwSignal<Option<PageQuery>>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns = {
        let table = table.clone();
        Memo::new(move |_| {
            state.report.with(|r| {
                r.as_ref()
                    .and_then(|r| r.tables.iter().find(|t| t.0 == table))
                    .map(|t| t.1.clone())
                    .unwrap_or_default()
            })
        })
    };
    // The data set's column indices in the order shown.
    let shown = Memo::new(move |_| {
        columns.with(|c| {
            let mut order: Vec<usize> = first
                .iter()
                .filter_map(|name| c.iter().position(|n| n == name))
                .collect();
            let rest: Vec<usize> = (0..c.len()).filter(|i| !order.contains(i)).collect();
            order.extend(rest);
            order
        })
    });
    let position = move |name: &str| columns.with_untracked(|c| c.iter().position(|n| n == name));
    let sort = RwSignal::new(sort_by.and_then(|(name, desc)| position(&name).map(|i| (i, desc))));
    let filter = RwSignal::new(String::new());
    let page = RwSignal::new(0usize);
    let view_key = view.clone();
    let table_name = table.clone();
    // Ask the worker for the page whenever the query or the report changes.
    Effect::new(move |_| {
        state.report.track();
        // A column the data set lacks matches no row (never all of them).
        let column_filter = only.as_ref().map(|(name, value)| {
            (
                columns
                    .with(|c| c.iter().position(|n| n == name))
                    .unwrap_or(usize::MAX),
                value.clone(),
            )
        });
        let query = PageQuery {
            table: table_name.clone(),
            sort: sort.get(),
            filter: filter.get(),
            user_id: user.and_then(|u| u.get()),
            column_filter,
            page: page.get(),
            page_size: PAGE_SIZE,
        };
        if let Some(out) = query_out {
            out.set(Some(query.clone()));
        }
        let id = state.next_id();
        state.send(&Request::Page {
            id,
            view: view_key.clone(),
            query,
        });
    });
    let view_name = view.clone();
    let reply = Memo::new(move |_| state.pages.with(|p| p.get(&view_name).cloned()));
    let pages = move || {
        reply.with(|r| {
            r.as_ref()
                .map(|r| (r.matched as usize).div_ceil(PAGE_SIZE).max(1))
                .unwrap_or(1)
        })
    };
    let header = move || {
        let names = columns.get();
        shown
            .get()
            .into_iter()
            .map(|i| (i, names[i].clone()))
            .map(|(i, name)| {
                let aria = move || match sort.get() {
                    Some((c, false)) if c == i => "ascending",
                    Some((c, true)) if c == i => "descending",
                    _ => "none",
                };
                let arrow = move || match sort.get() {
                    Some((c, false)) if c == i => " ▲",
                    Some((c, true)) if c == i => " ▼",
                    _ => "",
                };
                let heading = column_heading(&name);
                view! {
                    <th scope="col" aria-sort=aria data-field=name.clone() title=name>
                        <button type="button" class="sort" on:click=move |_| {
                            sort.update(|s| {
                                *s = match *s {
                                    Some((c, false)) if c == i => Some((i, true)),
                                    _ => Some((i, false)),
                                }
                            });
                            page.set(0);
                        }>{heading} {arrow}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let body = move || {
        let user_col = columns.with(|c| c.iter().position(|n| n == "user_id"));
        let name_col = columns.with(|c| c.iter().position(|n| n == "username"));
        let fast_col = columns.with(|c| c.iter().position(|n| n == "fast_id"));
        reply
            .get()
            .map(|r| r.rows)
            .unwrap_or_default()
            .into_iter()
            .map(|row| {
                let uid = user_col.and_then(|c| match row.get(c) {
                    Some(Cell::Int(id)) => Some(*id),
                    _ => None,
                });
                let fast = fast_col.and_then(|c| match row.get(c) {
                    Some(Cell::Int(id)) => Some(*id),
                    _ => None,
                });
                let name = name_col.and_then(|c| match row.get(c) {
                    Some(Cell::Text(t)) => Some(t.clone()),
                    _ => None,
                });
                // Each cell names its column (as its heading does), so a
                // narrow screen can leave some out by name.
                let names = columns.get_untracked();
                let cells = shown
                    .get()
                    .into_iter()
                    .filter_map(|i| {
                        row.get(i)
                            .map(|c| (names.get(i).cloned().unwrap_or_default(), c))
                    })
                    .map(|(name, c)| {
                        let class = match c {
                            Cell::Int(_) | Cell::Num(_) => "num",
                            _ => "",
                        };
                        view! { <td class=class data-field=name>{c.display()}</td> }
                    })
                    .collect_view();
                match (on_user, uid, on_fast, fast) {
                    (None, _, Some(cb), Some(id)) | (_, None, Some(cb), Some(id)) => {
                        view! {
                        <tr class="clickable" tabindex="0" data-fast=id
                            title="Show this fast's own view"
                            on:click=move |_| cb.run(id)
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    cb.run(id);
                                }
                            }>{cells}</tr>
                        }
                    }
                    .into_any(),
                    (Some(cb), Some(id), _, _) => {
                        // The person's name titles their details.
                        let open = move || {
                            state.selected_name.set(name.clone());
                            cb.run(id);
                        };
                        let open_key = open.clone();
                        view! {
                        <tr class="clickable" tabindex="0" data-user=id
                            title="Show this person's timeline and fasts"
                            on:click=move |_| open()
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    open_key();
                                }
                            }>{cells}</tr>
                        }
                    }
                    .into_any(),
                    _ => view! { <tr>{cells}</tr> }.into_any(),
                }
            })
            .collect_view()
    };
    let status = move || {
        reply.with(|r| match r {
            Some(r) if r.matched == r.total => {
                format!("{} rows — page {} of {}", r.total, r.page + 1, pages())
            }
            Some(r) => format!(
                "{} of {} rows match — page {} of {}",
                r.matched,
                r.total,
                r.page + 1,
                pages()
            ),
            None => "loading…".to_string(),
        })
    };
    let id = format!("table-{view}");
    view! {
        <div class="table-wrap" id=id.clone() data-table=table>
            <div class="table-tools">
                <label>"Filter "
                    <input type="search" class="filter" placeholder="text in any column"
                        prop:value=move || filter.get()
                        on:input=move |ev| { filter.set(event_target_value(&ev)); page.set(0); }/>
                </label>
                <span class="status" aria-live="polite">{status}</span>
                // A `>` in an attribute's closure would end the tag in
                // `view!`: comparisons go in braces.
                <span class="pager">
                    <button type="button" class="first" disabled=move || page.get() == 0
                        on:click=move |_| page.set(0)>"« First"</button>
                    <button type="button" class="prev" disabled=move || page.get() == 0
                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"‹ Prev"</button>
                    <button type="button" class="next" disabled=move || { page.get() + 1 >= pages() }
                        on:click=move |_| page.update(|p| *p += 1)>"Next ›"</button>
                    <button type="button" class="last" disabled=move || { page.get() + 1 >= pages() }
                        on:click=move |_| page.set(pages() - 1)>"Last »"</button>
                </span>
            </div>
            <div class="scroll">
                <table class="data">
                    <thead><tr>{header}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </div>
    }
}
