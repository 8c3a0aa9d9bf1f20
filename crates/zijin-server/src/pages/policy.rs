//! The policy pages (免申即享): the built-in packs and their stored runs with
//! the eligible counts of the latest run of the default pack by district and
//! park (`/policies`), the eligible enterprises of one policy in one run
//! (`/policies/{pack}/{period}/{policy}`, with the counts by district and
//! park and the near misses), and an enterprise of the registry
//! with its facts, labels and live evaluation (`/enterprises/{uscc}`, in
//! `enterprise`). A stored run and the registry are read once and kept in
//! the state (`AppState::run_data`, `AppState::registry`).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use rust_decimal::Decimal;
use zijin_app::policy::NearMissRecord;
use zijin_domain::{Enterprise, Region, RegionCode, Uscc};
use zijin_store::{EntitlementRecord, PolicyRunRecord, Store};

use super::{Ctx, PageError};
use crate::Shared;
use crate::error::ApiError;
use crate::params::parse_year;
use crate::policy_api::money_text;

/// The pack whose latest run `/policies` counts.
const DEFAULT_PACK: &str = "default";
/// The most eligible enterprises a policy page lists.
const LIST_LIMIT: usize = 500;

fn when(run: &PolicyRunRecord) -> String {
    run.created_at.format("%Y-%m-%d %H:%M").to_string()
}

/// Counts of one policy in one run, overall and by region.
#[derive(Default)]
struct Counts {
    eligible: usize,
    amount: Option<Decimal>,
    by_district: BTreeMap<RegionCode, usize>,
    by_park: BTreeMap<RegionCode, usize>,
}

fn counts(
    entitlements: &[EntitlementRecord],
    enterprises: &HashMap<Uscc, Enterprise>,
) -> BTreeMap<String, Counts> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for entitlement in entitlements {
        let count = counts.entry(entitlement.policy_id.clone()).or_default();
        count.eligible += 1;
        if let Some(amount) = entitlement.amount {
            *count.amount.get_or_insert(Decimal::ZERO) += amount;
        }
        if let Some(enterprise) = enterprises.get(&entitlement.uscc) {
            *count
                .by_district
                .entry(enterprise.district.clone())
                .or_default() += 1;
            if let Some(park) = &enterprise.park {
                *count.by_park.entry(park.clone()).or_default() += 1;
            }
        }
    }
    counts
}

fn region_counts(ctx: &Ctx, regions: &[Region], counts: &BTreeMap<RegionCode, usize>) -> Markup {
    html! {
        @for (index, (code, count)) in counts.iter().enumerate() {
            @if index > 0 { "；" }
            (ctx.region_name(regions, code)) " " (count)
        }
    }
}

/// An enterprise's first cells in a list: its code (a link to its page),
/// its name and its district.
fn enterprise_cells(
    ctx: &Ctx,
    regions: &[Region],
    uscc: &Uscc,
    enterprise: Option<&Enterprise>,
) -> Markup {
    html! {
        td { a href=(ctx.href(&format!("/enterprises/{}", uscc.as_str()), &[])) { code { (uscc.as_str()) } } }
        td { (enterprise.map_or("", |enterprise| enterprise.name.as_str())) }
        td { @if let Some(enterprise) = enterprise { (ctx.region_name(regions, &enterprise.district)) } }
    }
}

/// `/policies`: the packs, their runs, and the latest run of the default pack.
pub(crate) async fn list<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let runs = state
        .app
        .policy_runs()
        .await
        .map_err(|error| ctx.error(error))?;
    let regions = state
        .app
        .regions()
        .await
        .map_err(|error| ctx.error(error))?;
    let latest = runs
        .iter()
        .filter(|run| run.pack_id == DEFAULT_PACK && run.known_on.is_none())
        .max_by_key(|run| run.id);
    let mut latest_counts = None;
    let mut synthetic = false;
    if let Some(run) = latest {
        let data = state
            .run_data(run.id)
            .await
            .map_err(|error| ctx.error(error))?;
        let enterprises = state.registry().await.map_err(|error| ctx.error(error))?;
        synthetic = enterprises.values().any(|enterprise| enterprise.synthetic);
        latest_counts = Some((run, counts(&data.entitlements, &enterprises)));
    }
    let title = ctx.t(
        "政策兑现（免申即享）",
        "Policies (免申即享: granted without applying)",
    );
    let body = html! {
        h1 { (title) }
        p.lead {
            (ctx.t(
                "内置政策包对企业库的批量测算：谁符合条件、可享多少、为什么。",
                "The built-in policy packs run over the enterprise registry: who is eligible, for how much, and why."
            ))
        }
        h2 { (ctx.t("政策包", "Packs")) }
        table.data {
            thead { tr {
                th scope="col" { (ctx.t("政策包", "Pack")) }
                th scope="col" { (ctx.t("名称", "Name")) }
                th scope="col" { (ctx.t("版本", "Version")) }
                th scope="col" { (ctx.t("政策", "Policies")) }
            } }
            tbody {
                @for loaded in state.packs.all() {
                    tr {
                        td { code { (loaded.builtin.id) } }
                        @match &loaded.pack {
                            Ok(pack) => {
                                td { (ctx.t(&pack.info.name_zh, &pack.info.name_en)) }
                                td { (pack.info.version) }
                                td {
                                    @for (index, policy) in pack.policies.iter().enumerate() {
                                        @if index > 0 { "、" }
                                        (ctx.t(&policy.name_zh, &policy.name_en))
                                    }
                                }
                            }
                            Err(message) => { td colspan="3" { (message) } }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("测算记录", "Stored runs")) }
        @if runs.is_empty() {
            p { (ctx.t("尚无测算记录：运行 zijin policy run 或 zijin demo。", "No run is stored yet: run zijin policy run or zijin demo.")) }
        } @else {
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("编号", "Run")) }
                    th scope="col" { (ctx.t("政策包", "Pack")) }
                    th scope="col" { (ctx.t("版本", "Version")) }
                    th scope="col" { (ctx.t("年度", "Period")) }
                    th scope="col" { (ctx.t("测算时间", "When")) }
                    th scope="col" { (ctx.t("企业数", "Enterprises")) }
                    th scope="col" { "SHA-256" }
                } }
                tbody {
                    @for run in runs.iter().rev() {
                        tr {
                            td { (run.id) }
                            td { code { (run.pack_id) } }
                            td { (run.pack_version) }
                            td { (run.period) }
                            td { (when(run)) }
                            td.num { (run.enterprise_count) }
                            td { code { (run.pack_sha256.get(..12).unwrap_or(&run.pack_sha256)) } }
                        }
                    }
                }
            }
        }
        @if let Some((run, counts)) = &latest_counts {
            h2 {
                (ctx.t("最新测算", "Latest run")) ": " code { (run.pack_id) } " · " (run.period)
                @if synthetic { " " (ctx.synthetic_badge()) }
            }
            @let pack = state.packs.get(&run.pack_id).ok();
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("政策", "Policy")) }
                    th scope="col" { (ctx.t("符合条件企业", "Eligible")) }
                    th scope="col" { (ctx.t("金额合计（元）", "Total amount (CNY)")) }
                    th scope="col" { (ctx.t("按区", "By district")) }
                    th scope="col" { (ctx.t("按园区", "By park")) }
                } }
                tbody {
                    @for policy in pack.map(|pack| pack.policies.as_slice()).unwrap_or_default() {
                        @let count = counts.get(&policy.id);
                        tr {
                            td {
                                a href=(ctx.href(&format!("/policies/{}/{}/{}", run.pack_id, run.period, policy.id), &[])) {
                                    (ctx.t(&policy.name_zh, &policy.name_en))
                                }
                            }
                            td.num { (count.map_or(0, |count| count.eligible)) }
                            td.num { (count.and_then(|count| count.amount).map(money_text).unwrap_or_else(|| "—".to_owned())) }
                            td { @if let Some(count) = count { (region_counts(&ctx, &regions, &count.by_district)) } }
                            td { @if let Some(count) = count { (region_counts(&ctx, &regions, &count.by_park)) } }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.render(title, body))
}

/// `/policies/{pack}/{period}/{policy}`: the eligible enterprises of the
/// latest run of a pack for a period.
pub(crate) async fn eligible<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path((pack_id, period, policy_id)): Path<(String, String, String)>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let period = parse_year("period", &period).map_err(|error| ctx.error(error))?;
    let pack = state
        .packs
        .get(&pack_id)
        .map_err(|error| ctx.error(error))?;
    let Some(policy) = pack.policies.iter().find(|policy| policy.id == policy_id) else {
        return Err(ctx.error(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            format!(
                "pack {pack_id} has no policy {policy_id:?}; its policies are {}",
                pack.policies
                    .iter()
                    .map(|policy| policy.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )));
    };
    let run = state
        .app
        .latest_policy_run(&pack_id, period)
        .await
        .map_err(|error| ctx.error(error))?
        .ok_or_else(|| {
            ctx.error(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_run",
                format!(
                    "no run of pack {pack_id} for {period} is stored; /policies lists the runs"
                ),
            ))
        })?;
    let data = state
        .run_data(run.id)
        .await
        .map_err(|error| ctx.error(error))?;
    let entitlements: Vec<EntitlementRecord> = data
        .entitlements
        .iter()
        .filter(|entitlement| entitlement.policy_id == policy.id)
        .cloned()
        .collect();
    let enterprises = state.registry().await.map_err(|error| ctx.error(error))?;
    let regions = state
        .app
        .regions()
        .await
        .map_err(|error| ctx.error(error))?;
    let synthetic = entitlements.iter().any(|entitlement| {
        enterprises
            .get(&entitlement.uscc)
            .is_some_and(|enterprise| enterprise.synthetic)
    });
    let total: Option<Decimal> = entitlements
        .iter()
        .filter_map(|entitlement| entitlement.amount)
        .reduce(|a, b| a + b);
    let by_region = counts(&entitlements, &enterprises).remove(&policy.id);
    let near_misses: Vec<&NearMissRecord> = data
        .near_misses
        .iter()
        .filter(|near| near.policy_id == policy.id)
        .collect();
    // Six places are enough to read a gap; the stored figures are exact.
    let short = |text: &str| {
        text.parse::<Decimal>().map_or_else(
            |_| text.to_owned(),
            |value| value.round_dp(6).normalize().to_string(),
        )
    };
    let percent = |relative: Decimal| {
        format!(
            "{}%",
            (relative * Decimal::ONE_HUNDRED).round_dp(2).normalize()
        )
    };
    let title = format!("{} · {}", ctx.t(&policy.name_zh, &policy.name_en), period);
    let body = html! {
        p { a href=(ctx.href("/policies", &[])) { "← " (ctx.t("政策兑现", "Policies")) } }
        h1 { (title) @if synthetic { " " (ctx.synthetic_badge()) } }
        p {
            (ctx.t("测算", "Run")) " " (run.id) " · " code { (run.pack_id) } " " (run.pack_version)
            " · " (when(&run)) " · "
            (ctx.t("符合条件企业", "eligible enterprises")) " " strong.total { (entitlements.len()) }
            @if let Some(total) = total {
                " · " (ctx.t("金额合计", "total")) " " (money_text(total)) " " (ctx.t("元", "CNY"))
            }
            @if entitlements.len() > LIST_LIMIT {
                " · " (ctx.t("仅列出前 ", "only the first ")) (LIST_LIMIT) (ctx.t(" 家", ""))
            }
        }
        @if let Some(by_region) = &by_region {
            table.data {
                tbody {
                    tr { th scope="row" { (ctx.t("按区", "By district")) } td { (region_counts(&ctx, &regions, &by_region.by_district)) } }
                    tr { th scope="row" { (ctx.t("按园区", "By park")) } td { (region_counts(&ctx, &regions, &by_region.by_park)) } }
                }
            }
        }
        h2 { (ctx.t("符合条件企业", "Eligible enterprises")) }
        table.data.sortable {
            thead { tr {
                th scope="col" { (ctx.t("统一社会信用代码", "Credit code")) }
                th scope="col" { (ctx.t("企业名称", "Name")) }
                th scope="col" { (ctx.t("区", "District")) }
                th scope="col" { (ctx.t("园区", "Park")) }
                th scope="col" { (ctx.t("金额（元）", "Amount (CNY)")) }
            } }
            tbody {
                @for entitlement in entitlements.iter().take(LIST_LIMIT) {
                    @let enterprise = enterprises.get(&entitlement.uscc);
                    tr {
                        (enterprise_cells(&ctx, &regions, &entitlement.uscc, enterprise))
                        td { @if let Some(park) = enterprise.and_then(|enterprise| enterprise.park.as_ref()) { (ctx.region_name(&regions, park)) } }
                        td.num { (entitlement.amount.map(money_text).unwrap_or_else(|| "—".to_owned())) }
                    }
                }
            }
        }
        h2 id="near-misses" { (ctx.t("培育对象（差一项）", "Near misses (one criterion short)")) }
        p {
            (ctx.t(
                "只差一项条件、且差距不超过门槛 10% 的企业（软升高、小升高的培育对象），差距最小的在前：",
                "Enterprises failing on one criterion only, by at most 10% of its threshold (candidates to cultivate), closest first: "
            ))
            strong.near-total { (near_misses.len()) }
            @if near_misses.len() > LIST_LIMIT {
                " · " (ctx.t("仅列出前 ", "only the first ")) (LIST_LIMIT) (ctx.t(" 家", ""))
            }
        }
        @if !near_misses.is_empty() {
            table.data.sortable {
                thead { tr {
                    th scope="col" { (ctx.t("统一社会信用代码", "Credit code")) }
                    th scope="col" { (ctx.t("企业名称", "Name")) }
                    th scope="col" { (ctx.t("区", "District")) }
                    th scope="col" { (ctx.t("未满足的条件", "Criterion failed")) }
                    th scope="col" { (ctx.t("实际 → 门槛", "Found → threshold")) }
                    th scope="col" { (ctx.t("差距", "Gap")) }
                    th scope="col" { (ctx.t("相对差距", "Relative gap")) }
                } }
                tbody {
                    @for near in near_misses.iter().take(LIST_LIMIT) {
                        @let enterprise = enterprises.get(&near.uscc);
                        @let criterion = policy.criteria.iter().find(|criterion| criterion.id == near.near_miss.criterion);
                        tr {
                            (enterprise_cells(&ctx, &regions, &near.uscc, enterprise))
                            td { (criterion.map_or(near.near_miss.criterion.as_str(), |criterion| ctx.t(&criterion.text_zh, &criterion.text_en))) }
                            td { code { (near.near_miss.left_text) } " = " (short(&near.near_miss.left)) " " (near.near_miss.op) " " (short(&near.near_miss.right)) }
                            td.num { (short(&near.near_miss.gap.to_string())) }
                            td.num { (near.near_miss.relative.map(percent).unwrap_or_else(|| "—".to_owned())) }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.render(&title, body))
}
