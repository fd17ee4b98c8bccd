//! Data set 2: every fast with its participants and joins/leaves in the
//! period.

use super::Context;
use crate::model::{EventKind, NO_ID};
use crate::report::FastRow;

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Vec<FastRow<'a>> {
    let data = ctx.data;
    let mut participants = vec![0u64; data.fasts.len()];
    // Memberships are unique (user, fast) pairs, so counting pairs counts users.
    for &(_, fast) in &data.memberships {
        participants[fast as usize] += 1;
    }
    let mut joins = vec![0u64; data.fasts.len()];
    let mut leaves = vec![0u64; data.fasts.len()];
    for (kind, counts) in [
        (EventKind::JoinedFast, &mut joins),
        (EventKind::LeftFast, &mut leaves),
    ] {
        for (i, _) in ctx.events_of(kind) {
            let fast_id = data.events.fast_id.get(i);
            if fast_id == NO_ID {
                continue;
            }
            if let Some(f) = data.fast_index(fast_id) {
                counts[f as usize] += 1;
            }
        }
    }
    data.fasts
        .iter()
        .enumerate()
        .map(|(i, f)| FastRow {
            fast_id: f.id,
            fast_name: &f.display_name,
            church_name: f.church_name.as_deref(),
            participants: participants[i],
            joins_in_period: joins[i],
            leaves_in_period: leaves[i],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn names_participants_and_period_counts() {
        let data = TestBundle::new()
            .church(1, "St. Mary")
            .fast(10, "Lent", Some(1), Some(2025))
            .fast(11, "Advent", Some(99), None) // unknown church, no year
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .member(1, 10)
            .member(2, 10)
            .member(2, 11)
            // Members without join events still count as participants.
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2025-01-01 00:00:00+00",
            )
            .event("user_joined_fast", None, Some(10), "2025-01-02 00:00:00+00")
            .event(
                "user_left_fast",
                Some(2),
                Some(10),
                "2025-01-31 23:59:59+00",
            )
            .event(
                "user_joined_fast",
                Some(2),
                Some(10),
                "2025-02-01 00:00:00+00",
            ) // after
            .event("user_joined_fast", Some(2), None, "2025-01-05 00:00:00+00") // no target
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.fasts),
            concat!(
                r#"[{"fast_id":10,"fast_name":"Lent (2025)","church_name":"St. Mary","participants":2,"joins_in_period":2,"leaves_in_period":1},"#,
                r#"{"fast_id":11,"fast_name":"Advent","church_name":null,"participants":1,"joins_in_period":0,"leaves_in_period":0}]"#
            )
        );
    }
}
