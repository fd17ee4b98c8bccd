//! `--insights`, `--exclude-staff` and `--church` end to end, on the worked
//! example of SPEC §7/§8 (tests/fixtures/tiny-insights).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use engagement_engine::export::{DATA_SETS, INSIGHT_DATA_SETS, SUMMARY_FILE};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");
const PERIOD: [&str; 4] = ["--start", "2024-12-22", "--end", "2025-01-20"];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny-insights/csv")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs on the fixture (or `input`) with the example's period.
fn report(input: &Path, extra: &[&str]) -> Output {
    let mut args = vec![input.to_str().unwrap()];
    args.extend(PERIOD);
    args.extend(extra);
    run(&args)
}

/// Names and bytes of a zip's entries, in the zip's order.
fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// A copy of the fixture with `column` removed from the CSV `table`.
fn without_column(dir: &Path, table: &str, column: &str) -> PathBuf {
    let out = dir.join(format!("without-{column}"));
    std::fs::create_dir_all(&out).unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if name != table {
            std::fs::write(out.join(&name), bytes).unwrap();
            continue;
        }
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let header = reader.headers().unwrap().clone();
        let skip = header.iter().position(|h| h == column).unwrap();
        let mut writer = csv::Writer::from_path(out.join(&name)).unwrap();
        let keep = |r: &csv::StringRecord| -> Vec<String> {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, v)| v.to_string())
                .collect()
        };
        writer.write_record(keep(&header)).unwrap();
        for record in reader.records() {
            writer.write_record(keep(&record.unwrap())).unwrap();
        }
        writer.flush().unwrap();
    }
    out
}

#[test]
fn insights_are_written_zipped_and_in_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let o = report(
        &fixture(),
        &["--insights", "--output-dir", out.to_str().unwrap(), "--zip"],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // The seven files, the five insight files and summary.md, all at the
    // zip's root, byte for byte.
    let mut expected: Vec<String> = DATA_SETS.iter().map(|n| format!("{n}.json")).collect();
    expected.extend(INSIGHT_DATA_SETS.iter().map(|n| format!("{n}.json")));
    expected.push(SUMMARY_FILE.to_string());
    let entries = zip_entries(&out.join("engagement_2024-12-22_to_2025-01-20.zip"));
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, expected);
    for (name, bytes) in &entries {
        assert_eq!(bytes, &std::fs::read(out.join(name)).unwrap(), "{name}");
    }
    let summary = std::fs::read_to_string(out.join(SUMMARY_FILE)).unwrap();
    assert!(summary.len() < 8192);
    assert!(summary.contains("- Period: 2024-12-22 to 2025-01-20 (30 days), time zone UTC."));

    // --stdout: the same data sets under "insights", and the same brief.
    let o = report(&fixture(), &["--insights", "--stdout", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    for name in INSIGHT_DATA_SETS {
        let file: Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{name}.json"))).unwrap())
                .unwrap();
        assert_eq!(all["insights"][name], file, "{name}");
    }
    assert_eq!(all["insights"]["summary_md"], summary.as_str());
    assert_eq!(
        all["insights"]["activity_heatmap"]
            .as_array()
            .unwrap()
            .len(),
        168
    );
    assert!(all["range"].get("segment").is_none());

    // Without --insights: neither files nor key.
    let o = report(&fixture(), &["--stdout", "--quiet"]);
    let plain: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(plain.get("insights").is_none());
    for key in DATA_SETS {
        assert_eq!(plain[key], all[key], "{key}");
    }
}

#[test]
fn insights_in_csv_format() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("csv");
    let o = report(
        &fixture(),
        &[
            "--insights",
            "--format",
            "csv",
            "--output-dir",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = |name: &str| -> (Vec<String>, Vec<csv::StringRecord>) {
        let mut r = csv::Reader::from_path(out.join(name)).unwrap();
        let header = r.headers().unwrap().iter().map(String::from).collect();
        (header, r.records().map(Result::unwrap).collect())
    };
    let (header, comparison) = rows("period_comparison.csv");
    assert_eq!(
        header,
        ["metric", "current", "previous", "change", "change_pct"]
    );
    // As the example says: 10 new users against 4, +6, +150 %.
    assert_eq!(
        &comparison[0].iter().collect::<Vec<_>>(),
        &["new_users", "10", "4", "6", "150.0"]
    );
    assert_eq!(comparison.len(), 9);
    let (header, matrix) = rows("retention_matrix.csv");
    assert_eq!(header.len(), 4 + 2 * 13);
    // The newest cohort (2025-W04) lists week 0 only.
    assert_eq!(&matrix[0][0], "2025-W04");
    assert_eq!(&matrix[0][3], "0");
    assert_eq!((&matrix[0][4], &matrix[0][6]), ("0", ""));
    assert_eq!(rows("activity_heatmap.csv").1.len(), 168);
    let (_, engagement) = rows("user_engagement.csv");
    assert!(
        engagement.iter().all(|r| !r[1].starts_with('=')),
        "formulas guarded"
    );
    assert_eq!(rows("fast_retention.csv").1.len(), 8);
    assert!(out.join(SUMMARY_FILE).is_file());
    assert!(out.join("other_metrics.json").is_file());
}

#[test]
fn exclude_staff_says_how_many_and_names_the_segment() {
    let o = report(&fixture(), &["--exclude-staff", "--stdout"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("notice: excluded 4 staff users (is_staff or is_superuser)")),
        "{err}"
    );
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        all["range"]["segment"],
        serde_json::json!({"exclude_staff": true, "church_id": null})
    );
    // Users 104 and 122 are staff, 110 and 140 superusers.
    let ids: Vec<i64> = all["user_activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user_id"].as_i64().unwrap())
        .collect();
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|id| ![104, 110, 122, 140].contains(id)),
        "{ids:?}"
    );

    // --quiet: no notice.
    let o = report(&fixture(), &["--exclude-staff", "--stdout", "--quiet"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

#[test]
fn one_church_with_insights_in_the_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("church");
    let o = report(
        &fixture(),
        &[
            "--church",
            "2",
            "--exclude-staff",
            "--insights",
            "--output-dir",
            out.to_str().unwrap(),
            "--zip",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let fasts: Value =
        serde_json::from_slice(&std::fs::read(out.join("fasts.json")).unwrap()).unwrap();
    let ids: Vec<i64> = fasts
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fast_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [16, 19], "church 2's fasts");
    let summary = std::fs::read_to_string(out.join(SUMMARY_FILE)).unwrap();
    assert!(
        summary.contains(
            "- Segment: staff excluded (4 users left out); church `Սուրբ Հովհաննես` (id 2) only."
        ),
        "{summary}"
    );
    let entries = zip_entries(&out.join("engagement_2024-12-22_to_2025-01-20.zip"));
    // The seven data sets, ten insight data sets and summary.md.
    assert_eq!(entries.len(), 18);
    assert!(entries.iter().any(|(n, _)| n == "fast_retention.json"));
    assert!(entries.iter().any(|(n, _)| n == "fast_editions.json"));
}

#[test]
fn an_unknown_church_lists_the_churches_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let o = report(
        &fixture(),
        &[
            "--church",
            "4",
            "--output-dir",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(
        err,
        "error: church 4 is not in the export files; expected one of: 1 (St. Mary Church), 2 (Սուրբ Հովհաննես), 3 (Holy Trinity, Fresno), 5 (St. Gregory)\n"
    );
    assert!(!out.exists());
    let o = report(&fixture(), &["--church", "two"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_missing_segment_column_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let input = without_column(tmp.path(), "auth_user.csv", "is_staff");
    let o = report(
        &input,
        &[
            "--exclude-staff",
            "--output-dir",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: ")
            && err.contains("auth_user.csv has no `is_staff` column")
            && err
                .contains("excluding staff needs the auth_user columns is_staff and is_superuser"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!out.exists());
    // The column is needed only with the option.
    let o = report(&input, &["--stdout", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let input = without_column(tmp.path(), "hub_profile.csv", "church_id");
    let o = report(&input, &["--church", "1", "--stdout", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("hub_profile.csv has no `church_id` column"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn help_documents_the_new_options() {
    let o = run(&["--help"]);
    let help = String::from_utf8(o.stdout).unwrap();
    for option in ["--insights", "--exclude-staff", "--church <ID>"] {
        assert!(help.contains(option), "--help lacks {option}");
    }
    assert!(
        help.contains("--insights --exclude-staff --church 2"),
        "an example"
    );
    // --insights names every file it writes, those of SPEC §11 too.
    for name in INSIGHT_DATA_SETS {
        assert!(help.contains(name), "--help does not name {name}");
    }
}

/// `--preset last-month` reports the whole calendar month before today's
/// and compares it with the month before that (SPEC §3, §7.5), not with the
/// same number of days; `--preset` and `--start` together are refused.
#[test]
fn last_month_preset_compares_whole_months() {
    use engagement_engine::period::parse_date;
    let input = fixture();
    let o = run(&[
        input.to_str().unwrap(),
        "--preset",
        "last-month",
        "--insights",
        "--stdout",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let date = |v: &Value| parse_date("test", v.as_str().unwrap()).unwrap();
    let (start, end) = (
        date(&report["range"]["start"]),
        date(&report["range"]["end"]),
    );
    // A whole month: from a 1st to the day before the next 1st.
    assert!(start.to_string().ends_with("-01"), "{start}");
    assert!(
        end.succ_opt().unwrap().to_string().ends_with("-01"),
        "{end}"
    );
    assert_eq!(&start.to_string()[..7], &end.to_string()[..7]);
    let comparison = &report["insights"]["period_comparison"];
    assert_eq!(comparison["current"]["start"], report["range"]["start"]);
    let (prev_start, prev_end) = (
        date(&comparison["previous"]["start"]),
        date(&comparison["previous"]["end"]),
    );
    // The month before: it ends the day before `start` and starts on its 1st.
    assert_eq!(prev_end.succ_opt(), Some(start));
    assert!(prev_start.to_string().ends_with("-01"), "{prev_start}");
    assert_eq!(&prev_start.to_string()[..7], &prev_end.to_string()[..7]);

    let both = run(&[
        input.to_str().unwrap(),
        "--preset",
        "last-month",
        "--start",
        "2025-01-01",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("--start"), "{}", stderr(&both));
    let unknown = run(&[input.to_str().unwrap(), "--preset", "last-week"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("last-month"),
        "the error lists the presets: {}",
        stderr(&unknown)
    );
}
