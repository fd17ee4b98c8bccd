//! The dumpdata loader: random bytes as `dump.json`, pushed in chunks, then
//! resolved and run through the report.
#![no_main]

use engagement_engine::load::Bundle;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let mut bundle = Bundle::new(common::limits()).skip_bad_rows(true);
    common::push_file(&mut bundle, "dump.json", body, common::chunk_size(selector));
    common::finish(bundle);
});
