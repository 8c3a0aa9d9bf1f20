//! The demo and its synthetic data: labelled, deterministic, consistent with
//! the city totals, and never mixed into the city's own series.

use std::collections::HashMap;

use zijin_app::synthetic::{self, DEMO_SEED, SYNTHETIC_SOURCE};
use zijin_app::{Zijin, demo};
use zijin_domain::{Observation, RegionKind, SourceQuality};
use zijin_store::{ObservationFilter, SqliteStore, Store};

use crate::actor;

pub(crate) async fn demo_app() -> (tempfile::TempDir, Zijin<SqliteStore>, demo::DemoReport) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("demo.db"))
        .await
        .expect("open");
    let app = Zijin::new(store);
    let report = demo::build(&app, &actor(demo::DEMO_ACTOR))
        .await
        .expect("the demo builds");
    (directory, app, report)
}

#[tokio::test]
async fn the_demo_assesses_every_target_of_the_city() {
    let (_directory, _app, report) = demo_app().await;
    let plan = &report.assessment.plan;
    let assessed_indicators = plan
        .indicators
        .iter()
        .filter(|indicator| !indicator.is_auxiliary())
        .count();
    let city_rows: Vec<_> = report
        .assessment
        .assessments
        .iter()
        .filter(|row| row.region == plan.region)
        .collect();
    assert_eq!(
        city_rows.len(),
        assessed_indicators,
        "one city row per indicator with a target"
    );
    assert_eq!(assessed_indicators, 21);
    // The city rows only ever read published figures.
    for row in &city_rows {
        if let Some(latest) = &row.latest {
            assert_ne!(
                latest.source_quality,
                SourceQuality::Synthetic,
                "{}",
                row.indicator
            );
        }
    }
    // The default date is when the latest full year's figures were due.
    assert_eq!(report.assessment.as_of.to_string(), "2024-04-30");
    // Districts and parks are assessed from synthetic data.
    let synthetic_rows = report
        .assessment
        .assessments
        .iter()
        .filter(|row| {
            row.latest
                .as_ref()
                .is_some_and(|latest| latest.source_quality == SourceQuality::Synthetic)
        })
        .count();
    assert!(synthetic_rows > 100, "{synthetic_rows} synthetic rows");
}

#[tokio::test]
async fn building_the_demo_twice_writes_nothing_new() {
    let (_directory, app, first) = demo_app().await;
    assert!(first.synthetic.added > 0 && first.published.added == 22);
    let second = demo::build(&app, &actor(demo::DEMO_ACTOR))
        .await
        .expect("again");
    assert_eq!(
        (
            second.published.added,
            second.published.revised,
            second.published.import_id
        ),
        (0, 0, None)
    );
    assert_eq!(
        (
            second.synthetic.added,
            second.synthetic.revised,
            second.synthetic.import_id
        ),
        (0, 0, None)
    );
    // The evaluations of both frameworks, every year, run once.
    assert_eq!(first.evaluations.len(), 7);
    assert!(first.evaluations.iter().all(|run| run.synthetic));
    assert!(second.evaluations.is_empty());
    assert_eq!(app.store().evaluation_runs().await.unwrap().len(), 7);
}

#[tokio::test]
async fn synthetic_data_is_labelled_deterministic_and_adds_up() {
    let (_directory, app, _report) = demo_app().await;
    let plan = app.active_plan().await.unwrap().plan;
    let regions = app.regions().await.unwrap();
    let all: Vec<Observation> = app
        .store()
        .latest_observations(&ObservationFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|record| record.observation)
        .collect();
    let city: Vec<Observation> = all
        .iter()
        .filter(|o| o.region == plan.region)
        .cloned()
        .collect();
    let generated = synthetic::generate(&plan, &regions, &city, DEMO_SEED);
    assert_eq!(
        generated,
        synthetic::generate(&plan, &regions, &city, DEMO_SEED),
        "same seed, same data"
    );
    assert_ne!(
        generated,
        synthetic::generate(&plan, &regions, &city, DEMO_SEED + 1),
        "another seed, other data"
    );

    let kind_of =
        |code: &zijin_domain::RegionCode| regions.iter().find(|r| &r.code == code).map(|r| r.kind);
    for observation in &all {
        let synthetic = observation.source_quality == SourceQuality::Synthetic;
        if observation.region == plan.region {
            assert!(
                !synthetic,
                "the city's series holds only published figures: {observation:?}"
            );
        } else {
            assert!(
                synthetic,
                "every district or park value in the demo is synthetic: {observation:?}"
            );
            assert_eq!(observation.source, SYNTHETIC_SOURCE);
            assert!(
                observation
                    .note
                    .as_deref()
                    .is_some_and(|note| note.contains("合成数据"))
            );
        }
    }

    // Additive indicators: the districts add up to the city, period by period.
    let mut district_sums: HashMap<(String, String), f64> = HashMap::new();
    for observation in all
        .iter()
        .filter(|o| kind_of(&o.region) == Some(RegionKind::District))
    {
        *district_sums
            .entry((
                observation.indicator.to_string(),
                observation.period.to_string(),
            ))
            .or_default() += observation.value;
    }
    let mut checked = 0;
    for observation in &city {
        let indicator = plan.indicator(&observation.indicator).unwrap();
        let Some(sum) = district_sums.get(&(
            observation.indicator.to_string(),
            observation.period.to_string(),
        )) else {
            panic!(
                "no district data for {} {}",
                observation.indicator, observation.period
            )
        };
        if indicator.measure.is_additive() {
            assert!(
                (sum - observation.value).abs() < 0.005 + 1e-9,
                "{}: {sum} vs {}",
                observation.indicator,
                observation.value
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} additive city figures checked");
}

#[tokio::test]
async fn the_default_date_does_not_depend_on_the_regions_asked_for() {
    let (_directory, app, report) = demo_app().await;
    let district = zijin_app::AssessQuery {
        regions: vec![zijin_domain::RegionCode::new("320115").unwrap()],
        ..zijin_app::AssessQuery::default()
    };
    let for_district = app.assess(&district).await.expect("assess one district");
    assert_eq!(for_district.as_of, report.assessment.as_of);
    assert!(
        for_district
            .assessments
            .iter()
            .all(|row| row.region.as_str() == "320115")
    );
    assert!(!for_district.assessments.is_empty());
}
