//! Results of a build: statistics per indicator, correlations, Cronbach's
//! alpha per group, unit profiles (the spec's section 8).
//!
//! Everything here reads a [`Frame`] (any stage of a [`Build`], or its
//! scores) and the [`Framework`]; nothing changes the build. Missing values
//! (`NaN`) are left out of every statistic, and a statistic that cannot be
//! computed (too few values, a constant column) is `None`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::data::Frame;
use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::pipeline::Build;
use crate::spec::Stage;
use crate::stats;

/// Descriptive statistics of one column (COINr's `get_stats`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    /// The column's code.
    pub code: String,
    /// The number of non-missing values.
    pub n: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    /// R's type-7 median.
    pub median: Option<f64>,
    /// Sample standard deviation (n − 1); `None` below two values.
    pub sd: Option<f64>,
    /// Sample skewness G1 (`sqrt(n(n−1))/(n−2)` correction); `None` below
    /// three values or for a constant column.
    pub skew: Option<f64>,
    /// Sample excess kurtosis G2; `None` below four values or for a
    /// constant column.
    pub kurtosis: Option<f64>,
    /// The share of units with a value: `n / units` (0 when there are no units).
    pub availability: f64,
    /// The number of values equal to 0.
    pub zeros: usize,
    /// The number of distinct non-missing values.
    pub unique: usize,
}

/// Statistics of every column of `frame`, in column order.
///
/// For a column `x` over `N` units with `n` non-missing values: `min`,
/// `max`, `mean` and `median` (type 7) of the present values; `sd` with
/// `n − 1`; `skew` and `kurtosis` of type 2 (as [`stats::skew`] and
/// [`stats::kurtosis`]); `availability = n / N`; `zeros` the count of values
/// equal to 0; `unique` the count of distinct present values.
pub fn indicator_statistics(frame: &Frame) -> Vec<IndicatorStats> {
    let units = frame.units().len();
    (0..frame.columns().len())
        .map(|c| {
            let x = frame.column(c);
            let present = stats::present(x);
            let n = present.len();
            // 0.0 and -0.0 are one value.
            let unique: HashSet<u64> = present
                .iter()
                .map(|v| if *v == 0.0 { 0 } else { v.to_bits() })
                .collect();
            IndicatorStats {
                code: frame.columns()[c].clone(),
                n,
                min: stats::min(x),
                max: stats::max(x),
                mean: stats::mean(x),
                median: stats::median(x),
                sd: stats::sd(x),
                skew: stats::skew(x),
                kurtosis: stats::kurtosis(x),
                availability: if units == 0 {
                    0.0
                } else {
                    n as f64 / units as f64
                },
                zeros: present.iter().filter(|v| **v == 0.0).count(),
                unique: unique.len(),
            }
        })
        .collect()
}

/// A correlation coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationMethod {
    /// Pearson's product-moment correlation.
    Pearson,
    /// Spearman's rank correlation: Pearson's on average ranks.
    Spearman,
    /// Kendall's tau-b.
    Kendall,
}

impl CorrelationMethod {
    /// The correlation of `x` and `y` over the units where both are present
    /// (pairwise deletion); `None` below three pairs or when either is
    /// constant over them.
    pub fn correlate(self, x: &[f64], y: &[f64]) -> Option<f64> {
        match self {
            CorrelationMethod::Pearson => stats::pearson(x, y),
            CorrelationMethod::Spearman => stats::spearman(x, y),
            CorrelationMethod::Kendall => stats::kendall(x, y),
        }
    }
}

/// A matrix of correlations: `values[i][j]` is the correlation of column
/// `rows[i]` with column `columns[j]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrelationMatrix {
    pub method: CorrelationMethod,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
}

impl CorrelationMatrix {
    /// The correlation of two codes, if both are in the matrix and it exists.
    pub fn get(&self, row: &str, column: &str) -> Option<f64> {
        let i = self.rows.iter().position(|r| r == row)?;
        let j = self.columns.iter().position(|c| c == column)?;
        self.values[i][j]
    }
}

fn column_of<'a>(frame: &'a Frame, code: &str) -> Result<&'a [f64]> {
    frame.column_by_code(code).ok_or_else(|| IndexError::Data {
        column: code.to_owned(),
        problem: format!(
            "is not a column of this data set (its columns: {})",
            frame.columns().join(", ")
        ),
    })
}

/// The correlation of every column of `rows` with every column of
/// `columns` in `frame`, each over the units where both have a value
/// (pairwise deletion, as COINr's `get_corr` with `use = "pairwise"`).
/// An error names a code that is not a column of `frame`.
pub fn correlations<R: AsRef<str>, C: AsRef<str>>(
    frame: &Frame,
    rows: &[R],
    columns: &[C],
    method: CorrelationMethod,
) -> Result<CorrelationMatrix> {
    let row_values = rows
        .iter()
        .map(|r| column_of(frame, r.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    let column_values = columns
        .iter()
        .map(|c| column_of(frame, c.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    let values = row_values
        .iter()
        .map(|x| {
            column_values
                .iter()
                .map(|y| method.correlate(x, y))
                .collect()
        })
        .collect();
    Ok(CorrelationMatrix {
        method,
        rows: rows.iter().map(|r| r.as_ref().to_owned()).collect(),
        columns: columns.iter().map(|c| c.as_ref().to_owned()).collect(),
        values,
    })
}

/// The correlations among the children of one aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCorrelation {
    /// The aggregate whose children are correlated.
    pub parent: String,
    /// Children × children.
    pub matrix: CorrelationMatrix,
}

/// Within a level: for every aggregate one level above `level`, the
/// correlation matrix of its children (e.g. `level = 1`: the indicators of
/// each pillar among themselves), aggregates in iMeta order. Empty when
/// `level` is the index's. An error names a child that is not a column of
/// `frame` (indicators are in every stage; aggregates only after aggregation).
pub fn correlations_within(
    frame: &Frame,
    framework: &Framework,
    level: u32,
    method: CorrelationMethod,
) -> Result<Vec<GroupCorrelation>> {
    framework
        .aggregates()
        .iter()
        .map(|&a| framework.node(a))
        .filter(|node| node.level == level + 1)
        .map(|node| {
            let children: Vec<&str> = node
                .children
                .iter()
                .map(|&c| framework.node(c).code.as_str())
                .collect();
            Ok(GroupCorrelation {
                parent: node.code.clone(),
                matrix: correlations(frame, &children, &children, method)?,
            })
        })
        .collect()
}

/// One node's correlation with one of its ancestors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AncestorCorrelation {
    pub code: String,
    pub level: u32,
    pub value: Option<f64>,
}

/// Across levels: one node's correlations with its parent and every
/// ancestor up to the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineageCorrelation {
    pub code: String,
    /// The correlation with its parent (`None` for the index itself, or
    /// when it cannot be computed).
    pub with_parent: Option<f64>,
    /// The correlation with the index (the root).
    pub with_index: Option<f64>,
    /// Every ancestor, parent first, index last (COINr's
    /// `withparent = "family"`).
    pub ancestors: Vec<AncestorCorrelation>,
}

/// Across levels: every node of `level` (iMeta order) correlated with its
/// parent and with every ancestor up to the index, as COINr's `get_corr`
/// with `withparent`. `frame` must hold the aggregate columns (the
/// aggregated data set, `build.scores`); an error names a missing column.
pub fn correlations_with_ancestors(
    frame: &Frame,
    framework: &Framework,
    level: u32,
    method: CorrelationMethod,
) -> Result<Vec<LineageCorrelation>> {
    let mut out = Vec::new();
    for node in framework.nodes().iter().filter(|n| n.level == level) {
        let x = column_of(frame, &node.code)?;
        let mut ancestors = Vec::new();
        let mut current = node.parent;
        while let Some(a) = current {
            let ancestor = framework.node(a);
            let y = column_of(frame, &ancestor.code)?;
            ancestors.push(AncestorCorrelation {
                code: ancestor.code.clone(),
                level: ancestor.level,
                value: method.correlate(x, y),
            });
            current = ancestor.parent;
        }
        out.push(LineageCorrelation {
            code: node.code.clone(),
            with_parent: ancestors.first().and_then(|a| a.value),
            with_index: ancestors.last().and_then(|a| a.value),
            ancestors,
        });
    }
    Ok(out)
}

/// Cronbach's alpha of every aggregate (lowest level first, iMeta order
/// within a level) over its children's columns in `frame`:
/// `α = k/(k−1) · (1 − Σ var(child) / var(Σ children))` over the units with
/// every child present (listwise deletion, as COINr's `get_cronbach`).
/// `None` when the aggregate has fewer than two children, fewer than two
/// complete units, a total of variance 0, or a child that is not a column of
/// `frame` (aggregates above level 2 need the aggregated data set).
pub fn cronbach_alpha_by_group(frame: &Frame, framework: &Framework) -> Vec<(String, Option<f64>)> {
    framework
        .aggregates()
        .iter()
        .map(|&a| {
            let node = framework.node(a);
            let columns: Option<Vec<&[f64]>> = node
                .children
                .iter()
                .map(|&c| frame.column_by_code(&framework.node(c).code))
                .collect();
            let alpha = columns.and_then(|columns| stats::cronbach_alpha(&columns));
            (node.code.clone(), alpha)
        })
        .collect()
}

/// A unit's score and rank at one aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileScore {
    pub code: String,
    pub name: String,
    pub level: u32,
    pub score: Option<f64>,
    /// 1 = best, ties the minimum; `None` when the score is missing.
    pub rank: Option<usize>,
}

/// One indicator in a unit's profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileIndicator {
    pub code: String,
    pub name: String,
    /// The raw value (iData).
    pub value: Option<f64>,
    /// The normalised score, if normalisation ran.
    pub score: Option<f64>,
    /// The unit's rank in the indicator among the built units (1 = best).
    pub rank: usize,
}

/// A unit's profile (COINr's `get_unit_summary` and `get_str_weak`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitProfile {
    pub unit: String,
    /// The number of units in the build (after screening): ranks are out of it.
    pub units: usize,
    /// Score and rank at every aggregate, the index first, then level by
    /// level downwards (iMeta order within a level). Empty when
    /// aggregation did not run.
    pub aggregates: Vec<ProfileScore>,
    /// The `n` indicators where the unit ranks best, best first.
    pub strongest: Vec<ProfileIndicator>,
    /// The `n` indicators where the unit ranks worst, worst first.
    pub weakest: Vec<ProfileIndicator>,
}

/// The profile of unit `unit` in `build`.
///
/// Aggregates: the unit's value in `build.scores` and its rank in
/// `build.ranks`. Indicators: the rank of the unit among the built units
/// (1 = best, ties the minimum), on the normalised data set if normalisation
/// ran (directions are applied there), else on the last data set multiplied
/// by each indicator's direction; indicators the unit has no value for are
/// left out. The `n` best-ranked are the strengths (best first), the `n`
/// worst-ranked the weaknesses (worst first); ties keep iMeta order. As in
/// COINr, the two lists may overlap when `n` is more than half the
/// indicators. An error says when the unit is not in the build (not in
/// iData, or dropped by screening).
pub fn unit_profile(
    build: &Build,
    framework: &Framework,
    unit: &str,
    n: usize,
) -> Result<UnitProfile> {
    let u = build
        .scores
        .unit_index(unit)
        .ok_or_else(|| IndexError::Data {
            column: "uCode".into(),
            problem: format!(
                "unit {unit:?} is not in the build (not in iData, or dropped by screening)"
            ),
        })?;
    let present = |v: f64| (!v.is_nan()).then_some(v);

    let mut aggregates: Vec<ProfileScore> = framework
        .aggregates()
        .iter()
        .filter_map(|&a| {
            let node = framework.node(a);
            let c = build.scores.column_index(&node.code)?;
            Some(ProfileScore {
                code: node.code.clone(),
                name: node.name.clone(),
                level: node.level,
                score: present(build.scores.column(c)[u]),
                rank: build.ranks.get(u, c).map(|r| r as usize),
            })
        })
        .collect();
    // Levels downwards (stable: iMeta order within a level).
    aggregates.sort_by_key(|a| std::cmp::Reverse(a.level));

    let normalised = build.stage(Stage::Normalise);
    let mut ranked: Vec<ProfileIndicator> = Vec::new();
    for &i in framework.indicators() {
        let node = framework.node(i);
        let basis: Vec<f64> = match normalised.and_then(|f| f.column_by_code(&node.code)) {
            Some(x) => x.to_vec(),
            None => match build.scores.column_by_code(&node.code) {
                Some(x) => x.iter().map(|v| v * node.direction).collect(),
                None => continue,
            },
        };
        let ranks = stats::rank_desc(&basis);
        if ranks[u].is_nan() {
            continue;
        }
        let raw = build
            .raw
            .unit_index(unit)
            .and_then(|r| build.raw.column_by_code(&node.code).map(|x| x[r]))
            .and_then(present);
        ranked.push(ProfileIndicator {
            code: node.code.clone(),
            name: node.name.clone(),
            value: raw,
            score: normalised
                .and_then(|f| f.column_by_code(&node.code))
                .and_then(|x| present(x[u])),
            rank: ranks[u] as usize,
        });
    }
    // Stable: ties keep iMeta order.
    ranked.sort_by_key(|p| p.rank);
    let strongest = ranked.iter().take(n).cloned().collect();
    let mut worst = ranked.clone();
    worst.sort_by_key(|p| std::cmp::Reverse(p.rank));
    let weakest = worst.into_iter().take(n).collect();
    Ok(UnitProfile {
        unit: unit.to_owned(),
        units: build.scores.units().len(),
        aggregates,
        strongest,
        weakest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{MetaRow, RowType};
    use crate::spec::{AggregateMethod, AggregateSpec, NormaliseMethod, NormaliseSpec, Spec};
    use crate::{Dataset, Pipeline};

    fn frame(columns: &[(&str, &[f64])]) -> Frame {
        let n = columns[0].1.len();
        Frame::new(
            (0..n).map(|u| format!("U{u}")).collect(),
            columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
            columns.iter().map(|(_, v)| v.to_vec()).collect(),
        )
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn meta(row: usize, level: u32, code: &str, parent: Option<&str>, direction: f64) -> MetaRow {
        MetaRow {
            row,
            level: Some(level),
            code: code.into(),
            name: format!("{code} name"),
            direction: Some(direction),
            weight: Some(1.0),
            unit: None,
            target: None,
            denominator: None,
            parent: parent.map(Into::into),
            row_type: if level == 1 {
                RowType::Indicator
            } else {
                RowType::Aggregate
            },
            extra: Vec::new(),
        }
    }

    /// Three indicators (a, b under P; c under Q), P and Q under the index.
    fn framework() -> Framework {
        Framework::from_rows(&[
            meta(2, 1, "a", Some("P"), 1.0),
            meta(3, 1, "b", Some("P"), -1.0),
            meta(4, 1, "c", Some("Q"), 1.0),
            meta(5, 2, "P", Some("I"), 1.0),
            meta(6, 2, "Q", Some("I"), 1.0),
            meta(7, 3, "I", None, 1.0),
        ])
        .unwrap()
    }

    #[test]
    fn statistics_follow_their_definitions() {
        let x = [0.0, 2.0, f64::NAN, 2.0, 8.0];
        let stats = indicator_statistics(&frame(&[("x", &x)]));
        let s = &stats[0];
        assert_eq!(s.code, "x");
        assert_eq!(s.n, 4);
        assert_eq!(s.min, Some(0.0));
        assert_eq!(s.max, Some(8.0));
        assert_eq!(s.mean, Some(3.0));
        assert_eq!(s.median, Some(2.0));
        // Deviations −3, −1, −1, 5: Σd² = 36, sd = sqrt(36/3).
        assert!(close(s.sd.unwrap(), 12f64.sqrt()));
        // Σd³ = −27 − 1 − 1 + 125 = 96; g1 = sqrt(4)·96/36^1.5 = 192/216;
        // G1 = g1·sqrt(4·3)/2.
        assert!(close(s.skew.unwrap(), 192.0 / 216.0 * 12f64.sqrt() / 2.0));
        // Σd⁴ = 81 + 1 + 1 + 625 = 708; r = 4·708/36² ; G2 = ((5)(r − 3) + 6)·3/(2·1).
        let r = 4.0 * 708.0 / 1296.0;
        assert!(close(
            s.kurtosis.unwrap(),
            (5.0 * (r - 3.0) + 6.0) * 3.0 / 2.0
        ));
        assert!(close(s.availability, 0.8));
        assert_eq!(s.zeros, 1);
        assert_eq!(s.unique, 3);
    }

    #[test]
    fn statistics_of_an_empty_column_are_none() {
        let s = &indicator_statistics(&frame(&[("x", &[f64::NAN, f64::NAN])]))[0];
        assert_eq!(s.n, 0);
        assert_eq!((s.min, s.mean, s.sd, s.skew), (None, None, None, None));
        assert_eq!(s.availability, 0.0);
        assert_eq!(s.unique, 0);
    }

    #[test]
    fn correlation_matrices_by_method() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 4.0, 6.0, 9.0];
        let c = [4.0, 3.0, 1.0, 2.0];
        let f = frame(&[("a", &a), ("b", &b), ("c", &c)]);
        let p = correlations(&f, &["a"], &["b", "c"], CorrelationMethod::Pearson).unwrap();
        // a vs c: means 2.5 and 2.5; Σdadc = (−1.5)(1.5) + (−.5)(.5) + (.5)(−1.5) + (1.5)(−.5)
        // = −2.25 − .25 − .75 − .75 = −4; Σda² = Σdc² = 5: r = −0.8.
        assert!(close(p.get("a", "c").unwrap(), -0.8));
        assert!(p.get("a", "b").unwrap() < 1.0);
        let s = correlations(&f, &["a"], &["b"], CorrelationMethod::Spearman).unwrap();
        assert!(close(s.values[0][0].unwrap(), 1.0));
        // Kendall a vs c: pairs (12) D, (13) D, (14) D, (23) D, (24) D, (34) C:
        // (1 − 5)/6.
        let k = correlations(&f, &["a"], &["c"], CorrelationMethod::Kendall).unwrap();
        assert!(close(k.values[0][0].unwrap(), -4.0 / 6.0));
        let err = correlations(&f, &["a"], &["zz"], CorrelationMethod::Pearson).unwrap_err();
        assert!(err.to_string().contains("\"zz\""), "{err}");
    }

    #[test]
    fn alpha_per_group_over_children() {
        let fw = framework();
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 3.0, 5.0, 4.0];
        let c = [1.0, 1.0, 2.0, 2.0];
        let f = frame(&[("a", &a), ("b", &b), ("c", &c)]);
        let alphas = cronbach_alpha_by_group(&f, &fw);
        let codes: Vec<&str> = alphas.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["P", "Q", "I"]);
        // P: var(a) = 5/3, var(b) = 5/3, totals 3, 5, 8, 8: mean 6, Σd² = 9+1+4+4 = 18,
        // var = 6; α = 2·(1 − (10/3)/6) = 8/9.
        assert!(close(alphas[0].1.unwrap(), 8.0 / 9.0));
        // Q has one child; I's children are not columns of this frame.
        assert_eq!(alphas[1].1, None);
        assert_eq!(alphas[2].1, None);
    }

    fn build() -> (Framework, Build) {
        let fw = framework();
        let data = Dataset {
            codes: vec!["X".into(), "Y".into(), "Z".into()],
            names: vec!["X".into(), "Y".into(), "Z".into()],
            times: None,
            groups: Vec::new(),
            columns: vec![
                ("a".into(), vec![1.0, 2.0, 3.0]),
                // Direction −1: X is best.
                ("b".into(), vec![10.0, 20.0, 30.0]),
                ("c".into(), vec![5.0, 0.0, 10.0]),
            ],
        };
        let spec = Spec {
            normalise: Some(NormaliseSpec {
                method: NormaliseMethod::Minmax,
                range: None,
                mean_sd: None,
                bounds: None,
                factor: None,
                reference: None,
                cap: None,
                posts: None,
            }),
            aggregate: Some(AggregateSpec {
                method: AggregateMethod::Arithmetic,
                p: None,
                min_availability: 0.0,
                by_group: Default::default(),
            }),
            ..Spec::default()
        };
        let build = Pipeline::new(&fw, &data, &spec).unwrap().run().unwrap();
        (fw, build)
    }

    #[test]
    fn unit_profiles_rank_aggregates_and_indicators() {
        let (fw, build) = build();
        // Normalised: a = 0, 50, 100; b = 100, 50, 0; c = 50, 0, 100.
        // P = 50, 50, 50; Q = c; I = 50, 25, 75.
        let x = unit_profile(&build, &fw, "X", 1).unwrap();
        assert_eq!(x.units, 3);
        let codes: Vec<&str> = x.aggregates.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["I", "P", "Q"]);
        assert_eq!(x.aggregates[0].score, Some(50.0));
        assert_eq!(x.aggregates[0].rank, Some(2));
        assert_eq!(x.aggregates[1].rank, Some(1)); // P: all tie at 50
        assert_eq!(x.aggregates[2].rank, Some(2));
        // X's ranks: a 3, b 1, c 2.
        assert_eq!(x.strongest.len(), 1);
        assert_eq!(x.strongest[0].code, "b");
        assert_eq!(x.strongest[0].value, Some(10.0));
        assert_eq!(x.strongest[0].score, Some(100.0));
        assert_eq!(x.strongest[0].rank, 1);
        assert_eq!(x.weakest[0].code, "a");
        assert_eq!(x.weakest[0].rank, 3);
        let all = unit_profile(&build, &fw, "X", 3).unwrap();
        let order: Vec<&str> = all.strongest.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(order, ["b", "c", "a"]);
        let order: Vec<&str> = all.weakest.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(order, ["a", "c", "b"]);
        let err = unit_profile(&build, &fw, "NOPE", 2).unwrap_err();
        assert!(err.to_string().contains("\"NOPE\""), "{err}");
    }

    #[test]
    fn correlations_across_and_within_levels() {
        let (fw, build) = build();
        let lineage =
            correlations_with_ancestors(&build.scores, &fw, 1, CorrelationMethod::Pearson).unwrap();
        assert_eq!(lineage.len(), 3);
        // c is Q itself: correlation 1 with its parent; I = 50, 25, 75 = 25 + c/2: also 1.
        let c = &lineage[2];
        assert_eq!(c.code, "c");
        assert!(close(c.with_parent.unwrap(), 1.0));
        assert!(close(c.with_index.unwrap(), 1.0));
        assert_eq!(c.ancestors.len(), 2);
        assert_eq!(c.ancestors[0].code, "Q");
        assert_eq!(c.ancestors[1].code, "I");
        // P is constant: no correlation with it.
        assert_eq!(lineage[0].with_parent, None);
        let within =
            correlations_within(&build.scores, &fw, 1, CorrelationMethod::Spearman).unwrap();
        assert_eq!(within.len(), 2);
        assert_eq!(within[0].parent, "P");
        assert!(close(within[0].matrix.get("a", "b").unwrap(), -1.0));
        assert!(close(within[0].matrix.get("a", "a").unwrap(), 1.0));
        // Levels 2 within the index.
        let top = correlations_within(&build.scores, &fw, 2, CorrelationMethod::Pearson).unwrap();
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].matrix.rows, ["P", "Q"]);
        // Aggregates are not columns of the normalised data set.
        let normalised = build.stage(Stage::Normalise).unwrap();
        assert!(
            correlations_with_ancestors(normalised, &fw, 1, CorrelationMethod::Pearson).is_err()
        );
    }
}
