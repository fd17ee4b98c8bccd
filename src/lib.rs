//! # engagement-report-web
//!
//! The browser app of the Engagement Report Builder. Two wasm binaries share
//! this library: the page (`engagement-report-web`, a Leptos client-side
//! app) and the Web Worker (`worker`) that owns the loaded data and runs the
//! engine, so the page stays responsive during a large load.
//!
//! Natively only the pure parts build (the protocol, the worker's table
//! logic and the chart files), so they are unit-tested with `cargo test`.

#![warn(missing_docs)]

pub mod call_list;
pub mod chart_files;
pub mod explain;
pub mod insight_text;
/// `summary.md` as safe elements: the engine owns it (`report.html` uses it too).
pub use engagement_engine::readable::markdown;
pub mod protocol;
pub mod share_link;
pub mod stored_files;
pub mod summary;
pub mod table_store;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod worker;
