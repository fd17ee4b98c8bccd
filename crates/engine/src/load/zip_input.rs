//! Zips of export files (folders inside allowed), streamed entry by entry
//! into the bundle with a cap on the bytes that come out.

use std::io::{Cursor, Read};

use super::{file_kind, Bundle, FileKind, LoadError};

/// How deep zips inside zips are opened.
const MAX_NESTING: usize = 2;

pub(super) fn add_zip(bundle: &mut Bundle, name: &str, bytes: &[u8]) -> Result<(), LoadError> {
    add_zip_nested(bundle, name, bytes, 0)
}

fn add_zip_nested(
    bundle: &mut Bundle,
    name: &str,
    bytes: &[u8],
    nesting: usize,
) -> Result<(), LoadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        LoadError::new(
            name,
            None,
            format!("not a readable zip ({e}); the file may be truncated or not a zip: download or zip it again"),
        )
    })?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| entry_error(name, i, &e))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry
            .name()
            .map(|n| n.into_owned())
            .map_err(|e| entry_error(name, i, &e))?;
        let label = format!("{name}/{entry_name}");
        if entry.encrypted() {
            return Err(LoadError::new(
                &label,
                None,
                "the zip entry is encrypted; zip the exports without a password",
            ));
        }
        if entry.enclosed_name().is_none() {
            bundle.warnings.add(
                &label,
                "zip entry has an unsafe path (absolute or with `..`)",
                "skipped",
                None,
            );
            continue;
        }
        match file_kind(&entry_name) {
            FileKind::Unknown => bundle.skip(&label),
            FileKind::Zip if nesting >= MAX_NESTING => {
                bundle
                    .warnings
                    .add(&label, "zip nested too deeply", "skipped", None)
            }
            FileKind::Zip => {
                let mut inner = Vec::new();
                read_limited(bundle, &label, &mut entry, |chunk| {
                    inner.extend_from_slice(chunk);
                    Ok(())
                })?;
                add_zip_nested(bundle, &label, &inner, nesting + 1)?;
            }
            FileKind::Csv(_) | FileKind::Dump => {
                let mut file = bundle.open(&label).expect("a known kind opens");
                read_limited(bundle, &label, &mut entry, |chunk| file.push(chunk))?;
                bundle.close(file)?;
            }
        }
    }
    Ok(())
}

/// Streams an entry in chunks, counting unzipped bytes against the limit
/// (the real count, not the size the zip claims).
fn read_limited(
    bundle: &mut Bundle,
    label: &str,
    entry: &mut impl Read,
    mut sink: impl FnMut(&[u8]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = entry.read(&mut buf).map_err(|e| {
            LoadError::new(
                label,
                None,
                format!("the zip entry cannot be decompressed ({e}); the zip may be truncated or damaged"),
            )
        })?;
        if n == 0 {
            return Ok(());
        }
        bundle.unzipped += n as u64;
        if bundle.unzipped > bundle.limits.max_unzipped_bytes {
            return Err(LoadError::new(
                label,
                None,
                format!(
                    "the zip expands past {} bytes (the limit; raise it with --max-unzipped-bytes if the data is really that large)",
                    bundle.limits.max_unzipped_bytes
                ),
            ));
        }
        sink(&buf[..n])?;
    }
}

fn entry_error(name: &str, index: usize, e: &zip::result::ZipError) -> LoadError {
    let message = match e {
        zip::result::ZipError::UnsupportedArchive(what)
            if what.contains("ncrypt") || what.contains("assword") =>
        {
            "an entry is encrypted; zip the exports without a password".to_string()
        }
        other => {
            format!("entry {index} cannot be read ({other}); the zip may be truncated or damaged")
        }
    };
    LoadError::new(name, None, message)
}
