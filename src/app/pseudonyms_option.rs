//! "Replace names and e-mails with pseudonyms" in the export section (SPEC
//! §12, the CLI's `--pseudonymize`): the downloads, the zip, the upload
//! and "Copy JSON" then name nobody, while the tables on screen keep the
//! real names; the key to the pseudonyms is a download of its own, and a
//! pasted key gives two reports the same pseudonyms.

use leptos::prelude::*;

use crate::protocol::ExportWhat;

use super::state::AppState;

/// The box, the key download and the key field.
#[component]
pub fn PseudonymsOption(
    /// Saves an output file (with the export section's status line).
    save: impl Fn(ExportWhat) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <fieldset class="options" id="pseudonym-options">
            <legend>"Names"</legend>
            <label class="option">
                <input type="checkbox" id="pseudonymize"
                    prop:checked=move || state.pseudonymize.get()
                    on:change=move |ev| state.pseudonymize.set(event_target_checked(&ev))/>
                " Replace names and e-mails with pseudonyms"
            </label>
            <span class="hint">
                "Every download, the zip, the upload and \u{201c}Copy JSON\u{201d} then name nobody: each person is shown as P- and 10 hex digits, e-mails and feed texts are left out, and every figure stays the same. The tables on this page keep the real names, for you."
            </span>
            <Show when=move || state.pseudonymize.get()>
                <p class="pseudonym-note" id="pseudonym-note">
                    "Pseudonyms are on: the files name nobody, but the tables on this page still show real names."
                </p>
                <p>
                    <button type="button" id="download-pseudonyms"
                        on:click=move |_| save(ExportWhat::Pseudonyms)>
                        "Key to the pseudonyms (keep private)"
                    </button>
                    " "
                    <span class="hint">"pseudonyms.csv links each pseudonym to its user; it is never put into the zip or the upload."</span>
                </p>
                <p>
                    <label for="pseudonym-key">"Pseudonym key (optional) "</label>
                    <input id="pseudonym-key" type="text" autocomplete="off" spellcheck="false"
                        placeholder="64 hex digits"
                        prop:value=move || state.pseudonym_key.get()
                        on:input=move |ev| state.pseudonym_key.set(event_target_value(&ev))/>
                    " "
                    <span class="hint">
                        "Paste the key of another report to give people the same pseudonyms in both. Without one, each load gets a new random key, so reports cannot be linked. A pasted key is never stored; the random one is stored only with the data when you keep it on this computer, so that a reload gives the same pseudonyms."
                    </span>
                </p>
            </Show>
        </fieldset>
    }
}
