//! The warning-light icons: a shape per light, so that no light is told by
//! colour alone. Drawn on a 16-unit grid and scaled.

use crate::svg::{close, num, open_scaled};
use crate::{Light, colours, light_name};

/// The class name of a light (`light-green`, …, `light-none`).
pub(crate) fn light_class(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "light-green",
        Some(Light::Yellow) => "light-yellow",
        Some(Light::Red) => "light-red",
        None => "light-none",
    }
}

/// The shapes of an icon on the 16-unit grid.
fn shapes(light: Option<Light>) -> String {
    match light {
        // A circle with a check mark.
        Some(Light::Green) => format!(
            "<circle cx=\"8\" cy=\"8\" r=\"7.5\" fill=\"{}\"/>\
             <path d=\"M4.5 8.3 L7 10.8 L11.6 5.6\" fill=\"none\" stroke=\"#ffffff\" \
             stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
            colours::GREEN
        ),
        // A triangle with an exclamation mark in dark ink (white on amber
        // would fail contrast).
        Some(Light::Yellow) => format!(
            "<path d=\"M8 0.8 L15.6 14.8 L0.4 14.8 Z\" fill=\"{}\" stroke-linejoin=\"round\"/>\
             <rect x=\"7\" y=\"5.2\" width=\"2\" height=\"5.4\" rx=\"0.8\" fill=\"{}\"/>\
             <circle cx=\"8\" cy=\"12.6\" r=\"1.1\" fill=\"{}\"/>",
            colours::AMBER_FILL,
            colours::TEXT,
            colours::TEXT
        ),
        // An octagon (a stop sign) with a cross.
        Some(Light::Red) => format!(
            "<polygon points=\"5.13,1.07 10.87,1.07 14.93,5.13 14.93,10.87 10.87,14.93 \
             5.13,14.93 1.07,10.87 1.07,5.13\" fill=\"{}\"/>\
             <path d=\"M5.4 5.4 L10.6 10.6 M10.6 5.4 L5.4 10.6\" stroke=\"#ffffff\" \
             stroke-width=\"2\" stroke-linecap=\"round\"/>",
            colours::RED
        ),
        // A hollow circle with a dash: no light.
        None => format!(
            "<circle cx=\"8\" cy=\"8\" r=\"6.75\" fill=\"#ffffff\" stroke=\"{grey}\" \
             stroke-width=\"1.5\"/>\
             <path d=\"M5 8 L11 8\" stroke=\"{grey}\" stroke-width=\"2\" stroke-linecap=\"round\"/>",
            grey = colours::GREY
        ),
    }
}

/// The icon as a group at (`x`, `y`), `size` pixels square, for use inside a
/// chart.
pub(crate) fn icon_group(light: Option<Light>, x: f64, y: f64, size: f64) -> String {
    format!(
        "<g class=\"light-icon {}\" transform=\"translate({} {}) scale({})\">{}</g>\n",
        light_class(light),
        num(x),
        num(y),
        (size / 16.0 * 1000.0).round() / 1000.0,
        shapes(light)
    )
}

/// The icon of a warning light as a standalone SVG of `size` pixels (at least
/// 8), for tables: a green circle with a check, a yellow triangle with "!", a
/// red octagon with a cross, or a grey hollow circle with a dash for no light.
/// Its accessible name is the light's name in Chinese and English.
pub fn light_icon(light: Option<Light>, size: u32) -> String {
    let size = f64::from(size.max(8));
    // The icon is drawn on its 16-unit grid; the view box does the scaling.
    let mut svg = open_scaled(size, size, (16.0, 16.0), light_name(light));
    svg.push_str(&format!(
        "<g class=\"light-icon {}\">{}</g>\n",
        light_class(light),
        shapes(light)
    ));
    close(svg)
}
