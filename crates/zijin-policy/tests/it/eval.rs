//! Evaluation of the benchmark pack for one enterprise, and its explanation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use zijin_policy::Value;
use zijin_policy::eval::{Enterprise, Missing, Options, Status, evaluate, full_years};
use zijin_policy::explain::render_criterion;
use zijin_policy::pack::Pack;

const BENCHMARK: &str = include_str!("../../../../policies/benchmark-openfisca/pack.toml");

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn money(value: i64) -> Value {
    Value::Decimal(Decimal::from(value))
}

fn years(values: &[(i32, Value)]) -> BTreeMap<i32, Value> {
    values.iter().cloned().collect()
}

/// The first case of hte.yaml, with its 2023 major_violation given.
fn typical() -> Enterprise {
    let mut enterprise = Enterprise {
        id: "typical".to_owned(),
        ..Enterprise::default()
    };
    enterprise.once.insert(
        "registration_date".to_owned(),
        Value::Date(date("2015-03-01")),
    );
    let mut yearly = |name: &str, values: &[(i32, Value)]| {
        enterprise.yearly.insert(name.to_owned(), years(values));
    };
    yearly(
        "revenue",
        &[
            (2021, money(20_000_000)),
            (2022, money(25_000_000)),
            (2023, money(120_000_000)),
        ],
    );
    yearly(
        "rd_expense",
        &[
            (2021, money(1_000_000)),
            (2022, money(1_300_000)),
            (2023, money(1_700_000)),
        ],
    );
    yearly(
        "rd_expense_domestic",
        &[
            (2021, money(1_000_000)),
            (2022, money(1_300_000)),
            (2023, money(1_200_000)),
        ],
    );
    yearly("high_tech_revenue", &[(2023, money(100_000_000))]);
    yearly("employees", &[(2023, Value::Integer(100))]);
    yearly("st_staff", &[(2023, Value::Integer(10))]);
    yearly("ip_count", &[(2024, Value::Integer(2))]);
    yearly("innovation_score", &[(2024, Value::Integer(71))]);
    yearly("major_violation", &[(2023, Value::Bool(false))]);
    enterprise
}

#[test]
fn a_failed_banded_criterion_explains_its_band() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let evaluation = evaluate(&pack, &typical(), &Options::period(2024)).unwrap();
    assert_eq!(
        evaluation.derived("age_years").unwrap().value,
        Some(Value::Integer(8))
    );
    let hte = evaluation.policy("hte").unwrap();
    // 4.0M / 165M = 2.42% < 4% for last-year revenue 1.2亿 in (5000万, 2亿].
    let criterion = hte.criterion("hte_rd_intensity_ok").unwrap();
    assert_eq!(criterion.status, Status::Fail);
    assert!(!hte.eligible);
    let band = &criterion.explanation.bands[0];
    assert_eq!(band.lower, Some(Decimal::from(50_000_000)));
    assert_eq!(band.upper, Some(Decimal::from(200_000_000)));
    assert!(!band.lower_inclusive);
    assert_eq!(
        render_criterion(criterion),
        "[fail] 近三个会计年度研究开发费用总额占同期销售收入总额的比例符合按上年销售收入分档的要求：\
         2023年销售收入 1.2亿元 > 0，近三年研发费用占销售收入比例 2.42% < 4%\
         （2023年销售收入 1.2亿元 ∈ (5000万, 2亿] → 4%）— 国科发火〔2016〕32号 第十一条（五）"
    );
    let parameter = &hte
        .criterion("hte_st_staff_ok")
        .unwrap()
        .explanation
        .parameters[0];
    assert_eq!(parameter.from, date("2016-01-01"));
    assert_eq!(parameter.published, date("2016-01-29"));
    assert_eq!(hte.reason.as_deref(), Some("not met: hte_rd_intensity_ok"));
    // Not eligible for HTE: no subsidy, and the amount is 0, not missing.
    let subsidy = evaluation.policy("rd_subsidy").unwrap();
    assert_eq!(subsidy.amount, Some(Decimal::ZERO));
}

#[test]
fn a_missing_year_is_unknown_never_zero() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let mut enterprise = typical();
    enterprise.yearly.get_mut("revenue").unwrap().remove(&2022);
    let evaluation = evaluate(&pack, &enterprise, &Options::period(2024)).unwrap();
    let hte = evaluation.policy("hte").unwrap();
    let criterion = hte.criterion("hte_rd_intensity_ok").unwrap();
    assert_eq!(criterion.status, Status::Unknown);
    assert_eq!(
        criterion.explanation.missing,
        [Missing::Variable {
            name: "revenue".to_owned(),
            year: Some(2022)
        }]
    );
    assert_eq!(hte.status, Status::Unknown);
    assert!(!hte.eligible);
    assert_eq!(
        hte.reason.as_deref(),
        Some("unknown: no value of “revenue” for 2022")
    );
    assert!(render_criterion(criterion).contains("缺少数据：no value of “revenue” for 2022"));
    // A policy depending on it is unknown too, with the same reason.
    let subsidy = evaluation.policy("rd_subsidy").unwrap();
    assert_eq!(subsidy.status, Status::Unknown);
    assert_eq!(subsidy.amount, Some(Decimal::ZERO));
}

#[test]
fn the_rules_as_known_on_a_date() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    // Between the 2016 measures taking effect and their publication, the
    // 2008 band (6%) was what was known.
    let options = Options {
        period: 2016,
        reference_date: Some(date("2016-01-15")),
        known_on: Some(date("2016-01-15")),
    };
    let mut enterprise = typical();
    enterprise.yearly.insert(
        "revenue".to_owned(),
        years(&[
            (2013, money(10_000_000)),
            (2014, money(10_000_000)),
            (2015, money(10_000_000)),
        ]),
    );
    enterprise.yearly.insert(
        "rd_expense".to_owned(),
        years(&[
            (2013, money(550_000)),
            (2014, money(550_000)),
            (2015, money(550_000)),
        ]),
    );
    let known = evaluate(&pack, &enterprise, &options).unwrap();
    let criterion = known
        .policy("hte")
        .unwrap()
        .criterion("hte_rd_intensity_ok")
        .unwrap();
    assert_eq!(criterion.status, Status::Fail);
    assert_eq!(criterion.explanation.bands[0].from, date("2008-01-01"));
    let today = evaluate(
        &pack,
        &enterprise,
        &Options {
            known_on: None,
            ..options
        },
    )
    .unwrap();
    let criterion = today
        .policy("hte")
        .unwrap()
        .criterion("hte_rd_intensity_ok")
        .unwrap();
    assert_eq!(criterion.status, Status::Pass);
}

#[test]
fn full_years_count_the_anniversary() {
    assert_eq!(full_years(date("2023-01-01"), date("2024-01-01")), 1);
    assert_eq!(full_years(date("2023-01-02"), date("2024-01-01")), 0);
    assert_eq!(full_years(date("2020-02-29"), date("2021-02-28")), 0);
    assert_eq!(full_years(date("2020-02-29"), date("2021-03-01")), 1);
}

#[test]
fn an_overflow_is_an_error() {
    let text = BENCHMARK.replace(
        "formula = 'st_staff[last_year] / employees[last_year]'",
        "formula = 'st_staff[last_year] * 9_000_000_000_000_000_000 * employees[last_year] * 9_000_000_000_000_000_000 / employees[last_year]'",
    );
    let pack = Pack::from_toml("pack.toml", &text).unwrap();
    let error = evaluate(&pack, &typical(), &Options::period(2024)).unwrap_err();
    assert_eq!(error.place, "derived st_staff_ratio");
    assert!(error.message.contains("overflow"), "{error}");
}
