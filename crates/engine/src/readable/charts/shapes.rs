//! The shapes every chart is drawn with: the root, a focusable datum,
//! rectangles, lines and text, and the value axis.

use super::svg::{coord, Element};
use super::{INK, WIDTH};

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Shapes shared by the charts.

/// The chart's root element.
pub(super) fn root(title: &str, height: f64) -> Element {
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
pub(super) fn datum(label: &str, value: &str, title: String, shapes: Vec<Element>) -> Element {
    Element::new("g")
        .attr("class", "datum")
        .attr("tabindex", "0")
        .attr("data-label", label)
        .attr("data-value", value)
        .child(Element::new("title").text(title))
        .children(shapes)
}

pub(super) fn rect(x: f64, y: f64, w: f64, h: f64, fill: &str) -> Element {
    Element::new("rect")
        .num("x", x)
        .num("y", y)
        .num("width", w.max(0.0))
        .num("height", h.max(0.0))
        .attr("fill", fill)
}

/// An invisible rectangle that catches the pointer over a whole slot, so
/// that a zero-height column can still be hovered.
pub(super) fn hit(x: f64, y: f64, w: f64, h: f64) -> Element {
    rect(x, y, w, h, "#ffffff").attr("fill-opacity", "0")
}

pub(super) fn text(x: f64, y: f64, anchor: &str, content: impl Into<String>) -> Element {
    Element::new("text")
        .num("x", x)
        .num("y", y)
        .attr("text-anchor", anchor)
        .text(content)
}

pub(super) fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Element {
    Element::new("line")
        .num("x1", x1)
        .num("y1", y1)
        .num("x2", x2)
        .num("y2", y2)
        .attr("stroke", stroke)
}

/// `label` cut to `max` characters, with `…` when cut.
pub(super) fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// A value axis: from 0 to `max` in steps of `step`.
pub(super) struct Axis {
    pub(super) max: f64,
    pub(super) step: f64,
    pub(super) suffix: &'static str,
}

/// A round axis for counts up to `max`: a step of 1, 2 or 5 × 10ⁿ and at
/// most 5 steps.
pub(super) fn count_axis(max: u64) -> Axis {
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

/// Where an axis label centred on `centre` is drawn: centred, or pulled
/// inside the view box when it would be cut at an edge (the last date of
/// a period ends at the chart's right edge). Returns the anchor point, the
/// `text-anchor` and the label's estimated left and right edges.
pub(super) fn axis_label_place(centre: f64, label: &str) -> (f64, &'static str, f64, f64) {
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
