//! The layouts the charts share: columns over days, ranked bars,
//! colour-scaled grids, lines and joins against leaves.

use super::shapes::*;
use super::svg::{coord, Element};
use super::{Chart, BAR, DARK_FROM, GRID, INK, MUTED, SCALE, SECOND, WIDTH};
use crate::insights::words::busiest;
use crate::period::Date;

/// One column of a column chart.
pub(super) struct Column {
    pub(super) label: String,
    pub(super) value: f64,
    pub(super) value_text: String,
    pub(super) title: String,
}

/// Daily counts as columns, one per day.
pub(super) fn daily(key: &str, title: &str, unit: &str, days: &[(Date, u64)]) -> Chart {
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
    let peak = busiest(days, |d| d.1);
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
pub(super) fn column_chart(
    key: &str,
    title: &str,
    alt: String,
    columns: &[Column],
    axis: Axis,
) -> Chart {
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

/// Horizontal bars, one row per item, in the given order, with the value at
/// the end of each bar.
pub(super) fn ranking(key: &str, title: &str, unit: &str, items: &[(String, u64)]) -> Chart {
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
pub(super) struct GridCell {
    pub(super) row: usize,
    pub(super) col: usize,
    pub(super) value: f64,
    pub(super) text: Option<String>,
    pub(super) label: String,
    pub(super) value_text: String,
    pub(super) title: String,
    pub(super) dashed: bool,
}

/// The frame of a colour-scaled grid.
pub(super) struct Grid<'a> {
    pub(super) key: &'a str,
    pub(super) title: &'a str,
    pub(super) alt: String,
    pub(super) row_labels: Vec<String>,
    pub(super) col_labels: Vec<String>,
    pub(super) label_width: f64,
    pub(super) cell_height: f64,
    pub(super) max: f64,
    pub(super) legend: &'a str,
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

pub(super) fn grid(g: Grid<'_>, cells: &[GridCell]) -> Chart {
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
