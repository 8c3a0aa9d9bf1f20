//! Integration tests of the application layer: the use cases over a real
//! SQLite store in a temporary directory.

mod demo;
mod evaluation;
mod import;
mod monitor;

use chrono::{TimeZone, Utc};
use zijin_app::{Actor, Zijin};
use zijin_store::{ObservationFilter, SqliteStore, Store};

/// A fresh application over a new SQLite file, with the built-in plan loaded.
pub async fn initialised_app() -> (tempfile::TempDir, Zijin<SqliteStore>) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&directory.path().join("test.db"))
        .await
        .expect("open SQLite store");
    let app = Zijin::new(store);
    app.init(&actor("tester"))
        .await
        .expect("init loads the built-in plan");
    (directory, app)
}

pub fn actor(name: &str) -> Actor {
    Actor {
        name: name.to_owned(),
        now: Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap(),
    }
}

/// Everything the store holds that an import could change, as text, so a
/// before/after comparison shows any difference.
pub async fn dump(app: &Zijin<SqliteStore>) -> String {
    let store = app.store();
    let latest = store
        .latest_observations(&ObservationFilter::default())
        .await
        .expect("latest observations");
    let imports = store.imports().await.expect("imports");
    let mut text = format!("{} imports\n", imports.len());
    for import in imports {
        text.push_str(&format!("{import:?}\n"));
    }
    for record in latest {
        let history = store
            .history(&record.observation.indicator, &record.observation.region)
            .await
            .expect("history");
        text.push_str(&format!(
            "{record:?} ({} revisions in the series)\n",
            history.len()
        ));
    }
    text
}
