//! Offline use: the service worker's cache, new builds, and the page under a
//! sub-path.

use std::time::Instant;

use crate::common::*;
use crate::harness::*;
use serde_json::Value;

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn the_page_works_under_a_sub_path_with_share_links() {
    // A host whose root holds nothing: the page lives under /reports/.
    let dist = root().join("dist");
    let site = serve_dir_at(dist, "/reports/");
    let (status, _) = http_get(&format!("{site}/index.html"));
    assert_eq!(status, 404, "the site's root must hold nothing");
    let bundle = demo_dir("demo-prefix", 300);
    let b = Browser::start(tmp("downloads-prefix"));
    b.goto(&format!("{site}/reports/?demo=small&tz=UTC"));
    wait_report(&b, 120);
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    // The share link keeps the prefix and reopens the same report.
    b.click("#preset-7");
    b.wait(
        "the 7-day report",
        "return document.getElementById('report-title').textContent.includes('2025-06-23')",
        30,
    );
    let url = b.js("return location.href");
    let url = url.as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{site}/reports/#")),
        "share link {url} lost the prefix (or is not a fragment link)"
    );
    assert!(
        url.contains("demo=small") && url.contains("start=2025-06-23"),
        "{url}"
    );
    b.goto("about:blank");
    b.goto(&url);
    wait_report(&b, 120);
    let (start7, end7) = period(&b);
    assert_eq!(
        (start7.as_str(), end7.as_str()),
        ("2025-06-23", "2025-06-30")
    );
    check_cards(&b, &cli_report(&bundle, &start7, &end7));
}

/// The URLs in the page's service-worker cache.
fn cached_urls(b: &Browser) -> Vec<String> {
    let v = b.js_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const out = [];
           for (const name of await caches.keys()) {
             const cache = await caches.open(name);
             for (const r of await cache.keys()) out.push(r.url);
           }
           return out;
         })().then(done, (e) => done('error: ' + e));",
    );
    serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("cache listing: {v}"))
}

/// A request the service worker passes through (it has a query string)
/// reaches the server: `true` when the server answered.
fn server_answers(b: &Browser) -> bool {
    b.js_async(
        "const done = arguments[arguments.length - 1];
         fetch('sw.js?probe=' + Date.now()).then((r) => done(r.ok), () => done(false));",
    )
    .as_bool()
    .unwrap()
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn after_a_first_visit_the_page_starts_without_a_network() {
    // Under a prefix, as the page is hosted; the server can be stopped.
    let site = Site::start(root().join("dist"), "/reports/");
    let bundle = demo_dir("demo-offline", 300);
    let b = Browser::start(tmp("downloads-offline"));
    let page = format!("{}/reports/?demo=small&tz=UTC", site.url);
    b.goto(&page);
    wait_report(&b, 120);
    let before = cards(&b);
    wait_offline_ready(&b);
    // Only the app's own files are cached, all under the prefix.
    let cached = cached_urls(&b);
    let prefix = format!("{}/reports/", site.url);
    for name in [
        "index.html",
        "boot.js",
        "worker.js",
        "worker_bg.wasm",
        "worker_loader.js",
    ] {
        assert!(
            cached.contains(&format!("{prefix}{name}")),
            "{name} not in {cached:?}"
        );
    }
    assert!(
        cached
            .iter()
            .any(|u| u.ends_with("_bg.wasm") && !u.ends_with("worker_bg.wasm")),
        "the page's hashed wasm is not cached: {cached:?}"
    );
    assert!(
        cached
            .iter()
            .all(|u| u.starts_with(&prefix) && !u.contains('?')),
        "{cached:?}"
    );

    site.stop();
    assert!(!server_answers(&b), "the server still answers");
    b.goto("about:blank");
    b.goto(&page);
    wait_report(&b, 120);
    assert!(!server_answers(&b), "the server came back");
    assert_eq!(cards(&b), before, "the offline start shows another report");
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    let log = b.console();
    assert_eq!(csp_refusals(&log), Vec::<String>::new());
    assert!(
        !log.iter()
            .any(|(_, m)| m.contains("offline use is not available")),
        "{log:?}"
    );
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn a_new_build_on_the_server_replaces_the_cached_one() {
    let dir = tmp("update-site");
    copy_dir(&root().join("dist"), &dir);
    let site = Site::start(dir.clone(), "/");
    let b = Browser::start(tmp("downloads-update"));
    let page = format!("{}/?demo=small&tz=UTC", site.url);
    b.goto(&page);
    wait_report(&b, 120);
    wait_offline_ready(&b);
    let title = b.js("return document.title").as_str().unwrap().to_string();
    assert!(!title.contains("build 2"));

    // "Deploy" a new build: another index.html, and a hashed file under a
    // new name (its content, and so its integrity hash, unchanged).
    let html_path = dir.join("index.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let old_css = html
        .split('"')
        .find(|s| s.starts_with("./style-") && s.ends_with(".css"))
        .unwrap()
        .trim_start_matches("./")
        .to_string();
    let new_css = "style-0123456789abcdef.css";
    std::fs::rename(dir.join(&old_css), dir.join(new_css)).unwrap();
    let html = html.replace(&old_css, new_css).replace(
        "<title>Engagement Report Builder",
        "<title>Engagement Report Builder (build 2)",
    );
    std::fs::write(&html_path, html).unwrap();

    // Online, the next start runs the new build...
    b.goto("about:blank");
    b.goto(&page);
    wait_report(&b, 120);
    assert!(b
        .js("return document.title")
        .as_str()
        .unwrap()
        .contains("build 2"));
    // ...and the cache swaps to it: the new file in, the old one out.
    let swapped = format!(
        "const done = arguments[arguments.length - 1];
         (async () => {{
           const urls = [];
           for (const name of await caches.keys()) {{
             for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
           }}
           return urls.some((u) => u.endsWith('/{new_css}')) && !urls.some((u) => u.endsWith('/{old_css}'));
         }})().then(done, () => done(false));"
    );
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while b.js_async(&swapped) != Value::Bool(true) {
        assert!(
            Instant::now() < deadline,
            "the cache kept the old build: {:?}",
            cached_urls(&b)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Offline, the new build starts from the cache, styled.
    site.stop();
    b.goto("about:blank");
    b.goto(&page);
    wait_report(&b, 120);
    assert!(!server_answers(&b), "the server still answers");
    assert!(b
        .js("return document.title")
        .as_str()
        .unwrap()
        .contains("build 2"));
    assert!(
        b.js("return [...document.styleSheets].some((s) => s.href && s.href.endsWith('/style-0123456789abcdef.css') && s.cssRules.length > 0)")
            .as_bool()
            .unwrap(),
        "the new stylesheet did not load offline"
    );
}
