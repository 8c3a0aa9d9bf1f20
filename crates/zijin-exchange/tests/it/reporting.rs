//! The reporting workbook: written by `write_reporting_workbook`, filled in
//! by a district (here: a filled copy written with rust_xlsxwriter), and
//! read back by `read_observations`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use zijin_domain::{
    IndicatorCode, Observation, Period, Plan, Qualifier, Region, RegionCode, SourceQuality,
};
use zijin_exchange::{REPORTING_MARKER, REPORTING_SHEET, write_reporting_workbook};

use crate::{Expect, check_problem, list, nanjing, read_ok, read_problems};

fn region<'a>(regions: &'a [Region], code: &str) -> &'a Region {
    regions
        .iter()
        .find(|region| region.code.as_str() == code)
        .unwrap()
}

fn observation(indicator: &str, region: &str, period: Period, value: f64) -> Observation {
    Observation {
        indicator: IndicatorCode::new(indicator).unwrap(),
        region: RegionCode::new(region).unwrap(),
        period,
        value,
        qualifier: Qualifier::Exact,
        unit: String::new(),
        source: "test".to_owned(),
        source_quality: SourceQuality::Official,
        note: None,
    }
}

/// The template of 玄武区 for 2023, with earlier figures to show.
fn template(plan: &Plan, regions: &[Region]) -> Vec<u8> {
    let mut more_than = observation("high_tech_enterprises", "320102", Period::Year(2022), 900.0);
    more_than.qualifier = Qualifier::MoreThan;
    let previous = [
        observation("rd_intensity", "320102", Period::Year(2021), 3.1),
        observation("rd_intensity", "320102", Period::Year(2022), 3.3),
        // Later than the period, another region: not shown.
        observation("rd_intensity", "320102", Period::Year(2024), 9.9),
        observation("rd_intensity", "320104", Period::Year(2022), 8.8),
        observation("tech_smes", "320102", Period::Month(2023, 6), 1500.0),
        more_than,
    ];
    write_reporting_workbook(
        plan,
        region(regions, "320102"),
        Period::Year(2023),
        &previous,
    )
    .unwrap()
}

fn sheet_of(bytes: &[u8]) -> (Vec<String>, calamine::Range<Data>) {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    let range = workbook.worksheet_range(&names[0]).unwrap();
    (names, range)
}

fn text(range: &calamine::Range<Data>, row: u32, column: u32) -> String {
    match range.get_value((row, column)) {
        Some(Data::String(text)) => text.clone(),
        Some(Data::Float(number)) => number.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

#[test]
fn the_template_has_metadata_indicators_and_previous_values() {
    let (plan, regions) = nanjing();
    let (names, range) = sheet_of(&template(&plan, &regions));
    assert_eq!(names, [REPORTING_SHEET]);
    assert!(text(&range, 0, 0).contains("数据报送表"));
    assert_eq!(text(&range, 2, 1), REPORTING_MARKER);
    assert_eq!(
        (text(&range, 3, 0), text(&range, 3, 1)),
        ("规划代码 plan".to_owned(), "nanjing-14th-st".to_owned())
    );
    assert_eq!(
        (text(&range, 4, 0), text(&range, 4, 1)),
        ("地区代码 region".to_owned(), "320102".to_owned())
    );
    assert!(text(&range, 4, 2).starts_with("玄武区"));
    assert_eq!(
        (text(&range, 5, 0), text(&range, 5, 1)),
        ("期间 period".to_owned(), "2023".to_owned())
    );
    assert!(text(&range, 5, 2).contains("2023 年全年"));
    let header: Vec<String> = (0..9).map(|column| text(&range, 7, column)).collect();
    assert_eq!(
        header,
        [
            "指标代码 code",
            "指标名称 indicator",
            "单位 unit",
            "上期值 previous value",
            "上期期间 previous period",
            "本期数值 value",
            "限定 qualifier",
            "来源 source",
            "备注 note"
        ]
    );
    // One row per indicator, auxiliary ones included, in the plan's order.
    let codes: Vec<String> = (8..8 + plan.indicators.len() as u32)
        .map(|row| text(&range, row, 0))
        .collect();
    let plan_codes: Vec<String> = plan.indicators.iter().map(|i| i.code.to_string()).collect();
    assert_eq!(codes, plan_codes);
    assert_eq!(text(&range, 8 + plan.indicators.len() as u32, 0), "");
    assert_eq!(text(&range, 8, 1), "全社会研发经费支出占地区生产总值比例");
    assert_eq!(text(&range, 8, 2), "%");

    let row_of = |code: &str| {
        8 + plan
            .indicators
            .iter()
            .position(|i| i.code.as_str() == code)
            .unwrap() as u32
    };
    let rd = row_of("rd_intensity");
    assert_eq!(
        (text(&range, rd, 3), text(&range, rd, 4)),
        ("3.3".to_owned(), "2022".to_owned())
    );
    let smes = row_of("tech_smes");
    assert_eq!(
        (text(&range, smes, 3), text(&range, smes, 4)),
        ("1500".to_owned(), "2023-06".to_owned())
    );
    let hte = row_of("high_tech_enterprises");
    assert_eq!(text(&range, hte, 4), "2022（超过 more than）");
    let gdp = row_of("gdp");
    assert_eq!(
        (text(&range, gdp, 3), text(&range, gdp, 4)),
        (String::new(), String::new())
    );
    for column in 5..9 {
        assert_eq!(text(&range, rd, column), "", "cells to fill are empty");
    }
}

/// A cell a district types in.
enum Typed<'a> {
    Number(f64),
    Text(&'a str),
}

/// A copy of `template` with the cells (0-based row, column) typed in, the
/// way a district's filled workbook arrives.
fn filled_copy(template: &[u8], typed: &[(u32, u16, Typed<'_>)]) -> Vec<u8> {
    let (names, range) = sheet_of(template);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(&names[0]).unwrap();
    for (row, column, data) in range.used_cells() {
        let (row, column) = (row as u32, column as u16);
        match data {
            Data::String(text) => {
                sheet.write(row, column, text.as_str()).unwrap();
            }
            Data::Float(number) => {
                sheet.write(row, column, *number).unwrap();
            }
            Data::Int(number) => {
                sheet.write(row, column, *number as f64).unwrap();
            }
            other => panic!("unexpected cell {other:?} in the template"),
        }
    }
    for (row, column, value) in typed {
        match value {
            Typed::Number(number) => sheet.write(*row, *column, *number).unwrap(),
            Typed::Text(text) => sheet.write(*row, *column, *text).unwrap(),
        };
    }
    workbook.save_to_buffer().unwrap()
}

fn row_of(plan: &Plan, code: &str) -> u32 {
    8 + plan
        .indicators
        .iter()
        .position(|indicator| indicator.code.as_str() == code)
        .unwrap() as u32
}

#[test]
fn a_filled_template_reads_back_as_the_same_observations() {
    let (plan, regions) = nanjing();
    let template = template(&plan, &regions);
    // Nothing filled in: nothing reported, and no problem either.
    assert!(read_ok("玄武区-2023.xlsx", &template).is_empty());

    let rd = row_of(&plan, "rd_intensity");
    let hte = row_of(&plan, "high_tech_enterprises");
    let gdp = row_of(&plan, "gdp");
    let filled = filled_copy(
        &template,
        &[
            (rd, 5, Typed::Number(3.45)),
            (rd, 7, Typed::Text("区统计局快报")),
            (hte, 5, Typed::Text("1,020")),
            (hte, 6, Typed::Text(">")),
            (hte, 8, Typed::Text("有效期内企业")),
            (gdp, 5, Typed::Number(1350.2)),
            (gdp, 6, Typed::Text("~")),
        ],
    );
    let rows = read_ok("玄武区-2023.xlsx", &filled);
    let read: Vec<Observation> = rows.iter().map(|row| row.observation.clone()).collect();
    let reported = |indicator: &str,
                    value: f64,
                    qualifier: Qualifier,
                    unit: &str,
                    source: &str,
                    note: Option<&str>| Observation {
        indicator: IndicatorCode::new(indicator).unwrap(),
        region: RegionCode::new("320102").unwrap(),
        period: Period::Year(2023),
        value,
        qualifier,
        unit: unit.to_owned(),
        source: source.to_owned(),
        source_quality: SourceQuality::Reported,
        note: note.map(str::to_owned),
    };
    assert_eq!(
        read,
        [
            reported(
                "rd_intensity",
                3.45,
                Qualifier::Exact,
                "%",
                "区统计局快报",
                None
            ),
            reported(
                "high_tech_enterprises",
                1020.0,
                Qualifier::MoreThan,
                "家",
                "报送表 玄武区-2023.xlsx",
                Some("有效期内企业")
            ),
            reported(
                "gdp",
                1350.2,
                Qualifier::About,
                "亿元",
                "报送表 玄武区-2023.xlsx",
                None
            ),
        ]
    );
    assert_eq!(rows[0].location.sheet.as_deref(), Some(REPORTING_SHEET));
    assert_eq!(rows[0].location.row, rd as usize + 1);
    assert_eq!(rows[2].location.row, gdp as usize + 1);
}

#[test]
fn a_month_period_survives_excel_turning_it_into_a_date() {
    let (plan, regions) = nanjing();
    let template = write_reporting_workbook(
        &plan,
        region(&regions, "NJHZ-03"),
        Period::Month(2024, 11),
        &[],
    )
    .unwrap();
    let (_, range) = sheet_of(&template);
    assert_eq!(text(&range, 5, 1), "2024-11");
    assert!(text(&range, 5, 2).contains("January to November 2024"));
    let smes = row_of(&plan, "tech_smes");
    let filled = filled_copy(&template, &[(smes, 5, Typed::Number(812.0))]);
    let rows = read_ok("park.xlsx", &filled);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].observation.period, Period::Month(2024, 11));
    assert_eq!(rows[0].observation.region.as_str(), "NJHZ-03");
}

#[test]
fn problems_in_a_filled_template_name_sheet_row_and_column() {
    let (plan, regions) = nanjing();
    let template = template(&plan, &regions);
    let rd = row_of(&plan, "rd_intensity");
    let smes = row_of(&plan, "tech_smes");
    let filled = filled_copy(
        &template,
        &[
            (rd, 5, Typed::Text("约3.5")),
            (smes, 5, Typed::Number(1600.0)),
            (smes, 6, Typed::Text("<")),
            (smes, 2, Typed::Text("个")),
        ],
    );
    let problems = read_problems("xuanwu.xlsx", &filled);
    assert_eq!(problems.len(), 3, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "xuanwu.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(rd as usize + 1),
            column: Some("F (本期数值 value)"),
            found: "约3.5",
            expected: &["3.5", "~ in the qualifier column"],
            message: &["not a number"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "xuanwu.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(smes as usize + 1),
            column: Some("G (限定 qualifier)"),
            found: "<",
            expected: &["~ (约 about)"],
            message: &["qualifier is not valid"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "xuanwu.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(smes as usize + 1),
            column: Some("C (单位 unit)"),
            found: "个",
            expected: &["家"],
            message: &["unit differs"],
        },
    );
}

#[test]
fn tampered_metadata_is_a_problem_naming_the_cell() {
    let (plan, regions) = nanjing();
    let template = template(&plan, &regions);
    let rd = row_of(&plan, "rd_intensity");
    let filled = filled_copy(
        &template,
        &[
            (3, 1, Typed::Text("another-plan")),
            (4, 1, Typed::Text("320199")),
            (5, 1, Typed::Text("2019")),
            (rd, 0, Typed::Text("rd_intensity_x")),
            (rd, 5, Typed::Number(3.4)),
        ],
    );
    let problems = read_problems("tampered.xlsx", &filled);
    assert_eq!(problems.len(), 4, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "tampered.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(4),
            column: Some("B (规划代码 plan)"),
            found: "another-plan",
            expected: &["nanjing-14th-st"],
            message: &["cell B4", "not for the active plan"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "tampered.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(5),
            column: Some("B (地区代码 region)"),
            found: "320199",
            expected: &["320100"],
            message: &["unknown region code"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "tampered.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(6),
            column: Some("B (期间 period)"),
            found: "2019",
            expected: &["from 2020 to 2025"],
            message: &["outside the plan"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "tampered.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(rd as usize + 1),
            column: Some("A (指标代码 code)"),
            found: "rd_intensity_x",
            expected: &["rd_intensity"],
            message: &["no indicator with this code"],
        },
    );
}

#[test]
fn the_same_indicator_twice_in_a_filled_template() {
    let (plan, regions) = nanjing();
    let template = template(&plan, &regions);
    let rd = row_of(&plan, "rd_intensity");
    let next = rd + 1;
    let filled = filled_copy(
        &template,
        &[
            (rd, 5, Typed::Number(3.4)),
            (next, 0, Typed::Text("rd_intensity")),
            (next, 2, Typed::Text("%")),
            (next, 5, Typed::Number(3.5)),
        ],
    );
    let problems = read_problems("twice.xlsx", &filled);
    check_problem(
        &problems,
        Expect {
            file: "twice.xlsx",
            sheet: Some(REPORTING_SHEET),
            row: Some(next as usize + 1),
            column: Some("A (指标代码 code)"),
            found: "rd_intensity",
            expected: &["each indicator once"],
            message: &[&format!("duplicate of row {}", rd + 1)],
        },
    );
}
