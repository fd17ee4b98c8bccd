//! Deterministic generator of realistic demo export bundles (SPEC §2).
//!
//! The same [`DemoConfig`] always gives the same bytes: the generator uses
//! its own PRNG (SplitMix64 seeding xoshiro256**, in `random`), integer
//! arithmetic and no transcendental floating-point functions.
//!
//! The module is split by job:
//! - `random`: the pseudo-random generator;
//! - `scenario`: the generated world (churches, fasts, user stories, events,
//!   feed items), with no knowledge of output formats;
//! - `sink`: buffered output of numbers, quoted texts and timestamps;
//! - `csv_writer` and `dump_writer`: the world as the loader's tables
//!   ([`load::Table`](crate::load::Table), written as PostgreSQL CSV by
//!   [`write_csv_table`]) or as one dumpdata JSON
//!   ([`write_dumpdata`], [`write_dumpdata_natural`]).
//!
//! Everything about user number `i` (0-based) is derived from a PRNG seeded by
//! `(seed, i, stream)`: the user's story decides the account, the profile,
//! the fast memberships and the join/leave history; the event and feed
//! generators replay that story, so every table can be written on its own in
//! a single streaming pass and all tables (CSV and JSON) agree with each
//! other.
//!
//! Designed anomalies (so that readers' warnings get exercised):
//! - fast [`ORPHAN_FAST_NAME`] (the last fast) has `church_id` =
//!   [`MISSING_CHURCH_ID`], a church that does not exist;
//! - profile [`GHOST_PROFILE_ID`] belongs to user [`GHOST_USER_ID`], who does
//!   not exist; its memberships are the first fast and [`MISSING_FAST_ID`];
//!   a few events and feed items reference that user;
//! - user number 3 (when there are more than 3 users) is a current member of
//!   [`MISSING_FAST_ID`] (a fast that does not exist) with a join event for it.

use crate::load::Table;

/// What to generate. Same config => same bytes, always.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Number of users; every other size scales with it.
    pub users: u32,
    /// PRNG seed.
    pub seed: u64,
    /// last calendar day (UTC) that has data, as (year, month, day)
    pub last_day: (i32, u32, u32),
}

impl DemoConfig {
    /// `users` users, seed 42, last day 2025-06-30.
    pub fn new(users: u32) -> Self {
        DemoConfig {
            users,
            seed: 42,
            last_day: (2025, 6, 30),
        }
    }
}

/// The tables a demo bundle is made of, in the order they are written:
/// every table the loader recognises ([`Table::recognised`]: the nine of
/// SPEC §2a, then the optional calendar `hub_day.csv`), each by
/// [`write_csv_table`]; their file names are [`Table::file_name`].
pub fn tables() -> impl Iterator<Item = Table> {
    Table::recognised()
}

/// A user id that does not exist but is referenced by a profile, events and feed items.
pub const GHOST_USER_ID: u32 = 999;
/// Username used for [`GHOST_USER_ID`] in `--natural-foreign` dumps.
pub const GHOST_USERNAME: &str = "ghost_999";
/// The profile of the ghost user.
pub const GHOST_PROFILE_ID: u32 = 400;
/// A fast id that does not exist but appears in memberships and join events.
pub const MISSING_FAST_ID: u32 = 999_999;
/// A church id that does not exist; the orphan fast points to it.
pub const MISSING_CHURCH_ID: u32 = 99_999;
/// Name of the last fast, whose church is [`MISSING_CHURCH_ID`].
pub const ORPHAN_FAST_NAME: &str = "Orphan Fast";
/// Number of days with data (about 18 months), ending on `last_day`.
pub const DAYS: i64 = 548;
/// Id of the first event; events are numbered in generation order (with small gaps).
pub const FIRST_EVENT_ID: u64 = 1001;
/// Id of the first feed item.
pub const FIRST_FEED_ID: u64 = 5001;

/// Id of user number `i` (0-based): starts at 1000, increasing, with gaps.
pub fn user_id(i: u32) -> u32 {
    1000 + i + i / 7 + 2 * (i / 31)
}

/// Id of the (main) profile of user number `i`; never equal to that user's id.
pub fn profile_id(i: u32) -> u32 {
    500 + i + i / 13
}

mod csv_writer;
mod dump_writer;
mod random;
mod scenario;
mod sink;
#[cfg(test)]
mod tests;

pub use csv_writer::{csv_tables, write_csv_table};
pub use dump_writer::{write_dumpdata, write_dumpdata_natural};
