//! A big CSV table read in pieces (as the CLI does on several threads):
//! pieces cut at `csv_split::last_record_end`, each parsed by a
//! `FileLoader::continuation` and closed in file order, load exactly what
//! one loader fed the whole file loads: the same report, warnings, counts and
//! malformed-row errors, for every piece size.

use engagement_engine::csv_split::{first_record_end, last_record_end, lines_in};
use engagement_engine::load::{Bundle, Limits, LoadError};
use engagement_engine::period::Period;
use engagement_engine::{export, metrics};

// Only the fixture helper of the shared test module is used here.
#[allow(dead_code)]
mod common;

/// The worked example's tables, with two malformed event rows (one
/// unreadable timestamp, one short row) and a feed title over three lines.
fn tables() -> Vec<(String, Vec<u8>)> {
    let dir = common::fixture("tiny").join("csv");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    for (name, bytes) in &mut files {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if name == "events_event.csv" {
            lines[40] = lines[40].replacen("2025-", "20x5-", 1);
            lines[300] = "1,2,3".to_string();
        }
        if name == "events_useractivityfeed.csv" {
            lines[10] = lines[10].replacen(",\"\",", ",\"a\nb, \"\"c\"\"\nd\",", 1);
        }
        *bytes = (lines.join("\n") + "\n").into_bytes();
    }
    files
}

/// Loads the tables, each big file in pieces of about `piece` bytes
/// (`None`: whole), and describes everything the bundle loaded.
fn load(
    files: &[(String, Vec<u8>)],
    piece: Option<usize>,
    skip: bool,
) -> Result<String, LoadError> {
    let mut bundle = Bundle::new(Limits::default()).skip_bad_rows(skip);
    for (name, bytes) in files {
        let mut file = bundle.open(name).unwrap();
        let Some(piece) = piece.filter(|_| name.starts_with("events_")) else {
            file.push(bytes)?;
            bundle.close(file)?;
            continue;
        };
        let header = first_record_end(bytes).unwrap();
        file.push(&bytes[..header])?;
        let mut at = header;
        let mut line = 2;
        while at < bytes.len() {
            let rest = &bytes[at..];
            let mut size = piece;
            let cut = loop {
                if size >= rest.len() {
                    break rest.len();
                }
                if let Some(cut) = last_record_end(&rest[..size]) {
                    break cut;
                }
                size += piece;
            };
            // The guess holds for this well-formed CSV: the piece before
            // ends where this one starts.
            assert_eq!(file.next_record_line(), Some(line), "{name} at byte {at}");
            let mut next = file.continuation(line).unwrap();
            bundle.close(file)?;
            next.push(&rest[..cut])?;
            line += lines_in(&rest[..cut]);
            file = next;
            at += cut;
        }
        bundle.close(file)?;
    }
    let loaded = bundle.finish()?;
    // The report over the whole example, rather than the data's Debug,
    // which prints hash maps in no fixed order.
    let period = Period::from_options(
        Some("2024-11-01"),
        Some("2025-01-31"),
        Some("America/Los_Angeles"),
        Default::default(),
    )
    .unwrap();
    let report = export::consolidated_json(&metrics::compute(&loaded.dataset, &period));
    Ok(format!(
        "{}\n{:?}\n{:?}\n{}",
        String::from_utf8(report).unwrap(),
        loaded.warnings,
        loaded.counts,
        loaded.rows_left_out()
    ))
}

#[test]
fn pieces_load_what_the_whole_file_loads() {
    let files = tables();
    let whole = load(&files, None, true).unwrap();
    assert!(whole.contains("rows have an unreadable `timestamp`"));
    assert!(whole.contains("rows have fewer fields than the header"));
    for piece in [1, 2, 7, 64, 333, 4096] {
        assert_eq!(
            load(&files, Some(piece), true).unwrap(),
            whole,
            "piece {piece}"
        );
    }
}

#[test]
fn pieces_fail_as_the_whole_file_fails() {
    let files = tables();
    let whole = load(&files, None, false).unwrap_err();
    assert_eq!(
        whole.location.map(|l| l.to_string()).as_deref(),
        Some("line 41")
    );
    for piece in [1, 64, 4096] {
        let err = load(&files, Some(piece), false).unwrap_err();
        assert_eq!(err, whole, "piece {piece}");
        assert_eq!(err.to_string(), whole.to_string());
    }
}
