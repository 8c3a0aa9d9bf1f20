//! Stable identifiers. Data files rely on them, so their syntax is checked once, here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} code {found:?} is not valid: {expected}")]
pub struct CodeError {
    pub what: &'static str,
    pub found: String,
    pub expected: &'static str,
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $expected:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(text: &str) -> Result<Self, CodeError> {
                let check: fn(&str) -> bool = $check;
                if check(text) {
                    Ok(Self(text.to_owned()))
                } else {
                    Err(CodeError { what: $what, found: text.to_owned(), expected: $expected })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// What a valid code looks like, for error messages.
            pub const EXPECTED: &'static str = $expected;
        }

        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(text: &str) -> Result<Self, CodeError> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(text: String) -> Result<Self, CodeError> {
                Self::new(&text)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

code_type!(
    /// The stable code of an indicator, such as `rd_intensity`: lower-case ASCII
    /// letters, digits and underscores, starting with a letter, at most 64 characters.
    IndicatorCode,
    "indicator",
    "lower-case letters, digits and '_', starting with a letter, at most 64 characters (e.g. rd_intensity)",
    |text| {
        !text.is_empty()
            && text.len() <= 64
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }
);

code_type!(
    /// The stable code of a region: a GB/T 2260 code (`320100`), or a code of
    /// our own for areas that have none (`jiangbei`, `NJHZ-01`). ASCII letters,
    /// digits, `-` and `_`, at most 32 characters. Codes are case-sensitive.
    RegionCode,
    "region",
    "ASCII letters, digits, '-' and '_', at most 32 characters (e.g. 320102, jiangbei, NJHZ-01)",
    |text| {
        !text.is_empty()
            && text.len() <= 32
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }
);

code_type!(
    /// The stable code of a plan, such as `nanjing-14th-st`.
    PlanCode,
    "plan",
    "ASCII letters, digits, '-' and '_', at most 64 characters (e.g. nanjing-14th-st)",
    |text| {
        !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_codes() {
        assert!(IndicatorCode::new("rd_intensity").is_ok());
        assert!(IndicatorCode::new("high_value_patents_per_10k").is_ok());
        for bad in ["", "RD", "1abc", "rd-intensity", "研发", &"a".repeat(65)] {
            let error = IndicatorCode::new(bad).unwrap_err();
            assert_eq!(error.found, bad);
        }
    }

    #[test]
    fn region_codes() {
        for good in ["320100", "jiangbei", "NJHZ-01"] {
            assert_eq!(RegionCode::new(good).unwrap().as_str(), good);
        }
        for bad in ["", "南京", "320 100", &"1".repeat(33)] {
            assert!(RegionCode::new(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn codes_round_trip_through_serde() {
        let code: RegionCode = serde_json::from_str("\"NJHZ-01\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"NJHZ-01\"");
        assert!(serde_json::from_str::<RegionCode>("\"bad code\"").is_err());
    }
}
