//! What both backends share: the text forms of stored values, turning rows
//! back into domain values, deciding what an import writes, and the order of
//! results. The backends only differ in their SQL and column types.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::str::FromStr;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use rust_decimal::Decimal;
use zijin_domain::{
    Enterprise, EnterpriseFactsAndLabels, EntitlementStatus, FACTS, Fact, FactValue, IndicatorCode,
    IndustrialChain, Label, LabelKind, Observation, ObservationRecord, Period, Plan, Qualifier,
    Region, RegionCode, RegionKind, RegistryEntry, SourceQuality, Uscc, YearFact,
};

use crate::{
    EnterpriseHistory, FactRevision, FactYears, ImportOutcome, LabelRevision, RegistryBatch,
    RegistryOutcome, Result, StoreError, StoredPlan,
};

pub(crate) fn corrupt(what: impl Into<String>, message: impl Display) -> StoreError {
    StoreError::Corrupt {
        what: what.into(),
        message: message.to_string(),
    }
}

/// Carries a store error through sqlx's row mapping (`try_map`), whose
/// closures may only fail with a sqlx error. Rows are decoded as they arrive,
/// so that a large result never holds every raw row at once.
pub(crate) fn carry(error: StoreError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

/// The error of a query whose rows were decoded with [`carry`]: a carried
/// store error comes back as itself, any other error is a database error.
pub(crate) fn uncarry(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Decode(source) => match source.downcast::<StoreError>() {
            Ok(carried) => *carried,
            Err(source) => StoreError::Database(sqlx::Error::Decode(source)),
        },
        other => StoreError::Database(other),
    }
}

/// Timestamps are stored with microsecond precision, the precision of
/// PostgreSQL's `timestamptz`, on both backends, so that both give back the
/// same value.
pub(crate) fn stored_timestamp(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// A region kind as stored: its serde name (`district`, `high_tech_zone`), so
/// that the domain crate stays the only place that names the kinds.
pub(crate) fn region_kind_text(kind: RegionKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(text)) => text,
        other => unreachable!("RegionKind serializes as a string, not {other:?}"),
    }
}

fn parse_region_kind(text: &str) -> Result<RegionKind> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|error| corrupt("region kind", format!("{text:?}: {error}")))
}

fn parse_count(what: &str, number: i64) -> Result<usize> {
    usize::try_from(number).map_err(|_| corrupt(what, format!("{number} is negative")))
}

/// `what` names the number in the error; it is only called then, so that the
/// common case (millions of rows read) formats nothing.
fn parse_version(what: impl FnOnce() -> String, number: i32) -> Result<u32> {
    u32::try_from(number)
        .ok()
        .filter(|number| *number >= 1)
        .ok_or_else(|| corrupt(what(), format!("{number} is not a positive number")))
}

pub(crate) fn parse_files(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|error| corrupt("list of imported files", error))
}

/// A stored plan version, as read from either backend.
pub(crate) struct PlanRow {
    pub version: i32,
    pub document: String,
    pub source_text: String,
    pub loaded_at: DateTime<Utc>,
}

impl PlanRow {
    pub fn into_stored_plan(self) -> Result<StoredPlan> {
        let plan: Plan = serde_json::from_str(&self.document)
            .map_err(|error| corrupt("plan document", error))?;
        Ok(StoredPlan {
            version: parse_version(|| format!("version of plan {}", plan.code), self.version)?,
            plan,
            loaded_at: self.loaded_at,
            source_text: self.source_text,
        })
    }
}

/// What saving a plan should do, given the latest stored version of its code.
pub(crate) enum PlanChange {
    Unchanged(u32),
    Insert(u32),
}

/// A plan is unchanged when its latest stored version holds the same plan and
/// the same source text. The plans are compared as values, not as JSON text,
/// so that a change in how a plan is serialized (a new optional field) does not
/// make every stored plan look changed.
pub(crate) fn plan_change(
    latest: Option<PlanRow>,
    plan: &Plan,
    source_text: &str,
) -> Result<PlanChange> {
    let Some(latest) = latest else {
        return Ok(PlanChange::Insert(1));
    };
    let stored = latest.into_stored_plan()?;
    Ok(
        if &stored.plan == plan && stored.source_text == source_text {
            PlanChange::Unchanged(stored.version)
        } else {
            PlanChange::Insert(stored.version + 1)
        },
    )
}

/// A region, as read from either backend.
pub(crate) struct RegionRow {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
    pub parent: Option<String>,
    pub note: Option<String>,
}

impl RegionRow {
    pub fn into_region(self) -> Result<Region> {
        let region_code =
            |text: &str| RegionCode::new(text).map_err(|error| corrupt("region code", error));
        Ok(Region {
            code: region_code(&self.code)?,
            name_zh: self.name_zh,
            name_en: self.name_en,
            kind: parse_region_kind(&self.kind)?,
            parent: self.parent.as_deref().map(region_code).transpose()?,
            note: self.note,
        })
    }
}

/// What saving a list of regions writes: regions to insert (with the position
/// that keeps the order they were first saved in) and regions to update.
pub(crate) struct RegionChanges<'a> {
    pub inserts: Vec<(&'a Region, i64)>,
    pub updates: Vec<&'a Region>,
    pub unchanged: usize,
}

/// Compares the regions to save with the stored ones. A code listed twice is
/// compared with its first listing, as if the two were saved one after the other.
pub(crate) fn region_changes<'a>(
    stored: Vec<Region>,
    last_position: i64,
    regions: &'a [Region],
) -> RegionChanges<'a> {
    let mut known: HashMap<RegionCode, Region> = stored
        .into_iter()
        .map(|region| (region.code.clone(), region))
        .collect();
    let mut changes = RegionChanges {
        inserts: Vec::new(),
        updates: Vec::new(),
        unchanged: 0,
    };
    let mut next_position = last_position + 1;
    for region in regions {
        match known.insert(region.code.clone(), region.clone()) {
            None => {
                changes.inserts.push((region, next_position));
                next_position += 1;
            }
            Some(previous) if &previous == region => changes.unchanged += 1,
            Some(_) => changes.updates.push(region),
        }
    }
    changes
}

/// One stored observation with its import, as read from either backend; the
/// text borrows from the database row.
pub(crate) struct ObservationRow<'r> {
    pub indicator: &'r str,
    pub region: &'r str,
    pub period: &'r str,
    pub revision: i32,
    pub value: f64,
    pub qualifier: &'r str,
    pub unit: &'r str,
    pub source: &'r str,
    pub source_quality: &'r str,
    pub note: Option<&'r str>,
    pub import_id: i64,
    pub imported_by: &'r str,
    pub imported_at: DateTime<Utc>,
}

impl ObservationRow<'_> {
    pub fn into_record(self) -> Result<ObservationRecord> {
        let observation = Observation {
            indicator: IndicatorCode::new(self.indicator)
                .map_err(|error| corrupt("indicator code", error))?,
            region: RegionCode::new(self.region).map_err(|error| corrupt("region code", error))?,
            period: parse_period(self.period)?,
            value: self.value,
            qualifier: parse_qualifier(self.qualifier)?,
            unit: self.unit.to_owned(),
            source: self.source.to_owned(),
            source_quality: parse_source_quality(self.source_quality)?,
            note: self.note.map(str::to_owned),
        };
        let revision = parse_version(
            || {
                format!(
                    "revision of {} {} {}",
                    observation.indicator, observation.region, observation.period
                )
            },
            self.revision,
        )?;
        Ok(ObservationRecord {
            revision,
            observation,
            import_id: self.import_id,
            imported_by: self.imported_by.to_owned(),
            imported_at: self.imported_at,
        })
    }
}

fn parse_period(text: &str) -> Result<Period> {
    text.parse().map_err(|error| corrupt("period", error))
}

fn parse_qualifier(text: &str) -> Result<Qualifier> {
    text.parse().map_err(|error| corrupt("qualifier", error))
}

fn parse_source_quality(text: &str) -> Result<SourceQuality> {
    text.parse()
        .map_err(|error| corrupt("source quality", error))
}

pub(crate) fn import_counts(what: &str, added: i64, revised: i64) -> Result<(usize, usize)> {
    Ok((parse_count(what, added)?, parse_count(what, revised)?))
}

/// `latest_observations` order: indicator code, region code, then the domain
/// order of periods (not the text order: `2023-H1` < `2023-11` < `2023`).
pub(crate) fn sort_by_key(records: &mut [ObservationRecord]) {
    records.sort_unstable_by(|a, b| {
        let (a, b) = (&a.observation, &b.observation);
        (&a.indicator, &a.region, a.period).cmp(&(&b.indicator, &b.region, b.period))
    });
}

/// `history` order: the domain order of periods, then revision.
pub(crate) fn sort_by_period_and_revision(records: &mut [ObservationRecord]) {
    records.sort_unstable_by_key(|record| (record.observation.period, record.revision));
}

/// The latest stored revision of one key, as read during an import: the key's
/// indicator is the one being compared, so only the rest is read. The text
/// borrows from the database row: most stored keys are not in the batch, and
/// those cost no allocation.
pub(crate) struct LatestRow<'r> {
    pub region: &'r str,
    pub period: &'r str,
    pub revision: i32,
    pub value: f64,
    pub qualifier: &'r str,
    pub unit: &'r str,
    pub source: &'r str,
    pub source_quality: &'r str,
    pub note: Option<&'r str>,
}

/// What an import writes: for each observation of the batch (in the batch's
/// order), the revision to store it as, or `None` when it equals the latest
/// stored revision.
pub(crate) struct ImportPlan<'a> {
    observations: &'a [Observation],
    revisions: Vec<Option<u32>>,
    added: usize,
    revised: usize,
}

impl<'a> ImportPlan<'a> {
    /// Until compared with what is stored, every observation is a new key.
    pub fn new(observations: &'a [Observation]) -> Self {
        ImportPlan {
            observations,
            revisions: vec![Some(1); observations.len()],
            added: observations.len(),
            revised: 0,
        }
    }

    /// The indicators of the batch, each with the positions of its
    /// observations: the latest revisions are read one indicator at a time.
    pub fn indicators(&self) -> Vec<(&'a IndicatorCode, Vec<usize>)> {
        let mut groups: HashMap<&'a IndicatorCode, Vec<usize>> = HashMap::new();
        for (position, observation) in self.observations.iter().enumerate() {
            groups
                .entry(&observation.indicator)
                .or_default()
                .push(position);
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
        groups
    }

    /// Starts comparing the observations at `positions` (all of one
    /// indicator) with the latest stored revisions of that indicator, which
    /// are then fed to [`Comparison::latest`] one by one.
    pub fn compare<'p>(&'p mut self, positions: &[usize]) -> Comparison<'p, 'a> {
        let mut by_key = HashMap::with_capacity(positions.len());
        for &position in positions {
            let observation = &self.observations[position];
            let previous =
                by_key.insert((observation.region.as_str(), observation.period), position);
            debug_assert!(
                previous.is_none(),
                "the batch has two observations of {} {} {}",
                observation.indicator,
                observation.region,
                observation.period
            );
        }
        Comparison { plan: self, by_key }
    }
    pub fn writes_nothing(&self) -> bool {
        self.added == 0 && self.revised == 0
    }

    /// The observations to insert with their revisions, in the batch's order.
    pub fn rows(&self) -> Vec<(&'a Observation, u32)> {
        self.observations
            .iter()
            .zip(&self.revisions)
            .filter_map(|(observation, revision)| revision.map(|revision| (observation, revision)))
            .collect()
    }

    pub fn outcome(&self, import_id: Option<i64>) -> ImportOutcome {
        ImportOutcome {
            import_id,
            added: self.added,
            revised: self.revised,
            unchanged: self.observations.len() - self.added - self.revised,
        }
    }
}

/// The comparison of one indicator's observations with what is stored.
pub(crate) struct Comparison<'p, 'a> {
    plan: &'p mut ImportPlan<'a>,
    by_key: HashMap<(&'a str, Period), usize>,
}

impl Comparison<'_, '_> {
    /// Takes the latest stored revision of one key of the indicator. Stored
    /// keys that are not in the batch are ignored.
    pub fn latest(&mut self, row: LatestRow<'_>) -> Result<()> {
        let period = parse_period(row.period)?;
        let Some(&position) = self.by_key.get(&(row.region, period)) else {
            return Ok(());
        };
        let plan = &mut *self.plan;
        let new = &plan.observations[position];
        let qualifier = parse_qualifier(row.qualifier)?;
        let source_quality = parse_source_quality(row.source_quality)?;
        let revision = parse_version(
            || format!("revision of {} {} {}", new.indicator, new.region, period),
            row.revision,
        )?;
        debug_assert_eq!(plan.revisions[position], Some(1), "a key read twice");
        plan.added -= 1;
        if same_content(new, &row, qualifier, source_quality) {
            plan.revisions[position] = None;
        } else {
            plan.revisions[position] = Some(revision + 1);
            plan.revised += 1;
        }
        Ok(())
    }
}

/// [`Observation::same_content`] of `new` and a stored row of the same key,
/// without building an [`Observation`] from the row (no allocation for each
/// of a million rows read). The destructuring names every field, so that a
/// field added to `Observation` fails to compile here until it is compared;
/// a unit test checks that both comparisons agree field by field.
fn same_content(
    new: &Observation,
    row: &LatestRow<'_>,
    qualifier: Qualifier,
    source_quality: SourceQuality,
) -> bool {
    let Observation {
        // The key: the row was found by it.
        indicator: _,
        region: _,
        period: _,
        value,
        qualifier: new_qualifier,
        unit,
        source,
        source_quality: new_source_quality,
        note,
    } = new;
    *value == row.value
        && *new_qualifier == qualifier
        && unit == row.unit
        && source == row.source
        && *new_source_quality == source_quality
        && note.as_deref() == row.note
}

/// A database location fit for messages: the password of a URL is replaced
/// by `***`, whether it is in the user-info part or a `password=` parameter.
pub(crate) fn redact(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_owned();
    };
    let (authority_and_path, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority_end = authority_and_path
        .find('/')
        .unwrap_or(authority_and_path.len());
    let (authority, path) = authority_and_path.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let mut redacted = format!("{scheme}://{authority}{path}");
    if let Some(query) = query {
        let parameters: Vec<String> = query
            .split('&')
            .map(|parameter| match parameter.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => parameter.to_owned(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&parameters.join("&"));
    }
    redacted
}

/// A u64 (an evaluation's seed) kept in a signed 64-bit column: its bits.
pub(crate) fn u64_bits(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

pub(crate) fn u64_from_bits(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

/// A unit's group columns as stored: a JSON object of text values (read back by name).
pub(crate) fn groups_text(groups: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = groups
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

pub(crate) fn parse_groups(text: &str) -> Result<Vec<(String, String)>> {
    let corrupt_groups = |message: String| corrupt("evaluation unit groups", message);
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| corrupt_groups(format!("{text:?}: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(corrupt_groups(format!("{text:?} is not an object")));
    };
    map.into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => Ok((name, text)),
            other => Err(corrupt_groups(format!("{name}: {other} is not text"))),
        })
        .collect()
}

/// A count or a level kept in an INTEGER column.
pub(crate) fn stored_u32(what: &str, value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| corrupt(what, format!("{value} is out of range")))
}

/// A float that is missing (`None`) rather than `NaN`.
pub(crate) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| !v.is_nan())
}

// The enterprise registry.

/// A credit code read back from either backend.
pub(crate) fn parse_uscc(text: &str) -> Result<Uscc> {
    Uscc::parse(text).map_err(|error| corrupt("unified social credit code", error))
}

fn parse_fact(variable: &str) -> Result<Fact> {
    Fact::from_name(variable)
        .ok_or_else(|| corrupt("enterprise fact", format!("unknown variable {variable:?}")))
}

fn parse_label_kind(text: &str) -> Result<LabelKind> {
    LabelKind::from_str(text).map_err(|error| corrupt("label kind", error))
}

pub(crate) fn parse_entitlement_status(text: &str) -> Result<EntitlementStatus> {
    EntitlementStatus::from_str(text).map_err(|error| corrupt("entitlement status", error))
}

/// An amount kept as exact decimal text.
pub(crate) fn parse_amount(text: Option<&str>) -> Result<Option<Decimal>> {
    text.map(|text| {
        Decimal::from_str_exact(text)
            .map_err(|error| corrupt("entitlement amount", format!("{text:?}: {error}")))
    })
    .transpose()
}

/// An amount as stored: its shortest exact text.
pub(crate) fn amount_text(amount: Option<Decimal>) -> Option<String> {
    amount.map(|amount| amount.normalize().to_string())
}

/// A count kept in an INTEGER column.
pub(crate) fn stored_count(what: &str, value: i64) -> Result<usize> {
    parse_count(what, value)
}

/// An enterprise as read from either backend; the text borrows from the row.
pub(crate) struct EnterpriseRow<'r> {
    pub uscc: &'r str,
    pub name: &'r str,
    pub registration_date: NaiveDate,
    pub district: &'r str,
    pub park: Option<&'r str>,
    pub chain: &'r str,
    pub synthetic: bool,
}

impl EnterpriseRow<'_> {
    pub fn into_enterprise(self) -> Result<Enterprise> {
        let region_code =
            |text: &str| RegionCode::new(text).map_err(|error| corrupt("region code", error));
        Ok(Enterprise {
            uscc: parse_uscc(self.uscc)?,
            name: self.name.to_owned(),
            registration_date: self.registration_date,
            district: region_code(self.district)?,
            park: self.park.map(region_code).transpose()?,
            chain: IndustrialChain::from_str(self.chain)
                .map_err(|error| corrupt("industrial chain", error))?,
            synthetic: self.synthetic,
        })
    }
}

/// One stored revision of a fact, as read from either backend.
pub(crate) struct FactRow<'r> {
    pub year: i32,
    pub variable: &'r str,
    pub revision: i32,
    pub value: &'r str,
}

/// A fact revision decoded: (year, fact, revision, value).
pub(crate) type DecodedFact = (i32, Fact, u32, FactValue);

impl FactRow<'_> {
    pub fn decode(self, uscc: &str) -> Result<DecodedFact> {
        let fact = parse_fact(self.variable)?;
        let value = fact.parse_value(self.value).map_err(|error| {
            corrupt(
                format!("fact {} {} of {uscc}", fact.name(), self.year),
                error,
            )
        })?;
        let revision = parse_version(
            || format!("revision of fact {} {} of {uscc}", fact.name(), self.year),
            self.revision,
        )?;
        Ok((self.year, fact, revision, value))
    }
}

/// One stored revision of a label, as read from either backend.
pub(crate) struct LabelRow<'r> {
    pub kind: &'r str,
    pub valid_from: NaiveDate,
    pub revision: i32,
    pub valid_to: Option<NaiveDate>,
    pub number: Option<&'r str>,
    pub source: &'r str,
}

impl LabelRow<'_> {
    pub fn decode(self, uscc: &str) -> Result<(Label, u32)> {
        let kind = parse_label_kind(self.kind)?;
        let revision = parse_version(
            || format!("revision of label {kind} {} of {uscc}", self.valid_from),
            self.revision,
        )?;
        if self.valid_to.is_some_and(|last| last < self.valid_from) {
            return Err(corrupt(
                format!("label {kind} {} of {uscc}", self.valid_from),
                "it ends before it starts",
            ));
        }
        // Not Label::new: a stored label without an end has none.
        let label = Label {
            kind,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            number: self.number.map(str::to_owned),
            source: self.source.to_owned(),
        };
        Ok((label, revision))
    }
}

/// Orders an entry's facts by year, then the vocabulary's order, and its
/// labels by kind, then first day (the stored order is that of the text).
pub(crate) fn sort_entry(entry: &mut RegistryEntry) {
    entry
        .facts
        .sort_unstable_by_key(|fact| (fact.year, fact.fact));
    entry
        .labels
        .sort_by_key(|label| (label.kind, label.valid_from));
}

/// Fills the registry's entries (ordered by credit code, as read) with rows of
/// facts or labels that come grouped by credit code: the position of the
/// current code is remembered, so that only a change of code is looked up.
pub(crate) struct EntryCursor {
    positions: HashMap<String, usize>,
    current: Option<(String, usize)>,
}

impl EntryCursor {
    pub fn new(entries: &[RegistryEntry]) -> Self {
        EntryCursor {
            positions: entries
                .iter()
                .enumerate()
                .map(|(position, entry)| (entry.enterprise.uscc.to_string(), position))
                .collect(),
            current: None,
        }
    }

    /// The position of the entry of `uscc`.
    pub fn position(&mut self, uscc: &str) -> Result<usize> {
        if let Some((code, position)) = &self.current
            && code == uscc
        {
            return Ok(*position);
        }
        let Some(&position) = self.positions.get(uscc) else {
            return Err(corrupt(
                "enterprise fact or label",
                format!("its enterprise {uscc} is not stored"),
            ));
        };
        self.current = Some((uscc.to_owned(), position));
        Ok(position)
    }
}

/// A fact to insert: borrowed from the batch, with its revision.
pub(crate) struct FactWrite<'a> {
    pub uscc: &'a str,
    pub fact: &'a YearFact,
    pub revision: u32,
}

/// A label to insert.
pub(crate) struct LabelWrite<'a> {
    pub uscc: &'a str,
    pub label: &'a Label,
    pub revision: u32,
}

/// The position of each fact (by [`Fact`] order) in the order of the facts'
/// names, which is the order of the stored key: sorting by it is sorting by
/// name without comparing text.
static FACT_NAME_RANK: LazyLock<[u8; FACTS.len()]> = LazyLock::new(|| {
    let mut by_name: Vec<Fact> = Fact::all().collect();
    by_name.sort_by_key(|fact| fact.name());
    let mut rank = [0u8; FACTS.len()];
    for (position, fact) in by_name.into_iter().enumerate() {
        rank[fact as usize] = u8::try_from(position).expect("fewer than 256 facts");
    }
    rank
});

/// The facts and labels the batch gives for one enterprise (several entries
/// of `facts_and_labels` for the same code are taken together), and what to
/// write of each: its revision, or `None` when it is unchanged.
struct Group<'a> {
    uscc: &'a str,
    facts: Vec<&'a YearFact>,
    labels: Vec<&'a Label>,
    fact_revisions: Vec<Option<u32>>,
    label_revisions: Vec<Option<u32>>,
    compared: bool,
}

/// What a registry import writes, decided the same way on both backends:
/// the backend feeds it the stored enterprises the batch names, then the
/// latest stored facts and labels of each stored enterprise the batch has
/// facts or labels for, and writes what it decides.
pub(crate) struct RegistryPlan<'a> {
    batch: &'a RegistryBatch,
    /// Every credit code the batch names, sorted, without repeats.
    codes: Vec<&'a str>,
    /// The batch's enterprises by credit code.
    enterprises: HashMap<&'a str, &'a Enterprise>,
    stored: HashSet<&'a str>,
    updates: Vec<&'a Enterprise>,
    enterprises_unchanged: usize,
    /// By credit code.
    groups: Vec<Group<'a>>,
}

impl<'a> RegistryPlan<'a> {
    pub fn new(batch: &'a RegistryBatch) -> Self {
        let enterprises: HashMap<&str, &Enterprise> = batch
            .enterprises
            .iter()
            .map(|enterprise| (enterprise.uscc.as_str(), enterprise))
            .collect();
        let mut groups: Vec<Group<'a>> = Vec::new();
        let mut sorted: Vec<&EnterpriseFactsAndLabels> = batch.facts_and_labels.iter().collect();
        sorted.sort_by(|a, b| a.uscc.cmp(&b.uscc));
        for entry in sorted {
            let same = groups
                .last()
                .is_some_and(|group| group.uscc == entry.uscc.as_str());
            if !same {
                groups.push(Group {
                    uscc: entry.uscc.as_str(),
                    facts: Vec::new(),
                    labels: Vec::new(),
                    fact_revisions: Vec::new(),
                    label_revisions: Vec::new(),
                    compared: false,
                });
            }
            let group = groups.last_mut().expect("a group was just pushed");
            group.facts.extend(&entry.facts);
            group.labels.extend(&entry.labels);
        }
        let rank = &*FACT_NAME_RANK;
        for group in &mut groups {
            // The table's key order, so that inserts append to its B-tree.
            group
                .facts
                .sort_by_key(|fact| (fact.year, rank[fact.fact as usize]));
            group
                .labels
                .sort_by(|a, b| (a.kind.code(), a.valid_from).cmp(&(b.kind.code(), b.valid_from)));
        }
        let mut codes: Vec<&str> = enterprises
            .keys()
            .copied()
            .chain(groups.iter().map(|group| group.uscc))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        RegistryPlan {
            batch,
            codes,
            enterprises,
            stored: HashSet::new(),
            updates: Vec::new(),
            enterprises_unchanged: 0,
            groups,
        }
    }

    /// Every credit code the batch names, sorted: the stored enterprises among
    /// them are read and given to [`RegistryPlan::stored_enterprise`].
    pub fn codes(&self) -> &[&'a str] {
        &self.codes
    }

    /// Takes a stored enterprise the batch names.
    pub fn stored_enterprise(&mut self, stored: &Enterprise) {
        let Some(code) = self
            .codes
            .binary_search(&stored.uscc.as_str())
            .ok()
            .map(|index| self.codes[index])
        else {
            return;
        };
        if !self.stored.insert(code) {
            return;
        }
        if let Some(&new) = self.enterprises.get(code) {
            if new == stored {
                self.enterprises_unchanged += 1;
            } else {
                self.updates.push(new);
            }
        }
    }

    /// After the stored enterprises: every code with facts or labels must be
    /// in the batch or stored. Returns the codes whose stored facts and labels
    /// are to be compared (those of stored enterprises), sorted.
    pub fn codes_to_compare(&self) -> Result<Vec<&'a str>> {
        let mut codes = Vec::new();
        for group in &self.groups {
            if self.stored.contains(group.uscc) {
                codes.push(group.uscc);
            } else if !self.enterprises.contains_key(group.uscc) {
                let uscc = parse_uscc(group.uscc)?;
                return Err(StoreError::UnknownEnterprise(uscc));
            }
        }
        Ok(codes)
    }

    /// Compares the batch's facts and labels of `uscc` with its latest stored
    /// facts (any order) and labels.
    pub fn compare(
        &mut self,
        uscc: &str,
        latest_facts: &[DecodedFact],
        latest_labels: &[(Label, u32)],
    ) {
        let Ok(index) = self.groups.binary_search_by(|group| group.uscc.cmp(uscc)) else {
            return;
        };
        compare_group(&mut self.groups[index], latest_facts, latest_labels);
    }

    /// Everything to write, once every stored enterprise, fact and label has
    /// been compared: the facts and labels of enterprises with nothing stored
    /// are all new. Facts and labels come in the tables' key order.
    pub fn writes(self) -> RegistryWrites<'a> {
        let mut inserts: Vec<&Enterprise> = self
            .batch
            .enterprises
            .iter()
            .filter(|enterprise| !self.stored.contains(enterprise.uscc.as_str()))
            .collect();
        inserts.sort_by(|a, b| a.uscc.cmp(&b.uscc));
        let mut outcome = RegistryOutcome {
            import_id: None,
            enterprises_added: inserts.len(),
            enterprises_updated: self.updates.len(),
            enterprises_unchanged: self.enterprises_unchanged,
            ..RegistryOutcome::default()
        };
        let mut facts = Vec::new();
        let mut labels = Vec::new();
        for mut group in self.groups {
            if !group.compared {
                compare_group(&mut group, &[], &[]);
            }
            for (fact, revision) in group.facts.iter().zip(&group.fact_revisions) {
                match revision {
                    None => outcome.facts_unchanged += 1,
                    Some(revision) => {
                        if *revision == 1 {
                            outcome.facts_added += 1;
                        } else {
                            outcome.facts_revised += 1;
                        }
                        facts.push(FactWrite {
                            uscc: group.uscc,
                            fact,
                            revision: *revision,
                        });
                    }
                }
            }
            for (label, revision) in group.labels.iter().zip(&group.label_revisions) {
                match revision {
                    None => outcome.labels_unchanged += 1,
                    Some(revision) => {
                        if *revision == 1 {
                            outcome.labels_added += 1;
                        } else {
                            outcome.labels_revised += 1;
                        }
                        labels.push(LabelWrite {
                            uscc: group.uscc,
                            label,
                            revision: *revision,
                        });
                    }
                }
            }
        }
        RegistryWrites {
            inserts,
            updates: self.updates,
            facts,
            labels,
            outcome,
        }
    }
}

/// Decides the revision of each fact and label of a group: 1 for a new key,
/// the next one for a changed value, `None` for an unchanged one.
fn compare_group(
    group: &mut Group<'_>,
    latest_facts: &[DecodedFact],
    latest_labels: &[(Label, u32)],
) {
    group.compared = true;
    let stored_facts: HashMap<(i32, Fact), (u32, FactValue)> = latest_facts
        .iter()
        .map(|&(year, fact, revision, value)| ((year, fact), (revision, value)))
        .collect();
    group.fact_revisions = group
        .facts
        .iter()
        .map(|fact| match stored_facts.get(&(fact.year, fact.fact)) {
            None => Some(1),
            Some((_, value)) if *value == fact.value => None,
            Some((revision, _)) => Some(revision + 1),
        })
        .collect();
    let stored_labels: HashMap<(LabelKind, NaiveDate), (&Label, u32)> = latest_labels
        .iter()
        .map(|(label, revision)| ((label.kind, label.valid_from), (label, *revision)))
        .collect();
    group.label_revisions = group
        .labels
        .iter()
        .map(
            |label| match stored_labels.get(&(label.kind, label.valid_from)) {
                None => Some(1),
                Some((stored, _)) if *stored == *label => None,
                Some((_, revision)) => Some(revision + 1),
            },
        )
        .collect();
}

/// What a registry import writes.
pub(crate) struct RegistryWrites<'a> {
    pub inserts: Vec<&'a Enterprise>,
    pub updates: Vec<&'a Enterprise>,
    pub facts: Vec<FactWrite<'a>>,
    pub labels: Vec<LabelWrite<'a>>,
    /// The counts, without the import id.
    pub outcome: RegistryOutcome,
}

impl RegistryWrites<'_> {
    pub fn writes_nothing(&self) -> bool {
        self.inserts.is_empty()
            && self.updates.is_empty()
            && self.facts.is_empty()
            && self.labels.is_empty()
    }
}

/// An enterprise's history with its facts by year, fact and revision, and its
/// labels by kind, first day and revision.
pub(crate) fn history_in_order(
    enterprise: Enterprise,
    import_id: i64,
    mut facts: Vec<FactRevision>,
    mut labels: Vec<LabelRevision>,
) -> EnterpriseHistory {
    facts.sort_unstable_by_key(|fact| (fact.year, fact.fact, fact.revision));
    labels.sort_by(|a, b| {
        (a.label.kind, a.label.valid_from, a.revision).cmp(&(
            b.label.kind,
            b.label.valid_from,
            b.revision,
        ))
    });
    EnterpriseHistory {
        enterprise,
        import_id,
        facts,
        labels,
    }
}

/// The years of facts a registry read selects, as an inclusive range.
pub(crate) fn fact_year_range(facts: FactYears) -> Option<(i32, i32)> {
    match facts {
        FactYears::All => Some((i32::MIN, i32::MAX)),
        FactYears::None => None,
        FactYears::Between(first, last) => Some((first, last)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        let check = |location: &str, expected: &str| assert_eq!(redact(location), expected);
        check(
            "postgres://zijin:s3cr%40t@db.example:5432/zijin",
            "postgres://zijin:***@db.example:5432/zijin",
        );
        check(
            "postgresql://zijin@localhost/zijin?password=s3cret&sslmode=require",
            "postgresql://zijin@localhost/zijin?password=***&sslmode=require",
        );
        check(
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://postgres@127.0.0.1:5432/test",
        );
        check("data/zijin.db", "data/zijin.db");
        // An '@' in the password is not the end of the user-info.
        check(
            "postgres://zijin:p@ss@host/db",
            "postgres://zijin:***@host/db",
        );
    }

    #[test]
    fn store_errors_come_back_through_sqlx() {
        let carried = uncarry(carry(corrupt("period", "2023-13")));
        assert!(
            matches!(&carried, StoreError::Corrupt { what, message } if what == "period" && message == "2023-13"),
            "{carried:?}"
        );
        assert!(matches!(
            uncarry(sqlx::Error::RowNotFound),
            StoreError::Database(sqlx::Error::RowNotFound)
        ));
        assert!(matches!(
            uncarry(sqlx::Error::Decode("not ours".into())),
            StoreError::Database(sqlx::Error::Decode(_))
        ));
    }

    #[test]
    fn timestamps_keep_microseconds() {
        let at = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(
            stored_timestamp(at),
            Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap()
                + chrono::Duration::microseconds(123_456)
        );
    }

    #[test]
    fn region_kinds_round_trip() {
        for kind in [
            RegionKind::City,
            RegionKind::District,
            RegionKind::FunctionalArea,
            RegionKind::HighTechZone,
            RegionKind::Park,
        ] {
            assert_eq!(parse_region_kind(&region_kind_text(kind)).unwrap(), kind);
        }
        assert_eq!(region_kind_text(RegionKind::HighTechZone), "high_tech_zone");
        assert!(matches!(
            parse_region_kind("county"),
            Err(StoreError::Corrupt { .. })
        ));
    }

    fn observation(region: &str, period: &str, value: f64) -> Observation {
        Observation {
            indicator: IndicatorCode::new("rd_intensity").unwrap(),
            region: RegionCode::new(region).unwrap(),
            period: period.parse().unwrap(),
            value,
            qualifier: Qualifier::Exact,
            unit: "%".to_owned(),
            source: "bulletin".to_owned(),
            source_quality: SourceQuality::Official,
            note: None,
        }
    }

    fn latest<'o>(observation: &'o Observation, period: &'o str, revision: i32) -> LatestRow<'o> {
        LatestRow {
            region: observation.region.as_str(),
            period,
            revision,
            value: observation.value,
            qualifier: observation.qualifier.symbol(),
            unit: &observation.unit,
            source: &observation.source,
            source_quality: observation.source_quality.as_str(),
            note: observation.note.as_deref(),
        }
    }

    #[test]
    fn same_content_agrees_with_the_domain_field_by_field() {
        let base = observation("320100", "2023", 3.0);
        let mut variants = vec![base.clone()];
        let mut changed = base.clone();
        changed.value = 3.0000000000000004;
        variants.push(changed);
        let mut changed = base.clone();
        changed.qualifier = Qualifier::About;
        variants.push(changed);
        let mut changed = base.clone();
        changed.unit = "‰".to_owned();
        variants.push(changed);
        let mut changed = base.clone();
        changed.source = "yearbook".to_owned();
        variants.push(changed);
        let mut changed = base.clone();
        changed.source_quality = SourceQuality::Synthetic;
        variants.push(changed);
        let mut changed = base.clone();
        changed.note = Some("preliminary".to_owned());
        variants.push(changed.clone());
        changed.note = Some(String::new());
        variants.push(changed);
        for new in &variants {
            for stored in &variants {
                let row = latest(stored, "2023", 1);
                assert_eq!(
                    same_content(new, &row, stored.qualifier, stored.source_quality),
                    new.same_content(stored),
                    "{new:?} against {stored:?}"
                );
            }
        }
    }

    #[test]
    fn import_plan_adds_revises_and_skips() {
        let batch = vec![
            observation("320100", "2023", 3.0),
            observation("320100", "2023-H1", 1.5),
            observation("320102", "2023", 2.0),
        ];
        let mut stored_note = observation("320102", "2023", 2.0);
        stored_note.note = Some("preliminary".to_owned());
        let same = observation("320100", "2023", 3.0);
        let elsewhere = observation("320104", "2023", 9.0);
        let stored = vec![
            latest(&same, "2023", 2),
            latest(&stored_note, "2023", 1),
            // A key that is not in the batch is left alone.
            latest(&elsewhere, "2023", 4),
        ];
        let mut plan = ImportPlan::new(&batch);
        let groups = plan.indicators();
        assert_eq!(groups.len(), 1);
        let mut comparison = plan.compare(&groups[0].1);
        for row in stored {
            comparison.latest(row).unwrap();
        }
        assert!(matches!(
            comparison.latest(latest(&same, "2023-13", 1)),
            Err(StoreError::Corrupt { .. })
        ));
        let rows: Vec<(String, u32)> = plan
            .rows()
            .into_iter()
            .map(|(observation, revision)| {
                (
                    format!("{} {}", observation.region, observation.period),
                    revision,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("320100 2023-H1".to_owned(), 1),
                ("320102 2023".to_owned(), 2)
            ]
        );
        assert_eq!(
            plan.outcome(Some(7)),
            ImportOutcome {
                import_id: Some(7),
                added: 1,
                revised: 1,
                unchanged: 1
            }
        );
        assert!(!plan.writes_nothing());
    }
}
