//! Every file of a report, in one list: the seven data sets, the insights
//! and their brief, `report.html` and `report.xlsx`. The page calls
//! [`report_files`] (the files in memory) and the CLI
//! [`report_file_writers`] (each file written to disk as it is made); both
//! come from the same list, so the same options give the same files and a
//! byte-identical zip.

use std::io::Write;

use crate::export::{self, Format, OutputFile};
use crate::insights::Insights;
use crate::load::Warning;
use crate::period::Period;
use crate::pseudonym::Pseudonyms;
use crate::readable::{self, charts, Headline, ReadableInput, Section, SectionTable};
use crate::report::Report;
use crate::segment::SegmentInfo;

/// Which files a report is written to, besides the seven data sets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// Format of the data-set files.
    pub format: Format,
    /// A UTF-8 byte-order mark at the start of every CSV file (for Excel).
    pub csv_bom: bool,
    /// Also `report.html`.
    pub html: bool,
    /// Also `report.xlsx`.
    pub xlsx: bool,
    /// `report.html` lists people: the first rows of the per-person data
    /// sets (SPEC §9, `--html-people`, the page's "Include names").
    pub html_people: bool,
}

/// What a report's files are made from ([`crate::pipeline::Run::parts`]).
#[derive(Clone, Copy)]
pub struct ReportParts<'r, 'a> {
    /// The seven data sets.
    pub report: &'r Report<'a>,
    /// The insights, when they are part of the output.
    pub insights: Option<&'r Insights<'a>>,
    /// The period the report covers.
    pub period: &'r Period,
    /// The segment the data was narrowed to.
    pub segment: &'r SegmentInfo,
    /// The load's warnings, listed in `report.html`.
    pub warnings: &'r [Warning],
    /// With pseudonyms (SPEC §12), every person in every file is replaced;
    /// `report`, `insights` and `warnings` then come from
    /// [`crate::pseudonym::Pseudonyms::apply`].
    pub pseudonyms: Option<&'r Pseudonyms>,
}

/// What writes one file's bytes.
type WriteFn<'p> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'p>;

/// One file of a report, written when asked: a front end that writes
/// files to disk writes each as it is made, so a large report never holds
/// all its files in memory at once.
pub struct FileWriter<'p> {
    /// File name, e.g. `fasts.csv`.
    pub name: String,
    write: WriteFn<'p>,
}

impl<'p> FileWriter<'p> {
    fn new(
        name: String,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'p,
    ) -> FileWriter<'p> {
        FileWriter {
            name,
            write: Box::new(write),
        }
    }

    /// Writes the file's bytes to `out`.
    pub fn write_to(self, out: &mut dyn Write) -> std::io::Result<()> {
        (self.write)(out)
    }

    /// The file, in memory.
    pub fn into_file(self) -> std::io::Result<OutputFile> {
        let name = self.name.clone();
        let mut bytes = Vec::new();
        self.write_to(&mut bytes)?;
        Ok(OutputFile { name, bytes })
    }
}

/// The files of a report, in the zip's order: data sets, insights and
/// `summary.md`, then `report.html` and `report.xlsx` when asked for.
pub fn report_files(
    parts: &ReportParts<'_, '_>,
    options: OutputOptions,
) -> Result<Vec<OutputFile>, std::io::Error> {
    report_file_writers(*parts, options)
        .into_iter()
        .map(FileWriter::into_file)
        .collect()
}

/// The files of [`report_files`], each to be written when asked. The
/// largest is at [`export::TIMELINE_INDEX`], `user_activity_timeline`.
pub fn report_file_writers<'p>(
    parts: ReportParts<'p, 'p>,
    options: OutputOptions,
) -> Vec<FileWriter<'p>> {
    let format = options.format;
    // SPEC §9a: a byte-order mark first in every CSV file, when asked.
    let bom = move |name: &str, out: &mut dyn Write| {
        if options.csv_bom && name.ends_with(".csv") {
            out.write_all(crate::csv_write::UTF8_BOM)?;
        }
        Ok::<(), std::io::Error>(())
    };
    let mut writers: Vec<FileWriter<'p>> = (0..export::DATA_SETS.len())
        .map(|index| {
            let name = export::file_name(export::DATA_SETS[index], format);
            let (report, pseudonyms) = (parts.report, parts.pseudonyms);
            FileWriter::new(name.clone(), move |out| {
                bom(&name, out)?;
                export::write_data_set(report, index, format, pseudonyms, out)
            })
        })
        .collect();
    if let Some(insights) = parts.insights {
        for index in 0..export::INSIGHT_DATA_SETS.len() {
            let name = export::insight_file_name(index, format);
            let pseudonyms = parts.pseudonyms;
            writers.push(FileWriter::new(name.clone(), move |out| {
                bom(&name, out)?;
                export::write_insight_data_set(insights, index, format, pseudonyms, out)
            }));
        }
        writers.push(FileWriter::new(export::SUMMARY_FILE.into(), move |out| {
            out.write_all(insights.summary_md.as_bytes())
        }));
    }
    if options.html {
        writers.push(FileWriter::new(
            readable::html::FILE_NAME.into(),
            move |out| {
                let parts = readable_parts(parts);
                let mut input = parts.input();
                input.people = options.html_people;
                out.write_all(&readable::html::report_html(&input))
            },
        ));
    }
    if options.xlsx {
        writers.push(FileWriter::new(
            readable::xlsx::FILE_NAME.into(),
            move |out| {
                let bytes = readable::xlsx::report_xlsx(&readable_parts(parts).input())
                    .map_err(std::io::Error::other)?;
                out.write_all(&bytes)
            },
        ));
    }
    writers
}

/// What the readable outputs are made from: the parts and the segment's
/// description (which [`ReadableInput`] borrows).
struct ReadableParts<'p> {
    parts: ReportParts<'p, 'p>,
    segment: Option<String>,
}

impl<'p> ReadableParts<'p> {
    fn input(&self) -> ReadableInput<'_> {
        readable_input(&self.parts, self.segment.as_deref())
    }
}

fn readable_parts<'p>(parts: ReportParts<'p, 'p>) -> ReadableParts<'p> {
    let segment = parts.segment.heading();
    ReadableParts { parts, segment }
}

/// The readable outputs' input: the report's own figures, and with
/// insights the previous period's, the brief and the insight charts.
fn readable_input<'r>(parts: &ReportParts<'r, '_>, segment: Option<&'r str>) -> ReadableInput<'r> {
    let mut input = ReadableInput::new(parts.report, parts.period, parts.warnings);
    input.segment = segment;
    input.pseudonyms = parts.pseudonyms;
    let Some(insights) = parts.insights else {
        return input;
    };
    input.headline = with_previous_period(input.headline, insights);
    input.brief = Some(&insights.summary_md);
    input.sections.push(Section {
        title: "Retention and activity".into(),
        intro: Some(
            "Of each week's new users, the share active in each following week; and when people are active, by weekday and hour."
                .into(),
        ),
        charts: insight_charts(insights),
        tables: Vec::new(),
    });
    input.sections.push(Section {
        title: "Fasts and app usage".into(),
        intro: Some(
            "Activity and fast joins and leaves on each day, when and on what the app is opened, and each current fast against its previous year's edition."
                .into(),
        ),
        charts: fasts_app_charts(insights),
        tables: Vec::new(),
    });
    // The user list shows its 20 most engaged users, the others their
    // first rows (SPEC §9).
    let mut best: Vec<usize> = (0..insights.user_engagement.len()).collect();
    best.sort_by_key(|&i| insights.user_engagement[i].engagement_rank);
    best.truncate(20);
    input.sections.push(Section {
        title: "Insight data sets".into(),
        intro: None,
        charts: Vec::new(),
        tables: crate::pseudonym::masked::insight_tables_with(insights, parts.pseudonyms)
            .into_iter()
            .map(|table| SectionTable {
                preview: (table.name() == "user_engagement").then(|| best.clone()),
                table,
            })
            .collect(),
    });
    input
}

/// The retention triangle and the activity heatmap of the insights.
pub fn insight_charts(insights: &Insights<'_>) -> Vec<charts::Chart> {
    let rows: Vec<charts::TriangleRow<'_>> = insights
        .retention_matrix
        .iter()
        .map(|c| charts::TriangleRow {
            cohort_week: &c.cohort_week,
            users: c.users,
            weeks: &c.weeks,
        })
        .collect();
    let mut counts = [[0u64; 24]; 7];
    for cell in &insights.activity_heatmap {
        counts[usize::from(cell.weekday) - 1][usize::from(cell.hour)] +=
            cell.events + cell.feed_items;
    }
    vec![
        charts::retention_triangle(&rows),
        charts::activity_heatmap(&counts, "events and feed items"),
    ]
}

/// The charts of SPEC §11: daily activity, daily joins and leaves with net
/// growth, app opens by hour, platforms, and one "this year against last
/// year" chart per current fast with a previous edition.
pub fn fasts_app_charts(insights: &Insights<'_>) -> Vec<charts::Chart> {
    let days: Vec<_> = insights
        .daily_activity
        .iter()
        .map(|d| (d.date, d.fast_joins, d.fast_leaves))
        .collect();
    let mut out = vec![
        charts::daily_activity(&insights.daily_activity),
        charts::joins_and_leaves(
            "fast_joins_and_leaves",
            "Fast joins and leaves per day",
            &days,
        ),
        charts::opens_by_hour(&insights.app_usage),
        charts::platforms(&insights.app_usage),
    ];
    for run in insights
        .fast_editions
        .chunk_by(|a, b| a.fast_id == b.fast_id)
    {
        let current = insights.fast_calendar.iter().find(|f| {
            f.fast_id == run[0].fast_id && f.status == crate::insights::FastStatus::Current
        });
        if let Some(fast) = current {
            out.push(charts::fast_edition(fast.fast_name, run));
        }
    }
    out
}

/// The headline figures with the previous period's values and the change,
/// from `period_comparison` (its metrics are the headline's, in order).
fn with_previous_period(mut headline: Vec<Headline>, insights: &Insights<'_>) -> Vec<Headline> {
    for (h, m) in headline.iter_mut().zip(&insights.period_comparison.metrics) {
        h.current = m.current as f64;
        h.previous = Some(m.previous as f64);
        h.change = Some(m.change as f64);
        h.change_pct = m.change_pct;
    }
    headline
}
