use super::layouts::*;
use super::shapes::*;
use super::*;
use crate::metrics::testing::*;
use crate::period::parse_date;
use crate::period::{Date, Period};

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
fn top_fasts_carry_their_ids_and_same_names_are_told_apart() {
    let ds = TestBundle::new()
        .user(1, "2025-01-02 10:00:00+00")
        .church(7, "St Mark")
        .fast(10, "Fast of Nineveh", Some(7), Some(2025))
        .fast(11, "Fast of Nineveh", None, Some(2025))
        .fast(12, "Lent", Some(7), Some(2025))
        .event(
            "user_joined_fast",
            Some(1),
            Some(10),
            "2025-01-02 10:00:00+00",
        )
        .event(
            "user_joined_fast",
            Some(1),
            Some(10),
            "2025-01-02 11:00:00+00",
        )
        .event(
            "user_joined_fast",
            Some(1),
            Some(11),
            "2025-01-02 12:00:00+00",
        )
        .event(
            "user_joined_fast",
            Some(1),
            Some(12),
            "2025-01-03 12:00:00+00",
        )
        .load();
    let r = report(&ds, "2025-01-01", "2025-01-05", "UTC");
    let c = top_fasts_by_joins(&r);
    let bars: Vec<(String, String)> = c
        .svg
        .descendants()
        .into_iter()
        .filter(|e| e.get("class") == Some("datum"))
        .map(|e| {
            (
                e.get("data-label").unwrap().to_string(),
                e.get("data-fast").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        bars,
        [
            (
                "Fast of Nineveh (2025) · St Mark".to_string(),
                "10".to_string()
            ),
            (
                "Fast of Nineveh (2025) · fast 11".to_string(),
                "11".to_string()
            ),
            ("Lent (2025)".to_string(), "12".to_string()),
        ]
    );
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
    let values: Vec<(&str, &str)> = d.iter().map(|(l, v, _)| (l.as_str(), v.as_str())).collect();
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
        .filter(|e| e.name == "text" && e.text.as_deref().is_some_and(|t| t.starts_with("2025-")))
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
    assert_eq!(d[2 * 24 + 14].0, "Wed 14:00-15:00");
    assert_eq!(d[2 * 24 + 14].1, "9");
    assert_eq!(d[23].0, "Mon 23:00-24:00");
    assert!(
        c.alt.contains("the busiest hour is Wed 14:00 with 9"),
        "{}",
        c.alt
    );
    assert_eq!(scale_step(0.0, 9.0), 0);
    assert_eq!(scale_step(1.0, 9.0), 2);
    assert_eq!(scale_step(9.0, 9.0), 6);
}
