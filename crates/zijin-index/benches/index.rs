//! The index engine at scale: one build of a synthetic index with the ASEM
//! shape (48 indicators in 8 pillars, 2 sub-indices, 1 index; 2% missing,
//! skewed values) for a city's, a province's and a nation's number of units
//! (parks, institutions, enterprises), through COINr's example pipeline.
//! The data are synthetic, generated here with a fixed seed.
//!
//! `cargo bench -p zijin-index --bench index`

use divan::Bencher;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zijin_index::{
    AggregateMethod, AggregateSpec, Dataset, Framework, ImputeMethod, ImputeSpec, MetaRow,
    NormaliseMethod, NormaliseSpec, Pipeline, RowType, ScreenSpec, Spec, TreatSpec,
};

fn main() {
    divan::main();
}

fn row(row: usize, level: u32, code: &str, parent: Option<&str>, kind: RowType) -> MetaRow {
    MetaRow {
        row,
        level: Some(level),
        code: code.into(),
        name: code.into(),
        direction: Some(if row.is_multiple_of(5) { -1.0 } else { 1.0 }),
        weight: Some(1.0),
        unit: None,
        target: None,
        denominator: None,
        parent: parent.map(Into::into),
        row_type: kind,
        extra: vec![],
    }
}

fn framework() -> Framework {
    let mut rows = Vec::new();
    for i in 0..48 {
        let pillar = format!("P{}", i / 6);
        rows.push(row(
            i + 2,
            1,
            &format!("I{i}"),
            Some(&pillar),
            RowType::Indicator,
        ));
    }
    for p in 0..8 {
        let sub = if p < 4 { "S0" } else { "S1" };
        rows.push(row(
            60 + p,
            2,
            &format!("P{p}"),
            Some(sub),
            RowType::Aggregate,
        ));
    }
    rows.push(row(70, 3, "S0", Some("Index"), RowType::Aggregate));
    rows.push(row(71, 3, "S1", Some("Index"), RowType::Aggregate));
    rows.push(row(72, 4, "Index", None, RowType::Aggregate));
    rows.push(MetaRow {
        level: None,
        ..row(73, 1, "Region_group", None, RowType::Group)
    });
    Framework::from_rows(&rows).unwrap()
}

fn dataset(framework: &Framework, units: usize) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let columns = framework
        .indicator_codes()
        .into_iter()
        .map(|code| {
            let values = (0..units)
                .map(|_| {
                    if rng.random::<f64>() < 0.02 {
                        f64::NAN
                    } else {
                        // Skewed: exp of a uniform, with an occasional outlier.
                        let v: f64 = (rng.random::<f64>() * 3.0).exp();
                        if rng.random::<f64>() < 0.01 {
                            v * 20.0
                        } else {
                            v
                        }
                    }
                })
                .collect();
            (code, values)
        })
        .collect();
    Dataset {
        codes: (0..units).map(|u| format!("U{u}")).collect(),
        names: (0..units)
            .map(|u| format!("Unit {u} (synthetic)"))
            .collect(),
        times: None,
        groups: vec![(
            "Region_group".into(),
            (0..units).map(|u| Some(format!("R{}", u % 13))).collect(),
        )],
        columns,
    }
}

fn spec() -> Spec {
    Spec {
        order: None,
        impute_panel: None,
        denominate: None,
        impute: Some(ImputeSpec {
            method: ImputeMethod::MeanByGroup,
            group: Some("Region_group".into()),
        }),
        screen: Some(ScreenSpec {
            min_availability: 0.9,
            min_nonzero: None,
            force_include: vec![],
            force_exclude: vec![],
        }),
        treat: Some(TreatSpec {
            winmax: 5,
            skew: 2.0,
            kurtosis: 3.5,
            fallback: Default::default(),
            exclude: vec![],
        }),
        normalise: Some(NormaliseSpec {
            method: NormaliseMethod::Minmax,
            range: Some([0.0, 100.0]),
            mean_sd: None,
            bounds: None,
            factor: None,
            reference: None,
            cap: None,
            posts: None,
        }),
        aggregate: Some(AggregateSpec {
            method: AggregateMethod::Arithmetic,
            p: None,
            min_availability: 0.0,
            by_group: Default::default(),
        }),
    }
}

/// One build, every stage kept.
#[divan::bench(args = [1_000, 100_000, 1_000_000], sample_count = 5)]
fn build(bencher: Bencher, units: usize) {
    let framework = framework();
    let data = dataset(&framework, units);
    let spec = spec();
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    bencher.bench(|| pipeline.run().unwrap());
}
