//! What the last load found: tables, date extent, warnings, memory.

use engagement_engine::load::Table;
use leptos::prelude::*;

use super::sizes::human_memory;
use super::state::AppState;

/// What the last load found: tables, date extent, warnings.
#[component]
pub fn LoadSummaryView() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.loaded.get().map(|s| {
            let extent = s
                .extent
                .clone()
                .map(|(a, b)| format!("Data from {a} to {b}."))
                .unwrap_or_else(|| "The export files hold no dated rows.".into());
            let nwarn = s.warnings.len();
            view! {
                <section class="summary" id="load-summary" aria-labelledby="found-title">
                    <h2 id="found-title">"What the export files hold"</h2>
                    <p>
                        "Loaded " {s.source.clone()} " in "
                        {format!("{:.0}", s.millis)} " ms. " {extent}
                    </p>
                    {(s.rows_left_out > 0).then(|| view! {
                        <p class="notice" id="rows-left-out" role="status">
                            {format!(
                                "{} malformed row{} left out of this report at your request (see the warnings below).",
                                s.rows_left_out,
                                if s.rows_left_out == 1 { " was" } else { "s were" }
                            )}
                        </p>
                    })}
                    <p id="memory">
                        "The engine holds it in " {human_memory(s.memory_bytes)}
                        " of memory (a browser tab allows it at most 4 GiB; the CLI has no such limit)."
                    </p>
                    {s.incomplete.iter().map(|text| view! {
                        <p class="notice incomplete" role="status">{text.clone()}</p>
                    }).collect_view()}
                    {(!s.missing.is_empty()).then(|| view! {
                        <p class="notice" id="tables-missing" role="status">
                            {format!(
                                "{} of the 9 export tables {} missing: figures that need {} say so instead of showing zeros.",
                                s.missing.len(),
                                if s.missing.len() == 1 { "is" } else { "are" },
                                if s.missing.len() == 1 { "it" } else { "them" },
                            )}
                        </p>
                    })}
                    {crate::summary::other_models_text(&s.other_models).map(|text| view! {
                        <p id="other-models">{text}</p>
                    })}
                    <div class="scroll" tabindex="0" role="region" aria-label="The nine tables"><table class="counts" id="table-checklist">
                        <thead><tr>
                            <th scope="col">"table"</th>
                            {(!s.from_dump).then(|| view! { <th scope="col">"file"</th> })}
                            <th scope="col">"found"</th><th scope="col">"rows"</th>
                            <th scope="col">"feeds"</th>
                        </tr></thead>
                        <tbody>
                            {s.tables
                                .iter()
                                .map(|(label, file, n)| {
                                    let found = !s.missing.contains(file);
                                    let from_dump = s.from_dump;
                                    // The one catalogue of what each table feeds.
                                    let feeds = Table::ALL
                                        .into_iter()
                                        .find(|t| t.file_name() == file)
                                        .map(|t| t.feeds().join(", "))
                                        .unwrap_or_default();
                                    view! {
                                        <tr data-table=file.clone() data-found=found.to_string()>
                                            <td class="table-label">{label.clone()}</td>
                                            {(!from_dump).then(|| view! { <td class="file">{file.clone()}</td> })}
                                            <td class="found">{if found { "✓ found" } else { "✗ missing" }}</td>
                                            <td class="num">{if found { n.to_string() } else { "—".to_string() }}</td>
                                            <td class="feeds">{feeds}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table></div>
                    <h3>{format!("Warnings ({nwarn})")}</h3>
                    <ul class="warnings" id="warnings">
                        {s.warnings
                            .iter()
                            .map(|(n, text)| view! { <li data-count=*n>{text.clone()}</li> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
