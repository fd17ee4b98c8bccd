//! Where in a file something was found, as messages say it.

use std::fmt;

/// Where in a file something was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A CSV line (1-based; the header is line 1).
    Line(u64),
    /// A JSON object's index in the dump's top-level array (0-based).
    Object(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Object(n) => write!(f, "object {n}"),
        }
    }
}

/// `7093` as `7,093`: line numbers in messages people read.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where a cut-off file ends, as its messages say it: `line 7,093`, or
/// `object 41` of a dump's array.
pub(super) fn cut_off_place(at: Location) -> String {
    match at {
        Location::Line(n) => format!("line {}", grouped(n)),
        Location::Object(n) => format!("its array, inside object {}", grouped(n)),
    }
}
