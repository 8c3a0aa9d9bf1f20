//! The plan file: a TOML document, documented in `data/README.md` and in the
//! header of `data/nanjing/plan.toml`.
//!
//! The file has its own serde types rather than the domain's, for two
//! reasons: a person writes it, so it takes short forms (`baseline = 3.48`
//! is the value in the base year, `target = [3, 4]` is a range), and every
//! table rejects unknown keys, so a misspelt key is an error rather than a
//! silently missing value.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;
use zijin_domain::{
    Baseline, Binding, Direction, Indicator, IndicatorCode, Kind, Measure, Plan, PlanCode,
    PlanError, RegionCode, RegionTarget, Target, Thresholds,
};

use crate::error::{FileError, FileKind, FileProblem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    code: PlanCode,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    region: RegionCode,
    base_year: i32,
    target_year: i32,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    thresholds: ThresholdsFile,
    #[serde(default)]
    indicators: Vec<Spanned<IndicatorFile>>,
}

/// Thresholds; a key left out takes the assessment method's default.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ThresholdsFile {
    ahead_gap: Option<f64>,
    lagging_gap: Option<f64>,
    seriously_lagging_gap: Option<f64>,
    growth_on_track: Option<f64>,
    growth_moderate: Option<f64>,
    projection_likely: Option<f64>,
    projection_partly: Option<f64>,
    reporting_lag_months: Option<u32>,
}

impl ThresholdsFile {
    fn into_thresholds(self) -> Thresholds {
        let default = Thresholds::default();
        Thresholds {
            ahead_gap: self.ahead_gap.unwrap_or(default.ahead_gap),
            lagging_gap: self.lagging_gap.unwrap_or(default.lagging_gap),
            seriously_lagging_gap: self
                .seriously_lagging_gap
                .unwrap_or(default.seriously_lagging_gap),
            growth_on_track: self.growth_on_track.unwrap_or(default.growth_on_track),
            growth_moderate: self.growth_moderate.unwrap_or(default.growth_moderate),
            projection_likely: self.projection_likely.unwrap_or(default.projection_likely),
            projection_partly: self.projection_partly.unwrap_or(default.projection_partly),
            reporting_lag_months: self
                .reporting_lag_months
                .unwrap_or(default.reporting_lag_months),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    code: IndicatorCode,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    unit: String,
    #[serde(default)]
    direction: Direction,
    kind: Kind,
    measure: Measure,
    #[serde(default)]
    binding: Binding,
    #[serde(default)]
    department: Option<String>,
    section: String,
    #[serde(default)]
    baseline: Option<BaselineSpec>,
    #[serde(default)]
    target: Option<TargetSpec>,
    #[serde(default)]
    region_targets: Vec<RegionTargetFile>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionTargetFile {
    region: RegionCode,
    #[serde(default)]
    baseline: Option<BaselineSpec>,
    target: TargetSpec,
}

/// `3.48` (in the plan's base year) or `{ year = 2019, value = 3.48 }`.
struct BaselineSpec {
    year: Option<i32>,
    value: f64,
}

/// `4`, `[3, 4]`, `{ year = 2024, value = 4 }` or `{ year = 2024, range = [3, 4] }`.
struct TargetSpec {
    year: Option<i32>,
    ends: TargetEnds,
}

enum TargetEnds {
    Value(f64),
    Range(f64, f64),
}

impl BaselineSpec {
    fn into_baseline(self, base_year: i32) -> Baseline {
        Baseline {
            year: self.year.unwrap_or(base_year),
            value: self.value,
        }
    }
}

impl TargetSpec {
    fn into_target(self, target_year: i32, direction: Direction) -> Target {
        let year = self.year.unwrap_or(target_year);
        match self.ends {
            TargetEnds::Value(value) => Target::value(year, value),
            TargetEnds::Range(one_end, other_end) => {
                Target::range(year, one_end, other_end, direction)
            }
        }
    }
}

impl<'de> Deserialize<'de> for BaselineSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(NumberOrTable {
                range_allowed: false,
            })
            .and_then(|spec| match spec.ends {
                TargetEnds::Value(value) => Ok(BaselineSpec {
                    year: spec.year,
                    value,
                }),
                TargetEnds::Range(..) => {
                    Err(de::Error::custom("a baseline is one number, not a range"))
                }
            })
    }
}

impl<'de> Deserialize<'de> for TargetSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrTable {
            range_allowed: true,
        })
    }
}

/// Reads the short and the long forms of a baseline or a target.
struct NumberOrTable {
    range_allowed: bool,
}

impl NumberOrTable {
    fn value(value: f64) -> TargetSpec {
        TargetSpec {
            year: None,
            ends: TargetEnds::Value(value),
        }
    }
}

impl<'de> Visitor<'de> for NumberOrTable {
    type Value = TargetSpec;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.range_allowed {
            formatter.write_str("a number (4), a range [3, 4], or a table { year = 2025, value = 4 } or { year = 2025, range = [3, 4] }")
        } else {
            formatter.write_str("a number (3.48) or a table { year = 2020, value = 3.48 }")
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<TargetSpec, E> {
        Ok(Self::value(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<TargetSpec, E> {
        Ok(Self::value(value as f64))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<TargetSpec, E> {
        Ok(Self::value(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TargetSpec, A::Error> {
        if !self.range_allowed {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        let (low, high) = read_range(&mut seq)?;
        Ok(TargetSpec {
            year: None,
            ends: TargetEnds::Range(low, high),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TargetSpec, A::Error> {
        let fields: &'static [&'static str] = if self.range_allowed {
            &["year", "value", "range"]
        } else {
            &["year", "value"]
        };
        let mut year = None;
        let mut ends = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "year" => year = Some(map.next_value::<i32>()?),
                "value" => ends = Some(TargetEnds::Value(map.next_value::<f64>()?)),
                "range" if self.range_allowed => {
                    let [low, high] = map.next_value::<[f64; 2]>()?;
                    ends = Some(TargetEnds::Range(low, high));
                }
                other => return Err(de::Error::unknown_field(other, fields)),
            }
        }
        let ends = ends.ok_or_else(|| {
            de::Error::custom(if self.range_allowed {
                "the table needs `value` or `range`"
            } else {
                "the table needs `value`"
            })
        })?;
        Ok(TargetSpec { year, ends })
    }
}

fn read_range<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<(f64, f64), A::Error> {
    let expected = &"two numbers [low, high]";
    let low = seq
        .next_element::<f64>()?
        .ok_or_else(|| de::Error::invalid_length(0, expected))?;
    let high = seq
        .next_element::<f64>()?
        .ok_or_else(|| de::Error::invalid_length(1, expected))?;
    if seq.next_element::<f64>()?.is_some() {
        return Err(de::Error::invalid_length(3, expected));
    }
    Ok((low, high))
}

/// Parses a plan file and validates the plan. Fails with every problem of the
/// file: TOML syntax and unknown keys (with line and column), then every
/// problem [`Plan::validate`] finds (with the line of the indicator's field).
pub fn parse_plan(text: &str, file_name: &str) -> Result<Plan, FileError> {
    let file: PlanFile = toml::from_str(text).map_err(|error| FileError {
        file: file_name.to_owned(),
        kind: FileKind::Plan,
        problems: vec![toml_problem(
            file_name,
            text,
            &error,
            "[[indicators]]",
            "指标 indicator",
        )],
    })?;
    let base_year = file.base_year;
    let target_year = file.target_year;
    let spans = table_extents(text, file.indicators.iter().map(Spanned::span));
    let mut indicators = Vec::with_capacity(file.indicators.len());
    for spanned in file.indicators {
        let indicator = spanned.into_inner();
        let direction = indicator.direction;
        indicators.push(Indicator {
            code: indicator.code,
            name_zh: indicator.name_zh,
            name_en: indicator.name_en,
            unit: indicator.unit,
            direction,
            kind: indicator.kind,
            measure: indicator.measure,
            binding: indicator.binding,
            department: indicator.department,
            section: indicator.section,
            baseline: indicator
                .baseline
                .map(|baseline| baseline.into_baseline(base_year)),
            target: indicator
                .target
                .map(|target| target.into_target(target_year, direction)),
            region_targets: indicator
                .region_targets
                .into_iter()
                .map(|region_target| RegionTarget {
                    region: region_target.region,
                    baseline: region_target
                        .baseline
                        .map(|baseline| baseline.into_baseline(base_year)),
                    target: region_target.target.into_target(target_year, direction),
                })
                .collect(),
            note: indicator.note,
        });
    }
    let plan = Plan {
        code: file.code,
        name_zh: file.name_zh,
        name_en: file.name_en,
        region: file.region,
        base_year,
        target_year,
        document: file.document,
        thresholds: file.thresholds.into_thresholds(),
        indicators,
    };
    match plan.validate() {
        Ok(()) => Ok(plan),
        Err(errors) => Err(FileError {
            file: file_name.to_owned(),
            kind: FileKind::Plan,
            problems: errors
                .into_iter()
                .map(|error| validation_problem(file_name, text, &plan, &spans, error))
                .collect(),
        }),
    }
}

fn validation_problem(
    file_name: &str,
    text: &str,
    plan: &Plan,
    spans: &[Range<usize>],
    error: PlanError,
) -> FileProblem {
    let line = match &error.indicator {
        Some(code) => {
            // With a repeated code, the problem is at the second occurrence.
            let positions: Vec<usize> = plan
                .indicators
                .iter()
                .enumerate()
                .filter(|(_, indicator)| &indicator.code == code)
                .map(|(index, _)| index)
                .collect();
            let index = if error.field == "code" {
                positions.get(1).or(positions.first())
            } else {
                positions.first()
            };
            index
                .and_then(|index| spans.get(*index))
                .map(|span| field_line(text, span.clone(), &error.field))
        }
        None => {
            let top = 0..spans.first().map_or(text.len(), |span| span.start);
            let field = if error.field == "thresholds" {
                "[thresholds]"
            } else {
                error.field.as_str()
            };
            find_key_line(text, top, field)
        }
    };
    FileProblem {
        file: file_name.to_owned(),
        line,
        column: None,
        item: error
            .indicator
            .as_ref()
            .map(|code| format!("指标 indicator {code}")),
        field: Some(error.field),
        message: error.message,
    }
}

/// Where each entry of an array of tables is in the text. The span TOML gives
/// an entry written as `[[indicators]]` covers its header only, so an entry
/// is taken to run to the next entry (or the end of the text).
pub(crate) fn table_extents(
    text: &str,
    spans: impl Iterator<Item = Range<usize>>,
) -> Vec<Range<usize>> {
    let starts: Vec<usize> = spans.map(|span| span.start).collect();
    starts
        .iter()
        .enumerate()
        .map(|(index, start)| *start..starts.get(index + 1).copied().unwrap_or(text.len()))
        .collect()
}

/// The line of `field` within an indicator's table, or the table's first line.
fn field_line(text: &str, span: Range<usize>, field: &str) -> usize {
    let found = match field.strip_prefix("region_targets.") {
        Some(region) => find_line(text, span.clone(), |line| {
            line.trim_start().starts_with("region") && line.contains(&format!("\"{region}\""))
        })
        .or_else(|| find_key_line(text, span.clone(), "region_targets")),
        None => find_key_line(text, span.clone(), field),
    };
    found.unwrap_or_else(|| line_of(text, span.start))
}

/// The line (1-based) in `range` that assigns `key` (`key = …`), or the
/// line of a table header such as `[thresholds]`.
pub(crate) fn find_key_line(text: &str, range: Range<usize>, key: &str) -> Option<usize> {
    find_line(text, range, |line| {
        let line = line.trim_start();
        if key.starts_with('[') {
            return line.starts_with(key);
        }
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

fn find_line(text: &str, range: Range<usize>, matches: impl Fn(&str) -> bool) -> Option<usize> {
    let start = range.start.min(text.len());
    let end = range.end.min(text.len());
    let mut offset = start;
    for line in text.get(start..end)?.split_inclusive('\n') {
        if matches(line) {
            return Some(line_of(text, offset));
        }
        offset += line.len();
    }
    None
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// A TOML syntax or type error: its line, column, message, and the item
/// (`[[indicators]]` table and its code) it is in, when there is one.
pub(crate) fn toml_problem(
    file_name: &str,
    text: &str,
    error: &toml::de::Error,
    table_header: &str,
    item_name: &str,
) -> FileProblem {
    let (line, column, item) = match error.span() {
        Some(span) => {
            let offset = span.start.min(text.len());
            let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
            let column = text[line_start..offset].chars().count() + 1;
            (
                Some(line_of(text, offset)),
                Some(column),
                enclosing_item(text, offset, table_header, item_name),
            )
        }
        None => (None, None, None),
    };
    FileProblem {
        file: file_name.to_owned(),
        line,
        column,
        item,
        field: None,
        message: error.message().trim().replace('\n', "; "),
    }
}

/// The code of the array-of-tables entry that contains `offset`, read from
/// its `code = "…"` line, for messages such as "indicator rd_intensity".
fn enclosing_item(
    text: &str,
    offset: usize,
    table_header: &str,
    item_name: &str,
) -> Option<String> {
    let before = &text[..offset];
    let table_start = before
        .match_indices(table_header)
        .filter(|(index, _)| *index == 0 || text.as_bytes()[index - 1] == b'\n')
        .map(|(index, _)| index)
        .last()?;
    let table_end = text[table_start + table_header.len()..]
        .find("\n[")
        .map_or(text.len(), |index| table_start + table_header.len() + index);
    let code_line = text[table_start..table_end]
        .lines()
        .find(|line| line.trim_start().starts_with("code") && line.contains('='))?;
    let code = code_line.split_once('=')?.1.trim().trim_matches('"');
    Some(format!("{item_name} {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_one() {
        let text = "a = 1\nb = 2\n\n[thresholds]\nc = 3\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(find_key_line(text, 0..text.len(), "b"), Some(2));
        assert_eq!(find_key_line(text, 0..text.len(), "[thresholds]"), Some(4));
        assert_eq!(find_key_line(text, 0..text.len(), "d"), None);
    }
}
