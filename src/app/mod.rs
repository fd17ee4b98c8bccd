//! The page: a Leptos client-side app over the worker.
//!
//! Text from the data is only ever put into the page as text nodes or
//! attribute values (Leptos escapes both); charts are SVG elements built
//! one by one from the engine's chart trees (see [`svg_chart`]), never from
//! markup.

pub mod activity_view;
pub mod app_usage_view;
pub mod browser;
pub mod comparison;
pub mod dataset_download;
pub mod dropped_files;
pub mod export;
pub mod fast_detail;
pub mod fasts_view;
pub mod insight_chart;
pub mod insights_option;
pub mod keep;
pub mod load_panel;
pub mod load_summary;
pub mod nutshell;
pub mod people_view;
pub mod period;
pub mod print_report;
pub mod progress_panel;
pub mod pseudonyms_option;
pub mod report;
pub mod report_chart;
pub mod retention_view;
pub mod segment_controls;
pub mod sizes;
pub mod state;
pub mod svg_chart;
pub mod table;
pub mod tabs;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use engagement_engine::presigned::redact_secrets;
use state::AppState;

/// Shows a panic's message in the page instead of leaving it blank.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fatal"))
        {
            el.set_text_content(Some(&format!(
                "The page hit an internal error and must be reloaded: {info}"
            )));
            let _ = el.remove_attribute("hidden");
        }
    }));
}

/// Starts the page: mounts [`App`] on `<body>`.
pub fn start() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // Opening a shared link (or `#demo=small`) loads without further
    // clicks; data kept on this computer is restored (keep.rs decides).
    keep::start(state);
    // The address always holds what is needed to reopen this report, in
    // its fragment (never sent to the host; SPEC §10).
    Effect::new(move |_| browser::set_link(&state.link_pairs(false)));
    view! {
        <SkipLink/>
        <header class="top">
            <h1>"Engagement Report Builder"</h1>
            <p class="tagline">
                "Drop your data exports: the report is computed in this browser, nothing is sent anywhere."
            </p>
        </header>
        <main>
            <load_panel::LoadPanel/>
            <progress_panel::ProgressPanel/>
            <ErrorBanner/>
            <load_summary::LoadSummaryView/>
            <period::PeriodControls/>
            <segment_controls::SegmentControls/>
            <report::ReportView/>
        </main>
        <footer>"engine " {engagement_engine::VERSION}</footer>
    }
}

/// The first stop of the keyboard once a report is shown: "Skip to the
/// report" (visible when focused) moves the focus to the report's title,
/// past the loading and period controls. It moves the focus itself rather
/// than following `#report`, because the address's fragment holds the
/// report's share state.
#[component]
fn SkipLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let go = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        let title = document().get_element_by_id("report-title");
        if let Some(title) = title.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = title.set_attribute("tabindex", "-1");
            title.scroll_into_view();
            let _ = title.focus();
        }
    };
    move || {
        state.report.with(Option::is_some).then(|| {
            view! { <a class="skip-link" href="#report" id="skip-to-report" on:click=go>"Skip to the report"</a> }
        })
    }
}

/// The last error, as an alert that keeps the page usable.
#[component]
fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.error.with(|e| e.is_some())>
            <div class="error" role="alert" id="error">
                <strong>"Problem: "</strong>
                // The last guard: no message shows a signature, token or
                // credential, whatever produced it.
                <span id="error-text">{move || redact_secrets(&state.error.get().unwrap_or_default())}</span>
                <Show when=move || state.expired_link.get()>
                    <p>"Paste a fresh link to the export (ask your administrator for one) in the link field above and press Load."</p>
                </Show>
                {move || state.bad_rows.get().map(|n| view! {
                    <p>
                        "Correct the export and load it again, or go on: the report will leave these rows out and say so. "
                        <button type="button" id="skip-bad-rows" on:click=move |_| state.load_without_bad_rows()>
                            {format!("Continue without these {n} row{}", if n == 1 { "" } else { "s" })}
                        </button>
                    </p>
                })}
                <button type="button" on:click=move |_| { state.error.set(None); state.bad_rows.set(None); }>"Dismiss"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests;
