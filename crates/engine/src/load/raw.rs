//! Rows as parsed, before references are resolved. Each file parser fills
//! its own [`RawTables`]; a bundle appends them in any order.

// FxHash: these maps are looked up once per event row; std's SipHash was
// 1.5 % of a whole report at L (perf, 2026-12-07), and the keys are the
// user's own data, not hash-flooding input that matters here.
use rustc_hash::FxHashMap as HashMap;

use super::catalogue::{Table, TableCounts};
use crate::id_column::IdColumn;
use crate::id_column::NO_ID;
use crate::model::{EventDetail, Interner, OptionalColumns, TextColumn};

/// Where a user reference points before users are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UserRef {
    /// By primary key.
    Id(i64),
    /// By natural key (`["username"]` in `--natural-foreign` dumps).
    Name(Box<str>),
}

/// A user row.
#[derive(Clone, Debug)]
pub(crate) struct RawUser {
    pub id: i64,
    pub username: Box<str>,
    pub email: Box<str>,
    pub date_joined: i64,
    /// `is_staff` or `is_superuser`.
    pub staff: bool,
}

/// A fast row.
#[derive(Clone, Debug)]
pub(crate) struct RawFast {
    pub id: i64,
    pub name: Box<str>,
    pub church_id: Option<i64>,
    pub year: Option<i64>,
}

/// Events, column by column. `user` is [`NO_ID`] when null or given by
/// natural key (then listed in `natural_users`).
#[derive(Clone, Debug, Default)]
pub(crate) struct RawEvents {
    pub id: IdColumn,
    pub event_type: IdColumn,
    pub user: IdColumn,
    pub content_type: IdColumn,
    pub object_id: IdColumn,
    pub timestamp: Vec<i64>,
    pub detail: Vec<u32>,
    /// (row, username) for users given by natural key.
    pub natural_users: Vec<(u32, Box<str>)>,
}

/// Feed items, column by column, like [`RawEvents`].
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFeed {
    pub id: IdColumn,
    pub user: IdColumn,
    pub activity_type: Vec<u32>,
    pub content_type: IdColumn,
    pub object_id: IdColumn,
    pub timestamp: Vec<i64>,
    pub title: TextColumn,
    pub description: TextColumn,
    pub natural_users: Vec<(u32, Box<str>)>,
}

impl RawEvents {
    fn id_columns(&mut self) -> [&mut IdColumn; 5] {
        [
            &mut self.id,
            &mut self.event_type,
            &mut self.user,
            &mut self.content_type,
            &mut self.object_id,
        ]
    }

    /// Makes room for `rows` more rows.
    pub(crate) fn reserve(&mut self, rows: usize) {
        for c in self.id_columns() {
            c.reserve(rows);
        }
        self.timestamp.reserve(rows);
        self.detail.reserve(rows);
    }

    /// Gives back the room [`RawEvents::reserve`] overestimated.
    pub(crate) fn shrink_to_fit(&mut self) {
        for c in self.id_columns() {
            c.shrink_to_fit();
        }
        self.timestamp.shrink_to_fit();
        self.detail.shrink_to_fit();
    }
}

impl RawFeed {
    fn id_columns(&mut self) -> [&mut IdColumn; 4] {
        [
            &mut self.id,
            &mut self.user,
            &mut self.content_type,
            &mut self.object_id,
        ]
    }

    /// Makes room for `rows` more rows (the text's distinct values grow as
    /// they come).
    pub(crate) fn reserve(&mut self, rows: usize) {
        for c in self.id_columns() {
            c.reserve(rows);
        }
        self.activity_type.reserve(rows);
        self.timestamp.reserve(rows);
        self.title.reserve(rows);
        self.description.reserve(rows);
    }

    /// Gives back the room [`RawFeed::reserve`] overestimated.
    pub(crate) fn shrink_to_fit(&mut self) {
        for c in self.id_columns() {
            c.shrink_to_fit();
        }
        self.activity_type.shrink_to_fit();
        self.timestamp.shrink_to_fit();
        self.title.shrink_to_fit();
        self.description.shrink_to_fit();
    }
}

/// Everything parsed from some files of a bundle.
#[derive(Clone, Debug, Default)]
pub struct RawTables {
    pub(crate) users: Vec<RawUser>,
    pub(crate) churches: Vec<(i64, Box<str>)>,
    pub(crate) fasts: Vec<RawFast>,
    pub(crate) profiles: Vec<(i64, UserRef)>,
    pub(crate) memberships: Vec<(i64, i64)>,
    /// (profile id, church id) of profiles with a church (SPEC §8).
    pub(crate) profile_churches: Vec<(i64, i64)>,
    /// Optional columns that files of this table lacked.
    pub(crate) optional_columns: OptionalColumns,
    pub(crate) event_types: Vec<(i64, Box<str>)>,
    /// (id, app_label, model). Natural-key references add entries with
    /// negative synthetic ids.
    pub(crate) content_types: Vec<(i64, Box<str>, Box<str>)>,
    pub(crate) events: RawEvents,
    pub(crate) feed: RawFeed,
    /// (fast id, date) of `hub_day` rows with a fast (SPEC §2a, optional).
    pub(crate) days: Vec<(i64, crate::period::Date)>,
    /// Activity types.
    pub(crate) strings: Interner,
    /// Distinct event details; index 0 is the empty detail.
    pub(crate) details: Vec<EventDetail>,
    detail_index: HashMap<EventDetail, u32>,
    /// The detail of each `data` text seen, up to [`MAX_CACHED_TEXTS`]:
    /// exports repeat a few texts millions of times, and a look-up by text
    /// costs less than parsing the JSON (and its allocations) again.
    /// FxHash like every map here (SipHash was 2 % of a dump's load).
    detail_by_text: HashMap<Box<str>, u32>,
    /// Files that contributed rows, per table, for warnings.
    pub(crate) sources: Vec<(Table, String)>,
    /// Next synthetic id for content types and event types given by
    /// natural key.
    next_synthetic: i64,
    synthetic_content_types: HashMap<(Box<str>, Box<str>), i64>,
    synthetic_event_types: HashMap<Box<str>, i64>,
    /// Objects of a dump whose model the report does not read, by model
    /// (`admin.logentry`: 4,213): a whole-database dump holds many, and the
    /// page says so instead of nothing.
    pub(crate) other_models: std::collections::BTreeMap<Box<str>, u64>,
}

/// Most `data` texts whose detail [`RawTables::detail_of_text`] remembers:
/// a bundle whose texts are all different parses each once anyway.
const MAX_CACHED_TEXTS: usize = 1 << 16;

impl RawTables {
    /// The symbol of the detail of an event's `data` text (SPEC §2c, §11),
    /// parsing the text only when it was not seen before.
    pub(crate) fn detail_of_text(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.detail_by_text.get(text) {
            return i;
        }
        let i = self.detail(crate::event_data::parse_event_data(text));
        if self.detail_by_text.len() < MAX_CACHED_TEXTS {
            self.detail_by_text.insert(text.into(), i);
        }
        i
    }

    /// The symbol of an event detail, adding it when new.
    pub(crate) fn detail(&mut self, detail: EventDetail) -> u32 {
        if self.details.is_empty() {
            self.details.push(EventDetail::default());
            self.detail_index.insert(EventDetail::default(), 0);
        }
        if let Some(&i) = self.detail_index.get(&detail) {
            return i;
        }
        let i = self.details.len() as u32;
        self.details.push(detail.clone());
        self.detail_index.insert(detail, i);
        i
    }

    /// A synthetic content-type id for a natural key `[app_label, model]`.
    pub(crate) fn natural_content_type(&mut self, app_label: &str, model: &str) -> i64 {
        let (id, new) = self.synthetic_content_type(app_label, model);
        if new {
            self.content_types
                .push((id, app_label.into(), model.into()));
        }
        id
    }

    /// The synthetic id of a natural content-type key, and whether it was
    /// issued now (the caller then lists the content type).
    fn synthetic_content_type(&mut self, app_label: &str, model: &str) -> (i64, bool) {
        let key = (Box::<str>::from(app_label), Box::<str>::from(model));
        if let Some(&id) = self.synthetic_content_types.get(&key) {
            return (id, false);
        }
        self.next_synthetic -= 1;
        let id = self.next_synthetic;
        self.synthetic_content_types.insert(key, id);
        (id, true)
    }

    /// A synthetic event-type id for a natural key `[code]`.
    pub(crate) fn natural_event_type(&mut self, code: &str) -> i64 {
        let (id, new) = self.synthetic_event_type(code);
        if new {
            self.event_types.push((id, code.into()));
        }
        id
    }

    /// The synthetic id of a natural event-type key, and whether it was
    /// issued now.
    fn synthetic_event_type(&mut self, code: &str) -> (i64, bool) {
        if let Some(&id) = self.synthetic_event_types.get(code) {
            return (id, false);
        }
        self.next_synthetic -= 1;
        let id = self.next_synthetic;
        self.synthetic_event_types.insert(code.into(), id);
        (id, true)
    }

    /// Records optional columns that a file lacked (once per file).
    pub(crate) fn note_missing(&mut self, missing: OptionalColumns) {
        let own = &mut self.optional_columns;
        for m in missing.staff_missing {
            if !own.staff_missing.contains(&m) {
                own.staff_missing.push(m);
            }
        }
        for f in missing.church_missing {
            if !own.church_missing.contains(&f) {
                own.church_missing.push(f);
            }
        }
    }

    /// Records that `file` contributed rows to `table`.
    pub(crate) fn note_source(&mut self, table: Table, file: &str) {
        if !self.sources.iter().any(|(t, f)| *t == table && f == file) {
            self.sources.push((table, file.to_string()));
        }
    }

    /// The files that contributed to `table`, joined for messages.
    pub(crate) fn source_of(&self, table: Table) -> String {
        let names: Vec<&str> = self
            .sources
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, f)| f.as_str())
            .collect();
        if names.is_empty() {
            table.file_name().to_string()
        } else {
            names.join(" + ")
        }
    }

    /// Rows per table.
    pub(crate) fn counts(&self) -> TableCounts {
        let mut counts = TableCounts(vec![
            (Table::Users, self.users.len() as u64),
            (Table::Churches, self.churches.len() as u64),
            (Table::Fasts, self.fasts.len() as u64),
            (Table::Profiles, self.profiles.len() as u64),
            (Table::Memberships, self.memberships.len() as u64),
            (Table::EventTypes, self.event_types.len() as u64),
            (Table::Events, self.events.id.len() as u64),
            (Table::Feed, self.feed.id.len() as u64),
            (Table::ContentTypes, self.content_types.len() as u64),
        ]);
        // The optional table is listed only when the bundle has it, so
        // that a bundle without it is described as before.
        if !self.days.is_empty() || self.sources.iter().any(|(t, _)| *t == Table::Days) {
            counts.0.push((Table::Days, self.days.len() as u64));
        }
        counts
    }

    /// Appends `other`, re-mapping its symbols and synthetic ids.
    pub(crate) fn append(&mut self, mut other: RawTables) {
        let mut others = std::mem::take(&mut self.other_models);
        for (model, n) in std::mem::take(&mut other.other_models) {
            *others.entry(model).or_default() += n;
        }
        if self.is_empty_of_rows() && self.next_synthetic == 0 {
            let sources = std::mem::take(&mut self.sources);
            let missing = std::mem::take(&mut self.optional_columns);
            *self = other;
            self.other_models = others;
            for (t, f) in sources {
                self.note_source(t, &f);
            }
            self.note_missing(missing);
            return;
        }
        self.other_models = others;
        for (t, f) in &other.sources {
            self.note_source(*t, f);
        }
        self.users.extend(other.users);
        self.churches.extend(other.churches);
        self.fasts.extend(other.fasts);
        self.profiles.extend(other.profiles);
        self.memberships.extend(other.memberships);
        self.profile_churches.extend(other.profile_churches);
        self.days.extend(other.days);
        self.note_missing(other.optional_columns);

        // Synthetic ids of `other` are re-issued here so they stay unique,
        // in the order `other` issued them (its ids count down from -1,
        // content types and event types together): pieces of one dump,
        // appended in file order, then get the ids one loader fed the
        // whole dump gives. A key this side knows keeps its id, and is
        // not listed twice.
        let mut issued: Vec<(i64, bool, usize)> = (other.content_types.iter())
            .enumerate()
            .filter(|(_, c)| c.0 < 0)
            .map(|(i, c)| (c.0, true, i))
            .chain(
                (other.event_types.iter())
                    .enumerate()
                    .filter(|(_, e)| e.0 < 0)
                    .map(|(i, e)| (e.0, false, i)),
            )
            .collect();
        issued.sort_unstable_by_key(|&(id, ..)| std::cmp::Reverse(id));
        let mut synthetic: HashMap<i64, i64> = HashMap::default();
        let mut known: std::collections::HashSet<i64> = Default::default();
        for (id, content_type, i) in issued {
            let (new_id, new) = if content_type {
                let (_, app, model) = &other.content_types[i];
                self.synthetic_content_type(app, model)
            } else {
                self.synthetic_event_type(&other.event_types[i].1)
            };
            synthetic.insert(id, new_id);
            if !new {
                known.insert(id);
            }
        }
        for (id, app, model) in other.content_types {
            if id >= 0 {
                self.content_types.push((id, app, model));
            } else if !known.contains(&id) {
                self.content_types.push((synthetic[&id], app, model));
            }
        }
        for (id, code) in other.event_types {
            if id >= 0 {
                self.event_types.push((id, code));
            } else if !known.contains(&id) {
                self.event_types.push((synthetic[&id], code));
            }
        }
        // Moving a column when this side has none avoids copying the big
        // event and feed columns of the usual one-file-per-table bundle.
        fn take<T>(dst: &mut Vec<T>, src: Vec<T>) {
            if dst.is_empty() {
                *dst = src;
            } else {
                dst.extend(src);
            }
        }
        fn take_mapped<T: Copy>(
            dst: &mut Vec<T>,
            src: Vec<T>,
            map: impl Fn(T) -> T,
            identity: bool,
        ) {
            if identity {
                take(dst, src);
            } else {
                dst.extend(src.into_iter().map(map));
            }
        }
        let ids_identity = synthetic.iter().all(|(k, v)| k == v);
        let remap_id = |id: i64| {
            if id < 0 && id != NO_ID {
                synthetic[&id]
            } else {
                id
            }
        };

        // Index 0 is the empty detail in every table, even one never filled.
        let mut detail_map: Vec<u32> = other.details.into_iter().map(|d| self.detail(d)).collect();
        if detail_map.is_empty() {
            detail_map.push(self.detail(EventDetail::default()));
        }
        let details_identity = detail_map.iter().enumerate().all(|(i, &d)| i as u32 == d);
        let e = other.events;
        let base = self.events.id.len() as u32;
        let same = |id: i64| id;
        self.events.id.append(e.id, same, true);
        self.events
            .event_type
            .append(e.event_type, remap_id, ids_identity);
        self.events.user.append(e.user, same, true);
        self.events
            .content_type
            .append(e.content_type, remap_id, ids_identity);
        self.events.object_id.append(e.object_id, same, true);
        take(&mut self.events.timestamp, e.timestamp);
        take_mapped(
            &mut self.events.detail,
            e.detail,
            |d| detail_map[d as usize],
            details_identity,
        );
        self.events
            .natural_users
            .extend(e.natural_users.into_iter().map(|(r, n)| (r + base, n)));

        let f = other.feed;
        let base = self.feed.id.len() as u32;
        let strings = other.strings;
        let activity_map: Vec<u32> = (0..strings.len() as u32)
            .map(|s| self.strings.intern(strings.get(s)))
            .collect();
        let activity_identity = activity_map.iter().enumerate().all(|(i, &a)| i as u32 == a);
        self.feed.id.append(f.id, same, true);
        self.feed.user.append(f.user, same, true);
        take_mapped(
            &mut self.feed.activity_type,
            f.activity_type,
            |a| activity_map[a as usize],
            activity_identity,
        );
        self.feed
            .content_type
            .append(f.content_type, remap_id, ids_identity);
        self.feed.object_id.append(f.object_id, same, true);
        take(&mut self.feed.timestamp, f.timestamp);
        self.feed.title.append(f.title);
        self.feed.description.append(f.description);
        self.feed
            .natural_users
            .extend(f.natural_users.into_iter().map(|(r, n)| (r + base, n)));
    }

    /// Gives back the unused room of the event and feed columns.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.events.shrink_to_fit();
        self.feed.shrink_to_fit();
    }

    /// Counts one dumped object of `model`, a model the report does not
    /// read.
    pub(crate) fn note_other_model(&mut self, model: &str) {
        match self.other_models.get_mut(model) {
            Some(n) => *n += 1,
            None => {
                self.other_models.insert(model.into(), 1);
            }
        }
    }

    fn is_empty_of_rows(&self) -> bool {
        self.users.is_empty()
            && self.churches.is_empty()
            && self.fasts.is_empty()
            && self.profiles.is_empty()
            && self.memberships.is_empty()
            && self.event_types.is_empty()
            && self.content_types.is_empty()
            && self.events.id.is_empty()
            && self.feed.id.is_empty()
            && self.days.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Natural keys met in this order: event type `a`, content type
    /// `hub.fast`, event type `b`, content type `x.y`, `a` again.
    fn meet(raw: &mut RawTables, keys: &[(&str, &str)]) {
        for &(app, model) in keys {
            if app.is_empty() {
                raw.natural_event_type(model);
            } else {
                raw.natural_content_type(app, model);
            }
        }
    }

    /// Two pieces of one dump, appended in order, get the synthetic ids
    /// and lists one reader of the whole dump gives, content types and
    /// event types interleaved, a key of both pieces listed once.
    #[test]
    fn synthetic_ids_of_pieces_are_those_of_the_whole() {
        let keys = [("", "a"), ("hub", "fast"), ("", "b"), ("x", "y"), ("", "a")];
        let mut whole = RawTables::default();
        meet(&mut whole, &keys);
        for cut in 1..keys.len() {
            let mut first = RawTables::default();
            meet(&mut first, &keys[..cut]);
            let mut second = RawTables::default();
            meet(&mut second, &keys[cut..]);
            first.append(second);
            assert_eq!(first.content_types, whole.content_types, "cut at {cut}");
            assert_eq!(first.event_types, whole.event_types, "cut at {cut}");
        }
        assert_eq!(whole.event_types, [(-1, "a".into()), (-3, "b".into())]);
    }
}
