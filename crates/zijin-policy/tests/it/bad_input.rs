//! Bad input is a clear error naming where. What the other modules already
//! check is not repeated here:
//!
//! - a malformed credit code: wrong length, a character outside the
//!   alphabet (with its position), a wrong check character (with the
//!   expected one) — `uscc.rs`; here, that the messages of the first two
//!   name the length and the position;
//! - an unknown variable in a pack — `pack.rs` (in a condition), `cases.rs`
//!   (in a case file); here, in a derived variable's multi-line formula and
//!   in a condition of the default pack;
//! - a type error — `pack.rs` (`+` of an integer and a date, a condition
//!   that is not a bool); here, a comparison of a date with a number, `not`
//!   of money, and a scale banded by money given a ratio;
//! - a missing year of data — `eval.rs` (a year inside a window); here, a
//!   value given once, a year of `this_year`, and a year missing behind a
//!   derived variable, with and without explanations;
//! - a negative revenue — `crates/zijin/tests/cli_policy.rs` (the CSV of
//!   `zijin policy run`: file, row, column and value).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use zijin_policy::Uscc;
use zijin_policy::eval::{Enterprise, Missing, Options, Status, evaluate, evaluate_outcome};
use zijin_policy::pack::Pack;
use zijin_policy::value::Value;

const PACK: &str = include_str!("../../../../policies/default/pack.toml");
const FILE: &str = "policies/default/pack.toml";

// --- The credit code ------------------------------------------------------------

#[test]
fn a_credit_code_of_the_wrong_length_says_how_long_it_is() {
    let message = Uscc::parse("9144030019220382").unwrap_err().to_string();
    assert!(message.contains("应为 18 位"), "{message}");
    assert!(message.contains("有 16 位"), "{message}");
    assert!(
        message.contains("has 18 characters, “9144030019220382” has 16"),
        "{message}"
    );
}

#[test]
fn a_character_outside_the_alphabet_is_named_with_its_position() {
    let message = Uscc::parse("91440300I922038216").unwrap_err().to_string();
    assert!(message.contains("第 9 位的“I”"), "{message}");
    assert!(
        message.contains("character 9 of “91440300I922038216”, “I”"),
        "{message}"
    );
    assert!(message.contains("no I, O, S, V, Z"), "{message}");
}

// --- Unknown variables and type errors, at file:line:column -----------------------

/// Replaces `from` by `to` in the default pack (it must be there once) and
/// returns the errors of loading the result, with the changed text.
#[track_caller]
fn errors_after(from: &str, to: &str) -> (Vec<String>, String) {
    assert_eq!(PACK.matches(from).count(), 1, "{from}");
    let text = PACK.replace(from, to);
    let errors = match Pack::from_toml(FILE, &text) {
        Ok(_) => vec![],
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    };
    (errors, text)
}

/// `file:line:column` of the first `needle` in `text` (columns in characters).
#[track_caller]
fn place_of(text: &str, needle: &str) -> String {
    place_within(text, needle, needle)
}

/// `file:line:column` of `target` inside the first `context` in `text`.
#[track_caller]
fn place_within(text: &str, context: &str, target: &str) -> String {
    let offset = text.find(context).unwrap_or_else(|| panic!("{context}"))
        + context.find(target).unwrap_or_else(|| panic!("{target}"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    format!("{FILE}:{line}:{column}")
}

#[test]
fn an_unknown_variable_in_a_multi_line_derived_formula() {
    let (errors, text) = errors_after(
        "else if age_years >= 2 then sum(rd_expense_domestic[last_2_years])",
        "else if age_years >= 2 then sum(rd_expense_domestik[last_2_years])",
    );
    assert_eq!(
        errors,
        [format!(
            "{}: unknown variable “rd_expense_domestik”",
            place_of(&text, "rd_expense_domestik")
        )]
    );
}

#[test]
fn an_unknown_variable_in_a_condition_of_the_default_pack() {
    let (errors, text) = errors_after(
        "condition = 'not listed[last_year]'",
        "condition = 'not is_listed[last_year]'",
    );
    assert_eq!(
        errors,
        [format!(
            "{}: unknown variable “is_listed”",
            place_of(&text, "is_listed")
        )]
    );
}

#[test]
fn a_date_compared_with_a_number() {
    let (errors, text) = errors_after(
        "condition = 'age_years <= params.unicorn.max_age_years'",
        "condition = 'registration_date <= params.unicorn.max_age_years'",
    );
    assert_eq!(
        errors,
        [format!(
            "{}: cannot compare a date with an integer by “≤”",
            place_of(&text, "registration_date <= params.unicorn")
        )]
    );
}

#[test]
fn not_of_money() {
    let (errors, text) = errors_after(
        "condition = 'not listed[last_year]'",
        "condition = 'not valuation[last_year]'",
    );
    assert_eq!(
        errors,
        [format!(
            "{}: “not” takes a bool, not a money",
            place_of(&text, "valuation[last_year]'")
        )]
    );
}

#[test]
fn a_scale_banded_by_money_given_a_ratio() {
    let (errors, text) = errors_after(
        "scale(params.hte.rd_intensity_min, revenue[last_year])",
        "scale(params.hte.rd_intensity_min, rd_sales_ratio)",
    );
    assert_eq!(
        errors,
        [format!(
            "{}: the scale “params.hte.rd_intensity_min” is banded by money, not by a decimal",
            place_within(
                &text,
                "scale(params.hte.rd_intensity_min, rd_sales_ratio)",
                "rd_sales_ratio"
            )
        )]
    );
}

// --- A missing year of data: unknown, naming the variable and the year, never 0 ------

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn money(value: i64) -> Value {
    Value::Decimal(value.into())
}

/// An enterprise that meets every HTE condition in 2024.
fn hte_enterprise() -> Enterprise {
    let years = |values: &[(i32, Value)]| values.iter().cloned().collect::<BTreeMap<_, _>>();
    let mut yearly = BTreeMap::new();
    let three = |a, b, c| years(&[(2021, money(a)), (2022, money(b)), (2023, money(c))]);
    yearly.insert("revenue".into(), three(20_000_000, 25_000_000, 30_000_000));
    yearly.insert("rd_expense".into(), three(1_000_000, 1_300_000, 1_700_000));
    yearly.insert(
        "rd_expense_domestic".into(),
        three(1_000_000, 1_300_000, 1_200_000),
    );
    yearly.insert(
        "high_tech_revenue".into(),
        years(&[(2023, money(20_000_000))]),
    );
    yearly.insert("employees".into(), years(&[(2023, Value::Integer(100))]));
    yearly.insert("st_staff".into(), years(&[(2023, Value::Integer(10))]));
    yearly.insert("ip_count".into(), years(&[(2024, Value::Integer(2))]));
    yearly.insert(
        "innovation_score".into(),
        years(&[(2024, Value::Integer(71))]),
    );
    yearly.insert(
        "major_violation".into(),
        years(&[(2023, Value::Bool(false))]),
    );
    let mut once = BTreeMap::new();
    once.insert("registration_date".into(), Value::Date(date("2015-03-01")));
    Enterprise {
        id: "91110000710925462X".into(),
        once,
        yearly,
    }
}

fn default_pack() -> Pack {
    Pack::from_toml(FILE, PACK).unwrap()
}

#[test]
fn the_enterprise_of_these_tests_is_a_high_tech_enterprise() {
    let evaluation = evaluate(&default_pack(), &hte_enterprise(), &Options::period(2024)).unwrap();
    let hte = evaluation.policy("hte").unwrap();
    assert_eq!(hte.status, Status::Pass, "{:?}", hte.reason);
}

#[test]
fn a_missing_value_of_this_year_names_the_variable_and_the_year() {
    let pack = default_pack();
    let mut enterprise = hte_enterprise();
    enterprise.yearly.remove("innovation_score");
    let evaluation = evaluate(&pack, &enterprise, &Options::period(2024)).unwrap();
    let hte = evaluation.policy("hte").unwrap();
    let criterion = hte.criterion("hte_innovation_score_ok").unwrap();
    assert_eq!(criterion.status, Status::Unknown);
    assert_eq!(
        criterion.explanation.missing,
        [Missing::Variable {
            name: "innovation_score".into(),
            year: Some(2024),
        }]
    );
    assert_eq!(
        hte.reason.as_deref(),
        Some("unknown: no value of “innovation_score” for 2024")
    );
    assert!(!hte.eligible);
}

#[test]
fn a_missing_registration_date_is_named_without_a_year() {
    let pack = default_pack();
    let mut enterprise = hte_enterprise();
    enterprise.once.clear();
    let evaluation = evaluate(&pack, &enterprise, &Options::period(2024)).unwrap();
    let age = evaluation.derived("age_years").unwrap();
    assert_eq!(age.value, None, "not 0 years");
    let missing = [Missing::Variable {
        name: "registration_date".into(),
        year: None,
    }];
    assert_eq!(age.explanation.missing, missing);
    let hte = evaluation.policy("hte").unwrap();
    // The age decides the R&D window too: both criteria are unknown.
    for id in ["hte_registered_1y", "hte_rd_intensity_ok"] {
        let criterion = hte.criterion(id).unwrap();
        assert_eq!(criterion.status, Status::Unknown, "{id}");
        assert_eq!(criterion.explanation.missing, missing, "{id}");
    }
    assert_eq!(
        hte.reason.as_deref(),
        Some("unknown: no value of “registration_date”")
    );
}

#[test]
fn a_year_missing_behind_a_derived_variable_is_named_in_the_criterion() {
    let pack = default_pack();
    let mut enterprise = hte_enterprise();
    enterprise.yearly.get_mut("employees").unwrap().clear();
    let evaluation = evaluate(&pack, &enterprise, &Options::period(2024)).unwrap();
    // st_staff_ratio = st_staff[last_year] / employees[last_year]: not 10 / 0 = 0.
    assert_eq!(evaluation.derived("st_staff_ratio").unwrap().value, None);
    let missing = [Missing::Variable {
        name: "employees".into(),
        year: Some(2023),
    }];
    let hte = evaluation.policy("hte").unwrap();
    let criterion = hte.criterion("hte_st_staff_ok").unwrap();
    assert_eq!(criterion.status, Status::Unknown);
    assert_eq!(criterion.explanation.missing, missing);
    let sme = evaluation.policy("tech_sme").unwrap();
    let criterion = sme.criterion("tech_sme_employees_ok").unwrap();
    assert_eq!(criterion.status, Status::Unknown);
    assert_eq!(criterion.explanation.missing, missing);

    // Without explanations (the batch path): the same statuses, no value.
    let outcome = evaluate_outcome(&pack, &enterprise, &Options::period(2024)).unwrap();
    let index = pack
        .derived
        .iter()
        .position(|derived| derived.name == "st_staff_ratio")
        .unwrap();
    assert_eq!(outcome.derived[index], None);
    let hte_index = pack.policies.iter().position(|p| p.id == "hte").unwrap();
    assert_eq!(outcome.policies[hte_index].status, Status::Unknown);
    assert!(!outcome.policies[hte_index].eligible);
}
