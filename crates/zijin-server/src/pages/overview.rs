//! 总览 / Overview: every indicator of the plan region at a date, with its
//! light, latest value against baseline and target, completion against time
//! elapsed, the growth ratio and a sparkline; the counts by status; filters
//! by light and kind as plain links.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use zijin_app::monitor::{StatusCounts, is_synthetic};
use zijin_assess::{Assessment, Light};
use zijin_domain::{IndicatorCode, Kind, Plan, Qualifier};
use zijin_store::Store;

use super::{Ctx, PageError, date_form};
use crate::Shared;
use crate::format;
use crate::params::LightFilter;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let light = ctx.params.light("light").map_err(|e| ctx.error(e))?;
    let kind = ctx.params.kind("kind").map_err(|e| ctx.error(e))?;
    let report = state.report(ctx.as_of).await.map_err(|e| ctx.error(e))?;
    let series = &report.city_series;
    let plan = &report.plan;
    let city: Vec<&Assessment> = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == plan.region)
        .collect();
    let counts = StatusCounts::of(city.iter().copied());
    let shown: Vec<&Assessment> = city
        .iter()
        .copied()
        .filter(|assessment| light.is_none_or(|filter| filter.matches(assessment.light)))
        .filter(|assessment| kind.is_none_or(|kind| assessment.kind == kind))
        .collect();
    let region_name = ctx.region_name(&report.regions, &plan.region).to_owned();
    let title = ctx.t("总览", "Overview");
    let body = html! {
        h1 { (ctx.lang.pick(&plan.name_zh, &plan.name_en)) }
        p.lead {
            (region_name) " · " (plan.base_year) "–" (plan.target_year) " · "
            (ctx.t("评估日期 ", "assessed at ")) time datetime=(report.as_of.to_string()) { (report.as_of.to_string()) }
        }
        (date_form(&ctx, report.as_of, &["light", "kind"]))
        (counts_summary(&ctx, &counts))
        (filters(&ctx, light, kind))
        @if shown.is_empty() {
            p.empty { (ctx.t("没有符合筛选条件的指标。", "No indicator matches the filters.")) }
        } @else {
            (table(&ctx, plan, &shown, series))
        }
    };
    Ok(ctx.render(title, body))
}

/// The mid-term-review sentence ("4 已实现, 5 快于预期, …") and the lights.
pub(crate) fn counts_summary(ctx: &Ctx, counts: &StatusCounts) -> Markup {
    let statuses = [
        (counts.achieved, "已实现", "achieved"),
        (counts.ahead, "快于预期", "ahead"),
        (counts.on_schedule, "基本符合预期", "on schedule"),
        (counts.lagging, "滞后", "lagging"),
        (counts.seriously_lagging, "严重滞后", "seriously lagging"),
        (counts.not_assessed, "未评估", "not assessed"),
    ];
    let lights = [
        (counts.green, Some(Light::Green)),
        (counts.yellow, Some(Light::Yellow)),
        (counts.red, Some(Light::Red)),
    ];
    html! {
        section.counts aria-label=(ctx.t("按状态计数", "Counts by status")) {
            p.status-counts {
                (counts.total()) (ctx.t(" 项指标：", " indicators: "))
                @for (index, (count, zh, en)) in statuses.iter().filter(|(count, ..)| *count > 0).enumerate() {
                    @if index > 0 { (ctx.t("，", ", ")) }
                    strong { (count) } " " (ctx.t(zh, en))
                }
            }
            ul.light-counts {
                @for (count, light) in lights {
                    li { (ctx.light(light)) " " strong { (count) } }
                }
            }
        }
    }
}

fn filters(ctx: &Ctx, light: Option<LightFilter>, kind: Option<Kind>) -> Markup {
    let kind_param = kind.map(format::kind_param).unwrap_or("");
    let light_param = match light {
        Some(LightFilter::Light(light)) => format::light_param(Some(light)),
        Some(LightFilter::None) => "none",
        None => "",
    };
    let lights: [(&str, &str, &str); 5] = [
        ("", "全部", "all"),
        ("green", "绿灯", "green"),
        ("yellow", "黄灯", "yellow"),
        ("red", "红灯", "red"),
        ("none", "无灯", "no light"),
    ];
    let kinds: [(&str, &str, &str); 4] = [
        ("", "全部", "all"),
        ("level", "水平值", "level"),
        ("cumulative", "累计值", "cumulative"),
        ("growth", "年均增速", "growth rate"),
    ];
    html! {
        nav.filters aria-label=(ctx.t("筛选", "Filters")) {
            p {
                span.filter-label { (ctx.t("灯：", "Light: ")) }
                @for (value, zh, en) in lights {
                    @let href = ctx.href("/", &[("light", value), ("kind", kind_param)]);
                    @if value == light_param {
                        a.filter.active href=(href) aria-current="true" { (ctx.t(zh, en)) }
                    } @else {
                        a.filter href=(href) { (ctx.t(zh, en)) }
                    }
                }
            }
            p {
                span.filter-label { (ctx.t("类型：", "Kind: ")) }
                @for (value, zh, en) in kinds {
                    @let href = ctx.href("/", &[("light", light_param), ("kind", value)]);
                    @if value == kind_param {
                        a.filter.active href=(href) aria-current="true" { (ctx.t(zh, en)) }
                    } @else {
                        a.filter href=(href) { (ctx.t(zh, en)) }
                    }
                }
            }
        }
    }
}

/// The target as the plan states it: a value, a range, or a yearly rate.
pub(crate) fn target_text(ctx: &Ctx, assessment: &Assessment) -> String {
    let Some(target) = assessment.target else {
        return "—".to_owned();
    };
    let value = match target.stretch {
        Some(stretch) => format!(
            "{}–{}",
            format::number(target.value.min(stretch)),
            format::number(target.value.max(stretch))
        ),
        None => format::number(target.value),
    };
    if assessment.kind == Kind::Growth {
        format!("{value}%{} ({})", ctx.t("/年", " a year"), target.year)
    } else if assessment.unit == "%" {
        format!("{value}% ({})", target.year)
    } else if assessment.unit.is_empty() {
        format!("{value} ({})", target.year)
    } else {
        format!("{value} {} ({})", assessment.unit, target.year)
    }
}

pub(crate) fn baseline_text(assessment: &Assessment) -> String {
    assessment.baseline.map_or_else(
        || "—".to_owned(),
        |baseline| {
            format!(
                "{} ({})",
                format::with_unit(baseline.value, &assessment.unit),
                baseline.year
            )
        },
    )
}

/// The latest value with its qualifier, period and a synthetic badge.
pub(crate) fn latest_cell(ctx: &Ctx, assessment: &Assessment) -> Markup {
    html! {
        @if let Some(latest) = &assessment.latest {
            @if latest.qualifier == Qualifier::Exact {
                (format::with_unit(latest.value, &assessment.unit))
            } @else {
                span.qualified title=(qualifier_title(ctx, latest.qualifier)) {
                    (format::qualified(latest.value, latest.qualifier, &assessment.unit))
                }
            }
            " " span.period { "(" (latest.period.to_string()) ")" }
            @if is_synthetic(assessment) { " " (ctx.synthetic_badge()) }
        } @else {
            span.muted { (ctx.t("无数据", "no data")) }
        }
    }
}

fn qualifier_title(ctx: &Ctx, qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => ctx.t("按公布值", "as published"),
        Qualifier::MoreThan => ctx.t("公布为“超过”", "published as “more than”"),
        Qualifier::About => ctx.t("公布为“约”", "published as “about”"),
    }
}

/// Completion against time elapsed as a progress bar with its numbers.
pub(crate) fn progress_cell(ctx: &Ctx, assessment: &Assessment) -> Markup {
    let text = format::optional(assessment.completion, format::percent);
    // The numbers are written under the bar; the bar itself says only "—"
    // when there is no completion.
    let svg = zijin_charts::progress_bar(
        assessment.completion,
        assessment.elapsed_share,
        format::chart_light(assessment.light),
        if assessment.completion.is_some() {
            ""
        } else {
            "—"
        },
        150,
        18,
    );
    html! {
        span.progress { (PreEscaped(svg)) }
        span.progress-text {
            (ctx.t("完成 ", "done ")) (text)
            (ctx.t(" / 时间 ", " / time ")) (format::optional(assessment.elapsed_share, format::percent))
        }
    }
}

pub(crate) fn growth_cell(ctx: &Ctx, assessment: &Assessment) -> Markup {
    html! {
        (format::optional(assessment.growth_ratio, format::ratio))
        @if assessment.growth_status.is_some() {
            br; span.muted { (format::growth_status(assessment.growth_status, ctx.lang)) }
        }
    }
}

fn table(
    ctx: &Ctx,
    plan: &Plan,
    shown: &[&Assessment],
    series: &HashMap<IndicatorCode, Vec<(f64, f64)>>,
) -> Markup {
    html! {
        table.data.sortable #overview {
            caption { (ctx.t("各指标进展（点击表头排序）", "Progress of each indicator (click a header to sort)")) }
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
                    th scope="col" { (ctx.t("趋势", "Trend")) }
                }
            }
            tbody {
                @for assessment in shown {
                    @let indicator = plan.indicator(&assessment.indicator);
                    @let name = indicator.map_or(assessment.indicator.as_str(), |i| ctx.lang.pick(&i.name_zh, &i.name_en));
                    @let points = series.get(&assessment.indicator).cloned().unwrap_or_default();
                    tr data-light=(format::light_param(assessment.light)) data-kind=(format::kind_param(assessment.kind)) {
                        th scope="row" {
                            a href=(ctx.href(&format!("/indicators/{}", assessment.indicator), &[])) { (name) }
                            br; span.muted { (format::kind_name(assessment.kind, ctx.lang)) }
                        }
                        td data-value=(light_rank(assessment.light)) { (ctx.light(assessment.light)) }
                        td { (format::time_status(assessment.time_status, ctx.lang)) }
                        td { (latest_cell(ctx, assessment)) }
                        td { (baseline_text(assessment)) }
                        td { (target_text(ctx, assessment)) }
                        td data-value=(assessment.completion.unwrap_or(f64::NAN)) { (progress_cell(ctx, assessment)) }
                        td data-value=(assessment.growth_ratio.unwrap_or(f64::NAN)) { (growth_cell(ctx, assessment)) }
                        td {
                            (PreEscaped(zijin_charts::sparkline(&points, 90, 24, &sparkline_name(ctx, name, &points))))
                        }
                    }
                }
            }
        }
    }
}

/// For sorting by light: red first.
fn light_rank(light: Option<Light>) -> u8 {
    match light {
        Some(Light::Red) => 0,
        Some(Light::Yellow) => 1,
        Some(Light::Green) => 2,
        None => 3,
    }
}

/// The accessible name of a sparkline lists its values: its table alternative.
pub(crate) fn sparkline_name(ctx: &Ctx, name: &str, points: &[(f64, f64)]) -> String {
    let values: Vec<String> = points
        .iter()
        .map(|(time, value)| format!("{time}: {}", format::number(*value)))
        .collect();
    let values = if values.is_empty() {
        ctx.t("无数据", "no data").to_owned()
    } else {
        values.join(ctx.t("；", "; "))
    };
    format!("{name}{}{values}", ctx.t("趋势：", " trend: "))
}
