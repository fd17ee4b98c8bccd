//! `report.html` and `report.xlsx` end to end, on a bundle with hostile
//! names and on demo bundles.

use std::io::{Cursor, Read};

use xlsx_read::{Data, Reader, Xlsx};

use super::charts::{activity_heatmap, retention_triangle, TriangleRow, TriangleWeek};
use super::html::report_html;
use super::xlsx::report_xlsx;
use super::*;
use crate::load::{Bundle, Limits, Warning};
use crate::metrics::testing::*;
use crate::model::Dataset;
use crate::period::{parse_date, Period};
use crate::table::{self, Cell};
use crate::timestamp::{Timestamp, MICROS_PER_DAY};

const SCRIPT_USER: &str = "<script>alert(1)</script>";
const IMG_FAST: &str = "<img src=x onerror=alert(1)>";

/// The tags report.html is made of.
const OWN_TAGS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "dl",
    "dt",
    "dd",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "ul",
    "li",
    "figure",
    "figcaption",
    "span",
    "footer",
    "svg",
    "g",
    "rect",
    "line",
    "text",
];

fn hostile() -> Dataset {
    TestBundle::new()
        .named_user(1, SCRIPT_USER, "2025-01-02 10:00:00+00")
        .named_user(2, "=cmd|' /C calc'!A0", "2025-01-03 10:00:00+00")
        .user(3, "2025-01-09 10:00:00+00")
        .church(5, "St. \"Quote\" & <Sons>")
        .fast(7, IMG_FAST, Some(5), Some(2025))
        .member(1, 7)
        .event(
            "user_joined_fast",
            Some(1),
            Some(7),
            "2025-01-04 10:00:00+00",
        )
        .event_data(
            "screen_view",
            Some(2),
            r#"{"screen": "<b onmouseover=x>Home</b>"}"#,
            "2025-01-05 10:00:00+00",
        )
        .feed_item(
            1,
            1,
            "fast_join",
            "2025-01-04 10:00:00+00",
            Some("_x0041_ & \r\n\u{1}"),
            Some("https://example.org/x"),
            Some((12, 7)),
        )
        .feed(2, 2, "milestone", "2025-01-06 10:00:00.5+00")
        .load()
}

fn period(start: &str, end: &str) -> Period {
    Period::new(
        parse_date("start", start).unwrap(),
        parse_date("end", end).unwrap(),
        chrono_tz::Tz::UTC,
    )
    .unwrap()
}

fn warning() -> Warning {
    Warning {
        file: "events_event.csv".into(),
        count: 2,
        what: "rows reference <unknown> users".into(),
        outcome: "counted without a user".into(),
        first: None,
    }
}

#[test]
fn html_is_self_contained_and_escapes_every_text_from_the_data() {
    let data = hostile();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&data, &p);
    let warnings = [warning()];
    let mut input = ReadableInput::new(&report, &p, &warnings);
    input.segment = Some("church <St. Sons>");
    // With names, so that the person tables show the hostile names too.
    input.people = true;
    input.brief = Some("# Brief\n- <script>x</script> joined\n");
    let weeks = [TriangleWeek {
        week: 0,
        active: 1,
        rate: 50.0,
        complete: true,
    }];
    let mut counts = [[0u64; 24]; 7];
    counts[5][10] = 3;
    input.sections.push(Section {
        title: "Insights <1>".into(),
        intro: None,
        charts: vec![
            retention_triangle(&[TriangleRow {
                cohort_week: "2025-W01",
                users: 2,
                weeks: &weeks,
            }]),
            activity_heatmap(&counts, "events and feed items"),
        ],
        tables: Vec::new(),
    });
    let bytes = report_html(&input);
    assert_eq!(bytes, report_html(&input), "deterministic");
    let html = String::from_utf8(bytes).unwrap();

    // No script, no request, no raw markup from the data.
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script tag");
    // Nothing that loads anything: a URL from the data is only text.
    for request in ["src=\"", "href=\"", "url(", "@import", "http://"] {
        assert!(!lower.contains(request), "{request}");
    }
    assert_eq!(
        lower.matches("https://").count(),
        lower.matches("<td>https://example.org/x</td>").count()
    );
    // Every tag is one of the report's own, without event handlers: text
    // from the data never became markup.
    for tag in lower.split('<').skip(1).map(|t| &t[..t.find('>').unwrap()]) {
        let name = tag.trim_start_matches('/').split(' ').next().unwrap();
        assert!(OWN_TAGS.contains(&name), "tag <{tag}>");
        // Attribute values are always in double quotes (a quote inside is
        // escaped): what is outside them are the attribute names.
        let names: String = tag.split('"').step_by(2).collect();
        assert!(!names.contains(" on"), "tag <{tag}>");
    }
    assert_eq!(lower.matches("<style>").count(), 1);
    // The names are there, escaped: in tables, chart labels and titles.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; (2025)"));
    assert!(html.contains("data-label=\"&lt;img src=x onerror=alert(1)&gt; (2025)\""));
    assert!(html.contains("<td>St. &quot;Quote&quot; &amp; &lt;Sons&gt;</td>"));
    // Period, zone, segment, headline figures, charts, counts, brief, warnings.
    assert!(html.contains("<dd>2025-01-01 to 2025-01-31</dd>"));
    assert!(html.contains("<dd>UTC</dd>"));
    assert!(html.contains("<dd>church &lt;St. Sons&gt;</dd>"));
    assert!(html.contains("<td>New users</td><td class=\"num\">3</td>"));
    assert!(html.contains("<td>Fast joins</td><td class=\"num\">1</td>"));
    assert!(html.contains("<td>Feed items</td><td class=\"num\">2</td>"));
    assert_eq!(html.matches("<figure class=\"chart\">").count(), 8);
    assert_eq!(html.matches("<svg ").count(), 8);
    assert!(html.contains("<h3>User activity timeline <span class=\"name\">(user_activity_timeline)</span></h3><p class=\"notice\">Contains personal data — for staff only</p><p class=\"count\">2 rows.</p>"));
    assert!(html.contains(
        "<h3>Fasts <span class=\"name\">(fasts)</span></h3><p class=\"count\">1 row.</p>"
    ));
    assert!(html.contains("<h2>Insights &lt;1&gt;</h2>"));
    assert!(html.contains("<li>&lt;script&gt;x&lt;/script&gt; joined"));
    assert!(html.contains("rows reference &lt;unknown&gt; users"));
    // Printing: page size rules and charts kept whole.
    assert!(html.contains("@page") && html.contains("break-inside: avoid"));
}

#[test]
fn html_shows_twenty_rows_and_the_full_count() {
    let mut b = TestBundle::new();
    for id in 1..=25 {
        b = b.user(id, "2025-01-02 10:00:00+00").feed(
            id,
            id,
            "milestone",
            "2025-01-03 10:00:00+00",
        );
    }
    let data = b.load();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&data, &p);
    let mut input = ReadableInput::new(&report, &p, &[]);
    input.people = true;
    let html = String::from_utf8(report_html(&input)).unwrap();
    let heading = "<h3>User activity <span class=\"name\">(user_activity)</span></h3>";
    assert!(html.contains(&format!("{heading}<p class=\"notice\">Contains personal data — for staff only</p><p class=\"count\">20 of 25 rows shown.</p>")));
    let section = &html[html.find(heading).unwrap()..];
    let section = &section[..section.find("</table>").unwrap()];
    assert_eq!(section.matches("<tr>").count(), 21, "header and 20 rows");
    assert!(section.contains("<td>user20</td>") && !section.contains("<td>user21</td>"));
    assert!(html.contains("None: every row of the input was used."));
}

/// SPEC §9: by default `report.html` names nobody: the per-person data
/// sets give their row counts (and status counts), never a name, e-mail
/// or user id; with `people` they list their first rows under a notice.
#[test]
fn html_names_nobody_unless_asked() {
    let cfg = crate::demo::DemoConfig::new(120);
    let mut bundle = Bundle::new(Limits::default());
    for (name, bytes) in crate::demo::csv_tables(&cfg) {
        bundle.add_bytes(&name, &bytes).unwrap();
    }
    let loaded = bundle.finish().unwrap();
    let p = period("2025-06-01", "2025-06-30");
    let report = crate::metrics::compute(&loaded.dataset, &p);
    let seg = crate::segment::Segment::default()
        .apply(&loaded.dataset)
        .unwrap();
    let ins = crate::insights::compute(&seg.dataset, &p, &report, &seg.info, &loaded.warnings);
    let parts = crate::output::ReportParts {
        report: &report,
        insights: Some(&ins),
        period: &p,
        segment: &seg.info,
        warnings: &loaded.warnings,
        pseudonyms: None,
    };
    let html_of = |people: bool| {
        let files = crate::output::report_files(
            &parts,
            crate::output::OutputOptions {
                html: true,
                html_people: people,
                ..Default::default()
            },
        )
        .unwrap();
        let f = files.into_iter().find(|f| f.name == "report.html").unwrap();
        String::from_utf8(f.bytes).unwrap()
    };
    let (plain, named) = (html_of(false), html_of(true));
    // Hand-counted from the data sets: rows, and users by status.
    let count = |s: &str| {
        ins.user_engagement
            .iter()
            .filter(|u| u.status.as_str() == s)
            .count()
    };
    let (engaged, declining, at_risk) = (count("engaged"), count("declining"), count("at_risk"));
    assert_eq!(engaged + declining + at_risk, ins.user_engagement.len());
    assert!(
        plain.contains(&format!(
        "{} rows: {engaged} engaged, {declining} declining, {at_risk} at risk. One row per person",
        ins.user_engagement.len()
    )),
        "status counts"
    );
    assert!(plain.contains(&format!(
        "{} rows. One row per person",
        report.user_activity.len()
    )));
    assert!(plain.contains(&format!(
        "{} rows. One row per person",
        report.user_activity_timeline.len()
    )));
    for u in &report.user_activity {
        for text in [u.username, u.email] {
            assert!(
                !plain.contains(&format!(">{}<", text)),
                "{text} in the default report"
            );
        }
    }
    assert!(!plain.contains("Contains personal data"));
    // With names: the notice, and the first person of each list.
    assert!(named.contains("<p class=\"notice\">Contains personal data — for staff only: this report lists members by name and e-mail.</p>"));
    assert_eq!(
        named
            .matches("<p class=\"notice\">Contains personal data — for staff only</p>")
            .count(),
        4
    );
    assert!(named.contains(&format!("<td>{}</td>", report.user_activity[0].email)));
    // Nothing but the person tables differs.
    assert!(named.len() > plain.len());
}

fn demo_report_html(users: u32) -> usize {
    let cfg = crate::demo::DemoConfig::new(users);
    let mut bundle = Bundle::new(Limits::default());
    for (name, bytes) in crate::demo::csv_tables(&cfg) {
        bundle.add_bytes(&name, &bytes).unwrap();
    }
    let loaded = bundle.finish().unwrap();
    let p = period("2025-06-01", "2025-06-30");
    let report = crate::metrics::compute(&loaded.dataset, &p);
    assert!(report.user_activity_timeline.len() > 20);
    let html = report_html(&ReadableInput::new(&report, &p, &loaded.warnings));
    html.len()
}

#[test]
fn html_size_does_not_grow_with_the_bundle() {
    // 5,000 users make about 100,000 events; only 20 rows per table are
    // shown, so the page stays the size of the 500-user one.
    let small = demo_report_html(500);
    let large = demo_report_html(5000);
    assert!(large < 400_000, "{large} bytes");
    assert!(
        (large as f64) < 1.25 * small as f64,
        "{small} -> {large} bytes"
    );
}

/// The value calamine should read for a cell.
fn expected(cell: &Cell<'_>) -> Data {
    match cell {
        Cell::Int(i) => Data::Float(*i as f64),
        Cell::Float(f) => Data::Float(*f),
        Cell::Text(t) => Data::String(t.to_string()),
        Cell::TextOwned(t) | Cell::Plain(t) => Data::String(t.clone()),
        Cell::Null => Data::Empty,
        // Dates and instants are compared as serial numbers below.
        Cell::Date(_) | Cell::Time(_) => Data::Empty,
    }
}

fn serial(cell: &Cell<'_>) -> Option<f64> {
    use chrono::Datelike;
    match cell {
        Cell::Date(d) => {
            Some((crate::timestamp::days_from_civil(d.year(), d.month(), d.day()) + 25_569) as f64)
        }
        Cell::Time(Timestamp(t)) => Some(*t as f64 / MICROS_PER_DAY as f64 + 25_569.0),
        _ => None,
    }
}

fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn xlsx_is_deterministic_and_reads_back_equal_to_the_data_sets() {
    let data = hostile();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&data, &p);
    // Given as a folder's file: the workbook names the file alone.
    let warnings = [Warning {
        file: "/home/ana/exports/events_event.csv".into(),
        ..warning()
    }];
    let input = ReadableInput::new(&report, &p, &warnings);
    let bytes = report_xlsx(&input).unwrap();
    assert_eq!(bytes, report_xlsx(&input).unwrap(), "deterministic");

    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let mut names = vec!["Summary".to_string()];
    names.extend(crate::export::DATA_SETS.iter().map(|s| s.to_string()));
    assert_eq!(book.sheet_names(), names);

    for t in table::data_sets(&report) {
        let range = book.worksheet_range(t.name()).unwrap();
        for (c, name) in t.columns().iter().enumerate() {
            assert_eq!(
                range.get_value((0, c as u32)),
                Some(&Data::String(name.clone()))
            );
        }
        let mut rows = 0;
        for (r, row) in t.rows().enumerate() {
            rows += 1;
            for (c, cell) in row.iter().enumerate() {
                let got = range
                    .get_value((r as u32 + 1, c as u32))
                    .cloned()
                    .unwrap_or(Data::Empty);
                match serial(cell) {
                    Some(s) => match &got {
                        Data::DateTime(dt) => assert!(
                            (dt.as_f64() - s).abs() < 1e-9,
                            "{} row {r} col {c}: {got:?} vs {s}",
                            t.name()
                        ),
                        other => panic!("{} row {r} col {c}: {other:?} is not a date", t.name()),
                    },
                    None => assert_eq!(got, expected(cell), "{} row {r} col {c}", t.name()),
                }
            }
        }
        assert_eq!(range.height(), rows + 1, "{}", t.name());
        // Text that looks like a formula stays text.
        assert!(book
            .worksheet_formula(t.name())
            .unwrap()
            .used_cells()
            .next()
            .is_none());
    }
    // The hostile texts came back exactly.
    let timeline = book.worksheet_range("user_activity_timeline").unwrap();
    assert_eq!(
        timeline.get_value((1, 4)),
        Some(&Data::String("_x0041_ & \r\n\u{1}".into()))
    );
    let ua = book.worksheet_range("user_activity").unwrap();
    assert_eq!(
        ua.get_value((2, 1)),
        Some(&Data::String("=cmd|' /C calc'!A0".into()))
    );

    // Summary: period as dates, headline figures, sheet row counts, warnings.
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.get_value((0, 0)),
        Some(&Data::String("Engagement report".into()))
    );
    match summary.get_value((1, 1)) {
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 45658.0), // 2025-01-01
        other => panic!("{other:?}"),
    }
    assert_eq!(summary.get_value((3, 1)), Some(&Data::String("UTC".into())));
    assert_eq!(
        summary.get_value((7, 0)),
        Some(&Data::String("New users".into()))
    );
    assert_eq!(summary.get_value((7, 1)), Some(&Data::Float(3.0)));
    let cells: Vec<&Data> = summary.used_cells().map(|(_, _, d)| d).collect();
    assert!(cells.contains(&&Data::String(warning().to_string())));
    assert!(!cells
        .iter()
        .any(|c| matches!(c, Data::String(t) if t.contains("/home/ana"))));

    // Frozen bold header and auto-filter on the data sheets.
    let fasts = part(&bytes, "xl/worksheets/sheet3.xml");
    assert!(fasts.contains(
        "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    ));
    assert!(fasts.contains("<autoFilter ref=\"A1:F2\"/>"));
    assert!(fasts.contains("<c r=\"A1\" t=\"inlineStr\" s=\"1\">"));
    assert!(!fasts.contains("<f>"));
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("localSheetId=\"2\" hidden=\"1\">&apos;fasts&apos;!$A$1:$F$2<"));
}

#[test]
fn xlsx_puts_section_tables_after_the_data_sets() {
    let data = hostile();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&data, &p);
    let mut input = ReadableInput::new(&report, &p, &[]);
    input.sections.push(Section {
        title: "Extra".into(),
        intro: None,
        charts: Vec::new(),
        tables: vec![SectionTable {
            table: table::Table::new(
                "a_rather_long_insight_data_set_name",
                vec!["n".into()],
                2,
                |i| vec![Cell::Int(i as i64 * 10)],
            ),
            preview: None,
        }],
    });
    let bytes = report_xlsx(&input).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 9);
    assert_eq!(names[8], "a_rather_long_insight_data_set_");
    let range = book.worksheet_range(&names[8]).unwrap();
    assert_eq!(range.get_value((2, 0)), Some(&Data::Float(10.0)));
}

/// The devotionals' list of top users in `other_metrics` names people:
/// left out of the default `report.html`, there with names.
#[test]
fn html_leaves_top_users_out_unless_asked() {
    let data = TestBundle::new()
        .named_user(1, "Zedekiah Reader", "2025-01-02 10:00:00+00")
        .event("devotional_viewed", Some(1), None, "2025-01-05 10:00:00+00")
        .load();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&data, &p);
    let mut input = ReadableInput::new(&report, &p, &[]);
    let plain = String::from_utf8(report_html(&input)).unwrap();
    input.people = true;
    let named = String::from_utf8(report_html(&input)).unwrap();
    let metrics = |html: &str| {
        let at = html.find("(other_metrics)").unwrap();
        html[at..at + html[at..].find("</table>").unwrap()].to_string()
    };
    assert!(metrics(&named).contains("top_users"), "{}", metrics(&named));
    assert!(metrics(&named).contains("Zedekiah Reader"));
    assert!(!metrics(&plain).contains("top_users"));
    assert!(!plain.contains("Zedekiah"));
}

/// The tiny-fasts worked example (SPEC §11), loaded from its folder.
fn tiny_fasts() -> crate::load::Loaded {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/tiny-fasts/csv");
    let mut bundle = Bundle::new(Limits::default());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        bundle
            .add_bytes(&name, &std::fs::read(&path).unwrap())
            .unwrap();
    }
    bundle.finish().unwrap()
}

#[test]
fn html_draws_the_fasts_and_app_usage_charts_and_xlsx_has_their_sheets() {
    use crate::output::{report_files, OutputOptions, ReportParts};
    let loaded = tiny_fasts();
    let p = period("2025-01-01", "2025-01-31");
    let report = crate::metrics::compute(&loaded.dataset, &p);
    let segment = crate::segment::SegmentInfo::default();
    let insights =
        crate::insights::compute(&loaded.dataset, &p, &report, &segment, &loaded.warnings);
    let parts = ReportParts {
        report: &report,
        insights: Some(&insights),
        period: &p,
        segment: &segment,
        warnings: &loaded.warnings,
        pseudonyms: None,
    };
    let options = OutputOptions {
        html: true,
        xlsx: true,
        ..Default::default()
    };
    let files = report_files(&parts, options).unwrap();
    let html = String::from_utf8(
        files
            .iter()
            .find(|f| f.name == "report.html")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    for title in [
        "Fasts and app usage",
        "Daily activity",
        "Fast joins and leaves per day",
        "App opens by hour",
        "App opens by platform",
        // Nativity 2025 is current and has its 2024 edition; Nineveh is upcoming.
        "Nativity Fast (2025): this year against last year",
    ] {
        assert!(html.contains(title), "no {title:?}");
    }
    assert!(!html.contains("Fast of Nineveh: this year"));
    // app_usage is given by its charts and the brief (which names nobody):
    // no top session users in the report.
    assert!(html.contains("shown whole as the charts of app opens"));
    assert!(!html.contains("top_session_users."));
    // Exact values on hover: the datum titles.
    assert!(html.contains("<title>2025-01-02 — joins: 1, leaves: 0, net growth: 1</title>"));
    assert!(html.contains("<title>08:00-09:00 — app opens: 5</title>"));
    assert!(html.contains("<title>ios — opens: 5</title>"));
    assert!(
        html.contains("<title>day 18 — this year: 6, last year: 7</title>"),
        "editions chart"
    );

    let xlsx = &files
        .iter()
        .find(|f| f.name == "report.xlsx")
        .unwrap()
        .bytes;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "daily_activity",
        "app_usage",
        "fast_calendar",
        "fast_daily",
        "fast_editions",
    ] {
        assert!(
            names.iter().any(|n| n == sheet),
            "no sheet {sheet}: {names:?}"
        );
    }
    let editions = book.worksheet_range("fast_editions").unwrap();
    // Header, 47 rows of Nativity, 19 of Nineveh.
    assert_eq!(editions.height(), 1 + 47 + 19);
    let usage = book.worksheet_range("app_usage").unwrap();
    let row = usage
        .rows()
        .find(|r| r[0] == Data::String("session_seconds.p90".into()))
        .expect("a p90 row");
    assert_eq!(row[1], Data::Float(2700.0));
}
