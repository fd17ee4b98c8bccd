//! Loading an export bundle (SPEC §2): CSV tables, `dumpdata` JSON and zips
//! of them, in any mix, pushed in chunks.
//!
//! The flow is push-based so the browser can feed bytes as they arrive:
//!
//! ```
//! use engagement_engine::load::{Bundle, Limits};
//! let mut bundle = Bundle::new(Limits::default());
//! let mut file = bundle.open("hub_church.csv").expect("a known table");
//! file.push(b"id,name\n1,St. Mary\n").unwrap();
//! bundle.close(file).unwrap();
//! let loaded = bundle.finish().unwrap();
//! assert!(loaded.dataset.fasts.is_empty());
//! ```
//!
//! Each [`FileLoader`] is independent (it owns its rows until it is closed),
//! so the CLI can parse several files on several threads and close them
//! into one [`Bundle`] in any order.

mod csv_tables;
mod dumpdata;
mod raw;
mod resolve;
mod zip_input;

use std::fmt;

pub use raw::RawTables;

use crate::model::Dataset;

/// Size limits that turn hostile input into a clear error instead of an
/// exhausted memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest single CSV field or JSON object, in bytes.
    pub max_field_bytes: usize,
    /// Total bytes that may come out of zips.
    pub max_unzipped_bytes: u64,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: 16 << 20,
            max_unzipped_bytes: 8 << 30,
            max_json_depth: 64,
        }
    }
}

/// Where in a file something was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A CSV line (1-based; the header is line 1).
    Line(u64),
    /// A JSON object's index in the dump's top-level array (0-based).
    Object(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Object(n) => write!(f, "object {n}"),
        }
    }
}

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
    /// [`Bundle::skip_bad_rows`] leaves out `total` rows and warns about
    /// each kind. Boxed to keep every `Result<_, LoadError>` small.
    MalformedRows(Box<MalformedRows>),
    /// One CSV field, or one dumped JSON object, is longer than
    /// [`Limits::max_field_bytes`].
    FieldTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// One CSV row is longer than its limit, [`crate::csv_split::record_limit`]
    /// of [`Limits::max_field_bytes`], without a line end.
    RowTooLong {
        /// The row limit in bytes.
        limit: usize,
    },
    /// JSON nested deeper than [`Limits::max_json_depth`].
    TooDeep {
        /// The limit in levels.
        limit: usize,
    },
    /// Zips expand past [`Limits::max_unzipped_bytes`].
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
    /// loading with [`Bundle::skip_bad_rows`] leaves out.
    pub total: u64,
    /// Each kind of malformed row, as the counted warnings that loading
    /// with [`Bundle::skip_bad_rows`] gives, in the order first seen.
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

/// One kind of malformed row (SPEC §2d) of one file: counted, left out,
/// and either a warning or, by default, an error at the end of the bundle.
#[derive(Clone, Debug)]
struct BadRow {
    file: String,
    /// The warning's text, e.g. "rows have an unreadable `id`"; rows with
    /// the same text in the same file have "the same problem".
    what: String,
    column: Option<String>,
    first: Location,
    found: String,
    expected: String,
    count: u64,
    /// The last row of a file that ends in the middle of it.
    cut_off: bool,
}

/// `7093` as `7,093`: line numbers in messages people read.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 other row of the bundle cannot be read either`, or `3 other rows …`.
fn others_unreadable(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{n} other {noun} of the bundle cannot be read either")
}

/// Where a cut-off file ends, as its messages say it: `line 7,093`, or
/// `object 41` of a dump's array.
fn cut_off_place(at: Location) -> String {
    match at {
        Location::Line(n) => format!("line {}", grouped(n)),
        Location::Object(n) => format!("its array, inside object {}", grouped(n)),
    }
}

/// Malformed rows, merged by (file, what), in the order first seen.
#[derive(Clone, Debug, Default)]
pub(crate) struct BadRows(Vec<BadRow>);

impl BadRows {
    /// Counts one malformed row: in `file` at `at`, `column` (if known)
    /// holds `found` where `expected` was expected; `what` says what is
    /// wrong with such rows, for the warning.
    pub(crate) fn add(
        &mut self,
        file: &str,
        at: Location,
        what: String,
        column: Option<&str>,
        found: String,
        expected: &str,
    ) {
        if let Some(b) = self.0.iter_mut().find(|b| b.file == file && b.what == what) {
            b.count += 1;
            return;
        }
        self.0.push(BadRow {
            file: file.to_string(),
            what,
            column: column.map(str::to_string),
            first: at,
            found,
            expected: expected.to_string(),
            count: 1,
            cut_off: false,
        });
    }

    /// Counts the last row (CSV) or object (JSON) of `file`, at `at`,
    /// which the file's end cuts off in the middle (SPEC §2d): the file is
    /// incomplete, and both the error and the warning say so.
    pub(crate) fn add_cut_off(
        &mut self,
        file: &str,
        at: Location,
        column: Option<&str>,
        found: String,
        expected: &str,
    ) {
        let (one, _) = nouns(at);
        let what = format!(
            "{one} where the file ends is cut off (the file is incomplete: it ends in the middle of {}; export it again)",
            cut_off_place(at)
        );
        self.add(file, at, what, column, found, expected);
        if let Some(b) = self.0.last_mut() {
            b.cut_off = true;
        }
    }

    fn extend(&mut self, other: BadRows) {
        for b in other.0 {
            match self
                .0
                .iter_mut()
                .find(|a| a.file == b.file && a.what == b.what)
            {
                Some(a) => a.count += b.count,
                None => self.0.push(b),
            }
        }
    }

    /// Rows counted, all kinds together.
    fn total(&self) -> u64 {
        self.0.iter().map(|b| b.count).sum()
    }

    /// One counted warning per kind.
    fn warnings(&self) -> Warnings {
        let mut w = Warnings::default();
        for b in &self.0 {
            w.add_many(
                &b.file,
                b.count,
                &b.what,
                "left out",
                Some((
                    b.first,
                    format!("found {}, expected {}", b.found, b.expected),
                )),
            );
        }
        w
    }

    /// Files cut off in the middle of a row, with where they end.
    fn cut_off(&self) -> Vec<(String, Location)> {
        self.0
            .iter()
            .filter(|b| b.cut_off)
            .map(|b| (b.file.clone(), b.first))
            .collect()
    }

    /// The error that stops a bundle with malformed rows, naming the first
    /// (a file cut off in the middle first of all: it is not one bad row
    /// but a missing part of the file).
    fn into_error(mut self) -> Option<LoadError> {
        let total = self.total();
        let kinds = self.warnings().into_vec();
        if let Some(i) = self.0.iter().position(|b| b.cut_off) {
            let first = self.0.remove(i);
            let (one, many) = nouns(first.first);
            let others = match total - 1 {
                0 => String::new(),
                n => format!("; {}", others_unreadable(n, one, many)),
            };
            let these = if total == 1 {
                format!("the {one} cut off")
            } else {
                format!("these {total} {many}")
            };
            let message = format!(
                "ends in the middle of {}: the file is incomplete, export it again{others}; or go on without {these}",
                cut_off_place(first.first)
            );
            return Some(LoadError::of_kind(
                &first.file,
                Some(first.first),
                LoadErrorKind::MalformedRows(Box::new(MalformedRows {
                    column: first.column,
                    found: first.found,
                    expected: first.expected,
                    more: 0,
                    total,
                    kinds,
                    cut_off: true,
                })),
                message,
            ));
        }
        let first = self.0.into_iter().next()?;
        let (one, many) = nouns(first.first);
        let more = first.count - 1;
        let same = match more {
            0 => format!("no other {one} of this file has this problem"),
            1 => format!("1 more {one} of this file has the same problem"),
            n => format!("{n} more {many} of this file have the same problem"),
        };
        // Rows and objects of other kinds are named like the first one: a
        // bundle rarely mixes CSV tables and dumps.
        let others = match total - first.count {
            0 => String::new(),
            n => format!(", and {}", others_unreadable(n, one, many)),
        };
        let these = if total == 1 {
            format!("this {one}")
        } else {
            format!("these {total} {many}")
        };
        let message = format!(
            "found {}, expected {}; {same}{others}; correct the export, or go on without {these}",
            first.found, first.expected
        );
        Some(LoadError::of_kind(
            &first.file,
            Some(first.first),
            LoadErrorKind::MalformedRows(Box::new(MalformedRows {
                column: first.column,
                found: first.found,
                expected: first.expected,
                more,
                total,
                kinds,
                cut_off: false,
            })),
            message,
        ))
    }
}

/// What a file is made of, one and many, at `at`.
fn nouns(at: Location) -> (&'static str, &'static str) {
    match at {
        Location::Line(_) => ("row", "rows"),
        Location::Object(_) => ("object", "objects"),
    }
}

/// A counted problem the report could do without: shown to the user, never
/// hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file (or table) concerned.
    pub file: String,
    /// How many rows or objects; 0 for a warning about the whole file (a
    /// table that is not in the bundle), which is then stated without a
    /// count.
    pub count: u64,
    /// What is wrong with them, e.g. "rows reference unknown users".
    pub what: String,
    /// What the report did, e.g. "counted without a user".
    pub outcome: String,
    /// The first place it happened, with what was found there.
    pub first: Option<(Location, String)>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            // About a whole file (a table not in the bundle): no rows to count.
            write!(f, "{}: {}; {}", self.file, self.what, self.outcome)?;
        } else {
            write!(
                f,
                "{}: {} {}; {}",
                self.file, self.count, self.what, self.outcome
            )?;
        }
        if let Some((loc, detail)) = &self.first {
            if detail.is_empty() {
                write!(f, " (first at {loc})")?;
            } else {
                write!(f, " (first at {loc}: {detail})")?;
            }
        }
        Ok(())
    }
}

impl Warning {
    /// The warning as the report's own files state it (`summary.md`,
    /// `report.html`): the file by its name alone, so that the same bundle
    /// gives the same files whether it was given as a folder on the command
    /// line, picked file by file in the page, or zipped, and no local path
    /// travels with a shared report.
    pub fn report_text(&self) -> String {
        let name = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        Warning {
            file: name.to_string(),
            ..self.clone()
        }
        .to_string()
    }
}

/// Warnings, merged by (file, what) so each kind is one counted line.
#[derive(Clone, Debug, Default)]
pub struct Warnings(Vec<Warning>);

impl Warnings {
    /// Counts one more occurrence.
    pub fn add(
        &mut self,
        file: &str,
        what: &str,
        outcome: &str,
        first: Option<(Location, String)>,
    ) {
        self.add_many(file, 1, what, outcome, first);
    }

    /// Counts `count` more occurrences.
    pub fn add_many(
        &mut self,
        file: &str,
        count: u64,
        what: &str,
        outcome: &str,
        first: Option<(Location, String)>,
    ) {
        if count == 0 {
            return;
        }
        if let Some(w) = self.0.iter_mut().find(|w| w.file == file && w.what == what) {
            w.count += count;
            if w.first.is_none() {
                w.first = first;
            }
            return;
        }
        self.0.push(Warning {
            file: file.to_string(),
            count,
            what: what.to_string(),
            outcome: outcome.to_string(),
            first,
        });
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Warnings) {
        for w in other.0 {
            self.add_many(&w.file, w.count, &w.what, &w.outcome, w.first);
        }
    }

    /// The warnings, in the order first seen.
    pub fn list(&self) -> &[Warning] {
        &self.0
    }

    /// Takes the warnings out.
    pub fn into_vec(self) -> Vec<Warning> {
        self.0
    }
}

/// The tables of SPEC §2a, recognised by file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// `auth_user.csv`
    Users,
    /// `hub_church.csv`
    Churches,
    /// `hub_fast.csv`
    Fasts,
    /// `hub_profile.csv`
    Profiles,
    /// `hub_profile_fasts.csv`
    Memberships,
    /// `events_eventtype.csv`
    EventTypes,
    /// `events_event.csv`
    Events,
    /// `events_useractivityfeed.csv`
    Feed,
    /// `django_content_type.csv`
    ContentTypes,
    /// `hub_day.csv` (optional, SPEC §2a): the fasts' calendar days. Not
    /// one of the nine tables of [`Table::ALL`]: a bundle without it is
    /// complete, and only the fast calendar and editions of SPEC §11 read
    /// it. [`Table::OPTIONAL`] lists it.
    Days,
}

impl Table {
    /// The columns the report reads from this table (SPEC §2a), in the
    /// loader's order, and the columns it reads only when they exist (a
    /// fast's `year`, and what segments need: users' staff flags, the
    /// profile's church). Other readers of the same tables (the CLI's
    /// database input) ask here rather than keeping their own list.
    pub fn columns(self) -> (Vec<&'static str>, Vec<&'static str>) {
        let (optional, needed): (Vec<&'static str>, Vec<&'static str>) =
            csv_tables::needed_columns(self)
                .iter()
                .partition(|c| csv_tables::optional_column(self, c));
        let mut optional = optional;
        optional.extend(csv_tables::segment_columns(self));
        (needed, optional)
    }

    /// The nine tables of SPEC §2a that a bundle is made of, in SPEC order
    /// (the optional [`Table::OPTIONAL`] ones are not among them).
    pub const ALL: [Table; 9] = [
        Table::Users,
        Table::Churches,
        Table::Fasts,
        Table::Profiles,
        Table::Memberships,
        Table::EventTypes,
        Table::Events,
        Table::Feed,
        Table::ContentTypes,
    ];

    /// Tables a bundle may hold but never needs (SPEC §2a "optional"):
    /// recognised and read when present, never reported missing.
    pub const OPTIONAL: [Table; 1] = [Table::Days];

    /// Whether a bundle may go without this table without anything missing.
    pub fn is_optional(self) -> bool {
        Table::OPTIONAL.contains(&self)
    }

    /// Every table the loader recognises: [`Table::ALL`], then
    /// [`Table::OPTIONAL`].
    pub fn recognised() -> impl Iterator<Item = Table> {
        Table::ALL.into_iter().chain(Table::OPTIONAL)
    }

    /// The CSV file name of the table.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Users => "auth_user.csv",
            Table::Churches => "hub_church.csv",
            Table::Fasts => "hub_fast.csv",
            Table::Profiles => "hub_profile.csv",
            Table::Memberships => "hub_profile_fasts.csv",
            Table::EventTypes => "events_eventtype.csv",
            Table::Events => "events_event.csv",
            Table::Feed => "events_useractivityfeed.csv",
            Table::ContentTypes => "django_content_type.csv",
            Table::Days => "hub_day.csv",
        }
    }

    /// What the report makes from this table (SPEC §4, §7): the data sets
    /// and insights (by their file names without extension) whose figures
    /// come, at least in part, from its rows. Without the table these lack
    /// its figures: the CLI's warning and the page's checklist name them.
    /// Read from the definitions: `auth_user` gives the users every per-user
    /// figure and join date needs; the profiles and their fasts give
    /// current memberships (participants, statuses, users in fasts); event
    /// types give the codes without which every event is left out; content
    /// types say which events and feed items target a fast.
    pub fn feeds(self) -> &'static [&'static str] {
        match self {
            Table::Users => &[
                "new_users_over_time",
                "fasts",
                "user_activity",
                "user_activity_timeline",
                "user_fast_participation",
                "retention_cohorts",
                "other_metrics",
                "retention_matrix",
                "user_engagement",
                "fast_retention",
                "period_comparison",
                "daily_activity",
                "app_usage",
            ],
            Table::Churches => &[
                "fasts",
                "user_fast_participation",
                "fast_retention",
                "fast_calendar",
                "fast_editions",
            ],
            Table::Fasts => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            Table::Profiles | Table::Memberships => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
            ],
            Table::EventTypes | Table::Events => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "activity_heatmap",
                "fast_retention",
                "period_comparison",
                "daily_activity",
                "app_usage",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            Table::Feed => &[
                "user_activity",
                "user_activity_timeline",
                "retention_cohorts",
                "other_metrics",
                "retention_matrix",
                "activity_heatmap",
                "user_engagement",
                "period_comparison",
                "daily_activity",
            ],
            Table::ContentTypes => &[
                "fasts",
                "user_activity_timeline",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            // Optional (SPEC §11): never missing, so never named as needed.
            Table::Days => &["fast_calendar", "fast_daily", "fast_editions"],
        }
    }

    /// The single figures and charts that are nothing without this table
    /// (each would read 0 or stay empty): the headline figures by their
    /// `period_comparison` metric names, the parts of `other_metrics` and
    /// the insights that `summary.md` states, and the charts by their keys
    /// ([`crate::readable::charts::Chart::key`]). Where one of these needs
    /// a missing table, the report says "needs <file>" instead of a zero
    /// (see [`needs`]).
    pub fn figures(self) -> &'static [&'static str] {
        match self {
            Table::Users => &[
                "new_users",
                "new_users_per_day",
                "retention_cohorts",
                "retention_by_cohort",
                "retention_matrix",
                "retention_triangle",
                "fast_retention",
            ],
            Table::Churches => &[],
            Table::Fasts | Table::Profiles | Table::Memberships => &["fast_retention"],
            Table::EventTypes | Table::Events => &[
                "events",
                "events_by_type",
                "screen_views",
                "screen_views_per_day",
                "top_screens",
                "devotional_views",
                "checklist_uses",
                "fast_joins",
                "fast_leaves",
                "top_fasts_by_joins",
                "activity_heatmap",
                "fast_retention",
            ],
            Table::Feed => &[
                "active_users",
                "feed_items",
                "retention_cohorts",
                "retention_by_cohort",
                "retention_matrix",
                "retention_triangle",
                "user_engagement",
                "activity_heatmap",
            ],
            Table::ContentTypes => &["top_fasts_by_joins", "fast_retention"],
            Table::Days => &[],
        }
    }

    /// A short human name, for summaries.
    pub fn label(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Churches => "churches",
            Table::Fasts => "fasts",
            Table::Profiles => "profiles",
            Table::Memberships => "fast memberships",
            Table::EventTypes => "event types",
            Table::Events => "events",
            Table::Feed => "activity feed items",
            Table::ContentTypes => "content types",
            Table::Days => "fast calendar days",
        }
    }
}

/// The tables among `missing` that the figure or chart `name` (as
/// [`Table::figures`] names them) needs, as the report says it: `needs
/// events_event.csv`, or `needs events_eventtype.csv and
/// events_event.csv`; `None` when it needs none of them.
pub fn needs(missing: &[Table], name: &str) -> Option<String> {
    let files = tables_among(missing, |t| t.figures().contains(&name))?;
    Some(format!("needs {files}"))
}

/// The tables among `missing` that feed the data set or insight `name` (as
/// [`Table::feeds`] names them): `made without hub_church.csv and
/// events_event.csv`; `None` when none of them feeds it.
pub fn made_without(missing: &[Table], name: &str) -> Option<String> {
    let files = tables_among(missing, |t| t.feeds().contains(&name))?;
    Some(format!("made without {files}"))
}

/// The file names of the tables of `missing` that `pick` picks, joined
/// (`a, b and c`), in SPEC order.
fn tables_among(missing: &[Table], pick: impl Fn(Table) -> bool) -> Option<String> {
    let files: Vec<&str> = Table::ALL
        .into_iter()
        .filter(|&t| missing.contains(&t) && pick(t))
        .map(Table::file_name)
        .collect();
    match files.as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

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

/// Row counts of what was loaded, per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableCounts(pub Vec<(Table, u64)>);

/// A parser for one file, fed by [`FileLoader::push`].
pub struct FileLoader {
    name: String,
    inner: FileParser,
    bytes: u64,
    /// The file's whole size, until the parser has sized its columns from
    /// it (see [`FileLoader::expect_bytes`]).
    expected_bytes: Option<u64>,
    /// The file's whole size, when told: a loader that has read that much
    /// read the whole file (not one piece of it).
    total_bytes: Option<u64>,
}

enum FileParser {
    Csv(csv_tables::CsvTableParser),
    Dump(dumpdata::DumpParser),
}

/// Why [`FileLoader::read_from`] stopped.
#[derive(Debug)]
pub enum ReadError {
    /// The source could not be read (the front end names the source).
    Io(std::io::Error),
    /// The bytes could not be loaded.
    Load(LoadError),
}

/// Bytes gathered from a reader before each push: sources that hand out
/// tiny pieces (a database's COPY stream sends one row per message) are
/// parsed in large steps all the same. 4 MiB rather than 1: a dump's
/// chunk is parsed in two parts at once, and bigger parts balance better
/// (M dump: wall -7 %, peak +10 MB).
const READ_CHUNK: usize = 4 << 20;

impl FileLoader {
    /// Reads `reader` to its end into this file: the one read-and-push
    /// driver of every `std::io::Read` source (files, downloads, a
    /// database's COPY stream). After each chunk, `after_chunk` hears this
    /// loader and the chunk's size, for progress bars and row counts.
    pub fn read_from(
        &mut self,
        mut reader: impl std::io::Read,
        mut after_chunk: impl FnMut(&mut FileLoader, u64),
    ) -> Result<(), ReadError> {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            let mut filled = 0;
            while filled < buf.len() {
                match reader.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(ReadError::Io(e)),
                }
            }
            if filled == 0 {
                return Ok(());
            }
            self.push(&buf[..filled]).map_err(ReadError::Load)?;
            after_chunk(self, filled as u64);
            if filled < buf.len() {
                return Ok(());
            }
        }
    }

    /// A loader for a later piece of the same CSV table that starts at a
    /// record boundary on `line`, so that pieces of one big file can be
    /// parsed on several threads; `None` for a dump, or before this loader
    /// has read the header. Closed into the bundle after this one, in file
    /// order, the pieces load what one loader fed the whole file would,
    /// provided the piece really starts where this loader's bytes end:
    /// check with [`FileLoader::next_record_line`] before closing it.
    /// [`engagement_engine::csv_split::last_record_end`] guesses where to
    /// cut.
    ///
    /// [`engagement_engine::csv_split::last_record_end`]: crate::csv_split::last_record_end
    pub fn continuation(&self, line: u64) -> Option<FileLoader> {
        match &self.inner {
            FileParser::Csv(p) => Some(FileLoader {
                name: self.name.clone(),
                inner: FileParser::Csv(p.continuation(line)?),
                bytes: 0,
                expected_bytes: None,
                total_bytes: None,
            }),
            FileParser::Dump(_) => None,
        }
    }

    /// `Some(line)` when the bytes pushed so far end exactly at a record
    /// boundary of a CSV table and the next record starts on `line` (the
    /// header is line 1); `None` in the middle of a record, and for dumps.
    pub fn next_record_line(&self) -> Option<u64> {
        match &self.inner {
            FileParser::Csv(p) => p.next_record_line(),
            FileParser::Dump(_) => None,
        }
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Bytes pushed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Rows (CSV) or objects (JSON) parsed so far.
    pub fn rows_read(&self) -> u64 {
        match &self.inner {
            FileParser::Csv(p) => p.rows(),
            FileParser::Dump(p) => p.objects(),
        }
    }

    /// Tells the loader the file's whole size, when known (a file on disk,
    /// a `File` in the browser, an HTTP body with a length). A CSV table of
    /// events or feed items then sizes its columns once, from the rows of
    /// the first chunks, instead of doubling them as it goes: that growth
    /// would leave up to half of the largest columns unused, and needs the
    /// old and the new copy at once.
    pub fn expect_bytes(&mut self, total: u64) {
        if let FileParser::Csv(_) = self.inner {
            self.expected_bytes = Some(total);
            self.total_bytes = Some(total);
        }
    }

    /// Parses the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        self.bytes += chunk.len() as u64;
        match &mut self.inner {
            FileParser::Csv(p) => {
                let parsed = p.push(chunk);
                if let Some(total) = self.expected_bytes {
                    if p.reserve_for_the_rest(self.bytes, total) {
                        self.expected_bytes = None;
                    }
                }
                parsed
            }
            FileParser::Dump(p) => p.push(chunk),
        }
    }

    fn finish(self) -> Result<(RawTables, Warnings, BadRows), LoadError> {
        match self.inner {
            FileParser::Csv(p) => p.finish(),
            FileParser::Dump(p) => p.finish(),
        }
    }
}

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
}

impl Loaded {
    /// How many malformed rows (CSV) and objects (JSON) were left out, all
    /// kinds together: 0 unless [`Bundle::skip_bad_rows`] was asked for
    /// (otherwise they are an error). Each kind is also a counted warning.
    pub fn rows_left_out(&self) -> u64 {
        self.rows_left_out
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
        what: "not in the bundle".to_string(),
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
    limits: Limits,
    raw: RawTables,
    warnings: Warnings,
    unzipped: u64,
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

    /// Opens a file of a kind [`classify`] found (a dump under a name
    /// without `.json`); `None` for zips and unknown files, as [`open`].
    ///
    /// [`open`]: Bundle::open
    pub fn open_as(&mut self, name: &str, kind: FileKind) -> Option<FileLoader> {
        if !matches!(kind, FileKind::Zip | FileKind::Unknown) {
            self.note_given(name);
        }
        let inner = match kind {
            FileKind::Csv(table) => {
                FileParser::Csv(csv_tables::CsvTableParser::new(name, table, self.limits))
            }
            FileKind::Dump => FileParser::Dump(dumpdata::DumpParser::new(name, self.limits)),
            FileKind::Zip | FileKind::Unknown => {
                self.skip(name);
                return None;
            }
        };
        Some(FileLoader {
            name: name.to_string(),
            inner,
            bytes: 0,
            expected_bytes: None,
            total_bytes: None,
        })
    }

    /// Remembers a file or zip the bundle was given.
    fn note_given(&mut self, name: &str) {
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
        let whole = file.total_bytes.is_some_and(|total| file.bytes >= total);
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

    /// Adds every export file inside a zip (folders inside allowed).
    pub fn add_zip(&mut self, name: &str, bytes: &[u8]) -> Result<(), LoadError> {
        self.note_given(name);
        zip_input::add_zip(self, name, bytes)
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_name_the_file_without_its_folder() {
        let w = Warning {
            file: "/home/ana/exports/demo/hub_fast.csv".into(),
            count: 2,
            what: "fasts reference churches not in the bundle".into(),
            outcome: "shown without a church".into(),
            first: Some((Location::Line(3), String::new())),
        };
        assert_eq!(
            w.report_text(),
            "hub_fast.csv: 2 fasts reference churches not in the bundle; shown without a church (first at line 3)"
        );
        let zipped = Warning {
            file: "exports.zip/export\\events_event.csv".into(),
            ..w.clone()
        };
        assert!(zipped.report_text().starts_with("events_event.csv: 2 "));
        assert!(w
            .to_string()
            .starts_with("/home/ana/exports/demo/hub_fast.csv: 2 "));
    }

    #[test]
    fn inputs_are_classified_by_name_then_by_content() {
        let zip = b"PK\x03\x04rest";
        assert_eq!(
            classify("a/events_event.csv", Some(zip)),
            FileKind::Csv(Table::Events)
        );
        assert_eq!(classify("dump.JSON", None), FileKind::Dump);
        assert_eq!(classify("exports.zip", None), FileKind::Zip);
        // A zip under any name, a dump only under a name without extension.
        assert_eq!(classify("archive (1)", Some(zip)), FileKind::Zip);
        assert_eq!(classify("notes.txt", Some(zip)), FileKind::Zip);
        assert_eq!(
            classify("latest", Some(b"\xEF\xBB\xBF\n  [{")),
            FileKind::Dump
        );
        assert_eq!(classify("notes.txt", Some(b"[1]")), FileKind::Unknown);
        assert_eq!(classify("README", Some(b"read me")), FileKind::Unknown);
        assert_eq!(classify("README", None), FileKind::Unknown);
        assert!(needs_sniffing("README") && !needs_sniffing("hub_fast.csv"));
    }

    /// Hands out one byte per read, as a database's COPY stream hands out
    /// one row per message, with an interruption thrown in.
    struct Trickle<'a>(&'a [u8], bool);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = !self.1;
            if self.1 {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn the_read_driver_gathers_small_reads_and_reports_chunks() {
        let text = b"id,name\n1,St. Mary\n2,St. John\n";
        let mut bundle = Bundle::new(Limits::default());
        let mut file = bundle.open("hub_church.csv").unwrap();
        let mut chunks = Vec::new();
        file.read_from(Trickle(text, false), |l, n| chunks.push((n, l.rows_read())))
            .unwrap();
        // Gathered into one push, not one per byte.
        assert_eq!(chunks, [(text.len() as u64, 2)]);
        bundle.close(file).unwrap();

        struct Broken;
        impl std::io::Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk gone"))
            }
        }
        let mut file = bundle.open("hub_fast.csv").unwrap();
        let err = file.read_from(Broken, |_, _| {}).unwrap_err();
        assert!(matches!(err, ReadError::Io(e) if e.to_string() == "disk gone"));
    }

    #[test]
    fn recognises_files_by_name() {
        assert_eq!(file_kind("auth_user.csv"), FileKind::Csv(Table::Users));
        assert_eq!(
            file_kind("exports/2025/EVENTS_EVENT.CSV"),
            FileKind::Csv(Table::Events)
        );
        assert_eq!(file_kind("C:\\dumps\\db.json"), FileKind::Dump);
        assert_eq!(file_kind("bundle.zip"), FileKind::Zip);
        assert_eq!(file_kind("notes.txt"), FileKind::Unknown);
        assert_eq!(file_kind("other_table.csv"), FileKind::Unknown);
        assert_eq!(file_kind("hub_day.csv"), FileKind::Csv(Table::Days));
        // The optional table is recognised but is not one of the nine.
        assert!(!Table::ALL.contains(&Table::Days));
        assert!(Table::Days.is_optional() && !Table::Users.is_optional());
        assert_eq!(Table::recognised().count(), 10);
    }

    /// The fasts of the calendar tests: 41 and 42.
    const DAY_FASTS: &str = "id,name,church_id,year\n41,Nativity,1,2025\n42,Nineveh,1,\n";

    #[test]
    fn fast_days_from_csv_sum_up_per_fast_ignoring_church_days() {
        let mut bundle = Bundle::new(Limits::default());
        bundle
            .add_bytes("hub_fast.csv", DAY_FASTS.as_bytes())
            .unwrap();
        bundle
            .add_bytes(
                "hub_day.csv",
                b"id,date,church_id,fast_id\n1,2025-01-14,,41\n2,2025-01-13,,41\n3,2025-01-14,,41\n4,2025-01-20,1,\n5,2025-02-10,,42\n6,2025-03-01,,99\n",
            )
            .unwrap();
        let loaded = bundle.finish().unwrap();
        let fasts = &loaded.dataset.fasts;
        let d = fasts[0].days.unwrap();
        assert_eq!(
            (d.first.to_string(), d.last.to_string(), d.count),
            ("2025-01-13".into(), "2025-01-14".into(), 2)
        );
        assert_eq!(fasts[1].days.unwrap().count, 1);
        // 42 has no year: its first day's.
        assert_eq!(
            (fasts[0].edition_year(), fasts[1].edition_year()),
            (Some(2025), Some(2025))
        );
        assert_eq!(loaded.counts.0.last(), Some(&(Table::Days, 5)));
        let w: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            w.last().unwrap(),
            "hub_day.csv: 1 days reference fasts not in the bundle; left out"
        );
    }

    #[test]
    fn a_bundle_without_days_counts_nine_tables_and_a_bad_date_is_malformed() {
        let mut bundle = Bundle::new(Limits::default());
        bundle
            .add_bytes("hub_fast.csv", DAY_FASTS.as_bytes())
            .unwrap();
        let loaded = bundle.finish().unwrap();
        assert_eq!(loaded.counts.0.len(), 9);
        assert!(loaded.dataset.fasts.iter().all(|f| f.days.is_none()));

        let mut bundle = Bundle::new(Limits::default());
        bundle
            .add_bytes("hub_day.csv", b"id,date,fast_id\n1,13/01/2025,41\n")
            .unwrap();
        let err = bundle.finish().unwrap_err();
        assert_eq!(err.location, Some(Location::Line(2)));
        assert!(
            err.to_string()
                .contains("column `date`: found \"13/01/2025\", expected a date YYYY-MM-DD"),
            "{err}"
        );
    }

    #[test]
    fn repeated_data_texts_are_parsed_once_into_one_detail() {
        let mut bundle = Bundle::new(Limits::default());
        bundle
            .add_bytes("events_eventtype.csv", b"id,code\n1,app_open\n")
            .unwrap();
        let mut events =
            String::from("id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n");
        for (i, data) in [
            r#"{"platform": "ios"}"#,
            r#"{"platform": "web"}"#,
            r#"{"platform": "ios"}"#,
            "{}",
        ]
        .iter()
        .enumerate()
        {
            events += &format!(
                "{},1,,,,\"{}\",2025-01-01 00:00:00+00\n",
                i + 1,
                data.replace('"', "\"\"")
            );
        }
        bundle
            .add_bytes("events_event.csv", events.as_bytes())
            .unwrap();
        let data = bundle.finish().unwrap().dataset;
        let d = &data.events.detail;
        assert_eq!((d[0] == d[2], d[0] != d[1], d[3]), (true, true, 0));
        let platform = |i: usize| data.event_details[d[i] as usize].platform.as_deref();
        assert_eq!(
            (platform(0), platform(1), platform(2)),
            (Some("ios"), Some("web"), Some("ios"))
        );
    }

    #[test]
    fn fast_days_from_a_dump() {
        let dump = br#"[
            {"model": "hub.fast", "pk": 41, "fields": {"name": "Nativity", "church": 1, "year": 2025}},
            {"model": "hub.day", "pk": 1, "fields": {"date": "2025-01-13", "fast": 41, "church": null}},
            {"model": "hub.day", "pk": 2, "fields": {"date": "2025-01-15", "fast": 41}},
            {"model": "hub.day", "pk": 3, "fields": {"date": "2025-01-14", "fast": null, "church": 1}}
        ]"#;
        let mut bundle = Bundle::new(Limits::default());
        bundle.add_bytes("dump.json", dump).unwrap();
        let loaded = bundle.finish().unwrap();
        let d = loaded.dataset.fasts[0].days.unwrap();
        assert_eq!(
            (d.first.to_string(), d.last.to_string(), d.count),
            ("2025-01-13".into(), "2025-01-15".into(), 2)
        );

        let bad = br#"[{"model": "hub.day", "pk": 1, "fields": {"date": "soon", "fast": 41}}]"#;
        let mut bundle = Bundle::new(Limits::default());
        bundle.add_bytes("dump.json", bad).unwrap();
        let err = bundle.finish().unwrap_err();
        assert_eq!(err.location, Some(Location::Object(0)));
        assert!(err.to_string().contains("`date`"), "{err}");
    }

    #[test]
    fn warnings_merge_by_kind() {
        let mut w = Warnings::default();
        w.add(
            "a.csv",
            "rows x",
            "left out",
            Some((Location::Line(3), "v".into())),
        );
        w.add(
            "a.csv",
            "rows x",
            "left out",
            Some((Location::Line(9), "w".into())),
        );
        w.add("b.csv", "rows x", "left out", None);
        assert_eq!(w.list().len(), 2);
        assert_eq!(w.list()[0].count, 2);
        assert_eq!(
            w.list()[0].to_string(),
            "a.csv: 2 rows x; left out (first at line 3: v)"
        );
    }

    /// Every table file of the bundle with its header and no rows, but
    /// `only`: then just those.
    fn headers_only(b: &mut Bundle, only: &[Table]) {
        for t in Table::ALL.into_iter().filter(|t| only.contains(t)) {
            let header = csv_tables::needed_columns(t).join(",") + "\n";
            b.add_bytes(t.file_name(), header.as_bytes()).unwrap();
        }
    }

    #[test]
    fn unknown_files_are_skipped_with_a_notice() {
        let mut b = Bundle::new(Limits::default());
        assert!(b.open("readme.txt").is_none());
        b.add_bytes("photo.png", b"\x89PNG").unwrap();
        headers_only(&mut b, &Table::ALL);
        let loaded = b.finish().unwrap();
        assert_eq!(loaded.warnings.len(), 2);
        assert!(loaded.warnings[0]
            .to_string()
            .starts_with("readme.txt: 1 file"));
        assert!(loaded.missing_tables().is_empty());
    }

    #[test]
    fn an_input_without_any_table_is_an_error_naming_what_was_given() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes("photo.png", b"\x89PNG\r\n").unwrap();
        let err = b.finish().unwrap_err();
        assert_eq!(err.kind, LoadErrorKind::NoTables);
        assert_eq!(err.file, "photo.png");
        assert!(
            err.to_string().starts_with(
                "no export tables found in photo.png: expected files such as auth_user.csv or a dumpdata .json (the tables auth_user.csv, hub_church.csv,"
            ),
            "{err}"
        );
        // An unrelated CSV and a note.
        let mut b = Bundle::new(Limits::default());
        b.add_bytes("people.csv", b"name,age\nA,3\n").unwrap();
        b.skip("notes.txt");
        let err = b.finish().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no export tables found in people.csv, notes.txt: "),
            "{err}"
        );
        // An empty zip, and a dump of other models.
        let mut b = Bundle::new(Limits::default());
        b.add_zip("empty.zip", &crate::export::zip(&[])).unwrap();
        let err = b.finish().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no export tables found in empty.zip: "),
            "{err}"
        );
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "other.json",
            br#"[{"model": "blog.post", "pk": 1, "fields": {}}]"#,
        )
        .unwrap();
        let err = b.finish().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no export tables found in other.json: "),
            "{err}"
        );
        // Nothing at all.
        let err = Bundle::new(Limits::default()).finish().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no export tables found in the input: "),
            "{err}"
        );
        // One table with a header alone is a bundle (of no rows).
        let mut b = Bundle::new(Limits::default());
        headers_only(&mut b, &[Table::Churches]);
        assert!(b.finish().is_ok());
    }

    #[test]
    fn missing_tables_are_known_and_warned_about_first() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "auth_user.csv",
            b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\n",
        )
        .unwrap();
        b.add_bytes("hub_fast.csv", b"id,name,church_id,year\n1,Lent,,2024\n")
            .unwrap();
        let loaded = b.finish().unwrap();
        use Table::*;
        let missing = [
            Churches,
            Profiles,
            Memberships,
            EventTypes,
            Events,
            Feed,
            ContentTypes,
        ];
        assert_eq!(loaded.missing_tables(), missing);
        let text: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(text.len(), 7, "{text:#?}");
        assert_eq!(
            text[4],
            "events_event.csv: not in the bundle; fasts, user_fast_participation, other_metrics, activity_heatmap, fast_retention, period_comparison, daily_activity, app_usage, fast_calendar, fast_daily and fast_editions are made without it"
        );
        assert!(text[0].starts_with("hub_church.csv: not in the bundle"));
        let m = loaded.missing_tables();
        assert_eq!(
            needs(m, "events").as_deref(),
            Some("needs events_eventtype.csv and events_event.csv")
        );
        assert_eq!(
            needs(m, "active_users").as_deref(),
            Some("needs events_useractivityfeed.csv")
        );
        assert_eq!(needs(m, "new_users"), None);
        assert_eq!(needs(m, "new_users_per_day"), None);
        assert_eq!(made_without(m, "new_users_over_time"), None);
        assert_eq!(
            made_without(m, "user_activity_timeline").as_deref(),
            Some("made without events_useractivityfeed.csv and django_content_type.csv")
        );
        assert_eq!(
            needs(m, "top_fasts_by_joins").as_deref(),
            Some("needs events_eventtype.csv, events_event.csv and django_content_type.csv")
        );
        // Every name a table feeds is a data set or insight of the report.
        let names: Vec<&str> = crate::export::DATA_SETS
            .iter()
            .chain(crate::export::INSIGHT_DATA_SETS.iter())
            .copied()
            .collect();
        for t in Table::ALL {
            for f in t.feeds() {
                assert!(names.contains(f), "{t:?} feeds {f}");
            }
        }
    }

    #[test]
    fn a_dump_with_profiles_holds_the_memberships() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "dump.json",
            br#"[{"model": "auth.user", "pk": 1, "fields": {"username": "a", "email": "", "date_joined": "2024-01-01T00:00:00Z"}},
                 {"model": "hub.profile", "pk": 9, "fields": {"user": 1, "fasts": []}}]"#,
        )
        .unwrap();
        let loaded = b.finish().unwrap();
        use Table::*;
        assert_eq!(
            loaded.missing_tables(),
            [Churches, Fasts, EventTypes, Events, Feed, ContentTypes]
        );
    }

    #[test]
    fn a_file_cut_off_in_a_row_is_named_incomplete() {
        let events = |tail: &[u8]| {
            let mut text = b"id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n1,1,,,,{},2024-01-01 00:00:00+00\n2,1,,,,{},2024-01-01 00:00:00+00\n".to_vec();
            text.extend_from_slice(tail);
            text
        };
        let load = |tail: &[u8], skip: bool| {
            let mut b = Bundle::new(Limits::default()).skip_bad_rows(skip);
            b.add_bytes("events_eventtype.csv", b"id,code\n1,x\n")
                .unwrap();
            b.add_bytes("events_event.csv", &events(tail)).unwrap();
            b.finish()
        };
        // Cut in an unquoted field, in a quoted one, in a timestamp.
        for tail in [&b"3,1,,"[..], b"3,1,,,,\"{\"\"scr", b"3,1,,,,{},2024-01-0"] {
            let err = load(tail, false).unwrap_err();
            assert_eq!(
                err.to_string(),
                "events_event.csv ends in the middle of line 4: the file is incomplete, export it again; or go on without the row cut off",
                "{}",
                String::from_utf8_lossy(tail)
            );
            assert!(
                matches!(&err.kind, LoadErrorKind::MalformedRows(m) if m.cut_off && m.total == 1)
            );
            let loaded = load(tail, true).unwrap();
            assert_eq!(loaded.dataset.events.len(), 2);
            assert_eq!(
                loaded.incomplete_files(),
                ["events_event.csv ends in the middle of line 4: the file is incomplete, and this report lacks the rest of it"]
            );
            assert!(
                loaded.warnings.iter().any(|w| w.to_string().starts_with(
                    "events_event.csv: 1 row where the file ends is cut off (the file is incomplete: it ends in the middle of line 4; export it again); left out"
                )),
                "{:?}",
                loaded.warnings
            );
        }
        // A last row without a line end that reads well is a row.
        let loaded = load(b"3,1,,,,{},2024-01-02 00:00:00+00", false).unwrap();
        assert_eq!(loaded.dataset.events.len(), 3);
        assert!(loaded.incomplete_files().is_empty());
        // A bad row in the middle stays a bad row.
        let err = load(b"x,1,,,,{},2024-01-02 00:00:00+00\n", false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("events_event.csv, line 4, column `id`: found \"x\""),
            "{err}"
        );
    }

    #[test]
    fn a_cut_off_file_comes_first_among_bad_rows() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "auth_user.csv",
            b"id,username,email,date_joined\nbo,b,b@x,2024-01-01 00:00:00+00\n",
        )
        .unwrap();
        let mut text = b"id,name\n".to_vec();
        for i in 1..=7093 {
            text.extend_from_slice(format!("{i},c\n").as_bytes());
        }
        text.extend_from_slice(b"7094,\"St. M");
        b.add_bytes("hub_church.csv", &text).unwrap();
        let err = b.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "hub_church.csv ends in the middle of line 7,095: the file is incomplete, export it again; 1 other row of the bundle cannot be read either; or go on without these 2 rows"
        );
    }

    #[test]
    fn a_dump_cut_off_is_named_incomplete() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "dump.json",
            br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}}, {"model": "hub.church", "pk": 2, "fie"#,
        )
        .unwrap();
        let err = b.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "dump.json ends in the middle of its array, inside object 1: the file is incomplete, export it again; or go on without the object cut off"
        );
        let mut b = Bundle::new(Limits::default());
        let err = b
            .add_bytes(
                "dump.json",
                br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}},"#,
            )
            .and_then(|()| b.finish().map(|_| ()))
            .unwrap_err();
        assert!(err.to_string().contains("the file ends in the middle of its array, between two objects: the file is incomplete, export it again"), "{err}");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(7093), "7,093");
        assert_eq!(grouped(123456), "123,456");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    /// Two files with malformed rows: three bad `id`s and a cut-off row in
    /// the users, one dump object without `fields`; and a fast whose
    /// church is missing (a dangling reference, not malformed).
    fn bundle_with_bad_rows(skip: bool) -> Result<Loaded, LoadError> {
        let mut b = Bundle::new(Limits::default()).skip_bad_rows(skip);
        b.add_bytes(
            "auth_user.csv",
            b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\nbo,b,b@x,2024-01-01 00:00:00+00\n3,c,c@x,2024-01-01 00:00:00+00\n1.5,d,d@x,2024-01-01 00:00:00+00\n-,e,e@x,2024-01-01 00:00:00+00\n6,f\n",
        )?;
        b.add_bytes(
            "dump.json",
            br#"[{"model": "hub.fast", "pk": 1, "fields": {"name": "Lent", "church": 99}},
                {"model": "hub.church", "pk": 2}]"#,
        )?;
        b.finish()
    }

    #[test]
    fn malformed_rows_are_an_error_counted_across_the_bundle() {
        let err = bundle_with_bad_rows(false).unwrap_err();
        assert_eq!(err.file, "auth_user.csv");
        assert_eq!(err.location, Some(Location::Line(3)));
        let LoadErrorKind::MalformedRows(m) = &err.kind else {
            panic!("not MalformedRows: {err:?}");
        };
        assert_eq!(m.column.as_deref(), Some("id"));
        assert_eq!(m.found, "\"bo\"");
        assert_eq!(m.expected, "a whole number");
        // Lines 5 and 6 have the same problem; line 7 and the dump object
        // have others.
        assert_eq!((m.more, m.total), (2, 5));
        let kinds: Vec<String> = m.kinds.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            kinds,
            [
                "auth_user.csv: 3 rows have an unreadable `id`; left out (first at line 3: found \"bo\", expected a whole number)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 7: found the end of the row after 2 fields, expected at least 4 fields)",
                "dump.json: 1 hub.church objects have no `fields`; left out (first at object 1: found nothing, expected an object of the model's fields)",
            ]
        );
        assert_eq!(
            err.to_string(),
            "auth_user.csv, line 3, column `id`: found \"bo\", expected a whole number; 2 more rows of this file have the same problem, and 2 other rows of the bundle cannot be read either; correct the export, or go on without these 5 rows"
        );
    }

    #[test]
    fn one_malformed_object_names_its_field_and_index() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes(
            "dump.json",
            br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}}, {"model": "hub.church", "pk": 2, "fields": {"name": 5}}]"#,
        )
        .unwrap();
        let err = b.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "dump.json, object 1, field `name`: found integer `5`, expected text; no other object of this file has this problem; correct the export, or go on without this object"
        );
    }

    #[test]
    fn skipping_bad_rows_warns_per_kind_and_counts_what_was_left_out() {
        let loaded = bundle_with_bad_rows(true).unwrap();
        assert_eq!(loaded.rows_left_out(), 5);
        assert_eq!(loaded.dataset.users.len(), 2);
        // The six tables the bundle lacks come first (see below).
        assert_eq!(loaded.missing_tables().len(), 6);
        let text: Vec<String> = loaded
            .warnings
            .iter()
            .filter(|w| w.count > 0)
            .map(|w| w.to_string())
            .collect();
        assert_eq!(
            text,
            [
                "auth_user.csv: 3 rows have an unreadable `id`; left out (first at line 3: found \"bo\", expected a whole number)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 7: found the end of the row after 2 fields, expected at least 4 fields)",
                "dump.json: 1 hub.church objects have no `fields`; left out (first at object 1: found nothing, expected an object of the model's fields)",
                // A dangling reference: a warning either way.
                "dump.json: 1 fasts reference churches not in the bundle; shown without a church",
            ]
        );
    }

    #[test]
    fn dangling_references_stay_warnings_without_skipping() {
        let mut b = Bundle::new(Limits::default());
        b.add_bytes("hub_fast.csv", b"id,name,church_id,year\n1,Lent,99,2024\n")
            .unwrap();
        let loaded = b.finish().unwrap();
        assert_eq!(loaded.rows_left_out(), 0);
        assert_eq!(
            loaded.warnings[loaded.missing_tables().len()].to_string(),
            "hub_fast.csv: 1 fasts reference churches not in the bundle; shown without a church"
        );
    }

    #[test]
    fn limit_errors_are_typed_without_front_end_options() {
        let small = Limits {
            max_field_bytes: 64,
            max_json_depth: 4,
            max_unzipped_bytes: 10,
        };
        let dump = |text: &[u8]| {
            let mut b = Bundle::new(small);
            b.add_bytes("dump.json", text).unwrap_err()
        };
        let long = format!(
            r#"[{{"model": "hub.church", "pk": 1, "fields": {{"name": "{}"}}}}]"#,
            "x".repeat(100)
        );
        let err = dump(long.as_bytes());
        assert_eq!(err.kind, LoadErrorKind::FieldTooLong { limit: 64 });
        let err = dump(br#"[{"a": [[[[[1]]]]]}]"#);
        assert_eq!(err.kind, LoadErrorKind::TooDeep { limit: 4 });
        let zip = crate::export::zip(&[crate::export::OutputFile {
            name: "hub_church.csv".into(),
            bytes: b"id,name\n1,St. Mary\n".to_vec(),
        }]);
        let mut b = Bundle::new(small);
        let err = b.add_zip("bundle.zip", &zip).unwrap_err();
        assert_eq!(err.kind, LoadErrorKind::UnzippedTooLarge { limit: 10 });
        let mut b = Bundle::new(small);
        let err = b
            .add_bytes("hub_church.csv", &b",".repeat(1 << 17))
            .unwrap_err();
        assert_eq!(
            err.kind,
            LoadErrorKind::RowTooLong {
                limit: crate::csv_split::record_limit(64)
            }
        );
        for e in [dump(long.as_bytes()), err] {
            assert!(!e.to_string().contains("--"), "{e}");
        }
    }

    #[test]
    fn segment_columns_of_every_file_are_remembered() {
        let mut b = Bundle::new(Limits::default());
        // A users file without rows and without is_staff, then a dump whose
        // users have both flags: the first file still lacks the column.
        b.add_bytes(
            "auth_user.csv",
            b"id,username,email,date_joined,is_superuser\n",
        )
        .unwrap();
        b.add_bytes(
            "dump.json",
            br#"[{"model": "auth.user", "pk": 5, "fields": {"username": "e", "date_joined": "2024-01-01T00:00:00Z", "is_staff": true, "is_superuser": false}},
                 {"model": "hub.church", "pk": 3, "fields": {"name": "C"}},
                 {"model": "hub.profile", "pk": 9, "fields": {"user": ["e"], "church": 3, "fasts": []}},
                 {"model": "hub.profile", "pk": 10, "fields": {"user": 77, "church": 3, "fasts": []}}]"#,
        )
        .unwrap();
        let d = b.finish().unwrap().dataset;
        assert_eq!(
            d.optional_columns.staff_missing,
            [("auth_user.csv".to_string(), "is_staff")]
        );
        assert!(d.optional_columns.church_missing.is_empty());
        assert!(d.users[0].staff);
        // Profile 10's user is not in the bundle: no church for anyone.
        assert_eq!(d.profile_churches, [(0, 3)]);
        assert_eq!(d.church(3).map(|c| &*c.name), Some("C"));
    }

    #[test]
    fn a_known_size_reserves_once_and_loads_the_same_rows() {
        let tables = crate::demo::csv_tables(&crate::demo::DemoConfig::new(1000));
        // `size` scales each file's true size: 0 = not told, 0.5 = told too
        // little, 1 = told right.
        let load = |size: f64, chunk: usize| {
            let mut b = Bundle::new(Limits::default());
            for (name, bytes) in &tables {
                let mut f = b.open(name).unwrap();
                if size > 0.0 {
                    f.expect_bytes((bytes.len() as f64 * size) as u64);
                }
                for c in bytes.chunks(chunk) {
                    f.push(c).unwrap();
                }
                b.close(f).unwrap();
            }
            b.finish().unwrap()
        };
        let plain = load(0.0, 1 << 20);
        // Enough rows that the estimate is made from the first chunks.
        assert!(plain.dataset.events.len() > 15_000);
        assert!(plain.dataset.feed.len() > 10_000);
        // Everything but the interner's hash map, whose order is random.
        let show = |d: &Dataset| {
            let strings: Vec<&str> = (0..d.strings.len() as u32)
                .map(|i| d.strings.get(i))
                .collect();
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {strings:?}",
                d.users, d.fasts, d.memberships, d.event_codes, d.events, d.event_details, d.feed
            )
        };
        let want = show(&plain.dataset);
        for size in [1.0, 0.5] {
            let sized = load(size, 64 << 10);
            assert!(
                show(&sized.dataset) == want,
                "told {size}× the size: other rows"
            );
            // Room reserved beyond the rows was given back.
            let events = &sized.dataset.events;
            assert_eq!(events.timestamp.capacity(), events.len());
            assert_eq!(events.detail.capacity(), events.len());
        }
    }
}
