//! "Include insights" in the export section: whether the zip holds the
//! insight data sets and `summary.md` besides the seven data sets (the
//! CLI's `--insights`); on by default.

use leptos::prelude::*;

use super::state::AppState;

/// The checkbox, bound to the export options.
#[component]
pub fn IncludeInsights() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <fieldset class="options" id="insights-options">
            <legend>"Insights"</legend>
            <label class="option">
                <input type="checkbox" id="include-insights"
                    prop:checked=move || state.export_options.with(|o| o.insights)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        state.export_options.update(|o| o.insights = on);
                    }/>
                " Include insights in the zip"
            </label>
            <span class="hint">
                "Weekly retention, activity by hour, each person's engagement, fast retention, the comparison with the previous period and summary.md."
            </span>
        </fieldset>
    }
}
