//! The loaded data, resolved and compact: what every data set is computed
//! from. Built once by [`crate::load::Bundle::finish`]; changing the period
//! recomputes from it without reading the files again.
//!
//! Rows are stored column by column with dense `u32` indices instead of
//! database ids, so computing a report is a few linear scans with array
//! lookups, no hashing per row.

use std::collections::HashMap;

use crate::timestamp::Timestamp;

/// Marks "no user" / "no value" in a `u32` index column.
pub const NONE: u32 = u32::MAX;
/// Marks "no value" in an `i64` id column.
pub const NO_ID: i64 = i64::MIN;

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

/// A column of optional strings stored in one buffer.
#[derive(Clone, Debug, Default)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
    null: Vec<bool>,
}

impl TextColumn {
    /// Appends a value.
    pub fn push(&mut self, value: Option<&str>) {
        if let Some(v) = value {
            self.text.push_str(v);
        }
        self.ends.push(self.text.len());
        self.null.push(value.is_none());
    }

    /// Value `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        if self.null[i] {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..self.ends[i]])
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Makes room for `values` more values of `bytes` bytes in all.
    pub fn reserve(&mut self, values: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(values);
        self.null.reserve(values);
    }

    /// Gives back unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.null.shrink_to_fit();
    }

    /// Bytes of text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Appends all of `other`.
    pub fn append(&mut self, other: &TextColumn) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + base));
        self.null.extend_from_slice(&other.null);
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
}

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
    fn value(&self) -> f64 {
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
    pub fast_id: Vec<i64>,
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
    /// Database id.
    pub id: Vec<i64>,
    /// Index into [`Dataset::users`].
    pub user: Vec<u32>,
    /// `activity_type`, a symbol of [`Dataset::strings`].
    pub activity_type: Vec<u32>,
    /// `created_at` (µs since the epoch).
    pub timestamp: Vec<i64>,
    /// `title`, in load order: read it through [`Feed::title`].
    pub title: TextColumn,
    /// `description`, in load order: read it through [`Feed::description`].
    pub description: TextColumn,
    /// Where item `i`'s text is in `title` and `description` (sorting the
    /// items moves this index, not the text).
    pub text_row: Vec<u32>,
    /// The target's content-type model name (symbol), or [`NONE`].
    pub target_type: Vec<u32>,
    /// `object_id`, or [`NO_ID`].
    pub target_id: Vec<i64>,
}

impl Feed {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Item `i`'s title.
    pub fn title(&self, i: usize) -> Option<&str> {
        self.title.get(self.text_row[i] as usize)
    }

    /// Item `i`'s description.
    pub fn description(&self, i: usize) -> Option<&str> {
        self.description.get(self.text_row[i] as usize)
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
        both.append(&c);
        assert_eq!(both.get(7), Some("ünï"));
        assert_eq!(both.get(5), None);
        assert_eq!(both.len(), 8);
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
