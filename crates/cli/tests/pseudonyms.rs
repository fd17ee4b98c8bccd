//! `--pseudonymize` (SPEC §12): nothing personal leaves in any output, and
//! nothing else changes.
//!
//! - A bundle full of distinctive names, e-mails and feed texts (markup,
//!   quotes, formulas, Cyrillic, Chinese, Armenian) is reported with every
//!   output (JSON and CSV files, insights, summary.md, report.html,
//!   report.xlsx, the zip, --stdout, an upload to a real S3 server); every
//!   byte of each (zip and xlsx entries decompressed) is searched for each
//!   of them, raw and HTML-, XML-, JSON- and CSV-escaped. The same search
//!   finds them without the option, so it looks where they would be.
//! - On the worked example, every figure and ranking of the pseudonymised
//!   run equals the plain run's once pseudonyms.csv maps them back.

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use engagement_engine::export;
use engagement_report::s3::{self, Method, S3Settings};
use serde_json::Value;
use support::TestServer;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");
const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// (username, e-mail) of each user.
const PEOPLE: [(&str, &str); 7] = [
    ("<b>Zebulon&Co</b>", "zebulon&co@secret-mail.example"),
    (
        "O'Hara \"Quillfeather\"",
        "o'hara.quillfeather@secret-mail.example",
    ),
    ("Ваня Петрович", "vanya.petrovich@secret-mail.example"),
    ("李雷雷", "lilei@secret-mail.example"),
    ("Յովհաննէս", "hovhannes@secret-mail.example"),
    (
        "=HYPERLINK(\"http://evil.example\",\"Wolfram\")",
        "+wolfram@secret-mail.example",
    ),
    (
        "Marguerite\u{2028}\tTab",
        "marguerite\"x\"@secret-mail.example",
    ),
];

/// (title, description) of feed items: prayer requests and markup.
const FEED_TEXTS: [(&str, &str); 4] = [
    (
        "Pray for Xanthippe's surgery",
        "<script>alert('Kallisto')</script> & more",
    ),
    ("<i>Thaddeus</i> & \"friends\"", "Исповедь Тимофея"),
    ("-Ermintrude's diagnosis", "祈祷张伟"),
    ("@Bartholomew", "Ծնունդ Արամի"),
];

/// Words of the texts above that no figure, fast or screen name holds:
/// found in any escaping that keeps letters as they are.
const WORDS: [&str; 20] = [
    "Zebulon",
    "Quillfeather",
    "Петрович",
    "李雷雷",
    "Յովհաննէս",
    "Wolfram",
    "Marguerite",
    "secret-mail",
    "lilei",
    "hovhannes",
    "Xanthippe",
    "Kallisto",
    "Thaddeus",
    "Исповедь",
    "Тимофея",
    "Ermintrude",
    "祈祷张伟",
    "Bartholomew",
    "Ծնունդ",
    "Արամի",
];

/// A CSV field, quoted the way PostgreSQL does.
fn q(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Users 1…7 (PEOPLE), each with feed items in June 2025 (FEED_TEXTS), one
/// that targets another user, devotional views (a ranking), a fast.
fn write_bundle(dir: &Path) {
    let ts = |day: usize, hour: usize| format!("2025-06-{:02} {:02}:00:00+00", day, hour);
    let mut users = String::from("id,username,email,date_joined\n");
    let mut profiles = String::from("id,user_id\n");
    let mut members = String::from("profile_id,fast_id\n");
    let mut feed = String::from(
        "id,user_id,activity_type,content_type_id,object_id,title,description,created_at\n",
    );
    let mut events =
        String::from("id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n");
    let mut feed_id = 0;
    for (i, (name, email)) in PEOPLE.iter().enumerate() {
        let id = i + 1;
        users.push_str(&format!("{id},{},{},{}\n", q(name), q(email), ts(1 + i, 9)));
        profiles.push_str(&format!("{},{id}\n", 100 + id));
        members.push_str(&format!("{},1\n", 100 + id));
        for (k, (title, description)) in FEED_TEXTS.iter().enumerate() {
            feed_id += 1;
            // The first item of each user targets the next user.
            let (ct, obj) = if k == 0 {
                ("4".to_string(), (id % PEOPLE.len() + 1).to_string())
            } else {
                ("12".to_string(), "1".to_string())
            };
            feed.push_str(&format!(
                "{feed_id},{id},prayer,{ct},{obj},{},{},{}\n",
                q(title),
                q(description),
                ts(10 + k, i)
            ));
        }
        // Devotional views: user n views n times (a ranking with a tie
        // broken by id at the bottom), one join, one screen view.
        for v in 0..(id % 4 + 1) {
            events.push_str(&format!("{},3,{id},,,{{}},{}\n", id * 100 + v, ts(12, v)));
        }
        events.push_str(&format!(
            "{},1,{id},12,1,{{}},{}\n",
            id * 100 + 50,
            ts(3, i)
        ));
        events.push_str(&format!(
            "{},2,{id},,,\"{{\"\"screen\"\": \"\"home\"\"}}\",{}\n",
            id * 100 + 60,
            ts(4, i)
        ));
    }
    let files = [
        ("auth_user.csv", users),
        ("hub_church.csv", "id,name\n7,St Mary\n".to_string()),
        (
            "hub_fast.csv",
            "id,name,church_id,year\n1,Great Lent,7,2025\n".to_string(),
        ),
        ("hub_profile.csv", profiles),
        ("hub_profile_fasts.csv", members),
        (
            "events_eventtype.csv",
            "id,code\n1,user_joined_fast\n2,screen_view\n3,devotional_viewed\n".to_string(),
        ),
        ("events_event.csv", events),
        ("events_useractivityfeed.csv", feed),
        (
            "django_content_type.csv",
            "id,app_label,model\n4,auth,user\n12,hub,fast\n".to_string(),
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
        .env_remove("ENGAGEMENT_PSEUDONYM_KEY")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_STORAGE_BUCKET_NAME")
        .output()
        .expect("the binary runs")
}

fn ok(o: &Output) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// Every form a text may take in an output.
fn forms(text: &str) -> Vec<String> {
    let html = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let json = serde_json::to_string(text).unwrap();
    let mut all = vec![
        text.to_string(),
        html.clone(),
        html.replace('\'', "&#39;"),
        html.replace('\'', "&#x27;"),
        html.replace('\'', "&apos;"),
        json[1..json.len() - 1].to_string(),
        text.replace('"', "\"\""),
        format!("'{text}"),
    ];
    all.extend(
        WORDS
            .iter()
            .filter(|w| text.contains(*w))
            .map(|w| w.to_string()),
    );
    all.sort();
    all.dedup();
    all
}

fn every_secret() -> Vec<String> {
    let texts = PEOPLE
        .iter()
        .flat_map(|(n, e)| [*n, *e])
        .chain(FEED_TEXTS.iter().flat_map(|(t, d)| [*t, *d]));
    let mut all: Vec<String> = texts.flat_map(forms).collect();
    all.extend(WORDS.iter().map(|w| w.to_string()));
    all.sort();
    all.dedup();
    all
}

/// `(where, bytes)` of a file, and of each entry inside it when it is a
/// zip (the report's zip, report.xlsx), recursively.
fn unpack(place: String, bytes: Vec<u8>, out: &mut Vec<(String, Vec<u8>)>) {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut inner = Vec::new();
            entry.read_to_end(&mut inner).unwrap();
            let name = entry.name().unwrap().into_owned();
            unpack(format!("{place}!{name}"), inner, out);
        }
    }
    out.push((place, bytes));
}

/// Each secret form found in `outputs`, with where.
fn leaks(outputs: &[(String, Vec<u8>)]) -> Vec<String> {
    let secrets = every_secret();
    let mut found = Vec::new();
    for (place, bytes) in outputs {
        for s in &secrets {
            if bytes.windows(s.len()).any(|w| w == s.as_bytes()) {
                found.push(format!("{s:?} in {place}"));
            }
        }
    }
    found
}

/// Every file of a folder but pseudonyms.csv, unpacked.
fn folder_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name != "pseudonyms.csv" {
            unpack(name, std::fs::read(&path).unwrap(), &mut out);
        }
    }
    out
}

#[test]
fn no_name_email_or_feed_text_is_in_any_pseudonymized_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write_bundle(&input);
    let input = input.to_str().unwrap();
    let period = ["--start", "2025-06-01", "--end", "2025-06-30", "--insights"];
    let everything = ["--html", "--html-people", "--xlsx", "--zip"];

    // Without the option, the search finds every word where it should be.
    let plain = dir.path().join("plain");
    let mut args = vec![input, "--output-dir", plain.to_str().unwrap()];
    args.extend(period.iter().chain(&everything));
    ok(&run(&args));
    let found = leaks(&folder_outputs(&plain)).join("\n");
    for word in WORDS {
        for file in [
            "user_activity_timeline.json",
            "report.html",
            "report.xlsx!xl/",
        ] {
            // The timeline names users but holds no e-mail.
            let email_only = !PEOPLE.iter().any(|(n, _)| n.contains(word))
                && !FEED_TEXTS
                    .iter()
                    .any(|(t, d)| t.contains(word) || d.contains(word));
            if file.starts_with("user_activity_timeline") && email_only {
                continue;
            }
            assert!(
                found.contains(&format!("{word:?} in {file}")),
                "{word} not found in {file} of the plain run:\n{found}"
            );
        }
    }

    let server = TestServer::start_s3s_fs("AKIDPSEUDONYMTEST", "pseudonym-test/secret");
    server.create_bucket("reports");
    let settings = S3Settings {
        access_key: server.access_key().to_owned(),
        secret_key: server.secret_key().to_owned(),
        session_token: None,
        region: support::REGION.to_owned(),
        bucket: "reports".to_owned(),
        endpoint: Some(server.endpoint()),
    };
    let presign =
        |method, key: &str| s3::presign(&settings, method, key, Duration::from_secs(600)).unwrap();

    let mut outputs = Vec::new();
    for format in ["json", "csv"] {
        let out = dir.path().join(format!("pseudo-{format}"));
        let put = presign(Method::Put, &format!("r/{format}.zip"));
        let mut args = vec![
            input,
            "--output-dir",
            out.to_str().unwrap(),
            "--format",
            format,
            "--pseudonymize",
            "--upload-s3",
            "--upload-url",
            &put,
        ];
        args.extend(period.iter().chain(&everything));
        let o = run(&args);
        let stderr = ok(&o);
        outputs.push((format!("{format} stderr"), o.stderr.clone()));
        outputs.push((format!("{format} stdout"), o.stdout.clone()));
        assert!(
            stderr.contains(&format!(
                "pseudonyms: {}",
                out.join("pseudonyms.csv").display()
            )),
            "{stderr}"
        );
        let files = folder_outputs(&out);
        assert!(files
            .iter()
            .any(|(p, _)| p == "report.xlsx!xl/worksheets/sheet1.xml"));
        assert!(files.iter().any(|(p, _)| p.contains(".zip!summary.md")));
        assert!(
            !files.iter().any(|(p, _)| p.contains("pseudonyms")),
            "pseudonyms.csv is never in the zip"
        );
        outputs.extend(files.into_iter().map(|(p, b)| (format!("{format}/{p}"), b)));
        let (uploaded, _) = {
            let (mut reader, len) = s3::open_url(&presign(Method::Get, &format!("r/{format}.zip")))
                .expect("the upload is there");
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).unwrap();
            (bytes, len)
        };
        let zip_name = "engagement_2025-06-01_to_2025-06-30.zip";
        assert_eq!(uploaded, std::fs::read(out.join(zip_name)).unwrap());
        unpack(format!("{format} upload"), uploaded, &mut outputs);

        // The key file links every user back, and only it.
        let map = std::fs::read_to_string(out.join("pseudonyms.csv")).unwrap();
        assert!(map.contains("Zebulon") && map.contains("lilei@secret-mail.example"));
        assert!(map.contains("'=HYPERLINK"), "formula guard: {map}");
        assert_eq!(map.lines().count(), PEOPLE.len() + 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join("pseudonyms.csv"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "pseudonyms.csv is private: {mode:o}");
        }
    }
    let mut args = vec![input, "--stdout", "--pseudonymize"];
    args.extend(period);
    let o = run(&args);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"pseudonymized\": true"));
    outputs.push(("--stdout".into(), o.stdout));
    outputs.push(("--stdout stderr".into(), o.stderr));

    assert!(outputs.len() > 60, "{} outputs", outputs.len());
    let found = leaks(&outputs);
    assert!(
        found.is_empty(),
        "personal data in the outputs:\n{}",
        found.join("\n")
    );
    // The report still says who did what, by pseudonym.
    let html = &outputs
        .iter()
        .find(|(p, _)| p == "json/report.html")
        .unwrap()
        .1;
    let html = String::from_utf8_lossy(html);
    assert!(html.contains("names replaced with pseudonyms"));
    assert!(html.matches("P-").count() > 20);
}

/// Each pseudonym's user id, username and e-mail, from pseudonyms.csv.
fn key_map(path: &Path) -> HashMap<String, (i64, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["pseudonym", "user_id", "username", "email"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let unguard = |s: &str| s.strip_prefix('\'').unwrap_or(s).to_string();
            (
                r[0].to_string(),
                (r[1].parse().unwrap(), unguard(&r[2]), unguard(&r[3])),
            )
        })
        .collect()
}

/// `v` with each pseudonym mapped back: `user_id`, `username`, `email`
/// as they were; feed texts (left out) and the marks of pseudonymisation
/// removed from both sides by [`drop_texts`].
fn map_back(v: &mut Value, map: &HashMap<String, (i64, String, String)>) {
    match v {
        Value::Object(o) => {
            let user = o.get("user_id").and_then(Value::as_str).map(|p| {
                map.get(p)
                    .unwrap_or_else(|| panic!("{p} not in pseudonyms.csv"))
            });
            if let Some((id, name, email)) = user {
                o.insert("user_id".into(), (*id).into());
                if o.contains_key("username") {
                    o.insert("username".into(), name.clone().into());
                }
                if o.contains_key("email") {
                    o.insert("email".into(), email.clone().into());
                }
            }
            if let Some(p) = o.get("target_id").and_then(Value::as_str) {
                let id = map[p].0;
                o.insert("target_id".into(), id.into());
            }
            for value in o.values_mut() {
                map_back(value, map);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| map_back(x, map)),
        _ => {}
    }
}

/// Feed titles and descriptions (which the pseudonymised run leaves out).
fn drop_texts(v: &mut Value) {
    for row in v.as_array_mut().unwrap() {
        let row = row.as_object_mut().unwrap();
        row.remove("title");
        row.remove("description");
    }
}

#[test]
fn every_figure_and_ranking_is_the_plain_runs_once_mapped_back() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny-fasts/csv");
    let dir = tempfile::tempdir().unwrap();
    for (start, end) in [("2025-01-01", "2025-01-31"), ("2024-10-01", "2025-02-28")] {
        let plain = dir.path().join(format!("plain-{start}"));
        let pseudo = dir.path().join(format!("pseudo-{start}"));
        let common = [
            fixture.to_str().unwrap(),
            "--insights",
            "--start",
            start,
            "--end",
            end,
        ];
        let mut args = common.to_vec();
        args.extend(["--output-dir", plain.to_str().unwrap()]);
        ok(&run(&args));
        let mut args = common.to_vec();
        args.extend([
            "--output-dir",
            pseudo.to_str().unwrap(),
            "--pseudonymize",
            "--pseudonym-key",
            KEY,
        ]);
        ok(&run(&args));
        let map = key_map(&pseudo.join("pseudonyms.csv"));
        assert_eq!(map.len(), 40, "every user of the bundle");

        let mut files: Vec<String> = std::fs::read_dir(&plain)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        // The seven data sets, the ten insight data sets and summary.md.
        assert_eq!(
            files.len(),
            export::DATA_SETS.len() + export::INSIGHT_DATA_SETS.len() + 1,
            "{files:?}"
        );
        for name in &files {
            let read = |d: &Path| std::fs::read_to_string(d.join(name)).unwrap();
            if name == "summary.md" {
                let line = "- Names: every user is shown by a pseudonym (`P-` and 10 hex digits); usernames, e-mails and feed texts were replaced or left out.\n";
                assert_eq!(read(&pseudo).replacen(line, "", 1), read(&plain), "{name}");
                continue;
            }
            let mut want: Value = serde_json::from_str(&read(&plain)).unwrap();
            let mut got: Value = serde_json::from_str(&read(&pseudo)).unwrap();
            map_back(&mut got, &map);
            if name == "user_activity_timeline.json" {
                drop_texts(&mut want);
                drop_texts(&mut got);
            }
            // Rows ascending by user_id are by pseudonym: a stable sort by
            // id gives the plain order back, other keys' order included.
            if [
                "user_activity.json",
                "user_activity_timeline.json",
                "user_fast_participation.json",
                "user_engagement.json",
            ]
            .contains(&name.as_str())
            {
                let rows = got.as_array_mut().unwrap();
                assert!(rows.len() > 3, "{name}");
                let ids: Vec<i64> = rows
                    .iter()
                    .map(|r| r["user_id"].as_i64().unwrap())
                    .collect();
                assert!(!ids.is_sorted(), "{name} is not by pseudonym");
                rows.sort_by_key(|r| r["user_id"].as_i64().unwrap());
            }
            assert_eq!(got, want, "{name} ({start} to {end})");
        }
    }
}

#[test]
fn a_malformed_key_is_one_error_line_that_never_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny-fasts/csv");
    let secret = "5ecre7-not-hex-0123456789abcdef0123456789abcdef0123456789abcdef";
    let out = dir.path().join("out");
    let base = [
        fixture.to_str().unwrap(),
        "--pseudonymize",
        "--output-dir",
        out.to_str().unwrap(),
    ];
    let mut with_option = base.to_vec();
    with_option.extend(["--pseudonym-key", secret]);
    let from_env = Command::new(BIN)
        .args(base)
        .env("ENGAGEMENT_PSEUDONYM_KEY", &secret[..40])
        .output()
        .unwrap();
    for (o, from) in [
        (run(&with_option), "--pseudonym-key"),
        (from_env, "ENGAGEMENT_PSEUDONYM_KEY"),
    ] {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {from}: the pseudonym key ")),
            "{stderr}"
        );
        assert!(stderr.contains("expected 64 hex digits"), "{stderr}");
        assert!(
            !stderr.contains("5ecre7") && !stderr.contains("0123456789"),
            "{stderr}"
        );
        assert!(o.stdout.is_empty());
        assert!(!out.exists(), "no output on a bad key");
    }
    // A key without --pseudonymize is a usage error, not a silent no-op.
    let o = run(&[
        fixture.to_str().unwrap(),
        "--pseudonym-key",
        KEY,
        "--stdout",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Without a key, each run makes its own: two runs, two pseudonyms.
    let one = |name: &str| {
        let out = dir.path().join(name);
        ok(&run(&[
            fixture.to_str().unwrap(),
            "--pseudonymize",
            "--output-dir",
            out.to_str().unwrap(),
        ]));
        std::fs::read_to_string(out.join("pseudonyms.csv")).unwrap()
    };
    let (a, b) = (one("a"), one("b"));
    assert_ne!(a, b);
    assert_eq!(a.lines().count(), b.lines().count());
}
