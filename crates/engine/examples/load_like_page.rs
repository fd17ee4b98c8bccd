//! Loads a folder of CSV tables the way the page's worker does: one file
//! after another, in name order, in 8 MiB slices, each loader told its
//! file's size, one thread. Natively, so a heap profiler can say where the
//! load's peak is (the page's wasm heap never shrinks, so that peak is what
//! a tab must hold):
//!
//! ```text
//! cargo build --release -p engagement-engine --example load_like_page
//! heaptrack target/release/examples/load_like_page bench/data/L/csv
//! ```
use std::io::Read;

use engagement_engine::load::{classify, Bundle, Limits};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: load_like_page FOLDER-OF-CSV-TABLES");
        std::process::exit(2);
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
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
}
