//! Whose activity the report counts (SPEC §8): "Exclude staff accounts"
//! (when the bundle's users carry staff flags) and one church (when its
//! profiles carry churches). A change recomputes the report; the address
//! keeps the choice (`staff=exclude`, `church=ID`).

use leptos::prelude::*;

use super::state::AppState;

/// The segment controls, shown under the period when the bundle allows a
/// segment.
#[component]
pub fn SegmentControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    // A choice the bundle cannot give (from a shared address) stays
    // visible, so that it can be undone.
    let staff_flags = move || {
        state
            .loaded
            .with(|l| l.as_ref().is_some_and(|l| l.staff_flags))
            || state.segment.with(|s| s.exclude_staff)
    };
    let churches = Memo::new(move |_| {
        state
            .loaded
            .with(|l| l.as_ref().map(|l| l.churches.clone()).unwrap_or_default())
    });
    let church_shown =
        move || churches.with(|c| !c.is_empty()) || state.segment.with(|s| s.church_id.is_some());
    let offered = move || state.loaded.with(|l| l.is_some()) && (staff_flags() || church_shown());
    let set_staff = move |ev| {
        let on = event_target_checked(&ev);
        state.segment.update(|s| s.exclude_staff = on);
        state.recompute();
    };
    let set_church = move |ev| {
        let id = event_target_value(&ev).parse::<i64>().ok();
        state.segment.update(|s| s.church_id = id);
        state.recompute();
    };
    view! {
        <Show when=offered>
            <section class="segment" id="segment" aria-labelledby="segment-title">
                <h2 id="segment-title">"Whose activity to count"</h2>
                <div class="row">
                    <Show when=staff_flags>
                        <label>
                            <input type="checkbox" id="exclude-staff"
                                prop:checked=move || state.segment.with(|s| s.exclude_staff)
                                on:change=set_staff/>
                            " Exclude staff accounts"
                        </label>
                    </Show>
                    <Show when=church_shown>
                        <label>"Church "
                            <select id="church" on:change=set_church>
                                <option value="" selected=move || state.segment.with(|s| s.church_id.is_none())>
                                    "All churches"
                                </option>
                                {move || churches.get().into_iter().map(|(id, name)| view! {
                                    <option value=id.to_string()
                                        selected=move || state.segment.with(|s| s.church_id == Some(id))>
                                        {name}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                </div>
                <p class="hint">
                    "Staff accounts are users marked staff or superuser in the export; leaving them out removes their activity from every figure. "
                    "A church keeps only its members (by their profile), its fasts and their activity."
                </p>
            </section>
        </Show>
    }
}

/// The segment of the current report in words, and how many staff users
/// it left out, for the report's title.
#[component]
pub fn SegmentLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let segment = move || {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| r.segment.clone()))
    };
    let notice = move || {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| r.segment_notice.clone()))
    };
    view! {
        {move || segment().map(|s| view! {
            <p class="segment-line" id="report-segment"><strong>"Counting only: "</strong>{s}</p>
        })}
        {move || notice().map(|n| view! {
            <p class="notice" id="segment-notice" role="status">{capitalized(&n)} "."</p>
        })}
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
