//! Rankings and the reporting status, on the demo database.

use zijin_app::monitor::{ReportState, StatusCounts, competition_ranks, rankings};
use zijin_domain::{RegionCode, RegionKind};
use zijin_store::{ObservationFilter, Store};

use crate::demo::demo_app;

#[tokio::test]
async fn districts_and_parks_are_ranked_among_their_peers() {
    let (_directory, _app, demo) = demo_app().await;
    let report = &demo.assessment;
    let rankings = rankings(report);
    assert_eq!(rankings.as_of, report.as_of);
    let kinds: Vec<RegionKind> = rankings.groups.iter().map(|group| group.kind).collect();
    assert_eq!(kinds, vec![RegionKind::District, RegionKind::Park]);
    let districts = &rankings.groups[0];
    assert_eq!(districts.overall.len(), 11);
    assert_eq!(rankings.groups[1].overall.len(), 15);

    // The overall order follows the ranks, and the ranks follow the medians.
    let ranks: Vec<Option<usize>> = districts
        .overall
        .iter()
        .map(|standing| standing.rank_by_growth_ratio)
        .collect();
    assert!(
        ranks
            .windows(2)
            .all(|pair| pair[0] <= pair[1] || pair[1].is_none())
    );
    let medians: Vec<Option<f64>> = districts
        .overall
        .iter()
        .map(|standing| standing.median_growth_ratio)
        .collect();
    assert_eq!(competition_ranks(&medians), ranks);
    assert!(districts.overall.iter().all(|standing| standing.synthetic));

    // Per indicator: only districts, every one with a growth ratio ranked, best first.
    let hte = districts
        .indicators
        .iter()
        .find(|ranking| ranking.indicator.as_str() == "high_tech_enterprises")
        .expect("high-tech enterprises are ranked");
    let with_ratio = report
        .assessments
        .iter()
        .filter(|assessment| assessment.indicator.as_str() == "high_tech_enterprises")
        .filter(|assessment| assessment.region.as_str().starts_with("3201"))
        .filter(|assessment| assessment.region.as_str() != "320100")
        .filter(|assessment| assessment.growth_ratio.is_some())
        .count();
    assert_eq!(hte.by_growth_ratio.len(), with_ratio);
    assert!(with_ratio > 0);
    assert_eq!(hte.by_growth_ratio[0].rank, 1);
    assert!(
        hte.by_growth_ratio
            .windows(2)
            .all(|pair| pair[0].value >= pair[1].value)
    );
    let counted: usize = districts
        .overall
        .iter()
        .map(|standing| standing.counts.total())
        .sum();
    let district_rows = report
        .assessments
        .iter()
        .filter(|assessment| {
            report.regions.iter().any(|region| {
                region.code == assessment.region && region.kind == RegionKind::District
            })
        })
        .count();
    assert_eq!(counted, district_rows);
    assert_eq!(
        StatusCounts::of(&report.assessments).total(),
        report.assessments.len()
    );
}

#[tokio::test]
async fn the_reporting_status_shows_what_each_region_reported_and_what_is_overdue() {
    let (_directory, app, demo) = demo_app().await;
    let as_of = demo.assessment.as_of;
    let status = app.reporting_status(Some(as_of)).await.expect("status");
    assert_eq!(status.years, vec![2021, 2022, 2023, 2024]);
    // Every region below the city has a row.
    assert_eq!(status.rows.len(), demo.assessment.regions.len() - 1);
    let gulou = status
        .rows
        .iter()
        .find(|row| row.region == RegionCode::new("320106").unwrap())
        .expect("鼓楼区");
    assert!(!gulou.expected.is_empty());
    // 2024's figures are not due until 2025-04-30.
    let last = gulou.cells.last().unwrap();
    assert_eq!(last.year, 2024);
    assert_eq!(last.due.to_string(), "2025-04-30");
    assert!(matches!(
        last.state,
        ReportState::NotDue | ReportState::Partial | ReportState::Complete
    ));

    // Remove nothing, but look one year later: what was not reported is overdue then.
    let later = app
        .reporting_status(Some(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()))
        .await
        .expect("status");
    assert_eq!(later.years, vec![2021, 2022, 2023, 2024, 2025]);
    for row in &later.rows {
        for cell in row.cells.iter().filter(|cell| cell.year <= 2024) {
            let expected_state = if cell.missing.is_empty() && !row.expected.is_empty() {
                ReportState::Complete
            } else {
                ReportState::Overdue
            };
            assert_eq!(cell.state, expected_state, "{} {}", row.region, cell.year);
            assert_eq!(cell.reported + cell.missing.len(), row.expected.len());
        }
    }
    assert!(
        later
            .rows
            .iter()
            .all(|row| row.cells[4].state == ReportState::NotDue)
    );
    // The counts agree with the stored observations for one cell.
    let stored = app
        .store()
        .latest_observations(&ObservationFilter {
            indicators: Vec::new(),
            regions: vec![RegionCode::new("320106").unwrap()],
        })
        .await
        .unwrap();
    let reported_2023 = gulou
        .expected
        .iter()
        .filter(|code| {
            stored.iter().any(|record| {
                &record.observation.indicator == *code
                    && record.observation.period.to_string() == "2023"
            })
        })
        .count();
    assert_eq!(gulou.cells[2].year, 2023);
    assert_eq!(gulou.cells[2].reported, reported_2023);
    assert!(gulou.cells[2].synthetic);
}
