//! Builds the demo database in a temporary folder, gathers the bulletin for a
//! year and writes it as HTML, XLSX and PDF, timing each step.
//!
//! ```text
//! cargo run --release -p zijin-report --example bulletin -- [YEAR] [zh|en] [OUTPUT_FOLDER]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use zijin_app::{Actor, Zijin, demo};
use zijin_domain::Lang;
use zijin_store::SqliteStore;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let year: i32 = arguments.next().map_or(Ok(2024), |year| year.parse())?;
    let lang: Lang = arguments.next().map_or(Ok(Lang::Zh), |lang| lang.parse())?;
    let output = arguments.next().map_or_else(
        || std::env::temp_dir().join("zijin-bulletin"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&output)?;

    let started = Instant::now();
    let engine = zijin_report::PdfEngine::new()?;
    println!("PDF engine (fonts loaded): {:?}", started.elapsed());

    let directory = tempfile::tempdir()?;
    let store = SqliteStore::open(&directory.path().join("demo.db")).await?;
    let app = Zijin::new(store);
    let actor = Actor {
        name: demo::DEMO_ACTOR.to_owned(),
        now: Utc.with_ymd_and_hms(2025, 5, 6, 7, 8, 9).unwrap(),
    };
    let started = Instant::now();
    demo::build(&app, &actor).await?;
    println!("demo database: {:?}", started.elapsed());

    let started = Instant::now();
    let bulletin = zijin_report::gather(&app, year, lang).await?;
    println!("gather {year} ({lang}): {:?}", started.elapsed());

    let started = Instant::now();
    let html = zijin_report::html(&bulletin);
    println!("HTML: {:?}, {} bytes", started.elapsed(), html.len());
    std::fs::write(output.join(format!("bulletin-{year}-{lang}.html")), html)?;

    let started = Instant::now();
    let xlsx = zijin_report::xlsx(&bulletin)?;
    println!("XLSX: {:?}, {} bytes", started.elapsed(), xlsx.len());
    std::fs::write(output.join(format!("bulletin-{year}-{lang}.xlsx")), xlsx)?;

    // The first render of a bulletin lays everything out; typst memoizes,
    // so renders of the same bulletin after it are faster. A bulletin in the
    // other language shows the cost of new content on a warm engine.
    let mut pdf = Vec::new();
    for run in 1..=5 {
        let started = Instant::now();
        pdf = engine.render(&bulletin)?;
        println!(
            "PDF render {run}: {:?}, {} bytes",
            started.elapsed(),
            pdf.len()
        );
    }
    let other_lang = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let other = zijin_report::gather(&app, year, other_lang).await?;
    let started = Instant::now();
    let other_pdf = engine.render(&other)?;
    println!(
        "PDF render of the {other_lang} bulletin on the warm engine: {:?}, {} bytes",
        started.elapsed(),
        other_pdf.len()
    );
    let path = output.join(format!("bulletin-{year}-{lang}.pdf"));
    std::fs::write(&path, pdf)?;
    println!("written to {}", output.display());
    Ok(())
}
