//! `engagement-report`: the engagement report from the command line, with
//! the options of the original `manage.py engagement_report`.

mod args;
mod failure;
mod progress_bar;
mod report;
mod writer;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use engagement_engine::demo;
use engagement_report::s3;

use args::{Cli, Command, DemoArgs, MethodArg, PresignArgs};
use failure::{input_error, upload_error, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::DemoData(args)) => demo_data(&args),
        Some(Command::Presign(args)) => presign(&args),
        None => report::report(&cli.report),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.status)
        }
    }
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
        for table in demo::tables() {
            write(table.file_name(), &|out| {
                demo::write_csv_table(&cfg, table, out)
            })?;
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
