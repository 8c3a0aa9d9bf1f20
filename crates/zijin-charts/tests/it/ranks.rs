use zijin_charts::{NO_DATA, RankInterval, RankIntervals, SYNTHETIC_NOTE, rank_intervals};

use crate::{contract, number, texts, title, with_class};

fn unit(label: &str, nominal: f64, median: f64, low: f64, high: f64) -> RankInterval {
    RankInterval {
        label: label.to_owned(),
        nominal: Some(nominal),
        median: Some(median),
        low: Some(low),
        high: Some(high),
        marked: false,
    }
}

fn chart(rows: Vec<RankInterval>) -> RankIntervals {
    RankIntervals {
        title: "考核指数名次不确定性".to_owned(),
        x_label: "名次".to_owned(),
        width: 640,
        units: 10,
        rows,
        ..RankIntervals::default()
    }
}

fn rows() -> Vec<RankInterval> {
    vec![
        unit("机构甲", 1.0, 1.0, 1.0, 2.0),
        unit("机构乙", 2.0, 3.0, 1.0, 5.0),
        unit("机构丙", 3.0, 2.5, 2.0, 4.0),
        RankInterval {
            marked: true,
            ..unit("机构丁", 10.0, 9.0, 8.0, 10.0)
        },
    ]
}

#[test]
fn one_row_per_unit_with_interval_median_and_nominal() {
    let svg = rank_intervals(&chart(rows()));
    let document = contract(&svg);
    assert_eq!(title(&document), "考核指数名次不确定性");
    assert_eq!(with_class(&document, "row").len(), 4);
    assert_eq!(with_class(&document, "interval").len(), 4);
    assert_eq!(with_class(&document, "median").len(), 4);
    assert_eq!(with_class(&document, "nominal").len(), 4);
    let texts = texts(&document);
    for expected in ["机构甲", "机构丁 !", "名次", "2 (1–5)", "1", "10"] {
        assert!(
            texts.iter().any(|text| text == expected),
            "{expected} in {texts:?}"
        );
    }
    // The row's title gives its numbers.
    assert!(svg.contains("<title>机构乙: 名义名次 / nominal 2, 中位名次 / median 3"));
    // The marked row is marked by more than colour: "!" and a class.
    assert_eq!(with_class(&document, "marked").len(), 1);
}

#[test]
fn rank_one_is_on_the_left_and_the_first_row_on_top() {
    let svg = rank_intervals(&chart(rows()));
    let document = contract(&svg);
    let dots: Vec<(f64, f64)> = with_class(&document, "nominal")
        .iter()
        .map(|dot| (number(*dot, "cx"), number(*dot, "cy")))
        .collect();
    assert!(
        dots.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "{dots:?}"
    );
    assert!(
        dots.windows(2).all(|pair| pair[0].1 < pair[1].1),
        "{dots:?}"
    );
    // Equal rank steps are equal distances.
    let step = dots[1].0 - dots[0].0;
    assert!((dots[2].0 - dots[1].0 - step).abs() < 0.02, "{dots:?}");
    // The interval spans q05 to q95 and holds the median.
    let intervals = with_class(&document, "interval");
    let medians = with_class(&document, "median");
    let (x, width) = (number(intervals[1], "x"), number(intervals[1], "width"));
    assert!((x - dots[0].0).abs() < 0.02, "q05 = 1 lines up with rank 1");
    assert!((width - 4.0 * step).abs() < 0.05, "1 to 5 is four steps");
    let median = number(medians[1], "x1");
    assert!(median > x && median < x + width);
}

#[test]
fn notes_empty_charts_and_bad_numbers() {
    let mut with_notes = chart(rows());
    with_notes.synthetic = true;
    with_notes.note = "! 标记退出审查".to_owned();
    let svg = rank_intervals(&with_notes);
    let notes = texts_of(&svg);
    assert!(notes.iter().any(|text| text == SYNTHETIC_NOTE));
    assert!(notes.iter().any(|text| text == "! 标记退出审查"));

    let svg = rank_intervals(&chart(Vec::new()));
    assert!(texts_of(&svg).iter().any(|text| text == NO_DATA));

    // Missing and non-finite numbers draw nothing for them, never panic.
    let svg = rank_intervals(&chart(vec![
        RankInterval {
            label: "无数据".to_owned(),
            ..RankInterval::default()
        },
        unit("坏数", f64::NAN, f64::INFINITY, 2.0, f64::NAN),
        unit("越界", 40.0, 30.0, 20.0, 50.0),
    ]));
    let document = contract(&svg);
    assert_eq!(with_class(&document, "row").len(), 3);
    assert_eq!(with_class(&document, "interval").len(), 1);
    assert_eq!(with_class(&document, "nominal").len(), 1);
    // The axis grows to the largest rank given.
    assert!(texts(&document).iter().any(|text| text == "50"));
}

fn texts_of(svg: &str) -> Vec<String> {
    texts(&contract(svg))
}
