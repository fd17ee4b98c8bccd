//! `report.html` (SPEC §9): one self-contained page, no script and no
//! request, that prints well on A4 and Letter. Markup comes from `maud`
//! templates, which escape every value; the charts' SVG trees are written
//! through the same escaping.

use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::charts::{self, Chart};
use super::input::{Headline, ReadableInput, Section, SectionTable};
use super::svg::{is_allowed_element, is_safe_attr, Element};
use crate::table::{self, Cell, Table};

/// Rows of each table shown in `report.html`.
pub const PREVIEW_ROWS: usize = 20;

/// The file name.
pub const FILE_NAME: &str = "report.html";

/// `report.html` for `input`. The same input gives the same bytes.
pub fn report_html(input: &ReadableInput<'_>) -> Vec<u8> {
    page(input).into_string().into_bytes()
}

const CSS: &str = r#"
:root { color: #222; background: #fff; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #6a9fd4; padding-bottom: .2rem; margin: 1.5rem 0 .75rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; break-after: avoid; }
.meta { color: #444; margin: 0; }
.meta dt { display: inline; font-weight: 600; }
.meta dd { display: inline; margin: 0 1rem 0 .25rem; }
figure { margin: 0 0 1.25rem; break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 40rem; height: auto; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
.alt { color: #444; font-size: .9rem; margin: .25rem 0 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: 0 0 .5rem; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; vertical-align: top; max-width: 22rem; overflow-wrap: anywhere; }
th { background: #eef3f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.count { color: #444; font-size: .9rem; margin: 0 0 .3rem; }
.up { color: #1a5e20; }
.down { color: #8a1c1c; }
.brief pre { white-space: pre-wrap; }
footer { color: #666; font-size: .8rem; margin-top: 2rem; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section + section { break-before: page; }
  #summary { break-before: auto; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  table.wide { font-size: 6pt; }
  /* Numbers are never split ("10" over "11" reads as two); text still
     wraps anywhere, so that a wide table always fits the page. */
  td.num { white-space: nowrap; }
  table.wide th, table.wide td { padding: .1rem .15rem; }
  /* A data set starts on a fresh page when it fits on one; a longer one
     breaks between rows (the header row repeats) rather than leave its
     heading alone at the foot of a page. */
  figure, .data-set { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn page(input: &ReadableInput<'_>) -> Markup {
    let p = input.period;
    let (start, end) = (p.start().to_string(), p.end().to_string());
    let tz = input.report.range.timezone.as_str();
    let tables = table::data_sets(input.report);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Engagement report " (start) " to " (end) }
                style { (PreEscaped(CSS)) }
            }
            body {
                section #overview {
                    h1 { "Engagement report" }
                    dl.meta {
                        dt { "Period" } dd { (start) " to " (end) }
                        dt { "Time zone" } dd { (tz) }
                        dt { "Segment" } dd { (input.segment.unwrap_or("all users")) }
                    }
                    h2 { "Headline figures" }
                    (headline(&input.headline))
                }
                // The brief follows the figures on the first page: the part
                // a board reads first, in words.
                @if let Some(brief) = input.brief {
                    section #summary.brief {
                        h2 { "In a nutshell" }
                        (markdown(brief))
                    }
                }
                section #charts {
                    h2 { "Charts" }
                    @for c in charts::report_charts(input.report, p) { (figure(&c, &input.report.missing_tables)) }
                }
                @for s in &input.sections { (section(s, &input.report.missing_tables)) }
                section #data-sets {
                    h2 { "Data sets" }
                    p { "The first " (PREVIEW_ROWS) " rows of each data set, in its own order; the files hold every row." }
                    @for t in &tables { (preview(t, None, &input.report.missing_tables)) }
                }
                section #warnings {
                    h2 { "Warnings" }
                    @if input.warnings.is_empty() {
                        p { "None: every row of the input was used." }
                    } @else {
                        ul { @for w in input.warnings { li { (w.report_text()) } } }
                    }
                }
                footer { "Made by the Engagement Report Builder " (crate::VERSION) "." }
            }
        }
    }
}

fn headline(figures: &[Headline]) -> Markup {
    let compared = figures.iter().any(|h| h.previous.is_some());
    html! {
        table.headline {
            thead { tr {
                th { "Figure" } th.num { "This period" }
                @if compared { th.num { "Previous period" } th.num { "Change" } }
            } }
            tbody {
                @for h in figures {
                    @if let Some(needs) = &h.needs {
                        tr.needs {
                            td { (h.label) }
                            td.num { (needs) }
                            @if compared { td.num { (needs) } td.num { "—" } }
                        }
                    } @else {
                    tr {
                        td { (h.label) }
                        td.num { (number(h.current)) }
                        @if compared {
                            td.num { (h.previous.map_or("—".to_string(), number)) }
                            td.num { (change(h)) }
                        }
                    }
                    }
                }
            }
        }
    }
}

/// `▲ 12 (+25.00%)`, `▼ 3 (−10.00%)`, `0`, or `—` without a previous value.
fn change(h: &Headline) -> Markup {
    let Some(change) = h.change else {
        return html! { "—" };
    };
    let pct = h
        .change_pct
        .map(|p| format!(" ({}{:.2}%)", if p > 0.0 { "+" } else { "" }, p))
        .unwrap_or_default();
    let abs = number(change.abs());
    if change > 0.0 {
        html! { span.up { "▲ " (abs) (pct) } }
    } else if change < 0.0 {
        html! { span.down { "▼ " (abs) (pct) } }
    } else {
        html! { "0" (pct) }
    }
}

/// A whole number with thousands separators, else 2 decimals.
fn number(v: f64) -> String {
    if v.fract() != 0.0 {
        return format!("{v:.2}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn figure(c: &Chart, missing: &[crate::load::Table]) -> Markup {
    // A chart of zeros drawn from a table that is not there would look
    // like a measurement: it says what it needs instead.
    if let Some(needs) = crate::load::needs(missing, &c.key) {
        return html! {
            figure.chart.needs {
                figcaption { (c.title) }
                p.needs { (needs) }
            }
        };
    }
    html! {
        figure.chart {
            figcaption { (c.title) }
            (c.svg)
            p.alt { (c.alt) }
        }
    }
}

fn section(s: &Section<'_>, missing: &[crate::load::Table]) -> Markup {
    html! {
        section {
            h2 { (s.title) }
            @if let Some(intro) = &s.intro { p { (intro) } }
            @for c in &s.charts { (figure(c, missing)) }
            @for t in &s.tables { (section_table(t, missing)) }
        }
    }
}

fn section_table(t: &SectionTable<'_>, missing: &[crate::load::Table]) -> Markup {
    preview(&t.table, t.preview.as_deref(), missing)
}

/// A table's first rows (or the rows `rows` lists), with its row count.
fn preview(t: &Table<'_>, rows: Option<&[usize]>, missing: &[crate::load::Table]) -> Markup {
    let shown: Vec<usize> = match rows {
        Some(rows) => rows
            .iter()
            .copied()
            .filter(|&i| i < t.len())
            .take(PREVIEW_ROWS)
            .collect(),
        None => (0..t.len().min(PREVIEW_ROWS)).collect(),
    };
    let count = if t.len() == 1 { "row" } else { "rows" };
    html! {
        div.data-set {
            h3 { (t.name()) }
            @if let Some(without) = crate::load::made_without(missing, t.name()) {
                p.needs { "Made " (without.trim_start_matches("made ")) " (not in the bundle): what those files hold is missing here, not zero." }
            }
            p.count {
                @if shown.len() < t.len() {
                    (shown.len()) " of " (number(t.len() as f64)) " " (count) " shown."
                } @else {
                    (number(t.len() as f64)) " " (count) "."
                }
            }
            @if !shown.is_empty() {
                div.scroll { table.wide[t.columns().len() > 9] {
                    thead { tr { @for c in t.columns() { th { (c) } } } }
                    tbody { @for &i in &shown {
                        tr { @for cell in t.row(i) {
                            @if matches!(cell, Cell::Int(_) | Cell::Float(_)) {
                                td.num { (cell.to_text()) }
                            } @else {
                                td { (cell.to_text()) }
                            }
                        } }
                    } }
                } }
            }
        }
    }
}

/// The brief's Markdown as HTML, by pulldown-cmark (with tables, which the
/// brief's figures use). Raw HTML in the text is shown as text, never
/// passed through: the brief quotes names from the data.
fn markdown(text: &str) -> Markup {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    // The brief's headings sit under the report's own section headings.
    let lower = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    let events = Parser::new_ext(text, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    PreEscaped(out)
}

impl Render for Element {
    fn render_to(&self, out: &mut String) {
        if !is_allowed_element(&self.name) {
            return;
        }
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in self.attrs.iter().filter(|(n, _)| is_safe_attr(n)) {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            value.render_to(out);
            out.push('"');
        }
        out.push('>');
        if let Some(text) = &self.text {
            text.render_to(out);
        }
        for child in &self.children {
            child.render_to(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_tree_is_written_escaped_and_filtered() {
        let e = Element::new("g")
            .attr("data-label", "\"><script>x</script>")
            .attr("onclick", "alert(1)")
            .child(Element::new("title").text("<b>&</b>"))
            .child(Element::new("script").text("alert(1)"));
        assert_eq!(
            e.render().into_string(),
            "<g data-label=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"><title>&lt;b&gt;&amp;&lt;/b&gt;</title></g>"
        );
    }

    #[test]
    fn markdown_is_structured_and_escaped() {
        let m =
            markdown("# Brief\n\nNew users: **3**\n\n- a <i>\n- `<script>`\n\n| a | b |\n| --- | --- |\n| <img src=x> | 2 |\n").into_string();
        assert_eq!(
            m,
            "<h3>Brief</h3>\n<p>New users: <strong>3</strong></p>\n<ul>\n<li>a &lt;i&gt;</li>\n<li><code>&lt;script&gt;</code></li>\n</ul>\n<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>&lt;img src=x&gt;</td><td>2</td></tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn numbers_and_changes() {
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(-1234.0), "-1,234");
        assert_eq!(number(12.5), "12.50");
        let h = Headline {
            label: "x".into(),
            current: 15.0,
            previous: Some(12.0),
            needs: None,
            change: Some(3.0),
            change_pct: Some(25.0),
        };
        assert_eq!(
            change(&h).into_string(),
            "<span class=\"up\">▲ 3 (+25.00%)</span>"
        );
        let h = Headline {
            change: Some(-3.0),
            change_pct: Some(-20.0),
            ..h
        };
        assert_eq!(
            change(&h).into_string(),
            "<span class=\"down\">▼ 3 (-20.00%)</span>"
        );
    }
}
