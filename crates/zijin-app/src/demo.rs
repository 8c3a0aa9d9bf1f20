//! The demo: a database with the built-in Nanjing plan, the published city
//! figures, and synthetic district and park data, assessed at a date where
//! data exists; the built-in evaluation frameworks (parks, new R&D
//! institutions) run on every year of their synthetic data; and a synthetic
//! enterprise registry (合成数据, [`registry_synth`]) of
//! [`registry_synth::REGISTRY_SIZE`] enterprises.

use zijin_domain::{Observation, SourceQuality};
use zijin_store::{
    ImportBatch, ImportOutcome, ObservationFilter, RegistryBatch, RegistryOutcome, Store,
};

use crate::{
    Actor, AssessQuery, AssessmentReport, EvaluationRun, InitReport, InputFile, Result, Zijin,
    registry_synth, synthetic,
};

/// The name under which the built-in published figures are imported.
pub const PUBLISHED_FILE_NAME: &str = "data/nanjing/observations-published.csv";

/// Who the demo's imports are recorded as.
pub const DEMO_ACTOR: &str = "zijin demo";

/// What [`build`] did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub init: InitReport,
    pub published: ImportOutcome,
    pub synthetic: ImportOutcome,
    pub synthetic_rows: usize,
    pub assessment: AssessmentReport,
    /// The evaluation runs made (none when the database already had some).
    pub evaluations: Vec<EvaluationRun>,
    /// The synthetic enterprise registry's import (nothing written when the
    /// database already had enterprises).
    pub registry: RegistryOutcome,
    /// The default pack's run over the registry (none when the database
    /// already had policy runs).
    pub policy_run: Option<crate::policy::PolicyRunSummary>,
}

/// Loads the plan and regions, imports the published figures, generates and
/// imports the synthetic district and park data, and assesses the whole plan
/// at the default date, and runs the built-in evaluation frameworks on every
/// year of their data (with the frameworks' own uncertainty settings, 1,000
/// draws). Idempotent: on a database that already holds the demo,
/// nothing new is written.
pub async fn build<S: Store>(app: &Zijin<S>, actor: &Actor) -> Result<DemoReport> {
    let init = app.init(actor).await?;
    let published_file = InputFile {
        name: PUBLISHED_FILE_NAME.to_owned(),
        bytes: zijin_exchange::NANJING_PUBLISHED.to_vec(),
    };
    let published = app
        .import_files(
            &[published_file],
            actor,
            SourceQuality::Official,
            &mut |_, _, _| {},
        )
        .await?;

    let plan = app.active_plan().await?.plan;
    let regions = app.regions().await?;
    let city = ObservationFilter {
        indicators: Vec::new(),
        regions: vec![plan.region.clone()],
    };
    let city_observations: Vec<Observation> = app
        .store()
        .latest_observations(&city)
        .await?
        .into_iter()
        .map(|record| record.observation)
        .collect();
    let generated = synthetic::generate(&plan, &regions, &city_observations, synthetic::DEMO_SEED);
    let synthetic_rows = generated.len();
    let batch = ImportBatch {
        files: vec![format!("synthetic:seed={}", synthetic::DEMO_SEED)],
        digest: format!("synthetic-v1-seed-{}", synthetic::DEMO_SEED),
        imported_by: format!("{} (synthetic)", actor.name),
        imported_at: actor.now,
        observations: generated,
    };
    let synthetic = app.store().import(&batch).await?;
    let assessment = app.assess(&AssessQuery::default()).await?;
    let evaluations = if app.store().evaluation_runs().await?.is_empty() {
        app.run_evaluations(None, None, None, actor).await?
    } else {
        Vec::new()
    };
    let registry = if app.store().enterprise_count().await? == 0 {
        synthetic_registry(app, actor).await?
    } else {
        RegistryOutcome::default()
    };
    // 免申即享: the default pack over the registry, once.
    let policy_run = if app.policy_runs().await?.is_empty() {
        let (pack, builtin) = crate::policy::builtin_pack("default")?;
        let options = zijin_policy::eval::Options::period(DEMO_POLICY_PERIOD);
        Some(
            app.run_policies(&pack, builtin.text, &options, actor.now)
                .await?,
        )
    } else {
        None
    };
    Ok(DemoReport {
        init,
        published,
        synthetic,
        synthetic_rows,
        assessment,
        evaluations,
        registry,
        policy_run,
    })
}

/// The period of the demo's policy run: applications in 2024, on the
/// accounts of 2023 (the synthetic registry holds 2019–2024).
pub const DEMO_POLICY_PERIOD: i32 = 2024;

/// Generates the synthetic registry in the stored districts and parks and
/// imports it in one transaction, straight into the store (the files' checks
/// are for people's files).
async fn synthetic_registry<S: Store>(app: &Zijin<S>, actor: &Actor) -> Result<RegistryOutcome> {
    let regions = app.regions().await?;
    let data = registry_synth::generate(
        &regions,
        registry_synth::REGISTRY_SIZE,
        registry_synth::REGISTRY_SEED,
    );
    let batch = RegistryBatch {
        files: vec![format!(
            "synthetic:registry:seed={}:size={}",
            registry_synth::REGISTRY_SEED,
            registry_synth::REGISTRY_SIZE
        )],
        digest: format!(
            "synthetic-registry-v1-seed-{}-size-{}",
            registry_synth::REGISTRY_SEED,
            registry_synth::REGISTRY_SIZE
        ),
        imported_by: format!("{} (synthetic)", actor.name),
        imported_at: actor.now,
        enterprises: data.enterprises,
        facts_and_labels: data.facts_and_labels,
    };
    Ok(app.store().save_registry(&batch).await?)
}
