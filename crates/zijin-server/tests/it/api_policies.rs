//! `POST /api/v1/policies/{id}/evaluate`: an enterprise in the body,
//! evaluated against a built-in pack, every criterion explained; and every
//! kind of mistake in the body named by its field path.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::{Answer, answer, demo_router};

pub async fn post_json(router: &Router, uri: &str, body: &str) -> Answer {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    answer(router, request).await
}

/// The benchmark pack's E0000002: a high-tech enterprise with an R&D subsidy of 14761.00.
pub fn e0000002() -> Value {
    json!({
        "id": "E0000002",
        "once": {"registration_date": "2021-08-06"},
        "yearly": {
            "revenue": {"2020": 0, "2021": "6397952", "2022": 18513885, "2023": "26407013"},
            "rd_expense": {"2021": 540664, "2022": 1441410, "2023": "1589020"},
            "rd_expense_domestic": {"2021": 499124, "2022": 1362824, "2023": 1469488},
            "high_tech_revenue": {"2023": 20904722},
            "total_assets": {"2023": "21385973"},
            "employees": {"2023": 30},
            "st_staff": {"2023": 5},
            "ip_count": {"2024": 2},
            "innovation_score": {"2024": 76},
            "major_violation": {"2023": 0}
        }
    })
}

const BENCH: &str = "pack=benchmark-openfisca";

#[tokio::test]
async fn a_known_enterprise_is_eligible_with_every_criterion_explained() {
    let router = demo_router().await;
    let body = e0000002().to_string();
    let answer = post_json(
        &router,
        &format!("/api/v1/policies/hte/evaluate?{BENCH}"),
        &body,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let hte = answer.json();
    assert_eq!(hte["pack"], "benchmark-openfisca");
    assert_eq!(hte["policy"], "hte");
    assert_eq!(hte["enterprise"], "E0000002");
    assert_eq!(hte["period"], 2024);
    assert_eq!(hte["reference_date"], "2024-01-01");
    assert_eq!(hte["status"], "pass");
    assert_eq!(hte["eligible"], true);
    assert_eq!(hte["reason"], Value::Null);
    let criteria = hte["criteria"].as_array().unwrap();
    assert!(criteria.len() >= 5, "{criteria:?}");
    for criterion in criteria {
        assert_eq!(criterion["status"], "pass", "{criterion}");
        assert!(!criterion["line"].as_str().unwrap().is_empty());
        assert!(!criterion["text_zh"].as_str().unwrap().is_empty());
        assert!(!criterion["text_en"].as_str().unwrap().is_empty());
    }
    // The values used are there, exact.
    let used: Vec<&Value> = criteria
        .iter()
        .flat_map(|criterion| criterion["explanation"]["variables"].as_array().unwrap())
        .collect();
    assert!(
        used.iter()
            .any(|variable| variable["name"] == "revenue" && variable["value"] == "26407013"),
        "{used:?}"
    );
    assert!(criteria.iter().any(|criterion| {
        !criterion["explanation"]["comparisons"]
            .as_array()
            .unwrap()
            .is_empty()
    }));

    let answer = post_json(
        &router,
        &format!("/api/v1/policies/rd_subsidy/evaluate?{BENCH}&period=2024"),
        &body,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let subsidy = answer.json();
    assert_eq!(subsidy["status"], "pass", "{subsidy}");
    assert_eq!(subsidy["amount"], "14761.00", "{subsidy}");
    assert!(subsidy["amount_explanation"].is_object());

    // Missing data: unknown, with what is missing.
    let answer = post_json(
        &router,
        &format!("/api/v1/policies/hte/evaluate?{BENCH}"),
        r#"{"id": "E9", "once": {"registration_date": "2021-08-06"}}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let unknown = answer.json();
    assert_ne!(unknown["status"], "pass");
    assert!(unknown["reason"].is_string(), "{unknown}");
}

#[tokio::test]
async fn mistakes_in_the_body_are_named_by_their_path() {
    let router = demo_router().await;
    let uri = format!("/api/v1/policies/hte/evaluate?{BENCH}");

    let mut body = e0000002();
    body["yearly"]["revenu"] = json!({"2023": 1});
    let message = post_json(&router, &uri, &body.to_string())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_enterprise");
    assert!(message.contains("yearly.revenu"), "{message}");
    assert!(
        message.contains("revenue"),
        "lists the variables: {message}"
    );

    let mut body = e0000002();
    body["yearly"]["revenue"]["2023"] = json!("-5");
    let message = post_json(&router, &uri, &body.to_string())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_enterprise");
    assert!(message.contains("yearly.revenue.2023"), "{message}");
    assert!(message.contains("≥ 0"), "{message}");

    let mut body = e0000002();
    body["yearly"]["employees"]["2023"] = json!(30.5);
    body["yearly"]["revenue"]["20x3"] = json!(1);
    body["once"]["registration_date"] = json!("2021-13-01");
    let message = post_json(&router, &uri, &body.to_string())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_enterprise");
    assert!(message.starts_with("3 problems"), "{message}");
    assert!(message.contains("yearly.employees.2023"), "{message}");
    assert!(message.contains("whole number"), "{message}");
    assert!(message.contains("yearly.revenue.20x3"), "{message}");
    assert!(message.contains("once.registration_date"), "{message}");

    let mut body = e0000002();
    body["once"]["revenue"] = json!(1);
    let message = post_json(&router, &uri, &body.to_string())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_enterprise");
    assert!(message.contains("yearly.revenue.{year}"), "{message}");

    post_json(&router, &uri, "{not json")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_body");
    post_json(
        &router,
        &format!("{uri}&period=20x4"),
        &e0000002().to_string(),
    )
    .await
    .error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn unknown_policies_and_packs_are_404_with_the_list() {
    let router = demo_router().await;
    let body = e0000002().to_string();
    let message = post_json(
        &router,
        &format!("/api/v1/policies/nope/evaluate?{BENCH}"),
        &body,
    )
    .await
    .error(StatusCode::NOT_FOUND, "unknown_policy");
    for policy in ["hte", "sme", "gazelle", "rd_subsidy"] {
        assert!(message.contains(policy), "{message}");
    }
    let message = post_json(&router, "/api/v1/policies/hte/evaluate?pack=nope", &body)
        .await
        .error(StatusCode::NOT_FOUND, "unknown_pack");
    assert!(message.contains("benchmark-openfisca"), "{message}");
    // The default pack is the default.
    let answer = post_json(&router, "/api/v1/policies/nope/evaluate", "{}").await;
    let message = answer.error(StatusCode::NOT_FOUND, "unknown_policy");
    assert!(message.contains("pack default"), "{message}");
}
