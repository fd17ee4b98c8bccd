//! The seven data sets of SPEC §4, one module each, computed from a
//! [`Dataset`] for a [`Period`].

mod fasts;
mod new_users;
mod other;
mod participation;
mod retention;
mod timeline;
mod user_activity;

pub use participation::Participation;

use crate::model::{Dataset, EventKind, NONE};
use crate::parallel::both;
use crate::period::Period;
use crate::report::{Range, Report};

/// What several data sets need about the period, computed once.
pub(crate) struct Context<'a, 'p> {
    pub data: &'a Dataset,
    pub period: &'p Period,
    /// Feed items in the period, per user index.
    pub feed_in_period: Vec<u32>,
    /// Whether each user index is in any fast now.
    pub in_a_fast: Vec<bool>,
    /// Per [`kind_slot`], the indices (ascending) of the period's events
    /// of that kind: the data sets walk these short lists instead of every
    /// event once per kind (the page recomputes on each period change).
    in_period_by_kind: [Vec<u32>; KIND_SLOTS],
    /// Events in the period per event code.
    pub per_code_in_period: Vec<u64>,
}

/// The kinds with an index list in [`Context`] (every kind but `Other`).
const KIND_SLOTS: usize = 6;

/// The slot of a kind in [`Context`]'s per-kind lists.
fn kind_slot(kind: EventKind) -> Option<usize> {
    match kind {
        EventKind::JoinedFast => Some(0),
        EventKind::LeftFast => Some(1),
        EventKind::ScreenView => Some(2),
        EventKind::DevotionalViewed => Some(3),
        EventKind::ChecklistUsed => Some(4),
        EventKind::TutorialVideoViewed => Some(5),
        EventKind::Other => None,
    }
}

impl<'a, 'p> Context<'a, 'p> {
    fn new(data: &'a Dataset, period: &'p Period) -> Self {
        let kinds: Vec<EventKind> = data
            .event_codes
            .iter()
            .map(|c| EventKind::of_code(c))
            .collect();
        let slots: Vec<Option<usize>> = kinds.iter().map(|&k| kind_slot(k)).collect();
        // One pass over the events for every per-kind walk below.
        let e = &data.events;
        let mut in_period_by_kind: [Vec<u32>; KIND_SLOTS] = Default::default();
        let mut per_code_in_period = vec![0u64; data.event_codes.len()];
        for (i, (&code, &ts)) in e.code.iter().zip(&e.timestamp).enumerate() {
            let slot = slots[code as usize];
            if period.contains(crate::timestamp::Timestamp(ts)) {
                per_code_in_period[code as usize] += 1;
                if let Some(slot) = slot {
                    in_period_by_kind[slot].push(i as u32);
                }
            }
        }
        let mut feed_in_period = vec![0u32; data.users.len()];
        for (i, &ts) in data.feed.timestamp.iter().enumerate() {
            if period.contains(crate::timestamp::Timestamp(ts)) {
                feed_in_period[data.feed.user[i] as usize] += 1;
            }
        }
        let mut in_a_fast = vec![false; data.users.len()];
        for &(user, _) in &data.memberships {
            in_a_fast[user as usize] = true;
        }
        Context {
            data,
            period,
            feed_in_period,
            in_a_fast,
            in_period_by_kind,
            per_code_in_period,
        }
    }

    /// Indices of the events in the period whose code has `kind`, with
    /// their user index ([`NONE`] when none).
    ///
    /// `kind` is never [`EventKind::Other`] (no data set walks those).
    pub fn events_of(&self, kind: EventKind) -> impl Iterator<Item = (usize, u32)> + '_ {
        let e = &self.data.events;
        let list: &[u32] = kind_slot(kind).map_or(&[], |s| &self.in_period_by_kind[s]);
        list.iter().map(move |&i| (i as usize, e.user[i as usize]))
    }

    /// Distinct users among `(event, user)` pairs, ignoring events without one.
    pub fn distinct_users(&self, events: impl Iterator<Item = (usize, u32)>) -> (u64, Vec<u32>) {
        let mut per_user = vec![0u32; self.data.users.len()];
        let mut total = 0;
        for (_, user) in events {
            total += 1;
            if user != NONE {
                per_user[user as usize] += 1;
            }
        }
        (total, per_user)
    }
}

/// `numerator / denominator` rounded to 2 decimals; 0 over nothing.
pub(crate) fn average(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        0.0
    } else {
        round2(numerator / denominator)
    }
}

/// Rounds half to even at 2 decimals, as Python's `round(x, 2)` does for
/// the values these ratios take.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round_ties_even() / 100.0
}

/// Computes the whole report.
pub fn compute<'a>(data: &'a Dataset, period: &Period) -> Report<'a> {
    compute_with(data, period, &Participation::new(data))
}

/// Computes the whole report, with data set 5 (`user_fast_participation`,
/// the same for every period) from `participation`, computed once from
/// `data` by [`Participation::new`].
pub fn compute_with<'a>(
    data: &'a Dataset,
    period: &Period,
    participation: &Participation,
) -> Report<'a> {
    let ctx = Context::new(data, period);
    // The data sets are independent: natively, the ones that walk every
    // event go to a second thread.
    let (
        (user_fast_participation, retention_cohorts, other_metrics),
        (new_users_over_time, fasts, user_activity, user_activity_timeline),
    ) = both(
        || {
            (
                participation.rows(data),
                retention::compute(&ctx),
                other::compute(&ctx),
            )
        },
        || {
            (
                new_users::compute(&ctx),
                fasts::compute(&ctx),
                user_activity::compute(&ctx),
                timeline::compute(&ctx),
            )
        },
    );
    Report {
        range: Range {
            start: period.start().to_string(),
            end: period.end().to_string(),
            timezone: period.tz().name().to_string(),
            segment: None,
            pseudonymized: false,
        },
        new_users_over_time,
        fasts,
        user_activity,
        user_activity_timeline,
        user_fast_participation,
        retention_cohorts,
        other_metrics,
        missing_tables: data.missing_tables.clone(),
    }
}

#[cfg(test)]
pub(crate) mod testing;
