//! Component tests (wasm-bindgen-test in headless Chromium): components
//! render the report's figures, and data text stays text.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use engagement_engine::readable::charts::Chart;
use engagement_engine::readable::svg::{Element, SVG_NS};

use super::report::Cards;
use super::svg_chart::SvgChart;
use crate::protocol::ReportSummary;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

fn summary() -> ReportSummary {
    ReportSummary {
        new_users: 12,
        active_users: 7,
        events: 345,
        screen_views: 67,
        earlier_cohort: Some(("2025-W26".into(), 42.5, 17, 40)),
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
        "42.50% (17 of 40, week of 23 June 2025)",
    ] {
        assert!(text.contains(expect), "{expect} in {text}");
    }
}

/// Waits for the page's effects (a chart's SVG is built once mounted).
async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// A chart whose labels are hostile, with elements and attributes that the
/// allow-list refuses.
fn hostile_chart() -> Chart {
    let datum = |label: &str, value: &str| {
        Element::new("g")
            .attr("class", "datum")
            .attr("tabindex", "0")
            .attr("data-label", label)
            .attr("data-value", value)
            .child(Element::new("title").text(format!("{label} — views: {value}")))
            .child(
                Element::new("rect")
                    .attr("x", "10")
                    .attr("y", "10")
                    .attr("width", "40")
                    .attr("height", "20")
                    .attr("fill", "#6a9fd4"),
            )
    };
    Chart {
        key: "top_screens".into(),
        title: "Top screens".into(),
        alt: "Top screens: 2 entries, the first being <img src=x onerror=\"window.__pwned=1\">."
            .into(),
        svg: Element::new("svg")
            .attr("viewBox", "0 0 560 60")
            .attr("width", "100%")
            .attr("role", "group")
            .attr("aria-label", "Top screens")
            .child(datum(HOSTILE, "5"))
            .child(datum("home", "3"))
            .child(Element::new("script").text("window.__pwned=2"))
            .child(Element::new("foreignObject").child(Element::new("img")))
            .child(
                Element::new("rect")
                    .attr("onclick", "window.__pwned=3")
                    .attr("href", "javascript:window.__pwned=4")
                    .attr("width", "1"),
            ),
    }
}

const HOSTILE: &str = "<img src=x onerror=\"window.__pwned=1\">";

#[wasm_bindgen_test]
async fn charts_are_svg_elements_and_data_text_stays_text() {
    let el = host();
    let chart = hostile_chart();
    let _h = leptos::mount::mount_to(el.clone(), move || view! { <SvgChart chart=chart/> });
    tick().await;
    let svg = el
        .query_selector("figure.chart svg")
        .unwrap()
        .expect("an svg");
    assert_eq!(svg.namespace_uri().as_deref(), Some(SVG_NS));
    assert_eq!(svg.get_attribute("viewBox").as_deref(), Some("0 0 560 60"));
    // The text alternative describes the SVG; the title is the caption.
    let desc = svg.get_attribute("aria-describedby").unwrap();
    let alt = el.query_selector(&format!("#{desc}")).unwrap().unwrap();
    assert!(alt.text_content().unwrap().contains(HOSTILE));
    assert_eq!(
        el.query_selector("figcaption")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Top screens"
    );
    // Refused elements and attributes are not created; data stays text.
    for css in [
        "script",
        "foreignObject",
        "img",
        "[onclick]",
        "[onerror]",
        "[href]",
    ] {
        assert!(
            el.query_selector(css).unwrap().is_none(),
            "{css} was created"
        );
    }
    let data = el.query_selector_all("g.datum").unwrap();
    assert_eq!(data.length(), 2);
    let first: web_sys::Element = data.item(0).unwrap().unchecked_into();
    let second: web_sys::Element = data.item(1).unwrap().unchecked_into();
    assert_eq!(first.get_attribute("data-label").as_deref(), Some(HOSTILE));
    assert_eq!(
        first.get_attribute("aria-label").unwrap(),
        format!("{HOSTILE} — views: 5")
    );
    // One Tab stop per chart; no <title> to double the page's tooltip.
    assert_eq!(first.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(second.get_attribute("tabindex").as_deref(), Some("-1"));
    assert!(el.query_selector("g.datum title").unwrap().is_none());
    let th = el.query_selector("table.chart-data th").unwrap().unwrap();
    assert_eq!(th.text_content().unwrap(), HOSTILE);

    // The pointer over a bar shows its exact label and value.
    let tip: web_sys::HtmlElement = el
        .query_selector(".chart-tip")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(tip.hidden());
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let rect = second.query_selector("rect").unwrap().unwrap();
    rect.dispatch_event(
        &web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseover", &init).unwrap(),
    )
    .unwrap();
    assert!(!tip.hidden());
    assert_eq!(tip.text_content().unwrap(), "home — views: 3");
    assert_eq!(tip.get_attribute("data-value").as_deref(), Some("3"));
    // Keyboard: focus, arrows, Escape.
    first
        .unchecked_ref::<web_sys::SvgElement>()
        .focus()
        .unwrap();
    tick().await;
    assert_eq!(tip.get_attribute("data-label").as_deref(), Some(HOSTILE));
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let doc = web_sys::window().unwrap().document().unwrap();
        doc.active_element()
            .unwrap()
            .dispatch_event(
                &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
                    .unwrap(),
            )
            .unwrap();
    };
    key("ArrowRight");
    tick().await;
    assert_eq!(tip.text_content().unwrap(), "home — views: 3");
    assert_eq!(second.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(first.get_attribute("tabindex").as_deref(), Some("-1"));
    key("Escape");
    assert!(tip.hidden());
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
fn file_names() {
    let names = super::export::file_names(engagement_engine::export::Format::Csv);
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

#[wasm_bindgen_test]
fn the_brief_is_elements_and_its_data_text_stays_text() {
    let el = host();
    let md = format!(
        "# Engagement report summary\n\n- Segment: church `{HOSTILE}` only.\n\n| Metric | This period |\n| --- | ---: |\n| New users | 10 |\n\n<script>window.__pwned=5</script>\n"
    );
    // As the worker sends it: parsed by the engine.
    let nodes = engagement_engine::readable::markdown::parse(&md);
    let _h = leptos::mount::mount_to(el.clone(), move || super::nutshell::brief(&nodes));
    // The first heading is the panel's title, so it is left out.
    assert!(el.query_selector("h4").unwrap().is_none());
    let code = el.query_selector("li code").unwrap().expect("a code span");
    assert_eq!(code.text_content().unwrap(), HOSTILE);
    assert!(el.query_selector("img, script").unwrap().is_none());
    let cell = el
        .query_selector("table tbody td.num")
        .unwrap()
        .expect("a number cell");
    assert_eq!(cell.text_content().unwrap(), "10");
    assert!(el
        .text_content()
        .unwrap()
        .contains("<script>window.__pwned=5</script>"));
}

#[wasm_bindgen_test]
fn cards_show_the_previous_period_and_the_change() {
    use crate::protocol::{Comparison, InsightsSummary};
    let el = host();
    let mut report = summary();
    report.insights = InsightsSummary {
        periods: (
            ("2025-06-01".into(), "2025-06-30".into()),
            ("2025-05-02".into(), "2025-05-31".into()),
        ),
        comparison: vec![
            Comparison {
                metric: "new_users".into(),
                current: 12,
                previous: 10,
                change: 2,
                change_pct: Some(20.0),
            },
            Comparison {
                metric: "events".into(),
                current: 345,
                previous: 400,
                change: -55,
                change_pct: Some(-13.75),
            },
        ],
        ..InsightsSummary::default()
    };
    let _h = leptos::mount::mount_to(el.clone(), move || view! { <Cards report=report/> });
    let text = |sel: &str| {
        el.query_selector(sel)
            .unwrap()
            .unwrap_or_else(|| panic!("{sel}"))
            .text_content()
            .unwrap()
    };
    assert_eq!(text("#card-new-users .change"), "▲ up 2 (+20.00%)");
    assert_eq!(
        text("#card-new-users .previous"),
        "vs 10 in 2025-05-02 – 2025-05-31"
    );
    assert_eq!(text("#card-events .change"), "▼ down 55 (-13.75%)");
    // No comparison for a metric: no change line.
    assert!(el
        .query_selector("#card-screen-views .change")
        .unwrap()
        .is_none());
}
