//! The import and assessment benchmark: a generated tidy CSV of one million
//! observations (the Nanjing plan's 22 indicators × 1,000 regions × periods of
//! 2020–2025) is read, validated and written into a fresh database, then
//! imported again (nothing new: the idempotent path), then every indicator is
//! assessed for all 1,000 regions.
//!
//! `cargo bench -p zijin-app --bench import` — SQLite in a temporary directory.
//! Set `ZIJIN_BENCH_DATABASE_URL=postgres://…` to run the same on PostgreSQL
//! (in a fresh schema, dropped afterwards) as well. `ZIJIN_BENCH_ROWS` sets the
//! number of rows (default 1,000,000). Figures are recorded in BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use zijin_app::{Actor, AssessQuery, InputFile, Zijin};
use zijin_domain::SourceQuality;
use zijin_exchange::ImportContext;
use zijin_store::{SqliteStore, Store};

const REGIONS: usize = 1_000;

fn main() {
    let rows: usize = std::env::var("ZIJIN_BENCH_ROWS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let directory = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(&directory.path().join("bench.db"))
            .await
            .expect("open SQLite");
        run("SQLite", Zijin::new(store), rows).await;
        if let Ok(url) = std::env::var("ZIJIN_BENCH_DATABASE_URL") {
            let schema = format!("zijin_bench_{}", std::process::id());
            let store = zijin_store::PostgresStore::connect_in_new_schema(&url, &schema)
                .await
                .expect("connect to PostgreSQL in a new schema");
            run("PostgreSQL", Zijin::new(store.clone()), rows).await;
            store
                .drop_schema(&schema)
                .await
                .expect("drop the benchmark schema");
        }
    });
}

async fn run<S: Store>(backend: &str, app: Zijin<S>, rows: usize) {
    let actor = Actor {
        name: "bench".to_owned(),
        now: Utc::now(),
    };
    app.init(&actor).await.expect("init");
    app.load_regions(&regions_file(), "bench-regions.toml")
        .await
        .expect("load the benchmark regions");
    let plan = app.active_plan().await.expect("plan").plan;
    let csv = observations_csv(&plan, rows);
    let megabytes = csv.len() as f64 / 1e6;

    // Reading and validating alone (no database).
    let regions = app.regions().await.expect("regions");
    let context = ImportContext {
        plan: &plan,
        regions: &regions,
        default_source_quality: SourceQuality::Reported,
    };
    let started = Instant::now();
    let read =
        zijin_exchange::read_observations("bench.csv", csv.as_bytes(), &context, &mut |_, _| {})
            .expect("the generated file is valid");
    let parse = started.elapsed();
    assert_eq!(read.len(), rows);
    drop(read);

    let file = InputFile {
        name: "bench.csv".to_owned(),
        bytes: csv.into_bytes(),
    };
    let started = Instant::now();
    let outcome = app
        .import_files(
            std::slice::from_ref(&file),
            &actor,
            SourceQuality::Reported,
            &mut |_, _, _| {},
        )
        .await
        .expect("import");
    let import = started.elapsed();
    assert_eq!(outcome.added, rows);

    let started = Instant::now();
    let again = app
        .import_files(&[file], &actor, SourceQuality::Reported, &mut |_, _, _| {})
        .await
        .expect("import again");
    let reimport = started.elapsed();
    assert_eq!(
        (again.added, again.unchanged, again.import_id),
        (0, rows, None)
    );

    let query = AssessQuery {
        as_of: Some(NaiveDate::from_ymd_opt(2025, 4, 30).unwrap()),
        ..AssessQuery::default()
    };
    let started = Instant::now();
    let report = app.assess(&query).await.expect("assess");
    let assess = started.elapsed();

    let rate = |duration: Duration| rows as f64 / duration.as_secs_f64();
    println!("== {backend}: {rows} rows, {megabytes:.1} MB of CSV ==");
    println!(
        "read + validate only:        {:>8.2} s  {:>10.0} rows/s",
        parse.as_secs_f64(),
        rate(parse)
    );
    println!(
        "import (read, validate, write): {:>5.2} s  {:>10.0} rows/s",
        import.as_secs_f64(),
        rate(import)
    );
    println!(
        "import again (nothing new):  {:>8.2} s  {:>10.0} rows/s",
        reimport.as_secs_f64(),
        rate(reimport)
    );
    println!(
        "assess every indicator, {} regions ({} assessments from {rows} observations): {:.2} s",
        REGIONS,
        report.assessments.len(),
        assess.as_secs_f64()
    );
}

/// 1,000 districts of the plan's city, `B0001`…`B1000`.
fn regions_file() -> String {
    let mut text = String::new();
    for region in 1..=REGIONS {
        writeln!(
            text,
            "[[regions]]\ncode = \"B{region:04}\"\nname_zh = \"基准区{region}\"\nname_en = \"Bench district {region}\"\nkind = \"district\"\nparent = \"320100\"\n"
        )
        .unwrap();
    }
    text
}

/// `rows` observations: for each region and indicator, yearly values 2020–2025
/// and then the months of 2021–2025, until there are enough rows.
fn observations_csv(plan: &zijin_domain::Plan, rows: usize) -> String {
    let mut periods: Vec<String> = (2020..=2025).map(|year| year.to_string()).collect();
    for year in 2021..=2025 {
        for month in 1..=11 {
            periods.push(format!("{year}-{month:02}"));
        }
    }
    let mut text = String::with_capacity(rows * 60);
    text.push_str("indicator,region,period,value,unit,source\n");
    let mut written = 0;
    'outer: for period in &periods {
        for region in 1..=REGIONS {
            for (position, indicator) in plan.indicators.iter().enumerate() {
                if written == rows {
                    break 'outer;
                }
                let value =
                    100.0 + (region * 7 + position * 13) as f64 % 97.0 + period.len() as f64;
                writeln!(
                    text,
                    "{},B{region:04},{period},{value},{},bench",
                    indicator.code, indicator.unit
                )
                .unwrap();
                written += 1;
            }
        }
    }
    assert_eq!(written, rows, "not enough periods for {rows} rows");
    text
}
