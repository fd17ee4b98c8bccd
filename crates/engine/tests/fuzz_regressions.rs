//! Replays every input in `tests/corpus/fuzz-regressions/<target>/` the way
//! the cargo-fuzz target of that name does (see `fuzz/fuzz_targets/`), with
//! the target's checks, so crashes found by fuzzing stay fixed without
//! cargo-fuzz installed. Every target's folder must hold an input, and the
//! hand-made inputs named in [`EXPECTED`] must still end the way they did
//! when their bug was fixed.

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
        let json = export::consolidated_json(&report);
        // The fuzz targets' check (`common::finish`).
        assert!(std::str::from_utf8(&json).is_ok() && json.first() == Some(&b'{'));
        let _ = export::files(&report, export::Format::Csv);
        let _ = export::files(&report, export::Format::Json);
    }
}

/// What a loader's result says, for [`EXPECTED`]: `stops: …` (the file's
/// own error), `refused: …` (the bundle's), or `loads` and the warnings.
fn outcome(result: &Result<Result<Loaded, LoadError>, String>) -> String {
    match result {
        Err(message) => format!("stops: {message}"),
        Ok(Err(e)) => format!("refused: {e}"),
        Ok(Ok(loaded)) => {
            let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
            format!("loads; {}", warnings.join("; "))
        }
    }
}

/// Replays one input as its target does, with the target's checks, and
/// says how it ended (strictly; then, for loaders, when skipping bad rows).
fn replay(target: &str, data: &[u8]) -> String {
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
            format!("{} | skipping: {}", outcome(&strict), outcome(&lenient))
        }
        "timestamp" => {
            let text = String::from_utf8_lossy(data);
            match Timestamp::parse(&text) {
                Ok(ts) => {
                    let written = ts.to_rfc3339();
                    let plain_year = written.len() > 4
                        && written.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                        && written.as_bytes()[4] == b'-';
                    if plain_year {
                        assert_eq!(Timestamp::parse(&written), Ok(ts), "{text:?} -> {written}");
                    }
                    format!("parses: {written}")
                }
                Err(e) => format!("refused: {e}"),
            }
        }
        other => panic!("no fuzz target {other}"),
    }
}

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/fuzz-regressions")
}

const TARGETS: [&str; 4] = ["csv_table", "dumpdata", "zip_input", "timestamp"];

/// Hand-made inputs (`target`, file) and pieces of how each must end
/// ([`replay`]'s text): the bug each once exercised stays fixed.
const EXPECTED: &[(&str, &str, &[&str])] = &[
    // A download cut inside a quoted field, pushed a byte at a time: the
    // quote state carried across 186 pushes still ends as "incomplete".
    (
        "csv_table",
        "feed-cut-off-inside-a-quoted-field",
        &[
            "refused: events_useractivityfeed.csv ends in the middle of line 3: the file is incomplete",
            "skipping: loads;",
            "events_useractivityfeed.csv: 1 row where the file ends is cut off",
            "found the end of the file inside a quoted field",
        ],
    ),
    (
        "csv_table",
        "feed-cut-off-mid-row",
        &[
            "refused: events_useractivityfeed.csv ends in the middle of line 3: the file is incomplete",
            "found the end of the row after 3 fields, expected at least 8 fields",
        ],
    ),
    // Two-, three- and four-byte characters and `""` split by 7-byte
    // pushes, a CRLF row end: both rows parse (and then reference users
    // that this one-table bundle lacks), no row is malformed.
    (
        "csv_table",
        "feed-utf8-and-doubled-quotes-across-chunks",
        &["loads;", "events_useractivityfeed.csv: 2 rows reference users not in the export files; left out"],
    ),
    // A byte-order mark split over three pushes: the header still has `id`.
    (
        "csv_table",
        "churches-bom-crlf-one-byte-chunks",
        &["loads; auth_user.csv: not in the export files"],
    ),
    (
        "csv_table",
        "users-latin1-byte",
        &["stops: auth_user.csv, line 2: the text is not UTF-8 (found byte 0xE9 after \"Jos\")"],
    ),
    (
        "dumpdata",
        "cut-off-inside-an-object",
        &[
            "refused: dump.json ends in the middle of its array, inside object 1: the file is incomplete",
            "dump.json: 1 object where the file ends is cut off",
        ],
    ),
    // `\"`, `\\`, `\u00eb` and multi-byte text split by 7-byte pushes.
    (
        "dumpdata",
        "utf8-and-escapes-across-chunks",
        &["loads; hub_fast.csv: not in the export files"],
    ),
    (
        "dumpdata",
        "latin1-byte-in-a-string",
        &["stops: dump.json, object 0: the text is not UTF-8 (found byte 0xE9"],
    ),
    // The overlapping zip bomb in small: two central records, one stream.
    (
        "zip_input",
        "two-entries-share-one-stream",
        &["stops: bundle.zip: the zip's entries overlap"],
    ),
    (
        "zip_input",
        "declares-more-than-deflate-can-give",
        &["stops: bundle.zip: the zip says its entries expand to 10000000 bytes, more than 1024 times its own 147 bytes"],
    ),
    (
        "zip_input",
        "cut-off-download",
        &["stops: bundle.zip: not a readable zip"],
    ),
    // Folders and a zip in the zip load; `../../hub_fast.csv` is skipped.
    (
        "zip_input",
        "folders-a-zip-in-the-zip-and-a-path-outside",
        &[
            "loads; hub_fast.csv: not in the export files",
            "bundle.zip/../../hub_fast.csv: 1 zip entry has an unsafe path (absolute or with `..`); skipped",
        ],
    ),
    // 23:59:60.5 is half a second into the next day.
    (
        "timestamp",
        "leap-second-with-fraction",
        &["parses: 2024-07-01T00:00:00.500Z"],
    ),
    // Digits past microseconds are cut, not rounded.
    (
        "timestamp",
        "fraction-past-microseconds",
        &["parses: 2024-01-15T14:23:45.123456Z"],
    ),
    // +01 at the first instant of year 0 is an hour into year -1 (written
    // as `{:04}` writes -1: "-001"; no four-digit year to read back).
    (
        "timestamp",
        "year-0000-offset-pushes-before-year-0",
        &["parses: -001-12-31T23:00:00Z"],
    ),
    // 23:59:59 at -15:59:59 is 15:59:58 UTC of the next day, year 10000.
    (
        "timestamp",
        "year-9999-offset-pushes-past-year-9999",
        &["parses: 10000-01-01T15:59:58Z"],
    ),
    // Arabic-Indic digits: refused, and the message's text is cut after 60
    // characters (not bytes) with an ellipsis.
    (
        "timestamp",
        "long-non-ascii-text",
        &["refused: found timestamp \"٢٠٢٤-٠١-١٥ ٢٠٢٤-٠١-١٥ ٢٠٢٤-٠١-١٥ ٢٠٢٤-٠١-١٥ ٢٠٢٤-٠١-١٥ ٢٠٢٤-…\""],
    ),
    (
        "timestamp",
        "bad-utf8-bytes",
        &["refused: found timestamp \"2024-01-15 14:23:45\u{fffd}\u{fffd}+00\""],
    ),
    (
        "timestamp",
        "offset-colon-after-four-digits",
        &["refused: found timestamp \"2024-01-15 14:23:45+0530:00\""],
    ),
];

#[test]
fn fuzz_regressions() {
    let mut outcomes = std::collections::BTreeMap::new();
    for target in TARGETS {
        let dir = regressions_dir().join(target);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.retain(|f| {
            f.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        });
        files.sort();
        // An empty folder would make this test pass without replaying
        // anything.
        assert!(
            !files.is_empty(),
            "{} holds no input: the target {target} would be replayed on nothing",
            dir.display()
        );
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let result = std::panic::catch_unwind(|| replay(target, &data));
            let Ok(text) = result else {
                panic!("{} panics again", file.display());
            };
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            eprintln!("{target}/{name}: {text}");
            outcomes.insert((target, name), text);
        }
    }
    for (target, name, pieces) in EXPECTED {
        let text = outcomes
            .get(&(*target, name.to_string()))
            .unwrap_or_else(|| panic!("no input {target}/{name}"));
        for piece in *pieces {
            assert!(
                text.contains(piece),
                "{target}/{name}: {piece:?} is not in {text:?}"
            );
        }
    }
}

/// The seeds of the fuzz targets go through the same replay (a quick smoke
/// test that the replay matches what the targets accept).
#[test]
fn fuzz_seeds_replay() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    for target in TARGETS {
        for e in std::fs::read_dir(seeds.join(target)).unwrap() {
            let data = std::fs::read(e.unwrap().path()).unwrap();
            replay(target, &data);
        }
    }
}
