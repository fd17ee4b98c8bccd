//! The error of a load: a file the report cannot be computed from.

use super::location::Location;
use super::warning::Warning;
use std::fmt;

/// A file the report cannot be computed from, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file's name as given (inside a zip: `archive.zip/inner.csv`).
    pub file: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// What was found and what was expected.
    pub message: String,
    /// What kind of problem, for front ends that offer a way out (raise a
    /// limit, go on without malformed rows). The message never names a
    /// front end's option: each front end adds its own.
    pub kind: LoadErrorKind,
}

/// The kinds of [`LoadError`] a front end can do something about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// Rows (CSV) or objects (JSON) hold values that cannot be read (SPEC
    /// §2d "malformed data"). The error's `file` and `location` are those
    /// of the first such row of the bundle. Loading again with
    /// [`Bundle::skip_bad_rows`](crate::load::Bundle::skip_bad_rows) leaves out `total` rows and warns about
    /// each kind. Boxed to keep every `Result<_, LoadError>` small.
    MalformedRows(Box<MalformedRows>),
    /// One CSV field, or one dumped JSON object, is longer than
    /// [`Limits::max_field_bytes`](crate::load::Limits::max_field_bytes).
    FieldTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// One CSV row is longer than its limit, [`crate::csv_split::record_limit`]
    /// of [`Limits::max_field_bytes`](crate::load::Limits::max_field_bytes), without a line end.
    RowTooLong {
        /// The row limit in bytes.
        limit: usize,
    },
    /// JSON nested deeper than [`Limits::max_json_depth`](crate::load::Limits::max_json_depth).
    TooDeep {
        /// The limit in levels.
        limit: usize,
    },
    /// Zips expand past [`Limits::max_unzipped_bytes`](crate::load::Limits::max_unzipped_bytes).
    UnzippedTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// None of the nine tables of SPEC §2a is in the input (a picture, an
    /// unrelated CSV, an empty zip): there is nothing to report on. The
    /// error's `file` names what was given.
    NoTables,
    /// Anything else: the file cannot be read at all.
    Other,
}

/// The malformed rows of a bundle, as [`LoadErrorKind::MalformedRows`]
/// reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedRows {
    /// The column (CSV) or field (JSON) of the first malformed row that
    /// cannot be read; `None` when the row is cut off before any is known
    /// (a dump that ends inside an object).
    pub column: Option<String>,
    /// What was found there, e.g. `"bo"`.
    pub found: String,
    /// What the column holds, e.g. `a whole number`.
    pub expected: String,
    /// How many more rows of the same file have the same problem.
    pub more: u64,
    /// Every malformed row of the bundle, the first one included: what
    /// loading with [`Bundle::skip_bad_rows`](crate::load::Bundle::skip_bad_rows) leaves out.
    pub total: u64,
    /// Each kind of malformed row, as the counted warnings that loading
    /// with [`Bundle::skip_bad_rows`](crate::load::Bundle::skip_bad_rows) gives, in the order first seen.
    pub kinds: Vec<Warning>,
    /// Whether the error's row is the last one of a file cut off in the
    /// middle of it (SPEC §2d): the file is incomplete, not just wrong in
    /// one place, and the message says so.
    pub cut_off: bool,
}

impl LoadError {
    pub(crate) fn new(file: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        Self::of_kind(file, location, LoadErrorKind::Other, message)
    }

    pub(crate) fn of_kind(
        file: &str,
        location: Option<Location>,
        kind: LoadErrorKind,
        message: impl Into<String>,
    ) -> Self {
        LoadError {
            file: file.to_string(),
            location,
            message: message.into(),
            kind,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            // The message names the files itself.
            LoadErrorKind::NoTables => return write!(f, "{}", self.message),
            // "events_event.csv ends in the middle of line 7,093: …"
            LoadErrorKind::MalformedRows(m) if m.cut_off => {
                return write!(f, "{} {}", self.file, self.message)
            }
            _ => {}
        }
        match self.location {
            Some(loc) => write!(f, "{}, {loc}", self.file)?,
            None => write!(f, "{}", self.file)?,
        }
        if let LoadErrorKind::MalformedRows(m) = &self.kind {
            if let Some(column) = &m.column {
                let noun = match self.location {
                    Some(Location::Object(_)) => "field",
                    _ => "column",
                };
                write!(f, ", {noun} `{column}`")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}
