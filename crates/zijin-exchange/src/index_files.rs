//! The files of a composite index: COINr's iMeta and iData (CSV or XLSX),
//! the pipeline and analysis specifications (TOML), and the CSV files a
//! build writes.
//!
//! Every problem names the file, sheet, row and column, what was found and
//! what was expected; problems are collected, not stopped at, so one run
//! shows them all.

use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use serde::de::DeserializeOwned;
use zijin_index::{Dataset, Framework, IndexError, MetaRow, RowType, Spec};

use crate::cell::{Cell, number_of};
use crate::problem::{Problem, column_letter};

/// At most this many problems are reported from one file.
const MAX_PROBLEMS: usize = 50;

/// A file of an index that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndexFileError {
    /// Cells that are wrong, each with its place.
    Problems(Vec<Problem>),
    /// The content is well-formed but does not make an index (a parent that
    /// does not exist, a cycle, an indicator missing from iData, …).
    Index { file: String, error: IndexError },
    /// The file cannot be read at all (not CSV, not XLSX, not TOML).
    Unreadable { file: String, message: String },
}

impl fmt::Display for IndexFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexFileError::Problems(problems) => {
                let count = problems.len();
                write!(
                    f,
                    "{count} 个问题 problem{}:",
                    if count == 1 { "" } else { "s" }
                )?;
                for problem in problems {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
            IndexFileError::Index { file, error } => write!(f, "{file}: {error}"),
            IndexFileError::Unreadable { file, message } => {
                write!(f, "{file}: 无法读取 cannot be read: {message}")
            }
        }
    }
}

/// A table read from CSV or XLSX: the header and the rows, each cell as text
/// (`None` when empty), with the row number a spreadsheet shows.
struct Table {
    file: String,
    sheet: Option<String>,
    header: Vec<String>,
    rows: Vec<(usize, Vec<Option<String>>)>,
}

impl Table {
    fn read(file: &str, bytes: &[u8], preferred_sheet: &str) -> Result<Table, IndexFileError> {
        let unreadable = |message: String| IndexFileError::Unreadable {
            file: file.to_owned(),
            message,
        };
        let lower = file.to_lowercase();
        if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") {
            let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
                .map_err(|e| unreadable(format!("not a readable workbook ({e})")))?;
            let names = workbook.sheet_names();
            let sheet = names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(preferred_sheet))
                .or_else(|| names.first())
                .cloned()
                .ok_or_else(|| unreadable("the workbook has no sheet".into()))?;
            let range = workbook
                .worksheet_range(&sheet)
                .map_err(|e| unreadable(format!("sheet {sheet:?}: {e}")))?;
            let start_row = range.start().map_or(0, |(r, _)| r as usize);
            let mut rows = range.rows();
            let header = rows
                .next()
                .map(|r| {
                    r.iter()
                        .map(cell_text)
                        .map(Option::unwrap_or_default)
                        .collect()
                })
                .unwrap_or_default();
            let rows = rows
                .enumerate()
                .map(|(i, r)| (start_row + i + 2, r.iter().map(cell_text).collect()))
                .filter(|(_, r): &(usize, Vec<Option<String>>)| r.iter().any(Option::is_some))
                .collect();
            Ok(Table {
                file: file.to_owned(),
                sheet: Some(sheet),
                header,
                rows,
            })
        } else {
            let text = decode(bytes).ok_or_else(|| {
                unreadable("the text is neither UTF-8 nor GBK; save the file as UTF-8 CSV".into())
            })?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut records = reader.records();
            let header: Vec<String> = match records.next() {
                Some(Ok(r)) => r.iter().map(|s| s.trim().to_owned()).collect(),
                Some(Err(e)) => return Err(unreadable(format!("not CSV ({e})"))),
                None => return Err(unreadable("the file is empty".into())),
            };
            let mut rows = Vec::new();
            for record in records {
                let record = record.map_err(|e| unreadable(format!("not CSV ({e})")))?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                let cells: Vec<Option<String>> = record
                    .iter()
                    .map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
                    .collect();
                if cells.iter().any(Option::is_some) {
                    rows.push((line, cells));
                }
            }
            Ok(Table {
                file: file.to_owned(),
                sheet: None,
                header,
                rows,
            })
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn problem(
        &self,
        row: Option<usize>,
        column: Option<usize>,
        found: impl Into<String>,
        expected: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row,
            column: column.map(|c| {
                format!(
                    "{} ({})",
                    column_letter(c),
                    self.header.get(c).map_or("", String::as_str)
                )
            }),
            found: found.into(),
            expected: expected.into(),
            message: message.into(),
        }
    }
}

fn cell_text(data: &Data) -> Option<String> {
    Cell::from_data(data).text().map(|t| t.into_owned())
}

fn decode(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_owned()),
        Err(_) => encoding_rs::GBK
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| t.into_owned()),
    }
}

fn number(text: &str) -> Option<f64> {
    number_of(&Cell::from_text(text))
}

const META_COLUMNS: [&str; 10] = [
    "Level",
    "iCode",
    "iName",
    "Direction",
    "Weight",
    "Unit",
    "Target",
    "Denominator",
    "Parent",
    "Type",
];

/// Reads iMeta (CSV, or the sheet `iMeta` or the first sheet of a workbook)
/// into rows; numbers are checked here, the tree by [`read_framework`].
pub fn read_index_meta(file: &str, bytes: &[u8]) -> Result<Vec<MetaRow>, IndexFileError> {
    let table = Table::read(file, bytes, "iMeta")?;
    let mut problems = Vec::new();
    for required in ["iCode", "Type"] {
        if table.column(required).is_none() {
            problems.push(table.problem(
                Some(1),
                None,
                table.header.join(", "),
                format!("a column named {required}"),
                format!(
                    "缺少列 column {required} is missing from the header; COINr's iMeta has {}",
                    META_COLUMNS.join(", ")
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(IndexFileError::Problems(problems));
    }
    let col = |name: &str| table.column(name);
    let mut rows = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c).cloned().flatten());
        let mut numeric = |name: &'static str, expected: &str| -> Option<f64> {
            let c = col(name)?;
            let text = cells.get(c).cloned().flatten()?;
            match number(&text) {
                Some(v) => Some(v),
                None => {
                    problems.push(table.problem(
                        Some(*line),
                        Some(c),
                        text,
                        expected.to_owned(),
                        format!("{name} 不是数字 is not a number"),
                    ));
                    None
                }
            }
        };
        let level = numeric(
            "Level",
            "a whole number: 1 for indicators, 2 and up for aggregates",
        );
        let direction = numeric("Direction", "1 (higher is better) or -1");
        let weight = numeric("Weight", "a number ≥ 0");
        let target = numeric("Target", "a number, or an empty cell");
        let type_text = get(col("Type")).unwrap_or_default();
        let row_type = match RowType::parse(&type_text) {
            Some(t) => t,
            None => {
                problems.push(table.problem(
                    Some(*line),
                    col("Type"),
                    type_text,
                    "Indicator, Aggregate, Group, Denominator or Other",
                    "Type 不可识别 is not a known row type",
                ));
                continue;
            }
        };
        let level = match level {
            Some(l) if l.fract() == 0.0 && l >= 1.0 => Some(l as u32),
            Some(l) => {
                problems.push(table.problem(
                    Some(*line),
                    col("Level"),
                    l.to_string(),
                    "a whole number ≥ 1",
                    "Level 不是正整数 is not a whole number ≥ 1",
                ));
                None
            }
            None => None,
        };
        let extra = table
            .header
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty() && !META_COLUMNS.contains(&h.as_str()))
            .map(|(c, h)| {
                (
                    h.clone(),
                    cells.get(c).cloned().flatten().unwrap_or_default(),
                )
            })
            .collect();
        rows.push(MetaRow {
            row: *line,
            level,
            code: get(col("iCode")).unwrap_or_default(),
            name: get(col("iName")).unwrap_or_default(),
            direction,
            weight,
            unit: get(col("Unit")),
            target,
            denominator: get(col("Denominator")),
            parent: get(col("Parent")),
            row_type,
            extra,
        });
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(IndexFileError::Problems(problems))
    }
}

/// Reads iMeta and checks its tree.
pub fn read_framework(file: &str, bytes: &[u8]) -> Result<Framework, IndexFileError> {
    let rows = read_index_meta(file, bytes)?;
    Framework::from_rows(&rows).map_err(|error| IndexFileError::Index {
        file: file.to_owned(),
        error,
    })
}

/// Reads iData (CSV, or the sheet `iData` or the first sheet of a workbook).
/// `uCode` is required; `uName` and `Time` (a year, for panel data) are
/// optional; the framework's group columns are text; every indicator and
/// denominator column must hold numbers or be empty (missing). Other columns
/// are kept as numbers when every cell is one, else as groups.
pub fn read_index_data(
    file: &str,
    bytes: &[u8],
    framework: &Framework,
) -> Result<Dataset, IndexFileError> {
    let table = Table::read(file, bytes, "iData")?;
    let Some(code_col) = table.column("uCode") else {
        return Err(IndexFileError::Problems(vec![table.problem(
            Some(1),
            None,
            table.header.join(", "),
            "a column named uCode (the unit code)",
            "缺少列 column uCode is missing from the header",
        )]));
    };
    let name_col = table.column("uName");
    let time_col = table.column("Time");
    let mut problems = Vec::new();
    let cell = |row: &[Option<String>], c: usize| row.get(c).cloned().flatten();
    let mut codes = Vec::with_capacity(table.rows.len());
    let mut names = Vec::with_capacity(table.rows.len());
    let mut times = time_col.map(|_| Vec::with_capacity(table.rows.len()));
    for (line, cells) in &table.rows {
        let code = cell(cells, code_col);
        if code.is_none() {
            problems.push(table.problem(
                Some(*line),
                Some(code_col),
                "",
                "the unit's code",
                "uCode 为空 is empty",
            ));
        }
        codes.push(code.clone().unwrap_or_default());
        names.push(
            name_col
                .and_then(|c| cell(cells, c))
                .or(code)
                .unwrap_or_default(),
        );
        if let (Some(c), Some(times)) = (time_col, times.as_mut()) {
            let text = cell(cells, c).unwrap_or_default();
            match number(&text).filter(|y| y.fract() == 0.0) {
                Some(year) => times.push(year as i32),
                None => {
                    problems.push(table.problem(
                        Some(*line),
                        Some(c),
                        text,
                        "a year such as 2024",
                        "Time 不是年份 is not a year",
                    ));
                    times.push(0);
                }
            }
        }
    }
    let numeric_required = |name: &str| {
        framework
            .find(name)
            .is_some_and(|n| framework.node(n).level == 1)
            || framework.denominators().iter().any(|d| d == name)
    };
    let mut groups = Vec::new();
    let mut columns = Vec::new();
    for (c, name) in table.header.iter().enumerate() {
        if name.is_empty() || Some(c) == name_col || c == code_col || Some(c) == time_col {
            continue;
        }
        let is_group = framework.groups().iter().any(|g| g == name);
        let texts: Vec<Option<String>> = table.rows.iter().map(|(_, r)| cell(r, c)).collect();
        if is_group {
            groups.push((name.clone(), texts));
            continue;
        }
        // R's write.csv writes a missing value as NA: read it as missing.
        let parsed: Vec<Option<f64>> = texts
            .iter()
            .map(|t| match t.as_deref() {
                None | Some("NA") => Some(f64::NAN),
                Some(text) => number(text),
            })
            .collect();
        if parsed.iter().all(Option::is_some) {
            columns.push((
                name.clone(),
                parsed.into_iter().map(Option::unwrap).collect(),
            ));
        } else if numeric_required(name) {
            for ((line, _), (text, value)) in table.rows.iter().zip(texts.iter().zip(&parsed)) {
                if value.is_none() && problems.len() < MAX_PROBLEMS {
                    problems.push(table.problem(
                        Some(*line),
                        Some(c),
                        text.clone().unwrap_or_default(),
                        "a number, or an empty cell (or NA) for a missing value",
                        format!("{name} 不是数字 is not a number"),
                    ));
                }
            }
        } else {
            groups.push((name.clone(), texts));
        }
    }
    if !problems.is_empty() {
        return Err(IndexFileError::Problems(problems));
    }
    let dataset = Dataset {
        codes,
        names,
        times,
        groups,
        columns,
    };
    Ok(dataset)
}

/// Reads a TOML specification (a pipeline, an uncertainty analysis, a
/// framework description). Unknown keys are errors; messages give the line.
pub fn parse_index_toml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, IndexFileError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        IndexFileError::Problems(vec![Problem {
            file: file.to_owned(),
            sheet: None,
            row: line,
            column: None,
            found: e
                .span()
                .and_then(|s| text.get(s))
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect(),
            expected: "the keys documented in data/README.md (composite-index files)".into(),
            message: e.message().to_owned(),
        }])
    })
}

/// Reads a pipeline specification.
pub fn parse_index_spec(file: &str, text: &str) -> Result<Spec, IndexFileError> {
    parse_index_toml(file, text)
}

/// A number written the shortest way that reads back as the same double; an
/// empty field for a missing value.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        String::new()
    } else {
        format!("{value}")
    }
}

/// A frame as CSV: `uCode`, then one column per code.
pub fn frame_csv(frame: &zijin_index::Frame) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["uCode".to_owned()];
    header.extend(frame.columns().iter().cloned());
    writer.write_record(&header).expect("in memory");
    for (u, unit) in frame.units().iter().enumerate() {
        let mut record = vec![unit.clone()];
        record.extend((0..frame.columns().len()).map(|c| format_value(frame.column(c)[u])));
        writer.write_record(&record).expect("in memory");
    }
    String::from_utf8(writer.into_inner().expect("in memory")).expect("UTF-8")
}

/// Rows of strings as CSV.
pub fn records_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).expect("in memory");
    for row in rows {
        writer.write_record(row).expect("in memory");
    }
    String::from_utf8(writer.into_inner().expect("in memory")).expect("UTF-8")
}
