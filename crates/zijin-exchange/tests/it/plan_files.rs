//! The plan and regions files: the built-in Nanjing files, and the errors a
//! person editing a file gets.

use zijin_domain::{Binding, Direction, Kind, Measure, RegionKind, Target, Thresholds};
use zijin_exchange::{FileKind, NANJING_PLAN, parse_plan, parse_regions, parse_regions_extending};

use crate::nanjing;

#[test]
fn the_nanjing_plan_parses_and_validates() {
    let (plan, _) = nanjing();
    assert_eq!(plan.code.as_str(), "nanjing-14th-st");
    assert_eq!(plan.name_zh, "南京市“十四五”科技创新规划");
    assert_eq!(plan.region.as_str(), "320100");
    assert_eq!((plan.base_year, plan.target_year), (2020, 2025));
    assert!(
        plan.document
            .as_deref()
            .is_some_and(|document| document.contains("njsw.gov.cn"))
    );
    assert_eq!(plan.thresholds, Thresholds::default());
    assert_eq!(plan.thresholds.reporting_lag_months, 4);

    let codes: Vec<&str> = plan
        .indicators
        .iter()
        .map(|indicator| indicator.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "rd_intensity",
            "rd_spending",
            "basic_research_share",
            "tech_contract_turnover",
            "high_value_patents_per_10k",
            "high_tech_output_share",
            "high_tech_enterprises",
            "tech_smes",
            "intl_new_rd_institutions",
            "st_services_scale",
            "top_talent_teams",
            "new_high_level_talents",
            "innovative_entrepreneurs",
            "national_incubators",
            "national_maker_spaces",
            "silicon_alley_area",
            "clinical_research_centers",
            "science_literacy",
            "new_rd_institution_revenue",
            "national_tech_innovation_centers",
            "university_innovation_ports",
            "gdp",
        ]
    );
    for indicator in &plan.indicators {
        assert_eq!(indicator.direction, Direction::Higher, "{}", indicator.code);
        assert_eq!(indicator.binding, Binding::Expected, "{}", indicator.code);
        assert_eq!(indicator.department, None, "{}", indicator.code);
        assert!(!indicator.name_en.is_empty(), "{}", indicator.code);
        assert!(!indicator.section.is_empty(), "{}", indicator.code);
    }
}

/// (code, unit, kind, measure, 2020 baseline, 2025 target)
type TableOneRow = (&'static str, &'static str, Kind, Measure, Option<f64>, f64);

#[test]
fn the_nanjing_targets_are_the_plans() {
    let (plan, _) = nanjing();
    // (code, unit, kind, measure, 2020 baseline, 2025 target)
    let table: [TableOneRow; 21] = [
        (
            "rd_intensity",
            "%",
            Kind::Level,
            Measure::Rate,
            Some(3.48),
            4.0,
        ),
        (
            "rd_spending",
            "亿元",
            Kind::Growth,
            Measure::Flow,
            Some(515.0),
            10.0,
        ),
        (
            "basic_research_share",
            "%",
            Kind::Level,
            Measure::Rate,
            Some(11.0),
            15.0,
        ),
        (
            "tech_contract_turnover",
            "亿元",
            Kind::Level,
            Measure::Flow,
            Some(686.82),
            1000.0,
        ),
        (
            "high_value_patents_per_10k",
            "件",
            Kind::Level,
            Measure::Rate,
            Some(35.9),
            50.0,
        ),
        (
            "high_tech_output_share",
            "%",
            Kind::Level,
            Measure::Rate,
            Some(53.4),
            54.5,
        ),
        (
            "high_tech_enterprises",
            "家",
            Kind::Level,
            Measure::Stock,
            Some(6507.0),
            20000.0,
        ),
        (
            "tech_smes",
            "家",
            Kind::Level,
            Measure::Stock,
            Some(10042.0),
            30000.0,
        ),
        (
            "intl_new_rd_institutions",
            "家",
            Kind::Level,
            Measure::Stock,
            None,
            40.0,
        ),
        (
            "st_services_scale",
            "亿元",
            Kind::Level,
            Measure::Flow,
            Some(3659.0),
            4500.0,
        ),
        (
            "top_talent_teams",
            "个",
            Kind::Cumulative,
            Measure::Flow,
            None,
            100.0,
        ),
        (
            "new_high_level_talents",
            "人",
            Kind::Cumulative,
            Measure::Flow,
            None,
            3000.0,
        ),
        (
            "innovative_entrepreneurs",
            "人",
            Kind::Level,
            Measure::Stock,
            Some(472.0),
            1000.0,
        ),
        (
            "national_incubators",
            "家",
            Kind::Level,
            Measure::Stock,
            Some(41.0),
            60.0,
        ),
        (
            "national_maker_spaces",
            "家",
            Kind::Level,
            Measure::Stock,
            Some(60.0),
            85.0,
        ),
        (
            "silicon_alley_area",
            "万平方米",
            Kind::Level,
            Measure::Stock,
            Some(100.0),
            300.0,
        ),
        (
            "clinical_research_centers",
            "家",
            Kind::Level,
            Measure::Stock,
            None,
            10.0,
        ),
        (
            "science_literacy",
            "%",
            Kind::Level,
            Measure::Rate,
            None,
            22.0,
        ),
        (
            "new_rd_institution_revenue",
            "亿元",
            Kind::Level,
            Measure::Flow,
            None,
            200.0,
        ),
        (
            "national_tech_innovation_centers",
            "家",
            Kind::Cumulative,
            Measure::Flow,
            None,
            3.0,
        ),
        (
            "university_innovation_ports",
            "个",
            Kind::Cumulative,
            Measure::Flow,
            None,
            3.0,
        ),
    ];
    for (code, unit, kind, measure, baseline, target) in table {
        let indicator = plan
            .indicators
            .iter()
            .find(|indicator| indicator.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code} is in the plan"));
        assert_eq!(indicator.unit, unit, "{code}");
        assert_eq!(indicator.kind, kind, "{code}");
        assert_eq!(indicator.measure, measure, "{code}");
        assert_eq!(
            indicator.baseline.map(|b| (b.year, b.value)),
            baseline.map(|v| (2020, v)),
            "{code}"
        );
        let plan_target = indicator.target.expect("a target");
        assert_eq!(
            (plan_target.year, plan_target.value),
            (2025, target),
            "{code}"
        );
    }

    let range = |code: &str| {
        plan.indicators
            .iter()
            .find(|i| i.code.as_str() == code)
            .unwrap()
            .target
            .unwrap()
    };
    assert_eq!(
        range("national_tech_innovation_centers"),
        Target::range(2025, 3.0, 4.0, Direction::Higher)
    );
    assert_eq!(range("university_innovation_ports").stretch, Some(5.0));
    assert_eq!(range("rd_intensity").stretch, None);

    let gdp = plan
        .indicators
        .iter()
        .find(|i| i.code.as_str() == "gdp")
        .unwrap();
    assert!(gdp.is_auxiliary());
    assert_eq!(
        (gdp.unit.as_str(), gdp.measure, gdp.baseline),
        ("亿元", Measure::Flow, None)
    );

    let section = |code: &str| {
        plan.indicators
            .iter()
            .find(|i| i.code.as_str() == code)
            .unwrap()
            .section
            .clone()
    };
    assert_eq!(section("rd_intensity"), "三（四）规划目标；表1");
    assert!(section("science_literacy").starts_with("五（八）2"));
    assert!(section("new_rd_institution_revenue").starts_with("五（五）1"));
    assert!(section("university_innovation_ports").starts_with("五（五）2"));
    assert!(section("national_incubators").contains("一、发展基础"));
    let note = |code: &str| {
        plan.indicators
            .iter()
            .find(|i| i.code.as_str() == code)
            .unwrap()
            .note
            .clone()
            .unwrap()
    };
    assert!(note("silicon_alley_area").contains("超 300"));
    assert!(note("new_rd_institution_revenue").contains("超 200"));
}

#[test]
fn the_nanjing_plan_file_says_the_summary_edition_marks_no_binding() {
    assert!(NANJING_PLAN.contains("summary edition"));
    assert!(NANJING_PLAN.contains("约束性"));
}

#[test]
fn the_nanjing_regions_parse() {
    let (_, regions) = nanjing();
    assert_eq!(regions.len(), 29);
    assert_eq!(regions[0].code.as_str(), "320100");
    assert_eq!(regions[0].kind, RegionKind::City);
    assert_eq!(regions[0].parent, None);

    let districts: Vec<(&str, &str)> = regions
        .iter()
        .filter(|region| region.kind == RegionKind::District)
        .map(|region| (region.code.as_str(), region.name_zh.as_str()))
        .collect();
    assert_eq!(
        districts,
        [
            ("320102", "玄武区"),
            ("320104", "秦淮区"),
            ("320105", "建邺区"),
            ("320106", "鼓楼区"),
            ("320111", "浦口区"),
            ("320113", "栖霞区"),
            ("320114", "雨花台区"),
            ("320115", "江宁区"),
            ("320116", "六合区"),
            ("320117", "溧水区"),
            ("320118", "高淳区"),
        ]
    );
    let jiangbei = regions
        .iter()
        .find(|region| region.code.as_str() == "jiangbei")
        .unwrap();
    assert_eq!(jiangbei.kind, RegionKind::FunctionalArea);
    let zone = regions
        .iter()
        .find(|region| region.code.as_str() == "NJHZ")
        .unwrap();
    assert_eq!(
        (zone.kind, zone.name_zh.as_str()),
        (RegionKind::HighTechZone, "南京高新区")
    );

    let parks: Vec<&zijin_domain::Region> = regions
        .iter()
        .filter(|region| region.kind == RegionKind::Park)
        .collect();
    let park_names: Vec<&str> = parks.iter().map(|park| park.name_zh.as_str()).collect();
    assert_eq!(
        park_names,
        [
            "江北新区高新园",
            "新港高新园",
            "江宁国家高新园",
            "江宁园",
            "玄武园",
            "秦淮园",
            "高淳园",
            "麒麟园",
            "建邺园",
            "鼓楼园",
            "栖霞园",
            "雨花台园",
            "浦口园",
            "六合园",
            "溧水园",
        ]
    );
    for (index, park) in parks.iter().enumerate() {
        assert_eq!(park.code.as_str(), format!("NJHZ-{:02}", index + 1));
        assert_eq!(park.parent.as_ref().map(|code| code.as_str()), Some("NJHZ"));
        assert!(
            park.note
                .as_deref()
                .is_some_and(|note| note.contains("not confirmed")),
            "{}",
            park.code
        );
        assert!(park.name_en.ends_with(" Park"), "{}", park.name_en);
    }
    for region in &regions[1..] {
        assert!(region.parent.is_some(), "{}", region.code);
        assert!(!region.name_en.is_empty(), "{}", region.code);
    }
}

const SMALL_PLAN: &str = r#"code = "test"
name_zh = "测试规划"
region = "320100"
base_year = 2020
target_year = 2025

[[indicators]]
code = "a"
name_zh = "甲"
unit = "家"
kind = "level"
measure = "stock"
section = "表1"
baseline = { year = 2019, value = 1 }
target = { year = 2024, range = [5, 3] }

[[indicators]]
code = "b"
name_zh = "乙"
unit = "%"
kind = "cumulative"
measure = "flow"
section = "表1"
target = 10
region_targets = [{ region = "320102", target = 4 }]
"#;

#[test]
fn short_and_long_forms_of_baselines_and_targets() {
    let plan = parse_plan(SMALL_PLAN, "small.toml").unwrap();
    let a = &plan.indicators[0];
    assert_eq!(a.baseline.map(|b| (b.year, b.value)), Some((2019, 1.0)));
    assert_eq!(
        a.target,
        Some(Target {
            year: 2024,
            value: 3.0,
            stretch: Some(5.0)
        })
    );
    assert_eq!(a.binding, Binding::Expected);
    let b = &plan.indicators[1];
    assert_eq!(b.target, Some(Target::value(2025, 10.0)));
    assert_eq!(b.region_targets[0].region.as_str(), "320102");
    assert_eq!(b.region_targets[0].target, Target::value(2025, 4.0));
    assert_eq!(plan.thresholds, Thresholds::default());
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let broken = SMALL_PLAN.replace("unit = \"%\"", "unit = \"%");
    let error = parse_plan(&broken, "broken.toml").unwrap_err();
    assert_eq!(error.kind, FileKind::Plan);
    assert_eq!(error.problems.len(), 1);
    let problem = &error.problems[0];
    let line = broken
        .lines()
        .position(|line| line == "unit = \"%")
        .unwrap()
        + 1;
    assert_eq!(problem.line, Some(line), "{error}");
    assert_eq!(problem.file, "broken.toml");
    assert!(problem.column.is_some());
    assert!(
        error
            .to_string()
            .contains(&format!("broken.toml, 第 {line} 行 line {line}")),
        "{error}"
    );
}

#[test]
fn an_unknown_key_names_its_line_and_indicator() {
    let misspelt = SMALL_PLAN.replace("measure = \"flow\"", "measure = \"flow\"\ntargte = 3");
    let error = parse_plan(&misspelt, "misspelt.toml").unwrap_err();
    let problem = &error.problems[0];
    let line = misspelt
        .lines()
        .position(|line| line == "targte = 3")
        .unwrap()
        + 1;
    assert_eq!(problem.line, Some(line), "{error}");
    assert_eq!(problem.item.as_deref(), Some("指标 indicator b"), "{error}");
    assert!(problem.message.contains("targte"), "{error}");
}

#[test]
fn a_bad_code_or_kind_is_a_problem_with_its_line() {
    let bad = SMALL_PLAN.replace("code = \"a\"", "code = \"Rd-1\"");
    let error = parse_plan(&bad, "bad.toml").unwrap_err();
    assert_eq!(error.problems[0].line, Some(8), "{error}");
    assert!(error.problems[0].message.contains("Rd-1"), "{error}");

    let bad = SMALL_PLAN.replace("kind = \"level\"", "kind = \"levle\"");
    let error = parse_plan(&bad, "bad.toml").unwrap_err();
    assert_eq!(error.problems[0].line, Some(11), "{error}");
    assert!(error.problems[0].message.contains("levle"), "{error}");
    assert!(error.problems[0].message.contains("cumulative"), "{error}");
}

#[test]
fn validation_errors_name_the_indicator_and_the_field() {
    // A cumulative indicator with a baseline, and a target after the plan.
    let invalid = SMALL_PLAN
        .replace(
            "target = 10",
            "baseline = 2\ntarget = { year = 2030, value = 10 }",
        )
        .replace("name_zh = \"甲\"", "name_zh = \"\"");
    let error = parse_plan(&invalid, "invalid.toml").unwrap_err();
    let line_of = |text: &str| invalid.lines().position(|line| line == text).unwrap() + 1;
    let find = |field: &str, indicator: &str| {
        error
            .problems
            .iter()
            .find(|problem| {
                problem.field.as_deref() == Some(field)
                    && problem.item.as_deref() == Some(indicator)
            })
            .unwrap_or_else(|| panic!("a problem with {indicator}, {field}:\n{error}"))
    };
    let baseline = find("baseline", "指标 indicator b");
    assert_eq!(baseline.line, Some(line_of("baseline = 2")), "{error}");
    assert!(baseline.message.contains("cumulative"), "{error}");
    let target = find("target", "指标 indicator b");
    assert_eq!(
        target.line,
        Some(line_of("target = { year = 2030, value = 10 }")),
        "{error}"
    );
    assert!(target.message.contains("2030"), "{error}");
    let name = find("name_zh", "指标 indicator a");
    assert_eq!(name.line, Some(line_of("name_zh = \"\"")), "{error}");
    assert_eq!(error.problems.len(), 3, "{error}");
    let text = error.to_string();
    assert!(text.contains("3 problems"), "{text}");
    assert!(
        text.contains("指标 indicator b, 字段 field baseline"),
        "{text}"
    );
}

#[test]
fn plan_level_problems_name_their_line() {
    let invalid = SMALL_PLAN.replace("target_year = 2025", "target_year = 2019");
    let error = parse_plan(&invalid, "years.toml").unwrap_err();
    let problem = error
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("target_year"))
        .expect("target_year");
    assert_eq!(problem.line, Some(5), "{error}");
    assert_eq!(problem.item, None);
}

#[test]
fn a_duplicate_indicator_code_points_at_the_second() {
    let duplicate = SMALL_PLAN.replace("code = \"b\"", "code = \"a\"");
    let error = parse_plan(&duplicate, "dup.toml").unwrap_err();
    let problem = error
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("code"))
        .expect("code problem");
    assert_eq!(problem.line, Some(18), "{error}");
}

const SMALL_REGIONS: &str = r#"[[regions]]
code = "320100"
name_zh = "南京市"
kind = "city"

[[regions]]
code = "320102"
name_zh = "玄武区"
kind = "district"
parent = "320100"
"#;

#[test]
fn regions_files_check_codes_and_parents() {
    assert_eq!(parse_regions(SMALL_REGIONS, "r.toml").unwrap().len(), 2);

    let bad = format!(
        "{SMALL_REGIONS}\n[[regions]]\ncode = \"320102\"\nname_zh = \"又一个\"\nkind = \"district\"\nparent = \"320999\"\n"
    );
    let error = parse_regions(&bad, "r.toml").unwrap_err();
    assert_eq!(error.kind, FileKind::Regions);
    let duplicate = error
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("code"))
        .expect("duplicate");
    assert_eq!(duplicate.line, Some(13), "{error}");
    assert!(duplicate.message.contains("line 7"), "{error}");
    let parent = error
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("parent"))
        .expect("parent");
    assert_eq!(parent.line, Some(16), "{error}");
    assert!(parent.message.contains("320999"), "{error}");
}

#[test]
fn a_regions_file_may_extend_known_regions() {
    let (_, regions) = nanjing();
    let extra =
        "[[regions]]\ncode = \"NJHZ-16\"\nname_zh = \"新园\"\nkind = \"park\"\nparent = \"NJHZ\"\n";
    assert!(parse_regions(extra, "extra.toml").is_err());
    let added = parse_regions_extending(extra, "extra.toml", &regions).unwrap();
    assert_eq!(added[0].code.as_str(), "NJHZ-16");
}

#[test]
fn a_cycle_of_parents_is_a_problem() {
    let cycle = "[[regions]]\ncode = \"a\"\nname_zh = \"甲\"\nkind = \"district\"\nparent = \"b\"\n\n[[regions]]\ncode = \"b\"\nname_zh = \"乙\"\nkind = \"district\"\nparent = \"a\"\n";
    let error = parse_regions(cycle, "cycle.toml").unwrap_err();
    assert_eq!(error.problems.len(), 2, "{error}");
    assert!(
        error.problems.iter().all(|p| p.message.contains("cycle")),
        "{error}"
    );
}
