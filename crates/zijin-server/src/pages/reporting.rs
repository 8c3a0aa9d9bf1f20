//! 数据报送 / Reporting status: which region has reported which year, and
//! what is overdue.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use zijin_app::monitor::{ReportState, ReportingCell};
use zijin_store::Store;

use super::{Ctx, PageError, date_form};
use crate::Shared;
use crate::format;

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let status = state
        .app
        .reporting_status(ctx.as_of)
        .await
        .map_err(|e| ctx.error(e))?;
    let lang = ctx.lang;
    let title = ctx.t("数据报送", "Reporting status");
    let body = html! {
        h1 { (title) }
        p.lead {
            (ctx.t("截至 ", "As of ")) (status.as_of.to_string())
            (ctx.t("，逾期未报 ", ": ")) strong { (status.overdue) }
            (ctx.t(" 项（地区 × 年度）。每年的数据在次年规划规定的报送期限前报送。", " region-years overdue. Each year's figures are due a set number of months after the year ends."))
        }
        (date_form(&ctx, status.as_of, &[]))
        ul.legend {
            @for state in [ReportState::Complete, ReportState::Partial, ReportState::NotDue, ReportState::Overdue] {
                li { (state_word(&ctx, state)) }
            }
        }
        table.data.sortable.reporting {
            caption { (ctx.t("各地区各年度报送情况（已报送指标数 / 应报送指标数）", "Reporting by region and year (indicators reported / expected)")) }
            thead {
                tr {
                    th scope="col" { (ctx.t("地区", "Region")) }
                    th scope="col" { (ctx.t("类型", "Kind")) }
                    @for year in &status.years { th scope="col" { (year) } }
                }
            }
            tbody {
                @for row in &status.rows {
                    tr {
                        th scope="row" {
                            a href=(ctx.href(&format!("/regions/{}", row.region), &[])) { (lang.pick(&row.name_zh, &row.name_en)) }
                        }
                        td { (format::region_kind_name(row.kind, lang)) }
                        @for cell in &row.cells {
                            td class={"report " (state_class(cell.state))} title=(cell_title(&ctx, cell, row.expected.len())) {
                                (state_word(&ctx, cell.state))
                                br;
                                span.muted { (cell.reported) " / " (row.expected.len()) }
                                @if cell.synthetic { " " (ctx.synthetic_badge()) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.render(title, body))
}

fn state_class(state: ReportState) -> &'static str {
    match state {
        ReportState::Complete => "complete",
        ReportState::Partial => "partial",
        ReportState::NotDue => "not-due",
        ReportState::Overdue => "overdue",
    }
}

/// The state as a symbol and a word (never colour alone).
fn state_word(ctx: &Ctx, state: ReportState) -> Markup {
    let symbol = match state {
        ReportState::Complete => "✓",
        ReportState::Partial => "◐",
        ReportState::NotDue => "○",
        ReportState::Overdue => "✗",
    };
    html! {
        span class={"state " (state_class(state))} {
            span aria-hidden="true" { (symbol) } " " (ctx.lang.pick(state.name_zh(), state.name_en()))
        }
    }
}

fn cell_title(ctx: &Ctx, cell: &ReportingCell, expected: usize) -> String {
    let mut text = format!(
        "{}{}；{} {}/{}",
        ctx.t("截止 ", "due "),
        cell.due,
        ctx.t("已报", "reported"),
        cell.reported,
        expected
    );
    if !cell.missing.is_empty() {
        let missing: Vec<&str> = cell.missing.iter().map(|code| code.as_str()).collect();
        text.push_str(ctx.t("；缺：", "; missing: "));
        text.push_str(&missing.join(", "));
    }
    text
}
