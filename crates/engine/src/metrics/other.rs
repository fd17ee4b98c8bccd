//! Data set 7: `other_metrics`, one object of period-wide figures.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::{average, Context};
use crate::model::{EventKind, VideoId, NONE, NO_ID};
use crate::report::{
    Checklists, CrossEngagement, Devotionals, EngagementPatterns, FastJoins, OtherMetrics,
    ScreenCount, ScreenViews, TutorialVideos, UserViews, VideoViews,
};
use crate::timestamp::{Timestamp, MICROS_PER_DAY};

/// How many entries the "top" lists keep.
const TOP: usize = 10;

pub(super) fn compute<'a>(ctx: &Context<'a, '_>) -> OtherMetrics<'a> {
    OtherMetrics {
        events_by_type: events_by_type(ctx),
        active_users: ctx.feed_in_period.iter().filter(|&&n| n > 0).count() as u64,
        top_fasts_by_joins: top_fasts_by_joins(ctx),
        screen_views: screen_views(ctx),
        engagement_patterns: EngagementPatterns {
            devotionals: devotionals(ctx),
            checklists: checklists(ctx),
            tutorial_videos: tutorial_videos(ctx),
            cross_engagement: cross_engagement(ctx),
        },
    }
}

fn events_by_type<'a>(ctx: &Context<'a, '_>) -> BTreeMap<&'a str, u64> {
    ctx.per_code_in_period
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (&*ctx.data.event_codes[c], n))
        .collect()
}

fn top_fasts_by_joins<'a>(ctx: &Context<'a, '_>) -> Vec<FastJoins<'a>> {
    let mut joins: HashMap<i64, u64> = HashMap::new();
    for (i, _) in ctx.events_of(EventKind::JoinedFast) {
        let fast = ctx.data.events.fast_id.get(i);
        if fast != NO_ID {
            *joins.entry(fast).or_default() += 1;
        }
    }
    let mut top: Vec<(i64, u64)> = joins.into_iter().collect();
    top.sort_unstable_by_key(|&(id, n)| (std::cmp::Reverse(n), id));
    top.truncate(TOP);
    top.into_iter()
        .map(|(fast_id, joins)| FastJoins {
            fast_id,
            fast: match ctx.data.fast_index(fast_id) {
                Some(f) => Cow::Borrowed(&*ctx.data.fasts[f as usize].display_name),
                None => Cow::Owned(fast_id.to_string()),
            },
            joins,
        })
        .collect()
}

/// Events of a kind in the period, their distinct users and views per user.
struct Usage {
    total: u64,
    per_user: Vec<u32>,
    unique_users: u64,
}

fn usage(ctx: &Context<'_, '_>, kind: EventKind) -> Usage {
    let (total, per_user) = ctx.distinct_users(ctx.events_of(kind));
    let unique_users = per_user.iter().filter(|&&n| n > 0).count() as u64;
    Usage {
        total,
        per_user,
        unique_users,
    }
}

impl Usage {
    fn avg_per_user(&self) -> f64 {
        average(self.total as f64, self.unique_users as f64)
    }
}

/// Sorts `(key, count)` by count descending then key, keeping the top ones.
fn top_by_count<K: Ord>(counts: impl IntoIterator<Item = (K, u64)>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(TOP);
    v
}

fn screen_views<'a>(ctx: &Context<'a, '_>) -> ScreenViews<'a> {
    let data = ctx.data;
    let usage = usage(ctx, EventKind::ScreenView);
    let mut per_detail = vec![0u64; data.event_details.len()];
    let mut per_day = vec![0u64; ctx.period.day_count()];
    for (i, _) in ctx.events_of(EventKind::ScreenView) {
        per_detail[data.events.detail[i] as usize] += 1;
        if let Some(day) = ctx.period.day_index(Timestamp(data.events.timestamp[i])) {
            per_day[day] += 1;
        }
    }
    // Several details (screen plus other fields) can share a screen name.
    let mut per_screen: HashMap<&'a str, u64> = HashMap::new();
    for (d, &n) in per_detail.iter().enumerate() {
        if let (true, Some(screen)) = (n > 0, data.event_details[d].screen.as_deref()) {
            *per_screen.entry(screen).or_default() += n;
        }
    }
    ScreenViews {
        total: usage.total,
        unique_users: usage.unique_users,
        avg_per_user: usage.avg_per_user(),
        top_screens: top_by_count(per_screen)
            .into_iter()
            .map(|(screen, views)| ScreenCount { screen, views })
            .collect(),
        daily_timeline: per_day
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(day, &n)| (ctx.period.day(day), n))
            .collect(),
    }
}

fn devotionals<'a>(ctx: &Context<'a, '_>) -> Devotionals<'a> {
    let usage = usage(ctx, EventKind::DevotionalViewed);
    let per_user = usage
        .per_user
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(u, &n)| (ctx.data.users[u].id, u64::from(n)));
    let top_users = top_by_count(per_user)
        .into_iter()
        .map(|(user_id, views)| UserViews {
            user_id,
            username: &ctx.data.users
                [ctx.data.user_index(user_id).expect("a loaded user") as usize]
                .username,
            views,
        })
        .collect();
    Devotionals {
        total_views: usage.total,
        unique_users: usage.unique_users,
        avg_per_user: usage.avg_per_user(),
        top_users,
    }
}

fn checklists(ctx: &Context<'_, '_>) -> Checklists {
    let usage = usage(ctx, EventKind::ChecklistUsed);
    // First and last use per user.
    let mut span: HashMap<u32, (i64, i64)> = HashMap::new();
    for (i, user) in ctx.events_of(EventKind::ChecklistUsed) {
        if user == NONE {
            continue;
        }
        let t = ctx.data.events.timestamp[i];
        let s = span.entry(user).or_insert((t, t));
        s.0 = s.0.min(t);
        s.1 = s.1.max(t);
    }
    let mut sum = 0.0;
    let mut users = 0u64;
    for (user, (first, last)) in span {
        let uses = usage.per_user[user as usize];
        let whole_days = (last - first) / MICROS_PER_DAY;
        if uses >= 2 && whole_days >= 1 {
            sum += whole_days as f64 / f64::from(uses - 1);
            users += 1;
        }
    }
    Checklists {
        total_uses: usage.total,
        unique_users: usage.unique_users,
        avg_per_user: usage.avg_per_user(),
        avg_days_between_uses: average(sum, users as f64),
    }
}

fn tutorial_videos<'a>(ctx: &Context<'a, '_>) -> TutorialVideos<'a> {
    let data = ctx.data;
    let usage = usage(ctx, EventKind::TutorialVideoViewed);
    let mut per_video: HashMap<(&'a VideoId, Option<&'a str>), u64> = HashMap::new();
    for (i, _) in ctx.events_of(EventKind::TutorialVideoViewed) {
        let d = &data.event_details[data.events.detail[i] as usize];
        *per_video
            .entry((&d.video_id, d.video_title.as_deref()))
            .or_default() += 1;
    }
    TutorialVideos {
        total_views: usage.total,
        unique_users: usage.unique_users,
        avg_per_user: usage.avg_per_user(),
        top_videos: top_by_count(per_video)
            .into_iter()
            .map(|((video_id, title), views)| VideoViews {
                video_id,
                title,
                views,
            })
            .collect(),
    }
}

fn cross_engagement(ctx: &Context<'_, '_>) -> CrossEngagement {
    let devotional = usage(ctx, EventKind::DevotionalViewed).per_user;
    let checklist = usage(ctx, EventKind::ChecklistUsed).per_user;
    let both = devotional
        .iter()
        .zip(&checklist)
        .filter(|(&d, &c)| d > 0 && c > 0)
        .count() as u64;
    let (mut with, mut with_items, mut without, mut without_items) = (0u64, 0u64, 0u64, 0u64);
    for (u, &items) in ctx.feed_in_period.iter().enumerate() {
        if items == 0 {
            continue;
        }
        if ctx.in_a_fast[u] {
            with += 1;
            with_items += u64::from(items);
        } else {
            without += 1;
            without_items += u64::from(items);
        }
    }
    CrossEngagement {
        users_both_devotional_and_checklist: both,
        users_in_fasts_with_activity: with,
        users_without_fasts_with_activity: without,
        avg_activities_users_with_fast: average(with_items as f64, with as f64),
        avg_activities_users_without_fast: average(without_items as f64, without as f64),
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    fn base() -> TestBundle {
        TestBundle::new()
            .fast(10, "Lent", None, Some(2025))
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
    }

    #[test]
    fn events_by_type_and_top_fasts() {
        let data = base()
            .event("app_open", None, None, "2025-01-01 00:00:00+00")
            .event("app_open", Some(1), None, "2025-01-31 23:59:59+00")
            .event("fast_beginning", Some(1), None, "2025-02-01 00:00:00+00") // after
            .event(
                "user_joined_fast",
                Some(1),
                Some(10),
                "2025-01-02 00:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(2),
                Some(777),
                "2025-01-02 00:00:00+00",
            )
            .event(
                "user_joined_fast",
                Some(3),
                Some(777),
                "2025-01-02 00:00:00+00",
            )
            .event("user_joined_fast", Some(3), None, "2025-01-02 00:00:00+00")
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let m = &r.other_metrics;
        assert_eq!(
            json(&m.events_by_type),
            r#"{"app_open":2,"user_joined_fast":4}"#
        );
        assert_eq!(
            json(&m.top_fasts_by_joins),
            r#"[{"fast_id":777,"fast":"777","joins":2},{"fast_id":10,"fast":"Lent (2025)","joins":1}]"#
        );
    }

    #[test]
    fn screen_views_count_events_without_user_or_screen() {
        let data = base()
            .event_data(
                "screen_view",
                Some(1),
                r#"{"screen": "home"}"#,
                "2025-01-01 07:00:00+00",
            )
            .event_data(
                "screen_view",
                Some(1),
                r#"{"screen": "home", "x": 1}"#,
                "2025-01-01 09:00:00+00",
            )
            .event_data(
                "screen_view",
                Some(2),
                r#"{"screen": "=cmd"}"#,
                "2025-01-02 00:00:00+00",
            )
            .event_data(
                "screen_view",
                None,
                r#"{"screen": "a,b"}"#,
                "2025-01-02 00:00:00+00",
            )
            .event_data("screen_view", Some(2), "null", "2025-01-02 00:00:00+00")
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.other_metrics.screen_views),
            concat!(
                r#"{"total":5,"unique_users":2,"avg_per_user":2.5,"#,
                r#""top_screens":[{"screen":"home","views":2},{"screen":"=cmd","views":1},{"screen":"a,b","views":1}],"#,
                r#""daily_timeline":{"2025-01-01":2,"2025-01-02":3}}"#
            )
        );
        // In Los Angeles the 07:00 UTC view is on Dec 31, outside the period.
        let r = report(&data, "2025-01-01", "2025-01-31", "America/Los_Angeles");
        assert_eq!(r.other_metrics.screen_views.total, 4);
        assert_eq!(
            json(&r.other_metrics.screen_views.daily_timeline),
            r#"{"2025-01-01":4}"#
        );
    }

    #[test]
    fn devotionals_checklists_and_cross_engagement() {
        let data = base()
            .member(1, 10)
            .event("devotional_viewed", Some(2), None, "2025-01-01 00:00:00+00")
            .event("devotional_viewed", Some(1), None, "2025-01-01 00:00:00+00")
            .event("devotional_viewed", Some(2), None, "2025-01-02 00:00:00+00")
            .event("devotional_viewed", None, None, "2025-01-02 00:00:00+00")
            // User 1: 3 uses over 4 days and 12 hours -> 4 whole days / 2 = 2.
            .event("checklist_used", Some(1), None, "2025-01-01 00:00:00+00")
            .event("checklist_used", Some(1), None, "2025-01-02 00:00:00+00")
            .event("checklist_used", Some(1), None, "2025-01-05 12:00:00+00")
            // User 2: 2 uses 23 hours apart: not a whole day, left out.
            .event("checklist_used", Some(2), None, "2025-01-01 00:00:00+00")
            .event("checklist_used", Some(2), None, "2025-01-01 23:00:00+00")
            // User 3: 2 uses 3 days apart -> 3.
            .event("checklist_used", Some(3), None, "2025-01-10 00:00:00+00")
            .event("checklist_used", Some(3), None, "2025-01-13 01:00:00+00")
            .feed(1, 1, "a", "2025-01-03 00:00:00+00")
            .feed(2, 1, "a", "2025-01-04 00:00:00+00")
            .feed(3, 2, "a", "2025-01-03 00:00:00+00")
            .feed(4, 3, "a", "2025-01-03 00:00:00+00")
            .feed(5, 3, "a", "2025-01-03 00:00:00+00")
            .feed(6, 3, "a", "2025-01-03 00:00:00+00")
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let p = &r.other_metrics.engagement_patterns;
        assert_eq!(
            json(&p.devotionals),
            r#"{"total_views":4,"unique_users":2,"avg_per_user":2.0,"top_users":[{"user_id":2,"username":"user2","views":2},{"user_id":1,"username":"user1","views":1}]}"#
        );
        assert_eq!(
            json(&p.checklists),
            r#"{"total_uses":7,"unique_users":3,"avg_per_user":2.33,"avg_days_between_uses":2.5}"#
        );
        assert_eq!(
            json(&p.cross_engagement),
            concat!(
                r#"{"users_both_devotional_and_checklist":2,"users_in_fasts_with_activity":1,"#,
                r#""users_without_fasts_with_activity":2,"avg_activities_users_with_fast":2.0,"avg_activities_users_without_fast":2.0}"#
            )
        );
        assert_eq!(r.other_metrics.active_users, 3);
    }

    #[test]
    fn videos_group_by_id_and_title_numbers_first() {
        let data = base()
            .event_data(
                "tutorial_video_viewed",
                Some(1),
                r#"{"video_id": 10, "title": "Ten"}"#,
                "2025-01-01 00:00:00+00",
            )
            .event_data(
                "tutorial_video_viewed",
                Some(1),
                r#"{"video_id": 9, "title": "Nine"}"#,
                "2025-01-01 00:00:00+00",
            )
            .event_data(
                "tutorial_video_viewed",
                Some(2),
                r#"{"video_id": "intro", "title": "Intro"}"#,
                "2025-01-01 00:00:00+00",
            )
            .event_data(
                "tutorial_video_viewed",
                Some(2),
                "{}",
                "2025-01-01 00:00:00+00",
            )
            .event_data(
                "tutorial_video_viewed",
                Some(3),
                r#"{"video_id": 10, "title": "Ten"}"#,
                "2025-01-01 00:00:00+00",
            )
            .load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&r.other_metrics.engagement_patterns.tutorial_videos),
            concat!(
                r#"{"total_views":5,"unique_users":3,"avg_per_user":1.67,"top_videos":["#,
                r#"{"video_id":10,"title":"Ten","views":2},{"video_id":9,"title":"Nine","views":1},"#,
                r#"{"video_id":"intro","title":"Intro","views":1},{"video_id":null,"title":null,"views":1}]}"#
            )
        );
    }

    #[test]
    fn empty_period_gives_zeros() {
        let data = base().load();
        let r = report(&data, "2025-01-01", "2025-01-31", "UTC");
        let p = &r.other_metrics.engagement_patterns;
        assert_eq!(p.checklists.avg_days_between_uses, 0.0);
        assert_eq!(r.other_metrics.screen_views.avg_per_user, 0.0);
        assert!(r.other_metrics.top_fasts_by_joins.is_empty());
    }
}
