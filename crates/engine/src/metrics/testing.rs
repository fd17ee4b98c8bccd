//! A builder of small hand-made bundles for the data-set tests. It writes
//! real CSV tables and loads them through the real loader, so every test
//! also exercises loading.

use crate::load::{Bundle, Limits};
use crate::model::Dataset;
use crate::period::{parse_date, parse_time_zone, Period};
use crate::report::Report;

/// Event type codes and their ids in test bundles.
const CODES: [&str; 10] = [
    "user_joined_fast",
    "user_left_fast",
    "screen_view",
    "devotional_viewed",
    "checklist_used",
    "tutorial_video_viewed",
    "app_open",
    "fast_beginning",
    "session_start",
    "session_end",
];
/// Content type id of (hub, fast).
const FAST_CT: i64 = 12;
/// Content type id of (hub, devotional).
pub const DEVOTIONAL_CT: i64 = 15;

/// Builds CSV tables row by row.
#[derive(Default)]
pub struct TestBundle {
    /// id, username, joined, is_staff, is_superuser.
    users: Vec<(i64, String, String, bool, bool)>,
    churches: String,
    fasts: String,
    /// id, user, church.
    profiles: Vec<(i64, i64, Option<i64>)>,
    /// Whether `auth_user` has `is_staff`/`is_superuser` and `hub_profile`
    /// has `church_id` (SPEC §8).
    segment_columns: bool,
    memberships: String,
    events: String,
    feed: String,
    /// `hub_day` rows; the file is written only when there are some.
    days: String,
    next_event: i64,
    next_profile: i64,
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl TestBundle {
    pub fn new() -> Self {
        TestBundle {
            next_event: 1,
            next_profile: 1,
            ..Default::default()
        }
    }

    /// A user `user<id>` with e-mail `u<id>@example.org`.
    pub fn user(self, id: i64, joined: &str) -> Self {
        self.named_user(id, &format!("user{id}"), joined)
    }

    pub fn named_user(mut self, id: i64, username: &str, joined: &str) -> Self {
        self.users
            .push((id, username.into(), joined.into(), false, false));
        self
    }

    /// A user with `is_staff` (`staff`) and `is_superuser` (`superuser`).
    pub fn staff_user(mut self, id: i64, joined: &str, staff: bool, superuser: bool) -> Self {
        self.users
            .push((id, format!("user{id}"), joined.into(), staff, superuser));
        self
    }

    /// Writes the columns segments need (`is_staff`, `is_superuser`,
    /// `church_id`).
    pub fn with_segment_columns(mut self) -> Self {
        self.segment_columns = true;
        self
    }

    /// A new profile of `user` in `church`, without memberships.
    pub fn profile(mut self, user: i64, church: Option<i64>) -> Self {
        let profile = 900 + self.next_profile;
        self.next_profile += 1;
        self.profiles.push((profile, user, church));
        self
    }

    pub fn church(mut self, id: i64, name: &str) -> Self {
        self.churches += &format!("{id},{}\n", q(name));
        self
    }

    pub fn fast(mut self, id: i64, name: &str, church: Option<i64>, year: Option<i64>) -> Self {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        self.fasts += &format!("{id},{},{},{}\n", q(name), opt(church), opt(year));
        self
    }

    /// A membership through a new profile of the user.
    pub fn member(mut self, user: i64, fast: i64) -> Self {
        let profile = 900 + self.next_profile;
        self.next_profile += 1;
        self.profiles.push((profile, user, None));
        self.memberships += &format!("{profile},{fast}\n");
        self
    }

    /// An event; `fast` sets the target to (hub, fast) `fast`.
    pub fn event(self, code: &str, user: Option<i64>, fast: Option<i64>, ts: &str) -> Self {
        self.event_with(code, user, fast.map(|f| (FAST_CT, f)), "{}", ts)
    }

    /// An event with `data` JSON.
    pub fn event_data(self, code: &str, user: Option<i64>, data: &str, ts: &str) -> Self {
        self.event_with(code, user, None, data, ts)
    }

    fn event_with(
        mut self,
        code: &str,
        user: Option<i64>,
        target: Option<(i64, i64)>,
        data: &str,
        ts: &str,
    ) -> Self {
        let type_id = CODES.iter().position(|c| *c == code).expect("a test code") + 1;
        let (ct, obj) = target
            .map(|(c, o)| (c.to_string(), o.to_string()))
            .unwrap_or_default();
        let user = user.map(|u| u.to_string()).unwrap_or_default();
        self.events += &format!(
            "{},{type_id},{user},{ct},{obj},{},{ts}\n",
            self.next_event,
            q(data)
        );
        self.next_event += 1;
        self
    }

    /// A calendar day of a fast (`hub_day`).
    pub fn day(mut self, fast: i64, date: &str) -> Self {
        let id = self.days.lines().count() + 1;
        self.days += &format!("{id},{date},,{fast}\n");
        self
    }

    /// Every calendar day of a fast from `first` to `last`.
    pub fn days(mut self, fast: i64, first: &str, last: &str) -> Self {
        let (first, last) = (
            parse_date("first", first).unwrap(),
            parse_date("last", last).unwrap(),
        );
        let mut d = first;
        while d <= last {
            self = self.day(fast, &d.to_string());
            d = d.succ_opt().unwrap();
        }
        self
    }

    /// A feed item without a target.
    pub fn feed(self, id: i64, user: i64, activity: &str, ts: &str) -> Self {
        self.feed_item(id, user, activity, ts, Some("t"), Some("d"), None)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn feed_item(
        mut self,
        id: i64,
        user: i64,
        activity: &str,
        ts: &str,
        title: Option<&str>,
        description: Option<&str>,
        target: Option<(i64, i64)>,
    ) -> Self {
        let text = |t: Option<&str>| t.map(q).unwrap_or_default();
        let (ct, obj) = target
            .map(|(c, o)| (c.to_string(), o.to_string()))
            .unwrap_or_default();
        self.feed += &format!(
            "{id},{user},{activity},{ct},{obj},{},{},{ts}\n",
            text(title),
            text(description)
        );
        self
    }

    /// The tables as CSV files.
    pub fn files(&self) -> Vec<(String, String)> {
        let seg = self.segment_columns;
        let flag = |b: bool| if b { "t" } else { "f" };
        let users: String = self
            .users
            .iter()
            .map(|(id, name, joined, staff, superuser)| {
                let extra = if seg {
                    format!(",{},{}", flag(*staff), flag(*superuser))
                } else {
                    String::new()
                };
                format!("{id},{},u{id}@example.org,{joined}{extra}\n", q(name))
            })
            .collect();
        let profiles: String = self
            .profiles
            .iter()
            .map(|(id, user, church)| {
                let extra = if seg {
                    format!(",{}", church.map(|c| c.to_string()).unwrap_or_default())
                } else {
                    String::new()
                };
                format!("{id},{user}{extra}\n")
            })
            .collect();
        let (user_header, profile_header) = if seg {
            (
                "id,username,email,date_joined,is_staff,is_superuser",
                "id,user_id,church_id",
            )
        } else {
            ("id,username,email,date_joined", "id,user_id")
        };
        let types: String = CODES
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{},{c}\n", i + 1))
            .collect();
        let mut files: Vec<(String, String)> = vec![
            ("auth_user.csv".into(), format!("{user_header}\n{users}")),
            ("hub_church.csv".into(), format!("id,name\n{}", self.churches)),
            ("hub_fast.csv".into(), format!("id,name,church_id,year\n{}", self.fasts)),
            ("hub_profile.csv".into(), format!("{profile_header}\n{profiles}")),
            ("hub_profile_fasts.csv".into(), format!("profile_id,fast_id\n{}", self.memberships)),
            ("events_eventtype.csv".into(), format!("id,code\n{types}")),
            (
                "events_event.csv".into(),
                format!("id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n{}", self.events),
            ),
            (
                "events_useractivityfeed.csv".into(),
                format!(
                    "id,user_id,activity_type,content_type_id,object_id,title,description,created_at\n{}",
                    self.feed
                ),
            ),
            (
                "django_content_type.csv".into(),
                format!("id,app_label,model\n4,auth,user\n{FAST_CT},hub,fast\n{DEVOTIONAL_CT},hub,devotional\n"),
            ),
        ];
        if !self.days.is_empty() {
            // Church days (no fast) are ignored by the loader.
            files.push((
                "hub_day.csv".into(),
                format!(
                    "id,date,church_id,fast_id\n{}999999,2025-01-01,1,\n",
                    self.days
                ),
            ));
        }
        files
    }

    /// Loads the tables through the real loader.
    pub fn load(&self) -> Dataset {
        let mut bundle = Bundle::new(Limits::default());
        for (name, text) in self.files() {
            bundle
                .add_bytes(&name, text.as_bytes())
                .expect("test bundle loads");
        }
        bundle.finish().expect("test bundle resolves").dataset
    }
}

/// The report for a period.
pub fn report<'a>(data: &'a Dataset, start: &str, end: &str, tz: &str) -> Report<'a> {
    let period = Period::new(
        parse_date("start", start).unwrap(),
        parse_date("end", end).unwrap(),
        parse_time_zone(tz).unwrap(),
    )
    .unwrap();
    crate::metrics::compute(data, &period)
}

/// Compact JSON of a value, for exact comparisons.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}
