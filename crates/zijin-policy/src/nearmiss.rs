//! Near misses (培育对象, candidates for 软升高 / 小升高): enterprises that
//! fail a policy on exactly one criterion, every other criterion passing,
//! and fail it by a small margin.
//!
//! The column results say which enterprises fail on one criterion only
//! ([`candidates`]); the full explanation of each candidate then gives the
//! comparison that failed and how far it was from holding ([`margin`]).

use rust_decimal::Decimal;

use crate::columns::Results;
use crate::eval::{Comparison, Evaluation, Status};
use crate::expr::BinaryOp;
use crate::pack::{Combine, Pack};

/// An enterprise that fails policy `policy` on criterion `criterion` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub row: usize,
    pub policy: usize,
    pub criterion: usize,
}

/// The rows of `results` that fail a policy (all criteria must hold) on one
/// criterion, every other criterion passing. A policy whose criteria
/// combine with `any` has no near misses in this sense and is skipped.
pub fn candidates(pack: &Pack, results: &Results<'_>) -> Vec<Candidate> {
    let mut found = Vec::new();
    for (p, (policy, columns)) in pack.policies.iter().zip(&results.policies).enumerate() {
        if policy.combine != Combine::All {
            continue;
        }
        for row in 0..results.len() {
            if columns.status[row] != Status::Fail || results.error(row).is_some() {
                continue;
            }
            let mut failing = None;
            let mut others_pass = true;
            for (c, criterion) in columns.criteria.iter().enumerate() {
                match criterion[row] {
                    Status::Pass => {}
                    Status::Fail if failing.is_none() => failing = Some(c),
                    _ => {
                        others_pass = false;
                        break;
                    }
                }
            }
            if let (Some(criterion), true) = (failing, others_pass) {
                found.push(Candidate {
                    row,
                    policy: p,
                    criterion,
                });
            }
        }
    }
    found
}

/// How far a failed criterion was from holding.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    /// The comparison that failed (the first failing one of the criterion).
    pub comparison: Comparison,
    /// By how much the left side must change for the comparison to hold
    /// (always ≥ 0).
    pub gap: Decimal,
    /// `gap / |right|` (`None` when the right side is 0).
    pub relative: Option<Decimal>,
}

/// The margin of criterion `criterion` of policy `policy` in `evaluation`
/// (a full evaluation of one enterprise): the first failing numeric
/// comparison `a < b`, `a ≤ b`, `a > b` or `a ≥ b` and its gap. `None`
/// when the criterion passes or fails otherwise (a bool, a date, an `=`).
pub fn margin(evaluation: &Evaluation, policy: &str, criterion: &str) -> Option<Margin> {
    let result = evaluation.policy(policy)?.criterion(criterion)?;
    if result.status != Status::Fail {
        return None;
    }
    let comparison = result
        .explanation
        .comparisons
        .iter()
        .find(|comparison| !comparison.holds)?;
    let left = comparison.left.as_decimal()?;
    let right = comparison.right.as_decimal()?;
    let gap = match comparison.op {
        BinaryOp::Less | BinaryOp::LessOrEqual | BinaryOp::Greater | BinaryOp::GreaterOrEqual => {
            (left - right).abs()
        }
        _ => return None,
    };
    let relative = (!right.is_zero()).then(|| gap / right.abs());
    Some(Margin {
        comparison: comparison.clone(),
        gap,
        relative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{Frame, Program};
    use crate::eval::{Options, evaluate};

    const BENCHMARK: &str = include_str!("../../../policies/benchmark-openfisca/pack.toml");

    fn enterprise(id: &str, st_staff: i64) -> crate::eval::Enterprise {
        crate::testing::enterprise(id, st_staff, 3_000_000)
    }

    #[test]
    fn one_failing_criterion_is_a_near_miss_with_its_gap() {
        let pack = Pack::from_toml("benchmark.toml", BENCHMARK).unwrap();
        // 9 S&T staff of 100: 9% < 10%, everything else of hte holds.
        let enterprises = vec![enterprise("A", 9), enterprise("B", 20), enterprise("C", 2)];
        let frame = Frame::from_enterprises(&pack, &enterprises).unwrap();
        let options = Options::period(2024);
        let results = Program::compile(&pack, &options).unwrap().run(&frame);
        let hte = pack.policies.iter().position(|p| p.id == "hte").unwrap();
        let found: Vec<Candidate> = candidates(&pack, &results)
            .into_iter()
            .filter(|candidate| candidate.policy == hte)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            pack.policies[hte].criteria[found[0].criterion].id,
            "hte_st_staff_ok"
        );
        let evaluation = evaluate(&pack, &enterprises[0], &options).unwrap();
        let margin = margin(&evaluation, "hte", "hte_st_staff_ok").unwrap();
        assert_eq!(margin.gap, Decimal::new(1, 2));
        assert_eq!(margin.relative, Some(Decimal::new(1, 1)));
        // B passes hte: no margin.
        let evaluation = evaluate(&pack, &enterprises[1], &options).unwrap();
        assert!(margin_of(&evaluation).is_none());
    }

    fn margin_of(evaluation: &Evaluation) -> Option<Margin> {
        margin(evaluation, "hte", "hte_st_staff_ok")
    }
}
