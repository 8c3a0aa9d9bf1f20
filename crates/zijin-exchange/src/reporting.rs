//! The reporting workbook (报送表): `zijin template` writes it for one region
//! and one period, a district fills in the white cells, `zijin import` reads
//! it back.
//!
//! Layout of the sheet `数据报送` (rows and columns as Excel shows them):
//!
//! ```text
//! 1   title
//! 2   instructions
//! 3   报送表标识 marker   | zijin-reporting-workbook v1
//! 4   规划代码 plan       | nanjing-14th-st | 南京市“十四五”科技创新规划
//! 5   地区代码 region     | 320102          | 玄武区 Xuanwu District
//! 6   期间 period         | 2023            | 2023 年全年 / the year 2023
//! 8   header: 指标代码 code | 指标名称 | 单位 | 上期值 | 上期期间 | 本期数值 | 限定 | 来源 | 备注
//! 9…  one row per plan indicator; columns F–I are to be filled in
//! ```
//!
//! The reader finds the metadata by the marker in column B and the labels in
//! column A (so an inserted row does not break it), reads the region and the
//! period from the metadata, and every row with a value as one observation
//! with source quality `reported`.

use std::collections::HashMap;

use calamine::{Data, Range};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign,
    FormatBorder, ProtectionOptions, Workbook, Worksheet,
};
use zijin_domain::{Observation, Period, Plan, Qualifier, Region, SourceQuality};

use crate::cell::Cell;
use crate::check::{At, Checker, Problems};
use crate::error::ExchangeError;
use crate::problem::{LocatedObservation, Location, column_letter};

/// The name of the sheet of a reporting workbook.
pub const REPORTING_SHEET: &str = "数据报送";

/// The text in the marker cell (B3) by which the reader recognises a
/// reporting workbook; the version says which layout it has.
pub const REPORTING_MARKER: &str = "zijin-reporting-workbook v1";
const MARKER_PREFIX: &str = "zijin-reporting-workbook";

const LABEL_MARKER: &str = "报送表标识 marker";
const LABEL_PLAN: &str = "规划代码 plan";
const LABEL_REGION: &str = "地区代码 region";
const LABEL_PERIOD: &str = "期间 period";

// 0-based rows of the written layout.
const TITLE_ROW: u32 = 0;
const INSTRUCTIONS_ROW: u32 = 1;
const MARKER_ROW: u32 = 2;
const PLAN_ROW: u32 = 3;
const REGION_ROW: u32 = 4;
const PERIOD_ROW: u32 = 5;
const HEADER_ROW: u32 = 7;
const FIRST_DATA_ROW: u32 = 8;

// 0-based columns.
const CODE_COLUMN: u16 = 0;
const NAME_COLUMN: u16 = 1;
const UNIT_COLUMN: u16 = 2;
const PREVIOUS_VALUE_COLUMN: u16 = 3;
const PREVIOUS_PERIOD_COLUMN: u16 = 4;
const VALUE_COLUMN: u16 = 5;
const QUALIFIER_COLUMN: u16 = 6;
const SOURCE_COLUMN: u16 = 7;
const NOTE_COLUMN: u16 = 8;
const LAST_COLUMN: u16 = NOTE_COLUMN;

/// Header texts, by column; the code column's prefix also finds the header row.
const HEADERS: [&str; 9] = [
    "指标代码 code",
    "指标名称 indicator",
    "单位 unit",
    "上期值 previous value",
    "上期期间 previous period",
    "本期数值 value",
    "限定 qualifier",
    "来源 source",
    "备注 note",
];
const HEADER_CODE_PREFIX: &str = "指标代码";

const COLUMN_WIDTHS: [f64; 9] = [30.0, 44.0, 10.0, 14.0, 18.0, 16.0, 12.0, 32.0, 32.0];

const INSTRUCTIONS: &str = "填写说明：只在白色单元格（F–I 列）填写本期数据，灰色单元格请勿修改。“本期数值”只填数字，不带单位或文字；约数或“超过”请在“限定”列选择 ~ 或 >（留空即按公布数 =）。“来源”填文件名或网址。未填数值的指标视为本期未报送。\nInstructions: fill in the white cells (columns F–I) only. Value: a number without unit or words; for \"about\" or \"more than\" choose ~ or > in the qualifier column. Rows without a value are not reported.";

/// Writes the reporting workbook of `region` for `period`: one row per
/// indicator of the plan (auxiliary ones included), with the latest value
/// before `period` among `previous` shown for reference.
pub fn write_reporting_workbook(
    plan: &Plan,
    region: &Region,
    period: Period,
    previous: &[Observation],
) -> Result<Vec<u8>, ExchangeError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(REPORTING_SHEET)?;
    let formats = Formats::new();

    sheet.merge_range(
        TITLE_ROW,
        0,
        TITLE_ROW,
        LAST_COLUMN,
        &format!(
            "{} 数据报送表 — {} {} — {}",
            plan.name_zh,
            region.name_zh,
            period,
            period_description(period)
        ),
        &formats.title,
    )?;
    sheet.set_row_height(TITLE_ROW, 24)?;
    sheet.merge_range(
        INSTRUCTIONS_ROW,
        0,
        INSTRUCTIONS_ROW,
        LAST_COLUMN,
        INSTRUCTIONS,
        &formats.instructions,
    )?;
    sheet.set_row_height(INSTRUCTIONS_ROW, 66)?;

    let region_description = if region.name_en.is_empty() {
        region.name_zh.clone()
    } else {
        format!("{} {}", region.name_zh, region.name_en)
    };
    let metadata = [
        (
            MARKER_ROW,
            LABEL_MARKER,
            REPORTING_MARKER.to_owned(),
            "请勿修改本块 / do not edit this block".to_owned(),
        ),
        (
            PLAN_ROW,
            LABEL_PLAN,
            plan.code.to_string(),
            plan.name_zh.clone(),
        ),
        (
            REGION_ROW,
            LABEL_REGION,
            region.code.to_string(),
            region_description,
        ),
        (
            PERIOD_ROW,
            LABEL_PERIOD,
            period.to_string(),
            period_description(period),
        ),
    ];
    for (row, label, value, description) in &metadata {
        sheet.write_string_with_format(*row, 0, *label, &formats.label)?;
        // Written as text, so that Excel keeps `2023-11` and `320100` as typed.
        sheet.write_string_with_format(*row, 1, value, &formats.locked)?;
        sheet.merge_range(*row, 2, *row, LAST_COLUMN, description, &formats.locked)?;
    }

    for (column, header) in HEADERS.iter().enumerate() {
        let format = if (VALUE_COLUMN..=NOTE_COLUMN).contains(&(column as u16)) {
            &formats.input_header
        } else {
            &formats.header
        };
        sheet.write_string_with_format(HEADER_ROW, column as u16, *header, format)?;
    }
    sheet.set_row_height(HEADER_ROW, 30)?;

    let mut row = FIRST_DATA_ROW;
    for indicator in &plan.indicators {
        sheet.write_string_with_format(
            row,
            CODE_COLUMN,
            indicator.code.as_str(),
            &formats.locked,
        )?;
        sheet.write_string_with_format(
            row,
            NAME_COLUMN,
            &indicator.name_zh,
            &formats.locked_wrapped,
        )?;
        sheet.write_string_with_format(row, UNIT_COLUMN, &indicator.unit, &formats.locked)?;
        let latest = previous
            .iter()
            .filter(|observation| {
                observation.indicator == indicator.code
                    && observation.region == region.code
                    && observation.period < period
            })
            .max_by_key(|observation| observation.period);
        match latest {
            Some(observation) => {
                sheet.write_number_with_format(
                    row,
                    PREVIOUS_VALUE_COLUMN,
                    observation.value,
                    &formats.locked_number,
                )?;
                let qualifier = match observation.qualifier {
                    Qualifier::Exact => String::new(),
                    Qualifier::MoreThan => "（超过 more than）".to_owned(),
                    Qualifier::About => "（约 about）".to_owned(),
                };
                sheet.write_string_with_format(
                    row,
                    PREVIOUS_PERIOD_COLUMN,
                    format!("{}{qualifier}", observation.period),
                    &formats.locked,
                )?;
            }
            None => {
                sheet.write_blank(row, PREVIOUS_VALUE_COLUMN, &formats.locked)?;
                sheet.write_blank(row, PREVIOUS_PERIOD_COLUMN, &formats.locked)?;
            }
        }
        for column in VALUE_COLUMN..=NOTE_COLUMN {
            sheet.write_blank(row, column, &formats.input)?;
        }
        row += 1;
    }
    let last_data_row = row.saturating_sub(1).max(FIRST_DATA_ROW);
    add_validations(sheet, last_data_row)?;

    for (column, width) in COLUMN_WIDTHS.iter().enumerate() {
        sheet.set_column_width(column as u16, *width)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, NAME_COLUMN + 1)?;
    // Protection without a password: it keeps codes and metadata from being
    // changed by accident, not a security measure.
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    Ok(workbook.save_to_buffer()?)
}

fn add_validations(sheet: &mut Worksheet, last_data_row: u32) -> Result<(), ExchangeError> {
    let value = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1.0e15, 1.0e15))
        .set_input_title("本期数值 value")?
        .set_input_message(
            "请填写数字，如 1234.5，不带单位或文字。约数或“超过”：数字填在此处，并在“限定”列选择 ~ 或 >。本期不报送的指标请留空。",
        )?
        .set_error_title("不是数字 not a number")?
        .set_error_message("本期数值只能填写数字，如 1234.5（不带单位或文字）。")?
        .set_error_style(DataValidationErrorStyle::Stop);
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        VALUE_COLUMN,
        last_data_row,
        VALUE_COLUMN,
        &value,
    )?;
    let qualifier = DataValidation::new()
        .allow_list_strings(&["=", ">", "~"])?
        .set_input_title("限定 qualifier")?
        .set_input_message("= 按公布数；> 超过（以上）；~ 约（左右）。留空即 =。")?
        .set_error_title("限定符无效")?
        .set_error_message("请选择 =、> 或 ~。")?;
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        QUALIFIER_COLUMN,
        last_data_row,
        QUALIFIER_COLUMN,
        &qualifier,
    )?;
    let source = DataValidation::new()
        .allow_any_value()
        .set_input_title("来源 source")?
        .set_input_message("数据来源：文件名、文号或网址。留空则记为本报送表。")?;
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        SOURCE_COLUMN,
        last_data_row,
        SOURCE_COLUMN,
        &source,
    )?;
    Ok(())
}

struct Formats {
    title: Format,
    instructions: Format,
    label: Format,
    header: Format,
    input_header: Format,
    locked: Format,
    locked_wrapped: Format,
    locked_number: Format,
    input: Format,
}

impl Formats {
    fn new() -> Self {
        let grey = Color::RGB(0xF2F2F2);
        let bordered = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        let locked = bordered
            .clone()
            .set_background_color(grey)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::VerticalCenter),
            instructions: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x404040)),
            label: locked.clone().set_bold(),
            header: bordered
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            input_header: bordered
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            locked_wrapped: locked.clone().set_text_wrap(),
            locked_number: locked.clone().set_num_format("#,##0.########"),
            locked,
            input: bordered.set_unlocked().set_background_color(Color::White),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What a period covers, in Chinese and English.
fn period_description(period: Period) -> String {
    let month = |m: u8| MONTHS_EN[usize::from(m.clamp(1, 12)) - 1];
    match period {
        Period::Year(year) => format!("{year} 年全年 / the year {year}"),
        Period::Half(year, 1) => format!("{year} 年上半年（1—6 月）/ first half of {year}"),
        Period::Half(year, _) => format!("{year} 年下半年（7—12 月）/ second half of {year}"),
        Period::Quarter(year, quarter) => format!(
            "{year} 年第 {quarter} 季度（{}—{} 月）/ quarter {quarter} of {year}, {} to {}",
            period.first_month(),
            period.last_month(),
            month(period.first_month()),
            month(period.last_month())
        ),
        Period::Month(year, last) => format!(
            "{year} 年 1—{last} 月累计 / January to {} {year}, year to date",
            month(last)
        ),
    }
}

/// Where the metadata block and the header of a reporting sheet are
/// (0-based rows); `None` for a label that is missing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MetadataBlock {
    plan_row: Option<u32>,
    region_row: Option<u32>,
    period_row: Option<u32>,
    header_row: Option<u32>,
}

/// How far down the metadata and header are looked for.
const METADATA_SEARCH_ROWS: u32 = 30;

fn cell_at(range: &Range<Data>, row: u32, column: u16) -> Cell<'_> {
    range
        .get_value((row, u32::from(column)))
        .map_or(Cell::Empty, Cell::from_data)
}

/// The metadata block of a reporting sheet, if the sheet carries the marker.
pub(crate) fn find_metadata(range: &Range<Data>) -> Option<MetadataBlock> {
    let (start_row, _) = range.start()?;
    let rows = start_row..start_row + METADATA_SEARCH_ROWS;
    let is_marker = |row: u32| {
        cell_at(range, row, 1)
            .text()
            .is_some_and(|text| text.starts_with(MARKER_PREFIX))
    };
    rows.clone().find(|row| is_marker(*row))?;
    let find_label = |prefix: &str| {
        rows.clone().find(|row| {
            cell_at(range, *row, 0)
                .text()
                .is_some_and(|text| text.starts_with(prefix))
        })
    };
    Some(MetadataBlock {
        plan_row: find_label("规划代码"),
        region_row: find_label("地区代码"),
        period_row: find_label("期间"),
        header_row: find_label(HEADER_CODE_PREFIX),
    })
}

fn label(column: u16) -> String {
    format!(
        "{} ({})",
        column_letter(usize::from(column)),
        HEADERS[usize::from(column)]
    )
}

/// Reads a filled reporting sheet.
pub(crate) fn read_filled(
    file: &str,
    sheet: &str,
    range: &Range<Data>,
    block: &MetadataBlock,
    checker: &Checker<'_>,
    progress: &mut dyn FnMut(u64, u64),
    problems: &mut Problems<'_>,
) -> Vec<LocatedObservation> {
    let plan = checker.context.plan;
    let missing_label = |problems: &mut Problems<'_>, label: &str| {
        problems.add(
            None,
            Some("A"),
            "（缺少此行）(the row is missing)",
            format!("元数据块中的一行“{label}” / a row labelled \"{label}\" in the metadata block"),
            "报送表的元数据不完整，请使用 `zijin template` 重新生成 / the workbook's metadata block is incomplete; write a new one with `zijin template`",
        );
    };
    let metadata_column = |what: &str| format!("B ({what})");

    match block.plan_row {
        Some(row) => {
            let cell = cell_at(range, row, 1);
            if cell.text().as_deref() != Some(plan.code.as_str()) {
                problems.add(
                    Some(row as usize + 1),
                    Some(&metadata_column(LABEL_PLAN)),
                    cell.found(),
                    format!("{}（当前规划 the active plan）", plan.code),
                    format!(
                        "单元格 B{} 的规划代码与当前规划不符 / cell B{}: the workbook is not for the active plan",
                        row + 1,
                        row + 1
                    ),
                );
            }
        }
        None => missing_label(problems, LABEL_PLAN),
    }
    let region = match block.region_row {
        Some(row) => {
            let column = metadata_column(LABEL_REGION);
            let at = At {
                row: row as usize + 1,
                column: &column,
            };
            checker.region(&cell_at(range, row, 1), at, problems)
        }
        None => {
            missing_label(problems, LABEL_REGION);
            None
        }
    };
    let period = match block.period_row {
        Some(row) => {
            let column = metadata_column(LABEL_PERIOD);
            let at = At {
                row: row as usize + 1,
                column: &column,
            };
            checker.period(&cell_at(range, row, 1), at, problems)
        }
        None => {
            missing_label(problems, LABEL_PERIOD);
            None
        }
    };
    let Some(header_row) = block.header_row else {
        missing_label(problems, HEADERS[0]);
        return Vec::new();
    };

    let labels: Vec<String> = (0..=LAST_COLUMN).map(label).collect();
    let at = |row: usize, column: u16| At {
        row,
        column: &labels[usize::from(column)],
    };
    let end_row = range.end().map_or(header_row, |(row, _)| row);
    let total = u64::from(end_row - header_row);
    progress(0, total);
    let default_source = format!("报送表 {file}");
    let mut first_row_of_indicator: HashMap<usize, usize> = HashMap::new();
    let mut observations = Vec::new();
    for row in header_row + 1..=end_row {
        let row_number = row as usize + 1;
        let value_cell = cell_at(range, row, VALUE_COLUMN);
        // A row without a value is not reported for this period; not a problem.
        if value_cell.is_empty() {
            continue;
        }
        let indicator = checker.indicator(
            &cell_at(range, row, CODE_COLUMN),
            at(row_number, CODE_COLUMN),
            problems,
        );
        let unit_ok = checker.unit(
            &cell_at(range, row, UNIT_COLUMN),
            indicator,
            at(row_number, UNIT_COLUMN),
            problems,
        );
        let value = checker.value(&value_cell, at(row_number, VALUE_COLUMN), problems);
        let qualifier = checker.qualifier(
            &cell_at(range, row, QUALIFIER_COLUMN),
            at(row_number, QUALIFIER_COLUMN),
            problems,
        );
        let Some(indicator) = indicator else { continue };
        if let Some(first) = first_row_of_indicator.insert(indicator, row_number) {
            problems.add(
                Some(row_number),
                Some(&labels[usize::from(CODE_COLUMN)]),
                checker.indicator_at(indicator).code.to_string(),
                "每个指标在报送表中只出现一次 / each indicator once in the reporting workbook",
                format!("与第 {first} 行重复：同一指标填了两次 / duplicate of row {first}: the same indicator twice"),
            );
            continue;
        }
        let (Some(region), Some(period), Some(value), Some(qualifier), true) =
            (region, period, value, qualifier, unit_ok)
        else {
            continue;
        };
        if !problems.is_empty() {
            continue;
        }
        let source = cell_at(range, row, SOURCE_COLUMN);
        let note = cell_at(range, row, NOTE_COLUMN);
        let observation = checker.observation(
            (indicator, region, period),
            value,
            qualifier,
            source.text().as_deref(),
            &default_source,
            SourceQuality::Reported,
            note.text().as_deref(),
        );
        observations.push(LocatedObservation {
            observation,
            location: Location {
                file: file.to_owned(),
                sheet: Some(sheet.to_owned()),
                row: row_number,
            },
        });
    }
    progress(total, total);
    observations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_described_in_both_languages() {
        assert_eq!(
            period_description(Period::Year(2023)),
            "2023 年全年 / the year 2023"
        );
        assert_eq!(
            period_description(Period::Month(2023, 11)),
            "2023 年 1—11 月累计 / January to November 2023, year to date"
        );
        assert!(period_description(Period::Quarter(2023, 2)).contains("April to June"));
        assert!(period_description(Period::Half(2024, 2)).contains("second half of 2024"));
    }
}
