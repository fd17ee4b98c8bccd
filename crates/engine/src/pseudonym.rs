//! Sharing without names (SPEC §12): every user becomes a pseudonym, `P-`
//! and the first 10 lowercase hex digits of HMAC-SHA256(key, the user id
//! as decimal text).
//!
//! One step, applied after every figure is computed:
//!
//! 1. [`Pseudonyms::apply`] re-orders the rows that are "ascending by
//!    `user_id`" by pseudonym (a stable sort: rankings and the rows' other
//!    keys keep their order), marks the range `"pseudonymized": true`, adds
//!    a line to `summary.md` and drops the quoted values of warnings.
//! 2. Every writer then passes the values through the pseudonyms: JSON
//!    through [`masked::Masked`] (a serializer adapter), tables (CSV, `report.html`,
//!    `report.xlsx`) through [`Pseudonyms::table`]. Both work by field or
//!    column name, whatever the data set: a `user_id` holds the pseudonym,
//!    a `username` the pseudonym (null for an id that is not in
//!    `auth_user`), an `email` null; in feed items (`TimelineRow`,
//!    `user_activity_timeline`) `title` and `description` are null and a
//!    `target_id` whose `target_type` is `user` is that user's pseudonym.
//!    A new data set is covered as soon as its rows use those names.
//!
//! `pseudonyms.csv` ([`Pseudonyms::csv`]) is the only link back to people.
//!
//! ```
//! use engagement_engine::pseudonym::{pseudonym, Key};
//! let key = Key::from_hex(&"01".repeat(32)).unwrap();
//! assert_eq!(pseudonym(&key, 100).len(), 12);
//! assert!(pseudonym(&key, 100).starts_with("P-"));
//! ```

use std::borrow::Cow;
use std::fmt;

use hmac::{KeyInit, Mac};

use crate::insights::Insights;
use crate::load::Warning;
use crate::model::Dataset;
use crate::report::Report;
use crate::table::{Cell, Table};

/// The file that links pseudonyms back to people.
pub const FILE_NAME: &str = "pseudonyms.csv";

/// The columns of `pseudonyms.csv`.
pub const COLUMNS: [&str; 4] = ["pseudonym", "user_id", "username", "email"];

/// The serde name of a feed item's row (data set 4), whose `title` and
/// `description` are left out.
const FEED_ROW: &str = "TimelineRow";

/// The table of feed items.
const FEED_TABLE: &str = "user_activity_timeline";

/// The content type (`django_content_type.model`) of a user: a feed item's
/// `target_id` is then a user id.
const USER_MODEL: &str = "user";

/// A 32-byte pseudonym key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

/// A key that is not 64 hex digits. Its message never quotes the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

impl Key {
    /// A key from 64 hex digits (either case, surrounding white space
    /// ignored).
    pub fn from_hex(hex: &str) -> Result<Key, KeyError> {
        let hex = hex.trim();
        let digits = hex.chars().count();
        let bad = |why: String| {
            KeyError(format!(
                "the pseudonym key {why}; expected 64 hex digits (32 bytes), e.g. made with `openssl rand -hex 32`"
            ))
        };
        if digits != 64 {
            return Err(bad(format!("has {digits} characters")));
        }
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("holds characters that are not hex digits".into()));
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            let text = std::str::from_utf8(pair).expect("ASCII hex digits");
            bytes[i] = u8::from_str_radix(text, 16).expect("hex digits checked above");
        }
        Ok(Key(bytes))
    }

    /// A new random key from the platform's secure source (the browser's
    /// `crypto.getRandomValues` in wasm).
    pub fn random() -> Result<Key, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| KeyError(format!("cannot make a random pseudonym key: {e}")))?;
        Ok(Key(bytes))
    }

    /// The key's 32 bytes (to hand it to the page's worker).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// A key of 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// The key as 64 lowercase hex digits (to show it, or keep it with the
    /// data).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(…)")
    }
}

/// The pseudonym of user `id` under `key`: `P-` and the first 10 lowercase
/// hex digits of HMAC-SHA256(key, `id` as decimal text).
pub fn pseudonym(key: &Key, id: i64) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key.0)
        .expect("HMAC takes a key of any length");
    mac.update(id.to_string().as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(12);
    out.push_str("P-");
    for b in &digest[..5] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Two users of the bundle with the same pseudonym (never seen in
/// practice: 40 bits of HMAC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The pseudonym.
    pub pseudonym: String,
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "two users have the same pseudonym {}; use another pseudonym key",
            self.pseudonym
        )
    }
}

impl std::error::Error for Collision {}

/// One user of `pseudonyms.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Person {
    pseudonym: String,
    id: i64,
    username: Box<str>,
    email: Box<str>,
}

/// The pseudonyms of a bundle's users (after the segment).
#[derive(Clone, Debug)]
pub struct Pseudonyms {
    key: Key,
    /// Ascending by pseudonym.
    people: Vec<Person>,
    /// (user id, index into `people`), ascending by id.
    by_id: Vec<(i64, u32)>,
}

impl Pseudonyms {
    /// The pseudonyms of every user of `data`; an error when two share one.
    pub fn new(key: &Key, data: &Dataset) -> Result<Pseudonyms, Collision> {
        let mut people: Vec<Person> = data
            .users
            .iter()
            .map(|u| Person {
                pseudonym: pseudonym(key, u.id),
                id: u.id,
                username: u.username.clone(),
                email: u.email.clone(),
            })
            .collect();
        people.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
        if let Some(pair) = people.windows(2).find(|p| p[0].pseudonym == p[1].pseudonym) {
            return Err(Collision {
                pseudonym: pair[0].pseudonym.clone(),
            });
        }
        let mut by_id: Vec<(i64, u32)> = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i as u32))
            .collect();
        by_id.sort_unstable();
        Ok(Pseudonyms {
            key: key.clone(),
            people,
            by_id,
        })
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// Whether the bundle has no users.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    fn index(&self, id: i64) -> Option<usize> {
        self.by_id
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|k| self.by_id[k].1 as usize)
    }

    /// The pseudonym of user `id`; an id that is not in `auth_user` gets
    /// one too.
    pub fn of(&self, id: i64) -> Cow<'_, str> {
        match self.index(id) {
            Some(i) => Cow::Borrowed(&self.people[i].pseudonym),
            None => Cow::Owned(pseudonym(&self.key, id)),
        }
    }

    /// What a `username` of user `id` becomes: its pseudonym, or null for
    /// an id that is not in `auth_user` (which has no username).
    pub fn username(&self, id: i64) -> Option<&str> {
        self.index(id).map(|i| self.people[i].pseudonym.as_str())
    }

    /// A sort key that orders users by pseudonym (ids that are not in
    /// `auth_user` by their computed pseudonym, after the same rank).
    fn order(&self, id: i64) -> (usize, Cow<'_, str>) {
        match self.index(id) {
            Some(i) => (i, Cow::Borrowed("")),
            None => {
                let p = pseudonym(&self.key, id);
                let rank = self.people.partition_point(|q| q.pseudonym < p);
                (rank, Cow::Owned(p))
            }
        }
    }

    /// `pseudonyms.csv`: `pseudonym, user_id, username, email`, one row per
    /// user ordered by pseudonym, text guarded against formulas (SPEC §5).
    pub fn csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        crate::csv_write::write(
            &COLUMNS,
            self.people.iter().map(|p| {
                vec![
                    Cell::Plain(p.pseudonym.clone()),
                    Cell::Int(p.id),
                    Cell::Text(&p.username),
                    Cell::Text(&p.email),
                ]
            }),
            &mut out,
        )
        .expect("writing to memory cannot fail");
        out
    }

    /// The first half of the step: the report and insights with the rows
    /// that are "ascending by `user_id`" ordered by pseudonym (stable), the
    /// range marked, `summary.md` saying so, and the warnings without the
    /// values they quote (a malformed row's field may be a name or an
    /// e-mail). Write the result with [`masked::Masked`] and [`Pseudonyms::table`]
    /// (the report's writers do, given these pseudonyms).
    pub fn apply<'a>(
        &self,
        report: &Report<'a>,
        insights: Option<&Insights<'a>>,
        warnings: &[Warning],
    ) -> Pseudonymized<'a> {
        let key = |id: i64| self.order(id);
        let mut r = report.clone();
        r.range.pseudonymized = true;
        r.user_activity.sort_by_cached_key(|row| key(row.user_id));
        r.user_activity_timeline = report.user_activity_timeline.sorted_by_user(key);
        r.user_fast_participation = report.user_fast_participation.sorted_by_user(key);
        let redacted: Vec<Warning> = warnings.iter().map(without_values).collect();
        let insights = insights.map(|i| {
            let mut i = i.clone();
            i.user_engagement.sort_by_cached_key(|row| key(row.user_id));
            i.summary_md =
                crate::insights::pseudonymized_summary(&i.summary_md, warnings, &redacted);
            i
        });
        Pseudonymized {
            report: r,
            insights,
            warnings: redacted,
        }
    }

    /// `table` as pseudonymised output shows it, by column name: `user_id`
    /// holds the pseudonym, `username` the pseudonym (empty for an id not
    /// in `auth_user`), `email` nothing; in the feed items' table `title`
    /// and `description` nothing, and a `target_id` of `target_type` `user`
    /// the pseudonym.
    pub fn table<'a>(&'a self, table: Table<'a>) -> Table<'a> {
        let col = |name: &str| table.columns().iter().position(|c| c == name);
        let (user_id, username, email) = (col("user_id"), col("username"), col("email"));
        let feed = table.name() == FEED_TABLE;
        let texts: Vec<usize> = if feed {
            [col("title"), col("description")]
                .into_iter()
                .flatten()
                .collect()
        } else {
            Vec::new()
        };
        let target = if feed {
            col("target_type").zip(col("target_id"))
        } else {
            None
        };
        if user_id.is_none() && username.is_none() && email.is_none() && texts.is_empty() {
            return table;
        }
        let (name, columns, len) = (table.name(), table.columns().to_vec(), table.len());
        Table::new(name, columns, len, move |i| {
            let mut row = table.row(i);
            let id = user_id.and_then(|c| match row[c] {
                Cell::Int(id) => Some(id),
                _ => None,
            });
            if let (Some(c), Some(id)) = (user_id, id) {
                row[c] = Cell::Plain(self.of(id).into_owned());
            }
            if let Some(c) = username {
                row[c] = match id.and_then(|id| self.username(id)) {
                    Some(p) => Cell::Plain(p.to_string()),
                    None => Cell::Null,
                };
            }
            if let Some(c) = email {
                row[c] = Cell::Null;
            }
            for &c in &texts {
                row[c] = Cell::Null;
            }
            if let Some((kind, target)) = target {
                if let (Cell::Text(USER_MODEL), Cell::Int(id)) = (&row[kind], &row[target]) {
                    row[target] = Cell::Plain(self.of(*id).into_owned());
                }
            }
            row
        })
    }
}

/// A warning as pseudonymised output lists it: where it happened, without
/// the value found there.
pub fn without_values(w: &Warning) -> Warning {
    Warning {
        first: w.first.as_ref().map(|(at, _)| (*at, String::new())),
        ..w.clone()
    }
}

/// The report and insights of [`Pseudonyms::apply`]: real ids and names
/// still, in pseudonym order; write them with the pseudonyms.
#[derive(Clone, Debug)]
pub struct Pseudonymized<'a> {
    /// The seven data sets, re-ordered, range marked.
    pub report: Report<'a>,
    /// The insights, re-ordered, `summary.md` saying names were replaced.
    pub insights: Option<Insights<'a>>,
    /// The warnings without the values they quote.
    pub warnings: Vec<Warning>,
}

pub mod masked;

#[cfg(test)]
mod tests;
