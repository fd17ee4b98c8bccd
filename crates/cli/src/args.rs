//! The command line: clap's description of the report's options and of
//! the `demo-data` and `presign` commands.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use engagement_engine::export::Format;
use engagement_engine::load::Limits;
use engagement_engine::period::Preset;
use engagement_report::database;

pub(crate) const EXAMPLES: &str = "\
Examples:
  engagement-report demo-data --out demo
  engagement-report demo --start 2025-06-01 --end 2025-06-30 --format csv --output-dir report --zip
  engagement-report exports.zip --timezone America/Los_Angeles --stdout > report.json
  PGPASSWORD=... engagement-report postgres://reporter@db.example.org/app --start 2025-06-01 --zip
  engagement-report exports.zip --insights --exclude-staff --church 2 --start 2025-01-01 --end 2025-01-31 --zip
  engagement-report exports.zip --insights --html --zip --pseudonymize --pseudonym-key \"$(cat pseudonym.key)\"
  engagement-report 'https://bucket.s3.amazonaws.com/exports.zip?X-Amz-...' --zip --upload-s3 --upload-url '<presigned PUT URL>'
  engagement-report presign --method put --bucket reports --key engagement-reports/report.zip --expires 3600";

/// The engagement report from a community app's data exports.
#[derive(Parser)]
#[command(
    name = "engagement-report",
    version,
    about,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) report: ReportArgs,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Write a generated demo bundle (CSV tables, or a dumpdata JSON).
    DemoData(DemoArgs),
    /// Mint a presigned S3 URL from AWS credentials in the environment.
    Presign(PresignArgs),
}

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Export files, folders, .zip files, http(s) URLs (presigned GET) or
    /// postgres:// URLs [default: $DATABASE_URL].
    #[arg(value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// Read the tables from this PostgreSQL database (a postgres:// URL;
    /// password from the URL, PGPASSWORD or ~/.pgpass).
    #[arg(long, value_name = "URL")]
    pub(crate) database: Option<String>,
    /// Schema of the database's tables.
    #[arg(long, value_name = "SCHEMA", default_value = database::DEFAULT_SCHEMA)]
    pub(crate) db_schema: String,
    /// First day of the period, YYYY-MM-DD [default: end - 30 days].
    #[arg(long)]
    pub(crate) start: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD [default: today in --timezone].
    #[arg(long)]
    pub(crate) end: Option<String>,
    /// A period by name instead of --start/--end, from today in --timezone:
    /// last-7-days, last-30-days, last-90-days, this-month, last-month
    /// (compared with the month before it), this-year.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["start", "end"],
          value_parser = parse_preset)]
    pub(crate) preset: Option<Preset>,
    /// IANA time zone for the period, days and weeks, e.g. Europe/Paris.
    #[arg(long, default_value = "UTC")]
    pub(crate) timezone: String,
    /// Format of the data-set files.
    #[arg(long, default_value = "json", value_parser = format_parser())]
    pub(crate) format: Format,
    /// Also write the insights: retention_matrix, activity_heatmap,
    /// user_engagement, fast_retention, period_comparison, and the fasts and
    /// app usage of SPEC §11: daily_activity, app_usage (always .json),
    /// fast_calendar, fast_daily, fast_editions (.json, or .csv with
    /// --format csv) and summary.md; in the zip and under "insights" in --stdout.
    #[arg(long)]
    pub(crate) insights: bool,
    /// Leave out staff: users whose is_staff or is_superuser is true, with
    /// their events, feed items and memberships (needs those auth_user columns).
    #[arg(long)]
    pub(crate) exclude_staff: bool,
    /// Only one church: its users (by hub_profile.church_id), its fasts, and
    /// their events and feed items.
    #[arg(long, value_name = "ID")]
    pub(crate) church: Option<i64>,
    /// Print the consolidated JSON to stdout and write no files.
    #[arg(long)]
    pub(crate) stdout: bool,
    /// Folder for the files [default: a new temporary folder, printed].
    #[arg(long, value_name = "DIR")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Also write engagement_<start>_to_<end>.zip.
    #[arg(long)]
    pub(crate) zip: bool,
    /// Also write report.html: a readable report (headline figures, charts, the first rows of each data set, warnings) in one file that prints well; in the zip too.
    #[arg(long)]
    pub(crate) html: bool,
    /// With --html: list people in report.html (the first 20 rows of user_activity, user_activity_timeline, user_fast_participation and user_engagement, under "Contains personal data — for staff only"). Without it report.html names nobody and gives only their counts.
    #[arg(long)]
    pub(crate) html_people: bool,
    /// Also write report.xlsx: an Excel workbook, a Summary sheet then one sheet per data set; in the zip too.
    #[arg(long)]
    pub(crate) xlsx: bool,
    /// Start every CSV file with a UTF-8 byte-order mark, so that Excel shows non-Latin names correctly.
    #[arg(long)]
    pub(crate) csv_bom: bool,
    /// Replace names and e-mails with pseudonyms in every output (data sets,
    /// insights, summary.md, report.html, report.xlsx, the zip, --stdout, the
    /// upload): each user id and username becomes P- and 10 hex digits of
    /// HMAC-SHA256(key, user id), e-mails and feed titles and descriptions
    /// become null. Every figure and ranking stays the same. pseudonyms.csv,
    /// the only file that links pseudonyms to people, is written into the
    /// output folder (never into the zip, --stdout or an upload): keep it
    /// private.
    #[arg(long)]
    pub(crate) pseudonymize: bool,
    /// Key of the pseudonyms: 64 hex digits (e.g. `openssl rand -hex 32`), so
    /// that two reports give a user the same pseudonym [default:
    /// $ENGAGEMENT_PSEUDONYM_KEY, else a new random key for each run]. On a
    /// shared machine prefer the variable: others can see a command line.
    #[arg(long, value_name = "HEX", requires = "pseudonymize")]
    pub(crate) pseudonym_key: Option<String>,
    /// Upload the zip to S3 (with --upload-url, or credentials from AWS_* variables).
    #[arg(long)]
    pub(crate) upload_s3: bool,
    /// Presigned PUT URL to upload to (no credentials needed).
    #[arg(long, value_name = "URL")]
    pub(crate) upload_url: Option<String>,
    /// Bucket [default: $AWS_STORAGE_BUCKET_NAME].
    #[arg(long, value_name = "BUCKET")]
    pub(crate) s3_bucket: Option<String>,
    /// Endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    pub(crate) s3_endpoint: Option<String>,
    /// Key prefix of the upload.
    #[arg(long, default_value = "engagement-reports/")]
    pub(crate) s3_prefix: String,
    /// No progress bar and no warnings on stderr.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Longest CSV field or JSON object accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_field_bytes)]
    pub(crate) max_field_bytes: usize,
    /// Most bytes that zips may expand to.
    #[arg(long, default_value_t = Limits::default().max_unzipped_bytes)]
    pub(crate) max_unzipped_bytes: u64,
    /// Deepest JSON nesting accepted.
    #[arg(long, default_value_t = Limits::default().max_json_depth)]
    pub(crate) max_json_depth: usize,
    /// Leave out malformed rows (an id that is not a whole number, an
    /// unreadable timestamp, too few fields, a file cut off mid-row) with a
    /// counted warning per kind, instead of stopping with an error.
    #[arg(long)]
    pub(crate) skip_bad_rows: bool,
}

#[derive(Args)]
pub(crate) struct DemoArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Number of users (about 20 events and 10 feed items each).
    #[arg(long, default_value_t = 2000)]
    pub(crate) users: u32,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Write one dumpdata JSON (dump.json) instead of the CSV tables.
    #[arg(long)]
    pub(crate) dump: bool,
}

#[derive(Args)]
pub(crate) struct PresignArgs {
    /// HTTP method the URL allows.
    #[arg(long, value_enum)]
    pub(crate) method: MethodArg,
    /// Bucket [default: $AWS_STORAGE_BUCKET_NAME].
    #[arg(long)]
    pub(crate) bucket: Option<String>,
    /// Object key.
    #[arg(long)]
    pub(crate) key: String,
    /// Seconds the URL stays valid (at most 7 days).
    #[arg(long, default_value_t = 3600)]
    pub(crate) expires: u64,
    /// Endpoint of an S3-compatible store.
    #[arg(long, value_name = "URL")]
    pub(crate) s3_endpoint: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum MethodArg {
    Put,
    Get,
}

/// `--preset`'s names: those of [`Preset::ALL`] but the whole data, which
/// needs the data's extent before the load (the page offers it).
pub(crate) fn parse_preset(name: &str) -> Result<Preset, String> {
    match Preset::from_name(name) {
        Some(Preset::WholeData) | None => {
            let names: Vec<&str> = Preset::ALL
                .iter()
                .filter(|(p, _)| *p != Preset::WholeData)
                .map(|&(_, n)| n)
                .collect();
            Err(format!("expected one of {}", names.join(", ")))
        }
        Some(preset) => Ok(preset),
    }
}

/// `--format`'s parser: the engine's [`Format`] by name, its names listed
/// in the help and in errors as clap lists an enum's.
pub(crate) fn format_parser() -> impl TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .try_map(|name| name.parse::<Format>())
}
