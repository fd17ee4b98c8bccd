//! The fields of each dumped model the report reads, as `serde` reads
//! them without copying, and which table each model fills.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::issue::ObjectIssue;
use crate::load::catalogue::Table;

/// The JSON text of one value as serde's `&RawValue` holds it (a
/// number, a string with its quotes, a natural key's array, `null`),
/// borrowed from the input: [`super::fast`] finds it without serde.
#[derive(Clone, Copy, Debug)]
pub(super) struct Raw<'a>(pub(super) &'a str);

impl<'a> Raw<'a> {
    /// The value's JSON text.
    pub(super) fn get(self) -> &'a str {
        self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|r| Raw(r.get()))
    }
}

/// The envelope of every dumped object. `model` and `fields` are optional
/// here so that an object without them is a malformed object (SPEC §2d),
/// not a file that cannot be read.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct Envelope<'a> {
    #[serde(borrow, default)]
    pub(super) model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) pk: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(super) fields: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct UserFields<'a> {
    #[serde(borrow)]
    pub(super) username: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) email: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) date_joined: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) is_staff: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) is_superuser: Option<Raw<'a>>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct NameFields<'a> {
    #[serde(borrow)]
    pub(super) name: Cow<'a, str>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct FastFields<'a> {
    #[serde(borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) church: Option<Raw<'a>>,
    #[serde(default)]
    pub(super) year: Option<i64>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct ProfileFields<'a> {
    #[serde(borrow)]
    pub(super) user: Raw<'a>,
    #[serde(default)]
    pub(super) fasts: Vec<i64>,
    /// `Some` whenever the field is there, `null` included, so that an
    /// absent field can be told from a profile without a church.
    #[serde(borrow, default, deserialize_with = "present")]
    pub(super) church: Option<Raw<'a>>,
}

/// A field that is there, even when `null`.
pub(super) fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Raw<'de>>, D::Error> {
    Raw::deserialize(d).map(Some)
}

/// A dumped boolean (`true`; also `"t"`, `"true"`, `1`); anything else is
/// false.
pub(super) fn dumped_flag(value: Option<Raw<'_>>) -> bool {
    value.is_some_and(|v| {
        let text = v.get().trim_matches('"');
        crate::load::csv_tables::fields::is_true(text.as_bytes())
    })
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct EventTypeFields<'a> {
    #[serde(borrow)]
    pub(super) code: Cow<'a, str>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct ContentTypeFields<'a> {
    #[serde(borrow)]
    pub(super) app_label: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) model: Cow<'a, str>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct EventFields<'a> {
    #[serde(borrow)]
    pub(super) event_type: Raw<'a>,
    #[serde(borrow, default)]
    pub(super) user: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) content_type: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) object_id: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) data: Option<Raw<'a>>,
    #[serde(borrow)]
    pub(super) timestamp: Cow<'a, str>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct FeedFields<'a> {
    #[serde(borrow)]
    pub(super) user: Raw<'a>,
    #[serde(borrow)]
    pub(super) activity_type: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) content_type: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) object_id: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub(super) title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) created_at: Cow<'a, str>,
}

/// `hub.day` (SPEC §2b): a calendar day of a fast, or of a church when
/// `fast` is null.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
pub(super) struct DayFields<'a> {
    #[serde(borrow)]
    pub(super) date: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) fast: Option<Raw<'a>>,
}

/// A known model's fields, typed.
#[cfg_attr(test, derive(Debug))]
pub(super) enum Fields<'a> {
    Days(DayFields<'a>),
    Users(UserFields<'a>),
    Churches(NameFields<'a>),
    Fasts(FastFields<'a>),
    Profiles(ProfileFields<'a>),
    EventTypes(EventTypeFields<'a>),
    ContentTypes(ContentTypeFields<'a>),
    Events(EventFields<'a>),
    Feed(FeedFields<'a>),
    /// A model the report does not read: its fields were only checked to
    /// be JSON.
    Skipped,
}

/// A whole dumped object read in one serde pass: the envelope and, since
/// `dumpdata` writes `model` before `fields`, the model's typed fields
/// with it. Any surprise (no `model`, `fields` first, a duplicate key, a
/// wrong type) is a deserialization error, and the caller then reads the
/// object in two passes ([`Envelope`], then the fields by model), which
/// names what is wrong: this type only has to be right for good objects.
#[cfg_attr(test, derive(Debug))]
pub(super) struct OnePass<'a> {
    pub(super) model: Cow<'a, str>,
    pub(super) table: Option<Table>,
    pub(super) pk: Option<Raw<'a>>,
    pub(super) fields: Fields<'a>,
}

impl<'de> Deserialize<'de> for OnePass<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(OnePassVisitor)
    }
}

pub(super) struct OnePassVisitor;

impl<'de> serde::de::Visitor<'de> for OnePassVisitor {
    type Value = OnePass<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a dumped object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let mut model: Option<Cow<'de, str>> = None;
        let mut table = None;
        let mut pk: Option<Option<Raw<'de>>> = None;
        let mut fields = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Model if model.is_none() => {
                    let name = map.next_value::<Text<'de>>()?.0;
                    table = table_of(&name);
                    model = Some(name);
                }
                Key::Pk if pk.is_none() => pk = Some(map.next_value()?),
                Key::Fields if fields.is_none() && model.is_some() => {
                    fields = Some(map.next_value_seed(FieldsSeed(table))?);
                }
                Key::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                _ => return Err(A::Error::custom("not in dumpdata's own form")),
            }
        }
        match (model, fields) {
            (Some(model), Some(fields)) => Ok(OnePass {
                model,
                table,
                pk: pk.flatten(),
                fields,
            }),
            _ => Err(A::Error::custom("no model or no fields")),
        }
    }
}

/// A key of a dumped object.
pub(super) enum Key {
    Model,
    Pk,
    Fields,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "model" => Key::Model,
                    "pk" => Key::Pk,
                    "fields" => Key::Fields,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// Text, borrowed from the input when it has no escapes (serde's own
/// `Cow<str>` always copies).
pub(super) struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// Reads `fields` as the typed fields of the model's table (`None`: a
/// model the report does not read, whose fields are skipped).
pub(super) struct FieldsSeed(Option<Table>);

impl<'de> serde::de::DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        Ok(match self.0 {
            Some(Table::Users) => Fields::Users(Deserialize::deserialize(d)?),
            Some(Table::Churches) => Fields::Churches(Deserialize::deserialize(d)?),
            Some(Table::Fasts) => Fields::Fasts(Deserialize::deserialize(d)?),
            Some(Table::Profiles) => Fields::Profiles(Deserialize::deserialize(d)?),
            Some(Table::EventTypes) => Fields::EventTypes(Deserialize::deserialize(d)?),
            Some(Table::ContentTypes) => Fields::ContentTypes(Deserialize::deserialize(d)?),
            Some(Table::Events) => Fields::Events(Deserialize::deserialize(d)?),
            Some(Table::Feed) => Fields::Feed(Deserialize::deserialize(d)?),
            Some(Table::Days) => Fields::Days(Deserialize::deserialize(d)?),
            Some(Table::Memberships) | None => {
                serde::de::IgnoredAny::deserialize(d)?;
                Fields::Skipped
            }
        })
    }
}

/// The table a dumped model fills, or `None` for a model the report does
/// not read.
pub(super) fn table_of(model: &str) -> Option<Table> {
    Some(match model {
        "auth.user" => Table::Users,
        "hub.church" => Table::Churches,
        "hub.fast" => Table::Fasts,
        "hub.profile" => Table::Profiles,
        "events.eventtype" => Table::EventTypes,
        "events.event" => Table::Events,
        "events.useractivityfeed" => Table::Feed,
        "contenttypes.contenttype" => Table::ContentTypes,
        "hub.day" => Table::Days,
        _ => return None,
    })
}

/// `fields` (a separate JSON text) read as `table`'s fields; a malformed
/// one is an issue naming the field.
pub(super) fn parse_fields<'a>(
    table: Table,
    model: &str,
    fields: &'a RawValue,
) -> Result<Fields<'a>, ObjectIssue> {
    fn de<'a, T: Deserialize<'a>>(model: &str, fields: &'a RawValue) -> Result<T, ObjectIssue> {
        serde_json::from_str(fields.get())
            .map_err(|e| ObjectIssue::from_serde::<T>(model, fields.get(), &e, "fields"))
    }
    Ok(match table {
        Table::Users => Fields::Users(de(model, fields)?),
        Table::Churches => Fields::Churches(de(model, fields)?),
        Table::Fasts => Fields::Fasts(de(model, fields)?),
        Table::Profiles => Fields::Profiles(de(model, fields)?),
        Table::EventTypes => Fields::EventTypes(de(model, fields)?),
        Table::ContentTypes => Fields::ContentTypes(de(model, fields)?),
        Table::Events => Fields::Events(de(model, fields)?),
        Table::Feed => Fields::Feed(de(model, fields)?),
        Table::Days => Fields::Days(de(model, fields)?),
        Table::Memberships => Fields::Skipped,
    })
}
