//! Loads a folder of CSV tables the way the page's worker does: one file
//! after another, in name order, in 8 MiB slices, each loader told its
//! file's size, one thread. Natively, so a heap profiler can say where the
//! load's peak is (the page's wasm heap never shrinks, so that peak is what
//! a tab must hold):
//!
//! ```text
//! cargo build --release -p engagement-engine --example load_like_page
//! heaptrack target/release/examples/load_like_page bench/data/L/csv
//! heaptrack target/release/examples/load_like_page bench/data/L/csv 2025-06-01 2025-06-30
//! ```
//!
//! With a start and an end date, it then computes that period's report and
//! insights (UTC), as the page does once the data is loaded; the root
//! package's `worker_like` example adds the page's table store.
use std::io::Read;

use engagement_engine::load::{classify, Bundle, Limits};
use engagement_engine::period::{parse_date, parse_time_zone, Period};
use engagement_engine::{insights, metrics};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: load_like_page FOLDER-OF-CSV-TABLES [START END]");
        std::process::exit(2);
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    let mut bundle = Bundle::new(Limits::default());
    let mut slice = vec![0u8; 8 << 20];
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(mut file) = bundle.open_as(&name, classify(&name, None)) else {
            continue;
        };
        let mut source = std::fs::File::open(&path).expect("a readable file");
        file.expect_bytes(source.metadata().expect("file metadata").len());
        loop {
            let n = source.read(&mut slice).expect("reading the file");
            if n == 0 {
                break;
            }
            file.push(&slice[..n]).expect("the file loads");
        }
        bundle.close(file).expect("the file loads");
    }
    let loaded = bundle.finish().expect("the bundle resolves");
    println!(
        "{} users, {} events, {} feed items",
        loaded.dataset.users.len(),
        loaded.dataset.events.len(),
        loaded.dataset.feed.len()
    );
    if let [_, start, end] = &args[..] {
        let period = Period::new(
            parse_date("start", start).expect("a start date"),
            parse_date("end", end).expect("an end date"),
            parse_time_zone("UTC").expect("UTC"),
        )
        .expect("a period");
        let report = metrics::compute(&loaded.dataset, &period);
        let insights = insights::compute(
            &loaded.dataset,
            &period,
            &report,
            &Default::default(),
            &loaded.warnings,
        );
        println!(
            "{} timeline rows, {} participation rows, brief of {} bytes",
            report.user_activity_timeline.len(),
            report.user_fast_participation.len(),
            insights.summary_md.len()
        );
    }
}
