//! Small wrappers over browser APIs: the address (the page's state in its
//! fragment, SPEC §10), downloads, the clipboard, time zones.

use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::share_link;

fn window() -> web_sys::Window {
    web_sys::window().expect("a page has a window")
}

/// Brings the element `id` (a heading with `tabindex="-1"`, so that it can
/// hold the focus without being a Tab stop) into view with the keyboard's
/// focus: where a click opened a panel or skipped to the report, the
/// keyboard and screen readers follow.
pub fn focus_into_view(id: &str) {
    if let Some(el) = window().document().and_then(|d| d.get_element_by_id(id)) {
        el.scroll_into_view();
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// The address's state: its fragment (`#bundle=…&tz=…`), or for a link
/// written with `?` that the first script (boot.js) has not rewritten, its
/// query.
fn link_params() -> Option<web_sys::UrlSearchParams> {
    let location = window().location();
    let hash = location.hash().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let text = share_link::fragment_for(&search, &hash).unwrap_or(hash);
    web_sys::UrlSearchParams::new_with_str(text.trim_start_matches('#')).ok()
}

/// The value of `key` in the address's state (see [`link_params`]).
pub fn link_param(key: &str) -> Option<String> {
    link_params()?.get(key).filter(|v| !v.is_empty())
}

/// `pairs` as a fragment (`#k=v&…`, empty values left out; `""` for none).
fn fragment(pairs: &[(&str, String)]) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return String::new();
    };
    for (k, v) in pairs {
        if !v.is_empty() {
            params.append(k, v);
        }
    }
    let text = String::from(params.to_string());
    if text.is_empty() {
        text
    } else {
        format!("#{text}")
    }
}

/// The page's address without query or fragment.
fn page_base() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_else(|_| "/".into())
    )
}

/// Replaces the address's state (no reload, no history entry): the pairs
/// go into the fragment, which never reaches the static host, and a query
/// is dropped.
pub fn set_link(pairs: &[(&str, String)]) {
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    let url = format!("{path}{}", fragment(pairs));
    let current = window().location().href().unwrap_or_default();
    if current.ends_with(&url) && !current.contains('?') {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The share link of a state (for "copy link"): this page's address with
/// `pairs` in its fragment.
pub fn share_url(pairs: &[(&str, String)]) -> String {
    format!("{}{}", page_base(), fragment(pairs))
}

/// The `localStorage` key of the origin this deployment (this page's
/// folder) last loaded a bundle from.
fn last_origin_key() -> String {
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    format!(
        "engagement-report last bundle origin {}",
        share_link::kept_dir_name(&path)
    )
}

/// The origin this deployment last loaded a bundle from (only the origin is
/// remembered: no path, no query).
pub fn last_bundle_origin() -> Option<String> {
    let storage = window().local_storage().ok()??;
    storage.get_item(&last_origin_key()).ok()?
}

/// Remembers the origin of a bundle's URL as the one last loaded from.
pub fn remember_bundle_origin(url: &str) {
    if let (Some(origin), Ok(Some(storage))) =
        (share_link::url_origin(url), window().local_storage())
    {
        let _ = storage.set_item(&last_origin_key(), &origin);
    }
}

/// Seconds since the epoch.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The page's origin, e.g. `http://127.0.0.1:8080`.
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// Saves `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &Uint8Array) -> Result<(), String> {
    let parts = Array::new();
    parts.push(bytes);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
        .map_err(|_| "cannot make the file".to_string())?;
    download_blob(name, &blob)
}

/// Saves a blob as a download named `name` (through a `blob:` URL that is
/// revoked a minute later, when the browser has long taken the bytes).
pub fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|_| "cannot make a download link".to_string())?;
    let doc = window().document().expect("a page has a document");
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "cannot make a download link".to_string())?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// Copies text to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused access to the clipboard; use Download instead".into())
}

fn intl() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &"Intl".into()).ok()
}

/// The browser's IANA time zone (UTC when unknown).
pub fn browser_time_zone() -> String {
    (|| {
        let intl = intl()?;
        let ctor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let fmt = Reflect::construct(&ctor, &Array::new()).ok()?;
        let resolved: Function = Reflect::get(&fmt, &"resolvedOptions".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let opts = resolved.call0(&fmt).ok()?;
        Reflect::get(&opts, &"timeZone".into()).ok()?.as_string()
    })()
    .unwrap_or_else(|| "UTC".into())
}

/// Every IANA zone the browser knows, UTC first.
pub fn time_zones() -> Vec<String> {
    let mut out = vec!["UTC".to_string()];
    let list = (|| {
        let intl = intl()?;
        let f: Function = Reflect::get(&intl, &"supportedValuesOf".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let arr: Array = f.call1(&intl, &"timeZone".into()).ok()?.dyn_into().ok()?;
        Some(arr.iter().filter_map(|v| v.as_string()).collect::<Vec<_>>())
    })()
    .unwrap_or_default();
    out.extend(list.into_iter().filter(|z| z != "UTC"));
    out
}

/// Milliseconds since the epoch (for timing loads).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
