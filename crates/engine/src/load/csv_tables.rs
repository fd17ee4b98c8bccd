//! The PostgreSQL CSV tables of SPEC §2a.

pub(super) mod fields;

use super::bad_rows::BadRows;
use super::catalogue::{needed_columns, optional_column, segment_columns, Table};
use super::error::{LoadError, LoadErrorKind};
use super::limits::Limits;
use super::location::Location;
use super::raw::{RawFast, RawTables, RawUser, UserRef};
use super::warning::Warnings;
use crate::csv_split::{Record, SplitError, Splitter};
use crate::id_column::NO_ID;
use crate::timestamp::shorten;
use fields::{
    date, describe_not_utf8, flag, id, object_id, opt_int, parse_i64, text, timestamp, Fields,
    RowError, MAX_COLUMNS,
};

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
mod tests;
