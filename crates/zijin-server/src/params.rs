//! Query parameters, parsed once, with errors that name the parameter, what
//! was found and what is expected; and the language of a request.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use chrono::NaiveDate;
use zijin_assess::Light;
use zijin_domain::{IndicatorCode, Kind, Lang, RegionCode};

use crate::error::ApiError;

/// The query parameters of a request, in their order. Repeated names are kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    pub pairs: Vec<(String, String)>,
}

impl Params {
    pub fn from_uri(uri: &Uri) -> Result<Params, ApiError> {
        Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|Query(pairs)| Params { pairs })
            .map_err(|rejection| {
                ApiError::bad_parameter(
                    "query",
                    uri.query().unwrap_or_default(),
                    &format!("a URL-encoded query string ({})", rejection.body_text()),
                )
            })
    }

    /// The value of `name`, if given and not empty (an empty value, as a form
    /// sends for "any", counts as not given).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.trim())
    }

    /// Every value of `name`, also split at commas (`region=a,b` or
    /// `region=a&region=b`).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .collect()
    }

    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|text| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_parameter(name, text, "a date YYYY-MM-DD, such as 2024-04-30")
                })
            })
            .transpose()
    }

    pub fn indicator(&self, name: &str) -> Result<Option<IndicatorCode>, ApiError> {
        self.get(name)
            .map(|text| indicator_code(name, text))
            .transpose()
    }

    pub fn indicators(&self, name: &str) -> Result<Vec<IndicatorCode>, ApiError> {
        self.all(name)
            .into_iter()
            .map(|text| indicator_code(name, text))
            .collect()
    }

    pub fn region(&self, name: &str) -> Result<Option<RegionCode>, ApiError> {
        self.get(name)
            .map(|text| region_code(name, text))
            .transpose()
    }

    pub fn regions(&self, name: &str) -> Result<Vec<RegionCode>, ApiError> {
        self.all(name)
            .into_iter()
            .map(|text| region_code(name, text))
            .collect()
    }

    /// A light filter: `green`, `yellow`, `red`, or `none` (no light).
    pub fn light(&self, name: &str) -> Result<Option<LightFilter>, ApiError> {
        self.get(name)
            .map(|text| match text.to_ascii_lowercase().as_str() {
                "green" => Ok(LightFilter::Light(Light::Green)),
                "yellow" => Ok(LightFilter::Light(Light::Yellow)),
                "red" => Ok(LightFilter::Light(Light::Red)),
                "none" => Ok(LightFilter::None),
                _ => Err(ApiError::bad_parameter(
                    name,
                    text,
                    "green, yellow, red or none",
                )),
            })
            .transpose()
    }

    pub fn kind(&self, name: &str) -> Result<Option<Kind>, ApiError> {
        self.get(name)
            .map(|text| match text.to_ascii_lowercase().as_str() {
                "level" => Ok(Kind::Level),
                "cumulative" => Ok(Kind::Cumulative),
                "growth" => Ok(Kind::Growth),
                _ => Err(ApiError::bad_parameter(
                    name,
                    text,
                    "level, cumulative or growth",
                )),
            })
            .transpose()
    }

    /// The language: `?lang=` when it names one (explicit), else the first
    /// language of `Accept-Language` (by quality) that Zijin speaks, else
    /// Chinese.
    pub fn lang(&self, headers: &HeaderMap) -> (Lang, bool) {
        if let Some(lang) = self.get("lang").and_then(|text| text.parse::<Lang>().ok()) {
            return (lang, true);
        }
        (accept_language(headers).unwrap_or_default(), false)
    }
}

/// The `lang` parameter of the pages or the `Accept-Language` header.
fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    let header = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut choices: Vec<(f32, usize, Lang)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|part| part.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            let lang = tag.parse::<Lang>().ok()?;
            (quality > 0.0).then_some((quality, position, lang))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    choices.first().map(|choice| choice.2)
}

pub(crate) fn parse_year(name: &str, text: &str) -> Result<i32, ApiError> {
    text.parse::<i32>()
        .ok()
        .filter(|year| (1900..=2200).contains(year))
        .ok_or_else(|| ApiError::bad_parameter(name, text, "a year such as 2024"))
}

pub(crate) fn indicator_code(name: &str, text: &str) -> Result<IndicatorCode, ApiError> {
    IndicatorCode::new(text)
        .map_err(|_| ApiError::bad_parameter(name, text, IndicatorCode::EXPECTED))
}

pub(crate) fn region_code(name: &str, text: &str) -> Result<RegionCode, ApiError> {
    RegionCode::new(text).map_err(|_| ApiError::bad_parameter(name, text, RegionCode::EXPECTED))
}

/// Which assessments the overview shows, by light.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LightFilter {
    Light(Light),
    /// Assessments without a light.
    None,
}

impl LightFilter {
    pub fn matches(self, light: Option<Light>) -> bool {
        match self {
            LightFilter::Light(wanted) => light == Some(wanted),
            LightFilter::None => light.is_none(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Params::from_uri(&parts.uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_language_zijin_speaks() {
        let check = |header: &str, expected: Option<Lang>| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_LANGUAGE, header.parse().unwrap());
            assert_eq!(accept_language(&headers), expected, "{header}");
        };
        check("en-GB,en;q=0.9,zh-CN;q=0.8", Some(Lang::En));
        check("fr-FR, zh;q=0.5, en;q=0.4", Some(Lang::Zh));
        check("zh;q=0.2, en;q=0.9", Some(Lang::En));
        check("fr, de", None);
        check("en;q=0, zh;q=0.1", Some(Lang::Zh));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let params = Params {
            pairs: vec![("as_of".into(), "2024-13-01".into())],
        };
        let error = params.date("as_of").unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(error.message.contains("as_of"), "{}", error.message);
        assert!(error.message.contains("YYYY-MM-DD"), "{}", error.message);
    }
}
