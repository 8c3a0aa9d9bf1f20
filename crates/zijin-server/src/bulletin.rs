//! The yearly bulletins (通报) as downloads: which years have one, and the
//! bulletin of a year as PDF, XLSX or HTML.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zijin_domain::Lang;
use zijin_report::ReportError;
use zijin_store::{ObservationFilter, Store};

use crate::Shared;
use crate::downloads::{XLSX_TYPE, attachment};
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

/// The bulletin of `year` in `format`: the HTML shown in the browser, the
/// PDF and the workbook as downloads.
pub(crate) async fn render<S: Store + 'static>(
    state: &Shared<S>,
    year: i32,
    format: BulletinFormat,
    lang: Lang,
) -> Result<Response, ApiError> {
    let bulletin = zijin_report::gather(&state.app, year, lang)
        .await
        .map_err(report_error)?;
    let file_name = format!(
        "zijin-bulletin-{year}-{}.{}",
        lang.code(),
        format.extension()
    );
    match format {
        BulletinFormat::Html => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CONTENT_LANGUAGE,
                    HeaderValue::from_static(lang.tag()),
                ),
            ],
            zijin_report::html(&bulletin),
        )
            .into_response()),
        BulletinFormat::Xlsx => {
            let bytes = zijin_report::xlsx(&bulletin).map_err(report_error)?;
            Ok(attachment(bytes, XLSX_TYPE, &file_name))
        }
        BulletinFormat::Pdf => {
            let engine = state.pdf_engine().await?;
            // Typesetting takes some milliseconds of CPU: off the async threads.
            let bytes = tokio::task::spawn_blocking(move || engine.render(&bulletin))
                .await
                .map_err(|error| ApiError::internal(format!("rendering the PDF: {error}")))?
                .map_err(report_error)?;
            Ok(attachment(bytes, "application/pdf", &file_name))
        }
    }
}

/// A report error as the API answers it: no bulletin for the year (404),
/// fonts missing (503), faults (500).
pub(crate) fn report_error(error: ReportError) -> ApiError {
    let error = match error {
        ReportError::App(app) => return ApiError::from(app),
        error => error,
    };
    let status = match &error {
        ReportError::UnknownPeriod { .. } | ReportError::NoData { .. } => StatusCode::NOT_FOUND,
        ReportError::FontsMissing { .. } | ReportError::FontUnreadable { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ if error.is_user_error() => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError::new(status, error.code(), error.to_string())
}
