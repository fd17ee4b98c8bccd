//! The report command: the period, the inputs and their load, then the
//! engine's pipeline, and the CLI's own output (files, `--stdout`,
//! `pseudonyms.csv`, the upload).

use std::borrow::Cow;
use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use engagement_engine::load::{Bundle, Limits, Loaded};
use engagement_engine::output::OutputOptions;
use engagement_engine::period::PeriodChoice;
use engagement_engine::pipeline::{self, Run, RunOptions};
use engagement_engine::pseudonym::{self, Key};
use engagement_engine::segment::Segment;
use engagement_engine::timestamp::Timestamp;
use engagement_report::database;
use engagement_report::inputs::{self, Progress, Silent};
use engagement_report::s3;

use crate::args::ReportArgs;
use crate::failure::{input_error, upload_error, Failure};
use crate::progress_bar::Bar;
use crate::writer::{write_all_or_nothing, write_private, ZipWanted};

fn now() -> Timestamp {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    Timestamp(micros)
}

pub(crate) fn report(args: &ReportArgs) -> Result<(), Failure> {
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
        days: None,
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
