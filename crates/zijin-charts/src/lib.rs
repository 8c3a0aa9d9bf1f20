//! The charts of the web dashboard and the PDF bulletin, rendered as SVG
//! strings.
//!
//! The same string goes into an HTML page and into a typst-rendered PDF, so
//! the two can never disagree. The crate is a pure library: it does no I/O,
//! never reads the clock and depends on no other Zijin crate; callers pass
//! plain numbers and the texts to show (Chinese or English, their choice).
//!
//! The charts:
//! - [`trajectory`]: one indicator in one region over time ([`Trajectory`]):
//!   baseline, observed points with their qualifiers ([`Marker`]), the path
//!   the plan requires, the projection with its uncertainty band, the target.
//! - [`bars`]: horizontal bars, one per row ([`Bars`], [`Bar`]), with an
//!   optional reference line.
//! - [`sparkline`]: a small line without axes for a table cell.
//! - [`progress_bar`]: completion against time elapsed (序时进度).
//! - [`tile_map`]: a schematic map of square tiles ([`Tile`]), one per
//!   district; [`NANJING_TILES`] is a default grid for Nanjing.
//! - [`light_icon`]: the warning-light icon used in tables.
//! - [`rank_intervals`]: the rank uncertainty of a composite index
//!   ([`RankIntervals`]): per unit, the 5th–95th percentile interval of its
//!   ranks, the median and the nominal rank, rank 1 at the left and at the top.
//!
//! The contract every chart keeps:
//! - It is one well-formed `<svg>` element with `width`, `height`, `viewBox`,
//!   `role="img"`, an `aria-label` and a `<title>` (its accessible name).
//! - Every `<text>` names [`FONT_FAMILY`]: SVG text inside typst does not fall
//!   back to the document's fonts, so the font must be one typst is given, or
//!   Chinese labels vanish.
//! - Colours pass WCAG AA against white: [`colours`]. A light is never told by
//!   colour alone: each has its own icon shape (a circle with a check, a
//!   triangle with "!", an octagon with a cross; a hollow circle with a dash
//!   for no light).
//! - Output is deterministic: the same input gives the same bytes.
//! - Bad input never panics: non-finite numbers (and magnitudes beyond
//!   [`MAX_MAGNITUDE`]) are left out as missing, and a chart with nothing to
//!   draw says [`NO_DATA`] instead. All caller text is escaped, and characters
//!   XML cannot hold are dropped.
//!
//! ```
//! use zijin_charts::{Light, progress_bar};
//!
//! let svg = progress_bar(Some(0.62), Some(0.6), Some(Light::Green), "62% / 序时 60%", 240, 20);
//! assert!(svg.starts_with("<svg") && svg.contains("role=\"img\""));
//! assert!(svg.contains("<title>62% / 序时 60%, 绿灯 / green</title>"));
//! ```
//!
//! The axis charts ([`trajectory`], [`bars`]) use `plotters` for the frame
//! (axes, grid, ticks, axis titles) and its coordinate mapping; the data marks
//! are written as SVG elements directly, because plotters' SVG backend has no
//! dash patterns, classes, titles or links. The small charts are written
//! directly. Data marks carry classes (`bar`, `tile`, `observed`, `band`, …)
//! so that pages can style them and tests can find them.

mod axis;
mod bar_chart;
pub mod colours;
mod icon;
mod rank_chart;
mod small;
mod svg;
mod tiles;
mod trajectory_chart;

pub use bar_chart::{Bar, Bars, bars};
pub use icon::light_icon;
pub use rank_chart::{RankInterval, RankIntervals, RankLegend, rank_intervals};
pub use small::{progress_bar, sparkline};
pub use svg::escape;
pub use tiles::{NANJING_TILES, Tile, tile_map};
pub use trajectory_chart::{LegendText, ObservedPoint, TargetMark, Trajectory, trajectory};

/// The font family named on every text element: fonts typst is given (Debian
/// `fonts-noto-cjk`) first, then a generic fallback for browsers.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, Noto Sans SC, sans-serif";

/// What a chart says when there is nothing to draw.
pub const NO_DATA: &str = "无数据 / No data";

/// The legend note under a bar chart with synthetic rows (marked "*").
pub const SYNTHETIC_NOTE: &str = "* 合成数据（演示用）/ synthetic data";

/// Numbers whose magnitude is beyond this are treated like non-finite ones
/// (missing): no plan figure comes near it, and it keeps every span of an axis
/// finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// A warning light (红黄绿灯).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    /// The colour of text and lines for this light (AA contrast on white).
    pub fn text_colour(self) -> &'static str {
        match self {
            Light::Green => colours::GREEN,
            Light::Yellow => colours::AMBER_TEXT,
            Light::Red => colours::RED,
        }
    }

    /// The colour of filled areas (bars, tiles, icons) for this light.
    pub fn fill_colour(self) -> &'static str {
        match self {
            Light::Green => colours::GREEN,
            Light::Yellow => colours::AMBER_FILL,
            Light::Red => colours::RED,
        }
    }
}

/// The accessible name of a light, or of its absence, in both languages
/// (charts take no language argument).
pub fn light_name(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "绿灯 / green",
        Some(Light::Yellow) => "黄灯 / yellow",
        Some(Light::Red) => "红灯 / red",
        None => "无灯 / no light",
    }
}

/// The qualifier of an observation: `=` exact, `>` more than, `~` about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Marker {
    #[default]
    Exact,
    MoreThan,
    About,
}

/// The texts of an axis chart, in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    /// The visible title and the accessible name of the chart.
    pub title: String,
    /// The unit of the values, shown with the value axis title.
    pub unit: String,
    pub x_label: String,
    pub y_label: String,
}
