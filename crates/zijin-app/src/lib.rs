//! Zijin's application layer: the use cases that the `zijin` binary (and, next,
//! the HTTP server) call. [`Zijin`] wraps a [`Store`] and orchestrates the
//! domain, the assessment engine and the exchange formats:
//! initialising the built-in plan ([`Zijin::init`]), loading plans and regions,
//! importing observation files all or nothing ([`Zijin::import_files`]),
//! writing reporting workbooks ([`Zijin::reporting_workbook`]), assessing
//! ([`Zijin::assess`]) and listing history ([`Zijin::history`]).
//! [`synthetic`] generates the labelled synthetic district and park data of the
//! demo, and [`demo`] builds the demo database.
//! [`registry`] imports and reads the enterprise registry
//! ([`Zijin::import_registry`], [`Zijin::registry`], [`Zijin::enterprise`]) and
//! computes the counts behind `high_tech_enterprises` and `tech_smes`
//! ([`Zijin::computed_counts`]); [`registry_synth`] generates the demo's
//! synthetic registry (合成数据).
//!
//! This crate never reads the clock: the time of an import or a plan load is an
//! argument (`now`), and so is the assessment date (`as_of`). It does not touch
//! the file system either; the binary reads the files and hands over bytes.

pub mod demo;
mod error;
pub mod evaluation;
pub mod monitor;
pub mod policy;
pub mod registry;
pub mod registry_synth;
pub mod synthetic;

use chrono::{DateTime, Months, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use zijin_assess::Assessment;
use zijin_domain::{
    IndicatorCode, Observation, ObservationRecord, Period, Plan, Region, RegionCode, SourceQuality,
};
use zijin_exchange::{ImportContext, LocatedObservation};
use zijin_store::{
    ImportBatch, ImportOutcome, ImportRecord, ObservationFilter, PlanSaved, RegionsSaved, Store,
    StoredPlan,
};

pub use error::{AppError, Result};
pub use evaluation::{Evaluation, EvaluationRun, ExitFlag, NodeInfo, RankUncertainty, UnitResult};
pub use registry::{BesideRow, ComputedBeside, ComputedCount, ComputedCounts, computed_counts};

/// One file handed to [`Zijin::import_files`]: its name (for messages and the
/// record) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Who and when, for everything that writes.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub now: DateTime<Utc>,
}

/// What [`Zijin::init`] did.
#[derive(Debug, Clone)]
pub struct InitReport {
    pub plan_code: String,
    pub plan: PlanSaved,
    pub regions: RegionsSaved,
}

/// What to assess; empty lists mean everything.
#[derive(Debug, Clone, Default)]
pub struct AssessQuery {
    pub as_of: Option<NaiveDate>,
    pub regions: Vec<RegionCode>,
    pub indicators: Vec<IndicatorCode>,
}

/// The assessments of the active plan at one date.
#[derive(Debug, Clone)]
pub struct AssessmentReport {
    pub plan: Plan,
    pub regions: Vec<Region>,
    pub as_of: NaiveDate,
    pub assessments: Vec<Assessment>,
}

/// The application: use cases over one store.
pub struct Zijin<S> {
    store: S,
}

impl<S: Store> Zijin<S> {
    pub fn new(store: S) -> Self {
        Zijin { store }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Loads the built-in Nanjing plan and its regions. Idempotent: running it
    /// again changes nothing unless the built-in files changed.
    pub async fn init(&self, actor: &Actor) -> Result<InitReport> {
        let regions = zijin_exchange::parse_regions(
            zijin_exchange::NANJING_REGIONS,
            "data/nanjing/regions.toml",
        )?;
        let regions_saved = self.store.save_regions(&regions).await?;
        let (plan, saved) = self
            .load_plan(
                zijin_exchange::NANJING_PLAN,
                "data/nanjing/plan.toml",
                actor,
            )
            .await?;
        Ok(InitReport {
            plan_code: plan.code.to_string(),
            plan: saved,
            regions: regions_saved,
        })
    }

    /// Parses, validates and stores a plan file, and makes it the active plan.
    /// The plan's own region must be known.
    pub async fn load_plan(
        &self,
        text: &str,
        file_name: &str,
        actor: &Actor,
    ) -> Result<(Plan, PlanSaved)> {
        let plan = zijin_exchange::parse_plan(text, file_name)?;
        let regions = self.store.regions().await?;
        let known = |code: &RegionCode| regions.iter().any(|region| &region.code == code);
        let mut unknown: Vec<String> = Vec::new();
        if !known(&plan.region) {
            unknown.push(format!("plan region {}", plan.region));
        }
        for indicator in &plan.indicators {
            for target in &indicator.region_targets {
                if !known(&target.region) {
                    unknown.push(format!(
                        "indicator {} region target {}",
                        indicator.code, target.region
                    ));
                }
            }
        }
        if !unknown.is_empty() {
            return Err(AppError::UnknownRegionsInPlan {
                file: file_name.to_owned(),
                regions: unknown,
            });
        }
        let saved = self.store.save_plan(&plan, text, actor.now).await?;
        Ok((plan, saved))
    }

    /// Parses and stores a regions file (adds new regions, updates names). A
    /// parent may be in the file or already stored.
    pub async fn load_regions(&self, text: &str, file_name: &str) -> Result<RegionsSaved> {
        let existing = self.store.regions().await?;
        let regions = zijin_exchange::parse_regions_extending(text, file_name, &existing)?;
        Ok(self.store.save_regions(&regions).await?)
    }

    /// The active plan, or an error telling the user to run `zijin init`.
    pub async fn active_plan(&self) -> Result<StoredPlan> {
        self.store.active_plan().await?.ok_or(AppError::NoPlan)
    }

    pub async fn regions(&self) -> Result<Vec<Region>> {
        Ok(self.store.regions().await?)
    }

    /// Reads and validates every file against the active plan and the stored
    /// regions, then writes all their observations in one transaction. Any
    /// problem in any file (including the same key twice, within or across
    /// files) means nothing is written, and every problem is reported.
    pub async fn import_files(
        &self,
        files: &[InputFile],
        actor: &Actor,
        default_source_quality: SourceQuality,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ImportOutcome> {
        let stored = self.active_plan().await?;
        let regions = self.store.regions().await?;
        let context = ImportContext {
            plan: &stored.plan,
            regions: &regions,
            default_source_quality,
        };
        let mut rows: Vec<LocatedObservation> = Vec::new();
        let mut problems = Vec::new();
        for file in files {
            let mut report = |done: u64, total: u64| progress(&file.name, done, total);
            match zijin_exchange::read_observations(&file.name, &file.bytes, &context, &mut report)
            {
                Ok(mut read) => rows.append(&mut read),
                Err(mut found) => problems.append(&mut found),
            }
        }
        problems.extend(zijin_exchange::find_duplicates(&rows));
        if !problems.is_empty() {
            return Err(AppError::InvalidInput { problems });
        }
        let batch = ImportBatch {
            files: files.iter().map(|file| file.name.clone()).collect(),
            digest: digest(files),
            imported_by: actor.name.clone(),
            imported_at: actor.now,
            observations: rows.into_iter().map(|row| row.observation).collect(),
        };
        Ok(self.store.import(&batch).await?)
    }

    /// The reporting workbook for one region and period, with the latest value
    /// before that period shown for reference.
    pub async fn reporting_workbook(&self, region: &RegionCode, period: Period) -> Result<Vec<u8>> {
        let stored = self.active_plan().await?;
        let plan = &stored.plan;
        let regions = self.store.regions().await?;
        let region = regions
            .iter()
            .find(|candidate| &candidate.code == region)
            .ok_or_else(|| AppError::UnknownRegion(region.clone()))?;
        if !plan.covers_year(period.year()) {
            return Err(AppError::PeriodOutsidePlan {
                period,
                base_year: plan.base_year,
                target_year: plan.target_year,
            });
        }
        let filter = ObservationFilter {
            indicators: Vec::new(),
            regions: vec![region.code.clone()],
        };
        let latest = self.store.latest_observations(&filter).await?;
        let previous = previous_values(latest.into_iter().map(|record| record.observation), period);
        Ok(zijin_exchange::write_reporting_workbook(
            plan, region, period, &previous,
        )?)
    }

    /// The assessment of the active plan. Without a date, the assessment is
    /// made at [`Zijin::default_as_of`].
    pub async fn assess(&self, query: &AssessQuery) -> Result<AssessmentReport> {
        let stored = self.active_plan().await?;
        let plan = stored.plan;
        let regions = self.store.regions().await?;
        for code in &query.regions {
            if !regions.iter().any(|region| &region.code == code) {
                return Err(AppError::UnknownRegion(code.clone()));
            }
        }
        for code in &query.indicators {
            if plan.indicator(code).is_none() {
                return Err(AppError::UnknownIndicator(code.clone()));
            }
        }
        let observations: Vec<Observation> = self
            .store
            .latest_observations(&ObservationFilter {
                indicators: query.indicators.clone(),
                regions: query.regions.clone(),
            })
            .await?
            .into_iter()
            .map(|record| record.observation)
            .collect();
        let as_of = match query.as_of {
            Some(date) => date,
            // The default date must not depend on which regions are asked
            // for: it also looks at the plan region's own figures.
            None if query.regions.is_empty() || query.regions.contains(&plan.region) => {
                default_as_of(&plan, &observations).ok_or(AppError::NoData)?
            }
            None => {
                let city = ObservationFilter {
                    indicators: query.indicators.clone(),
                    regions: vec![plan.region.clone()],
                };
                let mut both: Vec<Observation> = self
                    .store
                    .latest_observations(&city)
                    .await?
                    .into_iter()
                    .map(|record| record.observation)
                    .collect();
                both.extend(observations.iter().cloned());
                default_as_of(&plan, &both).ok_or(AppError::NoData)?
            }
        };
        let mut assessments = zijin_assess::assess_plan(&plan, &observations, as_of);
        assessments.retain(|assessment| {
            (query.regions.is_empty() || query.regions.contains(&assessment.region))
                && (query.indicators.is_empty() || query.indicators.contains(&assessment.indicator))
        });
        sort_by_region_order(&mut assessments, &plan, &regions);
        Ok(AssessmentReport {
            plan,
            regions,
            as_of,
            assessments,
        })
    }

    /// Every revision of every period of one indicator in one region.
    pub async fn history(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
    ) -> Result<Vec<ObservationRecord>> {
        let stored = self.active_plan().await?;
        if stored.plan.indicator(indicator).is_none() {
            return Err(AppError::UnknownIndicator(indicator.clone()));
        }
        if !self
            .store
            .regions()
            .await?
            .iter()
            .any(|candidate| &candidate.code == region)
        {
            return Err(AppError::UnknownRegion(region.clone()));
        }
        Ok(self.store.history(indicator, region).await?)
    }

    pub async fn imports(&self) -> Result<Vec<ImportRecord>> {
        Ok(self.store.imports().await?)
    }

    /// The latest revision of each observation that `filter` selects.
    pub async fn observations(&self, filter: &ObservationFilter) -> Result<Vec<ObservationRecord>> {
        Ok(self.store.latest_observations(filter).await?)
    }

    /// One indicator in one region at `as_of`: its assessment and the lines
    /// of its trajectory chart.
    pub async fn trajectory(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
        as_of: NaiveDate,
    ) -> Result<zijin_assess::Trajectory> {
        let plan = self.active_plan().await?.plan;
        let Some(definition) = plan.indicator(indicator) else {
            return Err(AppError::UnknownIndicator(indicator.clone()));
        };
        if !self
            .store
            .regions()
            .await?
            .iter()
            .any(|candidate| &candidate.code == region)
        {
            return Err(AppError::UnknownRegion(region.clone()));
        }
        let observations: Vec<Observation> = self
            .store
            .latest_observations(&ObservationFilter {
                indicators: vec![indicator.clone()],
                regions: vec![region.clone()],
            })
            .await?
            .into_iter()
            .map(|record| record.observation)
            .collect();
        let subject = zijin_assess::Subject {
            plan: &plan,
            indicator: definition,
            region,
            observations: &observations,
        };
        Ok(zijin_assess::trajectory(&subject, as_of))
    }

    /// Which region has reported which year, at `as_of` (by default the date
    /// [`Zijin::assess`] would use).
    pub async fn reporting_status(
        &self,
        as_of: Option<NaiveDate>,
    ) -> Result<monitor::ReportingStatus> {
        let plan = self.active_plan().await?.plan;
        let regions = self.store.regions().await?;
        let observations: Vec<Observation> = self
            .store
            .latest_observations(&ObservationFilter::default())
            .await?
            .into_iter()
            .map(|record| record.observation)
            .collect();
        let as_of = match as_of {
            Some(date) => date,
            None => default_as_of(&plan, &observations).ok_or(AppError::NoData)?,
        };
        Ok(monitor::reporting_status(
            &plan,
            &regions,
            &observations,
            as_of,
        ))
    }
}

/// The date an assessment is made at when none is given: the end of the
/// latest full year observed for any assessed indicator, plus the plan's
/// reporting lag (when that year's figures are due). `None` without data.
pub fn default_as_of(plan: &Plan, observations: &[Observation]) -> Option<NaiveDate> {
    let latest_year = observations
        .iter()
        .filter(|observation| {
            plan.indicator(&observation.indicator)
                .is_some_and(|indicator| !indicator.is_auxiliary())
                && observation.period.is_full_year()
        })
        .map(|observation| observation.period.year())
        .max()?;
    let year_end = Period::Year(latest_year).end_date();
    year_end.checked_add_months(Months::new(plan.thresholds.reporting_lag_months))
}

/// For each indicator, the latest observation of a period that ends before `period` starts.
fn previous_values(
    observations: impl Iterator<Item = Observation>,
    period: Period,
) -> Vec<Observation> {
    let mut latest: Vec<Observation> = Vec::new();
    for observation in observations {
        if observation.period.end_date() >= period.end_date() || observation.period >= period {
            continue;
        }
        match latest
            .iter_mut()
            .find(|kept| kept.indicator == observation.indicator)
        {
            Some(kept) if kept.period < observation.period => *kept = observation,
            Some(_) => {}
            None => latest.push(observation),
        }
    }
    latest
}

/// Orders assessments by the plan's indicator order, then the regions' stored
/// order (the city, its districts, functional areas, the zone, its parks).
fn sort_by_region_order(assessments: &mut [Assessment], plan: &Plan, regions: &[Region]) {
    let indicator_position = |code: &IndicatorCode| {
        plan.indicators
            .iter()
            .position(|indicator| &indicator.code == code)
            .unwrap_or(usize::MAX)
    };
    let region_position = |code: &RegionCode| {
        if code == &plan.region {
            return 0;
        }
        regions
            .iter()
            .position(|region| &region.code == code)
            .map_or(usize::MAX, |position| position + 1)
    };
    assessments.sort_by_key(|assessment| {
        (
            indicator_position(&assessment.indicator),
            region_position(&assessment.region),
        )
    });
}

fn digest(files: &[InputFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update((file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
