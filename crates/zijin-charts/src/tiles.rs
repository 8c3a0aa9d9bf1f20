//! The schematic tile map: one square tile per district at a grid position.

use crate::icon::{icon_group, light_class};
use crate::svg::{Anchor, Text, close, escape, fit_font_size, no_data, num, open};
use crate::{Light, colours, light_name};

/// One district on a tile map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tile {
    /// The region code, written as `data-code` on the tile.
    pub code: String,
    /// The name shown on the tile.
    pub label: String,
    /// The grid position, from the top left.
    pub row: u32,
    pub col: u32,
    pub light: Option<Light>,
    /// The value shown under the icon (may be empty).
    pub value_text: String,
    /// A link: the tile is wrapped in `<a href>`.
    pub href: Option<String>,
}

/// A schematic grid of Nanjing's eleven districts, north at the top:
/// (region code, row, column). Default data; any city may pass its own grid.
pub const NANJING_TILES: &[(&str, u32, u32)] = &[
    ("320116", 0, 1), // 六合区
    ("320111", 1, 0), // 浦口区, west of the Yangtze
    ("320106", 1, 1), // 鼓楼区
    ("320102", 1, 2), // 玄武区
    ("320113", 1, 3), // 栖霞区
    ("320105", 2, 1), // 建邺区
    ("320104", 2, 2), // 秦淮区
    ("320114", 3, 1), // 雨花台区
    ("320115", 3, 2), // 江宁区
    ("320117", 4, 2), // 溧水区
    ("320118", 5, 2), // 高淳区
];

/// The gap between tiles and around the map, in pixels.
const GAP: f64 = 4.0;

/// A schematic tile map: one square tile of `tile_size` pixels (at least 48)
/// per entry of `tiles` at its row and column, filled with the colour of its
/// light (grey without one), with its name, its light's icon on a white badge
/// and its value. Tiles with an `href` are links. No tiles: [`crate::NO_DATA`].
pub fn tile_map(tiles: &[Tile], accessible_name: &str, tile_size: u32) -> String {
    let size = f64::from(tile_size.max(48));
    let name = if accessible_name.trim().is_empty() {
        "分区地图 / district map"
    } else {
        accessible_name
    };
    let rows = tiles.iter().map(|tile| tile.row).max();
    let cols = tiles.iter().map(|tile| tile.col).max();
    let (Some(rows), Some(cols)) = (rows, cols) else {
        return no_data(size * 3.0, size, name);
    };
    let width = GAP + (f64::from(cols) + 1.0) * (size + GAP);
    let height = GAP + (f64::from(rows) + 1.0) * (size + GAP);
    let mut svg = open(width, height, name);
    for tile in tiles {
        let x = GAP + f64::from(tile.col) * (size + GAP);
        let y = GAP + f64::from(tile.row) * (size + GAP);
        if let Some(href) = &tile.href {
            svg.push_str(&format!("<a href=\"{}\">\n", escape(href)));
        }
        svg.push_str(&draw_tile(tile, x, y, size));
        if tile.href.is_some() {
            svg.push_str("</a>\n");
        }
    }
    close(svg)
}

fn draw_tile(tile: &Tile, x: f64, y: f64, size: f64) -> String {
    let (fill, ink) = match tile.light {
        // Dark ink on amber: white would fail contrast.
        Some(Light::Yellow) => (colours::AMBER_FILL, colours::TEXT),
        Some(light) => (light.fill_colour(), "#ffffff"),
        None => (colours::GREY, "#ffffff"),
    };
    let mut title = tile.label.clone();
    for part in [tile.value_text.as_str(), light_name(tile.light)] {
        if !part.trim().is_empty() {
            if !title.is_empty() {
                title.push_str(", ");
            }
            title.push_str(part);
        }
    }
    let mut out = format!(
        "<g class=\"tile {}\" data-code=\"{}\">\n<title>{}</title>\n\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{}\"/>\n",
        light_class(tile.light),
        escape(&tile.code),
        escape(&title),
        num(x),
        num(y),
        num(size),
        num(size),
        fill
    );
    // Shrink a long name to fit the tile, within reason.
    let fit = |text: &str, preferred: f64| fit_font_size(text, preferred, 7.0, size - 6.0);
    let name_size = fit(&tile.label, (size * 0.2).min(16.0));
    out.push_str(
        &Text {
            x: x + size / 2.0,
            y: y + 3.0 + name_size,
            size: name_size,
            fill: ink,
            anchor: Anchor::Middle,
            class: "tile-label",
            bold: true,
        }
        .render(&tile.label),
    );
    let icon = size * 0.28;
    let (icon_x, icon_y) = (
        x + (size - icon) / 2.0,
        y + (size - icon) / 2.0 + size * 0.04,
    );
    out.push_str(&format!(
        "<circle class=\"badge\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#ffffff\"/>\n",
        num(icon_x + icon / 2.0),
        num(icon_y + icon / 2.0),
        num(icon / 2.0 + 2.0)
    ));
    out.push_str(&icon_group(tile.light, icon_x, icon_y, icon));
    if !tile.value_text.trim().is_empty() {
        let value_size = fit(&tile.value_text, (size * 0.17).min(13.0));
        out.push_str(
            &Text {
                x: x + size / 2.0,
                y: y + size - 5.0,
                size: value_size,
                fill: ink,
                anchor: Anchor::Middle,
                class: "tile-value",
                bold: false,
            }
            .render(&tile.value_text),
        );
    }
    out.push_str("</g>\n");
    out
}
