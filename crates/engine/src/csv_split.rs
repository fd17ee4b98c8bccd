//! A push-based splitter for PostgreSQL `CSV HEADER` output.
//!
//! Bytes arrive in chunks of any size (a browser `ReadableStream`, a file
//! read in blocks); complete records are handed to a callback as they form.
//! Only the record being formed is buffered.
//!
//! Hand-written rather than built on `csv-core` for one reason: PostgreSQL
//! writes SQL `NULL` as an unquoted empty field and the empty string as
//! `""`, and `csv-core` does not report whether a field was quoted. Every
//! field here carries that flag.

use memchr::{memchr, memchr2};

/// One field of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field's bytes, quotes removed and doubled quotes undone.
    pub bytes: &'a [u8],
    /// Whether the field was quoted in the input.
    pub quoted: bool,
    /// The same bytes as text, when the chunk they are in was checked as
    /// UTF-8 already.
    text: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// The field as text: checked as UTF-8 once per pushed chunk for
    /// records read in place, here for the others.
    #[inline]
    pub fn to_str(&self) -> Result<&'a str, std::str::Utf8Error> {
        match self.text {
            Some(text) => Ok(text),
            None => std::str::from_utf8(self.bytes),
        }
    }

    /// PostgreSQL's NULL: an unquoted empty field.
    pub fn is_null(&self) -> bool {
        self.bytes.is_empty() && !self.quoted
    }
}

/// Where one field of a record is: `bytes[start..end]`, and whether it
/// was quoted.
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: usize,
    end: usize,
    quoted: bool,
}

/// A complete record: its fields and the line it starts on (1-based). It
/// borrows either the input itself (a record whole inside one pushed chunk,
/// without doubled quotes or line ends inside quotes: nearly every record,
/// and no byte is copied) or the splitter's own copy (a record over two
/// chunks, or one whose quoted fields need undoing).
#[derive(Debug)]
pub struct Record<'a> {
    bytes: &'a [u8],
    /// `bytes` as text, as far as they are UTF-8 (the in-place case).
    text: &'a str,
    fields: &'a [Span],
    line: u64,
}

impl Record<'_> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The line of the input this record starts on (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Field `i`, if the record has that many fields.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Field<'_>> {
        let span = self.fields.get(i)?;
        Some(Field {
            bytes: &self.bytes[span.start..span.end],
            quoted: span.quoted,
            // Spans start and end next to ASCII separators, so inside the
            // checked text they are on character boundaries.
            text: self.text.get(span.start..span.end),
        })
    }

    /// Whether this is a blank line (one unquoted empty field).
    pub fn is_blank(&self) -> bool {
        matches!(self.fields, [only] if only.start == only.end && !only.quoted)
    }
}

/// Why the input is not well-formed CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The input ended inside a quoted field.
    UnterminatedQuote {
        /// Line where the field starts.
        line: u64,
    },
    /// One field is longer than the limit (often a quote that never closes).
    FieldTooLong {
        /// Line where the record starts.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// One record (a row: its fields and their count) is longer than
    /// [`record_limit`] of the field limit; many short fields without a
    /// line end (a file that is not CSV) would otherwise fill memory.
    RecordTooLong {
        /// Line where the record starts.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
}

/// Bytes one record may take, fields and per-field bookkeeping together:
/// four times the field limit (at least 64 KiB).
pub fn record_limit(max_field: usize) -> usize {
    max_field.saturating_mul(4).max(64 << 10)
}

/// What each field costs on top of its bytes, counted against the record
/// limit so a line of commas cannot grow without bound.
const FIELD_OVERHEAD: usize = 16;

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitError::UnterminatedQuote { line } => write!(
                f,
                "line {line}: a quoted field starts here and never ends (expected a closing `\"` before the end of the file); the file looks truncated"
            ),
            SplitError::FieldTooLong { line, limit } => write!(
                f,
                "line {line}: a field is longer than {limit} bytes, the limit on one field; often a quote that is never closed, else a field really that long"
            ),
            SplitError::RecordTooLong { line, limit } => write!(
                f,
                "line {line}: a row is longer than {limit} bytes (the row limit: 4 times the field limit, at least 64 KiB) without a line end; expected CSV rows separated by newlines"
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just saw a `"` inside a quoted field: a doubled quote or the end.
    QuoteInQuoted,
    /// After the closing quote of a field.
    AfterQuote,
}

/// The push-based splitter. Feed it with [`Splitter::push`], then call
/// [`Splitter::finish`] once at the end of the input.
#[derive(Debug)]
pub struct Splitter {
    state: State,
    /// The record being formed across chunks (the slow path's copy).
    bytes: Vec<u8>,
    /// Its fields so far; also the fields of a record read in place.
    fields: Vec<Span>,
    /// Line the record being formed starts on.
    record_line: u64,
    field_start: usize,
    quoted: bool,
    line: u64,
    max_field: usize,
    max_record: usize,
    has_data: bool,
}

impl Splitter {
    /// A splitter that refuses fields longer than `max_field` bytes.
    pub fn new(max_field: usize) -> Self {
        Splitter {
            state: State::FieldStart,
            bytes: Vec::new(),
            fields: Vec::new(),
            record_line: 1,
            field_start: 0,
            quoted: false,
            line: 1,
            max_field,
            max_record: record_limit(max_field),
            has_data: false,
        }
    }

    /// A splitter with the same limits for a later piece of the same input
    /// that starts at a record boundary on `line` (see
    /// [`last_record_end`]): pieces split on several threads at once.
    pub fn resumed_at(&self, line: u64) -> Self {
        let mut s = Splitter::new(self.max_field);
        s.line = line;
        s.record_line = line;
        s
    }

    /// `Some(line)` when the bytes pushed so far end exactly at a record
    /// boundary and the next record starts on `line`; `None` in the middle
    /// of a record. A piece split off at a guessed boundary is right when
    /// the piece before it ends here.
    pub fn at_record_boundary(&self) -> Option<u64> {
        self.at_record_start().then_some(self.line)
    }

    fn at_record_start(&self) -> bool {
        self.state == State::FieldStart && self.fields.is_empty() && self.bytes.is_empty()
    }

    /// Splits `input`, calling `on_record` for each record it completes.
    /// An error from the callback stops the split and is returned as is.
    pub fn push<E: From<SplitError>>(
        &mut self,
        mut input: &[u8],
        on_record: &mut dyn FnMut(&Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        // The chunk's text, as far as it is UTF-8, checked once.
        let whole = input;
        let checked = match std::str::from_utf8(whole) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&whole[..e.valid_up_to()]).unwrap_or_default(),
        };
        while !input.is_empty() {
            self.has_data = true;
            if self.at_record_start() {
                // The fast path: whole records read in place, their text
                // checked as UTF-8 once for the whole chunk rather than
                // field by field.
                let mut text = checked.get(whole.len() - input.len()..).unwrap_or_default();
                while let Some(used) = self.record_in_place(input) {
                    let record = Record {
                        bytes: input,
                        text,
                        fields: &self.fields,
                        line: self.line,
                    };
                    let result = on_record(&record);
                    self.fields.clear();
                    self.line += 1;
                    self.record_line = self.line;
                    result?;
                    input = &input[used..];
                    text = text.get(used..).unwrap_or_default();
                }
                if input.is_empty() {
                    break;
                }
            }
            match self.state {
                State::FieldStart => {
                    if input[0] == b'"' {
                        self.quoted = true;
                        self.state = State::Quoted;
                        input = &input[1..];
                    } else {
                        self.state = State::Unquoted;
                    }
                }
                State::Unquoted => match memchr2(b',', b'\n', input) {
                    Some(i) => {
                        self.extend(&input[..i])?;
                        let newline = input[i] == b'\n';
                        input = &input[i + 1..];
                        if newline {
                            // A spreadsheet's CRLF: drop the CR of the last field.
                            if self.bytes.len() > self.field_start
                                && self.bytes.last() == Some(&b'\r')
                            {
                                self.bytes.pop();
                            }
                            self.end_record(on_record)?;
                        } else {
                            self.end_field();
                        }
                    }
                    None => {
                        self.extend(input)?;
                        input = &[];
                    }
                },
                State::Quoted => match memchr(b'"', input) {
                    Some(i) => {
                        self.extend_counting_lines(&input[..i])?;
                        self.state = State::QuoteInQuoted;
                        input = &input[i + 1..];
                    }
                    None => {
                        self.extend_counting_lines(input)?;
                        input = &[];
                    }
                },
                State::QuoteInQuoted => {
                    if input[0] == b'"' {
                        self.extend(b"\"")?;
                        self.state = State::Quoted;
                        input = &input[1..];
                    } else {
                        self.state = State::AfterQuote;
                    }
                }
                State::AfterQuote => {
                    let b = input[0];
                    input = &input[1..];
                    match b {
                        b',' => self.end_field(),
                        b'\n' => self.end_record(on_record)?,
                        b'\r' => {}
                        // Not something PostgreSQL writes; keep the byte as
                        // the csv crate does rather than lose data.
                        other => self.extend(&[other])?,
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads the record at the start of `input` in place, filling
    /// `self.fields` with spans of `input`, and returns the bytes it takes
    /// (its newline included). `None`, with nothing read, for a record the
    /// state machine must read: one that does not end in `input`, has a
    /// doubled quote or a line end inside quotes, bytes after a closing
    /// quote, or a field or row over the limits (which the state machine
    /// reports).
    #[inline]
    fn record_in_place(&mut self, input: &[u8]) -> Option<usize> {
        let used = self.spans_in_place(input);
        if used.is_none_or(|n| n + self.fields.len() * FIELD_OVERHEAD > self.max_record) {
            self.fields.clear();
            return None;
        }
        used
    }

    fn spans_in_place(&mut self, input: &[u8]) -> Option<usize> {
        // The whole line first (one long SIMD search), then its fields with
        // word-at-a-time scans: fields are short, and a library search per
        // field costs more in calls than in bytes.
        let newline = memchr(b'\n', input)?;
        let mut line = &input[..newline];
        if line.last() == Some(&b'\r') {
            // A spreadsheet's CRLF: the CR ends the last field, unless that
            // field is quoted (the state machine keeps that case).
            line = &line[..line.len() - 1];
        }
        let mut i = 0;
        loop {
            let (span, next) = if line.get(i) == Some(&b'"') {
                // A quote inside is a doubled quote (or the field goes on
                // past this line): the state machine undoes those.
                let close = i + 1 + find_byte(&line[i + 1..], b'"')?;
                let span = Span {
                    start: i + 1,
                    end: close,
                    quoted: true,
                };
                match line.get(close + 1) {
                    Some(b',') => (span, Some(close + 2)),
                    None if line.len() == newline => (span, None),
                    _ => return None,
                }
            } else {
                match find_byte(&line[i..], b',') {
                    Some(at) => (
                        Span {
                            start: i,
                            end: i + at,
                            quoted: false,
                        },
                        Some(i + at + 1),
                    ),
                    None => (
                        Span {
                            start: i,
                            end: line.len(),
                            quoted: false,
                        },
                        None,
                    ),
                }
            };
            if span.end - span.start > self.max_field {
                return None;
            }
            self.fields.push(span);
            match next {
                Some(next) => i = next,
                None => return Some(newline + 1),
            }
        }
    }

    /// Ends the input: completes a last record without a final newline, or
    /// reports a quoted field that never ends.
    pub fn finish<E: From<SplitError>>(
        &mut self,
        on_record: &mut dyn FnMut(&Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.state {
            State::Quoted => Err(SplitError::UnterminatedQuote {
                line: self.record_line,
            }
            .into()),
            State::FieldStart if self.fields.is_empty() => Ok(()),
            _ => {
                if self.state == State::Unquoted && self.bytes.last() == Some(&b'\r') {
                    self.bytes.pop();
                }
                self.end_record(on_record)
            }
        }
    }

    /// The index (0-based) of the field being formed: after
    /// [`SplitError::UnterminatedQuote`], the field that never ends.
    pub fn open_field(&self) -> usize {
        self.fields.len()
    }

    /// Whether any byte has been pushed.
    pub fn saw_data(&self) -> bool {
        self.has_data
    }

    fn extend(&mut self, bytes: &[u8]) -> Result<(), SplitError> {
        if self.bytes.len() - self.field_start + bytes.len() > self.max_field {
            return Err(SplitError::FieldTooLong {
                line: self.record_line,
                limit: self.max_field,
            });
        }
        if self.bytes.len() + bytes.len() + self.fields.len() * FIELD_OVERHEAD > self.max_record {
            return Err(SplitError::RecordTooLong {
                line: self.record_line,
                limit: self.max_record,
            });
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn extend_counting_lines(&mut self, bytes: &[u8]) -> Result<(), SplitError> {
        self.line += lines_in(bytes);
        self.extend(bytes)
    }

    fn end_field(&mut self) {
        self.fields.push(Span {
            start: self.field_start,
            end: self.bytes.len(),
            quoted: self.quoted,
        });
        self.field_start = self.bytes.len();
        self.quoted = false;
        self.state = State::FieldStart;
    }

    fn end_record<E>(
        &mut self,
        on_record: &mut dyn FnMut(&Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.end_field();
        let record = Record {
            bytes: &self.bytes,
            text: "",
            fields: &self.fields,
            line: self.record_line,
        };
        let result = on_record(&record);
        self.line += 1;
        self.bytes.clear();
        self.fields.clear();
        self.record_line = self.line;
        self.field_start = 0;
        result
    }
}

/// Where the last complete record of `bytes` ends (just after its
/// newline), for `bytes` that start at a record boundary: the last newline
/// preceded by an even number of `"`. A guess that holds for well-formed
/// CSV (a `"` opens or closes a quoted field, `""` inside one is a quote);
/// a stray `"` inside an unquoted field can fool it, so whoever splits at
/// it checks with [`Splitter::at_record_boundary`] that the piece before
/// really ends there. `None` when no record ends in `bytes`.
pub fn last_record_end(bytes: &[u8]) -> Option<usize> {
    let quotes = memchr::memchr_iter(b'"', bytes).count();
    // Quotes at or after the position looked at, walking back.
    let mut after = 0;
    let mut end = bytes.len();
    while let Some(i) = memchr::memrchr2(b'"', b'\n', &bytes[..end]) {
        if bytes[i] == b'"' {
            after += 1;
        } else if (quotes - after).is_multiple_of(2) {
            return Some(i + 1);
        }
        end = i;
    }
    None
}

/// The first `byte` in `hay`, eight bytes at a time (the bit trick of
/// "determine if a word has a zero byte": the lowest flagged byte is always
/// a real match). For the short fields of a CSV row this beats a library
/// search, whose cost is in the call rather than in the bytes.
#[inline]
fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let pattern = LOW * u64::from(byte);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ pattern;
        let found = word.wrapping_sub(LOW) & !word & HIGH;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == byte)
        .map(|p| at + p)
}

/// How many lines `bytes` moves a splitter on: every `\n` counts, inside
/// quoted fields too, so a piece's first line is the one before it plus
/// the lines of the pieces before it.
pub fn lines_in(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where the first record of `bytes` ends (just after its newline), for
/// `bytes` that start at a record boundary; the same guess as
/// [`last_record_end`]. `None` when no record ends in `bytes`.
pub fn first_record_end(bytes: &[u8]) -> Option<usize> {
    let mut quotes = 0usize;
    let mut start = 0;
    while let Some(i) = memchr2(b'"', b'\n', &bytes[start..]) {
        let at = start + i;
        if bytes[at] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            return Some(at + 1);
        }
        start = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (u64, Vec<(String, bool)>);

    /// A record's line and its fields as text, with their quoted flags.
    fn row(r: &Record) -> Row {
        let fields = (0..r.len())
            .map(|i| {
                let f = r.get(i).unwrap();
                (String::from_utf8(f.bytes.to_vec()).unwrap(), f.quoted)
            })
            .collect();
        (r.line(), fields)
    }

    fn split_chunks(input: &[u8], chunk: usize) -> Result<Vec<Row>, SplitError> {
        let mut rows = Vec::new();
        let mut s = Splitter::new(1 << 20);
        let mut cb = |r: &Record| -> Result<(), SplitError> {
            rows.push(row(r));
            Ok(())
        };
        for c in input.chunks(chunk.max(1)) {
            s.push(c, &mut cb)?;
        }
        s.finish(&mut cb)?;
        Ok(rows)
    }

    const SAMPLE: &[u8] = b"id,title,desc\n1,\"\",\n2,\"a, \"\"b\"\"\nc\",x\r\n3,plain,\"end\"";

    #[test]
    fn null_vs_empty_string_quotes_and_newlines() {
        let rows = split_chunks(SAMPLE, 1 << 16).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].1[1], (String::new(), true)); // "" is empty text
        assert_eq!(rows[1].1[2], (String::new(), false)); // nothing is NULL
        assert_eq!(rows[2].1[1], ("a, \"b\"\nc".to_string(), true));
        assert_eq!(rows[2].1[2], ("x".to_string(), false)); // CR dropped
        assert_eq!(rows[3].1[2], ("end".to_string(), true)); // no final newline
                                                             // Line numbers count the newline inside the quoted field.
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 5]);
    }

    #[test]
    fn any_chunking_gives_the_same_records() {
        let whole = split_chunks(SAMPLE, 1 << 16).unwrap();
        for chunk in 1..SAMPLE.len() {
            assert_eq!(split_chunks(SAMPLE, chunk).unwrap(), whole, "chunk {chunk}");
        }
    }

    /// Records the in-place path reads and records it hands to the state
    /// machine, side by side: CRLF after quoted and unquoted fields, blank
    /// lines, a stray quote inside an unquoted field, bytes after a closing
    /// quote, doubled quotes, a quoted line end, no final newline.
    const TRICKY: &[u8] =
        b"a,b,c\r\n\"q\",\"\"\r\n\nx\"y,\"z\"w,\"\"\"\"\n,,\n\"l1\nl2\",\"\",\r\n\"end\"";

    #[test]
    fn records_in_place_equal_records_of_the_state_machine() {
        let whole = split_chunks(TRICKY, 1 << 16).unwrap();
        fn fields(r: &Row) -> Vec<(&str, bool)> {
            r.1.iter().map(|(t, q)| (t.as_str(), *q)).collect()
        }
        assert_eq!(
            fields(&whole[0]),
            [("a", false), ("b", false), ("c", false)]
        );
        assert_eq!(fields(&whole[1]), [("q", true), ("", true)]);
        assert_eq!(fields(&whole[2]), [("", false)]);
        assert_eq!(
            fields(&whole[3]),
            [("x\"y", false), ("zw", true), ("\"", true)]
        );
        assert_eq!(fields(&whole[4]), [("", false), ("", false), ("", false)]);
        assert_eq!(
            fields(&whole[5]),
            [("l1\nl2", true), ("", true), ("", false)]
        );
        assert_eq!(fields(&whole[6]), [("end", true)]);
        assert_eq!(
            whole.iter().map(|r| r.0).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 8]
        );
        for chunk in 1..TRICKY.len() {
            assert_eq!(split_chunks(TRICKY, chunk).unwrap(), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn word_at_a_time_search_finds_the_first_byte() {
        // Every length up to 40 and every position of the byte, with the
        // byte's neighbours in the ASCII table (which a carry could
        // confuse) and high bytes around it.
        for len in 0..40 {
            for at in 0..=len {
                let mut hay: Vec<u8> = (0..len).map(|i| [b'+', b'-', 0xAC, b'-'][i % 4]).collect();
                if at < len {
                    hay[at] = b',';
                }
                if at + 1 < len {
                    hay[at + 1] = b',';
                }
                let want = hay.iter().position(|&b| b == b',');
                assert_eq!(find_byte(&hay, b','), want, "len {len} at {at}");
            }
        }
        assert_eq!(
            find_byte(b"\x01\x00\x00\x00\x00\x00\x00\x00\x00", 0),
            Some(1)
        );
    }

    #[test]
    fn truncated_inside_quotes_is_an_error() {
        let err = split_chunks(b"id,title\n1,\"never closed\n2,x\n", 7).unwrap_err();
        assert_eq!(err, SplitError::UnterminatedQuote { line: 2 });
    }

    #[test]
    fn field_limit() {
        let mut s = Splitter::new(4);
        let mut cb = |_: &Record| -> Result<(), SplitError> { Ok(()) };
        assert!(s.push(b"abcd,ef\n", &mut cb).is_ok());
        let err = s.push(b"abcde\n", &mut cb).unwrap_err();
        assert_eq!(err, SplitError::FieldTooLong { line: 2, limit: 4 });
    }

    #[test]
    fn record_limit_stops_endless_rows_of_short_fields() {
        let mut s = Splitter::new(4);
        let mut cb = |_: &Record| -> Result<(), SplitError> { Ok(()) };
        let limit = record_limit(4);
        let commas = vec![b','; limit];
        let err = s.push(&commas, &mut cb).unwrap_err();
        assert_eq!(err, SplitError::RecordTooLong { line: 1, limit });
        // Quoted empty fields count too.
        let mut s = Splitter::new(4);
        let quoted = b"\"\",".repeat(limit);
        let err = s.push(&quoted, &mut cb).unwrap_err();
        assert_eq!(err, SplitError::RecordTooLong { line: 1, limit });
        // Rows below the limit, one after another, are fine.
        let mut s = Splitter::new(4);
        let rows = b"a,b,c\n".repeat(limit);
        assert!(s.push(&rows, &mut cb).is_ok());
    }

    /// Splits `input` into pieces at guessed record boundaries, splits
    /// each piece with its own resumed splitter, and checks each guess
    /// like a parallel reader does.
    fn split_in_pieces(input: &[u8], piece: usize) -> Result<Vec<Row>, SplitError> {
        let mut rows = Vec::new();
        let mut cb = |r: &Record| -> Result<(), SplitError> {
            rows.push(row(r));
            Ok(())
        };
        let mut s = Splitter::new(1 << 20);
        let mut rest = input;
        while !rest.is_empty() {
            // A window without a record end grows, as a reader's block does.
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
            s.push(&rest[..cut], &mut cb)?;
            rest = &rest[cut..];
            if !rest.is_empty() {
                let line = s
                    .at_record_boundary()
                    .expect("the guess holds for well-formed CSV");
                s = s.resumed_at(line);
            }
        }
        s.finish(&mut cb)?;
        Ok(rows)
    }

    #[test]
    fn pieces_cut_at_guessed_boundaries_give_the_same_records() {
        let whole = split_chunks(SAMPLE, 1 << 16).unwrap();
        for piece in 1..SAMPLE.len() {
            assert_eq!(
                split_in_pieces(SAMPLE, piece).unwrap(),
                whole,
                "piece {piece}"
            );
        }
    }

    #[test]
    fn record_ends_skip_newlines_inside_quotes() {
        assert_eq!(first_record_end(b"a,\"x\ny\"\nb\n"), Some(8));
        assert_eq!(last_record_end(b"a\nb,\"x\ny\"\nc,\"p\nq"), Some(10));
        assert_eq!(last_record_end(b"\"open\nstill open"), None);
        assert_eq!(first_record_end(b"no newline"), None);
        // A stray quote inside an unquoted field fools the guess; the
        // splitter, which treats it as text, says the piece did not end.
        let input = b"a\"b\nc,\"d\ne\"\n";
        assert_eq!(last_record_end(input), Some(9));
        let mut s = Splitter::new(64);
        let mut cb = |_: &Record| -> Result<(), SplitError> { Ok(()) };
        s.push(&input[..9], &mut cb).unwrap();
        assert_eq!(s.at_record_boundary(), None);
        s.push(&input[9..], &mut cb).unwrap();
        assert_eq!(s.at_record_boundary(), Some(4));
    }

    #[test]
    fn empty_input_has_no_records() {
        assert!(split_chunks(b"", 3).unwrap().is_empty());
    }
}
