//! Malformed dumped objects (SPEC §2d): what is wrong with them, in words,
//! and the references and timestamps whose reading makes such issues.

use super::fields::Raw;
use serde::Deserialize;

use crate::timestamp::{shorten, Timestamp, TIMESTAMP_FORMS};

/// A malformed object (SPEC §2d): counted, left out, and an error unless
/// the bundle skips bad rows.
pub(super) struct ObjectIssue {
    /// What is wrong with such objects, e.g. "hub.fast objects have an
    /// unreadable `year`".
    pub(super) what: String,
    pub(super) column: String,
    pub(super) found: String,
    pub(super) expected: String,
}

/// "auth.user objects", or "objects" when the model is not known.
pub(super) fn objects(model: &str) -> String {
    if model.is_empty() {
        "objects".to_string()
    } else {
        format!("{model} objects")
    }
}

impl ObjectIssue {
    /// `field` holds `found`, which is not `expected`.
    pub(super) fn new(model: &str, field: &str, found: &str, expected: &str) -> ObjectIssue {
        ObjectIssue {
            what: format!("{} have an unreadable `{field}`", objects(model)),
            column: field.to_string(),
            found: shorten(found),
            expected: expected.to_string(),
        }
    }

    /// `field` is absent (or null) where `expected` is needed; `found`
    /// says which.
    pub(super) fn missing(model: &str, field: &str, found: &str, expected: &str) -> ObjectIssue {
        ObjectIssue {
            what: format!("{} have no `{field}`", objects(model)),
            column: field.to_string(),
            found: found.to_string(),
            expected: expected.to_string(),
        }
    }

    /// Why `text` does not deserialize as `T` (serde_json said `e`),
    /// naming the field: a second pass through serde_path_to_error, only
    /// on this error path, finds which one. `whole` names the value
    /// itself, for an error at its top.
    pub(super) fn from_serde<'a, T: Deserialize<'a>>(
        model: &str,
        text: &'a str,
        e: &serde_json::Error,
        whole: &str,
    ) -> ObjectIssue {
        let mut de = serde_json::Deserializer::from_str(text);
        let field = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(pe) => pe.path().iter().find_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            }),
            Ok(_) => None,
        };
        let message = serde_message(e);
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return ObjectIssue::missing(
                model,
                missing,
                "nothing",
                "a value, as `manage.py dumpdata` writes it",
            );
        }
        let field = field.unwrap_or_else(|| whole.to_string());
        match message.split_once(", expected ") {
            Some((found, expected)) => {
                let found = found
                    .strip_prefix("invalid type: ")
                    .or_else(|| found.strip_prefix("invalid value: "))
                    .unwrap_or(found);
                // A Rust type name means nothing to a user.
                let expected = if expected.starts_with("struct ") {
                    "an object of the model's fields"
                } else {
                    expected
                };
                ObjectIssue::new(model, &field, found, expected)
            }
            None => ObjectIssue::new(
                model,
                &field,
                &message,
                "a value, as `manage.py dumpdata` writes it",
            ),
        }
    }
}

/// A reference to another object: a pk, a natural key, or nothing.
pub(super) enum Reference {
    Null,
    Pk(i64),
    Natural(Vec<String>),
}

pub(super) fn reference(value: Option<Raw<'_>>) -> Result<Reference, String> {
    let Some(value) = value else {
        return Ok(Reference::Null);
    };
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Reference::Null),
        Some(b'[') => serde_json::from_str::<Vec<String>>(raw)
            .map(Reference::Natural)
            .map_err(|_| shorten(raw)),
        Some(b'"') => serde_json::from_str::<String>(raw)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .map(Reference::Pk)
            .ok_or_else(|| shorten(raw)),
        _ => raw.parse().map(Reference::Pk).map_err(|_| shorten(raw)),
    }
}

/// A reference `field` that holds `found`, not a reference.
pub(super) fn field_issue(model: &str, field: &str, found: String) -> ObjectIssue {
    let expected = match field {
        "user" => "a user's pk or natural key `[\"username\"]`",
        "content_type" => "a content type's pk or natural key `[\"app_label\", \"model\"]`",
        "event_type" => "an event type's pk or natural key `[\"code\"]`",
        _ => "a pk (a whole number)",
    };
    ObjectIssue::new(model, field, &found, expected)
}

pub(super) fn parse_timestamp(model: &str, field: &str, text: &str) -> Result<i64, ObjectIssue> {
    Timestamp::parse(text)
        .map(|t| t.0)
        .map_err(|e| ObjectIssue::new(model, field, &format!("{:?}", e.found), TIMESTAMP_FORMS))
}

/// serde_json's message without its "at line 1 column N" tail, which means
/// nothing to a user since objects are parsed one at a time.
pub(super) fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    // Rust type names mean nothing to a user.
    text.replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a borrowed string", "expected text")
        .replace("expected a string", "expected text")
}
