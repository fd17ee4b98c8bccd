//! Export (each file, the zip, the consolidated JSON, the readable report
//! and the workbook) and upload of the zip to a presigned PUT URL.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::explain::explain_http_failure;
use crate::protocol::{ExportOptions, ExportWhat};
use crate::share_link::share_note;
use engagement_engine::export::Format;
use engagement_engine::presigned::{redact_secrets, redact_url};

use super::browser;
use super::state::AppState;

/// The seven output files' names for a format.
pub fn file_names(format: Format) -> Vec<String> {
    engagement_engine::export::DATA_SETS
        .iter()
        .map(|n| engagement_engine::export::file_name(n, format))
        .collect()
}

/// Buttons for every output and the upload form.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(String::new());
    let save = move |what: ExportWhat| {
        status.set("preparing…".into());
        state.export(what, move |r| match r {
            Ok(f) => match browser::download(&f.name, &f.mime, &f.bytes) {
                Ok(()) => status.set(format!("saved {} ({} bytes)", f.name, f.bytes.length())),
                Err(e) => status.set(e),
            },
            Err(e) => status.set(e),
        });
    };
    let copy = move || {
        status.set("preparing…".into());
        state.export(ExportWhat::Consolidated, move |r| match r {
            Ok(f) => {
                let text = String::from_utf8_lossy(&f.bytes.to_vec()).into_owned();
                leptos::task::spawn_local(async move {
                    match browser::copy_text(&text).await {
                        Ok(()) => status.set(format!("copied the JSON ({} bytes)", text.len())),
                        Err(e) => status.set(e),
                    }
                });
            }
            Err(e) => status.set(e),
        });
    };
    let zip_name = move || {
        state
            .report
            .with(|r| r.as_ref().map(|r| r.zip_name.clone()).unwrap_or_default())
    };
    view! {
        <section class="export" id="export">
            <h3>"Download"</h3>
            <super::insights_option::IncludeInsights/>
            <super::pseudonyms_option::PseudonymsOption save=save/>
            <p>
                <button type="button" id="download-zip" on:click=move |_| save(ExportWhat::Zip)>
                    "Download " {zip_name}
                </button>
                " "
                <button type="button" id="download-json" on:click=move |_| save(ExportWhat::Consolidated)>
                    "Download consolidated JSON"
                </button>
                " "
                <button type="button" id="copy-json" on:click=move |_| copy()>"Copy JSON"</button>
                " "
                <button type="button" id="copy-link" on:click=move |_| copy_link(state, status)>
                    "Copy link to this report"
                </button>
            </p>
            <ReadableFiles save=save/>
            <ul class="files">
                {move || {
                    file_names(state.format.get())
                        .into_iter()
                        .map(|name| {
                            let n = name.clone();
                            let data = name.clone();
                            view! {
                                <li>
                                    <button type="button" class="download-file" data-file=data
                                        on:click=move |_| save(ExportWhat::File(n.clone()))>{name}</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="status" id="export-status" aria-live="polite">{move || redact_secrets(&status.get())}</p>
            <Upload/>
        </section>
    }
}

/// "Copy link": a share link gives its receiver the bundle's URL (a
/// presigned URL is a password to the data) for as long as it is valid,
/// and the page says so; a demo's link makes the demo again; dropped files
/// cannot travel in a link, so nothing is copied and the page says why.
fn copy_link(state: AppState, status: RwSignal<String>) {
    let (bundle, demo) = (state.bundle_url.get_untracked(), state.demo.get_untracked());
    let note = match (&bundle, demo) {
        (Some(url), _) => share_note(url, browser::now_secs()),
        (None, Some(_)) => "copied a link to this report: it makes the same demo data again".into(),
        (None, None) => {
            status.set(
                "No link was copied: this report comes from files loaded on this computer, and a link cannot carry them (it would open an empty page). Share the zip (Download) instead, or load the export from a link (from your administrator) and copy the link then."
                    .into(),
            );
            return;
        }
    };
    let url = untrack(|| browser::share_url(&state.link_pairs(true)));
    leptos::task::spawn_local(async move {
        match browser::copy_text(&url).await {
            Ok(()) => status.set(note),
            Err(e) => status.set(e),
        }
    });
}

/// The readable report and the workbook (SPEC §9, §9a): their buttons, and
/// whether the zip holds them and the CSV files a byte-order mark, bound to
/// [`AppState::export_options`](super::state::AppState::export_options).
#[component]
fn ReadableFiles(
    /// Saves an output file (with the export section's status line).
    save: impl Fn(ExportWhat) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let options = state.export_options;
    let html = engagement_engine::readable::html::FILE_NAME;
    let xlsx = engagement_engine::readable::xlsx::FILE_NAME;
    let tick = |id: &'static str,
                label: &'static str,
                get: fn(&ExportOptions) -> bool,
                set: fn(&mut ExportOptions, bool)| {
        view! {
            <label class="option">
                <input type="checkbox" id=id
                    prop:checked=move || options.with(get)
                    on:change=move |ev| options.update(|o| set(o, event_target_checked(&ev)))/>
                " " {label}
            </label>
        }
    };
    view! {
        <div class="readable" id="readable-files">
            <p>
                <button type="button" id="download-html" on:click=move |_| save(ExportWhat::File(html.into()))>
                    "Readable report"
                </button>
                " "
                <button type="button" id="download-xlsx" on:click=move |_| save(ExportWhat::File(xlsx.into()))>
                    "Excel workbook"
                </button>
            </p>
            <p class="hint">
                "The readable report (" {html} ") holds the charts, the headline figures and the first rows of each table; it opens in any browser, even offline, and prints well (Print → Save as PDF). The workbook (" {xlsx} ") opens in Excel, LibreOffice or Google Sheets: a Summary sheet, then one sheet per data set."
            </p>
            <fieldset class="options" id="readable-options">
                <legend>"Readable files and spreadsheets"</legend>
                {tick("opt-html", "report.html in the zip", |o| o.html, |o, v| o.html = v)}
                {tick("opt-xlsx", "report.xlsx in the zip", |o| o.xlsx, |o, v| o.xlsx = v)}
                {tick("opt-bom", "Byte-order mark on CSV files (for Excel)", |o| o.csv_bom, |o, v| o.csv_bom = v)}
                {tick("opt-people", "Include names (for staff only)", |o| o.html_people, |o, v| o.html_people = v)}
                <span class="hint">"Without names the readable report gives only how many people each list has, so it can go to a council or a board; with them it lists the first 20 people of each list, marked \u{201c}Contains personal data \u{2014} for staff only\u{201d}."</span>
            </fieldset>
        </div>
    }
}

/// Upload of the zip to a presigned PUT URL.
#[component]
fn Upload() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let progress = RwSignal::new(None::<(f64, f64)>);
    let upload = move || {
        let target = url.get_untracked().trim().to_string();
        if !(target.starts_with("https://") || target.starts_with("http://")) {
            status.set("paste an upload link that starts with https:// (from your administrator, or the CLI's `engagement-report presign`)".into());
            return;
        }
        status.set("preparing the zip…".into());
        state.export(ExportWhat::Zip, move |r| match r {
            Ok(f) => put(&target, f.name, f.bytes, status, progress),
            Err(e) => status.set(e),
        });
    };
    view! {
        <h3>"Upload the zip to S3"</h3>
        <form class="upload" on:submit=move |ev: web_sys::SubmitEvent| { ev.prevent_default(); upload(); }>
            <label for="upload-url">"Upload link (from your administrator, or the CLI's `engagement-report presign`) "</label>
            <input id="upload-url" type="url" autocomplete="off" placeholder="https://bucket.s3…/key.zip?X-Amz-…"
                prop:value=move || url.get()
                on:input=move |ev| url.set(event_target_value(&ev))/>
            <button type="submit" id="upload">"Upload"</button>
        </form>
        <Show when=move || progress.get().is_some()>
            <progress max=move || progress.get().map(|p| p.1).unwrap_or(1.0)
                value=move || progress.get().map(|p| p.0).unwrap_or(0.0)></progress>
        </Show>
        <p class="status" id="upload-status" role="status">{move || redact_secrets(&status.get())}</p>
    }
}

/// Sends `bytes` with an HTTP PUT (XMLHttpRequest, for upload progress).
fn put(
    url: &str,
    name: String,
    bytes: js_sys::Uint8Array,
    status: RwSignal<String>,
    progress: RwSignal<Option<(f64, f64)>>,
) {
    let shown = redact_url(url);
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        status.set("this browser cannot upload".into());
        return;
    };
    if xhr.open_with_async("PUT", url, true).is_err() {
        status.set(format!("{shown} is not a URL this browser can upload to"));
        return;
    }
    let _ = xhr.set_request_header("Content-Type", "application/zip");
    let total = f64::from(bytes.length());
    progress.set(Some((0.0, total)));
    if let Ok(up) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                progress.set(Some((ev.loaded(), total)))
            });
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let url_owned = url.to_string();
    let x = xhr.clone();
    let on_load = Closure::once_into_js(move || {
        progress.set(None);
        let code = x.status().unwrap_or(0);
        if (200..300).contains(&code) {
            status.set(format!(
                "uploaded {name} ({total} bytes) to {}",
                redact_url(&url_owned)
            ));
        } else {
            let body = x.response_text().ok().flatten().unwrap_or_default();
            let (msg, _) = explain_http_failure(
                code,
                &body,
                &url_owned,
                "Upload to",
                (js_sys::Date::now() / 1000.0) as i64,
            );
            status.set(msg);
        }
    });
    xhr.set_onload(Some(on_load.unchecked_ref()));
    let shown2 = shown.clone();
    let on_error = Closure::once_into_js(move || {
        progress.set(None);
        status.set(format!(
            "Upload to {shown2} failed before the server answered: the network is down, or the bucket's CORS rule does not allow PUT from {} (see the README's CORS rule)",
            browser::origin()
        ));
    });
    xhr.set_onerror(Some(on_error.unchecked_ref()));
    status.set(format!("uploading {} bytes to {shown}…", bytes.length()));
    if xhr.send_with_opt_buffer_source(Some(&bytes)).is_err() {
        status.set(format!("could not start the upload to {shown}"));
    }
}
