//! One worksheet: column widths, the frozen header, the rows and their
//! typed cells.

use super::parts::filter_range;
use super::*;

/// Column widths in characters: the longest text of the header and the
/// first rows, within sensible bounds.
pub(super) fn widths(
    header: &[String],
    rows: impl Iterator<Item = Vec<(Cell<'static>, bool)>>,
) -> Vec<f64> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, (cell, _)) in row.iter().enumerate() {
            let len = match cell {
                Cell::Time(_) => 19,
                Cell::Date(_) => 10,
                other => other.to_text().chars().count(),
            };
            if i >= widths.len() {
                widths.resize(i + 1, 0);
            }
            widths[i] = widths[i].max(len);
        }
    }
    widths
        .into_iter()
        .map(|w| (w as f64 + 2.0).clamp(8.0, 60.0))
        .collect()
}

pub(super) fn owned_cell(cell: Cell<'_>) -> Cell<'static> {
    match cell {
        Cell::Text(t) => Cell::TextOwned(t.to_string()),
        Cell::TextOwned(t) => Cell::TextOwned(t),
        Cell::Plain(t) => Cell::Plain(t),
        Cell::Int(i) => Cell::Int(i),
        Cell::Float(f) => Cell::Float(f),
        Cell::Date(d) => Cell::Date(d),
        Cell::Time(t) => Cell::Time(t),
        Cell::Null => Cell::Null,
    }
}

pub(super) fn worksheet(
    w: &mut W<'_>,
    sheet: &Sheet<'_, '_>,
    selected: bool,
) -> std::io::Result<()> {
    let (header, sample): (Vec<String>, Vec<Vec<(Cell<'static>, bool)>>) = match &sheet.body {
        SheetBody::Summary(rows) => (Vec::new(), rows.clone()),
        SheetBody::Table(t, range) => (
            t.columns().to_vec(),
            range
                .clone()
                .take(200)
                .map(|i| {
                    t.row(i)
                        .into_iter()
                        .map(|c| (owned_cell(c), false))
                        .collect()
                })
                .collect(),
        ),
    };
    let widths = widths(&header, sample.into_iter());
    let is_table = matches!(sheet.body, SheetBody::Table(..));
    w.create_element("worksheet")
        .with_attributes([("xmlns", NS_MAIN), ("xmlns:r", NS_REL)])
        .write_inner_content(|w| {
            if let Some(range) = filter_range(sheet) {
                w.create_element("dimension")
                    .with_attribute(("ref", range.as_str()))
                    .write_empty()?;
            }
            w.create_element("sheetViews").write_inner_content(|w| {
                let mut view = w.create_element("sheetView");
                if selected {
                    view = view.with_attribute(("tabSelected", "1"));
                }
                view.with_attribute(("workbookViewId", "0"))
                    .write_inner_content(|w| {
                        if is_table {
                            // The header row stays in view when scrolling.
                            w.create_element("pane")
                                .with_attributes([
                                    ("ySplit", "1"),
                                    ("topLeftCell", "A2"),
                                    ("activePane", "bottomLeft"),
                                    ("state", "frozen"),
                                ])
                                .write_empty()?;
                            w.create_element("selection")
                                .with_attributes([
                                    ("pane", "bottomLeft"),
                                    ("activeCell", "A2"),
                                    ("sqref", "A2"),
                                ])
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                Ok(())
            })?;
            w.create_element("sheetFormatPr")
                .with_attribute(("defaultRowHeight", "15"))
                .write_empty()?;
            if !widths.is_empty() {
                w.create_element("cols").write_inner_content(|w| {
                    for (i, width) in widths.iter().enumerate() {
                        let n = (i + 1).to_string();
                        let width = format!("{width}");
                        w.create_element("col")
                            .with_attributes([
                                ("min", n.as_str()),
                                ("max", n.as_str()),
                                ("width", width.as_str()),
                                ("customWidth", "1"),
                            ])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            }
            w.create_element("sheetData").write_inner_content(|w| {
                match &sheet.body {
                    SheetBody::Summary(rows) => {
                        for (r, row) in rows.iter().enumerate() {
                            write_row(w, r + 1, row.iter().map(|(c, b)| (c.clone(), *b)))?;
                        }
                    }
                    SheetBody::Table(t, range) => {
                        write_row(
                            w,
                            1,
                            t.columns().iter().map(|c| (Cell::Plain(c.clone()), true)),
                        )?;
                        for (r, i) in range.clone().enumerate() {
                            write_row(w, r + 2, t.row(i).into_iter().map(|c| (c, false)))?;
                        }
                    }
                }
                Ok(())
            })?;
            if let Some(range) = filter_range(sheet) {
                w.create_element("autoFilter")
                    .with_attribute(("ref", range.as_str()))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

/// One row; empty cells are left out.
pub(super) fn write_row<'c>(
    w: &mut W<'_>,
    r: usize,
    cells: impl Iterator<Item = (Cell<'c>, bool)>,
) -> std::io::Result<()> {
    let row = r.to_string();
    w.create_element("row")
        .with_attribute(("r", row.as_str()))
        .write_inner_content(|w| {
            for (c, (cell, bold)) in cells.enumerate() {
                let reference = format!("{}{r}", column_name(c));
                write_cell(w, &reference, &cell, bold)?;
            }
            Ok(())
        })?;
    Ok(())
}

pub(super) fn write_cell(
    w: &mut W<'_>,
    reference: &str,
    cell: &Cell<'_>,
    bold: bool,
) -> std::io::Result<()> {
    let number = |w: &mut W<'_>, value: String, style: Option<&str>| -> std::io::Result<()> {
        let mut c = w.create_element("c").with_attribute(("r", reference));
        if let Some(s) = style.or(bold.then_some(STYLE_BOLD)) {
            c = c.with_attribute(("s", s));
        }
        c.write_inner_content(|w| {
            w.create_element("v")
                .write_text_content(BytesText::new(&value))?;
            Ok(())
        })?;
        Ok(())
    };
    let text = |w: &mut W<'_>, value: &str| -> std::io::Result<()> {
        // Always an inline string: the text is never read as a formula.
        let mut c = w
            .create_element("c")
            .with_attributes([("r", reference), ("t", "inlineStr")]);
        if bold {
            c = c.with_attribute(("s", STYLE_BOLD));
        }
        c.write_inner_content(|w| {
            w.create_element("is").write_inner_content(|w| {
                w.create_element("t")
                    .with_attribute(("xml:space", "preserve"))
                    .write_text_content(BytesText::new(&sheet_text(value)))?;
                Ok(())
            })?;
            Ok(())
        })?;
        Ok(())
    };
    match cell {
        Cell::Null => Ok(()),
        Cell::Int(i) => number(w, i.to_string(), None),
        Cell::Float(f) if f.is_finite() => number(w, format!("{f}"), None),
        Cell::Float(_) => Ok(()),
        Cell::Date(d) => match date_serial(*d) {
            Some(s) => number(w, format!("{s}"), Some(STYLE_DATE)),
            None => text(w, &d.to_string()),
        },
        Cell::Time(t) => match time_serial(*t) {
            Some(s) => number(w, format!("{s}"), Some(STYLE_DATETIME)),
            None => text(w, &t.to_rfc3339()),
        },
        Cell::Text(t) => text(w, t),
        Cell::TextOwned(t) | Cell::Plain(t) => text(w, t),
    }
}
