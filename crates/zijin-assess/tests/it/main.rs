//! The assessment engine's integration tests: golden cases (data files in
//! `tests/golden/`, each with its hand computation) and property tests.

mod golden;
mod properties;
mod trajectory;

use zijin_domain::{
    Baseline, Binding, Direction, Indicator, IndicatorCode, Kind, Measure, Observation, Period,
    Plan, PlanCode, Qualifier, RegionCode, SourceQuality, Target, Thresholds,
};

/// A plan of 2020–2025 for the city 320100 holding one indicator.
pub fn plan_with(indicator: Indicator) -> Plan {
    Plan {
        code: PlanCode::new("test-plan").unwrap(),
        name_zh: "测试规划".to_owned(),
        name_en: "Test plan".to_owned(),
        region: RegionCode::new("320100").unwrap(),
        base_year: 2020,
        target_year: 2025,
        document: None,
        thresholds: Thresholds::default(),
        indicators: vec![indicator],
    }
}

pub fn indicator(
    code: &str,
    kind: Kind,
    measure: Measure,
    direction: Direction,
    baseline: Option<f64>,
    target: Target,
) -> Indicator {
    Indicator {
        code: IndicatorCode::new(code).unwrap(),
        name_zh: code.to_owned(),
        name_en: code.to_owned(),
        unit: "u".to_owned(),
        direction,
        kind,
        measure,
        binding: Binding::Expected,
        department: None,
        section: "test".to_owned(),
        baseline: baseline.map(|value| Baseline { year: 2020, value }),
        target: Some(target),
        region_targets: Vec::new(),
        note: None,
    }
}

pub fn observation(
    indicator: &str,
    region: &str,
    period: &str,
    value: f64,
    qualifier: Qualifier,
) -> Observation {
    Observation {
        indicator: IndicatorCode::new(indicator).unwrap(),
        region: RegionCode::new(region).unwrap(),
        period: period.parse::<Period>().unwrap(),
        value,
        qualifier,
        unit: "u".to_owned(),
        source: "test".to_owned(),
        source_quality: SourceQuality::Official,
        note: None,
    }
}
