//! Every chart of the report, drawn as an SVG tree ([`Element`]) from the
//! report's data, so the page and `report.html` show the same charts.
//!
//! Each bar, column and grid cell is a `<g class="datum" tabindex="0">`
//! with `data-label`, `data-value` and a `<title>` holding its exact label
//! and value. Colours stay distinct when printed in grey.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::svg::{coord, Element};
use crate::period::{Date, Period};
use crate::report::Report;

/// Width of every chart's view box; heights vary.
pub const WIDTH: f64 = 560.0;
/// Fill of bars and columns: mid blue, a mid grey on paper.
pub const BAR: &str = "#6a9fd4";
/// The sequential scale of the grids, lightest (lowest) first: 7 steps of
/// ColorBrewer "Blues", distinct in grey scale.
pub const SCALE: [&str; 7] = [
    "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
];
/// Steps of [`SCALE`] from this one up are dark enough for white text
/// (4.5:1 or more); lighter ones take dark text (#4292c6 gives white only
/// 3.4:1, dark text 4.7:1).
pub const DARK_FROM: usize = 5;
const INK: &str = "#222222";
const MUTED: &str = "#555555";
const GRID: &str = "#d9d9d9";
/// Weekday names of the activity heatmap, ISO order (SPEC §7.2).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The keys of the charts drawn as colour-scaled grids (the retention
/// triangle and the activity heatmap): wide, so never put side by side.
pub const GRID_KEYS: [&str; 2] = ["retention_triangle", "activity_heatmap"];

/// A drawn chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable identifier, e.g. `new_users_per_day`.
    pub key: String,
    /// Title, shown above the chart.
    pub title: String,
    /// One sentence saying what the chart shows (its text alternative).
    pub alt: String,
    /// The `<svg>` element.
    pub svg: Element,
}

impl Chart {
    /// Whether the chart is a colour-scaled grid ([`GRID_KEYS`]).
    pub fn is_grid(&self) -> bool {
        GRID_KEYS.contains(&self.key.as_str())
    }
}

/// One week of a cohort in the retention triangle: the insight's own row.
pub use crate::insights::WeekRetention as TriangleWeek;

/// One cohort row of the retention triangle.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleRow<'a> {
    /// ISO week label `YYYY-Www`.
    pub cohort_week: &'a str,
    /// Users in the cohort.
    pub users: u64,
    /// Listed weeks (unlisted weeks are left blank).
    pub weeks: &'a [TriangleWeek],
}

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

/// Up to 10 fasts by joins in the period.
pub fn top_fasts_by_joins(report: &Report<'_>) -> Chart {
    let items: Vec<(String, u64)> = report
        .other_metrics
        .top_fasts_by_joins
        .iter()
        .map(|f| (f.fast.to_string(), f.joins))
        .collect();
    ranking("top_fasts_by_joins", "Top fasts by joins", "joins", &items)
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
    let mut busiest: Option<(usize, usize, u64)> = None;
    for (d, hours) in counts.iter().enumerate() {
        for (h, &n) in hours.iter().enumerate() {
            if n > busiest.map_or(0, |b| b.2) {
                busiest = Some((d, h, n));
            }
            let label = format!("{} {h:02}:00–{:02}:00", WEEKDAYS[d], (h + 1) % 24);
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
    let alt = match busiest {
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
            max: busiest.map_or(0.0, |b| b.2 as f64),
            legend: unit,
        },
        &cells,
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Shapes shared by the charts.

/// The chart's root element.
fn root(title: &str, height: f64) -> Element {
    Element::new("svg")
        .attr("viewBox", format!("0 0 {} {}", coord(WIDTH), coord(height)))
        .attr("width", "100%")
        .attr("role", "group")
        .attr("aria-label", title)
        .attr("font-family", "sans-serif")
        .attr("font-size", "13")
        .attr("fill", INK)
}

/// One focusable datum: its `<title>`, data attributes and shapes.
fn datum(label: &str, value: &str, title: String, shapes: Vec<Element>) -> Element {
    Element::new("g")
        .attr("class", "datum")
        .attr("tabindex", "0")
        .attr("data-label", label)
        .attr("data-value", value)
        .child(Element::new("title").text(title))
        .children(shapes)
}

fn rect(x: f64, y: f64, w: f64, h: f64, fill: &str) -> Element {
    Element::new("rect")
        .num("x", x)
        .num("y", y)
        .num("width", w.max(0.0))
        .num("height", h.max(0.0))
        .attr("fill", fill)
}

/// An invisible rectangle that catches the pointer over a whole slot, so
/// that a zero-height column can still be hovered.
fn hit(x: f64, y: f64, w: f64, h: f64) -> Element {
    rect(x, y, w, h, "#ffffff").attr("fill-opacity", "0")
}

fn text(x: f64, y: f64, anchor: &str, content: impl Into<String>) -> Element {
    Element::new("text")
        .num("x", x)
        .num("y", y)
        .attr("text-anchor", anchor)
        .text(content)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Element {
    Element::new("line")
        .num("x1", x1)
        .num("y1", y1)
        .num("x2", x2)
        .num("y2", y2)
        .attr("stroke", stroke)
}

/// `label` cut to `max` characters, with `…` when cut.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// A value axis: from 0 to `max` in steps of `step`.
struct Axis {
    max: f64,
    step: f64,
    suffix: &'static str,
}

/// A round axis for counts up to `max`: a step of 1, 2 or 5 × 10ⁿ and at
/// most 5 steps.
fn count_axis(max: u64) -> Axis {
    let max = max.max(1);
    let mut base = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = m * base;
            if max.div_ceil(step) <= 5 {
                return Axis {
                    max: (max.div_ceil(step) * step) as f64,
                    step: step as f64,
                    suffix: "",
                };
            }
        }
        base = base.saturating_mul(10);
    }
}

/// One column of a column chart.
struct Column {
    label: String,
    value: f64,
    value_text: String,
    title: String,
}

/// Daily counts as columns, one per day.
fn daily(key: &str, title: &str, unit: &str, days: &[(Date, u64)]) -> Chart {
    let columns: Vec<Column> = days
        .iter()
        .map(|(d, n)| Column {
            label: d.to_string(),
            value: *n as f64,
            value_text: n.to_string(),
            title: format!("{d} — {unit}: {n}"),
        })
        .collect();
    let total: u64 = days.iter().map(|d| d.1).sum();
    // Earliest day on a tie.
    let peak = days
        .iter()
        .fold(None::<&(Date, u64)>, |best, d| match best {
            Some(b) if b.1 >= d.1 => Some(b),
            _ => Some(d),
        });
    let alt = match (days.first(), days.last(), peak) {
        (Some(a), Some(b), Some(p)) if total > 0 => format!(
            "{} per day from {} to {}: {total} in total, most on {} with {}.",
            capitalize(unit),
            a.0,
            b.0,
            p.0,
            p.1
        ),
        (Some(a), Some(b), _) => format!(
            "{} per day from {} to {}: none in the period.",
            capitalize(unit),
            a.0,
            b.0
        ),
        _ => format!("{title}: no days."),
    };
    let axis = count_axis(days.iter().map(|d| d.1).max().unwrap_or(0));
    column_chart(key, title, alt, &columns, axis)
}

/// Vertical columns over a value axis, labels under every few columns.
fn column_chart(key: &str, title: &str, alt: String, columns: &[Column], axis: Axis) -> Chart {
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 10.0;
    const PLOT_H: f64 = 200.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let height = TOP + PLOT_H + 30.0;
    let y_of = |v: f64| TOP + PLOT_H - (v / axis.max).clamp(0.0, 1.0) * PLOT_H;
    let mut svg = root(title, height);
    // Grid lines and value labels.
    let mut tick = 0.0;
    while tick <= axis.max + 1e-9 {
        let y = y_of(tick);
        svg = svg.child(line(LEFT, y, WIDTH - RIGHT, y, GRID)).child(
            text(LEFT - 6.0, y + 4.0, "end", format!("{tick}{}", axis.suffix)).attr("fill", MUTED),
        );
        tick += axis.step;
    }
    let n = columns.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.8).max(0.5);
    // Labels every few columns so that they never overlap (about 84 units
    // for a date).
    let every = (columns.len() as f64 / (plot_w / 84.0)).ceil().max(1.0) as usize;
    let mut data = Element::new("g");
    let mut labels = Element::new("g").attr("fill", MUTED);
    let mut placed = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let x = LEFT + i as f64 * slot;
        let y = y_of(c.value);
        data = data.child(datum(
            &c.label,
            &c.value_text,
            c.title.clone(),
            vec![
                hit(x, TOP, slot, PLOT_H),
                rect(x + (slot - bar_w) / 2.0, y, bar_w, TOP + PLOT_H - y, BAR),
            ],
        ));
        if i % every == 0 {
            placed.push((axis_label_place(x + slot / 2.0, &c.label), &c.label));
        }
    }
    // From the right: a label pulled inside the right edge (the period's
    // last day) is kept, and one before it that it would run into is left
    // out.
    let mut kept = Vec::new();
    let mut next_left = f64::INFINITY;
    for ((at, anchor, left, right), label) in placed.into_iter().rev() {
        if right + 4.0 <= next_left {
            kept.push(text(at, TOP + PLOT_H + 16.0, anchor, label));
            next_left = left;
        }
    }
    labels = labels.children(kept.into_iter().rev());
    svg = svg
        .child(data)
        .child(line(LEFT, TOP + PLOT_H, WIDTH - RIGHT, TOP + PLOT_H, MUTED))
        .child(labels);
    if columns.is_empty() {
        svg = svg.child(text(
            LEFT + plot_w / 2.0,
            TOP + PLOT_H / 2.0,
            "middle",
            "None in the period.",
        ));
    }
    Chart {
        key: key.to_string(),
        title: title.to_string(),
        alt,
        svg,
    }
}

/// Where an axis label centred on `centre` is drawn: centred, or pulled
/// inside the view box when it would be cut at an edge (the last date of
/// a period ends at the chart's right edge). Returns the anchor point, the
/// `text-anchor` and the label's estimated left and right edges.
fn axis_label_place(centre: f64, label: &str) -> (f64, &'static str, f64, f64) {
    // Digits of a 13-unit sans-serif font are about 0.64 em wide (DejaVu
    // Sans, the widest common default); an estimate on the safe side.
    let width = label.chars().count() as f64 * 8.3;
    let half = width / 2.0;
    if centre + half > WIDTH - 1.0 {
        (WIDTH - 1.0, "end", WIDTH - 1.0 - width, WIDTH - 1.0)
    } else if centre - half < 1.0 {
        (1.0, "start", 1.0, 1.0 + width)
    } else {
        (centre, "middle", centre - half, centre + half)
    }
}

/// Horizontal bars, one row per item, in the given order, with the value at
/// the end of each bar.
fn ranking(key: &str, title: &str, unit: &str, items: &[(String, u64)]) -> Chart {
    const LABEL_W: f64 = 190.0;
    const VALUE_W: f64 = 56.0;
    const ROW_H: f64 = 22.0;
    const TOP: f64 = 4.0;
    let bar_max = WIDTH - LABEL_W - 8.0 - VALUE_W;
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1) as f64;
    let height = TOP + ROW_H * items.len().max(1) as f64 + 4.0;
    let mut svg = root(title, height);
    for (i, (label, n)) in items.iter().enumerate() {
        let y = TOP + i as f64 * ROW_H;
        let w = *n as f64 / max * bar_max;
        svg = svg.child(datum(
            label,
            &n.to_string(),
            format!("{label} — {unit}: {n}"),
            vec![
                hit(0.0, y, WIDTH, ROW_H),
                text(LABEL_W - 6.0, y + 15.0, "end", short(label, 26)),
                rect(LABEL_W, y + 3.0, w, ROW_H - 6.0, BAR),
                text(LABEL_W + w + 4.0, y + 15.0, "start", n.to_string()),
            ],
        ));
    }
    if items.is_empty() {
        svg = svg.child(text(
            WIDTH / 2.0,
            TOP + 15.0,
            "middle",
            "None in the period.",
        ));
    }
    let alt = match items.first() {
        None => format!("{title}: none in the period."),
        Some((label, n)) => format!(
            "{title}: {} {}, the first being {label} with {n} {unit}.",
            items.len(),
            if items.len() == 1 { "entry" } else { "entries" }
        ),
    };
    Chart {
        key: key.to_string(),
        title: title.to_string(),
        alt,
        svg,
    }
}

/// One cell of a colour-scaled grid.
struct GridCell {
    row: usize,
    col: usize,
    value: f64,
    text: Option<String>,
    label: String,
    value_text: String,
    title: String,
    dashed: bool,
}

/// The frame of a colour-scaled grid.
struct Grid<'a> {
    key: &'a str,
    title: &'a str,
    alt: String,
    row_labels: Vec<String>,
    col_labels: Vec<String>,
    label_width: f64,
    cell_height: f64,
    max: f64,
    legend: &'a str,
}

/// The scale step of `value` in 0…`max`: 0 only for 0, so an empty cell
/// never looks like a small one.
pub fn scale_step(value: f64, max: f64) -> usize {
    if value <= 0.0 || max <= 0.0 {
        0
    } else {
        1 + ((value / max).min(1.0) * (SCALE.len() - 2) as f64).round() as usize
    }
}

fn grid(g: Grid<'_>, cells: &[GridCell]) -> Chart {
    const HEAD: f64 = 18.0;
    let cell_w = (WIDTH - g.label_width) / g.col_labels.len().max(1) as f64;
    let rows_h = g.cell_height * g.row_labels.len() as f64;
    let legend_y = HEAD + rows_h + 10.0;
    let height = legend_y + 26.0;
    let mut svg = root(g.title, height);
    let mut head = Element::new("g").attr("fill", MUTED);
    for (c, label) in g.col_labels.iter().enumerate() {
        if !label.is_empty() {
            head = head.child(text(
                g.label_width + (c as f64 + 0.5) * cell_w,
                HEAD - 6.0,
                "middle",
                label,
            ));
        }
    }
    for (r, label) in g.row_labels.iter().enumerate() {
        head = head.child(text(
            g.label_width - 6.0,
            HEAD + r as f64 * g.cell_height + g.cell_height / 2.0 + 4.0,
            "end",
            label,
        ));
    }
    svg = svg.child(head);
    let mut data = Element::new("g");
    for c in cells {
        let x = g.label_width + c.col as f64 * cell_w;
        let y = HEAD + c.row as f64 * g.cell_height;
        let step = scale_step(c.value, g.max);
        let mut cell = rect(
            x + 1.0,
            y + 1.0,
            cell_w - 2.0,
            g.cell_height - 2.0,
            SCALE[step],
        );
        if c.dashed {
            cell = cell.attr("stroke", MUTED).attr("stroke-dasharray", "3 2");
        }
        let mut shapes = vec![cell];
        if let Some(t) = &c.text {
            shapes.push(
                text(x + cell_w / 2.0, y + g.cell_height / 2.0 + 4.0, "middle", t)
                    .attr("font-size", "10")
                    .attr("fill", if step >= DARK_FROM { "#ffffff" } else { INK }),
            );
        }
        data = data.child(datum(&c.label, &c.value_text, c.title.clone(), shapes));
    }
    svg = svg.child(data);
    // Legend: the scale from 0 to the largest value.
    let mut legend = Element::new("g").attr("fill", MUTED);
    let swatch = 24.0;
    let x0 = g.label_width + 30.0;
    legend = legend.child(text(x0 - 6.0, legend_y + 10.0, "end", "0"));
    for (i, colour) in SCALE.iter().enumerate() {
        legend = legend.child(
            rect(x0 + i as f64 * swatch, legend_y, swatch, 12.0, colour).attr("stroke", GRID),
        );
    }
    let max_text = if g.max.fract() == 0.0 {
        format!("{}", g.max as u64)
    } else {
        format!("{:.2}", g.max)
    };
    legend = legend.child(text(
        x0 + SCALE.len() as f64 * swatch + 6.0,
        legend_y + 10.0,
        "start",
        format!("{max_text} {}", g.legend),
    ));
    svg = svg.child(legend);
    Chart {
        key: g.key.to_string(),
        title: g.title.to_string(),
        alt: g.alt,
        svg,
    }
}

// ---------------------------------------------------------------------------
// Fasts and app usage (SPEC §11).

/// Second series colour: dark orange, darker than [`BAR`] in grey.
pub const SECOND: &str = "#d95f02";
/// Third series colour: dark grey, dashed.
pub const THIRD: &str = "#555555";

/// One line of a line chart: its name, colour, dash pattern and one value
/// per x position.
pub struct Series<'a> {
    /// Shown in the legend and in each point's title.
    pub name: &'a str,
    /// Stroke colour.
    pub colour: &'a str,
    /// `stroke-dasharray`, or `None` for a solid line (lines stay apart in
    /// grey print).
    pub dash: Option<&'a str>,
    /// One value per x label.
    pub values: Vec<u64>,
}

/// Lines over the same x labels (dates, relative days), each point a
/// focusable datum with its exact value, and a legend.
pub fn line_chart(
    key: &str,
    title: &str,
    alt: String,
    labels: &[String],
    series: &[Series<'_>],
) -> Chart {
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 26.0;
    const PLOT_H: f64 = 200.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let height = TOP + PLOT_H + 30.0;
    let axis = count_axis(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0),
    );
    let y_of = |v: f64| TOP + PLOT_H - (v / axis.max).clamp(0.0, 1.0) * PLOT_H;
    let n = labels.len().max(1);
    let slot = plot_w / n as f64;
    let x_of = |i: usize| LEFT + (i as f64 + 0.5) * slot;
    let mut svg = root(title, height);
    let mut tick = 0.0;
    while tick <= axis.max + 1e-9 {
        let y = y_of(tick);
        svg = svg
            .child(line(LEFT, y, WIDTH - RIGHT, y, GRID))
            .child(text(LEFT - 6.0, y + 4.0, "end", format!("{tick}")).attr("fill", MUTED));
        tick += axis.step;
    }
    // Legend above the plot.
    let mut x = LEFT;
    for s in series {
        let mut mark = line(x, 12.0, x + 18.0, 12.0, s.colour).attr("stroke-width", "2.5");
        if let Some(d) = s.dash {
            mark = mark.attr("stroke-dasharray", d);
        }
        svg = svg.child(mark).child(text(x + 22.0, 16.0, "start", s.name));
        x += 30.0 + s.name.chars().count() as f64 * 7.5;
    }
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{},{}", coord(x_of(i)), coord(y_of(v as f64))))
            .collect();
        let mut path = Element::new("polyline")
            .attr("points", points.join(" "))
            .attr("fill", "none")
            .attr("stroke", s.colour)
            .attr("stroke-width", "2");
        if let Some(d) = s.dash {
            path = path.attr("stroke-dasharray", d);
        }
        svg = svg.child(path);
    }
    // One datum per x position holding every series' value there.
    let mut data = Element::new("g");
    for (i, label) in labels.iter().enumerate() {
        let values: Vec<String> = series
            .iter()
            .map(|s| format!("{}: {}", s.name, s.values.get(i).copied().unwrap_or(0)))
            .collect();
        let mut shapes = vec![hit(LEFT + i as f64 * slot, TOP, slot, PLOT_H)];
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0) as f64;
            shapes.push(
                Element::new("circle")
                    .num("cx", x_of(i))
                    .num("cy", y_of(v))
                    .num("r", if labels.len() > 60 { 1.2 } else { 2.5 })
                    .attr("fill", s.colour),
            );
        }
        data = data.child(datum(
            label,
            &values.join("; "),
            format!("{label} — {}", values.join(", ")),
            shapes,
        ));
    }
    svg = svg
        .child(data)
        .child(line(LEFT, TOP + PLOT_H, WIDTH - RIGHT, TOP + PLOT_H, MUTED));
    // X labels: first, last and a few between.
    let every = (labels.len() as f64 / (plot_w / 84.0)).ceil().max(1.0) as usize;
    let mut placed: Vec<Element> = Vec::new();
    let mut next_left = f64::INFINITY;
    for i in (0..labels.len())
        .rev()
        .filter(|i| i % every == 0 || *i + 1 == labels.len())
    {
        let (at, anchor, left, right) = axis_label_place(x_of(i), &labels[i]);
        if right + 4.0 <= next_left {
            placed
                .push(text(at, TOP + PLOT_H + 16.0, anchor, labels[i].clone()).attr("fill", MUTED));
            next_left = left;
        }
    }
    svg = svg.child(Element::new("g").children(placed.into_iter().rev()));
    if labels.is_empty() {
        svg = svg.child(text(
            LEFT + plot_w / 2.0,
            TOP + PLOT_H / 2.0,
            "middle",
            "None in the period.",
        ));
    }
    Chart {
        key: key.to_string(),
        title: title.to_string(),
        alt,
        svg,
    }
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

/// Fast joins (up) and leaves (down) per day with the net growth as a
/// line (`daily_activity`, or one fast's `fast_daily` made into days).
pub fn joins_and_leaves(key: &str, title: &str, days: &[(Date, u64, u64)]) -> Chart {
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 26.0;
    const PLOT_H: f64 = 200.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let height = TOP + PLOT_H + 30.0;
    let up = days.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let down = days.iter().map(|d| d.2).max().unwrap_or(0).max(1);
    let axis = count_axis(up.max(down));
    // Zero in the middle: joins above, leaves below.
    let zero = TOP + PLOT_H / 2.0;
    let y_of = |v: f64| zero - (v / axis.max).clamp(-1.0, 1.0) * PLOT_H / 2.0;
    let mut svg = root(title, height);
    let mut tick = 0.0;
    while tick <= axis.max + 1e-9 {
        for (v, t) in [(tick, format!("{tick}")), (-tick, format!("-{tick}"))] {
            if v == 0.0 && t.starts_with('-') {
                continue;
            }
            let y = y_of(v);
            svg = svg
                .child(line(LEFT, y, WIDTH - RIGHT, y, GRID))
                .child(text(LEFT - 6.0, y + 4.0, "end", t).attr("fill", MUTED));
        }
        tick += axis.step;
    }
    let mut x = LEFT;
    for (name, colour) in [("joins", BAR), ("leaves", SECOND), ("net growth", INK)] {
        svg =
            svg.child(rect(x, 6.0, 14.0, 10.0, colour))
                .child(text(x + 18.0, 16.0, "start", name));
        x += 26.0 + name.len() as f64 * 7.5;
    }
    let slot = plot_w / days.len().max(1) as f64;
    let bar_w = (slot * 0.8).max(0.5);
    let mut data = Element::new("g");
    let mut net_points = Vec::new();
    for (i, &(date, joins, leaves)) in days.iter().enumerate() {
        let x = LEFT + i as f64 * slot;
        let net = joins as i64 - leaves as i64;
        let (yj, yl) = (y_of(joins as f64), y_of(-(leaves as f64)));
        net_points.push(format!(
            "{},{}",
            coord(x + slot / 2.0),
            coord(y_of(net as f64))
        ));
        let label = date.to_string();
        data = data.child(datum(
            &label,
            &format!("joins {joins}, leaves {leaves}, net {net}"),
            format!("{label} — joins: {joins}, leaves: {leaves}, net growth: {net}"),
            vec![
                hit(x, TOP, slot, PLOT_H),
                rect(x + (slot - bar_w) / 2.0, yj, bar_w, zero - yj, BAR),
                rect(x + (slot - bar_w) / 2.0, zero, bar_w, yl - zero, SECOND),
            ],
        ));
    }
    svg = svg
        .child(data)
        .child(line(LEFT, zero, WIDTH - RIGHT, zero, MUTED));
    if !days.is_empty() {
        svg = svg.child(
            Element::new("polyline")
                .attr("points", net_points.join(" "))
                .attr("fill", "none")
                .attr("stroke", INK)
                .attr("stroke-width", "1.5"),
        );
    }
    let every = (days.len() as f64 / (plot_w / 84.0)).ceil().max(1.0) as usize;
    let mut placed = Vec::new();
    let mut next_left = f64::INFINITY;
    for i in (0..days.len()).rev().filter(|i| i % every == 0) {
        let label = days[i].0.to_string();
        let (at, anchor, left, right) = axis_label_place(LEFT + (i as f64 + 0.5) * slot, &label);
        if right + 4.0 <= next_left {
            placed.push(text(at, TOP + PLOT_H + 16.0, anchor, label).attr("fill", MUTED));
            next_left = left;
        }
    }
    svg = svg.child(Element::new("g").children(placed.into_iter().rev()));
    let (joins, leaves): (u64, u64) = days.iter().fold((0, 0), |(j, l), d| (j + d.1, l + d.2));
    let alt = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(
            "Fast joins and leaves per day from {} to {}: {joins} joins, {leaves} leaves, net growth {}.",
            a.0,
            b.0,
            joins as i64 - leaves as i64
        ),
        _ => format!("{title}: none in the period."),
    };
    Chart {
        key: key.to_string(),
        title: title.to_string(),
        alt,
        svg,
    }
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
            title: format!(
                "{:02}:00-{:02}:00 — app opens: {}",
                h.hour,
                h.hour + 1,
                h.opens
            ),
        })
        .collect();
    let busiest = usage
        .opens_by_hour
        .iter()
        .fold(None::<&crate::insights::HourOpens>, |b, h| match b {
            Some(b) if b.opens >= h.opens => Some(b),
            _ => Some(h),
        });
    let alt = match busiest {
        Some(b) if usage.app_opens > 0 => format!(
            "App opens by local hour: {} in all, most at {:02}:00-{:02}:00 with {}.",
            usage.app_opens,
            b.hour,
            b.hour + 1,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;
    use crate::period::parse_date;

    fn data(svg: &Element) -> Vec<(String, String, String)> {
        svg.descendants()
            .into_iter()
            .filter(|e| e.get("class") == Some("datum"))
            .map(|e| {
                assert_eq!(e.get("tabindex"), Some("0"));
                assert_eq!(e.children[0].name, "title");
                (
                    e.get("data-label").unwrap().to_string(),
                    e.get("data-value").unwrap().to_string(),
                    e.children[0].text.clone().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn daily_chart_fills_every_day_of_the_period() {
        let ds = TestBundle::new()
            .user(1, "2025-01-02 10:00:00+00")
            .user(2, "2025-01-02 11:00:00+00")
            .user(3, "2025-01-04 11:00:00+00")
            .load();
        let r = report(&ds, "2025-01-01", "2025-01-05", "UTC");
        let period = Period::new(
            parse_date("s", "2025-01-01").unwrap(),
            parse_date("e", "2025-01-05").unwrap(),
            chrono_tz::Tz::UTC,
        )
        .unwrap();
        let c = new_users_per_day(&r, &period);
        let d = data(&c.svg);
        let values: Vec<(&str, &str)> =
            d.iter().map(|(l, v, _)| (l.as_str(), v.as_str())).collect();
        assert_eq!(
            values,
            [
                ("2025-01-01", "0"),
                ("2025-01-02", "2"),
                ("2025-01-03", "0"),
                ("2025-01-04", "1"),
                ("2025-01-05", "0")
            ]
        );
        assert_eq!(d[1].2, "2025-01-02 — new users: 2");
        assert_eq!(
            c.alt,
            "New users per day from 2025-01-01 to 2025-01-05: 3 in total, most on 2025-01-02 with 2."
        );
        assert_eq!(c.svg.get("viewBox"), Some("0 0 560 240"));
        assert_eq!(c.svg.get("width"), Some("100%"));
        // Axis 0..2 in steps of 1: the tallest column fills the plot.
        let bars: Vec<&Element> = c
            .svg
            .descendants()
            .into_iter()
            .filter(|e| e.get("fill") == Some(BAR))
            .collect();
        assert_eq!(bars[1].get("height"), Some("200"));
        assert_eq!(bars[3].get("height"), Some("100"));
        assert_eq!(bars[0].get("height"), Some("0"));
    }

    #[test]
    fn rankings_keep_exact_labels_and_values() {
        let items = vec![("<b>Lent</b>".to_string(), 7), ("A".repeat(40), 3)];
        let c = ranking("k", "Top fasts by joins", "joins", &items);
        let d = data(&c.svg);
        assert_eq!(
            d[0],
            (
                "<b>Lent</b>".into(),
                "7".into(),
                "<b>Lent</b> — joins: 7".into()
            )
        );
        assert_eq!(d[1].0, "A".repeat(40));
        // The visible label is cut; the title keeps the full one.
        let texts: Vec<String> = c
            .svg
            .descendants()
            .iter()
            .filter_map(|e| e.text.clone())
            .collect();
        assert!(texts.contains(&format!("{}…", "A".repeat(25))));
        assert_eq!(
            c.alt,
            "Top fasts by joins: 2 entries, the first being <b>Lent</b> with 7 joins."
        );
        let empty = ranking("k", "Top screens", "views", &[]);
        assert!(data(&empty.svg).is_empty());
        assert_eq!(empty.alt, "Top screens: none in the period.");
    }

    #[test]
    fn axis_labels_stay_inside_the_chart() {
        // A 31-day period: the last date is pulled inside the right edge,
        // the first stays centred on its column.
        let period = Period::new(
            parse_date("s", "2025-05-31").unwrap(),
            parse_date("e", "2025-06-30").unwrap(),
            chrono_tz::Tz::UTC,
        )
        .unwrap();
        let days: Vec<(Date, u64)> = (0..31).map(|i| (period.day(i), i as u64)).collect();
        let c = daily("k", "New users per day", "new users", &days);
        let labels: Vec<&Element> = c
            .svg
            .descendants()
            .into_iter()
            .filter(|e| {
                e.name == "text" && e.text.as_deref().is_some_and(|t| t.starts_with("2025-"))
            })
            .collect();
        let first = labels.first().unwrap();
        let last = labels.last().unwrap();
        assert_eq!(first.text.as_deref(), Some("2025-05-31"));
        assert_eq!(first.get("text-anchor"), Some("middle"));
        assert_eq!(last.text.as_deref(), Some("2025-06-30"));
        assert_eq!(last.get("text-anchor"), Some("end"));
        assert_eq!(last.get("x"), Some("559"));
        // Every label lies inside the view box, and none overlaps the next.
        let mut edges = Vec::new();
        for l in &labels {
            let x: f64 = l.get("x").unwrap().parse().unwrap();
            let w = l.text.as_deref().unwrap().chars().count() as f64 * 8.3;
            let left = match l.get("text-anchor") {
                Some("end") => x - w,
                Some("start") => x,
                _ => x - w / 2.0,
            };
            assert!(left >= 0.0 && left + w <= WIDTH, "{l:?}");
            edges.push((left, left + w));
        }
        assert!(edges.windows(2).all(|p| p[0].1 < p[1].0), "{edges:?}");
        assert_eq!(axis_label_place(3.0, "2025-W01").1, "start");
    }

    #[test]
    fn count_axis_is_round() {
        let a = count_axis(0);
        assert_eq!((a.max, a.step), (1.0, 1.0));
        let a = count_axis(7);
        assert_eq!((a.max, a.step), (8.0, 2.0));
        let a = count_axis(23);
        assert_eq!((a.max, a.step), (25.0, 5.0));
        let a = count_axis(1234);
        assert_eq!((a.max, a.step), (1500.0, 500.0));
    }

    #[test]
    fn triangle_cells_are_scaled_and_incomplete_weeks_dashed() {
        let weeks_a = [
            TriangleWeek {
                week: 0,
                active: 4,
                rate: 100.0,
                complete: true,
            },
            TriangleWeek {
                week: 1,
                active: 1,
                rate: 25.0,
                complete: false,
            },
        ];
        let weeks_b = [TriangleWeek {
            week: 0,
            active: 0,
            rate: 0.0,
            complete: false,
        }];
        let rows = [
            TriangleRow {
                cohort_week: "2025-W02",
                users: 4,
                weeks: &weeks_a,
            },
            TriangleRow {
                cohort_week: "2025-W03",
                users: 2,
                weeks: &weeks_b,
            },
        ];
        let c = retention_triangle(&rows);
        let d = data(&c.svg);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].0, "2025-W02 week 0");
        assert_eq!(
            d[1].2,
            "2025-W02 week 1: 25.00% (1 of 4 users active) (week not complete)"
        );
        let cells: Vec<&Element> = c
            .svg
            .descendants()
            .into_iter()
            .filter(|e| e.get("class") == Some("datum"))
            .map(|e| &e.children[1])
            .collect();
        assert_eq!(cells[0].get("fill"), Some(SCALE[6]));
        assert_eq!(cells[1].get("fill"), Some(SCALE[2]));
        assert_eq!(cells[2].get("fill"), Some(SCALE[0]));
        assert_eq!(cells[0].get("stroke-dasharray"), None);
        assert_eq!(cells[1].get("stroke-dasharray"), Some("3 2"));
    }

    #[test]
    fn heatmap_has_168_cells_and_names_the_busiest_hour() {
        let mut counts = [[0u64; 24]; 7];
        counts[2][14] = 9;
        counts[4][8] = 9;
        counts[0][0] = 1;
        let c = activity_heatmap(&counts, "events and feed items");
        let d = data(&c.svg);
        assert_eq!(d.len(), 168);
        assert_eq!(d[2 * 24 + 14].0, "Wed 14:00–15:00");
        assert_eq!(d[2 * 24 + 14].1, "9");
        assert_eq!(d[23].0, "Mon 23:00–00:00");
        assert!(
            c.alt.contains("the busiest hour is Wed 14:00 with 9"),
            "{}",
            c.alt
        );
        assert_eq!(scale_step(0.0, 9.0), 0);
        assert_eq!(scale_step(1.0, 9.0), 2);
        assert_eq!(scale_step(9.0, 9.0), 6);
    }
}
