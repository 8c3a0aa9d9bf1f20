//! Uncertainty and sensitivity analysis: how much the ranks depend on the
//! choices made in building the index.
//!
//! Every uncertain input is one random variable `u ∈ [0, 1)` mapped onto its
//! alternatives (a normaliser, an aggregation, a `winmax`, an imputation, an
//! element removed, or one of a pre-drawn set of noisy weights), as in COINr.
//! - **Uncertainty analysis**: `runs` draws of all inputs; per unit the
//!   nominal, mean, median, 5th and 95th percentile rank of the target.
//! - **Sensitivity analysis** (Saltelli design): base matrices A and B of
//!   `runs` rows, and A_B^i (A with column i from B), so `runs·(k + 2)`
//!   builds for `k` inputs. The output is the mean absolute rank shift from
//!   the nominal ranks (overall) and each unit's rank (per unit). First order
//!   `S_i = mean(y_B (y_ABi − y_A)) / V` (Saltelli 2010), total
//!   `S_Ti = Σ (y_A − y_ABi)² / (2 N V)` (Jansen 1999), `V` the variance of
//!   `y_A` and `y_B` together; bootstrap percentile intervals.
//! - **Remove one**: each element of a level gets weight 0 in turn.
//!
//! Builds run in parallel (rayon). The samples are drawn up front from one
//! seeded ChaCha stream, so results do not depend on the number of threads.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Frame;
use crate::error::{IndexError, Result};
use crate::pipeline::Pipeline;
use crate::spec::{AggregateSpec, ImputeSpec, NormaliseSpec, Spec, Stage};
use crate::stats;

/// The analysis file (`uncertainty.toml`). Each optional section is one
/// uncertain input. Field names are a contract: add, never rename.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    #[serde(default)]
    pub kind: AnalysisKind,
    /// The aggregate whose ranks are analysed (default: the index, the root).
    #[serde(default)]
    pub target: Option<String>,
    /// Bootstrap resamples for the sensitivity indices' intervals (default 1000).
    #[serde(default)]
    pub bootstrap: Option<usize>,
    /// Confidence level of the intervals (default 0.95).
    #[serde(default)]
    pub confidence: Option<f64>,
    pub weights: Option<WeightsInput>,
    pub impute: Option<ImputeInput>,
    pub treat: Option<TreatInput>,
    pub normalise: Option<NormaliseInput>,
    pub aggregate: Option<AggregateInput>,
    pub remove: Option<RemoveInput>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    #[default]
    Uncertainty,
    Sensitivity,
    /// Each element of `[remove] level` gets weight 0 in turn.
    RemoveOne,
}

/// `[weights]`: each weight of the listed levels becomes `w·(1 + U(−f, f))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsInput {
    /// `f`, e.g. 0.25 for ±25%.
    pub noise: f64,
    /// The levels whose weights get noise (the level of the node whose
    /// weight it is: 1 = indicators, 2 = pillars, …). Default: every level
    /// below the index.
    #[serde(default)]
    pub levels: Option<Vec<u32>>,
    /// How many noisy weight sets are drawn up front for the runs to pick
    /// from (COINr's `Nrep`; default 100).
    #[serde(default)]
    pub sets: Option<usize>,
}

/// `[impute]`: alternative imputations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImputeInput {
    pub alternatives: Vec<ImputeSpec>,
}

/// `[treat]`: alternative `winmax` values (the rest of the pipeline's
/// `[treat]` section stays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatInput {
    pub winmax: Vec<usize>,
}

/// `[normalise]`: alternative normalisations, each a pipeline `[normalise]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormaliseInput {
    pub alternatives: Vec<NormaliseSpec>,
}

/// `[aggregate]`: alternative aggregations, each a pipeline `[aggregate]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateInput {
    pub alternatives: Vec<AggregateSpec>,
}

/// `[remove]`: drop one element (weight 0) of a level, or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveInput {
    /// The level whose elements are removed (default 1, the indicators).
    #[serde(default)]
    pub level: Option<u32>,
    /// Only these codes (default: every element of the level).
    #[serde(default)]
    pub codes: Option<Vec<String>>,
    /// Whether "remove nothing" is one of the alternatives (default true).
    #[serde(default)]
    pub include_none: Option<bool>,
}

/// Rank statistics of one unit over the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankStats {
    pub unit: String,
    pub nominal: f64,
    pub mean: f64,
    pub median: f64,
    pub q05: f64,
    pub q95: f64,
}

/// A sensitivity index with its bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityIndex {
    pub input: String,
    pub first: f64,
    pub first_ci: [f64; 2],
    pub total: f64,
    pub total_ci: [f64; 2],
}

/// First-order and total indices of each input for one unit's rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSensitivity {
    pub unit: String,
    /// By input, in the order of [`Analysis::inputs`]; `NaN` where the unit's
    /// rank never varied.
    pub first: Vec<f64>,
    pub total: Vec<f64>,
}

/// The mean absolute rank shift when one element is removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removal {
    pub code: String,
    pub mean_abs_shift: f64,
}

/// What an analysis found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub kind: AnalysisKind,
    pub target: String,
    /// The uncertain inputs, in sample-column order.
    pub inputs: Vec<String>,
    /// Builds run (including the nominal one).
    pub builds: usize,
    /// Builds that failed (a geometric mean over a zero, …); left out.
    pub failed: usize,
    pub first_failure: Option<String>,
    pub rank_stats: Vec<RankStats>,
    /// The mean over runs of the mean absolute rank shift from nominal.
    pub mean_abs_shift: f64,
    pub sensitivity: Option<Vec<SensitivityIndex>>,
    pub unit_sensitivity: Option<Vec<UnitSensitivity>>,
    pub removals: Option<Vec<Removal>>,
}

/// One uncertain input, checked, with its alternatives.
#[derive(Debug, Clone)]
enum Input {
    Weights(Vec<Vec<f64>>),
    Impute(Vec<ImputeSpec>),
    Winmax(Vec<usize>),
    Normalise(Vec<NormaliseSpec>),
    Aggregate(Vec<AggregateSpec>),
    /// Node indices; `None` = remove nothing.
    Remove(Vec<Option<usize>>),
}

impl Input {
    fn name(&self) -> &'static str {
        match self {
            Input::Weights(_) => "weights",
            Input::Impute(_) => "impute",
            Input::Winmax(_) => "winmax",
            Input::Normalise(_) => "normalise",
            Input::Aggregate(_) => "aggregate",
            Input::Remove(_) => "remove",
        }
    }

    fn len(&self) -> usize {
        match self {
            Input::Weights(v) => v.len(),
            Input::Impute(v) => v.len(),
            Input::Winmax(v) => v.len(),
            Input::Normalise(v) => v.len(),
            Input::Aggregate(v) => v.len(),
            Input::Remove(v) => v.len(),
        }
    }

    /// The stage this input changes first.
    fn stage(&self) -> Stage {
        match self {
            Input::Impute(_) => Stage::Impute,
            Input::Winmax(_) => Stage::Treat,
            Input::Normalise(_) => Stage::Normalise,
            Input::Weights(_) | Input::Aggregate(_) | Input::Remove(_) => Stage::Aggregate,
        }
    }
}

/// Index of the alternative a draw `u ∈ [0, 1)` picks among `n`.
fn pick(u: f64, n: usize) -> usize {
    ((u * n as f64) as usize).min(n - 1)
}

struct Prepared<'p, 'a> {
    pipeline: &'p Pipeline<'a>,
    inputs: Vec<Input>,
    nominal_weights: Vec<f64>,
    /// Data after the stages no input changes, and where to resume.
    start: Frame,
    from: usize,
    target_code: String,
    /// The data just before aggregation, for every combination of the
    /// alternatives of the inputs that act before it (imputation, winmax,
    /// normalisation): computed once, so a run only aggregates. Keyed by the
    /// alternatives' indices in input order (inputs acting at aggregation
    /// count as 0). Empty when there are too many combinations.
    before_aggregation: HashMap<Vec<usize>, std::result::Result<Frame, IndexError>>,
    aggregate_at: usize,
}

/// The most combinations of early alternatives kept in memory.
const MAX_CACHED: usize = 256;

impl Prepared<'_, '_> {
    /// The key of a draw in `before_aggregation`.
    fn early_key(&self, u: &[f64]) -> Vec<usize> {
        self.inputs
            .iter()
            .zip(u)
            .map(|(input, &u)| {
                if input.stage() == Stage::Aggregate {
                    0
                } else {
                    pick(u, input.len())
                }
            })
            .collect()
    }

    /// The spec and weights of one draw.
    fn configure(&self, u: &[f64]) -> (Spec, Vec<f64>) {
        let mut spec: Spec = self.pipeline.spec.clone();
        let mut weights = self.nominal_weights.clone();
        for (input, &u) in self.inputs.iter().zip(u) {
            let k = pick(u, input.len());
            match input {
                Input::Weights(sets) => weights.clone_from(&sets[k]),
                Input::Impute(alternatives) => spec.impute = Some(alternatives[k].clone()),
                Input::Winmax(values) => {
                    if let Some(treat) = spec.treat.as_mut() {
                        treat.winmax = values[k];
                    }
                }
                Input::Normalise(alternatives) => spec.normalise = Some(alternatives[k].clone()),
                Input::Aggregate(alternatives) => spec.aggregate = Some(alternatives[k].clone()),
                Input::Remove(nodes) => {
                    if let Some(node) = nodes[k] {
                        weights[node] = 0.0;
                    }
                }
            }
        }
        (spec, weights)
    }

    /// Fills `before_aggregation` for every combination, in parallel.
    fn cache_early_stages(&mut self) {
        let early: Vec<usize> = self
            .inputs
            .iter()
            .map(|i| {
                if i.stage() == Stage::Aggregate {
                    1
                } else {
                    i.len()
                }
            })
            .collect();
        let combinations: usize = early.iter().product();
        if combinations > MAX_CACHED || self.aggregate_at <= self.from {
            return;
        }
        let keys: Vec<Vec<usize>> = (0..combinations)
            .map(|mut c| {
                early
                    .iter()
                    .map(|&n| {
                        let k = c % n;
                        c /= n;
                        k
                    })
                    .collect()
            })
            .collect();
        let frames: Vec<_> = keys
            .par_iter()
            .map(|key| {
                // A draw whose `u` picks exactly these alternatives.
                let u: Vec<f64> = key
                    .iter()
                    .zip(&self.inputs)
                    .map(|(&k, input)| (k as f64 + 0.5) / input.len() as f64)
                    .collect();
                let (spec, weights) = self.configure(&u);
                let mut current = self.start.clone();
                for position in self.from..self.aggregate_at {
                    current = self.pipeline.run_from_to(
                        &spec,
                        &weights,
                        &current,
                        position,
                        position + 1,
                    )?;
                }
                Ok(current)
            })
            .collect();
        self.before_aggregation = keys.into_iter().zip(frames).collect();
    }

    /// The target's ranks for one draw (`u` by input).
    fn ranks(&self, u: &[f64]) -> Result<Vec<f64>> {
        let (spec, weights) = self.configure(u);
        let scores = match self.before_aggregation.get(&self.early_key(u)) {
            Some(Ok(frame)) => self
                .pipeline
                .run_from(&spec, &weights, frame, self.aggregate_at)?,
            Some(Err(e)) => return Err(e.clone()),
            None => self
                .pipeline
                .run_from(&spec, &weights, &self.start, self.from)?,
        };
        target_ranks(&scores, &self.target_code)
    }
}

/// The ranks of the `target` column of a build's last data set.
fn target_ranks(scores: &Frame, target: &str) -> Result<Vec<f64>> {
    let column = scores.column_index(target).ok_or_else(|| {
        IndexError::spec("analysis", "target", format!("{target:?} was not built"))
    })?;
    Ok(stats::rank_desc(scores.column(column)))
}

/// Runs an analysis. `runs` is the number of draws (uncertainty) or the base
/// sample size N (sensitivity: N·(k + 2) builds). The same seed gives the
/// same result, whatever the number of threads.
pub fn analyse(
    pipeline: &Pipeline<'_>,
    spec: &AnalysisSpec,
    runs: usize,
    seed: u64,
) -> Result<Analysis> {
    let framework = pipeline.framework();
    let target = match &spec.target {
        None => framework.root(),
        Some(code) => framework
            .find(code)
            .filter(|&n| framework.node(n).level > 1 || pipeline.spec.aggregate.is_none())
            .ok_or_else(|| {
                IndexError::spec(
                    "analysis",
                    "target",
                    format!("{code:?} is not an aggregate of iMeta"),
                )
            })?,
    };
    if framework.node(target).level > 1 && pipeline.spec.aggregate.is_none() {
        return Err(IndexError::spec(
            "analysis",
            "target",
            "the pipeline has no [aggregate] section, so there is no aggregate to rank",
        ));
    }
    let confidence = spec.confidence.unwrap_or(0.95);
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(IndexError::spec(
            "analysis",
            "confidence",
            format!("is {confidence}; it is a level between 0 and 1, such as 0.95"),
        ));
    }
    if runs == 0 && spec.kind != AnalysisKind::RemoveOne {
        return Err(IndexError::spec(
            "analysis",
            "runs",
            "is 0; give the number of runs (--runs), such as 1000",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs = check_inputs(pipeline, spec, &mut rng)?;
    if inputs.is_empty() && spec.kind != AnalysisKind::RemoveOne {
        return Err(IndexError::spec(
            "analysis",
            "(sections)",
            "names no uncertain input; add at least one of [weights], [impute], [treat], [normalise], [aggregate], [remove]",
        ));
    }
    let nominal_weights = framework.weights();
    // Resume after the stages no input changes.
    let order = pipeline.order();
    // Removing an element acts at aggregation.
    let removal_stage = (spec.kind == AnalysisKind::RemoveOne)
        .then(|| order.iter().position(|s| *s == Stage::Aggregate))
        .flatten();
    let from = inputs
        .iter()
        .filter_map(|i| order.iter().position(|s| *s == i.stage()))
        .chain(removal_stage)
        .min()
        .unwrap_or(order.len());
    let start = pipeline.prefix(&pipeline.spec, &nominal_weights, from)?;
    let aggregate_at = order
        .iter()
        .position(|s| *s == Stage::Aggregate && pipeline.spec.aggregate.is_some())
        .unwrap_or(order.len());
    let mut prepared = Prepared {
        pipeline,
        inputs,
        nominal_weights,
        start,
        from,
        target_code: framework.node(target).code.clone(),
        before_aggregation: HashMap::new(),
        aggregate_at,
    };
    if aggregate_at < order.len() {
        prepared.cache_early_stages();
    }
    // The nominal build.
    let nominal = prepared.pipeline.run_from(
        &pipeline.spec,
        &prepared.nominal_weights,
        &prepared.start,
        from,
    )?;
    let nominal_ranks = target_ranks(&nominal, &prepared.target_code)?;
    let units = nominal.units().to_vec();
    let inputs: Vec<String> = prepared
        .inputs
        .iter()
        .map(|i| i.name().to_owned())
        .collect();
    let k = prepared.inputs.len();

    match spec.kind {
        AnalysisKind::RemoveOne => {
            let level = spec.remove.as_ref().and_then(|r| r.level).unwrap_or(1);
            let candidates: Vec<usize> = (0..framework.nodes().len())
                .filter(|&n| framework.node(n).level == level && n != framework.root())
                .collect();
            let results: Vec<(usize, Result<Vec<f64>>)> = candidates
                .par_iter()
                .map(|&node| {
                    let mut weights = prepared.nominal_weights.clone();
                    weights[node] = 0.0;
                    let ranks = pipeline
                        .run_from(&pipeline.spec, &weights, &prepared.start, from)
                        .and_then(|scores| target_ranks(&scores, &prepared.target_code));
                    (node, ranks)
                })
                .collect();
            let mut failed = 0;
            let mut first_failure = None;
            let mut removals = Vec::new();
            for (node, result) in results {
                match result {
                    Ok(ranks) => removals.push(Removal {
                        code: framework.node(node).code.clone(),
                        mean_abs_shift: mean_abs_shift(&ranks, &nominal_ranks),
                    }),
                    Err(e) => {
                        failed += 1;
                        first_failure.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            Ok(Analysis {
                kind: spec.kind,
                target: prepared.target_code.clone(),
                inputs: vec!["remove".into()],
                builds: candidates.len() + 1,
                failed,
                first_failure,
                rank_stats: Vec::new(),
                mean_abs_shift: stats::mean(
                    &removals
                        .iter()
                        .map(|r| r.mean_abs_shift)
                        .collect::<Vec<_>>(),
                )
                .unwrap_or(f64::NAN),
                sensitivity: None,
                unit_sensitivity: None,
                removals: Some(removals),
            })
        }
        AnalysisKind::Uncertainty => {
            let samples: Vec<Vec<f64>> = (0..runs)
                .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
                .collect();
            let results: Vec<Result<Vec<f64>>> =
                samples.par_iter().map(|u| prepared.ranks(u)).collect();
            let (ok, failed, first_failure) = split(results);
            let rank_stats = rank_stats(&units, &nominal_ranks, &ok);
            let shifts: Vec<f64> = ok
                .iter()
                .map(|r| mean_abs_shift(r, &nominal_ranks))
                .collect();
            Ok(Analysis {
                kind: spec.kind,
                target: prepared.target_code.clone(),
                inputs,
                builds: runs + 1,
                failed,
                first_failure,
                rank_stats,
                mean_abs_shift: stats::mean(&shifts).unwrap_or(f64::NAN),
                sensitivity: None,
                unit_sensitivity: None,
                removals: None,
            })
        }
        AnalysisKind::Sensitivity => {
            let a: Vec<Vec<f64>> = (0..runs)
                .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
                .collect();
            let b: Vec<Vec<f64>> = (0..runs)
                .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
                .collect();
            // Rows: A, B, then A_B^i for each input i.
            let mut design: Vec<Vec<f64>> = Vec::with_capacity(runs * (k + 2));
            design.extend(a.iter().cloned());
            design.extend(b.iter().cloned());
            for i in 0..k {
                for r in 0..runs {
                    let mut row = a[r].clone();
                    row[i] = b[r][i];
                    design.push(row);
                }
            }
            let results: Vec<Option<Vec<f64>>> =
                design.par_iter().map(|u| prepared.ranks(u).ok()).collect();
            let failed = results.iter().filter(|r| r.is_none()).count();
            let first_failure = if failed > 0 {
                design
                    .iter()
                    .zip(&results)
                    .find(|(_, r)| r.is_none())
                    .and_then(|(u, _)| prepared.ranks(u).err())
                    .map(|e| e.to_string())
            } else {
                None
            };
            // Rows of the base sample where every build succeeded.
            let good: Vec<usize> = (0..runs)
                .filter(|&r| (0..k + 2).all(|block| results[block * runs + r].is_some()))
                .collect();
            if good.len() < 2 {
                return Err(IndexError::spec(
                    "analysis",
                    "(inputs)",
                    format!(
                        "fewer than two complete rows of the Saltelli design built; first failure: {}",
                        first_failure.unwrap_or_default()
                    ),
                ));
            }
            let rank_of =
                |block: usize, r: usize| results[block * runs + r].as_ref().expect("good");
            let shift = |block: usize, r: usize| mean_abs_shift(rank_of(block, r), &nominal_ranks);
            let ya: Vec<f64> = good.iter().map(|&r| shift(0, r)).collect();
            let yb: Vec<f64> = good.iter().map(|&r| shift(1, r)).collect();
            let yab: Vec<Vec<f64>> = (0..k)
                .map(|i| good.iter().map(|&r| shift(2 + i, r)).collect())
                .collect();
            let bootstrap = spec.bootstrap.unwrap_or(1000);
            let mut boot_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5A17E11);
            let resamples: Vec<Vec<usize>> = (0..bootstrap)
                .map(|_| {
                    (0..good.len())
                        .map(|_| boot_rng.random_range(0..good.len()))
                        .collect()
                })
                .collect();
            let sensitivity = (0..k)
                .map(|i| {
                    let (first, total) = indices(&ya, &yb, &yab[i], None);
                    let draws: Vec<(f64, f64)> = resamples
                        .par_iter()
                        .map(|sample| indices(&ya, &yb, &yab[i], Some(sample)))
                        .collect();
                    let interval = |values: Vec<f64>| -> [f64; 2] {
                        let lower = (1.0 - confidence) / 2.0;
                        [
                            stats::quantile(&values, lower).unwrap_or(f64::NAN),
                            stats::quantile(&values, 1.0 - lower).unwrap_or(f64::NAN),
                        ]
                    };
                    SensitivityIndex {
                        input: inputs[i].clone(),
                        first,
                        first_ci: interval(draws.iter().map(|d| d.0).collect()),
                        total,
                        total_ci: interval(draws.iter().map(|d| d.1).collect()),
                    }
                })
                .collect();
            let unit_sensitivity = units
                .iter()
                .enumerate()
                .map(|(u, unit)| {
                    let ya: Vec<f64> = good.iter().map(|&r| rank_of(0, r)[u]).collect();
                    let yb: Vec<f64> = good.iter().map(|&r| rank_of(1, r)[u]).collect();
                    let (first, total) = (0..k)
                        .map(|i| {
                            let yab: Vec<f64> =
                                good.iter().map(|&r| rank_of(2 + i, r)[u]).collect();
                            indices(&ya, &yb, &yab, None)
                        })
                        .unzip();
                    UnitSensitivity {
                        unit: unit.clone(),
                        first,
                        total,
                    }
                })
                .collect();
            // Rank statistics over the base sample (A and B).
            let base: Vec<Vec<f64>> = good
                .iter()
                .flat_map(|&r| [rank_of(0, r).clone(), rank_of(1, r).clone()])
                .collect();
            let shifts: Vec<f64> = base
                .iter()
                .map(|r| mean_abs_shift(r, &nominal_ranks))
                .collect();
            Ok(Analysis {
                kind: spec.kind,
                target: prepared.target_code.clone(),
                inputs,
                builds: runs * (k + 2) + 1,
                failed,
                first_failure,
                rank_stats: rank_stats(&units, &nominal_ranks, &base),
                mean_abs_shift: stats::mean(&shifts).unwrap_or(f64::NAN),
                sensitivity: Some(sensitivity),
                unit_sensitivity: Some(unit_sensitivity),
                removals: None,
            })
        }
    }
}

/// First-order (Saltelli 2010) and total (Jansen) indices, optionally on a
/// bootstrap resample of the rows.
fn indices(ya: &[f64], yb: &[f64], yab: &[f64], sample: Option<&[usize]>) -> (f64, f64) {
    let rows: Vec<usize> = match sample {
        Some(s) => s.to_vec(),
        None => (0..ya.len()).collect(),
    };
    let n = rows.len() as f64;
    let both: Vec<f64> = rows.iter().flat_map(|&r| [ya[r], yb[r]]).collect();
    let variance = stats::sd(&both).map_or(0.0, |s| s * s);
    if variance == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let first = rows.iter().map(|&r| yb[r] * (yab[r] - ya[r])).sum::<f64>() / n / variance;
    let total = rows.iter().map(|&r| (ya[r] - yab[r]).powi(2)).sum::<f64>() / (2.0 * n * variance);
    (first, total)
}

fn split(results: Vec<Result<Vec<f64>>>) -> (Vec<Vec<f64>>, usize, Option<String>) {
    let mut ok = Vec::with_capacity(results.len());
    let mut failed = 0;
    let mut first = None;
    for result in results {
        match result {
            Ok(r) => ok.push(r),
            Err(e) => {
                failed += 1;
                first.get_or_insert_with(|| e.to_string());
            }
        }
    }
    (ok, failed, first)
}

/// Mean over units of |rank − nominal rank| (units ranked in both).
pub fn mean_abs_shift(ranks: &[f64], nominal: &[f64]) -> f64 {
    let shifts: Vec<f64> = ranks
        .iter()
        .zip(nominal)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (a - b).abs())
        .collect();
    stats::mean(&shifts).unwrap_or(f64::NAN)
}

/// Builds the index with one configuration (a spec, and weights by code
/// replacing iMeta's) and returns the ranks of `target`, one per unit of the
/// build. For scenarios chosen by hand and for replaying another tool's
/// draws.
pub fn ranks_for(
    pipeline: &Pipeline<'_>,
    spec: &Spec,
    weights: &[(String, f64)],
    target: &str,
) -> Result<Vec<f64>> {
    let framework = pipeline.framework();
    let mut w = framework.weights();
    for (code, weight) in weights {
        let node = framework
            .find(code)
            .ok_or_else(|| IndexError::spec("weights", code, "is not a code of iMeta"))?;
        w[node] = *weight;
    }
    let scores = pipeline.run_from(spec, &w, &pipeline.prefix(spec, &w, 0)?, 0)?;
    target_ranks(&scores, target)
}

/// Per unit: the nominal rank and the mean, median, 5th and 95th percentile
/// (type 7) of its ranks over `runs` (each a rank per unit; `NaN` skipped).
pub fn rank_stats(units: &[String], nominal: &[f64], runs: &[Vec<f64>]) -> Vec<RankStats> {
    units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let mut ranks: Vec<f64> = runs.iter().map(|r| r[u]).filter(|v| !v.is_nan()).collect();
            ranks.sort_by(f64::total_cmp);
            let q = |p: f64| {
                if ranks.is_empty() {
                    f64::NAN
                } else {
                    stats::quantile_sorted(&ranks, p)
                }
            };
            RankStats {
                unit: unit.clone(),
                nominal: nominal[u],
                mean: stats::mean(&ranks).unwrap_or(f64::NAN),
                median: q(0.5),
                q05: q(0.05),
                q95: q(0.95),
            }
        })
        .collect()
}

/// Checks the inputs and draws the noisy weight sets.
fn check_inputs(
    pipeline: &Pipeline<'_>,
    spec: &AnalysisSpec,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Input>> {
    let framework = pipeline.framework();
    let nominal = pipeline.spec();
    let units = &pipeline.data().codes;
    let mut inputs = Vec::new();
    let nonempty = |section: &str, n: usize| {
        if n == 0 {
            Err(IndexError::spec(
                section,
                "alternatives",
                "is empty; list at least one alternative",
            ))
        } else {
            Ok(())
        }
    };
    if let Some(w) = &spec.weights {
        if !(w.noise.is_finite() && w.noise >= 0.0 && w.noise < 1.0) {
            return Err(IndexError::spec(
                "weights",
                "noise",
                format!(
                    "is {}; it is a fraction in [0, 1), such as 0.25 for ±25%",
                    w.noise
                ),
            ));
        }
        let top = framework.levels();
        let levels = w.levels.clone().unwrap_or_else(|| (1..top).collect());
        for &level in &levels {
            if level == 0 || level >= top {
                return Err(IndexError::spec(
                    "weights",
                    "levels",
                    format!(
                        "has {level}; weights that can vary are at levels 1 to {} (the index itself has none)",
                        top - 1
                    ),
                ));
            }
        }
        let sets = w.sets.unwrap_or(100);
        if sets == 0 {
            return Err(IndexError::spec(
                "weights",
                "sets",
                "is 0; draw at least one set",
            ));
        }
        let base = framework.weights();
        let drawn = (0..sets)
            .map(|_| {
                base.iter()
                    .enumerate()
                    .map(|(n, &weight)| {
                        if levels.contains(&framework.node(n).level) {
                            let e: f64 = rng.random_range(-1.0..1.0);
                            weight * (1.0 + e * w.noise)
                        } else {
                            weight
                        }
                    })
                    .collect()
            })
            .collect();
        inputs.push(Input::Weights(drawn));
    }
    if let Some(i) = &spec.impute {
        nonempty("impute", i.alternatives.len())?;
        for alternative in &i.alternatives {
            let mut trial = nominal.clone();
            trial.impute = Some(alternative.clone());
            Pipeline::new(framework, pipeline.data(), &trial)?;
        }
        inputs.push(Input::Impute(i.alternatives.clone()));
    }
    if let Some(t) = &spec.treat {
        if nominal.treat.is_none() {
            return Err(IndexError::spec(
                "treat",
                "winmax",
                "varies winmax, but the pipeline has no [treat] section",
            ));
        }
        if t.winmax.is_empty() {
            return Err(IndexError::spec(
                "treat",
                "winmax",
                "is empty; list the values, such as [1, 2, 3, 4, 5]",
            ));
        }
        inputs.push(Input::Winmax(t.winmax.clone()));
    }
    if let Some(n) = &spec.normalise {
        nonempty("normalise", n.alternatives.len())?;
        for alternative in &n.alternatives {
            crate::normalise::Normaliser::new(alternative, units)?;
        }
        inputs.push(Input::Normalise(n.alternatives.clone()));
    }
    if let Some(a) = &spec.aggregate {
        nonempty("aggregate", a.alternatives.len())?;
        if nominal.aggregate.is_none() {
            return Err(IndexError::spec(
                "aggregate",
                "alternatives",
                "varies the aggregation, but the pipeline has no [aggregate] section",
            ));
        }
        for alternative in &a.alternatives {
            crate::aggregate::Aggregator::new(alternative, framework)?;
        }
        inputs.push(Input::Aggregate(a.alternatives.clone()));
    }
    if let Some(r) = &spec.remove
        && spec.kind != AnalysisKind::RemoveOne
    {
        let level = r.level.unwrap_or(1);
        let nodes: Vec<usize> = match &r.codes {
            Some(codes) => codes
                .iter()
                .map(|code| {
                    framework
                        .find(code)
                        .filter(|&n| framework.node(n).level == level)
                        .ok_or_else(|| {
                            IndexError::spec(
                                "remove",
                                "codes",
                                format!("{code:?} is not an element of level {level}"),
                            )
                        })
                })
                .collect::<Result<_>>()?,
            None => (0..framework.nodes().len())
                .filter(|&n| framework.node(n).level == level && n != framework.root())
                .collect(),
        };
        if nodes.is_empty() {
            return Err(IndexError::spec(
                "remove",
                "level",
                format!("level {level} has no element that can be removed"),
            ));
        }
        let mut alternatives: Vec<Option<usize>> = Vec::new();
        if r.include_none.unwrap_or(true) {
            alternatives.push(None);
        }
        alternatives.extend(nodes.into_iter().map(Some));
        inputs.push(Input::Remove(alternatives));
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimators on a model with known indices: y = x1 + 2·x2 + 0·x3
    /// with independent uniform inputs, so V = (1 + 4)/12, S1 = ST1 = 1/5,
    /// S2 = ST2 = 4/5, S3 = ST3 = 0.
    #[test]
    fn saltelli_and_jansen_recover_the_indices_of_an_additive_model() {
        let n = 20_000;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut draw = || -> Vec<f64> { (0..3).map(|_| rng.random::<f64>()).collect() };
        let a: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let b: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let f = |x: &[f64]| x[0] + 2.0 * x[1];
        let ya: Vec<f64> = a.iter().map(|x| f(x)).collect();
        let yb: Vec<f64> = b.iter().map(|x| f(x)).collect();
        let expected = [0.2, 0.8, 0.0];
        for (i, want) in expected.iter().enumerate() {
            let yab: Vec<f64> = (0..n)
                .map(|r| {
                    let mut x = a[r].clone();
                    x[i] = b[r][i];
                    f(&x)
                })
                .collect();
            let (first, total) = indices(&ya, &yb, &yab, None);
            assert!((first - want).abs() < 0.03, "S{}: {first} vs {want}", i + 1);
            assert!(
                (total - want).abs() < 0.03,
                "ST{}: {total} vs {want}",
                i + 1
            );
        }
    }

    #[test]
    fn a_draw_picks_each_alternative_over_an_equal_share_of_the_unit_interval() {
        assert_eq!(pick(0.0, 3), 0);
        assert_eq!(pick(0.3333, 3), 0);
        assert_eq!(pick(0.3334, 3), 1);
        assert_eq!(pick(0.9999999, 3), 2);
        assert_eq!(pick(1.0, 3), 2);
    }
}
