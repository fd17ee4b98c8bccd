//! Feeds the command line's inputs (files, folders, zips, http(s) URLs)
//! into an engine [`Bundle`], streaming each file in chunks.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use engagement_engine::load::{file_kind, Bundle, FileKind, LoadError};

use crate::s3;

/// Size of the chunks pushed into the loader.
const CHUNK: usize = 1 << 20;

/// Reports progress while inputs are read.
pub trait Progress {
    /// A new file starts; `size` is its length when known.
    fn start_file(&mut self, name: &str, size: Option<u64>);
    /// `bytes` more bytes of the current file were parsed.
    fn advance(&mut self, bytes: u64);
}

/// Progress that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn start_file(&mut self, _: &str, _: Option<u64>) {}
    fn advance(&mut self, _: u64) {}
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
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Io(m) => f.write_str(m),
            InputError::Fetch(e) => write!(f, "{e}"),
            InputError::Load(e) => write!(f, "{e}"),
        }
    }
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

/// Adds one input (file, folder, zip or URL) to the bundle.
pub fn add_input(
    bundle: &mut Bundle,
    input: &str,
    progress: &mut dyn Progress,
) -> Result<(), InputError> {
    if is_url(input) {
        return add_url(bundle, input, progress);
    }
    let path = Path::new(input);
    let meta = std::fs::metadata(path).map_err(|e| {
        InputError::Io(format!(
            "cannot read input {input}: {e}; give an existing file, folder, .zip or http(s) URL"
        ))
    })?;
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files)
            .map_err(|e| InputError::Io(format!("cannot list folder {input}: {e}")))?;
        for file in files {
            add_file(bundle, &file, progress)?;
        }
        Ok(())
    } else {
        add_file(bundle, path, progress)
    }
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

fn add_file(
    bundle: &mut Bundle,
    path: &Path,
    progress: &mut dyn Progress,
) -> Result<(), InputError> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| InputError::Io(format!("cannot read {name}: {e}"));
    match file_kind(&name) {
        FileKind::Unknown => {
            bundle.skip(&name);
            Ok(())
        }
        FileKind::Zip => {
            let bytes = std::fs::read(path).map_err(io_error)?;
            progress.start_file(&name, Some(bytes.len() as u64));
            bundle.add_zip(&name, &bytes)?;
            progress.advance(bytes.len() as u64);
            Ok(())
        }
        FileKind::Csv(_) | FileKind::Dump => {
            let file = File::open(path).map_err(io_error)?;
            let size = file.metadata().ok().map(|m| m.len());
            stream(bundle, &name, file, size, progress)
        }
    }
}

fn add_url(bundle: &mut Bundle, url: &str, progress: &mut dyn Progress) -> Result<(), InputError> {
    let (reader, size) = s3::open_url(url).map_err(InputError::Fetch)?;
    // Name the input by the last segment of its path, never by its query
    // (which holds the signature).
    let safe = s3::redact_url(url);
    let name = safe
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("download")
        .to_string();
    match file_kind(&name) {
        FileKind::Zip => {
            let mut bytes = Vec::new();
            let mut reader = reader;
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| InputError::Io(format!("download of {safe} broke off: {e}; try again")))?;
            progress.start_file(&name, Some(bytes.len() as u64));
            bundle.add_zip(&name, &bytes)?;
            Ok(())
        }
        FileKind::Unknown => Err(InputError::Io(format!(
            "{safe}: the URL's file name {name:?} is not an export table, a .json dump or a .zip; name the object after its contents"
        ))),
        FileKind::Csv(_) | FileKind::Dump => stream(bundle, &name, reader, size, progress),
    }
}

fn stream(
    bundle: &mut Bundle,
    name: &str,
    mut reader: impl Read,
    size: Option<u64>,
    progress: &mut dyn Progress,
) -> Result<(), InputError> {
    let mut loader = bundle.open(name).expect("a table or dump opens");
    progress.start_file(name, size);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(InputError::Io(format!("cannot read {name}: {e}"))),
        };
        loader.push(&buf[..n])?;
        progress.advance(n as u64);
    }
    bundle.close(loader)?;
    Ok(())
}
