//! Packs: the benchmark pack loads; every kind of mistake is reported with
//! its file, line and column.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use zijin_policy::Value;
use zijin_policy::pack::Pack;

const BENCHMARK: &str = include_str!("../../../../policies/benchmark-openfisca/pack.toml");

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn the_benchmark_pack_loads() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    assert_eq!(pack.info.id, "benchmark-openfisca");
    assert_eq!(pack.variables.len(), 11);
    let ids: Vec<&str> = pack
        .policies
        .iter()
        .map(|policy| policy.id.as_str())
        .collect();
    assert_eq!(ids, ["hte", "sme", "gazelle", "rd_subsidy"]);
    let derived: Vec<&str> = pack.derived.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        derived,
        [
            "age_years",
            "st_staff_ratio",
            "rd_intensity_3y",
            "rd_intensity_last_year",
            "sme_score"
        ]
    );
    assert_eq!(pack.policy("hte").unwrap().criteria.len(), 8);
    assert_eq!(pack.policy("sme").unwrap().criteria.len(), 4);
    assert!(pack.policy("rd_subsidy").unwrap().amount.is_some());
}

#[test]
fn parameters_are_exact_and_dated() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let ratio = &pack.parameters["hte.min_st_staff_ratio"];
    let in_2024 = ratio.at(date("2024-01-01"), None).unwrap();
    assert_eq!(in_2024.value, Value::Decimal(decimal("0.1")));
    // 10 / 100 ≥ 0.10, exactly.
    assert!(Decimal::from(10) / Decimal::from(100) >= in_2024.value.as_decimal().unwrap());

    let cap = &pack.parameters["subsidy.cap"];
    assert_eq!(
        cap.at(date("2024-01-01"), None).unwrap().value,
        Value::Decimal(Decimal::from(1_000_000))
    );
    assert_eq!(
        cap.at(date("2025-01-01"), None).unwrap().value,
        Value::Decimal(Decimal::from(1_500_000))
    );
    assert_eq!(cap.at(date("2019-12-31"), None), None);
}

#[test]
fn scales_choose_bands_by_their_declared_boundaries() {
    let pack = Pack::from_toml("pack.toml", BENCHMARK).unwrap();
    let hte = &pack.scales["hte.rd_intensity_min"];
    let bands = &hte.at(date("2024-01-01"), None).unwrap().value;
    let rate = |revenue: i64| {
        hte.band(bands, Decimal::from(revenue))
            .unwrap()
            .band
            .value
            .clone()
    };
    // (lower, next]: 5000万 itself is in the first band.
    assert_eq!(rate(50_000_000), Value::Decimal(decimal("0.05")));
    assert_eq!(rate(50_000_001), Value::Decimal(decimal("0.04")));
    assert_eq!(rate(200_000_000), Value::Decimal(decimal("0.04")));
    assert_eq!(rate(200_000_001), Value::Decimal(decimal("0.03")));
    assert_eq!(rate(0), Value::Decimal(decimal("0.05")));
    // The 2008 value, and the rules as known before the 2016 measures were
    // published (2016-01-29).
    let in_2010 = &hte.at(date("2010-06-01"), None).unwrap().value;
    assert_eq!(
        hte.band(in_2010, Decimal::ONE).unwrap().band.value,
        Value::Decimal(decimal("0.06"))
    );
    let known_early = &hte
        .at(date("2016-01-10"), Some(date("2016-01-10")))
        .unwrap()
        .value;
    assert_eq!(
        hte.band(known_early, Decimal::ONE).unwrap().band.value,
        Value::Decimal(decimal("0.06"))
    );

    let staff = &pack.scales["sme.points.st_staff_ratio"];
    let bands = &staff.at(date("2024-01-01"), None).unwrap().value;
    let points = |ratio: &str| staff.band(bands, decimal(ratio)).unwrap();
    // [lower, next): 10% itself is in the second band.
    assert_eq!(points("0.1").band.value, Value::Integer(4));
    assert_eq!(points("0.0999").band.value, Value::Integer(0));
    assert_eq!(points("0.3").band.value, Value::Integer(20));
    assert_eq!(points("0.3").upper, None);
    assert_eq!(points("0.12").upper, Some(decimal("0.15")));
    assert_eq!(staff.band(bands, decimal("-0.01")), None);
}

/// Replaces `from` by `to` in the benchmark pack (once, and it must be
/// there) and returns the errors of loading the result.
#[track_caller]
fn errors_after(from: &str, to: &str) -> Vec<String> {
    assert_eq!(BENCHMARK.matches(from).count(), 1, "{from}");
    let text = BENCHMARK.replace(from, to);
    match Pack::from_toml("benchmark/pack.toml", &text) {
        Ok(_) => vec![],
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

/// The line of the file on which `needle` is found, 1-based.
fn line_of(needle: &str) -> usize {
    BENCHMARK[..BENCHMARK.find(needle).unwrap()]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn an_unknown_variable_is_named_with_its_line_and_column() {
    let line = line_of("condition = 'ip_count[this_year]");
    assert_eq!(
        errors_after(
            "'ip_count[this_year] >= params",
            "'ip_counts[this_year] >= params"
        ),
        [format!(
            "benchmark/pack.toml:{line}:14: unknown variable “ip_counts”"
        )]
    );
}

#[test]
fn an_unknown_parameter_and_a_type_error_in_multi_line_formulas() {
    let line = line_of("  and rd_intensity_3y >= scale(");
    assert_eq!(
        errors_after(
            "scale(params.hte.rd_intensity_min, revenue",
            "scale(params.hte.rd_intensity, revenue"
        ),
        [format!(
            "benchmark/pack.toml:{line}:32: unknown scale “params.hte.rd_intensity”"
        )]
    );
    let line = line_of("  + scale(params.sme.points.rd_intensity");
    assert_eq!(
        errors_after(
            "  + scale(params.sme.points.rd_intensity, rd_intensity_last_year)",
            "  + registration_date"
        ),
        [format!(
            "benchmark/pack.toml:{}:1: “+” takes two numbers, not an integer and a date",
            line - 1
        )]
    );
}

#[test]
fn a_condition_must_be_true_or_false() {
    let line = line_of("condition = 'not major_violation");
    assert_eq!(
        errors_after(
            "condition = 'not major_violation[last_year]'",
            "condition = 'revenue[last_year]'"
        ),
        [format!(
            "benchmark/pack.toml:{line}:13: a condition is true or false, but this one gives a money"
        )]
    );
}

#[test]
fn a_syntax_error_points_into_the_expression() {
    let line = line_of("condition = 'age_years <= params.gazelle");
    assert_eq!(
        errors_after(
            "'age_years <= params.gazelle.max_age_years'",
            "'age_years <= <= params.gazelle.max_age_years'"
        ),
        [format!(
            "benchmark/pack.toml:{line}:27: expected a number, a string, a variable, params.…, a function or “(”, found “<= params.ga”"
        )]
    );
}

#[test]
fn bad_values_and_toml_mistakes() {
    let written = r#"published = 2016-01-29, value = "10%" }]"#;
    let line = line_of(written);
    assert_eq!(
        errors_after(
            written,
            r#"published = 2016-01-29, value = "ten percent" }]"#
        ),
        [format!(
            "benchmark/pack.toml:{line}:64: expected a rate, found “ten percent”"
        )]
    );
    let line = line_of("value = 71 }]");
    assert_eq!(
        errors_after("value = 71 }]", "value = 70.5 }]"),
        [format!(
            "benchmark/pack.toml:{line}:64: expected an integer, found 70.5"
        )]
    );
    let line = line_of("lower_inclusive = false");
    let errors = errors_after("lower_inclusive = false", "lower_inclusive = \"no\"");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with(&format!("benchmark/pack.toml:{line}:19: invalid type")),
        "{errors:?}"
    );
    let errors = errors_after(
        "label_zh = \"成立日期\"",
        "label_zh = \"成立日期\"\nlabel = \"x\"",
    );
    assert!(errors[0].contains("unknown field `label`"), "{errors:?}");
}

#[test]
fn names_are_unique_and_cycles_are_reported() {
    let line = line_of("name = \"rd_expense_domestic\"");
    assert_eq!(
        errors_after("name = \"rd_expense_domestic\"", "name = \"rd_expense\""),
        [
            format!("benchmark/pack.toml:{line}:8: the name “rd_expense” is already used"),
            format!(
                "benchmark/pack.toml:{}:18: unknown variable “rd_expense_domestic”",
                line_of("condition = 'sum(rd_expense_domestic")
            ),
        ]
    );
    let line = line_of("name = \"st_staff_ratio\"");
    assert_eq!(
        errors_after(
            "formula = 'st_staff[last_year] / employees[last_year]'",
            "formula = 'sme_score / employees[last_year]'"
        ),
        [format!(
            "benchmark/pack.toml:{line}:8: the derived variable “st_staff_ratio” depends on itself through sme_score"
        )]
    );
}

#[test]
fn bands_must_increase() {
    let line = line_of("{ lower = \"15%\", value = 8 }");
    assert_eq!(
        errors_after(
            "{ lower = \"15%\", value = 8 }",
            "{ lower = \"9%\", value = 8 }"
        ),
        [format!(
            "benchmark/pack.toml:{line}:13: the bands' lower bounds must increase"
        )]
    );
}
