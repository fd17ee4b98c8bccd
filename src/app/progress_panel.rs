//! The progress of a running load, with Cancel.

use leptos::prelude::*;

use super::sizes::{human_bytes, human_memory};
use super::state::AppState;

/// Progress of a running load, with Cancel.
#[component]
pub fn ProgressPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.busy.get()>
            <section class="progress" aria-live="polite" id="progress">
                {move || {
                    let p = state.progress.get().unwrap_or_default();
                    let (value, max) = match p.bytes_total {
                        Some(t) if t > 0 => (p.bytes_done.min(t) as f64, t as f64),
                        _ => (0.0, 0.0),
                    };
                    let bytes = match p.bytes_total {
                        Some(t) => format!("{} of {}", human_bytes(p.bytes_done), human_bytes(t)),
                        None => human_bytes(p.bytes_done),
                    };
                    view! {
                        <p>
                            <strong>{p.phase.clone()}</strong>
                            " " {p.file.clone()} " — " {bytes}
                            {(p.memory_bytes > 0).then(|| format!(" · engine memory {}", human_memory(p.memory_bytes)))}
                        </p>
                        {if max > 0.0 {
                            view! { <progress max=max value=value></progress> }.into_any()
                        } else {
                            view! { <progress></progress> }.into_any()
                        }}
                        <ul class="rows">
                            {p.rows
                                .into_iter()
                                .map(|(t, n)| view! { <li>{t} ": " {n} " rows"</li> })
                                .collect_view()}
                        </ul>
                    }
                }}
                <button id="cancel" type="button" on:click=move |_| state.cancel()>"Cancel"</button>
            </section>
        </Show>
    }
}
