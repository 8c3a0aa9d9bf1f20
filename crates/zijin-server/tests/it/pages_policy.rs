//! The policy pages over the demo database (its synthetic registry and the
//! default pack's run for 2024): the counts, the list of eligible
//! enterprises, and an enterprise with its live evaluation.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use zijin_store::{FactYears, RegistryFilter};

use crate::{demo_app, demo_router, get};

#[tokio::test]
async fn the_policies_page_counts_the_latest_run_by_policy() {
    let app = demo_app().await;
    let router = demo_router().await;
    let run = app
        .latest_policy_run("default", 2024)
        .await
        .unwrap()
        .expect("the demo runs the default pack for 2024");
    let entitlements = app.entitlements(run.id, None).await.unwrap();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for entitlement in &entitlements {
        *counts.entry(entitlement.policy_id.as_str()).or_default() += 1;
    }
    assert!(!counts.is_empty());

    let answer = get(&router, "/policies").await;
    assert_eq!(answer.status, StatusCode::OK);
    let page = answer.text();
    assert!(page.contains("政策兑现"), "nav and title");
    assert!(page.contains("benchmark-openfisca"));
    assert!(
        page.contains(&run.pack_sha256[..12]),
        "the run's sha256 prefix"
    );
    assert!(
        page.contains("合成数据"),
        "the synthetic registry is marked"
    );
    for (policy, count) in &counts {
        assert!(
            page.contains(&format!("/policies/default/2024/{policy}")),
            "{policy}"
        );
        assert!(
            page.contains(&format!("<td class=\"num\">{count}</td>")),
            "{policy}: {count}"
        );
    }
    let english = get(&router, "/policies?lang=en").await.text();
    assert!(english.contains("Eligible"));

    // One policy's list: the total, and names linking to the enterprises.
    let (policy, count) = counts.iter().next().unwrap();
    let answer = get(&router, &format!("/policies/default/2024/{policy}")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let page = answer.text();
    assert!(
        page.contains(&format!("<strong class=\"total\">{count}</strong>")),
        "{count}"
    );
    let first = entitlements
        .iter()
        .find(|entitlement| entitlement.policy_id == *policy)
        .unwrap();
    assert!(page.contains(&format!("/enterprises/{}", first.uscc.as_str())));
    let registry = app
        .registry(&RegistryFilter {
            facts: FactYears::None,
        })
        .await
        .unwrap();
    let entry = registry
        .iter()
        .find(|entry| entry.enterprise.uscc == first.uscc)
        .unwrap();
    assert!(page.contains(&entry.enterprise.name));
    // The eligible table: its rows before the near misses, less the header
    // and the two rows of counts by district and park.
    let (eligible, near) = page.split_once("id=\"near-misses\"").unwrap();
    let rows = eligible.matches("<tr>").count() - 3;
    assert_eq!(rows, (*count).min(500));
    assert!(eligible.contains("按区") && eligible.contains("按园区"));
    let near_misses = app.near_misses(run.id, Some(policy)).await.unwrap();
    assert!(
        near.contains(&format!(
            "<strong class=\"near-total\">{}</strong>",
            near_misses.len()
        )),
        "{near}"
    );

    // Near misses: stored with the run, each failing one criterion by at
    // most 10%, closest first; the page lists them with their gaps.
    let mut any = false;
    for policy in counts.keys() {
        let near_misses = app.near_misses(run.id, Some(policy)).await.unwrap();
        for pair in near_misses.windows(2) {
            assert!(pair[0].near_miss.relative <= pair[1].near_miss.relative);
        }
        for near in &near_misses {
            let relative = near.near_miss.relative.expect("a relative gap");
            assert!(relative <= zijin_app::policy::NEAR_MISS_MARGIN, "{near:?}");
            assert!(near.near_miss.gap > rust_decimal::Decimal::ZERO, "{near:?}");
            let failing = near
                .criteria
                .iter()
                .filter(|line| !line.starts_with("[pass]"))
                .count();
            assert_eq!(failing, 1, "{near:?}");
        }
        let Some(closest) = near_misses.first() else {
            continue;
        };
        any = true;
        let page = get(&router, &format!("/policies/default/2024/{policy}"))
            .await
            .text();
        let (_, near) = page.split_once("id=\"near-misses\"").unwrap();
        assert!(near.contains(&format!("/enterprises/{}", closest.uscc.as_str())));
        assert!(near.contains(&closest.near_miss.left_text));
    }
    assert!(any, "the demo run has near misses");

    assert_eq!(
        get(&router, "/policies/default/2024/nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&router, "/policies/nope/2024/hte").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&router, "/policies/default/1999/hte").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_enterprise_page_shows_facts_labels_and_the_evaluation() {
    let app = demo_app().await;
    let router = demo_router().await;
    let run = app
        .latest_policy_run("default", 2024)
        .await
        .unwrap()
        .unwrap();
    let entitlements = app.entitlements(run.id, None).await.unwrap();
    let first = &entitlements[0];
    let answer = get(&router, &format!("/enterprises/{}", first.uscc.as_str())).await;
    assert_eq!(answer.status, StatusCode::OK);
    let page = answer.text();
    let history = app.enterprise(&first.uscc).await.unwrap().unwrap();
    assert!(page.contains(&history.enterprise.name));
    assert!(page.contains(&history.enterprise.registration_date.to_string()));
    assert!(page.contains("合成数据"));
    assert!(page.contains("年度数据"));
    assert!(page.contains("符合"), "the entitled policy passes");
    // Every criterion line of the stored explanation is on the page.
    let stored: serde_json::Value = serde_json::from_str(&first.explanation).unwrap();
    for line in stored["criteria"].as_array().unwrap() {
        let line = line.as_str().unwrap();
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(page.contains(&escaped), "{line}");
    }

    // A malformed code names the wrong character; an unknown one is 404.
    let mut code: Vec<char> = first.uscc.as_str().chars().collect();
    code[3] = 'I';
    let code: String = code.into_iter().collect();
    let answer = get(&router, &format!("/enterprises/{code}")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    assert!(answer.text().contains('I'));
    assert_eq!(
        get(&router, "/enterprises/91320100MA1XXXXXX0").await.status,
        StatusCode::BAD_REQUEST
    );
    // A well-formed code of no enterprise of the registry: 404.
    let unknown = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|check| format!("91320100000000000{check}"))
        .find(|code| zijin_domain::Uscc::parse(code).is_ok())
        .expect("one check character fits");
    assert!(
        app.enterprise(&zijin_domain::Uscc::parse(&unknown).unwrap())
            .await
            .unwrap()
            .is_none()
    );
    let answer = get(&router, &format!("/enterprises/{unknown}")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text());
}

#[tokio::test]
async fn the_enterprise_counts_show_the_registry_beside_the_reported_figures() {
    let app = demo_app().await;
    let router = demo_router().await;
    let page = get(&router, "/indicators/high_tech_enterprises").await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    let (_, section) = page
        .split_once("id=\"computed\"")
        .expect("the computed section");
    assert!(section.contains("企业库计算值"), "{section}");
    assert!(
        section.contains("合成数据"),
        "the synthetic registry is marked"
    );
    // The latest year with reported figures up to the assessment date.
    let year = app
        .latest_reported_year("high_tech_enterprises", 2024)
        .await
        .unwrap()
        .expect("reported figures");
    assert!(section.contains(&format!("· {year}")), "{year}");
    let beside = app.computed_beside_reported(year).await.unwrap();
    let mut differences = 0;
    for row in &beside.rows {
        let (computed, reported, difference) = row.of("high_tech_enterprises").unwrap();
        assert!(
            section.contains(&format!(
                "<td>{}</td><td class=\"num\">{computed}</td>",
                row.name_zh
            )),
            "{}: {computed}",
            row.name_zh
        );
        if let (Some(reported), Some(difference)) = (reported, difference) {
            assert_eq!(difference, computed as f64 - reported);
            assert!(section.contains(&format!("{difference:+}")), "{difference}");
            differences += 1;
        }
    }
    assert!(differences > 0, "reported figures beside computed ones");
    // The other indicators have no such section.
    let other = get(&router, "/indicators/rd_intensity").await.text();
    assert!(!other.contains("id=\"computed\""));
}
