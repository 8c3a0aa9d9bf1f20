//! Normalisation: every indicator to a common scale, higher always better.

use crate::data::Frame;
use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::spec::{NormaliseMethod, NormaliseSpec};
use crate::stats;

/// A checked normaliser: the spec with its defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Normaliser {
    pub method: NormaliseMethod,
    pub range: Option<[f64; 2]>,
    pub mean_sd: [f64; 2],
    pub bounds: Option<[f64; 2]>,
    pub factor: f64,
    pub reference: Option<usize>,
    pub cap: bool,
    pub posts: Option<[f64; 2]>,
}

const SECTION: &str = "normalise";

impl Normaliser {
    /// Checks a spec against the units it will see (for `reference`).
    pub fn new(spec: &NormaliseSpec, units: &[String]) -> Result<Normaliser> {
        use NormaliseMethod::*;
        let method = spec.method;
        let name = serde_name(method);
        let unused = |key: &str| {
            IndexError::spec(
                SECTION,
                key,
                format!("is not used by method {name:?}; remove it"),
            )
        };
        if spec.mean_sd.is_some() && method != Zscore {
            return Err(unused("mean_sd"));
        }
        if spec.bounds.is_some() && method != Scaled {
            return Err(unused("bounds"));
        }
        if spec.factor.is_some() && !matches!(method, Scaled | Goalposts) {
            return Err(unused("factor"));
        }
        if spec.reference.is_some() && method != Dist2ref {
            return Err(unused("reference"));
        }
        if spec.cap.is_some() && !matches!(method, Dist2ref | Dist2targ) {
            return Err(unused("cap"));
        }
        if spec.posts.is_some() && method != Goalposts {
            return Err(unused("posts"));
        }
        if let Some([l, u]) = spec.range
            && !(l.is_finite() && u.is_finite() && l < u)
        {
            return Err(IndexError::spec(
                SECTION,
                "range",
                format!("is [{l}, {u}]; it must be [lower, upper] with lower < upper"),
            ));
        }
        if let Some([_, s]) = spec.mean_sd
            && (s.is_nan() || s <= 0.0)
        {
            return Err(IndexError::spec(
                SECTION,
                "mean_sd",
                format!("has standard deviation {s}; it must be positive"),
            ));
        }
        let bounds = match (method, spec.bounds) {
            (Scaled, None) => {
                return Err(IndexError::spec(
                    SECTION,
                    "bounds",
                    "is required by method \"scaled\": bounds = [l, u] in (x − l)/(u − l)·factor",
                ));
            }
            (_, Some([l, u])) if l.is_nan() || u.is_nan() || l >= u => {
                return Err(IndexError::spec(
                    SECTION,
                    "bounds",
                    format!("is [{l}, {u}]; it must be [l, u] with l < u"),
                ));
            }
            (_, b) => b,
        };
        let reference = match (method, &spec.reference) {
            (Dist2ref, None) => {
                return Err(IndexError::spec(
                    SECTION,
                    "reference",
                    "is required by method \"dist2ref\": the code of the reference unit",
                ));
            }
            (_, Some(code)) => Some(units.iter().position(|u| u == code).ok_or_else(|| {
                IndexError::spec(
                    SECTION,
                    "reference",
                    format!("{code:?} is not a unit of the data (after screening)"),
                )
            })?),
            (_, None) => None,
        };
        if let Some([l, u]) = spec.posts
            && l == u
        {
            return Err(IndexError::spec(
                SECTION,
                "posts",
                format!("is [{l}, {u}]; the goalposts must differ"),
            ));
        }
        Ok(Normaliser {
            method,
            range: spec.range,
            mean_sd: spec.mean_sd.unwrap_or([0.0, 1.0]),
            bounds,
            factor: spec
                .factor
                .unwrap_or(if method == Scaled { 100.0 } else { 1.0 }),
            reference,
            cap: spec.cap.unwrap_or(false),
            posts: spec.posts,
        })
    }

    /// Normalises every indicator column of `frame` (columns are indicator
    /// codes of `framework`).
    pub fn apply(&self, frame: &Frame, framework: &Framework) -> Result<Frame> {
        let mut out = frame.clone();
        for (c, code) in frame.columns().iter().enumerate() {
            let node = framework.node(framework.find(code).expect("indicator column"));
            let column = self.column(frame.column(c), node, frame)?;
            *out.column_mut(c) = column;
        }
        Ok(out)
    }

    fn column(&self, x: &[f64], node: &crate::framework::Node, frame: &Frame) -> Result<Vec<f64>> {
        use NormaliseMethod::*;
        let d = node.direction;
        let constant = |what: &str| IndexError::Compute {
            stage: "normalise",
            unit: String::new(),
            code: node.code.clone(),
            problem: format!(
                "{what}; the indicator cannot be normalised this way (give it weight 0 or remove it)"
            ),
        };
        let xd: Vec<f64> = x.iter().map(|v| v * d).collect();
        let (Some(min), Some(max)) = (stats::min(&xd), stats::max(&xd)) else {
            // No value at all: stays missing.
            return Ok(xd);
        };
        // Methods whose natural output is [0, 1] map it onto `range`; the
        // others map their own min and max onto it.
        let mut unit_interval = false;
        let mut y: Vec<f64> = match self.method {
            Minmax => {
                if max == min {
                    return Err(constant(&format!("every value is {min}")));
                }
                let [l, u] = self.range.unwrap_or([0.0, 100.0]);
                return Ok(xd
                    .iter()
                    .map(|v| (v - min) / (max - min) * (u - l) + l)
                    .collect());
            }
            Zscore => {
                let mean = stats::mean(&xd).expect("has values");
                let sd = stats::sd(&xd).filter(|s| *s > 0.0).ok_or_else(|| {
                    constant("its standard deviation is 0 or it has fewer than two values")
                })?;
                let [m, s] = self.mean_sd;
                xd.iter().map(|v| (v - mean) / sd * s + m).collect()
            }
            Scaled => {
                let [l, u] = self.bounds.expect("checked");
                xd.iter().map(|v| (v - l) / (u - l) * self.factor).collect()
            }
            Dist2max => {
                if max == min {
                    return Err(constant(&format!("every value is {min}")));
                }
                unit_interval = true;
                xd.iter().map(|v| (v - min) / (max - min)).collect()
            }
            Dist2ref => {
                let r = self.reference.expect("checked");
                let reference = xd[r];
                if reference.is_nan() {
                    return Err(IndexError::Compute {
                        stage: "normalise",
                        unit: frame.units()[r].clone(),
                        code: node.code.clone(),
                        problem: "the reference unit has no value for this indicator".into(),
                    });
                }
                if reference == min {
                    return Err(constant("the reference unit has the lowest value"));
                }
                unit_interval = true;
                xd.iter()
                    .map(|v| {
                        let y = 1.0 - (reference - v) / (reference - min);
                        // `min` would turn a missing value into 1.
                        if self.cap && y > 1.0 { 1.0 } else { y }
                    })
                    .collect()
            }
            Dist2targ => {
                let target = node.target.ok_or_else(|| IndexError::Compute {
                    stage: "normalise",
                    unit: String::new(),
                    code: node.code.clone(),
                    problem: format!(
                        "method dist2targ needs a Target in iMeta (row {}), and it is empty",
                        node.row
                    ),
                })?;
                let (lo, hi) = (
                    stats::min(x).expect("values"),
                    stats::max(x).expect("values"),
                );
                let denominator = if d > 0.0 { target - lo } else { hi - target };
                if denominator == 0.0 {
                    return Err(constant(&format!(
                        "its target {target} equals its worst value"
                    )));
                }
                unit_interval = true;
                x.iter()
                    .map(|v| {
                        let y = (if d > 0.0 { v - lo } else { hi - v }) / denominator;
                        // `min` would turn a missing value into 1.
                        if self.cap && y > 1.0 { 1.0 } else { y }
                    })
                    .collect()
            }
            Fracmax => {
                if max == 0.0 {
                    return Err(constant("its maximum is 0"));
                }
                unit_interval = true;
                xd.iter().map(|v| v / max).collect()
            }
            Prank => {
                let n = xd.iter().filter(|v| !v.is_nan()).count();
                if n < 2 {
                    return Err(constant("it has fewer than two values"));
                }
                unit_interval = true;
                stats::rank_asc_min(&xd)
                    .iter()
                    .map(|r| (r - 1.0) / (n - 1) as f64)
                    .collect()
            }
            Rank => stats::rank_asc_min(&xd),
            Borda => stats::rank_asc_min(&xd).iter().map(|r| r - 1.0).collect(),
            Goalposts => {
                let [lower, upper] = match self.posts {
                    Some(posts) => posts,
                    None => goalposts_from_meta(node)?,
                };
                unit_interval = self.factor == 1.0;
                x.iter()
                    .map(|v| {
                        let y = if d > 0.0 {
                            (v - lower) / (upper - lower)
                        } else {
                            (v - upper) / (lower - upper)
                        };
                        y.clamp(0.0, 1.0) * self.factor
                    })
                    .collect()
            }
        };
        if let Some([l, u]) = self.range {
            if unit_interval {
                for v in &mut y {
                    *v = l + *v * (u - l);
                }
            } else {
                let (Some(lo), Some(hi)) = (stats::min(&y), stats::max(&y)) else {
                    return Ok(y);
                };
                if hi == lo {
                    return Err(constant("its normalised values are all equal"));
                }
                for v in &mut y {
                    *v = (*v - lo) / (hi - lo) * (u - l) + l;
                }
            }
        }
        Ok(y)
    }
}

fn goalposts_from_meta(node: &crate::framework::Node) -> Result<[f64; 2]> {
    let read = |column: &str| -> Result<f64> {
        let text = node.extra(column).ok_or_else(|| IndexError::Meta {
            row: node.row,
            code: node.code.clone(),
            column: if column == "GoalpostLower" {
                "GoalpostLower"
            } else {
                "GoalpostUpper"
            },
            problem: "is empty; goalposts need posts = [L, U] in the spec or both iMeta columns GoalpostLower and GoalpostUpper".into(),
        })?;
        text.trim().parse().map_err(|_| IndexError::Meta {
            row: node.row,
            code: node.code.clone(),
            column: if column == "GoalpostLower" {
                "GoalpostLower"
            } else {
                "GoalpostUpper"
            },
            problem: format!("{text:?} is not a number"),
        })
    };
    let posts = [read("GoalpostLower")?, read("GoalpostUpper")?];
    if posts[0] == posts[1] {
        return Err(IndexError::Meta {
            row: node.row,
            code: node.code.clone(),
            column: "GoalpostUpper",
            problem: "equals GoalpostLower; the goalposts must differ".into(),
        });
    }
    Ok(posts)
}

fn serde_name(method: NormaliseMethod) -> &'static str {
    use NormaliseMethod::*;
    match method {
        Minmax => "minmax",
        Zscore => "zscore",
        Scaled => "scaled",
        Dist2max => "dist2max",
        Dist2ref => "dist2ref",
        Dist2targ => "dist2targ",
        Fracmax => "fracmax",
        Prank => "prank",
        Rank => "rank",
        Borda => "borda",
        Goalposts => "goalposts",
    }
}
