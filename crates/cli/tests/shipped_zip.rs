//! The binary `cargo test` builds writes the release CLI's zip, byte for
//! byte: the worked example's zip against the SHA-256 that `sha256sum` gave
//! for the release build's
//! (`tests/fixtures/tiny/expected_zip_json_UTC_2024-12-22_2025-01-20.sha256`).
//! A test dependency that switched flate2 to another backend (Cargo unifies
//! the features of one build, `cargo test --workspace` included) would make
//! every test of zip bytes compare zips that are not the shipped ones; the
//! engine's `tests/shipped_zip.rs` checks its in-process zip the same way.

use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");

#[test]
fn the_worked_examples_zip_is_the_release_clis_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tiny = root.join("tests/fixtures/tiny");
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .arg(tiny.join("csv"))
        .args(["--start", "2024-12-22", "--end", "2025-01-20"])
        .args(["--timezone", "UTC", "--zip", "--output-dir"])
        .arg(out.path())
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let zip = std::fs::read(out.path().join("engagement_2024-12-22_to_2025-01-20.zip")).unwrap();
    let got: String = Sha256::digest(&zip)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let pinned =
        std::fs::read_to_string(tiny.join("expected_zip_json_UTC_2024-12-22_2025-01-20.sha256"))
            .unwrap();
    assert_eq!(
        Some(got.as_str()),
        pinned.split_whitespace().next(),
        "the zip of the binary built under `cargo test` is not the release CLI's: \
         is another flate2 backend on (`cargo tree -e features -i flate2`)?"
    );
}
