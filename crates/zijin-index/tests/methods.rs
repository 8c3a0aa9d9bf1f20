//! Every normaliser, aggregator, imputation, screening and denomination
//! method against hand-computed cases and COINr's formulas
//! (`normalise.R`, `aggregate.R`, `impute.R` of COINr 1.1.14), run through
//! the whole pipeline on small frameworks built in code.

use std::collections::BTreeMap;

use zijin_index::{
    AggregateMethod, AggregateSpec, Build, Dataset, DenominateSpec, Framework, GroupMethod,
    ImputeMethod, ImputeSpec, IndexError, MetaRow, NormaliseMethod, NormaliseSpec, Pipeline,
    RowType, ScreenSpec, Spec, Stage,
};

// ---------------------------------------------------------------- builders

struct Row {
    level: u32,
    code: &'static str,
    parent: Option<&'static str>,
    direction: f64,
    weight: f64,
    target: Option<f64>,
    denominator: Option<&'static str>,
    extra: Vec<(String, String)>,
    row_type: RowType,
}

fn ind(code: &'static str, parent: &'static str) -> Row {
    Row {
        level: 1,
        code,
        parent: Some(parent),
        direction: 1.0,
        weight: 1.0,
        target: None,
        denominator: None,
        extra: Vec::new(),
        row_type: RowType::Indicator,
    }
}

fn agg(level: u32, code: &'static str, parent: Option<&'static str>) -> Row {
    Row {
        level,
        code,
        parent,
        row_type: RowType::Aggregate,
        ..ind(code, "")
    }
}

impl Row {
    fn dir(mut self, d: f64) -> Row {
        self.direction = d;
        self
    }
    fn weight(mut self, w: f64) -> Row {
        self.weight = w;
        self
    }
    fn target(mut self, t: f64) -> Row {
        self.target = Some(t);
        self
    }
    fn denominator(mut self, d: &'static str) -> Row {
        self.denominator = Some(d);
        self
    }
    fn extra(mut self, column: &str, value: &str) -> Row {
        self.extra.push((column.into(), value.into()));
        self
    }
}

fn framework(rows: Vec<Row>) -> Framework {
    let rows: Vec<MetaRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| MetaRow {
            row: i + 2,
            level: (r.row_type == RowType::Indicator || r.row_type == RowType::Aggregate)
                .then_some(r.level),
            code: r.code.into(),
            name: r.code.into(),
            direction: Some(r.direction),
            weight: Some(r.weight),
            unit: None,
            target: r.target,
            denominator: r.denominator.map(Into::into),
            parent: r.parent.filter(|p| !p.is_empty()).map(Into::into),
            row_type: r.row_type,
            extra: r.extra,
        })
        .collect();
    Framework::from_rows(&rows).unwrap()
}

/// Indicators under one index `I`.
fn flat(indicators: Vec<Row>) -> Framework {
    let mut rows = indicators;
    rows.push(agg(2, "I", None));
    framework(rows)
}

fn dataset(columns: &[(&str, &[f64])]) -> Dataset {
    let n = columns[0].1.len();
    let codes: Vec<String> = (0..n).map(|u| format!("U{u}")).collect();
    Dataset {
        names: codes.clone(),
        codes,
        times: None,
        groups: Vec::new(),
        columns: columns
            .iter()
            .map(|(c, v)| ((*c).to_owned(), v.to_vec()))
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

fn aggregate(method: AggregateMethod) -> AggregateSpec {
    AggregateSpec {
        method,
        p: None,
        min_availability: 0.0,
        by_group: BTreeMap::new(),
    }
}

fn run(framework: &Framework, data: &Dataset, spec: &Spec) -> Build {
    Pipeline::new(framework, data, spec).unwrap().run().unwrap()
}

/// The normalised column `code` with this spec.
fn normalised(framework: &Framework, data: &Dataset, spec: NormaliseSpec, code: &str) -> Vec<f64> {
    let spec = Spec {
        normalise: Some(spec),
        ..Spec::default()
    };
    let build = run(framework, data, &spec);
    build
        .stage(Stage::Normalise)
        .unwrap()
        .column_by_code(code)
        .unwrap()
        .to_vec()
}

/// The column `code` of the scores after aggregating the raw data.
fn aggregated(framework: &Framework, data: &Dataset, spec: AggregateSpec, code: &str) -> Vec<f64> {
    let spec = Spec {
        aggregate: Some(spec),
        ..Spec::default()
    };
    run(framework, data, &spec)
        .scores
        .column_by_code(code)
        .unwrap()
        .to_vec()
}

#[track_caller]
fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a.is_nan() && e.is_nan()) || (a - e).abs() < 1e-12,
            "{actual:?} vs {expected:?}"
        );
    }
}

const NA: f64 = f64::NAN;
const X: [f64; 4] = [1.0, 2.0, 4.0, 5.0];

fn one_indicator(row: Row, x: &[f64]) -> (Framework, Dataset) {
    (flat(vec![row]), dataset(&[("x", x)]))
}

// ----------------------------------------------------------- normalisation

#[test]
fn minmax_maps_onto_the_range_and_keeps_missing() {
    let (fw, data) = one_indicator(ind("x", "I"), &[1.0, 2.0, NA, 4.0, 5.0]);
    let y = normalised(&fw, &data, norm(NormaliseMethod::Minmax), "x");
    assert_close(&y, &[0.0, 25.0, NA, 75.0, 100.0]);
    let spec = NormaliseSpec {
        range: Some([1.0, 11.0]),
        ..norm(NormaliseMethod::Minmax)
    };
    assert_close(
        &normalised(&fw, &data, spec, "x"),
        &[1.0, 3.5, NA, 8.5, 11.0],
    );
    // Direction −1: x·d, so the smallest value is best.
    let (fw, data) = one_indicator(ind("x", "I").dir(-1.0), &X);
    let y = normalised(&fw, &data, norm(NormaliseMethod::Minmax), "x");
    assert_close(&y, &[100.0, 75.0, 25.0, 0.0]);
}

#[test]
fn zscore_with_mean_and_sd() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    // mean 3, sd = sqrt((4 + 1 + 1 + 4)/3).
    let sd = (10.0f64 / 3.0).sqrt();
    let y = normalised(&fw, &data, norm(NormaliseMethod::Zscore), "x");
    assert_close(&y, &X.map(|x| (x - 3.0) / sd));
    let spec = NormaliseSpec {
        mean_sd: Some([10.0, 2.0]),
        ..norm(NormaliseMethod::Zscore)
    };
    let y = normalised(&fw, &data, spec, "x");
    assert_close(&y, &X.map(|x| 10.0 + 2.0 * (x - 3.0) / sd));
}

#[test]
fn scaled_by_bounds_and_factor() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    let spec = NormaliseSpec {
        bounds: Some([0.0, 10.0]),
        ..norm(NormaliseMethod::Scaled)
    };
    // (x − 0)/(10 − 0)·100.
    assert_close(
        &normalised(&fw, &data, spec, "x"),
        &[10.0, 20.0, 40.0, 50.0],
    );
    let spec = NormaliseSpec {
        bounds: Some([1.0, 3.0]),
        factor: Some(1.0),
        ..norm(NormaliseMethod::Scaled)
    };
    assert_close(&normalised(&fw, &data, spec, "x"), &[0.0, 0.5, 1.5, 2.0]);
}

#[test]
fn dist2max_is_the_distance_to_the_maximum() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    // COINr: 1 − (max − x)/(max − min).
    let y = normalised(&fw, &data, norm(NormaliseMethod::Dist2max), "x");
    assert_close(&y, &[0.0, 0.25, 0.75, 1.0]);
}

#[test]
fn dist2ref_with_and_without_cap() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    // Reference U2 (x = 4): 1 − (4 − x)/(4 − 1).
    let spec = NormaliseSpec {
        reference: Some("U2".into()),
        ..norm(NormaliseMethod::Dist2ref)
    };
    assert_close(
        &normalised(&fw, &data, spec.clone(), "x"),
        &[0.0, 1.0 / 3.0, 1.0, 4.0 / 3.0],
    );
    let capped = NormaliseSpec {
        cap: Some(true),
        ..spec
    };
    assert_close(
        &normalised(&fw, &data, capped, "x"),
        &[0.0, 1.0 / 3.0, 1.0, 1.0],
    );
}

#[test]
fn dist2targ_for_both_directions_with_cap() {
    // d = +1, target 4: (x − min)/(t − min).
    let (fw, data) = one_indicator(ind("x", "I").target(4.0), &X);
    let spec = norm(NormaliseMethod::Dist2targ);
    assert_close(
        &normalised(&fw, &data, spec.clone(), "x"),
        &[0.0, 1.0 / 3.0, 1.0, 4.0 / 3.0],
    );
    let capped = NormaliseSpec {
        cap: Some(true),
        ..spec.clone()
    };
    assert_close(
        &normalised(&fw, &data, capped.clone(), "x"),
        &[0.0, 1.0 / 3.0, 1.0, 1.0],
    );
    // d = −1, target 2: (max − x)/(max − t), as COINr's x·d with target·d.
    let (fw, data) = one_indicator(ind("x", "I").dir(-1.0).target(2.0), &X);
    assert_close(
        &normalised(&fw, &data, spec, "x"),
        &[4.0 / 3.0, 1.0, 1.0 / 3.0, 0.0],
    );
    assert_close(
        &normalised(&fw, &data, capped, "x"),
        &[1.0, 1.0, 1.0 / 3.0, 0.0],
    );
    // No target: an error naming the iMeta row.
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    let spec = Spec {
        normalise: Some(norm(NormaliseMethod::Dist2targ)),
        ..Spec::default()
    };
    let err = Pipeline::new(&fw, &data, &spec).unwrap().run().unwrap_err();
    assert!(err.to_string().contains("Target"), "{err}");
}

#[test]
fn fracmax_prank_rank_and_borda() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Fracmax), "x"),
        &[0.2, 0.4, 0.8, 1.0],
    );
    // Ties take the minimum rank; missing stays missing.
    let ties = [1.0, 2.0, 2.0, NA, 5.0];
    let (fw, data) = one_indicator(ind("x", "I"), &ties);
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Rank), "x"),
        &[1.0, 2.0, 2.0, NA, 4.0],
    );
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Borda), "x"),
        &[0.0, 1.0, 1.0, NA, 3.0],
    );
    // (rank − 1)/(n_non_NA − 1) with n = 4.
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Prank), "x"),
        &[0.0, 1.0 / 3.0, 1.0 / 3.0, NA, 1.0],
    );
    // Direction −1 ranks the smallest value highest.
    let (fw, data) = one_indicator(ind("x", "I").dir(-1.0), &ties);
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Rank), "x"),
        &[4.0, 2.0, 2.0, NA, 1.0],
    );
}

#[test]
fn goalposts_from_the_spec_and_from_imeta() {
    let x = [-2.0, 5.0, 12.0, 2.5];
    let (fw, data) = one_indicator(ind("x", "I"), &x);
    let spec = NormaliseSpec {
        posts: Some([0.0, 10.0]),
        ..norm(NormaliseMethod::Goalposts)
    };
    // (x − L)/(U − L), clipped to [0, 1].
    assert_close(
        &normalised(&fw, &data, spec.clone(), "x"),
        &[0.0, 0.5, 1.0, 0.25],
    );
    let scaled = NormaliseSpec {
        factor: Some(100.0),
        ..spec
    };
    assert_close(
        &normalised(&fw, &data, scaled, "x"),
        &[0.0, 50.0, 100.0, 25.0],
    );
    // Posts from iMeta, direction −1: (U − x)/(U − L) (COINr flips the posts).
    let row = ind("x", "I")
        .dir(-1.0)
        .extra("GoalpostLower", "0")
        .extra("GoalpostUpper", "10");
    let (fw, data) = one_indicator(row, &x);
    assert_close(
        &normalised(&fw, &data, norm(NormaliseMethod::Goalposts), "x"),
        &[1.0, 0.5, 0.0, 0.75],
    );
    // Neither: an error naming the iMeta column.
    let (fw, data) = one_indicator(ind("x", "I"), &x);
    let spec = Spec {
        normalise: Some(norm(NormaliseMethod::Goalposts)),
        ..Spec::default()
    };
    let err = Pipeline::new(&fw, &data, &spec).unwrap().run().unwrap_err();
    assert!(
        matches!(
            err,
            IndexError::Meta {
                column: "GoalpostLower",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_range_maps_unit_interval_normalisers_and_rescales_the_others() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    // dist2max's natural [0, 1] goes linearly onto [1, 11].
    let spec = NormaliseSpec {
        range: Some([1.0, 11.0]),
        ..norm(NormaliseMethod::Dist2max)
    };
    assert_close(&normalised(&fw, &data, spec, "x"), &[1.0, 3.5, 8.5, 11.0]);
    // fracmax: 0.2..1 is mapped as a [0, 1] value, not stretched.
    let spec = NormaliseSpec {
        range: Some([0.0, 10.0]),
        ..norm(NormaliseMethod::Fracmax)
    };
    assert_close(&normalised(&fw, &data, spec, "x"), &[2.0, 4.0, 8.0, 10.0]);
    // z-score has no natural bounds: its min and max go onto the range,
    // which for a linear map is min-max.
    let spec = NormaliseSpec {
        range: Some([1.0, 100.0]),
        ..norm(NormaliseMethod::Zscore)
    };
    assert_close(
        &normalised(&fw, &data, spec, "x"),
        &X.map(|x| 1.0 + (x - 1.0) / 4.0 * 99.0),
    );
}

// ------------------------------------------------------------- aggregation

/// Three indicators under I, weights 1, 1, 2; four units, U1 missing a.
fn weighted() -> (Framework, Dataset) {
    let fw = flat(vec![
        ind("a", "I"),
        ind("b", "I"),
        ind("c", "I").weight(2.0),
    ]);
    let data = dataset(&[
        ("a", &[1.0, NA, 4.0, 2.0]),
        ("b", &[4.0, 2.0, 4.0, 2.0]),
        ("c", &[16.0, 8.0, 1.0, 2.0]),
    ]);
    (fw, data)
}

#[test]
fn arithmetic_renormalises_weights_over_present_values() {
    let (fw, data) = weighted();
    let y = aggregated(&fw, &data, aggregate(AggregateMethod::Arithmetic), "I");
    assert_close(
        &y,
        &[
            (1.0 + 4.0 + 32.0) / 4.0,
            // a missing: (2·1 + 8·2)/3.
            (2.0 + 16.0) / 3.0,
            (4.0 + 4.0 + 2.0) / 4.0,
            2.0,
        ],
    );
}

#[test]
fn geometric_and_harmonic_means() {
    let (fw, data) = weighted();
    let g = aggregated(&fw, &data, aggregate(AggregateMethod::Geometric), "I");
    assert_close(
        &g,
        &[
            (1.0f64 * 4.0 * 16.0 * 16.0).powf(0.25),
            (2.0f64 * 8.0 * 8.0).powf(1.0 / 3.0),
            (4.0f64 * 4.0 * 1.0 * 1.0).powf(0.25),
            2.0,
        ],
    );
    let h = aggregated(&fw, &data, aggregate(AggregateMethod::Harmonic), "I");
    assert_close(
        &h,
        &[
            4.0 / (1.0 + 0.25 + 2.0 / 16.0),
            3.0 / (0.5 + 2.0 / 8.0),
            4.0 / (0.25 + 0.25 + 2.0),
            2.0,
        ],
    );
}

#[test]
fn generalised_means() {
    let fw = flat(vec![
        ind("a", "I"),
        ind("b", "I"),
        ind("c", "I").weight(2.0),
    ]);
    let data = dataset(&[
        ("a", &[1.0, NA, 4.0]),
        ("b", &[4.0, 2.0, 4.0]),
        ("c", &[16.0, 8.0, 1.0]),
    ]);
    let spec = |p| AggregateSpec {
        p: Some(p),
        ..aggregate(AggregateMethod::Generalised)
    };
    // p = 2: (Σ w x² / Σ w)^(1/2); any missing value gives NA (COINr's a_genmean).
    let q = aggregated(&fw, &data, spec(2.0), "I");
    assert_close(
        &q,
        &[
            ((1.0 + 16.0 + 512.0) / 4.0f64).sqrt(),
            NA,
            ((16.0 + 16.0 + 2.0) / 4.0f64).sqrt(),
        ],
    );
    // p = 0 is the limit: the geometric mean.
    let g0 = aggregated(&fw, &data, spec(0.0), "I");
    assert!((g0[0] - (1.0f64 * 4.0 * 16.0 * 16.0).powf(0.25)).abs() < 1e-12);
    assert!((g0[2] - 2.0).abs() < 1e-12);
    assert!(g0[1].is_nan());
    // p = −1 is the harmonic mean.
    let h = aggregated(&fw, &data, spec(-1.0), "I");
    assert!((h[0] - 4.0 / (1.0 + 0.25 + 2.0 / 16.0)).abs() < 1e-12);
    // p is required.
    let spec = Spec {
        aggregate: Some(aggregate(AggregateMethod::Generalised)),
        ..Spec::default()
    };
    let err = Pipeline::new(&fw, &data, &spec).unwrap_err();
    assert!(
        matches!(&err, IndexError::Spec { section, key, .. } if section == "aggregate" && key == "p"),
        "{err}"
    );
}

#[test]
fn weighted_median() {
    let (fw, data) = weighted();
    let y = aggregated(&fw, &data, aggregate(AggregateMethod::Median), "I");
    // U0: 1 (¼), 4 (¼), 16 (½): the cumulative share reaches ½ exactly at 4,
    // so the mean of 4 and 16. U1: 2 (⅓), 8 (⅔): 8.
    // U2: 1 (½), 4, 4: mean of 1 and 4. U3: all 2.
    assert_close(&y, &[10.0, 8.0, 2.5, 2.0]);
}

#[test]
fn copeland_counts_weighted_pairwise_majorities() {
    let fw = flat(vec![
        ind("a", "I"),
        ind("b", "I"),
        ind("c", "I").weight(2.0),
    ]);
    // Weights ¼, ¼, ½. U0 vs U1: a, b for U0 (½), c for U1 (½): tie, 0.
    // U0 vs U2: a tie (⅛), b U0 (¼), c U0 (½): ⅞ → U0 +1.
    // U1 vs U2: a U1, b tie (⅛), c U1: ⅞ → U1 +1.
    let data = dataset(&[
        ("a", &[3.0, 1.0, 3.0, 9.0]),
        ("b", &[3.0, 1.0, 1.0, 9.0]),
        ("c", &[1.0, 3.0, 0.0, NA]),
    ]);
    let y = aggregated(&fw, &data, aggregate(AggregateMethod::Copeland), "I");
    // U3 misses c: no score, and left out of the comparisons.
    assert_close(&y, &[1.0, 1.0, -2.0, NA]);
}

#[test]
fn mazziotta_pareto_is_the_mean_minus_the_spread_penalty() {
    let (fw, data) = weighted();
    let y = aggregated(&fw, &data, aggregate(AggregateMethod::MazziottaPareto), "I");
    // M − S·(S/M), S² the weighted variance.
    let mp = |xs: &[(f64, f64)]| {
        let total: f64 = xs.iter().map(|(_, w)| w).sum();
        let m = xs.iter().map(|(x, w)| x * w).sum::<f64>() / total;
        let v = xs.iter().map(|(x, w)| w * (x - m).powi(2)).sum::<f64>() / total;
        m - v / m
    };
    assert_close(
        &y,
        &[
            mp(&[(1.0, 1.0), (4.0, 1.0), (16.0, 2.0)]),
            mp(&[(2.0, 1.0), (8.0, 2.0)]),
            mp(&[(4.0, 1.0), (4.0, 1.0), (1.0, 2.0)]),
            2.0,
        ],
    );
}

#[test]
fn min_availability_leaves_sparse_rows_missing() {
    let fw = flat(vec![ind("a", "I"), ind("b", "I"), ind("c", "I")]);
    let data = dataset(&[
        ("a", &[1.0, NA, NA]),
        ("b", &[2.0, 2.0, NA]),
        ("c", &[3.0, 4.0, 6.0]),
    ]);
    let spec = AggregateSpec {
        min_availability: 2.0 / 3.0,
        ..aggregate(AggregateMethod::Arithmetic)
    };
    // U1 has ⅔ of its children (not below the threshold), U2 ⅓.
    assert_close(&aggregated(&fw, &data, spec, "I"), &[2.0, 3.0, NA]);
    let spec = AggregateSpec {
        min_availability: 1.5,
        ..aggregate(AggregateMethod::Arithmetic)
    };
    let err = Pipeline::new(
        &fw,
        &data,
        &Spec {
            aggregate: Some(spec),
            ..Spec::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("min_availability"), "{err}");
}

#[test]
fn by_group_overrides_the_method_of_one_aggregate() {
    let fw = framework(vec![
        ind("a", "P"),
        ind("b", "P"),
        ind("c", "Q"),
        ind("d", "Q"),
        agg(2, "P", Some("I")),
        agg(2, "Q", Some("I")),
        agg(3, "I", None),
    ]);
    let data = dataset(&[
        ("a", &[1.0, 2.0]),
        ("b", &[4.0, 8.0]),
        ("c", &[3.0, 6.0]),
        ("d", &[4.0, 8.0]),
    ]);
    let mut spec = aggregate(AggregateMethod::Arithmetic);
    spec.by_group
        .insert("P".into(), GroupMethod::Name(AggregateMethod::Geometric));
    spec.by_group.insert(
        "Q".into(),
        GroupMethod::Table {
            method: AggregateMethod::Generalised,
            p: Some(2.0),
        },
    );
    let build = run(
        &fw,
        &data,
        &Spec {
            aggregate: Some(spec),
            ..Spec::default()
        },
    );
    let col = |c: &str| build.scores.column_by_code(c).unwrap().to_vec();
    assert_close(&col("P"), &[2.0, 4.0]);
    assert_close(&col("Q"), &[12.5f64.sqrt(), 50.0f64.sqrt()]);
    // I stays arithmetic.
    assert_close(
        &col("I"),
        &[(2.0 + 12.5f64.sqrt()) / 2.0, (4.0 + 50.0f64.sqrt()) / 2.0],
    );
    // An unknown aggregate or an indicator is an error naming the key.
    for code in ["Nope", "a"] {
        let mut spec = aggregate(AggregateMethod::Arithmetic);
        spec.by_group
            .insert(code.into(), GroupMethod::Name(AggregateMethod::Geometric));
        let err = Pipeline::new(
            &fw,
            &data,
            &Spec {
                aggregate: Some(spec),
                ..Spec::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(&err, IndexError::Spec { key, .. } if key == &format!("by_group.{code}")),
            "{err}"
        );
    }
}

#[test]
fn a_geometric_mean_over_a_zero_names_the_unit_and_indicator() {
    let fw = flat(vec![ind("a", "I"), ind("b", "I")]);
    let data = dataset(&[("a", &[1.0, 2.0]), ("b", &[3.0, 0.0])]);
    let spec = Spec {
        aggregate: Some(aggregate(AggregateMethod::Geometric)),
        ..Spec::default()
    };
    let err = Pipeline::new(&fw, &data, &spec).unwrap().run().unwrap_err();
    match err {
        IndexError::Compute { unit, code, .. } => {
            assert_eq!(unit, "U1");
            assert!(code.starts_with("b"), "{code}");
        }
        other => panic!("{other}"),
    }
}

// -------------------------------------------------------------- imputation

fn imputed(framework: &Framework, data: &Dataset, spec: ImputeSpec, code: &str) -> Vec<f64> {
    let build = run(
        framework,
        data,
        &Spec {
            impute: Some(spec),
            ..Spec::default()
        },
    );
    build
        .stage(Stage::Impute)
        .unwrap()
        .column_by_code(code)
        .unwrap()
        .to_vec()
}

fn impute(method: ImputeMethod, group: Option<&str>) -> ImputeSpec {
    ImputeSpec {
        method,
        group: group.map(Into::into),
    }
}

#[test]
fn impute_by_column_mean_and_median() {
    let (fw, data) = one_indicator(ind("x", "I"), &[1.0, NA, 3.0, 8.0]);
    assert_close(
        &imputed(&fw, &data, impute(ImputeMethod::Mean, None), "x"),
        &[1.0, 4.0, 3.0, 8.0],
    );
    assert_close(
        &imputed(&fw, &data, impute(ImputeMethod::Median, None), "x"),
        &[1.0, 3.0, 3.0, 8.0],
    );
    let build = run(
        &fw,
        &data,
        &Spec {
            impute: Some(impute(ImputeMethod::Mean, None)),
            ..Spec::default()
        },
    );
    assert_eq!(build.imputed, Some(vec![("x".to_owned(), 1)]));
}

fn grouped(x: &[f64]) -> (Framework, Dataset) {
    let mut rows = vec![ind("x", "I")];
    rows.push(Row {
        row_type: RowType::Group,
        ..ind("Region", "")
    });
    let fw = flat(rows);
    let mut data = dataset(&[("x", x)]);
    let g = |s: &str| Some(s.to_owned());
    data.groups = vec![(
        "Region".into(),
        vec![g("E"), g("E"), g("E"), g("E"), g("A"), g("A"), g("A"), None],
    )];
    (fw, data)
}

#[test]
fn impute_within_groups() {
    let x = [1.0, 2.0, 9.0, NA, 10.0, 20.0, NA, NA];
    let (fw, data) = grouped(&x);
    // E: mean 4, median 2; A: mean 15, median 15; a unit without a group stays missing.
    assert_close(
        &imputed(
            &fw,
            &data,
            impute(ImputeMethod::MeanByGroup, Some("Region")),
            "x",
        ),
        &[1.0, 2.0, 9.0, 4.0, 10.0, 20.0, 15.0, NA],
    );
    assert_close(
        &imputed(
            &fw,
            &data,
            impute(ImputeMethod::MedianByGroup, Some("Region")),
            "x",
        ),
        &[1.0, 2.0, 9.0, 2.0, 10.0, 20.0, 15.0, NA],
    );
    // *_by_group without a group, or with a group that is not a column.
    for group in [None, Some("Nope")] {
        let err = Pipeline::new(
            &fw,
            &data,
            &Spec {
                impute: Some(impute(ImputeMethod::MeanByGroup, group)),
                ..Spec::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(&err, IndexError::Spec { section, key, .. } if section == "impute" && key == "group"),
            "{err}"
        );
    }
}

#[test]
fn impute_by_row_mean_of_the_scaled_siblings() {
    let fw = framework(vec![
        ind("a", "P"),
        ind("b", "P"),
        ind("c", "P"),
        ind("d", "Q"),
        agg(2, "P", Some("I")),
        agg(2, "Q", Some("I")),
        agg(3, "I", None),
    ]);
    let data = dataset(&[
        ("a", &[0.0, 10.0, NA, 5.0]),
        ("b", &[0.0, 100.0, 50.0, 20.0]),
        ("c", &[1.0, 3.0, 2.5, 2.0]),
        // Another group: not used for a.
        ("d", &[0.0, 0.0, 1.0, 0.5]),
    ]);
    // U2: b scales to (50 − 0)/100 = .5, c to (2.5 − 1)/2 = .75; mean .625;
    // back onto a's range [0, 10]: 6.25.
    assert_close(
        &imputed(&fw, &data, impute(ImputeMethod::RowMean, None), "a"),
        &[0.0, 10.0, 6.25, 5.0],
    );
}

#[test]
fn impute_by_row_mean_applies_directions_first() {
    // COINr min-maxes x·d before the row mean and undoes it after: a
    // sibling's best value scales to 1 and a direction −1 indicator gets
    // the value as good as the row mean.
    let rows = |da: f64, db: f64| {
        framework(vec![
            ind("a", "P").dir(da),
            ind("b", "P").dir(db),
            ind("c", "P"),
            agg(2, "P", None),
        ])
    };
    let data = dataset(&[
        ("a", &[0.0, 10.0, NA, 5.0]),
        ("b", &[0.0, 100.0, 20.0, 20.0]),
        ("c", &[1.0, 3.0, 2.5, 2.0]),
    ]);
    let spec = || impute(ImputeMethod::RowMean, None);
    // U2: b (d = −1) scales to (100 − 20)/100 = .8, c to .75: mean .775.
    assert_close(
        &imputed(&rows(1.0, -1.0), &data, spec(), "a"),
        &[0.0, 10.0, 7.75, 5.0],
    );
    // a with d = −1: the best value is the lowest, 10 − .775·10.
    assert_close(
        &imputed(&rows(-1.0, -1.0), &data, spec(), "a"),
        &[0.0, 10.0, 2.25, 5.0],
    );
}

// ---------------------------------------------- screening and denomination

#[test]
fn screen_by_availability_zeros_and_forced_units() {
    let fw = flat(vec![ind("a", "I"), ind("b", "I"), ind("c", "I")]);
    let data = dataset(&[
        ("a", &[1.0, NA, 0.0, NA, 1.0]),
        ("b", &[1.0, 1.0, 0.0, NA, 1.0]),
        ("c", &[1.0, 1.0, 1.0, 1.0, 0.0]),
    ]);
    let spec = |s: ScreenSpec| Spec {
        screen: Some(s),
        ..Spec::default()
    };
    let screen = ScreenSpec {
        min_availability: 2.0 / 3.0,
        min_nonzero: Some(0.5),
        force_include: Vec::new(),
        force_exclude: Vec::new(),
    };
    // U1: ⅔ available (kept); U2: ⅓ non-zero (dropped); U3: ⅓ available (dropped);
    // U4: ⅔ non-zero (kept).
    let build = run(&fw, &data, &spec(screen.clone()));
    assert_eq!(build.scores.units(), ["U0", "U1", "U4"]);
    let rows = build.screening.unwrap();
    assert!(rows[2].low_nonzero && !rows[2].low_data && !rows[2].included);
    assert!(rows[3].low_data && (rows[3].availability - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(rows[2].zeros, 2);

    let forced = ScreenSpec {
        force_include: vec!["U3".into()],
        force_exclude: vec!["U0".into()],
        ..screen.clone()
    };
    let build = run(&fw, &data, &spec(forced));
    assert_eq!(build.scores.units(), ["U1", "U3", "U4"]);
    let rows = build.screening.unwrap();
    assert_eq!(rows[0].forced, Some(false));
    assert_eq!(rows[3].forced, Some(true));

    for (include, exclude) in [(vec!["Nope"], vec![]), (vec!["U1"], vec!["U1"])] {
        let bad = ScreenSpec {
            force_include: include.into_iter().map(Into::into).collect(),
            force_exclude: exclude.into_iter().map(Into::into).collect(),
            ..screen.clone()
        };
        let err = Pipeline::new(&fw, &data, &spec(bad)).unwrap_err();
        assert!(
            matches!(&err, IndexError::Spec { section, .. } if section == "screen"),
            "{err}"
        );
    }
}

#[test]
fn denominate_with_scale_and_zero_denominators() {
    let mut rows = vec![ind("a", "I").denominator("Pop"), ind("b", "I")];
    rows.push(Row {
        row_type: RowType::Denominator,
        ..ind("Pop", "")
    });
    let fw = flat(rows);
    let data = dataset(&[
        ("a", &[10.0, 20.0, NA, 5.0]),
        ("b", &[1.0, 2.0, 3.0, 4.0]),
        ("Pop", &[1000.0, 0.0, 500.0, NA]),
    ]);
    let spec = Spec {
        denominate: Some(DenominateSpec { scale: 1000.0 }),
        ..Spec::default()
    };
    let build = run(&fw, &data, &spec);
    let out = build.stage(Stage::Denominate).unwrap();
    // a / (Pop / 1000): U1's zero and U3's missing denominator give NA;
    // U2's missing value stays missing and is no gap.
    assert_close(out.column_by_code("a").unwrap(), &[10.0, NA, NA, NA]);
    assert_close(out.column_by_code("b").unwrap(), &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(
        build.denominate_gaps,
        vec![
            ("U1".to_owned(), "a".to_owned()),
            ("U3".to_owned(), "a".to_owned())
        ]
    );
}

// ------------------------------------------------------------------ order

#[test]
fn the_order_of_stages_is_checked() {
    let (fw, data) = one_indicator(ind("x", "I"), &X);
    let base = Spec {
        normalise: Some(norm(NormaliseMethod::Minmax)),
        aggregate: Some(aggregate(AggregateMethod::Arithmetic)),
        ..Spec::default()
    };
    let with_order = |order: Vec<Stage>| Spec {
        order: Some(order),
        ..base.clone()
    };
    let problem = |spec: Spec| match Pipeline::new(&fw, &data, &spec).unwrap_err() {
        IndexError::Spec { key, problem, .. } => {
            assert_eq!(key, "order");
            problem
        }
        other => panic!("{other}"),
    };
    assert!(problem(with_order(vec![Stage::Normalise, Stage::Normalise])).contains("twice"));
    assert!(
        problem(with_order(vec![Stage::Aggregate, Stage::Normalise]))
            .contains("aggregation comes last")
    );
    assert!(problem(with_order(vec![Stage::Normalise])).contains("\"aggregate\""));
    // A stage whose section is absent may be named: it is skipped.
    let build = run(
        &fw,
        &data,
        &with_order(vec![Stage::Treat, Stage::Normalise, Stage::Aggregate]),
    );
    assert_eq!(build.stages.len(), 2);
    // The order is followed: screening after normalisation sees normalised data.
    let fw2 = flat(vec![ind("a", "I"), ind("b", "I")]);
    let data2 = dataset(&[("a", &[1.0, 2.0, 3.0]), ("b", &[5.0, 6.0, 9.0])]);
    let spec = Spec {
        order: Some(vec![Stage::Normalise, Stage::Screen]),
        normalise: Some(norm(NormaliseMethod::Minmax)),
        screen: Some(ScreenSpec {
            min_availability: 0.0,
            min_nonzero: Some(0.6),
            force_include: Vec::new(),
            force_exclude: Vec::new(),
        }),
        ..Spec::default()
    };
    // After min-max, U0 is 0 on both: dropped for zeros.
    let build = run(&fw2, &data2, &spec);
    assert_eq!(build.scores.units(), ["U1", "U2"]);
}

#[test]
fn capping_keeps_missing_values_missing() {
    let x = [1.0, NA, 4.0, 5.0];
    let (fw, data) = one_indicator(ind("x", "I").target(4.0), &x);
    let targ = NormaliseSpec {
        cap: Some(true),
        ..norm(NormaliseMethod::Dist2targ)
    };
    assert_close(&normalised(&fw, &data, targ, "x"), &[0.0, NA, 1.0, 1.0]);
    let reference = NormaliseSpec {
        reference: Some("U2".into()),
        cap: Some(true),
        ..norm(NormaliseMethod::Dist2ref)
    };
    assert_close(
        &normalised(&fw, &data, reference, "x"),
        &[0.0, NA, 1.0, 1.0],
    );
}
