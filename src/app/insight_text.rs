//! The words and colour steps of the page's insight views (period
//! comparison on the cards, the retention triangle, the activity heatmap):
//! pure functions of the worker's figures, so they are tested natively and
//! the page only lays them out. Weekday names, hour ranges, change figures
//! and the busiest hour are the engine's words
//! ([`engagement_engine::insights::words`]), so the page says them as
//! `summary.md`, `report.html` and the charts do.

use crate::protocol::{Comparison, HeatCell, TriangleCohort};
use engagement_engine::insights::words::{busiest, percent_change_2dp};
pub use engagement_engine::insights::words::{hour_range, plural, weekday_full, weekday_short};

/// The colour scale of the grids, lightest (lowest) first: the engine's,
/// so the page's grids look like `report.html`'s.
pub use engagement_engine::readable::charts::SCALE;

/// Steps of [`SCALE`] from this one up are dark: their text is white (the
/// engine's threshold, so the page's grids read like `report.html`'s).
pub use engagement_engine::readable::charts::DARK_FROM;

/// A data set's column as a table heading people read: `days_since_last`
/// is "Days since last", `user_id` "User ID", `avg_per_user` "Average per
/// user". The field name itself stays in the files and in the heading's
/// tooltip.
pub fn column_heading(field: &str) -> String {
    match field {
        "email" => return "E-mail".into(),
        "items" | "total_items" => return "Activities".into(),
        "username" => return "Username".into(),
        _ => {}
    }
    let words: Vec<String> = field
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "id" => "ID".to_string(),
            "avg" => "average".to_string(),
            "pct" => "%".to_string(),
            other => other.to_string(),
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

/// The time zones of `zones` that someone typing `typed` may mean, best
/// first, at most five: the zone itself when the name matches (ignoring
/// case), the zones named after a common word ("Eastern", "Pacific",
/// "EST"), then those whose name holds the text ("london" gives
/// Europe/London). Empty when nothing fits.
pub fn zone_suggestions(typed: &str, zones: &[String]) -> Vec<String> {
    const WORDS: [(&str, &str); 14] = [
        ("eastern", "America/New_York"),
        ("est", "America/New_York"),
        ("edt", "America/New_York"),
        ("central", "America/Chicago"),
        ("cst", "America/Chicago"),
        ("cdt", "America/Chicago"),
        ("mountain", "America/Denver"),
        ("mst", "America/Denver"),
        ("mdt", "America/Denver"),
        ("pacific", "America/Los_Angeles"),
        ("pst", "America/Los_Angeles"),
        ("pdt", "America/Los_Angeles"),
        ("gmt", "UTC"),
        ("armenia", "Asia/Yerevan"),
    ];
    let needle = typed.trim().to_lowercase().replace(' ', "_");
    if needle.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut add = |zone: &str| {
        if zones.iter().any(|z| z == zone) && !out.iter().any(|o| o == zone) {
            out.push(zone.to_string());
        }
    };
    if let Some(exact) = zones.iter().find(|z| z.to_lowercase() == needle) {
        add(exact);
    }
    for (word, zone) in WORDS {
        if word == needle.trim_end_matches("_time") {
            add(zone);
        }
    }
    for zone in zones {
        if zone.to_lowercase().contains(&needle) {
            add(zone);
        }
    }
    out.truncate(5);
    out
}

pub use engagement_engine::insights::metric_label;

/// Which way a figure moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// More than in the previous period.
    Up,
    /// Fewer.
    Down,
    /// The same.
    Same,
}

impl Trend {
    /// `▲`, `▼` or `=`: the sign seen.
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Up => "▲",
            Trend::Down => "▼",
            Trend::Same => "=",
        }
    }

    /// `up`, `down` or `same`: the sign read aloud, and the CSS class.
    pub fn word(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Same => "same",
        }
    }
}

/// A metric's change as a card shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Up, down or the same.
    pub trend: Trend,
    /// `12 (+15.00%)`, `3 (-20.00%)`, `12` (no previous value to compare
    /// with) or `no change`; the arrow is not part of it.
    pub amount: String,
    /// `vs 300 in`: the previous figure.
    pub previous: String,
    /// `2025-05-01 – 2025-05-31`: the previous period.
    pub range: String,
}

/// The change of `c` against the previous period `previous` (start, end),
/// with `period_comparison`'s own figures (the percentage as it rounds
/// them, to 2 decimals as `report.html` shows it).
pub fn change(c: &Comparison, previous: (&str, &str)) -> Change {
    let trend = match c.change.signum() {
        1 => Trend::Up,
        -1 => Trend::Down,
        _ => Trend::Same,
    };
    let pct = c
        .change_pct
        .map(|p| format!(" ({})", percent_change_2dp(p)))
        .unwrap_or_default();
    let amount = match trend {
        Trend::Same => "no change".to_string(),
        _ => format!("{}{pct}", c.change.unsigned_abs()),
    };
    Change {
        trend,
        amount,
        previous: format!("vs {} in", c.previous),
        range: format!("{} – {}", previous.0, previous.1),
    }
}

pub use engagement_engine::readable::charts::scale_step;

/// What a heatmap cell shows on hover and focus.
pub fn heat_title(c: &HeatCell) -> String {
    format!(
        "{} {}: {}, {}, {}",
        weekday_short(c.weekday),
        hour_range(c.hour),
        plural(c.events, "event", "events"),
        plural(c.feed_items, "feed item", "feed items"),
        plural(c.users, "user", "users")
    )
}

/// The heatmap cell with the most events + feed items, the earliest (by
/// weekday, then hour) on a tie, as `summary.md` names it; `None` when
/// the period has neither.
pub fn peak(cells: &[HeatCell]) -> Option<&HeatCell> {
    busiest(cells, |c| total(c))
}

/// Events + feed items of a cell: what the heatmap's colour measures.
pub fn total(c: &HeatCell) -> u64 {
    c.events + c.feed_items
}

/// The peak in words.
pub fn peak_sentence(cells: &[HeatCell], zone: &str) -> String {
    match peak(cells) {
        None => "No events or feed items in this period.".into(),
        Some(p) => format!(
            "The busiest hour of the week is {} {} ({zone}): {} and {} from {}.",
            weekday_full(p.weekday),
            hour_range(p.hour),
            plural(p.events, "event", "events"),
            plural(p.feed_items, "feed item", "feed items"),
            plural(p.users, "user", "users"),
        ),
    }
}

/// The busiest weekday and the busiest hour of the day over the whole
/// week (events + feed items, the earliest on a tie), in words; `None`
/// when the period has no activity.
pub fn busiest_day_and_hour(cells: &[HeatCell]) -> Option<String> {
    let mut days = [0u64; 7];
    let mut hours = [0u64; 24];
    for c in cells {
        if (1..=7).contains(&c.weekday) && c.hour < 24 {
            days[(c.weekday - 1) as usize] += total(c);
            hours[c.hour as usize] += total(c);
        }
    }
    let best = |v: &[u64]| busiest(v.iter().copied().enumerate(), |d| d.1);
    let (d, dn) = best(&days)?;
    let (h, hn) = best(&hours)?;
    Some(format!(
        "Over the whole week, {} is the busiest day ({}) and {} the busiest hour of the day ({} over all days).",
        weekday_full(d as u8 + 1),
        plural(dn, "event or feed item", "events and feed items"),
        hour_range(h as u8),
        hn
    ))
}

/// A date as people write it: "2025-06-23" is "23 June 2025" (anything
/// else is given back as it is).
pub fn long_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// An ISO week as people say it: "2025-W26" is "week of 23 June 2025" (its
/// Monday); anything else is given back as it is.
pub fn week_of(iso_week: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{iso_week}-1"), "%G-W%V-%u")
        .map(|d| format!("week of {}", d.format("%-d %B %Y")))
        .unwrap_or_else(|_| iso_week.to_string())
}

/// What a cell of the retention triangle says on hover and focus: the
/// exact rate and the counts, and whether the week is over.
pub fn triangle_title(
    c: &TriangleCohort,
    week: u32,
    active: u64,
    rate: f64,
    complete: bool,
) -> String {
    format!(
        "Cohort {} (joined the week of {}, {}), week {week}: {} of {} active ({rate:.2}%){}",
        c.cohort_week,
        c.cohort_start_date,
        plural(c.users, "user", "users"),
        active,
        c.users,
        if complete {
            ""
        } else {
            "; this week is not over yet"
        }
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_and_dates_read_as_people_say_them() {
        assert_eq!(super::long_date("2025-06-23"), "23 June 2025");
        assert_eq!(super::long_date("soon"), "soon");
        assert_eq!(super::week_of("2025-W26"), "week of 23 June 2025");
        assert_eq!(super::week_of("2025-W01"), "week of 30 December 2024");
        assert_eq!(super::week_of("W26"), "W26");
    }

    use super::*;

    #[test]
    fn typed_zones_find_their_iana_names() {
        let zones: Vec<String> = [
            "UTC",
            "America/New_York",
            "America/Los_Angeles",
            "Europe/London",
            "Asia/Yerevan",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(zone_suggestions("Eastern", &zones), ["America/New_York"]);
        assert_eq!(
            zone_suggestions("pacific time", &zones),
            ["America/Los_Angeles"]
        );
        assert_eq!(zone_suggestions("london", &zones), ["Europe/London"]);
        assert_eq!(zone_suggestions("europe/london", &zones), ["Europe/London"]);
        assert_eq!(
            zone_suggestions("america", &zones),
            ["America/New_York", "America/Los_Angeles"]
        );
        assert!(zone_suggestions("Mars", &zones).is_empty());
        assert!(zone_suggestions("  ", &zones).is_empty());
    }

    #[test]
    fn column_headings_read_as_words() {
        assert_eq!(column_heading("days_since_last"), "Days since last");
        assert_eq!(column_heading("user_id"), "User ID");
        assert_eq!(column_heading("email"), "E-mail");
        assert_eq!(column_heading("avg_per_user"), "Average per user");
        assert_eq!(column_heading("change_pct"), "Change %");
        assert_eq!(
            column_heading("type_devotional_viewed"),
            "Type devotional viewed"
        );
        assert_eq!(column_heading("status"), "Status");
        assert_eq!(column_heading(""), "");
    }

    fn cmp(current: u64, previous: u64, pct: Option<f64>) -> Comparison {
        Comparison {
            metric: "new_users".into(),
            current,
            previous,
            change: current as i64 - previous as i64,
            change_pct: pct,
        }
    }

    #[test]
    fn changes_read_without_colour() {
        let prev = ("2025-05-01", "2025-05-31");
        let up = change(&cmp(92, 80, Some(15.0)), prev);
        assert_eq!(up.trend.arrow(), "▲");
        assert_eq!(up.amount, "12 (+15.00%)");
        assert_eq!(
            format!("{} {}", up.previous, up.range),
            "vs 80 in 2025-05-01 – 2025-05-31"
        );
        let down = change(&cmp(9, 11, Some(-18.18)), prev);
        assert_eq!(
            (down.trend, down.amount.as_str()),
            (Trend::Down, "2 (-18.18%)")
        );
        let new = change(&cmp(5, 0, None), prev);
        assert_eq!((new.trend, new.amount.as_str()), (Trend::Up, "5"));
        let same = change(&cmp(4, 4, Some(0.0)), prev);
        assert_eq!(
            (same.trend.word(), same.amount.as_str()),
            ("same", "no change")
        );
    }

    #[test]
    fn scale_steps_keep_zero_apart() {
        assert_eq!(scale_step(0.0, 10.0), 0);
        assert_eq!(scale_step(0.01, 10.0), 1);
        assert_eq!(scale_step(10.0, 10.0), SCALE.len() - 1);
        assert_eq!(scale_step(20.0, 10.0), SCALE.len() - 1);
        assert_eq!(scale_step(3.0, 0.0), 0);
    }

    fn cell(weekday: u8, hour: u8, events: u64, feed_items: u64) -> HeatCell {
        HeatCell {
            weekday,
            hour,
            events,
            feed_items,
            users: 1,
        }
    }

    #[test]
    fn the_peak_is_the_earliest_of_the_busiest() {
        let cells = vec![
            cell(1, 5, 1, 1),
            cell(2, 18, 4, 1),
            cell(3, 9, 5, 0),
            cell(7, 23, 0, 0),
        ];
        let p = peak(&cells).unwrap();
        assert_eq!((p.weekday, p.hour), (2, 18));
        assert_eq!(
            peak_sentence(&cells, "UTC"),
            "The busiest hour of the week is Tuesday 18:00-19:00 (UTC): 4 events and 1 feed item from 1 user."
        );
        assert_eq!(peak(&[cell(1, 0, 0, 0)]), None);
        assert_eq!(
            busiest_day_and_hour(&cells).unwrap(),
            "Over the whole week, Tuesday is the busiest day (5 events and feed items) and 09:00-10:00 the busiest hour of the day (5 over all days)."
        );
        assert_eq!(
            heat_title(&cells[3]),
            "Sun 23:00-24:00: 0 events, 0 feed items, 1 user"
        );
    }

    /// The page names the same peak as the engine (and so as `summary.md`).
    #[test]
    fn the_peak_is_the_engines() {
        use engagement_engine::demo::{csv_tables, DemoConfig};
        use engagement_engine::load::{Bundle, Limits};
        use engagement_engine::period::Period;
        use engagement_engine::segment::Segment;
        use engagement_engine::{insights, metrics};
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in csv_tables(&DemoConfig::new(150)) {
            b.add_bytes(&name, &bytes).unwrap();
        }
        let loaded = b.finish().unwrap();
        let seg = Segment::default().apply(&loaded.dataset).unwrap();
        for (start, end) in [("2025-06-01", "2025-06-30"), ("2025-06-29", "2025-06-30")] {
            let period =
                Period::from_options(Some(start), Some(end), None, Default::default()).unwrap();
            let report = metrics::compute(&seg.dataset, &period);
            let ins =
                insights::compute(&seg.dataset, &period, &report, &seg.info, &loaded.warnings);
            let cells = crate::summary::summarize_insights(&ins).heatmap;
            let want = ins.peak().map(|p| (p.weekday, p.hour));
            assert!(want.is_some());
            assert_eq!(peak(&cells).map(|p| (p.weekday, p.hour)), want);
            let p = ins.peak().unwrap();
            assert!(ins.summary_md.contains(&format!(
                "{} {:02}:00-{:02}:00",
                weekday_short(p.weekday),
                p.hour,
                p.hour + 1
            )));
            assert!(ins
                .summary_md
                .contains(&format!("{} {}", p.weekday_name, hour_range(p.hour))));
        }
    }

    #[test]
    fn triangle_titles_carry_counts_and_completeness() {
        let c = TriangleCohort {
            cohort_week: "2025-W03".into(),
            cohort_start_date: "2025-01-13".into(),
            users: 11,
            weeks: vec![],
        };
        assert_eq!(
            triangle_title(&c, 2, 5, 45.45, false),
            "Cohort 2025-W03 (joined the week of 2025-01-13, 11 users), week 2: 5 of 11 active (45.45%); this week is not over yet"
        );
        assert!(!triangle_title(&c, 1, 1, 9.09, true).contains("not over"));
    }
}
