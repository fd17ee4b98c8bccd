//! S3 upload and presign (SPEC §6).
//!
//! Signing is done by [`rusty_s3`] (SigV4 query signing, Sans-IO) and the
//! HTTP requests by a small blocking client ([`ureq`]). Every request —
//! even an upload with credentials — goes to a presigned URL, so the
//! credentials never travel in a header and nothing here handles crypto.
//!
//! Errors ([`S3Error`]) are meant to be shown to a person as they are: each
//! is one sentence saying what happened and what to do, and none of them
//! ever contains a query string, a signature, an access key or a secret.

use std::fmt;
use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use engagement_engine::presigned::{self, Refusal};
use rusty_s3::actions::{GetObject, PutObject, S3Action};
use rusty_s3::{Bucket, Credentials, UrlStyle};
use url::Url;

/// The longest expiry S3 accepts for a presigned URL: 7 days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long the presigned URL used internally by
/// [`upload_with_credentials`] stays valid.
const INTERNAL_EXPIRY: Duration = Duration::from_secs(15 * 60);

/// How much of an error response body is read to find the S3 error code.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// Region used when neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is set.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Credentials and location read from the standard AWS variables + CLI flags.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
    pub region: String,
    pub bucket: String,
    /// e.g. `http://127.0.0.1:9000`; `None` = AWS.
    pub endpoint: Option<String>,
}

impl fmt::Debug for S3Settings {
    // Never print the secret key or the session token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint.as_deref().map(redact_url))
            .finish()
    }
}

impl S3Settings {
    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional
    /// `AWS_SESSION_TOKEN`, region from `AWS_REGION` or `AWS_DEFAULT_REGION`
    /// (default `us-east-1`), bucket from the flag or else
    /// `AWS_STORAGE_BUCKET_NAME`. Missing values give
    /// [`S3Error::MissingSettings`] naming every one of them.
    pub fn from_env(
        bucket_flag: Option<&str>,
        endpoint_flag: Option<&str>,
    ) -> Result<Self, S3Error> {
        Self::from_lookup(|name| std::env::var(name).ok(), bucket_flag, endpoint_flag)
    }

    /// Same as [`S3Settings::from_env`], reading variables through `lookup`
    /// instead of the process environment (for tests and embedding).
    /// Empty values count as missing.
    pub fn from_lookup<F>(
        lookup: F,
        bucket_flag: Option<&str>,
        endpoint_flag: Option<&str>,
    ) -> Result<Self, S3Error>
    where
        F: Fn(&str) -> Option<String>,
    {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let nonempty = |v: Option<&str>| v.filter(|v| !v.trim().is_empty()).map(str::to_owned);

        let access_key = get("AWS_ACCESS_KEY_ID");
        let secret_key = get("AWS_SECRET_ACCESS_KEY");
        let bucket = nonempty(bucket_flag).or_else(|| get("AWS_STORAGE_BUCKET_NAME"));

        let mut missing = Vec::new();
        if access_key.is_none() {
            missing.push("AWS_ACCESS_KEY_ID".to_owned());
        }
        if secret_key.is_none() {
            missing.push("AWS_SECRET_ACCESS_KEY".to_owned());
        }
        if bucket.is_none() {
            missing.push("--s3-bucket (or AWS_STORAGE_BUCKET_NAME)".to_owned());
        }
        if !missing.is_empty() {
            return Err(S3Error::MissingSettings(missing));
        }

        let region = get("AWS_REGION")
            .or_else(|| get("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());

        let settings = S3Settings {
            access_key: access_key.unwrap_or_default(),
            secret_key: secret_key.unwrap_or_default(),
            session_token: get("AWS_SESSION_TOKEN"),
            region: region.trim().to_owned(),
            bucket: bucket.unwrap_or_default().trim().to_owned(),
            endpoint: nonempty(endpoint_flag).map(|e| e.trim().to_owned()),
        };
        // Catch a malformed endpoint now rather than at upload time.
        settings.bucket_handle()?;
        Ok(settings)
    }

    fn credentials(&self) -> Credentials {
        match &self.session_token {
            Some(token) => Credentials::new_with_token(
                self.access_key.clone(),
                self.secret_key.clone(),
                token.clone(),
            ),
            None => Credentials::new(self.access_key.clone(), self.secret_key.clone()),
        }
    }

    /// The bucket as `rusty_s3` sees it: path-style URLs when an endpoint
    /// is given, virtual-host style on AWS (path style for bucket names with
    /// dots, which TLS certificates of `*.s3.<region>.amazonaws.com` don't
    /// cover).
    fn bucket_handle(&self) -> Result<Bucket, S3Error> {
        let (endpoint, style) = match &self.endpoint {
            Some(e) => {
                let url = Url::parse(e).map_err(|_| S3Error::InvalidEndpoint {
                    endpoint: redact_url(e),
                })?;
                (url, UrlStyle::Path)
            }
            None => {
                let url = Url::parse(&format!("https://s3.{}.amazonaws.com", self.region))
                    .map_err(|_| S3Error::InvalidRegion {
                        region: self.region.clone(),
                    })?;
                let style = if self.bucket.contains('.') {
                    UrlStyle::Path
                } else {
                    UrlStyle::VirtualHost
                };
                (url, style)
            }
        };
        let shown = redact_url(endpoint.as_str());
        Bucket::new(endpoint, style, self.bucket.clone(), self.region.clone()).map_err(|_| {
            if self.endpoint.is_some() {
                S3Error::InvalidEndpoint { endpoint: shown }
            } else {
                S3Error::InvalidBucket {
                    bucket: self.bucket.clone(),
                }
            }
        })
    }

    /// The object's URL without any signature.
    pub fn object_url(&self, key: &str) -> Result<String, S3Error> {
        check_key(key)?;
        Ok(self.bucket_handle()?.object_url(key).to_string())
    }
}

/// HTTP method a presigned URL is valid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Put,
    Get,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Put => "PUT",
            Method::Get => "GET",
        })
    }
}

/// What went wrong talking to S3. `Display` gives one sentence that says
/// what happened and what to do; no variant holds a query string,
/// signature, credential or secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum S3Error {
    /// Required settings are absent; each entry names a variable or flag.
    MissingSettings(Vec<String>),
    /// `--s3-endpoint` is not an http(s) URL with a host.
    InvalidEndpoint { endpoint: String },
    /// The region can't be part of an AWS host name.
    InvalidRegion { region: String },
    /// The bucket name can't be used in an S3 URL.
    InvalidBucket { bucket: String },
    /// The object key is empty.
    InvalidKey,
    /// The presign expiry is outside 1 second ..= 7 days.
    InvalidExpiry { seconds: u64 },
    /// A URL given to us is not an http(s) URL; `url` is redacted.
    InvalidUrl { url: String },
    /// S3 refused a presigned URL because it has expired.
    Expired { url: String },
    /// S3 refused the request because the session token has expired.
    ExpiredToken { url: String },
    /// S3 computed a different signature (`SignatureDoesNotMatch`).
    /// `presigned` is true for a URL handed to us, false when we signed
    /// it ourselves from credentials.
    SignatureMismatch { url: String, presigned: bool },
    /// Any other non-success HTTP status, with the S3 error code if the
    /// body had one.
    Http {
        method: Method,
        url: String,
        status: u16,
        code: Option<String>,
    },
    /// The server could not be reached or the connection broke.
    Network { host: String, reason: String },
}

impl S3Error {
    /// The HTTP status S3 answered with, if the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            S3Error::Expired { .. } | S3Error::ExpiredToken { .. } => Some(403),
            S3Error::SignatureMismatch { .. } => Some(403),
            S3Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3Error::MissingSettings(names) => write!(
                f,
                "missing S3 settings: {}; set them (or use --upload-url with a presigned URL) and try again",
                names.join(", ")
            ),
            S3Error::InvalidEndpoint { endpoint } => write!(
                f,
                "the S3 endpoint {endpoint} is not a valid http:// or https:// URL; pass --s3-endpoint like http://127.0.0.1:9000"
            ),
            S3Error::InvalidRegion { region } => write!(
                f,
                "the AWS region \"{region}\" is not valid; set AWS_REGION to a region name such as us-east-1"
            ),
            S3Error::InvalidBucket { bucket } => write!(
                f,
                "the bucket name \"{bucket}\" can't be used in an S3 URL; check --s3-bucket or AWS_STORAGE_BUCKET_NAME"
            ),
            S3Error::InvalidKey => write!(
                f,
                "the S3 object key is empty; give a key (for example engagement-reports/report.zip)"
            ),
            S3Error::InvalidExpiry { seconds } => write!(
                f,
                "a presigned URL must be valid for 1 second to 7 days ({} seconds), not {seconds} seconds; choose an expiry in that range",
                MAX_PRESIGN_EXPIRY.as_secs()
            ),
            S3Error::InvalidUrl { url } => write!(
                f,
                "\"{url}\" is not an http:// or https:// URL; pass the full presigned URL"
            ),
            S3Error::Expired { url } => write!(
                f,
                "the presigned URL for {url} has expired (S3 answered 403); ask for a new one (engagement-report presign) and try again"
            ),
            S3Error::ExpiredToken { url } => write!(
                f,
                "S3 refused the request for {url} because the AWS session token has expired (403 ExpiredToken); refresh AWS_SESSION_TOKEN or get a new presigned URL"
            ),
            S3Error::SignatureMismatch { url, presigned: true } => write!(
                f,
                "S3 refused the presigned URL for {url} because its signature does not match (403 SignatureDoesNotMatch); the URL was changed or signed with other credentials, so ask for a new one"
            ),
            S3Error::SignatureMismatch { url, presigned: false } => write!(
                f,
                "S3 refused the signed request for {url} because the signature does not match (403 SignatureDoesNotMatch); check AWS_SECRET_ACCESS_KEY and the region (AWS_REGION)"
            ),
            S3Error::Http {
                method,
                url,
                status,
                code,
            } => {
                let code = code.as_deref();
                write!(f, "S3 answered HTTP {status}")?;
                if let Some(code) = code {
                    write!(f, " ({code})")?;
                }
                write!(f, " to {method} {url}; {}", hint(*status, code))
            }
            S3Error::Network { host, reason } => write!(
                f,
                "could not reach {host} ({reason}); check the endpoint or URL and the network connection, then try again"
            ),
        }
    }
}

impl std::error::Error for S3Error {}

fn hint(status: u16, code: Option<&str>) -> &'static str {
    match code {
        Some("NoSuchBucket") => "check the bucket name (--s3-bucket or AWS_STORAGE_BUCKET_NAME)",
        Some("NoSuchKey") => "check the object key, or ask for a URL to an object that exists",
        Some("InvalidAccessKeyId") | Some("NotSignedUp") => "check AWS_ACCESS_KEY_ID",
        Some("RequestTimeTooSkewed") => "check this computer's clock",
        Some("AccessDenied") | Some("AllAccessDisabled") => {
            "check that these credentials or this URL allow the request"
        }
        Some("AuthorizationHeaderMalformed") | Some("AuthorizationQueryParametersError") => {
            "check the region (AWS_REGION) and the URL"
        }
        _ => match status {
            301 | 307 | 400 => "check the region (AWS_REGION), the endpoint and the URL",
            401 | 403 => "check that these credentials or this URL allow the request",
            404 => "check the bucket, the key and the endpoint or URL",
            405 => {
                "check that the URL was presigned for this method (PUT to upload, GET to download)"
            }
            500..=599 => "the server failed, so try again later",
            _ => "check the bucket, the key and the endpoint or URL",
        },
    }
}

/// Presigned URL (SigV4 query signing) valid for `expires` seconds
/// (1 second to 7 days; fractions of a second are dropped).
pub fn presign(
    settings: &S3Settings,
    method: Method,
    key: &str,
    expires: Duration,
) -> Result<String, S3Error> {
    let seconds = expires.as_secs();
    if seconds == 0 || expires > MAX_PRESIGN_EXPIRY {
        return Err(S3Error::InvalidExpiry { seconds });
    }
    check_key(key)?;
    let bucket = settings.bucket_handle()?;
    let credentials = settings.credentials();
    let url = match method {
        Method::Put => PutObject::new(&bucket, Some(&credentials), key).sign(expires),
        Method::Get => GetObject::new(&bucket, Some(&credentials), key).sign(expires),
    };
    Ok(url.to_string())
}

/// PUT bytes with credentials to `<bucket>/<key>`; returns the object's URL
/// (no signature in it).
pub fn upload_with_credentials(
    settings: &S3Settings,
    key: &str,
    body: &[u8],
    content_type: &str,
) -> Result<String, S3Error> {
    let signed = presign(settings, Method::Put, key, INTERNAL_EXPIRY)?;
    put(&signed, body, content_type, false)?;
    settings.object_url(key)
}

/// PUT bytes to a presigned URL with the given Content-Type
/// (`application/zip` for reports).
pub fn upload_presigned(url: &str, body: &[u8], content_type: &str) -> Result<(), S3Error> {
    put(url, body, content_type, true)
}

/// GET a presigned (or any http/https) URL, streaming: returns a reader,
/// plus the Content-Length if known.
pub fn open_url(url: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), S3Error> {
    let parsed = parse_http_url(url)?;
    let agent = agent_for(&parsed);
    let mut response = agent
        .get(parsed.as_str())
        .call()
        .map_err(|e| network_error(&parsed, e))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(response_error(
            Method::Get,
            &parsed,
            status,
            response.body_mut(),
            true,
        ));
    }
    // ureq reports no length for an empty body; fall back on the header.
    let length = response.body().content_length().or_else(|| {
        response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    });
    let reader = response.into_body().into_reader();
    Ok((Box::new(reader), length))
}

/// URL with its query string, fragment and any user:password removed, safe
/// to print (the engine's one redaction, shared with the page).
pub use engagement_engine::presigned::redact_url;

fn check_key(key: &str) -> Result<(), S3Error> {
    if key.is_empty() {
        Err(S3Error::InvalidKey)
    } else {
        Ok(())
    }
}

fn parse_http_url(url: &str) -> Result<Url, S3Error> {
    let invalid = || S3Error::InvalidUrl {
        url: redact_url(url),
    };
    let parsed = Url::parse(url.trim()).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid());
    }
    Ok(parsed)
}

fn put(url: &str, body: &[u8], content_type: &str, presigned: bool) -> Result<(), S3Error> {
    let parsed = parse_http_url(url)?;
    let agent = agent_for(&parsed);
    let mut response = agent
        .put(parsed.as_str())
        .header("Content-Type", content_type)
        .send(body)
        .map_err(|e| network_error(&parsed, e))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(response_error(
            Method::Put,
            &parsed,
            status,
            response.body_mut(),
            presigned,
        ))
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn agent_for(url: &Url) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(300)))
        .user_agent(concat!("engagement-report/", env!("CARGO_PKG_VERSION")))
        // The bytes as stored, so Content-Length is the length we read.
        .accept_encoding("identity");
    if is_loopback(url) {
        // Loopback traffic never goes through an HTTP(S)_PROXY.
        config = config.proxy(None);
    }
    config.build().new_agent()
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => "the server".to_owned(),
    }
}

/// A transport-level error, described without echoing the URL or any
/// text we don't control.
fn network_error(url: &Url, err: ureq::Error) -> S3Error {
    let reason = match &err {
        // rustls reports a handshake with a non-TLS peer as InvalidData.
        ureq::Error::Io(io)
            if url.scheme() == "https" && io.kind() == std::io::ErrorKind::InvalidData =>
        {
            "TLS handshake failed".to_owned()
        }
        ureq::Error::Io(io) => io_reason(io),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            "TLS handshake failed".to_owned()
        }
        ureq::Error::RedirectFailed | ureq::Error::TooManyRedirects => {
            "the server redirected the request".to_owned()
        }
        ureq::Error::ConnectProxyFailed(_) | ureq::Error::InvalidProxyUrl => {
            "the HTTP proxy failed; check HTTPS_PROXY/HTTP_PROXY".to_owned()
        }
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            "the server sent an invalid HTTP response".to_owned()
        }
        _ => "the request failed".to_owned(),
    };
    S3Error::Network {
        host: host_of(url),
        reason,
    }
}

fn io_reason(io: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match io.kind() {
        K::ConnectionRefused => "connection refused".to_owned(),
        K::ConnectionReset => "connection reset".to_owned(),
        K::ConnectionAborted => "connection aborted".to_owned(),
        K::TimedOut => "timed out".to_owned(),
        K::UnexpectedEof => "connection closed early".to_owned(),
        K::BrokenPipe => "connection closed while sending".to_owned(),
        // ErrorKind's Display is a fixed description, never the URL.
        kind => kind.to_string(),
    }
}

/// Turn a non-2xx response into an error, reading at most
/// [`ERROR_BODY_LIMIT`] bytes of its body for the S3 `<Code>`.
fn response_error(
    method: Method,
    url: &Url,
    status: u16,
    body: &mut ureq::Body,
    presigned: bool,
) -> S3Error {
    let text = body
        .with_config()
        .limit(ERROR_BODY_LIMIT)
        .read_to_vec()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    classify(method, url, status, &text, presigned)
}

fn classify(method: Method, url: &Url, status: u16, body: &str, presigned: bool) -> S3Error {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let shown = redact_url(url.as_str());
    match presigned::classify(status, body, url.as_str(), now) {
        Refusal::ExpiredToken => S3Error::ExpiredToken { url: shown },
        Refusal::SignatureMismatch => S3Error::SignatureMismatch {
            url: shown,
            presigned,
        },
        Refusal::Expired => S3Error::Expired { url: shown },
        Refusal::Other { status, code } => S3Error::Http {
            method,
            url: shown,
            status,
            code,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_reads_codes() {
        let url = Url::parse("http://h/b/k?X-Amz-Signature=abc").unwrap();
        let xml = |code: &str, msg: &str| {
            format!(
                "<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>{msg}</Message></Error>"
            )
        };
        assert!(matches!(
            classify(
                Method::Get,
                &url,
                403,
                &xml("AccessDenied", "Request has expired"),
                true
            ),
            S3Error::Expired { .. }
        ));
        assert!(matches!(
            classify(Method::Get, &url, 400, &xml("ExpiredToken", "x"), true),
            S3Error::ExpiredToken { .. }
        ));
        assert!(matches!(
            classify(
                Method::Put,
                &url,
                403,
                &xml("SignatureDoesNotMatch", "x"),
                true
            ),
            S3Error::SignatureMismatch {
                presigned: true,
                ..
            }
        ));
        let e = classify(Method::Get, &url, 404, &xml("NoSuchKey", "x"), true);
        assert_eq!(
            e,
            S3Error::Http {
                method: Method::Get,
                url: "http://h/b/k".into(),
                status: 404,
                code: Some("NoSuchKey".into())
            }
        );
        // A code that isn't an identifier is not shown.
        let e = classify(Method::Get, &url, 500, &xml("<b>x y</b>", "x"), true);
        assert!(matches!(e, S3Error::Http { code: None, .. }));
    }
}
