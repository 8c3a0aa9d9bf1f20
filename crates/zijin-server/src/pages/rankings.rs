//! Rankings: districts and parks by growth ratio and by completion, overall
//! and per indicator, with a schematic tile map of the districts.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use zijin_app::AppError;
use zijin_app::AssessmentReport;
use zijin_app::monitor::{IndicatorRanking, Ranked, RankingGroup, rankings};
use zijin_assess::Light;
use zijin_domain::{Indicator, Lang, RegionKind};
use zijin_store::Store;

use super::{Ctx, PageError, chart_table, date_form, figure};
use crate::Shared;
use crate::format;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let wanted = ctx
        .params
        .indicator("indicator")
        .map_err(|e| ctx.error(e))?;
    let report = state.report(ctx.as_of).await.map_err(|e| ctx.error(e))?;
    let indicator = match &wanted {
        Some(code) => report
            .plan
            .indicator(code)
            .ok_or_else(|| ctx.error(AppError::UnknownIndicator(code.clone())))?,
        None => report
            .plan
            .indicators
            .iter()
            .find(|indicator| !indicator.is_auxiliary())
            .ok_or_else(|| ctx.error(AppError::NoData))?,
    };
    let rankings = rankings(&report);
    let title = ctx.t("排名", "Rankings");
    let body = html! {
        h1 { (title) }
        p.lead {
            (ctx.t("各区、各园区按增长比和完成进度排名（各指标的中位数），评估日期 ", "Districts and parks ranked by growth ratio and by completion (medians over the indicators), assessed at "))
            (report.as_of.to_string())
        }
        (date_form(&ctx, report.as_of, &["indicator"]))
        @for group in &rankings.groups {
            (overall(&ctx, &report, group))
        }
        section #by-indicator {
            h2 { (ctx.t("分指标排名", "By indicator")) }
            (indicator_form(&ctx, &report, indicator))
            (tile_map(&ctx, &report, indicator))
            @for group in &rankings.groups {
                @if let Some(ranking) = group.indicators.iter().find(|ranking| ranking.indicator == indicator.code) {
                    (per_indicator(&ctx, &report, indicator, group.kind, ranking))
                } @else {
                    h3 { (format::region_group_name(group.kind, ctx.lang)) }
                    p.empty { (ctx.t("本指标暂无可排名的数据。", "No data to rank on this indicator.")) }
                }
            }
        }
    };
    Ok(ctx.render(title, body))
}

fn region_link(ctx: &Ctx, report: &AssessmentReport, code: &zijin_domain::RegionCode) -> Markup {
    html! {
        a href=(ctx.href(&format!("/regions/{code}"), &[])) { (ctx.region_name(&report.regions, code)) }
    }
}

fn overall(ctx: &Ctx, report: &AssessmentReport, group: &RankingGroup) -> Markup {
    let lights = [Some(Light::Green), Some(Light::Yellow), Some(Light::Red)];
    html! {
        section {
            h2 { (format::region_group_name(group.kind, ctx.lang)) (ctx.t("综合排名", ": overall")) }
            table.data.sortable {
                caption { (ctx.t("按各指标增长比、完成进度的中位数排名", "Ranked by the median growth ratio and completion over the indicators")) }
                thead {
                    tr {
                        th scope="col" data-sort="number" { (ctx.t("增长比名次", "Rank (growth ratio)")) }
                        th scope="col" { (ctx.t("地区", "Region")) }
                        th scope="col" data-sort="number" { (ctx.t("增长比中位数", "Median growth ratio")) }
                        th scope="col" data-sort="number" { (ctx.t("完成进度名次", "Rank (completion)")) }
                        th scope="col" data-sort="number" { (ctx.t("完成进度中位数", "Median completion")) }
                        @for light in lights { th scope="col" data-sort="number" { (ctx.light(light)) } }
                        th scope="col" data-sort="number" { (ctx.t("评估指标数", "Assessed")) }
                    }
                }
                tbody {
                    @for standing in &group.overall {
                        tr {
                            td data-value=(standing.rank_by_growth_ratio.unwrap_or(usize::MAX)) { (standing.rank_by_growth_ratio.map_or("—".to_owned(), |rank| rank.to_string())) }
                            th scope="row" {
                                (region_link(ctx, report, &standing.region))
                                @if standing.synthetic { " " (ctx.synthetic_badge()) }
                            }
                            td data-value=(standing.median_growth_ratio.unwrap_or(f64::NAN)) { (format::optional(standing.median_growth_ratio, format::ratio)) }
                            td data-value=(standing.rank_by_completion.unwrap_or(usize::MAX)) { (standing.rank_by_completion.map_or("—".to_owned(), |rank| rank.to_string())) }
                            td data-value=(standing.median_completion.unwrap_or(f64::NAN)) { (format::optional(standing.median_completion, format::percent)) }
                            td { (standing.counts.green) }
                            td { (standing.counts.yellow) }
                            td { (standing.counts.red) }
                            td { (standing.assessed) }
                        }
                    }
                }
            }
        }
    }
}

fn indicator_form(ctx: &Ctx, report: &AssessmentReport, selected: &Indicator) -> Markup {
    html! {
        form.indicator-form method="get" action="/rankings" {
            label for="indicator" { (ctx.t("指标", "Indicator")) }
            " "
            select #indicator name="indicator" {
                @for indicator in report.plan.indicators.iter().filter(|indicator| !indicator.is_auxiliary()) {
                    option value=(indicator.code) selected[indicator.code == selected.code] {
                        (ctx.lang.pick(&indicator.name_zh, &indicator.name_en))
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

/// The districts on a schematic grid, coloured by the selected indicator's
/// light; districts without a position on the grid are listed below it.
fn tile_map(ctx: &Ctx, report: &AssessmentReport, indicator: &Indicator) -> Markup {
    let districts: Vec<&zijin_domain::Region> = report
        .regions
        .iter()
        .filter(|region| region.kind == RegionKind::District)
        .collect();
    let assessment_of = |code: &zijin_domain::RegionCode| {
        report
            .assessments
            .iter()
            .find(|assessment| assessment.indicator == indicator.code && &assessment.region == code)
    };
    let mut tiles = Vec::new();
    let mut unplaced = Vec::new();
    for district in &districts {
        let assessment = assessment_of(&district.code);
        let position = zijin_charts::NANJING_TILES
            .iter()
            .find(|(code, _, _)| *code == district.code.as_str());
        match position {
            Some(&(_, row, col)) => tiles.push(zijin_charts::Tile {
                code: district.code.to_string(),
                label: ctx
                    .lang
                    .pick(&district.name_zh, &district.name_en)
                    .to_owned(),
                row,
                col,
                light: format::chart_light(assessment.and_then(|a| a.light)),
                value_text: assessment
                    .and_then(|a| a.growth_ratio)
                    .map_or_else(String::new, format::ratio),
                href: Some(ctx.href(
                    &format!("/indicators/{}", indicator.code),
                    &[("region", district.code.as_str())],
                )),
            }),
            None => unplaced.push(*district),
        }
    }
    let name = ctx.lang.pick(&indicator.name_zh, &indicator.name_en);
    let map_name = match ctx.lang {
        Lang::Zh => format!("各区{name}红黄绿灯示意图（数字为增长比）"),
        Lang::En => format!("{name}: warning light of each district (numbers: growth ratio)"),
    };
    let synthetic = districts
        .iter()
        .filter_map(|district| assessment_of(&district.code))
        .any(zijin_app::monitor::is_synthetic);
    if synthetic {
        ctx.note_synthetic();
    }
    let header = [
        ctx.t("区", "District"),
        ctx.t("灯", "Light"),
        ctx.t("增长比", "Growth ratio"),
        ctx.t("完成进度", "Completion"),
    ];
    let rows = districts
        .iter()
        .map(|district| {
            let assessment = assessment_of(&district.code);
            vec![
                region_link(ctx, report, &district.code),
                ctx.light(assessment.and_then(|a| a.light)),
                html! { (format::optional(assessment.and_then(|a| a.growth_ratio), format::ratio)) },
                html! { (format::optional(assessment.and_then(|a| a.completion), format::percent)) },
            ]
        })
        .collect();
    html! {
        h3 { (ctx.t("各区示意图", "Map of the districts")) }
        @if tiles.is_empty() {
            p.empty { (ctx.t("没有可放在示意图上的区。", "No district has a place on the map.")) }
        } @else {
            (figure(zijin_charts::tile_map(&tiles, &map_name, 84), &map_name))
        }
        @if synthetic { p.note { (ctx.t("各区数值为合成数据。", "The districts' values are synthetic.")) " " (ctx.synthetic_badge()) } }
        @if !unplaced.is_empty() {
            p {
                (ctx.t("不在示意图上的区：", "Districts not on the map: "))
                @for (index, district) in unplaced.iter().enumerate() {
                    @if index > 0 { (ctx.t("、", ", ")) }
                    (region_link(ctx, report, &district.code))
                    " (" (format::light_name(assessment_of(&district.code).and_then(|a| a.light), ctx.lang)) ")"
                }
            }
        }
        (chart_table(ctx, &header, rows))
    }
}

fn per_indicator(
    ctx: &Ctx,
    report: &AssessmentReport,
    indicator: &Indicator,
    kind: RegionKind,
    ranking: &IndicatorRanking,
) -> Markup {
    let group = format::region_group_name(kind, ctx.lang);
    let name = ctx.lang.pick(&indicator.name_zh, &indicator.name_en);
    let bar = |ranked: &Ranked| zijin_charts::Bar {
        label: ctx.region_name(&report.regions, &ranked.region).to_owned(),
        value: Some(ranked.value),
        value_text: format::ratio(ranked.value),
        light: format::chart_light(ranked.light),
        synthetic: ranked.synthetic,
    };
    if ranking
        .by_growth_ratio
        .iter()
        .any(|ranked| ranked.synthetic)
    {
        ctx.note_synthetic();
    }
    let chart = zijin_charts::Bars {
        labels: zijin_charts::Labels {
            title: match ctx.lang {
                Lang::Zh => format!("{group}{name}增长比"),
                Lang::En => format!("{name}: growth ratio, {}", group.to_lowercase()),
            },
            unit: String::new(),
            x_label: ctx.t("增长比", "Growth ratio").to_owned(),
            y_label: String::new(),
        },
        width: 720,
        rows: ranking.by_growth_ratio.iter().map(bar).collect(),
        reference: Some((1.0, ctx.t("按要求增长", "required growth").to_owned())),
    };
    let ranked_table = |caption: &str, list: &[Ranked], show: fn(f64) -> String| {
        html! {
            table.data.sortable {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" data-sort="number" { (ctx.t("名次", "Rank")) }
                        th scope="col" { (ctx.t("地区", "Region")) }
                        th scope="col" data-sort="number" { (ctx.t("数值", "Value")) }
                        th scope="col" { (ctx.t("灯", "Light")) }
                    }
                }
                tbody {
                    @for ranked in list {
                        tr {
                            td { (ranked.rank) }
                            th scope="row" {
                                a href=(ctx.href(&format!("/indicators/{}", indicator.code), &[("region", ranked.region.as_str())])) {
                                    (ctx.region_name(&report.regions, &ranked.region))
                                }
                                @if ranked.synthetic { " " (ctx.synthetic_badge()) }
                            }
                            td data-value=(ranked.value) { (show(ranked.value)) }
                            td { (ctx.light(ranked.light)) }
                        }
                    }
                }
            }
        }
    };
    html! {
        h3 { (group) }
        (figure(zijin_charts::bars(&chart), ""))
        div.columns {
            (ranked_table(ctx.t("按增长比", "By growth ratio"), &ranking.by_growth_ratio, format::ratio))
            (ranked_table(ctx.t("按完成进度", "By completion"), &ranking.by_completion, format::percent))
        }
    }
}
