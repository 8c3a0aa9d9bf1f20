//! Reforms: parameter overrides, baseline beside reform.

use rust_decimal::Decimal;
use zijin_policy::cases;
use zijin_policy::eval::Status;
use zijin_policy::pack::Pack;
use zijin_policy::reform::{Override, apply, compare};

const BENCHMARK: &str = include_str!("../../../../policies/benchmark-openfisca/pack.toml");
const CASES: &str = include_str!("../../../../policies/benchmark-openfisca/cases.toml");

fn overrides(texts: &[&str]) -> Vec<Override> {
    texts
        .iter()
        .map(|text| Override::parse(text).unwrap())
        .collect()
}

#[test]
fn the_double_cap_reform_side_by_side() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let cases = cases::from_toml("cases.toml", CASES, &pack).unwrap();
    let case = cases
        .iter()
        .find(|case| case.name.starts_with("Subsidy cap from dated parameter"))
        .unwrap();
    let reform = apply(
        &pack,
        &overrides(&["subsidy.cap=200万", "params.subsidy.rd_increase_rate = 15%"]),
    )
    .unwrap();
    let side = compare(&pack, &reform, &case.enterprise, &case.options).unwrap();
    assert_eq!(side.differences.len(), 1);
    let difference = &side.differences[0];
    assert_eq!(difference.policy, "rd_subsidy");
    assert_eq!(difference.baseline, Status::Pass);
    assert_eq!(difference.reform, Status::Pass);
    assert_eq!(difference.baseline_amount, Some(Decimal::from(1_000_000)));
    assert_eq!(difference.reform_amount, Some(Decimal::from(2_000_000)));
    // The reform's parameter shows in the explanation.
    let used = &side.reform.policy("rd_subsidy").unwrap().amount_explanation;
    let cap = used
        .as_ref()
        .unwrap()
        .parameters
        .iter()
        .find(|parameter| parameter.name == "subsidy.cap")
        .unwrap();
    assert_eq!(cap.value.as_decimal(), Some(Decimal::from(2_000_000)));
}

#[test]
fn a_stricter_threshold_loses_an_enterprise() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let cases = cases::from_toml("cases.toml", CASES, &pack).unwrap();
    let case = cases
        .iter()
        .find(|case| case.name.starts_with("Typical HTE"))
        .unwrap();
    let reform = apply(&pack, &overrides(&["hte.min_st_staff_ratio=15%"])).unwrap();
    let side = compare(&pack, &reform, &case.enterprise, &case.options).unwrap();
    let hte = &side.differences[0];
    assert_eq!(hte.policy, "hte");
    assert_eq!((hte.baseline, hte.reform), (Status::Pass, Status::Fail));
    assert_eq!(
        hte.criteria,
        [("hte_st_staff_ok".to_owned(), Status::Pass, Status::Fail)]
    );
    let subsidy = &side.differences[1];
    assert_eq!(subsidy.policy, "rd_subsidy");
    assert_eq!(subsidy.reform_amount, Some(Decimal::ZERO));
}

#[test]
fn bad_overrides_are_errors() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    assert!(Override::parse("subsidy.cap").is_err());
    let error = |text: &str| apply(&pack, &overrides(&[text])).unwrap_err();
    assert_eq!(error("no.such=1"), "unknown parameter “no.such”");
    assert_eq!(
        error("hte.rd_intensity_min=5%"),
        "“hte.rd_intensity_min” is a scale: only parameters can be set"
    );
    assert_eq!(
        error("hte.min_innovation_score=70.5"),
        "hte.min_innovation_score: expected an integer, found “70.5”"
    );
}
