//! What the examples share: loading a folder of CSV tables as the page's
//! worker does.

use std::io::Read;

use engagement_engine::load::{classify, Bundle, Limits, Loaded};

/// Loads the `.csv` files of `dir`, in name order, one after another on one
/// thread, each pushed in 8 MiB slices, as the worker does; panics on any
/// error (these are measuring tools, not the product).
pub fn load_csv_folder(dir: &str) -> Loaded {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
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
        let mut source = std::fs::File::open(&path).unwrap();
        file.expect_bytes(source.metadata().unwrap().len());
        loop {
            let n = source.read(&mut slice).unwrap();
            if n == 0 {
                break;
            }
            file.push(&slice[..n]).unwrap();
        }
        bundle.close(file).unwrap();
    }
    bundle.finish().unwrap()
}
