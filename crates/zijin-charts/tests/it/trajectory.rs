use zijin_charts::{
    Labels, LegendText, Marker, NO_DATA, ObservedPoint, TargetMark, Trajectory, trajectory,
};

use crate::{contract, elements, number, numbers_are_finite, points, texts, title, with_class};

fn observed(time: f64, value: f64, marker: Marker, synthetic: bool) -> ObservedPoint {
    ObservedPoint {
        time,
        value,
        marker,
        synthetic,
        label: format!("{time}: {value}"),
    }
}

/// R&D intensity in Nanjing, 2020–2025, with every kind of mark.
fn chart() -> Trajectory {
    Trajectory {
        labels: Labels {
            title: "全社会研发投入强度".to_owned(),
            unit: "%".to_owned(),
            x_label: "年份".to_owned(),
            y_label: "研发投入强度".to_owned(),
        },
        width: 640,
        height: 360,
        baseline: Some((2020.0, 3.42)),
        observed: vec![
            observed(2021.0, 3.56, Marker::Exact, false),
            observed(2022.0, 3.67, Marker::About, false),
            observed(2023.0, 3.8, Marker::MoreThan, false),
        ],
        required_path: vec![(2020.0, 3.42), (2025.0, 4.0)],
        projection: vec![(2023.0, 3.8), (2025.0, 4.06)],
        band: vec![(2023.0, 3.8, 3.8), (2024.0, 3.7, 4.1), (2025.0, 3.6, 4.5)],
        target: Some(TargetMark {
            time: 2025.0,
            value: 4.0,
            stretch: None,
        }),
        legend: LegendText::chinese(),
    }
}

#[test]
fn keeps_the_contract_and_shows_chinese_labels_verbatim() {
    let svg = trajectory(&chart());
    let document = contract(&svg);
    assert_eq!(title(&document), "全社会研发投入强度");
    let texts = texts(&document);
    for expected in [
        "全社会研发投入强度",
        "研发投入强度（%）",
        "年份",
        "实际值",
        "序时要求",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "{expected} missing from {texts:?}"
        );
    }
    let root = document.root_element();
    assert_eq!(number(root, "width"), 640.0);
    assert_eq!(number(root, "height"), 360.0);
}

#[test]
fn each_qualifier_has_its_own_marker() {
    let svg = trajectory(&chart());
    let document = contract(&svg);
    let exact = with_class(&document, "exact");
    let about = with_class(&document, "about");
    let more_than = with_class(&document, "more-than");
    assert_eq!((exact.len(), about.len(), more_than.len()), (1, 1, 1));
    let shape = |group: roxmltree::Node<'_, '_>| {
        let shape = group
            .children()
            .find(|node| node.is_element() && node.tag_name().name() != "title")
            .expect("a shape");
        (
            shape.tag_name().name().to_owned(),
            shape.attribute("fill").unwrap_or("").to_owned(),
        )
    };
    // `=` filled circle, `~` hollow circle, `>` open (white) triangle.
    assert_eq!(shape(exact[0]), ("circle".to_owned(), "#0969da".to_owned()));
    assert_eq!(shape(about[0]), ("circle".to_owned(), "#ffffff".to_owned()));
    let triangle = shape(more_than[0]);
    assert_eq!(triangle, ("polygon".to_owned(), "#ffffff".to_owned()));
    let apex = more_than[0]
        .children()
        .find(|node| node.tag_name().name() == "polygon")
        .map(points)
        .unwrap();
    assert_eq!(apex.len(), 3);
    assert!(apex[0].1 < apex[1].1, "the triangle points up");
    // The points carry their labels as tooltips.
    assert!(svg.contains("<title>2022: 3.67</title>"));
}

#[test]
fn paths_are_styled_apart() {
    let svg = trajectory(&chart());
    let document = contract(&svg);
    let required = with_class(&document, "required");
    let projection = with_class(&document, "projection");
    let observed = with_class(&document, "observed");
    let required_line = required
        .iter()
        .find(|node| node.tag_name().name() == "polyline")
        .expect("the required path");
    assert_eq!(required_line.attribute("stroke"), Some("#57606a"));
    assert_eq!(required_line.attribute("stroke-dasharray"), Some("6 4"));
    let projection_line = projection
        .iter()
        .find(|node| node.tag_name().name() == "polyline")
        .expect("the projection");
    assert_eq!(projection_line.attribute("stroke-dasharray"), Some("2 3"));
    let observed_line = observed
        .iter()
        .find(|node| node.tag_name().name() == "polyline")
        .expect("the observed line");
    assert_eq!(observed_line.attribute("stroke-dasharray"), None);
    // Baseline plus three observations.
    assert_eq!(points(*observed_line).len(), 4);
    let band = with_class(&document, "band");
    let band = band
        .iter()
        .find(|node| node.tag_name().name() == "polygon")
        .expect("the band");
    assert!(
        number(*band, "fill-opacity") < 0.5,
        "the band is translucent"
    );
    assert_eq!(points(*band).len(), 6);
}

#[test]
fn the_range_holds_target_and_band_inside_the_plot() {
    let mut chart = chart();
    // A target and a band far above the observations.
    chart.target = Some(TargetMark {
        time: 2025.0,
        value: 8.0,
        stretch: Some(9.0),
    });
    chart.band.push((2025.0, 2.0, 10.0));
    let svg = trajectory(&chart);
    let document = contract(&svg);
    let height = number(document.root_element(), "height");
    let width = number(document.root_element(), "width");
    let mut ys = Vec::new();
    let target = with_class(&document, "target");
    assert_eq!(target.len(), 1);
    let diamonds = target[0]
        .children()
        .filter(|node| node.attribute("class") == Some("diamond"));
    for node in with_class(&document, "band").into_iter().chain(diamonds) {
        if node.has_attribute("points") {
            ys.extend(points(node).into_iter().map(|(x, y)| {
                assert!((0.0..=width).contains(&x));
                y
            }));
        }
    }
    assert!(!ys.is_empty());
    // Inside the picture, below the title (28 px) and above the axis.
    assert!(ys.iter().all(|y| *y > 28.0 && *y < height - 40.0), "{ys:?}");
    let range = with_class(&document, "target-range");
    assert_eq!(range.len(), 1, "a range target draws its range");
    assert!(number(range[0], "height") > 10.0);
    assert!(texts(&document).iter().any(|text| text == "目标值 8–9"));
}

#[test]
fn years_are_whole_and_numbers_have_no_float_noise() {
    let mut chart = chart();
    chart.observed.push(ObservedPoint {
        label: String::new(),
        ..observed(2023.5, 0.1 + 0.2, Marker::Exact, false)
    });
    let svg = trajectory(&chart);
    let document = contract(&svg);
    let texts = texts(&document);
    for year in ["2020", "2021", "2022", "2023", "2024", "2025"] {
        assert!(texts.iter().any(|text| text == year), "{year} in {texts:?}");
    }
    for text in &texts {
        assert!(!text.contains("2023.5"), "a fractional year tick: {text}");
        assert!(
            !text.contains("0000") && !text.contains("9999"),
            "float noise: {text}"
        );
    }
}

#[test]
fn synthetic_points_are_ringed_and_the_legend_says_so_only_when_present() {
    let plain = trajectory(&chart());
    let document = contract(&plain);
    assert!(with_class(&document, "synthetic-ring").is_empty());
    assert!(!texts(&document).iter().any(|text| text == "合成数据"));

    let mut chart = chart();
    chart.observed[1].synthetic = true;
    let svg = trajectory(&chart);
    let document = contract(&svg);
    let rings = with_class(&document, "synthetic-ring");
    // One around the point, one in the legend.
    assert_eq!(rings.len(), 2);
    assert_eq!(
        rings[0].attribute("stroke-dasharray"),
        Some("2 2"),
        "a dashed outline"
    );
    assert_eq!(with_class(&document, "synthetic").len(), 1);
    assert!(texts(&document).iter().any(|text| text == "合成数据"));
}

#[test]
fn the_legend_lists_only_what_is_drawn() {
    let chart = Trajectory {
        labels: Labels {
            title: "R&D intensity".to_owned(),
            ..Labels::default()
        },
        width: 400,
        height: 240,
        observed: vec![
            observed(2021.0, 1.0, Marker::Exact, false),
            observed(2022.0, 2.0, Marker::Exact, false),
        ],
        legend: LegendText::english(),
        ..Trajectory::default()
    };
    let svg = trajectory(&chart);
    let document = contract(&svg);
    let legend: Vec<String> = with_class(&document, "legend")
        .iter()
        .map(|node| node.text().unwrap_or("").to_owned())
        .collect();
    assert_eq!(legend, vec!["Observed".to_owned()]);
}

#[test]
fn labels_are_escaped() {
    let mut chart = chart();
    chart.labels.title = "R<&D> \"强度\"".to_owned();
    chart.labels.y_label = "a<b&c".to_owned();
    chart.observed[2].label = "<script>&".to_owned();
    let svg = trajectory(&chart);
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("R&lt;&amp;D&gt;"));
    let document = contract(&svg);
    assert_eq!(title(&document), "R<&D> \"强度\"");
    let texts = texts(&document);
    assert!(
        texts
            .iter()
            .any(|text| text == "a<b&c（%）" || text == "a<b&c (%)")
    );
    assert!(texts.iter().any(|text| text == "<script>&"));
}

#[test]
fn no_usable_number_says_no_data() {
    let nothing = Trajectory {
        labels: Labels {
            title: "研发".to_owned(),
            ..Labels::default()
        },
        width: 0,
        height: 0,
        ..Trajectory::default()
    };
    let nonsense = Trajectory {
        baseline: Some((f64::NAN, 1.0)),
        observed: vec![observed(2021.0, f64::INFINITY, Marker::Exact, false)],
        required_path: vec![(f64::NEG_INFINITY, 1.0), (2025.0, f64::NAN)],
        projection: vec![(2025.0, 1e300)],
        band: vec![(2024.0, f64::NAN, 1.0)],
        target: Some(TargetMark {
            time: f64::NAN,
            value: 4.0,
            stretch: Some(f64::NAN),
        }),
        ..nothing.clone()
    };
    for chart in [nothing, nonsense] {
        let svg = trajectory(&chart);
        let document = contract(&svg);
        assert!(texts(&document).iter().any(|text| text == NO_DATA), "{svg}");
        assert_eq!(title(&document), "研发");
        assert!(elements(&document, "polyline").is_empty());
    }
}

#[test]
fn non_finite_points_are_left_out_of_a_chart_that_still_draws() {
    let mut chart = chart();
    chart
        .observed
        .push(observed(2024.0, f64::NAN, Marker::Exact, false));
    chart
        .observed
        .push(observed(f64::INFINITY, 3.0, Marker::About, false));
    let svg = trajectory(&chart);
    let document = contract(&svg);
    assert_eq!(with_class(&document, "exact").len(), 1);
    assert_eq!(with_class(&document, "about").len(), 1);
    assert!(!texts(&document).iter().any(|text| text == NO_DATA));
    numbers_are_finite(&document);
}

#[test]
fn a_single_point_gets_an_axis() {
    let chart = Trajectory {
        width: 300,
        height: 200,
        observed: vec![observed(2023.0, 5.0, Marker::Exact, false)],
        ..Trajectory::default()
    };
    let svg = trajectory(&chart);
    let document = contract(&svg);
    assert_eq!(with_class(&document, "exact").len(), 1);
    assert!(texts(&document).iter().any(|text| text == "2023"));
}

#[test]
fn is_deterministic() {
    let chart = chart();
    assert_eq!(trajectory(&chart), trajectory(&chart.clone()));
}

#[test]
fn the_smallest_picture_still_draws_every_mark_with_a_long_legend() {
    let mut chart = chart();
    chart.width = 0;
    chart.height = 0;
    chart.legend = LegendText::english();
    chart.observed[0].synthetic = true;
    let svg = trajectory(&chart);
    let document = contract(&svg);
    let root = document.root_element();
    assert_eq!(
        (number(root, "width"), number(root, "height")),
        (240.0, 160.0)
    );
    assert!(
        !texts(&document).iter().any(|text| text == NO_DATA),
        "{svg}"
    );
    assert_eq!(
        with_class(&document, "point").len(),
        4,
        "baseline and three points"
    );
    // The legend wraps inside the picture.
    for entry in with_class(&document, "legend") {
        let x = number(entry, "x");
        let y = number(entry, "y");
        assert!(x < 240.0 && y <= 160.0, "{x} {y}");
    }
}
