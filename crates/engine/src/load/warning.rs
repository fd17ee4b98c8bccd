//! Counted warnings: the problems the report could do without.

use super::location::Location;
use std::fmt;

/// A counted problem the report could do without: shown to the user, never
/// hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file (or table) concerned.
    pub file: String,
    /// How many rows or objects; 0 for a warning about the whole file (a
    /// table that is not in the export files), which is then stated without a
    /// count.
    pub count: u64,
    /// What is wrong with them, e.g. "rows reference unknown users".
    pub what: String,
    /// What the report did, e.g. "counted without a user".
    pub outcome: String,
    /// The first place it happened, with what was found there.
    pub first: Option<(Location, String)>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            // About a whole file (a table not in the export files): no rows to count.
            write!(f, "{}: {}; {}", self.file, self.what, self.outcome)?;
        } else {
            write!(
                f,
                "{}: {} {}; {}",
                self.file, self.count, self.what, self.outcome
            )?;
        }
        if let Some((loc, detail)) = &self.first {
            if detail.is_empty() {
                write!(f, " (first at {loc})")?;
            } else {
                write!(f, " (first at {loc}: {detail})")?;
            }
        }
        Ok(())
    }
}

impl Warning {
    /// The warning as the report's own files state it (`summary.md`,
    /// `report.html`): the file by its name alone, so that the same bundle
    /// gives the same files whether it was given as a folder on the command
    /// line, picked file by file in the page, or zipped, and no local path
    /// travels with a shared report.
    pub fn report_text(&self) -> String {
        let name = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        Warning {
            file: name.to_string(),
            ..self.clone()
        }
        .to_string()
    }
}

/// Warnings, merged by (file, what) so each kind is one counted line.
#[derive(Clone, Debug, Default)]
pub struct Warnings(pub(super) Vec<Warning>);

impl Warnings {
    /// Counts one more occurrence.
    pub fn add(
        &mut self,
        file: &str,
        what: &str,
        outcome: &str,
        first: Option<(Location, String)>,
    ) {
        self.add_many(file, 1, what, outcome, first);
    }

    /// Counts `count` more occurrences.
    pub fn add_many(
        &mut self,
        file: &str,
        count: u64,
        what: &str,
        outcome: &str,
        first: Option<(Location, String)>,
    ) {
        if count == 0 {
            return;
        }
        if let Some(w) = self.0.iter_mut().find(|w| w.file == file && w.what == what) {
            w.count += count;
            if w.first.is_none() {
                w.first = first;
            }
            return;
        }
        self.0.push(Warning {
            file: file.to_string(),
            count,
            what: what.to_string(),
            outcome: outcome.to_string(),
            first,
        });
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Warnings) {
        for w in other.0 {
            self.add_many(&w.file, w.count, &w.what, &w.outcome, w.first);
        }
    }

    /// The warnings, in the order first seen.
    pub fn list(&self) -> &[Warning] {
        &self.0
    }

    /// Takes the warnings out.
    pub fn into_vec(self) -> Vec<Warning> {
        self.0
    }
}
