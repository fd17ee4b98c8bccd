//! Data set 5: every (user, fast) pair with a join, a leave or a current
//! membership, over the whole history.

use crate::model::{Dataset, EventKind, NONE, NO_ID};
use crate::report::{ParticipationPair as Pair, Participations};

/// What one event or membership says about a (user, fast) pair.
#[derive(Clone, Copy)]
enum Fact {
    Joined(i64),
    Left(i64),
    Member,
}

/// Data set 5 of one [`Dataset`], before it becomes rows. It does not
/// depend on the period (it covers the whole history), so a front end
/// that recomputes the report for several periods of the same data (the
/// page) computes it once and passes it to [`super::compute_with`].
#[derive(Clone, Debug, Default)]
pub struct Participation {
    /// In (user index, fast index) order, which is (user_id, fast_id) order.
    pairs: std::sync::Arc<[Pair]>,
    /// Users and fasts of the dataset it was computed from.
    users: usize,
    fasts: usize,
}

impl Participation {
    /// Every (user, fast) pair of `data` with a join, a leave or a current
    /// membership.
    pub fn new(data: &Dataset) -> Participation {
        let e = &data.events;
        let fast_kind: Vec<Option<bool>> = data
            .event_codes
            .iter()
            .map(|c| match EventKind::of_code(c) {
                EventKind::JoinedFast => Some(true),
                EventKind::LeftFast => Some(false),
                _ => None,
            })
            .collect();
        // Every fact keyed by its pair, sorted, then folded pair by pair:
        // the latest join and leave and any membership. Sorting one vector
        // costs a fraction of a hash map per pair in wasm.
        let mut facts: Vec<((u32, u32), Fact)> = Vec::new();
        for i in 0..e.len() {
            let Some(joined) = fast_kind[e.code[i] as usize] else {
                continue;
            };
            // Pairs whose user or fast is not in the export files are left out
            // (counted when loading).
            if e.user[i] == NONE || e.fast_id.get(i) == NO_ID {
                continue;
            }
            let Some(fast) = data.fast_index(e.fast_id.get(i)) else {
                continue;
            };
            let fact = if joined {
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
        let pairs = facts
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| {
                let (user, fast) = run[0].0;
                let mut pair = Pair {
                    user,
                    fast,
                    joined: None,
                    left: None,
                    member: false,
                };
                for &(_, fact) in run {
                    match fact {
                        Fact::Joined(t) => pair.joined = Some(pair.joined.map_or(t, |j| j.max(t))),
                        Fact::Left(t) => pair.left = Some(pair.left.map_or(t, |l| l.max(t))),
                        Fact::Member => pair.member = true,
                    }
                }
                pair
            })
            .collect();
        Participation {
            pairs,
            users: data.users.len(),
            fasts: data.fasts.len(),
        }
    }

    /// The rows of data set 5 for `data`, the dataset this was computed
    /// from; for a dataset of another size they are computed anew (never
    /// an index out of bounds).
    pub(super) fn rows<'a>(&self, data: &'a Dataset) -> Participations<'a> {
        if self.users != data.users.len() || self.fasts != data.fasts.len() {
            return Participation::new(data).rows(data);
        }
        Participations::new(data, self.pairs.clone())
    }
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

    #[test]
    fn computed_once_it_serves_every_period_and_other_data_gets_its_own() {
        use crate::metrics::{compute, compute_with, Participation};
        use crate::period::{parse_date, parse_time_zone, Period};
        let bundle = |users: i64| {
            let mut b = TestBundle::new()
                .church(1, "C")
                .fast(10, "Lent", Some(1), None)
                .fast(11, "Advent", None, Some(2024));
            for u in 1..=users {
                b = b.user(u, "2024-01-01 00:00:00+00");
            }
            b.event(
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
                Some(2),
                Some(11),
                "2025-02-01 00:00:00+00",
            )
            .member(2, 10)
            .load()
        };
        let data = bundle(3);
        let once = Participation::new(&data);
        let period = |start: &str, end: &str, tz: &str| {
            Period::new(
                parse_date("start", start).unwrap(),
                parse_date("end", end).unwrap(),
                parse_time_zone(tz).unwrap(),
            )
            .unwrap()
        };
        let periods = [
            period("2024-02-01", "2024-02-29", "UTC"),
            period("2025-01-01", "2025-12-31", "Asia/Tokyo"),
        ];
        for p in &periods {
            let rows = json(&compute_with(&data, p, &once).user_fast_participation);
            assert_eq!(rows, json(&compute(&data, p).user_fast_participation));
            assert_eq!(rows.matches("\"user_id\"").count(), 3, "{rows}");
        }
        // Computed from other data (another number of users): the rows
        // are those of `data`, computed anew.
        let other = Participation::new(&bundle(2));
        assert_eq!(
            json(&compute_with(&data, &periods[0], &other).user_fast_participation),
            json(&compute(&data, &periods[0]).user_fast_participation)
        );
    }
}
