//! One cell of a CSV or XLSX file, whatever its type, and the parsing of
//! numbers and periods out of it.
//!
//! CSV cells are always text; XLSX cells may be numbers, text or dates (Excel
//! turns `2023-11` typed into a cell into the date 2023-11-01). Both become a
//! [`Cell`], so that the checks are written once.

use std::borrow::Cow;

use calamine::Data;
use zijin_domain::Period;

/// The content of one cell. Text is trimmed and never empty.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Date {
        year: i32,
        month: u8,
        day: u8,
    },
    /// A boolean, an error value (`#DIV/0!`) or a duration, as Excel shows it.
    Other(String),
}

/// What the user sees for an empty cell in a problem.
pub(crate) const EMPTY_FOUND: &str = "（空）(empty)";

impl<'a> Cell<'a> {
    pub(crate) fn from_text(text: &'a str) -> Self {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(trimmed)
        }
    }

    pub(crate) fn from_data(data: &'a Data) -> Self {
        match data {
            Data::Empty => Cell::Empty,
            Data::String(text) => Cell::from_text(text),
            Data::Float(number) => Cell::Number(*number),
            Data::Int(number) => Cell::Number(*number as f64),
            Data::Bool(true) => Cell::Other("TRUE".to_owned()),
            Data::Bool(false) => Cell::Other("FALSE".to_owned()),
            Data::DateTime(date_time) if date_time.is_datetime() => {
                let (year, month, day, ..) = date_time.to_ymd_hms_milli();
                Cell::Date {
                    year: i32::from(year),
                    month,
                    day,
                }
            }
            Data::DateTime(duration) => Cell::Other(format!("{} (duration)", duration.as_f64())),
            Data::DateTimeIso(text) => iso_date(text).unwrap_or_else(|| Cell::from_text(text)),
            Data::DurationIso(text) => Cell::from_text(text),
            Data::Error(error) => Cell::Other(error.to_string()),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The content as text, the way a person reads the cell: numbers without
    /// a needless `.0` (a region code typed as the number 320100 reads
    /// `320100`). `None` for an empty cell.
    pub(crate) fn text(&self) -> Option<Cow<'a, str>> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) => Some(Cow::Borrowed(text)),
            Cell::Number(number) => Some(Cow::Owned(format_number(*number))),
            Cell::Date { year, month, day } => {
                Some(Cow::Owned(format!("{year:04}-{month:02}-{day:02}")))
            }
            Cell::Other(text) => Some(Cow::Owned(text.clone())),
        }
    }

    /// What a problem reports as found.
    pub(crate) fn found(&self) -> String {
        match self {
            Cell::Empty => EMPTY_FOUND.to_owned(),
            Cell::Date { year, month, day } => {
                format!("{year:04}-{month:02}-{day:02}（日期单元格 a date cell）")
            }
            other => other.text().map(Cow::into_owned).unwrap_or_default(),
        }
    }
}

/// A date in ISO 8601 (`2023-11-01` or `2023-11-01T00:00:00`), as some
/// writers store date cells.
fn iso_date(text: &str) -> Option<Cell<'_>> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts
        .next()?
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let day = parts
        .next()?
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    Some(Cell::Date { year, month, day })
}

/// A number as a person writes it: integers without a decimal point.
pub(crate) fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// Parses a decimal number written as text: `1234.5`, `-3`, `1,234.5`
/// (thousands separators in groups of three), `1e3`. Rejects words that Rust
/// would accept (`inf`, `NaN`) and values too large to be finite.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = if unsigned.contains(',') {
        let integer_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or_default();
        let mut groups = integer_part.split(',');
        let first = groups.next().unwrap_or_default();
        let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
        let rest_ok =
            groups.all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()));
        if !(first_ok && rest_ok) || unsigned[integer_part.len()..].contains(',') {
            return None;
        }
        text.replace(',', "").parse().ok()?
    } else {
        text.parse().ok()?
    };
    value.is_finite().then_some(value)
}

/// A number out of a cell, or `None` when the cell holds no number.
pub(crate) fn number_of(cell: &Cell<'_>) -> Option<f64> {
    match cell {
        Cell::Number(number) => number.is_finite().then_some(*number),
        Cell::Text(text) => parse_decimal(text),
        Cell::Empty | Cell::Date { .. } | Cell::Other(_) => None,
    }
}

/// A period out of a cell: text in the canonical forms (`2022`, `2023-H1`,
/// `2023-Q2`, `2023-11`), a whole number (`2022.0` is the year 2022), or a
/// date cell, which is how Excel stores `2023-11` typed by hand (the month,
/// January to that month).
pub(crate) fn period_of(cell: &Cell<'_>) -> Option<Period> {
    match cell {
        Cell::Text(text) => text.parse().ok(),
        Cell::Number(number) => {
            let whole = number.fract() == 0.0 && (1900.0..=2200.0).contains(number);
            whole.then_some(Period::Year(*number as i32))
        }
        Cell::Date { year, month, .. } => Some(Period::Month(*year, *month)),
        Cell::Empty | Cell::Other(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_with_and_without_separators() {
        assert_eq!(parse_decimal("1234.5"), Some(1234.5));
        assert_eq!(parse_decimal(" 1,234.5 "), Some(1234.5));
        assert_eq!(parse_decimal("12,345,678"), Some(12_345_678.0));
        assert_eq!(parse_decimal("-1,000"), Some(-1000.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("1e3"), Some(1000.0));
        for bad in [
            "", "abc", "inf", "NaN", "-inf", "1e999", "1,23", "12,3456", ",123", "1.234,5",
            "约100", "100%", "1 000",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn periods_from_every_cell_type() {
        assert_eq!(
            period_of(&Cell::Text("2023-H1")),
            Some(Period::Half(2023, 1))
        );
        assert_eq!(period_of(&Cell::Number(2022.0)), Some(Period::Year(2022)));
        assert_eq!(period_of(&Cell::Number(2022.5)), None);
        assert_eq!(
            period_of(&Cell::Date {
                year: 2023,
                month: 11,
                day: 1
            }),
            Some(Period::Month(2023, 11))
        );
    }

    #[test]
    fn numbers_read_as_text_like_a_person_writes_them() {
        assert_eq!(Cell::Number(320100.0).text().unwrap(), "320100");
        assert_eq!(Cell::Number(3.48).text().unwrap(), "3.48");
        assert_eq!(Cell::from_text("  \u{3000}"), Cell::Empty);
    }

    #[test]
    fn iso_dates_become_date_cells() {
        let data = Data::DateTimeIso("2023-11-01T00:00:00".to_owned());
        assert_eq!(
            Cell::from_data(&data),
            Cell::Date {
                year: 2023,
                month: 11,
                day: 1
            }
        );
    }
}
