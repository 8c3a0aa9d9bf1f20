//! Snapshots of the bulletin's text: the summary and every table, as plain
//! text, for the demo's 2023 and 2024 bulletins in both languages.

use std::fmt::Write as _;

use zijin_domain::Lang;
use zijin_report::Bulletin;

use crate::{bulletin, demo_app, published_app};

/// The bulletin as text: the summary, then each table one row a line.
pub fn as_text(bulletin: &Bulletin) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", bulletin.title);
    let _ = writeln!(
        out,
        "{} ({}); previous {} ({})",
        bulletin.date, bulletin.date_text, bulletin.previous_date, bulletin.previous_date_text
    );
    let _ = writeln!(out, "\n## summary\n{}", bulletin.summary.paragraph);
    let _ = writeln!(out, "counts: {:?}", bulletin.summary.counts);
    for mover in &bulletin.summary.movers {
        let _ = writeln!(
            out,
            "mover {}: {:?} -> {:?} ({:?} points), {:?} -> {:?}: {}",
            mover.indicator,
            mover.completion_before,
            mover.completion_now,
            mover.change_points,
            mover.status_before,
            mover.status_now,
            mover.text
        );
    }
    let _ = writeln!(
        out,
        "without a figure for the year: {:?}",
        bulletin.summary.without_year_figure
    );
    let _ = writeln!(
        out,
        "without any figure: {:?}",
        bulletin.summary.without_any_figure
    );
    let _ = writeln!(out, "\n## status");
    for row in &bulletin.status {
        let _ = writeln!(
            out,
            "{} | {} | {} | {} ({:?}) | {} {} | {} | {} | {} | {:?} | {} | {} | {} | {} | {}{}",
            row.indicator,
            row.name,
            row.unit,
            row.baseline_text,
            row.baseline_year,
            row.latest_text,
            row.latest_period.as_deref().unwrap_or("-"),
            row.target_text,
            row.progress_text,
            row.growth_ratio_text,
            row.gap_points,
            row.time_status_text,
            row.growth_status_text,
            row.projection_status_text,
            row.light_text,
            row.source_quality.map_or("-", |quality| quality.as_str()),
            if row.synthetic { " (synthetic)" } else { "" },
        );
    }
    let _ = writeln!(out, "\n## charts");
    for chart in &bulletin.charts {
        let _ = writeln!(
            out,
            "{}: {} ({} bytes of SVG)",
            chart.indicator,
            chart.caption,
            chart.svg.len()
        );
    }
    for table in &bulletin.rankings {
        let _ = writeln!(out, "\n## {}", table.title);
        if let Some(remark) = &table.remark {
            let _ = writeln!(out, "> {remark}");
        }
        for row in &table.rows {
            let _ = writeln!(
                out,
                "{:?} {:?} | {} {} | {} | {:?} | {:?} | {}/{}/{}{}",
                row.rank_by_growth_ratio,
                row.rank_by_completion,
                row.region,
                row.name,
                row.assessed,
                row.median_growth_ratio,
                row.median_completion,
                row.green,
                row.yellow,
                row.red,
                if row.synthetic { " (synthetic)" } else { "" },
            );
        }
    }
    let warnings = &bulletin.warnings;
    let _ = writeln!(
        out,
        "\n## warnings: {} red, {} yellow",
        warnings.red, warnings.yellow
    );
    if let Some(remark) = &warnings.remark {
        let _ = writeln!(out, "> {remark}");
    }
    for row in &warnings.rows {
        let _ = writeln!(
            out,
            "{} | {} {} ({}) | {} | {} | {:?} | {}{}",
            row.light_text,
            row.region,
            row.region_name,
            row.region_kind_text,
            row.indicator_name,
            row.time_status_text,
            row.gap_points,
            row.reason,
            if row.synthetic { " (synthetic)" } else { "" },
        );
    }
    let _ = writeln!(out, "\n## sources");
    for row in &bulletin.sources {
        let _ = writeln!(
            out,
            "{} | {} | {} values | {} regions | {}–{}",
            row.source, row.quality_text, row.values, row.regions, row.first_year, row.last_year
        );
    }
    let _ = writeln!(out, "\n## notes");
    for note in &bulletin.notes {
        let _ = writeln!(out, "- {note}");
    }
    out
}

#[tokio::test]
async fn demo_bulletins_as_text() {
    let (_directory, app) = demo_app().await;
    for (year, lang) in [
        (2023, Lang::Zh),
        (2023, Lang::En),
        (2024, Lang::Zh),
        (2024, Lang::En),
    ] {
        let bulletin = bulletin(&app, year, lang).await;
        insta::assert_snapshot!(format!("demo_{year}_{lang}"), as_text(&bulletin));
    }
}

#[tokio::test]
async fn published_figures_only_as_text() {
    let (_directory, app) = published_app().await;
    let bulletin = bulletin(&app, 2022, Lang::Zh).await;
    insta::assert_snapshot!("published_2022_zh", as_text(&bulletin));
}
