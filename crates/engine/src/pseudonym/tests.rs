//! Pseudonyms computed by hand (Python's `hmac` module:
//! `hmac.new(bytes.fromhex(K), b"100", hashlib.sha256).hexdigest()[:10]`)
//! and the step over small reports.

use super::*;
use crate::export::{self, Format};
use crate::insights::testing::period;
use crate::load::Location;
use crate::metrics::testing::*;
use crate::output::{self, OutputOptions, ReportParts};
use crate::segment::SegmentInfo;
use serde_json::{json, Value};

const K: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// Under `K`: users 2, 1, 3 in pseudonym order.
const P1: &str = "P-8c18133145";
const P2: &str = "P-30cf904687";
const P3: &str = "P-a3b87df766";

fn key() -> Key {
    Key::from_hex(K).unwrap()
}

#[test]
fn pseudonyms_are_hmac_sha256_of_the_decimal_id() {
    let cases = [
        (K, 100, "P-4363273135"),
        (K, 1, P1),
        (K, 2, P2),
        (K, 3, P3),
        (K, 0, "P-26271568cf"),
        (K, -7, "P-2fd26528c6"),
        (K, i64::MAX, "P-555bf87040"),
        (&"00".repeat(32), 100, "P-015c020fb0"),
        (&"00".repeat(32), 1, "P-41e0a9448f"),
        (&"ff".repeat(32), 100, "P-434435c96f"),
        (&"FF".repeat(32), 0, "P-0084fe9ddb"),
    ];
    for (hex, id, want) in cases {
        assert_eq!(
            pseudonym(&Key::from_hex(hex).unwrap(), id),
            want,
            "{hex} {id}"
        );
    }
    assert_eq!(Key::from_hex(&format!("  {K}\n")).unwrap().to_hex(), K);
}

#[test]
fn a_malformed_key_is_an_error_that_never_quotes_it() {
    let secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg";
    for bad in [&K[..62], secret, &format!("{K}00"), "", "zz"] {
        let e = Key::from_hex(bad).unwrap_err().to_string();
        assert!(e.contains("expected 64 hex digits"), "{e}");
        if bad.len() > 4 {
            assert!(!e.contains(&bad[..8]), "{e}");
        }
    }
    assert_eq!(
        Key::from_hex(&K[..62]).unwrap_err().to_string(),
        "the pseudonym key has 62 characters; expected 64 hex digits (32 bytes), e.g. made with `openssl rand -hex 32`"
    );
    assert!(Key::from_hex(secret)
        .unwrap_err()
        .to_string()
        .contains("not hex digits"));
}

#[test]
fn random_keys_differ_and_debug_hides_them() {
    let (a, b) = (Key::random().unwrap(), Key::random().unwrap());
    assert_ne!(a, b);
    assert_eq!(a.to_hex().len(), 64);
    assert_eq!(format!("{a:?}"), "Key(…)");
    assert_ne!(pseudonym(&a, 1), pseudonym(&b, 1));
}

/// Three users whose pseudonyms sort 2, 1, 3; feed texts, a feed item
/// that targets user 3, devotional views (3 twice, 1 once).
fn sample() -> crate::model::Dataset {
    TestBundle::new()
        .named_user(1, "=cmd", "2025-01-01 00:00:00+00")
        .named_user(2, "ana <b>", "2025-01-02 00:00:00+00")
        .named_user(3, "Zebulon", "2025-01-03 00:00:00+00")
        .feed_item(
            1,
            1,
            "follow",
            "2025-01-05 00:00:00+00",
            Some("Follows Zebulon"),
            Some("pray for Zebulon"),
            Some((4, 3)),
        )
        .feed_item(
            2,
            1,
            "milestone",
            "2025-01-06 00:00:00+00",
            Some("Titulusone"),
            None,
            None,
        )
        .feed_item(
            3,
            2,
            "milestone",
            "2025-01-07 00:00:00+00",
            None,
            Some("Descriptiotwo"),
            None,
        )
        .feed_item(
            4,
            3,
            "milestone",
            "2025-01-08 00:00:00+00",
            Some("Titulusthree"),
            Some("Descriptiothree"),
            None,
        )
        .event("devotional_viewed", Some(3), None, "2025-01-05 10:00:00+00")
        .event("devotional_viewed", Some(3), None, "2025-01-06 10:00:00+00")
        .event("devotional_viewed", Some(1), None, "2025-01-06 11:00:00+00")
        .load()
}

#[test]
fn json_replaces_every_person_and_orders_user_rows_by_pseudonym() {
    let data = sample();
    let p = Pseudonyms::new(&key(), &data).unwrap();
    let january = period("2025-01-01", "2025-01-31", "UTC");
    let report = crate::metrics::compute(&data, &january);
    let insights = crate::insights::compute(&data, &january, &report, &SegmentInfo::default(), &[]);
    let done = p.apply(&report, Some(&insights), &[]);
    let mut bytes = Vec::new();
    export::write_consolidated_json(&done.report, done.insights.as_ref(), Some(&p), &mut bytes)
        .unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["range"]["pseudonymized"], true);
    let ids = |rows: &Value| -> Vec<Value> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["user_id"].clone())
            .collect()
    };
    assert_eq!(ids(&v["user_activity"]), [json!(P2), json!(P1), json!(P3)]);
    for row in v["user_activity"].as_array().unwrap() {
        assert_eq!(row["username"], row["user_id"]);
        assert_eq!(row["email"], Value::Null);
    }
    // The timeline: by pseudonym, then (within a user) newest first as before.
    let timeline = &v["user_activity_timeline"];
    assert_eq!(ids(timeline), [json!(P2), json!(P1), json!(P1), json!(P3)]);
    assert_eq!(timeline[1]["activity_type"], "milestone");
    assert_eq!(timeline[2]["target_type"], "user");
    assert_eq!(timeline[2]["target_id"], P3);
    for row in timeline.as_array().unwrap() {
        assert_eq!(row["title"], Value::Null);
        assert_eq!(row["description"], Value::Null);
        assert_eq!(row["username"], row["user_id"]);
    }
    // A ranking keeps its order: user 3 (2 views) before user 1 (1 view).
    let top = &v["other_metrics"]["engagement_patterns"]["devotionals"]["top_users"];
    assert_eq!(
        top,
        &json!([
            {"user_id": P3, "username": P3, "views": 2},
            {"user_id": P1, "username": P1, "views": 1}
        ])
    );
    let engagement = &v["insights"]["user_engagement"];
    assert_eq!(ids(engagement), [json!(P2), json!(P1), json!(P3)]);
    let before: Value =
        serde_json::from_slice(&export::consolidated_json_with_insights(&report, &insights))
            .unwrap();
    for (row, id) in engagement.as_array().unwrap().iter().zip([2, 1, 3]) {
        let real = before["insights"]["user_engagement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["user_id"] == id)
            .unwrap();
        assert_eq!(row["engagement_rank"], real["engagement_rank"]);
        assert_eq!(row["items"], real["items"]);
        assert_eq!(row["email"], Value::Null);
    }
    let text = String::from_utf8(bytes).unwrap();
    for personal in [
        "=cmd",
        "ana <b>",
        "Zebulon",
        "example.org",
        "Titulus",
        "Descriptio",
    ] {
        assert!(!text.contains(personal), "{personal} in the JSON");
    }
    assert!(v["insights"]["summary_md"]
        .as_str()
        .unwrap()
        .contains("- Names: every user is shown by a pseudonym"));
}

#[test]
fn csv_files_replace_people_by_column() {
    let data = sample();
    let p = Pseudonyms::new(&key(), &data).unwrap();
    let january = period("2025-01-01", "2025-01-31", "UTC");
    let report = crate::metrics::compute(&data, &january);
    let done = p.apply(&report, None, &[]);
    let segment = SegmentInfo::default();
    let parts = ReportParts {
        report: &done.report,
        insights: None,
        period: &january,
        segment: &segment,
        warnings: &done.warnings,
        pseudonyms: Some(&p),
    };
    let options = OutputOptions {
        format: Format::Csv,
        ..Default::default()
    };
    let files = output::report_files(&parts, options).unwrap();
    let text = |name: &str| {
        String::from_utf8(files.iter().find(|f| f.name == name).unwrap().bytes.clone()).unwrap()
    };
    assert_eq!(
        text("user_activity.csv"),
        format!(
            "user_id,username,email,date_joined,total_items,type_follow,type_milestone\n\
             {P2},{P2},,2025-01-02T00:00:00Z,1,0,1\n\
             {P1},{P1},,2025-01-01T00:00:00Z,2,1,1\n\
             {P3},{P3},,2025-01-03T00:00:00Z,1,0,1\n"
        )
    );
    assert_eq!(
        text("user_activity_timeline.csv"),
        format!(
            "user_id,username,activity_type,timestamp,title,description,target_type,target_id\n\
             {P2},{P2},milestone,2025-01-07T00:00:00Z,,,,\n\
             {P1},{P1},milestone,2025-01-06T00:00:00Z,,,,\n\
             {P1},{P1},follow,2025-01-05T00:00:00Z,,,user,{P3}\n\
             {P3},{P3},milestone,2025-01-08T00:00:00Z,,,,\n"
        )
    );
    // other_metrics is JSON in both formats, its ranking pseudonymised.
    assert!(text("other_metrics.json").contains(&format!("\"user_id\": \"{P3}\"")));
}

#[test]
fn pseudonyms_csv_lists_every_user_by_pseudonym_with_the_formula_guard() {
    let data = TestBundle::new()
        .named_user(1, "=cmd", "2025-01-01 00:00:00+00")
        .named_user(2, "ana, \"b\"", "2025-01-02 00:00:00+00")
        .named_user(3, "zed", "2025-01-03 00:00:00+00")
        .load();
    let p = Pseudonyms::new(&key(), &data).unwrap();
    assert_eq!(p.len(), 3);
    assert_eq!(
        String::from_utf8(p.csv()).unwrap(),
        format!(
            "pseudonym,user_id,username,email\n\
             {P2},2,\"ana, \"\"b\"\"\",u2@example.org\n\
             {P1},1,'=cmd,u1@example.org\n\
             {P3},3,zed,u3@example.org\n"
        )
    );
    // An id that is not in auth_user gets a pseudonym, but no username.
    assert_eq!(p.of(100), "P-4363273135");
    assert_eq!(p.username(100), None);
    assert_eq!(p.username(1), Some(P1));
}

#[test]
fn two_users_with_one_pseudonym_are_an_error() {
    let mut data = TestBundle::new()
        .user(1, "2025-01-01 00:00:00+00")
        .user(2, "2025-01-01 00:00:00+00")
        .load();
    // The same id twice: the one way to make two pseudonyms meet.
    let twin = data.users[0].clone();
    data.users.push(twin);
    let e = Pseudonyms::new(&key(), &data).unwrap_err();
    assert_eq!(e.pseudonym, P1);
    assert_eq!(
        e.to_string(),
        format!("two users have the same pseudonym {P1}; use another pseudonym key")
    );
}

#[test]
fn warnings_keep_where_but_not_what_they_found() {
    let data = sample();
    let p = Pseudonyms::new(&key(), &data).unwrap();
    let january = period("2025-01-01", "2025-01-31", "UTC");
    let report = crate::metrics::compute(&data, &january);
    let warnings = vec![
        Warning {
            file: "exports/auth_user.csv".into(),
            count: 2,
            what: "rows with an unreadable date_joined".into(),
            outcome: "left out".into(),
            first: Some((Location::Line(7), "found \"jane.doe@mail.example\"".into())),
        },
        Warning {
            file: "hub_fast.csv".into(),
            count: 1,
            what: "fasts reference churches not in the export files".into(),
            outcome: "shown without a church".into(),
            first: None,
        },
    ];
    let insights =
        crate::insights::compute(&data, &january, &report, &SegmentInfo::default(), &warnings);
    assert!(insights.summary_md.contains("jane.doe@mail.example"));
    let done = p.apply(&report, Some(&insights), &warnings);
    let md = &done.insights.as_ref().unwrap().summary_md;
    assert!(!md.contains("jane.doe"), "{md}");
    assert!(
        md.contains(
            "- auth_user.csv: 2 rows with an unreadable date_joined; left out (first at line 7)\n"
        ),
        "{md}"
    );
    assert!(md.contains(
        "- hub_fast.csv: 1 fasts reference churches not in the export files; shown without a church\n"
    ));
    assert_eq!(
        done.warnings[0].first,
        Some((Location::Line(7), String::new()))
    );
    assert_eq!(done.warnings[1], warnings[1]);
    // Only the one line is added; the rest of the brief is as it was.
    let line = format!("{}\n", crate::insights::PSEUDONYMS_LINE);
    assert_eq!(
        md.replace(&line, "").replace(
            "(first at line 7)",
            "(first at line 7: found \"jane.doe@mail.example\")"
        ),
        insights.summary_md
    );
}

#[test]
fn report_html_and_xlsx_say_names_were_replaced_and_show_pseudonyms() {
    let data = sample();
    let p = Pseudonyms::new(&key(), &data).unwrap();
    let january = period("2025-01-01", "2025-01-31", "UTC");
    let report = crate::metrics::compute(&data, &january);
    let insights = crate::insights::compute(&data, &january, &report, &SegmentInfo::default(), &[]);
    let segment = SegmentInfo::default();
    let files = |pseudonyms: Option<&Pseudonyms>, done: &Pseudonymized<'_>| {
        let parts = ReportParts {
            report: &done.report,
            insights: done.insights.as_ref(),
            period: &january,
            segment: &segment,
            warnings: &[],
            pseudonyms,
        };
        // With the people listed (`--html-people`): by default report.html
        // names nobody, pseudonyms or not (SPEC §9).
        let options = OutputOptions {
            html: true,
            html_people: true,
            xlsx: true,
            ..Default::default()
        };
        let files = output::report_files(&parts, options).unwrap();
        let html = String::from_utf8(files[files.len() - 2].bytes.clone()).unwrap();
        let mut xml = String::new();
        let xlsx = &files[files.len() - 1].bytes;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        for i in 0..archive.len() {
            std::io::Read::read_to_string(&mut archive.by_index(i).unwrap(), &mut xml).unwrap();
        }
        (html, xml)
    };
    let plain = Pseudonymized {
        report: report.clone(),
        insights: Some(insights.clone()),
        warnings: Vec::new(),
    };
    let (html, xml) = files(None, &plain);
    assert!(!html.contains(crate::readable::PSEUDONYMS_NOTE));
    assert!(html.contains("Zebulon") && xml.contains("Zebulon"));
    let (html, xml) = files(Some(&p), &p.apply(&report, Some(&insights), &[]));
    for (name, text) in [("report.html", &html), ("report.xlsx", &xml)] {
        assert!(text.contains(crate::readable::PSEUDONYMS_NOTE), "{name}");
        for personal in [
            "Zebulon",
            "=cmd",
            "ana &lt;b&gt;",
            "example.org",
            "Titulus",
            "Descriptio",
        ] {
            assert!(!text.contains(personal), "{personal} in {name}");
        }
        for pseudonym in [P1, P2, P3] {
            assert!(text.contains(pseudonym), "{pseudonym} not in {name}");
        }
    }
}
