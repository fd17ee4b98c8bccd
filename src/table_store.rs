//! The report's tables as the worker holds them: compact columns answering
//! the page's sorted, filtered, paged queries. No browser API here, so it
//! is tested natively.

use std::cmp::Ordering;

use engagement_engine::insights::Insights;
use engagement_engine::model::TextColumn;
use engagement_engine::report::Report;
use engagement_engine::table::{self as engine_table, Cell as EngineCell, Table};
use engagement_engine::timestamp::Timestamp;

use crate::protocol::{Cell, PageQuery, PageReply};
use rustc_hash::FxHashMap;

/// The null of [`Column::Int`] and [`Column::Time`]: no id, count or
/// timestamp of a report is `i64::MIN`, and it sorts before every value,
/// as a null cell does.
const NULL_INT: i64 = i64::MIN;
/// The null of [`Column::Symbol`].
const NULL_SYMBOL: u32 = u32::MAX;

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
    /// row into `values`; [`NULL_SYMBOL`] is null.
    Symbol {
        rows: Vec<u32>,
        values: Vec<Box<str>>,
    },
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
        values: Vec<Box<str>>,
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
                    values: Vec::new(),
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
                        values.push(text.as_ref().into());
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
                        text.push((s != NULL_SYMBOL).then(|| &*values[s as usize]));
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
            ColumnBuilder::Symbol { rows, values, .. } => Column::Symbol { rows, values },
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
            Column::Symbol { rows, values } => Cell::Text(values[rows[row] as usize].to_string()),
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
                by_text.sort_by(|&a, &b| values[a as usize].cmp(&values[b as usize]));
                let mut rank = vec![0i64; values.len()];
                for (r, &s) in by_text.iter().enumerate() {
                    rank[s as usize] = r as i64 + 1;
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
                let hit: Vec<bool> = values.iter().map(|s| &**s == value).collect();
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
            Column::Num(v) => Box::new(move |r| format!("{:.2}", v[r]).contains(needle)),
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
        let tables: Vec<DataTable> = engine_table::data_sets(report)
            .iter()
            .filter(|t| t.name() != "other_metrics")
            .map(|t| match kept.take() {
                Some(k) if t.name() == PERIOD_FREE && k.name == t.name() && k.len == t.len() => k,
                other => {
                    kept = other;
                    DataTable::from_engine(t)
                }
            })
            .collect();
        let cache = vec![None; tables.len()];
        TableStore { tables, cache }
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
            self.tables.push(DataTable::from_engine(&table));
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
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_kept_in_4_bytes_while_they_fit_and_read_back_the_same() {
        let ints = |values: &[i64]| {
            let mut column = Ints::nulls(0);
            values.iter().for_each(|&x| column.push(x));
            column
        };
        let small = vec![7, NULL_INT, -3, i64::from(i32::MAX)];
        let narrow = ints(&small);
        assert!(matches!(narrow, Ints::Narrow(_)));
        assert_eq!((0..4).map(|i| narrow.get(i)).collect::<Vec<_>>(), small);
        // i32::MIN is the narrow form's null, so it needs the wide form,
        // as does anything past i32.
        for odd in [i64::from(i32::MIN), i64::from(i32::MAX) + 1, -(1 << 40)] {
            let wide = ints(&[1, odd, NULL_INT]);
            assert!(matches!(wide, Ints::Wide(_)), "{odd}");
            assert_eq!(
                (0..3).map(|i| wide.get(i)).collect::<Vec<_>>(),
                [1, odd, NULL_INT]
            );
        }
    }
    use engagement_engine::demo::{csv_tables, DemoConfig};
    use engagement_engine::load::{Bundle, Limits};
    use engagement_engine::metrics;

    use engagement_engine::load::Loaded;
    use engagement_engine::period::Period;

    use crate::summary::{load_summary, summarize};

    /// A period of the tests (`None`: UTC).
    fn period(start: &str, end: &str, zone: Option<&str>) -> Period {
        Period::from_options(Some(start), Some(end), zone, Default::default()).unwrap()
    }

    fn demo() -> Loaded {
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in csv_tables(&DemoConfig::new(200)) {
            b.add_bytes(&name, &bytes).unwrap();
        }
        b.finish().unwrap()
    }

    #[test]
    fn tables_sort_filter_and_page() {
        let loaded = demo();
        let period = period("2025-01-01", "2025-06-30", None);
        let report = metrics::compute(&loaded.dataset, &period);
        let mut store = TableStore::from_report(&report);
        let q = PageQuery {
            table: "user_activity_timeline".into(),
            sort: Some((3, true)),
            page_size: 10,
            ..Default::default()
        };
        let page = store.query(1, &q);
        assert_eq!(page.total as usize, report.user_activity_timeline.len());
        assert_eq!(page.rows.len(), 10);
        let stamps: Vec<String> = page.rows.iter().map(|r| r[3].display()).collect();
        let mut sorted = stamps.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(stamps, sorted);
        let uid = report.user_activity[0].user_id;
        let only = store.query(
            2,
            &PageQuery {
                user_id: Some(uid),
                page_size: 1000,
                ..q.clone()
            },
        );
        assert!(only.rows.iter().all(|r| r[0] == Cell::Int(uid)));
        assert_eq!(
            only.matched as usize,
            report
                .user_activity_timeline
                .iter()
                .filter(|r| r.user_id == uid)
                .count()
        );
        let summary = summarize(&report, &period, &store);
        // The charts of the seven data sets, in the page's order; new users
        // per day has every day of the period and adds up to the card.
        let keys: Vec<&str> = summary.charts.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "new_users_per_day",
                "screen_views_per_day",
                "events_by_type",
                "top_fasts_by_joins",
                "top_screens",
                "retention_by_cohort"
            ]
        );
        let days = crate::chart_files::data_rows(&summary.charts[0].svg);
        assert_eq!(days.len(), period.day_count());
        assert_eq!(
            days.iter()
                .map(|d| d.value.parse::<u64>().unwrap())
                .sum::<u64>(),
            summary.new_users
        );
        let ls = load_summary(&loaded, "demo", chrono_tz::Tz::UTC);
        assert_eq!(ls.extent.as_ref().map(|e| e.1.as_str()), Some("2025-06-30"));
        assert!(!ls.warnings.is_empty());
    }

    #[test]
    fn a_period_change_keeps_the_period_free_table_as_built_anew() {
        let loaded = demo();
        let june = period("2025-06-01", "2025-06-30", None);
        let first = metrics::compute(&loaded.dataset, &june);
        let mut old = TableStore::from_report(&first);
        let kept = old.take_period_free();
        assert_eq!(kept.as_ref().map(|t| t.name.as_str()), Some(PERIOD_FREE));
        assert!(old.tables().iter().all(|t| t.name != PERIOD_FREE));
        // Another period, in another zone: every table as a fresh build has it.
        let spring = period("2025-03-01", "2025-05-15", Some("Europe/Paris"));
        let second = metrics::compute(&loaded.dataset, &spring);
        let reused = TableStore::from_report_reusing(&second, kept);
        let fresh = TableStore::from_report(&second);
        let names = |s: &TableStore| {
            s.tables()
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&reused), names(&fresh));
        for (a, b) in reused.tables().iter().zip(fresh.tables()) {
            assert_eq!(a.columns, b.columns, "{}", a.name);
            assert_eq!(a.len(), b.len(), "{}", a.name);
            for i in 0..a.len() {
                assert_eq!(a.row(i), b.row(i), "{} row {i}", a.name);
            }
        }
        // A kept table of another size (other data) is not taken.
        let mut other = TableStore::from_report(&second);
        let mut wrong = other.take_period_free().unwrap();
        wrong.len -= 1;
        let rebuilt = TableStore::from_report_reusing(&second, Some(wrong));
        let part = |s: &TableStore| {
            s.tables()
                .iter()
                .find(|t| t.name == PERIOD_FREE)
                .unwrap()
                .len()
        };
        assert!(part(&fresh) > 0, "the demo has (user, fast) pairs");
        assert_eq!(part(&rebuilt), part(&fresh));
    }

    #[test]
    fn a_column_filter_keeps_the_rows_whose_cell_is_that_text() {
        use engagement_engine::insights::{self, EngagementStatus};
        use engagement_engine::segment::Segment;
        let loaded = demo();
        let period = period("2025-06-01", "2025-06-30", None);
        let segmented = Segment::default().apply(&loaded.dataset).unwrap();
        let report = metrics::compute(&segmented.dataset, &period);
        let ins = insights::compute(
            &segmented.dataset,
            &period,
            &report,
            &segmented.info,
            &loaded.warnings,
        );
        let mut store = TableStore::from_report(&report);
        store.add_insights(&ins);
        let cols = engagement_engine::columns::USER_ENGAGEMENT;
        let status = cols.iter().position(|c| *c == "status").unwrap();
        let rank = cols.iter().position(|c| *c == "engagement_rank").unwrap();
        for s in [
            EngagementStatus::AtRisk,
            EngagementStatus::Declining,
            EngagementStatus::Engaged,
        ] {
            let q = PageQuery {
                table: "user_engagement".into(),
                column_filter: Some((status, s.as_str().to_string())),
                sort: Some((rank, false)),
                page_size: 100_000,
                ..Default::default()
            };
            let page = store.query(1, &q);
            let mut want: Vec<_> = ins
                .user_engagement
                .iter()
                .filter(|u| u.status == s)
                .collect();
            want.sort_by_key(|u| u.engagement_rank);
            assert!(!want.is_empty(), "the demo has {} users", s.as_str());
            assert_eq!(page.matched as usize, want.len(), "{}", s.as_str());
            assert_eq!(page.total as usize, ins.user_engagement.len());
            let got: Vec<Cell> = page.rows.iter().map(|r| r[0].clone()).collect();
            let want: Vec<Cell> = want.iter().map(|u| Cell::Int(u.user_id)).collect();
            assert_eq!(got, want, "{}", s.as_str());
        }
        // A number column compares as shown; an unknown column matches none.
        let fr = engagement_engine::columns::FAST_RETENTION;
        let members = fr.iter().position(|c| *c == "members_ever").unwrap();
        let some = ins.fast_retention[0].members_ever;
        let q = PageQuery {
            table: "fast_retention".into(),
            column_filter: Some((members, some.to_string())),
            page_size: 1000,
            ..Default::default()
        };
        let want = ins
            .fast_retention
            .iter()
            .filter(|f| f.members_ever == some)
            .count();
        assert_eq!(store.query(2, &q).matched as usize, want);
        let q = PageQuery {
            column_filter: Some((99, "x".into())),
            ..q
        };
        assert_eq!(store.query(3, &q).matched, 0);
    }

    /// The order a reader expects of two cells as shown: nulls first,
    /// numbers by value, timestamps by time, other text by its bytes.
    fn reference_cmp(a: &Cell, b: &Cell) -> Ordering {
        use Cell::*;
        match (a, b) {
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            (Int(x), Int(y)) => x.cmp(y),
            (Num(x), Num(y)) => x.total_cmp(y),
            (Text(x), Text(y)) => match (Timestamp::parse(x), Timestamp::parse(y)) {
                (Ok(p), Ok(q)) if x.contains('T') => p.cmp(&q),
                _ => x.cmp(y),
            },
            _ => panic!("one column holds {a:?} and {b:?}"),
        }
    }

    #[test]
    fn the_store_holds_the_engine_tables_cell_for_cell() {
        let loaded = demo();
        let period = period("2025-01-01", "2025-06-30", Some("America/Los_Angeles"));
        let report = metrics::compute(&loaded.dataset, &period);
        let store = TableStore::from_report(&report);
        let engine = engine_table::data_sets(&report);
        assert_eq!(store.tables().len(), 6);
        for (mine, theirs) in store.tables().iter().zip(&engine) {
            assert_eq!(mine.name, theirs.name());
            assert_eq!(&mine.columns, theirs.columns());
            assert_eq!(mine.len(), theirs.len());
            for i in 0..mine.len() {
                for (got, want) in mine.row(i).iter().zip(theirs.row(i)) {
                    match (got, &want) {
                        (Cell::Null, EngineCell::Null) => {}
                        (Cell::Int(a), EngineCell::Int(b)) => assert_eq!(a, b),
                        (Cell::Num(a), EngineCell::Float(b)) => assert_eq!(a, b),
                        (Cell::Text(a), other) => assert_eq!(a, &other.to_text()),
                        (got, want) => panic!("{}: {got:?} for {want:?}", mine.name),
                    }
                }
            }
        }
    }

    #[test]
    fn text_from_the_data_stays_symbols_until_too_many_are_distinct() {
        let names: Vec<String> = (0..3000).map(|i| format!("user {}", i % 2000)).collect();
        let table = Table::new("t", vec!["repeated".into(), "label".into()], 3000, |i| {
            vec![
                if i % 7 == 0 {
                    EngineCell::Null
                } else {
                    EngineCell::Text(&names[i])
                },
                EngineCell::Plain(format!("w{}", i % 3)),
            ]
        });
        let t = DataTable::from_engine(&table);
        // 2000 distinct names in 3000 rows: past max(3000 / 4, 1024).
        assert!(matches!(t.values[0], Column::Text(_)));
        assert!(matches!(t.values[1], Column::Symbol { .. }));
        for i in [0, 1, 7, 2999] {
            let want = if i % 7 == 0 {
                Cell::Null
            } else {
                Cell::Text(names[i].clone())
            };
            assert_eq!(t.row(i)[0], want);
            assert_eq!(t.row(i)[1], Cell::Text(format!("w{}", i % 3)));
        }
    }

    #[test]
    fn every_column_sorts_and_filters_like_its_cells() {
        let loaded = demo();
        let period = period("2024-01-01", "2025-06-30", None);
        let report = metrics::compute(&loaded.dataset, &period);
        let mut store = TableStore::from_report(&report);
        let tables: Vec<(String, usize, Vec<Vec<Cell>>)> = store
            .tables()
            .iter()
            .map(|t| {
                let rows = (0..t.len()).map(|i| t.row(i)).collect();
                (t.name.clone(), t.columns.len(), rows)
            })
            .collect();
        for (name, width, rows) in tables {
            assert!(!rows.is_empty(), "{name} has rows to sort");
            for col in 0..width {
                for desc in [false, true] {
                    let q = PageQuery {
                        table: name.clone(),
                        sort: Some((col, desc)),
                        page_size: rows.len(),
                        ..Default::default()
                    };
                    let got = store.query(1, &q).rows;
                    let mut want = rows.clone();
                    want.sort_by(|a, b| {
                        let o = reference_cmp(&a[col], &b[col]);
                        if desc {
                            o.reverse()
                        } else {
                            o
                        }
                    });
                    assert!(got == want, "{name} sorted by column {col}, desc {desc}");
                }
            }
            for needle in ["a", "2025-06", "0.5", "T1", "zzz-nowhere"] {
                let q = PageQuery {
                    table: name.clone(),
                    filter: needle.to_uppercase(),
                    page_size: rows.len(),
                    ..Default::default()
                };
                let got = store.query(2, &q).rows;
                let want: Vec<Vec<Cell>> = rows
                    .iter()
                    .filter(|r| {
                        r.iter()
                            .any(|c| c.display().to_lowercase().contains(&needle.to_lowercase()))
                    })
                    .cloned()
                    .collect();
                assert!(got == want, "{name} filtered by {needle}");
            }
        }
    }
}
