//! Horizontal bars, one per row, with an optional reference line.

use crate::axis::{Frame, LABEL_SIZE, Scale, draw_frame};
use crate::icon::{icon_group, light_class};
use crate::svg::{
    Anchor, Text, chart_title, close, escape, fit_font_size, no_data, num, open, text_width,
    usable, with_unit,
};
use crate::{Labels, Light, NO_DATA, SYNTHETIC_NOTE, colours, light_name};

/// A bar chart: one horizontal bar per row, top to bottom in the given order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bars {
    /// `title`, and `x_label` with `unit` as the value axis title; `y_label`
    /// is not drawn (the row labels say what the rows are).
    pub labels: Labels,
    /// The picture's width in pixels (at least 240); the height follows the
    /// number of rows.
    pub width: u32,
    pub rows: Vec<Bar>,
    /// A vertical reference line (the city's value, or 1 for growth ratios)
    /// with its label.
    pub reference: Option<(f64, String)>,
}

/// One row of a bar chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bar {
    pub label: String,
    /// The length of the bar; `None` (or non-finite) draws no bar.
    pub value: Option<f64>,
    /// The value as written at the end of the row (empty: [`NO_DATA`] when
    /// there is no value).
    pub value_text: String,
    /// The bar's colour and icon; `None` is grey without an icon.
    pub light: Option<Light>,
    /// Synthetic data: a pale bar with a dashed outline, "*" after the label,
    /// and a note under the chart.
    pub synthetic: bool,
}

const ROW_HEIGHT: f64 = 26.0;
const ICON: f64 = 14.0;

/// The bar chart as an SVG string: see [`Bars`]. The value axis includes zero
/// and the reference, padded by 5% away from zero. Rows are `<g class="row">`
/// and bars `<rect class="bar …">`. With no rows the chart says
/// [`NO_DATA`].
pub fn bars(chart: &Bars) -> String {
    let width = chart.width.max(240);
    let width_px = f64::from(width);
    let title = chart.labels.title.trim();
    let x_title = with_unit(&chart.labels.x_label, &chart.labels.unit);
    let name = if !title.is_empty() {
        title.to_owned()
    } else if !x_title.is_empty() {
        x_title.clone()
    } else {
        "条形图 / bar chart".to_owned()
    };
    let count = chart.rows.len();
    if count == 0 {
        return no_data(width_px, 120.0, &name);
    }
    let reference = chart.reference.as_ref().filter(|(value, _)| usable(*value));
    let any_synthetic = chart.rows.iter().any(|row| row.synthetic);

    let title_height = if title.is_empty() { 4.0 } else { 28.0 };
    let reference_height = if reference.is_some() { 18.0 } else { 0.0 };
    let axis_height = if x_title.is_empty() { 24.0 } else { 42.0 };
    let note_height = if any_synthetic { 20.0 } else { 0.0 };
    let rows_height = count as f64 * ROW_HEIGHT;
    // The frame adds 8 pixels above the plotting area.
    let height_px = title_height + reference_height + 8.0 + rows_height + axis_height + note_height;

    let row_label = |row: &Bar| {
        if row.synthetic {
            format!("{} *", row.label)
        } else {
            row.label.clone()
        }
    };
    let value_text = |row: &Bar| {
        if row.value_text.trim().is_empty() && !row.value.is_some_and(usable) {
            NO_DATA.to_owned()
        } else {
            row.value_text.clone()
        }
    };
    let widest_label = chart
        .rows
        .iter()
        .map(|row| text_width(&row_label(row), LABEL_SIZE))
        .fold(0.0, f64::max);
    let label_room = (widest_label + 14.0).clamp(24.0, width_px * 0.35);
    let widest_value = chart
        .rows
        .iter()
        .map(|row| text_width(&value_text(row), LABEL_SIZE))
        .fold(0.0, f64::max);
    let value_room = (widest_value + ICON + 16.0).min(width_px * 0.35);
    let plot_width = width_px - label_room - value_room;
    let values = chart
        .rows
        .iter()
        .filter_map(|row| row.value)
        .chain(reference.map(|(value, _)| *value));
    let ticks = (plot_width / 64.0).clamp(2.0, 10.0) as usize;
    let Some(x) = Scale::over(values, true, ticks, false) else {
        // Rows, but no value: the rows still show their texts.
        return rows_without_values(chart, width_px, &name);
    };
    let y = Scale {
        low: 0.0,
        high: count as f64,
        ticks: Vec::new(),
        decimals: 0,
    };
    let frame = Frame {
        width,
        height: height_px.ceil() as u32,
        top: (title_height + reference_height) as u32,
        bottom: note_height as u32,
        left: label_room.round() as u32,
        // The frame keeps 14 more pixels on the right.
        right: (value_room - 14.0).max(0.0).round() as u32,
        x: &x,
        y: &y,
        x_title: &x_title,
        y_title: "",
        x_label_area: axis_height as u32,
        y_label_area: 0,
        x_grid: true,
        y_grid: false,
    };
    let Ok((frame_svg, mapping)) = draw_frame(&frame) else {
        return no_data(width_px, height_px, &name);
    };

    let mut svg = open(width_px, height_px.ceil(), &name);
    svg.push_str(&frame_svg);
    svg.push_str(&chart_title(title));
    let zero = mapping.x(0.0);
    for (index, row) in chart.rows.iter().enumerate() {
        let top = mapping.y((count - index) as f64);
        let bottom = mapping.y((count - index - 1) as f64);
        let middle = (top + bottom) / 2.0;
        let thickness = (bottom - top) * 0.62;
        let text = value_text(row);
        let mut tooltip = row.label.clone();
        for part in [
            text.as_str(),
            if row.light.is_some() {
                light_name(row.light)
            } else {
                ""
            },
        ] {
            if !part.trim().is_empty() {
                tooltip.push_str(", ");
                tooltip.push_str(part);
            }
        }
        svg.push_str(&format!(
            "<g class=\"row\" data-index=\"{index}\">\n<title>{}</title>\n",
            escape(&tooltip)
        ));
        let label = row_label(row);
        let label_size = fit_font_size(&label, LABEL_SIZE, 7.0, mapping.left() - 10.0);
        svg.push_str(
            &Text {
                x: mapping.left() - 6.0,
                y: middle + label_size * 0.36,
                size: label_size,
                fill: colours::TEXT,
                anchor: Anchor::End,
                class: "row-label",
                bold: false,
            }
            .render(&label),
        );
        let colour = row.light.map_or(colours::GREY, Light::fill_colour);
        if let Some(value) = row.value.filter(|value| usable(*value)) {
            let end = mapping.x(value);
            let style = if row.synthetic {
                format!(
                    " fill-opacity=\"0.45\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\""
                )
            } else {
                String::new()
            };
            svg.push_str(&format!(
                "<rect class=\"bar {}{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"{style}/>\n",
                light_class(row.light),
                if row.synthetic { " synthetic" } else { "" },
                num(zero.min(end)),
                num(middle - thickness / 2.0),
                num((end - zero).abs()),
                num(thickness),
            ));
        }
        let column = mapping.right() + 6.0;
        if row.light.is_some() {
            svg.push_str(&icon_group(row.light, column, middle - ICON / 2.0, ICON));
        }
        let ink = if row.value.is_some_and(usable) {
            row.light.map_or(colours::TEXT, Light::text_colour)
        } else {
            colours::GREY
        };
        let value_x = column + ICON + 5.0;
        let value_size = fit_font_size(&text, LABEL_SIZE, 7.0, width_px - value_x - 4.0);
        svg.push_str(
            &Text {
                x: value_x,
                y: middle + value_size * 0.36,
                size: value_size,
                fill: ink,
                anchor: Anchor::Start,
                class: "value",
                bold: false,
            }
            .render(&text),
        );
        svg.push_str("</g>\n");
    }
    if let Some((value, label)) = reference {
        let x = mapping.x(*value);
        svg.push_str(&format!(
            "<g class=\"reference\">\n<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{}\" \
             stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n",
            num(mapping.top() - 4.0),
            num(mapping.bottom()),
            colours::TEXT,
            x = num(x),
        ));
        let half = text_width(label, 11.0) / 2.0;
        svg.push_str(
            &Text {
                x: x.clamp(half + 4.0, (width_px - half - 4.0).max(half + 4.0)),
                y: mapping.top() - 7.0,
                size: 11.0,
                fill: colours::TEXT,
                anchor: Anchor::Middle,
                class: "reference-label",
                bold: false,
            }
            .render(label),
        );
        svg.push_str("</g>\n");
    }
    if any_synthetic {
        svg.push_str(&synthetic_note(height_px));
    }
    close(svg)
}

fn synthetic_note(height: f64) -> String {
    Text {
        x: 8.0,
        y: height - 6.0,
        size: 11.0,
        fill: colours::GREY,
        anchor: Anchor::Start,
        class: "note",
        bold: false,
    }
    .render(SYNTHETIC_NOTE)
}

/// Rows of which none has a usable value: their labels and texts in a list,
/// with [`NO_DATA`] at the top.
fn rows_without_values(chart: &Bars, width: f64, name: &str) -> String {
    let any_synthetic = chart.rows.iter().any(|row| row.synthetic);
    let note_height = if any_synthetic { 20.0 } else { 0.0 };
    let height = 48.0 + chart.rows.len() as f64 * ROW_HEIGHT + note_height;
    let mut svg = open(width, height, name);
    svg.push_str(
        &Text {
            x: 8.0,
            y: 26.0,
            size: 13.0,
            fill: colours::GREY,
            anchor: Anchor::Start,
            class: "no-data",
            bold: false,
        }
        .render(NO_DATA),
    );
    for (index, row) in chart.rows.iter().enumerate() {
        let y = 48.0 + index as f64 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
        svg.push_str(&format!("<g class=\"row\" data-index=\"{index}\">\n"));
        let label = if row.synthetic {
            format!("{} *", row.label)
        } else {
            row.label.clone()
        };
        svg.push_str(
            &Text {
                x: 8.0,
                y,
                size: LABEL_SIZE,
                fill: colours::TEXT,
                anchor: Anchor::Start,
                class: "row-label",
                bold: false,
            }
            .render(&if row.value_text.trim().is_empty() {
                label
            } else {
                format!("{label}: {}", row.value_text)
            }),
        );
        svg.push_str("</g>\n");
    }
    if any_synthetic {
        svg.push_str(&synthetic_note(height));
    }
    close(svg)
}
