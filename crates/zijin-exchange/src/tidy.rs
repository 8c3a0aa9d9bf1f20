//! Tidy observation files: one observation per row, in columns
//! `indicator, region, period, value` and optionally `qualifier, unit,
//! source, source_quality, note`, in any order, with English or Chinese
//! headers. As CSV (UTF-8 with or without BOM, or GBK) or as the first
//! sheet of an XLSX workbook that has a recognised header row.

use std::borrow::Cow;

use calamine::{Data, Range};

use crate::cell::Cell;
use crate::check::{At, Checker, Problems, SeenRows, seen_rows};
use crate::problem::{LocatedObservation, Location, column_letter};

/// A column of a tidy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Indicator,
    Region,
    Period,
    Value,
    Qualifier,
    Unit,
    Source,
    SourceQuality,
    Note,
}

impl Field {
    const ALL: [Field; 9] = [
        Field::Indicator,
        Field::Region,
        Field::Period,
        Field::Value,
        Field::Qualifier,
        Field::Unit,
        Field::Source,
        Field::SourceQuality,
        Field::Note,
    ];

    /// The header names accepted for the column, in lower case.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Indicator => &["indicator", "indicator_code", "指标", "指标代码"],
            Field::Region => &["region", "region_code", "地区", "地区代码"],
            Field::Period => &["period", "期间", "时期"],
            Field::Value => &["value", "数值", "值"],
            Field::Qualifier => &["qualifier", "限定", "限定符"],
            Field::Unit => &["unit", "单位"],
            Field::Source => &["source", "来源"],
            Field::SourceQuality => &["source_quality", "来源质量", "数据质量"],
            Field::Note => &["note", "备注"],
        }
    }

    /// The name shown in problems: Chinese and English.
    fn label(self) -> &'static str {
        match self {
            Field::Indicator => "指标 indicator",
            Field::Region => "地区 region",
            Field::Period => "期间 period",
            Field::Value => "数值 value",
            Field::Qualifier => "限定 qualifier",
            Field::Unit => "单位 unit",
            Field::Source => "来源 source",
            Field::SourceQuality => "来源质量 source_quality",
            Field::Note => "备注 note",
        }
    }

    fn is_required(self) -> bool {
        matches!(
            self,
            Field::Indicator | Field::Region | Field::Period | Field::Value
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Columns that name what a code means, for people; read and ignored.
const INFORMATIONAL_NAMES: [&str; 4] = ["indicator_name", "指标名称", "region_name", "地区名称"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderName {
    Field(Field),
    Informational,
}

fn recognise_exact(text: &str) -> Option<HeaderName> {
    let normalised = text
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_");
    if INFORMATIONAL_NAMES.contains(&normalised.as_str()) {
        return Some(HeaderName::Informational);
    }
    Field::ALL
        .into_iter()
        .find(|field| field.names().contains(&normalised.as_str()))
        .map(HeaderName::Field)
}

/// Recognises a header: an accepted name, or a bilingual header such as
/// `数值 value` or `指标代码 (indicator)` whose recognised parts agree.
fn recognise(text: &str) -> Option<HeaderName> {
    if let Some(name) = recognise_exact(text) {
        return Some(name);
    }
    let mut recognised = text
        .split(|c: char| c.is_whitespace() || "/|()（）".contains(c))
        .filter(|part| !part.is_empty())
        .filter_map(recognise_exact);
    let first = recognised.next()?;
    recognised.all(|other| other == first).then_some(first)
}

fn accepted_names() -> String {
    let mut text: Vec<String> = Field::ALL
        .iter()
        .map(|field| field.names().join("/"))
        .collect();
    text.push(format!(
        "（仅供阅读 informational: {}）",
        INFORMATIONAL_NAMES.join("/")
    ));
    format!(
        "可识别的列名之一 / one of the accepted column names: {}",
        text.join(", ")
    )
}

/// Where each field is in a tidy file, with the labels problems use.
pub(crate) struct TidyLayout {
    columns: [Option<usize>; 9],
    labels: [String; 9],
    /// The columns of the key, for duplicate rows: `A, B, C (指标 indicator, …)`.
    key_label: String,
}

impl TidyLayout {
    /// How many cells of a row are recognised column names; a header row has
    /// at least two.
    pub(crate) fn recognised_count<'c>(cells: impl Iterator<Item = Cell<'c>>) -> usize {
        cells
            .filter_map(|cell| cell.text().and_then(|text| recognise(&text)))
            .count()
    }

    /// Reads a header row given as (0-based column, cell). Unknown and
    /// repeated columns are problems; without the required columns there is
    /// no layout.
    pub(crate) fn from_header<'c>(
        header: impl Iterator<Item = (usize, Cell<'c>)>,
        row: usize,
        problems: &mut Problems<'_>,
    ) -> Option<TidyLayout> {
        let mut columns: [Option<usize>; 9] = [None; 9];
        let mut labels: [String; 9] = Default::default();
        let mut header_text = Vec::new();
        for (column, cell) in header {
            let Some(text) = cell.text() else { continue };
            header_text.push(text.to_string());
            let letter = column_letter(column);
            match recognise(&text) {
                Some(HeaderName::Field(field)) => {
                    let label = format!("{letter} ({})", field.label());
                    if let Some(first) = columns[field.index()] {
                        problems.add(
                            Some(row),
                            Some(&label),
                            text.into_owned(),
                            format!("每列只出现一次；{} 列已是此列 / each column once; column {} is already {}", column_letter(first), column_letter(first), field.label()),
                            "列名重复 / the column appears twice",
                        );
                        continue;
                    }
                    columns[field.index()] = Some(column);
                    labels[field.index()] = label;
                }
                Some(HeaderName::Informational) => {}
                None => problems.add(
                    Some(row),
                    Some(&format!("{letter} ({text})")),
                    text.into_owned(),
                    accepted_names(),
                    "无法识别的列 / unknown column",
                ),
            }
        }
        let missing: Vec<&str> = Field::ALL
            .iter()
            .filter(|field| field.is_required() && columns[field.index()].is_none())
            .map(|field| field.label())
            .collect();
        if !missing.is_empty() {
            problems.add(
                Some(row),
                None,
                header_text.join(", "),
                "标题行含 indicator, region, period, value 四列（或 指标, 地区, 期间, 数值）/ a header row with the columns indicator, region, period, value (or 指标, 地区, 期间, 数值)",
                format!("缺少必需的列 / required columns are missing: {}", missing.join(", ")),
            );
            return None;
        }
        let key_fields = [Field::Indicator, Field::Region, Field::Period];
        let key_letters: Vec<String> = key_fields
            .iter()
            .filter_map(|field| columns[field.index()].map(column_letter))
            .collect();
        let key_names: Vec<&str> = key_fields.iter().map(|field| field.label()).collect();
        let key_label = format!("{} ({})", key_letters.join(", "), key_names.join(", "));
        Some(TidyLayout {
            columns,
            labels,
            key_label,
        })
    }

    fn at(&self, field: Field, row: usize) -> At<'_> {
        At {
            row,
            column: &self.labels[field.index()],
        }
    }
}

/// Reads the data rows of one tidy table, after its header.
pub(crate) struct TidyRows<'a, 'c> {
    checker: &'c Checker<'a>,
    layout: TidyLayout,
    file: &'c str,
    sheet: Option<&'c str>,
    seen: SeenRows,
    pub rows: Vec<LocatedObservation>,
}

impl<'a, 'c> TidyRows<'a, 'c> {
    pub(crate) fn new(
        checker: &'c Checker<'a>,
        layout: TidyLayout,
        file: &'c str,
        sheet: Option<&'c str>,
        expected_rows: usize,
    ) -> Self {
        // Sized up front: growing a vector of a million rows copies it
        // twenty times over.
        TidyRows {
            checker,
            layout,
            file,
            sheet,
            seen: seen_rows(expected_rows),
            rows: Vec::with_capacity(expected_rows),
        }
    }

    /// Checks one row; `cell(column)` gives the cell of a 0-based column.
    /// Once the file has a problem, observations are no longer built, only
    /// checked, since the file will be rejected.
    pub(crate) fn check_row<'r>(
        &mut self,
        row: usize,
        cell: impl Fn(usize) -> Cell<'r>,
        problems: &mut Problems<'_>,
    ) {
        let layout = &self.layout;
        let checker = self.checker;
        let get = |field: Field| layout.columns[field.index()].map_or(Cell::Empty, &cell);
        let indicator = checker.indicator(
            &get(Field::Indicator),
            layout.at(Field::Indicator, row),
            problems,
        );
        let region = checker.region(&get(Field::Region), layout.at(Field::Region, row), problems);
        let period = checker.period(&get(Field::Period), layout.at(Field::Period, row), problems);
        let value = checker.value(&get(Field::Value), layout.at(Field::Value, row), problems);
        let qualifier = checker.qualifier(
            &get(Field::Qualifier),
            layout.at(Field::Qualifier, row),
            problems,
        );
        let unit_ok = checker.unit(
            &get(Field::Unit),
            indicator,
            layout.at(Field::Unit, row),
            problems,
        );
        let quality = checker.source_quality(
            &get(Field::SourceQuality),
            layout.at(Field::SourceQuality, row),
            problems,
        );
        let (Some(indicator), Some(region), Some(period)) = (indicator, region, period) else {
            return;
        };
        let key = (indicator, region, period);
        if !checker.first_time(
            &mut self.seen,
            key,
            At {
                row,
                column: &layout.key_label,
            },
            problems,
        ) {
            return;
        }
        let (Some(value), Some(qualifier), Some(quality), true) =
            (value, qualifier, quality, unit_ok)
        else {
            return;
        };
        if !problems.is_empty() {
            return;
        }
        let source = get(Field::Source);
        let note = get(Field::Note);
        let source_text = source.text();
        let note_text = note.text();
        let observation = checker.observation(
            key,
            value,
            qualifier,
            source_text.as_deref(),
            self.file,
            quality,
            note_text.as_deref(),
        );
        self.rows.push(LocatedObservation {
            observation,
            location: Location {
                file: self.file.to_owned(),
                sheet: self.sheet.map(str::to_owned),
                row,
            },
        });
    }
}

/// How often progress is reported, in rows.
const PROGRESS_EVERY_ROWS: usize = 16_384;

/// Reads a tidy CSV file.
pub(crate) fn read_csv(
    file: &str,
    bytes: &[u8],
    checker: &Checker<'_>,
    progress: &mut dyn FnMut(u64, u64),
    problems: &mut Problems<'_>,
) -> Vec<LocatedObservation> {
    let Some(text) = decode(bytes, problems) else {
        return Vec::new();
    };
    let total = text.len() as u64;
    progress(0, total);
    let delimiter = delimiter(&text);
    let header_index = csv_header_index(&text, delimiter);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut rows: Option<TidyRows<'_, '_>> = None;
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
                break;
            }
        }
        // Rows are numbered by the line they start on, as a spreadsheet or a
        // text editor shows them (blank lines count; the csv crate skips
        // them without counting). Lines are counted incrementally.
        let mut start = record
            .position()
            .map_or(counted_to, |position| position.byte() as usize);
        // The csv crate's position is where it started reading, before the
        // blank lines it skipped; a record itself never starts with a line end.
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        line += count_line_feeds(&text.as_bytes()[counted_to..start]);
        counted_to = start;
        let row = line;
        count += 1;
        if count.is_multiple_of(PROGRESS_EVERY_ROWS) {
            progress(start as u64, total);
        }
        // Title lines above the header are not data.
        if count <= header_index || record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        match &mut rows {
            Some(rows) => {
                let record = &record;
                rows.check_row(
                    row,
                    |column| record.get(column).map_or(Cell::Empty, Cell::from_text),
                    problems,
                );
            }
            None => {
                // The first non-empty row is the header.
                let header = record
                    .iter()
                    .enumerate()
                    .map(|(column, text)| (column, Cell::from_text(text)));
                match TidyLayout::from_header(header, row, problems) {
                    Some(layout) => {
                        let expected_rows = count_line_feeds(text.as_bytes());
                        rows = Some(TidyRows::new(checker, layout, file, None, expected_rows))
                    }
                    None => return Vec::new(),
                }
            }
        }
    }
    progress(total, total);
    if rows.is_none() {
        problems.add(
            None,
            None,
            "（空文件）(an empty file)",
            "标题行和数据行 / a header row and data rows",
            "文件中没有数据 / the file has no data",
        );
    }
    rows.map(|rows| rows.rows).unwrap_or_default()
}

/// The delimiter of a CSV file: a comma, unless the first line has none but
/// has tabs (text pasted from Excel) or semicolons (Excel in locales that
/// write decimal commas).
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

/// The number of line feeds in `bytes`.
fn count_line_feeds(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte == b'\n').count()
}

/// How many records come before the header: the first record among the
/// first few with at least two recognised column names is the header, so
/// that title lines above it (a sheet saved as CSV) are skipped. Without such
/// a record, the first non-empty record is the header, and its problems say
/// which names are accepted.
fn csv_header_index(text: &str, delimiter: u8) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .take(HEADER_SEARCH_ROWS as usize)
        .map_while(Result::ok)
        .position(|record| TidyLayout::recognised_count(record.iter().map(Cell::from_text)) >= 2)
        .unwrap_or(0)
}

/// CSV text in UTF-8 (with or without BOM) or GBK, which is what Excel on a
/// Chinese Windows machine saves as "CSV".
fn decode<'b>(bytes: &'b [u8], problems: &mut Problems<'_>) -> Option<Cow<'b, str>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        problems.add(
            None,
            None,
            "UTF-16 文本 (UTF-16 text)",
            "CSV UTF-8 或 GBK：在 Excel 中“另存为 CSV UTF-8（逗号分隔）” / CSV in UTF-8 or GBK: in Excel, \"Save As\" CSV UTF-8 (comma delimited)",
            "文件编码无法识别 / the file's encoding is not supported",
        );
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(Cow::Borrowed(text));
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Some(text),
        None => {
            problems.add(
                None,
                None,
                "既不是 UTF-8 也不是 GBK 的字节 (bytes that are neither UTF-8 nor GBK)",
                "CSV UTF-8 或 GBK / CSV in UTF-8 or GBK",
                "文件编码无法识别 / the file's encoding is not supported",
            );
            None
        }
    }
}

/// How far down a sheet a header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 20;

/// The header row of a tidy sheet (absolute, 0-based), if it has one.
pub(crate) fn find_header_row(range: &Range<Data>) -> Option<u32> {
    let (start_row, _) = range.start()?;
    range
        .rows()
        .take(HEADER_SEARCH_ROWS as usize)
        .position(|cells| TidyLayout::recognised_count(cells.iter().map(Cell::from_data)) >= 2)
        .map(|offset| start_row + offset as u32)
}

/// Reads a tidy sheet whose header is at `header_row`.
pub(crate) fn read_sheet(
    file: &str,
    sheet: &str,
    range: &Range<Data>,
    header_row: u32,
    checker: &Checker<'_>,
    progress: &mut dyn FnMut(u64, u64),
    problems: &mut Problems<'_>,
) -> Vec<LocatedObservation> {
    let Some((start_row, start_column)) = range.start() else {
        return Vec::new();
    };
    let start_column = start_column as usize;
    let total = range.height() as u64;
    let mut rows = range.rows().skip((header_row - start_row) as usize);
    let Some(header) = rows.next() else {
        return Vec::new();
    };
    let Some(layout) = TidyLayout::from_header(
        header
            .iter()
            .enumerate()
            .map(|(offset, data)| (start_column + offset, Cell::from_data(data))),
        header_row as usize + 1,
        problems,
    ) else {
        return Vec::new();
    };
    let mut reader = TidyRows::new(checker, layout, file, Some(sheet), range.height());
    for (offset, cells) in rows.enumerate() {
        let row = header_row as usize + 2 + offset;
        if offset.is_multiple_of(PROGRESS_EVERY_ROWS) {
            progress(offset as u64, total);
        }
        if cells.iter().all(|data| Cell::from_data(data).is_empty()) {
            continue;
        }
        let cell = |column: usize| {
            column
                .checked_sub(start_column)
                .and_then(|index| cells.get(index))
                .map_or(Cell::Empty, Cell::from_data)
        };
        reader.check_row(row, cell, problems);
    }
    progress(total, total);
    reader.rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_both_languages() {
        for (text, field) in [
            ("indicator", Field::Indicator),
            ("Indicator", Field::Indicator),
            ("指标代码", Field::Indicator),
            ("地区", Field::Region),
            ("时期", Field::Period),
            ("值", Field::Value),
            ("Source Quality", Field::SourceQuality),
            ("数据质量", Field::SourceQuality),
            ("\u{feff}indicator", Field::Indicator),
            ("数值 value", Field::Value),
            ("指标代码 (indicator)", Field::Indicator),
        ] {
            assert_eq!(recognise(text), Some(HeaderName::Field(field)), "{text}");
        }
        assert_eq!(recognise("地区名称"), Some(HeaderName::Informational));
        assert_eq!(recognise("indicator_name"), Some(HeaderName::Informational));
        assert_eq!(recognise("remarks"), None);
        assert_eq!(recognise("指标名称 indicator"), None);
    }
}
