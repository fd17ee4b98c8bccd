//! The `engagement-report` command-line program over the engine: inputs
//! from files, folders, zips, URLs and PostgreSQL databases; outputs to
//! files, a zip, stdout and S3.

pub mod database;
pub mod input_error;
pub mod inputs;
pub mod progress;
pub mod s3;
