//! The loader's tests over whole bundles.

use super::bundle::*;
use super::catalogue::*;
use super::error::*;
use super::kind::*;
use super::limits::*;
use super::loader::*;
use super::location::*;
use super::warning::*;
use crate::model::Dataset;

#[test]
fn reports_name_the_file_without_its_folder() {
    let w = Warning {
        file: "/home/ana/exports/demo/hub_fast.csv".into(),
        count: 2,
        what: "fasts reference churches not in the export files".into(),
        outcome: "shown without a church".into(),
        first: Some((Location::Line(3), String::new())),
    };
    assert_eq!(
            w.report_text(),
            "hub_fast.csv: 2 fasts reference churches not in the export files; shown without a church (first at line 3)"
        );
    let zipped = Warning {
        file: "exports.zip/export\\events_event.csv".into(),
        ..w.clone()
    };
    assert!(zipped.report_text().starts_with("events_event.csv: 2 "));
    assert!(w
        .to_string()
        .starts_with("/home/ana/exports/demo/hub_fast.csv: 2 "));
}

#[test]
fn inputs_are_classified_by_name_then_by_content() {
    let zip = b"PK\x03\x04rest";
    assert_eq!(
        classify("a/events_event.csv", Some(zip)),
        FileKind::Csv(Table::Events)
    );
    assert_eq!(classify("dump.JSON", None), FileKind::Dump);
    assert_eq!(classify("exports.zip", None), FileKind::Zip);
    // A zip under any name, a dump only under a name without extension.
    assert_eq!(classify("archive (1)", Some(zip)), FileKind::Zip);
    assert_eq!(classify("notes.txt", Some(zip)), FileKind::Zip);
    assert_eq!(
        classify("latest", Some(b"\xEF\xBB\xBF\n  [{")),
        FileKind::Dump
    );
    assert_eq!(classify("notes.txt", Some(b"[1]")), FileKind::Unknown);
    assert_eq!(classify("README", Some(b"read me")), FileKind::Unknown);
    assert_eq!(classify("README", None), FileKind::Unknown);
    assert!(needs_sniffing("README") && !needs_sniffing("hub_fast.csv"));
}

/// Hands out one byte per read, as a database's COPY stream hands out
/// one row per message, with an interruption thrown in.
struct Trickle<'a>(&'a [u8], bool);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.1 = !self.1;
        if self.1 {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let Some((first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        buf[0] = *first;
        self.0 = rest;
        Ok(1)
    }
}

#[test]
fn the_read_driver_gathers_small_reads_and_reports_chunks() {
    let text = b"id,name\n1,St. Mary\n2,St. John\n";
    let mut bundle = Bundle::new(Limits::default());
    let mut file = bundle.open("hub_church.csv").unwrap();
    let mut chunks = Vec::new();
    file.read_from(Trickle(text, false), |l, n| chunks.push((n, l.rows_read())))
        .unwrap();
    // Gathered into one push, not one per byte.
    assert_eq!(chunks, [(text.len() as u64, 2)]);
    bundle.close(file).unwrap();

    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    let mut file = bundle.open("hub_fast.csv").unwrap();
    let err = file.read_from(Broken, |_, _| {}).unwrap_err();
    assert!(matches!(err, ReadError::Io(e) if e.to_string() == "disk gone"));
}

#[test]
fn recognises_files_by_name() {
    assert_eq!(file_kind("auth_user.csv"), FileKind::Csv(Table::Users));
    assert_eq!(
        file_kind("exports/2025/EVENTS_EVENT.CSV"),
        FileKind::Csv(Table::Events)
    );
    assert_eq!(file_kind("C:\\dumps\\db.json"), FileKind::Dump);
    assert_eq!(file_kind("bundle.zip"), FileKind::Zip);
    assert_eq!(file_kind("notes.txt"), FileKind::Unknown);
    assert_eq!(file_kind("other_table.csv"), FileKind::Unknown);
    assert_eq!(file_kind("hub_day.csv"), FileKind::Csv(Table::Days));
    // The optional table is recognised but is not one of the nine.
    assert!(!Table::ALL.contains(&Table::Days));
    assert!(Table::Days.is_optional() && !Table::Users.is_optional());
    assert_eq!(Table::recognised().count(), 10);
}

/// The fasts of the calendar tests: 41 and 42.
const DAY_FASTS: &str = "id,name,church_id,year\n41,Nativity,1,2025\n42,Nineveh,1,\n";

#[test]
fn fast_days_from_csv_sum_up_per_fast_ignoring_church_days() {
    let mut bundle = Bundle::new(Limits::default());
    bundle
        .add_bytes("hub_fast.csv", DAY_FASTS.as_bytes())
        .unwrap();
    bundle
            .add_bytes(
                "hub_day.csv",
                b"id,date,church_id,fast_id\n1,2025-01-14,,41\n2,2025-01-13,,41\n3,2025-01-14,,41\n4,2025-01-20,1,\n5,2025-02-10,,42\n6,2025-03-01,,99\n",
            )
            .unwrap();
    let loaded = bundle.finish().unwrap();
    let fasts = &loaded.dataset.fasts;
    let d = fasts[0].days.unwrap();
    assert_eq!(
        (d.first.to_string(), d.last.to_string(), d.count),
        ("2025-01-13".into(), "2025-01-14".into(), 2)
    );
    assert_eq!(fasts[1].days.unwrap().count, 1);
    // 42 has no year: its first day's.
    assert_eq!(
        (fasts[0].edition_year(), fasts[1].edition_year()),
        (Some(2025), Some(2025))
    );
    assert_eq!(loaded.counts.0.last(), Some(&(Table::Days, 5)));
    let w: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w.last().unwrap(),
        "hub_day.csv: 1 days reference fasts not in the export files; left out"
    );
}

#[test]
fn a_bundle_without_days_counts_nine_tables_and_a_bad_date_is_malformed() {
    let mut bundle = Bundle::new(Limits::default());
    bundle
        .add_bytes("hub_fast.csv", DAY_FASTS.as_bytes())
        .unwrap();
    let loaded = bundle.finish().unwrap();
    assert_eq!(loaded.counts.0.len(), 9);
    assert!(loaded.dataset.fasts.iter().all(|f| f.days.is_none()));

    let mut bundle = Bundle::new(Limits::default());
    bundle
        .add_bytes("hub_day.csv", b"id,date,fast_id\n1,13/01/2025,41\n")
        .unwrap();
    let err = bundle.finish().unwrap_err();
    assert_eq!(err.location, Some(Location::Line(2)));
    assert!(
        err.to_string()
            .contains("column `date`: found \"13/01/2025\", expected a date YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn repeated_data_texts_are_parsed_once_into_one_detail() {
    let mut bundle = Bundle::new(Limits::default());
    bundle
        .add_bytes("events_eventtype.csv", b"id,code\n1,app_open\n")
        .unwrap();
    let mut events =
        String::from("id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n");
    for (i, data) in [
        r#"{"platform": "ios"}"#,
        r#"{"platform": "web"}"#,
        r#"{"platform": "ios"}"#,
        "{}",
    ]
    .iter()
    .enumerate()
    {
        events += &format!(
            "{},1,,,,\"{}\",2025-01-01 00:00:00+00\n",
            i + 1,
            data.replace('"', "\"\"")
        );
    }
    bundle
        .add_bytes("events_event.csv", events.as_bytes())
        .unwrap();
    let data = bundle.finish().unwrap().dataset;
    let d = &data.events.detail;
    assert_eq!((d[0] == d[2], d[0] != d[1], d[3]), (true, true, 0));
    let platform = |i: usize| data.event_details[d[i] as usize].platform.as_deref();
    assert_eq!(
        (platform(0), platform(1), platform(2)),
        (Some("ios"), Some("web"), Some("ios"))
    );
}

#[test]
fn fast_days_from_a_dump() {
    let dump = br#"[
            {"model": "hub.fast", "pk": 41, "fields": {"name": "Nativity", "church": 1, "year": 2025}},
            {"model": "hub.day", "pk": 1, "fields": {"date": "2025-01-13", "fast": 41, "church": null}},
            {"model": "hub.day", "pk": 2, "fields": {"date": "2025-01-15", "fast": 41}},
            {"model": "hub.day", "pk": 3, "fields": {"date": "2025-01-14", "fast": null, "church": 1}}
        ]"#;
    let mut bundle = Bundle::new(Limits::default());
    bundle.add_bytes("dump.json", dump).unwrap();
    let loaded = bundle.finish().unwrap();
    let d = loaded.dataset.fasts[0].days.unwrap();
    assert_eq!(
        (d.first.to_string(), d.last.to_string(), d.count),
        ("2025-01-13".into(), "2025-01-15".into(), 2)
    );

    let bad = br#"[{"model": "hub.day", "pk": 1, "fields": {"date": "soon", "fast": 41}}]"#;
    let mut bundle = Bundle::new(Limits::default());
    bundle.add_bytes("dump.json", bad).unwrap();
    let err = bundle.finish().unwrap_err();
    assert_eq!(err.location, Some(Location::Object(0)));
    assert!(err.to_string().contains("`date`"), "{err}");
}

#[test]
fn warnings_merge_by_kind() {
    let mut w = Warnings::default();
    w.add(
        "a.csv",
        "rows x",
        "left out",
        Some((Location::Line(3), "v".into())),
    );
    w.add(
        "a.csv",
        "rows x",
        "left out",
        Some((Location::Line(9), "w".into())),
    );
    w.add("b.csv", "rows x", "left out", None);
    assert_eq!(w.list().len(), 2);
    assert_eq!(w.list()[0].count, 2);
    assert_eq!(
        w.list()[0].to_string(),
        "a.csv: 2 rows x; left out (first at line 3: v)"
    );
}

/// Every table file of the bundle with its header and no rows, but
/// `only`: then just those.
fn headers_only(b: &mut Bundle, only: &[Table]) {
    for t in Table::ALL.into_iter().filter(|t| only.contains(t)) {
        let header = needed_columns(t).join(",") + "\n";
        b.add_bytes(t.file_name(), header.as_bytes()).unwrap();
    }
}

#[test]
fn unknown_files_are_skipped_with_a_notice() {
    let mut b = Bundle::new(Limits::default());
    assert!(b.open("readme.txt").is_none());
    b.add_bytes("photo.png", b"\x89PNG").unwrap();
    headers_only(&mut b, &Table::ALL);
    let loaded = b.finish().unwrap();
    assert_eq!(loaded.warnings.len(), 2);
    assert!(loaded.warnings[0]
        .to_string()
        .starts_with("readme.txt: 1 file"));
    assert!(loaded.missing_tables().is_empty());
}

#[test]
fn an_input_without_any_table_is_an_error_naming_what_was_given() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes("photo.png", b"\x89PNG\r\n").unwrap();
    let err = b.finish().unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::NoTables);
    assert_eq!(err.file, "photo.png");
    assert!(
            err.to_string().starts_with(
                "no export tables found in photo.png: expected files such as auth_user.csv or a dumpdata .json (the tables auth_user.csv, hub_church.csv,"
            ),
            "{err}"
        );
    // An unrelated CSV and a note.
    let mut b = Bundle::new(Limits::default());
    b.add_bytes("people.csv", b"name,age\nA,3\n").unwrap();
    b.skip("notes.txt");
    let err = b.finish().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no export tables found in people.csv, notes.txt: "),
        "{err}"
    );
    // An empty zip, and a dump of other models.
    let mut b = Bundle::new(Limits::default());
    b.add_zip("empty.zip", &crate::export::zip(&[])).unwrap();
    let err = b.finish().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no export tables found in empty.zip: "),
        "{err}"
    );
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
        "other.json",
        br#"[{"model": "blog.post", "pk": 1, "fields": {}}]"#,
    )
    .unwrap();
    let err = b.finish().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no export tables found in other.json: "),
        "{err}"
    );
    // Nothing at all.
    let err = Bundle::new(Limits::default()).finish().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no export tables found in the input: "),
        "{err}"
    );
    // One table with a header alone is a bundle (of no rows).
    let mut b = Bundle::new(Limits::default());
    headers_only(&mut b, &[Table::Churches]);
    assert!(b.finish().is_ok());
}

#[test]
fn missing_tables_are_known_and_warned_about_first() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
        "auth_user.csv",
        b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\n",
    )
    .unwrap();
    b.add_bytes("hub_fast.csv", b"id,name,church_id,year\n1,Lent,,2024\n")
        .unwrap();
    let loaded = b.finish().unwrap();
    use Table::*;
    let missing = [
        Churches,
        Profiles,
        Memberships,
        EventTypes,
        Events,
        Feed,
        ContentTypes,
    ];
    assert_eq!(loaded.missing_tables(), missing);
    let text: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(text.len(), 7, "{text:#?}");
    assert_eq!(
            text[4],
            "events_event.csv: not in the export files; fasts, user_fast_participation, other_metrics, activity_heatmap, fast_retention, period_comparison, daily_activity, app_usage, fast_calendar, fast_daily and fast_editions are made without it"
        );
    assert!(text[0].starts_with("hub_church.csv: not in the export files"));
    let m = loaded.missing_tables();
    assert_eq!(
        needs(m, "events").as_deref(),
        Some("needs events_eventtype.csv and events_event.csv")
    );
    assert_eq!(
        needs(m, "active_users").as_deref(),
        Some("needs events_useractivityfeed.csv")
    );
    assert_eq!(needs(m, "new_users"), None);
    assert_eq!(needs(m, "new_users_per_day"), None);
    assert_eq!(made_without(m, "new_users_over_time"), None);
    assert_eq!(
        made_without(m, "user_activity_timeline").as_deref(),
        Some("made without events_useractivityfeed.csv and django_content_type.csv")
    );
    assert_eq!(
        needs(m, "top_fasts_by_joins").as_deref(),
        Some("needs events_eventtype.csv, events_event.csv and django_content_type.csv")
    );
    // Every name a table feeds is a data set or insight of the report.
    let names: Vec<&str> = crate::export::DATA_SETS
        .iter()
        .chain(crate::export::INSIGHT_DATA_SETS.iter())
        .copied()
        .collect();
    for t in Table::ALL {
        for f in t.feeds() {
            assert!(names.contains(f), "{t:?} feeds {f}");
        }
    }
}

#[test]
fn a_dump_with_profiles_holds_the_memberships() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
            "dump.json",
            br#"[{"model": "auth.user", "pk": 1, "fields": {"username": "a", "email": "", "date_joined": "2024-01-01T00:00:00Z"}},
                 {"model": "hub.profile", "pk": 9, "fields": {"user": 1, "fasts": []}}]"#,
        )
        .unwrap();
    let loaded = b.finish().unwrap();
    use Table::*;
    assert_eq!(
        loaded.missing_tables(),
        [Churches, Fasts, EventTypes, Events, Feed, ContentTypes]
    );
}

#[test]
fn a_file_cut_off_in_a_row_is_named_incomplete() {
    let events = |tail: &[u8]| {
        let mut text = b"id,event_type_id,user_id,content_type_id,object_id,data,timestamp\n1,1,,,,{},2024-01-01 00:00:00+00\n2,1,,,,{},2024-01-01 00:00:00+00\n".to_vec();
        text.extend_from_slice(tail);
        text
    };
    let load = |tail: &[u8], skip: bool| {
        let mut b = Bundle::new(Limits::default()).skip_bad_rows(skip);
        b.add_bytes("events_eventtype.csv", b"id,code\n1,x\n")
            .unwrap();
        b.add_bytes("events_event.csv", &events(tail)).unwrap();
        b.finish()
    };
    // Cut in an unquoted field, in a quoted one, in a timestamp.
    for tail in [&b"3,1,,"[..], b"3,1,,,,\"{\"\"scr", b"3,1,,,,{},2024-01-0"] {
        let err = load(tail, false).unwrap_err();
        assert_eq!(
                err.to_string(),
                "events_event.csv ends in the middle of line 4: the file is incomplete, export it again; or go on without the row cut off",
                "{}",
                String::from_utf8_lossy(tail)
            );
        assert!(matches!(&err.kind, LoadErrorKind::MalformedRows(m) if m.cut_off && m.total == 1));
        let loaded = load(tail, true).unwrap();
        assert_eq!(loaded.dataset.events.len(), 2);
        assert_eq!(
                loaded.incomplete_files(),
                ["events_event.csv ends in the middle of line 4: the file is incomplete, and this report lacks the rest of it"]
            );
        assert!(
                loaded.warnings.iter().any(|w| w.to_string().starts_with(
                    "events_event.csv: 1 row where the file ends is cut off (the file is incomplete: it ends in the middle of line 4; export it again); left out"
                )),
                "{:?}",
                loaded.warnings
            );
    }
    // A last row without a line end that reads well is a row.
    let loaded = load(b"3,1,,,,{},2024-01-02 00:00:00+00", false).unwrap();
    assert_eq!(loaded.dataset.events.len(), 3);
    assert!(loaded.incomplete_files().is_empty());
    // A bad row in the middle stays a bad row.
    let err = load(b"x,1,,,,{},2024-01-02 00:00:00+00\n", false).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("events_event.csv, line 4, column `id`: found \"x\""),
        "{err}"
    );
}

#[test]
fn a_cut_off_file_comes_first_among_bad_rows() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
        "auth_user.csv",
        b"id,username,email,date_joined\nbo,b,b@x,2024-01-01 00:00:00+00\n",
    )
    .unwrap();
    let mut text = b"id,name\n".to_vec();
    for i in 1..=7093 {
        text.extend_from_slice(format!("{i},c\n").as_bytes());
    }
    text.extend_from_slice(b"7094,\"St. M");
    b.add_bytes("hub_church.csv", &text).unwrap();
    let err = b.finish().unwrap_err();
    assert_eq!(
            err.to_string(),
            "hub_church.csv ends in the middle of line 7,095: the file is incomplete, export it again; 1 other row of the export files cannot be read either; or go on without these 2 rows"
        );
}

#[test]
fn a_dump_cut_off_is_named_incomplete() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
            "dump.json",
            br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}}, {"model": "hub.church", "pk": 2, "fie"#,
        )
        .unwrap();
    let err = b.finish().unwrap_err();
    assert_eq!(
            err.to_string(),
            "dump.json ends in the middle of its array, inside object 1: the file is incomplete, export it again; or go on without the object cut off"
        );
    let mut b = Bundle::new(Limits::default());
    let err = b
        .add_bytes(
            "dump.json",
            br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}},"#,
        )
        .and_then(|()| b.finish().map(|_| ()))
        .unwrap_err();
    assert!(err.to_string().contains("the file ends in the middle of its array, between two objects: the file is incomplete, export it again"), "{err}");
}

#[test]
fn numbers_are_grouped_by_thousands() {
    assert_eq!(grouped(7), "7");
    assert_eq!(grouped(7093), "7,093");
    assert_eq!(grouped(123456), "123,456");
    assert_eq!(grouped(1234567), "1,234,567");
}

/// Two files with malformed rows: three bad `id`s and a cut-off row in
/// the users, one dump object without `fields`; and a fast whose
/// church is missing (a dangling reference, not malformed).
fn bundle_with_bad_rows(skip: bool) -> Result<Loaded, LoadError> {
    let mut b = Bundle::new(Limits::default()).skip_bad_rows(skip);
    b.add_bytes(
            "auth_user.csv",
            b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\nbo,b,b@x,2024-01-01 00:00:00+00\n3,c,c@x,2024-01-01 00:00:00+00\n1.5,d,d@x,2024-01-01 00:00:00+00\n-,e,e@x,2024-01-01 00:00:00+00\n6,f\n",
        )?;
    b.add_bytes(
        "dump.json",
        br#"[{"model": "hub.fast", "pk": 1, "fields": {"name": "Lent", "church": 99}},
                {"model": "hub.church", "pk": 2}]"#,
    )?;
    b.finish()
}

#[test]
fn malformed_rows_are_an_error_counted_across_the_bundle() {
    let err = bundle_with_bad_rows(false).unwrap_err();
    assert_eq!(err.file, "auth_user.csv");
    assert_eq!(err.location, Some(Location::Line(3)));
    let LoadErrorKind::MalformedRows(m) = &err.kind else {
        panic!("not MalformedRows: {err:?}");
    };
    assert_eq!(m.column.as_deref(), Some("id"));
    assert_eq!(m.found, "\"bo\"");
    assert_eq!(m.expected, "a whole number");
    // Lines 5 and 6 have the same problem; line 7 and the dump object
    // have others.
    assert_eq!((m.more, m.total), (2, 5));
    let kinds: Vec<String> = m.kinds.iter().map(|w| w.to_string()).collect();
    assert_eq!(
            kinds,
            [
                "auth_user.csv: 3 rows have an unreadable `id`; left out (first at line 3: found \"bo\", expected a whole number)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 7: found the end of the row after 2 fields, expected at least 4 fields)",
                "dump.json: 1 hub.church objects have no `fields`; left out (first at object 1: found nothing, expected an object of the model's fields)",
            ]
        );
    assert_eq!(
            err.to_string(),
            "auth_user.csv, line 3, column `id`: found \"bo\", expected a whole number; 2 more rows of this file have the same problem, and 2 other rows of the export files cannot be read either; correct the export, or go on without these 5 rows"
        );
}

#[test]
fn one_malformed_object_names_its_field_and_index() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes(
            "dump.json",
            br#"[{"model": "hub.church", "pk": 1, "fields": {"name": "a"}}, {"model": "hub.church", "pk": 2, "fields": {"name": 5}}]"#,
        )
        .unwrap();
    let err = b.finish().unwrap_err();
    assert_eq!(
            err.to_string(),
            "dump.json, object 1, field `name`: found integer `5`, expected text; no other object of this file has this problem; correct the export, or go on without this object"
        );
}

#[test]
fn skipping_bad_rows_warns_per_kind_and_counts_what_was_left_out() {
    let loaded = bundle_with_bad_rows(true).unwrap();
    assert_eq!(loaded.rows_left_out(), 5);
    assert_eq!(loaded.dataset.users.len(), 2);
    // The six tables the bundle lacks come first (see below).
    assert_eq!(loaded.missing_tables().len(), 6);
    let text: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|w| w.count > 0)
        .map(|w| w.to_string())
        .collect();
    assert_eq!(
            text,
            [
                "auth_user.csv: 3 rows have an unreadable `id`; left out (first at line 3: found \"bo\", expected a whole number)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 7: found the end of the row after 2 fields, expected at least 4 fields)",
                "dump.json: 1 hub.church objects have no `fields`; left out (first at object 1: found nothing, expected an object of the model's fields)",
                // A dangling reference: a warning either way.
                "dump.json: 1 fasts reference churches not in the export files; shown without a church",
            ]
        );
}

#[test]
fn dangling_references_stay_warnings_without_skipping() {
    let mut b = Bundle::new(Limits::default());
    b.add_bytes("hub_fast.csv", b"id,name,church_id,year\n1,Lent,99,2024\n")
        .unwrap();
    let loaded = b.finish().unwrap();
    assert_eq!(loaded.rows_left_out(), 0);
    assert_eq!(
        loaded.warnings[loaded.missing_tables().len()].to_string(),
        "hub_fast.csv: 1 fasts reference churches not in the export files; shown without a church"
    );
}

#[test]
fn limit_errors_are_typed_without_front_end_options() {
    let small = Limits {
        max_field_bytes: 64,
        max_json_depth: 4,
        max_unzipped_bytes: 10,
    };
    let dump = |text: &[u8]| {
        let mut b = Bundle::new(small);
        b.add_bytes("dump.json", text).unwrap_err()
    };
    let long = format!(
        r#"[{{"model": "hub.church", "pk": 1, "fields": {{"name": "{}"}}}}]"#,
        "x".repeat(100)
    );
    let err = dump(long.as_bytes());
    assert_eq!(err.kind, LoadErrorKind::FieldTooLong { limit: 64 });
    let err = dump(br#"[{"a": [[[[[1]]]]]}]"#);
    assert_eq!(err.kind, LoadErrorKind::TooDeep { limit: 4 });
    let zip = crate::export::zip(&[crate::export::OutputFile {
        name: "hub_church.csv".into(),
        bytes: b"id,name\n1,St. Mary\n".to_vec(),
    }]);
    let mut b = Bundle::new(small);
    let err = b.add_zip("bundle.zip", &zip).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::UnzippedTooLarge { limit: 10 });
    let mut b = Bundle::new(small);
    let err = b
        .add_bytes("hub_church.csv", &b",".repeat(1 << 17))
        .unwrap_err();
    assert_eq!(
        err.kind,
        LoadErrorKind::RowTooLong {
            limit: crate::csv_split::record_limit(64)
        }
    );
    for e in [dump(long.as_bytes()), err] {
        assert!(!e.to_string().contains("--"), "{e}");
    }
}

#[test]
fn segment_columns_of_every_file_are_remembered() {
    let mut b = Bundle::new(Limits::default());
    // A users file without rows and without is_staff, then a dump whose
    // users have both flags: the first file still lacks the column.
    b.add_bytes(
        "auth_user.csv",
        b"id,username,email,date_joined,is_superuser\n",
    )
    .unwrap();
    b.add_bytes(
            "dump.json",
            br#"[{"model": "auth.user", "pk": 5, "fields": {"username": "e", "date_joined": "2024-01-01T00:00:00Z", "is_staff": true, "is_superuser": false}},
                 {"model": "hub.church", "pk": 3, "fields": {"name": "C"}},
                 {"model": "hub.profile", "pk": 9, "fields": {"user": ["e"], "church": 3, "fasts": []}},
                 {"model": "hub.profile", "pk": 10, "fields": {"user": 77, "church": 3, "fasts": []}}]"#,
        )
        .unwrap();
    let d = b.finish().unwrap().dataset;
    assert_eq!(
        d.optional_columns.staff_missing,
        [("auth_user.csv".to_string(), "is_staff")]
    );
    assert!(d.optional_columns.church_missing.is_empty());
    assert!(d.users[0].staff);
    // Profile 10's user is not in the export files: no church for anyone.
    assert_eq!(d.profile_churches, [(0, 3)]);
    assert_eq!(d.church(3).map(|c| &*c.name), Some("C"));
}

#[test]
fn a_known_size_reserves_once_and_loads_the_same_rows() {
    let tables = crate::demo::csv_tables(&crate::demo::DemoConfig::new(1000));
    // `size` scales each file's true size: 0 = not told, 0.5 = told too
    // little, 1 = told right.
    let load = |size: f64, chunk: usize| {
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in &tables {
            let mut f = b.open(name).unwrap();
            if size > 0.0 {
                f.expect_bytes((bytes.len() as f64 * size) as u64);
            }
            for c in bytes.chunks(chunk) {
                f.push(c).unwrap();
            }
            b.close(f).unwrap();
        }
        b.finish().unwrap()
    };
    let plain = load(0.0, 1 << 20);
    // Enough rows that the estimate is made from the first chunks.
    assert!(plain.dataset.events.len() > 15_000);
    assert!(plain.dataset.feed.len() > 10_000);
    // Everything but the interner's hash map, whose order is random.
    let show = |d: &Dataset| {
        let strings: Vec<&str> = (0..d.strings.len() as u32)
            .map(|i| d.strings.get(i))
            .collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {strings:?}",
            d.users, d.fasts, d.memberships, d.event_codes, d.events, d.event_details, d.feed
        )
    };
    let want = show(&plain.dataset);
    for size in [1.0, 0.5] {
        let sized = load(size, 64 << 10);
        assert!(
            show(&sized.dataset) == want,
            "told {size}× the size: other rows"
        );
        // Room reserved beyond the rows was given back.
        let events = &sized.dataset.events;
        assert_eq!(events.timestamp.capacity(), events.len());
        assert_eq!(events.detail.capacity(), events.len());
    }
}
