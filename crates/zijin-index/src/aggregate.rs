//! Aggregation: children into parents, level by level.

use std::collections::HashMap;

use crate::data::Frame;
use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::spec::{AggregateMethod, AggregateSpec};

/// A checked aggregation: one method (and exponent) per aggregate node.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregator {
    /// By node index; `None` for indicators.
    methods: Vec<Option<(AggregateMethod, f64)>>,
    min_availability: f64,
}

const SECTION: &str = "aggregate";

impl Aggregator {
    pub fn new(spec: &AggregateSpec, framework: &Framework) -> Result<Aggregator> {
        if !(0.0..=1.0).contains(&spec.min_availability) {
            return Err(IndexError::spec(
                SECTION,
                "min_availability",
                format!(
                    "is {}; it is a share between 0 and 1",
                    spec.min_availability
                ),
            ));
        }
        let check_p = |key: &str, method: AggregateMethod, p: Option<f64>| -> Result<f64> {
            match (method, p) {
                (AggregateMethod::Generalised, None) => Err(IndexError::spec(
                    SECTION,
                    key,
                    "method \"generalised\" needs p (the exponent): p = 2 is the quadratic mean",
                )),
                (AggregateMethod::Generalised, Some(p)) if !p.is_finite() => Err(IndexError::spec(
                    SECTION,
                    key,
                    format!("p = {p} is not a finite number"),
                )),
                (AggregateMethod::Generalised, Some(p)) => Ok(p),
                (_, Some(_)) => Err(IndexError::spec(
                    SECTION,
                    key,
                    "p is only used by method \"generalised\"; remove it",
                )),
                (_, None) => Ok(f64::NAN),
            }
        };
        let default = (spec.method, check_p("p", spec.method, spec.p)?);
        let mut methods: Vec<Option<(AggregateMethod, f64)>> = framework
            .nodes()
            .iter()
            .map(|n| (n.level > 1).then_some(default))
            .collect();
        for (code, group) in &spec.by_group {
            let key = format!("by_group.{code}");
            let node = framework.find(code).ok_or_else(|| {
                IndexError::spec(
                    SECTION,
                    &key,
                    format!("{code:?} is not an aggregate of iMeta"),
                )
            })?;
            if framework.node(node).level == 1 {
                return Err(IndexError::spec(
                    SECTION,
                    &key,
                    format!("{code:?} is an indicator; only aggregates have a method"),
                ));
            }
            methods[node] = Some((group.method(), check_p(&key, group.method(), group.p())?));
        }
        Ok(Aggregator {
            methods,
            min_availability: spec.min_availability,
        })
    }

    /// Appends one column per aggregate to `normalised` (whose columns are
    /// the indicators), using `weights` by node index.
    pub fn apply(
        &self,
        normalised: &Frame,
        framework: &Framework,
        weights: &[f64],
    ) -> Result<Frame> {
        let mut out = normalised.clone();
        let mut column_of: HashMap<usize, usize> = framework
            .indicators()
            .iter()
            .map(|&i| {
                let code = &framework.node(i).code;
                (i, normalised.column_index(code).expect("indicator column"))
            })
            .collect();
        let n_units = normalised.units().len();
        for &a in framework.aggregates() {
            let node = framework.node(a);
            let (method, p) = self.methods[a].expect("aggregates have a method");
            let children: Vec<(&[f64], f64, &str)> = node
                .children
                .iter()
                .map(|&c| {
                    (
                        out.column(column_of[&c]),
                        weights[c],
                        framework.node(c).code.as_str(),
                    )
                })
                .collect();
            let values = if method == AggregateMethod::Copeland {
                copeland(&children, n_units)
            } else {
                let mut values = Vec::with_capacity(n_units);
                let mut row: Vec<(f64, f64, &str)> = Vec::with_capacity(children.len());
                for u in 0..n_units {
                    row.clear();
                    row.extend(
                        children
                            .iter()
                            .filter(|(col, _, _)| !col[u].is_nan())
                            .map(|(col, w, code)| (col[u], *w, *code)),
                    );
                    let share = row.len() as f64 / children.len() as f64;
                    // The generalised mean is not renormalised: any missing
                    // child gives NA (COINr's `a_genmean`, no `na.rm`).
                    let incomplete =
                        method == AggregateMethod::Generalised && row.len() < children.len();
                    if row.is_empty() || share < self.min_availability || incomplete {
                        values.push(f64::NAN);
                        continue;
                    }
                    let value = aggregate_row(method, p, &row).map_err(|(code, problem)| {
                        IndexError::Compute {
                            stage: "aggregate",
                            unit: normalised.units()[u].clone(),
                            code: format!("{} (into {})", code, node.code),
                            problem,
                        }
                    })?;
                    values.push(value);
                }
                values
            };
            column_of.insert(a, out.columns().len());
            out.push_column(node.code.clone(), values);
        }
        Ok(out)
    }
}

/// One unit's aggregate over its present children `(value, weight, code)`.
/// Errors name the child and say what is wrong.
fn aggregate_row(
    method: AggregateMethod,
    p: f64,
    row: &[(f64, f64, &str)],
) -> std::result::Result<f64, (String, String)> {
    use AggregateMethod::*;
    let total: f64 = row.iter().map(|(_, w, _)| w).sum();
    if total <= 0.0 {
        return Ok(f64::NAN);
    }
    let positive = |what: &str| -> std::result::Result<(), (String, String)> {
        for (x, w, code) in row {
            if *w > 0.0 && *x <= 0.0 {
                return Err((
                    (*code).to_string(),
                    format!(
                        "value {x} is not positive, and a {what} needs values > 0; normalise to a range above 0 (e.g. range = [1, 100])"
                    ),
                ));
            }
        }
        Ok(())
    };
    Ok(match method {
        Arithmetic => row.iter().map(|(x, w, _)| x * w).sum::<f64>() / total,
        Geometric => {
            positive("geometric mean")?;
            (row.iter()
                .filter(|(_, w, _)| *w > 0.0)
                .map(|(x, w, _)| w * x.ln())
                .sum::<f64>()
                / total)
                .exp()
        }
        Harmonic => {
            positive("harmonic mean")?;
            total
                / row
                    .iter()
                    .filter(|(_, w, _)| *w > 0.0)
                    .map(|(x, w, _)| w / x)
                    .sum::<f64>()
        }
        Generalised => {
            if p == 0.0 {
                return aggregate_row(Geometric, p, row);
            }
            if p < 0.0 || p.fract() != 0.0 {
                positive("generalised mean with this p")?;
            }
            (row.iter().map(|(x, w, _)| w * x.powf(p)).sum::<f64>() / total).powf(1.0 / p)
        }
        Median => weighted_median(row, total),
        MazziottaPareto => {
            let mean = row.iter().map(|(x, w, _)| x * w).sum::<f64>() / total;
            if mean <= 0.0 {
                return Err((
                    row[0].2.to_string(),
                    format!(
                        "the mean of the children is {mean}; the Mazziotta–Pareto index needs a positive mean (normalise to a positive range)"
                    ),
                ));
            }
            let variance = row
                .iter()
                .map(|(x, w, _)| w * (x - mean).powi(2))
                .sum::<f64>()
                / total;
            // M − S·cv with cv = S/M: the penalty grows with imbalance.
            mean - variance / mean
        }
        Copeland => unreachable!("Copeland is computed over all units"),
    })
}

/// Weighted median: the smallest value at which the cumulative share of
/// weight reaches one half; if it is exactly one half there, the mean of
/// that value and the next.
fn weighted_median(row: &[(f64, f64, &str)], total: f64) -> f64 {
    let mut sorted: Vec<(f64, f64)> = row
        .iter()
        .filter(|(_, w, _)| *w > 0.0)
        .map(|(x, w, _)| (*x, w / total))
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cumulative = 0.0;
    for (k, (x, w)) in sorted.iter().enumerate() {
        cumulative += w;
        if (cumulative - 0.5).abs() < 1e-12 && k + 1 < sorted.len() {
            return (x + sorted[k + 1].0) / 2.0;
        }
        if cumulative > 0.5 {
            return *x;
        }
    }
    sorted.last().map_or(f64::NAN, |(x, _)| *x)
}

/// Copeland: for every pair of units, the weight of the children where one
/// beats the other (half the weight of ties); +1 for a majority, −1 for a
/// minority, 0 for exactly half; a unit's score is the sum over all others.
/// Units missing a child get no score and are left out of the comparisons.
fn copeland(children: &[(&[f64], f64, &str)], n_units: usize) -> Vec<f64> {
    let total: f64 = children.iter().map(|(_, w, _)| w).sum();
    let complete: Vec<usize> = (0..n_units)
        .filter(|&u| children.iter().all(|(col, _, _)| !col[u].is_nan()))
        .collect();
    let mut scores = vec![f64::NAN; n_units];
    if total <= 0.0 {
        return scores;
    }
    for &p in &complete {
        let mut score = 0.0;
        for &q in &complete {
            if p == q {
                continue;
            }
            let outranking: f64 = children
                .iter()
                .map(|(col, w, _)| {
                    if col[p] > col[q] {
                        *w
                    } else if col[p] == col[q] {
                        w / 2.0
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
                / total;
            score += if (outranking - 0.5).abs() < 1e-12 {
                0.0
            } else if outranking > 0.5 {
                1.0
            } else {
                -1.0
            };
        }
        scores[p] = score;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[(f64, f64)]) -> Vec<(f64, f64, &'static str)> {
        values.iter().map(|&(x, w)| (x, w, "x")).collect()
    }

    #[test]
    fn means_follow_their_formulas() {
        let r = row(&[(1.0, 1.0), (4.0, 1.0), (16.0, 2.0)]);
        let a = aggregate_row(AggregateMethod::Arithmetic, f64::NAN, &r).unwrap();
        assert!((a - (1.0 + 4.0 + 32.0) / 4.0).abs() < 1e-12);
        let g = aggregate_row(AggregateMethod::Geometric, f64::NAN, &r).unwrap();
        assert!((g - (1.0f64 * 4.0 * 16.0 * 16.0).powf(0.25)).abs() < 1e-12);
        let h = aggregate_row(AggregateMethod::Harmonic, f64::NAN, &r).unwrap();
        assert!((h - 4.0 / (1.0 + 0.25 + 2.0 / 16.0)).abs() < 1e-12);
        let q = aggregate_row(AggregateMethod::Generalised, 2.0, &r).unwrap();
        assert!((q - ((1.0 + 16.0 + 2.0 * 256.0) / 4.0f64).sqrt()).abs() < 1e-12);
        let g0 = aggregate_row(AggregateMethod::Generalised, 0.0, &r).unwrap();
        assert!((g0 - g).abs() < 1e-12);
        // Means are ordered: harmonic ≤ geometric ≤ arithmetic ≤ quadratic.
        assert!(h <= g && g <= a && a <= q);
    }

    #[test]
    fn a_geometric_mean_over_a_zero_names_the_child() {
        let r = vec![(3.0, 1.0, "LPI"), (0.0, 1.0, "Ship")];
        let (code, problem) = aggregate_row(AggregateMethod::Geometric, f64::NAN, &r).unwrap_err();
        assert_eq!(code, "Ship");
        assert!(problem.contains("not positive"), "{problem}");
    }

    #[test]
    fn weighted_median_takes_the_middle_of_the_weight() {
        let r = row(&[(1.0, 1.0), (2.0, 1.0), (10.0, 3.0)]);
        assert_eq!(weighted_median(&r, 5.0), 10.0);
        let even = row(&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0)]);
        assert_eq!(weighted_median(&even, 4.0), 2.5);
    }

    #[test]
    fn mazziotta_pareto_penalises_imbalance() {
        let balanced = row(&[(50.0, 1.0), (50.0, 1.0)]);
        let unbalanced = row(&[(0.0, 1.0), (100.0, 1.0)]);
        let b = aggregate_row(AggregateMethod::MazziottaPareto, f64::NAN, &balanced).unwrap();
        let u = aggregate_row(AggregateMethod::MazziottaPareto, f64::NAN, &unbalanced).unwrap();
        assert_eq!(b, 50.0);
        // M = 50, S = 50, cv = 1: 50 − 50·1 = 0.
        assert!((u - 0.0).abs() < 1e-12);
    }

    #[test]
    fn copeland_counts_pairwise_majorities() {
        // Three units, three equally weighted children.
        let a = [3.0, 2.0, 1.0];
        let b = [3.0, 1.0, 2.0];
        let c = [1.0, 3.0, 2.0];
        let children: Vec<(&[f64], f64, &str)> =
            vec![(&a, 1.0, "a"), (&b, 1.0, "b"), (&c, 1.0, "c")];
        let scores = copeland(&children, 3);
        // Unit 0 beats 1 (a, b) and 2 (a, b): +2. Unit 1 vs 2: 1 wins a and c: +1.
        assert_eq!(scores, vec![2.0, 0.0, -2.0]);
    }
}
