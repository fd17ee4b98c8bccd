//! The CSV tables' tests.

use super::*;

/// Parses `text`; malformed rows come back as the warnings a bundle
/// that skips them gives.
fn parse(table: Table, text: &[u8]) -> Result<(RawTables, Warnings), LoadError> {
    let mut p = CsvTableParser::new(table.file_name(), table, Limits::default());
    for chunk in text.chunks(5) {
        p.push(chunk)?;
    }
    let (raw, mut warnings, bad_rows) = p.finish()?;
    warnings.extend(bad_rows.warnings());
    Ok((raw, warnings))
}

#[test]
fn reads_columns_by_name_in_any_order_with_bom_and_crlf() {
    let (raw, w) = parse(
        Table::Fasts,
        b"\xEF\xBB\xBFextra,church_id,name,id\r\nx,,\"Lent, great\",7\r\n,3,Advent,8\r\n",
    )
    .unwrap();
    assert!(w.list().is_empty());
    assert_eq!(raw.fasts.len(), 2);
    assert_eq!(raw.fasts[0].id, 7);
    assert_eq!(&*raw.fasts[0].name, "Lent, great");
    assert_eq!(raw.fasts[0].church_id, None);
    assert_eq!(raw.fasts[0].year, None); // no year column at all
    assert_eq!(raw.fasts[1].church_id, Some(3));
}

#[test]
fn missing_column_names_file_line_and_expectation() {
    let err = parse(Table::Churches, b"id,title\n1,x\n").unwrap_err();
    assert_eq!(err.file, "hub_church.csv");
    assert_eq!(err.location, Some(Location::Line(1)));
    assert!(err.message.contains("missing column `name`"), "{err}");
    assert!(err.message.contains("found columns [id, title]"), "{err}");
}

#[test]
fn semicolon_files_get_a_hint() {
    let err = parse(Table::Churches, b"id;name\n1;x\n").unwrap_err();
    assert!(err.message.contains("`;`"), "{err}");
}

#[test]
fn bad_rows_are_counted_and_left_out() {
    let (raw, w) = parse(
            Table::Users,
            b"id,username,email,date_joined\n1,a,a@x,2024-01-01 00:00:00+00\nx,b,b@x,2024-01-01 00:00:00+00\n3,c,c@x,01/02/2024\n4,d\n,e,e@x,2024-01-01 00:00:00+00\n6,f,f@x,\n7,g,g@x,2024-01-01 00:00:00+00\n8,\"cut\n",
        )
        .unwrap();
    assert_eq!(
        raw.users.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![1, 7]
    );
    let text: Vec<String> = w.list().iter().map(|w| w.to_string()).collect();
    assert_eq!(
            text,
            [
                "auth_user.csv: 1 rows have an unreadable `id`; left out (first at line 3: found \"x\", expected a whole number)",
                "auth_user.csv: 1 rows have an unreadable `date_joined`; left out (first at line 4: found \"01/02/2024\", expected `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` or RFC 3339 like `2024-01-15T14:23:45Z`)",
                "auth_user.csv: 1 rows have fewer fields than the header; left out (first at line 5: found the end of the row after 2 fields, expected at least 4 fields)",
                "auth_user.csv: 1 rows have an empty `id`; left out (first at line 6: found an empty field, expected a whole number)",
                "auth_user.csv: 1 rows have an empty `date_joined`; left out (first at line 7: found an empty field, expected a timestamp)",
                "auth_user.csv: 1 row where the file ends is cut off (the file is incomplete: it ends in the middle of line 9; export it again); left out (first at line 9: found the end of the file inside a quoted field, expected a closing `\"`)",
            ]
        );
}

#[test]
fn a_quoted_header_that_never_ends_is_an_error() {
    let err = parse(Table::Churches, b"id,\"name\n1,x\n").unwrap_err();
    assert_eq!(err.location, Some(Location::Line(1)));
    assert!(err.message.contains("never ends"), "{err}");
}

#[test]
fn limit_errors_are_typed_and_name_no_front_end_option() {
    let mut p = CsvTableParser::new(
        "hub_church.csv",
        Table::Churches,
        Limits {
            max_field_bytes: 4,
            ..Limits::default()
        },
    );
    let err = p.push(b"id,name\n1,abcde\n").unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::FieldTooLong { limit: 4 });
    assert_eq!(err.location, Some(Location::Line(2)));
    assert!(!err.message.contains("--"), "{err}");
}

#[test]
fn latin1_is_an_error_with_the_line() {
    let err = parse(Table::Churches, b"id,name\n1,ok\n2,Jos\xe9\n").unwrap_err();
    assert_eq!(err.location, Some(Location::Line(3)));
    assert!(err.message.contains("UTF-8"));
}

#[test]
fn empty_file_is_an_error() {
    let err = parse(Table::Churches, b"").unwrap_err();
    assert!(err.message.contains("empty"), "{err}");
}

#[test]
fn staff_flags_and_profile_churches_when_present() {
    let (raw, w) = parse(
        Table::Users,
        b"id,is_superuser,username,email,is_staff,date_joined\n\
              1,f,a,a@x,t,2024-01-01 00:00:00+00\n\
              2,TRUE,b,b@x,f,2024-01-01 00:00:00+00\n\
              3,1,c,c@x,,2024-01-01 00:00:00+00\n\
              4,false,d,d@x,0,2024-01-01 00:00:00+00\n\
              5,,e,e@x,yes,2024-01-01 00:00:00+00\n",
    )
    .unwrap();
    assert!(w.list().is_empty());
    let staff: Vec<bool> = raw.users.iter().map(|u| u.staff).collect();
    assert_eq!(staff, [true, true, true, false, false]);
    assert!(raw.optional_columns.staff_missing.is_empty());

    let (raw, w) = parse(
        Table::Profiles,
        b"id,user_id,church_id\n501,1,3\n502,2,\n503,3,x\n",
    )
    .unwrap();
    assert!(w.list().is_empty());
    assert_eq!(raw.profiles.len(), 3, "an odd church_id costs no profile");
    assert_eq!(raw.profile_churches, [(501, 3)]);
    assert!(raw.optional_columns.church_missing.is_empty());
}

#[test]
fn absent_segment_columns_are_noted_not_needed() {
    // A row short of the trailing is_staff is not short: the column is
    // only read when there.
    let (raw, w) = parse(
        Table::Users,
        b"id,username,email,date_joined,is_staff\n1,a,a@x,2024-01-01 00:00:00+00\n",
    )
    .unwrap();
    assert!(w.list().is_empty());
    assert_eq!(raw.users.len(), 1);
    assert!(!raw.users[0].staff);
    assert_eq!(
        raw.optional_columns.staff_missing,
        [("auth_user.csv".to_string(), "is_superuser")]
    );
    let (raw, _) = parse(Table::Profiles, b"id,user_id\n1,2\n").unwrap();
    assert_eq!(raw.optional_columns.church_missing, ["hub_profile.csv"]);
}

#[test]
fn integers() {
    assert_eq!(parse_i64(b"0"), Some(0));
    assert_eq!(parse_i64(b"-42"), Some(-42));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_i64(b"9223372036854775808"), None);
    assert_eq!(parse_i64(b"1.5"), None);
    assert_eq!(parse_i64(b""), None);
    assert_eq!(parse_i64(b"-"), None);
}
