//! The vocabulary of Zijin, shared by every other crate.
//!
//! A [`Plan`] has [`Indicator`]s, each with a [`Kind`], a [`Direction`], a
//! [`Measure`], a [`Baseline`] and a [`Target`] (possibly per region, as
//! [`RegionTarget`]). Data arrives as [`Observation`]s of an indicator for a
//! [`RegionCode`] and a [`Period`]; stored observations are
//! [`ObservationRecord`]s, which add the revision and who imported them.
//!
//! The enterprise registry ([`enterprise`]): [`Enterprise`]s keyed by their
//! [`Uscc`], yearly facts of the vocabulary [`FACTS`], [`Label`]s with their
//! validity, and [`policy_input`], which turns them into the policy engine's
//! input. The credit code is `zijin_policy::Uscc`, reused: this is the one
//! Zijin crate the domain depends on (a pure crate with no Zijin dependency).
//!
//! Types that carry an invariant (codes, periods) check it once, in their
//! constructor (`FromStr`/`TryFrom`), so the rest of the code can rely on it.
//! This crate does no I/O and knows no file format, database or clock.

mod code;
pub mod enterprise;
mod lang;
mod observation;
mod period;
mod plan;
mod region;

pub use code::{CodeError, IndicatorCode, PlanCode, RegionCode};
pub use enterprise::{
    Enterprise, EnterpriseFactsAndLabels, EntitlementStatus, FACTS, Fact, FactDefinition,
    FactError, FactType, FactValue, IndustrialChain, Label, LabelKind, RegistryEntry, Uscc,
    UsccError, YearFact, policy_input,
};
pub use lang::Lang;
pub use observation::{
    Observation, ObservationRecord, ParseQualifierError, ParseSourceQualityError, Qualifier,
    SourceQuality,
};
pub use period::{ParsePeriodError, Period};
pub use plan::{
    Baseline, Binding, Direction, Indicator, Kind, Measure, Plan, PlanError, RegionTarget, Target,
    TargetValue, Thresholds,
};
pub use region::{Region, RegionKind};
