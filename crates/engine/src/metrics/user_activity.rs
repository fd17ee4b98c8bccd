//! Data set 3: users with feed items in the period, with counts per type.

use super::Context;
use crate::report::{TypeCounts, UserActivityRow};
use crate::timestamp::Timestamp;

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Vec<UserActivityRow<'a>> {
    let data = ctx.data;
    let feed = &data.feed;
    let mut rows: Vec<UserActivityRow<'a>> = Vec::new();
    // The current user's counts per type: a few entries, searched in turn.
    let mut counts: Vec<(&'a str, u64)> = Vec::new();
    // Feed items are sorted by user index, which is user id order.
    for i in 0..feed.len() {
        if !ctx.period.contains(Timestamp(feed.timestamp[i])) {
            continue;
        }
        let user = &data.users[feed.user[i] as usize];
        if rows.last().is_none_or(|r| r.user_id != user.id) {
            if let Some(last) = rows.last_mut() {
                last.by_type = TypeCounts::new(std::mem::take(&mut counts));
            }
            rows.push(UserActivityRow {
                user_id: user.id,
                username: &user.username,
                email: &user.email,
                date_joined: user.date_joined,
                total_items: 0,
                by_type: TypeCounts::default(),
            });
        }
        rows.last_mut().expect("pushed above").total_items += 1;
        let activity_type = data.strings.get(feed.activity_type[i]);
        match counts.iter_mut().find(|(t, _)| *t == activity_type) {
            Some((_, n)) => *n += 1,
            None => counts.push((activity_type, 1)),
        }
    }
    if let Some(last) = rows.last_mut() {
        last.by_type = TypeCounts::new(counts);
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn one_row_per_active_user_in_id_order() {
        let data = TestBundle::new()
            .user(2, "2024-12-16 23:44:01.456789+00")
            .user(1, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
            .feed(10, 2, "milestone", "2025-01-02 00:00:00+00")
            .feed(11, 2, "fast_join", "2025-01-03 00:00:00+00")
            .feed(12, 2, "milestone", "2025-01-04 00:00:00+00")
            .feed(13, 1, "fast_join", "2025-01-01 00:00:00+00")
            .feed(14, 3, "fast_join", "2025-02-01 00:00:00+00") // after the period
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.user_activity),
            concat!(
                r#"[{"user_id":1,"username":"user1","email":"u1@example.org","date_joined":"2024-01-01T00:00:00Z","total_items":1,"by_type":{"fast_join":1}},"#,
                r#"{"user_id":2,"username":"user2","email":"u2@example.org","date_joined":"2024-12-16T23:44:01.456789Z","total_items":3,"by_type":{"fast_join":1,"milestone":2}}]"#
            )
        );
    }
}
