//! The CSV table loader: random bytes as one of the nine tables, pushed in
//! chunks, then resolved and run through the report.
#![no_main]

use engagement_engine::load::{Bundle, Table};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let table = Table::ALL[usize::from(selector >> 4) % Table::ALL.len()];
    let mut bundle = Bundle::new(common::limits()).skip_bad_rows(true);
    common::push_file(
        &mut bundle,
        table.file_name(),
        body,
        common::chunk_size(selector),
    );
    common::finish(bundle);
});
