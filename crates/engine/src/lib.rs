//! # engagement-engine
//!
//! The pure engine of the Engagement Report Builder: it loads a community
//! app's data exports (PostgreSQL CSV tables, Django `dumpdata` JSON, zips of
//! them), computes the seven data sets of the engagement report for a period
//! and time zone (and, on request, the insights of [`insights`], for the
//! whole bundle or a [`segment`] of it), and writes them as JSON, CSV and
//! zip.
//!
//! No network, no file system: it takes bytes and gives rows, so the same
//! code runs in the native CLI and in the browser (WebAssembly). Its only
//! threads are pairs of independent steps run side by side with the
//! `parallel` feature on native targets (the CLI turns it on); the CLI's
//! own threads parse pieces of big files with [`load::FileLoader::continuation`].
//!
//! ```
//! use engagement_engine::{load::{Bundle, Limits}, period::Period, metrics};
//!
//! let mut bundle = Bundle::new(Limits::default());
//! bundle.add_bytes("auth_user.csv", b"id,username,email,date_joined\n1,ana,a@x,2025-01-02 10:00:00+00\n")?;
//! let loaded = bundle.finish()?;
//! let period = Period::from_options(Some("2025-01-01"), Some("2025-01-31"), None, Default::default())?;
//! let report = metrics::compute(&loaded.dataset, &period);
//! assert_eq!(report.new_users_over_time[0].count, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod columns;
pub mod csv_split;
pub mod csv_write;
pub mod demo;
pub mod event_data;
pub mod export;
pub mod id_column;
pub mod insights;
pub mod load;
pub mod metrics;
pub mod model;
pub mod output;
mod parallel;
pub mod period;
pub mod pipeline;
pub mod presigned;
pub mod pseudonym;
pub mod readable;
pub mod report;
pub mod segment;
pub mod table;
pub mod timestamp;

/// The engine's version, for the CLI and the page's footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
