//! What only the SQLite store does: refusing locations and files it cannot
//! use, migrating a new file once when several open it at once, serialising
//! writers, and reading the latest revision of each key in one scan.

use std::path::Path;

use rusqlite::Connection;
use zijin_domain::{Observation, RegionKind};
use zijin_store::{ObservationFilter, SqliteError, SqliteStore, Store, StoreError};

use crate::scenario::{at, batch, observation, region};

async fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path)
        .await
        .expect("open the SQLite store")
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

fn table_names(path: &Path) -> Vec<String> {
    let connection = Connection::open(path).unwrap();
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test]
async fn in_memory_databases_are_refused() {
    for location in [":memory:", ""] {
        let error = SqliteStore::open(Path::new(location)).await.unwrap_err();
        assert!(
            matches!(
                &error,
                StoreError::SqliteOpen {
                    source: SqliteError::Unusable(_),
                    ..
                }
            ),
            "{location:?}: {error:?}"
        );
        assert!(error.to_string().contains("give a file path"), "{error}");
    }
}

/// The number of migrations: the `user_version` of an up-to-date file.
const MIGRATIONS: i64 = 3;

#[tokio::test]
async fn a_file_of_the_first_schema_gets_the_evaluation_tables() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("v1.db");
    let connection = Connection::open(&path).unwrap();
    connection
        .execute_batch(include_str!("../../migrations/sqlite/0001_initial.sql"))
        .unwrap();
    connection
        .execute_batch(
            "INSERT INTO imports (files, digest, imported_by, imported_at, added, revised) \
             VALUES ('[]', 'd', 'alice', '2024-01-01T00:00:00.000000Z', 0, 0); \
             PRAGMA user_version = 1;",
        )
        .unwrap();
    drop(connection);
    let store = open(&path).await;
    assert_eq!(user_version(&path), MIGRATIONS);
    assert!(table_names(&path).contains(&"evaluation_runs".to_owned()));
    assert_eq!(store.imports().await.unwrap().len(), 1);
    assert!(store.evaluation_runs().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_new_file_is_created_in_wal_mode_with_the_schema() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("new.db");
    let store = open(&path).await;
    assert!(path.exists());
    assert_eq!(user_version(&path), MIGRATIONS);
    let mode: String = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(table_names(&path).contains(&"observations".to_owned()));
    store.close().await;
    // Reopening migrates nothing and keeps the version.
    open(&path).await;
    assert_eq!(user_version(&path), MIGRATIONS);
}

#[tokio::test]
async fn files_it_cannot_use_are_refused_and_left_as_they_were() {
    let directory = tempfile::tempdir().unwrap();

    // A file made by the earlier sqlx-based store: its own table of
    // migrations, and `user_version` left at 0.
    let sqlx_made = directory.path().join("sqlx.db");
    Connection::open(&sqlx_made)
        .unwrap()
        .execute_batch(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
             CREATE TABLE regions (code TEXT PRIMARY KEY);",
        )
        .unwrap();
    let error = SqliteStore::open(&sqlx_made).await.unwrap_err();
    assert!(
        matches!(
            &error,
            StoreError::SqliteMigrate {
                source: SqliteError::Unusable(_),
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&sqlx_made.display().to_string()),
        "{message}"
    );
    assert!(message.contains("earlier development version"), "{message}");
    assert_eq!(table_names(&sqlx_made), ["_sqlx_migrations", "regions"]);
    assert_eq!(user_version(&sqlx_made), 0);

    // A file from a newer Zijin.
    let newer = directory.path().join("newer.db");
    Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 7;")
        .unwrap();
    let error = SqliteStore::open(&newer).await.unwrap_err().to_string();
    assert!(
        error.contains("newer than this version of Zijin"),
        "{error}"
    );
    assert!(error.contains(&newer.display().to_string()), "{error}");
    assert!(table_names(&newer).is_empty());
    assert_eq!(user_version(&newer), 7);
    let mode: String = Connection::open(&newer)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "a refused file is not switched to WAL");

    // Not a database at all.
    let text = directory.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database, but long enough to have a header ".repeat(20),
    )
    .unwrap();
    let error = SqliteStore::open(&text).await.unwrap_err();
    assert!(
        matches!(
            &error,
            StoreError::SqliteOpen { .. } | StoreError::SqliteMigrate { .. }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&text.display().to_string()), "{message}");
    assert!(message.contains("not a database"), "{message}");
    assert!(
        std::fs::read_to_string(&text)
            .unwrap()
            .starts_with("not a database")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_openers_of_a_new_file_migrate_it_once() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("shared.db");
    let openers: Vec<_> = (0..6)
        .map(|_| {
            let path = path.clone();
            tokio::spawn(async move { SqliteStore::open(&path).await })
        })
        .collect();
    for opener in openers {
        opener.await.unwrap().expect("every opener succeeds");
    }
    assert_eq!(user_version(&path), MIGRATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_through_clones_wait_for_each_other() {
    let directory = tempfile::tempdir().unwrap();
    let store = open(&directory.path().join("busy.db")).await;
    store
        .save_regions(&[region("320100", "南京市", RegionKind::City, None)])
        .await
        .unwrap();
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let store = store.clone();
            tokio::spawn(async move {
                let observations: Vec<Observation> = (0..300)
                    .map(|row| {
                        observation(
                            &format!("indicator_{writer}"),
                            "320100",
                            &(1900 + row).to_string(),
                            f64::from(row),
                        )
                    })
                    .collect();
                let count = observations.len();
                let outcome = store
                    .import(&batch("writer", at(2024, 1, 1), observations))
                    .await
                    .expect("a writer waits for the others instead of failing");
                // Readers read while writers write.
                store.regions().await.unwrap();
                (outcome, count)
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut total = 0;
    for writer in writers {
        let (outcome, count) = writer.await.unwrap();
        assert_eq!(outcome.added, count);
        ids.push(outcome.import_id.unwrap());
        total += count;
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    let latest = store
        .latest_observations(&ObservationFilter::default())
        .await
        .unwrap();
    assert_eq!(latest.len(), total);
}

/// The latest revision of each key comes from a scan in key order that keeps
/// the first (newest) row of each key: keys next to each other that share
/// some of their parts must all be kept, and older revisions dropped.
#[tokio::test]
async fn latest_revisions_of_neighbouring_keys() {
    let directory = tempfile::tempdir().unwrap();
    let store = open(&directory.path().join("latest.db")).await;
    store
        .save_regions(&[
            region("320100", "南京市", RegionKind::City, None),
            region("320102", "玄武区", RegionKind::District, Some("320100")),
        ])
        .await
        .unwrap();
    // Same region and period under two indicators; same indicator and
    // period in two regions; same indicator and region in two periods.
    let keys = [
        ("a", "320100", "2023"),
        ("a", "320100", "2024"),
        ("a", "320102", "2024"),
        ("b", "320102", "2024"),
    ];
    // Revisions 1 to 4 of the first key, 1 to 3 of the second, and so on.
    for round in 0..4_u32 {
        let observations = keys
            .iter()
            .enumerate()
            .filter(|(position, _)| round + u32::try_from(*position).unwrap() < 4)
            .map(|(_, (indicator, region, period))| {
                observation(indicator, region, period, f64::from(round))
            })
            .collect();
        store
            .import(&batch("reviser", at(2024, 1, 1 + round), observations))
            .await
            .unwrap();
    }
    let read = |filter: ObservationFilter| {
        let store = store.clone();
        async move {
            store
                .latest_observations(&filter)
                .await
                .unwrap()
                .into_iter()
                .map(|record| {
                    let observation = &record.observation;
                    (
                        observation.indicator.to_string(),
                        observation.region.to_string(),
                        observation.period.to_string(),
                        record.revision,
                        observation.value,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let expected = vec![
        (
            "a".to_owned(),
            "320100".to_owned(),
            "2023".to_owned(),
            4,
            3.0,
        ),
        (
            "a".to_owned(),
            "320100".to_owned(),
            "2024".to_owned(),
            3,
            2.0,
        ),
        (
            "a".to_owned(),
            "320102".to_owned(),
            "2024".to_owned(),
            2,
            1.0,
        ),
        (
            "b".to_owned(),
            "320102".to_owned(),
            "2024".to_owned(),
            1,
            0.0,
        ),
    ];
    assert_eq!(read(ObservationFilter::default()).await, expected);
    let filter = ObservationFilter {
        indicators: vec!["a".parse().unwrap()],
        regions: vec!["320102".parse().unwrap()],
    };
    assert_eq!(read(filter).await, expected[2..3]);
    let filter = ObservationFilter {
        indicators: Vec::new(),
        regions: vec!["320102".parse().unwrap()],
    };
    assert_eq!(read(filter).await, expected[2..]);
    // Importing the latest values again writes nothing: the comparison
    // found the latest revision of every key.
    let again = expected
        .iter()
        .map(|(indicator, region, period, _, value)| observation(indicator, region, period, *value))
        .collect();
    let outcome = store
        .import(&batch("reviser", at(2024, 2, 1), again))
        .await
        .unwrap();
    assert_eq!(
        (outcome.added, outcome.revised, outcome.unchanged),
        (0, 0, 4)
    );
}

#[tokio::test]
async fn a_closed_store_fails_with_its_location() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("closed.db");
    let store = open(&path).await;
    store.regions().await.unwrap();
    store.close().await;
    let error = store.regions().await.unwrap_err();
    assert!(
        matches!(
            &error,
            StoreError::Sqlite {
                source: SqliteError::Pool(_),
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("closed"), "{message}");
}
