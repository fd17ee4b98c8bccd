//! What the report reads from an event's `data` JSON (SPEC §2c).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::{EventDetail, JsonNumber, VideoId};

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow, default)]
    screen: Option<&'a RawValue>,
    #[serde(borrow, default)]
    video_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    title: Option<&'a RawValue>,
    #[serde(borrow, default)]
    platform: Option<&'a RawValue>,
    #[serde(borrow, default)]
    app_version: Option<&'a RawValue>,
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(borrow, default)]
    duration_seconds: Option<&'a RawValue>,
}

/// A label of SPEC §11 (platform, version, source): a non-empty JSON
/// string; anything else (null, a number, `""`) is `None`, "unknown".
fn label(value: Option<&RawValue>) -> Option<Box<str>> {
    let raw = value?.get();
    if !raw.starts_with('"') {
        return None;
    }
    serde_json::from_str::<String>(raw)
        .ok()
        .filter(|s| !s.is_empty())
        .map(Into::into)
}

/// `duration_seconds` when it is a JSON number ≥ 0 (SPEC §11.2).
fn seconds(value: Option<&RawValue>) -> Option<JsonNumber> {
    let raw = value?.get();
    if !matches!(raw.as_bytes().first(), Some(b'-' | b'0'..=b'9')) {
        return None;
    }
    let n = JsonNumber(raw.into());
    let v = n.value();
    (v.is_finite() && v >= 0.0).then_some(n)
}

/// A JSON value as the report shows it: strings unescaped, `null` as
/// nothing, anything else as its JSON text.
fn as_text(value: &RawValue) -> Option<Box<str>> {
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).ok().map(Into::into),
        Some(b'n') => None,
        _ => Some(raw.into()),
    }
}

/// Extracts the screen name and video fields from `data`. Text that is not
/// a JSON object counts as `{}`.
pub fn parse_event_data(text: &str) -> EventDetail {
    // serde would also read a JSON array into the struct, by position.
    if !text.trim_start().starts_with('{') {
        return EventDetail::default();
    }
    let Ok(data) = serde_json::from_str::<Data<'_>>(text) else {
        return EventDetail::default();
    };
    let video_id = match data.video_id {
        None => VideoId::Null,
        Some(v) => match v.get().as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => VideoId::Number(JsonNumber(v.get().into())),
            _ => as_text(v).map_or(VideoId::Null, VideoId::Text),
        },
    };
    EventDetail {
        screen: data.screen.and_then(as_text).filter(|s| !s.is_empty()),
        video_id,
        video_title: data.title.and_then(as_text),
        platform: label(data.platform),
        app_version: label(data.app_version),
        source: label(data.source),
        duration_seconds: seconds(data.duration_seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_videos_and_non_objects() {
        let d = parse_event_data(r#"{"screen": "a,b", "other": [1, {"x": 2}]}"#);
        assert_eq!(d.screen.as_deref(), Some("a,b"));
        assert_eq!(d.video_id, VideoId::Null);
        let d = parse_event_data(r#"{"video_id": 5, "title": "Video \"5\""}"#);
        assert_eq!(d.video_id, VideoId::Number(JsonNumber("5".into())));
        assert_eq!(d.video_title.as_deref(), Some("Video \"5\""));
        let d = parse_event_data(r#"{"video_id": "intro", "title": null}"#);
        assert_eq!(d.video_id, VideoId::Text("intro".into()));
        assert_eq!(d.video_title, None);
        for not_object in ["null", "[1,2]", "\"screen\"", "42", "{broken", ""] {
            assert_eq!(
                parse_event_data(not_object),
                EventDetail::default(),
                "{not_object}"
            );
        }
        assert_eq!(parse_event_data(r#"{"screen": ""}"#).screen, None);
        assert_eq!(parse_event_data(r#"{"screen": null}"#).screen, None);
    }

    #[test]
    fn app_labels_count_only_non_empty_strings() {
        let d = parse_event_data(r#"{"platform": "ios", "app_version": "1.5.0", "source": "api"}"#);
        assert_eq!(d.platform.as_deref(), Some("ios"));
        assert_eq!(d.app_version.as_deref(), Some("1.5.0"));
        assert_eq!(d.source.as_deref(), Some("api"));
        for value in ["null", "\"\"", "1", "true", "[\"ios\"]", "{\"a\": 1}"] {
            let d = parse_event_data(&format!(r#"{{"platform": {value}, "source": {value}}}"#));
            assert_eq!((d.platform, d.source), (None, None), "{value}");
        }
        assert_eq!(parse_event_data("{}").app_version, None);
    }

    #[test]
    fn durations_are_json_numbers_not_below_zero() {
        let secs = |v: &str| {
            parse_event_data(&format!(r#"{{"duration_seconds": {v}}}"#))
                .duration_seconds
                .map(|n| n.value())
        };
        assert_eq!(secs("600"), Some(600.0));
        assert_eq!(secs("120.5"), Some(120.5));
        assert_eq!(secs("0"), Some(0.0));
        assert_eq!(secs("1e2"), Some(100.0));
        for not_counted in ["-1", "\"30\"", "true", "null", "[5]"] {
            assert_eq!(secs(not_counted), None, "{not_counted}");
        }
        assert_eq!(parse_event_data("{}").duration_seconds, None);
    }
}
