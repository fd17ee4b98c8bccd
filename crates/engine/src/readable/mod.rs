//! The readable outputs (SPEC §9, §9a): the charts, `report.html` and
//! `report.xlsx`, all built from one [`ReadableInput`].

pub mod charts;
pub mod html;
mod input;
pub mod markdown;
pub mod svg;
pub mod xlsx;

pub use input::{headline_from_report, Headline, ReadableInput, Section, SectionTable};

#[cfg(test)]
mod tests;

/// What `report.html` and `report.xlsx` say when names were replaced
/// (SPEC §12).
pub const PSEUDONYMS_NOTE: &str =
    "names replaced with pseudonyms (P- and 10 hex digits); e-mails and feed texts left out";
