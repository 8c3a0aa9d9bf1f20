//! The trajectory of one indicator in one region: baseline, observations,
//! the path the plan requires, the projection with its band, the target.

use crate::axis::{Frame, LABEL_SIZE, Mapping, Scale, draw_frame};
use crate::svg::{
    Anchor, Text, chart_title, close, escape, format_short, no_data, num, open, text_width, usable,
    with_unit,
};
use crate::{Labels, Marker, colours};

/// The trajectory chart of one indicator in one region. Times are fractional
/// years as the caller counts them (2023.0, 2023.5, …); the x axis ticks whole
/// years.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trajectory {
    pub labels: Labels,
    /// The picture's size in pixels (at least 240 by 160).
    pub width: u32,
    pub height: u32,
    /// The baseline (time, value).
    pub baseline: Option<(f64, f64)>,
    /// The observations, in time order.
    pub observed: Vec<ObservedPoint>,
    /// From the baseline to the target: the path the plan requires (time,
    /// value); drawn dashed grey.
    pub required_path: Vec<(f64, f64)>,
    /// The latest value projected to the target year (time, value); drawn
    /// dotted.
    pub projection: Vec<(f64, f64)>,
    /// The uncertainty band of the projection (time, low, high); drawn as a
    /// light translucent fill.
    pub band: Vec<(f64, f64, f64)>,
    pub target: Option<TargetMark>,
    /// The legend's texts, in the caller's language.
    pub legend: LegendText,
}

/// One observation on a trajectory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObservedPoint {
    pub time: f64,
    pub value: f64,
    /// `=` a filled circle, `>` an upward open triangle, `~` a hollow circle.
    pub marker: Marker,
    /// Synthetic data: the marker gets a dashed ring.
    pub synthetic: bool,
    /// The point's text (its tooltip; the latest point's is also written
    /// beside it). Empty: the value is used.
    pub label: String,
}

/// The target: a value at a time, or a range from `value` to `stretch`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TargetMark {
    pub time: f64,
    pub value: f64,
    /// The other end of a range target.
    pub stretch: Option<f64>,
}

/// The legend's texts. An entry shows only when its mark is drawn and its
/// text is not empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LegendText {
    pub baseline: String,
    pub observed: String,
    pub required: String,
    pub projection: String,
    pub band: String,
    pub target: String,
    pub more_than: String,
    pub about: String,
    pub synthetic: String,
}

impl LegendText {
    /// The legend in Chinese.
    pub fn chinese() -> LegendText {
        LegendText {
            baseline: "基期值".to_owned(),
            observed: "实际值".to_owned(),
            required: "序时要求".to_owned(),
            projection: "预测".to_owned(),
            band: "预测区间".to_owned(),
            target: "目标值".to_owned(),
            more_than: "大于（>）".to_owned(),
            about: "约数（~）".to_owned(),
            synthetic: "合成数据".to_owned(),
        }
    }

    /// The legend in English.
    pub fn english() -> LegendText {
        LegendText {
            baseline: "Baseline".to_owned(),
            observed: "Observed".to_owned(),
            required: "Required path".to_owned(),
            projection: "Projection".to_owned(),
            band: "Projection interval".to_owned(),
            target: "Target".to_owned(),
            more_than: "More than (>)".to_owned(),
            about: "About (~)".to_owned(),
            synthetic: "Synthetic data".to_owned(),
        }
    }
}

/// The usable parts of a trajectory: non-finite and absurd numbers left out.
struct Data {
    baseline: Option<(f64, f64)>,
    observed: Vec<ObservedPoint>,
    required: Vec<(f64, f64)>,
    projection: Vec<(f64, f64)>,
    band: Vec<(f64, f64, f64)>,
    target: Option<TargetMark>,
}

impl Data {
    fn from(chart: &Trajectory) -> Data {
        let point = |(time, value): &(f64, f64)| usable(*time) && usable(*value);
        Data {
            baseline: chart.baseline.filter(point),
            observed: chart
                .observed
                .iter()
                .filter(|observed| usable(observed.time) && usable(observed.value))
                .cloned()
                .collect(),
            required: chart.required_path.iter().copied().filter(point).collect(),
            projection: chart.projection.iter().copied().filter(point).collect(),
            band: chart
                .band
                .iter()
                .copied()
                .filter(|(time, low, high)| usable(*time) && usable(*low) && usable(*high))
                .collect(),
            target: chart
                .target
                .filter(|target| usable(target.time) && usable(target.value))
                .map(|target| TargetMark {
                    stretch: target.stretch.filter(|stretch| usable(*stretch)),
                    ..target
                }),
        }
    }

    fn times(&self) -> Vec<f64> {
        let mut times = Vec::new();
        times.extend(self.baseline.map(|point| point.0));
        times.extend(self.observed.iter().map(|point| point.time));
        times.extend(self.required.iter().map(|point| point.0));
        times.extend(self.projection.iter().map(|point| point.0));
        times.extend(self.band.iter().map(|point| point.0));
        times.extend(self.target.map(|target| target.time));
        times
    }

    fn values(&self) -> Vec<f64> {
        let mut values = Vec::new();
        values.extend(self.baseline.map(|point| point.1));
        values.extend(self.observed.iter().map(|point| point.value));
        values.extend(self.required.iter().map(|point| point.1));
        values.extend(self.projection.iter().map(|point| point.1));
        values.extend(self.band.iter().flat_map(|point| [point.1, point.2]));
        if let Some(target) = self.target {
            values.push(target.value);
            values.extend(target.stretch);
        }
        values
    }
}

/// The entries a legend can have, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Observed,
    Baseline,
    Required,
    Projection,
    Band,
    Target,
    MoreThan,
    About,
    Synthetic,
}

impl Entry {
    fn text(self, legend: &LegendText) -> &str {
        match self {
            Entry::Observed => &legend.observed,
            Entry::Baseline => &legend.baseline,
            Entry::Required => &legend.required,
            Entry::Projection => &legend.projection,
            Entry::Band => &legend.band,
            Entry::Target => &legend.target,
            Entry::MoreThan => &legend.more_than,
            Entry::About => &legend.about,
            Entry::Synthetic => &legend.synthetic,
        }
    }

    /// The sample of the mark, 22 pixels wide, centred vertically on `y`.
    fn swatch(self, x: f64, y: f64) -> String {
        let line = |class: &str, colour: &str, width: &str, dash: &str| {
            format!(
                "<line class=\"{class}\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" \
                 stroke-width=\"{width}\"{dash}/>\n",
                num(x),
                num(x + 22.0),
                y = num(y)
            )
        };
        match self {
            Entry::Observed => {
                line("observed", colours::BLUE, "2", "") + &marker(Marker::Exact, x + 11.0, y)
            }
            Entry::Baseline => baseline_square(x + 11.0, y),
            Entry::Required => line(
                "required",
                colours::GREY,
                "1.5",
                " stroke-dasharray=\"6 4\"",
            ),
            Entry::Projection => line(
                "projection",
                colours::BLUE,
                "2",
                " stroke-dasharray=\"2 3\"",
            ),
            Entry::Band => format!(
                "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"22\" height=\"10\" fill=\"{}\" \
                 fill-opacity=\"0.18\"/>\n",
                num(x),
                num(y - 5.0),
                colours::BLUE
            ),
            Entry::Target => diamond(x + 11.0, y, true),
            Entry::MoreThan => marker(Marker::MoreThan, x + 11.0, y),
            Entry::About => marker(Marker::About, x + 11.0, y),
            Entry::Synthetic => marker(Marker::Exact, x + 11.0, y) + &synthetic_ring(x + 11.0, y),
        }
    }
}

const LEGEND_SIZE: f64 = 11.0;
const LEGEND_ROW: f64 = 18.0;

/// The legend's entries placed in rows that fit `width`: (entry, x, row).
fn layout_legend(entries: &[Entry], legend: &LegendText, width: f64) -> Vec<(Entry, f64, usize)> {
    let mut placed = Vec::new();
    let (mut x, mut row) = (8.0, 0);
    for &entry in entries {
        let item = 22.0 + 5.0 + text_width(entry.text(legend), LEGEND_SIZE) + 14.0;
        if x > 8.0 && x + item > width - 8.0 {
            x = 8.0;
            row += 1;
        }
        placed.push((entry, x, row));
        x += item;
    }
    placed
}

/// The trajectory chart as an SVG string: see [`Trajectory`]. The value axis
/// covers the baseline, the observations, both paths, the band and the target,
/// padded by 5%. With no usable number at all, the chart says
/// [`crate::NO_DATA`].
pub fn trajectory(chart: &Trajectory) -> String {
    let width = chart.width.max(240);
    let height = chart.height.max(160);
    let (width_px, height_px) = (f64::from(width), f64::from(height));
    let title = chart.labels.title.trim();
    let y_title = with_unit(&chart.labels.y_label, &chart.labels.unit);
    let name = if !title.is_empty() {
        title.to_owned()
    } else if !y_title.is_empty() {
        y_title.clone()
    } else {
        "指标轨迹 / trajectory".to_owned()
    };
    let data = Data::from(chart);

    let title_height = if title.is_empty() { 4.0 } else { 28.0 };
    let entries = legend_entries(&data, &chart.legend);
    let legend = layout_legend(&entries, &chart.legend, width_px);
    let legend_height = legend
        .iter()
        .map(|(_, _, row)| row + 1)
        .max()
        .map_or(0.0, |rows| rows as f64 * LEGEND_ROW + 6.0);
    let plot_height = height_px - title_height - legend_height - 40.0;
    let x_ticks = ((width_px - 100.0) / 48.0).clamp(2.0, 12.0) as usize;
    let y_ticks = (plot_height / 36.0).clamp(2.0, 8.0) as usize;
    let (Some(x), Some(y)) = (
        Scale::over(data.times(), false, x_ticks, true),
        Scale::over(data.values(), false, y_ticks, false),
    ) else {
        return no_data(width_px, height_px, &name);
    };
    let x_title = chart.labels.x_label.trim();
    let frame = Frame {
        width,
        height,
        top: title_height as u32,
        bottom: legend_height as u32,
        left: 0,
        right: 0,
        x: &x,
        y: &y,
        x_title,
        y_title: &y_title,
        x_label_area: if x_title.is_empty() { 24 } else { 42 },
        y_label_area: (y.widest_label(LABEL_SIZE)
            + 12.0
            + if y_title.is_empty() { 0.0 } else { 20.0 })
        .ceil() as u32,
        x_grid: false,
        y_grid: true,
    };
    let Ok((frame_svg, mapping)) = draw_frame(&frame) else {
        return no_data(width_px, height_px, &name);
    };

    let mut svg = open(width_px, height_px, &name);
    svg.push_str(&frame_svg);
    svg.push_str(&chart_title(title));
    svg.push_str(&marks(&data, &chart.legend, &mapping));
    let legend_top = height_px - legend_height + 2.0;
    for (entry, x, row) in legend {
        let middle = legend_top + row as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        svg.push_str(&format!(
            "<g class=\"legend-entry\">\n{}",
            entry.swatch(x, middle)
        ));
        svg.push_str(
            &Text {
                x: x + 27.0,
                y: middle + LEGEND_SIZE * 0.36,
                size: LEGEND_SIZE,
                fill: colours::TEXT,
                anchor: Anchor::Start,
                class: "legend",
                bold: false,
            }
            .render(entry.text(&chart.legend)),
        );
        svg.push_str("</g>\n");
    }
    close(svg)
}

/// The legend entries of the marks that are drawn, with a text to show.
fn legend_entries(data: &Data, legend: &LegendText) -> Vec<Entry> {
    let present = [
        (Entry::Observed, !data.observed.is_empty()),
        (Entry::Baseline, data.baseline.is_some()),
        (Entry::Required, data.required.len() >= 2),
        (Entry::Projection, data.projection.len() >= 2),
        (Entry::Band, !data.band.is_empty()),
        (Entry::Target, data.target.is_some()),
        (
            Entry::MoreThan,
            data.observed
                .iter()
                .any(|point| point.marker == Marker::MoreThan),
        ),
        (
            Entry::About,
            data.observed
                .iter()
                .any(|point| point.marker == Marker::About),
        ),
        (
            Entry::Synthetic,
            data.observed.iter().any(|point| point.synthetic),
        ),
    ];
    present
        .into_iter()
        .filter(|(entry, shown)| *shown && !entry.text(legend).trim().is_empty())
        .map(|(entry, _)| entry)
        .collect()
}

fn polyline(points: &[(f64, f64)], mapping: &Mapping) -> String {
    points
        .iter()
        .map(|(x, y)| {
            let (x, y) = mapping.point(*x, *y);
            format!("{},{}", num(x), num(y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The data marks, bottom to top: band, required path, projection, observed
/// line, target, baseline, observation markers, the latest value's label.
fn marks(data: &Data, legend: &LegendText, mapping: &Mapping) -> String {
    let mut out = String::new();
    if data.band.len() >= 2 {
        let mut outline: Vec<(f64, f64)> = data.band.iter().map(|b| (b.0, b.2)).collect();
        outline.extend(data.band.iter().rev().map(|b| (b.0, b.1)));
        out.push_str(&format!(
            "<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n",
            polyline(&outline, mapping),
            colours::BLUE
        ));
    } else if let Some(&(time, low, high)) = data.band.first() {
        let (x, top) = mapping.point(time, low.max(high));
        let bottom = mapping.y(low.min(high));
        out.push_str(&format!(
            "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"8\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.18\"/>\n",
            num(x - 4.0),
            num(top),
            num(bottom - top),
            colours::BLUE
        ));
    }
    if data.required.len() >= 2 {
        out.push_str(&format!(
            "<polyline class=\"required\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" \
             stroke-dasharray=\"6 4\"/>\n",
            polyline(&data.required, mapping),
            colours::GREY
        ));
    }
    if data.projection.len() >= 2 {
        out.push_str(&format!(
            "<polyline class=\"projection\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" \
             stroke-dasharray=\"2 3\"/>\n",
            polyline(&data.projection, mapping),
            colours::BLUE
        ));
    }
    let mut line: Vec<(f64, f64)> = data.baseline.into_iter().collect();
    line.extend(data.observed.iter().map(|point| (point.time, point.value)));
    if line.len() >= 2 {
        out.push_str(&format!(
            "<polyline class=\"observed\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" \
             stroke-linejoin=\"round\"/>\n",
            polyline(&line, mapping),
            colours::BLUE
        ));
    }
    if let Some(target) = data.target {
        out.push_str(&target_mark(target, legend, mapping));
    }
    if let Some((time, value)) = data.baseline {
        let (x, y) = mapping.point(time, value);
        out.push_str(&format!(
            "<g class=\"point baseline\">\n<title>{}</title>\n{}</g>\n",
            escape(&labelled(&legend.baseline, value)),
            baseline_square(x, y)
        ));
    }
    for point in &data.observed {
        let (x, y) = mapping.point(point.time, point.value);
        let kind = match point.marker {
            Marker::Exact => "exact",
            Marker::MoreThan => "more-than",
            Marker::About => "about",
        };
        let synthetic = if point.synthetic { " synthetic" } else { "" };
        let title = if point.label.trim().is_empty() {
            format_short(point.value)
        } else {
            point.label.clone()
        };
        out.push_str(&format!(
            "<g class=\"point {kind}{synthetic}\">\n<title>{}</title>\n{}{}</g>\n",
            escape(&title),
            marker(point.marker, x, y),
            if point.synthetic {
                synthetic_ring(x, y)
            } else {
                String::new()
            }
        ));
    }
    if let Some(last) = data.observed.last()
        && !last.label.trim().is_empty()
    {
        let (x, y) = mapping.point(last.time, last.value);
        // Keep the label inside the plotting area.
        let half = text_width(&last.label, 11.0) / 2.0;
        let x = x.clamp(
            mapping.left() + half,
            (mapping.right() - half).max(mapping.left() + half),
        );
        let y = if y - 12.0 < mapping.top() {
            y + 20.0
        } else {
            y - 10.0
        };
        out.push_str(
            &Text {
                x,
                y,
                size: 11.0,
                fill: colours::TEXT,
                anchor: Anchor::Middle,
                class: "point-label",
                bold: false,
            }
            .render(&last.label),
        );
    }
    out
}

fn labelled(text: &str, value: f64) -> String {
    if text.trim().is_empty() {
        format_short(value)
    } else {
        format!("{}: {}", text.trim(), format_short(value))
    }
}

/// The target: a diamond at its value; a range adds a bar from one end to
/// the other and a hollow diamond at the stretch end; its value written left
/// of it.
fn target_mark(target: TargetMark, legend: &LegendText, mapping: &Mapping) -> String {
    let (x, y) = mapping.point(target.time, target.value);
    let mut text = format_short(target.value);
    let mut out = String::new();
    if let Some(stretch) = target.stretch {
        let stretch_y = mapping.y(stretch);
        let (top, bottom) = (y.min(stretch_y), y.max(stretch_y));
        out.push_str(&format!(
            "<rect class=\"target-range\" x=\"{}\" y=\"{}\" width=\"10\" height=\"{}\" fill=\"{purple}\" \
             fill-opacity=\"0.2\" stroke=\"{purple}\" stroke-width=\"1\"/>\n",
            num(x - 5.0),
            num(top),
            num(bottom - top),
            purple = colours::PURPLE
        ));
        out.push_str(&diamond(x, stretch_y, false));
        text = format!("{}–{}", text, format_short(stretch));
    }
    out.push_str(&diamond(x, y, true));
    let label = if legend.target.trim().is_empty() {
        text
    } else {
        format!("{} {}", legend.target.trim(), text)
    };
    let label_y = target
        .stretch
        .map_or(y, |stretch| (y + mapping.y(stretch)) / 2.0);
    out.push_str(
        &Text {
            x: x - 9.0,
            y: label_y + 4.0,
            size: 11.0,
            fill: colours::PURPLE,
            anchor: Anchor::End,
            class: "target-label",
            bold: false,
        }
        .render(&label),
    );
    format!(
        "<g class=\"target\">\n<title>{}</title>\n{out}</g>\n",
        escape(&label)
    )
}

fn diamond(x: f64, y: f64, filled: bool) -> String {
    let fill = if filled { colours::PURPLE } else { "#ffffff" };
    format!(
        "<polygon class=\"diamond\" points=\"{},{} {},{} {},{} {},{}\" fill=\"{fill}\" stroke=\"{}\" \
         stroke-width=\"1.5\"/>\n",
        num(x),
        num(y - 6.0),
        num(x + 6.0),
        num(y),
        num(x),
        num(y + 6.0),
        num(x - 6.0),
        num(y),
        colours::PURPLE
    )
}

fn baseline_square(x: f64, y: f64) -> String {
    format!(
        "<rect class=\"square\" x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{}\"/>\n",
        num(x - 4.0),
        num(y - 4.0),
        colours::TEXT
    )
}

/// The marker of an observation: `=` a filled circle, `>` an upward open
/// triangle, `~` a hollow circle.
fn marker(kind: Marker, x: f64, y: f64) -> String {
    match kind {
        Marker::Exact => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
            num(x),
            num(y),
            colours::BLUE
        ),
        Marker::MoreThan => format!(
            "<polygon points=\"{},{} {},{} {},{}\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.5\" \
             stroke-linejoin=\"round\"/>\n",
            num(x),
            num(y - 6.0),
            num(x + 5.5),
            num(y + 4.0),
            num(x - 5.5),
            num(y + 4.0),
            colours::BLUE
        ),
        Marker::About => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
            num(x),
            num(y),
            colours::BLUE
        ),
    }
}

/// The dashed ring around a synthetic observation.
fn synthetic_ring(x: f64, y: f64) -> String {
    format!(
        "<circle class=\"synthetic-ring\" cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"none\" stroke=\"{}\" \
         stroke-width=\"1.2\" stroke-dasharray=\"2 2\"/>\n",
        num(x),
        num(y),
        colours::GREY
    )
}
