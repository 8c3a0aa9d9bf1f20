//! The pipeline: stages in order, each keeping its output.

use std::collections::HashMap;

use serde::Serialize;

use crate::aggregate::Aggregator;
use crate::data::{Dataset, Frame};
use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::normalise::Normaliser;
use crate::spec::{DenominateSpec, ImputeMethod, ImputeSpec, ScreenSpec, Spec, Stage, TreatSpec};
use crate::stats;
use crate::treat::{Treatment, treat};

/// Everything a build produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Build {
    /// The indicator columns of iData (the `Raw` data set).
    pub raw: Frame,
    /// The output of every stage that ran, in order.
    pub stages: Vec<(Stage, Frame)>,
    /// Per-unit screening (when the screen stage ran).
    pub screening: Option<Vec<ScreenRow>>,
    /// Per-indicator treatment (when the treat stage ran).
    pub treatment: Option<Treatment>,
    /// Per-indicator count of imputed values (when the impute stage ran).
    pub imputed: Option<Vec<(String, usize)>>,
    /// Values that could not be denominated (zero or missing denominator).
    pub denominate_gaps: Vec<(String, String)>,
    /// The last data set: aggregated if aggregation ran.
    pub scores: Frame,
    /// Ranks of `scores`, column by column (1 best, ties the minimum).
    pub ranks: Frame,
    /// Each node's weight in the root, by node index.
    pub effective_weights: Vec<f64>,
}

impl Build {
    /// The output of one stage, if it ran.
    pub fn stage(&self, stage: Stage) -> Option<&Frame> {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, f)| f)
    }
}

/// Screening of one unit (COINr's `screen_summary`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenRow {
    pub unit: String,
    pub missing: usize,
    pub zeros: usize,
    pub availability: f64,
    pub nonzero: f64,
    pub low_data: bool,
    pub low_nonzero: bool,
    pub forced: Option<bool>,
    pub included: bool,
}

/// A checked pipeline over one framework and data set, ready to run (many
/// times, for the uncertainty analysis).
#[derive(Debug, Clone)]
pub struct Pipeline<'a> {
    framework: &'a Framework,
    data: &'a Dataset,
    pub(crate) spec: Spec,
    order: Vec<Stage>,
}

impl<'a> Pipeline<'a> {
    /// Checks the spec against the framework and data: the data fit the
    /// framework, every named group, unit and aggregate exists, every
    /// number is in range. Errors name the section and key.
    pub fn new(framework: &'a Framework, data: &'a Dataset, spec: &Spec) -> Result<Pipeline<'a>> {
        data.check(framework)?;
        let order = match &spec.order {
            None => Stage::DEFAULT_ORDER.to_vec(),
            Some(order) => {
                let mut seen = Vec::new();
                for stage in order {
                    if seen.contains(stage) {
                        return Err(IndexError::spec(
                            "top level",
                            "order",
                            format!("names {:?} twice", stage.key()),
                        ));
                    }
                    seen.push(*stage);
                }
                if let Some(pos) = order.iter().position(|s| *s == Stage::Aggregate)
                    && pos + 1 != order.len()
                {
                    return Err(IndexError::spec(
                        "top level",
                        "order",
                        "puts \"aggregate\" before other stages; aggregation comes last",
                    ));
                }
                for stage in Stage::DEFAULT_ORDER {
                    if spec_has(spec, stage) && !order.contains(&stage) {
                        return Err(IndexError::spec(
                            "top level",
                            "order",
                            format!(
                                "leaves out {:?}, whose section is present; add it or remove the section",
                                stage.key()
                            ),
                        ));
                    }
                }
                order.clone()
            }
        };
        if let Some(impute) = &spec.impute {
            check_impute(impute, framework, data)?;
        }
        if let Some(screen) = &spec.screen {
            check_screen(screen, data)?;
        }
        if let Some(treat) = &spec.treat {
            check_treat(treat, framework)?;
        }
        if let Some(normalise) = &spec.normalise {
            // Check with all units; the reference is checked again after screening.
            Normaliser::new(normalise, &data.codes)?;
        }
        if let Some(aggregate) = &spec.aggregate {
            Aggregator::new(aggregate, framework)?;
        }
        Ok(Pipeline {
            framework,
            data,
            spec: spec.clone(),
            order,
        })
    }

    pub fn framework(&self) -> &Framework {
        self.framework
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    pub fn data(&self) -> &Dataset {
        self.data
    }

    /// Runs every stage and keeps every output.
    pub fn run(&self) -> Result<Build> {
        self.run_with(&self.spec, &self.framework.weights(), true)
    }

    /// Runs with another spec and weights; `keep` = false drops the
    /// intermediate outputs.
    pub(crate) fn run_with(&self, spec: &Spec, weights: &[f64], keep: bool) -> Result<Build> {
        let framework = self.framework;
        let raw = self.data.indicator_frame(framework);
        let mut current = raw.clone();
        let mut stages = Vec::new();
        let mut details = Details::default();
        for &stage in &self.order {
            let Some(next) = self.run_stage(stage, spec, weights, &current, &mut details)? else {
                continue;
            };
            if keep {
                stages.push((stage, next.clone()));
            }
            current = next;
        }
        let scores = current;
        let ranks = rank_frame(&scores);
        Ok(Build {
            raw,
            stages,
            screening: details.screening,
            treatment: details.treatment,
            imputed: details.imputed,
            denominate_gaps: details.denominate_gaps,
            scores,
            ranks,
            effective_weights: crate::framework::effective_weights(framework, weights),
        })
    }

    /// The stages in the order they run.
    pub(crate) fn order(&self) -> &[Stage] {
        &self.order
    }

    /// The data after the first `until` stages of the order (nominal spec).
    pub(crate) fn prefix(&self, spec: &Spec, weights: &[f64], until: usize) -> Result<Frame> {
        let mut current = self.data.indicator_frame(self.framework);
        let mut details = Details::default();
        for &stage in &self.order[..until] {
            if let Some(next) = self.run_stage(stage, spec, weights, &current, &mut details)? {
                current = next;
            }
        }
        Ok(current)
    }

    /// Runs the stages from position `from` of the order on `start` and
    /// returns the last data set only (the uncertainty analysis's fast path).
    pub(crate) fn run_from(
        &self,
        spec: &Spec,
        weights: &[f64],
        start: &Frame,
        from: usize,
    ) -> Result<Frame> {
        self.run_from_to(spec, weights, start, from, self.order.len())
    }

    /// Runs the stages at positions `from..to` of the order on `start`.
    pub(crate) fn run_from_to(
        &self,
        spec: &Spec,
        weights: &[f64],
        start: &Frame,
        from: usize,
        to: usize,
    ) -> Result<Frame> {
        let mut details = Details::default();
        let mut current: Option<Frame> = None;
        for &stage in &self.order[from..to] {
            let input = current.as_ref().unwrap_or(start);
            if let Some(next) = self.run_stage(stage, spec, weights, input, &mut details)? {
                current = Some(next);
            }
        }
        Ok(current.unwrap_or_else(|| start.clone()))
    }

    /// Runs one stage; `None` when its section is absent.
    fn run_stage(
        &self,
        stage: Stage,
        spec: &Spec,
        weights: &[f64],
        current: &Frame,
        details: &mut Details,
    ) -> Result<Option<Frame>> {
        let framework = self.framework;
        Ok(Some(match stage {
            Stage::Denominate => match &spec.denominate {
                None => return Ok(None),
                Some(d) => {
                    let (frame, gaps) = denominate(current, framework, self.data, d);
                    details.denominate_gaps = gaps;
                    frame
                }
            },
            Stage::Impute => match &spec.impute {
                None => return Ok(None),
                Some(i) => {
                    let (frame, counts) = impute(current, framework, self.data, i);
                    details.imputed = Some(counts);
                    frame
                }
            },
            Stage::Screen => match &spec.screen {
                None => return Ok(None),
                Some(s) => {
                    let (frame, rows) = screen(current, s);
                    details.screening = Some(rows);
                    frame
                }
            },
            Stage::Treat => match &spec.treat {
                None => return Ok(None),
                Some(t) => {
                    let (frame, treatment) = treat(current, t);
                    details.treatment = Some(treatment);
                    frame
                }
            },
            Stage::Normalise => match &spec.normalise {
                None => return Ok(None),
                Some(n) => Normaliser::new(n, current.units())?.apply(current, framework)?,
            },
            Stage::Aggregate => match &spec.aggregate {
                None => return Ok(None),
                Some(a) => Aggregator::new(a, framework)?.apply(current, framework, weights)?,
            },
        }))
    }
}

/// What stages report besides their data.
#[derive(Default)]
struct Details {
    screening: Option<Vec<ScreenRow>>,
    treatment: Option<Treatment>,
    imputed: Option<Vec<(String, usize)>>,
    denominate_gaps: Vec<(String, String)>,
}

fn spec_has(spec: &Spec, stage: Stage) -> bool {
    match stage {
        Stage::Denominate => spec.denominate.is_some(),
        Stage::Impute => spec.impute.is_some(),
        Stage::Screen => spec.screen.is_some(),
        Stage::Treat => spec.treat.is_some(),
        Stage::Normalise => spec.normalise.is_some(),
        Stage::Aggregate => spec.aggregate.is_some(),
    }
}

/// Ranks every column: 1 best, ties the minimum, missing stays missing.
pub fn rank_frame(frame: &Frame) -> Frame {
    use rayon::prelude::*;
    let values = (0..frame.columns().len())
        .into_par_iter()
        .map(|c| stats::rank_desc(frame.column(c)))
        .collect();
    Frame::new(frame.units().to_vec(), frame.columns().to_vec(), values)
}

fn check_impute(spec: &ImputeSpec, framework: &Framework, data: &Dataset) -> Result<()> {
    let by_group = matches!(
        spec.method,
        ImputeMethod::MeanByGroup | ImputeMethod::MedianByGroup
    );
    match (&spec.group, by_group) {
        (None, true) => Err(IndexError::spec(
            "impute",
            "group",
            format!(
                "is required by the *_by_group methods: one of the iData group columns ({})",
                names_or_none(framework.groups())
            ),
        )),
        (Some(_), false) => Err(IndexError::spec(
            "impute",
            "group",
            "is only used by mean_by_group and median_by_group; remove it",
        )),
        (Some(group), true) if data.group(group).is_none() => Err(IndexError::spec(
            "impute",
            "group",
            format!(
                "{group:?} is not a group column of iData (group columns: {})",
                names_or_none(
                    &data
                        .groups
                        .iter()
                        .map(|(n, _)| n.clone())
                        .collect::<Vec<_>>()
                )
            ),
        )),
        _ => Ok(()),
    }
}

fn check_screen(spec: &ScreenSpec, data: &Dataset) -> Result<()> {
    let share = |key: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(IndexError::spec(
                "screen",
                key,
                format!("is {v}; it is a share between 0 and 1"),
            ))
        }
    };
    share("min_availability", spec.min_availability)?;
    if let Some(v) = spec.min_nonzero {
        share("min_nonzero", v)?;
    }
    for (key, list) in [
        ("force_include", &spec.force_include),
        ("force_exclude", &spec.force_exclude),
    ] {
        for code in list {
            if !data.codes.contains(code) {
                return Err(IndexError::spec(
                    "screen",
                    key,
                    format!("{code:?} is not a unit (uCode) of iData"),
                ));
            }
        }
    }
    if let Some(code) = spec
        .force_include
        .iter()
        .find(|c| spec.force_exclude.contains(c))
    {
        return Err(IndexError::spec(
            "screen",
            "force_exclude",
            format!("{code:?} is also in force_include"),
        ));
    }
    Ok(())
}

fn check_treat(spec: &TreatSpec, framework: &Framework) -> Result<()> {
    if spec.skew.is_nan() || spec.skew <= 0.0 {
        return Err(IndexError::spec(
            "treat",
            "skew",
            format!("is {}; it is a positive threshold of |skew|", spec.skew),
        ));
    }
    for code in &spec.exclude {
        if framework
            .find(code)
            .is_none_or(|n| framework.node(n).level != 1)
        {
            return Err(IndexError::spec(
                "treat",
                "exclude",
                format!("{code:?} is not an indicator of iMeta"),
            ));
        }
    }
    Ok(())
}

fn names_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Row of each unit of `frame` in `data`.
fn rows_of(frame: &Frame, data: &Dataset) -> Vec<usize> {
    let index: HashMap<&str, usize> = data
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    frame.units().iter().map(|u| index[u.as_str()]).collect()
}

fn denominate(
    frame: &Frame,
    framework: &Framework,
    data: &Dataset,
    spec: &DenominateSpec,
) -> (Frame, Vec<(String, String)>) {
    let rows = rows_of(frame, data);
    let mut out = frame.clone();
    let mut gaps = Vec::new();
    for (c, code) in frame.columns().iter().enumerate() {
        let node = framework.node(framework.find(code).expect("indicator"));
        let Some(denominator) = &node.denominator else {
            continue;
        };
        let d = data.column(denominator).expect("checked");
        let column = out.column_mut(c);
        for (u, value) in column.iter_mut().enumerate() {
            let by = d[rows[u]] / spec.scale;
            if value.is_nan() {
                continue;
            }
            if by.is_nan() || by == 0.0 {
                gaps.push((frame.units()[u].clone(), code.clone()));
                *value = f64::NAN;
            } else {
                *value /= by;
            }
        }
    }
    (out, gaps)
}

fn impute(
    frame: &Frame,
    framework: &Framework,
    data: &Dataset,
    spec: &ImputeSpec,
) -> (Frame, Vec<(String, usize)>) {
    let mut out = frame.clone();
    let mut counts = Vec::with_capacity(frame.columns().len());
    let groups: Option<Vec<Option<&str>>> = spec.group.as_ref().map(|g| {
        let column = data.group(g).expect("checked");
        rows_of(frame, data)
            .into_iter()
            .map(|r| column[r].as_deref())
            .collect()
    });
    // Each unit's group as a small integer.
    let group_ids: Option<(Vec<Option<usize>>, usize)> = groups.as_ref().map(|groups| {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let ids = groups
            .iter()
            .map(|g| {
                g.map(|g| {
                    let next = index.len();
                    *index.entry(g).or_insert(next)
                })
            })
            .collect();
        (ids, index.len())
    });
    let fill = |values: &[f64]| -> Option<f64> {
        match spec.method {
            ImputeMethod::Mean | ImputeMethod::MeanByGroup => stats::mean(values),
            _ => stats::median(values),
        }
    };
    for (c, code) in frame.columns().iter().enumerate() {
        let x = frame.column(c);
        let missing: Vec<usize> = (0..x.len()).filter(|&u| x[u].is_nan()).collect();
        let mut n = 0;
        match spec.method {
            ImputeMethod::Mean | ImputeMethod::Median => {
                if let Some(v) = fill(x) {
                    for &u in &missing {
                        out.column_mut(c)[u] = v;
                        n += 1;
                    }
                }
            }
            ImputeMethod::MeanByGroup | ImputeMethod::MedianByGroup => {
                let (ids, n_groups) = group_ids.as_ref().expect("checked");
                if missing.is_empty() {
                    counts.push((code.clone(), 0));
                    continue;
                }
                let mut members: Vec<Vec<f64>> = vec![Vec::new(); *n_groups];
                for (k, value) in x.iter().enumerate() {
                    if let Some(g) = ids[k]
                        && !value.is_nan()
                    {
                        members[g].push(*value);
                    }
                }
                let fills: Vec<Option<f64>> = members.iter().map(|m| fill(m)).collect();
                for &u in &missing {
                    if let Some(v) = ids[u].and_then(|g| fills[g]) {
                        out.column_mut(c)[u] = v;
                        n += 1;
                    }
                }
            }
            ImputeMethod::RowMean => {
                let node = framework.find(code).expect("indicator");
                let Some(parent) = framework.node(node).parent else {
                    counts.push((code.clone(), 0));
                    continue;
                };
                let siblings: Vec<usize> = framework
                    .node(parent)
                    .children
                    .iter()
                    .filter_map(|&s| frame.column_index(&framework.node(s).code))
                    .collect();
                let scale =
                    |col: usize| (stats::min(frame.column(col)), stats::max(frame.column(col)));
                let (Some(lo), Some(hi)) = scale(c) else {
                    counts.push((code.clone(), 0));
                    continue;
                };
                for &u in &missing {
                    let scaled: Vec<f64> = siblings
                        .iter()
                        .filter(|&&s| s != c)
                        .filter_map(|&s| {
                            let v = frame.column(s)[u];
                            let (Some(a), Some(b)) = scale(s) else {
                                return None;
                            };
                            // Directions first (COINr min-maxes x·d): a
                            // sibling's best value scales to 1.
                            let d = frame_direction(framework, frame, s);
                            (!v.is_nan() && b > a).then(|| {
                                if d > 0.0 {
                                    (v - a) / (b - a)
                                } else {
                                    (b - v) / (b - a)
                                }
                            })
                        })
                        .collect();
                    if let Some(m) = stats::mean(&scaled) {
                        // And back, undoing the direction.
                        out.column_mut(c)[u] = if framework.node(node).direction > 0.0 {
                            lo + m * (hi - lo)
                        } else {
                            hi - m * (hi - lo)
                        };
                        n += 1;
                    }
                }
            }
        }
        counts.push((code.clone(), n));
    }
    (out, counts)
}

/// The iMeta direction of column `c` of `frame`.
fn frame_direction(framework: &Framework, frame: &Frame, c: usize) -> f64 {
    let code = &frame.columns()[c];
    framework
        .find(code)
        .map_or(1.0, |n| framework.node(n).direction)
}

fn screen(frame: &Frame, spec: &ScreenSpec) -> (Frame, Vec<ScreenRow>) {
    let k = frame.columns().len() as f64;
    let mut rows = Vec::with_capacity(frame.units().len());
    let mut keep = Vec::with_capacity(frame.units().len());
    for (u, unit) in frame.units().iter().enumerate() {
        let missing = (0..frame.columns().len())
            .filter(|&c| frame.column(c)[u].is_nan())
            .count();
        let zeros = (0..frame.columns().len())
            .filter(|&c| frame.column(c)[u] == 0.0)
            .count();
        let availability = 1.0 - missing as f64 / k;
        let nonzero = 1.0 - zeros as f64 / k;
        let low_data = availability < spec.min_availability;
        let low_nonzero = spec.min_nonzero.is_some_and(|t| nonzero < t);
        let forced = if spec.force_include.contains(unit) {
            Some(true)
        } else if spec.force_exclude.contains(unit) {
            Some(false)
        } else {
            None
        };
        let included = forced.unwrap_or(!(low_data || low_nonzero));
        keep.push(included);
        rows.push(ScreenRow {
            unit: unit.clone(),
            missing,
            zeros,
            availability,
            nonzero,
            low_data,
            low_nonzero,
            forced,
            included,
        });
    }
    (frame.retain_units(&keep), rows)
}
