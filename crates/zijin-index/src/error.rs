//! What can go wrong, and where.
//!
//! The engine does not know file names: its callers (the exchange crate, the
//! CLI) add them. Every variant names the place inside the input instead: the
//! iMeta row (its line in the file, as the caller numbered it), the iData
//! column and unit, the section and key of the pipeline specification, or the
//! unit and aggregate of a computation.

use thiserror::Error;

/// An error of the index engine.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum IndexError {
    /// A row of the metadata (iMeta) is wrong.
    #[error("iMeta row {row} (iCode {code:?}), column {column}: {problem}")]
    Meta {
        /// The row as the caller numbered it (the file line, header = 1).
        row: usize,
        code: String,
        column: &'static str,
        problem: String,
    },
    /// The metadata as a whole is wrong (no indicator, no root, …).
    #[error("iMeta: {problem}")]
    MetaTree { problem: String },
    /// The data (iData) do not fit the metadata.
    #[error("iData, column {column:?}: {problem}")]
    Data { column: String, problem: String },
    /// The pipeline or analysis specification is wrong.
    #[error("specification, [{section}] {key}: {problem}")]
    Spec {
        section: String,
        key: String,
        problem: String,
    },
    /// A computation cannot be done on these values (a geometric mean over a
    /// zero, a normalisation of a constant column towards a target, …).
    #[error("{stage}, unit {unit:?}, {code:?}: {problem}")]
    Compute {
        stage: &'static str,
        unit: String,
        code: String,
        problem: String,
    },
}

impl IndexError {
    pub(crate) fn spec(
        section: impl Into<String>,
        key: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        IndexError::Spec {
            section: section.into(),
            key: key.into(),
            problem: problem.into(),
        }
    }
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
