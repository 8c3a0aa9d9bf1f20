//! The lines of a trajectory chart agree with the assessment they come from.

use chrono::NaiveDate;
use zijin_assess::{Subject, assess, trajectory};
use zijin_domain::{Direction, Kind, Measure, Qualifier, RegionCode, Target};

use crate::{indicator, observation, plan_with};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 30).unwrap()
}

#[test]
fn a_level_target_draws_the_straight_required_path_the_projection_and_a_band() {
    // High-tech enterprises: 6507 → 20000, observed 2021–2023.
    let plan = plan_with(indicator(
        "hte",
        Kind::Level,
        Measure::Stock,
        Direction::Higher,
        Some(6507.0),
        Target::value(2025, 20000.0),
    ));
    let observations = vec![
        observation("hte", "320100", "2021", 8000.0, Qualifier::Exact),
        observation("hte", "320100", "2022", 11000.0, Qualifier::MoreThan),
        observation("hte", "320100", "2023", 12000.0, Qualifier::Exact),
    ];
    let region = RegionCode::new("320100").unwrap();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &observations,
    };
    let lines = trajectory(&subject, as_of());
    assert_eq!(lines.assessment, assess(&subject, as_of()));

    let times: Vec<f64> = lines.points.iter().map(|point| point.time).collect();
    assert_eq!(times, vec![2021.0, 2022.0, 2023.0]);
    assert_eq!(lines.points[1].qualifier, Qualifier::MoreThan);

    // Straight from the baseline to the target, one point a year.
    assert_eq!(lines.required_path.len(), 6);
    assert_eq!(lines.required_path[0], (2020.0, 6507.0));
    assert_eq!(lines.required_path[5], (2025.0, 20000.0));
    let (time, value) = lines.required_path[2];
    assert_eq!(time, 2022.0);
    assert!((value - (6507.0 + 0.4 * (20000.0 - 6507.0))).abs() < 1e-9);

    // The projection starts at the latest value and ends at ŷT.
    let projected = lines.assessment.projected_value.unwrap();
    assert_eq!(lines.projection.first(), Some(&(2023.0, 12000.0)));
    let (end_time, end_value) = *lines.projection.last().unwrap();
    assert_eq!(end_time, 2025.0);
    assert!((end_value - projected).abs() < 1e-6 * projected);

    // The band brackets the log-linear fit over the baseline and the three values.
    assert!(lines.assessment.probability.is_some());
    let (band_start, _, _) = lines.band[0];
    let (band_end, low, high) = *lines.band.last().unwrap();
    assert_eq!((band_start, band_end), (2023.0, 2025.0));
    let points = [
        (2020.0, 6507.0_f64),
        (2021.0, 8000.0),
        (2022.0, 11000.0),
        (2023.0, 12000.0),
    ];
    let n = points.len() as f64;
    let mean_t = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_log = points.iter().map(|p| p.1.ln()).sum::<f64>() / n;
    let slope = points
        .iter()
        .map(|p| (p.0 - mean_t) * (p.1.ln() - mean_log))
        .sum::<f64>()
        / points.iter().map(|p| (p.0 - mean_t).powi(2)).sum::<f64>();
    let fitted_2025 = (mean_log + slope * (2025.0 - mean_t)).exp();
    assert!(
        low < fitted_2025 && fitted_2025 < high,
        "{low} < {fitted_2025} < {high}"
    );
    // The interval is centred on the fit in logs, and widens with the horizon.
    assert!(((low.ln() + high.ln()) / 2.0 - fitted_2025.ln()).abs() < 1e-9);
    let (_, first_low, first_high) = lines.band[0];
    assert!(high.ln() - low.ln() > first_high.ln() - first_low.ln());
}

#[test]
fn a_cumulative_target_plots_running_totals_against_a_straight_path_from_zero() {
    let plan = plan_with(indicator(
        "teams",
        Kind::Cumulative,
        Measure::Flow,
        Direction::Higher,
        None,
        Target::value(2025, 100.0),
    ));
    let observations = vec![
        observation("teams", "320100", "2021", 15.0, Qualifier::Exact),
        observation("teams", "320100", "2022", 25.0, Qualifier::Exact),
        observation("teams", "320100", "2023", 20.0, Qualifier::Exact),
    ];
    let region = RegionCode::new("320100").unwrap();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &observations,
    };
    let lines = trajectory(&subject, as_of());
    let values: Vec<f64> = lines.points.iter().map(|point| point.value).collect();
    assert_eq!(values, vec![15.0, 40.0, 60.0]);
    assert_eq!(lines.required_path.first(), Some(&(2020.0, 0.0)));
    assert_eq!(lines.required_path.last(), Some(&(2025.0, 100.0)));
    assert_eq!(lines.projection.first(), Some(&(2023.0, 60.0)));
    // 60 in three years: 20 a year, 100 by 2025.
    let (_, end) = *lines.projection.last().unwrap();
    assert!((end - 100.0).abs() < 1e-9);
    assert!(
        lines.band.is_empty(),
        "no probability for a cumulative target"
    );
}

#[test]
fn without_observations_nothing_is_drawn_but_the_required_path() {
    let plan = plan_with(indicator(
        "x",
        Kind::Level,
        Measure::Stock,
        Direction::Lower,
        Some(10.0),
        Target::value(2025, 5.0),
    ));
    let region = RegionCode::new("320100").unwrap();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &[],
    };
    let lines = trajectory(&subject, as_of());
    assert!(lines.points.is_empty());
    assert!(lines.projection.is_empty());
    assert!(lines.band.is_empty());
    assert_eq!(lines.required_path.last(), Some(&(2025.0, 5.0)));
}
