//! Feeds the command line's inputs (files, folders, zips, http(s) URLs)
//! into an engine [`Bundle`], streaming each file in chunks.

mod parallel;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use engagement_engine::load::{
    classify, fill, needs_sniffing, Bundle, FileKind, PieceSizes, SNIFF_BYTES,
};

use crate::s3;
use parallel::{parse_files, stream, DiskFile};

pub use crate::input_error::{with_cli_hint, InputError};
pub use crate::progress::{Progress, Silent};

/// Keys of a `key=value` connection string whose values are secrets
/// (libpq's and the usual spellings).
const SECRET_KEYS: [&str; 8] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "sslpassword",
    "secret",
    "token",
    "apikey",
];

/// An input as a message may show it, never with a password: a URL (or
/// `user:password@host…`) without its user info, query and fragment, as
/// [`s3::redact_url`] shows URLs; a `key=value` connection string
/// (`host=db user=r password=…`) with every secret value as `***`; any
/// other input as given.
pub fn shown_input(input: &str) -> String {
    let authority = input.split('/').next().unwrap_or("");
    if input.contains("://") || (authority.contains('@') && authority.contains(':')) {
        return s3::redact_url(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(eq) = rest.find('=') {
        let (before, after) = rest.split_at(eq);
        let key_start = before
            .trim_end()
            .rfind(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '?' | ','))
            .map_or(0, |i| i + 1);
        let key = before[key_start..].trim().to_ascii_lowercase();
        out.push_str(before);
        out.push('=');
        let value = &after[1..];
        if !SECRET_KEYS.contains(&key.as_str()) {
            rest = value;
            continue;
        }
        // libpq's value: spaces after `=`, then a quoted value ('…', with
        // \' and \\ escapes) or everything up to a space.
        let lead = value.len() - value.trim_start().len();
        out.push_str(&value[..lead]);
        let value = &value[lead..];
        let end = if let Some(quoted) = value.strip_prefix('\'') {
            let mut escaped = false;
            quoted
                .char_indices()
                .find(|&(_, c)| {
                    let close = c == '\'' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map_or(value.len(), |(i, _)| i + 2)
        } else {
            value
                .find(|c: char| c.is_whitespace() || matches!(c, ';' | '&'))
                .unwrap_or(value.len())
        };
        out.push_str("***");
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// Whether an input names an http(s) URL rather than a path.
pub fn is_url(input: &str) -> bool {
    let lower = input.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Adds every input (files, folders, zips, URLs) to the bundle.
///
/// Plain files on disk are parsed on `threads` threads (see `parallel::parse_files`)
/// and added to the bundle in input order, so the result never depends on
/// timing.
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
            InputError::Io(format!(
                "cannot read input {}: {e}; give an existing file, folder, .zip or http(s) URL",
                shown_input(input)
            ))
        })?;
        if meta.is_dir() {
            walk(path, &mut local)
                .map_err(|e| InputError::Io(format!("cannot list folder {input}: {e}")))?;
        } else {
            local.push(path.to_path_buf());
        }
    }
    let mut files = Vec::new();
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
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                files.push(DiskFile {
                    path,
                    loader,
                    size,
                    csv: matches!(kind, FileKind::Csv(_)),
                });
            }
        }
    }
    // Size the progress bar once, so its total does not grow while reading.
    progress.add_total(files.iter().map(|f| f.size).sum());
    parse_files(bundle, files, threads, PieceSizes::DEFAULT, progress).map(|_| ())
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

/// The kind of a file on disk: by its name, and by its first bytes when
/// the name is not one of the bundle's (the engine's one classification).
fn kind_on_disk(path: &Path, name: &str) -> FileKind {
    if !needs_sniffing(name) {
        return classify(name, None);
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let read = File::open(path).and_then(|mut f| fill(&mut f, &mut head, SNIFF_BYTES));
    // An unreadable file is reported when it is read as what it is; here
    // it stays unknown (skipped with a notice).
    classify(name, read.ok().map(|_| &head[..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn inputs_are_shown_without_their_secrets() {
        use super::shown_input;
        assert_eq!(
            shown_input("host=db port=5432 user=r password=Secr3t dbname=app"),
            "host=db port=5432 user=r password=*** dbname=app"
        );
        assert_eq!(
            shown_input("host=db password = 'a b\\' c' user=r"),
            "host=db password = *** user=r"
        );
        assert_eq!(
            shown_input("PASSWORD=x;Host=db;Pwd=y"),
            "PASSWORD=***;Host=db;Pwd=***"
        );
        assert_eq!(
            shown_input("mysql://r:Secr3t@db:3306/app?token=t"),
            "mysql://db:3306/app"
        );
        assert_eq!(shown_input("r:Secr3t@db/app"), "db/app");
        assert_eq!(
            shown_input("exports/auth_user.csv"),
            "exports/auth_user.csv"
        );
        assert_eq!(shown_input("a=b.csv"), "a=b.csv");
    }
}
