//! The dashboard pages in Chinese and English: status, language, headings,
//! charts, synthetic badges, filters, errors, static files and downloads.

use axum::http::{StatusCode, header};
use zijin_app::AssessQuery;
use zijin_store::Store;

use crate::{Answer, demo_app, demo_router, get, get_with};

/// A page that must answer 200 HTML in `lang`, containing every `expected` text.
async fn page(router: &axum::Router, uri: &str, lang: &str, expected: &[&str]) -> String {
    let answer = get(router, uri).await;
    check_page(&answer, uri, lang, expected)
}

fn check_page(answer: &Answer, uri: &str, lang: &str, expected: &[&str]) -> String {
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
    assert_eq!(answer.content_type(), "text/html; charset=utf-8", "{uri}");
    let html = answer.text();
    assert!(html.starts_with("<!DOCTYPE html>"), "{uri}");
    assert!(
        html.contains(&format!("<html lang=\"{lang}\">")),
        "{uri}: not in {lang}"
    );
    for text in expected {
        assert!(html.contains(text), "{uri}: {text:?} not found");
    }
    // Every page: navigation, a language switch, the footer's synthetic-data note.
    assert!(html.contains("<nav"), "{uri}: no navigation");
    assert!(
        html.contains("class=\"lang-switch\""),
        "{uri}: no language switch"
    );
    assert!(
        html.contains("id=\"synthetic-note\""),
        "{uri}: no synthetic-data note"
    );
    // No external resources.
    assert!(!html.contains("src=\"http"), "{uri}: an external resource");
    assert!(
        !html.contains("<link rel=\"stylesheet\" href=\"http"),
        "{uri}"
    );
    html
}

const BADGE: &str = "badge-synthetic";

#[tokio::test]
async fn the_overview_shows_every_indicator_with_lights_and_counts() {
    let app = demo_app().await;
    let router = demo_router().await;
    let report = app.assess(&AssessQuery::default()).await.unwrap();
    let html = page(
        &router,
        "/",
        "zh-CN",
        &["总览", "评估日期", "增长比", "<svg", "已实现"],
    )
    .await;
    let city_rows = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == report.plan.region)
        .count();
    assert_eq!(html.matches("<tr data-light=").count(), city_rows);
    assert!(html.contains(&report.as_of.to_string()));
    // Every indicator name links to its page.
    for indicator in report.plan.indicators.iter().filter(|i| !i.is_auxiliary()) {
        assert!(
            html.contains(&format!("href=\"/indicators/{}\"", indicator.code)),
            "{}",
            indicator.code
        );
        assert!(html.contains(&indicator.name_zh));
    }
    // Lights are an icon and a word.
    assert!(html.contains("class=\"light-icon"));
    assert!(html.contains("绿灯"));
    // Sparklines and progress bars.
    assert!(html.contains("class=\"sparkline\""));
    assert!(html.contains("class=\"elapsed\""));
    // The city's figures are published ones: no synthetic badge here.
    assert!(!html.contains(BADGE));
    // A sparkline without data says so in its accessible name.
    let without_data = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == report.plan.region)
        .find(|assessment| assessment.latest.is_none() && assessment.baseline.is_none())
        .expect("an indicator of the demo without any figure");
    let name = &report
        .plan
        .indicator(&without_data.indicator)
        .unwrap()
        .name_zh;
    assert!(html.contains(&format!("{name}趋势：无数据")), "{name}");

    let html = page(
        &router,
        "/?lang=en",
        "en",
        &["Overview", "Growth ratio", "<svg", "achieved"],
    )
    .await;
    assert!(html.contains(&report.plan.name_en));
    // The switch back to Chinese keeps the query's other parameters.
    let html = page(&router, "/?light=green&lang=en", "en", &[]).await;
    assert!(
        html.contains("href=\"/?light=green&amp;lang=zh\""),
        "the switch keeps the filter"
    );

    // Accept-Language chooses English when no lang is given.
    let answer = get_with(
        &router,
        "/",
        &[("accept-language", "en-GB,en;q=0.9,zh;q=0.5")],
    )
    .await;
    check_page(&answer, "/ (Accept-Language en)", "en", &["Overview"]);
    assert_eq!(answer.headers[header::CONTENT_LANGUAGE], "en");
    let answer = get_with(&router, "/?lang=zh", &[("accept-language", "en")]).await;
    check_page(&answer, "/?lang=zh", "zh-CN", &["总览"]);
}

#[tokio::test]
async fn the_overview_filters_by_light_and_kind() {
    let app = demo_app().await;
    let router = demo_router().await;
    let report = app.assess(&AssessQuery::default()).await.unwrap();
    let city: Vec<_> = report
        .assessments
        .iter()
        .filter(|assessment| assessment.region == report.plan.region)
        .collect();
    for (light, param) in [
        (Some(zijin_assess::Light::Green), "green"),
        (Some(zijin_assess::Light::Yellow), "yellow"),
        (Some(zijin_assess::Light::Red), "red"),
        (None, "none"),
    ] {
        let html = page(&router, &format!("/?light={param}"), "zh-CN", &[]).await;
        let expected = city
            .iter()
            .filter(|assessment| assessment.light == light)
            .count();
        assert_eq!(html.matches("<tr data-light=").count(), expected, "{param}");
        assert_eq!(
            html.matches(&format!("<tr data-light=\"{param}\"")).count(),
            expected,
            "{param}"
        );
    }
    let html = page(&router, "/?kind=cumulative", "zh-CN", &[]).await;
    let expected = city
        .iter()
        .filter(|assessment| assessment.kind == zijin_domain::Kind::Cumulative)
        .count();
    assert!(expected > 0);
    assert_eq!(html.matches("data-kind=\"cumulative\"").count(), expected);
    assert_eq!(html.matches("<tr data-light=").count(), expected);
    // The counts stay those of the whole plan.
    assert!(html.contains(&format!("{} 项指标", city.len())));

    // Bad parameters: a 400 page naming the parameter.
    for uri in ["/?light=purple", "/?kind=stock", "/?as_of=2024-02-30"] {
        let answer = get(&router, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(answer.content_type().starts_with("text/html"));
        let name = uri.trim_start_matches("/?").split('=').next().unwrap();
        assert!(
            answer.text().contains(&format!("parameter {name}")),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_indicator_page_explains_the_readings() {
    let app = demo_app().await;
    let router = demo_router().await;
    let report = app.assess(&AssessQuery::default()).await.unwrap();
    let assessment = report
        .assessments
        .iter()
        .find(|a| a.region == report.plan.region && a.indicator.as_str() == "high_tech_enterprises")
        .unwrap();
    let light_word = assessment.light.map_or("没有灯".to_owned(), |light| {
        format!("是{}", light.name_zh())
    });
    let html = page(
        &router,
        "/indicators/high_tech_enterprises",
        "zh-CN",
        &[
            "高新技术企业",
            "走势",
            &format!("为什么{light_word}"),
            "序时进度",
            "增长比",
            "数据与修订",
            "<svg",
            "class=\"chart-data\"",
            "data.csv",
            "data.xlsx",
            "各区",
            "各园区",
        ],
    )
    .await;
    // The trajectory chart's marks, and the bars of the breakdown.
    assert!(html.contains("class=\"observed"), "observed points");
    assert!(html.contains("class=\"bar "), "breakdown bars");
    // The breakdown shows the districts' synthetic values, marked.
    assert!(html.contains(BADGE));
    assert!(html.contains("合成数据"));
    // The data table lists every revision of the city's series.
    let history = app
        .history(
            &"high_tech_enterprises".parse().unwrap(),
            &report.plan.region,
        )
        .await
        .unwrap();
    for record in &history {
        assert!(html.contains(&format!("<td>{}</td>", record.observation.period)));
    }
    // Diagnostics are explained in words.
    for diagnostic in &assessment.diagnostics {
        assert!(html.contains(&diagnostic.message), "{:?}", diagnostic.code);
    }

    let html = page(
        &router,
        "/indicators/high_tech_enterprises?region=320115&lang=en",
        "en",
        &[
            "High-tech enterprises",
            "Trajectory",
            "Why ",
            "Data and revisions",
            "synthetic",
            "<svg",
        ],
    )
    .await;
    assert!(html.contains(BADGE), "a district's own series is synthetic");

    for uri in [
        "/indicators/no_such_thing",
        "/indicators/high_tech_enterprises?region=999999",
    ] {
        let answer = get(&router, uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(answer.content_type().starts_with("text/html"));
    }
    let answer = get(&router, "/indicators/high_tech_enterprises?region=南京").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn region_rankings_reporting_and_bulletin_pages() {
    let router = demo_router().await;
    let html = page(
        &router,
        "/regions/320115",
        "zh-CN",
        &["江宁区", "同类排名", "各指标评估", "增长比中位数第"],
    )
    .await;
    assert!(html.contains(BADGE));
    page(
        &router,
        "/regions/320100?lang=en",
        "en",
        &[
            "Nanjing",
            "Rank among peers",
            "Scorecard",
            "Only districts and parks",
        ],
    )
    .await;
    page(&router, "/regions", "zh-CN", &["全部地区", "江宁区"]).await;
    page(&router, "/regions?lang=en", "en", &["All regions"]).await;
    assert_eq!(
        get(&router, "/regions/999999").await.status,
        StatusCode::NOT_FOUND
    );

    let html = page(
        &router,
        "/rankings",
        "zh-CN",
        &[
            "排名",
            "各区综合排名",
            "各园区综合排名",
            "各区示意图",
            "<svg",
            "class=\"tile ",
        ],
    )
    .await;
    assert!(html.contains(BADGE));
    // One tile per district with a place on the grid.
    assert_eq!(
        html.matches("<g class=\"tile ").count(),
        zijin_charts::NANJING_TILES.len()
    );
    page(
        &router,
        "/rankings?indicator=rd_intensity&lang=en",
        "en",
        &[
            "Rankings",
            "Districts: overall",
            "Map of the districts",
            "By growth ratio",
        ],
    )
    .await;
    assert_eq!(
        get(&router, "/rankings?indicator=nothing_like_it")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let html = page(
        &router,
        "/reporting",
        "zh-CN",
        &["数据报送", "逾期未报", "已报送"],
    )
    .await;
    assert!(html.contains(BADGE), "the districts' reports are synthetic");
    page(
        &router,
        "/reporting?lang=en&as_of=2022-12-31",
        "en",
        &["Reporting status", "2022-12-31"],
    )
    .await;

    let html = page(
        &router,
        "/bulletins",
        "zh-CN",
        &[
            "通报",
            "/bulletins/2023.pdf",
            "/bulletins/2023.xlsx",
            "/bulletins/2023.html",
        ],
    )
    .await;
    assert!(
        !html.contains("/bulletins/2020."),
        "no bulletin for the base year"
    );
    page(
        &router,
        "/bulletins?lang=en",
        "en",
        &["Bulletins", "Download by year"],
    )
    .await;
    let answer = get(&router, "/bulletins/2023.html").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type().starts_with("text/html"));
    let answer = get(&router, "/bulletins/2023.doc").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = get(&router, "/bulletins/2019.html").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_pages_are_404_pages_and_static_files_are_cached() {
    let router = demo_router().await;
    let answer = get(&router, "/no/such/page?lang=en").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.content_type().starts_with("text/html"));
    assert!(answer.text().contains("<html lang=\"en\">"));
    assert!(
        answer.text().contains("<nav"),
        "error pages have the navigation too"
    );
    assert!(
        answer.text().contains("/no/such/page"),
        "the message names the path"
    );

    let css = get(&router, "/static/zijin.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.content_type(), "text/css; charset=utf-8");
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let js = get(&router, "/static/zijin.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type().starts_with("text/javascript"));

    // Compression when the client accepts it.
    let answer = get_with(&router, "/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(answer.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn the_data_table_downloads_as_csv_and_xlsx() {
    let app = demo_app().await;
    let router = demo_router().await;
    let history = app
        .history(
            &"high_tech_enterprises".parse().unwrap(),
            &"320115".parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(!history.is_empty());

    let answer = get(
        &router,
        "/indicators/high_tech_enterprises/data.csv?region=320115",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), "text/csv; charset=utf-8");
    assert!(
        answer.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let mut reader = csv::Reader::from_reader(answer.body.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        &headers[0], "indicator",
        "the byte-order mark is not part of the header"
    );
    assert!(headers.iter().any(|name| name == "revision"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), history.len());
    for (row, record) in rows.iter().zip(&history) {
        assert_eq!(&row[2], record.observation.period.to_string());
        assert_eq!(row[3].parse::<f64>().unwrap(), record.observation.value);
        assert_eq!(&row[7], "synthetic");
    }

    let answer = get(
        &router,
        "/indicators/high_tech_enterprises/data.xlsx?region=320115",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type().contains("spreadsheetml"));
    use calamine::{DataType, Reader};
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(answer.body)).expect("a workbook");
    let range = workbook.worksheet_range("data").expect("the data sheet");
    assert_eq!(range.height(), history.len() + 1);
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "indicator");
    assert_eq!(
        range.get((1, 3)).unwrap().get_float(),
        Some(history[0].observation.value)
    );

    // The city's series by default.
    let city = app
        .history(
            &"rd_intensity".parse().unwrap(),
            &app.active_plan().await.unwrap().plan.region,
        )
        .await
        .unwrap();
    let answer = get(&router, "/indicators/rd_intensity/data.csv").await;
    let rows = csv::Reader::from_reader(answer.body.as_slice())
        .records()
        .count();
    assert_eq!(rows, city.len());
    assert_eq!(
        get(&router, "/indicators/nope/data.csv").await.status,
        StatusCode::NOT_FOUND
    );
    let _ = app.store().backend();
}
