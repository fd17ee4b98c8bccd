//! `summary.md` as a tree of a few safe elements: the one owner of how the
//! brief is shown, for the page (which builds them as DOM nodes) and for
//! `report.html` (which writes them escaped, see `html.rs`) alike. Never
//! markup: headings, paragraphs, lists, tables, code spans, emphasis. Parsing is pulldown-cmark's (CommonMark with tables);
//! this module only keeps what the brief uses and turns everything else —
//! raw HTML included — into text.

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

/// The elements a rendered brief may hold. Nothing else (no links, images,
/// raw HTML, attributes beyond a cell's alignment) can come out of
/// [`parse`]. Serializable, so that the browser's worker can parse the
/// brief and the page only draw it (the page then carries no Markdown
/// parser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Element {
    /// A heading of the brief, as a level below the page's own headings:
    /// `#` is 4 (`<h4>`), `##` is 5, deeper ones 6.
    Heading(u8),
    /// `<p>`.
    Paragraph,
    /// `<ul>`.
    List,
    /// `<ol>`.
    OrderedList,
    /// `<li>`.
    Item,
    /// `<table>`.
    Table,
    /// `<thead>`.
    TableHead,
    /// `<tbody>`.
    TableBody,
    /// `<tr>`.
    Row,
    /// `<th>`; `true` when the column is right-aligned (numbers).
    HeaderCell(bool),
    /// `<td>`; `true` when the column is right-aligned (numbers).
    Cell(bool),
    /// `<code>`.
    Code,
    /// `<strong>`.
    Strong,
    /// `<em>`.
    Emphasis,
    /// `<pre>` (a code block, kept as text).
    Pre,
    /// `<blockquote>`.
    Quote,
    /// `<br>`.
    Break,
    /// `<hr>`.
    Rule,
}

/// A node of the rendered brief.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Node {
    /// An element and its children.
    Element(Element, Vec<Node>),
    /// Text, shown as a text node.
    Text(String),
}

/// Parses Markdown into a forest of [`Node`]s.
pub fn parse(markdown: &str) -> Vec<Node> {
    let mut stack: Vec<(Option<Element>, Vec<Node>)> = vec![(None, Vec::new())];
    let mut aligns: Vec<Alignment> = Vec::new();
    let mut column = 0usize;
    let mut in_head = false;
    fn push(stack: &mut [(Option<Element>, Vec<Node>)], node: Node) {
        if let Some(top) = stack.last_mut() {
            top.1.push(node);
        }
    }
    fn close(stack: &mut Vec<(Option<Element>, Vec<Node>)>) {
        if stack.len() > 1 {
            let (el, kids) = stack.pop().expect("more than one frame");
            match el {
                Some(el) => push(stack, Node::Element(el, kids)),
                // A frame without an element (a link, an image): its
                // children join the parent.
                None => {
                    if let Some(top) = stack.last_mut() {
                        top.1.extend(kids);
                    }
                }
            }
        }
    }
    let right = |aligns: &[Alignment], c: usize| matches!(aligns.get(c), Some(Alignment::Right));
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => {
                let el = match tag {
                    Tag::Heading { level, .. } => Some(Element::Heading((level as u8 + 3).min(6))),
                    Tag::Paragraph => Some(Element::Paragraph),
                    Tag::List(None) => Some(Element::List),
                    Tag::List(Some(_)) => Some(Element::OrderedList),
                    Tag::Item => Some(Element::Item),
                    Tag::Table(a) => {
                        aligns = a;
                        Some(Element::Table)
                    }
                    Tag::TableHead => {
                        in_head = true;
                        column = 0;
                        stack.push((Some(Element::TableHead), Vec::new()));
                        Some(Element::Row)
                    }
                    Tag::TableRow => {
                        column = 0;
                        if matches!(stack.last(), Some((Some(Element::Table), _))) {
                            stack.push((Some(Element::TableBody), Vec::new()));
                        }
                        Some(Element::Row)
                    }
                    Tag::TableCell => {
                        let r = right(&aligns, column);
                        column += 1;
                        Some(if in_head {
                            Element::HeaderCell(r)
                        } else {
                            Element::Cell(r)
                        })
                    }
                    Tag::Strong => Some(Element::Strong),
                    Tag::Emphasis => Some(Element::Emphasis),
                    Tag::CodeBlock(_) => Some(Element::Pre),
                    Tag::BlockQuote(_) => Some(Element::Quote),
                    _ => None,
                };
                stack.push((el, Vec::new()));
            }
            Event::End(end) => {
                // The body frame opened by the first row sits under the
                // table's own: close it first.
                if end == TagEnd::Table
                    && matches!(stack.last(), Some((Some(Element::TableBody), _)))
                {
                    close(&mut stack);
                }
                close(&mut stack);
                if end == TagEnd::TableHead {
                    // The head's row was opened with the head.
                    close(&mut stack);
                    in_head = false;
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push(&mut stack, Node::Text(t.into_string()))
            }
            Event::Code(t) => push(
                &mut stack,
                Node::Element(Element::Code, vec![Node::Text(t.into_string())]),
            ),
            Event::SoftBreak => push(&mut stack, Node::Text(" ".into())),
            Event::HardBreak => push(&mut stack, Node::Element(Element::Break, Vec::new())),
            Event::Rule => push(&mut stack, Node::Element(Element::Rule, Vec::new())),
            _ => {}
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    merge_text(stack.pop().map(|f| f.1).unwrap_or_default())
}

/// Joins neighbouring text nodes (the parser splits text at escapes and
/// entities), so that a cell's text is one node.
fn merge_text(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for n in nodes {
        match (out.last_mut(), n) {
            (Some(Node::Text(a)), Node::Text(b)) => a.push_str(&b),
            (_, Node::Element(el, kids)) => out.push(Node::Element(el, merge_text(kids))),
            (_, t) => out.push(t),
        }
    }
    out
}

/// The text of nodes, as a screen reader or a copy would give it.
pub fn text_of(nodes: &[Node]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(_, kids) => out.push_str(&text_of(kids)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Element::*;

    fn t(s: &str) -> Node {
        Node::Text(s.into())
    }

    fn e(el: Element, kids: Vec<Node>) -> Node {
        Node::Element(el, kids)
    }

    #[test]
    fn headings_lists_and_code_spans() {
        let nodes = parse(
            "# Brief\n\n- Period: **3** days\n- a `<b>x</b>`\n\n1. `home`: 4 views\n\n## Next\n",
        );
        assert_eq!(
            nodes,
            vec![
                e(Heading(4), vec![t("Brief")]),
                e(
                    List,
                    vec![
                        e(
                            Item,
                            vec![t("Period: "), e(Strong, vec![t("3")]), t(" days")]
                        ),
                        e(Item, vec![t("a "), e(Code, vec![t("<b>x</b>")])]),
                    ]
                ),
                e(
                    OrderedList,
                    vec![e(Item, vec![e(Code, vec![t("home")]), t(": 4 views")])]
                ),
                e(Heading(5), vec![t("Next")]),
            ]
        );
    }

    #[test]
    fn a_table_has_a_head_a_body_and_right_aligned_numbers() {
        let nodes = parse(
            "| Metric | This period |\n| --- | ---: |\n| New users (`new_users`) | 10 |\n| Events | 119 |\n\nafter\n",
        );
        assert_eq!(
            nodes,
            vec![
                e(
                    Table,
                    vec![
                        e(
                            TableHead,
                            vec![e(
                                Row,
                                vec![
                                    e(HeaderCell(false), vec![t("Metric")]),
                                    e(HeaderCell(true), vec![t("This period")]),
                                ]
                            )]
                        ),
                        e(
                            TableBody,
                            vec![
                                e(
                                    Row,
                                    vec![
                                        e(
                                            Cell(false),
                                            vec![
                                                t("New users ("),
                                                e(Code, vec![t("new_users")]),
                                                t(")")
                                            ]
                                        ),
                                        e(Cell(true), vec![t("10")]),
                                    ]
                                ),
                                e(
                                    Row,
                                    vec![
                                        e(Cell(false), vec![t("Events")]),
                                        e(Cell(true), vec![t("119")])
                                    ]
                                ),
                            ]
                        ),
                    ]
                ),
                e(Paragraph, vec![t("after")]),
            ]
        );
    }

    #[test]
    fn markup_links_and_images_become_text() {
        let nodes = parse("<script>alert(1)</script>\n\nsee [the <i>site</i>](javascript:x) ![alt](x.png) <img src=x onerror=y>\n");
        let text = text_of(&nodes);
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(
            text.contains("see the <i>site</i> alt <img src=x onerror=y>"),
            "{text}"
        );
        // Only the allowed elements, whatever the input.
        fn walk(n: &[Node]) {
            for n in n {
                if let Node::Element(el, kids) = n {
                    assert!(
                        matches!(el, Paragraph | Heading(_) | Code | Break | Rule),
                        "{el:?}"
                    );
                    walk(kids);
                }
            }
        }
        walk(&nodes);
    }

    #[test]
    fn the_engines_brief_parses_whole() {
        use crate::demo::{csv_tables, DemoConfig};
        use crate::load::{Bundle, Limits};
        use crate::period::Period;
        use crate::segment::Segment;
        use crate::{insights, metrics};
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in csv_tables(&DemoConfig::new(120)) {
            b.add_bytes(&name, &bytes).unwrap();
        }
        let loaded = b.finish().unwrap();
        let period = Period::from_options(
            Some("2025-06-01"),
            Some("2025-06-30"),
            None,
            Default::default(),
        )
        .unwrap();
        let seg = Segment::default().apply(&loaded.dataset).unwrap();
        let report = metrics::compute(&seg.dataset, &period);
        let ins = insights::compute(&seg.dataset, &period, &report, &seg.info, &loaded.warnings);
        let nodes = parse(&ins.summary_md);
        // Every figure of the comparison is in a table cell of its own.
        let tables: Vec<&Node> = nodes
            .iter()
            .filter(|n| matches!(n, Node::Element(Table, _)))
            .collect();
        assert_eq!(tables.len(), 1);
        let Node::Element(_, parts) = tables[0] else {
            unreachable!()
        };
        let Node::Element(TableBody, rows) = &parts[1] else {
            panic!("{:?}", parts[1])
        };
        assert_eq!(rows.len(), ins.period_comparison.metrics.len());
        for (row, m) in rows.iter().zip(&ins.period_comparison.metrics) {
            let Node::Element(Row, cells) = row else {
                panic!()
            };
            assert_eq!(text_of(&cells[1..2]), m.current.to_string());
            assert_eq!(text_of(&cells[2..3]), m.previous.to_string());
        }
        // No text of the brief is lost but its Markdown syntax (list
        // numbers, table rules, heading marks, fences).
        let plain: String = ins
            .summary_md
            .lines()
            .filter(|l| !l.starts_with("| ---"))
            .map(|l| {
                let digits = l.chars().take_while(char::is_ascii_digit).count();
                match l[digits..].strip_prefix(". ") {
                    Some(rest) if digits > 0 => rest,
                    _ => l,
                }
            })
            .flat_map(str::chars)
            .filter(|c| c.is_alphanumeric())
            .collect();
        let shown: String = text_of(&nodes)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        assert_eq!(shown, plain);
    }
}
