//! The pure policy engine of Zijin: which enterprises qualify for which
//! policy (免申即享, benefits granted without application), and why.
//!
//! - [`Uscc`]: the unified social credit code (统一社会信用代码), checked once.
//! - [`expr`]: the expression language of criteria and formulas ([`expr::parse`]).
//! - [`check`]: the type checker against a [`Scope`] of declarations.
//! - [`pack::Pack`]: a checked policy pack (TOML; format in `README.md`),
//!   loaded by [`pack::Pack::from_toml`] with every error at file:line:column.
//! - [`Type`] and [`Value`]: exact values (`rust_decimal`; money never a float).
//! - [`batch::evaluate_all`]: a batch of enterprises in parallel, in order.
//! - [`eval::evaluate`]: one enterprise, one period, every policy with the
//!   explanation of every criterion; [`explain::render_criterion`] for people.
//! - [`cases`]: test cases as data (TOML), [`cases::run_cases`].
//! - [`reform`]: parameter overrides, baseline beside reform.
//!
//! No I/O and no clock: texts come in as strings, the reference date is an
//! argument.

pub mod batch;
pub mod cases;
pub mod check;
pub mod columns;
pub mod eval;
pub mod explain;
pub mod expr;
pub mod nearmiss;
pub mod pack;
pub mod reform;
#[cfg(test)]
mod testing;
pub mod uscc;
pub mod value;

pub use check::{PeriodKind, Scope, TypeError};
pub use uscc::{Uscc, UsccError};
pub use value::{Type, Value};
