//! The loaded data, resolved and compact: what every data set is computed
//! from. Built once by [`crate::load::Bundle::finish`]; changing the period
//! recomputes from it without reading the files again.
//!
//! Rows are stored column by column with dense `u32` indices instead of
//! database ids, so computing a report is a few linear scans with array
//! lookups, no hashing per row.

use std::collections::HashMap;

pub use crate::id_column::{IdColumn, NO_ID};
use crate::load::catalogue::Table;
use crate::timestamp::Timestamp;

/// Marks "no user" / "no value" in a `u32` index column.
pub const NONE: u32 = u32::MAX;

/// Stores each distinct string once; a string's index is its symbol.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    map: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The symbol of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = self.strings.len() as u32;
        self.strings.push(s.into());
        self.map.insert(s.into(), sym);
        sym
    }

    /// The symbol of `s` if it was interned.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    /// The string of a symbol.
    #[inline]
    pub fn get(&self, sym: u32) -> &str {
        &self.strings[sym as usize]
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// A column of optional strings that stores each distinct string once.
///
/// Feed titles and descriptions are mostly a few templates repeated over
/// millions of rows ("Welcome to the community!"): each row holds a 4-byte
/// symbol, and the text of each distinct value is kept once. A column of
/// all-different values costs about what a plain buffer of them would, plus
/// the hash table (about 5 bytes a distinct value). NULL stays apart from
/// `""`.
///
/// The distinct values live in one or more buffers (*chunks*): a column
/// parsed in pieces on several threads takes over each piece's buffer when
/// it is appended instead of copying its text (see [`TextColumn::append`]),
/// so a feed whose every title differs is not held twice while it loads.
#[derive(Clone, Debug, Default)]
pub struct TextColumn {
    /// Each row's symbol, or [`NONE`] for NULL.
    rows: Vec<u32>,
    /// The distinct values, one after another, in chunks; values are added
    /// to the last chunk.
    chunks: Vec<String>,
    /// Where each distinct value ends, counted over the chunks as if they
    /// were one buffer.
    ends: Vec<usize>,
    /// For each chunk after the first: its first symbol and where it starts
    /// in that one buffer.
    chunk_starts: Vec<(u32, usize)>,
    /// Symbols, found by their value's hash. A symbol taken over from an
    /// appended column whose value this column already had is not in it:
    /// no row refers to such a symbol.
    table: hashbrown::HashTable<u32>,
}

/// Where distinct values are kept: a borrowed view of a [`TextColumn`]'s
/// buffers, so that the table can be borrowed mutably beside it.
#[derive(Clone, Copy)]
struct Texts<'a> {
    chunks: &'a [String],
    ends: &'a [usize],
    chunk_starts: &'a [(u32, usize)],
}

impl<'a> Texts<'a> {
    /// Distinct value `sym`.
    #[inline]
    fn value(self, sym: u32) -> &'a str {
        let i = sym as usize;
        // The chunk holding `sym` and where it starts; most columns have
        // one chunk, a column read in pieces a few dozen.
        let (chunk, base, first) = match self.chunk_starts.partition_point(|&(f, _)| f <= sym) {
            0 => (0, 0, 0),
            n => {
                let (first, base) = self.chunk_starts[n - 1];
                (n, base, first as usize)
            }
        };
        let start = if i == first { base } else { self.ends[i - 1] };
        &self.chunks[chunk][start - base..self.ends[i] - base]
    }
}

impl TextColumn {
    /// The hash of a value; the same for every column, so symbols of one
    /// column can be looked up in another when appending.
    #[inline]
    fn hash(value: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(value)
    }

    #[inline]
    fn texts(&self) -> Texts<'_> {
        Texts {
            chunks: &self.chunks,
            ends: &self.ends,
            chunk_starts: &self.chunk_starts,
        }
    }

    /// Distinct value `sym`.
    #[inline]
    fn distinct(&self, sym: u32) -> &str {
        self.texts().value(sym)
    }

    /// The length of the one buffer the chunks make.
    fn text_len(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    /// The symbol of `value` with hash `hash`, if this column has it.
    fn find(&self, hash: u64, value: &str) -> Option<u32> {
        let texts = self.texts();
        self.table.find(hash, |&s| texts.value(s) == value).copied()
    }

    /// Remembers that symbol `sym` (whose value hashes to `hash`) is the
    /// one of its value.
    fn remember(&mut self, hash: u64, sym: u32) {
        let texts = Texts {
            chunks: &self.chunks,
            ends: &self.ends,
            chunk_starts: &self.chunk_starts,
        };
        self.table
            .insert_unique(hash, sym, |&s| Self::hash(texts.value(s)));
    }

    /// The symbol of `value`, added when new.
    fn symbol(&mut self, value: &str) -> u32 {
        let hash = Self::hash(value);
        if let Some(sym) = self.find(hash, value) {
            return sym;
        }
        let sym = self.ends.len() as u32;
        if self.chunks.is_empty() {
            self.chunks.push(String::new());
        }
        let end = self.text_len() + value.len();
        self.chunks.last_mut().expect("a chunk").push_str(value);
        self.ends.push(end);
        self.remember(hash, sym);
        sym
    }

    /// Appends a value.
    #[inline]
    pub fn push(&mut self, value: Option<&str>) {
        let sym = match value {
            Some(v) => self.symbol(v),
            None => NONE,
        };
        self.rows.push(sym);
    }

    /// Value `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.rows[i] {
            NONE => None,
            sym => Some(self.distinct(sym)),
        }
    }

    /// Row `i`'s symbol: [`NONE`] for NULL, else the number of its
    /// distinct value (see [`TextColumn::distinct_value`]), for readers
    /// that keep symbols instead of copying text.
    #[inline]
    pub fn symbol_at(&self, i: usize) -> u32 {
        self.rows[i]
    }

    /// Distinct value `sym` (`sym < self.distinct_len()`).
    #[inline]
    pub fn distinct_value(&self, sym: u32) -> &str {
        self.distinct(sym)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of symbols of distinct values (NULL not counted). A column
    /// built by [`TextColumn::append`] may count a value twice, once under
    /// a symbol no row refers to.
    pub fn distinct_len(&self) -> usize {
        self.ends.len()
    }

    /// Makes room for `values` more values.
    pub fn reserve(&mut self, values: usize) {
        self.rows.reserve(values);
    }

    /// Gives back unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        for chunk in &mut self.chunks {
            chunk.shrink_to_fit();
        }
        self.ends.shrink_to_fit();
        let texts = Texts {
            chunks: &self.chunks,
            ends: &self.ends,
            chunk_starts: &self.chunk_starts,
        };
        self.table.shrink_to_fit(|&s| Self::hash(texts.value(s)));
    }

    /// Appends all of `other`.
    ///
    /// When `other` brings mostly values this column lacks (a piece of a
    /// feed whose texts all differ), its buffer becomes a chunk of this
    /// column as it is, so its text is never copied: the values this
    /// column had already get a symbol that no row refers to. Otherwise
    /// (a few templates repeated) its new values are copied and its
    /// buffer dropped.
    pub fn append(&mut self, mut other: TextColumn) {
        if self.rows.is_empty() && self.ends.is_empty() {
            *self = other;
            return;
        }
        let known: Vec<Option<u32>> = (0..other.ends.len() as u32)
            .map(|sym| {
                let value = other.distinct(sym);
                self.find(Self::hash(value), value)
            })
            .collect();
        let new = known.iter().filter(|k| k.is_none()).count();
        // Taking over the buffers costs one entry of `ends` per value
        // already known; copying costs the text of the new ones.
        let take_over = other.chunks.len() == 1 && new > 0 && new >= known.len() / 2;
        let to_self: Vec<u32> = if take_over {
            let first = self.ends.len() as u32;
            let base = self.text_len();
            // Only the buffer is kept: `other`'s rows and table are
            // dropped below, so they are not shrunk or rehashed first.
            let mut chunk = std::mem::take(&mut other.chunks[0]);
            chunk.shrink_to_fit();
            self.chunk_starts.push((first, base));
            self.chunks.push(chunk);
            self.ends.extend(other.ends.iter().map(|&e| base + e));
            // Values added after this append go to a chunk of their own,
            // so that the taken-over buffer is never written to.
            self.chunks.push(String::new());
            self.chunk_starts
                .push((self.ends.len() as u32, self.text_len()));
            known
                .iter()
                .enumerate()
                .map(|(i, k)| match k {
                    Some(sym) => *sym,
                    None => {
                        let sym = first + i as u32;
                        self.remember(Self::hash(self.distinct(sym)), sym);
                        sym
                    }
                })
                .collect()
        } else {
            known
                .iter()
                .enumerate()
                .map(|(i, k)| match k {
                    Some(sym) => *sym,
                    None => self.symbol(other.distinct(i as u32)),
                })
                .collect()
        };
        self.rows.extend(other.rows.iter().map(|&sym| match sym {
            NONE => NONE,
            sym => to_self[sym as usize],
        }));
    }

    /// The values of `rows`, in that order, keeping this column's distinct
    /// values (no value is hashed again).
    pub fn into_selected(mut self, rows: &[u32]) -> TextColumn {
        self.rows = rows.iter().map(|&r| self.rows[r as usize]).collect();
        self
    }

    /// Like [`TextColumn::into_selected`], leaving this column as it is.
    pub fn selected(&self, rows: &[u32]) -> TextColumn {
        TextColumn {
            rows: rows.iter().map(|&r| self.rows[r as usize]).collect(),
            chunks: self.chunks.clone(),
            ends: self.ends.clone(),
            chunk_starts: self.chunk_starts.clone(),
            table: self.table.clone(),
        }
    }
}

/// A user (`auth_user`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login name.
    pub username: Box<str>,
    /// E-mail address.
    pub email: Box<str>,
    /// When the account was created.
    pub date_joined: Timestamp,
    /// `is_staff` or `is_superuser` (false when the columns are absent;
    /// [`OptionalColumns::staff_missing`] says whether they were).
    pub staff: bool,
}

/// A church (`hub_church`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Church {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: Box<str>,
}

/// Optional columns that only a segment (SPEC §8) needs, and the files
/// that lacked them: a segment that needs a missing column is an error
/// naming the file, while a report without segments never needs them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OptionalColumns {
    /// (file, column) for each file of users without `is_staff` or
    /// `is_superuser`.
    pub staff_missing: Vec<(String, &'static str)>,
    /// Files of profiles without `church_id` (`church` in a dump).
    pub church_missing: Vec<String>,
}

/// A fast, with its display name already built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fast {
    /// Database id.
    pub id: i64,
    /// The name, plus ` (YEAR)` when the fast has a year (SPEC §4.2).
    pub display_name: Box<str>,
    /// The church's name; `None` when the church is unknown.
    pub church_name: Option<Box<str>>,
    /// The church's id as given (known or not), or `None`.
    pub church_id: Option<i64>,
    /// The name alone, as exported (SPEC §11.5 matches editions by it).
    pub name: Box<str>,
    /// `year`, when the fast has one.
    pub year: Option<i64>,
    /// Its calendar days from `hub_day` (SPEC §11), when the bundle lists
    /// any.
    pub days: Option<FastDays>,
}

/// The calendar days of a fast (`hub_day` rows with its id), summed up:
/// all that SPEC §11 reads of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastDays {
    /// The earliest date.
    pub first: crate::period::Date,
    /// The latest date.
    pub last: crate::period::Date,
    /// Distinct dates.
    pub count: u32,
}

impl Fast {
    /// The fast's year for matching editions (SPEC §11.5): its `year`, or
    /// when that is empty the year of its first day; `None` without either.
    pub fn edition_year(&self) -> Option<i64> {
        use chrono::Datelike;
        self.year
            .or_else(|| self.days.map(|d| i64::from(d.first.year())))
    }
}

/// What the report needs from an event's `data` JSON.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct EventDetail {
    /// `data.screen`, for `screen_view` events.
    pub screen: Option<Box<str>>,
    /// `data.video_id`, for `tutorial_video_viewed` events.
    pub video_id: VideoId,
    /// `data.title`, for `tutorial_video_viewed` events.
    pub video_title: Option<Box<str>>,
    /// `data.platform` of `app_open` events (SPEC §11): `None` when it is
    /// missing, null, empty or not a string, which counts as `"unknown"`.
    pub platform: Option<Box<str>>,
    /// `data.app_version` of `app_open` events, like `platform`.
    pub app_version: Option<Box<str>>,
    /// `data.source` of `screen_view` events, like `platform`.
    pub source: Option<Box<str>>,
    /// `data.duration_seconds` of `session_end` events when it is a JSON
    /// number ≥ 0 (text such as `"30"` and `true` are not counted).
    pub duration_seconds: Option<JsonNumber>,
}

/// What a label of `data` counts as when it is not a non-empty string
/// (SPEC §11).
pub const UNKNOWN_LABEL: &str = "unknown";

/// A tutorial video id as found in `data.video_id`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum VideoId {
    /// A JSON number, kept as written; ordered numerically.
    Number(JsonNumber),
    /// Any other value, as text.
    Text(Box<str>),
    /// Absent or null.
    #[default]
    Null,
}

/// A JSON number kept exactly as written, ordered by value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JsonNumber(pub Box<str>);

impl JsonNumber {
    /// The number's value (NaN for text that is not a number, which the
    /// loader never keeps).
    pub fn value(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl PartialOrd for JsonNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for JsonNumber {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value()
            .total_cmp(&other.value())
            .then_with(|| self.0.cmp(&other.0))
    }
}

/// What an event code means to the report (SPEC §2c).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `user_joined_fast`
    JoinedFast,
    /// `user_left_fast`
    LeftFast,
    /// `screen_view`
    ScreenView,
    /// `devotional_viewed`
    DevotionalViewed,
    /// `checklist_used`
    ChecklistUsed,
    /// `tutorial_video_viewed`
    TutorialVideoViewed,
    /// Any other code: counted in `events_by_type` only.
    Other,
}

impl EventKind {
    /// The kind of an event type code.
    pub fn of_code(code: &str) -> EventKind {
        match code {
            "user_joined_fast" => EventKind::JoinedFast,
            "user_left_fast" => EventKind::LeftFast,
            "screen_view" => EventKind::ScreenView,
            "devotional_viewed" => EventKind::DevotionalViewed,
            "checklist_used" => EventKind::ChecklistUsed,
            "tutorial_video_viewed" => EventKind::TutorialVideoViewed,
            _ => EventKind::Other,
        }
    }
}

/// Tracked events, one entry per column.
#[derive(Clone, Debug, Default)]
pub struct Events {
    /// When (µs since the epoch).
    pub timestamp: Vec<i64>,
    /// Index into [`Dataset::event_codes`].
    pub code: Vec<u32>,
    /// Index into [`Dataset::users`], or [`NONE`].
    pub user: Vec<u32>,
    /// The targeted fast's id (known or not), or [`NO_ID`].
    pub fast_id: IdColumn,
    /// Index into [`Dataset::event_details`] (0 = nothing).
    pub detail: Vec<u32>,
}

impl Events {
    /// Number of events.
    pub fn len(&self) -> usize {
        self.timestamp.len()
    }

    /// Whether there are no events.
    pub fn is_empty(&self) -> bool {
        self.timestamp.is_empty()
    }
}

/// Activity-feed items, one entry per column, sorted by user index, then
/// newest first, then id: the order of SPEC §4.4.
#[derive(Clone, Debug, Default)]
pub struct Feed {
    /// Index into [`Dataset::users`].
    pub user: Vec<u32>,
    /// `activity_type`, a symbol of [`Dataset::strings`].
    pub activity_type: Vec<u32>,
    /// `created_at` (µs since the epoch).
    pub timestamp: Vec<i64>,
    /// `title`.
    pub title: TextColumn,
    /// `description`.
    pub description: TextColumn,
    /// The target's content-type model name (symbol), or [`NONE`].
    pub target_type: Vec<u32>,
    /// `object_id`, or [`NO_ID`].
    pub target_id: IdColumn,
}

impl Feed {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.user.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }

    /// Item `i`'s title.
    pub fn title(&self, i: usize) -> Option<&str> {
        self.title.get(i)
    }

    /// Item `i`'s description.
    pub fn description(&self, i: usize) -> Option<&str> {
        self.description.get(i)
    }
}

/// Everything a report is computed from.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Users, ascending by id.
    pub users: Vec<User>,
    /// Fasts, ascending by id.
    pub fasts: Vec<Fast>,
    /// Current memberships as (user index, fast index), sorted, unique.
    pub memberships: Vec<(u32, u32)>,
    /// Churches, ascending by id.
    pub churches: Vec<Church>,
    /// The churches of users' profiles as (user index, church id), sorted,
    /// unique; a user may have several.
    pub profile_churches: Vec<(u32, i64)>,
    /// Which optional columns the bundle lacked.
    pub optional_columns: OptionalColumns,
    /// Event type codes; [`Events::code`] indexes this.
    pub event_codes: Vec<Box<str>>,
    /// Events.
    pub events: Events,
    /// Details of events' `data`; index 0 is the empty detail.
    pub event_details: Vec<EventDetail>,
    /// Feed items.
    pub feed: Feed,
    /// Strings of the feed (activity types, model names).
    pub strings: Interner,
    /// The tables of SPEC §2a the bundle lacked, in SPEC order: figures
    /// that need one say so instead of showing zeros
    /// ([`crate::load::needs`]).
    pub missing_tables: Vec<Table>,
}

impl Dataset {
    /// The index of the user with `id`.
    pub fn user_index(&self, id: i64) -> Option<u32> {
        self.users
            .binary_search_by_key(&id, |u| u.id)
            .ok()
            .map(|i| i as u32)
    }

    /// The index of the fast with `id`.
    pub fn fast_index(&self, id: i64) -> Option<u32> {
        self.fasts
            .binary_search_by_key(&id, |f| f.id)
            .ok()
            .map(|i| i as u32)
    }

    /// The church with `id`.
    pub fn church(&self, id: i64) -> Option<&Church> {
        self.churches
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &self.churches[i])
    }

    /// The earliest and latest instants in the data (users joining, events,
    /// feed items), for choosing a period.
    pub fn time_extent(&self) -> Option<(Timestamp, Timestamp)> {
        let all = self
            .users
            .iter()
            .map(|u| u.date_joined.0)
            .chain(self.events.timestamp.iter().copied())
            .chain(self.feed.timestamp.iter().copied());
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for t in all {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        (lo <= hi).then_some((Timestamp(lo), Timestamp(hi)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column of `values`, pushed in order.
    fn column(values: &[Option<&str>]) -> TextColumn {
        let mut c = TextColumn::default();
        for v in values {
            c.push(*v);
        }
        c
    }

    #[test]
    fn text_column_keeps_null_apart_from_empty() {
        let mut c = TextColumn::default();
        c.push(Some("a"));
        c.push(None);
        c.push(Some(""));
        c.push(Some("ünï"));
        assert_eq!(
            (0..4).map(|i| c.get(i)).collect::<Vec<_>>(),
            [Some("a"), None, Some(""), Some("ünï")]
        );
        let mut both = c.clone();
        both.append(c.clone());
        assert_eq!(both.get(7), Some("ünï"));
        assert_eq!(both.get(5), None);
        assert_eq!(both.len(), 8);
    }

    #[test]
    fn text_column_takes_over_the_buffer_of_a_piece_of_mostly_new_values() {
        let mut a = column(&[Some("a1"), None, Some("a2"), Some("a1")]);
        // Three of four values are new: the buffer is taken over, "a2"
        // gets a second symbol that no row refers to.
        let b = column(&[Some("b1"), Some("a2"), Some("b2"), Some("b3"), Some("b1")]);
        a.append(b);
        assert_eq!(a.chunks.len(), 3, "the piece's buffer and one to add to");
        // Values added later go to the last chunk, and are still found.
        a.push(Some("c1"));
        a.push(Some("b2"));
        a.push(Some("a2"));
        let c = column(&[Some("d1"), Some("d2"), Some("c1")]);
        a.append(c);
        a.push(Some("d2"));
        a.push(Some(""));
        let want = [
            Some("a1"),
            None,
            Some("a2"),
            Some("a1"),
            Some("b1"),
            Some("a2"),
            Some("b2"),
            Some("b3"),
            Some("b1"),
            Some("c1"),
            Some("b2"),
            Some("a2"),
            Some("d1"),
            Some("d2"),
            Some("c1"),
            Some("d2"),
            Some(""),
        ];
        let all: Vec<Option<&str>> = (0..a.len()).map(|i| a.get(i)).collect();
        assert_eq!(all, want);
        // Equal values have one symbol, whichever piece they came from.
        for i in 0..a.len() {
            for j in 0..a.len() {
                if want[i].is_some() && want[i] == want[j] {
                    assert_eq!(a.symbol_at(i), a.symbol_at(j), "rows {i} and {j}");
                }
            }
        }
        // Every symbol's value reads back whole, and selection and
        // shrinking keep them.
        let distinct: Vec<&str> = (0..a.distinct_len() as u32)
            .map(|s| a.distinct_value(s))
            .collect();
        assert_eq!(
            distinct,
            ["a1", "a2", "b1", "a2", "b2", "b3", "c1", "d1", "d2", "c1", ""]
        );
        a.shrink_to_fit();
        let picked = a.selected(&[16, 14, 7, 0]);
        assert_eq!(
            (0..4).map(|i| picked.get(i)).collect::<Vec<_>>(),
            [Some(""), Some("c1"), Some("b3"), Some("a1")]
        );
    }

    #[test]
    fn text_column_stores_each_distinct_value_once_across_appends_and_selection() {
        let mut a = column(&[Some("Welcome"), Some(""), None, Some("Welcome"), Some("x")]);
        assert_eq!(a.distinct_len(), 3);
        // The other column numbers its values differently: "x" first.
        let b = column(&[Some("x"), None, Some("new"), Some("Welcome"), Some("")]);
        a.append(b);
        assert_eq!(a.distinct_len(), 4);
        let all: Vec<Option<&str>> = (0..a.len()).map(|i| a.get(i)).collect();
        assert_eq!(
            all,
            [
                Some("Welcome"),
                Some(""),
                None,
                Some("Welcome"),
                Some("x"),
                Some("x"),
                None,
                Some("new"),
                Some("Welcome"),
                Some("")
            ]
        );
        a.shrink_to_fit();
        a.push(Some("new"));
        assert_eq!((a.distinct_len(), a.get(10)), (4, Some("new")));
        let picked = a.selected(&[7, 2, 0]);
        assert_eq!(
            (0..3).map(|i| picked.get(i)).collect::<Vec<_>>(),
            [Some("new"), None, Some("Welcome")]
        );
        let moved = a.into_selected(&[1, 4]);
        assert_eq!(
            (moved.len(), moved.get(0), moved.get(1)),
            (2, Some(""), Some("x"))
        );
    }

    #[test]
    fn video_ids_order_numbers_numerically_then_text_then_null() {
        let n = |s: &str| VideoId::Number(JsonNumber(s.into()));
        let mut ids = vec![
            VideoId::Null,
            VideoId::Text("b".into()),
            n("10"),
            VideoId::Text("a".into()),
            n("9"),
            n("2.5"),
        ];
        ids.sort();
        assert_eq!(
            ids,
            vec![
                n("2.5"),
                n("9"),
                n("10"),
                VideoId::Text("a".into()),
                VideoId::Text("b".into()),
                VideoId::Null
            ]
        );
    }
}
