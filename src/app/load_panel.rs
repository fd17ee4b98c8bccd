//! Loading: drop zone, file and folder pickers, URL field, demo buttons.

use js_sys::Array;
use leptos::html;
use leptos::prelude::*;

use crate::protocol::{DemoSize, Source};

use super::dropped_files::{drop_entries, event_target, files_array, walk_entries};
use super::state::AppState;

/// The ways to give a bundle.
#[component]
pub fn LoadPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (dragging, set_dragging) = signal(false);
    let url = RwSignal::new(String::new());
    let folder_input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            input.set_webkitdirectory(true);
        }
    });
    let load_files = move |list: Option<web_sys::FileList>| {
        let files = files_array(list);
        if files.length() > 0 {
            state.load(Source::Files, files);
        }
    };
    let on_pick = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        load_files(input.files());
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        let Some(dt) = ev.data_transfer() else {
            return;
        };
        match drop_entries(&dt) {
            // Folders are walked for the files inside them.
            Some(entries) => leptos::task::spawn_local(async move {
                let files = walk_entries(entries).await;
                if files.length() > 0 {
                    state.load(Source::Files, files);
                } else {
                    state
                        .error
                        .set(Some("the dropped items hold no files".into()));
                }
            }),
            None => load_files(dt.files()),
        }
    };
    let load_url = move || {
        let u = url.get_untracked().trim().to_string();
        if !u.is_empty() {
            state.load(Source::Url(u), Array::new());
        }
    };
    view! {
        <section class="load" aria-labelledby="load-title">
            <h2 id="load-title">"1. Load the exports"</h2>
            <div
                id="drop-zone"
                class="drop"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    set_dragging.set(true);
                }
                on:dragleave=move |_| set_dragging.set(false)
                on:drop=on_drop
            >
                <p>"Drop CSV tables, dumpdata JSON or zips here, or choose them:"</p>
                <label>
                    "Files "
                    <input id="file-input" type="file" multiple=true
                        accept=".csv,.json,.zip" on:change=on_pick/>
                </label>
                <label>
                    "A folder "
                    <input id="folder-input" type="file" node_ref=folder_input on:change=on_pick/>
                </label>
            </div>
            <form class="url" on:submit=move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                load_url();
            }>
                <label for="url-input">"Or paste a link to the export (from your administrator), a zip or a dump: "</label>
                // A presigned URL is a password: the browser's autofill
                // must not keep it (SPEC §10).
                <input id="url-input" type="url" placeholder="https://…"
                    autocomplete="off" spellcheck="false" autocapitalize="off"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))/>
                <button id="url-load" type="submit">"Load"</button>
            </form>
            <div class="demo">
                "Or try demo data: "
                {DemoSize::ALL
                    .into_iter()
                    .map(|size| {
                        view! {
                            <button type="button" id=format!("demo-{}", size.as_str())
                                on:click=move |_| state.load(Source::Demo(size), Array::new())>
                                {format!("{} ({} users)", size.as_str(), size.users())}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <super::keep::KeepPanel/>
        </section>
    }
}
