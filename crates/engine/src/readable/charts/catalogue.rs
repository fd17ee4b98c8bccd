//! The catalogue: each chart of the report, from its data set or insight.

use std::collections::BTreeMap;

use super::layouts::*;
use super::shapes::*;
use super::{Chart, TriangleRow, BAR, GRID_KEYS, SECOND, THIRD};
use crate::insights::words::{busiest, hour_range, WEEKDAYS};
use crate::period::{Date, Period};
use crate::report::Report;

/// The six charts of the seven data sets, in the page's order.
pub fn report_charts(report: &Report<'_>, period: &Period) -> Vec<Chart> {
    vec![
        new_users_per_day(report, period),
        screen_views_per_day(report, period),
        events_by_type(report),
        top_fasts_by_joins(report),
        top_screens(report),
        retention_by_cohort(report),
    ]
}

/// New users on every day of the period (days without any shown as 0).
pub fn new_users_per_day(report: &Report<'_>, period: &Period) -> Chart {
    let by_day: BTreeMap<Date, u64> = report
        .new_users_over_time
        .iter()
        .map(|r| (r.date, r.count))
        .collect();
    daily(
        "new_users_per_day",
        "New users per day",
        "new users",
        &every_day(period, &by_day),
    )
}

/// Screen views on every day of the period.
pub fn screen_views_per_day(report: &Report<'_>, period: &Period) -> Chart {
    daily(
        "screen_views_per_day",
        "Screen views per day",
        "screen views",
        &every_day(period, &report.other_metrics.screen_views.daily_timeline),
    )
}

/// Each day of the period with its value, 0 when absent.
fn every_day(period: &Period, values: &BTreeMap<Date, u64>) -> Vec<(Date, u64)> {
    (0..period.day_count())
        .map(|i| {
            let day = period.day(i);
            (day, values.get(&day).copied().unwrap_or(0))
        })
        .collect()
}

/// Events by type, most frequent first (then by code).
pub fn events_by_type(report: &Report<'_>) -> Chart {
    let mut items: Vec<(String, u64)> = report
        .other_metrics
        .events_by_type
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranking("events_by_type", "Events by type", "events", &items)
}

/// Up to 10 fasts by joins in the period. Each bar carries its fast's id
/// (`data-fast`), so the page can open that fast's view from it. Fasts
/// whose names are the same (a fast of each church) are told apart by
/// their church, or by their id when the church is unknown.
pub fn top_fasts_by_joins(report: &Report<'_>) -> Chart {
    let top = &report.other_metrics.top_fasts_by_joins;
    let shared = |name: &str| top.iter().filter(|f| f.fast == name).count() > 1;
    let items: Vec<(String, u64)> = top
        .iter()
        .map(|f| {
            let label = if shared(&f.fast) {
                let church = report
                    .fasts
                    .iter()
                    .find(|row| row.fast_id == f.fast_id)
                    .and_then(|row| row.church_name);
                match church {
                    Some(church) => format!("{} · {church}", f.fast),
                    None => format!("{} · fast {}", f.fast, f.fast_id),
                }
            } else {
                f.fast.to_string()
            };
            (label, f.joins)
        })
        .collect();
    let mut chart = ranking("top_fasts_by_joins", "Top fasts by joins", "joins", &items);
    let bars = chart
        .svg
        .children
        .iter_mut()
        .filter(|e| e.name == "g" && e.attrs.iter().any(|(n, v)| n == "class" && v == "datum"));
    for (bar, fast) in bars.zip(top) {
        bar.attrs
            .push(("data-fast".to_string(), fast.fast_id.to_string()));
    }
    chart
}

/// Up to 10 screens by views.
pub fn top_screens(report: &Report<'_>) -> Chart {
    let items: Vec<(String, u64)> = report
        .other_metrics
        .screen_views
        .top_screens
        .iter()
        .map(|s| (s.screen.to_string(), s.views))
        .collect();
    ranking("top_screens", "Top screens", "views", &items)
}

/// Retention rate of each weekly cohort (data set 6), oldest first.
pub fn retention_by_cohort(report: &Report<'_>) -> Chart {
    let title = "Retention by cohort";
    let cohorts: Vec<_> = report.retention_cohorts.iter().rev().collect();
    let columns: Vec<Column> = cohorts
        .iter()
        .map(|c| Column {
            label: c.cohort_week.clone(),
            value: c.retention_rate,
            value_text: format!("{:.2}", c.retention_rate),
            title: format!(
                "{} (from {}): {:.2}% active, {} of {} users",
                c.cohort_week, c.cohort_start_date, c.retention_rate, c.active_users, c.total_users
            ),
        })
        .collect();
    let alt = match cohorts.last() {
        None => format!("{title}: no cohorts."),
        Some(c) => format!(
            "Share of each of {} weekly cohorts with activity in the period; the newest, {}, has {:.2}% of its {} users active.",
            cohorts.len(),
            c.cohort_week,
            c.retention_rate,
            c.total_users
        ),
    };
    column_chart(
        "retention_by_cohort",
        title,
        alt,
        &columns,
        Axis {
            max: 100.0,
            step: 25.0,
            suffix: "%",
        },
    )
}

/// The week-N retention triangle (SPEC §7.1): one row per cohort in the
/// given order, one column per week 0…12, coloured by rate; weeks not yet
/// complete have a dashed outline.
pub fn retention_triangle(rows: &[TriangleRow<'_>]) -> Chart {
    let title = "Retention by week since joining";
    let max = rows
        .iter()
        .flat_map(|r| r.weeks.iter().map(|w| w.rate))
        .fold(0.0, f64::max);
    let mut cells = Vec::new();
    for (ri, r) in rows.iter().enumerate() {
        for w in r.weeks.iter().filter(|w| w.week <= 12) {
            let pending = if w.complete {
                ""
            } else {
                " (week not complete)"
            };
            cells.push(GridCell {
                row: ri,
                col: w.week as usize,
                value: w.rate,
                text: Some(format!("{:.0}%", w.rate)),
                label: format!("{} week {}", r.cohort_week, w.week),
                value_text: format!("{:.2}", w.rate),
                title: format!(
                    "{} week {}: {:.2}% ({} of {} users active){pending}",
                    r.cohort_week, w.week, w.rate, w.active, r.users
                ),
                dashed: !w.complete,
            });
        }
    }
    let alt = if rows.is_empty() {
        format!("{title}: no cohorts.")
    } else {
        format!(
            "Share of each of {} weekly cohorts active in each week since joining (weeks 0 to 12), darker for higher rates, up to {:.2}%.",
            rows.len(),
            max
        )
    };
    grid(
        Grid {
            key: GRID_KEYS[0],
            title,
            alt,
            row_labels: rows
                .iter()
                .map(|r| format!("{} · {}", r.cohort_week, r.users))
                .collect(),
            col_labels: (0..=12).map(|w| format!("W{w}")).collect(),
            label_width: 120.0,
            cell_height: 22.0,
            max,
            legend: "% active",
        },
        &cells,
    )
}

/// Activity by local weekday (row 0 = Monday) and hour (SPEC §7.2):
/// `counts[weekday][hour]`, coloured by count; `unit` names what is counted.
pub fn activity_heatmap(counts: &[[u64; 24]; 7], unit: &str) -> Chart {
    let title = "Activity by weekday and hour";
    let mut cells = Vec::new();
    for (d, hours) in counts.iter().enumerate() {
        for (h, &n) in hours.iter().enumerate() {
            let label = format!("{} {}", WEEKDAYS[d], hour_range(h as u8));
            cells.push(GridCell {
                row: d,
                col: h,
                value: n as f64,
                text: None,
                title: format!("{label}: {n} {unit}"),
                label,
                value_text: n.to_string(),
                dashed: false,
            });
        }
    }
    let peak = busiest(
        counts
            .iter()
            .enumerate()
            .flat_map(|(d, hours)| hours.iter().enumerate().map(move |(h, &n)| (d, h, n))),
        |c| c.2,
    );
    let alt = match peak {
        None => format!("{title}: no {unit} in the period."),
        Some((d, h, n)) => format!(
            "{} by local weekday and hour, darker for more; the busiest hour is {} {h:02}:00 with {n}.",
            capitalize(unit),
            WEEKDAYS[d]
        ),
    };
    grid(
        Grid {
            key: GRID_KEYS[1],
            title,
            alt,
            row_labels: WEEKDAYS.iter().map(|d| d.to_string()).collect(),
            col_labels: (0..24)
                .map(|h| {
                    if h % 3 == 0 {
                        h.to_string()
                    } else {
                        String::new()
                    }
                })
                .collect(),
            label_width: 40.0,
            cell_height: 22.0,
            max: peak.map_or(0.0, |b| b.2 as f64),
            legend: unit,
        },
        &cells,
    )
}

/// Events, feed items and active users on every day of the period
/// (`daily_activity`).
pub fn daily_activity(rows: &[crate::insights::DailyActivityRow]) -> Chart {
    let labels: Vec<String> = rows.iter().map(|r| r.date.to_string()).collect();
    let total = |f: fn(&crate::insights::DailyActivityRow) -> u64| rows.iter().map(f).sum::<u64>();
    let alt = match (rows.first(), rows.last()) {
        (Some(a), Some(b)) => format!(
            "Events, feed items and active users per day from {} to {}: {} events and {} feed items in all.",
            a.date,
            b.date,
            total(|r| r.events),
            total(|r| r.feed_items)
        ),
        _ => "Daily activity: no days.".to_string(),
    };
    line_chart(
        "daily_activity",
        "Daily activity",
        alt,
        &labels,
        &[
            Series {
                name: "events",
                colour: BAR,
                dash: None,
                values: rows.iter().map(|r| r.events).collect(),
            },
            Series {
                name: "feed items",
                colour: SECOND,
                dash: Some("6 3"),
                values: rows.iter().map(|r| r.feed_items).collect(),
            },
            Series {
                name: "active users",
                colour: THIRD,
                dash: Some("2 2"),
                values: rows.iter().map(|r| r.active_users).collect(),
            },
        ],
    )
}

/// App opens in each local hour of the day (`app_usage.opens_by_hour`).
pub fn opens_by_hour(usage: &crate::insights::AppUsage<'_>) -> Chart {
    let columns: Vec<Column> = usage
        .opens_by_hour
        .iter()
        .map(|h| Column {
            label: format!("{:02}", h.hour),
            value: h.opens as f64,
            value_text: h.opens.to_string(),
            title: format!("{} — app opens: {}", hour_range(h.hour), h.opens),
        })
        .collect();
    let alt = match busiest(&usage.opens_by_hour, |h| h.opens) {
        Some(b) if usage.app_opens > 0 => format!(
            "App opens by local hour: {} in all, most at {} with {}.",
            usage.app_opens,
            hour_range(b.hour),
            b.opens
        ),
        _ => "App opens by local hour: none in the period.".to_string(),
    };
    let axis = count_axis(
        usage
            .opens_by_hour
            .iter()
            .map(|h| h.opens)
            .max()
            .unwrap_or(0),
    );
    column_chart("opens_by_hour", "App opens by hour", alt, &columns, axis)
}

/// App opens by platform (`app_usage.platforms`).
pub fn platforms(usage: &crate::insights::AppUsage<'_>) -> Chart {
    let items: Vec<(String, u64)> = usage
        .platforms
        .iter()
        .map(|p| (p.platform.to_string(), p.opens))
        .collect();
    ranking("platforms", "App opens by platform", "opens", &items)
}

/// App opens by app version (`app_usage.app_versions`).
pub fn app_versions(usage: &crate::insights::AppUsage<'_>) -> Chart {
    let items: Vec<(String, u64)> = usage
        .app_versions
        .iter()
        .map(|p| (p.app_version.to_string(), p.opens))
        .collect();
    ranking("app_versions", "App opens by version", "opens", &items)
}

/// A fast's sign-ups so far against its previous edition's at the same
/// relative day (its rows of `fast_editions`, in order).
pub fn fast_edition(name: &str, rows: &[crate::insights::FastEditionRow]) -> Chart {
    let labels: Vec<String> = rows
        .iter()
        .map(|r| format!("day {}", r.relative_day))
        .collect();
    let (key, alt) = match rows.last() {
        Some(last) => (
            format!("fast_editions_{}", last.fast_id),
            format!(
                "{name}: {} sign-ups by day {} ({}) against {} for the previous edition (fast {}) at the same point ({}).",
                last.cumulative_joins,
                last.relative_day,
                last.date,
                last.previous_cumulative_joins,
                last.previous_fast_id,
                last.previous_date
            ),
        ),
        None => ("fast_editions".to_string(), format!("{name}: no days.")),
    };
    line_chart(
        &key,
        &format!("{name}: this year against last year"),
        alt,
        &labels,
        &[
            Series {
                name: "this year",
                colour: BAR,
                dash: None,
                values: rows.iter().map(|r| r.cumulative_joins).collect(),
            },
            Series {
                name: "last year",
                colour: SECOND,
                dash: Some("6 3"),
                values: rows.iter().map(|r| r.previous_cumulative_joins).collect(),
            },
        ],
    )
}
