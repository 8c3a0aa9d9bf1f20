//! The charts' integration tests: each chart is parsed as XML and checked for
//! what a reader (or typst) relies on, not for its exact bytes.

mod bars;
mod properties;
mod ranks;
mod small;
mod tiles;
mod trajectory;

use roxmltree::{Document, Node};

/// Parses a chart and checks the contract every chart keeps: one `<svg>` root
/// with width, height, a view box, `role="img"`, an accessible name equal to
/// its `<title>`, and the CJK font family on every text element.
pub fn contract(svg: &str) -> Document<'_> {
    let document = Document::parse(svg)
        .unwrap_or_else(|error| panic!("not well-formed XML ({error}):\n{svg}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"), "{svg}");
    let width: f64 = number(root, "width");
    let height: f64 = number(root, "height");
    assert!(width > 0.0 && height > 0.0, "{svg}");
    let view_box: Vec<f64> = root
        .attribute("viewBox")
        .expect("a viewBox")
        .split(' ')
        .map(|part| part.parse().expect("a number in the viewBox"))
        .collect();
    assert_eq!(view_box.len(), 4);
    assert!(view_box[2] > 0.0 && view_box[3] > 0.0);
    let title = root
        .children()
        .find(|node| node.is_element())
        .expect("a first child");
    assert_eq!(title.tag_name().name(), "title", "the title comes first");
    let title_text = title.text().unwrap_or("");
    assert!(!title_text.trim().is_empty(), "an empty title:\n{svg}");
    assert_eq!(root.attribute("aria-label"), Some(title_text));
    for text in elements(&document, "text") {
        let family = text.attribute("font-family").unwrap_or("");
        assert!(
            family.starts_with("Noto Sans CJK SC"),
            "a text without the CJK font: {text:?}"
        );
    }
    document
}

/// The number in an attribute.
pub fn number(node: Node<'_, '_>, attribute: &str) -> f64 {
    node.attribute(attribute)
        .unwrap_or_else(|| panic!("no {attribute} on {node:?}"))
        .parse()
        .unwrap_or_else(|error| panic!("{attribute} of {node:?}: {error}"))
}

/// All elements with this tag name.
pub fn elements<'a, 'input>(document: &'a Document<'input>, tag: &str) -> Vec<Node<'a, 'input>> {
    document
        .descendants()
        .filter(|node| node.is_element() && node.tag_name().name() == tag)
        .collect()
}

/// All elements that have this class.
pub fn with_class<'a, 'input>(
    document: &'a Document<'input>,
    class: &str,
) -> Vec<Node<'a, 'input>> {
    document
        .descendants()
        .filter(|node| {
            node.attribute("class")
                .is_some_and(|classes| classes.split(' ').any(|name| name == class))
        })
        .collect()
}

/// The title (accessible name) of a chart.
pub fn title(document: &Document<'_>) -> String {
    elements(document, "title")
        .first()
        .and_then(|node| node.text())
        .unwrap_or("")
        .to_owned()
}

/// The trimmed contents of every text element.
pub fn texts(document: &Document<'_>) -> Vec<String> {
    elements(document, "text")
        .iter()
        .map(|node| {
            node.descendants()
                .filter(|child| child.is_text())
                .filter_map(|child| child.text())
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .collect()
}

/// The points of a `points` attribute.
pub fn points(node: Node<'_, '_>) -> Vec<(f64, f64)> {
    node.attribute("points")
        .expect("points")
        .split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',').expect("x,y");
            (x.parse().expect("x"), y.parse().expect("y"))
        })
        .collect()
}

/// Checks that every number the renderer wrote (coordinates, sizes, points,
/// transforms) is finite: no `NaN` or `inf` leaked into the picture.
pub fn numbers_are_finite(document: &Document<'_>) {
    const NUMERIC: [&str; 17] = [
        "x",
        "y",
        "width",
        "height",
        "cx",
        "cy",
        "r",
        "x1",
        "x2",
        "y1",
        "y2",
        "points",
        "transform",
        "viewBox",
        "font-size",
        "rx",
        "fill-opacity",
    ];
    for node in document.descendants().filter(|node| node.is_element()) {
        for name in NUMERIC {
            if let Some(value) = node.attribute(name) {
                assert!(
                    !value.contains("NaN") && !value.contains("inf"),
                    "{name}=\"{value}\" on {node:?}"
                );
            }
        }
    }
}
