//! # engagement-report-web
//!
//! The browser app of the Engagement Report Builder. Two wasm binaries share
//! this library: the page (`engagement-report-web`, a Leptos client-side
//! app) and the Web Worker (`worker`) that owns the loaded data and runs the
//! engine, so the page stays responsive during a large load.
//!
//! Which side a module serves:
//!
//! - [`app`]: the page only. It builds for wasm, except its pure parts
//!   (the insight views' words, the chart files), which build natively too
//!   so that `cargo test` checks them.
//! - `worker`: the worker only, wasm only (intake, crash reports, the
//!   message loop).
//! - Shared by both, at this root: the messages between them
//!   ([`protocol`]), what a load and a report come to ([`summary`]: the
//!   worker makes it, the page reads it), the words for a failed download
//!   ([`explain`]), the share link ([`share_link`]) and the data kept on
//!   this computer ([`stored_files`]).
//! - The worker's pure parts, at this root so that they build natively for
//!   their tests (`worker` builds only for wasm): the store of the
//!   report's tables that answers the page's table pages
//!   ([`table_store`]), and the People view's call list ([`call_list`]).

#![warn(missing_docs)]

// Shared by the page and the worker.
pub mod explain;
pub mod protocol;
pub mod share_link;
pub mod stored_files;
pub mod summary;

// The worker's pure parts.
pub mod call_list;
pub mod table_store;

pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod worker;
