//! Every case of the broken-input corpus (`tests/corpus/cases/`) through
//! the real `engagement-report` binary.
//!
//! A case is a folder with an `expect.txt` and either an `input/` folder
//! (given to the CLI as one input) or a `generate:` line naming input that
//! this test makes at run time (zips and random bytes, so that no binary
//! blob is committed). `tests/corpus/README.md` describes the format.
//!
//! For every case: no panic, the expected exit status, exactly one `error:`
//! line on failure (holding every expected piece: file, line or object,
//! what was found, what was expected) and no output file left behind; on
//! success the seven data sets and the zip, and the expected warnings.
//! A case with malformed rows (SPEC §2d) runs twice: as given, where they
//! are an error, and with `--skip-bad-rows` (its `skip-` keys), where they
//! are left out with counted warnings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/cases")
}

/// What `expect.txt` says.
#[derive(Debug, Default)]
struct Expect {
    status: Option<i32>,
    errors: Vec<String>,
    warnings: Vec<String>,
    warning_count: Option<usize>,
    args: Vec<String>,
    generate: Option<String>,
    outputs: Vec<(String, String)>,
    memory_limit_mib: Option<u64>,
    /// The `skip-` keys: what a second run with `--skip-bad-rows` gives.
    skip: Option<Box<Expect>>,
}

fn parse_expect(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut x = Expect::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{}:{}: expected `key: value`", path.display(), n + 1));
        let value = value.strip_prefix(' ').unwrap_or(value).to_string();
        let (x, key) = match key.strip_prefix("skip-") {
            Some(key) => (&mut **x.skip.get_or_insert_with(Default::default), key),
            None => (&mut x, key),
        };
        match key {
            "status" => x.status = Some(value.parse().expect("a number")),
            "error" => x.errors.push(value),
            "warning" => x.warnings.push(value),
            "warnings" => x.warning_count = Some(value.parse().expect("a number")),
            "args" => x.args = value.split_whitespace().map(String::from).collect(),
            "generate" => x.generate = Some(value),
            "memory-limit-mib" => x.memory_limit_mib = Some(value.parse().expect("a number")),
            "output" => {
                let (file, needle) = value.split_once(": ").expect("output: FILE: substring");
                x.outputs.push((file.to_string(), needle.to_string()));
            }
            other => panic!("{}:{}: unknown key {other:?}", path.display(), n + 1),
        }
    }
    assert!(x.status.is_some(), "{}: no `status:`", path.display());
    if let Some(skip) = &mut x.skip {
        assert!(
            skip.status.is_some(),
            "{}: no `skip-status:`",
            path.display()
        );
        assert!(
            skip.args.is_empty() && skip.generate.is_none() && skip.memory_limit_mib.is_none(),
            "{}: the skip run takes the case's input and args",
            path.display()
        );
        skip.args = x.args.clone();
        skip.args.push("--skip-bad-rows".into());
        skip.generate = x.generate.clone();
    }
    x
}

// ---------------------------------------------------------------------------
// Generated inputs

/// A small deterministic PRNG (xorshift64*), so "random" bytes are the same
/// on every run.
fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
}

/// A zip of `(name, bytes)` entries.
fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip_options()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const USERS: &[u8] = b"id,username,email,date_joined\n1,ana,ana@example.com,2024-03-01 10:00:00+00\n2,bo,bo@example.com,2024-03-02 10:00:00+00\n";
const CHURCHES: &[u8] = b"id,name\n7,St. Mary\n";
const FASTS: &[u8] = b"id,name,church_id,year\n1,Great Lent,7,2024\n";

/// Sets the uncompressed size that the local and central headers of every
/// entry declare (a zip that lies about its sizes).
fn patch_declared_sizes(zip: &mut [u8], size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(30) {
        if zip[i..].starts_with(b"PK\x03\x04") {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        } else if zip[i..].starts_with(b"PK\x01\x02") {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched >= 2, "no zip headers found");
}

/// A deflated entry of `n` zero bytes: a few KB on disk per MB.
fn zeros_zip(name: &str, n: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(name, zip_options()).unwrap();
    w.write_all(b"id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n")
        .unwrap();
    let block = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len());
        w.write_all(&block[..k]).unwrap();
        left -= k;
    }
    w.finish().unwrap().into_inner()
}

/// A zip whose `entries` entries (`part{i}/events_event.csv`) all point at
/// one local header and its deflate stream of `bytes` bytes of event rows:
/// the overlapping zip bomb, a few dozen KB declaring gigabytes.
fn overlapping_zip(entries: usize, bytes: usize) -> Vec<u8> {
    let header = b"id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n";
    let row = b"1,1,1,,,{},2024-06-01 10:00:00+00\n";
    let mut csv = header.to_vec();
    while csv.len() + row.len() <= bytes {
        csv.extend_from_slice(row);
    }
    let one = make_zip(&[("events_event.csv", &csv)]);
    let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let le32 = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let eocd = one.len() - 22;
    assert_eq!(&one[eocd..eocd + 4], b"PK\x05\x06");
    let cd = le32(&one, eocd + 16);
    assert_eq!(&one[cd..cd + 4], b"PK\x01\x02");
    // The local header and the one stream, then a central directory whose
    // entries all say "at offset 0".
    let mut out = one[..cd].to_vec();
    let mut central = Vec::new();
    for i in 0..entries {
        let name = format!("part{i}/events_event.csv");
        let mut fixed = one[cd..cd + 46].to_vec();
        fixed[28..30].copy_from_slice(&(name.len() as u16).to_le_bytes());
        fixed[30..34].copy_from_slice(&[0; 4]);
        fixed[42..46].copy_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&fixed);
        central.extend_from_slice(name.as_bytes());
    }
    assert_eq!(le16(&one, cd + 28), "events_event.csv".len());
    let mut end = one[eocd..].to_vec();
    end[8..10].copy_from_slice(&(entries as u16).to_le_bytes());
    end[10..12].copy_from_slice(&(entries as u16).to_le_bytes());
    end[12..16].copy_from_slice(&(central.len() as u32).to_le_bytes());
    end[16..20].copy_from_slice(&(out.len() as u32).to_le_bytes());
    out.extend_from_slice(&central);
    out.extend_from_slice(&end);
    out
}

/// Writes the generated input of `kind` into `dir`.
pub fn generate(kind: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    match kind {
        "zip-good-with-folders" => {
            let inner = make_zip(&[("tables/hub_fast.csv", FASTS)]);
            write(
                "exports.zip",
                &make_zip(&[
                    ("export/2024/auth_user.csv", USERS),
                    ("export/2024/hub_church.csv", CHURCHES),
                    ("export/more.zip", &inner),
                    ("export/README.txt", b"not an export"),
                ]),
            );
        }
        "zip-truncated" => {
            let zip = make_zip(&[
                ("auth_user.csv", USERS),
                ("hub_church.csv", CHURCHES),
                ("hub_fast.csv", FASTS),
            ]);
            write("exports.zip", &zip[..zip.len() * 3 / 5]);
        }
        "zip-encrypted" => {
            use zip::unstable::write::FileOptionsExt;
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip_options().with_deprecated_encryption(b"secret").unwrap();
            w.start_file("auth_user.csv", options).unwrap();
            w.write_all(USERS).unwrap();
            write("exports.zip", &w.finish().unwrap().into_inner());
        }
        "zip-path-traversal" => {
            let mut zip = make_zip(&[
                ("../../x", b"outside"),
                ("../../auth_user.csv", USERS),
                ("XtmpXhub_fast.csv", FASTS),
                ("hub_church.csv", CHURCHES),
            ]);
            // The zip writer makes names relative; an absolute one is
            // patched in (same length, local and central header).
            let mut patched = 0;
            for i in 0..zip.len() - 9 {
                if &zip[i..i + 9] == b"XtmpXhub_" {
                    zip[i..i + 9].copy_from_slice(b"/tmp/hub_");
                    patched += 1;
                }
            }
            assert_eq!(patched, 2);
            write("exports.zip", &zip);
        }
        "zip-bomb" => write("bomb.zip", &zeros_zip("events_event.csv", 12 << 20)),
        "zip-bomb-lying-sizes" => {
            let mut zip = zeros_zip("events_event.csv", 12 << 20);
            patch_declared_sizes(&mut zip, 1000);
            write("bomb.zip", &zip);
        }
        "zip-bomb-default-limit" => {
            // Three entries that say they expand to 3 GiB each: 9 GiB, past
            // the default 8 GiB limit, in a zip of a few hundred bytes.
            let mut zip = make_zip(&[
                ("events_event.csv", b"id\n"),
                ("events_useractivityfeed.csv", b"id\n"),
                ("dump.json", b"[]"),
            ]);
            patch_declared_sizes(&mut zip, 3 << 30);
            write("bomb.zip", &zip);
        }
        // 860 entries sharing one stream of 8 MiB: ~7 GiB declared, under
        // the default 8 GiB limit, in well under 100 KB.
        "zip-overlapping-entries" => write("bomb.zip", &overlapping_zip(860, 8 << 20)),
        "random-bytes-csv" => write("events_event.csv", &random_bytes(5, 4096)),
        "random-bytes-zip" => write("exports.zip", &random_bytes(7, 4096)),
        other => panic!("unknown generate kind {other:?}"),
    }
}

/// Every generated input is the same bytes on every run (so a failing case
/// can be replayed; an encrypted zip the same files and sizes) and is not
/// empty. With `ENGAGEMENT_CORPUS_OUT=/some/dir`
/// the inputs are also kept there, one folder per case, e.g. for the page's
/// end-to-end test.
#[test]
fn generated_inputs_are_deterministic() {
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    }
    let keep = std::env::var_os("ENGAGEMENT_CORPUS_OUT").map(PathBuf::from);
    let work = tempfile::tempdir().unwrap();
    let mut generated = 0;
    for (name, expect) in cases() {
        let Some(kind) = &expect.generate else {
            continue;
        };
        let (a, b) = (
            work.path().join(&name).join("a"),
            work.path().join(&name).join("b"),
        );
        generate(kind, &a);
        generate(kind, &b);
        let (fa, fb) = (files(&a), files(&b));
        assert!(!fa.is_empty(), "{name}: nothing generated");
        assert!(
            fa.iter().all(|(_, bytes)| !bytes.is_empty()),
            "{name}: an empty file"
        );
        // ZipCrypto draws a random 12-byte header per entry: only the
        // names and sizes of that zip repeat.
        let shape = |f: &[(String, Vec<u8>)]| {
            f.iter()
                .map(|(n, b)| (n.clone(), b.len()))
                .collect::<Vec<_>>()
        };
        if kind == "zip-encrypted" {
            assert_eq!(
                shape(&fa),
                shape(&fb),
                "{name}: two runs generate other files"
            );
            assert!(fa != fb, "{name}: expected a random encryption header");
        } else {
            assert!(fa == fb, "{name}: two runs generate different bytes");
        }
        if let Some(out) = &keep {
            generate(kind, &out.join(&name));
        }
        generated += 1;
    }
    assert!(generated >= 8, "only {generated} generated cases");
}

// ---------------------------------------------------------------------------
// Running the cases

fn cases() -> Vec<(String, Expect)> {
    let mut cases: Vec<(String, Expect)> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.txt").is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, parse_expect(&p.join("expect.txt")))
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn run_case(name: &str, expect: &Expect, work: &Path) -> Output {
    let input = match &expect.generate {
        Some(kind) => {
            let dir = work.join("input");
            generate(kind, &dir);
            dir
        }
        None => corpus_dir().join(name).join("input"),
    };
    let out = work.join("out");
    let mut args: Vec<String> = vec![
        input.display().to_string(),
        "--start".into(),
        "2024-01-01".into(),
        "--end".into(),
        "2024-12-31".into(),
        "--zip".into(),
        "--output-dir".into(),
        out.display().to_string(),
    ];
    args.extend(expect.args.iter().cloned());
    let mut cmd = match expect.memory_limit_mib {
        // The shell's `ulimit -v` caps the address space: a run that tried
        // to hold the expansion in memory would fail to allocate.
        Some(mib) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mib * 1024))
                .arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    cmd.args(&args).env("NO_COLOR", "1");
    cmd.output().expect("the binary runs")
}

/// Checks one case; returns what is wrong with it.
fn check_case(name: &str, expect: &Expect) -> Result<(), String> {
    let work = tempfile::tempdir().unwrap();
    let o = run_case(name, expect, work.path());
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let status = o.status.code();
    let mut problems = Vec::new();
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("the binary panicked".to_string());
    }
    if status != expect.status {
        problems.push(format!(
            "exit status {status:?}, expected {:?}",
            expect.status
        ));
    }
    let errors: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .collect();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .collect();
    let out = work.path().join("out");
    let written: Vec<String> = std::fs::read_dir(&out)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    if expect.status == Some(0) {
        if !errors.is_empty() {
            problems.push(format!("unexpected error lines {errors:?}"));
        }
        for data_set in engagement_engine::export::DATA_SETS {
            if !written.iter().any(|f| f.starts_with(data_set)) {
                problems.push(format!("no {data_set} file in the output ({written:?})"));
            }
        }
        if !written.iter().any(|f| f.ends_with(".zip")) {
            problems.push(format!("no zip in the output ({written:?})"));
        }
    } else {
        if errors.len() != 1 {
            problems.push(format!(
                "expected exactly one `error:` line, found {}",
                errors.len()
            ));
        }
        if !written.is_empty() {
            problems.push(format!("a failed run left output files: {written:?}"));
        }
    }
    // Malformed rows are the one error `--skip-bad-rows` gets past: such a
    // case must say what that second run gives.
    if errors.iter().any(|e| e.contains("--skip-bad-rows")) && expect.skip.is_none() {
        problems.push("malformed rows, but no `skip-` keys for the --skip-bad-rows run".into());
    }
    for piece in &expect.errors {
        if !errors.iter().any(|e| e.contains(piece.as_str())) {
            problems.push(format!("no error line contains {piece:?}"));
        }
    }
    for piece in &expect.warnings {
        if !warnings.iter().any(|w| w.contains(piece.as_str())) {
            problems.push(format!("no warning line contains {piece:?}"));
        }
    }
    if let Some(n) = expect.warning_count {
        if warnings.len() != n {
            problems.push(format!("{} warning lines, expected {n}", warnings.len()));
        }
    }
    for (file, needle) in &expect.outputs {
        match std::fs::read_to_string(out.join(file)) {
            Ok(text) if text.contains(needle.as_str()) => {}
            Ok(_) => problems.push(format!("{file} does not contain {needle:?}")),
            Err(e) => problems.push(format!("cannot read {file}: {e}")),
        }
    }
    // Nothing was written outside the output folder (`../../x` in a zip).
    for escaped in ["x", "auth_user.csv"] {
        if work.path().join(escaped).exists() || work.path().join("..").join(escaped).exists() {
            problems.push(format!("{escaped} was written outside the output folder"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let run = if expect.args.iter().any(|a| a == "--skip-bad-rows") {
            " (run with --skip-bad-rows)"
        } else {
            ""
        };
        Err(format!(
            "case {name}{run}:\n  - {}\n  stderr:\n{}",
            problems.join("\n  - "),
            stderr
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

#[test]
fn every_corpus_case_gets_its_expected_outcome() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases found", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|(name, expect)| {
            let skip = expect.skip.as_deref().map(|skip| check_case(name, skip));
            [Some(check_case(name, expect)), skip]
        })
        .flatten()
        .filter_map(Result::err)
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every case that SPEC §2d and issue 5 list is in the corpus.
#[test]
fn the_corpus_covers_the_required_cases() {
    let names: Vec<String> = cases().into_iter().map(|(n, _)| n).collect();
    for required in [
        "empty-csv",
        "empty-json",
        "truncated-csv-mid-quote",
        "truncated-csv-mid-row",
        "wrong-delimiter-semicolon",
        "spreadsheet-crlf-bom",
        "missing-column",
        "extra-and-reordered-columns",
        "latin1-csv",
        "duplicate-id",
        "dangling-references",
        "unknown-timestamp-format",
        "json-bad-pk",
        "json-missing-pk-and-fields",
        "csv-many-bad-rows",
        "text-where-number-csv",
        "number-where-text-json",
        "text-where-number-json",
        "json-truncated",
        "json-object-not-array",
        "json-nested-10000-in-object",
        "json-nested-10000-top",
        "zip-truncated",
        "zip-encrypted",
        "zip-path-traversal",
        "zip-bomb",
        "zip-bomb-lying-sizes",
        "zip-bomb-default-limit",
        "zip-overlapping-entries",
        "random-bytes-csv",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "corpus case {required} is missing"
        );
    }
}

/// Binary inputs are generated, never committed large: every committed
/// input stays under 100 KB.
#[test]
fn committed_inputs_are_small() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&corpus_dir().join(".."), &mut files);
    for f in files {
        let len = std::fs::metadata(&f).unwrap().len();
        assert!(len < 100_000, "{} is {len} bytes", f.display());
    }
}
