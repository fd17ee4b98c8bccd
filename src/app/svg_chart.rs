//! [`SvgChart`]: one of the engine's charts as real SVG elements in the
//! page, with its title, its text alternative, a tooltip that gives the
//! exact label and value of the bar, point or cell under the mouse or with
//! the keyboard focus, "SVG" and "PNG" downloads, and its data as a table.
//!
//! The chart is the engine's typed tree
//! ([`Element`](engagement_engine::readable::svg::Element)). It reaches the DOM
//! as one piece of markup written by [`svg_markup`] and parsed by the
//! browser in one call: a "Whole data" report has thousands of bars, and
//! creating them node by node (`createElementNS`, `setAttribute`, one call
//! across to JavaScript each) was most of the page's drawing time (issue
//! 23). The markup is written like `report.html`'s: only the elements and
//! attributes that the engine's allow-list admits, every value and text
//! escaped (`&`, `<`, `>`, `"`), so data text (a screen or fast name)
//! stays an attribute value or a text node whatever it holds.

use engagement_engine::readable::charts::Chart;
use js_sys::{Array, Promise};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::chart_files::{self, data_rows_markup, svg_markup};

use super::browser;
use super::open_fast::open_fast;
use super::state::AppState;

/// Opens the fast that datum `g` stands for (`data-fast`), if it stands for
/// one and the page has its state; says whether it did.
fn open_fast_of(state: Option<AppState>, g: &web_sys::Element) -> bool {
    let fast = g
        .get_attribute("data-fast")
        .and_then(|id| id.parse::<i64>().ok());
    match (fast, state) {
        (Some(fast), Some(state)) => {
            open_fast(state, fast);
            true
        }
        _ => false,
    }
}

/// The datum (`g.datum`) that an event happened in, if any.
fn datum_of(target: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
    target?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("g.datum")
        .ok()?
}

/// Shows the tooltip for datum `g`: its accessible name (the engine's
/// title: exact label and value), above the datum's visible shape (over
/// the caption if need be) and kept inside the figure: below the shape
/// only when even the figure has no room above it.
fn show_tip(plot: &web_sys::HtmlElement, tip: &web_sys::HtmlElement, g: &web_sys::Element) {
    let mut text = g.get_attribute("aria-label").unwrap_or_default();
    if g.has_attribute("data-fast") {
        text.push_str(" · select to open this fast");
    }
    tip.set_text_content(Some(&text));
    for attr in ["data-label", "data-value"] {
        let _ = tip.set_attribute(attr, &g.get_attribute(attr).unwrap_or_default());
    }
    tip.set_hidden(false);
    // The visible bar or cell, not the invisible band that catches the
    // pointer over a whole column.
    let anchor = g
        .query_selector("rect:not([fill-opacity='0'])")
        .ok()
        .flatten()
        .unwrap_or_else(|| g.clone());
    let p = plot.get_bounding_client_rect();
    let a = anchor.get_bounding_client_rect();
    let (w, h) = (
        f64::from(tip.offset_width()),
        f64::from(tip.offset_height()),
    );
    let centre = a.left() + a.width() / 2.0 - p.left();
    let left = (centre - w / 2.0).clamp(0.0, (p.width() - w).max(0.0));
    let above = a.top() - p.top() - h - 6.0;
    // The figure's top edge, relative to the plot (zero or less).
    let room = plot
        .parent_element()
        .map_or(0.0, |f| f.get_bounding_client_rect().top() - p.top());
    let top = if above >= room {
        above
    } else {
        a.bottom() - p.top() + 6.0
    };
    let style = tip.style();
    let _ = style.set_property("left", &format!("{left:.0}px"));
    let _ = style.set_property("top", &format!("{top:.0}px"));
}

/// Makes `g` the chart's one datum in the Tab order.
fn rove(host: &web_sys::Element, g: &web_sys::Element) {
    if let Ok(Some(old)) = host.query_selector("g.datum[tabindex='0']") {
        if &old != g {
            let _ = old.set_attribute("tabindex", "-1");
        }
    }
    let _ = g.set_attribute("tabindex", "0");
}

/// Moves the focus from datum `g` by `step` datums (clamped to the first
/// and last), or to the first (`i64::MIN`) or last (`i64::MAX`).
fn move_focus(host: &web_sys::Element, g: &web_sys::Element, step: i64) {
    let Ok(list) = host.query_selector_all("g.datum") else {
        return;
    };
    let all: Vec<web_sys::Element> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect();
    let Some(at) = all.iter().position(|e| e == g) else {
        return;
    };
    let to = (at as i64)
        .saturating_add(step)
        .clamp(0, all.len() as i64 - 1) as usize;
    if let Some(next) = all[to].dyn_ref::<web_sys::SvgElement>() {
        let _ = next.focus();
    }
}

/// A blob of `text` with a MIME type.
fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, String> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&text.into()), &opts)
        .map_err(|_| "this browser cannot make the file".to_string())
}

/// The chart as a PNG at [`chart_files::PNG_SCALE`]: the SVG file drawn
/// into a canvas through an image from a `blob:` URL.
async fn png_blob(chart: &Chart) -> Result<web_sys::Blob, String> {
    let cannot = |what: &str| format!("cannot draw {}.png: {what}", chart.key);
    let size = chart_files::view_box_size(&chart.svg).ok_or_else(|| cannot("it has no size"))?;
    let (w, h) = chart_files::png_size(size);
    let svg = text_blob(&chart_files::svg_file(chart), "image/svg+xml")?;
    let url = web_sys::Url::create_object_url_with_blob(&svg)
        .map_err(|_| cannot("no blob URL in this browser"))?;
    let drawn = async {
        let img = web_sys::HtmlImageElement::new().map_err(|_| cannot("no image element"))?;
        img.set_src(&url);
        JsFuture::from(img.decode())
            .await
            .map_err(|_| cannot("the browser could not read the SVG"))?;
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| cannot("no document"))?;
        let canvas: web_sys::HtmlCanvasElement = doc
            .create_element("canvas")
            .map_err(|_| cannot("no canvas"))?
            .unchecked_into();
        canvas.set_width(w);
        canvas.set_height(h);
        let ctx: web_sys::CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .ok_or_else(|| cannot("no 2D canvas"))?
            .unchecked_into();
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
        ctx.draw_image_with_html_image_element_and_dw_and_dh(
            &img,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )
        .map_err(|_| cannot("the canvas refused the image"))?;
        let done = Promise::new(&mut |resolve, _reject| {
            let _ = canvas.to_blob(&resolve);
        });
        let blob = JsFuture::from(done)
            .await
            .map_err(|_| cannot("the canvas gave no PNG"))?;
        blob.dyn_into::<web_sys::Blob>()
            .map_err(|_| cannot("the canvas gave no PNG"))
    }
    .await;
    let _ = web_sys::Url::revoke_object_url(&url);
    drawn
}

/// One chart: caption, SVG, tooltip, text alternative, downloads, data.
#[component]
pub fn SvgChart(
    /// The chart as the engine drew it.
    chart: Chart,
) -> impl IntoView {
    let key = chart.key.clone();
    let title = chart.title.clone();
    // A fast's "this year against last year" chart opens that fast, unless
    // it is the fast already open.
    let state = use_context::<AppState>();
    let edition_of = key
        .strip_prefix("fast_editions_")
        .and_then(|id| id.parse::<i64>().ok());
    let open_button = move || {
        let (state, fast) = (state?, edition_of?);
        (state.selected_fast.get() != Some(fast)).then(|| {
            view! {
                <button type="button" class="open-fast" on:click=move |_| open_fast(state, fast)>
                    "Open this fast"
                </button>
                " "
            }
        })
    };
    let alt = chart.alt.clone();
    let desc_id = format!("chart-{key}-desc");
    let rows = data_rows_markup(&chart_files::data_rows(&chart.svg));
    let chart = StoredValue::new(chart);
    let host = NodeRef::<html::Div>::new();
    let plot = NodeRef::<html::Div>::new();
    let tip = NodeRef::<html::Div>::new();
    let status = RwSignal::new(String::new());

    let described_by = desc_id.clone();
    host.on_load(move |div| {
        // The host may be loaded again when the report is redrawn: the
        // markup replaces what it held, never a second drawing beside it.
        chart.with_value(|c| match svg_markup(&c.svg, &described_by) {
            Some(markup) => div.set_inner_html(&markup),
            None => status
                .set("This browser cannot draw the chart; its data is in the table below.".into()),
        });
    });

    let show = move |g: &web_sys::Element| {
        if let (Some(p), Some(t)) = (plot.get_untracked(), tip.get_untracked()) {
            show_tip(&p, &t, g);
        }
    };
    let hide = move || {
        if let Some(t) = tip.get_untracked() {
            t.set_hidden(true);
        }
    };
    let focused_datum = move || -> Option<web_sys::Element> {
        let active = web_sys::window()?.document()?.active_element()?;
        let host: web_sys::Element = host.get_untracked()?.into();
        (host.contains(Some(&active)) && active.matches("g.datum").unwrap_or(false))
            .then_some(active)
    };
    let on_over = move |ev: web_sys::MouseEvent| match datum_of(ev.target()) {
        Some(g) => show(&g),
        None => hide(),
    };
    // Leaving the chart with the mouse goes back to the focused datum.
    let on_leave = move |_: web_sys::MouseEvent| match focused_datum() {
        Some(g) => show(&g),
        None => hide(),
    };
    let on_focus = move |ev: web_sys::FocusEvent| {
        if let (Some(g), Some(h)) = (datum_of(ev.target()), host.get_untracked()) {
            rove(&h, &g);
            show(&g);
        }
    };
    let on_blur = move |_: web_sys::FocusEvent| hide();
    // A bar that stands for a fast (`data-fast`, e.g. "Top fasts by joins")
    // opens that fast's view.
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(g) = datum_of(ev.target()) {
            open_fast_of(state, &g);
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let (Some(g), Some(h)) = (datum_of(ev.target()), host.get_untracked()) else {
            return;
        };
        let step = match ev.key().as_str() {
            "Escape" => {
                hide();
                return;
            }
            "Enter" | " " => {
                if open_fast_of(state, &g) {
                    ev.prevent_default();
                }
                return;
            }
            "ArrowRight" | "ArrowDown" => 1,
            "ArrowLeft" | "ArrowUp" => -1,
            "Home" => i64::MIN,
            "End" => i64::MAX,
            _ => return,
        };
        ev.prevent_default();
        move_focus(&h, &g, step);
    };

    let save_svg = move |_| {
        chart.with_value(|c| {
            let name = chart_files::file_name(c, "svg");
            let saved = text_blob(&chart_files::svg_file(c), "image/svg+xml")
                .and_then(|b| browser::download_blob(&name, &b));
            status.set(match saved {
                Ok(()) => format!("saved {name}"),
                Err(e) => e,
            });
        })
    };
    let save_png = move |_| {
        let c = chart.get_value();
        status.set("drawing the PNG…".into());
        leptos::task::spawn_local(async move {
            let name = chart_files::file_name(&c, "png");
            let saved = match png_blob(&c).await {
                Ok(b) => browser::download_blob(&name, &b),
                Err(e) => Err(e),
            };
            status.set(match saved {
                Ok(()) => format!("saved {name}"),
                Err(e) => e,
            });
        });
    };

    view! {
        <figure class="chart" id=format!("chart-{key}") data-chart=key.clone()>
            <figcaption>{title.clone()}</figcaption>
            <div class="chart-plot" node_ref=plot
                on:mouseover=on_over on:mouseleave=on_leave
                on:focusin=on_focus on:focusout=on_blur on:keydown=on_key on:click=on_click>
                <div class="chart-svg" node_ref=host></div>
                <div class="chart-tip" role="tooltip" id=format!("chart-{key}-tip") node_ref=tip hidden></div>
            </div>
            <p class="alt" id=desc_id>{alt}</p>
            <p class="chart-tools">
                {open_button}
                "Download "
                <button type="button" class="chart-download" data-format="svg"
                    aria-label=format!("Download “{title}” as SVG") on:click=save_svg>"SVG"</button>
                " "
                <button type="button" class="chart-download" data-format="png"
                    aria-label=format!("Download “{title}” as PNG") on:click=save_png>"PNG"</button>
                " "
                <span class="status" aria-live="polite">{move || status.get()}</span>
            </p>
            <details>
                <summary>"Data of this chart"</summary>
                <div class="scroll">
                    <table class="chart-data">
                        <tbody inner_html=rows></tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
