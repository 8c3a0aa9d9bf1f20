//! Explanations for people: one line per criterion, e.g.
//! `研发费用占比 3.2% < 4%（上年销售收入 1.2亿元 ∈ (5000万, 2亿]）— 国科发火〔2016〕32号 第十一条（四）`.

use rust_decimal::Decimal;

use crate::eval::{Comparison, CriterionResult, Status, UsedBand};
use crate::expr::BinaryOp;
use crate::value::{Type, Value};

/// The line of one criterion: its text, every comparison with the values
/// found (the relation that holds, e.g. `<` for a failed `≥`), the bands
/// chosen, what was missing, and the legal reference.
pub fn render_criterion(criterion: &CriterionResult) -> String {
    let explanation = &criterion.explanation;
    let mut line = format!("[{}] {}：", criterion.status.name(), criterion.text_zh);
    let comparisons: Vec<String> = explanation.comparisons.iter().map(comparison).collect();
    line.push_str(&comparisons.join("，"));
    if comparisons.is_empty() {
        // A condition without a comparison (`not major_violation[last_year]`,
        // `policy.hte`): the values it read.
        let used: Vec<String> = explanation
            .variables
            .iter()
            .map(|used| {
                let year = used
                    .year
                    .map(|year| format!("[{year}]"))
                    .unwrap_or_default();
                format!(
                    "{}{year} = {}",
                    used.name,
                    format_value(&used.value, used.ty, 2)
                )
            })
            .chain(
                explanation
                    .policies
                    .iter()
                    .map(|(id, status)| format!("policy.{id} = {}", status.name())),
            )
            .collect();
        line.push_str(&used.join("，"));
    }
    if !explanation.bands.is_empty() {
        let bands: Vec<String> = explanation.bands.iter().map(band).collect();
        line.push_str(&format!("（{}）", bands.join("；")));
    }
    if criterion.status == Status::Unknown {
        let missing: Vec<String> = explanation
            .missing
            .iter()
            .map(ToString::to_string)
            .collect();
        line.push_str(&format!("（缺少数据：{}）", missing.join("；")));
    }
    if let Some(reference) = &criterion.reference {
        let dash = if line.ends_with('）') {
            "— "
        } else {
            " — "
        };
        line.push_str(&format!("{dash}{reference}"));
    }
    line
}

fn comparison(comparison: &Comparison) -> String {
    let as_rate = comparison.left_type == Type::Rate || comparison.right_type == Type::Rate;
    let shown = |ty: Type| {
        if as_rate && ty.is_numeric() {
            Type::Rate
        } else {
            ty
        }
    };
    let (left, right) = distinct(
        &comparison.left,
        shown(comparison.left_type),
        &comparison.right,
        shown(comparison.right_type),
    );
    let op = if comparison.holds {
        comparison.op
    } else {
        negate(comparison.op)
    };
    let left_name = comparison
        .left_label
        .clone()
        .unwrap_or_else(|| comparison.left_text.clone());
    format!("{left_name} {left} {} {right}", op.symbol())
}

/// Both sides shown with enough digits that unequal values never look equal.
fn distinct(left: &Value, left_type: Type, right: &Value, right_type: Type) -> (String, String) {
    let mut places = 2;
    loop {
        let a = format_value(left, left_type, places);
        let b = format_value(right, right_type, places);
        if places >= 28 || a != b || left.as_decimal() == right.as_decimal() {
            return (a, b);
        }
        places += 2;
    }
}

fn negate(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Less => BinaryOp::GreaterOrEqual,
        BinaryOp::LessOrEqual => BinaryOp::Greater,
        BinaryOp::Greater => BinaryOp::LessOrEqual,
        BinaryOp::GreaterOrEqual => BinaryOp::Less,
        BinaryOp::Equal => BinaryOp::NotEqual,
        BinaryOp::NotEqual => BinaryOp::Equal,
        other => other,
    }
}

fn band(band: &UsedBand) -> String {
    let base_name = band
        .base_label
        .clone()
        .unwrap_or_else(|| band.base_text.clone());
    let bound = |value: Decimal| match band.base_type {
        Type::Money => money(value, false),
        Type::Rate => percent(value, 4),
        _ => value.normalize().to_string(),
    };
    let lower = band.lower.map_or("−∞".to_owned(), bound);
    let upper = band.upper.map_or("+∞".to_owned(), bound);
    let interval = match (
        band.lower_inclusive,
        band.lower.is_some(),
        band.upper.is_some(),
    ) {
        (true, true, true) => format!("[{lower}, {upper})"),
        (true, true, false) => format!("[{lower}, +∞)"),
        (true, false, _) | (false, _, false) => format!("({lower}, {upper})"),
        (false, _, true) => format!("({lower}, {upper}]"),
    };
    let base = format_value(&Value::Decimal(band.base), band.base_type, 2);
    let value = format_value(&band.value, band.value_type, 4);
    format!("{base_name} {base} ∈ {interval} → {value}")
}

/// A value for people: money in 元/万元/亿元, rates in %, decimals rounded
/// to `places` (exact values are in the explanation itself).
pub fn format_value(value: &Value, ty: Type, places: u32) -> String {
    match (ty, value.as_decimal()) {
        (Type::Money, Some(amount)) => money(amount, true),
        (Type::Rate, Some(rate)) => percent(rate, places),
        (Type::Decimal, Some(decimal)) => round(decimal, places + 2).to_string(),
        (Type::Bool, _) => match value {
            Value::Bool(true) => "是".to_owned(),
            Value::Bool(false) => "否".to_owned(),
            other => other.to_string(),
        },
        _ => value.to_string(),
    }
}

fn round(value: Decimal, places: u32) -> Decimal {
    value.round_dp(places).normalize()
}

fn percent(rate: Decimal, places: u32) -> String {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(percent) => format!("{}%", round(percent, places)),
        None => rate.to_string(),
    }
}

/// `120000000` → `1.2亿元`; `50000000` → `5000万元`; without the unit 元 for
/// band bounds (`5000万`).
fn money(amount: Decimal, yuan: bool) -> String {
    let unit = if yuan { "元" } else { "" };
    let wan = Decimal::from(10_000);
    let yi = Decimal::from(100_000_000);
    if amount.abs() >= yi {
        format!("{}亿{unit}", (amount / yi).normalize())
    } else if amount.abs() >= wan {
        format!("{}万{unit}", (amount / wan).normalize())
    } else if yuan {
        format!("{}元", amount.normalize())
    } else {
        amount.normalize().to_string()
    }
}

/// The whole evaluation of one enterprise for people: a heading, then per
/// policy its result (符合 / 不符合 / 待定, with the reason and the amount)
/// and one line per criterion ([`render_criterion`]).
pub fn render_evaluation(evaluation: &crate::eval::Evaluation) -> String {
    let mut text = format!(
        "企业 {} — {} 年度（参考日 {}{}）\n",
        evaluation.enterprise,
        evaluation.period,
        evaluation.reference_date,
        evaluation
            .known_on
            .map(|date| format!("，按 {date} 已公布的规则"))
            .unwrap_or_default()
    );
    for policy in &evaluation.policies {
        let verdict = match policy.status {
            Status::Pass => "符合 eligible",
            Status::Fail => "不符合 not eligible",
            Status::Unknown => "待定 unknown (data missing)",
        };
        text.push_str(&format!(
            "\n【{verdict}】{} {}{}\n",
            policy.name_zh,
            policy.name_en,
            policy
                .reference
                .as_ref()
                .map(|reference| format!(" — {reference}"))
                .unwrap_or_default()
        ));
        if let Some(reason) = &policy.reason {
            text.push_str(&format!("  原因 reason: {reason}\n"));
        }
        if let Some(amount) = policy.amount {
            text.push_str(&format!("  金额 amount: {}\n", money(amount, true)));
        }
        for criterion in &policy.criteria {
            text.push_str(&format!("  {}\n", render_criterion(criterion)));
        }
    }
    text
}
