//! The integration tests of zijin-policy: one binary, one module per feature.

mod eval;
mod expr;
mod pack;
mod uscc;
