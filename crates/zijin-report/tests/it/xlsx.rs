//! The XLSX bulletin read back with calamine: sheets, headers, cells and
//! their types.

use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use zijin_domain::Lang;

use crate::{bulletin, demo_app};

/// Every sheet as text: its name, then each row with each cell's type.
fn workbook_as_text(bytes: &[u8], rows_per_sheet: usize) -> String {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let mut out = String::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).expect("the sheet reads");
        let (height, width) = range.get_size();
        let _ = writeln!(out, "## {name} ({height} rows × {width} columns)");
        for row in range.rows().take(rows_per_sheet) {
            let cells: Vec<String> = row.iter().map(cell).collect();
            let _ = writeln!(out, "{}", cells.join(" | "));
        }
        if height > rows_per_sheet {
            let _ = writeln!(out, "… {} more rows", height - rows_per_sheet);
        }
    }
    out
}

fn cell(data: &Data) -> String {
    match data {
        Data::Empty => "∅".to_owned(),
        Data::String(text) => {
            let text: String = text.chars().take(60).collect();
            format!("s:{text}")
        }
        Data::Float(value) => format!("f:{value}"),
        Data::Int(value) => format!("i:{value}"),
        Data::Bool(value) => format!("b:{value}"),
        Data::DateTime(value) => format!("d:{value}"),
        Data::DateTimeIso(value) => format!("dt:{value}"),
        Data::DurationIso(value) => format!("du:{value}"),
        Data::Error(error) => format!("e:{error:?}"),
    }
}

#[tokio::test]
async fn the_workbook_reads_back_with_sheets_headers_and_typed_cells() {
    let (_directory, app) = demo_app().await;
    let zh = bulletin(&app, 2024, Lang::Zh).await;
    let bytes = zijin_report::xlsx(&zh).expect("the workbook is written");
    insta::assert_snapshot!("xlsx_2024_zh", workbook_as_text(&bytes, 30));
    let en = bulletin(&app, 2023, Lang::En).await;
    let bytes = zijin_report::xlsx(&en).expect("the workbook is written");
    insta::assert_snapshot!("xlsx_2023_en", workbook_as_text(&bytes, 8));
}

#[tokio::test]
async fn numbers_are_number_cells_and_match_the_bulletin() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let bytes = zijin_report::xlsx(&bulletin).unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["概要", "指标状态", "排名", "预警", "数据来源", "说明"]
    );
    let status = workbook.worksheet_range("指标状态").unwrap();
    let header: Vec<String> = status
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(status.get_size().0, bulletin.status.len() + 1);
    for (row, expected) in status.rows().skip(1).zip(&bulletin.status) {
        assert_eq!(
            row[column("代码")],
            Data::String(expected.indicator.clone())
        );
        let number = |name: &str, value: Option<f64>| match value {
            Some(value) => assert_eq!(
                row[column(name)],
                Data::Float(value),
                "{name} of {}",
                expected.indicator
            ),
            None => assert_eq!(
                row[column(name)],
                Data::Empty,
                "{name} of {}",
                expected.indicator
            ),
        };
        number("完成度", expected.completion);
        number("序时进度", expected.elapsed_share);
        number("增长比", expected.growth_ratio);
        number("最新值", expected.latest);
        number("基期值", expected.baseline);
        number("目标值", expected.target);
    }
    let warnings = workbook.worksheet_range("预警").unwrap();
    assert_eq!(warnings.get_size().0, bulletin.warnings.rows.len() + 1);
    let summary = workbook.worksheet_range("概要").unwrap();
    let achieved = summary
        .rows()
        .find(|row| row[0] == Data::String("已实现".to_owned()))
        .expect("a row for achieved");
    assert_eq!(
        achieved[1],
        Data::Float(bulletin.summary.counts.achieved as f64)
    );
}

#[tokio::test]
async fn the_english_workbook_has_english_sheet_names() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2024, Lang::En).await;
    let bytes = zijin_report::xlsx(&bulletin).unwrap();
    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "Summary", "Status", "Rankings", "Warnings", "Sources", "Notes"
        ]
    );
}

/// The XML of a part of the workbook (an XLSX file is a zip of XML parts).
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut file = archive.by_name(name).unwrap_or_else(|_| panic!("{name}"));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).unwrap();
    text
}

#[tokio::test]
async fn every_sheet_has_a_bold_frozen_header_row_and_column_widths() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let bytes = zijin_report::xlsx(&bulletin).unwrap();
    let styles = part(&bytes, "xl/styles.xml");
    // The cell formats, in order: a header cell's `s` attribute indexes them.
    let formats: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let fonts: Vec<&str> = styles
        .split("<fonts")
        .nth(1)
        .unwrap()
        .split("</fonts>")
        .next()
        .unwrap()
        .split("<font>")
        .skip(1)
        .collect();
    for sheet in 1..=6 {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{sheet}.xml"));
        assert!(
            xml.contains(
                "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            ),
            "sheet {sheet}: the header row is frozen"
        );
        assert!(
            xml.contains("<cols>") && xml.contains("customWidth=\"1\""),
            "sheet {sheet}: column widths"
        );
        let a1 = xml.split("<c r=\"A1\"").nth(1).expect("a header cell");
        let style: usize = a1
            .split("s=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|index| index.parse().ok())
            .expect("the header cell has a style");
        let font: usize = formats[style]
            .split("fontId=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|index| index.parse().ok())
            .expect("the style names a font");
        assert!(
            fonts[font].contains("<b/>"),
            "sheet {sheet}: the header is bold"
        );
    }
}
