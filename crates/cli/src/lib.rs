//! The `engagement-report` command-line program over the engine: inputs
//! from files, folders, zips and URLs; outputs to files, a zip, stdout and
//! S3.

pub mod inputs;
pub mod s3;
