//! A small reader of `.xlsx` workbooks for the engine's tests: sheet names,
//! and each sheet's cells as typed values (numbers, text, booleans, dates by
//! their number format) or formulas, as a spreadsheet program reads them.
//!
//! Written from ECMA-376 (SpreadsheetML) and sharing no code with the
//! engine's writer (`readable/xlsx.rs`), so it checks what the writer wrote
//! rather than what it meant. Its types follow calamine's names
//! (`Xlsx`, `Reader`, `Range`, `Data`), the reader these tests used before:
//! calamine's `zip` dependency switched flate2 to the zlib-rs backend for
//! every `cargo test` build, so the tests' zips were not the shipped ones.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Seek};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

/// A workbook that cannot be read: what and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err(what: impl fmt::Display) -> Error {
    Error(what.to_string())
}

/// A date or time cell: its serial number (days since 1899-12-30, the
/// fraction the time of day), as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExcelDateTime(f64);

impl ExcelDateTime {
    /// The serial number.
    pub fn as_f64(&self) -> f64 {
        self.0
    }
}

/// A cell's value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Data {
    /// No cell, or a cell without a value.
    #[default]
    Empty,
    /// A number (SpreadsheetML stores every number as a double).
    Float(f64),
    /// Text (inline, shared or a formula's text result).
    String(String),
    /// A boolean.
    Bool(bool),
    /// A number whose cell format is a date or time format.
    DateTime(ExcelDateTime),
    /// An error value such as `#N/A`.
    Error(String),
}

/// The cells of a sheet, from its first used cell to its last.
#[derive(Debug, Clone)]
pub struct Range<T> {
    start: (u32, u32),
    width: usize,
    height: usize,
    cells: Vec<T>,
}

impl<T: Default + PartialEq> Range<T> {
    fn new(mut found: Vec<((u32, u32), T)>) -> Range<T> {
        found.retain(|(_, v)| *v != T::default());
        let Some(top) = found.iter().map(|((r, _), _)| *r).min() else {
            return Range {
                start: (0, 0),
                width: 0,
                height: 0,
                cells: Vec::new(),
            };
        };
        let left = found.iter().map(|((_, c), _)| *c).min().unwrap();
        let bottom = found.iter().map(|((r, _), _)| *r).max().unwrap();
        let right = found.iter().map(|((_, c), _)| *c).max().unwrap();
        let width = (right - left + 1) as usize;
        let height = (bottom - top + 1) as usize;
        let mut cells: Vec<T> = (0..width * height).map(|_| T::default()).collect();
        for ((r, c), v) in found {
            cells[(r - top) as usize * width + (c - left) as usize] = v;
        }
        Range {
            start: (top, left),
            width,
            height,
            cells,
        }
    }

    /// The value at the absolute `(row, column)` (0-based): `None` outside
    /// the used range, the default (empty) value for an empty cell in it.
    pub fn get_value(&self, (row, col): (u32, u32)) -> Option<&T> {
        let r = row.checked_sub(self.start.0)? as usize;
        let c = col.checked_sub(self.start.1)? as usize;
        if r >= self.height || c >= self.width {
            return None;
        }
        self.cells.get(r * self.width + c)
    }

    /// Rows from the first used row to the last.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Columns from the first used column to the last.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The range's rows, each a slice of its cells (empty cells included).
    pub fn rows(&self) -> impl Iterator<Item = &[T]> {
        self.cells.chunks(self.width.max(1))
    }

    /// The non-empty cells, row by row: (row, column) relative to the
    /// range's first cell, and the value.
    pub fn used_cells(&self) -> impl Iterator<Item = (usize, usize, &T)> {
        let width = self.width.max(1);
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != T::default())
            .map(move |(i, v)| (i / width, i % width, v))
    }
}

/// What a workbook gives.
pub trait Reader {
    /// The sheets' names, in the workbook's order.
    fn sheet_names(&self) -> Vec<String>;
    /// The values of sheet `name`.
    fn worksheet_range(&mut self, name: &str) -> Result<Range<Data>, Error>;
    /// The formulas of sheet `name` (the text of each cell's `<f>`).
    fn worksheet_formula(&mut self, name: &str) -> Result<Range<String>, Error>;
}

/// An `.xlsx` workbook read from `R`.
pub struct Xlsx<R> {
    zip: zip::ZipArchive<R>,
    /// (sheet name, its part's path in the zip).
    sheets: Vec<(String, String)>,
    shared: Vec<String>,
    /// Per cell style (`cellXfs` index): whether its number format is a
    /// date or time.
    date_styles: Vec<bool>,
}

impl<R: Read + Seek> Xlsx<R> {
    /// Opens the workbook: its sheet list, shared strings and styles.
    pub fn new(reader: R) -> Result<Xlsx<R>, Error> {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| err(format!("not a zip: {e}")))?;
        let workbook =
            part(&mut zip, "xl/workbook.xml")?.ok_or_else(|| err("no xl/workbook.xml"))?;
        let rels = part(&mut zip, "xl/_rels/workbook.xml.rels")?
            .ok_or_else(|| err("no xl/_rels/workbook.xml.rels"))?;
        let mut targets = HashMap::new();
        for e in elements(&rels, "Relationship")? {
            let target = attr(&e, "Target")?.unwrap_or_default();
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            targets.insert(attr(&e, "Id")?.unwrap_or_default(), path);
        }
        let mut sheets = Vec::new();
        for e in elements(&workbook, "sheet")? {
            let name = attr(&e, "name")?.ok_or_else(|| err("a sheet without a name"))?;
            let id = attr(&e, "r:id")?.ok_or_else(|| err(format!("sheet {name}: no r:id")))?;
            let path = targets
                .get(&id)
                .ok_or_else(|| err(format!("sheet {name}: no relationship {id}")))?;
            sheets.push((name, path.clone()));
        }
        let shared = match part(&mut zip, "xl/sharedStrings.xml")? {
            Some(xml) => shared_strings(&xml)?,
            None => Vec::new(),
        };
        let date_styles = match part(&mut zip, "xl/styles.xml")? {
            Some(xml) => date_styles(&xml)?,
            None => Vec::new(),
        };
        Ok(Xlsx {
            zip,
            sheets,
            shared,
            date_styles,
        })
    }

    fn sheet_xml(&mut self, name: &str) -> Result<String, Error> {
        let path = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| err(format!("no sheet {name:?}")))?;
        part(&mut self.zip, &path)?.ok_or_else(|| err(format!("no part {path}")))
    }
}

impl<R: Read + Seek> Reader for Xlsx<R> {
    fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    fn worksheet_range(&mut self, name: &str) -> Result<Range<Data>, Error> {
        let xml = self.sheet_xml(name)?;
        let cells = sheet_cells(&xml)?;
        let mut values = Vec::with_capacity(cells.len());
        for cell in cells {
            let number = |v: &str| {
                v.trim()
                    .parse::<f64>()
                    .map_err(|e| err(format!("{name}: {v:?} is not a number: {e}")))
            };
            let value = match (cell.kind.as_str(), &cell.value, &cell.inline) {
                ("inlineStr", _, Some(text)) => Data::String(text.clone()),
                ("s", Some(v), _) => {
                    let i: usize = v
                        .trim()
                        .parse()
                        .map_err(|e| err(format!("{name}: shared string {v:?}: {e}")))?;
                    Data::String(
                        self.shared
                            .get(i)
                            .cloned()
                            .ok_or_else(|| err(format!("{name}: no shared string {i}")))?,
                    )
                }
                ("str", Some(v), _) => Data::String(v.clone()),
                ("b", Some(v), _) => Data::Bool(v.trim() == "1"),
                ("e", Some(v), _) => Data::Error(v.clone()),
                ("n" | "", Some(v), _) => {
                    let n = number(v)?;
                    if self.date_styles.get(cell.style).copied().unwrap_or(false) {
                        Data::DateTime(ExcelDateTime(n))
                    } else {
                        Data::Float(n)
                    }
                }
                _ => Data::Empty,
            };
            values.push((cell.at, value));
        }
        Ok(Range::new(values))
    }

    fn worksheet_formula(&mut self, name: &str) -> Result<Range<String>, Error> {
        let xml = self.sheet_xml(name)?;
        let cells = sheet_cells(&xml)?;
        Ok(Range::new(
            cells
                .into_iter()
                .filter_map(|c| c.formula.map(|f| (c.at, f)))
                .collect(),
        ))
    }
}

/// A part of the zip as text, `None` when there is no such part.
fn part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, path: &str) -> Result<Option<String>, Error> {
    let mut file = match zip.by_name(path) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(err(format!("{path}: {e}"))),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| err(format!("{path}: {e}")))?;
    Ok(Some(text))
}

/// Every element named `name` (start or empty tag), owned.
fn elements(xml: &str, name: &str) -> Result<Vec<BytesStart<'static>>, Error> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(err)? {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == name => {
                out.push(e.into_owned())
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The value of attribute `key` (its qualified name), unescaped.
fn attr(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, Error> {
    for a in e.attributes() {
        let a = a.map_err(err)?;
        if a.key.as_ref() == key {
            let value = a.normalized_value(XmlVersion::Implicit1_0).map_err(err)?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// Text content as an XML 1.0 reader gives it (line ends normalised,
/// entities resolved), then SpreadsheetML's `_xHHHH_` escapes decoded.
struct TextCollector {
    raw: String,
}

impl TextCollector {
    fn new() -> Self {
        TextCollector { raw: String::new() }
    }

    fn push(&mut self, event: &Event<'_>) -> Result<(), Error> {
        match event {
            Event::Text(t) => self.raw.push_str(&t.xml10_content()),
            Event::CData(t) => self.raw.push_str(t),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(err)? {
                    self.raw.push(c);
                } else {
                    let name: &str = r;
                    let text = resolve_predefined_entity(name)
                        .ok_or_else(|| err(format!("unknown entity &{name};")))?;
                    self.raw.push_str(text);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> String {
        decode_escapes(&self.raw)
    }
}

/// Decodes ECMA-376's `_xHHHH_` escapes (a UTF-16 code unit each), left to
/// right: `_x005F_x0041_` is the text `_x0041_`.
fn decode_escapes(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut units: Vec<u16> = Vec::new();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        out.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{FFFD}')));
    };
    while i < bytes.len() {
        let escape = bytes.len() >= i + 7
            && bytes[i] == b'_'
            && bytes[i + 1] == b'x'
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 6] == b'_';
        if escape {
            let hex = &s[i + 2..i + 6];
            units.push(u16::from_str_radix(hex, 16).expect("four hex digits"));
            i += 7;
        } else {
            flush(&mut units, &mut out);
            let c = s[i..].chars().next().expect("inside the text");
            out.push(c);
            i += c.len_utf8();
        }
    }
    flush(&mut units, &mut out);
    out
}

/// The shared strings table: each `<si>`'s text (plain or rich runs).
fn shared_strings(xml: &str) -> Result<Vec<String>, Error> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<TextCollector> = None;
    let mut in_t = false;
    loop {
        let event = reader.read_event().map_err(err)?;
        match &event {
            Event::Start(e) if e.name().as_ref() == "si" => current = Some(TextCollector::new()),
            Event::End(e) if e.name().as_ref() == "si" => out.push(
                current
                    .take()
                    .map(TextCollector::finish)
                    .unwrap_or_default(),
            ),
            Event::Empty(e) if e.name().as_ref() == "si" => out.push(String::new()),
            Event::Start(e) if e.name().as_ref() == "t" => in_t = true,
            Event::End(e) if e.name().as_ref() == "t" => in_t = false,
            Event::Eof => return Ok(out),
            _ if in_t => {
                if let Some(c) = current.as_mut() {
                    c.push(&event)?;
                }
            }
            _ => {}
        }
    }
}

/// Built-in number formats that are dates or times (ECMA-376 §18.8.30).
fn builtin_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a format code shows a date or time: a `y`, `m`, `d`, `h` or `s`
/// outside quoted text, escapes and `[...]` sections.
fn date_format_code(code: &str) -> bool {
    let mut chars = code.chars();
    let mut quoted = false;
    let mut bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// For each cell style of `cellXfs`, whether its number format is a date.
fn date_styles(xml: &str) -> Result<Vec<bool>, Error> {
    let mut custom: HashMap<u32, bool> = HashMap::new();
    for e in elements(xml, "numFmt")? {
        let id = attr(&e, "numFmtId")?.unwrap_or_default();
        let code = attr(&e, "formatCode")?.unwrap_or_default();
        custom.insert(id.parse().map_err(err)?, date_format_code(&code));
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_cell_xfs = false;
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(err)? {
            Event::Start(e) if e.name().as_ref() == "cellXfs" => in_cell_xfs = true,
            Event::End(e) if e.name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Event::Start(e) | Event::Empty(e) if in_cell_xfs && e.name().as_ref() == "xf" => {
                let id: u32 = attr(&e, "numFmtId")?
                    .unwrap_or_else(|| "0".into())
                    .parse()
                    .map_err(err)?;
                out.push(custom.get(&id).copied().unwrap_or(builtin_date_format(id)));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// One `<c>` of a sheet.
struct RawCell {
    at: (u32, u32),
    kind: String,
    style: usize,
    value: Option<String>,
    inline: Option<String>,
    formula: Option<String>,
}

/// `A1` → (0, 0), `AB12` → (11, 27).
fn cell_reference(r: &str) -> Result<(u32, u32), Error> {
    let letters = r.bytes().take_while(u8::is_ascii_uppercase).count();
    if letters == 0 || letters == r.len() {
        return Err(err(format!("bad cell reference {r:?}")));
    }
    let col = r[..letters]
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = r[letters..]
        .parse()
        .map_err(|e| err(format!("bad cell reference {r:?}: {e}")))?;
    Ok((row.checked_sub(1).ok_or_else(|| err("row 0"))?, col))
}

/// Every cell of a sheet part, with its type, style, value, inline text and
/// formula.
fn sheet_cells(xml: &str) -> Result<Vec<RawCell>, Error> {
    #[derive(PartialEq)]
    enum In {
        Nothing,
        Value,
        Formula,
        InlineText,
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cells = Vec::new();
    let mut cell: Option<RawCell> = None;
    let mut inside = In::Nothing;
    let mut text = TextCollector::new();
    let mut next_col = 0u32;
    let mut row = 0u32;
    loop {
        let event = reader.read_event().map_err(err)?;
        match &event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "row" => {
                row = match attr(e, "r")? {
                    Some(r) => r.parse::<u32>().map_err(err)?.saturating_sub(1),
                    None => row,
                };
                next_col = 0;
            }
            Event::End(e) if e.name().as_ref() == "row" => row += 1,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "c" => {
                let at = match attr(e, "r")? {
                    Some(r) => cell_reference(&r)?,
                    None => (row, next_col),
                };
                next_col = at.1 + 1;
                let c = RawCell {
                    at,
                    kind: attr(e, "t")?.unwrap_or_default(),
                    style: attr(e, "s")?
                        .unwrap_or_else(|| "0".into())
                        .parse()
                        .map_err(err)?,
                    value: None,
                    inline: None,
                    formula: None,
                };
                if matches!(event, Event::Empty(_)) {
                    cells.push(c);
                } else {
                    cell = Some(c);
                }
            }
            Event::End(e) if e.name().as_ref() == "c" => cells.extend(cell.take()),
            Event::Start(e) if cell.is_some() => {
                inside = match e.name().as_ref() {
                    "v" => In::Value,
                    "f" => In::Formula,
                    "t" => In::InlineText,
                    _ => In::Nothing,
                };
                text = TextCollector::new();
            }
            Event::End(e) if cell.is_some() && inside != In::Nothing => {
                let done = std::mem::replace(&mut text, TextCollector::new()).finish();
                let c = cell.as_mut().expect("inside a cell");
                match (&inside, e.name().as_ref()) {
                    (In::Value, "v") => c.value = Some(done),
                    (In::Formula, "f") => c.formula = Some(done),
                    (In::InlineText, "t") => {
                        c.inline.get_or_insert_with(String::new).push_str(&done)
                    }
                    _ => {}
                }
                inside = In::Nothing;
            }
            Event::Empty(e) if cell.is_some() && e.name().as_ref() == "f" => {
                // A shared formula's other cells: `<f t="shared" si="0"/>`.
                cell.as_mut().expect("inside a cell").formula = Some("(shared)".into());
            }
            Event::Eof => return Ok(cells),
            _ if inside != In::Nothing => text.push(&event)?,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_left_to_right() {
        assert_eq!(
            decode_escapes("a_x000D_b_x0001_c_x005F_x0041_d"),
            "a\rb\u{1}c_x0041_d"
        );
        // A surrogate pair of escapes is one character; a lone one is U+FFFD.
        assert_eq!(decode_escapes("_xD83D__xDE4F_"), "🙏");
        assert_eq!(decode_escapes("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(decode_escapes("_x12_ and _xZZZZ_"), "_x12_ and _xZZZZ_");
    }

    #[test]
    fn references_and_date_formats() {
        assert_eq!(cell_reference("A1").unwrap(), (0, 0));
        assert_eq!(cell_reference("AB12").unwrap(), (11, 27));
        assert!(cell_reference("12").is_err());
        assert!(date_format_code("yyyy-mm-dd hh:mm:ss"));
        assert!(!date_format_code("0.00"));
        assert!(!date_format_code("\"days\" 0"));
        assert!(!date_format_code("[Red]0"));
        assert!(builtin_date_format(14) && !builtin_date_format(2));
    }
}
