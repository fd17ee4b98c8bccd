//! Loading a bundle: the demo generator, the file input, dropped files,
//! cancelling a load.

use crate::common::*;
use crate::harness::*;

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn demo_data_figures_period_change_and_zip_match_the_cli() {
    let bundle = demo_dir("demo-small", 300);
    let b = Browser::start(tmp("downloads-demo"));
    b.goto(&format!("{}/?demo=small&tz=UTC", page()));
    wait_report(&b, 120);
    let (start, end) = period(&b);
    assert_eq!(
        end, "2025-06-30",
        "the default period ends on the data's last day"
    );
    let cli = cli_report(&bundle, &start, &end);
    check_cards(&b, &cli);
    // The load summary lists the tables and every warning with a count.
    let users = b.text("#load-summary tr[data-table='auth_user.csv'] td.num");
    assert_eq!(users, "300");
    let warnings = b.js("return document.querySelectorAll('#warnings li[data-count]').length");
    assert!(
        warnings.as_u64().unwrap() >= 1,
        "the demo's designed anomalies are shown"
    );
    // Every chart is an SVG described by its text alternative.
    let alts = b.js("return [...document.querySelectorAll('figure.chart svg')].map(s => document.getElementById(s.getAttribute('aria-describedby')).textContent)");
    // The six of the data sets and the daily activity (SPEC §11).
    assert_eq!(alts.as_array().unwrap().len(), 7);
    assert!(alts
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a.as_str().unwrap().len() > 10));

    open_section(&b, "user_activity_timeline");
    let before = table_rows(&b, "user_activity_timeline");
    assert_eq!(
        before as usize,
        cli["user_activity_timeline"].as_array().unwrap().len()
    );

    // A 7-day preset recomputes from the loaded rows and the table changes.
    b.click("#preset-7");
    b.wait(
        "the 7-day report",
        "return document.getElementById('report-title').textContent.includes('2025-06-23')",
        30,
    );
    let (start7, end7) = period(&b);
    assert_eq!(
        (start7.as_str(), end7.as_str()),
        ("2025-06-23", "2025-06-30")
    );
    let cli7 = cli_report(&bundle, &start7, &end7);
    b.wait(
        "the timeline to change",
        &format!(
            "const s = document.querySelector('#table-user_activity_timeline .status'); return s && s.textContent.startsWith('{} ')",
            cli7["user_activity_timeline"].as_array().unwrap().len()
        ),
        20,
    );
    assert_ne!(
        before as usize,
        cli7["user_activity_timeline"].as_array().unwrap().len()
    );
    check_cards(&b, &cli7);

    // Sorting by a column and paging work on the worker's rows.
    b.click("#table-user_activity_timeline th:nth-child(4) button.sort");
    b.click("#table-user_activity_timeline th:nth-child(4) button.sort");
    b.wait(
        "descending sort",
        "return document.querySelector('#table-user_activity_timeline th:nth-child(4)').getAttribute('aria-sort') === 'descending'",
        10,
    );

    // The zip downloads byte-identical to the CLI's, JSON and CSV (the
    // seven data sets only: the page's extra files unticked).
    open_section(&b, "export");
    only_the_data_sets(&b);
    b.click("#download-zip");
    let name = format!("engagement_{start7}_to_{end7}.zip");
    let zip = b.downloaded(&name);
    assert_eq!(
        zip,
        cli_zip(&bundle, &start7, &end7, "json"),
        "zip differs from the CLI's"
    );
    std::fs::remove_file(b.downloads.join(&name)).unwrap();
    b.js("const s = document.getElementById('format'); s.value = 'csv'; s.dispatchEvent(new Event('change'));");
    b.click("#download-zip");
    let zip = b.downloaded(&name);
    assert_eq!(
        zip,
        cli_zip(&bundle, &start7, &end7, "csv"),
        "CSV zip differs from the CLI's"
    );

    // The address holds the state: reopening it gives the same report.
    let url = b.js("return location.href");
    let url = url.as_str().unwrap();
    assert!(
        url.contains("start=2025-06-23") && url.contains("demo=small"),
        "{url}"
    );
    b.goto(url);
    wait_report(&b, 120);
    assert_eq!(period(&b), (start7, end7));
    b.click("#tab-overview");
    // A recompute while the charts are shown redraws them in place.
    b.click("#preset-30");
    b.wait(
        "the 30-day report",
        "return document.getElementById('report-title').textContent.includes('2025-05-31')",
        30,
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    // After recomputes, every chart holds one drawing, not one per report.
    let drawings = b.js(
        "return [...document.querySelectorAll('figure.chart')].map(f => f.querySelectorAll('svg').length)",
    );
    let drawings = drawings.as_array().unwrap();
    assert!(
        !drawings.is_empty() && drawings.iter().all(|n| n == 1),
        "{drawings:?}"
    );
    b.screenshot(&root().join("target/web-e2e-report.png"));
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn a_bundle_on_disk_loads_through_the_file_input() {
    let bundle = demo_dir("files", 150);
    let b = Browser::start(tmp("downloads-files"));
    open_blank(&b, "file-input");
    let files = csv_files(&bundle);
    b.set_files("#file-input", &files);
    wait_report(&b, 120);
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    assert_eq!(
        b.text("#load-summary tr[data-table='auth_user.csv'] td.num"),
        "150"
    );
    // Said in staff's words: what was loaded, and each table's CSV file.
    assert_eq!(b.text("#found-title"), "What the export files hold");
    let said = b.text("#load-summary p");
    assert!(
        said.starts_with(&format!("Loaded {} files in ", files.len())),
        "{said}"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#table-checklist thead th').length"),
        5
    );
    // A dump is named as one, and its tables by their meaning only (no
    // CSV names it never had).
    b.set_files(
        "#file-input",
        &[root().join("tests/fixtures/tiny/dump.json")],
    );
    b.wait(
        "the dump loaded",
        "const p = document.querySelector('#load-summary p'); return p && p.textContent.startsWith('Loaded dump.json')",
        60,
    );
    let said = b.text("#load-summary p");
    assert!(
        said.starts_with("Loaded dump.json (a Django dumpdata file) in "),
        "{said}"
    );
    let heads = b.js(
        "return [...document.querySelectorAll('#table-checklist thead th')].map(h => h.textContent)",
    );
    assert_eq!(
        heads,
        serde_json::json!(["table", "found", "rows", "feeds"])
    );
    let checklist = b.text("#table-checklist");
    assert!(!checklist.contains(".csv"), "{checklist}");
    // The model the report does not read (the fixture holds one object of
    // prayers.prayerrequest) is said, not silently dropped.
    assert_eq!(
        b.text("#other-models"),
        "The dump also holds 1 object of 1 other model that the report does not need (prayers.prayerrequest 1); they were left aside."
    );
    assert_eq!(
        b.text("#load-summary tr[data-table='auth_user.csv'] td.num"),
        "40"
    );
    b.set_files("#file-input", &files);
    wait_report(&b, 120);
    b.wait(
        "the CSVs again",
        "const c = document.querySelector(\"#load-summary tr[data-table='auth_user.csv'] td.num\"); return c && c.textContent === '150'",
        60,
    );
    // A user's row opens that user's timeline and fasts.
    open_section(&b, "user_activity");
    b.wait(
        "user rows",
        "return !!document.querySelector('#table-user_activity tr.clickable')",
        20,
    );
    b.click("#table-user_activity tr.clickable");
    b.wait(
        "the user panel",
        "const t = document.querySelector('#table-user-fasts .status'); return t && !t.textContent.startsWith('loading')",
        20,
    );
}

#[test]
#[ignore = "slow: the large demo bundle; run scripts/web-test.sh"]
fn cancel_stops_a_load_and_a_later_load_works() {
    let b = Browser::start(tmp("downloads-cancel"));
    open_blank(&b, "demo-large");
    b.click("#demo-large");
    b.wait(
        "the progress bar",
        "return !!document.getElementById('cancel')",
        30,
    );
    b.click("#cancel");
    let err = b.wait(
        "the cancelled message",
        "const e = document.getElementById('error-text'); return e ? e.textContent : ''",
        60,
    );
    assert!(err.as_str().unwrap().contains("cancelled"), "{err}");
    // Nothing of the cancelled load shows up, even a little later.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let shown = b.js(
        "return [!!document.querySelector('#card-new-users'), !!document.querySelector('#load-summary'), !!document.querySelector('#progress')]",
    );
    assert_eq!(shown, serde_json::json!([false, false, false]));
    b.click("#demo-small");
    wait_report(&b, 120);
    let users = b.text("#load-summary tr[data-table='auth_user.csv'] td.num");
    assert_eq!(users, "300", "the later load is the small demo");
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn files_dropped_on_the_drop_zone_load() {
    let bundle = demo_dir("drop", 150);
    let files: Vec<(String, String)> = csv_files(&bundle)
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_string(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let b = Browser::start(tmp("downloads-drop"));
    open_blank(&b, "drop-zone");
    // A synthetic drop of files (a folder cannot be synthesized; the
    // folder walk is tested with fake entries in the component tests).
    b.js(&format!(
        "const dt = new DataTransfer();
         for (const [name, text] of {}) dt.items.add(new File([text], name, {{type: 'text/csv'}}));
         const z = document.getElementById('drop-zone');
         z.dispatchEvent(new DragEvent('dragover', {{dataTransfer: dt, bubbles: true, cancelable: true}}));
         z.dispatchEvent(new DragEvent('drop', {{dataTransfer: dt, bubbles: true, cancelable: true}}));",
        serde_json::to_string(&files).unwrap()
    ));
    wait_report(&b, 120);
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    assert_eq!(
        b.text("#load-summary tr[data-table='auth_user.csv'] td.num"),
        "150"
    );
}
