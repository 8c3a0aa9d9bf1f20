use zijin_charts::{Bar, Bars, Labels, Light, NO_DATA, SYNTHETIC_NOTE, bars};

use crate::{contract, elements, number, texts, title, with_class};

fn row(label: &str, value: Option<f64>, light: Option<Light>) -> Bar {
    Bar {
        label: label.to_owned(),
        value,
        value_text: value.map(|value| format!("{value}")).unwrap_or_default(),
        light,
        synthetic: false,
    }
}

fn chart(rows: Vec<Bar>) -> Bars {
    Bars {
        labels: Labels {
            title: "各区高新技术企业数".to_owned(),
            unit: "家".to_owned(),
            x_label: "企业数".to_owned(),
            y_label: String::new(),
        },
        width: 520,
        rows,
        reference: None,
    }
}

fn districts() -> Vec<Bar> {
    vec![
        row("玄武区", Some(400.0), Some(Light::Green)),
        row("秦淮区", Some(200.0), Some(Light::Yellow)),
        row("建邺区", Some(100.0), Some(Light::Red)),
        row("鼓楼区", Some(50.0), None),
    ]
}

/// The rectangles of the bars, in row order.
fn bar_rects<'a, 'input>(
    document: &'a roxmltree::Document<'input>,
) -> Vec<roxmltree::Node<'a, 'input>> {
    with_class(document, "bar")
}

#[test]
fn one_row_and_one_bar_per_row_with_labels_verbatim() {
    let svg = bars(&chart(districts()));
    let document = contract(&svg);
    assert_eq!(title(&document), "各区高新技术企业数");
    assert_eq!(with_class(&document, "row").len(), 4);
    assert_eq!(bar_rects(&document).len(), 4);
    let texts = texts(&document);
    for expected in [
        "玄武区",
        "秦淮区",
        "建邺区",
        "鼓楼区",
        "企业数（家）",
        "400",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "{expected} in {texts:?}"
        );
    }
}

#[test]
fn bar_lengths_are_proportional_and_rows_go_down() {
    let svg = bars(&chart(districts()));
    let document = contract(&svg);
    let rects = bar_rects(&document);
    let widths: Vec<f64> = rects.iter().map(|rect| number(*rect, "width")).collect();
    let ys: Vec<f64> = rects.iter().map(|rect| number(*rect, "y")).collect();
    for (width, value) in widths.iter().zip([400.0, 200.0, 100.0, 50.0]) {
        let expected = widths[0] * value / 400.0;
        assert!((width - expected).abs() <= 0.02, "{widths:?}");
    }
    assert!(ys.windows(2).all(|pair| pair[0] < pair[1]), "{ys:?}");
    // All bars start at zero.
    let x0 = number(rects[0], "x");
    assert!(
        rects
            .iter()
            .all(|rect| (number(*rect, "x") - x0).abs() < 0.01)
    );
}

#[test]
fn height_follows_the_row_count() {
    let four = bars(&chart(districts()));
    let mut more = districts();
    more.extend(districts());
    let eight = bars(&chart(more));
    let height = |svg: &str| number(contract(svg).root_element(), "height");
    let (four, eight) = (height(&four), height(&eight));
    assert!(eight > four);
    assert!(((eight - four) - 4.0 * 26.0).abs() < 1.0, "{four} {eight}");
}

#[test]
fn lights_have_colours_and_distinct_icons() {
    let svg = bars(&chart(districts()));
    let document = contract(&svg);
    let rects = bar_rects(&document);
    let fills: Vec<&str> = rects
        .iter()
        .map(|rect| rect.attribute("fill").unwrap())
        .collect();
    assert_eq!(fills, vec!["#1a7f37", "#bf8700", "#cf222e", "#57606a"]);
    let icons = with_class(&document, "light-icon");
    // No icon for the row without a light.
    assert_eq!(icons.len(), 3);
    let classes: Vec<&str> = icons
        .iter()
        .map(|icon| icon.attribute("class").unwrap())
        .collect();
    assert_eq!(
        classes,
        vec![
            "light-icon light-green",
            "light-icon light-yellow",
            "light-icon light-red"
        ]
    );
}

#[test]
fn negative_values_extend_left_of_zero() {
    let svg = bars(&chart(vec![
        row("增长", Some(10.0), Some(Light::Green)),
        row("下降", Some(-5.0), Some(Light::Red)),
    ]));
    let document = contract(&svg);
    let rects = bar_rects(&document);
    let (up, down) = (rects[0], rects[1]);
    let zero = number(up, "x");
    assert!((number(down, "x") + number(down, "width") - zero).abs() < 0.02);
    assert!((number(up, "width") / number(down, "width") - 2.0).abs() < 0.01);
}

#[test]
fn the_reference_line_sits_at_its_value() {
    let mut chart = chart(vec![
        row("全市", Some(3.9), Some(Light::Green)),
        row("江宁区", Some(7.8), Some(Light::Green)),
    ]);
    chart.reference = Some((3.9, "全市 3.9".to_owned()));
    let svg = bars(&chart);
    let document = contract(&svg);
    let reference = with_class(&document, "reference");
    assert_eq!(reference.len(), 1);
    let line = reference[0]
        .children()
        .find(|node| node.tag_name().name() == "line")
        .unwrap();
    let city = bar_rects(&document)[0];
    let end = number(city, "x") + number(city, "width");
    assert!((number(line, "x1") - end).abs() < 0.02, "{svg}");
    assert!(texts(&document).iter().any(|text| text == "全市 3.9"));
}

#[test]
fn synthetic_rows_are_marked_and_noted() {
    let plain = bars(&chart(districts()));
    assert!(
        !texts(&contract(&plain))
            .iter()
            .any(|text| text == SYNTHETIC_NOTE)
    );

    let mut rows = districts();
    rows[1].synthetic = true;
    let svg = bars(&chart(rows));
    let document = contract(&svg);
    let synthetic = with_class(&document, "synthetic");
    assert_eq!(synthetic.len(), 1);
    assert_eq!(synthetic[0].attribute("stroke-dasharray"), Some("3 2"));
    let texts = texts(&document);
    assert!(texts.iter().any(|text| text == "秦淮区 *"));
    assert!(texts.iter().any(|text| text == SYNTHETIC_NOTE));
}

#[test]
fn a_row_without_a_value_has_no_bar_and_says_so() {
    let mut rows = districts();
    rows[2] = row("建邺区", None, Some(Light::Red));
    rows[3] = Bar {
        value_text: String::new(),
        ..row("鼓楼区", Some(f64::NAN), None)
    };
    let svg = bars(&chart(rows));
    let document = contract(&svg);
    assert_eq!(with_class(&document, "row").len(), 4);
    assert_eq!(bar_rects(&document).len(), 2);
    let no_data = texts(&document)
        .iter()
        .filter(|text| *text == NO_DATA)
        .count();
    assert_eq!(no_data, 2);
}

#[test]
fn no_rows_or_no_values_say_no_data() {
    for rows in [
        vec![],
        vec![
            row("栖霞区", None, None),
            row("六合区", Some(f64::INFINITY), None),
        ],
    ] {
        let count = rows.len();
        let svg = bars(&chart(rows));
        let document = contract(&svg);
        assert!(texts(&document).iter().any(|text| text == NO_DATA), "{svg}");
        assert_eq!(with_class(&document, "row").len(), count);
        assert!(
            elements(&document, "rect")
                .iter()
                .all(|rect| !rect.attribute("class").unwrap_or("").contains("bar"))
        );
    }
}

#[test]
fn labels_are_escaped() {
    let mut rows = districts();
    rows[0].label = "<b>&".to_owned();
    rows[0].value_text = "\"400\" & more".to_owned();
    let mut chart = chart(rows);
    chart.labels.title = "A<&B".to_owned();
    let svg = bars(&chart);
    assert!(!svg.contains("<b>"));
    let document = contract(&svg);
    assert_eq!(title(&document), "A<&B");
    let texts = texts(&document);
    assert!(texts.iter().any(|text| text == "<b>&"));
    assert!(texts.iter().any(|text| text == "\"400\" & more"));
}

#[test]
fn is_deterministic() {
    let mut chart = chart(districts());
    chart.reference = Some((123.456, "平均".to_owned()));
    assert_eq!(bars(&chart), bars(&chart.clone()));
}

#[test]
fn long_labels_shrink_to_stay_inside_the_picture() {
    let mut rows = districts();
    rows[0].label = "南京江北新区直管区（含南京高新技术产业开发区）".to_owned();
    let mut chart = chart(rows);
    chart.width = 0;
    let svg = bars(&chart);
    let document = contract(&svg);
    assert_eq!(number(document.root_element(), "width"), 240.0);
    let labels = with_class(&document, "row-label");
    assert!(number(labels[0], "font-size") < number(labels[1], "font-size"));
    assert_eq!(bar_rects(&document).len(), 4);
}
