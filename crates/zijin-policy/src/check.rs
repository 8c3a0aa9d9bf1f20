//! The type checker: every name an expression uses must be declared, every
//! operator must get the types it takes. Errors carry the span of the node.

use std::collections::BTreeSet;

use crate::expr::{BinaryOp, Expr, ExprKind, Function, Literal, PeriodRef, Span, UnaryOp};
use crate::value::Type;

/// How often a variable has a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// One value for the enterprise (the registration date).
    Once,
    /// One value per fiscal year (revenue); written with a period,
    /// `revenue[last_year]`.
    Year,
}

/// What the checker knows about a name: the declarations of a pack.
pub trait Scope {
    /// An input variable (`Once` or `Year`) or a derived variable (`Once`:
    /// derived variables are computed for the evaluation period and used
    /// without a period).
    fn variable(&self, name: &str) -> Option<(Type, PeriodKind)>;
    /// A parameter's type.
    fn parameter(&self, path: &str) -> Option<Type>;
    /// A scale's base type and value type.
    fn scale(&self, path: &str) -> Option<(Type, Type)>;
    /// Whether a policy of this id exists.
    fn policy(&self, id: &str) -> bool;
}

/// A type error, at the span of the offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub span: Span,
    pub message: String,
}

/// The names an expression uses (for dependency order and cycles).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uses {
    pub variables: BTreeSet<String>,
    pub parameters: BTreeSet<String>,
    pub policies: BTreeSet<String>,
}

/// Checks `expr` and returns its type and the names it uses.
pub fn check(expr: &Expr, scope: &dyn Scope) -> Result<(Type, Uses), TypeError> {
    let mut checker = Checker {
        scope,
        uses: Uses::default(),
    };
    let ty = checker.check(expr, false)?;
    Ok((ty, checker.uses))
}

struct Checker<'a> {
    scope: &'a dyn Scope,
    uses: Uses,
}

fn error<T>(span: Span, message: impl Into<String>) -> Result<T, TypeError> {
    Err(TypeError {
        span,
        message: message.into(),
    })
}

impl Checker<'_> {
    /// `in_window`: inside `sum(…)` or `avg(…)`, where a window of years is
    /// allowed.
    fn check(&mut self, expr: &Expr, in_window: bool) -> Result<Type, TypeError> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Literal(literal) => Ok(match literal {
                Literal::Bool(_) => Type::Bool,
                Literal::Integer(_) => Type::Integer,
                Literal::Decimal(_) => Type::Decimal,
                Literal::Rate(_) => Type::Rate,
                Literal::Text(_) => Type::Text,
            }),
            ExprKind::Variable { name, period } => {
                let Some((ty, kind)) = self.scope.variable(name) else {
                    return error(span, format!("unknown variable “{name}”"));
                };
                self.uses.variables.insert(name.clone());
                match (kind, period) {
                    (PeriodKind::Once, None) => Ok(ty),
                    (PeriodKind::Once, Some(period)) => error(
                        span,
                        format!(
                            "“{name}” has one value, not one per year: write “{name}” without “[{period}]”"
                        ),
                    ),
                    (PeriodKind::Year, None) => error(
                        span,
                        format!(
                            "“{name}” has a value per year: say which, e.g. “{name}[last_year]” or “sum({name}[last_3_years])”"
                        ),
                    ),
                    (PeriodKind::Year, Some(PeriodRef::Year(_))) => Ok(ty),
                    (PeriodKind::Year, Some(PeriodRef::LastYears(_))) if in_window => Ok(ty),
                    (PeriodKind::Year, Some(period @ PeriodRef::LastYears(_))) => error(
                        span,
                        format!(
                            "“{name}[{period}]” is several years: use it inside sum(…) or avg(…)"
                        ),
                    ),
                }
            }
            ExprKind::Parameter { path } => {
                if self.scope.scale(path).is_some() {
                    return error(
                        span,
                        format!("“params.{path}” is a scale: use it as “scale(params.{path}, …)”"),
                    );
                }
                let Some(ty) = self.scope.parameter(path) else {
                    return error(span, format!("unknown parameter “params.{path}”"));
                };
                self.uses.parameters.insert(path.clone());
                Ok(ty)
            }
            ExprKind::Policy { id } => {
                if !self.scope.policy(id) {
                    return error(span, format!("unknown policy “{id}”"));
                }
                self.uses.policies.insert(id.clone());
                Ok(Type::Bool)
            }
            ExprKind::Unary { op, operand } => {
                let ty = self.check(operand, false)?;
                match op {
                    UnaryOp::Not if ty == Type::Bool => Ok(Type::Bool),
                    UnaryOp::Not => {
                        error(operand.span, format!("“not” takes a bool, not {}", a(ty)))
                    }
                    UnaryOp::Negate if ty.is_numeric() => Ok(ty),
                    UnaryOp::Negate => {
                        error(operand.span, format!("“−” takes a number, not {}", a(ty)))
                    }
                }
            }
            ExprKind::Binary { op, left, right } => {
                let left_type = self.check(left, false)?;
                let right_type = self.check(right, false)?;
                self.binary(*op, span, left_type, right_type)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let condition_type = self.check(condition, false)?;
                if condition_type != Type::Bool {
                    return error(
                        condition.span,
                        format!(
                            "the condition of “if” must be a bool, not {}",
                            a(condition_type)
                        ),
                    );
                }
                let then_type = self.check(then, false)?;
                let otherwise_type = self.check(otherwise, false)?;
                if then_type == otherwise_type {
                    Ok(then_type)
                } else if then_type.is_numeric() && otherwise_type.is_numeric() {
                    Ok(Type::numeric_join(then_type, otherwise_type))
                } else {
                    error(
                        span,
                        format!(
                            "the branches of “if” have different types: {then_type} after “then”, {otherwise_type} after “else”"
                        ),
                    )
                }
            }
            ExprKind::Call {
                function,
                arguments,
            } => self.call(*function, span, arguments),
        }
    }

    fn binary(&self, op: BinaryOp, span: Span, left: Type, right: Type) -> Result<Type, TypeError> {
        let symbol = op.symbol();
        match op {
            BinaryOp::And | BinaryOp::Or => {
                if left == Type::Bool && right == Type::Bool {
                    Ok(Type::Bool)
                } else {
                    error(
                        span,
                        format!(
                            "“{symbol}” takes two bools, not {} and {}",
                            a(left),
                            a(right)
                        ),
                    )
                }
            }
            BinaryOp::Equal | BinaryOp::NotEqual => {
                if left == right || (left.is_numeric() && right.is_numeric()) {
                    Ok(Type::Bool)
                } else {
                    error(
                        span,
                        format!("cannot compare {} with {}", a(left), a(right)),
                    )
                }
            }
            BinaryOp::Less
            | BinaryOp::LessOrEqual
            | BinaryOp::Greater
            | BinaryOp::GreaterOrEqual => {
                let ordered = (left.is_numeric() && right.is_numeric())
                    || (left == Type::Date && right == Type::Date);
                if ordered {
                    Ok(Type::Bool)
                } else {
                    error(
                        span,
                        format!("cannot compare {} with {} by “{symbol}”", a(left), a(right)),
                    )
                }
            }
            BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide => {
                if !(left.is_numeric() && right.is_numeric()) {
                    return error(
                        span,
                        format!(
                            "“{symbol}” takes two numbers, not {} and {}",
                            a(left),
                            a(right)
                        ),
                    );
                }
                Ok(match op {
                    BinaryOp::Multiply => Type::product(left, right),
                    BinaryOp::Divide => Type::quotient(left, right),
                    _ => Type::numeric_join(left, right),
                })
            }
        }
    }

    fn call(
        &mut self,
        function: Function,
        span: Span,
        arguments: &[Expr],
    ) -> Result<Type, TypeError> {
        let name = function.name();
        let count = |expected: usize| -> Result<(), TypeError> {
            if arguments.len() == expected {
                Ok(())
            } else {
                error(
                    span,
                    format!(
                        "{name}(…) takes {expected} argument(s), found {}",
                        arguments.len()
                    ),
                )
            }
        };
        match function {
            Function::Min | Function::Max => {
                if arguments.len() < 2 {
                    return error(span, format!("{name}(…) takes two or more numbers"));
                }
                let mut ty = None;
                for argument in arguments {
                    let argument_type = self.numeric(argument, name)?;
                    ty = Some(ty.map_or(argument_type, |ty| Type::numeric_join(ty, argument_type)));
                }
                Ok(ty.unwrap_or(Type::Integer))
            }
            Function::Sum | Function::Avg => {
                count(1)?;
                let argument = &arguments[0];
                let is_window = matches!(
                    argument.kind,
                    ExprKind::Variable {
                        period: Some(PeriodRef::LastYears(_)),
                        ..
                    }
                );
                if !is_window {
                    return error(
                        argument.span,
                        format!(
                            "{name}(…) takes a variable over several years, e.g. {name}(revenue[last_3_years])"
                        ),
                    );
                }
                let ty = self.check(argument, true)?;
                if !ty.is_numeric() {
                    return error(
                        argument.span,
                        format!("{name}(…) takes numbers, not {}", a(ty)),
                    );
                }
                Ok(match (function, ty) {
                    (Function::Avg, Type::Integer) => Type::Decimal,
                    _ => ty,
                })
            }
            Function::Scale => {
                count(2)?;
                let ExprKind::Parameter { path } = &arguments[0].kind else {
                    return error(
                        arguments[0].span,
                        "the first argument of scale(…) is a scale of the pack, e.g. scale(params.sme.points.ip_count, ip_count[this_year])",
                    );
                };
                let Some((base, value)) = self.scope.scale(path) else {
                    let message = if self.scope.parameter(path).is_some() {
                        format!("“params.{path}” is a parameter, not a scale")
                    } else {
                        format!("unknown scale “params.{path}”")
                    };
                    return error(arguments[0].span, message);
                };
                self.uses.parameters.insert(path.clone());
                let argument_type = self.numeric(&arguments[1], name)?;
                if base == Type::Money && !matches!(argument_type, Type::Money | Type::Integer) {
                    return error(
                        arguments[1].span,
                        format!(
                            "the scale “params.{path}” is banded by money, not by {}",
                            a(argument_type)
                        ),
                    );
                }
                Ok(value)
            }
            Function::Date => {
                count(1)?;
                match &arguments[0].kind {
                    ExprKind::Literal(Literal::Text(text)) if parse_date(text).is_some() => {
                        Ok(Type::Date)
                    }
                    _ => error(
                        arguments[0].span,
                        "date(…) takes a date as text, e.g. date(\"2024-01-01\")",
                    ),
                }
            }
            Function::YearsBetween => {
                count(2)?;
                for argument in arguments {
                    let ty = self.check(argument, false)?;
                    if ty != Type::Date {
                        return error(
                            argument.span,
                            format!("years_between(…) takes two dates, not {}", a(ty)),
                        );
                    }
                }
                Ok(Type::Integer)
            }
            Function::Pow => {
                count(2)?;
                let base = self.numeric(&arguments[0], name)?;
                match &arguments[1].kind {
                    ExprKind::Literal(Literal::Integer(exponent))
                        if (0..=12).contains(exponent) =>
                    {
                        Ok(base)
                    }
                    _ => error(
                        arguments[1].span,
                        "the power in pow(x, n) is a whole number from 0 to 12, written as a number",
                    ),
                }
            }
            Function::Abs => {
                count(1)?;
                self.numeric(&arguments[0], name)
            }
            Function::Round => {
                count(2)?;
                let ty = self.numeric(&arguments[0], name)?;
                match &arguments[1].kind {
                    ExprKind::Literal(Literal::Integer(places)) if (0..=12).contains(places) => {
                        Ok(ty)
                    }
                    _ => error(
                        arguments[1].span,
                        "the places in round(x, n) are a whole number from 0 to 12, written as a number",
                    ),
                }
            }
        }
    }

    fn numeric(&mut self, argument: &Expr, function: &str) -> Result<Type, TypeError> {
        let ty = self.check(argument, false)?;
        if ty.is_numeric() {
            Ok(ty)
        } else {
            error(
                argument.span,
                format!("{function}(…) takes numbers, not {}", a(ty)),
            )
        }
    }
}

/// A date written `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A type with its article, for messages: “a bool”, “an integer”.
fn a(ty: Type) -> String {
    match ty {
        Type::Integer => "an integer".to_owned(),
        ty => format!("a {ty}"),
    }
}
