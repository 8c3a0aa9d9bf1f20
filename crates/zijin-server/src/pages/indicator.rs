//! One indicator in one region: the trajectory chart, the three readings in
//! words ("为什么是黄灯"), the data table with sources and revisions, the
//! breakdown by district and park, downloads; for the counts of high-tech
//! enterprises and S&T SMEs, the figures computed from the enterprise
//! registry beside the reported ones.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use maud::{Markup, PreEscaped, html};
use zijin_app::monitor::is_synthetic;
use zijin_app::registry::{HIGH_TECH_ENTERPRISES, TECH_SMES};
use zijin_app::{AppError, AssessmentReport, ComputedBeside};
use zijin_assess::{Assessment, Trajectory};
use zijin_domain::{
    Indicator, IndicatorCode, Kind, Lang, ObservationRecord, Region, RegionCode, RegionKind,
    SourceQuality,
};
use zijin_store::Store;

use super::overview::{baseline_text, latest_cell, progress_cell, target_text};
use super::{Ctx, PageError, chart_table, date_form, figure};
use crate::Shared;
use crate::format;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let code = IndicatorCode::new(&code).map_err(|_| ctx.error(unknown_indicator(&code)))?;
    let region = ctx.params.region("region").map_err(|e| ctx.error(e))?;
    let report = state.report(ctx.as_of).await.map_err(|e| ctx.error(e))?;
    let (indicator, region) = resolve(&report, &code, region).map_err(|e| ctx.error(e))?;
    let trajectory = state
        .app
        .trajectory(&code, &region, report.as_of)
        .await
        .map_err(|e| ctx.error(e))?;
    let history = state
        .app
        .history(&code, &region)
        .await
        .map_err(|e| ctx.error(e))?;
    // The counts behind two indicators computed from the enterprise
    // registry, beside the reported figures of the latest reported year.
    let mut computed = None;
    if [HIGH_TECH_ENTERPRISES, TECH_SMES].contains(&code.as_str()) {
        let year = state
            .app
            .latest_reported_year(code.as_str(), report.as_of.year())
            .await
            .map_err(|e| ctx.error(e))?
            .unwrap_or(report.as_of.year() - 1);
        let beside = state
            .computed_beside_reported(year)
            .await
            .map_err(|e| ctx.error(e))?;
        let counted = beside.counts.total_high_tech_enterprises + beside.counts.total_tech_smes;
        if counted > 0 {
            computed = Some(beside);
        }
    }
    Ok(render(
        &ctx,
        &report,
        &indicator,
        &region,
        &trajectory,
        &history,
        computed.as_deref(),
    ))
}

/// The computed counts beside the reported figures, region by region.
fn computed_section(ctx: &Ctx, code: &str, beside: &ComputedBeside) -> Markup {
    let counts = &beside.counts;
    let synthetic = counts.total_synthetic > 0;
    let number = |value: f64| format!("{value}");
    html! {
        section #computed {
            h2 {
                (ctx.t("企业库计算值（与报送值对照）", "Computed from the enterprise registry, beside the reported figures"))
                " · " (counts.year)
                @if synthetic { " " (ctx.synthetic_badge()) }
            }
            p { (ctx.t(counts.note_zh, counts.note_en)) " "
                (ctx.t("计算值单列，不并入报送数据。", "The computed series is shown beside the reported one, never mixed into it.")) }
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("地区", "Region")) }
                    th scope="col" { (ctx.t("计算值", "Computed")) }
                    th scope="col" { (ctx.t("报送值", "Reported")) }
                    th scope="col" { (ctx.t("差（计算−报送）", "Difference (computed − reported)")) }
                } }
                tbody {
                    @for row in &beside.rows {
                        @if let Some((computed, reported, difference)) = row.of(code) {
                            tr {
                                td { (ctx.t(&row.name_zh, &row.name_en)) }
                                td.num { (computed) }
                                td.num { (reported.map(number).unwrap_or_else(|| "—".to_owned())) }
                                td.num { (difference.map(|difference| format!("{difference:+}")).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An indicator code that is not valid is an indicator that does not exist.
pub(crate) fn unknown_indicator(code: &str) -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "unknown_indicator",
        format!("unknown indicator code {code}; /api/v1/indicators lists the plan's indicators"),
    )
}

/// The indicator of the plan and the region (the plan's own by default), or
/// which of them is unknown.
pub(crate) fn resolve(
    report: &AssessmentReport,
    code: &IndicatorCode,
    region: Option<RegionCode>,
) -> Result<(Indicator, RegionCode), AppError> {
    let indicator = report
        .plan
        .indicator(code)
        .cloned()
        .ok_or_else(|| AppError::UnknownIndicator(code.clone()))?;
    let region = region.unwrap_or_else(|| report.plan.region.clone());
    if !report.regions.iter().any(|known| known.code == region) {
        return Err(AppError::UnknownRegion(region));
    }
    Ok((indicator, region))
}

fn render(
    ctx: &Ctx,
    report: &AssessmentReport,
    indicator: &Indicator,
    region: &RegionCode,
    trajectory: &Trajectory,
    history: &[ObservationRecord],
    computed: Option<&ComputedBeside>,
) -> Response {
    let lang = ctx.lang;
    let name = lang.pick(&indicator.name_zh, &indicator.name_en);
    let region_name = ctx.region_name(&report.regions, region).to_owned();
    let assessment = &trajectory.assessment;
    let title = match lang {
        Lang::Zh => format!("{name}（{region_name}）"),
        Lang::En => format!("{name} ({region_name})"),
    };
    let region_param = if region == &report.plan.region {
        ""
    } else {
        region.as_str()
    };
    let body = html! {
        p.breadcrumb { a href=(ctx.href("/", &[])) { (ctx.t("总览", "Overview")) } " › " (name) }
        h1 { (title) }
        p.lead {
            (ctx.light(assessment.light)) " · "
            (format::time_status(assessment.time_status, lang)) " · "
            (format::kind_name(indicator.kind, lang)) " · "
            (lang.pick("单位 ", "unit ")) (indicator.unit) " · "
            (ctx.t("出处 ", "plan section ")) (indicator.section)
        }
        (date_form(ctx, report.as_of, &["region"]))
        (region_form(ctx, &report.regions, region))
        section {
            h2 { (ctx.t("走势", "Trajectory")) }
            (trajectory_chart(ctx, indicator, &title, trajectory))
        }
        section #why {
            h2 { (why_heading(ctx, assessment)) }
            (readings(ctx, indicator, assessment))
        }
        section #data {
            h2 { (ctx.t("数据与修订", "Data and revisions")) }
            p.downloads {
                (ctx.t("下载数据表：", "Download the data table: "))
                a href=(ctx.href(&format!("/indicators/{}/data.csv", indicator.code), &[("region", region_param)])) download { "CSV" }
                " · "
                a href=(ctx.href(&format!("/indicators/{}/data.xlsx", indicator.code), &[("region", region_param)])) download { "XLSX" }
            }
            (history_table(ctx, indicator, history))
        }
        section #breakdown {
            h2 { (ctx.t("分区、分园区情况", "By district and park")) }
            @for kind in [RegionKind::District, RegionKind::Park] {
                (breakdown(ctx, report, indicator, kind))
            }
        }
        @if let Some(beside) = computed {
            (computed_section(ctx, indicator.code.as_str(), beside))
        }
    };
    ctx.render(&title, body)
}

fn region_form(ctx: &Ctx, regions: &[Region], selected: &RegionCode) -> Markup {
    html! {
        form.region-form method="get" action=(ctx.path) {
            label for="region" { (ctx.t("地区", "Region")) }
            " "
            select #region name="region" {
                @for region in regions {
                    option value=(region.code) selected[&region.code == selected] {
                        (ctx.lang.pick(&region.name_zh, &region.name_en))
                    }
                }
            }
            @if let Some(as_of) = ctx.as_of { input type="hidden" name="as_of" value=(as_of.to_string()); }
            @if ctx.params.get("lang").is_some() { input type="hidden" name="lang" value=(ctx.lang.code()); }
            " "
            button type="submit" { (ctx.t("查看", "Show")) }
        }
    }
}

fn trajectory_chart(
    ctx: &Ctx,
    indicator: &Indicator,
    title: &str,
    trajectory: &Trajectory,
) -> Markup {
    if zijin_report::charts::has_synthetic_points(trajectory) {
        ctx.note_synthetic();
    }
    let chart = zijin_report::charts::trajectory_chart(
        trajectory,
        ctx.lang,
        title,
        &indicator.unit,
        (720, 360),
        |point| {
            format!(
                "{} {}",
                point.period,
                format::qualified(point.value, point.qualifier, &indicator.unit)
            )
        },
    );
    let caption = ctx.t(
        "实心圆：公布值；空心三角：“超过”；空心圆：“约”；虚线环：合成数据。灰色虚线为规划要求的路径，点线为按当前增速的预测，浅色带为 90% 预测区间。",
        "Filled circle: as published; open triangle: “more than”; hollow circle: “about”; dashed ring: synthetic. The grey dashed line is the path the plan requires, the dotted line the projection at the observed growth, the band its 90% prediction interval.",
    );
    html! {
        (figure(zijin_charts::trajectory(&chart), caption))
        (trajectory_table(ctx, indicator, trajectory))
    }
}

/// The numbers of the trajectory chart, one row per time.
fn trajectory_table(ctx: &Ctx, indicator: &Indicator, trajectory: &Trajectory) -> Markup {
    #[derive(Default, Clone)]
    struct Row {
        time: f64,
        observed: Option<Markup>,
        required: Option<f64>,
        projection: Option<f64>,
        band: Option<(f64, f64)>,
    }
    let mut rows: Vec<Row> = Vec::new();
    fn row_at(rows: &mut Vec<Row>, time: f64) -> usize {
        match rows.iter().position(|row| (row.time - time).abs() < 1e-6) {
            Some(index) => index,
            None => {
                rows.push(Row {
                    time,
                    ..Row::default()
                });
                rows.len() - 1
            }
        }
    }
    let unit = &indicator.unit;
    if let Some(baseline) = trajectory
        .assessment
        .baseline
        .filter(|_| indicator.kind != Kind::Cumulative)
    {
        let index = row_at(&mut rows, f64::from(baseline.year));
        let text = format!(
            "{} ({})",
            format::with_unit(baseline.value, unit),
            ctx.t("基期值", "baseline")
        );
        rows[index].observed = Some(html! { (text) });
    }
    for point in &trajectory.points {
        let index = row_at(&mut rows, point.time);
        let synthetic = point.source_quality == SourceQuality::Synthetic;
        let cell = html! {
            (point.period.to_string()) ": " (format::qualified(point.value, point.qualifier, unit))
            @if synthetic { " " (ctx.synthetic_badge()) }
        };
        rows[index].observed = Some(cell);
    }
    for &(time, value) in &trajectory.required_path {
        let index = row_at(&mut rows, time);
        rows[index].required = Some(value);
    }
    for &(time, value) in &trajectory.projection {
        let index = row_at(&mut rows, time);
        rows[index].projection = Some(value);
    }
    for &(time, low, high) in &trajectory.band {
        // The band is drawn in quarter-year steps; the table keeps whole years.
        if (time - time.round()).abs() < 1e-6 {
            let index = row_at(&mut rows, time);
            rows[index].band = Some((low, high));
        }
    }
    rows.sort_by(|a, b| a.time.total_cmp(&b.time));
    let header = [
        ctx.t("时间", "Time"),
        ctx.t("实际值", "Observed"),
        ctx.t("要求路径", "Required path"),
        ctx.t("预测", "Projection"),
        ctx.t("90% 区间", "90% interval"),
    ];
    let show = |value: Option<f64>| format::optional(value, |value| format::with_unit(value, unit));
    let rows = rows
        .into_iter()
        .map(|row| {
            vec![
                html! { (format::number(row.time)) },
                row.observed.unwrap_or_else(|| html! { "—" }),
                html! { (show(row.required)) },
                html! { (show(row.projection)) },
                html! {
                    @match row.band {
                        Some((low, high)) => { (format::number(low)) " – " (format::number(high)) }
                        None => { "—" }
                    }
                },
            ]
        })
        .collect();
    chart_table(ctx, &header, rows)
}

fn why_heading(ctx: &Ctx, assessment: &Assessment) -> String {
    match (ctx.lang, assessment.light) {
        (Lang::Zh, Some(light)) => format!("为什么是{}", light.name_zh()),
        (Lang::Zh, None) => "为什么没有灯".to_owned(),
        (Lang::En, Some(light)) => format!("Why {}", light.name_en()),
        (Lang::En, None) => "Why no light".to_owned(),
    }
}

/// The three readings in words, with their numbers and thresholds, and the
/// diagnostics' messages.
fn readings(ctx: &Ctx, indicator: &Indicator, assessment: &Assessment) -> Markup {
    let lang = ctx.lang;
    let thresholds = &assessment.thresholds;
    let pct = |value: Option<f64>| format::optional(value, format::percent);
    let time_reading = match (assessment.completion, assessment.elapsed_share) {
        (Some(completion), Some(elapsed)) => match lang {
            Lang::Zh => format!(
                "规划期已过 {}，目标{}已完成 {}，差距 {} 个百分点（快于预期：≥ +{}；滞后：≤ {}；严重滞后：≤ {}）→ {}。红黄绿灯由这一读数决定。",
                format::percent(elapsed),
                if assessment.kind == Kind::Growth {
                    "增速"
                } else {
                    "增量"
                },
                format::percent(completion),
                format::optional(assessment.gap_points, format::points),
                format::number(thresholds.ahead_gap),
                format::points(thresholds.lagging_gap),
                format::points(thresholds.seriously_lagging_gap),
                format::time_status(assessment.time_status, lang),
            ),
            Lang::En => format!(
                "{} of the plan period has elapsed and {} of the target {} is done: a gap of {} points (ahead: ≥ +{}; lagging: ≤ {}; seriously lagging: ≤ {}) → {}. The warning light follows this reading.",
                format::percent(elapsed),
                format::percent(completion),
                if assessment.kind == Kind::Growth {
                    "growth rate"
                } else {
                    "gain"
                },
                format::optional(assessment.gap_points, format::points),
                format::number(thresholds.ahead_gap),
                format::points(thresholds.lagging_gap),
                format::points(thresholds.seriously_lagging_gap),
                format::time_status(assessment.time_status, lang),
            ),
        },
        _ => match assessment.time_status {
            Some(status) => format!(
                "{} → {}",
                ctx.t("已达到目标", "The target is reached"),
                lang.pick(status.name_zh(), status.name_en())
            ),
            None => ctx
                .t(
                    "无法计算完成进度，原因见下方说明。",
                    "No completion can be computed; the notes below say why.",
                )
                .to_owned(),
        },
    };
    let growth_reading = match assessment.growth_ratio {
        Some(ratio) => match lang {
            Lang::Zh => format!(
                "基期以来实际年均增长 {}，目标要求年均增长 {}，增长比 {}（进展良好：≥ {}；需加快：≥ {}；进展有限：≥ 0；倒退：< 0）→ {}。",
                pct(assessment.observed_growth_rate),
                pct(assessment.required_growth_rate),
                format::ratio(ratio),
                format::ratio(thresholds.growth_on_track),
                format::ratio(thresholds.growth_moderate),
                format::growth_status(assessment.growth_status, lang),
            ),
            Lang::En => format!(
                "Since the baseline the value grew {} a year against the {} a year the target requires: a growth ratio of {} (on track: ≥ {}; moderate: ≥ {}; limited: ≥ 0; deterioration: < 0) → {}.",
                pct(assessment.observed_growth_rate),
                pct(assessment.required_growth_rate),
                format::ratio(ratio),
                format::ratio(thresholds.growth_on_track),
                format::ratio(thresholds.growth_moderate),
                format::growth_status(assessment.growth_status, lang),
            ),
        },
        None => match assessment.growth_status {
            Some(status) => format!("→ {}", lang.pick(status.name_zh(), status.name_en())),
            None => ctx
                .t(
                    "无增长比，原因见下方说明。",
                    "No growth ratio; the notes below say why.",
                )
                .to_owned(),
        },
    };
    let target_year = assessment.target.map(|target| target.year);
    let projection_reading = match assessment.projected_value {
        Some(projected) => {
            let probability = match assessment.probability {
                Some(probability) => match lang {
                    Lang::Zh => format!(
                        "；达标概率 {}（基于 {} 个点的对数线性拟合）",
                        format::percent(probability),
                        assessment.points_used
                    ),
                    Lang::En => format!(
                        "; the probability of meeting the target is {} (log-linear fit on {} points)",
                        format::percent(probability),
                        assessment.points_used
                    ),
                },
                None => String::new(),
            };
            match lang {
                Lang::Zh => format!(
                    "按当前增速，{} 年预计达到 {}，为目标的 {}（预计可实现：≥ {}；部分实现：≥ {}）→ {}{}。",
                    target_year.map_or_else(|| "目标".to_owned(), |year| year.to_string()),
                    format::with_unit(projected, &indicator.unit),
                    pct(assessment.projection_ratio),
                    format::percent(thresholds.projection_likely),
                    format::percent(thresholds.projection_partly),
                    format::projection_status(assessment.projection_status, lang),
                    probability
                ),
                Lang::En => format!(
                    "At the observed growth the value would reach {} in {}, {} of the target (likely: ≥ {}; partly: ≥ {}) → {}{}.",
                    format::with_unit(projected, &indicator.unit),
                    target_year
                        .map_or_else(|| "the target year".to_owned(), |year| year.to_string()),
                    pct(assessment.projection_ratio),
                    format::percent(thresholds.projection_likely),
                    format::percent(thresholds.projection_partly),
                    format::projection_status(assessment.projection_status, lang),
                    probability
                ),
            }
        }
        None => ctx
            .t(
                "无预测值，原因见下方说明。",
                "No projection; the notes below say why.",
            )
            .to_owned(),
    };
    html! {
        dl.readings {
            dt { (ctx.t("① 序时进度", "① Time-elapsed progress")) }
            dd { (time_reading) }
            dd { (progress_cell(ctx, assessment)) }
            dt { (ctx.t("② 增长比", "② Growth ratio")) }
            dd { (growth_reading) }
            dt { (ctx.t("③ 预测与达标概率", "③ Projection and probability")) }
            dd { (projection_reading) }
        }
        table.data.compact {
            caption { (ctx.t("本次评估所用数值", "The values this assessment used")) }
            tbody {
                tr { th scope="row" { (ctx.t("最新值", "Latest value")) } td { (latest_cell(ctx, assessment)) } }
                tr { th scope="row" { (ctx.t("基期值", "Baseline")) } td { (baseline_text(assessment)) } }
                tr { th scope="row" { (ctx.t("目标值", "Target")) } td { (target_text(ctx, assessment)) (target_basis(ctx, assessment)) } }
                @if let Some(latest) = &assessment.latest {
                    tr { th scope="row" { (ctx.t("来源", "Source")) } td { (source_link(&latest.source)) " (" (format::source_quality_name(latest.source_quality, ctx.lang)) ")" } }
                }
            }
        }
        @if !assessment.diagnostics.is_empty() {
            h3 { (ctx.t("说明", "Notes")) }
            ul.diagnostics {
                @for diagnostic in &assessment.diagnostics {
                    li {
                        (lang.pick(&diagnostic.message, &diagnostic.message_en))
                        " " code.muted { (serde_json::to_value(diagnostic.code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()) }
                    }
                }
            }
        }
    }
}

fn target_basis(ctx: &Ctx, assessment: &Assessment) -> Markup {
    use zijin_assess::TargetBasis;
    html! {
        @match assessment.target_basis {
            Some(TargetBasis::Region) => { " " span.muted { (ctx.t("（规划分解到本地区的目标）", "(the plan's target for this region)")) } }
            Some(TargetBasis::Implied) => { " " span.muted { (ctx.t("（无分解目标：按全市要求增速推算）", "(no target of its own: implied from the city's required growth)")) } }
            _ => {}
        }
    }
}

/// A source as a link when it is a URL, as text otherwise.
pub(crate) fn source_link(source: &str) -> Markup {
    html! {
        @if source.starts_with("http://") || source.starts_with("https://") {
            a.source href=(source) rel="noreferrer external" { (source) }
        } @else {
            (source)
        }
    }
}

fn history_table(ctx: &Ctx, indicator: &Indicator, history: &[ObservationRecord]) -> Markup {
    let superseded = |record: &ObservationRecord| {
        history.iter().any(|other| {
            other.observation.period == record.observation.period
                && other.revision > record.revision
        })
    };
    html! {
        @if history.is_empty() {
            p.empty { (ctx.t("暂无数据。", "No data yet.")) }
        } @else {
            table.data.sortable {
                caption { (ctx.t("全部数值及其修订", "Every value and its revisions")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("期间", "Period")) }
                        th scope="col" data-sort="number" { (ctx.t("数值", "Value")) }
                        th scope="col" { (ctx.t("修订", "Revision")) }
                        th scope="col" { (ctx.t("来源", "Source")) }
                        th scope="col" { (ctx.t("来源质量", "Source quality")) }
                        th scope="col" { (ctx.t("导入", "Imported")) }
                        th scope="col" { (ctx.t("备注", "Note")) }
                    }
                }
                tbody {
                    @for record in history {
                        @let observation = &record.observation;
                        @let old = superseded(record);
                        tr class=[old.then_some("superseded")] {
                            td { (observation.period.to_string()) }
                            td data-value=(observation.value) { (format::qualified(observation.value, observation.qualifier, &indicator.unit)) }
                            td {
                                (record.revision)
                                @if old { " " span.muted { (ctx.t("（已被修订）", "(revised since)")) } }
                            }
                            td { (source_link(&observation.source)) }
                            td {
                                (format::source_quality_name(observation.source_quality, ctx.lang))
                                @if observation.source_quality == SourceQuality::Synthetic { " " (ctx.synthetic_badge()) }
                            }
                            td { (record.imported_at.format("%Y-%m-%d %H:%M").to_string()) " · " (record.imported_by) }
                            td { (observation.note.clone().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

/// The latest values of one kind of region as bars, with their table.
fn breakdown(
    ctx: &Ctx,
    report: &AssessmentReport,
    indicator: &Indicator,
    kind: RegionKind,
) -> Markup {
    let rows: Vec<(&Region, &Assessment)> = report
        .regions
        .iter()
        .filter(|region| region.kind == kind)
        .filter_map(|region| {
            report
                .assessments
                .iter()
                .find(|assessment| {
                    assessment.indicator == indicator.code && assessment.region == region.code
                })
                .map(|assessment| (region, assessment))
        })
        .collect();
    let group = format::region_group_name(kind, ctx.lang);
    if rows
        .iter()
        .all(|(_, assessment)| assessment.latest.is_none())
    {
        return html! {
            h3 { (group) }
            p.empty { (ctx.t("暂无分地区数据。", "No data for these regions yet.")) }
        };
    }
    let any_synthetic = rows.iter().any(|(_, assessment)| is_synthetic(assessment));
    if any_synthetic {
        ctx.note_synthetic();
    }
    let name = ctx.lang.pick(&indicator.name_zh, &indicator.name_en);
    let chart = zijin_charts::Bars {
        labels: zijin_charts::Labels {
            title: match ctx.lang {
                Lang::Zh => format!("{group}{name}最新值"),
                Lang::En => format!("{name}: latest value, {}", group.to_lowercase()),
            },
            unit: indicator.unit.clone(),
            x_label: ctx.t("最新值", "Latest value").to_owned(),
            y_label: String::new(),
        },
        width: 720,
        rows: rows
            .iter()
            .map(|(region, assessment)| zijin_charts::Bar {
                label: ctx.lang.pick(&region.name_zh, &region.name_en).to_owned(),
                value: assessment.latest.as_ref().map(|latest| latest.value),
                value_text: assessment
                    .latest
                    .as_ref()
                    .map_or_else(String::new, |latest| {
                        format::qualified(latest.value, latest.qualifier, &indicator.unit)
                    }),
                light: format::chart_light(assessment.light),
                synthetic: is_synthetic(assessment),
            })
            .collect(),
        reference: None,
    };
    let header = [
        ctx.t("地区", "Region"),
        ctx.t("最新值", "Latest value"),
        ctx.t("灯", "Light"),
        ctx.t("完成进度", "Completion"),
        ctx.t("增长比", "Growth ratio"),
    ];
    let table_rows = rows
        .iter()
        .map(|(region, assessment)| {
            vec![
                html! { a href=(ctx.href(&format!("/indicators/{}", indicator.code), &[("region", region.code.as_str())])) { (ctx.lang.pick(&region.name_zh, &region.name_en)) } },
                latest_cell(ctx, assessment),
                ctx.light(assessment.light),
                html! { (format::optional(assessment.completion, format::percent)) },
                html! { (format::optional(assessment.growth_ratio, format::ratio)) },
            ]
        })
        .collect();
    html! {
        h3 { (group) }
        (figure(zijin_charts::bars(&chart), ""))
        (chart_table(ctx, &header, table_rows))
        @if any_synthetic { p.note { (PreEscaped("* ")) (ctx.t("标星号的为合成数据（演示用）。", "Rows marked * are synthetic (demo) data.")) " " (ctx.synthetic_badge()) } }
    }
}
