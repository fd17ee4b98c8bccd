//! What the CLI writes and prints with hostile text in the exports:
//! spreadsheet formulas are neutralised in every CSV cell (SPEC §5), JSON
//! holds every string exactly, and an upload that fails never shows the
//! presigned URL's query, its signature or the AWS keys.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use engagement_report::s3::{self, Method, S3Settings};
use support::TestServer;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");

/// Text a spreadsheet would run, in every text column the outputs show.
const FORMULAS: [&str; 8] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+2",
    "-3+cmd|' /C calc'!A0",
    "@SUM(1;2)",
    "\tTAB",
    "\rCR",
    "=1",
    "-",
];

/// Text JSON must escape or carry exactly.
const TRICKY: &str = "quote\" back\\slash </script><img src=x onerror=alert(1)> \u{7}bell \u{1f} nl\n \u{2028}ls \u{0} nul 🎉 é";

/// A CSV field, quoted the way PostgreSQL does.
fn q(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A bundle whose names, emails, titles, types, screens and videos are
/// hostile: one user per formula plus one with [`TRICKY`] text.
fn write_hostile_bundle(dir: &Path) {
    let names: Vec<String> = FORMULAS
        .iter()
        .map(|s| s.to_string())
        .chain([TRICKY.to_string()])
        .collect();
    let ts = "2024-03-01 10:00:00+00";
    let mut users = String::from("id,username,email,date_joined\n");
    let mut profiles = String::from("id,user_id\n");
    let mut members = String::from("profile_id,fast_id\n");
    let mut feed = String::from(
        "id,user_id,activity_type,content_type_id,object_id,title,description,created_at\n",
    );
    let mut events =
        String::from("id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n");
    for (i, name) in names.iter().enumerate() {
        let id = i + 1;
        users.push_str(&format!("{id},{},{},{ts}\n", q(name), q(name)));
        profiles.push_str(&format!("{},{id}\n", 100 + id));
        members.push_str(&format!("{},1\n", 100 + id));
        // Feed items: hostile activity type, title and description, and a
        // target whose content type model is hostile.
        feed.push_str(&format!(
            "{id},{id},{},13,5,{},{},{ts}\n",
            q(name),
            q(name),
            q(name)
        ));
        let data = serde_json::json!({"screen": name, "video_id": name, "title": name}).to_string();
        for (k, event_type) in [1, 2, 3, 4].into_iter().enumerate() {
            events.push_str(&format!(
                "{},{event_type},{id},12,1,{},{ts}\n",
                id * 10 + k,
                q(&data)
            ));
        }
    }
    let files = [
        ("auth_user.csv", users),
        (
            "hub_church.csv",
            format!("id,name\n7,{}\n", q(FORMULAS[0])),
        ),
        (
            "hub_fast.csv",
            format!(
                "id,name,church_id,year\n1,{},7,2024\n2,{},,\n",
                q(FORMULAS[3]),
                q(TRICKY)
            ),
        ),
        ("hub_profile.csv", profiles),
        ("hub_profile_fasts.csv", members),
        (
            "events_eventtype.csv",
            "id,code\n1,user_joined_fast\n2,screen_view\n3,tutorial_video_viewed\n4,devotional_viewed\n"
                .to_string(),
        ),
        ("events_event.csv", events),
        ("events_useractivityfeed.csv", feed),
        (
            "django_content_type.csv",
            format!("id,app_label,model\n12,hub,fast\n13,hub,{}\n", q(FORMULAS[2])),
        ),
    ];
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_STORAGE_BUCKET_NAME")
        .output()
        .expect("the binary runs")
}

fn is_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok()
}

#[test]
fn csv_cells_that_spreadsheets_would_run_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    write_hostile_bundle(&input);
    let o = run(&[
        input.to_str().unwrap(),
        "--start",
        "2024-01-01",
        "--end",
        "2024-12-31",
        "--format",
        "csv",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "the hostile bundle loads cleanly: {stderr}"
    );

    let mut csv_files = 0;
    let mut guarded = 0;
    let mut cells = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        csv_files += 1;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_path(&path)
            .unwrap();
        for (row, record) in reader.records().enumerate() {
            let record = record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for cell in record.iter() {
                cells += 1;
                let first = cell.chars().next();
                if matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')) {
                    assert!(
                        is_number(cell),
                        "{} row {row}: cell {cell:?} would run as a formula",
                        path.display()
                    );
                }
                if cell.starts_with('\'')
                    && matches!(
                        cell[1..].chars().next(),
                        Some('=' | '+' | '-' | '@' | '\t' | '\r')
                    )
                {
                    guarded += 1;
                }
            }
        }
    }
    assert_eq!(csv_files, 6, "six CSV data sets");
    assert!(cells > 100, "only {cells} cells");
    // Every formula shows up in several columns of several files.
    assert!(
        guarded >= 3 * FORMULAS.len(),
        "only {guarded} guarded cells: the bundle did not reach the CSVs"
    );

    // The guarded text is the input with one `'` before it, nothing else.
    let activity = std::fs::read_to_string(out.join("user_activity_timeline.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(activity.as_bytes());
    let titles: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().get(4).unwrap().to_string())
        .collect();
    for formula in FORMULAS {
        assert!(
            titles.contains(&format!("'{formula}")),
            "{formula:?} not guarded exactly in {titles:?}"
        );
    }
    assert!(titles.contains(&TRICKY.to_string()));
}

#[test]
fn json_output_carries_every_string_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    write_hostile_bundle(&input);
    let period = ["--start", "2024-01-01", "--end", "2024-12-31"];
    let o = run(&[&[input.to_str().unwrap(), "--stdout"][..], &period[..]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o2 = run(&[
        &[
            input.to_str().unwrap(),
            "--output-dir",
            out.to_str().unwrap(),
        ][..],
        &period[..],
    ]
    .concat());
    assert!(
        o2.status.success(),
        "{}",
        String::from_utf8_lossy(&o2.stderr)
    );

    let mut documents = vec![("stdout".to_string(), o.stdout.clone())];
    for data_set in engagement_engine::export::DATA_SETS {
        let name = format!("{data_set}.json");
        documents.push((name.clone(), std::fs::read(out.join(&name)).unwrap()));
    }
    for (name, bytes) in &documents {
        // Raw control characters never appear: JSON escapes them.
        let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !text.chars().any(|c| c < ' ' && c != '\n'),
            "{name} holds a raw control character"
        );
        serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected: Vec<String> = FORMULAS
        .iter()
        .map(|s| s.to_string())
        .chain([TRICKY.to_string()])
        .collect();
    // Usernames, emails, activity types, titles, descriptions: unchanged (no
    // `'` guard in JSON, no lost or altered character).
    let rows = report["user_activity_timeline"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        for key in ["username", "activity_type", "title", "description"] {
            assert_eq!(row[key].as_str(), Some(want.as_str()), "{key} of {row}");
        }
        assert_eq!(row["target_type"].as_str(), Some(FORMULAS[2]));
    }
    let users = report["user_activity"].as_array().unwrap();
    for (row, want) in users.iter().zip(&expected) {
        assert_eq!(row["email"].as_str(), Some(want.as_str()));
    }
    let fasts = report["fasts"].as_array().unwrap();
    assert_eq!(fasts[0]["fast_name"].as_str(), Some("@SUM(1;2) (2024)"));
    assert_eq!(fasts[0]["church_name"].as_str(), Some(FORMULAS[0]));
    assert_eq!(fasts[1]["fast_name"].as_str(), Some(TRICKY));
    // Screens and videos come from the events' `data` JSON.
    let screens = report["other_metrics"]["screen_views"]["top_screens"]
        .as_array()
        .unwrap();
    let screen_names: Vec<&str> = screens
        .iter()
        .map(|s| s["screen"].as_str().unwrap())
        .collect();
    assert!(screen_names.contains(&TRICKY), "{screen_names:?}");
    let videos = report["other_metrics"]["engagement_patterns"]["tutorial_videos"]["top_videos"]
        .as_array()
        .unwrap();
    assert!(
        videos
            .iter()
            .any(|v| v["title"].as_str() == Some(TRICKY) && v["video_id"].as_str() == Some(TRICKY)),
        "{videos:?}"
    );
}

// ---------------------------------------------------------------------------
// Secrets

fn assert_no_secrets(stderr: &str, url: &str, secrets: &[&str]) {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    assert!(!query.is_empty());
    assert!(!stderr.contains(query), "the query string leaked: {stderr}");
    for part in query.split('&') {
        let value = part.split_once('=').map_or(part, |(_, v)| v);
        if value.len() >= 8 {
            assert!(!stderr.contains(value), "{part:?} leaked: {stderr}");
        }
    }
    for marker in ["X-Amz-", "x-amz-", "Signature=", "Credential=", "?"] {
        assert!(!stderr.contains(marker), "{marker:?} in: {stderr}");
    }
    for secret in secrets {
        assert!(!stderr.contains(secret), "{secret:?} leaked: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn demo_input(dir: &Path) -> String {
    let input = dir.join("in");
    let o = run(&[
        "demo-data",
        "--out",
        input.to_str().unwrap(),
        "--users",
        "5",
    ]);
    assert!(o.status.success());
    input.display().to_string()
}

const SIGNATURE: &str = "5ec2e7516a7bd1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0";
const ACCESS: &str = "AKIAHOSTILETESTKEY01";

#[test]
fn a_refused_upload_url_never_shows_its_query_or_signature() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_input(dir.path());
    // A port that nothing listens on: connection refused.
    let port = support::free_port();
    let url = format!(
        "http://127.0.0.1:{port}/bucket/engagement-reports/r.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential={ACCESS}%2F20250101%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
         &X-Amz-Signature={SIGNATURE}"
    );
    for extra in [&[][..], &["--stdout"][..], &["--zip"][..]] {
        let out = dir.path().join("out");
        let mut args = vec![
            input.as_str(),
            "--start",
            "2025-06-01",
            "--end",
            "2025-06-30",
            "--output-dir",
            out.to_str().unwrap(),
            "--upload-s3",
            "--upload-url",
            &url,
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.lines().any(|l| l.starts_with("error: ")), "{stderr}");
        assert_no_secrets(&stderr, &url, &[SIGNATURE, ACCESS]);
        assert!(!String::from_utf8_lossy(&o.stdout).contains(SIGNATURE));
    }
}

#[test]
fn a_live_server_refusing_a_bad_or_expired_url_never_shows_its_signature() {
    const KEY_ID: &str = "AKIDSAFETYTESTKEY";
    const SECRET: &str = "safety-secret/Key+With=Chars";
    const WRONG: &str = "the-wrong-secret/Key+1";
    let server = TestServer::start_s3s_fs(KEY_ID, SECRET);
    server.create_bucket("reports");
    let settings = |secret: &str| S3Settings {
        access_key: KEY_ID.to_owned(),
        secret_key: secret.to_owned(),
        session_token: None,
        region: support::REGION.to_owned(),
        bucket: "reports".to_owned(),
        endpoint: Some(server.endpoint()),
    };
    let dir = tempfile::tempdir().unwrap();
    let input = demo_input(dir.path());
    let wrong_signature = s3::presign(
        &settings(WRONG),
        Method::Put,
        "engagement-reports/r.zip",
        Duration::from_secs(600),
    )
    .unwrap();
    let expired = s3::presign(
        &settings(SECRET),
        Method::Put,
        "engagement-reports/r.zip",
        Duration::from_secs(1),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    for url in [&wrong_signature, &expired] {
        let out = dir.path().join("out");
        let o = run(&[
            &input,
            "--start",
            "2025-06-01",
            "--end",
            "2025-06-30",
            "--output-dir",
            out.to_str().unwrap(),
            "--upload-s3",
            "--upload-url",
            url,
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert_no_secrets(&stderr, url, &[KEY_ID, SECRET, WRONG]);
    }

    // Credentials from the environment, with the wrong secret.
    let out = dir.path().join("out2");
    let o = Command::new(BIN)
        .args([
            &input,
            "--start",
            "2025-06-01",
            "--end",
            "2025-06-30",
            "--output-dir",
            out.to_str().unwrap(),
            "--upload-s3",
            "--s3-bucket",
            "reports",
            "--s3-endpoint",
            &server.endpoint(),
        ])
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", WRONG)
        .env("AWS_SESSION_TOKEN", "session-token-that-must-not-leak")
        .env("AWS_REGION", support::REGION)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for secret in [KEY_ID, WRONG, SECRET, "session-token-that-must-not-leak"] {
        assert!(!stderr.contains(secret), "{secret:?} leaked: {stderr}");
    }
    assert!(!stderr.contains("X-Amz-Signature"), "{stderr}");
}
