//! Segments (SPEC §8): the part of the bundle a report is about.
//!
//! A [`Segment`] is applied once, before any data set is computed, as a
//! filter from one [`Dataset`] to a smaller one: the seven data sets and the
//! insights then all see the same users, fasts, memberships, events and
//! feed items, and no data set needs to know about segments.
//!
//! ```
//! use engagement_engine::load::{Bundle, Limits};
//! use engagement_engine::segment::Segment;
//!
//! let mut bundle = Bundle::new(Limits::default());
//! bundle.add_bytes(
//!     "auth_user.csv",
//!     b"id,username,email,date_joined,is_staff,is_superuser\n\
//!       1,ana,a@x,2025-01-02 10:00:00+00,f,f\n\
//!       2,root,r@x,2025-01-02 10:00:00+00,f,t\n",
//! )?;
//! let loaded = bundle.finish()?;
//! let segment = Segment { exclude_staff: true, church_id: None };
//! let segmented = segment.apply(&loaded.dataset)?;
//! assert_eq!(segmented.dataset.users.len(), 1);
//! assert_eq!(segmented.info.staff_users_excluded, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Dataset, EventKind, Events, Feed, NONE, NO_ID};

/// Which users a report covers. The default is everyone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Leave out users whose `is_staff` or `is_superuser` is true.
    pub exclude_staff: bool,
    /// Keep only the users, fasts and events of this church.
    pub church_id: Option<i64>,
}

/// What applying a segment did: for the consolidated JSON's `range`, the
/// notice and `summary.md`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentInfo {
    /// The segment applied.
    pub segment: Segment,
    /// The name of [`Segment::church_id`]'s church.
    pub church_name: Option<String>,
    /// Staff users left out (0 unless `exclude_staff`).
    pub staff_users_excluded: u64,
}

impl SegmentInfo {
    /// The segment in words, e.g. `staff excluded (4 users left out);
    /// church "St. Mary" (id 2) only`, or `all users`; `quote` sets the
    /// church's name apart (a Markdown code span, quotation marks).
    pub fn describe(&self, quote: impl Fn(&str) -> String) -> String {
        let mut parts = Vec::new();
        if self.segment.exclude_staff {
            let n = self.staff_users_excluded;
            parts.push(format!(
                "staff excluded ({n} {} left out)",
                if n == 1 { "user" } else { "users" }
            ));
        }
        if let Some(id) = self.segment.church_id {
            parts.push(format!(
                "church {} (id {id}) only",
                quote(self.church_name.as_deref().unwrap_or(""))
            ));
        }
        if parts.is_empty() {
            "all users".to_string()
        } else {
            parts.join("; ")
        }
    }

    /// The segment in words, church names in quotation marks, when one is
    /// active: the heading of the readable reports and of the page.
    pub fn heading(&self) -> Option<String> {
        self.range_segment()
            .map(|_| self.describe(|name| format!("\u{201c}{name}\u{201d}")))
    }

    /// What the consolidated JSON's `range.segment` holds: the segment when
    /// one is active, else nothing (so the output stays as without
    /// segments).
    pub fn range_segment(&self) -> Option<Segment> {
        self.segment.is_active().then_some(self.segment)
    }

    /// The notice of how many staff users were excluded, when they were.
    pub fn notice(&self) -> Option<String> {
        self.segment.exclude_staff.then(|| {
            format!(
                "excluded {} staff user{} (is_staff or is_superuser) with their events, feed items and memberships",
                self.staff_users_excluded,
                if self.staff_users_excluded == 1 { "" } else { "s" }
            )
        })
    }
}

/// A dataset narrowed to a segment.
#[derive(Debug)]
pub struct Segmented<'d> {
    /// The data every data set is computed from: the bundle's own when no
    /// segment is active (no copy), else a filtered copy.
    pub dataset: Cow<'d, Dataset>,
    /// What the segment did.
    pub info: SegmentInfo,
}

/// A segment the bundle cannot give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SegmentError {
    /// Excluding staff needs `is_staff` and `is_superuser`; these files of
    /// users lack them: (file, column).
    MissingStaffColumns(Vec<(String, &'static str)>),
    /// One church needs `hub_profile.church_id`; these files lack it.
    MissingChurchColumn(Vec<String>),
    /// The church id is not in the export files.
    UnknownChurch {
        /// The id asked for.
        id: i64,
        /// The bundle's churches (id, name), ascending by id.
        churches: Vec<(i64, String)>,
    },
}

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentError::MissingStaffColumns(missing) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|(file, column)| format!("{file} has no `{column}` column"))
                    .collect();
                write!(
                    f,
                    "{}; excluding staff needs the auth_user columns is_staff and is_superuser: export them too, or drop the exclude-staff option",
                    list.join(", ")
                )
            }
            SegmentError::MissingChurchColumn(files) => write!(
                f,
                "{} {} no `church_id` column; choosing a church needs hub_profile's church_id (`church` in a dump): export it too, or drop the church option",
                files.join(", "),
                if files.len() == 1 { "has" } else { "have" }
            ),
            SegmentError::UnknownChurch { id, churches } => {
                if churches.is_empty() {
                    return write!(
                        f,
                        "church {id} is not in the export files, which have no churches (hub_church); add hub_church or drop the church option"
                    );
                }
                let list: Vec<String> = churches
                    .iter()
                    .map(|(id, name)| format!("{id} ({name})"))
                    .collect();
                write!(
                    f,
                    "church {id} is not in the export files; expected one of: {}",
                    list.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for SegmentError {}

impl Segment {
    /// Whether the segment narrows anything.
    pub fn is_active(&self) -> bool {
        self.exclude_staff || self.church_id.is_some()
    }

    /// Narrows `data` to the segment (SPEC §8). Without an active segment
    /// the data is borrowed as it is. Errors when the bundle lacks a column
    /// the segment needs, or does not have the church.
    pub fn apply<'d>(&self, data: &'d Dataset) -> Result<Segmented<'d>, SegmentError> {
        if !self.is_active() {
            return Ok(Segmented {
                dataset: Cow::Borrowed(data),
                info: SegmentInfo {
                    segment: *self,
                    ..SegmentInfo::default()
                },
            });
        }
        let missing = &data.optional_columns;
        if self.exclude_staff && !missing.staff_missing.is_empty() {
            return Err(SegmentError::MissingStaffColumns(
                missing.staff_missing.clone(),
            ));
        }
        let church_name = match self.church_id {
            None => None,
            Some(_) if !missing.church_missing.is_empty() => {
                return Err(SegmentError::MissingChurchColumn(
                    missing.church_missing.clone(),
                ))
            }
            Some(id) => match data.church(id) {
                Some(c) => Some(c.name.to_string()),
                None => {
                    return Err(SegmentError::UnknownChurch {
                        id,
                        churches: data
                            .churches
                            .iter()
                            .map(|c| (c.id, c.name.to_string()))
                            .collect(),
                    })
                }
            },
        };

        // Users kept.
        let mut keep_user = vec![true; data.users.len()];
        let mut staff_users_excluded = 0;
        if self.exclude_staff {
            for (keep, user) in keep_user.iter_mut().zip(&data.users) {
                if user.staff {
                    *keep = false;
                    staff_users_excluded += 1;
                }
            }
        }
        if let Some(church) = self.church_id {
            let mut in_church = vec![false; data.users.len()];
            for &(user, c) in &data.profile_churches {
                if c == church {
                    in_church[user as usize] = true;
                }
            }
            for (keep, in_church) in keep_user.iter_mut().zip(in_church) {
                *keep &= in_church;
            }
        }
        let keep_fast: Vec<bool> = data
            .fasts
            .iter()
            .map(|f| self.church_id.is_none() || f.church_id == self.church_id)
            .collect();

        let filtered = Dataset {
            users: kept(&data.users, &keep_user),
            fasts: kept(&data.fasts, &keep_fast),
            memberships: Vec::new(),
            churches: data.churches.clone(),
            profile_churches: Vec::new(),
            optional_columns: data.optional_columns.clone(),
            event_codes: data.event_codes.clone(),
            events: self.events(data, &keep_user),
            event_details: data.event_details.clone(),
            feed: Feed::default(),
            strings: data.strings.clone(),
            missing_tables: data.missing_tables.clone(),
        };
        // Old index -> new index (NONE when left out). Kept rows keep their
        // order, so sorted columns stay sorted.
        let user_map = index_map(&keep_user);
        let fast_map = index_map(&keep_fast);
        let memberships = data
            .memberships
            .iter()
            .filter_map(|&(u, f)| {
                let (u, f) = (user_map[u as usize], fast_map[f as usize]);
                (u != NONE && f != NONE).then_some((u, f))
            })
            .collect();
        let profile_churches = data
            .profile_churches
            .iter()
            .filter_map(|&(u, c)| {
                let u = user_map[u as usize];
                (u != NONE).then_some((u, c))
            })
            .collect();
        let mut events = filtered.events;
        for user in &mut events.user {
            if *user != NONE {
                *user = user_map[*user as usize];
            }
        }
        Ok(Segmented {
            dataset: Cow::Owned(Dataset {
                memberships,
                profile_churches,
                events,
                feed: feed(&data.feed, &user_map),
                ..filtered
            }),
            info: SegmentInfo {
                segment: *self,
                church_name,
                staff_users_excluded,
            },
        })
    }

    /// Like [`Segment::apply`], taking the data and giving it back narrowed:
    /// the whole bundle's copy is freed once the narrowed one is made (what
    /// the CLI wants; the page keeps the bundle to change the segment).
    pub fn apply_owned(&self, data: Dataset) -> Result<(Dataset, SegmentInfo), SegmentError> {
        let (narrowed, info) = {
            let s = self.apply(&data)?;
            let narrowed = match s.dataset {
                Cow::Owned(d) => Some(d),
                Cow::Borrowed(_) => None,
            };
            (narrowed, s.info)
        };
        Ok((narrowed.unwrap_or(data), info))
    }

    /// The events the segment keeps (user indices not yet renumbered).
    fn events(&self, data: &Dataset, keep_user: &[bool]) -> Events {
        let e = &data.events;
        let kinds: Vec<EventKind> = data
            .event_codes
            .iter()
            .map(|c| EventKind::of_code(c))
            .collect();
        let church_of = |fast_id: i64| {
            data.fast_index(fast_id)
                .and_then(|f| data.fasts[f as usize].church_id)
        };
        let rows: Vec<u32> = (0..e.len())
            .filter(|&i| {
                let user = e.user[i];
                if user != NONE && !keep_user[user as usize] {
                    return false;
                }
                let Some(church) = self.church_id else {
                    // Excluding staff keeps events without a (known) user.
                    return true;
                };
                if user == NONE {
                    return false;
                }
                let joins_or_leaves = matches!(
                    kinds[e.code[i] as usize],
                    EventKind::JoinedFast | EventKind::LeftFast
                );
                // A join or leave of another church's fast, or of an
                // unknown one, goes; one that targets no fast stays.
                !joins_or_leaves
                    || e.fast_id.get(i) == NO_ID
                    || church_of(e.fast_id.get(i)) == Some(church)
            })
            .map(|i| i as u32)
            .collect();
        Events {
            timestamp: pick(&e.timestamp, &rows),
            code: pick(&e.code, &rows),
            user: pick(&e.user, &rows),
            fast_id: e.fast_id.select(&rows),
            detail: pick(&e.detail, &rows),
        }
    }
}

/// The feed items of kept users, user indices renumbered.
fn feed(f: &Feed, user_map: &[u32]) -> Feed {
    let rows: Vec<u32> = (0..f.len() as u32)
        .filter(|&i| user_map[f.user[i as usize] as usize] != NONE)
        .collect();
    Feed {
        user: rows
            .iter()
            .map(|&i| user_map[f.user[i as usize] as usize])
            .collect(),
        activity_type: pick(&f.activity_type, &rows),
        timestamp: pick(&f.timestamp, &rows),
        title: f.title.selected(&rows),
        description: f.description.selected(&rows),
        target_type: pick(&f.target_type, &rows),
        target_id: f.target_id.select(&rows),
    }
}

fn kept<T: Clone>(rows: &[T], keep: &[bool]) -> Vec<T> {
    rows.iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(r, _)| r.clone())
        .collect()
}

fn pick<T: Copy>(column: &[T], rows: &[u32]) -> Vec<T> {
    rows.iter().map(|&r| column[r as usize]).collect()
}

fn index_map(keep: &[bool]) -> Vec<u32> {
    let mut next = 0u32;
    keep.iter()
        .map(|&k| {
            if k {
                next += 1;
                next - 1
            } else {
                NONE
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testing::period;
    use crate::metrics::testing::*;

    const JOIN: &str = "user_joined_fast";

    fn run(data: &Dataset, segment: Segment) -> Segmented<'_> {
        segment.apply(data).unwrap()
    }

    #[test]
    fn exclude_staff_removes_their_rows_everywhere() {
        let data = TestBundle::new()
            .with_segment_columns()
            .fast(10, "Lent", None, None)
            .staff_user(1, "2025-01-02 00:00:00+00", true, false)
            .staff_user(2, "2025-01-02 00:00:00+00", false, true)
            .staff_user(3, "2025-01-03 00:00:00+00", false, false)
            .member(1, 10)
            .member(3, 10)
            .event("app_open", Some(1), None, "2025-01-05 00:00:00+00")
            .event("app_open", Some(2), None, "2025-01-05 00:00:00+00")
            .event("app_open", Some(3), None, "2025-01-05 00:00:00+00")
            // Without a user, and with a user not in auth_user: both stay.
            .event("app_open", None, None, "2025-01-05 00:00:00+00")
            .event("app_open", Some(99), None, "2025-01-05 00:00:00+00")
            .event(JOIN, Some(1), Some(10), "2025-01-05 00:00:00+00")
            .feed(1, 1, "a", "2025-01-06 00:00:00+00")
            .feed(2, 3, "a", "2025-01-06 00:00:00+00")
            .feed(3, 3, "b", "2025-01-07 00:00:00+00")
            .load();
        let s = run(
            &data,
            Segment {
                exclude_staff: true,
                church_id: None,
            },
        );
        assert_eq!(s.info.staff_users_excluded, 2);
        assert_eq!(
            s.info.notice().unwrap(),
            "excluded 2 staff users (is_staff or is_superuser) with their events, feed items and memberships"
        );
        let d = &s.dataset;
        assert_eq!(d.users.iter().map(|u| u.id).collect::<Vec<_>>(), [3]);
        assert_eq!(d.fasts.len(), 1);
        assert_eq!(d.memberships, [(0, 0)]);
        assert_eq!(d.events.len(), 3);
        assert_eq!(d.events.user, [0, NONE, NONE]);
        // User 3's items (ids 3 and 2), newest first.
        let activities = |d: &Dataset| -> Vec<String> {
            d.feed
                .activity_type
                .iter()
                .map(|&a| d.strings.get(a).to_string())
                .collect()
        };
        assert_eq!(activities(d), ["b", "a"]);
        assert_eq!(d.feed.user, [0, 0]);
        assert_eq!(d.feed.title(1), Some("t"));
        let r = crate::metrics::compute(d, &period("2025-01-01", "2025-01-31", "UTC"));
        assert_eq!(json(&r.other_metrics.events_by_type), r#"{"app_open":3}"#);
        assert_eq!(
            json(&r.new_users_over_time),
            r#"[{"date":"2025-01-03","count":1}]"#
        );
        assert_eq!(r.fasts[0].participants, 1);
        assert_eq!(r.user_activity_timeline.len(), 2);
    }

    #[test]
    fn one_church_keeps_its_users_fasts_and_their_events() {
        let data = TestBundle::new()
            .with_segment_columns()
            .church(1, "St. Mary")
            .church(2, "Holy Trinity")
            .fast(10, "Lent", Some(1), None)
            .fast(11, "Advent", Some(2), None)
            .fast(12, "Orphan", Some(99), None)
            .user(1, "2025-01-02 00:00:00+00")
            .user(2, "2025-01-02 00:00:00+00")
            .user(3, "2025-01-02 00:00:00+00")
            .user(4, "2025-01-02 00:00:00+00")
            .user(5, "2025-01-02 00:00:00+00")
            .profile(1, Some(1))
            // Several profiles: stays when any is of the church.
            .profile(2, Some(2))
            .profile(2, Some(1))
            .profile(3, Some(2))
            // User 4 has no profile; user 5's profile has no church.
            .profile(5, None)
            .member(1, 10)
            .member(1, 11)
            .member(3, 11)
            .event(JOIN, Some(1), Some(10), "2025-01-05 00:00:00+00") // kept
            .event(JOIN, Some(1), Some(11), "2025-01-05 00:00:00+00") // other church
            .event(JOIN, Some(1), Some(12), "2025-01-05 00:00:00+00") // unknown church
            .event(
                "user_left_fast",
                Some(2),
                Some(777),
                "2025-01-05 00:00:00+00",
            ) // unknown fast
            .event(JOIN, Some(2), None, "2025-01-05 00:00:00+00") // no fast: kept
            .event("screen_view", Some(2), Some(11), "2025-01-05 00:00:00+00") // not a join: kept
            .event("screen_view", None, None, "2025-01-05 00:00:00+00") // no user
            .event("screen_view", Some(99), None, "2025-01-05 00:00:00+00") // unknown user
            .event("screen_view", Some(3), None, "2025-01-05 00:00:00+00") // other user
            .feed(1, 1, "a", "2025-01-06 00:00:00+00")
            .feed(2, 3, "a", "2025-01-06 00:00:00+00")
            .load();
        let s = run(
            &data,
            Segment {
                exclude_staff: false,
                church_id: Some(1),
            },
        );
        assert_eq!(s.info.church_name.as_deref(), Some("St. Mary"));
        assert_eq!(s.info.staff_users_excluded, 0);
        assert_eq!(s.info.notice(), None);
        assert_eq!(
            s.info.range_segment(),
            Some(Segment {
                exclude_staff: false,
                church_id: Some(1)
            })
        );
        let d = &s.dataset;
        assert_eq!(d.users.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(d.fasts.iter().map(|f| f.id).collect::<Vec<_>>(), [10]);
        assert_eq!(d.memberships, [(0, 0)]);
        assert_eq!(d.events.len(), 3);
        assert_eq!(d.events.user, [0, 1, 1]);
        assert_eq!(d.feed.user, [0]); // user 1's item only
                                      // Other churches stay listed, for choosing another.
        assert_eq!(d.churches.len(), 2);
        let r = crate::metrics::compute(d, &period("2025-01-01", "2025-01-31", "UTC"));
        assert_eq!(
            json(&r.other_metrics.events_by_type),
            r#"{"screen_view":1,"user_joined_fast":2}"#
        );
        assert_eq!(r.user_fast_participation.len(), 1);
        assert_eq!(r.fasts[0].joins_in_period, 1);
    }

    #[test]
    fn staff_and_church_together_count_every_staff_user() {
        let data = TestBundle::new()
            .with_segment_columns()
            .church(1, "A")
            .church(2, "B")
            .staff_user(1, "2025-01-02 00:00:00+00", true, false)
            .staff_user(2, "2025-01-02 00:00:00+00", true, true)
            .staff_user(3, "2025-01-02 00:00:00+00", false, false)
            .profile(1, Some(1))
            .profile(2, Some(2))
            .profile(3, Some(1))
            .load();
        let s = run(
            &data,
            Segment {
                exclude_staff: true,
                church_id: Some(1),
            },
        );
        assert_eq!(s.info.staff_users_excluded, 2);
        assert_eq!(
            s.dataset.users.iter().map(|u| u.id).collect::<Vec<_>>(),
            [3]
        );
    }

    #[test]
    fn no_segment_borrows_the_data() {
        // Without the segment columns, and without a segment, nothing is
        // needed.
        let data = TestBundle::new().user(1, "2025-01-02 00:00:00+00").load();
        let s = run(&data, Segment::default());
        assert!(matches!(s.dataset, Cow::Borrowed(_)));
        assert_eq!(s.info.range_segment(), None);
        let (same, info) = Segment::default().apply_owned(data.clone()).unwrap();
        assert_eq!(same.users, data.users);
        assert_eq!(info, SegmentInfo::default());
    }

    #[test]
    fn errors_name_the_file_or_list_the_churches() {
        let data = TestBundle::new()
            .church(2, "B")
            .church(1, "A")
            .user(1, "2025-01-02 00:00:00+00")
            .load();
        let staff = Segment {
            exclude_staff: true,
            church_id: None,
        };
        let e = staff.apply(&data).unwrap_err();
        assert_eq!(
            e,
            SegmentError::MissingStaffColumns(vec![
                ("auth_user.csv".into(), "is_staff"),
                ("auth_user.csv".into(), "is_superuser")
            ])
        );
        assert!(e.to_string().starts_with(
            "auth_user.csv has no `is_staff` column, auth_user.csv has no `is_superuser` column; excluding staff needs"
        ));
        let church = Segment {
            exclude_staff: false,
            church_id: Some(1),
        };
        let e = church.apply(&data).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("hub_profile.csv has no `church_id` column"),
            "{e}"
        );
        let data = TestBundle::new()
            .with_segment_columns()
            .church(2, "B")
            .church(1, "A")
            .load();
        let e = Segment {
            exclude_staff: false,
            church_id: Some(7),
        }
        .apply(&data)
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "church 7 is not in the export files; expected one of: 1 (A), 2 (B)"
        );
    }
}
