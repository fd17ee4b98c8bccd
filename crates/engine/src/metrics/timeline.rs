//! Data set 4: every feed item in the period, by user, newest first.

use super::Context;
use crate::report::Timeline;
use crate::timestamp::Timestamp;

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> Timeline<'a> {
    let feed = &ctx.data.feed;
    // The feed is stored in this data set's order already.
    let items = (0..feed.len() as u32)
        .filter(|&i| ctx.period.contains(Timestamp(feed.timestamp[i as usize])))
        .collect();
    Timeline::new(ctx.data, items)
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

    #[test]
    fn repeated_ids_keep_the_first_in_report_order_and_unknown_users_are_left_out() {
        let bundle = TestBundle::new()
            .user(5, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(9, "2024-01-01 00:00:00+00")
            // Ids out of load order, id 40 twice (for user 5, then user 2),
            // id 41 on a user not in the export files, user 9 without items.
            .feed(40, 5, "a", "2025-01-02 00:00:00+00")
            .feed(12, 2, "b", "2025-01-03 00:00:00+00")
            .feed(41, 77, "c", "2025-01-04 00:00:00+00")
            .feed(40, 2, "d", "2025-01-01 00:00:00+00")
            .feed(11, 5, "e", "2025-01-02 00:00:00+00")
            .feed(13, 2, "f", "2025-01-03 00:00:00+00");
        let mut loader = crate::load::Bundle::new(crate::load::Limits::default());
        for (name, text) in bundle.files() {
            loader.add_bytes(&name, text.as_bytes()).unwrap();
        }
        let loaded = loader.finish().unwrap();
        let r = report(&loaded.dataset, "2025-01-01", "2025-01-31", "UTC");
        let rows: Vec<(i64, String)> = r
            .user_activity_timeline
            .iter()
            .map(|t| (t.user_id, t.activity_type.to_string()))
            .collect();
        // User 2 first (user order is id order): newest first, then id; its
        // id 40 repeats user 5's, which comes later in report order, so
        // user 2's is kept and user 5's dropped.
        let expected = [(2, "b"), (2, "f"), (2, "d"), (5, "e")];
        assert_eq!(rows, expected.map(|(u, a)| (u, a.to_string())).to_vec());
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        let feed_warnings: Vec<&String> = warnings
            .iter()
            .filter(|w| w.contains("events_useractivityfeed.csv"))
            .collect();
        assert_eq!(feed_warnings.len(), 2, "{warnings:?}");
        assert!(
            feed_warnings[0].contains("1 rows reference users not in the export files"),
            "{warnings:?}"
        );
        assert!(
            feed_warnings[1].contains("1 rows repeat an id already loaded"),
            "{warnings:?}"
        );
    }
}
