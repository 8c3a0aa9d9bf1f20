//! One story of a store's life, told the same way to every backend: an empty
//! database, plans and regions, imports that add, repeat and revise figures, a
//! failing import that must leave no trace, and a reopened database.

use std::collections::BTreeSet;
use std::future::Future;

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use zijin_domain::{
    Baseline, Binding, Direction, Indicator, IndicatorCode, Kind, Measure, Observation,
    ObservationRecord, Period, Plan, PlanCode, Qualifier, Region, RegionCode, RegionKind,
    SourceQuality, Target, Thresholds,
};
use zijin_store::{
    ImportBatch, ImportOutcome, ImportRecord, ObservationFilter, PlanSaved, RegionsSaved, Store,
    StoreError, StoredPlan,
};

/// Runs the scenario. `open` opens the same database each time it is called:
/// first on an empty database, later again to check that reopening (and so
/// migrating again) keeps everything.
pub async fn run<S, Open, Opening>(backend: &str, open: Open)
where
    S: Store,
    Open: Fn() -> Opening,
    Opening: Future<Output = S>,
{
    let store = open().await;
    assert_eq!(store.backend(), backend);
    empty_database(&store).await;
    regions(&store).await;
    plans(&store).await;
    let first_import = imports(&store).await;
    failed_import_leaves_no_trace(&store, first_import).await;

    let before = Dump::of(&store).await;
    drop(store);
    let reopened = open().await;
    assert_eq!(
        Dump::of(&reopened).await,
        before,
        "reopening (and migrating again) changed what is stored"
    );
    // The reopened database still takes writes.
    let outcome = reopened
        .import(&batch(
            "carol",
            at(2024, 9, 1) + Duration::nanoseconds(1),
            vec![observation("patents", "320102", "2024-H1", 950.0)],
        ))
        .await
        .expect("import into the reopened database");
    assert_eq!((outcome.added, outcome.revised), (1, 0));
    assert!(outcome.import_id.is_some());
}

async fn empty_database(store: &impl Store) {
    assert_eq!(Dump::of(store).await, Dump::default());
    assert_eq!(store.active_plan().await.unwrap(), None);
    assert_eq!(store.plan(&plan_code("nanjing")).await.unwrap(), None);
}

async fn regions(store: &impl Store) {
    // The park comes before its zone: the parent is checked when the
    // transaction commits, not row by row.
    let first = vec![
        region("320100", "南京市", RegionKind::City, None),
        region("320102", "玄武区", RegionKind::District, Some("320100")),
        region("NJHZ-01", "新港园", RegionKind::Park, Some("njhz")),
        region(
            "njhz",
            "南京高新区",
            RegionKind::HighTechZone,
            Some("320100"),
        ),
    ];
    assert_eq!(
        store.save_regions(&first).await.unwrap(),
        RegionsSaved {
            added: 4,
            updated: 0,
            unchanged: 0
        }
    );
    assert_eq!(
        store.save_regions(&first).await.unwrap(),
        RegionsSaved {
            added: 0,
            updated: 0,
            unchanged: 4
        }
    );

    let mut renamed = region("NJHZ-01", "新港高新园", RegionKind::Park, Some("njhz"));
    renamed.note = Some("name confirmed by the zone's 2023 report".to_owned());
    let second = vec![
        region("320104", "秦淮区", RegionKind::District, Some("320100")),
        renamed.clone(),
        first[0].clone(),
    ];
    assert_eq!(
        store.save_regions(&second).await.unwrap(),
        RegionsSaved {
            added: 1,
            updated: 1,
            unchanged: 1
        }
    );
    // In the order first saved; updated in place; never deleted (320102 and
    // njhz were not in the second list).
    let stored = store.regions().await.unwrap();
    assert_eq!(
        stored,
        vec![
            first[0].clone(),
            first[1].clone(),
            renamed,
            first[3].clone(),
            second[0].clone()
        ]
    );
}

async fn plans(store: &impl Store) {
    let loaded_at = at(2024, 3, 1) + Duration::nanoseconds(123_456_789);
    let nanjing = plan("nanjing", 2.83);

    assert_eq!(
        store
            .save_plan(&nanjing, "source v1", loaded_at)
            .await
            .unwrap(),
        PlanSaved::NewVersion(1)
    );
    let stored = store.active_plan().await.unwrap().expect("an active plan");
    assert_eq!(
        stored,
        StoredPlan {
            plan: nanjing.clone(),
            version: 1,
            // Stored to the microsecond.
            loaded_at: at(2024, 3, 1) + Duration::microseconds(123_456),
            source_text: "source v1".to_owned(),
        }
    );

    // Identical: nothing written, the first load time stays.
    assert_eq!(
        store
            .save_plan(&nanjing, "source v1", at(2024, 3, 2))
            .await
            .unwrap(),
        PlanSaved::Unchanged(1)
    );
    assert_eq!(store.plan(&nanjing.code).await.unwrap(), Some(stored));

    // A changed source text alone is a new version; so is a changed plan.
    assert_eq!(
        store
            .save_plan(&nanjing, "source v1, reformatted", at(2024, 3, 3))
            .await
            .unwrap(),
        PlanSaved::NewVersion(2)
    );
    let revised = plan("nanjing", 3.0);
    assert_eq!(
        store
            .save_plan(&revised, "source v3", at(2024, 3, 4))
            .await
            .unwrap(),
        PlanSaved::NewVersion(3)
    );

    // Saving another plan makes it the active one.
    let other = plan("suzhou", 3.5);
    assert_eq!(
        store
            .save_plan(&other, "suzhou v1", at(2024, 3, 5))
            .await
            .unwrap(),
        PlanSaved::NewVersion(1)
    );
    assert_eq!(active_plan_code(store).await, "suzhou");

    // Activating an earlier plan: its latest version becomes active.
    store.activate_plan(&revised.code).await.unwrap();
    let active = store.active_plan().await.unwrap().unwrap();
    assert_eq!((active.plan.code.as_str(), active.version), ("nanjing", 3));
    assert_eq!(active.plan, revised);

    // Saving an unchanged plan still makes it the active one.
    assert_eq!(
        store
            .save_plan(&other, "suzhou v1", at(2024, 3, 6))
            .await
            .unwrap(),
        PlanSaved::Unchanged(1)
    );
    assert_eq!(active_plan_code(store).await, "suzhou");
    store.activate_plan(&revised.code).await.unwrap();

    let unknown = plan_code("hangzhou");
    match store.activate_plan(&unknown).await {
        Err(StoreError::UnknownPlan(code)) => assert_eq!(code, unknown),
        other => panic!("activating an unknown plan gave {other:?}"),
    }
    assert_eq!(active_plan_code(store).await, "nanjing");

    // The latest version of each plan, in the order the plans were first loaded.
    let listed: Vec<(String, u32, String)> = store
        .plans()
        .await
        .unwrap()
        .into_iter()
        .map(|stored| {
            (
                stored.plan.code.to_string(),
                stored.version,
                stored.source_text,
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("nanjing".to_owned(), 3, "source v3".to_owned()),
            ("suzhou".to_owned(), 1, "suzhou v1".to_owned()),
        ]
    );
}

async fn active_plan_code(store: &impl Store) -> String {
    let active = store.active_plan().await.unwrap().expect("an active plan");
    active.plan.code.to_string()
}

/// Imports that add, repeat and revise. Returns the id of the first import.
async fn imports(store: &impl Store) -> i64 {
    // Periods deliberately out of order, and in an order where their text
    // order differs from the domain order.
    let mut noted = observation("patents", "320102", "2023", 812.0);
    noted.note = Some("preliminary".to_owned());
    noted.qualifier = Qualifier::About;
    let first_observations = vec![
        observation("rd_intensity", "320100", "2023", 3.0),
        observation("rd_intensity", "320100", "2023-H2", 1.6),
        observation("rd_intensity", "320100", "2022", 2.83),
        observation("rd_intensity", "320100", "2023-11", 2.9),
        observation("rd_intensity", "320100", "2023-Q4", 0.9),
        observation("rd_intensity", "320100", "2023-H1", 1.4),
        observation("rd_intensity", "320102", "2023", 3.4),
        noted.clone(),
        observation("patents", "320100", "2023", 0.1 + 0.2),
    ];
    let first_at = at(2024, 4, 1) + Duration::nanoseconds(987_654_321);
    let first = batch("alice", first_at, first_observations.clone());
    let outcome = store.import(&first).await.unwrap();
    let first_id = outcome
        .import_id
        .expect("an import that adds rows has an id");
    assert_eq!(
        outcome,
        ImportOutcome {
            import_id: Some(first_id),
            added: 9,
            revised: 0,
            unchanged: 0
        }
    );
    let first_record = ImportRecord {
        id: first_id,
        files: first.files.clone(),
        digest: first.digest.clone(),
        imported_by: "alice".to_owned(),
        imported_at: first_at.trunc_subsecs(6),
        added: 9,
        revised: 0,
    };
    assert_eq!(store.imports().await.unwrap(), vec![first_record.clone()]);

    // The same batch again changes nothing at all, not even the record of imports.
    let before = Dump::of(store).await;
    let again = batch("alice", at(2024, 4, 2), first_observations);
    assert_eq!(
        store.import(&again).await.unwrap(),
        ImportOutcome {
            import_id: None,
            added: 0,
            revised: 0,
            unchanged: 9
        }
    );
    assert_eq!(Dump::of(store).await, before);
    assert_eq!(before.row_count(), 9);

    // A revised value, a revised note, an identical row and a new key.
    let mut note_dropped = noted.clone();
    note_dropped.note = None;
    let second_at = at(2024, 5, 1) + Duration::microseconds(42);
    let second = batch(
        "bob",
        second_at,
        vec![
            observation("rd_intensity", "320100", "2023", 3.05),
            note_dropped.clone(),
            observation("rd_intensity", "320102", "2023", 3.4),
            observation("rd_intensity", "320104", "2023", 2.2),
        ],
    );
    let outcome = store.import(&second).await.unwrap();
    let second_id = outcome.import_id.expect("an id");
    assert!(second_id > first_id);
    assert_eq!(
        (outcome.added, outcome.revised, outcome.unchanged),
        (1, 2, 1)
    );
    assert_eq!(
        store.imports().await.unwrap(),
        vec![
            first_record,
            ImportRecord {
                id: second_id,
                files: second.files.clone(),
                digest: second.digest.clone(),
                imported_by: "bob".to_owned(),
                imported_at: second_at,
                added: 1,
                revised: 2,
            }
        ]
    );

    // History: every revision, in the domain order of periods, then revision,
    // each with the import that brought it.
    let history = store
        .history(&indicator("rd_intensity"), &region_code("320100"))
        .await
        .unwrap();
    let lines: Vec<(String, u32, f64, i64, String, DateTime<Utc>)> = history
        .iter()
        .map(|record| {
            (
                record.observation.period.to_string(),
                record.revision,
                record.observation.value,
                record.import_id,
                record.imported_by.clone(),
                record.imported_at,
            )
        })
        .collect();
    let alice = |period: &str, value: f64| {
        (
            period.to_owned(),
            1,
            value,
            first_id,
            "alice".to_owned(),
            first_at.trunc_subsecs(6),
        )
    };
    assert_eq!(
        lines,
        vec![
            alice("2022", 2.83),
            alice("2023-H1", 1.4),
            alice("2023-11", 2.9),
            alice("2023-Q4", 0.9),
            alice("2023-H2", 1.6),
            alice("2023", 3.0),
            (
                "2023".to_owned(),
                2,
                3.05,
                second_id,
                "bob".to_owned(),
                second_at
            ),
        ]
    );
    // The stored observation is the one imported, field by field.
    let noted_history = store
        .history(&indicator("patents"), &region_code("320102"))
        .await
        .unwrap();
    let observations: Vec<&Observation> = noted_history
        .iter()
        .map(|record| &record.observation)
        .collect();
    assert_eq!(observations, vec![&noted, &note_dropped]);

    // The latest revision of every key, ordered by indicator, region and period.
    let latest = store
        .latest_observations(&ObservationFilter::default())
        .await
        .unwrap();
    let keys: Vec<(String, String, String, u32)> = latest.iter().map(key).collect();
    let expected_key = |indicator: &str, region: &str, period: &str, revision: u32| {
        (
            indicator.to_owned(),
            region.to_owned(),
            period.to_owned(),
            revision,
        )
    };
    assert_eq!(
        keys,
        vec![
            expected_key("patents", "320100", "2023", 1),
            expected_key("patents", "320102", "2023", 2),
            expected_key("rd_intensity", "320100", "2022", 1),
            expected_key("rd_intensity", "320100", "2023-H1", 1),
            expected_key("rd_intensity", "320100", "2023-11", 1),
            expected_key("rd_intensity", "320100", "2023-Q4", 1),
            expected_key("rd_intensity", "320100", "2023-H2", 1),
            expected_key("rd_intensity", "320100", "2023", 2),
            expected_key("rd_intensity", "320102", "2023", 1),
            expected_key("rd_intensity", "320104", "2023", 1),
        ]
    );
    assert_eq!(latest[0].observation.value, 0.1 + 0.2, "floats are exact");
    assert_eq!(latest[7].observation.value, 3.05);

    // Filters: empty lists mean all; each list restricts; both combine.
    let filtered = |indicators: &[&str], regions: &[&str]| ObservationFilter {
        indicators: indicators.iter().map(|code| indicator(code)).collect(),
        regions: regions.iter().map(|code| region_code(code)).collect(),
    };
    let by_indicator = store
        .latest_observations(&filtered(&["patents"], &[]))
        .await
        .unwrap();
    assert_eq!(by_indicator, latest[..2].to_vec());
    let by_region = store
        .latest_observations(&filtered(&[], &["320102", "320104"]))
        .await
        .unwrap();
    assert_eq!(
        by_region,
        vec![latest[1].clone(), latest[8].clone(), latest[9].clone()]
    );
    let by_both = store
        .latest_observations(&filtered(&["rd_intensity", "gdp"], &["320102"]))
        .await
        .unwrap();
    assert_eq!(by_both, vec![latest[8].clone()]);
    let none = store
        .latest_observations(&filtered(&["gdp"], &[]))
        .await
        .unwrap();
    assert_eq!(none, vec![]);

    first_id
}

/// A large import whose last row names a region that is not stored: the
/// foreign key fails after earlier chunks of the same import were inserted.
/// Every table must be exactly as before.
async fn failed_import_leaves_no_trace(store: &impl Store, first_import: i64) {
    let before = Dump::of(store).await;
    let mut observations = Vec::new();
    'fill: for code in ["load_a", "load_b", "load_c", "load_d", "load_e", "load_f"] {
        for period in every_period() {
            if observations.len() == 25_000 {
                break 'fill;
            }
            observations.push(observation(code, "320102", &period.to_string(), 1.0));
        }
    }
    // One revision among the new keys, so that both kinds of row are written.
    observations.insert(0, observation("rd_intensity", "320100", "2022", 2.84));
    observations.push(observation("rd_intensity", "unknown-region", "2023", 1.0));
    let failing = batch("mallory", at(2024, 6, 1), observations);
    let error = store
        .import(&failing)
        .await
        .expect_err("an observation of an unknown region cannot be stored");
    assert!(
        matches!(error, StoreError::Database(_) | StoreError::Sqlite { .. }),
        "a foreign-key violation is a database error, got {error:?}"
    );
    assert!(
        error.to_string().to_lowercase().contains("foreign key"),
        "the message names the violated constraint: {error}"
    );
    assert_eq!(
        Dump::of(store).await,
        before,
        "the failed import left a trace"
    );

    // The store is still usable, and the next import gets a new id.
    let outcome = store
        .import(&batch(
            "dave",
            at(2024, 7, 1),
            vec![observation("rd_intensity", "320100", "2022", 2.84)],
        ))
        .await
        .unwrap();
    assert_eq!((outcome.added, outcome.revised), (0, 1));
    assert!(outcome.import_id.unwrap() > first_import);
}

/// Every period the domain accepts, in text order (not the domain order).
fn every_period() -> Vec<Period> {
    let mut texts = Vec::new();
    for year in 1900..=2200 {
        texts.push(year.to_string());
        for half in 1..=2 {
            texts.push(format!("{year}-H{half}"));
        }
        for quarter in 1..=4 {
            texts.push(format!("{year}-Q{quarter}"));
        }
        for month in 1..=12 {
            texts.push(format!("{year}-{month:02}"));
        }
    }
    texts.sort();
    texts.iter().map(|text| text.parse().unwrap()).collect()
}

/// Everything a store holds, read through the public interface, to compare
/// before and after.
#[derive(Debug, Default, PartialEq)]
struct Dump {
    plans: Vec<StoredPlan>,
    active_plan: Option<StoredPlan>,
    regions: Vec<Region>,
    imports: Vec<ImportRecord>,
    latest: Vec<ObservationRecord>,
    /// Every revision of every key: the history of every (indicator, region)
    /// that has a latest observation, which is every stored one.
    histories: Vec<Vec<ObservationRecord>>,
}

impl Dump {
    async fn of(store: &impl Store) -> Dump {
        let latest = store
            .latest_observations(&ObservationFilter::default())
            .await
            .unwrap();
        let series: BTreeSet<(IndicatorCode, RegionCode)> = latest
            .iter()
            .map(|record| {
                (
                    record.observation.indicator.clone(),
                    record.observation.region.clone(),
                )
            })
            .collect();
        let mut histories = Vec::new();
        for (indicator, region) in &series {
            histories.push(store.history(indicator, region).await.unwrap());
        }
        Dump {
            plans: store.plans().await.unwrap(),
            active_plan: store.active_plan().await.unwrap(),
            regions: store.regions().await.unwrap(),
            imports: store.imports().await.unwrap(),
            latest,
            histories,
        }
    }

    fn row_count(&self) -> usize {
        self.histories.iter().map(Vec::len).sum()
    }
}

fn key(record: &ObservationRecord) -> (String, String, String, u32) {
    let observation = &record.observation;
    (
        observation.indicator.to_string(),
        observation.region.to_string(),
        observation.period.to_string(),
        record.revision,
    )
}

pub fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 8, 30, 0).unwrap()
}

fn indicator(code: &str) -> IndicatorCode {
    IndicatorCode::new(code).unwrap()
}

fn region_code(code: &str) -> RegionCode {
    RegionCode::new(code).unwrap()
}

fn plan_code(code: &str) -> PlanCode {
    PlanCode::new(code).unwrap()
}

pub fn region(code: &str, name_zh: &str, kind: RegionKind, parent: Option<&str>) -> Region {
    Region {
        code: region_code(code),
        name_zh: name_zh.to_owned(),
        name_en: format!("Region {code}"),
        kind,
        parent: parent.map(region_code),
        note: None,
    }
}

pub fn observation(indicator_code: &str, region: &str, period: &str, value: f64) -> Observation {
    Observation {
        indicator: indicator(indicator_code),
        region: region_code(region),
        period: period.parse().unwrap(),
        value,
        qualifier: Qualifier::Exact,
        unit: "%".to_owned(),
        source: "https://tjj.nanjing.gov.cn/bulletin".to_owned(),
        source_quality: SourceQuality::Official,
        note: None,
    }
}

pub fn batch(by: &str, imported_at: DateTime<Utc>, observations: Vec<Observation>) -> ImportBatch {
    ImportBatch {
        files: vec![format!("{by}/figures.csv"), format!("{by}/区县报送.xlsx")],
        digest: format!("{:064x}", observations.len()),
        imported_by: by.to_owned(),
        imported_at,
        observations,
    }
}

/// A plan with a target that varies, so that plans can differ; its floats are
/// ones whose decimal text does not round-trip through a careless parser.
fn plan(code: &str, rd_target: f64) -> Plan {
    Plan {
        code: plan_code(code),
        name_zh: "“十四五”科技创新规划".to_owned(),
        name_en: "14th Five-Year Plan for Science and Technology Innovation".to_owned(),
        region: region_code("320100"),
        base_year: 2020,
        target_year: 2025,
        document: Some("宁政发〔2021〕1号".to_owned()),
        thresholds: Thresholds::default(),
        indicators: vec![
            Indicator {
                code: indicator("rd_intensity"),
                name_zh: "全社会研发投入强度".to_owned(),
                name_en: "R&D intensity".to_owned(),
                unit: "%".to_owned(),
                direction: Direction::Higher,
                kind: Kind::Level,
                measure: Measure::Rate,
                binding: Binding::Expected,
                department: Some("市科技局".to_owned()),
                section: "表1".to_owned(),
                baseline: Some(Baseline {
                    year: 2020,
                    value: 3.46,
                }),
                target: Some(Target::range(2025, rd_target, 3.7, Direction::Higher)),
                region_targets: Vec::new(),
                note: None,
            },
            Indicator {
                code: indicator("patents"),
                name_zh: "每万人口高价值发明专利拥有量".to_owned(),
                name_en: "High-value invention patents per 10,000 people".to_owned(),
                unit: "件".to_owned(),
                direction: Direction::Higher,
                kind: Kind::Level,
                measure: Measure::Stock,
                binding: Binding::Binding,
                department: None,
                section: "表1".to_owned(),
                baseline: Some(Baseline {
                    year: 2020,
                    value: 0.1 + 0.2,
                }),
                target: Some(Target::value(2025, 1.0 / 3.0)),
                region_targets: Vec::new(),
                note: Some("0.1 + 0.2 and 1/3 are stored to the last bit".to_owned()),
            },
        ],
    }
}
