//! The state shared by the handlers: the application and what is worth
//! keeping between requests.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::NaiveDate;
use zijin_app::policy::NearMissRecord;
use zijin_app::{AssessQuery, AssessmentReport, ComputedBeside, Zijin};
use zijin_domain::{Enterprise, IndicatorCode, Observation, Plan, Region, Uscc};
use zijin_report::PdfEngine;
use zijin_store::{EntitlementRecord, FactYears, ObservationFilter, RegistryFilter, Store};

use crate::error::ApiError;

pub(crate) struct AppState<S> {
    pub app: Zijin<S>,
    /// The built-in policy packs, parsed once at startup.
    pub packs: crate::policy_api::Packs,
    /// The PDF engine, built on the first PDF asked for (loading the fonts
    /// takes a moment) and shared by every request after it.
    pdf: tokio::sync::OnceCell<Arc<PdfEngine>>,
    /// The latest assessment snapshots, newest last.
    cache: Mutex<Vec<Arc<Snapshot>>>,
    /// The data version and when it was last read from the store.
    checked: Mutex<Option<(Instant, Arc<DataVersion>)>>,
    /// The latest stored policy runs read, newest last (a stored run never
    /// changes: runs are only added).
    runs: Mutex<Vec<Arc<RunData>>>,
    /// The registry's enterprises (without facts) and the registry import
    /// they were read after.
    registry: Mutex<Option<(Option<i64>, Arc<Enterprises>)>>,
    /// The registry's counts beside the reported figures: the year, the
    /// registry import and the data version they were computed for.
    computed: Mutex<Option<(ComputedKey, Arc<ComputedBeside>)>>,
}

/// What the computed counts depend on: the year, the latest registry
/// import, and the observations' version.
type ComputedKey = (i32, Option<i64>, Arc<DataVersion>);

/// The registry's enterprises by credit code.
pub(crate) type Enterprises = HashMap<Uscc, Enterprise>;

/// What the policy pages show of a stored run.
pub(crate) struct RunData {
    pub run_id: i64,
    /// The eligible enterprises and policies (explanations left in the store).
    pub entitlements: Vec<EntitlementRecord>,
    /// Closest first.
    pub near_misses: Vec<NearMissRecord>,
}

/// How many stored runs the policy pages keep read.
const CACHED_RUNS: usize = 4;

impl<S: Store + 'static> AppState<S> {
    pub fn new(app: Zijin<S>) -> AppState<S> {
        AppState {
            app,
            packs: crate::policy_api::Packs::load(),
            pdf: tokio::sync::OnceCell::new(),
            cache: Mutex::new(Vec::new()),
            checked: Mutex::new(None),
            runs: Mutex::new(Vec::new()),
            registry: Mutex::new(None),
            computed: Mutex::new(None),
        }
    }

    /// [`Zijin::computed_beside_reported`] for `year`, computed again only
    /// after a registry import or new observations.
    pub async fn computed_beside_reported(
        &self,
        year: i32,
    ) -> Result<Arc<ComputedBeside>, ApiError> {
        let key: ComputedKey = (
            year,
            self.latest_registry_import().await?,
            self.data_version().await?,
        );
        {
            let computed = self.computed.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((kept, beside)) = computed.as_ref()
                && *kept == key
            {
                return Ok(Arc::clone(beside));
            }
        }
        let beside = Arc::new(self.app.computed_beside_reported(year).await?);
        *self.computed.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((key, Arc::clone(&beside)));
        Ok(beside)
    }

    async fn latest_registry_import(&self) -> Result<Option<i64>, ApiError> {
        Ok(self
            .app
            .store()
            .registry_imports()
            .await
            .map_err(zijin_app::AppError::from)?
            .iter()
            .map(|import| import.id)
            .max())
    }

    /// The entitlements and near misses of stored run `run_id`, read from
    /// the store once.
    pub async fn run_data(&self, run_id: i64) -> Result<Arc<RunData>, ApiError> {
        {
            let runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(data) = runs.iter().find(|data| data.run_id == run_id) {
                return Ok(Arc::clone(data));
            }
        }
        let mut entitlements = self.app.entitlements(run_id, None).await?;
        for entitlement in &mut entitlements {
            entitlement.explanation = String::new();
        }
        let near_misses = self.app.near_misses(run_id, None).await?;
        let data = Arc::new(RunData {
            run_id,
            entitlements,
            near_misses,
        });
        let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        runs.retain(|kept| kept.run_id != run_id);
        if runs.len() >= CACHED_RUNS {
            runs.remove(0);
        }
        runs.push(Arc::clone(&data));
        Ok(data)
    }

    /// The registry's enterprises without their facts, by credit code; read
    /// again only after a new registry import.
    pub async fn registry(&self) -> Result<Arc<Enterprises>, ApiError> {
        let latest = self.latest_registry_import().await?;
        {
            let registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((read_after, enterprises)) = registry.as_ref()
                && *read_after == latest
            {
                return Ok(Arc::clone(enterprises));
            }
        }
        let enterprises: Enterprises = self
            .app
            .registry(&RegistryFilter {
                facts: FactYears::None,
            })
            .await?
            .into_iter()
            .map(|entry| (entry.enterprise.uscc.clone(), entry.enterprise))
            .collect();
        let enterprises = Arc::new(enterprises);
        *self.registry.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((latest, Arc::clone(&enterprises)));
        Ok(enterprises)
    }

    /// The shared PDF engine. Without the fonts it is not built, and the next
    /// request tries again (the fonts may have been installed since).
    pub async fn pdf_engine(&self) -> Result<Arc<PdfEngine>, ApiError> {
        self.pdf
            .get_or_try_init(|| async {
                tokio::task::spawn_blocking(PdfEngine::new)
                    .await
                    .map_err(|error| {
                        ApiError::internal(format!("building the PDF engine: {error}"))
                    })?
                    .map(Arc::new)
                    .map_err(crate::bulletin::report_error)
            })
            .await
            .cloned()
    }

    /// The assessment of the whole active plan (every indicator, every
    /// region) at `as_of`, or at the default date, with what the pages and
    /// the API derive from it. Cached: a snapshot is reused while the data
    /// version (imports, active plan, regions) is unchanged.
    pub async fn report(&self, as_of: Option<NaiveDate>) -> Result<Arc<Snapshot>, ApiError> {
        let version = self.data_version().await?;
        {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(snapshot) = cache
                .iter()
                .find(|snapshot| snapshot.asked_as_of == as_of && snapshot.version == version)
            {
                return Ok(Arc::clone(snapshot));
            }
        }
        let report = self
            .app
            .assess(&AssessQuery {
                as_of,
                regions: Vec::new(),
                indicators: Vec::new(),
            })
            .await?;
        let records = self
            .app
            .observations(&ObservationFilter {
                indicators: Vec::new(),
                regions: vec![report.plan.region.clone()],
            })
            .await?;
        let city_series = series(
            &report.plan,
            records.iter().map(|record| &record.observation),
            report.as_of,
        );
        let snapshot = Arc::new(Snapshot {
            asked_as_of: as_of,
            version,
            report,
            city_series,
            json: OnceLock::new(),
        });
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        // Snapshots of older data are of no use any more.
        cache.retain(|kept| kept.version == snapshot.version && kept.asked_as_of != as_of);
        if cache.len() >= CACHED_SNAPSHOTS {
            cache.remove(0);
        }
        cache.push(Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// What identifies the data an assessment reads, cheaply: the imports
    /// (observations are only ever added by imports), the active plan's
    /// version and the regions. Read from the store at most every
    /// [`VERSION_CHECK_INTERVAL`]: the server itself never writes, so new data
    /// comes from another process (`zijin import`) and shows within that time.
    async fn data_version(&self) -> Result<Arc<DataVersion>, ApiError> {
        {
            let checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, version)) = checked.as_ref()
                && at.elapsed() < VERSION_CHECK_INTERVAL
            {
                return Ok(Arc::clone(version));
            }
        }
        let imports = self.app.imports().await?;
        let plan = self
            .app
            .store()
            .active_plan()
            .await
            .map_err(zijin_app::AppError::from)?
            .map(|stored| (stored.plan.code.to_string(), stored.version));
        let regions = self.app.regions().await?;
        let version = DataVersion {
            imports: imports.len(),
            last_import: imports.last().map(|import| import.id),
            plan,
            regions,
        };
        let mut checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        // Keep the same Arc while nothing changed, so snapshots compare cheaply.
        let version = match checked.take() {
            Some((_, previous)) if *previous == version => previous,
            _ => Arc::new(version),
        };
        *checked = Some((Instant::now(), Arc::clone(&version)));
        Ok(version)
    }

    /// The whole-plan assessment as JSON, exactly as `zijin assess --format
    /// json` serializes it (without its pretty printing); serialized once per
    /// snapshot.
    pub async fn report_json(&self, as_of: Option<NaiveDate>) -> Result<Bytes, ApiError> {
        let snapshot = self.report(as_of).await?;
        if let Some(json) = snapshot.json.get() {
            return Ok(json.clone());
        }
        let json = Bytes::from(
            serde_json::to_vec(&snapshot.report.assessments).map_err(|error| {
                ApiError::internal(format!("serializing the assessment: {error}"))
            })?,
        );
        Ok(snapshot.json.get_or_init(|| json).clone())
    }
}

/// How often the data version is read from the store.
const VERSION_CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// How many assessment snapshots (dates) are kept.
const CACHED_SNAPSHOTS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DataVersion {
    imports: usize,
    last_import: Option<i64>,
    plan: Option<(String, u32)>,
    regions: Vec<Region>,
}

/// The whole-plan assessment at one date and what is derived from it.
pub(crate) struct Snapshot {
    /// The date asked for (`None`: the default date).
    asked_as_of: Option<NaiveDate>,
    version: Arc<DataVersion>,
    pub report: AssessmentReport,
    /// The plan region's series per indicator, for the sparklines.
    pub city_series: HashMap<IndicatorCode, Vec<(f64, f64)>>,
    json: OnceLock<Bytes>,
}

impl Deref for Snapshot {
    type Target = AssessmentReport;

    fn deref(&self) -> &AssessmentReport {
        &self.report
    }
}

/// Baseline and full-year observations per indicator, in time order, up to `as_of`.
pub(crate) fn series<'a>(
    plan: &Plan,
    observations: impl Iterator<Item = &'a Observation>,
    as_of: NaiveDate,
) -> HashMap<IndicatorCode, Vec<(f64, f64)>> {
    let mut series: HashMap<IndicatorCode, Vec<(f64, f64)>> = plan
        .indicators
        .iter()
        .map(|indicator| {
            let start = indicator
                .baseline
                .filter(|_| indicator.kind != zijin_domain::Kind::Cumulative)
                .map(|baseline| (f64::from(baseline.year), baseline.value));
            (indicator.code.clone(), start.into_iter().collect())
        })
        .collect();
    for observation in observations {
        // Full years only: a quarter's flow beside yearly values would mislead.
        if !observation.period.is_full_year()
            || observation.period.end_date() > as_of
            || observation.period.year() <= plan.base_year
        {
            continue;
        }
        if let Some(points) = series.get_mut(&observation.indicator) {
            points.push((observation.period.time(), observation.value));
        }
    }
    for points in series.values_mut() {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    series
}
