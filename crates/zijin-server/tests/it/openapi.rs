//! The OpenAPI document: valid, complete (every route the router registers
//! is documented, and nothing else), and true (the JSON each endpoint really
//! returns fits the schema the document gives for it).

use axum::http::StatusCode;
use serde_json::Value;

use crate::{demo_router, get};

fn document() -> Value {
    serde_json::to_value(zijin_server::openapi()).expect("the document serializes")
}

#[tokio::test]
async fn the_document_is_served_and_is_openapi_3() {
    let router = demo_router().await;
    let answer = get(&router, "/api/v1/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), "application/json");
    let served = answer.json();
    assert_eq!(served, document());
    let version = served["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert!(served["info"]["title"].is_string());
    assert!(
        served["paths"]
            .as_object()
            .is_some_and(|paths| !paths.is_empty())
    );
}

#[test]
fn every_route_is_documented_and_every_documented_path_is_routed() {
    let document = document();
    let paths = document["paths"].as_object().expect("paths");
    let routes = zijin_server::api_route_paths();
    assert!(routes.len() >= 12, "{routes:?}");
    for route in &routes {
        let documented = paths
            .get(*route)
            .unwrap_or_else(|| panic!("route {route} is not in the OpenAPI document"));
        assert!(
            documented.get("get").is_some() || documented.get("post").is_some(),
            "{route} has no GET or POST operation"
        );
    }
    for path in paths.keys() {
        assert!(
            routes.contains(&path.as_str()),
            "the document describes {path}, which the router does not serve"
        );
    }
}

#[test]
fn every_reference_resolves() {
    let document = document();
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        assert!(
            resolve(&document, &reference).is_some(),
            "{reference} does not resolve"
        );
    }
}

fn collect_references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            map.values()
                .for_each(|value| collect_references(value, out));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|value| collect_references(value, out)),
        _ => {}
    }
}

fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    document.pointer(pointer)
}

/// Checks `value` against `schema`: every key of an object is a documented
/// property, every required property is present, null only where allowed;
/// arrays item by item. Returns the problems found, each with its JSON path.
fn conforms(
    document: &Value,
    value: &Value,
    schema: &Value,
    path: &str,
    problems: &mut Vec<String>,
) {
    let mut schema = schema;
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        schema = resolve(document, reference).expect("a resolvable reference");
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(combinator).and_then(Value::as_array) {
            if value.is_null() {
                if !alternatives.iter().any(allows_null) {
                    problems.push(format!("{path}: null where the schema allows none"));
                }
                return;
            }
            let fitting: Vec<&Value> = alternatives
                .iter()
                .filter(|alternative| !is_null_type(alternative))
                .collect();
            // The value must fit one of the non-null alternatives.
            let mut best: Option<Vec<String>> = None;
            for alternative in fitting {
                let mut found = Vec::new();
                conforms(document, value, alternative, path, &mut found);
                if found.is_empty() {
                    return;
                }
                best = Some(found);
            }
            problems.extend(best.unwrap_or_default());
            return;
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            conforms(document, value, part, path, problems);
        }
        return;
    }
    match value {
        Value::Null => {
            if !allows_null(schema) {
                problems.push(format!("{path}: null where the schema allows none"));
            }
        }
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                if schema.get("additionalProperties").is_none()
                    && !types(schema).contains(&"object")
                {
                    problems.push(format!(
                        "{path}: an object where the schema has no properties"
                    ));
                }
                return;
            };
            for (key, item) in map {
                match properties.get(key) {
                    Some(property) => {
                        conforms(document, item, property, &format!("{path}.{key}"), problems)
                    }
                    None => problems.push(format!("{path}.{key}: not documented")),
                }
            }
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = required.as_str().unwrap_or_default();
                if !map.contains_key(key) {
                    problems.push(format!("{path}.{key}: required but absent"));
                }
            }
        }
        Value::Array(items) => match schema.get("items") {
            Some(item_schema) => {
                for (index, item) in items.iter().enumerate() {
                    conforms(
                        document,
                        item,
                        item_schema,
                        &format!("{path}[{index}]"),
                        problems,
                    );
                }
            }
            None => problems.push(format!("{path}: an array where the schema has no items")),
        },
        Value::String(text) => {
            if !types(schema).contains(&"string") {
                problems.push(format!("{path}: a string where the schema says {schema}"));
            } else if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                && !allowed.iter().any(|option| option == value)
            {
                problems.push(format!("{path}: {text:?} is not one of {allowed:?}"));
            }
        }
        Value::Number(_) => {
            let types = types(schema);
            if !types.contains(&"number") && !types.contains(&"integer") {
                problems.push(format!("{path}: a number where the schema says {schema}"));
            }
        }
        Value::Bool(_) => {
            if !types(schema).contains(&"boolean") {
                problems.push(format!("{path}: a boolean where the schema says {schema}"));
            }
        }
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_null_type(schema: &Value) -> bool {
    types(schema) == ["null"]
}

fn allows_null(schema: &Value) -> bool {
    types(schema).contains(&"null")
        || schema.get("nullable") == Some(&Value::Bool(true))
        || ["oneOf", "anyOf"].iter().any(|combinator| {
            schema
                .get(combinator)
                .and_then(Value::as_array)
                .is_some_and(|alternatives| alternatives.iter().any(allows_null))
        })
}

/// The schema of the 200 JSON answer of `path`'s GET operation.
fn answer_schema<'a>(document: &'a Value, path: &str) -> &'a Value {
    let schema = &document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert!(schema.is_object(), "{path} documents no JSON answer");
    schema
}

#[tokio::test]
async fn every_answer_fits_its_documented_schema() {
    let document = document();
    let router = demo_router().await;
    let cases = [
        ("/api/v1/plan", "/api/v1/plan"),
        ("/api/v1/plans", "/api/v1/plans"),
        ("/api/v1/plans/{code}", "/api/v1/plans/nanjing-14th-st"),
        ("/api/v1/indicators", "/api/v1/indicators"),
        (
            "/api/v1/indicators/{code}",
            "/api/v1/indicators/rd_intensity",
        ),
        ("/api/v1/regions", "/api/v1/regions"),
        ("/api/v1/observations", "/api/v1/observations"),
        (
            "/api/v1/observations/history",
            "/api/v1/observations/history?indicator=high_tech_enterprises&region=320100",
        ),
        ("/api/v1/assessment", "/api/v1/assessment"),
        ("/api/v1/rankings", "/api/v1/rankings"),
        ("/api/v1/reporting-status", "/api/v1/reporting-status"),
        ("/api/v1/evaluations", "/api/v1/evaluations"),
        (
            "/api/v1/evaluations/{framework}/{year}",
            "/api/v1/evaluations/nri/2024",
        ),
        (
            "/api/v1/evaluations/{framework}/{year}",
            "/api/v1/evaluations/parks/2024",
        ),
    ];
    for (path, uri) in cases {
        let answer = get(&router, uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        let mut problems = Vec::new();
        conforms(
            &document,
            &answer.json(),
            answer_schema(&document, path),
            "$",
            &mut problems,
        );
        problems.sort();
        problems.dedup();
        assert!(problems.is_empty(), "{uri}: {problems:#?}");
    }
    // The one POST: an evaluation with every criterion explained.
    let answer = crate::api_policies::post_json(
        &router,
        "/api/v1/policies/rd_subsidy/evaluate?pack=benchmark-openfisca",
        &crate::api_policies::e0000002().to_string(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let schema = &document["paths"]["/api/v1/policies/{id}/evaluate"]["post"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    let mut problems = Vec::new();
    conforms(&document, &answer.json(), schema, "$", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    // Errors fit the error schema.
    let answer = get(&router, "/api/v1/indicators/unknown").await;
    let schema = &document["paths"]["/api/v1/indicators/{code}"]["get"]["responses"]["404"]["content"]
        ["application/json"]["schema"];
    let mut problems = Vec::new();
    conforms(&document, &answer.json(), schema, "$", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    let answer = get(&router, "/api/v1/evaluations/nope/2024").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let schema = &document["paths"]["/api/v1/evaluations/{framework}/{year}"]["get"]["responses"]["404"]
        ["content"]["application/json"]["schema"];
    let mut problems = Vec::new();
    conforms(&document, &answer.json(), schema, "$", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checker_finds_undocumented_keys() {
    let document = document();
    let schema = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
    let mut problems = Vec::new();
    let value = serde_json::json!({"code": "x", "message": "y", "extra": 1});
    conforms(&document, &value, &schema, "$", &mut problems);
    assert_eq!(problems, vec!["$.extra: not documented".to_owned()]);
    let mut problems = Vec::new();
    conforms(
        &document,
        &serde_json::json!({"code": "x"}),
        &schema,
        "$",
        &mut problems,
    );
    assert_eq!(problems, vec!["$.message: required but absent".to_owned()]);
}
