//! Measures how fast a store imports and reads a large batch:
//!
//! ```text
//! cargo run --release -p zijin-store --example import_speed -- sqlite [rows]
//! cargo run --release -p zijin-store --example import_speed -- postgres [rows]
//! ```
//!
//! SQLite uses a file in a temporary folder; PostgreSQL uses a fresh schema in
//! the database of `ZIJIN_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped at the end. Rows default
//! to 1,000,000: 50 indicators × 200 regions × 100 periods.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use zijin_domain::{
    IndicatorCode, Observation, Period, Qualifier, Region, RegionCode, RegionKind, SourceQuality,
};
use zijin_store::{
    ImportBatch, ObservationFilter, PgConnectOptions, PostgresStore, SqliteStore, Store,
};

const INDICATORS: usize = 50;
const REGIONS: usize = 200;

#[tokio::main]
async fn main() {
    let mut arguments = std::env::args().skip(1);
    let backend = arguments.next().unwrap_or_else(|| "sqlite".to_owned());
    let rows: usize = arguments
        .next()
        .map(|text| text.parse().expect("the number of rows"))
        .unwrap_or(1_000_000);
    match backend.as_str() {
        "sqlite" => {
            let directory = tempfile::tempdir().expect("temporary directory");
            let store = SqliteStore::open(&directory.path().join("speed.db"))
                .await
                .expect("open SQLite");
            measure(&store, rows).await;
        }
        "postgres" => {
            let url = std::env::var("ZIJIN_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
            let options: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
            let mut admin = PgConnection::connect_with(&options)
                .await
                .expect("connect to PostgreSQL");
            let schema = format!("zijin_speed_{}", std::process::id());
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut admin)
                .await
                .expect("create the schema");
            let store =
                PostgresStore::connect_with(options.options([("search_path", schema.as_str())]))
                    .await
                    .expect("connect the store");
            measure(&store, rows).await;
            store.close().await;
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut admin)
                .await
                .expect("drop the schema");
        }
        other => panic!("unknown backend {other}: sqlite or postgres"),
    }
}

async fn measure(store: &impl Store, rows: usize) {
    let regions: Vec<Region> = (0..REGIONS)
        .map(|number| Region {
            code: RegionCode::new(&format!("R{number:04}")).unwrap(),
            name_zh: format!("区{number}"),
            name_en: format!("Region {number}"),
            kind: RegionKind::District,
            parent: None,
            note: None,
        })
        .collect();
    store.save_regions(&regions).await.expect("save regions");
    let periods: Vec<Period> = (2000..2100)
        .flat_map(|year| {
            [
                Period::Year(year),
                Period::Half(year, 1),
                Period::Month(year, 11),
            ]
        })
        .collect();
    let indicators: Vec<IndicatorCode> = (0..INDICATORS)
        .map(|number| IndicatorCode::new(&format!("indicator_{number:02}")).unwrap())
        .collect();
    let observations = |shift: f64| -> Vec<Observation> {
        let mut observations = Vec::with_capacity(rows);
        'fill: for indicator in &indicators {
            for region in &regions {
                for (position, period) in periods.iter().enumerate() {
                    if observations.len() == rows {
                        break 'fill;
                    }
                    observations.push(Observation {
                        indicator: indicator.clone(),
                        region: region.code.clone(),
                        period: *period,
                        value: position as f64 * 1.25 + shift,
                        qualifier: Qualifier::Exact,
                        unit: "亿元".to_owned(),
                        source: "https://example.invalid/bulletin/2023".to_owned(),
                        source_quality: SourceQuality::Synthetic,
                        note: None,
                    });
                }
            }
        }
        assert_eq!(observations.len(), rows, "not enough distinct keys");
        observations
    };
    let batch = |observations: Vec<Observation>| ImportBatch {
        files: vec!["speed.csv".to_owned()],
        digest: "0".repeat(64),
        imported_by: "speed".to_owned(),
        imported_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        observations,
    };
    let first = batch(observations(0.0));
    let revised = batch(observations(0.5));

    let timed = |label: &str, count: usize, started: Instant| {
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{} {label}: {count} rows in {seconds:.2} s ({:.0} rows/s)",
            store.backend(),
            count as f64 / seconds
        );
    };
    let started = Instant::now();
    let outcome = store.import(&first).await.expect("first import");
    assert_eq!(outcome.added, rows);
    timed("import, all new", rows, started);

    let started = Instant::now();
    let outcome = store.import(&first).await.expect("repeated import");
    assert_eq!((outcome.unchanged, outcome.import_id), (rows, None));
    timed("same import again, nothing written", rows, started);

    let started = Instant::now();
    let outcome = store.import(&revised).await.expect("revising import");
    assert_eq!(outcome.revised, rows);
    timed("import, every row a revision 2", rows, started);

    let started = Instant::now();
    let latest = store
        .latest_observations(&ObservationFilter::default())
        .await
        .expect("latest observations");
    assert_eq!(latest.len(), rows);
    timed(
        "latest_observations, all (over 2 revisions each)",
        rows,
        started,
    );

    let started = Instant::now();
    let filtered = store
        .latest_observations(&ObservationFilter {
            indicators: vec![indicators[1].clone()],
            regions: vec![regions[7].code.clone()],
        })
        .await
        .expect("filtered latest observations");
    timed(
        "latest_observations, one indicator and region",
        filtered.len(),
        started,
    );

    let started = Instant::now();
    let history = store
        .history(&indicators[0], &regions[0].code)
        .await
        .expect("history");
    timed("history of one series", history.len(), started);
}
