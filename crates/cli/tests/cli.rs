//! The `engagement-report` binary end to end: real files, real zips, real
//! S3-compatible servers on loopback.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::TestServer;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");
const PERIOD: [&str; 4] = ["--start", "2025-06-01", "--end", "2025-06-30"];

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_STORAGE_BUCKET_NAME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A generated demo bundle, as CSV tables (`csv/`) and a dump (`dump/`).
fn demo(dir: &Path, users: &str) -> (PathBuf, PathBuf) {
    let csv = dir.join("csv");
    let dump = dir.join("dump");
    let o = run(&[
        "demo-data",
        "--out",
        csv.to_str().unwrap(),
        "--users",
        users,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "demo-data",
        "--out",
        dump.to_str().unwrap(),
        "--users",
        users,
        "--dump",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dump.join("dump.json").is_file());
    // The nine tables and the optional calendar, hub_day.csv.
    assert_eq!(std::fs::read_dir(&csv).unwrap().count(), 10);
    assert!(csv.join("hub_day.csv").is_file());
    (csv, dump)
}

/// Zips every file of `dir` into `dest`, under `prefix` inside the zip.
fn zip_folder(dir: &Path, dest: &Path, prefix: &str) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = format!("{prefix}{}", path.file_name().unwrap().to_str().unwrap());
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &std::fs::read(&path).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn files_zip_and_stdout_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "300");
    let out = tmp.path().join("json-report");
    let mut args = vec![
        csv.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--zip",
    ];
    args.extend(PERIOD);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        out.to_str().unwrap(),
        "prints the folder"
    );

    // The zip holds exactly the seven files, byte for byte.
    let zip_path = out.join("engagement_2025-06-01_to_2025-06-30.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert_eq!(names, on_disk);
    assert_eq!(names.len(), 7);
    for name in &names {
        let mut bytes = Vec::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(bytes, std::fs::read(out.join(name)).unwrap(), "{name}");
    }

    // --stdout holds the same data sets as the files.
    let mut args = vec![csv.to_str().unwrap(), "--stdout"];
    args.extend(PERIOD);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all["range"]["start"], "2025-06-01");
    assert_eq!(all["range"]["timezone"], "UTC");
    for name in &names {
        let key = name.trim_end_matches(".json");
        assert_eq!(all[key], read_json(&out.join(name)), "{key}");
    }
    assert!(
        !all["user_activity_timeline"].as_array().unwrap().is_empty(),
        "the demo period has activity"
    );

    // CSV mode: same rows as JSON mode.
    let csv_out = tmp.path().join("csv-report");
    let mut args = vec![
        csv.to_str().unwrap(),
        "--format",
        "csv",
        "--output-dir",
        csv_out.to_str().unwrap(),
    ];
    args.extend(PERIOD);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    for &key in &engagement_engine::export::DATA_SETS[..6] {
        let mut reader = csv::Reader::from_path(csv_out.join(format!("{key}.csv"))).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), all[key].as_array().unwrap().len(), "{key}");
        if key == "user_activity" {
            // type_* columns add up to total_items on every row.
            let header = reader.headers().unwrap().clone();
            let total = header.iter().position(|h| h == "total_items").unwrap();
            for row in &rows {
                let sum: u64 = header
                    .iter()
                    .zip(row.iter())
                    .filter(|(h, _)| h.starts_with("type_"))
                    .map(|(_, v)| v.parse::<u64>().unwrap())
                    .sum();
                assert_eq!(sum, row[total].parse::<u64>().unwrap());
            }
        }
    }
    assert_eq!(
        read_json(&csv_out.join("other_metrics.json")),
        all["other_metrics"]
    );
}

#[test]
fn csv_tables_and_dump_give_identical_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, dump) = demo(tmp.path(), "500");
    let report = |input: &Path, tz: &str| {
        let mut args = vec![input.to_str().unwrap(), "--stdout", "--timezone", tz];
        args.extend(PERIOD);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    for tz in ["UTC", "Asia/Kolkata"] {
        let a = report(&csv, tz);
        assert_eq!(a, report(&dump, tz), "{tz}");
        assert!(a.len() > 10_000);
    }
    // A zip of the CSV folder gives the same report too.
    let zip_path = tmp.path().join("bundle.zip");
    zip_folder(&csv, &zip_path, "exports/");
    assert_eq!(report(&zip_path, "UTC"), report(&csv, "UTC"));
}

/// Tables of 16 MB and more are parsed in pieces on several threads; a zip
/// is read by one loader, file after file. Both must load the same rows.
/// (Pieces cut at a wrong guess are tested in `inputs.rs`.)
#[test]
fn big_tables_read_in_pieces_load_what_one_loader_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "8000");
    let events = csv.join("events_event.csv");
    assert!(std::fs::metadata(&events).unwrap().len() > 20 << 20);
    let report = |input: &Path| {
        let mut args = vec![input.to_str().unwrap(), "--stdout", "--insights"];
        args.extend(PERIOD);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    let zip_path = tmp.path().join("bundle.zip");
    zip_folder(&csv, &zip_path, "");
    let pieces = report(&csv);
    assert!(pieces.len() > 100_000);
    assert_eq!(pieces, report(&zip_path));
}

#[test]
fn defaults_to_the_30_days_ending_today() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    let o = run(&[csv.to_str().unwrap(), "--stdout", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    let start = all["range"]["start"].as_str().unwrap().to_string();
    let end = all["range"]["end"].as_str().unwrap().to_string();
    let parse = |s: &str| engagement_engine::period::parse_date("date", s).unwrap();
    assert_eq!((parse(&end) - parse(&start)).num_days(), 30);
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let end_days = (parse(&end) - parse("1970-01-01")).num_days() as u64;
    assert!(
        end_days == today || end_days + 1 == today,
        "end {end} is today in UTC"
    );
}

#[test]
fn default_output_dir_is_a_new_temporary_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    let mut args = vec![csv.to_str().unwrap(), "--quiet"];
    args.extend(PERIOD);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = PathBuf::from(stdout(&o).trim());
    assert!(dir.join("fasts.json").is_file(), "{dir:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// SPEC §10: the default output folder and everything the CLI writes in
/// it are its user's alone (0700, files 0600): member e-mails on a shared
/// server.
#[cfg(unix)]
#[test]
fn default_output_dir_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    for extra in [
        &["--zip", "--html", "--xlsx", "--insights"][..],
        &["--format", "csv", "--zip", "--insights"][..],
    ] {
        let mut args = vec![csv.to_str().unwrap(), "--quiet"];
        args.extend(PERIOD);
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let dir = PathBuf::from(stdout(&o).trim());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "{dir:?}");
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(files.len() >= 13, "{files:?}");
        for f in &files {
            assert_eq!(mode(f), 0o600, "{f:?}");
        }
        assert!(files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "zip")));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// SPEC §10: an input the CLI does not understand is never echoed with a
/// password, whether a `key=value` connection string or a URL.
#[test]
fn unreadable_inputs_are_echoed_without_their_password() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    for (input, shown) in [
        (
            "host=db port=5432 user=r password=Secr3tPw dbname=app",
            "host=db port=5432 user=r password=*** dbname=app",
        ),
        (
            "host=db password='Secr3tPw x' user=r",
            "host=db password=*** user=r",
        ),
        ("mysql://r:Secr3tPw@db:3306/app", "mysql://db:3306/app"),
    ] {
        let o = run(&[input, "--output-dir", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{input}");
        let err = stderr(&o);
        assert!(err.starts_with("error: cannot read input "), "{err}");
        assert!(err.contains(shown), "{err}");
        assert!(!err.contains("Secr3tPw"), "{err}");
        assert!(!out.exists());
    }
}

#[test]
fn bad_options_fail_with_one_clear_line_and_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "10");
    let input = csv.to_str().unwrap();
    let out = tmp.path().join("never");
    let cases: [(&[&str], &str); 5] = [
        (&["--start", "2025-13-01"], "expected YYYY-MM-DD"),
        (&["--end", "31/01/2025"], "expected YYYY-MM-DD"),
        (&["--timezone", "Mars/Base"], "IANA"),
        (
            &["--start", "2025-02-01", "--end", "2025-01-01"],
            "after the end date",
        ),
        (&["--upload-url", "http://127.0.0.1:9/x"], "--upload-s3"),
    ];
    for (extra, expected) in cases {
        let mut args = vec![input, "--output-dir", out.to_str().unwrap()];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let err = stderr(&o);
        assert!(
            err.starts_with("error: ") && err.contains(expected),
            "{extra:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!out.exists(), "nothing written for {extra:?}");
    }
    let o = run(&["/no/such/export", "--output-dir", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/export"));
    let o = run(&["--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_documents_every_option_with_examples() {
    let o = run(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    for option in [
        "--start",
        "--end",
        "--timezone",
        "--format",
        "--stdout",
        "--output-dir",
        "--zip",
        "--upload-s3",
        "--upload-url",
        "--s3-bucket",
        "--s3-endpoint",
        "--s3-prefix",
        "--quiet",
        "--max-field-bytes",
        "--max-unzipped-bytes",
        "--max-json-depth",
        "--skip-bad-rows",
        "demo-data",
        "presign",
        "Examples:",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
}

#[test]
fn missing_upload_settings_keep_the_files_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    let out = tmp.path().join("report");
    let mut args = vec![
        csv.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--zip",
        "--upload-s3",
        "--quiet",
    ];
    args.extend(PERIOD);
    let o = run_env(&args, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_STORAGE_BUCKET_NAME",
    ] {
        assert!(err.contains(name), "{err}");
    }
    assert!(out.join("fasts.json").is_file());
    assert!(out
        .join("engagement_2025-06-01_to_2025-06-30.zip")
        .is_file());
}

/// Reads an object back through a presigned GET minted by the CLI.
fn read_back(server: &TestServer, bucket: &str, key: &str) -> Vec<u8> {
    let env = [
        ("AWS_ACCESS_KEY_ID", server.access_key()),
        ("AWS_SECRET_ACCESS_KEY", server.secret_key()),
    ];
    let endpoint = server.endpoint();
    let o = run_env(
        &[
            "presign",
            "--method",
            "get",
            "--bucket",
            bucket,
            "--key",
            key,
            "--expires",
            "60",
            "--s3-endpoint",
            &endpoint,
        ],
        &env,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let url = stdout(&o).trim().to_string();
    let mut body = Vec::new();
    support::agent()
        .get(&url)
        .call()
        .expect("GET the object")
        .body_mut()
        .as_reader()
        .read_to_end(&mut body)
        .unwrap();
    body
}

#[test]
fn uploads_with_credentials_and_to_a_presigned_url() {
    let server = TestServer::start_moto();
    server.create_bucket("reports");
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "50");
    let out = tmp.path().join("report");
    let endpoint = server.endpoint();
    let env = [
        ("AWS_ACCESS_KEY_ID", server.access_key()),
        ("AWS_SECRET_ACCESS_KEY", server.secret_key()),
    ];

    // With credentials: key <prefix>/<zip name>, prints the object URL.
    let mut args = vec![
        csv.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--zip",
        "--upload-s3",
        "--s3-bucket",
        "reports",
        "--s3-endpoint",
        &endpoint,
        "--quiet",
    ];
    args.extend(PERIOD);
    let o = run_env(&args, &env);
    assert!(o.status.success(), "{}", stderr(&o));
    let key = "engagement-reports/engagement_2025-06-01_to_2025-06-30.zip";
    assert!(
        stdout(&o).contains(&format!("/reports/{key}")),
        "{}",
        stdout(&o)
    );
    let zip = std::fs::read(out.join("engagement_2025-06-01_to_2025-06-30.zip")).unwrap();
    assert_eq!(read_back(&server, "reports", key), zip);

    // Without --zip: an in-memory zip named engagement_report.zip, same bytes.
    let mut args = vec![
        csv.to_str().unwrap(),
        "--stdout",
        "--upload-s3",
        "--s3-bucket",
        "reports",
        "--s3-endpoint",
        &endpoint,
        "--s3-prefix",
        "x/",
    ];
    args.extend(PERIOD);
    let o = run_env(&args, &env);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read_back(&server, "reports", "x/engagement_report.zip"),
        zip
    );

    // To a presigned PUT minted by `presign`.
    let o = run_env(
        &[
            "presign",
            "--method",
            "put",
            "--bucket",
            "reports",
            "--key",
            "shared/r.zip",
            "--s3-endpoint",
            &endpoint,
        ],
        &env,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let put_url = stdout(&o).trim().to_string();
    assert!(put_url.contains("X-Amz-Signature="));
    let mut args = vec![
        csv.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--upload-s3",
        "--upload-url",
        &put_url,
        "--quiet",
    ];
    args.extend(PERIOD);
    let o = run_env(&args, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_back(&server, "reports", "shared/r.zip"), zip);

    // A bundle fetched from a presigned GET URL gives the same report.
    let bundle_zip = tmp.path().join("bundle.zip");
    zip_folder(&csv, &bundle_zip, "");
    let o = run_env(
        &[
            "presign",
            "--method",
            "put",
            "--bucket",
            "reports",
            "--key",
            "in/bundle.zip",
            "--s3-endpoint",
            &endpoint,
        ],
        &env,
    );
    let url = stdout(&o).trim().to_string();
    support::agent()
        .put(&url)
        .send(&std::fs::read(&bundle_zip).unwrap()[..])
        .unwrap();
    let o = run_env(
        &[
            "presign",
            "--method",
            "get",
            "--bucket",
            "reports",
            "--key",
            "in/bundle.zip",
            "--s3-endpoint",
            &endpoint,
        ],
        &env,
    );
    let get_url = stdout(&o).trim().to_string();
    let mut args = vec![get_url.as_str(), "--stdout", "--quiet"];
    args.extend(PERIOD);
    let from_url = run_env(&args, &[]);
    assert!(from_url.status.success(), "{}", stderr(&from_url));
    let mut args = vec![csv.to_str().unwrap(), "--stdout", "--quiet"];
    args.extend(PERIOD);
    assert_eq!(from_url.stdout, run_env(&args, &[]).stdout);
}

#[test]
fn expired_presigned_url_is_refused_without_echoing_it() {
    let server = TestServer::start_s3s_fs("AKIDEXAMPLE", "s3cr3t-k3y-for-tests");
    server.create_bucket("reports");
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "10");
    let endpoint = server.endpoint();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "s3cr3t-k3y-for-tests"),
    ];
    let o = run_env(
        &[
            "presign",
            "--method",
            "put",
            "--bucket",
            "reports",
            "--key",
            "r.zip",
            "--expires",
            "1",
            "--s3-endpoint",
            &endpoint,
        ],
        &env,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let url = stdout(&o).trim().to_string();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let out = tmp.path().join("report");
    let mut args = vec![
        csv.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--upload-s3",
        "--upload-url",
        &url,
        "--quiet",
    ];
    args.extend(PERIOD);
    let o = run_env(&args, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.to_lowercase().contains("expired"), "{err}");
    let query = url.split_once('?').unwrap().1;
    let signature = query.split("X-Amz-Signature=").nth(1).unwrap();
    assert!(!err.contains(query) && !err.contains(signature), "{err}");
    assert!(out.join("fasts.json").is_file(), "files are kept");
}

/// SPEC §2d: an input in which none of the nine tables is found (a
/// picture, an unrelated CSV, an empty zip) is one `error:` line naming
/// what was given and what was expected, exit status 2, nothing written.
#[test]
fn an_input_without_export_tables_is_an_error_not_a_report_of_zeros() {
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("photo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let people = tmp.path().join("people.csv");
    std::fs::write(&people, "name,age\nAna,30\n").unwrap();
    let empty_zip = tmp.path().join("empty.zip");
    zip::ZipWriter::new(std::fs::File::create(&empty_zip).unwrap())
        .finish()
        .unwrap();
    for input in [&png, &people, &empty_zip] {
        let out = tmp.path().join("out");
        let o = run(&[
            input.to_str().unwrap(),
            "--output-dir",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!(
                "error: no export tables found in {}: expected files such as auth_user.csv or a dumpdata .json",
                input.display()
            )),
            "{err}"
        );
        assert!(!out.exists(), "nothing written for {}", input.display());
    }
}

/// SPEC §2d: a bundle with 2 of the 9 tables gives one warning per
/// missing table naming the data sets it feeds, and the report's files say
/// "needs <file>" where a figure needs one, instead of a zero.
#[test]
fn missing_tables_are_warned_about_and_their_figures_say_what_they_need() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    let partial = tmp.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    for name in ["auth_user.csv", "hub_fast.csv"] {
        std::fs::copy(csv.join(name), partial.join(name)).unwrap();
    }
    let out = tmp.path().join("out");
    let mut args = vec![
        partial.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--insights",
        "--html",
    ];
    args.extend(PERIOD);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let missing: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": not in the export files"))
        .collect();
    assert_eq!(missing.len(), 7, "{err}");
    assert!(err.contains(
        "warning: events_event.csv: not in the export files; fasts, user_fast_participation, other_metrics, activity_heatmap, fast_retention, period_comparison, daily_activity, app_usage, fast_calendar, fast_daily and fast_editions are made without it\n"
    ), "{err}");
    assert!(err.contains("warning: events_useractivityfeed.csv: not in the export files; user_activity, user_activity_timeline, retention_cohorts, other_metrics, retention_matrix, activity_heatmap, user_engagement, period_comparison and daily_activity are made without it\n"), "{err}");
    for present in ["auth_user.csv: not", "hub_fast.csv: not"] {
        assert!(!err.contains(present), "{err}");
    }

    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("| Active users (`active_users`) | Needs events_useractivityfeed.csv | Needs events_useractivityfeed.csv | |"), "{summary}");
    assert!(
        summary.contains("| Events (`events`) | Needs events_eventtype.csv and events_event.csv |"),
        "{summary}"
    );
    // New users come from auth_user.csv, which is there: a figure.
    assert!(
        summary.contains("| New users (`new_users`) | "),
        "{summary}"
    );
    assert!(
        !summary.contains("| New users (`new_users`) | Needs"),
        "{summary}"
    );
    assert!(
        summary.contains("## Top screens\n\nNeeds events_eventtype.csv and events_event.csv.\n"),
        "{summary}"
    );
    assert!(
        summary.contains("## Users at risk\n\nNeeds events_useractivityfeed.csv.\n"),
        "{summary}"
    );
    assert!(
        summary.contains("- events_event.csv: not in the export files"),
        "{summary}"
    );

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("<td class=\"num\">needs events_useractivityfeed.csv</td>"),
        "active users in report.html"
    );
    assert!(html.contains("<figcaption>Top screens</figcaption><p class=\"needs\">needs events_eventtype.csv and events_event.csv</p>"));
    assert!(html.contains("<figcaption>Retention by week since joining</figcaption><p class=\"needs\">needs events_useractivityfeed.csv</p>"));
    assert!(html.contains("<h3>User activity <span class=\"name\">(user_activity)</span></h3><p class=\"needs\">Made without events_useractivityfeed.csv (not among the export files): what those files hold is missing here, not zero.</p>"));
    assert!(html.contains("<h3>New users over time <span class=\"name\">(new_users_over_time)</span></h3><p class=\"count\">"));
    // The chart of a table that is there is drawn.
    assert!(html.contains("<figure class=\"chart\"><figcaption>New users per day</figcaption><svg"));
}

/// SPEC §2d: a file cut off in the middle of a row is named as such; with
/// --skip-bad-rows the report goes on and its files say it was incomplete.
#[test]
fn a_cut_off_file_is_named_incomplete_and_the_report_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = demo(tmp.path(), "20");
    let events = csv.join("events_event.csv");
    let mut text = std::fs::read(&events).unwrap();
    text.truncate(text.len() - 9);
    let line = 1 + text.iter().filter(|&&b| b == b'\n').count();
    std::fs::write(&events, &text).unwrap();
    let out = tmp.path().join("out");
    let mut args = vec![csv.to_str().unwrap(), "--output-dir", out.to_str().unwrap()];
    args.extend(PERIOD);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let place = format!("line {}", engagement_engine::load::grouped(line as u64));
    assert_eq!(
        err,
        format!(
            "error: {} ends in the middle of {place}: the file is incomplete, export it again; or go on without the row cut off using --skip-bad-rows\n",
            events.display()
        )
    );
    assert!(!out.exists());
    args.extend(["--skip-bad-rows", "--insights", "--html"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = format!(
        "events_event.csv: 1 row where the file ends is cut off (the file is incomplete: it ends in the middle of {place}; export it again); left out"
    );
    assert!(stderr(&o).contains(&said), "{}", stderr(&o));
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains(&format!("- {said}")), "{summary}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(&said), "report.html's warnings");
}
