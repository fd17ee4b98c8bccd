//! Opening one fast's view from anywhere in the report (a table's row, a
//! bar of a chart, an editions chart): its own module, because the views
//! that open it and the view it opens use each other's parts.

use leptos::prelude::*;

use super::browser;
use super::state::AppState;

/// Opens `fast`'s view (under Fasts, whichever view it was chosen from)
/// and brings its title into view with the keyboard's focus.
pub fn open_fast(state: AppState, fast: i64) {
    state.section.set("fasts".to_string());
    state.selected_fast.set(Some(fast));
    request_animation_frame(|| browser::focus_into_view("fast-panel-title"));
}
