//! The SQLite store: one file, created on first use, in WAL mode, through
//! rusqlite (SQLite compiled into the binary).
//!
//! rusqlite is blocking, so every operation runs as one closure on a pooled
//! connection on Tokio's blocking threads: rows are decoded where SQLite
//! produces them, with no channel or worker thread per row in between. The
//! pool is `deadpool-sqlite`: it is async (a task waiting for a connection
//! parks without holding a thread) and runs closures on the blocking threads
//! itself (`interact`), so nothing in this file spawns threads, counts
//! connections or hands them back by hand. The alternative, `r2d2` with
//! `spawn_blocking`, would block a thread while waiting for a connection.
//!
//! Two pools share the file: readers (several connections: WAL lets them read
//! while a write runs) and one writer. Writes queue for the single writer
//! connection, in the order they came, and each runs in a `BEGIN IMMEDIATE`
//! transaction: it takes the file's write lock before reading what it
//! compares against, so that a writer in another process waits for it (the
//! busy timeout) instead of failing on a stale snapshot.
//!
//! A closure always runs to its end once started: an operation whose future is
//! dropped still commits, or rolls back, as a whole.
//!
//! Migrations are the scripts of `migrations/sqlite`, numbered by `PRAGMA
//! user_version` (see [`migrate`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use deadpool_sqlite::{Config, Hook, HookError, InteractError, Pool, PoolError, Runtime};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, Transaction, TransactionBehavior, params};
use zijin_domain::{
    Fact, IndicatorCode, Label, Observation, ObservationRecord, Plan, PlanCode, Region, RegionCode,
    RegistryEntry, Uscc, YearFact,
};

use crate::common::{
    DecodedFact, EnterpriseRow, EntryCursor, FactRow, ImportPlan, LabelRow, LatestRow,
    ObservationRow, PlanChange, PlanRow, RegionRow, RegistryPlan, amount_text, corrupt,
    fact_year_range, finite, groups_text, history_in_order, import_counts, parse_amount,
    parse_entitlement_status, parse_files, parse_groups, parse_uscc, plan_change, region_changes,
    region_kind_text, sort_by_key, sort_by_period_and_revision, sort_entry, stored_count,
    stored_timestamp, stored_u32, u64_bits, u64_from_bits,
};
use crate::{
    EnterpriseHistory, EntitlementRecord, EvaluationNodeRecord, EvaluationRankRecord,
    EvaluationResultRecord, EvaluationRunRecord, EvaluationUnitRecord, FactRevision, ImportBatch,
    ImportOutcome, ImportRecord, LabelRevision, ObservationFilter, PlanSaved, PolicyRunRecord,
    RegionsSaved, RegistryBatch, RegistryFilter, RegistryImportRecord, RegistryOutcome, Result,
    SqliteError, Store, StoreError, StoredEvaluation, StoredPlan,
};

/// The migrations, in order: migration `n` (counting from 1) brings the
/// file's `user_version` from `n - 1` to `n`. A file is never migrated down.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_initial.sql"),
    include_str!("../migrations/sqlite/0002_evaluations.sql"),
    include_str!("../migrations/sqlite/0003_registry.sql"),
];

/// Connections for reads: the HTTP server reads concurrently.
const READERS: usize = 4;

/// How long a write waits for another process's write lock before failing
/// with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The writer's page cache, in KiB (SQLite's default is 2 MiB): a large
/// import modifies more pages than that, and a cache that overflows writes
/// pages to the WAL in the middle of the transaction and reads them back.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// Prepared statements kept per connection (`prepare_cached`); the store has
/// fewer distinct statements than this.
const STATEMENT_CACHE: usize = 64;

/// The columns `observation_record` reads, in its order.
const SELECT_OBSERVATIONS: &str = "SELECT o.indicator, o.region, o.period, o.revision, o.value, \
     o.qualifier, o.unit, o.source, o.source_quality, o.note, o.import_id, i.imported_by, \
     i.imported_at";

const SELECT_PLAN: &str = "SELECT p.version, p.document, p.source_text, p.loaded_at";

/// Bound parameters per inserted observation row.
const OBSERVATION_COLUMNS: usize = 11;

/// Rows per multi-row INSERT: one execution of a cached statement inserts this
/// many rows, which saves most of the per-statement work of one row at a time
/// (550 parameters, far under SQLite's limit of 32,766).
const ROWS_PER_INSERT: usize = 50;

/// A Zijin database in one SQLite file. Cloning is cheap and clones share the
/// connections.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The file, for messages.
    location: Arc<str>,
    readers: Pool,
    /// One connection: writes are serialised.
    writer: Pool,
}

/// Why a closure run on a connection failed: SQLite, the pool or the schema
/// (the caller adds the location), or a store error such as a stored value
/// that does not decode.
enum Failure {
    Sqlite(rusqlite::Error),
    Other(SqliteError),
    Store(StoreError),
}

impl Failure {
    /// The error, given what to report a SQLite failure as.
    fn into_error(self, report: impl FnOnce(SqliteError) -> StoreError) -> StoreError {
        match self {
            Failure::Sqlite(error) => report(SqliteError::Sqlite(error)),
            Failure::Other(error) => report(error),
            Failure::Store(error) => error,
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Sqlite(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Store(error)
    }
}

type Outcome<T> = std::result::Result<T, Failure>;

impl SqliteStore {
    /// Opens the database file at `path`, creating it if it is missing, and
    /// brings its schema up to date. The folder must exist.
    pub async fn open(path: &Path) -> Result<Self> {
        let location = path.display().to_string();
        let open_error = |source| StoreError::SqliteOpen {
            location: location.clone(),
            source,
        };
        // An in-memory database would be private to each pooled connection:
        // the migrations would run on one and the others would see no tables.
        if location.is_empty() || location == ":memory:" {
            return Err(open_error(SqliteError::Unusable(
                "an in-memory SQLite database cannot be shared by the store's connections; give a file path".into(),
            )));
        }
        let readers = connection_pool(file_name(path), READERS, None).map_err(open_error)?;
        let writer =
            connection_pool(file_name(path), 1, Some(WRITER_CACHE_KIB)).map_err(open_error)?;
        let store = SqliteStore {
            location: location.as_str().into(),
            readers,
            writer,
        };
        // The writer's connection is made first: it creates the file,
        // migrates it and switches it to WAL before any reader opens it.
        let connection = store
            .writer
            .get()
            .await
            .map_err(|error| open_error(pool_error(error)))?;
        let migrated = connection
            .interact(migrate)
            .await
            .unwrap_or_else(|error| Err(interact_failure(error)));
        migrated.map_err(|failure| {
            failure.into_error(|source| StoreError::SqliteMigrate {
                location: location.clone(),
                source,
            })
        })?;
        Ok(store)
    }

    /// Closes the store: idle connections at once, connections in use as soon
    /// as their operation ends (operations already running finish). Later
    /// operations on this store or its clones fail.
    pub async fn close(&self) {
        self.readers.close();
        self.writer.close();
    }

    /// Runs `work` on a reader connection.
    async fn read<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Outcome<T> + Send + 'static,
        T: Send + 'static,
    {
        self.run(&self.readers, work).await
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction on the writer
    /// connection, and commits if it succeeds (dropping the transaction on
    /// failure rolls it back).
    async fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&Transaction<'_>) -> Outcome<T> + Send + 'static,
        T: Send + 'static,
    {
        self.run(&self.writer, |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    async fn run<T, F>(&self, pool: &Pool, work: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Outcome<T> + Send + 'static,
        T: Send + 'static,
    {
        let connection = pool
            .get()
            .await
            .map_err(|error| self.error(pool_error(error)))?;
        let outcome = connection
            .interact(work)
            .await
            .unwrap_or_else(|error| Err(interact_failure(error)));
        outcome.map_err(|failure| failure.into_error(|source| self.error(source)))
    }

    fn error(&self, source: SqliteError) -> StoreError {
        StoreError::Sqlite {
            location: self.location.to_string(),
            source,
        }
    }
}

/// The name SQLite opens: the path, except that a relative path starting with
/// `file:` is prefixed with `./` so that SQLite does not read it as a URI.
fn file_name(path: &Path) -> PathBuf {
    if path.is_relative() && path.to_string_lossy().starts_with("file:") {
        Path::new(".").join(path)
    } else {
        path.to_owned()
    }
}

/// A pool of up to `size` connections to `file`, each set up by [`configure`]
/// when it is made, with a page cache of `cache_kib` (`None`: SQLite's default).
fn connection_pool(
    file: PathBuf,
    size: usize,
    cache_kib: Option<i64>,
) -> Result<Pool, SqliteError> {
    let config = Config::new(file);
    let builder = match config.builder(Runtime::Tokio1) {
        Ok(builder) => builder,
        Err(never) => match never {},
    };
    builder
        .max_size(size)
        .post_create(Hook::async_fn(move |connection, _| {
            Box::pin(async move {
                connection
                    .interact(move |connection| configure(connection, cache_kib))
                    .await
                    .map_err(|error| HookError::message(error.to_string()))?
            })
        }))
        .build()
        .map_err(|error| SqliteError::Pool(error.to_string()))
}

/// Sets up a new connection. In WAL mode (see [`migrate`]), `synchronous =
/// NORMAL` is durable against application crashes and much faster than FULL
/// (a power cut may lose the last commits). Foreign keys are off in SQLite
/// unless asked for.
fn configure(connection: &mut Connection, cache_kib: Option<i64>) -> Result<(), HookError> {
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(HookError::Backend)?;
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(HookError::Backend)?;
    connection
        .pragma_update(None, "foreign_keys", "ON")
        .map_err(HookError::Backend)?;
    if let Some(kib) = cache_kib {
        // A negative cache size is in KiB rather than pages.
        connection
            .pragma_update(None, "cache_size", -kib)
            .map_err(HookError::Backend)?;
    }
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Switches the file to WAL and brings the schema up to date, in one
/// `BEGIN IMMEDIATE` transaction: two
/// processes opening a new file at once wait for each other, and the second
/// finds the schema in place.
///
/// A small runner rather than `rusqlite_migration`: that crate reads the
/// version before it begins its (deferred) transaction, so two processes
/// opening a new file at once would both run the first migration and one
/// would fail; and this runner also recognises files made by the earlier
/// sqlx-based store, which kept its own table of migrations and left
/// `user_version` at 0.
fn migrate(connection: &mut Connection) -> Outcome<()> {
    // Two connections switching a new file to WAL at the same moment can
    // deadlock on its locks; SQLite then fails one of them at once, without
    // waiting (the busy timeout does not apply). Each attempt changes
    // nothing or everything, so it is tried again.
    let started = Instant::now();
    loop {
        match migrate_once(connection) {
            Err(Failure::Sqlite(error))
                if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            outcome => return outcome,
        }
    }
}

fn migrate_once(connection: &mut Connection) -> Outcome<()> {
    // A first look, which writes nothing, so that a refused file is left as
    // it was; then WAL (kept in the file: readers read while a write runs,
    // and commits are cheap). Switching needs no transaction open, and
    // switching before the migration's transaction means that concurrent
    // openers meet as WAL writers, which wait for each other (the busy
    // timeout), rather than as rollback-journal writers, which can deadlock
    // and fail at once.
    schema_version(connection)?;
    let mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Other(SqliteError::Unusable(format!(
            "SQLite cannot use WAL mode for this file (it kept the journal mode {mode:?})"
        ))));
    }
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated
    // the file since the first look.
    let current = schema_version(&tx)?;
    for script in &MIGRATIONS[current..] {
        tx.execute_batch(script)?;
    }
    if current < MIGRATIONS.len() {
        tx.pragma_update(None, "user_version", database_integer(MIGRATIONS.len()))?;
    }
    tx.commit()?;
    Ok(())
}

/// The file's schema version (the number of migrations it has had), or why
/// this version of Zijin cannot use the file.
fn schema_version(connection: &Connection) -> Outcome<usize> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let unusable = |message: String| Failure::Other(SqliteError::Unusable(message));
    if version == 0 {
        let sqlx_made: bool = connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = '_sqlx_migrations')",
            [],
            |row| row.get(0),
        )?;
        if sqlx_made {
            return Err(unusable(
                "the file was made by an earlier development version of Zijin (its schema is \
                 recorded in _sqlx_migrations) and cannot be opened by this one; move it aside \
                 and load the plan, regions and observations again"
                    .to_owned(),
            ));
        }
    }
    let known = MIGRATIONS.len();
    let current = usize::try_from(version).map_err(|_| {
        unusable(format!(
            "its schema version (user_version) is {version}, which no Zijin writes"
        ))
    })?;
    if current > known {
        return Err(unusable(format!(
            "its schema version is {current}, newer than this version of Zijin knows \
             ({known}); use a newer Zijin"
        )));
    }
    Ok(current)
}

fn pool_error(error: PoolError) -> SqliteError {
    match error {
        PoolError::Backend(error) | PoolError::PostCreateHook(HookError::Backend(error)) => {
            SqliteError::Sqlite(error)
        }
        PoolError::PostCreateHook(HookError::Message(message)) => {
            SqliteError::Unusable(message.into_owned())
        }
        PoolError::Closed => SqliteError::Pool("the store was closed".to_owned()),
        other => SqliteError::Pool(other.to_string()),
    }
}

/// A closure that panicked panics here again, in the caller's task; one that
/// never ran fails.
fn interact_failure(error: InteractError) -> Failure {
    match error {
        InteractError::Panic(payload) => std::panic::resume_unwind(payload),
        InteractError::Aborted => Failure::Other(SqliteError::Pool(
            "the connection was closed before the operation ran".to_owned(),
        )),
    }
}

/// Timestamps are stored as ISO-8601 text in UTC with six decimals, so that
/// text order is time order.
fn timestamp_text(at: DateTime<Utc>) -> String {
    stored_timestamp(at).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|error| corrupt("timestamp", format!("{text:?}: {error}")))
}

/// Column `index` as text borrowed from the row.
fn text<'r>(row: &'r Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(index)?;
    value
        .as_str()
        .map_err(|error| conversion_error(index, value, error))
}

/// Column `index` as text borrowed from the row, or NULL.
fn optional_text<'r>(row: &'r Row<'_>, index: usize) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(index)?;
    value
        .as_str_or_null()
        .map_err(|error| conversion_error(index, value, error))
}

fn conversion_error(
    index: usize,
    value: ValueRef<'_>,
    error: rusqlite::types::FromSqlError,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, value.data_type(), Box::new(error))
}

fn plan_row(row: &Row<'_>) -> Outcome<PlanRow> {
    Ok(PlanRow {
        version: row.get(0)?,
        document: row.get(1)?,
        source_text: row.get(2)?,
        loaded_at: parse_timestamp(text(row, 3)?)?,
    })
}

fn region_row(row: &Row<'_>) -> Outcome<RegionRow> {
    Ok(RegionRow {
        code: row.get(0)?,
        name_zh: row.get(1)?,
        name_en: row.get(2)?,
        kind: row.get(3)?,
        parent: row.get(4)?,
        note: row.get(5)?,
    })
}

/// Decodes a row of `SELECT_OBSERVATIONS`.
fn observation_record(row: &Row<'_>) -> Outcome<ObservationRecord> {
    Ok(ObservationRow {
        indicator: text(row, 0)?,
        region: text(row, 1)?,
        period: text(row, 2)?,
        revision: row.get(3)?,
        value: row.get(4)?,
        qualifier: text(row, 5)?,
        unit: text(row, 6)?,
        source: text(row, 7)?,
        source_quality: text(row, 8)?,
        note: optional_text(row, 9)?,
        import_id: row.get(10)?,
        imported_by: text(row, 11)?,
        imported_at: parse_timestamp(text(row, 12)?)?,
    }
    .into_record()?)
}

fn latest_row<'r>(row: &'r Row<'_>) -> rusqlite::Result<LatestRow<'r>> {
    Ok(LatestRow {
        region: text(row, 0)?,
        period: text(row, 1)?,
        revision: row.get(2)?,
        value: row.get(3)?,
        qualifier: text(row, 4)?,
        unit: text(row, 5)?,
        source: text(row, 6)?,
        source_quality: text(row, 7)?,
        note: optional_text(row, 8)?,
    })
}

/// Recognises the first row of each key in rows ordered by key: the key of
/// the previous row is kept in reused buffers, so the rows that are skipped
/// cost no allocation.
#[derive(Default)]
struct FirstOfKey {
    started: bool,
    key: [String; 3],
}

impl FirstOfKey {
    fn is_first(&mut self, a: &str, b: &str, c: &str) -> bool {
        let [ka, kb, kc] = &mut self.key;
        // The period changes most often: compared first.
        if self.started && kc == c && kb == b && ka == a {
            return false;
        }
        self.started = true;
        for (kept, text) in [(ka, a), (kb, b), (kc, c)] {
            kept.clear();
            kept.push_str(text);
        }
        true
    }
}

/// Who made each import and when, by import id.
type ImportStamps = HashMap<i64, (String, DateTime<Utc>)>;

fn import_stamps(connection: &Connection) -> Outcome<ImportStamps> {
    let mut statement =
        connection.prepare_cached("SELECT id, imported_by, imported_at FROM imports")?;
    let mut rows = statement.query([])?;
    let mut stamps = HashMap::new();
    while let Some(row) = rows.next()? {
        stamps.insert(row.get(0)?, (row.get(1)?, parse_timestamp(text(row, 2)?)?));
    }
    Ok(stamps)
}

/// Decodes a row of `latest_observations`' query, with its import's stamp.
fn latest_record(row: &Row<'_>, imports: &ImportStamps) -> Outcome<ObservationRecord> {
    let import_id: i64 = row.get(10)?;
    let Some((imported_by, imported_at)) = imports.get(&import_id) else {
        return Err(corrupt(
            "observation",
            format!("its import {import_id} is not stored"),
        )
        .into());
    };
    Ok(ObservationRow {
        indicator: text(row, 0)?,
        region: text(row, 1)?,
        period: text(row, 2)?,
        revision: row.get(3)?,
        value: row.get(4)?,
        qualifier: text(row, 5)?,
        unit: text(row, 6)?,
        source: text(row, 7)?,
        source_quality: text(row, 8)?,
        note: optional_text(row, 9)?,
        import_id,
        imported_by,
        imported_at: *imported_at,
    }
    .into_record()?)
}

/// A list of codes as one JSON array parameter, read with `json_each`, so that
/// a long filter never meets the limit on bound parameters.
fn json_list<T: AsRef<str>>(codes: &[T]) -> String {
    let codes: Vec<&str> = codes.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&codes).expect("a list of strings serializes to JSON")
}

fn database_integer(count: usize) -> i64 {
    i64::try_from(count).expect("a count fits in 64 bits")
}

fn set_active_plan(tx: &Transaction<'_>, code: &PlanCode) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO active_plan (singleton, code) VALUES (1, ?) \
         ON CONFLICT (singleton) DO UPDATE SET code = excluded.code",
    )?
    .execute([code.as_str()])?;
    Ok(())
}

/// The latest version of the plan with this code.
fn latest_plan(connection: &Connection, code: &PlanCode) -> Outcome<Option<PlanRow>> {
    let mut statement = connection.prepare_cached(&format!(
        "{SELECT_PLAN} FROM plan_versions AS p WHERE p.code = ? ORDER BY p.version DESC LIMIT 1"
    ))?;
    let mut rows = statement.query([code.as_str()])?;
    rows.next()?.map(plan_row).transpose()
}

fn stored_plans(rows: &mut rusqlite::Rows<'_>) -> Outcome<Vec<StoredPlan>> {
    let mut plans = Vec::new();
    while let Some(row) = rows.next()? {
        plans.push(plan_row(row)?.into_stored_plan()?);
    }
    Ok(plans)
}

fn observation_records(rows: &mut rusqlite::Rows<'_>) -> Outcome<Vec<ObservationRecord>> {
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        records.push(observation_record(row)?);
    }
    Ok(records)
}

fn stored_regions(connection: &Connection) -> Outcome<Vec<Region>> {
    let mut statement = connection.prepare_cached(
        "SELECT code, name_zh, name_en, kind, parent, note FROM regions ORDER BY position",
    )?;
    let mut rows = statement.query([])?;
    let mut regions = Vec::new();
    while let Some(row) = rows.next()? {
        regions.push(region_row(row)?.into_region()?);
    }
    Ok(regions)
}

/// Writes an import (see [`Store::import`]) in the caller's transaction.
fn import_batch(tx: &Transaction<'_>, batch: &ImportBatch) -> Outcome<ImportOutcome> {
    let mut plan = ImportPlan::new(&batch.observations);
    {
        // Every revision of the indicator in key order, newest first within a
        // key: the first row of each key is its latest revision.
        let mut latest = tx.prepare_cached(
            "SELECT region, period, revision, value, qualifier, unit, source, source_quality, \
             note FROM observations WHERE indicator = ? \
             ORDER BY region, period, revision DESC",
        )?;
        let mut keys = FirstOfKey::default();
        for (indicator, positions) in plan.indicators() {
            let mut comparison = plan.compare(&positions);
            let mut rows = latest.query([indicator.as_str()])?;
            while let Some(row) = rows.next()? {
                if keys.is_first(indicator.as_str(), text(row, 0)?, text(row, 1)?) {
                    comparison.latest(latest_row(row)?)?;
                }
            }
        }
    }
    if plan.writes_nothing() {
        // Nothing was written: committing the transaction changes nothing.
        return Ok(plan.outcome(None));
    }
    let counts = plan.outcome(None);
    tx.prepare_cached(
        "INSERT INTO imports (files, digest, imported_by, imported_at, added, revised) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        json_list(&batch.files),
        batch.digest,
        batch.imported_by,
        timestamp_text(batch.imported_at),
        database_integer(counts.added),
        database_integer(counts.revised),
    ])?;
    let import_id = tx.last_insert_rowid();
    let mut rows = plan.rows();
    // Insert in the table's key order: appending to the B-tree instead of
    // inserting at random places keeps a large import from thrashing the page
    // cache (the 1,000,000-row import benchmark: 15 s before, 7.7 s after).
    rows.sort_by_cached_key(|(observation, _)| {
        (
            observation.indicator.as_str(),
            observation.region.as_str(),
            observation.period.to_string(),
        )
    });
    let mut period = String::new();
    let mut chunks = rows.chunks_exact(ROWS_PER_INSERT);
    let mut insert = tx.prepare_cached(&insert_observations_sql(ROWS_PER_INSERT))?;
    for chunk in &mut chunks {
        bind_observations(&mut insert, chunk, import_id, &mut period)?;
        insert.raw_execute()?;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // A statement of its own for the last rows; not cached, as its size
        // differs from one import to the next.
        let mut insert = tx.prepare(&insert_observations_sql(rest.len()))?;
        bind_observations(&mut insert, rest, import_id, &mut period)?;
        insert.raw_execute()?;
    }
    Ok(plan.outcome(Some(import_id)))
}

/// An INSERT of `rows` observations.
fn insert_observations_sql(rows: usize) -> String {
    let mut sql = "INSERT INTO observations (indicator, region, period, revision, value, \
                   qualifier, unit, source, source_quality, note, import_id) VALUES "
        .to_owned();
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}

/// Binds every parameter of an [`insert_observations_sql`] statement of
/// `rows.len()` rows. `period` is a buffer for the periods' text (SQLite
/// copies bound text, so it is reused).
fn bind_observations(
    insert: &mut rusqlite::Statement<'_>,
    rows: &[(&Observation, u32)],
    import_id: i64,
    period: &mut String,
) -> rusqlite::Result<()> {
    for (row, &(observation, revision)) in rows.iter().enumerate() {
        let first = row * OBSERVATION_COLUMNS + 1;
        period.clear();
        write!(period, "{}", observation.period).expect("writing to a String cannot fail");
        insert.raw_bind_parameter(first, observation.indicator.as_str())?;
        insert.raw_bind_parameter(first + 1, observation.region.as_str())?;
        insert.raw_bind_parameter(first + 2, period.as_str())?;
        insert.raw_bind_parameter(first + 3, revision)?;
        insert.raw_bind_parameter(first + 4, observation.value)?;
        insert.raw_bind_parameter(first + 5, observation.qualifier.symbol())?;
        insert.raw_bind_parameter(first + 6, observation.unit.as_str())?;
        insert.raw_bind_parameter(first + 7, observation.source.as_str())?;
        insert.raw_bind_parameter(first + 8, observation.source_quality.as_str())?;
        insert.raw_bind_parameter(first + 9, observation.note.as_deref())?;
        insert.raw_bind_parameter(first + 10, import_id)?;
    }
    Ok(())
}

const SELECT_EVALUATION_RUN: &str = "SELECT id, framework, version, key, name_zh, name_en, \
     unit_kind, year, synthetic, note_zh, note_en, runs, seed, index_code, framework_text, \
     created_at FROM evaluation_runs";

fn evaluation_run(row: &Row<'_>) -> Outcome<EvaluationRunRecord> {
    let runs: i64 = row.get(11)?;
    Ok(EvaluationRunRecord {
        id: row.get(0)?,
        framework: row.get(1)?,
        version: row.get(2)?,
        key: row.get(3)?,
        name_zh: row.get(4)?,
        name_en: row.get(5)?,
        unit_kind: row.get(6)?,
        year: row.get(7)?,
        synthetic: row.get(8)?,
        note_zh: row.get(9)?,
        note_en: row.get(10)?,
        runs: u64::try_from(runs).map_err(|_| corrupt("evaluation run", format!("runs {runs}")))?,
        seed: u64_from_bits(row.get(12)?),
        index_code: row.get(13)?,
        framework_text: row.get(14)?,
        created_at: parse_timestamp(text(row, 15)?)?,
    })
}

fn insert_evaluation(tx: &Transaction<'_>, evaluation: &StoredEvaluation) -> Outcome<i64> {
    let run = &evaluation.run;
    tx.execute(
        "INSERT INTO evaluation_runs (framework, version, key, name_zh, name_en, unit_kind, \
         year, synthetic, note_zh, note_en, runs, seed, index_code, framework_text, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            run.framework,
            run.version,
            run.key,
            run.name_zh,
            run.name_en,
            run.unit_kind,
            run.year,
            run.synthetic,
            run.note_zh,
            run.note_en,
            u64_bits(run.runs),
            u64_bits(run.seed),
            run.index_code,
            run.framework_text,
            timestamp_text(run.created_at),
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut nodes = tx.prepare_cached(
        "INSERT INTO evaluation_nodes (run_id, position, code, name_zh, name_en, level, parent, \
         weight, direction, unit, rationale) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (position, node) in evaluation.nodes.iter().enumerate() {
        nodes.execute(params![
            id,
            database_integer(position),
            node.code,
            node.name_zh,
            node.name_en,
            node.level,
            node.parent,
            node.weight,
            node.direction,
            node.unit,
            node.rationale,
        ])?;
    }
    let mut units = tx.prepare_cached(
        "INSERT INTO evaluation_units (run_id, position, code, name, groups, included) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, unit) in evaluation.units.iter().enumerate() {
        units.execute(params![
            id,
            database_integer(position),
            unit.code,
            unit.name,
            groups_text(&unit.groups),
            unit.included,
        ])?;
    }
    let mut results = tx.prepare_cached(
        "INSERT INTO evaluation_results (run_id, unit, node, value, score, rank) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for result in &evaluation.results {
        results.execute(params![
            id,
            result.unit,
            result.node,
            finite(result.value),
            finite(result.score),
            result.rank,
        ])?;
    }
    let mut ranks = tx.prepare_cached(
        "INSERT INTO evaluation_rank_uncertainty (run_id, unit, nominal, median, q05, q95, mean) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for rank in &evaluation.ranks {
        ranks.execute(params![
            id,
            rank.unit,
            finite(rank.nominal),
            finite(rank.median),
            finite(rank.q05),
            finite(rank.q95),
            finite(rank.mean),
        ])?;
    }
    Ok(id)
}

fn read_evaluation(connection: &Connection, id: i64) -> Outcome<Option<StoredEvaluation>> {
    let mut statement =
        connection.prepare_cached(&format!("{SELECT_EVALUATION_RUN} WHERE id = ?1"))?;
    let mut rows = statement.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let run = evaluation_run(row)?;
    let mut statement = connection.prepare_cached(
        "SELECT code, name_zh, name_en, level, parent, weight, direction, unit, rationale \
         FROM evaluation_nodes WHERE run_id = ?1 ORDER BY position",
    )?;
    let mut rows = statement.query([id])?;
    let mut nodes = Vec::new();
    while let Some(row) = rows.next()? {
        nodes.push(EvaluationNodeRecord {
            code: row.get(0)?,
            name_zh: row.get(1)?,
            name_en: row.get(2)?,
            level: stored_u32("evaluation node level", row.get(3)?)?,
            parent: row.get(4)?,
            weight: row.get(5)?,
            direction: row.get(6)?,
            unit: row.get(7)?,
            rationale: row.get(8)?,
        });
    }
    let mut statement = connection.prepare_cached(
        "SELECT code, name, groups, included FROM evaluation_units WHERE run_id = ?1 \
         ORDER BY position",
    )?;
    let mut rows = statement.query([id])?;
    let mut units = Vec::new();
    let mut unit_position = HashMap::new();
    while let Some(row) = rows.next()? {
        let code: String = row.get(0)?;
        unit_position.insert(code.clone(), units.len());
        units.push(EvaluationUnitRecord {
            code,
            name: row.get(1)?,
            groups: parse_groups(text(row, 2)?)?,
            included: row.get(3)?,
        });
    }
    let node_position: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), i))
        .collect();
    let mut statement = connection.prepare_cached(
        "SELECT unit, node, value, score, rank FROM evaluation_results WHERE run_id = ?1",
    )?;
    let mut rows = statement.query([id])?;
    let mut results = Vec::new();
    while let Some(row) = rows.next()? {
        let rank: Option<i64> = row.get(4)?;
        results.push(EvaluationResultRecord {
            unit: row.get(0)?,
            node: row.get(1)?,
            value: row.get(2)?,
            score: row.get(3)?,
            rank: rank.map(|r| stored_u32("evaluation rank", r)).transpose()?,
        });
    }
    results.sort_by_key(|r| {
        (
            unit_position.get(&r.unit).copied().unwrap_or(usize::MAX),
            node_position
                .get(r.node.as_str())
                .copied()
                .unwrap_or(usize::MAX),
        )
    });
    let mut statement = connection.prepare_cached(
        "SELECT unit, nominal, median, q05, q95, mean FROM evaluation_rank_uncertainty \
         WHERE run_id = ?1",
    )?;
    let mut rows = statement.query([id])?;
    let mut ranks = Vec::new();
    while let Some(row) = rows.next()? {
        ranks.push(EvaluationRankRecord {
            unit: row.get(0)?,
            nominal: row.get(1)?,
            median: row.get(2)?,
            q05: row.get(3)?,
            q95: row.get(4)?,
            mean: row.get(5)?,
        });
    }
    ranks.sort_by_key(|r| unit_position.get(&r.unit).copied().unwrap_or(usize::MAX));
    Ok(Some(StoredEvaluation {
        run,
        nodes,
        units,
        results,
        ranks,
    }))
}

// The enterprise registry and the policy runs.

/// Bound parameters per inserted fact row, and rows per INSERT (600
/// parameters, far under SQLite's limit).
const FACT_COLUMNS: usize = 6;
const FACT_ROWS_PER_INSERT: usize = 100;

/// Bound parameters per inserted label row, and rows per INSERT.
const LABEL_COLUMNS: usize = 8;
const LABEL_ROWS_PER_INSERT: usize = 50;

/// Bound parameters per inserted entitlement row, and rows per INSERT.
const ENTITLEMENT_COLUMNS: usize = 6;
const ENTITLEMENT_ROWS_PER_INSERT: usize = 100;

const SELECT_ENTERPRISE: &str = "SELECT uscc, name, registration_date, district, park, chain, synthetic, import_id \
     FROM enterprises";

const SELECT_POLICY_RUN: &str = "SELECT id, pack_id, pack_version, pack_sha256, period, \
     known_on, registry_import_id, registry_digest, created_at, enterprise_count FROM policy_runs";

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::from_str(text).map_err(|error| corrupt("date", format!("{text:?}: {error}")))
}

fn optional_date(text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(parse_date).transpose()
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Decodes a row of `SELECT_ENTERPRISE`.
fn enterprise_row<'r>(row: &'r Row<'_>) -> Outcome<EnterpriseRow<'r>> {
    Ok(EnterpriseRow {
        uscc: text(row, 0)?,
        name: text(row, 1)?,
        registration_date: parse_date(text(row, 2)?)?,
        district: text(row, 3)?,
        park: optional_text(row, 4)?,
        chain: text(row, 5)?,
        synthetic: row.get(6)?,
    })
}

/// A multi-row INSERT of `rows` rows of `columns` parameters each.
fn multi_row_insert(head: &str, columns: usize, rows: usize) -> String {
    let mut row = "(?".to_owned();
    for _ in 1..columns {
        row.push_str(", ?");
    }
    row.push(')');
    let mut sql = head.to_owned();
    sql.push_str(" VALUES ");
    for index in 0..rows {
        if index > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row);
    }
    sql
}

/// Inserts `rows` in multi-row INSERTs of `per_insert` rows (a cached
/// statement) and one for the rest; `bind` binds one row's parameters from
/// the 1-based index it is given.
fn insert_in_chunks<T>(
    tx: &Transaction<'_>,
    head: &str,
    columns: usize,
    per_insert: usize,
    rows: &[T],
    mut bind: impl FnMut(&mut rusqlite::Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut chunks = rows.chunks_exact(per_insert);
    if rows.len() >= per_insert {
        let mut insert = tx.prepare_cached(&multi_row_insert(head, columns, per_insert))?;
        for chunk in &mut chunks {
            for (index, row) in chunk.iter().enumerate() {
                bind(&mut insert, index * columns + 1, row)?;
            }
            insert.raw_execute()?;
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut insert = tx.prepare(&multi_row_insert(head, columns, rest.len()))?;
        for (index, row) in rest.iter().enumerate() {
            bind(&mut insert, index * columns + 1, row)?;
        }
        insert.raw_execute()?;
    }
    Ok(())
}

/// The latest stored facts of one enterprise: its rows in key order, newest
/// revision first, keeping the first of each (year, variable).
fn latest_facts_of(tx: &Transaction<'_>, uscc: &str) -> Outcome<Vec<DecodedFact>> {
    let mut statement = tx.prepare_cached(
        "SELECT year, variable, revision, value FROM enterprise_facts WHERE uscc = ? \
         ORDER BY year, variable, revision DESC",
    )?;
    let mut rows = statement.query([uscc])?;
    let mut latest: Vec<DecodedFact> = Vec::new();
    while let Some(row) = rows.next()? {
        let decoded = FactRow {
            year: row.get(0)?,
            variable: text(row, 1)?,
            revision: row.get(2)?,
            value: text(row, 3)?,
        }
        .decode(uscc)?;
        let repeated = latest
            .last()
            .is_some_and(|last| (last.0, last.1) == (decoded.0, decoded.1));
        if !repeated {
            latest.push(decoded);
        }
    }
    Ok(latest)
}

/// Decodes the label columns starting at `first`: kind, valid_from,
/// revision, valid_to, number, source.
fn label_row<'r>(row: &'r Row<'_>, first: usize) -> Outcome<LabelRow<'r>> {
    Ok(LabelRow {
        kind: text(row, first)?,
        valid_from: parse_date(text(row, first + 1)?)?,
        revision: row.get(first + 2)?,
        valid_to: optional_date(optional_text(row, first + 3)?)?,
        number: optional_text(row, first + 4)?,
        source: text(row, first + 5)?,
    })
}

/// The latest stored labels of one enterprise.
fn latest_labels_of(tx: &Transaction<'_>, uscc: &str) -> Outcome<Vec<(Label, u32)>> {
    let mut statement = tx.prepare_cached(
        "SELECT kind, valid_from, revision, valid_to, number, source FROM enterprise_labels \
         WHERE uscc = ? ORDER BY kind, valid_from, revision DESC",
    )?;
    let mut rows = statement.query([uscc])?;
    let mut latest: Vec<(Label, u32)> = Vec::new();
    while let Some(row) = rows.next()? {
        let (label, revision) = label_row(row, 0)?.decode(uscc)?;
        let repeated = latest.last().is_some_and(|(last, _)| {
            (last.kind, last.valid_from) == (label.kind, label.valid_from)
        });
        if !repeated {
            latest.push((label, revision));
        }
    }
    Ok(latest)
}

/// Writes a registry import (see [`Store::save_registry`]) in the caller's
/// transaction.
fn save_registry_batch(tx: &Transaction<'_>, batch: &RegistryBatch) -> Outcome<RegistryOutcome> {
    let mut plan = RegistryPlan::new(batch);
    {
        let mut select = tx.prepare_cached(&format!("{SELECT_ENTERPRISE} WHERE uscc = ?"))?;
        for &code in plan.codes().to_vec().iter() {
            let mut rows = select.query([code])?;
            if let Some(row) = rows.next()? {
                let stored = enterprise_row(row)?.into_enterprise()?;
                plan.stored_enterprise(&stored);
            }
        }
    }
    for code in plan.codes_to_compare()? {
        let facts = latest_facts_of(tx, code)?;
        let labels = latest_labels_of(tx, code)?;
        plan.compare(code, &facts, &labels);
    }
    let writes = plan.writes();
    if writes.writes_nothing() {
        return Ok(writes.outcome);
    }
    let counts = writes.outcome;
    tx.prepare_cached(
        "INSERT INTO registry_imports (files, digest, imported_by, imported_at, \
         enterprises_added, enterprises_updated, facts_added, facts_revised, labels_added, \
         labels_revised) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        json_list(&batch.files),
        batch.digest,
        batch.imported_by,
        timestamp_text(batch.imported_at),
        database_integer(counts.enterprises_added),
        database_integer(counts.enterprises_updated),
        database_integer(counts.facts_added),
        database_integer(counts.facts_revised),
        database_integer(counts.labels_added),
        database_integer(counts.labels_revised),
    ])?;
    let import_id = tx.last_insert_rowid();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO enterprises (uscc, name, registration_date, district, park, chain, \
             synthetic, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for enterprise in &writes.inserts {
            insert.execute(params![
                enterprise.uscc.as_str(),
                enterprise.name,
                date_text(enterprise.registration_date),
                enterprise.district.as_str(),
                enterprise.park.as_ref().map(RegionCode::as_str),
                enterprise.chain.code(),
                enterprise.synthetic,
                import_id,
            ])?;
        }
        let mut update = tx.prepare_cached(
            "UPDATE enterprises SET name = ?, registration_date = ?, district = ?, park = ?, \
             chain = ?, synthetic = ?, import_id = ? WHERE uscc = ?",
        )?;
        for enterprise in &writes.updates {
            update.execute(params![
                enterprise.name,
                date_text(enterprise.registration_date),
                enterprise.district.as_str(),
                enterprise.park.as_ref().map(RegionCode::as_str),
                enterprise.chain.code(),
                enterprise.synthetic,
                import_id,
                enterprise.uscc.as_str(),
            ])?;
        }
    }
    insert_in_chunks(
        tx,
        "INSERT INTO enterprise_facts (uscc, year, variable, revision, value, import_id)",
        FACT_COLUMNS,
        FACT_ROWS_PER_INSERT,
        &writes.facts,
        |insert, first, write| {
            insert.raw_bind_parameter(first, write.uscc)?;
            insert.raw_bind_parameter(first + 1, write.fact.year)?;
            insert.raw_bind_parameter(first + 2, write.fact.fact.name())?;
            insert.raw_bind_parameter(first + 3, write.revision)?;
            insert.raw_bind_parameter(first + 4, write.fact.value.text())?;
            insert.raw_bind_parameter(first + 5, import_id)
        },
    )?;
    insert_in_chunks(
        tx,
        "INSERT INTO enterprise_labels (uscc, kind, valid_from, revision, valid_to, number, \
         source, import_id)",
        LABEL_COLUMNS,
        LABEL_ROWS_PER_INSERT,
        &writes.labels,
        |insert, first, write| {
            let label = write.label;
            insert.raw_bind_parameter(first, write.uscc)?;
            insert.raw_bind_parameter(first + 1, label.kind.code())?;
            insert.raw_bind_parameter(first + 2, date_text(label.valid_from))?;
            insert.raw_bind_parameter(first + 3, write.revision)?;
            insert.raw_bind_parameter(first + 4, label.valid_to.map(date_text))?;
            insert.raw_bind_parameter(first + 5, label.number.as_deref())?;
            insert.raw_bind_parameter(first + 6, label.source.as_str())?;
            insert.raw_bind_parameter(first + 7, import_id)
        },
    )?;
    Ok(RegistryOutcome {
        import_id: Some(import_id),
        ..counts
    })
}

/// Reads the registry (see [`Store::registry`]) in one read transaction.
fn read_registry(
    connection: &mut Connection,
    filter: RegistryFilter,
) -> Outcome<Vec<RegistryEntry>> {
    let tx = connection.transaction()?;
    let mut entries = Vec::new();
    {
        let mut statement = tx.prepare_cached(&format!("{SELECT_ENTERPRISE} ORDER BY uscc"))?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            entries.push(RegistryEntry {
                enterprise: enterprise_row(row)?.into_enterprise()?,
                facts: Vec::new(),
                labels: Vec::new(),
            });
        }
    }
    let mut cursor = EntryCursor::new(&entries);
    if let Some((first_year, last_year)) = fact_year_range(filter.facts) {
        // Every revision in key order, newest first within a key: the first
        // row of each (enterprise, year, variable) is its latest revision.
        let mut statement = tx.prepare_cached(
            "SELECT uscc, year, variable, revision, value FROM enterprise_facts \
             WHERE year BETWEEN ?1 AND ?2 ORDER BY uscc, year, variable, revision DESC",
        )?;
        let mut rows = statement.query([first_year, last_year])?;
        let mut previous: Option<(usize, i32, Fact)> = None;
        while let Some(row) = rows.next()? {
            let uscc = text(row, 0)?;
            let position = cursor.position(uscc)?;
            let (year, fact, _, value) = FactRow {
                year: row.get(1)?,
                variable: text(row, 2)?,
                revision: row.get(3)?,
                value: text(row, 4)?,
            }
            .decode(uscc)?;
            if previous == Some((position, year, fact)) {
                continue;
            }
            previous = Some((position, year, fact));
            entries[position].facts.push(YearFact { year, fact, value });
        }
    }
    {
        let mut statement = tx.prepare_cached(
            "SELECT uscc, kind, valid_from, revision, valid_to, number, source \
             FROM enterprise_labels ORDER BY uscc, kind, valid_from, revision DESC",
        )?;
        let mut rows = statement.query([])?;
        let mut previous: Option<(usize, String, NaiveDate)> = None;
        while let Some(row) = rows.next()? {
            let uscc = text(row, 0)?;
            let position = cursor.position(uscc)?;
            let stored = label_row(row, 1)?;
            if let Some((last_position, last_kind, last_from)) = &previous
                && *last_position == position
                && last_kind == stored.kind
                && *last_from == stored.valid_from
            {
                continue;
            }
            previous = Some((position, stored.kind.to_owned(), stored.valid_from));
            let (label, _) = stored.decode(uscc)?;
            entries[position].labels.push(label);
        }
    }
    for entry in &mut entries {
        sort_entry(entry);
    }
    Ok(entries)
}

fn read_enterprise(connection: &mut Connection, uscc: &str) -> Outcome<Option<EnterpriseHistory>> {
    let tx = connection.transaction()?;
    let (enterprise, import_id) = {
        let mut statement = tx.prepare_cached(&format!("{SELECT_ENTERPRISE} WHERE uscc = ?"))?;
        let mut rows = statement.query([uscc])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        (
            enterprise_row(row)?.into_enterprise()?,
            row.get::<_, i64>(7)?,
        )
    };
    let imports = registry_import_stamps(&tx)?;
    let recorded_at = |import_id: i64| -> Outcome<DateTime<Utc>> {
        imports.get(&import_id).copied().ok_or_else(|| {
            corrupt(
                format!("enterprise {uscc}"),
                format!("its registry import {import_id} is not stored"),
            )
            .into()
        })
    };
    let mut facts = Vec::new();
    {
        let mut statement = tx.prepare_cached(
            "SELECT year, variable, revision, value, import_id FROM enterprise_facts \
             WHERE uscc = ?",
        )?;
        let mut rows = statement.query([uscc])?;
        while let Some(row) = rows.next()? {
            let import_id: i64 = row.get(4)?;
            let (year, fact, revision, value) = FactRow {
                year: row.get(0)?,
                variable: text(row, 1)?,
                revision: row.get(2)?,
                value: text(row, 3)?,
            }
            .decode(uscc)?;
            facts.push(FactRevision {
                year,
                fact,
                value,
                revision,
                import_id,
                recorded_at: recorded_at(import_id)?,
            });
        }
    }
    let mut labels = Vec::new();
    {
        let mut statement = tx.prepare_cached(
            "SELECT kind, valid_from, revision, valid_to, number, source, import_id \
             FROM enterprise_labels WHERE uscc = ?",
        )?;
        let mut rows = statement.query([uscc])?;
        while let Some(row) = rows.next()? {
            let import_id: i64 = row.get(6)?;
            let (label, revision) = label_row(row, 0)?.decode(uscc)?;
            labels.push(LabelRevision {
                label,
                revision,
                import_id,
                recorded_at: recorded_at(import_id)?,
            });
        }
    }
    Ok(Some(history_in_order(enterprise, import_id, facts, labels)))
}

/// When each registry import was recorded, by id.
fn registry_import_stamps(connection: &Connection) -> Outcome<HashMap<i64, DateTime<Utc>>> {
    let mut statement =
        connection.prepare_cached("SELECT id, imported_at FROM registry_imports")?;
    let mut rows = statement.query([])?;
    let mut stamps = HashMap::new();
    while let Some(row) = rows.next()? {
        stamps.insert(row.get(0)?, parse_timestamp(text(row, 1)?)?);
    }
    Ok(stamps)
}

fn registry_import_record(row: &Row<'_>) -> Outcome<RegistryImportRecord> {
    let id: i64 = row.get(0)?;
    let what = format!("counts of registry import {id}");
    let count = |index: usize| -> Outcome<usize> { Ok(stored_count(&what, row.get(index)?)?) };
    Ok(RegistryImportRecord {
        id,
        files: parse_files(text(row, 1)?)?,
        digest: row.get(2)?,
        imported_by: row.get(3)?,
        imported_at: parse_timestamp(text(row, 4)?)?,
        enterprises_added: count(5)?,
        enterprises_updated: count(6)?,
        facts_added: count(7)?,
        facts_revised: count(8)?,
        labels_added: count(9)?,
        labels_revised: count(10)?,
    })
}

fn policy_run(row: &Row<'_>) -> Outcome<PolicyRunRecord> {
    let id: i64 = row.get(0)?;
    Ok(PolicyRunRecord {
        id,
        pack_id: row.get(1)?,
        pack_version: row.get(2)?,
        pack_sha256: row.get(3)?,
        period: row.get(4)?,
        known_on: optional_date(optional_text(row, 5)?)?,
        registry_import_id: row.get(6)?,
        registry_digest: row.get(7)?,
        created_at: parse_timestamp(text(row, 8)?)?,
        enterprise_count: stored_count(&format!("enterprises of policy run {id}"), row.get(9)?)?,
    })
}

fn insert_policy_run(
    tx: &Transaction<'_>,
    run: &PolicyRunRecord,
    entitlements: &[EntitlementRecord],
) -> Outcome<i64> {
    tx.prepare_cached(
        "INSERT INTO policy_runs (pack_id, pack_version, pack_sha256, period, known_on, \
         registry_import_id, registry_digest, created_at, enterprise_count) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        run.pack_id,
        run.pack_version,
        run.pack_sha256,
        run.period,
        run.known_on.map(date_text),
        run.registry_import_id,
        run.registry_digest,
        timestamp_text(run.created_at),
        database_integer(run.enterprise_count),
    ])?;
    let run_id = tx.last_insert_rowid();
    // In the table's key order.
    let mut rows: Vec<&EntitlementRecord> = entitlements.iter().collect();
    rows.sort_by(|a, b| (&a.uscc, &a.policy_id).cmp(&(&b.uscc, &b.policy_id)));
    insert_in_chunks(
        tx,
        "INSERT INTO policy_entitlements (run_id, uscc, policy_id, status, amount, explanation)",
        ENTITLEMENT_COLUMNS,
        ENTITLEMENT_ROWS_PER_INSERT,
        &rows,
        |insert, first, entitlement| {
            insert.raw_bind_parameter(first, run_id)?;
            insert.raw_bind_parameter(first + 1, entitlement.uscc.as_str())?;
            insert.raw_bind_parameter(first + 2, entitlement.policy_id.as_str())?;
            insert.raw_bind_parameter(first + 3, entitlement.status.as_str())?;
            insert.raw_bind_parameter(first + 4, amount_text(entitlement.amount))?;
            insert.raw_bind_parameter(first + 5, entitlement.explanation.as_str())
        },
    )?;
    Ok(run_id)
}

fn read_entitlements(
    connection: &Connection,
    run_id: i64,
    uscc: Option<&str>,
) -> Outcome<Vec<EntitlementRecord>> {
    let mut statement = connection.prepare_cached(
        "SELECT uscc, policy_id, status, amount, explanation FROM policy_entitlements \
         WHERE run_id = ?1 AND (?2 IS NULL OR uscc = ?2) ORDER BY uscc, policy_id",
    )?;
    let mut rows = statement.query(params![run_id, uscc])?;
    let mut entitlements = Vec::new();
    while let Some(row) = rows.next()? {
        entitlements.push(EntitlementRecord {
            uscc: parse_uscc(text(row, 0)?)?,
            policy_id: row.get(1)?,
            status: parse_entitlement_status(text(row, 2)?)?,
            amount: parse_amount(optional_text(row, 3)?)?,
            explanation: row.get(4)?,
        });
    }
    Ok(entitlements)
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn save_plan(
        &self,
        plan: &Plan,
        source_text: &str,
        loaded_at: DateTime<Utc>,
    ) -> Result<PlanSaved> {
        let plan = plan.clone();
        let source_text = source_text.to_owned();
        self.write(move |tx| {
            let latest = latest_plan(tx, &plan.code)?;
            let saved = match plan_change(latest, &plan, &source_text)? {
                PlanChange::Unchanged(version) => PlanSaved::Unchanged(version),
                PlanChange::Insert(version) => {
                    let document =
                        serde_json::to_string(&plan).expect("a plan always serializes to JSON");
                    tx.prepare_cached(
                        "INSERT INTO plan_versions (code, version, document, source_text, \
                         loaded_at) VALUES (?, ?, ?, ?, ?)",
                    )?
                    .execute(params![
                        plan.code.as_str(),
                        version,
                        document,
                        source_text,
                        timestamp_text(loaded_at),
                    ])?;
                    PlanSaved::NewVersion(version)
                }
            };
            set_active_plan(tx, &plan.code)?;
            Ok(saved)
        })
        .await
    }

    async fn active_plan(&self) -> Result<Option<StoredPlan>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(&format!(
                "{SELECT_PLAN} FROM plan_versions AS p JOIN active_plan AS a ON a.code = p.code \
                 ORDER BY p.version DESC LIMIT 1"
            ))?;
            let mut rows = statement.query([])?;
            Ok(stored_plans(&mut rows)?.pop())
        })
        .await
    }

    async fn plan(&self, code: &PlanCode) -> Result<Option<StoredPlan>> {
        let code = code.clone();
        self.read(move |connection| {
            Ok(latest_plan(connection, &code)?
                .map(PlanRow::into_stored_plan)
                .transpose()?)
        })
        .await
    }

    async fn plans(&self) -> Result<Vec<StoredPlan>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(&format!(
                "{SELECT_PLAN} FROM plan_versions AS p \
                 JOIN (SELECT code, MAX(version) AS version, MIN(id) AS first_id \
                       FROM plan_versions GROUP BY code) AS latest \
                   ON latest.code = p.code AND latest.version = p.version \
                 ORDER BY latest.first_id"
            ))?;
            let mut rows = statement.query([])?;
            stored_plans(&mut rows)
        })
        .await
    }

    async fn activate_plan(&self, code: &PlanCode) -> Result<()> {
        let code = code.clone();
        self.write(move |tx| {
            let stored = tx
                .prepare_cached("SELECT 1 FROM plan_versions WHERE code = ? LIMIT 1")?
                .exists([code.as_str()])?;
            if !stored {
                return Err(StoreError::UnknownPlan(code).into());
            }
            set_active_plan(tx, &code)?;
            Ok(())
        })
        .await
    }

    async fn save_regions(&self, regions: &[Region]) -> Result<RegionsSaved> {
        let regions = regions.to_vec();
        self.write(move |tx| {
            let stored = stored_regions(tx)?;
            let last_position: i64 = tx
                .prepare_cached("SELECT COALESCE(MAX(position), 0) FROM regions")?
                .query_row([], |row| row.get(0))?;
            let changes = region_changes(stored, last_position, &regions);
            let mut insert = tx.prepare_cached(
                "INSERT INTO regions (code, name_zh, name_en, kind, parent, note, position) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (region, position) in &changes.inserts {
                insert.execute(params![
                    region.code.as_str(),
                    region.name_zh,
                    region.name_en,
                    region_kind_text(region.kind),
                    region.parent.as_ref().map(RegionCode::as_str),
                    region.note,
                    position,
                ])?;
            }
            let mut update = tx.prepare_cached(
                "UPDATE regions SET name_zh = ?, name_en = ?, kind = ?, parent = ?, note = ? \
                 WHERE code = ?",
            )?;
            for region in &changes.updates {
                update.execute(params![
                    region.name_zh,
                    region.name_en,
                    region_kind_text(region.kind),
                    region.parent.as_ref().map(RegionCode::as_str),
                    region.note,
                    region.code.as_str(),
                ])?;
            }
            Ok(RegionsSaved {
                added: changes.inserts.len(),
                updated: changes.updates.len(),
                unchanged: changes.unchanged,
            })
        })
        .await
    }

    async fn regions(&self) -> Result<Vec<Region>> {
        self.read(|connection| stored_regions(connection)).await
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportOutcome> {
        // The closure runs on another thread and may outlive this future if
        // it is dropped, so it owns a copy of the batch.
        let batch = batch.clone();
        self.write(move |tx| import_batch(tx, &batch)).await
    }

    async fn latest_observations(
        &self,
        filter: &ObservationFilter,
    ) -> Result<Vec<ObservationRecord>> {
        // Every revision in key order, newest first within a key (the
        // primary key's own order: no sort); the first row of each key is its
        // latest revision. The few imports are read first, in the same
        // transaction, rather than joined to every row.
        let mut sql = "SELECT indicator, region, period, revision, value, qualifier, unit, \
                       source, source_quality, note, import_id FROM observations WHERE 1 = 1"
            .to_owned();
        let mut parameters = Vec::new();
        if !filter.indicators.is_empty() {
            sql.push_str(" AND indicator IN (SELECT value FROM json_each(?))");
            parameters.push(json_list::<IndicatorCode>(&filter.indicators));
        }
        if !filter.regions.is_empty() {
            sql.push_str(" AND region IN (SELECT value FROM json_each(?))");
            parameters.push(json_list::<RegionCode>(&filter.regions));
        }
        sql.push_str(" ORDER BY indicator, region, period, revision DESC");
        let mut records = self
            .read(move |connection| {
                let tx = connection.transaction()?;
                let imports = import_stamps(&tx)?;
                let mut statement = tx.prepare_cached(&sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(&parameters))?;
                let mut keys = FirstOfKey::default();
                let mut records = Vec::new();
                while let Some(row) = rows.next()? {
                    if keys.is_first(text(row, 0)?, text(row, 1)?, text(row, 2)?) {
                        records.push(latest_record(row, &imports)?);
                    }
                }
                Ok(records)
            })
            .await?;
        sort_by_key(&mut records);
        Ok(records)
    }

    async fn history(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
    ) -> Result<Vec<ObservationRecord>> {
        let (indicator, region) = (indicator.clone(), region.clone());
        let mut records = self
            .read(move |connection| {
                let mut statement = connection.prepare_cached(&format!(
                    "{SELECT_OBSERVATIONS} FROM observations AS o \
                     JOIN imports AS i ON i.id = o.import_id \
                     WHERE o.indicator = ? AND o.region = ?"
                ))?;
                let mut rows = statement.query([indicator.as_str(), region.as_str()])?;
                observation_records(&mut rows)
            })
            .await?;
        sort_by_period_and_revision(&mut records);
        Ok(records)
    }

    async fn imports(&self) -> Result<Vec<ImportRecord>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT id, files, digest, imported_by, imported_at, added, revised \
                 FROM imports ORDER BY id",
            )?;
            let mut rows = statement.query([])?;
            let mut imports = Vec::new();
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let (added, revised) =
                    import_counts(&format!("counts of import {id}"), row.get(5)?, row.get(6)?)?;
                imports.push(ImportRecord {
                    id,
                    files: parse_files(text(row, 1)?)?,
                    digest: row.get(2)?,
                    imported_by: row.get(3)?,
                    imported_at: parse_timestamp(text(row, 4)?)?,
                    added,
                    revised,
                });
            }
            Ok(imports)
        })
        .await
    }

    async fn save_evaluation(&self, evaluation: &StoredEvaluation) -> Result<i64> {
        let evaluation = evaluation.clone();
        self.write(move |tx| insert_evaluation(tx, &evaluation))
            .await
    }

    async fn evaluation_runs(&self) -> Result<Vec<EvaluationRunRecord>> {
        self.read(|connection| {
            let mut statement =
                connection.prepare_cached(&format!("{SELECT_EVALUATION_RUN} ORDER BY id"))?;
            let mut rows = statement.query([])?;
            let mut runs = Vec::new();
            while let Some(row) = rows.next()? {
                runs.push(evaluation_run(row)?);
            }
            Ok(runs)
        })
        .await
    }

    async fn evaluation(&self, id: i64) -> Result<Option<StoredEvaluation>> {
        self.read(move |connection| read_evaluation(connection, id))
            .await
    }
    async fn save_registry(&self, batch: &RegistryBatch) -> Result<RegistryOutcome> {
        let batch = batch.clone();
        self.write(move |tx| save_registry_batch(tx, &batch)).await
    }

    async fn registry(&self, filter: &RegistryFilter) -> Result<Vec<RegistryEntry>> {
        let filter = *filter;
        self.read(move |connection| read_registry(connection, filter))
            .await
    }

    async fn enterprise(&self, uscc: &Uscc) -> Result<Option<EnterpriseHistory>> {
        let uscc = uscc.clone();
        self.read(move |connection| read_enterprise(connection, uscc.as_str()))
            .await
    }

    async fn enterprise_count(&self) -> Result<usize> {
        self.read(|connection| {
            let count: i64 = connection
                .prepare_cached("SELECT COUNT(*) FROM enterprises")?
                .query_row([], |row| row.get(0))?;
            Ok(stored_count("count of enterprises", count)?)
        })
        .await
    }

    async fn enterprise_codes(&self) -> Result<Vec<Uscc>> {
        self.read(|connection| {
            let mut statement =
                connection.prepare_cached("SELECT uscc FROM enterprises ORDER BY uscc")?;
            let mut rows = statement.query([])?;
            let mut codes = Vec::new();
            while let Some(row) = rows.next()? {
                codes.push(parse_uscc(text(row, 0)?)?);
            }
            Ok(codes)
        })
        .await
    }

    async fn registry_imports(&self) -> Result<Vec<RegistryImportRecord>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT id, files, digest, imported_by, imported_at, enterprises_added, \
                 enterprises_updated, facts_added, facts_revised, labels_added, labels_revised \
                 FROM registry_imports ORDER BY id",
            )?;
            let mut rows = statement.query([])?;
            let mut imports = Vec::new();
            while let Some(row) = rows.next()? {
                imports.push(registry_import_record(row)?);
            }
            Ok(imports)
        })
        .await
    }

    async fn save_policy_run(
        &self,
        run: &PolicyRunRecord,
        entitlements: &[EntitlementRecord],
    ) -> Result<i64> {
        let run = run.clone();
        let entitlements = entitlements.to_vec();
        self.write(move |tx| insert_policy_run(tx, &run, &entitlements))
            .await
    }

    async fn policy_runs(&self) -> Result<Vec<PolicyRunRecord>> {
        self.read(|connection| {
            let mut statement =
                connection.prepare_cached(&format!("{SELECT_POLICY_RUN} ORDER BY id"))?;
            let mut rows = statement.query([])?;
            let mut runs = Vec::new();
            while let Some(row) = rows.next()? {
                runs.push(policy_run(row)?);
            }
            Ok(runs)
        })
        .await
    }

    async fn policy_entitlements(
        &self,
        run_id: i64,
        uscc: Option<&Uscc>,
    ) -> Result<Vec<EntitlementRecord>> {
        let uscc = uscc.map(|code| code.to_string());
        self.read(move |connection| read_entitlements(connection, run_id, uscc.as_deref()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn timestamp_text_is_fixed_width_utc() {
        let at = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap();
        assert_eq!(timestamp_text(at), "2024-03-01T08:00:00.000000Z");
        let later = at + chrono::Duration::nanoseconds(1_500);
        assert_eq!(timestamp_text(later), "2024-03-01T08:00:00.000001Z");
        assert_eq!(
            parse_timestamp(&timestamp_text(later)).unwrap(),
            at + chrono::Duration::microseconds(1)
        );
        assert!(parse_timestamp("yesterday").is_err());
    }
}
