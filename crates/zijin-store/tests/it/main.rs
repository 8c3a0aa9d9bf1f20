//! The storage scenario ([`scenario::run`]), run against both backends: a
//! SQLite file in a temporary folder, and PostgreSQL in a fresh schema.
//!
//! PostgreSQL is not optional: CI always provides it, and a developer without
//! it gets a failure that says what to set, never a silently skipped test.

mod evaluations;
mod scenario;
mod sqlite;

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use zijin_store::{PgConnectOptions, PostgresStore, SqliteStore, redact_location};

const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

#[tokio::test]
async fn scenario_sqlite() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("zijin.db");
    scenario::run("sqlite", move || {
        let path = path.clone();
        async move {
            SqliteStore::open(&path)
                .await
                .expect("open the SQLite store")
        }
    })
    .await;
}

#[tokio::test]
async fn scenario_postgres() {
    let schema = TestSchema::create().await;
    let options = schema.options.clone();
    // The scenario runs in its own task so that a failing assertion (a panic)
    // comes back here as a value: the schema is dropped either way, then the
    // failure is passed on.
    let outcome = tokio::spawn(scenario::run("postgres", move || {
        let options = options.clone();
        async move {
            PostgresStore::connect_with(options)
                .await
                .expect("connect the PostgreSQL store to the test schema")
        }
    }))
    .await;
    schema.drop().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the PostgreSQL scenario did not finish: {error}"),
        }
    }
}

#[tokio::test]
async fn evaluations_sqlite() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("zijin.db"))
        .await
        .expect("open the SQLite store");
    evaluations::run(&store).await;
}

#[tokio::test]
async fn evaluations_postgres() {
    let schema = TestSchema::create().await;
    let options = schema.options.clone();
    let outcome = tokio::spawn(async move {
        let store = PostgresStore::connect_with(options)
            .await
            .expect("connect the PostgreSQL store to the test schema");
        evaluations::run(&store).await;
        store.close().await;
    })
    .await;
    schema.drop().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the PostgreSQL evaluations test did not finish: {error}"),
        }
    }
}

/// A schema of its own for one test, in the database given by
/// `ZIJIN_TEST_DATABASE_URL`, so that tests run in parallel and leave nothing.
struct TestSchema {
    admin: PgConnection,
    name: String,
    /// Options that connect with the schema as the search path.
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
                     The storage scenario runs against PostgreSQL as well as SQLite. Start \
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
            "zijin_test_{}_{nanos}_{}",
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
