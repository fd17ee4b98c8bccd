//! Why an input could not be read: the CLI's input error, shared by the
//! readers of files, URLs and databases.

use engagement_engine::load::{LoadError, LoadErrorKind};

use crate::s3;

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// A path that does not exist or cannot be read.
    Io(String),
    /// A URL that could not be fetched.
    Fetch(s3::S3Error),
    /// A file the engine refused.
    Load(LoadError),
    /// A database that could not be reached or read.
    Database(DatabaseError),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Io(m) => f.write_str(m),
            InputError::Fetch(e) => write!(f, "{e}"),
            InputError::Load(e) => f.write_str(&with_cli_hint(e)),
            InputError::Database(e) => write!(f, "{e}"),
        }
    }
}

/// The engine's message for `e`, plus the command-line option that gets
/// past it: the engine names no option, since the page has none.
pub fn with_cli_hint(e: &LoadError) -> String {
    let hint = match &e.kind {
        LoadErrorKind::MalformedRows(_) => " using --skip-bad-rows",
        LoadErrorKind::FieldTooLong { .. } => {
            "; raise the limit with --max-field-bytes if the data is really that long"
        }
        LoadErrorKind::RowTooLong { .. } => {
            "; the row limit grows with --max-field-bytes if the data is really that long"
        }
        LoadErrorKind::TooDeep { .. } => {
            "; raise the limit with --max-json-depth if the data is really that deep"
        }
        LoadErrorKind::UnzippedTooLarge { .. } => {
            "; raise the limit with --max-unzipped-bytes if the data is really that large"
        }
        _ => "",
    };
    format!("{e}{hint}")
}

impl From<LoadError> for InputError {
    fn from(e: LoadError) -> Self {
        InputError::Load(e)
    }
}

/// A connection or read failure, as one line that names the host, port,
/// database and user and says what to check. Never holds the password.
#[derive(Debug)]
pub struct DatabaseError(pub(crate) String);

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
