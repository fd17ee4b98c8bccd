//! Files on disk parsed on several threads: small files whole, big CSV
//! tables and dumps in the engine's pieces, closed into the bundle in
//! input order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use engagement_engine::load::{
    Bundle, CsvPieces, DumpPieces, FileLoader, Limits, Piece, PieceAt, PieceError, PieceSizes,
    ReadError, Spare,
};

use crate::input_error::InputError;
use crate::progress::{Progress, Silent};

/// A table or dump on disk, opened in the bundle but not read yet.
pub(super) struct DiskFile {
    pub(super) path: PathBuf,
    pub(super) loader: FileLoader,
    pub(super) size: u64,
    /// A CSV table (else a dump): which of the engine's cutters reads it
    /// in pieces.
    pub(super) csv: bool,
}

/// What [`parse_files`] did, for tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct ReadStats {
    /// Pieces parsed apart (headers included).
    pieces: usize,
    /// Files read again in order from a guess that was wrong.
    read_again: usize,
}

/// What a parser thread is given.
enum Work {
    /// A whole file to read and parse.
    Whole { job: usize, file: DiskFile },
    /// A piece of a CSV table or dump, read already, to parse with its
    /// loader.
    Piece {
        job: usize,
        at: PieceAt,
        loader: FileLoader,
        bytes: Vec<u8>,
    },
}

/// A piece (or whole file) parsed, back to the thread that adds it.
struct Parsed {
    /// The file's index in input order.
    job: usize,
    at: PieceAt,
    result: Result<FileLoader, InputError>,
}

/// Parses the files on `threads` threads and closes them into `bundle` in
/// input order.
///
/// A reader thread hands each small file to a parser thread whole, and has
/// the engine cut each big CSV table ([`CsvPieces`]) or dump
/// ([`DumpPieces`]) into pieces, each parsed by a continuation of the
/// file's loader: `events_event.csv` alone is most of a bundle, a dump
/// all of it, and one thread per file would leave the others idle. This
/// thread closes the pieces in file order, after the engine's check that
/// each piece starts where the one before it ended
/// ([`PieceAt::follows`]); where a guess was wrong (a stray `"` in an
/// unquoted field, a nested object that begins with a `model` key), the
/// rest of that file is read again in order by one loader, so the result
/// is always the one loader fed the whole file gives.
pub(super) fn parse_files(
    bundle: &mut Bundle,
    files: Vec<DiskFile>,
    threads: usize,
    sizes: PieceSizes,
    progress: &dyn Progress,
) -> Result<ReadStats, InputError> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let jobs = files.len();
    if jobs == 0 {
        return Ok(ReadStats::default());
    }
    let abandoned: Vec<AtomicBool> = (0..jobs).map(|_| AtomicBool::new(false)).collect();
    let limits = bundle.limits();
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(threads.max(1));
    // Shared by the parser threads only: when the last of them stops (the
    // collector gave up on an error), the receiver goes with it, and a
    // reader waiting to hand over a piece is told so instead of waiting
    // forever.
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<Parsed>();
    let spare = Spare::new(sizes);
    std::thread::scope(|scope| {
        {
            let done_tx = done_tx.clone();
            let (abandoned, spare) = (&abandoned, &spare);
            scope.spawn(move || {
                read_files(files, &work_tx, &done_tx, abandoned, sizes, limits, spare)
            });
        }
        for _ in 0..threads.max(1) {
            let done_tx = done_tx.clone();
            let (work_rx, spare) = (Arc::clone(&work_rx), &spare);
            scope.spawn(move || loop {
                let next = work_rx.lock().expect("no panics while held").recv();
                let Ok(work) = next else { break };
                if done_tx.send(parse(work, progress, spare)).is_err() {
                    break;
                }
            });
        }
        drop((done_tx, work_rx));
        // Dropping the receiver on an error stops the other threads: their
        // next send fails.
        collect(bundle, &paths, &abandoned, done_rx)
    })
}

/// The reader thread: sends each file whole, or in pieces, in input order.
fn read_files(
    files: Vec<DiskFile>,
    work: &mpsc::SyncSender<Work>,
    done: &mpsc::Sender<Parsed>,
    abandoned: &[AtomicBool],
    sizes: PieceSizes,
    limits: Limits,
    spare: &Spare,
) {
    for (job, file) in files.into_iter().enumerate() {
        let cut = if file.csv {
            sizes.cuts(true, file.size)
        } else {
            sizes.cuts_dump(file.size)
        };
        let sent = if cut {
            read_in_pieces(
                job,
                file,
                work,
                done,
                &abandoned[job],
                (sizes, limits),
                spare,
            )
        } else {
            work.send(Work::Whole { job, file }).is_ok()
        };
        if !sent {
            return;
        }
    }
}

/// Reads one big CSV table or dump and sends it in the engine's pieces: a
/// table's header, parsed already, straight to the collector; then pieces
/// for the parser threads. Returns false once nobody listens any more.
fn read_in_pieces(
    job: usize,
    file: DiskFile,
    work: &mpsc::SyncSender<Work>,
    done: &mpsc::Sender<Parsed>,
    abandoned: &AtomicBool,
    (sizes, limits): (PieceSizes, Limits),
    spare: &Spare,
) -> bool {
    let DiskFile {
        path,
        loader,
        size,
        csv,
    } = file;
    let fail = |at: PieceAt, e: std::io::Error| {
        let result = Err(InputError::Io(format!(
            "cannot read {}: {e}",
            path.display()
        )));
        done.send(Parsed { job, at, result }).is_ok()
    };
    let reader = match File::open(&path) {
        Ok(f) => f,
        Err(e) => return fail(PieceAt::failed(0, 0), e),
    };
    let pieces: Box<dyn Iterator<Item = Result<Piece, PieceError>> + '_> = if csv {
        Box::new(CsvPieces::new(reader, loader, size, sizes, limits, spare))
    } else {
        Box::new(DumpPieces::new(reader, loader, sizes, limits, spare))
    };
    for piece in pieces {
        if abandoned.load(Ordering::Relaxed) {
            return true;
        }
        let sent = match piece {
            Err(PieceError { at, error }) => return fail(at, error),
            Ok(Piece::Header { at, loader }) => {
                let result = loader.map_err(InputError::Load);
                done.send(Parsed { job, at, result }).is_ok()
            }
            Ok(Piece::Part { at, loader, bytes }) => work
                .send(Work::Piece {
                    job,
                    at,
                    loader,
                    bytes,
                })
                .is_ok(),
            Ok(Piece::Whole(loader)) => {
                // Not a table to cut: one thread reads it whole and says
                // what is wrong with it.
                let file = DiskFile {
                    path: path.clone(),
                    loader,
                    size,
                    csv: true,
                };
                work.send(Work::Whole { job, file }).is_ok()
            }
        };
        if !sent {
            return false;
        }
    }
    true
}

/// A parser thread's work on one piece or whole file.
fn parse(work: Work, progress: &dyn Progress, spare: &Spare) -> Parsed {
    match work {
        Work::Whole { job, file } => {
            let DiskFile {
                path, mut loader, ..
            } = file;
            let result = File::open(&path)
                .map_err(|e| InputError::Io(format!("cannot read {}: {e}", path.display())))
                .and_then(|file| {
                    if let Ok(meta) = file.metadata() {
                        loader.expect_bytes(meta.len());
                    }
                    stream(&mut loader, file, progress).map(|()| loader)
                });
            let at = PieceAt::WHOLE;
            Parsed { job, at, result }
        }
        Work::Piece {
            job,
            at,
            mut loader,
            bytes,
        } => {
            let result = loader
                .push(&bytes)
                .map(|()| loader)
                .map_err(InputError::Load);
            progress.advance(bytes.len() as u64);
            spare.give(bytes);
            Parsed { job, at, result }
        }
    }
}

/// Closes what the parser threads send into `bundle`, in input order and
/// piece order.
fn collect(
    bundle: &mut Bundle,
    paths: &[PathBuf],
    abandoned: &[AtomicBool],
    done: mpsc::Receiver<Parsed>,
) -> Result<ReadStats, InputError> {
    let mut stats = ReadStats::default();
    let mut waiting: BTreeMap<(usize, usize), Parsed> = BTreeMap::new();
    let (mut job, mut seq) = (0, 0);
    let mut current: Option<FileLoader> = None;
    while job < paths.len() {
        let Some(parsed) = waiting.remove(&(job, seq)) else {
            let parsed = done
                .recv()
                .expect("the reader and parser threads send every piece of every file");
            // Pieces of a file that is read again in order are dropped.
            if parsed.job >= job {
                waiting.insert((parsed.job, parsed.at.seq), parsed);
            }
            continue;
        };
        let at = parsed.at;
        if seq > 0 {
            let previous = current.take().expect("the file's earlier pieces");
            if !at.follows(&previous) && !is_io(&parsed.result) {
                // The guessed boundary was not one: read the rest in order.
                abandoned[job].store(true, Ordering::Relaxed);
                stats.read_again += 1;
                let loader = read_rest(previous, &paths[job], at.offset)?;
                bundle.close(loader)?;
                waiting.retain(|&(j, _), _| j > job);
                (job, seq) = (job + 1, 0);
                continue;
            }
            bundle.close(previous)?;
        }
        current = Some(parsed.result?);
        if seq > 0 || !at.last {
            stats.pieces += 1;
        }
        if at.last {
            bundle.close(current.take().expect("just set"))?;
            (job, seq) = (job + 1, 0);
        } else {
            seq += 1;
        }
    }
    Ok(stats)
}

fn is_io<T>(result: &Result<T, InputError>) -> bool {
    matches!(result, Err(InputError::Io(_)))
}

/// Reads `path` from `offset` to its end into `loader`, which has every
/// byte before it.
fn read_rest(mut loader: FileLoader, path: &Path, offset: u64) -> Result<FileLoader, InputError> {
    let io = |e: std::io::Error| InputError::Io(format!("cannot read {}: {e}", path.display()));
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    stream(&mut loader, file, &Silent)?;
    Ok(loader)
}

/// Streams `reader` into `loader` with the engine's read-and-push driver.
pub(super) fn stream(
    loader: &mut FileLoader,
    reader: impl Read,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    loader
        .read_from(reader, |_, n| progress.advance(n))
        .map_err(|e| match e {
            ReadError::Load(e) => InputError::Load(e),
            ReadError::Io(e) => InputError::Io(format!("cannot read {}: {e}", loader.name())),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engagement_engine::load::classify;
    use engagement_engine::period::Period;
    use engagement_engine::{export, metrics};

    /// The worked example's folder, with `events_event.csv` rewritten by
    /// `edit` (given its lines), in a new temporary folder.
    fn example_with(edit: impl Fn(&mut Vec<String>)) -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny/csv");
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.ends_with("events_event.csv") {
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                edit(&mut lines);
                text = lines.join("\n") + "\n";
            }
            std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
        }
        dir
    }

    /// Loads `dir` with pieces of `piece` bytes, and describes the load.
    fn load(dir: &Path, piece: usize) -> (String, ReadStats) {
        let mut bundle = Bundle::new(Limits::default());
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let files = paths
            .into_iter()
            .map(|path| {
                let name = path.display().to_string();
                let kind = classify(&name, None);
                DiskFile {
                    loader: bundle.open_as(&name, kind).unwrap(),
                    size: std::fs::metadata(&path).unwrap().len(),
                    csv: true,
                    path,
                }
            })
            .collect();
        let sizes = PieceSizes { piece, from: 0 };
        let stats = parse_files(&mut bundle, files, 2, sizes, &Silent).unwrap();
        let loaded = bundle.finish().unwrap();
        // The report over the whole example: the data's Debug would print
        // hash maps in no fixed order.
        let period = Period::from_options(
            Some("2024-11-01"),
            Some("2025-01-31"),
            Some("UTC"),
            Default::default(),
        )
        .unwrap();
        let report = export::consolidated_json(&metrics::compute(&loaded.dataset, &period));
        let described = format!(
            "{:?} {:?}\n{}",
            loaded.counts,
            loaded.warnings,
            String::from_utf8(report).unwrap()
        );
        (described, stats)
    }

    #[test]
    fn pieces_load_what_one_piece_loads() {
        let dir = example_with(|_| {});
        let (whole, stats) = load(dir.path(), 1 << 30);
        assert_eq!(
            stats,
            ReadStats {
                pieces: 2 * 9,
                read_again: 0
            }
        );
        let (pieces, stats) = load(dir.path(), 97);
        assert_eq!(pieces, whole);
        assert!(stats.pieces > 100, "{stats:?}");
        assert_eq!(stats.read_again, 0);
    }

    /// A malformed row in a middle piece: the same error as one loader's,
    /// naming the same line, whatever the pieces.
    #[test]
    fn a_malformed_row_in_a_piece_fails_as_in_one_loader() {
        let dir = example_with(|lines| lines[300] = lines[300].replacen(",9,38,", ",nine,38,", 1));
        let error = |piece: usize| {
            let mut bundle = Bundle::new(Limits::default());
            let path = dir.path().join("events_event.csv");
            let name = path.display().to_string();
            let file = DiskFile {
                loader: bundle.open(&name).unwrap(),
                size: std::fs::metadata(&path).unwrap().len(),
                csv: true,
                path,
            };
            let sizes = PieceSizes { piece, from: 0 };
            parse_files(&mut bundle, vec![file], 2, sizes, &Silent).unwrap();
            bundle.finish().unwrap_err()
        };
        let whole = error(1 << 30);
        assert_eq!(
            whole.location.map(|l| l.to_string()).as_deref(),
            Some("line 301")
        );
        for piece in [61, 200, 777] {
            assert_eq!(error(piece), whole, "pieces of {piece} bytes");
        }
    }

    /// A file that fails early, before a big file read in many pieces:
    /// the error comes back, and the reader, which may be waiting to hand
    /// over the next piece, is stopped rather than left waiting.
    /// A file cut off in the middle of its last row, read in pieces: the
    /// last piece's loader sees the cut, on the right line, as one loader
    /// does (SPEC §2d).
    #[test]
    fn a_file_cut_off_is_named_so_whatever_the_pieces() {
        let dir = example_with(|_| {});
        let path = dir.path().join("events_event.csv");
        let mut text = std::fs::read(&path).unwrap();
        text.truncate(text.len() - 12);
        let line = 1 + text.iter().filter(|&&b| b == b'\n').count() as u64;
        std::fs::write(&path, &text).unwrap();
        let error = |piece: usize| {
            let mut bundle = Bundle::new(Limits::default());
            let name = path.display().to_string();
            let file = DiskFile {
                loader: bundle.open(&name).unwrap(),
                size: text.len() as u64,
                csv: true,
                path: path.clone(),
            };
            let sizes = PieceSizes { piece, from: 0 };
            parse_files(&mut bundle, vec![file], 2, sizes, &Silent).unwrap();
            bundle.finish().unwrap_err()
        };
        let whole = error(1 << 30);
        assert_eq!(
            whole.to_string(),
            format!(
                "{} ends in the middle of line {}: the file is incomplete, export it again; or go on without the row cut off",
                path.display(),
                engagement_engine::load::grouped(line)
            )
        );
        for piece in [61, 200, 777] {
            assert_eq!(error(piece), whole, "pieces of {piece} bytes");
        }
    }

    #[test]
    fn an_early_error_stops_the_reader_of_later_pieces() {
        let dir = example_with(|_| {});
        std::fs::write(dir.path().join("auth_user.csv"), "id,name\n1,x\n").unwrap();
        let mut bundle = Bundle::new(Limits::default());
        let files = ["auth_user.csv", "events_event.csv"]
            .into_iter()
            .map(|name| {
                let path = dir.path().join(name);
                DiskFile {
                    loader: bundle.open(&path.display().to_string()).unwrap(),
                    size: std::fs::metadata(&path).unwrap().len(),
                    csv: true,
                    path,
                }
            })
            .collect();
        let sizes = PieceSizes { piece: 61, from: 0 };
        let error = parse_files(&mut bundle, files, 2, sizes, &Silent).unwrap_err();
        assert!(error.to_string().contains("auth_user.csv"), "{error}");
        assert!(error.to_string().contains("username"), "{error}");
    }

    /// The worked example's dump, with `edit` applied to its text, read
    /// in pieces of `piece` bytes on two threads: the report, or the
    /// error, and what the read did.
    fn load_dump(edit: impl Fn(String) -> String, piece: usize) -> (String, ReadStats) {
        let from =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny/dump.json");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.json");
        std::fs::write(&path, edit(std::fs::read_to_string(from).unwrap())).unwrap();
        let mut bundle = Bundle::new(Limits::default());
        let file = DiskFile {
            loader: bundle.open(&path.display().to_string()).unwrap(),
            size: std::fs::metadata(&path).unwrap().len(),
            csv: false,
            path,
        };
        let sizes = PieceSizes { piece, from: 0 };
        let stats = parse_files(&mut bundle, vec![file], 2, sizes, &Silent).unwrap();
        // Each call's folder is new: messages name the file only.
        let folder = format!("{}/", dir.path().display());
        let loaded = match bundle.finish() {
            Ok(loaded) => loaded,
            Err(e) => return (format!("{e:?}").replace(&folder, ""), stats),
        };
        let period = Period::from_options(
            Some("2024-11-01"),
            Some("2025-01-31"),
            Some("UTC"),
            Default::default(),
        )
        .unwrap();
        let report = export::consolidated_json(&metrics::compute(&loaded.dataset, &period));
        let described = format!(
            "{:?} {:?}\n{}",
            loaded.counts,
            loaded.warnings,
            String::from_utf8(report).unwrap()
        );
        (described.replace(&folder, ""), stats)
    }

    /// A dump read in pieces on two threads loads what one piece loads,
    /// and a malformed object in a late piece fails as in one loader,
    /// naming the same object.
    #[test]
    fn a_dump_in_pieces_loads_as_whole() {
        let (whole, stats) = load_dump(|t| t, 1 << 30);
        assert_eq!(stats, ReadStats::default());
        let (pieces, stats) = load_dump(|t| t, 4096);
        assert_eq!(pieces, whole);
        assert!(stats.pieces > 50, "{stats:?}");
        assert_eq!(stats.read_again, 0);

        let late = |t: String| t.replacen("\"pk\": 1748,", "\"pk\": \"x\",", 1);
        let (whole, _) = load_dump(late, 1 << 30);
        assert!(whole.contains("Object(600)"), "{whole}");
        for piece in [700, 4096] {
            assert_eq!(load_dump(late, piece).0, whole, "pieces of {piece} bytes");
        }
    }

    /// A stray `"` inside an unquoted field, then a quoted field over two
    /// lines: the guess cuts inside the quoted field. The piece after it is
    /// found not to start where the one before ended, and the rest of the
    /// file is read again in order, with the same result as one loader.
    #[test]
    fn a_wrong_guess_is_caught_and_the_file_read_again_in_order() {
        let edit = |lines: &mut Vec<String>| {
            for line in lines.iter_mut().skip(100).step_by(50) {
                *line = line.replacen("+00,,\"Mozilla", "+00,1.2\"3,\"Mozilla", 1);
                *line = line.replacen(",\"\",\"\",", ",\"\",\"two\nlines\",", 1);
            }
        };
        let dir = example_with(edit);
        let text = std::fs::read_to_string(dir.path().join("events_event.csv")).unwrap();
        assert!(text.contains(",1.2\"3,") && text.contains("\"two\nlines\""));
        let (whole, _) = load(dir.path(), 1 << 30);
        let mut read_again = 0;
        for piece in [61, 200, 777] {
            let (pieces, stats) = load(dir.path(), piece);
            assert_eq!(pieces, whole, "pieces of {piece} bytes");
            read_again += stats.read_again;
        }
        assert!(read_again > 0);
    }
}
