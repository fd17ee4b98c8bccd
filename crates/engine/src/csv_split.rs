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
}

impl Field<'_> {
    /// PostgreSQL's NULL: an unquoted empty field.
    pub fn is_null(&self) -> bool {
        self.bytes.is_empty() && !self.quoted
    }
}

/// A complete record: its fields and the line it starts on (1-based).
#[derive(Debug, Default)]
pub struct Record {
    bytes: Vec<u8>,
    /// (end offset in `bytes`, quoted) per field; a field starts where the
    /// previous one ends.
    ends: Vec<(usize, bool)>,
    line: u64,
}

impl Record {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The line of the input this record starts on (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Field `i`, if the record has that many fields.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Field<'_>> {
        let (end, quoted) = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1].0 };
        Some(Field {
            bytes: &self.bytes[start..end],
            quoted,
        })
    }

    /// Whether this is a blank line (one unquoted empty field).
    pub fn is_blank(&self) -> bool {
        self.ends.len() == 1 && self.bytes.is_empty() && !self.ends[0].1
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
    record: Record,
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
            record: Record {
                line: 1,
                ..Record::default()
            },
            field_start: 0,
            quoted: false,
            line: 1,
            max_field,
            max_record: record_limit(max_field),
            has_data: false,
        }
    }

    /// Splits `input`, calling `on_record` for each record it completes.
    /// An error from the callback stops the split and is returned as is.
    pub fn push<E: From<SplitError>>(
        &mut self,
        mut input: &[u8],
        on_record: &mut dyn FnMut(&Record) -> Result<(), E>,
    ) -> Result<(), E> {
        while !input.is_empty() {
            self.has_data = true;
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
                            if self.record.bytes.len() > self.field_start
                                && self.record.bytes.last() == Some(&b'\r')
                            {
                                self.record.bytes.pop();
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

    /// Ends the input: completes a last record without a final newline, or
    /// reports a quoted field that never ends.
    pub fn finish<E: From<SplitError>>(
        &mut self,
        on_record: &mut dyn FnMut(&Record) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.state {
            State::Quoted => Err(SplitError::UnterminatedQuote {
                line: self.record.line,
            }
            .into()),
            State::FieldStart if self.record.ends.is_empty() => Ok(()),
            _ => {
                if self.state == State::Unquoted && self.record.bytes.last() == Some(&b'\r') {
                    self.record.bytes.pop();
                }
                self.end_record(on_record)
            }
        }
    }

    /// The index (0-based) of the field being formed: after
    /// [`SplitError::UnterminatedQuote`], the field that never ends.
    pub fn open_field(&self) -> usize {
        self.record.ends.len()
    }

    /// Whether any byte has been pushed.
    pub fn saw_data(&self) -> bool {
        self.has_data
    }

    fn extend(&mut self, bytes: &[u8]) -> Result<(), SplitError> {
        if self.record.bytes.len() - self.field_start + bytes.len() > self.max_field {
            return Err(SplitError::FieldTooLong {
                line: self.record.line,
                limit: self.max_field,
            });
        }
        if self.record.bytes.len() + bytes.len() + self.record.ends.len() * FIELD_OVERHEAD
            > self.max_record
        {
            return Err(SplitError::RecordTooLong {
                line: self.record.line,
                limit: self.max_record,
            });
        }
        self.record.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn extend_counting_lines(&mut self, bytes: &[u8]) -> Result<(), SplitError> {
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.extend(bytes)
    }

    fn end_field(&mut self) {
        self.record
            .ends
            .push((self.record.bytes.len(), self.quoted));
        self.field_start = self.record.bytes.len();
        self.quoted = false;
        self.state = State::FieldStart;
    }

    fn end_record<E>(
        &mut self,
        on_record: &mut dyn FnMut(&Record) -> Result<(), E>,
    ) -> Result<(), E> {
        self.end_field();
        let result = on_record(&self.record);
        self.line += 1;
        self.record.bytes.clear();
        self.record.ends.clear();
        self.record.line = self.line;
        self.field_start = 0;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (u64, Vec<(String, bool)>);

    fn split_chunks(input: &[u8], chunk: usize) -> Result<Vec<Row>, SplitError> {
        let mut rows = Vec::new();
        let mut s = Splitter::new(1 << 20);
        let mut cb = |r: &Record| -> Result<(), SplitError> {
            let fields = (0..r.len())
                .map(|i| {
                    let f = r.get(i).unwrap();
                    (String::from_utf8(f.bytes.to_vec()).unwrap(), f.quoted)
                })
                .collect();
            rows.push((r.line(), fields));
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

    #[test]
    fn empty_input_has_no_records() {
        assert!(split_chunks(b"", 3).unwrap().is_empty());
    }
}
