//! Replays every input in `tests/corpus/fuzz-regressions/<target>/` the way
//! the cargo-fuzz target of that name does (see `fuzz/fuzz_targets/`), so
//! crashes found by fuzzing stay fixed without cargo-fuzz installed.

use std::path::{Path, PathBuf};

use engagement_engine::load::{Bundle, Limits, LoadError, LoadErrorKind, Loaded, Table};
use engagement_engine::period::Period;
use engagement_engine::timestamp::Timestamp;
use engagement_engine::{export, metrics};

fn limits() -> Limits {
    Limits {
        max_field_bytes: 1 << 20,
        max_unzipped_bytes: 32 << 20,
        max_json_depth: 64,
    }
}

fn chunk_size(selector: u8) -> usize {
    match selector % 4 {
        0 => 1,
        1 => 7,
        2 => 64,
        _ => 1 << 16,
    }
}

/// Pushes `data` into `name` in chunks; `Err` with the message of an error
/// that stops the file (one that does not depend on skipping bad rows).
fn push_file(bundle: &mut Bundle, name: &str, data: &[u8], chunk: usize) -> Result<(), String> {
    let Some(mut file) = bundle.open(name) else {
        return Ok(());
    };
    for c in data.chunks(chunk.max(1)) {
        if let Err(e) = file.push(c) {
            assert!(e.to_string().starts_with(name), "{e}");
            return Err(e.to_string());
        }
    }
    bundle.close(file).map_err(|e| {
        assert!(e.to_string().starts_with(name), "{e}");
        e.to_string()
    })
}

/// Loads the input of a loader target, strictly or skipping bad rows.
fn load(target: &str, data: &[u8], skip: bool) -> Result<Result<Loaded, LoadError>, String> {
    let mut bundle = Bundle::new(limits()).skip_bad_rows(skip);
    match target {
        "csv_table" => {
            let Some((&selector, body)) = data.split_first() else {
                return Err("no input".into());
            };
            let table = Table::ALL[usize::from(selector >> 4) % Table::ALL.len()];
            push_file(&mut bundle, table.file_name(), body, chunk_size(selector))?;
        }
        "dumpdata" => {
            let Some((&selector, body)) = data.split_first() else {
                return Err("no input".into());
            };
            push_file(&mut bundle, "dump.json", body, chunk_size(selector))?;
        }
        "zip_input" => bundle.add_zip("bundle.zip", data).map_err(|e| {
            assert!(e.to_string().starts_with("bundle.zip"), "{e}");
            e.to_string()
        })?,
        other => panic!("no loader target {other}"),
    }
    Ok(bundle.finish())
}

/// The two ways of loading agree: the same file errors; and the rows that
/// skipping leaves out are exactly those a strict load refuses, with the
/// same count and the same counted warnings.
fn check_skip_agrees(
    strict: &Result<Result<Loaded, LoadError>, String>,
    lenient: &Result<Result<Loaded, LoadError>, String>,
) {
    match (strict, lenient) {
        (Err(a), Err(b)) => assert_eq!(a, b),
        (Ok(strict), Ok(Ok(lenient))) if lenient.rows_left_out() == 0 => {
            let strict = strict
                .as_ref()
                .expect("no malformed rows, so a strict load succeeds");
            let text = |l: &Loaded| l.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
            assert_eq!(text(strict), text(lenient));
        }
        (Ok(Err(e)), Ok(Ok(lenient))) => {
            let LoadErrorKind::MalformedRows(m) = &e.kind else {
                panic!("a strict load fails for another reason than malformed rows: {e}");
            };
            assert_eq!(m.total, lenient.rows_left_out(), "{e}");
            for kind in &m.kinds {
                assert!(
                    lenient.warnings.contains(kind),
                    "{kind} is not a warning when skipping"
                );
            }
            assert_eq!(m.kinds.iter().map(|k| k.count).sum::<u64>(), m.total);
        }
        (Ok(Err(a)), Ok(Err(b))) => assert_eq!(a, b),
        (a, b) => panic!(
            "strict {:?} but skipping {:?}",
            a.as_ref().map(|r| r.as_ref().err()),
            b.as_ref().map(|r| r.as_ref().err())
        ),
    }
}

fn finish(loaded: &Loaded) {
    for w in &loaded.warnings {
        let _ = w.to_string();
    }
    for (start, end, tz) in [
        ("2024-01-01", "2025-12-31", "UTC"),
        ("1970-01-01", "1970-01-02", "Pacific/Kiritimati"),
    ] {
        let period =
            Period::from_options(Some(start), Some(end), Some(tz), Default::default()).unwrap();
        let report = metrics::compute(&loaded.dataset, &period);
        let _ = export::consolidated_json(&report);
        let _ = export::files(&report, export::Format::Csv);
        let _ = export::files(&report, export::Format::Json);
    }
}

fn replay(target: &str, data: &[u8]) {
    match target {
        "csv_table" | "dumpdata" | "zip_input" => {
            let strict = load(target, data, false);
            let lenient = load(target, data, true);
            check_skip_agrees(&strict, &lenient);
            // The report runs on whatever loads, malformed rows left out,
            // as the fuzz targets run it.
            if let Ok(Ok(loaded)) = &lenient {
                finish(loaded);
            }
        }
        "timestamp" => {
            let text = String::from_utf8_lossy(data);
            if let Ok(ts) = Timestamp::parse(&text) {
                let written = ts.to_rfc3339();
                let plain_year = written.len() > 4
                    && written.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                    && written.as_bytes()[4] == b'-';
                if plain_year {
                    assert_eq!(Timestamp::parse(&written), Ok(ts), "{text:?} -> {written}");
                }
            }
        }
        other => panic!("no fuzz target {other}"),
    }
}

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/fuzz-regressions")
}

#[test]
fn fuzz_regressions() {
    let mut replayed = 0;
    for target in ["csv_table", "dumpdata", "zip_input", "timestamp"] {
        let Ok(dir) = std::fs::read_dir(regressions_dir().join(target)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            if file
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            let data = std::fs::read(&file).unwrap();
            let result = std::panic::catch_unwind(|| replay(target, &data));
            assert!(result.is_ok(), "{} panics again", file.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} fuzz regression inputs");
}

/// The seeds of the fuzz targets go through the same replay (a quick smoke
/// test that the replay matches what the targets accept).
#[test]
fn fuzz_seeds_replay() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    for target in ["csv_table", "dumpdata", "zip_input", "timestamp"] {
        for e in std::fs::read_dir(seeds.join(target)).unwrap() {
            let data = std::fs::read(e.unwrap().path()).unwrap();
            replay(target, &data);
        }
    }
}
