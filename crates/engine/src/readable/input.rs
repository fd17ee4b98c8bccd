//! What the readable outputs are made from: the report, its period and
//! segment, headline figures, a brief, warnings, and extra sections (the
//! insights add theirs).

use super::charts::Chart;
use crate::insights::{METRICS, METRIC_LABELS};
use crate::load::Warning;
use crate::period::Period;
use crate::pseudonym::{self, Pseudonyms};
use crate::report::Report;
use crate::table::Table;

/// One headline figure, with the previous period's value when known.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// What is counted, e.g. `New users`.
    pub label: String,
    /// Value in the period.
    pub current: f64,
    /// Value in the previous period, when compared.
    pub previous: Option<f64>,
    /// current − previous, when compared.
    pub change: Option<f64>,
    /// 100 × change / previous; `None` when previous is 0 or unknown.
    pub change_pct: Option<f64>,
    /// `needs events_event.csv` when the figure's table is not in the
    /// bundle: shown instead of the figure (SPEC §2d).
    pub needs: Option<String>,
}

impl Headline {
    /// A figure without a previous period.
    pub fn current(label: &str, current: u64) -> Self {
        Headline {
            label: label.to_string(),
            current: current as f64,
            previous: None,
            change: None,
            change_pct: None,
            needs: None,
        }
    }
}

/// A table of a section: the whole table (a workbook sheet) and, when not
/// simply its first rows, the rows `report.html` shows (e.g. the 20 best
/// `engagement_rank`s).
pub struct SectionTable<'a> {
    /// The table.
    pub table: Table<'a>,
    /// Row indices to show in `report.html`, in order; `None` = the first
    /// 20.
    pub preview: Option<Vec<usize>>,
}

/// An extra section of the readable report (an insight): charts and
/// tables under a title.
pub struct Section<'a> {
    /// Heading.
    pub title: String,
    /// One paragraph under the heading, or `None`.
    pub intro: Option<String>,
    /// Charts, in order.
    pub charts: Vec<Chart>,
    /// Tables, in order; each is also a sheet of the workbook.
    pub tables: Vec<SectionTable<'a>>,
}

/// Everything `report.html` and `report.xlsx` show.
pub struct ReadableInput<'a> {
    /// The seven data sets.
    pub report: &'a Report<'a>,
    /// The period and time zone.
    pub period: &'a Period,
    /// The segment in words (SPEC §8), or `None` for all users.
    pub segment: Option<&'a str>,
    /// Headline figures, in order.
    pub headline: Vec<Headline>,
    /// The summary brief (Markdown), or `None`.
    pub brief: Option<&'a str>,
    /// Warnings of loading.
    pub warnings: &'a [Warning],
    /// Extra sections after the data sets (insights).
    pub sections: Vec<Section<'a>>,
    /// Whether `report.html` lists people (SPEC §9, `--html-people`): the
    /// first rows of the per-person data sets, under a notice. By default
    /// it names nobody and gives only their row and status counts.
    pub people: bool,
    /// With pseudonyms (SPEC §12), the data sets' people are replaced and
    /// the report says so; section tables come already replaced.
    pub pseudonyms: Option<&'a Pseudonyms>,
}

impl<'a> ReadableInput<'a> {
    /// The report alone: headline figures from data set 7 without a
    /// previous period, no segment, brief or extra sections.
    pub fn new(report: &'a Report<'a>, period: &'a Period, warnings: &'a [Warning]) -> Self {
        ReadableInput {
            report,
            period,
            segment: None,
            headline: headline_from_report(report),
            brief: None,
            warnings,
            sections: Vec::new(),
            people: false,
            pseudonyms: None,
        }
    }

    /// The data sets as tables ([`crate::table::data_sets`]), every person
    /// replaced when pseudonymised.
    pub fn data_sets(&self) -> Vec<Table<'a>> {
        pseudonym::masked::data_sets_with(self.report, self.pseudonyms)
    }
}

/// The headline figures the seven data sets give, in the order of the
/// period comparison's metrics (SPEC §7.5), without previous values.
pub fn headline_from_report(report: &Report<'_>) -> Vec<Headline> {
    let om = &report.other_metrics;
    let events = |code: &str| om.events_by_type.get(code).copied().unwrap_or(0);
    let figures = [
        report.new_users_over_time.iter().map(|d| d.count).sum(),
        om.active_users,
        report.user_activity.iter().map(|u| u.total_items).sum(),
        om.events_by_type.values().sum(),
        events("screen_view"),
        events("devotional_viewed"),
        events("checklist_used"),
        events("user_joined_fast"),
        events("user_left_fast"),
    ];
    METRIC_LABELS
        .iter()
        .zip(METRICS)
        .zip(figures)
        .map(|((label, metric), n)| Headline {
            needs: crate::load::needs(&report.missing_tables, metric),
            ..Headline::current(label, n)
        })
        .collect()
}
