//! The rank uncertainty of a composite index: for each unit, the interval of
//! its ranks over the uncertainty draws (5th to 95th percentile) as a
//! horizontal bar, a tick at the median rank and a dot at the nominal rank.

use crate::axis::{Frame, LABEL_SIZE, Scale, draw_frame, nice_ticks};
use crate::svg::{
    Anchor, Text, chart_title, close, escape, fit_font_size, format_short, no_data, num, open,
    text_width, usable,
};
use crate::{SYNTHETIC_NOTE, colours};

/// A rank-uncertainty chart: one row per unit, top to bottom in the given
/// order (give them by nominal rank, so that rank 1 is at the top); the rank
/// axis runs from 1 on the left to the number of units on the right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankIntervals {
    /// The visible title and the accessible name.
    pub title: String,
    /// The rank axis title ("名次", "Rank").
    pub x_label: String,
    /// The picture's width in pixels (at least 280); the height follows the
    /// number of rows.
    pub width: u32,
    /// The number of units ranked: the axis ends there. Zero: the largest
    /// rank in the rows.
    pub units: usize,
    pub rows: Vec<RankInterval>,
    /// The legend's words for the interval, the median and the nominal rank
    /// (empty: both languages).
    pub legend: RankLegend,
    /// A note written under the chart (what a marked row means), if any.
    pub note: String,
    /// The data are synthetic: [`SYNTHETIC_NOTE`] under the chart.
    pub synthetic: bool,
}

/// The legend texts of a [`RankIntervals`] chart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankLegend {
    pub interval: String,
    pub median: String,
    pub nominal: String,
}

/// One unit's ranks. Ranks are numbers of places (1 is the best); the
/// percentiles need not be whole numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankInterval {
    pub label: String,
    /// The rank with the nominal weights and methods: a dot.
    pub nominal: Option<f64>,
    /// The median rank over the draws: a vertical tick.
    pub median: Option<f64>,
    /// The 5th percentile of the ranks (the optimistic end).
    pub low: Option<f64>,
    /// The 95th percentile of the ranks (the pessimistic end).
    pub high: Option<f64>,
    /// A row to draw attention to (an exit flag): red, with "!" after the
    /// label, never colour alone.
    pub marked: bool,
}

const ROW_HEIGHT: f64 = 22.0;

/// The rank-uncertainty chart as an SVG string: see [`RankIntervals`]. Rows
/// are `<g class="row">` with a `<title>` giving the numbers; the interval is
/// `<rect class="interval">`, the median `<line class="median">`, the nominal
/// rank `<circle class="nominal">`. With no rows, or no usable rank, the
/// chart says [`crate::NO_DATA`].
pub fn rank_intervals(chart: &RankIntervals) -> String {
    let width_px = f64::from(chart.width.max(280));
    let title = chart.title.trim();
    let name = if title.is_empty() {
        "名次不确定性 / rank uncertainty".to_owned()
    } else {
        title.to_owned()
    };
    let count = chart.rows.len();
    let largest = chart
        .rows
        .iter()
        .flat_map(|row| [row.nominal, row.median, row.low, row.high])
        .flatten()
        .filter(|value| usable(*value))
        .fold(0.0, f64::max);
    let units = (chart.units as f64).max(largest.ceil());
    if count == 0 || units < 1.0 {
        return no_data(width_px, 120.0, &name);
    }
    let legend = legend_texts(&chart.legend);
    let notes: Vec<&str> = [
        chart.note.trim(),
        if chart.synthetic { SYNTHETIC_NOTE } else { "" },
    ]
    .into_iter()
    .filter(|note| !note.is_empty())
    .collect();

    let title_height = if title.is_empty() { 4.0 } else { 28.0 };
    let legend_height = 22.0;
    let axis_height = if chart.x_label.trim().is_empty() {
        24.0
    } else {
        42.0
    };
    let note_height = notes.len() as f64 * 16.0 + if notes.is_empty() { 0.0 } else { 4.0 };
    let height_px =
        title_height + legend_height + 8.0 + count as f64 * ROW_HEIGHT + axis_height + note_height;

    let label = |row: &RankInterval| {
        if row.marked {
            format!("{} !", row.label)
        } else {
            row.label.clone()
        }
    };
    let value_text =
        |row: &RankInterval| match (row.nominal.filter(|v| usable(*v)), row.low, row.high) {
            (Some(nominal), Some(low), Some(high)) if usable(low) && usable(high) => format!(
                "{} ({}–{})",
                format_short(nominal),
                format_short(low),
                format_short(high)
            ),
            (Some(nominal), _, _) => format_short(nominal),
            _ => "—".to_owned(),
        };
    let widest_label = chart
        .rows
        .iter()
        .map(|row| text_width(&label(row), LABEL_SIZE))
        .fold(0.0, f64::max);
    let label_room = (widest_label + 14.0).clamp(24.0, width_px * 0.35);
    let widest_value = chart
        .rows
        .iter()
        .map(|row| text_width(&value_text(row), LABEL_SIZE))
        .fold(0.0, f64::max);
    let value_room = (widest_value + 12.0).min(width_px * 0.3);
    let plot_width = width_px - label_room - value_room;

    let max_ticks = (plot_width / 48.0).clamp(2.0, 12.0) as usize;
    let (mut ticks, _) = nice_ticks(1.0, units, max_ticks, 1.0);
    if ticks.first() != Some(&1.0) {
        ticks.insert(0, 1.0);
    }
    // A tick too close to 1 would print over it.
    if ticks.len() > 2 && ticks[1] - 1.0 < (units - 1.0) / (max_ticks as f64 * 1.5) {
        ticks.remove(1);
    }
    let x = Scale {
        low: 0.5,
        high: units + 0.5,
        ticks,
        decimals: 0,
    };
    let y = Scale {
        low: 0.0,
        high: count as f64,
        ticks: Vec::new(),
        decimals: 0,
    };
    let frame = Frame {
        width: width_px as u32,
        height: height_px.ceil() as u32,
        top: (title_height + legend_height) as u32,
        bottom: note_height as u32,
        left: label_room.round() as u32,
        right: (value_room - 14.0).max(0.0).round() as u32,
        x: &x,
        y: &y,
        x_title: &chart.x_label,
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
    svg.push_str(&legend_svg(&legend, 8.0, title_height + 14.0));

    let clamp = |value: f64| value.clamp(0.5, units + 0.5);
    for (index, row) in chart.rows.iter().enumerate() {
        let top = mapping.y((count - index) as f64);
        let bottom = mapping.y((count - index - 1) as f64);
        let middle = (top + bottom) / 2.0;
        let thickness = (bottom - top) * 0.5;
        let colour = if row.marked {
            colours::RED
        } else {
            colours::BLUE
        };
        let text = value_text(row);
        let mut tooltip = format!("{}: {} {}", row.label, legend[2], text_or_dash(row.nominal));
        tooltip.push_str(&format!(", {} {}", legend[1], text_or_dash(row.median)));
        tooltip.push_str(&format!(
            ", {} {}–{}",
            legend[0],
            text_or_dash(row.low),
            text_or_dash(row.high)
        ));
        svg.push_str(&format!(
            "<g class=\"row{}\" data-index=\"{index}\">\n<title>{}</title>\n",
            if row.marked { " marked" } else { "" },
            escape(&tooltip)
        ));
        let row_label = label(row);
        let label_size = fit_font_size(&row_label, LABEL_SIZE, 7.0, mapping.left() - 10.0);
        svg.push_str(
            &Text {
                x: mapping.left() - 6.0,
                y: middle + label_size * 0.36,
                size: label_size,
                fill: if row.marked {
                    colours::RED
                } else {
                    colours::TEXT
                },
                anchor: Anchor::End,
                class: "row-label",
                bold: row.marked,
            }
            .render(&row_label),
        );
        if let (Some(low), Some(high)) = (row.low, row.high)
            && usable(low)
            && usable(high)
        {
            let (low, high) = (clamp(low.min(high)), clamp(low.max(high)));
            let (left, right) = (mapping.x(low), mapping.x(high));
            // An interval of one rank still shows as a short bar.
            let (left, right) = if right - left < 4.0 {
                let centre = (left + right) / 2.0;
                (centre - 2.0, centre + 2.0)
            } else {
                (left, right)
            };
            svg.push_str(&format!(
                "<rect class=\"interval\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                 fill=\"{colour}\" fill-opacity=\"0.3\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
                num(left),
                num(middle - thickness / 2.0),
                num(right - left),
                num(thickness),
            ));
        }
        if let Some(median) = row.median.filter(|value| usable(*value)) {
            let x = num(mapping.x(clamp(median)));
            svg.push_str(&format!(
                "<line class=\"median\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{}\" \
                 stroke-width=\"2\"/>\n",
                num(middle - thickness * 0.9),
                num(middle + thickness * 0.9),
                colours::TEXT,
            ));
        }
        if let Some(nominal) = row.nominal.filter(|value| usable(*value)) {
            svg.push_str(&format!(
                "<circle class=\"nominal\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{colour}\" \
                 stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n",
                num(mapping.x(clamp(nominal))),
                num(middle),
            ));
        }
        let value_x = mapping.right() + 6.0;
        let value_size = fit_font_size(&text, LABEL_SIZE, 7.0, width_px - value_x - 4.0);
        svg.push_str(
            &Text {
                x: value_x,
                y: middle + value_size * 0.36,
                size: value_size,
                fill: colours::TEXT,
                anchor: Anchor::Start,
                class: "value",
                bold: false,
            }
            .render(&text),
        );
        svg.push_str("</g>\n");
    }
    for (index, note) in notes.iter().enumerate() {
        svg.push_str(
            &Text {
                x: 8.0,
                y: height_px - 6.0 - (notes.len() - 1 - index) as f64 * 16.0,
                size: 11.0,
                fill: colours::GREY,
                anchor: Anchor::Start,
                class: "note",
                bold: false,
            }
            .render(note),
        );
    }
    close(svg)
}

fn text_or_dash(value: Option<f64>) -> String {
    value
        .filter(|value| usable(*value))
        .map_or_else(|| "—".to_owned(), format_short)
}

/// The legend words, with bilingual defaults for empty ones.
fn legend_texts(legend: &RankLegend) -> [String; 3] {
    let pick = |text: &str, default: &str| {
        if text.trim().is_empty() {
            default.to_owned()
        } else {
            text.trim().to_owned()
        }
    };
    [
        pick(&legend.interval, "5%–95% 名次区间 / 5th–95th percentile"),
        pick(&legend.median, "中位名次 / median"),
        pick(&legend.nominal, "名义名次 / nominal"),
    ]
}

/// The legend on one line: a sample interval, a median tick, a nominal dot,
/// each followed by its word; `y` is the middle of the line.
fn legend_svg(legend: &[String; 3], x: f64, y: f64) -> String {
    let mut svg = String::from("<g class=\"legend\">\n");
    let mut x = x;
    let word = |x: f64, text: &str| {
        Text {
            x,
            y: y + 4.0,
            size: 11.0,
            fill: colours::TEXT,
            anchor: Anchor::Start,
            class: "legend-label",
            bold: false,
        }
        .render(text)
    };
    svg.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"8\" fill=\"{blue}\" fill-opacity=\"0.3\" \
         stroke=\"{blue}\" stroke-width=\"1\"/>\n",
        num(x),
        num(y - 4.0),
        blue = colours::BLUE,
    ));
    svg.push_str(&word(x + 27.0, &legend[0]));
    x += 27.0 + text_width(&legend[0], 11.0) + 14.0;
    svg.push_str(&format!(
        "<line x1=\"{x1}\" y1=\"{}\" x2=\"{x1}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>\n",
        num(y - 6.0),
        num(y + 6.0),
        colours::TEXT,
        x1 = num(x + 3.0),
    ));
    svg.push_str(&word(x + 9.0, &legend[1]));
    x += 9.0 + text_width(&legend[1], 11.0) + 14.0;
    svg.push_str(&format!(
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>\n",
        num(x + 4.0),
        num(y),
        colours::BLUE,
    ));
    svg.push_str(&word(x + 12.0, &legend[2]));
    svg.push_str("</g>\n");
    svg
}
