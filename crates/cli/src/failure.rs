//! How a command fails: a message and the exit status.

/// A failure and its exit status: 2 for bad usage or input, 1 for a failed
/// upload or missing settings.
pub(crate) struct Failure {
    pub(crate) status: u8,
    pub(crate) message: String,
}

pub(crate) fn input_error(message: impl std::fmt::Display) -> Failure {
    Failure {
        status: 2,
        message: message.to_string(),
    }
}

pub(crate) fn upload_error(message: impl std::fmt::Display) -> Failure {
    Failure {
        status: 1,
        message: message.to_string(),
    }
}
