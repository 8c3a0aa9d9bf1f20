//! Zijin's storage: the [`Store`] interface and its two implementations,
//! [`SqliteStore`] (the default: one file, created on first use) and
//! [`PostgresStore`] (for larger deployments). [`AnyStore`] picks one at run
//! time from a path or a URL.
//!
//! Only this crate knows SQL. SQLite is reached through rusqlite (SQLite
//! compiled in), its blocking calls run on Tokio's blocking threads through a
//! `deadpool-sqlite` pool of reader connections and one writer connection;
//! PostgreSQL through sqlx. Each backend has its own migrations folder
//! (`migrations/sqlite`, numbered by `PRAGMA user_version`;
//! `migrations/postgres`, run by sqlx), run when a store is opened. Every
//! write is one transaction: a failed write leaves the database as it was.
//!
//! Observations are never overwritten: a new value for the same indicator,
//! region and period is stored as the next revision, and a value identical to
//! the latest revision is not stored again (importing a file twice changes nothing).
//!
//! Opening a store: [`SqliteStore::open`] (a file path), [`PostgresStore::connect`]
//! (a URL), [`PostgresStore::connect_with`] (caller-built [`PgConnectOptions`],
//! for instance with a `search_path` that keeps Zijin in a schema of its own,
//! as the storage tests do), or [`AnyStore::open`] for either. Error messages
//! name the database without its password ([`redact_location`]).
//!
//! Both backends share the same tables (each migration explains them): plan
//! versions as JSON documents with their source text, an active-plan marker,
//! regions in the order first saved, imports, and append-only observations
//! keyed by (indicator, region, period, revision). The latest revision of a
//! key is what the view `latest_observation_revisions` shows; PostgreSQL reads
//! it through that view, SQLite reads every revision in key order, newest
//! first (the order of its primary key), and keeps the first row of each key.
//! Timestamps are kept to the microsecond on both backends. Periods are stored
//! as their canonical text and sorted in Rust with the domain order.
//!
//! The enterprise registry (migration 0003) is kept the same way: enterprises
//! by credit code (updated in place, as regions are), append-only revisions of
//! their yearly facts (exact decimal text) and of their labels, each registry
//! import in `registry_imports`; and the policy runs over it
//! (`policy_runs`, `policy_entitlements`), append-only. A registry import
//! ([`Store::save_registry`]) reads the latest revisions of the enterprises it
//! names only, and writes in bulk like observations.
//!
//! Imports are written in bulk: the latest revisions are read one indicator
//! at a time and compared with the batch (as [`Observation::same_content`]
//! does), then the new rows go in as multi-row INSERTs of a cached prepared
//! statement (SQLite) or INSERT ... SELECT FROM UNNEST of column arrays
//! (PostgreSQL). `examples/import_speed.rs` measures it.

mod any;
mod common;
mod postgres;
mod sqlite;

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use zijin_domain::{
    Enterprise, EnterpriseFactsAndLabels, EntitlementStatus, Fact, FactValue, IndicatorCode, Label,
    Observation, ObservationRecord, Plan, PlanCode, Region, RegionCode, RegistryEntry, Uscc,
};

pub use any::AnyStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
/// The options [`PostgresStore::connect_with`] takes, re-exported so that
/// callers need not depend on sqlx.
pub use sqlx::postgres::PgConnectOptions;

/// What can go wrong in storage. These are internal faults or an unreachable
/// database, not mistakes in the user's data: data is validated before it
/// reaches the store.
///
/// PostgreSQL reports through sqlx (`Open`, `Migrate`, `Database`), SQLite
/// through rusqlite and its connection pool (`SqliteOpen`, `SqliteMigrate`,
/// `Sqlite`, each naming the database file).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {location}: {source}")]
    Open {
        location: String,
        source: sqlx::Error,
    },
    #[error("cannot migrate the database {location}: {source}")]
    Migrate {
        location: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot open the database {location}: {source}")]
    SqliteOpen {
        location: String,
        source: SqliteError,
    },
    #[error("cannot migrate the database {location}: {source}")]
    SqliteMigrate {
        location: String,
        source: SqliteError,
    },
    #[error("database error in {location}: {source}")]
    Sqlite {
        location: String,
        source: SqliteError,
    },
    #[error("the stored {what} is corrupt: {message}")]
    Corrupt { what: String, message: String },
    #[error("no plan with code {0} is stored")]
    UnknownPlan(PlanCode),
    /// Facts or labels of an enterprise that is neither in the registry
    /// batch nor stored (the import checks this before it reaches the store).
    #[error("the enterprise {0} is neither in the registry import nor stored")]
    UnknownEnterprise(Uscc),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What failed under a [`SqliteStore`]: SQLite itself, the connection pool,
/// or a file whose schema this version does not know.
#[derive(Debug, thiserror::Error)]
pub enum SqliteError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// No connection could be had (the store was closed, or a new connection
    /// could not be set up).
    #[error("{0}")]
    Pool(String),
    /// The location or the file cannot be used: an in-memory database, or a
    /// schema this version cannot bring up to date.
    #[error("{0}")]
    Unusable(String),
}

/// A database location fit for messages and logs: the password of a URL
/// (`postgres://user:password@host/db`, or a `password=` parameter) is
/// replaced by `***`. Paths are returned as they are.
pub fn redact_location(location: &str) -> String {
    common::redact(location)
}

// The servers and the binary spawn these futures: they must be `Send`. A
// change that breaks this fails to compile here rather than in another crate.
const _: fn() = || {
    fn send<T: Send>(_: T) {}
    send(SqliteStore::open(std::path::Path::new("zijin.db")));
    send(PostgresStore::connect("postgres://localhost/zijin"));
    send(AnyStore::open("zijin.db"));
};

/// A plan as stored: a version of the plan document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPlan {
    pub plan: Plan,
    /// Versions count from 1 per plan code; loading a changed plan adds a version.
    pub version: u32,
    pub loaded_at: DateTime<Utc>,
    /// The text of the file the plan was loaded from, kept as it was.
    pub source_text: String,
}

/// What saving a plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PlanSaved {
    /// A new plan, or a changed one: stored as this version.
    NewVersion(u32),
    /// Identical to the latest stored version; nothing was written.
    Unchanged(u32),
}

/// What saving regions did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RegionsSaved {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// One import: a set of observations from one or more files, written together.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatch {
    /// The files read, as given by the user (for the record).
    pub files: Vec<String>,
    /// A SHA-256 digest over the files' bytes, hex.
    pub digest: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub observations: Vec<Observation>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportOutcome {
    /// The id of the import record; `None` when nothing was new and nothing was written.
    pub import_id: Option<i64>,
    /// Keys seen for the first time (revision 1).
    pub added: usize,
    /// Keys that had a different latest value (a new revision).
    pub revised: usize,
    /// Rows identical to the latest revision; not stored again.
    pub unchanged: usize,
}

/// A past import, for the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub files: Vec<String>,
    pub digest: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub added: usize,
    pub revised: usize,
}

/// Which observations to read. Empty lists mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservationFilter {
    pub indicators: Vec<IndicatorCode>,
    pub regions: Vec<RegionCode>,
}

/// A run of an evaluation framework (考核评价) on one year of its data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRunRecord {
    /// Given by the store; ignored by [`Store::save_evaluation`].
    pub id: i64,
    /// The framework's code and version.
    pub framework: String,
    pub version: String,
    /// The built-in framework's folder (`parks`, `nri`).
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_kind: String,
    pub year: i32,
    /// The data are synthetic (合成数据).
    pub synthetic: bool,
    pub note_zh: String,
    pub note_en: String,
    /// Draws and seed of the rank-uncertainty analysis.
    pub runs: u64,
    pub seed: u64,
    /// The code of the index (the root of the tree).
    pub index_code: String,
    /// The framework.toml the run used, as it was.
    pub framework_text: String,
    pub created_at: DateTime<Utc>,
}

/// A node of the framework's tree, as it was at the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationNodeRecord {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: u32,
    pub parent: Option<String>,
    pub weight: f64,
    pub direction: f64,
    pub unit: Option<String>,
    pub rationale: Option<String>,
}

/// A unit of the year's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationUnitRecord {
    pub code: String,
    pub name: String,
    /// The unit's group columns (name, value), such as `Founded`.
    pub groups: Vec<(String, String)>,
    /// Kept by screening (ranked).
    pub included: bool,
}

/// One unit's result on one node. `None` where missing (a `NaN` is stored as `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationResultRecord {
    pub unit: String,
    pub node: String,
    pub value: Option<f64>,
    pub score: Option<f64>,
    pub rank: Option<u32>,
}

/// The index's rank of one unit over the uncertainty draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRankRecord {
    pub unit: String,
    pub nominal: Option<f64>,
    pub median: Option<f64>,
    pub q05: Option<f64>,
    pub q95: Option<f64>,
    pub mean: Option<f64>,
}

/// A run with everything it produced, in the order saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEvaluation {
    pub run: EvaluationRunRecord,
    pub nodes: Vec<EvaluationNodeRecord>,
    pub units: Vec<EvaluationUnitRecord>,
    pub results: Vec<EvaluationResultRecord>,
    pub ranks: Vec<EvaluationRankRecord>,
}

/// One registry import: enterprises, and facts and labels by enterprise, from
/// one or more files, written together. Each enterprise appears once in
/// `enterprises`, and each (enterprise, year, fact) and (enterprise, kind,
/// first day) once in `facts_and_labels`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryBatch {
    pub files: Vec<String>,
    /// A SHA-256 digest over the files' bytes, hex.
    pub digest: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    /// New enterprises, or corrections of stored ones.
    pub enterprises: Vec<Enterprise>,
    /// Facts and labels of enterprises in `enterprises` or already stored.
    pub facts_and_labels: Vec<EnterpriseFactsAndLabels>,
}

/// What a registry import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RegistryOutcome {
    /// `None` when nothing was new and nothing was written.
    pub import_id: Option<i64>,
    pub enterprises_added: usize,
    /// Stored enterprises whose name, dates, district, park, chain or
    /// synthetic mark changed (updated in place).
    pub enterprises_updated: usize,
    pub enterprises_unchanged: usize,
    /// Facts of a new (enterprise, year, fact): revision 1.
    pub facts_added: usize,
    /// Facts whose latest stored value differed: the next revision.
    pub facts_revised: usize,
    /// Facts equal to their latest revision: not stored again.
    pub facts_unchanged: usize,
    pub labels_added: usize,
    pub labels_revised: usize,
    pub labels_unchanged: usize,
}

impl RegistryOutcome {
    /// Whether the import wrote anything.
    pub fn wrote_anything(&self) -> bool {
        self.import_id.is_some()
    }
}

/// A past registry import, for the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryImportRecord {
    pub id: i64,
    pub files: Vec<String>,
    pub digest: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub enterprises_added: usize,
    pub enterprises_updated: usize,
    pub facts_added: usize,
    pub facts_revised: usize,
    pub labels_added: usize,
    pub labels_revised: usize,
}

/// Which facts [`Store::registry`] reads with the enterprises and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactYears {
    /// Every year.
    #[default]
    All,
    /// No facts: the enterprises and their labels only.
    None,
    /// The years from the first to the last, both included.
    Between(i32, i32),
}

/// What [`Store::registry`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegistryFilter {
    pub facts: FactYears,
}

/// One revision of one fact of an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactRevision {
    pub year: i32,
    pub fact: Fact,
    pub value: FactValue,
    /// From 1.
    pub revision: u32,
    pub import_id: i64,
    /// When its import was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One revision of one label of an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRevision {
    pub label: Label,
    pub revision: u32,
    pub import_id: i64,
    pub recorded_at: DateTime<Utc>,
}

/// An enterprise with every revision of its facts (by year, fact, revision)
/// and of its labels (by kind, first day, revision).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseHistory {
    pub enterprise: Enterprise,
    /// The import that wrote the enterprise's record as it is now.
    pub import_id: i64,
    pub facts: Vec<FactRevision>,
    pub labels: Vec<LabelRevision>,
}

/// A run of a policy pack over the registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyRunRecord {
    /// Given by the store; ignored by [`Store::save_policy_run`].
    pub id: i64,
    pub pack_id: String,
    pub pack_version: String,
    /// The SHA-256 of the pack's text, hex.
    pub pack_sha256: String,
    /// The fiscal year evaluated.
    pub period: i32,
    /// The rules as known on this date (`None`: as known when run).
    pub known_on: Option<NaiveDate>,
    /// The data read: the latest registry import at the time of the run…
    pub registry_import_id: Option<i64>,
    /// …and a digest of the registry as read.
    pub registry_digest: String,
    pub created_at: DateTime<Utc>,
    pub enterprise_count: usize,
}

/// The outcome of one policy for one enterprise in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitlementRecord {
    pub uscc: Uscc,
    pub policy_id: String,
    pub status: EntitlementStatus,
    /// The amount granted, exact; `None` for a policy without an amount or
    /// when it could not be computed.
    pub amount: Option<Decimal>,
    /// The explanation, as JSON text.
    pub explanation: String,
}

/// The storage interface. Implemented by [`SqliteStore`] and [`PostgresStore`];
/// the same scenario test runs against both.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Stores a plan, as a new version if it differs from the latest stored
    /// version of the same code, and makes it the active plan.
    fn save_plan(
        &self,
        plan: &Plan,
        source_text: &str,
        loaded_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<PlanSaved>> + Send;

    /// The latest version of the active plan (the one saved or activated last).
    fn active_plan(&self) -> impl Future<Output = Result<Option<StoredPlan>>> + Send;

    /// The latest version of the plan with this code.
    fn plan(&self, code: &PlanCode) -> impl Future<Output = Result<Option<StoredPlan>>> + Send;

    /// The latest version of every stored plan, in the order they were first loaded.
    fn plans(&self) -> impl Future<Output = Result<Vec<StoredPlan>>> + Send;

    /// Makes a stored plan the active one.
    fn activate_plan(&self, code: &PlanCode) -> impl Future<Output = Result<()>> + Send;

    /// Adds regions that are new and updates the names, kind, parent and note
    /// of those that exist. Regions are never deleted.
    fn save_regions(&self, regions: &[Region])
    -> impl Future<Output = Result<RegionsSaved>> + Send;

    /// Every region, in the order they were first saved.
    fn regions(&self) -> impl Future<Output = Result<Vec<Region>>> + Send;

    /// Writes an import in one transaction: each observation becomes revision 1
    /// of a new key, or the next revision of a key whose latest revision differs,
    /// or nothing when it equals the latest revision. When nothing is new,
    /// nothing at all is written, not even the import record.
    fn import(&self, batch: &ImportBatch) -> impl Future<Output = Result<ImportOutcome>> + Send;

    /// The latest revision of every key matching the filter, ordered by
    /// indicator, region and period.
    fn latest_observations(
        &self,
        filter: &ObservationFilter,
    ) -> impl Future<Output = Result<Vec<ObservationRecord>>> + Send;

    /// Every revision of every period of one indicator in one region, ordered
    /// by period, then revision.
    fn history(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
    ) -> impl Future<Output = Result<Vec<ObservationRecord>>> + Send;

    /// Every import, oldest first.
    fn imports(&self) -> impl Future<Output = Result<Vec<ImportRecord>>> + Send;

    /// Stores an evaluation run and its results in one transaction, as a new
    /// run (its `id` is ignored); returns the new run's id.
    fn save_evaluation(
        &self,
        evaluation: &StoredEvaluation,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Every evaluation run, oldest first (the results are not read).
    fn evaluation_runs(&self) -> impl Future<Output = Result<Vec<EvaluationRunRecord>>> + Send;

    /// A run with its nodes, units, results (by unit, then node, in the
    /// order saved) and rank uncertainty.
    fn evaluation(&self, id: i64) -> impl Future<Output = Result<Option<StoredEvaluation>>> + Send;

    /// Writes a registry import in one transaction: new enterprises are
    /// added and changed ones updated; each fact and label becomes revision
    /// 1 of a new key, the next revision of a key whose latest revision
    /// differs, or nothing when it equals it. When nothing is new, nothing is
    /// written, not even the import record. Facts or labels of an enterprise
    /// neither in the batch nor stored are a [`StoreError::UnknownEnterprise`].
    fn save_registry(
        &self,
        batch: &RegistryBatch,
    ) -> impl Future<Output = Result<RegistryOutcome>> + Send;

    /// Every enterprise (by credit code) with the latest revision of each of
    /// its facts that `filter` selects (by year, then fact) and of each of
    /// its labels (by kind, then first day).
    fn registry(
        &self,
        filter: &RegistryFilter,
    ) -> impl Future<Output = Result<Vec<RegistryEntry>>> + Send;

    /// One enterprise with every revision of its facts and labels.
    fn enterprise(
        &self,
        uscc: &Uscc,
    ) -> impl Future<Output = Result<Option<EnterpriseHistory>>> + Send;

    /// How many enterprises are stored.
    fn enterprise_count(&self) -> impl Future<Output = Result<usize>> + Send;

    /// The credit codes of every stored enterprise, in order.
    fn enterprise_codes(&self) -> impl Future<Output = Result<Vec<Uscc>>> + Send;

    /// Every registry import, oldest first.
    fn registry_imports(&self) -> impl Future<Output = Result<Vec<RegistryImportRecord>>> + Send;

    /// Stores a policy run and its entitlements in one transaction, as a new
    /// run (its `id` is ignored); returns the new run's id. Each (enterprise,
    /// policy) appears once.
    fn save_policy_run(
        &self,
        run: &PolicyRunRecord,
        entitlements: &[EntitlementRecord],
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Every policy run, oldest first.
    fn policy_runs(&self) -> impl Future<Output = Result<Vec<PolicyRunRecord>>> + Send;

    /// The entitlements of a run (of one enterprise when `uscc` is given),
    /// by credit code, then policy id.
    fn policy_entitlements(
        &self,
        run_id: i64,
        uscc: Option<&Uscc>,
    ) -> impl Future<Output = Result<Vec<EntitlementRecord>>> + Send;
}
