//! Charts drawn with `plotters` to SVG text. The page shows them through an
//! `<img>` (a `data:` URL), never as markup, so chart text taken from the
//! data (screen names, fast names) can run nothing; plotters escapes it as
//! well. Each chart comes with a text alternative.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::protocol::Series;

const W: u32 = 640;
const H: u32 = 320;
const BAR: RGBColor = RGBColor(0x2f, 0x6f, 0xb3);
const LINE2: RGBColor = RGBColor(0xd9, 0x6b, 0x1c);

/// A drawn chart: SVG text and its text alternative.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The chart's title.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// One sentence that says what the chart shows.
    pub alt: String,
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Axis labels of counts: whole numbers only (no repeated rounded ticks).
fn int_label(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

fn top_entry(s: &Series) -> Option<(String, f64)> {
    s.values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, v)| (s.labels[i].clone(), *v))
}

/// A line over days (every day of the period, 0 filled).
pub fn daily_line(title: &str, y_desc: &str, s: &Series) -> Chart {
    let mut svg = String::new();
    let max = s.values.iter().copied().fold(0.0, f64::max).max(1.0);
    let n = s.values.len().saturating_sub(1).max(1);
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0usize..n, 0.0..max * 1.1)?;
        let labels = &s.labels;
        chart
            .configure_mesh()
            .x_desc("date")
            .y_desc(y_desc)
            .x_labels(6)
            .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
            .y_label_formatter(&int_label)
            .disable_x_mesh()
            .draw()?;
        chart.draw_series(LineSeries::new(
            s.values.iter().enumerate().map(|(i, v)| (i, *v)),
            BAR.stroke_width(2),
        ))?;
        root.present()?;
        Ok(())
    })();
    let total: f64 = s.values.iter().sum();
    let alt = match (s.labels.first(), s.labels.last(), top_entry(s)) {
        (Some(a), Some(b), Some((day, peak))) if total > 0.0 => format!(
            "{title}: line chart from {a} to {b}; {} in total, peak {} on {day}.",
            fmt_num(total),
            fmt_num(peak)
        ),
        (Some(a), Some(b), _) => {
            format!("{title}: line chart from {a} to {b}; none in the period.")
        }
        _ => format!("{title}: no days in the period."),
    };
    finish(title, svg, drawn.is_ok(), alt)
}

fn finish(title: &str, svg: String, ok: bool, alt: String) -> Chart {
    Chart {
        title: title.to_string(),
        svg: if ok { svg } else { String::new() },
        alt,
    }
}

/// Horizontal bars, one per label, largest values as given.
pub fn bars(title: &str, x_desc: &str, y_desc: &str, s: &Series) -> Chart {
    let mut svg = String::new();
    let n = s.values.len();
    let max = s.values.iter().copied().fold(0.0, f64::max).max(1.0);
    let height = (H).max(60 + 26 * n as u32);
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (W, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let labels: Vec<String> = s.labels.iter().map(|l| short(l, 28)).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(190)
            .build_cartesian_2d(0.0..max * 1.1, (0..n.max(1)).into_segmented())?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .y_labels(n.max(1))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    labels.get(*i).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&int_label)
            .disable_y_mesh()
            .draw()?;
        chart.draw_series(s.values.iter().enumerate().map(|(i, v)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (*v, SegmentValue::Exact(i + 1)),
                ],
                BAR.filled(),
            );
            bar.set_margin(3, 3, 0, 0);
            bar
        }))?;
        root.present()?;
        Ok(())
    })();
    let alt = if n == 0 {
        format!("{title}: none in the period.")
    } else {
        let items: Vec<String> = s
            .labels
            .iter()
            .zip(&s.values)
            .take(10)
            .map(|(l, v)| format!("{l} {}", fmt_num(*v)))
            .collect();
        format!("{title}: bar chart of {n} entries: {}.", items.join(", "))
    };
    finish(title, svg, drawn.is_ok(), alt)
}

/// Retention rate per cohort (bars, left axis) with cohort sizes (line,
/// right axis), oldest cohort first.
pub fn retention(title: &str, rates: &Series, sizes: &[u64]) -> Chart {
    let mut svg = String::new();
    let n = rates.values.len();
    let max_size = sizes.iter().copied().max().unwrap_or(0).max(1) as f64;
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE)?;
        let labels = &rates.labels;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .right_y_label_area_size(50)
            .build_cartesian_2d((0..n.max(1)).into_segmented(), 0.0..100.0)?
            .set_secondary_coord(0..n.max(1), 0.0..max_size * 1.1);
        chart
            .configure_mesh()
            .x_desc("cohort week")
            .y_desc("retention rate (%)")
            .x_labels(6)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    labels.get(*i).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .disable_x_mesh()
            .draw()?;
        chart
            .configure_secondary_axes()
            .y_desc("cohort size (users)")
            .y_label_formatter(&int_label)
            .draw()?;
        chart.draw_series(rates.values.iter().enumerate().map(|(i, v)| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), *v),
                ],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 1, 1);
            bar
        }))?;
        chart.draw_secondary_series(LineSeries::new(
            sizes.iter().enumerate().map(|(i, v)| (i, *v as f64)),
            LINE2.stroke_width(2),
        ))?;
        root.present()?;
        Ok(())
    })();
    let alt = if n == 0 {
        format!("{title}: no cohorts.")
    } else {
        let newest: Vec<String> = rates
            .labels
            .iter()
            .zip(&rates.values)
            .zip(sizes)
            .rev()
            .take(6)
            .map(|((l, r), s)| format!("{l} {r:.2}% of {s}"))
            .collect();
        format!(
            "{title}: bars of the retention rate for {n} weekly cohorts (line: cohort size); newest: {}.",
            newest.join(", ")
        )
    };
    finish(title, svg, drawn.is_ok(), alt)
}

/// A `data:` URL of an SVG document, for an `<img src>`.
pub fn svg_data_url(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 32);
    out.push_str("data:image/svg+xml;charset=utf-8,");
    for b in svg.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b' '
            | b'-'
            | b'_'
            | b'.'
            | b'='
            | b':'
            | b'/'
            | b','
            | b';'
            | b'('
            | b')' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_text_is_escaped() {
        let s = Series {
            labels: vec!["<script>alert(1)</script>".into(), "b".into()],
            values: vec![3.0, 1.0],
        };
        let c = bars("Top screens", "views", "screen", &s);
        assert!(!c.svg.is_empty());
        assert!(!c.svg.contains("<script>"));
        assert!(c.alt.contains("3"));
        let url = svg_data_url(&c.svg);
        assert!(!url.contains('<') && !url.contains('"') && !url.contains('#'));
        let d = daily_line(
            "New users per day",
            "users",
            &Series {
                labels: vec!["2025-01-01".into(), "2025-01-02".into()],
                values: vec![0.0, 2.0],
            },
        );
        assert!(d.alt.contains("peak 2 on 2025-01-02"), "{}", d.alt);
        let r = retention(
            "Retention",
            &Series {
                labels: vec!["2025-W01".into()],
                values: vec![50.0],
            },
            &[4],
        );
        assert!(r.svg.contains("<svg"));
    }
}
