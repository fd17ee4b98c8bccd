//! Readable outputs.
