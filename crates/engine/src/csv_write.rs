//! The CSV writer of tables (SPEC §5): a header, then the rows, text a
//! spreadsheet would run as a formula guarded, `\n` line ends. The data
//! sets' files, `pseudonyms.csv` and the page's call lists are written
//! with it.

use crate::table::{Cell, Table};

/// The UTF-8 byte-order mark (SPEC §9a: Excel then shows non-Latin names).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Prefixes `'` to text a spreadsheet would run as a formula (SPEC §5).
pub fn guard_formula(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Writes a CSV file of `header` and `rows` to `out`.
pub fn write<'r>(
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell<'r>>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(header)?;
    let mut buf = String::new();
    for row in rows {
        for cell in row {
            buf.clear();
            let field: &str = match &cell {
                Cell::Text(t) => {
                    buf.push_str(&guard_formula(t));
                    &buf
                }
                Cell::TextOwned(t) => {
                    buf.push_str(&guard_formula(t));
                    &buf
                }
                Cell::Plain(s) => s,
                other => {
                    other.write_text(&mut buf);
                    &buf
                }
            };
            w.write_field(field)?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// A whole table, written to `out`.
pub fn table_to(t: &Table<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let header: Vec<&str> = t.columns().iter().map(String::as_str).collect();
    write(&header, t.rows(), out)
}

/// Any table as a CSV file for people: a UTF-8 byte-order mark (so that
/// Excel shows non-Latin names), its header, its rows, text guarded against
/// formulas as in the data sets' files.
pub fn table_csv_for_people(table: &Table<'_>) -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    table_to(table, &mut out).expect("writing to memory does not fail");
    out
}
