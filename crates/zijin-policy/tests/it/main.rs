//! The integration tests of zijin-policy: one binary, one module per feature.

mod expr;
mod pack;
mod uscc;
