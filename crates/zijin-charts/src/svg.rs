//! Writing SVG text by hand: escaping, numbers, text widths, the root element
//! every chart shares, and the "no data" chart.

use crate::{FONT_FAMILY, MAX_MAGNITUDE, NO_DATA, colours};

/// Escapes text for SVG content and attribute values (`&`, `<`, `>`, `"`,
/// `'`) and drops the characters XML 1.0 cannot hold (control characters
/// other than tab, line feed and carriage return; U+FFFE and U+FFFF), so any
/// caller string keeps the document well-formed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// The characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Drops the characters XML cannot hold without escaping anything: for text
/// handed to plotters, which escapes markup itself.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars().filter(|&c| is_xml_char(c)).collect()
}

/// A number fit to draw: finite and not absurdly large.
pub(crate) fn usable(value: f64) -> bool {
    value.is_finite() && value.abs() <= MAX_MAGNITUDE
}

/// A coordinate or length: at most two decimals, no trailing zeros, no "-0".
///
/// Callers only pass finite numbers (debug builds check it); a non-finite one
/// is written as 0 in release builds, so the picture stays valid SVG.
pub(crate) fn num(value: f64) -> String {
    debug_assert!(value.is_finite(), "a non-finite coordinate: {value}");
    if !value.is_finite() {
        return "0".to_owned();
    }
    let rounded = (value * 100.0).round() / 100.0;
    let mut text = format!("{rounded:.2}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" { "0".to_owned() } else { text }
}

/// A value for people: `decimals` decimals, thousands grouped with commas from
/// 10,000 up, no "-0".
pub(crate) fn format_value(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (digits, None),
    };
    let is_zero = digits.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if !is_zero {
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

/// A value with at most two decimals and trailing zeros trimmed (`3.5`,
/// `20,000`, `0.12`): for values written beside marks.
pub(crate) fn format_short(value: f64) -> String {
    let text = format_value(value, 2);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Characters drawn a full em wide: CJK ideographs, kana, hangul, full-width
/// forms.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// An estimate of the width of `text` at `font_size`, for layout: SVG text is
/// measured by whoever renders it, so this errs on the wide side.
pub(crate) fn text_width(text: &str, font_size: f64) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if c.is_ascii_uppercase() {
                0.68
            } else {
                0.58
            }
        })
        .sum();
    ems * font_size
}

/// The font size at which `text` fits `room` pixels: `preferred` if it fits,
/// else smaller, but not below `minimum` (past that the text may overflow).
pub(crate) fn fit_font_size(text: &str, preferred: f64, minimum: f64, room: f64) -> f64 {
    let natural = text_width(text, preferred);
    if natural > room && natural > 0.0 {
        (preferred * room / natural).max(minimum)
    } else {
        preferred
    }
}

/// Whether `text` holds Chinese (or other wide) characters: such labels take
/// full-width brackets.
pub(crate) fn has_wide(text: &str) -> bool {
    text.chars().any(is_wide)
}

/// An axis title with its unit: `研发投入强度（%）`, `R&D intensity (%)`.
pub(crate) fn with_unit(label: &str, unit: &str) -> String {
    match (label.trim().is_empty(), unit.trim().is_empty()) {
        (_, true) => label.trim().to_owned(),
        (true, false) => unit.trim().to_owned(),
        (false, false) if has_wide(label) => format!("{}（{}）", label.trim(), unit.trim()),
        (false, false) => format!("{} ({})", label.trim(), unit.trim()),
    }
}

/// The opening of every chart: the root element with its size, view box,
/// role, accessible name and title.
pub(crate) fn open(width: f64, height: f64, title: &str) -> String {
    open_scaled(width, height, (width, height), title)
}

/// [`open`] with a view box of another size than the picture: the renderer
/// scales the drawing to fit.
///
/// The name's runs of white space become single spaces: an attribute cannot
/// keep line breaks or tabs, and the title and the `aria-label` must agree.
/// A name with nothing to show becomes "图表 / chart".
pub(crate) fn open_scaled(width: f64, height: f64, view_box: (f64, f64), title: &str) -> String {
    let mut title = escape(
        &sanitize(title)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    if title.is_empty() {
        title = "图表 / chart".to_owned();
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" \
         viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{title}\" \
         font-family=\"{FONT_FAMILY}\">\n<title>{title}</title>\n",
        num(width),
        num(height),
        num(view_box.0),
        num(view_box.1),
    )
}

/// The end of every chart.
pub(crate) fn close(mut svg: String) -> String {
    svg.push_str("</svg>\n");
    svg
}

/// Text anchors.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// One `<text>` element on one line, with the font family every chart text
/// names; `y` is the baseline.
pub(crate) struct Text<'a> {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub fill: &'a str,
    pub anchor: Anchor,
    pub class: &'a str,
    pub bold: bool,
}

impl Text<'_> {
    pub(crate) fn render(&self, content: &str) -> String {
        let weight = if self.bold {
            " font-weight=\"bold\""
        } else {
            ""
        };
        format!(
            "<text class=\"{}\" x=\"{}\" y=\"{}\" font-family=\"{FONT_FAMILY}\" font-size=\"{}\" \
             fill=\"{}\" text-anchor=\"{}\"{weight}>{}</text>\n",
            self.class,
            num(self.x),
            num(self.y),
            num(self.size),
            self.fill,
            self.anchor.as_str(),
            escape(content)
        )
    }
}

/// The title line at the top left of a chart (bold, 15 px); nothing for an
/// empty title.
pub(crate) fn chart_title(title: &str) -> String {
    if title.is_empty() {
        return String::new();
    }
    Text {
        x: 8.0,
        y: 19.0,
        size: 15.0,
        fill: colours::TEXT,
        anchor: Anchor::Start,
        class: "title",
        bold: true,
    }
    .render(title)
}

/// A chart with nothing to draw: its title (visible when there is room) and
/// [`NO_DATA`] in the middle.
pub(crate) fn no_data(width: f64, height: f64, title: &str) -> String {
    let mut svg = open(width, height, title);
    svg.push_str(&format!(
        "<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" \
         stroke=\"{}\"/>\n",
        num((width - 1.0).max(0.0)),
        num((height - 1.0).max(0.0)),
        colours::GRID
    ));
    let size = (height * 0.4).clamp(6.0, 14.0);
    if height >= 3.0 * size + 8.0 && !title.trim().is_empty() {
        svg.push_str(
            &Text {
                x: 8.0,
                y: size + 6.0,
                size,
                fill: colours::TEXT,
                anchor: Anchor::Start,
                class: "title",
                bold: true,
            }
            .render(title),
        );
    }
    svg.push_str(
        &Text {
            x: width / 2.0,
            y: height / 2.0 + size * 0.35,
            size,
            fill: colours::GREY,
            anchor: Anchor::Middle,
            class: "no-data",
            bold: false,
        }
        .render(NO_DATA),
    );
    close(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\u{FFFF}\t"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;\t"
        );
        assert_eq!(escape("研发投入"), "研发投入");
    }

    #[test]
    fn coordinates_have_at_most_two_decimals() {
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.23456), "1.23");
        assert_eq!(num(-2.5), "-2.5");
    }

    #[test]
    fn values_are_grouped_and_never_negative_zero() {
        assert_eq!(format_value(20000.0, 0), "20,000");
        assert_eq!(format_value(1234.5, 1), "1234.5");
        assert_eq!(format_value(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(format_value(-0.0001, 2), "0.00");
        assert_eq!(format_short(3.10), "3.1");
        assert_eq!(format_short(0.1 + 0.2), "0.3");
        assert_eq!(format_short(25000.0), "25,000");
    }

    #[test]
    fn chinese_is_wider_than_latin() {
        assert!(text_width("研发", 10.0) > text_width("ab", 10.0));
        assert_eq!(with_unit("研发投入强度", "%"), "研发投入强度（%）");
        assert_eq!(with_unit("R&D", "%"), "R&D (%)");
        assert_eq!(with_unit("", "%"), "%");
    }
}
