//! A button that saves one data set's file (all of its rows) in the chosen
//! format, for the views that show a data set in part or as a picture.

use leptos::prelude::*;

use crate::protocol::ExportWhat;

use super::browser;
use super::state::AppState;

/// "Download `<name>.json`" (or `.csv`), with its status beside it.
#[component]
pub fn DownloadDataSet(
    /// The data set, e.g. `user_engagement`.
    name: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(String::new());
    let file = move || engagement_engine::export::file_name(name, state.format.get());
    let save = move |_| {
        status.set("preparing…".into());
        state.export(ExportWhat::File(file()), move |r| match r {
            Ok(f) => match browser::download(&f.name, &f.mime, &f.bytes) {
                Ok(()) => status.set(format!("saved {} ({} bytes)", f.name, f.bytes.length())),
                Err(e) => status.set(e),
            },
            Err(e) => status.set(e),
        });
    };
    view! {
        <p class="dataset-download">
            <button type="button" class="download-file" data-file=file on:click=save>
                "Download " {file} " (every row)"
            </button>
            " "
            <span class="status" aria-live="polite">{move || status.get()}</span>
        </p>
    }
}
