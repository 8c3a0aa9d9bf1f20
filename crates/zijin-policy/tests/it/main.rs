//! The integration tests of zijin-policy: one binary, one module per feature.

mod bad_input;
mod cases;
mod default_pack;
mod eval;
mod expr;
mod pack;
mod reform;
mod uscc;
