//! The period, time zone and output format.

use leptos::prelude::*;

use super::insight_text::zone_suggestions;
use crate::protocol::Preset;
use engagement_engine::export::Format;

use super::browser;
use super::state::AppState;

/// Start, end, presets, time zone and format.
#[component]
pub fn PeriodControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let zones = browser::time_zones();
    let zones_known = StoredValue::new(zones.clone());
    // A name that is not a time zone is said beside the field, and the
    // report stays in the zone it is in.
    let tz_error = RwSignal::new(String::new());
    let apply = move || state.recompute();
    let set_preset = move |preset| state.apply_preset(preset);
    view! {
        <Show when=move || state.loaded.with(|l| l.is_some())>
            <section class="period" aria-labelledby="period-title">
                <h2 id="period-title">"2. Choose the period"</h2>
                <div class="row">
                    <label>"Start "
                        <input id="start" type="date" prop:value=move || state.start.get()
                            on:change=move |ev| { state.start.set(event_target_value(&ev)); apply(); }/>
                    </label>
                    <label>"End "
                        <input id="end" type="date" prop:value=move || state.end.get()
                            on:change=move |ev| { state.end.set(event_target_value(&ev)); apply(); }/>
                    </label>
                    <label>"Time zone "
                        <input id="tz" list="tz-list" prop:value=move || state.tz.get()
                            aria-describedby="tz-error" aria-invalid=move || (!tz_error.get().is_empty()).to_string()
                            on:change=move |ev| {
                                let typed = event_target_value(&ev);
                                match zones_known.with_value(|z| zone_choice(&typed, z)) {
                                    Ok(zone) => {
                                        tz_error.set(String::new());
                                        state.tz.set(zone);
                                        apply();
                                    }
                                    Err(message) => tz_error.set(message),
                                }
                            }/>
                    </label>
                    <p id="tz-error" class="field-error" role="alert">{move || tz_error.get()}</p>
                    <datalist id="tz-list">
                        {zones.iter().map(|z| view! { <option value=z.clone()></option> }).collect_view()}
                    </datalist>
                    <label>"Format "
                        <select id="format" on:change=move |ev| {
                            let format = event_target_value(&ev).parse().unwrap_or_default();
                            state.export_options.update(|o| o.format = format);
                        }>
                            <option value="json" selected=move || state.format.get() == Format::Json>"JSON"</option>
                            <option value="csv" selected=move || state.format.get() == Format::Csv>"CSV"</option>
                        </select>
                    </label>
                </div>
                <div class="row presets" role="group" aria-label="Presets">
                    <button type="button" id="preset-7" on:click=move |_| set_preset(Preset::LastDays(7))>"7 days"</button>
                    <button type="button" id="preset-30" on:click=move |_| set_preset(Preset::LastDays(30))>"30 days"</button>
                    <button type="button" id="preset-90" on:click=move |_| set_preset(Preset::LastDays(90))>"90 days"</button>
                    <button type="button" id="preset-this-month" on:click=move |_| set_preset(Preset::ThisMonth)>"This month"</button>
                    <button type="button" id="preset-last-month" title="The whole month before this one, compared with the month before it"
                        on:click=move |_| set_preset(Preset::LastMonth)>"Last month"</button>
                    <button type="button" id="preset-this-year" on:click=move |_| set_preset(Preset::ThisYear)>"This year"</button>
                    <button type="button" id="preset-all" on:click=move |_| set_preset(Preset::WholeData)>"Whole data"</button>
                    <button type="button" id="tz-utc" on:click=move |_| { state.tz.set("UTC".into()); apply(); }>"Use UTC"</button>
                </div>
            </section>
        </Show>
    }
}

/// The zone a typed name means: itself (in the list's spelling) when it is
/// one, else a message naming the zones it may mean.
fn zone_choice(typed: &str, zones: &[String]) -> Result<String, String> {
    let found = zone_suggestions(typed, zones);
    match found.first() {
        Some(zone) if zone.eq_ignore_ascii_case(typed.trim()) => Ok(zone.clone()),
        Some(_) => Err(format!(
            "“{}” is not a time zone name. Did you mean {}? Pick one from the list; the report stays in {}.",
            typed.trim(),
            found.join(" or "),
            "its current zone"
        )),
        None => Err(format!(
            "“{}” is not a time zone name: type a city, such as Europe/London or America/New_York, and pick it from the list.",
            typed.trim()
        )),
    }
}
