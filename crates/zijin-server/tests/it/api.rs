//! The JSON API: every endpoint against the application it serves, and
//! every kind of error.

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};
use zijin_app::AssessQuery;
use zijin_domain::{IndicatorCode, RegionCode};
use zijin_store::{ObservationFilter, Store};

use crate::{demo_app, demo_router, get};

fn code<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().expect("a valid code")
}

/// A JSON answer with status 200.
async fn ok_json(router: &axum::Router, uri: &str) -> Value {
    let answer = get(router, uri).await;
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
    assert_eq!(answer.content_type(), "application/json", "{uri}");
    answer.json()
}

#[tokio::test]
async fn plan_plans_and_indicators_are_the_active_plans() {
    let app = demo_app().await;
    let router = demo_router().await;
    let stored = app.active_plan().await.unwrap();
    let plan = ok_json(&router, "/api/v1/plan").await;
    assert_eq!(plan, serde_json::to_value(&stored.plan).unwrap());
    assert_eq!(plan["code"], stored.plan.code.as_str());

    let plans = ok_json(&router, "/api/v1/plans").await;
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), app.store().plans().await.unwrap().len());
    let active: Vec<&Value> = plans.iter().filter(|plan| plan["active"] == true).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["code"], stored.plan.code.as_str());
    assert_eq!(active[0]["version"], stored.version);
    assert_eq!(active[0]["indicators"], stored.plan.indicators.len());

    let by_code = ok_json(&router, &format!("/api/v1/plans/{}", stored.plan.code)).await;
    assert_eq!(by_code, plan);
    let message = get(&router, "/api/v1/plans/no-such-plan")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_plan");
    assert!(message.contains("no-such-plan"), "{message}");
    get(&router, "/api/v1/plans/bad%20code")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_plan");

    let indicators = ok_json(&router, "/api/v1/indicators").await;
    assert_eq!(
        indicators,
        serde_json::to_value(&stored.plan.indicators).unwrap()
    );
    let one = ok_json(&router, "/api/v1/indicators/high_tech_enterprises").await;
    assert_eq!(one["code"], "high_tech_enterprises");
    assert_eq!(one["unit"], "家");

    let message = get(&router, "/api/v1/indicators/no_such_indicator")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_indicator");
    assert!(message.contains("no_such_indicator"), "{message}");
    get(&router, "/api/v1/indicators/Not-A-Code")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_indicator");
}

#[tokio::test]
async fn regions_are_every_stored_region() {
    let app = demo_app().await;
    let router = demo_router().await;
    let regions = ok_json(&router, "/api/v1/regions").await;
    assert_eq!(
        regions,
        serde_json::to_value(app.regions().await.unwrap()).unwrap()
    );
    assert!(regions.as_array().unwrap().len() > 20);
}

#[tokio::test]
async fn observations_are_the_latest_revisions_and_history_every_revision() {
    let app = demo_app().await;
    let router = demo_router().await;
    let filter = ObservationFilter {
        indicators: vec![code::<IndicatorCode>("high_tech_enterprises")],
        regions: vec![code::<RegionCode>("320100")],
    };
    let expected = serde_json::to_value(app.observations(&filter).await.unwrap()).unwrap();
    let answer = ok_json(
        &router,
        "/api/v1/observations?indicator=high_tech_enterprises&region=320100",
    )
    .await;
    assert_eq!(answer, expected);
    assert!(!answer.as_array().unwrap().is_empty());
    assert_eq!(
        answer[0]["observation"]["indicator"],
        "high_tech_enterprises"
    );
    assert!(answer[0]["revision"].as_u64().unwrap() >= 1);

    // Several values, repeated or comma-separated.
    let both = ok_json(
        &router,
        "/api/v1/observations?indicator=high_tech_enterprises,rd_intensity&region=320100&region=320115",
    )
    .await;
    let filter = ObservationFilter {
        indicators: vec![code("high_tech_enterprises"), code("rd_intensity")],
        regions: vec![code("320100"), code("320115")],
    };
    assert_eq!(
        both,
        serde_json::to_value(app.observations(&filter).await.unwrap()).unwrap()
    );

    let all = ok_json(&router, "/api/v1/observations").await;
    assert_eq!(
        all.as_array().unwrap().len(),
        app.observations(&ObservationFilter::default())
            .await
            .unwrap()
            .len()
    );

    let history = ok_json(
        &router,
        "/api/v1/observations/history?indicator=high_tech_enterprises&region=320100",
    )
    .await;
    let expected = app
        .history(&code("high_tech_enterprises"), &code("320100"))
        .await
        .unwrap();
    assert_eq!(history, serde_json::to_value(&expected).unwrap());

    let message = get(
        &router,
        "/api/v1/observations/history?indicator=high_tech_enterprises",
    )
    .await
    .error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert!(message.contains("region"), "{message}");
    let message = get(&router, "/api/v1/observations?region=南京")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert!(
        message.contains("region") && message.contains("南京"),
        "{message}"
    );
    get(&router, "/api/v1/observations?region=999999")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_region");
    get(&router, "/api/v1/observations?indicator=nothing_like_it")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_indicator");
}

#[tokio::test]
async fn the_assessment_is_what_the_cli_prints() {
    let app = demo_app().await;
    let router = demo_router().await;
    let report = app.assess(&AssessQuery::default()).await.unwrap();
    let whole = ok_json(&router, "/api/v1/assessment").await;
    assert_eq!(whole, serde_json::to_value(&report.assessments).unwrap());
    assert_eq!(whole[0]["as_of"], report.as_of.to_string());
    // Every field of `zijin assess --format json`.
    for key in [
        "indicator",
        "region",
        "as_of",
        "latest",
        "elapsed_share",
        "completion",
        "gap_points",
        "growth_ratio",
        "projected_value",
        "probability",
        "time_status",
        "light",
        "diagnostics",
    ] {
        assert!(whole[0].get(key).is_some(), "{key}");
    }
    // The same answer twice (the second from the cache).
    assert_eq!(ok_json(&router, "/api/v1/assessment").await, whole);

    let query = AssessQuery {
        as_of: Some(NaiveDate::from_ymd_opt(2023, 6, 30).unwrap()),
        regions: vec![code("320115")],
        indicators: vec![code("high_tech_enterprises"), code("rd_intensity")],
    };
    let expected = app.assess(&query).await.unwrap();
    let filtered = ok_json(
        &router,
        "/api/v1/assessment?as_of=2023-06-30&region=320115&indicator=high_tech_enterprises,rd_intensity",
    )
    .await;
    assert_eq!(
        filtered,
        serde_json::to_value(&expected.assessments).unwrap()
    );
    assert_eq!(filtered.as_array().unwrap().len(), 2);

    let dated = ok_json(&router, "/api/v1/assessment?as_of=2023-06-30").await;
    let expected = app
        .assess(&AssessQuery {
            as_of: query.as_of,
            ..AssessQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(dated, serde_json::to_value(&expected.assessments).unwrap());

    for bad in ["2024-13-01", "yesterday", "2024/04/30"] {
        let message = get(&router, &format!("/api/v1/assessment?as_of={bad}"))
            .await
            .error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert!(message.contains("as_of"), "{message}");
        assert!(message.contains("YYYY-MM-DD"), "{message}");
    }
    get(&router, "/api/v1/assessment?region=999999")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_region");
    get(&router, "/api/v1/assessment?indicator=unknown_one")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_indicator");
}

#[tokio::test]
async fn rankings_and_reporting_status_are_the_application_s() {
    let app = demo_app().await;
    let router = demo_router().await;
    let report = app.assess(&AssessQuery::default()).await.unwrap();
    let rankings = ok_json(&router, "/api/v1/rankings").await;
    assert_eq!(
        rankings,
        serde_json::to_value(zijin_app::monitor::rankings(&report)).unwrap()
    );
    assert_eq!(rankings["groups"].as_array().unwrap().len(), 2);
    assert_eq!(rankings["groups"][0]["kind"], "district");

    let status = ok_json(&router, "/api/v1/reporting-status").await;
    assert_eq!(
        status,
        serde_json::to_value(app.reporting_status(None).await.unwrap()).unwrap()
    );
    let dated = ok_json(&router, "/api/v1/reporting-status?as_of=2022-12-31").await;
    assert_eq!(dated["as_of"], "2022-12-31");
    assert_eq!(dated["years"], json!([2021, 2022]));
    get(&router, "/api/v1/rankings?as_of=2024-02-30")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn unknown_routes_under_the_api_answer_json() {
    let router = demo_router().await;
    for uri in [
        "/api/v1/nothing",
        "/api/v2/plan",
        "/api",
        "/api/v1/plan/extra",
    ] {
        let message = get(&router, uri)
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        assert!(message.contains("openapi.json"), "{message}");
    }
}

#[tokio::test]
async fn bulletins_download_in_every_format() {
    let router = demo_router().await;
    let html = get(&router, "/api/v1/bulletins/2023?format=html").await;
    assert_eq!(html.status, StatusCode::OK, "{}", html.text());
    assert!(html.content_type().starts_with("text/html"));
    assert!(html.text().contains("2023"));

    let xlsx = get(&router, "/api/v1/bulletins/2023?format=xlsx&lang=en").await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.text());
    assert!(xlsx.content_type().contains("spreadsheetml"));
    use calamine::Reader;
    let workbook =
        calamine::Xlsx::new(std::io::Cursor::new(xlsx.body.clone())).expect("a workbook");
    assert!(!workbook.sheet_names().is_empty());

    // The PDF needs the CJK fonts: without them the answer says so (503).
    let pdf = get(&router, "/api/v1/bulletins/2023").await;
    match zijin_report::PdfEngine::new() {
        Ok(_) => {
            assert_eq!(
                pdf.status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&pdf.body)
            );
            assert_eq!(pdf.content_type(), "application/pdf");
            assert!(pdf.body.starts_with(b"%PDF"));
        }
        Err(_) => {
            pdf.error(StatusCode::SERVICE_UNAVAILABLE, "fonts_missing");
        }
    }

    get(&router, "/api/v1/bulletins/2019?format=html")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_period");
    let message = get(&router, "/api/v1/bulletins/2023?format=docx")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert!(message.contains("format"), "{message}");
    get(&router, "/api/v1/bulletins/next-year")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn new_imports_show_in_the_cached_assessment() {
    // A demo database of its own: this test writes.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("demo.db");
    let actor = zijin_app::Actor {
        name: "tester".to_owned(),
        now: chrono::Utc::now(),
    };
    let writer = zijin_app::Zijin::new(zijin_store::SqliteStore::open(&path).await.unwrap());
    zijin_app::demo::build(&writer, &actor).await.unwrap();
    let router = zijin_server::router(zijin_app::Zijin::new(
        zijin_store::SqliteStore::open(&path).await.unwrap(),
    ));
    let uri = "/api/v1/assessment?as_of=2024-04-30";
    let city_value = |body: &Value| {
        body.as_array()
            .unwrap()
            .iter()
            .find(|row| row["indicator"] == "high_tech_enterprises" && row["region"] == "320100")
            .map(|row| row["latest"]["value"].clone())
            .unwrap()
    };
    let before = city_value(&ok_json(&router, uri).await);
    assert_ne!(before, json!(12345.0));

    // Another process (here: another store on the same file) imports a revision.
    let file = zijin_app::InputFile {
        name: "revision.csv".to_owned(),
        bytes: b"indicator,region,period,value,source\nhigh_tech_enterprises,320100,2023,12345,test revision\n".to_vec(),
    };
    writer
        .import_files(
            &[file],
            &actor,
            zijin_domain::SourceQuality::Official,
            &mut |_, _, _| {},
        )
        .await
        .unwrap();
    // The data version is read again after at most half a second.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(city_value(&ok_json(&router, uri).await), json!(12345.0));
    let page = get(&router, "/?as_of=2024-04-30").await.text();
    assert!(page.contains("12,345"), "the overview shows the revision");
}
