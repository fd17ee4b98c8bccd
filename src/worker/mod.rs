//! The Web Worker: owns the loaded [`Loaded`] data, computes reports and
//! answers the page's table queries and exports (see [`crate::protocol`]).
//! Reading the inputs (files, URLs, demo data) is [`intake`]'s job; telling
//! the page why the engine stopped is [`crash`]'s.

mod crash;
mod intake;

use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

use engagement_engine::export::{self, Format};
use engagement_engine::load::Loaded;
use engagement_engine::metrics;
use engagement_engine::period::Period;
use engagement_engine::timestamp::Timestamp;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

pub use crash::RecordingAllocator;
use crash::{install_crash_reports, memory_bytes};
use intake::{load, Failure};

use crate::protocol::{ExportWhat, OutFormat, PeriodChoice, Reply, Request};
use crate::summary::{load_summary, summarize};
use crate::table_store::TableStore;

#[derive(Default)]
struct State {
    loaded: Option<Loaded>,
    period: Option<Period>,
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
                let result = load(&source, files, skip_bad_rows, keep, &cancel).await;
                if state.borrow().generation != generation {
                    return;
                }
                match result {
                    Ok((loaded, label)) => {
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
                        summary.millis = now_ms() - started;
                        summary.memory_bytes = memory_bytes();
                        state.borrow_mut().loaded = Some(loaded);
                        post(&Reply::Loaded(summary));
                        compute(&state, &period);
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
        Request::Compute { period } => compute(state, &period),
        Request::Page { id, view, query } => {
            let mut reply = state.borrow_mut().store.query(id, &query);
            reply.view = view;
            post(&Reply::Page(reply));
        }
        Request::Export { id, what, format } => match export_bytes(state, &what, format) {
            Ok((name, mime, bytes)) => {
                let arr = Uint8Array::new_with_length(bytes.len() as u32);
                arr.copy_from(&bytes);
                post_with_bytes(&Reply::Exported { id, name, mime }, Some(arr));
            }
            Err(message) => post(&Reply::ExportFailed { id, message }),
        },
    }
}

fn compute(state: &Shared, choice: &PeriodChoice) {
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
    // them at once would not fit.
    s.store = TableStore::default();
    let report = metrics::compute(&loaded.dataset, &period);
    let store = TableStore::from_report(&report);
    let mut summary = summarize(&report, &period, &store);
    summary.millis = now_ms() - started;
    drop(report);
    s.store = store;
    s.period = Some(period);
    drop(guard);
    summary.memory_bytes = memory_bytes();
    post(&Reply::Computed(Box::new(summary)));
}

fn export_bytes(
    state: &Shared,
    what: &ExportWhat,
    format: OutFormat,
) -> Result<(String, String, Vec<u8>), String> {
    let s = state.borrow();
    let (Some(loaded), Some(period)) = (s.loaded.as_ref(), s.period.as_ref()) else {
        return Err("compute a report first".into());
    };
    let report = metrics::compute(&loaded.dataset, period);
    let format = Format::from(format);
    match what {
        ExportWhat::Consolidated => Ok((
            format!("engagement_{}_to_{}.json", period.start(), period.end()),
            "application/json".into(),
            export::consolidated_json(&report),
        )),
        ExportWhat::Zip => Ok((
            export::zip_name(period),
            "application/zip".into(),
            export::zip(&export::files(&report, format)),
        )),
        ExportWhat::File(name) => export::files(&report, format)
            .into_iter()
            .find(|f| &f.name == name)
            .map(|f| {
                let mime = if f.name.ends_with(".csv") {
                    "text/csv"
                } else {
                    "application/json"
                };
                (f.name, mime.to_string(), f.bytes)
            })
            .ok_or_else(|| format!("no output file named {name:?} in this format")),
    }
}
