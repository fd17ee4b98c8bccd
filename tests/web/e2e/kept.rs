//! "Keep this data on this computer": the kept files in the origin-private
//! file system, their restoring and forgetting, and the pseudonym key kept
//! with them.

use std::path::PathBuf;

use crate::common::*;
use crate::harness::*;
use serde_json::Value;

/// Everything at the page's OPFS root.
fn opfs_root(b: &Browser) -> Vec<String> {
    let v = b.js_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const root = await navigator.storage.getDirectory();
           const names = [];
           for await (const [name] of root.entries()) names.push(name);
           return names;
         })().then(done, (e) => done('error: ' + e));",
    );
    serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("OPFS root: {v}"))
}

/// Opens the blank page and waits until it has looked at what is kept.
fn open_blank_kept(b: &Browser) {
    open_blank(b, "keep-data");
    b.wait(
        "the keep panel",
        "return !!document.querySelector('#keep[data-ready]')",
        30,
    );
}

fn keep_ticked(b: &Browser) -> bool {
    b.js("return document.getElementById('keep-data').checked")
        .as_bool()
        .unwrap()
}

/// Ticks "Keep", loads `files` through the file input and waits until the
/// report is shown and the files are kept.
fn load_and_keep(b: &Browser, files: &[PathBuf]) {
    open_blank_kept(b);
    assert!(!keep_ticked(b), "Keep must be off by default");
    assert!(b.text("#kept").starts_with("Nothing is kept"));
    b.click("#keep-data");
    b.set_files("#file-input", files);
    wait_report(b, 120);
    b.wait(
        "the kept files",
        "return document.getElementById('kept').textContent.startsWith('Kept on this computer')",
        60,
    );
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn kept_files_are_restored_after_a_reload() {
    let bundle = demo_dir("keep", 150);
    let files = csv_files(&bundle);
    let b = Browser::start(tmp("downloads-keep"));
    load_and_keep(&b, &files);
    let before = cards(&b);
    let period_before = period(&b);
    check_cards(&b, &cli_report(&bundle, &period_before.0, &period_before.1));

    // OPFS holds each file's bytes and the manifest.
    let kept = kept_files(&b);
    assert!(kept.contains_key("manifest.json"), "{kept:?}");
    let mut sizes: Vec<u64> = kept
        .iter()
        .filter(|(n, _)| n.ends_with(".bin"))
        .map(|(_, s)| s.as_u64().unwrap())
        .collect();
    let mut on_disk: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .collect();
    sizes.sort();
    on_disk.sort();
    assert_eq!(sizes, on_disk, "the kept bytes differ from the files");
    // The page says what is kept and how large it is.
    let text = b.text("#kept");
    assert!(text.contains("auth_user.csv"), "{text}");
    assert!(text.contains(&format!("({} files,", files.len())), "{text}");

    // A reload (same address: period and zone) restores the same report.
    let url = b.js("return location.href").as_str().unwrap().to_string();
    b.goto("about:blank");
    b.goto(&url);
    wait_report(&b, 120);
    assert_eq!(cards(&b), before, "the restored report differs");
    assert_eq!(period(&b), period_before);
    assert_eq!(
        b.text("#load-summary tr[data-table='auth_user.csv'] td.num"),
        "150"
    );
    assert!(keep_ticked(&b), "the box shows that data is kept");
    let text = b.text("#kept");
    assert!(text.contains("restored"), "{text}");
    // Restoring does not write the set again.
    assert_eq!(kept_files(&b), kept);
    let log = b.console();
    assert_eq!(csp_refusals(&log), Vec::<String>::new());
    assert!(
        !log.iter()
            .any(|(_, m)| m.contains("keeping the data failed")),
        "{log:?}"
    );
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn forget_deletes_the_kept_files_and_a_reload_restores_nothing() {
    let bundle = demo_dir("forget", 150);
    let b = Browser::start(tmp("downloads-forget"));
    // Off (the default), a load stores nothing.
    open_blank_kept(&b);
    b.set_files("#file-input", &csv_files(&bundle));
    wait_report(&b, 120);
    assert_eq!(opfs_root(&b), Vec::<String>::new(), "stored with Keep off");
    // Ticked after the load, the loaded files are kept.
    b.click("#keep-data");
    b.wait(
        "the kept files",
        "return document.getElementById('kept').textContent.startsWith('Kept on this computer')",
        60,
    );
    assert_eq!(opfs_root(&b), vec!["kept".to_string()]);
    assert_eq!(kept_files(&b).len(), csv_files(&bundle).len() + 1);

    b.click("#forget");
    b.wait(
        "forgetting",
        "return document.getElementById('kept').textContent.startsWith('Nothing is kept')",
        30,
    );
    assert!(!keep_ticked(&b), "Forget unticks the box");
    assert_eq!(opfs_root(&b), Vec::<String>::new(), "Forget left files");

    // The report on screen stays; a reload has nothing to restore.
    b.goto("about:blank");
    open_blank_kept(&b);
    assert!(
        b.js("return !document.querySelector('#load-summary, #progress, #card-new-users')")
            .as_bool()
            .unwrap(),
        "a reload after Forget restored data"
    );
    assert!(!keep_ticked(&b));
    assert_eq!(opfs_root(&b), Vec::<String>::new());
}

#[test]
#[ignore = "needs the built page, Chromium and moto_server: run scripts/web-test.sh"]
fn a_kept_download_is_restored_without_downloading_again() {
    let s3 = S3::start();
    let bundle = demo_dir("keep-s3", 300);
    let zip = zip_dir(&bundle);
    let put = s3.presign("put", "exports/kept.zip");
    assert_eq!(http_put(&put, &zip, "application/zip"), 200);
    let get = s3.presign("get", "exports/kept.zip");
    let b = Browser::start(tmp("downloads-keep-s3"));
    open_blank_kept(&b);
    b.click("#keep-data");
    b.type_into("#url-input", &get);
    b.click("#url-load");
    wait_report(&b, 120);
    b.wait(
        "the kept download",
        "return document.getElementById('kept').textContent.startsWith('Kept on this computer: kept.zip (1 file,')",
        60,
    );
    let kept = kept_files(&b);
    assert_eq!(kept["0.bin"].as_u64(), Some(zip.len() as u64), "{kept:?}");
    let before = cards(&b);
    // A typed URL never goes into the address (the history would keep it).
    let url = b.js("return location.href").as_str().unwrap().to_string();
    assert!(!url.contains("bundle="), "{url}");

    // The object in the bucket is no bundle any more: a download would fail.
    assert_eq!(http_put(&put, b"not a zip", "application/zip"), 200);
    // A reload restores the kept download...
    b.goto("about:blank");
    b.goto(&url);
    wait_report(&b, 120);
    assert_eq!(cards(&b), before, "the restored report differs");
    let (start, end) = period(&b);
    check_cards(&b, &cli_report(&bundle, &start, &end));
    assert!(b.text("#kept").contains("restored"));
    // ...and so does a share link to the same download.
    b.goto("about:blank");
    b.goto(&format!(
        "{}/#bundle={}&tz=UTC",
        page(),
        percent_encode(&get)
    ));
    wait_report(&b, 120);
    assert_eq!(cards(&b), before, "the share link did not restore");
    assert!(b.text("#kept").contains("restored"));
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn two_prefixes_of_one_origin_keep_their_own_data() {
    let a = demo_dir("prefix-a", 150);
    let bb = demo_dir("prefix-b", 300);
    let site = Site::start_with(root().join("dist"), &["/a/", "/b/"], "");
    let b = Browser::start(tmp("downloads-prefixes"));
    let open = |prefix: &str| {
        b.goto("about:blank");
        b.goto(&format!("{}{prefix}#tz=UTC&section=export", site.url));
        b.wait(
            "the keep panel",
            "return !!document.querySelector('#keep[data-ready]')",
            30,
        );
    };
    let users = |b: &Browser| b.text("#load-summary tr[data-table='auth_user.csv'] td.num");
    let keep_files = |files: &[PathBuf]| {
        b.click("#keep-data");
        b.set_files("#file-input", files);
        wait_report(&b, 120);
        b.wait(
            "the kept files",
            "return document.getElementById('kept').textContent.startsWith('Kept on this computer')",
            60,
        );
    };
    open("/a/");
    keep_files(&csv_files(&a));
    assert_eq!(users(&b), "150");
    // "Copy link" does not copy a link that would open an empty page.
    open_section(&b, "export");
    b.click("#copy-link");
    let status = b.wait(
        "the copy-link answer",
        "return document.getElementById('export-status').textContent",
        10,
    );
    assert!(
        status.as_str().unwrap().starts_with("No link was copied"),
        "{status}"
    );

    // /b/ sees nothing of /a/'s data, and keeps its own.
    open("/b/");
    assert!(
        b.text("#kept").starts_with("Nothing is kept"),
        "{}",
        b.text("#kept")
    );
    assert!(!keep_ticked(&b));
    assert!(b
        .js("return !document.querySelector('#load-summary')")
        .as_bool()
        .unwrap());
    keep_files(&csv_files(&bb));
    assert_eq!(users(&b), "300");
    let mut root_names = opfs_root(&b);
    root_names.sort();
    assert_eq!(root_names, vec!["kept%2Fa%2F", "kept%2Fb%2F"]);

    // Each restores its own; forgetting at /a/ leaves /b/'s.
    open("/a/");
    wait_report(&b, 120);
    assert_eq!(users(&b), "150");
    b.click("#forget");
    b.wait(
        "forgetting",
        "return document.getElementById('kept').textContent.startsWith('Nothing is kept')",
        30,
    );
    assert_eq!(opfs_root(&b), vec!["kept%2Fb%2F"]);
    open("/b/");
    wait_report(&b, 120);
    assert_eq!(users(&b), "300");
    assert!(b.text("#kept").contains("restored"));
}

/// Ticks "Replace names and e-mails with pseudonyms" and downloads the key
/// to the pseudonyms (removing an earlier download of it first).
fn download_pseudonyms(b: &Browser) -> Vec<u8> {
    let _ = std::fs::remove_file(b.downloads.join("pseudonyms.csv"));
    b.click("#tab-export");
    b.wait(
        "the export section",
        "return !!document.getElementById('pseudonymize')",
        20,
    );
    if b.js("return document.getElementById('pseudonymize').checked") != Value::Bool(true) {
        b.click("#pseudonymize");
    }
    b.wait(
        "the key download",
        "return !!document.getElementById('download-pseudonyms')",
        10,
    );
    b.click("#download-pseudonyms");
    b.downloaded("pseudonyms.csv")
}

#[test]
#[ignore = "needs the built page and Chromium: run scripts/web-test.sh"]
fn the_random_pseudonym_key_is_kept_only_with_kept_data() {
    // SPEC §12: a new random key for each load; stored with the data when
    // the user keeps it, so a restored report gives the same pseudonyms.
    let bundle = demo_dir("keep-pseudonyms", 150);
    let files = csv_files(&bundle);
    let b = Browser::start(tmp("downloads-keep-pseudonyms"));
    load_and_keep(&b, &files);
    let first = download_pseudonyms(&b);
    // 150 users and the header, after the CSV byte-order mark.
    assert_eq!(String::from_utf8_lossy(&first).lines().count(), 151);
    let manifest = b.js_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const root = await navigator.storage.getDirectory();
           const dir = await root.getDirectoryHandle('kept');
           return await (await (await dir.getFileHandle('manifest.json')).getFile()).text();
         })().then(done, (e) => done('error: ' + e));",
    );
    let manifest: Value = serde_json::from_str(manifest.as_str().unwrap()).unwrap();
    let key = manifest["pseudonym_key"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 64);
    // The kept key is the one the page used: the CLI gives the same file.
    let out = tmp("cli-keep-pseudonyms");
    let (start, end) = period(&b);
    cli_in(
        &bundle,
        &[
            "--start",
            &start,
            "--end",
            &end,
            "--timezone",
            "UTC",
            "--csv-bom",
            "--pseudonymize",
            "--pseudonym-key",
            &key,
            "--output-dir",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(first, std::fs::read(out.join("pseudonyms.csv")).unwrap());

    // A reload restores the data and its key: the same pseudonyms.
    let url = b.js("return location.href").as_str().unwrap().to_string();
    b.goto("about:blank");
    b.goto(&url);
    wait_report(&b, 120);
    assert!(b.text("#kept").contains("restored"));
    assert_eq!(download_pseudonyms(&b), first, "the restored key differs");

    // Loading the same files again (not from storage) makes a new key.
    b.click("#keep-data");
    b.set_files("#file-input", &files);
    b.wait(
        "the new load",
        "return !!document.querySelector('#card-new-users') && !document.querySelector('#progress') && document.getElementById('kept').textContent.startsWith('Nothing is kept')",
        120,
    );
    assert_ne!(download_pseudonyms(&b), first, "a new load keeps its key");
}
