//! The languages Zijin speaks to people: Chinese first, English as a switch.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the user interface, the bulletins and the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Simplified Chinese (the default).
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the text of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The BCP 47 tag, for `<html lang>` and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `zh`, `zh-CN`, `zh-Hans`, `en`, `en-GB`, … (case-insensitive): the primary subtag decides.
impl FromStr for Lang {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let primary = text
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(format!("unknown language {text:?}: expected zh or en")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_by_their_primary_subtag() {
        assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!("EN_gb".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::En.pick("中", "en"), "en");
        assert_eq!(Lang::default(), Lang::Zh);
    }
}
