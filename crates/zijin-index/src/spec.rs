//! The pipeline specification: which stages run, in which order, with which
//! methods. The engine derives `serde` traits; the exchange crate reads the
//! TOML file. Field names are a contract (scripts rely on them): add, never
//! rename. Every table rejects keys it does not know.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A pipeline. A section that is absent skips its stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The order of the stages that run; default [`Stage::DEFAULT_ORDER`]
    /// (COINr's example: denominate, impute, screen, treat, normalise,
    /// aggregate). Aggregation always comes last.
    #[serde(default)]
    pub order: Option<Vec<Stage>>,
    /// Imputation over time of panel data (iData with `Time`), before one
    /// year is picked: see [`Dataset::impute_panel`](crate::Dataset::impute_panel).
    pub impute_panel: Option<PanelImputeSpec>,
    pub denominate: Option<DenominateSpec>,
    pub impute: Option<ImputeSpec>,
    pub screen: Option<ScreenSpec>,
    pub treat: Option<TreatSpec>,
    pub normalise: Option<NormaliseSpec>,
    pub aggregate: Option<AggregateSpec>,
}

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Denominate,
    Impute,
    Screen,
    Treat,
    Normalise,
    Aggregate,
}

impl Stage {
    pub const DEFAULT_ORDER: [Stage; 6] = [
        Stage::Denominate,
        Stage::Impute,
        Stage::Screen,
        Stage::Treat,
        Stage::Normalise,
        Stage::Aggregate,
    ];

    /// The name of the data set the stage writes (`denominated`, …).
    pub fn output_name(self) -> &'static str {
        match self {
            Stage::Denominate => "denominated",
            Stage::Impute => "imputed",
            Stage::Screen => "screened",
            Stage::Treat => "treated",
            Stage::Normalise => "normalised",
            Stage::Aggregate => "aggregated",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Stage::Denominate => "denominate",
            Stage::Impute => "impute",
            Stage::Screen => "screen",
            Stage::Treat => "treat",
            Stage::Normalise => "normalise",
            Stage::Aggregate => "aggregate",
        }
    }
}

/// `[denominate]`: divide each indicator that has an iMeta `Denominator` by
/// `denominator / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenominateSpec {
    #[serde(default = "one")]
    pub scale: f64,
}

/// `[impute]`: fill missing values. Non-missing values never change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImputeSpec {
    pub method: ImputeMethod,
    /// The iData group column for the `*_by_group` methods.
    #[serde(default)]
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeMethod {
    /// The indicator's mean over all units.
    Mean,
    /// The indicator's median over all units.
    Median,
    /// The indicator's mean within the unit's group.
    MeanByGroup,
    /// The indicator's median within the unit's group.
    MedianByGroup,
    /// The unit's mean over the other indicators of the same aggregation
    /// group, each min-max scaled to [0, 1], scaled back to the indicator.
    RowMean,
}

/// `[impute_panel]`: fill a unit's missing value in one year from its other
/// years (COINr's `impute_panel`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelImputeSpec {
    pub method: PanelImputeMethod,
    /// `latest`: look back at most this many years (default: all).
    #[serde(default)]
    pub max_time: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelImputeMethod {
    /// The latest earlier value (last observation carried forward); never
    /// backwards.
    Latest,
    /// The previous value; before the first observation, the first one
    /// (R's `approx(method = "constant", rule = 2)`).
    Constant,
    /// Linear interpolation between the neighbouring years; outside the
    /// observed years, the nearest value. A series with one value stays as it is.
    Linear,
    /// `linear`, and `constant` for a series with one value.
    LinearConstant,
}

/// `[screen]`: drop units with too little data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenSpec {
    /// Units whose share of non-missing indicators is below are dropped.
    #[serde(default = "two_thirds")]
    pub min_availability: f64,
    /// If set, units whose share of non-zero (and non-missing) indicators is
    /// below are dropped too.
    #[serde(default)]
    pub min_nonzero: Option<f64>,
    /// Units kept whatever their data.
    #[serde(default)]
    pub force_include: Vec<String>,
    /// Units dropped whatever their data.
    #[serde(default)]
    pub force_exclude: Vec<String>,
}

/// `[treat]`: COINr's outlier treatment (winsorise, then log if needed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatSpec {
    #[serde(default = "five")]
    pub winmax: usize,
    #[serde(default = "two")]
    pub skew: f64,
    #[serde(default = "three_and_a_half")]
    pub kurtosis: f64,
    #[serde(default)]
    pub fallback: Fallback,
    /// Indicators left untreated.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// What to do with an indicator that winsorising did not bring into bounds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// `ln(x − min + 0.01 (max − min))` on the original column (COINr's `log_CT`).
    #[default]
    LogCt,
    /// `ln(x − min + 1)` (COINr's `log_CT_orig`).
    LogCtOrig,
    /// Keep the winsorised column.
    None,
}

/// `[normalise]`: bring every indicator to a common scale, directions applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormaliseSpec {
    pub method: NormaliseMethod,
    /// Output range `[l, u]`: min-max's own; for the others a linear map of
    /// their natural output (see [`NormaliseMethod`]).
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// z-score: `[m, s]`, the mean and standard deviation of the result.
    #[serde(default)]
    pub mean_sd: Option<[f64; 2]>,
    /// scaled: `[l, u]` in `(x − l)/(u − l)·factor`.
    #[serde(default)]
    pub bounds: Option<[f64; 2]>,
    /// scaled: the factor (default 100); goalposts: the scale (default 1).
    #[serde(default)]
    pub factor: Option<f64>,
    /// dist2ref: the reference unit's code.
    #[serde(default)]
    pub reference: Option<String>,
    /// dist2ref, dist2targ: cap the result at 1 (default false).
    #[serde(default)]
    pub cap: Option<bool>,
    /// goalposts: `[L, U]` for every indicator (else from iMeta columns
    /// `GoalpostLower` and `GoalpostUpper`).
    #[serde(default)]
    pub posts: Option<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormaliseMethod {
    Minmax,
    Zscore,
    Scaled,
    Dist2max,
    Dist2ref,
    Dist2targ,
    Fracmax,
    Prank,
    Rank,
    Borda,
    Goalposts,
}

/// `[aggregate]`: combine each group's children into the parent, level by level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    pub method: AggregateMethod,
    /// The exponent of the generalised mean.
    #[serde(default)]
    pub p: Option<f64>,
    /// A unit's aggregate is missing when the share of its children with a
    /// value is below this.
    #[serde(default)]
    pub min_availability: f64,
    /// A different method for some aggregates, by code.
    #[serde(default)]
    pub by_group: BTreeMap<String, GroupMethod>,
}

/// A method for one aggregate: `Physical = "geometric"` or
/// `Physical = { method = "generalised", p = 2 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GroupMethod {
    Name(AggregateMethod),
    Table {
        method: AggregateMethod,
        #[serde(default)]
        p: Option<f64>,
    },
}

impl GroupMethod {
    pub fn method(&self) -> AggregateMethod {
        match self {
            GroupMethod::Name(m) => *m,
            GroupMethod::Table { method, .. } => *method,
        }
    }

    pub fn p(&self) -> Option<f64> {
        match self {
            GroupMethod::Name(_) => None,
            GroupMethod::Table { p, .. } => *p,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateMethod {
    Arithmetic,
    Geometric,
    Harmonic,
    Generalised,
    Median,
    Copeland,
    MazziottaPareto,
}

fn one() -> f64 {
    1.0
}
fn two() -> f64 {
    2.0
}
fn two_thirds() -> f64 {
    2.0 / 3.0
}
fn three_and_a_half() -> f64 {
    3.5
}
fn five() -> usize {
    5
}
