//! Text handling of presigned S3 URLs and S3 answers, without I/O: what the
//! CLI and the page show of a URL, the name of the file it points to, when a
//! SigV4 presigned URL expires, and what an S3 error body says.
//!
//! Both front ends call this one module, so a URL is redacted the same way
//! everywhere and a refusal is classified the same way; each front end only
//! phrases the advice in its own words (the CLI names its flags, the page
//! its fields).

use crate::timestamp::days_from_civil;

/// The URL without its query string, fragment and `user:password@`, safe to
/// show: a presigned URL's signature and credentials live in those parts.
///
/// ```
/// use engagement_engine::presigned::redact_url;
/// assert_eq!(
///     redact_url("https://u:p@h.example/b/k.zip?X-Amz-Signature=abc#f"),
///     "https://h.example/b/k.zip"
/// );
/// assert_eq!(redact_url("garbage?sig=1"), "garbage");
/// ```
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    let head = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    // User info ends at the last `@` of the authority (before the path).
    let (scheme, rest) = match head.find("://") {
        Some(i) => head.split_at(i + 3),
        None => ("", head),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => head.to_string(),
    }
}

/// `text` with every long query value of `url` replaced by `…`, as written
/// in the URL and percent-decoded (`a%2Fb` is also removed as `a/b`: S3
/// echoes the decoded credential in its messages), then with
/// [`redact_secrets`] applied: a server's message may echo parts of the
/// request, signature included.
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    if let Some((_, query)) = url.split_once('?') {
        let query = query.split('#').next().unwrap_or(query);
        for pair in query.split('&') {
            if let Some((_, value)) = pair.split_once('=') {
                // Short values (`60`, `GET`) are not secrets and would
                // blank out ordinary words.
                if value.len() >= 8 {
                    out = out.replace(value, "…");
                    let decoded = percent_decode(value);
                    if decoded.len() >= 8 {
                        out = out.replace(&decoded, "…");
                    }
                }
            }
        }
    }
    redact_secrets(&out)
}

/// The names after which a signature, credential or token follows, in a
/// URL's query (`X-Amz-Signature=…`), a header (`x-amz-security-token: …`)
/// or an `Authorization` value (`Credential=…, Signature=…`). Compared
/// ASCII case-insensitively; `Signature` also covers `X-Amz-Signature`.
const SECRET_NAMES: &[&str] = &[
    "Signature",
    "Credential",
    "Security-Token",
    "SecurityToken",
    "AWSAccessKeyId",
    "Authorization",
    "Token",
];

/// `text` with the value after every [`SECRET_NAMES`] name replaced by
/// `…`, whether the text is raw or percent-encoded (`X-Amz-Signature%3D…`):
/// the last guard of every message that may hold a URL or a request, so no
/// message shows a signature, security token or credential.
///
/// ```
/// use engagement_engine::presigned::redact_secrets;
/// assert_eq!(
///     redact_secrets("GET /k?X-Amz-Credential=AK%2F2025&X-Amz-Signature=ab12 failed"),
///     "GET /k?X-Amz-Credential=…&X-Amz-Signature=… failed"
/// );
/// assert_eq!(redact_secrets("x-amz-security-token: FQo/Gb+= end"), "x-amz-security-token: … end");
/// ```
pub fn redact_secrets(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let name = SECRET_NAMES
            .iter()
            .find(|n| lower[i..].starts_with(&n.to_ascii_lowercase()));
        let Some(name) = name else {
            i += 1;
            continue;
        };
        let mut j = i + name.len();
        // The separator: `=`, `%3D` (percent-encoded), `:` with spaces.
        let sep = if bytes.get(j) == Some(&b'=') {
            1
        } else if lower[j..].starts_with("%3d") {
            3
        } else if bytes.get(j) == Some(&b':') {
            1 + text[j + 1..].len() - text[j + 1..].trim_start_matches(' ').len()
        } else {
            0
        };
        if sep == 0 {
            i = j;
            continue;
        }
        j += sep;
        // The value runs to a delimiter of URLs, headers and prose; `%26`
        // is a percent-encoded `&`.
        let end = text[j..]
            .char_indices()
            .find(|&(k, c)| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '&' | '"' | '\'' | '<' | '>' | ',' | ';' | ')' | ']' | '#'
                    )
                    || lower[j + k..].starts_with("%26")
            })
            .map_or(text.len(), |(k, _)| j + k);
        if end > j {
            out.push_str(&text[copied..j]);
            out.push('…');
            copied = end;
        }
        i = end.max(j);
    }
    out.push_str(&text[copied..]);
    out
}

/// `%XX` escapes (and `+`, a query's space) decoded; invalid escapes and
/// non-UTF-8 results are kept as written.
fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The file name a URL points to: the last segment of its path, never its
/// query (which holds the signature); `download` when the path has none.
///
/// ```
/// use engagement_engine::presigned::url_file_name;
/// assert_eq!(url_file_name("https://h/b/exports.zip?X-Amz-Signature=1"), "exports.zip");
/// assert_eq!(url_file_name("https://h"), "download");
/// ```
pub fn url_file_name(url: &str) -> String {
    let shown = redact_url(url);
    let path = shown.split_once("://").map_or(shown.as_str(), |(_, r)| r);
    path.split_once('/')
        .map_or("", |(_, p)| p)
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("download")
        .to_string()
}

/// A query parameter's raw value (name compared ASCII case-insensitively,
/// value not percent-decoded).
fn query_value<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.eq_ignore_ascii_case(name).then_some(v)
    })
}

/// `YYYYMMDDTHHMMSSZ` (SigV4's `X-Amz-Date`) as seconds since the epoch.
pub fn parse_amz_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y as i32, mo as u32, d as u32);
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

/// When a SigV4 presigned URL stops being valid, in seconds since the
/// epoch (`X-Amz-Date` + `X-Amz-Expires`); `None` when it is not presigned
/// that way.
pub fn presigned_expiry(url: &str) -> Option<i64> {
    let date = parse_amz_date(query_value(url, "X-Amz-Date")?)?;
    let expires: i64 = query_value(url, "X-Amz-Expires")?.parse().ok()?;
    date.checked_add(expires)
}

/// Whether a presigned URL's validity has ended at `now` (seconds since
/// the epoch); `None` when it is not presigned.
pub fn is_expired(url: &str, now: i64) -> Option<bool> {
    presigned_expiry(url).map(|end| now >= end)
}

/// The `<Code>` (only when it is a plain identifier) and `<Message>` of an
/// S3 XML error body.
pub fn s3_error_fields(body: &str) -> (Option<String>, Option<String>) {
    let element = |name: &str| {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = body.find(&open)? + open.len();
        let len = body[start..].find(&close)?;
        Some(body[start..start + len].trim().to_string())
    };
    // Codes are short identifiers; anything else is not worth showing.
    let code = element("Code").filter(|c| {
        !c.is_empty() && c.len() <= 64 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    });
    (code, element("Message"))
}

/// Why S3 refused a request, as both front ends classify it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The presigned URL's validity ended.
    Expired,
    /// The session token of the signing credentials expired.
    ExpiredToken,
    /// The signature does not match (a changed URL or other credentials).
    SignatureMismatch,
    /// Any other refusal, with S3's error code when the body had one.
    Other {
        /// HTTP status.
        status: u16,
        /// S3 error code (`NoSuchKey`, `AccessDenied`, …).
        code: Option<String>,
    },
}

/// Classifies a non-success answer to a request for `url`, from its status
/// and body; `now` (seconds since the epoch) tells an expired URL from
/// another denial when S3 does not say so.
pub fn classify(status: u16, body: &str, url: &str, now: i64) -> Refusal {
    let (code, message) = s3_error_fields(body);
    let says_expired = message
        .as_deref()
        .is_some_and(|m| m.to_ascii_lowercase().contains("expired"));
    match (status, code.as_deref()) {
        (_, Some("ExpiredToken")) => Refusal::ExpiredToken,
        (_, Some("SignatureDoesNotMatch")) => Refusal::SignatureMismatch,
        (403, c)
            if (c == Some("AccessDenied") || c.is_none())
                && (says_expired || is_expired(url, now) == Some(true)) =>
        {
            Refusal::Expired
        }
        _ => Refusal::Other { status, code },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_credentials_query_or_fragment() {
        assert_eq!(
            redact_url("https://user:pass@h.example:8443/b/k.zip?X-Amz-Signature=abc#frag"),
            "https://h.example:8443/b/k.zip"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:9000/b/k"),
            "http://127.0.0.1:9000/b/k"
        );
        assert_eq!(redact_url("garbage?X-Amz-Signature=abc"), "garbage");
        assert_eq!(redact_url("weird://u:p@x y?z"), "weird://x y");
        // An `@` in the path is not user info.
        assert_eq!(redact_url("https://h/a@b/k.zip"), "https://h/a@b/k.zip");
        assert_eq!(redact_url("u:p@h/k?x=1"), "h/k");
    }

    #[test]
    fn scrub_removes_long_query_values() {
        let url = "https://h/k.zip?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=60";
        assert_eq!(
            scrub("Request abcdef0123456789 expired after 60", url),
            "Request … expired after 60"
        );
    }

    #[test]
    fn scrub_removes_percent_decoded_values_too() {
        let url = "https://h/k.zip?X-Amz-Credential=AKIDEXAMPLE%2F20250630%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=FQoGZX%2Bv%2Fsecret%3D%3D&X-Amz-Signature=5ec7e75ec7e7";
        let body = "The request signature we calculated does not match. \
            Credential AKIDEXAMPLE/20250630/us-east-1/s3/aws4_request token FQoGZX+v/secret== \
            raw AKIDEXAMPLE%2F20250630%2Fus-east-1%2Fs3%2Faws4_request sig 5ec7e75ec7e7";
        let out = scrub(body, url);
        for secret in [
            "AKIDEXAMPLE",
            "FQoGZX",
            "secret==",
            "5ec7e75ec7e7",
            "aws4_request",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.starts_with("The request signature we calculated does not match."));
    }

    #[test]
    fn secrets_are_redacted_raw_encoded_and_in_headers() {
        let cases = [
            (
                "https://h/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5ec7e7aa&X-Amz-Expires=60",
                "https://h/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=…&X-Amz-Expires=60",
            ),
            // A whole presigned URL percent-encoded (a share link's value).
            (
                "bundle=https%3A%2F%2Fh%2Fk%3FX-Amz-Signature%3D5ec7e7aa%26X-Amz-Credential%3DAK%252F1%26X-Amz-Expires%3D60",
                "bundle=https%3A%2F%2Fh%2Fk%3FX-Amz-Signature%3D…%26X-Amz-Credential%3D…%26X-Amz-Expires%3D60",
            ),
            // Canonical request lines and an Authorization header.
            (
                "host:h\nx-amz-security-token:FQo+Gb/x==\nx",
                "host:h\nx-amz-security-token:…\nx",
            ),
            (
                "Authorization: AWS4-HMAC-SHA256 Credential=AK/2025/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=5ec7e7aa",
                "Authorization: … Credential=…, SignedHeaders=host, Signature=…",
            ),
            // Legacy (SigV2) query and ordinary prose stay readable.
            (
                "k?AWSAccessKeyId=AKID&Signature=abc%2Bdef&Expires=1",
                "k?AWSAccessKeyId=…&Signature=…&Expires=1",
            ),
            (
                "the signature does not match; token expired",
                "the signature does not match; token expired",
            ),
            ("Signatur ungültig — Signature=ab ü", "Signatur ungültig — Signature=… ü"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_secrets(text), want, "{text}");
        }
    }

    #[test]
    fn file_names_come_from_the_path() {
        assert_eq!(
            url_file_name("http://127.0.0.1:9/b/x/bundle.zip?sig=1"),
            "bundle.zip"
        );
        assert_eq!(url_file_name("https://u:p@host/"), "download");
        assert_eq!(url_file_name("https://host/dir/"), "dir");
    }

    #[test]
    fn amz_dates_and_expiry() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20130524T000000Z"), Some(1_369_353_600));
        assert_eq!(parse_amz_date("20240229T235959Z"), Some(1_709_251_199));
        assert_eq!(parse_amz_date("2013-05-24"), None);
        assert_eq!(parse_amz_date("2013052+T000000Z"), None);
        let url = "http://h/b.zip?X-Amz-Date=20250630T235959Z&X-Amz-Expires=1&X-Amz-Signature=s";
        // 2025-06-30T23:59:59Z is 1751327999.
        assert_eq!(presigned_expiry(url), Some(1_751_328_000));
        assert_eq!(is_expired(url, 1_751_327_999), Some(false));
        assert_eq!(is_expired(url, 1_751_328_000), Some(true));
        assert_eq!(presigned_expiry("https://h/k.zip"), None);
        assert_eq!(
            presigned_expiry("https://h/k?X-Amz-Date=bad&X-Amz-Expires=5"),
            None
        );
    }

    #[test]
    fn refusals_are_classified_from_code_message_and_expiry() {
        let xml = |code: &str, msg: &str| {
            format!(
                "<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>{msg}</Message></Error>"
            )
        };
        let url = "http://h/b/k?X-Amz-Signature=abc";
        assert_eq!(
            classify(403, &xml("AccessDenied", "Request has expired"), url, 0),
            Refusal::Expired
        );
        assert_eq!(
            classify(400, &xml("ExpiredToken", "x"), url, 0),
            Refusal::ExpiredToken
        );
        assert_eq!(
            classify(403, &xml("SignatureDoesNotMatch", "x"), url, 0),
            Refusal::SignatureMismatch
        );
        assert_eq!(
            classify(404, &xml("NoSuchKey", "x"), url, 0),
            Refusal::Other {
                status: 404,
                code: Some("NoSuchKey".into())
            }
        );
        // A bare 403 on a URL past its expiry is an expiry.
        let old = "http://h/b/k?X-Amz-Date=20130524T000000Z&X-Amz-Expires=60";
        assert_eq!(classify(403, "", old, 1_369_353_660), Refusal::Expired);
        assert_eq!(
            classify(403, "", old, 1_369_353_659),
            Refusal::Other {
                status: 403,
                code: None
            }
        );
        // A code that is not an identifier is not shown.
        assert_eq!(
            classify(500, &xml("<b>x y</b>", "x"), url, 0),
            Refusal::Other {
                status: 500,
                code: None
            }
        );
    }
}
