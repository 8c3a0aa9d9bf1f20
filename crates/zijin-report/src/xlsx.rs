//! The bulletin as an Excel workbook: one sheet per section, numbers as
//! number cells with number formats, bold frozen header rows.

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use zijin_domain::Lang;

use crate::ReportError;
use crate::html::years;
use crate::model::Bulletin;

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    number: Format,
    integer: Format,
    percent: Format,
    ratio: Format,
    points: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: header_format(),
            text: Format::new().set_align(FormatAlign::Top),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            number: Format::new()
                .set_num_format("#,##0.####")
                .set_align(FormatAlign::Top),
            integer: Format::new()
                .set_num_format("0")
                .set_align(FormatAlign::Top),
            percent: Format::new()
                .set_num_format("0.0%")
                .set_align(FormatAlign::Top),
            ratio: Format::new()
                .set_num_format("0.00")
                .set_align(FormatAlign::Top),
            points: Format::new()
                .set_num_format("+0.0;-0.0;0.0")
                .set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::Top),
        }
    }
}

/// A cell to write.
enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Wrapped(&'a str),
    Number(Option<f64>),
    Integer(Option<usize>),
    Percent(Option<f64>),
    Ratio(Option<f64>),
    Points(Option<f64>),
}

/// The format of a header row: bold on grey, wrapped, aligned to the top.
/// Shared by the workbooks of this crate.
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#E7E6E6")
        .set_text_wrap()
        .set_align(FormatAlign::Top)
}

/// Writes a header row in `format`, freezes it and sets the column widths.
pub(crate) fn write_header<S: AsRef<str>>(
    sheet: &mut Worksheet,
    format: &Format,
    columns: &[(S, f64)],
) -> Result<(), XlsxError> {
    for (column, (name, width)) in columns.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, name.as_ref(), format)?;
        sheet.set_column_width(column, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn header(
    sheet: &mut Worksheet,
    formats: &Formats,
    columns: &[(&str, f64)],
) -> Result<(), XlsxError> {
    write_header(sheet, &formats.header, columns)
}

fn row(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: u32,
    cells: &[Cell<'_>],
) -> Result<(), XlsxError> {
    for (column, cell) in cells.iter().enumerate() {
        let column = column as u16;
        match cell {
            Cell::Text(text) => {
                sheet.write_string_with_format(row, column, *text, &formats.text)?;
            }
            Cell::Owned(text) => {
                sheet.write_string_with_format(row, column, text, &formats.text)?;
            }
            Cell::Wrapped(text) => {
                sheet.write_string_with_format(row, column, *text, &formats.wrapped)?;
            }
            Cell::Number(value) => number(sheet, row, column, *value, &formats.number)?,
            Cell::Integer(value) => number(
                sheet,
                row,
                column,
                value.map(|value| value as f64),
                &formats.integer,
            )?,
            Cell::Percent(value) => number(sheet, row, column, *value, &formats.percent)?,
            Cell::Ratio(value) => number(sheet, row, column, *value, &formats.ratio)?,
            Cell::Points(value) => number(sheet, row, column, *value, &formats.points)?,
        }
    }
    Ok(())
}

/// A number cell, or a blank cell for an absent (or non-finite) number.
pub(crate) fn number(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    match value.filter(|value| value.is_finite()) {
        Some(value) => sheet.write_number_with_format(row, column, value, format)?,
        None => sheet.write_blank(row, column, format)?,
    };
    Ok(())
}

/// The bulletin as an XLSX workbook: the sheets 概要, 指标状态, 排名, 预警,
/// 数据来源 and 说明 (Summary, Status, Rankings, Warnings, Sources, Notes in
/// English), each with a bold frozen header row and set column widths;
/// numbers are number cells (shares formatted as percentages), absent
/// numbers blank cells.
pub fn xlsx(bulletin: &Bulletin) -> Result<Vec<u8>, ReportError> {
    write(bulletin).map_err(|error| ReportError::render("XLSX", error))
}

fn write(bulletin: &Bulletin) -> Result<Vec<u8>, XlsxError> {
    let lang = bulletin.lang;
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    summary_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    status_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    rankings_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    warnings_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    sources_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    notes_sheet(workbook.add_worksheet(), &formats, bulletin)?;
    // The creation date is the bulletin's, so the same bulletin gives the
    // same workbook (the default would read the clock).
    let date = &bulletin.date;
    let created =
        ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&bulletin.title)
            .set_subject(lang.pick("规划实施监测通报", "plan monitoring bulletin"))
            .set_author("Zijin")
            .set_creation_datetime(&created),
    );
    workbook.save_to_buffer()
}

fn summary_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("概要", "Summary"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("项目", "Item"), 28.0),
            (lang.pick("数值", "Value"), 16.0),
            (lang.pick("说明", "Text"), 100.0),
        ],
    )?;
    let mut line = 1;
    let mut text_row = |sheet: &mut Worksheet, item: &str, text: &str| -> Result<(), XlsxError> {
        row(
            sheet,
            formats,
            line,
            &[Cell::Text(item), Cell::Number(None), Cell::Wrapped(text)],
        )?;
        line += 1;
        Ok(())
    };
    text_row(sheet, lang.pick("标题", "Title"), &bulletin.title)?;
    text_row(sheet, lang.pick("规划", "Plan"), &bulletin.plan_name)?;
    text_row(sheet, lang.pick("地区", "Region"), &bulletin.region_name)?;
    let mut dated = |sheet: &mut Worksheet,
                     item: &str,
                     date: chrono::NaiveDate,
                     text: &str|
     -> Result<(), XlsxError> {
        sheet.write_string_with_format(line, 0, item, &formats.text)?;
        let excel =
            ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
        sheet.write_datetime_with_format(line, 1, &excel, &formats.date)?;
        sheet.write_string_with_format(line, 2, text, &formats.wrapped)?;
        line += 1;
        Ok(())
    };
    dated(
        sheet,
        lang.pick("评估日期", "Assessed at"),
        bulletin.date,
        &bulletin.date_text,
    )?;
    dated(
        sheet,
        lang.pick("上期通报日期", "Previous bulletin"),
        bulletin.previous_date,
        &bulletin.previous_date_text,
    )?;
    let counts = &bulletin.summary.counts;
    for (item, count) in [
        (lang.pick("已实现", "Achieved"), counts.achieved),
        (lang.pick("快于预期", "Ahead"), counts.ahead),
        (lang.pick("基本符合预期", "On schedule"), counts.on_schedule),
        (lang.pick("滞后", "Lagging"), counts.lagging),
        (
            lang.pick("严重滞后", "Seriously lagging"),
            counts.seriously_lagging,
        ),
        (lang.pick("暂无法评估", "Not assessed"), counts.not_assessed),
        (lang.pick("指标合计", "Indicators"), counts.total()),
        (lang.pick("绿灯", "Green lights"), counts.green),
        (lang.pick("黄灯", "Yellow lights"), counts.yellow),
        (lang.pick("红灯", "Red lights"), counts.red),
    ] {
        row(
            sheet,
            formats,
            line,
            &[Cell::Text(item), Cell::Integer(Some(count)), Cell::Text("")],
        )?;
        line += 1;
    }
    row(
        sheet,
        formats,
        line,
        &[
            Cell::Text(lang.pick("概述", "Summary")),
            Cell::Number(None),
            Cell::Wrapped(&bulletin.summary.paragraph),
        ],
    )?;
    sheet.set_row_height(line, 150)?;
    line += 1;
    for mover in &bulletin.summary.movers {
        let item = match lang {
            Lang::Zh => format!("变化：{}", mover.name),
            Lang::En => format!("Mover: {}", mover.name),
        };
        row(
            sheet,
            formats,
            line,
            &[
                Cell::Owned(item),
                Cell::Points(mover.change_points),
                Cell::Wrapped(&mover.text),
            ],
        )?;
        line += 1;
    }
    Ok(())
}

fn status_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("指标状态", "Status"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("代码", "Code"), 22.0),
            (lang.pick("指标", "Indicator"), 36.0),
            (lang.pick("单位", "Unit"), 9.0),
            (lang.pick("基期值", "Baseline"), 11.0),
            (lang.pick("基期年份", "Baseline year"), 9.0),
            (lang.pick("最新值", "Latest value"), 12.0),
            (lang.pick("限定", "Qualifier"), 7.0),
            (lang.pick("期间", "Period"), 14.0),
            (lang.pick("目标值", "Target"), 10.0),
            (lang.pick("目标上限", "Target stretch"), 10.0),
            (lang.pick("目标说明", "Target as printed"), 16.0),
            (lang.pick("完成度", "Completion"), 10.0),
            (lang.pick("序时进度", "Time elapsed"), 10.0),
            (lang.pick("差距（百分点）", "Gap (points)"), 10.0),
            (lang.pick("增长比", "Growth ratio"), 9.0),
            (lang.pick("序时进度状态", "Time-elapsed status"), 14.0),
            (lang.pick("增长比状态", "Growth status"), 14.0),
            (lang.pick("预测状态", "Projection status"), 14.0),
            (lang.pick("灯", "Light"), 9.0),
            (lang.pick("合成数据", "Synthetic"), 9.0),
        ],
    )?;
    for (index, status) in bulletin.status.iter().enumerate() {
        row(
            sheet,
            formats,
            index as u32 + 1,
            &[
                Cell::Text(&status.indicator),
                Cell::Wrapped(&status.name),
                Cell::Text(&status.unit),
                Cell::Number(status.baseline),
                Cell::Integer(status.baseline_year.map(|year| year as usize)),
                Cell::Number(status.latest),
                Cell::Text(status.qualifier.map_or("", |qualifier| qualifier.symbol())),
                Cell::Text(status.latest_period.as_deref().unwrap_or("")),
                Cell::Number(status.target),
                Cell::Number(status.target_stretch),
                Cell::Text(&status.target_text),
                Cell::Percent(status.completion),
                Cell::Percent(status.elapsed_share),
                Cell::Points(status.gap_points),
                Cell::Ratio(status.growth_ratio),
                Cell::Text(&status.time_status_text),
                Cell::Text(&status.growth_status_text),
                Cell::Text(&status.projection_status_text),
                Cell::Text(&status.light_text),
                Cell::Text(yes_no(status.synthetic, lang)),
            ],
        )?;
    }
    Ok(())
}

fn yes_no(value: bool, lang: Lang) -> &'static str {
    match (value, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

fn rankings_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("排名", "Rankings"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("排名类别", "Ranking"), 24.0),
            (lang.pick("名次（增长比）", "Rank (growth ratio)"), 10.0),
            (lang.pick("名次（完成度）", "Rank (completion)"), 10.0),
            (lang.pick("地区代码", "Region code"), 12.0),
            (lang.pick("地区", "Region"), 22.0),
            (lang.pick("评估指标数", "Indicators"), 10.0),
            (lang.pick("增长比中位数", "Median growth ratio"), 12.0),
            (lang.pick("完成度中位数", "Median completion"), 12.0),
            (lang.pick("绿灯", "Green"), 7.0),
            (lang.pick("黄灯", "Yellow"), 7.0),
            (lang.pick("红灯", "Red"), 7.0),
            (lang.pick("合成数据", "Synthetic"), 9.0),
        ],
    )?;
    let mut line = 1;
    for table in &bulletin.rankings {
        for ranked in &table.rows {
            row(
                sheet,
                formats,
                line,
                &[
                    Cell::Text(&table.title),
                    Cell::Integer(ranked.rank_by_growth_ratio),
                    Cell::Integer(ranked.rank_by_completion),
                    Cell::Text(&ranked.region),
                    Cell::Text(&ranked.name),
                    Cell::Integer(Some(ranked.assessed)),
                    Cell::Ratio(ranked.median_growth_ratio),
                    Cell::Percent(ranked.median_completion),
                    Cell::Integer(Some(ranked.green)),
                    Cell::Integer(Some(ranked.yellow)),
                    Cell::Integer(Some(ranked.red)),
                    Cell::Text(yes_no(ranked.synthetic, lang)),
                ],
            )?;
            line += 1;
        }
    }
    Ok(())
}

fn warnings_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("预警", "Warnings"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("灯", "Light"), 8.0),
            (lang.pick("地区代码", "Region code"), 12.0),
            (lang.pick("地区", "Region"), 18.0),
            (lang.pick("地区类别", "Region kind"), 10.0),
            (lang.pick("指标代码", "Indicator code"), 22.0),
            (lang.pick("指标", "Indicator"), 32.0),
            (lang.pick("状态", "Status"), 12.0),
            (lang.pick("完成度", "Completion"), 10.0),
            (lang.pick("序时进度", "Time elapsed"), 10.0),
            (lang.pick("差距（百分点）", "Gap (points)"), 10.0),
            (lang.pick("原因", "Reason"), 80.0),
            (lang.pick("合成数据", "Synthetic"), 9.0),
        ],
    )?;
    for (index, warning) in bulletin.warnings.rows.iter().enumerate() {
        row(
            sheet,
            formats,
            index as u32 + 1,
            &[
                Cell::Text(&warning.light_text),
                Cell::Text(&warning.region),
                Cell::Text(&warning.region_name),
                Cell::Text(&warning.region_kind_text),
                Cell::Text(&warning.indicator),
                Cell::Text(&warning.indicator_name),
                Cell::Text(&warning.time_status_text),
                Cell::Percent(warning.completion),
                Cell::Percent(warning.elapsed_share),
                Cell::Points(warning.gap_points),
                Cell::Wrapped(&warning.reason),
                Cell::Text(yes_no(warning.synthetic, lang)),
            ],
        )?;
    }
    Ok(())
}

fn sources_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("数据来源", "Sources"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("来源", "Source"), 90.0),
            (lang.pick("来源质量", "Quality"), 10.0),
            (lang.pick("数值个数", "Values"), 9.0),
            (lang.pick("地区数", "Regions"), 9.0),
            (lang.pick("年份", "Years"), 11.0),
        ],
    )?;
    for (index, source) in bulletin.sources.iter().enumerate() {
        row(
            sheet,
            formats,
            index as u32 + 1,
            &[
                Cell::Wrapped(&source.source),
                Cell::Text(&source.quality_text),
                Cell::Integer(Some(source.values)),
                Cell::Integer(Some(source.regions)),
                Cell::Owned(years(source.first_year, source.last_year)),
            ],
        )?;
    }
    Ok(())
}

fn notes_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    bulletin: &Bulletin,
) -> Result<(), XlsxError> {
    let lang = bulletin.lang;
    sheet.set_name(lang.pick("说明", "Notes"))?;
    header(
        sheet,
        formats,
        &[
            (lang.pick("序号", "No."), 6.0),
            (lang.pick("说明", "Note"), 120.0),
        ],
    )?;
    for (index, note) in bulletin.notes.iter().enumerate() {
        row(
            sheet,
            formats,
            index as u32 + 1,
            &[Cell::Integer(Some(index + 1)), Cell::Wrapped(note)],
        )?;
    }
    Ok(())
}
