//! Files the user gives: a picker's `FileList`, and dropped folders walked
//! through the browser's `FileSystemEntry` callbacks.

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The files of a picker's list, as an array to send to the worker.
pub fn files_array(list: Option<web_sys::FileList>) -> Array {
    let out = Array::new();
    if let Some(list) = list {
        for i in 0..list.length() {
            if let Some(f) = list.get(i) {
                out.push(&f);
            }
        }
    }
    out
}

/// Calls `obj.method(resolve, reject)` (the old callback style of the
/// File and Directory Entries API) and awaits the callback's value.
async fn callback_call(obj: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = Reflect::get(obj, &method.into())?.dyn_into()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = f.call2(obj, &resolve, &reject) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise).await
}

fn flag(obj: &JsValue, name: &str) -> bool {
    Reflect::get(obj, &name.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The files under dropped entries (`FileSystemEntry` objects, from
/// `DataTransferItem.webkitGetAsEntry()`), walking folders recursively.
/// Entries that cannot be read are skipped.
pub async fn walk_entries(entries: Vec<JsValue>) -> Array {
    let out = Array::new();
    let mut stack = entries;
    stack.reverse();
    while let Some(entry) = stack.pop() {
        if flag(&entry, "isFile") {
            if let Ok(file) = callback_call(&entry, "file").await {
                out.push(&file);
            }
        } else if flag(&entry, "isDirectory") {
            let Ok(reader) = Reflect::get(&entry, &"createReader".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>())
                .and_then(|f| f.call0(&entry))
            else {
                continue;
            };
            // readEntries answers in batches until an empty one.
            let mut children = Vec::new();
            while let Ok(batch) = callback_call(&reader, "readEntries").await {
                let batch: Array = batch.unchecked_into();
                if batch.length() == 0 {
                    break;
                }
                children.extend(batch.iter());
            }
            children.reverse();
            stack.extend(children);
        }
    }
    out
}

/// The entries of a drop's items, taken while the drop event runs (the
/// items are emptied after it); `None` when the browser has no entries API.
pub fn drop_entries(dt: &web_sys::DataTransfer) -> Option<Vec<JsValue>> {
    let items = Reflect::get(dt, &"items".into()).ok()?;
    let len = Reflect::get(&items, &"length".into()).ok()?.as_f64()? as u32;
    let mut entries = Vec::new();
    for i in 0..len {
        let item = Reflect::get_u32(&items, i).ok()?;
        let get: js_sys::Function = Reflect::get(&item, &"webkitGetAsEntry".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let entry = get.call0(&item).ok()?;
        if !entry.is_null() && !entry.is_undefined() {
            entries.push(entry);
        }
    }
    Some(entries).filter(|e| !e.is_empty())
}

/// The input element behind an event.
pub fn event_target<T: JsCast>(ev: &web_sys::Event) -> T {
    ev.target()
        .expect("an event has a target")
        .unchecked_into::<T>()
}
