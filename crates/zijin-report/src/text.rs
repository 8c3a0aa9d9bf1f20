//! Numbers and words as the bulletin prints them, in either language.

use chrono::{Datelike, NaiveDate};
use zijin_assess::{GrowthStatus, Light, ProjectionStatus, TimeStatus};
use zijin_domain::{Lang, Qualifier, RegionKind, SourceQuality};

/// The dash printed for an absent number.
pub const DASH: &str = "—";

/// `value` rounded to `decimals` places. Dividing the rounded integer by a
/// power of ten gives the double nearest to the decimal, which prints without
/// noise (0.451, not 0.45100000000000001).
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    // No "-0" in a cell.
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A number as people read it: at most `decimals` places, no trailing zeros.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, round_to(value, decimals as i32));
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

/// An observed value: two decimals at most (4 below 1), no trailing zeros.
pub fn value(value: f64) -> String {
    number(value, if value.abs() < 1.0 { 4 } else { 2 })
}

/// The precision values are stored at in the model.
pub fn round_value(value: f64) -> f64 {
    round_to(value, 4)
}

/// A share (0.451) as a percentage with one decimal (`45.1%`).
pub fn percent(share: f64) -> String {
    format!("{:.1}%", round_to(share * 100.0, 1))
}

/// Percentage points with a sign (`+12.3`, `-15.0`).
pub fn points(points: f64) -> String {
    let rounded = round_to(points, 1);
    if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else {
        format!("{rounded:.1}")
    }
}

pub fn ratio(ratio: f64) -> String {
    format!("{:.2}", round_to(ratio, 2))
}

pub fn optional(value: Option<f64>, show: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| DASH.to_owned(), show)
}

/// 2025年4月30日, or 30 April 2025.
pub fn date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Lang::En => format!("{} {}", date.day(), date.format("%B %Y")),
    }
}

pub fn qualified(value_text: &str, qualifier: Qualifier) -> String {
    match qualifier {
        Qualifier::Exact => value_text.to_owned(),
        Qualifier::MoreThan => format!("> {value_text}"),
        Qualifier::About => format!("~ {value_text}"),
    }
}

pub fn time_status(status: Option<TimeStatus>, lang: Lang) -> String {
    status.map_or_else(
        || lang.pick("暂无法评估", "not assessed").to_owned(),
        |status| lang.pick(status.name_zh(), status.name_en()).to_owned(),
    )
}

pub fn growth_status(status: Option<GrowthStatus>, lang: Lang) -> String {
    status.map_or_else(
        || DASH.to_owned(),
        |status| lang.pick(status.name_zh(), status.name_en()).to_owned(),
    )
}

pub fn projection_status(status: Option<ProjectionStatus>, lang: Lang) -> String {
    status.map_or_else(
        || DASH.to_owned(),
        |status| lang.pick(status.name_zh(), status.name_en()).to_owned(),
    )
}

pub fn light(light: Option<Light>, lang: Lang) -> String {
    light.map_or_else(
        || lang.pick("无灯", "no light").to_owned(),
        |light| lang.pick(light.name_zh(), light.name_en()).to_owned(),
    )
}

pub fn region_kind(kind: RegionKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => kind.name_zh(),
        Lang::En => match kind {
            RegionKind::City => "city",
            RegionKind::District => "district",
            RegionKind::FunctionalArea => "functional area",
            RegionKind::HighTechZone => "high-tech zone",
            RegionKind::Park => "park",
        },
    }
}

pub fn source_quality(quality: SourceQuality, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => quality.name_zh(),
        Lang::En => quality.as_str(),
    }
}

/// Items joined as a list: `甲、乙和丙` or `a, b and c`.
pub fn list(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => {
            let (separator, and) = match lang {
                Lang::Zh => ("、", "和"),
                Lang::En => (", ", " and "),
            };
            format!("{}{and}{last}", init.join(separator))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_without_noise_or_trailing_zeros() {
        assert_eq!(number(0.1 + 0.2, 4), "0.3");
        assert_eq!(number(20000.0, 2), "20000");
        assert_eq!(number(-0.0001, 2), "0");
        assert_eq!(value(686.82), "686.82");
        assert_eq!(percent(0.4507), "45.1%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(points(-15.04), "-15.0");
        assert_eq!(points(12.25), "+12.3");
        assert_eq!(points(0.04), "0.0");
        assert_eq!(round_to(0.1 + 0.2, 3).to_string(), "0.3");
    }

    #[test]
    fn dates_and_lists_read_naturally() {
        let day = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
        assert_eq!(date(day, Lang::Zh), "2025年4月30日");
        assert_eq!(date(day, Lang::En), "30 April 2025");
        let items = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        assert_eq!(list(&items, Lang::En), "a, b and c");
        assert_eq!(list(&items, Lang::Zh), "a、b和c");
        assert_eq!(list(&items[..1], Lang::Zh), "a");
    }
}
