//! Weights from the data: PCA weights and weights optimised so that each
//! component's correlation with its aggregate matches a target importance.
//!
//! Both work group by group (the children of one aggregate) on a data set
//! that has the children's columns: the normalised data for indicators, the
//! aggregated data for higher levels. They return new weights by code, to be
//! used as a pipeline's weights (`ranks_for`) or written into iMeta.

use serde::Serialize;

use crate::data::Frame;
use crate::error::{IndexError, Result};
use crate::framework::{Framework, effective_weights};
use crate::stats;

/// PCA weights of one aggregate's children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PcaWeights {
    pub parent: String,
    /// Child code and its loading on the first principal component (of the
    /// correlation matrix, i.e. standardised data, as R's
    /// `prcomp(scale = TRUE)`), signed so that the loadings sum to a positive
    /// number. They can be negative: COINr warns about the same.
    pub weights: Vec<(String, f64)>,
    /// Share of the variance the first component explains.
    pub explained: f64,
    /// Units used (listwise deletion of missing values).
    pub units: usize,
}

/// The children's columns of `parent` in `frame`, units with a missing value
/// left out.
fn complete_columns(frame: &Frame, framework: &Framework, parent: usize) -> Result<Vec<Vec<f64>>> {
    let node = framework.node(parent);
    let columns: Vec<&[f64]> = node
        .children
        .iter()
        .map(|&c| {
            let code = &framework.node(c).code;
            frame.column_by_code(code).ok_or_else(|| IndexError::Data {
                column: code.clone(),
                problem: format!(
                    "is not a column of this data set; weights of {:?} need its children's scores (use the aggregated data)",
                    node.code
                ),
            })
        })
        .collect::<Result<_>>()?;
    let rows: Vec<usize> = (0..frame.units().len())
        .filter(|&u| columns.iter().all(|c| !c[u].is_nan()))
        .collect();
    Ok(columns
        .iter()
        .map(|c| rows.iter().map(|&u| c[u]).collect())
        .collect())
}

/// PCA weights for every aggregate at `level` (its children are at
/// `level − 1`). COINr's `get_PCA`: the first component's loadings.
pub fn pca_weights(frame: &Frame, framework: &Framework, level: u32) -> Result<Vec<PcaWeights>> {
    let parents: Vec<usize> = framework
        .aggregates()
        .iter()
        .copied()
        .filter(|&a| framework.node(a).level == level)
        .collect();
    if parents.is_empty() {
        return Err(IndexError::MetaTree {
            problem: format!("no aggregate is at level {level}"),
        });
    }
    parents
        .into_iter()
        .map(|parent| {
            let columns = complete_columns(frame, framework, parent)?;
            let k = columns.len();
            let n = columns.first().map_or(0, Vec::len);
            let node = framework.node(parent);
            if k < 2 || n < 3 {
                return Err(IndexError::Data {
                    column: node.code.clone(),
                    problem: format!(
                        "PCA needs at least 2 children and 3 complete units; {:?} has {k} children and {n} complete units",
                        node.code
                    ),
                });
            }
            let mut correlation = vec![vec![0.0; k]; k];
            for i in 0..k {
                for j in 0..k {
                    correlation[i][j] = if i == j {
                        1.0
                    } else {
                        stats::pearson(&columns[i], &columns[j]).unwrap_or(0.0)
                    };
                }
            }
            let (value, vector) = leading_eigen(&correlation);
            let sign = if vector.iter().sum::<f64>() < 0.0 { -1.0 } else { 1.0 };
            Ok(PcaWeights {
                parent: node.code.clone(),
                weights: node
                    .children
                    .iter()
                    .zip(&vector)
                    .map(|(&c, v)| (framework.node(c).code.clone(), sign * v))
                    .collect(),
                explained: value / k as f64,
                units: n,
            })
        })
        .collect()
}

/// The largest eigenvalue of a symmetric matrix and its unit eigenvector
/// (cyclic Jacobi rotations: exact for the small matrices of a group).
fn leading_eigen(matrix: &[Vec<f64>]) -> (f64, Vec<f64>) {
    let k = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix.to_vec();
    let mut v: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (arp, arq) = (row[p], row[q]);
                    row[p] = c * arp - s * arq;
                    row[q] = s * arp + c * arq;
                }
                let (row_p, row_q) = (a[p].clone(), a[q].clone());
                for (r, (apr, aqr)) in row_p.iter().zip(&row_q).enumerate() {
                    a[p][r] = c * apr - s * aqr;
                    a[q][r] = s * apr + c * aqr;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    let best = (0..k)
        .max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))
        .expect("non-empty");
    (a[best][best], v.iter().map(|row| row[best]).collect())
}

/// Weights optimised for one aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimisedWeights {
    pub parent: String,
    /// Child code, weight (summing to 1), and its correlation with the
    /// aggregate under these weights.
    pub weights: Vec<(String, f64, f64)>,
    /// Largest gap between a child's share of the summed correlations and
    /// its target share, with these weights and with equal weights. When the
    /// targets cannot be reached with non-negative weights (children that
    /// correlate with the aggregate through their siblings), the gap stays
    /// above the tolerance and the weakest-needed children go to 0.
    pub gap: f64,
    pub equal_weights_gap: f64,
    pub iterations: usize,
}

/// For each aggregate at `level`, weights such that each child's Pearson
/// correlation with the aggregate (its weighted arithmetic mean over the
/// children in `frame`) is in proportion to a target importance (equal
/// when `targets` is `None`; else by child code). COINr's `get_opt_weights`
/// with `optype = "balance"`, solved by the fixed point
/// `w ← w · (target share / correlation share)` instead of Nelder–Mead.
pub fn optimised_weights(
    frame: &Frame,
    framework: &Framework,
    level: u32,
    targets: Option<&[(String, f64)]>,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Vec<OptimisedWeights>> {
    let parents: Vec<usize> = framework
        .aggregates()
        .iter()
        .copied()
        .filter(|&a| framework.node(a).level == level)
        .collect();
    parents
        .into_iter()
        .map(|parent| {
            let node = framework.node(parent);
            let columns = complete_columns(frame, framework, parent)?;
            let k = columns.len();
            let n = columns.first().map_or(0, Vec::len);
            let codes: Vec<&str> = node
                .children
                .iter()
                .map(|&c| framework.node(c).code.as_str())
                .collect();
            let mut target: Vec<f64> = match targets {
                None => vec![1.0; k],
                Some(t) => codes
                    .iter()
                    .map(|code| {
                        t.iter()
                            .find(|(c, _)| c == code)
                            .map(|(_, v)| *v)
                            .unwrap_or(1.0)
                    })
                    .collect(),
            };
            let total: f64 = target.iter().sum();
            target.iter_mut().for_each(|t| *t /= total);
            let mut w = vec![1.0 / k as f64; k];
            let correlations = |w: &[f64]| -> Vec<f64> {
                let aggregate: Vec<f64> = (0..n)
                    .map(|u| (0..k).map(|i| w[i] * columns[i][u]).sum())
                    .collect();
                columns
                    .iter()
                    .map(|c| stats::pearson(c, &aggregate).unwrap_or(0.0).max(1e-6))
                    .collect()
            };
            let gap_of = |r: &[f64]| {
                let sum: f64 = r.iter().sum();
                r.iter()
                    .zip(&target)
                    .map(|(r, t)| (r / sum - t).abs())
                    .fold(0.0, f64::max)
            };
            let equal_weights_gap = gap_of(&correlations(&w));
            let mut iterations = 0;
            let mut gap;
            while iterations < max_iterations {
                let r = correlations(&w);
                let sum: f64 = r.iter().sum();
                gap = gap_of(&r);
                if gap < tolerance {
                    break;
                }
                for i in 0..k {
                    w[i] *= (target[i] / (r[i] / sum)).sqrt();
                }
                let s: f64 = w.iter().sum();
                w.iter_mut().for_each(|x| *x /= s);
                iterations += 1;
            }
            let r = correlations(&w);
            gap = gap_of(&r);
            Ok(OptimisedWeights {
                parent: node.code.clone(),
                weights: codes
                    .iter()
                    .zip(w.iter().zip(&r))
                    .map(|(c, (w, r))| ((*c).to_owned(), *w, *r))
                    .collect(),
                gap,
                equal_weights_gap,
                iterations,
            })
        })
        .collect()
}

/// Effective weights (in the index) for weights given by code, the rest
/// from iMeta.
pub fn effective_weights_with(framework: &Framework, weights: &[(String, f64)]) -> Vec<f64> {
    let mut w = framework.weights();
    for (code, weight) in weights {
        if let Some(n) = framework.find(code) {
            w[n] = *weight;
        }
    }
    effective_weights(framework, &w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimised_weights_balance_independent_children() {
        use crate::framework::{MetaRow, RowType};
        let row = |r: usize, level: u32, code: &str, parent: Option<&str>, t: RowType| MetaRow {
            row: r,
            level: Some(level),
            code: code.into(),
            name: code.into(),
            direction: Some(1.0),
            weight: Some(1.0),
            unit: None,
            target: None,
            denominator: None,
            parent: parent.map(Into::into),
            row_type: t,
            extra: vec![],
        };
        let framework = Framework::from_rows(&[
            row(2, 1, "a", Some("P"), RowType::Indicator),
            row(3, 1, "b", Some("P"), RowType::Indicator),
            row(4, 1, "c", Some("P"), RowType::Indicator),
            row(5, 2, "P", None, RowType::Aggregate),
        ])
        .unwrap();
        // Three uncorrelated columns with spreads 1, 2 and 4: equal weights
        // make the widest dominate the aggregate.
        let n = 64;
        let pattern = |u: usize, k: usize| if (u >> k) & 1 == 1 { 1.0 } else { -1.0 };
        let frame = Frame::new(
            (0..n).map(|u| format!("U{u}")).collect(),
            vec!["a".into(), "b".into(), "c".into()],
            vec![
                (0..n).map(|u| pattern(u, 0)).collect(),
                (0..n).map(|u| 2.0 * pattern(u, 1)).collect(),
                (0..n).map(|u| 4.0 * pattern(u, 2)).collect(),
            ],
        );
        let result = optimised_weights(&frame, &framework, 2, None, 1e-8, 1000).unwrap();
        let group = &result[0];
        assert!(group.equal_weights_gap > 0.1);
        assert!(group.gap < 1e-8, "gap {}", group.gap);
        // Balanced correlations need weights inversely proportional to spread.
        let w: Vec<f64> = group.weights.iter().map(|(_, w, _)| *w).collect();
        assert!((w[0] / w[1] - 2.0).abs() < 1e-6 && (w[1] / w[2] - 2.0).abs() < 1e-6);
    }

    #[test]
    fn the_leading_eigenvector_of_a_known_matrix() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, leading vector (1, 1)/√2.
        let (value, vector) = leading_eigen(&[vec![2.0, 1.0], vec![1.0, 2.0]]);
        assert!((value - 3.0).abs() < 1e-12);
        let s = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vector[0].abs() - s).abs() < 1e-12 && (vector[1].abs() - s).abs() < 1e-12);
        assert!(vector[0] * vector[1] > 0.0);
        // A 3 × 3 correlation matrix: check A v = λ v.
        let m = vec![
            vec![1.0, 0.8, 0.3],
            vec![0.8, 1.0, 0.5],
            vec![0.3, 0.5, 1.0],
        ];
        let (value, vector) = leading_eigen(&m);
        for i in 0..3 {
            let av: f64 = (0..3).map(|j| m[i][j] * vector[j]).sum();
            assert!((av - value * vector[i]).abs() < 1e-10);
        }
        let norm: f64 = vector.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }
}
