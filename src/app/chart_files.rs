//! What the page does with an engine chart outside the DOM: the markup it
//! draws the chart from ([`svg_markup`]), the standalone `<key>.svg` file
//! its "SVG" and "PNG" buttons start from, and the rows of its "Data of
//! this chart" table. No browser API here, so it is tested
//! natively.
//!
//! The charts themselves come from the engine's chart module
//! ([`engagement_engine::readable::charts`]), the same ones `report.html`
//! draws; the file is written by the engine's own SVG serializer (the
//! `maud::Render` of [`Element`]), which escapes every value and leaves out
//! any element or attribute that is not allowed.

use engagement_engine::readable::charts::Chart;
use engagement_engine::readable::svg::{coord, is_allowed_element, is_safe_attr, Element, SVG_NS};

/// Scale of the PNG download: two canvas pixels per SVG unit, sharp on
/// high-density screens and in slides.
pub const PNG_SCALE: f64 = 2.0;

/// One row of a chart's data table: a datum's exact label and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataRow {
    /// The datum's `data-label` (a date, a name, a cohort week, an hour).
    pub label: String,
    /// Its `data-value`, as the data set has it.
    pub value: String,
}

/// Every datum of a chart (`g.datum`), in drawing order.
pub fn data_rows(svg: &Element) -> Vec<DataRow> {
    svg.descendants()
        .into_iter()
        .filter(|e| e.name == "g" && is_datum(e))
        .map(|e| DataRow {
            label: e.get("data-label").unwrap_or_default().to_string(),
            value: e.get("data-value").unwrap_or_default().to_string(),
        })
        .collect()
}

/// Whether an element is one of the chart's focusable data points.
pub fn is_datum(e: &Element) -> bool {
    e.get("class")
        .is_some_and(|c| c.split_whitespace().any(|c| c == "datum"))
}

/// The chart's width and height in SVG units, from its `viewBox`
/// (`None` when the root has no usable one).
pub fn view_box_size(svg: &Element) -> Option<(f64, f64)> {
    let parts: Vec<f64> = svg
        .get("viewBox")?
        .split_whitespace()
        .map(|p| p.parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    match parts[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

/// The download's file name: the chart's key (letters, digits, `_` and
/// `-` only, so that no key can name a path) and `ext`.
pub fn file_name(chart: &Chart, ext: &str) -> String {
    let key: String = chart
        .key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let key = if key.is_empty() { "chart".into() } else { key };
    format!("{key}.{ext}")
}

/// The chart as a standalone SVG document: the XML declaration, the SVG
/// namespace, a fixed size from the `viewBox` (the page's `width="100%"`
/// means nothing outside a page), the chart's title and text alternative
/// as `<title>` and `<desc>`, and a white background so that the chart
/// reads the same in a dark image viewer. Characters that XML 1.0 cannot
/// hold (control characters from the data) become U+FFFD, so the file
/// always parses.
pub fn svg_file(chart: &Chart) -> String {
    let mut root = Element::new("svg").attr("xmlns", SVG_NS);
    let size = view_box_size(&chart.svg);
    for (name, value) in &chart.svg.attrs {
        match (name.as_str(), size) {
            ("xmlns" | "height", _) => {}
            ("width", Some((w, h))) => root = root.attr("width", coord(w)).attr("height", coord(h)),
            _ => root = root.attr(name, value.clone()),
        }
    }
    root.text = chart.svg.text.clone();
    root = root
        .child(Element::new("title").text(chart.title.clone()))
        .child(Element::new("desc").text(chart.alt.clone()))
        .child(
            Element::new("rect")
                .attr("width", "100%")
                .attr("height", "100%")
                .attr("fill", "#ffffff"),
        )
        .children(chart.svg.children.iter().cloned());
    let root = xml_safe(root);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&maud::Render::render(&root).into_string());
    out.push('\n');
    out
}

/// The tree with every character that XML 1.0 forbids replaced.
fn xml_safe(mut e: Element) -> Element {
    fn clean(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
                _ => c,
            })
            .collect()
    }
    for (_, v) in &mut e.attrs {
        *v = clean(v);
    }
    e.text = e.text.as_deref().map(clean);
    e.children = e.children.into_iter().map(xml_safe).collect();
    e
}

/// The chart's tree as SVG markup for the page. Elements that the
/// allow-list refuses are left out with their children, and so are
/// unsafe attributes; values and text are escaped. Each datum (`g.datum`)
/// gets its `<title>` as its accessible name (`role="img"`, `aria-label`)
/// instead of a `<title>` child, so that the browser's own tooltip does
/// not repeat the page's; only the first datum is in the Tab order, the
/// arrow keys move between the others (one Tab stop per chart, not one per
/// day). `described_by` goes on the root as `aria-describedby`. `None`
/// when the root itself is refused.
pub fn svg_markup(tree: &Element, described_by: &str) -> Option<String> {
    if !is_allowed_element(&tree.name) {
        return None;
    }
    // About 60 bytes of markup per element of the tree.
    let mut out = String::with_capacity(4096);
    let mut first = true;
    write_element(&mut out, tree, &mut first, Some(described_by));
    Some(out)
}

/// Escaped text: the engine's serializer's own escaping (maud's).
fn escaped(out: &mut String, text: &str) {
    maud::Render::render_to(text, out);
}

fn attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escaped(out, value);
    out.push('"');
}

fn write_element(
    out: &mut String,
    e: &Element,
    first_datum: &mut bool,
    described_by: Option<&str>,
) {
    if !is_allowed_element(&e.name) {
        return;
    }
    let datum = e.name == "g" && is_datum(e);
    // A datum's accessible name is its (last) `<title>`, in place of any
    // `role` / `aria-label` of its own, as the DOM builder had it.
    let title = if datum {
        e.children.iter().rev().find(|c| c.name == "title")
    } else {
        None
    };
    out.push('<');
    out.push_str(&e.name);
    for (name, value) in e.attrs.iter().filter(|(n, _)| is_safe_attr(n)) {
        if datum && name == "tabindex" {
            continue;
        }
        if title.is_some() && (name == "role" || name == "aria-label") {
            continue;
        }
        if described_by.is_some() && name == "aria-describedby" {
            continue;
        }
        attribute(out, name, value);
    }
    if let Some(id) = described_by {
        attribute(out, "aria-describedby", id);
    }
    if datum {
        attribute(out, "tabindex", if *first_datum { "0" } else { "-1" });
        *first_datum = false;
        if let Some(title) = title {
            attribute(out, "role", "img");
            attribute(out, "aria-label", title.text.as_deref().unwrap_or_default());
        }
    }
    out.push('>');
    if let Some(text) = &e.text {
        escaped(out, text);
    }
    for child in &e.children {
        if datum && child.name == "title" {
            continue;
        }
        write_element(out, child, first_datum, None);
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

/// The rows of the chart's data table as markup (`<tr>` with the datum's
/// label as a row header and its value), escaped like the chart.
pub fn data_rows_markup(rows: &[DataRow]) -> String {
    let mut out = String::with_capacity(rows.len() * 64);
    for r in rows {
        out.push_str("<tr><th scope=\"row\">");
        escaped(&mut out, &r.label);
        out.push_str("</th><td class=\"num\">");
        escaped(&mut out, &r.value);
        out.push_str("</td></tr>");
    }
    out
}

/// The PNG's size in pixels for a chart of `size` SVG units.
pub fn png_size(size: (f64, f64)) -> (u32, u32) {
    (
        (size.0 * PNG_SCALE).round() as u32,
        (size.1 * PNG_SCALE).round() as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        let datum = |label: &str, value: &str| {
            Element::new("g")
                .attr("class", "datum")
                .attr("tabindex", "0")
                .attr("data-label", label)
                .attr("data-value", value)
                .child(Element::new("title").text(format!("{label} — views: {value}")))
                .child(Element::new("rect").attr("width", "10"))
        };
        Chart {
            key: "top_screens".into(),
            title: "Top screens".into(),
            alt: "Top screens: 2 entries.".into(),
            svg: Element::new("svg")
                .attr("viewBox", "0 0 560 48")
                .attr("width", "100%")
                .attr("role", "group")
                .child(datum("<script>alert(1)</script>", "7"))
                .child(
                    Element::new("g")
                        .child(datum("a\u{1}b & \"c\"", "3"))
                        .child(Element::new("script").text("alert(2)"))
                        .child(Element::new("rect").attr("onclick", "alert(3)")),
                ),
        }
    }

    #[test]
    fn data_rows_are_every_datum_in_order() {
        let rows = data_rows(&chart().svg);
        assert_eq!(
            rows,
            [
                DataRow {
                    label: "<script>alert(1)</script>".into(),
                    value: "7".into()
                },
                DataRow {
                    label: "a\u{1}b & \"c\"".into(),
                    value: "3".into()
                },
            ]
        );
    }

    #[test]
    fn the_svg_file_is_standalone_sized_and_escaped() {
        let text = svg_file(&chart());
        assert!(
            text.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 560 48\" width=\"560\" height=\"48\" role=\"group\"><title>Top screens</title><desc>Top screens: 2 entries.</desc><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"></rect>"
            ),
            "{text}"
        );
        // Data text is escaped, never markup; filtered elements and event
        // attributes are left out; control characters are replaced.
        assert!(text.contains("data-label=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
        assert!(text.contains("<title>a\u{fffd}b &amp; &quot;c&quot; — views: 3</title>"));
        assert!(!text.contains("<script"));
        assert!(!text.contains("onclick"));
        assert!(!text.contains('\u{1}'));
        assert!(text.ends_with("</svg>\n"));
    }

    #[test]
    fn the_page_markup_is_filtered_escaped_and_one_tab_stop() {
        let markup = svg_markup(&chart().svg, "chart-top_screens-desc").unwrap();
        assert_eq!(
            markup,
            "<svg viewBox=\"0 0 560 48\" width=\"100%\" role=\"group\" aria-describedby=\"chart-top_screens-desc\">\
             <g class=\"datum\" data-label=\"&lt;script&gt;alert(1)&lt;/script&gt;\" data-value=\"7\" tabindex=\"0\" role=\"img\" aria-label=\"&lt;script&gt;alert(1)&lt;/script&gt; — views: 7\"><rect width=\"10\"></rect></g>\
             <g><g class=\"datum\" data-label=\"a\u{1}b &amp; &quot;c&quot;\" data-value=\"3\" tabindex=\"-1\" role=\"img\" aria-label=\"a\u{1}b &amp; &quot;c&quot; — views: 3\"><rect width=\"10\"></rect></g>\
             <rect></rect></g></svg>"
        );
        // A root that is not allowed draws nothing.
        assert_eq!(svg_markup(&Element::new("script"), "d"), None);
        // A datum without a title keeps its own name; text comes before
        // the children and is escaped.
        let g = Element::new("svg").child(
            Element::new("g")
                .attr("class", "datum x")
                .attr("aria-label", "own")
                .child(Element::new("text").text("<b>&</b>")),
        );
        assert_eq!(
            svg_markup(&g, "d").unwrap(),
            "<svg aria-describedby=\"d\"><g class=\"datum x\" aria-label=\"own\" tabindex=\"0\"><text>&lt;b&gt;&amp;&lt;/b&gt;</text></g></svg>"
        );
    }

    #[test]
    fn the_data_table_rows_are_escaped_text() {
        let rows = data_rows(&chart().svg);
        assert_eq!(
            data_rows_markup(&rows),
            "<tr><th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th><td class=\"num\">7</td></tr>\
             <tr><th scope=\"row\">a\u{1}b &amp; &quot;c&quot;</th><td class=\"num\">3</td></tr>"
        );
        assert_eq!(data_rows_markup(&[]), "");
    }

    #[test]
    fn sizes_and_names() {
        assert_eq!(view_box_size(&chart().svg), Some((560.0, 48.0)));
        assert_eq!(
            view_box_size(&Element::new("svg").attr("viewBox", "0 0 x 1")),
            None
        );
        assert_eq!(
            view_box_size(&Element::new("svg").attr("viewBox", "0 0 0 10")),
            None
        );
        assert_eq!(png_size((560.0, 240.0)), (1120, 480));
        let mut c = chart();
        assert_eq!(file_name(&c, "svg"), "top_screens.svg");
        c.key = "../x y".into();
        assert_eq!(file_name(&c, "png"), "___x_y.png");
    }
}
