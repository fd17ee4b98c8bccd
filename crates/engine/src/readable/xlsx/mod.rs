//! `report.xlsx` (SPEC §9a): a Summary sheet, then one sheet per data set,
//! each with a frozen bold header row, an auto-filter and typed cells.
//!
//! The SpreadsheetML parts are written here with `quick-xml` (which escapes
//! every value) and zipped by the engine's own deterministic zip settings.
//! `rust_xlsxwriter` was not used: its `zip` dependency turns on flate2's
//! zlib-rs backend for the whole build, which would change the bytes of
//! every zip the engine already writes.
//!
//! This module gathers the sheets and zips the parts; `parts` writes the
//! package's XML besides the sheets, `sheet` one worksheet.

use std::io::{Cursor, Write};

use chrono::Datelike;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::input::{Headline, ReadableInput};
use crate::period::Date;
use crate::table::{Cell, Table};
use crate::timestamp::{days_from_civil, Timestamp, MICROS_PER_DAY};

mod parts;
mod sheet;

use parts::{app_props, content_types, core_props, root_rels, styles, workbook, workbook_rels};
use sheet::worksheet;

/// The file name.
pub const FILE_NAME: &str = "report.xlsx";
/// Rows of an Excel sheet.
pub const MAX_ROWS: usize = 1_048_576;
/// Characters (UTF-16 units) of an Excel cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Characters of a sheet name.
pub const MAX_SHEET_NAME: usize = 31;

/// Why the workbook could not be written.
#[derive(Debug)]
pub struct XlsxError(String);

impl std::fmt::Display for XlsxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot write {FILE_NAME}: {}; the data sets are too large for a workbook, use the CSV or JSON files instead",
            self.0
        )
    }
}

impl std::error::Error for XlsxError {}

impl From<std::io::Error> for XlsxError {
    fn from(e: std::io::Error) -> Self {
        XlsxError(e.to_string())
    }
}

impl From<zip::result::ZipError> for XlsxError {
    fn from(e: zip::result::ZipError) -> Self {
        XlsxError(e.to_string())
    }
}

// Cell styles, indices into styles.xml's cellXfs.
const STYLE_BOLD: &str = "1";
const STYLE_DATETIME: &str = "2";
const STYLE_DATE: &str = "3";

const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// One sheet to write: a name and its rows.
struct Sheet<'t, 'a> {
    name: String,
    body: SheetBody<'t, 'a>,
}

enum SheetBody<'t, 'a> {
    /// The Summary: free rows, no header.
    Summary(Vec<Vec<(Cell<'static>, bool)>>),
    /// Rows `range` of a table, under its header.
    Table(&'t Table<'a>, std::ops::Range<usize>),
}

/// `report.xlsx` for `input`. The same input gives the same bytes.
pub fn report_xlsx(input: &ReadableInput<'_>) -> Result<Vec<u8>, XlsxError> {
    let data = input.data_sets();
    let extra: Vec<&Table<'_>> = input
        .sections
        .iter()
        .flat_map(|s| s.tables.iter().map(|t| &t.table))
        .collect();
    let tables: Vec<&Table<'_>> = data.iter().chain(extra).collect();

    // A table longer than a sheet goes on as "<name> (2)", … .
    let per_sheet = MAX_ROWS - 1;
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    for t in &tables {
        let parts = t.len().div_ceil(per_sheet).max(1);
        for part in 0..parts {
            let suffix = if part == 0 {
                String::new()
            } else {
                format!(" ({})", part + 1)
            };
            let name = unique_name(&mut names, t.name(), &suffix);
            let end = ((part + 1) * per_sheet).min(t.len());
            sheets.push(Sheet {
                name,
                body: SheetBody::Table(t, part * per_sheet..end),
            });
        }
    }
    let summary = Sheet {
        name: unique_name(&mut names, "Summary", ""),
        body: SheetBody::Summary(summary_rows(input, &sheets)),
    };
    sheets.insert(0, summary);
    let title = format!(
        "Engagement report {} to {}",
        input.period.start(),
        input.period.end()
    );
    workbook_bytes(&sheets, &title)
}

/// A workbook of one sheet, `sheet`, holding `table` under its header (a
/// frozen bold row and an auto-filter, typed cells, as in `report.xlsx`):
/// for lists people work from, such as the People view's call list.
pub fn table_xlsx(table: &Table<'_>, sheet: &str, title: &str) -> Result<Vec<u8>, XlsxError> {
    if table.len() >= MAX_ROWS {
        return Err(XlsxError(format!(
            "{} rows do not fit on one sheet",
            table.len()
        )));
    }
    let sheets = [Sheet {
        name: unique_name(&mut Vec::new(), sheet, ""),
        body: SheetBody::Table(table, 0..table.len()),
    }];
    workbook_bytes(&sheets, title)
}

/// The workbook's file: its parts, zipped with fixed dates.
fn workbook_bytes(sheets: &[Sheet<'_, '_>], title: &str) -> Result<Vec<u8>, XlsxError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let part = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>,
                name: &str,
                body: &dyn Fn(&mut Writer<&mut dyn Write>) -> std::io::Result<()>|
     -> Result<(), XlsxError> {
        zip.start_file(name, options)?;
        // Many small writes: buffered before the compressor.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, zip);
        let out: &mut dyn Write = &mut buffered;
        let mut w = Writer::new(out);
        w.write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )))?;
        body(&mut w)?;
        buffered.flush()?;
        Ok(())
    };
    part(&mut zip, "[Content_Types].xml", &|w| {
        content_types(w, sheets.len())
    })?;
    part(&mut zip, "_rels/.rels", &root_rels)?;
    part(&mut zip, "docProps/app.xml", &app_props)?;
    part(&mut zip, "docProps/core.xml", &|w| core_props(w, title))?;
    part(&mut zip, "xl/workbook.xml", &|w| workbook(w, sheets))?;
    part(&mut zip, "xl/_rels/workbook.xml.rels", &|w| {
        workbook_rels(w, sheets.len())
    })?;
    part(&mut zip, "xl/styles.xml", &styles)?;
    for (i, sheet) in sheets.iter().enumerate() {
        part(
            &mut zip,
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            &|w| worksheet(w, sheet, i == 0),
        )?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `base` + `suffix` cut to Excel's 31 characters, without the characters
/// Excel forbids, and not equal (ignoring case) to an earlier name.
fn unique_name(taken: &mut Vec<String>, base: &str, suffix: &str) -> String {
    let clean: String = base
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let mut n = 1;
    loop {
        let tail = if n == 1 {
            suffix.to_string()
        } else {
            format!("{suffix}~{n}")
        };
        let keep = MAX_SHEET_NAME.saturating_sub(tail.chars().count());
        let name: String = clean.chars().take(keep).chain(tail.chars()).collect();
        if !taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            taken.push(name.clone());
            return name;
        }
        n += 1;
    }
}

/// The Summary sheet's rows: `(cell, bold)`.
fn summary_rows(
    input: &ReadableInput<'_>,
    sheets: &[Sheet<'_, '_>],
) -> Vec<Vec<(Cell<'static>, bool)>> {
    let text = |s: &str| (Cell::TextOwned(s.to_string()), false);
    let bold = |s: &str| (Cell::Plain(s.to_string()), true);
    let num = |v: f64| (Cell::Float(v), false);
    let opt = |v: Option<f64>| (v.map_or(Cell::Null, Cell::Float), false);
    let mut rows = vec![
        vec![bold("Engagement report")],
        vec![
            bold("Period start"),
            (Cell::Date(input.period.start()), false),
        ],
        vec![bold("Period end"), (Cell::Date(input.period.end()), false)],
        vec![bold("Time zone"), text(&input.report.range.timezone)],
        vec![bold("Segment"), text(input.segment.unwrap_or("all users"))],
    ];
    if input.pseudonyms.is_some() {
        rows.push(vec![bold("Names"), text(super::PSEUDONYMS_NOTE)]);
    }
    rows.extend([
        vec![],
        vec![
            bold("Figure"),
            bold("This period"),
            bold("Previous period"),
            bold("Change"),
            bold("Change %"),
        ],
    ]);
    rows.extend(input.headline.iter().map(|h: &Headline| match &h.needs {
        // What the figure needs, never a zero (SPEC §2d).
        Some(needs) => vec![text(&h.label), text(needs)],
        None => vec![
            text(&h.label),
            num(h.current),
            opt(h.previous),
            opt(h.change),
            opt(h.change_pct),
        ],
    }));
    rows.push(vec![]);
    rows.push(vec![bold("Sheet"), bold("Rows")]);
    for s in sheets {
        if let SheetBody::Table(_, range) = &s.body {
            rows.push(vec![text(&s.name), (Cell::Int(range.len() as i64), false)]);
        }
    }
    rows.push(vec![]);
    rows.push(vec![bold("Warnings")]);
    if input.warnings.is_empty() {
        rows.push(vec![text("None: every row of the input was used.")]);
    }
    // As report.html states them: the file without its folder.
    rows.extend(input.warnings.iter().map(|w| vec![text(&w.report_text())]));
    rows
}

/// Column letters of 0-based column `i`: A … Z, AA … .
fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// Excel's serial day number of a date (1900 system): days since
/// 1899-12-30. `None` before 1900-03-01, where Excel's calendar is wrong.
fn date_serial(d: Date) -> Option<f64> {
    let days = days_from_civil(d.year(), d.month(), d.day()) + 25_569;
    (days >= 61).then_some(days as f64)
}

/// Excel's serial number of an instant (UTC).
fn time_serial(t: Timestamp) -> Option<f64> {
    let serial = t.0 as f64 / MICROS_PER_DAY as f64 + 25_569.0;
    (serial >= 61.0).then_some(serial)
}

/// Text as a SpreadsheetML string: characters XML 1.0 cannot hold (and
/// carriage returns, which XML readers would turn into line feeds) become
/// `_xHHHH_` escapes, and text that looks like such an escape is escaped
/// itself, so every reader gets the exact text back. Cut to Excel's cell
/// limit.
fn sheet_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut units = 0;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            break;
        }
        let looks_escaped = c == '_'
            && bytes.len() >= i + 7
            && bytes[i + 1] == b'x'
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 6] == b'_';
        if looks_escaped {
            out.push_str("_x005F_");
        } else if (c < ' ' && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}' {
            out.push_str(&format!("_x{:04X}_", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The XML writer every part is written with.
type W<'w> = Writer<&'w mut dyn Write>;

#[cfg(test)]
mod tests {
    use super::parts::absolute;
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27 * 26), "AAA");
        assert_eq!(absolute("A1:AB21"), "$A$1:$AB$21");
        let d = |s| crate::period::parse_date("t", s).unwrap();
        assert_eq!(date_serial(d("2025-01-15")), Some(45672.0));
        assert_eq!(date_serial(d("1900-03-01")), Some(61.0));
        assert_eq!(date_serial(d("1900-02-28")), None);
        let t = Timestamp::parse("2025-01-15T12:00:00Z").unwrap();
        assert_eq!(time_serial(t), Some(45672.5));
        assert_eq!(
            sheet_text("a\rb\u{1}c_x0041_d"),
            "a_x000D_b_x0001_c_x005F_x0041_d"
        );
        let mut taken = Vec::new();
        assert_eq!(unique_name(&mut taken, "a/b", ""), "a_b");
        assert_eq!(unique_name(&mut taken, "A_B", ""), "A_B~2");
        let long = "x".repeat(40);
        assert_eq!(unique_name(&mut taken, &long, " (2)").chars().count(), 31);
    }
}
