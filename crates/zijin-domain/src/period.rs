//! Reporting periods: a year, a half year, a quarter, or a month read as
//! "January to that month" (year to date), which is how Chinese statistical
//! bulletins publish monthly figures (1—11月).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A reporting period. Its canonical text form is `2022`, `2023-H1`,
/// `2023-Q2` or `2023-11` (January to November 2023).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// A half year: 1 is January–June, 2 is July–December.
    Half(i32, u8),
    /// A quarter, 1 to 4 (quarter 2 is April–June, not year to date).
    Quarter(i32, u8),
    /// January to the given month (1 to 12), year to date.
    Month(i32, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("period {found:?} is not valid: {expected}")]
pub struct ParsePeriodError {
    pub found: String,
    pub expected: &'static str,
}

impl Period {
    /// What a valid period looks like, for error messages.
    pub const EXPECTED: &'static str = "a year (2022), a half year (2023-H1), a quarter (2023-Q2) or a month, January to that month (2023-11)";

    pub fn year(self) -> i32 {
        match self {
            Period::Year(year)
            | Period::Half(year, _)
            | Period::Quarter(year, _)
            | Period::Month(year, _) => year,
        }
    }

    /// The first month the period covers (1 to 12).
    pub fn first_month(self) -> u8 {
        match self {
            Period::Year(_) | Period::Month(_, _) => 1,
            Period::Half(_, half) => 6 * (half - 1) + 1,
            Period::Quarter(_, quarter) => 3 * (quarter - 1) + 1,
        }
    }

    /// The last month the period covers (1 to 12).
    pub fn last_month(self) -> u8 {
        match self {
            Period::Year(_) => 12,
            Period::Half(_, half) => 6 * half,
            Period::Quarter(_, quarter) => 3 * quarter,
            Period::Month(_, month) => month,
        }
    }

    /// Whether the period covers the whole calendar year (`2023`, or `2023-12`,
    /// January to December).
    pub fn is_full_year(self) -> bool {
        self.first_month() == 1 && self.last_month() == 12
    }

    /// Whether the period starts in January, so that a flow over it is a
    /// year-to-date figure.
    pub fn is_year_to_date(self) -> bool {
        self.first_month() == 1
    }

    /// The last day of the period.
    pub fn end_date(self) -> NaiveDate {
        let year = self.year();
        let month = u32::from(self.last_month());
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_ymd_opt(next_year, next_month, 1)
            .and_then(|first_of_next| first_of_next.pred_opt())
            .expect("period dates are within chrono's range")
    }

    /// The period's position on the plan's time axis, in years: the end of
    /// year `t` is `t`, and the end of month `m` of year `t` is `t - 1 + m/12`
    /// (assessment method, reading 1).
    pub fn time(self) -> f64 {
        f64::from(self.year() - 1) + f64::from(self.last_month()) / 12.0
    }

    fn sort_key(self) -> (i32, u8, Ordering, u8) {
        let variant = match self {
            Period::Year(_) => 3,
            Period::Month(_, _) => 2,
            Period::Half(_, _) => 1,
            Period::Quarter(_, _) => 0,
        };
        // Among periods ending in the same month, the longer one sorts later,
        // so that "the latest period" prefers the full year to its last quarter.
        (
            self.year(),
            self.last_month(),
            12u8.cmp(&self.first_month()),
            variant,
        )
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Period {
    type Err = ParsePeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ParsePeriodError {
            found: text.to_owned(),
            expected: Period::EXPECTED,
        };
        let trimmed = text.trim();
        let parse_year = |digits: &str| -> Option<i32> {
            (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
                .filter(|year| (1900..=2200).contains(year))
        };
        if let Some(year) = parse_year(trimmed) {
            return Ok(Period::Year(year));
        }
        let (year_text, rest) = trimmed.split_once('-').ok_or_else(error)?;
        let year = parse_year(year_text).ok_or_else(error)?;
        let number = |digits: &str, max: u8| -> Option<u8> {
            (!digits.is_empty() && digits.len() <= 2 && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| digits.parse::<u8>().ok())
                .flatten()
                .filter(|n| (1..=max).contains(n))
        };
        let period = if let Some(half) = rest.strip_prefix(['H', 'h']) {
            Period::Half(year, number(half, 2).ok_or_else(error)?)
        } else if let Some(quarter) = rest.strip_prefix(['Q', 'q']) {
            Period::Quarter(year, number(quarter, 4).ok_or_else(error)?)
        } else {
            Period::Month(year, number(rest, 12).ok_or_else(error)?)
        };
        Ok(period)
    }
}

impl TryFrom<String> for Period {
    type Error = ParsePeriodError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(year) => write!(f, "{year}"),
            Period::Half(year, half) => write!(f, "{year}-H{half}"),
            Period::Quarter(year, quarter) => write!(f, "{year}-Q{quarter}"),
            Period::Month(year, month) => write!(f, "{year}-{month:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(text: &str, canonical: &str, first: u8, last: u8, end: &str) {
        let period: Period = text.parse().unwrap();
        assert_eq!(period.to_string(), canonical);
        assert_eq!(
            (period.first_month(), period.last_month()),
            (first, last),
            "{text}"
        );
        assert_eq!(period.end_date().to_string(), end);
    }

    #[test]
    fn parses_every_form() {
        check("2022", "2022", 1, 12, "2022-12-31");
        check("2023-H1", "2023-H1", 1, 6, "2023-06-30");
        check("2023-h2", "2023-H2", 7, 12, "2023-12-31");
        check("2023-Q2", "2023-Q2", 4, 6, "2023-06-30");
        check("2024-Q1", "2024-Q1", 1, 3, "2024-03-31");
        check("2023-11", "2023-11", 1, 11, "2023-11-30");
        check("2024-2", "2024-02", 1, 2, "2024-02-29");
        check(" 2023-06 ", "2023-06", 1, 6, "2023-06-30");
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "22",
            "2023-13",
            "2023-H3",
            "2023-Q0",
            "2023-",
            "2023/11",
            "二〇二三",
            "2023-H",
            "20233",
        ] {
            let error = bad.parse::<Period>().unwrap_err();
            assert_eq!(error.found, bad);
        }
    }

    #[test]
    fn time_axis_follows_the_method() {
        assert_eq!(Period::Year(2022).time(), 2022.0);
        assert!((Period::Month(2023, 11).time() - (2022.0 + 11.0 / 12.0)).abs() < 1e-12);
        assert!((Period::Half(2023, 1).time() - 2022.5).abs() < 1e-12);
    }

    #[test]
    fn full_year_sorts_after_its_parts() {
        let mut periods = [
            Period::Year(2023),
            Period::Quarter(2023, 4),
            Period::Half(2023, 2),
            Period::Month(2023, 11),
            Period::Year(2022),
            Period::Half(2023, 1),
        ];
        periods.sort();
        let texts: Vec<String> = periods.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["2022", "2023-H1", "2023-11", "2023-Q4", "2023-H2", "2023"]
        );
        assert!(Period::Month(2023, 12).is_full_year());
        assert!(!Period::Half(2023, 2).is_year_to_date());
    }

    proptest! {
        #[test]
        fn canonical_text_round_trips(year in 1900i32..2200, kind in 0u8..4, n in 1u8..13) {
            let period = match kind {
                0 => Period::Year(year),
                1 => Period::Half(year, 1 + n % 2),
                2 => Period::Quarter(year, 1 + n % 4),
                _ => Period::Month(year, n),
            };
            let back: Period = period.to_string().parse().unwrap();
            prop_assert_eq!(back, period);
            prop_assert!(period.end_date() <= Period::Year(year).end_date());
        }
    }
}
