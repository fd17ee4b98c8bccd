//! One tabular view of each data set: its columns (SPEC §5 order) and its
//! rows as typed cells. The CSV writer, `report.html` and `report.xlsx` all
//! read the data sets through it, so a column or a cell's text is defined
//! once.

use crate::columns;
use crate::insights::{Insights, WEEKS};
use crate::period::Date;
use crate::report::Report;
use crate::timestamp::Timestamp;

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text from the data (names, titles): a CSV guards it against formula
    /// injection.
    Text(&'a str),
    /// Text from the data, owned (values flattened out of JSON).
    TextOwned(String),
    /// Text the report made (week labels, statuses, codes): written as is.
    Plain(String),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A calendar date, `YYYY-MM-DD`.
    Date(Date),
    /// An instant, RFC 3339 UTC as SPEC §3 says.
    Time(Timestamp),
    /// No value: an empty CSV field.
    Null,
}

impl Cell<'_> {
    /// Appends the cell's text as the CSV writer formats it (before the
    /// formula guard): integers in decimal, decimals as JSON writes them
    /// (`100.0`), dates `YYYY-MM-DD`, instants RFC 3339, null as nothing.
    pub fn write_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        match self {
            Cell::Text(t) => out.push_str(t),
            Cell::TextOwned(t) | Cell::Plain(t) => out.push_str(t),
            Cell::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cell::Float(f) => out.push_str(&float_text(*f)),
            Cell::Date(d) => {
                let _ = write!(out, "{d}");
            }
            Cell::Time(t) => t.write_rfc3339(out),
            Cell::Null => {}
        }
    }

    /// The cell's text (see [`Cell::write_text`]).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.write_text(&mut s);
        s
    }

    /// Whether the text came from the data (and so needs the formula guard
    /// in a CSV).
    pub fn is_data_text(&self) -> bool {
        matches!(self, Cell::Text(_) | Cell::TextOwned(_))
    }
}

/// A decimal as JSON writes it: `100.0`, `33.33`. Non-finite values cannot
/// come out of the report (averages over nothing are 0); they print as JSON's
/// `null` would, empty.
fn float_text(f: f64) -> String {
    serde_json::to_string(&f)
        .ok()
        .filter(|s| s != "null")
        .unwrap_or_default()
}

type RowFn<'a> = dyn Fn(usize) -> Vec<Cell<'a>> + Send + Sync + 'a;

/// A data set as a table: a name, column names and rows made on demand (a
/// timeline can hold millions of rows: they are never all held as cells).
pub struct Table<'a> {
    name: &'static str,
    columns: Vec<String>,
    len: usize,
    row: Box<RowFn<'a>>,
}

impl<'a> Table<'a> {
    /// A table of `len` rows; `row(i)` gives row `i` (`i < len`), one cell
    /// per column.
    pub fn new(
        name: &'static str,
        columns: Vec<String>,
        len: usize,
        row: impl Fn(usize) -> Vec<Cell<'a>> + Send + Sync + 'a,
    ) -> Self {
        Table {
            name,
            columns,
            len,
            row: Box::new(row),
        }
    }

    /// The data set's name, e.g. `fasts`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i`, in the data set's own order.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    pub fn row(&self, i: usize) -> Vec<Cell<'a>> {
        assert!(i < self.len, "row {i} of a {}-row table", self.len);
        (self.row)(i)
    }

    /// Every row, in order.
    pub fn rows(&self) -> impl Iterator<Item = Vec<Cell<'a>>> + '_ {
        (0..self.len).map(|i| (self.row)(i))
    }
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Text from the data, or null.
pub fn opt_text(s: Option<&str>) -> Cell<'_> {
    s.map_or(Cell::Null, Cell::Text)
}

/// An instant, or null.
pub fn opt_time(t: Option<Timestamp>) -> Cell<'static> {
    t.map_or(Cell::Null, Cell::Time)
}

/// Data set 1.
pub fn new_users_over_time<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.new_users_over_time;
    Table::new(
        "new_users_over_time",
        owned(columns::NEW_USERS_OVER_TIME),
        rows.len(),
        move |i| vec![Cell::Date(rows[i].date), Cell::Int(rows[i].count as i64)],
    )
}

/// Data set 2.
pub fn fasts<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.fasts;
    Table::new("fasts", owned(columns::FASTS), rows.len(), move |i| {
        let f = &rows[i];
        vec![
            Cell::Int(f.fast_id),
            Cell::Text(f.fast_name),
            opt_text(f.church_name),
            Cell::Int(f.participants as i64),
            Cell::Int(f.joins_in_period as i64),
            Cell::Int(f.leaves_in_period as i64),
        ]
    })
}

/// Data set 3: `by_type` becomes one `type_<activity_type>` column per
/// activity type in the result (sorted), 0 where the user has none.
pub fn user_activity<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.user_activity;
    // The types are the data's interned strings: told apart by address
    // first (a hash of two words per key, not a string comparison in a
    // tree), then sorted and made unique by text.
    let mut seen = rustc_hash::FxHashSet::default();
    let mut types: Vec<&str> = rows
        .iter()
        .flat_map(|u| u.by_type.keys())
        .filter(|t| seen.insert((t.as_ptr() as usize, t.len())))
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut header = owned(columns::USER_ACTIVITY);
    header.extend(types.iter().map(|t| format!("type_{t}")));
    Table::new("user_activity", header, rows.len(), move |i| {
        let u = &rows[i];
        let mut row = vec![
            Cell::Int(u.user_id),
            Cell::Text(u.username),
            Cell::Text(u.email),
            Cell::Time(u.date_joined),
            Cell::Int(u.total_items as i64),
        ];
        row.extend(
            types
                .iter()
                .map(|t| Cell::Int(u.by_type.get(t).unwrap_or(0) as i64)),
        );
        row
    })
}

/// Data set 4.
pub fn user_activity_timeline<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.user_activity_timeline;
    Table::new(
        "user_activity_timeline",
        owned(columns::USER_ACTIVITY_TIMELINE),
        rows.len(),
        move |i| {
            let t = rows.get(i);
            vec![
                Cell::Int(t.user_id),
                Cell::Text(t.username),
                Cell::Text(t.activity_type),
                Cell::Time(t.timestamp),
                opt_text(t.title),
                opt_text(t.description),
                opt_text(t.target_type),
                t.target_id.map_or(Cell::Null, Cell::Int),
            ]
        },
    )
}

/// Data set 5.
pub fn user_fast_participation<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.user_fast_participation;
    Table::new(
        "user_fast_participation",
        owned(columns::USER_FAST_PARTICIPATION),
        rows.len(),
        move |i| {
            let p = rows.get(i);
            vec![
                Cell::Int(p.user_id),
                Cell::Text(p.username),
                Cell::Text(p.email),
                Cell::Int(p.fast_id),
                Cell::Text(p.fast_name),
                opt_text(p.church_name),
                opt_time(p.joined_at),
                opt_time(p.left_at),
                Cell::Plain(p.status.as_str().into()),
            ]
        },
    )
}

/// Data set 6.
pub fn retention_cohorts<'a>(r: &'a Report<'_>) -> Table<'a> {
    let rows = &r.retention_cohorts;
    Table::new(
        "retention_cohorts",
        owned(columns::RETENTION_COHORTS),
        rows.len(),
        move |i| {
            let c = &rows[i];
            vec![
                Cell::Plain(c.cohort_week.clone()),
                Cell::Date(c.cohort_start_date),
                Cell::Int(c.total_users as i64),
                Cell::Int(c.active_users as i64),
                Cell::Float(c.retention_rate),
                Cell::Float(c.avg_activities_per_user),
                Cell::Int(c.cohort_age_weeks),
            ]
        },
    )
}

/// Data set 7 flattened into `metric, value` rows, in the JSON's order:
/// nested keys joined with `.`, list entries numbered from 1
/// (`screen_views.top_screens.1.screen`).
pub fn other_metrics<'a>(r: &Report<'_>) -> Table<'a> {
    flattened("other_metrics", &r.other_metrics)
}

/// A nested object flattened into `metric, value` rows (see
/// [`other_metrics`]).
pub(crate) fn flattened<'a, T: serde::Serialize>(name: &'static str, value: &T) -> Table<'a> {
    // Walked through its JSON text so that the rows follow the JSON's key
    // order (a `serde_json::Value` would sort the keys).
    let json = serde_json::to_string(value).expect("report values always serialize");
    let mut rows = Vec::new();
    serde::de::DeserializeSeed::deserialize(
        Flatten {
            path: String::new(),
            out: &mut rows,
        },
        &mut serde_json::Deserializer::from_str(&json),
    )
    .expect("the JSON just written reads back");
    Table::new(name, owned(&["metric", "value"]), rows.len(), move |i| {
        let (metric, value): &(String, Cell<'static>) = &rows[i];
        vec![Cell::Plain(metric.clone()), value.clone()]
    })
}

/// Pushes one `(path, value)` row per JSON leaf, in document order.
struct Flatten<'o> {
    path: String,
    out: &'o mut Vec<(String, Cell<'static>)>,
}

impl Flatten<'_> {
    fn child(&mut self, key: &str) -> Flatten<'_> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        Flatten {
            path,
            out: &mut *self.out,
        }
    }

    fn leaf(self, cell: Cell<'static>) {
        self.out.push((self.path, cell));
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Flatten<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Flatten<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.leaf(Cell::Plain(v.to_string()));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.leaf(Cell::Int(v));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        // A number beyond i64 (a video id) is kept exactly, as text.
        self.leaf(i64::try_from(v).map_or_else(|_| Cell::Plain(v.to_string()), Cell::Int));
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.leaf(Cell::Float(v));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.leaf(Cell::TextOwned(v.to_string()));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.leaf(Cell::Null);
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        self.leaf(Cell::Null);
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq
            .next_element_seed(self.child(&(i + 1).to_string()))?
            .is_some()
        {
            i += 1;
        }
        // An empty list stays visible as one empty row.
        if i == 0 {
            self.leaf(Cell::Null);
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut empty = true;
        while let Some(key) = map.next_key::<String>()? {
            map.next_value_seed(self.child(&key))?;
            empty = false;
        }
        if empty {
            self.leaf(Cell::Null);
        }
        Ok(())
    }
}

/// A decimal, or null.
fn opt_float(v: Option<f64>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::Float)
}

/// Insight 1: one row per cohort, `week_<n>_active, week_<n>_rate` for
/// n = 0…12 (empty when the week is not listed).
pub fn retention_matrix<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.retention_matrix;
    Table::new(
        "retention_matrix",
        owned(columns::RETENTION_MATRIX),
        rows.len(),
        move |k| {
            let c = &rows[k];
            let mut row = vec![
                Cell::Plain(c.cohort_week.clone()),
                Cell::Date(c.cohort_start_date),
                Cell::Int(c.users as i64),
                Cell::Int(c.complete_weeks() as i64),
            ];
            for n in 0..WEEKS {
                match c.week(n) {
                    Some(w) => row.extend([Cell::Int(w.active as i64), Cell::Float(w.rate)]),
                    None => row.extend([Cell::Null, Cell::Null]),
                }
            }
            row
        },
    )
}

/// Insight 2: the 168 weekday × hour cells.
pub fn activity_heatmap<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.activity_heatmap;
    Table::new(
        "activity_heatmap",
        owned(columns::ACTIVITY_HEATMAP),
        rows.len(),
        move |k| {
            let c = &rows[k];
            vec![
                Cell::Int(i64::from(c.weekday)),
                Cell::Plain(c.weekday_name.into()),
                Cell::Int(i64::from(c.hour)),
                Cell::Int(c.events as i64),
                Cell::Int(c.feed_items as i64),
                Cell::Int(c.users as i64),
            ]
        },
    )
}

/// Insight 3: one row per active user.
pub fn user_engagement<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.user_engagement;
    Table::new(
        "user_engagement",
        owned(columns::USER_ENGAGEMENT),
        rows.len(),
        move |k| {
            let u = &rows[k];
            vec![
                Cell::Int(u.user_id),
                Cell::Text(u.username),
                Cell::Text(u.email),
                Cell::Int(u.items as i64),
                Cell::Int(u.active_days as i64),
                Cell::Time(u.first_activity),
                Cell::Time(u.last_activity),
                Cell::Int(u.days_since_last),
                opt_float(u.avg_gap_days),
                Cell::Int(u.first_half_items as i64),
                Cell::Int(u.second_half_items as i64),
                Cell::Plain(u.status.as_str().into()),
                Cell::Int(u.engagement_rank as i64),
            ]
        },
    )
}

/// Insight 4: one row per fast.
pub fn fast_retention<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.fast_retention;
    Table::new(
        "fast_retention",
        owned(columns::FAST_RETENTION),
        rows.len(),
        move |k| {
            let f = &rows[k];
            vec![
                Cell::Int(f.fast_id),
                Cell::Text(f.fast_name),
                opt_text(f.church_name),
                Cell::Int(f.members_ever as i64),
                Cell::Int(f.active_members as i64),
                Cell::Int(f.left_members as i64),
                Cell::Float(f.retention_rate),
                opt_float(f.median_days_to_leave),
                Cell::Int(f.members_in_other_fasts as i64),
            ]
        },
    )
}

/// Insight 5: one row per metric.
pub fn period_comparison<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.period_comparison.metrics;
    Table::new(
        "period_comparison",
        owned(columns::PERIOD_COMPARISON),
        rows.len(),
        move |k| {
            let m = &rows[k];
            vec![
                Cell::Plain(m.metric.into()),
                Cell::Int(m.current as i64),
                Cell::Int(m.previous as i64),
                Cell::Int(m.change),
                opt_float(m.change_pct),
            ]
        },
    )
}

/// SPEC §11.1: one row per day.
pub fn daily_activity<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.daily_activity;
    Table::new(
        "daily_activity",
        owned(columns::DAILY_ACTIVITY),
        rows.len(),
        move |k| {
            let d = &rows[k];
            let n = |v: u64| Cell::Int(v as i64);
            vec![
                Cell::Date(d.date),
                n(d.new_users),
                n(d.active_users),
                n(d.feed_items),
                n(d.events),
                n(d.app_opens),
                n(d.sessions),
                n(d.screen_views),
                n(d.fast_joins),
                n(d.fast_leaves),
                Cell::Int(d.net_fast_joins),
            ]
        },
    )
}

/// SPEC §11.2 flattened into `metric, value` rows, like `other_metrics`.
pub fn app_usage<'a>(i: &Insights<'_>) -> Table<'a> {
    flattened("app_usage", &i.app_usage)
}

/// SPEC §11.3: one row per fast with calendar days.
pub fn fast_calendar<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.fast_calendar;
    Table::new(
        "fast_calendar",
        owned(columns::FAST_CALENDAR),
        rows.len(),
        move |k| {
            let f = &rows[k];
            vec![
                Cell::Int(f.fast_id),
                Cell::Text(f.fast_name),
                opt_text(f.church_name),
                Cell::Date(f.first_day),
                Cell::Date(f.last_day),
                Cell::Int(i64::from(f.days)),
                Cell::Plain(f.status.as_str().into()),
                Cell::Int(f.participants as i64),
                Cell::Int(f.joins_in_period as i64),
                Cell::Int(f.leaves_in_period as i64),
            ]
        },
    )
}

/// SPEC §11.4: one row per fast and date with joins or leaves.
pub fn fast_daily<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.fast_daily;
    Table::new(
        "fast_daily",
        owned(columns::FAST_DAILY),
        rows.len(),
        move |k| {
            let f = &rows[k];
            vec![
                Cell::Int(f.fast_id),
                Cell::Date(f.date),
                f.day_of_fast.map_or(Cell::Null, Cell::Int),
                Cell::Int(f.joins as i64),
                Cell::Int(f.leaves as i64),
                Cell::Int(f.net),
            ]
        },
    )
}

/// SPEC §11.5: one row per fast with an edition and relative day.
pub fn fast_editions<'a>(i: &'a Insights<'_>) -> Table<'a> {
    let rows = &i.fast_editions;
    Table::new(
        "fast_editions",
        owned(columns::FAST_EDITIONS),
        rows.len(),
        move |k| {
            let f = &rows[k];
            vec![
                Cell::Int(f.fast_id),
                Cell::Int(f.previous_fast_id),
                Cell::Int(f.relative_day),
                Cell::Date(f.date),
                Cell::Int(f.joins as i64),
                Cell::Int(f.cumulative_joins as i64),
                Cell::Date(f.previous_date),
                Cell::Int(f.previous_joins as i64),
                Cell::Int(f.previous_cumulative_joins as i64),
            ]
        },
    )
}

/// The insight data sets as tables, in SPEC §7 then §11 order
/// (`app_usage` flattened).
pub fn insight_tables<'a>(i: &'a Insights<'_>) -> Vec<Table<'a>> {
    vec![
        retention_matrix(i),
        activity_heatmap(i),
        user_engagement(i),
        fast_retention(i),
        period_comparison(i),
        daily_activity(i),
        app_usage(i),
        fast_calendar(i),
        fast_daily(i),
        fast_editions(i),
    ]
}

/// The six tabular data sets (1–6) in SPEC order, then `other_metrics`
/// flattened.
pub fn data_sets<'a>(r: &'a Report<'_>) -> Vec<Table<'a>> {
    vec![
        new_users_over_time(r),
        fasts(r),
        user_activity(r),
        user_activity_timeline(r),
        user_fast_participation(r),
        retention_cohorts(r),
        other_metrics(r),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn other_metrics_flatten_with_typed_values() {
        let data = TestBundle::new()
            .user(1, "2025-01-01 00:00:00+00")
            .event_data(
                "screen_view",
                Some(1),
                r#"{"screen": "=Home"}"#,
                "2025-01-02 10:00:00+00",
            )
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let t = other_metrics(&r);
        let rows: Vec<(String, Cell)> = t
            .rows()
            .map(|mut row| {
                let v = row.pop().unwrap();
                (row.pop().unwrap().to_text(), v)
            })
            .collect();
        let find = |m: &str| rows.iter().find(|(k, _)| k == m).map(|(_, v)| v.clone());
        assert_eq!(find("events_by_type.screen_view"), Some(Cell::Int(1)));
        assert_eq!(find("screen_views.avg_per_user"), Some(Cell::Float(1.0)));
        assert_eq!(
            find("screen_views.top_screens.1.screen"),
            Some(Cell::TextOwned("=Home".into()))
        );
        assert_eq!(
            find("screen_views.daily_timeline.2025-01-02"),
            Some(Cell::Int(1))
        );
        assert_eq!(rows[0].0, "events_by_type.screen_view");
        assert_eq!(t.columns(), ["metric", "value"]);
        assert_eq!(Cell::Float(100.0).to_text(), "100.0");
    }
}
