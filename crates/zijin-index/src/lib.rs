//! The pure composite-index engine.
//!
//! A composite index turns many indicators about many units (parks, research
//! institutes, countries) into scores and ranks through a tree: indicators →
//! pillars → … → the index. This crate implements
//! `shared/specs/composite-index.md`: COINr's pipeline with COINr's numbers
//! (denominate, impute, screen, treat outliers, normalise, aggregate), the
//! results (scores and ranks at every level, statistics, correlations,
//! Cronbach's alpha, unit profiles), and the uncertainty and sensitivity
//! analysis, run in parallel, seeded and reproducible.
//!
//! Inputs are COINr's: a [`Framework`] checked from iMeta rows
//! ([`MetaRow`]), a [`Dataset`] (iData) and a [`Spec`] (the pipeline). The
//! engine reads no file and picks no format: `zijin-exchange` reads CSV, XLSX
//! and TOML into these types. A missing value is `NaN` inside a [`Frame`].

mod aggregate;
mod data;
mod error;
mod framework;
mod normalise;
mod pipeline;
pub mod results;
mod spec;
pub mod stats;
mod treat;
pub mod uncertainty;
pub mod weights;

pub use aggregate::Aggregator;
pub use data::{Dataset, Frame};
pub use error::{IndexError, Result};
pub use framework::{Framework, MetaRow, Node, RowType};
pub use normalise::Normaliser;
pub use pipeline::{Build, Pipeline, ScreenRow, rank_frame};
pub use spec::{
    AggregateMethod, AggregateSpec, DenominateSpec, Fallback, GroupMethod, ImputeMethod,
    ImputeSpec, NormaliseMethod, NormaliseSpec, PanelImputeMethod, PanelImputeSpec, ScreenSpec,
    Spec, Stage, TreatSpec,
};
pub use treat::{Check, PointMark, Treatment, TreatmentRow};
pub use uncertainty::{Analysis, AnalysisKind, AnalysisSpec, analyse, rank_stats, ranks_for};
