//! Plans, their indicators and targets.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{IndicatorCode, PlanCode, RegionCode};

/// A development plan: a period, the region it governs and its indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub code: PlanCode,
    pub name_zh: String,
    pub name_en: String,
    /// The region the plan's own targets are for (the city, `320100`).
    pub region: RegionCode,
    /// The year of the baselines (`t0`), 2020 for a 2021–2025 plan.
    pub base_year: i32,
    /// The year of the targets (`T`).
    pub target_year: i32,
    /// The document the plan comes from (title, number, URL).
    #[serde(default)]
    pub document: Option<String>,
    /// Status thresholds; settings of the plan, not constants of the code.
    #[serde(default)]
    pub thresholds: Thresholds,
    pub indicators: Vec<Indicator>,
}

/// One measured quantity of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: IndicatorCode,
    pub name_zh: String,
    pub name_en: String,
    /// The unit observations must be given in (`%`, `亿元`, `家`).
    pub unit: String,
    #[serde(default)]
    pub direction: Direction,
    pub kind: Kind,
    pub measure: Measure,
    #[serde(default)]
    pub binding: Binding,
    /// The department the plan makes responsible, where it names one.
    #[serde(default)]
    pub department: Option<String>,
    /// Where in the plan the indicator and its target come from
    /// (`三（四）规划目标；表1`).
    pub section: String,
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// `None` for an auxiliary series without a target (GDP).
    #[serde(default)]
    pub target: Option<Target>,
    /// Targets the plan sets for particular regions (指标分解).
    #[serde(default)]
    pub region_targets: Vec<RegionTarget>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether higher or lower values are better (`d` in the method: +1 or −1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

impl Direction {
    /// `d`: +1.0 when higher is better, −1.0 when lower is better.
    pub fn sign(self) -> f64 {
        match self {
            Direction::Higher => 1.0,
            Direction::Lower => -1.0,
        }
    }
}

/// How progress towards the target is read (assessment method, "Words").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A stock or a ratio at a point in time; the target is a value.
    Level,
    /// The target is a total of yearly flows over the plan period; observations are the flows.
    Cumulative,
    /// The target is an average yearly growth rate, in percent; observations are
    /// the levels of the underlying quantity.
    Growth,
}

/// What one observation measures over its period, which decides how a value for
/// part of a year is read and whether regions add up to the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A count or amount at a point in time (enterprises registered). A value
    /// at the end of a month is a reading at that date. Additive across regions.
    Stock,
    /// An amount accumulated over the year (contracts signed, R&D spending). A
    /// value for part of a year is not a yearly value. Additive across regions.
    Flow,
    /// A ratio or an intensity (% of GDP, per 10,000 people). A year-to-date
    /// value estimates the year's. Not additive.
    Rate,
}

impl Measure {
    /// Whether the values of sub-regions add up to the value of the whole.
    pub fn is_additive(self) -> bool {
        !matches!(self, Measure::Rate)
    }
}

/// Binding (约束性) or expected (预期性) targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    Binding,
    #[default]
    Expected,
}

/// The value in the plan's base year (`t0`, `y0`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub year: i32,
    pub value: f64,
}

/// The value a plan sets for its target year. For a range (`3–4`) `value` is
/// the less demanding end, which counts as the target, and `stretch` the other
/// end. For a `growth` indicator the value is a yearly growth rate in percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub year: i32,
    pub value: f64,
    #[serde(default)]
    pub stretch: Option<f64>,
}

impl Target {
    pub fn value(year: i32, value: f64) -> Self {
        Target {
            year,
            value,
            stretch: None,
        }
    }

    /// A range target: the end that is easier to reach in `direction` is the target.
    pub fn range(year: i32, one_end: f64, other_end: f64, direction: Direction) -> Self {
        let (low, high) = if one_end <= other_end {
            (one_end, other_end)
        } else {
            (other_end, one_end)
        };
        match direction {
            Direction::Higher => Target {
                year,
                value: low,
                stretch: Some(high),
            },
            Direction::Lower => Target {
                year,
                value: high,
                stretch: Some(low),
            },
        }
    }

    /// The target as a value or a range, for display.
    pub fn value_text(&self) -> TargetValue {
        match self.stretch {
            None => TargetValue::Exact(self.value),
            Some(stretch) => TargetValue::Range {
                low: self.value.min(stretch),
                high: self.value.max(stretch),
            },
        }
    }
}

/// A target value as printed in a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetValue {
    Exact(f64),
    Range { low: f64, high: f64 },
}

impl fmt::Display for TargetValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TargetValue::Exact(value) => write!(f, "{value}"),
            TargetValue::Range { low, high } => write!(f, "{low}–{high}"),
        }
    }
}

/// A target the plan sets for one region (指标分解).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionTarget {
    pub region: RegionCode,
    #[serde(default)]
    pub baseline: Option<Baseline>,
    pub target: Target,
}

/// The thresholds of the statuses, with the defaults of the assessment method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Time reading: `ahead` when the gap is at least this many points.
    pub ahead_gap: f64,
    /// Time reading: `lagging` when the gap is at most this (and above `seriously_lagging_gap`).
    pub lagging_gap: f64,
    /// Time reading: `seriously_lagging` when the gap is at most this.
    pub seriously_lagging_gap: f64,
    /// Growth ratio: `on_track` from this ratio.
    pub growth_on_track: f64,
    /// Growth ratio: `moderate` from this ratio (below `growth_on_track`).
    pub growth_moderate: f64,
    /// Projection: `likely` from this projection ratio.
    pub projection_likely: f64,
    /// Projection: `partly` from this projection ratio (below `projection_likely`).
    pub projection_partly: f64,
    /// Months after a year ends before its figures are due; an assessment made
    /// later than that without the year's figure flags the data as stale.
    pub reporting_lag_months: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            ahead_gap: 10.0,
            lagging_gap: -10.0,
            seriously_lagging_gap: -30.0,
            growth_on_track: 0.95,
            growth_moderate: 0.60,
            projection_likely: 0.95,
            projection_partly: 0.10,
            reporting_lag_months: 4,
        }
    }
}

/// A problem with a plan's content, naming the indicator and field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{field}: {message}", indicator.as_ref().map(|code| format!("indicator {code}, ")).unwrap_or_default())]
pub struct PlanError {
    pub indicator: Option<IndicatorCode>,
    pub field: String,
    pub message: String,
}

impl Plan {
    pub fn indicator(&self, code: &IndicatorCode) -> Option<&Indicator> {
        self.indicators
            .iter()
            .find(|indicator| &indicator.code == code)
    }

    /// Whether observations of `year` belong to the plan: from the base year to the target year.
    pub fn covers_year(&self, year: i32) -> bool {
        (self.base_year..=self.target_year).contains(&year)
    }

    /// Checks what the types cannot: consistent years, unique codes, sensible
    /// targets and thresholds. Every problem is returned, not just the first.
    pub fn validate(&self) -> Result<(), Vec<PlanError>> {
        let mut problems = Vec::new();
        let mut plan_problem = |field: &str, message: String| {
            problems.push(PlanError {
                indicator: None,
                field: field.to_owned(),
                message,
            })
        };
        if self.base_year >= self.target_year {
            plan_problem(
                "target_year",
                format!(
                    "must be after the base year {}, found {}",
                    self.base_year, self.target_year
                ),
            );
        }
        if self.name_zh.trim().is_empty() {
            plan_problem("name_zh", "must not be empty".to_owned());
        }
        self.thresholds.validate(&mut plan_problem);
        if self.indicators.is_empty() {
            plan_problem(
                "indicators",
                "a plan needs at least one indicator".to_owned(),
            );
        }

        let mut seen = HashSet::new();
        for indicator in &self.indicators {
            if !seen.insert(&indicator.code) {
                problems.push(PlanError {
                    indicator: Some(indicator.code.clone()),
                    field: "code".to_owned(),
                    message: "appears more than once in the plan".to_owned(),
                });
            }
            indicator.validate(self, &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl Thresholds {
    fn validate(&self, problem: &mut impl FnMut(&str, String)) {
        let all = [
            self.ahead_gap,
            self.lagging_gap,
            self.seriously_lagging_gap,
            self.growth_on_track,
            self.growth_moderate,
            self.projection_likely,
            self.projection_partly,
        ];
        if all.iter().any(|value| !value.is_finite()) {
            problem(
                "thresholds",
                "every threshold must be a finite number".to_owned(),
            );
        }
        if !(self.ahead_gap > self.lagging_gap && self.lagging_gap > self.seriously_lagging_gap) {
            problem(
                "thresholds",
                format!(
                    "gaps must satisfy ahead_gap > lagging_gap > seriously_lagging_gap, found {} > {} > {}",
                    self.ahead_gap, self.lagging_gap, self.seriously_lagging_gap
                ),
            );
        }
        if !(self.growth_on_track > self.growth_moderate && self.growth_moderate >= 0.0) {
            problem(
                "thresholds",
                format!(
                    "growth ratios must satisfy growth_on_track > growth_moderate >= 0, found {} and {}",
                    self.growth_on_track, self.growth_moderate
                ),
            );
        }
        if self.projection_likely <= self.projection_partly {
            problem(
                "thresholds",
                format!(
                    "projection ratios must satisfy projection_likely > projection_partly, found {} and {}",
                    self.projection_likely, self.projection_partly
                ),
            );
        }
    }
}

impl Indicator {
    /// An auxiliary series (GDP) has no target and is not assessed.
    pub fn is_auxiliary(&self) -> bool {
        self.target.is_none()
    }

    /// The target the plan sets for `region`, if it decomposes this indicator.
    pub fn region_target(&self, region: &RegionCode) -> Option<&RegionTarget> {
        self.region_targets
            .iter()
            .find(|target| &target.region == region)
    }

    fn validate(&self, plan: &Plan, problems: &mut Vec<PlanError>) {
        let mut problem = |field: &str, message: String| {
            problems.push(PlanError {
                indicator: Some(self.code.clone()),
                field: field.to_owned(),
                message,
            })
        };
        for (field, text) in [
            ("name_zh", &self.name_zh),
            ("unit", &self.unit),
            ("section", &self.section),
        ] {
            if text.trim().is_empty() {
                problem(field, "must not be empty".to_owned());
            }
        }
        let check_baseline =
            |baseline: &Baseline, field: &str, problem: &mut dyn FnMut(&str, String)| {
                if !baseline.value.is_finite() {
                    problem(
                        field,
                        format!("value must be a finite number, found {}", baseline.value),
                    );
                }
                if baseline.year >= plan.target_year {
                    problem(
                        field,
                        format!(
                            "year {} must be before the target year {}",
                            baseline.year, plan.target_year
                        ),
                    );
                }
            };
        let check_target = |target: &Target, field: &str, problem: &mut dyn FnMut(&str, String)| {
            if !target.value.is_finite()
                || target.stretch.is_some_and(|stretch| !stretch.is_finite())
            {
                problem(field, "values must be finite numbers".to_owned());
            }
            if target.year <= plan.base_year || target.year > plan.target_year {
                problem(
                    field,
                    format!(
                        "year {} must be after the base year {} and not after the target year {}",
                        target.year, plan.base_year, plan.target_year
                    ),
                );
            }
            if let Some(stretch) = target.stretch {
                let stretch_is_harder = self.direction.sign() * (stretch - target.value) > 0.0;
                if !stretch_is_harder {
                    problem(
                        field,
                        format!(
                            "the stretch {stretch} must be harder to reach than the target {} for direction {:?}",
                            target.value, self.direction
                        ),
                    );
                }
            }
        };
        if let Some(baseline) = &self.baseline {
            check_baseline(baseline, "baseline", &mut problem);
        }
        if let Some(target) = &self.target {
            check_target(target, "target", &mut problem);
        }
        match self.kind {
            Kind::Cumulative if self.baseline.is_some() => problem(
                "baseline",
                "a cumulative target counts flows after the base year; it takes no baseline"
                    .to_owned(),
            ),
            Kind::Cumulative if self.direction == Direction::Lower => problem(
                "direction",
                "a cumulative target is a total to reach; \"lower is better\" is not supported for it".to_owned(),
            ),
            Kind::Growth
                if self
                    .target
                    .is_some_and(|target| self.direction.sign() * target.value <= 0.0) =>
            {
                problem(
                    "target",
                    format!(
                        "a growth target must be a rise (a positive rate) when higher is better and a fall (a negative rate) when lower is better; found {}% with direction {:?}",
                        self.target.map_or(0.0, |target| target.value),
                        self.direction
                    ),
                )
            }
            Kind::Growth if self.baseline.is_none() && self.target.is_some() => problem(
                "baseline",
                "a growth target needs the base-year level to compute growth from".to_owned(),
            ),
            Kind::Level | Kind::Cumulative | Kind::Growth => {}
        }
        if self.target.is_none() && !self.region_targets.is_empty() {
            problem(
                "region_targets",
                "an auxiliary series without a target cannot have region targets".to_owned(),
            );
        }
        let mut seen_regions = HashSet::new();
        for region_target in &self.region_targets {
            let field = format!("region_targets.{}", region_target.region);
            if !seen_regions.insert(&region_target.region) {
                problem(&field, "appears more than once".to_owned());
            }
            if let Some(baseline) = &region_target.baseline {
                check_baseline(baseline, &field, &mut problem);
            }
            check_target(&region_target.target, &field, &mut problem);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(code: &str, kind: Kind) -> Indicator {
        Indicator {
            code: IndicatorCode::new(code).unwrap(),
            name_zh: "高新技术企业数".into(),
            name_en: "High-tech enterprises".into(),
            unit: "家".into(),
            direction: Direction::Higher,
            kind,
            measure: Measure::Stock,
            binding: Binding::Expected,
            department: None,
            section: "表1".into(),
            baseline: Some(Baseline {
                year: 2020,
                value: 6507.0,
            }),
            target: Some(Target::value(2025, 20000.0)),
            region_targets: vec![],
            note: None,
        }
    }

    fn plan(indicators: Vec<Indicator>) -> Plan {
        Plan {
            code: PlanCode::new("test").unwrap(),
            name_zh: "测试规划".into(),
            name_en: "Test plan".into(),
            region: RegionCode::new("320100").unwrap(),
            base_year: 2020,
            target_year: 2025,
            document: None,
            thresholds: Thresholds::default(),
            indicators,
        }
    }

    #[test]
    fn a_sound_plan_validates() {
        assert_eq!(
            plan(vec![indicator("high_tech_enterprises", Kind::Level)]).validate(),
            Ok(())
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let mut duplicate = indicator("a", Kind::Level);
        duplicate.target = Some(Target {
            year: 2030,
            value: 1.0,
            stretch: Some(0.5),
        });
        let mut cumulative = indicator("b", Kind::Cumulative);
        cumulative.unit = " ".into();
        let problems = plan(vec![indicator("a", Kind::Level), duplicate, cumulative])
            .validate()
            .unwrap_err();
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            texts.contains(&"indicator a, code: appears more than once in the plan".to_owned()),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("indicator a, target: year 2030")),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("indicator a, target: the stretch 0.5")),
            "{texts:#?}"
        );
        assert!(
            texts.contains(&"indicator b, unit: must not be empty".to_owned()),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("indicator b, baseline: a cumulative target")),
            "{texts:#?}"
        );
    }

    #[test]
    fn range_targets_take_the_easier_end() {
        let higher = Target::range(2025, 4.0, 3.0, Direction::Higher);
        assert_eq!((higher.value, higher.stretch), (3.0, Some(4.0)));
        let lower = Target::range(2025, 3.0, 4.0, Direction::Lower);
        assert_eq!((lower.value, lower.stretch), (4.0, Some(3.0)));
        assert_eq!(higher.value_text().to_string(), "3–4");
    }

    #[test]
    fn growth_targets_point_the_wanted_way() {
        let mut rising = indicator("rd_spending", Kind::Growth);
        rising.target = Some(Target::value(2025, 10.0));
        assert_eq!(plan(vec![rising.clone()]).validate(), Ok(()));
        let mut ceiling = rising.clone();
        ceiling.direction = Direction::Lower;
        let problems = plan(vec![ceiling]).validate().unwrap_err();
        assert_eq!(problems[0].field, "target", "{problems:?}");
        let mut falling = rising;
        falling.direction = Direction::Lower;
        falling.target = Some(Target::value(2025, -3.0));
        assert_eq!(plan(vec![falling]).validate(), Ok(()));
    }

    #[test]
    fn cumulative_targets_are_totals_to_reach() {
        let mut cumulative = indicator("talents", Kind::Cumulative);
        cumulative.baseline = None;
        cumulative.direction = Direction::Lower;
        let problems = plan(vec![cumulative]).validate().unwrap_err();
        assert_eq!(problems[0].field, "direction", "{problems:?}");
    }

    #[test]
    fn thresholds_must_be_ordered() {
        let mut bad = plan(vec![indicator("a", Kind::Level)]);
        bad.thresholds.lagging_gap = 20.0;
        let problems = bad.validate().unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "thresholds");
    }
}
