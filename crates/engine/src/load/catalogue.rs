//! The tables of an export (SPEC §2a): names, columns, what each feeds.

/// The tables of SPEC §2a, recognised by file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// `auth_user.csv`
    Users,
    /// `hub_church.csv`
    Churches,
    /// `hub_fast.csv`
    Fasts,
    /// `hub_profile.csv`
    Profiles,
    /// `hub_profile_fasts.csv`
    Memberships,
    /// `events_eventtype.csv`
    EventTypes,
    /// `events_event.csv`
    Events,
    /// `events_useractivityfeed.csv`
    Feed,
    /// `django_content_type.csv`
    ContentTypes,
    /// `hub_day.csv` (optional, SPEC §2a): the fasts' calendar days. Not
    /// one of the nine tables of [`Table::ALL`]: a bundle without it is
    /// complete, and only the fast calendar and editions of SPEC §11 read
    /// it. [`Table::OPTIONAL`] lists it.
    Days,
}

impl Table {
    /// The columns the report reads from this table (SPEC §2a), in the
    /// loader's order, and the columns it reads only when they exist (a
    /// fast's `year`, and what segments need: users' staff flags, the
    /// profile's church). Other readers of the same tables (the CLI's
    /// database input) ask here rather than keeping their own list.
    pub fn columns(self) -> (Vec<&'static str>, Vec<&'static str>) {
        let (optional, needed): (Vec<&'static str>, Vec<&'static str>) = needed_columns(self)
            .iter()
            .partition(|c| optional_column(self, c));
        let mut optional = optional;
        optional.extend(segment_columns(self));
        (needed, optional)
    }

    /// The nine tables of SPEC §2a that a bundle is made of, in SPEC order
    /// (the optional [`Table::OPTIONAL`] ones are not among them).
    pub const ALL: [Table; 9] = [
        Table::Users,
        Table::Churches,
        Table::Fasts,
        Table::Profiles,
        Table::Memberships,
        Table::EventTypes,
        Table::Events,
        Table::Feed,
        Table::ContentTypes,
    ];

    /// Tables a bundle may hold but never needs (SPEC §2a "optional"):
    /// recognised and read when present, never reported missing.
    pub const OPTIONAL: [Table; 1] = [Table::Days];

    /// Whether a bundle may go without this table without anything missing.
    pub fn is_optional(self) -> bool {
        Table::OPTIONAL.contains(&self)
    }

    /// Every table the loader recognises: [`Table::ALL`], then
    /// [`Table::OPTIONAL`].
    pub fn recognised() -> impl Iterator<Item = Table> {
        Table::ALL.into_iter().chain(Table::OPTIONAL)
    }

    /// The CSV file name of the table.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Users => "auth_user.csv",
            Table::Churches => "hub_church.csv",
            Table::Fasts => "hub_fast.csv",
            Table::Profiles => "hub_profile.csv",
            Table::Memberships => "hub_profile_fasts.csv",
            Table::EventTypes => "events_eventtype.csv",
            Table::Events => "events_event.csv",
            Table::Feed => "events_useractivityfeed.csv",
            Table::ContentTypes => "django_content_type.csv",
            Table::Days => "hub_day.csv",
        }
    }

    /// What the report makes from this table (SPEC §4, §7): the data sets
    /// and insights (by their file names without extension) whose figures
    /// come, at least in part, from its rows. Without the table these lack
    /// its figures: the CLI's warning and the page's checklist name them.
    /// Read from the definitions: `auth_user` gives the users every per-user
    /// figure and join date needs; the profiles and their fasts give
    /// current memberships (participants, statuses, users in fasts); event
    /// types give the codes without which every event is left out; content
    /// types say which events and feed items target a fast.
    pub fn feeds(self) -> &'static [&'static str] {
        match self {
            Table::Users => &[
                "new_users_over_time",
                "fasts",
                "user_activity",
                "user_activity_timeline",
                "user_fast_participation",
                "retention_cohorts",
                "other_metrics",
                "retention_matrix",
                "user_engagement",
                "fast_retention",
                "period_comparison",
                "daily_activity",
                "app_usage",
            ],
            Table::Churches => &[
                "fasts",
                "user_fast_participation",
                "fast_retention",
                "fast_calendar",
                "fast_editions",
            ],
            Table::Fasts => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            Table::Profiles | Table::Memberships => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
            ],
            Table::EventTypes | Table::Events => &[
                "fasts",
                "user_fast_participation",
                "other_metrics",
                "activity_heatmap",
                "fast_retention",
                "period_comparison",
                "daily_activity",
                "app_usage",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            Table::Feed => &[
                "user_activity",
                "user_activity_timeline",
                "retention_cohorts",
                "other_metrics",
                "retention_matrix",
                "activity_heatmap",
                "user_engagement",
                "period_comparison",
                "daily_activity",
            ],
            Table::ContentTypes => &[
                "fasts",
                "user_activity_timeline",
                "user_fast_participation",
                "other_metrics",
                "fast_retention",
                "fast_calendar",
                "fast_daily",
                "fast_editions",
            ],
            // Optional (SPEC §11): never missing, so never named as needed.
            Table::Days => &["fast_calendar", "fast_daily", "fast_editions"],
        }
    }

    /// The single figures and charts that are nothing without this table
    /// (each would read 0 or stay empty): the headline figures by their
    /// `period_comparison` metric names, the parts of `other_metrics` and
    /// the insights that `summary.md` states, and the charts by their keys
    /// ([`crate::readable::charts::Chart::key`]). Where one of these needs
    /// a missing table, the report says "needs <file>" instead of a zero
    /// (see [`needs`]).
    pub fn figures(self) -> &'static [&'static str] {
        match self {
            Table::Users => &[
                "new_users",
                "new_users_per_day",
                "retention_cohorts",
                "retention_by_cohort",
                "retention_matrix",
                "retention_triangle",
                "fast_retention",
            ],
            Table::Churches => &[],
            Table::Fasts | Table::Profiles | Table::Memberships => &["fast_retention"],
            Table::EventTypes | Table::Events => &[
                "events",
                "events_by_type",
                "screen_views",
                "screen_views_per_day",
                "top_screens",
                "devotional_views",
                "checklist_uses",
                "fast_joins",
                "fast_leaves",
                "top_fasts_by_joins",
                "activity_heatmap",
                "fast_retention",
            ],
            Table::Feed => &[
                "active_users",
                "feed_items",
                "retention_cohorts",
                "retention_by_cohort",
                "retention_matrix",
                "retention_triangle",
                "user_engagement",
                "activity_heatmap",
            ],
            Table::ContentTypes => &["top_fasts_by_joins", "fast_retention"],
            Table::Days => &[],
        }
    }

    /// A short human name, for summaries.
    pub fn label(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Churches => "churches",
            Table::Fasts => "fasts",
            Table::Profiles => "profiles",
            Table::Memberships => "fast memberships",
            Table::EventTypes => "event types",
            Table::Events => "events",
            Table::Feed => "activity feed items",
            Table::ContentTypes => "content types",
            Table::Days => "fast calendar days",
        }
    }
}

/// The tables among `missing` that the figure or chart `name` (as
/// [`Table::figures`] names them) needs, as the report says it: `needs
/// events_event.csv`, or `needs events_eventtype.csv and
/// events_event.csv`; `None` when it needs none of them.
pub fn needs(missing: &[Table], name: &str) -> Option<String> {
    let files = tables_among(missing, |t| t.figures().contains(&name))?;
    Some(format!("needs {files}"))
}

/// The tables among `missing` that feed the data set or insight `name` (as
/// [`Table::feeds`] names them): `made without hub_church.csv and
/// events_event.csv`; `None` when none of them feeds it.
pub fn made_without(missing: &[Table], name: &str) -> Option<String> {
    let files = tables_among(missing, |t| t.feeds().contains(&name))?;
    Some(format!("made without {files}"))
}

/// The file names of the tables of `missing` that `pick` picks, joined
/// (`a, b and c`), in SPEC order.
fn tables_among(missing: &[Table], pick: impl Fn(Table) -> bool) -> Option<String> {
    let files: Vec<&str> = Table::ALL
        .into_iter()
        .filter(|&t| missing.contains(&t) && pick(t))
        .map(Table::file_name)
        .collect();
    match files.as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// Row counts of what was loaded, per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableCounts(pub Vec<(Table, u64)>);

/// Columns each table needs, in the order the parser reads them.
pub(super) fn needed_columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Users => &["id", "username", "email", "date_joined"],
        Table::Churches => &["id", "name"],
        Table::Fasts => &["id", "name", "church_id", "year"],
        Table::Profiles => &["id", "user_id"],
        Table::Memberships => &["profile_id", "fast_id"],
        Table::EventTypes => &["id", "code"],
        Table::Events => &[
            "id",
            "event_type_id",
            "user_id",
            "content_type_id",
            "object_id",
            "data",
            "timestamp",
        ],
        Table::Feed => &[
            "id",
            "user_id",
            "activity_type",
            "content_type_id",
            "object_id",
            "title",
            "description",
            "created_at",
        ],
        Table::ContentTypes => &["id", "app_label", "model"],
        Table::Days => &["id", "date", "fast_id"],
    }
}

/// Columns that may be absent from the header (SPEC: `year` may be absent).
pub(super) fn optional_column(table: Table, name: &str) -> bool {
    table == Table::Fasts && name == "year"
}

/// Columns read after [`needed_columns`] that only segments need (SPEC
/// §8): absent ones are noted, not refused, and a row without them is not
/// short.
pub(super) fn segment_columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Users => &["is_staff", "is_superuser"],
        Table::Profiles => &["church_id"],
        _ => &[],
    }
}
