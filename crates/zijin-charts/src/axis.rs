//! Axis ranges, tick values, and the frame of an axis chart drawn by plotters
//! (background, grid, axes, tick labels, axis titles), with the mapping from
//! values to pixels that the hand-written data marks use.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::FontFamily;

use crate::FONT_FAMILY;
use crate::svg::{format_value, sanitize, text_width, usable};

/// One axis: its range, its tick values and the decimals its labels show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    pub low: f64,
    pub high: f64,
    pub ticks: Vec<f64>,
    pub decimals: usize,
}

impl Scale {
    /// A scale over `values` (unusable ones left out), padded by 5% of the
    /// span on each side; `None` when no value is usable.
    ///
    /// `include_zero` extends the range to zero without padding past it (bar
    /// charts start at zero); `integer_ticks` keeps ticks on whole numbers
    /// when the span allows (years).
    pub fn over(
        values: impl IntoIterator<Item = f64>,
        include_zero: bool,
        max_ticks: usize,
        integer_ticks: bool,
    ) -> Option<Scale> {
        let mut low = f64::INFINITY;
        let mut high = f64::NEG_INFINITY;
        for value in values.into_iter().filter(|value| usable(*value)) {
            low = low.min(value);
            high = high.max(value);
        }
        if low > high {
            return None;
        }
        if include_zero {
            low = low.min(0.0);
            high = high.max(0.0);
        }
        let magnitude = low.abs().max(high.abs());
        let span = high - low;
        // Spans below a billionth of the values (or of a millionth, for tiny
        // values) cannot be told apart on a picture, nor ticked.
        if span <= magnitude.max(1e-6) * 1e-9 {
            // One value (or values equal to the precision of a double): give
            // the axis a visible span around it.
            let pad = if integer_ticks {
                0.5
            } else if magnitude > 1e-6 {
                magnitude * 0.1
            } else {
                1.0
            };
            if !(include_zero && low == 0.0) {
                low -= pad;
            }
            if !(include_zero && high == 0.0) {
                high += pad;
            }
        } else {
            let pad = span * 0.05;
            if !(include_zero && low == 0.0) {
                low -= pad;
            }
            if !(include_zero && high == 0.0) {
                high += pad;
            }
        }
        let min_step = if integer_ticks && high - low >= 1.0 {
            1.0
        } else {
            0.0
        };
        // At least two labelled ticks where the span allows, so that a reader
        // can tell the scale.
        let mut count = max_ticks.max(2);
        let (mut ticks, mut decimals) = nice_ticks(low, high, count, min_step);
        while ticks.len() < 2 && count < max_ticks.max(2) + 6 {
            count += 1;
            (ticks, decimals) = nice_ticks(low, high, count, min_step);
        }
        Some(Scale {
            low,
            high,
            ticks,
            decimals,
        })
    }

    pub fn label(&self, value: f64) -> String {
        format_value(value, self.decimals)
    }

    /// The width of the widest tick label at `font_size`.
    pub fn widest_label(&self, font_size: f64) -> f64 {
        self.ticks
            .iter()
            .map(|tick| text_width(&self.label(*tick), font_size))
            .fold(0.0, f64::max)
    }
}

/// Tick values at a "nice" step (1, 2, 2.5 or 5 times a power of ten, at
/// least `min_step`) inside `low..=high`, at most about `max_count` of them,
/// and the decimals that print the step exactly.
pub(crate) fn nice_ticks(
    low: f64,
    high: f64,
    max_count: usize,
    min_step: f64,
) -> (Vec<f64>, usize) {
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return (vec![low], 0);
    }
    let raw = span / max_count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let normalized = raw / power;
    let factor = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 2.5 {
        2.5
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = (factor * power).max(min_step);
    let decimals = (0..=9)
        .find(|decimals| {
            let scaled = step * 10f64.powi(*decimals);
            (scaled - scaled.round()).abs() <= scaled.abs() * 1e-9
        })
        .unwrap_or(9) as usize;
    let first = (low / step).ceil();
    let last = (high / step).floor();
    let mut ticks = Vec::new();
    let mut index = first;
    // The bound guards against steps that vanish next to huge values.
    while index <= last && ticks.len() < 100 {
        let tick = index * step;
        if tick >= low && tick <= high {
            ticks.push(tick);
        }
        index += 1.0;
    }
    if ticks.is_empty() {
        ticks.push((low + high) / 2.0);
    }
    (ticks, decimals)
}

/// Where values land in the picture: a linear map fixed by two points that
/// plotters placed, so the marks line up with plotters' grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mapping {
    x_values: (f64, f64),
    x_pixels: (f64, f64),
    y_values: (f64, f64),
    y_pixels: (f64, f64),
}

impl Mapping {
    pub fn x(&self, value: f64) -> f64 {
        linear(value, self.x_values, self.x_pixels)
    }

    pub fn y(&self, value: f64) -> f64 {
        linear(value, self.y_values, self.y_pixels)
    }

    pub fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (self.x(x), self.y(y))
    }

    /// The plotting area: left, top, right, bottom in pixels.
    pub fn left(&self) -> f64 {
        self.x_pixels.0.min(self.x_pixels.1)
    }
    pub fn right(&self) -> f64 {
        self.x_pixels.0.max(self.x_pixels.1)
    }
    pub fn top(&self) -> f64 {
        self.y_pixels.0.min(self.y_pixels.1)
    }
    pub fn bottom(&self) -> f64 {
        self.y_pixels.0.max(self.y_pixels.1)
    }
}

fn linear(value: f64, (v0, v1): (f64, f64), (p0, p1): (f64, f64)) -> f64 {
    if v1 == v0 {
        // Scales never have a zero span; this only keeps the arithmetic total.
        (p0 + p1) / 2.0
    } else {
        p0 + (value - v0) / (v1 - v0) * (p1 - p0)
    }
}

/// What the frame of an axis chart looks like.
pub(crate) struct Frame<'a> {
    pub width: u32,
    pub height: u32,
    /// Space kept free around the chart (title, legend, row labels, values).
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
    pub x: &'a Scale,
    pub y: &'a Scale,
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub x_label_area: u32,
    pub y_label_area: u32,
    /// Vertical grid lines at the x ticks.
    pub x_grid: bool,
    /// Horizontal grid lines at the y ticks.
    pub y_grid: bool,
}

/// The size of tick labels and axis titles, in pixels.
pub(crate) const LABEL_SIZE: f64 = 12.0;

/// The palette's colours that plotters draws with (see [`crate::colours`]).
const TEXT: RGBColor = RGBColor(0x24, 0x29, 0x2f);
const GREY: RGBColor = RGBColor(0x57, 0x60, 0x6a);
const GRID: RGBColor = RGBColor(0xd0, 0xd7, 0xde);

/// A plotters text style of `size` pixels in the chart font. Plotters writes
/// `font-size` as the size divided by 1.24.
fn font(size: f64, colour: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FontFamily::Name(FONT_FAMILY), size * 1.24).into_font()).color(colour)
}

/// A linear axis whose grid lines and labels sit at the [`Scale`]'s ticks.
/// (Plotters' own `with_key_points` cannot take a label formatter for `f64`.)
struct Ticked {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.low) / (self.high - self.low);
        let length = f64::from(limit.1 - limit.0);
        // Saturating: a value far outside the range lands far outside the
        // picture, never wraps.
        limit.0 + (length * share + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // No light grid lines: only the ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

/// Draws the frame with plotters and returns the SVG elements it wrote
/// (without the root element) and the mapping of values to pixels.
pub(crate) fn draw_frame(
    frame: &Frame<'_>,
) -> Result<(String, Mapping), DrawingAreaErrorKind<std::io::Error>> {
    let mut buffer = String::new();
    let mapping;
    {
        let root =
            SVGBackend::with_string(&mut buffer, (frame.width, frame.height)).into_drawing_area();
        root.fill(&WHITE)?;
        let area = root.margin(frame.top, frame.bottom, frame.left, frame.right);
        let x_range = Ticked {
            low: frame.x.low,
            high: frame.x.high,
            ticks: frame.x.ticks.clone(),
        };
        let y_range = Ticked {
            low: frame.y.low,
            high: frame.y.high,
            ticks: frame.y.ticks.clone(),
        };
        let mut chart = ChartBuilder::on(&area)
            .margin_top(8)
            .margin_right(14)
            .x_label_area_size(frame.x_label_area)
            .y_label_area_size(frame.y_label_area)
            .build_cartesian_2d(x_range, y_range)?;
        let x_label = |value: &f64| frame.x.label(*value);
        let y_label = |value: &f64| frame.y.label(*value);
        let x_title = sanitize(frame.x_title);
        let y_title = sanitize(frame.y_title);
        let mut mesh = chart.configure_mesh();
        mesh.x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(font(LABEL_SIZE, &GREY))
            .axis_desc_style(font(LABEL_SIZE, &TEXT))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(GREY);
        if !frame.x_grid {
            mesh.disable_x_mesh();
        }
        if !frame.y_grid {
            mesh.disable_y_mesh();
        }
        if !x_title.trim().is_empty() {
            mesh.x_desc(x_title);
        }
        if !y_title.trim().is_empty() {
            mesh.y_desc(y_title);
        }
        mesh.draw()?;
        let low = chart.backend_coord(&(frame.x.low, frame.y.low));
        let high = chart.backend_coord(&(frame.x.high, frame.y.high));
        mapping = Mapping {
            x_values: (frame.x.low, frame.x.high),
            x_pixels: (f64::from(low.0), f64::from(high.0)),
            y_values: (frame.y.low, frame.y.high),
            y_pixels: (f64::from(low.1), f64::from(high.1)),
        };
        root.present()?;
    }
    Ok((body(&buffer).to_owned(), mapping))
}

/// The elements inside plotters' root `<svg>` element: the charts write their
/// own root, with the role and title plotters does not know.
fn body(document: &str) -> &str {
    let start = document
        .find("<svg")
        .and_then(|open| document[open..].find('>').map(|end| open + end + 1))
        .unwrap_or(0);
    let end = document.rfind("</svg>").unwrap_or(document.len());
    if start <= end {
        document[start..end].trim_start_matches('\n')
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_nice_steps_inside_the_range() {
        let (ticks, decimals) = nice_ticks(0.0, 10.0, 5, 0.0);
        assert_eq!(ticks, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(decimals, 0);
        let (ticks, decimals) = nice_ticks(2.61, 3.04, 5, 0.0);
        assert_eq!(decimals, 1);
        assert_eq!(ticks.len(), 4);
        assert!(ticks.iter().all(|tick| (2.61..=3.04).contains(tick)));
        let (_, decimals) = nice_ticks(0.0, 1.0, 4, 0.0);
        assert_eq!(decimals, 2, "a step of 0.25 needs two decimals");
    }

    #[test]
    fn years_tick_on_whole_years() {
        let scale = Scale::over([2020.0, 2025.0], false, 12, true).unwrap();
        assert_eq!(scale.decimals, 0);
        assert_eq!(
            scale.ticks,
            vec![2020.0, 2021.0, 2022.0, 2023.0, 2024.0, 2025.0]
        );
        assert!(scale.low < 2020.0 && scale.high > 2025.0);
    }

    #[test]
    fn a_single_value_gets_a_span() {
        let scale = Scale::over([5.0], false, 5, false).unwrap();
        assert!(scale.low < 5.0 && scale.high > 5.0);
        let scale = Scale::over([0.0], false, 5, false).unwrap();
        assert!(scale.low < 0.0 && scale.high > 0.0);
        assert!(Scale::over([f64::NAN, f64::INFINITY], false, 5, false).is_none());
    }

    #[test]
    fn a_short_axis_still_gets_two_ticks() {
        let scale = Scale::over([6500.0, 12000.0], false, 2, false).unwrap();
        assert!(scale.ticks.len() >= 2, "{:?}", scale.ticks);
    }

    #[test]
    fn bars_start_at_zero() {
        let scale = Scale::over([3.0, 7.0], true, 5, false).unwrap();
        assert_eq!(scale.low, 0.0);
        assert!(scale.high > 7.0);
    }

    #[test]
    fn huge_values_close_together_stay_bounded() {
        let scale = Scale::over([1e15, 1e15 - 0.001], false, 5, false).unwrap();
        assert!(!scale.ticks.is_empty() && scale.ticks.len() <= 100);
    }
}
