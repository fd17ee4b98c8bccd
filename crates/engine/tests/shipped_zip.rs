//! The zip `cargo test` builds is the shipped one, byte for byte.
//!
//! Deflate output depends on flate2's backend, which Cargo's feature
//! unification picks for the whole build: one dev-dependency that turns on
//! another backend would make every test compress differently from the
//! shipped CLI and page, and the tests comparing the page's zip with the
//! CLI's would compare two wrong zips. So the worked example's zip is
//! compared with the SHA-256 that `sha256sum` gave for the release CLI's
//! zip (`tests/fixtures/tiny/expected_zip_json_UTC_2024-12-22_2025-01-20.sha256`,
//! from `engagement-report tests/fixtures/tiny/csv --start 2024-12-22 --end
//! 2025-01-20 --timezone UTC --zip`). The CLI's own test
//! (`crates/cli/tests/cli.rs`) checks its binary against the same file.

use sha2::{Digest, Sha256};

use engagement_engine::export;
use engagement_engine::period::Period;

#[allow(dead_code)]
mod common;

/// The release CLI's SHA-256 of the worked example's zip, from the fixture.
fn release_sha256() -> String {
    let path = common::fixture("tiny").join("expected_zip_json_UTC_2024-12-22_2025-01-20.sha256");
    let text = std::fs::read_to_string(path).unwrap();
    text.split_whitespace().next().unwrap().to_string()
}

#[test]
fn the_worked_examples_zip_is_the_release_clis_byte_for_byte() {
    let loaded = common::load_folder(&common::fixture("tiny").join("csv"));
    let period = Period::from_options(
        Some("2024-12-22"),
        Some("2025-01-20"),
        Some("UTC"),
        Default::default(),
    )
    .unwrap();
    let report = engagement_engine::metrics::compute(&loaded.dataset, &period);
    let zip = export::zip(&export::files(&report, export::Format::Json));
    let got: String = Sha256::digest(&zip)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        got,
        release_sha256(),
        "the zip built under `cargo test` is not the release CLI's: is another \
         flate2 backend on (`cargo tree -e features -i flate2`)?"
    );
}
