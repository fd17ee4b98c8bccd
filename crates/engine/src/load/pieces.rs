//! Reading a big CSV table in pieces: cutting it at guessed record
//! boundaries, carrying the bytes after the cut into the next piece, and
//! checking each cut before the pieces are closed into the bundle.
//!
//! The front end brings the threads (the CLI) or workers (the page): this
//! module reads from any [`std::io::Read`] and starts nothing, so the
//! engine still builds for the browser. The rules the pieces follow are
//! those of [`FileLoader::continuation`] and
//! [`FileLoader::next_record_line`]: each piece is parsed by a continuation
//! of the file's loader, the pieces are closed in file order, and a piece
//! is only closed after the one before it was found to end where it starts
//! ([`PieceAt::follows`]); where a guess was wrong (a stray `"` in an
//! unquoted field), the rest of the file is read again in order by the
//! loader of the pieces before, so the result is always the one loader fed
//! the whole file gives.

use std::io::Read;
use std::sync::Mutex;

use super::error::LoadError;
use super::fill::fill;
use super::limits::Limits;
use super::loader::FileLoader;
use crate::csv_split::{first_record_end, last_record_end, lines_in, record_limit};

/// How big CSV tables are cut into pieces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PieceSizes {
    /// Bytes handed to a parser thread at once.
    pub piece: usize,
    /// CSV tables and dumps at least this big are read in pieces; smaller
    /// files are read whole by one thread.
    pub from: u64,
}

impl PieceSizes {
    /// Pieces of 4 MiB: big enough that what each piece costs on its own
    /// (a loader, appending its columns to the file's) is noise, small
    /// enough that the threads finish the last file together.
    pub const DEFAULT: PieceSizes = PieceSizes {
        piece: 4 << 20,
        from: 16 << 20,
    };

    /// Whether a file of `size` bytes is read in [`CsvPieces`]: a CSV
    /// table at least [`PieceSizes::from`] big (a dump is cut by
    /// [`DumpPieces`], see [`PieceSizes::cuts_dump`]).
    pub fn cuts(&self, csv: bool, size: u64) -> bool {
        csv && size >= self.from
    }

    /// Whether a dump of `size` bytes is read in [`DumpPieces`]: at least
    /// [`PieceSizes::from`] big, like a CSV table.
    pub fn cuts_dump(&self, size: u64) -> bool {
        size >= self.from
    }

    /// The longest a piece grows while no record ends in it: a record the
    /// loader would refuse anyway, plus a piece. A file without line ends
    /// is not read whole into memory.
    fn longest(&self, limits: Limits) -> usize {
        record_limit(limits.max_field_bytes).saturating_add(self.piece)
    }
}

/// Where a piece of a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PieceAt {
    /// The piece's index in the file; 0 is the header (or the whole file;
    /// a dump's first piece).
    pub seq: usize,
    /// Offset of the piece's first byte in the file.
    pub offset: u64,
    /// Line the piece's first record starts on, as counted by the reader;
    /// in a dump, the number of the piece's first object (0-based).
    pub line: u64,
    /// Whether the file ends with this piece.
    pub last: bool,
}

impl PieceAt {
    /// Where a file read whole is: one piece, the last.
    pub const WHOLE: PieceAt = PieceAt {
        seq: 0,
        offset: 0,
        line: 1,
        last: true,
    };

    /// Where a piece that could not be read is: nothing follows it.
    pub fn failed(seq: usize, offset: u64) -> PieceAt {
        PieceAt {
            seq,
            offset,
            line: 0,
            last: true,
        }
    }

    /// The check of a cut: whether this piece starts where `previous`,
    /// the loader of the pieces before it, ended (see
    /// [`FileLoader::next_record_line`]). When not, the guessed
    /// boundary was not one, and the rest of the file (from
    /// [`PieceAt::offset`]) must be read into `previous` in order.
    pub fn follows(&self, previous: &FileLoader) -> bool {
        previous.next_record_line() == Some(self.line)
    }
}

/// Buffers of pieces already parsed, for the reader to fill again: fresh
/// ones would cost the kernel's page faults and zeroing for every piece,
/// and freed ones linger in each thread's allocator arena.
pub struct Spare(Mutex<Vec<Vec<u8>>>, usize);

impl Spare {
    /// No buffers yet; new ones hold a piece of `sizes` and some room.
    pub fn new(sizes: PieceSizes) -> Self {
        Spare(Mutex::default(), sizes.piece)
    }

    /// A buffer to fill: one given back, or a new one.
    pub fn take(&self) -> Vec<u8> {
        let reused = self.0.lock().expect("no panics while held").pop();
        reused.unwrap_or_else(|| Vec::with_capacity(self.1 + (64 << 10)))
    }

    /// Gives a buffer back, once its piece is parsed.
    pub fn give(&self, mut buf: Vec<u8>) {
        buf.clear();
        self.0.lock().expect("no panics while held").push(buf);
    }
}

/// What [`CsvPieces`] hands out, in file order.
pub enum Piece {
    /// The header, pushed into the file's own loader already (the error
    /// when it was refused). It is closed first; when [`PieceAt::last`]
    /// says so, nothing follows.
    Header {
        /// Where it is (sequence 0).
        at: PieceAt,
        /// The file's loader, which read the header.
        loader: Result<FileLoader, LoadError>,
    },
    /// A piece to push into its loader (on any thread), then to close in
    /// file order once [`PieceAt::follows`] holds.
    Part {
        /// Where it is.
        at: PieceAt,
        /// A continuation of the file's loader, for this piece.
        loader: FileLoader,
        /// The piece's bytes; give them back to the [`Spare`] once parsed.
        bytes: Vec<u8>,
    },
    /// No line end in the first bytes: not a table to cut. The whole file
    /// is read by this loader, from its start, by one reader.
    Whole(FileLoader),
}

/// A piece that could not be read: where, and the reader's error.
#[derive(Debug)]
pub struct PieceError {
    /// Where the piece would have been ([`PieceAt::failed`]).
    pub at: PieceAt,
    /// The reader's error (the front end names the source).
    pub error: std::io::Error,
}

/// Cuts a CSV table read from a reader into pieces (see the module's
/// docs): the header first, then pieces of about [`PieceSizes::piece`]
/// bytes each ending at a guessed record boundary, the bytes after the cut
/// carried into the next piece. Ends after the last piece, or after a
/// read error.
pub struct CsvPieces<'s, R> {
    reader: R,
    /// The file's loader, until the header is read.
    loader: Option<FileLoader>,
    /// The loader that read the header, whose continuations read the pieces.
    template: Option<FileLoader>,
    size: u64,
    sizes: PieceSizes,
    longest: usize,
    spare: &'s Spare,
    carry: Vec<u8>,
    eof: bool,
    at: PieceAt,
    offset: u64,
    line: u64,
    done: bool,
}

impl<'s, R: Read> CsvPieces<'s, R> {
    /// Cuts the table `reader` reads (from its start) for `loader`, a
    /// loader of the file just opened. `size` is the file's whole size;
    /// `limits` those of the bundle; buffers come from `spare`.
    pub fn new(
        reader: R,
        loader: FileLoader,
        size: u64,
        sizes: PieceSizes,
        limits: Limits,
        spare: &'s Spare,
    ) -> Self {
        CsvPieces {
            reader,
            loader: Some(loader),
            template: None,
            size,
            sizes,
            longest: sizes.longest(limits),
            spare,
            carry: Vec::new(),
            eof: false,
            at: PieceAt::WHOLE,
            offset: 0,
            line: 1,
            done: false,
        }
    }

    fn fail(&mut self, seq: usize, offset: u64, error: std::io::Error) -> PieceError {
        self.done = true;
        PieceError {
            at: PieceAt::failed(seq, offset),
            error,
        }
    }

    /// Reads the header, growing the first piece until a record ends in
    /// it, the file does, or it is longer than any record.
    fn header(&mut self, mut loader: FileLoader) -> Result<Piece, PieceError> {
        let piece_bytes = self.sizes.piece;
        let mut piece = self.spare.take();
        self.eof = match fill(&mut self.reader, &mut piece, piece_bytes) {
            Ok(eof) => eof,
            Err(e) => return Err(self.fail(0, 0, e)),
        };
        let mut header_end = first_record_end(&piece);
        while header_end.is_none() && !self.eof && piece.len() < self.longest {
            let longer = piece.len() + piece_bytes;
            self.eof = match fill(&mut self.reader, &mut piece, longer) {
                Ok(eof) => eof,
                Err(e) => return Err(self.fail(0, 0, e)),
            };
            header_end = first_record_end(&piece);
        }
        let Some(header_end) = header_end else {
            // No line end: not a table to cut; one reader reads it whole
            // and says what is wrong with it.
            self.done = true;
            return Ok(Piece::Whole(loader));
        };
        let header = loader.push(&piece[..header_end]);
        self.line = 1 + lines_in(&piece[..header_end]);
        self.template = match header {
            Ok(()) => loader.continuation(self.line),
            Err(_) => None,
        };
        self.at = PieceAt {
            seq: 0,
            offset: 0,
            line: 1,
            last: self.template.is_none() || (self.eof && header_end == piece.len()),
        };
        self.done = self.at.last;
        if !self.done {
            self.carry = piece[header_end..].to_vec();
            self.spare.give(piece);
            self.offset = header_end as u64;
        }
        Ok(Piece::Header {
            at: self.at,
            loader: header.map(|()| loader),
        })
    }

    /// Cuts the next piece: the bytes carried, grown until a record ends
    /// in the piece or the file does. A record longer than the loader's
    /// limits would ever take is cut anywhere: the check before closing
    /// the next piece then fails, and one loader reads on from there and
    /// reports it.
    fn part(&mut self) -> Result<Piece, PieceError> {
        let piece_bytes = self.sizes.piece;
        let mut piece = self.spare.take();
        piece.append(&mut self.carry);
        let cut = loop {
            if !self.eof && piece.len() < piece_bytes {
                match fill(&mut self.reader, &mut piece, piece_bytes) {
                    Ok(e) => self.eof = e,
                    Err(e) => return Err(self.fail(self.at.seq + 1, self.offset, e)),
                }
            }
            if self.eof {
                break piece.len();
            }
            match last_record_end(&piece) {
                Some(cut) => break cut,
                None if piece.len() >= self.longest => break piece.len(),
                None => {
                    let longer = piece.len() + piece_bytes;
                    match fill(&mut self.reader, &mut piece, longer) {
                        Ok(e) => self.eof = e,
                        Err(e) => return Err(self.fail(self.at.seq + 1, self.offset, e)),
                    }
                }
            }
        };
        self.carry.extend_from_slice(&piece[cut..]);
        piece.truncate(cut);
        self.at = PieceAt {
            seq: self.at.seq + 1,
            offset: self.offset,
            line: self.line,
            last: self.eof && self.carry.is_empty(),
        };
        self.done = self.at.last;
        let template = self.template.as_ref().expect("the header was read");
        let mut loader = template
            .continuation(self.line)
            .expect("the template read the header");
        if self.at.seq == 1 {
            // The first piece sizes the file's columns for all of it.
            loader.expect_bytes(self.size.saturating_sub(self.offset));
        }
        self.line += lines_in(&piece);
        self.offset += piece.len() as u64;
        Ok(Piece::Part {
            at: self.at,
            loader,
            bytes: piece,
        })
    }
}

impl<R: Read> Iterator for CsvPieces<'_, R> {
    type Item = Result<Piece, PieceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(loader) = self.loader.take() {
            return Some(self.header(loader));
        }
        if self.done {
            return None;
        }
        Some(self.part())
    }
}

/// Cuts a Django `dumpdata` JSON file read from a reader into pieces that
/// each start with a top-level object, so that they can be parsed on
/// several threads like the pieces of a CSV table ([`CsvPieces`], whose
/// rules they follow): every piece, the first included, is a
/// [`Piece::Part`] whose loader parses it on any thread; the pieces are
/// closed in file order, each after the check [`PieceAt::follows`].
///
/// Where a piece is cut is a guess that needs no pass over the strings:
/// at the `{` of a `{"model"` that follows a `,` (`dumpdata` writes each
/// object's `model` first; in valid JSON a `"` inside a string is
/// escaped, so these bytes are never text). [`PieceAt::line`] is the
/// number of the piece's first object, from such starts counted before
/// it. A nested object that also begins with a `model` key makes a wrong
/// guess or a wrong count: the check before closing the next piece then
/// fails (the loader before it does not stand between two objects, or not
/// before that object number), and the front end reads the rest of the
/// file in order into the loader of the pieces before, as for a CSV
/// table. Ends after the last piece, or after a read error.
pub struct DumpPieces<'s, R> {
    reader: R,
    /// The file's loader, for the first piece.
    loader: Option<FileLoader>,
    /// A loader of the file, whose continuations read the other pieces.
    template: Option<FileLoader>,
    sizes: PieceSizes,
    longest: usize,
    spare: &'s Spare,
    carry: Vec<u8>,
    eof: bool,
    at: PieceAt,
    offset: u64,
    /// Objects counted before the next piece (its first object's number).
    objects: u64,
    /// Whether the next piece starts at a guessed object start.
    at_object: bool,
    done: bool,
}

impl<'s, R: Read> DumpPieces<'s, R> {
    /// Cuts the dump `reader` reads (from its start) for `loader`, a
    /// loader of the file just opened; `limits` are those of the bundle
    /// (an object longer than any the loader takes may be cut anywhere);
    /// buffers come from `spare`.
    pub fn new(
        reader: R,
        loader: FileLoader,
        sizes: PieceSizes,
        limits: Limits,
        spare: &'s Spare,
    ) -> Self {
        DumpPieces {
            reader,
            template: loader.continuation(0),
            loader: Some(loader),
            sizes,
            longest: limits.max_field_bytes.saturating_add(sizes.piece),
            spare,
            carry: Vec::new(),
            eof: false,
            at: PieceAt::WHOLE,
            offset: 0,
            objects: 0,
            at_object: false,
            done: false,
        }
    }

    fn fail(&mut self, seq: usize, error: std::io::Error) -> PieceError {
        self.done = true;
        PieceError {
            at: PieceAt::failed(seq, self.offset),
            error,
        }
    }

    /// Cuts the next piece: the bytes carried, grown to about a piece,
    /// and further until an object starts in it after its first byte, the
    /// file ends, or it is longer than any object the loader takes.
    fn part(&mut self) -> Result<Piece, PieceError> {
        let piece_bytes = self.sizes.piece;
        let seq = if self.loader.is_some() {
            0
        } else {
            self.at.seq + 1
        };
        let mut piece = self.spare.take();
        piece.append(&mut self.carry);
        let (cut, at_object) = loop {
            if !self.eof && piece.len() < piece_bytes {
                match fill(&mut self.reader, &mut piece, piece_bytes) {
                    Ok(e) => self.eof = e,
                    Err(e) => return Err(self.fail(seq, e)),
                }
            }
            if self.eof {
                break (piece.len(), false);
            }
            match last_object_start(&piece) {
                Some(cut) => break (cut, true),
                None if piece.len() >= self.longest => break (piece.len(), false),
                None => {
                    let longer = piece.len() + piece_bytes;
                    match fill(&mut self.reader, &mut piece, longer) {
                        Ok(e) => self.eof = e,
                        Err(e) => return Err(self.fail(seq, e)),
                    }
                }
            }
        };
        self.carry.extend_from_slice(&piece[cut..]);
        piece.truncate(cut);
        self.at = PieceAt {
            seq,
            offset: self.offset,
            line: self.objects,
            last: self.eof && self.carry.is_empty(),
        };
        self.done = self.at.last;
        // The objects whose `{` is in this piece: the one it starts with
        // (the first piece's first object follows the `[`, not a `,`),
        // and each start found after a `,` in it.
        self.objects += u64::from(seq == 0 || self.at_object) + object_starts(&piece) as u64;
        self.at_object = at_object;
        self.offset += piece.len() as u64;
        let mut loader = match self.loader.take() {
            Some(loader) => loader,
            None => self
                .template
                .as_ref()
                .and_then(|t| t.continuation(self.at.line))
                .expect("a dump's loader always continues"),
        };
        loader.dump_piece(piece.len() as u64, !self.at.last);
        Ok(Piece::Part {
            at: self.at,
            loader,
            bytes: piece,
        })
    }
}

impl<R: Read> Iterator for DumpPieces<'_, R> {
    type Item = Result<Piece, PieceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        Some(self.part())
    }
}

/// Where the guessed object start whose `"model"` key is at `key` in
/// `bytes` has its `{`: that `{` and a `,` before it, each after nothing
/// but JSON whitespace, both in `bytes`.
fn object_start_at(bytes: &[u8], key: usize) -> Option<usize> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    let brace = key.checked_sub(
        1 + bytes[..key]
            .iter()
            .rev()
            .take_while(|b| is_space(b))
            .count(),
    )?;
    if bytes[brace] != b'{' {
        return None;
    }
    let before = bytes[..brace].iter().rev().find(|b| !is_space(b));
    (before == Some(&b',')).then_some(brace)
}

/// The last guessed object start in `bytes` after its first byte (see
/// [`DumpPieces`]).
fn last_object_start(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::rfind_iter(bytes, MODEL_KEY)
        .find_map(|key| object_start_at(bytes, key))
        .filter(|&brace| brace > 0)
}

/// How many guessed object starts `bytes` holds.
fn object_starts(bytes: &[u8]) -> usize {
    memchr::memmem::find_iter(bytes, MODEL_KEY)
        .filter(|&key| object_start_at(bytes, key).is_some())
        .count()
}

/// The key `dumpdata` writes first in every object.
const MODEL_KEY: &[u8] = b"\"model\"";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::bundle::Bundle;

    /// Cuts `text` (a `hub_church.csv`) into pieces of `piece` bytes and
    /// closes them in order, as a front end does on one thread; returns
    /// the row counts, the warnings, and where each piece started.
    fn in_pieces(text: &[u8], piece: usize) -> (String, Vec<PieceAt>) {
        let mut bundle = Bundle::new(Limits::default());
        let loader = bundle.open("hub_church.csv").unwrap();
        let sizes = PieceSizes { piece, from: 0 };
        let spare = Spare::new(sizes);
        let size = text.len() as u64;
        let mut current: Option<FileLoader> = None;
        let mut places = Vec::new();
        for p in CsvPieces::new(text, loader, size, sizes, Limits::default(), &spare) {
            match p.unwrap() {
                Piece::Header { at, loader } => {
                    places.push(at);
                    current = Some(loader.unwrap());
                }
                Piece::Part {
                    at,
                    mut loader,
                    bytes,
                } => {
                    places.push(at);
                    let previous = current.take().unwrap();
                    assert!(at.follows(&previous), "{at:?}");
                    bundle.close(previous).unwrap();
                    loader.push(&bytes).unwrap();
                    spare.give(bytes);
                    current = Some(loader);
                }
                Piece::Whole(_) => panic!("a table with line ends is cut"),
            }
        }
        bundle.close(current.unwrap()).unwrap();
        let loaded = bundle.finish().unwrap();
        (format!("{:?} {:?}", loaded.counts, loaded.warnings), places)
    }

    #[test]
    fn pieces_cut_carry_and_check_as_one_loader_reads() {
        // Rows of 14 bytes, the name quoted over two lines.
        let mut text = b"id,name\n".to_vec();
        for i in 10..40 {
            text.extend_from_slice(format!("{i},\"St.\nMary\"\n").as_bytes());
        }
        let (whole, places) = in_pieces(&text, 1 << 20);
        assert_eq!(
            places,
            [PieceAt::WHOLE.with_last(false), part(1, 8, 2, true)]
        );
        let (cut, places) = in_pieces(&text, 40);
        assert_eq!(cut, whole);
        // 40 bytes hold two whole rows (28 bytes), carried on after the header.
        assert_eq!(places[1], part(1, 8, 2, false));
        assert_eq!(places[2], part(2, 36, 6, false));
        assert_eq!(places.len(), 1 + 15);
        assert!(places.last().unwrap().last);
    }

    #[test]
    fn a_file_without_line_ends_is_read_whole() {
        let mut bundle = Bundle::new(Limits::default());
        let loader = bundle.open("hub_church.csv").unwrap();
        let sizes = PieceSizes { piece: 4, from: 0 };
        let spare = Spare::new(sizes);
        let text: &[u8] = b"id,name";
        let mut pieces = CsvPieces::new(text, loader, 7, sizes, Limits::default(), &spare);
        assert!(matches!(pieces.next(), Some(Ok(Piece::Whole(_)))));
        assert!(pieces.next().is_none());
    }

    fn part(seq: usize, offset: u64, line: u64, last: bool) -> PieceAt {
        PieceAt {
            seq,
            offset,
            line,
            last,
        }
    }

    impl PieceAt {
        fn with_last(self, last: bool) -> PieceAt {
            PieceAt { last, ..self }
        }
    }
}
