//! The PostgreSQL CSV tables of SPEC §2a.

use super::bad_rows::BadRows;
use super::catalogue::{needed_columns, optional_column, segment_columns, Table};
use super::error::{LoadError, LoadErrorKind};
use super::limits::Limits;
use super::location::Location;
use super::raw::{RawFast, RawTables, RawUser, UserRef};
use super::warning::Warnings;
use crate::csv_split::{Field, Record, SplitError, Splitter};
use crate::id_column::NO_ID;
use crate::timestamp::{shorten, Timestamp, TIMESTAMP_FORMS};

/// A malformed row (SPEC §2d): counted, left out, and an error unless
/// the bundle skips bad rows.
struct RowIssue {
    /// What is wrong with such rows, e.g. "rows have an unreadable `id`".
    what: String,
    column: String,
    found: String,
    expected: String,
}

impl RowIssue {
    /// `column` holds `field`, which is not `expected`.
    fn column(column: &str, expected: &str, field: &Field<'_>) -> RowIssue {
        RowIssue {
            what: format!("rows have an unreadable `{column}`"),
            column: column.to_string(),
            found: format!("{:?}", shorten(&String::from_utf8_lossy(field.bytes))),
            expected: expected.to_string(),
        }
    }

    /// `column` is empty (NULL or `""`) where `expected` is needed.
    fn empty(column: &str, expected: &str) -> RowIssue {
        RowIssue {
            what: format!("rows have an empty `{column}`"),
            column: column.to_string(),
            found: "an empty field".to_string(),
            expected: expected.to_string(),
        }
    }
}

/// Parses one CSV table file.
pub(crate) struct CsvTableParser {
    file: String,
    table: Table,
    splitter: Splitter,
    /// Position of each needed column in the file; `None` until the header.
    columns: Option<Vec<Option<usize>>>,
    /// Every column name of the header, to name the field a cut-off row
    /// ends in.
    header_names: Vec<String>,
    raw: RawTables,
    warnings: Warnings,
    bad_rows: BadRows,
    rows: u64,
    /// Set while the file's last record, which has no line end, is read:
    /// a malformed last row without a line end is a file cut off in the
    /// middle of it, not a bad value. (A last row that reads well is taken
    /// as it is: hand-written files often lack the final newline.)
    at_cut: bool,
}

/// Most needed columns of any table.
const MAX_COLUMNS: usize = 8;

/// The needed fields of one row, in [`needed_columns`] order; a fixed array
/// so that no row allocates.
type Fields<'r> = [Option<Field<'r>>; MAX_COLUMNS];

/// Why a row cannot be used.
enum RowError {
    /// Left out and counted.
    Issue(RowIssue),
    /// Text that is not UTF-8: the whole file is refused. Holds what was
    /// found (see [`describe_not_utf8`]).
    NotUtf8(String),
}

impl From<RowIssue> for RowError {
    fn from(issue: RowIssue) -> Self {
        RowError::Issue(issue)
    }
}

impl CsvTableParser {
    pub(crate) fn new(file: &str, table: Table, limits: Limits) -> Self {
        let mut raw = RawTables::default();
        raw.note_source(table, file);
        CsvTableParser {
            file: file.to_string(),
            table,
            splitter: Splitter::new(limits.max_field_bytes),
            columns: None,
            header_names: Vec::new(),
            raw,
            warnings: Warnings::default(),
            bad_rows: BadRows::default(),
            rows: 0,
            at_cut: false,
        }
    }

    /// Once enough rows are in to know their average size (`read` of the
    /// file's `total` bytes parsed), makes room for the rest of the file,
    /// plus a margin: rows vary, and an underestimate would double a column
    /// at the end. Only the two big tables bother. Returns whether that is
    /// settled, so the caller stops asking.
    pub(crate) fn reserve_for_the_rest(&mut self, read: u64, total: u64) -> bool {
        const SAMPLE_ROWS: u64 = 10_000;
        const MARGIN: f64 = 1.1;
        if !matches!(self.table, Table::Events | Table::Feed) {
            return true;
        }
        if self.rows < SAMPLE_ROWS {
            return false;
        }
        let rows_per_byte = self.rows as f64 / read as f64;
        let rest_bytes = total.saturating_sub(read) as f64;
        let rest_rows = (rest_bytes * rows_per_byte * MARGIN) as usize;
        match self.table {
            Table::Events => self.raw.events.reserve(rest_rows),
            Table::Feed => self.raw.feed.reserve(rest_rows),
            _ => {}
        }
        true
    }

    /// A parser for a later piece of the same file, starting at a record
    /// boundary on `line`, once this one has read the header; `None`
    /// before. Its rows are the file's rows from there on.
    pub(crate) fn continuation(&self, line: u64) -> Option<Self> {
        let columns = self.columns.clone()?;
        let mut raw = RawTables::default();
        raw.note_source(self.table, &self.file);
        Some(CsvTableParser {
            file: self.file.clone(),
            table: self.table,
            splitter: self.splitter.resumed_at(line),
            columns: Some(columns),
            header_names: self.header_names.clone(),
            raw,
            warnings: Warnings::default(),
            bad_rows: BadRows::default(),
            rows: 0,
            at_cut: false,
        })
    }

    /// The line the next record starts on, when the bytes pushed so far
    /// end at a record boundary.
    pub(crate) fn next_record_line(&self) -> Option<u64> {
        self.splitter.at_record_boundary()
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        let mut splitter = std::mem::replace(&mut self.splitter, Splitter::new(0));
        let result = splitter.push(chunk, &mut |r: &Record| self.record(r));
        self.splitter = splitter;
        result.map_err(|e: Failure| e.into_load_error(&self.file))
    }

    pub(crate) fn finish(mut self) -> Result<(RawTables, Warnings, BadRows), LoadError> {
        let mut splitter = std::mem::replace(&mut self.splitter, Splitter::new(0));
        self.at_cut = self.columns.is_some() && splitter.at_record_boundary().is_none();
        match splitter.finish(&mut |r: &Record| self.record(r)) {
            Ok(()) => {}
            // A file cut off inside a quoted field, after the header: its
            // last row is malformed (the rows before it are fine).
            Err(Failure::Split(SplitError::UnterminatedQuote { line }))
                if self.columns.is_some() =>
            {
                let field = splitter.open_field();
                let column = self
                    .header_names
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| format!("field {}", field + 1));
                self.bad_rows.add_cut_off(
                    &self.file,
                    Location::Line(line),
                    Some(&column),
                    "the end of the file inside a quoted field".to_string(),
                    "a closing `\"`",
                );
            }
            Err(e) => return Err(e.into_load_error(&self.file)),
        }
        if self.columns.is_none() {
            return Err(LoadError::new(
                &self.file,
                None,
                format!(
                    "the file is empty; expected a CSV header line with the columns {}",
                    needed_columns(self.table).join(", ")
                ),
            ));
        }
        // Not shrunk here: a file read in pieces keeps the room its first
        // piece reserved for the rest; the bundle shrinks once at the end.
        Ok((self.raw, self.warnings, self.bad_rows))
    }

    fn record(&mut self, record: &Record) -> Result<(), Failure> {
        let Some(columns) = &self.columns else {
            let columns = self.header(record)?;
            self.note_missing_segment_columns(&columns);
            self.columns = Some(columns);
            return Ok(());
        };
        if record.is_blank() {
            return Ok(());
        }
        let line = record.line();
        let mut fields: Fields<'_> = [None; MAX_COLUMNS];
        for (k, c) in columns.iter().enumerate() {
            fields[k] = c.and_then(|i| record.get(i));
        }
        // Segment columns are not needed to read a row.
        let needed = &columns[..needed_columns(self.table).len()];
        let missing = needed
            .iter()
            .zip(&fields)
            .any(|(c, f)| c.is_some() && f.is_none());
        if missing {
            // The first needed column the row has no field for.
            let column = needed_columns(self.table)
                .iter()
                .zip(columns)
                .find(|(_, c)| c.is_some_and(|i| i >= record.len()))
                .map(|(name, _)| *name);
            let at_least = needed.iter().flatten().max().map_or(0, |i| i + 1);
            let column = column.map(str::to_string);
            self.bad_row(
                line,
                "rows have fewer fields than the header".to_string(),
                column.as_deref(),
                format!(
                    "the end of the row after {} field{}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" }
                ),
                &format!("at least {at_least} fields"),
            );
            return Ok(());
        }
        self.rows += 1;
        if let Err(error) = self.row(&fields) {
            let issue = match error {
                RowError::Issue(issue) => issue,
                RowError::NotUtf8(found) => return Err(Failure::NotUtf8 { line, found }),
            };
            self.bad_row(
                line,
                issue.what,
                Some(&issue.column),
                issue.found,
                &issue.expected,
            );
        }
        Ok(())
    }

    /// Counts a malformed row: the file's last row, without a line end,
    /// is a file cut off in the middle of it (SPEC §2d).
    fn bad_row(
        &mut self,
        line: u64,
        what: String,
        column: Option<&str>,
        found: String,
        expected: &str,
    ) {
        let at = Location::Line(line);
        if self.at_cut {
            self.bad_rows
                .add_cut_off(&self.file, at, column, found, expected);
        } else {
            self.bad_rows
                .add(&self.file, at, what, column, found, expected);
        }
    }

    fn header(&mut self, record: &Record) -> Result<Vec<Option<usize>>, Failure> {
        let mut names = Vec::with_capacity(record.len());
        for i in 0..record.len() {
            let bytes = record.get(i).map(|f| f.bytes).unwrap_or_default();
            let bytes = if i == 0 {
                bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
            } else {
                bytes
            };
            let name = std::str::from_utf8(bytes).map_err(|e| Failure::NotUtf8 {
                line: 1,
                found: describe_not_utf8(bytes, &e),
            })?;
            names.push(name.trim().to_ascii_lowercase());
        }
        self.header_names.clone_from(&names);
        let needed = needed_columns(self.table);
        let mut columns = Vec::with_capacity(needed.len());
        for &col in needed {
            let pos = names.iter().position(|n| n == col);
            if pos.is_none() && !optional_column(self.table, col) {
                return Err(Failure::MissingColumn {
                    column: col,
                    found: names,
                    table: self.table,
                });
            }
            columns.push(pos);
        }
        for &col in segment_columns(self.table) {
            columns.push(names.iter().position(|n| n == col));
        }
        Ok(columns)
    }

    /// Notes the segment columns this file's header lacks.
    fn note_missing_segment_columns(&mut self, columns: &[Option<usize>]) {
        let needed = needed_columns(self.table).len();
        let missing = &mut self.raw.optional_columns;
        for (&col, pos) in segment_columns(self.table).iter().zip(&columns[needed..]) {
            if pos.is_some() {
                continue;
            }
            match self.table {
                Table::Users => missing.staff_missing.push((self.file.clone(), col)),
                _ => missing.church_missing.push(self.file.clone()),
            }
        }
    }

    fn row(&mut self, f: &Fields<'_>) -> Result<(), RowError> {
        let raw = &mut self.raw;
        match self.table {
            Table::Users => raw.users.push(RawUser {
                id: id(f, 0, "id")?,
                username: text(f, 1)?.unwrap_or_default().into(),
                email: text(f, 2)?.unwrap_or_default().into(),
                date_joined: timestamp(f, 3, "date_joined")?,
                staff: flag(f, 4) || flag(f, 5),
            }),
            Table::Churches => raw
                .churches
                .push((id(f, 0, "id")?, text(f, 1)?.unwrap_or_default().into())),
            Table::Fasts => raw.fasts.push(RawFast {
                id: id(f, 0, "id")?,
                name: text(f, 1)?.unwrap_or_default().into(),
                church_id: opt_int(f, 2, "church_id")?,
                year: opt_int(f, 3, "year")?,
            }),
            Table::Profiles => {
                let profile = id(f, 0, "id")?;
                let user = id(f, 1, "user_id")?;
                raw.profiles.push((profile, UserRef::Id(user)));
                // Read leniently: the column matters only to `--church`, so
                // a value that is not an id must not cost the profile its
                // memberships; such a profile has no church.
                if let Some(church) = f[2].as_ref().and_then(|c| parse_i64(c.bytes.trim_ascii())) {
                    raw.profile_churches.push((profile, church));
                }
            }
            Table::Memberships => raw
                .memberships
                .push((id(f, 0, "profile_id")?, id(f, 1, "fast_id")?)),
            Table::EventTypes => raw
                .event_types
                .push((id(f, 0, "id")?, text(f, 1)?.unwrap_or_default().into())),
            Table::ContentTypes => raw.content_types.push((
                id(f, 0, "id")?,
                text(f, 1)?.unwrap_or_default().into(),
                text(f, 2)?.unwrap_or_default().into(),
            )),
            Table::Days => {
                id(f, 0, "id")?;
                let date = date(f, 1, "date")?;
                // A day without a fast is a church day: not read (SPEC §2a).
                if let Some(fast) = opt_int(f, 2, "fast_id")? {
                    raw.days.push((fast, date));
                }
            }
            Table::Events => {
                let row_id = id(f, 0, "id")?;
                let event_type = id(f, 1, "event_type_id")?;
                let user = opt_int(f, 2, "user_id")?.unwrap_or(NO_ID);
                let content_type = opt_int(f, 3, "content_type_id")?.unwrap_or(NO_ID);
                let object_id = object_id(f, 4);
                let ts = timestamp(f, 6, "timestamp")?;
                let detail = match text(f, 5)? {
                    Some(data) if data != "{}" => raw.detail_of_text(data),
                    _ => 0,
                };
                let e = &mut raw.events;
                e.id.push(row_id);
                e.event_type.push(event_type);
                e.user.push(user);
                e.content_type.push(content_type);
                e.object_id.push(object_id);
                e.timestamp.push(ts);
                e.detail.push(detail);
            }
            Table::Feed => {
                let row_id = id(f, 0, "id")?;
                let user = id(f, 1, "user_id")?;
                let activity = text(f, 2)?.unwrap_or_default();
                let content_type = opt_int(f, 3, "content_type_id")?.unwrap_or(NO_ID);
                let object_id = object_id(f, 4);
                let ts = timestamp(f, 7, "created_at")?;
                let activity = raw.strings.intern(activity);
                let feed = &mut raw.feed;
                feed.id.push(row_id);
                feed.user.push(user);
                feed.activity_type.push(activity);
                feed.content_type.push(content_type);
                feed.object_id.push(object_id);
                feed.timestamp.push(ts);
                feed.title.push(text(f, 5)?);
                feed.description.push(text(f, 6)?);
            }
        }
        Ok(())
    }
}

/// Text of column `i`; `None` for NULL.
fn text<'a>(f: &'a Fields<'_>, i: usize) -> Result<Option<&'a str>, RowError> {
    match f[i].as_ref() {
        Some(field) if !field.is_null() => field
            .to_str()
            .map(Some)
            .map_err(|e| RowError::NotUtf8(describe_not_utf8(field.bytes, &e))),
        _ => Ok(None),
    }
}

/// A PostgreSQL boolean column (`t`/`f`; also `true`, `1`): true only for
/// those, whatever the case; anything else (and NULL or absent) is false.
fn flag(f: &Fields<'_>, i: usize) -> bool {
    f[i].as_ref()
        .is_some_and(|field| is_true(field.bytes.trim_ascii()))
}

/// Whether text reads as a true boolean (SPEC §8: `t`, `true`, `1`).
pub(crate) fn is_true(bytes: &[u8]) -> bool {
    bytes.eq_ignore_ascii_case(b"t") || bytes.eq_ignore_ascii_case(b"true") || bytes == b"1"
}

/// An integer column that may be NULL.
fn opt_int(f: &Fields<'_>, i: usize, column: &str) -> Result<Option<i64>, RowIssue> {
    let Some(field) = f[i].as_ref() else {
        return Ok(None);
    };
    if field.bytes.is_empty() {
        return Ok(None);
    }
    parse_i64(field.bytes)
        .map(Some)
        .ok_or_else(|| RowIssue::column(column, "a whole number", field))
}

/// An integer column that must be present.
fn id(f: &Fields<'_>, i: usize, column: &str) -> Result<i64, RowIssue> {
    match opt_int(f, i, column)? {
        Some(v) => Ok(v),
        None => Err(RowIssue::empty(column, "a whole number")),
    }
}

/// `object_id`: an id, or nothing when empty or not a number (Django's
/// generic `object_id` is text in some schemas; such ids target no fast).
fn object_id(f: &Fields<'_>, i: usize) -> i64 {
    f[i].as_ref()
        .and_then(|field| parse_i64(field.bytes.trim_ascii()))
        .unwrap_or(NO_ID)
}

fn timestamp(f: &Fields<'_>, i: usize, column: &str) -> Result<i64, RowIssue> {
    let field = f[i]
        .as_ref()
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| RowIssue::empty(column, "a timestamp"))?;
    let text = field.to_str().unwrap_or_default();
    Timestamp::parse(text)
        .map(|t| t.0)
        .map_err(|_| RowIssue::column(column, TIMESTAMP_FORMS, field))
}

/// A calendar date column, `YYYY-MM-DD` (SPEC §2a `hub_day.date`).
fn date(f: &Fields<'_>, i: usize, column: &str) -> Result<crate::period::Date, RowIssue> {
    let field = f[i]
        .as_ref()
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| RowIssue::empty(column, "a date YYYY-MM-DD"))?;
    parse_day(field.to_str().unwrap_or_default())
        .ok_or_else(|| RowIssue::column(column, "a date YYYY-MM-DD", field))
}

/// A calendar date written `YYYY-MM-DD`, as `hub_day.date` is in CSV and
/// in dumps.
pub(crate) fn parse_day(text: &str) -> Option<crate::period::Date> {
    let text = text.trim();
    (text.len() == 10)
        .then(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// Parses a decimal integer without allocating.
pub(crate) fn parse_i64(bytes: &[u8]) -> Option<i64> {
    let (neg, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some(if neg { -v } else { v })
}

/// The first byte that is not UTF-8 and the text just before it, e.g.
/// `byte 0xE9 after "Jos"`.
fn describe_not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> String {
    let before = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
    let start = before.char_indices().rev().nth(29).map_or(0, |(i, _)| i);
    match bytes.get(e.valid_up_to()) {
        Some(b) if before.is_empty() => format!("byte 0x{b:02X}"),
        Some(b) => format!("byte 0x{b:02X} after {:?}", &before[start..]),
        None => "a cut UTF-8 sequence".to_string(),
    }
}

/// Why a CSV file cannot be read at all.
enum Failure {
    Split(SplitError),
    NotUtf8 {
        line: u64,
        found: String,
    },
    MissingColumn {
        column: &'static str,
        found: Vec<String>,
        table: Table,
    },
}

impl From<SplitError> for Failure {
    fn from(e: SplitError) -> Self {
        Failure::Split(e)
    }
}

impl Failure {
    fn into_load_error(self, file: &str) -> LoadError {
        match self {
            Failure::Split(e) => {
                let (line, kind) = match e {
                    SplitError::UnterminatedQuote { line } => (line, LoadErrorKind::Other),
                    SplitError::FieldTooLong { line, limit } => {
                        (line, LoadErrorKind::FieldTooLong { limit })
                    }
                    SplitError::RecordTooLong { line, limit } => {
                        (line, LoadErrorKind::RowTooLong { limit })
                    }
                };
                let text = e.to_string();
                let message = text.split_once(": ").map(|(_, m)| m).unwrap_or(&text);
                LoadError::of_kind(file, Some(Location::Line(line)), kind, message)
            }
            Failure::NotUtf8 { line, found } => LoadError::new(
                file,
                Some(Location::Line(line)),
                format!("the text is not UTF-8 (found {found}); expected UTF-8 text: the file may be a Latin-1 or Windows-1252 export, or not a CSV export at all; export again as UTF-8 CSV"),
            ),
            Failure::MissingColumn {
                column,
                found,
                table,
            } => {
                let hint = if found.len() == 1 && (found[0].contains(';') || found[0].contains('\t')) {
                    " The header looks separated by `;` or tabs: export with commas (PostgreSQL `\\copy ... CSV HEADER`)."
                } else {
                    ""
                };
                LoadError::new(
                    file,
                    Some(Location::Line(1)),
                    format!(
                        "missing column `{column}`; found columns [{}], expected {}.{hint}",
                        found
                            .iter()
                            .map(|s| shorten(s))
                            .collect::<Vec<_>>()
                            .join(", "),
                        needed_columns(table).join(", "),
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`; malformed rows come back as the warnings a bundle
    /// that skips them gives.
    fn parse(table: Table, text: &[u8]) -> Result<(RawTables, Warnings), LoadError> {
        let mut p = CsvTableParser::new(table.file_name(), table, Limits::default());
        for chunk in text.chunks(5) {
            p.push(chunk)?;
        }
        let (raw, mut warnings, bad_rows) = p.finish()?;
        warnings.extend(bad_rows.warnings());
        Ok((raw, warnings))
    }

    #[test]
    fn reads_columns_by_name_in_any_order_with_bom_and_crlf() {
        let (raw, w) = parse(
            Table::Fasts,
            b"\xEF\xBB\xBFextra,church_id,name,id\r\nx,,\"Lent, great\",7\r\n,3,Advent,8\r\n",
        )
        .unwrap();
        assert!(w.list().is_empty());
        assert_eq!(raw.fasts.len(), 2);
        assert_eq!(raw.fasts[0].id, 7);
        assert_eq!(&*raw.fasts[0].name, "Lent, great");
        assert_eq!(raw.fasts[0].church_id, None);
        assert_eq!(raw.fasts[0].year, None); // no year column at all
        assert_eq!(raw.fasts[1].church_id, Some(3));
    }

    #[test]
    fn missing_column_names_file_line_and_expectation() {
        let err = parse(Table::Churches, b"id,title\n1,x\n").unwrap_err();
        assert_eq!(err.file, "hub_church.csv");
        assert_eq!(err.location, Some(Location::Line(1)));
        assert!(err.message.contains("missing column `name`"), "{err}");
        assert!(err.message.contains("found columns [id, title]"), "{err}");
    }

    #[test]
    fn semicolon_files_get_a_hint() {
        let err = parse(Table::Churches, b"id;name\n1;x\n").unwrap_err();
        assert!(err.message.contains("`;`"), "{err}");
    }

    #[test]
    fn bad_rows_are_counted_and_left_out() {
        let (raw, w) = parse(
            Table::Users,
            b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\nx,b,b@x,2024-01-01 00:00:00+00\n3,c,c@x,01/02/2024\n4,d\n,e,e@x,2024-01-01 00:00:00+00\n6,f,f@x,\n7,g,g@x,2024-01-01 00:00:00+00\n8,\"cut\n",
        )
        .unwrap();
        assert_eq!(
            raw.users.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![1, 7]
        );
        let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
        assert_eq!(
            text,
            [
                "auth_user.csv: 1 rows have an unreadable `id`; left out (first at line 3: found \"x\", expected a whole number)",
                "auth_user.csv: 1 rows have an unreadable `date_joined`; left out (first at line 4: found \"01/02/2024\", expected `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` or RFC 3339 like `2024-01-15T14:23:45Z`)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 5: found the end of the row after 2 fields, expected at least 4 fields)",
                "auth_user.csv: 1 rows have an empty `id`; left out (first at line 6: found an empty field, expected a whole number)",
                "auth_user.csv: 1 rows have an empty `date_joined`; left out (first at line 7: found an empty field, expected a timestamp)",
                "auth_user.csv: 1 row where the file ends is cut off (the file is incomplete: it ends in the middle of line 9; export it again); left out (first at line 9: found the end of the file inside a quoted field, expected a closing `\"`)",
            ]
        );
    }

    #[test]
    fn a_quoted_header_that_never_ends_is_an_error() {
        let err = parse(Table::Churches, b"id,\"name\n1,x\n").unwrap_err();
        assert_eq!(err.location, Some(Location::Line(1)));
        assert!(err.message.contains("never ends"), "{err}");
    }

    #[test]
    fn limit_errors_are_typed_and_name_no_front_end_option() {
        let mut p = CsvTableParser::new(
            "hub_church.csv",
            Table::Churches,
            Limits {
                max_field_bytes: 4,
                ..Limits::default()
            },
        );
        let err = p.push(b"id,name\n1,abcde\n").unwrap_err();
        assert_eq!(err.kind, LoadErrorKind::FieldTooLong { limit: 4 });
        assert_eq!(err.location, Some(Location::Line(2)));
        assert!(!err.message.contains("--"), "{err}");
    }

    #[test]
    fn latin1_is_an_error_with_the_line() {
        let err = parse(Table::Churches, b"id,name\n1,ok\n2,Jos\xe9\n").unwrap_err();
        assert_eq!(err.location, Some(Location::Line(3)));
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn empty_file_is_an_error() {
        let err = parse(Table::Churches, b"").unwrap_err();
        assert!(err.message.contains("empty"), "{err}");
    }

    #[test]
    fn staff_flags_and_profile_churches_when_present() {
        let (raw, w) = parse(
            Table::Users,
            b"id,is_superuser,username,email,is_staff,date_joined\n\
              1,f,a,a@x,t,2024-01-01 00:00:00+00\n\
              2,TRUE,b,b@x,f,2024-01-01 00:00:00+00\n\
              3,1,c,c@x,,2024-01-01 00:00:00+00\n\
              4,false,d,d@x,0,2024-01-01 00:00:00+00\n\
              5,,e,e@x,yes,2024-01-01 00:00:00+00\n",
        )
        .unwrap();
        assert!(w.list().is_empty());
        let staff: Vec<bool> = raw.users.iter().map(|u| u.staff).collect();
        assert_eq!(staff, [true, true, true, false, false]);
        assert!(raw.optional_columns.staff_missing.is_empty());

        let (raw, w) = parse(
            Table::Profiles,
            b"id,user_id,church_id\n501,1,3\n502,2,\n503,3,x\n",
        )
        .unwrap();
        assert!(w.list().is_empty());
        assert_eq!(raw.profiles.len(), 3, "an odd church_id costs no profile");
        assert_eq!(raw.profile_churches, [(501, 3)]);
        assert!(raw.optional_columns.church_missing.is_empty());
    }

    #[test]
    fn absent_segment_columns_are_noted_not_needed() {
        // A row short of the trailing is_staff is not short: the column is
        // only read when there.
        let (raw, w) = parse(
            Table::Users,
            b"id,username,email,date_joined,is_staff\n1,a,a@x,2024-01-01 00:00:00+00\n",
        )
        .unwrap();
        assert!(w.list().is_empty());
        assert_eq!(raw.users.len(), 1);
        assert!(!raw.users[0].staff);
        assert_eq!(
            raw.optional_columns.staff_missing,
            [("auth_user.csv".to_string(), "is_superuser")]
        );
        let (raw, _) = parse(Table::Profiles, b"id,user_id\n1,2\n").unwrap();
        assert_eq!(raw.optional_columns.church_missing, ["hub_profile.csv"]);
    }

    #[test]
    fn integers() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-42"), Some(-42));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"1.5"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
    }
}
