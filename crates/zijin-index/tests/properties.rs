//! Properties of the index engine over random data, frameworks and weights:
//! normalisers with a range stay inside it, weights renormalise, and an
//! indicator improving never lowers the improving unit's own score.

use std::collections::BTreeMap;

use proptest::prelude::*;
use zijin_index::{
    AggregateMethod, AggregateSpec, Build, Dataset, Framework, MetaRow, NormaliseMethod,
    NormaliseSpec, Pipeline, RowType, Spec, Stage,
};

const NA: f64 = f64::NAN;

fn meta(
    row: usize,
    level: u32,
    code: String,
    parent: Option<String>,
    direction: f64,
    weight: f64,
) -> MetaRow {
    MetaRow {
        row,
        level: Some(level),
        name: code.clone(),
        code,
        direction: Some(direction),
        weight: Some(weight),
        unit: None,
        target: None,
        denominator: None,
        parent,
        row_type: if level == 1 {
            RowType::Indicator
        } else {
            RowType::Aggregate
        },
        extra: Vec::new(),
    }
}

/// Indicators `x0…` in pillars `P0…` (pillar of indicator i: `pillars[i]`),
/// pillars under the index `I`. Weights: indicators, then pillars.
fn framework(
    pillars: &[usize],
    directions: &[f64],
    weights: &[f64],
    pillar_weights: &[f64],
) -> Framework {
    let mut rows = Vec::new();
    for (i, &p) in pillars.iter().enumerate() {
        rows.push(meta(
            rows.len() + 2,
            1,
            format!("x{i}"),
            Some(format!("P{p}")),
            directions[i],
            weights[i],
        ));
    }
    let used: std::collections::BTreeSet<usize> = pillars.iter().copied().collect();
    for p in used {
        rows.push(meta(
            rows.len() + 2,
            2,
            format!("P{p}"),
            Some("I".into()),
            1.0,
            pillar_weights[p],
        ));
    }
    rows.push(meta(rows.len() + 2, 3, "I".into(), None, 1.0, 1.0));
    Framework::from_rows(&rows).unwrap()
}

fn dataset(columns: &[Vec<f64>]) -> Dataset {
    let n = columns[0].len();
    let codes: Vec<String> = (0..n).map(|u| format!("U{u}")).collect();
    Dataset {
        names: codes.clone(),
        codes,
        times: None,
        groups: Vec::new(),
        columns: columns
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("x{i}"), v.clone()))
            .collect(),
    }
}

fn norm(method: NormaliseMethod) -> NormaliseSpec {
    NormaliseSpec {
        method,
        range: None,
        mean_sd: None,
        bounds: None,
        factor: None,
        reference: None,
        cap: None,
        posts: None,
    }
}

fn arithmetic() -> AggregateSpec {
    AggregateSpec {
        method: AggregateMethod::Arithmetic,
        p: None,
        min_availability: 0.0,
        by_group: BTreeMap::new(),
    }
}

fn build(framework: &Framework, data: &Dataset, spec: &Spec) -> Option<Build> {
    Pipeline::new(framework, data, spec).ok()?.run().ok()
}

/// A value: mostly a whole number in −50..50 (ties happen), sometimes missing.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        9 => (-50i32..50).prop_map(f64::from),
        1 => Just(NA),
    ]
}

fn column(units: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(value(), units)
}

/// At least two distinct present values.
fn varies(x: &[f64]) -> bool {
    let present: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    present.iter().any(|v| *v != present[0])
}

/// A framework of `k` indicators in up to three pillars, random directions
/// and positive weights, and `units` × `k` values.
#[derive(Debug, Clone)]
struct Case {
    pillars: Vec<usize>,
    directions: Vec<f64>,
    weights: Vec<f64>,
    pillar_weights: Vec<f64>,
    columns: Vec<Vec<f64>>,
}

impl Case {
    fn framework(&self) -> Framework {
        framework(
            &self.pillars,
            &self.directions,
            &self.weights,
            &self.pillar_weights,
        )
    }
}

fn case() -> impl Strategy<Value = Case> {
    (2usize..7, 3usize..10).prop_flat_map(|(k, units)| {
        (
            prop::collection::vec(0usize..3, k),
            prop::collection::vec(prop_oneof![Just(1.0), Just(-1.0)], k),
            prop::collection::vec(0.1f64..10.0, k),
            prop::collection::vec(0.1f64..10.0, 3),
            prop::collection::vec(column(units), k),
        )
            .prop_map(
                |(pillars, directions, weights, pillar_weights, columns)| Case {
                    pillars,
                    directions,
                    weights,
                    pillar_weights,
                    columns,
                },
            )
    })
}

fn within(values: &[f64], [l, u]: [f64; 2]) -> Result<(), TestCaseError> {
    let eps = 1e-9 * (u - l).abs().max(1.0);
    for v in values.iter().filter(|v| !v.is_nan()) {
        prop_assert!(
            *v >= l - eps && *v <= u + eps,
            "{v} outside [{l}, {u}] in {values:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every normaliser given a range lands within it: min-max (whose own
    /// range it is), the [0, 1] normalisers (dist2max, prank, goalposts,
    /// fracmax on non-negative data, dist2ref and dist2targ capped at 1, with
    /// the reference or target at or above the best value), and z-score,
    /// rank and borda (rescaled by their min and max).
    #[test]
    fn normalisers_with_a_range_stay_within_it(
        x in column(8),
        direction in prop_oneof![Just(1.0), Just(-1.0)],
        lower in -100.0f64..100.0,
        width in 0.5f64..200.0,
        posts in (-60.0f64..60.0, 1.0f64..80.0),
    ) {
        prop_assume!(varies(&x));
        let range = [lower, lower + width];
        let present: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
        let best_at = x
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .max_by(|a, b| (a.1 * direction).total_cmp(&(b.1 * direction)))
            .unwrap()
            .0;
        let best = x[best_at];
        let mut methods = vec![
            norm(NormaliseMethod::Minmax),
            norm(NormaliseMethod::Dist2max),
            norm(NormaliseMethod::Prank),
            norm(NormaliseMethod::Zscore),
            norm(NormaliseMethod::Rank),
            norm(NormaliseMethod::Borda),
            NormaliseSpec {
                posts: Some([posts.0, posts.0 + posts.1]),
                ..norm(NormaliseMethod::Goalposts)
            },
            NormaliseSpec {
                reference: Some(format!("U{best_at}")),
                cap: Some(true),
                ..norm(NormaliseMethod::Dist2ref)
            },
            NormaliseSpec {
                cap: Some(true),
                ..norm(NormaliseMethod::Dist2targ)
            },
        ];
        if direction > 0.0 && present.iter().all(|v| *v >= 0.0) {
            methods.push(norm(NormaliseMethod::Fracmax));
        }
        for method in methods {
            let mut row = meta(2, 1, "x0".into(), Some("I".into()), direction, 1.0);
            // A target beyond the best value, so that the worst value is not it.
            row.target = Some(best + direction * 5.0);
            let fw = Framework::from_rows(&[row, meta(3, 2, "I".into(), None, 1.0, 1.0)])
                .unwrap();
            let spec = Spec {
                normalise: Some(NormaliseSpec { range: Some(range), ..method.clone() }),
                ..Spec::default()
            };
            let data = dataset(std::slice::from_ref(&x));
            let built = Pipeline::new(&fw, &data, &spec).unwrap().run();
            let built = match built {
                Ok(b) => b,
                Err(e) => return Err(TestCaseError::fail(format!("{:?}: {e}", method.method))),
            };
            let y = built.stage(Stage::Normalise).unwrap().column_by_code("x0").unwrap();
            within(y, range).map_err(|e| TestCaseError::fail(format!("{:?}: {e}", method.method)))?;
            // Missing stays missing, present stays present.
            for (a, b) in x.iter().zip(y) {
                prop_assert_eq!(a.is_nan(), b.is_nan());
            }
        }
    }

    /// Effective weights of the indicators sum to 1 (for random positive
    /// weights), each is the product of its weight share in its pillar and
    /// its pillar's share in the index; and scaling every weight of one
    /// group by a constant changes no score.
    #[test]
    fn weights_renormalise(case in case(), group in 0usize..3, factor in 0.01f64..100.0) {
        let fw = case.framework();
        let effective = fw.effective_weights();
        let total: f64 = fw.indicators().iter().map(|&i| effective[i]).sum();
        prop_assert!((total - 1.0).abs() < 1e-12, "{total}");
        for &i in fw.indicators() {
            let node = fw.node(i);
            let pillar = node.parent.unwrap();
            let siblings: f64 = fw.node(pillar).children.iter().map(|&c| fw.node(c).weight).sum();
            let pillars: f64 =
                fw.node(fw.root()).children.iter().map(|&c| fw.node(c).weight).sum();
            let expected = node.weight / siblings * fw.node(pillar).weight / pillars;
            prop_assert!((effective[i] - expected).abs() < 1e-12);
        }

        prop_assume!(case.columns.iter().all(|c| varies(c)));
        let spec = Spec {
            normalise: Some(norm(NormaliseMethod::Minmax)),
            aggregate: Some(arithmetic()),
            ..Spec::default()
        };
        let data = dataset(&case.columns);
        let before = build(&fw, &data, &spec).unwrap();
        let total: f64 = fw.indicators().iter().map(|&i| before.effective_weights[i]).sum();
        prop_assert!((total - 1.0).abs() < 1e-12);
        // Scale the indicator weights of one pillar (or the pillar weights,
        // which are the group of the index, when that pillar is absent).
        let mut scaled = case.clone();
        if case.pillars.contains(&group) {
            for (i, p) in case.pillars.iter().enumerate() {
                if *p == group {
                    scaled.weights[i] *= factor;
                }
            }
        } else {
            for w in &mut scaled.pillar_weights {
                *w *= factor;
            }
        }
        let after = build(&scaled.framework(), &data, &spec).unwrap();
        prop_assert_eq!(before.scores.columns(), after.scores.columns());
        for c in 0..before.scores.columns().len() {
            for (a, b) in before.scores.column(c).iter().zip(after.scores.column(c)) {
                prop_assert!(
                    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                    "{}: {a} vs {b}", before.scores.columns()[c]
                );
            }
        }
        for (a, b) in before.effective_weights.iter().zip(&after.effective_weights) {
            prop_assert!((a - b).abs() < 1e-12);
        }
    }

    /// With min-max normalisation (no treatment) and arithmetic aggregation,
    /// a unit whose raw value of one indicator improves (rises for direction
    /// +1, falls for −1), all else equal, never gets a lower index score.
    /// (Other units' scores may change: min-max is over the units.) The
    /// same holds for the unit's score in the indicator's pillar.
    #[test]
    fn an_improving_indicator_never_lowers_the_units_own_score(
        case in case(),
        unit in 0usize..10,
        indicator in 0usize..7,
        step in 1i32..120,
    ) {
        let units = case.columns[0].len();
        let (u, j) = (unit % units, indicator % case.columns.len());
        prop_assume!(!case.columns[j][u].is_nan());
        let mut improved = case.columns.clone();
        improved[j][u] += case.directions[j] * f64::from(step);
        prop_assume!(case.columns.iter().all(|c| varies(c)));
        prop_assume!(improved.iter().all(|c| varies(c)));
        let fw = case.framework();
        let spec = Spec {
            normalise: Some(norm(NormaliseMethod::Minmax)),
            aggregate: Some(arithmetic()),
            ..Spec::default()
        };
        let before = build(&fw, &dataset(&case.columns), &spec).unwrap();
        let after = build(&fw, &dataset(&improved), &spec).unwrap();
        let pillar = format!("P{}", case.pillars[j]);
        for code in [format!("x{j}"), pillar, "I".to_owned()] {
            let a = before.scores.column_by_code(&code).unwrap()[u];
            let b = after.scores.column_by_code(&code).unwrap()[u];
            prop_assert!(!a.is_nan() && !b.is_nan());
            prop_assert!(b >= a - 1e-9, "{code}: {a} → {b}");
        }
    }
}
