//! The Web Worker: owns the loaded [`Loaded`] data, computes reports and
//! answers the page's table queries and exports (see [`crate::protocol`]).
//! Reading the inputs (files, URLs, demo data) is [`intake`]'s job; telling
//! the page why the engine stopped is [`crash`]'s.

mod crash;
mod intake;

use std::borrow::Cow;
use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

use engagement_engine::load::Loaded;
use engagement_engine::output;
use engagement_engine::period::Period;
use engagement_engine::pipeline::{self, ParticipationCache, RunOptions};
use engagement_engine::pseudonym::{self, Key};
use engagement_engine::timestamp::Timestamp;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

pub use crash::RecordingAllocator;
use crash::{install_crash_reports, memory_bytes};
use intake::{load, Failure};

use crate::call_list::{self, CallList};
use crate::protocol::{ExportOptions, ExportWhat, PeriodChoice, Reply, Request, Segment};
use crate::summary::{load_summary, summarize, summarize_insights};
use crate::table_store::TableStore;

#[derive(Default)]
struct State {
    loaded: Option<Loaded>,
    period: Option<Period>,
    /// The segment of the last report.
    segment: Segment,
    /// Data set 5 of the loaded data narrowed to a segment: it does not
    /// depend on the period, so a period change does not compute it again.
    participation: ParticipationCache,
    store: TableStore,
    /// Number of the newest load; older loads stop at their next step.
    generation: u64,
    cancel: Rc<StdCell<bool>>,
}

type Shared = Rc<RefCell<State>>;

pub(super) fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub(super) fn now() -> Timestamp {
    Timestamp((js_sys::Date::now() * 1000.0) as i64)
}

pub(super) fn post(reply: &Reply) {
    post_with_bytes(reply, None);
}

pub(super) fn post_with_bytes(reply: &Reply, bytes: Option<Uint8Array>) {
    let msg = Object::new();
    let text = serde_json::to_string(reply).unwrap_or_default();
    let _ = Reflect::set(&msg, &"msg".into(), &text.into());
    let transfer = Array::new();
    if let Some(b) = bytes {
        transfer.push(&b.buffer());
        let _ = Reflect::set(&msg, &"bytes".into(), &b);
    }
    let _ = scope().post_message_with_transfer(&msg, &transfer);
}

/// Starts the worker: listens for commands and says it is ready.
pub fn start() {
    install_crash_reports();
    let state: Shared = Rc::new(RefCell::new(State::default()));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let cmd = Reflect::get(&data, &"cmd".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let files: Array = Reflect::get(&data, &"files".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .unwrap_or_default();
        match serde_json::from_str::<Request>(&cmd) {
            Ok(req) => handle(&state, req, files),
            Err(e) => web_sys::console::error_1(&format!("bad command: {e}").into()),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&Reply::Ready);
}

fn handle(state: &Shared, req: Request, files: Array) {
    match req {
        Request::Load {
            source,
            period,
            skip_bad_rows,
            keep,
            pseudonym_key,
            segment,
        } => {
            let cancel = Rc::new(StdCell::new(false));
            let generation = {
                let mut s = state.borrow_mut();
                s.cancel.set(true);
                s.cancel = cancel.clone();
                s.generation += 1;
                s.generation
            };
            let state = state.clone();
            spawn_local(async move {
                let started = now_ms();
                let result =
                    load(&source, files, skip_bad_rows, keep, pseudonym_key, &cancel).await;
                if state.borrow().generation != generation {
                    return;
                }
                match result {
                    Ok((loaded, label, from_dump)) => {
                        // The period's zone is checked before the summary
                        // shows dates in it: an unknown zone is an error.
                        let zone = match period.resolve(now(), loaded.dataset.time_extent()) {
                            Ok(p) => p.tz(),
                            Err(e) => {
                                post(&Reply::LoadFailed {
                                    message: e.to_string(),
                                    expired_link: false,
                                    bad_rows: None,
                                });
                                return;
                            }
                        };
                        let mut summary = load_summary(&loaded, &label, zone);
                        summary.from_dump = from_dump;
                        summary.millis = now_ms() - started;
                        summary.memory_bytes = memory_bytes();
                        {
                            // The last data's tables must not be reused.
                            let mut s = state.borrow_mut();
                            s.loaded = Some(loaded);
                            s.store = TableStore::default();
                            s.participation = None;
                        }
                        post(&Reply::Loaded(summary));
                        compute(&state, &period, segment);
                    }
                    Err(Failure::Cancelled) => post(&Reply::Cancelled),
                    Err(Failure::Message(message, expired_link)) => post(&Reply::LoadFailed {
                        message,
                        expired_link,
                        bad_rows: None,
                    }),
                    Err(Failure::BadRows(message, rows)) => post(&Reply::LoadFailed {
                        message,
                        expired_link: false,
                        bad_rows: Some(rows),
                    }),
                }
            });
        }
        Request::Cancel => state.borrow().cancel.set(true),
        Request::Compute { period, segment } => compute(state, &period, segment),
        Request::Page { id, view, query } => {
            let mut reply = state.borrow_mut().store.query(id, &query);
            reply.view = view;
            post(&Reply::Page(reply));
        }
        Request::Export {
            id,
            what:
                ExportWhat::CallList {
                    query,
                    status,
                    spreadsheet,
                },
            ..
        } => match call_list_bytes(state, &query, status.as_deref(), spreadsheet) {
            Ok((name, mime, bytes)) => {
                let arr = Uint8Array::new_with_length(bytes.len() as u32);
                arr.copy_from(&bytes);
                post_with_bytes(&Reply::Exported { id, name, mime }, Some(arr));
            }
            Err(message) => post(&Reply::ExportFailed { id, message }),
        },
        Request::Export { id, what, options } => match export_bytes(state, &what, options) {
            Ok((name, mime, bytes)) => {
                let arr = Uint8Array::new_with_length(bytes.len() as u32);
                arr.copy_from(&bytes);
                post_with_bytes(&Reply::Exported { id, name, mime }, Some(arr));
            }
            Err(message) => post(&Reply::ExportFailed { id, message }),
        },
    }
}

fn compute(state: &Shared, choice: &PeriodChoice, segment: Segment) {
    let started = now_ms();
    let mut guard = state.borrow_mut();
    // A plain `&mut` so the fields below can be borrowed apart.
    let s = &mut *guard;
    let Some(loaded) = s.loaded.as_ref() else {
        post(&Reply::ComputeFailed {
            message: "load a bundle first".into(),
        });
        return;
    };
    // The page keeps the default end inside the data (a bundle exported
    // months ago opens on its last 30 days).
    let period = match choice.resolve(now(), loaded.dataset.time_extent()) {
        Ok(p) => p,
        Err(e) => {
            post(&Reply::ComputeFailed {
                message: e.to_string(),
            });
            return;
        }
    };
    // The last report's tables go first: on a large bundle, two sets of
    // them at once would not fit. The one that does not depend on the
    // period is kept when the data and the segment are the same (a load
    // empties the store).
    let mut previous = std::mem::take(&mut s.store);
    let kept = if s.segment == segment {
        previous.take_period_free()
    } else {
        None
    };
    drop(previous);
    let options = RunOptions {
        insights: true,
        pseudonym_key: None,
        participation: Some(&mut s.participation),
        // Not the kept daily insights (`pipeline::DaysCache`): faster
        // natively, but in the page a "Whole data" change was no faster
        // with them and a quarter of such changes took twice as long
        // (BENCHMARKS.md, issue 23 round two).
        days: None,
    };
    let computed = pipeline::run(
        Cow::Borrowed(&loaded.dataset),
        &loaded.warnings,
        &period,
        segment,
        options,
        |run| {
            let report = &run.report;
            let insights = run.insights.as_ref().expect("asked for above");
            let mut store = TableStore::from_report_reusing(report, kept);
            store.add_insights(insights);
            let mut summary = summarize(report, &period, &store);
            summary.insights = summarize_insights(insights);
            summary.charts.extend(output::insight_charts(insights));
            // SPEC §11's charts, as in report.html, and the versions for the
            // App usage view.
            summary.charts.extend(output::fasts_app_charts(insights));
            summary
                .charts
                .push(engagement_engine::readable::charts::app_versions(
                    &insights.app_usage,
                ));
            summary.segment = run.segment.heading();
            summary.segment_notice = run.segment.notice();
            (store, summary)
        },
    );
    let (store, mut summary) = match computed {
        Ok(c) => c,
        Err(e) => {
            post(&Reply::ComputeFailed {
                message: e.to_string(),
            });
            return;
        }
    };
    summary.millis = now_ms() - started;
    s.store = store;
    s.period = Some(period);
    s.segment = segment;
    drop(guard);
    summary.memory_bytes = memory_bytes();
    post(&Reply::Computed(Box::new(summary)));
}

fn export_bytes(
    state: &Shared,
    what: &ExportWhat,
    options: ExportOptions,
) -> Result<(String, String, Vec<u8>), String> {
    let s = state.borrow();
    let (Some(loaded), Some(period)) = (s.loaded.as_ref(), s.period.as_ref()) else {
        return Err("compute a report first".into());
    };
    let key = options.pseudonym_key.map(Key::from_bytes);
    let run_options = RunOptions {
        // Any one file can be saved, whatever goes into the zip.
        insights: options.insights || matches!(what, ExportWhat::File(_)),
        pseudonym_key: key.as_ref(),
        participation: None,
        days: None,
    };
    let files = options.into();
    pipeline::run(
        Cow::Borrowed(&loaded.dataset),
        &loaded.warnings,
        period,
        s.segment,
        run_options,
        |run| match what {
            ExportWhat::Pseudonyms => match run.pseudonyms_csv(options.csv_bom) {
                Some(bytes) => Ok((pseudonym::FILE_NAME.into(), "text/csv".into(), bytes)),
                None => Err(
                    "tick \u{201c}Replace names and e-mails with pseudonyms\u{201d} first".into(),
                ),
            },
            ExportWhat::Consolidated => {
                let mut bytes = Vec::new();
                run.write_consolidated_json(&mut bytes)
                    .map_err(|e| e.to_string())?;
                Ok((
                    format!("engagement_{}_to_{}.json", period.start(), period.end()),
                    "application/json".into(),
                    bytes,
                ))
            }
            ExportWhat::Zip => Ok((
                run.zip_name(),
                "application/zip".into(),
                run.zip(files).map_err(|e| e.to_string())?,
            )),
            ExportWhat::File(name) => match run.file(name, files) {
                Some(file) => {
                    let file = file.map_err(|e| e.to_string())?;
                    Ok((
                        file.name.clone(),
                        mime_of(&file.name).to_string(),
                        file.bytes,
                    ))
                }
                None => Err(format!("no output file named {name:?} in this format")),
            },
            // Answered from the table store by `call_list_bytes`.
            ExportWhat::CallList { .. } => Err("a call list is not a report file".into()),
        },
    )
    .map_err(|e| e.to_string())?
}

/// The People view's call list of the rows `query` matches.
fn call_list_bytes(
    state: &Shared,
    query: &crate::protocol::PageQuery,
    status: Option<&str>,
    spreadsheet: bool,
) -> Result<(String, String, Vec<u8>), String> {
    let mut s = state.borrow_mut();
    let Some(period) = s.period.clone() else {
        return Err("compute a report first".into());
    };
    let (columns, rows) = s
        .store
        .matching_rows(query)
        .ok_or("the report has no list of people")?;
    let list = CallList::new(&columns, &rows, &period);
    let stem = call_list::file_stem(status);
    if spreadsheet {
        let name = format!("{stem}.xlsx");
        let mime = mime_of(&name).to_string();
        Ok((name, mime, list.xlsx()?))
    } else {
        Ok((format!("{stem}.csv"), "text/csv".into(), list.csv()))
    }
}

/// The MIME type of an output file, by its extension.
fn mime_of(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("csv") => "text/csv",
        Some("md") => "text/markdown",
        Some("html") => "text/html",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/json",
    }
}
