//! Every file of a report, in one list: the seven data sets, the insights
//! and their brief, `report.html` and `report.xlsx`. The CLI and the page
//! both call [`report_files`], so the same options give the same files and
//! a byte-identical zip.

use crate::export::{self, CsvOptions, Format, OutputFile};
use crate::insights::Insights;
use crate::load::Warning;
use crate::period::Period;
use crate::readable::{self, charts, Headline, ReadableInput, Section, SectionTable};
use crate::report::Report;
use crate::segment::SegmentInfo;
use crate::table;

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
}

/// What a report's files are made from.
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
}

/// The files of a report, in the zip's order: data sets, insights and
/// `summary.md`, then `report.html` and `report.xlsx` when asked for.
pub fn report_files(
    parts: &ReportParts<'_, '_>,
    options: OutputOptions,
) -> Result<Vec<OutputFile>, readable::xlsx::XlsxError> {
    let mut files = export::files(parts.report, options.format);
    if let Some(insights) = parts.insights {
        files.extend(export::insight_files(insights, options.format));
    }
    export::apply_csv_options(
        &mut files,
        CsvOptions {
            bom: options.csv_bom,
        },
    );
    if options.html || options.xlsx {
        let segment = parts.segment.range_segment().map(|_| {
            parts
                .segment
                .describe(|name| format!("\u{201c}{name}\u{201d}"))
        });
        let input = readable_input(parts, segment.as_deref());
        if options.html {
            files.push(OutputFile {
                name: readable::html::FILE_NAME.into(),
                bytes: readable::html::report_html(&input),
            });
        }
        if options.xlsx {
            files.push(OutputFile {
                name: readable::xlsx::FILE_NAME.into(),
                bytes: readable::xlsx::report_xlsx(&input)?,
            });
        }
    }
    Ok(files)
}

/// The readable outputs' input: the report's own figures, and with
/// insights the previous period's, the brief and the insight charts.
fn readable_input<'r>(parts: &ReportParts<'r, '_>, segment: Option<&'r str>) -> ReadableInput<'r> {
    let mut input = ReadableInput::new(parts.report, parts.period, parts.warnings);
    input.segment = segment;
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
    // The user list shows its 20 most engaged users, the others their
    // first rows (SPEC §9).
    let mut best: Vec<usize> = (0..insights.user_engagement.len()).collect();
    best.sort_by_key(|&i| insights.user_engagement[i].engagement_rank);
    best.truncate(20);
    input.sections.push(Section {
        title: "Insight data sets".into(),
        intro: None,
        charts: Vec::new(),
        tables: table::insight_tables(insights)
            .into_iter()
            .map(|t| SectionTable {
                preview: (t.name() == "user_engagement").then(|| best.clone()),
                table: t,
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
