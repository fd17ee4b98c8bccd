//! The progress bar of a load on a terminal.

use std::sync::atomic::{AtomicBool, Ordering};

use engagement_report::inputs::Progress;

/// A progress bar on stderr for terminals: bytes read of all files; for a
/// database, a spinner with the rows read of the current table and a line
/// per table read.
pub(crate) struct Bar {
    bar: indicatif::ProgressBar,
    /// Whether the bar shows database rows rather than file bytes.
    rows: AtomicBool,
}

impl Bar {
    pub(crate) fn new() -> Self {
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
