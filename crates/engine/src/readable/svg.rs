//! A small typed SVG tree. Charts are built as trees, never as markup text:
//! `report.html` serializes them with escaping, and the page writes its
//! markup from the same tree with the same escaping and allow-list.

use serde::{Deserialize, Serialize};

/// The SVG namespace (a standalone SVG file's `xmlns`).
pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// One SVG element: its name, attributes in order, optional text content
/// (before the children) and children. Names and attribute names are the
/// chart module's own constants; only values and text can come from data.
///
/// Serialized (the worker's reply to the page), an absent text and an
/// empty list of children are left out: most elements of a long chart are
/// leaves, and a "Whole data" reply carries about 2 MB of charts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Element name, e.g. `rect`.
    pub name: String,
    /// Attributes `(name, value)`, in order.
    pub attrs: Vec<(String, String)>,
    /// Text content (for `text`, `title`, `desc`), or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Child elements, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Element>,
}

impl Element {
    /// An element without attributes or children.
    pub fn new(name: &str) -> Self {
        Element {
            name: name.to_string(),
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Self {
        self.attrs.push((name.to_string(), value.into()));
        self
    }

    /// Adds a numeric attribute, rounded to 0.1 (coordinates).
    pub fn num(self, name: &str, value: f64) -> Self {
        self.attr(name, coord(value))
    }

    /// Sets the text content.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Appends a child.
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }

    /// Appends children.
    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        self.children.extend(children);
        self
    }

    /// The value of attribute `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// This element and all its descendants, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() {
            let e = out[i];
            out.extend(e.children.iter());
            i += 1;
        }
        out
    }
}

/// Element names a chart may use. Writers of a tree (report.html, the
/// page's markup) leave anything else out, so that no tree, even one read back
/// from elsewhere, can put a script in a page.
pub const ELEMENTS: &[&str] = &[
    "svg", "g", "rect", "line", "text", "title", "desc", "circle", "path", "polyline", "tspan",
];

/// Whether `name` is one of [`ELEMENTS`].
pub fn is_allowed_element(name: &str) -> bool {
    ELEMENTS.contains(&name)
}

/// Whether an attribute may be written: a plain name that is neither an
/// event handler (`on…`) nor a link (`href`).
pub fn is_safe_attr(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.to_ascii_lowercase().starts_with("on")
        && !name.eq_ignore_ascii_case("href")
}

/// A coordinate with at most one decimal, so the bytes are the same on
/// every platform and no `-0` or long fraction appears.
pub fn coord(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let a = tenths.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_short_and_stable() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.04), "12");
        assert_eq!(coord(12.05), "12.1");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(-0.5), "-0.5");
        assert_eq!(coord(-3.25), "-3.3");
    }

    #[test]
    fn serialized_leaves_leave_out_empty_text_and_children() {
        let e = Element::new("g")
            .attr("class", "datum")
            .child(Element::new("title").text("a \"b\""))
            .child(Element::new("rect").attr("x", "1"));
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"name":"g","attrs":[["class","datum"]],"children":[{"name":"title","attrs":[],"text":"a \"b\""},{"name":"rect","attrs":[["x","1"]]}]}"#
        );
        assert_eq!(serde_json::from_str::<Element>(&json).unwrap(), e);
        // The full form still reads.
        let full = r#"{"name":"rect","attrs":[],"text":null,"children":[]}"#;
        assert_eq!(
            serde_json::from_str::<Element>(full).unwrap(),
            Element::new("rect")
        );
    }

    #[test]
    fn builder_keeps_order() {
        let e = Element::new("g")
            .attr("a", "1")
            .num("x", 2.5)
            .child(Element::new("title").text("t"));
        assert_eq!(e.get("x"), Some("2.5"));
        assert_eq!(e.descendants().len(), 2);
        assert_eq!(e.children[0].text.as_deref(), Some("t"));
    }
}
