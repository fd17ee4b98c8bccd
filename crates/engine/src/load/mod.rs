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
mod id_column;
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
}

impl LoadError {
    pub(crate) fn new(file: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_string(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some(loc) => write!(f, "{}, {loc}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// A counted problem the report could do without: shown to the user, never
/// hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file (or table) concerned.
    pub file: String,
    /// How many rows or objects.
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
        write!(
            f,
            "{}: {} {}; {}",
            self.file, self.count, self.what, self.outcome
        )?;
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
}

impl Table {
    /// Every table, in SPEC order.
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
        }
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

/// Recognises a file by its name (the part after the last `/` or `\`).
pub fn file_kind(path: &str) -> FileKind {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if let Some(table) = Table::ALL.into_iter().find(|t| t.file_name() == lower) {
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
}

enum FileParser {
    Csv(csv_tables::CsvTableParser),
    Dump(dumpdata::DumpParser),
}

impl FileLoader {
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

    fn finish(self) -> Result<(RawTables, Warnings), LoadError> {
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
}

/// Collects the files of one bundle.
#[derive(Debug)]
pub struct Bundle {
    limits: Limits,
    raw: RawTables,
    warnings: Warnings,
    unzipped: u64,
}

impl Bundle {
    /// An empty bundle.
    pub fn new(limits: Limits) -> Self {
        Bundle {
            limits,
            raw: RawTables::default(),
            warnings: Warnings::default(),
            unzipped: 0,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Starts a CSV table or dump file. Returns `None` for a name that is
    /// neither (a zip goes to [`Bundle::add_zip`]); the file is then noted
    /// as skipped.
    pub fn open(&mut self, name: &str) -> Option<FileLoader> {
        let inner = match file_kind(name) {
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
        })
    }

    /// Notes a file that is not part of an export.
    pub fn skip(&mut self, name: &str) {
        self.warnings.add(
            name,
            "file is not an export table, dump or zip this report reads",
            "skipped",
            None,
        );
    }

    /// Ends a file and adds its rows.
    pub fn close(&mut self, file: FileLoader) -> Result<(), LoadError> {
        let (raw, warnings) = file.finish()?;
        self.raw.append(raw);
        self.warnings.extend(warnings);
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
        zip_input::add_zip(self, name, bytes)
    }

    /// Resolves references and builds the [`Dataset`].
    pub fn finish(self) -> Result<Loaded, LoadError> {
        let mut warnings = self.warnings;
        let counts = self.raw.counts();
        let dataset = resolve::resolve(self.raw, &mut warnings)?;
        Ok(Loaded {
            dataset,
            counts,
            warnings: warnings.into_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unknown_files_are_skipped_with_a_notice() {
        let mut b = Bundle::new(Limits::default());
        assert!(b.open("readme.txt").is_none());
        b.add_bytes("photo.png", b"\x89PNG").unwrap();
        let loaded = b.finish().unwrap();
        assert_eq!(loaded.warnings.len(), 2);
        assert!(loaded.warnings[0]
            .to_string()
            .starts_with("readme.txt: 1 file"));
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
