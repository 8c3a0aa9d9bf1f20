//! 通报 / Bulletins: pick a year, download its bulletin as PDF, XLSX or HTML.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use zijin_store::Store;

use super::{Ctx, PageError};
use crate::Shared;
use crate::bulletin::{self, BulletinFormat};

pub(crate) async fn page<S: Store + 'static>(
    State(state): State<Shared<S>>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let years = bulletin::years(&state).await.map_err(|e| ctx.error(e))?;
    let title = ctx.t("通报", "Bulletins");
    let formats = [
        BulletinFormat::Pdf,
        BulletinFormat::Xlsx,
        BulletinFormat::Html,
    ];
    let body = html! {
        h1 { (title) }
        p.lead {
            (ctx.t(
                "指标通报：每年度一期，在该年度数据报送期限之日评估，含各指标状态、走势图、各区和园区排名、预警清单和数据来源。",
                "The indicator bulletin: one per year, assessed on the date that year's figures are due, with the status of every indicator, trajectory charts, the rankings of districts and parks, the warning list and the data sources."
            ))
        }
        @if years.is_empty() {
            p.empty { (ctx.t("暂无可通报的年度。", "No year has figures to report yet.")) }
        } @else {
            table.data {
                caption { (ctx.t("按年度下载", "Download by year")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("年度", "Year")) }
                        th scope="col" { (ctx.t("下载", "Download")) }
                    }
                }
                tbody {
                    @for year in years.iter().rev() {
                        tr {
                            th scope="row" { (year) }
                            td {
                                @for (index, format) in formats.iter().enumerate() {
                                    @if index > 0 { " · " }
                                    a href=(ctx.href(&format!("/bulletins/{year}.{}", format.extension()), &[])) { (format.label()) }
                                }
                            }
                        }
                    }
                }
            }
            p.note {
                (ctx.t(
                    "通报中各区、各园区的数值为合成数据时，通报本身会注明。",
                    "Where the districts' and parks' values are synthetic, the bulletin itself says so."
                ))
            }
        }
    };
    Ok(ctx.render(title, body))
}

/// `/bulletins/{year}.{pdf|xlsx|html}`.
pub(crate) async fn download<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(file): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let (year, format) = bulletin::parse_file_name(&file).map_err(|e| ctx.error(e))?;
    bulletin::render(&state, year, format, ctx.lang)
        .await
        .map_err(|e| ctx.error(e))
}
