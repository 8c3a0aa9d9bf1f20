//! Golden cases: each file in `tests/golden/` describes an indicator, its
//! observations and an assessment date, and the expected readings, computed
//! by hand (the arithmetic is in the file's comments). Numbers are compared
//! with the case's tolerance; statuses exactly; listed diagnostics must be
//! present, and listed fields must be absent (null).

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use zijin_assess::{Subject, assess, assess_plan};
use zijin_domain::{
    Baseline, Direction, Kind, Measure, Qualifier, RegionCode, RegionTarget, Target,
};

use crate::{indicator, observation, plan_with};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    as_of: NaiveDate,
    #[serde(default = "city")]
    region: String,
    indicator: CaseIndicator,
    #[serde(default)]
    observations: Vec<CaseObservation>,
    expected: toml::Table,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    diagnostics: Vec<String>,
    #[serde(default)]
    diagnostics_absent: Vec<String>,
    #[serde(default = "default_tolerance")]
    tolerance: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseIndicator {
    code: String,
    kind: Kind,
    measure: Measure,
    #[serde(default)]
    direction: Direction,
    baseline: Option<f64>,
    target: f64,
    stretch: Option<f64>,
    #[serde(default)]
    region_targets: Vec<CaseRegionTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseRegionTarget {
    region: String,
    baseline: Option<f64>,
    target: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseObservation {
    period: String,
    value: f64,
    #[serde(default)]
    qualifier: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

fn city() -> String {
    "320100".to_owned()
}

fn default_tolerance() -> f64 {
    1e-4
}

fn run_case(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let case: Case =
        toml::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let spec = &case.indicator;
    let target = match spec.stretch {
        Some(stretch) => Target::range(2025, spec.target, stretch, spec.direction),
        None => Target::value(2025, spec.target),
    };
    let mut indicator = indicator(
        &spec.code,
        spec.kind,
        spec.measure,
        spec.direction,
        spec.baseline,
        target,
    );
    indicator.region_targets = spec
        .region_targets
        .iter()
        .map(|target| RegionTarget {
            region: RegionCode::new(&target.region).unwrap(),
            baseline: target.baseline.map(|value| Baseline { year: 2020, value }),
            target: Target::value(2025, target.target),
        })
        .collect();
    let plan = plan_with(indicator);
    plan.validate()
        .unwrap_or_else(|problems| panic!("{}: invalid plan {problems:?}", path.display()));
    let observations: Vec<_> = case
        .observations
        .iter()
        .map(|row| {
            let qualifier: Qualifier = row.qualifier.as_deref().unwrap_or("=").parse().unwrap();
            observation(
                &spec.code,
                row.region.as_deref().unwrap_or(&case.region),
                &row.period,
                row.value,
                qualifier,
            )
        })
        .collect();
    let region = RegionCode::new(&case.region).unwrap();
    let own: Vec<_> = observations
        .iter()
        .filter(|row| row.region == region)
        .cloned()
        .collect();
    let subject = Subject {
        plan: &plan,
        indicator: &plan.indicators[0],
        region: &region,
        observations: &own,
    };
    let assessment = assess(&subject, case.as_of);

    // assess_plan must give the same result for this region.
    let from_plan = assess_plan(&plan, &observations, case.as_of);
    let same = from_plan
        .iter()
        .find(|row| row.region == region)
        .expect("assess_plan covers the case's region");
    assert_eq!(
        same, &assessment,
        "{}: assess_plan and assess disagree",
        case.name
    );

    let json = serde_json::to_value(&assessment).unwrap();
    let mut failures = Vec::new();
    for (field, expected) in &case.expected {
        let actual = lookup(&json, field);
        let ok = match (expected, &actual) {
            (toml::Value::Float(_) | toml::Value::Integer(_), Value::Number(number)) => {
                let expected = expected
                    .as_float()
                    .or_else(|| expected.as_integer().map(|i| i as f64))
                    .unwrap();
                (number.as_f64().unwrap() - expected).abs()
                    <= case.tolerance * expected.abs().max(1.0)
            }
            (toml::Value::String(text), Value::String(actual)) => text == actual,
            (toml::Value::String(text), Value::Number(number)) => text == &number.to_string(),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{}: {field} expected {expected}, got {actual}",
                case.name
            ));
        }
    }
    for field in &case.absent {
        let actual = lookup(&json, field);
        if !actual.is_null() {
            failures.push(format!(
                "{}: {field} expected absent, got {actual}",
                case.name
            ));
        }
    }
    let codes: Vec<String> = assessment
        .diagnostics
        .iter()
        .map(|diagnostic| {
            serde_json::to_value(diagnostic.code)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for code in &case.diagnostics {
        if !codes.contains(code) {
            failures.push(format!(
                "{}: diagnostic {code} expected, got {codes:?}",
                case.name
            ));
        }
    }
    for code in &case.diagnostics_absent {
        if codes.contains(code) {
            failures.push(format!(
                "{}: diagnostic {code} not expected, got {codes:?}",
                case.name
            ));
        }
    }
    for diagnostic in &assessment.diagnostics {
        assert!(
            !diagnostic.message.is_empty() && !diagnostic.message_en.is_empty(),
            "{diagnostic:?}"
        );
    }
    failures
}

/// `a.b` looks up a nested field.
fn lookup(json: &Value, path: &str) -> Value {
    path.split('.').fold(json.clone(), |value, key| {
        value.get(key).cloned().unwrap_or(Value::Null)
    })
}

#[test]
fn golden_cases() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 15,
        "expected the golden cases in {}",
        directory.display()
    );
    let failures: Vec<String> = paths.iter().flat_map(|path| run_case(path)).collect();
    assert!(
        failures.is_empty(),
        "{} golden failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
