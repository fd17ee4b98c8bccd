//! The report's tables as the worker holds them: compact columns answering
//! the page's sorted, filtered, paged queries. No browser API here, so it
//! is tested natively.

use std::cmp::Ordering;
use std::sync::Arc;

use engagement_engine::insights::Insights;
use engagement_engine::insights::UserEngagementRow;
use engagement_engine::model::{Dataset, TextColumn, NONE, NO_ID};
use engagement_engine::report::{Report, Timeline, UserActivityRow};
use engagement_engine::table::{self as engine_table, Cell as EngineCell, Table};
use engagement_engine::timestamp::Timestamp;

use crate::protocol::{Cell, PageQuery, PageReply};
use rustc_hash::FxHashMap;

/// The null of [`Column::Int`] and [`Column::Time`]: no id, count or
/// timestamp of a report is `i64::MIN`, and it sorts before every value,
/// as a null cell does.
const NULL_INT: i64 = i64::MIN;
/// The null of [`Column::Symbol`]: the data's own null symbol, so that
/// symbols taken from the data need no translation.
const NULL_SYMBOL: u32 = NONE;

/// Whole numbers of a column, 4 bytes each while every one fits `i32`
/// (ids, counts) and 8 otherwise; [`NULL_INT`] is null in both.
#[derive(Clone, Debug)]
enum Ints {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Ints {
    /// `n` nulls.
    fn nulls(n: usize) -> Ints {
        Ints::Narrow(vec![i32::MIN; n])
    }

    /// Appends `x` ([`NULL_INT`] for null), widening the column on the
    /// first value that does not fit `i32`.
    fn push(&mut self, x: i64) {
        match self {
            Ints::Narrow(v) if x == NULL_INT => v.push(i32::MIN),
            Ints::Narrow(v) => match i32::try_from(x) {
                Ok(n) if n != i32::MIN => v.push(n),
                _ => {
                    let mut wide: Vec<i64> = (0..v.len()).map(|i| self.get(i)).collect();
                    wide.push(x);
                    *self = Ints::Wide(wide);
                }
            },
            Ints::Wide(v) => v.push(x),
        }
    }

    /// Gives back unused capacity.
    fn shrink_to_fit(&mut self) {
        match self {
            Ints::Narrow(v) => v.shrink_to_fit(),
            Ints::Wide(v) => v.shrink_to_fit(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ints::Narrow(v) => v.len(),
            Ints::Wide(v) => v.len(),
        }
    }

    /// Value `i` ([`NULL_INT`] for null).
    #[inline]
    fn get(&self, i: usize) -> i64 {
        match self {
            Ints::Narrow(v) if v[i] == i32::MIN => NULL_INT,
            Ints::Narrow(v) => i64::from(v[i]),
            Ints::Wide(v) => v[i],
        }
    }
}

/// The distinct texts of a symbol column, one after another in one
/// buffer (no heap string per value). Shared between the columns and
/// tables that show the same values: every table of users names them
/// through one [`Users`].
#[derive(Debug, Default)]
struct Texts {
    text: String,
    /// Where each value ends in `text`.
    ends: Vec<usize>,
}

impl Texts {
    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    #[inline]
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<'t> FromIterator<&'t str> for Texts {
    fn from_iter<I: IntoIterator<Item = &'t str>>(iter: I) -> Texts {
        let mut texts = Texts::default();
        for t in iter {
            texts.push(t);
        }
        texts
    }
}

/// The users of a report's data, for the columns that name them: the
/// tables of users (activity, timeline, engagement) keep each row's user
/// index and share one list of names and one of e-mails, where each used
/// to hash and copy every name and e-mail again (most of a "Whole data"
/// period change on a large bundle).
#[derive(Debug)]
struct Users {
    /// Ids, ascending, as the data's users are.
    ids: Vec<i64>,
    names: Arc<Texts>,
    emails: Arc<Texts>,
}

impl Users {
    fn of(data: &Dataset) -> Users {
        Users {
            ids: data.users.iter().map(|u| u.id).collect(),
            names: Arc::new(data.users.iter().map(|u| &*u.username).collect()),
            emails: Arc::new(data.users.iter().map(|u| &*u.email).collect()),
        }
    }

    /// Each row's user index, for rows of `(id, name, e-mail)`: `None`
    /// when a row's user is not one of these (a row of other data), so
    /// that its table is built from its cells. Rows in id order (the data
    /// sets' own) find theirs without a search.
    fn indices<'r>(&self, rows: impl Iterator<Item = (i64, &'r str, &'r str)>) -> Option<Vec<u32>> {
        let mut next = 0;
        rows.map(|(id, name, email)| {
            let k = match self.ids.get(next) {
                Some(&i) if i == id => next,
                _ => self.ids.binary_search(&id).ok()?,
            };
            next = k + 1;
            (self.names.get(k) == name && self.emails.get(k) == email).then_some(k as u32)
        })
        .collect()
    }

    /// Columns of the users at `rows` (indices): name and e-mail.
    fn columns(&self, rows: Vec<u32>) -> [Column; 2] {
        [
            Column::Symbol {
                rows: rows.clone(),
                values: self.names.clone(),
            },
            Column::Symbol {
                rows,
                values: self.emails.clone(),
            },
        ]
    }
}

/// A column of whole numbers ([`NULL_INT`] for null).
fn int_column(values: impl ExactSizeIterator<Item = i64> + Clone) -> Column {
    // In 4 bytes when every value fits (one pass that stops at the first
    // that does not), as `Ints::push` would keep them.
    let narrow: Option<Vec<i32>> = values
        .clone()
        .map(|x| match x {
            NULL_INT => Some(i32::MIN),
            x => i32::try_from(x).ok().filter(|&n| n != i32::MIN),
        })
        .collect();
    Column::Int(match narrow {
        Some(v) => Ints::Narrow(v),
        None => Ints::Wide(values.collect()),
    })
}

/// The values of `column` at `items`: its symbols and distinct values
/// when it has no more distinct values than `items` (a few templates
/// over the whole data), its texts otherwise.
fn text_column(column: &TextColumn, items: &[u32]) -> Column {
    if column.distinct_len() <= items.len() {
        let values = (0..column.distinct_len() as u32).map(|s| column.distinct_value(s));
        Column::Symbol {
            // NULL is `NONE` in both.
            rows: items
                .iter()
                .map(|&i| column.symbol_at(i as usize))
                .collect(),
            values: Arc::new(values.collect()),
        }
    } else {
        let mut text = TextColumn::default();
        text.reserve(items.len());
        for &i in items {
            text.push(column.get(i as usize));
        }
        Column::Text(text)
    }
}

/// Data set 4, column by column from the data ([`Timeline::items`]): the
/// cells of `engine`, [`engine_table::user_activity_timeline`].
fn timeline_table(engine: &Table<'_>, timeline: &Timeline<'_>, users: &Users) -> DataTable {
    let data = timeline.data();
    let (feed, items) = (&data.feed, timeline.items());
    let user: Vec<u32> = items.iter().map(|&i| feed.user[i as usize]).collect();
    // Activity types and target types are symbols of the data's strings.
    let strings: Arc<Texts> = Arc::new(
        (0..data.strings.len() as u32)
            .map(|s| data.strings.get(s))
            .collect(),
    );
    let at = |f: &dyn Fn(usize) -> u32| items.iter().map(|&i| f(i as usize)).collect();
    let values = vec![
        int_column(user.iter().map(|&u| data.users[u as usize].id)),
        Column::Symbol {
            rows: user,
            values: users.names.clone(),
        },
        Column::Symbol {
            rows: at(&|i| feed.activity_type[i]),
            values: strings.clone(),
        },
        Column::Time(items.iter().map(|&i| feed.timestamp[i as usize]).collect()),
        text_column(&feed.title, items),
        text_column(&feed.description, items),
        Column::Symbol {
            rows: at(&|i| feed.target_type[i]),
            values: strings,
        },
        int_column(items.iter().map(|&i| match feed.target_id.get(i as usize) {
            NO_ID => NULL_INT,
            id => id,
        })),
    ];
    DataTable::new(
        engine.name(),
        engine.columns().to_vec(),
        items.len(),
        values,
    )
}

/// Data set 3 column by column: the cells of `engine`,
/// [`engine_table::user_activity`]. `None` when a row's user is not in
/// `users`.
fn user_activity_table(
    engine: &Table<'_>,
    rows: &[UserActivityRow<'_>],
    users: &Users,
) -> Option<DataTable> {
    // One column per activity type after the fixed ones, as the engine's
    // header names them.
    let fixed = engagement_engine::columns::USER_ACTIVITY.len();
    let types: Vec<&str> = engine.columns()[fixed..]
        .iter()
        .map(|c| c.strip_prefix("type_"))
        .collect::<Option<_>>()?;
    let user = users.indices(rows.iter().map(|u| (u.user_id, u.username, u.email)))?;
    let [name, email] = users.columns(user);
    let mut values = vec![
        int_column(rows.iter().map(|u| u.user_id)),
        name,
        email,
        Column::Time(rows.iter().map(|u| u.date_joined.0).collect()),
        int_column(rows.iter().map(|u| u.total_items as i64)),
    ];
    // Each row's counts are sorted by type, as the columns are: one walk
    // of both per row.
    let mut counts: Vec<Vec<i64>> = types
        .iter()
        .map(|_| Vec::with_capacity(rows.len()))
        .collect();
    for u in rows {
        let mut next = 0;
        for (t, n) in u.by_type.iter() {
            let k = next + types[next..].iter().position(|&c| c == t)?;
            counts[next..k].iter_mut().for_each(|c| c.push(0));
            counts[k].push(n as i64);
            next = k + 1;
        }
        counts[next..].iter_mut().for_each(|c| c.push(0));
    }
    values.extend(counts.iter().map(|c| int_column(c.iter().copied())));
    Some(DataTable::new(
        engine.name(),
        engine.columns().to_vec(),
        rows.len(),
        values,
    ))
}

/// Insight 3 column by column: the cells of `engine`,
/// [`engine_table::user_engagement`]. `None` when a row's user is not in
/// `users`.
fn user_engagement_table(
    engine: &Table<'_>,
    rows: &[UserEngagementRow<'_>],
    users: &Users,
) -> Option<DataTable> {
    let user = users.indices(rows.iter().map(|u| (u.user_id, u.username, u.email)))?;
    let [name, email] = users.columns(user);
    let mut statuses: Vec<&str> = Vec::new();
    let status: Vec<u32> = rows
        .iter()
        .map(|u| {
            let s = u.status.as_str();
            match statuses.iter().position(|&k| k == s) {
                Some(k) => k as u32,
                None => {
                    statuses.push(s);
                    statuses.len() as u32 - 1
                }
            }
        })
        .collect();
    let values = vec![
        int_column(rows.iter().map(|u| u.user_id)),
        name,
        email,
        int_column(rows.iter().map(|u| u.items as i64)),
        int_column(rows.iter().map(|u| u.active_days as i64)),
        Column::Time(rows.iter().map(|u| u.first_activity.0).collect()),
        Column::Time(rows.iter().map(|u| u.last_activity.0).collect()),
        int_column(rows.iter().map(|u| u.days_since_last)),
        Column::Num(
            rows.iter()
                .map(|u| u.avg_gap_days.unwrap_or(f64::NAN))
                .collect(),
        ),
        int_column(rows.iter().map(|u| u.first_half_items as i64)),
        int_column(rows.iter().map(|u| u.second_half_items as i64)),
        Column::Symbol {
            rows: status,
            values: Arc::new(statuses.into_iter().collect()),
        },
        int_column(rows.iter().map(|u| u.engagement_rank as i64)),
    ];
    Some(DataTable::new(
        engine.name(),
        engine.columns().to_vec(),
        rows.len(),
        values,
    ))
}

/// One column of a data set. The page asks for one page of rows at a
/// time, so values are kept compact and turned into [`Cell`]s only for the
/// rows shown: a million-row timeline costs tens of bytes a row here, where
/// a heap string per cell cost hundreds (and most of a browser tab's
/// memory on a large bundle).
#[derive(Clone, Debug)]
enum Column {
    /// Whole numbers; [`NULL_INT`] is null.
    Int(Ints),
    /// Fractional numbers (rates, averages); NaN is null.
    Num(Vec<f64>),
    /// Timestamps (µs since the epoch), shown as RFC 3339; [`NULL_INT`] is
    /// null.
    Time(Vec<i64>),
    /// Text with few distinct values (names, types, dates): a symbol per
    /// row into `values`; [`NULL_SYMBOL`] is null. `values` may hold
    /// values no row shows, and the same text twice (two users of one
    /// name): it can be shared with other columns.
    Symbol { rows: Vec<u32>, values: Arc<Texts> },
    /// Free text (titles, descriptions).
    Text(TextColumn),
}

/// Builds one [`Column`] from an engine table's cells, row by row. The
/// kind of column follows the cells: numbers, instants, report-made labels
/// (symbols), and text from the data, kept as symbols while few values
/// repeat (names, types) and as free text once they do not (titles).
enum ColumnBuilder<'a> {
    /// Only nulls so far.
    Nulls(usize),
    Int(Ints),
    Num(Vec<f64>),
    Time(Vec<i64>),
    Symbol {
        rows: Vec<u32>,
        values: Texts,
        index: FxHashMap<std::borrow::Cow<'a, str>, u32>,
        /// Symbols of recently seen borrowed text by (address, length);
        /// a length of `usize::MAX` marks an empty slot.
        seen: Box<[(usize, usize, u32)]>,
        /// Whether the values are text from the data (which turns into
        /// free text when too many are distinct).
        data_text: bool,
    },
    Text(TextColumn),
}

/// Slots of a symbol column's cache of borrowed text (see
/// `ColumnBuilder::Symbol::seen`).
const SEEN_SLOTS: usize = 4096;

impl<'a> ColumnBuilder<'a> {
    /// Distinct values past which text from the data is kept as free text.
    fn symbol_limit(rows: usize) -> usize {
        (rows / 4).max(1024)
    }

    fn push(&mut self, cell: EngineCell<'a>, rows: usize) {
        use ColumnBuilder as B;
        if let B::Nulls(n) = self {
            let n = *n;
            if matches!(cell, EngineCell::Null) {
                *self = B::Nulls(n + 1);
                return;
            }
            *self = match &cell {
                EngineCell::Int(_) => B::Int(Ints::nulls(n)),
                EngineCell::Float(_) => B::Num(vec![f64::NAN; n]),
                EngineCell::Time(_) => B::Time(vec![NULL_INT; n]),
                EngineCell::Text(_)
                | EngineCell::TextOwned(_)
                | EngineCell::Plain(_)
                | EngineCell::Date(_)
                | EngineCell::Null => B::Symbol {
                    rows: vec![NULL_SYMBOL; n],
                    values: Texts::default(),
                    index: FxHashMap::default(),
                    seen: vec![(0, usize::MAX, NULL_SYMBOL); SEEN_SLOTS].into_boxed_slice(),
                    data_text: cell.is_data_text(),
                },
            };
        }
        match (&mut *self, cell) {
            (B::Int(v), EngineCell::Int(i)) => v.push(i),
            (B::Int(v), EngineCell::Null) => v.push(NULL_INT),
            (B::Time(v), EngineCell::Null) => v.push(NULL_INT),
            (B::Num(v), EngineCell::Float(f)) => v.push(f),
            (B::Num(v), EngineCell::Null) => v.push(f64::NAN),
            (B::Time(v), EngineCell::Time(t)) => v.push(t.0),
            (B::Text(t), cell) => t.push(text_of(&cell).as_deref()),
            (
                B::Symbol {
                    rows: sym_rows,
                    values,
                    index,
                    seen,
                    data_text,
                },
                cell,
            ) if matches!(
                cell,
                EngineCell::Null
                    | EngineCell::Text(_)
                    | EngineCell::TextOwned(_)
                    | EngineCell::Plain(_)
                    | EngineCell::Date(_)
            ) =>
            {
                let mut lookup = |text: std::borrow::Cow<'a, str>| match index.get(text.as_ref()) {
                    Some(&s) => s,
                    None => {
                        values.push(text.as_ref());
                        let s = values.len() as u32 - 1;
                        index.insert(text, s);
                        s
                    }
                };
                let sym = match cell {
                    // Text borrowed from the data: the same address and
                    // length is the same text, so a hit in `seen` skips
                    // hashing it (names and types repeat row after row).
                    EngineCell::Text(text) => {
                        let key = (text.as_ptr() as usize, text.len());
                        let slot = &mut seen[(key.0 >> 3 ^ key.1) % SEEN_SLOTS];
                        if (slot.0, slot.1) == key {
                            slot.2
                        } else {
                            let sym = lookup(text.into());
                            *slot = (key.0, key.1, sym);
                            sym
                        }
                    }
                    cell => match text_of(&cell) {
                        None => NULL_SYMBOL,
                        Some(text) => lookup(text),
                    },
                };
                sym_rows.push(sym);
                if *data_text && values.len() > Self::symbol_limit(rows) {
                    let mut text = TextColumn::default();
                    for &s in sym_rows.iter() {
                        text.push((s != NULL_SYMBOL).then(|| values.get(s as usize)));
                    }
                    *self = B::Text(text);
                }
            }
            // A cell of another kind than the column's (the engine's
            // tables never mix kinds): the column becomes text, so nothing
            // is lost.
            (_, cell) => {
                let mut text = self.take_as_text();
                text.push(text_of(&cell).as_deref());
                *self = B::Text(text);
            }
        }
    }

    /// The values so far as free text.
    fn take_as_text(&mut self) -> TextColumn {
        let built = std::mem::replace(self, ColumnBuilder::Nulls(0)).finish();
        let mut text = TextColumn::default();
        for row in 0..built.len() {
            let cell = built.cell(row);
            text.push((cell != Cell::Null).then(|| cell.display()).as_deref());
        }
        text
    }

    fn finish(self) -> Column {
        match self {
            ColumnBuilder::Nulls(n) => Column::Int(Ints::nulls(n)),
            ColumnBuilder::Int(mut v) => {
                v.shrink_to_fit();
                Column::Int(v)
            }
            ColumnBuilder::Num(v) => Column::Num(v),
            ColumnBuilder::Time(v) => Column::Time(v),
            ColumnBuilder::Symbol { rows, values, .. } => Column::Symbol {
                rows,
                values: Arc::new(values),
            },
            ColumnBuilder::Text(t) => Column::Text(t),
        }
    }
}

/// A cell's text as the page shows it (`None` for null): dates as
/// `YYYY-MM-DD`, text as is (the page never guards formulas: it shows
/// text, it does not write spreadsheets).
fn text_of<'a>(cell: &EngineCell<'a>) -> Option<std::borrow::Cow<'a, str>> {
    match cell {
        EngineCell::Null => None,
        EngineCell::Text(t) => Some((*t).into()),
        other => Some(other.to_text().into()),
    }
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Time(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Symbol { rows, .. } => rows.len(),
            Column::Text(t) => t.len(),
        }
    }

    fn cell(&self, row: usize) -> Cell {
        match self {
            Column::Int(v) if v.get(row) == NULL_INT => Cell::Null,
            Column::Int(v) => Cell::Int(v.get(row)),
            Column::Num(v) if v[row].is_nan() => Cell::Null,
            Column::Num(v) => Cell::Num(v[row]),
            Column::Time(v) if v[row] == NULL_INT => Cell::Null,
            Column::Time(v) => Cell::Text(Timestamp(v[row]).to_rfc3339()),
            Column::Symbol { rows, .. } if rows[row] == NULL_SYMBOL => Cell::Null,
            Column::Symbol { rows, values } => {
                Cell::Text(values.get(rows[row] as usize).to_string())
            }
            Column::Text(t) => t.get(row).map_or(Cell::Null, |s| Cell::Text(s.to_string())),
        }
    }

    /// A key per row whose order is the column's order (nulls first), for
    /// sorting; `None` for free text, compared as text instead.
    fn sort_keys(&self) -> Option<Vec<i64>> {
        match self {
            Column::Int(v) => Some((0..v.len()).map(|i| v.get(i)).collect()),
            Column::Time(v) => Some(v.clone()),
            Column::Num(v) => Some(v.iter().map(|x| total_order_key(*x)).collect()),
            Column::Symbol { rows, values } => {
                let mut by_text: Vec<u32> = (0..values.len() as u32).collect();
                by_text.sort_by(|&a, &b| values.get(a as usize).cmp(values.get(b as usize)));
                // The same text has the same rank, so that the rows of two
                // values of one text keep their order in a stable sort.
                let mut rank = vec![0i64; values.len()];
                let mut r = 0;
                for (k, &s) in by_text.iter().enumerate() {
                    if k == 0 || values.get(s as usize) != values.get(by_text[k - 1] as usize) {
                        r += 1;
                    }
                    rank[s as usize] = r;
                }
                Some(
                    rows.iter()
                        .map(|&s| {
                            if s == NULL_SYMBOL {
                                0
                            } else {
                                rank[s as usize]
                            }
                        })
                        .collect(),
                )
            }
            Column::Text(_) => None,
        }
    }

    /// For each row, whether its cell as shown is exactly `value` (a
    /// symbol column compares once per distinct value, not per row).
    fn equals<'c>(&'c self, value: &'c str) -> Box<dyn Fn(usize) -> bool + 'c> {
        match self {
            Column::Symbol { rows, values } => {
                let hit: Vec<bool> = values.iter().map(|s| s == value).collect();
                Box::new(move |r| rows[r] != NULL_SYMBOL && hit[rows[r] as usize])
            }
            _ => Box::new(move |r| {
                !matches!(self.cell(r), Cell::Null) && self.cell(r).display() == value
            }),
        }
    }

    /// For each row, whether its cell as shown contains `needle` (lower
    /// case), ignoring case.
    fn matcher<'c>(&'c self, needle: &'c str) -> Box<dyn Fn(usize) -> bool + 'c> {
        match self {
            Column::Int(v) => Box::new(move |r| {
                let x = v.get(r);
                x != NULL_INT && x.to_string().contains(needle)
            }),
            // A null (NaN) shows nothing, so it matches nothing (it
            // used to match "nan" as its `{:.2}` text).
            Column::Num(v) => {
                Box::new(move |r| !v[r].is_nan() && format!("{:.2}", v[r]).contains(needle))
            }
            Column::Time(v) => Box::new(move |r| {
                v[r] != NULL_INT && text_contains(&Timestamp(v[r]).to_rfc3339(), needle)
            }),
            Column::Symbol { rows, values } => {
                let hit: Vec<bool> = values.iter().map(|s| text_contains(s, needle)).collect();
                Box::new(move |r| rows[r] != NULL_SYMBOL && hit[rows[r] as usize])
            }
            Column::Text(t) => {
                Box::new(move |r| t.get(r).is_some_and(|s| text_contains(s, needle)))
            }
        }
    }
}

/// An `i64` that sorts like `x.total_cmp`.
fn total_order_key(x: f64) -> i64 {
    // Null (NaN) sorts first, as a null cell does.
    if x.is_nan() {
        return i64::MIN;
    }
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Whether `text` contains `needle_lower`, ignoring case.
fn text_contains(text: &str, needle_lower: &str) -> bool {
    if text.is_ascii() && needle_lower.is_ascii() {
        text.as_bytes()
            .windows(needle_lower.len())
            .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
    } else {
        text.to_lowercase().contains(needle_lower)
    }
}

/// One data set, column by column.
#[derive(Clone, Debug)]
pub struct DataTable {
    /// Data set name.
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    values: Vec<Column>,
    len: usize,
}

impl DataTable {
    fn new(name: &str, columns: Vec<String>, len: usize, values: Vec<Column>) -> DataTable {
        debug_assert_eq!(columns.len(), values.len());
        DataTable {
            name: name.into(),
            columns,
            values,
            len,
        }
    }

    /// One engine table, column by column, in a single pass over its rows.
    fn from_engine(table: &Table<'_>) -> DataTable {
        let len = table.len();
        let mut builders: Vec<ColumnBuilder<'_>> = (0..table.columns().len())
            .map(|_| ColumnBuilder::Nulls(0))
            .collect();
        for row in table.rows() {
            for (b, cell) in builders.iter_mut().zip(row) {
                b.push(cell, len);
            }
        }
        DataTable::new(
            table.name(),
            table.columns().to_vec(),
            len,
            builders.into_iter().map(ColumnBuilder::finish).collect(),
        )
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i` as the page shows it.
    pub fn row(&self, i: usize) -> Vec<Cell> {
        self.values.iter().map(|c| c.cell(i)).collect()
    }
}

/// The data set that is the same for every period (SPEC §4, data set 5,
/// `user_fast_participation`: every (user, fast) pair over the whole
/// history), named by the engine's list of data sets.
pub const PERIOD_FREE: &str = engagement_engine::export::DATA_SETS[4];

/// The six tabular data sets of a report, plus a cached row order of the
/// last query per table so that paging through a sorted, filtered table
/// costs only the page.
#[derive(Debug, Default)]
pub struct TableStore {
    tables: Vec<DataTable>,
    cache: Vec<Option<(PageQuery, Vec<u32>)>>,
    /// The report's users, shared by the tables that name them.
    users: Option<Users>,
}

impl TableStore {
    /// Builds the tables of data sets 1–6 from a report, through the
    /// engine's one tabular view of each.
    pub fn from_report(report: &Report<'_>) -> TableStore {
        TableStore::from_report_reusing(report, None)
    }

    /// Like [`TableStore::from_report`], but takes the data set that does
    /// not depend on the period ([`PERIOD_FREE`]) from `kept` (see
    /// [`TableStore::take_period_free`]) instead of building it again: on
    /// a large bundle it is the largest table (one row per user and fast).
    /// `kept` must come from a report of the same data and segment; a
    /// table whose row count differs from the report's is built anew.
    pub fn from_report_reusing(report: &Report<'_>, mut kept: Option<DataTable>) -> TableStore {
        let users = Users::of(report.user_activity_timeline.data());
        // The data sets of `engine_table::data_sets` but `other_metrics`
        // (the page shows it from the summary), which is not even made.
        let tables: Vec<DataTable> = [
            engine_table::new_users_over_time(report),
            engine_table::fasts(report),
            engine_table::user_activity(report),
            engine_table::user_activity_timeline(report),
            engine_table::user_fast_participation(report),
            engine_table::retention_cohorts(report),
        ]
        .iter()
        .map(|t| match kept.take() {
            Some(k) if t.name() == PERIOD_FREE && k.name == t.name() && k.len == t.len() => k,
            other => {
                kept = other;
                match t.name() {
                    "user_activity_timeline" => {
                        timeline_table(t, &report.user_activity_timeline, &users)
                    }
                    "user_activity" => user_activity_table(t, &report.user_activity, &users)
                        .unwrap_or_else(|| DataTable::from_engine(t)),
                    _ => DataTable::from_engine(t),
                }
            }
        })
        .collect();
        let cache = vec![None; tables.len()];
        TableStore {
            tables,
            cache,
            users: Some(users),
        }
    }

    /// Takes out the table of the data set that does not depend on the
    /// period, for [`TableStore::from_report_reusing`].
    pub fn take_period_free(&mut self) -> Option<DataTable> {
        let i = self.tables.iter().position(|t| t.name == PERIOD_FREE)?;
        self.cache.remove(i);
        Some(self.tables.remove(i))
    }

    /// Adds the insights that are lists of rows (the People, Fasts and
    /// App usage views): `user_engagement`, `fast_retention`, and SPEC
    /// §11's `daily_activity`, `fast_calendar`, `fast_daily` and
    /// `fast_editions`.
    pub fn add_insights(&mut self, insights: &Insights<'_>) {
        for table in [
            engine_table::user_engagement(insights),
            engine_table::fast_retention(insights),
            engine_table::daily_activity(insights),
            engine_table::fast_calendar(insights),
            engine_table::fast_daily(insights),
            engine_table::fast_editions(insights),
        ] {
            let typed = match (table.name(), &self.users) {
                ("user_engagement", Some(users)) => {
                    user_engagement_table(&table, &insights.user_engagement, users)
                }
                _ => None,
            };
            self.tables
                .push(typed.unwrap_or_else(|| DataTable::from_engine(&table)));
        }
        self.cache.resize(self.tables.len(), None);
    }

    /// The tables.
    pub fn tables(&self) -> &[DataTable] {
        &self.tables
    }

    /// Every row that `q` matches (its page and page size ignored), in its
    /// order, with the table's column names: what a view shows across all
    /// its pages. `None` when the table is not in the store.
    pub fn matching_rows(&mut self, q: &PageQuery) -> Option<(Vec<String>, Vec<Vec<Cell>>)> {
        let reply = self.query(
            0,
            &PageQuery {
                page: 0,
                page_size: usize::MAX,
                ..q.clone()
            },
        );
        let table = self.tables.iter().find(|t| t.name == q.table)?;
        Some((table.columns.clone(), reply.rows))
    }

    /// Answers one page of a sorted, filtered table.
    pub fn query(&mut self, id: u64, q: &PageQuery) -> PageReply {
        let Some(ti) = self.tables.iter().position(|t| t.name == q.table) else {
            return PageReply {
                id,
                table: q.table.clone(),
                ..PageReply::default()
            };
        };
        let key = PageQuery {
            page: 0,
            page_size: 0,
            ..q.clone()
        };
        let fresh = !matches!(&self.cache[ti], Some((k, _)) if *k == key);
        if fresh {
            let order = order_rows(&self.tables[ti], &key);
            self.cache[ti] = Some((key, order));
        }
        let table = &self.tables[ti];
        let order = &self.cache[ti].as_ref().expect("just filled").1;
        let size = q.page_size.max(1);
        let last_page = order.len().saturating_sub(1) / size;
        let page = q.page.min(last_page);
        let rows = order
            .iter()
            .skip(page * size)
            .take(size)
            .map(|&i| table.row(i as usize))
            .collect();
        PageReply {
            id,
            view: String::new(),
            table: table.name.clone(),
            total: table.len() as u64,
            matched: order.len() as u64,
            page,
            rows,
        }
    }
}

/// Indices of the rows matching the query's filter, column filter and user,
/// in its order (stable: equal keys keep the data set's order).
fn order_rows(table: &DataTable, q: &PageQuery) -> Vec<u32> {
    let needle = q.filter.trim().to_lowercase();
    let user = match (q.user_id, table.columns.iter().position(|c| c == "user_id")) {
        (Some(uid), Some(c)) => match &table.values[c] {
            Column::Int(v) => Some((v, uid)),
            _ => None,
        },
        _ => None,
    };
    // A column that is not in the table matches no row: a query for a
    // column the data set lacks must not silently show every row.
    let equals: Option<Box<dyn Fn(usize) -> bool + '_>> =
        q.column_filter
            .as_ref()
            .map(|(c, value)| match table.values.get(*c) {
                Some(column) => column.equals(value),
                None => Box::new(|_| false) as Box<dyn Fn(usize) -> bool>,
            });
    let matchers: Vec<Box<dyn Fn(usize) -> bool + '_>> = if needle.is_empty() {
        Vec::new()
    } else {
        table.values.iter().map(|c| c.matcher(&needle)).collect()
    };
    let mut order: Vec<u32> = (0..table.len())
        .filter(|&i| {
            if let Some((v, uid)) = user {
                if v.get(i) != uid {
                    return false;
                }
            }
            if equals.as_ref().is_some_and(|eq| !eq(i)) {
                return false;
            }
            needle.is_empty() || matchers.iter().any(|m| m(i))
        })
        .map(|i| i as u32)
        .collect();
    if let Some((col, desc)) = q.sort {
        let Some(column) = table.values.get(col) else {
            return order;
        };
        let direct = |o: Ordering| if desc { o.reverse() } else { o };
        match column.sort_keys() {
            Some(keys) => order.sort_by(|&a, &b| direct(keys[a as usize].cmp(&keys[b as usize]))),
            None => {
                let Column::Text(t) = column else {
                    unreachable!("only free text has no sort keys")
                };
                order.sort_by(|&a, &b| direct(t.get(a as usize).cmp(&t.get(b as usize))));
            }
        }
    }
    order
}

#[cfg(test)]
mod tests;
