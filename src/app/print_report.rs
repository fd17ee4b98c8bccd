//! "Print for council": the readable report as it goes to readers outside
//! the staff (`report.html` naming nobody, SPEC §9), opened in a new tab
//! where the browser's Print (→ Save as PDF) gives the board-ready pages.

use leptos::prelude::*;

use crate::protocol::ExportWhat;

use super::browser;
use super::state::AppState;

/// The button, with what happened beside it.
#[component]
pub fn PrintForCouncil() -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(String::new());
    let print = move |_| {
        status.set("preparing the report…".into());
        // Opened inside the click, so that the browser allows the tab; the
        // report is put into it when it is ready.
        let tab = window()
            .open_with_url_and_target("", "_blank")
            .ok()
            .flatten();
        let file = engagement_engine::readable::html::FILE_NAME.to_string();
        state.export_adjusted(
            ExportWhat::File(file.clone()),
            |o| o.html_people = false,
            move |r| match r {
                Ok(f) => {
                    let shown = tab.and_then(|tab| {
                        let parts = js_sys::Array::of1(&f.bytes);
                        let opts = web_sys::BlobPropertyBag::new();
                        opts.set_type("text/html");
                        let blob =
                            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
                                .ok()?;
                        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
                        tab.location().set_href(&url).ok()?;
                        Some(())
                    });
                    match shown {
                        Some(()) => status.set(
                            "The report opened in a new tab: print it there (Ctrl+P or ⌘P; “Save as PDF” gives a file). It names nobody, so it can go to a council or a board."
                                .into(),
                        ),
                        // A blocked pop-up: the file is saved instead.
                        None => match browser::download(&f.name, &f.mime, &f.bytes) {
                            Ok(()) => status.set(format!(
                                "The browser kept the new tab from opening: {} was saved instead; open it and print it.",
                                f.name
                            )),
                            Err(e) => status.set(e),
                        },
                    }
                }
                Err(e) => {
                    if let Some(tab) = tab {
                        let _ = tab.close();
                    }
                    status.set(e)
                }
            },
        );
    };
    view! {
        <p class="print-council">
            <button type="button" id="print-council" on:click=print
                title="report.html without names, in a new tab, ready to print">
                "Print for council"
            </button>
            " "
            <span class="status" id="print-council-status" aria-live="polite">{move || status.get()}</span>
        </p>
    }
}
