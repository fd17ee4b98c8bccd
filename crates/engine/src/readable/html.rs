//! `report.html` (SPEC §9): one self-contained page, no script and no
//! request, that prints well on A4 and Letter. Markup comes from `maud`
//! templates, which escape every value; the charts' SVG trees are written
//! through the same escaping.

use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::charts::{self, Chart};
use super::input::{Headline, ReadableInput, Section, SectionTable};
use super::markdown::{self, Element as MdElement, Node};
use super::svg::{is_allowed_element, is_safe_attr, Element};
use crate::insights::words::percent_change_2dp;
use crate::table::{Cell, Table};

/// Rows of each table shown in `report.html`.
pub const PREVIEW_ROWS: usize = 20;

/// The Content-Security-Policy `report.html` carries: no request of any
/// kind (no script, font, image or frame from anywhere), only its own
/// `<style>` and inline SVG.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

/// The data sets with one row per person (SPEC §9): by default
/// `report.html` gives only their row counts (and status counts), so that
/// it can go to readers outside the staff.
pub const PERSON_DATA_SETS: [&str; 4] = [
    "user_activity",
    "user_activity_timeline",
    "user_fast_participation",
    "user_engagement",
];

/// Data sets that `report.html` shows whole in another form, and where:
/// their first rows would only repeat it (the headline figures) or cut it
/// off (a weekday's first hours), so they get their row count instead.
///
/// SPEC §11's day-by-day data sets are drawn (§11: "drawn in report.html"):
/// their charts stand for them, so that the printed report stays short.
const SHOWN_WHOLE: [(&str, &str); 7] = [
    (
        "period_comparison",
        "the headline figures at the top of this report",
    ),
    (
        "retention_matrix",
        "the grid \u{201c}Retention by week since joining\u{201d}",
    ),
    (
        "activity_heatmap",
        "the grid \u{201c}Activity by weekday and hour\u{201d}",
    ),
    ("daily_activity", "the chart \u{201c}Daily activity\u{201d}"),
    (
        "app_usage",
        "the charts of app opens and the brief's app usage figures",
    ),
    (
        "fast_daily",
        "the chart \u{201c}Fast joins and leaves per day\u{201d} (all fasts together; the file has each fast's days)",
    ),
    (
        "fast_editions",
        "the \u{201c}this year against last year\u{201d} charts of the current fasts",
    ),
];

/// The notice over the per-person tables when they are shown.
pub const PEOPLE_NOTICE: &str = "Contains personal data — for staff only";

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
.notice { border: 2px solid #8a1c1c; color: #8a1c1c; font-weight: 600; padding: .3rem .6rem; margin: .5rem 0; }
.name { color: #555; font-size: .85rem; font-weight: normal; }
footer { color: #666; font-size: .8rem; margin-top: 2rem; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section + section { break-before: page; }
  /* Tables follow one another without a page each: a short table is
     kept whole (below), a long one breaks between rows. */
  #summary, #warnings, #data-sets, section.tables { break-before: auto; }
  /* Three charts to a page: a chart is read at a glance, not measured. */
  figure svg { width: auto; max-width: 100%; height: 6.4cm; }
  /* Plots (not the wide grids) two to a row: six to a page. */
  .two-up { display: grid; grid-template-columns: 1fr 1fr; column-gap: .6cm; align-items: start; }
  .two-up > :not(figure) { grid-column: 1 / -1; }
  .two-up figure svg { width: 100%; height: auto; }
  figure { margin-bottom: .6rem; }
  .alt { font-size: 8pt; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  /* The page's whole width: cells wrap less, so rows stay one line. */
  .data-set table { width: 100%; }
  th, td { max-width: none; }
  table.wide { font-size: 6pt; }
  /* Numbers are never split ("10" over "11" reads as two); text still
     wraps anywhere, so that a wide table always fits the page. */
  td.num { white-space: nowrap; }
  table.wide th, table.wide td { padding: .1rem .15rem; }
  /* Tables follow one another and break between rows (the header row
     repeats); a heading never stays alone at the foot of a page. */
  figure { break-inside: avoid; }
  table { line-height: 1.2; }
  th, td { padding: .05rem .3rem; }
  h3, p.count, #data-sets > p { break-after: avoid; }
  /* The brief shares the first page with the headline figures. */
  .brief { font-size: 9pt; }
  .brief h4 { font-size: 9.5pt; margin: .45rem 0 .1rem; }
  .brief p, .brief ul, .brief ol { margin: .1rem 0; }
  h2 { margin: .9rem 0 .5rem; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn page(input: &ReadableInput<'_>) -> Markup {
    let p = input.period;
    let (start, end) = (p.start().to_string(), p.end().to_string());
    let tz = input.report.range.timezone.as_str();
    let tables = input.data_sets();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                // No request of any kind (SPEC §9): the file opens from
                // disk and must not beacon, whatever text the data holds.
                meta http-equiv="Content-Security-Policy" content=(CSP);
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
                        @if input.pseudonyms.is_some() {
                            dt { "Names" } dd { (super::PSEUDONYMS_NOTE) }
                        }
                    }
                    @if input.people {
                        p.notice { (PEOPLE_NOTICE) ": this report lists members by name and e-mail." }
                    }
                    h2 { "Headline figures" }
                    (headline(&input.headline))
                }
                // The brief follows the figures on the first page: the part
                // a board reads first, in words.
                @if let Some(brief) = input.brief {
                    section #summary.brief {
                        h2 { "In a nutshell" }
                        (brief_markdown(brief))
                    }
                }
                section #charts.two-up {
                    h2 { "Charts" }
                    @for c in charts::report_charts(input.report, p) { (figure(&c, &input.report.missing_tables)) }
                }
                @for s in &input.sections { (section(s, input.people, &input.report.missing_tables)) }
                section #data-sets {
                    h2 { "Data sets" }
                    p { "The first " (PREVIEW_ROWS) " rows of each data set, in its own order; the files hold every row." }
                    @for t in &tables { (preview(t, None, input.people, &input.report.missing_tables)) }
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
        .map(|p| format!(" ({})", percent_change_2dp(p)))
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

fn section(s: &Section<'_>, people: bool, missing: &[crate::load::Table]) -> Markup {
    html! {
        section.tables[s.charts.is_empty()].two-up[!s.charts.is_empty() && !s.charts.iter().any(Chart::is_grid)] {
            h2 { (s.title) }
            @if let Some(intro) = &s.intro { p { (intro) } }
            @for c in &s.charts { (figure(c, missing)) }
            @for t in &s.tables { (section_table(t, people, missing)) }
        }
    }
}

fn section_table(t: &SectionTable<'_>, people: bool, missing: &[crate::load::Table]) -> Markup {
    preview(&t.table, t.preview.as_deref(), people, missing)
}

/// A data set's name as a heading: `user_activity` → `User activity`.
fn title(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How many rows of a per-person table have each `status` (`61 at risk,
/// 6 declining, 61 engaged`), in the order first seen; `None` without
/// that column.
fn status_counts(t: &Table<'_>) -> Option<String> {
    let col = t.columns().iter().position(|c| c == "status")?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for i in 0..t.len() {
        let status = t.row(i)[col].to_text().replace('_', " ");
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    for order in ["engaged", "declining", "at risk"].iter().rev() {
        if let Some(i) = counts.iter().position(|(s, _)| s == order) {
            let c = counts.remove(i);
            counts.insert(0, c);
        }
    }
    Some(
        counts
            .iter()
            .map(|(s, n)| format!("{} {s}", number(*n as f64)))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// A table's first rows (or the rows `rows` lists), with its row count;
/// a per-person table without `people` gives only its counts. A data set
/// made without a table the bundle lacks says so first.
fn preview(
    t: &Table<'_>,
    rows: Option<&[usize]>,
    people: bool,
    missing: &[crate::load::Table],
) -> Markup {
    let needs = html! {
        @if let Some(without) = crate::load::made_without(missing, t.name()) {
            p.needs { "Made " (without.trim_start_matches("made ")) " (not among the export files): what those files hold is missing here, not zero." }
        }
    };
    // Lists of top users inside other_metrics (`….top_users.1.username`)
    // name people too: left out without `people`. (app_usage, whose
    // top_session_users do too, is given only by its charts: SHOWN_WHOLE.)
    let names_someone = |i: usize| {
        !people
            && t.name() == "other_metrics"
            && t.row(i)
                .first()
                .is_some_and(|c| c.to_text().contains(".top_users."))
    };
    let shown: Vec<usize> = match rows {
        Some(rows) => rows
            .iter()
            .copied()
            .filter(|&i| i < t.len() && !names_someone(i))
            .take(PREVIEW_ROWS)
            .collect(),
        None => (0..t.len())
            .filter(|&i| !names_someone(i))
            .take(PREVIEW_ROWS)
            .collect(),
    };
    let count = if t.len() == 1 { "row" } else { "rows" };
    if let Some((_, shown_as)) = SHOWN_WHOLE.iter().find(|(name, _)| *name == t.name()) {
        return html! {
            div.data-set {
                h3 { (title(t.name())) " " span.name { "(" (t.name()) ")" } }
                (needs)
                p.count { (number(t.len() as f64)) " " (count) ", shown whole as " (shown_as) "." }
            }
        };
    }
    let personal = PERSON_DATA_SETS.contains(&t.name());
    if personal && !people {
        return html! {
            div.data-set.people {
                h3 { (title(t.name())) " " span.name { "(" (t.name()) ")" } }
                (needs)
                p.count {
                    (number(t.len() as f64)) " " (count)
                    @if let Some(statuses) = status_counts(t) { ": " (statuses) }
                    ". One row per person: not listed here, since this report names nobody."
                }
            }
        };
    }
    html! {
        div.data-set {
            h3 { (title(t.name())) " " span.name { "(" (t.name()) ")" } }
            (needs)
            @if personal { p.notice { (PEOPLE_NOTICE) } }
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

/// The brief as `report.html` shows it: without its title and the parts
/// the report already shows in full (the headline figures and the
/// warnings), so that nothing prints twice.
fn brief_markdown(text: &str) -> Markup {
    let nodes = markdown::parse(text);
    let mut kept = Vec::with_capacity(nodes.len());
    let mut skipping = false;
    for (i, n) in nodes.into_iter().enumerate() {
        if let Node::Element(MdElement::Heading(level), kids) = &n {
            if i == 0 && *level == 4 {
                continue;
            }
            let heading = markdown::text_of(kids);
            skipping = *level == 5 && (heading == "Headline figures" || heading == "Warnings");
        }
        if !skipping {
            kept.push(n);
        }
    }
    let mut out = String::new();
    render_markdown(&kept, &mut out);
    PreEscaped(out)
}

/// A whole Markdown text as `report.html` writes it (tests).
#[cfg(test)]
fn markdown(text: &str) -> Markup {
    let mut out = String::new();
    render_markdown(&markdown::parse(text), &mut out);
    PreEscaped(out)
}

/// The brief's nodes, from [`markdown::parse`] (the one owner of the
/// brief's safe elements, which the page uses too), as HTML: only
/// headings, paragraphs, lists, tables, code, emphasis, every text
/// escaped; links, images and raw HTML have become text there, since the
/// brief quotes names and values from the data. The brief's headings sit
/// under the report's own section headings (`#` is `<h3>`).
fn render_markdown(nodes: &[Node], out: &mut String) {
    fn render(nodes: &[Node], out: &mut String) {
        for n in nodes {
            let (el, kids) = match n {
                Node::Text(t) => {
                    t.render_to(out);
                    continue;
                }
                Node::Element(el, kids) => (*el, kids),
            };
            let (tag, class) = match el {
                MdElement::Heading(n) => (["h3", "h4", "h5"][usize::from(n.clamp(4, 6) - 4)], ""),
                MdElement::Paragraph => ("p", ""),
                MdElement::List => ("ul", ""),
                MdElement::OrderedList => ("ol", ""),
                MdElement::Item => ("li", ""),
                MdElement::Table => ("table", ""),
                MdElement::TableHead => ("thead", ""),
                MdElement::TableBody => ("tbody", ""),
                MdElement::Row => ("tr", ""),
                MdElement::HeaderCell(r) => ("th", if r { "num" } else { "" }),
                MdElement::Cell(r) => ("td", if r { "num" } else { "" }),
                MdElement::Code => ("code", ""),
                MdElement::Strong => ("strong", ""),
                MdElement::Emphasis => ("em", ""),
                MdElement::Pre => ("pre", ""),
                MdElement::Quote => ("blockquote", ""),
                MdElement::Break => {
                    out.push_str("<br>");
                    continue;
                }
                MdElement::Rule => {
                    out.push_str("<hr>");
                    continue;
                }
            };
            out.push('<');
            out.push_str(tag);
            if !class.is_empty() {
                out.push_str(" class=\"");
                out.push_str(class);
                out.push('"');
            }
            out.push('>');
            render(kids, out);
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
            if matches!(
                el,
                MdElement::Heading(_)
                    | MdElement::Paragraph
                    | MdElement::List
                    | MdElement::OrderedList
                    | MdElement::Item
                    | MdElement::Table
                    | MdElement::Row
                    | MdElement::Pre
                    | MdElement::Quote
            ) {
                out.push('\n');
            }
        }
    }
    render(nodes, out);
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
            markdown("# Brief\n\nNew users: **3**\n\n- a <i>\n- `<script>`\n\n| a | b |\n| --- | ---: |\n| <img src=x> | 2 |\n").into_string();
        assert_eq!(
            m,
            "<h3>Brief</h3>\n<p>New users: <strong>3</strong></p>\n<ul><li>a &lt;i&gt;</li>\n<li><code>&lt;script&gt;</code></li>\n</ul>\n<table><thead><tr><th>a</th><th class=\"num\">b</th></tr>\n</thead><tbody><tr><td>&lt;img src=x&gt;</td><td class=\"num\">2</td></tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn markdown_links_images_and_html_are_text() {
        let m = markdown(
            "- ![x](http://evil/b.png).csv: bad\n- [a](javascript:alert(1)) <img src=http://evil>\n- <http://evil/auto> <a href=\"http://evil\">x</a>\n",
        )
        .into_string();
        assert_eq!(
            m,
            "<ul><li>x.csv: bad</li>\n<li>a &lt;img src=http://evil&gt;</li>\n<li>http://evil/auto &lt;a href=&quot;http://evil&quot;&gt;x&lt;/a&gt;</li>\n</ul>\n"
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
