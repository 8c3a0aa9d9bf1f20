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

/// What a reform changes for one policy over a batch: who gains, who loses
/// (rows of the batch), how many are eligible and what it costs on each
/// side.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyChange {
    pub policy: String,
    /// Rows eligible under the reform only.
    pub gained: Vec<usize>,
    /// Rows eligible under the baseline only.
    pub lost: Vec<usize>,
    pub baseline_eligible: usize,
    pub reform_eligible: usize,
    /// The total amount granted (a policy with an amount; rows whose amount
    /// lacks data count for nothing).
    pub baseline_cost: Option<Decimal>,
    pub reform_cost: Option<Decimal>,
}

/// The difference, policy by policy, between the column results of the
/// baseline and of the reform on the same frame. Rows with an error on
/// either side are left out of both.
pub fn changes(
    pack: &Pack,
    baseline: &crate::columns::Results<'_>,
    reform: &crate::columns::Results<'_>,
) -> Vec<PolicyChange> {
    let rows = baseline.len().min(reform.len());
    let ok = |row: &usize| baseline.error(*row).is_none() && reform.error(*row).is_none();
    pack.policies
        .iter()
        .enumerate()
        .map(|(p, policy)| {
            let before = &baseline.policies[p];
            let after = &reform.policies[p];
            let eligible = |columns: &crate::columns::PolicyColumns, row: usize| {
                columns.status[row] == Status::Pass
            };
            let cost = |columns: &crate::columns::PolicyColumns| {
                columns.amount.as_ref().map(|amounts| {
                    (0..rows)
                        .filter(ok)
                        .filter_map(|row| amounts[row])
                        .sum::<Decimal>()
                })
            };
            PolicyChange {
                policy: policy.id.clone(),
                gained: (0..rows)
                    .filter(ok)
                    .filter(|&row| !eligible(before, row) && eligible(after, row))
                    .collect(),
                lost: (0..rows)
                    .filter(ok)
                    .filter(|&row| eligible(before, row) && !eligible(after, row))
                    .collect(),
                baseline_eligible: (0..rows)
                    .filter(ok)
                    .filter(|&r| eligible(before, r))
                    .count(),
                reform_eligible: (0..rows).filter(ok).filter(|&r| eligible(after, r)).count(),
                baseline_cost: cost(before),
                reform_cost: cost(after),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{Frame, Program};

    const BENCHMARK: &str = include_str!("../../../policies/benchmark-openfisca/pack.toml");

    use crate::testing::enterprise;

    #[test]
    fn a_batch_reform_lists_who_gains_who_loses_and_the_cost() {
        let pack = Pack::from_toml("benchmark.toml", BENCHMARK).unwrap();
        // A: 9% S&T staff (fails 10%, passes 8%); B: 20% (passes both);
        // C: 5% (fails both). A and B raised R&D by 1,000,000 in 2023.
        let enterprises = vec![
            enterprise("A", 9, 2_000_000),
            enterprise("B", 20, 2_000_000),
            enterprise("C", 5, 2_000_000),
        ];
        let reform = apply(
            &pack,
            &[
                Override::parse("hte.min_st_staff_ratio=8%").unwrap(),
                Override::parse("subsidy.rd_increase_rate=20%").unwrap(),
            ],
        )
        .unwrap();
        let frame = Frame::from_enterprises(&pack, &enterprises).unwrap();
        let options = Options::period(2024);
        let before = Program::compile(&pack, &options).unwrap().run(&frame);
        let after = Program::compile(&reform, &options).unwrap().run(&frame);
        let changes = changes(&pack, &before, &after);
        let hte = changes.iter().find(|c| c.policy == "hte").unwrap();
        assert_eq!((hte.gained.clone(), hte.lost.clone()), (vec![0], vec![]));
        assert_eq!((hte.baseline_eligible, hte.reform_eligible), (1, 2));
        let subsidy = changes.iter().find(|c| c.policy == "rd_subsidy").unwrap();
        // Baseline: B only, 10% of 1,000,000; reform: A and B, 20% each.
        assert_eq!(subsidy.baseline_cost, Some(Decimal::from(100_000)));
        assert_eq!(subsidy.reform_cost, Some(Decimal::from(400_000)));
    }
}
