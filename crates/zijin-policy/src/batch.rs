//! Many enterprises at once: [`evaluate_all`] evaluates each enterprise of a
//! batch in parallel (rayon), row by row, and returns the results in the
//! order of the input; [`evaluate_all_outcomes`] does the same without the
//! explanations, when only the results are needed.

use rayon::prelude::*;

use crate::eval::{
    Enterprise, EvalError, Evaluation, Options, Outcome, evaluate, evaluate_outcome,
};
use crate::pack::Pack;

/// Evaluates every enterprise of `enterprises` for `options`, in parallel;
/// the `i`-th result is the `i`-th enterprise's. An error for one enterprise
/// does not stop the others.
pub fn evaluate_all(
    pack: &Pack,
    enterprises: &[Enterprise],
    options: &Options,
) -> Vec<Result<Evaluation, EvalError>> {
    enterprises
        .par_iter()
        .map(|enterprise| evaluate(pack, enterprise, options))
        .collect()
}

/// As [`evaluate_all`], but each result is only the [`Outcome`] (statuses,
/// amounts, derived values), built without explanations: much less memory
/// and allocation per enterprise.
pub fn evaluate_all_outcomes(
    pack: &Pack,
    enterprises: &[Enterprise],
    options: &Options,
) -> Vec<Result<Outcome, EvalError>> {
    enterprises
        .par_iter()
        .map(|enterprise| evaluate_outcome(pack, enterprise, options))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    const PACK: &str = include_str!("../../../policies/benchmark-openfisca/pack.toml");

    fn enterprise(id: &str, ip_count: i64) -> Enterprise {
        let mut enterprise = Enterprise {
            id: id.to_owned(),
            ..Enterprise::default()
        };
        enterprise
            .yearly
            .entry("ip_count".to_owned())
            .or_default()
            .insert(2024, Value::Integer(ip_count));
        enterprise
    }

    #[test]
    fn results_keep_the_input_order_and_equal_one_by_one() {
        let pack = Pack::from_toml("pack.toml", PACK).expect("the benchmark pack loads");
        let enterprises: Vec<Enterprise> = (0..500)
            .map(|i| enterprise(&format!("E{i:04}"), i % 7))
            .collect();
        let options = Options::period(2024);
        let results = evaluate_all(&pack, &enterprises, &options);
        assert_eq!(results.len(), enterprises.len());
        for (enterprise, result) in enterprises.iter().zip(&results) {
            let one = evaluate(&pack, enterprise, &options);
            assert_eq!(result, &one);
            assert_eq!(
                result.as_ref().expect("evaluates").enterprise,
                enterprise.id
            );
        }
    }

    #[test]
    fn outcomes_equal_the_full_evaluations() {
        let pack = Pack::from_toml("pack.toml", PACK).expect("the benchmark pack loads");
        let mut enterprises: Vec<Enterprise> = (0..200)
            .map(|i| enterprise(&format!("E{i:04}"), i % 7))
            .collect();
        // Some with more data, some with none at all.
        for (i, enterprise) in enterprises.iter_mut().enumerate().step_by(3) {
            let i = i as i64;
            enterprise.once.insert(
                "registration_date".to_owned(),
                Value::Date(chrono::NaiveDate::from_ymd_opt(2010 + (i % 14) as i32, 3, 1).unwrap()),
            );
            for year in 2021..2024 {
                for (name, value) in [
                    ("revenue", Value::Decimal((3_000_000 * i).into())),
                    ("rd_expense", Value::Decimal((200_000 * i).into())),
                    ("employees", Value::Integer(i)),
                    ("st_staff", Value::Integer(i / 5)),
                ] {
                    enterprise
                        .yearly
                        .entry(name.to_owned())
                        .or_default()
                        .insert(year, value);
                }
            }
        }
        enterprises.push(Enterprise::default());
        let options = Options::period(2024);
        let outcomes = evaluate_all_outcomes(&pack, &enterprises, &options);
        assert_eq!(outcomes.len(), enterprises.len());
        for (enterprise, outcome) in enterprises.iter().zip(&outcomes) {
            let full = evaluate(&pack, enterprise, &options).map(|e| Outcome::of(&e));
            assert_eq!(outcome, &full);
        }
        assert!(evaluate_all_outcomes(&pack, &[], &options).is_empty());
    }

    #[test]
    fn an_empty_batch_gives_no_results() {
        let pack = Pack::from_toml("pack.toml", PACK).expect("the benchmark pack loads");
        assert!(evaluate_all(&pack, &[], &Options::period(2024)).is_empty());
    }
}
