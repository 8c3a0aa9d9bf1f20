use std::collections::BTreeSet;

use zijin_charts::{Light, NANJING_TILES, NO_DATA, Tile, tile_map};

use crate::{contract, elements, number, texts, title, with_class};

const NAMES: [(&str, &str); 11] = [
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

fn nanjing() -> Vec<Tile> {
    let lights = [
        Some(Light::Green),
        Some(Light::Yellow),
        Some(Light::Red),
        None,
    ];
    NANJING_TILES
        .iter()
        .enumerate()
        .map(|(index, (code, row, col))| Tile {
            code: (*code).to_owned(),
            label: NAMES
                .iter()
                .find(|(name_code, _)| name_code == code)
                .map(|(_, name)| (*name).to_owned())
                .unwrap(),
            row: *row,
            col: *col,
            light: lights[index % 4],
            value_text: format!("{}%", 50 + index),
            href: (index % 2 == 0).then(|| format!("/regions/{code}?lang=zh&x=<1>")),
        })
        .collect()
}

#[test]
fn nanjing_grid_has_eleven_districts_north_to_south() {
    assert_eq!(NANJING_TILES.len(), 11);
    let codes: BTreeSet<&str> = NANJING_TILES.iter().map(|(code, _, _)| *code).collect();
    let expected: BTreeSet<&str> = NAMES.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes, expected);
    let positions: BTreeSet<(u32, u32)> = NANJING_TILES
        .iter()
        .map(|(_, row, col)| (*row, *col))
        .collect();
    assert_eq!(positions.len(), 11, "no two districts share a tile");
    let place = |code: &str| {
        NANJING_TILES
            .iter()
            .find(|(tile, _, _)| *tile == code)
            .map(|(_, row, col)| (*row, *col))
            .unwrap()
    };
    // 六合 at the top, 高淳 at the bottom, 浦口 west of 鼓楼, 溧水 above 高淳.
    assert!(
        NANJING_TILES
            .iter()
            .all(|(_, row, _)| *row >= place("320116").0)
    );
    assert!(
        NANJING_TILES
            .iter()
            .all(|(_, row, _)| *row <= place("320118").0)
    );
    assert!(place("320111").1 < place("320106").1);
    assert!(place("320117").0 < place("320118").0);
    assert!(place("320105").0 > place("320106").0, "建邺 south of 鼓楼");
}

#[test]
fn one_tile_per_district_at_its_place() {
    let tiles = nanjing();
    let svg = tile_map(&tiles, "南京市各区研发投入强度", 64);
    let document = contract(&svg);
    assert_eq!(title(&document), "南京市各区研发投入强度");
    let drawn = with_class(&document, "tile");
    assert_eq!(drawn.len(), 11);
    for (tile, group) in tiles.iter().zip(&drawn) {
        assert_eq!(group.attribute("data-code"), Some(tile.code.as_str()));
        let rect = group
            .children()
            .find(|node| node.tag_name().name() == "rect")
            .unwrap();
        assert_eq!(number(rect, "width"), 64.0);
        assert_eq!(number(rect, "x"), 4.0 + f64::from(tile.col) * 68.0);
        assert_eq!(number(rect, "y"), 4.0 + f64::from(tile.row) * 68.0);
    }
    let texts = texts(&document);
    for (_, name) in NAMES {
        assert!(texts.iter().any(|text| text == name), "{name}");
    }
    // Four columns and six rows of 64 px with 4 px gaps.
    let root = document.root_element();
    assert_eq!(number(root, "width"), 4.0 + 4.0 * 68.0);
    assert_eq!(number(root, "height"), 4.0 + 6.0 * 68.0);
}

#[test]
fn tiles_with_links_are_wrapped_in_anchors() {
    let tiles = nanjing();
    let svg = tile_map(&tiles, "南京", 64);
    let document = contract(&svg);
    let anchors = elements(&document, "a");
    let linked: Vec<&Tile> = tiles.iter().filter(|tile| tile.href.is_some()).collect();
    assert_eq!(anchors.len(), linked.len());
    for (anchor, tile) in anchors.iter().zip(linked) {
        assert_eq!(anchor.attribute("href"), tile.href.as_deref());
        let inner = anchor.children().find(|node| node.is_element()).unwrap();
        assert_eq!(inner.attribute("data-code"), Some(tile.code.as_str()));
    }
    assert!(svg.contains("lang=zh&amp;x=&lt;1&gt;"));
}

#[test]
fn each_light_colours_its_tile_and_has_its_icon() {
    let tiles = nanjing();
    let svg = tile_map(&tiles, "南京", 64);
    let document = contract(&svg);
    for (tile, group) in tiles.iter().zip(with_class(&document, "tile")) {
        let rect = group
            .children()
            .find(|node| node.tag_name().name() == "rect")
            .unwrap();
        let (fill, class) = match tile.light {
            Some(Light::Green) => ("#1a7f37", "light-green"),
            Some(Light::Yellow) => ("#bf8700", "light-yellow"),
            Some(Light::Red) => ("#cf222e", "light-red"),
            None => ("#57606a", "light-none"),
        };
        assert_eq!(rect.attribute("fill"), Some(fill));
        let icon = group
            .descendants()
            .find(|node| {
                node.attribute("class")
                    .is_some_and(|classes| classes.starts_with("light-icon"))
            })
            .expect("an icon on every tile");
        assert_eq!(
            icon.attribute("class"),
            Some(format!("light-icon {class}").as_str())
        );
        // Dark text on amber, white on the others.
        let label = group
            .children()
            .find(|node| node.attribute("class") == Some("tile-label"))
            .unwrap();
        let ink = if tile.light == Some(Light::Yellow) {
            "#24292f"
        } else {
            "#ffffff"
        };
        assert_eq!(label.attribute("fill"), Some(ink));
    }
}

#[test]
fn text_is_escaped() {
    let tiles = vec![Tile {
        code: "x\"1".to_owned(),
        label: "A<&B".to_owned(),
        value_text: "<50%>".to_owned(),
        ..Tile::default()
    }];
    let svg = tile_map(&tiles, "<map>", 48);
    let document = contract(&svg);
    assert_eq!(title(&document), "<map>");
    let texts = texts(&document);
    assert!(texts.iter().any(|text| text == "A<&B"));
    assert!(texts.iter().any(|text| text == "<50%>"));
    assert_eq!(
        with_class(&document, "tile")[0].attribute("data-code"),
        Some("x\"1")
    );
}

#[test]
fn no_tiles_say_no_data() {
    let svg = tile_map(&[], "", 0);
    let document = contract(&svg);
    assert!(texts(&document).iter().any(|text| text == NO_DATA));
    assert!(with_class(&document, "tile").is_empty());
}

#[test]
fn is_deterministic() {
    let tiles = nanjing();
    assert_eq!(
        tile_map(&tiles, "南京", 80),
        tile_map(&tiles.clone(), "南京", 80)
    );
}
