//! The pure parts of the page's links and of what belongs to one deployment
//! (SPEC §10), tested natively; the browser calls are in `app::browser`.
//!
//! A share link carries the page's state in the URL's fragment
//! (`#bundle=<url>&start=…`): a fragment never leaves the browser, so the
//! static host never receives a presigned URL, which is a password to the
//! members' data until it expires. Links written with `?` still open: the
//! first script moves their query to the fragment ([`fragment_for`]).

use engagement_engine::presigned::{presigned_expiry, redact_url};

/// The fragment a page address should have: its query moved into the
/// fragment when the address has a query and no state in its fragment (an
/// old `?bundle=` link); `None` when nothing is to be rewritten. `search`
/// and `hash` are `location.search` and `location.hash` (with their `?` and
/// `#`).
///
/// ```
/// use engagement_report_web::share_link::fragment_for;
/// assert_eq!(fragment_for("?bundle=x&tz=UTC", ""), Some("#bundle=x&tz=UTC".into()));
/// assert_eq!(fragment_for("", "#tz=UTC"), None);
/// ```
pub fn fragment_for(search: &str, hash: &str) -> Option<String> {
    let query = search.strip_prefix('?').unwrap_or(search);
    if query.is_empty() {
        return None;
    }
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    // A fragment that holds state wins; a query beside it is dropped.
    Some(if fragment.contains('=') {
        format!("#{fragment}")
    } else {
        format!("#{query}")
    })
}

/// The origin (`scheme://host[:port]`, lower case, without user info) of an
/// http(s) URL; `None` for anything else.
///
/// ```
/// use engagement_report_web::share_link::url_origin;
/// assert_eq!(url_origin("https://u:p@B.example:8443/k?s=1").as_deref(), Some("https://b.example:8443"));
/// assert_eq!(url_origin("ftp://h/k"), None);
/// ```
pub fn url_origin(url: &str) -> Option<String> {
    let shown = redact_url(url);
    let (scheme, rest) = shown.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next().unwrap_or("").to_ascii_lowercase();
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// The name of the folder at the private file system's root that holds one
/// deployment's kept data, from the page's path (`location.pathname` of the
/// page or of its worker, which lives beside it): `kept` for a page at the
/// site's root (the name before deployments had their own), else `kept`
/// followed by the page's folder percent-encoded, so that two copies of the
/// page under different prefixes of one origin never share a folder.
///
/// ```
/// use engagement_report_web::share_link::kept_dir_name;
/// assert_eq!(kept_dir_name("/"), "kept");
/// assert_eq!(kept_dir_name("/reports/index.html"), "kept%2Freports%2F");
/// ```
pub fn kept_dir_name(path: &str) -> String {
    let folder = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    if folder == "/" {
        return "kept".into();
    }
    let mut out = String::from("kept");
    for b in folder.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a share link must be confirmed before the page fetches it, or
/// `None`: it points at another host than the one the page last loaded
/// from (`last_origin`), or loading it would replace data kept on this
/// computer (`kept_from`: `Some(None)` for kept files, `Some(Some(url))` for
/// a kept download, `None` when nothing is kept) that is not from this link.
pub fn consent_reason(
    link: &str,
    last_origin: Option<&str>,
    kept_from: Option<Option<&str>>,
) -> Option<String> {
    let host = url_origin(link).unwrap_or_else(|| redact_url(link));
    let mut reasons = Vec::new();
    if let Some(last) = last_origin {
        if last != host {
            reasons.push(format!(
                "It points at {host}, not at {last}, where this page last loaded export files from."
            ));
        }
    }
    match kept_from {
        Some(Some(kept)) if kept == redact_url(link) => {}
        Some(_) => reasons.push("Loading it replaces the data kept on this computer.".to_string()),
        None => {}
    }
    (!reasons.is_empty()).then(|| reasons.join(" "))
}

/// What "Copy link" tells the user a share link gives its receiver: the
/// bundle's URL (presigned: a password to the data) for as long as it is
/// valid. `now` is in seconds since the epoch.
pub fn share_note(bundle: &str, now: i64) -> String {
    let host = url_origin(bundle).unwrap_or_else(|| redact_url(bundle));
    let validity = match presigned_expiry(bundle) {
        Some(end) if end > now => format!(
            "for about {} more (its presigned URL expires then)",
            human_duration(end - now)
        ),
        Some(_) => "no more: its presigned URL has expired".to_string(),
        None => "for as long as the link to the export files is valid".to_string(),
    };
    format!(
        "copied a link to this report: whoever opens it downloads the export files from {host} and sees the members' data, {validity}. Send it only to people who may see that data."
    )
}

fn human_duration(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        s if s < 120 => plural(s.max(0), "second"),
        s if s < 2 * 3600 => plural(s / 60, "minute"),
        s if s < 2 * 86_400 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_query_links_move_to_the_fragment() {
        assert_eq!(fragment_for("", ""), None);
        assert_eq!(fragment_for("?", "#x=1"), None);
        assert_eq!(
            fragment_for("?bundle=https%3A%2F%2Fh%2Fk%3Fs%3D1&tz=UTC", ""),
            Some("#bundle=https%3A%2F%2Fh%2Fk%3Fs%3D1&tz=UTC".into())
        );
        // State already in the fragment wins over a stray query.
        assert_eq!(
            fragment_for("?bundle=a", "#bundle=b&tz=UTC"),
            Some("#bundle=b&tz=UTC".into())
        );
        assert_eq!(
            fragment_for("?demo=small", "#top"),
            Some("#demo=small".into())
        );
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            url_origin("http://127.0.0.1:9000/b/k.zip?X-Amz-Signature=s").as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            url_origin("HTTPS://H.example").as_deref(),
            Some("https://h.example")
        );
        assert_eq!(url_origin("not a url"), None);
        assert_eq!(url_origin("https://"), None);
    }

    #[test]
    fn each_prefix_has_its_own_kept_folder() {
        assert_eq!(kept_dir_name("/"), "kept");
        assert_eq!(kept_dir_name("/index.html"), "kept");
        assert_eq!(kept_dir_name("/worker_loader.js"), "kept");
        assert_eq!(kept_dir_name("/reports/"), "kept%2Freports%2F");
        assert_eq!(
            kept_dir_name("/reports/worker_loader.js"),
            "kept%2Freports%2F"
        );
        assert_eq!(kept_dir_name("/staging/"), "kept%2Fstaging%2F");
        assert_eq!(kept_dir_name("/a b/"), "kept%2Fa%20b%2F");
        assert_ne!(kept_dir_name("/a/b/"), kept_dir_name("/a/"));
    }

    #[test]
    fn foreign_hosts_and_kept_data_need_consent() {
        let link = "http://127.0.0.1:2/b/k.zip?X-Amz-Signature=s";
        assert_eq!(consent_reason(link, None, None), None);
        assert_eq!(consent_reason(link, Some("http://127.0.0.1:2"), None), None);
        let other = consent_reason(link, Some("https://mine.example"), None).unwrap();
        assert!(
            other.contains("http://127.0.0.1:2") && other.contains("https://mine.example"),
            "{other}"
        );
        assert!(!other.contains("X-Amz"), "{other}");
        // The kept download of this very link is restored, not replaced.
        assert_eq!(
            consent_reason(link, None, Some(Some("http://127.0.0.1:2/b/k.zip"))),
            None
        );
        let kept = consent_reason(link, None, Some(Some("http://127.0.0.1:2/b/old.zip"))).unwrap();
        assert!(kept.contains("replaces the data kept"), "{kept}");
        assert!(consent_reason(link, None, Some(None)).is_some());
    }

    #[test]
    fn the_share_note_says_what_the_link_gives_and_until_when() {
        let url = "https://h.example/b/k.zip?X-Amz-Date=20250630T000000Z&X-Amz-Expires=7200&X-Amz-Signature=5ec7e7";
        // 2025-06-30T00:00:00Z is 1751241600.
        let note = share_note(url, 1_751_241_600 + 1800);
        assert!(note.contains("https://h.example"), "{note}");
        assert!(note.contains("about 90 minutes more"), "{note}");
        assert!(!note.contains("5ec7e7"), "{note}");
        let note = share_note(url, 1_751_241_600 + 7200);
        assert!(note.contains("has expired"), "{note}");
        let note = share_note("https://h.example/k.zip", 0);
        assert!(
            note.contains("as long as the link to the export files is valid"),
            "{note}"
        );
    }
}
