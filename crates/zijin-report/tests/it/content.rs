//! What a bulletin holds, checked against the application's own numbers.

use zijin_app::AssessQuery;
use zijin_app::monitor::{self, StatusCounts};
use zijin_assess::{Light, TimeStatus};
use zijin_domain::Lang;

use crate::{bulletin, demo_app, published_app};

#[tokio::test]
async fn the_bulletin_is_made_when_the_years_figures_are_due() {
    let (_directory, app) = demo_app().await;
    let plan = app.active_plan().await.unwrap().plan;
    for (year, date, previous) in [
        (2023, "2024-04-30", "2023-04-30"),
        (2024, "2025-04-30", "2024-04-30"),
    ] {
        let zh = bulletin(&app, year, Lang::Zh).await;
        assert_eq!(zh.date.to_string(), date);
        assert_eq!(zh.previous_date.to_string(), previous);
        assert_eq!(zijin_report::bulletin_date(&plan, year), zh.date);
        assert_eq!(
            zh.title,
            format!("南京市“十四五”科技创新规划实施监测通报（{year}年度）")
        );
        let en = bulletin(&app, year, Lang::En).await;
        assert!(en.title.contains(&year.to_string()), "{}", en.title);
        assert_eq!(en.date, zh.date);
        // The same numbers in both languages.
        assert_eq!(en.summary.counts, zh.summary.counts);
        assert_eq!(en.status.len(), zh.status.len());
        assert_eq!(en.warnings.rows.len(), zh.warnings.rows.len());
    }
}

#[tokio::test]
async fn the_summary_counts_are_the_plan_regions_status_counts() {
    let (_directory, app) = demo_app().await;
    for year in [2023, 2024] {
        let bulletin = bulletin(&app, year, Lang::Zh).await;
        let report = app
            .assess(&AssessQuery {
                as_of: Some(bulletin.date),
                ..AssessQuery::default()
            })
            .await
            .unwrap();
        let city: Vec<_> = report
            .assessments
            .iter()
            .filter(|assessment| assessment.region == report.plan.region)
            .collect();
        let counts = StatusCounts::of(city.iter().copied());
        assert_eq!(bulletin.summary.counts, counts, "{year}");
        assert_eq!(bulletin.summary.indicators, city.len());
        assert_eq!(bulletin.status.len(), city.len());
        // The paragraph says every non-zero count.
        let paragraph = &bulletin.summary.paragraph;
        for (name, count) in [
            ("已实现", counts.achieved),
            ("快于预期", counts.ahead),
            ("基本符合预期", counts.on_schedule),
            ("严重滞后", counts.seriously_lagging),
        ] {
            if count > 0 {
                assert!(
                    paragraph.contains(&format!("{name}{count}项")),
                    "{year}: {name} {count} in {paragraph}"
                );
            }
        }
        if counts.lagging > 0 {
            assert!(
                paragraph.contains(&format!("，滞后{}项", counts.lagging))
                    || paragraph.contains(&format!("中，滞后{}项", counts.lagging)),
                "{paragraph}"
            );
        }
        assert!(paragraph.contains(&format!("{}项规划指标", counts.total())));
        // Each status row carries the assessment's own status.
        for (row, assessment) in bulletin.status.iter().zip(&city) {
            assert_eq!(row.indicator, assessment.indicator.to_string());
            assert_eq!(row.time_status, assessment.time_status);
            assert_eq!(row.light, assessment.light);
        }
    }
}

#[tokio::test]
async fn the_english_summary_says_the_counts_in_english() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::En).await;
    let counts = bulletin.summary.counts;
    let paragraph = &bulletin.summary.paragraph;
    assert!(
        paragraph.contains(&format!("Of the {} indicators", counts.total())),
        "{paragraph}"
    );
    if counts.seriously_lagging > 0 {
        assert!(paragraph.contains(&format!("{} ", counts.seriously_lagging)));
        assert!(paragraph.contains("seriously lagging"));
    }
    assert!(
        !paragraph
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese in the English summary: {paragraph}"
    );
}

#[tokio::test]
async fn every_lagging_indicator_has_a_chart() {
    let (_directory, app) = demo_app().await;
    let mut charted = 0;
    for year in [2023, 2024] {
        for lang in [Lang::Zh, Lang::En] {
            let bulletin = bulletin(&app, year, lang).await;
            let lagging: Vec<&str> = bulletin
                .status
                .iter()
                .filter(|row| {
                    matches!(
                        row.time_status,
                        Some(TimeStatus::Lagging | TimeStatus::SeriouslyLagging)
                    )
                })
                .map(|row| row.indicator.as_str())
                .collect();
            let charts: Vec<&str> = bulletin
                .charts
                .iter()
                .map(|chart| chart.indicator.as_str())
                .collect();
            assert_eq!(charts, lagging, "{year} {lang}");
            for chart in &bulletin.charts {
                assert!(chart.svg.starts_with("<svg"), "{}", chart.indicator);
                assert!(chart.svg.contains("Noto Sans CJK SC"));
                assert!(chart.svg.contains(&xml_escaped(&chart.name)));
            }
            charted += charts.len();
        }
    }
    assert!(charted > 0, "the demo has lagging indicators to chart");
}

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn the_warning_list_has_every_red_and_yellow_assessment() {
    let (_directory, app) = demo_app().await;
    for year in [2023, 2024] {
        let bulletin = bulletin(&app, year, Lang::Zh).await;
        let report = app
            .assess(&AssessQuery {
                as_of: Some(bulletin.date),
                ..AssessQuery::default()
            })
            .await
            .unwrap();
        let mut expected: Vec<(String, String, Light)> = report
            .assessments
            .iter()
            .filter_map(|assessment| match assessment.light {
                Some(light @ (Light::Red | Light::Yellow)) => Some((
                    assessment.indicator.to_string(),
                    assessment.region.to_string(),
                    light,
                )),
                _ => None,
            })
            .collect();
        let mut listed: Vec<(String, String, Light)> = bulletin
            .warnings
            .rows
            .iter()
            .map(|row| (row.indicator.clone(), row.region.clone(), row.light))
            .collect();
        // Red comes first.
        let first_yellow = listed
            .iter()
            .position(|(_, _, light)| *light == Light::Yellow)
            .unwrap_or(listed.len());
        assert!(
            listed[first_yellow..]
                .iter()
                .all(|(_, _, light)| *light == Light::Yellow)
        );
        expected.sort();
        listed.sort();
        assert_eq!(listed, expected, "{year}");
        assert!(!listed.is_empty());
        assert_eq!(
            bulletin.warnings.red + bulletin.warnings.yellow,
            listed.len()
        );
        for row in &bulletin.warnings.rows {
            assert!(
                row.gap_points.is_none() || row.reason.contains("差距"),
                "the reason gives the gap: {row:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_rankings_are_the_applications_rankings() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let report = app
        .assess(&AssessQuery {
            as_of: Some(bulletin.date),
            ..AssessQuery::default()
        })
        .await
        .unwrap();
    let rankings = monitor::rankings(&report);
    assert_eq!(bulletin.rankings.len(), rankings.groups.len());
    for (table, group) in bulletin.rankings.iter().zip(&rankings.groups) {
        assert_eq!(table.kind, group.kind);
        let regions: Vec<String> = group
            .overall
            .iter()
            .map(|standing| standing.region.to_string())
            .collect();
        let listed: Vec<String> = table.rows.iter().map(|row| row.region.clone()).collect();
        assert_eq!(listed, regions);
        for (row, standing) in table.rows.iter().zip(&group.overall) {
            assert_eq!(row.rank_by_growth_ratio, standing.rank_by_growth_ratio);
            assert_eq!(row.synthetic, standing.synthetic);
        }
        // The demo's districts and parks are synthetic, and the section says so.
        assert!(table.synthetic);
        assert!(
            table
                .remark
                .as_deref()
                .is_some_and(|remark| remark.contains("合成数据"))
        );
    }
}

#[tokio::test]
async fn the_demo_bulletin_says_its_district_and_park_data_are_synthetic() {
    let (_directory, app) = demo_app().await;
    for lang in [Lang::Zh, Lang::En] {
        let bulletin = bulletin(&app, 2023, lang).await;
        let note = bulletin
            .synthetic_note
            .as_deref()
            .expect("synthetic values are shown, so the note is there");
        assert!(bulletin.notes.iter().any(|listed| listed == note));
        assert!(bulletin.warnings.synthetic);
        assert!(bulletin.warnings.remark.is_some());
        assert!(
            bulletin
                .sources
                .iter()
                .any(|source| source.quality == zijin_domain::SourceQuality::Synthetic)
        );
        // The city's own rows only read published figures.
        assert!(bulletin.status.iter().all(|row| !row.synthetic));
        let html = zijin_report::html(&bulletin);
        assert!(html.contains(&zijin_charts::escape(note)));
    }
}

#[tokio::test]
async fn without_synthetic_data_there_is_no_synthetic_note() {
    let (_directory, app) = published_app().await;
    for lang in [Lang::Zh, Lang::En] {
        let bulletin = bulletin(&app, 2023, lang).await;
        assert_eq!(bulletin.synthetic_note, None);
        assert!(bulletin.rankings.iter().all(|table| !table.synthetic
            && table.remark.is_none()
            && table.rows.iter().all(|row| row.assessed == 0)));
        assert!(!bulletin.warnings.synthetic && bulletin.warnings.remark.is_none());
        assert!(
            bulletin
                .sources
                .iter()
                .all(|source| source.quality != zijin_domain::SourceQuality::Synthetic)
        );
        let html = zijin_report::html(&bulletin);
        assert!(!html.contains("合成"), "no synthetic label in the page");
        assert!(!html.to_lowercase().contains("synthetic"));
        // The city's figures are the same as in the demo.
        let (_demo_directory, demo) = demo_app().await;
        let with_synthetic = crate::bulletin(&demo, 2023, lang).await;
        assert_eq!(bulletin.status, with_synthetic.status);
        assert_eq!(bulletin.summary.paragraph, with_synthetic.summary.paragraph);
    }
}

#[tokio::test]
async fn the_movers_compare_with_the_previous_bulletin() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let previous = app
        .assess(&AssessQuery {
            as_of: Some(bulletin.previous_date),
            regions: vec![zijin_domain::RegionCode::new(&bulletin.region).unwrap()],
            ..AssessQuery::default()
        })
        .await
        .unwrap();
    assert!(!bulletin.summary.movers.is_empty());
    assert!(bulletin.summary.movers.len() <= 3);
    for mover in &bulletin.summary.movers {
        let before = previous
            .assessments
            .iter()
            .find(|assessment| assessment.indicator.as_str() == mover.indicator)
            .unwrap();
        assert_eq!(mover.status_before, before.time_status);
        assert_eq!(
            mover.completion_before,
            before.completion.map(|c| (c * 1000.0).round() / 1000.0)
        );
        assert!(
            mover.status_before != mover.status_now
                || mover
                    .change_points
                    .is_some_and(|change| change.abs() >= 0.05),
            "{mover:?}"
        );
        assert!(bulletin.summary.paragraph.contains(&mover.name));
    }
    // Movers come in order: status changes first, then the larger change.
    let steps = |mover: &zijin_report::Mover| match (mover.status_before, mover.status_now) {
        (Some(a), Some(b)) => (a as i32 - b as i32).abs(),
        (None, None) => 0,
        _ => 1,
    };
    for pair in bulletin.summary.movers.windows(2) {
        assert!(steps(&pair[0]) >= steps(&pair[1]));
    }
}

#[tokio::test]
async fn numbers_carry_no_float_noise() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2024, Lang::Zh).await;
    let json = serde_json::to_value(&bulletin).unwrap();
    let mut noisy = Vec::new();
    find_noise(&json, "", &mut noisy);
    assert!(noisy.is_empty(), "{noisy:?}");
}

fn find_noise(value: &serde_json::Value, path: &str, noisy: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(number) => {
            let text = number.to_string();
            if let Some((_, decimals)) = text.split_once('.')
                && decimals
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .len()
                    > 4
            {
                noisy.push(format!("{path} = {text}"));
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_noise(item, &format!("{path}[{index}]"), noisy);
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, field) in fields {
                // Chart SVGs are strings; skip nothing else.
                find_noise(field, &format!("{path}.{name}"), noisy);
            }
        }
        _ => {}
    }
}
