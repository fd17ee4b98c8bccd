//! Data set 5: every (user, fast) pair with a join, a leave or a current
//! membership, over the whole history.

use super::Context;
use crate::model::{EventKind, NONE, NO_ID};
use crate::report::{ParticipationRow, Status};
use crate::timestamp::Timestamp;

/// What one event or membership says about a (user, fast) pair.
#[derive(Clone, Copy)]
enum Fact {
    Joined(i64),
    Left(i64),
    Member,
}

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Vec<ParticipationRow<'a>> {
    let data = ctx.data;
    let e = &data.events;
    // Every fact keyed by its pair, sorted, then folded pair by pair: the
    // latest join and leave and any membership. Sorting one vector costs a
    // fraction of a hash map per pair in wasm (the page recomputes this on
    // every period change).
    let mut facts: Vec<((u32, u32), Fact)> =
        Vec::with_capacity(ctx.fast_events.len() + data.memberships.len());
    for i in ctx.fast_events.iter().map(|&i| i as usize) {
        // Pairs whose user or fast is not in the bundle are left out
        // (counted when loading).
        if e.user[i] == NONE || e.fast_id[i] == NO_ID {
            continue;
        }
        let Some(fast) = data.fast_index(e.fast_id[i]) else {
            continue;
        };
        let fact = if ctx.kinds[e.code[i] as usize] == EventKind::JoinedFast {
            Fact::Joined(e.timestamp[i])
        } else {
            Fact::Left(e.timestamp[i])
        };
        facts.push(((e.user[i], fast), fact));
    }
    facts.extend(data.memberships.iter().map(|&pair| (pair, Fact::Member)));
    // Indices follow ids, so this is (user_id, fast_id) order; the fold
    // does not depend on the order of a pair's facts.
    facts.sort_unstable_by_key(|&(pair, _)| pair);
    facts
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            let (u, f) = run[0].0;
            let (mut joined, mut left, mut member) = (None::<i64>, None::<i64>, false);
            for &(_, fact) in run {
                match fact {
                    Fact::Joined(t) => joined = Some(joined.map_or(t, |j| j.max(t))),
                    Fact::Left(t) => left = Some(left.map_or(t, |l| l.max(t))),
                    Fact::Member => member = true,
                }
            }
            let user = &data.users[u as usize];
            let fast = &data.fasts[f as usize];
            ParticipationRow {
                user_id: user.id,
                username: &user.username,
                email: &user.email,
                fast_id: fast.id,
                fast_name: &fast.display_name,
                church_name: fast.church_name.as_deref(),
                joined_at: joined.map(Timestamp),
                left_at: left.map(Timestamp),
                status: if member { Status::Active } else { Status::Left },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn latest_join_and_leave_and_membership_status() {
        let data = TestBundle::new()
            .church(1, "C")
            .fast(10, "Lent", Some(1), None)
            .fast(11, "Advent", None, Some(2024))
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            // Repeated cycles; the latest of each is kept, outside any period.
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2024-02-01 00:00:00+00",
            )
            .event(
                "user_left_fast",
                Some(1),
                Some(10),
                "2024-03-01 00:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2024-04-01 00:00:00+00",
            )
            .event(
                "user_left_fast",
                Some(1),
                Some(10),
                "2024-05-01 00:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(2),
                Some(10),
                "2024-06-01 00:00:00+00",
            )
            .member(2, 10)
            .member(1, 11) // a member without join events
            .event("user_joined_fast", None, Some(10), "2024-06-01 00:00:00+00") // no user
            .event(
                "user_joined_fast",
                Some(2),
                Some(777),
                "2024-06-01 00:00:00+00",
            ) // unknown fast
            .event(
                "user_joined_fast",
                Some(99),
                Some(10),
                "2024-06-01 00:00:00+00",
            ) // unknown user
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.user_fast_participation),
            concat!(
                r#"[{"user_id":1,"username":"user1","email":"u1@example.org","fast_id":10,"fast_name":"Lent","church_name":"C","joined_at":"2024-04-01T00:00:00Z","left_at":"2024-05-01T00:00:00Z","status":"left"},"#,
                r#"{"user_id":1,"username":"user1","email":"u1@example.org","fast_id":11,"fast_name":"Advent (2024)","church_name":null,"joined_at":null,"left_at":null,"status":"active"},"#,
                r#"{"user_id":2,"username":"user2","email":"u2@example.org","fast_id":10,"fast_name":"Lent","church_name":"C","joined_at":"2024-06-01T00:00:00Z","left_at":null,"status":"active"}]"#
            )
        );
    }
}
