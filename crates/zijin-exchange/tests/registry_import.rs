//! Enterprise registry files: the three CSV tables (UTF-8 and GBK, Chinese and
//! English headers) and the XLSX workbook read into the same data, and every
//! kind of bad input reported at once with its file, row and column.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use zijin_domain::{
    Enterprise, Fact, FactValue, IndustrialChain, LabelKind, Region, RegionCode, Uscc, YearFact,
};
use zijin_exchange::{
    NANJING_REGIONS, Problem, RegistryContext, RegistryData, RegistryInput, parse_regions,
    read_registry,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/registry/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn regions() -> Vec<Region> {
    parse_regions(NANJING_REGIONS, "data/nanjing/regions.toml").expect("built-in regions")
}

/// Reads files given as (name, bytes) against the Nanjing regions, the years
/// 2000–2025 and the stored codes `stored`.
fn read(files: &[(&str, Vec<u8>)], stored: &[&str]) -> Result<RegistryData, Vec<Problem>> {
    let regions = regions();
    let stored: HashSet<Uscc> = stored
        .iter()
        .map(|code| Uscc::parse(code).unwrap())
        .collect();
    let context = RegistryContext {
        regions: &regions,
        stored: &stored,
        years: 2000..=2025,
    };
    let inputs: Vec<RegistryInput<'_>> = files
        .iter()
        .map(|(name, bytes)| RegistryInput { name, bytes })
        .collect();
    read_registry(&inputs, &context)
}

fn read_ok(files: &[(&str, Vec<u8>)], stored: &[&str]) -> RegistryData {
    read(files, stored).unwrap_or_else(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!("unexpected problems:\n{}", lines.join("\n"))
    })
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn money(text: &str) -> FactValue {
    FactValue::Decimal(Decimal::from_str_exact(text).unwrap())
}

const CHIP: &str = "91320115MA1MXY7K3A";
const SOFTWARE: &str = "91320102MA1NBC2D45";
const BIO: &str = "91320113MA20QWER5C";

fn csv_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("labels.csv", fixture("labels.csv")),
        ("facts.csv", fixture("facts.csv")),
        ("enterprises.csv", fixture("enterprises.csv")),
    ]
}

#[test]
fn three_csv_tables_in_any_order_are_read_exactly() {
    let data = read_ok(&csv_files(), &[]);
    let enterprise = |code: &str| {
        data.enterprises
            .iter()
            .find(|enterprise| enterprise.uscc.as_str() == code)
            .unwrap_or_else(|| panic!("{code} read"))
    };
    assert_eq!(data.enterprises.len(), 3);
    assert_eq!(
        *enterprise(CHIP),
        Enterprise {
            uscc: Uscc::parse(CHIP).unwrap(),
            name: "南京示例芯片有限公司".to_owned(),
            registration_date: date("2016-05-20"),
            district: RegionCode::new("320115").unwrap(),
            park: Some(RegionCode::new("NJHZ-03").unwrap()),
            chain: IndustrialChain::Ic,
            synthetic: false,
        }
    );
    // A district by its name, a date with slashes, a code for the chain.
    let software = enterprise(SOFTWARE);
    assert_eq!(software.district.as_str(), "320102");
    assert_eq!(software.registration_date, date("2019-03-01"));
    assert_eq!(software.chain, IndustrialChain::Software);
    assert_eq!(software.park, None);
    assert_eq!(enterprise(BIO).registration_date, date("2020-07-08"));

    let chip = data
        .facts_and_labels
        .iter()
        .find(|entry| entry.uscc.as_str() == CHIP)
        .expect("the chip maker's facts");
    let fact = |year: i32, fact: Fact| {
        chip.facts
            .iter()
            .find(|candidate| candidate.year == year && candidate.fact == fact)
            .map(|found| found.value)
    };
    // Thousands separators, exact decimals, labels and names as headers, a
    // unit in the header, yes/no in words and digits; blank is not reported.
    assert_eq!(fact(2022, Fact::Revenue), Some(money("12345678.90")));
    assert_eq!(fact(2022, Fact::RdExpense), Some(money("1234567.89")));
    assert_eq!(fact(2022, Fact::HighTechRevenue), Some(money("10000000")));
    assert_eq!(fact(2022, Fact::StStaff), Some(FactValue::Integer(30)));
    assert_eq!(
        fact(2022, Fact::MajorViolation),
        Some(FactValue::Bool(false))
    );
    assert_eq!(fact(2023, Fact::Revenue), Some(money("15000000.5")));
    assert_eq!(fact(2023, Fact::HighTechRevenue), None);
    assert_eq!(
        fact(2023, Fact::MajorViolation),
        Some(FactValue::Bool(false))
    );
    assert_eq!(chip.facts.len(), 8 + 7);

    type LabelFields<'a> = (
        LabelKind,
        NaiveDate,
        Option<NaiveDate>,
        Option<&'a str>,
        &'a str,
    );
    let labels: Vec<LabelFields<'_>> = chip
        .labels
        .iter()
        .map(|label| {
            (
                label.kind,
                label.valid_from,
                label.valid_to,
                label.number.as_deref(),
                label.source.as_str(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            (
                LabelKind::Hte,
                date("2021-11-30"),
                Some(date("2024-11-29")),
                Some("GR202132001234"),
                "江苏省2021年高新技术企业名单"
            ),
            (
                LabelKind::TechSme,
                date("2024-04-15"),
                Some(date("2024-12-31")),
                Some("2024320115A0001"),
                "labels.csv"
            ),
        ],
        "default last days and, without a source, the file's name"
    );
    let software_labels = &data
        .facts_and_labels
        .iter()
        .find(|entry| entry.uscc.as_str() == SOFTWARE)
        .unwrap()
        .labels;
    assert_eq!(software_labels[0].kind, LabelKind::ProvincialRdInstitution);
    assert_eq!(software_labels[0].valid_to, None);
}

#[test]
fn gbk_files_and_facts_of_stored_enterprises() {
    let data = read_ok(&[("企业.csv", fixture("enterprises-gbk.csv"))], &[]);
    let names: Vec<&str> = data.enterprises.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["南京示例轨道交通装备有限公司", "南京示例智能电网有限公司"]
    );
    assert_eq!(data.enterprises[0].district.as_str(), "320111");
    assert_eq!(data.enterprises[1].chain, IndustrialChain::SmartGrid);

    // Facts and labels of enterprises already in the registry need no
    // enterprises table.
    let data = read_ok(
        &[
            ("facts.csv", fixture("facts.csv")),
            ("labels.csv", fixture("labels.csv")),
        ],
        &[CHIP, SOFTWARE],
    );
    assert!(data.enterprises.is_empty());
    assert_eq!(data.facts_and_labels.len(), 2);
}

/// The CSV tables written into one workbook, with number and date cells
/// where a person's Excel would have them, and a notes sheet.
fn workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let notes = workbook.add_worksheet().set_name("说明").unwrap();
    notes.write(0, 0, "示例数据，非真实企业").unwrap();

    let sheet = workbook.add_worksheet().set_name("企业").unwrap();
    for (column, header) in [
        "统一社会信用代码",
        "企业名称",
        "注册日期",
        "所在区",
        "所在园区",
        "产业链",
    ]
    .iter()
    .enumerate()
    {
        sheet.write(0, column as u16, *header).unwrap();
    }
    let rows = [
        (
            CHIP,
            "南京示例芯片有限公司",
            (2016, 5, 20),
            320115,
            "NJHZ-03",
            "集成电路",
        ),
        (
            SOFTWARE,
            "南京示例软件有限公司",
            (2019, 3, 1),
            320102,
            "",
            "software",
        ),
        (
            BIO,
            "南京示例生物科技有限公司",
            (2020, 7, 8),
            320113,
            "",
            "biomed",
        ),
    ];
    for (index, (code, name, (y, m, d), district, park, chain)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write(row, 0, *code).unwrap();
        sheet.write(row, 1, *name).unwrap();
        let when = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet
            .write_datetime_with_format(row, 2, &when, &date_format)
            .unwrap();
        // A district code typed as a number.
        sheet.write(row, 3, *district as f64).unwrap();
        if !park.is_empty() {
            sheet.write(row, 4, *park).unwrap();
        }
        sheet.write(row, 5, *chain).unwrap();
    }

    let sheet = workbook.add_worksheet().set_name("年度数据").unwrap();
    let headers = [
        "统一社会信用代码",
        "年度",
        "销售收入（元）",
        "研发费用",
        "境内研发费用",
        "高新技术产品（服务）收入",
        "职工总数",
        "科技人员数",
        "I类知识产权数",
        "重大安全质量事故或严重环境违法行为",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet.write(0, column as u16, *header).unwrap();
    }
    let facts: [(&str, f64, [Option<f64>; 7], &str); 3] = [
        (
            CHIP,
            2022.0,
            [
                Some(12_345_678.90),
                Some(1_234_567.89),
                Some(1_200_000.0),
                Some(10_000_000.0),
                Some(120.0),
                Some(30.0),
                Some(2.0),
            ],
            "否",
        ),
        (
            CHIP,
            2023.0,
            [
                Some(15_000_000.50),
                Some(1_600_000.0),
                Some(1_500_000.0),
                None,
                Some(150.0),
                Some(40.0),
                Some(3.0),
            ],
            "否",
        ),
        (
            SOFTWARE,
            2023.0,
            [
                Some(800_000.0),
                Some(120_000.0),
                Some(120_000.0),
                Some(700_000.0),
                Some(25.0),
                Some(12.0),
                Some(0.0),
            ],
            "否",
        ),
    ];
    for (index, (code, year, values, violation)) in facts.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write(row, 0, *code).unwrap();
        sheet.write(row, 1, *year).unwrap();
        for (offset, value) in values.iter().enumerate() {
            if let Some(value) = value {
                sheet.write(row, 2 + offset as u16, *value).unwrap();
            }
        }
        sheet.write(row, 9, *violation).unwrap();
    }

    let sheet = workbook.add_worksheet().set_name("资质").unwrap();
    for (column, header) in ["uscc", "kind", "valid_from", "number", "source"]
        .iter()
        .enumerate()
    {
        sheet.write(0, column as u16, *header).unwrap();
    }
    let labels = [
        (
            CHIP,
            "高新技术企业证书",
            (2021, 11, 30),
            "GR202132001234",
            "江苏省2021年高新技术企业名单",
        ),
        (
            CHIP,
            "tech_sme",
            (2024, 4, 15),
            "2024320115A0001",
            "labels.csv",
        ),
        (SOFTWARE, "省级以上研发机构", (2019, 5, 1), "", "labels.csv"),
    ];
    for (index, (code, kind, (y, m, d), number, source)) in labels.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write(row, 0, *code).unwrap();
        sheet.write(row, 1, *kind).unwrap();
        let when = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet
            .write_datetime_with_format(row, 2, &when, &date_format)
            .unwrap();
        if !number.is_empty() {
            sheet.write(row, 3, *number).unwrap();
        }
        sheet.write(row, 4, *source).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn the_workbook_reads_as_the_csv_files_do() {
    let from_workbook = read_ok(&[("企业库.xlsx", workbook())], &[]);
    let from_csv = read_ok(&csv_files(), &[]);
    let mut workbook_enterprises = from_workbook.enterprises.clone();
    let mut csv_enterprises = from_csv.enterprises.clone();
    workbook_enterprises.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    csv_enterprises.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    assert_eq!(workbook_enterprises, csv_enterprises);
    let facts = |data: &RegistryData| -> Vec<(String, YearFact)> {
        let mut all: Vec<(String, YearFact)> = data
            .facts_and_labels
            .iter()
            .flat_map(|entry| {
                entry
                    .facts
                    .iter()
                    .map(move |fact| (entry.uscc.to_string(), *fact))
            })
            .collect();
        all.sort_by_key(|(code, fact)| (code.clone(), fact.year, fact.fact));
        all
    };
    assert_eq!(
        facts(&from_workbook),
        facts(&from_csv),
        "number cells read back as the decimals typed"
    );
    let labels = |data: &RegistryData| {
        let mut all: Vec<_> = data
            .facts_and_labels
            .iter()
            .flat_map(|entry| {
                entry
                    .labels
                    .iter()
                    .map(move |l| (entry.uscc.to_string(), l.clone()))
            })
            .collect();
        all.sort_by_key(|(code, label)| (code.clone(), label.kind, label.valid_from));
        all
    };
    assert_eq!(labels(&from_workbook), labels(&from_csv));
}

/// Whether `problems` has one at `file`, `row`, in a column starting with
/// `column` (its letter), whose message contains `fragment`.
fn has(problems: &[Problem], file: &str, row: usize, column: &str, fragment: &str) -> bool {
    problems.iter().any(|problem| {
        problem.file == file
            && problem.row == Some(row)
            && problem
                .column
                .as_deref()
                .is_some_and(|label| label.starts_with(column))
            && problem.message.contains(fragment)
    })
}

#[test]
fn every_problem_of_every_file_is_reported_at_once() {
    let problems = read(
        &[
            ("enterprises-bad.csv", fixture("enterprises-bad.csv")),
            ("facts-bad.csv", fixture("facts-bad.csv")),
            ("labels-bad.csv", fixture("labels-bad.csv")),
        ],
        // The chip maker is stored: its facts need no enterprises table.
        &[CHIP],
    )
    .expect_err("the files have problems");
    let listing: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let listing = listing.join("\n");
    let expect = |file: &str, row: usize, column: &str, fragment: &str| {
        assert!(
            has(&problems, file, row, column, fragment),
            "no problem at {file} row {row} column {column} saying {fragment:?} in:\n{listing}"
        );
    };
    let enterprises = "enterprises-bad.csv";
    // The credit code: which check character is expected, which character is wrong.
    expect(
        enterprises,
        2,
        "A (统一社会信用代码",
        "校验位应为“A”，实为“B”",
    );
    expect(enterprises, 3, "A (统一社会信用代码", "第 17 位的“I”");
    expect(enterprises, 4, "C (注册日期", "日期无法识别或不存在");
    expect(enterprises, 4, "D (所在区", "unknown district code");
    expect(enterprises, 4, "E (所在园区", "unknown park code");
    expect(enterprises, 5, "D (所在区", "是园区，不是区");
    expect(enterprises, 5, "E (所在园区", "是区，不是园区");
    expect(
        enterprises,
        6,
        "A (统一社会信用代码",
        "a duplicate credit code",
    );
    expect(enterprises, 6, "F (产业链", "未知的产业链");
    let facts = "facts-bad.csv";
    expect(facts, 1, "F (turnover)", "unknown fact column");
    expect(
        facts,
        2,
        "A (统一社会信用代码",
        "neither in the enterprises table",
    );
    expect(facts, 3, "C (销售收入", "cannot be negative");
    expect(facts, 3, "D (职工总数", "not a whole number");
    expect(facts, 3, "E (是否上市", "not yes or no");
    expect(facts, 4, "B (年度", "out of range");
    expect(facts, 4, "C (销售收入", "not a number");
    expect(facts, 5, "B (年度", "the same enterprise and year twice");
    let labels = "labels-bad.csv";
    expect(labels, 2, "B (资质类型", "unknown label kind");
    expect(labels, 3, "C (起始日期", "日期无法识别或不存在");
    expect(labels, 4, "D (截止日期", "before it starts");
    assert_eq!(problems.len(), 20, "exactly these problems:\n{listing}");
    // Each says what would be right.
    for problem in &problems {
        assert!(!problem.expected.is_empty(), "{problem}");
    }
    let duplicate = problems
        .iter()
        .find(|problem| problem.message.contains("a duplicate credit code"))
        .unwrap();
    assert!(
        duplicate.message.contains("第 5 行"),
        "names the first row: {duplicate}"
    );
}

#[test]
fn headers_units_and_files_that_cannot_be_read() {
    let in_ten_thousands = "uscc,year,销售收入（万元）\n91320115MA1MXY7K3A,2023,1500\n";
    let problems = read(
        &[("facts.csv", in_ten_thousands.as_bytes().to_vec())],
        &[CHIP],
    )
    .expect_err("amounts in 万元 are refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].expected.contains("yuan"), "{}", problems[0]);

    let unknown = "code,amount\n1,2\n";
    let problems =
        read(&[("other.csv", unknown.as_bytes().to_vec())], &[]).expect_err("not a registry table");
    assert!(
        problems[0].message.contains("cannot be told"),
        "{}",
        problems[0]
    );

    let missing = "统一社会信用代码,企业名称,产业链\n91320115MA1MXY7K3A,某企业,ic\n";
    let problems = read(&[("企业.csv", missing.as_bytes().to_vec())], &[])
        .expect_err("required columns missing");
    assert!(
        problems[0].message.contains("注册日期 registration_date")
            && problems[0].message.contains("所在区 district"),
        "{}",
        problems[0]
    );

    let problems =
        read(&[("企业库.xlsx", b"not a zip".to_vec())], &[]).expect_err("a damaged workbook");
    assert!(
        problems[0].message.contains("not an XLSX"),
        "{}",
        problems[0]
    );

    // A credit code that Excel turned into a number says why.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("年度数据").unwrap();
    sheet.write(0, 0, "统一社会信用代码").unwrap();
    sheet.write(0, 1, "年度").unwrap();
    sheet.write(0, 2, "revenue").unwrap();
    sheet.write(1, 0, 913_201_151_234_567_800_f64).unwrap();
    sheet.write(1, 1, 2023.0).unwrap();
    sheet.write(1, 2, 1.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let problems = read(&[("facts.xlsx", bytes)], &[]).expect_err("a code typed as a number");
    assert!(
        problems
            .iter()
            .any(|p| p.sheet.as_deref() == Some("年度数据")
                && p.row == Some(2)
                && p.message.contains("format the column as text")),
        "{problems:?}"
    );
}
