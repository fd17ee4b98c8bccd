//! SPEC §11.2: how the app is used: opens (by hour, platform and version),
//! sessions and their length, screen-view sources, the most frequent
//! session users. The admin "app usage" dashboard, for any period.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::AppCode;
use crate::metrics::{average, round2};
use crate::model::{Dataset, NONE, UNKNOWN_LABEL};
use crate::period::Period;
use crate::timestamp::Timestamp;

/// Sessions listed in `top_session_users`.
pub const TOP_SESSION_USERS: usize = 10;

/// The app-usage object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AppUsage<'a> {
    /// `app_open` events.
    pub app_opens: u64,
    /// Distinct users of `app_open` events.
    pub app_open_users: u64,
    /// `session_start` events.
    pub sessions: u64,
    /// Distinct users of `session_start` events.
    pub session_users: u64,
    /// sessions / session users, 2 decimals.
    pub sessions_per_user: f64,
    /// Lengths of the period's `session_end` events.
    pub session_seconds: SessionSeconds,
    /// 24 local hours, zeros included.
    pub opens_by_hour: Vec<HourOpens>,
    /// Opens by `data.platform`, most first.
    pub platforms: Vec<PlatformRow<'a>>,
    /// Opens by `data.app_version`, most first.
    pub app_versions: Vec<VersionRow<'a>>,
    /// `screen_view` events by `data.source`, keys sorted.
    pub screen_view_sources: BTreeMap<&'a str, u64>,
    /// Up to [`TOP_SESSION_USERS`] users by sessions.
    pub top_session_users: Vec<SessionUser<'a>>,
}

/// Session lengths in seconds: `count`, and over them the mean and median
/// (2 decimals) and the nearest-rank 90th percentile; null without any.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionSeconds {
    /// `session_end` events whose `duration_seconds` is a number ≥ 0.
    pub count: u64,
    /// Mean.
    pub mean: Option<f64>,
    /// Median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
    /// The ⌈0.9 × count⌉-th smallest value.
    pub p90: Option<f64>,
}

/// App opens in one local hour.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HourOpens {
    /// 0–23.
    pub hour: u8,
    /// `app_open` events in that hour of any day of the period.
    pub opens: u64,
}

/// Opens of one platform.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlatformRow<'a> {
    /// `data.platform`, or `unknown`.
    pub platform: &'a str,
    /// `app_open` events.
    pub opens: u64,
    /// Their distinct users.
    pub users: u64,
}

/// Opens of one app version.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct VersionRow<'a> {
    /// `data.app_version`, or `unknown`.
    pub app_version: &'a str,
    /// `app_open` events.
    pub opens: u64,
    /// Their distinct users.
    pub users: u64,
}

/// A user by sessions.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SessionUser<'a> {
    /// The user's id.
    pub user_id: i64,
    /// The user's login name.
    pub username: &'a str,
    /// `session_start` events of the user.
    pub sessions: u64,
}

/// Labels numbered in the order first met, `unknown` for none.
struct Labels<'a> {
    index: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Labels<'a> {
    fn new() -> Self {
        Labels {
            index: HashMap::new(),
            names: Vec::new(),
        }
    }

    fn of(&mut self, label: Option<&'a str>) -> u32 {
        let label = label.unwrap_or(UNKNOWN_LABEL);
        let next = self.names.len() as u32;
        let i = *self.index.entry(label).or_insert(next);
        if i == next {
            self.names.push(label);
        }
        i
    }
}

/// Opens and distinct users per label, by opens descending then label.
fn by_label<'a>(
    labels: &Labels<'a>,
    opens: &[u64],
    pairs: &mut Vec<(u32, u32)>,
) -> Vec<(&'a str, u64, u64)> {
    pairs.sort_unstable();
    pairs.dedup();
    let mut users = vec![0u64; labels.names.len()];
    for &(label, _) in pairs.iter() {
        users[label as usize] += 1;
    }
    let mut rows: Vec<(&str, u64, u64)> = labels
        .names
        .iter()
        .enumerate()
        .filter(|&(i, _)| opens[i] > 0)
        .map(|(i, &name)| (name, opens[i], users[i]))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows
}

/// `app_open` and `session_start` events of a period: the two figures
/// `summary.md` compares with the previous period.
pub(super) fn opens_and_sessions(data: &Dataset, period: &Period, codes: &[AppCode]) -> (u64, u64) {
    let (mut opens, mut sessions) = (0, 0);
    for (&ts, &code) in data.events.timestamp.iter().zip(&data.events.code) {
        match codes[code as usize] {
            AppCode::AppOpen if period.contains(Timestamp(ts)) => opens += 1,
            AppCode::SessionStart if period.contains(Timestamp(ts)) => sessions += 1,
            _ => {}
        }
    }
    (opens, sessions)
}

pub(super) fn compute<'a>(data: &'a Dataset, period: &Period, codes: &[AppCode]) -> AppUsage<'a> {
    // Each event detail's labels, numbered once per report.
    let (mut platforms, mut versions, mut sources) = (Labels::new(), Labels::new(), Labels::new());
    let details = &data.event_details;
    let platform_of: Vec<u32> = details
        .iter()
        .map(|d| platforms.of(d.platform.as_deref()))
        .collect();
    let version_of: Vec<u32> = details
        .iter()
        .map(|d| versions.of(d.app_version.as_deref()))
        .collect();
    let source_of: Vec<u32> = details
        .iter()
        .map(|d| sources.of(d.source.as_deref()))
        .collect();
    // The empty detail (no `data`) when there are no details at all.
    let label0 = |of: &[u32], labels: &mut Labels<'a>| {
        of.first().copied().unwrap_or_else(|| labels.of(None))
    };
    let (p0, v0, s0) = (
        label0(&platform_of, &mut platforms),
        label0(&version_of, &mut versions),
        label0(&source_of, &mut sources),
    );
    let label = |of: &[u32], d: u32, none: u32| of.get(d as usize).copied().unwrap_or(none);

    let hours = period.local_hours();
    let mut opens_by_hour = [0u64; 24];
    let mut platform_opens = vec![0u64; platforms.names.len()];
    let mut version_opens = vec![0u64; versions.names.len()];
    let mut source_views = vec![0u64; sources.names.len()];
    let (mut platform_users, mut version_users) = (Vec::new(), Vec::new());
    let mut open_user = vec![false; data.users.len()];
    let mut user_sessions = vec![0u64; data.users.len()];
    let (mut app_opens, mut sessions) = (0u64, 0u64);
    let mut durations: Vec<f64> = Vec::new();
    let e = &data.events;
    for (i, (&ts, &code)) in e.timestamp.iter().zip(&e.code).enumerate() {
        let kind = codes[code as usize];
        if kind == AppCode::Other || !period.contains(Timestamp(ts)) {
            continue;
        }
        let (user, detail) = (e.user[i], e.detail[i]);
        match kind {
            AppCode::AppOpen => {
                app_opens += 1;
                if let Some(cell) = hours.cell(Timestamp(ts)) {
                    opens_by_hour[cell % 24] += 1;
                }
                let (p, v) = (
                    label(&platform_of, detail, p0),
                    label(&version_of, detail, v0),
                );
                platform_opens[p as usize] += 1;
                version_opens[v as usize] += 1;
                if user != NONE {
                    open_user[user as usize] = true;
                    platform_users.push((p, user));
                    version_users.push((v, user));
                }
            }
            AppCode::SessionStart => {
                sessions += 1;
                if user != NONE {
                    user_sessions[user as usize] += 1;
                }
            }
            AppCode::SessionEnd => {
                if let Some(n) = details
                    .get(detail as usize)
                    .and_then(|d| d.duration_seconds.as_ref())
                {
                    durations.push(n.value());
                }
            }
            AppCode::ScreenView => source_views[label(&source_of, detail, s0) as usize] += 1,
            _ => {}
        }
    }

    let session_users = user_sessions.iter().filter(|&&n| n > 0).count() as u64;
    let mut top: Vec<u32> = (0..data.users.len() as u32)
        .filter(|&u| user_sessions[u as usize] > 0)
        .collect();
    // Users are in id order, so a stable sort by sessions keeps ids ascending.
    top.sort_by(|&a, &b| user_sessions[b as usize].cmp(&user_sessions[a as usize]));
    top.truncate(TOP_SESSION_USERS);

    let mut screen_view_sources = BTreeMap::new();
    for (i, &n) in source_views.iter().enumerate() {
        if n > 0 {
            screen_view_sources.insert(sources.names[i], n);
        }
    }
    AppUsage {
        app_opens,
        app_open_users: open_user.iter().filter(|&&o| o).count() as u64,
        sessions,
        session_users,
        sessions_per_user: average(sessions as f64, session_users as f64),
        session_seconds: session_seconds(durations),
        opens_by_hour: (0..24)
            .map(|h| HourOpens {
                hour: h as u8,
                opens: opens_by_hour[h],
            })
            .collect(),
        platforms: by_label(&platforms, &platform_opens, &mut platform_users)
            .into_iter()
            .map(|(platform, opens, users)| PlatformRow {
                platform,
                opens,
                users,
            })
            .collect(),
        app_versions: by_label(&versions, &version_opens, &mut version_users)
            .into_iter()
            .map(|(app_version, opens, users)| VersionRow {
                app_version,
                opens,
                users,
            })
            .collect(),
        screen_view_sources,
        top_session_users: top
            .into_iter()
            .map(|u| {
                let user = &data.users[u as usize];
                SessionUser {
                    user_id: user.id,
                    username: &user.username,
                    sessions: user_sessions[u as usize],
                }
            })
            .collect(),
    }
}

/// Count, mean, median and nearest-rank p90 of `values`.
fn session_seconds(mut values: Vec<f64>) -> SessionSeconds {
    let n = values.len();
    if n == 0 {
        return SessionSeconds {
            count: 0,
            mean: None,
            median: None,
            p90: None,
        };
    }
    values.sort_by(f64::total_cmp);
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    // ⌈0.9 n⌉ in whole numbers, 1-based.
    let rank = (9 * n).div_ceil(10);
    SessionSeconds {
        count: n as u64,
        mean: Some(round2(values.iter().sum::<f64>() / n as f64)),
        median: Some(round2(median)),
        p90: Some(values[rank - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testing::insights;
    use crate::metrics::testing::*;

    #[test]
    fn session_lengths_count_only_numbers_not_below_zero() {
        let mut data = TestBundle::new().user(1, "2024-01-01 00:00:00+00");
        for (i, d) in [
            "600", "60", "120.5", "-1", "\"30\"", "true", "null", "300", "2700",
        ]
        .iter()
        .enumerate()
        {
            data = data.event_data(
                "session_end",
                Some(1),
                &format!(r#"{{"duration_seconds": {d}}}"#),
                &format!("2025-01-{:02} 10:00:00+00", i + 1),
            );
        }
        // Missing, and after the period.
        let data = data
            .event_data("session_end", Some(1), "{}", "2025-01-20 10:00:00+00")
            .event_data(
                "session_end",
                Some(1),
                r#"{"duration_seconds": 5}"#,
                "2025-02-01 00:00:00+00",
            )
            .load();
        let got = insights(&data, "2025-01-01", "2025-01-31", "UTC");
        assert_eq!(
            json(&got.app_usage.session_seconds),
            r#"{"count":5,"mean":756.1,"median":300.0,"p90":2700.0}"#
        );
        assert_eq!(
            session_seconds(vec![600.0, 60.0]),
            SessionSeconds {
                count: 2,
                mean: Some(330.0),
                median: Some(330.0),
                p90: Some(600.0)
            }
        );
        let none = insights(&data, "2025-03-01", "2025-03-31", "UTC");
        assert_eq!(
            json(&none.app_usage.session_seconds),
            r#"{"count":0,"mean":null,"median":null,"p90":null}"#
        );
    }

    #[test]
    fn labels_missing_null_empty_or_not_text_are_unknown() {
        let data = TestBundle::new()
            .user(1, "2024-01-01 00:00:00+00")
            .user(2, "2024-01-01 00:00:00+00")
            .user(3, "2024-01-01 00:00:00+00")
            .event_data(
                "app_open",
                Some(1),
                r#"{"platform": "ios", "app_version": "1.5"}"#,
                "2025-01-01 08:10:00+00",
            )
            .event_data(
                "app_open",
                Some(1),
                r#"{"platform": "ios", "app_version": "1.5"}"#,
                "2025-01-01 08:20:00+00",
            )
            .event_data(
                "app_open",
                Some(2),
                r#"{"platform": "android"}"#,
                "2025-01-01 09:00:00+00",
            )
            .event_data(
                "app_open",
                Some(2),
                r#"{"platform": null, "app_version": ""}"#,
                "2025-01-02 23:00:00+00",
            )
            .event_data(
                "app_open",
                Some(3),
                r#"{"platform": "", "app_version": 2}"#,
                "2025-01-02 23:30:00+00",
            )
            .event_data(
                "app_open",
                None,
                r#"{"platform": 7}"#,
                "2025-01-03 00:00:00+00",
            )
            .event_data("app_open", Some(3), "{}", "2025-01-03 00:00:00+00")
            .event_data(
                "screen_view",
                Some(1),
                r#"{"source": "app_ui"}"#,
                "2025-01-03 00:00:00+00",
            )
            .event_data(
                "screen_view",
                Some(1),
                r#"{"source": "api"}"#,
                "2025-01-03 00:00:00+00",
            )
            .event_data(
                "screen_view",
                Some(1),
                r#"{"source": ""}"#,
                "2025-01-03 00:00:00+00",
            )
            .event_data(
                "screen_view",
                Some(1),
                r#"{"source": 1}"#,
                "2025-01-03 00:00:00+00",
            )
            .event_data("screen_view", Some(1), "{}", "2025-01-03 00:00:00+00")
            .event_data("session_start", Some(2), "{}", "2025-01-03 00:00:00+00")
            .event_data("session_start", Some(3), "{}", "2025-01-03 00:00:00+00")
            .event_data("session_start", Some(3), "{}", "2025-01-04 00:00:00+00")
            .event_data("session_start", None, "{}", "2025-01-04 00:00:00+00")
            .load();
        let u = insights(&data, "2025-01-01", "2025-01-31", "UTC").app_usage;
        assert_eq!((u.app_opens, u.app_open_users), (7, 3));
        assert_eq!(
            json(&u.platforms),
            r#"[{"platform":"unknown","opens":4,"users":2},{"platform":"ios","opens":2,"users":1},{"platform":"android","opens":1,"users":1}]"#
        );
        assert_eq!(
            json(&u.app_versions),
            r#"[{"app_version":"unknown","opens":5,"users":2},{"app_version":"1.5","opens":2,"users":1}]"#
        );
        assert_eq!(
            json(&u.screen_view_sources),
            r#"{"api":1,"app_ui":1,"unknown":3}"#
        );
        assert_eq!(
            (u.sessions, u.session_users, u.sessions_per_user),
            (4, 2, 2.0)
        );
        assert_eq!(
            json(&u.top_session_users),
            r#"[{"user_id":3,"username":"user3","sessions":2},{"user_id":2,"username":"user2","sessions":1}]"#
        );
        let hours: Vec<u64> = u.opens_by_hour.iter().map(|h| h.opens).collect();
        assert_eq!(hours.len(), 24);
        assert_eq!((hours[8], hours[9], hours[23], hours[0]), (2, 1, 2, 2));
    }
}
