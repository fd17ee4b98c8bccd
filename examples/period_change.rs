//! The page's period change, natively and timed by phase: loads a folder
//! of CSV tables as the worker does (see `worker_like`), computes the
//! default report once (as the page does after a load, which fills the
//! worker's cache of data set 5), then changes
//! the period to a preset `RUNS` times (default 5) the way the worker's
//! `compute` does: segment, report, insights, table store (keeping the
//! period-free table), summary and charts. Prints each phase's median in
//! milliseconds. `DAYS=1` keeps the daily insights of every day
//! (`insights::Days`, made once after the load) and takes each period's
//! from them, which the worker does not do (see its `compute`);
//! with it, `CHECK=1` also computes each run's insights by walking the data and
//! stops if they differ from those taken from the cache (its timings
//! then include that walk).
//!
//! ```text
//! cargo build --release --example period_change
//! target/release/examples/period_change bench/data/M/csv whole-data
//! target/release/examples/period_change bench/data/M/csv last-7-days
//! ```
mod common;

use std::time::Instant;

use engagement_engine::period::{PeriodChoice, Preset};
use engagement_engine::segment::Segment;
use engagement_engine::timestamp::Timestamp;
use engagement_engine::{insights, metrics, output};
use engagement_report_web::summary::{summarize, summarize_insights};
use engagement_report_web::table_store::TableStore;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, preset] = &args[..] else {
        eprintln!("usage: period_change FOLDER PRESET (e.g. whole-data, last-7-days)");
        std::process::exit(2);
    };
    let Some(&(preset, _)) = Preset::ALL.iter().find(|(_, name)| name == preset) else {
        eprintln!("unknown preset {preset}");
        std::process::exit(2);
    };
    let runs: usize = std::env::var("RUNS").map_or(5, |r| r.parse().expect("RUNS"));
    let loaded = common::load_csv_folder(dir);
    let extent = loaded.dataset.time_extent();
    // A fixed "now" after the data, so the presets are the same every run.
    let now = extent.map_or(Timestamp(0), |(_, last)| last);
    let segment = Segment::default();
    let segmented = segment.apply(&loaded.dataset).unwrap();
    let data = &*segmented.dataset;
    let participation = metrics::Participation::new(data);

    // What the page computes after a load: the default period's tables.
    let first = PeriodChoice::default().resolve(now, extent).unwrap();
    let report = metrics::compute_with(data, &first, &participation);
    let made = Instant::now();
    let days = (std::env::var("DAYS").as_deref() == Ok("1"))
        .then(|| insights::Days::new(data, first.tz()))
        .flatten();
    let days_ms = made.elapsed().as_secs_f64() * 1e3;
    let ins = insights::compute_with(
        data,
        &first,
        &report,
        &segmented.info,
        &loaded.warnings,
        days.as_ref(),
    );
    let mut store = TableStore::from_report(&report);
    store.add_insights(&ins);
    drop((ins, report));

    let choice = PeriodChoice {
        preset: Some(preset),
        ..PeriodChoice::default()
    };
    let period = choice.resolve(now, extent).unwrap();
    let names = [
        "drop+take",
        "segment",
        "report",
        "insights",
        "tables",
        "insight tables",
        "summary",
        "insight summary",
        "insight charts",
        "total",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut rows = 0;
    for _ in 0..runs {
        let mut t = Vec::new();
        let start = Instant::now();
        let mut lap = start;
        let mut mark = |t: &mut Vec<f64>| {
            let now = Instant::now();
            t.push((now - lap).as_secs_f64() * 1e3);
            lap = now;
        };
        let mut previous = std::mem::take(&mut store);
        let kept = previous.take_period_free();
        drop(previous);
        mark(&mut t);
        let segmented = segment.apply(&loaded.dataset).unwrap();
        let data = &*segmented.dataset;
        mark(&mut t);
        let report = metrics::compute_with(data, &period, &participation);
        mark(&mut t);
        let ins = insights::compute_with(
            data,
            &period,
            &report,
            &segmented.info,
            &loaded.warnings,
            days.as_ref(),
        );
        mark(&mut t);
        if std::env::var("CHECK").as_deref() == Ok("1") {
            let walked =
                insights::compute(data, &period, &report, &segmented.info, &loaded.warnings);
            assert!(ins == walked, "the kept days changed the insights");
        }
        let mut next = TableStore::from_report_reusing(&report, kept);
        mark(&mut t);
        next.add_insights(&ins);
        mark(&mut t);
        let mut summary = summarize(&report, &period, &next);
        mark(&mut t);
        summary.insights = summarize_insights(&ins);
        mark(&mut t);
        summary.charts.extend(output::insight_charts(&ins));
        summary.charts.extend(output::fasts_app_charts(&ins));
        summary
            .charts
            .push(engagement_engine::readable::charts::app_versions(
                &ins.app_usage,
            ));
        rows = next.tables().iter().map(|t| t.len()).sum::<usize>();
        drop((ins, report));
        mark(&mut t);
        t.push((Instant::now() - start).as_secs_f64() * 1e3);
        for (all, x) in times.iter_mut().zip(t) {
            all.push(x);
        }
        store = next;
    }
    println!(
        "{} users, {} events; period {} .. {}; {} table rows; {runs} runs, median ms:",
        loaded.dataset.users.len(),
        loaded.dataset.events.len(),
        period.start(),
        period.end(),
        rows
    );
    println!(
        "  the daily insights of every day, made once after the load: {days_ms:.1} ms ({})",
        if days.is_some() { "kept" } else { "not kept" }
    );
    for (name, mut all) in names.iter().zip(times) {
        all.sort_by(f64::total_cmp);
        println!(
            "  {name:>15} {:8.1}  (min {:.1}, max {:.1})",
            all[all.len() / 2],
            all[0],
            all[all.len() - 1]
        );
    }
}
