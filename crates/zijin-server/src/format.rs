//! Numbers, names and words as the pages show them, in either language.

use zijin_assess::{GrowthStatus, Light, ProjectionStatus, TimeStatus};
use zijin_domain::{Kind, Lang, Qualifier, RegionKind, SourceQuality};

/// A value for people: thousands grouped from 10,000 up, decimals by size
/// (none from 1,000, one from 100, up to two below), no trailing zeros.
pub(crate) fn number(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let decimals = match value.abs() {
        size if size >= 1000.0 => 0,
        size if size >= 100.0 => 1,
        _ => 2,
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (digits, None),
    };
    let mut out = String::new();
    if integer
        .chars()
        .chain(fraction.unwrap_or("").chars())
        .any(|c| c != '0')
    {
        out.push_str(sign);
    }
    if integer.len() > 4 {
        for (index, digit) in integer.chars().enumerate() {
            if index > 0 && (integer.len() - index) % 3 == 0 {
                out.push(',');
            }
            out.push(digit);
        }
    } else {
        out.push_str(integer);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A value with its unit: "4.05%", "20,000 家".
pub(crate) fn with_unit(value: f64, unit: &str) -> String {
    if unit.is_empty() {
        number(value)
    } else if unit == "%" {
        format!("{}%", number(value))
    } else {
        format!("{} {unit}", number(value))
    }
}

/// A share (1 = 100%) as a percentage with one decimal.
pub(crate) fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "—".to_owned();
    }
    let text = format!("{:.1}", share * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{}%", if text == "-0" { "0" } else { text })
}

/// Percentage points with a sign: "+3.2", "−7".
pub(crate) fn points(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{:.1}", rounded.abs());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if rounded > 0.0 {
        format!("+{text}")
    } else if rounded < 0.0 {
        format!("−{text}")
    } else {
        "0".to_owned()
    }
}

/// A ratio with two decimals: "1.19".
pub(crate) fn ratio(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}")
    } else {
        "—".to_owned()
    }
}

pub(crate) fn optional(value: Option<f64>, show: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| "—".to_owned(), show)
}

/// The value of an observation with its qualifier: "> 20,000 家", "~ 4.2%".
pub(crate) fn qualified(value: f64, qualifier: Qualifier, unit: &str) -> String {
    match qualifier {
        Qualifier::Exact => with_unit(value, unit),
        Qualifier::MoreThan => format!("> {}", with_unit(value, unit)),
        Qualifier::About => format!("~ {}", with_unit(value, unit)),
    }
}

pub(crate) fn light_name(light: Option<Light>, lang: Lang) -> &'static str {
    match light {
        Some(light) => lang.pick(light.name_zh(), light.name_en()),
        None => lang.pick("无灯", "no light"),
    }
}

/// The CSS class of a light, for the word beside an icon.
pub(crate) fn light_class(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "light-green",
        Some(Light::Yellow) => "light-yellow",
        Some(Light::Red) => "light-red",
        None => "light-none",
    }
}

/// The light as the charts crate knows it.
pub(crate) use zijin_report::charts::chart_light;

/// The parameter value of a light (`green`, …, `none`).
pub(crate) fn light_param(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "green",
        Some(Light::Yellow) => "yellow",
        Some(Light::Red) => "red",
        None => "none",
    }
}

pub(crate) fn time_status(status: Option<TimeStatus>, lang: Lang) -> &'static str {
    status.map_or(lang.pick("未评估", "not assessed"), |status| {
        lang.pick(status.name_zh(), status.name_en())
    })
}

pub(crate) fn growth_status(status: Option<GrowthStatus>, lang: Lang) -> &'static str {
    status.map_or("—", |status| {
        lang.pick(status.name_zh(), status.name_en())
    })
}

pub(crate) fn projection_status(status: Option<ProjectionStatus>, lang: Lang) -> &'static str {
    status.map_or("—", |status| {
        lang.pick(status.name_zh(), status.name_en())
    })
}

pub(crate) fn kind_name(kind: Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Level => lang.pick("水平值", "level"),
        Kind::Cumulative => lang.pick("累计值", "cumulative"),
        Kind::Growth => lang.pick("年均增速", "growth rate"),
    }
}

pub(crate) fn kind_param(kind: Kind) -> &'static str {
    match kind {
        Kind::Level => "level",
        Kind::Cumulative => "cumulative",
        Kind::Growth => "growth",
    }
}

pub(crate) fn region_kind_name(kind: RegionKind, lang: Lang) -> &'static str {
    match kind {
        RegionKind::City => lang.pick("市", "city"),
        RegionKind::District => lang.pick("区", "district"),
        RegionKind::FunctionalArea => lang.pick("功能区", "functional area"),
        RegionKind::HighTechZone => lang.pick("高新区", "high-tech zone"),
        RegionKind::Park => lang.pick("园区", "park"),
    }
}

/// Plural group names for rankings ("各区", "districts").
pub(crate) fn region_group_name(kind: RegionKind, lang: Lang) -> &'static str {
    match kind {
        RegionKind::District => lang.pick("各区", "Districts"),
        RegionKind::Park => lang.pick("各园区", "Parks"),
        RegionKind::City => lang.pick("市", "Cities"),
        RegionKind::FunctionalArea => lang.pick("功能区", "Functional areas"),
        RegionKind::HighTechZone => lang.pick("高新区", "High-tech zones"),
    }
}

pub(crate) fn source_quality_name(quality: SourceQuality, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => quality.name_zh(),
        Lang::En => quality.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(20000.0), "20,000");
        assert_eq!(number(6507.0), "6507");
        assert_eq!(number(4.05), "4.05");
        assert_eq!(number(3.10), "3.1");
        assert_eq!(number(123.45), "123.5");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(-12345.6), "-12,346");
        assert_eq!(percent(0.625), "62.5%");
        assert_eq!(percent(-0.0001), "0%");
        assert_eq!(points(-7.04), "−7");
        assert_eq!(points(3.25), "+3.3");
        assert_eq!(with_unit(4.0, "%"), "4%");
        assert_eq!(with_unit(20000.0, "家"), "20,000 家");
    }
}
