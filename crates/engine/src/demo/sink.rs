//! The buffered output both writers share: numbers, quoted CSV fields, JSON
//! strings and timestamps appended to one buffer that is flushed in 64 KiB
//! pieces, so a table of millions of rows streams in constant memory.

use std::io::{self, Write};

use crate::timestamp::Timestamp;

/// Appends `v` in decimal. Hand-written because it runs for every id of
/// every row, where `write!` costs noticeably more.
fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut b = [0u8; 20];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&b[i..]);
}

/// PostgreSQL CSV quoting (`\copy ... CSV`): quoted when empty or containing
/// `,` `"` CR LF. Hand-written because PostgreSQL quotes the empty string
/// (`""`, unlike an unquoted empty field, which is NULL) and the `csv` crate
/// leaves empty fields bare.
pub fn csv_field(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if b.is_empty()
        || b.iter()
            .any(|&c| c == b',' || c == b'"' || c == b'\n' || c == b'\r')
    {
        buf.push(b'"');
        for &c in b {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b);
    }
}

/// `s` as one quoted CSV field (see [`csv_field`]).
pub fn csv_encode(s: &str) -> String {
    let mut v = Vec::new();
    csv_field(&mut v, s);
    // Only ASCII quotes were added around and inside valid UTF-8.
    String::from_utf8(v).unwrap_or_default()
}

/// Appends `s` as a JSON string the way Python's json (`ensure_ascii=False`)
/// and so Django's `dumpdata` writes it; serde_json escapes the same
/// characters (`"` `\` and control characters, `\u00xx` in lower case).
fn json_str(buf: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(buf, s).expect("a string serializes into memory");
}

/// Buffered writer with number and timestamp formatting.
pub struct Sink<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
    /// Scratch text for timestamps.
    text: String,
    /// No dumpdata object written yet (no `, ` before the next one).
    first: bool,
}

impl<'a> Sink<'a> {
    /// A sink writing to `out`.
    pub fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink {
            out,
            buf: Vec::with_capacity(1 << 17),
            text: String::with_capacity(32),
            first: true,
        }
    }

    /// Raw text.
    #[inline]
    pub fn s(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A number.
    #[inline]
    pub fn u(&mut self, v: u64) {
        push_u64(&mut self.buf, v);
    }

    /// A number, or NULL (unquoted empty in CSV) when 0.
    #[inline]
    pub fn csv_opt(&mut self, v: u64) {
        if v != 0 {
            self.u(v);
        }
    }

    /// A number, or `null` when 0.
    #[inline]
    pub fn json_opt(&mut self, v: u64) {
        if v != 0 {
            self.u(v);
        } else {
            self.s("null");
        }
    }

    /// A text as one CSV field.
    pub fn csv_text(&mut self, s: &str) {
        csv_field(&mut self.buf, s);
    }

    /// A text as a JSON string.
    pub fn json_text(&mut self, s: &str) {
        json_str(&mut self.buf, s);
    }

    /// PostgreSQL `timestamptz` text of `ms` (milliseconds since the
    /// epoch): `2024-01-15 14:23:45.12+00`.
    pub fn ts_pg(&mut self, ms: i64) {
        self.text.clear();
        Timestamp(ms * 1000).write_postgres(&mut self.text);
        self.buf.extend_from_slice(self.text.as_bytes());
    }

    /// Django JSON of `ms`: `"2024-01-15T14:23:45.120Z"` (whole
    /// milliseconds always give 3 fraction digits or none).
    pub fn ts_json(&mut self, ms: i64) {
        self.text.clear();
        self.text.push('"');
        Timestamp(ms * 1000).write_rfc3339(&mut self.text);
        self.text.push('"');
        self.buf.extend_from_slice(self.text.as_bytes());
    }

    /// [`Sink::ts_json`], or `null`.
    pub fn ts_json_opt(&mut self, ms: Option<i64>) {
        match ms {
            Some(ms) => self.ts_json(ms),
            None => self.s("null"),
        }
    }

    /// Ends a CSV row and flushes when the buffer is large.
    #[inline]
    pub fn eol(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.maybe_flush()
    }

    #[inline]
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is left and flushes `out`.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    /// Starts a dumpdata object: `{"model": "...", "pk": N, "fields": {`.
    pub fn obj(&mut self, model: &str, pk: u64) {
        if self.first {
            self.first = false;
        } else {
            self.buf.extend_from_slice(b", ");
        }
        self.s("{\"model\": \"");
        self.s(model);
        self.s("\", \"pk\": ");
        self.u(pk);
        self.s(", \"fields\": {");
    }

    /// Ends a dumpdata object and flushes when the buffer is large.
    pub fn end_obj(&mut self) -> io::Result<()> {
        self.s("}}");
        self.maybe_flush()
    }

    /// IP address number `ip` (1..=600) from the documentation ranges.
    pub fn ip(&mut self, ip: u16) {
        if ip.is_multiple_of(5) {
            self.s("2001:db8::1:");
        } else if ip.is_multiple_of(2) {
            self.s("203.0.113.");
        } else {
            self.s("198.51.100.");
        }
        self.u((ip % 250) as u64 + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::scenario::DAY_MS;
    use crate::timestamp::days_from_civil;

    #[test]
    fn timestamp_and_quoting_formats() {
        let mut out = Vec::new();
        {
            let mut w = Sink::new(&mut out);
            let base = days_from_civil(2024, 1, 15) * DAY_MS + (14 * 3600 + 23 * 60 + 45) * 1000;
            for ms in [0, 120, 123, 100, 5] {
                w.ts_pg(base + ms);
                w.s(" ");
                w.ts_json(base + ms);
                w.s("\n");
            }
            w.finish().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-01-15 14:23:45+00 \"2024-01-15T14:23:45Z\"\n\
             2024-01-15 14:23:45.12+00 \"2024-01-15T14:23:45.120Z\"\n\
             2024-01-15 14:23:45.123+00 \"2024-01-15T14:23:45.123Z\"\n\
             2024-01-15 14:23:45.1+00 \"2024-01-15T14:23:45.100Z\"\n\
             2024-01-15 14:23:45.005+00 \"2024-01-15T14:23:45.005Z\"\n"
        );
        let enc = |s: &str| csv_encode(s);
        assert_eq!(enc(""), "\"\"");
        assert_eq!(enc("a,b"), "\"a,b\"");
        assert_eq!(enc("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(enc("x\ny"), "\"x\ny\"");
        assert_eq!(enc("tab\tname"), "tab\tname");
        let mut j = Vec::new();
        json_str(&mut j, "a\"b\\c\nd\te\u{1}é");
        assert_eq!(
            String::from_utf8(j).unwrap(),
            "\"a\\\"b\\\\c\\nd\\te\\u0001é\""
        );
        let mut j = Vec::new();
        json_str(&mut j, "\u{8}\u{c}\r\u{1f}/\u{7f}");
        assert_eq!(String::from_utf8(j).unwrap(), "\"\\b\\f\\r\\u001f/\u{7f}\"");
    }

    #[test]
    fn numbers_and_nulls() {
        let mut out = Vec::new();
        {
            let mut w = Sink::new(&mut out);
            for v in [0, 7, 10, 1001, u64::MAX] {
                w.u(v);
                w.s(",");
            }
            w.csv_opt(0);
            w.s(",");
            w.csv_opt(12);
            w.s(",");
            w.json_opt(0);
            w.s(",");
            w.ts_json_opt(None);
            w.finish().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0,7,10,1001,18446744073709551615,,12,null,null"
        );
    }
}
