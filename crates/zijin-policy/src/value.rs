//! Types and values of the expression language.
//!
//! Numbers are exact: integers are `i64`, every other number is a
//! `rust_decimal::Decimal` (28 significant digits), so money never passes
//! through a binary float and `10 / 100 >= 10%` is true.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The type of a variable, a parameter, a scale's base or value, or an
/// expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    Bool,
    /// A whole number (a count of staff, of patents; points; years).
    Integer,
    /// An exact decimal number.
    Decimal,
    /// An exact decimal number read and shown as a percentage (0.05 is 5%).
    Rate,
    /// An amount of money in yuan (CNY), exact to the fen and beyond.
    Money,
    Date,
    Text,
}

impl Type {
    /// Integer, decimal, rate or money.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Type::Integer | Type::Decimal | Type::Rate | Type::Money
        )
    }

    /// The name used in pack files and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Integer => "integer",
            Type::Decimal => "decimal",
            Type::Rate => "rate",
            Type::Money => "money",
            Type::Date => "date",
            Type::Text => "text",
        }
    }

    /// The type of `a + b`, `a − b`, `min(a, b)`, `max(a, b)` and of the
    /// branches of an `if` for two numeric types: money wins over every
    /// other number, then decimal, then rate; two integers stay an integer.
    pub(crate) fn numeric_join(a: Type, b: Type) -> Type {
        use Type::*;
        match (a, b) {
            (Money, _) | (_, Money) => Money,
            (Decimal, _) | (_, Decimal) => Decimal,
            (Rate, _) | (_, Rate) => Rate,
            _ => Integer,
        }
    }

    /// The type of `a × b`.
    pub(crate) fn product(a: Type, b: Type) -> Type {
        Type::numeric_join(a, b)
    }

    /// The type of `a ÷ b`: money ÷ money is a decimal ratio, money ÷ a
    /// number is money, a number ÷ money is a decimal, and integer ÷ integer
    /// is a decimal (never truncated).
    pub(crate) fn quotient(a: Type, b: Type) -> Type {
        use Type::*;
        match (a, b) {
            (Money, Money) => Decimal,
            (Money, _) => Money,
            (_, Money) => Decimal,
            (Integer, Integer) => Decimal,
            _ => Type::numeric_join(a, b),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value of the expression language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Integer(i64),
    Decimal(Decimal),
    Date(NaiveDate),
    Text(String),
}

impl Value {
    /// The number as a decimal; `None` for a boolean, a date or a text.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Integer(integer) => Some(Decimal::from(*integer)),
            Value::Decimal(decimal) => Some(*decimal),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(true) => f.write_str("true"),
            Value::Bool(false) => f.write_str("false"),
            Value::Integer(integer) => write!(f, "{integer}"),
            Value::Decimal(decimal) => write!(f, "{}", decimal.normalize()),
            Value::Date(date) => write!(f, "{date}"),
            Value::Text(text) => write!(f, "{text:?}"),
        }
    }
}
