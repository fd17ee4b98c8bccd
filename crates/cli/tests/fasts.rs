//! The worked example of SPEC §11 (tests/fixtures/tiny-fasts) through the
//! real binary: `--insights --stdout` on its CSV bundle must print the
//! expected consolidated report of each run, compared by value as its
//! README says (numbers within 0.01, timestamps as instants); and the
//! `--insights` files hold the §11 data sets, `app_usage` staying JSON in
//! CSV mode.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

#[allow(dead_code)]
#[path = "../../engine/tests/common/mod.rs"]
mod common;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny-fasts")
}

/// Runs the binary on the example's bundle with `args`; its stdout.
fn run(args: &[&str]) -> Vec<u8> {
    let o = Command::new(BIN)
        .arg(example().join("csv"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// `--insights --stdout` with `options` against `expected_file`, minus the
/// keys that are not output (`summary_facts`, `fasts_app_facts`) and the
/// brief (checked by the engine's example test).
fn check(expected_file: &str, options: &[&str]) {
    let mut args = vec!["--insights", "--stdout", "--quiet"];
    args.extend(options);
    let mut got: Value = serde_json::from_slice(&run(&args)).unwrap();
    let summary = got["insights"]
        .as_object_mut()
        .unwrap()
        .remove("summary_md")
        .unwrap();
    assert!(summary.as_str().unwrap().contains("## App usage and fasts"));
    let mut want: Value =
        serde_json::from_slice(&std::fs::read(example().join(expected_file)).unwrap()).unwrap();
    let want_map = want.as_object_mut().unwrap();
    want_map.remove("summary_facts").unwrap();
    want_map.remove("fasts_app_facts").unwrap();
    let mut out = Vec::new();
    common::diff("", &got, &want, &mut out);
    assert!(
        out.is_empty(),
        "{expected_file}: {} differences:\n{}",
        out.len(),
        out.join("\n")
    );
}

#[test]
fn utc_january() {
    check(
        "expected_UTC_2025-01-01_2025-01-31.json",
        &["--start", "2025-01-01", "--end", "2025-01-31"],
    );
}

#[test]
fn los_angeles_across_the_dst_change() {
    check(
        "expected_America-Los_Angeles_2024-10-20_2024-11-16.json",
        &[
            "--timezone",
            "America/Los_Angeles",
            "--start",
            "2024-10-20",
            "--end",
            "2024-11-16",
        ],
    );
}

#[test]
fn csv_files_hold_the_fasts_and_app_usage_data_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run(&[
        "--insights",
        "--format",
        "csv",
        "--quiet",
        "--start",
        "2025-01-01",
        "--end",
        "2025-01-31",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let daily = read("daily_activity.csv");
    assert_eq!(daily.lines().count(), 32, "a header and 31 days");
    assert!(daily.starts_with("date,new_users,active_users,feed_items,events,app_opens,sessions,screen_views,fast_joins,fast_leaves,net_fast_joins\n2025-01-01,0,1,3,12,1,0,7,0,0,0\n"), "{daily}");
    // app_usage stays JSON, like other_metrics.
    assert!(!out.join("app_usage.csv").exists());
    let usage: Value = serde_json::from_str(&read("app_usage.json")).unwrap();
    assert_eq!(usage["session_seconds"]["p90"], 2700.0);
    let calendar = read("fast_calendar.csv");
    assert!(
        calendar.contains(
            "\n41,Nativity Fast (2025),St. Mary Church,2025-01-13,2025-02-21,40,current,2,5,1\n"
        ),
        "{calendar}"
    );
    let daily_fast = read("fast_daily.csv");
    assert!(
        daily_fast.contains("\n41,2025-01-02,-10,1,0,1\n"),
        "{daily_fast}"
    );
    let editions = read("fast_editions.csv");
    assert!(
        editions.contains("\n41,42,0,2025-01-13,1,4,2024-01-15,1,4\n"),
        "{editions}"
    );
    assert_eq!(editions.lines().count(), 1 + 47 + 19);
}
