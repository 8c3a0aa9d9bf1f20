//! The expression language: parsing (syntax and its errors).

use rust_decimal::Decimal;
use zijin_policy::expr::{self, BinaryOp, ExprKind, Literal, PeriodRef};

/// Parses and prints the tree in a compact prefix form.
fn show(text: &str) -> String {
    match expr::parse(text) {
        Ok(tree) => print(&tree),
        Err(error) => format!("error at {}: {}", error.offset, error.message),
    }
}

fn print(e: &expr::Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Integer(i)) => i.to_string(),
        ExprKind::Literal(Literal::Decimal(d)) => format!("{d}d"),
        ExprKind::Literal(Literal::Rate(r)) => format!("{r}r"),
        ExprKind::Literal(Literal::Text(t)) => format!("{t:?}"),
        ExprKind::Variable { name, period: None } => name.clone(),
        ExprKind::Variable {
            name,
            period: Some(period),
        } => format!("{name}[{period}]"),
        ExprKind::Parameter { path } => format!("params.{path}"),
        ExprKind::Policy { id } => format!("policy.{id}"),
        ExprKind::Unary { op, operand } => format!("({op:?} {})", print(operand)),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", op.symbol(), print(left), print(right))
        }
        ExprKind::If {
            condition,
            then,
            otherwise,
        } => format!(
            "(if {} {} {})",
            print(condition),
            print(then),
            print(otherwise)
        ),
        ExprKind::Call {
            function,
            arguments,
        } => format!(
            "({} {})",
            function.name(),
            arguments.iter().map(print).collect::<Vec<_>>().join(" ")
        ),
    }
}

#[track_caller]
fn check(text: &str, expected: &str) {
    assert_eq!(show(text), expected, "{text}");
}

#[test]
fn literals() {
    check("42", "42");
    check("1_000_000", "1000000");
    check("0.10", "0.10d");
    check("5%", "0.05r");
    check("12.5%", "0.125r");
    check("5000万", "50000000");
    check("2亿", "200000000");
    check("1.5万", "15000");
    check("0.00001万", "0.1d");
    check("true", "true");
    check("false", "false");
    check(r#""软件和信息服务""#, r#""软件和信息服务""#);
    check(r#""a \"quoted\" \\ text""#, r#""a \"quoted\" \\ text""#);
    check(r#"date("2024-01-01")"#, r#"(date "2024-01-01")"#);
}

#[test]
fn variables_periods_parameters_and_policies() {
    check("age_years", "age_years");
    check("revenue[last_year]", "revenue[last_year]");
    check("revenue[ this_year ]", "revenue[this_year]");
    check("revenue[year(-4)]", "revenue[year(-4)]");
    check("revenue[year(0)]", "revenue[this_year]");
    check(
        "sum(rd_expense[last_3_years])",
        "(sum rd_expense[last_3_years])",
    );
    check("params.hte.rd_intensity_min", "params.hte.rd_intensity_min");
    check("policy.hte", "policy.hte");
    check(
        "scale(params.sme.staff_points, ratio)",
        "(scale params.sme.staff_points ratio)",
    );
}

#[test]
fn precedence_and_associativity() {
    check("1 + 2 * 3", "(+ 1 (× 2 3))");
    check("1 - 2 - 3", "(− (− 1 2) 3)");
    check("8 / 4 / 2", "(÷ (÷ 8 4) 2)");
    check("(1 + 2) × 3", "(× (+ 1 2) 3)");
    check("a ÷ b − c", "(− (÷ a b) c)");
    check("-a * b", "(× (Negate a) b)");
    check(
        "a >= 10% and b < c or not d",
        "(or (and (≥ a 0.1r) (< b c)) (Not d))",
    );
    check(
        "not a = b",
        "error at 6: expected an operator or the end of the expression, found “= b”",
    );
    check("not a == b", "(Not (= a b))");
    check("a ≥ b", "(≥ a b)");
    check("a ≠ b", "(≠ a b)");
    check("if a > 0 then b / a else 0", "(if (> a 0) (÷ b a) 0)");
    check("min(a, b, 1000000)", "(min a b 1000000)");
    check(
        "max(rd_expense[last_year] - rd_expense[year(-2)], 0)",
        "(max (− rd_expense[last_year] rd_expense[year(-2)]) 0)",
    );
    check("android and orchid", "(and android orchid)");
}

#[test]
fn syntax_errors_say_where_and_what_was_expected() {
    check(
        "a < b < c",
        "error at 6: expected “and” between two comparisons (comparisons do not chain), found “< c”",
    );
    check(
        "1 +",
        "error at 3: expected a number, a string, a variable, params.…, a function or “(”, found the end of the expression",
    );
    check(
        "(a + b",
        "error at 6: expected “)”, found the end of the expression",
    );
    check(
        "if a then b",
        "error at 11: expected “else”, found the end of the expression",
    );
    check(
        "foo(1)",
        "error at 0: expected a function: min, max, sum, avg, scale, date, years_between, pow, abs or round, found “foo(1)”",
    );
    check(
        "revenue[next_year]",
        "error at 8: expected a period: this_year, last_year, year(-k) or last_k_years (1 ≤ k ≤ 50), found “next_year]”",
    );
    check(
        "revenue[year(2)]",
        "error at 8: expected year(-k) with 0 ≤ k ≤ 200 (a past year), found “year(2)]”",
    );
    check(
        "params.",
        "error at 7: expected a parameter name, found the end of the expression",
    );
    check(
        "\"open",
        "error at 5: expected “\"” to close the string, found the end of the expression",
    );
    check(
        "1.",
        "error at 2: expected digits after the decimal point, found the end of the expression",
    );
    check(
        "a b",
        "error at 2: expected an operator or the end of the expression, found “b”",
    );
    check("min(a b)", "error at 6: expected “,” or “)”, found “b)”");
}

#[test]
fn spans_cover_the_text_of_each_node() {
    let text = "revenue[last_year] >= 5000万";
    let tree = expr::parse(text).unwrap();
    let ExprKind::Binary { op, left, right } = &tree.kind else {
        panic!("{tree:?}")
    };
    assert_eq!(*op, BinaryOp::GreaterOrEqual);
    assert_eq!(&text[left.span.start..left.span.end], "revenue[last_year]");
    assert_eq!(&text[right.span.start..right.span.end], "5000万");
    assert_eq!(&text[tree.span.start..tree.span.end], text);
    assert!(matches!(
        left.kind,
        ExprKind::Variable {
            period: Some(PeriodRef::Year(-1)),
            ..
        }
    ));
    assert_eq!(right.kind, ExprKind::Literal(Literal::Integer(50_000_000)));
    let _ = Decimal::ONE;
}

/// A scope with a few declarations of the benchmark pack.
struct TestScope;

impl zijin_policy::Scope for TestScope {
    fn variable(&self, name: &str) -> Option<(zijin_policy::Type, zijin_policy::PeriodKind)> {
        use zijin_policy::{PeriodKind::*, Type::*};
        Some(match name {
            "revenue" | "rd_expense" => (Money, Year),
            "employees" | "st_staff" => (Integer, Year),
            "major_violation" => (Bool, Year),
            "registration_date" => (Date, Once),
            "age_years" => (Integer, Once),
            "st_staff_ratio" => (Decimal, Once),
            _ => return None,
        })
    }
    fn parameter(&self, path: &str) -> Option<zijin_policy::Type> {
        use zijin_policy::Type::*;
        Some(match path {
            "hte.min_st_staff_ratio" => Rate,
            "subsidy.cap" => Money,
            _ => return None,
        })
    }
    fn scale(&self, path: &str) -> Option<(zijin_policy::Type, zijin_policy::Type)> {
        use zijin_policy::Type::*;
        Some(match path {
            "hte.rd_intensity_min" => (Money, Rate),
            "sme.points.st_staff_ratio" => (Decimal, Integer),
            _ => return None,
        })
    }
    fn policy(&self, id: &str) -> bool {
        id == "hte"
    }
}

/// The type of an expression, or its error with the text it points at.
#[track_caller]
fn check_type(text: &str, expected: &str) {
    let tree = expr::parse(text).unwrap();
    let actual = match zijin_policy::check::check(&tree, &TestScope) {
        Ok((ty, _)) => ty.to_string(),
        Err(error) => format!(
            "{} at “{}”",
            error.message,
            &text[error.span.start..error.span.end]
        ),
    };
    assert_eq!(actual, expected, "{text}");
}

#[test]
fn types_of_expressions() {
    check_type("st_staff_ratio >= params.hte.min_st_staff_ratio", "bool");
    check_type("st_staff[last_year] / employees[last_year]", "decimal");
    check_type(
        "sum(rd_expense[last_3_years]) / sum(revenue[last_3_years])",
        "decimal",
    );
    check_type(
        "scale(params.hte.rd_intensity_min, revenue[last_year])",
        "rate",
    );
    check_type(
        "if policy.hte then min(10% * max(rd_expense[last_year] - rd_expense[year(-2)], 0), params.subsidy.cap) else 0",
        "money",
    );
    check_type("avg(employees[last_3_years])", "decimal");
    check_type(
        "years_between(registration_date, date(\"2024-01-01\"))",
        "integer",
    );
    check_type("not major_violation[last_year]", "bool");
    check_type("pow(1 + 20%, 3)", "rate");
    check_type("revenue[last_year] >= 1000万", "bool");
}

#[test]
fn type_errors_name_the_node() {
    check_type("turnover > 0", "unknown variable “turnover” at “turnover”");
    check_type(
        "age_years >= params.hte.min_years",
        "unknown parameter “params.hte.min_years” at “params.hte.min_years”",
    );
    check_type(
        "revenue > 0",
        "“revenue” has a value per year: say which, e.g. “revenue[last_year]” or “sum(revenue[last_3_years])” at “revenue”",
    );
    check_type(
        "age_years[last_year] > 1",
        "“age_years” has one value, not one per year: write “age_years” without “[last_year]” at “age_years[last_year]”",
    );
    check_type(
        "revenue[last_3_years] > 0",
        "“revenue[last_3_years]” is several years: use it inside sum(…) or avg(…) at “revenue[last_3_years]”",
    );
    check_type(
        "major_violation[last_year] + 1",
        "“+” takes two numbers, not a bool and an integer at “major_violation[last_year] + 1”",
    );
    check_type(
        "age_years >= 1 and revenue[last_year]",
        "“and” takes two bools, not a bool and a money at “age_years >= 1 and revenue[last_year]”",
    );
    check_type(
        "registration_date < 5",
        "cannot compare a date with an integer by “<” at “registration_date < 5”",
    );
    check_type(
        "if age_years then 1 else 0",
        "the condition of “if” must be a bool, not an integer at “age_years”",
    );
    check_type(
        "params.hte.rd_intensity_min > 0",
        "“params.hte.rd_intensity_min” is a scale: use it as “scale(params.hte.rd_intensity_min, …)” at “params.hte.rd_intensity_min”",
    );
    check_type(
        "scale(params.subsidy.cap, 1)",
        "“params.subsidy.cap” is a parameter, not a scale at “params.subsidy.cap”",
    );
    check_type("policy.sme", "unknown policy “sme” at “policy.sme”");
    check_type(
        "date(\"2024-02-30\") < registration_date",
        "date(…) takes a date as text, e.g. date(\"2024-01-01\") at “\"2024-02-30\"”",
    );
    check_type(
        "sum(revenue[last_year])",
        "sum(…) takes a variable over several years, e.g. sum(revenue[last_3_years]) at “revenue[last_year]”",
    );
    check_type("min(1)", "min(…) takes two or more numbers at “min(1)”");
}
