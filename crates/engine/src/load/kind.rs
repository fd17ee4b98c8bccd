//! What a file is, by its name and first bytes.

use super::catalogue::Table;

/// What a file name says the file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// One of the CSV tables.
    Csv(Table),
    /// A `dumpdata` JSON file.
    Dump,
    /// A zip of export files.
    Zip,
    /// Anything else: skipped with a notice.
    Unknown,
}

/// How many first bytes of a file [`classify`] looks at.
pub const SNIFF_BYTES: usize = 64;

/// Recognises a file by its name and, when the name is not one of the
/// bundle's, by its first bytes (`head`: at least [`SNIFF_BYTES`] of them
/// when the file is that long, `None` when they were not read): a zip is a
/// zip whatever its name (a download saved as `export`, a browser's
/// `archive (1)`). Every front end classifies its inputs here.
pub fn classify(name: &str, head: Option<&[u8]>) -> FileKind {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match (file_kind(name), head) {
        (FileKind::Unknown, Some(h)) if h.starts_with(b"PK\x03\x04") => FileKind::Zip,
        // A download without an extension (an S3 key such as `exports/latest`)
        // whose text opens a JSON array is a dump; a named file such as
        // `notes.txt` stays what its name says.
        (FileKind::Unknown, Some(h))
            if !base.contains('.')
                && h.strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(h)
                    .trim_ascii_start()
                    .starts_with(b"[") =>
        {
            FileKind::Dump
        }
        (kind, _) => kind,
    }
}

/// Whether [`classify`] needs the file's first bytes to decide.
pub fn needs_sniffing(name: &str) -> bool {
    file_kind(name) == FileKind::Unknown
}

/// Recognises a file by its name (the part after the last `/` or `\`).
pub fn file_kind(path: &str) -> FileKind {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if let Some(table) = Table::recognised().find(|t| t.file_name() == lower) {
        return FileKind::Csv(table);
    }
    if lower.ends_with(".json") {
        FileKind::Dump
    } else if lower.ends_with(".zip") {
        FileKind::Zip
    } else {
        FileKind::Unknown
    }
}
