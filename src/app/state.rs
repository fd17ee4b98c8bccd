//! The page's state and its link to the worker.
//!
//! [`AppState`] is a bundle of signals given to components by context; the
//! worker handle lives in a thread-local [`StoredValue`] (it is not `Send`),
//! so the state itself is `Copy` and can be moved into any closure.

use std::collections::HashMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::protocol::{
    DemoSize, ExportOptions, ExportWhat, LoadSummary, PageReply, PeriodChoice, Preset, Progress,
    Reply, ReportSummary, Request, Segment, Source,
};

use super::browser;
use engagement_engine::export::Format;
use engagement_engine::pseudonym::Key;

/// An exported file from the worker.
pub struct Exported {
    /// File name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// The bytes.
    pub bytes: Uint8Array,
}

type ExportCallback = Box<dyn FnOnce(Result<Exported, String>)>;

struct Inner {
    worker: Option<Worker>,
    /// The last load's source and files, to load again without the
    /// malformed rows when the user asks.
    last_load: Option<(Source, Array)>,
    /// The last load's files were read back from this computer's storage
    /// (so they are not stored again: see `keep.rs`).
    from_storage: bool,
    ready: bool,
    queue: Vec<(String, Array)>,
    next_id: u64,
    exports: HashMap<u64, ExportCallback>,
    /// This load's random pseudonym key (SPEC §12), made when the load
    /// starts; stored only with kept data ("Keep this data on this
    /// computer"), and restored with it.
    load_key: Option<[u8; 32]>,
    /// Kept alive while the worker lives.
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// Every signal of the page.
#[derive(Clone, Copy)]
pub struct AppState {
    /// A load is running.
    pub busy: RwSignal<bool>,
    /// Progress of the running load.
    pub progress: RwSignal<Option<Progress>>,
    /// The last error (load, period, export), shown in an alert.
    pub error: RwSignal<Option<String>>,
    /// The last load failed because a presigned link expired.
    pub expired_link: RwSignal<bool>,
    /// The last load failed on this many malformed rows, which the user
    /// may choose to leave out.
    pub bad_rows: RwSignal<Option<u64>>,
    /// What the last successful load found.
    pub loaded: RwSignal<Option<LoadSummary>>,
    /// The current report's figures.
    pub report: RwSignal<Option<ReportSummary>>,
    /// The last page per table view.
    pub pages: RwSignal<HashMap<String, PageReply>>,
    /// Period start (`YYYY-MM-DD`, empty = default).
    pub start: RwSignal<String>,
    /// Period end.
    pub end: RwSignal<String>,
    /// Time zone.
    pub tz: RwSignal<String>,
    /// The output format the page shows: [`AppState::export_options`]'
    /// (set it there), apart so that a change of another option does not
    /// redraw what depends on the format.
    pub format: Memo<Format>,
    /// The output format and what the zip holds besides the data sets.
    pub export_options: RwSignal<ExportOptions>,
    /// "Replace names and e-mails with pseudonyms" (SPEC §12): the
    /// downloads, the zip, the upload and "Copy JSON" name nobody; the
    /// tables on screen keep the real names.
    pub pseudonymize: RwSignal<bool>,
    /// A pseudonym key the user pasted (64 hex digits), so that two
    /// reports share pseudonyms; empty = this load's random key (stored
    /// with the data when the user keeps it). The pasted key is never
    /// stored.
    pub pseudonym_key: RwSignal<String>,
    /// The users the report is about (exclude staff, one church).
    pub segment: RwSignal<Segment>,
    /// The open section.
    pub section: RwSignal<String>,
    /// The bundle's URL when it came from one.
    pub bundle_url: RwSignal<Option<String>>,
    /// The bundle the address named when the page opened (a share link):
    /// the address keeps naming it while it is the one shown, and never
    /// takes a URL typed into the Load field (the browser's history would
    /// keep that presigned URL).
    pub linked_bundle: RwSignal<Option<String>>,
    /// The demo size when the bundle is demo data.
    pub demo: RwSignal<Option<DemoSize>>,
    /// The user whose timeline and fasts are shown.
    pub selected_user: RwSignal<Option<i64>>,
    /// The username of the row that opened [`AppState::selected_user`], when
    /// it had one.
    pub selected_name: RwSignal<Option<String>>,
    /// The fast whose own view is shown under Fasts.
    pub selected_fast: RwSignal<Option<i64>>,
    /// A load just finished: its report, when it comes, is scrolled to.
    pub show_next_report: RwSignal<bool>,
    /// When the last load was requested (ms since the epoch).
    pub load_started: RwSignal<f64>,
    /// "Keep this data on this computer" is ticked: loads of files and
    /// URLs ask the worker to store them (see `keep.rs`).
    pub keep: RwSignal<bool>,
    /// Times the worker was restarted after a crash.
    restarts: RwSignal<u32>,
    worker: StoredValue<Inner, LocalStorage>,
}

impl AppState {
    /// Creates the state and starts the worker.
    pub fn new() -> AppState {
        let export_options = RwSignal::new(ExportOptions {
            format: browser::link_param("format")
                .and_then(|f| f.parse().ok())
                .unwrap_or_default(),
            ..ExportOptions::default()
        });
        let state = AppState {
            busy: RwSignal::new(false),
            progress: RwSignal::new(None),
            error: RwSignal::new(None),
            expired_link: RwSignal::new(false),
            bad_rows: RwSignal::new(None),
            loaded: RwSignal::new(None),
            report: RwSignal::new(None),
            pages: RwSignal::new(HashMap::new()),
            start: RwSignal::new(browser::link_param("start").unwrap_or_default()),
            end: RwSignal::new(browser::link_param("end").unwrap_or_default()),
            tz: RwSignal::new(browser::link_param("tz").unwrap_or_else(browser::browser_time_zone)),
            format: Memo::new(move |_| export_options.with(|o| o.format)),
            export_options,
            pseudonymize: RwSignal::new(false),
            pseudonym_key: RwSignal::new(String::new()),
            segment: RwSignal::new(Segment {
                exclude_staff: browser::link_param("staff").as_deref() == Some("exclude"),
                church_id: browser::link_param("church").and_then(|c| c.parse().ok()),
            }),
            section: RwSignal::new(
                browser::link_param("section").unwrap_or_else(|| "overview".into()),
            ),
            bundle_url: RwSignal::new(None),
            linked_bundle: RwSignal::new(browser::link_param("bundle")),
            demo: RwSignal::new(None),
            selected_user: RwSignal::new(None),
            selected_name: RwSignal::new(None),
            selected_fast: RwSignal::new(None),
            show_next_report: RwSignal::new(false),
            load_started: RwSignal::new(0.0),
            keep: RwSignal::new(false),
            restarts: RwSignal::new(0),
            worker: StoredValue::new_local(Inner {
                worker: None,
                last_load: None,
                from_storage: false,
                load_key: None,
                ready: false,
                queue: Vec::new(),
                next_id: 1,
                exports: HashMap::new(),
                _handlers: Vec::new(),
            }),
        };
        state.spawn_worker();
        state
    }

    fn spawn_worker(self) {
        let worker = match Worker::new("./worker_loader.js") {
            Ok(w) => w,
            Err(_) => {
                self.error.set(Some(
                    "this browser could not start the engine's worker".into(),
                ));
                return;
            }
        };
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            let ev: MessageEvent = ev.unchecked_into();
            self.on_message(ev.data());
        });
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            let detail = ev
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_default();
            self.engine_stopped(format!(
                "the engine stopped unexpectedly ({detail}); load the export files again"
            ));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.worker.update_value(|i| {
            i.worker = Some(worker);
            i.ready = false;
            i._handlers = vec![on_message, on_error];
        });
    }

    /// The worker died (or says it is about to): its data is gone, so the
    /// page forgets the report and starts a fresh worker.
    fn engine_stopped(self, message: String) {
        self.busy.set(false);
        self.progress.set(None);
        self.loaded.set(None);
        self.report.set(None);
        self.error.set(Some(message));
        self.worker.update_value(|i| {
            if let Some(w) = i.worker.take() {
                w.terminate();
            }
            i.ready = false;
        });
        // A worker that cannot start at all is not restarted forever.
        if self.restarts.get_untracked() < 3 {
            self.restarts.update(|n| *n += 1);
            self.spawn_worker();
        }
    }

    fn post_raw(&self, cmd: String, files: Array) {
        self.worker.update_value(|i| match (&i.worker, i.ready) {
            (Some(w), true) => {
                let msg = Object::new();
                let _ = Reflect::set(&msg, &"cmd".into(), &cmd.into());
                let _ = Reflect::set(&msg, &"files".into(), &files);
                let _ = w.post_message(&msg);
            }
            _ => i.queue.push((cmd, files)),
        });
    }

    /// Sends a command to the worker (queued until it is ready).
    pub fn send(&self, req: &Request) {
        self.send_with_files(req, Array::new());
    }

    /// Sends a command with `File` objects beside it.
    pub fn send_with_files(&self, req: &Request, files: Array) {
        let cmd = serde_json::to_string(req).expect("requests serialize");
        self.post_raw(cmd, files);
    }

    /// A fresh request id.
    pub fn next_id(&self) -> u64 {
        let mut id = 0;
        self.worker.update_value(|i| {
            id = i.next_id;
            i.next_id += 1;
        });
        id
    }

    /// The period currently chosen (the worker resolves it).
    pub fn period_choice(&self) -> PeriodChoice {
        PeriodChoice {
            start: Some(self.start.get_untracked()),
            end: Some(self.end.get_untracked()),
            zone: Some(self.tz.get_untracked()),
            preset: None,
        }
    }

    /// Loads a bundle and computes its report.
    pub fn load(&self, source: Source, files: Array) {
        self.worker.update_value(|i| i.from_storage = false);
        self.start_load(source, files, false);
    }

    /// Loads files read back from this computer's storage (never stored
    /// again), leaving malformed rows out when the stored load did.
    pub fn load_stored(&self, files: Array, skip_bad_rows: bool, pseudonym_key: Option<&str>) {
        self.worker.update_value(|i| i.from_storage = true);
        self.start_load(Source::Files, files, skip_bad_rows);
        // The kept data's pseudonym key, so that the restored report gives
        // the same pseudonyms as before (SPEC §12).
        if let Some(key) = pseudonym_key.and_then(|k| Key::from_hex(k).ok()) {
            self.worker
                .update_value(|i| i.load_key = Some(key.to_bytes()));
        }
    }

    /// The last load's source and files, and whether they came from this
    /// computer's storage.
    pub fn last_load(&self) -> Option<(Source, Array, bool)> {
        let mut last = None;
        self.worker.update_value(|i| {
            last = i
                .last_load
                .clone()
                .map(|(source, files)| (source, files, i.from_storage))
        });
        last
    }

    /// Loads the last bundle again, leaving its malformed rows out (each
    /// kind becomes a counted warning).
    pub fn load_without_bad_rows(&self) {
        let mut last = None;
        self.worker.update_value(|i| last = i.last_load.clone());
        if let Some((source, files)) = last {
            self.start_load(source, files, true);
        }
    }

    fn start_load(&self, source: Source, files: Array, skip_bad_rows: bool) {
        self.worker
            .update_value(|i| i.last_load = Some((source.clone(), files.clone())));
        self.busy.set(true);
        self.error.set(None);
        self.bad_rows.set(None);
        self.expired_link.set(false);
        self.progress.set(Some(Progress {
            phase: "starting".into(),
            ..Progress::default()
        }));
        self.load_started.set(browser::now_ms());
        // A new random pseudonym key for each load (SPEC §12): two loads'
        // pseudonyms cannot be linked. Stored only with kept data (below).
        let key = Key::random().ok().map(|k| k.to_bytes());
        self.worker.update_value(|i| i.load_key = key);
        match &source {
            Source::Url(u) => {
                self.bundle_url.set(Some(u.clone()));
                self.demo.set(None);
            }
            Source::Demo(d) => {
                self.demo.set(Some(*d));
                self.bundle_url.set(None);
            }
            Source::Files => {
                self.demo.set(None);
                self.bundle_url.set(None);
            }
        }
        let mut from_storage = false;
        self.worker.update_value(|i| from_storage = i.from_storage);
        let keep = self.keep.get_untracked() && !from_storage && !matches!(source, Source::Demo(_));
        // Stored with the kept data only (SPEC §12).
        let mut pseudonym_key = None;
        if keep {
            self.worker
                .update_value(|i| pseudonym_key = i.load_key.map(|k| Key::from_bytes(k).to_hex()));
        }
        let req = Request::Load {
            source,
            period: self.period_choice(),
            skip_bad_rows,
            keep,
            pseudonym_key,
            segment: self.segment.get_untracked(),
        };
        self.send_with_files(&req, files);
    }

    /// The page's state as link pairs (tracked): what the address holds,
    /// and with `share` what "Copy link" gives, the bundle's URL included
    /// (the address names it only when the page was opened with it).
    pub fn link_pairs(&self, share: bool) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let bundle = self.bundle_url.get();
        let in_address = bundle.is_some() && bundle == self.linked_bundle.get();
        if let Some(url) = bundle.filter(|_| share || in_address) {
            pairs.push(("bundle", url));
        } else if let Some(d) = self.demo.get() {
            pairs.push(("demo", d.as_str().to_string()));
        }
        if self.report.with(|r| r.is_some()) {
            pairs.push(("start", self.start.get()));
            pairs.push(("end", self.end.get()));
        }
        pairs.push(("tz", self.tz.get()));
        if self.format.get() == Format::Csv {
            pairs.push(("format", "csv".into()));
        }
        let segment = self.segment.get();
        if segment.exclude_staff {
            pairs.push(("staff", "exclude".into()));
        }
        if let Some(id) = segment.church_id {
            pairs.push(("church", id.to_string()));
        }
        pairs.push(("section", self.section.get()));
        pairs
    }

    /// Recomputes the report for the chosen period.
    pub fn recompute(&self) {
        self.compute(self.period_choice());
    }

    /// Recomputes the report for a preset in the chosen zone; the worker
    /// turns it into dates, which come back with the report.
    pub fn apply_preset(&self, preset: Preset) {
        self.compute(PeriodChoice {
            preset: Some(preset),
            ..self.period_choice()
        });
    }

    fn compute(&self, period: PeriodChoice) {
        if self.loaded.get_untracked().is_none() {
            return;
        }
        self.error.set(None);
        self.send(&Request::Compute {
            period,
            segment: self.segment.get_untracked(),
        });
    }

    /// The pseudonym key of the exports, when "Replace names and e-mails
    /// with pseudonyms" is ticked: the pasted one, else this load's random
    /// one. A pasted key that is not 64 hex digits is an error that does
    /// not quote it.
    pub fn export_pseudonym_key(&self) -> Result<Option<[u8; 32]>, String> {
        if !self.pseudonymize.get_untracked() {
            return Ok(None);
        }
        let pasted = self.pseudonym_key.get_untracked();
        if !pasted.trim().is_empty() {
            return Key::from_hex(&pasted)
                .map(|k| Some(k.to_bytes()))
                .map_err(|e| e.to_string());
        }
        let mut key = None;
        self.worker.update_value(|i| {
            if i.load_key.is_none() {
                i.load_key = Key::random().ok().map(|k| k.to_bytes());
            }
            key = i.load_key;
        });
        key.map(Some)
            .ok_or_else(|| "this browser cannot make a random pseudonym key; paste one".into())
    }

    /// This load's random pseudonym key as hex, to store with kept data.
    pub fn load_key_hex(&self) -> Option<String> {
        let mut key = None;
        self.worker
            .update_value(|i| key = i.load_key.map(|k| Key::from_bytes(k).to_hex()));
        key
    }

    /// Asks the worker for an output file.
    pub fn export(&self, what: ExportWhat, then: impl FnOnce(Result<Exported, String>) + 'static) {
        self.export_adjusted(what, |_| {}, then);
    }

    /// Asks the worker for an output file made with the chosen options as
    /// `adjust` changes them (e.g. the council's report.html, which never
    /// lists people whatever the box says).
    pub fn export_adjusted(
        &self,
        what: ExportWhat,
        adjust: impl FnOnce(&mut ExportOptions),
        then: impl FnOnce(Result<Exported, String>) + 'static,
    ) {
        let pseudonym_key = match self.export_pseudonym_key() {
            Ok(key) => key,
            Err(e) => return then(Err(e)),
        };
        let id = self.next_id();
        self.worker.update_value(|i| {
            i.exports.insert(id, Box::new(then));
        });
        let mut options = ExportOptions {
            pseudonym_key,
            ..self.export_options.get_untracked()
        };
        adjust(&mut options);
        self.send(&Request::Export { id, what, options });
    }

    fn on_message(&self, data: JsValue) {
        let text = Reflect::get(&data, &"msg".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let Ok(reply) = serde_json::from_str::<Reply>(&text) else {
            return;
        };
        match reply {
            Reply::Ready => {
                let mut queued = Vec::new();
                self.worker.update_value(|i| {
                    i.ready = true;
                    queued = std::mem::take(&mut i.queue);
                });
                for (cmd, files) in queued {
                    self.post_raw(cmd, files);
                }
            }
            Reply::Progress(p) => self.progress.set(Some(p)),
            Reply::Loaded(summary) => {
                if let Some(url) = self.bundle_url.get_untracked() {
                    browser::remember_bundle_origin(&url);
                }
                self.loaded.set(Some(summary));
                self.show_next_report.set(true);
                self.selected_user.set(None);
                self.selected_fast.set(None);
            }
            Reply::LoadFailed {
                message,
                expired_link,
                bad_rows,
            } => {
                self.busy.set(false);
                self.progress.set(None);
                self.expired_link.set(expired_link);
                self.bad_rows.set(bad_rows);
                self.error.set(Some(message));
            }
            Reply::Cancelled => {
                self.busy.set(false);
                self.progress.set(None);
                self.error.set(Some(
                    "loading was cancelled; the data loaded before is kept".into(),
                ));
            }
            Reply::Computed(summary) => {
                self.busy.set(false);
                self.progress.set(None);
                let (start, end, tz) = summary.range.clone();
                self.start.set(start);
                self.end.set(end);
                self.tz.set(tz);
                // The first report of a load is what the user came for:
                // the page moves to it (a recompute stays where it is).
                let first = self.report.with_untracked(|r| r.is_none())
                    || self.show_next_report.get_untracked();
                self.show_next_report.set(false);
                self.report.set(Some(*summary));
                if first {
                    request_animation_frame(|| {
                        if let Some(report) = document().get_element_by_id("report") {
                            report.scroll_into_view();
                        }
                    });
                }
            }
            Reply::Crashed { message } => self.engine_stopped(message),
            Reply::ComputeFailed { message } => {
                self.busy.set(false);
                self.progress.set(None);
                self.error.set(Some(message));
            }
            Reply::Page(page) => {
                self.pages.update(|p| {
                    let stale = p.get(&page.view).is_some_and(|old| old.id > page.id);
                    if !stale {
                        p.insert(page.view.clone(), page);
                    }
                });
            }
            Reply::Exported { id, name, mime } => {
                let bytes = Reflect::get(&data, &"bytes".into())
                    .ok()
                    .map(|b| b.unchecked_into::<Uint8Array>());
                if let (Some(cb), Some(bytes)) = (self.take_export(id), bytes) {
                    cb(Ok(Exported { name, mime, bytes }));
                }
            }
            Reply::ExportFailed { id, message } => {
                if let Some(cb) = self.take_export(id) {
                    cb(Err(message));
                }
            }
        }
    }

    fn take_export(&self, id: u64) -> Option<ExportCallback> {
        let mut cb = None;
        self.worker.update_value(|i| cb = i.exports.remove(&id));
        cb
    }

    /// Stops the running load.
    pub fn cancel(&self) {
        self.send(&Request::Cancel);
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}
