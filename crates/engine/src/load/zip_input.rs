//! Zips of export files (folders inside allowed), streamed entry by entry
//! into the bundle with a cap on the bytes that come out.

use std::io::{Cursor, Read};

use super::bundle::Bundle;
use super::error::{LoadError, LoadErrorKind};
use super::kind::{file_kind, FileKind};

/// How deep zips inside zips are opened.
const MAX_NESTING: usize = 2;

/// The most a zip may say its entries expand to, as a multiple of its own
/// size. Deflate cannot expand a stream past about 1032 times its length,
/// and real exports compress 5 to 50 times; a zip that declares more is
/// damaged or built to exhaust memory (SPEC §2d).
pub const MAX_EXPANSION_RATIO: u64 = 1024;

impl Bundle {
    /// Adds every export file inside a zip (folders inside allowed).
    pub fn add_zip(&mut self, name: &str, bytes: &[u8]) -> Result<(), LoadError> {
        self.note_given(name);
        add_zip_nested(self, name, bytes, 0)
    }
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
            format!("not a readable zip ({e}); expected a zip of export files: the file may be truncated or not a zip, download or zip it again"),
        )
    })?;
    // What the entries this report reads say they expand to: refused up
    // front when past the limit, before anything is decompressed.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_data(i) {
            let reads = entry
                .name()
                .is_ok_and(|n| file_kind(&n) != FileKind::Unknown);
            if reads && !entry.is_dir() {
                declared = declared.saturating_add(entry.size());
            }
        }
    }
    let limit = bundle.limits.max_unzipped_bytes;
    if bundle.unzipped.saturating_add(declared) > limit {
        return Err(LoadError::of_kind(
            name,
            None,
            LoadErrorKind::UnzippedTooLarge { limit },
            format!(
                "the zip says its export files expand to {declared} bytes, past the limit of {limit} bytes{}; a zip bomb, or a bundle really that large",
                if bundle.unzipped > 0 {
                    format!(" ({} bytes already unzipped)", bundle.unzipped)
                } else {
                    String::new()
                }
            ),
        ));
    }
    // Entries that share bytes (one deflate stream under many names, the
    // overlapping zip bomb) or say they expand past what deflate can give
    // are refused before anything is decompressed: honest zips never do
    // either, and such a zip can declare gigabytes in kilobytes.
    let damaged = |what: String| {
        LoadError::new(
            name,
            None,
            format!("{what}; expected an undamaged zip: a damaged zip or a zip bomb, zip the exports again"),
        )
    };
    match archive.has_overlapping_entries() {
        Ok(false) => {}
        Ok(true) => {
            return Err(damaged(
                "the zip's entries overlap (several entries share the same bytes)".to_string(),
            ))
        }
        Err(e) => {
            return Err(damaged(format!(
                "the zip's entries cannot be located ({e})"
            )))
        }
    }
    let all_declared = (0..archive.len())
        .filter_map(|i| archive.by_index_data(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add);
    let ratio_limit = (bytes.len() as u64).saturating_mul(MAX_EXPANSION_RATIO);
    if all_declared > ratio_limit {
        return Err(damaged(format!(
            "the zip says its entries expand to {all_declared} bytes, more than {MAX_EXPANSION_RATIO} times its own {} bytes",
            bytes.len()
        )));
    }
    for i in 0..archive.len() {
        let (entry_name, size) = {
            let entry = archive
                .by_index_data(i)
                .map_err(|e| entry_error(name, i, &e))?;
            if entry.is_dir() {
                continue;
            }
            let entry_name = entry
                .name()
                .map(|n| n.into_owned())
                .map_err(|e| entry_error(name, i, &e))?;
            let label = format!("{name}/{entry_name}");
            if entry.enclosed_name().is_none() || unsafe_path(&entry_name) {
                bundle.warnings.add(
                    &label,
                    "zip entry has an unsafe path (absolute or with `..`)",
                    "skipped",
                    None,
                );
                continue;
            }
            let kind = file_kind(&entry_name);
            if kind == FileKind::Unknown {
                bundle.skip(&label);
                continue;
            }
            if entry.encrypted() {
                return Err(LoadError::new(
                    &label,
                    None,
                    "the zip entry is encrypted (password-protected); expected a zip without a password: zip the exports again without one",
                ));
            }
            (entry_name, entry.size())
        };
        let label = format!("{name}/{entry_name}");
        let mut entry = archive
            .by_index(i)
            .map_err(|e| entry_error(&label, i, &e))?;
        match file_kind(&entry_name) {
            FileKind::Unknown => {}
            FileKind::Zip if nesting >= MAX_NESTING => {
                bundle
                    .warnings
                    .add(&label, "zip nested too deeply", "skipped", None)
            }
            FileKind::Zip => {
                // Held in memory to be opened; never more than it declared,
                // which the limit above has checked.
                let mut inner = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 26));
                read_limited(bundle, &label, size, &mut entry, |chunk| {
                    inner.extend_from_slice(chunk);
                    Ok(())
                })?;
                add_zip_nested(bundle, &label, &inner, nesting + 1)?;
            }
            FileKind::Csv(_) | FileKind::Dump => {
                let mut file = bundle.open(&label).expect("a known kind opens");
                file.expect_bytes(size);
                read_limited(bundle, &label, size, &mut entry, |chunk| file.push(chunk))?;
                bundle.close(file)?;
            }
        }
    }
    Ok(())
}

/// Streams an entry in chunks, counting unzipped bytes against the limit
/// (the real count, not the size the zip claims) and refusing an entry that
/// expands past the size it `declared` (a zip bomb that lies about sizes).
fn read_limited(
    bundle: &mut Bundle,
    label: &str,
    declared: u64,
    entry: &mut impl Read,
    mut sink: impl FnMut(&[u8]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut read: u64 = 0;
    loop {
        let n = entry.read(&mut buf).map_err(|e| {
            let message = if e.to_string().contains("larger than its declared") {
                format!("the zip entry expands past the {declared} bytes the zip says it holds (a damaged zip or a zip bomb); expected an undamaged zip: zip the exports again")
            } else {
                format!("the zip entry cannot be decompressed ({e}); expected an undamaged zip: it may be truncated, download or zip it again")
            };
            LoadError::new(label, None, message)
        })?;
        if n == 0 {
            return Ok(());
        }
        read += n as u64;
        if read > declared {
            return Err(LoadError::new(
                label,
                None,
                format!(
                    "the zip entry expands past the {declared} bytes the zip says it holds; expected an undamaged zip: zip the exports again"
                ),
            ));
        }
        bundle.unzipped += n as u64;
        let limit = bundle.limits.max_unzipped_bytes;
        if bundle.unzipped > limit {
            return Err(LoadError::of_kind(
                label,
                None,
                LoadErrorKind::UnzippedTooLarge { limit },
                format!(
                    "the zip expands past {limit} bytes, the limit on what zips may expand to; a zip bomb, or a bundle really that large"
                ),
            ));
        }
        sink(&buf[..n])?;
    }
}

/// An entry name that would point outside a folder it were extracted to:
/// absolute (`/x`, `\\x`, `C:x`) or with a `..` component. Nothing is ever
/// extracted, but such a zip is not an honest export and is not read.
fn unsafe_path(name: &str) -> bool {
    let bytes = name.as_bytes();
    name.starts_with(['/', '\\'])
        || (bytes.len() > 1 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic())
        || name.split(['/', '\\']).any(|part| part == "..")
}

fn entry_error(name: &str, index: usize, e: &zip::result::ZipError) -> LoadError {
    let message = match e {
        zip::result::ZipError::UnsupportedArchive(what)
            if what.contains("ncrypt") || what.contains("assword") =>
        {
            "the zip entry is encrypted (password-protected); expected a zip without a password: zip the exports again without one".to_string()
        }
        other => {
            format!("entry {index} cannot be read ({other}); expected an undamaged zip: it may be truncated, download or zip it again")
        }
    };
    LoadError::new(name, None, message)
}

#[cfg(test)]
mod tests {
    use crate::export::{zip, OutputFile};
    use crate::load::{Bundle, Limits};

    fn one_zip() -> Vec<u8> {
        zip(&[OutputFile {
            name: "hub_church.csv".into(),
            bytes: b"id,name\n1,St. Mary\n".to_vec(),
        }])
    }

    /// The offset of the central directory and of its first record.
    fn central(z: &[u8]) -> usize {
        let eocd = z.len() - 22;
        u32::from_le_bytes(z[eocd + 16..eocd + 20].try_into().unwrap()) as usize
    }

    #[test]
    fn entries_sharing_bytes_are_refused_before_decompressing() {
        // A second central record for the same local header, under another
        // name: two entries, one stream (small, so only the overlap trips).
        let z = one_zip();
        let cd = central(&z);
        let eocd = z.len() - 22;
        let record = z[cd..eocd].to_vec();
        let mut second = record.clone();
        second[46..46 + 6].copy_from_slice(b"other/");
        let mut bomb = z[..eocd].to_vec();
        bomb.extend_from_slice(&second);
        let mut end = z[eocd..].to_vec();
        end[8..10].copy_from_slice(&2u16.to_le_bytes());
        end[10..12].copy_from_slice(&2u16.to_le_bytes());
        end[12..16].copy_from_slice(&(2 * record.len() as u32).to_le_bytes());
        bomb.extend_from_slice(&end);
        let mut b = Bundle::new(Limits::default());
        let err = b.add_zip("bundle.zip", &bomb).unwrap_err();
        assert!(
            err.to_string().contains("the zip's entries overlap"),
            "{err}"
        );
        assert_eq!(b.unzipped, 0, "nothing was decompressed");
        // The honest zip loads.
        Bundle::new(Limits::default())
            .add_zip("bundle.zip", &z)
            .unwrap();
    }

    #[test]
    fn entries_declaring_more_than_deflate_can_give_are_refused() {
        // Local and central headers say 10 MB for a zip of ~150 bytes,
        // under the default 8 GiB limit.
        let mut z = one_zip();
        let cd = central(&z);
        let size = 10_000_000u32.to_le_bytes();
        z[22..26].copy_from_slice(&size);
        z[cd + 24..cd + 28].copy_from_slice(&size);
        let mut b = Bundle::new(Limits::default());
        let err = b.add_zip("bundle.zip", &z).unwrap_err();
        assert!(
            err.to_string().contains(
                "the zip says its entries expand to 10000000 bytes, more than 1024 times its own"
            ),
            "{err}"
        );
        assert_eq!(b.unzipped, 0);
    }
}
