//! The report's rows: the seven data sets of SPEC §4 as plain structs that
//! serialize to the JSON SPEC §5 names. Text borrows from the [`Dataset`],
//! so a report costs little beyond its numbers.
//!
//! [`Dataset`]: crate::model::Dataset

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Dataset, VideoId, NONE, NO_ID};
use crate::period::Date;
use crate::timestamp::Timestamp;

/// The report's period, as given.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Range {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day (inclusive), `YYYY-MM-DD`.
    pub end: String,
    /// IANA time-zone name.
    pub timezone: String,
    /// The segment (SPEC §8), only when one is active: without one the
    /// output is as before segments existed. Set it from
    /// [`crate::segment::SegmentInfo::range_segment`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<crate::segment::Segment>,
    /// `true` when names were replaced with pseudonyms (SPEC §12); left
    /// out otherwise, so that output without them is as before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pseudonymized: bool,
}

/// Data set 1: new users on one day.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NewUsersOnDay {
    /// The local day.
    pub date: Date,
    /// Users who joined that day.
    pub count: u64,
}

/// Data set 2: one fast.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FastRow<'a> {
    /// The fast's id.
    pub fast_id: i64,
    /// Name plus ` (YEAR)` when it has a year.
    pub fast_name: &'a str,
    /// The church's name, or null.
    pub church_name: Option<&'a str>,
    /// Users in the fast now.
    pub participants: u64,
    /// `user_joined_fast` events in the period targeting it.
    pub joins_in_period: u64,
    /// `user_left_fast` events in the period targeting it.
    pub leaves_in_period: u64,
}

/// Data set 3: one user's feed activity in the period.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserActivityRow<'a> {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// When the user joined (UTC).
    pub date_joined: Timestamp,
    /// Feed items in the period.
    pub total_items: u64,
    /// Feed items per activity type, keys sorted.
    pub by_type: TypeCounts<'a>,
}

/// Counts per activity type, sorted by type; serialised as a JSON object.
/// A boxed slice of the few types a user has, not a map: one row per
/// active user, hundreds of thousands on a large bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeCounts<'a>(Box<[(&'a str, u64)]>);

impl<'a> TypeCounts<'a> {
    /// The counts of `(type, count)` pairs, each type once, in any order.
    pub fn new(mut counts: Vec<(&'a str, u64)>) -> TypeCounts<'a> {
        counts.sort_unstable_by_key(|&(t, _)| t);
        TypeCounts(counts.into_boxed_slice())
    }

    /// The types, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().map(|&(t, _)| t)
    }

    /// The `(type, count)` pairs, sorted by type.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, u64)> + '_ {
        self.0.iter().copied()
    }

    /// The count of `activity_type`, if it has one.
    pub fn get(&self, activity_type: &str) -> Option<u64> {
        self.0
            .binary_search_by(|&(t, _)| t.cmp(activity_type))
            .ok()
            .map(|i| self.0[i].1)
    }
}

impl Serialize for TypeCounts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(t, n)| (t, n)))
    }
}

/// Data set 4: one feed item in the period.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TimelineRow<'a> {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: &'a str,
    /// Activity type.
    pub activity_type: &'a str,
    /// `created_at` (UTC).
    pub timestamp: Timestamp,
    /// Title, or null.
    pub title: Option<&'a str>,
    /// Description, or null.
    pub description: Option<&'a str>,
    /// The target's model name, or null.
    pub target_type: Option<&'a str>,
    /// The target's id, or null.
    pub target_id: Option<i64>,
}

/// Data set 4: the feed items in the period, in report order. A row is
/// built from the data when it is read: the report keeps a 4-byte feed
/// index per row instead of a 112-byte [`TimelineRow`] (a long period on a
/// large bundle has millions of rows).
#[derive(Clone)]
pub struct Timeline<'a> {
    data: &'a Dataset,
    /// Indices into `data.feed`, in report order.
    items: Vec<u32>,
}

impl<'a> Timeline<'a> {
    /// The rows of `data`'s feed items `items`, in that order.
    pub fn new(data: &'a Dataset, items: Vec<u32>) -> Timeline<'a> {
        Timeline { data, items }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The data the rows are read from.
    pub fn data(&self) -> &'a Dataset {
        self.data
    }

    /// Row by row, the index of its item in [`Dataset::feed`], for readers
    /// that take the columns they need straight from the data.
    pub fn items(&self) -> &[u32] {
        &self.items
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> TimelineRow<'a> {
        let (data, item) = (self.data, self.items[i] as usize);
        let feed = &data.feed;
        let user = &data.users[feed.user[item] as usize];
        let target_type = feed.target_type[item];
        let target_id = feed.target_id.get(item);
        TimelineRow {
            user_id: user.id,
            username: &user.username,
            activity_type: data.strings.get(feed.activity_type[item]),
            timestamp: Timestamp(feed.timestamp[item]),
            title: feed.title(item),
            description: feed.description(item),
            target_type: (target_type != NONE).then(|| data.strings.get(target_type)),
            target_id: (target_id != NO_ID).then_some(target_id),
        }
    }

    /// The rows, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TimelineRow<'a>> + '_ {
        (0..self.items.len()).map(|i| self.get(i))
    }

    /// The same rows stably sorted by `key` of each row's user id (the
    /// pseudonyms' order, SPEC §12).
    pub(crate) fn sorted_by_user<K: Ord>(&self, key: impl Fn(i64) -> K) -> Timeline<'a> {
        let (data, feed) = (self.data, &self.data.feed);
        let mut items = self.items.clone();
        items.sort_by_cached_key(|&item| key(data.users[feed.user[item as usize] as usize].id));
        Timeline { data, items }
    }
}

impl Serialize for Timeline<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl PartialEq for Timeline<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Timeline<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Whether a user is in a fast now.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In the fast now.
    Active,
    /// Not in the fast now.
    Left,
}

impl Status {
    /// `active` or `left`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Left => "left",
        }
    }
}

/// One (user, fast) pair of data set 5, by index: the latest join and
/// leave, and whether the user is a member now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParticipationPair {
    pub(crate) user: u32,
    pub(crate) fast: u32,
    pub(crate) joined: Option<i64>,
    pub(crate) left: Option<i64>,
    pub(crate) member: bool,
}

/// Data set 5: rows built from the data when read. The pairs are shared
/// with [`crate::metrics::Participation`], which the page keeps across
/// periods, so a report adds no copy of them.
#[derive(Clone)]
pub struct Participations<'a> {
    data: &'a Dataset,
    /// In (user index, fast index) order, which is (user_id, fast_id) order.
    pairs: std::sync::Arc<[ParticipationPair]>,
}

impl<'a> Participations<'a> {
    pub(crate) fn new(
        data: &'a Dataset,
        pairs: std::sync::Arc<[ParticipationPair]>,
    ) -> Participations<'a> {
        Participations { data, pairs }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> ParticipationRow<'a> {
        let pair = self.pairs[i];
        let user = &self.data.users[pair.user as usize];
        let fast = &self.data.fasts[pair.fast as usize];
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
    }

    /// The rows, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ParticipationRow<'a>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The same rows stably sorted by `key` of each row's user id (the
    /// pseudonyms' order, SPEC §12).
    pub(crate) fn sorted_by_user<K: Ord>(&self, key: impl Fn(i64) -> K) -> Participations<'a> {
        let data = self.data;
        let mut pairs: Vec<ParticipationPair> = self.pairs.to_vec();
        pairs.sort_by_cached_key(|p| key(data.users[p.user as usize].id));
        Participations {
            data,
            pairs: pairs.into(),
        }
    }
}

impl Serialize for Participations<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl PartialEq for Participations<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Participations<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Data set 5: one (user, fast) pair over the whole history.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ParticipationRow<'a> {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// The fast's id.
    pub fast_id: i64,
    /// Fast display name.
    pub fast_name: &'a str,
    /// Church name, or null.
    pub church_name: Option<&'a str>,
    /// Latest join, or null.
    pub joined_at: Option<Timestamp>,
    /// Latest leave, or null.
    pub left_at: Option<Timestamp>,
    /// Membership now.
    pub status: Status,
}

/// Data set 6: one weekly cohort.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CohortRow {
    /// ISO week, `YYYY-Www`.
    pub cohort_week: String,
    /// The week's Monday.
    pub cohort_start_date: Date,
    /// Users who joined that week.
    pub total_users: u64,
    /// Of them, users with a feed item in the period.
    pub active_users: u64,
    /// 100 × active / total.
    pub retention_rate: f64,
    /// Feed items in the period of active members / active members.
    pub avg_activities_per_user: f64,
    /// Whole weeks from the Monday to the period's end date.
    pub cohort_age_weeks: i64,
}

/// Data set 7.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OtherMetrics<'a> {
    /// Events in the period per code, keys sorted.
    pub events_by_type: BTreeMap<&'a str, u64>,
    /// Users with a feed item in the period.
    pub active_users: u64,
    /// Up to 10 fasts by joins.
    pub top_fasts_by_joins: Vec<FastJoins<'a>>,
    /// `screen_view` figures.
    pub screen_views: ScreenViews<'a>,
    /// Devotionals, checklists, videos and their overlap.
    pub engagement_patterns: EngagementPatterns<'a>,
}

/// One entry of `top_fasts_by_joins`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FastJoins<'a> {
    /// The fast's id.
    pub fast_id: i64,
    /// Its display name, or the id as text when unknown.
    pub fast: std::borrow::Cow<'a, str>,
    /// Joins in the period.
    pub joins: u64,
}

/// `screen_views`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScreenViews<'a> {
    /// Events.
    pub total: u64,
    /// Distinct users.
    pub unique_users: u64,
    /// total / unique users.
    pub avg_per_user: f64,
    /// Up to 10 screens by views.
    pub top_screens: Vec<ScreenCount<'a>>,
    /// Views per local day, ascending.
    pub daily_timeline: BTreeMap<Date, u64>,
}

/// One entry of `top_screens`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ScreenCount<'a> {
    /// Screen name.
    pub screen: &'a str,
    /// Views.
    pub views: u64,
}

/// `engagement_patterns`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EngagementPatterns<'a> {
    /// `devotional_viewed`.
    pub devotionals: Devotionals<'a>,
    /// `checklist_used`.
    pub checklists: Checklists,
    /// `tutorial_video_viewed`.
    pub tutorial_videos: TutorialVideos<'a>,
    /// Overlaps.
    pub cross_engagement: CrossEngagement,
}

/// `devotionals`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Devotionals<'a> {
    /// Events.
    pub total_views: u64,
    /// Distinct users.
    pub unique_users: u64,
    /// total / unique users.
    pub avg_per_user: f64,
    /// Up to 10 users by views.
    pub top_users: Vec<UserViews<'a>>,
}

/// One entry of `top_users`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserViews<'a> {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: &'a str,
    /// Views.
    pub views: u64,
}

/// `checklists`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Checklists {
    /// Events.
    pub total_uses: u64,
    /// Distinct users.
    pub unique_users: u64,
    /// total / unique users.
    pub avg_per_user: f64,
    /// Mean over users of whole days between first and last use / (uses − 1).
    pub avg_days_between_uses: f64,
}

/// `tutorial_videos`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TutorialVideos<'a> {
    /// Events.
    pub total_views: u64,
    /// Distinct users.
    pub unique_users: u64,
    /// total / unique users.
    pub avg_per_user: f64,
    /// Up to 10 (video_id, title) by views.
    pub top_videos: Vec<VideoViews<'a>>,
}

/// One entry of `top_videos`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VideoViews<'a> {
    /// `data.video_id`.
    pub video_id: &'a VideoId,
    /// `data.title`.
    pub title: Option<&'a str>,
    /// Views.
    pub views: u64,
}

impl Serialize for VideoId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // The number is written back as it was in `data`.
            VideoId::Number(n) => match serde_json::from_str::<serde_json::Number>(&n.0) {
                Ok(num) => num.serialize(s),
                Err(_) => s.serialize_str(&n.0),
            },
            VideoId::Text(t) => s.serialize_str(t),
            VideoId::Null => s.serialize_none(),
        }
    }
}

/// `cross_engagement`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CrossEngagement {
    /// Users with both a devotional view and a checklist use.
    pub users_both_devotional_and_checklist: u64,
    /// Users in any fast now with a feed item in the period.
    pub users_in_fasts_with_activity: u64,
    /// Users in no fast with a feed item in the period.
    pub users_without_fasts_with_activity: u64,
    /// Feed items in the period / users_in_fasts_with_activity.
    pub avg_activities_users_with_fast: f64,
    /// Feed items in the period / users_without_fasts_with_activity.
    pub avg_activities_users_without_fast: f64,
}

/// The whole report: SPEC §5's consolidated JSON object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report<'a> {
    /// The period.
    pub range: Range,
    /// Data set 1.
    pub new_users_over_time: Vec<NewUsersOnDay>,
    /// Data set 2.
    pub fasts: Vec<FastRow<'a>>,
    /// Data set 3.
    pub user_activity: Vec<UserActivityRow<'a>>,
    /// Data set 4.
    pub user_activity_timeline: Timeline<'a>,
    /// Data set 5.
    pub user_fast_participation: Participations<'a>,
    /// Data set 6.
    pub retention_cohorts: Vec<CohortRow>,
    /// Data set 7.
    pub other_metrics: OtherMetrics<'a>,
    /// The tables the bundle lacked ([`crate::model::Dataset::missing_tables`]):
    /// the readable outputs say "needs <file>" where a figure needs one.
    /// Not part of the JSON.
    #[serde(skip)]
    pub missing_tables: Vec<crate::load::Table>,
}
