//! The SQLite store: one file, created on first use, in WAL mode.
//!
//! Every write runs in a `BEGIN IMMEDIATE` transaction: it takes the write
//! lock before reading what it compares against, so that two writers (two
//! processes on the same file) wait for each other (the busy timeout) instead
//! of failing on a stale snapshot.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use zijin_domain::{IndicatorCode, ObservationRecord, Plan, PlanCode, Region, RegionCode};

use crate::common::{
    ImportPlan, LatestRow, ObservationRow, PlanChange, PlanRow, RegionRow, carry, corrupt,
    import_counts, parse_files, plan_change, region_changes, region_kind_text, sort_by_key,
    sort_by_period_and_revision, stored_timestamp, uncarry,
};
use crate::{
    ImportBatch, ImportOutcome, ImportRecord, ObservationFilter, PlanSaved, RegionsSaved, Result,
    Store, StoreError, StoredPlan,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// Bound parameters per inserted observation row.
const OBSERVATION_COLUMNS: usize = 11;

/// Rows per multi-row INSERT: as many as fit under the bundled SQLite's limit
/// of 32,766 bound parameters.
const ROWS_PER_INSERT: usize = 32_766 / OBSERVATION_COLUMNS;

/// Rows the SQLite worker thread may read ahead of the task decoding them.
const ROW_BUFFER: usize = 1024;

/// The columns `observation_record` reads, in its order.
const SELECT_OBSERVATIONS: &str = "SELECT o.indicator, o.region, o.period, o.revision, o.value, \
     o.qualifier, o.unit, o.source, o.source_quality, o.note, o.import_id, i.imported_by, \
     i.imported_at";

const SELECT_PLAN: &str = "SELECT p.version, p.document, p.source_text, p.loaded_at";

/// A Zijin database in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the database file at `path`, creating it if it is missing, and
    /// brings its schema up to date. The folder must exist.
    pub async fn open(path: &Path) -> Result<Self> {
        let location = path.display().to_string();
        let open_error = |source| StoreError::Open {
            location: location.clone(),
            source,
        };
        // An in-memory database would be private to each pooled connection:
        // the migrations would run on one and the others would see no tables.
        if location.is_empty() || location == ":memory:" {
            return Err(open_error(sqlx::Error::Configuration(
                "an in-memory SQLite database cannot be shared by the store's connections; give a file path".into(),
            )));
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode, NORMAL is durable against application crashes and
            // much faster than FULL; a power cut may lose the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // SQLite runs on a worker thread that hands rows over through a
            // channel; with sqlx's default of 50 rows, reading a million rows
            // costs tens of thousands of thread wake-ups.
            .row_buffer_size(ROW_BUFFER);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        // `run_direct` on one connection rather than `run(&pool)`: the future
        // of `run` is not provably `Send` through its `Acquire` bound, and
        // callers spawn this future.
        let mut connection = pool.acquire().await.map_err(open_error)?;
        MIGRATOR
            .run_direct(&mut *connection)
            .await
            .map_err(|source| StoreError::Migrate {
                location: location.clone(),
                source,
            })?;
        drop(connection);
        Ok(SqliteStore { pool })
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
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

fn plan_row(row: &SqliteRow) -> Result<PlanRow> {
    Ok(PlanRow {
        version: row.try_get(0)?,
        document: row.try_get(1)?,
        source_text: row.try_get(2)?,
        loaded_at: parse_timestamp(row.try_get(3)?)?,
    })
}

fn region_row(row: &SqliteRow) -> Result<RegionRow> {
    Ok(RegionRow {
        code: row.try_get(0)?,
        name_zh: row.try_get(1)?,
        name_en: row.try_get(2)?,
        kind: row.try_get(3)?,
        parent: row.try_get(4)?,
        note: row.try_get(5)?,
    })
}

/// Decodes a row of `SELECT_OBSERVATIONS`, for `try_map`.
fn observation_record(row: SqliteRow) -> Result<ObservationRecord, sqlx::Error> {
    ObservationRow {
        indicator: row.try_get(0)?,
        region: row.try_get(1)?,
        period: row.try_get(2)?,
        revision: row.try_get(3)?,
        value: row.try_get(4)?,
        qualifier: row.try_get(5)?,
        unit: row.try_get(6)?,
        source: row.try_get(7)?,
        source_quality: row.try_get(8)?,
        note: row.try_get(9)?,
        import_id: row.try_get(10)?,
        imported_by: row.try_get(11)?,
        imported_at: parse_timestamp(row.try_get(12)?).map_err(carry)?,
    }
    .into_record()
    .map_err(carry)
}

fn latest_row(row: &SqliteRow) -> Result<LatestRow<'_>, sqlx::Error> {
    Ok(LatestRow {
        region: row.try_get(0)?,
        period: row.try_get(1)?,
        revision: row.try_get(2)?,
        value: row.try_get(3)?,
        qualifier: row.try_get(4)?,
        unit: row.try_get(5)?,
        source: row.try_get(6)?,
        source_quality: row.try_get(7)?,
        note: row.try_get(8)?,
    })
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

async fn set_active_plan(tx: &mut Transaction<'static, Sqlite>, code: &PlanCode) -> Result<()> {
    sqlx::query(
        "INSERT INTO active_plan (singleton, code) VALUES (1, ?) \
         ON CONFLICT (singleton) DO UPDATE SET code = excluded.code",
    )
    .bind(code.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
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
        let mut tx = self.begin_write().await?;
        let latest = sqlx::query(&format!(
            "{SELECT_PLAN} FROM plan_versions AS p WHERE p.code = ? ORDER BY p.version DESC LIMIT 1"
        ))
        .bind(plan.code.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(plan_row)
        .transpose()?;
        let saved = match plan_change(latest, plan, source_text)? {
            PlanChange::Unchanged(version) => PlanSaved::Unchanged(version),
            PlanChange::Insert(version) => {
                let document =
                    serde_json::to_string(plan).expect("a plan always serializes to JSON");
                sqlx::query(
                    "INSERT INTO plan_versions (code, version, document, source_text, loaded_at) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(plan.code.as_str())
                .bind(i64::from(version))
                .bind(document)
                .bind(source_text)
                .bind(timestamp_text(loaded_at))
                .execute(&mut *tx)
                .await?;
                PlanSaved::NewVersion(version)
            }
        };
        set_active_plan(&mut tx, &plan.code).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn active_plan(&self) -> Result<Option<StoredPlan>> {
        sqlx::query(&format!(
            "{SELECT_PLAN} FROM plan_versions AS p JOIN active_plan AS a ON a.code = p.code \
             ORDER BY p.version DESC LIMIT 1"
        ))
        .fetch_optional(&self.pool)
        .await?
        .map(|row| plan_row(&row)?.into_stored_plan())
        .transpose()
    }

    async fn plan(&self, code: &PlanCode) -> Result<Option<StoredPlan>> {
        sqlx::query(&format!(
            "{SELECT_PLAN} FROM plan_versions AS p WHERE p.code = ? ORDER BY p.version DESC LIMIT 1"
        ))
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| plan_row(&row)?.into_stored_plan())
        .transpose()
    }

    async fn plans(&self) -> Result<Vec<StoredPlan>> {
        sqlx::query(&format!(
            "{SELECT_PLAN} FROM plan_versions AS p \
             JOIN (SELECT code, MAX(version) AS version, MIN(id) AS first_id \
                   FROM plan_versions GROUP BY code) AS latest \
               ON latest.code = p.code AND latest.version = p.version \
             ORDER BY latest.first_id"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| plan_row(row)?.into_stored_plan())
        .collect()
    }

    async fn activate_plan(&self, code: &PlanCode) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stored = sqlx::query("SELECT 1 FROM plan_versions WHERE code = ? LIMIT 1")
            .bind(code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if stored.is_none() {
            return Err(StoreError::UnknownPlan(code.clone()));
        }
        set_active_plan(&mut tx, code).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_regions(&self, regions: &[Region]) -> Result<RegionsSaved> {
        let mut tx = self.begin_write().await?;
        let stored = sqlx::query(
            "SELECT code, name_zh, name_en, kind, parent, note FROM regions ORDER BY position",
        )
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| region_row(row)?.into_region())
        .collect::<Result<Vec<_>>>()?;
        let last_position: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM regions")
                .fetch_one(&mut *tx)
                .await?;
        let changes = region_changes(stored, last_position, regions);
        for (region, position) in &changes.inserts {
            sqlx::query(
                "INSERT INTO regions (code, name_zh, name_en, kind, parent, note, position) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(region.code.as_str())
            .bind(&region.name_zh)
            .bind(&region.name_en)
            .bind(region_kind_text(region.kind))
            .bind(region.parent.as_ref().map(RegionCode::as_str))
            .bind(region.note.as_deref())
            .bind(position)
            .execute(&mut *tx)
            .await?;
        }
        for region in &changes.updates {
            sqlx::query(
                "UPDATE regions SET name_zh = ?, name_en = ?, kind = ?, parent = ?, note = ? \
                 WHERE code = ?",
            )
            .bind(&region.name_zh)
            .bind(&region.name_en)
            .bind(region_kind_text(region.kind))
            .bind(region.parent.as_ref().map(RegionCode::as_str))
            .bind(region.note.as_deref())
            .bind(region.code.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(RegionsSaved {
            added: changes.inserts.len(),
            updated: changes.updates.len(),
            unchanged: changes.unchanged,
        })
    }

    async fn regions(&self) -> Result<Vec<Region>> {
        sqlx::query(
            "SELECT code, name_zh, name_en, kind, parent, note FROM regions ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| region_row(row)?.into_region())
        .collect()
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportOutcome> {
        let mut tx = self.begin_write().await?;
        let mut plan = ImportPlan::new(&batch.observations);
        for (indicator, positions) in plan.indicators() {
            let mut comparison = plan.compare(&positions);
            sqlx::query(
                "SELECT region, period, revision, value, qualifier, unit, source, \
                 source_quality, note FROM latest_observation_revisions WHERE indicator = ?",
            )
            .bind(indicator.as_str())
            .try_map(|row: SqliteRow| comparison.latest(latest_row(&row)?).map_err(carry))
            .fetch_all(&mut *tx)
            .await
            .map_err(uncarry)?;
        }
        if plan.writes_nothing() {
            // Dropping the transaction rolls it back; nothing was written anyway.
            return Ok(plan.outcome(None));
        }
        let counts = plan.outcome(None);
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO imports (files, digest, imported_by, imported_at, added, revised) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(json_list(&batch.files))
        .bind(&batch.digest)
        .bind(&batch.imported_by)
        .bind(timestamp_text(batch.imported_at))
        .bind(database_integer(counts.added))
        .bind(database_integer(counts.revised))
        .fetch_one(&mut *tx)
        .await?;
        let rows = plan.rows();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO observations (indicator, region, period, revision, value, \
                 qualifier, unit, source, source_quality, note, import_id) ",
            );
            insert.push_values(chunk, |mut row, &(observation, revision)| {
                row.push_bind(observation.indicator.as_str())
                    .push_bind(observation.region.as_str())
                    .push_bind(observation.period.to_string())
                    .push_bind(i64::from(revision))
                    .push_bind(observation.value)
                    .push_bind(observation.qualifier.symbol())
                    .push_bind(observation.unit.as_str())
                    .push_bind(observation.source.as_str())
                    .push_bind(observation.source_quality.as_str())
                    .push_bind(observation.note.as_deref())
                    .push_bind(import_id);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(plan.outcome(Some(import_id)))
    }

    async fn latest_observations(
        &self,
        filter: &ObservationFilter,
    ) -> Result<Vec<ObservationRecord>> {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "{SELECT_OBSERVATIONS} FROM latest_observation_revisions AS o \
             JOIN imports AS i ON i.id = o.import_id WHERE 1 = 1"
        ));
        if !filter.indicators.is_empty() {
            query
                .push(" AND o.indicator IN (SELECT value FROM json_each(")
                .push_bind(json_list::<IndicatorCode>(&filter.indicators))
                .push("))");
        }
        if !filter.regions.is_empty() {
            query
                .push(" AND o.region IN (SELECT value FROM json_each(")
                .push_bind(json_list::<RegionCode>(&filter.regions))
                .push("))");
        }
        let mut records = query
            .build()
            .try_map(observation_record)
            .fetch_all(&self.pool)
            .await
            .map_err(uncarry)?;
        sort_by_key(&mut records);
        Ok(records)
    }

    async fn history(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
    ) -> Result<Vec<ObservationRecord>> {
        let mut records = sqlx::query(&format!(
            "{SELECT_OBSERVATIONS} FROM observations AS o JOIN imports AS i ON i.id = o.import_id \
             WHERE o.indicator = ? AND o.region = ?"
        ))
        .bind(indicator.as_str())
        .bind(region.as_str())
        .try_map(observation_record)
        .fetch_all(&self.pool)
        .await
        .map_err(uncarry)?;
        sort_by_period_and_revision(&mut records);
        Ok(records)
    }

    async fn imports(&self) -> Result<Vec<ImportRecord>> {
        sqlx::query(
            "SELECT id, files, digest, imported_by, imported_at, added, revised \
             FROM imports ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            let (added, revised) = import_counts(
                &format!("counts of import {id}"),
                row.try_get(5)?,
                row.try_get(6)?,
            )?;
            Ok(ImportRecord {
                id,
                files: parse_files(row.try_get(1)?)?,
                digest: row.try_get(2)?,
                imported_by: row.try_get(3)?,
                imported_at: parse_timestamp(row.try_get(4)?)?,
                added,
                revised,
            })
        })
        .collect()
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
