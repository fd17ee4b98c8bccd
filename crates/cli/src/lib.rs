//! The `engagement-report` command-line program over the engine: inputs
//! from files, folders, zips, URLs and PostgreSQL databases; outputs to
//! files, a zip, stdout and S3.

pub mod database;
pub mod inputs;
pub mod s3;
