//! Property tests of the loaders: for random generated bundles the report
//! is the same, byte for byte, however the bundle arrives: CSV tables,
//! `dumpdata` JSON (plain or `--natural-foreign`), a zip of either, or
//! pushed into the loader in random chunk sizes and file orders.

use engagement_engine::demo::{self, DemoConfig};
use engagement_engine::export::{self, OutputFile};
use engagement_engine::load::{Bundle, Limits};
use engagement_engine::metrics;
use engagement_engine::period::Period;
use proptest::prelude::*;

const ZONES: [&str; 4] = [
    "UTC",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
];

fn report_json(bundle: Bundle, period: &Period) -> Vec<u8> {
    let loaded = bundle.finish().expect("a generated bundle loads");
    export::consolidated_json(&metrics::compute(&loaded.dataset, period))
}

/// Pushes `bytes` into the file `name` in chunks whose sizes cycle through
/// `sizes`.
fn push_chunked(bundle: &mut Bundle, name: &str, bytes: &[u8], sizes: &[usize]) {
    let mut file = bundle.open(name).expect("a table or dump");
    let mut rest = bytes;
    let mut k = 0;
    while !rest.is_empty() {
        let n = sizes[k % sizes.len()].clamp(1, rest.len());
        file.push(&rest[..n]).expect("a chunk loads");
        rest = &rest[n..];
        k += 1;
    }
    bundle.close(file).expect("the file closes");
}

fn zip_of(files: &[(String, Vec<u8>)], folder: &str) -> Vec<u8> {
    let files: Vec<OutputFile> = files
        .iter()
        .map(|(name, bytes)| OutputFile {
            name: format!("{folder}{name}"),
            bytes: bytes.clone(),
        })
        .collect();
    export::zip(&files)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_report_does_not_depend_on_how_the_bundle_arrives(
        users in 3u32..12,
        seed in any::<u64>(),
        zone in 0usize..ZONES.len(),
        start_day in 1u32..28,
        sizes in prop::collection::vec(1usize..300, 1..6),
        order_seed in any::<u64>(),
    ) {
        let cfg = DemoConfig { users, seed, ..DemoConfig::new(users) };
        let period = Period::from_options(
            Some(&format!("2025-01-{start_day:02}")),
            Some("2025-06-30"),
            Some(ZONES[zone]),
            Default::default(),
        ).unwrap();
        let tables = demo::csv_tables(&cfg);
        let mut dump = Vec::new();
        demo::write_dumpdata(&cfg, &mut dump).unwrap();
        let mut natural = Vec::new();
        demo::write_dumpdata_natural(&cfg, &mut natural).unwrap();

        // CSV tables, each given whole.
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in &tables {
            b.add_bytes(name, bytes).unwrap();
        }
        let expected = report_json(b, &period);
        // Not a vacuous comparison: every generated bundle has fasts, and
        // every generated user joins before the period ends, so both the
        // fasts and the cohorts are filled whatever the seed.
        let text = String::from_utf8_lossy(&expected);
        prop_assert!(text.contains("\"fast_id\"") && text.contains("\"cohort_week\""), "{}", text);

        // The same tables in another order, each in random chunk sizes.
        let mut order: Vec<usize> = (0..tables.len()).collect();
        let mut x = order_seed | 1;
        for i in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut b = Bundle::new(Limits::default());
        for &i in &order {
            push_chunked(&mut b, &tables[i].0, &tables[i].1, &sizes);
        }
        prop_assert_eq!(&report_json(b, &period), &expected, "CSV in chunks {:?}", sizes);

        // dumpdata JSON, plain and with natural keys, whole and chunked.
        for (label, bytes) in [("dump", &dump), ("natural dump", &natural)] {
            let mut b = Bundle::new(Limits::default());
            b.add_bytes("dump.json", bytes).unwrap();
            prop_assert_eq!(&report_json(b, &period), &expected, "{}", label);
            let mut b = Bundle::new(Limits::default());
            push_chunked(&mut b, "dump.json", bytes, &sizes);
            prop_assert_eq!(&report_json(b, &period), &expected, "{} in chunks {:?}", label, sizes);
        }

        // Zips: of the CSV tables in a folder, and of the dump.
        let mut b = Bundle::new(Limits::default());
        b.add_zip("tables.zip", &zip_of(&tables, "export/2025/")).unwrap();
        prop_assert_eq!(&report_json(b, &period), &expected, "zip of CSV tables");
        let mut b = Bundle::new(Limits::default());
        b.add_bytes("dump.zip", &zip_of(&[("dump.json".to_string(), natural.clone())], "")).unwrap();
        prop_assert_eq!(&report_json(b, &period), &expected, "zip of the dump");
    }
}
