//! Messages between the page and the Web Worker that runs the engine.
//!
//! Every message is a JSON text (`cmd` on the way in, `msg` on the way out);
//! files travel beside it as `File` objects (structured clone) and output
//! bytes come back as a transferred `ArrayBuffer`. Keeping the protocol in
//! plain serde types lets it be tested natively.

use engagement_engine::export::Format;
use serde::{Deserialize, Serialize};

/// Demo bundle sizes offered by the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoSize {
    /// A few hundred users: instant.
    Small,
    /// Several thousand users.
    Medium,
    /// Tens of thousands of users (about a million events).
    Large,
}

impl DemoSize {
    /// Every size, smallest first.
    pub const ALL: [DemoSize; 3] = [DemoSize::Small, DemoSize::Medium, DemoSize::Large];

    /// Users generated for this size (the CLI's `demo-data --users`).
    pub fn users(self) -> u32 {
        match self {
            DemoSize::Small => 300,
            DemoSize::Medium => 5_000,
            DemoSize::Large => 50_000,
        }
    }

    /// `small`, `medium` or `large` (as in `?demo=`).
    pub fn as_str(self) -> &'static str {
        match self {
            DemoSize::Small => "small",
            DemoSize::Medium => "medium",
            DemoSize::Large => "large",
        }
    }

    /// Parses `small`, `medium` or `large`.
    pub fn parse(text: &str) -> Option<DemoSize> {
        DemoSize::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where a bundle comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The `File` objects sent beside the command.
    Files,
    /// An http(s) URL to fetch (a presigned GET of a zip, dump or table).
    Url(String),
    /// The engine's demo generator.
    Demo(DemoSize),
}

/// The period the user asked for: the engine's, resolved by the worker.
pub use engagement_engine::period::{PeriodChoice, Preset};
/// The users the report is about (SPEC §8): the engine's.
pub use engagement_engine::segment::Segment;

/// What an export holds besides the seven data sets, as the page's export
/// section sets it (the CLI's `--format`, `--insights`, `--csv-bom`,
/// `--html`, `--xlsx`, `--html-people`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOptions {
    /// JSON or CSV data-set files.
    pub format: Format,
    /// The insight data sets and `summary.md`.
    pub insights: bool,
    /// A UTF-8 byte-order mark on CSV files (Excel shows non-Latin names).
    pub csv_bom: bool,
    /// `report.html`.
    pub html: bool,
    /// `report.xlsx`.
    pub xlsx: bool,
    /// `report.html` lists people (the CLI's `--html-people`); off by
    /// default, since the report goes to readers outside the staff.
    #[serde(default)]
    pub html_people: bool,
    /// With a key, names and e-mails are replaced with pseudonyms in every
    /// file, the zip and the consolidated JSON (SPEC §12; the CLI's
    /// `--pseudonymize --pseudonym-key`). The tables on screen keep the
    /// real names.
    #[serde(default)]
    pub pseudonym_key: Option<[u8; 32]>,
}

impl Default for ExportOptions {
    /// The page's defaults: JSON, with insights, the byte-order mark and
    /// both readable files.
    fn default() -> Self {
        ExportOptions {
            format: Format::Json,
            insights: true,
            csv_bom: true,
            html: true,
            xlsx: true,
            html_people: false,
            pseudonym_key: None,
        }
    }
}

impl From<ExportOptions> for engagement_engine::output::OutputOptions {
    fn from(o: ExportOptions) -> Self {
        engagement_engine::output::OutputOptions {
            format: o.format,
            csv_bom: o.csv_bom,
            html: o.html,
            xlsx: o.xlsx,
            html_people: o.html_people,
        }
    }
}

/// What to export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportWhat {
    /// `engagement_<start>_to_<end>.zip`.
    Zip,
    /// One of the seven files, by name (e.g. `fasts.csv`).
    File(String),
    /// The consolidated JSON object.
    Consolidated,
    /// The People view's call list ([`crate::call_list`]): the rows of
    /// `user_engagement` this query matches, as CSV or an Excel sheet.
    CallList {
        /// The list's rows as the view shows them (its page ignored).
        query: PageQuery,
        /// The list's status filter, for the file's name.
        status: Option<String>,
        /// An Excel workbook instead of CSV.
        spreadsheet: bool,
    },
    /// `pseudonyms.csv`, the key back to people of a pseudonymised export
    /// (never in the zip).
    Pseudonyms,
}

/// Sorting, filtering and paging of one table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery {
    /// Data set name, e.g. `user_activity_timeline`.
    pub table: String,
    /// Column index and descending flag.
    pub sort: Option<(usize, bool)>,
    /// Case-insensitive text that some cell must contain.
    pub filter: String,
    /// Only rows of this user (the `user_id` column).
    pub user_id: Option<i64>,
    /// Only rows whose cell in this column, as shown, is exactly this text
    /// (e.g. `user_engagement`'s `status` = `at_risk`).
    #[serde(default)]
    pub column_filter: Option<(usize, String)>,
    /// Page number, 0-based.
    pub page: usize,
    /// Rows per page.
    pub page_size: usize,
}

/// A command to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Load a bundle, then compute the report.
    Load {
        /// Where from.
        source: Source,
        /// The period (dates `None` take the data's defaults).
        period: PeriodChoice,
        /// Leave malformed rows out with a counted warning instead of
        /// refusing the bundle (the user's choice after seeing them).
        #[serde(default)]
        skip_bad_rows: bool,
        /// Once loaded, store the files (or the downloaded bytes) in the
        /// browser's private file system ("Keep this data on this
        /// computer", SPEC §10); never for demo data.
        #[serde(default)]
        keep: bool,
        /// This load's pseudonym key (64 hex digits), stored with the kept
        /// data so that a restored report gives the same pseudonyms (SPEC
        /// §12); `None` unless `keep`.
        #[serde(default)]
        pseudonym_key: Option<String>,
        /// The users the report is about.
        #[serde(default)]
        segment: Segment,
    },
    /// Recompute the report from the loaded data.
    Compute {
        /// The period.
        period: PeriodChoice,
        /// The users the report is about.
        #[serde(default)]
        segment: Segment,
    },
    /// One page of a table.
    Page {
        /// Echoed in the answer.
        id: u64,
        /// The page's view that asked (echoed).
        view: String,
        /// Which rows.
        query: PageQuery,
    },
    /// Bytes of an output file.
    Export {
        /// Echoed in the answer.
        id: u64,
        /// Which file.
        what: ExportWhat,
        /// Format and extra files.
        options: ExportOptions,
    },
    /// Stop the running load.
    Cancel,
}

/// One cell of a table shown in the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// Null.
    Null,
    /// A whole number.
    Int(i64),
    /// A fractional number (averages, rates).
    Num(f64),
    /// Text (names, dates, timestamps).
    Text(String),
}

impl Cell {
    /// The cell as shown.
    pub fn display(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => format!("{x:.2}"),
            Cell::Text(t) => t.clone(),
        }
    }
}

/// Loading progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// `reading`, `generating`, `fetching`, `resolving` or `computing`.
    pub phase: String,
    /// The file being read.
    pub file: String,
    /// Bytes read so far, over all files.
    pub bytes_done: u64,
    /// Bytes to read, when known.
    pub bytes_total: Option<u64>,
    /// Rows read per table label so far.
    pub rows: Vec<(String, u64)>,
    /// The worker's WebAssembly memory in bytes (it only grows, so this is
    /// also its peak so far).
    #[serde(default)]
    pub memory_bytes: u64,
}

/// What loading found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadSummary {
    /// Where the bundle came from, for the page's text.
    pub source: String,
    /// Rows per table: (label, file name, rows).
    pub tables: Vec<(String, String, u64)>,
    /// First and last local date with data, in the requested zone.
    pub extent: Option<(String, String)>,
    /// Whether the users carry `is_staff`/`is_superuser` (the "Exclude
    /// staff accounts" control is offered only then).
    #[serde(default)]
    pub staff_flags: bool,
    /// The bundle's churches when profiles carry churches: (id, name).
    #[serde(default)]
    pub churches: Vec<(i64, String)>,
    /// Every warning, one line each, with its count.
    pub warnings: Vec<(u64, String)>,
    /// Malformed rows left out because the user chose to go on without
    /// them.
    #[serde(default)]
    pub rows_left_out: u64,
    /// The file names of the tables of SPEC §2a the bundle lacks: the load
    /// summary's checklist marks them missing, and cards, charts and data
    /// sets that need one say so.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Files cut off in the middle of a row, each said in one sentence,
    /// for the report's first screen.
    #[serde(default)]
    pub incomplete: Vec<String>,
    /// Whether the data came from a `dumpdata` file: its tables have no
    /// CSV file names, so the checklist shows them by their meaning only.
    #[serde(default)]
    pub from_dump: bool,
    /// Models of a dump that the report does not read, with how many
    /// objects of each (by model name): said so that a whole-database dump
    /// does not seem to have lost them.
    #[serde(default)]
    pub other_models: Vec<(String, u64)>,
    /// Milliseconds from the request to the loaded data.
    pub millis: f64,
    /// The worker's WebAssembly memory in bytes once loaded.
    #[serde(default)]
    pub memory_bytes: u64,
}

/// The figures of a computed report that the page shows outside tables.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Start, end, time zone.
    pub range: (String, String, String),
    /// New users in the period.
    pub new_users: u64,
    /// Users with a feed item in the period.
    pub active_users: u64,
    /// Events in the period.
    pub events: u64,
    /// Screen views in the period.
    pub screen_views: u64,
    /// The newest weekly cohort that joined before the period began:
    /// (week, retention rate, active, total).
    pub earlier_cohort: Option<(String, f64, u64, u64)>,
    /// `other_metrics` as its JSON text (pretty).
    pub other_metrics_json: String,
    /// Per data set: (name, columns, rows).
    pub tables: Vec<(String, Vec<String>, u64)>,
    /// The zip's name.
    pub zip_name: String,
    /// The insights of SPEC §7 that the page draws (their row tables are
    /// in the worker's table store).
    #[serde(default)]
    pub insights: InsightsSummary,
    /// Every chart of the report, drawn by the engine's chart module (the
    /// same as in `report.html`): the six of the data sets, then the
    /// retention triangle and the activity heatmap of the insights.
    #[serde(default)]
    pub charts: Vec<engagement_engine::readable::charts::Chart>,
    /// The segment in words, when one is active.
    #[serde(default)]
    pub segment: Option<String>,
    /// The segment's notice (staff users excluded), when there is one.
    #[serde(default)]
    pub segment_notice: Option<String>,
    /// Milliseconds the computation took.
    pub millis: f64,
    /// The worker's WebAssembly memory in bytes once computed: the peak of
    /// everything so far, since WebAssembly memory never shrinks.
    #[serde(default)]
    pub memory_bytes: u64,
}

/// One metric of `period_comparison`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Metric name, e.g. `active_users`.
    pub metric: String,
    /// In the period.
    pub current: u64,
    /// In the previous period of the same length.
    pub previous: u64,
    /// current − previous.
    pub change: i64,
    /// 100 × change / previous; `None` when previous is 0.
    pub change_pct: Option<f64>,
}

/// One cohort of the retention triangle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TriangleCohort {
    /// `YYYY-Www`.
    pub cohort_week: String,
    /// Its Monday.
    pub cohort_start_date: String,
    /// Members.
    pub users: u64,
    /// Listed weeks: (week, active, rate, complete).
    pub weeks: Vec<(u32, u64, f64, bool)>,
}

/// One hour of one weekday of the activity heatmap.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeatCell {
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// Local hour, 0–23.
    pub hour: u8,
    /// Events.
    pub events: u64,
    /// Feed items.
    pub feed_items: u64,
    /// Distinct users.
    pub users: u64,
}

/// The insights the page draws outside tables.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InsightsSummary {
    /// `summary.md`, the brief.
    pub summary_md: String,
    /// The brief as safe elements, parsed in the worker (the engine's
    /// `readable::markdown`): the page draws them and carries no Markdown
    /// parser of its own.
    #[serde(default)]
    pub summary_nodes: Vec<engagement_engine::readable::markdown::Node>,
    /// The current and previous period, `(start, end)` each.
    pub periods: ((String, String), (String, String)),
    /// `period_comparison`'s metrics, in order.
    pub comparison: Vec<Comparison>,
    /// The retention triangle, newest cohort first.
    pub triangle: Vec<TriangleCohort>,
    /// The 168 cells of the heatmap, Monday 0:00 first.
    pub heatmap: Vec<HeatCell>,
    /// Users by status: (at risk, declining, engaged).
    pub statuses: (u64, u64, u64),
    /// The app-usage figures of SPEC §11.2 that the page states in words.
    pub app_usage: AppUsageFigures,
}

/// `app_usage`'s single figures (SPEC §11.2); its lists are charts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AppUsageFigures {
    /// `app_open` events.
    pub app_opens: u64,
    /// Their distinct users.
    pub app_open_users: u64,
    /// `session_start` events.
    pub sessions: u64,
    /// Their distinct users.
    pub session_users: u64,
    /// sessions / session users.
    pub sessions_per_user: f64,
    /// Session lengths counted.
    pub session_count: u64,
    /// Mean, median and nearest-rank 90th percentile in seconds; `None`
    /// without lengths.
    pub session_seconds: Option<(f64, f64, f64)>,
}

/// One page of a table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageReply {
    /// Echo of the request id.
    pub id: u64,
    /// Echo of the asking view.
    pub view: String,
    /// The data set.
    pub table: String,
    /// Rows in the data set.
    pub total: u64,
    /// Rows that match the filter.
    pub matched: u64,
    /// The page shown (clamped).
    pub page: usize,
    /// The rows of the page.
    pub rows: Vec<Vec<Cell>>,
}

/// A message from the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The worker's wasm is running and listening.
    Ready,
    /// Loading goes on.
    Progress(Progress),
    /// The bundle loaded; the report follows.
    Loaded(LoadSummary),
    /// The bundle could not be loaded; the data loaded before is kept.
    LoadFailed {
        /// What went wrong, with the file and line.
        message: String,
        /// A presigned link that has expired.
        expired_link: bool,
        /// Malformed rows in the bundle (SPEC §2d) that the page can offer
        /// to leave out ("Continue without these N rows"); `None` when the
        /// failure is not about malformed rows.
        #[serde(default)]
        bad_rows: Option<u64>,
    },
    /// The load was cancelled; the data loaded before is kept.
    Cancelled,
    /// A report was computed.
    Computed(Box<ReportSummary>),
    /// The period options are wrong.
    ComputeFailed {
        /// What is wrong and what is expected.
        message: String,
    },
    /// A page of a table.
    Page(PageReply),
    /// An output file; its bytes come beside the message.
    Exported {
        /// Echo of the request id.
        id: u64,
        /// File name.
        name: String,
        /// MIME type.
        mime: String,
    },
    /// An export could not be made.
    ExportFailed {
        /// Echo of the request id.
        id: u64,
        /// Why.
        message: String,
    },
    /// The engine is stopping (out of memory, or an internal error); the
    /// page starts a new worker, and the loaded data is gone.
    Crashed {
        /// What happened and what to do next.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let r = Request::Load {
            source: Source::Demo(DemoSize::Small),
            skip_bad_rows: true,
            keep: true,
            pseudonym_key: None,
            segment: Segment {
                exclude_staff: true,
                church_id: Some(2),
            },
            period: PeriodChoice {
                start: Some("2025-01-01".into()),
                zone: Some("UTC".into()),
                ..PeriodChoice::default()
            },
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), r);
        let cells = vec![
            Cell::Null,
            Cell::Int(3),
            Cell::Num(2.5),
            Cell::Text("<b>".into()),
        ];
        let text = serde_json::to_string(&cells).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Cell>>(&text).unwrap(), cells);
    }
}
