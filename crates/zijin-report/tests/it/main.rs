//! Integration tests of the bulletin: gathered from the demo database (and
//! from the published city figures alone) in a temporary SQLite file, then
//! rendered as HTML, XLSX and PDF.

mod content;
mod errors;
mod html;
mod pdf;
mod snapshots;
mod xlsx;

use chrono::{TimeZone, Utc};
use zijin_app::{Actor, InputFile, Zijin, demo};
use zijin_domain::{Lang, SourceQuality};
use zijin_report::Bulletin;
use zijin_store::SqliteStore;

pub fn actor(name: &str) -> Actor {
    Actor {
        name: name.to_owned(),
        now: Utc.with_ymd_and_hms(2025, 5, 6, 7, 8, 9).unwrap(),
    }
}

/// The demo database: the plan, the published city figures and the synthetic
/// district and park data.
pub async fn demo_app() -> (tempfile::TempDir, Zijin<SqliteStore>) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("demo.db"))
        .await
        .expect("open");
    let app = Zijin::new(store);
    demo::build(&app, &actor(demo::DEMO_ACTOR))
        .await
        .expect("the demo builds");
    (directory, app)
}

/// Only the published city figures: no synthetic data anywhere.
pub async fn published_app() -> (tempfile::TempDir, Zijin<SqliteStore>) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("published.db"))
        .await
        .expect("open");
    let app = Zijin::new(store);
    app.init(&actor("tester")).await.expect("init");
    let file = InputFile {
        name: demo::PUBLISHED_FILE_NAME.to_owned(),
        bytes: zijin_exchange::NANJING_PUBLISHED.to_vec(),
    };
    app.import_files(
        &[file],
        &actor("tester"),
        SourceQuality::Official,
        &mut |_, _, _| {},
    )
    .await
    .expect("import the published figures");
    (directory, app)
}

pub async fn bulletin(app: &Zijin<SqliteStore>, year: i32, lang: Lang) -> Bulletin {
    zijin_report::gather(app, year, lang)
        .await
        .unwrap_or_else(|error| panic!("the {year} bulletin ({lang}) is gathered: {error}"))
}
