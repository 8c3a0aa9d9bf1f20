//! A region's scorecard across the plan's indicators and its rank among its
//! peers; and the list of regions.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use zijin_app::monitor::{StatusCounts, rankings};
use zijin_assess::Assessment;
use zijin_domain::{Lang, RegionCode};
use zijin_store::Store;

use super::overview::{
    baseline_text, counts_summary, growth_cell, latest_cell, progress_cell, target_text,
};
use super::{Ctx, PageError, date_form};
use crate::Shared;
use crate::format;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let report = state.report(ctx.as_of).await.map_err(|e| ctx.error(e))?;
    let Some(region) = RegionCode::new(&code)
        .ok()
        .and_then(|code| report.regions.iter().find(|region| region.code == code))
    else {
        return Err(ctx.error(unknown_region(&code)));
    };
    let lang = ctx.lang;
    let rows: Vec<&Assessment> = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == region.code)
        .collect();
    let counts = StatusCounts::of(rows.iter().copied());
    let rankings = rankings(&report);
    let standing = rankings.groups.iter().find_map(|group| {
        group
            .overall
            .iter()
            .find(|standing| standing.region == region.code)
            .map(|standing| (group, standing))
    });
    let name = lang.pick(&region.name_zh, &region.name_en);
    let parent = region
        .parent
        .as_ref()
        .map(|parent| (parent, ctx.region_name(&report.regions, parent).to_owned()));
    let body = html! {
        p.breadcrumb { a href=(ctx.href("/regions", &[])) { (ctx.t("地区", "Regions")) } " › " (name) }
        h1 { (name) }
        p.lead {
            (format::region_kind_name(region.kind, lang)) " · " code { (region.code) }
            @if let Some((code, parent_name)) = &parent {
                " · " (ctx.t("隶属 ", "part of ")) a href=(ctx.href(&format!("/regions/{code}"), &[])) { (parent_name) }
            }
            " · " (ctx.t("评估日期 ", "assessed at ")) (report.as_of.to_string())
        }
        @if let Some(note) = &region.note { p.note { (note) } }
        (date_form(&ctx, report.as_of, &[]))
        section {
            h2 { (ctx.t("同类排名", "Rank among peers")) }
            @match standing {
                Some((group, standing)) => {
                    @let peers = group.overall.len();
                    p {
                        (ctx.t("在", "Among ")) (peers) " " (peer_name(group.kind, lang))
                        (ctx.t("中：", ": "))
                        (ctx.t("按增长比中位数第 ", "by median growth ratio ")) strong { (rank_text(standing.rank_by_growth_ratio, lang)) }
                        " (" (format::optional(standing.median_growth_ratio, format::ratio)) ")"
                        (ctx.t("；按完成进度中位数第 ", "; by median completion ")) strong { (rank_text(standing.rank_by_completion, lang)) }
                        " (" (format::optional(standing.median_completion, format::percent)) ")"
                        (ctx.t("。", "."))
                        @if standing.synthetic { " " (ctx.synthetic_badge()) }
                    }
                    p { a href=(ctx.href("/rankings", &[])) { (ctx.t("查看完整排名", "See the full rankings")) } }
                }
                None => {
                    p { (ctx.t("只有区和园区参与同类排名。", "Only districts and parks are ranked among their peers.")) }
                }
            }
        }
        section {
            h2 { (ctx.t("各指标评估", "Scorecard")) }
            (counts_summary(&ctx, &counts))
            @if rows.is_empty() {
                p.empty { (ctx.t("本地区没有评估结果。", "No assessments for this region.")) }
            } @else {
                table.data.sortable {
                    caption { (ctx.t("各指标进展", "Progress of each indicator")) }
                    thead {
                        tr {
                            th scope="col" { (ctx.t("指标", "Indicator")) }
                            th scope="col" { (ctx.t("灯", "Light")) }
                            th scope="col" { (ctx.t("状态", "Status")) }
                            th scope="col" { (ctx.t("最新值", "Latest value")) }
                            th scope="col" { (ctx.t("基期值", "Baseline")) }
                            th scope="col" { (ctx.t("目标值", "Target")) }
                            th scope="col" { (ctx.t("完成进度 / 序时进度", "Completion / time elapsed")) }
                            th scope="col" data-sort="number" { (ctx.t("增长比", "Growth ratio")) }
                        }
                    }
                    tbody {
                        @for assessment in &rows {
                            @let indicator = report.plan.indicator(&assessment.indicator);
                            tr {
                                th scope="row" {
                                    a href=(ctx.href(&format!("/indicators/{}", assessment.indicator), &[("region", region.code.as_str())])) {
                                        (indicator.map_or(assessment.indicator.as_str(), |i| lang.pick(&i.name_zh, &i.name_en)))
                                    }
                                }
                                td { (ctx.light(assessment.light)) }
                                td { (format::time_status(assessment.time_status, lang)) }
                                td { (latest_cell(&ctx, assessment)) }
                                td { (baseline_text(assessment)) }
                                td { (target_text(&ctx, assessment)) }
                                td data-value=(assessment.completion.unwrap_or(f64::NAN)) { (progress_cell(&ctx, assessment)) }
                                td data-value=(assessment.growth_ratio.unwrap_or(f64::NAN)) { (growth_cell(&ctx, assessment)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.render(name, body))
}

/// A region code that is not valid is a region that does not exist.
pub(crate) fn unknown_region(code: &str) -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "unknown_region",
        format!("unknown region code {code}; /api/v1/regions lists the regions"),
    )
}

/// "区", "园区"; "districts", "parks".
fn peer_name(kind: zijin_domain::RegionKind, lang: Lang) -> String {
    let name = format::region_group_name(kind, lang);
    match lang {
        Lang::Zh => name.trim_start_matches('各').to_owned(),
        Lang::En => name.to_lowercase(),
    }
}

fn rank_text(rank: Option<usize>, lang: Lang) -> String {
    match (rank, lang) {
        (Some(rank), Lang::Zh) => format!("{rank} 名"),
        (Some(rank), Lang::En) => format!("#{rank}"),
        (None, _) => "—".to_owned(),
    }
}

/// Every region, grouped by kind, with links to their pages.
pub(crate) async fn list<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let regions = state.app.regions().await.map_err(|e| ctx.error(e))?;
    let lang = ctx.lang;
    let title = ctx.t("地区", "Regions");
    let body = html! {
        h1 { (title) }
        table.data.sortable {
            caption { (ctx.t("全部地区", "All regions")) }
            thead {
                tr {
                    th scope="col" { (ctx.t("名称", "Name")) }
                    th scope="col" { (ctx.t("代码", "Code")) }
                    th scope="col" { (ctx.t("类型", "Kind")) }
                    th scope="col" { (ctx.t("上级", "Part of")) }
                }
            }
            tbody {
                @for region in &regions {
                    tr {
                        th scope="row" { a href=(ctx.href(&format!("/regions/{}", region.code), &[])) { (lang.pick(&region.name_zh, &region.name_en)) } }
                        td { code { (region.code) } }
                        td { (format::region_kind_name(region.kind, lang)) }
                        td {
                            @if let Some(parent) = &region.parent { (ctx.region_name(&regions, parent)) }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.render(title, body))
}
