//! The worked example of SPEC.md (tests/fixtures/tiny): the engine's report
//! must equal each expected report, compared by value as the example's
//! README says (numbers as numbers within 0.01, timestamps as instants).

use std::path::PathBuf;

use engagement_engine::load::{Bundle, Limits};
use engagement_engine::period::Period;
use engagement_engine::{export, metrics};
use serde_json::Value;

mod common;
use common::diff;

fn fixture(path: &str) -> PathBuf {
    common::fixture("tiny").join(path)
}

fn load_csv_folder() -> engagement_engine::load::Loaded {
    common::load_folder(&fixture("csv"))
}

fn load_dump() -> engagement_engine::load::Loaded {
    let mut bundle = Bundle::new(Limits::default());
    let bytes = std::fs::read(fixture("dump.json")).unwrap();
    // Pushed in odd-sized chunks, as a browser stream would deliver it.
    let mut file = bundle.open("dump.json").unwrap();
    for chunk in bytes.chunks(4093) {
        file.push(chunk).unwrap();
    }
    bundle.close(file).unwrap();
    bundle.finish().unwrap()
}

fn report_json(
    loaded: &engagement_engine::load::Loaded,
    start: &str,
    end: &str,
    tz: &str,
) -> Value {
    let period =
        Period::from_options(Some(start), Some(end), Some(tz), Default::default()).unwrap();
    let report = metrics::compute(&loaded.dataset, &period);
    serde_json::from_slice(&export::consolidated_json(&report)).unwrap()
}

fn assert_matches(got: &Value, expected_file: &str) {
    let want: Value =
        serde_json::from_slice(&std::fs::read(fixture(expected_file)).unwrap()).unwrap();
    let mut out = Vec::new();
    diff("", got, &want, &mut out);
    assert!(
        out.is_empty(),
        "{expected_file}: {} differences:\n{}",
        out.len(),
        out.join("\n")
    );
}

#[test]
fn csv_utc() {
    let loaded = load_csv_folder();
    assert_matches(
        &report_json(&loaded, "2024-12-22", "2025-01-20", "UTC"),
        "expected_csv_UTC_2024-12-22_2025-01-20.json",
    );
}

#[test]
fn csv_los_angeles() {
    let loaded = load_csv_folder();
    assert_matches(
        &report_json(&loaded, "2024-11-01", "2025-01-31", "America/Los_Angeles"),
        "expected_csv_America-Los_Angeles_2024-11-01_2025-01-31.json",
    );
}

#[test]
fn dump_utc() {
    let loaded = load_dump();
    assert_matches(
        &report_json(&loaded, "2024-12-22", "2025-01-20", "UTC"),
        "expected_dump_UTC_2024-12-22_2025-01-20.json",
    );
}

#[test]
fn warnings_name_what_the_example_leaves_out() {
    // The example's dangling references (SPEC §2d: warnings, never
    // errors): fast 38 "Orphan Fast" points at church 99, which is not in
    // hub_church.csv; events 1888 and 1890 are joins of fast 777, which is
    // not in hub_fast.csv. Nothing in it is malformed.
    for (loaded, fasts, events) in [
        (load_csv_folder(), "hub_fast.csv", "events_event.csv"),
        (load_dump(), "dump.json", "dump.json"),
    ] {
        let text: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            text,
            [
                format!("{fasts}: 1 fasts reference churches not in the export files; shown without a church"),
                format!("{events}: 2 join/leave events have no known user or fast; left out of user_fast_participation"),
            ]
        );
        assert_eq!(loaded.rows_left_out(), 0);
    }
}
