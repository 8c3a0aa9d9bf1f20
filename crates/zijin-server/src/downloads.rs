//! Downloads of an indicator's data table (every revision in one region) as
//! CSV and XLSX. The columns are those of Zijin's tidy import files, then the
//! revision's provenance, so a download can be read back by people and tools.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use zijin_domain::{IndicatorCode, ObservationRecord, RegionCode};
use zijin_store::Store;

use crate::Shared;
use crate::error::ApiError;
use crate::pages::{Ctx, PageError};

/// The header row of both downloads.
pub(crate) const COLUMNS: [&str; 13] = [
    "indicator",
    "region",
    "period",
    "value",
    "qualifier",
    "unit",
    "source",
    "source_quality",
    "note",
    "revision",
    "import_id",
    "imported_by",
    "imported_at",
];

fn row(record: &ObservationRecord) -> [String; 13] {
    let observation = &record.observation;
    [
        observation.indicator.to_string(),
        observation.region.to_string(),
        observation.period.to_string(),
        observation.value.to_string(),
        observation.qualifier.symbol().to_owned(),
        observation.unit.clone(),
        observation.source.clone(),
        observation.source_quality.as_str().to_owned(),
        observation.note.clone().unwrap_or_default(),
        record.revision.to_string(),
        record.import_id.to_string(),
        record.imported_by.clone(),
        record.imported_at.to_rfc3339(),
    ]
}

async fn records<S: Store + 'static>(
    state: &Shared<S>,
    ctx: &Ctx,
    code: &str,
) -> Result<(IndicatorCode, RegionCode, Vec<ObservationRecord>), PageError> {
    let indicator =
        IndicatorCode::new(code).map_err(|_| ctx.error(crate::pages::unknown_indicator(code)))?;
    let region = ctx.params.region("region").map_err(|e| ctx.error(e))?;
    let region = match region {
        Some(region) => region,
        None => {
            state
                .app
                .active_plan()
                .await
                .map_err(|e| ctx.error(e))?
                .plan
                .region
        }
    };
    let history = state
        .app
        .history(&indicator, &region)
        .await
        .map_err(|e| ctx.error(e))?;
    Ok((indicator, region, history))
}

pub(crate) fn csv_bytes(history: &[ObservationRecord]) -> Result<Vec<u8>, ApiError> {
    // A byte-order mark, so that spreadsheet programs read the Chinese text as UTF-8.
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |error: csv::Error| ApiError::internal(format!("writing CSV: {error}"));
    writer.write_record(COLUMNS).map_err(fail)?;
    for record in history {
        writer.write_record(row(record)).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|error| ApiError::internal(format!("writing CSV: {error}")))
}

pub(crate) fn xlsx_bytes(history: &[ObservationRecord]) -> Result<Vec<u8>, ApiError> {
    let fail = |error: rust_xlsxwriter::XlsxError| {
        ApiError::internal(format!("writing the workbook: {error}"))
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("data").map_err(fail)?;
    let bold = Format::new().set_bold();
    for (column, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, column as u16, *name, &bold)
            .map_err(fail)?;
    }
    for (index, record) in history.iter().enumerate() {
        let row_number = index as u32 + 1;
        for (column, text) in row(record).iter().enumerate() {
            let column = column as u16;
            // Values and revisions as numbers, everything else as text.
            match COLUMNS[usize::from(column)] {
                "value" => sheet
                    .write_number(row_number, column, record.observation.value)
                    .map_err(fail)?,
                "revision" => sheet
                    .write_number(row_number, column, f64::from(record.revision))
                    .map_err(fail)?,
                _ => sheet.write_string(row_number, column, text).map_err(fail)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    sheet.autofit();
    workbook.save_to_buffer().map_err(fail)
}

/// A download: its bytes, its type and its file name.
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) const XLSX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) async fn indicator_csv<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let (indicator, region, history) = records(&state, &ctx, &code).await?;
    let bytes = csv_bytes(&history).map_err(|e| ctx.error(e))?;
    Ok(attachment(
        bytes,
        "text/csv; charset=utf-8",
        &format!("{indicator}-{region}.csv"),
    ))
}

pub(crate) async fn indicator_xlsx<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let (indicator, region, history) = records(&state, &ctx, &code).await?;
    let bytes = xlsx_bytes(&history).map_err(|e| ctx.error(e))?;
    Ok(attachment(
        bytes,
        XLSX_TYPE,
        &format!("{indicator}-{region}.xlsx"),
    ))
}
