//! Policy evaluation over HTTP (免申即享): the built-in packs, parsed once at
//! startup, and `POST /api/v1/policies/{id}/evaluate`, which evaluates one
//! enterprise given in the request body against one policy with the full
//! explanation.
//!
//! The body is `{"id", "once": {variable: value}, "yearly": {variable:
//! {year: value}}}`, checked against the pack's declared variables: every
//! problem is reported at once, each with its field path
//! (`yearly.revenue.2023`) and what was expected. Numbers are exact: a
//! decimal string is parsed as it is written, and a JSON number is read
//! from its shortest decimal text (so `0.1` is 0.1, not the nearest
//! binary fraction).

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use zijin_app::policy::{BUILTIN_PACKS, BuiltinPack};
use zijin_policy::PeriodKind;
use zijin_policy::eval::{
    Comparison, CriterionResult, Enterprise, Explanation, Options, UsedBand, UsedParameter,
    UsedVariable,
};
use zijin_policy::pack::Pack;
use zijin_policy::{Type, Value};
use zijin_store::Store;

use crate::Shared;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;

/// The built-in packs, parsed once.
pub(crate) struct Packs {
    packs: Vec<LoadedPack>,
}

pub(crate) struct LoadedPack {
    pub builtin: &'static BuiltinPack,
    /// The pack, or why its text does not parse (a fault of the binary).
    pub pack: Result<Arc<Pack>, String>,
}

impl Packs {
    pub fn load() -> Packs {
        Packs {
            packs: BUILTIN_PACKS
                .iter()
                .map(|builtin| LoadedPack {
                    builtin,
                    pack: Pack::from_toml(builtin.file, builtin.text)
                        .map(Arc::new)
                        .map_err(|errors| errors.to_string()),
                })
                .collect(),
        }
    }

    pub fn all(&self) -> &[LoadedPack] {
        &self.packs
    }

    /// A pack by id: 404 `unknown_pack` listing the packs, 500 if the
    /// built-in text does not parse.
    pub fn get(&self, id: &str) -> Result<&Arc<Pack>, ApiError> {
        let loaded = self
            .packs
            .iter()
            .find(|loaded| loaded.builtin.id == id)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "unknown_pack",
                    format!(
                        "no built-in policy pack {id:?}; the packs are {}",
                        self.packs
                            .iter()
                            .map(|loaded| loaded.builtin.id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        loaded.pack.as_ref().map_err(|message| {
            ApiError::internal(format!("the built-in pack {id} does not load: {message}"))
        })
    }
}

/// The answer of `POST /api/v1/policies/{id}/evaluate`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PolicyEvaluation {
    /// The pack's id (`default`, `benchmark-openfisca`).
    pub pack: String,
    pub pack_version: String,
    pub policy: String,
    pub name_zh: String,
    pub name_en: String,
    /// The document the policy comes from.
    pub reference: Option<String>,
    /// The enterprise's id as given in the body.
    pub enterprise: String,
    /// The fiscal year evaluated.
    pub period: i32,
    #[schema(value_type = String, format = Date)]
    pub reference_date: NaiveDate,
    /// The date the rules were taken as known on, if asked.
    #[schema(value_type = Option<String>, format = Date)]
    pub known_on: Option<NaiveDate>,
    /// `pass`, `fail` or `unknown` (not decided for lack of data).
    pub status: String,
    pub eligible: bool,
    /// Why the policy is not granted: the criteria not met, or the data missing.
    pub reason: Option<String>,
    /// The amount granted in yuan, exact, with at least two places (`14761.00`), for a policy with an amount (`0.00` when not eligible).
    pub amount: Option<String>,
    /// How the amount was computed.
    pub amount_explanation: Option<ExplanationDto>,
    pub criteria: Vec<CriterionDto>,
}

/// One criterion of the policy, evaluated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CriterionDto {
    pub id: String,
    pub text_zh: String,
    pub text_en: String,
    pub reference: Option<String>,
    /// `pass`, `fail` or `unknown`.
    pub status: String,
    /// The criterion explained in one line (as `zijin policy explain` prints it).
    pub line: String,
    pub explanation: ExplanationDto,
}

/// What an evaluation used. Values are text: `true`/`false`, a whole
/// number, an exact decimal, a date `YYYY-MM-DD`, or a text.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ExplanationDto {
    pub variables: Vec<VariableDto>,
    pub parameters: Vec<ParameterDto>,
    pub bands: Vec<BandDto>,
    pub comparisons: Vec<ComparisonDto>,
    /// Other policies the formula referred to, with their status.
    pub policies: Vec<PolicyRefDto>,
    /// The facts that were needed and not given.
    pub missing: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct VariableDto {
    pub name: String,
    /// The fiscal year, for a yearly variable.
    pub year: Option<i32>,
    pub value: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ParameterDto {
    pub name: String,
    pub value: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// In force from this date.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub published: NaiveDate,
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct BandDto {
    pub scale: String,
    /// The base expression (`revenue[last_year]`).
    pub base_text: String,
    pub base_label: Option<String>,
    pub base: String,
    pub base_type: String,
    pub lower: Option<String>,
    pub upper: Option<String>,
    pub lower_inclusive: bool,
    pub value: String,
    pub value_type: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub published: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ComparisonDto {
    pub left_text: String,
    pub left_label: Option<String>,
    pub left: String,
    pub left_type: String,
    /// `<`, `≤`, `>`, `≥`, `=`, `≠`.
    pub op: String,
    pub right_text: String,
    pub right_label: Option<String>,
    pub right: String,
    pub right_type: String,
    pub holds: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PolicyRefDto {
    pub id: String,
    pub status: String,
}

/// An amount in yuan as text, exact, with at least the two places of the
/// fen (`14761.00`); more places are kept, never rounded away.
pub(crate) fn money_text(mut amount: Decimal) -> String {
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    amount.to_string()
}

/// A value as text, exact.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        value => value.to_string(),
    }
}

fn explanation_dto(explanation: &Explanation) -> ExplanationDto {
    ExplanationDto {
        variables: explanation
            .variables
            .iter()
            .map(|used: &UsedVariable| VariableDto {
                name: used.name.clone(),
                year: used.year,
                value: value_text(&used.value),
                ty: used.ty.name().to_owned(),
            })
            .collect(),
        parameters: explanation
            .parameters
            .iter()
            .map(|used: &UsedParameter| ParameterDto {
                name: used.name.clone(),
                value: value_text(&used.value),
                ty: used.ty.name().to_owned(),
                from: used.from,
                published: used.published,
                reference: used.reference.clone(),
            })
            .collect(),
        bands: explanation
            .bands
            .iter()
            .map(|used: &UsedBand| BandDto {
                scale: used.scale.clone(),
                base_text: used.base_text.clone(),
                base_label: used.base_label.clone(),
                base: used.base.normalize().to_string(),
                base_type: used.base_type.name().to_owned(),
                lower: used.lower.map(|lower| lower.normalize().to_string()),
                upper: used.upper.map(|upper| upper.normalize().to_string()),
                lower_inclusive: used.lower_inclusive,
                value: value_text(&used.value),
                value_type: used.value_type.name().to_owned(),
                from: used.from,
                published: used.published,
            })
            .collect(),
        comparisons: explanation
            .comparisons
            .iter()
            .map(|used: &Comparison| ComparisonDto {
                left_text: used.left_text.clone(),
                left_label: used.left_label.clone(),
                left: value_text(&used.left),
                left_type: used.left_type.name().to_owned(),
                op: used.op.symbol().to_owned(),
                right_text: used.right_text.clone(),
                right_label: used.right_label.clone(),
                right: value_text(&used.right),
                right_type: used.right_type.name().to_owned(),
                holds: used.holds,
            })
            .collect(),
        policies: explanation
            .policies
            .iter()
            .map(|(id, status)| PolicyRefDto {
                id: id.clone(),
                status: status.name().to_owned(),
            })
            .collect(),
        missing: explanation
            .missing
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

fn criterion_dto(criterion: &CriterionResult) -> CriterionDto {
    CriterionDto {
        id: criterion.id.clone(),
        text_zh: criterion.text_zh.clone(),
        text_en: criterion.text_en.clone(),
        reference: criterion.reference.clone(),
        status: criterion.status.name().to_owned(),
        line: zijin_policy::explain::render_criterion(criterion),
        explanation: explanation_dto(&criterion.explanation),
    }
}

/// The years a yearly value may be given for.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Reads the body into the engine's input, checked against `pack`'s
/// variables; every problem, each with its field path.
pub(crate) fn parse_enterprise(pack: &Pack, body: &[u8]) -> Result<Enterprise, ApiError> {
    let body: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("the body is not JSON ({error}); expected {{\"id\", \"once\": {{…}}, \"yearly\": {{variable: {{year: value}}}}}}"),
        )
    })?;
    let serde_json::Value::Object(body) = body else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_enterprise",
            "the body must be a JSON object {\"id\", \"once\", \"yearly\"}",
        ));
    };
    let mut problems = Vec::new();
    let mut enterprise = Enterprise {
        id: "request".to_owned(),
        ..Enterprise::default()
    };
    for (key, value) in &body {
        match key.as_str() {
            "id" => match value {
                serde_json::Value::String(id) => enterprise.id = id.clone(),
                serde_json::Value::Number(number) => enterprise.id = number.to_string(),
                _ => problems.push(format!("id: found {value}, expected a string")),
            },
            "once" => match value {
                serde_json::Value::Object(map) => {
                    for (name, value) in map {
                        let path = format!("once.{name}");
                        match variable(pack, name, &path, PeriodKind::Once) {
                            Ok(ty) => match typed(value, ty, &path) {
                                Ok(value) => {
                                    enterprise.once.insert(name.clone(), value);
                                }
                                Err(problem) => problems.push(problem),
                            },
                            Err(problem) => problems.push(problem),
                        }
                    }
                }
                serde_json::Value::Null => {}
                _ => problems.push(format!(
                    "once: found {value}, expected an object {{variable: value}}"
                )),
            },
            "yearly" => match value {
                serde_json::Value::Object(map) => {
                    for (name, years) in map {
                        let path = format!("yearly.{name}");
                        let ty = match variable(pack, name, &path, PeriodKind::Year) {
                            Ok(ty) => ty,
                            Err(problem) => {
                                problems.push(problem);
                                continue;
                            }
                        };
                        let serde_json::Value::Object(years) = years else {
                            problems.push(format!(
                                "{path}: found {years}, expected an object {{year: value}} such as {{\"2023\": …}}"
                            ));
                            continue;
                        };
                        let mut values = BTreeMap::new();
                        for (year, value) in years {
                            let path = format!("{path}.{year}");
                            let Some(year) =
                                year.parse::<i32>().ok().filter(|year| YEARS.contains(year))
                            else {
                                problems.push(format!(
                                    "{path}: {year:?} is not a year, expected a year from {} to {}",
                                    YEARS.start(),
                                    YEARS.end()
                                ));
                                continue;
                            };
                            if value.is_null() {
                                continue;
                            }
                            match typed(value, ty, &path) {
                                Ok(value) => {
                                    values.insert(year, value);
                                }
                                Err(problem) => problems.push(problem),
                            }
                        }
                        enterprise.yearly.insert(name.clone(), values);
                    }
                }
                serde_json::Value::Null => {}
                _ => problems.push(format!(
                    "yearly: found {value}, expected an object {{variable: {{year: value}}}}"
                )),
            },
            other => problems.push(format!(
                "{other}: not a field of the body, expected id, once or yearly"
            )),
        }
    }
    if problems.is_empty() {
        Ok(enterprise)
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_enterprise",
            format!(
                "{} problem{} in the body: {}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                problems.join("; ")
            ),
        ))
    }
}

/// The declared type of `name`, which must be a variable of the `period` kind.
fn variable(pack: &Pack, name: &str, path: &str, period: PeriodKind) -> Result<Type, String> {
    let Some(variable) = pack.variables.get(name) else {
        let names: Vec<&str> = pack
            .variables
            .values()
            .filter(|variable| variable.period == period)
            .map(|variable| variable.name.as_str())
            .collect();
        return Err(format!(
            "{path}: pack {} has no variable {name:?}, expected one of {}",
            pack.info.id,
            names.join(", ")
        ));
    };
    if variable.period != period {
        return Err(match period {
            PeriodKind::Once => format!(
                "{path}: {name} is given per year, expected it under yearly.{name}.{{year}}"
            ),
            PeriodKind::Year => {
                format!("{path}: {name} is given once, expected it under once.{name}")
            }
        });
    }
    Ok(variable.ty)
}

/// A JSON value read as a value of type `ty`.
fn typed(value: &serde_json::Value, ty: Type, path: &str) -> Result<Value, String> {
    let wrong = |expected: &str| format!("{path}: found {value}, expected {expected}");
    match ty {
        Type::Bool => match value {
            serde_json::Value::Bool(flag) => Ok(Value::Bool(*flag)),
            // The benchmark's files write booleans as 0 and 1.
            serde_json::Value::Number(number) if number.as_u64() == Some(0) => {
                Ok(Value::Bool(false))
            }
            serde_json::Value::Number(number) if number.as_u64() == Some(1) => {
                Ok(Value::Bool(true))
            }
            _ => Err(wrong("true or false (or 0 or 1)")),
        },
        Type::Date => match value {
            serde_json::Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Value::Date)
                .map_err(|_| wrong("a date YYYY-MM-DD")),
            _ => Err(wrong("a date string YYYY-MM-DD")),
        },
        Type::Text => match value {
            serde_json::Value::String(text) => Ok(Value::Text(text.clone())),
            _ => Err(wrong("a string")),
        },
        Type::Integer => {
            let expected = "a whole number (a JSON integer or a string of digits)";
            let number = decimal(value).ok_or_else(|| wrong(expected))?;
            if !number.fract().is_zero() {
                return Err(wrong(expected));
            }
            i64::try_from(number.trunc())
                .map(Value::Integer)
                .map_err(|_| wrong(expected))
        }
        Type::Decimal | Type::Rate | Type::Money => {
            let expected = match ty {
                Type::Money => {
                    "an amount in yuan ≥ 0 (a JSON number or a decimal string such as \"26407013.50\")"
                }
                Type::Rate => {
                    "a rate as a decimal (0.05 for 5%; a JSON number or a decimal string)"
                }
                _ => "a decimal number (a JSON number or a decimal string)",
            };
            let number = decimal(value).ok_or_else(|| wrong(expected))?;
            if ty == Type::Money && number.is_sign_negative() && !number.is_zero() {
                return Err(wrong(expected));
            }
            Ok(Value::Decimal(number))
        }
    }
}

/// A JSON number or a decimal string as an exact decimal.
fn decimal(value: &serde_json::Value) -> Option<Decimal> {
    let text = match value {
        serde_json::Value::Number(number) => number.to_string(),
        serde_json::Value::String(text) => text.trim().to_owned(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// The options of a request: `?period=` (2024), `?known_on=`.
fn options(params: &Params) -> Result<Options, ApiError> {
    let period = match params.get("period") {
        Some(text) => crate::params::parse_year("period", text)?,
        None => 2024,
    };
    Ok(Options {
        period,
        reference_date: None,
        known_on: params.date("known_on")?,
    })
}

/// Evaluates one enterprise, given in the body, against one policy of a
/// built-in pack, with the full explanation (免申即享: who is entitled, and why).
#[utoipa::path(
    post,
    path = "/api/v1/policies/{id}/evaluate",
    tag = "policies",
    params(
        ("id" = String, Path, description = "The policy's id in the pack, such as `hte` or `rd_subsidy`"),
        ("pack" = Option<String>, Query, description = "The built-in pack: `default` (the default) or `benchmark-openfisca`"),
        ("period" = Option<i32>, Query, description = "The fiscal year evaluated, 2024 by default (reference date YYYY-01-01)"),
        ("known_on" = Option<String>, Query, format = Date, description = "Take the rules as known on this date, YYYY-MM-DD (parameters published later are ignored)"),
    ),
    request_body(
        content = Object,
        content_type = "application/json",
        description = "The enterprise: `{\"id\": \"E1\", \"once\": {\"registration_date\": \"2019-03-18\"}, \"yearly\": {\"revenue\": {\"2023\": \"26407013\"}, \"employees\": {\"2023\": 30}}}`. Variables are the pack's; numbers are JSON numbers or decimal strings (exact), integers whole, money ≥ 0, dates `YYYY-MM-DD`, booleans `true`/`false` (or 0/1)."
    ),
    responses(
        (status = 200, description = "The policy's verdict, amount and every criterion explained", body = PolicyEvaluation),
        (status = 400, description = "The body is not JSON, or a query parameter is malformed (`bad_body`, `bad_parameter`)", body = ErrorBody),
        (status = 404, description = "No such pack (`unknown_pack`) or no such policy in the pack (`unknown_policy`, listing the pack's policies)", body = ErrorBody),
        (status = 422, description = "The enterprise does not fit the pack's variables (`invalid_enterprise`): every problem with its field path, such as `yearly.revenue.2023`; or its evaluation stopped on an error such as an overflow (`evaluation_failed`)", body = ErrorBody),
    )
)]
pub(crate) async fn evaluate<S: Store + 'static>(
    State(state): State<Shared<S>>,
    Path(id): Path<String>,
    params: Params,
    body: Bytes,
) -> Result<Json<PolicyEvaluation>, ApiError> {
    let pack_id = params.get("pack").unwrap_or("default");
    let pack = state.packs.get(pack_id)?;
    let Some(policy) = pack.policies.iter().find(|policy| policy.id == id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            format!(
                "pack {pack_id} has no policy {id:?}; its policies are {}",
                pack.policies
                    .iter()
                    .map(|policy| policy.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let options = options(&params)?;
    let enterprise = parse_enterprise(pack, &body)?;
    let evaluation =
        zijin_policy::eval::evaluate(pack, &enterprise, &options).map_err(|error| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "evaluation_failed",
                error.to_string(),
            )
        })?;
    let result = evaluation
        .policy(&policy.id)
        .ok_or_else(|| ApiError::internal(format!("policy {id} was not evaluated")))?;
    Ok(Json(PolicyEvaluation {
        pack: pack.info.id.clone(),
        pack_version: pack.info.version.clone(),
        policy: result.id.clone(),
        name_zh: result.name_zh.clone(),
        name_en: result.name_en.clone(),
        reference: result.reference.clone(),
        enterprise: evaluation.enterprise.clone(),
        period: evaluation.period,
        reference_date: evaluation.reference_date,
        known_on: evaluation.known_on,
        status: result.status.name().to_owned(),
        eligible: result.eligible,
        reason: result.reason.clone(),
        amount: result.amount.map(money_text),
        amount_explanation: result.amount_explanation.as_ref().map(explanation_dto),
        criteria: result.criteria.iter().map(criterion_dto).collect(),
    }))
}
