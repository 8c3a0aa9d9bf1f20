//! The palette. Every colour used for text or for a light has at least WCAG AA
//! contrast against white (4.5:1 for text, 3:1 for graphics); the amber fill
//! carries dark text, never white.

/// A green light; white text on it passes AA.
pub const GREEN: &str = "#1a7f37";
/// A yellow light's text and lines.
pub const AMBER_TEXT: &str = "#9a6700";
/// A yellow light's fills (bars, tiles, icons); put [`TEXT`] on it, not white.
pub const AMBER_FILL: &str = "#bf8700";
/// A red light; white text on it passes AA.
pub const RED: &str = "#cf222e";
/// Missing data, no light, secondary text and the required path.
pub const GREY: &str = "#57606a";
/// Body text.
pub const TEXT: &str = "#24292f";
/// Observed values and their projection.
pub const BLUE: &str = "#0969da";
/// Targets.
pub const PURPLE: &str = "#8250df";
/// Grid lines (decoration only: no information depends on them).
pub const GRID: &str = "#d0d7de";
/// The empty track of a progress bar.
pub const TRACK: &str = "#eaeef2";
/// The outline of a progress bar's track (3:1 against white).
pub const TRACK_BORDER: &str = "#8c959f";
