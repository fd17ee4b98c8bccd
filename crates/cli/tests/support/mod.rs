//! Real S3-compatible servers on loopback for the integration tests.
//!
//! Each [`TestServer`] is a child process listening on a free port of
//! 127.0.0.1, started by the test and killed when the value is dropped.
//!
//! - `moto_server` (PyPI `moto[server]`): accepts any signature; used for
//!   byte-for-byte round trips. Install: `pip install 'moto[server]'`.
//! - `s3s-fs` (crates.io): checks SigV4 signatures and expiry. Install:
//!   `cargo install s3s-fs --version 0.14.1 --features binary`.
//!
//! The binaries are looked up in `$MOTO_SERVER` / `$S3S_FS` if set, else on
//! `PATH` (and `~/.cargo/bin` for `s3s-fs`).
#![allow(dead_code)]

use std::fs::File;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server gets to start answering on its port.
const START_TIMEOUT: Duration = Duration::from_secs(20);

const MOTO_INSTALL: &str = "pip install 'moto[server]'";
const S3S_FS_INSTALL: &str =
    "CARGO_BUILD_JOBS=1 cargo install s3s-fs --version 0.14.1 --features binary";

/// Credentials moto is given (it accepts any).
pub const MOTO_ACCESS_KEY: &str = "testing-access-key";
pub const MOTO_SECRET_KEY: &str = "testing-secret-key";

/// Region every test server is used with.
pub const REGION: &str = "us-east-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Moto,
    S3sFs,
}

pub struct TestServer {
    child: Child,
    port: u16,
    kind: ServerKind,
    access_key: String,
    secret_key: String,
    // Holds the server's data root (s3s-fs) and its log; removed on drop.
    dir: tempfile::TempDir,
}

impl TestServer {
    /// Start `moto_server` on a free loopback port.
    pub fn start_moto() -> TestServer {
        Self::start(ServerKind::Moto, MOTO_ACCESS_KEY, MOTO_SECRET_KEY)
    }

    /// Start `s3s-fs` on a free loopback port, accepting only requests
    /// signed with `access` / `secret`.
    pub fn start_s3s_fs(access: &str, secret: &str) -> TestServer {
        Self::start(ServerKind::S3sFs, access, secret)
    }

    /// `http://127.0.0.1:<port>`
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Create a bucket with a signed `PUT /<name>` request.
    pub fn create_bucket(&self, name: &str) {
        use rusty_s3::S3Action;
        let bucket = rusty_s3::Bucket::new(
            self.endpoint().parse().unwrap(),
            rusty_s3::UrlStyle::Path,
            name.to_owned(),
            REGION,
        )
        .expect("valid bucket name");
        let credentials = rusty_s3::Credentials::new(&self.access_key, &self.secret_key);
        let url = bucket
            .create_bucket(&credentials)
            .sign(Duration::from_secs(60));
        let agent = agent();
        let mut response = agent
            .put(url.as_str())
            .send(&[][..])
            .unwrap_or_else(|e| panic!("create bucket {name} on {:?}: {e}", self.kind));
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        assert!(
            (200..300).contains(&status) || body.contains("BucketAlreadyOwnedByYou"),
            "create bucket {name} on {:?} answered {status}: {body}",
            self.kind
        );
    }

    fn start(kind: ServerKind, access: &str, secret: &str) -> TestServer {
        // A port picked by binding :0 can be taken again before the server
        // binds it; retry a few times if the server dies at start.
        let mut last_log = String::new();
        for _ in 0..3 {
            match Self::try_start(kind, access, secret) {
                Ok(server) => return server,
                Err(log) => last_log = log,
            }
        }
        panic!("{kind:?} did not start; its output:\n{last_log}");
    }

    fn try_start(kind: ServerKind, access: &str, secret: &str) -> Result<TestServer, String> {
        let dir = tempfile::Builder::new()
            .prefix("s3-test-server-")
            .tempdir()
            .expect("create temp dir");
        let port = free_port();
        let log_path = dir.path().join("server.log");
        let log = File::create(&log_path).expect("create log file");
        let log_err = log.try_clone().expect("clone log file");

        let mut command = match kind {
            ServerKind::Moto => {
                let mut c = Command::new(binary("MOTO_SERVER", "moto_server"));
                c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
                c
            }
            ServerKind::S3sFs => {
                let root = dir.path().join("data");
                std::fs::create_dir(&root).expect("create s3s-fs root");
                let mut c = Command::new(binary("S3S_FS", "s3s-fs"));
                c.args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--access-key", access, "--secret-key", secret])
                    .arg(&root);
                c
            }
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err));
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (name, install) = match kind {
                    ServerKind::Moto => ("moto_server", MOTO_INSTALL),
                    ServerKind::S3sFs => ("s3s-fs", S3S_FS_INSTALL),
                };
                panic!(
                    "the S3 test server `{name}` is not installed (not found on PATH); install it with: {install}"
                );
            }
            Err(e) => panic!("could not start {kind:?}: {e}"),
        };

        let mut server = TestServer {
            child,
            port,
            kind,
            access_key: access.to_owned(),
            secret_key: secret.to_owned(),
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("exited with {status}\n{}", server.log()));
            }
            if server.answers() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                let log = server.log();
                // Drop kills the child.
                drop(server);
                panic!(
                    "{kind:?} did not answer on 127.0.0.1:{port} within {}s; its output:\n{log}",
                    START_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// True once the server answers an HTTP request (any status).
    fn answers(&self) -> bool {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            return false;
        }
        agent().get(&format!("{}/", self.endpoint())).call().is_ok()
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(self.dir.path().join("server.log")) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// An HTTP client for loopback: no proxy, statuses are not errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent()
}

/// `$ENV_VAR` if set, else `name` if it is on PATH, else `~/.cargo/bin/name`
/// if that exists, else `name` (whose spawn then fails with NotFound).
fn binary(env_var: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env_var) {
        return PathBuf::from(path);
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        let candidate = PathBuf::from(home).join(".cargo/bin").join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    PathBuf::from(name)
}
