//! The page's words for what went wrong: an expired link, a refused S3
//! request, a tab out of memory. The classification is the engine's
//! ([`engagement_engine::presigned`]); the phrasing (the page's fields and
//! next steps) is here.

use engagement_engine::presigned::{self, Refusal};

use engagement_engine::presigned::redact_url;

/// What the page says when the worker could not get `requested` more bytes
/// with `in_use` bytes of WebAssembly memory already taken.
pub fn out_of_memory_message(requested: u64, in_use: u64) -> String {
    const MIB: f64 = 1_048_576.0;
    format!(
        "the browser ran out of memory for this bundle: the engine asked for {:.0} MiB more \
         with {:.0} MiB in use, more than this browser tab gives it (at most 4 GiB, \
         often less). Load a shorter export, or run the engagement-report command-line tool, which has \
         no such limit, on the same files",
        requested as f64 / MIB,
        in_use as f64 / MIB
    )
}

/// The message for a presigned URL whose validity ended (`now` in seconds
/// since the epoch), or `None` while it is valid or not presigned.
pub fn expired_link_message(url: &str, now: i64) -> Option<String> {
    (presigned::is_expired(url, now)? ).then(|| {
        format!(
            "The link to {} has expired (presigned URLs are valid for a limited time); ask for a fresh one (mint it with `engagement-report presign`) and paste it in the URL field.",
            redact_url(url)
        )
    })
}

/// Explains a refused S3 request (GET or PUT) without echoing the URL's
/// query string: (message, whether the link has expired). `now` is in
/// seconds since the epoch.
pub fn explain_http_failure(
    status: u16,
    body: &str,
    url: &str,
    action: &str,
    now: i64,
) -> (String, bool) {
    let (code, message) = presigned::s3_error_fields(body);
    let message = message.map(|m| presigned::scrub(&m, url));
    let refusal = presigned::classify(status, body, url, now);
    let expired = matches!(refusal, Refusal::Expired | Refusal::ExpiredToken);
    let what = match refusal {
        Refusal::Expired | Refusal::ExpiredToken => "the presigned URL has expired; ask for a fresh one (mint it with `engagement-report presign`)",
        Refusal::SignatureMismatch => "the URL's signature does not match; copy the whole presigned URL again, or mint a new one with the right method",
        Refusal::Other { code, status } => match (code.as_deref(), status) {
            (Some("AccessDenied"), _) | (_, 403) => "access was denied; the presigned URL is wrong, for another method, or has expired — mint a fresh one",
            (Some("NoSuchKey"), _) | (_, 404) => "there is no such object; check the bucket and key",
            (Some("NoSuchBucket"), _) => "there is no such bucket",
            _ => "the server refused the request; check that the link has not expired and is for this file, and ask whoever made the link for a fresh one",
        },
    };
    let detail = match (code, message) {
        (Some(c), Some(m)) => format!(" ({c}: {m})"),
        (Some(c), None) => format!(" ({c})"),
        _ => String::new(),
    };
    (
        format!(
            "{action} {} failed with HTTP {status}: {what}{detail}",
            redact_url(url)
        ),
        expired,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Reply;

    #[test]
    fn out_of_memory_names_sizes_limit_and_next_step() {
        let m = out_of_memory_message(512 * 1_048_576, 3_900 * 1_048_576);
        assert!(
            m.contains("asked for 512 MiB more with 3900 MiB in use"),
            "{m}"
        );
        assert!(
            m.contains("more than this browser tab gives it (at most 4 GiB"),
            "{m}"
        );
        assert!(m.contains("engagement-report command-line tool"), "{m}");
        let round = serde_json::to_string(&Reply::Crashed { message: m.clone() }).unwrap();
        assert_eq!(
            serde_json::from_str::<Reply>(&round).unwrap(),
            Reply::Crashed { message: m }
        );
    }

    #[test]
    fn redaction_drops_the_signature() {
        let url =
            "https://b.s3.amazonaws.com/k.zip?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=60";
        assert_eq!(redact_url(url), "https://b.s3.amazonaws.com/k.zip");
        let (msg, expired) = explain_http_failure(
            403,
            "<Error><Code>AccessDenied</Code><Message>Request has expired abcdef0123456789</Message></Error>",
            url,
            "Upload to",
            0,
        );
        assert!(expired);
        assert!(!msg.contains("abcdef0123456789"), "{msg}");
        assert!(!msg.contains("X-Amz"), "{msg}");
        assert!(msg.contains("expired"));
    }

    #[test]
    fn an_unexplained_refusal_says_what_to_check_and_who_can_help() {
        let url = "https://b.s3.amazonaws.com/k.zip?X-Amz-Signature=abcdef0123456789";
        let (msg, expired) = explain_http_failure(501, "", url, "Upload to", 0);
        assert!(!expired);
        assert_eq!(
            msg,
            "Upload to https://b.s3.amazonaws.com/k.zip failed with HTTP 501: the server refused the request; check that the link has not expired and is for this file, and ask whoever made the link for a fresh one"
        );
    }

    #[test]
    fn presigned_expiry_from_date_and_expires() {
        let url = "http://127.0.0.1:9/reports/b.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250630T235959Z&X-Amz-Expires=1&X-Amz-Signature=abcdef0123456789";
        assert_eq!(expired_link_message(url, 1_751_327_999), None);
        let msg = expired_link_message(url, 1_751_328_000).unwrap();
        assert!(msg.contains("expired") && msg.contains("fresh"), "{msg}");
        assert!(
            !msg.contains("abcdef0123456789") && !msg.contains("X-Amz"),
            "{msg}"
        );
        assert_eq!(expired_link_message("https://h/k.zip?x=1", i64::MAX), None);
    }
}
