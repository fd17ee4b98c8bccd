//! The Web Worker: owns the loaded [`Loaded`] data, reads files in chunks,
//! fetches URLs, generates demo bundles, computes reports and answers the
//! page's table queries and exports. See [`crate::protocol`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell as StdCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use engagement_engine::demo::{self, DemoConfig};
use engagement_engine::export::{self, Format};
use engagement_engine::load::{
    classify, file_kind, needs_sniffing, Bundle, FileKind, Limits, LoadError, LoadErrorKind,
    Loaded, SNIFF_BYTES,
};
use engagement_engine::metrics;
use engagement_engine::period::Period;
use engagement_engine::timestamp::Timestamp;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::core::{load_summary, summarize, TableStore};
use crate::protocol::{
    expired_link_message, explain_http_failure, out_of_memory_message, redact_url, url_file_name,
    ExportWhat, OutFormat, PeriodChoice, Progress, Reply, Request, Source,
};

/// Bytes read from a file per step; progress is reported after each.
const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

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

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn now() -> Timestamp {
    Timestamp((js_sys::Date::now() * 1000.0) as i64)
}

fn post(reply: &Reply) {
    post_with_bytes(reply, None);
}

fn post_with_bytes(reply: &Reply, bytes: Option<Uint8Array>) {
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

/// The size of this worker's WebAssembly memory. It grows as the engine
/// needs and never shrinks, so it is also the peak so far; a browser gives
/// wasm32 at most 4 GiB.
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65_536
}

/// The worker binary's global allocator: the system allocator, remembering
/// the size of the last request it could not serve. Rust aborts (a wasm
/// trap) when an allocation fails, with no hook on stable, so this is how
/// the worker can still tell the page that the browser's memory ran out
/// rather than just that it stopped.
pub struct RecordingAllocator;

/// The size of the last allocation that failed, or 0.
static FAILED_REQUEST: AtomicUsize = AtomicUsize::new(0);
/// Whether a crash was already reported to the page (by the panic hook).
static CRASH_REPORTED: AtomicBool = AtomicBool::new(false);

/// `p`, remembering `size` as the failed request when `p` is null.
fn noted(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        FAILED_REQUEST.store(size, Ordering::Relaxed);
    }
    p
}

// SAFETY: every call is forwarded unchanged to `System`; the wrapper only
// records the size of a failed request.
unsafe impl GlobalAlloc for RecordingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Tells the page why the engine is about to stop, once.
fn report_crash(message: String) {
    if !CRASH_REPORTED.swap(true, Ordering::Relaxed) {
        post(&Reply::Crashed { message });
    }
}

/// Reports panics and failed allocations to the page before the wasm
/// instance stops, so its message says what happened.
fn install_crash_reports() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        report_crash(format!(
            "the engine hit an internal error ({info}); load the bundle again"
        ));
    }));
    // A failed allocation aborts without a panic: the trap surfaces as an
    // uncaught error (or a rejected promise inside an async task).
    let on_trap = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        let requested = FAILED_REQUEST.load(Ordering::Relaxed);
        if requested > 0 {
            report_crash(out_of_memory_message(requested as u64, memory_bytes()));
        }
        if CRASH_REPORTED.load(Ordering::Relaxed) {
            // The page has the real reason; keep the generic error away.
            ev.prevent_default();
        }
    });
    let scope = scope();
    for kind in ["error", "unhandledrejection"] {
        let _ = scope.add_event_listener_with_callback(kind, on_trap.as_ref().unchecked_ref());
    }
    on_trap.forget();
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
                let result = load(&source, files, skip_bad_rows, &cancel).await;
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

enum Failure {
    Cancelled,
    /// Message, and whether a presigned link has expired.
    Message(String, bool),
    /// Malformed rows: the message and how many rows the user may choose
    /// to leave out.
    BadRows(String, u64),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        // The engine's message names no option; the page says what the
        // page can do.
        let hint = match &e.kind {
            LoadErrorKind::MalformedRows(m) => return Failure::BadRows(e.to_string(), m.total),
            LoadErrorKind::FieldTooLong { .. }
            | LoadErrorKind::RowTooLong { .. }
            | LoadErrorKind::TooDeep { .. }
            | LoadErrorKind::UnzippedTooLarge { .. } => {
                "; the page keeps these limits to protect this tab's memory: if the data is really that large, use the engagement-report command-line tool, whose --max-… options raise them"
            }
            _ => "",
        };
        Failure::Message(format!("{e}{hint}"), false)
    }
}

fn js_error(context: &str, e: JsValue) -> Failure {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    Failure::Message(format!("{context}: {text}"), false)
}

/// Lets queued messages (Cancel, page queries) run between steps.
async fn yield_now() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(p).await;
}

/// Reports progress and rows per table.
struct Tracker<'a> {
    progress: Progress,
    rows: BTreeMap<String, u64>,
    cancel: &'a StdCell<bool>,
    last_post: f64,
}

impl Tracker<'_> {
    fn label(name: &str) -> String {
        match file_kind(name) {
            FileKind::Csv(t) => t.label().to_string(),
            FileKind::Dump => "dump objects".to_string(),
            _ => "other".to_string(),
        }
    }

    fn report(&mut self, current: Option<(&str, u64)>, force: bool) {
        let t = now_ms();
        if !force && t - self.last_post < 100.0 {
            return;
        }
        self.last_post = t;
        let mut rows = self.rows.clone();
        if let Some((name, n)) = current {
            *rows.entry(Self::label(name)).or_default() += n;
        }
        self.progress.rows = rows.into_iter().collect();
        self.progress.memory_bytes = memory_bytes();
        post(&Reply::Progress(self.progress.clone()));
    }

    fn check(&self) -> Result<(), Failure> {
        if self.cancel.get() {
            Err(Failure::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Pushes `bytes` into the bundle as file `name`, in chunks.
    async fn push_all(
        &mut self,
        bundle: &mut Bundle,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), Failure> {
        self.progress.file = name.to_string();
        match classify(name, Some(bytes)) {
            FileKind::Zip => {
                bundle.add_zip(name, bytes)?;
                self.progress.bytes_done += bytes.len() as u64;
            }
            kind => match bundle.open_as(name, kind) {
                Some(mut file) => {
                    file.expect_bytes(bytes.len() as u64);
                    for chunk in bytes.chunks(CHUNK as usize) {
                        file.push(chunk)?;
                        self.progress.bytes_done += chunk.len() as u64;
                        self.report(Some((name, file.rows_read())), false);
                        yield_now().await;
                        self.check()?;
                    }
                    let n = file.rows_read();
                    bundle.close(file)?;
                    *self.rows.entry(Self::label(name)).or_default() += n;
                }
                None => self.progress.bytes_done += bytes.len() as u64,
            },
        }
        self.report(None, true);
        Ok(())
    }
}

async fn load(
    source: &Source,
    files: Array,
    skip_bad_rows: bool,
    cancel: &StdCell<bool>,
) -> Result<(Loaded, String), Failure> {
    let mut bundle = Bundle::new(Limits::default()).skip_bad_rows(skip_bad_rows);
    let mut t = Tracker {
        progress: Progress::default(),
        rows: BTreeMap::new(),
        cancel,
        last_post: 0.0,
    };
    let label = match source {
        Source::Demo(size) => {
            t.progress.phase = "generating".into();
            let cfg = DemoConfig::new(size.users());
            for name in demo::CSV_TABLES {
                t.progress.file = name.to_string();
                t.report(None, true);
                yield_now().await;
                t.check()?;
                let mut bytes = Vec::new();
                demo::write_csv_table(&cfg, name, &mut bytes)
                    .map_err(|e| Failure::Message(format!("demo data: {e}"), false))?;
                t.push_all(&mut bundle, name, &bytes).await?;
            }
            format!("demo data ({}, {} users)", size.as_str(), size.users())
        }
        Source::Files => {
            t.progress.phase = "reading".into();
            let files: Vec<web_sys::File> =
                files.iter().filter_map(|f| f.dyn_into().ok()).collect();
            t.progress.bytes_total = Some(files.iter().map(|f| f.size() as u64).sum());
            for f in &files {
                read_file(&mut t, &mut bundle, f).await?;
            }
            format!("{} file(s)", files.len())
        }
        Source::Url(url) => {
            t.progress.phase = "fetching".into();
            fetch_url(&mut t, &mut bundle, url).await?;
            redact_url(url)
        }
    };
    t.check()?;
    t.progress.phase = "resolving".into();
    t.report(None, true);
    yield_now().await;
    let loaded = bundle.finish()?;
    Ok((loaded, label))
}

fn file_name(f: &web_sys::File) -> String {
    let rel = Reflect::get(f, &"webkitRelativePath".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if rel.is_empty() {
        f.name()
    } else {
        rel
    }
}

async fn read_slice(f: &web_sys::Blob, start: f64, end: f64) -> Result<Vec<u8>, Failure> {
    let name = "reading a file";
    let blob = f
        .slice_with_f64_and_f64(start, end)
        .map_err(|e| js_error(name, e))?;
    let buf = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| js_error(name, e))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

async fn read_file(
    t: &mut Tracker<'_>,
    bundle: &mut Bundle,
    f: &web_sys::File,
) -> Result<(), Failure> {
    let name = file_name(f);
    let size = f.size();
    t.progress.file = name.clone();
    let head = if needs_sniffing(&name) {
        Some(read_slice(f, 0.0, size.min(SNIFF_BYTES as f64)).await?)
    } else {
        None
    };
    let kind = classify(&name, head.as_deref());
    if kind == FileKind::Zip {
        let bytes = read_slice(f, 0.0, size).await.map_err(|e| match e {
            Failure::Message(m, x) => Failure::Message(format!("{name}: {m}"), x),
            c => c,
        })?;
        t.check()?;
        return t.push_all(bundle, &name, &bytes).await;
    }
    let Some(mut file) = bundle.open_as(&name, kind) else {
        t.progress.bytes_done += size as u64;
        return Ok(());
    };
    file.expect_bytes(size as u64);
    let mut off = 0.0;
    while off < size {
        let end = (off + CHUNK).min(size);
        let chunk = read_slice(f, off, end).await?;
        file.push(&chunk)?;
        t.progress.bytes_done += chunk.len() as u64;
        off = end;
        t.report(Some((&name, file.rows_read())), false);
        t.check()?;
    }
    let n = file.rows_read();
    bundle.close(file)?;
    *t.rows.entry(Tracker::label(&name)).or_default() += n;
    t.report(None, true);
    Ok(())
}

async fn fetch_url(t: &mut Tracker<'_>, bundle: &mut Bundle, url: &str) -> Result<(), Failure> {
    let shown = redact_url(url);
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Failure::Message(
            format!("{shown} is not an http(s) URL; paste a link that starts with https://"),
            false,
        ));
    }
    // An expired presigned link is known from its own query string: say so
    // without asking the server.
    if let Some(message) = expired_link_message(url, (js_sys::Date::now() / 1000.0) as i64) {
        return Err(Failure::Message(message, true));
    }
    t.progress.file = shown.clone();
    t.report(None, true);
    let resp = JsFuture::from(scope().fetch_with_str(url)).await.map_err(|_| {
        Failure::Message(
            format!(
                "could not fetch {shown}: the network failed, or the server's CORS rule does not allow GET from this page's origin"
            ),
            false,
        )
    })?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        let body = match resp.text() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let (message, expired) = explain_http_failure(
            resp.status(),
            &body,
            url,
            "Fetching",
            (js_sys::Date::now() / 1000.0) as i64,
        );
        return Err(Failure::Message(message, expired));
    }
    t.progress.bytes_total = resp
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    let Some(body) = resp.body() else {
        return Ok(());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_error(&format!("reading {shown}"), e))?;
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(v) = Reflect::get(&step, &"value".into()) {
            let arr: Uint8Array = v.unchecked_into();
            bytes.extend_from_slice(&arr.to_vec());
            t.progress.bytes_done = bytes.len() as u64;
            t.report(None, false);
        }
        if t.cancel.get() {
            let _ = reader.cancel();
            return Err(Failure::Cancelled);
        }
    }
    let name = url_file_name(url);
    t.progress.bytes_done = 0;
    t.progress.phase = "reading".into();
    t.push_all(bundle, &name, &bytes).await
}
