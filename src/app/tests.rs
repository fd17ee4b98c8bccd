//! Component tests (wasm-bindgen-test in headless Chromium): components
//! render the report's figures, and data text stays text.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use super::report::{all_charts, Cards, ChartView};
use crate::protocol::{ReportSummary, Series};

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

fn summary() -> ReportSummary {
    let hostile = "<img src=x onerror=\"window.__pwned=1\">".to_string();
    ReportSummary {
        new_users: 12,
        active_users: 7,
        events: 345,
        screen_views: 67,
        newest_full_cohort: Some(("2025-W26".into(), 42.5, 17, 40)),
        top_screens: Series {
            labels: vec![hostile.clone(), "home".into()],
            values: vec![5.0, 3.0],
        },
        new_users_daily: Series {
            labels: vec!["2025-06-01".into(), "2025-06-02".into()],
            values: vec![0.0, 12.0],
        },
        ..ReportSummary::default()
    }
}

#[wasm_bindgen_test]
fn cards_show_the_figures() {
    let el = host();
    let r = summary();
    let _h = leptos::mount::mount_to(el.clone(), move || view! { <Cards report=r/> });
    let text = el.text_content().unwrap();
    for expect in [
        "New users12",
        "Active users7",
        "Events345",
        "Screen views67",
        "42.50% (17 of 40, 2025-W26)",
    ] {
        assert!(text.contains(expect), "{expect} in {text}");
    }
}

#[wasm_bindgen_test]
fn charts_are_images_and_data_text_stays_text() {
    let el = host();
    let r = summary();
    let charts = all_charts(&r);
    let (_, chart) = charts
        .iter()
        .find(|(id, _)| *id == "top-screens")
        .unwrap()
        .clone();
    let series = r.top_screens.clone();
    let _h = leptos::mount::mount_to(el.clone(), move || {
        view! { <ChartView id="top-screens" chart=chart series=series/> }
    });
    let img = el.query_selector("img").unwrap().unwrap();
    assert!(img
        .get_attribute("src")
        .unwrap()
        .starts_with("data:image/svg+xml"));
    assert!(img.get_attribute("alt").unwrap().contains("Top screens"));
    // The hostile label is a text node of the data table, not an element.
    assert!(el.query_selector("img[onerror]").unwrap().is_none());
    let th = el.query_selector("table.chart-data th").unwrap().unwrap();
    assert_eq!(
        th.text_content().unwrap(),
        "<img src=x onerror=\"window.__pwned=1\">"
    );
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
fn file_names() {
    let names = super::export::file_names(crate::protocol::OutFormat::Csv);
    assert_eq!(names[0], "new_users_over_time.csv");
    assert_eq!(names[6], "other_metrics.json");
}

/// A fake folder tree of `FileSystemEntry`-like objects, answering through
/// callbacks later (as browsers do), with `readEntries` in two batches.
fn fake_entries() -> Vec<wasm_bindgen::JsValue> {
    let tree = js_sys::eval(
        r#"(() => {
            const later = f => setTimeout(f, 0);
            const file = n => ({ isFile: true, isDirectory: false, name: n,
                file: (ok, _err) => later(() => ok(new File(['x'], n))) });
            const dir = (n, kids) => ({ isFile: false, isDirectory: true, name: n,
                createReader: () => { let i = 0; return { readEntries: (ok, _err) => later(() => {
                    const batch = kids.slice(i, i + 2); i += 2; ok(batch); }) }; } });
            const broken = { isFile: true, isDirectory: false, name: 'x',
                file: (_ok, err) => later(() => err(new Error('unreadable'))) };
            return [dir('export', [file('a.csv'), dir('sub', [file('b.csv'), dir('empty', []), file('c.zip')]), broken, file('e.csv')]),
                    file('d.json')];
        })()"#,
    )
    .unwrap();
    js_sys::Array::from(&tree).iter().collect()
}

#[wasm_bindgen_test]
async fn dropped_folders_are_walked_recursively() {
    let files = super::dropped_files::walk_entries(fake_entries()).await;
    let names: Vec<String> = files
        .iter()
        .map(|f| f.unchecked_into::<web_sys::File>().name())
        .collect();
    assert_eq!(names, ["a.csv", "b.csv", "c.zip", "e.csv", "d.json"]);
}
