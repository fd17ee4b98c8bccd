//! The keyboard of the ARIA tabs pattern, for every row of tabs in the page:
//! Left and Right move to the previous and next tab (wrapping), Home and End
//! to the first and last; the tab moved to is selected and focused. With the
//! roving `tabindex` of the tabs (0 on the selected one, -1 on the others),
//! one Tab press leaves the row.

use wasm_bindgen::JsCast;

/// The tab `key` moves to from `current` among `ids` (in order), or `None`
/// when the key is not one of the pattern's.
pub fn tab_after_key<'a>(key: &str, ids: &[&'a str], current: &str) -> Option<&'a str> {
    let at = ids.iter().position(|id| *id == current).unwrap_or(0);
    let last = ids.len().checked_sub(1)?;
    let to = match key {
        "ArrowRight" => (at + 1) % ids.len(),
        "ArrowLeft" => at.checked_sub(1).unwrap_or(last),
        "Home" => 0,
        "End" => last,
        _ => return None,
    };
    Some(ids[to])
}

/// Handles a key press on a row of tabs whose buttons have the element ids
/// `<prefix><id>`: selects (through `select`) and focuses the tab the key
/// moves to.
pub fn on_tab_key(
    ev: &web_sys::KeyboardEvent,
    prefix: &str,
    ids: &[&'static str],
    current: &str,
    select: impl FnOnce(&'static str),
) {
    let Some(to) = tab_after_key(&ev.key(), ids, current) else {
        return;
    };
    ev.prevent_default();
    select(to);
    let focus = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("{prefix}{to}")))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = focus {
        let _ = tab.focus();
    }
}
