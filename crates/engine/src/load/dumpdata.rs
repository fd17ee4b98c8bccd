//! Django `dumpdata` JSON (SPEC §2b), read as a stream.
//!
//! A dump is one JSON array that can be gigabytes long, so it is never
//! parsed whole: a small scanner finds where each top-level object ends
//! (tracking strings, escapes and nesting depth), and only that object is
//! handed to `serde_json`. Memory holds one object at a time.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::bad_rows::BadRows;
use super::catalogue::Table;
use super::error::{LoadError, LoadErrorKind};
use super::limits::Limits;
use super::location::Location;
use super::raw::{RawFast, RawTables, RawUser, UserRef};
use super::warning::Warnings;
use crate::id_column::NO_ID;
use crate::timestamp::{shorten, Timestamp, TIMESTAMP_FORMS};

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
}

/// The envelope of every dumped object. `model` and `fields` are optional
/// here so that an object without them is a malformed object (SPEC §2d),
/// not a file that cannot be read.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pk: Option<&'a RawValue>,
    #[serde(borrow, default)]
    fields: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct UserFields<'a> {
    #[serde(borrow)]
    username: Cow<'a, str>,
    #[serde(borrow, default)]
    email: Option<Cow<'a, str>>,
    #[serde(borrow)]
    date_joined: Cow<'a, str>,
    #[serde(borrow, default)]
    is_staff: Option<&'a RawValue>,
    #[serde(borrow, default)]
    is_superuser: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct NameFields<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
}

#[derive(Deserialize)]
struct FastFields<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    church: Option<&'a RawValue>,
    #[serde(default)]
    year: Option<i64>,
}

#[derive(Deserialize)]
struct ProfileFields<'a> {
    #[serde(borrow)]
    user: &'a RawValue,
    #[serde(default)]
    fasts: Vec<i64>,
    /// `Some` whenever the field is there, `null` included, so that an
    /// absent field can be told from a profile without a church.
    #[serde(borrow, default, deserialize_with = "present")]
    church: Option<&'a RawValue>,
}

/// A field that is there, even when `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// A dumped boolean (`true`; also `"t"`, `"true"`, `1`); anything else is
/// false.
fn dumped_flag(value: Option<&RawValue>) -> bool {
    value.is_some_and(|v| {
        let text = v.get().trim_matches('"');
        super::csv_tables::is_true(text.as_bytes())
    })
}

#[derive(Deserialize)]
struct EventTypeFields<'a> {
    #[serde(borrow)]
    code: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ContentTypeFields<'a> {
    #[serde(borrow)]
    app_label: Cow<'a, str>,
    #[serde(borrow)]
    model: Cow<'a, str>,
}

#[derive(Deserialize)]
struct EventFields<'a> {
    #[serde(borrow)]
    event_type: &'a RawValue,
    #[serde(borrow, default)]
    user: Option<&'a RawValue>,
    #[serde(borrow, default)]
    content_type: Option<&'a RawValue>,
    #[serde(borrow, default)]
    object_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
}

#[derive(Deserialize)]
struct FeedFields<'a> {
    #[serde(borrow)]
    user: &'a RawValue,
    #[serde(borrow)]
    activity_type: Cow<'a, str>,
    #[serde(borrow, default)]
    content_type: Option<&'a RawValue>,
    #[serde(borrow, default)]
    object_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    created_at: Cow<'a, str>,
}

/// `hub.day` (SPEC §2b): a calendar day of a fast, or of a church when
/// `fast` is null.
#[derive(Deserialize)]
struct DayFields<'a> {
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(borrow, default)]
    fast: Option<&'a RawValue>,
}

/// A known model's fields, typed.
enum Fields<'a> {
    Days(DayFields<'a>),
    Users(UserFields<'a>),
    Churches(NameFields<'a>),
    Fasts(FastFields<'a>),
    Profiles(ProfileFields<'a>),
    EventTypes(EventTypeFields<'a>),
    ContentTypes(ContentTypeFields<'a>),
    Events(EventFields<'a>),
    Feed(FeedFields<'a>),
    /// A model the report does not read: its fields were only checked to
    /// be JSON.
    Skipped,
}

/// A whole dumped object read in one serde pass: the envelope and, since
/// `dumpdata` writes `model` before `fields`, the model's typed fields
/// with it. Any surprise (no `model`, `fields` first, a duplicate key, a
/// wrong type) is a deserialization error, and the caller then reads the
/// object in two passes ([`Envelope`], then the fields by model), which
/// names what is wrong: this type only has to be right for good objects.
struct OnePass<'a> {
    model: Cow<'a, str>,
    table: Option<Table>,
    pk: Option<&'a RawValue>,
    fields: Fields<'a>,
}

impl<'de> Deserialize<'de> for OnePass<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(OnePassVisitor)
    }
}

struct OnePassVisitor;

impl<'de> serde::de::Visitor<'de> for OnePassVisitor {
    type Value = OnePass<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a dumped object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let mut model: Option<Cow<'de, str>> = None;
        let mut table = None;
        let mut pk: Option<Option<&'de RawValue>> = None;
        let mut fields = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Model if model.is_none() => {
                    let name = map.next_value::<Text<'de>>()?.0;
                    table = table_of(&name);
                    model = Some(name);
                }
                Key::Pk if pk.is_none() => pk = Some(map.next_value()?),
                Key::Fields if fields.is_none() && model.is_some() => {
                    fields = Some(map.next_value_seed(FieldsSeed(table))?);
                }
                Key::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                _ => return Err(A::Error::custom("not in dumpdata's own form")),
            }
        }
        match (model, fields) {
            (Some(model), Some(fields)) => Ok(OnePass {
                model,
                table,
                pk: pk.flatten(),
                fields,
            }),
            _ => Err(A::Error::custom("no model or no fields")),
        }
    }
}

/// A key of a dumped object.
enum Key {
    Model,
    Pk,
    Fields,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "model" => Key::Model,
                    "pk" => Key::Pk,
                    "fields" => Key::Fields,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// Text, borrowed from the input when it has no escapes (serde's own
/// `Cow<str>` always copies).
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// Reads `fields` as the typed fields of the model's table (`None`: a
/// model the report does not read, whose fields are skipped).
struct FieldsSeed(Option<Table>);

impl<'de> serde::de::DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        Ok(match self.0 {
            Some(Table::Users) => Fields::Users(Deserialize::deserialize(d)?),
            Some(Table::Churches) => Fields::Churches(Deserialize::deserialize(d)?),
            Some(Table::Fasts) => Fields::Fasts(Deserialize::deserialize(d)?),
            Some(Table::Profiles) => Fields::Profiles(Deserialize::deserialize(d)?),
            Some(Table::EventTypes) => Fields::EventTypes(Deserialize::deserialize(d)?),
            Some(Table::ContentTypes) => Fields::ContentTypes(Deserialize::deserialize(d)?),
            Some(Table::Events) => Fields::Events(Deserialize::deserialize(d)?),
            Some(Table::Feed) => Fields::Feed(Deserialize::deserialize(d)?),
            Some(Table::Days) => Fields::Days(Deserialize::deserialize(d)?),
            Some(Table::Memberships) | None => {
                serde::de::IgnoredAny::deserialize(d)?;
                Fields::Skipped
            }
        })
    }
}

/// A malformed object (SPEC §2d): counted, left out, and an error unless
/// the bundle skips bad rows.
struct ObjectIssue {
    /// What is wrong with such objects, e.g. "hub.fast objects have an
    /// unreadable `year`".
    what: String,
    column: String,
    found: String,
    expected: String,
}

/// "auth.user objects", or "objects" when the model is not known.
fn objects(model: &str) -> String {
    if model.is_empty() {
        "objects".to_string()
    } else {
        format!("{model} objects")
    }
}

impl ObjectIssue {
    /// `field` holds `found`, which is not `expected`.
    fn new(model: &str, field: &str, found: &str, expected: &str) -> ObjectIssue {
        ObjectIssue {
            what: format!("{} have an unreadable `{field}`", objects(model)),
            column: field.to_string(),
            found: shorten(found),
            expected: expected.to_string(),
        }
    }

    /// `field` is absent (or null) where `expected` is needed; `found`
    /// says which.
    fn missing(model: &str, field: &str, found: &str, expected: &str) -> ObjectIssue {
        ObjectIssue {
            what: format!("{} have no `{field}`", objects(model)),
            column: field.to_string(),
            found: found.to_string(),
            expected: expected.to_string(),
        }
    }

    /// Why `text` does not deserialize as `T` (serde_json said `e`),
    /// naming the field: a second pass through serde_path_to_error, only
    /// on this error path, finds which one. `whole` names the value
    /// itself, for an error at its top.
    fn from_serde<'a, T: Deserialize<'a>>(
        model: &str,
        text: &'a str,
        e: &serde_json::Error,
        whole: &str,
    ) -> ObjectIssue {
        let mut de = serde_json::Deserializer::from_str(text);
        let field = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(pe) => pe.path().iter().find_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            }),
            Ok(_) => None,
        };
        let message = serde_message(e);
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return ObjectIssue::missing(
                model,
                missing,
                "nothing",
                "a value, as `manage.py dumpdata` writes it",
            );
        }
        let field = field.unwrap_or_else(|| whole.to_string());
        match message.split_once(", expected ") {
            Some((found, expected)) => {
                let found = found
                    .strip_prefix("invalid type: ")
                    .or_else(|| found.strip_prefix("invalid value: "))
                    .unwrap_or(found);
                // A Rust type name means nothing to a user.
                let expected = if expected.starts_with("struct ") {
                    "an object of the model's fields"
                } else {
                    expected
                };
                ObjectIssue::new(model, &field, found, expected)
            }
            None => ObjectIssue::new(
                model,
                &field,
                &message,
                "a value, as `manage.py dumpdata` writes it",
            ),
        }
    }
}

/// A reference to another object: a pk, a natural key, or nothing.
enum Reference {
    Null,
    Pk(i64),
    Natural(Vec<String>),
}

fn reference(value: Option<&RawValue>) -> Result<Reference, String> {
    let Some(value) = value else {
        return Ok(Reference::Null);
    };
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Reference::Null),
        Some(b'[') => serde_json::from_str::<Vec<String>>(raw)
            .map(Reference::Natural)
            .map_err(|_| shorten(raw)),
        Some(b'"') => serde_json::from_str::<String>(raw)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .map(Reference::Pk)
            .ok_or_else(|| shorten(raw)),
        _ => raw.parse().map(Reference::Pk).map_err(|_| shorten(raw)),
    }
}

/// A reference `field` that holds `found`, not a reference.
fn field_issue(model: &str, field: &str, found: String) -> ObjectIssue {
    let expected = match field {
        "user" => "a user's pk or natural key `[\"username\"]`",
        "content_type" => "a content type's pk or natural key `[\"app_label\", \"model\"]`",
        "event_type" => "an event type's pk or natural key `[\"code\"]`",
        _ => "a pk (a whole number)",
    };
    ObjectIssue::new(model, field, &found, expected)
}

fn parse_timestamp(model: &str, field: &str, text: &str) -> Result<i64, ObjectIssue> {
    Timestamp::parse(text)
        .map(|t| t.0)
        .map_err(|e| ObjectIssue::new(model, field, &format!("{:?}", e.found), TIMESTAMP_FORMS))
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
        }
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
            for object in objects {
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

    pub(crate) fn finish(mut self) -> Result<(RawTables, Warnings, BadRows), LoadError> {
        match self.phase {
            // Not shrunk here: the bundle shrinks its columns once, at the end.
            Phase::Done => Ok((self.raw, self.warnings, self.bad_rows)),
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
        let Some((object, len)) = read_one(text, &self.limits) else {
            return Ok(None);
        };
        self.take(object)?;
        Ok(Some(len))
    }

    /// Takes in an object read in one pass.
    fn take(&mut self, object: OnePass<'_>) -> Result<(), LoadError> {
        let Some(table) = object.table else {
            return Ok(());
        };
        let model = &*object.model;
        if let Some(pk) = self.pk(table, model, object.pk)? {
            if let Err(issue) = self.apply(model, pk, object.fields) {
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
            return Ok(());
        };
        let Some(pk) = self.pk(table, model, envelope.pk)? else {
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
        let taken = parse_fields(table, model, fields).and_then(|f| self.apply(model, pk, f));
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
        value: Option<&RawValue>,
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

    /// Takes in the typed fields of object `pk` of `model`.
    fn apply(&mut self, model: &str, pk: i64, fields: Fields<'_>) -> Result<(), ObjectIssue> {
        let raw = &mut self.raw;
        match fields {
            Fields::Users(f) => {
                raw.users.push(RawUser {
                    id: pk,
                    username: f.username.into(),
                    email: f.email.unwrap_or_default().into(),
                    date_joined: parse_timestamp(model, "date_joined", &f.date_joined)?,
                    staff: dumped_flag(f.is_staff) || dumped_flag(f.is_superuser),
                });
                let missing = &mut raw.optional_columns.staff_missing;
                for (value, column) in [(f.is_staff, "is_staff"), (f.is_superuser, "is_superuser")]
                {
                    if value.is_none() && !missing.iter().any(|m| m.1 == column && m.0 == self.file)
                    {
                        missing.push((self.file.clone(), column));
                    }
                }
            }
            Fields::Churches(f) => {
                raw.churches.push((pk, f.name.into()));
            }
            Fields::Fasts(f) => {
                let church_id =
                    match reference(f.church).map_err(|e| field_issue(model, "church", e))? {
                        Reference::Pk(id) => Some(id),
                        _ => None,
                    };
                raw.fasts.push(RawFast {
                    id: pk,
                    name: f.name.into(),
                    church_id,
                    year: f.year,
                });
            }
            Fields::Profiles(f) => {
                let user =
                    match reference(Some(f.user)).map_err(|e| field_issue(model, "user", e))? {
                        Reference::Pk(id) => UserRef::Id(id),
                        Reference::Natural(key) if key.len() == 1 => {
                            UserRef::Name(key[0].as_str().into())
                        }
                        _ => return Err(field_issue(model, "user", shorten(f.user.get()))),
                    };
                raw.profiles.push((pk, user));
                match f.church {
                    None => {
                        let missing = &mut raw.optional_columns.church_missing;
                        if !missing.contains(&self.file) {
                            missing.push(self.file.clone());
                        }
                    }
                    // Like the CSV column: anything but an id is no church.
                    Some(church) => {
                        if let Ok(Reference::Pk(church)) = reference(Some(church)) {
                            raw.profile_churches.push((pk, church));
                        }
                    }
                }
                raw.memberships
                    .extend(f.fasts.iter().map(|&fast| (pk, fast)));
            }
            Fields::EventTypes(f) => {
                raw.event_types.push((pk, f.code.into()));
            }
            Fields::ContentTypes(f) => {
                if pk == NO_ID {
                    raw.natural_content_type(&f.app_label, &f.model);
                } else {
                    raw.content_types
                        .push((pk, f.app_label.into(), f.model.into()));
                }
            }
            Fields::Events(f) => {
                let event_type = match reference(Some(f.event_type))
                    .map_err(|e| field_issue(model, "event_type", e))?
                {
                    Reference::Pk(id) => id,
                    Reference::Natural(key) if key.len() == 1 => raw.natural_event_type(&key[0]),
                    _ => {
                        return Err(field_issue(
                            model,
                            "event_type",
                            shorten(f.event_type.get()),
                        ))
                    }
                };
                let (user, natural_user) = user_column(model, f.user)?;
                let content_type = content_type_column(raw, model, f.content_type)?;
                let ts = parse_timestamp(model, "timestamp", &f.timestamp)?;
                let detail = match f.data {
                    Some(d) if d.get() != "{}" => raw.detail_of_text(d.get()),
                    _ => 0,
                };
                let e = &mut raw.events;
                if let Some(name) = natural_user {
                    e.natural_users.push((e.id.len() as u32, name));
                }
                e.id.push(pk);
                e.event_type.push(event_type);
                e.user.push(user);
                e.content_type.push(content_type);
                e.object_id.push(object_id(f.object_id));
                e.timestamp.push(ts);
                e.detail.push(detail);
            }
            Fields::Feed(f) => {
                let (user, natural_user) = user_column(model, Some(f.user))?;
                let content_type = content_type_column(raw, model, f.content_type)?;
                let ts = parse_timestamp(model, "created_at", &f.created_at)?;
                let activity = raw.strings.intern(&f.activity_type);
                let feed = &mut raw.feed;
                if let Some(name) = natural_user {
                    feed.natural_users.push((feed.id.len() as u32, name));
                }
                feed.id.push(pk);
                feed.user.push(user);
                feed.activity_type.push(activity);
                feed.content_type.push(content_type);
                feed.object_id.push(object_id(f.object_id));
                feed.timestamp.push(ts);
                feed.title.push(f.title.as_deref());
                feed.description.push(f.description.as_deref());
            }
            Fields::Days(f) => {
                let date = super::csv_tables::parse_day(&f.date)
                    .ok_or_else(|| ObjectIssue::new(model, "date", &f.date, "a date YYYY-MM-DD"))?;
                // A day without a fast is a church day: not read (SPEC §2a).
                match reference(f.fast).map_err(|e| field_issue(model, "fast", e))? {
                    Reference::Pk(fast) => raw.days.push((fast, date)),
                    Reference::Null => {}
                    Reference::Natural(_) => {
                        let found = f.fast.map_or(String::new(), |v| v.get().to_string());
                        return Err(ObjectIssue::new(model, "fast", &found, "a fast's pk"));
                    }
                }
            }
            Fields::Skipped => {}
        }
        Ok(())
    }
}

/// The smallest rest of a chunk that is read in two parts at once.
const SPLIT_MIN: usize = 64 << 10;

/// The object at the start of `text`, read in one serde pass, and its
/// length; `None` when [`DumpParser::single_pass`] must leave it to the
/// scanner and the two-pass reading.
fn read_one<'a>(text: &'a str, limits: &Limits) -> Option<(OnePass<'a>, usize)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<OnePass<'a>>();
    let object = stream.next()?.ok()?;
    let len = stream.byte_offset();
    // The scanner checks the limits exactly, and words the errors.
    (len <= limits.max_field_bytes && openings(&text.as_bytes()[..len]) <= limits.max_json_depth)
        .then_some((object, len))
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

/// The table a dumped model fills, or `None` for a model the report does
/// not read.
fn table_of(model: &str) -> Option<Table> {
    Some(match model {
        "auth.user" => Table::Users,
        "hub.church" => Table::Churches,
        "hub.fast" => Table::Fasts,
        "hub.profile" => Table::Profiles,
        "events.eventtype" => Table::EventTypes,
        "events.event" => Table::Events,
        "events.useractivityfeed" => Table::Feed,
        "contenttypes.contenttype" => Table::ContentTypes,
        "hub.day" => Table::Days,
        _ => return None,
    })
}

/// `fields` (a separate JSON text) read as `table`'s fields; a malformed
/// one is an issue naming the field.
fn parse_fields<'a>(
    table: Table,
    model: &str,
    fields: &'a RawValue,
) -> Result<Fields<'a>, ObjectIssue> {
    fn de<'a, T: Deserialize<'a>>(model: &str, fields: &'a RawValue) -> Result<T, ObjectIssue> {
        serde_json::from_str(fields.get())
            .map_err(|e| ObjectIssue::from_serde::<T>(model, fields.get(), &e, "fields"))
    }
    Ok(match table {
        Table::Users => Fields::Users(de(model, fields)?),
        Table::Churches => Fields::Churches(de(model, fields)?),
        Table::Fasts => Fields::Fasts(de(model, fields)?),
        Table::Profiles => Fields::Profiles(de(model, fields)?),
        Table::EventTypes => Fields::EventTypes(de(model, fields)?),
        Table::ContentTypes => Fields::ContentTypes(de(model, fields)?),
        Table::Events => Fields::Events(de(model, fields)?),
        Table::Feed => Fields::Feed(de(model, fields)?),
        Table::Days => Fields::Days(de(model, fields)?),
        Table::Memberships => Fields::Skipped,
    })
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

/// A user column: a pk, or [`NO_ID`] plus the username of a natural key.
fn user_column(
    model: &str,
    value: Option<&RawValue>,
) -> Result<(i64, Option<Box<str>>), ObjectIssue> {
    match reference(value).map_err(|e| field_issue(model, "user", e))? {
        Reference::Null => Ok((NO_ID, None)),
        Reference::Pk(id) => Ok((id, None)),
        Reference::Natural(key) if key.len() == 1 => Ok((NO_ID, Some(key[0].as_str().into()))),
        Reference::Natural(key) => Err(field_issue(model, "user", format!("{key:?}"))),
    }
}

fn content_type_column(
    raw: &mut RawTables,
    model: &str,
    value: Option<&RawValue>,
) -> Result<i64, ObjectIssue> {
    match reference(value).map_err(|e| field_issue(model, "content_type", e))? {
        Reference::Null => Ok(NO_ID),
        Reference::Pk(id) => Ok(id),
        Reference::Natural(key) if key.len() == 2 => Ok(raw.natural_content_type(&key[0], &key[1])),
        Reference::Natural(key) => Err(field_issue(model, "content_type", format!("{key:?}"))),
    }
}

/// `object_id`: a number, or a string holding one; anything else targets
/// nothing.
fn object_id(value: Option<&RawValue>) -> i64 {
    match reference(value) {
        Ok(Reference::Pk(id)) => id,
        _ => NO_ID,
    }
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

/// serde_json's message without its "at line 1 column N" tail, which means
/// nothing to a user since objects are parsed one at a time.
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    // Rust type names mean nothing to a user.
    text.replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a borrowed string", "expected text")
        .replace("expected a string", "expected text")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`; malformed objects come back as the warnings a
    /// bundle that skips them gives.
    fn parse(text: &str, chunk: usize) -> Result<(RawTables, Warnings), LoadError> {
        let mut p = DumpParser::new("dump.json", Limits::default());
        for c in text.as_bytes().chunks(chunk) {
            p.push(c)?;
        }
        let (raw, mut warnings, bad_rows) = p.finish()?;
        warnings.extend(bad_rows.warnings());
        Ok((raw, warnings))
    }

    const DUMP: &str = r#"[
{"model": "auth.user", "pk": 7, "fields": {"username": "a\"b", "email": "e", "date_joined": "2024-12-30T00:00:00Z", "groups": []}},
{"model": "prayers.prayerrequest", "pk": 1, "fields": {"title": "} ] {", "user": 7}},
{"model": "contenttypes.contenttype", "pk": 12, "fields": {"app_label": "hub", "model": "fast"}},
{"model": "events.event", "pk": 1, "fields": {"event_type": 3, "user": ["a\"b"], "content_type": ["hub", "fast"], "object_id": "16", "data": {"screen": "home"}, "timestamp": "2025-01-01T00:00:00.5Z"}},
{"model": "hub.profile", "pk": 501, "fields": {"user": 7, "fasts": [16, 22]}}
]"#;

    #[test]
    fn streams_objects_in_any_chunking() {
        for chunk in [1, 2, 7, 64, 4096] {
            let (raw, w) = parse(DUMP, chunk).unwrap();
            assert!(w.list().is_empty());
            assert_eq!(raw.users.len(), 1);
            assert_eq!(&*raw.users[0].username, "a\"b");
            assert_eq!(raw.events.id.to_vec(), vec![1]);
            assert_eq!(raw.events.object_id.to_vec(), vec![16]);
            assert_eq!(raw.events.natural_users, vec![(0, "a\"b".into())]);
            // The natural content type got a synthetic id.
            assert!(raw.events.content_type.get(0) < 0);
            assert_eq!(raw.memberships, vec![(501, 16), (501, 22)]);
            assert_eq!(
                raw.details[raw.events.detail[0] as usize].screen.as_deref(),
                Some("home")
            );
        }
    }

    /// A dump of `n` events (and users, profiles, feed items), with text
    /// that needs escapes, natural keys, `{"model"` inside `data` (a
    /// wrong guess at where a chunk can be split), and every 97th object
    /// malformed.
    fn big_dump(n: usize) -> String {
        let mut out = String::from("[\n");
        for k in 0..n {
            if k > 0 {
                out.push_str(if k % 5 == 0 { ",\n" } else { ", " });
            }
            let object = match k % 4 {
                _ if k % 97 == 13 => format!(
                    r#"{{"model": "events.event", "pk": {k}, "fields": {{"event_type": 3, "user": "x{k}", "timestamp": "2025-01-01T00:00:00Z"}}}}"#
                ),
                _ if k % 97 == 50 => format!(
                    r#"{{"fields": {{"name": "late model"}}, "pk": {k}, "model": "hub.church"}}"#
                ),
                0 => format!(
                    r#"{{"model": "auth.user", "pk": {k}, "fields": {{"username": "u\"{k}\\", "email": "é{k}", "date_joined": "2024-12-30T00:00:00Z", "is_staff": {}, "groups": []}}}}"#,
                    k % 3 == 0
                ),
                1 => format!(
                    r#"{{"model": "events.event", "pk": {k}, "fields": {{"event_type": ["open"], "user": ["u\"{k}\\"], "content_type": ["hub", "fast"], "object_id": "{k}", "data": {{"screen": "s{k}", "list": [1, {{"model": "auth.user", "pk": 1}}]}}, "timestamp": "2025-01-01T00:00:{:02}Z", "user_agent": "Mozilla \ud83d\ude00"}}}}"#,
                    k % 60
                ),
                2 => format!(
                    r#"{{"model": "events.useractivityfeed", "pk": {k}, "fields": {{"user": {k}, "activity_type": "a{}", "content_type": 12, "object_id": {k}, "title": "t\n{k}", "description": null, "created_at": "2025-02-01 10:00:00+02"}}}}"#,
                    k % 7
                ),
                _ => format!(
                    r#"{{"model": "prayers.prayerrequest", "pk": {k}, "fields": {{"title": "}} ] {{", "deep": [[[{{"model": "x"}}]]]}}}}"#
                ),
            };
            out.push_str(&object);
        }
        out.push_str("\n]\n");
        out
    }

    /// Everything in `raw` that does not depend on a hash map's order.
    fn tables(raw: &RawTables) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            raw.users,
            raw.churches,
            raw.fasts,
            raw.profiles,
            raw.memberships,
            raw.event_types,
            raw.content_types,
            raw.events,
            raw.feed,
            raw.details,
            raw.sources,
            raw.optional_columns,
        )
    }

    #[test]
    fn large_chunks_read_in_two_parts_give_the_same_tables() {
        let dump = big_dump(6000);
        assert!(dump.len() > 8 * SPLIT_MIN);
        // 7-byte chunks are never split; whole-file and 100 kB chunks are
        // (or try to be, and drop the guess when it was wrong).
        let (small, small_warnings) = parse(&dump, 7).unwrap();
        // Objects of class `class` (k % 4) that big_dump left as they are.
        let plain = |class| {
            (0..6000)
                .filter(|k| k % 4 == class && k % 97 != 13 && k % 97 != 50)
                .count()
        };
        assert_eq!(small.users.len(), plain(0));
        assert_eq!(small.events.id.len(), plain(1));
        assert_eq!(small.feed.id.len(), plain(2));
        assert_eq!(small.churches.len(), 62);
        assert_eq!(&*small.users[1].username, "u\"4\\");
        assert_eq!(small.events.natural_users[0], (0, "u\"1\\".into()));
        let text: Vec<String> = small_warnings
            .list()
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(text.len(), 1, "{text:?}");
        assert!(text[0].starts_with("dump.json: 62 events.event objects have an unreadable `user`; left out (first at object 13: found \"x13\""), "{text:?}");
        for chunk in [dump.len(), 100_000, SPLIT_MIN + 1] {
            let (raw, warnings) = parse(&dump, chunk).unwrap();
            assert_eq!(tables(&raw), tables(&small), "chunk {chunk}");
            assert_eq!(warnings.list(), small_warnings.list(), "chunk {chunk}");
        }
    }

    #[test]
    fn staff_flags_and_profile_churches() {
        let (raw, w) = parse(
            r#"[
{"model": "auth.user", "pk": 1, "fields": {"username": "a", "date_joined": "2024-01-01T00:00:00Z", "is_staff": true, "is_superuser": false}},
{"model": "auth.user", "pk": 2, "fields": {"username": "b", "date_joined": "2024-01-01T00:00:00Z", "is_staff": false, "is_superuser": true}},
{"model": "auth.user", "pk": 3, "fields": {"username": "c", "date_joined": "2024-01-01T00:00:00Z", "is_staff": false, "is_superuser": false}},
{"model": "hub.profile", "pk": 501, "fields": {"user": 1, "church": 4, "fasts": []}},
{"model": "hub.profile", "pk": 502, "fields": {"user": 2, "church": null, "fasts": []}}
]"#,
            7,
        )
        .unwrap();
        assert!(w.list().is_empty());
        let staff: Vec<bool> = raw.users.iter().map(|u| u.staff).collect();
        assert_eq!(staff, [true, true, false]);
        assert_eq!(raw.profile_churches, [(501, 4)]);
        assert_eq!(raw.optional_columns, Default::default());
    }

    #[test]
    fn absent_staff_and_church_fields_are_noted_once() {
        let (raw, _) = parse(DUMP, 64).unwrap();
        assert_eq!(
            raw.optional_columns.staff_missing,
            [
                ("dump.json".to_string(), "is_staff"),
                ("dump.json".to_string(), "is_superuser")
            ]
        );
        assert_eq!(raw.optional_columns.church_missing, ["dump.json"]);
    }

    #[test]
    fn object_instead_of_array() {
        let err = parse(r#"{"model": "auth.user"}"#, 8).unwrap_err();
        assert!(err.message.contains("expected a JSON array"), "{err}");
    }

    #[test]
    fn truncated_dump() {
        // Cut inside object 2 (of 5): the two before it load, object 2 is
        // a malformed object.
        let cut = DUMP.find(r#""prayers.prayerrequest""#).unwrap();
        let (raw, w) = parse(&DUMP[..cut + 10], 16).unwrap();
        assert_eq!(raw.users.len(), 1);
        let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
        assert_eq!(
            text,
            ["dump.json: 1 object where the file ends is cut off (the file is incomplete: it ends in the middle of its array, inside object 1; export it again); left out (first at object 1: found the end of the file inside this object, expected its closing `}`)"]
        );
        // Cut between objects: no object is partial, but the array never
        // closes: the file cannot be read.
        let err = parse(&DUMP[..cut - 12], 16).unwrap_err();
        assert!(err.message.contains("the file is incomplete"), "{err}");
        assert_eq!(err.location, Some(Location::Object(1)));
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&deep, 1000).unwrap_err();
        assert!(err.message.contains("where a dumped object"), "{err}");
        let deep = format!(
            "[{{\"model\": \"x\", \"fields\": {}{}}}]",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(parse(&deep, 1000)
            .unwrap_err()
            .message
            .contains("nested deeper"));
    }

    #[test]
    fn natural_primary_users_are_refused() {
        let err = parse(
            r#"[{"model": "auth.user", "fields": {"username": "a", "date_joined": "2024-01-01T00:00:00Z"}}]"#,
            9,
        )
        .unwrap_err();
        assert!(err.message.contains("--natural-primary"), "{err}");
        assert_eq!(err.location, Some(Location::Object(0)));
    }

    #[test]
    fn wrong_types_are_counted() {
        let (raw, w) = parse(
            r#"[{"model": "hub.church", "pk": 1, "fields": {"name": 5}},
               {"model": "hub.church", "pk": 2, "fields": {"name": "ok"}},
               {"model": "auth.user", "pk": 3, "fields": {"username": "u", "date_joined": "yesterday"}},
               {"model": "hub.fast", "pk": "seven", "fields": {"name": "x"}},
               {"model": "hub.fast", "fields": {"name": "x"}},
               {"model": "hub.fast", "pk": 8},
               {"pk": 9, "fields": {}},
               {"model": 5, "pk": 9, "fields": {}},
               {"model": "hub.fast", "pk": 9, "fields": {"name": "x", "year": "twenty"}},
               {"model": "hub.profile", "pk": 9, "fields": {"user": 1, "fasts": [1, "x"]}},
               {"model": "auth.user", "pk": 4, "fields": {"email": "e", "date_joined": "2024-01-01T00:00:00Z"}},
               {"model": "events.event", "pk": 1, "fields": {"event_type": 3, "user": ["a", "b"], "timestamp": "2025-01-01T00:00:00Z"}},
               {"model": "hub.fast", "pk": 10, "fields": 7}]"#,
            5,
        )
        .unwrap();
        assert_eq!(raw.churches.len(), 1);
        assert!(raw.users.is_empty() && raw.fasts.is_empty() && raw.profiles.is_empty());
        let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
        assert_eq!(
            text,
            [
                "dump.json: 1 hub.church objects have an unreadable `name`; left out (first at object 0: found integer `5`, expected text)",
                "dump.json: 1 auth.user objects have an unreadable `date_joined`; left out (first at object 2: found \"yesterday\", expected `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` or RFC 3339 like `2024-01-15T14:23:45Z`)",
                "dump.json: 1 hub.fast objects have an unreadable `pk`; left out (first at object 3: found \"seven\", expected a whole number)",
                "dump.json: 1 hub.fast objects have no `pk`; left out (first at object 4: found nothing, expected a whole number)",
                "dump.json: 1 hub.fast objects have no `fields`; left out (first at object 5: found nothing, expected an object of the model's fields)",
                "dump.json: 1 objects have no `model`; left out (first at object 6: found nothing, expected the model's name, e.g. \"auth.user\")",
                "dump.json: 1 objects have an unreadable `model`; left out (first at object 7: found integer `5`, expected text)",
                "dump.json: 1 hub.fast objects have an unreadable `year`; left out (first at object 8: found string \"twenty\", expected a whole number)",
                "dump.json: 1 hub.profile objects have an unreadable `fasts`; left out (first at object 9: found string \"x\", expected a whole number)",
                "dump.json: 1 auth.user objects have no `username`; left out (first at object 10: found nothing, expected a value, as `manage.py dumpdata` writes it)",
                "dump.json: 1 events.event objects have an unreadable `user`; left out (first at object 11: found [\"a\", \"b\"], expected a user's pk or natural key `[\"username\"]`)",
                "dump.json: 1 hub.fast objects have an unreadable `fields`; left out (first at object 12: found integer `7`, expected an object of the model's fields)",
            ]
        );
    }

    #[test]
    fn empty_and_trailing_data() {
        assert!(parse("", 4).unwrap_err().message.contains("empty"));
        assert!(parse("[]", 4).is_ok());
        assert!(parse("[] x", 4)
            .unwrap_err()
            .message
            .contains("after the end"));
        assert!(parse("[1]", 4)
            .unwrap_err()
            .message
            .contains("where a dumped object"));
    }
}
