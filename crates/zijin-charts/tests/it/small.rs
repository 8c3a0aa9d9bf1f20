use zijin_charts::{Light, NO_DATA, light_icon, progress_bar, sparkline};

use crate::{contract, elements, number, points, texts, title, with_class};

/// The fill's share of the track, and the elapsed marker's position on it.
fn measure(svg: &str) -> (Option<f64>, Option<f64>) {
    let document = contract(svg);
    let track = with_class(&document, "track");
    assert_eq!(track.len(), 1);
    let (x, width) = (number(track[0], "x"), number(track[0], "width"));
    let fill = with_class(&document, "fill").first().map(|fill| {
        assert!(
            (number(*fill, "x") - x).abs() < 0.01,
            "the fill starts with the track"
        );
        number(*fill, "width") / width
    });
    let elapsed = elements(&document, "line")
        .into_iter()
        .find(|line| line.attribute("class") == Some("elapsed"))
        .map(|line| {
            assert_eq!(
                number(line, "x1"),
                number(line, "x2"),
                "the marker is vertical"
            );
            (number(line, "x1") - x) / width
        });
    (fill, elapsed)
}

#[test]
fn the_fill_follows_completion_and_the_marker_sits_at_elapsed() {
    for (completion, elapsed) in [(0.62, 0.6), (0.0, 0.0), (1.0, 1.0), (0.25, 0.8), (0.9, 0.1)] {
        let svg = progress_bar(
            Some(completion),
            Some(elapsed),
            Some(Light::Green),
            "62% / 序时 60%",
            240,
            20,
        );
        let (fill, marker) = measure(&svg);
        let fill = fill.expect("a fill");
        let marker = marker.expect("a marker");
        assert!((fill - completion).abs() < 0.001, "{completion}: {fill}");
        assert!((marker - elapsed).abs() < 0.001, "{elapsed}: {marker}");
    }
}

#[test]
fn completion_beyond_the_bar_is_clamped_with_an_arrow() {
    let over = progress_bar(Some(1.3), Some(0.6), Some(Light::Green), "130%", 200, 20);
    assert_eq!(measure(&over).0, Some(1.0));
    let document = contract(&over);
    assert_eq!(with_class(&document, "overflow").len(), 1);
    assert!(with_class(&document, "underflow").is_empty());

    let under = progress_bar(Some(-0.2), Some(0.6), Some(Light::Red), "-20%", 200, 20);
    assert_eq!(measure(&under).0, Some(0.0));
    let document = contract(&under);
    assert_eq!(with_class(&document, "underflow").len(), 1);
    assert!(with_class(&document, "overflow").is_empty());

    let inside = progress_bar(Some(0.5), Some(0.6), None, "50%", 200, 20);
    let document = contract(&inside);
    assert!(with_class(&document, "overflow").is_empty());
    assert!(with_class(&document, "underflow").is_empty());
}

#[test]
fn the_bar_takes_the_light_colour_and_grey_without_one() {
    let fill_colour = |light| {
        let svg = progress_bar(Some(0.5), None, light, "50%", 200, 20);
        let document = contract(&svg);
        let fill = with_class(&document, "fill");
        fill[0].attribute("fill").unwrap().to_owned()
    };
    assert_eq!(fill_colour(Some(Light::Green)), "#1a7f37");
    assert_eq!(fill_colour(Some(Light::Yellow)), "#bf8700");
    assert_eq!(fill_colour(Some(Light::Red)), "#cf222e");
    assert_eq!(fill_colour(None), "#57606a");
}

#[test]
fn the_text_and_light_are_written_and_named() {
    let svg = progress_bar(
        Some(0.62),
        Some(0.6),
        Some(Light::Yellow),
        "62% / 序时 60%",
        240,
        20,
    );
    let document = contract(&svg);
    assert!(texts(&document).iter().any(|text| text == "62% / 序时 60%"));
    assert_eq!(title(&document), "62% / 序时 60%, 黄灯 / yellow");
    assert_eq!(
        with_class(&document, "light-yellow").len(),
        2,
        "the icon and the fill"
    );
}

#[test]
fn missing_or_non_finite_completion_draws_no_fill() {
    for completion in [None, Some(f64::NAN), Some(f64::INFINITY)] {
        let svg = progress_bar(completion, Some(f64::NAN), None, "", 200, 20);
        let (fill, marker) = measure(&svg);
        assert_eq!((fill, marker), (None, None));
        assert!(texts(&contract(&svg)).iter().any(|text| text == NO_DATA));
    }
    // The caller's text wins over the default one.
    let svg = progress_bar(None, Some(0.5), None, "—", 200, 20);
    let (fill, marker) = measure(&svg);
    assert!(fill.is_none() && marker.is_some());
    assert!(texts(&contract(&svg)).iter().any(|text| text == "—"));
}

#[test]
fn a_tiny_progress_bar_is_still_valid() {
    let svg = progress_bar(Some(0.5), Some(0.5), Some(Light::Red), "50% <&>", 0, 0);
    let document = contract(&svg);
    assert!(texts(&document).iter().any(|text| text == "50% <&>"));
    assert!(number(document.root_element(), "width") >= 60.0);
}

#[test]
fn each_light_has_its_own_icon() {
    let lights = [
        Some(Light::Green),
        Some(Light::Yellow),
        Some(Light::Red),
        None,
    ];
    let icons: Vec<String> = lights.iter().map(|light| light_icon(*light, 16)).collect();
    let mut shapes = Vec::new();
    for (light, svg) in lights.iter().zip(&icons) {
        let document = contract(svg);
        let root = document.root_element();
        assert_eq!(number(root, "width"), 16.0);
        assert_eq!(root.attribute("viewBox"), Some("0 0 16 16"));
        // The outline shape of each icon (the first shape in its group).
        let group = with_class(&document, "light-icon")[0];
        let outline = group.children().find(|node| node.is_element()).unwrap();
        shapes.push((
            outline.tag_name().name().to_owned(),
            outline.attribute("fill").unwrap_or("").to_owned(),
        ));
        let name = title(&document);
        let expected = match light {
            Some(Light::Green) => "绿灯",
            Some(Light::Yellow) => "黄灯",
            Some(Light::Red) => "红灯",
            None => "无灯",
        };
        assert!(name.contains(expected), "{name}");
    }
    assert_eq!(
        shapes,
        vec![
            ("circle".to_owned(), "#1a7f37".to_owned()),
            ("path".to_owned(), "#bf8700".to_owned()),
            ("polygon".to_owned(), "#cf222e".to_owned()),
            ("circle".to_owned(), "#ffffff".to_owned()),
        ]
    );
    for (index, icon) in icons.iter().enumerate() {
        for other in &icons[index + 1..] {
            assert_ne!(icon, other);
        }
    }
    // The yellow triangle carries its "!" (a bar and a dot) in dark ink.
    let yellow = contract(&icons[1]);
    assert!(
        elements(&yellow, "rect")
            .iter()
            .any(|rect| rect.attribute("fill") == Some("#24292f"))
    );
    assert_eq!(
        light_icon(Some(Light::Red), 24),
        light_icon(Some(Light::Red), 24)
    );
    assert_eq!(
        number(contract(&light_icon(None, 0)).root_element(), "width"),
        8.0
    );
}

#[test]
fn a_sparkline_draws_every_finite_point() {
    let data = [
        (2020.0, 1.0),
        (2021.0, 1.5),
        (2022.0, f64::NAN),
        (2023.0, 1.2),
        (f64::INFINITY, 2.0),
    ];
    let svg = sparkline(&data, 80, 20, "高企数量趋势");
    let document = contract(&svg);
    assert_eq!(title(&document), "高企数量趋势");
    assert!(elements(&document, "text").is_empty(), "no axes, no text");
    let line = with_class(&document, "sparkline");
    let line_points = points(line[0]);
    assert_eq!(line_points.len(), 3);
    for (x, y) in &line_points {
        assert!((0.0..=80.0).contains(x) && (0.0..=20.0).contains(y));
    }
    // Higher values are drawn higher (smaller y).
    assert!(line_points[1].1 < line_points[0].1);
    let last = with_class(&document, "last");
    assert_eq!(number(last[0], "cx"), line_points[2].0);
    assert_eq!(number(last[0], "cy"), line_points[2].1);
}

#[test]
fn a_sparkline_of_one_point_or_none() {
    let one = sparkline(&[(2023.0, 5.0)], 60, 16, "a<&b");
    let document = contract(&one);
    assert_eq!(title(&document), "a<&b");
    assert!(with_class(&document, "sparkline").is_empty());
    assert_eq!(with_class(&document, "last").len(), 1);

    for points in [&[][..], &[(f64::NAN, f64::NAN)][..]] {
        let svg = sparkline(points, 60, 16, "");
        let document = contract(&svg);
        assert!(texts(&document).iter().any(|text| text == NO_DATA), "{svg}");
    }
}

#[test]
fn small_charts_are_deterministic() {
    let data = [(0.0, 0.1), (1.0, 0.7), (2.0, 0.3)];
    assert_eq!(sparkline(&data, 50, 12, "x"), sparkline(&data, 50, 12, "x"));
    assert_eq!(
        progress_bar(Some(0.3), Some(0.4), None, "t", 100, 14),
        progress_bar(Some(0.3), Some(0.4), None, "t", 100, 14)
    );
}

#[test]
fn bars_of_one_width_line_up_whatever_their_text() {
    let track = |text: &str| {
        let svg = progress_bar(Some(0.5), Some(0.5), None, text, 200, 20);
        let document = contract(&svg);
        let track = with_class(&document, "track")[0];
        (number(track, "x"), number(track, "width"))
    };
    assert_eq!(track("5%"), track("62% / 序时 60%（滞后 2 个百分点）"));
    // A long text shrinks to stay inside the picture.
    let svg = progress_bar(Some(0.5), None, None, &"很长的说明".repeat(10), 200, 20);
    let document = contract(&svg);
    let label = with_class(&document, "label")[0];
    assert!(number(label, "font-size") < 12.0 * 0.75);
}
