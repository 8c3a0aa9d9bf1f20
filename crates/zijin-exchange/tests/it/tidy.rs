//! Tidy observation files that must be accepted: the published figures,
//! Chinese headers, GBK, XLSX with typed cells, and a large file.

use std::time::Instant;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use zijin_domain::{Period, Qualifier, Region, RegionCode, RegionKind, SourceQuality};
use zijin_exchange::{NANJING_PUBLISHED, read_observations};

use crate::{context, nanjing, read_ok};

#[test]
fn the_published_figures_import_cleanly() {
    let rows = read_ok("observations-published.csv", NANJING_PUBLISHED);
    let text = std::str::from_utf8(NANJING_PUBLISHED).unwrap();
    let data_lines = text
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .count();
    assert_eq!(rows.len(), data_lines, "every row is read");
    assert_eq!(rows.len(), 22);
    for (index, row) in rows.iter().enumerate() {
        assert_eq!(
            row.location.row,
            index + 2,
            "rows are numbered as a spreadsheet shows them"
        );
        assert_eq!(row.location.file, "observations-published.csv");
        assert_eq!(row.location.sheet, None);
        assert_eq!(row.observation.region.as_str(), "320100");
        assert!(!row.observation.source.is_empty());
    }

    let first = &rows[0].observation;
    assert_eq!(first.indicator.as_str(), "rd_intensity");
    assert_eq!((first.period, first.value), (Period::Year(2020), 3.48));
    assert_eq!(first.qualifier, Qualifier::Exact);
    assert_eq!(first.unit, "%");
    assert_eq!(first.source_quality, SourceQuality::Official);
    assert_eq!(
        first.source,
        "http://www.njsw.gov.cn/zyfb/swwj/202112/t20211209_3225953.html"
    );
    assert_eq!(first.note.as_deref(), Some("plan baseline (Table 1)"));

    let find = |indicator: &str, period: Period| {
        rows.iter()
            .map(|row| &row.observation)
            .find(|o| o.indicator.as_str() == indicator && o.period == period)
            .unwrap_or_else(|| panic!("{indicator} {period}"))
    };
    let half_year = find("tech_contract_turnover", Period::Month(2023, 6));
    assert_eq!(half_year.value, 398.0);
    let more_than = find("high_tech_enterprises", Period::Year(2023));
    assert_eq!(
        (more_than.qualifier, more_than.source_quality),
        (Qualifier::MoreThan, SourceQuality::ThirdParty)
    );
    assert_eq!(
        more_than.note.as_deref(),
        Some("more than 10,000 valid certificates; +11% on the year")
    );
    assert_eq!(
        find("tech_smes", Period::Month(2021, 9)).qualifier,
        Qualifier::About
    );
    let gdp = find("gdp", Period::Year(2024));
    assert_eq!((gdp.value, gdp.unit.as_str()), (18500.81, "亿元"));
    let empty_note = find("gdp", Period::Year(2022));
    assert_eq!(empty_note.note, None, "an empty note is no note");
}

#[test]
fn chinese_headers_in_any_order_with_defaults() {
    let csv = "\u{feff}期间,地区代码,指标名称,指标代码,数值,单位,备注\n\
               2022,320102,高新技术企业数,high_tech_enterprises,\"1,234\",家,区科技局\n\
               2023-H1,320102,技术市场合同成交额,tech_contract_turnover,56.5,,上半年\n\
               2023-Q2,NJHZ-01,,rd_intensity,3.1,％,\n";
    let rows = read_ok("玄武区.csv", csv.as_bytes());
    assert_eq!(rows.len(), 3);
    let first = &rows[0].observation;
    assert_eq!(first.indicator.as_str(), "high_tech_enterprises");
    assert_eq!(
        (first.region.as_str(), first.period, first.value),
        ("320102", Period::Year(2022), 1234.0)
    );
    assert_eq!(
        first.source, "玄武区.csv",
        "the source defaults to the file name"
    );
    assert_eq!(
        first.source_quality,
        SourceQuality::Official,
        "the quality defaults to the context's"
    );
    assert_eq!(first.qualifier, Qualifier::Exact);
    assert_eq!(first.note.as_deref(), Some("区科技局"));
    let second = &rows[1].observation;
    assert_eq!(
        (second.period, second.unit.as_str()),
        (Period::Half(2023, 1), "亿元"),
        "the unit defaults to the indicator's"
    );
    let third = &rows[2].observation;
    assert_eq!(
        (third.period, third.unit.as_str()),
        (Period::Quarter(2023, 2), "%")
    );
    assert_eq!(third.region.as_str(), "NJHZ-01");
    assert_eq!(third.note, None);
    assert_eq!(rows[2].location.row, 4);
}

#[test]
fn other_accepted_headers_and_blank_lines() {
    let csv = "Indicator,Region,Period,Value,Qualifier,Source,Source_Quality,Note\n\
               tech_smes,320100,2024,25000,约,区报,press,\n\
               \n\
               tech_smes,320104,2024,3000,>,,第三方,\n";
    let rows = read_ok("mixed.csv", csv.as_bytes());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].observation.qualifier, Qualifier::About);
    assert_eq!(rows[0].observation.source_quality, SourceQuality::Press);
    assert_eq!(rows[1].observation.qualifier, Qualifier::MoreThan);
    assert_eq!(
        rows[1].observation.source_quality,
        SourceQuality::ThirdParty
    );
    assert_eq!(rows[1].location.row, 4, "the blank line counts as a row");
}

#[test]
fn tab_and_semicolon_separated_files() {
    let tabs = "indicator\tregion\tperiod\tvalue\nrd_intensity\t320100\t2023\t3.9\n";
    let rows = read_ok("pasted.txt", tabs.as_bytes());
    assert_eq!(rows[0].observation.value, 3.9);
    let semicolons = "indicator;region;period;value;note\ngdp;320100;2023;17421.4;a, b\n";
    let rows = read_ok("semicolons.csv", semicolons.as_bytes());
    assert_eq!(rows[0].observation.note.as_deref(), Some("a, b"));
}

#[test]
fn title_lines_above_the_header_of_a_csv() {
    let text = "南京市科技指标报送\n导出日期 2024-03-01,,,\n指标,地区,期间,数值\ngdp,320100,2023,17421.4\n";
    let rows = read_ok("titled.csv", text.as_bytes());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].location.row, 4);
}

#[test]
fn a_text_export_named_xls_is_read_as_csv() {
    let text = "indicator\tregion\tperiod\tvalue\ngdp\t320100\t2023\t17421.4\n";
    assert_eq!(read_ok("export.xls", text.as_bytes()).len(), 1);
}

#[test]
fn gbk_encoded_csv() {
    let text = "指标,地区,时期,值,来源\nhigh_tech_enterprises,320115,2023,2100,江宁区科技局年报\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file is really GBK, not UTF-8"
    );
    let rows = read_ok("jiangning-gbk.csv", &bytes);
    assert_eq!(rows.len(), 1);
    let observation = &rows[0].observation;
    assert_eq!(observation.region.as_str(), "320115");
    assert_eq!(observation.source, "江宁区科技局年报");
    assert_eq!(observation.value, 2100.0);
}

/// A tidy workbook as a district would make it: a title row above the
/// header, a region code typed as a number, a period typed as a number and
/// one that Excel turned into a date, a value typed as text.
fn tidy_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write(0, 0, "本工作簿的数据在下一张表 / data on the next sheet")
        .unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("数据").unwrap();
    sheet.write(0, 0, "鼓楼区 2023 年科技指标").unwrap();
    for (column, header) in ["指标", "地区", "期间", "数值", "限定", "来源"]
        .iter()
        .enumerate()
    {
        sheet.write(1, column as u16, *header).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm");
    sheet.write(2, 0, "high_tech_output_share").unwrap();
    sheet.write(2, 1, 320106).unwrap();
    sheet
        .write_datetime_with_format(2, 2, ExcelDateTime::from_ymd(2023, 11, 1).unwrap(), &date)
        .unwrap();
    sheet.write(2, 3, 56.2).unwrap();
    sheet.write(2, 4, ">").unwrap();
    sheet.write(3, 0, "gdp").unwrap();
    sheet.write(3, 1, "320106").unwrap();
    sheet.write(3, 2, 2022).unwrap();
    sheet.write(3, 3, "2,345.6").unwrap();
    sheet.write(3, 5, "鼓楼区统计公报").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn tidy_xlsx_with_typed_cells() {
    let rows = read_ok("gulou.xlsx", &tidy_workbook());
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first.location.sheet.as_deref(), Some("数据"));
    assert_eq!(first.location.row, 3);
    assert_eq!(first.observation.region.as_str(), "320106");
    assert_eq!(
        first.observation.period,
        Period::Month(2023, 11),
        "a date cell is the month, January to it"
    );
    assert_eq!(
        (first.observation.value, first.observation.qualifier),
        (56.2, Qualifier::MoreThan)
    );
    assert_eq!(first.observation.source, "gulou.xlsx");
    let second = &rows[1].observation;
    assert_eq!((second.period, second.value), (Period::Year(2022), 2345.6));
    assert_eq!(second.source, "鼓楼区统计公报");
    assert_eq!(rows[1].location.row, 4);
}

#[test]
fn the_format_is_recognised_by_content_not_name() {
    // An XLSX saved under a .csv name is still read as XLSX.
    let rows = read_ok("gulou.csv", &tidy_workbook());
    assert_eq!(rows.len(), 2);
}

#[test]
fn a_large_file_reads_quickly_with_progress() {
    // ZIJIN_EXCHANGE_BENCH_ROWS=1000000 with `--release` measures the speed
    // the crate promises; by default the test stays small enough for debug.
    let rows: usize = std::env::var("ZIJIN_EXCHANGE_BENCH_ROWS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(60_000);
    let (plan, mut regions) = nanjing();
    let periods: Vec<String> = (2020..=2025)
        .flat_map(|year| {
            let halves = (1..=2).map(move |half| format!("{year}-H{half}"));
            let quarters = (1..=4).map(move |quarter| format!("{year}-Q{quarter}"));
            let months = (1..=12).map(move |month| format!("{year}-{month:02}"));
            std::iter::once(year.to_string())
                .chain(halves)
                .chain(quarters)
                .chain(months)
        })
        .collect();
    // Every key (indicator, region, period) once: add made-up regions until
    // there are enough keys for the rows.
    let keys_per_region = plan.indicators.len() * periods.len();
    let extra_regions = (rows / keys_per_region + 1).saturating_sub(regions.len());
    for index in 0..extra_regions {
        regions.push(Region {
            code: RegionCode::new(&format!("X{index:05}")).unwrap(),
            name_zh: format!("测试{index}"),
            name_en: String::new(),
            kind: RegionKind::Park,
            parent: None,
            note: None,
        });
    }
    let mut csv = String::with_capacity(rows * 64);
    csv.push_str("indicator,region,period,value,qualifier,unit,source,source_quality,note\n");
    let mut written = 0;
    'outer: for region in &regions {
        for indicator in &plan.indicators {
            for period in &periods {
                if written == rows {
                    break 'outer;
                }
                csv.push_str(&format!(
                    "{},{},{},{}.5,=,{},district report,reported,\n",
                    indicator.code, region.code, period, written, indicator.unit
                ));
                written += 1;
            }
        }
    }
    assert_eq!(written, rows);
    let mut calls = 0;
    let mut last = (0, 0);
    let started = Instant::now();
    let read = read_observations(
        "large.csv",
        csv.as_bytes(),
        &context(&plan, &regions),
        &mut |done, total| {
            calls += 1;
            last = (done, total);
        },
    )
    .expect("the large file is valid");
    eprintln!(
        "read and checked {} rows ({} bytes) in {:?}",
        read.len(),
        csv.len(),
        started.elapsed()
    );
    assert_eq!(read.len(), rows);
    assert_eq!(read[rows - 1].location.row, rows + 1);
    assert_eq!(last, (csv.len() as u64, csv.len() as u64));
    assert!(
        calls >= 3 && calls <= 2 + rows / 1000,
        "progress is periodic, not per row: {calls} calls"
    );
}
