//! Policy runs over the registry (免申即享): the built-in packs, a run of a
//! pack over every enterprise of the registry for one period, stored with
//! the rules version, the data snapshot and every entitlement with its
//! explanation, and what changed since the previous run of the same pack
//! and period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zijin_domain::{EntitlementStatus, RegistryEntry, Uscc};
use zijin_policy::eval::{Evaluation, Options, Status};
use zijin_policy::pack::Pack;
use zijin_store::{EntitlementRecord, FactYears, PolicyRunRecord, RegistryFilter, Store};

use crate::{AppError, Result, Zijin};

/// A pack shipped inside the binary.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinPack {
    pub id: &'static str,
    /// Where it lives in the repository (for messages and the record).
    pub file: &'static str,
    pub text: &'static str,
}

/// The packs of `policies/`: the default pack (the national measures) and
/// the OpenFisca benchmark pack.
pub const BUILTIN_PACKS: &[BuiltinPack] = &[
    BuiltinPack {
        id: "default",
        file: "policies/default/pack.toml",
        text: include_str!("../../../policies/default/pack.toml"),
    },
    BuiltinPack {
        id: "benchmark-openfisca",
        file: "policies/benchmark-openfisca/pack.toml",
        text: include_str!("../../../policies/benchmark-openfisca/pack.toml"),
    },
];

/// A built-in pack by id, checked.
pub fn builtin_pack(id: &str) -> Result<(Pack, &'static BuiltinPack)> {
    let builtin = BUILTIN_PACKS
        .iter()
        .find(|pack| pack.id == id)
        .ok_or_else(|| AppError::UnknownPack(id.to_owned()))?;
    let pack = Pack::from_toml(builtin.file, builtin.text)
        .map_err(|errors| AppError::PackFile(errors.to_string()))?;
    Ok((pack, builtin))
}

/// The hex SHA-256 of a pack's text: the rules version of a run.
pub fn pack_digest(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// How many enterprises one policy counts in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyCount {
    pub policy: String,
    pub name_zh: String,
    pub name_en: String,
    pub eligible: usize,
    /// Not decided for lack of data.
    pub unknown: usize,
    /// The total granted, for a policy with an amount.
    pub amount: Option<Decimal>,
    /// Eligible now and not in the previous run of the same pack and period.
    pub gained: Vec<Uscc>,
    /// Eligible in the previous run and not now.
    pub lost: Vec<Uscc>,
    /// Failing on one criterion only, by at most [`NEAR_MISS_MARGIN`] of
    /// its threshold (培育对象).
    pub near_misses: usize,
}

/// How close to its threshold a failed criterion must be for a near miss:
/// 10% (the gap over the threshold).
pub const NEAR_MISS_MARGIN: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyRunSummary {
    pub run: PolicyRunRecord,
    /// The previous run of the same pack and period, compared with.
    pub previous_run: Option<i64>,
    pub policies: Vec<PolicyCount>,
    /// Enterprises whose evaluation stopped on an error (their message).
    pub errors: Vec<String>,
}

/// The explanation of one entitlement, as stored (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoredExplanation {
    pub reason: Option<String>,
    /// One line per criterion ([`zijin_policy::explain::render_criterion`]).
    pub criteria: Vec<String>,
    /// For a near miss (stored as a failed entitlement): the criterion it
    /// fails and by how much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_miss: Option<StoredNearMiss>,
}

/// The failed comparison of a near miss and its gap.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoredNearMiss {
    pub criterion: String,
    /// Both sides of the comparison that failed, as written and as found.
    pub left_text: String,
    pub left: String,
    pub op: String,
    pub right_text: String,
    pub right: String,
    /// How much the left side must change for it to hold, and that over the
    /// threshold.
    pub gap: Decimal,
    pub relative: Option<Decimal>,
}

/// A near miss of a stored run: an enterprise failing a policy on one
/// criterion only, by a small margin.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMissRecord {
    pub uscc: Uscc,
    pub policy_id: String,
    pub near_miss: StoredNearMiss,
    /// Every criterion's line, as for an entitlement.
    pub criteria: Vec<String>,
}

impl<S: Store> Zijin<S> {
    /// Evaluates `pack` (whose text is `text`) for every enterprise of the
    /// registry and stores the run: the rules version (pack id, version,
    /// SHA-256), the data snapshot (latest registry import and a digest of
    /// the registry as read), and one entitlement per eligible enterprise
    /// and policy, with its explanation. Returns the counts per policy and
    /// who gained or lost since the previous run of the same pack and period.
    pub async fn run_policies(
        &self,
        pack: &Pack,
        text: &str,
        options: &Options,
        now: DateTime<Utc>,
    ) -> Result<PolicyRunSummary> {
        let registry = self
            .store
            .registry(&RegistryFilter {
                facts: FactYears::All,
            })
            .await?;
        let reference_date = match options.reference_date {
            Some(date) => date,
            None => NaiveDate::from_ymd_opt(options.period, 1, 1)
                .ok_or_else(|| AppError::PackFile(format!("no period {}", options.period)))?,
        };
        let enterprises: Vec<zijin_policy::eval::Enterprise> = registry
            .iter()
            .map(|entry| entry.policy_input(reference_date))
            .collect();
        let evaluations = zijin_policy::batch::evaluate_all(pack, &enterprises, options);

        let mut errors = Vec::new();
        let mut entitlements = Vec::new();
        let mut counts: Vec<PolicyCount> = pack
            .policies
            .iter()
            .map(|policy| PolicyCount {
                policy: policy.id.clone(),
                name_zh: policy.name_zh.clone(),
                name_en: policy.name_en.clone(),
                eligible: 0,
                unknown: 0,
                amount: policy.amount.as_ref().map(|_| Decimal::ZERO),
                gained: Vec::new(),
                lost: Vec::new(),
                near_misses: 0,
            })
            .collect();
        for (entry, evaluation) in registry.iter().zip(evaluations) {
            let evaluation = match evaluation {
                Ok(evaluation) => evaluation,
                Err(error) => {
                    errors.push(error.to_string());
                    continue;
                }
            };
            for (count, policy) in counts.iter_mut().zip(&evaluation.policies) {
                match policy.status {
                    Status::Pass => {
                        count.eligible += 1;
                        if let (Some(total), Some(amount)) = (count.amount.as_mut(), policy.amount)
                        {
                            *total += amount;
                        }
                        entitlements.push(EntitlementRecord {
                            uscc: entry.enterprise.uscc.clone(),
                            policy_id: policy.id.clone(),
                            status: EntitlementStatus::Pass,
                            amount: policy.amount,
                            explanation: stored_json(&evaluation, &policy.id, None),
                        });
                    }
                    Status::Unknown => count.unknown += 1,
                    Status::Fail => {
                        if let Some(near_miss) = near_miss(pack, &evaluation, policy) {
                            count.near_misses += 1;
                            entitlements.push(EntitlementRecord {
                                uscc: entry.enterprise.uscc.clone(),
                                policy_id: policy.id.clone(),
                                status: EntitlementStatus::Fail,
                                amount: None,
                                explanation: stored_json(&evaluation, &policy.id, Some(near_miss)),
                            });
                        }
                    }
                }
            }
        }

        let runs = self.store.policy_runs().await?;
        let previous = runs
            .iter()
            .filter(|run| {
                run.pack_id == pack.info.id
                    && run.period == options.period
                    && run.known_on == options.known_on
            })
            .max_by_key(|run| run.id);
        let previous_run = previous.map(|run| run.id);
        if let Some(previous) = previous {
            let before = self.store.policy_entitlements(previous.id, None).await?;
            let mut old: BTreeMap<&str, BTreeSet<&Uscc>> = BTreeMap::new();
            for entitlement in &before {
                if entitlement.status == EntitlementStatus::Pass {
                    old.entry(entitlement.policy_id.as_str())
                        .or_default()
                        .insert(&entitlement.uscc);
                }
            }
            let mut new: BTreeMap<&str, BTreeSet<&Uscc>> = BTreeMap::new();
            for entitlement in entitlements
                .iter()
                .filter(|entitlement| entitlement.status == EntitlementStatus::Pass)
            {
                new.entry(entitlement.policy_id.as_str())
                    .or_default()
                    .insert(&entitlement.uscc);
            }
            let empty = BTreeSet::new();
            for count in &mut counts {
                let old = old.get(count.policy.as_str()).unwrap_or(&empty);
                let new = new.get(count.policy.as_str()).unwrap_or(&empty);
                count.gained = new.difference(old).map(|uscc| (*uscc).clone()).collect();
                count.lost = old.difference(new).map(|uscc| (*uscc).clone()).collect();
            }
        }

        let imports = self.store.registry_imports().await?;
        let run = PolicyRunRecord {
            id: 0,
            pack_id: pack.info.id.clone(),
            pack_version: pack.info.version.clone(),
            pack_sha256: pack_digest(text),
            period: options.period,
            known_on: options.known_on,
            registry_import_id: imports.iter().map(|import| import.id).max(),
            registry_digest: registry_digest(&registry),
            created_at: now,
            enterprise_count: registry.len(),
        };
        let id = self.store.save_policy_run(&run, &entitlements).await?;
        Ok(PolicyRunSummary {
            run: PolicyRunRecord { id, ..run },
            previous_run,
            policies: counts,
            errors,
        })
    }

    /// The stored runs, newest last.
    pub async fn policy_runs(&self) -> Result<Vec<PolicyRunRecord>> {
        Ok(self.store.policy_runs().await?)
    }

    /// The latest run of `pack_id` for `period` (rules as known when run).
    pub async fn latest_policy_run(
        &self,
        pack_id: &str,
        period: i32,
    ) -> Result<Option<PolicyRunRecord>> {
        Ok(self
            .store
            .policy_runs()
            .await?
            .into_iter()
            .filter(|run| run.pack_id == pack_id && run.period == period && run.known_on.is_none())
            .max_by_key(|run| run.id))
    }

    /// The entitlements of a run (of one enterprise when `uscc` is given):
    /// the eligible enterprises and policies.
    pub async fn entitlements(
        &self,
        run_id: i64,
        uscc: Option<&Uscc>,
    ) -> Result<Vec<EntitlementRecord>> {
        let mut stored = self.store.policy_entitlements(run_id, uscc).await?;
        stored.retain(|entitlement| entitlement.status == EntitlementStatus::Pass);
        Ok(stored)
    }

    /// The near misses of a run (of one policy when `policy` is given),
    /// closest first.
    pub async fn near_misses(
        &self,
        run_id: i64,
        policy: Option<&str>,
    ) -> Result<Vec<NearMissRecord>> {
        let stored = self.store.policy_entitlements(run_id, None).await?;
        let mut found: Vec<NearMissRecord> = stored
            .into_iter()
            .filter(|entitlement| {
                entitlement.status == EntitlementStatus::Fail
                    && policy.is_none_or(|policy| entitlement.policy_id == policy)
            })
            .filter_map(|entitlement| {
                let explanation: StoredExplanation =
                    serde_json::from_str(&entitlement.explanation).ok()?;
                Some(NearMissRecord {
                    uscc: entitlement.uscc,
                    policy_id: entitlement.policy_id,
                    near_miss: explanation.near_miss?,
                    criteria: explanation.criteria,
                })
            })
            .collect();
        found.sort_by(|a, b| {
            a.near_miss
                .relative
                .cmp(&b.near_miss.relative)
                .then_with(|| a.uscc.cmp(&b.uscc))
        });
        Ok(found)
    }

    /// Evaluates `pack` for one enterprise of the registry, with the full
    /// explanation; `None` if the registry has no such enterprise.
    pub async fn explain_enterprise(
        &self,
        pack: &Pack,
        uscc: &Uscc,
        options: &Options,
    ) -> Result<Option<(RegistryEntry, Evaluation)>> {
        let Some(history) = self.store.enterprise(uscc).await? else {
            return Ok(None);
        };
        let entry = latest_entry(history);
        let reference_date = options
            .reference_date
            .or_else(|| NaiveDate::from_ymd_opt(options.period, 1, 1))
            .ok_or_else(|| AppError::PackFile(format!("no period {}", options.period)))?;
        let input = entry.policy_input(reference_date);
        let evaluation = zijin_policy::eval::evaluate(pack, &input, options)
            .map_err(|error| AppError::PackFile(error.to_string()))?;
        Ok(Some((entry, evaluation)))
    }
}

/// The registry entry of an enterprise as it is now: the latest revision of
/// each fact and label.
pub fn latest_entry(history: zijin_store::EnterpriseHistory) -> RegistryEntry {
    let mut facts = BTreeMap::new();
    for revision in history.facts {
        let key = (revision.year, revision.fact.name());
        let newer = facts
            .get(&key)
            .is_none_or(|(kept, _): &(u32, _)| revision.revision > *kept);
        if newer {
            facts.insert(
                key,
                (
                    revision.revision,
                    zijin_domain::YearFact {
                        year: revision.year,
                        fact: revision.fact,
                        value: revision.value,
                    },
                ),
            );
        }
    }
    let mut labels = BTreeMap::new();
    for revision in history.labels {
        let key = (revision.label.kind.code(), revision.label.valid_from);
        let newer = labels
            .get(&key)
            .is_none_or(|(kept, _): &(u32, _)| revision.revision > *kept);
        if newer {
            labels.insert(key, (revision.revision, revision.label));
        }
    }
    RegistryEntry {
        enterprise: history.enterprise,
        facts: facts.into_values().map(|(_, fact)| fact).collect(),
        labels: labels.into_values().map(|(_, label)| label).collect(),
    }
}

fn stored_json(evaluation: &Evaluation, policy: &str, near_miss: Option<StoredNearMiss>) -> String {
    let Some(result) = evaluation.policy(policy) else {
        return String::new();
    };
    let stored = StoredExplanation {
        reason: result.reason.clone(),
        criteria: result
            .criteria
            .iter()
            .map(zijin_policy::explain::render_criterion)
            .collect(),
        near_miss,
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The near miss of a failed policy: all its criteria must hold, exactly
/// one fails, others pass, and the failed comparison is within
/// [`NEAR_MISS_MARGIN`] of its threshold.
fn near_miss(
    pack: &Pack,
    evaluation: &Evaluation,
    result: &zijin_policy::eval::PolicyResult,
) -> Option<StoredNearMiss> {
    let policy = pack.policy(&result.id)?;
    if policy.combine != zijin_policy::pack::Combine::All {
        return None;
    }
    let mut failing = result
        .criteria
        .iter()
        .filter(|criterion| criterion.status != Status::Pass);
    let criterion = failing.next()?;
    if criterion.status != Status::Fail || failing.next().is_some() {
        return None;
    }
    let margin = zijin_policy::nearmiss::margin(evaluation, &result.id, &criterion.id)?;
    if margin
        .relative
        .is_none_or(|relative| relative > NEAR_MISS_MARGIN)
    {
        return None;
    }
    let comparison = &margin.comparison;
    Some(StoredNearMiss {
        criterion: criterion.id.clone(),
        left_text: comparison.left_text.clone(),
        left: comparison.left.to_string(),
        op: comparison.op.symbol().to_owned(),
        right_text: comparison.right_text.clone(),
        right: comparison.right.to_string(),
        gap: margin.gap.normalize(),
        relative: margin
            .relative
            .map(|relative| relative.round_dp(6).normalize()),
    })
}

/// A digest of the registry as read: every enterprise, fact and label.
fn registry_digest(registry: &[RegistryEntry]) -> String {
    let mut hasher = Sha256::new();
    for entry in registry {
        hasher.update(entry.enterprise.uscc.as_str().as_bytes());
        for fact in &entry.facts {
            hasher.update(
                format!("|{}:{}={}", fact.year, fact.fact.name(), fact.value.text()).as_bytes(),
            );
        }
        for label in &entry.labels {
            hasher.update(
                format!(
                    "|{}:{}..{:?}",
                    label.kind.code(),
                    label.valid_from,
                    label.valid_to
                )
                .as_bytes(),
            );
        }
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}
