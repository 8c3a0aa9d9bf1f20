//! The state shared by the handlers: the application and what is worth
//! keeping between requests.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use zijin_app::{AssessQuery, AssessmentReport, Zijin};
use zijin_domain::{IndicatorCode, Observation, Plan};
use zijin_report::PdfEngine;
use zijin_store::{ObservationFilter, Store};

use crate::error::ApiError;

pub(crate) struct AppState<S> {
    pub app: Zijin<S>,
    /// The PDF engine, built on the first PDF asked for (loading the fonts
    /// takes a moment) and shared by every request after it.
    pdf: tokio::sync::OnceCell<Arc<PdfEngine>>,
}

impl<S: Store + 'static> AppState<S> {
    pub fn new(app: Zijin<S>) -> AppState<S> {
        AppState {
            app,
            pdf: tokio::sync::OnceCell::new(),
        }
    }

    /// The shared PDF engine. Without the fonts it is not built, and the next
    /// request tries again (the fonts may have been installed since).
    pub async fn pdf_engine(&self) -> Result<Arc<PdfEngine>, ApiError> {
        self.pdf
            .get_or_try_init(|| async {
                tokio::task::spawn_blocking(PdfEngine::new)
                    .await
                    .map_err(|error| {
                        ApiError::internal(format!("building the PDF engine: {error}"))
                    })?
                    .map(Arc::new)
                    .map_err(crate::bulletin::report_error)
            })
            .await
            .cloned()
    }

    /// The assessment of the whole active plan (every indicator, every
    /// region) at `as_of`, or at the default date.
    pub async fn report(
        &self,
        as_of: Option<NaiveDate>,
    ) -> Result<Arc<AssessmentReport>, ApiError> {
        let report = self
            .app
            .assess(&AssessQuery {
                as_of,
                regions: Vec::new(),
                indicators: Vec::new(),
            })
            .await?;
        Ok(Arc::new(report))
    }
}

impl<S: Store + 'static> AppState<S> {
    /// The plan region's values of each indicator up to the report's date,
    /// after its baseline: the points of the overview's sparklines.
    pub async fn city_series(
        &self,
        report: &AssessmentReport,
    ) -> Result<HashMap<IndicatorCode, Vec<(f64, f64)>>, ApiError> {
        let records = self
            .app
            .observations(&ObservationFilter {
                indicators: Vec::new(),
                regions: vec![report.plan.region.clone()],
            })
            .await?;
        Ok(series(
            &report.plan,
            records.iter().map(|record| &record.observation),
            report.as_of,
        ))
    }
}

/// Baseline and full-year observations per indicator, in time order, up to `as_of`.
pub(crate) fn series<'a>(
    plan: &Plan,
    observations: impl Iterator<Item = &'a Observation>,
    as_of: NaiveDate,
) -> HashMap<IndicatorCode, Vec<(f64, f64)>> {
    let mut series: HashMap<IndicatorCode, Vec<(f64, f64)>> = plan
        .indicators
        .iter()
        .map(|indicator| {
            let start = indicator
                .baseline
                .filter(|_| indicator.kind != zijin_domain::Kind::Cumulative)
                .map(|baseline| (f64::from(baseline.year), baseline.value));
            (indicator.code.clone(), start.into_iter().collect())
        })
        .collect();
    for observation in observations {
        // Full years only: a quarter's flow beside yearly values would mislead.
        if !observation.period.is_full_year()
            || observation.period.end_date() > as_of
            || observation.period.year() <= plan.base_year
        {
            continue;
        }
        if let Some(points) = series.get_mut(&observation.indicator) {
            points.push((observation.period.time(), observation.value));
        }
    }
    for points in series.values_mut() {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    series
}

impl<S: Store + 'static> AppState<S> {
    /// The whole-plan assessment as JSON, exactly as `zijin assess --format
    /// json` serializes it (without its pretty printing).
    pub async fn report_json(&self, as_of: Option<NaiveDate>) -> Result<Vec<u8>, ApiError> {
        let report = self.report(as_of).await?;
        serde_json::to_vec(&report.assessments)
            .map_err(|error| ApiError::internal(format!("serializing the assessment: {error}")))
    }
}
