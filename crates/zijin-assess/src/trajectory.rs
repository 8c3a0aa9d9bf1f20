//! What a trajectory chart of one indicator in one region draws: the points
//! the readings used, the path the plan requires, the straight projection and
//! the prediction band of the log-linear fit. Numbers only; drawing is the
//! charts crate's business.

use serde::Serialize;
use zijin_domain::{Kind, Period, Qualifier, SourceQuality};

use crate::assessment::Assessment;
use crate::statistics::LogLinearModel;

/// The coverage of the prediction band drawn around the projection.
pub const BAND_LEVEL: f64 = 0.9;

/// An assessment with the lines of its trajectory chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub assessment: Assessment,
    /// The values the readings used, in period order: the observations for
    /// `level` and `growth` targets, the running total of the counted flows
    /// for a `cumulative` one.
    pub points: Vec<TrajectoryPoint>,
    /// The path the plan requires, from the baseline (for a cumulative
    /// target, from zero at the plan's base year) to the target, one point per year:
    /// straight for `level` and `cumulative` (time-elapsed progress, 序时进度),
    /// compound at the target rate for `growth`. Empty without a baseline or target.
    pub required_path: Vec<(f64, f64)>,
    /// The straight projection of reading 3, from the latest value to the
    /// target year (ends at `assessment.projected_value`). Empty without one.
    pub projection: Vec<(f64, f64)>,
    /// The [`BAND_LEVEL`] prediction interval of the log-linear fit of
    /// reading 3, from the latest value's time to the target year, as
    /// `(time, low, high)`. Empty where reading 3 has no probability.
    pub band: Vec<(f64, f64, f64)>,
}

/// One plotted value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrajectoryPoint {
    pub period: Period,
    /// The period's position on the time axis ([`Period::time`]).
    pub time: f64,
    pub value: f64,
    pub qualifier: Qualifier,
    pub source_quality: SourceQuality,
}

pub(crate) fn build(
    assessment: Assessment,
    points: Vec<TrajectoryPoint>,
    fit_points: &[(f64, f64)],
    base_year: i32,
    target_year: i32,
) -> Trajectory {
    let target_time = f64::from(target_year);
    let required_path = required_path(&assessment, base_year);
    let latest = points.last().map(|point| (point.time, point.value));
    let projection = match (latest, assessment.projected_value) {
        (Some((time, value)), Some(projected)) if time < target_time => {
            let steps = yearly_times(time, target_time);
            if assessment.kind == Kind::Cumulative {
                let slope = (projected - value) / (target_time - time);
                steps
                    .into_iter()
                    .map(|step| (step, value + slope * (step - time)))
                    .collect()
            } else {
                match assessment.observed_growth_rate {
                    Some(rate) => steps
                        .into_iter()
                        .map(|step| (step, value * (1.0 + rate).powf(step - time)))
                        .collect(),
                    None => vec![(time, value), (target_time, projected)],
                }
            }
        }
        _ => Vec::new(),
    };
    let band = match (latest, assessment.probability) {
        (Some((time, _)), Some(_)) if time < target_time => LogLinearModel::fit(fit_points)
            .map(|model| {
                band_times(time, target_time)
                    .into_iter()
                    .filter_map(|step| {
                        model
                            .interval(step, BAND_LEVEL)
                            .map(|(low, high)| (step, low, high))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Trajectory {
        assessment,
        points,
        required_path,
        projection,
        band,
    }
}

fn required_path(assessment: &Assessment, base_year: i32) -> Vec<(f64, f64)> {
    let Some(target) = assessment.target else {
        return Vec::new();
    };
    let target_time = f64::from(target.year);
    match assessment.kind {
        Kind::Level => match assessment.baseline {
            Some(baseline) => {
                let base_time = f64::from(baseline.year);
                let slope = (target.value - baseline.value) / (target_time - base_time);
                yearly_times(base_time, target_time)
                    .into_iter()
                    .map(|time| (time, baseline.value + slope * (time - base_time)))
                    .collect()
            }
            None => Vec::new(),
        },
        Kind::Cumulative => {
            let base_time = f64::from(base_year);
            let slope = target.value / (target_time - base_time);
            yearly_times(base_time, target_time)
                .into_iter()
                .map(|time| (time, slope * (time - base_time)))
                .collect()
        }
        Kind::Growth => match (assessment.baseline, assessment.required_growth_rate) {
            (Some(baseline), Some(rate)) => {
                let base_time = f64::from(baseline.year);
                yearly_times(base_time, target_time)
                    .into_iter()
                    .map(|time| (time, baseline.value * (1.0 + rate).powf(time - base_time)))
                    .collect()
            }
            _ => Vec::new(),
        },
    }
}

/// `from`, every whole year strictly between, and `to`.
fn yearly_times(from: f64, to: f64) -> Vec<f64> {
    let mut times = vec![from];
    let mut year = from.floor() + 1.0;
    while year < to - 1e-9 {
        if year > from + 1e-9 {
            times.push(year);
        }
        year += 1.0;
    }
    if to > from {
        times.push(to);
    }
    times
}

/// Quarter-year steps from `from` to `to`, for a smooth band.
fn band_times(from: f64, to: f64) -> Vec<f64> {
    let steps = ((to - from) * 4.0).ceil().max(1.0) as usize;
    (0..=steps)
        .map(|step| from + (to - from) * step as f64 / steps as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yearly_times_include_both_ends_once() {
        assert_eq!(
            yearly_times(2020.0, 2025.0),
            vec![2020.0, 2021.0, 2022.0, 2023.0, 2024.0, 2025.0]
        );
        assert_eq!(yearly_times(2023.5, 2025.0), vec![2023.5, 2024.0, 2025.0]);
        assert_eq!(yearly_times(2025.0, 2025.0), vec![2025.0]);
    }

    #[test]
    fn band_times_run_from_start_to_end() {
        let times = band_times(2023.0, 2025.0);
        assert_eq!(times.first(), Some(&2023.0));
        assert_eq!(times.last(), Some(&2025.0));
        assert_eq!(times.len(), 9);
    }
}
