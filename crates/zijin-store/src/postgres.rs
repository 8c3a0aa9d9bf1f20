//! The PostgreSQL store.
//!
//! Tables live in the first schema of the connection's `search_path` (the
//! migrations never name a schema), so a deployment or a test can keep Zijin
//! in a schema of its own: see [`PostgresStore::connect_with`].
//!
//! Each write locks the table it numbers (plan versions, region positions,
//! observation revisions) in SHARE ROW EXCLUSIVE mode before reading what it
//! compares against: concurrent writers then wait for each other instead of
//! computing the same next number, while readers are never blocked.

use std::str::FromStr;
use std::time::Duration;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Postgres, QueryBuilder, Row, Transaction};
use zijin_domain::{
    Enterprise, IndicatorCode, Label, ObservationRecord, Plan, PlanCode, Region, RegionCode,
    RegistryEntry, Uscc, YearFact,
};

use crate::common::{
    DecodedFact, EnterpriseRow, EntryCursor, FactRow, ImportPlan, LabelRow, LatestRow,
    ObservationRow, PlanChange, PlanRow, RegionRow, RegistryPlan, amount_text, carry, corrupt,
    fact_year_range, finite, groups_text, history_in_order, import_counts, parse_amount,
    parse_entitlement_status, parse_groups, parse_uscc, plan_change, redact, region_changes,
    region_kind_text, sort_by_key, sort_by_period_and_revision, sort_entry, stored_count,
    stored_timestamp, stored_u32, u64_bits, u64_from_bits, uncarry,
};
use crate::{
    EnterpriseHistory, EntitlementRecord, EvaluationNodeRecord, EvaluationRankRecord,
    EvaluationResultRecord, EvaluationRunRecord, EvaluationUnitRecord, FactRevision, ImportBatch,
    ImportOutcome, ImportRecord, LabelRevision, ObservationFilter, PlanSaved, PolicyRunRecord,
    RegionsSaved, RegistryBatch, RegistryFilter, RegistryImportRecord, RegistryOutcome, Result,
    Store, StoreError, StoredEvaluation, StoredPlan,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Rows per INSERT ... SELECT FROM UNNEST: each column is one array
/// parameter, so there is no limit on bound parameters, only on memory and on
/// how long one statement runs.
const ROWS_PER_INSERT: usize = 10_000;

/// The columns `observation_record` reads, in its order.
const SELECT_OBSERVATIONS: &str = "SELECT o.indicator, o.region, o.period, o.revision, o.value, \
     o.qualifier, o.unit, o.source, o.source_quality, o.note, o.import_id, i.imported_by, \
     i.imported_at";

const SELECT_PLAN: &str = "SELECT p.version, p.document, p.source_text, p.loaded_at";

/// A Zijin database in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`)
    /// and brings its schema up to date. Error messages show the URL without
    /// its password.
    pub async fn connect(url: &str) -> Result<Self> {
        let location = redact(url);
        let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?;
        Self::connect_to(options, location).await
    }

    /// Connects with options built by the caller and brings the schema up to
    /// date. The tables are created in, and read from, the first schema of the
    /// connection's `search_path`. To keep Zijin in a schema of its own (the
    /// storage tests use a fresh schema per test, so that they can run in
    /// parallel and leave nothing behind), create the schema first and pass
    /// `options.options([("search_path", "the_schema")])`.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let location = describe(&options);
        Self::connect_to(options, location).await
    }

    /// Creates the schema `schema` in the database at `url` and connects with
    /// it as the search path: a database of its own inside a shared server,
    /// for benchmarks and tests. `schema` must be a plain identifier (ASCII
    /// letters, digits and `_`, not starting with a digit). Remove it with
    /// [`PostgresStore::drop_schema`].
    pub async fn connect_in_new_schema(url: &str, schema: &str) -> Result<Self> {
        let location = redact(url);
        let open_error = |source| StoreError::Open {
            location: location.clone(),
            source,
        };
        check_schema_name(schema).map_err(open_error)?;
        let options = PgConnectOptions::from_str(url).map_err(open_error)?;
        let mut admin = PgConnection::connect_with(&options)
            .await
            .map_err(open_error)?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let options = options.options([("search_path", schema)]);
        Self::connect_to(options, format!("{location} (schema {schema})")).await
    }

    /// Drops the schema `schema` and everything in it, then closes the store's
    /// connections: the counterpart of [`PostgresStore::connect_in_new_schema`].
    pub async fn drop_schema(&self, schema: &str) -> Result<()> {
        check_schema_name(schema)?;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&self.pool)
            .await?;
        self.pool.close().await;
        Ok(())
    }

    async fn connect_to(options: PgConnectOptions, location: String) -> Result<Self> {
        // One direct connection first: it fails at once when the server is
        // unreachable or refuses the login (a pool would keep retrying until
        // its acquire timeout), and it runs the migrations.
        let open_error = |source| StoreError::Open {
            location: location.clone(),
            source,
        };
        let mut connection = PgConnection::connect_with(&options)
            .await
            .map_err(open_error)?;
        MIGRATOR
            .run_direct(&mut connection)
            .await
            .map_err(|source| StoreError::Migrate {
                location: location.clone(),
                source,
            })?;
        connection.close().await.map_err(open_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(options);
        Ok(PostgresStore { pool })
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction that holds `table` against other writers.
    async fn begin_write(&self, table: &str) -> Result<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// Where options point, for messages; options never show a password.
fn describe(options: &PgConnectOptions) -> String {
    let user = options.get_username();
    let mut location = format!(
        "postgres://{user}@{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or(user)
    );
    if let Some(settings) = options.get_options() {
        location.push_str(&format!(" (options {settings:?})"));
    }
    location
}

fn plan_row(row: &PgRow) -> Result<PlanRow> {
    Ok(PlanRow {
        version: row.try_get(0)?,
        document: row.try_get(1)?,
        source_text: row.try_get(2)?,
        loaded_at: row.try_get(3)?,
    })
}

fn region_row(row: &PgRow) -> Result<RegionRow> {
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
fn observation_record(row: PgRow) -> Result<ObservationRecord, sqlx::Error> {
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
        imported_at: row.try_get(12)?,
    }
    .into_record()
    .map_err(carry)
}

fn latest_row(row: &PgRow) -> Result<LatestRow<'_>, sqlx::Error> {
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

fn database_integer(count: usize) -> i64 {
    i64::try_from(count).expect("a count fits in 64 bits")
}

fn revision_integer(revision: u32) -> i32 {
    i32::try_from(revision).expect("a revision fits in the INTEGER column")
}

async fn set_active_plan(tx: &mut Transaction<'static, Postgres>, code: &PlanCode) -> Result<()> {
    sqlx::query(
        "INSERT INTO active_plan (singleton, code) VALUES (1, $1) \
         ON CONFLICT (singleton) DO UPDATE SET code = excluded.code",
    )
    .bind(code.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const SELECT_EVALUATION_RUN: &str = "SELECT id, framework, version, key, name_zh, name_en, \
     unit_kind, year, synthetic, note_zh, note_en, runs, seed, index_code, framework_text, \
     created_at FROM evaluation_runs";

/// Rows per multi-row INSERT of evaluation results (7 parameters a row, far
/// under PostgreSQL's limit of 65,535).
const EVALUATION_ROWS_PER_INSERT: usize = 2_000;

fn evaluation_run(row: &PgRow) -> Result<EvaluationRunRecord> {
    let runs: i64 = row.try_get(11)?;
    Ok(EvaluationRunRecord {
        id: row.try_get(0)?,
        framework: row.try_get(1)?,
        version: row.try_get(2)?,
        key: row.try_get(3)?,
        name_zh: row.try_get(4)?,
        name_en: row.try_get(5)?,
        unit_kind: row.try_get(6)?,
        year: row.try_get(7)?,
        synthetic: row.try_get(8)?,
        note_zh: row.try_get(9)?,
        note_en: row.try_get(10)?,
        runs: u64::try_from(runs).map_err(|_| corrupt("evaluation run", format!("runs {runs}")))?,
        seed: u64_from_bits(row.try_get(12)?),
        index_code: row.try_get(13)?,
        framework_text: row.try_get(14)?,
        created_at: row.try_get(15)?,
    })
}

fn position_integer(position: usize) -> i32 {
    i32::try_from(position).expect("a position fits in the INTEGER column")
}

fn rank_integer(rank: u32) -> i32 {
    i32::try_from(rank).expect("a rank fits in the INTEGER column")
}

// The enterprise registry and the policy runs.

/// Credit codes per `= ANY($1)` query while an import reads what is stored.
const CODES_PER_QUERY: usize = 2_000;

const SELECT_ENTERPRISE: &str = "SELECT uscc, name, registration_date, district, park, chain, synthetic, import_id \
     FROM enterprises";

const SELECT_POLICY_RUN: &str = "SELECT id, pack_id, pack_version, pack_sha256, period, \
     known_on, registry_import_id, registry_digest, created_at, enterprise_count FROM policy_runs";

/// Decodes a row of `SELECT_ENTERPRISE`.
fn enterprise_row(row: &PgRow) -> Result<Enterprise, sqlx::Error> {
    EnterpriseRow {
        uscc: row.try_get(0)?,
        name: row.try_get(1)?,
        registration_date: row.try_get(2)?,
        district: row.try_get(3)?,
        park: row.try_get(4)?,
        chain: row.try_get(5)?,
        synthetic: row.try_get(6)?,
    }
    .into_enterprise()
    .map_err(carry)
}

fn fact_row(row: &PgRow, first: usize) -> Result<FactRow<'_>, sqlx::Error> {
    Ok(FactRow {
        year: row.try_get(first)?,
        variable: row.try_get(first + 1)?,
        revision: row.try_get(first + 2)?,
        value: row.try_get(first + 3)?,
    })
}

fn label_row(row: &PgRow, first: usize) -> Result<LabelRow<'_>, sqlx::Error> {
    Ok(LabelRow {
        kind: row.try_get(first)?,
        valid_from: row.try_get(first + 1)?,
        revision: row.try_get(first + 2)?,
        valid_to: row.try_get(first + 3)?,
        number: row.try_get(first + 4)?,
        source: row.try_get(first + 5)?,
    })
}

fn count_of(what: &str, value: i64) -> Result<usize> {
    stored_count(what, value)
}

fn registry_import_record(row: &PgRow) -> Result<RegistryImportRecord> {
    let id: i64 = row.try_get(0)?;
    let what = format!("counts of registry import {id}");
    Ok(RegistryImportRecord {
        id,
        files: row.try_get(1)?,
        digest: row.try_get(2)?,
        imported_by: row.try_get(3)?,
        imported_at: row.try_get(4)?,
        enterprises_added: count_of(&what, row.try_get(5)?)?,
        enterprises_updated: count_of(&what, row.try_get(6)?)?,
        facts_added: count_of(&what, row.try_get(7)?)?,
        facts_revised: count_of(&what, row.try_get(8)?)?,
        labels_added: count_of(&what, row.try_get(9)?)?,
        labels_revised: count_of(&what, row.try_get(10)?)?,
    })
}

fn policy_run(row: &PgRow) -> Result<PolicyRunRecord> {
    let id: i64 = row.try_get(0)?;
    Ok(PolicyRunRecord {
        id,
        pack_id: row.try_get(1)?,
        pack_version: row.try_get(2)?,
        pack_sha256: row.try_get(3)?,
        period: row.try_get(4)?,
        known_on: row.try_get(5)?,
        registry_import_id: row.try_get(6)?,
        registry_digest: row.try_get(7)?,
        created_at: row.try_get(8)?,
        enterprise_count: count_of(&format!("enterprises of policy run {id}"), row.try_get(9)?)?,
    })
}

/// Begins a read-only transaction that sees one snapshot.
async fn begin_snapshot(pool: &PgPool) -> Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Writes a registry import (see [`Store::save_registry`]).
async fn save_registry_batch(
    tx: &mut Transaction<'static, Postgres>,
    batch: &RegistryBatch,
) -> Result<RegistryOutcome> {
    let mut plan = RegistryPlan::new(batch);
    let codes: Vec<&str> = plan.codes().to_vec();
    for chunk in codes.chunks(CODES_PER_QUERY) {
        let stored = sqlx::query(&format!("{SELECT_ENTERPRISE} WHERE uscc = ANY($1)"))
            .bind(chunk)
            .try_map(|row: PgRow| enterprise_row(&row))
            .fetch_all(&mut **tx)
            .await
            .map_err(uncarry)?;
        for enterprise in &stored {
            plan.stored_enterprise(enterprise);
        }
    }
    let to_compare = plan.codes_to_compare()?;
    for chunk in to_compare.chunks(CODES_PER_QUERY) {
        let mut facts: HashMap<String, Vec<DecodedFact>> = HashMap::new();
        sqlx::query(
            "SELECT uscc, year, variable, revision, value FROM latest_enterprise_fact_revisions \
             WHERE uscc = ANY($1)",
        )
        .bind(chunk)
        .try_map(|row: PgRow| {
            let uscc: &str = row.try_get(0)?;
            let decoded = fact_row(&row, 1)?.decode(uscc).map_err(carry)?;
            facts.entry(uscc.to_owned()).or_default().push(decoded);
            Ok(())
        })
        .fetch_all(&mut **tx)
        .await
        .map_err(uncarry)?;
        let mut labels: HashMap<String, Vec<(Label, u32)>> = HashMap::new();
        sqlx::query(
            "SELECT uscc, kind, valid_from, revision, valid_to, number, source \
             FROM latest_enterprise_label_revisions WHERE uscc = ANY($1)",
        )
        .bind(chunk)
        .try_map(|row: PgRow| {
            let uscc: &str = row.try_get(0)?;
            let decoded = label_row(&row, 1)?.decode(uscc).map_err(carry)?;
            labels.entry(uscc.to_owned()).or_default().push(decoded);
            Ok(())
        })
        .fetch_all(&mut **tx)
        .await
        .map_err(uncarry)?;
        for &code in chunk {
            let stored_facts = facts.get(code).map_or(&[][..], Vec::as_slice);
            let stored_labels = labels.get(code).map_or(&[][..], Vec::as_slice);
            plan.compare(code, stored_facts, stored_labels);
        }
    }
    let writes = plan.writes();
    if writes.writes_nothing() {
        return Ok(writes.outcome);
    }
    let counts = writes.outcome;
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO registry_imports (files, digest, imported_by, imported_at, \
         enterprises_added, enterprises_updated, facts_added, facts_revised, labels_added, \
         labels_revised) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&batch.files)
    .bind(&batch.digest)
    .bind(&batch.imported_by)
    .bind(stored_timestamp(batch.imported_at))
    .bind(database_integer(counts.enterprises_added))
    .bind(database_integer(counts.enterprises_updated))
    .bind(database_integer(counts.facts_added))
    .bind(database_integer(counts.facts_revised))
    .bind(database_integer(counts.labels_added))
    .bind(database_integer(counts.labels_revised))
    .fetch_one(&mut **tx)
    .await?;
    for chunk in writes.inserts.chunks(ROWS_PER_INSERT) {
        let uscc: Vec<&str> = chunk.iter().map(|e| e.uscc.as_str()).collect();
        let names: Vec<&str> = chunk.iter().map(|e| e.name.as_str()).collect();
        let dates: Vec<NaiveDate> = chunk.iter().map(|e| e.registration_date).collect();
        let districts: Vec<&str> = chunk.iter().map(|e| e.district.as_str()).collect();
        let parks: Vec<Option<&str>> = chunk
            .iter()
            .map(|e| e.park.as_ref().map(RegionCode::as_str))
            .collect();
        let chains: Vec<&str> = chunk.iter().map(|e| e.chain.code()).collect();
        let synthetic: Vec<bool> = chunk.iter().map(|e| e.synthetic).collect();
        sqlx::query(
            "INSERT INTO enterprises (uscc, name, registration_date, district, park, chain, \
             synthetic, import_id) \
             SELECT uscc, name, registration_date, district, park, chain, synthetic, $8 \
             FROM UNNEST($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], \
                         $6::text[], $7::bool[]) \
               AS batch (uscc, name, registration_date, district, park, chain, synthetic)",
        )
        .bind(uscc)
        .bind(names)
        .bind(dates)
        .bind(districts)
        .bind(parks)
        .bind(chains)
        .bind(synthetic)
        .bind(import_id)
        .execute(&mut **tx)
        .await?;
    }
    for enterprise in &writes.updates {
        sqlx::query(
            "UPDATE enterprises SET name = $1, registration_date = $2, district = $3, \
             park = $4, chain = $5, synthetic = $6, import_id = $7 WHERE uscc = $8",
        )
        .bind(&enterprise.name)
        .bind(enterprise.registration_date)
        .bind(enterprise.district.as_str())
        .bind(enterprise.park.as_ref().map(RegionCode::as_str))
        .bind(enterprise.chain.code())
        .bind(enterprise.synthetic)
        .bind(import_id)
        .bind(enterprise.uscc.as_str())
        .execute(&mut **tx)
        .await?;
    }
    for chunk in writes.facts.chunks(ROWS_PER_INSERT) {
        let uscc: Vec<&str> = chunk.iter().map(|f| f.uscc).collect();
        let years: Vec<i32> = chunk.iter().map(|f| f.fact.year).collect();
        let variables: Vec<&str> = chunk.iter().map(|f| f.fact.fact.name()).collect();
        let revisions: Vec<i32> = chunk.iter().map(|f| revision_integer(f.revision)).collect();
        let values: Vec<String> = chunk.iter().map(|f| f.fact.value.text()).collect();
        sqlx::query(
            "INSERT INTO enterprise_facts (uscc, year, variable, revision, value, import_id) \
             SELECT uscc, year, variable, revision, value, $6 \
             FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::int4[], $5::text[]) \
               AS batch (uscc, year, variable, revision, value)",
        )
        .bind(uscc)
        .bind(years)
        .bind(variables)
        .bind(revisions)
        .bind(values)
        .bind(import_id)
        .execute(&mut **tx)
        .await?;
    }
    for chunk in writes.labels.chunks(ROWS_PER_INSERT) {
        let uscc: Vec<&str> = chunk.iter().map(|l| l.uscc).collect();
        let kinds: Vec<&str> = chunk.iter().map(|l| l.label.kind.code()).collect();
        let firsts: Vec<NaiveDate> = chunk.iter().map(|l| l.label.valid_from).collect();
        let revisions: Vec<i32> = chunk.iter().map(|l| revision_integer(l.revision)).collect();
        let lasts: Vec<Option<NaiveDate>> = chunk.iter().map(|l| l.label.valid_to).collect();
        let numbers: Vec<Option<&str>> = chunk.iter().map(|l| l.label.number.as_deref()).collect();
        let sources: Vec<&str> = chunk.iter().map(|l| l.label.source.as_str()).collect();
        sqlx::query(
            "INSERT INTO enterprise_labels (uscc, kind, valid_from, revision, valid_to, number, \
             source, import_id) \
             SELECT uscc, kind, valid_from, revision, valid_to, number, source, $8 \
             FROM UNNEST($1::text[], $2::text[], $3::date[], $4::int4[], $5::date[], \
                         $6::text[], $7::text[]) \
               AS batch (uscc, kind, valid_from, revision, valid_to, number, source)",
        )
        .bind(uscc)
        .bind(kinds)
        .bind(firsts)
        .bind(revisions)
        .bind(lasts)
        .bind(numbers)
        .bind(sources)
        .bind(import_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(RegistryOutcome {
        import_id: Some(import_id),
        ..counts
    })
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn save_plan(
        &self,
        plan: &Plan,
        source_text: &str,
        loaded_at: DateTime<Utc>,
    ) -> Result<PlanSaved> {
        let mut tx = self.begin_write("plan_versions").await?;
        let latest = sqlx::query(&format!(
            "{SELECT_PLAN} FROM plan_versions AS p WHERE p.code = $1 \
             ORDER BY p.version DESC LIMIT 1"
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
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(plan.code.as_str())
                .bind(revision_integer(version))
                .bind(document)
                .bind(source_text)
                .bind(stored_timestamp(loaded_at))
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
            "{SELECT_PLAN} FROM plan_versions AS p WHERE p.code = $1 \
             ORDER BY p.version DESC LIMIT 1"
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
        let mut tx = self.begin_write("plan_versions").await?;
        let stored = sqlx::query("SELECT 1 FROM plan_versions WHERE code = $1 LIMIT 1")
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
        let mut tx = self.begin_write("regions").await?;
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
                "UPDATE regions SET name_zh = $1, name_en = $2, kind = $3, parent = $4, note = $5 \
                 WHERE code = $6",
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
        let mut tx = self.begin_write("observations").await?;
        let mut plan = ImportPlan::new(&batch.observations);
        for (indicator, positions) in plan.indicators() {
            let mut comparison = plan.compare(&positions);
            sqlx::query(
                "SELECT region, period, revision, value, qualifier, unit, source, \
                 source_quality, note FROM latest_observation_revisions WHERE indicator = $1",
            )
            .bind(indicator.as_str())
            .try_map(|row: PgRow| comparison.latest(latest_row(&row)?).map_err(carry))
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
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&batch.files)
        .bind(&batch.digest)
        .bind(&batch.imported_by)
        .bind(stored_timestamp(batch.imported_at))
        .bind(database_integer(counts.added))
        .bind(database_integer(counts.revised))
        .fetch_one(&mut *tx)
        .await?;
        let mut rows = plan.rows();
        // In key order, so that the primary key's B-tree is filled page by
        // page rather than at random places (as on SQLite).
        rows.sort_by_cached_key(|(observation, _)| {
            (
                observation.indicator.as_str(),
                observation.region.as_str(),
                observation.period.to_string(),
            )
        });
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            // One array per column: the statement has 11 parameters however
            // many rows it inserts.
            let mut indicators = Vec::with_capacity(chunk.len());
            let mut regions = Vec::with_capacity(chunk.len());
            let mut periods = Vec::with_capacity(chunk.len());
            let mut revisions = Vec::with_capacity(chunk.len());
            let mut values = Vec::with_capacity(chunk.len());
            let mut qualifiers = Vec::with_capacity(chunk.len());
            let mut units = Vec::with_capacity(chunk.len());
            let mut sources = Vec::with_capacity(chunk.len());
            let mut source_qualities = Vec::with_capacity(chunk.len());
            let mut notes = Vec::with_capacity(chunk.len());
            for &(observation, revision) in chunk {
                indicators.push(observation.indicator.as_str());
                regions.push(observation.region.as_str());
                periods.push(observation.period.to_string());
                revisions.push(revision_integer(revision));
                values.push(observation.value);
                qualifiers.push(observation.qualifier.symbol());
                units.push(observation.unit.as_str());
                sources.push(observation.source.as_str());
                source_qualities.push(observation.source_quality.as_str());
                notes.push(observation.note.as_deref());
            }
            sqlx::query(
                "INSERT INTO observations (indicator, region, period, revision, value, qualifier, \
                 unit, source, source_quality, note, import_id) \
                 SELECT indicator, region, period, revision, value, qualifier, unit, source, \
                        source_quality, note, $11 \
                 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $5::float8[], \
                             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) \
                   AS batch (indicator, region, period, revision, value, qualifier, unit, \
                             source, source_quality, note)",
            )
            .bind(indicators)
            .bind(regions)
            .bind(periods)
            .bind(revisions)
            .bind(values)
            .bind(qualifiers)
            .bind(units)
            .bind(sources)
            .bind(source_qualities)
            .bind(notes)
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(plan.outcome(Some(import_id)))
    }

    async fn latest_observations(
        &self,
        filter: &ObservationFilter,
    ) -> Result<Vec<ObservationRecord>> {
        let mut query = QueryBuilder::<Postgres>::new(format!(
            "{SELECT_OBSERVATIONS} FROM latest_observation_revisions AS o \
             JOIN imports AS i ON i.id = o.import_id WHERE TRUE"
        ));
        if !filter.indicators.is_empty() {
            let indicators: Vec<&str> =
                filter.indicators.iter().map(|code| code.as_str()).collect();
            query
                .push(" AND o.indicator = ANY(")
                .push_bind(indicators)
                .push(")");
        }
        if !filter.regions.is_empty() {
            let regions: Vec<&str> = filter.regions.iter().map(|code| code.as_str()).collect();
            query
                .push(" AND o.region = ANY(")
                .push_bind(regions)
                .push(")");
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
             WHERE o.indicator = $1 AND o.region = $2"
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
                files: row.try_get(1)?,
                digest: row.try_get(2)?,
                imported_by: row.try_get(3)?,
                imported_at: row.try_get(4)?,
                added,
                revised,
            })
        })
        .collect()
    }

    async fn save_evaluation(&self, evaluation: &StoredEvaluation) -> Result<i64> {
        let run = &evaluation.run;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO evaluation_runs (framework, version, key, name_zh, name_en, unit_kind, \
             year, synthetic, note_zh, note_en, runs, seed, index_code, framework_text, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING id",
        )
        .bind(&run.framework)
        .bind(&run.version)
        .bind(&run.key)
        .bind(&run.name_zh)
        .bind(&run.name_en)
        .bind(&run.unit_kind)
        .bind(run.year)
        .bind(run.synthetic)
        .bind(&run.note_zh)
        .bind(&run.note_en)
        .bind(u64_bits(run.runs))
        .bind(u64_bits(run.seed))
        .bind(&run.index_code)
        .bind(&run.framework_text)
        .bind(stored_timestamp(run.created_at))
        .fetch_one(&mut *tx)
        .await?;
        if !evaluation.nodes.is_empty() {
            QueryBuilder::<Postgres>::new(
                "INSERT INTO evaluation_nodes (run_id, position, code, name_zh, name_en, level, \
                 parent, weight, direction, unit, rationale) ",
            )
            .push_values(
                evaluation.nodes.iter().enumerate(),
                |mut b, (position, node)| {
                    b.push_bind(id)
                        .push_bind(position_integer(position))
                        .push_bind(&node.code)
                        .push_bind(&node.name_zh)
                        .push_bind(&node.name_en)
                        .push_bind(
                            i32::try_from(node.level).expect("a level fits in the INTEGER column"),
                        )
                        .push_bind(&node.parent)
                        .push_bind(node.weight)
                        .push_bind(node.direction)
                        .push_bind(&node.unit)
                        .push_bind(&node.rationale);
                },
            )
            .build()
            .execute(&mut *tx)
            .await?;
        }
        if !evaluation.units.is_empty() {
            QueryBuilder::<Postgres>::new(
                "INSERT INTO evaluation_units (run_id, position, code, name, groups, included) ",
            )
            .push_values(
                evaluation.units.iter().enumerate(),
                |mut b, (position, unit)| {
                    b.push_bind(id)
                        .push_bind(position_integer(position))
                        .push_bind(&unit.code)
                        .push_bind(&unit.name)
                        .push_bind(groups_text(&unit.groups))
                        .push_bind(unit.included);
                },
            )
            .build()
            .execute(&mut *tx)
            .await?;
        }
        for chunk in evaluation.results.chunks(EVALUATION_ROWS_PER_INSERT) {
            QueryBuilder::<Postgres>::new(
                "INSERT INTO evaluation_results (run_id, unit, node, value, score, rank) ",
            )
            .push_values(chunk, |mut b, result| {
                b.push_bind(id)
                    .push_bind(&result.unit)
                    .push_bind(&result.node)
                    .push_bind(finite(result.value))
                    .push_bind(finite(result.score))
                    .push_bind(result.rank.map(rank_integer));
            })
            .build()
            .execute(&mut *tx)
            .await?;
        }
        for chunk in evaluation.ranks.chunks(EVALUATION_ROWS_PER_INSERT) {
            QueryBuilder::<Postgres>::new(
                "INSERT INTO evaluation_rank_uncertainty (run_id, unit, nominal, median, q05, \
                 q95, mean) ",
            )
            .push_values(chunk, |mut b, rank| {
                b.push_bind(id)
                    .push_bind(&rank.unit)
                    .push_bind(finite(rank.nominal))
                    .push_bind(finite(rank.median))
                    .push_bind(finite(rank.q05))
                    .push_bind(finite(rank.q95))
                    .push_bind(finite(rank.mean));
            })
            .build()
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn evaluation_runs(&self) -> Result<Vec<EvaluationRunRecord>> {
        sqlx::query(&format!("{SELECT_EVALUATION_RUN} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(evaluation_run)
            .collect()
    }

    async fn evaluation(&self, id: i64) -> Result<Option<StoredEvaluation>> {
        // One snapshot for the five reads.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let Some(row) = sqlx::query(&format!("{SELECT_EVALUATION_RUN} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let run = evaluation_run(&row)?;
        let nodes = sqlx::query(
            "SELECT code, name_zh, name_en, level, parent, weight, direction, unit, rationale \
             FROM evaluation_nodes WHERE run_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(EvaluationNodeRecord {
                code: row.try_get(0)?,
                name_zh: row.try_get(1)?,
                name_en: row.try_get(2)?,
                level: stored_u32("evaluation node level", row.try_get::<i32, _>(3)?.into())?,
                parent: row.try_get(4)?,
                weight: row.try_get(5)?,
                direction: row.try_get(6)?,
                unit: row.try_get(7)?,
                rationale: row.try_get(8)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let units = sqlx::query(
            "SELECT code, name, groups, included FROM evaluation_units WHERE run_id = $1 \
             ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(EvaluationUnitRecord {
                code: row.try_get(0)?,
                name: row.try_get(1)?,
                groups: parse_groups(row.try_get(2)?)?,
                included: row.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let results = sqlx::query(
            "SELECT r.unit, r.node, r.value, r.score, r.rank FROM evaluation_results AS r \
             JOIN evaluation_units AS u ON u.run_id = r.run_id AND u.code = r.unit \
             JOIN evaluation_nodes AS n ON n.run_id = r.run_id AND n.code = r.node \
             WHERE r.run_id = $1 ORDER BY u.position, n.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            let rank: Option<i32> = row.try_get(4)?;
            Ok(EvaluationResultRecord {
                unit: row.try_get(0)?,
                node: row.try_get(1)?,
                value: row.try_get(2)?,
                score: row.try_get(3)?,
                rank: rank
                    .map(|r| stored_u32("evaluation rank", r.into()))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let ranks = sqlx::query(
            "SELECT r.unit, r.nominal, r.median, r.q05, r.q95, r.mean \
             FROM evaluation_rank_uncertainty AS r \
             JOIN evaluation_units AS u ON u.run_id = r.run_id AND u.code = r.unit \
             WHERE r.run_id = $1 ORDER BY u.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(EvaluationRankRecord {
                unit: row.try_get(0)?,
                nominal: row.try_get(1)?,
                median: row.try_get(2)?,
                q05: row.try_get(3)?,
                q95: row.try_get(4)?,
                mean: row.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        Ok(Some(StoredEvaluation {
            run,
            nodes,
            units,
            results,
            ranks,
        }))
    }

    async fn save_registry(&self, batch: &RegistryBatch) -> Result<RegistryOutcome> {
        // Every registry writer locks the enterprises first: concurrent
        // imports wait for each other rather than number the same revision.
        let mut tx = self.begin_write("enterprises").await?;
        let outcome = save_registry_batch(&mut tx, batch).await?;
        if outcome.import_id.is_some() {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    async fn registry(&self, filter: &RegistryFilter) -> Result<Vec<RegistryEntry>> {
        let mut tx = begin_snapshot(&self.pool).await?;
        let mut entries: Vec<RegistryEntry> =
            sqlx::query(&format!("{SELECT_ENTERPRISE} ORDER BY uscc"))
                .try_map(|row: PgRow| {
                    Ok(RegistryEntry {
                        enterprise: enterprise_row(&row)?,
                        facts: Vec::new(),
                        labels: Vec::new(),
                    })
                })
                .fetch_all(&mut *tx)
                .await
                .map_err(uncarry)?;
        let mut cursor = EntryCursor::new(&entries);
        if let Some((first_year, last_year)) = fact_year_range(filter.facts) {
            sqlx::query(
                "SELECT uscc, year, variable, revision, value \
                 FROM latest_enterprise_fact_revisions WHERE year BETWEEN $1 AND $2",
            )
            .bind(first_year)
            .bind(last_year)
            .try_map(|row: PgRow| {
                let uscc: &str = row.try_get(0)?;
                let position = cursor.position(uscc).map_err(carry)?;
                let (year, fact, _, value) = fact_row(&row, 1)?.decode(uscc).map_err(carry)?;
                entries[position].facts.push(YearFact { year, fact, value });
                Ok(())
            })
            .fetch_all(&mut *tx)
            .await
            .map_err(uncarry)?;
        }
        sqlx::query(
            "SELECT uscc, kind, valid_from, revision, valid_to, number, source \
             FROM latest_enterprise_label_revisions",
        )
        .try_map(|row: PgRow| {
            let uscc: &str = row.try_get(0)?;
            let position = cursor.position(uscc).map_err(carry)?;
            let (label, _) = label_row(&row, 1)?.decode(uscc).map_err(carry)?;
            entries[position].labels.push(label);
            Ok(())
        })
        .fetch_all(&mut *tx)
        .await
        .map_err(uncarry)?;
        tx.commit().await?;
        for entry in &mut entries {
            sort_entry(entry);
        }
        Ok(entries)
    }

    async fn enterprise(&self, uscc: &Uscc) -> Result<Option<EnterpriseHistory>> {
        let mut tx = begin_snapshot(&self.pool).await?;
        let Some(row) = sqlx::query(&format!("{SELECT_ENTERPRISE} WHERE uscc = $1"))
            .bind(uscc.as_str())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let enterprise = enterprise_row(&row).map_err(uncarry)?;
        let import_id: i64 = row.try_get(7)?;
        let code = uscc.as_str();
        let facts = sqlx::query(
            "SELECT f.year, f.variable, f.revision, f.value, f.import_id, i.imported_at \
             FROM enterprise_facts AS f JOIN registry_imports AS i ON i.id = f.import_id \
             WHERE f.uscc = $1",
        )
        .bind(code)
        .try_map(|row: PgRow| {
            let (year, fact, revision, value) = fact_row(&row, 0)?.decode(code).map_err(carry)?;
            Ok(FactRevision {
                year,
                fact,
                value,
                revision,
                import_id: row.try_get(4)?,
                recorded_at: row.try_get(5)?,
            })
        })
        .fetch_all(&mut *tx)
        .await
        .map_err(uncarry)?;
        let labels = sqlx::query(
            "SELECT l.kind, l.valid_from, l.revision, l.valid_to, l.number, l.source, \
             l.import_id, i.imported_at \
             FROM enterprise_labels AS l JOIN registry_imports AS i ON i.id = l.import_id \
             WHERE l.uscc = $1",
        )
        .bind(code)
        .try_map(|row: PgRow| {
            let (label, revision) = label_row(&row, 0)?.decode(code).map_err(carry)?;
            Ok(LabelRevision {
                label,
                revision,
                import_id: row.try_get(6)?,
                recorded_at: row.try_get(7)?,
            })
        })
        .fetch_all(&mut *tx)
        .await
        .map_err(uncarry)?;
        tx.commit().await?;
        Ok(Some(history_in_order(enterprise, import_id, facts, labels)))
    }

    async fn enterprise_count(&self) -> Result<usize> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
            .fetch_one(&self.pool)
            .await?;
        count_of("count of enterprises", count)
    }

    async fn enterprise_codes(&self) -> Result<Vec<Uscc>> {
        sqlx::query("SELECT uscc FROM enterprises ORDER BY uscc")
            .try_map(|row: PgRow| parse_uscc(row.try_get(0)?).map_err(carry))
            .fetch_all(&self.pool)
            .await
            .map_err(uncarry)
    }

    async fn registry_imports(&self) -> Result<Vec<RegistryImportRecord>> {
        sqlx::query(
            "SELECT id, files, digest, imported_by, imported_at, enterprises_added, \
             enterprises_updated, facts_added, facts_revised, labels_added, labels_revised \
             FROM registry_imports ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(registry_import_record)
        .collect()
    }

    async fn save_policy_run(
        &self,
        run: &PolicyRunRecord,
        entitlements: &[EntitlementRecord],
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let run_id: i64 = sqlx::query_scalar(
            "INSERT INTO policy_runs (pack_id, pack_version, pack_sha256, period, known_on, \
             registry_import_id, registry_digest, created_at, enterprise_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&run.pack_id)
        .bind(&run.pack_version)
        .bind(&run.pack_sha256)
        .bind(run.period)
        .bind(run.known_on)
        .bind(run.registry_import_id)
        .bind(&run.registry_digest)
        .bind(stored_timestamp(run.created_at))
        .bind(database_integer(run.enterprise_count))
        .fetch_one(&mut *tx)
        .await?;
        let mut rows: Vec<&EntitlementRecord> = entitlements.iter().collect();
        rows.sort_by(|a, b| (&a.uscc, &a.policy_id).cmp(&(&b.uscc, &b.policy_id)));
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let uscc: Vec<&str> = chunk.iter().map(|e| e.uscc.as_str()).collect();
            let policies: Vec<&str> = chunk.iter().map(|e| e.policy_id.as_str()).collect();
            let statuses: Vec<&str> = chunk.iter().map(|e| e.status.as_str()).collect();
            let amounts: Vec<Option<String>> =
                chunk.iter().map(|e| amount_text(e.amount)).collect();
            let explanations: Vec<&str> = chunk.iter().map(|e| e.explanation.as_str()).collect();
            sqlx::query(
                "INSERT INTO policy_entitlements (run_id, uscc, policy_id, status, amount, \
                 explanation) \
                 SELECT $6, uscc, policy_id, status, amount, explanation \
                 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
                   AS batch (uscc, policy_id, status, amount, explanation)",
            )
            .bind(uscc)
            .bind(policies)
            .bind(statuses)
            .bind(amounts)
            .bind(explanations)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(run_id)
    }

    async fn policy_runs(&self) -> Result<Vec<PolicyRunRecord>> {
        sqlx::query(&format!("{SELECT_POLICY_RUN} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(policy_run)
            .collect()
    }

    async fn policy_entitlements(
        &self,
        run_id: i64,
        uscc: Option<&Uscc>,
    ) -> Result<Vec<EntitlementRecord>> {
        sqlx::query(
            "SELECT uscc, policy_id, status, amount, explanation FROM policy_entitlements \
             WHERE run_id = $1 AND ($2::text IS NULL OR uscc = $2) ORDER BY uscc, policy_id",
        )
        .bind(run_id)
        .bind(uscc.map(Uscc::as_str))
        .try_map(|row: PgRow| {
            let entitlement = || -> Result<EntitlementRecord> {
                Ok(EntitlementRecord {
                    uscc: parse_uscc(row.try_get(0)?)?,
                    policy_id: row.try_get(1)?,
                    status: parse_entitlement_status(row.try_get(2)?)?,
                    amount: parse_amount(row.try_get(3)?)?,
                    explanation: row.try_get(4)?,
                })
            };
            entitlement().map_err(carry)
        })
        .fetch_all(&self.pool)
        .await
        .map_err(uncarry)
    }
}

/// Schema names are put into SQL text, so only plain identifiers are accepted.
fn check_schema_name(schema: &str) -> Result<(), sqlx::Error> {
    let plain = schema.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("schema name {schema:?} must be ASCII letters, digits and '_'").into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_of_options_name_the_database_but_no_password() {
        let options =
            PgConnectOptions::from_str("postgres://zijin:s3cret@db.example:5433/plans").unwrap();
        let described = describe(&options.options([("search_path", "zijin_test")]));
        assert!(!described.contains("s3cret"), "{described}");
        assert!(
            described.starts_with("postgres://zijin@db.example:5433/plans"),
            "{described}"
        );
        assert!(described.contains("search_path"), "{described}");
    }

    #[test]
    fn only_plain_schema_names_reach_sql() {
        assert!(check_schema_name("zijin_bench_42").is_ok());
        for bad in [
            "",
            "1abc",
            "a;DROP TABLE x",
            "a b",
            "schéma",
            &"a".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
