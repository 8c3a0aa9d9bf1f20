//! Gathering a bulletin: the assessments at the bulletin date and at the
//! previous one, the trajectories of the lagging indicators, the rankings,
//! the warnings and the sources, turned into a [`Bulletin`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Months, NaiveDate};
use zijin_app::monitor::{self, StatusCounts};
use zijin_app::{AssessQuery, AssessmentReport, Zijin};
use zijin_assess::{Assessment, Light, TargetUsed, TimeStatus};
use zijin_domain::{
    Indicator, Kind, Lang, Observation, Period, Plan, Qualifier, Region, RegionCode, RegionKind,
    SourceQuality,
};
use zijin_store::{ObservationFilter, Store};

use crate::model::{
    Bulletin, Chart, Mover, RankingRow, RankingTable, SourceRow, StatusRow, Summary, Warning,
    WarningList,
};
use crate::{ReportError, charts, summary, text};

/// How many movers the summary names.
const MOVERS: usize = 3;

/// The date of the bulletin for `year`: when that year's figures are due, the
/// end of the year plus the plan's reporting lag (2024 → 2025-04-30).
pub fn bulletin_date(plan: &Plan, year: i32) -> NaiveDate {
    Period::Year(year)
        .end_date()
        .checked_add_months(Months::new(plan.thresholds.reporting_lag_months))
        .unwrap_or(NaiveDate::MAX)
}

/// Gathers the bulletin for `year` in `lang`. See the crate documentation for
/// what it holds.
///
/// Errors: [`ReportError::UnknownPeriod`] for a year outside the plan period
/// (after the base year up to the target year), [`ReportError::NoData`] when
/// no figure of any of the plan's indicators is for a period of the year,
/// and the application's errors (no plan loaded, storage).
pub async fn gather<S: Store>(
    app: &Zijin<S>,
    year: i32,
    lang: Lang,
) -> Result<Bulletin, ReportError> {
    let plan = app.active_plan().await?.plan;
    let (first, last) = (plan.base_year + 1, plan.target_year);
    if !(first..=last).contains(&year) {
        return Err(ReportError::UnknownPeriod { year, first, last });
    }
    let observations: Vec<Observation> = app
        .observations(&ObservationFilter::default())
        .await?
        .into_iter()
        .map(|record| record.observation)
        .collect();
    if !observations.iter().any(|observation| {
        observation.period.year() == year && plan.indicator(&observation.indicator).is_some()
    }) {
        return Err(ReportError::NoData { year });
    }
    let date = bulletin_date(&plan, year);
    let previous_date = bulletin_date(&plan, year - 1);
    let report = app
        .assess(&AssessQuery {
            as_of: Some(date),
            ..AssessQuery::default()
        })
        .await?;
    let previous = app
        .assess(&AssessQuery {
            as_of: Some(previous_date),
            regions: vec![plan.region.clone()],
            ..AssessQuery::default()
        })
        .await?;

    let context = Context::new(&report, lang);
    let city: Vec<&Assessment> = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == plan.region)
        .collect();

    let status: Vec<StatusRow> = city
        .iter()
        .map(|assessment| context.status_row(assessment))
        .collect();

    let mut charts = Vec::new();
    for assessment in city.iter().filter(|assessment| is_lagging(assessment)) {
        let trajectory = app
            .trajectory(&assessment.indicator, &assessment.region, date)
            .await?;
        charts.push(context.chart(&trajectory));
    }

    let rankings = context.rankings(&monitor::rankings(&report));
    let warnings = context.warnings();

    // The regions whose values the bulletin shows: the plan's own, the
    // ranked ones and those with a warning.
    let mut shown: BTreeSet<&RegionCode> = BTreeSet::new();
    shown.insert(&plan.region);
    for region in &report.regions {
        if monitor::RANKED_KINDS.contains(&region.kind) {
            shown.insert(&region.code);
        }
    }
    for assessment in &report.assessments {
        if matches!(assessment.light, Some(Light::Red | Light::Yellow)) {
            shown.insert(&assessment.region);
        }
    }
    let (sources, synthetic_sources) = context.sources(&observations, &shown);

    // The kinds of region whose shown values are synthetic, for the note.
    let mut synthetic_kinds: BTreeSet<RegionKind> = BTreeSet::new();
    if status.iter().any(|row| row.synthetic) || charts.iter().any(|chart| chart.synthetic) {
        synthetic_kinds.insert(context.region_kind(&plan.region));
    }
    for table in rankings.iter().filter(|table| table.synthetic) {
        synthetic_kinds.insert(table.kind);
    }
    for warning in warnings.rows.iter().filter(|warning| warning.synthetic) {
        synthetic_kinds.insert(warning.region_kind);
    }
    for region in &synthetic_sources {
        synthetic_kinds.insert(context.region_kind(region));
    }

    let counts = StatusCounts::of(city.iter().copied());
    let movers = movers(&city, &previous.assessments, &plan, lang);
    let without_year_figure: Vec<String> = city
        .iter()
        .filter(|assessment| {
            assessment
                .latest
                .as_ref()
                .is_none_or(|latest| latest.period.year() < year)
        })
        .map(|assessment| context.indicator_name(&assessment.indicator))
        .collect();
    let without_any_figure: Vec<String> = city
        .iter()
        .filter(|assessment| assessment.latest.is_none())
        .map(|assessment| context.indicator_name(&assessment.indicator))
        .collect();
    let region_name = context.region_name(&plan.region);
    let date_text = text::date(date, lang);
    let previous_date_text = text::date(previous_date, lang);
    let paragraph = summary::paragraph(&summary::Facts {
        lang,
        year,
        region_name: &region_name,
        date_text: &date_text,
        previous_date_text: &previous_date_text,
        counts: &counts,
        movers: &movers,
        without_year_figure: &without_year_figure,
        without_any_figure: &without_any_figure,
        first_year: year == first,
    });

    let synthetic_note = (!synthetic_kinds.is_empty())
        .then(|| summary::synthetic_note(lang, &synthetic_kinds.into_iter().collect::<Vec<_>>()));
    let notes = summary::notes(&summary::NoteFacts {
        lang,
        plan: &plan,
        year,
        date_text: &date_text,
        previous_date_text: &previous_date_text,
        without_year_figure: &without_year_figure,
        without_any_figure: &without_any_figure,
        qualifiers_shown: status
            .iter()
            .any(|row| row.qualifier.is_some_and(|q| q != Qualifier::Exact)),
        synthetic_note: synthetic_note.as_deref(),
    });

    Ok(Bulletin {
        lang,
        year,
        title: match lang {
            Lang::Zh => format!("{}实施监测通报（{year}年度）", plan.name_zh),
            Lang::En => format!(
                "{}: implementation monitoring bulletin for {year}",
                plan.name_en
            ),
        },
        plan_code: plan.code.to_string(),
        plan_name: lang.pick(&plan.name_zh, &plan.name_en).to_owned(),
        region: plan.region.to_string(),
        region_name,
        date,
        date_text,
        previous_date,
        previous_date_text,
        summary: Summary {
            counts,
            indicators: city.len(),
            movers,
            without_year_figure,
            without_any_figure,
            paragraph,
        },
        status,
        charts,
        rankings,
        warnings,
        sources,
        notes,
        synthetic_note,
    })
}

fn is_lagging(assessment: &Assessment) -> bool {
    matches!(
        assessment.time_status,
        Some(TimeStatus::Lagging | TimeStatus::SeriouslyLagging)
    )
}

/// What every part of the bulletin looks up names and regions in.
struct Context<'a> {
    report: &'a AssessmentReport,
    lang: Lang,
    regions: HashMap<&'a RegionCode, &'a Region>,
}

impl<'a> Context<'a> {
    fn new(report: &'a AssessmentReport, lang: Lang) -> Self {
        Context {
            report,
            lang,
            regions: report
                .regions
                .iter()
                .map(|region| (&region.code, region))
                .collect(),
        }
    }

    fn plan(&self) -> &Plan {
        &self.report.plan
    }

    fn indicator(&self, code: &zijin_domain::IndicatorCode) -> Option<&'a Indicator> {
        self.report.plan.indicator(code)
    }

    fn indicator_name(&self, code: &zijin_domain::IndicatorCode) -> String {
        self.indicator(code).map_or_else(
            || code.to_string(),
            |indicator| {
                self.lang
                    .pick(&indicator.name_zh, &indicator.name_en)
                    .to_owned()
            },
        )
    }

    fn region_name(&self, code: &RegionCode) -> String {
        self.regions.get(code).map_or_else(
            || code.to_string(),
            |region| self.lang.pick(&region.name_zh, &region.name_en).to_owned(),
        )
    }

    fn region_kind(&self, code: &RegionCode) -> RegionKind {
        self.regions
            .get(code)
            .map_or(RegionKind::City, |region| region.kind)
    }

    fn status_row(&self, assessment: &Assessment) -> StatusRow {
        let lang = self.lang;
        let indicator = self.indicator(&assessment.indicator);
        let cumulative = assessment.kind == Kind::Cumulative;
        let (latest, latest_period, qualifier) = match &assessment.latest {
            Some(latest) => {
                let value = if cumulative {
                    assessment.cumulative_total.unwrap_or(latest.value)
                } else {
                    latest.value
                };
                let period = if cumulative {
                    format!(
                        "{}–{}",
                        self.plan().base_year + 1,
                        period_text(latest.period, lang)
                    )
                } else {
                    period_text(latest.period, lang)
                };
                (
                    Some(text::round_value(value)),
                    Some(period),
                    Some(latest.qualifier),
                )
            }
            None => (None, None, None),
        };
        let latest_text = match (latest, qualifier) {
            (Some(value), Some(qualifier)) => text::qualified(&text::value(value), qualifier),
            _ => text::DASH.to_owned(),
        };
        // The plan's baseline of a cumulative target is not a starting level.
        let baseline = assessment.baseline.filter(|_| !cumulative);
        StatusRow {
            indicator: assessment.indicator.to_string(),
            name: self.indicator_name(&assessment.indicator),
            unit: indicator.map_or_else(|| assessment.unit.clone(), |i| i.unit.clone()),
            kind: assessment.kind,
            baseline: baseline.map(|baseline| text::round_value(baseline.value)),
            baseline_year: baseline.map(|baseline| baseline.year),
            baseline_text: baseline.map_or_else(
                || text::DASH.to_owned(),
                |baseline| text::value(baseline.value),
            ),
            latest,
            latest_period,
            qualifier,
            latest_text,
            target: assessment
                .target
                .map(|target| text::round_value(target.value)),
            target_stretch: assessment
                .target
                .and_then(|target| target.stretch)
                .map(text::round_value),
            target_text: target_text(assessment.target, assessment.kind, lang),
            completion: assessment.completion.map(|share| text::round_to(share, 3)),
            elapsed_share: assessment
                .elapsed_share
                .map(|share| text::round_to(share, 3)),
            gap_points: assessment
                .gap_points
                .map(|points| text::round_to(points, 1)),
            progress_text: progress_text(assessment),
            growth_ratio: assessment
                .growth_ratio
                .map(|ratio| text::round_to(ratio, 2)),
            growth_ratio_text: text::optional(assessment.growth_ratio, text::ratio),
            time_status: assessment.time_status,
            time_status_text: text::time_status(assessment.time_status, lang),
            growth_status: assessment.growth_status,
            growth_status_text: text::growth_status(assessment.growth_status, lang),
            projection_status: assessment.projection_status,
            projection_status_text: text::projection_status(assessment.projection_status, lang),
            light: assessment.light,
            light_text: text::light(assessment.light, lang),
            source_quality: assessment
                .latest
                .as_ref()
                .map(|latest| latest.source_quality),
            synthetic: monitor::is_synthetic(assessment),
        }
    }

    fn chart(&self, trajectory: &zijin_assess::Trajectory) -> Chart {
        let lang = self.lang;
        let assessment = &trajectory.assessment;
        let name = self.indicator_name(&assessment.indicator);
        let region = self.region_name(&assessment.region);
        let unit = self
            .indicator(&assessment.indicator)
            .map_or_else(|| assessment.unit.clone(), |i| i.unit.clone());
        let title = match lang {
            Lang::Zh => format!("{name}（{region}）"),
            Lang::En => format!("{name} ({region})"),
        };
        let synthetic = charts::has_synthetic_points(trajectory);
        let chart =
            charts::trajectory_chart(trajectory, lang, &title, &unit, (680, 340), |point| {
                format!(
                    "{} {}",
                    period_text(point.period, lang),
                    text::qualified(&text::value(point.value), point.qualifier)
                )
            });
        let caption = match lang {
            Lang::Zh => format!(
                "{title}：{}，完成度{}，序时进度{}",
                text::time_status(assessment.time_status, lang),
                text::optional(assessment.completion, text::percent),
                text::optional(assessment.elapsed_share, text::percent),
            ),
            Lang::En => format!(
                "{title}: {}, completion {} against {} of the time elapsed",
                text::time_status(assessment.time_status, lang),
                text::optional(assessment.completion, text::percent),
                text::optional(assessment.elapsed_share, text::percent),
            ),
        };
        Chart {
            indicator: assessment.indicator.to_string(),
            name,
            caption,
            svg: zijin_charts::trajectory(&chart),
            synthetic,
        }
    }

    fn rankings(&self, rankings: &monitor::Rankings) -> Vec<RankingTable> {
        let lang = self.lang;
        rankings
            .groups
            .iter()
            .map(|group| {
                let rows: Vec<RankingRow> = group
                    .overall
                    .iter()
                    .map(|standing| RankingRow {
                        rank_by_growth_ratio: standing.rank_by_growth_ratio,
                        rank_by_completion: standing.rank_by_completion,
                        region: standing.region.to_string(),
                        name: lang.pick(&standing.name_zh, &standing.name_en).to_owned(),
                        assessed: standing.assessed,
                        median_growth_ratio: standing
                            .median_growth_ratio
                            .map(|ratio| text::round_to(ratio, 2)),
                        median_completion: standing
                            .median_completion
                            .map(|share| text::round_to(share, 3)),
                        green: standing.counts.green,
                        yellow: standing.counts.yellow,
                        red: standing.counts.red,
                        synthetic: standing.synthetic,
                    })
                    .collect();
                let synthetic = rows.iter().any(|row| row.synthetic);
                let (title, kind_plural) = match (group.kind, lang) {
                    (RegionKind::District, Lang::Zh) => ("各区排名".to_owned(), "各区"),
                    (RegionKind::Park, Lang::Zh) => ("高新园区排名".to_owned(), "各高新园区"),
                    (kind, Lang::Zh) => (
                        format!("{}排名", kind.name_zh()),
                        summary::kind_plural_zh(kind),
                    ),
                    (kind, Lang::En) => (
                        format!("Ranking of {}", summary::kind_plural_en(kind)),
                        summary::kind_plural_en(kind),
                    ),
                };
                let remark = synthetic.then(|| match lang {
                    Lang::Zh => format!(
                        "{kind_plural}数据为合成数据（演示用），非公开发布数据，排名仅用于演示。"
                    ),
                    Lang::En => format!(
                        "The figures of {kind_plural} are synthetic (for demonstration), not published figures: the ranking only demonstrates the method."
                    ),
                });
                let chart = zijin_charts::Bars {
                    labels: zijin_charts::Labels {
                        title: match lang {
                            Lang::Zh => format!("{title}：增长比中位数"),
                            Lang::En => format!("{title}: median growth ratio"),
                        },
                        unit: String::new(),
                        x_label: lang.pick("增长比中位数", "Median growth ratio").to_owned(),
                        y_label: String::new(),
                    },
                    width: 640,
                    rows: rows
                        .iter()
                        .map(|row| zijin_charts::Bar {
                            label: row.name.clone(),
                            value: row.median_growth_ratio,
                            value_text: text::optional(row.median_growth_ratio, text::ratio),
                            light: None,
                            synthetic: row.synthetic,
                        })
                        .collect(),
                    reference: Some((
                        1.0,
                        lang.pick("1 = 按要求增速", "1 = required growth").to_owned(),
                    )),
                };
                RankingTable {
                    kind: group.kind,
                    title,
                    rows,
                    chart_svg: zijin_charts::bars(&chart),
                    synthetic,
                    remark,
                }
            })
            .collect()
    }

    fn warnings(&self) -> WarningList {
        let lang = self.lang;
        let mut rows: Vec<Warning> = Vec::new();
        for wanted in [Light::Red, Light::Yellow] {
            for assessment in &self.report.assessments {
                if assessment.light != Some(wanted) {
                    continue;
                }
                let kind = self.region_kind(&assessment.region);
                rows.push(Warning {
                    light: wanted,
                    light_text: text::light(Some(wanted), lang),
                    region: assessment.region.to_string(),
                    region_name: self.region_name(&assessment.region),
                    region_kind: kind,
                    region_kind_text: text::region_kind(kind, lang).to_owned(),
                    indicator: assessment.indicator.to_string(),
                    indicator_name: self.indicator_name(&assessment.indicator),
                    time_status_text: text::time_status(assessment.time_status, lang),
                    completion: assessment.completion.map(|share| text::round_to(share, 3)),
                    elapsed_share: assessment
                        .elapsed_share
                        .map(|share| text::round_to(share, 3)),
                    gap_points: assessment
                        .gap_points
                        .map(|points| text::round_to(points, 1)),
                    reason: reason(assessment, lang),
                    synthetic: monitor::is_synthetic(assessment),
                });
            }
        }
        let synthetic = rows.iter().any(|row| row.synthetic);
        WarningList {
            red: rows.iter().filter(|row| row.light == Light::Red).count(),
            yellow: rows.iter().filter(|row| row.light == Light::Yellow).count(),
            synthetic,
            remark: synthetic.then(|| {
                lang.pick(
                    "标注“合成”的各区、园区预警来自合成数据（演示用），非公开发布数据。",
                    "Warnings marked \"synthetic\" for districts and parks come from synthetic data (for demonstration), not published figures.",
                )
                .to_owned()
            }),
            rows,
        }
    }

    /// The distinct sources of the values read for the shown regions up to
    /// the bulletin date (the latest revision of every figure of an assessed
    /// indicator in a plan year), and the regions with synthetic values among them.
    fn sources<'o>(
        &self,
        observations: &'o [Observation],
        shown: &BTreeSet<&RegionCode>,
    ) -> (Vec<SourceRow>, BTreeSet<&'o RegionCode>) {
        let plan = self.plan();
        let as_of = self.report.as_of;
        struct Tally<'o> {
            values: usize,
            regions: BTreeSet<&'o RegionCode>,
            first_year: i32,
            last_year: i32,
        }
        let mut tallies: BTreeMap<(usize, &str), Tally> = BTreeMap::new();
        let mut synthetic_regions = BTreeSet::new();
        for observation in observations {
            let assessed = plan
                .indicator(&observation.indicator)
                .is_some_and(|indicator| !indicator.is_auxiliary());
            if !assessed
                || !shown.contains(&observation.region)
                || observation.period.end_date() > as_of
                || !plan.covers_year(observation.period.year())
            {
                continue;
            }
            let quality_order = SourceQuality::ALL
                .iter()
                .position(|quality| *quality == observation.source_quality)
                .unwrap_or(usize::MAX);
            let year = observation.period.year();
            let tally = tallies
                .entry((quality_order, observation.source.as_str()))
                .or_insert_with(|| Tally {
                    values: 0,
                    regions: BTreeSet::new(),
                    first_year: year,
                    last_year: year,
                });
            if observation.source_quality == SourceQuality::Synthetic {
                synthetic_regions.insert(&observation.region);
            }
            tally.values += 1;
            tally.regions.insert(&observation.region);
            tally.first_year = tally.first_year.min(year);
            tally.last_year = tally.last_year.max(year);
        }
        let mut rows: Vec<(usize, SourceRow)> = tallies
            .into_iter()
            .map(|((quality_order, source), tally)| {
                let quality = SourceQuality::ALL[quality_order];
                (
                    quality_order,
                    SourceRow {
                        source: source.to_owned(),
                        quality,
                        quality_text: text::source_quality(quality, self.lang).to_owned(),
                        values: tally.values,
                        regions: tally.regions.len(),
                        first_year: tally.first_year,
                        last_year: tally.last_year,
                    },
                )
            })
            .collect();
        // Best quality first, then the sources with most values.
        rows.sort_by(|(a_order, a), (b_order, b)| {
            a_order
                .cmp(b_order)
                .then(b.values.cmp(&a.values))
                .then(a.source.cmp(&b.source))
        });
        (
            rows.into_iter().map(|(_, row)| row).collect(),
            synthetic_regions,
        )
    }
}

/// A period as the bulletin prints it: `2023`, `2023年1—6月` / `2023 Jan–Jun`.
fn period_text(period: Period, lang: Lang) -> String {
    if period.is_full_year() {
        return period.year().to_string();
    }
    let (first, last) = (period.first_month(), period.last_month());
    match lang {
        Lang::Zh => format!("{}年{first}—{last}月", period.year()),
        Lang::En => {
            let month = |number: u8| {
                NaiveDate::from_ymd_opt(period.year(), u32::from(number), 1)
                    .map(|day| day.format("%b").to_string())
                    .unwrap_or_default()
            };
            format!("{} {}–{}", period.year(), month(first), month(last))
        }
    }
}

fn target_text(target: Option<TargetUsed>, kind: Kind, lang: Lang) -> String {
    let Some(target) = target else {
        return text::DASH.to_owned();
    };
    let value = match target.stretch {
        Some(stretch) => format!(
            "{}–{}",
            text::value(target.value.min(stretch)),
            text::value(target.value.max(stretch))
        ),
        None => text::value(target.value),
    };
    match (kind, lang) {
        (Kind::Growth, Lang::Zh) => format!("年均增长{value}%"),
        (Kind::Growth, Lang::En) => format!("{value}% a year"),
        (Kind::Cumulative, Lang::Zh) => format!("累计{value}"),
        (Kind::Cumulative, Lang::En) => format!("{value} in total"),
        (Kind::Level, _) => value,
    }
}

fn progress_text(assessment: &Assessment) -> String {
    match (assessment.completion, assessment.elapsed_share) {
        (None, None) => text::DASH.to_owned(),
        (completion, elapsed) => format!(
            "{} / {}",
            text::optional(completion, text::percent),
            text::optional(elapsed, text::percent)
        ),
    }
}

/// Why an assessment has its light: the gap in words, then the diagnostics.
fn reason(assessment: &Assessment, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let (Some(completion), Some(elapsed), Some(gap)) = (
        assessment.completion,
        assessment.elapsed_share,
        assessment.gap_points,
    ) {
        parts.push(match lang {
            Lang::Zh => format!(
                "完成度{}，序时进度{}，差距{}个百分点",
                text::percent(completion),
                text::percent(elapsed),
                text::points(gap)
            ),
            Lang::En => format!(
                "completion {} against {} of the time elapsed, a gap of {} points",
                text::percent(completion),
                text::percent(elapsed),
                text::points(gap)
            ),
        });
    }
    for diagnostic in &assessment.diagnostics {
        let message = lang
            .pick(&diagnostic.message, &diagnostic.message_en)
            .trim();
        let message = message.trim_end_matches(['。', '.']);
        if !message.is_empty() {
            parts.push(message.to_owned());
        }
    }
    let separator = lang.pick("；", "; ");
    let mut reason = parts.join(separator);
    if !reason.is_empty() {
        reason.push_str(lang.pick("。", "."));
    }
    reason
}

/// The indicators of the plan region that moved most since the previous
/// bulletin: a change of time status first (the bigger the step, the
/// earlier), then the larger change of completion.
fn movers(now: &[&Assessment], before: &[Assessment], plan: &Plan, lang: Lang) -> Vec<Mover> {
    let mut candidates: Vec<(usize, f64, Mover)> = Vec::new();
    for assessment in now {
        let previous = before.iter().find(|candidate| {
            candidate.indicator == assessment.indicator && candidate.region == plan.region
        });
        let completion_before = previous.and_then(|previous| previous.completion);
        let completion_now = assessment.completion;
        let status_before = previous.and_then(|previous| previous.time_status);
        let status_now = assessment.time_status;
        let change_points = match (completion_before, completion_now) {
            (Some(before), Some(now)) => Some(text::round_to((now - before) * 100.0, 1)),
            _ => None,
        };
        let status_steps = match (status_before, status_now) {
            (Some(before), Some(now)) => (now as usize).abs_diff(before as usize),
            (None, None) => 0,
            _ => 1,
        };
        let completion_steps = change_points.map_or(0.0, f64::abs);
        if status_steps == 0 && completion_steps < 0.05 {
            continue;
        }
        let name = plan.indicator(&assessment.indicator).map_or_else(
            || assessment.indicator.to_string(),
            |indicator| lang.pick(&indicator.name_zh, &indicator.name_en).to_owned(),
        );
        let mover = Mover {
            indicator: assessment.indicator.to_string(),
            text: summary::mover_text(
                lang,
                completion_before,
                completion_now,
                status_before,
                status_now,
            ),
            name,
            completion_before: completion_before.map(|share| text::round_to(share, 3)),
            completion_now: completion_now.map(|share| text::round_to(share, 3)),
            change_points,
            status_before,
            status_now,
        };
        candidates.push((status_steps, completion_steps, mover));
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    candidates
        .into_iter()
        .take(MOVERS)
        .map(|(_, _, mover)| mover)
        .collect()
}
