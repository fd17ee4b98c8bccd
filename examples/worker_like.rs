//! What the page's worker holds for a report, natively, for heap profiles:
//! loads a folder of CSV tables as the worker does (one file after
//! another, 8 MiB slices, one thread), then computes a period's report,
//! insights, table store and summary (UTC), as the worker does after a
//! load. The wasm heap never shrinks, so the peak of this run is about what
//! a tab must hold (wasm's pointers are half as wide):
//!
//! ```text
//! cargo build --release --example worker_like
//! heaptrack target/release/examples/worker_like bench/data/L/csv 2025-06-01 2025-06-30
//! heaptrack target/release/examples/worker_like bench/data/L/csv   # the load alone
//! ```

mod common;

use engagement_engine::period::{parse_date, parse_time_zone, Period};
use engagement_engine::{insights, metrics};
use engagement_report_web::summary::summarize;
use engagement_report_web::table_store::TableStore;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, period) = match &args[..] {
        [dir] => (dir, None),
        [dir, start, end] => (dir, Some((start, end))),
        _ => {
            eprintln!("usage: worker_like FOLDER [START END]");
            std::process::exit(2);
        }
    };
    let loaded = common::load_csv_folder(dir);
    println!(
        "{} users, {} events, {} feed items",
        loaded.dataset.users.len(),
        loaded.dataset.events.len(),
        loaded.dataset.feed.len()
    );
    let Some((start, end)) = period else {
        return;
    };
    let period = Period::new(
        parse_date("start", start).unwrap(),
        parse_date("end", end).unwrap(),
        parse_time_zone("UTC").unwrap(),
    )
    .unwrap();
    let data = &loaded.dataset;
    let participation = metrics::Participation::new(data);
    let report = metrics::compute_with(data, &period, &participation);
    let insights = insights::compute(
        data,
        &period,
        &report,
        &Default::default(),
        &loaded.warnings,
    );
    let mut store = TableStore::from_report(&report);
    store.add_insights(&insights);
    let summary = summarize(&report, &period, &store);
    println!(
        "{} tables, {} charts",
        store.tables().len(),
        summary.charts.len()
    );
}
