//! Reading a bundle into the engine: files in chunks (sniffed by the
//! engine's classification), an http(s) URL's download, or generated demo
//! data, with progress and cancellation.

use std::cell::Cell as StdCell;
use std::collections::BTreeMap;

use engagement_engine::demo::{self, DemoConfig};
use engagement_engine::load::{
    classify, file_kind, needs_sniffing, Bundle, FileKind, Limits, LoadError, LoadErrorKind,
    Loaded, SNIFF_BYTES,
};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::crash::memory_bytes;
use super::{now_ms, post, scope};
use crate::explain::{expired_link_message, explain_http_failure};
use crate::protocol::{Progress, Reply, Source};
use crate::stored_files::{self, loaded_name};
use crate::summary::{any_dump, loaded_files_text};
use engagement_engine::presigned::{redact_url, url_file_name};

/// Bytes read from a file per step; progress is reported after each (at
/// most every 100 ms). Larger slices mean fewer `Blob.slice` calls and
/// promise round trips (each slice costs about 1 ms of the worker's time
/// outside parsing); the buffer stays small next to the loaded data.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

/// Slices of a file being read by the browser at once (see [`read_file`]):
/// their `ArrayBuffer`s live outside wasm memory until parsed.
const READS_AHEAD: usize = 3;

pub(super) enum Failure {
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

/// What a load stores on this computer once it has loaded.
struct ToKeep {
    /// (loaded name, bytes).
    files: Vec<(String, web_sys::Blob)>,
    /// A download's URL (see [`stored_files::Manifest::from_url`]).
    from_url: Option<String>,
}

/// Reads a bundle; with `keep`, its files (or the downloaded bytes) are
/// then stored on this computer (see [`stored_files`]), once the bundle has
/// loaded: a bundle that fails is never kept in place of the last one.
pub(super) async fn load(
    source: &Source,
    files: Array,
    skip_bad_rows: bool,
    keep: bool,
    pseudonym_key: Option<String>,
    cancel: &StdCell<bool>,
) -> Result<(Loaded, String, bool), Failure> {
    let mut bundle = Bundle::new(Limits::default()).skip_bad_rows(skip_bad_rows);
    let mut t = Tracker {
        progress: Progress::default(),
        rows: BTreeMap::new(),
        cancel,
        last_post: 0.0,
    };
    let mut kept: Option<ToKeep> = None;
    // What was loaded, for "Loaded …", and whether it was a dump.
    let (label, from_dump) = match source {
        Source::Demo(size) => {
            t.progress.phase = "generating".into();
            let cfg = DemoConfig::new(size.users());
            for table in demo::tables() {
                let name = table.file_name();
                t.progress.file = name.to_string();
                t.report(None, true);
                yield_now().await;
                t.check()?;
                let mut bytes = Vec::new();
                demo::write_csv_table(&cfg, table, &mut bytes)
                    .map_err(|e| Failure::Message(format!("demo data: {e}"), false))?;
                t.push_all(&mut bundle, name, &bytes).await?;
            }
            (
                format!("demo data ({}, {} users)", size.as_str(), size.users()),
                false,
            )
        }
        Source::Files => {
            t.progress.phase = "reading".into();
            let files: Vec<web_sys::File> =
                files.iter().filter_map(|f| f.dyn_into().ok()).collect();
            t.progress.bytes_total = Some(files.iter().map(|f| f.size() as u64).sum());
            for f in &files {
                read_file(&mut t, &mut bundle, f).await?;
            }
            if keep {
                let named = files
                    .iter()
                    .map(|f| (loaded_name(f), f.clone().into()))
                    .collect();
                kept = Some(ToKeep {
                    files: named,
                    from_url: None,
                });
            }
            let names: Vec<String> = files.iter().map(loaded_name).collect();
            (loaded_files_text(&names), any_dump(&names))
        }
        Source::Url(url) => {
            t.progress.phase = "fetching".into();
            let bytes = fetch_url(&mut t, &mut bundle, url, keep).await?;
            if let Some(bytes) = bytes {
                kept = Some(ToKeep {
                    files: vec![(url_file_name(url), bytes)],
                    from_url: Some(redact_url(url)),
                });
            }
            (redact_url(url), any_dump(&[url_file_name(url)]))
        }
    };
    t.check()?;
    t.progress.phase = "resolving".into();
    t.report(None, true);
    yield_now().await;
    let loaded = bundle.finish()?;
    if let Some(ToKeep { files, from_url }) = kept {
        t.progress.phase = "storing on this computer".into();
        t.progress.file = String::new();
        t.report(None, true);
        if let Err(e) = stored_files::save(&files, from_url, skip_bad_rows, pseudonym_key).await {
            // The report does not need it: the page sees that this load was
            // not stored and says so; the cause goes to the console.
            web_sys::console::error_1(&format!("keeping the data failed: {e}").into());
        }
    }
    Ok((loaded, label, from_dump))
}

async fn read_slice(f: &web_sys::Blob, start: f64, end: f64) -> Result<Vec<u8>, Failure> {
    let buf = start_read(f, start, end)?
        .await
        .map_err(|e| js_error("reading a file", e))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Starts reading bytes `start..end` of `f`: the browser reads them on its
/// own threads while the worker parses the slice before (see
/// [`read_file`]); awaiting the future gives the `ArrayBuffer`.
fn start_read(f: &web_sys::Blob, start: f64, end: f64) -> Result<JsFuture, Failure> {
    let blob = f
        .slice_with_f64_and_f64(start, end)
        .map_err(|e| js_error("reading a file", e))?;
    Ok(JsFuture::from(blob.array_buffer()))
}

async fn read_file(
    t: &mut Tracker<'_>,
    bundle: &mut Bundle,
    f: &web_sys::File,
) -> Result<(), Failure> {
    let name = loaded_name(f);
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
    // Slices are read ahead while the one before is parsed: reading in
    // turn left the worker waiting for the browser about a third of the
    // time (M bundle, 2026-12-02 profile), and one slice ahead still a
    // quarter (the browser reads a file-backed Blob at about the speed the
    // worker parses it, so several reads in flight keep it busy).
    let mut reads = std::collections::VecDeque::new();
    let mut next = 0.0;
    // One buffer in wasm memory for every slice of the file.
    let mut bytes = Vec::new();
    loop {
        while reads.len() < READS_AHEAD && next < size {
            let end = (next + CHUNK).min(size);
            reads.push_back(start_read(f, next, end)?);
            next = end;
        }
        let Some(reading) = reads.pop_front() else {
            break;
        };
        let buf = reading.await.map_err(|e| js_error("reading a file", e))?;
        let arr = Uint8Array::new(&buf);
        bytes.resize(arr.length() as usize, 0);
        arr.copy_to(&mut bytes);
        file.push(&bytes)?;
        t.progress.bytes_done += bytes.len() as u64;
        t.report(Some((&name, file.rows_read())), false);
        t.check()?;
    }
    let n = file.rows_read();
    bundle.close(file)?;
    *t.rows.entry(Tracker::label(&name)).or_default() += n;
    t.report(None, true);
    Ok(())
}

/// Downloads `url` into the bundle; with `keep`, also returns the bytes as
/// a Blob (outside wasm memory) to store once the bundle has loaded.
async fn fetch_url(
    t: &mut Tracker<'_>,
    bundle: &mut Bundle,
    url: &str,
    keep: bool,
) -> Result<Option<web_sys::Blob>, Failure> {
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
    // SPEC §10: the bundle never goes into the browser's HTTP disk cache
    // (members' data, kept only when the user asks, in the kept folder),
    // and the request says nothing of the page that asked.
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    let resp = JsFuture::from(scope().fetch_with_str_and_init(url, &init)).await.map_err(|_| {
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
        return Ok(None);
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
    // A Blob the browser cannot make only means nothing is kept, which the
    // page notices and says; the load goes on.
    let kept = keep
        .then(|| {
            let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
            web_sys::Blob::new_with_u8_array_sequence(&parts).ok()
        })
        .flatten();
    let name = url_file_name(url);
    t.progress.bytes_done = 0;
    t.progress.phase = "reading".into();
    t.push_all(bundle, &name, &bytes).await?;
    Ok(kept)
}
