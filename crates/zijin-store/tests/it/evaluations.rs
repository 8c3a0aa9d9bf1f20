//! Evaluation runs, told the same way to every backend: an empty list, two
//! runs of the same framework and year (nothing overwritten), a run read back
//! field for field (missing values, the seed's high bit, group columns).

use chrono::{Duration, TimeZone, Utc};
use zijin_store::{
    EvaluationNodeRecord, EvaluationRankRecord, EvaluationResultRecord, EvaluationRunRecord,
    EvaluationUnitRecord, Store, StoredEvaluation,
};

fn evaluation(year: i32, seed: u64, minutes: i64) -> StoredEvaluation {
    let node = |code: &str, level: u32, parent: Option<&str>| EvaluationNodeRecord {
        code: code.into(),
        name_zh: format!("{code}（中文）"),
        name_en: code.into(),
        level,
        parent: parent.map(Into::into),
        weight: if level == 1 { 1.2 } else { 1.0 },
        direction: if code == "energy" { -1.0 } else { 1.0 },
        unit: (level == 1).then(|| "%".into()),
        rationale: (level == 1).then(|| "规划 / the plan".into()),
    };
    let result = |unit: &str, node: &str, value: Option<f64>, score: Option<f64>, rank| {
        EvaluationResultRecord {
            unit: unit.into(),
            node: node.into(),
            value,
            score,
            rank,
        }
    };
    StoredEvaluation {
        run: EvaluationRunRecord {
            id: 0,
            framework: "nj-nri-yearly".into(),
            version: "2025.1".into(),
            key: "nri".into(),
            name_zh: "新型研发机构年度考核指标体系".into(),
            name_en: "Yearly assessment of new R&D institutions".into(),
            unit_kind: "institution".into(),
            year,
            synthetic: true,
            note_zh: "合成数据".into(),
            note_en: "synthetic data".into(),
            runs: 1000,
            seed,
            index_code: "index".into(),
            framework_text: "code = \"nj-nri-yearly\"\n".into(),
            created_at: Utc.with_ymd_and_hms(2025, 1, 15, 8, 0, 0).unwrap()
                + Duration::minutes(minutes)
                + Duration::nanoseconds(1_500),
        },
        nodes: vec![
            node("rd", 1, Some("pillar")),
            node("energy", 1, Some("pillar")),
            node("pillar", 2, Some("index")),
            node("index", 3, None),
        ],
        units: vec![
            EvaluationUnitRecord {
                code: "NRI002".into(),
                name: "示例 02（合成）".into(),
                groups: vec![
                    ("Field_group".into(), "BIO".into()),
                    ("Founded".into(), "2021".into()),
                ],
                included: true,
            },
            EvaluationUnitRecord {
                code: "NRI001".into(),
                name: "示例 01（合成）".into(),
                groups: Vec::new(),
                included: false,
            },
        ],
        results: vec![
            result("NRI002", "rd", Some(12.5), Some(100.0), Some(1)),
            result("NRI002", "energy", None, Some(1.0), Some(1)),
            result("NRI002", "pillar", None, Some(50.5), Some(1)),
            result("NRI002", "index", None, Some(50.5), Some(1)),
            result("NRI001", "rd", Some(0.25), None, None),
            result("NRI001", "energy", Some(f64::NAN), None, None),
            result("NRI001", "pillar", None, None, None),
            result("NRI001", "index", None, None, None),
        ],
        ranks: vec![
            EvaluationRankRecord {
                unit: "NRI002".into(),
                nominal: Some(1.0),
                median: Some(1.0),
                q05: Some(1.0),
                q95: Some(1.5),
                mean: Some(1.05),
            },
            EvaluationRankRecord {
                unit: "NRI001".into(),
                nominal: None,
                median: None,
                q05: None,
                q95: None,
                mean: None,
            },
        ],
    }
}

pub async fn run(store: &impl Store) {
    assert!(store.evaluation_runs().await.unwrap().is_empty());
    assert_eq!(store.evaluation(1).await.unwrap(), None);

    let first = evaluation(2024, 1, 0);
    let first_id = store.save_evaluation(&first).await.unwrap();
    // The same framework and year again, with the seed's high bit set: a new run.
    let second = evaluation(2024, u64::MAX - 6, 5);
    let second_id = store.save_evaluation(&second).await.unwrap();
    let other_year = store
        .save_evaluation(&evaluation(2023, 7, 6))
        .await
        .unwrap();
    assert!(first_id < second_id && second_id < other_year);

    let runs = store.evaluation_runs().await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.id, r.year, r.seed))
            .collect::<Vec<_>>(),
        vec![
            (first_id, 2024, 1),
            (second_id, 2024, u64::MAX - 6),
            (other_year, 2023, 7)
        ]
    );

    let stored = store.evaluation(second_id).await.unwrap().expect("stored");
    let mut expected = second.clone();
    expected.run.id = second_id;
    // Kept to the microsecond; a NaN comes back as missing.
    expected.run.created_at -= Duration::nanoseconds(500);
    expected.results[5].value = None;
    assert_eq!(stored, expected);
    // The first run is still there, unchanged.
    let stored_first = store.evaluation(first_id).await.unwrap().expect("kept");
    assert_eq!(stored_first.run.seed, 1);
    assert_eq!(stored_first.results.len(), 8);
    assert_eq!(store.evaluation(other_year + 1).await.unwrap(), None);
}
