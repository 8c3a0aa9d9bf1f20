//! Prints an HTML page with one of each chart, to look at them in a browser:
//! `cargo run -p zijin-charts --example gallery > gallery.html`.

use zijin_charts::{
    Bar, Bars, Labels, LegendText, Light, Marker, NANJING_TILES, ObservedPoint, RankInterval,
    RankIntervals, TargetMark, Tile, Trajectory, bars, light_icon, progress_bar, rank_intervals,
    sparkline, tile_map, trajectory,
};

fn main() {
    let names = [
        ("320116", "六合区"),
        ("320111", "浦口区"),
        ("320106", "鼓楼区"),
        ("320102", "玄武区"),
        ("320113", "栖霞区"),
        ("320105", "建邺区"),
        ("320104", "秦淮区"),
        ("320114", "雨花台区"),
        ("320115", "江宁区"),
        ("320117", "溧水区"),
        ("320118", "高淳区"),
    ];
    let lights = [
        Some(Light::Green),
        Some(Light::Yellow),
        Some(Light::Red),
        None,
    ];
    let mut page = String::from(
        "<!doctype html><meta charset=\"utf-8\"><title>zijin-charts</title>\
         <body style=\"font-family: sans-serif\">\n",
    );
    page.push_str(&trajectory(&Trajectory {
        labels: Labels {
            title: "全社会研发投入强度 · 南京市".to_owned(),
            unit: "%".to_owned(),
            x_label: "年份".to_owned(),
            y_label: "研发投入强度".to_owned(),
        },
        width: 640,
        height: 360,
        baseline: Some((2020.0, 3.42)),
        observed: vec![
            point(2021.0, 3.56, Marker::Exact, false, "2021: 3.56%"),
            point(2022.0, 3.67, Marker::About, false, "2022: ~3.67%"),
            point(2023.0, 3.8, Marker::MoreThan, true, "2023: >3.8%"),
        ],
        required_path: (0..=5)
            .map(|year| (2020.0 + f64::from(year), 3.42 + 0.116 * f64::from(year)))
            .collect(),
        projection: vec![(2023.0, 3.8), (2024.0, 3.93), (2025.0, 4.06)],
        band: vec![
            (2023.0, 3.8, 3.8),
            (2024.0, 3.8, 4.06),
            (2025.0, 3.78, 4.32),
        ],
        target: Some(TargetMark {
            time: 2025.0,
            value: 4.0,
            stretch: Some(4.2),
        }),
        legend: LegendText::chinese(),
    }));
    page.push_str("<br>\n");
    page.push_str(&bars(&Bars {
        labels: Labels {
            title: "各区高新技术企业数".to_owned(),
            unit: "家".to_owned(),
            x_label: "企业数".to_owned(),
            y_label: String::new(),
        },
        width: 560,
        rows: names
            .iter()
            .enumerate()
            .map(|(index, (_, name))| Bar {
                label: (*name).to_owned(),
                value: (index != 4).then_some(300.0 + 97.0 * index as f64),
                value_text: if index == 4 {
                    String::new()
                } else {
                    format!("{}", 300 + 97 * index)
                },
                light: lights[index % 4],
                synthetic: index % 3 == 0,
            })
            .collect(),
        reference: Some((700.0, "全区平均 700".to_owned())),
    }));
    page.push_str("<br>\n");
    let tiles: Vec<Tile> = NANJING_TILES
        .iter()
        .zip(names)
        .enumerate()
        .map(|(index, ((code, row, col), (_, name)))| Tile {
            code: (*code).to_owned(),
            label: name.to_owned(),
            row: *row,
            col: *col,
            light: lights[index % 4],
            value_text: format!("{}%", 60 + index * 3),
            href: Some(format!("/regions/{code}")),
        })
        .collect();
    page.push_str(&tile_map(&tiles, "南京市各区研发投入强度", 72));
    page.push_str("<br>\n<table>\n");
    for (index, light) in lights.iter().enumerate() {
        let completion = [0.62, 0.45, -0.1, 1.3][index];
        page.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            light_icon(*light, 16),
            progress_bar(
                Some(completion),
                Some(0.6),
                *light,
                &format!("{:.0}% / 序时 60%", completion * 100.0),
                220,
                20
            ),
            sparkline(
                &[
                    (2020.0, 1.0),
                    (2021.0, 1.4),
                    (2022.0, 1.2),
                    (2023.0, 1.9 - index as f64 * 0.3)
                ],
                80,
                20,
                "趋势"
            )
        ));
    }
    page.push_str("</table>\n");
    page.push_str(&rank_intervals(&RankIntervals {
        title: "园区综合评价指数名次不确定性".to_owned(),
        x_label: "名次".to_owned(),
        width: 640,
        units: names.len(),
        rows: names
            .iter()
            .enumerate()
            .map(|(index, (_, name))| {
                let rank = index as f64 + 1.0;
                RankInterval {
                    label: (*name).to_owned(),
                    nominal: Some(rank),
                    median: Some((rank + 0.5).min(names.len() as f64)),
                    low: Some((rank - 1.5).max(1.0)),
                    high: Some((rank + 2.5).min(names.len() as f64)),
                    marked: index + 1 == names.len(),
                }
            })
            .collect(),
        note: "! 标记退出审查".to_owned(),
        synthetic: true,
        ..RankIntervals::default()
    }));
    page.push_str("<br>\n");
    page.push_str(&trajectory(&Trajectory {
        labels: Labels {
            title: "High-tech enterprises".to_owned(),
            unit: "firms".to_owned(),
            ..Labels::default()
        },
        width: 240,
        height: 160,
        baseline: Some((2020.0, 6500.0)),
        observed: vec![
            point(2021.0, 7800.0, Marker::Exact, false, ""),
            point(2022.0, 8900.0, Marker::Exact, true, "2022: 8,900"),
        ],
        required_path: vec![(2020.0, 6500.0), (2025.0, 12000.0)],
        target: Some(TargetMark {
            time: 2025.0,
            value: 12000.0,
            stretch: None,
        }),
        legend: LegendText::english(),
        ..Trajectory::default()
    }));
    page.push_str(&trajectory(&Trajectory {
        width: 300,
        height: 200,
        ..Trajectory::default()
    }));
    print!("{page}");
}

fn point(time: f64, value: f64, marker: Marker, synthetic: bool, label: &str) -> ObservedPoint {
    ObservedPoint {
        time,
        value,
        marker,
        synthetic,
        label: label.to_owned(),
    }
}
