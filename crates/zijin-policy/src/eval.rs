//! Evaluation of a checked [`Pack`] for one enterprise and one period, with
//! the explanation of every result.
//!
//! Derived variables are computed first (in dependency order), then the
//! policies (each after the policies it refers to). A year of data that the
//! enterprise does not have is never read as zero: the criterion that needs
//! it is *unknown*, naming the variable and the year, and the policy is not
//! eligible with that reason. `and`/`or` follow three-valued logic, so a
//! criterion already decided by a known part (`false and unknown`) stays
//! decided. Division by zero gives 0 (the benchmark's rule); an arithmetic
//! overflow is an [`EvalError`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::PeriodKind;
use crate::expr::{BinaryOp, Expr, ExprKind, Function, Literal, PeriodRef, UnaryOp};
use crate::pack::{Combine, Formula, Pack, REFERENCE_DATE};
use crate::value::{Type, Value};

/// The facts about one enterprise: values given once (registration date)
/// and values per fiscal year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Enterprise {
    pub id: String,
    pub once: BTreeMap<String, Value>,
    pub yearly: BTreeMap<String, BTreeMap<i32, Value>>,
}

/// What to evaluate: the period (fiscal year N), its reference date
/// (N-01-01 unless given) and, optionally, the date the rules are taken as
/// known on (parameters and scales published after it are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub period: i32,
    pub reference_date: Option<NaiveDate>,
    pub known_on: Option<NaiveDate>,
}

impl Options {
    /// Period N, reference date N-01-01, the rules as known today.
    pub fn period(period: i32) -> Options {
        Options {
            period,
            reference_date: None,
            known_on: None,
        }
    }
}

/// A fact the evaluation needed and did not have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    /// An input variable: for a yearly variable, the year.
    Variable { name: String, year: Option<i32> },
    /// A parameter or scale without a value in force on the date (as known
    /// on the `known_on` date, if any).
    Parameter { name: String, on: NaiveDate },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Variable {
                name,
                year: Some(year),
            } => write!(f, "no value of “{name}” for {year}"),
            Missing::Variable { name, year: None } => write!(f, "no value of “{name}”"),
            Missing::Parameter { name, on } => {
                write!(f, "no value of “params.{name}” in force on {on}")
            }
        }
    }
}

/// An evaluation that cannot give an answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{enterprise}: {place}: {message} in “{formula}”")]
pub struct EvalError {
    pub enterprise: String,
    /// `derived age_years`, `policy hte criterion hte_st_staff_ok`, `policy rd_subsidy amount`.
    pub place: String,
    pub formula: String,
    pub message: String,
}

/// Pass, fail, or unknown for lack of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

/// A variable value used: name, year (`None` for a value given once or a
/// derived variable), value and type.
#[derive(Debug, Clone, PartialEq)]
pub struct UsedVariable {
    pub name: String,
    pub year: Option<i32>,
    pub value: Value,
    pub ty: Type,
}

/// A parameter used: its value in force, and since when and when published.
#[derive(Debug, Clone, PartialEq)]
pub struct UsedParameter {
    pub name: String,
    pub value: Value,
    pub ty: Type,
    pub from: NaiveDate,
    pub published: NaiveDate,
    pub reference: Option<String>,
}

/// A band of a scale chosen for a base value.
#[derive(Debug, Clone, PartialEq)]
pub struct UsedBand {
    pub scale: String,
    /// The text of the base expression (`revenue[last_year]`).
    pub base_text: String,
    /// The label of the base when it is a variable (`2023年销售收入`).
    pub base_label: Option<String>,
    pub base: Decimal,
    pub base_type: Type,
    pub lower: Option<Decimal>,
    pub upper: Option<Decimal>,
    pub lower_inclusive: bool,
    pub value: Value,
    pub value_type: Type,
    pub from: NaiveDate,
    pub published: NaiveDate,
}

/// A comparison evaluated, with what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left_text: String,
    pub left_label: Option<String>,
    pub left: Value,
    pub left_type: Type,
    /// The operator as written.
    pub op: BinaryOp,
    pub right_text: String,
    pub right_label: Option<String>,
    pub right: Value,
    pub right_type: Type,
    pub holds: bool,
}

/// Everything an expression used, in the order it was used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanation {
    pub variables: Vec<UsedVariable>,
    pub parameters: Vec<UsedParameter>,
    pub bands: Vec<UsedBand>,
    pub comparisons: Vec<Comparison>,
    /// Other policies referred to, with their status.
    pub policies: Vec<(String, Status)>,
    /// What was needed and missing.
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DerivedResult {
    pub name: String,
    pub label_zh: String,
    pub ty: Type,
    /// `None` when data was missing (see `explanation.missing`).
    pub value: Option<Value>,
    pub explanation: Explanation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    pub id: String,
    pub text_zh: String,
    pub text_en: String,
    pub reference: Option<String>,
    pub status: Status,
    pub explanation: Explanation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub reference: Option<String>,
    pub status: Status,
    /// `status == Pass`.
    pub eligible: bool,
    /// Why not eligible: the failing criteria, or what was missing.
    pub reason: Option<String>,
    /// The amount granted (0 when not eligible), for a policy with an amount;
    /// `None` also when eligible but the amount lacks data.
    pub amount: Option<Decimal>,
    pub amount_explanation: Option<Explanation>,
    pub criteria: Vec<CriterionResult>,
}

impl PolicyResult {
    pub fn criterion(&self, id: &str) -> Option<&CriterionResult> {
        self.criteria.iter().find(|criterion| criterion.id == id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub enterprise: String,
    pub period: i32,
    pub reference_date: NaiveDate,
    pub known_on: Option<NaiveDate>,
    pub derived: Vec<DerivedResult>,
    pub policies: Vec<PolicyResult>,
}

impl Evaluation {
    pub fn policy(&self, id: &str) -> Option<&PolicyResult> {
        self.policies.iter().find(|policy| policy.id == id)
    }

    pub fn derived(&self, name: &str) -> Option<&DerivedResult> {
        self.derived.iter().find(|derived| derived.name == name)
    }
}

/// Evaluates every derived variable and every policy of `pack` for
/// `enterprise`.
pub fn evaluate(
    pack: &Pack,
    enterprise: &Enterprise,
    options: &Options,
) -> Result<Evaluation, EvalError> {
    let mut context = Context::new(pack, enterprise, options, true)?;
    let mut derived_results = Vec::new();
    for derived in &pack.derived {
        let mut explanation = Explanation::default();
        let place = || format!("derived {}", derived.name);
        let value = context.run(&derived.formula, &place, &mut explanation)?;
        let value = value.map(|typed| convert(typed, derived.ty));
        context.derived.insert(
            derived.name.as_str(),
            (value.clone(), explanation.missing.clone()),
        );
        derived_results.push(DerivedResult {
            name: derived.name.clone(),
            label_zh: derived.label.zh.clone(),
            ty: derived.ty,
            value,
            explanation,
        });
    }
    let mut policy_results = Vec::new();
    for policy in &pack.policies {
        let mut criteria = Vec::new();
        for criterion in &policy.criteria {
            let mut explanation = Explanation::default();
            let place = || format!("policy {} criterion {}", policy.id, criterion.id);
            let status = status(context.run(&criterion.condition, &place, &mut explanation)?);
            criteria.push(CriterionResult {
                id: criterion.id.clone(),
                text_zh: criterion.text_zh.clone(),
                text_en: criterion.text_en.clone(),
                reference: criterion.reference.clone(),
                status,
                explanation,
            });
        }
        let status = combine(
            policy.combine,
            criteria.iter().map(|criterion| criterion.status),
        );
        let missing: Vec<Missing> = criteria
            .iter()
            .filter(|criterion| criterion.status == Status::Unknown)
            .flat_map(|criterion| criterion.explanation.missing.iter().cloned())
            .collect();
        let reason = match status {
            Status::Pass => None,
            Status::Fail => Some(format!(
                "not met: {}",
                criteria
                    .iter()
                    .filter(|criterion| criterion.status == Status::Fail)
                    .map(|criterion| criterion.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Status::Unknown => Some(format!("unknown: {}", join_missing(&missing))),
        };
        context
            .policies
            .insert(policy.id.as_str(), (status, dedup(missing)));
        let (amount, amount_explanation) = match &policy.amount {
            None => (None, None),
            Some(_) if status != Status::Pass => (Some(Decimal::ZERO), None),
            Some(formula) => {
                let mut explanation = Explanation::default();
                let place = || format!("policy {} amount", policy.id);
                let value = context.run(formula, &place, &mut explanation)?;
                (
                    value.and_then(|value| value.as_decimal()),
                    Some(explanation),
                )
            }
        };
        policy_results.push(PolicyResult {
            id: policy.id.clone(),
            name_zh: policy.name_zh.clone(),
            name_en: policy.name_en.clone(),
            reference: policy.reference.clone(),
            status,
            eligible: status == Status::Pass,
            reason,
            amount,
            amount_explanation,
            criteria,
        });
    }
    Ok(Evaluation {
        enterprise: enterprise.id.clone(),
        period: options.period,
        reference_date: context.reference_date,
        known_on: options.known_on,
        derived: derived_results,
        policies: policy_results,
    })
}

/// The results of one policy, without explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOutcome {
    pub status: Status,
    /// `status == Pass`.
    pub eligible: bool,
    /// As [`PolicyResult::amount`].
    pub amount: Option<Decimal>,
    /// The status of each criterion, in the pack's order.
    pub criteria: Vec<Status>,
}

/// What [`evaluate`] finds, without the explanations: the values of the
/// derived variables (`None` when data was missing) and the policies' results,
/// both in the pack's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub derived: Vec<Option<Value>>,
    pub policies: Vec<PolicyOutcome>,
}

impl Outcome {
    /// The outcome of a full evaluation (for comparisons and tests).
    pub fn of(evaluation: &Evaluation) -> Outcome {
        Outcome {
            derived: evaluation
                .derived
                .iter()
                .map(|derived| derived.value.clone())
                .collect(),
            policies: evaluation
                .policies
                .iter()
                .map(|policy| PolicyOutcome {
                    status: policy.status,
                    eligible: policy.eligible,
                    amount: policy.amount,
                    criteria: policy
                        .criteria
                        .iter()
                        .map(|criterion| criterion.status)
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Evaluates `pack` for `enterprise` as [`evaluate`] does, with the same
/// statuses, amounts, derived values and errors, but builds no explanation
/// (no text, no list of what was used or missing): for many enterprises
/// when only the results are written.
pub fn evaluate_outcome(
    pack: &Pack,
    enterprise: &Enterprise,
    options: &Options,
) -> Result<Outcome, EvalError> {
    let mut context = Context::new(pack, enterprise, options, false)?;
    // Stays empty: nothing is recorded without `explain`.
    let mut nothing = Explanation::default();
    let mut derived_values = Vec::with_capacity(pack.derived.len());
    for derived in &pack.derived {
        let place = || format!("derived {}", derived.name);
        let value = context
            .run(&derived.formula, &place, &mut nothing)?
            .map(|typed| convert(typed, derived.ty));
        context
            .derived
            .insert(derived.name.as_str(), (value.clone(), Vec::new()));
        derived_values.push(value);
    }
    let mut outcomes = Vec::with_capacity(pack.policies.len());
    for policy in &pack.policies {
        let mut criteria = Vec::with_capacity(policy.criteria.len());
        for criterion in &policy.criteria {
            let place = || format!("policy {} criterion {}", policy.id, criterion.id);
            criteria.push(status(context.run(
                &criterion.condition,
                &place,
                &mut nothing,
            )?));
        }
        let status = combine(policy.combine, criteria.iter().copied());
        context
            .policies
            .insert(policy.id.as_str(), (status, Vec::new()));
        let amount = match &policy.amount {
            None => None,
            Some(_) if status != Status::Pass => Some(Decimal::ZERO),
            Some(formula) => {
                let place = || format!("policy {} amount", policy.id);
                context
                    .run(formula, &place, &mut nothing)?
                    .and_then(|value| value.as_decimal())
            }
        };
        outcomes.push(PolicyOutcome {
            status,
            eligible: status == Status::Pass,
            amount,
            criteria,
        });
    }
    Ok(Outcome {
        derived: derived_values,
        policies: outcomes,
    })
}

fn reference_date(enterprise: &Enterprise, options: &Options) -> Result<NaiveDate, EvalError> {
    match options.reference_date {
        Some(date) => Ok(date),
        None => NaiveDate::from_ymd_opt(options.period, 1, 1).ok_or_else(|| EvalError {
            enterprise: enterprise.id.clone(),
            place: "period".to_owned(),
            formula: String::new(),
            message: format!("the period {} has no first day", options.period),
        }),
    }
}

/// A criterion's status from its condition's value.
fn status(value: Option<Value>) -> Status {
    match value {
        Some(Value::Bool(true)) => Status::Pass,
        Some(_) => Status::Fail,
        None => Status::Unknown,
    }
}

/// A policy's status from its criteria's.
fn combine(combine: Combine, statuses: impl Iterator<Item = Status> + Clone) -> Status {
    match combine {
        Combine::All if statuses.clone().any(|s| s == Status::Fail) => Status::Fail,
        Combine::All if statuses.clone().any(|s| s == Status::Unknown) => Status::Unknown,
        Combine::All => Status::Pass,
        Combine::Any if statuses.clone().any(|s| s == Status::Pass) => Status::Pass,
        Combine::Any if statuses.clone().any(|s| s == Status::Unknown) => Status::Unknown,
        Combine::Any => Status::Fail,
    }
}

fn join_missing(missing: &[Missing]) -> String {
    dedup(missing.to_vec())
        .iter()
        .map(Missing::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn dedup(mut missing: Vec<Missing>) -> Vec<Missing> {
    missing.sort();
    missing.dedup();
    missing
}

/// A value with its static type.
#[derive(Debug, Clone)]
struct Typed {
    value: Value,
    ty: Type,
}

enum Fault {
    Missing(Vec<Missing>),
    Error(String),
}

type Eval<T> = Result<T, Fault>;

struct Context<'a> {
    pack: &'a Pack,
    enterprise: &'a Enterprise,
    period: i32,
    reference_date: NaiveDate,
    known_on: Option<NaiveDate>,
    /// Record what is used and missing (off: only the results, no text).
    explain: bool,
    derived: BTreeMap<&'a str, (Option<Value>, Vec<Missing>)>,
    policies: BTreeMap<&'a str, (Status, Vec<Missing>)>,
}

/// A value of type `ty` as stored: whole numbers of an integer type as
/// integers.
fn convert(value: Value, ty: Type) -> Value {
    match (ty, &value) {
        (Type::Integer, Value::Decimal(decimal)) if decimal.fract().is_zero() => {
            i64::try_from(*decimal).map_or(value, Value::Integer)
        }
        _ => value,
    }
}

fn number(typed: &Typed) -> Eval<Decimal> {
    typed
        .value
        .as_decimal()
        .ok_or_else(|| Fault::Error(format!("expected a number, found {}", typed.value)))
}

fn boolean(typed: &Typed) -> Eval<bool> {
    match typed.value {
        Value::Bool(b) => Ok(b),
        ref other => Err(Fault::Error(format!("expected a bool, found {other}"))),
    }
}

fn numeric(value: Decimal, ty: Type) -> Eval<Typed> {
    let value = if ty == Type::Integer {
        if !value.fract().is_zero() {
            return Err(Fault::Error(format!("{value} is not a whole number")));
        }
        Value::Integer(
            i64::try_from(value).map_err(|_| Fault::Error(format!("{value} overflows")))?,
        )
    } else {
        Value::Decimal(value)
    };
    Ok(Typed { value, ty })
}

fn overflow(what: &str) -> Fault {
    Fault::Error(format!("arithmetic overflow in {what}"))
}

/// Merges two faults: missing data adds up; an error wins.
fn merge(a: Fault, b: Fault) -> Fault {
    match (a, b) {
        (Fault::Missing(mut a), Fault::Missing(b)) => {
            a.extend(b);
            Fault::Missing(a)
        }
        (Fault::Error(error), _) | (_, Fault::Error(error)) => Fault::Error(error),
    }
}

impl<'a> Context<'a> {
    /// A fresh evaluation of `pack` for `enterprise`; `explain` records what
    /// each formula used.
    fn new(
        pack: &'a Pack,
        enterprise: &'a Enterprise,
        options: &Options,
        explain: bool,
    ) -> Result<Context<'a>, EvalError> {
        Ok(Context {
            pack,
            enterprise,
            period: options.period,
            reference_date: reference_date(enterprise, options)?,
            known_on: options.known_on,
            explain,
            derived: BTreeMap::new(),
            policies: BTreeMap::new(),
        })
    }
}

impl Context<'_> {
    /// Missing data: what is missing when explaining, nothing otherwise.
    fn missing(&self, what: impl FnOnce() -> Missing) -> Fault {
        Fault::Missing(if self.explain {
            vec![what()]
        } else {
            Vec::new()
        })
    }

    /// Evaluates a formula: `Ok(None)` when data was missing (recorded in
    /// `explanation.missing`). `place` names the formula in an error.
    fn run(
        &self,
        formula: &Formula,
        place: &dyn Fn() -> String,
        explanation: &mut Explanation,
    ) -> Result<Option<Value>, EvalError> {
        match self.eval(&formula.expr, &formula.text, explanation) {
            Ok(typed) => Ok(Some(typed.value)),
            Err(Fault::Missing(missing)) => {
                explanation.missing = dedup(missing);
                Ok(None)
            }
            Err(Fault::Error(message)) => Err(EvalError {
                enterprise: self.enterprise.id.clone(),
                place: place(),
                formula: formula.text.clone(),
                message,
            }),
        }
    }

    fn label(&self, expr: &Expr) -> Option<String> {
        let ExprKind::Variable { name, period } = &expr.kind else {
            return None;
        };
        let label = if let Some(variable) = self.pack.variables.get(name) {
            variable.label.zh.clone()
        } else {
            self.pack
                .derived
                .iter()
                .find(|derived| &derived.name == name)?
                .label
                .zh
                .clone()
        };
        Some(match period {
            Some(PeriodRef::Year(offset)) => format!("{}年{label}", self.period + offset),
            _ => label,
        })
    }

    fn year_value(&self, name: &str, year: i32, explanation: &mut Explanation) -> Eval<Typed> {
        let ty = self
            .pack
            .variables
            .get(name)
            .map_or(Type::Decimal, |v| v.ty);
        match self
            .enterprise
            .yearly
            .get(name)
            .and_then(|years| years.get(&year))
        {
            Some(value) => {
                if self.explain {
                    explanation.variables.push(UsedVariable {
                        name: name.to_owned(),
                        year: Some(year),
                        value: value.clone(),
                        ty,
                    });
                }
                Ok(Typed {
                    value: value.clone(),
                    ty,
                })
            }
            None => Err(self.missing(|| Missing::Variable {
                name: name.to_owned(),
                year: Some(year),
            })),
        }
    }

    fn eval(&self, expr: &Expr, text: &str, explanation: &mut Explanation) -> Eval<Typed> {
        match &expr.kind {
            ExprKind::Literal(literal) => Ok(match literal {
                Literal::Bool(b) => Typed {
                    value: Value::Bool(*b),
                    ty: Type::Bool,
                },
                Literal::Integer(i) => Typed {
                    value: Value::Integer(*i),
                    ty: Type::Integer,
                },
                Literal::Decimal(d) => Typed {
                    value: Value::Decimal(*d),
                    ty: Type::Decimal,
                },
                Literal::Rate(d) => Typed {
                    value: Value::Decimal(*d),
                    ty: Type::Rate,
                },
                Literal::Text(t) => Typed {
                    value: Value::Text(t.clone()),
                    ty: Type::Text,
                },
            }),
            ExprKind::Variable { name, period } => self.variable(name, *period, explanation),
            ExprKind::Parameter { path } => {
                let Some(parameter) = self.pack.parameters.get(path) else {
                    return Err(Fault::Error(format!("unknown parameter “{path}”")));
                };
                let Some(dated) = parameter.at(self.reference_date, self.known_on) else {
                    return Err(self.missing(|| Missing::Parameter {
                        name: path.clone(),
                        on: self.reference_date,
                    }));
                };
                if self.explain {
                    explanation.parameters.push(UsedParameter {
                        name: path.clone(),
                        value: dated.value.clone(),
                        ty: parameter.ty,
                        from: dated.from,
                        published: dated.published.unwrap_or(dated.from),
                        reference: parameter.reference.clone(),
                    });
                }
                Ok(Typed {
                    value: dated.value.clone(),
                    ty: parameter.ty,
                })
            }
            ExprKind::Policy { id } => {
                let Some((status, missing)) = self.policies.get(id.as_str()) else {
                    return Err(Fault::Error(format!(
                        "the policy “{id}” is not evaluated yet"
                    )));
                };
                if self.explain {
                    explanation.policies.push((id.clone(), *status));
                }
                match status {
                    Status::Pass => Ok(Typed {
                        value: Value::Bool(true),
                        ty: Type::Bool,
                    }),
                    Status::Fail => Ok(Typed {
                        value: Value::Bool(false),
                        ty: Type::Bool,
                    }),
                    Status::Unknown => Err(Fault::Missing(missing.clone())),
                }
            }
            ExprKind::Unary { op, operand } => {
                let value = self.eval(operand, text, explanation)?;
                match op {
                    UnaryOp::Not => Ok(Typed {
                        value: Value::Bool(!boolean(&value)?),
                        ty: Type::Bool,
                    }),
                    UnaryOp::Negate => numeric(-number(&value)?, value.ty),
                }
            }
            ExprKind::Binary { op, left, right } => {
                self.binary(*op, left, right, text, explanation)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let condition = boolean(&self.eval(condition, text, explanation)?)?;
                let then_type = self.static_type(then);
                let otherwise_type = self.static_type(otherwise);
                let branch = if condition { then } else { otherwise };
                let value = self.eval(branch, text, explanation)?;
                match (then_type, otherwise_type) {
                    (Some(a), Some(b)) if a != b && a.is_numeric() && b.is_numeric() => {
                        numeric(number(&value)?, Type::numeric_join(a, b))
                    }
                    _ => Ok(value),
                }
            }
            ExprKind::Call {
                function,
                arguments,
            } => self.call(*function, arguments, text, explanation),
        }
    }

    /// The static type of an expression, as the checker gave it (only
    /// needed for the numeric join of `if` branches).
    fn static_type(&self, expr: &Expr) -> Option<Type> {
        struct PackScope<'a>(&'a Pack);
        impl crate::check::Scope for PackScope<'_> {
            fn variable(&self, name: &str) -> Option<(Type, PeriodKind)> {
                if name == REFERENCE_DATE {
                    return Some((Type::Date, PeriodKind::Once));
                }
                if let Some(variable) = self.0.variables.get(name) {
                    return Some((variable.ty, variable.period));
                }
                self.0
                    .derived
                    .iter()
                    .find(|derived| derived.name == name)
                    .map(|derived| (derived.ty, PeriodKind::Once))
            }
            fn parameter(&self, path: &str) -> Option<Type> {
                self.0.parameters.get(path).map(|parameter| parameter.ty)
            }
            fn scale(&self, path: &str) -> Option<(Type, Type)> {
                self.0
                    .scales
                    .get(path)
                    .map(|scale| (scale.base, scale.value))
            }
            fn policy(&self, id: &str) -> bool {
                self.0.policy(id).is_some()
            }
        }
        crate::check::check(expr, &PackScope(self.pack))
            .ok()
            .map(|(ty, _)| ty)
    }

    fn variable(
        &self,
        name: &str,
        period: Option<PeriodRef>,
        explanation: &mut Explanation,
    ) -> Eval<Typed> {
        if name == REFERENCE_DATE {
            return Ok(Typed {
                value: Value::Date(self.reference_date),
                ty: Type::Date,
            });
        }
        if let Some((value, missing)) = self.derived.get(name) {
            let ty = self
                .pack
                .derived
                .iter()
                .find(|derived| derived.name == name)
                .map_or(Type::Decimal, |derived| derived.ty);
            return match value {
                Some(value) => {
                    if self.explain {
                        explanation.variables.push(UsedVariable {
                            name: name.to_owned(),
                            year: None,
                            value: value.clone(),
                            ty,
                        });
                    }
                    Ok(Typed {
                        value: value.clone(),
                        ty,
                    })
                }
                None => Err(Fault::Missing(missing.clone())),
            };
        }
        match period {
            None => {
                let ty = self
                    .pack
                    .variables
                    .get(name)
                    .map_or(Type::Decimal, |v| v.ty);
                match self.enterprise.once.get(name) {
                    Some(value) => {
                        if self.explain {
                            explanation.variables.push(UsedVariable {
                                name: name.to_owned(),
                                year: None,
                                value: value.clone(),
                                ty,
                            });
                        }
                        Ok(Typed {
                            value: value.clone(),
                            ty,
                        })
                    }
                    None => Err(self.missing(|| Missing::Variable {
                        name: name.to_owned(),
                        year: None,
                    })),
                }
            }
            Some(PeriodRef::Year(offset)) => {
                self.year_value(name, self.period + offset, explanation)
            }
            Some(PeriodRef::LastYears(_)) => Err(Fault::Error(format!(
                "“{name}” over several years outside sum(…) or avg(…)"
            ))),
        }
    }

    fn binary(
        &self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        text: &str,
        explanation: &mut Explanation,
    ) -> Eval<Typed> {
        let bool_value = |b: bool| Typed {
            value: Value::Bool(b),
            ty: Type::Bool,
        };
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            // Three-valued: a known deciding side decides even when the other
            // side lacks data.
            let decisive = op == BinaryOp::Or;
            let left_value = self.eval(left, text, explanation).and_then(|v| boolean(&v));
            if let Ok(b) = left_value
                && b == decisive
            {
                return Ok(bool_value(b));
            }
            let right_value = self
                .eval(right, text, explanation)
                .and_then(|v| boolean(&v));
            return match (left_value, right_value) {
                (_, Ok(b)) if b == decisive => Ok(bool_value(b)),
                (Ok(_), Ok(b)) => Ok(bool_value(b)),
                (Err(fault), Ok(_)) | (Ok(_), Err(fault)) => Err(fault),
                (Err(a), Err(b)) => Err(merge(a, b)),
            };
        }
        let left_value = self.eval(left, text, explanation);
        let right_value = self.eval(right, text, explanation);
        let (left_value, right_value) = match (left_value, right_value) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) => return Err(merge(a, b)),
            (Err(fault), _) | (_, Err(fault)) => return Err(fault),
        };
        if op.is_comparison() {
            let ordering = match (&left_value.value, &right_value.value) {
                (Value::Date(a), Value::Date(b)) => a.cmp(b),
                (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
                (Value::Text(a), Value::Text(b)) => a.cmp(b),
                _ => number(&left_value)?.cmp(&number(&right_value)?),
            };
            let holds = match op {
                BinaryOp::Less => ordering.is_lt(),
                BinaryOp::LessOrEqual => ordering.is_le(),
                BinaryOp::Greater => ordering.is_gt(),
                BinaryOp::GreaterOrEqual => ordering.is_ge(),
                BinaryOp::Equal => ordering.is_eq(),
                _ => ordering.is_ne(),
            };
            if self.explain {
                explanation.comparisons.push(Comparison {
                    left_text: text[left.span.start..left.span.end].to_owned(),
                    left_label: self.label(left),
                    left: left_value.value,
                    left_type: left_value.ty,
                    op,
                    right_text: text[right.span.start..right.span.end].to_owned(),
                    right_label: self.label(right),
                    right: right_value.value,
                    right_type: right_value.ty,
                    holds,
                });
            }
            return Ok(bool_value(holds));
        }
        let a = number(&left_value)?;
        let b = number(&right_value)?;
        let (value, ty) = match op {
            BinaryOp::Add => (
                a.checked_add(b).ok_or_else(|| overflow("+"))?,
                Type::numeric_join(left_value.ty, right_value.ty),
            ),
            BinaryOp::Subtract => (
                a.checked_sub(b).ok_or_else(|| overflow("−"))?,
                Type::numeric_join(left_value.ty, right_value.ty),
            ),
            BinaryOp::Multiply => (
                a.checked_mul(b).ok_or_else(|| overflow("×"))?,
                Type::product(left_value.ty, right_value.ty),
            ),
            _ => (
                if b.is_zero() {
                    Decimal::ZERO
                } else {
                    a.checked_div(b).ok_or_else(|| overflow("÷"))?
                },
                Type::quotient(left_value.ty, right_value.ty),
            ),
        };
        numeric(value, ty)
    }

    fn call(
        &self,
        function: Function,
        arguments: &[Expr],
        text: &str,
        explanation: &mut Explanation,
    ) -> Eval<Typed> {
        match function {
            Function::Min | Function::Max => {
                let mut best: Option<(Decimal, Type)> = None;
                let mut fault: Option<Fault> = None;
                for argument in arguments {
                    match self.eval(argument, text, explanation) {
                        Ok(value) => {
                            let x = number(&value)?;
                            best = Some(match best {
                                None => (x, value.ty),
                                Some((y, ty)) => {
                                    let ty = Type::numeric_join(ty, value.ty);
                                    let pick = if function == Function::Min {
                                        x.min(y)
                                    } else {
                                        x.max(y)
                                    };
                                    (pick, ty)
                                }
                            });
                        }
                        Err(error) => {
                            fault = Some(match fault {
                                None => error,
                                Some(previous) => merge(previous, error),
                            })
                        }
                    }
                }
                if let Some(fault) = fault {
                    return Err(fault);
                }
                let (value, ty) =
                    best.ok_or_else(|| Fault::Error("min/max of nothing".to_owned()))?;
                numeric(value, ty)
            }
            Function::Sum | Function::Avg => {
                let ExprKind::Variable {
                    name,
                    period: Some(PeriodRef::LastYears(count)),
                } = &arguments[0].kind
                else {
                    return Err(Fault::Error("sum/avg of a non-window".to_owned()));
                };
                let count = i32::try_from(*count).unwrap_or(i32::MAX);
                let ty = self
                    .pack
                    .variables
                    .get(name)
                    .map_or(Type::Decimal, |v| v.ty);
                let mut total = Decimal::ZERO;
                // `Some` as soon as a year is missing (even when, without
                // `explain`, what is missing is not recorded).
                let mut missing: Option<Vec<Missing>> = None;
                for year in self.period - count..self.period {
                    match self.year_value(name, year, explanation) {
                        Ok(value) => {
                            total = total
                                .checked_add(number(&value)?)
                                .ok_or_else(|| overflow("sum"))?
                        }
                        Err(Fault::Missing(m)) => missing.get_or_insert_with(Vec::new).extend(m),
                        Err(error) => return Err(error),
                    }
                }
                if let Some(missing) = missing {
                    return Err(Fault::Missing(missing));
                }
                if function == Function::Sum {
                    numeric(total, ty)
                } else {
                    let mean = total
                        .checked_div(Decimal::from(count))
                        .ok_or_else(|| overflow("avg"))?;
                    numeric(
                        mean,
                        if ty == Type::Integer {
                            Type::Decimal
                        } else {
                            ty
                        },
                    )
                }
            }
            Function::Scale => self.scale(arguments, text, explanation),
            Function::Date => match &arguments[0].kind {
                ExprKind::Literal(Literal::Text(date)) => crate::check::parse_date(date)
                    .map(|date| Typed {
                        value: Value::Date(date),
                        ty: Type::Date,
                    })
                    .ok_or_else(|| Fault::Error(format!("“{date}” is not a date"))),
                _ => Err(Fault::Error("date(…) of a non-literal".to_owned())),
            },
            Function::YearsBetween => {
                let earlier = self.eval(&arguments[0], text, explanation);
                let later = self.eval(&arguments[1], text, explanation);
                let (earlier, later) = match (earlier, later) {
                    (Ok(a), Ok(b)) => (a, b),
                    (Err(a), Err(b)) => return Err(merge(a, b)),
                    (Err(fault), _) | (_, Err(fault)) => return Err(fault),
                };
                let (Value::Date(earlier), Value::Date(later)) = (earlier.value, later.value)
                else {
                    return Err(Fault::Error("years_between(…) of non-dates".to_owned()));
                };
                Ok(Typed {
                    value: Value::Integer(full_years(earlier, later)),
                    ty: Type::Integer,
                })
            }
            Function::Pow => {
                let base = self.eval(&arguments[0], text, explanation)?;
                let ExprKind::Literal(Literal::Integer(exponent)) = arguments[1].kind else {
                    return Err(Fault::Error("pow(…) with a non-literal power".to_owned()));
                };
                let x = number(&base)?;
                let mut result = Decimal::ONE;
                for _ in 0..exponent {
                    result = result.checked_mul(x).ok_or_else(|| overflow("pow"))?;
                }
                numeric(result, base.ty)
            }
            Function::Abs => {
                let value = self.eval(&arguments[0], text, explanation)?;
                numeric(number(&value)?.abs(), value.ty)
            }
            Function::Round => {
                let value = self.eval(&arguments[0], text, explanation)?;
                let ExprKind::Literal(Literal::Integer(places)) = arguments[1].kind else {
                    return Err(Fault::Error("round(…) with non-literal places".to_owned()));
                };
                let places = u32::try_from(places).unwrap_or(0);
                numeric(
                    number(&value)?
                        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                    value.ty,
                )
            }
        }
    }

    fn scale(&self, arguments: &[Expr], text: &str, explanation: &mut Explanation) -> Eval<Typed> {
        let ExprKind::Parameter { path } = &arguments[0].kind else {
            return Err(Fault::Error("scale(…) of a non-scale".to_owned()));
        };
        let Some(scale) = self.pack.scales.get(path) else {
            return Err(Fault::Error(format!("unknown scale “{path}”")));
        };
        let base = self.eval(&arguments[1], text, explanation);
        let dated = scale.at(self.reference_date, self.known_on);
        let (base, dated) = match (base, dated) {
            (Ok(base), Some(dated)) => (base, dated),
            (Err(fault), Some(_)) => return Err(fault),
            (base, None) => {
                let Fault::Missing(mut missing) = self.missing(|| Missing::Parameter {
                    name: path.clone(),
                    on: self.reference_date,
                }) else {
                    unreachable!("missing data is a Fault::Missing");
                };
                if let Err(Fault::Missing(more)) = base {
                    missing.extend(more);
                }
                return Err(Fault::Missing(missing));
            }
        };
        let x = number(&base)?;
        let Some(choice) = scale.band(&dated.value, x) else {
            return Err(Fault::Error(format!(
                "{x} is below the first band of the scale “{path}”"
            )));
        };
        let span = arguments[1].span;
        if self.explain {
            explanation.bands.push(UsedBand {
                scale: path.clone(),
                base_text: text[span.start..span.end].to_owned(),
                base_label: self.label(&arguments[1]),
                base: x,
                base_type: base.ty,
                lower: choice.band.lower,
                upper: choice.upper,
                lower_inclusive: choice.lower_inclusive,
                value: choice.band.value.clone(),
                value_type: scale.value,
                from: dated.from,
                published: dated.published.unwrap_or(dated.from),
            });
        }
        Ok(Typed {
            value: choice.band.value.clone(),
            ty: scale.value,
        })
    }
}

/// Full years from `earlier` to `later`; an anniversary on `later` counts
/// (as the benchmark's `age_years`).
pub fn full_years(earlier: NaiveDate, later: NaiveDate) -> i64 {
    let mut years = i64::from(later.year()) - i64::from(earlier.year());
    if (later.month(), later.day()) < (earlier.month(), earlier.day()) {
        years -= 1;
    }
    years
}
