//! Malformed rows (SPEC §2d), counted per file and kind: a warning, or
//! by default the bundle's error.

use super::error::{LoadError, LoadErrorKind, MalformedRows};
use super::location::{cut_off_place, Location};
use super::warning::Warnings;

/// One kind of malformed row (SPEC §2d) of one file: counted, left out,
/// and either a warning or, by default, an error at the end of the bundle.
#[derive(Clone, Debug)]
struct BadRow {
    file: String,
    /// The warning's text, e.g. "rows have an unreadable `id`"; rows with
    /// the same text in the same file have "the same problem".
    what: String,
    column: Option<String>,
    first: Location,
    found: String,
    expected: String,
    count: u64,
    /// The last row of a file that ends in the middle of it.
    cut_off: bool,
}

/// `1 other row of the export files cannot be read either`, or `3 other rows …`.
fn others_unreadable(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{n} other {noun} of the export files cannot be read either")
}

/// Malformed rows, merged by (file, what), in the order first seen.
#[derive(Clone, Debug, Default)]
pub(crate) struct BadRows(Vec<BadRow>);

impl BadRows {
    /// Counts one malformed row: in `file` at `at`, `column` (if known)
    /// holds `found` where `expected` was expected; `what` says what is
    /// wrong with such rows, for the warning.
    pub(crate) fn add(
        &mut self,
        file: &str,
        at: Location,
        what: String,
        column: Option<&str>,
        found: String,
        expected: &str,
    ) {
        if let Some(b) = self.0.iter_mut().find(|b| b.file == file && b.what == what) {
            b.count += 1;
            return;
        }
        self.0.push(BadRow {
            file: file.to_string(),
            what,
            column: column.map(str::to_string),
            first: at,
            found,
            expected: expected.to_string(),
            count: 1,
            cut_off: false,
        });
    }

    /// Counts the last row (CSV) or object (JSON) of `file`, at `at`,
    /// which the file's end cuts off in the middle (SPEC §2d): the file is
    /// incomplete, and both the error and the warning say so.
    pub(crate) fn add_cut_off(
        &mut self,
        file: &str,
        at: Location,
        column: Option<&str>,
        found: String,
        expected: &str,
    ) {
        let (one, _) = nouns(at);
        let what = format!(
            "{one} where the file ends is cut off (the file is incomplete: it ends in the middle of {}; export it again)",
            cut_off_place(at)
        );
        self.add(file, at, what, column, found, expected);
        if let Some(b) = self.0.last_mut() {
            b.cut_off = true;
        }
    }

    pub(super) fn extend(&mut self, other: BadRows) {
        for b in other.0 {
            match self
                .0
                .iter_mut()
                .find(|a| a.file == b.file && a.what == b.what)
            {
                Some(a) => a.count += b.count,
                None => self.0.push(b),
            }
        }
    }

    /// Rows counted, all kinds together.
    pub(super) fn total(&self) -> u64 {
        self.0.iter().map(|b| b.count).sum()
    }

    /// One counted warning per kind.
    pub(super) fn warnings(&self) -> Warnings {
        let mut w = Warnings::default();
        for b in &self.0 {
            w.add_many(
                &b.file,
                b.count,
                &b.what,
                "left out",
                Some((
                    b.first,
                    format!("found {}, expected {}", b.found, b.expected),
                )),
            );
        }
        w
    }

    /// Files cut off in the middle of a row, with where they end.
    pub(super) fn cut_off(&self) -> Vec<(String, Location)> {
        self.0
            .iter()
            .filter(|b| b.cut_off)
            .map(|b| (b.file.clone(), b.first))
            .collect()
    }

    /// The error that stops a bundle with malformed rows, naming the first
    /// (a file cut off in the middle first of all: it is not one bad row
    /// but a missing part of the file).
    pub(super) fn into_error(mut self) -> Option<LoadError> {
        let total = self.total();
        let kinds = self.warnings().into_vec();
        if let Some(i) = self.0.iter().position(|b| b.cut_off) {
            let first = self.0.remove(i);
            let (one, many) = nouns(first.first);
            let others = match total - 1 {
                0 => String::new(),
                n => format!("; {}", others_unreadable(n, one, many)),
            };
            let these = if total == 1 {
                format!("the {one} cut off")
            } else {
                format!("these {total} {many}")
            };
            let message = format!(
                "ends in the middle of {}: the file is incomplete, export it again{others}; or go on without {these}",
                cut_off_place(first.first)
            );
            return Some(LoadError::of_kind(
                &first.file,
                Some(first.first),
                LoadErrorKind::MalformedRows(Box::new(MalformedRows {
                    column: first.column,
                    found: first.found,
                    expected: first.expected,
                    more: 0,
                    total,
                    kinds,
                    cut_off: true,
                })),
                message,
            ));
        }
        let first = self.0.into_iter().next()?;
        let (one, many) = nouns(first.first);
        let more = first.count - 1;
        let same = match more {
            0 => format!("no other {one} of this file has this problem"),
            1 => format!("1 more {one} of this file has the same problem"),
            n => format!("{n} more {many} of this file have the same problem"),
        };
        // Rows and objects of other kinds are named like the first one: a
        // bundle rarely mixes CSV tables and dumps.
        let others = match total - first.count {
            0 => String::new(),
            n => format!(", and {}", others_unreadable(n, one, many)),
        };
        let these = if total == 1 {
            format!("this {one}")
        } else {
            format!("these {total} {many}")
        };
        let message = format!(
            "found {}, expected {}; {same}{others}; correct the export, or go on without {these}",
            first.found, first.expected
        );
        Some(LoadError::of_kind(
            &first.file,
            Some(first.first),
            LoadErrorKind::MalformedRows(Box::new(MalformedRows {
                column: first.column,
                found: first.found,
                expected: first.expected,
                more,
                total,
                kinds,
                cut_off: false,
            })),
            message,
        ))
    }
}

/// What a file is made of, one and many, at `at`.
fn nouns(at: Location) -> (&'static str, &'static str) {
    match at {
        Location::Line(_) => ("row", "rows"),
        Location::Object(_) => ("object", "objects"),
    }
}
