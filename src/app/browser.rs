//! Small wrappers over browser APIs: the address's query string, downloads,
//! the clipboard, time zones.

use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

fn window() -> web_sys::Window {
    web_sys::window().expect("a page has a window")
}

/// The value of `key` in the address's query string.
pub fn query_param(key: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(key).filter(|v| !v.is_empty())
}

/// Replaces the address's query string (no reload, no history entry).
pub fn set_query(pairs: &[(&str, String)]) {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return;
    };
    for (k, v) in pairs {
        if !v.is_empty() {
            params.append(k, v);
        }
    }
    let query = String::from(params.to_string());
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The full address of the page (for "copy link").
pub fn page_url() -> String {
    window().location().href().unwrap_or_default()
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
