//! The JSON API under `/api/v1`: read-only but for the policy evaluation
//! (a POST that writes nothing), documented by the OpenAPI
//! document at `/api/v1/openapi.json` (see `openapi`). Each handler carries
//! its `#[utoipa::path]`; the routes are registered through [`ApiRoutes`],
//! which records their paths so that the tests can check that every route is
//! documented.

use std::sync::OnceLock;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;
use zijin_app::monitor::{Rankings, ReportingStatus, rankings};
use zijin_app::{AssessQuery, Evaluation, EvaluationRun};
use zijin_assess::Assessment;
use zijin_domain::{Indicator, ObservationRecord, Plan, Region};
use zijin_store::{ObservationFilter, Store};

use crate::Shared;
use crate::bulletin::{self, BulletinFormat};
use crate::error::{ApiError, ErrorBody};
use crate::openapi::schema;
use crate::params::{Params, parse_year};

/// The API's router and the paths it registers.
pub(crate) struct ApiRoutes<S> {
    pub router: Router<Shared<S>>,
    pub paths: Vec<&'static str>,
}

impl<S: Store + 'static> ApiRoutes<S> {
    fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Shared<S>>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.paths.push(path);
        self
    }

    fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Shared<S>>,
        T: 'static,
    {
        self.router = self.router.route(path, axum::routing::post(handler));
        self.paths.push(path);
        self
    }
}

pub(crate) fn routes<S: Store + 'static>() -> ApiRoutes<S> {
    ApiRoutes {
        router: Router::new(),
        paths: Vec::new(),
    }
    .get("/api/v1/openapi.json", openapi_json)
    .get("/api/v1/plan", plan::<S>)
    .get("/api/v1/plans", plans::<S>)
    .get("/api/v1/plans/{code}", plan_by_code::<S>)
    .get("/api/v1/indicators", indicators::<S>)
    .get("/api/v1/indicators/{code}", indicator::<S>)
    .get("/api/v1/regions", regions::<S>)
    .get("/api/v1/observations", observations::<S>)
    .get("/api/v1/observations/history", history::<S>)
    .get("/api/v1/assessment", assessment::<S>)
    .get("/api/v1/rankings", rankings_handler::<S>)
    .get("/api/v1/reporting-status", reporting_status::<S>)
    .get("/api/v1/bulletins/{year}", bulletin_download::<S>)
    .get("/api/v1/evaluations", evaluations::<S>)
    .get("/api/v1/evaluations/{framework}/{year}", evaluation::<S>)
    .post(
        "/api/v1/policies/{id}/evaluate",
        crate::policy_api::evaluate::<S>,
    )
}

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| {
        crate::openapi()
            .to_pretty_json()
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.as_str(),
    )
        .into_response()
}

/// The active plan: its indicators, baselines, targets and thresholds.
#[utoipa::path(
    get,
    path = "/api/v1/plan",
    tag = "plans",
    responses(
        (status = 200, description = "The active plan, as `zijin plan show --format json` prints it", body = schema::Plan),
        (status = 404, description = "No plan is loaded (`no_plan`)", body = ErrorBody),
    )
)]
async fn plan<S: Store + 'static>(State(state): State<Shared<S>>) -> Result<Json<Plan>, ApiError> {
    Ok(Json(state.app.active_plan().await?.plan))
}

/// One stored plan, summarised.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PlanSummary {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The region the plan's own targets are for.
    pub region: String,
    pub base_year: i32,
    pub target_year: i32,
    /// The latest stored version of the plan.
    pub version: u32,
    #[schema(value_type = String, format = DateTime)]
    pub loaded_at: DateTime<Utc>,
    /// Whether this is the active plan, the one assessments use.
    pub active: bool,
    /// The number of indicators.
    pub indicators: usize,
}

/// Every stored plan (the latest version of each), and which one is active.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    responses(
        (status = 200, description = "The stored plans, in the order they were first loaded", body = Vec<PlanSummary>),
        (status = 500, description = "The store failed", body = ErrorBody),
    )
)]
async fn plans<S: Store + 'static>(
    State(state): State<Shared<S>>,
) -> Result<Json<Vec<PlanSummary>>, ApiError> {
    let store = state.app.store();
    let stored = store.plans().await.map_err(zijin_app::AppError::from)?;
    let active = store
        .active_plan()
        .await
        .map_err(zijin_app::AppError::from)?
        .map(|stored| stored.plan.code);
    Ok(Json(
        stored
            .into_iter()
            .map(|stored| PlanSummary {
                active: active.as_ref() == Some(&stored.plan.code),
                code: stored.plan.code.to_string(),
                name_zh: stored.plan.name_zh,
                name_en: stored.plan.name_en,
                region: stored.plan.region.to_string(),
                base_year: stored.plan.base_year,
                target_year: stored.plan.target_year,
                version: stored.version,
                loaded_at: stored.loaded_at,
                indicators: stored.plan.indicators.len(),
            })
            .collect(),
    ))
}

/// One stored plan by its code (its latest version), active or not.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{code}",
    tag = "plans",
    params(("code" = String, Path, description = "The plan code, such as `nanjing-14th-st`")),
    responses(
        (status = 200, description = "The plan", body = schema::Plan),
        (status = 404, description = "No plan with this code (`unknown_plan`)", body = ErrorBody),
    )
)]
async fn plan_by_code<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
) -> Result<Json<Plan>, ApiError> {
    let unknown = || {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "unknown_plan",
            format!("no plan with code {code} is stored; /api/v1/plans lists the plans"),
        )
    };
    let code = code
        .parse::<zijin_domain::PlanCode>()
        .map_err(|_| unknown())?;
    let stored = state
        .app
        .store()
        .plan(&code)
        .await
        .map_err(zijin_app::AppError::from)?
        .ok_or_else(unknown)?;
    Ok(Json(stored.plan))
}

/// The indicators of the active plan.
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "plans",
    responses(
        (status = 200, description = "The active plan's indicators, in the plan's order", body = Vec<schema::Indicator>),
        (status = 404, description = "No plan is loaded (`no_plan`)", body = ErrorBody),
    )
)]
async fn indicators<S: Store + 'static>(
    State(state): State<Shared<S>>,
) -> Result<Json<Vec<Indicator>>, ApiError> {
    Ok(Json(state.app.active_plan().await?.plan.indicators))
}

/// One indicator of the active plan.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{code}",
    tag = "plans",
    params(("code" = String, Path, description = "The indicator code, such as `high_tech_enterprises`")),
    responses(
        (status = 200, description = "The indicator", body = schema::Indicator),
        (status = 404, description = "No indicator with this code (`unknown_indicator`), or no plan", body = ErrorBody),
    )
)]
async fn indicator<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(code): Path<String>,
) -> Result<Json<Indicator>, ApiError> {
    let plan = state.app.active_plan().await?.plan;
    plan.indicators
        .into_iter()
        .find(|indicator| indicator.code.as_str() == code)
        .map(Json)
        .ok_or_else(|| crate::pages::unknown_indicator(&code))
}

/// Every region: the city, its districts, functional areas, the high-tech
/// zone and its parks.
#[utoipa::path(
    get,
    path = "/api/v1/regions",
    tag = "regions",
    responses(
        (status = 200, description = "The regions, in the order they were first saved", body = Vec<schema::Region>),
        (status = 500, description = "The store failed", body = ErrorBody),
    )
)]
async fn regions<S: Store + 'static>(
    State(state): State<Shared<S>>,
) -> Result<Json<Vec<Region>>, ApiError> {
    Ok(Json(state.app.regions().await?))
}

/// Checks that the indicators and regions of a filter exist.
async fn check_filter<S: Store + 'static>(
    state: &Shared<S>,
    filter: &ObservationFilter,
) -> Result<(), ApiError> {
    if !filter.indicators.is_empty() {
        let plan = state.app.active_plan().await?.plan;
        for code in &filter.indicators {
            if plan.indicator(code).is_none() {
                return Err(zijin_app::AppError::UnknownIndicator(code.clone()).into());
            }
        }
    }
    if !filter.regions.is_empty() {
        let regions = state.app.regions().await?;
        for code in &filter.regions {
            if !regions.iter().any(|region| &region.code == code) {
                return Err(zijin_app::AppError::UnknownRegion(code.clone()).into());
            }
        }
    }
    Ok(())
}

/// The latest revision of every observation, optionally of some indicators
/// and regions.
#[utoipa::path(
    get,
    path = "/api/v1/observations",
    tag = "observations",
    params(
        ("indicator" = Option<String>, Query, description = "Indicator codes, repeated or comma-separated; all when absent"),
        ("region" = Option<String>, Query, description = "Region codes, repeated or comma-separated; all when absent"),
    ),
    responses(
        (status = 200, description = "The latest revision of each (indicator, region, period), ordered by indicator, region and period", body = Vec<schema::ObservationRecord>),
        (status = 400, description = "A code is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "An indicator or region is unknown", body = ErrorBody),
    )
)]
async fn observations<S: Store + 'static>(
    State(state): State<Shared<S>>,
    params: Params,
) -> Result<Json<Vec<ObservationRecord>>, ApiError> {
    let filter = ObservationFilter {
        indicators: params.indicators("indicator")?,
        regions: params.regions("region")?,
    };
    check_filter(&state, &filter).await?;
    Ok(Json(state.app.observations(&filter).await?))
}

/// Every revision of every period of one indicator in one region.
#[utoipa::path(
    get,
    path = "/api/v1/observations/history",
    tag = "observations",
    params(
        ("indicator" = String, Query, description = "The indicator code"),
        ("region" = String, Query, description = "The region code"),
    ),
    responses(
        (status = 200, description = "Every revision, ordered by period, then revision", body = Vec<schema::ObservationRecord>),
        (status = 400, description = "A parameter is missing or malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "The indicator or region is unknown", body = ErrorBody),
    )
)]
async fn history<S: Store + 'static>(
    State(state): State<Shared<S>>,
    params: Params,
) -> Result<Json<Vec<ObservationRecord>>, ApiError> {
    let indicator = params
        .indicator("indicator")?
        .ok_or_else(|| ApiError::missing_parameter("indicator", "an indicator code"))?;
    let region = params
        .region("region")?
        .ok_or_else(|| ApiError::missing_parameter("region", "a region code"))?;
    Ok(Json(state.app.history(&indicator, &region).await?))
}

/// The assessment of the active plan at a date: one entry per indicator and
/// region, with the same fields as `zijin assess --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/assessment",
    tag = "assessment",
    params(
        ("as_of" = Option<String>, Query, format = Date, description = "The assessment date, YYYY-MM-DD; by default the date the latest year's figures were due"),
        ("region" = Option<String>, Query, description = "Region codes, repeated or comma-separated; all when absent"),
        ("indicator" = Option<String>, Query, description = "Indicator codes, repeated or comma-separated; all when absent"),
    ),
    responses(
        (status = 200, description = "The assessments, by the plan's indicator order, then the regions' order", body = Vec<schema::Assessment>),
        (status = 400, description = "A parameter is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "An indicator or region is unknown, no plan is loaded, or there is no data", body = ErrorBody),
    )
)]
async fn assessment<S: Store + 'static>(
    State(state): State<Shared<S>>,
    params: Params,
) -> Result<Response, ApiError> {
    let query = AssessQuery {
        as_of: params.date("as_of")?,
        regions: params.regions("region")?,
        indicators: params.indicators("indicator")?,
    };
    if query.regions.is_empty() && query.indicators.is_empty() {
        // The whole plan: the cached report, serialized once per report.
        let body = state.report_json(query.as_of).await?;
        return Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response());
    }
    let report = state.app.assess(&query).await?;
    Ok(Json::<Vec<Assessment>>(report.assessments).into_response())
}

/// Districts and parks ranked among their peers by growth ratio and by
/// completion, overall and per indicator.
#[utoipa::path(
    get,
    path = "/api/v1/rankings",
    tag = "assessment",
    params(("as_of" = Option<String>, Query, format = Date, description = "The assessment date, YYYY-MM-DD; by default as for /api/v1/assessment")),
    responses(
        (status = 200, description = "The rankings", body = schema::Rankings),
        (status = 400, description = "A parameter is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "No plan is loaded, or there is no data", body = ErrorBody),
    )
)]
async fn rankings_handler<S: Store + 'static>(
    State(state): State<Shared<S>>,
    params: Params,
) -> Result<Json<Rankings>, ApiError> {
    let report = state.report(params.date("as_of")?).await?;
    Ok(Json(rankings(&report)))
}

/// Which region has reported which year (数据报送), and what is overdue.
#[utoipa::path(
    get,
    path = "/api/v1/reporting-status",
    tag = "assessment",
    params(("as_of" = Option<String>, Query, format = Date, description = "The date the status is taken at, YYYY-MM-DD; by default as for /api/v1/assessment")),
    responses(
        (status = 200, description = "The reporting status", body = schema::ReportingStatus),
        (status = 400, description = "A parameter is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "No plan is loaded, or there is no data", body = ErrorBody),
    )
)]
async fn reporting_status<S: Store + 'static>(
    State(state): State<Shared<S>>,
    params: Params,
) -> Result<Json<ReportingStatus>, ApiError> {
    Ok(Json(
        state.app.reporting_status(params.date("as_of")?).await?,
    ))
}

/// The bulletin (通报) of a year as a PDF, an Excel workbook or an HTML page.
#[utoipa::path(
    get,
    path = "/api/v1/bulletins/{year}",
    tag = "bulletins",
    params(
        ("year" = i32, Path, description = "The year the bulletin reports on, such as 2024"),
        ("format" = Option<String>, Query, description = "pdf (the default), xlsx or html"),
        ("lang" = Option<String>, Query, description = "zh (the default) or en"),
    ),
    responses(
        (status = 200, description = "The bulletin", content(
            ("application/pdf"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("text/html"),
        )),
        (status = 400, description = "A parameter is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "The year is outside the plan (`unknown_period`) or has no figures (`no_data`)", body = ErrorBody),
        (status = 503, description = "The fonts the PDF needs are not installed (`fonts_missing`)", body = ErrorBody),
    )
)]
async fn bulletin_download<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(year): Path<String>,
    headers: axum::http::HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    let year = parse_year("year", &year)?;
    let format = match params.get("format") {
        Some(text) => BulletinFormat::parse("format", text)?,
        None => BulletinFormat::Pdf,
    };
    let (lang, _) = params.lang(&headers);
    bulletin::render(&state, year, format, lang).await
}

/// The evaluations (考核评价): the latest run of every built-in framework
/// (the parks, the new R&D institutions) in every year of its data.
#[utoipa::path(
    get,
    path = "/api/v1/evaluations",
    tag = "evaluations",
    responses(
        (status = 200, description = "The latest run of each (framework, year), by framework code, then year; empty before `zijin evaluate` or `zijin demo` has run", body = Vec<schema::EvaluationRun>),
        (status = 500, description = "The store failed", body = ErrorBody),
    )
)]
async fn evaluations<S: Store + 'static>(
    State(state): State<Shared<S>>,
) -> Result<Json<Vec<EvaluationRun>>, ApiError> {
    Ok(Json(state.app.evaluations().await?))
}

/// One evaluation: the latest run of a framework in a year, with its tree,
/// units, results, rank uncertainty and (NRI) exit flags.
#[utoipa::path(
    get,
    path = "/api/v1/evaluations/{framework}/{year}",
    tag = "evaluations",
    params(
        ("framework" = String, Path, description = "The framework's key (`parks`, `nri`) or code (`njhz-parks`, `nj-nri-yearly`)"),
        ("year" = i32, Path, description = "The year of the data, such as 2024"),
    ),
    responses(
        (status = 200, description = "The evaluation", body = schema::Evaluation),
        (status = 400, description = "The year is malformed (`bad_parameter`)", body = ErrorBody),
        (status = 404, description = "No run of this framework in this year is stored (`unknown_evaluation`)", body = ErrorBody),
    )
)]
async fn evaluation<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path((framework, year)): Path<(String, String)>,
) -> Result<Json<Evaluation>, ApiError> {
    let year = parse_year("year", &year)?;
    state
        .app
        .evaluation(&framework, year)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "unknown_evaluation",
                format!(
                    "no evaluation of framework {framework} in {year} is stored; /api/v1/evaluations lists them"
                ),
            )
        })
}

/// The OpenAPI document: every handler above, and the schemas they name.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Zijin API",
        description = "JSON API of Zijin (紫金): the plan, regions, observations with their revisions, the assessment of the plan's progress, rankings, the reporting status, the bulletins, the evaluations, and the evaluation of an enterprise against a policy (the one POST, which writes nothing). Errors are `{\"code\", \"message\"}` with a 4xx status for the caller's mistakes and a 5xx status for faults.",
        license(name = "Apache-2.0"),
    ),
    paths(
        openapi_json,
        plan,
        plans,
        plan_by_code,
        indicators,
        indicator,
        regions,
        observations,
        history,
        assessment,
        rankings_handler,
        reporting_status,
        bulletin_download,
        evaluations,
        evaluation,
        crate::policy_api::evaluate,
    ),
    components(schemas(ErrorBody, PlanSummary)),
    tags(
        (name = "plans", description = "The plans and their indicators"),
        (name = "regions", description = "The city, its districts, functional areas, the high-tech zone and its parks"),
        (name = "observations", description = "Reported and published figures, with every revision"),
        (name = "assessment", description = "Progress against the targets: readings, statuses, lights, rankings, reporting"),
        (name = "bulletins", description = "The yearly bulletins (通报)"),
        (name = "evaluations", description = "The evaluations (考核评价) of the parks and the new R&D institutions by composite index, with rank uncertainty and exit flags; the built-in data are synthetic (合成数据), as each run says"),
        (name = "policies", description = "The policy engine (免申即享): one enterprise, given in the body, evaluated against a policy of a built-in pack, with every criterion explained"),
        (name = "meta", description = "This document"),
    )
)]
pub(crate) struct ApiDoc;
