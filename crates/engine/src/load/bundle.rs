//! A bundle of files, and what loading it gives.

use super::bad_rows::BadRows;
use super::catalogue::{Table, TableCounts};
use super::error::{LoadError, LoadErrorKind};
use super::kind::{file_kind, FileKind};
use super::limits::Limits;
use super::loader::FileLoader;
use super::location::{cut_off_place, Location};
use super::raw::RawTables;
use super::resolve;
use super::warning::{Warning, Warnings};
use crate::model::Dataset;

/// A loaded bundle: the data, ready for any period, and what loading found.
#[derive(Debug)]
pub struct Loaded {
    /// The resolved data.
    pub dataset: Dataset,
    /// Rows per table.
    pub counts: TableCounts,
    /// Every counted problem and skipped file.
    pub warnings: Vec<Warning>,
    /// Malformed rows left out (see [`Bundle::skip_bad_rows`]).
    rows_left_out: u64,
    /// Files cut off in the middle of a row, and where.
    incomplete: Vec<(String, Location)>,
    /// Dumped objects of models the report does not read, by model.
    other_models: Vec<(String, u64)>,
}

impl Loaded {
    /// How many malformed rows (CSV) and objects (JSON) were left out, all
    /// kinds together: 0 unless [`Bundle::skip_bad_rows`] was asked for
    /// (otherwise they are an error). Each kind is also a counted warning.
    pub fn rows_left_out(&self) -> u64 {
        self.rows_left_out
    }

    /// The models of a dump that the report does not read, with how many
    /// objects of each it held, by model name (empty without dumps): a
    /// whole-database dump holds many (`admin.logentry`, `auth.permission`,
    /// …), all left aside on purpose.
    pub fn other_models(&self) -> &[(String, u64)] {
        &self.other_models
    }

    /// The tables of SPEC §2a the bundle lacks (no file, no dumped object
    /// of the model), in SPEC order; each is also a warning.
    pub fn missing_tables(&self) -> &[Table] {
        &self.dataset.missing_tables
    }

    /// The files that end in the middle of a row (CSV) or object (JSON),
    /// with the place, each said in one sentence: `events_event.csv ends
    /// in the middle of line 7,093: the file is incomplete`. Only when
    /// [`Bundle::skip_bad_rows`] let the load go on without the cut row.
    pub fn incomplete_files(&self) -> Vec<String> {
        self.incomplete
            .iter()
            .map(|(file, at)| {
                let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
                format!(
                    "{name} ends in the middle of {}: the file is incomplete, and this report lacks the rest of it",
                    cut_off_place(*at)
                )
            })
            .collect()
    }
}

/// The warning for a table the bundle lacks: what it would have fed.
fn missing_table_warning(table: Table) -> Warning {
    let feeds = table.feeds();
    let list = match feeds {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Warning {
        file: table.file_name().to_string(),
        count: 0,
        what: "not in the export files".to_string(),
        outcome: format!("{list} are made without it"),
        first: None,
    }
}

/// The error for a bundle in which none of the nine tables is found.
fn no_tables(given: &[String]) -> LoadError {
    const SHOWN: usize = 3;
    let what = match given.len() {
        0 => "the input".to_string(),
        n if n <= SHOWN => given.join(", "),
        n => format!("{} and {} more files", given[..SHOWN].join(", "), n - SHOWN),
    };
    LoadError::of_kind(
        &what,
        None,
        LoadErrorKind::NoTables,
        format!(
            "no export tables found in {what}: expected files such as auth_user.csv or a dumpdata .json (the tables {}, or a zip of them)",
            Table::ALL.map(|t| t.file_name()).join(", ")
        ),
    )
}

/// Collects the files of one bundle.
///
/// Malformed rows (SPEC §2d: a value that cannot be read as what its
/// column holds, a row with too few fields, a file cut off inside a row)
/// are counted in every file and, by default, make [`Bundle::finish`] fail
/// with [`LoadErrorKind::MalformedRows`] once the whole bundle is read, so
/// the error can say how many rows there are. [`Bundle::skip_bad_rows`]
/// leaves them out instead, with a counted warning per kind.
#[derive(Debug)]
pub struct Bundle {
    pub(super) limits: Limits,
    raw: RawTables,
    pub(super) warnings: Warnings,
    pub(super) unzipped: u64,
    skip_bad_rows: bool,
    bad_rows: BadRows,
    /// Every file given (opened or skipped) and every zip, in order: what
    /// the error names when none of them holds an export table.
    given: Vec<String>,
}

impl Bundle {
    /// An empty bundle.
    pub fn new(limits: Limits) -> Self {
        Bundle {
            limits,
            raw: RawTables::default(),
            warnings: Warnings::default(),
            unzipped: 0,
            skip_bad_rows: false,
            bad_rows: BadRows::default(),
            given: Vec::new(),
        }
    }

    /// With `skip` true, malformed rows are left out with a counted warning
    /// per kind (and counted in [`Loaded::rows_left_out`]) instead of
    /// failing the bundle: the "go on without these rows" of SPEC §2d.
    /// A builder step, so `Bundle::new` and [`Limits`] stay as they were.
    pub fn skip_bad_rows(mut self, skip: bool) -> Self {
        self.skip_bad_rows = skip;
        self
    }

    /// Whether malformed rows are left out rather than an error.
    pub fn skips_bad_rows(&self) -> bool {
        self.skip_bad_rows
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Starts a CSV table or dump file. Returns `None` for a name that is
    /// neither (a zip goes to [`Bundle::add_zip`]); the file is then noted
    /// as skipped.
    pub fn open(&mut self, name: &str) -> Option<FileLoader> {
        self.open_as(name, file_kind(name))
    }

    /// Opens a file of a kind [`classify`](crate::load::classify) found (a dump under a name
    /// without `.json`); `None` for zips and unknown files, as [`open`].
    ///
    /// [`open`]: Bundle::open
    pub fn open_as(&mut self, name: &str, kind: FileKind) -> Option<FileLoader> {
        if !matches!(kind, FileKind::Zip | FileKind::Unknown) {
            self.note_given(name);
        }
        let loader = FileLoader::open(name, kind, self.limits);
        if loader.is_none() {
            self.skip(name);
        }
        loader
    }

    /// Remembers a file or zip the bundle was given.
    pub(super) fn note_given(&mut self, name: &str) {
        if !self.given.iter().any(|g| g == name) {
            self.given.push(name.to_string());
        }
    }

    /// Notes a file that is not part of an export.
    pub fn skip(&mut self, name: &str) {
        self.note_given(name);
        self.warnings.add(
            name,
            "file is not an export table, dump or zip this report reads",
            "skipped",
            None,
        );
    }

    /// Ends a file and adds its rows. Malformed rows of the file are
    /// counted, not an error yet: [`Bundle::finish`] reports them.
    pub fn close(&mut self, file: FileLoader) -> Result<(), LoadError> {
        let whole = file.read_whole();
        let (raw, warnings, bad_rows) = file.finish()?;
        self.raw.append(raw);
        if whole {
            // The room reserved from the file's size is given back now, not
            // at the end: the next large file is parsed without it. (Pieces
            // of a file keep it until the last one, which reads to the end.)
            self.raw.shrink_to_fit();
        }
        self.warnings.extend(warnings);
        if self.skip_bad_rows {
            // Where today's loaders put them: with the file's warnings.
            self.warnings.extend(bad_rows.warnings());
        }
        self.bad_rows.extend(bad_rows);
        Ok(())
    }

    /// Adds a whole file given at once (a zip is opened and its entries
    /// added).
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), LoadError> {
        if file_kind(name) == FileKind::Zip {
            return self.add_zip(name, bytes);
        }
        if let Some(mut file) = self.open(name) {
            file.push(bytes)?;
            self.close(file)?;
        }
        Ok(())
    }

    /// Resolves references and builds the [`Dataset`]. Fails with
    /// [`LoadErrorKind::MalformedRows`] when some rows of the bundle are
    /// malformed, unless [`Bundle::skip_bad_rows`] was asked for.
    pub fn finish(self) -> Result<Loaded, LoadError> {
        let rows_left_out = self.bad_rows.total();
        let incomplete = self.bad_rows.cut_off();
        if !self.skip_bad_rows {
            if let Some(error) = self.bad_rows.into_error() {
                return Err(error);
            }
        }
        let mut raw = self.raw;
        raw.shrink_to_fit();
        let other_models = std::mem::take(&mut raw.other_models)
            .into_iter()
            .map(|(model, n)| (model.into_string(), n))
            .collect();
        let counts = raw.counts();
        let found: Vec<Table> = Table::ALL
            .into_iter()
            .filter(|&t| {
                raw.sources.iter().any(|(s, _)| *s == t)
                    || counts.0.iter().any(|&(c, n)| c == t && n > 0)
            })
            .collect();
        if found.is_empty() {
            return Err(no_tables(&self.given));
        }
        let missing: Vec<Table> = Table::ALL
            .into_iter()
            .filter(|t| !found.contains(t))
            .collect();
        // Missing tables first: they matter more than any counted row, and
        // `summary.md` never cuts them for length.
        let mut warnings = Warnings::default();
        for &t in &missing {
            warnings.0.push(missing_table_warning(t));
        }
        warnings.extend(self.warnings);
        let mut dataset = resolve::resolve(raw, &mut warnings)?;
        dataset.missing_tables = missing;
        Ok(Loaded {
            dataset,
            counts,
            warnings: warnings.into_vec(),
            rows_left_out,
            incomplete,
            other_models,
        })
    }
}
