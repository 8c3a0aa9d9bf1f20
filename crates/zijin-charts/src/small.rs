//! The small charts of table cells, written directly as SVG: the sparkline and
//! the progress bar.

use crate::icon::{icon_group, light_class};
use crate::svg::{Anchor, Text, close, fit_font_size, no_data, num, open, usable};
use crate::{Light, NO_DATA, colours, light_name};

/// A small line without axes for a table cell: the points (x, y) in the
/// order given, scaled to fill the picture, the last one marked with a dot.
///
/// Points with a non-finite (or absurdly large) coordinate are left out; with
/// none left the picture says [`NO_DATA`]. `width` and `height` are at least
/// 16 and 8 pixels.
pub fn sparkline(points: &[(f64, f64)], width: u32, height: u32, accessible_name: &str) -> String {
    let width = f64::from(width.max(16));
    let height = f64::from(height.max(8));
    let name = if accessible_name.trim().is_empty() {
        "迷你趋势图 / sparkline"
    } else {
        accessible_name
    };
    let points: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, y)| usable(*x) && usable(*y))
        .collect();
    let Some(&last) = points.last() else {
        return no_data(width, height, name);
    };
    let pad = 2.5;
    let span = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| {
            (low.min(value), high.max(value))
        })
    };
    let (x_low, x_high) = span(&mut points.iter().map(|point| point.0));
    let (y_low, y_high) = span(&mut points.iter().map(|point| point.1));
    // A zero span (one point, or a flat line) is drawn in the middle.
    let place = |value: f64, low: f64, high: f64, length: f64| {
        if high > low {
            pad + (value - low) / (high - low) * (length - 2.0 * pad)
        } else {
            length / 2.0
        }
    };
    let to_pixels = |(x, y): (f64, f64)| {
        (
            place(x, x_low, x_high, width),
            height - place(y, y_low, y_high, height),
        )
    };
    let mut svg = open(width, height, name);
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|point| {
                let (x, y) = to_pixels(*point);
                format!("{},{}", num(x), num(y))
            })
            .collect();
        svg.push_str(&format!(
            "<polyline class=\"sparkline\" points=\"{}\" fill=\"none\" stroke=\"{}\" \
             stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n",
            path.join(" "),
            colours::BLUE
        ));
    }
    let (x, y) = to_pixels(last);
    svg.push_str(&format!(
        "<circle class=\"last\" cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{}\"/>\n",
        num(x),
        num(y),
        colours::BLUE
    ));
    close(svg)
}

/// Completion against time elapsed (序时进度), for a table cell: the light's
/// icon, a horizontal bar filled to `completion` in the light's colour (grey
/// without a light) with a vertical marker at `elapsed`, then `text`.
///
/// Both shares are fractions (1 = 100%). The fill is clamped to the bar; a
/// completion above 1 shows an arrow past the right end, one below 0 an arrow
/// at the left end. A missing or non-finite completion draws no fill (and
/// [`NO_DATA`] when `text` is empty); a missing elapsed share, no marker.
/// `width` and `height` are at least 60 and 12 pixels.
pub fn progress_bar(
    completion: Option<f64>,
    elapsed: Option<f64>,
    light: Option<Light>,
    text: &str,
    width: u32,
    height: u32,
) -> String {
    let width = f64::from(width.max(60));
    let height = f64::from(height.max(12));
    let completion = completion.filter(|value| usable(*value));
    let elapsed = elapsed.filter(|value| usable(*value));
    let text = if completion.is_none() && text.trim().is_empty() {
        NO_DATA
    } else {
        text
    };
    let title = if text.trim().is_empty() {
        format!("进度 / progress, {}", light_name(light))
    } else {
        format!("{text}, {}", light_name(light))
    };

    let icon_size = (height - 2.0).min(16.0);
    // Room for the arrows that show a clamped completion.
    let arrow = 6.0;
    let track_x = icon_size + 4.0 + arrow;
    let available = width - track_x - arrow - 4.0;
    // The track's length depends on the width alone, never on the text, so
    // that bars of one width line up down a table column; the text shrinks to
    // fit the rest.
    let track_width = if text.trim().is_empty() {
        available
    } else {
        (available * 0.5).max(20.0)
    };
    let text_x = track_x + track_width + arrow + 4.0;
    let font_size = fit_font_size(text, (height * 0.75).min(12.0), 6.0, width - text_x);
    let track_height = (height * 0.5).min(10.0);
    let track_y = (height - track_height) / 2.0;
    let middle = height / 2.0;
    let fill = light.map_or(colours::GREY, Light::fill_colour);

    let mut svg = open(width, height, &title);
    svg.push_str(&icon_group(
        light,
        0.0,
        (height - icon_size) / 2.0,
        icon_size,
    ));
    svg.push_str(&format!(
        "<rect class=\"track\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" \
         stroke=\"{}\" stroke-width=\"1\"/>\n",
        num(track_x),
        num(track_y),
        num(track_width),
        num(track_height),
        colours::TRACK,
        colours::TRACK_BORDER
    ));
    if let Some(completion) = completion {
        let share = completion.clamp(0.0, 1.0);
        svg.push_str(&format!(
            "<rect class=\"fill {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
            light_class(light),
            num(track_x),
            num(track_y),
            num(track_width * share),
            num(track_height),
            fill
        ));
        if completion > 1.0 {
            let x = track_x + track_width + 1.0;
            svg.push_str(&format!(
                "<polygon class=\"overflow\" points=\"{},{} {},{} {},{}\" fill=\"{}\"/>\n",
                num(x),
                num(middle - 4.0),
                num(x + arrow - 1.0),
                num(middle),
                num(x),
                num(middle + 4.0),
                fill
            ));
        } else if completion < 0.0 {
            let x = track_x - 1.0;
            svg.push_str(&format!(
                "<polygon class=\"underflow\" points=\"{},{} {},{} {},{}\" fill=\"{}\"/>\n",
                num(x),
                num(middle - 4.0),
                num(x - arrow + 1.0),
                num(middle),
                num(x),
                num(middle + 4.0),
                fill
            ));
        }
    }
    if let Some(elapsed) = elapsed {
        let x = track_x + track_width * elapsed.clamp(0.0, 1.0);
        let (top, bottom) = (
            num((track_y - 3.0).max(0.0)),
            num((track_y + track_height + 3.0).min(height)),
        );
        // A white halo keeps the marker visible on any fill.
        svg.push_str(&format!(
            "<line class=\"elapsed-halo\" x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" \
             stroke=\"#ffffff\" stroke-width=\"4\"/>\n\
             <line class=\"elapsed\" x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{}\" \
             stroke-width=\"2\"/>\n",
            colours::TEXT,
            x = num(x),
        ));
    }
    if !text.trim().is_empty() {
        let colour = if completion.is_some() {
            colours::TEXT
        } else {
            colours::GREY
        };
        svg.push_str(
            &Text {
                x: text_x,
                y: middle + font_size * 0.35,
                size: font_size,
                fill: colour,
                anchor: Anchor::Start,
                class: "label",
                bold: false,
            }
            .render(text),
        );
    }
    close(svg)
}
