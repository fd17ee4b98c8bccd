//! Output files of SPEC §5: one JSON or CSV file per data set, the
//! consolidated JSON, and the zip. Each file is written to any `Write` as
//! it is made (to memory for the page, to a temporary file for the CLI,
//! which renames its files only when all are written, so a failed report
//! leaves nothing half-written).

use crate::csv_write;
use crate::insights::Insights;
use crate::period::Period;
use crate::pseudonym::masked::{self, Masked};
use crate::pseudonym::Pseudonyms;
use crate::report::Report;
use crate::table;

/// Output format of the data-set files: the one type of the CLI's
/// `--format`, the page's choice and its messages to the worker (as
/// `"json"`, `"csv"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One pretty-printed JSON file per data set.
    #[default]
    Json,
    /// CSV for data sets 1–6; `other_metrics.json` stays JSON.
    Csv,
}

impl Format {
    /// Every format, in the order a choice lists them.
    pub const ALL: [Format; 2] = [Format::Json, Format::Csv];

    /// `json` or `csv`: the name on the command line, in a share link and
    /// in the page's menu.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// A format by its [`Format::as_str`] name.
    fn from_str(name: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| format!("expected json or csv, not {name:?}"))
    }
}

/// One output file, in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, e.g. `fasts.csv`.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The data sets' base names, in SPEC order.
pub const DATA_SETS: [&str; 7] = [
    "new_users_over_time",
    "fasts",
    "user_activity",
    "user_activity_timeline",
    "user_fast_participation",
    "retention_cohorts",
    "other_metrics",
];

/// Where `user_activity_timeline`, by far the largest file of a report, is
/// in [`DATA_SETS`] (and in the list of a report's files): front ends write
/// it on a thread of its own.
pub const TIMELINE_INDEX: usize = 3;

/// The insight data sets' base names (SPEC §7, then §11), in SPEC order:
/// written after the seven with insights on.
pub const INSIGHT_DATA_SETS: [&str; 10] = [
    "retention_matrix",
    "activity_heatmap",
    "user_engagement",
    "fast_retention",
    "period_comparison",
    "daily_activity",
    "app_usage",
    "fast_calendar",
    "fast_daily",
    "fast_editions",
];

/// The insight data set that stays JSON in CSV mode (a nested object, like
/// `other_metrics`).
pub const JSON_ONLY_INSIGHT: &str = "app_usage";

/// The brief of SPEC §7.6.
pub const SUMMARY_FILE: &str = "summary.md";

/// The file name of a data set in a format: `<name>.json` or `<name>.csv`,
/// except `other_metrics` and `app_usage`, nested objects, which are JSON
/// in both formats.
pub fn file_name(data_set: &str, format: Format) -> String {
    let ext = match format {
        Format::Csv if data_set != "other_metrics" && data_set != JSON_ONLY_INSIGHT => "csv",
        _ => "json",
    };
    format!("{data_set}.{ext}")
}

/// Pretty JSON with 2-space indentation, as SPEC §5 asks, written to `out`
/// as it is made; every person replaced when `pseudonyms` are given.
fn pretty_to<T: serde::Serialize>(
    value: &T,
    pseudonyms: Option<&Pseudonyms>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match pseudonyms {
        Some(p) => serde_json::to_writer_pretty(&mut *out, &Masked(value, p))?,
        None => serde_json::to_writer_pretty(&mut *out, value)?,
    }
    out.write_all(b"\n")
}

/// Writes data set `DATA_SETS[index]` of `report` in `format` to `out` as
/// it is made: the bytes of its file in [`files`] (named by
/// [`file_name`]), never the whole file in memory. With `pseudonyms`,
/// every person in it is replaced (SPEC §12; `report` then comes from
/// [`Pseudonyms::apply`]).
pub fn write_data_set(
    report: &Report<'_>,
    index: usize,
    format: Format,
    pseudonyms: Option<&Pseudonyms>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let r = report;
    if format == Format::Csv && index < 6 {
        let tables = [
            table::new_users_over_time,
            table::fasts,
            table::user_activity,
            table::user_activity_timeline,
            table::user_fast_participation,
            table::retention_cohorts,
        ];
        return csv_write::table_to(&masked_table(tables[index](r), pseudonyms), out);
    }
    let p = pseudonyms;
    match index {
        0 => pretty_to(&r.new_users_over_time, p, out),
        1 => pretty_to(&r.fasts, p, out),
        2 => pretty_to(&r.user_activity, p, out),
        3 => pretty_to(&r.user_activity_timeline, p, out),
        4 => pretty_to(&r.user_fast_participation, p, out),
        5 => pretty_to(&r.retention_cohorts, p, out),
        6 => pretty_to(&r.other_metrics, p, out),
        _ => panic!("data set index {index} out of 0..{}", DATA_SETS.len()),
    }
}

/// `t`, with every person replaced when `pseudonyms` are given.
fn masked_table<'a>(t: table::Table<'a>, pseudonyms: Option<&'a Pseudonyms>) -> table::Table<'a> {
    match pseudonyms {
        Some(p) => p.table(t),
        None => t,
    }
}

/// Writes insight data set `INSIGHT_DATA_SETS[index]` in `format` to `out`
/// as it is made: the bytes of its file in [`insight_files`]. With
/// `pseudonyms`, every person in it is replaced (SPEC §12).
pub fn write_insight_data_set(
    insights: &Insights<'_>,
    index: usize,
    format: Format,
    pseudonyms: Option<&Pseudonyms>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let (i, p) = (insights, pseudonyms);
    match (format, index) {
        (Format::Json, 0) => pretty_to(&i.retention_matrix, p, out),
        (Format::Json, 1) => pretty_to(&i.activity_heatmap, p, out),
        (Format::Json, 2) => pretty_to(&i.user_engagement, p, out),
        (Format::Json, 3) => pretty_to(&i.fast_retention, p, out),
        (Format::Json, 4) => pretty_to(&i.period_comparison, p, out),
        (Format::Json, 5) => pretty_to(&i.daily_activity, p, out),
        // A nested object: JSON in CSV mode too, like other_metrics.
        (_, 6) => pretty_to(&i.app_usage, p, out),
        (Format::Json, 7) => pretty_to(&i.fast_calendar, p, out),
        (Format::Json, 8) => pretty_to(&i.fast_daily, p, out),
        (Format::Json, 9) => pretty_to(&i.fast_editions, p, out),
        (Format::Csv, _) if index < INSIGHT_DATA_SETS.len() => {
            let t = masked::insight_tables_with(i, p).swap_remove(index);
            csv_write::table_to(&t, out)
        }
        _ => panic!(
            "insight data set index {index} out of 0..{}",
            INSIGHT_DATA_SETS.len()
        ),
    }
}

/// The file name of insight data set `INSIGHT_DATA_SETS[index]`.
pub fn insight_file_name(index: usize, format: Format) -> String {
    file_name(INSIGHT_DATA_SETS[index], format)
}

/// The seven files of a report, in memory, made in turn. Front ends take
/// a report's files from [`crate::output`] (the CLI writes the timeline on
/// a thread of its own there); this is the data sets alone, for tests.
pub fn files(report: &Report<'_>, format: Format) -> Vec<OutputFile> {
    (0..DATA_SETS.len())
        .map(|index| {
            let mut bytes = Vec::new();
            write_data_set(report, index, format, None, &mut bytes)
                .expect("writing to memory cannot fail");
            OutputFile {
                name: file_name(DATA_SETS[index], format),
                bytes,
            }
        })
        .collect()
}

/// The consolidated JSON object (`--stdout`, "copy JSON" in the page).
pub fn consolidated_json(report: &Report<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write_consolidated_json(report, None, None, &mut out).expect("writing to memory cannot fail");
    out
}

/// Writes the consolidated JSON (with `"insights"` when given) to `out`
/// while it is serialized, never holding the whole text: the CLI's
/// `--stdout` of a large report would otherwise need it all in memory.
/// The bytes are those of [`consolidated_json`] and
/// [`consolidated_json_with_insights`]. With `pseudonyms`, every person is
/// replaced (SPEC §12; `report` and `insights` then come from
/// [`Pseudonyms::apply`]).
pub fn write_consolidated_json(
    report: &Report<'_>,
    insights: Option<&Insights<'_>>,
    pseudonyms: Option<&Pseudonyms>,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct WithInsights<'r, 'a> {
        #[serde(flatten)]
        report: &'r Report<'a>,
        insights: &'r Insights<'a>,
    }
    match (insights, pseudonyms) {
        (Some(insights), None) => {
            serde_json::to_writer_pretty(&mut out, &WithInsights { report, insights })
        }
        (Some(insights), Some(p)) => {
            serde_json::to_writer_pretty(&mut out, &Masked(&WithInsights { report, insights }, p))
        }
        (None, None) => serde_json::to_writer_pretty(&mut out, report),
        (None, Some(p)) => serde_json::to_writer_pretty(&mut out, &Masked(report, p)),
    }
    .map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The files of the insights (SPEC §7), after the seven of [`files`]: one
/// per insight data set (`.json`, or `.csv` in CSV format, the period
/// comparison too) and `summary.md`.
pub fn insight_files(insights: &Insights<'_>, format: Format) -> Vec<OutputFile> {
    let mut out: Vec<OutputFile> = (0..INSIGHT_DATA_SETS.len())
        .map(|index| {
            let mut bytes = Vec::new();
            write_insight_data_set(insights, index, format, None, &mut bytes)
                .expect("writing to memory cannot fail");
            OutputFile {
                name: insight_file_name(index, format),
                bytes,
            }
        })
        .collect();
    out.push(OutputFile {
        name: SUMMARY_FILE.to_string(),
        bytes: insights.summary_md.clone().into_bytes(),
    });
    out
}

/// The consolidated JSON with the insights: the object of
/// [`consolidated_json`] plus `"insights": {…, "summary_md": "…"}` last.
pub fn consolidated_json_with_insights(report: &Report<'_>, insights: &Insights<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write_consolidated_json(report, Some(insights), None, &mut out)
        .expect("writing to memory cannot fail");
    out
}

/// `engagement_<start>_to_<end>.zip`.
pub fn zip_name(period: &Period) -> String {
    format!("engagement_{}_to_{}.zip", period.start(), period.end())
}

/// A zip holding `files` at its root. Deterministic: fixed timestamps and
/// permissions, so the same report gives the same bytes natively and in the
/// browser.
pub fn zip(files: &[OutputFile]) -> Vec<u8> {
    zip_entries(
        files
            .iter()
            .map(|f| (f.name.as_str(), f.bytes.len() as u64, &f.bytes[..])),
    )
    .expect("reading from memory cannot fail")
}

/// The zip of [`zip()`], its entries read from `(name, size, reader)`: files
/// written to disk are added without being held in memory. The same
/// entries give the same bytes as [`zip()`].
pub fn zip_entries<'n, R: std::io::Read>(
    entries: impl IntoIterator<Item = (&'n str, u64, R)>,
) -> std::io::Result<Vec<u8>> {
    let entries: Vec<(&str, u64, R)> = entries.into_iter().collect();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(entries.iter().any(|&(_, size, _)| size >= u32::MAX as u64));
    let mut block = Vec::with_capacity(ZIP_BLOCK);
    for (name, _, mut reader) in entries {
        writer.start_file(name, options)?;
        copy_in_blocks(&mut reader, &mut writer, &mut block)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The size of the blocks [`zip_entries`] compresses.
const ZIP_BLOCK: usize = 1 << 20;

/// Copies `reader` to `writer` in whole blocks (the last one shorter). The
/// deflate stream depends on where each write begins and ends, and a file
/// read from disk may come in short reads: written block by block, the
/// same bytes zip to the same bytes wherever they are read from.
fn copy_in_blocks(
    reader: &mut impl std::io::Read,
    writer: &mut impl std::io::Write,
    block: &mut Vec<u8>,
) -> std::io::Result<()> {
    loop {
        block.clear();
        let ended = crate::load::fill(reader, block, ZIP_BLOCK)?;
        writer.write_all(block)?;
        if ended {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns;
    use crate::metrics::testing::*;

    #[test]
    fn a_format_has_one_name_on_the_command_line_in_links_and_messages() {
        assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert!("CSV".parse::<Format>().is_err());
        assert_eq!(serde_json::to_string(&Format::Csv).unwrap(), "\"csv\"");
        assert_eq!(
            serde_json::from_str::<Format>("\"json\"").unwrap(),
            Format::Json
        );
    }

    fn sample() -> crate::model::Dataset {
        TestBundle::new()
            .named_user(1, "=cmd", "2025-01-01 00:00:00+00")
            .named_user(2, "ana, \"b\"", "2025-01-01 00:00:00+00")
            .feed_item(
                1,
                1,
                "milestone",
                "2025-01-02 00:00:00+00",
                Some("-2"),
                Some("line\nbreak"),
                None,
            )
            .feed_item(
                2,
                2,
                "fast_join",
                "2025-01-02 00:00:00+00",
                Some("@everyone"),
                None,
                Some((12, 16)),
            )
            .feed_item(
                3,
                2,
                "milestone",
                "2025-01-03 00:00:00+00",
                Some(""),
                Some("+1"),
                None,
            )
            .load()
    }

    fn text(f: &OutputFile) -> &str {
        std::str::from_utf8(&f.bytes).unwrap()
    }

    #[test]
    fn csv_flattens_types_and_guards_formulas() {
        let data = sample();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let files = files(&r, Format::Csv);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "new_users_over_time.csv",
                "fasts.csv",
                "user_activity.csv",
                "user_activity_timeline.csv",
                "user_fast_participation.csv",
                "retention_cohorts.csv",
                "other_metrics.json"
            ]
        );
        assert_eq!(
            text(&files[2]),
            "user_id,username,email,date_joined,total_items,type_fast_join,type_milestone\n\
             1,'=cmd,u1@example.org,2025-01-01T00:00:00Z,1,0,1\n\
             2,\"ana, \"\"b\"\"\",u2@example.org,2025-01-01T00:00:00Z,2,1,1\n"
        );
        assert_eq!(
            text(&files[3]),
            "user_id,username,activity_type,timestamp,title,description,target_type,target_id\n\
             1,'=cmd,milestone,2025-01-02T00:00:00Z,'-2,\"line\nbreak\",,\n\
             2,\"ana, \"\"b\"\"\",milestone,2025-01-03T00:00:00Z,,'+1,,\n\
             2,\"ana, \"\"b\"\"\",fast_join,2025-01-02T00:00:00Z,'@everyone,,fast,16\n"
        );
        assert!(text(&files[5]).starts_with("cohort_week,cohort_start_date,total_users,active_users,retention_rate,avg_activities_per_user,cohort_age_weeks\n2025-W01,2024-12-30,2,2,100.0,1.5,4\n"));
        // JSON keeps the text as it is.
        let json_files = super::files(&r, Format::Json);
        assert!(text(&json_files[3]).contains("\"title\": \"-2\""));
        assert!(text(&json_files[3]).starts_with("[\n  {\n    \"user_id\": 1,"));
    }

    #[test]
    fn a_zip_is_the_same_bytes_whether_its_files_are_read_whole_or_in_short_reads() {
        /// Hands out at most a few bytes per read, as a file or a pipe may.
        struct Trickle<'b>(&'b [u8], usize);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                self.1 = self.1 % 7 + 1;
                let n = self.1.min(out.len()).min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let data = sample();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let mut files = files(&r, Format::Json);
        // A file of several blocks, so block edges are crossed too.
        files.push(OutputFile {
            name: "big.txt".into(),
            bytes: (0..3 * ZIP_BLOCK + 12_345)
                .map(|i| (i * 31 % 251) as u8)
                .collect(),
        });
        let whole = zip(&files);
        let trickled = zip_entries(
            files
                .iter()
                .map(|f| (f.name.as_str(), f.bytes.len() as u64, Trickle(&f.bytes, 0))),
        )
        .unwrap();
        assert!(whole == trickled, "the zips differ");
    }

    #[test]
    fn csv_bom_prefixes_only_csv_files_and_readers_skip_it() {
        let data = sample();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let january = crate::period::Period::new(
            crate::period::parse_date("start", "2025-01-01").unwrap(),
            crate::period::parse_date("end", "2025-01-31").unwrap(),
            crate::period::parse_time_zone("UTC").unwrap(),
        )
        .unwrap();
        let segment = crate::segment::SegmentInfo::default();
        let parts = crate::output::ReportParts {
            report: &r,
            insights: None,
            period: &january,
            segment: &segment,
            warnings: &[],
            pseudonyms: None,
        };
        let options = |csv_bom| crate::output::OutputOptions {
            format: Format::Csv,
            csv_bom,
            ..Default::default()
        };
        let plain = crate::output::report_files(&parts, options(false)).unwrap();
        assert_eq!(plain, files(&r, Format::Csv));
        let with_bom = crate::output::report_files(&parts, options(true)).unwrap();
        for (a, b) in plain.iter().zip(&with_bom) {
            if a.name.ends_with(".csv") {
                assert_eq!(&b.bytes[..3], [0xEF, 0xBB, 0xBF], "{}", a.name);
                assert_eq!(&b.bytes[3..], &a.bytes[..], "{}", a.name);
            } else {
                assert_eq!(a, b);
            }
        }
        // A standard CSV reader sees the first column name without the mark.
        let mut reader = ::csv::Reader::from_reader(&with_bom[0].bytes[..]);
        assert_eq!(reader.headers().unwrap().get(0), Some("date"));
        // So does the engine's own loader, reading a table written with it.
        let mut users = crate::csv_write::UTF8_BOM.to_vec();
        users.extend_from_slice(
            b"id,username,email,date_joined\n1,ana,a@x,2025-01-02 10:00:00+00\n",
        );
        let mut bundle = crate::load::Bundle::new(crate::load::Limits::default());
        bundle.add_bytes("auth_user.csv", &users).unwrap();
        let loaded = bundle.finish().unwrap();
        let r = crate::metrics::compute(&loaded.dataset, &period());
        assert_eq!(r.new_users_over_time[0].count, 1);
    }

    fn period() -> Period {
        Period::from_options(
            Some("2025-01-01"),
            Some("2025-01-31"),
            None,
            Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn zip_is_deterministic_and_holds_the_files() {
        let data = sample();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let files = files(&r, Format::Json);
        let a = zip(&files);
        assert_eq!(a, zip(&files));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
        assert_eq!(archive.len(), 7);
        for f in &files {
            let mut entry = archive.by_name(&f.name).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            assert_eq!(bytes, f.bytes);
        }
    }

    fn with_insights(data: &crate::model::Dataset) -> (Report<'_>, Insights<'_>) {
        let r = report(data, "2025-01-01", "2025-01-31", "UTC");
        let period = crate::insights::testing::period("2025-01-01", "2025-01-31", "UTC");
        let i = crate::insights::compute(data, &period, &r, &Default::default(), &[]);
        (r, i)
    }

    #[test]
    fn insight_csv_files_follow_the_columns_and_guard_formulas() {
        let data = sample();
        let (_, i) = with_insights(&data);
        let files = insight_files(&i, Format::Csv);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "retention_matrix.csv",
                "activity_heatmap.csv",
                "user_engagement.csv",
                "fast_retention.csv",
                "period_comparison.csv",
                "daily_activity.csv",
                "app_usage.json",
                "fast_calendar.csv",
                "fast_daily.csv",
                "fast_editions.csv",
                "summary.md"
            ]
        );
        // One cohort (2025-W01, Monday 2024-12-30), two users, both active
        // in week 0; the period ends on Friday of week 4, which is listed
        // but not complete.
        let matrix = text(&files[0]);
        let mut lines = matrix.lines();
        assert_eq!(lines.next().unwrap(), columns::RETENTION_MATRIX.join(","));
        assert_eq!(
            lines.next().unwrap(),
            "2025-W01,2024-12-30,2,4,2,100.0,0,0.0,0,0.0,0,0.0,0,0.0,,,,,,,,,,,,,,,,"
        );
        assert_eq!(lines.next(), None);
        let heatmap = text(&files[1]);
        assert_eq!(heatmap.lines().count(), 169);
        // Thursday 2025-01-02 and Friday 01-03, 00:00.
        assert!(
            heatmap.contains("\n4,Thu,0,0,2,2\n4,Thu,1,0,0,0\n"),
            "{heatmap}"
        );
        assert!(heatmap.contains("\n5,Fri,0,0,1,1\n"), "{heatmap}");
        assert_eq!(
            text(&files[2]),
            "user_id,username,email,items,active_days,first_activity,last_activity,days_since_last,avg_gap_days,first_half_items,second_half_items,status,engagement_rank\n\
             1,'=cmd,u1@example.org,1,1,2025-01-02T00:00:00Z,2025-01-02T00:00:00Z,29,,1,0,at_risk,2\n\
             2,\"ana, \"\"b\"\"\",u2@example.org,2,2,2025-01-02T00:00:00Z,2025-01-03T00:00:00Z,28,1.0,2,0,at_risk,1\n"
        );
        assert_eq!(text(&files[3]), columns::FAST_RETENTION.join(",") + "\n");
        let comparison = text(&files[4]);
        assert!(
            comparison.starts_with("metric,current,previous,change,change_pct\nnew_users,2,0,2,\n"),
            "{comparison}"
        );
        assert!(comparison.contains("\nfeed_items,3,0,3,\n"), "{comparison}");
        assert_eq!(comparison.lines().count(), 10);
        let daily = text(&files[5]);
        assert_eq!(
            daily.lines().next().unwrap(),
            columns::DAILY_ACTIVITY.join(",")
        );
        assert_eq!(daily.lines().count(), 32);
        // app_usage stays JSON in CSV mode, like other_metrics.
        assert!(text(&files[6]).starts_with("{\n  \"app_opens\": 0,"));
        assert_eq!(text(&files[7]), columns::FAST_CALENDAR.join(",") + "\n");
        assert_eq!(files[10].bytes, i.summary_md.as_bytes());
        // JSON: the same names with .json, and summary.md.
        let json = insight_files(&i, Format::Json);
        assert_eq!(json[4].name, "period_comparison.json");
        assert!(text(&json[4]).starts_with("{\n  \"current\": {\n    \"start\": \"2025-01-01\""));
        assert_eq!(json[6].name, "app_usage.json");
        assert_eq!(json[10].name, SUMMARY_FILE);
    }

    #[test]
    fn consolidated_with_insights_adds_them_last() {
        let data = sample();
        let (r, i) = with_insights(&data);
        let plain = consolidated_json(&r);
        let full = consolidated_json_with_insights(&r, &i);
        // The report's keys come first, as they are; `insights` closes it.
        let head = &plain[..plain.len() - 3]; // without "\n}\n"
        assert!(full.starts_with(head));
        let value: serde_json::Value = serde_json::from_slice(&full).unwrap();
        let text = std::str::from_utf8(&full).unwrap();
        let at = |key: &str| text.find(&format!("\n    \"{key}\": ")).unwrap();
        let keys = [
            "retention_matrix",
            "activity_heatmap",
            "user_engagement",
            "fast_retention",
            "period_comparison",
            "summary_md",
        ];
        assert!(text.find("\n  \"insights\": {").unwrap() < at(keys[0]));
        assert!(keys.windows(2).all(|k| at(k[0]) < at(k[1])));
        assert_eq!(value["insights"]["summary_md"], i.summary_md.as_str());
        assert!(value["range"].get("segment").is_none());
    }

    #[test]
    fn consolidated_has_every_key_in_order() {
        let data = sample();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let text = String::from_utf8(consolidated_json(&r)).unwrap();
        let keys: Vec<usize> = [
            "\"range\"",
            "\"new_users_over_time\"",
            "\"fasts\"",
            "\"user_activity\"",
            "\"user_activity_timeline\"",
            "\"user_fast_participation\"",
            "\"retention_cohorts\"",
            "\"other_metrics\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap())
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(text.contains("\"timezone\": \"UTC\""));
    }
}
