//! One file's parser, fed in chunks.

use super::bad_rows::BadRows;
use super::csv_tables;
use super::dumpdata;
use super::error::LoadError;
use super::fill::fill;
use super::kind::FileKind;
use super::limits::Limits;
use super::raw::RawTables;
use super::warning::Warnings;

/// A parser for one file, fed by [`FileLoader::push`].
pub struct FileLoader {
    name: String,
    inner: FileParser,
    bytes: u64,
    /// The file's whole size, until the parser has sized its columns from
    /// it (see [`FileLoader::expect_bytes`]).
    expected_bytes: Option<u64>,
    /// The file's whole size, when told: a loader that has read that much
    /// read the whole file (not one piece of it).
    total_bytes: Option<u64>,
    /// The size of the piece of a dump this loader reads, when the file
    /// goes on after it: having read exactly that much, the loader ends
    /// between two objects, not at the file's end. (A loader that reads
    /// on, when a guessed cut was wrong, reaches the file's real end.)
    piece_bytes: Option<u64>,
}

enum FileParser {
    Csv(csv_tables::CsvTableParser),
    Dump(dumpdata::DumpParser),
}

/// Why [`FileLoader::read_from`] stopped.
#[derive(Debug)]
pub enum ReadError {
    /// The source could not be read (the front end names the source).
    Io(std::io::Error),
    /// The bytes could not be loaded.
    Load(LoadError),
}

/// Bytes gathered from a reader before each push: sources that hand out
/// tiny pieces (a database's COPY stream sends one row per message) are
/// parsed in large steps all the same. 4 MiB rather than 1: a dump's
/// chunk is parsed in two parts at once, and bigger parts balance better
/// (M dump: wall -7 %, peak +10 MB).
const READ_CHUNK: usize = 4 << 20;

impl FileLoader {
    /// A loader for a file of `kind`; `None` for zips and unknown files.
    pub(super) fn open(name: &str, kind: FileKind, limits: Limits) -> Option<FileLoader> {
        let inner = match kind {
            FileKind::Csv(table) => {
                FileParser::Csv(csv_tables::CsvTableParser::new(name, table, limits))
            }
            FileKind::Dump => FileParser::Dump(dumpdata::DumpParser::new(name, limits)),
            FileKind::Zip | FileKind::Unknown => return None,
        };
        Some(FileLoader {
            name: name.to_string(),
            inner,
            bytes: 0,
            expected_bytes: None,
            total_bytes: None,
            piece_bytes: None,
        })
    }

    /// Whether this loader read the whole file (its size was told, and it
    /// has read that much), not one piece of it.
    pub(super) fn read_whole(&self) -> bool {
        self.total_bytes.is_some_and(|total| self.bytes >= total)
    }

    /// Reads `reader` to its end into this file: the one read-and-push
    /// driver of every `std::io::Read` source (files, downloads, a
    /// database's COPY stream). After each chunk, `after_chunk` hears this
    /// loader and the chunk's size, for progress bars and row counts.
    pub fn read_from(
        &mut self,
        mut reader: impl std::io::Read,
        mut after_chunk: impl FnMut(&mut FileLoader, u64),
    ) -> Result<(), ReadError> {
        let mut buf = Vec::with_capacity(READ_CHUNK);
        loop {
            buf.clear();
            let ended = fill(&mut reader, &mut buf, READ_CHUNK).map_err(ReadError::Io)?;
            if buf.is_empty() {
                return Ok(());
            }
            self.push(&buf).map_err(ReadError::Load)?;
            after_chunk(self, buf.len() as u64);
            if ended {
                return Ok(());
            }
        }
    }

    /// A loader for a later piece of the same file, so that pieces of one
    /// big file can be parsed on several threads: for a CSV table, a piece
    /// that starts at a record boundary on `line` (`None` before this
    /// loader has read the header); for a dump, a piece that starts with
    /// the `{` of top-level object number `line` (0-based: the number of
    /// objects before it). Closed into the bundle after this one, in file
    /// order, the pieces load what one loader fed the whole file would,
    /// provided the piece really starts where this loader's bytes end:
    /// check with [`FileLoader::next_record_line`] before closing it.
    /// [`engagement_engine::csv_split::last_record_end`] guesses where to
    /// cut a CSV table; [`DumpPieces`](crate::load::DumpPieces) cuts dumps.
    ///
    /// [`engagement_engine::csv_split::last_record_end`]: crate::csv_split::last_record_end
    pub fn continuation(&self, line: u64) -> Option<FileLoader> {
        let inner = match &self.inner {
            FileParser::Csv(p) => FileParser::Csv(p.continuation(line)?),
            FileParser::Dump(p) => FileParser::Dump(p.continuation(line)),
        };
        Some(FileLoader {
            name: self.name.clone(),
            inner,
            bytes: 0,
            expected_bytes: None,
            total_bytes: None,
            piece_bytes: None,
        })
    }

    /// `Some(line)` when the bytes pushed so far end exactly at a record
    /// boundary of a CSV table and the next record starts on `line` (the
    /// header is line 1), or, in a dump, between two top-level objects
    /// after the `,`, the next one being object number `line` (0-based);
    /// `None` anywhere else.
    pub fn next_record_line(&self) -> Option<u64> {
        match &self.inner {
            FileParser::Csv(p) => p.next_record_line(),
            FileParser::Dump(p) => p.next_object(),
        }
    }

    /// Makes this loader read one piece of a dump, of `bytes` bytes, that
    /// is parsed beside the others: each chunk on the calling thread only,
    /// and, when `more_follows`, the piece's end is not the file's.
    pub(super) fn dump_piece(&mut self, bytes: u64, more_follows: bool) {
        if let FileParser::Dump(p) = &mut self.inner {
            p.without_split();
            self.piece_bytes = more_follows.then_some(self.bytes + bytes);
        }
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Bytes pushed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Rows (CSV) or objects (JSON) parsed so far.
    pub fn rows_read(&self) -> u64 {
        match &self.inner {
            FileParser::Csv(p) => p.rows(),
            FileParser::Dump(p) => p.objects(),
        }
    }

    /// Tells the loader the file's whole size, when known (a file on disk,
    /// a `File` in the browser, an HTTP body with a length). A CSV table of
    /// events or feed items then sizes its columns once, from the rows of
    /// the first chunks, instead of doubling them as it goes: that growth
    /// would leave up to half of the largest columns unused, and needs the
    /// old and the new copy at once.
    pub fn expect_bytes(&mut self, total: u64) {
        if let FileParser::Csv(_) = self.inner {
            self.expected_bytes = Some(total);
            self.total_bytes = Some(total);
        }
    }

    /// Parses the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        self.bytes += chunk.len() as u64;
        match &mut self.inner {
            FileParser::Csv(p) => {
                let parsed = p.push(chunk);
                if let Some(total) = self.expected_bytes {
                    if p.reserve_for_the_rest(self.bytes, total) {
                        self.expected_bytes = None;
                    }
                }
                parsed
            }
            FileParser::Dump(p) => p.push(chunk),
        }
    }

    pub(super) fn finish(self) -> Result<(RawTables, Warnings, BadRows), LoadError> {
        match self.inner {
            FileParser::Csv(p) => p.finish(),
            FileParser::Dump(p) => p.finish(self.piece_bytes != Some(self.bytes)),
        }
    }
}
