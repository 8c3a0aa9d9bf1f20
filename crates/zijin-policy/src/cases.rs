//! Test cases as data: a TOML file of cases (inputs, period, expected
//! outputs) that a policy officer can read, checked against a pack when
//! read, and run by [`run_cases`].
//!
//! ```toml
//! [[case]]
//! name = "Typical HTE"
//! period = 2024
//! # known_on = 2016-01-15         # optional: the rules as known on that date
//! # reference_date = 2024-06-30   # optional: default period-01-01
//! # tolerance = 0.001             # optional: absolute margin for numbers
//! # set = { "subsidy.cap" = "200万" }   # optional: a reform (parameter overrides)
//! [case.input]
//! registration_date = 2015-03-01
//! revenue = { 2021 = 20000000, 2022 = "2500万", 2023 = "3000万" }
//! [case.expect]
//! hte = true                      # a policy: true (eligible), false (a criterion fails), "unknown"
//! "hte.hte_st_staff_ok" = true    # a criterion: true, false or "unknown"
//! age_years = 8                   # a derived variable (or "unknown")
//! "rd_subsidy.amount" = 40000     # a policy's amount
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::check::PeriodKind;
use crate::eval::{Enterprise, Evaluation, Options, Status, evaluate};
use crate::pack::{Pack, PackErrors, Source};
use crate::reform::{self, Override};
use crate::value::{Type, Value};

/// One case, checked against its pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    /// The file and line of the case, for messages.
    pub location: String,
    pub options: Options,
    pub tolerance: Decimal,
    /// Parameter overrides: the case runs on the reformed pack.
    pub set: Vec<Override>,
    pub enterprise: Enterprise,
    pub expect: Vec<Expectation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// As written: `hte`, `hte.hte_st_staff_ok`, `age_years`, `rd_subsidy.amount`.
    pub key: String,
    pub target: Target,
    pub expected: Expected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Policy(String),
    Criterion(String, String),
    Amount(String),
    Derived(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Status(Status),
    Value(Value),
    Unknown,
}

/// A case whose result differs from what it expects (or that could not be
/// evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFailure {
    pub case: String,
    pub location: String,
    pub key: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: “{}”: {}: expected {}, got {}",
            self.location, self.case, self.key, self.expected, self.actual
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CasesFile {
    case: Vec<Spanned<CaseFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    name: String,
    period: Spanned<i64>,
    known_on: Option<Spanned<toml::value::Datetime>>,
    reference_date: Option<Spanned<toml::value::Datetime>>,
    tolerance: Option<Spanned<toml::Value>>,
    #[serde(default)]
    set: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    input: BTreeMap<String, Spanned<toml::Value>>,
    expect: BTreeMap<String, Spanned<toml::Value>>,
}

/// Reads a case file, checking every input name and value and every
/// expected key against `pack`; every problem at file:line:column.
pub fn from_toml(file: &str, text: &str, pack: &Pack) -> Result<Vec<Case>, PackErrors> {
    let mut source = Source::new(file, text);
    let written: CasesFile = match toml::from_str(text) {
        Ok(written) => written,
        Err(error) => {
            source.error(error.span().unwrap_or(0..0), error.message());
            return Err(PackErrors(source.errors));
        }
    };
    let mut cases = Vec::new();
    for case in written.case {
        let span = case.span();
        let case = case.into_inner();
        if let Some(case) = read_case(&mut source, span.clone(), case, pack) {
            cases.push(case);
        }
    }
    if source.errors.is_empty() {
        Ok(cases)
    } else {
        source
            .errors
            .sort_by_key(|error| (error.line, error.column));
        Err(PackErrors(source.errors))
    }
}

fn read_case(
    source: &mut Source<'_>,
    span: std::ops::Range<usize>,
    case: CaseFile,
    pack: &Pack,
) -> Option<Case> {
    let errors_before = source.errors.len();
    let line = source.text[..span.start].matches('\n').count() + 1;
    let location = format!("{}:{line}", source.file);
    let period = match i32::try_from(*case.period.get_ref()) {
        Ok(period) if (1900..=2200).contains(&period) => period,
        _ => {
            source.error(case.period.span(), "the period is a year, e.g. 2024");
            0
        }
    };
    let known_on = case.known_on.as_ref().and_then(|date| source.date(date));
    let reference_date = case.reference_date.as_ref().and_then(|d| source.date(d));
    let tolerance = case
        .tolerance
        .as_ref()
        .and_then(|written| source.value(written, Type::Decimal))
        .and_then(|value| value.as_decimal())
        .unwrap_or(Decimal::ZERO);

    let mut set = Vec::new();
    for (name, value) in &case.set {
        let Some(parameter) = pack.parameters.get(name) else {
            source.error(value.span(), format!("unknown parameter “{name}”"));
            continue;
        };
        let text = match value.get_ref() {
            toml::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if source.value(value, parameter.ty).is_some() {
            set.push(Override {
                name: name.clone(),
                value: text,
            });
        }
    }

    let mut enterprise = Enterprise {
        id: case.name.clone(),
        ..Enterprise::default()
    };
    for (name, written) in &case.input {
        let Some(variable) = pack.variables.get(name) else {
            source.error(
                written.span(),
                format!("“{name}” is not an input variable of the pack"),
            );
            continue;
        };
        match (variable.period, written.get_ref()) {
            (PeriodKind::Once, _) => {
                if let Some(value) = source.value(written, variable.ty) {
                    enterprise.once.insert(name.clone(), value);
                }
            }
            (PeriodKind::Year, toml::Value::Table(years)) => {
                let mut values = BTreeMap::new();
                for (year, value) in years {
                    let Ok(year) = year.parse::<i32>() else {
                        source.error(written.span(), format!("“{name}”: “{year}” is not a year"));
                        continue;
                    };
                    let value = Spanned::new(written.span(), value.clone());
                    if let Some(value) = source.value(&value, variable.ty) {
                        values.insert(year, value);
                    }
                }
                enterprise.yearly.insert(name.clone(), values);
            }
            (PeriodKind::Year, _) => source.error(
                written.span(),
                format!("“{name}” has a value per year: write {{ 2023 = … }}"),
            ),
        }
    }

    let mut expect = Vec::new();
    for (key, written) in &case.expect {
        let target = match key.split_once('.') {
            Some((policy, "amount")) if pack.policy(policy).is_some_and(|p| p.amount.is_some()) => {
                Target::Amount(policy.to_owned())
            }
            Some((policy, criterion))
                if pack
                    .policy(policy)
                    .is_some_and(|p| p.criteria.iter().any(|c| c.id == criterion)) =>
            {
                Target::Criterion(policy.to_owned(), criterion.to_owned())
            }
            None if pack.policy(key).is_some() => Target::Policy(key.clone()),
            None if pack.derived.iter().any(|d| &d.name == key) => Target::Derived(key.clone()),
            _ => {
                source.error(
                    written.span(),
                    format!(
                        "“{key}” is not a policy, “policy.criterion”, “policy.amount” or derived variable of the pack"
                    ),
                );
                continue;
            }
        };
        let expected = match (written.get_ref(), &target) {
            (toml::Value::String(text), _) if text == "unknown" => Expected::Unknown,
            (toml::Value::Boolean(b), Target::Policy(_) | Target::Criterion(..)) => {
                Expected::Status(if *b { Status::Pass } else { Status::Fail })
            }
            (_, Target::Amount(_)) => match source.value(written, Type::Money) {
                Some(value) => Expected::Value(value),
                None => continue,
            },
            (_, Target::Derived(name)) => {
                let ty = pack
                    .derived
                    .iter()
                    .find(|d| &d.name == name)
                    .map_or(Type::Decimal, |d| d.ty);
                // A ratio may be expected as a decimal or as a rate.
                let ty = if ty == Type::Integer {
                    ty
                } else if ty.is_numeric() {
                    Type::Decimal
                } else {
                    ty
                };
                match source.value(written, ty) {
                    Some(value) => Expected::Value(value),
                    None => continue,
                }
            }
            _ => {
                source.error(written.span(), "expected true, false or \"unknown\"");
                continue;
            }
        };
        expect.push(Expectation {
            key: key.clone(),
            target,
            expected,
        });
    }
    if case.expect.is_empty() {
        source.error(span, format!("the case “{}” expects nothing", case.name));
    }
    (source.errors.len() == errors_before).then_some(Case {
        name: case.name,
        location,
        options: Options {
            period,
            reference_date,
            known_on,
        },
        tolerance,
        set,
        enterprise,
        expect,
    })
}

/// Runs every case against `pack` (or the pack reformed by the case's
/// `set`), returning every expectation not met.
pub fn run_cases(pack: &Pack, cases: &[Case]) -> Vec<CaseFailure> {
    let mut failures = Vec::new();
    for case in cases {
        let failure = |key: &str, expected: String, actual: String| CaseFailure {
            case: case.name.clone(),
            location: case.location.clone(),
            key: key.to_owned(),
            expected,
            actual,
        };
        let reformed;
        let pack = if case.set.is_empty() {
            pack
        } else {
            match reform::apply(pack, &case.set) {
                Ok(pack) => {
                    reformed = pack;
                    &reformed
                }
                Err(error) => {
                    failures.push(failure("set", "a valid reform".to_owned(), error));
                    continue;
                }
            }
        };
        let evaluation = match evaluate(pack, &case.enterprise, &case.options) {
            Ok(evaluation) => evaluation,
            Err(error) => {
                failures.push(failure(
                    "evaluation",
                    "a result".to_owned(),
                    error.to_string(),
                ));
                continue;
            }
        };
        for expectation in &case.expect {
            let actual = actual(&evaluation, &expectation.target);
            if !matches(&expectation.expected, &actual, case.tolerance) {
                failures.push(failure(
                    &expectation.key,
                    show(&expectation.expected),
                    show(&actual),
                ));
            }
        }
    }
    failures
}

fn actual(evaluation: &Evaluation, target: &Target) -> Expected {
    let status = |status: Status| match status {
        Status::Unknown => Expected::Unknown,
        status => Expected::Status(status),
    };
    match target {
        Target::Policy(id) => evaluation
            .policy(id)
            .map_or(Expected::Unknown, |policy| status(policy.status)),
        Target::Criterion(id, criterion) => evaluation
            .policy(id)
            .and_then(|policy| policy.criterion(criterion))
            .map_or(Expected::Unknown, |criterion| status(criterion.status)),
        Target::Amount(id) => evaluation
            .policy(id)
            .and_then(|policy| policy.amount)
            .map_or(Expected::Unknown, |amount| {
                Expected::Value(Value::Decimal(amount))
            }),
        Target::Derived(name) => evaluation
            .derived(name)
            .and_then(|derived| derived.value.clone())
            .map_or(Expected::Unknown, Expected::Value),
    }
}

fn matches(expected: &Expected, actual: &Expected, tolerance: Decimal) -> bool {
    match (expected, actual) {
        (Expected::Value(a), Expected::Value(b)) => match (a.as_decimal(), b.as_decimal()) {
            (Some(a), Some(b)) => (a - b).abs() <= tolerance,
            _ => a == b,
        },
        (a, b) => a == b,
    }
}

fn show(expected: &Expected) -> String {
    match expected {
        Expected::Status(Status::Pass) => "true".to_owned(),
        Expected::Status(_) => "false".to_owned(),
        Expected::Unknown => "unknown".to_owned(),
        Expected::Value(value) => value.to_string(),
    }
}
