//! The yearly bulletins (通报) as downloads: which years have one, and the
//! bulletin of a year as PDF, XLSX or HTML.

use axum::http::StatusCode;
use axum::response::Response;
use zijin_domain::Lang;
use zijin_store::{ObservationFilter, Store};

use crate::Shared;
use crate::error::ApiError;
use crate::params::parse_year;

/// The formats a bulletin is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BulletinFormat {
    Pdf,
    Xlsx,
    Html,
}

impl BulletinFormat {
    pub fn extension(self) -> &'static str {
        match self {
            BulletinFormat::Pdf => "pdf",
            BulletinFormat::Xlsx => "xlsx",
            BulletinFormat::Html => "html",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BulletinFormat::Pdf => "PDF",
            BulletinFormat::Xlsx => "XLSX",
            BulletinFormat::Html => "HTML",
        }
    }

    pub fn parse(name: &str, text: &str) -> Result<BulletinFormat, ApiError> {
        match text.to_ascii_lowercase().as_str() {
            "pdf" => Ok(BulletinFormat::Pdf),
            "xlsx" => Ok(BulletinFormat::Xlsx),
            "html" => Ok(BulletinFormat::Html),
            _ => Err(ApiError::bad_parameter(name, text, "pdf, xlsx or html")),
        }
    }
}

/// `2024.pdf` → (2024, PDF).
pub(crate) fn parse_file_name(file: &str) -> Result<(i32, BulletinFormat), ApiError> {
    let Some((year, extension)) = file.split_once('.') else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no bulletin {file}: expected YEAR.pdf, YEAR.xlsx or YEAR.html"),
        ));
    };
    let year = parse_year("year", year)?;
    let format = BulletinFormat::parse("format", extension)?;
    Ok((year, format))
}

/// The plan's years that have figures: from the first year after the base
/// year to the latest year observed, at most the target year.
pub(crate) async fn years<S: Store + 'static>(state: &Shared<S>) -> Result<Vec<i32>, ApiError> {
    let plan = state.app.active_plan().await?.plan;
    let latest = state
        .app
        .observations(&ObservationFilter {
            indicators: Vec::new(),
            regions: vec![plan.region.clone()],
        })
        .await?
        .iter()
        .map(|record| record.observation.period.year())
        .max();
    Ok(match latest {
        Some(latest) => (plan.base_year + 1..=latest.min(plan.target_year)).collect(),
        None => Vec::new(),
    })
}

/// The bulletin of `year` in `format`, as a download.
pub(crate) async fn render<S: Store + 'static>(
    _state: &Shared<S>,
    _year: i32,
    _format: BulletinFormat,
    _lang: Lang,
) -> Result<Response, ApiError> {
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "bulletins_unavailable",
        "this build cannot render bulletins yet",
    ))
}
