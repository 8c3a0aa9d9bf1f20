//! Reforms: a what-if copy of a pack with some parameters changed, evaluated
//! beside the baseline.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::Spanned;

use crate::eval::{self, Enterprise, EvalError, Evaluation, Options, Status};
use crate::pack::{Dated, Pack, PackError, Source};
use crate::value::Value;

/// A changed parameter: `hte.min_st_staff_ratio=8%` (the value in the
/// expression language's literal syntax, as in pack files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub name: String,
    pub value: String,
}

impl Override {
    /// Reads `name=value`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| format!("“{text}”: expected name=value, e.g. subsidy.cap=200万"))?;
        Ok(Override {
            name: name.trim().trim_start_matches("params.").to_owned(),
            value: value.trim().to_owned(),
        })
    }
}

/// The pack with each overridden parameter holding its new value at every
/// date (its history replaced by that one value).
pub fn apply(pack: &Pack, overrides: &[Override]) -> Result<Pack, String> {
    let mut reformed = pack.clone();
    for change in overrides {
        let Some(parameter) = reformed.parameters.get_mut(&change.name) else {
            return Err(if pack.scales.contains_key(&change.name) {
                format!("“{}” is a scale: only parameters can be set", change.name)
            } else {
                format!("unknown parameter “{}”", change.name)
            });
        };
        let value = parse_value(&change.value, parameter.ty)
            .map_err(|error| format!("{}: {}", change.name, error.message))?;
        parameter.history = vec![Dated {
            from: NaiveDate::MIN,
            published: None,
            value,
        }];
    }
    Ok(reformed)
}

fn parse_value(text: &str, ty: crate::value::Type) -> Result<Value, PackError> {
    let mut source = Source::new("override", text);
    let written = Spanned::new(0..text.len(), toml::Value::String(text.to_owned()));
    match source.value(&written, ty) {
        Some(value) => Ok(value),
        None => Err(source.errors.remove(0)),
    }
}

/// One policy whose outcome differs between the baseline and the reform.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub policy: String,
    pub baseline: Status,
    pub reform: Status,
    pub baseline_amount: Option<Decimal>,
    pub reform_amount: Option<Decimal>,
    /// Criteria whose status differs: id, baseline, reform.
    pub criteria: Vec<(String, Status, Status)>,
}

/// The baseline and the reform for one enterprise, and what differs.
#[derive(Debug, Clone, PartialEq)]
pub struct SideBySide {
    pub baseline: Evaluation,
    pub reform: Evaluation,
    pub differences: Vec<Difference>,
}

/// Evaluates `enterprise` under `baseline` and under `reform` (a pack made
/// by [`apply`]) and lists the policies whose status, amount or criteria
/// differ.
pub fn compare(
    baseline: &Pack,
    reform: &Pack,
    enterprise: &Enterprise,
    options: &Options,
) -> Result<SideBySide, EvalError> {
    let before = eval::evaluate(baseline, enterprise, options)?;
    let after = eval::evaluate(reform, enterprise, options)?;
    let mut differences = Vec::new();
    for policy in &before.policies {
        let Some(other) = after.policy(&policy.id) else {
            continue;
        };
        let criteria: Vec<(String, Status, Status)> = policy
            .criteria
            .iter()
            .filter_map(|criterion| {
                let changed = other.criterion(&criterion.id)?;
                (changed.status != criterion.status)
                    .then(|| (criterion.id.clone(), criterion.status, changed.status))
            })
            .collect();
        if policy.status != other.status || policy.amount != other.amount || !criteria.is_empty() {
            differences.push(Difference {
                policy: policy.id.clone(),
                baseline: policy.status,
                reform: other.status,
                baseline_amount: policy.amount,
                reform_amount: other.amount,
                criteria,
            });
        }
    }
    Ok(SideBySide {
        baseline: before,
        reform: after,
        differences,
    })
}
