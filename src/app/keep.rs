//! "Keep this data on this computer" (SPEC §10): the checkbox, what is
//! kept and how large it is, "Forget"; and at start, restoring what is kept
//! so that a reload shows the same report without loading again.
//!
//! Off by default, because staff use shared computers. The checkbox shows
//! the truth of the storage: it starts ticked exactly when something is
//! kept, and unticking it forgets. The storage itself is
//! [`crate::stored_files`]; the worker stores what a load read (files, or
//! a download's bytes) when the load asked it to (`AppState::keep`).

use js_sys::Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::protocol::{DemoSize, Source};
use crate::share_link::{consent_reason, url_origin};
use crate::stored_files::{self, loaded_name, Manifest};
use engagement_engine::presigned::redact_url;

use super::browser::{last_bundle_origin, link_param};
use super::sizes::human_bytes;
use super::state::AppState;

/// What the page knows of the kept data.
#[derive(Clone, Copy)]
pub struct KeepState {
    /// What is kept (`None`: nothing).
    pub stored: RwSignal<Option<Manifest>>,
    /// The storage has been looked at and the page has decided whether to
    /// restore from it.
    pub checked: RwSignal<bool>,
    /// The report on screen was restored from the kept data.
    pub restored: RwSignal<bool>,
    /// The last problem with keeping or forgetting.
    pub problem: RwSignal<Option<String>>,
    /// A share link waiting for the user's consent before it is fetched:
    /// (its URL, why it is asked).
    pub pending: RwSignal<Option<(String, String)>>,
    /// `AppState::load_started` of the last load that loaded: when it is
    /// not the last load requested, that one failed or was cancelled, and
    /// its files are not what the report shows.
    loaded_at: RwSignal<f64>,
}

/// Starts the page's first load: a share link (`#bundle=`) or a demo
/// (`#demo=`) as always, except that kept data is restored instead of a
/// share link to the same download, and when the address names no bundle.
/// A share link to another host than the one last loaded from, or one that
/// would replace kept data, waits for the user's consent (SPEC §10).
/// Demo data is never kept (it is generated again from the link).
pub fn start(state: AppState) {
    let keep = KeepState {
        stored: RwSignal::new(None),
        checked: RwSignal::new(false),
        restored: RwSignal::new(false),
        problem: RwSignal::new(None),
        pending: RwSignal::new(None),
        loaded_at: RwSignal::new(-1.0),
    };
    provide_context(keep);
    let bundle = link_param("bundle");
    let demo = link_param("demo").and_then(|d| DemoSize::parse(&d));
    spawn_local(async move {
        // A browser without the private file system simply has nothing
        // kept; it is said when the user ticks the box.
        let manifest = stored_files::list().await.ok().flatten();
        keep.stored.set(manifest.clone());
        state.keep.set(manifest.is_some());
        let restore = match (&bundle, &manifest) {
            (_, None) => false,
            (Some(url), Some(m)) => m.from_url.as_deref() == Some(redact_url(url).as_str()),
            (None, Some(_)) => demo.is_none(),
        };
        if restore {
            restore_kept(state, keep).await;
        } else if let Some(url) = bundle {
            let kept_from = manifest.as_ref().map(|m| m.from_url.as_deref());
            match consent_reason(&url, last_bundle_origin().as_deref(), kept_from) {
                Some(reason) => keep.pending.set(Some((url, reason))),
                None => state.load(Source::Url(url), Array::new()),
            }
        } else if let Some(size) = demo {
            state.load(Source::Demo(size), Array::new());
        }
        keep.checked.set(true);
    });
    // After every load: show what is kept, and make it match the checkbox.
    Effect::new(move |_| {
        if state.loaded.with(|l| l.is_some()) {
            keep.loaded_at.set(state.load_started.get_untracked());
            if keep.checked.get_untracked() {
                spawn_local(after_load(state, keep));
            }
        }
    });
}

/// Loads the kept data (a reload's report).
async fn restore_kept(state: AppState, keep: KeepState) {
    match stored_files::open().await {
        Ok(Some((m, files))) => {
            keep.restored.set(true);
            state.load_stored(files, m.skip_bad_rows, m.pseudonym_key.as_deref());
        }
        Ok(None) => {}
        Err(e) => state.error.set(Some(format!(
            "{e}; load the files again, or press Forget to delete what is kept"
        ))),
    }
}

/// The question a share link waits on (see [`start`]): "Load it" fetches
/// the link; "Don't load" drops it from the address and shows what is kept,
/// as a reload would.
#[component]
fn LinkConsent() -> impl IntoView {
    let state = expect_context::<AppState>();
    let keep = expect_context::<KeepState>();
    let accept = move |_| {
        if let Some((url, _)) = keep.pending.get_untracked() {
            keep.pending.set(None);
            state.load(Source::Url(url), Array::new());
        }
    };
    let decline = move |_| {
        keep.pending.set(None);
        state.linked_bundle.set(None);
        if keep.stored.with_untracked(|s| s.is_some()) {
            spawn_local(restore_kept(state, keep));
        }
    };
    move || {
        keep.pending.get().map(|(url, reason)| {
            let host = url_origin(&url).unwrap_or_else(|| redact_url(&url));
            view! {
                <div class="consent" id="link-consent" role="alertdialog" aria-labelledby="consent-text">
                    <p id="consent-text">
                        "This link asks the page to download export files from " <strong>{host}</strong> ". "
                        {reason} " Load it only if you trust who sent the link."
                    </p>
                    <button type="button" id="consent-load" on:click=accept>"Load it"</button>
                    " "
                    <button type="button" id="consent-cancel" on:click=decline>"Don't load"</button>
                </div>
            }
        })
    }
}

/// Brings what is kept in line with the checkbox once a load has ended.
async fn after_load(state: AppState, keep: KeepState) {
    keep.restored.set(
        state
            .last_load()
            .is_some_and(|(_, _, from_storage)| from_storage),
    );
    let manifest = stored_files::list().await.ok().flatten();
    keep.stored.set(manifest.clone());
    if !state.keep.get_untracked() {
        // Unticked while the load ran: its data must not stay.
        if manifest.is_some() {
            forget(state, keep).await;
        }
        return;
    }
    let stored_now = manifest.is_some_and(|m| m.saved_ms >= state.load_started.get_untracked());
    if stored_now {
        keep.problem.set(None);
    } else {
        keep_last_load(state, keep, false).await;
    }
}

/// Stores what the last load read, when the worker did not: the box was
/// ticked after the load began (or after it ended: `download_again` then
/// fetches a link's bytes once more, which the page never holds), or the
/// worker's write failed.
async fn keep_last_load(state: AppState, keep: KeepState, download_again: bool) {
    let Some((source, files, from_storage)) = state.last_load() else {
        return;
    };
    let shown = state.loaded.with_untracked(|l| l.is_some())
        && keep.loaded_at.get_untracked() == state.load_started.get_untracked();
    if from_storage || !shown {
        return;
    }
    match source {
        Source::Files => {
            let named: Vec<(String, web_sys::Blob)> = files
                .iter()
                .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
                .map(|f| (loaded_name(&f), f.into()))
                .collect();
            let skip = state
                .loaded
                .with_untracked(|l| l.as_ref().is_some_and(|l| l.rows_left_out > 0));
            match stored_files::save(&named, None, skip, state.load_key_hex()).await {
                Ok(m) => {
                    keep.problem.set(None);
                    keep.stored.set(Some(m));
                }
                Err(e) => {
                    keep.stored.set(None);
                    keep.problem.set(Some(format!("The files were not kept: {e}.")));
                }
            }
        }
        // Downloading again only when the user just ticked the box: after a
        // load whose write failed, it would fail the same way again.
        Source::Url(url) if download_again && !state.busy.get_untracked() => {
            state.load(Source::Url(url), Array::new());
        }
        Source::Url(_) => keep.problem.set(Some(
            "The download was not kept on this computer (the browser's console says why). Untick and tick the box to download it again and keep it."
                .into(),
        )),
        Source::Demo(_) => {}
    }
}

/// Deletes what is kept and unticks the box.
async fn forget(state: AppState, keep: KeepState) {
    state.keep.set(false);
    keep.restored.set(false);
    match stored_files::forget().await {
        Ok(()) => keep.stored.set(None),
        Err(e) => keep.problem.set(Some(format!("{e}."))),
    }
}

/// The names of the kept files, the first few of them.
fn names(m: &Manifest) -> String {
    const SHOWN: usize = 5;
    let mut text = m
        .files
        .iter()
        .take(SHOWN)
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if m.files.len() > SHOWN {
        text.push_str(&format!(" and {} more", m.files.len() - SHOWN));
    }
    text
}

/// The checkbox, what is kept, and "Forget".
#[component]
pub fn KeepPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let keep = expect_context::<KeepState>();
    let on_toggle = move |ev: web_sys::Event| {
        let on = event_target_checked(&ev);
        keep.problem.set(None);
        if on {
            state.keep.set(true);
            spawn_local(async move {
                // Said now rather than after a load that cannot be kept.
                if let Err(e) = stored_files::list().await {
                    state.keep.set(false);
                    keep.problem.set(Some(format!("{e}.")));
                    return;
                }
                if !state.busy.get_untracked() {
                    keep_last_load(state, keep, true).await;
                }
            });
        } else {
            spawn_local(forget(state, keep));
        }
    };
    let status = move || {
        match keep.stored.get() {
        Some(m) => format!(
            "Kept on this computer: {} ({} file{}, {}). A reload shows this data again; Forget deletes it.",
            names(&m),
            m.files.len(),
            if m.files.len() == 1 { "" } else { "s" },
            human_bytes(m.total_bytes())
        ),
        None if state.keep.get() => {
            "Nothing is kept yet: the next files or link you load will be. Demo data never is: its link makes it again.".into()
        }
        None => "Nothing is kept on this computer. Leave this off on a shared computer.".into(),
    }
    };
    view! {
        <LinkConsent/>
        <div class="keep" id="keep" data-ready=move || keep.checked.get().then_some("true")>
            <label>
                <input type="checkbox" id="keep-data"
                    prop:checked=move || state.keep.get()
                    on:change=on_toggle/>
                " Keep this data on this computer"
            </label>
            <button type="button" id="forget"
                disabled=move || keep.stored.with(|s| s.is_none()) && !state.keep.get()
                on:click=move |_| {
                    keep.problem.set(None);
                    spawn_local(forget(state, keep));
                }>
                "Forget"
            </button>
            <p id="kept" role="status">
                {status}
                {move || keep.restored.get().then_some(" The report below was restored from it.")}
            </p>
            {move || keep.problem.get().map(|p| view! { <p class="keep-problem" id="keep-problem" role="alert">{p}</p> })}
        </div>
    }
}
