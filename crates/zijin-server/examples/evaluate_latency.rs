//! The latency of `POST /api/v1/policies/{id}/evaluate`: the server runs
//! in-process on 127.0.0.1 (a random port) over a temporary SQLite store, and
//! one client sends 200 warm-up and then 5,000 sequential requests (the
//! benchmark pack's E0000002, policy `hte`) over one keep-alive connection;
//! prints p50, p90, p99 and the maximum in milliseconds, and requests per
//! second.
//!
//! ```sh
//! cargo run --release -p zijin-server --example evaluate_latency
//! ```
//!
//! The issue's goal: p99 under 1 ms (OpenFisca's `/calculate` on the same
//! machine: p50 3.4–4.2 ms, p99 4.6–9.4 ms).

use std::time::{Duration, Instant};

use zijin_app::Zijin;
use zijin_store::SqliteStore;

const WARM_UP: usize = 200;
const REQUESTS: usize = 5_000;

fn body() -> String {
    serde_json::json!({
        "id": "E0000002",
        "once": {"registration_date": "2021-08-06"},
        "yearly": {
            "revenue": {"2020": "0", "2021": "6397952", "2022": "18513885", "2023": "26407013"},
            "rd_expense": {"2021": "540664", "2022": "1441410", "2023": "1589020"},
            "rd_expense_domestic": {"2021": "499124", "2022": "1362824", "2023": "1469488"},
            "high_tech_revenue": {"2023": "20904722"},
            "total_assets": {"2023": "21385973"},
            "employees": {"2023": 30},
            "st_staff": {"2023": 5},
            "ip_count": {"2024": 2},
            "innovation_score": {"2024": 76},
            "major_violation": {"2023": false}
        }
    })
    .to_string()
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    // The nearest-rank percentile.
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let address = runtime.block_on(async {
        let store = SqliteStore::open(&directory.path().join("zijin.db")).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        tokio::spawn(zijin_server::serve(Zijin::new(store), listener));
        Ok::<_, Box<dyn std::error::Error>>(address)
    })?;

    let url = format!("http://{address}/api/v1/policies/hte/evaluate?pack=benchmark-openfisca");
    let body = body();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_idle_connections_per_host(1)
        .build()
        .into();
    let send = || -> Result<String, Box<dyn std::error::Error>> {
        let mut response = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body.as_str())?;
        Ok(response.body_mut().read_to_string()?)
    };
    let first: serde_json::Value = serde_json::from_str(&send()?)?;
    assert_eq!(first["status"], "pass", "{first}");
    for _ in 0..WARM_UP {
        send()?;
    }
    let mut times = Vec::with_capacity(REQUESTS);
    let started = Instant::now();
    for _ in 0..REQUESTS {
        let start = Instant::now();
        send()?;
        times.push(start.elapsed());
    }
    let total = started.elapsed();
    times.sort();
    println!(
        "POST /api/v1/policies/hte/evaluate?pack=benchmark-openfisca: {REQUESTS} sequential requests over one keep-alive connection (after {WARM_UP} warm-up)"
    );
    println!(
        "p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms; {:.0} requests/s",
        percentile(&times, 0.50),
        percentile(&times, 0.90),
        percentile(&times, 0.99),
        times.last().map_or(0.0, |max| max.as_secs_f64() * 1000.0),
        REQUESTS as f64 / total.as_secs_f64()
    );
    runtime.shutdown_background();
    Ok(())
}
