//! The dump reader's tests.

use super::*;

/// Parses `text`; malformed objects come back as the warnings a
/// bundle that skips them gives.
fn parse(text: &str, chunk: usize) -> Result<(RawTables, Warnings), LoadError> {
    let mut p = DumpParser::new("dump.json", Limits::default());
    for c in text.as_bytes().chunks(chunk) {
        p.push(c)?;
    }
    let (raw, mut warnings, bad_rows) = p.finish(true)?;
    warnings.extend(bad_rows.warnings());
    Ok((raw, warnings))
}

const DUMP: &str = r#"[
{"model": "auth.user", "pk": 7, "fields": {"username": "a\"b", "email": "e", "date_joined": "2024-12-30T00:00:00Z", "groups": []}},
{"model": "prayers.prayerrequest", "pk": 1, "fields": {"title": "} ] {", "user": 7}},
{"model": "contenttypes.contenttype", "pk": 12, "fields": {"app_label": "hub", "model": "fast"}},
{"model": "events.event", "pk": 1, "fields": {"event_type": 3, "user": ["a\"b"], "content_type": ["hub", "fast"], "object_id": "16", "data": {"screen": "home"}, "timestamp": "2025-01-01T00:00:00.5Z"}},
{"model": "hub.profile", "pk": 501, "fields": {"user": 7, "fasts": [16, 22]}}
]"#;

#[test]
fn streams_objects_in_any_chunking() {
    for chunk in [1, 2, 7, 64, 4096] {
        let (raw, w) = parse(DUMP, chunk).unwrap();
        assert!(w.list().is_empty());
        assert_eq!(raw.users.len(), 1);
        assert_eq!(&*raw.users[0].username, "a\"b");
        assert_eq!(raw.events.id.to_vec(), vec![1]);
        assert_eq!(raw.events.object_id.to_vec(), vec![16]);
        assert_eq!(raw.events.natural_users, vec![(0, "a\"b".into())]);
        // The natural content type got a synthetic id.
        assert!(raw.events.content_type.get(0) < 0);
        assert_eq!(raw.memberships, vec![(501, 16), (501, 22)]);
        assert_eq!(
            raw.details[raw.events.detail[0] as usize].screen.as_deref(),
            Some("home")
        );
        // The model the report does not read is counted, not lost.
        let others: Vec<(&str, u64)> = raw.other_models.iter().map(|(m, n)| (&**m, *n)).collect();
        assert_eq!(others, [("prayers.prayerrequest", 1)], "chunk {chunk}");
    }
}

/// Two dump files: the objects of models the report does not read are
/// counted per model over both, and said by the loaded bundle.
#[test]
fn other_models_are_counted_over_every_dump() {
    let second = r#"[
{"model": "admin.logentry", "pk": 1, "fields": {"action_flag": 1}},
{"model": "prayers.prayerrequest", "pk": 2, "fields": {"title": "x", "user": 7}},
{"model": "admin.logentry", "pk": 2, "fields": {"action_flag": 2}}
]"#;
    let mut b = crate::load::Bundle::new(Limits::default());
    b.add_bytes("one.json", DUMP.as_bytes()).unwrap();
    b.add_bytes("two.json", second.as_bytes()).unwrap();
    let loaded = b.finish().unwrap();
    assert_eq!(
        loaded.other_models(),
        [
            ("admin.logentry".to_string(), 2),
            ("prayers.prayerrequest".to_string(), 2)
        ]
    );
}

/// A dump of `n` events (and users, profiles, feed items), with text
/// that needs escapes, natural keys, `{"model"` inside `data` (a
/// wrong guess at where a chunk can be split), and every 97th object
/// malformed.
fn big_dump(n: usize) -> String {
    let mut out = String::from("[\n");
    for k in 0..n {
        if k > 0 {
            out.push_str(if k % 5 == 0 { ",\n" } else { ", " });
        }
        let object = match k % 4 {
            _ if k % 97 == 13 => format!(
                r#"{{"model": "events.event", "pk": {k}, "fields": {{"event_type": 3, "user": "x{k}", "timestamp": "2025-01-01T00:00:00Z"}}}}"#
            ),
            _ if k % 97 == 50 => format!(
                r#"{{"fields": {{"name": "late model"}}, "pk": {k}, "model": "hub.church"}}"#
            ),
            0 => format!(
                r#"{{"model": "auth.user", "pk": {k}, "fields": {{"username": "u\"{k}\\", "email": "é{k}", "date_joined": "2024-12-30T00:00:00Z", "is_staff": {}, "groups": []}}}}"#,
                k % 3 == 0
            ),
            1 => format!(
                r#"{{"model": "events.event", "pk": {k}, "fields": {{"event_type": ["open"], "user": ["u\"{k}\\"], "content_type": ["hub", "fast"], "object_id": "{k}", "data": {{"screen": "s{k}", "list": [1, {{"model": "auth.user", "pk": 1}}]}}, "timestamp": "2025-01-01T00:00:{:02}Z", "user_agent": "Mozilla \ud83d\ude00"}}}}"#,
                k % 60
            ),
            2 => format!(
                r#"{{"model": "events.useractivityfeed", "pk": {k}, "fields": {{"user": {k}, "activity_type": "a{}", "content_type": 12, "object_id": {k}, "title": "t\n{k}", "description": null, "created_at": "2025-02-01 10:00:00+02"}}}}"#,
                k % 7
            ),
            _ => format!(
                r#"{{"model": "prayers.prayerrequest", "pk": {k}, "fields": {{"title": "}} ] {{", "deep": [[[{{"model": "x"}}]]]}}}}"#
            ),
        };
        out.push_str(&object);
    }
    out.push_str("\n]\n");
    out
}

/// Everything in `raw` that does not depend on a hash map's order.
fn tables(raw: &RawTables) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        raw.users,
        raw.churches,
        raw.fasts,
        raw.profiles,
        raw.memberships,
        raw.event_types,
        raw.content_types,
        raw.events,
        raw.feed,
        raw.details,
        raw.sources,
        raw.optional_columns,
    )
}

#[test]
fn large_chunks_read_in_two_parts_give_the_same_tables() {
    let dump = big_dump(6000);
    assert!(dump.len() > 8 * SPLIT_MIN);
    // 7-byte chunks are never split; whole-file and 100 kB chunks are
    // (or try to be, and drop the guess when it was wrong).
    let (small, small_warnings) = parse(&dump, 7).unwrap();
    // Objects of class `class` (k % 4) that big_dump left as they are.
    let plain = |class| {
        (0..6000)
            .filter(|k| k % 4 == class && k % 97 != 13 && k % 97 != 50)
            .count()
    };
    assert_eq!(small.users.len(), plain(0));
    assert_eq!(small.events.id.len(), plain(1));
    assert_eq!(small.feed.id.len(), plain(2));
    assert_eq!(small.churches.len(), 62);
    assert_eq!(&*small.users[1].username, "u\"4\\");
    assert_eq!(small.events.natural_users[0], (0, "u\"1\\".into()));
    let text: Vec<String> = small_warnings
        .list()
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(text[0].starts_with("dump.json: 62 events.event objects have an unreadable `user`; left out (first at object 13: found \"x13\""), "{text:?}");
    for chunk in [dump.len(), 100_000, SPLIT_MIN + 1] {
        let (raw, warnings) = parse(&dump, chunk).unwrap();
        assert_eq!(tables(&raw), tables(&small), "chunk {chunk}");
        assert_eq!(warnings.list(), small_warnings.list(), "chunk {chunk}");
    }
}

#[test]
fn staff_flags_and_profile_churches() {
    let (raw, w) = parse(
            r#"[
{"model": "auth.user", "pk": 1, "fields": {"username": "a", "date_joined": "2024-01-01T00:00:00Z", "is_staff": true, "is_superuser": false}},
{"model": "auth.user", "pk": 2, "fields": {"username": "b", "date_joined": "2024-01-01T00:00:00Z", "is_staff": false, "is_superuser": true}},
{"model": "auth.user", "pk": 3, "fields": {"username": "c", "date_joined": "2024-01-01T00:00:00Z", "is_staff": false, "is_superuser": false}},
{"model": "hub.profile", "pk": 501, "fields": {"user": 1, "church": 4, "fasts": []}},
{"model": "hub.profile", "pk": 502, "fields": {"user": 2, "church": null, "fasts": []}}
]"#,
            7,
        )
        .unwrap();
    assert!(w.list().is_empty());
    let staff: Vec<bool> = raw.users.iter().map(|u| u.staff).collect();
    assert_eq!(staff, [true, true, false]);
    assert_eq!(raw.profile_churches, [(501, 4)]);
    assert_eq!(raw.optional_columns, Default::default());
}

#[test]
fn absent_staff_and_church_fields_are_noted_once() {
    let (raw, _) = parse(DUMP, 64).unwrap();
    assert_eq!(
        raw.optional_columns.staff_missing,
        [
            ("dump.json".to_string(), "is_staff"),
            ("dump.json".to_string(), "is_superuser")
        ]
    );
    assert_eq!(raw.optional_columns.church_missing, ["dump.json"]);
}

#[test]
fn object_instead_of_array() {
    let err = parse(r#"{"model": "auth.user"}"#, 8).unwrap_err();
    assert!(err.message.contains("expected a JSON array"), "{err}");
}

#[test]
fn truncated_dump() {
    // Cut inside object 2 (of 5): the two before it load, object 2 is
    // a malformed object.
    let cut = DUMP.find(r#""prayers.prayerrequest""#).unwrap();
    let (raw, w) = parse(&DUMP[..cut + 10], 16).unwrap();
    assert_eq!(raw.users.len(), 1);
    let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
    assert_eq!(
            text,
            ["dump.json: 1 object where the file ends is cut off (the file is incomplete: it ends in the middle of its array, inside object 1; export it again); left out (first at object 1: found the end of the file inside this object, expected its closing `}`)"]
        );
    // Cut between objects: no object is partial, but the array never
    // closes: the file cannot be read.
    let err = parse(&DUMP[..cut - 12], 16).unwrap_err();
    assert!(err.message.contains("the file is incomplete"), "{err}");
    assert_eq!(err.location, Some(Location::Object(1)));
}

#[test]
fn deep_nesting_is_refused_without_recursion() {
    let deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
    let err = parse(&deep, 1000).unwrap_err();
    assert!(err.message.contains("where a dumped object"), "{err}");
    let deep = format!(
        "[{{\"model\": \"x\", \"fields\": {}{}}}]",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(parse(&deep, 1000)
        .unwrap_err()
        .message
        .contains("nested deeper"));
}

#[test]
fn natural_primary_users_are_refused() {
    let err = parse(
            r#"[{"model": "auth.user", "fields": {"username": "a", "date_joined": "2024-01-01T00:00:00Z"}}]"#,
            9,
        )
        .unwrap_err();
    assert!(err.message.contains("--natural-primary"), "{err}");
    assert_eq!(err.location, Some(Location::Object(0)));
}

#[test]
fn wrong_types_are_counted() {
    let (raw, w) = parse(
            r#"[{"model": "hub.church", "pk": 1, "fields": {"name": 5}},
               {"model": "hub.church", "pk": 2, "fields": {"name": "ok"}},
               {"model": "auth.user", "pk": 3, "fields": {"username": "u", "date_joined": "yesterday"}},
               {"model": "hub.fast", "pk": "seven", "fields": {"name": "x"}},
               {"model": "hub.fast", "fields": {"name": "x"}},
               {"model": "hub.fast", "pk": 8},
               {"pk": 9, "fields": {}},
               {"model": 5, "pk": 9, "fields": {}},
               {"model": "hub.fast", "pk": 9, "fields": {"name": "x", "year": "twenty"}},
               {"model": "hub.profile", "pk": 9, "fields": {"user": 1, "fasts": [1, "x"]}},
               {"model": "auth.user", "pk": 4, "fields": {"email": "e", "date_joined": "2024-01-01T00:00:00Z"}},
               {"model": "events.event", "pk": 1, "fields": {"event_type": 3, "user": ["a", "b"], "timestamp": "2025-01-01T00:00:00Z"}},
               {"model": "hub.fast", "pk": 10, "fields": 7}]"#,
            5,
        )
        .unwrap();
    assert_eq!(raw.churches.len(), 1);
    assert!(raw.users.is_empty() && raw.fasts.is_empty() && raw.profiles.is_empty());
    let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
    assert_eq!(
            text,
            [
                "dump.json: 1 hub.church objects have an unreadable `name`; left out (first at object 0: found integer `5`, expected text)",
                "dump.json: 1 auth.user objects have an unreadable `date_joined`; left out (first at object 2: found \"yesterday\", expected `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` or RFC 3339 like `2024-01-15T14:23:45Z`)",
                "dump.json: 1 hub.fast objects have an unreadable `pk`; left out (first at object 3: found \"seven\", expected a whole number)",
                "dump.json: 1 hub.fast objects have no `pk`; left out (first at object 4: found nothing, expected a whole number)",
                "dump.json: 1 hub.fast objects have no `fields`; left out (first at object 5: found nothing, expected an object of the model's fields)",
                "dump.json: 1 objects have no `model`; left out (first at object 6: found nothing, expected the model's name, e.g. \"auth.user\")",
                "dump.json: 1 objects have an unreadable `model`; left out (first at object 7: found integer `5`, expected text)",
                "dump.json: 1 hub.fast objects have an unreadable `year`; left out (first at object 8: found string \"twenty\", expected a whole number)",
                "dump.json: 1 hub.profile objects have an unreadable `fasts`; left out (first at object 9: found string \"x\", expected a whole number)",
                "dump.json: 1 auth.user objects have no `username`; left out (first at object 10: found nothing, expected a value, as `manage.py dumpdata` writes it)",
                "dump.json: 1 events.event objects have an unreadable `user`; left out (first at object 11: found [\"a\", \"b\"], expected a user's pk or natural key `[\"username\"]`)",
                "dump.json: 1 hub.fast objects have an unreadable `fields`; left out (first at object 12: found integer `7`, expected an object of the model's fields)",
            ]
        );
}

#[test]
fn empty_and_trailing_data() {
    assert!(parse("", 4).unwrap_err().message.contains("empty"));
    assert!(parse("[]", 4).is_ok());
    assert!(parse("[] x", 4)
        .unwrap_err()
        .message
        .contains("after the end"));
    assert!(parse("[1]", 4)
        .unwrap_err()
        .message
        .contains("where a dumped object"));
}

/// Wherever the fast reader takes an object, it gives what serde gives:
/// the same fields and the same length. Objects it must leave to serde
/// (escapes, bad numbers, duplicates, a missing field, deep nesting) it
/// leaves.
#[test]
fn the_fast_reader_gives_what_serde_gives() {
    let event = |fields: &str| {
        format!(r#"{{"model": "events.event", "pk": 5, "fields": {{{fields}}}}}, {{"model""#)
    };
    let feed = |fields: &str| {
        format!(r#"{{"model": "events.useractivityfeed", "pk": null, "fields": {{{fields}}}}}]"#)
    };
    let plain = r#""event_type": 3, "user": 7, "content_type": null, "object_id": "16", "title": "", "data": {"screen": "home", "n": [1, -2.5e3, true, null, {}]}, "timestamp": "2025-01-01T00:00:00Z", "user_agent": "Mozilla/5.0 (X11)""#;
    let taken = [
        event(plain),
        event(
            r#""timestamp": "x", "event_type": null, "user": ["ann"], "content_type": ["hub", "fast"], "data": null"#,
        ),
        event(
            r#" "event_type" :3 ,"timestamp":"t" , "ip_address": null, "extra": {"model": [0, 1e5]} "#,
        ),
        r#"{ "model" : "events.event" ,"pk":"12","fields":{"event_type":1,"timestamp":"t"}, "other": [] }"#.to_string(),
        feed(
            r#""user": 7, "activity_type": "fast_join", "title": null, "description": "d", "created_at": "2025-01-01", "object_id": -0"#,
        ),
        feed(
            r#""user": null, "activity_type": "", "created_at": "", "content_type": ["a", "b"], "title": "t""#,
        ),
    ];
    let left = [
        event(r#""event_type": 3, "timestamp": "2025", "user_agent": "a \"quoted\" agent""#),
        event(r#""event_type": 3, "timestamp": "2025\t""#),
        event(r#""event_type": 3, "timestamp": "x", "timestamp": "y""#),
        event(r#""event_type": 3"#),
        event(r#""event_type": 01, "timestamp": "x""#),
        event(r#""event_type": 1., "timestamp": "x""#),
        event(r#""event_type": 3, "timestamp": "x", "data": [[[[[[[[[[1]]]]]]]]]]"#),
        event(""),
        r#"{"pk": 1, "model": "events.event", "fields": {"event_type": 3, "timestamp": "x"}}"#
            .to_string(),
        r#"{"model": "events.event", "fields": {"event_type": 3, "timestamp": "x"}, "model": "x"}"#
            .to_string(),
        r#"{"model": "auth.user", "pk": 1, "fields": {"username": "a", "date_joined": "x"}}"#
            .to_string(),
        feed(r#""user": 7, "activity_type": 3, "created_at": "x""#),
    ];
    for text in &taken {
        let fast = fast::read(text).unwrap_or_else(|| panic!("not taken: {text}"));
        let serde = read_by_serde(text).unwrap_or_else(|| panic!("serde fails: {text}"));
        assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "{text}");
    }
    for text in &left {
        assert!(fast::read(text).is_none(), "taken: {text}");
    }
    // The worked example's dump: every event and feed item taken, as serde
    // reads it.
    let dump = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/tiny/dump.json"),
    )
    .unwrap();
    let mut taken = 0;
    for (at, _) in dump.match_indices("{\"model\": \"events.") {
        let text = &dump[at..];
        if let Some(fast) = fast::read(text) {
            assert_eq!(
                format!("{fast:?}"),
                format!("{:?}", read_by_serde(text).unwrap())
            );
            taken += 1;
        }
    }
    // 776 events and feed items; those with an escape go to serde.
    assert!(taken > 700, "{taken}");
}
