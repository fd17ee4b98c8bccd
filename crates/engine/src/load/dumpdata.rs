//! Django `dumpdata` JSON (SPEC §2b), read as a stream.
//!
//! A dump is one JSON array that can be gigabytes long, so it is never
//! parsed whole: a small scanner finds where each top-level object ends
//! (tracking strings, escapes and nesting depth), and only that object is
//! handed to `serde_json`. Memory holds one object at a time.

mod apply;
mod fast;
mod fields;
mod issue;

use super::bad_rows::BadRows;
use super::catalogue::Table;
use super::error::{LoadError, LoadErrorKind};
use super::limits::Limits;
use super::location::Location;
use super::raw::RawTables;
use super::warning::Warnings;
use crate::id_column::NO_ID;
use fields::{parse_fields, table_of, Envelope, OnePass, Raw};
use issue::{reference, serde_message, ObjectIssue, Reference};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before the opening `[`.
    Start,
    /// After `[` or `,`: an object or `]` comes next.
    BeforeObject,
    /// Inside a top-level object.
    InObject,
    /// After an object: `,` or `]` comes next.
    AfterObject,
    /// After the closing `]`.
    Done,
}

/// Parses one dump file pushed in chunks.
pub(crate) struct DumpParser {
    file: String,
    limits: Limits,
    phase: Phase,
    buf: Vec<u8>,
    depth: usize,
    in_string: bool,
    escaped: bool,
    index: u64,
    raw: RawTables,
    warnings: Warnings,
    bad_rows: BadRows,
    /// Whether a large chunk is read in two parts at once (see
    /// [`DumpParser::push`]). Off for a piece of a dump that the front end
    /// parses beside the other pieces: the cores are busy already.
    split: bool,
}

impl DumpParser {
    pub(crate) fn new(file: &str, limits: Limits) -> Self {
        DumpParser {
            file: file.to_string(),
            limits,
            phase: Phase::Start,
            buf: Vec::new(),
            depth: 0,
            in_string: false,
            escaped: false,
            index: 0,
            raw: RawTables::default(),
            warnings: Warnings::default(),
            bad_rows: BadRows::default(),
            split: true,
        }
    }

    /// A parser for a later piece of the same dump that starts with the
    /// `{` of top-level object number `index` (0-based, the number of
    /// objects before it): its objects, malformed ones and errors are
    /// numbered as in the whole file. Closed after the pieces before it,
    /// in file order, it loads what one parser fed the whole file would,
    /// provided the piece really starts there: see
    /// [`DumpParser::next_object`].
    pub(crate) fn continuation(&self, index: u64) -> Self {
        let mut next = DumpParser::new(&self.file, self.limits);
        next.phase = Phase::BeforeObject;
        next.index = index;
        next.split = self.split;
        next
    }

    /// Reads each chunk on this thread only (see [`DumpParser::split`]).
    pub(crate) fn without_split(&mut self) {
        self.split = false;
    }

    /// `Some(index)` when the bytes pushed so far end between two
    /// top-level objects, after the `,`, and the next object is number
    /// `index`; `None` anywhere else (inside an object, before the
    /// array, after an object but before its `,`).
    pub(crate) fn next_object(&self) -> Option<u64> {
        (self.phase == Phase::BeforeObject).then_some(self.index)
    }

    pub(crate) fn objects(&self) -> u64 {
        self.index
    }

    fn error(&self, message: impl Into<String>) -> LoadError {
        LoadError::new(&self.file, Some(Location::Object(self.index)), message)
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        // The chunk's text, checked as UTF-8 once: serde then reads it as
        // `&str` without checking each string again. It ends before a
        // character cut at the chunk's end, or before a byte that is not
        // UTF-8 (whose object then goes through the scanner, which says
        // where it is).
        let text = match std::str::from_utf8(chunk) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or_default(),
        };
        let mut i = 0;
        // First the array's start, or the end of the object that the last
        // chunk cut.
        while i < chunk.len() && matches!(self.phase, Phase::Start | Phase::InObject) {
            i = self.run(chunk, text, i, i + 1)?;
        }
        // A large chunk is read in two parts at once: the objects from a
        // likely object start on (parsed only, on a second thread where
        // there is one) while this thread takes in the objects before it.
        // The guess holds when this thread then stands right there,
        // before an object; else the second part's work is dropped.
        while let Some(split) = self.split_point(text, i) {
            let limits = self.limits;
            let (ahead, before) = crate::parallel::both(
                || read_ahead(&text[split..], &limits),
                || self.run(chunk, text, i, split),
            );
            i = before?;
            if i != split || self.phase != Phase::BeforeObject {
                break;
            }
            let (objects, len) = ahead;
            for object in &objects {
                self.take(object)?;
                self.index += 1;
                self.phase = Phase::AfterObject;
            }
            i += len;
        }
        self.run(chunk, text, i, chunk.len()).map(|_| ())
    }

    /// Where the rest of `text` from `i` could be split for
    /// [`read_ahead`]: the `{` of a `{"model"` that follows a `,` (in
    /// valid JSON such a `{` opens an object; whether a top-level one is
    /// checked later), about 40% of the way in, since this thread also
    /// takes in what the other one reads. `None` when the rest is too
    /// small to be worth a second thread.
    fn split_point(&self, text: &str, i: usize) -> Option<usize> {
        if !self.split {
            return None;
        }
        if self.phase != Phase::BeforeObject && self.phase != Phase::AfterObject {
            return None;
        }
        let rest = text.len().checked_sub(i)?;
        if rest < SPLIT_MIN {
            return None;
        }
        let from = i + rest * 2 / 5;
        let bytes = text.as_bytes();
        let mut at = from;
        loop {
            let q = at + memchr::memmem::find(&bytes[at..], b"{\"model\"")?;
            let before = bytes[from..q].trim_ascii_end();
            if before.last() == Some(&b',') {
                return Some(q);
            }
            at = q + 1;
        }
    }

    /// Parses `chunk` from `i` on, stopping at `stop` or after the object
    /// or byte that crosses it; returns where it stopped.
    fn run(
        &mut self,
        chunk: &[u8],
        text: &str,
        mut i: usize,
        stop: usize,
    ) -> Result<usize, LoadError> {
        while i < stop {
            // Objects that lie wholly in the chunk are read straight from
            // it, in one pass; the scanner below finds the end of the
            // others (cut by the chunk's end, malformed, or near a limit).
            if self.phase == Phase::BeforeObject && chunk[i] == b'{' && i < text.len() {
                if let Some(len) = self.single_pass(&text[i..])? {
                    i += len;
                    self.index += 1;
                    self.phase = Phase::AfterObject;
                    continue;
                }
            }
            match self.phase {
                Phase::Start | Phase::BeforeObject | Phase::AfterObject | Phase::Done => {
                    let b = chunk[i];
                    i += 1;
                    if b.is_ascii_whitespace()
                        || (self.phase == Phase::Start && matches!(b, 0xEF | 0xBB | 0xBF))
                    {
                        continue;
                    }
                    self.structural(b)?;
                }
                Phase::InObject => {
                    let start = i;
                    let end = self.scan_object(chunk, i)?;
                    let complete = self.depth == 0;
                    if self.buf.len() + (end - start) > self.limits.max_field_bytes {
                        let limit = self.limits.max_field_bytes;
                        return Err(LoadError::of_kind(
                            &self.file,
                            Some(Location::Object(self.index)),
                            LoadErrorKind::FieldTooLong { limit },
                            format!(
                                "one object is larger than {limit} bytes, the limit on one object"
                            ),
                        ));
                    }
                    self.buf.extend_from_slice(&chunk[start..end]);
                    i = end;
                    if complete {
                        let object = std::mem::take(&mut self.buf);
                        self.object(&object)?;
                        self.buf = object;
                        self.buf.clear();
                        self.index += 1;
                        self.phase = Phase::AfterObject;
                    }
                }
            }
        }
        Ok(i)
    }

    /// Handles one non-space byte outside objects.
    fn structural(&mut self, b: u8) -> Result<(), LoadError> {
        match (self.phase, b) {
            (Phase::Start, b'[') => self.phase = Phase::BeforeObject,
            (Phase::Start, b'{') => {
                return Err(LoadError::new(
                    &self.file,
                    None,
                    "the file is a JSON object; expected a JSON array of objects as `manage.py dumpdata` writes it",
                ))
            }
            (Phase::Start, _) => {
                return Err(LoadError::new(
                    &self.file,
                    None,
                    format!(
                        "the file starts with text that is not JSON (found {}), for example messages that manage.py printed before the data; export it cleanly with `python manage.py dumpdata -o FILE.json`, which writes only the `manage.py dumpdata` array `[{{\"model\": ..., \"fields\": ...}}, ...]`",
                        show_byte(b)
                    ),
                ))
            }
            (Phase::BeforeObject, b'{') => {
                self.phase = Phase::InObject;
                self.depth = 1;
                self.buf.clear();
                self.buf.push(b'{');
            }
            (Phase::BeforeObject, b']') if self.index == 0 => self.phase = Phase::Done,
            (Phase::AfterObject, b',') => self.phase = Phase::BeforeObject,
            (Phase::AfterObject, b']') => self.phase = Phase::Done,
            (Phase::Done, _) => {
                return Err(LoadError::new(
                    &self.file,
                    None,
                    format!(
                        "found {} after the end of the JSON array; expected one array per file",
                        show_byte(b)
                    ),
                ))
            }
            (_, other) => {
                return Err(self.error(format!(
                    "found {} where a dumped object `{{\"model\": ..., \"fields\": ...}}` was expected",
                    show_byte(other)
                )))
            }
        }
        Ok(())
    }

    /// Scans from `i` until the object closes or the chunk ends; returns
    /// the end position (exclusive).
    fn scan_object(&mut self, chunk: &[u8], mut i: usize) -> Result<usize, LoadError> {
        while i < chunk.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                    Some(j) => {
                        i += j;
                        if chunk[i] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                        }
                        i += 1;
                    }
                    None => return Ok(chunk.len()),
                }
                continue;
            }
            match chunk[i] {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth > self.limits.max_json_depth {
                        let limit = self.limits.max_json_depth;
                        return Err(LoadError::of_kind(
                            &self.file,
                            Some(Location::Object(self.index)),
                            LoadErrorKind::TooDeep { limit },
                            format!("JSON nested deeper than {limit} levels, the limit"),
                        ));
                    }
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Ok(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Ok(i)
    }

    /// Ends the parser: at the end of the file, or, with `file_ends`
    /// false, at the end of a piece after which the file goes on (between
    /// two objects, where the next piece starts).
    pub(crate) fn finish(
        mut self,
        file_ends: bool,
    ) -> Result<(RawTables, Warnings, BadRows), LoadError> {
        match self.phase {
            // Not shrunk here: the bundle shrinks its columns once, at the end.
            Phase::Done => Ok((self.raw, self.warnings, self.bad_rows)),
            Phase::BeforeObject if !file_ends => Ok((self.raw, self.warnings, self.bad_rows)),
            // Cut off inside an object: that object is malformed, the ones
            // before it are whole.
            Phase::InObject => {
                self.bad_rows.add_cut_off(
                    &self.file,
                    Location::Object(self.index),
                    None,
                    "the end of the file inside this object".to_string(),
                    "its closing `}`",
                );
                Ok((self.raw, self.warnings, self.bad_rows))
            }
            Phase::Start => Err(LoadError::new(
                &self.file,
                None,
                "the file is empty; expected a `manage.py dumpdata` JSON array",
            )),
            _ => Err(self.error(
                "the file ends in the middle of its array, between two objects: the file is incomplete, export it again",
            )),
        }
    }

    /// One whole object that the scanner delimited (it came in more than
    /// one chunk, or the single pass below could not take it).
    fn object(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        if let Err(e) = std::str::from_utf8(bytes) {
            let bad = bytes[e.valid_up_to()];
            return Err(self.error(format!(
                "the text is not UTF-8 (found byte 0x{bad:02X} after `{}`); expected UTF-8 JSON as `manage.py dumpdata` writes it: the file may have been re-saved as Latin-1 or Windows-1252",
                tail_text(&bytes[..e.valid_up_to()])
            )));
        }
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        if self.single_pass(text)? == Some(text.len()) {
            return Ok(());
        }
        self.object_in_two_passes(text)
    }

    /// Reads the object at the start of `text` in one serde pass (model,
    /// pk and the model's typed fields at once) and takes it in. Returns
    /// its length, or `None` when this pass cannot take the object
    /// as is: `text` ends inside it, it is malformed (the two-pass path
    /// then says exactly what is wrong), its `fields` come before its
    /// `model`, or it is too large or possibly too deep for the limits
    /// (the scanner then checks them exactly).
    fn single_pass(&mut self, text: &str) -> Result<Option<usize>, LoadError> {
        // The object is taken in where serde left it: moving it (some
        // 200 bytes) out through each layer was 9 % of a dump's load
        // (memmove, profile 2026-12-07).
        // Events and feed items, nearly all of a dump, first by the fast
        // reader (half of serde's time on them, profile 2026-12-07);
        // whatever it does not take, by serde.
        if let Some((object, len)) = fast::read(text) {
            if !within_limits(text, len, &self.limits) {
                return Ok(None);
            }
            self.take(&object)?;
            return Ok(Some(len));
        }
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<OnePass<'_>>();
        let Some(Ok(object)) = stream.next() else {
            return Ok(None);
        };
        let len = stream.byte_offset();
        if !within_limits(text, len, &self.limits) {
            return Ok(None);
        }
        self.take(&object)?;
        Ok(Some(len))
    }

    /// Takes in an object read in one pass.
    fn take(&mut self, object: &OnePass<'_>) -> Result<(), LoadError> {
        let model = &*object.model;
        let Some(table) = object.table else {
            self.raw.note_other_model(model);
            return Ok(());
        };
        if let Some(pk) = self.pk(table, model, object.pk)? {
            if let Err(issue) = apply::apply(&mut self.raw, &self.file, model, pk, &object.fields) {
                self.bad(issue);
            }
        }
        Ok(())
    }

    /// The object in `text` read as before the single pass: its envelope
    /// first, then its `fields` by model. Slower, but it names what is
    /// wrong with a malformed object.
    fn object_in_two_passes(&mut self, text: &str) -> Result<(), LoadError> {
        let envelope: Envelope<'_> = match serde_json::from_str(text) {
            Ok(envelope) => envelope,
            // Well-formed JSON with a `model` that is not text: malformed.
            Err(e) if e.classify() == serde_json::error::Category::Data => {
                let issue = ObjectIssue::from_serde::<Envelope<'_>>("", text, &e, "object");
                self.bad(issue);
                return Ok(());
            }
            Err(e) => {
                return Err(self.error(format!(
                    "not a dumped object ({}); expected {{\"model\": ..., \"pk\": ..., \"fields\": {{...}}}}",
                    serde_message(&e)
                )))
            }
        };
        let Some(model) = envelope.model.as_deref() else {
            self.bad(ObjectIssue::missing(
                "",
                "model",
                "nothing",
                "the model's name, e.g. \"auth.user\"",
            ));
            return Ok(());
        };
        let Some(table) = table_of(model) else {
            self.raw.note_other_model(model);
            return Ok(());
        };
        let Some(pk) = self.pk(table, model, envelope.pk.map(|v| Raw(v.get())))? else {
            return Ok(());
        };
        let Some(fields) = envelope.fields else {
            self.bad(ObjectIssue::missing(
                model,
                "fields",
                "nothing",
                "an object of the model's fields",
            ));
            return Ok(());
        };
        let taken = parse_fields(table, model, fields)
            .and_then(|f| apply::apply(&mut self.raw, &self.file, model, pk, &f));
        if let Err(issue) = taken {
            self.bad(issue);
        }
        Ok(())
    }

    /// Notes that `table` comes from this file and reads the object's
    /// pk: `None` when the object is malformed (counted here). Only a
    /// content type may go without one (its natural key names it).
    fn pk(
        &mut self,
        table: Table,
        model: &str,
        value: Option<Raw<'_>>,
    ) -> Result<Option<i64>, LoadError> {
        self.raw.note_source(table, &self.file);
        if table == Table::Profiles {
            // A dumped profile carries its fasts: the memberships table.
            self.raw.note_source(Table::Memberships, &self.file);
        }
        let pk = match reference(value) {
            Ok(Reference::Pk(pk)) => Some(pk),
            Ok(Reference::Null) => None,
            Ok(Reference::Natural(_)) | Err(_) => {
                let found = value.map_or(String::new(), |v| v.get().to_string());
                self.bad(ObjectIssue::new(model, "pk", &found, "a whole number"));
                return Ok(None);
            }
        };
        if pk.is_none() && table != Table::ContentTypes {
            if table == Table::Users {
                return Err(self.error(
                    "auth.user object without a pk: the dump was made with --natural-primary; export again without that flag",
                ));
            }
            let found = if value.is_some() { "null" } else { "nothing" };
            self.bad(ObjectIssue::missing(model, "pk", found, "a whole number"));
            return Ok(None);
        }
        Ok(Some(pk.unwrap_or(NO_ID)))
    }

    /// Counts the current object as malformed.
    fn bad(&mut self, issue: ObjectIssue) {
        self.bad_rows.add(
            &self.file,
            Location::Object(self.index),
            issue.what,
            Some(&issue.column),
            issue.found,
            &issue.expected,
        );
    }
}

/// The smallest rest of a chunk that is read in two parts at once.
const SPLIT_MIN: usize = 64 << 10;

/// The object at the start of `text`, read in one serde pass, and its
/// length; `None` when [`DumpParser::single_pass`] must leave it to the
/// scanner and the two-pass reading.
fn read_one<'a>(text: &'a str, limits: &Limits) -> Option<(OnePass<'a>, usize)> {
    let (object, len) = fast::read(text).or_else(|| read_by_serde(text))?;
    within_limits(text, len, limits).then_some((object, len))
}

/// The object at the start of `text` and its length, read by serde.
fn read_by_serde(text: &str) -> Option<(OnePass<'_>, usize)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<OnePass<'_>>();
    let object = stream.next()?.ok()?;
    Some((object, stream.byte_offset()))
}

/// Whether the object that `text` starts with, `len` bytes long, is
/// surely within the limits; when not, the scanner checks them exactly,
/// and words the errors.
fn within_limits(text: &str, len: usize, limits: &Limits) -> bool {
    len <= limits.max_field_bytes && openings(&text.as_bytes()[..len]) <= limits.max_json_depth
}

/// The objects at the start of `text` (the first at its very start, the
/// others after a `,`) that [`read_one`] can read, up to the first that
/// it cannot or the end of the array; and the length they span. Pure, so
/// that it can run on another thread: the caller takes them in, in order.
fn read_ahead<'a>(text: &'a str, limits: &Limits) -> (Vec<OnePass<'a>>, usize) {
    let bytes = text.as_bytes();
    let mut objects = Vec::new();
    let mut end = 0;
    loop {
        let mut at = end;
        if !objects.is_empty() {
            at += json_space(&bytes[at..]);
            if bytes.get(at) != Some(&b',') {
                break;
            }
            at += 1;
            at += json_space(&bytes[at..]);
        }
        if bytes.get(at) != Some(&b'{') {
            break;
        }
        let Some((object, len)) = read_one(&text[at..], limits) else {
            break;
        };
        objects.push(object);
        end = at + len;
    }
    (objects, end)
}

/// How many JSON whitespace bytes `bytes` starts with.
fn json_space(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        .count()
}

/// How many `{` and `[` bytes `bytes` holds, strings included: a bound on
/// its nesting depth that one quick pass finds. (`[` is `{` with bit 0x20
/// off.)
fn openings(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|c| c.iter().fold(0u8, |n, &b| n + u8::from(b | 0x20 == b'{')) as usize)
        .sum()
}

/// A byte as a user can read it: printable ASCII as itself, else in hex.
fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", char::from(b))
    } else {
        format!("byte 0x{b:02X}")
    }
}

/// The last few characters of valid text, to show where a bad byte sits.
fn tail_text(valid: &[u8]) -> String {
    let text = std::str::from_utf8(valid).unwrap_or_default();
    let start = text.char_indices().rev().nth(19).map_or(0, |(i, _)| i);
    text[start..].to_string()
}

#[cfg(test)]
mod tests;
