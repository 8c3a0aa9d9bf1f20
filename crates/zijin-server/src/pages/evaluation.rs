//! Evaluations (考核评价): the composite-index frameworks run on the parks and
//! the new R&D institutions.
//!
//! - `/evaluations`: the latest run of every framework and year;
//! - `/evaluations/{framework}/{year}`: the ranking by the index, the score
//!   of every pillar, the rank uncertainty (chart and table) and, for a
//!   framework with an exit rule (NRI), the exit flags with their reasons;
//!   a banner states the version, the method and the synthetic-data label;
//! - `/evaluations/{framework}/{year}.xlsx`: the same as a workbook
//!   (`zijin_report::evaluation_xlsx`);
//! - `/evaluations/{framework}/{year}/{unit}`: one unit's profile: its index
//!   score and rank with the rank interval, a bar per pillar, its strongest
//!   and weakest indicators, every indicator with its rationale.
//!
//! `{framework}` is the framework's short key (`parks`, `nri`) or its code.
//! The rendering is pure functions of the evaluation (`list_body`,
//! `ranking_body`, `profile_body`); the handlers only read and answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use zijin_app::{Evaluation, EvaluationRun, NodeInfo, UnitResult};
use zijin_domain::Lang;
use zijin_report::evaluation::{
    EvaluationView, exit_reasons, framework_name, method_text, node_name, rank_chart,
    synthetic_note,
};
use zijin_store::Store;

use super::{Ctx, PageError, chart_table, figure};
use crate::Shared;
use crate::error::ApiError;
use crate::format;

/// How many strongest and weakest indicators a profile lists.
const EXTREMES: usize = 3;

/// The list of evaluations.
pub(crate) async fn list<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let runs = state.app.evaluations().await.map_err(|e| ctx.error(e))?;
    // The number of units is in the results, not the run.
    let mut rows = Vec::with_capacity(runs.len());
    for run in runs {
        let units = state
            .app
            .evaluation(&run.key, run.year)
            .await
            .map_err(|e| ctx.error(e))?
            .map(|evaluation| evaluation.units.len());
        rows.push((run, units));
    }
    let title = ctx.t("考核评价", "Evaluations");
    Ok(ctx.render(title, list_body(&ctx, &rows)))
}

/// `/evaluations/{framework}/{year}` and `/evaluations/{framework}/{year}.xlsx`.
pub(crate) async fn ranking<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path((framework, year)): Path<(String, String)>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let (year_text, xlsx) = match year.strip_suffix(".xlsx") {
        Some(year) => (year, true),
        None => (year.as_str(), false),
    };
    let evaluation = load(&state, &ctx, &framework, year_text).await?;
    if xlsx {
        let bytes = zijin_report::evaluation_xlsx(&evaluation, ctx.lang).map_err(|error| {
            ctx.error(ApiError::internal(format!("writing the workbook: {error}")))
        })?;
        let name = format!("{}-{}.xlsx", evaluation.run.key, evaluation.run.year);
        return Ok(crate::downloads::attachment(
            bytes,
            crate::downloads::XLSX_TYPE,
            &name,
        ));
    }
    let years: Vec<i32> = state
        .app
        .evaluations()
        .await
        .map_err(|e| ctx.error(e))?
        .into_iter()
        .filter(|run| run.framework == evaluation.run.framework)
        .map(|run| run.year)
        .collect();
    let title = format!(
        "{} {}",
        framework_name(&evaluation, ctx.lang),
        evaluation.run.year
    );
    Ok(ctx.render(&title, ranking_body(&ctx, &evaluation, &years)))
}

/// `/evaluations/{framework}/{year}/{unit}`.
pub(crate) async fn profile<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path((framework, year, unit)): Path<(String, String, String)>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let evaluation = load(&state, &ctx, &framework, &year).await?;
    let Some(body) = profile_body(&ctx, &evaluation, &unit) else {
        return Err(ctx.error(unknown_unit(&evaluation.run, &unit)));
    };
    let view = EvaluationView::new(&evaluation);
    let title = format!("{} · {}", view.unit_name(&unit), evaluation.run.year);
    Ok(ctx.render(&title, body))
}

async fn load<S: Store + 'static>(
    state: &Shared<S>,
    ctx: &Ctx,
    framework: &str,
    year: &str,
) -> Result<Evaluation, PageError> {
    let Ok(year_number) = year.parse::<i32>() else {
        return Err(ctx.error(unknown_evaluation(framework, year)));
    };
    state
        .app
        .evaluation(framework, year_number)
        .await
        .map_err(|e| ctx.error(e))?
        .ok_or_else(|| ctx.error(unknown_evaluation(framework, year)))
}

pub(crate) fn unknown_evaluation(framework: &str, year: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_evaluation",
        format!("no evaluation of framework {framework} in {year}; /evaluations lists them"),
    )
}

fn unknown_unit(run: &EvaluationRun, unit: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_unit",
        format!(
            "unit {unit} is not in the evaluation {} {}; /evaluations/{}/{} lists its units",
            run.key, run.year, run.key, run.year
        ),
    )
}

fn ranking_href(ctx: &Ctx, run: &EvaluationRun) -> String {
    ctx.href(&format!("/evaluations/{}/{}", run.key, run.year), &[])
}

fn profile_href(ctx: &Ctx, run: &EvaluationRun, unit: &str) -> String {
    ctx.href(
        &format!(
            "/evaluations/{}/{}/{}",
            run.key,
            run.year,
            super::encode(unit)
        ),
        &[],
    )
}

/// The synthetic-data label of an evaluation (合成数据), pointing at the
/// page's note; the footer then explains it.
fn synthetic_label(ctx: &Ctx) -> Markup {
    ctx.note_synthetic();
    html! {
        a.badge.badge-synthetic href="#evaluation-note"
            title=(ctx.t("合成数据：演示用，不是真实统计", "Synthetic data: generated for the demo, not real figures")) {
            (ctx.t("合成数据", "synthetic data"))
        }
    }
}

fn unit_kind_name(kind: &str, lang: Lang) -> &str {
    match kind {
        "park" => lang.pick("园区", "parks"),
        "institution" => lang.pick("机构", "institutions"),
        other => other,
    }
}

fn rank_of(rank: Option<u32>, of: usize, lang: Lang) -> String {
    match (rank, lang) {
        (Some(rank), Lang::Zh) => format!("第 {rank} 名（共 {of}）"),
        (Some(rank), Lang::En) => format!("#{rank} of {of}"),
        (None, _) => "—".to_owned(),
    }
}

/// A rank percentile (a whole number, or a half between two ranks).
fn rank_number(value: f64) -> String {
    format::number(value)
}

fn score_text(score: Option<f64>) -> String {
    format::optional(score, format::number)
}

/// The rationale of an indicator in `lang`: the file writes Chinese, then
/// " / " and English.
fn rationale_text(rationale: &str, lang: Lang) -> &str {
    match rationale.split_once(" / ") {
        Some((zh, en)) => lang.pick(zh.trim(), en.trim()),
        None => rationale,
    }
}

fn value_text(node: &NodeInfo, value: Option<f64>) -> String {
    match value {
        Some(value) => format::with_unit(value, node.unit.as_deref().unwrap_or("")),
        None => "—".to_owned(),
    }
}

pub(crate) fn list_body(ctx: &Ctx, rows: &[(EvaluationRun, Option<usize>)]) -> Markup {
    let lang = ctx.lang;
    html! {
        h1 { (ctx.t("考核评价", "Evaluations")) }
        p.lead {
            (ctx.t(
                "按考核评价指标体系计算的综合指数：各园区、各新型研发机构的年度排名、名次不确定性与单位画像。",
                "Composite indices of the evaluation frameworks: the yearly ranking of the parks and of the new R&D institutions, the uncertainty of the ranks, and a profile of each unit."
            ))
        }
        @if rows.is_empty() {
            p.empty {
                (ctx.t(
                    "尚无考核评价结果。运行 zijin demo（或 zijin evaluate）后在此显示。",
                    "No evaluation yet. They show here once zijin demo (or zijin evaluate) has run them."
                ))
            }
        } @else {
            table.data.sortable {
                caption { (ctx.t("各指标体系各年度的最新结果", "The latest run of every framework and year")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("指标体系", "Framework")) }
                        th scope="col" data-sort="number" { (ctx.t("年度", "Year")) }
                        th scope="col" { (ctx.t("版本", "Version")) }
                        th scope="col" data-sort="number" { (ctx.t("评价对象数", "Units")) }
                        th scope="col" { (ctx.t("数据", "Data")) }
                    }
                }
                tbody {
                    @for (run, units) in rows {
                        tr {
                            th scope="row" {
                                a href=(ranking_href(ctx, run)) {
                                    (lang.pick(&run.name_zh, &run.name_en)) " " (run.year)
                                }
                            }
                            td { (run.year) }
                            td { code { (run.version) } }
                            td data-value=(units.unwrap_or(0)) {
                                @if let Some(units) = units { (units) " " (unit_kind_name(&run.unit_kind, lang)) } @else { "—" }
                            }
                            td {
                                @if run.synthetic {
                                    (synthetic_label(ctx))
                                } @else {
                                    (ctx.t("报送数据", "reported"))
                                }
                            }
                        }
                    }
                }
            }
            @if rows.iter().any(|(run, _)| run.synthetic) {
                p.note #evaluation-note {
                    (ctx.t(
                        "标有“合成数据”的考核评价使用演示用合成数据，评价对象与数值均为虚构，不是真实统计。",
                        "Evaluations marked “synthetic data” use synthetic demo data: the units and their figures are invented, not real statistics."
                    ))
                }
            }
        }
    }
}

/// The banner of an evaluation: version, method, the synthetic-data label
/// and note.
fn banner(ctx: &Ctx, evaluation: &Evaluation) -> Markup {
    let run = &evaluation.run;
    html! {
        section.about-run aria-label=(ctx.t("关于本次评价", "About this evaluation")) {
            @if run.synthetic {
                p #evaluation-note {
                    (synthetic_label(ctx)) " "
                    strong { (ctx.t("本页数值为合成数据，不是真实统计。", "The figures of this page are synthetic, not real statistics.")) }
                    " " (synthetic_note(evaluation, ctx.lang))
                }
            }
            p.lead {
                (ctx.t("指标体系 ", "Framework ")) code { (run.framework) }
                (ctx.t("，版本 ", ", version ")) code { (run.version) }
                (ctx.t("；", "; ")) (method_text(evaluation, ctx.lang))
            }
        }
    }
}

pub(crate) fn ranking_body(ctx: &Ctx, evaluation: &Evaluation, years: &[i32]) -> Markup {
    let lang = ctx.lang;
    let run = &evaluation.run;
    let view = EvaluationView::new(evaluation);
    let pillars = view.pillars();
    let exit = view.has_exit_rule();
    let index_name = view
        .index()
        .map_or(evaluation.index_code.as_str(), |node| node_name(node, lang));
    let flagged: Vec<&(String, String)> = view
        .units()
        .filter(|(unit, _)| view.exit_flag(unit).is_some_and(|flag| flag.flagged))
        .collect();
    let ranked = view.ranked(&evaluation.index_code);
    let name = framework_name(evaluation, lang);
    let chart_rows: Vec<Vec<Markup>> = view
        .units()
        .filter_map(|(unit, unit_name)| {
            let ranks = view.uncertainty(unit)?;
            Some(vec![
                html! { a href=(profile_href(ctx, run, unit)) { (unit_name) } },
                html! { (rank_number(ranks.nominal)) },
                html! { (rank_number(ranks.median)) },
                html! { (rank_number(ranks.q05)) },
                html! { (rank_number(ranks.q95)) },
            ])
        })
        .collect();
    html! {
        p.breadcrumb { a href=(ctx.href("/evaluations", &[])) { (ctx.t("考核评价", "Evaluations")) } " › " (name) }
        h1 { (name) " " (run.year) @if run.synthetic { " " (synthetic_label(ctx)) } }
        (banner(ctx, evaluation))
        @if years.len() > 1 {
            p {
                (ctx.t("年度：", "Years: "))
                @for (index, year) in years.iter().enumerate() {
                    @if index > 0 { " · " }
                    @if *year == run.year {
                        strong aria-current="page" { (year) }
                    } @else {
                        a href=(ctx.href(&format!("/evaluations/{}/{year}", run.key), &[])) { (year) }
                    }
                }
            }
        }
        p {
            a href=(ctx.href(&format!("/evaluations/{}/{}.xlsx", run.key, run.year), &[])) {
                (ctx.t("下载 XLSX（排名、各指标数值与得分、说明）", "Download XLSX (ranking, every indicator's value and score, about)"))
            }
        }
        @if exit {
            section #exit-flags {
                h2 { (ctx.t("退出预警", "Exit flags")) }
                @if flagged.is_empty() {
                    p { (ctx.t("本年度没有机构被标记退出审查。", "No institution is flagged for exit review this year.")) }
                } @else {
                    p {
                        (ctx.t("以下机构被标记退出审查（预警只是提请复核，不是自动退出）：", "These institutions are flagged for exit review (a flag asks for a review; it is not an exit):"))
                    }
                    ul {
                        @for (unit, unit_name) in &flagged {
                            li {
                                span.light-red { strong { (ctx.t("标记退出审查", "Flagged for exit review")) } } " — "
                                a href=(profile_href(ctx, run, unit)) { (unit_name) }
                                @if let Some(flag) = view.exit_flag(unit) {
                                    ul { @for reason in exit_reasons(flag, lang) { li { (reason) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #ranking {
            h2 { (ctx.t("排名", "Ranking")) }
            table.data.sortable {
                caption {
                    (match lang {
                        Lang::Zh => format!("按{index_name}排名（{ranked} 家参加排名）"),
                        Lang::En => format!("Ranked by {index_name} ({ranked} ranked)"),
                    })
                }
                thead {
                    tr {
                        th scope="col" data-sort="number" { (ctx.t("名次", "Rank")) }
                        th scope="col" { (ctx.t("名称", "Name")) }
                        th scope="col" data-sort="number" { (ctx.t("指数得分", "Score")) }
                        th scope="col" data-sort="number" { (ctx.t("名次区间（5%–95%）", "Rank interval (5th–95th percentile)")) }
                        th scope="col" data-sort="number" { (ctx.t("中位名次", "Median rank")) }
                        @for pillar in &pillars {
                            th scope="col" data-sort="number" { (node_name(pillar, lang)) }
                        }
                        @if exit { th scope="col" { (ctx.t("退出预警", "Exit flag")) } }
                    }
                }
                tbody {
                    @for (unit, unit_name) in view.units() {
                        @let index = view.index_result(unit);
                        @let ranks = view.uncertainty(unit);
                        tr {
                            td data-value=(index.and_then(|r| r.rank).unwrap_or(u32::MAX)) {
                                (index.and_then(|r| r.rank).map_or("—".to_owned(), |rank| rank.to_string()))
                            }
                            th scope="row" {
                                a href=(profile_href(ctx, run, unit)) { (unit_name) }
                                " " span.muted { code { (unit) } }
                            }
                            td data-value=(index.and_then(|r| r.score).unwrap_or(f64::NAN)) { (score_text(index.and_then(|r| r.score))) }
                            td data-value=(ranks.map_or(f64::NAN, |r| r.q05)) {
                                @if let Some(ranks) = ranks { (rank_number(ranks.q05)) "–" (rank_number(ranks.q95)) } @else { "—" }
                            }
                            td data-value=(ranks.map_or(f64::NAN, |r| r.median)) { (ranks.map_or("—".to_owned(), |r| rank_number(r.median))) }
                            @for pillar in &pillars {
                                @let score = view.result(unit, &pillar.code).and_then(|r| r.score);
                                td data-value=(score.unwrap_or(f64::NAN)) { (score_text(score)) }
                            }
                            @if exit {
                                td {
                                    @match view.exit_flag(unit) {
                                        Some(flag) if flag.flagged => {
                                            span.light-red title=(exit_reasons(flag, lang).join("; ")) {
                                                strong { (ctx.t("标记退出审查", "flagged")) }
                                            }
                                        }
                                        _ => { span.muted { (ctx.t("否", "no")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #uncertainty {
            h2 { (ctx.t("名次不确定性", "Rank uncertainty")) }
            p.note {
                (ctx.t(
                    "条形为各单位在不确定性分析中名次分布的第 5 至第 95 百分位数，竖线为中位名次，圆点为按名义权重与方法计算的名次；名次 1 为最好。",
                    "The bar is the 5th to 95th percentile of a unit's ranks in the uncertainty analysis, the tick its median rank, the dot its rank with the nominal weights and methods; rank 1 is the best."
                ))
            }
            (figure(rank_chart(&view, lang, 720), ""))
            (chart_table(
                ctx,
                &[
                    ctx.t("名称", "Name"),
                    ctx.t("名义名次", "Nominal rank"),
                    ctx.t("中位名次", "Median rank"),
                    ctx.t("5% 分位", "5th percentile"),
                    ctx.t("95% 分位", "95th percentile"),
                ],
                chart_rows,
            ))
        }
    }
}

/// One indicator of a unit with its result.
struct Scored<'a> {
    node: &'a NodeInfo,
    result: Option<&'a UnitResult>,
}

pub(crate) fn profile_body(ctx: &Ctx, evaluation: &Evaluation, unit: &str) -> Option<Markup> {
    let lang = ctx.lang;
    let run = &evaluation.run;
    let view = EvaluationView::new(evaluation);
    if !view.units().any(|(code, _)| code == unit) {
        return None;
    }
    let unit_name = view.unit_name(unit);
    let index = view.index_result(unit);
    let ranked = view.ranked(&evaluation.index_code);
    let ranks = view.uncertainty(unit);
    let pillars = view.pillars();
    let mut indicators: Vec<Scored<'_>> = view
        .indicators()
        .into_iter()
        .map(|node| Scored {
            node,
            result: view.result(unit, &node.code),
        })
        .collect();
    // By rank, best first; unranked indicators are neither strongest nor weakest.
    indicators.sort_by_key(|scored| scored.result.and_then(|r| r.rank).unwrap_or(u32::MAX));
    let ranked_indicators: Vec<&Scored<'_>> = indicators
        .iter()
        .filter(|scored| scored.result.is_some_and(|r| r.rank.is_some()))
        .collect();
    let count = ranked_indicators.len().min(EXTREMES);
    let strongest = &ranked_indicators[..count];
    let weakest: Vec<&Scored<'_>> = ranked_indicators
        .iter()
        .rev()
        .take(count.min(ranked_indicators.len().saturating_sub(count)))
        .copied()
        .collect();
    let pillar_bars = zijin_charts::Bars {
        labels: zijin_charts::Labels {
            title: match lang {
                Lang::Zh => format!("{unit_name}各分项得分"),
                Lang::En => format!("{unit_name}: pillar scores"),
            },
            unit: String::new(),
            x_label: ctx.t("得分", "Score").to_owned(),
            y_label: String::new(),
        },
        width: 640,
        rows: pillars
            .iter()
            .map(|pillar| {
                let result = view.result(unit, &pillar.code);
                zijin_charts::Bar {
                    label: node_name(pillar, lang).to_owned(),
                    value: result.and_then(|r| r.score),
                    value_text: match result.and_then(|r| r.score) {
                        Some(score) => format!(
                            "{} · {}",
                            format::number(score),
                            rank_of(result.and_then(|r| r.rank), view.ranked(&pillar.code), lang)
                        ),
                        None => String::new(),
                    },
                    light: None,
                    synthetic: run.synthetic,
                }
            })
            .collect(),
        reference: None,
    };
    let indicator_table = |caption: &str, rows: &[&Scored<'_>]| {
        html! {
            table.data {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("指标", "Indicator")) }
                        th scope="col" { (ctx.t("原始值", "Value")) }
                        th scope="col" { (ctx.t("得分", "Score")) }
                        th scope="col" { (ctx.t("名次", "Rank")) }
                    }
                }
                tbody {
                    @for scored in rows {
                        tr {
                            th scope="row" {
                                @if let Some(rationale) = &scored.node.rationale {
                                    span.qualified title=(rationale_text(rationale, lang)) { (node_name(scored.node, lang)) }
                                } @else {
                                    (node_name(scored.node, lang))
                                }
                            }
                            td { (value_text(scored.node, scored.result.and_then(|r| r.value))) }
                            td { (score_text(scored.result.and_then(|r| r.score))) }
                            td { (rank_of(scored.result.and_then(|r| r.rank), view.ranked(&scored.node.code), lang)) }
                        }
                    }
                }
            }
        }
    };
    let pillar_rows: Vec<Vec<Markup>> = pillars
        .iter()
        .map(|pillar| {
            let result = view.result(unit, &pillar.code);
            vec![
                html! { (node_name(pillar, lang)) },
                html! { (score_text(result.and_then(|r| r.score))) },
                html! { (rank_of(result.and_then(|r| r.rank), view.ranked(&pillar.code), lang)) },
            ]
        })
        .collect();
    let framework = framework_name(evaluation, lang);
    Some(html! {
        p.breadcrumb {
            a href=(ctx.href("/evaluations", &[])) { (ctx.t("考核评价", "Evaluations")) } " › "
            a href=(ranking_href(ctx, run)) { (framework) " " (run.year) } " › "
            (unit_name)
        }
        h1 { (unit_name) @if run.synthetic { " " (synthetic_label(ctx)) } }
        p.lead { code { (unit) } " · " (framework) " " (run.year) " · " (ctx.t("版本 ", "version ")) code { (run.version) } }
        @if run.synthetic {
            p.note #evaluation-note {
                strong { (ctx.t("合成数据：", "Synthetic data: ")) }
                (synthetic_note(evaluation, lang))
            }
        }
        section #index {
            h2 { (view.index().map_or(evaluation.index_code.as_str(), |node| node_name(node, lang))) }
            div.counts {
                p.status-counts {
                    (ctx.t("得分 ", "Score ")) strong { (score_text(index.and_then(|r| r.score))) }
                }
                p.status-counts {
                    strong { (rank_of(index.and_then(|r| r.rank), ranked, lang)) }
                }
                @if let Some(ranks) = ranks {
                    p.status-counts {
                        (ctx.t("名次区间（5%–95%）", "Rank interval (5th–95th percentile) "))
                        strong { (rank_number(ranks.q05)) "–" (rank_number(ranks.q95)) }
                        (ctx.t("，中位 ", ", median ")) (rank_number(ranks.median))
                    }
                }
            }
            p.note { (method_text(evaluation, lang)) }
            @if let Some(flag) = view.exit_flag(unit) {
                @if flag.flagged {
                    p.light-red { strong { (ctx.t("标记退出审查", "Flagged for exit review")) } }
                } @else {
                    p { (ctx.t("未标记退出审查。", "Not flagged for exit review.")) }
                }
                ul { @for reason in exit_reasons(flag, lang) { li { (reason) } } }
            }
        }
        section #pillars {
            h2 { (ctx.t("分项", "Pillars")) }
            (figure(zijin_charts::bars(&pillar_bars), ""))
            (chart_table(ctx, &[ctx.t("分项", "Pillar"), ctx.t("得分", "Score"), ctx.t("名次", "Rank")], pillar_rows))
        }
        section #extremes {
            h2 { (ctx.t("优势与短板指标", "Strongest and weakest indicators")) }
            @if strongest.is_empty() {
                p.empty { (ctx.t("没有参加排名的指标。", "No indicator is ranked.")) }
            } @else {
                div.columns {
                    (indicator_table(ctx.t("名次最好的指标", "Best ranked"), strongest))
                    @if !weakest.is_empty() {
                        (indicator_table(ctx.t("名次最差的指标", "Worst ranked"), &weakest))
                    }
                }
            }
        }
        section #indicators {
            h2 { (ctx.t("全部指标", "Every indicator")) }
            @for pillar in &pillars {
                h3 { (node_name(pillar, lang)) }
                table.data {
                    thead {
                        tr {
                            th scope="col" { (ctx.t("指标", "Indicator")) }
                            th scope="col" { (ctx.t("原始值", "Value")) }
                            th scope="col" { (ctx.t("得分", "Score")) }
                            th scope="col" { (ctx.t("名次", "Rank")) }
                            th scope="col" { (ctx.t("设置理由", "Rationale")) }
                        }
                    }
                    tbody {
                        @for node in view.children(&pillar.code) {
                            @let result = view.result(unit, &node.code);
                            tr {
                                th scope="row" { (node_name(node, lang)) }
                                td { (value_text(node, result.and_then(|r| r.value))) }
                                td { (score_text(result.and_then(|r| r.score))) }
                                td { (rank_of(result.and_then(|r| r.rank), view.ranked(&node.code), lang)) }
                                td {
                                    @if let Some(rationale) = &node.rationale {
                                        details {
                                            summary { (ctx.t("理由", "Why")) }
                                            (rationale_text(rationale, lang))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use chrono::{TimeZone, Utc};
    use zijin_app::{ExitFlag, RankUncertainty};

    use super::*;
    use crate::params::Params;

    fn ctx(lang: Lang, path: &str) -> Ctx {
        Ctx {
            lang,
            explicit_lang: lang == Lang::En,
            as_of: None,
            path: path.to_owned(),
            params: Params::default(),
            synthetic_shown: AtomicBool::new(false),
        }
    }

    fn node(code: &str, level: u32, parent: Option<&str>) -> NodeInfo {
        NodeInfo {
            code: code.to_owned(),
            name_zh: format!("{code}中"),
            name_en: format!("{code} en"),
            level,
            parent: parent.map(str::to_owned),
            weight: 1.0,
            direction: 1.0,
            unit: (level == 1).then(|| "件".to_owned()),
            rationale: (level == 1).then(|| format!("{code}的理由 / why {code}")),
        }
    }

    /// Four institutions, two pillars of two indicators; the last one flagged.
    fn sample() -> Evaluation {
        let units = ["甲机构", "乙机构", "丙机构", "丁机构"];
        let nodes = vec![
            node("a1", 1, Some("pa")),
            node("a2", 1, Some("pa")),
            node("b1", 1, Some("pb")),
            node("b2", 1, Some("pb")),
            node("pa", 2, Some("idx")),
            node("pb", 2, Some("idx")),
            node("idx", 3, None),
        ];
        let mut results = Vec::new();
        for (place, name) in units.iter().enumerate() {
            for (column, node) in nodes.iter().enumerate() {
                // The first unit is best everywhere but on b2, where it is last.
                let rank = if node.code == "b2" {
                    (4 - place) as u32
                } else {
                    place as u32 + 1
                };
                results.push(UnitResult {
                    unit: format!("NRI00{}", place + 1),
                    unit_name: (*name).to_owned(),
                    code: node.code.clone(),
                    value: (node.level == 1).then_some(10.0 * (4 - place) as f64 + column as f64),
                    score: Some(100.0 - 25.0 * f64::from(rank - 1)),
                    rank: Some(rank),
                });
            }
        }
        Evaluation {
            run: EvaluationRun {
                id: 1,
                framework: "nj-nri-yearly".to_owned(),
                key: "nri".to_owned(),
                version: "2025.1".to_owned(),
                name_zh: "新型研发机构年度考核指标体系".to_owned(),
                name_en: "Yearly assessment of new R&D institutions".to_owned(),
                unit_kind: "institution".to_owned(),
                year: 2024,
                synthetic: true,
                note_zh: "示例机构均为虚构".to_owned(),
                note_en: "the institutions are invented".to_owned(),
                runs: 1000,
                seed: 2025,
                created_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            },
            nodes,
            units: units
                .iter()
                .enumerate()
                .map(|(place, name)| (format!("NRI00{}", place + 1), (*name).to_owned()))
                .collect(),
            results,
            uncertainty: (0..4)
                .map(|place| RankUncertainty {
                    unit: format!("NRI00{}", place + 1),
                    nominal: place as f64 + 1.0,
                    median: place as f64 + 1.5,
                    q05: (place as f64).max(1.0),
                    q95: (place as f64 + 2.0).min(4.0),
                    mean: place as f64 + 1.0,
                })
                .collect(),
            exit_flags: (0..4)
                .map(|place| ExitFlag {
                    unit: format!("NRI00{}", place + 1),
                    flagged: place == 3,
                    reasons_zh: vec![format!("原因 {place}")],
                    reasons_en: vec![format!("reason {place}")],
                })
                .collect(),
            index_code: "idx".to_owned(),
        }
    }

    #[test]
    fn the_ranking_has_units_pillars_intervals_flags_and_the_label() {
        let evaluation = sample();
        let ctx = ctx(Lang::Zh, "/evaluations/nri/2024");
        let html = ranking_body(&ctx, &evaluation, &[2023, 2024]).into_string();
        for expected in [
            "新型研发机构年度考核指标体系 2024",
            "合成数据",
            "示例机构均为虚构",
            "版本 <code>2025.1</code>",
            "COINr",
            "共 1000 次，随机种子 2025",
            "href=\"/evaluations/nri/2024/NRI001\"",
            "href=\"/evaluations/nri/2024.xlsx\"",
            "href=\"/evaluations/nri/2023\"",
            "pa中",
            "pb中",
            "标记退出审查",
            "原因 3",
            "class=\"interval\"",
            "1–3",
        ] {
            assert!(html.contains(expected), "{expected} not in {html}");
        }
        // Units in rank order, the flagged one last.
        let table = &html[html.find("id=\"ranking\"").unwrap()..];
        let first = table.find("甲机构").unwrap();
        let last = table.find("丁机构").unwrap();
        assert!(first < last);
        assert!(
            ctx.synthetic_shown.load(Ordering::Relaxed),
            "the footer explains the label"
        );

        let ctx = super::tests::ctx(Lang::En, "/evaluations/nri/2024");
        let html = ranking_body(&ctx, &evaluation, &[2024]).into_string();
        for expected in [
            "synthetic data",
            "the institutions are invented",
            "pa en",
            "Flagged for exit review",
            "reason 3",
            "?lang=en",
        ] {
            assert!(html.contains(expected), "{expected} not in {html}");
        }
    }

    #[test]
    fn a_profile_has_index_pillars_extremes_and_rationales() {
        let evaluation = sample();
        let ctx = ctx(Lang::Zh, "/evaluations/nri/2024/NRI001");
        let html = profile_body(&ctx, &evaluation, "NRI001")
            .expect("a unit of the evaluation")
            .into_string();
        for expected in [
            "甲机构",
            "第 1 名（共 4）",
            "名次区间（5%–95%）",
            "pa中",
            "合成数据",
            "a1的理由",
            "未标记退出审查",
            "原因 0",
        ] {
            assert!(html.contains(expected), "{expected} not in {html}");
        }
        assert!(
            !html.contains("why a1"),
            "the rationale in the page's language"
        );
        // b2 is its weakest indicator, a1 among its strongest.
        let weakest = html.find("名次最差的指标").unwrap();
        let b2 = html[weakest..].find("b2中").map(|at| at + weakest).unwrap();
        assert!(b2 > weakest);
        assert!(html[..weakest].contains("a1中"));
        assert!(html.contains("40 件"), "the raw value with its unit");
        assert!(profile_body(&ctx, &evaluation, "NRI999").is_none());

        let html = profile_body(&ctx, &evaluation, "NRI004")
            .unwrap()
            .into_string();
        assert!(html.contains("标记退出审查") && !html.contains("未标记退出审查"));
    }

    #[test]
    fn the_list_links_every_run_and_labels_synthetic_data() {
        let evaluation = sample();
        let ctx = ctx(Lang::Zh, "/evaluations");
        let html = list_body(&ctx, &[(evaluation.run.clone(), Some(4))]).into_string();
        assert!(html.contains("href=\"/evaluations/nri/2024\""));
        assert!(html.contains("4 机构"));
        assert!(html.contains("合成数据"));
        let html = list_body(&ctx, &[]).into_string();
        assert!(html.contains("尚无考核评价结果"));
    }
}
