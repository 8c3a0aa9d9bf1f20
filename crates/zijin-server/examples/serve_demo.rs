//! Serves the dashboard over the demo database, for trying the pages in a
//! browser and measuring them (wrk, ab):
//!
//! ```sh
//! cargo run --release -p zijin-server --example serve_demo -- 127.0.0.1:8080 /tmp/zijin-demo.db
//! ```
//!
//! The database is built when the file does not exist yet (the demo is
//! idempotent, so an existing demo database is reused as it is).

use chrono::Utc;
use zijin_app::{Actor, Zijin, demo};
use zijin_store::SqliteStore;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let address = arguments
        .next()
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let database = arguments
        .next()
        .unwrap_or_else(|| "zijin-demo.db".to_owned());
    let store = SqliteStore::open(std::path::Path::new(&database)).await?;
    let app = Zijin::new(store);
    let actor = Actor {
        name: demo::DEMO_ACTOR.to_owned(),
        now: Utc::now(),
    };
    demo::build(&app, &actor).await?;
    let listener = tokio::net::TcpListener::bind(&address).await?;
    eprintln!("serving the demo on http://{address}/ (Ctrl-C stops)");
    zijin_server::serve(app, listener).await?;
    Ok(())
}
