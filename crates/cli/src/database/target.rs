//! The connection: a `postgres://` URL read as libpq reads it, completed
//! from libpq's variables and the password file, and the messages that
//! name it without its password.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

use super::pgpass::{pgpass_file, pgpass_lookup, read_pgpass};
use super::tls::{tls_connector, TlsMode};
use crate::input_error::DatabaseError;

/// How long connecting may take when the URL sets no `connect_timeout`: a
/// scheduled job should fail on an unreachable server, not hang.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the password came from, for the message when it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PasswordSource {
    None,
    Url,
    Env,
    File(PathBuf),
}

/// Where and how to connect: the URL completed from the environment.
pub(super) struct Target {
    pub(super) config: postgres::Config,
    pub(super) tls: TlsMode,
    /// `sslrootcert`: a PEM file, or `system` for the public CAs.
    pub(super) root_cert: Option<String>,
    /// `host:port` (or the socket file) of each host, for messages.
    pub(super) endpoint: String,
    pub(super) dbname: String,
    pub(super) user: String,
    pub(super) password: PasswordSource,
    /// Scrubbed from every message.
    pub(super) secret: Option<String>,
    /// Why the password file was not used, when that matters.
    pub(super) pgpass_note: Option<String>,
}

impl Target {
    /// Reads `url`, filling what it leaves out from `env` (libpq's
    /// variables) and the password file. Touches no network.
    pub(super) fn parse(
        url: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Target, DatabaseError> {
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
    pub(super) fn connect(&self) -> Result<Client, DatabaseError> {
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
    pub(super) fn describe(&self) -> String {
        format!(
            "database {:?} on {} as user {:?}",
            self.dbname, self.endpoint, self.user
        )
    }

    /// Where the password came from, for a refused login.
    pub(super) fn password_hint(&self) -> String {
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
    pub(super) fn error(&self, e: &postgres::Error, table: Option<&str>) -> DatabaseError {
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

/// An error and its causes, `: `-separated: the client's errors name only
/// their kind ("error connecting to server") and keep the reason
/// ("Connection refused") as their source.
pub(super) fn with_causes(e: &dyn std::error::Error) -> String {
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
pub(super) fn endpoint(config: &postgres::Config) -> String {
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
pub(super) fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The password written in a URL (`scheme://user:password@host…`), raw and
/// decoded, so a message about an unreadable URL can be scrubbed of it.
pub(super) fn url_password(url: &str) -> Option<String> {
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
pub(super) fn scrub(message: &str, secret: Option<&str>) -> String {
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
pub(super) fn replace_token(text: &str, token: &str, with: &str) -> String {
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

/// An SQL identifier, quoted so that any name (a user's schema) is taken
/// literally.
pub(super) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
