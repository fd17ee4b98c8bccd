//! The size limits of a load.

/// Size limits that turn hostile input into a clear error instead of an
/// exhausted memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest single CSV field or JSON object, in bytes.
    pub max_field_bytes: usize,
    /// Total bytes that may come out of zips.
    pub max_unzipped_bytes: u64,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: 16 << 20,
            max_unzipped_bytes: 8 << 30,
            max_json_depth: 64,
        }
    }
}
