//! The report's period and time zone (SPEC §3).
//!
//! Every calendar question the report asks ("which local day is this
//! instant?", "is it inside the period?") is answered here. For instants
//! inside the period the answer comes from a precomputed table of local
//! midnights, so DST transitions are exact and no time-zone lookup runs per
//! row.

use std::fmt;
use std::str::FromStr;

use chrono::{
    Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::timestamp::{days_from_civil, Timestamp, MICROS_PER_DAY, MICROS_PER_SECOND};

/// A calendar date, `YYYY-MM-DD` when displayed.
pub type Date = NaiveDate;

/// A wrong period option: what was found and what is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// A date that is not `YYYY-MM-DD`.
    BadDate {
        /// Which option (`start` or `end`).
        what: &'static str,
        /// The text given.
        found: String,
    },
    /// A name that is not in the IANA time-zone database.
    UnknownTimeZone(String),
    /// `start` is after `end`.
    StartAfterEnd {
        /// The start date.
        start: Date,
        /// The end date.
        end: Date,
    },
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodError::BadDate { what, found } => write!(
                f,
                "the {what} date {found:?} is not a valid date; expected YYYY-MM-DD, for example 2025-01-31"
            ),
            PeriodError::UnknownTimeZone(name) => write!(
                f,
                "unknown time zone {name:?}; expected an IANA name such as UTC, Europe/Paris or America/Los_Angeles"
            ),
            PeriodError::StartAfterEnd { start, end } => write!(
                f,
                "the start date {start} is after the end date {end}; give a start on or before the end"
            ),
        }
    }
}

impl std::error::Error for PeriodError {}

/// Parses a `YYYY-MM-DD` date; `what` names the option in the error.
pub fn parse_date(what: &'static str, text: &str) -> Result<Date, PeriodError> {
    let bad = || PeriodError::BadDate {
        what,
        found: text.to_string(),
    };
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

/// Parses an IANA time-zone name such as `America/Los_Angeles`.
pub fn parse_time_zone(name: &str) -> Result<Tz, PeriodError> {
    Tz::from_str(name).map_err(|_| PeriodError::UnknownTimeZone(name.to_string()))
}

/// The report's period: from `start` 00:00 to the end of `end`, inclusive,
/// in `tz`. Construct with [`Period::new`]; a `Period` always has
/// `start <= end`.
#[derive(Clone, Debug)]
pub struct Period {
    start: Date,
    end: Date,
    tz: Tz,
    /// UTC instants (µs) of the local midnights that begin each day of the
    /// period, plus the one that ends it: `days + 1` entries.
    midnights: Vec<i64>,
}

impl Period {
    /// A period from `start` to `end` (inclusive) in `tz`.
    pub fn new(start: Date, end: Date, tz: Tz) -> Result<Period, PeriodError> {
        if start > end {
            return Err(PeriodError::StartAfterEnd { start, end });
        }
        let days = (end - start).num_days() as usize + 1;
        let midnights = (0..=days)
            .map(|i| local_midnight(tz, start + Duration::days(i as i64)))
            .collect();
        Ok(Period {
            start,
            end,
            tz,
            midnights,
        })
    }

    /// Builds a period from the options of the CLI and the page: `end`
    /// defaults to `today`, `start` to `end` − 30 days, the zone to UTC.
    pub fn from_options(
        start: Option<&str>,
        end: Option<&str>,
        tz: Option<&str>,
        today: Date,
    ) -> Result<Period, PeriodError> {
        let tz = parse_time_zone(tz.unwrap_or("UTC"))?;
        Period::from_parts(start, end, tz, today)
    }

    fn from_parts(
        start: Option<&str>,
        end: Option<&str>,
        tz: Tz,
        today: Date,
    ) -> Result<Period, PeriodError> {
        let end = match end {
            Some(text) => parse_date("end", text)?,
            None => today,
        };
        let start = match start {
            Some(text) => parse_date("start", text)?,
            None => end - Duration::days(30),
        };
        Period::new(start, end, tz)
    }

    /// First day of the period.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Last day of the period (inclusive).
    pub fn end(&self) -> Date {
        self.end
    }

    /// The report's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The first instant of the period.
    pub fn first_instant(&self) -> Timestamp {
        Timestamp(self.midnights[0])
    }

    /// The first instant after the period.
    pub fn end_instant(&self) -> Timestamp {
        Timestamp(
            *self
                .midnights
                .last()
                .expect("a period has at least one day"),
        )
    }

    /// Whether `ts` is inside the period.
    #[inline]
    pub fn contains(&self, ts: Timestamp) -> bool {
        ts.0 >= self.midnights[0] && ts.0 < self.midnights[self.midnights.len() - 1]
    }

    /// Number of days in the period.
    pub fn day_count(&self) -> usize {
        self.midnights.len() - 1
    }

    /// Index (0 = `start`) of the local day of an instant inside the period.
    #[inline]
    pub fn day_index(&self, ts: Timestamp) -> Option<usize> {
        if !self.contains(ts) {
            return None;
        }
        // Days are 24 hours long but for DST changes, which alternate, so
        // counting 24-hour steps lands on the day or next to it: no search.
        let m = &self.midnights;
        let mut i = (((ts.0 - m[0]) / MICROS_PER_DAY) as usize).min(m.len() - 2);
        while m[i] > ts.0 {
            i -= 1;
        }
        while m[i + 1] <= ts.0 {
            i += 1;
        }
        Some(i)
    }

    /// The date of day `index` of the period.
    pub fn day(&self, index: usize) -> Date {
        self.start + Duration::days(index as i64)
    }

    /// Every day of the period, in order: the x axis of a daily chart.
    pub fn days(&self) -> impl Iterator<Item = Date> + '_ {
        (0..self.day_count()).map(|i| self.day(i))
    }

    /// Index (0 = `start`) of a date inside the period.
    pub fn index_of_day(&self, date: Date) -> Option<usize> {
        let i = (date - self.start).num_days();
        (0..self.day_count() as i64)
            .contains(&i)
            .then_some(i as usize)
    }

    /// The local calendar date of any instant, in the report's zone.
    pub fn local_date(&self, ts: Timestamp) -> Date {
        if let Some(i) = self.day_index(ts) {
            return self.day(i);
        }
        date_in(self.tz, ts)
    }

    /// The period just before this one (SPEC §7.5), in the same zone,
    /// ending the day before `start`. When the period is whole calendar
    /// months (`start` is a 1st and `end` a month's last day) it is the same
    /// number of whole months, so May compares with April and a quarter with
    /// the quarter before; otherwise it is the same number of days.
    pub fn previous(&self) -> Period {
        let end = self.start.pred_opt().unwrap_or(NaiveDate::MIN);
        let start = match self.whole_months() {
            Some(months) => self
                .start
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(NaiveDate::MIN),
            None => {
                let days = self.day_count() as u64;
                end.checked_sub_days(Days::new(days - 1))
                    .unwrap_or(NaiveDate::MIN)
            }
        };
        Period::new(start, end, self.tz).expect("start is on or before end")
    }

    /// How many whole calendar months the period is, when `start` is the
    /// first day of a month and `end` the last day of a month.
    pub fn whole_months(&self) -> Option<u32> {
        let last_of_month = self.end.succ_opt().is_none_or(|next| next.day() == 1);
        if self.start.day() != 1 || !last_of_month {
            return None;
        }
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
            - self.start.month() as i32
            + 1;
        u32::try_from(months).ok().filter(|&m| m > 0)
    }

    /// The whole ISO weeks the period touches, from the Monday of
    /// `start`'s week to the Sunday of `end`'s week, in the same zone (the
    /// retention matrix's cohort weeks).
    pub fn whole_weeks(&self) -> Period {
        let monday = week_monday(self.start);
        let sunday = week_monday(self.end)
            .checked_add_days(Days::new(6))
            .unwrap_or(NaiveDate::MAX);
        Period::new(monday, sunday, self.tz).expect("a Monday is before the Sunday after it")
    }

    /// The local hours of the period, to place instants on the weekday ×
    /// hour grid (SPEC §7.2). Built on demand: one zone lookup a day, 24
    /// more on a day with a DST change.
    pub fn local_hours(&self) -> LocalHours<'_> {
        let mut day_hours = vec![REGULAR_DAY; self.day_count()];
        let mut odd_days = Vec::new();
        for (day, hours) in day_hours.iter_mut().enumerate() {
            let (midnight, next) = (self.midnights[day], self.midnights[day + 1]);
            // The day begins at its midnight (or when a DST gap at
            // midnight ends), in whatever local hour that is.
            let first_hour = local_hour_in(self.tz, midnight);
            if first_hour == 0 && next - midnight == 24 * HOUR {
                // No DST change that day (the usual case): 24 even hours.
                continue;
            }
            let date = self.day(day);
            let mut starts = vec![midnight];
            let mut cells = vec![first_hour];
            for hour in u32::from(first_hour) + 1..24 {
                // An hour that a DST gap skips does not exist (or begins
                // late, when the gap is part of an hour); a repeated hour
                // (DST ending) runs until the next hour begins.
                let Some(at) = hour_start(self.tz, date, hour) else {
                    continue;
                };
                if at > *starts.last().expect("pushed above") && at < next {
                    starts.push(at);
                    cells.push(hour as u8);
                }
            }
            *hours = odd_days.len() as u32;
            odd_days.push((starts, cells));
        }
        let mut hours = LocalHours {
            period: self,
            first_weekday: self.start.weekday().num_days_from_monday() as usize,
            day_hours,
            odd_days,
            by_hour: Vec::new(),
        };
        hours.by_hour = hours.whole_hours();
        hours
    }
}

/// An hour, in µs.
const HOUR: i64 = 3600 * MICROS_PER_SECOND;

/// [`LocalHours::day_hours`] of a day of 24 even hours.
const REGULAR_DAY: u32 = u32::MAX;

/// The period's local hours, to find an instant's weekday × hour cell.
/// Made by [`Period::local_hours`].
#[derive(Clone, Debug)]
pub struct LocalHours<'p> {
    period: &'p Period,
    /// ISO weekday − 1 of the period's first day.
    first_weekday: usize,
    /// For each day of the period: [`REGULAR_DAY`], or its index in
    /// `odd_days`.
    day_hours: Vec<u32>,
    /// Days with a DST change: when each of their local hours begins (UTC
    /// µs) and which hour it is.
    odd_days: Vec<(Vec<i64>, Vec<u8>)>,
    /// The cell of each whole hour counted from the period's first instant
    /// when that hour lies in one local hour (always, but around an offset
    /// change by part of an hour), else [`MIXED_HOUR`]: one division finds
    /// almost every instant's cell.
    by_hour: Vec<u8>,
}

/// [`LocalHours::by_hour`] of an hour that two local hours share.
const MIXED_HOUR: u8 = u8::MAX;

impl LocalHours<'_> {
    /// Number of weekday × hour cells.
    pub const CELLS: usize = 7 * 24;

    /// The weekday × hour cell of an instant inside the period:
    /// (ISO weekday − 1) × 24 + local hour, so 0 is Monday 00:00-01:00 and
    /// 167 is Sunday 23:00-24:00. `None` outside the period.
    #[inline]
    pub fn cell(&self, ts: Timestamp) -> Option<usize> {
        let first = self.period.first_instant().0;
        if !self.period.contains(ts) {
            return None;
        }
        let by_hour = self.by_hour.get(((ts.0 - first) / HOUR) as usize);
        match by_hour.copied().unwrap_or(MIXED_HOUR) {
            MIXED_HOUR => self.cell_by_day(ts),
            cell => Some(usize::from(cell)),
        }
    }

    /// [`LocalHours::cell`] from the instant's day and the hours of that day.
    fn cell_by_day(&self, ts: Timestamp) -> Option<usize> {
        let day = self.period.day_index(ts)?;
        let weekday = (self.first_weekday + day) % 7;
        let since_midnight = ts.0 - self.period.midnights[day];
        let hour = match self.day_hours[day] {
            REGULAR_DAY => (since_midnight / HOUR) as usize,
            odd => {
                let (starts, hours) = &self.odd_days[odd as usize];
                usize::from(hours[starts.partition_point(|&s| s <= ts.0) - 1])
            }
        };
        Some(weekday * 24 + hour)
    }

    /// Builds [`LocalHours::by_hour`]: walks the period's local hours in
    /// order and gives each whole hour from the first instant the cell of
    /// the local hour that holds all of it.
    fn whole_hours(&self) -> Vec<u8> {
        let (first, end) = (self.period.first_instant().0, self.period.end_instant().0);
        let count = ((end - first + HOUR - 1) / HOUR) as usize;
        let mut by_hour = Vec::with_capacity(count);
        // The local hour being walked: [from, next) has `cell`.
        let (mut from, mut cell) = (first, MIXED_HOUR);
        let mut close = |next: i64, next_cell: u8, by_hour: &mut Vec<u8>| {
            while by_hour.len() < count {
                let start = first + by_hour.len() as i64 * HOUR;
                if (start + HOUR).min(end) > next {
                    break;
                }
                by_hour.push(if start >= from { cell } else { MIXED_HOUR });
            }
            (from, cell) = (next, next_cell);
        };
        for day in 0..self.period.day_count() {
            let weekday = ((self.first_weekday + day) % 7) as u8;
            let midnight = self.period.midnights[day];
            match self.day_hours[day] {
                REGULAR_DAY => {
                    for hour in 0..24u8 {
                        close(
                            midnight + i64::from(hour) * HOUR,
                            weekday * 24 + hour,
                            &mut by_hour,
                        );
                    }
                }
                odd => {
                    let (starts, hours) = &self.odd_days[odd as usize];
                    for (&start, &hour) in starts.iter().zip(hours) {
                        close(start, weekday * 24 + hour, &mut by_hour);
                    }
                }
            }
        }
        close(end, MIXED_HOUR, &mut by_hour);
        by_hour
    }
}

/// The first instant of local hour `hour` of `date`, if any of it exists.
/// Gaps are on quarter-hour boundaries.
fn hour_start(tz: Tz, date: Date, hour: u32) -> Option<i64> {
    let start = date.and_time(NaiveTime::MIN) + Duration::hours(i64::from(hour));
    (0..4).find_map(|quarter| {
        let local = start + Duration::minutes(15 * quarter);
        let at = tz.from_local_datetime(&local).earliest()?;
        Some(at.timestamp() * MICROS_PER_SECOND)
    })
}

/// The local hour (0–23) of an instant in a zone.
fn local_hour_in(tz: Tz, micros: i64) -> u8 {
    let utc = utc_datetime(Timestamp(micros));
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    let local = utc + Duration::seconds(i64::from(offset.local_minus_utc()));
    local.hour() as u8
}

/// A quick choice of period that the engine turns into dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The `n` days before the default end, and that day: `end − n` to
    /// `end`, like the default period (`start` = `end` − 30 days).
    LastDays(u32),
    /// From the data's first local day to its last, in the chosen zone.
    WholeData,
    /// From the 1st of the default end's month to the default end.
    ThisMonth,
    /// The whole calendar month before the default end's month, so that it
    /// compares with the month before it (SPEC §7.5).
    LastMonth,
    /// From 1 January of the default end's year to the default end.
    ThisYear,
}

impl Preset {
    /// Every preset of the page and the CLI's `--preset`, with its name
    /// there, in the order the page shows them.
    pub const ALL: [(Preset, &'static str); 7] = [
        (Preset::LastDays(7), "last-7-days"),
        (Preset::LastDays(30), "last-30-days"),
        (Preset::LastDays(90), "last-90-days"),
        (Preset::ThisMonth, "this-month"),
        (Preset::LastMonth, "last-month"),
        (Preset::ThisYear, "this-year"),
        (Preset::WholeData, "whole-data"),
    ];

    /// The preset called `name` in [`Preset::ALL`].
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|&(preset, _)| preset)
    }

    /// What the page's button says.
    pub fn label(self) -> String {
        match self {
            Preset::LastDays(n) => format!("Last {n} days"),
            Preset::WholeData => "Whole data".into(),
            Preset::ThisMonth => "This month".into(),
            Preset::LastMonth => "Last month".into(),
            Preset::ThisYear => "This year".into(),
        }
    }
}

/// The period a user asked for, as the CLI and the page give it: every
/// part optional. [`PeriodChoice::resolve`] is the one place that turns it
/// into a [`Period`], so default end, presets and the whole-data extent are
/// computed the same way everywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodChoice {
    /// First day, `YYYY-MM-DD`; default `end` − 30 days.
    pub start: Option<String>,
    /// Last day, `YYYY-MM-DD`; default today (see [`PeriodChoice::resolve`]).
    pub end: Option<String>,
    /// IANA time zone; default UTC.
    pub zone: Option<String>,
    /// A preset, which replaces `start` and `end`.
    pub preset: Option<Preset>,
}

impl PeriodChoice {
    /// The period this choice means at instant `now`.
    ///
    /// `extent` is the data's first and last instant
    /// ([`crate::model::Dataset::time_extent`]) when the front end wants
    /// the default end kept inside the data (the page: a bundle exported
    /// months ago opens on its last 30 days, not on 30 empty days), and
    /// `None` for SPEC §3's plain "today" (the CLI). The whole-data preset
    /// always uses the data's extent, in this choice's zone; without data
    /// it falls back to the default period.
    pub fn resolve(
        &self,
        now: Timestamp,
        extent: Option<(Timestamp, Timestamp)>,
    ) -> Result<Period, PeriodError> {
        let tz = parse_time_zone(clean(&self.zone).unwrap_or("UTC"))?;
        let today = date_in(tz, now);
        let default_end = match extent.map(|(_, last)| date_in(tz, last)) {
            Some(last) if today > last => last,
            _ => today,
        };
        match self.preset {
            Some(Preset::LastDays(n)) => {
                Period::new(default_end - Duration::days(i64::from(n)), default_end, tz)
            }
            Some(Preset::ThisMonth) => Period::new(first_of_month(default_end), default_end, tz),
            Some(Preset::LastMonth) => {
                let end = first_of_month(default_end)
                    .pred_opt()
                    .unwrap_or(NaiveDate::MIN);
                Period::new(first_of_month(end), end, tz)
            }
            Some(Preset::ThisYear) => Period::new(
                NaiveDate::from_ymd_opt(default_end.year(), 1, 1).unwrap_or(default_end),
                default_end,
                tz,
            ),
            Some(Preset::WholeData) => match extent {
                Some((first, last)) => Period::new(date_in(tz, first), date_in(tz, last), tz),
                None => Period::from_parts(None, None, tz, default_end),
            },
            None => Period::from_parts(clean(&self.start), clean(&self.end), tz, default_end),
        }
    }
}

/// The first day of `date`'s month.
fn first_of_month(date: Date) -> Date {
    date.with_day(1).unwrap_or(date)
}

/// An option's text, or `None` when it is absent or blank.
fn clean(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// The calendar date of an instant in a time zone (e.g. "today" from the
/// clock).
pub fn date_in(tz: Tz, ts: Timestamp) -> Date {
    let utc = utc_datetime(ts);
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    (utc + Duration::seconds(i64::from(offset.local_minus_utc()))).date()
}

/// The instant a local calendar day begins. Where a DST gap swallows
/// midnight (a few zones switch at 00:00) the day begins when the gap ends.
fn local_midnight(tz: Tz, date: Date) -> i64 {
    let mut local = date.and_time(NaiveTime::MIN);
    // Gaps are at most a few hours and on quarter-hour boundaries.
    for _ in 0..4 * 24 {
        if let Some(dt) = tz.from_local_datetime(&local).earliest() {
            return dt.timestamp() * MICROS_PER_SECOND;
        }
        local += Duration::minutes(15);
    }
    // Unreachable with the IANA database; fall back to UTC midnight.
    days_from_civil(date.year(), date.month(), date.day()) * 86_400 * MICROS_PER_SECOND
}

fn utc_datetime(ts: Timestamp) -> NaiveDateTime {
    let secs = ts.0.div_euclid(MICROS_PER_SECOND);
    let nanos = (ts.0.rem_euclid(MICROS_PER_SECOND) * 1000) as u32;
    chrono::DateTime::from_timestamp(secs, nanos)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// The Monday that starts the ISO 8601 week of `date`.
pub fn week_monday(date: Date) -> Date {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// ISO 8601 week label `YYYY-Www` with the ISO week-numbering year.
pub fn iso_week_label(date: Date) -> String {
    let week = date.iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

#[cfg(test)]
mod tests;
