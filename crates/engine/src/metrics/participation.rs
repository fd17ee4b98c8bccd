//! Data set 5: every (user, fast) pair with a join, a leave or a current
//! membership, over the whole history.

use std::collections::HashMap;

use super::Context;
use crate::model::{EventKind, NONE, NO_ID};
use crate::report::{ParticipationRow, Status};
use crate::timestamp::Timestamp;

#[derive(Default, Clone, Copy)]
struct Pair {
    joined: Option<i64>,
    left: Option<i64>,
    member: bool,
}

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Vec<ParticipationRow<'a>> {
    let data = ctx.data;
    let e = &data.events;
    let mut pairs: HashMap<(u32, u32), Pair> = HashMap::new();
    for i in ctx.fast_events.iter().map(|&i| i as usize) {
        let kind = ctx.kinds[e.code[i] as usize];
        if !matches!(kind, EventKind::JoinedFast | EventKind::LeftFast) {
            continue;
        }
        // Pairs whose user or fast is not in the bundle are left out
        // (counted when loading).
        if e.user[i] == NONE || e.fast_id[i] == NO_ID {
            continue;
        }
        let Some(fast) = data.fast_index(e.fast_id[i]) else {
            continue;
        };
        let pair = pairs.entry((e.user[i], fast)).or_default();
        let slot = if kind == EventKind::JoinedFast {
            &mut pair.joined
        } else {
            &mut pair.left
        };
        *slot = Some(slot.map_or(e.timestamp[i], |t| t.max(e.timestamp[i])));
    }
    for &(user, fast) in &data.memberships {
        pairs.entry((user, fast)).or_default().member = true;
    }
    let mut keys: Vec<(u32, u32)> = pairs.keys().copied().collect();
    // Indices follow ids, so this is (user_id, fast_id) order.
    keys.sort_unstable();
    keys.into_iter()
        .map(|(u, f)| {
            let pair = pairs[&(u, f)];
            let user = &data.users[u as usize];
            let fast = &data.fasts[f as usize];
            ParticipationRow {
                user_id: user.id,
                username: &user.username,
                email: &user.email,
                fast_id: fast.id,
                fast_name: &fast.display_name,
                church_name: fast.church_name.as_deref(),
                joined_at: pair.joined.map(Timestamp),
                left_at: pair.left.map(Timestamp),
                status: if pair.member {
                    Status::Active
                } else {
                    Status::Left
                },
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
