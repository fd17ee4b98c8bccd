//! `engagement-report`: the engagement report from the command line, with
//! the options of the original `manage.py engagement_report`.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use engagement_engine::demo;
use engagement_engine::export::{self, Format};
use engagement_engine::load::{Bundle, Limits, Loaded};
use engagement_engine::output::{self, OutputOptions};
use engagement_engine::period::{PeriodChoice, Preset};
use engagement_engine::pipeline::{self, Run, RunOptions};
use engagement_engine::pseudonym::{self, Key};
use engagement_engine::segment::Segment;
use engagement_engine::timestamp::Timestamp;
use engagement_report::database;
use engagement_report::inputs::{self, Progress, Silent};
use engagement_report::s3;

const EXAMPLES: &str = "\
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
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Write a generated demo bundle (CSV tables, or a dumpdata JSON).
    DemoData(DemoArgs),
    /// Mint a presigned S3 URL from AWS credentials in the environment.
    Presign(PresignArgs),
}

#[derive(Args)]
struct ReportArgs {
    /// Export files, folders, .zip files, http(s) URLs (presigned GET) or
    /// postgres:// URLs [default: $DATABASE_URL].
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// Read the tables from this PostgreSQL database (a postgres:// URL;
    /// password from the URL, PGPASSWORD or ~/.pgpass).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Schema of the database's tables.
    #[arg(long, value_name = "SCHEMA", default_value = database::DEFAULT_SCHEMA)]
    db_schema: String,
    /// First day of the period, YYYY-MM-DD [default: end - 30 days].
    #[arg(long)]
    start: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD [default: today in --timezone].
    #[arg(long)]
    end: Option<String>,
    /// A period by name instead of --start/--end, from today in --timezone:
    /// last-7-days, last-30-days, last-90-days, this-month, last-month
    /// (compared with the month before it), this-year.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["start", "end"],
          value_parser = parse_preset)]
    preset: Option<Preset>,
    /// IANA time zone for the period, days and weeks, e.g. Europe/Paris.
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Format of the data-set files.
    #[arg(long, default_value = "json", value_parser = format_parser())]
    format: Format,
    /// Also write the insights: retention_matrix, activity_heatmap,
    /// user_engagement, fast_retention, period_comparison, and the fasts and
    /// app usage of SPEC §11: daily_activity, app_usage (always .json),
    /// fast_calendar, fast_daily, fast_editions (.json, or .csv with
    /// --format csv) and summary.md; in the zip and under "insights" in --stdout.
    #[arg(long)]
    insights: bool,
    /// Leave out staff: users whose is_staff or is_superuser is true, with
    /// their events, feed items and memberships (needs those auth_user columns).
    #[arg(long)]
    exclude_staff: bool,
    /// Only one church: its users (by hub_profile.church_id), its fasts, and
    /// their events and feed items.
    #[arg(long, value_name = "ID")]
    church: Option<i64>,
    /// Print the consolidated JSON to stdout and write no files.
    #[arg(long)]
    stdout: bool,
    /// Folder for the files [default: a new temporary folder, printed].
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Also write engagement_<start>_to_<end>.zip.
    #[arg(long)]
    zip: bool,
    /// Also write report.html: a readable report (headline figures, charts, the first rows of each data set, warnings) in one file that prints well; in the zip too.
    #[arg(long)]
    html: bool,
    /// With --html: list people in report.html (the first 20 rows of user_activity, user_activity_timeline, user_fast_participation and user_engagement, under "Contains personal data — for staff only"). Without it report.html names nobody and gives only their counts.
    #[arg(long)]
    html_people: bool,
    /// Also write report.xlsx: an Excel workbook, a Summary sheet then one sheet per data set; in the zip too.
    #[arg(long)]
    xlsx: bool,
    /// Start every CSV file with a UTF-8 byte-order mark, so that Excel shows non-Latin names correctly.
    #[arg(long)]
    csv_bom: bool,
    /// Replace names and e-mails with pseudonyms in every output (data sets,
    /// insights, summary.md, report.html, report.xlsx, the zip, --stdout, the
    /// upload): each user id and username becomes P- and 10 hex digits of
    /// HMAC-SHA256(key, user id), e-mails and feed titles and descriptions
    /// become null. Every figure and ranking stays the same. pseudonyms.csv,
    /// the only file that links pseudonyms to people, is written into the
    /// output folder (never into the zip, --stdout or an upload): keep it
    /// private.
    #[arg(long)]
    pseudonymize: bool,
    /// Key of the pseudonyms: 64 hex digits (e.g. `openssl rand -hex 32`), so
    /// that two reports give a user the same pseudonym [default:
    /// $ENGAGEMENT_PSEUDONYM_KEY, else a new random key for each run]. On a
    /// shared machine prefer the variable: others can see a command line.
    #[arg(long, value_name = "HEX", requires = "pseudonymize")]
    pseudonym_key: Option<String>,
    /// Upload the zip to S3 (with --upload-url, or credentials from AWS_* variables).
    #[arg(long)]
    upload_s3: bool,
    /// Presigned PUT URL to upload to (no credentials needed).
    #[arg(long, value_name = "URL")]
    upload_url: Option<String>,
    /// Bucket [default: $AWS_STORAGE_BUCKET_NAME].
    #[arg(long, value_name = "BUCKET")]
    s3_bucket: Option<String>,
    /// Endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    s3_endpoint: Option<String>,
    /// Key prefix of the upload.
    #[arg(long, default_value = "engagement-reports/")]
    s3_prefix: String,
    /// No progress bar and no warnings on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Longest CSV field or JSON object accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_field_bytes)]
    max_field_bytes: usize,
    /// Most bytes that zips may expand to.
    #[arg(long, default_value_t = Limits::default().max_unzipped_bytes)]
    max_unzipped_bytes: u64,
    /// Deepest JSON nesting accepted.
    #[arg(long, default_value_t = Limits::default().max_json_depth)]
    max_json_depth: usize,
    /// Leave out malformed rows (an id that is not a whole number, an
    /// unreadable timestamp, too few fields, a file cut off mid-row) with a
    /// counted warning per kind, instead of stopping with an error.
    #[arg(long)]
    skip_bad_rows: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Number of users (about 20 events and 10 feed items each).
    #[arg(long, default_value_t = 2000)]
    users: u32,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Write one dumpdata JSON (dump.json) instead of the CSV tables.
    #[arg(long)]
    dump: bool,
}

#[derive(Args)]
struct PresignArgs {
    /// HTTP method the URL allows.
    #[arg(long, value_enum)]
    method: MethodArg,
    /// Bucket [default: $AWS_STORAGE_BUCKET_NAME].
    #[arg(long)]
    bucket: Option<String>,
    /// Object key.
    #[arg(long)]
    key: String,
    /// Seconds the URL stays valid (at most 7 days).
    #[arg(long, default_value_t = 3600)]
    expires: u64,
    /// Endpoint of an S3-compatible store.
    #[arg(long, value_name = "URL")]
    s3_endpoint: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum MethodArg {
    Put,
    Get,
}

/// A failure and its exit status: 2 for bad usage or input, 1 for a failed
/// upload or missing settings.
struct Failure {
    status: u8,
    message: String,
}

fn input_error(message: impl std::fmt::Display) -> Failure {
    Failure {
        status: 2,
        message: message.to_string(),
    }
}

fn upload_error(message: impl std::fmt::Display) -> Failure {
    Failure {
        status: 1,
        message: message.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::DemoData(args)) => demo_data(&args),
        Some(Command::Presign(args)) => presign(&args),
        None => report(&cli.report),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

/// `--preset`'s names: those of [`Preset::ALL`] but the whole data, which
/// needs the data's extent before the load (the page offers it).
fn parse_preset(name: &str) -> Result<Preset, String> {
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
fn format_parser() -> impl TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .try_map(|name| name.parse::<Format>())
}

fn now() -> Timestamp {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    Timestamp(micros)
}

fn report(args: &ReportArgs) -> Result<(), Failure> {
    let period = PeriodChoice {
        start: args.start.clone(),
        end: args.end.clone(),
        zone: Some(args.timezone.clone()),
        preset: args.preset,
    }
    .resolve(now(), None)
    .map_err(input_error)?;
    if args.upload_url.is_some() && !args.upload_s3 {
        return Err(input_error("--upload-url needs --upload-s3"));
    }
    let pseudonym_key = if args.pseudonymize {
        Some(pseudonym_key(args)?)
    } else {
        None
    };

    let limits = Limits {
        max_field_bytes: args.max_field_bytes,
        max_unzipped_bytes: args.max_unzipped_bytes,
        max_json_depth: args.max_json_depth,
    };
    let mut bundle = Bundle::new(limits).skip_bad_rows(args.skip_bad_rows);
    let progress: Box<dyn Progress> = if !args.quiet && std::io::stderr().is_terminal() {
        Box::new(Bar::new())
    } else {
        Box::new(Silent)
    };
    let (databases, files) = split_inputs(args)?;
    for url in &databases {
        database::add_database(&mut bundle, url, &args.db_schema, progress.as_ref())
            .map_err(input_error)?;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    inputs::add_inputs(&mut bundle, &files, threads, progress.as_ref()).map_err(input_error)?;
    drop(progress);
    let loaded = bundle
        .finish()
        .map_err(|e| input_error(inputs::with_cli_hint(&e)))?;
    let rows_left_out = loaded.rows_left_out();
    let Loaded {
        dataset, warnings, ..
    } = loaded;
    if !args.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
        let left_out = rows_left_out;
        if left_out > 0 {
            eprintln!(
                "warning: {left_out} malformed row{} left out of the report in all (--skip-bad-rows)",
                if left_out == 1 { "" } else { "s" }
            );
        }
    }
    let segment = Segment {
        exclude_staff: args.exclude_staff,
        church_id: args.church,
    };
    let options = RunOptions {
        insights: args.insights,
        pseudonym_key: pseudonym_key.as_ref(),
        participation: None,
    };
    pipeline::run(
        Cow::Owned(dataset),
        &warnings,
        &period,
        segment,
        options,
        |run| write_report(args, run),
    )
    .map_err(input_error)?
}

/// The CLI's output of a computed report: the segment's notice, then
/// `--stdout`'s JSON or the files (all or nothing), `pseudonyms.csv` and
/// the upload.
fn write_report(args: &ReportArgs, run: &Run<'_, '_>) -> Result<(), Failure> {
    if let (Some(notice), false) = (run.segment.notice(), args.quiet) {
        eprintln!("notice: {notice}");
    }
    let options = OutputOptions {
        format: args.format,
        csv_bom: args.csv_bom,
        html: args.html,
        xlsx: args.xlsx,
        html_people: args.html_people,
    };

    if args.stdout {
        // Streamed: a large report's JSON is never held whole in memory.
        let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        run.write_consolidated_json(out)
            .map_err(|e| upload_error(format!("cannot write to stdout: {e}")))?;
        if args.upload_s3 {
            let zip = run.zip(options).map_err(input_error)?;
            upload(args, "engagement_report.zip", &zip)?;
        }
        return Ok(());
    }

    let zip_name = run.zip_name();
    // The default folder is the user's alone (SPEC §10): folder 0700,
    // files 0600, since it sits in a shared /tmp and holds members' data.
    // A folder the user names keeps the user's own umask.
    let private = args.output_dir.is_none();
    let dir = match &args.output_dir {
        Some(dir) => dir.clone(),
        None => {
            let mut builder = tempfile::Builder::new();
            builder.prefix("engagement_report_");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o700));
            }
            builder
                .tempdir()
                .map_err(|e| {
                    input_error(format!(
                        "cannot create a temporary folder: {e}; give --output-dir"
                    ))
                })?
                .keep()
        }
    };
    let zip = match (args.zip, args.upload_s3) {
        (true, _) => ZipWanted::Written(&zip_name),
        (false, true) => ZipWanted::InMemory,
        (false, false) => ZipWanted::No,
    };
    let zip =
        write_all_or_nothing(&dir, run.file_writers(options), zip, private).map_err(input_error)?;
    if let Some(bytes) = run.pseudonyms_csv(args.csv_bom) {
        // Beside the report, never in it: the only link back to people.
        let path = dir.join(pseudonym::FILE_NAME);
        write_private(&path, &bytes)
            .map_err(|e| input_error(format!("cannot write {}: {e}", path.display())))?;
        eprintln!(
            "pseudonyms: {} links each pseudonym to its user; keep it private",
            path.display()
        );
    }
    println!("{}", dir.display());

    if args.upload_s3 {
        let name = if args.zip {
            zip_name.as_str()
        } else {
            "engagement_report.zip"
        };
        upload(args, name, zip.as_deref().expect("built above"))?;
    }
    Ok(())
}

/// The pseudonym key: `--pseudonym-key`, else `ENGAGEMENT_PSEUDONYM_KEY`,
/// else a new random one. A malformed key is an error that never quotes it.
fn pseudonym_key(args: &ReportArgs) -> Result<Key, Failure> {
    const VAR: &str = "ENGAGEMENT_PSEUDONYM_KEY";
    let (hex, from) = match &args.pseudonym_key {
        Some(hex) => (hex.clone(), "--pseudonym-key"),
        None => match std::env::var(VAR) {
            Ok(hex) => (hex, VAR),
            Err(std::env::VarError::NotPresent) => return Key::random().map_err(input_error),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(input_error(format!(
                    "{VAR}: the pseudonym key is not text; expected 64 hex digits (32 bytes)"
                )))
            }
        },
    };
    Key::from_hex(&hex).map_err(|e| input_error(format!("{from}: {e}")))
}

/// Writes `bytes` to `path` whole (under a temporary name first), readable
/// by its owner only where the platform allows.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = path.with_extension("csv.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

/// The database URLs (`postgres://` inputs and `--database`) and the other
/// inputs. `DATABASE_URL` is read only when nothing else is given, so a
/// variable left in the environment never adds tables to given files.
fn split_inputs(args: &ReportArgs) -> Result<(Vec<String>, Vec<String>), Failure> {
    let (mut databases, files): (Vec<String>, Vec<String>) = args
        .inputs
        .iter()
        .cloned()
        .partition(|i| database::is_database_url(i));
    databases.extend(args.database.clone());
    if databases.is_empty() && files.is_empty() {
        match std::env::var("DATABASE_URL") {
            Ok(url) if database::is_database_url(&url) => databases.push(url),
            // Never echo the value: it may hold a password.
            Ok(_) => {
                return Err(input_error(
                    "DATABASE_URL is not a postgres:// or postgresql:// URL; give export files or a database URL as INPUT",
                ))
            }
            Err(_) => {
                return Err(input_error(
                    "no input: give export files, folders, .zip files or URLs as INPUT, a postgres:// URL (or --database URL), or set DATABASE_URL",
                ))
            }
        }
    }
    Ok((databases, files))
}

/// Whether the report's files also go into a zip, and where it goes.
enum ZipWanted<'n> {
    /// No zip.
    No,
    /// Only in memory (to upload it).
    InMemory,
    /// Also written beside the files, under this name.
    Written(&'n str),
}

/// Writes every file under a temporary name first and renames them only
/// when all were written, so a failure leaves no partial report. Each file
/// is written as it is made (the largest, the timeline, on a second
/// thread), so the report's files are never all in memory; the zip is
/// made from the written files. Returns the zip when one was wanted.
/// `private` files are created readable and writable by their user only
/// (0600), from the start rather than changed after.
fn write_all_or_nothing(
    dir: &Path,
    mut writers: Vec<output::FileWriter<'_>>,
    zip: ZipWanted<'_>,
    private: bool,
) -> Result<Option<Vec<u8>>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let temp = |name: &str| dir.join(format!(".{name}.partial"));
    let create = |path: &Path| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        options.open(path)
    };
    let cannot_write =
        |name: &str, e: std::io::Error| format!("cannot write {}: {e}", dir.join(name).display());
    let mut names: Vec<String> = writers.iter().map(|w| w.name.clone()).collect();
    let write_one = |writer: output::FileWriter<'_>| -> Result<(), String> {
        let name = writer.name.clone();
        let file = create(&temp(&name)).map_err(|e| cannot_write(&name, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writer
            .write_to(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| cannot_write(&name, e))
    };
    let timeline =
        (writers.len() > export::TIMELINE_INDEX).then(|| writers.remove(export::TIMELINE_INDEX));
    let written = std::thread::scope(|scope| {
        let timeline = timeline.map(|w| scope.spawn(|| write_one(w)));
        let others = writers.into_iter().try_for_each(write_one);
        let timeline = match timeline.map(|t| t.join()) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        };
        others.and(timeline)
    });
    let zipped = written.and_then(|()| {
        if matches!(zip, ZipWanted::No) {
            return Ok(None);
        }
        let mut entries = Vec::with_capacity(names.len());
        for name in &names {
            let file = std::fs::File::open(temp(name)).map_err(|e| cannot_write(name, e))?;
            let size = file.metadata().map_err(|e| cannot_write(name, e))?.len();
            entries.push((name.as_str(), size, std::io::BufReader::new(file)));
        }
        let bytes =
            export::zip_entries(entries).map_err(|e| format!("cannot make the zip: {e}"))?;
        if let ZipWanted::Written(zip_name) = zip {
            create(&temp(zip_name))
                .and_then(|mut f| f.write_all(&bytes))
                .map_err(|e| cannot_write(zip_name, e))?;
        }
        Ok(Some(bytes))
    });
    if let ZipWanted::Written(zip_name) = zip {
        names.push(zip_name.to_string());
    }
    let zipped = match zipped {
        Ok(zipped) => zipped,
        Err(e) => {
            for name in &names {
                let _ = std::fs::remove_file(temp(name));
            }
            return Err(e);
        }
    };
    for name in &names {
        std::fs::rename(temp(name), dir.join(name))
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(zipped)
}

fn upload(args: &ReportArgs, zip_name: &str, zip: &[u8]) -> Result<(), Failure> {
    if let Some(url) = &args.upload_url {
        s3::upload_presigned(url, zip, "application/zip").map_err(upload_error)?;
        eprintln!("uploaded {zip_name} to {}", s3::redact_url(url));
        return Ok(());
    }
    let settings = s3::S3Settings::from_env(args.s3_bucket.as_deref(), args.s3_endpoint.as_deref())
        .map_err(upload_error)?;
    let prefix = args.s3_prefix.trim_end_matches('/');
    let key = if prefix.is_empty() {
        zip_name.to_string()
    } else {
        format!("{prefix}/{zip_name}")
    };
    let url = s3::upload_with_credentials(&settings, &key, zip, "application/zip")
        .map_err(upload_error)?;
    println!("{url}");
    Ok(())
}

fn demo_data(args: &DemoArgs) -> Result<(), Failure> {
    let cfg = demo::DemoConfig {
        seed: args.seed,
        ..demo::DemoConfig::new(args.users)
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| input_error(format!("cannot create {}: {e}", args.out.display())))?;
    let write =
        |name: &str, body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| -> Result<(), Failure> {
            let path = args.out.join(name);
            let file = std::fs::File::create(&path)
                .map_err(|e| input_error(format!("cannot write {}: {e}", path.display())))?;
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            body(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| input_error(format!("cannot write {}: {e}", path.display())))
        };
    if args.dump {
        write("dump.json", &|out| demo::write_dumpdata(&cfg, out))?;
    } else {
        for name in demo::DEMO_FILES {
            write(name, &|out| demo::write_csv_table(&cfg, name, out))?;
        }
    }
    println!("{}", args.out.display());
    Ok(())
}

fn presign(args: &PresignArgs) -> Result<(), Failure> {
    let settings = s3::S3Settings::from_env(args.bucket.as_deref(), args.s3_endpoint.as_deref())
        .map_err(upload_error)?;
    let method = match args.method {
        MethodArg::Put => s3::Method::Put,
        MethodArg::Get => s3::Method::Get,
    };
    let url = s3::presign(
        &settings,
        method,
        &args.key,
        Duration::from_secs(args.expires),
    )
    .map_err(input_error)?;
    println!("{url}");
    Ok(())
}

/// A progress bar on stderr for terminals: bytes read of all files; for a
/// database, a spinner with the rows read of the current table and a line
/// per table read.
struct Bar {
    bar: indicatif::ProgressBar,
    /// Whether the bar shows database rows rather than file bytes.
    rows: AtomicBool,
}

impl Bar {
    fn new() -> Self {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(Self::bytes_style());
        Bar {
            bar,
            rows: AtomicBool::new(false),
        }
    }

    fn bytes_style() -> indicatif::ProgressStyle {
        indicatif::ProgressStyle::with_template(
            "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("a valid template")
    }
}

impl Progress for Bar {
    fn add_total(&self, bytes: u64) {
        if self.rows.swap(false, Ordering::Relaxed) {
            self.bar.set_style(Self::bytes_style());
        }
        self.bar.inc_length(bytes);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn table_rows(&self, table: &str, rows: u64, done: bool) {
        if !self.rows.swap(true, Ordering::Relaxed) {
            self.bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} reading {msg} {elapsed}")
                    .expect("a valid template"),
            );
        }
        if done {
            self.bar.println(format!("read {table}: {rows} rows"));
        } else {
            self.bar.set_message(format!("{table}: {rows} rows"));
            self.bar.tick();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
