//! How the readers of inputs report progress.

/// Reports progress while inputs are read. Called from several threads.
pub trait Progress: Sync {
    /// `bytes` more bytes are expected.
    fn add_total(&self, bytes: u64);
    /// `bytes` more bytes were parsed.
    fn advance(&self, bytes: u64);
    /// `rows` rows of database table `table` were read so far; `done` once
    /// the table is complete. Database inputs have no byte total to show.
    fn table_rows(&self, table: &str, rows: u64, done: bool) {
        let _ = (table, rows, done);
    }
}

/// Progress that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn add_total(&self, _: u64) {}
    fn advance(&self, _: u64) {}
}
