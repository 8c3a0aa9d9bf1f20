//! The integration tests of zijin-policy: one binary, one module per feature.

mod cases;
mod eval;
mod expr;
mod pack;
mod reform;
mod uscc;
