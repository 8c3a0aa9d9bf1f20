//! The evaluations in the JSON API: the latest runs, one evaluation with its
//! synthetic-data label, rank uncertainty and exit flags, and the errors.

use axum::http::StatusCode;
use serde_json::Value;

use crate::{EVALUATION_DRAWS, demo_app, demo_router, get};

async fn ok_json(router: &axum::Router, uri: &str) -> Value {
    let answer = get(router, uri).await;
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
    assert_eq!(answer.content_type(), "application/json", "{uri}");
    answer.json()
}

#[tokio::test]
async fn the_list_is_the_latest_run_of_every_framework_and_year() {
    let app = demo_app().await;
    let router = demo_router().await;
    let runs = app.evaluations().await.unwrap();
    let listed = ok_json(&router, "/api/v1/evaluations").await;
    assert_eq!(listed, serde_json::to_value(&runs).unwrap());
    let listed = listed.as_array().unwrap();
    for key in ["parks", "nri"] {
        assert!(
            listed
                .iter()
                .any(|run| run["key"] == key && run["year"] == 2024),
            "{key} 2024 in {listed:?}"
        );
    }
    // The built-in data are synthetic, and every run says so with its note.
    for run in listed {
        assert_eq!(run["synthetic"], true, "{run}");
        assert!(
            run["note_zh"].as_str().is_some_and(|note| !note.is_empty()),
            "{run}"
        );
        assert!(
            run["note_en"].as_str().is_some_and(|note| !note.is_empty()),
            "{run}"
        );
        assert_eq!(run["runs"], EVALUATION_DRAWS);
        assert_eq!(run["seed"], 7);
    }
}

#[tokio::test]
async fn one_evaluation_is_the_application_s_with_flags_and_uncertainty() {
    let app = demo_app().await;
    let router = demo_router().await;
    let evaluation = app
        .evaluation("nri", 2024)
        .await
        .unwrap()
        .expect("nri 2024");
    let body = ok_json(&router, "/api/v1/evaluations/nri/2024").await;
    assert_eq!(body, serde_json::to_value(&evaluation).unwrap());
    assert_eq!(body["run"]["key"], "nri");
    assert_eq!(body["run"]["year"], 2024);
    assert_eq!(body["run"]["synthetic"], true);
    assert_eq!(body["run"]["note_zh"], evaluation.run.note_zh.as_str());
    assert_eq!(body["index_code"], evaluation.index_code.as_str());
    let units = body["units"].as_array().unwrap();
    assert!(!units.is_empty());
    assert_eq!(units[0][0], evaluation.units[0].0.as_str());
    assert_eq!(units[0][1], evaluation.units[0].1.as_str());
    assert_eq!(
        body["results"].as_array().unwrap().len(),
        evaluation.units.len() * evaluation.nodes.len()
    );
    assert!(!body["uncertainty"].as_array().unwrap().is_empty());
    let flags = body["exit_flags"].as_array().unwrap();
    assert_eq!(flags.len(), evaluation.units.len());
    assert!(flags.iter().all(|flag| flag["reasons_en"].is_array()));

    // The framework's code works as well as its key.
    let by_code = ok_json(
        &router,
        &format!("/api/v1/evaluations/{}/2024", evaluation.run.framework),
    )
    .await;
    assert_eq!(by_code, body);

    // The parks have no exit rule: no flags.
    let parks = ok_json(&router, "/api/v1/evaluations/parks/2024").await;
    assert_eq!(parks["run"]["synthetic"], true);
    assert_eq!(parks["exit_flags"], Value::Array(Vec::new()));
}

#[tokio::test]
async fn unknown_evaluations_and_bad_years_are_json_errors() {
    let router = demo_router().await;
    let message = get(&router, "/api/v1/evaluations/nope/2024")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_evaluation");
    assert!(message.contains("nope"), "{message}");
    assert!(message.contains("/api/v1/evaluations"), "{message}");
    let message = get(&router, "/api/v1/evaluations/nri/1990")
        .await
        .error(StatusCode::NOT_FOUND, "unknown_evaluation");
    assert!(message.contains("1990"), "{message}");
    get(&router, "/api/v1/evaluations/nri/twenty")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get(&router, "/api/v1/evaluations/nri")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
}
