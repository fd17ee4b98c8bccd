//! Loading: drop zone, file and folder pickers, URL field, demo buttons,
//! the progress bar, and what loading found.

use js_sys::{Array, Reflect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{DemoSize, Source};

use super::state::AppState;

fn files_array(list: Option<web_sys::FileList>) -> Array {
    let out = Array::new();
    if let Some(list) = list {
        for i in 0..list.length() {
            if let Some(f) = list.get(i) {
                out.push(&f);
            }
        }
    }
    out
}

/// Calls `obj.method(resolve, reject)` (the old callback style of the
/// File and Directory Entries API) and awaits the callback's value.
async fn callback_call(obj: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = Reflect::get(obj, &method.into())?.dyn_into()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = f.call2(obj, &resolve, &reject) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise).await
}

fn flag(obj: &JsValue, name: &str) -> bool {
    Reflect::get(obj, &name.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The files under dropped entries (`FileSystemEntry` objects, from
/// `DataTransferItem.webkitGetAsEntry()`), walking folders recursively.
/// Entries that cannot be read are skipped.
pub async fn walk_entries(entries: Vec<JsValue>) -> Array {
    let out = Array::new();
    let mut stack = entries;
    stack.reverse();
    while let Some(entry) = stack.pop() {
        if flag(&entry, "isFile") {
            if let Ok(file) = callback_call(&entry, "file").await {
                out.push(&file);
            }
        } else if flag(&entry, "isDirectory") {
            let Ok(reader) = Reflect::get(&entry, &"createReader".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>())
                .and_then(|f| f.call0(&entry))
            else {
                continue;
            };
            // readEntries answers in batches until an empty one.
            let mut children = Vec::new();
            while let Ok(batch) = callback_call(&reader, "readEntries").await {
                let batch: Array = batch.unchecked_into();
                if batch.length() == 0 {
                    break;
                }
                children.extend(batch.iter());
            }
            children.reverse();
            stack.extend(children);
        }
    }
    out
}

/// The entries of a drop's items, taken while the drop event runs (the
/// items are emptied after it); `None` when the browser has no entries API.
fn drop_entries(dt: &web_sys::DataTransfer) -> Option<Vec<JsValue>> {
    let items = Reflect::get(dt, &"items".into()).ok()?;
    let len = Reflect::get(&items, &"length".into()).ok()?.as_f64()? as u32;
    let mut entries = Vec::new();
    for i in 0..len {
        let item = Reflect::get_u32(&items, i).ok()?;
        let get: js_sys::Function = Reflect::get(&item, &"webkitGetAsEntry".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let entry = get.call0(&item).ok()?;
        if !entry.is_null() && !entry.is_undefined() {
            entries.push(entry);
        }
    }
    Some(entries).filter(|e| !e.is_empty())
}

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
                <label for="url-input">"Or fetch an http(s) URL (a presigned GET of a zip or dump): "</label>
                <input id="url-input" type="url" placeholder="https://…"
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
        </section>
    }
}

/// A memory size in binary units, as browsers count their limits.
pub(crate) fn human_memory(n: u64) -> String {
    let gib = n as f64 / 1_073_741_824.0;
    if gib >= 1.0 {
        format!("{gib:.2} GiB")
    } else {
        format!("{:.0} MiB", n as f64 / 1_048_576.0)
    }
}

fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

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
                .unwrap_or_else(|| "The bundle holds no dated rows.".into());
            let nwarn = s.warnings.len();
            view! {
                <section class="summary" id="load-summary" aria-labelledby="found-title">
                    <h2 id="found-title">"What the bundle holds"</h2>
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
                    <div class="scroll"><table class="counts">
                        <thead><tr><th scope="col">"table"</th><th scope="col">"file"</th><th scope="col">"rows"</th></tr></thead>
                        <tbody>
                            {s.tables
                                .iter()
                                .map(|(label, file, n)| {
                                    view! {
                                        <tr data-table=file.clone()>
                                            <td>{label.clone()}</td>
                                            <td>{file.clone()}</td>
                                            <td class="num">{*n}</td>
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

/// The input element behind an event.
fn event_target<T: JsCast>(ev: &web_sys::Event) -> T {
    ev.target()
        .expect("an event has a target")
        .unchecked_into::<T>()
}
