//! The enterprise registry and the policy runs, told the same way to both
//! backends (a SQLite file, and PostgreSQL in a schema of its own): an empty
//! registry, an import read back exactly, the same import again (nothing
//! written), corrections as revisions, an enterprise's history, facts of an
//! unknown enterprise refused with nothing written, filters, a bulk import
//! larger than one statement, and policy runs with their entitlements.
//!
//! PostgreSQL is not optional, as in the storage scenario: without it the
//! test fails and says what to set.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use zijin_domain::{
    Enterprise, EnterpriseFactsAndLabels, EntitlementStatus, Fact, FactValue, IndustrialChain,
    Label, LabelKind, Region, RegionCode, RegionKind, RegistryEntry, Uscc, YearFact,
};
use zijin_store::{
    EntitlementRecord, FactYears, PgConnectOptions, PolicyRunRecord, PostgresStore, RegistryBatch,
    RegistryFilter, SqliteStore, Store, StoreError, redact_location,
};

const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

#[tokio::test]
async fn registry_sqlite() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("zijin.db"))
        .await
        .expect("open the SQLite store");
    registry_story(&store).await;
    bulk_story(&store).await;
    store.close().await;
}

#[tokio::test]
async fn registry_postgres() {
    let schema = TestSchema::create().await;
    let options = schema.options.clone();
    let outcome = tokio::spawn(async move {
        let store = PostgresStore::connect_with(options)
            .await
            .expect("connect the PostgreSQL store to the test schema");
        registry_story(&store).await;
        bulk_story(&store).await;
        store.close().await;
    })
    .await;
    schema.drop().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the PostgreSQL registry test did not finish: {error}"),
        }
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn money(text: &str) -> FactValue {
    FactValue::Decimal(Decimal::from_str_exact(text).expect("a decimal"))
}

fn fact(year: i32, fact: Fact, value: FactValue) -> YearFact {
    YearFact { year, fact, value }
}

fn region(code: &str, kind: RegionKind, parent: Option<&str>) -> Region {
    Region {
        code: RegionCode::new(code).unwrap(),
        name_zh: format!("地区 {code}"),
        name_en: format!("Region {code}"),
        kind,
        parent: parent.map(|parent| RegionCode::new(parent).unwrap()),
        note: None,
    }
}

fn regions() -> Vec<Region> {
    vec![
        region("320100", RegionKind::City, None),
        region("320115", RegionKind::District, Some("320100")),
        region("320102", RegionKind::District, Some("320100")),
        region("NJHZ", RegionKind::HighTechZone, Some("320100")),
        region("NJHZ-03", RegionKind::Park, Some("NJHZ")),
    ]
}

/// Two of the specification's valid codes.
const FIRST: &str = "91110000710925462X";
const SECOND: &str = "914403001922038216";

fn enterprise(code: &str, name: &str, park: Option<&str>) -> Enterprise {
    Enterprise {
        uscc: Uscc::parse(code).unwrap(),
        name: name.to_owned(),
        registration_date: date("2015-03-01"),
        district: RegionCode::new("320115").unwrap(),
        park: park.map(|park| RegionCode::new(park).unwrap()),
        chain: IndustrialChain::Ic,
        synthetic: false,
    }
}

fn at(minutes: i64) -> DateTime<Utc> {
    // Nanoseconds that the store keeps to the microsecond.
    Utc.with_ymd_and_hms(2025, 2, 3, 9, 0, 0).unwrap()
        + Duration::minutes(minutes)
        + Duration::nanoseconds(1_500)
}

fn batch(
    minutes: i64,
    enterprises: Vec<Enterprise>,
    facts_and_labels: Vec<EnterpriseFactsAndLabels>,
) -> RegistryBatch {
    RegistryBatch {
        files: vec!["企业库.xlsx".to_owned()],
        digest: format!("digest-{minutes}"),
        imported_by: "tester".to_owned(),
        imported_at: at(minutes),
        enterprises,
        facts_and_labels,
    }
}

fn hte(from: &str, number: &str) -> Label {
    Label::new(
        LabelKind::Hte,
        date(from),
        None,
        Some(number.to_owned()),
        "江苏省高企名单",
    )
    .unwrap()
}

fn first_import() -> RegistryBatch {
    let first_facts = EnterpriseFactsAndLabels {
        uscc: Uscc::parse(FIRST).unwrap(),
        facts: vec![
            fact(2023, Fact::Revenue, money("12345678901234.56")),
            fact(2023, Fact::RdExpense, money("100.10")),
            fact(2023, Fact::Employees, FactValue::Integer(420)),
            fact(2023, Fact::MajorViolation, FactValue::Bool(false)),
            fact(2022, Fact::Revenue, money("0")),
        ],
        labels: vec![
            hte("2021-11-30", "GR202132001234"),
            Label::new(
                LabelKind::ProvincialRdInstitution,
                date("2019-05-01"),
                None,
                None,
                "省科技厅",
            )
            .unwrap(),
        ],
    };
    let second_facts = EnterpriseFactsAndLabels {
        uscc: Uscc::parse(SECOND).unwrap(),
        facts: vec![fact(2023, Fact::Listed, FactValue::Bool(true))],
        labels: vec![
            Label::new(
                LabelKind::TechSme,
                date("2024-04-15"),
                None,
                None,
                "入库名单",
            )
            .unwrap(),
        ],
    };
    batch(
        0,
        vec![
            enterprise(SECOND, "第二企业", None),
            enterprise(FIRST, "第一企业", Some("NJHZ-03")),
        ],
        vec![second_facts, first_facts],
    )
}

async fn registry_story<S: Store>(store: &S) {
    let backend = store.backend();
    store.save_regions(&regions()).await.expect("regions");

    // An empty registry.
    assert!(
        store
            .registry(&RegistryFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.enterprise_count().await.unwrap(), 0);
    assert!(store.enterprise_codes().await.unwrap().is_empty());
    let first_code = Uscc::parse(FIRST).unwrap();
    assert!(store.enterprise(&first_code).await.unwrap().is_none());
    assert!(store.registry_imports().await.unwrap().is_empty());

    // The first import, read back exactly, in order.
    let import = first_import();
    let outcome = store.save_registry(&import).await.expect("first import");
    let first_id = outcome.import_id.expect("something was written");
    assert_eq!(
        (
            outcome.enterprises_added,
            outcome.enterprises_updated,
            outcome.facts_added,
            outcome.facts_revised,
            outcome.facts_unchanged,
            outcome.labels_added
        ),
        (2, 0, 6, 0, 0, 3),
        "{backend}"
    );
    let registry = store.registry(&RegistryFilter::default()).await.unwrap();
    let codes: Vec<&str> = registry
        .iter()
        .map(|entry| entry.enterprise.uscc.as_str())
        .collect();
    assert_eq!(codes, [FIRST, SECOND], "{backend}: by credit code");
    let first = &registry[0];
    assert_eq!(first.enterprise, import.enterprises[1], "{backend}");
    let facts: Vec<(i32, Fact, String)> = first
        .facts
        .iter()
        .map(|fact| (fact.year, fact.fact, fact.value.text()))
        .collect();
    assert_eq!(
        facts,
        [
            (2022, Fact::Revenue, "0".to_owned()),
            (2023, Fact::Revenue, "12345678901234.56".to_owned()),
            (2023, Fact::RdExpense, "100.1".to_owned()),
            (2023, Fact::Employees, "420".to_owned()),
            (2023, Fact::MajorViolation, "0".to_owned()),
        ],
        "{backend}: by year, then the vocabulary's order; exact decimals"
    );
    assert_eq!(
        first.labels, import.facts_and_labels[1].labels,
        "{backend}: labels by kind; the default last day and no end kept"
    );
    assert_eq!(first.labels[0].valid_to, Some(date("2024-11-29")));
    assert_eq!(first.labels[1].valid_to, None);
    assert_eq!(
        registry[1].fact(Fact::Listed, 2023),
        Some(FactValue::Bool(true))
    );
    assert_eq!(store.enterprise_count().await.unwrap(), 2);
    assert_eq!(
        store.enterprise_codes().await.unwrap(),
        [first_code.clone(), Uscc::parse(SECOND).unwrap()]
    );

    // The same import again writes nothing, not even an import record.
    let again = store.save_registry(&first_import()).await.unwrap();
    assert_eq!(again.import_id, None, "{backend}");
    assert_eq!(
        (
            again.enterprises_unchanged,
            again.facts_unchanged,
            again.labels_unchanged,
            again.facts_added + again.facts_revised
        ),
        (2, 6, 3, 0),
        "{backend}"
    );
    assert_eq!(store.registry_imports().await.unwrap().len(), 1);

    // Corrections: a renamed enterprise, a revised and a new fact, a value
    // equal to the stored one written with other trailing zeros, a corrected
    // certificate number, a renewed certificate (another label), and facts
    // of a stored enterprise that the import does not list.
    let mut renamed = enterprise(FIRST, "第一企业（更名）", Some("NJHZ-03"));
    renamed.chain = IndustrialChain::Ai;
    let corrections = batch(
        10,
        vec![renamed.clone()],
        vec![
            EnterpriseFactsAndLabels {
                uscc: first_code.clone(),
                facts: vec![
                    fact(2023, Fact::Revenue, money("12345678901234.57")),
                    fact(2023, Fact::RdExpense, money("100.100")),
                    fact(2024, Fact::Revenue, money("1.5")),
                ],
                labels: vec![
                    hte("2021-11-30", "GR202132009999"),
                    hte("2024-12-02", "GR202432000001"),
                ],
            },
            EnterpriseFactsAndLabels {
                uscc: Uscc::parse(SECOND).unwrap(),
                facts: vec![fact(2023, Fact::Listed, FactValue::Bool(false))],
                labels: Vec::new(),
            },
        ],
    );
    let outcome = store
        .save_registry(&corrections)
        .await
        .expect("corrections");
    let second_id = outcome.import_id.expect("written");
    assert!(second_id > first_id);
    assert_eq!(
        (
            outcome.enterprises_added,
            outcome.enterprises_updated,
            outcome.facts_added,
            outcome.facts_revised,
            outcome.facts_unchanged,
            outcome.labels_added,
            outcome.labels_revised
        ),
        (0, 1, 1, 2, 1, 1, 1),
        "{backend}"
    );
    let registry = store.registry(&RegistryFilter::default()).await.unwrap();
    let first = &registry[0];
    assert_eq!(first.enterprise, renamed, "{backend}: updated in place");
    assert_eq!(
        first.fact(Fact::Revenue, 2023),
        Some(money("12345678901234.57"))
    );
    assert_eq!(first.fact(Fact::Revenue, 2024), Some(money("1.5")));
    assert_eq!(
        first.fact(Fact::Employees, 2023),
        Some(FactValue::Integer(420))
    );
    assert_eq!(
        first.labels.len(),
        3,
        "{backend}: the renewal is another label"
    );
    assert_eq!(
        first.labels[0].number.as_deref(),
        Some("GR202132009999"),
        "{backend}"
    );
    assert!(first.holds(LabelKind::Hte, date("2024-12-31")));
    assert_eq!(
        registry[1].fact(Fact::Listed, 2023),
        Some(FactValue::Bool(false))
    );

    // The history keeps every revision, with its import and when.
    let history = store
        .enterprise(&first_code)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(history.enterprise, renamed);
    assert_eq!(history.import_id, second_id);
    let revenue_2023: Vec<(u32, String, i64, DateTime<Utc>)> = history
        .facts
        .iter()
        .filter(|revision| revision.fact == Fact::Revenue && revision.year == 2023)
        .map(|revision| {
            (
                revision.revision,
                revision.value.text(),
                revision.import_id,
                revision.recorded_at,
            )
        })
        .collect();
    let micro = |at: DateTime<Utc>| at - Duration::nanoseconds(500);
    assert_eq!(
        revenue_2023,
        [
            (1, "12345678901234.56".to_owned(), first_id, micro(at(0))),
            (2, "12345678901234.57".to_owned(), second_id, micro(at(10))),
        ],
        "{backend}"
    );
    assert_eq!(history.facts.len(), 5 + 2, "{backend}: two facts changed");
    let numbers: Vec<(u32, Option<&str>)> = history
        .labels
        .iter()
        .filter(|revision| revision.label.valid_from == date("2021-11-30"))
        .map(|revision| (revision.revision, revision.label.number.as_deref()))
        .collect();
    assert_eq!(
        numbers,
        [(1, Some("GR202132001234")), (2, Some("GR202132009999"))]
    );

    // Facts of an enterprise neither listed nor stored: refused, nothing written.
    let unknown = Uscc::parse("91110000625905205U").unwrap();
    let refused = store
        .save_registry(&batch(
            20,
            vec![enterprise("91100000100003962T", "新企业", None)],
            vec![EnterpriseFactsAndLabels {
                uscc: unknown.clone(),
                facts: vec![fact(2023, Fact::Revenue, money("1"))],
                labels: Vec::new(),
            }],
        ))
        .await;
    assert!(
        matches!(&refused, Err(StoreError::UnknownEnterprise(code)) if *code == unknown),
        "{backend}: {refused:?}"
    );
    assert_eq!(store.enterprise_count().await.unwrap(), 2);
    assert_eq!(store.registry_imports().await.unwrap().len(), 2);
    let records = store.registry_imports().await.unwrap();
    assert_eq!(
        (
            records[1].id,
            records[1].facts_added,
            records[1].facts_revised,
            records[1].enterprises_updated,
            records[1].files.clone()
        ),
        (second_id, 1, 2, 1, vec!["企业库.xlsx".to_owned()])
    );

    // Filters: no facts, or the facts of some years.
    let without = store
        .registry(&RegistryFilter {
            facts: FactYears::None,
        })
        .await
        .unwrap();
    assert!(without.iter().all(|entry| entry.facts.is_empty()));
    assert_eq!(without[0].labels.len(), 3);
    let some_years = store
        .registry(&RegistryFilter {
            facts: FactYears::Between(2023, 2023),
        })
        .await
        .unwrap();
    assert!(
        some_years
            .iter()
            .flat_map(|entry| &entry.facts)
            .all(|fact| fact.year == 2023)
    );
    assert_eq!(some_years[0].facts.len(), 4, "{backend}");

    policy_runs_story(store).await;
}

async fn policy_runs_story<S: Store>(store: &S) {
    let backend = store.backend();
    assert!(store.policy_runs().await.unwrap().is_empty());
    let imports = store.registry_imports().await.unwrap();
    let run = |minutes: i64| PolicyRunRecord {
        id: 0,
        pack_id: "default".to_owned(),
        pack_version: "2024.1".to_owned(),
        pack_sha256: "ab".repeat(32),
        period: 2024,
        known_on: Some(date("2024-06-30")),
        registry_import_id: imports.last().map(|import| import.id),
        registry_digest: "registry-digest".to_owned(),
        created_at: at(minutes),
        enterprise_count: 2,
    };
    let entitlement = |code: &str,
                       policy: &str,
                       status: EntitlementStatus,
                       amount: Option<&str>| {
        EntitlementRecord {
            uscc: Uscc::parse(code).unwrap(),
            policy_id: policy.to_owned(),
            status,
            amount: amount.map(|text| Decimal::from_str(text).unwrap()),
            explanation: format!("{{\"policy\":\"{policy}\",\"note\":\"研发费用占比 3.2% < 4%\"}}"),
        }
    };
    let entitlements = vec![
        entitlement(SECOND, "hte", EntitlementStatus::Unknown, None),
        entitlement(
            FIRST,
            "rd_subsidy",
            EntitlementStatus::Pass,
            Some("123456.785"),
        ),
        entitlement(FIRST, "hte", EntitlementStatus::Fail, None),
        entitlement(SECOND, "rd_subsidy", EntitlementStatus::Fail, Some("0")),
    ];
    let first_run = store
        .save_policy_run(&run(30), &entitlements)
        .await
        .expect("a run");
    let second_run = store.save_policy_run(&run(40), &[]).await.expect("another");
    assert!(second_run > first_run);
    let runs = store.policy_runs().await.unwrap();
    assert_eq!(runs.len(), 2);
    let mut expected = run(30);
    expected.id = first_run;
    expected.created_at = at(30) - Duration::nanoseconds(500);
    assert_eq!(runs[0], expected, "{backend}");
    let read = store.policy_entitlements(first_run, None).await.unwrap();
    let keys: Vec<(&str, &str)> = read
        .iter()
        .map(|e| (e.uscc.as_str(), e.policy_id.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (FIRST, "hte"),
            (FIRST, "rd_subsidy"),
            (SECOND, "hte"),
            (SECOND, "rd_subsidy")
        ],
        "{backend}: by credit code, then policy"
    );
    assert_eq!(
        read[1], entitlements[1],
        "{backend}: exact amount, explanation"
    );
    assert_eq!(read[2], entitlements[0]);
    let one = store
        .policy_entitlements(first_run, Some(&Uscc::parse(SECOND).unwrap()))
        .await
        .unwrap();
    assert_eq!(one, [entitlements[0].clone(), entitlements[3].clone()]);
    assert!(
        store
            .policy_entitlements(second_run, None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A valid code for a number: `91320115` and a 9-character organisation
/// code from the number, with the check character the parser asks for.
fn code_for(number: u32) -> Uscc {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut organisation = String::new();
    let mut rest = number;
    for _ in 0..9 {
        organisation.insert(0, ALPHABET[(rest % 31) as usize] as char);
        rest /= 31;
    }
    let body = format!("91320115{organisation}");
    match Uscc::parse(&format!("{body}0")) {
        Ok(code) => code,
        Err(zijin_domain::UsccError::CheckCharacter { expected, .. }) => {
            Uscc::parse(&format!("{body}{expected}")).unwrap()
        }
        Err(other) => panic!("{other}"),
    }
}

/// More rows than one statement takes (SQLite: 100 facts; PostgreSQL: 10,000
/// rows per UNNEST), imported, read back, imported again unchanged, and a
/// large policy run.
async fn bulk_story<S: Store>(store: &S) {
    let backend = store.backend();
    let count = 1_500u32;
    let years = 2021..=2024;
    let enterprises: Vec<Enterprise> = (0..count)
        .map(|number| {
            let mut enterprise =
                enterprise(code_for(number).as_str(), &format!("企业{number}"), None);
            enterprise.synthetic = number % 2 == 0;
            enterprise
        })
        .collect();
    let facts_and_labels: Vec<EnterpriseFactsAndLabels> = enterprises
        .iter()
        .enumerate()
        .map(|(index, enterprise)| EnterpriseFactsAndLabels {
            uscc: enterprise.uscc.clone(),
            facts: years
                .clone()
                .flat_map(|year| {
                    Fact::all().map(move |fact| {
                        let value = match fact.ty() {
                            zijin_domain::FactType::Bool => FactValue::Bool(index % 3 == 0),
                            zijin_domain::FactType::Integer => {
                                FactValue::Integer((index as i64) * 7 + i64::from(year))
                            }
                            _ => FactValue::Decimal(Decimal::new(
                                (index as i64) * 1_000_003 + i64::from(year),
                                2,
                            )),
                        };
                        YearFact { year, fact, value }
                    })
                })
                .collect(),
            labels: vec![
                Label::new(
                    LabelKind::TechSme,
                    NaiveDate::from_ymd_opt(2024, 1 + (index % 12) as u32, 1).unwrap(),
                    None,
                    None,
                    "bulk",
                )
                .unwrap(),
            ],
        })
        .collect();
    let fact_rows = count as usize * 4 * Fact::all().count();
    let import = batch(100, enterprises.clone(), facts_and_labels.clone());
    let outcome = store.save_registry(&import).await.expect("bulk import");
    assert_eq!(
        (
            outcome.enterprises_added,
            outcome.facts_added,
            outcome.labels_added
        ),
        (count as usize, fact_rows, count as usize),
        "{backend}"
    );
    let registry = store.registry(&RegistryFilter::default()).await.unwrap();
    assert_eq!(registry.len(), count as usize + 2);
    let mut expected: Vec<RegistryEntry> = enterprises
        .into_iter()
        .zip(facts_and_labels)
        .map(|(enterprise, data)| RegistryEntry {
            enterprise,
            facts: data.facts,
            labels: data.labels,
        })
        .collect();
    expected.sort_by(|a, b| a.enterprise.uscc.cmp(&b.enterprise.uscc));
    let bulk: Vec<&RegistryEntry> = registry
        .iter()
        .filter(|entry| entry.enterprise.uscc.as_str().starts_with("91320115"))
        .collect();
    assert_eq!(bulk.len(), expected.len());
    for (read, expected) in bulk.iter().zip(&expected) {
        assert_eq!(*read, expected, "{backend}");
    }
    let again = store.save_registry(&import).await.unwrap();
    assert_eq!(
        (again.import_id, again.facts_unchanged),
        (None, fact_rows),
        "{backend}"
    );

    let entitlements: Vec<EntitlementRecord> = registry
        .iter()
        .flat_map(|entry| {
            [
                "hte",
                "sme",
                "zjtx",
                "gazelle",
                "unicorn",
                "rd_subsidy",
                "x7",
                "x8",
            ]
            .into_iter()
            .map(|policy| EntitlementRecord {
                uscc: entry.enterprise.uscc.clone(),
                policy_id: policy.to_owned(),
                status: EntitlementStatus::Pass,
                amount: Some(Decimal::new(12_345, 2)),
                explanation: "{}".to_owned(),
            })
        })
        .collect();
    let run = PolicyRunRecord {
        id: 0,
        pack_id: "bulk".to_owned(),
        pack_version: "1".to_owned(),
        pack_sha256: String::new(),
        period: 2024,
        known_on: None,
        registry_import_id: None,
        registry_digest: String::new(),
        created_at: at(200),
        enterprise_count: registry.len(),
    };
    let run_id = store.save_policy_run(&run, &entitlements).await.unwrap();
    let read = store.policy_entitlements(run_id, None).await.unwrap();
    assert_eq!(read.len(), entitlements.len(), "{backend}");
    assert!(entitlements.len() > 10_000);
    let mut sorted = entitlements.clone();
    sorted.sort_by(|a, b| (&a.uscc, &a.policy_id).cmp(&(&b.uscc, &b.policy_id)));
    assert_eq!(read, sorted, "{backend}");
}

/// A schema of its own in the database given by `ZIJIN_TEST_DATABASE_URL`,
/// as in the storage scenario.
struct TestSchema {
    admin: PgConnection,
    name: String,
    options: PgConnectOptions,
}

impl TestSchema {
    async fn create() -> TestSchema {
        let url = std::env::var("ZIJIN_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
        let options: PgConnectOptions = url.parse().unwrap_or_else(|error| {
            panic!(
                "ZIJIN_TEST_DATABASE_URL={} is not a PostgreSQL URL: {error}",
                redact_location(&url)
            )
        });
        let mut admin = PgConnection::connect_with(&options)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "cannot connect to PostgreSQL at {}: {error}\n\
                     The registry test runs against PostgreSQL as well as SQLite. Start \
                     PostgreSQL, or set ZIJIN_TEST_DATABASE_URL to a database in which the tests \
                     may create and drop schemas (default: {DEFAULT_DATABASE_URL}).",
                    redact_location(&url)
                )
            });
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .subsec_nanos();
        let name = format!(
            "zijin_registry_test_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|error| panic!("cannot create the test schema {name}: {error}"));
        let options = options.options([("search_path", name.as_str())]);
        TestSchema {
            admin,
            name,
            options,
        }
    }

    async fn drop(mut self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut self.admin)
            .await
            .unwrap_or_else(|error| panic!("cannot drop the test schema {}: {error}", self.name));
    }
}
