//! A presigned URL never leaves the page by accident, and a share link to
//! another host asks first (SPEC §10).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common::*;
use crate::harness::*;
use serde_json::Value;

/// The signature of the fake presigned URLs below: searched for in every
/// request the page's host receives, the caches and the page's messages.
const MARKER: &str = "5ec7e7c0ffee5ec7e7da7a";

/// Their access key id (in `X-Amz-Credential`, percent-encoded there).
const CRED_MARKER: &str = "AKIDC0FFEE5EC7E7";

/// A site standing in for a bucket: the zip of `bundle` as `/b/bundle.zip`,
/// cacheable for an hour (as S3 objects with a `Cache-Control` are), so a
/// browser keeps it in its HTTP cache unless the page says not to.
fn fake_bucket(name: &str, bundle: &Path) -> Site {
    let dir = tmp(name);
    std::fs::write(dir.join("bundle.zip"), zip_dir(bundle)).unwrap();
    Site::start_with(dir, &["/b/"], "Cache-Control: public, max-age=3600\r\n")
}

/// A SigV4-shaped presigned GET of the bucket's bundle (valid until 2099)
/// whose signature is [`MARKER`] and access key [`CRED_MARKER`].
fn fake_presigned(bucket: &Site) -> String {
    format!(
        "{}/b/bundle.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MARKER}%2F20990101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20990101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature={MARKER}",
        bucket.url
    )
}

fn holds_a_marker(text: &str) -> bool {
    text.contains(MARKER) || text.contains(CRED_MARKER)
}

/// A request's `Referer` is allowed: none from the page (`no-referrer`);
/// the engine's worker and the service worker have their own policy (their
/// scripts' responses set none) and may name their script, which has no
/// query or fragment.
fn referer_allowed(site: &Site, r: &Logged) -> bool {
    r.referer.is_empty()
        || r.referer == format!("{}/worker_loader.js", site.url)
        || r.referer == format!("{}/sw.js", site.url)
}

/// Every request the page's host received: none names a marker, in its
/// request line or its `Referer`, and the page sent no `Referer`.
fn assert_host_never_saw_the_url(site: &Site) {
    let log = site.requests();
    assert!(!log.is_empty());
    for r in &log {
        assert!(!holds_a_marker(&r.line), "the host received {r:?}");
        assert!(
            referer_allowed(site, r),
            "a request carried a Referer: {r:?}"
        );
    }
}

/// Files under `dir` (recursively) whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_holding(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                out.push(path);
            }
        }
    }
    out
}

/// The service worker's cache: every stored request's URL and its
/// response's URL.
fn cached_entries(b: &Browser) -> Vec<String> {
    let v = b.js_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const out = [];
           for (const name of await caches.keys()) {
             const cache = await caches.open(name);
             for (const r of await cache.keys()) {
               out.push(r.url);
               out.push((await cache.match(r)).url);
             }
           }
           return out;
         })().then(done, (e) => done('error: ' + e));",
    );
    serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("cache listing: {v}"))
}

/// The text of this deployment's kept manifest (OPFS folder `dir`).
fn kept_manifest(b: &Browser, dir: &str) -> String {
    b.js_async(&format!(
        "const done = arguments[arguments.length - 1];
         (async () => {{
           const root = await navigator.storage.getDirectory();
           const d = await root.getDirectoryHandle('{dir}');
           return await (await (await d.getFileHandle('manifest.json')).getFile()).text();
         }})().then(done, (e) => done('error: ' + e));"
    ))
    .as_str()
    .unwrap()
    .to_string()
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn a_presigned_url_never_reaches_the_host_the_caches_or_the_history() {
    let bundle = demo_dir("leak", 150);
    let bucket = fake_bucket("leak-bucket", &bundle);
    let url = fake_presigned(&bucket);
    // The page's host serves a copy of dist/: a new build is deployed below.
    let dir = tmp("leak-site");
    copy_dir(&root().join("dist"), &dir);
    let site = Site::start(dir.clone(), "/");
    let profile = tmp("leak-profile");
    let b = Browser::start_with_args(
        tmp("downloads-leak"),
        &[&format!("--user-data-dir={}", profile.display())],
    );
    b.cdp(
        "Browser.grantPermissions",
        serde_json::json!({"origin": site.url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );

    // 1. A share link carries the state in its fragment.
    b.goto(&format!(
        "{}/#bundle={}&tz=UTC&section=export",
        site.url,
        percent_encode(&url)
    ));
    wait_report(&b, 120);
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    assert!(
        bucket.requests().iter().any(|r| r.line.contains(MARKER)),
        "the bundle was not fetched from the bucket: {:?}",
        bucket.requests()
    );
    let href = b.js("return location.href").as_str().unwrap().to_string();
    assert!(
        href.starts_with(&format!("{}/#", site.url)) && href.contains("bundle="),
        "{href}"
    );
    // "Copy link" copies the fragment link and says what it gives.
    b.wait(
        "the export section",
        "return !!document.getElementById('copy-link')",
        20,
    );
    assert_eq!(
        b.js("return document.getElementById('upload-url').autocomplete"),
        Value::String("off".into())
    );
    b.click("#copy-link");
    let status = b.wait(
        "the copied link",
        "const s = document.getElementById('export-status').textContent; return s.startsWith('copied') || s.includes('refused') ? s : ''",
        30,
    );
    let status = status.as_str().unwrap();
    assert!(
        status.contains(&bucket.url) && status.contains("presigned URL expires"),
        "{status}"
    );
    assert!(!holds_a_marker(status), "{status}");
    let copied = b.js_async(
        "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('ERROR ' + e))",
    );
    let copied = copied.as_str().unwrap();
    assert!(
        copied.starts_with(&format!("{}/#bundle=", site.url)) && copied.contains(MARKER),
        "{copied}"
    );
    assert!(copied.contains(&format!("start={start}")), "{copied}");
    wait_offline_ready(&b);

    // 2. An old `?bundle=` link on a visit that adopts a new build: the
    // address is rewritten to the fragment, and the service worker stores
    // the new index.html under its plain address.
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        html.replace(
            "<title>Engagement Report Builder",
            "<title>Engagement Report Builder (build 2)",
        ),
    )
    .unwrap();
    b.goto("about:blank");
    b.goto(&format!(
        "{}/?bundle={}&tz=UTC",
        site.url,
        percent_encode(&url)
    ));
    wait_report(&b, 120);
    assert_eq!(b.js("return location.search"), Value::String(String::new()));
    let hash = b.js("return location.hash").as_str().unwrap().to_string();
    assert!(
        hash.starts_with("#bundle=") && hash.contains(MARKER),
        "{hash}"
    );
    assert!(b
        .js("return document.title")
        .as_str()
        .unwrap()
        .contains("build 2"));
    let adopted = "const done = arguments[arguments.length - 1];
         (async () => {
           for (const name of await caches.keys()) {
             const r = await (await caches.open(name)).match(new URL('index.html', location.href).href);
             if (r && (await r.text()).includes('build 2')) return true;
           }
           return false;
         })().then(done, () => done(false));";
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while b.js_async(adopted) != Value::Bool(true) {
        assert!(Instant::now() < deadline, "{:?}", cached_entries(&b));
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    for u in cached_entries(&b) {
        assert!(
            !u.contains('?') && !holds_a_marker(&u),
            "the service worker stored {u}"
        );
    }

    // 3. A URL typed into the Load field, kept, then forgotten: never in the
    // address or the history, nor in what is kept.
    b.goto("about:blank");
    b.goto(&format!("{}/#tz=UTC", site.url));
    b.wait(
        "the keep panel",
        "return !!document.querySelector('#keep[data-ready]')",
        30,
    );
    assert_eq!(
        b.js("return document.getElementById('url-input').autocomplete"),
        Value::String("off".into())
    );
    let history = b.js("return history.length");
    b.click("#keep-data");
    b.type_into("#url-input", &url);
    b.click("#url-load");
    wait_report(&b, 120);
    b.wait(
        "the kept download",
        "return document.getElementById('kept').textContent.startsWith('Kept on this computer: bundle.zip')",
        60,
    );
    let href = b.js("return location.href").as_str().unwrap().to_string();
    assert!(!href.contains("bundle") && !holds_a_marker(&href), "{href}");
    assert_eq!(b.js("return history.length"), history);
    let manifest = kept_manifest(&b, "kept");
    assert!(
        manifest.contains(&format!("\"from_url\":\"{}/b/bundle.zip\"", bucket.url)),
        "{manifest}"
    );
    assert!(
        !holds_a_marker(&manifest) && !manifest.contains('?'),
        "{manifest}"
    );
    let stored = b.js("return JSON.stringify(localStorage)");
    assert!(!holds_a_marker(stored.as_str().unwrap()), "{stored}");
    b.click("#forget");
    b.wait(
        "forgetting",
        "return document.getElementById('kept').textContent.startsWith('Nothing is kept')",
        30,
    );

    // 4. No message showed it, and the host never received it.
    let dom = b.js("return document.documentElement.outerHTML");
    assert!(!holds_a_marker(dom.as_str().unwrap()));
    // The console names each message's source, the document's address
    // (a share link's, as the user opened it); the messages themselves
    // must not hold the URL.
    let console = b.console();
    assert!(
        !console.iter().any(|(_, m)| {
            let text = match m.split_once(' ') {
                Some((source, rest)) if source.starts_with(&site.url) => rest,
                _ => m.as_str(),
            };
            holds_a_marker(text)
        }),
        "{console:?}"
    );
    assert_host_never_saw_the_url(&site);

    // 5. An old link opened where no service worker answers yet (another
    // origin): only its own request line carries the query; the address is
    // rewritten at once and no later request names it, as line or Referer.
    // That first answer is cached by the browser under the whole address
    // unless the host says `no-store` (as the README's hosting section
    // asks for index.html).
    let fresh = Site::start_with(root().join("dist"), &["/"], "Cache-Control: no-store\r\n");
    b.goto(&format!(
        "{}/?bundle={}&tz=UTC",
        fresh.url,
        percent_encode(&url)
    ));
    wait_report(&b, 120);
    assert_eq!(b.js("return location.search"), Value::String(String::new()));
    let log = fresh.requests();
    assert!(log[0].line.starts_with("GET /?bundle="), "{log:?}");
    for r in &log[1..] {
        assert!(!holds_a_marker(&r.line), "{r:?}");
    }
    for r in &log {
        assert!(referer_allowed(&fresh, r), "{r:?}");
    }

    // 6. Nor did the browser's HTTP disk cache or the service workers'
    // caches keep it (their files are on disk in the profile).
    b.goto("about:blank");
    std::thread::sleep(std::time::Duration::from_secs(3));
    let http_cache = profile.join("Default/Cache");
    assert!(
        !files_holding(&http_cache, site.url.as_bytes()).is_empty(),
        "the HTTP cache holds none of the page's files: the check below would see nothing"
    );
    for marker in [MARKER, CRED_MARKER] {
        for dir in [http_cache.clone(), profile.join("Default/Service Worker")] {
            let found = files_holding(&dir, marker.as_bytes());
            assert!(found.is_empty(), "{marker} is kept in {found:?}");
        }
    }
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn a_share_link_to_another_host_asks_before_fetching_or_replacing_kept_data() {
    let mine = demo_dir("consent-mine", 150);
    let theirs = demo_dir("consent-theirs", 300);
    let my_bucket = fake_bucket("consent-my-bucket", &mine);
    let their_bucket = fake_bucket("consent-their-bucket", &theirs);
    let site = Site::start(root().join("dist"), "/");
    let b = Browser::start(tmp("downloads-consent"));
    // The user keeps a bundle from their own bucket.
    b.goto(&format!("{}/#tz=UTC", site.url));
    b.wait(
        "the keep panel",
        "return !!document.querySelector('#keep[data-ready]')",
        30,
    );
    b.click("#keep-data");
    b.type_into("#url-input", &fake_presigned(&my_bucket));
    b.click("#url-load");
    wait_report(&b, 120);
    b.wait(
        "the kept download",
        "return document.getElementById('kept').textContent.startsWith('Kept on this computer: bundle.zip')",
        60,
    );
    let kept = kept_files(&b);
    let mine_cards = cards(&b);

    // A link to someone else's bucket: asked, not fetched, nothing replaced.
    let link = format!(
        "{}/#bundle={}&tz=UTC",
        site.url,
        percent_encode(&fake_presigned(&their_bucket))
    );
    b.goto("about:blank");
    b.goto(&link);
    let question = b.wait(
        "the question",
        "const e = document.getElementById('link-consent'); return e ? e.textContent : ''",
        30,
    );
    let question = question.as_str().unwrap();
    assert!(
        question.contains(&their_bucket.url) && question.contains(&my_bucket.url),
        "{question}"
    );
    assert!(question.contains("replaces the data kept"), "{question}");
    assert!(!holds_a_marker(question), "{question}");
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(
        their_bucket.requests().is_empty(),
        "fetched before the user agreed"
    );
    assert!(b
        .js("return !document.querySelector('#card-new-users')")
        .as_bool()
        .unwrap());
    assert_eq!(kept_files(&b), kept);
    // "Don't load": the kept report, as a reload shows it; still not fetched.
    b.click("#consent-cancel");
    wait_report(&b, 120);
    assert_eq!(cards(&b), mine_cards);
    assert!(b.text("#kept").contains("restored"));
    assert!(their_bucket.requests().is_empty());
    assert!(
        !b.js("return location.href")
            .as_str()
            .unwrap()
            .contains("bundle="),
        "the refused link stays in the address"
    );

    // Asked again, "Load it" fetches and shows their bundle.
    b.goto("about:blank");
    b.goto(&link);
    b.wait(
        "the question",
        "return !!document.getElementById('consent-load')",
        30,
    );
    b.click("#consent-load");
    wait_report(&b, 120);
    assert_eq!(
        b.text("#load-summary tr[data-table='auth_user.csv'] td.num"),
        "300"
    );
    assert!(!their_bucket.requests().is_empty());
    assert!(b
        .js("return !document.getElementById('link-consent')")
        .as_bool()
        .unwrap());
}
