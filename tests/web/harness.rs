//! Test plumbing: a static file server for `dist/`, a minimal WebDriver
//! client (JSON over HTTP to chromedriver), the CLI and a loopback S3 server.
//! Several test binaries include it, each using a part of it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The built page (`dist/`), served once per test process; its address.
pub fn page() -> &'static str {
    static BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let dist = root().join("dist");
        assert!(
            dist.join("index.html").exists(),
            "build the page first: trunk build --release --offline"
        );
        serve_dir(dist)
    })
}

/// Serves a folder on loopback, one thread per connection.
pub fn serve_dir(dir: PathBuf) -> String {
    serve_dir_at(dir, "/")
}

/// Serves a folder under `prefix` (e.g. `/reports/`) of a site whose other
/// paths answer 404, as a host serving the page under a sub-path would.
pub fn serve_dir_at(dir: PathBuf, prefix: &'static str) -> String {
    let site = Site::start(dir, prefix);
    let url = site.url.clone();
    // Served until the tests end.
    std::mem::forget(site);
    url
}

/// One request a [`Site`] answered: its request line (`GET /x?y HTTP/1.1`)
/// and its `Referer` header (empty when it had none).
#[derive(Clone, Debug)]
pub struct Logged {
    pub line: String,
    pub referer: String,
}

/// A static server (as [`serve_dir_at`]) that can be stopped: the network
/// going away, as far as the page can tell (connections are refused). It
/// logs every request line and `Referer` ([`Site::requests`]), and answers
/// any origin's `GET` (`Access-Control-Allow-Origin: *`), so it also stands
/// in for a bucket that the page downloads from.
pub struct Site {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    addr: std::net::SocketAddr,
    stopped: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Logged>>>,
}

impl Site {
    pub fn start(dir: PathBuf, prefix: &'static str) -> Site {
        Site::start_with(dir, &[prefix], "")
    }

    /// Serves `dir` under each of `prefixes`; `headers` (`Name: value\r\n`
    /// lines) are added to every answer.
    pub fn start_with(dir: PathBuf, prefixes: &[&'static str], headers: &'static str) -> Site {
        let prefixes: Vec<&'static str> = prefixes.to_vec();
        assert!(prefixes
            .iter()
            .all(|p| p.starts_with('/') && p.ends_with('/')));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stopped = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let flag = stopped.clone();
        let log_in = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if flag.load(Ordering::SeqCst) {
                    // Dropping the listener closes the port.
                    break;
                }
                let dir = dir.clone();
                let prefixes = prefixes.clone();
                let log = log_in.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &dir, &prefixes, headers, &log);
                });
            }
        });
        Site {
            url: format!("http://{addr}"),
            addr,
            stopped,
            log,
        }
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    /// Stops answering: the port is closed once this returns.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(self.addr).is_ok() {
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if !self.stopped.load(Ordering::SeqCst) {
            self.stop();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    dir: &Path,
    prefixes: &[&str],
    headers: &str,
    log: &Mutex<Vec<Logged>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut referer = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? <= 2 {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.trim().eq_ignore_ascii_case("referer") {
                referer = value.trim().to_string();
            }
        }
    }
    if line.trim().is_empty() {
        // A connection that only woke the accept loop (or a probe).
        return Ok(());
    }
    log.lock().unwrap().push(Logged {
        line: line.trim().to_string(),
        referer,
    });
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    // Outside the prefixes there is nothing (an empty name never reads a
    // file).
    let rel = match prefixes.iter().find_map(|p| path.strip_prefix(p)) {
        Some("") => "index.html",
        Some(rel) => rel,
        None => "",
    };
    let file = dir.join(rel);
    let readable = !rel.is_empty() && !rel.contains("..");
    let (status, body, mime) = match (readable, std::fs::read(&file)) {
        (true, Ok(body)) => {
            let mime = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                _ => "application/octet-stream",
            };
            ("200 OK", body, mime)
        }
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\n{headers}Connection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// A child process killed on drop.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// The CLI's consolidated JSON for a bundle and period (UTC).
pub fn cli_report(input: &Path, start: &str, end: &str) -> Value {
    let out = run(cli().arg(input).args([
        "--start",
        start,
        "--end",
        end,
        "--timezone",
        "UTC",
        "--stdout",
        "-q",
    ]));
    serde_json::from_slice(&out).unwrap()
}

/// GET/PUT helpers for the S3 server.
pub fn http_put(url: &str, body: &[u8], content_type: &str) -> u16 {
    agent()
        .put(url)
        .header("Content-Type", content_type)
        .send(body)
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

pub fn http_get(url: &str) -> (u16, Vec<u8>) {
    let mut r = agent().get(url).call().expect("GET works");
    let status = r.status().as_u16();
    let body = r
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    (status, body)
}

/// WebDriver key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = " ";
/// WebDriver's Right arrow key.
pub const ARROW_RIGHT: &str = "\u{E014}";
/// WebDriver's Left arrow key.
pub const ARROW_LEFT: &str = "\u{E012}";
/// WebDriver's End key.
pub const END: &str = "\u{E010}";

/// A WebDriver session on headless Chromium.
pub struct Browser {
    base: String,
    _driver: Proc,
    pub downloads: PathBuf,
}

impl Browser {
    pub fn start(downloads: PathBuf) -> Browser {
        Browser::start_with_args(downloads, &[])
    }

    /// A session whose Chromium also gets `extra` command-line switches.
    pub fn start_with_args(downloads: PathBuf, extra: &[&str]) -> Browser {
        let port = free_port();
        let driver = Proc(
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent().get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::create_dir_all(&downloads).unwrap();
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,1600",
        ];
        args.extend_from_slice(extra);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into()),
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.to_str().unwrap(),
                    "download.prompt_for_download": false,
                }
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let mut b = Browser {
            base,
            _driver: driver,
            downloads,
        };
        let v = b.call("POST", "/session", caps);
        let id = v["sessionId"].as_str().expect("a session").to_string();
        b.base = format!("{}/session/{id}", b.base);
        // Allow downloads in headless mode.
        b.call(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": "Browser.setDownloadBehavior", "params": {
                "behavior": "allow", "downloadPath": b.downloads.to_str().unwrap()}}),
        );
        b
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let a = agent();
        let resp = match method {
            "GET" => a.get(&url).call(),
            "DELETE" => a.delete(&url).call(),
            _ => a
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string().as_bytes()),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("webdriver {path}: {e}"));
        let text = resp
            .body_mut()
            .with_config()
            .limit(1 << 28)
            .read_to_string()
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(err) = v["value"]["error"].as_str() {
            panic!("webdriver {path}: {err}: {}", v["value"]["message"]);
        }
        if path == "/session" {
            return v["value"].clone();
        }
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url }));
    }

    /// Runs a script (its body; `arguments` available) and returns its value.
    pub fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    /// Waits until a script returns a truthy value; returns it.
    pub fn wait(&self, what: &str, script: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.js(script);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                let err = self.js("return [...document.querySelectorAll('#error, .status')].map(e => e.textContent).join(' | ')");
                panic!("timed out waiting for {what} (page error: {err})");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .expect("element id")
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), json!({}));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/clear"), json!({}));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        );
    }

    /// Runs an async script (its last argument is the callback) and returns
    /// the value it passes to the callback.
    pub fn js_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            json!({"script": script, "args": []}),
        )
    }

    /// The handles of the session's windows and tabs.
    pub fn window_handles(&self) -> Vec<String> {
        let v = self.call("GET", "/window/handles", Value::Null);
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes the window or tab `handle` the one the next commands act on.
    pub fn switch_to_window(&self, handle: &str) {
        self.call("POST", "/window", json!({"handle": handle}));
    }

    /// Runs a Chrome DevTools Protocol command through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": cmd, "params": params}),
        )
    }

    /// Presses and releases one key (WebDriver actions API); `key` is a
    /// character or a WebDriver key code such as [`TAB`] or [`ENTER`].
    pub fn press(&self, key: &str) {
        self.call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]}),
        );
    }

    /// Presses Tab until the focused element matches `css`.
    pub fn tab_to(&self, css: &str, max: usize) {
        let check = format!(
            "return !!document.activeElement && document.activeElement.matches({})",
            serde_json::to_string(css).unwrap()
        );
        for _ in 0..max {
            self.press(TAB);
            if self.js(&check) == Value::Bool(true) {
                return;
            }
        }
        panic!("{css} was not reached with {max} presses of Tab");
    }

    /// The browser console's messages since the last call, as
    /// (level, text).
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self.call("POST", "/se/log", json!({"type": "browser"}));
        v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_string(),
                            e["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sets the window's outer size.
    pub fn set_window(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
    }

    /// Sets a file input to files on disk.
    pub fn set_files(&self, css: &str, files: &[PathBuf]) {
        let id = self.find(css);
        let text: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text.join("\n") }),
        );
    }

    /// Moves the mouse onto the centre of the element matching `css`
    /// (WebDriver actions, so the browser fires real pointer events).
    pub fn hover(&self, css: &str) {
        let at = self.js(&format!(
            "const e = document.querySelector({}); e.scrollIntoView({{block: 'center'}});
             const r = e.getBoundingClientRect(); return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]",
            serde_json::to_string(css).unwrap()
        ));
        self.call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "pointer", "id": "mouse",
                "parameters": {"pointerType": "mouse"},
                "actions": [{"type": "pointerMove", "duration": 0, "origin": "viewport",
                    "x": at[0], "y": at[1]}]}]}),
        );
    }

    /// The browser's console errors (level SEVERE) since the last read
    /// of the console.
    pub fn console_errors(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .map(|(_, message)| message)
            .collect()
    }

    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let v = self.call("GET", "/screenshot", Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }

    pub fn text(&self, css: &str) -> String {
        self.js(&format!(
            "const e = document.querySelector({}); return e ? e.textContent : null",
            serde_json::to_string(css).unwrap()
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits for a download named `name` to be complete; returns its bytes.
    pub fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.join(name);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if path.exists() && !self.downloads.join(format!("{name}.crdownload")).exists() {
                std::thread::sleep(Duration::from_millis(200));
                return std::fs::read(&path).unwrap();
            }
            assert!(Instant::now() < deadline, "no download {name}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = agent().delete(&self.base).call();
    }
}

/// The CLI binary (built by scripts/web-test.sh).
pub fn cli() -> Command {
    let bin = std::env::var("ENGAGEMENT_REPORT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/release/engagement-report"));
    assert!(bin.exists(), "build the CLI first: {}", bin.display());
    Command::new(bin)
}

pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("the command runs");
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A loopback S3-compatible server (moto) with bucket `reports`.
pub struct S3 {
    _proc: Proc,
    pub endpoint: String,
}

impl S3 {
    pub fn start() -> S3 {
        let port = free_port();
        let proc = Proc(
            Command::new(std::env::var("MOTO_SERVER").unwrap_or("moto_server".into()))
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("moto_server starts (pip install 'moto[server]')"),
        );
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.write_all(b"");
                let mut buf = [0u8; 1];
                let _ = s.set_read_timeout(Some(Duration::from_millis(10)));
                let _ = s.read(&mut buf);
                break;
            }
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let status = http_put(
            &format!("{endpoint}/reports"),
            b"",
            "application/octet-stream",
        );
        assert!((200..300).contains(&status), "create bucket: HTTP {status}");
        S3 {
            _proc: proc,
            endpoint,
        }
    }

    pub fn presign(&self, method: &str, key: &str) -> String {
        self.presign_for(method, key, 600)
    }

    /// A presigned URL valid for `secs` seconds.
    pub fn presign_for(&self, method: &str, key: &str, secs: u32) -> String {
        let out = run(cli()
            .args([
                "presign", "--method", method, "--bucket", "reports", "--key", key,
            ])
            .args([
                "--expires",
                &secs.to_string(),
                "--s3-endpoint",
                &self.endpoint,
            ])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1"));
        String::from_utf8(out).unwrap().trim().to_string()
    }
}
