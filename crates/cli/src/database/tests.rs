//! The database input's tests that need no server.

use super::pgpass::*;
use super::target::*;
use super::tls::*;
use super::*;

fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn recognises_database_urls_only() {
    assert!(is_database_url("postgres://u@h/db"));
    assert!(is_database_url("PostgreSQL://u@h/db"));
    assert!(!is_database_url("postgres:/x"));
    assert!(!is_database_url("https://h/x.zip"));
    assert!(!is_database_url("pg"));
    assert!(!is_database_url("é"));
}

#[test]
fn reads_a_url_and_keeps_the_password_out_of_the_description() {
    let t = Target::parse(
        "postgres://reporter:p%40ss%3Aw0rd@db.example.org:6543/app?sslmode=require",
        &env_of(&[]),
    )
    .unwrap();
    assert_eq!(t.user, "reporter");
    assert_eq!(t.dbname, "app");
    assert_eq!(t.endpoint, "db.example.org:6543");
    assert_eq!(t.tls, TlsMode::Require);
    assert_eq!(t.password, PasswordSource::Url);
    assert_eq!(t.config.get_password(), Some(&b"p@ss:w0rd"[..]));
    assert!(!t.describe().contains("p@ss"));
    assert_eq!(scrub("x p@ss:w0rd y\nz", t.secret.as_deref()), "x *** y z");
}

#[test]
fn a_short_password_is_scrubbed_only_as_a_whole_token() {
    // "e" replaced everywhere would give "***rror conn***cting", showing
    // the password; as a token it goes only where it stands alone.
    assert_eq!(
        scrub("error connecting as r:e@db (password e)", Some("e")),
        "error connecting as r:***@db (password ***)"
    );
    assert_eq!(scrub("ee e_e xe ex", Some("e")), "ee e_e xe ex");
    assert_eq!(scrub("a:ab@ab", Some("ab")), "a:***@***");
    assert_eq!(scrub("p%40ss p@ss", Some("p%40ss")), "*** ***");
}

#[test]
fn a_socket_folder_in_the_query_is_a_unix_socket() {
    let t = Target::parse(
        "postgresql://reporter@/app?host=%2Ftmp%2Fpg&port=5999&sslmode=disable",
        &env_of(&[]),
    )
    .unwrap();
    assert_eq!(t.endpoint, "/tmp/pg/.s.PGSQL.5999");
    assert_eq!(t.tls, TlsMode::Disable);
}

#[test]
fn fills_what_the_url_leaves_out_from_libpq_variables() {
    let t = Target::parse(
        "postgres://",
        &env_of(&[
            ("PGHOST", "10.0.0.7"),
            ("PGPORT", "5433"),
            ("PGUSER", "cron"),
            ("PGPASSWORD", "from-env"),
            ("PGSSLMODE", "verify-full"),
            ("PGSSLROOTCERT", "/etc/ca.pem"),
        ]),
    )
    .unwrap();
    assert_eq!(t.endpoint, "10.0.0.7:5433");
    assert_eq!(t.user, "cron");
    // libpq's default database is the user's name.
    assert_eq!(t.dbname, "cron");
    assert_eq!(t.password, PasswordSource::Env);
    assert_eq!(t.tls, TlsMode::VerifyFull);
    assert_eq!(t.root_cert.as_deref(), Some("/etc/ca.pem"));
    // The URL's own password wins over PGPASSWORD.
    let t = Target::parse("postgres://u:url-pw@h/d", &env_of(&[("PGPASSWORD", "env")])).unwrap();
    assert_eq!(t.config.get_password(), Some(&b"url-pw"[..]));
}

#[test]
fn refuses_an_unknown_sslmode_and_a_bad_url_without_echoing_the_password() {
    let e = Target::parse("postgres://u@h/d?sslmode=sometimes", &env_of(&[]))
        .err()
        .expect("refused");
    assert!(e.to_string().contains("sslmode=\"sometimes\""), "{e}");
    let e = Target::parse("postgres://u:hunter2@h:notaport/d", &env_of(&[]))
        .err()
        .expect("refused");
    assert!(
        e.to_string().starts_with("cannot read the PostgreSQL URL"),
        "{e}"
    );
    assert!(e.to_string().contains("`port`"), "names the part: {e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[test]
fn pgpass_lines_match_with_wildcards_and_escapes() {
    let text = "# comment\n\
                    other:5432:app:reporter:wrong\n\
                    db.example.org:5432:app:reporter:pa\\:ss\\\\word:x\n\
                    *:*:*:reporter:fallback\n";
    let key = ["db.example.org", "5432", "app", "reporter"];
    assert_eq!(
        pgpass_lookup(text, &key, false).as_deref(),
        Some("pa:ss\\word:x")
    );
    let key = ["elsewhere", "5432", "app", "reporter"];
    assert_eq!(
        pgpass_lookup(text, &key, false).as_deref(),
        Some("fallback")
    );
    let key = ["elsewhere", "5432", "app", "nobody"];
    assert_eq!(pgpass_lookup(text, &key, false), None);
    // A socket connection matches `localhost` lines.
    let text = "localhost:5999:app:reporter:local\n";
    let key = ["/tmp/pg", "5999", "app", "reporter"];
    assert_eq!(pgpass_lookup(text, &key, true).as_deref(), Some("local"));
    assert_eq!(pgpass_lookup(text, &key, false), None);
}

#[test]
fn copy_reads_needed_and_present_optional_columns_schema_qualified() {
    let cols = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let present = cols(&[
        "id",
        "password",
        "username",
        "email",
        "date_joined",
        "is_staff",
    ]);
    assert_eq!(
            copy_statement("public", Table::Users, &present).unwrap(),
            "COPY (SELECT \"id\", \"username\", \"email\", \"date_joined\", \"is_staff\" FROM \"public\".\"auth_user\") TO STDOUT (FORMAT csv, HEADER)"
        );
    assert_eq!(
            copy_statement("my\"app", Table::Fasts, &cols(&["id", "name", "church_id"])).unwrap(),
            "COPY (SELECT \"id\", \"name\", \"church_id\" FROM \"my\"\"app\".\"hub_fast\") TO STDOUT (FORMAT csv, HEADER)"
        );
    assert_eq!(
        copy_statement("public", Table::Users, &cols(&["id", "username"])),
        Err("email")
    );
}
