//! The whole report for a loaded bundle, in one place: the segment narrows
//! the data, the seven data sets are computed, then (when asked) the
//! insights of SPEC §7 and §11, then (when asked) the pseudonyms of SPEC
//! §12 replace every person. [`run`] hands the result, a [`Run`], to the
//! front end, which adds only its own input and output: the CLI writes
//! [`Run::file_writers`] to disk, the page's worker shows the figures and
//! answers downloads with [`Run::files`] and [`Run::file`].

use std::borrow::Cow;

use crate::csv_write::UTF8_BOM;
use crate::export::{self, OutputFile};
use crate::insights::{self, Days, Insights};
use crate::load::Warning;
use crate::metrics::{self, Participation};
use crate::model::Dataset;
use crate::output::{self, FileWriter, OutputOptions, ReportParts};
use crate::period::Period;
use crate::pseudonym::{Collision, Key, Pseudonyms};
use crate::report::Report;
use crate::segment::{Segment, SegmentError, SegmentInfo};

/// Data set 5 (`user_fast_participation`) of one segment of the data: it
/// does not depend on the period, so a front end that computes several
/// periods of the same data keeps it between runs.
pub type ParticipationCache = Option<(Segment, Participation)>;

/// The daily insights of every day of one segment of the data in one zone
/// ([`Days`]): a front end that computes several periods of the same data
/// keeps them between runs, so that a long period does not walk every
/// event for them again. `None` inside: the data has no days to keep
/// (see [`Days::new`]).
pub type DaysCache = Option<(Segment, Option<Days>)>;

/// What a run computes besides the seven data sets.
#[derive(Default)]
pub struct RunOptions<'o> {
    /// The insights (SPEC §7, §11): computed, and then part of every
    /// output (their files, `summary.md`, the readable reports' sections,
    /// the consolidated JSON's `"insights"`).
    pub insights: bool,
    /// Replace every person with a pseudonym of this key (SPEC §12).
    pub pseudonym_key: Option<&'o Key>,
    /// Where data set 5 is kept between runs (the page's): taken from
    /// it when it holds this segment's, put there otherwise.
    pub participation: Option<&'o mut ParticipationCache>,
    /// Where the daily insights are kept between runs (the page's): taken
    /// from it when it holds this segment's in the period's zone, made and
    /// put there otherwise. Without it, every run walks the data.
    pub days: Option<&'o mut DaysCache>,
}

/// Why a report cannot be made.
#[derive(Debug)]
pub enum RunError {
    /// The bundle cannot give the segment.
    Segment(SegmentError),
    /// Two users would get the same pseudonym.
    Pseudonyms(Collision),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Segment(e) => e.fmt(f),
            RunError::Pseudonyms(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

/// A computed report: what every output is made from.
pub struct Run<'r, 'a> {
    /// The period the report covers.
    pub period: &'r Period,
    /// What the segment did (the consolidated JSON's `range.segment`, the
    /// notice, the readable reports' heading).
    pub segment: SegmentInfo,
    /// The data the report was computed from, narrowed to the segment.
    pub data: &'a Dataset,
    /// The seven data sets (with pseudonyms, in pseudonym order and the
    /// range marked).
    pub report: Report<'a>,
    /// The insights, when asked for.
    pub insights: Option<Insights<'a>>,
    /// The load's warnings (with pseudonyms, without the values they
    /// quote).
    pub warnings: Cow<'r, [Warning]>,
    /// The pseudonyms, when asked for: every output replaces each person.
    pub pseudonyms: Option<Pseudonyms>,
}

/// Runs the whole report of `data` (the loaded bundle's, with its
/// `warnings`) for `period` and `segment`, and gives the result to `then`.
/// Given owned data, the whole bundle is freed as soon as the segment's
/// copy is made (the CLI's case); borrowed data stays whole (the page
/// changes the segment without loading again).
pub fn run<T>(
    data: Cow<'_, Dataset>,
    warnings: &[Warning],
    period: &Period,
    segment: Segment,
    options: RunOptions<'_>,
    then: impl FnOnce(&Run<'_, '_>) -> T,
) -> Result<T, RunError> {
    // The segment narrows the data once, before any data set is computed.
    let (data, info) = match data {
        Cow::Owned(data) => {
            let (data, info) = segment.apply_owned(data).map_err(RunError::Segment)?;
            (Cow::Owned(data), info)
        }
        Cow::Borrowed(data) => {
            let s = segment.apply(data).map_err(RunError::Segment)?;
            (s.dataset, s.info)
        }
    };
    let data = &*data;
    let mut fresh = None;
    let cache = options.participation.unwrap_or(&mut fresh);
    if !matches!(cache, Some((s, _)) if *s == segment) {
        *cache = None;
    }
    let participation = &cache
        .get_or_insert_with(|| (segment, Participation::new(data)))
        .1;
    let mut report = metrics::compute_with(data, period, participation);
    report.range.segment = info.range_segment();
    let days = match options.days {
        Some(cache) if options.insights => {
            let fits = |(s, d): &(Segment, Option<Days>)| {
                *s == segment && d.as_ref().is_none_or(|d| d.tz() == period.tz())
            };
            if !cache.as_ref().is_some_and(fits) {
                *cache = Some((segment, Days::new(data, period.tz())));
            }
            cache.as_ref().and_then(|(_, d)| d.as_ref())
        }
        _ => None,
    };
    let insights = options
        .insights
        .then(|| insights::compute_with(data, period, &report, &info, warnings, days));
    // SPEC §12: one step after every figure is computed.
    let pseudonyms = match options.pseudonym_key {
        Some(key) => Some(Pseudonyms::new(key, data).map_err(RunError::Pseudonyms)?),
        None => None,
    };
    let run = match &pseudonyms {
        Some(p) => {
            let done = p.apply(&report, insights.as_ref(), warnings);
            Run {
                period,
                segment: info,
                data,
                report: done.report,
                insights: done.insights,
                warnings: Cow::Owned(done.warnings),
                pseudonyms,
            }
        }
        None => Run {
            period,
            segment: info,
            data,
            report,
            insights,
            warnings: Cow::Borrowed(warnings),
            pseudonyms,
        },
    };
    Ok(then(&run))
}

impl<'a> Run<'_, 'a> {
    /// What the files are made from.
    pub fn parts(&self) -> ReportParts<'_, 'a> {
        ReportParts {
            report: &self.report,
            insights: self.insights.as_ref(),
            period: self.period,
            segment: &self.segment,
            warnings: &self.warnings,
            pseudonyms: self.pseudonyms.as_ref(),
        }
    }

    /// The report's files in the zip's order, each written when asked
    /// (see [`output::report_file_writers`]).
    pub fn file_writers(&self, options: OutputOptions) -> Vec<FileWriter<'_>> {
        output::report_file_writers(self.parts(), options)
    }

    /// The report's files, in memory.
    pub fn files(&self, options: OutputOptions) -> std::io::Result<Vec<OutputFile>> {
        output::report_files(&self.parts(), options)
    }

    /// The zip of the report's files.
    pub fn zip(&self, options: OutputOptions) -> std::io::Result<Vec<u8>> {
        Ok(export::zip(&self.files(options)?))
    }

    /// `engagement_<start>_to_<end>.zip`.
    pub fn zip_name(&self) -> String {
        export::zip_name(self.period)
    }

    /// One file by name, whatever the zip would hold (`report.html` and
    /// `report.xlsx` too): only that file is made. `None` when the report
    /// has no file of that name in `options.format`.
    pub fn file(&self, name: &str, options: OutputOptions) -> Option<std::io::Result<OutputFile>> {
        let any = OutputOptions {
            html: true,
            xlsx: true,
            ..options
        };
        self.file_writers(any)
            .into_iter()
            .find(|w| w.name == name)
            .map(FileWriter::into_file)
    }

    /// Writes the consolidated JSON to `out` as it is made.
    pub fn write_consolidated_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        export::write_consolidated_json(
            &self.report,
            self.insights.as_ref(),
            self.pseudonyms.as_ref(),
            out,
        )
    }

    /// `pseudonyms.csv`, the only file that links pseudonyms to people
    /// (never in the zip), with a byte-order mark when `csv_bom`; `None`
    /// without pseudonyms.
    pub fn pseudonyms_csv(&self, csv_bom: bool) -> Option<Vec<u8>> {
        let p = self.pseudonyms.as_ref()?;
        let mut bytes = Vec::new();
        if csv_bom {
            bytes.extend_from_slice(UTF8_BOM);
        }
        bytes.extend_from_slice(&p.csv());
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Format;
    use crate::metrics::testing::TestBundle;
    use crate::period::{parse_date, parse_time_zone};

    fn january() -> Period {
        let day = |d| parse_date("day", d).unwrap();
        Period::new(
            day("2025-01-01"),
            day("2025-01-31"),
            parse_time_zone("UTC").unwrap(),
        )
        .unwrap()
    }

    /// User 1 is staff; user 2 posts one feed item in January.
    fn data() -> Dataset {
        TestBundle::new()
            .with_segment_columns()
            .staff_user(1, "2025-01-01 00:00:00+00", true, false)
            .staff_user(2, "2025-01-02 00:00:00+00", false, false)
            .feed(1, 2, "follow", "2025-01-05 10:00:00+00")
            .load()
    }

    const NO_STAFF: Segment = Segment {
        exclude_staff: true,
        church_id: None,
    };

    #[test]
    fn the_segment_narrows_owned_and_borrowed_data_alike() {
        let (data, period) = (data(), january());
        let json = |data| {
            run(data, &[], &period, NO_STAFF, RunOptions::default(), |r| {
                let mut bytes = Vec::new();
                r.write_consolidated_json(&mut bytes).unwrap();
                let users: Vec<i64> = r.report.user_activity.iter().map(|u| u.user_id).collect();
                (r.segment.staff_users_excluded, users, bytes)
            })
            .unwrap()
        };
        let borrowed = json(Cow::Borrowed(&data));
        let owned = json(Cow::Owned(data.clone()));
        assert_eq!((borrowed.0, &borrowed.1[..]), (1, &[2][..]));
        assert_eq!(borrowed, owned);
        let text = String::from_utf8(owned.2).unwrap();
        assert!(text.contains("\"exclude_staff\": true"), "{text}");
    }

    #[test]
    fn one_file_has_the_bytes_it_has_among_all() {
        let (data, period) = (data(), january());
        let options = RunOptions {
            insights: true,
            ..RunOptions::default()
        };
        let csv = OutputOptions {
            format: Format::Csv,
            ..OutputOptions::default()
        };
        run(Cow::Borrowed(&data), &[], &period, NO_STAFF, options, |r| {
            let all = r.files(OutputOptions { html: true, ..csv }).unwrap();
            for name in ["fasts.csv", "summary.md", "report.html"] {
                let one = r.file(name, csv).unwrap().unwrap();
                let among = all.iter().find(|f| f.name == name).unwrap();
                assert_eq!(&one, among, "{name}");
            }
            assert!(r.file("fasts.json", csv).is_none());
            assert!(r.file("pseudonyms.csv", csv).is_none());
        })
        .unwrap();
    }

    #[test]
    fn with_a_key_the_run_is_pseudonymised_and_gives_pseudonyms_csv() {
        let (data, period) = (data(), january());
        let key = Key::from_bytes([7; 32]);
        let options = RunOptions {
            pseudonym_key: Some(&key),
            ..RunOptions::default()
        };
        run(Cow::Borrowed(&data), &[], &period, NO_STAFF, options, |r| {
            assert!(r.report.range.pseudonymized);
            let csv = String::from_utf8(r.pseudonyms_csv(true).unwrap()).unwrap();
            let lines: Vec<&str> = csv.lines().collect();
            assert_eq!(lines[0], "\u{feff}pseudonym,user_id,username,email");
            // Only the segment's user: staff user 1 is left out.
            assert_eq!(lines.len(), 2);
            assert!(lines[1].starts_with("P-") && lines[1].contains(",2,user2,"));
        })
        .unwrap();
        run(
            Cow::Borrowed(&data),
            &[],
            &period,
            NO_STAFF,
            RunOptions::default(),
            |r| {
                assert!(!r.report.range.pseudonymized);
                assert_eq!(r.pseudonyms_csv(true), None);
            },
        )
        .unwrap();
    }

    #[test]
    fn data_set_5_is_kept_for_its_segment_only() {
        let (data, period) = (data(), january());
        let mut cache = None;
        for segment in [Segment::default(), Segment::default(), NO_STAFF] {
            let options = RunOptions {
                participation: Some(&mut cache),
                ..RunOptions::default()
            };
            run(Cow::Borrowed(&data), &[], &period, segment, options, |_| ()).unwrap();
            assert_eq!(cache.as_ref().map(|c| c.0), Some(segment));
        }
    }

    #[test]
    fn kept_days_give_the_same_outputs_and_follow_segment_and_zone() {
        let data = TestBundle::new()
            .with_segment_columns()
            .staff_user(1, "2024-12-31 23:30:00+00", true, false)
            .staff_user(2, "2025-01-02 00:00:00+00", false, false)
            .fast(16, "Community", None, None)
            .days(16, "2025-01-01", "2025-01-07")
            .feed(1, 2, "follow", "2025-01-05 10:00:00+00")
            .feed(2, 1, "follow", "2025-01-05 11:00:00+00")
            .feed(3, 2, "post", "2024-12-31 12:00:00+00")
            .event_data("app_open", Some(1), "{}", "2025-01-05 11:00:00+00")
            .event_data("session_start", Some(2), "{}", "2024-12-31 11:30:00+00")
            .event(
                "user_joined_fast",
                Some(2),
                Some(16),
                "2025-01-01 09:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(16),
                "2025-01-03 09:00:00+00",
            )
            .event(
                "user_left_fast",
                Some(1),
                Some(16),
                "2025-01-04 20:00:00+00",
            )
            .load();
        let mut cache = None;
        let csv = OutputOptions {
            format: Format::Csv,
            ..OutputOptions::default()
        };
        let periods = [
            january(),
            Period::from_options(
                Some("2024-12-01"),
                Some("2025-03-31"),
                Some("Pacific/Chatham"),
                Default::default(),
            )
            .unwrap(),
            Period::from_options(
                Some("2024-12-20"),
                Some("2025-01-10"),
                None,
                Default::default(),
            )
            .unwrap(),
        ];
        let (mut last, mut last_made, mut kept) = (None, None, 0);
        for segment in [Segment::default(), NO_STAFF, NO_STAFF] {
            for period in &periods {
                let files = |days: Option<&mut DaysCache>| {
                    let options = RunOptions {
                        insights: true,
                        days,
                        ..RunOptions::default()
                    };
                    run(Cow::Borrowed(&data), &[], period, segment, options, |r| {
                        r.files(OutputOptions { html: true, ..csv }).unwrap()
                    })
                    .unwrap()
                };
                assert_eq!(
                    files(Some(&mut cache)),
                    files(None),
                    "{segment:?} {period:?}"
                );
                let (kept_segment, days) = cache.as_ref().unwrap();
                assert_eq!(*kept_segment, segment);
                let days = days.as_ref().unwrap();
                assert_eq!(days.tz(), period.tz());
                // The same segment in the same zone keeps the days it made:
                // a run that made them again would hold a new list.
                let made = days.made_at();
                if last == Some((segment, period.tz())) {
                    assert_eq!(Some(made), last_made, "{segment:?} {period:?}");
                    kept += 1;
                }
                files(Some(&mut cache));
                assert_eq!(cache.as_ref().unwrap().1.as_ref().unwrap().made_at(), made);
                (last, last_made) = (Some((segment, period.tz())), Some(made));
            }
        }
        assert_eq!(kept, 1);
    }

    #[test]
    fn a_segment_the_bundle_cannot_give_is_an_error() {
        let data = TestBundle::new().user(1, "2025-01-01 00:00:00+00").load();
        let church = Segment {
            exclude_staff: false,
            church_id: Some(9),
        };
        let e = run(
            Cow::Borrowed(&data),
            &[],
            &january(),
            church,
            RunOptions::default(),
            |_| (),
        )
        .err()
        .unwrap();
        assert!(matches!(e, RunError::Segment(_)), "{e}");
    }
}
