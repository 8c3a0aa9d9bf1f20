//! The unified social credit code (统一社会信用代码, GB 32100-2015), the key of
//! every enterprise.
//!
//! 18 characters: registration authority (1), organisation type (1), area code
//! (6 digits, GB/T 2260), organisation code (9) and a check character. Every
//! character is in the alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY` (values 0–30;
//! no I, O, S, V, Z). The check character is `31 − (Σ cᵢ·wᵢ mod 31)` over the
//! first 17 characters with weights `wᵢ = 3^(i−1) mod 31`, 31 meaning 0.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 31 characters of the code, in the order of their values 0–30.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters: `3^(i−1) mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code whose length, alphabet and check character
/// have been checked. Lower-case letters are accepted and stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc(String);

/// Why a text is not a unified social credit code. Positions count from 1,
/// the way a person reads the code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error(
        "统一社会信用代码应为 18 位，“{code}”有 {found} 位 / a unified social credit code has 18 characters, “{code}” has {found}"
    )]
    Length { code: String, found: usize },
    #[error(
        "统一社会信用代码“{code}”第 {position} 位的“{character}”不在字符集 {ALPHABET} 中（无 I、O、S、V、Z）/ character {position} of “{code}”, “{character}”, is not in the alphabet {ALPHABET} (no I, O, S, V, Z)"
    )]
    Character {
        code: String,
        position: usize,
        character: char,
    },
    #[error(
        "统一社会信用代码“{code}”的校验位应为“{expected}”，实为“{found}” / the check character of “{code}” should be “{expected}”, found “{found}”"
    )]
    CheckCharacter {
        code: String,
        expected: char,
        found: char,
    },
}

impl Uscc {
    /// Checks `text` (surrounding white space ignored, letters in either case).
    pub fn parse(text: &str) -> Result<Self, UsccError> {
        let code = text.trim().to_ascii_uppercase();
        let found = code.chars().count();
        if found != 18 {
            return Err(UsccError::Length { code, found });
        }
        let mut values = [0u32; 17];
        for (index, character) in code.chars().take(17).enumerate() {
            match value_of(character) {
                Some(value) => values[index] = value,
                None => {
                    return Err(UsccError::Character {
                        code,
                        position: index + 1,
                        character,
                    });
                }
            }
        }
        // A last character outside the alphabet is reported as a wrong check
        // character, which says what it should be.
        let expected = check_character(&values);
        let found = code.chars().nth(17).unwrap_or_default();
        if expected != found {
            return Err(UsccError::CheckCharacter {
                code,
                expected,
                found,
            });
        }
        Ok(Uscc(code))
    }

    /// The 18 characters, upper-case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative area code (GB/T 2260), characters 3–8.
    pub fn area_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The 9-character organisation code, characters 9–17.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

/// The value (0–30) of a character of the alphabet.
fn value_of(character: char) -> Option<u32> {
    ALPHABET.find(character).map(|index| index as u32)
}

/// The check character of the first 17 values.
fn check_character(values: &[u32]) -> char {
    let sum: u32 = values
        .iter()
        .zip(WEIGHTS)
        .map(|(value, weight)| value * weight)
        .sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET.as_bytes()[check as usize] as char
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Uscc::parse(text)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Uscc::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_modulo_31() {
        let mut weight = 1;
        for expected in WEIGHTS {
            assert_eq!(weight, expected);
            weight = weight * 3 % 31;
        }
    }
}
