//! The pseudonymised run of the worked example tests/fixtures/tiny-fasts
//! (SPEC §12): with its fixed key, the consolidated report must equal the
//! expected one (compared by value, as its README says) for every data set
//! this engine writes, and `pseudonyms.csv` its bytes.

use std::path::PathBuf;

use engagement_engine::export;
use engagement_engine::insights;
use engagement_engine::metrics;
use engagement_engine::period::Period;
use engagement_engine::pseudonym::{Key, Pseudonyms};
use engagement_engine::segment::Segment;
use serde_json::Value;

mod common;
use common::diff;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn fixture(path: &str) -> PathBuf {
    common::fixture("tiny-fasts").join(path)
}

#[test]
fn utc_january_pseudonymized() {
    let loaded = common::load_folder(&fixture("csv"));
    let period = Period::from_options(
        Some("2025-01-01"),
        Some("2025-01-31"),
        Some("UTC"),
        Default::default(),
    )
    .unwrap();
    let segmented = Segment::default().apply(&loaded.dataset).unwrap();
    let data = &segmented.dataset;
    let report = metrics::compute(data, &period);
    let insights = insights::compute(data, &period, &report, &segmented.info, &loaded.warnings);
    let pseudonyms = Pseudonyms::new(&Key::from_hex(KEY).unwrap(), data).unwrap();
    let done = pseudonyms.apply(&report, Some(&insights), &loaded.warnings);
    let mut bytes = Vec::new();
    export::write_consolidated_json(
        &done.report,
        done.insights.as_ref(),
        Some(&pseudonyms),
        &mut bytes,
    )
    .unwrap();
    let mut got: Value = serde_json::from_slice(&bytes).unwrap();
    let summary = got["insights"]
        .as_object_mut()
        .unwrap()
        .remove("summary_md")
        .unwrap();
    assert!(summary
        .as_str()
        .unwrap()
        .contains("- Names: every user is shown by a pseudonym"));

    let mut want: Value = serde_json::from_slice(
        &std::fs::read(fixture(
            "expected_UTC_2025-01-01_2025-01-31_pseudonymize.json",
        ))
        .unwrap(),
    )
    .unwrap();
    // The example also holds SPEC §11's data sets and facts for summary.md:
    // compare what this engine writes.
    let want_map = want.as_object_mut().unwrap();
    want_map.remove("summary_facts");
    want_map.remove("fasts_app_facts");
    let theirs = want_map["insights"].as_object_mut().unwrap();
    let ours: Vec<&str> = got["insights"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    theirs.retain(|k, _| ours.contains(&k.as_str()));
    assert_eq!(theirs.len(), export::INSIGHT_DATA_SETS.len());

    let mut out = Vec::new();
    diff("", &got, &want, &mut out);
    assert!(
        out.is_empty(),
        "{} differences:\n{}",
        out.len(),
        out.join("\n")
    );
    assert_eq!(got["range"]["pseudonymized"], true);
    assert_eq!(got["user_activity"][0]["user_id"], "P-1028c7cf5e");

    assert_eq!(
        String::from_utf8(pseudonyms.csv()).unwrap(),
        std::fs::read_to_string(fixture("expected_pseudonyms_UTC_2025-01-01_2025-01-31.csv"))
            .unwrap()
    );
}
