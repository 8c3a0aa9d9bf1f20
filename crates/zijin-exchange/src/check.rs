//! The checks of one row of observations, shared by the tidy files and the
//! reporting workbook, and the list of problems they fill.
//!
//! Lookups are hash maps built once per file; a row allocates only the
//! strings its `Observation` owns, and problems are formatted only when they
//! occur, so that a million-row file reads in seconds.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use zijin_domain::{Indicator, Observation, Period, Qualifier, Region, SourceQuality};

use crate::cell::{Cell, EMPTY_FOUND, format_number, number_of, parse_decimal, period_of};
use crate::observations::ImportContext;
use crate::problem::Problem;

/// How many problems of one file are listed; the rest are counted. A file
/// with a million bad rows gives a readable answer rather than a million lines.
pub(crate) const MAX_LISTED_PROBLEMS: usize = 1000;

/// The problems of one file, in the order found.
pub(crate) struct Problems<'f> {
    file: &'f str,
    sheet: Option<String>,
    listed: Vec<Problem>,
    total: usize,
}

impl<'f> Problems<'f> {
    pub(crate) fn new(file: &'f str) -> Self {
        Problems {
            file,
            sheet: None,
            listed: Vec::new(),
            total: 0,
        }
    }

    /// The sheet later problems are in.
    pub(crate) fn set_sheet(&mut self, sheet: &str) {
        self.sheet = Some(sheet.to_owned());
    }

    pub(crate) fn add(
        &mut self,
        row: Option<usize>,
        column: Option<&str>,
        found: impl Into<String>,
        expected: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(Problem {
                file: self.file.to_owned(),
                sheet: self.sheet.clone(),
                row,
                column: column.map(str::to_owned),
                found: found.into(),
                expected: expected.into(),
                message: message.into(),
            });
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Every problem listed, and a last one saying how many were left out.
    pub(crate) fn into_vec(mut self) -> Vec<Problem> {
        if self.total > self.listed.len() {
            let left_out = self.total - self.listed.len();
            self.listed.push(Problem {
                file: self.file.to_owned(),
                sheet: self.sheet.clone(),
                row: None,
                column: None,
                found: format!("共 {} 个问题 {} problems in all", self.total, self.total),
                expected: "一个没有问题的文件 / a file without problems".to_owned(),
                message: format!(
                    "另有 {left_out} 个问题未列出，请先改正以上问题 / {left_out} more problems are not listed; fix the ones above first"
                ),
            });
        }
        self.listed
    }
}

/// Where a cell is, for problems: its row and its column label
/// (`D (数值 value)`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'c> {
    pub row: usize,
    pub column: &'c str,
}

/// The key of an observation within a file: indices into the plan's
/// indicators and the regions, and the period. Small and `Copy`, so that the
/// duplicate check allocates nothing per row.
pub(crate) type RowKey = (usize, usize, Period);

/// The rows seen so far in a file, by packed key: the first row of each.
///
/// A million-row file makes this map the largest cost of a read, so its
/// entries are small (a `u64` key packed from the [`RowKey`]) and hashed by
/// a cheap mixing function rather than SipHash. The keys are indices made
/// here, not text from the file, so there is nothing to attack.
pub(crate) type SeenRows = HashMap<u64, usize, BuildHasherDefault<PackedKeyHasher>>;

pub(crate) fn seen_rows(capacity: usize) -> SeenRows {
    HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// Packs a key into 64 bits: 16 for the indicator, 24 for the region, 24 for
/// the period (year × 64 + a code for the kind and number of the period).
fn pack((indicator, region, period): RowKey) -> u64 {
    let (year, part) = match period {
        Period::Year(year) => (year, 0),
        Period::Half(year, half) => (year, 16 + u32::from(half)),
        Period::Quarter(year, quarter) => (year, 32 + u32::from(quarter)),
        Period::Month(year, month) => (year, 48 + u32::from(month)),
    };
    // Years are 1900 to 2200 (Period's parser), well within 14 bits.
    let period_code = ((year.clamp(0, 0x3FFF) as u64) << 6) | u64::from(part);
    ((indicator as u64 & 0xFFFF) << 48) | ((region as u64 & 0xFF_FFFF) << 24) | period_code
}

/// The 64-bit finaliser of MurmurHash3 over one `u64`: every bit of the key
/// reaches every bit of the hash, which the bucket index (low bits) needs.
#[derive(Default)]
pub(crate) struct PackedKeyHasher(u64);

impl Hasher for PackedKeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*byte) ^ (self.0 >> 56);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }

    fn finish(&self) -> u64 {
        let mut hash = self.0;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
}

/// The lookups of one import and the checks of each field.
pub(crate) struct Checker<'a> {
    pub context: &'a ImportContext<'a>,
    indicators_by_code: HashMap<&'a str, usize>,
    regions_by_code: HashMap<&'a str, usize>,
    expected_indicator: String,
    expected_region: String,
    expected_period_years: String,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(context: &'a ImportContext<'a>) -> Self {
        let plan = context.plan;
        let indicators_by_code = plan
            .indicators
            .iter()
            .enumerate()
            .map(|(index, indicator)| (indicator.code.as_str(), index))
            .collect();
        let regions_by_code = context
            .regions
            .iter()
            .enumerate()
            .map(|(index, region)| (region.code.as_str(), index))
            .collect();
        let codes: Vec<&str> = plan.indicators.iter().map(|i| i.code.as_str()).collect();
        let expected_indicator = format!(
            "规划 {} 的指标代码之一 / one of the indicator codes of plan {}: {}",
            plan.code,
            plan.code,
            codes.join(", ")
        );
        let examples: Vec<String> = context
            .regions
            .iter()
            .take(4)
            .map(|region| format!("{} {}", region.code, region.name_zh))
            .collect();
        let expected_region = format!(
            "已登记的地区代码之一，如 / a known region code, such as {}{}（`zijin regions list` 列出全部 lists them all）",
            examples.join(", "),
            if context.regions.len() > examples.len() {
                ", …"
            } else {
                ""
            }
        );
        let expected_period_years = format!(
            "规划期内 {} 年至 {} 年的期间 / a period from {} to {}, the years of the plan",
            plan.base_year, plan.target_year, plan.base_year, plan.target_year
        );
        Checker {
            context,
            indicators_by_code,
            regions_by_code,
            expected_indicator,
            expected_region,
            expected_period_years,
        }
    }

    pub(crate) fn indicator_at(&self, index: usize) -> &'a Indicator {
        &self.context.plan.indicators[index]
    }

    pub(crate) fn region_at(&self, index: usize) -> &'a Region {
        &self.context.regions[index]
    }

    /// A problem for a required cell left empty.
    pub(crate) fn empty_required(&self, what: Required, at: At<'_>, problems: &mut Problems<'_>) {
        let expected = match what {
            Required::Indicator => self.expected_indicator.as_str(),
            Required::Region => self.expected_region.as_str(),
            Required::Period => Period::EXPECTED,
            Required::Value => EXPECTED_NUMBER,
        };
        problems.add(
            Some(at.row),
            Some(at.column),
            EMPTY_FOUND,
            expected,
            "必填单元格为空 / a required cell is empty",
        );
    }

    pub(crate) fn indicator(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<usize> {
        let Some(text) = cell.text() else {
            self.empty_required(Required::Indicator, at, problems);
            return None;
        };
        let found = self.indicators_by_code.get(text.as_ref()).copied();
        if found.is_none() {
            problems.add(
                Some(at.row),
                Some(at.column),
                text.into_owned(),
                self.expected_indicator.as_str(),
                format!(
                    "规划中没有这个指标代码 / the plan {} has no indicator with this code",
                    self.context.plan.code
                ),
            );
        }
        found
    }

    pub(crate) fn region(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<usize> {
        let Some(text) = cell.text() else {
            self.empty_required(Required::Region, at, problems);
            return None;
        };
        let found = self.regions_by_code.get(text.as_ref()).copied();
        if found.is_none() {
            problems.add(
                Some(at.row),
                Some(at.column),
                text.into_owned(),
                self.expected_region.as_str(),
                "未知的地区代码 / unknown region code",
            );
        }
        found
    }

    pub(crate) fn period(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<Period> {
        if cell.is_empty() {
            self.empty_required(Required::Period, at, problems);
            return None;
        }
        let Some(period) = period_of(cell) else {
            problems.add(
                Some(at.row),
                Some(at.column),
                cell.found(),
                format!(
                    "{} / 年 2022、半年 2023-H1、季度 2023-Q2 或 1 月至该月 2023-11",
                    Period::EXPECTED
                ),
                "期间格式无法识别 / the period cannot be read",
            );
            return None;
        };
        if !self.context.plan.covers_year(period.year()) {
            problems.add(
                Some(at.row),
                Some(at.column),
                cell.found(),
                self.expected_period_years.as_str(),
                "期间不在规划期内 / the period is outside the plan",
            );
            return None;
        }
        Some(period)
    }

    pub(crate) fn value(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<f64> {
        if cell.is_empty() {
            self.empty_required(Required::Value, at, problems);
            return None;
        }
        if let Some(value) = number_of(cell) {
            return Some(value);
        }
        let found = cell.found();
        let expected = match cell {
            Cell::Text(text) => value_hint(text).unwrap_or_else(|| EXPECTED_NUMBER.to_owned()),
            _ => EXPECTED_NUMBER.to_owned(),
        };
        problems.add(
            Some(at.row),
            Some(at.column),
            found,
            expected,
            "数值不是数字 / the value is not a number",
        );
        None
    }

    /// The qualifier; an empty cell means `=` (as published).
    pub(crate) fn qualifier(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<Qualifier> {
        let Some(text) = cell.text() else {
            return Some(Qualifier::Exact);
        };
        match text.parse::<Qualifier>() {
            Ok(qualifier) => Some(qualifier),
            Err(_) => {
                problems.add(
                    Some(at.row),
                    Some(at.column),
                    text.into_owned(),
                    "= (按公布数 as published)、> (超过 more than) 或 ~ (约 about)；留空即 = / leave empty for =",
                    "限定符无效 / the qualifier is not valid",
                );
                None
            }
        }
    }

    /// Checks that a unit, when given, is the indicator's. Returns whether it is.
    pub(crate) fn unit(
        &self,
        cell: &Cell<'_>,
        indicator: Option<usize>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> bool {
        let (Some(text), Some(index)) = (cell.text(), indicator) else {
            return true;
        };
        let indicator = self.indicator_at(index);
        // Chinese input methods type the full-width percent sign.
        let same = text == indicator.unit || text.replace('％', "%") == indicator.unit;
        if !same {
            problems.add(
                Some(at.row),
                Some(at.column),
                text.into_owned(),
                format!(
                    "{}（指标 {} 的单位；数值请换算为此单位，或将单位留空 / the unit of {}: convert the value to it, or leave the unit empty）",
                    indicator.unit, indicator.code, indicator.code
                ),
                "单位与指标的单位不同 / the unit differs from the indicator's unit",
            );
        }
        same
    }

    /// The source quality; an empty cell takes the import's default.
    pub(crate) fn source_quality(
        &self,
        cell: &Cell<'_>,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> Option<SourceQuality> {
        let Some(text) = cell.text() else {
            return Some(self.context.default_source_quality);
        };
        match text.parse::<SourceQuality>() {
            Ok(quality) => Some(quality),
            Err(_) => {
                problems.add(
                    Some(at.row),
                    Some(at.column),
                    text.into_owned(),
                    "official、press、third-party、reported 或 synthetic（或 官方、媒体、第三方、报送、合成）；留空则用导入时指定的默认值 / leave empty for the import's default",
                    "来源质量无效 / the source quality is not valid",
                );
                None
            }
        }
    }

    /// Records the key of a row; a problem if the file had it already.
    pub(crate) fn first_time(
        &self,
        seen: &mut SeenRows,
        key: RowKey,
        at: At<'_>,
        problems: &mut Problems<'_>,
    ) -> bool {
        let row = at.row;
        match seen.entry(pack(key)) {
            Entry::Vacant(entry) => {
                entry.insert(row);
                true
            }
            Entry::Occupied(entry) => {
                let (indicator, region, period) = key;
                let first_row = *entry.get();
                problems.add(
                    Some(row),
                    Some(at.column),
                    format!(
                        "{} / {} / {}",
                        self.indicator_at(indicator).code,
                        self.region_at(region).code,
                        period
                    ),
                    "每个（指标, 地区, 期间）在一个文件中只出现一次 / each (indicator, region, period) once in a file",
                    format!(
                        "与第 {first_row} 行重复：指标、地区、期间相同 / duplicate of row {first_row}: same indicator, region and period"
                    ),
                );
                false
            }
        }
    }

    /// The observation of a row whose cells all passed their checks.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn observation(
        &self,
        (indicator, region, period): RowKey,
        value: f64,
        qualifier: Qualifier,
        source: Option<&str>,
        default_source: &str,
        source_quality: SourceQuality,
        note: Option<&str>,
    ) -> Observation {
        let indicator = self.indicator_at(indicator);
        Observation {
            indicator: indicator.code.clone(),
            region: self.region_at(region).code.clone(),
            period,
            value,
            qualifier,
            unit: indicator.unit.clone(),
            source: source.unwrap_or(default_source).to_owned(),
            source_quality,
            note: note.map(str::to_owned),
        }
    }
}

/// The required cells of a row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Required {
    Indicator,
    Region,
    Period,
    Value,
}

pub(crate) const EXPECTED_NUMBER: &str = "数字，如 1234.5 或 1,234.5，不带单位或文字 / a number such as 1234.5 or 1,234.5, without unit or words";

/// Words that publications put around a number, and the qualifier they mean.
const MORE_THAN_WORDS: [&str; 8] = [">", "＞", "≥", "超过", "超", "逾", "大于", "多于"];
const ABOUT_WORDS: [&str; 6] = ["~", "～", "≈", "约", "大约", "近"];
const MORE_THAN_SUFFIXES: [&str; 4] = ["以上", "多", "余", "+"];
const ABOUT_SUFFIXES: [&str; 1] = ["左右"];

/// What to write instead of a value such as `约100`, `>100`, `100以上` or
/// `3.5%`: the number in the value column, and the qualifier in its own column.
fn value_hint(text: &str) -> Option<String> {
    let mut rest = text.trim();
    let mut qualifier = None;
    // Longer words first, so that "大约" is not read as "约" after "大".
    let mut prefixes: Vec<(&str, Qualifier)> = MORE_THAN_WORDS
        .iter()
        .map(|word| (*word, Qualifier::MoreThan))
        .chain(ABOUT_WORDS.iter().map(|word| (*word, Qualifier::About)))
        .collect();
    prefixes.sort_by_key(|(word, _)| std::cmp::Reverse(word.len()));
    if let Some((word, found)) = prefixes.iter().find(|(word, _)| rest.starts_with(word)) {
        rest = rest[word.len()..].trim_start();
        qualifier = Some(*found);
    }
    for (suffix, found) in MORE_THAN_SUFFIXES
        .iter()
        .map(|word| (*word, Qualifier::MoreThan))
        .chain(ABOUT_SUFFIXES.iter().map(|word| (*word, Qualifier::About)))
    {
        if let Some(stripped) = rest.strip_suffix(suffix) {
            rest = stripped.trim_end();
            qualifier = qualifier.or(Some(found));
            break;
        }
    }
    // A number Rust reads but too large to be finite ("1e999"): no hint.
    if qualifier.is_none() && rest.parse::<f64>().is_ok() {
        return None;
    }
    // A unit written after the number: the number is what is left.
    let number_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
        .map_or(rest.len(), |(index, _)| index);
    let (number_text, unit) = rest.split_at(number_end);
    let number = parse_decimal(number_text)?;
    let unit = unit.trim();
    let number = format_number(number);
    let mut hint = format!("数值列只填数字 {number}");
    let mut hint_en = format!("write only the number {number} in the value column");
    if let Some(qualifier) = qualifier {
        hint.push_str(&format!(
            "，并在限定列（qualifier）填 {}",
            qualifier.symbol()
        ));
        hint_en.push_str(&format!(
            " and {} in the qualifier column",
            qualifier.symbol()
        ));
    }
    if !unit.is_empty() {
        hint.push_str(&format!("，单位 {unit} 不要写在数值中"));
        hint_en.push_str(&format!("; leave the unit {unit} out of the value"));
    }
    Some(format!("{hint} / {hint_en}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_keys_are_distinct() {
        let mut keys = std::collections::HashSet::new();
        for indicator in [0, 1, 21, 65_535] {
            for region in [0, 1, 28, 16_777_215] {
                for period in [
                    Period::Year(2020),
                    Period::Year(2025),
                    Period::Half(2023, 1),
                    Period::Half(2023, 2),
                    Period::Quarter(2023, 1),
                    Period::Quarter(2023, 4),
                    Period::Month(2023, 1),
                    Period::Month(2023, 12),
                ] {
                    assert!(keys.insert(pack((indicator, region, period))));
                }
            }
        }
    }

    #[test]
    fn hints_say_where_the_words_go() {
        let hint = value_hint("约100").unwrap();
        assert!(
            hint.contains("100") && hint.contains("~ in the qualifier column"),
            "{hint}"
        );
        let hint = value_hint(">1,000").unwrap();
        assert!(
            hint.contains("1000") && hint.contains("> in the qualifier column"),
            "{hint}"
        );
        let hint = value_hint("2万以上").unwrap();
        assert!(
            hint.contains("number 2 ") && hint.contains("unit 万"),
            "{hint}"
        );
        let hint = value_hint("3.5%").unwrap();
        assert!(
            hint.contains("3.5") && hint.contains("unit %") && !hint.contains("qualifier"),
            "{hint}"
        );
        let hint = value_hint("大约 12").unwrap();
        assert!(hint.contains("12") && hint.contains('~'), "{hint}");
        assert_eq!(value_hint("abc"), None);
        assert_eq!(value_hint("1e999"), None);
        assert_eq!(value_hint("未公布"), None);
    }
}
