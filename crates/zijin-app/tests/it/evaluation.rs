//! Evaluations: the built-in frameworks run on every year of their
//! (synthetic) data, stored with the framework's version, read back, and the
//! NRI exit rule applied to the stored runs.

use zijin_app::Zijin;
use zijin_store::{SqliteStore, Store};

use crate::actor;

async fn app() -> (tempfile::TempDir, Zijin<SqliteStore>) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("evaluations.db"))
        .await
        .expect("open SQLite store");
    (directory, Zijin::new(store))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_year_of_both_frameworks_is_run_stored_and_read_back() {
    let (_directory, app) = app().await;
    assert!(app.evaluations().await.unwrap().is_empty());
    assert!(app.evaluation("parks", 2024).await.unwrap().is_none());

    let runs = app
        .run_evaluations(None, None, None, &actor("tester"))
        .await
        .unwrap();
    let years: Vec<(&str, i32)> = runs.iter().map(|r| (r.key.as_str(), r.year)).collect();
    assert_eq!(
        years,
        [
            ("parks", 2021),
            ("parks", 2022),
            ("parks", 2023),
            ("parks", 2024),
            ("nri", 2022),
            ("nri", 2023),
            ("nri", 2024)
        ]
    );
    for run in &runs {
        assert_eq!(run.version, "2025.1");
        assert!(run.synthetic);
        assert!(run.note_zh.contains("合成数据") && run.note_en.contains("synthetic"));
        // The framework's own uncertainty settings (as the exit rule's).
        assert_eq!((run.runs, run.seed), (1000, 2025));
        assert_eq!(run.created_at, actor("tester").now);
    }

    for year in 2021..=2024 {
        let evaluation = app
            .evaluation("parks", year)
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(evaluation.run.framework, "njhz-parks");
        assert_eq!(evaluation.run.year, year);
        assert_eq!(evaluation.index_code, "park_index");
        assert_eq!(evaluation.units.len(), 15);
        assert_eq!(
            evaluation.nodes.len(),
            26,
            "20 indicators, 5 pillars, the index"
        );
        assert_eq!(evaluation.results.len(), 15 * 26);
        // Every park ranked on the index, 1 to 15, units sorted by that rank.
        let ranks: Vec<u32> = evaluation
            .units
            .iter()
            .map(|(code, _)| {
                evaluation
                    .results
                    .iter()
                    .find(|r| &r.unit == code && r.code == "park_index")
                    .and_then(|r| r.rank)
                    .expect("ranked")
            })
            .collect();
        assert_eq!(ranks, (1..=15).collect::<Vec<u32>>());
        assert!(
            evaluation
                .units
                .iter()
                .all(|(code, name)| code.starts_with("NJHZ-") && !name.is_empty())
        );
        // Raw values for indicators only; the two parks without a budget of
        // their own have no fiscal_st_share.
        let fiscal_missing = evaluation
            .results
            .iter()
            .filter(|r| r.code == "fiscal_st_share" && r.value.is_none())
            .count();
        assert!(fiscal_missing >= 2);
        assert!(
            evaluation
                .results
                .iter()
                .filter(|r| r.code == "park_index")
                .all(|r| r.value.is_none())
        );
        // Rank uncertainty of every park, around its nominal rank.
        assert_eq!(evaluation.uncertainty.len(), 15);
        for u in &evaluation.uncertainty {
            assert!(u.q05 <= u.median && u.median <= u.q95, "{u:?}");
            assert!(
                u.q05 <= u.nominal + 0.5 || u.q95 >= u.nominal - 0.5,
                "{u:?}"
            );
        }
        assert!(evaluation.exit_flags.is_empty(), "parks have no exit rule");
        let node = evaluation
            .nodes
            .iter()
            .find(|n| n.code == "energy_per_value_added")
            .unwrap();
        assert_eq!(
            (node.direction, node.level, node.parent.as_deref()),
            (-1.0, 1, Some("sustainability"))
        );
        assert!(node.name_zh.contains("能耗"));
    }

    // Rerunning adds runs; the latest is what is read, the first are kept.
    let again = app
        .run_evaluations(Some("nri"), Some(200), Some(7), &actor("tester"))
        .await
        .unwrap();
    assert_eq!(again.len(), 3);
    let latest = app.evaluations().await.unwrap();
    assert_eq!(latest.len(), 7);
    for run in &again {
        assert!(
            latest
                .iter()
                .any(|l| l.id == run.id && l.runs == 200 && l.seed == 7)
        );
    }
    assert_eq!(app.store().evaluation_runs().await.unwrap().len(), 10);
    let nri = app
        .evaluation("nj-nri-yearly", 2024)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((nri.run.runs, nri.run.seed), (200, 7));
    assert!(app.evaluation("nri", 2021).await.unwrap().is_none());
    assert!(app.evaluation("nope", 2024).await.unwrap().is_none());
    assert!(
        app.run_evaluations(Some("nope"), None, None, &actor("t"))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nri_exit_rule_flags_only_robust_bottom_three_institutions_two_years_running() {
    let (_directory, app) = app().await;
    app.run_evaluations(Some("nri"), None, None, &actor("tester"))
        .await
        .unwrap();
    let flagged = |year: i32| {
        let app = &app;
        async move {
            let evaluation = app.evaluation("nri", year).await.unwrap().unwrap();
            assert_eq!(evaluation.exit_flags.len(), 40, "one per institution");
            assert_eq!(evaluation.units.len(), 40);
            evaluation
        }
    };
    // 2022, the first year: no 2021 assessment, so nobody can be flagged.
    let first = flagged(2022).await;
    assert!(first.exit_flags.iter().all(|f| !f.flagged));
    assert!(
        first.exit_flags[0]
            .reasons_en
            .iter()
            .any(|r| r.contains("no assessment is stored for 2021"))
    );

    // 2023: the bottom three are NRI018 (40), NRI006 (39), NRI009 (38), but
    // none of them was robustly in the bottom three in 2022 as well.
    let e2023 = flagged(2023).await;
    let bottom: Vec<&str> = e2023
        .units
        .iter()
        .rev()
        .take(3)
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(bottom, ["NRI018", "NRI006", "NRI009"]);
    assert!(
        e2023.exit_flags.iter().all(|f| !f.flagged),
        "{:?}",
        e2023
            .exit_flags
            .iter()
            .filter(|f| f.flagged)
            .collect::<Vec<_>>()
    );
    let nri018 = e2023
        .exit_flags
        .iter()
        .find(|f| f.unit == "NRI018")
        .unwrap();
    assert_eq!(
        nri018.reasons_en[0],
        "2022: rank 37 of 40, not in the bottom 3"
    );

    // 2024: NRI018 is last in 2023 and 2024 under every draw, recognised in
    // 2017: flagged. NRI009 is in the bottom three both years too (ranks 38
    // and 39), but its optimistic rank (35, 36) is not: plausible weights
    // lift it out, so it is not flagged.
    let e2024 = flagged(2024).await;
    let flags: Vec<&str> = e2024
        .exit_flags
        .iter()
        .filter(|f| f.flagged)
        .map(|f| f.unit.as_str())
        .collect();
    assert_eq!(flags, ["NRI018"]);
    let nri018 = e2024
        .exit_flags
        .iter()
        .find(|f| f.unit == "NRI018")
        .unwrap();
    assert_eq!(
        nri018.reasons_en,
        [
            "2024: rank 40 of 40, in the bottom 3",
            "2024: its optimistic rank (5th percentile of its ranks) in the uncertainty analysis is 40.0, still in the bottom 3: the rank is robust",
            "2024 is past the 2-year grace period after its recognition in 2017",
            "2023: rank 40 of 40, in the bottom 3",
            "2023: its optimistic rank (5th percentile of its ranks) in the uncertainty analysis is 40.0, still in the bottom 3: the rank is robust",
            "2023 is past the 2-year grace period after its recognition in 2017",
        ]
    );
    assert_eq!(nri018.reasons_zh[0], "2024 年名次 40/40，位于后 3 名");
    assert_eq!(nri018.reasons_zh.len(), 6);
    let nri009 = e2024
        .exit_flags
        .iter()
        .find(|f| f.unit == "NRI009")
        .unwrap();
    assert!(!nri009.flagged);
    assert_eq!(
        nri009.reasons_en,
        [
            "2024: its optimistic rank (5th percentile of its ranks) in the uncertainty analysis is 36.0, not in the bottom 3: plausible weights and methods lift it out",
            "2023: its optimistic rank (5th percentile of its ranks) in the uncertainty analysis is 35.0, not in the bottom 3: plausible weights and methods lift it out",
        ]
    );
    let ranks = |e: &zijin_app::Evaluation, unit: &str| {
        e.results
            .iter()
            .find(|r| r.unit == unit && r.code == "nri_index")
            .and_then(|r| r.rank)
    };
    assert_eq!(
        (ranks(&e2023, "NRI009"), ranks(&e2024, "NRI009")),
        (Some(38), Some(39))
    );
}
