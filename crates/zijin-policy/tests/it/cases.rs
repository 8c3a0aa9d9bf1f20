//! The benchmark pack's own test cases (`cases.toml`), and the case format's
//! errors.

use zijin_policy::cases::{self, run_cases};
use zijin_policy::pack::Pack;

const BENCHMARK: &str = include_str!("../../../../policies/benchmark-openfisca/pack.toml");
const CASES: &str = include_str!("../../../../policies/benchmark-openfisca/cases.toml");

#[test]
fn every_case_of_the_benchmark_pack_passes() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let cases = cases::from_toml("cases.toml", CASES, &pack).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let failures = run_cases(&pack, &cases);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{}", report.join("\n"));
}

#[test]
fn a_wrong_expectation_is_reported() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let text = r#"
[[case]]
name = "wrong"
period = 2024
[case.input]
registration_date = 2023-01-02
[case.expect]
age_years = 1
"#;
    let cases = cases::from_toml("c.toml", text, &pack).unwrap();
    let failures = run_cases(&pack, &cases);
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].to_string(),
        "c.toml:2: “wrong”: age_years: expected 1, got 0"
    );
}

#[test]
fn unknown_names_and_bad_values_are_errors_at_their_place() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let text = r#"[[case]]
name = "bad"
period = 2024
[case.input]
revnue = { 2023 = 1 }
employees = { 2023 = "many" }
[case.expect]
"hte.no_such" = true
"#;
    let errors = cases::from_toml("c.toml", text, &pack).unwrap_err();
    let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "c.toml:5:10: “revnue” is not an input variable of the pack",
            "c.toml:6:13: expected an integer, found “many”",
            "c.toml:8:17: “hte.no_such” is not a policy, “policy.criterion”, “policy.amount” or derived variable of the pack",
        ]
    );
}
