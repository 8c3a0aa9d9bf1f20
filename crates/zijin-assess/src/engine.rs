//! The readings, one indicator in one region at a time.

use chrono::{Datelike, Months, NaiveDate};
use zijin_domain::{
    Indicator, Kind, Measure, Observation, Period, Plan, Qualifier, RegionCode, Target, Thresholds,
};

use crate::Subject;
use crate::assessment::{
    Assessment, BaselineSource, BaselineUsed, Diagnostic, DiagnosticCode, GrowthStatus,
    LatestValue, ProjectionStatus, TargetBasis, TargetUsed, TimeStatus,
};
use crate::statistics::{cagr, log_linear_fit, probability_of_reaching};
use crate::trajectory::{Trajectory, TrajectoryPoint};

/// Assesses one indicator in one region at `as_of`: the three readings, the
/// statuses, the light and the diagnostics.
pub fn assess(subject: &Subject<'_>, as_of: NaiveDate) -> Assessment {
    let observations = subject.observations.iter().collect();
    assess_observations(
        subject.plan,
        subject.indicator,
        subject.region,
        observations,
        as_of,
    )
}

/// [`assess`] over borrowed observations, so that a whole plan is assessed
/// without copying them.
pub(crate) fn assess_observations<'a>(
    plan: &'a Plan,
    indicator: &'a Indicator,
    region: &RegionCode,
    observations: Vec<&'a Observation>,
    as_of: NaiveDate,
) -> Assessment {
    let mut reader = Reader::new(plan, indicator, region, observations, as_of);
    reader.read();
    reader.assessment
}

/// [`assess`], and what a trajectory chart of the subject draws.
pub fn trajectory(subject: &Subject<'_>, as_of: NaiveDate) -> Trajectory {
    let observations = subject.observations.iter().collect();
    let mut reader = Reader::new(
        subject.plan,
        subject.indicator,
        subject.region,
        observations,
        as_of,
    );
    reader.read();
    let cumulative = subject.indicator.kind == Kind::Cumulative;
    let mut running = 0.0;
    let points = reader
        .plotted
        .iter()
        .map(|observation| {
            running += observation.value;
            TrajectoryPoint {
                period: observation.period,
                time: observation.period.time(),
                value: if cumulative {
                    running
                } else {
                    observation.value
                },
                qualifier: observation.qualifier,
                source_quality: observation.source_quality,
            }
        })
        .collect();
    crate::trajectory::build(
        reader.assessment,
        points,
        &reader.fit_points,
        subject.plan.base_year,
        subject.plan.target_year,
    )
}

struct Reader<'a> {
    plan: &'a Plan,
    indicator: &'a Indicator,
    is_plan_region: bool,
    /// Every observation of the subject, sorted by period.
    all: Vec<&'a Observation>,
    /// The observations of periods that end by the assessment date, sorted by period.
    visible: Vec<&'a Observation>,
    /// `d`: +1 when higher is better, −1 when lower is better.
    direction: f64,
    thresholds: Thresholds,
    assessment: Assessment,
    /// The observations a trajectory chart plots (the readable ones; for a
    /// cumulative target, the flows counted in the total).
    plotted: Vec<&'a Observation>,
    /// The points of the log-linear fit of reading 3, when one was attempted.
    fit_points: Vec<(f64, f64)>,
}

impl<'a> Reader<'a> {
    fn new(
        plan: &'a Plan,
        indicator: &'a Indicator,
        region: &RegionCode,
        mut all: Vec<&'a Observation>,
        as_of: NaiveDate,
    ) -> Self {
        all.sort_by_key(|observation| observation.period);
        let visible = all
            .iter()
            .copied()
            .filter(|observation| observation.period.end_date() <= as_of)
            .filter(|observation| observation.period.year() <= plan.target_year)
            .collect();
        Reader {
            plan,
            indicator,
            is_plan_region: region == &plan.region,
            all,
            visible,
            direction: indicator.direction.sign(),
            thresholds: plan.thresholds,
            assessment: Assessment {
                indicator: indicator.code.clone(),
                region: region.clone(),
                as_of,
                kind: indicator.kind,
                unit: indicator.unit.clone(),
                direction: indicator.direction,
                latest: None,
                baseline: None,
                target: None,
                target_basis: None,
                elapsed_share: None,
                completion: None,
                gap_points: None,
                cumulative_total: None,
                observed_growth_rate: None,
                required_growth_rate: None,
                growth_ratio: None,
                projected_value: None,
                projection_ratio: None,
                probability: None,
                points_used: 0,
                time_status: None,
                growth_status: None,
                projection_status: None,
                light: None,
                thresholds: plan.thresholds,
                diagnostics: Vec::new(),
            },
            plotted: Vec::new(),
            fit_points: Vec::new(),
        }
    }

    fn note_after_target_year(&mut self, count: usize) {
        if count > 0 {
            let year = self.plan.target_year;
            self.note(
                DiagnosticCode::AfterTargetYear,
                format!("有 {count} 个 {year} 年以后的观测值不在规划期内，未使用"),
                format!("{count} observation(s) after the plan's target year {year} are outside the plan and not read"),
            );
        }
    }

    fn note(&mut self, code: DiagnosticCode, message: String, message_en: String) {
        if !self.assessment.has(code) {
            self.assessment.diagnostics.push(Diagnostic {
                code,
                message,
                message_en,
            });
        }
    }

    fn read(&mut self) {
        let target_year = self.plan.target_year;
        let after_target_year = self
            .all
            .iter()
            .filter(|observation| observation.period.year() > target_year)
            .count();
        self.note_after_target_year(after_target_year);
        let (baseline, target) = self.baseline_and_target();
        self.assessment.baseline = baseline;
        self.assessment.target = target;
        if self.visible.is_empty() {
            let as_of = self.assessment.as_of;
            self.note(
                DiagnosticCode::NoObservation,
                format!("截至 {as_of} 没有观测数据"),
                format!("no observation up to {as_of}"),
            );
            return;
        }
        match self.indicator.kind {
            Kind::Cumulative => self.read_cumulative(target),
            Kind::Level => self.read_level(baseline, target),
            Kind::Growth => self.read_growth(baseline, target),
        }
        self.assessment.light = self.assessment.time_status.map(TimeStatus::light);
        self.check_stale();
    }

    /// The baseline and target for this region: the plan's for the plan's own
    /// region, the region's own where the plan decomposes the target, or one
    /// implied from the city's required growth.
    fn baseline_and_target(&mut self) -> (Option<BaselineUsed>, Option<TargetUsed>) {
        let indicator = self.indicator;
        let base_year = self.plan.base_year;
        let base_observation = self
            .all
            .iter()
            .rev()
            .find(|observation| observation.period == Period::Year(base_year))
            .map(|observation| BaselineUsed {
                year: base_year,
                value: observation.value,
                source: BaselineSource::Observation,
            });
        let from_plan = |baseline: zijin_domain::Baseline| BaselineUsed {
            year: baseline.year,
            value: baseline.value,
            source: BaselineSource::Plan,
        };
        let cumulative = indicator.kind == Kind::Cumulative;

        if self.is_plan_region {
            let baseline = indicator.baseline.map(from_plan);
            if let (Some(plan_value), Some(observed)) = (baseline, base_observation)
                && !close(plan_value.value, observed.value)
            {
                self.note(
                    DiagnosticCode::BaselineDiffers,
                    format!(
                        "规划基期值 {} 与 {base_year} 年观测值 {} 不一致，采用规划基期值",
                        number(plan_value.value),
                        number(observed.value)
                    ),
                    format!(
                        "the plan's baseline {} differs from the {base_year} observation {}; the plan's is used",
                        number(plan_value.value),
                        number(observed.value)
                    ),
                );
            }
            self.assessment.target_basis = indicator.target.map(|_| TargetBasis::Plan);
            return (baseline, indicator.target.map(target_used));
        }

        if let Some(region_target) = indicator.region_target(&self.assessment.region) {
            let baseline = if cumulative {
                None
            } else {
                region_target.baseline.map(from_plan).or(base_observation)
            };
            self.assessment.target_basis = Some(TargetBasis::Region);
            return (baseline, Some(target_used(region_target.target)));
        }

        let Some(city_target) = indicator.target else {
            return (base_observation, None);
        };
        match indicator.kind {
            Kind::Cumulative => {
                self.note(
                    DiagnosticCode::NoRegionTarget,
                    "规划未将该累计目标分解到本地区，无法评估进度".to_owned(),
                    "the plan does not decompose this cumulative target to the region: progress cannot be read"
                        .to_owned(),
                );
                (None, None)
            }
            Kind::Growth => {
                self.assessment.target_basis = Some(TargetBasis::Implied);
                self.note(
                    DiagnosticCode::ImpliedTarget,
                    format!("本地区无分解目标，采用全市目标年均增速 {}%", number(city_target.value)),
                    format!(
                        "the region has no target of its own: the city's target of {}% a year applies",
                        number(city_target.value)
                    ),
                );
                (base_observation, Some(target_used(city_target)))
            }
            Kind::Level => {
                let Some(regional) = base_observation else {
                    self.note(
                        DiagnosticCode::NoRegionTarget,
                        format!("本地区无分解目标，且无 {base_year} 年基期值，无法按全市要求增速推算目标"),
                        format!(
                            "the region has no target of its own and no {base_year} value to imply one from the city's required growth"
                        ),
                    );
                    return (None, None);
                };
                let Some(city_baseline) =
                    indicator.baseline.filter(|baseline| baseline.value != 0.0)
                else {
                    self.note(
                        DiagnosticCode::NoRegionTarget,
                        "本地区无分解目标，且全市无基期值，无法推算目标".to_owned(),
                        "the region has no target of its own and the city has no baseline to imply one from"
                            .to_owned(),
                    );
                    return (Some(regional), None);
                };
                let factor = city_target.value / city_baseline.value;
                let implied = TargetUsed {
                    year: city_target.year,
                    value: regional.value * factor,
                    stretch: city_target
                        .stretch
                        .map(|stretch| regional.value * stretch / city_baseline.value),
                };
                let yearly = cagr(
                    city_baseline.value,
                    city_target.value,
                    f64::from(city_target.year - city_baseline.year),
                );
                let rate = yearly.map_or_else(
                    || "—".to_owned(),
                    |rate| format!("{}%", tenths(rate * 100.0)),
                );
                self.note(
                    DiagnosticCode::ImpliedTarget,
                    format!(
                        "本地区无分解目标：按全市要求的年均增速 {rate}（{} → {}），由本地区 {base_year} 年值 {} 推算 {} 年目标 {}",
                        number(city_baseline.value),
                        number(city_target.value),
                        number(regional.value),
                        implied.year,
                        number(implied.value)
                    ),
                    format!(
                        "the region has no target of its own: its {base_year} value {} grown at the city's required {rate} a year ({} → {}) gives {} in {}",
                        number(regional.value),
                        number(city_baseline.value),
                        number(city_target.value),
                        number(implied.value),
                        implied.year
                    ),
                );
                self.assessment.target_basis = Some(TargetBasis::Implied);
                (Some(regional), Some(implied))
            }
        }
    }

    /// The observations a level or growth reading may use. A partial-year
    /// value of a yearly flow is not a yearly value; a year-to-date rate is an
    /// estimate of the year's.
    fn readable(&mut self) -> Vec<&'a Observation> {
        match self.indicator.measure {
            Measure::Flow => {
                let full: Vec<&Observation> = self
                    .visible
                    .iter()
                    .copied()
                    .filter(|observation| observation.period.is_full_year())
                    .collect();
                let last_full = full.last().map(|observation| observation.period);
                let later_partial = self
                    .visible
                    .iter()
                    .copied()
                    .filter(|observation| !observation.period.is_full_year())
                    .rfind(|observation| last_full.is_none_or(|last| observation.period > last));
                if let Some(partial) = later_partial {
                    let unit = &self.indicator.unit;
                    self.note(
                        DiagnosticCode::PartialYearNotRead,
                        format!(
                            "{} 的 {}{unit} 为年内（{}–{} 月）累计值，保留但不作为全年值使用",
                            partial.period,
                            number(partial.value),
                            partial.period.first_month(),
                            partial.period.last_month()
                        ),
                        format!(
                            "{} {unit} for {} covers months {}–{} only: kept, but not read as a yearly value",
                            number(partial.value),
                            partial.period,
                            partial.period.first_month(),
                            partial.period.last_month()
                        ),
                    );
                }
                full
            }
            Measure::Stock | Measure::Rate => {
                let readable = self.visible.clone();
                if self.indicator.measure == Measure::Rate
                    && let Some(last) = readable.last()
                    && !last.period.is_full_year()
                {
                    self.note(
                        DiagnosticCode::PartialYearEstimate,
                        format!("最新值为 {} 的年内数，作为全年值的估计", last.period),
                        format!("the latest value covers {} only and is read as an estimate of the year's", last.period),
                    );
                }
                readable
            }
        }
    }

    fn set_latest(&mut self, observation: &Observation) {
        self.assessment.latest = Some(LatestValue {
            period: observation.period,
            value: observation.value,
            qualifier: observation.qualifier,
            source: observation.source.clone(),
            source_quality: observation.source_quality,
        });
        self.note_qualifier(observation);
    }

    fn note_qualifier(&mut self, observation: &Observation) {
        let value = number(observation.value);
        let period = observation.period;
        match observation.qualifier {
            Qualifier::Exact => {}
            Qualifier::MoreThan => self.note(
                DiagnosticCode::QualifierMoreThan,
                format!("{period} 的数值发布为“超过 {value}”，按 {value} 计算，实际进度可能更好"),
                format!("{period} was published as \"more than {value}\" and is used as {value}: progress may be understated"),
            ),
            Qualifier::About => self.note(
                DiagnosticCode::QualifierAbout,
                format!("{period} 的数值发布为“约 {value}”，按 {value} 计算"),
                format!("{period} was published as \"about {value}\" and is used as {value}"),
            ),
        }
    }

    fn read_level(&mut self, baseline: Option<BaselineUsed>, target: Option<TargetUsed>) {
        let readable = self.readable();
        self.plotted.clone_from(&readable);
        let Some(&latest) = readable.last() else {
            self.no_readable_observation();
            return;
        };
        self.set_latest(latest);
        let Some(target) = target else { return };
        let (y, t) = (latest.value, latest.period.time());
        let target_time = f64::from(target.year);
        let target_value = target.value;
        let base_time = baseline.map_or(f64::from(self.plan.base_year), |baseline| {
            f64::from(baseline.year)
        });
        let d = self.direction;

        let elapsed = ((t - base_time) / (target_time - base_time)).clamp(0.0, 1.0);
        self.assessment.elapsed_share = Some(elapsed);
        let achieved = d * (y - target_value) >= 0.0;
        let completion = match baseline {
            Some(baseline) if close(target_value, baseline.value) => {
                self.target_equals_baseline();
                None
            }
            Some(baseline) => Some((y - baseline.value) / (target_value - baseline.value)),
            None => {
                self.note(
                    DiagnosticCode::NoBaseline,
                    "无基期值：完成度按 最新值与目标值之比 计算，不计算增长比".to_owned(),
                    "no baseline: completion is read as the ratio of the latest value to the target (target / latest when lower is better), and there is no growth ratio".to_owned(),
                );
                // Without a baseline, completion is how close the value is to
                // the target: y / yT when higher is better, yT / y when lower is.
                if d > 0.0 {
                    (target_value != 0.0).then(|| y / target_value)
                } else {
                    (y != 0.0).then(|| target_value / y)
                }
            }
        };
        self.set_time_reading(completion, elapsed, achieved);
        if t <= base_time && !achieved {
            // A reading at the baseline says nothing about progress: no
            // status and no light rather than a green "on schedule".
            self.assessment.time_status = None;
            self.note(
                DiagnosticCode::NoElapsedTime,
                "最新值即基期值，尚无可评估的进展".to_owned(),
                "the latest value is the baseline: there is no progress to read yet".to_owned(),
            );
        }
        self.note_stretch(y, target);

        // Reading 2: the growth ratio, against the baseline.
        let mut observed_growth = None;
        if let Some(baseline) = baseline {
            let years = t - base_time;
            if years <= 0.0 {
                self.note(
                    DiagnosticCode::NoElapsedTime,
                    "最新值即基期值，尚无可计算增长的时间".to_owned(),
                    "the latest value is the baseline: no time has passed to measure growth"
                        .to_owned(),
                );
            } else {
                let base_value = self.replace_zero(baseline.value);
                let target_for_growth = self.replace_zero(target_value);
                observed_growth = cagr(base_value, y, years);
                let required = cagr(base_value, target_for_growth, target_time - base_time);
                if observed_growth.is_none() {
                    self.sign_change(base_value, y);
                }
                self.assessment.observed_growth_rate = observed_growth;
                self.assessment.required_growth_rate = required;
                let sign = if base_value < 0.0 { -1.0 } else { 1.0 };
                let ratio = match (observed_growth, required) {
                    (Some(observed), Some(required)) if required != 0.0 => {
                        Some(sign * d * observed / required.abs())
                    }
                    _ => None,
                };
                self.assessment.growth_ratio = ratio;
                self.assessment.growth_status = if achieved {
                    Some(GrowthStatus::Achieved)
                } else {
                    ratio.map(|ratio| self.growth_band(ratio))
                };
            }
        }
        if achieved && self.assessment.growth_status.is_none() {
            self.assessment.growth_status = Some(GrowthStatus::Achieved);
        }

        // Reading 3: the straight projection.
        let remaining = (target_time - t).max(0.0);
        match baseline {
            Some(baseline) => {
                if let Some(growth) = observed_growth
                    && !close(target_value, baseline.value)
                {
                    let projected = y * (1.0 + growth).powf(remaining);
                    self.set_projection(
                        projected,
                        (projected - baseline.value) / (target_value - baseline.value),
                    );
                }
            }
            None => {
                if let Some(&first) = readable.first()
                    && first.period.time() < t
                    && let Some(growth) = cagr(first.value, y, t - first.period.time())
                    && target_value != 0.0
                {
                    let projected = y * (1.0 + growth).powf(remaining);
                    self.note(
                        DiagnosticCode::ProjectionFromFirstObservation,
                        format!(
                            "无基期值：按 {} 以来的年均增速 {}% 预测",
                            first.period,
                            tenths(growth * 100.0)
                        ),
                        format!(
                            "no baseline: projected at the growth since {}, {}% a year",
                            first.period,
                            tenths(growth * 100.0)
                        ),
                    );
                    self.set_projection(projected, projected / target_value);
                }
            }
        }

        self.read_probability(baseline, &readable, target_time, target_value);
    }

    fn read_growth(&mut self, baseline: Option<BaselineUsed>, target: Option<TargetUsed>) {
        let readable = self.readable();
        self.plotted.clone_from(&readable);
        let Some(&latest) = readable.last() else {
            self.no_readable_observation();
            return;
        };
        self.set_latest(latest);
        let Some(target) = target else { return };
        let Some(baseline) = baseline else {
            self.note(
                DiagnosticCode::NoBaseline,
                "无基期值，无法计算年均增速".to_owned(),
                "no baseline: the yearly growth cannot be computed".to_owned(),
            );
            return;
        };
        let (y, t) = (latest.value, latest.period.time());
        let base_time = f64::from(baseline.year);
        let target_time = f64::from(target.year);
        let required = target.value / 100.0;
        // A rate target holds in every year: the whole target is due at any time.
        self.assessment.elapsed_share = Some(1.0);
        self.assessment.required_growth_rate = Some(required);
        self.note_probability_not_applicable();
        if t - base_time <= 0.0 {
            self.note(
                DiagnosticCode::NoElapsedTime,
                "最新值即基期值，尚无可计算增长的时间".to_owned(),
                "the latest value is the baseline: no time has passed to measure growth".to_owned(),
            );
            return;
        }
        let Some(observed) = cagr(baseline.value, y, t - base_time) else {
            self.sign_change(baseline.value, y);
            return;
        };
        self.assessment.observed_growth_rate = Some(observed);
        if required == 0.0 {
            self.target_equals_baseline();
            return;
        }
        let ratio = observed / required;
        let achieved = t >= target_time && ratio >= 1.0;
        self.set_time_reading(Some(ratio), 1.0, achieved);
        self.assessment.growth_ratio = Some(ratio);
        self.assessment.growth_status = Some(if achieved {
            GrowthStatus::Achieved
        } else {
            self.growth_band(ratio)
        });
        if let Some(stretch) = target.stretch
            && observed * 100.0 >= stretch
        {
            self.stretch_reached(stretch);
        }
        let projected = y * (1.0 + observed).powf((target_time - t).max(0.0));
        let target_level = baseline.value * (1.0 + required).powf(target_time - base_time);
        if !close(target_level, baseline.value) {
            self.set_projection(
                projected,
                (projected - baseline.value) / (target_level - baseline.value),
            );
        }
    }

    fn read_cumulative(&mut self, target: Option<TargetUsed>) {
        let base_year = self.plan.base_year;
        let flows: Vec<&Observation> = self
            .visible
            .iter()
            .copied()
            .filter(|observation| observation.period.year() > base_year)
            .collect();
        let Some(last_year) = flows
            .iter()
            .map(|observation| observation.period.year())
            .max()
        else {
            self.note(
                DiagnosticCode::NoObservation,
                format!("{base_year} 年以后没有年度流量数据"),
                format!("no yearly flow after {base_year}"),
            );
            return;
        };
        let mut counted: Vec<&Observation> = Vec::new();
        let mut uncounted: Vec<&Observation> = Vec::new();
        let mut missing_years = Vec::new();
        for year in (base_year + 1)..=last_year {
            let of_year: Vec<&Observation> = flows
                .iter()
                .copied()
                .filter(|observation| observation.period.year() == year)
                .collect();
            let full_year = of_year
                .iter()
                .copied()
                .rfind(|observation| observation.period.is_full_year());
            let year_to_date = of_year
                .iter()
                .copied()
                .rfind(|observation| observation.period.is_year_to_date());
            match (full_year, year_to_date) {
                (Some(full), _) => counted.push(full),
                (None, Some(partial)) if year == last_year => {
                    counted.push(partial);
                    self.note(
                        DiagnosticCode::YearToDateIncluded,
                        format!(
                            "累计值含 {} 的年内数 {}（{}–{} 月）",
                            partial.period,
                            number(partial.value),
                            partial.period.first_month(),
                            partial.period.last_month()
                        ),
                        format!(
                            "the total includes {} for {} (months {}–{})",
                            number(partial.value),
                            partial.period,
                            partial.period.first_month(),
                            partial.period.last_month()
                        ),
                    );
                }
                (None, _) => {
                    missing_years.push(year);
                    uncounted.extend(of_year);
                }
            }
        }
        if let Some(partial) = uncounted.last() {
            self.note(
                DiagnosticCode::PartialYearNotRead,
                format!("{} 不是自年初起的累计数，未计入累计值", partial.period),
                format!(
                    "{} does not run from January and is not added to the total",
                    partial.period
                ),
            );
        }
        self.plotted.clone_from(&counted);
        let Some(&last) = counted.last() else {
            self.no_readable_observation();
            return;
        };
        if missing_years.iter().any(|year| *year < last.period.year()) {
            let years: Vec<String> = missing_years
                .iter()
                .filter(|year| **year < last.period.year())
                .map(ToString::to_string)
                .collect();
            self.note(
                DiagnosticCode::MissingYears,
                format!("缺少 {} 年的全年数，累计值偏低", years.join("、")),
                format!(
                    "no full-year flow for {}: the total is understated",
                    years.join(", ")
                ),
            );
        }
        self.set_latest(last);
        for flow in &counted {
            self.note_qualifier(flow);
        }
        self.note(
            DiagnosticCode::GrowthRatioNotApplicable,
            "累计型指标不计算增长比".to_owned(),
            "the growth ratio is not defined for a cumulative target".to_owned(),
        );
        self.note_probability_not_applicable();
        let total: f64 = counted.iter().map(|observation| observation.value).sum();
        self.assessment.cumulative_total = Some(total);
        let Some(target) = target else { return };
        let base_time = f64::from(base_year);
        let target_time = f64::from(target.year);
        let t = last.period.time();
        let elapsed = ((t - base_time) / (target_time - base_time)).clamp(0.0, 1.0);
        self.assessment.elapsed_share = Some(elapsed);
        let achieved = self.direction * (total - target.value) >= 0.0;
        let completion = (target.value != 0.0).then(|| total / target.value);
        self.set_time_reading(completion, elapsed, achieved);
        self.note_stretch(total, target);
        if t > base_time && target.value != 0.0 {
            let projected = total + total / (t - base_time) * (target_time - t).max(0.0);
            self.set_projection(projected, projected / target.value);
        }
    }

    /// Reading 3's probability: a log-linear fit over the baseline and the
    /// observations, and its prediction interval at the target year.
    fn read_probability(
        &mut self,
        baseline: Option<BaselineUsed>,
        readable: &[&Observation],
        target_time: f64,
        target_value: f64,
    ) {
        let mut points: Vec<(f64, f64)> = Vec::new();
        if let Some(baseline) = baseline {
            points.push((f64::from(baseline.year), baseline.value));
        }
        let baseline_time = baseline.map(|baseline| f64::from(baseline.year));
        for observation in readable {
            let time = observation.period.time();
            // One point per time: the baseline wins over a base-year
            // observation, and a later period over an earlier one ending at the same time.
            if baseline_time.is_some_and(|baseline_time| close(baseline_time, time)) {
                continue;
            }
            match points
                .iter_mut()
                .find(|(existing, _)| close(*existing, time))
            {
                Some(point) => point.1 = observation.value,
                None => points.push((time, observation.value)),
            }
        }
        self.assessment.points_used = points.len();
        self.fit_points.clone_from(&points);
        if points.len() < 3 {
            self.note(
                DiagnosticCode::TooFewPoints,
                format!("仅有 {} 个数据点（含基期值），至少需要 3 个才能估计达标概率", points.len()),
                format!(
                    "only {} point(s) including the baseline: at least 3 are needed for a probability",
                    points.len()
                ),
            );
            return;
        }
        if points.iter().any(|&(_, value)| value <= 0.0) || target_value <= 0.0 {
            self.note(
                DiagnosticCode::NonPositiveValues,
                "存在零或负值，无法做对数线性拟合，不估计概率".to_owned(),
                "a value is zero or negative: no log-linear fit, no probability".to_owned(),
            );
            return;
        }
        let Some(fit) = log_linear_fit(&points, target_time) else {
            return;
        };
        if fit.is_perfect() {
            self.note(
                DiagnosticCode::PerfectFit,
                "数据点完全落在拟合曲线上，概率为 0 或 1".to_owned(),
                "the points lie exactly on the fitted curve: the probability is 0 or 1".to_owned(),
            );
        }
        self.assessment.probability = probability_of_reaching(&fit, target_value, self.direction);
    }

    fn set_time_reading(&mut self, completion: Option<f64>, elapsed: f64, achieved: bool) {
        self.assessment.completion = completion;
        let gap = completion.map(|completion| 100.0 * (completion - elapsed));
        self.assessment.gap_points = gap;
        self.assessment.time_status = if achieved {
            Some(TimeStatus::Achieved)
        } else {
            gap.map(|gap| self.time_band(gap))
        };
    }

    fn set_projection(&mut self, projected: f64, ratio: f64) {
        if !projected.is_finite() || !ratio.is_finite() {
            return;
        }
        self.assessment.projected_value = Some(projected);
        self.assessment.projection_ratio = Some(ratio);
        self.assessment.projection_status = Some(self.projection_band(ratio));
    }

    fn time_band(&self, gap: f64) -> TimeStatus {
        let gap = snap(gap);
        let thresholds = &self.thresholds;
        if gap >= thresholds.ahead_gap {
            TimeStatus::Ahead
        } else if gap > thresholds.lagging_gap {
            TimeStatus::OnSchedule
        } else if gap > thresholds.seriously_lagging_gap {
            TimeStatus::Lagging
        } else {
            TimeStatus::SeriouslyLagging
        }
    }

    fn growth_band(&self, ratio: f64) -> GrowthStatus {
        let ratio = snap(ratio);
        if ratio >= self.thresholds.growth_on_track {
            GrowthStatus::OnTrack
        } else if ratio >= self.thresholds.growth_moderate {
            GrowthStatus::Moderate
        } else if ratio >= 0.0 {
            GrowthStatus::Limited
        } else {
            GrowthStatus::Deterioration
        }
    }

    fn projection_band(&self, ratio: f64) -> ProjectionStatus {
        let ratio = snap(ratio);
        if ratio >= self.thresholds.projection_likely {
            ProjectionStatus::Likely
        } else if ratio >= self.thresholds.projection_partly {
            ProjectionStatus::Partly
        } else {
            ProjectionStatus::Unlikely
        }
    }

    /// The method replaces zero base or target values by 0.001 to compute growth.
    fn replace_zero(&mut self, value: f64) -> f64 {
        if value != 0.0 {
            return value;
        }
        self.note(
            DiagnosticCode::ZeroReplaced,
            "基期值或目标值为 0，计算增速时以 0.001 代替".to_owned(),
            "a zero baseline or target is replaced by 0.001 to compute growth".to_owned(),
        );
        0.001
    }

    fn sign_change(&mut self, from: f64, to: f64) {
        self.note(
            DiagnosticCode::SignChange,
            format!(
                "基期值 {} 与最新值 {} 符号相反，不计算增速",
                number(from),
                number(to)
            ),
            format!(
                "the baseline {} and the latest value {} have opposite signs: no growth",
                number(from),
                number(to)
            ),
        );
    }

    fn target_equals_baseline(&mut self) {
        self.note(
            DiagnosticCode::TargetEqualsBaseline,
            "目标值等于基期值，无法计算完成度".to_owned(),
            "the target equals the baseline: completion is undefined".to_owned(),
        );
    }

    fn note_stretch(&mut self, value: f64, target: TargetUsed) {
        if let Some(stretch) = target.stretch
            && self.direction * (value - stretch) >= 0.0
        {
            self.stretch_reached(stretch);
        }
    }

    fn stretch_reached(&mut self, stretch: f64) {
        self.note(
            DiagnosticCode::StretchReached,
            format!("已达到目标区间的上限（挑战值）{}", number(stretch)),
            format!(
                "the stretch end of the target range, {}, is reached too",
                number(stretch)
            ),
        );
    }

    fn note_probability_not_applicable(&mut self) {
        self.note(
            DiagnosticCode::ProbabilityNotApplicable,
            "达标概率仅对水平值指标估计".to_owned(),
            "the probability is estimated for level indicators only".to_owned(),
        );
    }

    fn no_readable_observation(&mut self) {
        let as_of = self.assessment.as_of;
        self.note(
            DiagnosticCode::NoObservation,
            format!("截至 {as_of} 没有可用作全年值的观测数据"),
            format!("no observation up to {as_of} that can be read as a yearly value"),
        );
    }

    /// Flags data older than the last period whose figures were due: the last
    /// year whose end plus the reporting lag has passed by the assessment date.
    fn check_stale(&mut self) {
        let Some(latest) = &self.assessment.latest else {
            return;
        };
        let as_of = self.assessment.as_of;
        let lag = Months::new(self.thresholds.reporting_lag_months);
        let due = |year: i32| {
            Period::Year(year)
                .end_date()
                .checked_add_months(lag)
                .is_some_and(|date| date <= as_of)
        };
        let mut expected = as_of.year().min(self.plan.target_year);
        while expected > self.plan.base_year && !due(expected) {
            expected -= 1;
        }
        if expected <= self.plan.base_year {
            return;
        }
        if latest.period.end_date() < Period::Year(expected).end_date() {
            let period = latest.period;
            self.note(
                DiagnosticCode::StaleObservation,
                format!("最新数据为 {period}，按报送时限应已有 {expected} 年数据"),
                format!("the latest value is for {period}; the {expected} figure was due by the assessment date"),
            );
        }
    }
}

fn target_used(target: Target) -> TargetUsed {
    TargetUsed {
        year: target.year,
        value: target.value,
        stretch: target.stretch,
    }
}

/// Rounds away the last bits of floating-point noise before a value is
/// compared with a threshold, so that a gap of exactly −10 computed as
/// −9.999999999999998 falls on the side the method means.
fn snap(value: f64) -> f64 {
    (value * 1e9).round() / 1e9
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A number for a message with one decimal (25.2).
fn tenths(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded}.0")
    } else {
        rounded.to_string()
    }
}

/// A number for a message: at most four decimals, no trailing zeros.
fn number(value: f64) -> String {
    // Rounding first and printing the shortest representation is much faster
    // than exact formatting with a precision, and gives the same text.
    let rounded = (value * 1e4).round() / 1e4;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        rounded.to_string()
    }
}
