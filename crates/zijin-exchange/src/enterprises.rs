//! Enterprise registry files (企业库): the enterprises, their yearly facts and
//! their labels, as one XLSX workbook or as CSV files.
//!
//! The workbook has three sheets, each a table with a header row (Chinese or
//! English names, in any order):
//!
//! - `企业` (`enterprises`): 统一社会信用代码 `uscc`, 企业名称 `name`, 注册日期
//!   `registration_date`, 所在区 `district` (a district's code or name),
//!   所在园区 `park` (optional), 产业链 `chain` (code or Chinese name), and
//!   optionally 合成数据 `synthetic` (是/否).
//! - `年度数据` (`facts`): `uscc`, 年度 `year`, then one column per fact of
//!   the vocabulary ([`zijin_domain::FACTS`]), headed by its name or its
//!   Chinese label (`revenue`, `销售收入`, `销售收入（元）`); a blank cell is a
//!   fact not reported. A 企业名称 column may be added for people; it is read
//!   and ignored.
//! - `资质` (`labels`): `uscc`, 资质类型 `kind` (code or Chinese name), 起始日期
//!   `valid_from`, and optionally 截止日期 `valid_to` (blank: as long as the
//!   kind lasts), 证书编号 `number`, 来源 `source` (blank: the file's name).
//!
//! The same tables may come as CSV files (UTF-8 with or without BOM, or
//! GBK), one table per file, told apart by their header. Other sheets of a
//! workbook (a 说明 sheet) are ignored.
//!
//! Every problem of every file is reported at once, each naming the file,
//! the sheet, the row, the column and its field, what was found and what is
//! expected ([`Problem`]); a read with any problem returns no data, so that an
//! import is all or nothing.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::ops::RangeInclusive;
use std::str::FromStr;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use zijin_domain::{
    Enterprise, EnterpriseFactsAndLabels, Fact, FactType, FactValue, IndustrialChain, Label,
    LabelKind, Region, RegionCode, RegionKind, Uscc, YearFact,
};

use crate::cell::{Cell, EMPTY_FOUND, format_number};
use crate::check::Problems;
use crate::problem::{Location, Problem, column_letter};

/// What registry files are checked against.
#[derive(Debug, Clone)]
pub struct RegistryContext<'a> {
    /// Districts and parks must be among these regions (of kind district
    /// and park).
    pub regions: &'a [Region],
    /// Credit codes already in the registry: facts and labels may be given
    /// for them without listing them in the 企业 table again.
    pub stored: &'a HashSet<Uscc>,
    /// The fiscal years facts may be given for.
    pub years: RangeInclusive<i32>,
}

/// One file to read: its name (for problems and as the default source of
/// labels) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct RegistryInput<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// What registry files hold, checked: enterprises in the order read, and the
/// facts and labels of each enterprise (in the order first met).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryData {
    pub enterprises: Vec<Enterprise>,
    pub facts_and_labels: Vec<EnterpriseFactsAndLabels>,
}

/// The three tables of a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Enterprises,
    Facts,
    Labels,
}

impl TableKind {
    fn label(self) -> &'static str {
        match self {
            TableKind::Enterprises => "企业 enterprises",
            TableKind::Facts => "年度数据 facts",
            TableKind::Labels => "资质 labels",
        }
    }

    /// The table a sheet's name says it is.
    fn of_sheet(name: &str) -> Option<TableKind> {
        let normalised = normalise(name);
        match normalised.as_str() {
            "企业" | "企业名录" | "enterprises" | "enterprise" => {
                Some(TableKind::Enterprises)
            }
            "年度数据" | "年度" | "facts" | "yearly" | "yearly_facts" => {
                Some(TableKind::Facts)
            }
            "资质" | "资质认定" | "labels" | "label" => Some(TableKind::Labels),
            _ => None,
        }
    }

    fn required(self) -> &'static [Column] {
        match self {
            TableKind::Enterprises => &[
                Column::Uscc,
                Column::Name,
                Column::RegistrationDate,
                Column::District,
                Column::Chain,
            ],
            TableKind::Facts => &[Column::Uscc, Column::Year],
            TableKind::Labels => &[Column::Uscc, Column::Kind, Column::ValidFrom],
        }
    }

    /// Whether a column belongs in this table (a name column is welcome in
    /// every table, for people).
    fn allows(self, column: Column) -> bool {
        match self {
            TableKind::Enterprises => matches!(
                column,
                Column::Uscc
                    | Column::Name
                    | Column::RegistrationDate
                    | Column::District
                    | Column::Park
                    | Column::Chain
                    | Column::Synthetic
            ),
            TableKind::Facts => matches!(
                column,
                Column::Uscc | Column::Year | Column::Name | Column::Fact(_)
            ),
            TableKind::Labels => matches!(
                column,
                Column::Uscc
                    | Column::Name
                    | Column::Kind
                    | Column::ValidFrom
                    | Column::ValidTo
                    | Column::Number
                    | Column::Source
            ),
        }
    }

    fn expected_columns(self) -> String {
        match self {
            TableKind::Enterprises => "统一社会信用代码 uscc, 企业名称 name, 注册日期 registration_date, 所在区 district, 所在园区 park（可选 optional）, 产业链 chain, 合成数据 synthetic（可选 optional）".to_owned(),
            TableKind::Facts => {
                let facts: Vec<String> = Fact::all()
                    .map(|fact| format!("{} {}", fact.name(), fact.label_zh()))
                    .collect();
                format!(
                    "统一社会信用代码 uscc, 年度 year，以及指标列 / and fact columns: {}",
                    facts.join(", ")
                )
            }
            TableKind::Labels => "统一社会信用代码 uscc, 资质类型 kind, 起始日期 valid_from, 截止日期 valid_to（可选 optional）, 证书编号 number（可选）, 来源 source（可选）".to_owned(),
        }
    }
}

/// A column of a registry table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Uscc,
    Name,
    RegistrationDate,
    District,
    Park,
    Chain,
    Synthetic,
    Year,
    Kind,
    ValidFrom,
    ValidTo,
    Number,
    Source,
    Fact(Fact),
}

const NAMED_COLUMNS: [Column; 13] = [
    Column::Uscc,
    Column::Name,
    Column::RegistrationDate,
    Column::District,
    Column::Park,
    Column::Chain,
    Column::Synthetic,
    Column::Year,
    Column::Kind,
    Column::ValidFrom,
    Column::ValidTo,
    Column::Number,
    Column::Source,
];

impl Column {
    /// The header names accepted (normalised: lower case, `_` for spaces).
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Uscc => &[
                "uscc",
                "统一社会信用代码",
                "信用代码",
                "credit_code",
                "unified_social_credit_code",
            ],
            Column::Name => &["name", "enterprise_name", "企业名称", "名称"],
            Column::RegistrationDate => &["registration_date", "注册日期", "成立日期", "登记日期"],
            Column::District => &["district", "所在区", "区", "district_code"],
            Column::Park => &["park", "所在园区", "园区", "park_code"],
            Column::Chain => &["chain", "产业链", "industrial_chain"],
            Column::Synthetic => &["synthetic", "合成数据", "合成"],
            Column::Year => &["year", "年度", "年份"],
            Column::Kind => &["kind", "资质类型", "类型", "label_kind"],
            Column::ValidFrom => &["valid_from", "起始日期", "发证日期", "认定日期", "有效期起"],
            Column::ValidTo => &["valid_to", "截止日期", "有效期至", "有效期止"],
            Column::Number => &["number", "证书编号", "编号", "certificate_number"],
            Column::Source => &["source", "来源"],
            Column::Fact(_) => &[],
        }
    }

    /// The name shown in problems, Chinese and English.
    fn label(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Column::Uscc => "统一社会信用代码 uscc",
            Column::Name => "企业名称 name",
            Column::RegistrationDate => "注册日期 registration_date",
            Column::District => "所在区 district",
            Column::Park => "所在园区 park",
            Column::Chain => "产业链 chain",
            Column::Synthetic => "合成数据 synthetic",
            Column::Year => "年度 year",
            Column::Kind => "资质类型 kind",
            Column::ValidFrom => "起始日期 valid_from",
            Column::ValidTo => "截止日期 valid_to",
            Column::Number => "证书编号 number",
            Column::Source => "来源 source",
            Column::Fact(fact) => {
                return Cow::Owned(format!("{} {}", fact.label_zh(), fact.name()));
            }
        })
    }
}

/// A header text as compared: trimmed, without BOM, ASCII lower case, `_`
/// for spaces and hyphens.
fn normalise(text: &str) -> String {
    text.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

fn recognise_exact(text: &str) -> Option<Column> {
    let normalised = normalise(text);
    if let Some(column) = NAMED_COLUMNS
        .into_iter()
        .find(|column| column.names().contains(&normalised.as_str()))
    {
        return Some(column);
    }
    Fact::from_name_or_label(text.trim().trim_start_matches('\u{feff}')).map(Column::Fact)
}

/// A header: an accepted name; a name with a unit in brackets
/// (`销售收入（元）`); or a bilingual header (`销售收入 revenue`) whose
/// recognised parts agree. Returns the column and the unit written, if any.
fn recognise(text: &str) -> Option<(Column, Option<String>)> {
    if let Some(column) = recognise_exact(text) {
        return Some((column, None));
    }
    let trimmed = text.trim();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(before) = trimmed.strip_suffix(close)
            && let Some(start) = before.rfind(open)
        {
            let unit = before[start + open.len_utf8()..].trim().to_owned();
            let rest = &before[..start];
            if let Some((column, None)) = recognise(rest) {
                return Some((column, Some(unit)));
            }
        }
    }
    let mut recognised = trimmed
        .split(|c: char| c.is_whitespace() || "/|".contains(c))
        .filter(|part| !part.is_empty())
        .filter_map(recognise_exact);
    let first = recognised.next()?;
    recognised
        .all(|other| other == first)
        .then_some((first, None))
}

/// Whether a unit written in a header fits the column: money is in yuan; a
/// count in its own unit.
fn unit_fits(column: Column, unit: &str) -> bool {
    let unit = unit.trim().to_ascii_lowercase();
    match column {
        Column::Fact(fact) => match fact.ty() {
            FactType::Money => ["元", "人民币元", "yuan", "cny", "rmb"].contains(&unit.as_str()),
            FactType::Integer => {
                unit == fact.unit() || ["个", "项", "件", "人", "名", "分"].contains(&unit.as_str())
            }
            FactType::Decimal | FactType::Bool => unit.is_empty(),
        },
        // Other columns may carry a hint in brackets (a date format).
        _ => true,
    }
}

/// Where each column of a table is, with the labels problems use.
struct Layout {
    kind: TableKind,
    columns: Vec<(usize, Column)>,
    labels: HashMap<Column, String>,
}

impl Layout {
    fn column(&self, wanted: Column) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, column)| *column == wanted)
            .map(|(index, _)| *index)
    }

    fn label(&self, column: Column) -> &str {
        self.labels.get(&column).map_or("", String::as_str)
    }
}

/// How many cells of a row are recognised column names.
fn recognised_count<'c>(cells: impl Iterator<Item = Cell<'c>>) -> usize {
    cells
        .filter_map(|cell| cell.text().and_then(|text| recognise(&text)))
        .count()
}

/// The table a CSV header is, from its columns.
fn kind_of_header<'c>(cells: impl Iterator<Item = Cell<'c>>) -> Option<TableKind> {
    let columns: Vec<Column> = cells
        .filter_map(|cell| cell.text().and_then(|text| recognise(&text)))
        .map(|(column, _)| column)
        .collect();
    let has = |wanted: &[Column]| columns.iter().any(|column| wanted.contains(column));
    if has(&[Column::Year]) || columns.iter().any(|c| matches!(c, Column::Fact(_))) {
        Some(TableKind::Facts)
    } else if has(&[Column::Kind, Column::ValidFrom, Column::ValidTo]) {
        Some(TableKind::Labels)
    } else if has(&[
        Column::RegistrationDate,
        Column::District,
        Column::Park,
        Column::Chain,
    ]) {
        Some(TableKind::Enterprises)
    } else {
        None
    }
}

/// Reads a header row given as (0-based column, cell). Unknown, misplaced
/// and repeated columns are problems; without the required columns there is
/// no layout.
fn layout_of<'c>(
    kind: TableKind,
    header: impl Iterator<Item = (usize, Cell<'c>)>,
    row: usize,
    problems: &mut Problems<'_>,
) -> Option<Layout> {
    let mut layout = Layout {
        kind,
        columns: Vec::new(),
        labels: HashMap::new(),
    };
    let mut header_text = Vec::new();
    for (index, cell) in header {
        let Some(text) = cell.text() else { continue };
        header_text.push(text.to_string());
        let letter = column_letter(index);
        let Some((column, unit)) = recognise(&text) else {
            let message = if kind == TableKind::Facts {
                "未知的指标列：不在年度数据的指标表中 / unknown fact column: not in the vocabulary of yearly facts"
            } else {
                "无法识别的列 / unknown column"
            };
            problems.add(
                Some(row),
                Some(&format!("{letter} ({text})")),
                text.into_owned(),
                format!(
                    "{} 表的列之一 / a column of the {} table: {}",
                    kind.label(),
                    kind.label(),
                    kind.expected_columns()
                ),
                message,
            );
            continue;
        };
        let label = format!("{letter} ({})", column.label());
        if !kind.allows(column) {
            problems.add(
                Some(row),
                Some(&label),
                text.into_owned(),
                format!(
                    "{} 表的列之一 / a column of the {} table: {}",
                    kind.label(),
                    kind.label(),
                    kind.expected_columns()
                ),
                format!(
                    "此列不属于{}表 / this column does not belong in the {} table",
                    kind.label(),
                    kind.label()
                ),
            );
            continue;
        }
        if let Some(unit) = &unit
            && !unit_fits(column, unit)
        {
            let expected = match column {
                Column::Fact(fact) if fact.ty() == FactType::Money => {
                    "金额以元为单位：列名写“（元）”或不写单位，数值填元 / amounts are in yuan: write （元） or no unit, and the values in yuan".to_owned()
                }
                Column::Fact(fact) => format!(
                    "单位“{}”或不写单位 / the unit {} or none",
                    fact.unit(),
                    fact.unit()
                ),
                _ => String::new(),
            };
            problems.add(
                Some(row),
                Some(&label),
                text.into_owned(),
                expected,
                format!("列的单位“{unit}”不可用 / the column's unit {unit:?} cannot be used"),
            );
            continue;
        }
        if let Some(first) = layout.column(column) {
            problems.add(
                Some(row),
                Some(&label),
                text.into_owned(),
                format!(
                    "每列只出现一次；{} 列已是此列 / each column once; column {} is already {}",
                    column_letter(first),
                    column_letter(first),
                    column.label()
                ),
                "列名重复 / the column appears twice",
            );
            continue;
        }
        layout.columns.push((index, column));
        layout.labels.insert(column, label);
    }
    let missing: Vec<Cow<'static, str>> = kind
        .required()
        .iter()
        .filter(|column| layout.column(**column).is_none())
        .map(|column| column.label())
        .collect();
    if !missing.is_empty() {
        problems.add(
            Some(row),
            None,
            header_text.join(", "),
            kind.expected_columns(),
            format!(
                "{}表缺少必需的列 / the {} table lacks required columns: {}",
                kind.label(),
                kind.label(),
                missing.join(", ")
            ),
        );
        return None;
    }
    Some(layout)
}

const EXPECTED_USCC: &str = "18 位统一社会信用代码（GB 32100-2015），字母数字组成，末位为校验位；在 Excel 中请存为文本 / an 18-character unified social credit code ending in its check character; in Excel, store it as text";
const EXPECTED_DATE: &str =
    "日期，如 2021-11-30、2021/11/30 或 2021年11月30日 / a date such as 2021-11-30";
const EXPECTED_MONEY: &str =
    "非负金额（元），如 1234567.89 或 1,234,567.89 / a non-negative amount in yuan";
const EXPECTED_INTEGER: &str = "非负整数，如 42 / a whole number, 0 or more";
const EXPECTED_BOOL: &str = "是 或 否（也可 1/0、true/false、yes/no） / yes or no";

/// The lookups of one read and the checks of each cell.
struct Checker<'a> {
    context: &'a RegistryContext<'a>,
    districts: HashMap<&'a str, &'a Region>,
    parks: HashMap<&'a str, &'a Region>,
    expected_district: String,
    expected_park: String,
    expected_year: String,
}

impl<'a> Checker<'a> {
    fn new(context: &'a RegistryContext<'a>) -> Self {
        let of_kind = |kind: RegionKind| -> HashMap<&'a str, &'a Region> {
            context
                .regions
                .iter()
                .filter(|region| region.kind == kind)
                .flat_map(|region| {
                    [
                        (region.code.as_str(), region),
                        (region.name_zh.as_str(), region),
                    ]
                })
                .collect()
        };
        let examples = |kind: RegionKind| -> String {
            let regions: Vec<String> = context
                .regions
                .iter()
                .filter(|region| region.kind == kind)
                .map(|region| format!("{} {}", region.code, region.name_zh))
                .collect();
            regions.join(", ")
        };
        Checker {
            context,
            districts: of_kind(RegionKind::District),
            parks: of_kind(RegionKind::Park),
            expected_district: format!(
                "已登记的区的代码或名称之一 / the code or name of a known district: {}",
                examples(RegionKind::District)
            ),
            expected_park: format!(
                "已登记的园区的代码或名称之一，或留空 / the code or name of a known park, or blank: {}",
                examples(RegionKind::Park)
            ),
            expected_year: format!(
                "{} 至 {} 年之间的年度 / a year from {} to {}",
                context.years.start(),
                context.years.end(),
                context.years.start(),
                context.years.end()
            ),
        }
    }
}

/// Where a cell is, for problems.
#[derive(Clone, Copy)]
struct At<'l> {
    row: usize,
    column: &'l str,
}

fn empty_required(at: At<'_>, expected: &str, problems: &mut Problems<'_>) {
    problems.add(
        Some(at.row),
        Some(at.column),
        EMPTY_FOUND,
        expected,
        "必填单元格为空 / a required cell is empty",
    );
}

fn uscc_of(cell: &Cell<'_>, at: At<'_>, problems: &mut Problems<'_>) -> Option<Uscc> {
    let Some(text) = cell.text() else {
        empty_required(at, EXPECTED_USCC, problems);
        return None;
    };
    match Uscc::parse(&text) {
        Ok(uscc) => Some(uscc),
        Err(error) => {
            let hint = match cell {
                Cell::Number(_) => {
                    "；单元格是数字，Excel 只保留 15 位：请将该列设为文本 / the cell is a number, of which Excel keeps 15 digits: format the column as text"
                }
                _ => "",
            };
            problems.add(
                Some(at.row),
                Some(at.column),
                text.into_owned(),
                EXPECTED_USCC,
                format!("统一社会信用代码有误 / a malformed credit code: {error}{hint}"),
            );
            None
        }
    }
}

fn date_of(
    cell: &Cell<'_>,
    at: At<'_>,
    required: bool,
    problems: &mut Problems<'_>,
) -> Option<Option<NaiveDate>> {
    let parsed = match cell {
        Cell::Empty if required => {
            empty_required(at, EXPECTED_DATE, problems);
            return None;
        }
        Cell::Empty => return Some(None),
        Cell::Date { year, month, day } => {
            NaiveDate::from_ymd_opt(*year, u32::from(*month), u32::from(*day))
        }
        Cell::Text(text) => parse_date(text),
        Cell::Number(_) | Cell::Other(_) => None,
    };
    if parsed.is_none() {
        problems.add(
            Some(at.row),
            Some(at.column),
            cell.found(),
            EXPECTED_DATE,
            "日期无法识别或不存在 / the date cannot be read or does not exist",
        );
        return None;
    }
    Some(parsed)
}

/// A date written as `2021-11-30`, `2021/11/30`, `2021.11.30` or
/// `2021年11月30日` (a time after it is ignored).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    let unified: String = date_part
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            other => other,
        })
        .collect();
    let mut parts = unified.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A decimal number written as text: `1234.5`, `1,234.5` (thousands
/// separators in groups of three), with a sign. `None` when it is not one.
fn parse_exact_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let plain = if unsigned.contains(',') {
        let integer_part = unsigned.split('.').next().unwrap_or_default();
        let mut groups = integer_part.split(',');
        let first = groups.next().unwrap_or_default();
        let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
        let rest_ok =
            groups.all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()));
        if !(first_ok && rest_ok) || unsigned[integer_part.len()..].contains(',') {
            return None;
        }
        Cow::Owned(text.replace(',', ""))
    } else {
        Cow::Borrowed(text)
    };
    if !plain
        .trim_start_matches(['-', '+'])
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    Decimal::from_str_exact(&plain).ok()
}

/// The number in a cell as an exact decimal. A number typed into a
/// spreadsheet is a binary double; its shortest text that reads back as the
/// same double is the number the person typed.
fn decimal_of(cell: &Cell<'_>) -> Option<Decimal> {
    match cell {
        Cell::Number(number) if number.is_finite() => {
            Decimal::from_str_exact(&format_number(*number)).ok()
        }
        Cell::Text(text) => parse_exact_decimal(text),
        _ => None,
    }
}

fn bool_of(cell: &Cell<'_>) -> Option<bool> {
    let text = match cell {
        Cell::Number(number) if *number == 1.0 => return Some(true),
        Cell::Number(number) if *number == 0.0 => return Some(false),
        Cell::Text(text) => *text,
        Cell::Other(text) => text.as_str(),
        _ => return None,
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "是" | "有" | "1" | "true" | "yes" | "y" => Some(true),
        "否" | "无" | "0" | "false" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// The value of `fact` in a cell that is not empty: of the fact's type and
/// not negative; otherwise a problem, and `None`.
fn fact_value(
    fact: Fact,
    cell: &Cell<'_>,
    at: At<'_>,
    problems: &mut Problems<'_>,
) -> Option<FactValue> {
    let (value, expected, what) = match fact.ty() {
        FactType::Money | FactType::Decimal => (
            decimal_of(cell).map(FactValue::Decimal),
            EXPECTED_MONEY,
            "不是数字 / not a number",
        ),
        FactType::Integer => (
            decimal_of(cell)
                .filter(|number| number.fract().is_zero())
                .and_then(|number| i64::try_from(number).ok())
                .map(FactValue::Integer),
            EXPECTED_INTEGER,
            "不是整数 / not a whole number",
        ),
        FactType::Bool => (
            bool_of(cell).map(FactValue::Bool),
            EXPECTED_BOOL,
            "不是“是”或“否” / not yes or no",
        ),
    };
    let Some(value) = value else {
        problems.add(Some(at.row), Some(at.column), cell.found(), expected, what);
        return None;
    };
    match fact.check(value) {
        Ok(value) => Some(value),
        Err(error) => {
            problems.add(
                Some(at.row),
                Some(at.column),
                cell.found(),
                expected,
                error.to_string(),
            );
            None
        }
    }
}

/// A row's place, for problems found after every file is read.
#[derive(Debug, Clone)]
struct Place {
    location: Location,
    /// The label of the credit code's column.
    uscc_column: String,
}

impl Place {
    fn problem(&self, found: String, expected: &str, message: String) -> Problem {
        Problem {
            file: self.location.file.clone(),
            sheet: self.location.sheet.clone(),
            row: Some(self.location.row),
            column: Some(self.uscc_column.clone()),
            found,
            expected: expected.to_owned(),
            message,
        }
    }
}

/// One row of yearly facts: the enterprise, the year, the facts reported.
type FactsRow = (Uscc, i32, Vec<(Fact, FactValue)>, Place);

/// Everything read so far, from every file.
struct Collector<'a> {
    checker: Checker<'a>,
    enterprises: Vec<Enterprise>,
    /// Every credit code read from an enterprises table, even on a row with
    /// other problems (so that its facts are not also called unknown), with
    /// where it was first seen.
    listed: HashMap<Uscc, Location>,
    facts: Vec<FactsRow>,
    /// Where each (enterprise, year) of facts was first seen.
    fact_years: HashMap<(Uscc, i32), Location>,
    labels: Vec<(Uscc, Label, Place)>,
    /// Where each label key was first seen.
    label_keys: HashMap<(Uscc, LabelKind, NaiveDate), Location>,
}

/// A problem for a key seen before, at `first`: what it is, in Chinese and
/// in English.
fn duplicate(
    problems: &mut Problems<'_>,
    at: At<'_>,
    found: String,
    expected: &str,
    what: (&str, &str),
    first: &Location,
) {
    let (what_zh, what_en) = what;
    problems.add(
        Some(at.row),
        Some(at.column),
        found,
        expected,
        format!("{what_zh}，与 {first} 重复 / {what_en}: a duplicate of {first}"),
    );
}

impl<'a> Collector<'a> {
    fn new(context: &'a RegistryContext<'a>) -> Self {
        Collector {
            checker: Checker::new(context),
            enterprises: Vec::new(),
            listed: HashMap::new(),
            facts: Vec::new(),
            fact_years: HashMap::new(),
            labels: Vec::new(),
            label_keys: HashMap::new(),
        }
    }

    /// Checks one data row of a table; `cell(column)` gives the cell of a
    /// 0-based column.
    fn row<'r>(
        &mut self,
        table: &Table<'_>,
        row: usize,
        cell: impl Fn(usize) -> Cell<'r>,
        problems: &mut Problems<'_>,
    ) {
        let layout = &table.layout;
        let get = |column: Column| layout.column(column).map_or(Cell::Empty, &cell);
        let at = |column: Column| At {
            row,
            column: layout.label(column),
        };
        let uscc = uscc_of(&get(Column::Uscc), at(Column::Uscc), problems);
        let place = || Place {
            location: Location {
                file: table.file.to_owned(),
                sheet: table.sheet.map(str::to_owned),
                row,
            },
            uscc_column: layout.label(Column::Uscc).to_owned(),
        };
        match layout.kind {
            TableKind::Enterprises => {
                if let Some(uscc) = &uscc {
                    match self.listed.entry(uscc.clone()) {
                        Entry::Vacant(entry) => {
                            entry.insert(place().location);
                        }
                        Entry::Occupied(entry) => duplicate(
                            problems,
                            at(Column::Uscc),
                            uscc.to_string(),
                            "每家企业在一次导入中只出现一次 / each enterprise once in one import",
                            ("统一社会信用代码重复", "a duplicate credit code"),
                            entry.get(),
                        ),
                    }
                }
                let enterprise = self.enterprise(uscc, &get, &at, problems);
                if let Some(enterprise) = enterprise {
                    self.enterprises.push(enterprise);
                }
            }
            TableKind::Facts => {
                let year = self.year(&get(Column::Year), at(Column::Year), problems);
                let mut facts = Vec::new();
                for &(_, column) in &layout.columns {
                    let Column::Fact(fact) = column else { continue };
                    let value = get(column);
                    if value.is_empty() {
                        continue;
                    }
                    if let Some(value) = fact_value(fact, &value, at(column), problems) {
                        facts.push((fact, value));
                    }
                }
                if let (Some(uscc), Some(year)) = (uscc, year) {
                    match self.fact_years.entry((uscc.clone(), year)) {
                        Entry::Vacant(entry) => {
                            entry.insert(place().location);
                            self.facts.push((uscc, year, facts, place()));
                        }
                        Entry::Occupied(entry) => duplicate(
                            problems,
                            at(Column::Year),
                            format!("{uscc} / {year}"),
                            "每家企业每年一行 / one row per enterprise and year",
                            (
                                "同一企业同一年度出现两次",
                                "the same enterprise and year twice",
                            ),
                            entry.get(),
                        ),
                    }
                }
            }
            TableKind::Labels => {
                let kind_cell = get(Column::Kind);
                let kind = match kind_cell.text() {
                    None => {
                        empty_required(at(Column::Kind), &LabelKind::expected(), problems);
                        None
                    }
                    Some(text) => match LabelKind::from_str(&text) {
                        Ok(kind) => Some(kind),
                        Err(_) => {
                            problems.add(
                                Some(row),
                                Some(at(Column::Kind).column),
                                text.into_owned(),
                                LabelKind::expected(),
                                "未知的资质类型 / unknown label kind",
                            );
                            None
                        }
                    },
                };
                let valid_from = date_of(
                    &get(Column::ValidFrom),
                    at(Column::ValidFrom),
                    true,
                    problems,
                )
                .flatten();
                let valid_to = date_of(&get(Column::ValidTo), at(Column::ValidTo), false, problems);
                let number = get(Column::Number).text().map(Cow::into_owned);
                let source = get(Column::Source)
                    .text()
                    .map_or_else(|| table.file.to_owned(), Cow::into_owned);
                let (Some(uscc), Some(kind), Some(valid_from), Some(valid_to)) =
                    (uscc, kind, valid_from, valid_to)
                else {
                    return;
                };
                match self.label_keys.entry((uscc.clone(), kind, valid_from)) {
                    Entry::Vacant(entry) => {
                        entry.insert(place().location);
                    }
                    Entry::Occupied(entry) => {
                        duplicate(
                            problems,
                            at(Column::ValidFrom),
                            format!("{uscc} / {kind} / {valid_from}"),
                            "同一资质（企业、类型、起始日期）只出现一次 / each label (enterprise, kind, first day) once",
                            ("同一资质出现两次", "the same label twice"),
                            entry.get(),
                        );
                        return;
                    }
                }
                match Label::new(kind, valid_from, valid_to, number, source) {
                    Ok(label) => self.labels.push((uscc, label, place())),
                    Err(error) => problems.add(
                        Some(row),
                        Some(at(Column::ValidTo).column),
                        get(Column::ValidTo).found(),
                        "不早于起始日期的日期，或留空 / a date not before valid_from, or blank",
                        error.to_string(),
                    ),
                }
            }
        }
    }

    fn enterprise<'r, 'l>(
        &mut self,
        uscc: Option<Uscc>,
        get: &dyn Fn(Column) -> Cell<'r>,
        at: &dyn Fn(Column) -> At<'l>,
        problems: &mut Problems<'_>,
    ) -> Option<Enterprise> {
        let name = match get(Column::Name).text() {
            Some(name) => Some(name.into_owned()),
            None => {
                empty_required(
                    at(Column::Name),
                    "企业名称 / the enterprise's name",
                    problems,
                );
                None
            }
        };
        let registration_date = date_of(
            &get(Column::RegistrationDate),
            at(Column::RegistrationDate),
            true,
            problems,
        )
        .flatten();
        let district = self.region(
            &get(Column::District),
            at(Column::District),
            RegionKind::District,
            problems,
        );
        let park_cell = get(Column::Park);
        let park = if park_cell.is_empty() {
            Some(None)
        } else {
            self.region(&park_cell, at(Column::Park), RegionKind::Park, problems)
                .map(Some)
        };
        let chain_cell = get(Column::Chain);
        let chain = match chain_cell.text() {
            None => {
                empty_required(at(Column::Chain), &IndustrialChain::expected(), problems);
                None
            }
            Some(text) => match IndustrialChain::from_str(&text) {
                Ok(chain) => Some(chain),
                Err(_) => {
                    problems.add(
                        Some(at(Column::Chain).row),
                        Some(at(Column::Chain).column),
                        text.into_owned(),
                        IndustrialChain::expected(),
                        "未知的产业链 / unknown industrial chain",
                    );
                    None
                }
            },
        };
        let synthetic_cell = get(Column::Synthetic);
        let synthetic = if synthetic_cell.is_empty() {
            Some(false)
        } else {
            let synthetic = bool_of(&synthetic_cell);
            if synthetic.is_none() {
                problems.add(
                    Some(at(Column::Synthetic).row),
                    Some(at(Column::Synthetic).column),
                    synthetic_cell.found(),
                    EXPECTED_BOOL,
                    "不是“是”或“否” / not yes or no",
                );
            }
            synthetic
        };
        Some(Enterprise {
            uscc: uscc?,
            name: name?,
            registration_date: registration_date?,
            district: district?,
            park: park?,
            chain: chain?,
            synthetic: synthetic?,
        })
    }

    fn region(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        kind: RegionKind,
        problems: &mut Problems<'_>,
    ) -> Option<RegionCode> {
        let (known, expected) = match kind {
            RegionKind::Park => (&self.checker.parks, &self.checker.expected_park),
            _ => (&self.checker.districts, &self.checker.expected_district),
        };
        let Some(text) = cell.text() else {
            empty_required(at, expected, problems);
            return None;
        };
        if let Some(region) = known.get(text.as_ref()) {
            return Some(region.code.clone());
        }
        let other_kind = self.checker.context.regions.iter().find(|region| {
            region.code.as_str() == text.as_ref() || region.name_zh == text.as_ref()
        });
        let message = match other_kind {
            Some(region) => format!(
                "“{}”是{}，不是{} / {} is a {}, not a {}",
                region.name_zh,
                region.kind.name_zh(),
                kind.name_zh(),
                region.code,
                region_kind_en(region.kind),
                region_kind_en(kind)
            ),
            None => match kind {
                RegionKind::Park => "未知的园区代码 / unknown park code".to_owned(),
                _ => "未知的区代码 / unknown district code".to_owned(),
            },
        };
        problems.add(
            Some(at.row),
            Some(at.column),
            text.into_owned(),
            expected.as_str(),
            message,
        );
        None
    }

    fn year(&self, cell: &Cell<'_>, at: At<'_>, problems: &mut Problems<'_>) -> Option<i32> {
        if cell.is_empty() {
            empty_required(at, &self.checker.expected_year, problems);
            return None;
        }
        let year = decimal_of(cell)
            .filter(|number| number.fract().is_zero())
            .and_then(|number| i32::try_from(number).ok());
        let Some(year) = year else {
            problems.add(
                Some(at.row),
                Some(at.column),
                cell.found(),
                self.checker.expected_year.as_str(),
                "年度不是整数 / the year is not a whole number",
            );
            return None;
        };
        if !self.checker.context.years.contains(&year) {
            problems.add(
                Some(at.row),
                Some(at.column),
                cell.found(),
                self.checker.expected_year.as_str(),
                "年度超出范围 / the year is out of range",
            );
            return None;
        }
        Some(year)
    }

    /// The problems that need every file: facts or labels of an enterprise
    /// that is neither listed in any file nor stored.
    fn cross_checks(&self) -> Vec<Problem> {
        let known = |uscc: &Uscc| {
            self.listed.contains_key(uscc) || self.checker.context.stored.contains(uscc)
        };
        let unknown = |uscc: &Uscc, place: &Place| {
            place.problem(
                uscc.to_string(),
                "先在“企业”表中列出该企业 / list the enterprise in the 企业 (enterprises) table",
                "该企业既不在本次导入的“企业”表中，也不在企业库中 / the enterprise is neither in the enterprises table of this import nor in the registry".to_owned(),
            )
        };
        let facts = self
            .facts
            .iter()
            .filter(|(uscc, ..)| !known(uscc))
            .map(|(uscc, _, _, place)| unknown(uscc, place));
        let labels = self
            .labels
            .iter()
            .filter(|(uscc, ..)| !known(uscc))
            .map(|(uscc, _, place)| unknown(uscc, place));
        facts.chain(labels).collect()
    }

    fn into_data(self) -> RegistryData {
        let mut facts_and_labels: Vec<EnterpriseFactsAndLabels> = Vec::new();
        let mut position: HashMap<Uscc, usize> = HashMap::new();
        let mut entry_of = |uscc: Uscc, all: &mut Vec<EnterpriseFactsAndLabels>| -> usize {
            *position.entry(uscc.clone()).or_insert_with(|| {
                all.push(EnterpriseFactsAndLabels {
                    uscc,
                    facts: Vec::new(),
                    labels: Vec::new(),
                });
                all.len() - 1
            })
        };
        for (uscc, year, facts, _) in self.facts {
            let index = entry_of(uscc, &mut facts_and_labels);
            facts_and_labels[index]
                .facts
                .extend(
                    facts
                        .into_iter()
                        .map(|(fact, value)| YearFact { year, fact, value }),
                );
        }
        for (uscc, label, _) in self.labels {
            let index = entry_of(uscc, &mut facts_and_labels);
            facts_and_labels[index].labels.push(label);
        }
        RegistryData {
            enterprises: self.enterprises,
            facts_and_labels,
        }
    }
}

fn region_kind_en(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::City => "city",
        RegionKind::District => "district",
        RegionKind::FunctionalArea => "functional area",
        RegionKind::HighTechZone => "high-tech zone",
        RegionKind::Park => "park",
    }
}

/// A table being read: where it is and its layout.
struct Table<'f> {
    file: &'f str,
    sheet: Option<&'f str>,
    layout: Layout,
}

/// Reads and checks registry files: an XLSX workbook with the sheets 企业,
/// 年度数据 and 资质, or CSV files of those tables (see the module's
/// documentation). Returns the data of every file, or every problem of every
/// file and across files.
pub fn read_registry(
    inputs: &[RegistryInput<'_>],
    context: &RegistryContext<'_>,
) -> Result<RegistryData, Vec<Problem>> {
    let mut collector = Collector::new(context);
    let mut problems = Vec::new();
    for input in inputs {
        let mut file_problems = Problems::new(input.name);
        read_file(input, &mut collector, &mut file_problems);
        problems.extend(file_problems.into_vec());
    }
    problems.extend(collector.cross_checks());
    if problems.is_empty() {
        Ok(collector.into_data())
    } else {
        Err(problems)
    }
}

/// The first bytes of a ZIP archive (an XLSX file) and of an OLE file (.xls).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn read_file(
    input: &RegistryInput<'_>,
    collector: &mut Collector<'_>,
    problems: &mut Problems<'_>,
) {
    if input.bytes.starts_with(ZIP_MAGIC) {
        read_workbook(input, collector, problems);
    } else if input.bytes.starts_with(OLE_MAGIC) {
        problems.add(
            None,
            None,
            "Excel 97–2003 工作簿 (.xls)",
            "XLSX 工作簿或 CSV：在 Excel 中“另存为 .xlsx” / an XLSX workbook or a CSV file",
            "不支持旧版 .xls 格式 / the old .xls format is not supported",
        );
    } else if input.name.to_lowercase().ends_with(".xlsx") {
        problems.add(
            None,
            None,
            "不是 ZIP 压缩包的 .xlsx 文件 (an .xlsx name, but not a ZIP archive)",
            "Excel 保存的 XLSX 工作簿 / an XLSX workbook saved by Excel",
            "文件已损坏或不是 XLSX / the file is damaged or not an XLSX workbook",
        );
    } else {
        read_csv(input, collector, problems);
    }
}

/// How far down a sheet or file a header row is looked for.
const HEADER_SEARCH_ROWS: usize = 20;

fn read_workbook(
    input: &RegistryInput<'_>,
    collector: &mut Collector<'_>,
    problems: &mut Problems<'_>,
) {
    let mut workbook = match Xlsx::new(Cursor::new(input.bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            problems.add(
                None,
                None,
                error.to_string(),
                "Excel 保存的 XLSX 工作簿 / an XLSX workbook saved by Excel",
                "工作簿无法打开 / the workbook cannot be opened",
            );
            return;
        }
    };
    let sheet_names = workbook.sheet_names();
    let mut tables = 0;
    for sheet in &sheet_names {
        let range = match workbook.worksheet_range(sheet) {
            Ok(range) => range,
            Err(error) => {
                problems.add(
                    None,
                    None,
                    format!("{sheet}: {error}"),
                    "可读取的工作表 / a readable sheet",
                    "工作表无法读取 / a sheet cannot be read",
                );
                continue;
            }
        };
        let named = TableKind::of_sheet(sheet);
        let header_row = range
            .rows()
            .take(HEADER_SEARCH_ROWS)
            .position(|cells| recognised_count(cells.iter().map(Cell::from_data)) >= 2);
        let kind = named.or_else(|| {
            header_row.and_then(|offset| {
                range
                    .rows()
                    .nth(offset)
                    .and_then(|cells| kind_of_header(cells.iter().map(Cell::from_data)))
            })
        });
        let Some(kind) = kind else {
            // A sheet of notes (说明) is not a table.
            continue;
        };
        tables += 1;
        problems.set_sheet(sheet);
        read_sheet(
            input.name, sheet, &range, kind, header_row, collector, problems,
        );
    }
    if tables == 0 {
        problems.add(
            None,
            None,
            format!("工作表 sheets: {}", sheet_names.join(", ")),
            "工作表“企业”“年度数据”“资质”（或 enterprises, facts, labels） / the sheets 企业, 年度数据, 资质 (or enterprises, facts, labels)",
            "没有企业库的工作表 / no sheet of the registry",
        );
    }
}

fn read_sheet(
    file: &str,
    sheet: &str,
    range: &Range<Data>,
    kind: TableKind,
    header_row: Option<usize>,
    collector: &mut Collector<'_>,
    problems: &mut Problems<'_>,
) {
    let Some((start_row, start_column)) = range.start() else {
        problems.add(
            None,
            None,
            "（空工作表）(an empty sheet)",
            kind.expected_columns(),
            "工作表中没有标题行 / the sheet has no header row",
        );
        return;
    };
    let start_column = start_column as usize;
    // Without a recognised header, the first non-empty row is taken as one,
    // and its problems say which names are accepted.
    let header_offset = header_row.or_else(|| {
        range
            .rows()
            .position(|cells| cells.iter().any(|data| !Cell::from_data(data).is_empty()))
    });
    let Some(header_offset) = header_offset else {
        problems.add(
            None,
            None,
            "（空工作表）(an empty sheet)",
            kind.expected_columns(),
            "工作表中没有标题行 / the sheet has no header row",
        );
        return;
    };
    let mut rows = range.rows().skip(header_offset);
    let Some(header) = rows.next() else { return };
    let header_number = start_row as usize + header_offset + 1;
    let Some(layout) = layout_of(
        kind,
        header
            .iter()
            .enumerate()
            .map(|(offset, data)| (start_column + offset, Cell::from_data(data))),
        header_number,
        problems,
    ) else {
        return;
    };
    let table = Table {
        file,
        sheet: Some(sheet),
        layout,
    };
    for (offset, cells) in rows.enumerate() {
        if cells.iter().all(|data| Cell::from_data(data).is_empty()) {
            continue;
        }
        let row = header_number + 1 + offset;
        let cell = |column: usize| {
            column
                .checked_sub(start_column)
                .and_then(|index| cells.get(index))
                .map_or(Cell::Empty, Cell::from_data)
        };
        collector.row(&table, row, cell, problems);
    }
}

fn read_csv(input: &RegistryInput<'_>, collector: &mut Collector<'_>, problems: &mut Problems<'_>) {
    let Some(text) = decode(input.bytes, problems) else {
        return;
    };
    let delimiter = delimiter(&text);
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
    };
    // The header: the first of the first records with two recognised
    // names (title lines above it are skipped), else the first record.
    let header_index = reader()
        .records()
        .take(HEADER_SEARCH_ROWS)
        .map_while(Result::ok)
        .position(|record| recognised_count(record.iter().map(Cell::from_text)) >= 2);
    let mut reader = reader();
    let mut record = csv::StringRecord::new();
    let mut table: Option<Table<'_>> = None;
    let mut count = 0usize;
    let mut line = 1usize;
    let mut counted_to = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let row = error.position().map(|position| position.line() as usize);
                problems.add(
                    row,
                    None,
                    error.to_string(),
                    "按 RFC 4180 书写的 CSV / CSV as RFC 4180 describes it",
                    "CSV 无法读取 / the CSV cannot be read",
                );
                return;
            }
        }
        // Rows are numbered by the line they start on, as an editor shows
        // them, blank lines included.
        let mut start = record
            .position()
            .map_or(counted_to, |position| position.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        line += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count();
        counted_to = start;
        let row = line;
        count += 1;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        match &table {
            Some(table) => {
                let record = &record;
                collector.row(
                    table,
                    row,
                    |column| record.get(column).map_or(Cell::Empty, Cell::from_text),
                    problems,
                );
            }
            None => {
                if header_index.is_some_and(|index| count <= index) {
                    continue;
                }
                let Some(kind) = kind_of_header(record.iter().map(Cell::from_text)) else {
                    problems.add(
                        Some(row),
                        None,
                        record.iter().collect::<Vec<_>>().join(", "),
                        format!(
                            "企业库三张表之一的标题行 / the header of one of the registry's tables: {}; {}; {}",
                            TableKind::Enterprises.expected_columns(),
                            TableKind::Facts.expected_columns(),
                            TableKind::Labels.expected_columns()
                        ),
                        "无法判断是哪张表：标题行不可识别 / which table this is cannot be told: the header is not recognised",
                    );
                    return;
                };
                let header = record
                    .iter()
                    .enumerate()
                    .map(|(column, text)| (column, Cell::from_text(text)));
                let Some(layout) = layout_of(kind, header, row, problems) else {
                    return;
                };
                table = Some(Table {
                    file: input.name,
                    sheet: None,
                    layout,
                });
            }
        }
    }
    if table.is_none() {
        problems.add(
            None,
            None,
            "（空文件）(an empty file)",
            "标题行和数据行 / a header row and data rows",
            "文件中没有数据 / the file has no data",
        );
    }
}

/// The delimiter of a CSV file: a comma, unless the first line has none but
/// has tabs or semicolons.
fn delimiter(text: &str) -> u8 {
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let count = |delimiter: char| first_line.matches(delimiter).count();
    let (commas, tabs, semicolons) = (count(','), count('\t'), count(';'));
    if commas == 0 && tabs > 0 && tabs >= semicolons {
        b'\t'
    } else if commas == 0 && semicolons > 0 {
        b';'
    } else {
        b','
    }
}

/// CSV text in UTF-8 (with or without BOM) or GBK.
fn decode<'b>(bytes: &'b [u8], problems: &mut Problems<'_>) -> Option<Cow<'b, str>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        problems.add(
            None,
            None,
            "UTF-16 文本 (UTF-16 text)",
            "CSV UTF-8 或 GBK：在 Excel 中“另存为 CSV UTF-8（逗号分隔）” / CSV in UTF-8 or GBK",
            "文件编码无法识别 / the file's encoding is not supported",
        );
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(Cow::Borrowed(text));
    }
    let decoded = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes);
    if decoded.is_none() {
        problems.add(
            None,
            None,
            "既不是 UTF-8 也不是 GBK 的字节 (bytes that are neither UTF-8 nor GBK)",
            "CSV UTF-8 或 GBK / CSV in UTF-8 or GBK",
            "文件编码无法识别 / the file's encoding is not supported",
        );
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_both_languages_with_units() {
        let check = |text: &str, expected: Option<(Column, Option<&str>)>| {
            assert_eq!(
                recognise(text),
                expected.map(|(column, unit)| (column, unit.map(str::to_owned))),
                "{text}"
            );
        };
        check("统一社会信用代码", Some((Column::Uscc, None)));
        check("USCC", Some((Column::Uscc, None)));
        check("\u{feff}uscc", Some((Column::Uscc, None)));
        check("Registration Date", Some((Column::RegistrationDate, None)));
        check("revenue", Some((Column::Fact(Fact::Revenue), None)));
        check("销售收入", Some((Column::Fact(Fact::Revenue), None)));
        check(
            "高新技术产品（服务）收入",
            Some((Column::Fact(Fact::HighTechRevenue), None)),
        );
        check(
            "高新技术产品（服务）收入（元）",
            Some((Column::Fact(Fact::HighTechRevenue), Some("元"))),
        );
        check(
            "销售收入(万元)",
            Some((Column::Fact(Fact::Revenue), Some("万元"))),
        );
        check(
            "销售收入 revenue",
            Some((Column::Fact(Fact::Revenue), None)),
        );
        check("年度 year", Some((Column::Year, None)));
        check("销售收入 employees", None);
        check("turnover", None);
        assert!(unit_fits(Column::Fact(Fact::Revenue), "元"));
        assert!(!unit_fits(Column::Fact(Fact::Revenue), "万元"));
        assert!(unit_fits(Column::Fact(Fact::Employees), "人"));
    }

    #[test]
    fn dates_and_exact_numbers() {
        let date = |text: &str| NaiveDate::from_str(text).unwrap();
        assert_eq!(parse_date("2021-11-30"), Some(date("2021-11-30")));
        assert_eq!(parse_date("2021/1/5"), Some(date("2021-01-05")));
        assert_eq!(parse_date("2021年11月30日"), Some(date("2021-11-30")));
        assert_eq!(parse_date("2021-11-30T00:00:00"), Some(date("2021-11-30")));
        for bad in [
            "2021-02-30",
            "30/11/2021",
            "2021-11",
            "yesterday",
            "20211130",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let exact = |text: &str| Decimal::from_str_exact(text).unwrap();
        assert_eq!(
            parse_exact_decimal("1,234,567.89"),
            Some(exact("1234567.89"))
        );
        assert_eq!(parse_exact_decimal("-5"), Some(exact("-5")));
        for bad in ["1,23", "abc", "1e3", "12.3.4", "", "100%"] {
            assert_eq!(parse_exact_decimal(bad), None, "{bad}");
        }
        // A spreadsheet's double reads back as the number typed.
        assert_eq!(
            decimal_of(&Cell::Number(0.1 + 0.2)),
            Some(exact("0.30000000000000004"))
        );
        assert_eq!(decimal_of(&Cell::Number(1234.56)), Some(exact("1234.56")));
        assert_eq!(bool_of(&Cell::Text("是")), Some(true));
        assert_eq!(bool_of(&Cell::Other("FALSE".to_owned())), Some(false));
        assert_eq!(bool_of(&Cell::Text("maybe")), None);
    }
}
