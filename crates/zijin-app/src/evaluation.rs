//! Evaluations (考核评价): the built-in composite-index frameworks of
//! `data/frameworks/` (the 15 parks of the Nanjing High-tech Zone; the new R&D
//! institutions, NRI) run through the index engine year by year, stored with
//! the framework's version, with the rank uncertainty of the index, and, for
//! the NRI framework, the exit flag (退出预警) of its `[exit_rule]`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use zijin_exchange::{BUILTIN_FRAMEWORKS, ExitRule, LoadedFramework, parse_framework_toml};
use zijin_index::{AggregateMethod, Pipeline, Spec, analyse};
use zijin_store::{
    EvaluationNodeRecord, EvaluationRankRecord, EvaluationResultRecord, EvaluationRunRecord,
    EvaluationUnitRecord, Store, StoredEvaluation,
};

use crate::{Actor, AppError, Result, Zijin};

/// The group column of iData that holds a unit's year of recognition (备案),
/// for the exit rule's grace period.
pub const FOUNDED_COLUMN: &str = "Founded";

/// One stored run of a framework on one year of its data.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationRun {
    pub id: i64,
    /// The framework's code (`njhz-parks`, `nj-nri-yearly`).
    pub framework: String,
    /// The short name of a built-in framework (`parks`, `nri`), its folder.
    pub key: String,
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    /// `park` or `institution`.
    pub unit_kind: String,
    pub year: i32,
    /// The data are synthetic (合成数据): always shown with the note.
    pub synthetic: bool,
    pub note_zh: String,
    pub note_en: String,
    /// Uncertainty draws.
    pub runs: usize,
    pub seed: u64,
    pub created_at: DateTime<Utc>,
}

/// A node of the framework's tree (indicator, pillar, index), as it was at
/// the run: the stored record itself (code, names, level, parent, weight
/// relative to its siblings, direction, unit, rationale).
pub type NodeInfo = EvaluationNodeRecord;

/// One unit's result on one node.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    pub unit: String,
    pub unit_name: String,
    /// The node's code.
    pub code: String,
    /// The raw (reported) value; indicators only.
    pub value: Option<f64>,
    /// The score (normalised for indicators, aggregated above).
    pub score: Option<f64>,
    /// 1 is the best; ties take the better rank.
    pub rank: Option<u32>,
}

/// The rank of a unit on the index over the uncertainty draws.
#[derive(Debug, Clone, Serialize)]
pub struct RankUncertainty {
    pub unit: String,
    pub nominal: f64,
    pub median: f64,
    /// The 5th percentile of its ranks (its optimistic rank).
    pub q05: f64,
    /// The 95th percentile (its pessimistic rank).
    pub q95: f64,
    pub mean: f64,
}

/// The exit flag (退出预警) of one institution in one year.
#[derive(Debug, Clone, Serialize)]
pub struct ExitFlag {
    pub unit: String,
    pub flagged: bool,
    /// Why it is flagged, or why not (the first condition that fails).
    pub reasons_zh: Vec<String>,
    pub reasons_en: Vec<String>,
}

/// A stored evaluation: a run and its results.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub run: EvaluationRun,
    pub nodes: Vec<NodeInfo>,
    /// (code, name) of every unit, sorted by the index rank (unranked last).
    pub units: Vec<(String, String)>,
    pub results: Vec<UnitResult>,
    pub uncertainty: Vec<RankUncertainty>,
    /// NRI only: one per unit.
    pub exit_flags: Vec<ExitFlag>,
    /// The code of the index (the root of the tree).
    pub index_code: String,
}

impl<S: Store> Zijin<S> {
    /// Runs the built-in frameworks (or the one named, by key or code) on every
    /// year of their data and stores each year as a new run. The rank
    /// uncertainty takes `runs` draws seeded with `seed`; `None` takes the
    /// framework's own settings (`[uncertainty]`, else `[exit_rule.uncertainty]`:
    /// 1,000 draws, seed 2025). Nothing stored is overwritten.
    pub async fn run_evaluations(
        &self,
        framework: Option<&str>,
        runs: Option<usize>,
        seed: Option<u64>,
        actor: &Actor,
    ) -> Result<Vec<EvaluationRun>> {
        let builtins: Vec<_> = match framework {
            None => BUILTIN_FRAMEWORKS.iter().collect(),
            Some(name) => vec![
                zijin_exchange::builtin_framework(name)
                    .ok_or_else(|| AppError::UnknownFramework(name.to_owned()))?,
            ],
        };
        let mut done = Vec::new();
        for builtin in builtins {
            let loaded = builtin.load()?;
            for year in loaded.data.years() {
                let mut stored = evaluate_year(&loaded, year, runs, seed, actor.now)?;
                stored.run.id = self.store.save_evaluation(&stored).await?;
                done.push(evaluation_run(&stored.run));
            }
        }
        Ok(done)
    }

    /// The latest run of every (framework, year), by framework (code), then year.
    pub async fn evaluations(&self) -> Result<Vec<EvaluationRun>> {
        let mut latest: HashMap<(String, i32), EvaluationRunRecord> = HashMap::new();
        for run in self.store.evaluation_runs().await? {
            let key = (run.framework.clone(), run.year);
            if latest.get(&key).is_none_or(|kept| kept.id < run.id) {
                latest.insert(key, run);
            }
        }
        let mut runs: Vec<EvaluationRun> = latest.values().map(evaluation_run).collect();
        runs.sort_by(|a, b| (&a.framework, a.year).cmp(&(&b.framework, b.year)));
        Ok(runs)
    }

    /// The latest run of a framework (key `parks`/`nri` or code) in a year,
    /// with its results; for a framework with an exit rule, the exit flags of
    /// that year, computed from the stored runs of the years the rule looks at.
    pub async fn evaluation(&self, framework: &str, year: i32) -> Result<Option<Evaluation>> {
        let runs = self.store.evaluation_runs().await?;
        let latest = |year: i32| {
            runs.iter()
                .filter(|r| (r.framework == framework || r.key == framework) && r.year == year)
                .max_by_key(|r| r.id)
        };
        let Some(run) = latest(year) else {
            return Ok(None);
        };
        let Some(stored) = self.store.evaluation(run.id).await? else {
            return Ok(None);
        };
        let file = parse_framework_toml(
            &format!("framework.toml of evaluation run {}", run.id),
            &stored.run.framework_text,
        )?;
        let mut exit_flags = Vec::new();
        if let Some(rule) = &file.exit_rule {
            let years = rule.consecutive_years.max(1);
            let mut standings = vec![Some(standing(&stored, rule))];
            for back in 1..years {
                let earlier_year = year - i32::try_from(back).unwrap_or(i32::MAX);
                let earlier = match latest(earlier_year) {
                    Some(run) => self.store.evaluation(run.id).await?,
                    None => None,
                };
                standings.push(earlier.map(|e| standing(&e, rule)));
            }
            exit_flags = exit_flags_for(rule, year, &standings);
        }
        Ok(Some(evaluation_of(stored, exit_flags)))
    }
}

fn evaluation_run(run: &EvaluationRunRecord) -> EvaluationRun {
    EvaluationRun {
        id: run.id,
        framework: run.framework.clone(),
        key: run.key.clone(),
        version: run.version.clone(),
        name_zh: run.name_zh.clone(),
        name_en: run.name_en.clone(),
        unit_kind: run.unit_kind.clone(),
        year: run.year,
        synthetic: run.synthetic,
        note_zh: run.note_zh.clone(),
        note_en: run.note_en.clone(),
        runs: usize::try_from(run.runs).unwrap_or(usize::MAX),
        seed: run.seed,
        created_at: run.created_at,
    }
}

/// The pipeline when a framework.toml has none: the suggested one of
/// `data/frameworks/README.md` (screen 2/3, median, COINr's outlier
/// treatment, min-max to [1, 100], arithmetic mean).
fn default_pipeline() -> Spec {
    let spec = r#"
order = ["denominate", "screen", "impute", "treat", "normalise", "aggregate"]
denominate = {}
screen = {}
impute = { method = "median" }
treat = {}
normalise = { method = "minmax", range = [1, 100] }
aggregate = { method = "arithmetic" }
"#;
    zijin_exchange::parse_index_spec("default pipeline", spec).expect("a valid pipeline")
}

fn finite(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// Builds one year of a framework's data, runs its rank-uncertainty analysis,
/// and returns what is stored (the run's id is 0 until stored).
pub fn evaluate_year(
    loaded: &LoadedFramework,
    year: i32,
    runs: Option<usize>,
    seed: Option<u64>,
    created_at: DateTime<Utc>,
) -> Result<StoredEvaluation> {
    let framework = &loaded.framework;
    let data = loaded.data.at_time(year);
    let spec = loaded
        .file
        .pipeline
        .clone()
        .unwrap_or_else(default_pipeline);
    let pipeline = Pipeline::new(framework, &data, &spec)?;
    let build = pipeline.run()?;
    let settings = loaded.file.uncertainty_settings().cloned().unwrap_or(
        zijin_exchange::UncertaintySettings {
            draws: 1000,
            seed: 2025,
            weight_noise: 0.25,
            aggregations: vec![AggregateMethod::Arithmetic, AggregateMethod::Geometric],
        },
    );
    let draws = runs.unwrap_or(settings.draws);
    let seed = seed.unwrap_or(settings.seed);
    let analysis = analyse(&pipeline, &settings.analysis(&spec), draws, seed)?;
    let root = framework.node(framework.root());

    let nodes: Vec<EvaluationNodeRecord> = framework
        .nodes()
        .iter()
        .map(|node| EvaluationNodeRecord {
            code: node.code.clone(),
            name_zh: node.extra("iName_zh").unwrap_or(&node.name).to_owned(),
            name_en: node.name.clone(),
            level: node.level,
            parent: node.parent.map(|p| framework.node(p).code.clone()),
            weight: node.weight,
            direction: node.direction,
            unit: node.unit.clone(),
            rationale: node.extra("Rationale").map(str::to_owned),
        })
        .collect();
    let units: Vec<EvaluationUnitRecord> = data
        .codes
        .iter()
        .enumerate()
        .map(|(u, code)| EvaluationUnitRecord {
            code: code.clone(),
            name: data.names.get(u).cloned().unwrap_or_default(),
            groups: data
                .groups
                .iter()
                .filter_map(|(name, values)| {
                    values[u]
                        .as_ref()
                        .map(|value| (name.clone(), value.clone()))
                })
                .collect(),
            included: build.scores.unit_index(code).is_some(),
        })
        .collect();
    let mut results = Vec::with_capacity(units.len() * nodes.len());
    for unit in &data.codes {
        let raw_row = build.raw.unit_index(unit);
        let score_row = build.scores.unit_index(unit);
        for node in framework.nodes() {
            let value = match (raw_row, build.raw.column_index(&node.code)) {
                (Some(u), Some(c)) if node.is_indicator() => finite(build.raw.column(c)[u]),
                _ => None,
            };
            let (score, rank) = match (score_row, build.scores.column_index(&node.code)) {
                (Some(u), Some(c)) => (
                    finite(build.scores.column(c)[u]),
                    finite(build.ranks.column(c)[u]).map(|r| r as u32),
                ),
                _ => (None, None),
            };
            results.push(EvaluationResultRecord {
                unit: unit.clone(),
                node: node.code.clone(),
                value,
                score,
                rank,
            });
        }
    }
    let ranks = analysis
        .rank_stats
        .iter()
        .map(|stats| EvaluationRankRecord {
            unit: stats.unit.clone(),
            nominal: finite(stats.nominal),
            median: finite(stats.median),
            q05: finite(stats.q05),
            q95: finite(stats.q95),
            mean: finite(stats.mean),
        })
        .collect();
    let demo = loaded.file.demo.as_ref();
    Ok(StoredEvaluation {
        run: EvaluationRunRecord {
            id: 0,
            framework: loaded.file.code.clone(),
            version: loaded.file.version.clone(),
            key: loaded.key.clone(),
            name_zh: loaded.file.name_zh.clone(),
            name_en: loaded.file.name_en.clone(),
            unit_kind: loaded.file.unit_kind.clone(),
            year,
            synthetic: demo.is_some_and(|d| d.synthetic),
            note_zh: demo.map(|d| d.note_zh.clone()).unwrap_or_default(),
            note_en: demo.map(|d| d.note_en.clone()).unwrap_or_default(),
            runs: u64::try_from(draws).unwrap_or(u64::MAX),
            seed,
            index_code: root.code.clone(),
            framework_text: loaded.source_text.clone(),
            created_at,
        },
        nodes,
        units,
        results,
        ranks,
    })
}

/// Turns a stored run into what callers see; `exit_flags` as computed.
fn evaluation_of(stored: StoredEvaluation, exit_flags: Vec<ExitFlag>) -> Evaluation {
    let index_code = stored.run.index_code.clone();
    let names: HashMap<&str, &str> = stored
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let index_rank: HashMap<&str, u32> = stored
        .results
        .iter()
        .filter(|r| r.node == index_code)
        .filter_map(|r| r.rank.map(|rank| (r.unit.as_str(), rank)))
        .collect();
    let mut units: Vec<(String, String)> = stored
        .units
        .iter()
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    // Stable: ties and unranked units keep the data's order.
    units.sort_by_key(|(code, _)| index_rank.get(code.as_str()).copied().unwrap_or(u32::MAX));
    let nodes = stored.nodes.clone();
    let results = stored
        .results
        .iter()
        .map(|r| UnitResult {
            unit: r.unit.clone(),
            unit_name: names
                .get(r.unit.as_str())
                .copied()
                .unwrap_or_default()
                .to_owned(),
            code: r.node.clone(),
            value: r.value,
            score: r.score,
            rank: r.rank,
        })
        .collect();
    let uncertainty = stored
        .ranks
        .iter()
        .filter_map(|r| {
            Some(RankUncertainty {
                unit: r.unit.clone(),
                nominal: r.nominal?,
                median: r.median.unwrap_or(f64::NAN),
                q05: r.q05.unwrap_or(f64::NAN),
                q95: r.q95.unwrap_or(f64::NAN),
                mean: r.mean.unwrap_or(f64::NAN),
            })
        })
        .collect();
    Evaluation {
        run: evaluation_run(&stored.run),
        nodes,
        units,
        results,
        uncertainty,
        exit_flags,
        index_code,
    }
}

/// One year's inputs to the exit rule.
#[derive(Debug, Clone, PartialEq)]
pub struct YearStanding {
    pub year: i32,
    /// How many units were ranked on the rule's index.
    pub ranked: usize,
    pub units: Vec<UnitStanding>,
}

/// One unit's inputs to the exit rule in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStanding {
    pub unit: String,
    /// Its nominal rank on the index (`None`: not ranked, screened out).
    pub rank: Option<u32>,
    /// The rank percentile the rule names (`p05`: the optimistic rank).
    pub uncertain_rank: Option<f64>,
    /// The year of recognition (备案), if the data have it.
    pub founded: Option<i32>,
}

/// The exit rule's inputs from one stored run.
fn standing(stored: &StoredEvaluation, rule: &ExitRule) -> YearStanding {
    let uncertain: HashMap<&str, Option<f64>> = stored
        .ranks
        .iter()
        .map(|r| {
            let value = match rule.rank_uncertainty.as_str() {
                "p05" | "q05" => r.q05,
                "p95" | "q95" => r.q95,
                "median" | "p50" => r.median,
                "mean" => r.mean,
                _ => r.nominal,
            };
            (r.unit.as_str(), value)
        })
        .collect();
    let rank: HashMap<&str, u32> = stored
        .results
        .iter()
        .filter(|r| r.node == rule.index)
        .filter_map(|r| r.rank.map(|rank| (r.unit.as_str(), rank)))
        .collect();
    let units: Vec<UnitStanding> = stored
        .units
        .iter()
        .map(|u| UnitStanding {
            unit: u.code.clone(),
            rank: rank.get(u.code.as_str()).copied(),
            uncertain_rank: uncertain.get(u.code.as_str()).copied().flatten(),
            founded: u
                .groups
                .iter()
                .find(|(name, _)| name == FOUNDED_COLUMN)
                .and_then(|(_, value)| value.trim().parse().ok()),
        })
        .collect();
    YearStanding {
        year: stored.run.year,
        ranked: rank.len(),
        units,
    }
}

/// What the rule calls the rank percentile it checks, in Chinese and English.
fn uncertain_rank_label(rule: &ExitRule) -> Option<(&'static str, &'static str)> {
    match rule.rank_uncertainty.as_str() {
        "p05" | "q05" => Some((
            "乐观名次（名次分布的第 5 百分位数）",
            "optimistic rank (5th percentile of its ranks)",
        )),
        "p95" | "q95" => Some((
            "悲观名次（名次分布的第 95 百分位数）",
            "pessimistic rank (95th percentile of its ranks)",
        )),
        "median" | "p50" => Some(("名次中位数", "median rank")),
        "mean" => Some(("平均名次", "mean rank")),
        _ => None,
    }
}

/// The exit flag (退出预警) of every unit of year `year`, by the rule of
/// `framework.toml` `[exit_rule]`. `standings[0]` is year `year`,
/// `standings[k]` year `year − k` (`None`: no run stored for it), for the
/// rule's `consecutive_years`. A unit is flagged when, in each of those
/// years: it was ranked among at least `min_units`; its nominal rank is in
/// the bottom `bottom_n` (rank ≥ n − bottom_n + 1); the rank percentile the
/// rule names (`p05`) is too; and the year is at least `grace_years` after
/// its recognition (when the data have a year of recognition). A flagged
/// unit's reasons say why each condition holds; another's say which fail.
pub fn exit_flags_for(
    rule: &ExitRule,
    year: i32,
    standings: &[Option<YearStanding>],
) -> Vec<ExitFlag> {
    let Some(Some(current)) = standings.first() else {
        return Vec::new();
    };
    let n_bottom = rule.bottom_n;
    let label = uncertain_rank_label(rule);
    current
        .units
        .iter()
        .map(|unit| {
            let mut held = (Vec::new(), Vec::new());
            let mut failed = (Vec::new(), Vec::new());
            let mut say = |ok: bool, zh: String, en: String| {
                let list = if ok { &mut held } else { &mut failed };
                list.0.push(zh);
                list.1.push(en);
            };
            for (back, standing) in standings.iter().enumerate() {
                let y = year - i32::try_from(back).unwrap_or(i32::MAX);
                let Some(standing) = standing else {
                    say(
                        false,
                        format!("{y} 年没有考核结果，无法判断是否连续 {} 年位于后 {n_bottom} 名", standings.len()),
                        format!("no assessment is stored for {y}, so {} years running in the bottom {n_bottom} cannot be checked", standings.len()),
                    );
                    continue;
                };
                let n = standing.ranked;
                if n < rule.min_units as usize {
                    say(
                        false,
                        format!("{y} 年参加排名的机构只有 {n} 家，少于 {} 家，不可比", rule.min_units),
                        format!("only {n} units were ranked in {y}, fewer than {}: not comparable", rule.min_units),
                    );
                    continue;
                }
                let found = standing.units.iter().find(|u| u.unit == unit.unit);
                let Some(rank) = found.and_then(|u| u.rank) else {
                    say(
                        false,
                        format!("{y} 年因数据不足未参加排名（按数据报送规定处理，不由本规则标记）"),
                        format!("not ranked in {y} for lack of data (handled under the reporting rules, not flagged by this one)"),
                    );
                    continue;
                };
                let threshold = (n as f64) - f64::from(n_bottom) + 1.0;
                let in_bottom = f64::from(rank) >= threshold;
                say(
                    in_bottom,
                    format!(
                        "{y} 年名次 {rank}/{n}，{}后 {n_bottom} 名",
                        if in_bottom { "位于" } else { "不在" }
                    ),
                    format!(
                        "{y}: rank {rank} of {n}, {} the bottom {n_bottom}",
                        if in_bottom { "in" } else { "not in" }
                    ),
                );
                if let Some((label_zh, label_en)) = label {
                    match found.and_then(|u| u.uncertain_rank) {
                        Some(q) => {
                            let robust = q >= threshold;
                            say(
                                robust,
                                format!(
                                    "{y} 年不确定性分析中{label_zh}为 {q:.1}，{}",
                                    if robust {
                                        format!("仍在后 {n_bottom} 名，排名稳健")
                                    } else {
                                        format!("不在后 {n_bottom} 名：有合理的权重与方法组合使其脱离后 {n_bottom} 名")
                                    }
                                ),
                                format!(
                                    "{y}: its {label_en} in the uncertainty analysis is {q:.1}, {}",
                                    if robust {
                                        format!("still in the bottom {n_bottom}: the rank is robust")
                                    } else {
                                        format!("not in the bottom {n_bottom}: plausible weights and methods lift it out")
                                    }
                                ),
                            );
                        }
                        None => say(
                            false,
                            format!("{y} 年没有不确定性分析结果"),
                            format!("{y}: no uncertainty analysis is stored"),
                        ),
                    }
                }
                if rule.grace_years > 0
                    && let Some(founded) = found.and_then(|u| u.founded)
                {
                    let past = i64::from(y) - i64::from(founded) >= i64::from(rule.grace_years);
                    say(
                        past,
                        if past {
                            format!("{y} 年距备案（{founded} 年）已满 {} 年宽限期", rule.grace_years)
                        } else {
                            format!("{y} 年仍在备案（{founded} 年）后的 {} 年宽限期内", rule.grace_years)
                        },
                        if past {
                            format!("{y} is past the {}-year grace period after its recognition in {founded}", rule.grace_years)
                        } else {
                            format!("{y} is within the {}-year grace period after its recognition in {founded}", rule.grace_years)
                        },
                    );
                }
            }
            let flagged = failed.0.is_empty();
            let (reasons_zh, reasons_en) = if flagged { held } else { failed };
            ExitFlag {
                unit: unit.unit.clone(),
                flagged,
                reasons_zh,
                reasons_en,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> ExitRule {
        ExitRule {
            index: "nri_index".into(),
            bottom_n: 3,
            consecutive_years: 2,
            rank_uncertainty: "p05".into(),
            grace_years: 2,
            min_units: 10,
            rule_zh: String::new(),
            rule_en: String::new(),
            uncertainty: None,
        }
    }

    /// (unit, rank, p05, year of recognition).
    type Special<'a> = (&'a str, Option<u32>, Option<f64>, Option<i32>);

    /// `n` units U01…; `special` gives (unit, rank, p05, founded) for some,
    /// the others rank by number with p05 equal to the rank.
    fn year(year: i32, n: usize, special: &[Special<'_>]) -> YearStanding {
        let units: Vec<UnitStanding> = (1..=n)
            .map(|i| {
                let unit = format!("U{i:02}");
                match special.iter().find(|(u, ..)| *u == unit) {
                    Some((_, rank, q, founded)) => UnitStanding {
                        unit,
                        rank: *rank,
                        uncertain_rank: *q,
                        founded: *founded,
                    },
                    None => UnitStanding {
                        unit,
                        rank: Some(i as u32),
                        uncertain_rank: Some(i as f64),
                        founded: Some(2010),
                    },
                }
            })
            .collect();
        YearStanding {
            year,
            ranked: units.iter().filter(|u| u.rank.is_some()).count(),
            units,
        }
    }

    fn flag<'a>(flags: &'a [ExitFlag], unit: &str) -> &'a ExitFlag {
        flags.iter().find(|f| f.unit == unit).unwrap()
    }

    #[test]
    fn bottom_three_two_years_robustly_and_past_the_grace_period_is_flagged() {
        let standings = [Some(year(2024, 12, &[])), Some(year(2023, 12, &[]))];
        let flags = exit_flags_for(&rule(), 2024, &standings);
        assert_eq!(flags.len(), 12);
        let flagged: Vec<&str> = flags
            .iter()
            .filter(|f| f.flagged)
            .map(|f| f.unit.as_str())
            .collect();
        // Ranks 10, 11, 12 of 12 are the bottom three (n - 2 = 10).
        assert_eq!(flagged, ["U10", "U11", "U12"]);
        let u10 = flag(&flags, "U10");
        assert_eq!(u10.reasons_zh[0], "2024 年名次 10/12，位于后 3 名");
        assert_eq!(
            u10.reasons_zh[1],
            "2024 年不确定性分析中乐观名次（名次分布的第 5 百分位数）为 10.0，仍在后 3 名，排名稳健"
        );
        assert_eq!(u10.reasons_zh[2], "2024 年距备案（2010 年）已满 2 年宽限期");
        assert_eq!(u10.reasons_en.len(), 6);
        let u09 = flag(&flags, "U09");
        assert!(!u09.flagged);
        assert_eq!(u09.reasons_en[0], "2024: rank 9 of 12, not in the bottom 3");
    }

    #[test]
    fn each_condition_on_its_own_keeps_a_unit_from_being_flagged() {
        let current = year(
            2024,
            13,
            &[
                // Not robust: some draws lift it out of the bottom three.
                ("U10", Some(10), Some(9.5), Some(2010)),
                // Recognised in 2022: 2023 is within the grace period.
                ("U11", Some(11), Some(11.0), Some(2022)),
                // Not ranked (screened out for missing data).
                ("U13", None, None, Some(2010)),
            ],
        );
        let previous = year(
            2023,
            13,
            &[
                ("U11", Some(11), Some(11.0), Some(2022)),
                ("U13", None, None, Some(2010)),
            ],
        );
        let flags = exit_flags_for(&rule(), 2024, &[Some(current), Some(previous)]);
        let flagged: Vec<&str> = flags
            .iter()
            .filter(|f| f.flagged)
            .map(|f| f.unit.as_str())
            .collect();
        // 12 ranked each year: the bottom three are ranks 10, 11, 12.
        assert_eq!(flagged, ["U12"]);
        assert_eq!(
            flag(&flags, "U10").reasons_en,
            [
                "2024: its optimistic rank (5th percentile of its ranks) in the uncertainty analysis is 9.5, not in the bottom 3: plausible weights and methods lift it out"
            ]
        );
        assert_eq!(
            flag(&flags, "U11").reasons_en,
            ["2023 is within the 2-year grace period after its recognition in 2022"]
        );
        assert_eq!(
            flag(&flags, "U13").reasons_zh[0],
            "2024 年因数据不足未参加排名（按数据报送规定处理，不由本规则标记）"
        );
    }

    #[test]
    fn too_few_units_or_a_missing_year_flags_nobody() {
        let small = exit_flags_for(
            &rule(),
            2024,
            &[Some(year(2024, 9, &[])), Some(year(2023, 12, &[]))],
        );
        assert!(small.iter().all(|f| !f.flagged));
        assert_eq!(
            flag(&small, "U09").reasons_en[0],
            "only 9 units were ranked in 2024, fewer than 10: not comparable"
        );
        let alone = exit_flags_for(&rule(), 2024, &[Some(year(2024, 12, &[])), None]);
        assert!(alone.iter().all(|f| !f.flagged));
        assert_eq!(
            flag(&alone, "U12").reasons_en,
            [
                "no assessment is stored for 2023, so 2 years running in the bottom 3 cannot be checked"
            ]
        );
        assert!(exit_flags_for(&rule(), 2024, &[None]).is_empty());
    }

    #[test]
    fn without_a_year_of_recognition_the_grace_period_does_not_apply() {
        let current = year(2024, 12, &[("U12", Some(12), Some(12.0), None)]);
        let previous = year(2023, 12, &[("U12", Some(12), Some(12.0), None)]);
        let flags = exit_flags_for(&rule(), 2024, &[Some(current), Some(previous)]);
        let u12 = flag(&flags, "U12");
        assert!(u12.flagged);
        assert_eq!(u12.reasons_en.len(), 4);
    }
}
