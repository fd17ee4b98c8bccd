//! Insights (SPEC §7) and segments (§8) in the page.

use std::path::PathBuf;

use crate::common::*;
use crate::harness::*;
use serde_json::Value;

/// The summary cards agree with `period_comparison`: each card's value is
/// the metric's current figure, and its change line carries the previous
/// figure and the change.
fn check_comparison(b: &Browser, cli: &Value) {
    let pc = &cli["insights"]["period_comparison"];
    let shown = b.js(
        "return [...document.querySelectorAll('.card .change')].map(c => [c.dataset.metric, c.dataset.current, c.dataset.previous, c.dataset.change, c.closest('.card').querySelector('.value').textContent, c.textContent, c.nextElementSibling.textContent])",
    );
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 4, "{shown:?}");
    let prev = format!(
        "in {} – {}",
        pc["previous"]["start"].as_str().unwrap(),
        pc["previous"]["end"].as_str().unwrap()
    );
    for s in shown {
        let metric = s[0].as_str().unwrap();
        let m = pc["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == metric)
            .unwrap_or_else(|| panic!("no metric {metric}"));
        assert_eq!(s[1].as_str().unwrap(), m["current"].to_string(), "{metric}");
        assert_eq!(
            s[2].as_str().unwrap(),
            m["previous"].to_string(),
            "{metric}"
        );
        assert_eq!(s[3].as_str().unwrap(), m["change"].to_string(), "{metric}");
        assert_eq!(s[4].as_str().unwrap(), m["current"].to_string(), "{metric}");
        let change = m["change"].as_i64().unwrap();
        let text = s[5].as_str().unwrap();
        let arrow = match change.signum() {
            1 => "▲",
            -1 => "▼",
            _ => "=",
        };
        assert!(text.starts_with(arrow), "{metric}: {text}");
        if change != 0 {
            assert!(text.contains(&change.abs().to_string()), "{metric}: {text}");
        }
        if let Some(p) = m["change_pct"].as_f64() {
            assert!(text.contains(&format!("{p:.2}%")), "{metric}: {text}");
        }
        assert_eq!(
            s[6].as_str().unwrap(),
            format!("vs {} {prev}", m["previous"]),
            "{metric}"
        );
    }
}

/// Waits for a table view's status to say `rows` rows (filtered or not).
fn wait_rows(b: &Browser, view: &str, rows: usize) -> String {
    let v = b.wait(
        &format!("{rows} rows in {view}"),
        &format!(
            "const s = document.querySelector('#table-{view} .status'); return s && (s.textContent.startsWith('{rows} rows') || s.textContent.startsWith('{rows} of')) ? s.textContent : ''"
        ),
        20,
    );
    v.as_str().unwrap().to_string()
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn insight_views_show_the_clis_insights() {
    let bundle = demo_dir("demo-insights", 300);
    let (start, end) = ("2025-04-01", "2025-06-30");
    let cli = cli_insights(&bundle, start, end, &[]);
    let ins = &cli["insights"];
    let b = Browser::start(tmp("downloads-insights"));
    b.cdp(
        "Browser.grantPermissions",
        serde_json::json!({"origin": page(),
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    b.goto(&format!(
        "{}/?demo=small&tz=UTC&start={start}&end={end}",
        page()
    ));
    wait_report(&b, 120);
    assert_eq!(period(&b), (start.to_string(), end.to_string()));
    check_cards(&b, &cli);
    check_comparison(&b, &cli);

    // In a nutshell: the brief as elements, its table's figures in cells,
    // no Markdown syntax left; Copy gives the CLI's summary_md.
    let md = ins["summary_md"].as_str().unwrap();
    let rows = b.js(
        "return [...document.querySelectorAll('#nutshell-text table tbody tr')].map(r => [...r.cells].map(c => [c.textContent, c.querySelector('span.field')?.title ?? '']))",
    );
    // Every cell as summary.md has it, but a label's field name in
    // parentheses ("New users (`new_users`)") is a tooltip, not text.
    let want: Vec<Vec<(String, String)>> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Metric") && !l.starts_with("| ---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| {
                    let c = c.trim();
                    match c.strip_suffix("`)").and_then(|c| c.split_once(" (`")) {
                        Some((label, field)) => {
                            (label.to_string(), format!("In the data files: {field}"))
                        }
                        None => (c.replace('`', ""), String::new()),
                    }
                })
                .collect()
        })
        .collect();
    assert_eq!(want.len(), 9);
    assert!(want.iter().all(|r| !r[0].1.is_empty()), "{want:?}");
    assert_eq!(rows, serde_json::json!(want));
    let text = b.text("#nutshell-text table");
    assert!(!text.contains("(new_users)"), "{text}");
    let text = b.text("#nutshell-text");
    assert!(!text.contains("| ---") && !text.contains("## "), "{text}");
    assert!(
        b.js("return document.querySelectorAll('#nutshell-text h4, #nutshell-text h5').length")
            .as_u64()
            .unwrap()
            >= 5
    );
    b.click("#copy-summary");
    b.wait(
        "the copy",
        "return document.getElementById('nutshell-status').textContent",
        20,
    );
    let copied = b.js_async(
        "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('ERROR ' + e))",
    );
    assert_eq!(copied.as_str().unwrap(), md);
    b.js("document.getElementById('report-title').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-nutshell.png"));

    // Weekly retention: every cohort and week as the CLI's retention_matrix.
    open_view(&b, "retention_matrix", "#triangle");
    let grid = b.js(
        "return [...document.querySelectorAll('#triangle tbody tr')].map(r => [r.dataset.cohort, r.querySelector('td.users').textContent, [...r.querySelectorAll('td.cell')].map(c => c.classList.contains('none') ? null : [+c.dataset.week, +c.dataset.active, c.dataset.rate, c.dataset.complete === 'true', c.title]), r.querySelector('th').textContent, r.querySelector('th').title])",
    );
    let matrix = ins["retention_matrix"].as_array().unwrap();
    let grid = grid.as_array().unwrap();
    assert_eq!(grid.len(), matrix.len());
    assert!(matrix.len() >= 10, "a quarter has a dozen cohorts");
    for (row, c) in grid.iter().zip(matrix) {
        assert_eq!(row[0], c["cohort_week"]);
        // The week as people say it; the ISO label in the tooltip.
        let monday =
            chrono::NaiveDate::parse_from_str(c["cohort_start_date"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        assert_eq!(
            row[3].as_str().unwrap(),
            format!("week of {}", monday.format("%-d %B %Y"))
        );
        assert_eq!(
            row[4].as_str().unwrap(),
            format!("Cohort {}", c["cohort_week"].as_str().unwrap())
        );
        assert_eq!(row[1].as_str().unwrap(), c["users"].to_string());
        let cells = row[2].as_array().unwrap();
        assert_eq!(cells.len(), 13);
        let weeks = c["weeks"].as_array().unwrap();
        for (n, cell) in cells.iter().enumerate() {
            match weeks.get(n) {
                None => assert!(
                    cell.is_null(),
                    "{} week {n} is not listed",
                    c["cohort_week"]
                ),
                Some(w) => {
                    assert_eq!(cell[0], w["week"]);
                    assert_eq!(cell[1], w["active"]);
                    assert_eq!(
                        cell[2].as_str().unwrap(),
                        format!("{:.2}", w["rate"].as_f64().unwrap())
                    );
                    assert_eq!(cell[3], w["complete"]);
                    let title = cell[4].as_str().unwrap();
                    assert!(
                        title.contains(&format!("{} of {} active", w["active"], c["users"])),
                        "{title}"
                    );
                    assert_eq!(
                        title.contains("not over yet"),
                        !w["complete"].as_bool().unwrap()
                    );
                }
            }
        }
    }
    // The users toggle shows each cell's count.
    b.click("#triangle-users");
    b.wait(
        "counts",
        "return document.getElementById('triangle-users').getAttribute('aria-pressed') === 'true'",
        10,
    );
    let counts = b.js(
        "return [...document.querySelectorAll('#triangle td.cell:not(.none)')].map(c => [c.dataset.active, c.textContent.replace('*', '')])",
    );
    for pair in counts.as_array().unwrap() {
        assert_eq!(pair[0], pair[1]);
    }
    b.click("#triangle-pct");
    b.js("document.querySelector('nav.tabs').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-retention.png"));

    // When active: all 168 cells, and the peak in words.
    open_view(&b, "activity_heatmap", "#heatmap");
    let cells = b.js(
        "return [...document.querySelectorAll('#heatmap td.cell')].map(c => [+c.dataset.weekday, +c.dataset.hour, +c.dataset.events, +c.dataset.feedItems, +c.dataset.users])",
    );
    let want: Vec<Value> = ins["activity_heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            serde_json::json!([
                c["weekday"],
                c["hour"],
                c["events"],
                c["feed_items"],
                c["users"]
            ])
        })
        .collect();
    assert_eq!(cells, Value::Array(want));
    // One cell in detail: the busiest, as summary.md names it.
    let heat = ins["activity_heatmap"].as_array().unwrap();
    let peak = heat
        .iter()
        .fold(None::<&Value>, |best, c| {
            let t = |c: &Value| c["events"].as_u64().unwrap() + c["feed_items"].as_u64().unwrap();
            match best {
                Some(b) if t(b) >= t(c) => Some(b),
                _ if t(c) > 0 => Some(c),
                _ => best,
            }
        })
        .unwrap();
    let sel = format!(
        "#heatmap td[data-weekday='{}'][data-hour='{}']",
        peak["weekday"], peak["hour"]
    );
    let title = b.js(&format!(
        "const c = document.querySelector(\"{sel}\"); return [c.title, c.getAttribute('aria-label'), c.textContent, c.tabIndex]"
    ));
    let total = peak["events"].as_u64().unwrap() + peak["feed_items"].as_u64().unwrap();
    assert_eq!(title[0], title[1]);
    assert!(
        title[0]
            .as_str()
            .unwrap()
            .ends_with(&format!("{} users", peak["users"])),
        "{title}"
    );
    assert_eq!(title[2].as_str().unwrap(), total.to_string());
    assert_eq!(title[3], 0);
    let sentence = b.text("#heatmap-peak");
    let name = peak["weekday_name"].as_str().unwrap();
    let hour = peak["hour"].as_u64().unwrap();
    assert!(sentence.contains(&format!("{hour:02}:00-")), "{sentence}");
    assert!(sentence.contains(name), "{sentence} names {name}");
    assert!(
        md.contains(&format!("{name} {hour:02}:00-")),
        "the brief names the same peak"
    );
    b.js("document.querySelector('nav.tabs').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-activity.png"));

    // People: the at-risk list is the CLI's at_risk users, most engaged
    // first; the counts are the CLI's; a row opens the user's timeline.
    let ue = ins["user_engagement"].as_array().unwrap();
    let mut at_risk: Vec<&Value> = ue.iter().filter(|u| u["status"] == "at_risk").collect();
    at_risk.sort_by_key(|u| u["engagement_rank"].as_u64().unwrap());
    assert!(!at_risk.is_empty());
    open_view(&b, "people", "#table-people-at_risk");
    let status = wait_rows(&b, "people-at_risk", at_risk.len());
    assert!(
        status.contains(&format!("of {} rows", ue.len())),
        "{status}"
    );
    let ids = b.js(
        "return [...document.querySelectorAll('#table-people-at_risk tbody tr')].map(r => +r.dataset.user)",
    );
    let want: Vec<u64> = at_risk
        .iter()
        .take(25)
        .map(|u| u["user_id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, serde_json::json!(want));
    // The next page holds the next 25 (paging through a filtered list).
    if at_risk.len() > 25 {
        b.click("#table-people-at_risk button.next");
        let next = b.wait(
            "page 2",
            "const s = document.querySelector('#table-people-at_risk .status').textContent; return s.includes('page 2') ? [...document.querySelectorAll('#table-people-at_risk tbody tr')].map(r => +r.dataset.user) : null",
            20,
        );
        let want2: Vec<u64> = at_risk
            .iter()
            .skip(25)
            .take(25)
            .map(|u| u["user_id"].as_u64().unwrap())
            .collect();
        assert_eq!(next, serde_json::json!(want2));
        b.click("#table-people-at_risk button.first");
        b.wait(
            "page 1",
            "return document.querySelector('#table-people-at_risk .status').textContent.includes('page 1')",
            20,
        );
    }
    let statuses = b.js(
        "const t = document.querySelector('#table-people-at_risk table'); const col = [...t.tHead.rows[0].cells].findIndex(th => th.dataset.field === 'status'); return [...new Set([...t.tBodies[0].rows].map(r => r.cells[col].textContent))]",
    );
    assert_eq!(statuses, serde_json::json!(["at_risk"]));
    // Headings read as words; the field name is the tooltip.
    let headings = b.js(
        "return [...document.querySelectorAll('#table-people-at_risk th')].slice(0, 5).map(th => [th.textContent.trim(), th.title])",
    );
    assert_eq!(
        headings,
        serde_json::json!([
            ["User ID", "user_id"],
            ["Username", "username"],
            ["E-mail", "email"],
            ["Status", "status"],
            ["Days since last", "days_since_last"]
        ])
    );
    // The call list: the at-risk list as shown (every page, with the text
    // filter applied), with readable headings, names and e-mails.
    b.click("#call-list-csv");
    let csv = String::from_utf8(b.downloaded("call_list_at_risk.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}Name,E-mail,Status,Last active,Days since last active,Active days,Activities,\"Activities, first half\",\"Activities, second half\",First active,User ID"
    );
    let listed: Vec<u64> = lines
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let all_at_risk: Vec<u64> = at_risk
        .iter()
        .map(|u| u["user_id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        listed, all_at_risk,
        "every at-risk person, in the list's order"
    );
    let first_email = at_risk[0]["email"].as_str().unwrap();
    assert!(
        csv.contains(first_email),
        "real e-mails: staff call these people"
    );
    // Filtered to one person's e-mail, the Excel list holds that one row.
    b.js(&format!(
        "const f = document.querySelector('#table-people-at_risk input.filter'); f.value = {first_email:?}; f.dispatchEvent(new Event('input', {{bubbles: true}}))"
    ));
    b.wait(
        "the filtered list",
        "const s = document.querySelector('#table-people-at_risk .status').textContent; return s.includes(' match')",
        20,
    );
    b.click("#call-list-xlsx");
    let book = b.downloaded("call_list_at_risk.xlsx");
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut book.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert_eq!(
        sheet.matches("<row ").count(),
        2,
        "the heading and one person"
    );
    assert!(sheet.contains(first_email));
    b.js("const f = document.querySelector('#table-people-at_risk input.filter'); f.value = ''; f.dispatchEvent(new Event('input', {bubbles: true}))");
    let declining = ue.iter().filter(|u| u["status"] == "declining").count();
    assert!(b
        .text("#people-tab-declining")
        .contains(&format!("({declining})")));
    b.js("document.querySelector('nav.tabs').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-people.png"));
    b.click("#table-people-at_risk tr.clickable");
    b.wait(
        "the user panel",
        "const t = document.querySelector('#table-user-timeline .status'); return t && !t.textContent.startsWith('loading')",
        20,
    );
    // The details are titled with the person's name and brought into view.
    let title = b.text("#user-panel h3");
    assert!(title.ends_with(&want[0].to_string()), "{title}");
    assert!(
        title.starts_with(at_risk[0]["username"].as_str().unwrap()),
        "{title}"
    );
    assert_eq!(
        b.js("const r = document.getElementById('user-panel-title').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight"),
        serde_json::json!(true),
        "the opened person's details are on screen"
    );
    // Engaged: that status only; Everyone: every row, by engagement_rank.
    let engaged = ue.iter().filter(|u| u["status"] == "engaged").count();
    assert!(b
        .text("#people-tab-engaged")
        .contains(&format!("({engaged})")));
    b.click("#people-tab-everyone");
    wait_rows(&b, "people-everyone", ue.len());
    let first =
        b.js("return +document.querySelector('#table-people-everyone tbody tr').dataset.user");
    let best = ue.iter().find(|u| u["engagement_rank"] == 1).unwrap();
    assert_eq!(first, best["user_id"]);

    // Fasts: fast_retention beside the fasts table.
    open_view(&b, "fasts", "#table-fast_retention");
    wait_rows(
        &b,
        "fast_retention",
        ins["fast_retention"].as_array().unwrap().len(),
    );
    let first = b.js(
        "return [...document.querySelectorAll('#table-fast_retention tbody tr:first-child td')].map(c => c.textContent)",
    );
    let f = &ins["fast_retention"][0];
    assert_eq!(first[0].as_str().unwrap(), f["fast_id"].to_string());
    assert_eq!(first[3].as_str().unwrap(), f["members_ever"].to_string());
    assert_eq!(
        first[6].as_str().unwrap(),
        format!("{:.2}", f["retention_rate"].as_f64().unwrap())
    );
    b.js("document.getElementById('fast-retention-view').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-fasts.png"));

    // "Last month" (the data ends 2025-06-30): May, compared with April —
    // whole calendar months (SPEC §7.5), as the CLI does for those dates.
    b.click("#preset-last-month");
    b.wait(
        "May's report",
        "return document.getElementById('report-title').textContent.includes('2025-05-31')",
        30,
    );
    assert_eq!(
        period(&b),
        ("2025-05-01".to_string(), "2025-05-31".to_string())
    );
    let may = cli_insights(&bundle, "2025-05-01", "2025-05-31", &[]);
    assert_eq!(
        may["insights"]["period_comparison"]["previous"],
        serde_json::json!({"start": "2025-04-01", "end": "2025-04-30"})
    );
    b.wait(
        "May's comparison",
        "return [...document.querySelectorAll('.card .change')].some(c => c.nextElementSibling.textContent.includes('2025-04-01 – 2025-04-30'))",
        30,
    );
    check_comparison(&b, &may);

    // A time zone typed in everyday words is answered beside the field,
    // with the names it may mean, and the report stays where it is.
    let title = b.text("#report-title");
    b.js("const z = document.getElementById('tz'); z.value = 'Eastern'; z.dispatchEvent(new Event('change', {bubbles: true}))");
    let said = b.wait(
        "the time zone's message",
        "const e = document.getElementById('tz-error'); return e && e.textContent ? e.textContent : ''",
        10,
    );
    let said = said.as_str().unwrap();
    assert!(said.contains("America/New_York"), "{said}");
    assert_eq!(
        b.js("return document.getElementById('tz').getAttribute('aria-invalid')"),
        serde_json::json!("true")
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(b.text("#report-title"), title);
    // The suggested name is taken.
    b.js("const z = document.getElementById('tz'); z.value = 'America/New_York'; z.dispatchEvent(new Event('change', {bubbles: true}))");
    b.wait(
        "the message to go",
        "return document.getElementById('tz-error').textContent === ''",
        10,
    );
}

/// `tests/fixtures/tiny-insights/csv`: users with is_staff/is_superuser and
/// profiles in several churches.
fn tiny_insights() -> PathBuf {
    root().join("tests/fixtures/tiny-insights/csv")
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn segment_controls_recompute_like_the_clis_segments() {
    let bundle = tiny_insights();
    let (start, end) = ("2024-12-22", "2025-01-20");
    let b = Browser::start(tmp("downloads-segment"));
    b.goto(&format!("{}/?tz=UTC&start={start}&end={end}", page()));
    b.wait(
        "the page",
        "return !!document.getElementById('file-input')",
        30,
    );
    b.set_files("#file-input", &csv_files(&bundle));
    wait_report(&b, 60);
    let all = cli_insights(&bundle, start, end, &[]);
    check_cards(&b, &all);
    check_comparison(&b, &all);
    assert!(b
        .js("return document.getElementById('report-segment')")
        .is_null());

    // The bundle's churches are offered, "All churches" first.
    let options = b.js(
        "return [...document.querySelectorAll('#church option')].map(o => [o.value, o.textContent])",
    );
    let options = options.as_array().unwrap();
    assert_eq!(options[0], serde_json::json!(["", "All churches"]));
    let churches = std::fs::read_to_string(bundle.join("hub_church.csv")).unwrap();
    assert_eq!(options.len(), churches.lines().count(), "{options:?}");

    // Exclude staff: the CLI's --exclude-staff figures, and the notice.
    b.click("#exclude-staff");
    b.wait(
        "the segment line",
        "const e = document.getElementById('report-segment'); return e ? e.textContent : ''",
        30,
    );
    let staff = cli_insights(&bundle, start, end, &["--exclude-staff"]);
    check_cards(&b, &staff);
    check_comparison(&b, &staff);
    assert_ne!(
        staff["insights"]["period_comparison"], all["insights"]["period_comparison"],
        "excluding staff changes the figures"
    );
    let notice = b.text("#segment-notice");
    assert!(notice.contains("4 staff users"), "{notice}");
    // The People lists follow the segment: an empty list says so.
    let ue = staff["insights"]["user_engagement"].as_array().unwrap();
    let at_risk = ue.iter().filter(|u| u["status"] == "at_risk").count();
    open_view(&b, "people", "#people-view");
    assert!(
        b.text("#people-tab-at_risk")
            .contains(&format!("({at_risk})")),
        "{}",
        b.text("#people-tab-at_risk")
    );
    if at_risk == 0 {
        b.wait(
            "the empty list",
            "return !!document.getElementById('people-empty')",
            10,
        );
    } else {
        wait_rows(&b, "people-at_risk", at_risk);
    }
    b.click("#tab-overview");
    b.js("document.getElementById('segment').scrollIntoView()");
    b.screenshot(&root().join("target/web-e2e-segment.png"));

    // And one church on top: the CLI's --exclude-staff --church 2.
    b.js("const s = document.getElementById('church'); s.value = '2'; s.dispatchEvent(new Event('change'));");
    b.wait(
        "the church segment",
        "const e = document.getElementById('report-segment'); return e && e.textContent.includes('id 2')",
        30,
    );
    let church = cli_insights(&bundle, start, end, &["--exclude-staff", "--church", "2"]);
    check_cards(&b, &church);
    check_comparison(&b, &church);
    let md = church["insights"]["summary_md"].as_str().unwrap();
    assert!(md.contains("church"), "{md:.400}");
    let brief = b.text("#nutshell-text");
    let segment_line = md.lines().find(|l| l.starts_with("- Segment:")).unwrap();
    assert!(
        brief.contains(
            segment_line
                .trim_start_matches("- ")
                .replace('`', "")
                .as_str()
        ),
        "{brief:.600}"
    );
    let url = b.js("return location.href");
    let url = url.as_str().unwrap();
    assert!(
        url.contains("staff=exclude") && url.contains("church=2"),
        "{url}"
    );

    // Back to everyone.
    b.click("#exclude-staff");
    b.js("const s = document.getElementById('church'); s.value = ''; s.dispatchEvent(new Event('change'));");
    b.wait(
        "no segment",
        "return !document.getElementById('report-segment')",
        30,
    );
    check_cards(&b, &all);
}
