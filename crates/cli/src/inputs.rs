//! Feeds the command line's inputs (files, folders, zips, http(s) URLs)
//! into an engine [`Bundle`], streaming each file in chunks.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use engagement_engine::load::{
    classify, needs_sniffing, Bundle, FileKind, FileLoader, LoadError, LoadErrorKind, ReadError,
    SNIFF_BYTES,
};

use crate::s3;

/// Reports progress while inputs are read. Called from several threads.
pub trait Progress: Sync {
    /// `bytes` more bytes are expected.
    fn add_total(&self, bytes: u64);
    /// `bytes` more bytes were parsed.
    fn advance(&self, bytes: u64);
    /// `rows` rows of database table `table` were read so far; `done` once
    /// the table is complete. Database inputs have no byte total to show.
    fn table_rows(&self, table: &str, rows: u64, done: bool) {
        let _ = (table, rows, done);
    }
}

/// Progress that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn add_total(&self, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// A path that does not exist or cannot be read.
    Io(String),
    /// A URL that could not be fetched.
    Fetch(s3::S3Error),
    /// A file the engine refused.
    Load(LoadError),
    /// A database that could not be reached or read.
    Database(crate::database::DatabaseError),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Io(m) => f.write_str(m),
            InputError::Fetch(e) => write!(f, "{e}"),
            InputError::Load(e) => f.write_str(&with_cli_hint(e)),
            InputError::Database(e) => write!(f, "{e}"),
        }
    }
}

/// The engine's message for `e`, plus the command-line option that gets
/// past it: the engine names no option, since the page has none.
pub fn with_cli_hint(e: &LoadError) -> String {
    let hint = match &e.kind {
        LoadErrorKind::MalformedRows(_) => " using --skip-bad-rows",
        LoadErrorKind::FieldTooLong { .. } => {
            "; raise the limit with --max-field-bytes if the data is really that long"
        }
        LoadErrorKind::RowTooLong { .. } => {
            "; the row limit grows with --max-field-bytes if the data is really that long"
        }
        LoadErrorKind::TooDeep { .. } => {
            "; raise the limit with --max-json-depth if the data is really that deep"
        }
        LoadErrorKind::UnzippedTooLarge { .. } => {
            "; raise the limit with --max-unzipped-bytes if the data is really that large"
        }
        _ => "",
    };
    format!("{e}{hint}")
}

impl From<LoadError> for InputError {
    fn from(e: LoadError) -> Self {
        InputError::Load(e)
    }
}

/// Whether an input names an http(s) URL rather than a path.
pub fn is_url(input: &str) -> bool {
    let lower = input.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Adds every input (files, folders, zips, URLs) to the bundle.
///
/// Plain files on disk are parsed in parallel, one file per thread (each
/// [`engagement_engine::load::FileLoader`] is independent), then added to
/// the bundle in input order so the result never depends on timing.
pub fn add_inputs(
    bundle: &mut Bundle,
    inputs: &[String],
    threads: usize,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    let mut local = Vec::new();
    for input in inputs {
        if is_url(input) {
            add_url(bundle, input, progress)?;
            continue;
        }
        let path = Path::new(input);
        let meta = std::fs::metadata(path).map_err(|e| {
            InputError::Io(format!("cannot read input {input}: {e}; give an existing file, folder, .zip or http(s) URL"))
        })?;
        if meta.is_dir() {
            walk(path, &mut local)
                .map_err(|e| InputError::Io(format!("cannot list folder {input}: {e}")))?;
        } else {
            local.push(path.to_path_buf());
        }
    }
    let mut tables = Vec::new();
    for path in local {
        let name = path.display().to_string();
        match kind_on_disk(&path, &name) {
            FileKind::Unknown => bundle.skip(&name),
            FileKind::Zip => {
                let bytes = std::fs::read(&path)
                    .map_err(|e| InputError::Io(format!("cannot read {name}: {e}")))?;
                progress.add_total(bytes.len() as u64);
                bundle.add_zip(&name, &bytes)?;
                progress.advance(bytes.len() as u64);
            }
            kind @ (FileKind::Csv(_) | FileKind::Dump) => {
                let loader = bundle.open_as(&name, kind).expect("a table or dump opens");
                tables.push((path, loader));
            }
        }
    }
    // Size the progress bar once, so its total does not grow while reading.
    progress.add_total(
        tables
            .iter()
            .filter_map(|(p, _)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum(),
    );
    for loader in parse_in_parallel(tables, threads, progress) {
        bundle.close(loader?)?;
    }
    Ok(())
}

/// Streams each file into its loader, `threads` files at a time; results
/// come back in the order given.
fn parse_in_parallel(
    tables: Vec<(PathBuf, FileLoader)>,
    threads: usize,
    progress: &dyn Progress,
) -> Vec<Result<FileLoader, InputError>> {
    let jobs: Vec<Mutex<Option<(PathBuf, FileLoader)>>> =
        tables.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<Result<FileLoader, InputError>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let (path, mut loader) = job
                    .lock()
                    .expect("no panics while held")
                    .take()
                    .expect("taken once");
                let result = File::open(&path)
                    .map_err(|e| InputError::Io(format!("cannot read {}: {e}", path.display())))
                    .and_then(|file| {
                        if let Ok(meta) = file.metadata() {
                            loader.expect_bytes(meta.len());
                        }
                        stream(&mut loader, file, progress).map(|()| loader)
                    });
                *results[i].lock().expect("no panics while held") = Some(result);
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .expect("no panics while held")
                .expect("every job ran")
        })
        .collect()
}

/// Every file below `dir`, sorted so the order never depends on the file system.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn add_url(bundle: &mut Bundle, url: &str, progress: &dyn Progress) -> Result<(), InputError> {
    let (reader, size) = s3::open_url(url).map_err(InputError::Fetch)?;
    // Name the input by the last segment of its path, never by its query
    // (which holds the signature).
    let safe = s3::redact_url(url);
    let name = engagement_engine::presigned::url_file_name(url);
    match classify(&name, None) {
        // A zip is read whole; so is an object whose name says nothing,
        // to look at its first bytes.
        FileKind::Zip | FileKind::Unknown => {
            let mut bytes = Vec::new();
            let mut reader = reader;
            reader.read_to_end(&mut bytes).map_err(|e| {
                InputError::Io(format!("download of {safe} broke off: {e}; try again"))
            })?;
            if classify(&name, Some(&bytes)) != FileKind::Zip {
                return Err(InputError::Io(format!(
                    "{safe}: the URL's file name {name:?} is not an export table, a .json dump or a .zip, and its contents are not a zip; name the object after its contents"
                )));
            }
            progress.add_total(bytes.len() as u64);
            bundle.add_zip(&name, &bytes)?;
            progress.advance(bytes.len() as u64);
            Ok(())
        }
        FileKind::Csv(_) | FileKind::Dump => {
            let mut loader = bundle.open(&name).expect("a table or dump opens");
            if let Some(size) = size {
                loader.expect_bytes(size);
            }
            progress.add_total(size.unwrap_or(0));
            stream(&mut loader, reader, progress)?;
            bundle.close(loader)?;
            Ok(())
        }
    }
}

/// Streams `reader` into `loader` with the engine's read-and-push driver.
fn stream(
    loader: &mut FileLoader,
    reader: impl Read,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    loader
        .read_from(reader, |_, n| progress.advance(n))
        .map_err(|e| match e {
            ReadError::Load(e) => InputError::Load(e),
            ReadError::Io(e) => InputError::Io(format!("cannot read {}: {e}", loader.name())),
        })
}

/// The kind of a file on disk: by its name, and by its first bytes when
/// the name is not one of the bundle's (the engine's one classification).
fn kind_on_disk(path: &Path, name: &str) -> FileKind {
    if !needs_sniffing(name) {
        return classify(name, None);
    }
    let mut head = [0u8; SNIFF_BYTES];
    let read = File::open(path).and_then(|mut f| {
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..])? {
                0 => break,
                m => n += m,
            }
        }
        Ok(n)
    });
    // An unreadable file is reported when it is read as what it is; here
    // it stays unknown (skipped with a notice).
    classify(name, read.ok().map(|n| &head[..n]))
}
