//! The ASEM index side by side with COINr (`scripts/bench-coinr/asem.R`):
//! one build of COINr's example pipeline, and the uncertainty analysis of
//! COINr's sensitivity vignette (`examples/asem/uncertainty.toml`) at 1,000
//! runs. Figures and COINr's are in BENCHMARKS.md.
//!
//! `cargo bench -p zijin-exchange --bench index_asem`

use std::path::PathBuf;

use divan::Bencher;
use zijin_exchange::{parse_index_spec, parse_index_toml, read_framework, read_index_data};
use zijin_index::{AnalysisSpec, Dataset, Framework, Pipeline, Spec, analyse};

fn main() {
    divan::main();
}

fn inputs() -> (Framework, Dataset, Spec, AnalysisSpec) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("data/coinr-asem");
    let framework = read_framework(
        "iMeta.csv",
        &std::fs::read(shared.join("iMeta.csv")).unwrap(),
    )
    .unwrap();
    let data = read_index_data(
        "iData.csv",
        &std::fs::read(shared.join("iData.csv")).unwrap(),
        &framework,
    )
    .unwrap();
    let spec = parse_index_spec(
        "pipeline.toml",
        &std::fs::read_to_string(root.join("examples/asem/pipeline.toml")).unwrap(),
    )
    .unwrap();
    let analysis = parse_index_toml(
        "uncertainty.toml",
        &std::fs::read_to_string(root.join("examples/asem/uncertainty.toml")).unwrap(),
    )
    .unwrap();
    (framework, data, spec, analysis)
}

/// Reading iMeta and iData, checking them and building every stage.
#[divan::bench]
fn read_and_build(bencher: Bencher) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/coinr-asem");
    let meta = std::fs::read(root.join("iMeta.csv")).unwrap();
    let data = std::fs::read(root.join("iData.csv")).unwrap();
    let (_, _, spec, _) = inputs();
    bencher.bench(|| {
        let framework = read_framework("iMeta.csv", &meta).unwrap();
        let data = read_index_data("iData.csv", &data, &framework).unwrap();
        Pipeline::new(&framework, &data, &spec)
            .unwrap()
            .run()
            .unwrap()
    });
}

/// One build, every stage kept (COINr: `build_example_coin`).
#[divan::bench]
fn build(bencher: Bencher) {
    let (framework, data, spec, _) = inputs();
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    bencher.bench(|| pipeline.run().unwrap());
}

/// The vignette's uncertainty analysis, 1,000 runs on all cores
/// (COINr: `get_sensitivity(SA_type = "UA", N = 1000)`).
#[divan::bench(sample_count = 20)]
fn uncertainty_1000(bencher: Bencher) {
    let (framework, data, spec, analysis) = inputs();
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    bencher.bench(|| analyse(&pipeline, &analysis, 1000, 1).unwrap());
}

/// The same as a sensitivity analysis with N = 100 (600 builds; COINr's SA run).
#[divan::bench(sample_count = 20)]
fn sensitivity_100(bencher: Bencher) {
    let (framework, data, spec, mut analysis) = inputs();
    analysis.kind = zijin_index::AnalysisKind::Sensitivity;
    analysis.bootstrap = Some(100);
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    bencher.bench(|| analyse(&pipeline, &analysis, 100, 1).unwrap());
}

/// 1,000 full rebuilds on one thread, with no reuse between runs (each run
/// denominates, imputes, screens, treats, normalises and aggregates, as
/// COINr's `Regen` does): what the analysis would cost without its cache.
#[divan::bench(sample_count = 5)]
fn full_rebuilds_1000_one_thread(bencher: Bencher) {
    let (framework, data, spec, analysis) = inputs();
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    let normalisers = analysis.normalise.unwrap().alternatives;
    let aggregations = analysis.aggregate.unwrap().alternatives;
    let specs: Vec<Spec> = (0..1000)
        .map(|i| {
            let mut s = spec.clone();
            s.treat.as_mut().unwrap().winmax = 1 + i % 5;
            s.normalise = Some(normalisers[i % 2].clone());
            s.aggregate = Some(aggregations[(i / 2) % 2].clone());
            s
        })
        .collect();
    bencher.bench(|| {
        for s in &specs {
            zijin_index::ranks_for(&pipeline, s, &[], "Index").unwrap();
        }
    });
}
