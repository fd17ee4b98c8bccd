//! One CSV row's fields read as what their columns hold; a field that
//! cannot be read is a malformed row (SPEC §2d).

use crate::csv_split::Field;
use crate::id_column::NO_ID;
use crate::timestamp::{shorten, Timestamp, TIMESTAMP_FORMS};

/// A malformed row (SPEC §2d): counted, left out, and an error unless
/// the bundle skips bad rows.
pub(super) struct RowIssue {
    /// What is wrong with such rows, e.g. "rows have an unreadable `id`".
    pub(super) what: String,
    pub(super) column: String,
    pub(super) found: String,
    pub(super) expected: String,
}

impl RowIssue {
    /// `column` holds `field`, which is not `expected`.
    pub(super) fn column(column: &str, expected: &str, field: &Field<'_>) -> RowIssue {
        RowIssue {
            what: format!("rows have an unreadable `{column}`"),
            column: column.to_string(),
            found: format!("{:?}", shorten(&String::from_utf8_lossy(field.bytes))),
            expected: expected.to_string(),
        }
    }

    /// `column` is empty (NULL or `""`) where `expected` is needed.
    pub(super) fn empty(column: &str, expected: &str) -> RowIssue {
        RowIssue {
            what: format!("rows have an empty `{column}`"),
            column: column.to_string(),
            found: "an empty field".to_string(),
            expected: expected.to_string(),
        }
    }
}

/// Most needed columns of any table.
pub(super) const MAX_COLUMNS: usize = 8;

/// The needed fields of one row, in [`needed_columns`](crate::load::catalogue::needed_columns) order; a fixed array
/// so that no row allocates.
pub(super) type Fields<'r> = [Option<Field<'r>>; MAX_COLUMNS];

/// Why a row cannot be used.
pub(super) enum RowError {
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

/// Text of column `i`; `None` for NULL.
pub(super) fn text<'a>(f: &'a Fields<'_>, i: usize) -> Result<Option<&'a str>, RowError> {
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
pub(super) fn flag(f: &Fields<'_>, i: usize) -> bool {
    f[i].as_ref()
        .is_some_and(|field| is_true(field.bytes.trim_ascii()))
}

/// Whether text reads as a true boolean (SPEC §8: `t`, `true`, `1`).
pub(crate) fn is_true(bytes: &[u8]) -> bool {
    bytes.eq_ignore_ascii_case(b"t") || bytes.eq_ignore_ascii_case(b"true") || bytes == b"1"
}

/// An integer column that may be NULL.
pub(super) fn opt_int(f: &Fields<'_>, i: usize, column: &str) -> Result<Option<i64>, RowIssue> {
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
pub(super) fn id(f: &Fields<'_>, i: usize, column: &str) -> Result<i64, RowIssue> {
    match opt_int(f, i, column)? {
        Some(v) => Ok(v),
        None => Err(RowIssue::empty(column, "a whole number")),
    }
}

/// `object_id`: an id, or nothing when empty or not a number (Django's
/// generic `object_id` is text in some schemas; such ids target no fast).
pub(super) fn object_id(f: &Fields<'_>, i: usize) -> i64 {
    f[i].as_ref()
        .and_then(|field| parse_i64(field.bytes.trim_ascii()))
        .unwrap_or(NO_ID)
}

pub(super) fn timestamp(f: &Fields<'_>, i: usize, column: &str) -> Result<i64, RowIssue> {
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
pub(super) fn date(
    f: &Fields<'_>,
    i: usize,
    column: &str,
) -> Result<crate::period::Date, RowIssue> {
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
pub(super) fn describe_not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> String {
    let before = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
    let start = before.char_indices().rev().nth(29).map_or(0, |(i, _)| i);
    match bytes.get(e.valid_up_to()) {
        Some(b) if before.is_empty() => format!("byte 0x{b:02X}"),
        Some(b) => format!("byte 0x{b:02X} after {:?}", &before[start..]),
        None => "a cut UTF-8 sequence".to_string(),
    }
}
