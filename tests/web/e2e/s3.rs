//! Uploading to and loading from presigned S3 links (loopback moto server).

use crate::common::*;
use crate::harness::*;

#[test]
#[ignore = "needs the built page, Chromium and moto_server: run scripts/web-test.sh"]
fn upload_to_a_presigned_put_and_load_from_a_presigned_get() {
    let s3 = S3::start();
    let bundle = demo_dir("s3", 300);
    // A bundle zip in the bucket, fetched by the page through a shared link.
    let put = s3.presign("put", "exports/bundle.zip");
    assert_eq!(http_put(&put, &zip_dir(&bundle), "application/zip"), 200);
    let get = s3.presign("get", "exports/bundle.zip");
    let b = Browser::start(tmp("downloads-s3"));
    b.goto(&format!(
        "{}/#bundle={}&start=2025-06-01&end=2025-06-30&tz=UTC&section=export",
        page(),
        percent_encode(&get)
    ));
    wait_report(&b, 120);
    assert_eq!(period(&b), ("2025-06-01".into(), "2025-06-30".into()));
    check_cards(&b, &cli_report(&bundle, "2025-06-01", "2025-06-30"));
    let shown = b.text("#load-summary p");
    assert!(!shown.contains("X-Amz-Signature"), "{shown}");

    // Upload the report's zip, read it back, compare with the CLI's.
    b.wait(
        "the export options",
        "return !!document.getElementById('include-insights')",
        20,
    );
    only_the_data_sets(&b);
    let label = b.text("label[for=upload-url]");
    assert_eq!(
        label.trim(),
        "Upload link (from your administrator, or the CLI's `engagement-report presign`)"
    );
    let put = s3.presign("put", "reports/report.zip");
    b.type_into("#upload-url", &put);
    b.click("#upload");
    let status = b.wait(
        "the upload",
        "const s = document.getElementById('upload-status').textContent; return s.startsWith('uploaded') || s.includes('failed') ? s : ''",
        60,
    );
    let status = status.as_str().unwrap();
    assert!(status.starts_with("uploaded"), "{status}");
    assert!(!status.contains("X-Amz-Signature"), "{status}");
    let (code, body) = http_get(&s3.presign("get", "reports/report.zip"));
    assert_eq!(code, 200);
    assert_eq!(body, cli_zip(&bundle, "2025-06-01", "2025-06-30", "json"));

    // Refused uploads explain themselves without the signature: a bucket
    // that does not exist (HTTP error), and a server that is not there
    // (network / CORS).
    let sig = put.split("X-Amz-Signature=").nth(1).unwrap().to_string();
    let no_bucket = put.replace("/reports/", "/no-such-bucket/");
    let closed = format!(
        "http://127.0.0.1:{}/reports/x.zip?X-Amz-Signature={sig}",
        free_port()
    );
    for (bad, expect) in [
        (no_bucket, "failed"),
        (closed, "before the server answered"),
    ] {
        b.type_into("#upload-url", &bad);
        b.click("#upload");
        let status = b.wait(
            "the refused upload",
            &format!("const s = document.getElementById('upload-status').textContent; return s.includes('{expect}') ? s : ''"),
            60,
        );
        let status = status.as_str().unwrap();
        assert!(
            !status.contains(&sig) && !status.contains("X-Amz-"),
            "{status}"
        );
        b.js("document.getElementById('upload-url').value = ''; document.getElementById('upload-url').dispatchEvent(new Event('input'))");
        let dom = b
            .js("return document.body.innerHTML")
            .as_str()
            .unwrap()
            .to_string();
        assert!(!dom.contains(&sig), "the signature stays out of the DOM");
    }

    // A URL typed in the field loads too.
    b.type_into("#url-input", &get);
    b.click("#url-load");
    wait_report(&b, 120);
}

#[test]
#[ignore = "needs the built page, Chromium and moto_server: run scripts/web-test.sh"]
fn an_expired_presigned_link_says_so_and_the_page_works_on() {
    let s3 = S3::start();
    let bundle = demo_dir("s3-expired", 150);
    let put = s3.presign("put", "exports/old.zip");
    assert_eq!(http_put(&put, &zip_dir(&bundle), "application/zip"), 200);
    let get = s3.presign_for("get", "exports/old.zip", 1);
    let sig = get.split("X-Amz-Signature=").nth(1).unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let b = Browser::start(tmp("downloads-expired"));
    b.goto(&format!(
        "{}/#bundle={}&tz=UTC",
        page(),
        percent_encode(&get)
    ));
    let err = wait_error(&b, "the expired-link message", 30);
    let err = err.as_str().unwrap();
    assert!(err.contains("has expired"), "{err}");
    assert!(err.contains("fresh"), "{err}");
    let dom = b.js("return document.documentElement.outerHTML");
    let dom = dom.as_str().unwrap();
    assert!(!dom.contains(&sig), "the signature stays out of the DOM");
    assert!(
        !dom.contains("X-Amz-Signature"),
        "the signature stays out of the DOM"
    );
    assert!(
        b.js("return document.querySelector('#card-new-users')")
            .is_null(),
        "no report for an expired link"
    );
    // The page works on.
    b.click("#demo-small");
    wait_report(&b, 120);
}
