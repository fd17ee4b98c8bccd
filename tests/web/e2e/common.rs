//! Helpers shared by the browser tests' modules: temporary folders, demo
//! bundles, the CLI's outputs for comparison, and waiting for the page.

use std::path::{Path, PathBuf};

use crate::harness::*;
use serde_json::Value;

pub(crate) fn tmp(name: &str) -> PathBuf {
    let dir = root().join("target/web-e2e").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A demo bundle written by the CLI.
pub(crate) fn demo_dir(name: &str, users: u32) -> PathBuf {
    let dir = tmp(name);
    run(cli()
        .args(["demo-data", "--out"])
        .arg(&dir)
        .args(["--users", &users.to_string()]));
    dir
}

pub(crate) fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

/// The CLI's zip for a bundle and period (UTC, JSON).
pub(crate) fn cli_zip(input: &Path, start: &str, end: &str, format: &str) -> Vec<u8> {
    let out = tmp(&format!("cli-zip-{start}-{end}-{format}"));
    run(cli()
        .arg(input)
        .args(["--start", start, "--end", end, "--timezone", "UTC", "-q"])
        .args(["--format", format, "--zip", "--output-dir"])
        .arg(&out));
    std::fs::read(out.join(format!("engagement_{start}_to_{end}.zip"))).unwrap()
}

/// Unticks what the page's zip holds besides the seven data sets by
/// default (insights, report.html, report.xlsx, the CSV byte-order mark),
/// so that it compares with the CLI's zip without those options.
pub(crate) fn only_the_data_sets(b: &Browser) {
    for id in ["include-insights", "opt-html", "opt-xlsx", "opt-bom"] {
        let checked = b.js(&format!("return document.getElementById('{id}').checked"));
        if checked == Value::Bool(true) {
            b.click(&format!("#{id}"));
        }
    }
}

/// Opens the page with no bundle (UTC) and waits for the element `ready`.
pub(crate) fn open_blank(b: &Browser, ready: &str) {
    b.goto(&format!("{}/?tz=UTC", page()));
    b.wait(
        "the page",
        &format!("return !!document.getElementById('{ready}')"),
        30,
    );
}

/// Waits until the page shows a problem, and returns its text.
pub(crate) fn wait_error(b: &Browser, what: &str, secs: u64) -> Value {
    b.wait(
        what,
        "const e = document.getElementById('error'); return e ? e.textContent : ''",
        secs,
    )
}

pub(crate) fn wait_report(b: &Browser, secs: u64) {
    b.wait(
        "the report",
        "return !!document.querySelector('#card-new-users') && !document.querySelector('#progress')",
        secs,
    );
}

pub(crate) fn period(b: &Browser) -> (String, String) {
    let v = b.js(
        "return [document.getElementById('start').value, document.getElementById('end').value]",
    );
    (
        v[0].as_str().unwrap().to_string(),
        v[1].as_str().unwrap().to_string(),
    )
}

pub(crate) fn card(b: &Browser, id: &str) -> String {
    b.text(&format!("#card-{id} .value"))
}

pub(crate) fn sum(v: &Value, key: &str) -> u64 {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_u64().unwrap())
        .sum()
}

/// The cards show the CLI's figures for the same period.
pub(crate) fn check_cards(b: &Browser, cli: &Value) {
    let om = &cli["other_metrics"];
    let events: u64 = om["events_by_type"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        card(b, "new-users"),
        sum(&cli["new_users_over_time"], "count").to_string()
    );
    assert_eq!(card(b, "active-users"), om["active_users"].to_string());
    assert_eq!(card(b, "events"), events.to_string());
    assert_eq!(
        card(b, "screen-views"),
        om["screen_views"]["total"].to_string()
    );
    // The retention card: the newest cohort whose whole week lies before
    // the period (one that joins inside it is active by joining).
    let start = cli["range"]["start"].as_str().unwrap();
    let start = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
    let earlier = cli["retention_cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            let monday = c["cohort_start_date"].as_str().unwrap();
            let monday = chrono::NaiveDate::parse_from_str(monday, "%Y-%m-%d").unwrap();
            (start - monday).num_days() >= 7
        });
    if earlier.is_none() {
        assert_eq!(card(b, "retention"), "no cohort joined before the period");
    }
    if let Some(c) = earlier {
        let text = card(b, "retention");
        assert!(
            text.starts_with(&format!("{:.2}%", c["retention_rate"].as_f64().unwrap())),
            "{text} vs {c}"
        );
        // The week as people say it, its ISO label in the tooltip.
        let start = c["cohort_start_date"].as_str().unwrap();
        let day = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let said = format!("week of {}", day.format("%-d %B %Y"));
        assert!(text.contains(&said), "{text} vs {said}");
        let title = b.js("return document.querySelector('#card-retention .value').title");
        assert_eq!(
            title.as_str().unwrap(),
            format!("Cohort {}", c["cohort_week"].as_str().unwrap())
        );
    }
}

pub(crate) fn open_section(b: &Browser, id: &str) {
    b.click(&format!("#tab-{id}"));
    b.wait(
        id,
        &format!("return !!document.querySelector('#section [data-table=\"{id}\"], #section #export, #section .charts')"),
        10,
    );
}

/// Row count of a table view, from its status line.
pub(crate) fn table_rows(b: &Browser, view: &str) -> u64 {
    let text = b.wait(
        "a table's status",
        &format!(
            "const s = document.querySelector('#table-{view} .status'); return s && !s.textContent.startsWith('loading') ? s.textContent : ''"
        ),
        20,
    );
    text.as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn zip_dir(dir: &Path) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in csv_files(dir) {
        let name = format!("export/{}", f.file_name().unwrap().to_str().unwrap());
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The CLI run inside `dir` on its CSV files by name, so that the file
/// names in its warnings (and so in `summary.md` and `report.html`) are the
/// ones the page gets from the file input or the demo generator.
pub(crate) fn cli_in(dir: &Path, args: &[&str]) -> Vec<u8> {
    let names: Vec<String> = csv_files(dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    run(cli().current_dir(dir).args(&names).args(args).arg("-q"))
}

/// The CLI's consolidated JSON with insights (and `extra` options), UTC.
pub(crate) fn cli_insights(dir: &Path, start: &str, end: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "--start",
        start,
        "--end",
        end,
        "--timezone",
        "UTC",
        "--insights",
        "--stdout",
    ];
    args.extend_from_slice(extra);
    serde_json::from_slice(&cli_in(dir, &args)).unwrap()
}

pub(crate) fn open_view(b: &Browser, tab: &str, ready: &str) {
    b.click(&format!("#tab-{tab}"));
    b.wait(
        tab,
        &format!(
            "return !!document.querySelector({})",
            serde_json::to_string(ready).unwrap()
        ),
        20,
    );
}

/// The CLI's zip (UTC, in `dir`, CSV files by name) with `extra` options.
pub(crate) fn cli_zip_in(dir: &Path, start: &str, end: &str, extra: &[&str]) -> (Vec<u8>, PathBuf) {
    let out = tmp(&format!("cli-zip-in-{start}-{end}-{}", extra.join("")));
    let out_s = out.to_str().unwrap();
    let mut args = vec![
        "--start",
        start,
        "--end",
        end,
        "--timezone",
        "UTC",
        "--zip",
        "--output-dir",
        out_s,
    ];
    args.extend_from_slice(extra);
    cli_in(dir, &args);
    (
        std::fs::read(out.join(format!("engagement_{start}_to_{end}.zip"))).unwrap(),
        out,
    )
}

pub(crate) fn zip_names(bytes: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    z.file_names().map(|s| s.unwrap().to_string()).collect()
}

/// Waits until the service worker controls the page: it activates only
/// once it has cached the whole build (install), and then claims the page.
pub(crate) fn wait_offline_ready(b: &Browser) {
    b.wait(
        "the service worker",
        "return !!navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        60,
    );
}

/// Console messages of the Content-Security-Policy refusing something,
/// except `style-src` refusals, which are not these tests' subject: the
/// charts' text measurement (plotters' web font code sets a `style`
/// attribute) is refused and falls back.
pub(crate) fn csp_refusals(log: &[(String, String)]) -> Vec<String> {
    log.iter()
        .filter(|(_, m)| m.contains("Content Security Policy") && !m.contains("'style-src"))
        .map(|(_, m)| m.clone())
        .collect()
}

pub(crate) fn cards(b: &Browser) -> Vec<String> {
    [
        "new-users",
        "active-users",
        "events",
        "screen-views",
        "retention",
    ]
    .iter()
    .map(|id| card(b, id))
    .collect()
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// The kept set's files (OPFS folder `kept`): name → size; `{}` when the
/// folder does not exist.
pub(crate) fn kept_files(b: &Browser) -> serde_json::Map<String, Value> {
    let v = b.js_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const root = await navigator.storage.getDirectory();
           let dir;
           try { dir = await root.getDirectoryHandle('kept'); } catch (e) { return {}; }
           const out = {};
           for await (const [name, h] of dir.entries()) out[name] = (await h.getFile()).size;
           return out;
         })().then(done, (e) => done('error: ' + e));",
    );
    v.as_object()
        .unwrap_or_else(|| panic!("OPFS listing: {v}"))
        .clone()
}
