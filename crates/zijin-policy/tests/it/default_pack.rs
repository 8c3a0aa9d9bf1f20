//! The default pack (`policies/default/pack.toml`): it loads, every
//! criterion says what it checks and where the rule is written, its own test
//! cases (`policies/default/cases.toml`) pass, and they reach every band edge
//! of every scale and every dated value.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use zijin_policy::cases::{self, Case, run_cases};
use zijin_policy::eval::{Evaluation, Explanation, evaluate};
use zijin_policy::pack::Pack;
use zijin_policy::reform;

const PACK: &str = include_str!("../../../../policies/default/pack.toml");
const CASES: &str = include_str!("../../../../policies/default/cases.toml");

fn pack() -> Pack {
    Pack::from_toml("policies/default/pack.toml", PACK).unwrap_or_else(|e| panic!("{e}"))
}

fn default_cases(pack: &Pack) -> Vec<Case> {
    cases::from_toml("policies/default/cases.toml", CASES, pack).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_default_pack_loads_with_its_five_policies() {
    let pack = pack();
    let ids: Vec<&str> = pack.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["hte", "tech_sme", "zjtx", "gazelle", "unicorn"]);
}

#[test]
fn every_criterion_has_its_texts_and_a_reference() {
    let pack = pack();
    let mut problems = Vec::new();
    for policy in &pack.policies {
        let blank = |text: &str| text.trim().is_empty();
        if blank(&policy.name_zh) || blank(&policy.name_en) {
            problems.push(format!("{}: a name is empty", policy.id));
        }
        if policy.reference.as_deref().is_none_or(blank) {
            problems.push(format!("{}: no reference", policy.id));
        }
        assert!(
            !policy.criteria.is_empty(),
            "{} has no criterion",
            policy.id
        );
        for criterion in &policy.criteria {
            let place = format!("{}.{}", policy.id, criterion.id);
            if blank(&criterion.text_zh) {
                problems.push(format!("{place}: no text_zh"));
            }
            if blank(&criterion.text_en) {
                problems.push(format!("{place}: no text_en"));
            }
            if criterion.reference.as_deref().is_none_or(blank) {
                problems.push(format!("{place}: no reference"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn unverified_facts_say_so() {
    let pack = pack();
    let policy = |id: &str| pack.policy(id).unwrap();
    // Gazelle and unicorn: definitions in use, not Nanjing texts.
    for id in ["gazelle", "unicorn"] {
        assert!(policy(id).name_zh.contains("非南京市文件"), "{id}");
        assert!(policy(id).name_en.contains("not a Nanjing text"), "{id}");
    }
    for criterion in &policy("gazelle").criteria {
        assert!(criterion.text_zh.contains("未核实"), "{}", criterion.id);
        assert!(criterion.text_en.contains("unverified"), "{}", criterion.id);
    }
    // The growth points of the HTE evaluation guideline.
    let growth = &pack.scales["hte.growth_points_max"];
    assert!(growth.label.zh.contains("未经官方原文核实"));
    assert!(growth.label.en.contains("unverified"));
    // The exchange rate is a stated convention.
    let fx = &pack.parameters["fx.usd_cny"];
    assert!(fx.label.zh.contains("约定值") && fx.label.en.contains("stated convention"));
    // Facts the registry cannot know are listed, not invented.
    let note = pack.info.note.as_deref().unwrap();
    assert!(note.contains("申报时核实") && note.contains("to be confirmed on application"));
    let texts: Vec<&str> = pack
        .policies
        .iter()
        .flat_map(|policy| &policy.criteria)
        .map(|criterion| criterion.text_zh.as_str())
        .collect();
    for fact in [
        "国家重点支持的高新技术领域",
        "禁止、限制和淘汰类",
        "科研严重失信",
        "创客中国",
    ] {
        assert!(
            texts
                .iter()
                .any(|text| text.contains(fact) && text.contains("申报时核实")),
            "{fact}"
        );
    }
}

#[test]
fn every_case_of_the_default_pack_passes() {
    let pack = pack();
    let cases = default_cases(&pack);
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let failures = run_cases(&pack, &cases);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{}", report.join("\n"));
    assert!(cases.iter().any(|case| !case.set.is_empty()), "a reform");
}

/// Every explanation of an evaluation: derived variables, criteria, amounts.
fn explanations(evaluation: &Evaluation) -> impl Iterator<Item = &Explanation> {
    let derived = evaluation.derived.iter().map(|d| &d.explanation);
    let criteria = evaluation
        .policies
        .iter()
        .flat_map(|p| p.criteria.iter().map(|c| &c.explanation));
    let amounts = evaluation
        .policies
        .iter()
        .filter_map(|p| p.amount_explanation.as_ref());
    derived.chain(criteria).chain(amounts)
}

/// A band a case's evaluation chose.
struct Chosen {
    scale: String,
    /// The scale's version.
    from: NaiveDate,
    base: Decimal,
    lower: Option<Decimal>,
    upper: Option<Decimal>,
}

/// Runs every case and gathers what their evaluations used.
struct Used {
    bands: Vec<Chosen>,
    /// (parameter, from)
    parameters: BTreeSet<(String, NaiveDate)>,
}

fn used_by_the_cases(pack: &Pack) -> Used {
    let mut used = Used {
        bands: Vec::new(),
        parameters: BTreeSet::new(),
    };
    for case in default_cases(pack) {
        let reformed = reform::apply(pack, &case.set).unwrap();
        let evaluation = evaluate(&reformed, &case.enterprise, &case.options).unwrap();
        for explanation in explanations(&evaluation) {
            for band in &explanation.bands {
                used.bands.push(Chosen {
                    scale: band.scale.clone(),
                    from: band.from,
                    base: band.base,
                    lower: band.lower,
                    upper: band.upper,
                });
            }
            for parameter in &explanation.parameters {
                used.parameters
                    .insert((parameter.name.clone(), parameter.from));
            }
        }
    }
    used
}

#[test]
fn the_cases_reach_every_band_edge_on_both_sides() {
    let pack = pack();
    let used = used_by_the_cases(&pack);
    let mut missing = Vec::new();
    for scale in pack.scales.values() {
        for version in &scale.history {
            let bases = || {
                used.bands
                    .iter()
                    .filter(|chosen| chosen.scale == scale.name && chosen.from == version.from)
            };
            for band in &version.value {
                let Some(edge) = band.lower else { continue };
                let place = format!("{} (from {}) at {edge}", scale.name, version.from);
                // The growth points' edge at 0 is decided by the formula
                // (growth > 0) before the scale is read: the case "exactly 0
                // gives 0, just above 0 gives 2" checks it through the total.
                let guarded = scale.name == "hte.growth_points_max" && edge.is_zero();
                if !guarded && !bases().any(|chosen| chosen.base == edge) {
                    missing.push(format!("{place}: no case exactly at the edge"));
                }
                // The other side: the band below for [lower, next), the band
                // above for (lower, next].
                let other_side = bases().any(|chosen| {
                    if scale.lower_inclusive {
                        chosen.upper == Some(edge) && chosen.base < edge
                    } else {
                        chosen.lower == Some(edge) && chosen.base > edge
                    }
                });
                if !other_side && !guarded {
                    missing.push(format!("{place}: no case on the other side"));
                }
                if guarded
                    && !bases().any(|chosen| chosen.lower == Some(edge) && chosen.base > edge)
                {
                    missing.push(format!("{place}: no case just above 0"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_cases_use_every_dated_value() {
    let pack = pack();
    let used = used_by_the_cases(&pack);
    let mut missing = Vec::new();
    for parameter in pack.parameters.values() {
        for dated in &parameter.history {
            if !used
                .parameters
                .contains(&(parameter.name.clone(), dated.from))
            {
                missing.push(format!("params.{} from {}", parameter.name, dated.from));
            }
        }
    }
    for scale in pack.scales.values() {
        for version in &scale.history {
            if !used
                .bands
                .iter()
                .any(|chosen| chosen.scale == scale.name && chosen.from == version.from)
            {
                missing.push(format!("scale {} from {}", scale.name, version.from));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
