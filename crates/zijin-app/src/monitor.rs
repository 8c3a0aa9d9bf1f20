//! What the dashboard, the API and the bulletin show beside the assessments
//! themselves: counts by status, rankings of districts and parks, and the
//! reporting status (数据报送). Pure functions of an [`AssessmentReport`] or
//! of observations; [`Zijin`](crate::Zijin) wraps them where a store is read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use zijin_assess::{Assessment, Light, TimeStatus};
use zijin_domain::{
    IndicatorCode, Observation, Period, Plan, Region, RegionCode, RegionKind, SourceQuality,
};

use crate::AssessmentReport;

/// How many assessments have each status and light, as a mid-term review
/// counts them ("4 已实现, 5 快于预期, 7 基本符合预期, 4 滞后").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub achieved: usize,
    pub ahead: usize,
    pub on_schedule: usize,
    pub lagging: usize,
    pub seriously_lagging: usize,
    /// Assessments without a time status (no data, no target, …).
    pub not_assessed: usize,
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
}

impl StatusCounts {
    pub fn of<'a>(assessments: impl IntoIterator<Item = &'a Assessment>) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for assessment in assessments {
            match assessment.time_status {
                Some(TimeStatus::Achieved) => counts.achieved += 1,
                Some(TimeStatus::Ahead) => counts.ahead += 1,
                Some(TimeStatus::OnSchedule) => counts.on_schedule += 1,
                Some(TimeStatus::Lagging) => counts.lagging += 1,
                Some(TimeStatus::SeriouslyLagging) => counts.seriously_lagging += 1,
                None => counts.not_assessed += 1,
            }
            match assessment.light {
                Some(Light::Green) => counts.green += 1,
                Some(Light::Yellow) => counts.yellow += 1,
                Some(Light::Red) => counts.red += 1,
                None => {}
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.achieved
            + self.ahead
            + self.on_schedule
            + self.lagging
            + self.seriously_lagging
            + self.not_assessed
    }
}

/// Whether the value an assessment read is synthetic (generated demo data).
pub fn is_synthetic(assessment: &Assessment) -> bool {
    assessment
        .latest
        .as_ref()
        .is_some_and(|latest| latest.source_quality == SourceQuality::Synthetic)
}

/// Districts and parks ranked, per indicator and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rankings {
    pub as_of: NaiveDate,
    /// One group per kind of region that is ranked among its peers:
    /// districts, then parks.
    pub groups: Vec<RankingGroup>,
}

/// The rankings among the regions of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingGroup {
    pub kind: RegionKind,
    /// Every region of the kind, ranked by the median over indicators of the
    /// growth ratio and of the completion.
    pub overall: Vec<Standing>,
    /// Per indicator, the regions with a reading, ranked.
    pub indicators: Vec<IndicatorRanking>,
}

/// A region's standing among its peers across the plan's indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub region: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    /// Indicators with an assessment of this region.
    pub assessed: usize,
    /// The median growth ratio over the indicators that have one.
    pub median_growth_ratio: Option<f64>,
    /// The median completion over the indicators that have one.
    pub median_completion: Option<f64>,
    /// Rank by `median_growth_ratio` (1 best; ties share the lower rank);
    /// `None` without one.
    pub rank_by_growth_ratio: Option<usize>,
    pub rank_by_completion: Option<usize>,
    pub counts: StatusCounts,
    /// Whether any value read for this region is synthetic.
    pub synthetic: bool,
}

/// The regions of one kind ranked on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRanking {
    pub indicator: IndicatorCode,
    pub by_growth_ratio: Vec<Ranked>,
    pub by_completion: Vec<Ranked>,
}

/// One place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// 1 is best; tied values share the lower rank ("1, 2, 2, 4").
    pub rank: usize,
    pub region: RegionCode,
    pub value: f64,
    pub light: Option<Light>,
    pub synthetic: bool,
}

/// The kinds of region ranked among their peers, in display order.
pub const RANKED_KINDS: [RegionKind; 2] = [RegionKind::District, RegionKind::Park];

/// Ranks the districts and the parks of a report. Growth ratios and
/// completions are compared as they are: both already say how far a region
/// has come against what its target (or the city's required growth) asks, so
/// higher is better for every indicator, whatever its direction.
pub fn rankings(report: &AssessmentReport) -> Rankings {
    let groups = RANKED_KINDS
        .iter()
        .map(|&kind| {
            let members: Vec<&Region> = report
                .regions
                .iter()
                .filter(|region| region.kind == kind)
                .collect();
            let of_member = |assessment: &&Assessment| {
                members
                    .iter()
                    .any(|region| region.code == assessment.region)
            };
            let indicators = report
                .plan
                .indicators
                .iter()
                .filter(|indicator| !indicator.is_auxiliary())
                .filter_map(|indicator| {
                    let assessed: Vec<&Assessment> = report
                        .assessments
                        .iter()
                        .filter(of_member)
                        .filter(|assessment| assessment.indicator == indicator.code)
                        .collect();
                    let by_growth_ratio = rank_by(&assessed, |assessment| assessment.growth_ratio);
                    let by_completion = rank_by(&assessed, |assessment| assessment.completion);
                    (!by_growth_ratio.is_empty() || !by_completion.is_empty()).then(|| {
                        IndicatorRanking {
                            indicator: indicator.code.clone(),
                            by_growth_ratio,
                            by_completion,
                        }
                    })
                })
                .collect();
            let mut overall: Vec<Standing> = members
                .iter()
                .map(|region| {
                    let assessed: Vec<&Assessment> = report
                        .assessments
                        .iter()
                        .filter(|assessment| assessment.region == region.code)
                        .collect();
                    Standing {
                        region: region.code.clone(),
                        name_zh: region.name_zh.clone(),
                        name_en: region.name_en.clone(),
                        assessed: assessed.len(),
                        median_growth_ratio: median(
                            assessed
                                .iter()
                                .filter_map(|assessment| assessment.growth_ratio),
                        ),
                        median_completion: median(
                            assessed
                                .iter()
                                .filter_map(|assessment| assessment.completion),
                        ),
                        rank_by_growth_ratio: None,
                        rank_by_completion: None,
                        counts: StatusCounts::of(assessed.iter().copied()),
                        synthetic: assessed.iter().any(|assessment| is_synthetic(assessment)),
                    }
                })
                .collect();
            let growth: Vec<Option<f64>> = overall
                .iter()
                .map(|standing| standing.median_growth_ratio)
                .collect();
            let completion: Vec<Option<f64>> = overall
                .iter()
                .map(|standing| standing.median_completion)
                .collect();
            for (standing, (by_growth, by_completion)) in overall.iter_mut().zip(
                competition_ranks(&growth)
                    .into_iter()
                    .zip(competition_ranks(&completion)),
            ) {
                standing.rank_by_growth_ratio = by_growth;
                standing.rank_by_completion = by_completion;
            }
            overall.sort_by_key(|standing| {
                (
                    standing.rank_by_growth_ratio.unwrap_or(usize::MAX),
                    standing.rank_by_completion.unwrap_or(usize::MAX),
                )
            });
            RankingGroup {
                kind,
                overall,
                indicators,
            }
        })
        .collect();
    Rankings {
        as_of: report.as_of,
        groups,
    }
}

fn rank_by(assessments: &[&Assessment], value: impl Fn(&Assessment) -> Option<f64>) -> Vec<Ranked> {
    let values: Vec<Option<f64>> = assessments
        .iter()
        .map(|assessment| value(assessment).filter(|value| value.is_finite()))
        .collect();
    let ranks = competition_ranks(&values);
    let mut ranked: Vec<Ranked> = assessments
        .iter()
        .zip(values)
        .zip(ranks)
        .filter_map(|((assessment, value), rank)| {
            Some(Ranked {
                rank: rank?,
                region: assessment.region.clone(),
                value: value?,
                light: assessment.light,
                synthetic: is_synthetic(assessment),
            })
        })
        .collect();
    ranked.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.region.cmp(&b.region)));
    ranked
}

/// Standard competition ranks, higher value first: 1 + the number of values
/// strictly greater. `None` stays unranked.
pub fn competition_ranks(values: &[Option<f64>]) -> Vec<Option<usize>> {
    values
        .iter()
        .map(|value| {
            let value = (*value).filter(|value| value.is_finite())?;
            Some(
                1 + values
                    .iter()
                    .flatten()
                    .filter(|other| other.is_finite() && **other > value)
                    .count(),
            )
        })
        .collect()
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.filter(|value| value.is_finite()).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    })
}

/// Which region has reported which year (数据报送), and what is overdue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportingStatus {
    pub as_of: NaiveDate,
    /// The plan's years from the first after the base year to the target year
    /// or the year of `as_of`, whichever is earlier.
    pub years: Vec<i32>,
    /// One row per region below the plan's region, in the regions' order.
    pub rows: Vec<ReportingRow>,
    /// Cells overdue in all rows.
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportingRow {
    pub region: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub kind: RegionKind,
    /// The indicators this region is expected to report: those that any
    /// region of its kind has reported.
    pub expected: Vec<IndicatorCode>,
    /// One cell per year of [`ReportingStatus::years`].
    pub cells: Vec<ReportingCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportingCell {
    pub year: i32,
    /// When the year's figures are due: the end of the year plus the plan's reporting lag.
    pub due: NaiveDate,
    pub state: ReportState,
    /// Expected indicators with a full-year value for this year.
    pub reported: usize,
    /// Expected indicators without one.
    pub missing: Vec<IndicatorCode>,
    /// Whether every value reported for the year is synthetic.
    pub synthetic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Every expected indicator has a value.
    Complete,
    /// Some have, the due date has not passed.
    Partial,
    /// Not due yet and nothing reported.
    NotDue,
    /// Due, and some or all values are missing.
    Overdue,
}

impl ReportState {
    pub fn name_zh(self) -> &'static str {
        match self {
            ReportState::Complete => "已报送",
            ReportState::Partial => "部分报送",
            ReportState::NotDue => "未到期",
            ReportState::Overdue => "逾期未报",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ReportState::Complete => "complete",
            ReportState::Partial => "partly reported",
            ReportState::NotDue => "not due",
            ReportState::Overdue => "overdue",
        }
    }
}

/// The reporting status of every region below the plan's own at `as_of`,
/// from the latest observations. Only full-year values count as reporting a year.
pub fn reporting_status(
    plan: &Plan,
    regions: &[Region],
    observations: &[Observation],
    as_of: NaiveDate,
) -> ReportingStatus {
    let last_year = plan.target_year.min(as_of.year());
    let years: Vec<i32> = (plan.base_year + 1..=last_year).collect();
    let assessed: BTreeSet<&IndicatorCode> = plan
        .indicators
        .iter()
        .filter(|indicator| !indicator.is_auxiliary())
        .map(|indicator| &indicator.code)
        .collect();
    // (region, year) → indicator → synthetic?
    let mut reported: BTreeMap<(&RegionCode, i32), BTreeMap<&IndicatorCode, bool>> =
        BTreeMap::new();
    let mut by_kind: BTreeMap<RegionKind, BTreeSet<&IndicatorCode>> = BTreeMap::new();
    for observation in observations {
        if !assessed.contains(&observation.indicator) {
            continue;
        }
        if let Some(region) = regions
            .iter()
            .find(|region| region.code == observation.region)
        {
            by_kind
                .entry(region.kind)
                .or_default()
                .insert(&observation.indicator);
        }
        if let Period::Year(year) = observation.period {
            reported
                .entry((&observation.region, year))
                .or_default()
                .insert(
                    &observation.indicator,
                    observation.source_quality == SourceQuality::Synthetic,
                );
        }
    }
    let empty = BTreeSet::new();
    let mut overdue = 0;
    let rows = regions
        .iter()
        .filter(|region| region.code != plan.region)
        .map(|region| {
            let expected: Vec<IndicatorCode> = plan
                .indicators
                .iter()
                .map(|indicator| &indicator.code)
                .filter(|code| by_kind.get(&region.kind).unwrap_or(&empty).contains(code))
                .cloned()
                .collect();
            let cells = years
                .iter()
                .map(|&year| {
                    let due = Period::Year(year)
                        .end_date()
                        .checked_add_months(Months::new(plan.thresholds.reporting_lag_months))
                        .unwrap_or(NaiveDate::MAX);
                    let values = reported.get(&(&region.code, year));
                    let missing: Vec<IndicatorCode> = expected
                        .iter()
                        .filter(|code| !values.is_some_and(|values| values.contains_key(code)))
                        .cloned()
                        .collect();
                    let count = expected.len() - missing.len();
                    let state = if missing.is_empty() && !expected.is_empty() {
                        ReportState::Complete
                    } else if due <= as_of {
                        ReportState::Overdue
                    } else if count > 0 {
                        ReportState::Partial
                    } else {
                        ReportState::NotDue
                    };
                    if state == ReportState::Overdue {
                        overdue += 1;
                    }
                    ReportingCell {
                        year,
                        due,
                        state,
                        reported: count,
                        missing,
                        synthetic: values.is_some_and(|values| {
                            !values.is_empty() && values.values().all(|synthetic| *synthetic)
                        }),
                    }
                })
                .collect();
            ReportingRow {
                region: region.code.clone(),
                name_zh: region.name_zh.clone(),
                name_en: region.name_en.clone(),
                kind: region.kind,
                expected,
                cells,
            }
        })
        .collect();
    ReportingStatus {
        as_of,
        years,
        rows,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competition_ranks_share_the_lower_rank_and_skip_missing_values() {
        let ranks = competition_ranks(&[
            Some(1.0),
            Some(3.0),
            None,
            Some(3.0),
            Some(f64::NAN),
            Some(0.5),
        ]);
        assert_eq!(ranks, vec![Some(3), Some(1), None, Some(1), None, Some(4)]);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), Some(2.0));
        assert_eq!(median([4.0, 1.0, 2.0, 3.0].into_iter()), Some(2.5));
        assert_eq!(median(std::iter::empty()), None);
    }
}
