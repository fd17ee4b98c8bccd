//! The insights' words and numbers-as-text, in one place: weekday names,
//! the spelling of an hour range, change figures, counted nouns, and which
//! hour (or day) is the busiest. `summary.md`, `report.html`, the charts
//! and the page all say these things through this module, so they say
//! them the same way.
//!
//! ```
//! use engagement_engine::insights::words;
//!
//! assert_eq!(words::weekday_short(2), "Tue");
//! assert_eq!(words::weekday_full(2), "Tuesday");
//! assert_eq!(words::hour_range(23), "23:00-24:00");
//! assert_eq!(words::change_figure(6, Some(150.0)), "+6 (+150%)");
//! assert_eq!(words::percent_change_2dp(-18.18), "-18.18%");
//! assert_eq!(words::plural(1, "user", "users"), "1 user");
//! assert_eq!(words::busiest([0, 3, 1, 3], |n| *n), Some(3));
//! ```

/// Short weekday names, ISO order (1 = Monday is index 0): the heatmap's
/// `weekday_name` (SPEC §7.2).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Full weekday names, ISO order.
pub const WEEKDAYS_FULL: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The index into [`WEEKDAYS`] of ISO weekday `iso` (1 = Monday … 7 =
/// Sunday); out-of-range days are held to the nearest end.
fn weekday_index(iso: u8) -> usize {
    (iso.clamp(1, 7) - 1) as usize
}

/// `Mon` … `Sun` for ISO weekday 1…7.
pub fn weekday_short(iso: u8) -> &'static str {
    WEEKDAYS[weekday_index(iso)]
}

/// `Monday` … `Sunday` for ISO weekday 1…7.
pub fn weekday_full(iso: u8) -> &'static str {
    WEEKDAYS_FULL[weekday_index(iso)]
}

/// The local hour starting at `hour` (0–23) as a range: `18:00-19:00`,
/// and `23:00-24:00` for the last (the hour ends with its day, as
/// `summary.md` has always written it).
pub fn hour_range(hour: u8) -> String {
    format!("{hour:02}:00-{:02}:00", u32::from(hour) + 1)
}

/// `n` and its noun: `1 user`, `3 users`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A change with its sign: `+6`, `-1`, `0`.
pub fn signed(change: i64) -> String {
    format!("{}{change}", if change > 0 { "+" } else { "" })
}

/// A percentage change as the figure stands (already rounded to 2
/// decimals by `period_comparison`): `+150%`, `-9.09%`, `0%`.
pub fn percent_change(pct: f64) -> String {
    format!("{}{pct}%", if pct > 0.0 { "+" } else { "" })
}

/// A percentage change to 2 decimals, as tables and cards show it:
/// `+150.00%`, `-9.09%`, `0.00%`.
pub fn percent_change_2dp(pct: f64) -> String {
    format!("{}{pct:.2}%", if pct > 0.0 { "+" } else { "" })
}

/// A metric's change against the previous period as `summary.md` states
/// it: `+6 (+150%)`, or `+2 (no previous value)` when the previous period
/// had none to compare with.
pub fn change_figure(change: i64, pct: Option<f64>) -> String {
    let pct = match pct {
        Some(p) => percent_change(p),
        None => "no previous value".to_string(),
    };
    format!("{} ({pct})", signed(change))
}

/// The busiest of `items` by `total`: the first with the largest total,
/// so the earliest on a tie when `items` come in time order (the heatmap's
/// weekday then hour); `None` when every total is 0. What "the busiest
/// hour" means wherever it is named.
pub fn busiest<T>(items: impl IntoIterator<Item = T>, total: impl Fn(&T) -> u64) -> Option<T> {
    let mut best: Option<(T, u64)> = None;
    for item in items {
        let n = total(&item);
        if n > best.as_ref().map_or(0, |b| b.1) {
            best = Some((item, n));
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_follow_iso_order() {
        assert_eq!((weekday_short(1), weekday_short(7)), ("Mon", "Sun"));
        assert_eq!((weekday_full(1), weekday_full(7)), ("Monday", "Sunday"));
        assert_eq!((weekday_short(0), weekday_full(9)), ("Mon", "Sunday"));
    }

    #[test]
    fn hour_ranges_end_with_their_day() {
        assert_eq!(hour_range(0), "00:00-01:00");
        assert_eq!(hour_range(9), "09:00-10:00");
        assert_eq!(hour_range(23), "23:00-24:00");
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(change_figure(6, Some(150.0)), "+6 (+150%)");
        assert_eq!(change_figure(-1, Some(-9.09)), "-1 (-9.09%)");
        assert_eq!(change_figure(0, Some(0.0)), "0 (0%)");
        assert_eq!(change_figure(2, None), "+2 (no previous value)");
        assert_eq!(percent_change_2dp(15.0), "+15.00%");
        assert_eq!(percent_change_2dp(-20.0), "-20.00%");
        assert_eq!(percent_change_2dp(0.0), "0.00%");
    }

    #[test]
    fn the_busiest_is_the_first_of_the_largest_and_never_empty() {
        assert_eq!(busiest([(0, 2), (1, 5), (2, 5)], |c| c.1), Some((1, 5)));
        assert_eq!(busiest([(0, 0), (1, 0)], |c| c.1), None);
        assert_eq!(busiest(Vec::<(u8, u64)>::new(), |c| c.1), None);
    }
}
