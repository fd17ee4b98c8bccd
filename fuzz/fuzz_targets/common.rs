#![allow(dead_code)]

// Shared by the fuzz targets: small limits (so a run explores instead of
// filling memory) and the whole pipeline after loading, so a panic in the
// metrics or the writers on odd data is found too.

use engagement_engine::load::{Bundle, Limits, Loaded};
use engagement_engine::period::Period;
use engagement_engine::{export, metrics};

pub fn limits() -> Limits {
    Limits {
        max_field_bytes: 1 << 20,
        max_unzipped_bytes: 32 << 20,
        max_json_depth: 64,
    }
}

/// Chunk sizes taken from the first byte, so the same bytes are also
/// explored split at odd places.
pub fn chunk_size(selector: u8) -> usize {
    match selector % 4 {
        0 => 1,
        1 => 7,
        2 => 64,
        _ => 1 << 16,
    }
}

/// Pushes `data` into `name` in chunks; returns the error or the bundle.
pub fn push_file(bundle: &mut Bundle, name: &str, data: &[u8], chunk: usize) {
    let Some(mut file) = bundle.open(name) else {
        return;
    };
    for c in data.chunks(chunk.max(1)) {
        if let Err(e) = file.push(c) {
            check_error(&e.to_string(), name);
            return;
        }
    }
    if let Err(e) = bundle.close(file) {
        check_error(&e.to_string(), name);
    }
}

/// Every error names the file.
pub fn check_error(message: &str, name: &str) {
    assert!(
        message.starts_with(name),
        "error does not start with the file name {name:?}: {message}"
    );
}

/// Resolves, computes the report over a period around the data and writes
/// both formats (the zip writer reads no input, so it is left out for speed).
/// The targets load with `skip_bad_rows(true)`, so input with malformed
/// rows still reaches the report; `crates/engine/tests/fuzz_regressions.rs`
/// checks that a strict load refuses exactly the rows skipping leaves out.
pub fn finish(bundle: Bundle) {
    let loaded: Loaded = match bundle.finish() {
        Ok(l) => l,
        Err(_) => return,
    };
    for w in &loaded.warnings {
        let _ = w.to_string();
    }
    for (start, end, tz) in [
        ("2024-01-01", "2025-12-31", "UTC"),
        ("1970-01-01", "1970-01-02", "Pacific/Kiritimati"),
    ] {
        let period = Period::from_options(Some(start), Some(end), Some(tz), Default::default())
            .expect("a valid period");
        let report = metrics::compute(&loaded.dataset, &period);
        let json = export::consolidated_json(&report);
        assert!(serde_json_ok(&json));
        let _ = export::files(&report, export::Format::Csv);
        let _ = export::files(&report, export::Format::Json);
    }
}

fn serde_json_ok(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && bytes.first() == Some(&b'{')
}
