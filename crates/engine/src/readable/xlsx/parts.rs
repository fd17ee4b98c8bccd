//! The package parts of the workbook besides the sheets: content types,
//! relationships, document properties, the workbook and its styles.

use super::*;

pub(super) fn content_types(w: &mut W<'_>, sheets: usize) -> std::io::Result<()> {
    const SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    w.create_element("Types")
        .with_attribute((
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types",
        ))
        .write_inner_content(|w| {
            for (ext, ty) in [
                (
                    "rels",
                    "application/vnd.openxmlformats-package.relationships+xml",
                ),
                ("xml", "application/xml"),
            ] {
                w.create_element("Default")
                    .with_attributes([("Extension", ext), ("ContentType", ty)])
                    .write_empty()?;
            }
            let mut parts = vec![
                (
                    "/xl/workbook.xml".to_string(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                ),
                (
                    "/xl/styles.xml".to_string(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
                ),
                (
                    "/docProps/core.xml".to_string(),
                    "application/vnd.openxmlformats-package.core-properties+xml",
                ),
                (
                    "/docProps/app.xml".to_string(),
                    "application/vnd.openxmlformats-officedocument.extended-properties+xml",
                ),
            ];
            parts.extend((1..=sheets).map(|i| (format!("/xl/worksheets/sheet{i}.xml"), SHEET)));
            for (name, ty) in &parts {
                w.create_element("Override")
                    .with_attributes([("PartName", name.as_str()), ("ContentType", ty)])
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

pub(super) fn relationships(w: &mut W<'_>, rels: &[(String, &str, String)]) -> std::io::Result<()> {
    w.create_element("Relationships")
        .with_attribute(("xmlns", NS_PKG_REL))
        .write_inner_content(|w| {
            for (id, ty, target) in rels {
                w.create_element("Relationship")
                    .with_attributes([
                        ("Id", id.as_str()),
                        ("Type", ty),
                        ("Target", target.as_str()),
                    ])
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

pub(super) fn root_rels(w: &mut W<'_>) -> std::io::Result<()> {
    relationships(
        w,
        &[
            (
                "rId1".into(),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                "xl/workbook.xml".into(),
            ),
            (
                "rId2".into(),
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml".into(),
            ),
            (
                "rId3".into(),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
                "docProps/app.xml".into(),
            ),
        ],
    )
}

pub(super) fn workbook_rels(w: &mut W<'_>, sheets: usize) -> std::io::Result<()> {
    let mut rels: Vec<(String, &str, String)> = (1..=sheets)
        .map(|i| {
            (
                format!("rId{i}"),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
                format!("worksheets/sheet{i}.xml"),
            )
        })
        .collect();
    rels.push((
        format!("rId{}", sheets + 1),
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
        "styles.xml".into(),
    ));
    relationships(w, &rels)
}

/// Fixed document properties: no dates, so the bytes never change.
pub(super) fn app_props(w: &mut W<'_>) -> std::io::Result<()> {
    w.create_element("Properties")
        .with_attribute((
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        ))
        .write_inner_content(|w| {
            w.create_element("Application")
                .write_text_content(BytesText::new("Engagement Report Builder"))?;
            Ok(())
        })?;
    Ok(())
}

pub(super) fn core_props(w: &mut W<'_>, title: &str) -> std::io::Result<()> {
    w.create_element("cp:coreProperties")
        .with_attributes([
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ])
        .write_inner_content(|w| {
            w.create_element("dc:title")
                .write_text_content(BytesText::new(title))?;
            w.create_element("dc:creator")
                .write_text_content(BytesText::new("Engagement Report Builder"))?;
            Ok(())
        })?;
    Ok(())
}

pub(super) fn workbook(w: &mut W<'_>, sheets: &[Sheet<'_, '_>]) -> std::io::Result<()> {
    w.create_element("workbook")
        .with_attributes([("xmlns", NS_MAIN), ("xmlns:r", NS_REL)])
        .write_inner_content(|w| {
            w.create_element("bookViews").write_inner_content(|w| {
                w.create_element("workbookView").write_empty()?;
                Ok(())
            })?;
            w.create_element("sheets").write_inner_content(|w| {
                for (i, s) in sheets.iter().enumerate() {
                    let id = (i + 1).to_string();
                    let rid = format!("rId{id}");
                    w.create_element("sheet")
                        .with_attributes([
                            ("name", s.name.as_str()),
                            ("sheetId", id.as_str()),
                            ("r:id", rid.as_str()),
                        ])
                        .write_empty()?;
                }
                Ok(())
            })?;
            // Excel keeps each sheet's auto-filter range as a hidden name.
            w.create_element("definedNames").write_inner_content(|w| {
                for (i, s) in sheets.iter().enumerate() {
                    if let Some(range) = filter_range(s) {
                        let local = i.to_string();
                        let target =
                            format!("'{}'!{}", s.name.replace('\'', "''"), absolute(&range));
                        w.create_element("definedName")
                            .with_attributes([
                                ("name", "_xlnm._FilterDatabase"),
                                ("localSheetId", local.as_str()),
                                ("hidden", "1"),
                            ])
                            .write_text_content(BytesText::new(&target))?;
                    }
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

/// `A1:H21` → `$A$1:$H$21`.
pub(super) fn absolute(range: &str) -> String {
    range
        .split(':')
        .map(|cell| {
            let split = cell
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(cell.len());
            format!("${}${}", &cell[..split], &cell[split..])
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// The header and rows of a table sheet, e.g. `A1:H21`; `None` for the
/// Summary.
pub(super) fn filter_range(s: &Sheet<'_, '_>) -> Option<String> {
    match &s.body {
        SheetBody::Summary(_) => None,
        SheetBody::Table(t, rows) => Some(format!(
            "A1:{}{}",
            column_name(t.columns().len().max(1) - 1),
            rows.len() + 1
        )),
    }
}

pub(super) fn styles(w: &mut W<'_>) -> std::io::Result<()> {
    w.create_element("styleSheet")
        .with_attribute(("xmlns", NS_MAIN))
        .write_inner_content(|w| {
            w.create_element("numFmts")
                .with_attribute(("count", "2"))
                .write_inner_content(|w| {
                    for (id, code) in [("164", "yyyy-mm-dd hh:mm:ss"), ("165", "yyyy-mm-dd")] {
                        w.create_element("numFmt")
                            .with_attributes([("numFmtId", id), ("formatCode", code)])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            w.create_element("fonts")
                .with_attribute(("count", "2"))
                .write_inner_content(|w| {
                    for bold in [false, true] {
                        w.create_element("font").write_inner_content(|w| {
                            if bold {
                                w.create_element("b").write_empty()?;
                            }
                            w.create_element("sz")
                                .with_attribute(("val", "11"))
                                .write_empty()?;
                            w.create_element("name")
                                .with_attribute(("val", "Calibri"))
                                .write_empty()?;
                            w.create_element("family")
                                .with_attribute(("val", "2"))
                                .write_empty()?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            w.create_element("fills")
                .with_attribute(("count", "2"))
                .write_inner_content(|w| {
                    for pattern in ["none", "gray125"] {
                        w.create_element("fill").write_inner_content(|w| {
                            w.create_element("patternFill")
                                .with_attribute(("patternType", pattern))
                                .write_empty()?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            w.create_element("borders")
                .with_attribute(("count", "1"))
                .write_inner_content(|w| {
                    w.create_element("border").write_inner_content(|w| {
                        for side in ["left", "right", "top", "bottom", "diagonal"] {
                            w.create_element(side).write_empty()?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            w.create_element("cellStyleXfs")
                .with_attribute(("count", "1"))
                .write_inner_content(|w| {
                    w.create_element("xf")
                        .with_attributes([
                            ("numFmtId", "0"),
                            ("fontId", "0"),
                            ("fillId", "0"),
                            ("borderId", "0"),
                        ])
                        .write_empty()?;
                    Ok(())
                })?;
            // 0 normal, 1 bold, 2 date-time, 3 date (the STYLE_* constants).
            w.create_element("cellXfs")
                .with_attribute(("count", "4"))
                .write_inner_content(|w| {
                    for (fmt, font) in [("0", "0"), ("0", "1"), ("164", "0"), ("165", "0")] {
                        let mut xf = w.create_element("xf").with_attributes([
                            ("numFmtId", fmt),
                            ("fontId", font),
                            ("fillId", "0"),
                            ("borderId", "0"),
                            ("xfId", "0"),
                        ]);
                        if font != "0" {
                            xf = xf.with_attribute(("applyFont", "1"));
                        }
                        if fmt != "0" {
                            xf = xf.with_attribute(("applyNumberFormat", "1"));
                        }
                        xf.write_empty()?;
                    }
                    Ok(())
                })?;
            w.create_element("cellStyles")
                .with_attribute(("count", "1"))
                .write_inner_content(|w| {
                    w.create_element("cellStyle")
                        .with_attributes([("name", "Normal"), ("xfId", "0"), ("builtinId", "0")])
                        .write_empty()?;
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}
