//! Data set 4: every feed item in the period, by user, newest first.

use super::Context;
use crate::model::{NONE, NO_ID};
use crate::report::TimelineRow;
use crate::timestamp::Timestamp;

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Vec<TimelineRow<'a>> {
    let data = ctx.data;
    let feed = &data.feed;
    // The feed is stored in this data set's order already.
    (0..feed.len())
        .filter(|&i| ctx.period.contains(Timestamp(feed.timestamp[i])))
        .map(|i| {
            let user = &data.users[feed.user[i] as usize];
            TimelineRow {
                user_id: user.id,
                username: &user.username,
                activity_type: data.strings.get(feed.activity_type[i]),
                timestamp: Timestamp(feed.timestamp[i]),
                title: feed.title(i),
                description: feed.description(i),
                target_type: (feed.target_type[i] != NONE)
                    .then(|| data.strings.get(feed.target_type[i])),
                target_id: (feed.target_id[i] != NO_ID).then_some(feed.target_id[i]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn ordered_by_user_then_newest_then_id_with_nulls() {
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .feed_item(
                30,
                2,
                "announcement",
                "2025-01-05 00:00:00+00",
                Some(""),
                None,
                Some((DEVOTIONAL_CT, 27)),
            )
            .feed_item(
                21,
                1,
                "fast_join",
                "2025-01-02 00:00:00+00",
                Some("=SUM(A1)"),
                Some("a, \"b\"\nc"),
                Some((12, 16)),
            )
            .feed_item(
                20,
                1,
                "milestone",
                "2025-01-02 00:00:00+00",
                None,
                Some(""),
                None,
            )
            .feed_item(
                19,
                1,
                "milestone",
                "2025-01-03 00:00:00+00",
                Some("x"),
                None,
                None,
            )
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.user_activity_timeline),
            concat!(
                r#"[{"user_id":1,"username":"user1","activity_type":"milestone","timestamp":"2025-01-03T00:00:00Z","title":"x","description":null,"target_type":null,"target_id":null},"#,
                r#"{"user_id":1,"username":"user1","activity_type":"milestone","timestamp":"2025-01-02T00:00:00Z","title":null,"description":"","target_type":null,"target_id":null},"#,
                r#"{"user_id":1,"username":"user1","activity_type":"fast_join","timestamp":"2025-01-02T00:00:00Z","title":"=SUM(A1)","description":"a, \"b\"\nc","target_type":"fast","target_id":16},"#,
                r#"{"user_id":2,"username":"user2","activity_type":"announcement","timestamp":"2025-01-05T00:00:00Z","title":"","description":null,"target_type":"devotional","target_id":27}]"#
            )
        );
    }
}
