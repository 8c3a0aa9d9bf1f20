//! Laws of the engine, checked on generated cases: a better latest value
//! never gives a worse status; completion and elapsed share behave at the
//! ends of the plan period.

use chrono::NaiveDate;
use proptest::prelude::*;
use zijin_assess::{Assessment, Subject, assess};
use zijin_domain::{Direction, Kind, Measure, Qualifier, RegionCode, Target};

use crate::{indicator, observation, plan_with};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// Assesses one indicator with a history of earlier values and a latest value.
fn assess_with(
    kind: Kind,
    direction: Direction,
    baseline: f64,
    target: f64,
    history: &[(i32, f64)],
    latest: (i32, f64),
) -> Assessment {
    let measure = if kind == Kind::Cumulative {
        Measure::Flow
    } else {
        Measure::Stock
    };
    let indicator = indicator(
        "subject",
        kind,
        measure,
        direction,
        (kind != Kind::Cumulative).then_some(baseline),
        Target::value(2025, target),
    );
    let plan = plan_with(indicator);
    let mut observations: Vec<_> = history
        .iter()
        .map(|&(year, value)| {
            observation(
                "subject",
                "320100",
                &year.to_string(),
                value,
                Qualifier::Exact,
            )
        })
        .collect();
    observations.push(observation(
        "subject",
        "320100",
        &latest.0.to_string(),
        latest.1,
        Qualifier::Exact,
    ));
    let region = RegionCode::new("320100").unwrap();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &observations,
    };
    assess(&subject, as_of())
}

/// `worse` is no better than `better` in every status and in the light.
fn no_better(worse: &Assessment, better: &Assessment) -> Result<(), TestCaseError> {
    fn check<T: PartialOrd + std::fmt::Debug>(
        name: &str,
        worse: Option<T>,
        better: Option<T>,
    ) -> Result<(), TestCaseError> {
        if let (Some(worse), Some(better)) = (&worse, &better) {
            prop_assert!(
                worse <= better,
                "{name}: {worse:?} for the lower value but {better:?} for the better one"
            );
        }
        Ok(())
    }
    check("time_status", worse.time_status, better.time_status)?;
    check("growth_status", worse.growth_status, better.growth_status)?;
    check(
        "projection_status",
        worse.projection_status,
        better.projection_status,
    )?;
    check("light", worse.light, better.light)?;
    Ok(())
}

fn kinds() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Level),
        Just(Kind::Cumulative),
        Just(Kind::Growth)
    ]
}

fn directions() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::Higher), Just(Direction::Lower)]
}

proptest! {
    #[test]
    fn a_better_latest_value_never_gives_a_worse_status(
        kind in kinds(),
        direction in directions(),
        baseline in 10.0f64..1000.0,
        change in 0.05f64..3.0,
        history in proptest::collection::vec(0.2f64..3.0, 0..3),
        latest_year in 2021i32..=2025,
        value in 0.1f64..5.0,
        improvement in 0.0f64..2.0,
    ) {
        // The target lies in the wanted direction from the baseline; a growth target is a rate in percent.
        let target = match (kind, direction) {
            (Kind::Growth, Direction::Higher) => change * 10.0,
            (Kind::Growth, Direction::Lower) => -change * 10.0,
            (Kind::Cumulative, _) => baseline * change,
            (Kind::Level, Direction::Higher) => baseline * (1.0 + change),
            (Kind::Level, Direction::Lower) => baseline / (1.0 + change),
        };
        let history: Vec<(i32, f64)> = history
            .iter()
            .enumerate()
            .map(|(i, factor)| (2021 + i as i32, baseline * factor))
            .filter(|(year, _)| *year < latest_year)
            .collect();
        let lower = baseline * value;
        let higher = lower * (1.0 + improvement);
        // A cumulative target is a total to reach: the plan rejects "lower is better" for it.
        let direction = if kind == Kind::Cumulative { Direction::Higher } else { direction };
        // When lower is better (a falling level, or a negative growth target), the smaller value is the better one.
        let (worse, better) = match direction {
            Direction::Lower => (higher, lower),
            Direction::Higher => (lower, higher),
        };
        let worse = assess_with(kind, direction, baseline, target, &history, (latest_year, worse));
        let better = assess_with(kind, direction, baseline, target, &history, (latest_year, better));
        no_better(&worse, &better)?;
    }

    #[test]
    fn completion_is_zero_at_the_baseline_and_one_at_the_target(
        direction in directions(),
        baseline in 1.0f64..1000.0,
        change in 0.05f64..3.0,
        year in 2021i32..=2025,
    ) {
        let target = match direction {
            Direction::Higher => baseline * (1.0 + change),
            Direction::Lower => baseline / (1.0 + change),
        };
        let at_baseline = assess_with(Kind::Level, direction, baseline, target, &[], (year, baseline));
        prop_assert!(at_baseline.completion.unwrap().abs() < 1e-9);
        prop_assert_ne!(at_baseline.time_status, Some(zijin_assess::TimeStatus::Achieved));
        let at_target = assess_with(Kind::Level, direction, baseline, target, &[], (year, target));
        prop_assert!((at_target.completion.unwrap() - 1.0).abs() < 1e-9);
        prop_assert_eq!(at_target.time_status, Some(zijin_assess::TimeStatus::Achieved));
        prop_assert_eq!(at_target.light, Some(zijin_assess::Light::Green));
    }

    #[test]
    fn elapsed_share_runs_from_zero_to_one(
        kind in prop_oneof![Just(Kind::Level), Just(Kind::Cumulative)],
        year in 2020i32..=2025,
        value in 1.0f64..100.0,
    ) {
        let latest_year = if kind == Kind::Cumulative { year.max(2021) } else { year };
        let assessment = assess_with(kind, Direction::Higher, 50.0, 200.0, &[], (latest_year, value));
        let elapsed = assessment.elapsed_share.unwrap();
        prop_assert!((0.0..=1.0).contains(&elapsed));
        prop_assert!((elapsed - f64::from(latest_year - 2020) / 5.0).abs() < 1e-12);
    }
}

#[test]
fn elapsed_share_is_zero_at_the_base_year_and_one_at_the_target_year() {
    let at_base = assess_with(
        Kind::Level,
        Direction::Higher,
        50.0,
        200.0,
        &[],
        (2020, 50.0),
    );
    assert_eq!(at_base.elapsed_share, Some(0.0));
    assert_eq!(at_base.completion, Some(0.0));
    let at_target = assess_with(
        Kind::Level,
        Direction::Higher,
        50.0,
        200.0,
        &[],
        (2025, 120.0),
    );
    assert_eq!(at_target.elapsed_share, Some(1.0));
    // After the target year the share stays at one.
    let indicator = indicator(
        "subject",
        Kind::Level,
        Measure::Stock,
        Direction::Higher,
        Some(50.0),
        Target::value(2025, 200.0),
    );
    let plan = plan_with(indicator);
    let observations = [observation(
        "subject",
        "320100",
        "2025-06",
        120.0,
        Qualifier::Exact,
    )];
    let region = RegionCode::new("320100").unwrap();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &observations,
    };
    let result = assess(&subject, as_of());
    assert!(
        (result.elapsed_share.unwrap() - 0.9).abs() < 1e-12,
        "mid-2025 is 4.5 of 5 years"
    );
}
