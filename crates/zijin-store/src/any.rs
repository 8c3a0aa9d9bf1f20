//! A store chosen at run time from a location: a PostgreSQL URL or a SQLite file.

use std::path::Path;

use chrono::{DateTime, Utc};
use zijin_domain::{
    IndicatorCode, ObservationRecord, Plan, PlanCode, Region, RegionCode, RegistryEntry, Uscc,
};

use crate::{
    EnterpriseHistory, EntitlementRecord, EvaluationRunRecord, ImportBatch, ImportOutcome,
    ImportRecord, ObservationFilter, PlanSaved, PolicyRunRecord, PostgresStore, RegionsSaved,
    RegistryBatch, RegistryFilter, RegistryImportRecord, RegistryOutcome, Result, SqliteStore,
    Store, StoredEvaluation, StoredPlan,
};

/// Either store, so that the binary can take `--db` as a path or a URL.
#[derive(Debug, Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// Where a location points.
#[derive(Debug, PartialEq, Eq)]
enum Location<'a> {
    Postgres(&'a str),
    SqliteFile(&'a str),
}

/// `postgres://` and `postgresql://` URLs are PostgreSQL; a `sqlite:` URL
/// (`sqlite:zijin.db`, `sqlite://zijin.db`, `sqlite:///var/lib/zijin.db`) or
/// anything else is the path of a SQLite file.
fn parse_location(location: &str) -> Location<'_> {
    let has_prefix = |prefix: &str| {
        location
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    if has_prefix("postgres://") || has_prefix("postgresql://") {
        return Location::Postgres(location);
    }
    if has_prefix("sqlite:") {
        let rest = &location["sqlite:".len()..];
        let path = rest.strip_prefix("//").unwrap_or(rest);
        // A URL may carry parameters (`?mode=rwc`); the store sets its own.
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        return Location::SqliteFile(path);
    }
    Location::SqliteFile(location)
}

impl AnyStore {
    /// Opens the store at `location` (see [`AnyStore`] for the forms), creating
    /// a SQLite file on first use and bringing the schema up to date.
    pub async fn open(location: &str) -> Result<Self> {
        match parse_location(location) {
            Location::Postgres(url) => Ok(AnyStore::Postgres(PostgresStore::connect(url).await?)),
            Location::SqliteFile(path) => {
                Ok(AnyStore::Sqlite(SqliteStore::open(Path::new(path)).await?))
            }
        }
    }

    /// Closes the store's connections (see [`SqliteStore::close`] and
    /// [`PostgresStore::close`]).
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(store) => store.close().await,
            AnyStore::Postgres(store) => store.close().await,
        }
    }
}

/// Calls the same method on whichever store this is.
macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    fn backend(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(store) => store.backend(),
            AnyStore::Postgres(store) => store.backend(),
        }
    }

    async fn save_plan(
        &self,
        plan: &Plan,
        source_text: &str,
        loaded_at: DateTime<Utc>,
    ) -> Result<PlanSaved> {
        delegate!(self, store => store.save_plan(plan, source_text, loaded_at))
    }

    async fn active_plan(&self) -> Result<Option<StoredPlan>> {
        delegate!(self, store => store.active_plan())
    }

    async fn plan(&self, code: &PlanCode) -> Result<Option<StoredPlan>> {
        delegate!(self, store => store.plan(code))
    }

    async fn plans(&self) -> Result<Vec<StoredPlan>> {
        delegate!(self, store => store.plans())
    }

    async fn activate_plan(&self, code: &PlanCode) -> Result<()> {
        delegate!(self, store => store.activate_plan(code))
    }

    async fn save_regions(&self, regions: &[Region]) -> Result<RegionsSaved> {
        delegate!(self, store => store.save_regions(regions))
    }

    async fn regions(&self) -> Result<Vec<Region>> {
        delegate!(self, store => store.regions())
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportOutcome> {
        delegate!(self, store => store.import(batch))
    }

    async fn latest_observations(
        &self,
        filter: &ObservationFilter,
    ) -> Result<Vec<ObservationRecord>> {
        delegate!(self, store => store.latest_observations(filter))
    }

    async fn history(
        &self,
        indicator: &IndicatorCode,
        region: &RegionCode,
    ) -> Result<Vec<ObservationRecord>> {
        delegate!(self, store => store.history(indicator, region))
    }

    async fn imports(&self) -> Result<Vec<ImportRecord>> {
        delegate!(self, store => store.imports())
    }

    async fn save_evaluation(&self, evaluation: &StoredEvaluation) -> Result<i64> {
        delegate!(self, store => store.save_evaluation(evaluation))
    }

    async fn evaluation_runs(&self) -> Result<Vec<EvaluationRunRecord>> {
        delegate!(self, store => store.evaluation_runs())
    }

    async fn evaluation(&self, id: i64) -> Result<Option<StoredEvaluation>> {
        delegate!(self, store => store.evaluation(id))
    }

    async fn save_registry(&self, batch: &RegistryBatch) -> Result<RegistryOutcome> {
        delegate!(self, store => store.save_registry(batch))
    }

    async fn registry(&self, filter: &RegistryFilter) -> Result<Vec<RegistryEntry>> {
        delegate!(self, store => store.registry(filter))
    }

    async fn enterprise(&self, uscc: &Uscc) -> Result<Option<EnterpriseHistory>> {
        delegate!(self, store => store.enterprise(uscc))
    }

    async fn enterprise_count(&self) -> Result<usize> {
        delegate!(self, store => store.enterprise_count())
    }

    async fn enterprise_codes(&self) -> Result<Vec<Uscc>> {
        delegate!(self, store => store.enterprise_codes())
    }

    async fn registry_imports(&self) -> Result<Vec<RegistryImportRecord>> {
        delegate!(self, store => store.registry_imports())
    }

    async fn save_policy_run(
        &self,
        run: &PolicyRunRecord,
        entitlements: &[EntitlementRecord],
    ) -> Result<i64> {
        delegate!(self, store => store.save_policy_run(run, entitlements))
    }

    async fn policy_runs(&self) -> Result<Vec<PolicyRunRecord>> {
        delegate!(self, store => store.policy_runs())
    }

    async fn policy_entitlements(
        &self,
        run_id: i64,
        uscc: Option<&Uscc>,
    ) -> Result<Vec<EntitlementRecord>> {
        delegate!(self, store => store.policy_entitlements(run_id, uscc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        let check = |location: &str, expected: Location<'_>| {
            assert_eq!(parse_location(location), expected, "{location}");
        };
        check(
            "postgres://postgres@127.0.0.1:5432/test",
            Location::Postgres("postgres://postgres@127.0.0.1:5432/test"),
        );
        check(
            "postgresql://zijin:pw@db/zijin",
            Location::Postgres("postgresql://zijin:pw@db/zijin"),
        );
        check("zijin.db", Location::SqliteFile("zijin.db"));
        check(
            "/var/lib/zijin/zijin.db",
            Location::SqliteFile("/var/lib/zijin/zijin.db"),
        );
        check("sqlite:zijin.db", Location::SqliteFile("zijin.db"));
        check(
            "sqlite://zijin.db?mode=rwc",
            Location::SqliteFile("zijin.db"),
        );
        check(
            "sqlite:///var/lib/zijin.db",
            Location::SqliteFile("/var/lib/zijin.db"),
        );
        // Not a URL scheme we know: a file that happens to have a colon in its name.
        check("postgres:zijin", Location::SqliteFile("postgres:zijin"));
    }

    #[tokio::test]
    async fn open_errors_name_the_location_without_its_password() {
        // Nothing listens on port 9: the connection is refused at once.
        let error = AnyStore::open("postgres://zijin:s3cret@127.0.0.1:9/zijin")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("postgres://zijin:***@127.0.0.1:9/zijin"),
            "{error}"
        );
        assert!(!error.contains("s3cret"), "{error}");

        let directory = tempfile::tempdir().unwrap();
        let missing = directory.path().join("no such folder").join("zijin.db");
        let error = AnyStore::open(&format!("sqlite:{}", missing.display()))
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains(&missing.display().to_string()), "{error}");
    }
}
