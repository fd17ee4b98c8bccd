//! "In a nutshell": the report's `summary.md` at the top of the report,
//! rendered as a few plain elements built as DOM nodes (never as markup),
//! with Copy and Download.

use leptos::prelude::*;

use crate::protocol::ExportWhat;
use engagement_engine::readable::markdown::{Element, Node};

use super::browser;
use super::state::AppState;

/// A table cell that reads "New users (`new_users`)": its label and the
/// field name, which staff need not read (summary.md keeps it for AI
/// assistants; the page gives it as a tooltip).
fn labelled_field(kids: &[Node]) -> Option<(&str, &str)> {
    let [Node::Text(label), Node::Element(Element::Code, code), Node::Text(close)] = kids else {
        return None;
    };
    let [Node::Text(field)] = code.as_slice() else {
        return None;
    };
    let is_field = !field.is_empty()
        && field
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let label = label.strip_suffix(" (")?;
    (is_field && close == ")").then_some((label, field.as_str()))
}

/// One node of the brief as page elements; data text stays text nodes.
fn render(node: &Node) -> AnyView {
    let (el, kids) = match node {
        Node::Text(t) => return t.clone().into_any(),
        Node::Element(el, kids) => (*el, kids),
    };
    if let (Element::Cell(r), Some((label, field))) = (el, labelled_field(kids)) {
        let title = format!("In the data files: {field}");
        let class = if r { "num" } else { "" };
        return view! { <td class=class><span class="field" title=title>{label.to_string()}</span></td> }
            .into_any();
    }
    let k = kids.iter().map(render).collect_view();
    let align = |right: bool| if right { "num" } else { "" };
    match el {
        // Under the panel's h3: the brief's title (level 4) is left out,
        // its sections (level 5) are h4 and their parts h5, so no heading
        // level is skipped.
        Element::Heading(4) | Element::Heading(5) => view! { <h4>{k}</h4> }.into_any(),
        Element::Heading(_) => view! { <h5>{k}</h5> }.into_any(),
        Element::Paragraph => view! { <p>{k}</p> }.into_any(),
        Element::List => view! { <ul>{k}</ul> }.into_any(),
        Element::OrderedList => view! { <ol>{k}</ol> }.into_any(),
        Element::Item => view! { <li>{k}</li> }.into_any(),
        Element::Table => {
            view! { <div class="scroll" tabindex="0"><table class="brief-table">{k}</table></div> }
                .into_any()
        }
        Element::TableHead => view! { <thead>{k}</thead> }.into_any(),
        Element::TableBody => view! { <tbody>{k}</tbody> }.into_any(),
        Element::Row => view! { <tr>{k}</tr> }.into_any(),
        Element::HeaderCell(r) => view! { <th scope="col" class=align(r)>{k}</th> }.into_any(),
        Element::Cell(r) => view! { <td class=align(r)>{k}</td> }.into_any(),
        Element::Code => view! { <code>{k}</code> }.into_any(),
        Element::Strong => view! { <strong>{k}</strong> }.into_any(),
        Element::Emphasis => view! { <em>{k}</em> }.into_any(),
        Element::Pre => view! { <pre>{k}</pre> }.into_any(),
        Element::Quote => view! { <blockquote>{k}</blockquote> }.into_any(),
        Element::Break => view! { <br/> }.into_any(),
        Element::Rule => view! { <hr/> }.into_any(),
    }
}

/// A brief (the worker's parse of `summary.md`) as page elements, without
/// its first heading (the panel's title says it).
pub fn brief(nodes: &[Node]) -> impl IntoView {
    let skip = usize::from(matches!(
        nodes.first(),
        Some(Node::Element(Element::Heading(4), _))
    ));
    nodes[skip..].iter().map(render).collect_view()
}

/// The brief of the current report, with Copy and Download.
#[component]
pub fn Nutshell() -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(String::new());
    let md = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| r.insights.summary_md.clone())
                .unwrap_or_default()
        })
    });
    let copy = move |_| {
        let text = md.get_untracked();
        leptos::task::spawn_local(async move {
            match browser::copy_text(&text).await {
                Ok(()) => status.set(format!("copied the summary ({} bytes)", text.len())),
                Err(e) => status.set(e),
            }
        });
    };
    let download = move |_| {
        status.set("preparing…".into());
        state.export(ExportWhat::File("summary.md".into()), move |r| match r {
            Ok(f) => match browser::download(&f.name, &f.mime, &f.bytes) {
                Ok(()) => status.set(format!("saved {} ({} bytes)", f.name, f.bytes.length())),
                Err(e) => status.set(e),
            },
            Err(e) => status.set(e),
        });
    };
    let nodes = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| r.insights.summary_nodes.clone())
                .unwrap_or_default()
        })
    });
    let body = move || nodes.with(|n| brief(n));
    view! {
        <details class="nutshell" id="nutshell" open>
            <summary><h3>"In a nutshell"</h3></summary>
            <p class="nutshell-tools">
                <button type="button" id="copy-summary" on:click=copy
                    title="Copy this summary as Markdown text, e.g. to paste into an e-mail or an AI assistant">
                    "Copy"
                </button>
                " "
                <button type="button" id="download-summary" on:click=download>"Download summary.md"</button>
                " "
                <span class="status" id="nutshell-status" aria-live="polite">{move || status.get()}</span>
            </p>
            <div class="brief" id="nutshell-text" tabindex="0" role="region" aria-label="The brief">{body}</div>
        </details>
    }
}
