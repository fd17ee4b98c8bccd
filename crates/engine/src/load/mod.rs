//! Loading an export bundle (SPEC §2): CSV tables, `dumpdata` JSON and zips
//! of them, in any mix, pushed in chunks.
//!
//! The flow is push-based so the browser can feed bytes as they arrive:
//!
//! ```
//! use engagement_engine::load::{Bundle, Limits};
//! let mut bundle = Bundle::new(Limits::default());
//! let mut file = bundle.open("hub_church.csv").expect("a known table");
//! file.push(b"id,name\n1,St. Mary\n").unwrap();
//! bundle.close(file).unwrap();
//! let loaded = bundle.finish().unwrap();
//! assert!(loaded.dataset.fasts.is_empty());
//! ```
//!
//! Each [`FileLoader`] is independent (it owns its rows until it is closed),
//! so the CLI can parse several files on several threads and close them
//! into one [`Bundle`] in any order. A big CSV table is read in pieces by
//! [`CsvPieces`] (a big dump by [`DumpPieces`]; cut, carried and checked here; the front end brings the
//! threads or workers), and every reader is read through [`fill`].
//!
//! This file only declares the modules and re-exports their public items;
//! no module of `load` imports from it.

mod bad_rows;
mod bundle;
pub(crate) mod catalogue;
mod csv_tables;
mod dumpdata;
mod error;
mod fill;
mod kind;
mod limits;
mod loader;
mod location;
mod pieces;
mod raw;
mod resolve;
mod warning;
mod zip_input;

#[cfg(test)]
mod tests;

pub use bundle::{Bundle, Loaded};
pub use catalogue::{made_without, needs, Table, TableCounts};
pub use error::{LoadError, LoadErrorKind, MalformedRows};
pub use fill::fill;
pub use kind::{classify, file_kind, needs_sniffing, FileKind, SNIFF_BYTES};
pub use limits::Limits;
pub use loader::{FileLoader, ReadError};
pub use location::{grouped, Location};
pub use pieces::{CsvPieces, DumpPieces, Piece, PieceAt, PieceError, PieceSizes, Spare};
pub use raw::RawTables;
pub use warning::{Warning, Warnings};
