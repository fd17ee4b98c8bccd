//! The zip reader: random bytes as `bundle.zip` through `Bundle::add_zip`,
//! then resolved and run through the report.
#![no_main]

use engagement_engine::load::Bundle;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut bundle = Bundle::new(common::limits()).skip_bad_rows(true);
    match bundle.add_zip("bundle.zip", data) {
        Ok(()) => common::finish(bundle),
        Err(e) => common::check_error(&e.to_string(), "bundle.zip"),
    }
});
