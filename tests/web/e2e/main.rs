//! End-to-end tests of the built page (`dist/`, from `trunk build --release
//! --offline`) in headless Chromium through WebDriver, against the CLI's
//! output for the same bundle and options, and a loopback S3 server (moto).
//!
//! They need the built page, the release CLI, chromedriver and moto_server,
//! so they are ignored by a plain `cargo test`; `scripts/web-test.sh` builds
//! everything and runs them with `--ignored --test-threads=1`.
//!
//! One module per view or concern; the helpers they share live in
//! [`common`], the WebDriver and server harness in `../harness.rs` (shared
//! with `readable_e2e.rs`).

#![cfg(not(target_arch = "wasm32"))]

#[path = "../harness.rs"]
mod harness;

mod common;

mod a11y;
mod export;
mod fasts;
mod insights;
mod kept;
mod links;
mod load;
mod offline;
mod s3;
mod trust;
