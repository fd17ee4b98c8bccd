//! Instants as integer microseconds since the Unix epoch (UTC).
//!
//! Parsing is hand-written rather than done through chrono's format strings
//! because it runs once per row on tens of millions of rows, and the two
//! accepted shapes (PostgreSQL's `timestamptz` output and RFC 3339) are fixed.

use std::fmt::{self, Write};

/// Microseconds in one second.
pub const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one day of 24 hours.
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// An instant in UTC, with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Why a timestamp could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError {
    /// The text that was found (shortened when very long).
    pub found: String,
}

/// The timestamp forms [`Timestamp::parse`] reads, for messages.
pub const TIMESTAMP_FORMS: &str =
    "`YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` or RFC 3339 like `2024-01-15T14:23:45Z`";

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "found timestamp {:?}, expected {TIMESTAMP_FORMS}",
            self.found
        )
    }
}

impl std::error::Error for TimestampError {}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). Valid for every year this crate accepts.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A small cursor over ASCII digits and separators.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut value = 0u32;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos = end;
        Some(value)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

impl Timestamp {
    /// Parses PostgreSQL `timestamptz` text (`2024-01-15 14:23:45.123456+00`,
    /// offsets like `-07`, `+05:30`) or RFC 3339 (`2024-01-15T14:23:45Z`).
    /// Seconds may be omitted; a missing offset means UTC. Fractions beyond
    /// microseconds are truncated.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        Self::parse_bytes(text.as_bytes()).ok_or_else(|| TimestampError {
            found: shorten(text),
        })
    }

    fn parse_bytes(bytes: &[u8]) -> Option<Timestamp> {
        let mut c = Cursor { bytes, pos: 0 };
        let year = c.digits(4)? as i32;
        if !c.eat(b'-') {
            return None;
        }
        let month = c.digits(2)?;
        if !c.eat(b'-') {
            return None;
        }
        let day = c.digits(2)?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(c.eat(b' ') || c.eat(b'T') || c.eat(b't')) {
            return None;
        }
        let hour = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.digits(2)?;
        let mut second = 0;
        let mut micros = 0i64;
        if c.eat(b':') {
            second = c.digits(2)?;
            if c.eat(b'.') {
                let start = c.pos;
                let mut scale = 100_000i64;
                while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                    micros += i64::from(b - b'0') * scale;
                    scale /= 10;
                    c.pos += 1;
                }
                if c.pos == start {
                    return None;
                }
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let offset_seconds = match c.peek() {
            None => 0,
            Some(b'Z' | b'z') => {
                c.pos += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                c.pos += 1;
                let oh = c.digits(2)?;
                let mut om = 0;
                let mut os = 0;
                if c.eat(b':') {
                    om = c.digits(2)?;
                    if c.eat(b':') {
                        os = c.digits(2)?;
                    }
                } else if !c.done() {
                    om = c.digits(2)?;
                }
                if oh > 15 || om > 59 || os > 59 {
                    return None;
                }
                let total = i64::from(oh * 3600 + om * 60 + os);
                if sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            Some(_) => return None,
        };
        if !c.done() {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
        Some(Timestamp(seconds * MICROS_PER_SECOND + micros))
    }

    /// Writes the instant as SPEC §3 wants it: UTC, RFC 3339 with `Z`,
    /// fractional seconds only when non-zero, 3 digits for whole
    /// milliseconds, else 6.
    pub fn to_rfc3339(self) -> String {
        let mut out = String::with_capacity(27);
        self.write_rfc3339(&mut out);
        out
    }

    /// Like [`Timestamp::to_rfc3339`], appending to `out`.
    pub fn write_rfc3339(self, out: &mut String) {
        let micros = self.write_date_time('T', out);
        if micros != 0 {
            out.push('.');
            if micros % 1000 == 0 {
                push_padded(out, micros / 1000, 3);
            } else {
                push_padded(out, micros, 6);
            }
        }
        out.push('Z');
    }

    /// Appends the instant as PostgreSQL prints a `timestamptz` in a UTC
    /// session (`2024-01-15 14:23:45.12+00`): fractional seconds only when
    /// non-zero, trailing zeros dropped. [`Timestamp::parse`] reads it back.
    pub fn write_postgres(self, out: &mut String) {
        let micros = self.write_date_time(' ', out);
        if micros != 0 {
            let (mut digits, mut width) = (micros, 6);
            while digits % 10 == 0 {
                digits /= 10;
                width -= 1;
            }
            out.push('.');
            push_padded(out, digits, width);
        }
        out.push_str("+00");
    }

    /// Appends `YYYY-MM-DD<separator>HH:MM:SS` (UTC) and returns the
    /// microseconds within the second.
    fn write_date_time(self, separator: char, out: &mut String) -> i64 {
        let days = self.0.div_euclid(MICROS_PER_DAY);
        let in_day = self.0.rem_euclid(MICROS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let secs = in_day / MICROS_PER_SECOND;
        if (0..=9999).contains(&y) {
            push_padded(out, i64::from(y), 4);
        } else {
            // Outside four digits: what `{:04}` prints (sign, more digits).
            // Writing to a `String` cannot fail.
            let _ = write!(out, "{y:04}");
        }
        out.push('-');
        push_padded(out, i64::from(m), 2);
        out.push('-');
        push_padded(out, i64::from(d), 2);
        out.push(separator);
        push_padded(out, secs / 3600, 2);
        out.push(':');
        push_padded(out, secs / 60 % 60, 2);
        out.push(':');
        push_padded(out, secs % 60, 2);
        in_day % MICROS_PER_SECOND
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

/// Appends the last `width` (at most 6) decimal digits of `value`
/// (non-negative), zero-padded. Done by hand rather than with `write!`
/// because it runs for every timestamp of every output row, where the
/// formatting machinery costs several times more.
fn push_padded(out: &mut String, value: i64, width: usize) {
    let mut digits = [b'0'; 6];
    let mut rest = value;
    for digit in digits[..width].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    for &digit in &digits[..width] {
        out.push(char::from(digit));
    }
}

/// Shortens user text for error messages so one bad cell cannot flood them.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        Timestamp::parse(s).unwrap().0
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for days in [-800_000, -1, 0, 1, 11_017, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn postgres_forms() {
        assert_eq!(ts("1970-01-01 00:00:00+00"), 0);
        assert_eq!(ts("2024-01-15 14:23:45+00"), 1_705_328_625_000_000);
        assert_eq!(ts("2024-01-15 14:23:45.123456+00"), 1_705_328_625_123_456);
        assert_eq!(ts("2024-01-15 14:23:45.12+00"), 1_705_328_625_120_000);
        // -07 means local time is 7 hours behind UTC.
        assert_eq!(ts("2024-01-15 07:23:45-07"), ts("2024-01-15 14:23:45+00"));
        assert_eq!(
            ts("2024-01-15 19:53:45+05:30"),
            ts("2024-01-15 14:23:45+00")
        );
        assert_eq!(ts("2024-01-15 19:53:45+0530"), ts("2024-01-15 14:23:45+00"));
        // No offset: UTC.
        assert_eq!(ts("2024-01-15 14:23:45"), ts("2024-01-15 14:23:45+00"));
        assert_eq!(ts("2024-01-15 14:23"), ts("2024-01-15 14:23:00+00"));
    }

    #[test]
    fn rfc3339_forms() {
        assert_eq!(ts("2024-01-15T14:23:45Z"), 1_705_328_625_000_000);
        assert_eq!(ts("2024-01-15T14:23:45.5Z"), 1_705_328_625_500_000);
        assert_eq!(ts("2024-01-15T16:23:45+02:00"), 1_705_328_625_000_000);
        // Nanoseconds are truncated to microseconds.
        assert_eq!(ts("2024-01-15T14:23:45.123456789Z"), 1_705_328_625_123_456);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2024-01-15",
            "2024/01/15 14:23:45",
            "2024-13-01 00:00:00",
            "2023-02-29 00:00:00",
            "2024-01-15 24:00:00",
            "2024-01-15 14:23:45.",
            "2024-01-15 14:23:45+",
            "2024-01-15 14:23:45 UTC",
            "15/01/2024 14:23",
            "2024-01-15 14:23:45+00x",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let err = Timestamp::parse("15/01/2024").unwrap_err();
        assert!(err.to_string().contains("15/01/2024"));
        assert!(err.to_string().contains("expected"));
        assert!(Timestamp::parse("2024-02-29 00:00:00").is_ok());
    }

    #[test]
    fn formats_as_spec_says() {
        let f = |s: &str| Timestamp::parse(s).unwrap().to_rfc3339();
        assert_eq!(f("2024-01-15 14:23:45+00"), "2024-01-15T14:23:45Z");
        assert_eq!(f("2024-01-15 14:23:45.12+00"), "2024-01-15T14:23:45.120Z");
        assert_eq!(
            f("2024-01-15 14:23:45.123456+00"),
            "2024-01-15T14:23:45.123456Z"
        );
        assert_eq!(
            f("2024-01-15 14:23:45.000001+00"),
            "2024-01-15T14:23:45.000001Z"
        );
        assert_eq!(f("1969-12-31 23:59:59.5+00"), "1969-12-31T23:59:59.500Z");
        assert_eq!(f("0001-02-03 04:05:06+00"), "0001-02-03T04:05:06Z");
        // Years beyond four digits still print whole (the parser refuses them).
        let year_10000 = days_from_civil(10_000, 1, 1) * MICROS_PER_DAY;
        assert_eq!(Timestamp(year_10000).to_rfc3339(), "10000-01-01T00:00:00Z");
        let year_minus_1 = days_from_civil(-1, 12, 31) * MICROS_PER_DAY;
        assert_eq!(Timestamp(year_minus_1).to_rfc3339(), "-001-12-31T00:00:00Z");
    }

    #[test]
    fn writes_postgres_text_that_parses_back() {
        let pg = |micros: i64| {
            let mut out = String::new();
            Timestamp(micros).write_postgres(&mut out);
            out
        };
        let base = ts("2024-01-15 14:23:45+00");
        assert_eq!(pg(base), "2024-01-15 14:23:45+00");
        assert_eq!(pg(base + 120_000), "2024-01-15 14:23:45.12+00");
        assert_eq!(pg(base + 5_000), "2024-01-15 14:23:45.005+00");
        assert_eq!(pg(base + 100_000), "2024-01-15 14:23:45.1+00");
        assert_eq!(pg(base + 123_456), "2024-01-15 14:23:45.123456+00");
        assert_eq!(pg(base + 1), "2024-01-15 14:23:45.000001+00");
        assert_eq!(pg(-500_000), "1969-12-31 23:59:59.5+00");
        for micros in [
            0,
            -1,
            base,
            base + 10,
            base + 999_999,
            2_932_896 * MICROS_PER_DAY - 1,
        ] {
            assert_eq!(ts(&pg(micros)), micros, "{}", pg(micros));
        }
    }
}
