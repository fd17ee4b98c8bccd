//! Browser tests of the readable report (SPEC §9, §9a) in the built page
//! (`dist/`): the charts' tooltips and downloads, the zip with
//! `report.html`, `report.xlsx` and the CSV byte-order mark against the
//! CLI's, and `report.html` opened from disk and printed to PDF.
//!
//! Like `e2e/` they need the built page, the release CLI, chromedriver and
//! poppler's `pdfinfo`/`pdftoppm`, so they are ignored by a plain `cargo
//! test`; `scripts/web-test.sh` builds everything and runs them with
//! `--ignored --test-threads=1`.

#![cfg(not(target_arch = "wasm32"))]

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use harness::*;
use serde_json::{json, Value};

fn tmp(name: &str) -> PathBuf {
    let dir = root().join("target/web-readable").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The small demo bundle (300 users), as the page's "small" button makes
/// it: a folder of CSV tables.
fn demo_dir(name: &str) -> PathBuf {
    let dir = tmp(name);
    run(cli()
        .args(["demo-data", "--out"])
        .arg(&dir)
        .args(["--users", "300"]));
    dir
}

/// The CLI on the folder `bundle` (its warnings, which `report.html`
/// lists, name the tables without the folder, as the page does).
fn cli_in(bundle: &Path) -> Command {
    let mut cmd = cli();
    cmd.arg(bundle);
    cmd
}

/// Runs the CLI on `bundle` for a period (UTC) with `flags`, writing into a
/// fresh folder; returns the folder.
fn cli_files(bundle: &Path, start: &str, end: &str, flags: &[&str]) -> PathBuf {
    let out = tmp(&format!(
        "cli-{start}-{end}-{}",
        flags.join("").replace('-', "")
    ));
    run(cli_in(bundle)
        .args(["--start", start, "--end", end, "--timezone", "UTC", "-q"])
        .args(flags)
        .arg("--output-dir")
        .arg(&out));
    out
}

/// Opens the small demo in UTC and waits for its report.
fn open_demo(b: &Browser, section: &str) -> (String, String) {
    b.goto(&format!("{}/?demo=small&tz=UTC&section={section}", page()));
    b.wait(
        "the report",
        "return !!document.querySelector('#card-new-users') && !document.querySelector('#progress')",
        120,
    );
    let v = b.js(
        "return [document.getElementById('start').value, document.getElementById('end').value]",
    );
    (
        v[0].as_str().unwrap().to_string(),
        v[1].as_str().unwrap().to_string(),
    )
}

/// The tooltip of a chart: (shown, text, data-label, data-value).
fn tip(b: &Browser, chart: &str) -> Value {
    b.js(&format!(
        "const t = document.getElementById('chart-{chart}-tip'); return [!t.hidden, t.textContent, t.dataset.label || '', t.dataset.value || '']"
    ))
}

/// Waits until a chart's tooltip shows the datum labelled `label`, and
/// checks that it shows `value` too; returns its text.
fn expect_tip(b: &Browser, chart: &str, label: &str, value: &str) -> String {
    b.wait(
        &format!("the tooltip of {label} in {chart}"),
        &format!(
            "const t = document.getElementById('chart-{chart}-tip'); return !t.hidden && t.dataset.label === {}",
            serde_json::to_string(label).unwrap()
        ),
        10,
    );
    let t = tip(b, chart);
    let text = t[1].as_str().unwrap().to_string();
    assert_eq!(t[3], json!(value), "{chart}: {t}");
    assert!(text.contains(label), "{text} names {label}");
    assert!(
        text.contains(&format!(": {value}")),
        "{text} gives the value {value}"
    );
    text
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn chart_tooltips_and_downloads_give_the_clis_values() {
    let bundle = demo_dir("demo-tooltips");
    let b = Browser::start(tmp("downloads-tooltips"));
    let (start, end) = open_demo(&b, "overview");
    let cli = cli_report(&bundle, &start, &end);
    b.wait(
        "the charts",
        "return document.querySelectorAll('#section figure.chart svg g.datum').length > 0",
        20,
    );
    // Seven charts on the overview (the daily activity of SPEC §11 first),
    // each an SVG with a text alternative.
    let keys = b.js(
        "return [...document.querySelectorAll('#section figure.chart')].map(f => f.dataset.chart)",
    );
    assert_eq!(
        keys,
        json!([
            "daily_activity",
            "new_users_per_day",
            "screen_views_per_day",
            "events_by_type",
            "top_fasts_by_joins",
            "top_screens",
            "retention_by_cohort"
        ])
    );

    // Every day of the period is a column whose value is the CLI's count
    // (0 on days the data set has no row for).
    let data = b.js("return [...document.querySelectorAll('#chart-new_users_per_day g.datum')].map(g => [g.dataset.label, g.dataset.value])");
    let data = data.as_array().unwrap();
    assert_eq!(data.first().unwrap()[0], json!(start));
    assert_eq!(data.last().unwrap()[0], json!(end));
    let rows = cli["new_users_over_time"].as_array().unwrap();
    let count_of = |day: &str| {
        rows.iter()
            .find(|r| r["date"] == day)
            .map_or(0, |r| r["count"].as_u64().unwrap())
    };
    for d in data {
        assert_eq!(
            d[1].as_str().unwrap(),
            count_of(d[0].as_str().unwrap()).to_string(),
            "{d}"
        );
    }

    // The mouse over the busiest day's column shows its date and count.
    let busiest = rows
        .iter()
        .max_by_key(|r| r["count"].as_u64().unwrap())
        .unwrap();
    let day = busiest["date"].as_str().unwrap();
    let count = busiest["count"].to_string();
    b.hover(&format!(
        "#chart-new_users_per_day g.datum[data-label='{day}']"
    ));
    expect_tip(&b, "new_users_per_day", day, &count);
    b.screenshot(&root().join("target/web-charts-tooltip.png"));

    // The mouse over the first bar of the top screens.
    let top = &cli["other_metrics"]["screen_views"]["top_screens"][0];
    b.hover("#chart-top_screens g.datum");
    expect_tip(
        &b,
        "top_screens",
        top["screen"].as_str().unwrap(),
        &top["views"].to_string(),
    );

    // The keyboard: Tab reaches the events chart (one stop per chart), the
    // arrow keys move along its bars, Escape hides the tooltip.
    let mut events: Vec<(String, u64)> = cli["other_metrics"]["events_by_type"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    events.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    b.js("document.querySelector('#tab-overview').focus()");
    b.tab_to("#chart-events_by_type g.datum", 40);
    expect_tip(&b, "events_by_type", &events[0].0, &events[0].1.to_string());
    b.press("\u{E014}"); // ArrowRight
    expect_tip(&b, "events_by_type", &events[1].0, &events[1].1.to_string());
    let focused = b.js("return document.activeElement.dataset.label");
    assert_eq!(focused, json!(events[1].0));
    b.press("\u{E00C}"); // Escape
    assert_eq!(tip(&b, "events_by_type")[0], json!(false));
    b.js("document.activeElement.blur(); document.getElementById('report').scrollIntoView()");
    std::thread::sleep(std::time::Duration::from_millis(300));
    b.screenshot(&root().join("target/web-charts.png"));

    // "SVG" saves a standalone SVG file with the same data.
    b.click("#chart-top_screens button[data-format='svg']");
    let svg = String::from_utf8(b.downloaded("top_screens.svg")).unwrap();
    let parsed = b.js(&format!(
        "const d = new DOMParser().parseFromString({}, 'image/svg+xml');
         return [d.querySelector('parsererror') === null, d.documentElement.namespaceURI,
                 [...d.querySelectorAll('g.datum')].map(g => [g.getAttribute('data-label'), g.getAttribute('data-value')]),
                 d.querySelectorAll('script, foreignObject').length]",
        serde_json::to_string(&svg).unwrap()
    ));
    assert_eq!(parsed[0], json!(true), "the SVG file parses as XML");
    assert_eq!(parsed[1], json!("http://www.w3.org/2000/svg"));
    let expected: Vec<Value> = cli["other_metrics"]["screen_views"]["top_screens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["screen"], s["views"].to_string()]))
        .collect();
    assert_eq!(parsed[2], json!(expected));
    assert_eq!(parsed[3], json!(0));

    // "PNG" saves a PNG at twice the chart's size.
    let view_box =
        b.js("return document.querySelector('#chart-top_screens svg').getAttribute('viewBox')");
    let vb: Vec<f64> = view_box
        .as_str()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    b.click("#chart-top_screens button[data-format='png']");
    let png = b.downloaded("top_screens.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!(
        (width, height),
        ((vb[2] * 2.0).round() as u32, (vb[3] * 2.0).round() as u32)
    );
    // The test server has no favicon; anything else is the page's error.
    let errors: Vec<String> = b
        .console_errors()
        .into_iter()
        .filter(|e| !e.contains("favicon.ico"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // At phone width the page does not scroll sideways; a chart keeps a
    // readable size and scrolls in its own box.
    b.set_window(390, 844);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let widths = b.js("const box = document.querySelector('#chart-new_users_per_day .chart-svg'); return [document.documentElement.scrollWidth, window.innerWidth, Math.round(box.getBoundingClientRect().right), box.scrollWidth >= 440]");
    assert!(
        widths[0].as_u64() <= widths[1].as_u64() && widths[2].as_u64() <= widths[1].as_u64(),
        "{widths}"
    );
    assert_eq!(widths[3], json!(true), "{widths}");
    b.js("document.getElementById('chart-new_users_per_day').scrollIntoView()");
    b.screenshot(&root().join("target/web-charts-phone.png"));
}

/// Clicks the zip button and returns the zip, removing the download so the
/// next one can take its name.
fn page_zip(b: &Browser, name: &str) -> Vec<u8> {
    b.click("#download-zip");
    let zip = b.downloaded(name);
    std::fs::remove_file(b.downloads.join(name)).unwrap();
    zip
}

fn set_format(b: &Browser, format: &str) {
    b.js(&format!(
        "const s = document.getElementById('format'); s.value = '{format}'; s.dispatchEvent(new Event('change'));"
    ));
}

fn names_in(zip: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    z.file_names().map(|n| n.unwrap().to_string()).collect()
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn zips_with_and_without_the_readable_files_match_the_clis() {
    let bundle = demo_dir("demo-zips");
    let b = Browser::start(tmp("downloads-zips"));
    let (start, end) = open_demo(&b, "export");
    b.wait(
        "the export section",
        "return !!document.getElementById('readable-options')",
        20,
    );
    // The options are ticked by default, but names (SPEC §9).
    let ticked = b.js(
        "return ['opt-html', 'opt-xlsx', 'opt-bom', 'opt-people'].map(id => document.getElementById(id).checked)",
    );
    assert_eq!(ticked, json!([true, true, true, false]));
    b.js("document.getElementById('readable-files').scrollIntoView()");
    b.screenshot(&root().join("target/web-export.png"));
    let name = format!("engagement_{start}_to_{end}.zip");
    let cli_zip = |flags: &[&str]| {
        std::fs::read(cli_files(&bundle, &start, &end, flags).join(&name)).unwrap()
    };
    let all = ["--insights", "--html", "--xlsx", "--csv-bom", "--zip"];
    for format in ["json", "csv"] {
        set_format(&b, format);
        let zip = page_zip(&b, &name);
        let names = names_in(&zip);
        assert!(
            names.contains(&"report.html".to_string())
                && names.contains(&"report.xlsx".to_string()),
            "{names:?}"
        );
        let expected = cli_zip(&[&all[..], &["--format", format]].concat());
        assert!(
            zip == expected,
            "{format} zip with the readable files differs from the CLI's"
        );
    }
    // "Include names (for staff only)" is the CLI's --html-people: the
    // same bytes, and report.html lists people under the notice.
    b.click("#opt-people");
    let zip = page_zip(&b, &name);
    let expected = cli_zip(&[&all[..], &["--format", "csv", "--html-people"]].concat());
    assert!(zip == expected, "csv zip with names differs from the CLI's");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("report.html").unwrap(), &mut html).unwrap();
    assert!(html.contains("Contains personal data — for staff only"));
    for id in ["opt-html", "opt-xlsx", "opt-bom", "opt-people"] {
        b.click(&format!("#{id}"));
    }
    for format in ["csv", "json"] {
        set_format(&b, format);
        let zip = page_zip(&b, &name);
        let names = names_in(&zip);
        assert!(!names.iter().any(|n| n.starts_with("report.")), "{names:?}");
        let expected = cli_zip(&["--insights", "--zip", "--format", format]);
        assert!(
            zip == expected,
            "{format} zip without the readable files differs from the CLI's"
        );
    }
}

/// Pages of a PDF, from poppler's `pdfinfo`.
fn pdf_pages(pdf: &Path) -> u32 {
    let out = run(Command::new("pdfinfo").arg(pdf));
    let text = String::from_utf8(out).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo's output: {text}"))
}

/// Prints the open page to PDF through the DevTools protocol.
fn print_pdf(b: &Browser, paper: (f64, f64), path: &Path) {
    use base64::Engine;
    let v = b.cdp(
        "Page.printToPDF",
        json!({"paperWidth": paper.0, "paperHeight": paper.1, "printBackground": true}),
    );
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(v["data"].as_str().expect("PDF data"))
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    std::fs::write(path, pdf).unwrap();
}

#[test]
#[ignore = "needs the built page, Chromium and poppler-utils: run scripts/web-test.sh"]
fn readable_report_equals_the_clis_opens_offline_and_prints() {
    let bundle = demo_dir("demo-html");
    let b = Browser::start(tmp("downloads-html"));
    let (start, end) = open_demo(&b, "export");
    b.wait(
        "the export section",
        "return !!document.getElementById('download-html')",
        20,
    );
    let cli = cli_files(&bundle, &start, &end, &["--insights", "--html", "--xlsx"]);
    b.click("#download-html");
    let html = b.downloaded("report.html");
    assert!(
        html == std::fs::read(cli.join("report.html")).unwrap(),
        "report.html differs from the CLI's"
    );
    b.click("#download-xlsx");
    assert!(
        b.downloaded("report.xlsx") == std::fs::read(cli.join("report.xlsx")).unwrap(),
        "report.xlsx differs from the CLI's"
    );
    drop(b);

    // Opened from disk in a fresh browser: no request, no console error.
    let file = root().join("target/web-readable/downloads-html/report.html");
    let b = Browser::start(tmp("downloads-html-file"));
    b.goto(&format!("file://{}", file.display()));
    b.wait(
        "report.html",
        "return document.readyState === 'complete'",
        20,
    );
    let facts = b.js(
        "return [performance.getEntriesByType('resource').length,
                 document.querySelectorAll('script, link, img, iframe, object, embed, [src], [href]').length,
                 document.querySelectorAll('body > section').length,
                 document.querySelectorAll('figure.chart svg').length,
                 document.querySelectorAll('g.datum > title').length]",
    );
    assert_eq!(facts[0], json!(0), "report.html made a request");
    assert_eq!(facts[1], json!(0), "report.html refers to another file");
    let sections = facts[2].as_u64().unwrap() as u32;
    assert!(sections >= 6, "{facts}");
    assert_eq!(
        facts[3],
        json!(12),
        "the six charts of the data sets, the two of the insights and the four of SPEC §11 (the small demo has no current fast with an edition in June)"
    );
    assert!(facts[4].as_u64().unwrap() > 0, "each datum has its title");
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // By default it names nobody (SPEC §9) and the headline figures are
    // there once (the brief's own table of them is left out).
    let facts = b.js(
        "const text = document.body.innerText;
         return [text.includes('@'),
                 text.includes('Contains personal data'),
                 [...document.querySelectorAll('h2, h3, h4')].filter(h => h.textContent.trim() === 'Headline figures').length,
                 [...document.querySelectorAll('td')].filter(td => td.textContent.trim() === 'Fast leaves').length]",
    );
    assert_eq!(
        facts,
        json!([false, false, 1, 1]),
        "[e-mail, notice, headline headings, headline rows]"
    );

    // Laid out for print on A4's printable width (210 mm less 2 × 12 mm
    // margins, 703 CSS px): no table or chart reaches past the right edge.
    b.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 703, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );
    let cut = b.js(
        "const edge = document.body.getBoundingClientRect().right + 0.5;
         return [...document.querySelectorAll('table, svg')]
             .filter(e => e.getBoundingClientRect().right > edge)
             .map(e => (e.closest('.data-set, figure') || e).textContent.slice(0, 40));",
    );
    assert_eq!(cut, json!([]), "cut at the right edge");
    b.cdp("Emulation.clearDeviceMetricsOverride", json!({}));
    b.cdp("Emulation.setEmulatedMedia", json!({"media": ""}));

    // Printed on A4 and Letter: the small demo's default report fits on at
    // most 8 pages (SPEC §9), the charts and tables on pages of their own.
    let out = root().join("target");
    let a4 = out.join("report-print-a4.pdf");
    print_pdf(&b, (8.27, 11.69), &a4);
    let letter = out.join("report-print-letter.pdf");
    print_pdf(&b, (8.5, 11.0), &letter);
    for pdf in [&a4, &letter] {
        let pages = pdf_pages(pdf);
        println!("{}: {pages} pages", pdf.display());
        assert!(
            (4..=8).contains(&pages),
            "{}: {pages} pages for {sections} sections, expected at most 8",
            pdf.display()
        );
    }
    for page in [1, 2] {
        let n = page.to_string();
        run(Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", &n, "-l", &n, "-singlefile"])
            .arg(&a4)
            .arg(out.join(format!("report-print-{page}"))));
        assert!(out.join(format!("report-print-{page}.png")).exists());
    }
}
