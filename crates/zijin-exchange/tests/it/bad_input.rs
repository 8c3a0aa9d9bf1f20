//! Every kind of bad input: each problem must name the file, the sheet (for
//! XLSX), the row, the column, what was found and what was expected.

use rust_xlsxwriter::Workbook;
use zijin_exchange::find_duplicates;

use crate::{Expect, check_problem, list, read_ok, read_problems};

const HEADER: &str = "indicator,region,period,value,qualifier,unit,source,source_quality,note\n";

/// A tidy CSV with the full header and these data lines.
fn csv(lines: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_owned();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn unknown_indicator_code() {
    let problems = read_problems(
        "bad.csv",
        &csv(&[
            "rd_intensity,320100,2022,3.8,,,,,",
            "rd_intensty,320100,2023,3.9,,,,,",
        ]),
    );
    assert_eq!(problems.len(), 1, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(3),
            column: Some("A (指标 indicator)"),
            found: "rd_intensty",
            expected: &["rd_intensity", "nanjing-14th-st", "gdp"],
            message: &["no indicator with this code"],
        },
    );
}

#[test]
fn unknown_region_code() {
    let problems = read_problems("bad.csv", &csv(&["rd_intensity,320199,2022,3.8,,,,,"]));
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(2),
            column: Some("B (地区 region)"),
            found: "320199",
            expected: &["320100 南京市", "zijin regions list"],
            message: &["unknown region code"],
        },
    );
}

#[test]
fn a_value_that_is_not_a_number() {
    let problems = read_problems(
        "bad.csv",
        &csv(&[
            "tech_smes,320100,2022,约15000,,,,,",
            "tech_smes,320100,2023,n/a,,,,,",
            "tech_smes,320100,2024,1e999,,,,,",
            "rd_intensity,320100,2024,3.9%,,,,,",
        ]),
    );
    assert_eq!(problems.len(), 4, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(2),
            column: Some("D (数值 value)"),
            found: "约15000",
            expected: &["15000", "~ in the qualifier column", "限定列"],
            message: &["not a number"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(3),
            column: Some("D (数值 value)"),
            found: "n/a",
            expected: &["a number such as 1234.5 or 1,234.5"],
            message: &["数值不是数字", "not a number"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(4),
            column: Some("D"),
            found: "1e999",
            expected: &["1234.5"],
            message: &["not a number"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(5),
            column: Some("D"),
            found: "3.9%",
            expected: &["3.9", "unit %"],
            message: &["not a number"],
        },
    );
}

#[test]
fn a_unit_that_differs_from_the_indicators() {
    let problems = read_problems(
        "bad.csv",
        &csv(&["rd_spending,320100,2022,6453000,,万元,,,"]),
    );
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(2),
            column: Some("F (单位 unit)"),
            found: "万元",
            expected: &["亿元", "the unit of rd_spending"],
            message: &["unit differs"],
        },
    );
}

#[test]
fn a_period_outside_the_plan() {
    let problems = read_problems(
        "bad.csv",
        &csv(&[
            "rd_intensity,320100,2019,3.3,,,,,",
            "rd_intensity,320100,2026-Q1,4.1,,,,,",
        ]),
    );
    assert_eq!(problems.len(), 2, "{}", list(&problems));
    for (row, found) in [(2, "2019"), (3, "2026-Q1")] {
        check_problem(
            &problems,
            Expect {
                file: "bad.csv",
                sheet: None,
                row: Some(row),
                column: Some("C (期间 period)"),
                found,
                expected: &["from 2020 to 2025"],
                message: &["outside the plan"],
            },
        );
    }
}

#[test]
fn a_period_that_does_not_parse() {
    let problems = read_problems("bad.csv", &csv(&["rd_intensity,320100,2023/11,3.3,,,,,"]));
    check_problem(
        &problems,
        Expect {
            file: "bad.csv",
            sheet: None,
            row: Some(2),
            column: Some("C (期间 period)"),
            found: "2023/11",
            expected: &["2022", "2023-H1", "2023-Q2", "2023-11"],
            message: &["period cannot be read"],
        },
    );
}

#[test]
fn a_duplicate_row_in_one_file() {
    let problems = read_problems(
        "dup.csv",
        &csv(&[
            "rd_intensity,320100,2022,3.8,,,,,",
            "rd_intensity,320100,2023,3.9,,,,,",
            "rd_intensity,320100,2022,3.82,,,,,",
        ]),
    );
    check_problem(
        &problems,
        Expect {
            file: "dup.csv",
            sheet: None,
            row: Some(4),
            column: Some("A, B, C (指标 indicator, 地区 region, 期间 period)"),
            found: "rd_intensity / 320100 / 2022",
            expected: &["once in a file"],
            message: &["第 2 行", "duplicate of row 2"],
        },
    );
}

#[test]
fn a_duplicate_across_two_files() {
    let mut rows = read_ok(
        "a.csv",
        &csv(&[
            "rd_intensity,320100,2022,3.8,,,,,",
            "gdp,320100,2022,16907.85,,,,,",
        ]),
    );
    rows.extend(read_ok(
        "b.csv",
        &csv(&[
            "tech_smes,320100,2022,20000,,,,,",
            "gdp,320100,2022,16908,,,,,",
        ]),
    ));
    let problems = find_duplicates(&rows);
    check_problem(
        &problems,
        Expect {
            file: "b.csv",
            sheet: None,
            row: Some(3),
            column: None,
            found: "gdp / 320100 / 2022",
            expected: &["once in one import"],
            message: &["a.csv, 第 3 行 row 3"],
        },
    );
    assert_eq!(problems.len(), 1);
    assert!(find_duplicates(&rows[..3]).is_empty());
}

#[test]
fn empty_required_cells() {
    let problems = read_problems(
        "empty.csv",
        &csv(&[
            ",320100,2022,1,,,,,",
            "gdp,,2022,1,,,,,",
            "gdp,320100,,1,,,,,",
            "gdp,320100,2022,,,,,,",
        ]),
    );
    assert_eq!(problems.len(), 4, "{}", list(&problems));
    for (row, column, expected) in [
        (2, "A (指标 indicator)", "rd_intensity"),
        (3, "B (地区 region)", "320100"),
        (4, "C (期间 period)", "2023-H1"),
        (5, "D (数值 value)", "1234.5"),
    ] {
        check_problem(
            &problems,
            Expect {
                file: "empty.csv",
                sheet: None,
                row: Some(row),
                column: Some(column),
                found: "（空）(empty)",
                expected: &[expected],
                message: &["required cell is empty"],
            },
        );
    }
}

#[test]
fn an_unknown_column_and_the_rows_are_still_checked() {
    let text = "indicator,region,period,value,remarks\nrd_intensity,320100,2022,3.8,ok\nrd_intensity,320100,2023,abc,\n";
    let problems = read_problems("columns.csv", text.as_bytes());
    assert_eq!(problems.len(), 2, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "columns.csv",
            sheet: None,
            row: Some(1),
            column: Some("E (remarks)"),
            found: "remarks",
            expected: &[
                "indicator/indicator_code/指标/指标代码",
                "source_quality",
                "备注",
                "地区名称",
            ],
            message: &["unknown column"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "columns.csv",
            sheet: None,
            row: Some(3),
            column: Some("D (数值 value)"),
            found: "abc",
            expected: &["1234.5"],
            message: &["not a number"],
        },
    );
}

#[test]
fn missing_required_columns() {
    let problems = read_problems(
        "missing.csv",
        b"indicator,region,value\nrd_intensity,320100,3.8\n",
    );
    check_problem(
        &problems,
        Expect {
            file: "missing.csv",
            sheet: None,
            row: Some(1),
            column: None,
            found: "indicator, region, value",
            expected: &["indicator, region, period, value"],
            message: &["required columns are missing: 期间 period"],
        },
    );
}

#[test]
fn a_bad_qualifier_and_a_bad_source_quality() {
    let problems = read_problems(
        "q.csv",
        &csv(&[
            "tech_smes,320100,2022,20000,<,,,,",
            "tech_smes,320100,2023,22000,,,,rumour,",
        ]),
    );
    assert_eq!(problems.len(), 2, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "q.csv",
            sheet: None,
            row: Some(2),
            column: Some("E (限定 qualifier)"),
            found: "<",
            expected: &["=", "> (超过 more than)", "~ (约 about)"],
            message: &["qualifier is not valid"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "q.csv",
            sheet: None,
            row: Some(3),
            column: Some("H (来源质量 source_quality)"),
            found: "rumour",
            expected: &["official", "third-party", "官方"],
            message: &["source quality is not valid"],
        },
    );
}

#[test]
fn xlsx_problems_name_the_sheet() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("上报").unwrap();
    for (column, header) in ["地区", "指标", "期间", "数值"].iter().enumerate() {
        sheet.write(0, column as u16, *header).unwrap();
    }
    sheet.write(1, 0, 320102).unwrap();
    sheet.write(1, 1, "tech_smes").unwrap();
    sheet.write(1, 2, 2022).unwrap();
    sheet.write(1, 3, "2千").unwrap();
    sheet.write(2, 0, 320102).unwrap();
    sheet.write(2, 1, "tech_smes").unwrap();
    sheet.write(2, 2, 2022.5).unwrap();
    sheet.write(2, 3, 2000).unwrap();
    let problems = read_problems("xuanwu.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!(problems.len(), 2, "{}", list(&problems));
    check_problem(
        &problems,
        Expect {
            file: "xuanwu.xlsx",
            sheet: Some("上报"),
            row: Some(2),
            column: Some("D (数值 value)"),
            found: "2千",
            expected: &["number 2", "unit 千"],
            message: &["not a number"],
        },
    );
    check_problem(
        &problems,
        Expect {
            file: "xuanwu.xlsx",
            sheet: Some("上报"),
            row: Some(3),
            column: Some("C (期间 period)"),
            found: "2022.5",
            expected: &["2023-H1"],
            message: &["cannot be read"],
        },
    );
}

#[test]
fn one_file_with_many_problems_returns_all_of_them() {
    let text = "指标,地区,期间,数值,限定,单位,来源质量,其他\n\
                rd_intensity,320100,2022,3.8,,,,\n\
                nope,320100,2022,1,,,,\n\
                rd_intensity,nowhere,2023,1,,,,\n\
                rd_intensity,320100,2030,1,,,,\n\
                rd_intensity,320100,last year,1,,,,\n\
                rd_intensity,320100,2024,about four,,,,\n\
                rd_intensity,320100,2022,3.9,,,,\n\
                rd_intensity,320100,2025,4,?,,,\n\
                rd_intensity,320100,2021,3.6,,亿元,,\n\
                rd_intensity,320100,2020,3.48,,,maybe,\n\
                rd_intensity,320100,2023-Q1,,,,,\n";
    let problems = read_problems("many.csv", text.as_bytes());
    let places: Vec<(Option<usize>, Option<String>)> = problems
        .iter()
        .map(|problem| (problem.row, problem.column.clone()))
        .collect();
    let expected: Vec<(Option<usize>, Option<String>)> = [
        (1, Some("H (其他)")),
        (3, Some("A (指标 indicator)")),
        (4, Some("B (地区 region)")),
        (5, Some("C (期间 period)")),
        (6, Some("C (期间 period)")),
        (7, Some("D (数值 value)")),
        (
            8,
            Some("A, B, C (指标 indicator, 地区 region, 期间 period)"),
        ),
        (9, Some("E (限定 qualifier)")),
        (10, Some("F (单位 unit)")),
        (11, Some("G (来源质量 source_quality)")),
        (12, Some("D (数值 value)")),
    ]
    .into_iter()
    .map(|(row, column)| (Some(row), column.map(str::to_owned)))
    .collect();
    assert_eq!(places, expected, "{}", list(&problems));
}

#[test]
fn problems_beyond_a_thousand_are_counted() {
    let lines: Vec<String> = (0..1500)
        .map(|index| format!("nope{index},320100,2022,1,,,,,"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let problems = read_problems("huge.csv", &csv(&lines));
    assert_eq!(problems.len(), 1001);
    let last = problems.last().unwrap();
    assert!(last.found.contains("1500 problems in all"), "{last}");
    assert!(last.message.contains("500 more problems"), "{last}");
}

#[test]
fn files_that_are_not_a_supported_format() {
    let old_xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    let problems = read_problems("old.xls", &old_xls);
    assert!(
        problems[0].message.contains(".xls format is not supported"),
        "{}",
        list(&problems)
    );
    let problems = read_problems("broken.xlsx", b"not a zip archive");
    assert!(
        problems[0].message.contains("not an XLSX workbook"),
        "{}",
        list(&problems)
    );
    let problems = read_problems("utf16.csv", &[0xFF, 0xFE, b'a', 0]);
    assert!(
        problems[0].expected.contains("CSV UTF-8"),
        "{}",
        list(&problems)
    );
    let problems = read_problems("binary.csv", &[0x81, 0x20, 0xFF, 0xFF]);
    assert!(
        problems[0].message.contains("encoding is not supported"),
        "{}",
        list(&problems)
    );
    let problems = read_problems("empty.csv", b"");
    assert!(
        problems[0].message.contains("no data"),
        "{}",
        list(&problems)
    );
    for problem in [
        &read_problems("old.xls", &old_xls)[0],
        &read_problems("empty.csv", b"")[0],
    ] {
        assert_eq!(problem.row, None);
        assert!(problem.to_string().contains("发现 found"));
    }
}

#[test]
fn a_workbook_without_a_recognised_sheet() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sheet1").unwrap();
    sheet.write(0, 0, "名称").unwrap();
    sheet.write(0, 1, "金额").unwrap();
    let problems = read_problems("unknown.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].found, "Sheet1: 名称, 金额");
    assert!(problems[0].expected.contains("zijin template"));
    assert!(problems[0].message.contains("no sheet is recognised"));
}
