//! A one-pass reader for the two models that are nearly all of a dump,
//! `events.event` and `events.useractivityfeed`, as `dumpdata` writes
//! them: no serde values, no key dispatch through serde's visitors, the
//! fields the report does not read skipped byte by byte.
//!
//! It gives exactly what the serde reader ([`super::read_one`]) gives
//! for the objects it takes, and takes only plain ones: any escape in a
//! string, a control character, a duplicate key, a missing field, a value
//! of another type or a nesting deeper than a few levels makes it return
//! `None`, and the serde reader, which names what is wrong, reads the
//! object instead. Its rules are serde_json's where it takes an object:
//! `null` for an optional field is no value, a required reference field
//! keeps `null` as its text, numbers follow JSON's grammar.

use std::borrow::Cow;

use super::fields::{EventFields, FeedFields, Fields, OnePass, Raw};
use crate::load::catalogue::Table;

/// The object at the start of `text` (which starts with its `{`) and its
/// length, when it is a plain event or feed item; `None` for anything
/// else (see the module's docs).
pub(super) fn read<'a>(text: &'a str) -> Option<(OnePass<'a>, usize)> {
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    c.expect(b'{')?;
    // dumpdata writes `model` first; anything else goes to serde.
    if c.key()? != "model" {
        return None;
    }
    let model = c.string()?;
    let table = match model {
        "events.event" => Table::Events,
        "events.useractivityfeed" => Table::Feed,
        _ => return None,
    };
    let mut pk: Option<Option<Raw<'a>>> = None;
    let mut fields = None;
    while c.comma_or_end()? {
        match c.key()? {
            "pk" if pk.is_none() => pk = Some(c.optional()?),
            "fields" if fields.is_none() => {
                fields = Some(match table {
                    Table::Events => Fields::Events(c.event()?),
                    _ => Fields::Feed(c.feed()?),
                });
            }
            "model" | "pk" | "fields" => return None,
            _ => c.skip_value(0)?,
        }
    }
    let object = OnePass {
        model: Cow::Borrowed(model),
        table: Some(table),
        pk: pk.flatten(),
        fields: fields?,
    };
    Some((object, c.at))
}

/// Deepest nesting [`Cursor::skip_value`] follows; deeper objects go to
/// serde (and the limits' check).
const MAX_DEPTH: usize = 8;

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// After a member: `true` at a `,` (another member follows), `false`
    /// at the object's `}`.
    fn comma_or_end(&mut self) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b'}' => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A key and its `:`.
    fn key(&mut self) -> Option<&'a str> {
        let key = self.string()?;
        self.expect(b':')?;
        Some(key)
    }

    /// A string without escapes or control characters, as text.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = &self.bytes[start..];
        let len = plain_string_len(rest)?;
        self.at = start + len + 1;
        // Both ends are ASCII bytes of valid UTF-8 text.
        self.text.get(start..start + len)
    }

    /// The text of the value here, as serde's `&RawValue` holds it.
    fn raw(&mut self) -> Option<Raw<'a>> {
        self.space();
        let start = self.at;
        self.skip_value(0)?;
        Some(Raw(&self.text[start..self.at]))
    }

    /// An optional field: `None` for `null`, as serde reads an `Option`.
    fn optional(&mut self) -> Option<Option<Raw<'a>>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        self.raw().map(Some)
    }

    /// An optional text: `None` for `null`.
    fn optional_text(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        Some(Some(Cow::Borrowed(self.string()?)))
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.bytes[self.at..]
            .starts_with(word)
            .then(|| self.at += word.len())
    }

    /// Skips one JSON value, checking it as serde_json would.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.number(),
            b'{' if depth < MAX_DEPTH => {
                self.at += 1;
                if self.peek()? == b'}' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.key()?;
                    self.skip_value(depth + 1)?;
                    if !self.comma_or_end()? {
                        return Some(());
                    }
                }
            }
            b'[' if depth < MAX_DEPTH => {
                self.at += 1;
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// A number by JSON's grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        let b = self.bytes;
        let digits = |at: usize| b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut at = self.at;
        if b[at] == b'-' {
            at += 1;
        }
        match b.get(at)? {
            b'0' => at += 1,
            b'1'..=b'9' => at += digits(at),
            _ => return None,
        }
        if b.get(at) == Some(&b'.') {
            let n = digits(at + 1);
            if n == 0 {
                return None;
            }
            at += 1 + n;
        }
        if matches!(b.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(b.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            let n = digits(at);
            if n == 0 {
                return None;
            }
            at += n;
        }
        self.at = at;
        Some(())
    }

    /// The `fields` of an `events.event`.
    fn event(&mut self) -> Option<EventFields<'a>> {
        self.expect(b'{')?;
        let (mut event_type, mut timestamp) = (None, None);
        let (mut user, mut content_type, mut object_id, mut data) = (None, None, None, None);
        if self.peek()? == b'}' {
            return None;
        }
        loop {
            match self.key()? {
                "event_type" if event_type.is_none() => event_type = Some(self.raw()?),
                "user" if user.is_none() => user = Some(self.optional()?),
                "content_type" if content_type.is_none() => content_type = Some(self.optional()?),
                "object_id" if object_id.is_none() => object_id = Some(self.optional()?),
                "data" if data.is_none() => data = Some(self.optional()?),
                "timestamp" if timestamp.is_none() => timestamp = Some(self.string()?),
                "event_type" | "user" | "content_type" | "object_id" | "data" | "timestamp" => {
                    return None
                }
                _ => self.skip_value(1)?,
            }
            if !self.comma_or_end()? {
                break;
            }
        }
        Some(EventFields {
            event_type: event_type?,
            user: user.flatten(),
            content_type: content_type.flatten(),
            object_id: object_id.flatten(),
            data: data.flatten(),
            timestamp: Cow::Borrowed(timestamp?),
        })
    }

    /// The `fields` of an `events.useractivityfeed`.
    fn feed(&mut self) -> Option<FeedFields<'a>> {
        self.expect(b'{')?;
        let (mut user, mut activity_type, mut created_at) = (None, None, None);
        let (mut content_type, mut object_id, mut title, mut description) =
            (None, None, None, None);
        if self.peek()? == b'}' {
            return None;
        }
        loop {
            match self.key()? {
                "user" if user.is_none() => user = Some(self.raw()?),
                "activity_type" if activity_type.is_none() => activity_type = Some(self.string()?),
                "content_type" if content_type.is_none() => content_type = Some(self.optional()?),
                "object_id" if object_id.is_none() => object_id = Some(self.optional()?),
                "title" if title.is_none() => title = Some(self.optional_text()?),
                "description" if description.is_none() => description = Some(self.optional_text()?),
                "created_at" if created_at.is_none() => created_at = Some(self.string()?),
                "user" | "activity_type" | "content_type" | "object_id" | "title"
                | "description" | "created_at" => return None,
                _ => self.skip_value(1)?,
            }
            if !self.comma_or_end()? {
                break;
            }
        }
        Some(FeedFields {
            user: user?,
            activity_type: Cow::Borrowed(activity_type?),
            content_type: content_type.flatten(),
            object_id: object_id.flatten(),
            title: title.flatten(),
            description: description.flatten(),
            created_at: Cow::Borrowed(created_at?),
        })
    }
}

/// The length of the string that `rest` starts with (after its opening
/// `"`), up to its closing `"`; `None` when an escape or a control
/// character comes first (or no `"`). Eight bytes at a time: a loop that
/// tests each byte was a quarter of a dump's load, and memchr's set-up
/// costs as much on the short keys.
fn plain_string_len(rest: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero; the lowest one set is
    // exact (a borrow only reaches bytes above a zero byte).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = 0;
    while let Some(word) = rest.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let found =
            zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) | below_space;
        if found != 0 {
            i += (found.trailing_zeros() / 8) as usize;
            return (rest[i] == b'"').then_some(i);
        }
        i += 8;
    }
    for (j, &b) in rest[i..].iter().enumerate() {
        if b == b'"' {
            return Some(i + j);
        }
        if b == b'\\' || b < 0x20 {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::plain_string_len;

    /// The eight-byte scan finds what a byte loop finds, at every place
    /// in a word.
    #[test]
    fn plain_string_len_is_a_byte_loop() {
        let slow = |rest: &[u8]| {
            let at = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            (rest[at] == b'"').then_some(at)
        };
        for len in 0..20 {
            for special in [b'"', b'\\', b'\n', 0x1f, 0x00, b' ', 0x7f, 0xc3] {
                for at in 0..len {
                    let mut text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    text[at] = special;
                    text.extend_from_slice(b"x\"tail");
                    assert_eq!(plain_string_len(&text), slow(&text), "{text:?}");
                }
            }
        }
        assert_eq!(plain_string_len(b"no end"), None);
        assert_eq!(plain_string_len("é\"".as_bytes()), Some(2));
    }
}
