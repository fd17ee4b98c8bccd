//! Dumped objects into the raw tables: one function per model, each taking
//! the model's typed fields as the matching CSV table's row would be read.

use super::fields::{
    dumped_flag, DayFields, EventFields, FastFields, FeedFields, Fields, ProfileFields, Raw,
    UserFields,
};
use super::issue::{field_issue, parse_timestamp, reference, ObjectIssue, Reference};
use crate::id_column::NO_ID;
use crate::load::csv_tables::fields::parse_day;
use crate::load::raw::{RawFast, RawTables, RawUser, UserRef};
use crate::timestamp::shorten;

/// Takes in the typed fields of object `pk` of `model`, read from `file`.
pub(super) fn apply(
    raw: &mut RawTables,
    file: &str,
    model: &str,
    pk: i64,
    fields: &Fields<'_>,
) -> Result<(), ObjectIssue> {
    match fields {
        Fields::Users(f) => user(raw, file, model, pk, f)?,
        Fields::Churches(f) => raw.churches.push((pk, (*f.name).into())),
        Fields::Fasts(f) => fast(raw, model, pk, f)?,
        Fields::Profiles(f) => profile(raw, file, model, pk, f)?,
        Fields::EventTypes(f) => raw.event_types.push((pk, (*f.code).into())),
        Fields::ContentTypes(f) => {
            if pk == NO_ID {
                raw.natural_content_type(&f.app_label, &f.model);
            } else {
                raw.content_types
                    .push((pk, (*f.app_label).into(), (*f.model).into()));
            }
        }
        Fields::Events(f) => event(raw, model, pk, f)?,
        Fields::Feed(f) => feed_item(raw, model, pk, f)?,
        Fields::Days(f) => day(raw, model, f)?,
        Fields::Skipped => {}
    }
    Ok(())
}

/// An `auth.user`; a dump without the staff flags is noted as a file
/// without those columns.
fn user(
    raw: &mut RawTables,
    file: &str,
    model: &str,
    pk: i64,
    f: &UserFields<'_>,
) -> Result<(), ObjectIssue> {
    raw.users.push(RawUser {
        id: pk,
        username: (*f.username).into(),
        email: f.email.as_deref().unwrap_or_default().into(),
        date_joined: parse_timestamp(model, "date_joined", &f.date_joined)?,
        staff: dumped_flag(f.is_staff) || dumped_flag(f.is_superuser),
    });
    let missing = &mut raw.optional_columns.staff_missing;
    for (value, column) in [(f.is_staff, "is_staff"), (f.is_superuser, "is_superuser")] {
        if value.is_none() && !missing.iter().any(|m| m.1 == column && m.0 == file) {
            missing.push((file.to_string(), column));
        }
    }
    Ok(())
}

/// A `hub.fast`, with its church when it references one by pk.
fn fast(raw: &mut RawTables, model: &str, pk: i64, f: &FastFields<'_>) -> Result<(), ObjectIssue> {
    let church_id = match reference(f.church).map_err(|e| field_issue(model, "church", e))? {
        Reference::Pk(id) => Some(id),
        _ => None,
    };
    raw.fasts.push(RawFast {
        id: pk,
        name: (*f.name).into(),
        church_id,
        year: f.year,
    });
    Ok(())
}

/// A `hub.profile`: its user, its church, and the fasts it joined (the
/// memberships table of a CSV export).
fn profile(
    raw: &mut RawTables,
    file: &str,
    model: &str,
    pk: i64,
    f: &ProfileFields<'_>,
) -> Result<(), ObjectIssue> {
    let user = match reference(Some(f.user)).map_err(|e| field_issue(model, "user", e))? {
        Reference::Pk(id) => UserRef::Id(id),
        Reference::Natural(key) if key.len() == 1 => UserRef::Name(key[0].as_str().into()),
        _ => return Err(field_issue(model, "user", shorten(f.user.get()))),
    };
    raw.profiles.push((pk, user));
    match f.church {
        None => {
            let missing = &mut raw.optional_columns.church_missing;
            if !missing.iter().any(|m| m == file) {
                missing.push(file.to_string());
            }
        }
        // Like the CSV column: anything but an id is no church.
        Some(church) => {
            if let Ok(Reference::Pk(church)) = reference(Some(church)) {
                raw.profile_churches.push((pk, church));
            }
        }
    }
    raw.memberships
        .extend(f.fasts.iter().map(|&fast| (pk, fast)));
    Ok(())
}

/// An `events.event`.
fn event(
    raw: &mut RawTables,
    model: &str,
    pk: i64,
    f: &EventFields<'_>,
) -> Result<(), ObjectIssue> {
    let event_type =
        match reference(Some(f.event_type)).map_err(|e| field_issue(model, "event_type", e))? {
            Reference::Pk(id) => id,
            Reference::Natural(key) if key.len() == 1 => raw.natural_event_type(&key[0]),
            _ => {
                return Err(field_issue(
                    model,
                    "event_type",
                    shorten(f.event_type.get()),
                ))
            }
        };
    let (user, natural_user) = user_column(model, f.user)?;
    let content_type = content_type_column(raw, model, f.content_type)?;
    let ts = parse_timestamp(model, "timestamp", &f.timestamp)?;
    let detail = match f.data {
        Some(d) if d.get() != "{}" => raw.detail_of_text(d.get()),
        _ => 0,
    };
    let e = &mut raw.events;
    if let Some(name) = natural_user {
        e.natural_users.push((e.id.len() as u32, name));
    }
    e.id.push(pk);
    e.event_type.push(event_type);
    e.user.push(user);
    e.content_type.push(content_type);
    e.object_id.push(object_id(f.object_id));
    e.timestamp.push(ts);
    e.detail.push(detail);
    Ok(())
}

/// An `events.useractivityfeed` item.
fn feed_item(
    raw: &mut RawTables,
    model: &str,
    pk: i64,
    f: &FeedFields<'_>,
) -> Result<(), ObjectIssue> {
    let (user, natural_user) = user_column(model, Some(f.user))?;
    let content_type = content_type_column(raw, model, f.content_type)?;
    let ts = parse_timestamp(model, "created_at", &f.created_at)?;
    let activity = raw.strings.intern(&f.activity_type);
    let feed = &mut raw.feed;
    if let Some(name) = natural_user {
        feed.natural_users.push((feed.id.len() as u32, name));
    }
    feed.id.push(pk);
    feed.user.push(user);
    feed.activity_type.push(activity);
    feed.content_type.push(content_type);
    feed.object_id.push(object_id(f.object_id));
    feed.timestamp.push(ts);
    feed.title.push(f.title.as_deref());
    feed.description.push(f.description.as_deref());
    Ok(())
}

/// A `hub.day` of a fast; a day without a fast is a church day, not read
/// (SPEC §2a).
fn day(raw: &mut RawTables, model: &str, f: &DayFields<'_>) -> Result<(), ObjectIssue> {
    let date = parse_day(&f.date)
        .ok_or_else(|| ObjectIssue::new(model, "date", &f.date, "a date YYYY-MM-DD"))?;
    match reference(f.fast).map_err(|e| field_issue(model, "fast", e))? {
        Reference::Pk(fast) => raw.days.push((fast, date)),
        Reference::Null => {}
        Reference::Natural(_) => {
            let found = f.fast.map_or(String::new(), |v| v.get().to_string());
            return Err(ObjectIssue::new(model, "fast", &found, "a fast's pk"));
        }
    }
    Ok(())
}

/// A user column: a pk, or [`NO_ID`] plus the username of a natural key.
pub(super) fn user_column(
    model: &str,
    value: Option<Raw<'_>>,
) -> Result<(i64, Option<Box<str>>), ObjectIssue> {
    match reference(value).map_err(|e| field_issue(model, "user", e))? {
        Reference::Null => Ok((NO_ID, None)),
        Reference::Pk(id) => Ok((id, None)),
        Reference::Natural(key) if key.len() == 1 => Ok((NO_ID, Some(key[0].as_str().into()))),
        Reference::Natural(key) => Err(field_issue(model, "user", format!("{key:?}"))),
    }
}

pub(super) fn content_type_column(
    raw: &mut RawTables,
    model: &str,
    value: Option<Raw<'_>>,
) -> Result<i64, ObjectIssue> {
    match reference(value).map_err(|e| field_issue(model, "content_type", e))? {
        Reference::Null => Ok(NO_ID),
        Reference::Pk(id) => Ok(id),
        Reference::Natural(key) if key.len() == 2 => Ok(raw.natural_content_type(&key[0], &key[1])),
        Reference::Natural(key) => Err(field_issue(model, "content_type", format!("{key:?}"))),
    }
}

/// `object_id`: a number, or a string holding one; anything else targets
/// nothing.
pub(super) fn object_id(value: Option<Raw<'_>>) -> i64 {
    match reference(value) {
        Ok(Reference::Pk(id)) => id,
        _ => NO_ID,
    }
}
