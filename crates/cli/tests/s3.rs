//! S3 upload and presign against real S3-compatible servers on loopback
//! (see tests/support/mod.rs for how they are started and installed).

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;

use engagement_report::s3::{self, Method, S3Error, S3Settings};
use support::TestServer;

const BUCKET: &str = "reports";
const ZIP: &str = "application/zip";
const KEY: &str = "engagement-reports/engagement_2025-01-01_to_2025-01-31.zip";

const S3S_ACCESS: &str = "AKIDS3SFSTESTKEY";
const S3S_SECRET: &str = "s3s-fs-secret/Key+With=Chars";

/// Deterministic bytes covering every byte value, a few hundred KiB long.
fn payload(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as u8) ^ (i as u8)
        })
        .collect()
}

fn settings_for(server: &TestServer, secret: &str) -> S3Settings {
    S3Settings {
        access_key: server.access_key().to_owned(),
        secret_key: secret.to_owned(),
        session_token: None,
        region: support::REGION.to_owned(),
        bucket: BUCKET.to_owned(),
        endpoint: Some(server.endpoint()),
    }
}

fn read_all(url: &str) -> (Vec<u8>, Option<u64>) {
    let (mut reader, len) = s3::open_url(url).expect("open_url");
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).expect("read body");
    (bytes, len)
}

/// The Content-Type the server stored for an object (fetched through a
/// presigned GET, so it works on any server).
fn stored_content_type(settings: &S3Settings, key: &str) -> String {
    let url = s3::presign(settings, Method::Get, key, Duration::from_secs(60)).unwrap();
    let response = support::agent().get(&url).call().expect("GET object");
    assert_eq!(response.status().as_u16(), 200);
    response
        .headers()
        .get("content-type")
        .expect("content-type header")
        .to_str()
        .unwrap()
        .to_owned()
}

fn assert_no_secrets(message: &str, secrets: &[&str]) {
    assert!(!message.contains('?'), "query string in: {message}");
    for marker in ["X-Amz-", "x-amz-", "Signature=", "Credential="] {
        assert!(!message.contains(marker), "{marker} in: {message}");
    }
    for secret in secrets {
        assert!(!message.contains(secret), "{secret:?} in: {message}");
    }
}

// ---------- moto: round trips ----------

#[test]
fn moto_upload_with_credentials_then_get_back_same_bytes() {
    let server = TestServer::start_moto();
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, support::MOTO_SECRET_KEY);
    let body = payload(300_000);

    let object_url = s3::upload_with_credentials(&settings, KEY, &body, ZIP).expect("upload");
    assert_eq!(object_url, format!("{}/{BUCKET}/{KEY}", server.endpoint()));
    assert!(!object_url.contains('?'));

    let get = s3::presign(&settings, Method::Get, KEY, Duration::from_secs(300)).unwrap();
    let (bytes, len) = read_all(&get);
    assert_eq!(len, Some(body.len() as u64));
    assert!(bytes == body, "presigned GET returned different bytes");
    assert_eq!(stored_content_type(&settings, KEY), ZIP);
}

#[test]
fn moto_presign_put_upload_presign_get_reads_same_bytes() {
    let server = TestServer::start_moto();
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, support::MOTO_SECRET_KEY);
    let body = payload(70_001);
    let key = "engagement-reports/engagement_report.zip";

    let put = s3::presign(&settings, Method::Put, key, Duration::from_secs(600)).unwrap();
    assert!(put.starts_with(&format!("{}/{BUCKET}/", server.endpoint())));
    assert!(put.contains("X-Amz-Expires=600"));
    s3::upload_presigned(&put, &body, ZIP).expect("upload to presigned URL");

    let get = s3::presign(&settings, Method::Get, key, Duration::from_secs(600)).unwrap();
    let (bytes, len) = read_all(&get);
    assert_eq!(len, Some(body.len() as u64));
    assert!(bytes == body, "presigned GET returned different bytes");
    assert_eq!(stored_content_type(&settings, key), ZIP);
}

#[test]
fn moto_empty_upload_round_trips() {
    let server = TestServer::start_moto();
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, support::MOTO_SECRET_KEY);
    s3::upload_with_credentials(&settings, "empty.zip", b"", ZIP).expect("upload");
    let get = s3::presign(&settings, Method::Get, "empty.zip", Duration::from_secs(60)).unwrap();
    let (bytes, len) = read_all(&get);
    assert_eq!(len, Some(0));
    assert!(bytes.is_empty());
}

#[test]
fn moto_missing_object_is_404_no_such_key() {
    let server = TestServer::start_moto();
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, support::MOTO_SECRET_KEY);
    let get = s3::presign(&settings, Method::Get, "nope.zip", Duration::from_secs(60)).unwrap();
    let err = s3::open_url(&get).err().expect("missing object must fail");
    match &err {
        S3Error::Http {
            method: Method::Get,
            status: 404,
            code: Some(code),
            url,
        } => {
            assert_eq!(code, "NoSuchKey");
            assert_eq!(url, &format!("{}/{BUCKET}/nope.zip", server.endpoint()));
        }
        other => panic!("expected 404 NoSuchKey, got {other:?}"),
    }
    assert_no_secrets(&err.to_string(), &[support::MOTO_ACCESS_KEY]);
}

#[test]
fn moto_missing_bucket_is_404_no_such_bucket() {
    let server = TestServer::start_moto();
    let settings = settings_for(&server, support::MOTO_SECRET_KEY);
    let err = s3::upload_with_credentials(&settings, KEY, b"zip", ZIP).unwrap_err();
    assert!(
        matches!(&err, S3Error::Http { status: 404, code: Some(c), .. } if c == "NoSuchBucket"),
        "got {err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("NoSuchBucket") && text.contains("--s3-bucket"),
        "{text}"
    );
    assert_no_secrets(&text, &[support::MOTO_ACCESS_KEY, support::MOTO_SECRET_KEY]);
}

// ---------- s3s-fs: signatures and expiry ----------

#[test]
fn s3s_fs_upload_with_credentials_succeeds_and_reads_back() {
    let server = TestServer::start_s3s_fs(S3S_ACCESS, S3S_SECRET);
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, S3S_SECRET);
    let body = payload(123_457);

    let object_url = s3::upload_with_credentials(&settings, KEY, &body, ZIP).expect("upload");
    assert_eq!(object_url, format!("{}/{BUCKET}/{KEY}", server.endpoint()));

    let get = s3::presign(&settings, Method::Get, KEY, Duration::from_secs(60)).unwrap();
    let (bytes, len) = read_all(&get);
    assert_eq!(len, Some(body.len() as u64));
    assert!(bytes == body, "presigned GET returned different bytes");
}

#[test]
fn s3s_fs_presigned_put_then_get_round_trips() {
    let server = TestServer::start_s3s_fs(S3S_ACCESS, S3S_SECRET);
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, S3S_SECRET);
    let body = payload(4096);
    let put = s3::presign(&settings, Method::Put, KEY, Duration::from_secs(60)).unwrap();
    s3::upload_presigned(&put, &body, ZIP).expect("upload to presigned URL");
    let get = s3::presign(&settings, Method::Get, KEY, Duration::from_secs(60)).unwrap();
    assert!(read_all(&get).0 == body);
}

#[test]
fn s3s_fs_wrong_secret_is_refused_with_signature_error() {
    let server = TestServer::start_s3s_fs(S3S_ACCESS, S3S_SECRET);
    server.create_bucket(BUCKET);
    let wrong = settings_for(&server, "not-the-secret");
    let right = settings_for(&server, S3S_SECRET);
    let secrets = [S3S_ACCESS, S3S_SECRET, "not-the-secret"];

    // Presigned PUT signed with the wrong secret.
    let put = s3::presign(&wrong, Method::Put, KEY, Duration::from_secs(60)).unwrap();
    let err = s3::upload_presigned(&put, b"zip bytes", ZIP).unwrap_err();
    assert!(
        matches!(
            err,
            S3Error::SignatureMismatch {
                presigned: true,
                ..
            }
        ),
        "got {err:?}"
    );
    assert_no_secrets(&err.to_string(), &secrets);
    assert!(err.to_string().contains("signature does not match"));

    // Upload with wrong credentials.
    let err = s3::upload_with_credentials(&wrong, KEY, b"zip bytes", ZIP).unwrap_err();
    assert!(
        matches!(
            err,
            S3Error::SignatureMismatch {
                presigned: false,
                ..
            }
        ),
        "got {err:?}"
    );
    assert!(err.to_string().contains("AWS_SECRET_ACCESS_KEY"));
    assert_no_secrets(&err.to_string(), &secrets);

    // Presigned GET signed with the wrong secret, for an object that exists.
    s3::upload_with_credentials(&right, KEY, b"zip bytes", ZIP).expect("upload");
    let get = s3::presign(&wrong, Method::Get, KEY, Duration::from_secs(60)).unwrap();
    let err = s3::open_url(&get).err().expect("wrong signature must fail");
    assert!(
        matches!(
            err,
            S3Error::SignatureMismatch {
                presigned: true,
                ..
            }
        ),
        "got {err:?}"
    );
    assert_no_secrets(&err.to_string(), &secrets);

    // A tampered URL (key changed after signing) is refused too.
    let good = s3::presign(&right, Method::Get, KEY, Duration::from_secs(60)).unwrap();
    let tampered = good.replace("engagement_2025", "engagement_2024");
    let err = s3::open_url(&tampered)
        .err()
        .expect("tampered URL must fail");
    assert!(
        matches!(err, S3Error::SignatureMismatch { .. }),
        "got {err:?}"
    );
}

#[test]
fn s3s_fs_expired_presigned_urls_are_refused_with_expiry_error() {
    let server = TestServer::start_s3s_fs(S3S_ACCESS, S3S_SECRET);
    server.create_bucket(BUCKET);
    let settings = settings_for(&server, S3S_SECRET);
    s3::upload_with_credentials(&settings, KEY, b"zip bytes", ZIP).expect("upload");

    let put = s3::presign(&settings, Method::Put, KEY, Duration::from_secs(1)).unwrap();
    let get = s3::presign(&settings, Method::Get, KEY, Duration::from_secs(1)).unwrap();
    std::thread::sleep(Duration::from_secs(2));

    let err = s3::upload_presigned(&put, b"new bytes", ZIP).unwrap_err();
    assert!(matches!(err, S3Error::Expired { .. }), "got {err:?}");
    let text = err.to_string();
    assert!(text.contains("expired"), "{text}");
    assert_no_secrets(&text, &[S3S_ACCESS, S3S_SECRET]);

    let err = s3::open_url(&get).err().expect("expired URL must fail");
    assert!(matches!(err, S3Error::Expired { .. }), "got {err:?}");
    assert_no_secrets(&err.to_string(), &[S3S_ACCESS, S3S_SECRET]);

    // The object was not replaced by the refused PUT.
    let fresh = s3::presign(&settings, Method::Get, KEY, Duration::from_secs(60)).unwrap();
    assert_eq!(read_all(&fresh).0, b"zip bytes");
}

#[test]
fn s3s_fs_unknown_access_key_is_refused_naming_the_variable() {
    let server = TestServer::start_s3s_fs(S3S_ACCESS, S3S_SECRET);
    server.create_bucket(BUCKET);
    let mut settings = settings_for(&server, S3S_SECRET);
    settings.access_key = "AKIDUNKNOWN".into();
    let err = s3::upload_with_credentials(&settings, KEY, b"zip", ZIP).unwrap_err();
    // s3s-fs answers NotSignedUp where AWS answers InvalidAccessKeyId.
    assert!(
        matches!(&err, S3Error::Http { status: 403, code: Some(c), .. } if c == "NotSignedUp"),
        "got {err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
    assert_no_secrets(&text, &["AKIDUNKNOWN", S3S_SECRET]);
}

// ---------- network errors ----------

#[test]
fn connection_refused_is_a_network_error() {
    let port = support::free_port();
    let url = format!("http://127.0.0.1:{port}/b/k.zip?X-Amz-Signature=deadbeef");
    let err = s3::open_url(&url).err().expect("nothing listens there");
    assert_eq!(
        err,
        S3Error::Network {
            host: format!("127.0.0.1:{port}"),
            reason: "connection refused".into()
        }
    );
    assert_no_secrets(&err.to_string(), &["deadbeef"]);

    let err = s3::upload_presigned(&url, b"x", ZIP).unwrap_err();
    assert!(matches!(err, S3Error::Network { .. }), "got {err:?}");
}

#[test]
fn https_to_a_plain_http_server_is_a_network_error() {
    let server = TestServer::start_moto();
    let url = format!(
        "https://127.0.0.1:{}/b/k.zip?X-Amz-Signature=deadbeef",
        server.port()
    );
    let err = s3::open_url(&url).err().expect("no TLS there");
    match &err {
        S3Error::Network { host, reason } => {
            assert_eq!(host, &format!("127.0.0.1:{}", server.port()));
            assert_eq!(reason, "TLS handshake failed");
        }
        other => panic!("expected a network error, got {other:?}"),
    }
    assert_no_secrets(&err.to_string(), &["deadbeef"]);
}

#[test]
fn non_http_url_is_rejected_without_echoing_query() {
    let err = s3::open_url("ftp://h/x?X-Amz-Signature=abc").err().unwrap();
    assert_eq!(
        err,
        S3Error::InvalidUrl {
            url: "ftp://h/x".into()
        }
    );
    let err = s3::upload_presigned("not a url?sig=abc", b"", ZIP).unwrap_err();
    assert!(matches!(err, S3Error::InvalidUrl { .. }));
    assert_no_secrets(&err.to_string(), &["abc"]);
}

// ---------- settings ----------

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn settings_name_every_missing_value() {
    let err = S3Settings::from_lookup(lookup(&[]), None, None).unwrap_err();
    let S3Error::MissingSettings(names) = &err else {
        panic!("got {err:?}")
    };
    assert_eq!(
        names,
        &[
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "--s3-bucket (or AWS_STORAGE_BUCKET_NAME)"
        ]
    );
    let text = err.to_string();
    for n in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "--s3-bucket",
        "AWS_STORAGE_BUCKET_NAME",
    ] {
        assert!(text.contains(n), "{n} not in {text}");
    }

    // Empty values count as missing; only the missing ones are named.
    let err = S3Settings::from_lookup(
        lookup(&[("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "")]),
        Some("bucket"),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        S3Error::MissingSettings(vec!["AWS_SECRET_ACCESS_KEY".into()])
    );
    assert!(!err.to_string().contains("AKID"));
}

#[test]
fn settings_read_region_bucket_token_and_endpoint() {
    let base = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
    ];

    let s = S3Settings::from_lookup(
        lookup(&[base[0], base[1], ("AWS_STORAGE_BUCKET_NAME", "env-bucket")]),
        None,
        None,
    )
    .unwrap();
    assert_eq!(s.region, "us-east-1");
    assert_eq!(s.bucket, "env-bucket");
    assert_eq!(s.session_token, None);
    assert_eq!(s.endpoint, None);

    let s = S3Settings::from_lookup(
        lookup(&[
            base[0],
            base[1],
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
            ("AWS_STORAGE_BUCKET_NAME", "env-bucket"),
        ]),
        Some("flag-bucket"),
        Some("http://127.0.0.1:9000"),
    )
    .unwrap();
    assert_eq!(s.region, "eu-west-1");
    assert_eq!(s.bucket, "flag-bucket");
    assert_eq!(s.session_token.as_deref(), Some("TOKEN"));
    assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:9000"));

    let s = S3Settings::from_lookup(
        lookup(&[
            base[0],
            base[1],
            ("AWS_REGION", "ap-south-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]),
        Some("b"),
        None,
    )
    .unwrap();
    assert_eq!(s.region, "ap-south-1");

    // Debug never shows the secret or the token.
    let debug = format!(
        "{:?}",
        S3Settings {
            session_token: Some("TOKEN".into()),
            ..s
        }
    );
    assert!(
        !debug.contains("SECRET") && !debug.contains("TOKEN"),
        "{debug}"
    );

    let err = S3Settings::from_lookup(lookup(&base), Some("b"), Some("localhost:9000/x?y=1"))
        .unwrap_err();
    assert!(
        matches!(err, S3Error::InvalidEndpoint { .. }),
        "got {err:?}"
    );
}

// ---------- presign ----------

fn aws_settings(bucket: &str) -> S3Settings {
    S3Settings {
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some("SESSIONTOKEN".into()),
        region: "eu-central-1".into(),
        bucket: bucket.into(),
        endpoint: None,
    }
}

#[test]
fn presign_builds_sigv4_query_urls() {
    let s = aws_settings("my-bucket");
    let url = s3::presign(
        &s,
        Method::Put,
        "engagement-reports/a b.zip",
        Duration::from_secs(3600),
    )
    .unwrap();
    assert!(
        url.starts_with(
            "https://my-bucket.s3.eu-central-1.amazonaws.com/engagement-reports/a%20b.zip?"
        ),
        "{url}"
    );
    for part in [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Credential=AKIDEXAMPLE%2F",
        "%2Feu-central-1%2Fs3%2Faws4_request",
        "X-Amz-Expires=3600",
        "X-Amz-Security-Token=SESSIONTOKEN",
        "X-Amz-Signature=",
    ] {
        assert!(url.contains(part), "{part} not in {url}");
    }
    assert!(!url.contains(&s.secret_key));
    assert_eq!(
        s3::redact_url(&url),
        "https://my-bucket.s3.eu-central-1.amazonaws.com/engagement-reports/a%20b.zip"
    );

    // Buckets with dots use path style on AWS.
    let url = s3::presign(
        &aws_settings("my.bucket"),
        Method::Get,
        "k",
        Duration::from_secs(60),
    )
    .unwrap();
    assert!(
        url.starts_with("https://s3.eu-central-1.amazonaws.com/my.bucket/k?"),
        "{url}"
    );
}

#[test]
fn presign_rejects_bad_expiry_and_key() {
    let s = aws_settings("b");
    for secs in [0, 7 * 24 * 3600 + 1] {
        let err = s3::presign(&s, Method::Get, "k", Duration::from_secs(secs)).unwrap_err();
        assert_eq!(err, S3Error::InvalidExpiry { seconds: secs });
    }
    assert!(s3::presign(&s, Method::Get, "k", Duration::from_secs(7 * 24 * 3600)).is_ok());
    let err = s3::presign(&s, Method::Get, "", Duration::from_secs(60)).unwrap_err();
    assert_eq!(err, S3Error::InvalidKey);
}

#[test]
fn redact_url_drops_query_fragment_and_userinfo() {
    assert_eq!(
        s3::redact_url("https://user:pass@h.example:8443/b/k.zip?X-Amz-Signature=abc#frag"),
        "https://h.example:8443/b/k.zip"
    );
    assert_eq!(
        s3::redact_url("http://127.0.0.1:9000/b/k"),
        "http://127.0.0.1:9000/b/k"
    );
    assert_eq!(s3::redact_url("garbage?X-Amz-Signature=abc"), "garbage");
}

// ---------- no variant ever leaks ----------

#[test]
fn no_error_message_contains_query_signature_or_secret() {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let signed = s3::presign(
        &aws_settings("b"),
        Method::Get,
        "k.zip",
        Duration::from_secs(60),
    )
    .unwrap();
    let signature = signed.split("X-Amz-Signature=").nth(1).unwrap().to_owned();
    let shown = s3::redact_url(&signed);
    let variants = vec![
        S3Error::MissingSettings(vec![
            "AWS_ACCESS_KEY_ID".into(),
            "AWS_SECRET_ACCESS_KEY".into(),
        ]),
        S3Error::InvalidEndpoint {
            endpoint: s3::redact_url("http://u:p@h/?x=1"),
        },
        S3Error::InvalidRegion {
            region: "bad region".into(),
        },
        S3Error::InvalidBucket {
            bucket: "bad bucket".into(),
        },
        S3Error::InvalidKey,
        S3Error::InvalidExpiry { seconds: 0 },
        S3Error::InvalidUrl {
            url: s3::redact_url(&signed),
        },
        S3Error::Expired { url: shown.clone() },
        S3Error::ExpiredToken { url: shown.clone() },
        S3Error::SignatureMismatch {
            url: shown.clone(),
            presigned: true,
        },
        S3Error::SignatureMismatch {
            url: shown.clone(),
            presigned: false,
        },
        S3Error::Http {
            method: Method::Put,
            url: shown.clone(),
            status: 500,
            code: None,
        },
        S3Error::Http {
            method: Method::Get,
            url: shown,
            status: 403,
            code: Some("AccessDenied".into()),
        },
        S3Error::Network {
            host: "127.0.0.1:1".into(),
            reason: "connection refused".into(),
        },
    ];
    for err in &variants {
        let text = err.to_string();
        assert_no_secrets(
            &text,
            &[secret, "AKIDEXAMPLE", "SESSIONTOKEN", &signature, "u:p"],
        );
        // One sentence: no line breaks, and it says what to do.
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains("; "), "no advice in: {text}");
        assert_no_secrets(
            &format!("{err:?}"),
            &[secret, "AKIDEXAMPLE", "SESSIONTOKEN", &signature],
        );
    }
}
