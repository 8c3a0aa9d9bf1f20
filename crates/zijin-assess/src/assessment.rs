//! What an assessment says: the numbers of each reading, the statuses, the
//! light and the diagnostics. The serialized names are the JSON contract.

use chrono::NaiveDate;
use serde::Serialize;
use zijin_domain::{
    Direction, IndicatorCode, Kind, Period, Qualifier, RegionCode, SourceQuality, Thresholds,
};

/// The assessment of one indicator in one region at one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub indicator: IndicatorCode,
    pub region: RegionCode,
    /// The assessment date: observations of periods ending later are not read.
    pub as_of: NaiveDate,
    pub kind: Kind,
    pub unit: String,
    pub direction: Direction,
    /// The observation the readings use (for a cumulative indicator, the last flow counted).
    pub latest: Option<LatestValue>,
    pub baseline: Option<BaselineUsed>,
    pub target: Option<TargetUsed>,
    /// Whose target this is: the plan's, the region's own, or implied from the city's required growth.
    pub target_basis: Option<TargetBasis>,
    /// Reading 1: the share of the plan period elapsed at the latest observation, in [0, 1].
    pub elapsed_share: Option<f64>,
    /// Reading 1: the share of the target achieved.
    pub completion: Option<f64>,
    /// Reading 1: `100 × (completion − elapsed_share)`, in percentage points.
    pub gap_points: Option<f64>,
    /// For a cumulative indicator: the total of the flows counted.
    pub cumulative_total: Option<f64>,
    /// The observed compound yearly growth from the baseline (0.3 = 30% a year).
    pub observed_growth_rate: Option<f64>,
    /// The compound yearly growth the target requires from the baseline.
    pub required_growth_rate: Option<f64>,
    /// Reading 2: observed growth over required growth.
    pub growth_ratio: Option<f64>,
    /// Reading 3: the value projected for the target year at the observed growth.
    pub projected_value: Option<f64>,
    /// Reading 3: the share of the target the projection reaches.
    pub projection_ratio: Option<f64>,
    /// Reading 3: the probability of meeting the target (log-linear fit, Student's t).
    pub probability: Option<f64>,
    /// How many points (baseline and observations) the probability was fitted on.
    pub points_used: usize,
    pub time_status: Option<TimeStatus>,
    pub growth_status: Option<GrowthStatus>,
    pub projection_status: Option<ProjectionStatus>,
    pub light: Option<Light>,
    /// The thresholds the statuses were decided with (the plan's settings).
    pub thresholds: Thresholds,
    pub diagnostics: Vec<Diagnostic>,
}

impl Assessment {
    /// Whether a diagnostic with this code was raised.
    pub fn has(&self, code: DiagnosticCode) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == code)
    }
}

/// The observation a reading used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatestValue {
    pub period: Period,
    pub value: f64,
    pub qualifier: Qualifier,
    pub source: String,
    pub source_quality: SourceQuality,
}

/// The baseline a reading used, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BaselineUsed {
    pub year: i32,
    pub value: f64,
    pub source: BaselineSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineSource {
    /// Printed in the plan.
    Plan,
    /// The region's own base-year observation.
    Observation,
}

/// The target a reading used. For a growth indicator `value` is the yearly
/// growth rate in percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetUsed {
    pub year: i32,
    pub value: f64,
    /// The other end of a range target, harder to reach.
    pub stretch: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetBasis {
    /// The plan's target for its own region.
    Plan,
    /// A target the plan sets for this region (指标分解).
    Region,
    /// No target of its own: the region's baseline grown at the city's required rate.
    Implied,
}

/// Reading 1: time-elapsed progress (序时进度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeStatus {
    SeriouslyLagging,
    Lagging,
    OnSchedule,
    Ahead,
    Achieved,
}

/// Reading 2: the growth ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthStatus {
    Deterioration,
    Limited,
    Moderate,
    OnTrack,
    Achieved,
}

/// Reading 3: the projection to the target year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionStatus {
    Unlikely,
    Partly,
    Likely,
}

/// The warning light (红黄绿灯), from the time reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Red,
    Yellow,
    Green,
}

// The orders above run from worst to best, so `a <= b` reads "a is no better than b".

impl TimeStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            TimeStatus::Achieved => "已实现",
            TimeStatus::Ahead => "快于预期",
            TimeStatus::OnSchedule => "基本符合预期",
            TimeStatus::Lagging => "滞后",
            TimeStatus::SeriouslyLagging => "严重滞后",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            TimeStatus::Achieved => "achieved",
            TimeStatus::Ahead => "ahead",
            TimeStatus::OnSchedule => "on schedule",
            TimeStatus::Lagging => "lagging",
            TimeStatus::SeriouslyLagging => "seriously lagging",
        }
    }

    /// Green for achieved, ahead and on schedule; yellow for lagging; red for seriously lagging.
    pub fn light(self) -> Light {
        match self {
            TimeStatus::Achieved | TimeStatus::Ahead | TimeStatus::OnSchedule => Light::Green,
            TimeStatus::Lagging => Light::Yellow,
            TimeStatus::SeriouslyLagging => Light::Red,
        }
    }
}

impl GrowthStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            GrowthStatus::Achieved => "已实现",
            GrowthStatus::OnTrack => "进展良好",
            GrowthStatus::Moderate => "需加快",
            GrowthStatus::Limited => "进展有限",
            GrowthStatus::Deterioration => "倒退",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            GrowthStatus::Achieved => "achieved",
            GrowthStatus::OnTrack => "on track",
            GrowthStatus::Moderate => "moderate progress",
            GrowthStatus::Limited => "limited progress",
            GrowthStatus::Deterioration => "deterioration",
        }
    }
}

impl ProjectionStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            ProjectionStatus::Likely => "预计可实现",
            ProjectionStatus::Partly => "预计部分实现",
            ProjectionStatus::Unlikely => "预计难以实现",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ProjectionStatus::Likely => "likely met",
            ProjectionStatus::Partly => "partly met",
            ProjectionStatus::Unlikely => "unlikely",
        }
    }
}

impl Light {
    pub fn name_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
}

/// Why a number is absent, qualified or read in a particular way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    /// In Chinese.
    pub message: String,
    pub message_en: String,
}

/// The stable codes of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticCode {
    /// No observation up to the assessment date.
    NoObservation,
    /// Observations after the plan's target year are outside the plan and not read.
    AfterTargetYear,
    /// No observation for the last period whose figures were due.
    StaleObservation,
    /// No baseline: completion is read as `y / yT`, and no growth can be computed from it.
    NoBaseline,
    /// The plan's baseline and the base-year observation differ; the plan's is used.
    BaselineDiffers,
    /// The region has no target of its own: one is implied from the city's required growth.
    ImpliedTarget,
    /// No target can be set for this region, so nothing is read.
    NoRegionTarget,
    /// A partial-year value of a yearly flow is kept but not read as a yearly value.
    PartialYearNotRead,
    /// A year-to-date value of a rate is read as an estimate of the year's.
    PartialYearEstimate,
    /// A cumulative total includes the year-to-date flow of the latest year.
    YearToDateIncluded,
    /// A cumulative total lacks the flow of some years.
    MissingYears,
    /// The value was published as "more than": used as given.
    QualifierMoreThan,
    /// The value was published as "about": used as given.
    QualifierAbout,
    /// Baseline and latest value have opposite signs: no growth ratio.
    SignChange,
    /// A zero baseline or target was replaced by 0.001 to compute growth.
    ZeroReplaced,
    /// The latest observation is at the baseline: no time has passed to measure growth.
    NoElapsedTime,
    /// The target equals the baseline: completion is undefined.
    TargetEqualsBaseline,
    /// Fewer than three points: no probability.
    TooFewPoints,
    /// A value is zero or negative: no log-linear fit, no probability.
    NonPositiveValues,
    /// The points lie exactly on a curve: the probability is 0 or 1.
    PerfectFit,
    /// The probability is defined for level indicators only.
    ProbabilityNotApplicable,
    /// The growth ratio is not defined for cumulative indicators.
    GrowthRatioNotApplicable,
    /// No baseline: the projection starts from the earliest observation.
    ProjectionFromFirstObservation,
    /// The stretch end of a range target is reached too.
    StretchReached,
}
