//! The column engine against the row engine: the same outcome (or the same
//! error) for every enterprise of generated batches, on the benchmark pack
//! and on a pack that uses every operator, with missing data, zero
//! denominators, negative values, overflows and values below a scale's
//! first band.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::eval::{Enterprise, evaluate_outcome};

const BENCHMARK: &str = include_str!("../../../policies/benchmark-openfisca/pack.toml");

const EVERYTHING: &str = r#"
[pack]
id = "columns-test"
version = "1"
name_zh = "列引擎测试"
name_en = "Column engine test"

[[variable]]
name = "registration_date"
type = "date"
period = "once"
label_zh = "注册日期"
label_en = "Registration date"

[[variable]]
name = "sector"
type = "text"
period = "once"
label_zh = "行业"
label_en = "Sector"

[[variable]]
name = "revenue"
type = "money"
period = "year"
label_zh = "销售收入"
label_en = "Revenue"

[[variable]]
name = "staff"
type = "integer"
period = "year"
label_zh = "职工"
label_en = "Staff"

[[variable]]
name = "share"
type = "rate"
period = "year"
label_zh = "占比"
label_en = "Share"

[[variable]]
name = "flag"
type = "bool"
period = "year"
label_zh = "标记"
label_en = "Flag"

[[parameter]]
name = "p.rate"
type = "rate"
label_zh = "比例"
label_en = "Rate"
values = [
  { from = 2020-01-01, value = "5%" },
  { from = 2024-01-01, published = 2024-03-01, value = "6%" },
]

[[parameter]]
name = "p.future"
type = "money"
label_zh = "未来"
label_en = "Future"
values = [{ from = 2030-01-01, value = "1" }]

[[parameter]]
name = "p.count"
type = "integer"
label_zh = "年数"
label_en = "Years"
values = [{ from = 2000-01-01, value = 3 }]

[[scale]]
name = "s.points"
base = "decimal"
value = "integer"
lower_inclusive = true
label_zh = "分档"
label_en = "Points"
[[scale.versions]]
from = 2000-01-01
bands = [
  { lower = "0", value = 0 },
  { lower = "0.1", value = 5 },
  { lower = "0.2", value = 10 },
]

[[scale]]
name = "s.later"
base = "money"
value = "rate"
lower_inclusive = false
label_zh = "后来"
label_en = "Later"
[[scale.versions]]
from = 2024-01-01
published = 2024-06-01
bands = [{ value = "1%" }, { lower = "100万", value = "2%" }]

[[derived]]
name = "age"
type = "integer"
label_zh = "年限"
label_en = "Age"
formula = 'years_between(registration_date, reference_date)'

[[derived]]
name = "growth"
type = "decimal"
label_zh = "增长"
label_en = "Growth"
formula = 'if revenue[year(-2)] > 0 then revenue[last_year] / revenue[year(-2)] - 1 else -1'

[[derived]]
name = "avg_revenue"
type = "money"
label_zh = "平均收入"
label_en = "Average revenue"
formula = 'avg(revenue[last_3_years])'

[[derived]]
name = "avg_staff"
type = "decimal"
label_zh = "平均职工"
label_en = "Average staff"
formula = 'avg(staff[last_3_years])'

[[derived]]
name = "total_staff"
type = "integer"
label_zh = "职工合计"
label_en = "Staff total"
formula = 'sum(staff[last_3_years])'

[[derived]]
name = "points"
type = "integer"
label_zh = "得分"
label_en = "Points"
formula = 'scale(params.s.points, growth)'

[[derived]]
name = "rounded"
type = "money"
label_zh = "舍入"
label_en = "Rounded"
formula = 'round(abs(-revenue[last_year]) * 1.005, 2)'

[[derived]]
name = "cube"
type = "integer"
label_zh = "立方"
label_en = "Cube"
formula = 'pow(staff[last_year], 3)'

[[derived]]
name = "square"
type = "money"
label_zh = "平方"
label_en = "Square"
formula = 'revenue[last_year] * revenue[last_year]'

[[derived]]
name = "spread"
type = "money"
label_zh = "差"
label_en = "Spread"
formula = 'max(revenue[last_year], revenue[year(-2)], 0) - min(revenue[last_year], 1000, share[last_year])'

[[derived]]
name = "half_staff"
type = "decimal"
label_zh = "半数"
label_en = "Half"
formula = 'staff[last_year] / 2'

[[derived]]
name = "later_rate"
type = "rate"
label_zh = "后来比例"
label_en = "Later rate"
formula = 'scale(params.s.later, revenue[last_year])'

[[derived]]
name = "mixed"
type = "money"
label_zh = "混合"
label_en = "Mixed scales"
formula = 'revenue[last_year] + share[last_year] - staff[last_year] * 2 + sum(revenue[last_3_years])'

[[derived]]
name = "tie_min"
type = "money"
label_zh = "并列最小"
label_en = "Tied minimum"
formula = 'min(share[last_year] * 0, staff[last_year] * 0, revenue[last_year] * 0)'

[[derived]]
name = "tie_max"
type = "money"
label_zh = "并列最大"
label_en = "Tied maximum"
formula = 'max(revenue[last_year] * 0, share[last_year] * 0, staff[last_year] * 0, share[last_year] - share[last_year])'

[[policy]]
id = "p1"
name_zh = "一"
name_en = "One"

[[policy.criterion]]
id = "old_enough"
text_zh = "年限"
text_en = "Age"
condition = 'age >= params.p.count'

[[policy.criterion]]
id = "not_flagged"
text_zh = "无标记"
text_en = "Not flagged"
condition = 'not flag[last_year]'

[[policy.criterion]]
id = "sector_or_size"
text_zh = "行业或规模"
text_en = "Sector or size"
condition = 'sector == "ic" or revenue[last_year] >= 100万'

[[policy]]
id = "p2"
name_zh = "二"
name_en = "Two"
combine = "any"

[[policy.criterion]]
id = "growing"
text_zh = "增长"
text_en = "Growing"
condition = 'growth >= params.p.rate'

[[policy.criterion]]
id = "p1_and_points"
text_zh = "一且得分"
text_en = "One and points"
condition = 'policy.p1 and points > 5'

[[policy.criterion]]
id = "future"
text_zh = "未来"
text_en = "Future"
condition = 'reference_date < date("2025-01-01") and revenue[this_year] > params.p.future'

[[policy]]
id = "p3"
name_zh = "三"
name_en = "Three"
amount = 'min(params.p.rate * revenue[last_year] + half_staff, 50万)'

[[policy.criterion]]
id = "p2_or_staff"
text_zh = "二或职工"
text_en = "Two or staff"
condition = 'policy.p2 or avg_staff > 10.5'

[[policy.criterion]]
id = "share_ok"
text_zh = "占比"
text_en = "Share"
condition = 'share[last_year] != 30% and (flag[year(-2)] or not flag[year(-2)])'

[[policy]]
id = "p4"
name_zh = "四"
name_en = "Four"

[[policy.criterion]]
id = "big"
text_zh = "大"
text_en = "Big"
condition = 'square > 0 or cube >= 1000'

[[policy.criterion]]
id = "rounded_ok"
text_zh = "舍入"
text_en = "Rounded"
condition = 'rounded != 0 and spread >= -1 and total_staff >= 0 and later_rate > 0'

[[policy]]
id = "p5"
name_zh = "五"
name_en = "Five"
combine = "any"

[[policy.criterion]]
id = "ratio_against_column"
text_zh = "比值对列"
text_en = "A ratio against a column"
condition = 'revenue[last_year] / staff[last_year] >= share[last_year] * 1000'

[[policy.criterion]]
id = "column_against_ratio"
text_zh = "列对比值"
text_en = "A column against a ratio"
condition = 'share[last_year] < revenue[year(-2)] / revenue[last_year]'

[[policy.criterion]]
id = "average_against_column"
text_zh = "平均对列"
text_en = "An average against a column"
condition = 'avg(revenue[last_3_years]) > revenue[last_year] and mixed != tie_min + tie_max'
"#;

/// A small deterministic generator (xorshift), so that the test needs no
/// dependency and fails the same way every time.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Money with cents: mostly ordinary, sometimes 0, sometimes huge
    /// enough to overflow a product, sometimes negative.
    fn money(&mut self) -> Decimal {
        match self.below(20) {
            0 => Decimal::ZERO,
            1 => Decimal::from_i128_with_scale(i128::from(self.below(1 << 40)) << 50, 0),
            2 => -Decimal::new(i64::try_from(self.below(1_000_000)).unwrap(), 2),
            _ => Decimal::new(i64::try_from(self.below(1_000_000_000_000)).unwrap(), 2),
        }
    }

    /// Money as a registry or a CSV of whole yuan or fen gives it: one
    /// scale per column, so that the frame keeps it in fixed columns; some
    /// amounts near the 64-bit limit, so that the integer kernels overflow
    /// where decimals do not (and must then give the decimals' result).
    fn fixed_money(&mut self, scale: u32) -> Decimal {
        match self.below(20) {
            0 => Decimal::new(0, scale),
            1 => Decimal::new(
                i64::try_from(self.below(1 << 62)).unwrap() + (1 << 62),
                scale,
            ),
            2 => Decimal::new(-i64::try_from(self.below(1_000_000)).unwrap(), scale),
            3 => Decimal::new(i64::try_from(self.below(1_000)).unwrap(), scale),
            _ => Decimal::new(i64::try_from(self.below(1_000_000_000_000)).unwrap(), scale),
        }
    }

    fn integer(&mut self) -> i64 {
        match self.below(16) {
            0 => 0,
            1 => i64::try_from(self.below(10_000_000)).unwrap(),
            2 if self.chance(20) => i64::try_from(self.below(1 << 61)).unwrap() + (1 << 61),
            _ => i64::try_from(self.below(1_000)).unwrap(),
        }
    }
}

/// How money is generated: mixed scales and amounts beyond 64 bits (the
/// frame keeps decimals), or one scale per column (fixed columns).
#[derive(Clone, Copy, PartialEq)]
enum Money {
    Mixed,
    Fixed,
}

fn generate(pack: &Pack, count: usize, seed: u64, money: Money) -> Vec<Enterprise> {
    let mut draws = Draws(seed);
    let base = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    (0..count)
        .map(|i| {
            let mut enterprise = Enterprise {
                id: format!("E{i:05}"),
                ..Enterprise::default()
            };
            for variable in pack.variables.values() {
                let value = |draws: &mut Draws| match variable.ty {
                    Type::Date => Value::Date(base + chrono::Days::new(draws.below(365 * 20 + 3))),
                    Type::Text => Value::Text(
                        ["ic", "ai", "biomed"][usize::try_from(draws.below(3)).unwrap()].to_owned(),
                    ),
                    Type::Bool => Value::Bool(draws.chance(30)),
                    Type::Integer => Value::Integer(draws.integer()),
                    Type::Rate => {
                        Value::Decimal(Decimal::new(i64::try_from(draws.below(40)).unwrap(), 2))
                    }
                    _ if money == Money::Fixed => Value::Decimal(
                        draws.fixed_money(u32::try_from(variable.name.len() % 3).unwrap()),
                    ),
                    _ => Value::Decimal(draws.money()),
                };
                match variable.period {
                    crate::check::PeriodKind::Once => {
                        if !draws.chance(5) {
                            let v = value(&mut draws);
                            enterprise.once.insert(variable.name.clone(), v);
                        }
                    }
                    crate::check::PeriodKind::Year => {
                        let mut years = BTreeMap::new();
                        for year in 2019..=2024 {
                            if !draws.chance(6) {
                                years.insert(year, value(&mut draws));
                            }
                        }
                        enterprise.yearly.insert(variable.name.clone(), years);
                    }
                }
            }
            enterprise
        })
        .collect()
}

/// How many of a frame's columns are fixed-point.
fn fixed_columns(frame: &Frame) -> usize {
    frame
        .columns
        .values()
        .filter(|column| matches!(column.data, ColumnData::Fixed(..)))
        .count()
}

fn compare(pack: &Pack, enterprises: &[Enterprise], options: &Options) -> (usize, usize) {
    let frame = Frame::from_enterprises(pack, enterprises).unwrap();
    // Rates and integers are fixed columns in either kind of batch.
    assert!(fixed_columns(&frame) > 0, "no fixed column");
    let program = Program::compile(pack, options).unwrap();
    let results = program.run(&frame);
    assert_eq!(results.len(), enterprises.len());
    let mut errors = 0;
    let mut eligible = 0;
    for (row, enterprise) in enterprises.iter().enumerate() {
        assert_eq!(
            &frame.enterprise(pack, row),
            enterprise,
            "the frame's row {row}"
        );
        let expected = evaluate_outcome(pack, enterprise, options);
        let got = results.outcome(row);
        assert_eq!(
            got, expected,
            "enterprise {} ({:?}) differs",
            enterprise.id, enterprise
        );
        match &expected {
            Err(_) => errors += 1,
            Ok(outcome) => eligible += outcome.policies.iter().filter(|p| p.eligible).count(),
        }
    }
    (errors, eligible)
}

#[test]
fn the_benchmark_pack_gives_the_row_engines_outcomes() {
    let pack = Pack::from_toml("benchmark.toml", BENCHMARK).unwrap();
    for money in [Money::Mixed, Money::Fixed] {
        let enterprises = generate(&pack, 3_000, 0x5eed_1234, money);
        let (errors, eligible) = compare(&pack, &enterprises, &Options::period(2024));
        // The generated data must exercise both outcomes, or the test
        // proves little; negative amounts put ratios below the first band
        // (errors).
        assert!(eligible > 100, "only {eligible} eligibilities");
        assert!(errors > 0, "no enterprise with an error");
    }
}

#[test]
fn every_operator_gives_the_row_engines_outcomes_and_errors() {
    let pack = Pack::from_toml("everything.toml", EVERYTHING).unwrap();
    for (money, options) in [Money::Mixed, Money::Fixed]
        .into_iter()
        .flat_map(|money| everything_options().into_iter().map(move |o| (money, o)))
    {
        let enterprises = generate(&pack, 4_000, 0xc0ff_ee00_1234, money);
        let (errors, eligible) = compare(&pack, &enterprises, &options);
        // Overflow, non-whole integers and values below the first band must
        // occur, and so must eligibility.
        assert!(errors > 20, "only {errors} enterprises with errors");
        assert!(eligible > 100, "only {eligible} eligibilities");
    }
}

fn everything_options() -> [Options; 3] {
    [
        Options::period(2024),
        Options::period(2023),
        Options {
            period: 2024,
            reference_date: Some(NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()),
            known_on: Some(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap()),
        },
    ]
}

#[test]
fn a_frame_rejects_a_column_of_the_wrong_length() {
    let mut frame = Frame::new(vec!["a".to_owned(), "b".to_owned()]);
    let error = frame
        .insert(
            "revenue",
            Some(2023),
            Column::full(ColumnData::Number(vec![Decimal::ONE])),
        )
        .unwrap_err();
    assert!(error.contains("has 1 rows, the frame 2"), "{error}");
}
