//! The evaluation pages (考核评价) over the demo database's evaluations: the
//! list, a ranking with its rank intervals and (NRI) exit flags, a unit's
//! profile, the workbook, and the 404s.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};

use crate::{EVALUATION_DRAWS, demo_app, demo_router, get};

fn html_page(answer: &crate::Answer, uri: &str, lang: &str) -> String {
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
    assert_eq!(answer.content_type(), "text/html; charset=utf-8", "{uri}");
    let html = answer.text();
    assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{uri}");
    assert!(html.contains("class=\"lang-switch\""), "{uri}");
    assert!(!html.contains("src=\"http"), "{uri}: an external resource");
    html
}

#[tokio::test]
async fn the_list_shows_every_framework_and_year_with_the_synthetic_label() {
    let app = demo_app().await;
    let runs = app.evaluations().await.unwrap();
    assert!(
        runs.len() >= 7,
        "parks 2021–2024 and nri 2022–2024: {runs:?}"
    );
    let router = demo_router().await;
    let html = html_page(&get(&router, "/evaluations").await, "/evaluations", "zh-CN");
    assert!(html.contains("考核评价"));
    assert!(html.contains("合成数据"));
    for run in &runs {
        assert!(
            html.contains(&format!("href=\"/evaluations/{}/{}\"", run.key, run.year)),
            "{} {}",
            run.key,
            run.year
        );
        assert!(html.contains(&run.name_zh));
    }
    // The navigation leads here from every page.
    let overview = get(&router, "/").await.text();
    assert!(overview.contains("href=\"/evaluations\""));

    let html = html_page(
        &get(&router, "/evaluations?lang=en").await,
        "/evaluations?lang=en",
        "en",
    );
    assert!(html.contains("synthetic data"));
    assert!(html.contains(&runs[0].name_en.replace('&', "&amp;")));
}

#[tokio::test]
async fn the_nri_ranking_shows_units_intervals_and_the_flagged_institutions() {
    let app = demo_app().await;
    let evaluation = app
        .evaluation("nri", 2024)
        .await
        .unwrap()
        .expect("nri 2024");
    let router = demo_router().await;
    let uri = "/evaluations/nri/2024";
    let html = html_page(&get(&router, uri).await, uri, "zh-CN");
    for expected in [
        evaluation.run.name_zh.as_str(),
        "合成数据",
        evaluation.run.note_zh.as_str(),
        evaluation.run.version.as_str(),
        "COINr",
        &format!("共 {EVALUATION_DRAWS} 次，随机种子 7"),
        "class=\"interval\"",
        "href=\"/evaluations/nri/2024.xlsx\"",
        "退出预警",
    ] {
        assert!(html.contains(expected), "{expected:?} not on {uri}");
    }
    // Every unit, with a link to its profile.
    for (code, name) in &evaluation.units {
        assert!(html.contains(name.as_str()), "{name}");
        assert!(html.contains(&format!("href=\"/evaluations/nri/2024/{code}\"")));
    }
    // One column per pillar.
    for node in evaluation.nodes.iter().filter(|node| node.level == 2) {
        assert!(html.contains(&node.name_zh), "{}", node.name_zh);
    }
    // The flagged institutions are named with the label and their reasons.
    let flagged: Vec<_> = evaluation
        .exit_flags
        .iter()
        .filter(|flag| flag.flagged)
        .collect();
    assert!(!flagged.is_empty(), "the demo data flag someone in 2024");
    let section =
        &html[html.find("id=\"exit-flags\"").unwrap()..html.find("id=\"ranking\"").unwrap()];
    assert!(section.contains("标记退出审查"));
    for flag in &flagged {
        let name = &evaluation
            .units
            .iter()
            .find(|(code, _)| *code == flag.unit)
            .unwrap()
            .1;
        assert!(section.contains(name.as_str()), "{name} flagged");
        for reason in &flag.reasons_zh {
            assert!(section.contains(reason.as_str()), "{reason}");
        }
    }

    let uri = "/evaluations/nri/2024?lang=en";
    let html = html_page(&get(&router, uri).await, uri, "en");
    assert!(html.contains("Flagged for exit review"));
    assert!(html.contains(&evaluation.run.name_en.replace('&', "&amp;")));

    // The parks have no exit rule.
    let uri = "/evaluations/parks/2024";
    let html = html_page(&get(&router, uri).await, uri, "zh-CN");
    assert!(!html.contains("id=\"exit-flags\""));
    assert!(html.contains("合成数据"));
}

#[tokio::test]
async fn a_profile_shows_the_index_pillars_and_indicators() {
    let app = demo_app().await;
    let evaluation = app
        .evaluation("parks", 2024)
        .await
        .unwrap()
        .expect("parks 2024");
    let (code, name) = &evaluation.units[0];
    let router = demo_router().await;
    let uri = format!("/evaluations/parks/2024/{code}");
    let html = html_page(&get(&router, &uri).await, &uri, "zh-CN");
    for expected in [
        name.as_str(),
        "第 1 名",
        "名次区间（5%–95%）",
        "优势与短板指标",
        "合成数据",
        "<details>",
    ] {
        assert!(html.contains(expected), "{expected:?} not on {uri}");
    }
    for node in evaluation.nodes.iter().filter(|node| node.level <= 2) {
        assert!(html.contains(&node.name_zh), "{}", node.name_zh);
    }
    // The framework's code works as well as its key.
    let uri = format!(
        "/evaluations/{}/2024/{code}?lang=en",
        evaluation.run.framework
    );
    let html = html_page(&get(&router, &uri).await, &uri, "en");
    assert!(html.contains("Strongest and weakest indicators"));
}

#[tokio::test]
async fn the_workbook_reads_back() {
    let app = demo_app().await;
    let evaluation = app.evaluation("nri", 2024).await.unwrap().unwrap();
    let router = demo_router().await;
    let answer = get(&router, "/evaluations/nri/2024.xlsx").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.content_type(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(answer.body)).expect("an XLSX file");
    assert_eq!(
        workbook.sheet_names(),
        ["说明 About", "排名 Ranking", "指标 Indicators"]
    );
    let about = workbook.worksheet_range("说明 About").unwrap();
    assert_eq!(
        about.get((0, 0)),
        Some(&Data::String("合成数据".to_owned()))
    );
    let ranking = workbook.worksheet_range("排名 Ranking").unwrap();
    assert_eq!(ranking.height(), evaluation.units.len() + 1);
    assert_eq!(
        ranking.get((1, 0)),
        Some(&Data::String(evaluation.units[0].0.clone()))
    );
    let indicators = workbook.worksheet_range("指标 Indicators").unwrap();
    assert_eq!(indicators.height(), evaluation.results.len() + 1);
}

#[tokio::test]
async fn unknown_frameworks_years_and_units_are_404_pages() {
    let router = demo_router().await;
    for uri in [
        "/evaluations/nope/2024",
        "/evaluations/nri/1999",
        "/evaluations/nri/next",
        "/evaluations/nri/1999.xlsx",
        "/evaluations/nri/2024/NOPE",
        "/evaluations/parks/2024/NRI001",
    ] {
        let answer = get(&router, uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(answer.content_type(), "text/html; charset=utf-8", "{uri}");
        let html = answer.text();
        assert!(html.contains("未找到") && html.contains("<nav"), "{uri}");
        assert!(
            html.contains("unknown_evaluation") || html.contains("unknown_unit"),
            "{uri}"
        );
    }
}
