//! Column names of the tabular data sets, in SPEC order: the CSV headers,
//! the page's table columns and the readable reports' tables all take them
//! from here. `user_activity` is followed by one `type_<activity_type>`
//! column per activity type in the result.

/// `new_users_over_time`.
pub const NEW_USERS_OVER_TIME: &[&str] = &["date", "count"];
/// `fasts`.
pub const FASTS: &[&str] = &[
    "fast_id",
    "fast_name",
    "church_name",
    "participants",
    "joins_in_period",
    "leaves_in_period",
];
/// `user_activity`, before its `type_*` columns.
pub const USER_ACTIVITY: &[&str] = &["user_id", "username", "email", "date_joined", "total_items"];
/// `user_activity_timeline`.
pub const USER_ACTIVITY_TIMELINE: &[&str] = &[
    "user_id",
    "username",
    "activity_type",
    "timestamp",
    "title",
    "description",
    "target_type",
    "target_id",
];
/// `user_fast_participation`.
pub const USER_FAST_PARTICIPATION: &[&str] = &[
    "user_id",
    "username",
    "email",
    "fast_id",
    "fast_name",
    "church_name",
    "joined_at",
    "left_at",
    "status",
];
/// `retention_cohorts`.
pub const RETENTION_COHORTS: &[&str] = &[
    "cohort_week",
    "cohort_start_date",
    "total_users",
    "active_users",
    "retention_rate",
    "avg_activities_per_user",
    "cohort_age_weeks",
];
/// `retention_matrix` (SPEC §7.1): a row per cohort, two columns per
/// week 0 … 12.
pub const RETENTION_MATRIX: &[&str] = &[
    "cohort_week",
    "cohort_start_date",
    "users",
    "complete_weeks",
    "week_0_active",
    "week_0_rate",
    "week_1_active",
    "week_1_rate",
    "week_2_active",
    "week_2_rate",
    "week_3_active",
    "week_3_rate",
    "week_4_active",
    "week_4_rate",
    "week_5_active",
    "week_5_rate",
    "week_6_active",
    "week_6_rate",
    "week_7_active",
    "week_7_rate",
    "week_8_active",
    "week_8_rate",
    "week_9_active",
    "week_9_rate",
    "week_10_active",
    "week_10_rate",
    "week_11_active",
    "week_11_rate",
    "week_12_active",
    "week_12_rate",
];
/// `activity_heatmap`.
pub const ACTIVITY_HEATMAP: &[&str] = &[
    "weekday",
    "weekday_name",
    "hour",
    "events",
    "feed_items",
    "users",
];
/// `user_engagement`.
pub const USER_ENGAGEMENT: &[&str] = &[
    "user_id",
    "username",
    "email",
    "items",
    "active_days",
    "first_activity",
    "last_activity",
    "days_since_last",
    "avg_gap_days",
    "first_half_items",
    "second_half_items",
    "status",
    "engagement_rank",
];
/// `fast_retention`.
pub const FAST_RETENTION: &[&str] = &[
    "fast_id",
    "fast_name",
    "church_name",
    "members_ever",
    "active_members",
    "left_members",
    "retention_rate",
    "median_days_to_leave",
    "members_in_other_fasts",
];
/// `period_comparison`: one row per metric.
pub const PERIOD_COMPARISON: &[&str] = &["metric", "current", "previous", "change", "change_pct"];
/// `daily_activity` (SPEC §11.1).
pub const DAILY_ACTIVITY: &[&str] = &[
    "date",
    "new_users",
    "active_users",
    "feed_items",
    "events",
    "app_opens",
    "sessions",
    "screen_views",
    "fast_joins",
    "fast_leaves",
    "net_fast_joins",
];
/// `fast_calendar` (SPEC §11.3).
pub const FAST_CALENDAR: &[&str] = &[
    "fast_id",
    "fast_name",
    "church_name",
    "first_day",
    "last_day",
    "days",
    "status",
    "participants",
    "joins_in_period",
    "leaves_in_period",
];
/// `fast_daily` (SPEC §11.4).
pub const FAST_DAILY: &[&str] = &["fast_id", "date", "day_of_fast", "joins", "leaves", "net"];
/// `fast_editions` (SPEC §11.5).
pub const FAST_EDITIONS: &[&str] = &[
    "fast_id",
    "previous_fast_id",
    "relative_day",
    "date",
    "joins",
    "cumulative_joins",
    "previous_date",
    "previous_joins",
    "previous_cumulative_joins",
];
