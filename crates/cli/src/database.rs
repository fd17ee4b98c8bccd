//! Reads the nine tables of SPEC §2a straight from PostgreSQL (SPEC §2e).
//!
//! Each table is read with `COPY (SELECT <columns> FROM <schema>.<table>)
//! TO STDOUT (FORMAT csv, HEADER)` and streamed, chunk by chunk, into the
//! engine's CSV loader as if it were the `<table>.csv` file of a `\copy`
//! export, so the report is the one the same data gives as files. All
//! tables are read in one `REPEATABLE READ, READ ONLY` transaction (one
//! consistent snapshot) whose settings are forced first, so that neither
//! the server's nor the role's `TimeZone`, `DateStyle`, `IntervalStyle`,
//! `extra_float_digits` or `search_path` can change the text read.
//!
//! The connection is a `postgres://` or `postgresql://` URL read as libpq
//! reads it: user, password, host, port and database, `?host=/socket/dir`
//! for a unix socket, `sslmode` and `sslrootcert`. What the URL leaves out
//! comes from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`,
//! `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`) and the
//! password file (`PGPASSFILE`, else `~/.pgpass`). The password never
//! appears in a message: messages are built from the host, port, database
//! and user only, and scrubbed of the password besides.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use engagement_engine::load::{Bundle, FileLoader, ReadError, Table};
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::inputs::{InputError, Progress};

/// The schema read when none is given: Django's tables live there unless
/// the project says otherwise.
pub const DEFAULT_SCHEMA: &str = "public";

/// How long connecting may take when the URL sets no `connect_timeout`: a
/// scheduled job should fail on an unreachable server, not hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Forced for the transaction, whatever the server, database or role set:
/// the timestamp text (`2024-01-15 14:23:45.123456+00`) depends on the
/// first three, and an unqualified name or operator on `search_path` (every
/// table below is schema-qualified; `pg_catalog` alone leaves nothing for a
/// user schema to shadow).
const SESSION_SETTINGS: &str = "\
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, MDY';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
SET LOCAL search_path = pg_catalog, pg_temp;";

/// The columns of the nine tables (and, for sizing the loader, the
/// planner's row estimate) as the catalog has them. The catalog rather
/// than `information_schema`, which hides tables the user may not read:
/// those must give a permission error naming the table, not "missing".
const CATALOG_QUERY: &str = "\
SELECT c.relname::text, a.attname::text, c.reltuples::float8
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname::text = $1 AND c.relname::text = ANY($2)
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

/// A connection or read failure, as one line that names the host, port,
/// database and user and says what to check. Never holds the password.
#[derive(Debug)]
pub struct DatabaseError(String);

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an input is a PostgreSQL connection URL (`postgres://…` or
/// `postgresql://…`, any case) rather than a path or http(s) URL.
pub fn is_database_url(input: &str) -> bool {
    let starts = |prefix: &str| {
        input
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    starts("postgres://") || starts("postgresql://")
}

/// Reads the nine tables of the database at `url` (schema `schema`) into
/// the bundle, each as its `<table>.csv`, in one read-only snapshot.
/// `progress` hears the rows read per table.
pub fn add_database(
    bundle: &mut Bundle,
    url: &str,
    schema: &str,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    let target =
        Target::parse(url, &|name| std::env::var(name).ok()).map_err(InputError::Database)?;
    let mut client = target.connect().map_err(InputError::Database)?;
    read_tables(&mut client, &target, schema, bundle, progress)
}

/// The table's name in the database: its export file's name without `.csv`.
fn table_name(table: Table) -> &'static str {
    let file = table.file_name();
    file.strip_suffix(".csv").unwrap_or(file)
}

/// An SQL identifier, quoted so that any name (a user's schema) is taken
/// literally.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The `COPY` statement that reads `present` (the table's columns that
/// exist) of `table`, or the name of a needed column it lacks.
fn copy_statement(schema: &str, table: Table, present: &[String]) -> Result<String, &'static str> {
    let (needed, optional) = table.columns();
    let mut list = Vec::with_capacity(needed.len() + optional.len());
    for col in needed {
        if !present.iter().any(|p| p == col) {
            return Err(col);
        }
        list.push(quote_ident(col));
    }
    for col in optional {
        if present.iter().any(|p| p == col) {
            list.push(quote_ident(col));
        }
    }
    Ok(format!(
        "COPY (SELECT {} FROM {}.{}) TO STDOUT (FORMAT csv, HEADER)",
        list.join(", "),
        quote_ident(schema),
        quote_ident(table_name(table))
    ))
}

/// How the connection is encrypted: libpq's `sslmode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TlsMode {
    /// `disable`: never.
    Disable,
    /// `allow` and `prefer` (the default): when the server offers it,
    /// without checking its certificate (as libpq).
    Prefer,
    /// `require`: always, without checking the certificate (as libpq).
    Require,
    /// `verify-ca`: always, certificate signed by `sslrootcert`.
    VerifyCa,
    /// `verify-full`: as `verify-ca`, and issued for the host name.
    VerifyFull,
}

impl TlsMode {
    fn parse(value: &str) -> Result<TlsMode, DatabaseError> {
        Ok(match value {
            "disable" => TlsMode::Disable,
            "allow" | "prefer" => TlsMode::Prefer,
            "require" => TlsMode::Require,
            "verify-ca" => TlsMode::VerifyCa,
            "verify-full" => TlsMode::VerifyFull,
            other => {
                return Err(DatabaseError(format!(
                    "sslmode={other:?} is not a PostgreSQL sslmode; use disable, prefer, require, verify-ca or verify-full"
                )))
            }
        })
    }
}

/// Where the password came from, for the message when it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PasswordSource {
    None,
    Url,
    Env,
    File(PathBuf),
}

/// Where and how to connect: the URL completed from the environment.
struct Target {
    config: postgres::Config,
    tls: TlsMode,
    /// `sslrootcert`: a PEM file, or `system` for the public CAs.
    root_cert: Option<String>,
    /// `host:port` (or the socket file) of each host, for messages.
    endpoint: String,
    dbname: String,
    user: String,
    password: PasswordSource,
    /// Scrubbed from every message.
    secret: Option<String>,
    /// Why the password file was not used, when that matters.
    pgpass_note: Option<String>,
}

impl Target {
    /// Reads `url`, filling what it leaves out from `env` (libpq's
    /// variables) and the password file. Touches no network.
    fn parse(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, DatabaseError> {
        let url_secret = url_password(url);
        let scrub_url = |m: String| DatabaseError(scrub(&m, url_secret.as_deref()));

        // `sslmode` values beyond require and `sslrootcert` are libpq's but
        // not the client crate's: take them out, keep the rest verbatim.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut tls = None;
        let mut root_cert = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match decode(key).as_str() {
                "sslmode" => tls = Some(TlsMode::parse(&decode(value))?),
                "sslrootcert" => root_cert = Some(decode(value)),
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config = postgres::Config::from_str(&rebuilt).map_err(|e| {
            scrub_url(format!(
                "cannot read the PostgreSQL URL: {}; expected postgres://user[:password]@host[:port]/database, with ?host=/socket/dir for a unix socket and ?sslmode=require for TLS",
                with_causes(&e)
            ))
        })?;

        let tls = match tls {
            Some(mode) => mode,
            None => match env("PGSSLMODE").filter(|v| !v.is_empty()) {
                Some(v) => TlsMode::parse(&v)?,
                None => TlsMode::Prefer,
            },
        };
        let root_cert = root_cert.or_else(|| env("PGSSLROOTCERT").filter(|v| !v.is_empty()));

        if config.get_ports().is_empty() {
            if let Some(port) = env("PGPORT").filter(|p| !p.is_empty()) {
                let port = port.parse::<u16>().map_err(|_| {
                    DatabaseError(format!(
                        "PGPORT={port:?} is not a port number; set it to a number such as 5432 or unset it"
                    ))
                })?;
                config.port(port);
            }
        }
        let port = config.get_ports().first().copied().unwrap_or(5432);
        if config.get_hosts().is_empty() {
            match env("PGHOST").filter(|h| !h.is_empty()) {
                Some(hosts) => {
                    for host in hosts.split(',') {
                        config.host(host);
                    }
                }
                None => {
                    // libpq's default: the local server's socket, else TCP.
                    let socket = ["/var/run/postgresql", "/tmp"]
                        .into_iter()
                        .find(|dir| Path::new(dir).join(format!(".s.PGSQL.{port}")).exists());
                    match socket {
                        Some(dir) => config.host_path(dir),
                        None => config.host("localhost"),
                    };
                }
            }
        }
        let user = match config.get_user() {
            Some(user) => user.to_string(),
            None => {
                let user = ["PGUSER", "USER", "LOGNAME"]
                    .into_iter()
                    .find_map(|name| env(name).filter(|u| !u.is_empty()))
                    .ok_or_else(|| {
                        DatabaseError(
                            "the PostgreSQL URL names no user; write postgres://user@host/database or set PGUSER"
                                .into(),
                        )
                    })?;
                config.user(&user);
                user
            }
        };
        let dbname = match config.get_dbname() {
            Some(db) => db.to_string(),
            None => {
                let db = env("PGDATABASE")
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| user.clone());
                config.dbname(&db);
                db
            }
        };
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("engagement-report");
        }

        let mut pgpass_note = None;
        let password = if config.get_password().is_some() {
            PasswordSource::Url
        } else if let Some(pw) = env("PGPASSWORD").filter(|p| !p.is_empty()) {
            config.password(pw);
            PasswordSource::Env
        } else {
            match pgpass_file(env) {
                Some(path) => {
                    let host = match config.get_hosts().first() {
                        Some(Host::Tcp(name)) => name.clone(),
                        Some(Host::Unix(dir)) => dir.display().to_string(),
                        None => "localhost".into(),
                    };
                    let unix = matches!(config.get_hosts().first(), Some(Host::Unix(_)));
                    match read_pgpass(&path) {
                        Ok(text) => {
                            let key = [host.as_str(), &port.to_string(), &dbname, &user];
                            match pgpass_lookup(&text, &key, unix) {
                                Some(pw) => {
                                    config.password(pw);
                                    PasswordSource::File(path)
                                }
                                None => PasswordSource::None,
                            }
                        }
                        Err(note) => {
                            pgpass_note = note;
                            PasswordSource::None
                        }
                    }
                }
                None => PasswordSource::None,
            }
        };
        let secret = config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .filter(|p| !p.is_empty());

        Ok(Target {
            endpoint: endpoint(&config),
            config,
            tls,
            root_cert,
            dbname,
            user,
            password,
            secret,
            pgpass_note,
        })
    }

    /// Opens the connection.
    fn connect(&self) -> Result<Client, DatabaseError> {
        let mut config = self.config.clone();
        config.ssl_mode(match self.tls {
            TlsMode::Disable => SslMode::Disable,
            TlsMode::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        });
        let result = match self.tls {
            TlsMode::Disable => config.connect(NoTls),
            mode => {
                config.connect(tls_connector(mode, self.root_cert.as_deref()).map_err(|m| {
                    DatabaseError(format!("cannot set up TLS for {}: {m}", self.describe()))
                })?)
            }
        };
        result.map_err(|e| self.error(&e, None))
    }

    /// "database "app" on db.example.org:5432 as user "reporter"".
    fn describe(&self) -> String {
        format!(
            "database {:?} on {} as user {:?}",
            self.dbname, self.endpoint, self.user
        )
    }

    /// Where the password came from, for a refused login.
    fn password_hint(&self) -> String {
        match &self.password {
            PasswordSource::None => {
                let mut hint =
                    "no password was given: put it in the URL, PGPASSWORD or ~/.pgpass".to_string();
                if let Some(note) = &self.pgpass_note {
                    hint.push_str(&format!(" ({note})"));
                }
                hint
            }
            PasswordSource::Url => "check the password given in the URL".into(),
            PasswordSource::Env => "check the password given in PGPASSWORD".into(),
            PasswordSource::File(path) => {
                format!("check the password given in {}", path.display())
            }
        }
    }

    /// One line for a failure while connecting (`table` `None`) or while
    /// reading `table`, saying what to check; scrubbed of the password.
    fn error(&self, e: &postgres::Error, table: Option<&str>) -> DatabaseError {
        let on = self.describe();
        let message = if let Some(db) = e.as_db_error() {
            let text = db.message();
            let code = db.code();
            if *code == SqlState::INVALID_PASSWORD
                || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            {
                format!(
                    "PostgreSQL refused the login to {on}: {text}; {} and that the server's pg_hba.conf lets this user in from here",
                    self.password_hint()
                )
            } else if *code == SqlState::INVALID_CATALOG_NAME {
                format!(
                    "PostgreSQL at {} has no database {:?}; check the database name at the end of the URL",
                    self.endpoint, self.dbname
                )
            } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                match table {
                    Some(t) => format!(
                        "cannot read table {t} of {on}: {text}; grant the user read access, e.g. GRANT SELECT ON {t} TO {}",
                        quote_ident(&self.user)
                    ),
                    None => format!(
                        "user {:?} may not connect to {on}: {text}; grant it CONNECT on the database",
                        self.user
                    ),
                }
            } else {
                let doing =
                    table.map_or("connecting to".to_string(), |t| format!("reading {t} from"));
                format!(
                    "PostgreSQL error {doing} {on}: {text} (SQLSTATE {})",
                    code.code()
                )
            }
        } else {
            let text = with_causes(e);
            if text.contains("password missing") {
                format!(
                    "the server asks for a password for {on}; {}",
                    self.password_hint()
                )
            } else if let Some(t) = table {
                format!("reading {t} from {on} broke off: {text}; try again")
            } else {
                let tls = if text.contains("TLS") {
                    ", and sslmode and sslrootcert in the URL"
                } else {
                    ""
                };
                format!(
                    "cannot connect to {on}: {text}; check the host and port, that the server runs and accepts connections from here{tls}"
                )
            }
        };
        DatabaseError(scrub(&message, self.secret.as_deref()))
    }
}

/// Reads every table inside one read-only snapshot with forced settings.
fn read_tables(
    client: &mut Client,
    target: &Target,
    schema: &str,
    bundle: &mut Bundle,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    let failed =
        |e: postgres::Error, table: Option<&str>| InputError::Database(target.error(&e, table));
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| failed(e, None))?;
    tx.batch_execute(SESSION_SETTINGS)
        .map_err(|e| failed(e, None))?;

    // The nine tables, then the optional ones (read when the schema has
    // them: a database without `hub_day` is complete).
    let names: Vec<&str> = Table::recognised().map(table_name).collect();
    let catalog = tx
        .query(CATALOG_QUERY, &[&schema, &names])
        .map_err(|e| failed(e, None))?;
    let mut present: Vec<(String, Vec<String>, f64)> = Vec::new();
    for row in &catalog {
        let (table, column, estimate): (String, String, f64) = (row.get(0), row.get(1), row.get(2));
        match present.iter_mut().find(|(t, _, _)| *t == table) {
            Some((_, cols, _)) => cols.push(column),
            None => present.push((table, vec![column], estimate)),
        }
    }
    let missing: Vec<&str> = Table::ALL
        .iter()
        .map(|&t| table_name(t))
        .filter(|n| !present.iter().any(|(t, _, _)| t == n))
        .collect();
    if !missing.is_empty() {
        return Err(InputError::Database(DatabaseError(scrub(
            &format!(
                "{} has no table {} in schema {schema:?}; check that the URL names the Django app's database, and give --db-schema if its tables are in another schema",
                target.describe(),
                missing.join(", ")
            ),
            target.secret.as_deref(),
        ))));
    }

    for table in Table::recognised() {
        let name = table_name(table);
        let qualified = format!("{}.{}", quote_ident(schema), name);
        let Some((_, cols, estimate)) = present.iter().find(|(t, _, _)| t == name) else {
            // Needed tables that are missing were refused above.
            debug_assert!(table.is_optional());
            continue;
        };
        let statement = copy_statement(schema, table, cols).map_err(|col| {
            let (needed, _) = table.columns();
            InputError::Database(DatabaseError(scrub(
                &format!(
                    "table {qualified} of {} has no column {col:?}; the report needs {}: is this the Django app's database?",
                    target.describe(),
                    needed.join(", ")
                ),
                target.secret.as_deref(),
            )))
        })?;
        let reader = tx
            .copy_out(&statement)
            .map_err(|e| failed(e, Some(&qualified)))?;
        // Named like the export file (the loader recognises it by the part
        // after the last `/`); warnings then say where the rows came from.
        let file = format!(
            "{}/{}/{}",
            target.endpoint,
            target.dbname,
            table.file_name()
        );
        let mut loader = bundle
            .open(&file)
            .expect("a table's file name opens a CSV loader");
        let estimate = (*estimate > 0.0).then_some(*estimate);
        stream_table(reader, &mut loader, estimate, &|rows| {
            progress.table_rows(name, rows, false)
        })
        .map_err(|e| match e {
            ReadError::Load(e) => InputError::Load(e),
            ReadError::Io(e) => {
                let text = match e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<postgres::Error>())
                {
                    Some(pg) => return InputError::Database(target.error(pg, Some(&qualified))),
                    None => with_causes(&e),
                };
                InputError::Database(DatabaseError(scrub(
                    &format!(
                        "reading {qualified} from {} broke off: {text}; try again",
                        target.describe()
                    ),
                    target.secret.as_deref(),
                )))
            }
        })?;
        progress.table_rows(name, loader.rows_read(), true);
        bundle.close(loader)?;
    }
    // Nothing was written; ending the snapshot cannot change the result.
    let _ = tx.rollback();
    Ok(())
}

/// Pushes the COPY output into the loader with the engine's read-and-push
/// driver, calling `rows` with the rows parsed so far after each chunk.
/// `estimate` is the planner's row count: once the first rows show their
/// size, it becomes the byte total the loader sizes its columns from, as a
/// file's size does.
fn stream_table(
    reader: impl Read,
    loader: &mut FileLoader,
    estimate: Option<f64>,
    rows: &dyn Fn(u64),
) -> Result<(), ReadError> {
    let mut sized = estimate.is_none();
    loader.read_from(reader, |loader, _| {
        if !sized && loader.rows_read() > 0 {
            let per_row = loader.bytes_read() as f64 / loader.rows_read() as f64;
            loader.expect_bytes((estimate.unwrap_or(0.0) * per_row) as u64);
            sized = true;
        }
        rows(loader.rows_read());
    })
}

/// The rustls connector for `mode` (never `Disable`).
fn tls_connector(
    mode: TlsMode,
    root_cert: Option<&str>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match mode {
        TlsMode::VerifyFull => builder
            .with_root_certificates(load_roots(root_cert)?)
            .with_no_client_auth(),
        TlsMode::VerifyCa => {
            let inner = WebPkiServerVerifier::builder_with_provider(
                Arc::new(load_roots(root_cert)?),
                provider,
            )
            .build()
            .map_err(|e| e.to_string())?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyHostName(inner)))
                .with_no_client_auth()
        }
        TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth(),
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The trusted certificates of `sslrootcert`: a PEM file, or `system` for
/// the public CAs (Mozilla's list). libpq's default file when none is given.
fn load_roots(root_cert: Option<&str>) -> Result<RootCertStore, String> {
    if root_cert == Some("system") {
        return Ok(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
    }
    let path = match root_cert {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("HOME")
            .map(|home| Path::new(&home).join(".postgresql/root.crt"))
            .ok_or(
                "sslmode=verify-ca/verify-full needs sslrootcert=<CA file> or sslrootcert=system",
            )?,
    };
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(&path).map_err(|e| {
        format!(
            "cannot read the CA certificates {}: {e}; give sslrootcert=<PEM file> or sslrootcert=system",
            path.display()
        )
    })?;
    for cert in certs {
        let cert =
            cert.map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
        roots
            .add(cert)
            .map_err(|e| format!("{} holds an unusable certificate: {e}", path.display()))?;
    }
    if roots.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(roots)
}

/// `sslmode=prefer`/`require`: encrypted, the certificate not checked (as
/// libpq does), the handshake's signatures still verified.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted CA; the name on
/// the certificate is not checked.
#[derive(Debug)]
struct AnyHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// An error and its causes, `: `-separated: the client's errors name only
/// their kind ("error connecting to server") and keep the reason
/// ("Connection refused") as their source.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// `host:port` of each host (the socket file for a unix socket).
fn endpoint(config: &postgres::Config) -> String {
    let ports = config.get_ports();
    config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]:{port}"),
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(dir) => format!("{}", dir.join(format!(".s.PGSQL.{port}")).display()),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Percent-decodes a URL query key or value (`+` stays `+`, as libpq).
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The password written in a URL (`scheme://user:password@host…`), raw and
/// decoded, so a message about an unreadable URL can be scrubbed of it.
fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    let password = userinfo.split_once(':')?.1;
    (!password.is_empty()).then(|| password.to_string())
}

/// The message on one line, without the password (raw or percent-decoded).
/// The password is replaced only where it stands as a whole token: a
/// short password replaced inside other words ("e" in "error") would show
/// which letters it is.
fn scrub(message: &str, secret: Option<&str>) -> String {
    let mut out = message.replace(['\n', '\r'], " ");
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        for form in [secret.to_string(), decode(secret)] {
            if !form.is_empty() {
                out = replace_token(&out, &form, "***");
            }
        }
    }
    out
}

/// `text` with each occurrence of `token` that no letter, digit or `_`
/// touches on either side replaced by `with`.
fn replace_token(text: &str, token: &str, with: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(token) {
        let (before, after) = (&rest[..i], &rest[i + token.len()..]);
        let whole = !word(before.chars().next_back().or(out.chars().next_back()))
            && !word(after.chars().next());
        out.push_str(before);
        if whole {
            out.push_str(with);
            rest = after;
        } else {
            // Step past the first character only: a later, whole
            // occurrence may start inside this one.
            let step = token.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[i..i + step]);
            rest = &rest[i + step..];
        }
    }
    out.push_str(rest);
    out
}

/// The password file libpq would read: `PGPASSFILE`, else `~/.pgpass`.
fn pgpass_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = env("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    env("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| Path::new(&home).join(".pgpass"))
}

/// The password file's text; `Err` with a note when it exists but is not
/// used (unreadable, or readable by others, which libpq refuses too).
fn read_pgpass(path: &Path) -> Result<String, Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Err(None),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(Some(format!(
                "{} was ignored because others may read it; chmod 600 it",
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    std::fs::read_to_string(path)
        .map_err(|e| Some(format!("{} could not be read: {e}", path.display())))
}

/// The password of the first `.pgpass` line matching `key` (host, port,
/// database, user): `*` matches anything, `\` escapes `:` and `\`. For a
/// unix socket, `localhost` matches as well as the socket's folder.
fn pgpass_lookup(text: &str, key: &[&str; 4], unix: bool) -> Option<String> {
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields: Vec<String> = Vec::with_capacity(5);
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.push(chars.next().unwrap_or('\\')),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let host_matches =
            fields[0] == "*" || fields[0] == key[0] || (unix && fields[0] == "localhost");
        let rest_match = (1..4).all(|i| fields[i] == "*" || fields[i] == key[i]);
        if host_matches && rest_match {
            return fields.pop();
        }
    }
    None
}

#[cfg(test)]
mod tests {
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
        let t =
            Target::parse("postgres://u:url-pw@h/d", &env_of(&[("PGPASSWORD", "env")])).unwrap();
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
}
