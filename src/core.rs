//! The worker's pure part: turning a computed report into the page's
//! summary and tables, and answering sorted, filtered, paged queries. No
//! browser API here, so it is tested natively.

use std::cmp::Ordering;

use engagement_engine::export::columns;
use engagement_engine::load::Loaded;
use engagement_engine::period::{date_in, Date, Period};
use engagement_engine::report::Report;
use engagement_engine::timestamp::Timestamp;

use crate::protocol::{Cell, LoadSummary, PageQuery, PageReply, ReportSummary, Series};

/// One data set as rows of cells.
#[derive(Clone, Debug, Default)]
pub struct DataTable {
    /// Data set name.
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// The six tabular data sets of a report, plus a cached row order of the
/// last query per table so that paging through a sorted, filtered table
/// costs only the page.
#[derive(Debug, Default)]
pub struct TableStore {
    tables: Vec<DataTable>,
    cache: Vec<Option<(PageQuery, Vec<u32>)>>,
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, text)
}

fn ts(t: Timestamp) -> Cell {
    Cell::Text(t.to_rfc3339())
}

fn int(n: u64) -> Cell {
    Cell::Int(n as i64)
}

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

impl TableStore {
    /// Builds the tables of data sets 1–6 from a report.
    pub fn from_report(report: &Report<'_>) -> TableStore {
        let mut tables = Vec::with_capacity(6);
        tables.push(DataTable {
            name: "new_users_over_time".into(),
            columns: cols(columns::NEW_USERS_OVER_TIME),
            rows: report
                .new_users_over_time
                .iter()
                .map(|r| vec![Cell::Text(r.date.to_string()), int(r.count)])
                .collect(),
        });
        tables.push(DataTable {
            name: "fasts".into(),
            columns: cols(columns::FASTS),
            rows: report
                .fasts
                .iter()
                .map(|r| {
                    vec![
                        Cell::Int(r.fast_id),
                        text(r.fast_name),
                        opt_text(r.church_name),
                        int(r.participants),
                        int(r.joins_in_period),
                        int(r.leaves_in_period),
                    ]
                })
                .collect(),
        });
        let mut types: Vec<&str> = report
            .user_activity
            .iter()
            .flat_map(|r| r.by_type.keys().copied())
            .collect();
        types.sort_unstable();
        types.dedup();
        let mut ua_cols = cols(columns::USER_ACTIVITY);
        ua_cols.extend(types.iter().map(|t| format!("type_{t}")));
        tables.push(DataTable {
            name: "user_activity".into(),
            columns: ua_cols,
            rows: report
                .user_activity
                .iter()
                .map(|r| {
                    let mut row = vec![
                        Cell::Int(r.user_id),
                        text(r.username),
                        text(r.email),
                        ts(r.date_joined),
                        int(r.total_items),
                    ];
                    row.extend(
                        types
                            .iter()
                            .map(|t| int(r.by_type.get(t).copied().unwrap_or(0))),
                    );
                    row
                })
                .collect(),
        });
        tables.push(DataTable {
            name: "user_activity_timeline".into(),
            columns: cols(columns::USER_ACTIVITY_TIMELINE),
            rows: report
                .user_activity_timeline
                .iter()
                .map(|r| {
                    vec![
                        Cell::Int(r.user_id),
                        text(r.username),
                        text(r.activity_type),
                        ts(r.timestamp),
                        opt_text(r.title),
                        opt_text(r.description),
                        opt_text(r.target_type),
                        r.target_id.map_or(Cell::Null, Cell::Int),
                    ]
                })
                .collect(),
        });
        tables.push(DataTable {
            name: "user_fast_participation".into(),
            columns: cols(columns::USER_FAST_PARTICIPATION),
            rows: report
                .user_fast_participation
                .iter()
                .map(|r| {
                    vec![
                        Cell::Int(r.user_id),
                        text(r.username),
                        text(r.email),
                        Cell::Int(r.fast_id),
                        text(r.fast_name),
                        opt_text(r.church_name),
                        r.joined_at.map_or(Cell::Null, ts),
                        r.left_at.map_or(Cell::Null, ts),
                        text(r.status.as_str()),
                    ]
                })
                .collect(),
        });
        tables.push(DataTable {
            name: "retention_cohorts".into(),
            columns: cols(columns::RETENTION_COHORTS),
            rows: report
                .retention_cohorts
                .iter()
                .map(|r| {
                    vec![
                        text(&r.cohort_week),
                        Cell::Text(r.cohort_start_date.to_string()),
                        int(r.total_users),
                        int(r.active_users),
                        Cell::Num(r.retention_rate),
                        Cell::Num(r.avg_activities_per_user),
                        Cell::Int(r.cohort_age_weeks),
                    ]
                })
                .collect(),
        });
        let cache = vec![None; tables.len()];
        TableStore { tables, cache }
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
            .map(|&i| table.rows[i as usize].clone())
            .collect();
        PageReply {
            id,
            view: String::new(),
            table: table.name.clone(),
            total: table.rows.len() as u64,
            matched: order.len() as u64,
            page,
            rows,
        }
    }
}

fn cmp_cells(a: &Cell, b: &Cell) -> Ordering {
    use Cell::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Int(x), Int(y)) => x.cmp(y),
        (Int(x), Num(y)) => (*x as f64).total_cmp(y),
        (Num(x), Int(y)) => x.total_cmp(&(*y as f64)),
        (Num(x), Num(y)) => x.total_cmp(y),
        (Text(x), Text(y)) => x.cmp(y),
        (Text(_), _) => Ordering::Greater,
        (_, Text(_)) => Ordering::Less,
    }
}

fn cell_contains(cell: &Cell, needle_lower: &str) -> bool {
    match cell {
        Cell::Null => false,
        Cell::Text(t) => {
            if t.is_ascii() && needle_lower.is_ascii() {
                t.as_bytes()
                    .windows(needle_lower.len())
                    .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
            } else {
                t.to_lowercase().contains(needle_lower)
            }
        }
        other => other.display().contains(needle_lower),
    }
}

/// Indices of the rows matching the query's filter and user, in its order.
fn order_rows(table: &DataTable, q: &PageQuery) -> Vec<u32> {
    let needle = q.filter.trim().to_lowercase();
    let user_col = table.columns.iter().position(|c| c == "user_id");
    let mut order: Vec<u32> = (0..table.rows.len() as u32)
        .filter(|&i| {
            let row = &table.rows[i as usize];
            if let (Some(uid), Some(c)) = (q.user_id, user_col) {
                if row[c] != Cell::Int(uid) {
                    return false;
                }
            }
            needle.is_empty() || row.iter().any(|c| cell_contains(c, &needle))
        })
        .collect();
    if let Some((col, desc)) = q.sort {
        if col < table.columns.len() {
            order.sort_by(|&a, &b| {
                let o = cmp_cells(&table.rows[a as usize][col], &table.rows[b as usize][col]);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
    }
    order
}

fn days(d: Date) -> i64 {
    use chrono::Datelike;
    engagement_engine::timestamp::days_from_civil(d.year(), d.month(), d.day())
}

/// `YYYY-MM-DD` of a day number since 1970-01-01.
pub fn date_text(day: i64) -> String {
    let (y, m, d) = engagement_engine::timestamp::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Day number since 1970-01-01 of a `YYYY-MM-DD` text.
pub fn day_number(text: &str) -> Option<i64> {
    let d = engagement_engine::period::parse_date("date", text).ok()?;
    Some(days(d))
}

/// A series with one entry per day of the period, 0 where `values` has none.
fn daily(period: &Period, values: impl Iterator<Item = (Date, u64)>) -> Series {
    let first = days(period.start());
    let n = period.day_count();
    let mut out = vec![0.0; n];
    for (d, v) in values {
        let i = days(d) - first;
        if (0..n as i64).contains(&i) {
            out[i as usize] += v as f64;
        }
    }
    Series {
        labels: (0..n as i64).map(|i| date_text(first + i)).collect(),
        values: out,
    }
}

/// The page's figures and chart data of a report.
pub fn summarize(report: &Report<'_>, period: &Period, tables: &TableStore) -> ReportSummary {
    let om = &report.other_metrics;
    let newest_full = report
        .retention_cohorts
        .iter()
        .find(|c| c.cohort_age_weeks >= 1)
        .map(|c| {
            (
                c.cohort_week.clone(),
                c.retention_rate,
                c.active_users,
                c.total_users,
            )
        });
    let mut cohorts: Vec<_> = report.retention_cohorts.iter().collect();
    cohorts.reverse();
    ReportSummary {
        range: (
            report.range.start.clone(),
            report.range.end.clone(),
            report.range.timezone.clone(),
        ),
        new_users: report.new_users_over_time.iter().map(|r| r.count).sum(),
        active_users: om.active_users,
        events: om.events_by_type.values().sum(),
        screen_views: om.screen_views.total,
        newest_full_cohort: newest_full,
        new_users_daily: daily(
            period,
            report.new_users_over_time.iter().map(|r| (r.date, r.count)),
        ),
        screen_views_daily: daily(
            period,
            om.screen_views.daily_timeline.iter().map(|(d, v)| (*d, *v)),
        ),
        events_by_type: Series {
            labels: om.events_by_type.keys().map(|k| k.to_string()).collect(),
            values: om.events_by_type.values().map(|&v| v as f64).collect(),
        },
        top_fasts: Series {
            labels: om
                .top_fasts_by_joins
                .iter()
                .map(|f| f.fast.to_string())
                .collect(),
            values: om
                .top_fasts_by_joins
                .iter()
                .map(|f| f.joins as f64)
                .collect(),
        },
        top_screens: Series {
            labels: om
                .screen_views
                .top_screens
                .iter()
                .map(|s| s.screen.to_string())
                .collect(),
            values: om
                .screen_views
                .top_screens
                .iter()
                .map(|s| s.views as f64)
                .collect(),
        },
        retention: Series {
            labels: cohorts.iter().map(|c| c.cohort_week.clone()).collect(),
            values: cohorts.iter().map(|c| c.retention_rate).collect(),
        },
        cohort_sizes: cohorts.iter().map(|c| c.total_users).collect(),
        other_metrics_json: serde_json::to_string_pretty(om).unwrap_or_default(),
        tables: tables
            .tables()
            .iter()
            .map(|t| (t.name.clone(), t.columns.clone(), t.rows.len() as u64))
            .collect(),
        zip_name: engagement_engine::export::zip_name(period),
        millis: 0.0,
        memory_bytes: 0,
    }
}

/// What loading found, in the requested zone; `today` decides the default
/// end date (the data's last day when today is past the data).
pub fn load_summary(loaded: &Loaded, source: &str, tz: &str, today: Timestamp) -> LoadSummary {
    let zone = engagement_engine::period::parse_time_zone(tz).unwrap_or(chrono_tz::Tz::UTC);
    let extent = loaded
        .dataset
        .time_extent()
        .map(|(a, b)| (date_in(zone, a), date_in(zone, b)));
    let today = date_in(zone, today);
    let default_end = match extent {
        Some((_, last)) if today > last => last,
        _ => today,
    };
    LoadSummary {
        source: source.to_string(),
        tables: loaded
            .counts
            .0
            .iter()
            .map(|(t, n)| (t.label().to_string(), t.file_name().to_string(), *n))
            .collect(),
        extent: extent.map(|(a, b)| (a.to_string(), b.to_string())),
        warnings: loaded
            .warnings
            .iter()
            .map(|w| (w.count, w.to_string()))
            .collect(),
        default_end: default_end.to_string(),
        millis: 0.0,
        memory_bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engagement_engine::demo::{csv_tables, DemoConfig};
    use engagement_engine::load::{Bundle, Limits};
    use engagement_engine::metrics;

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
        assert_eq!(summary.new_users_daily.labels.len(), period.day_count());
        assert_eq!(
            summary.new_users_daily.values.iter().sum::<f64>() as u64,
            summary.new_users
        );
        let ls = load_summary(&loaded, "demo", "UTC", Timestamp(4_000_000_000_000_000));
        assert_eq!(ls.default_end, "2025-06-30");
        assert!(!ls.warnings.is_empty());
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(date_text(day_number("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(day_number("2024-13-01"), None);
    }
}
