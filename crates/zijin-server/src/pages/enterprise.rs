//! `/enterprises/{uscc}`: an enterprise of the registry — who it is, its
//! latest facts by year, its labels with their validity, and the default
//! pack's live evaluation with every criterion explained.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use zijin_domain::{Fact, Uscc};
use zijin_policy::eval::Options;
use zijin_store::Store;

use super::{Ctx, PageError};
use crate::Shared;
use crate::error::ApiError;
use crate::policy_api::money_text;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let uscc = Uscc::parse(&code).map_err(|error| {
        ctx.error(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("credit code {code:?} is malformed: {error}"),
        ))
    })?;
    let pack = state
        .packs
        .get("default")
        .map_err(|error| ctx.error(error))?;
    let runs = state
        .app
        .policy_runs()
        .await
        .map_err(|error| ctx.error(error))?;
    let period = runs
        .iter()
        .filter(|run| run.pack_id == "default" && run.known_on.is_none())
        .max_by_key(|run| run.id)
        .map_or(2024, |run| run.period);
    let (entry, evaluation) = state
        .app
        .explain_enterprise(pack, &uscc, &Options::period(period))
        .await
        .map_err(|error| ctx.error(error))?
        .ok_or_else(|| {
            ctx.error(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_enterprise",
                format!(
                    "no enterprise with credit code {} is in the registry",
                    uscc.as_str()
                ),
            ))
        })?;
    let regions = state
        .app
        .regions()
        .await
        .map_err(|error| ctx.error(error))?;
    let enterprise = &entry.enterprise;
    let years: BTreeSet<i32> = entry.facts.iter().map(|fact| fact.year).collect();
    let facts: Vec<Fact> = Fact::all()
        .filter(|fact| entry.facts.iter().any(|found| found.fact == *fact))
        .collect();
    let title = enterprise.name.clone();
    let body = html! {
        p { a href=(ctx.href("/policies", &[])) { "← " (ctx.t("政策兑现", "Policies")) } }
        h1 { (title) @if enterprise.synthetic { " " (ctx.synthetic_badge()) } }
        dl.facts {
            dt { (ctx.t("统一社会信用代码", "Credit code")) } dd { code { (enterprise.uscc.as_str()) } }
            dt { (ctx.t("成立日期", "Registered on")) } dd { (enterprise.registration_date) }
            dt { (ctx.t("区", "District")) } dd { (ctx.region_name(&regions, &enterprise.district)) }
            dt { (ctx.t("园区", "Park")) } dd {
                @if let Some(park) = &enterprise.park { (ctx.region_name(&regions, park)) } @else { "—" }
            }
            dt { (ctx.t("产业链", "Industrial chain")) } dd { (ctx.t(enterprise.chain.name_zh(), enterprise.chain.name_en())) }
        }
        h2 { (ctx.t("年度数据", "Facts by year")) }
        @if facts.is_empty() {
            p { (ctx.t("无年度数据。", "No facts reported.")) }
        } @else {
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("指标", "Fact")) }
                    @for year in &years { th scope="col" { (year) } }
                } }
                tbody {
                    @for fact in &facts {
                        tr {
                            th scope="row" { (ctx.t(fact.label_zh(), fact.label_en())) }
                            @for year in &years {
                                td.num { (entry.fact(*fact, *year).map(|value| value.text()).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("资质", "Labels")) }
        @if entry.labels.is_empty() {
            p { (ctx.t("无资质记录。", "No labels.")) }
        } @else {
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("资质", "Label")) }
                    th scope="col" { (ctx.t("有效期起", "Valid from")) }
                    th scope="col" { (ctx.t("有效期止", "Valid to")) }
                    th scope="col" { (ctx.t("编号", "Number")) }
                } }
                tbody {
                    @for label in &entry.labels {
                        tr {
                            td { (ctx.t(label.kind.name_zh(), label.kind.name_en())) }
                            td { (label.valid_from) }
                            td { @if let Some(last) = label.valid_to { (last) } @else { "—" } }
                            td { (label.number.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("政策测算", "Policy evaluation")) " · " code { (pack.info.id) } " · " (period) }
        p { (ctx.t("按当前数据实时测算，参考日期 ", "Evaluated live on the current data, reference date ")) (evaluation.reference_date) }
        @for policy in &evaluation.policies {
            section.policy {
                h3 {
                    (ctx.t(&policy.name_zh, &policy.name_en)) " — "
                    @match policy.status.name() {
                        "pass" => { span.light.light-green { (ctx.t("符合", "eligible")) } }
                        "fail" => { span.light.light-red { (ctx.t("不符合", "not eligible")) } }
                        _ => { span.light.light-yellow { (ctx.t("待定（缺数据）", "unknown (data missing)")) } }
                    }
                    @if let Some(amount) = policy.amount.filter(|_| policy.eligible) {
                        " · " (money_text(amount)) " " (ctx.t("元", "CNY"))
                    }
                }
                @if let Some(reason) = &policy.reason { p { (reason) } }
                ul.criteria {
                    @for criterion in &policy.criteria {
                        li { (zijin_policy::explain::render_criterion(criterion)) }
                    }
                }
            }
        }
    };
    Ok(ctx.render(&title, body))
}
