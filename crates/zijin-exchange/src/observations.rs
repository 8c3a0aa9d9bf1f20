//! Reading observation files of any supported format, and finding the same
//! observation key in several rows or files.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use zijin_domain::{IndicatorCode, Period, Plan, Region, RegionCode, SourceQuality};

use crate::cell::Cell;
use crate::check::{Checker, Problems};
use crate::problem::{LocatedObservation, Location, Problem};
use crate::{reporting, tidy};

/// What observation files are checked against, and the defaults of an import.
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    /// Observations must be of the plan's indicators and within its years.
    pub plan: &'a Plan,
    /// Observations must be of these regions.
    pub regions: &'a [Region],
    /// The source quality of rows that do not give one (tidy files; the
    /// reporting workbook is always `reported`).
    pub default_source_quality: SourceQuality,
}

/// The first bytes of a ZIP archive, which an XLSX file is.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file: the old `.xls` format.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads and checks one observation file: a tidy CSV, a tidy XLSX, or a
/// reporting workbook written by [`crate::write_reporting_workbook`]. The
/// format is recognised by the content (an XLSX file is a ZIP archive, an old
/// `.xls` file an OLE file) and the file name (an `.xlsx` name that is not a
/// ZIP archive is a problem). Anything else is read as CSV, including the
/// text files some systems export under an `.xls` name.
///
/// Every problem of the file is returned, never only the first. `progress`
/// is called now and then with (done, total): bytes for CSV, rows for XLSX.
pub fn read_observations(
    file_name: &str,
    bytes: &[u8],
    context: &ImportContext<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<LocatedObservation>, Vec<Problem>> {
    let checker = Checker::new(context);
    let mut problems = Problems::new(file_name);
    let lower_name = file_name.to_lowercase();
    let rows = if bytes.starts_with(ZIP_MAGIC) {
        read_workbook(file_name, bytes, &checker, progress, &mut problems)
    } else if bytes.starts_with(OLE_MAGIC) {
        problems.add(
            None,
            None,
            "Excel 97–2003 工作簿 (.xls)",
            "XLSX 工作簿或 CSV：在 Excel 中“另存为 .xlsx” / an XLSX workbook or a CSV file: in Excel, \"Save As\" .xlsx",
            "不支持旧版 .xls 格式 / the old .xls format is not supported",
        );
        Vec::new()
    } else if lower_name.ends_with(".xlsx") {
        problems.add(
            None,
            None,
            "不是 ZIP 压缩包的 .xlsx 文件 (an .xlsx name, but not a ZIP archive)",
            "Excel 保存的 XLSX 工作簿 / an XLSX workbook saved by Excel",
            "文件已损坏或不是 XLSX / the file is damaged or not an XLSX workbook",
        );
        Vec::new()
    } else {
        tidy::read_csv(file_name, bytes, &checker, progress, &mut problems)
    };
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems.into_vec())
    }
}

/// An XLSX workbook: the first sheet that is a reporting workbook (it carries
/// the marker) or a tidy table (it has a recognised header row).
fn read_workbook(
    file_name: &str,
    bytes: &[u8],
    checker: &Checker<'_>,
    progress: &mut dyn FnMut(u64, u64),
    problems: &mut Problems<'_>,
) -> Vec<LocatedObservation> {
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            problems.add(
                None,
                None,
                error.to_string(),
                "Excel 保存的 XLSX 工作簿 / an XLSX workbook saved by Excel",
                "工作簿无法打开 / the workbook cannot be opened",
            );
            return Vec::new();
        }
    };
    let sheet_names = workbook.sheet_names();
    let mut first_rows = Vec::new();
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
                return Vec::new();
            }
        };
        if let Some(block) = reporting::find_metadata(&range) {
            problems.set_sheet(sheet);
            return reporting::read_filled(
                file_name, sheet, &range, &block, checker, progress, problems,
            );
        }
        if let Some(header_row) = tidy::find_header_row(&range) {
            problems.set_sheet(sheet);
            return tidy::read_sheet(
                file_name, sheet, &range, header_row, checker, progress, problems,
            );
        }
        if let Some(first) = range.rows().next() {
            let text: Vec<String> = first
                .iter()
                .filter_map(|data| Cell::from_data(data).text().map(Cow::into_owned))
                .collect();
            first_rows.push(format!("{sheet}: {}", text.join(", ")));
        }
    }
    problems.add(
        None,
        None,
        if first_rows.is_empty() {
            format!("工作表 sheets: {}", sheet_names.join(", "))
        } else {
            first_rows.join("; ")
        },
        "一张工作表，其标题行含 indicator, region, period, value（或 指标, 地区, 期间, 数值）；或 `zijin template` 生成的报送表 / a sheet with a header row naming indicator, region, period, value (or 指标, 地区, 期间, 数值), or a reporting workbook written by `zijin template`",
        "没有可识别的工作表 / no sheet is recognised",
    );
    Vec::new()
}

/// Problems for every (indicator, region, period) that appears more than
/// once among `rows`, whether in one file or in several; each names both
/// places.
pub fn find_duplicates(rows: &[LocatedObservation]) -> Vec<Problem> {
    let mut first_seen: HashMap<(&IndicatorCode, &RegionCode, Period), &Location> =
        HashMap::with_capacity(rows.len());
    let mut problems = Vec::new();
    for row in rows {
        let observation = &row.observation;
        let key = (
            &observation.indicator,
            &observation.region,
            observation.period,
        );
        match first_seen.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(&row.location);
            }
            Entry::Occupied(entry) => {
                let first = entry.get();
                problems.push(Problem {
                    file: row.location.file.clone(),
                    sheet: row.location.sheet.clone(),
                    row: Some(row.location.row),
                    column: None,
                    found: format!(
                        "{} / {} / {}",
                        observation.indicator, observation.region, observation.period
                    ),
                    expected: "每个（指标, 地区, 期间）在一次导入中只出现一次 / each (indicator, region, period) once in one import".to_owned(),
                    message: format!(
                        "与 {first} 重复：指标、地区、期间相同 / duplicate of {first}: same indicator, region and period"
                    ),
                });
            }
        }
    }
    problems
}
