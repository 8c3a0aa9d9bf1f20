//! The pure assessment engine: how far each target of a plan has come, at a
//! given date, per indicator and region.
//!
//! [`assess`] reads one [`Subject`] (an indicator in a region, with its
//! observations) and [`assess_plan`] reads a whole plan; both return
//! [`Assessment`]s. An assessment carries the three readings of
//! `shared/specs/assessment-method.md`: time-elapsed progress (序时进度:
//! elapsed share, completion, gap and a [`TimeStatus`]), the growth ratio
//! (Statistics Canada, used by Open SDG: a [`GrowthStatus`]), and the
//! projection to the target year with the probability of meeting the target
//! (a [`ProjectionStatus`]); then the warning [`Light`] and the
//! [`Diagnostic`]s that explain every number that is absent or qualified.
//!
//! The engine does no I/O and never reads the clock: the assessment date
//! `as_of` is an argument. Data-quality problems (no data, stale data, too few
//! points) are diagnostics in the result, never errors. Every threshold comes
//! from the plan's [`Thresholds`](zijin_domain::Thresholds).
//!
//! The serialized field names of [`Assessment`] are a public contract: the
//! JSON of `zijin assess --format json` and of the HTTP API.

mod assessment;
mod engine;
mod statistics;
mod trajectory;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use zijin_domain::{IndicatorCode, Observation, Plan, RegionCode};

pub use assessment::{
    Assessment, BaselineSource, BaselineUsed, Diagnostic, DiagnosticCode, GrowthStatus,
    LatestValue, Light, ProjectionStatus, TargetBasis, TargetUsed, TimeStatus,
};
pub use engine::{assess, trajectory};
pub use statistics::cagr;
pub use trajectory::{BAND_LEVEL, Trajectory, TrajectoryPoint};

/// One indicator in one region: what [`assess`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub plan: &'a Plan,
    pub indicator: &'a zijin_domain::Indicator,
    pub region: &'a RegionCode,
    /// The latest revision of each observation of this indicator in this region, in any order.
    pub observations: &'a [Observation],
}

/// Assesses every indicator of the plan that has a target, for the plan's own
/// region (always, even without observations), for every region with a target
/// of its own, and for every region with observations of the indicator.
/// Observations of indicators that are not in the plan are ignored.
///
/// Order: the plan's indicator order; within an indicator the plan's region
/// first, then the other regions by code.
pub fn assess_plan(plan: &Plan, observations: &[Observation], as_of: NaiveDate) -> Vec<Assessment> {
    // One pass groups the observations by indicator, then region (sorted by
    // code), without copying them.
    let mut grouped: HashMap<&IndicatorCode, BTreeMap<&RegionCode, Vec<&Observation>>> =
        HashMap::new();
    for observation in observations {
        grouped
            .entry(&observation.indicator)
            .or_default()
            .entry(&observation.region)
            .or_default()
            .push(observation);
    }
    let mut assessments = Vec::new();
    for indicator in plan
        .indicators
        .iter()
        .filter(|indicator| !indicator.is_auxiliary())
    {
        let mut by_region = grouped.remove(&indicator.code).unwrap_or_default();
        for target in &indicator.region_targets {
            by_region.entry(&target.region).or_default();
        }
        let own = by_region.remove(&plan.region).unwrap_or_default();
        assessments.push(engine::assess_observations(
            plan,
            indicator,
            &plan.region,
            own,
            as_of,
        ));
        for (region, observations) in by_region {
            assessments.push(engine::assess_observations(
                plan,
                indicator,
                region,
                observations,
                as_of,
            ));
        }
    }
    assessments
}
