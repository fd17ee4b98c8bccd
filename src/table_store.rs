//! The report's tables as the worker holds them: compact columns answering
//! the page's sorted, filtered, paged queries. No browser API here, so it
//! is tested natively.

use std::cmp::Ordering;
use std::collections::HashMap;

use engagement_engine::export::columns;
use engagement_engine::insights::Insights;
use engagement_engine::model::TextColumn;
use engagement_engine::report::Report;
use engagement_engine::timestamp::Timestamp;

use crate::protocol::{Cell, PageQuery, PageReply};

/// The null of [`Column::Int`] and [`Column::Time`]: no id, count or
/// timestamp of a report is `i64::MIN`, and it sorts before every value,
/// as a null cell does.
const NULL_INT: i64 = i64::MIN;
/// The null of [`Column::Symbol`].
const NULL_SYMBOL: u32 = u32::MAX;

/// One column of a data set. The page asks for one page of rows at a
/// time, so values are kept compact and turned into [`Cell`]s only for the
/// rows shown: a million-row timeline costs tens of bytes a row here, where
/// a heap string per cell cost hundreds (and most of a browser tab's
/// memory on a large bundle).
#[derive(Clone, Debug)]
enum Column {
    /// Whole numbers; [`NULL_INT`] is null.
    Int(Vec<i64>),
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

fn ints<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> Column {
    Column::Int(rows.iter().map(|r| f(r).unwrap_or(NULL_INT)).collect())
}

fn counts<T>(rows: &[T], f: impl Fn(&T) -> u64) -> Column {
    Column::Int(rows.iter().map(|r| f(r) as i64).collect())
}

fn nums<T>(rows: &[T], f: impl Fn(&T) -> f64) -> Column {
    Column::Num(rows.iter().map(f).collect())
}

fn times<T>(rows: &[T], f: impl Fn(&T) -> Option<Timestamp>) -> Column {
    Column::Time(
        rows.iter()
            .map(|r| f(r).map_or(NULL_INT, |t| t.0))
            .collect(),
    )
}

fn symbols<'a, T>(rows: &'a [T], f: impl Fn(&'a T) -> Option<&'a str>) -> Column {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut values: Vec<Box<str>> = Vec::new();
    let rows = rows
        .iter()
        .map(|r| match f(r) {
            None => NULL_SYMBOL,
            Some(s) => *index.entry(s).or_insert_with(|| {
                values.push(s.into());
                values.len() as u32 - 1
            }),
        })
        .collect();
    Column::Symbol { rows, values }
}

fn owned_symbols<T>(rows: &[T], f: impl Fn(&T) -> String) -> Column {
    let texts: Vec<String> = rows.iter().map(f).collect();
    symbols(&texts, |s| Some(s.as_str()))
}

fn texts<'a, T>(rows: &'a [T], f: impl Fn(&'a T) -> Option<&'a str>) -> Column {
    let mut column = TextColumn::default();
    for r in rows {
        column.push(f(r));
    }
    Column::Text(column)
}

impl Column {
    fn cell(&self, row: usize) -> Cell {
        match self {
            Column::Int(v) if v[row] == NULL_INT => Cell::Null,
            Column::Int(v) => Cell::Int(v[row]),
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
            Column::Int(v) | Column::Time(v) => Some(v.clone()),
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

    /// For each row, whether its cell as shown contains `needle` (lower
    /// case), ignoring case.
    fn matcher<'c>(&'c self, needle: &'c str) -> Box<dyn Fn(usize) -> bool + 'c> {
        match self {
            Column::Int(v) => {
                Box::new(move |r| v[r] != NULL_INT && v[r].to_string().contains(needle))
            }
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

/// The six tabular data sets of a report, plus a cached row order of the
/// last query per table so that paging through a sorted, filtered table
/// costs only the page.
#[derive(Debug, Default)]
pub struct TableStore {
    tables: Vec<DataTable>,
    cache: Vec<Option<(PageQuery, Vec<u32>)>>,
}

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

impl TableStore {
    /// Builds the tables of data sets 1–6 from a report.
    pub fn from_report(report: &Report<'_>) -> TableStore {
        let mut tables = Vec::with_capacity(6);
        let r = &report.new_users_over_time;
        tables.push(DataTable::new(
            "new_users_over_time",
            cols(columns::NEW_USERS_OVER_TIME),
            r.len(),
            vec![
                owned_symbols(r, |r| r.date.to_string()),
                counts(r, |r| r.count),
            ],
        ));
        let r = &report.fasts;
        tables.push(DataTable::new(
            "fasts",
            cols(columns::FASTS),
            r.len(),
            vec![
                ints(r, |r| Some(r.fast_id)),
                symbols(r, |r| Some(r.fast_name)),
                symbols(r, |r| r.church_name),
                counts(r, |r| r.participants),
                counts(r, |r| r.joins_in_period),
                counts(r, |r| r.leaves_in_period),
            ],
        ));
        let r = &report.user_activity;
        let mut types: Vec<&str> = r.iter().flat_map(|r| r.by_type.keys().copied()).collect();
        types.sort_unstable();
        types.dedup();
        let mut ua_cols = cols(columns::USER_ACTIVITY);
        ua_cols.extend(types.iter().map(|t| format!("type_{t}")));
        let mut ua = vec![
            ints(r, |r| Some(r.user_id)),
            texts(r, |r| Some(r.username)),
            texts(r, |r| Some(r.email)),
            times(r, |r| Some(r.date_joined)),
            counts(r, |r| r.total_items),
        ];
        ua.extend(
            types
                .iter()
                .map(|t| counts(r, |r| r.by_type.get(t).copied().unwrap_or(0))),
        );
        tables.push(DataTable::new("user_activity", ua_cols, r.len(), ua));
        let r = &report.user_activity_timeline;
        tables.push(DataTable::new(
            "user_activity_timeline",
            cols(columns::USER_ACTIVITY_TIMELINE),
            r.len(),
            vec![
                ints(r, |r| Some(r.user_id)),
                symbols(r, |r| Some(r.username)),
                symbols(r, |r| Some(r.activity_type)),
                times(r, |r| Some(r.timestamp)),
                texts(r, |r| r.title),
                texts(r, |r| r.description),
                symbols(r, |r| r.target_type),
                ints(r, |r| r.target_id),
            ],
        ));
        let r = &report.user_fast_participation;
        tables.push(DataTable::new(
            "user_fast_participation",
            cols(columns::USER_FAST_PARTICIPATION),
            r.len(),
            vec![
                ints(r, |r| Some(r.user_id)),
                symbols(r, |r| Some(r.username)),
                symbols(r, |r| Some(r.email)),
                ints(r, |r| Some(r.fast_id)),
                symbols(r, |r| Some(r.fast_name)),
                symbols(r, |r| r.church_name),
                times(r, |r| r.joined_at),
                times(r, |r| r.left_at),
                symbols(r, |r| Some(r.status.as_str())),
            ],
        ));
        let r = &report.retention_cohorts;
        tables.push(DataTable::new(
            "retention_cohorts",
            cols(columns::RETENTION_COHORTS),
            r.len(),
            vec![
                symbols(r, |r| Some(r.cohort_week.as_str())),
                owned_symbols(r, |r| r.cohort_start_date.to_string()),
                counts(r, |r| r.total_users),
                counts(r, |r| r.active_users),
                nums(r, |r| r.retention_rate),
                nums(r, |r| r.avg_activities_per_user),
                ints(r, |r| Some(r.cohort_age_weeks)),
            ],
        ));
        let cache = vec![None; tables.len()];
        TableStore { tables, cache }
    }

    /// Adds the insights that are lists of rows (the People and Fasts
    /// views): `user_engagement` and `fast_retention`.
    pub fn add_insights(&mut self, insights: &Insights<'_>) {
        let r = &insights.user_engagement;
        self.tables.push(DataTable::new(
            "user_engagement",
            cols(columns::USER_ENGAGEMENT),
            r.len(),
            vec![
                ints(r, |r| Some(r.user_id)),
                texts(r, |r| Some(r.username)),
                texts(r, |r| Some(r.email)),
                counts(r, |r| r.items),
                counts(r, |r| r.active_days),
                times(r, |r| Some(r.first_activity)),
                times(r, |r| Some(r.last_activity)),
                ints(r, |r| Some(r.days_since_last)),
                nums(r, |r| r.avg_gap_days.unwrap_or(f64::NAN)),
                counts(r, |r| r.first_half_items),
                counts(r, |r| r.second_half_items),
                symbols(r, |r| Some(r.status.as_str())),
                counts(r, |r| r.engagement_rank),
            ],
        ));
        let r = &insights.fast_retention;
        self.tables.push(DataTable::new(
            "fast_retention",
            cols(columns::FAST_RETENTION),
            r.len(),
            vec![
                ints(r, |r| Some(r.fast_id)),
                symbols(r, |r| Some(r.fast_name)),
                symbols(r, |r| r.church_name),
                counts(r, |r| r.members_ever),
                counts(r, |r| r.active_members),
                counts(r, |r| r.left_members),
                nums(r, |r| r.retention_rate),
                nums(r, |r| r.median_days_to_leave.unwrap_or(f64::NAN)),
                counts(r, |r| r.members_in_other_fasts),
            ],
        ));
        self.cache.resize(self.tables.len(), None);
    }

    /// The tables.
    pub fn tables(&self) -> &[DataTable] {
        &self.tables
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

/// Indices of the rows matching the query's filter and user, in its order
/// (stable: equal keys keep the data set's order).
fn order_rows(table: &DataTable, q: &PageQuery) -> Vec<u32> {
    let needle = q.filter.trim().to_lowercase();
    let user = match (q.user_id, table.columns.iter().position(|c| c == "user_id")) {
        (Some(uid), Some(c)) => match &table.values[c] {
            Column::Int(v) => Some((v, uid)),
            _ => None,
        },
        _ => None,
    };
    let matchers: Vec<Box<dyn Fn(usize) -> bool + '_>> = if needle.is_empty() {
        Vec::new()
    } else {
        table.values.iter().map(|c| c.matcher(&needle)).collect()
    };
    let mut order: Vec<u32> = (0..table.len())
        .filter(|&i| {
            if let Some((v, uid)) = user {
                if v[i] != uid {
                    return false;
                }
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
    use engagement_engine::demo::{csv_tables, DemoConfig};
    use engagement_engine::load::{Bundle, Limits};
    use engagement_engine::metrics;

    use engagement_engine::load::Loaded;
    use engagement_engine::period::Period;

    use crate::summary::{load_summary, summarize};

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
        let period = Period::from_options(
            Some("2025-01-01"),
            Some("2025-06-30"),
            None,
            Default::default(),
        )
        .unwrap();
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
    fn every_column_sorts_and_filters_like_its_cells() {
        let loaded = demo();
        let period = Period::from_options(
            Some("2024-01-01"),
            Some("2025-06-30"),
            None,
            Default::default(),
        )
        .unwrap();
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
