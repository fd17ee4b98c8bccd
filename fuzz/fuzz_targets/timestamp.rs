//! The timestamp parser: never panics, and what it reads writes back as
//! RFC 3339 that reads to the same instant (years 0000-9999).
#![no_main]

use engagement_engine::timestamp::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Timestamp::parse(&text) {
        Ok(ts) => {
            let written = ts.to_rfc3339();
            // Instants that an offset pushes out of years 0000-9999 have no
            // four-digit year to write back; only these must round-trip.
            let year = &written.as_bytes()[..4];
            if written.starts_with('-')
                || written.as_bytes()[4] != b'-'
                || !year.iter().all(u8::is_ascii_digit)
            {
                return;
            }
            let again = Timestamp::parse(&written)
                .unwrap_or_else(|e| panic!("{text:?} -> {written:?} does not parse back: {e}"));
            assert_eq!(again, ts, "{text:?} -> {written:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
