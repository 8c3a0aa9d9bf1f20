//! How long the engine takes to assess a whole plan: every indicator for a
//! given number of regions, each with yearly values for 2020–2024.
//! Run with `cargo bench -p zijin-assess`; figures are in BENCHMARKS.md.

use chrono::NaiveDate;
use zijin_domain::{
    Baseline, Binding, Direction, Indicator, IndicatorCode, Kind, Measure, Observation, Period,
    Plan, PlanCode, Qualifier, RegionCode, SourceQuality, Target, Thresholds,
};

fn main() {
    divan::main();
}

/// A plan shaped like Nanjing's: 21 assessed indicators, mostly levels, two
/// cumulative and one growth target.
fn plan() -> Plan {
    let indicators = (0..21)
        .map(|i| {
            let kind = match i {
                1 => Kind::Growth,
                10 | 11 => Kind::Cumulative,
                _ => Kind::Level,
            };
            let (baseline, target) = match kind {
                Kind::Growth => (
                    Some(Baseline {
                        year: 2020,
                        value: 500.0,
                    }),
                    Target::value(2025, 10.0),
                ),
                Kind::Cumulative => (None, Target::value(2025, 3000.0)),
                Kind::Level => (
                    Some(Baseline {
                        year: 2020,
                        value: 100.0,
                    }),
                    Target::value(2025, 180.0),
                ),
            };
            Indicator {
                code: IndicatorCode::new(&format!("indicator_{i:02}")).unwrap(),
                name_zh: format!("指标{i}"),
                name_en: format!("Indicator {i}"),
                unit: "u".to_owned(),
                direction: Direction::Higher,
                kind,
                measure: if kind == Kind::Level {
                    Measure::Stock
                } else {
                    Measure::Flow
                },
                binding: Binding::Expected,
                department: None,
                section: "bench".to_owned(),
                baseline,
                target: Some(target),
                region_targets: Vec::new(),
                note: None,
            }
        })
        .collect();
    Plan {
        code: PlanCode::new("bench").unwrap(),
        name_zh: "基准".to_owned(),
        name_en: "Bench".to_owned(),
        region: RegionCode::new("city").unwrap(),
        base_year: 2020,
        target_year: 2025,
        document: None,
        thresholds: Thresholds::default(),
        indicators,
    }
}

fn observations(plan: &Plan, regions: usize) -> Vec<Observation> {
    let mut observations = Vec::new();
    for region in 0..regions {
        let code = RegionCode::new(&format!("R{region:07}")).unwrap();
        for (i, indicator) in plan.indicators.iter().enumerate() {
            for year in 2020..=2024 {
                let growth = 1.0 + 0.03 + 0.002 * ((region * 7 + i * 3) % 50) as f64;
                let value = 100.0 * growth.powi(year - 2020) * (1.0 + (region % 13) as f64 / 100.0);
                observations.push(Observation {
                    indicator: indicator.code.clone(),
                    region: code.clone(),
                    period: Period::Year(year),
                    value,
                    qualifier: Qualifier::Exact,
                    unit: "u".to_owned(),
                    source: "bench".to_owned(),
                    source_quality: SourceQuality::Synthetic,
                    note: None,
                });
            }
        }
    }
    observations
}

#[divan::bench(args = [100, 1_000, 10_000], sample_count = 10)]
fn assess_plan(bencher: divan::Bencher, regions: usize) {
    let plan = plan();
    let observations = observations(&plan, regions);
    let as_of = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
    bencher
        .counter(divan::counter::ItemsCount::new(
            regions * plan.indicators.len(),
        ))
        .bench(|| {
            zijin_assess::assess_plan(
                divan::black_box(&plan),
                divan::black_box(&observations),
                as_of,
            )
        });
}
