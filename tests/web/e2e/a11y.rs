//! Keyboard use, phone width and axe-core's accessibility rules.

use crate::common::*;
use crate::harness::*;

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn keyboard_only_demo_preset_sort_and_user_details() {
    let b = Browser::start(tmp("downloads-keyboard"));
    open_blank(&b, "demo-small");
    b.tab_to("#demo-small", 40);
    b.press(ENTER);
    wait_report(&b, 120);
    b.tab_to("#preset-7", 60);
    b.press(SPACE);
    b.wait(
        "the 7-day report",
        "return document.getElementById('report-title').textContent.includes('2025-06-23')",
        30,
    );
    // Once a report is shown, the first Tab stop is "Skip to the report",
    // and Enter moves the focus to the report's title.
    // (Tab is pressed from the page's very start: a button put first, focused
    // and removed leaves the focus there.)
    b.js("const s = document.createElement('button'); document.body.prepend(s); s.focus(); s.remove()");
    b.press(TAB);
    assert_eq!(
        b.js("return document.activeElement.id"),
        serde_json::json!("skip-to-report")
    );
    b.press(ENTER);
    assert_eq!(
        b.js("return document.activeElement.id"),
        serde_json::json!("report-title")
    );
    // The section tabs are one stop for Tab (ARIA tabs pattern): the
    // arrow keys move between them, End goes to the last, and a moved-to
    // tab is selected.
    b.tab_to("#tab-overview", 60);
    b.press(END);
    assert_eq!(
        b.js("return document.activeElement.id + ' ' + document.activeElement.getAttribute('aria-selected')"),
        serde_json::json!("tab-export true")
    );
    b.press(ARROW_RIGHT);
    assert_eq!(
        b.js("return document.activeElement.id"),
        serde_json::json!("tab-overview")
    );
    for _ in 0..3 {
        b.press(ARROW_RIGHT);
    }
    b.press(ARROW_LEFT);
    b.press(ARROW_RIGHT);
    assert_eq!(
        b.js("return document.activeElement.id"),
        serde_json::json!("tab-user_activity")
    );
    b.press(ENTER);
    b.wait(
        "user rows",
        "return !!document.querySelector('#table-user_activity tr.clickable')",
        20,
    );
    b.tab_to("#table-user_activity th:nth-child(2) button.sort", 60);
    b.press(ENTER);
    b.wait(
        "ascending sort",
        "return document.querySelector('#table-user_activity th:nth-child(2)').getAttribute('aria-sort') === 'ascending'",
        10,
    );
    b.tab_to("#table-user_activity tr.clickable", 60);
    let user = b.js("return document.activeElement.dataset.user");
    b.press(ENTER);
    b.wait(
        "the user panel",
        "const t = document.querySelector('#table-user-fasts .status'); return t && !t.textContent.startsWith('loading')",
        20,
    );
    let panel = b.text("#user-panel");
    assert!(
        panel.contains(user.as_str().unwrap()),
        "{panel} vs user {user}"
    );
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn phone_width_has_no_horizontal_overflow() {
    let b = Browser::start(tmp("downloads-phone"));
    b.set_window(390, 844);
    b.goto(&format!("{}/?demo=small&tz=UTC", page()));
    wait_report(&b, 120);
    let check = "return [document.documentElement.scrollWidth, window.innerWidth]";
    for section in [
        "overview",
        "user_activity_timeline",
        "export",
        "retention_matrix",
        "activity_heatmap",
        "people",
    ] {
        b.click(&format!("#tab-{section}"));
        std::thread::sleep(std::time::Duration::from_millis(500));
        let v = b.js(check);
        let (scroll, inner) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
        assert!(inner <= 400, "the window is phone-wide: {inner}");
        if scroll > inner {
            // What sticks out of the page itself (not what scrolls inside
            // a box of its own).
            let wide = b.js("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).filter(e => { for (let p = e.parentElement; p; p = p.parentElement) { if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false; } return true; }).slice(0, 12).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))");
            panic!("{section}: scrollWidth {scroll} > innerWidth {inner}; too wide: {wide}");
        }
        // Whatever is wider than the screen scrolls in its own box, and the
        // box shows that there is more (a shadow at the edge).
        let hidden = b.js(
            "return [...document.querySelectorAll('#report svg, #report table')]
               .filter(e => e.getBoundingClientRect().width > window.innerWidth)
               .filter(e => {
                 const box = e.closest('.scroll, .chart-svg');
                 if (!box) return true;
                 const s = getComputedStyle(box);
                 return !['auto', 'scroll'].includes(s.overflowX) || !s.backgroundImage.includes('radial-gradient');
               })
               .map(e => e.tagName + '#' + e.id + '.' + e.getAttribute('class'))",
        );
        assert_eq!(
            hidden,
            serde_json::json!([]),
            "{section}: wider than the screen without a scroll affordance"
        );
    }
    // The call list on a phone shows who and when, and every name and
    // e-mail whole: no column is cut at the screen's edge.
    b.click("#tab-people");
    b.wait(
        "the people list",
        "return !!document.querySelector('#people-view tbody td[data-field=\"email\"]')",
        20,
    );
    let shown = b.js(
        "return [...document.querySelectorAll('#people-view thead th')].filter(h => getComputedStyle(h).display !== 'none').map(h => h.dataset.field)",
    );
    assert_eq!(
        shown,
        serde_json::json!(["username", "email", "status", "days_since_last",])
    );
    let cut = b.js(
        "return [...document.querySelectorAll('#people-view tbody td')].filter(c => getComputedStyle(c).display !== 'none' && c.getBoundingClientRect().right > window.innerWidth + 0.5).length",
    );
    assert_eq!(cut, 0, "a cell of the call list runs past the screen");
    // The heatmap's whole week and 24 hours fit the screen.
    b.click("#tab-activity_heatmap");
    b.wait(
        "the heatmap",
        "return !!document.querySelector('#heatmap td.cell')",
        20,
    );
    let right = b.js(
        "return Math.max(...[...document.querySelectorAll('#heatmap td.cell')].map(c => c.getBoundingClientRect().right)) <= window.innerWidth",
    );
    assert_eq!(right, true, "the heatmap's last hour is off the screen");
    b.click("#tab-overview");
    std::thread::sleep(std::time::Duration::from_millis(500));
    b.screenshot(&root().join("target/web-e2e-phone.png"));
}

/// axe-core's violations on the page as it is now: `rule: elements`.
fn axe_violations(b: &Browser) -> Vec<String> {
    let path = root().join("tests/web/a11y/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup.sh", path.display()));
    if b.js("return typeof window.axe") != serde_json::json!("object") {
        b.js(&format!("{source}\nreturn typeof window.axe"));
    }
    let found = b.js_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {resultTypes: ['violations']})
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' +
               v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | '))))
           .catch(e => done(['axe failed: ' + e]));",
    );
    found
        .as_array()
        .unwrap_or_else(|| panic!("axe gave {found}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn every_report_view_passes_axe_at_desktop_and_phone_width() {
    let b = Browser::start(tmp("downloads-axe"));
    b.goto(&format!(
        "{}/?demo=small&tz=UTC&start=2025-06-01&end=2025-06-30",
        page()
    ));
    wait_report(&b, 120);
    let sections = b.js("return [...document.querySelectorAll('nav.tabs[aria-label=\"Report sections\"] [role=tab]')].map(t => t.id)");
    let sections: Vec<String> = sections
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert!(sections.len() >= 10, "{sections:?}");
    let mut failures = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        b.set_window(width, height);
        for tab in &sections {
            b.click(&format!("#{tab}"));
            b.wait(
                "the section",
                &format!(
                    "return document.getElementById('{tab}').getAttribute('aria-selected') === 'true' && !document.querySelector('#section .status')?.textContent.startsWith('loading')"
                ),
                20,
            );
            for v in axe_violations(&b) {
                failures.push(format!("{width}px {tab}: {v}"));
            }
            // A fast's own view, opened from the fasts table.
            if tab == "tab-fasts" {
                b.click("#table-fasts tr[data-fast]");
                b.wait(
                    "a fast's view",
                    "const t = document.getElementById('fast-panel-period'); return !!t && t.textContent.includes('participants now')",
                    20,
                );
                for v in axe_violations(&b) {
                    failures.push(format!("{width}px {tab}, a fast's view: {v}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "axe-core:\n{}", failures.join("\n"));
}
