//! Any input gives a chart that keeps the contract: random finite numbers,
//! then any numbers at all (NaN, infinities, huge and tiny values), and
//! strings with markup, Chinese and control characters.

use proptest::prelude::*;
use zijin_charts::{
    Bar, Bars, Labels, LegendText, Light, Marker, ObservedPoint, TargetMark, Tile, Trajectory,
    bars, light_icon, progress_bar, sparkline, tile_map, trajectory,
};

use crate::{contract, numbers_are_finite};

fn text() -> impl Strategy<Value = String> {
    "[\\x00-\\x1f a-zA-Z0-9<>&\"'%·研发投入强度区（）\u{FFFF}]{0,16}"
}

fn finite() -> BoxedStrategy<f64> {
    prop_oneof![-1e9..1e9f64, -5.0..5.0f64, Just(0.0)].boxed()
}

fn any_number() -> BoxedStrategy<f64> {
    prop_oneof![
        finite(),
        proptest::num::f64::ANY,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
    ]
    .boxed()
}

fn light() -> impl Strategy<Value = Option<Light>> {
    prop_oneof![
        Just(Some(Light::Green)),
        Just(Some(Light::Yellow)),
        Just(Some(Light::Red)),
        Just(None),
    ]
}

fn marker() -> impl Strategy<Value = Marker> {
    prop_oneof![
        Just(Marker::Exact),
        Just(Marker::MoreThan),
        Just(Marker::About)
    ]
}

fn labels() -> impl Strategy<Value = Labels> {
    (text(), text(), text(), text()).prop_map(|(title, unit, x_label, y_label)| Labels {
        title,
        unit,
        x_label,
        y_label,
    })
}

fn legend() -> impl Strategy<Value = LegendText> {
    (text(), text(), any::<bool>()).prop_map(|(observed, synthetic, chinese)| LegendText {
        observed,
        synthetic,
        ..if chinese {
            LegendText::chinese()
        } else {
            LegendText::english()
        }
    })
}

fn trajectory_with(number: BoxedStrategy<f64>) -> impl Strategy<Value = Trajectory> {
    let time = prop_oneof![2015.0..2035.0f64, number.clone()];
    let point = (time.clone(), number.clone());
    let observed = (
        time.clone(),
        number.clone(),
        marker(),
        any::<bool>(),
        text(),
    )
        .prop_map(|(time, value, marker, synthetic, label)| ObservedPoint {
            time,
            value,
            marker,
            synthetic,
            label,
        });
    let target = (
        time.clone(),
        number.clone(),
        proptest::option::of(number.clone()),
    )
        .prop_map(|(time, value, stretch)| TargetMark {
            time,
            value,
            stretch,
        });
    (
        labels(),
        0u32..1200,
        0u32..900,
        proptest::option::of(point.clone()),
        proptest::collection::vec(observed, 0..8),
        proptest::collection::vec(point.clone(), 0..6),
        proptest::collection::vec(point, 0..6),
        proptest::collection::vec((time, number.clone(), number), 0..6),
        proptest::option::of(target),
        legend(),
    )
        .prop_map(
            |(
                labels,
                width,
                height,
                baseline,
                observed,
                required_path,
                projection,
                band,
                target,
                legend,
            )| {
                Trajectory {
                    labels,
                    width,
                    height,
                    baseline,
                    observed,
                    required_path,
                    projection,
                    band,
                    target,
                    legend,
                }
            },
        )
}

fn bars_with(number: BoxedStrategy<f64>) -> impl Strategy<Value = Bars> {
    let row = (
        text(),
        proptest::option::of(number.clone()),
        text(),
        light(),
        any::<bool>(),
    )
        .prop_map(|(label, value, value_text, light, synthetic)| Bar {
            label,
            value,
            value_text,
            light,
            synthetic,
        });
    (
        labels(),
        0u32..1200,
        proptest::collection::vec(row, 0..12),
        proptest::option::of((number, text())),
    )
        .prop_map(|(labels, width, rows, reference)| Bars {
            labels,
            width,
            rows,
            reference,
        })
}

fn tiles() -> impl Strategy<Value = Vec<Tile>> {
    let tile = (
        text(),
        text(),
        0u32..8,
        0u32..8,
        light(),
        text(),
        proptest::option::of(text()),
    )
        .prop_map(|(code, label, row, col, light, value_text, href)| Tile {
            code,
            label,
            row,
            col,
            light,
            value_text,
            href,
        });
    proptest::collection::vec(tile, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn trajectories_of_finite_numbers_are_well_formed(chart in trajectory_with(finite())) {
        let svg = trajectory(&chart);
        contract(&svg);
        prop_assert_eq!(svg, trajectory(&chart));
    }

    #[test]
    fn trajectories_of_any_numbers_are_well_formed(chart in trajectory_with(any_number())) {
        let svg = trajectory(&chart);
        numbers_are_finite(&contract(&svg));
    }

    #[test]
    fn bar_charts_of_finite_numbers_are_well_formed(chart in bars_with(finite())) {
        let svg = bars(&chart);
        let document = contract(&svg);
        prop_assert_eq!(crate::with_class(&document, "row").len(), chart.rows.len());
        prop_assert_eq!(&svg, &bars(&chart));
    }

    #[test]
    fn bar_charts_of_any_numbers_are_well_formed(chart in bars_with(any_number())) {
        let svg = bars(&chart);
        numbers_are_finite(&contract(&svg));
    }

    #[test]
    fn tile_maps_are_well_formed(tiles in tiles(), name in text(), size in 0u32..200) {
        let svg = tile_map(&tiles, &name, size);
        let document = contract(&svg);
        prop_assert_eq!(crate::with_class(&document, "tile").len(), tiles.len());
    }

    #[test]
    fn small_charts_are_well_formed(
        points in proptest::collection::vec((any_number(), any_number()), 0..12),
        completion in proptest::option::of(any_number()),
        elapsed in proptest::option::of(any_number()),
        light in light(),
        label in text(),
        width in 0u32..400,
        height in 0u32..60,
    ) {
        numbers_are_finite(&contract(&sparkline(&points, width, height, &label)));
        let svg = progress_bar(completion, elapsed, light, &label, width, height);
        numbers_are_finite(&contract(&svg));
        contract(&light_icon(light, width));
    }
}
