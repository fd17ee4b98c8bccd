//! The page: a Leptos client-side app over the worker.
//!
//! Text from the data is only ever put into the page as text nodes or
//! attribute values (Leptos escapes both); charts are SVG elements built
//! one by one from the engine's chart trees (see `svg_chart`), never from
//! markup.
//!
//! The page builds only for wasm, except its pure parts, which build
//! natively too so that `cargo test` checks them: the insight views' words
//! ([`insight_text`]) and the chart files ([`chart_files`]).

pub mod chart_files;
pub mod insight_text;

#[cfg(target_arch = "wasm32")]
pub mod activity_view;
#[cfg(target_arch = "wasm32")]
pub mod app_usage_view;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod comparison;
#[cfg(target_arch = "wasm32")]
pub mod dataset_download;
#[cfg(target_arch = "wasm32")]
pub mod dropped_files;
#[cfg(target_arch = "wasm32")]
pub mod export;
#[cfg(target_arch = "wasm32")]
pub mod fast_detail;
#[cfg(target_arch = "wasm32")]
pub mod fasts_view;
#[cfg(target_arch = "wasm32")]
pub mod insight_chart;
#[cfg(target_arch = "wasm32")]
pub mod insights_option;
#[cfg(target_arch = "wasm32")]
pub mod keep;
#[cfg(target_arch = "wasm32")]
pub mod load_panel;
#[cfg(target_arch = "wasm32")]
pub mod load_summary;
#[cfg(target_arch = "wasm32")]
pub mod nutshell;
#[cfg(target_arch = "wasm32")]
pub mod open_fast;
#[cfg(target_arch = "wasm32")]
pub mod people_view;
#[cfg(target_arch = "wasm32")]
pub mod period;
#[cfg(target_arch = "wasm32")]
pub mod print_report;
#[cfg(target_arch = "wasm32")]
pub mod progress_panel;
#[cfg(target_arch = "wasm32")]
pub mod pseudonyms_option;
#[cfg(target_arch = "wasm32")]
pub mod report;
#[cfg(target_arch = "wasm32")]
pub mod report_chart;
#[cfg(target_arch = "wasm32")]
pub mod retention_view;
#[cfg(target_arch = "wasm32")]
pub mod segment_controls;
#[cfg(target_arch = "wasm32")]
pub mod sizes;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod svg_chart;
#[cfg(target_arch = "wasm32")]
pub mod table;
#[cfg(target_arch = "wasm32")]
pub mod tabs;

#[cfg(target_arch = "wasm32")]
use engagement_engine::presigned::redact_secrets;
#[cfg(target_arch = "wasm32")]
use leptos::prelude::*;
#[cfg(target_arch = "wasm32")]
use state::AppState;

/// Shows a panic's message in the page instead of leaving it blank.
#[cfg(target_arch = "wasm32")]
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
#[cfg(target_arch = "wasm32")]
pub fn start() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[cfg(target_arch = "wasm32")]
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
#[cfg(target_arch = "wasm32")]
#[component]
fn SkipLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let go = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        browser::focus_into_view("report-title");
    };
    move || {
        state.report.with(Option::is_some).then(|| {
            view! { <a class="skip-link" href="#report" id="skip-to-report" on:click=go>"Skip to the report"</a> }
        })
    }
}

/// The last error, as an alert that keeps the page usable.
#[cfg(target_arch = "wasm32")]
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

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
