//! The expression language of criteria, derived variables and amounts: its
//! syntax tree and its parser (winnow), every node with its span.
//!
//! ```text
//! expression  = or
//! or          = and ("or" and)*
//! and         = not ("and" not)*
//! not         = "not" not | comparison
//! comparison  = sum (("<" | "<=" | "≤" | ">" | ">=" | "≥" | "==" | "!=" | "≠") sum)?
//! sum         = product (("+" | "-" | "−") product)*
//! product     = unary (("*" | "×" | "/" | "÷") unary)*
//! unary       = ("-" | "−") unary | primary
//! primary     = number | string | "true" | "false" | "(" expression ")"
//!             | "if" expression "then" expression "else" expression
//!             | "params" ("." name)+ | "policy" "." name
//!             | function "(" expression ("," expression)* ")"
//!             | name ("[" period "]")?
//! number      = digits ("_" digits)* ("." digits)? ("%" | "万" | "亿")?
//! period      = "this_year" | "last_year" | "year" "(" ("-" digits | "0") ")"
//!             | "last_" digits "_years"
//! ```
//!
//! Comparisons do not chain (`a < b < c` is an error). `5%` is the rate 0.05,
//! `5000万` is 50,000,000 and `2亿` is 200,000,000. Dates are written
//! `date("2024-01-01")`.

use std::fmt;

use rust_decimal::Decimal;
use winnow::combinator::{alt, cut_err, delimited, eof, opt, preceded, separated};
use winnow::error::{AddContext, ContextError, ErrMode, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::{LocatingSlice, Location};
use winnow::token::{one_of, take_while};

/// Byte offsets `start..end` of a node in the text of its expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A variable of the enterprise: `age_years`, `revenue[last_year]`,
    /// `rd_expense[last_3_years]` (a window, only inside `sum` or `avg`).
    Variable {
        name: String,
        period: Option<PeriodRef>,
    },
    /// A parameter or a scale of the pack, by its dotted path after `params.`.
    Parameter {
        path: String,
    },
    /// Whether the enterprise is eligible for another policy of the pack.
    Policy {
        id: String,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Call {
        function: Function,
        arguments: Vec<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Integer(i64),
    Decimal(Decimal),
    /// A percentage, kept as a fraction: `5%` is 0.05.
    Rate(Decimal),
    Text(String),
}

/// Which fiscal year(s) of a yearly variable, relative to the evaluation
/// period (year N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRef {
    /// Year N + offset: `this_year` is 0, `last_year` is −1, `year(-4)` is −4.
    Year(i32),
    /// Years N − count … N − 1: `last_3_years`.
    LastYears(u32),
}

impl fmt::Display for PeriodRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodRef::Year(0) => f.write_str("this_year"),
            PeriodRef::Year(-1) => f.write_str("last_year"),
            PeriodRef::Year(offset) => write!(f, "year({offset})"),
            PeriodRef::LastYears(count) => write!(f, "last_{count}_years"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Negate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    Add,
    Subtract,
    Multiply,
    /// Division; a zero divisor gives 0 (the benchmark's rule: "a ratio whose
    /// denominator is 0 is 0"), never an error.
    Divide,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Less => "<",
            BinaryOp::LessOrEqual => "≤",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterOrEqual => "≥",
            BinaryOp::Equal => "=",
            BinaryOp::NotEqual => "≠",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "−",
            BinaryOp::Multiply => "×",
            BinaryOp::Divide => "÷",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Less
                | BinaryOp::LessOrEqual
                | BinaryOp::Greater
                | BinaryOp::GreaterOrEqual
                | BinaryOp::Equal
                | BinaryOp::NotEqual
        )
    }
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `min(a, b, …)`: the smallest of two or more numbers.
    Min,
    /// `max(a, b, …)`: the largest of two or more numbers.
    Max,
    /// `sum(x[last_3_years])`: the total over a window of years.
    Sum,
    /// `avg(x[last_3_years])`: the mean over a window of years.
    Avg,
    /// `scale(params.some.scale, base)`: the value of the band `base` is in.
    Scale,
    /// `date("2024-01-01")`: a date.
    Date,
    /// `years_between(earlier, later)`: full years from one date to another
    /// (an anniversary on the later date counts).
    YearsBetween,
    /// `pow(x, n)`: x to a whole power n ≥ 0, exact.
    Pow,
    /// `abs(x)`.
    Abs,
    /// `round(x, n)`: x rounded to n decimal places, halves away from zero.
    Round,
}

impl Function {
    fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "min" => Function::Min,
            "max" => Function::Max,
            "sum" => Function::Sum,
            "avg" => Function::Avg,
            "scale" => Function::Scale,
            "date" => Function::Date,
            "years_between" => Function::YearsBetween,
            "pow" => Function::Pow,
            "abs" => Function::Abs,
            "round" => Function::Round,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Sum => "sum",
            Function::Avg => "avg",
            Function::Scale => "scale",
            Function::Date => "date",
            Function::YearsBetween => "years_between",
            Function::Pow => "pow",
            Function::Abs => "abs",
            Function::Round => "round",
        }
    }
}

/// Words that cannot name a variable.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "if", "then", "else", "true", "false", "params", "policy",
];

/// A syntax error: where (a byte offset in the expression) and what was
/// expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Parses one expression (the whole text).
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let input = LocatingSlice::new(text);
    let end = eof
        .context(expected("an operator or the end of the expression"))
        .void();
    (delimited(whitespace, expression, whitespace), cut_err(end))
        .map(|(tree, ())| tree)
        .parse(input)
        .map_err(|error| SyntaxError {
            offset: error.offset(),
            message: describe(error.inner(), &text[error.offset()..]),
        })
}

fn describe(error: &ContextError, rest: &str) -> String {
    let mut expected: Vec<String> = Vec::new();
    let mut label = None;
    for context in error.context() {
        match context {
            StrContext::Expected(value) => {
                let value = match value {
                    StrContextValue::CharLiteral(c) => format!("“{c}”"),
                    StrContextValue::StringLiteral(s) => format!("“{s}”"),
                    StrContextValue::Description(d) => (*d).to_owned(),
                    other => other.to_string(),
                };
                // The innermost expectation is the precise one; the outer
                // ones only repeat what the enclosing rule wanted.
                if expected.is_empty() {
                    expected.push(value);
                }
            }
            StrContext::Label(name) => label = label.or(Some(*name)),
            _ => {}
        }
    }
    let found = match rest.chars().next() {
        None => "the end of the expression".to_owned(),
        Some(_) => {
            let token: String = rest.chars().take(12).collect();
            format!("“{token}”")
        }
    };
    match (expected.is_empty(), label) {
        (false, _) => format!("expected {}, found {found}", expected.join(" or ")),
        (true, Some(label)) => format!("invalid {label} at {found}"),
        (true, None) => format!("unexpected {found}"),
    }
}

type Input<'s> = LocatingSlice<&'s str>;
type PResult<T> = ModalResult<T>;

fn expected(description: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(description))
}

fn whitespace(input: &mut Input<'_>) -> PResult<()> {
    take_while(0.., char::is_whitespace)
        .void()
        .parse_next(input)
}

/// Runs `parser` and skips the white space after it.
fn token<'s, O>(
    parser: impl Parser<Input<'s>, O, ErrMode<ContextError>>,
) -> impl Parser<Input<'s>, O, ErrMode<ContextError>> {
    (parser, whitespace).map(|(output, ())| output)
}

fn identifier<'s>(input: &mut Input<'s>) -> PResult<&'s str> {
    (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_'),
    )
        .take()
        .parse_next(input)
}

/// A keyword as a whole word (`and` but not the start of `android`).
fn keyword<'s>(word: &'static str) -> impl Parser<Input<'s>, (), ErrMode<ContextError>> {
    token(
        identifier
            .verify(move |name: &str| name == word)
            .void()
            .context(StrContext::Expected(StrContextValue::StringLiteral(word))),
    )
}

fn symbol<'s>(text: &'static str) -> impl Parser<Input<'s>, (), ErrMode<ContextError>> {
    token(
        text.void()
            .context(StrContext::Expected(StrContextValue::StringLiteral(text))),
    )
}

fn spanned(kind: ExprKind, start: usize, end: usize) -> Expr {
    Expr {
        kind,
        span: Span { start, end },
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = Span {
        start: left.span.start,
        end: right.span.end,
    };
    Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}

fn expression(input: &mut Input<'_>) -> PResult<Expr> {
    or_expression(input)
}

fn or_expression(input: &mut Input<'_>) -> PResult<Expr> {
    let mut left = and_expression(input)?;
    while opt(keyword("or")).parse_next(input)?.is_some() {
        let right = cut_err(and_expression).parse_next(input)?;
        left = binary(BinaryOp::Or, left, right);
    }
    Ok(left)
}

fn and_expression(input: &mut Input<'_>) -> PResult<Expr> {
    let mut left = not_expression(input)?;
    while opt(keyword("and")).parse_next(input)?.is_some() {
        let right = cut_err(not_expression).parse_next(input)?;
        left = binary(BinaryOp::And, left, right);
    }
    Ok(left)
}

fn not_expression(input: &mut Input<'_>) -> PResult<Expr> {
    let start = input.current_token_start();
    if opt(keyword("not")).parse_next(input)?.is_some() {
        let operand = cut_err(not_expression).parse_next(input)?;
        let end = operand.span.end;
        return Ok(spanned(
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand: Box::new(operand),
            },
            start,
            end,
        ));
    }
    comparison(input)
}

fn comparison_operator(input: &mut Input<'_>) -> PResult<BinaryOp> {
    token(alt((
        "<=".value(BinaryOp::LessOrEqual),
        "≤".value(BinaryOp::LessOrEqual),
        ">=".value(BinaryOp::GreaterOrEqual),
        "≥".value(BinaryOp::GreaterOrEqual),
        "==".value(BinaryOp::Equal),
        "!=".value(BinaryOp::NotEqual),
        "≠".value(BinaryOp::NotEqual),
        "<".value(BinaryOp::Less),
        ">".value(BinaryOp::Greater),
    )))
    .parse_next(input)
}

fn comparison(input: &mut Input<'_>) -> PResult<Expr> {
    let left = sum(input)?;
    let Some(op) = opt(comparison_operator).parse_next(input)? else {
        return Ok(left);
    };
    let right = cut_err(sum).parse_next(input)?;
    // Comparisons do not chain: `a < b < c` reads as an error, not as
    // `(a < b) < c`.
    let second = input.checkpoint();
    if opt(comparison_operator).parse_next(input)?.is_some() {
        input.reset(&second);
        return Err(ErrMode::Cut(ContextError::new().add_context(
            input,
            &input.checkpoint(),
            expected("“and” between two comparisons (comparisons do not chain)"),
        )));
    }
    Ok(binary(op, left, right))
}

fn sum(input: &mut Input<'_>) -> PResult<Expr> {
    let mut left = product(input)?;
    loop {
        let op = opt(token(alt((
            "+".value(BinaryOp::Add),
            "-".value(BinaryOp::Subtract),
            "−".value(BinaryOp::Subtract),
        ))))
        .parse_next(input)?;
        let Some(op) = op else { return Ok(left) };
        let right = cut_err(product).parse_next(input)?;
        left = binary(op, left, right);
    }
}

fn product(input: &mut Input<'_>) -> PResult<Expr> {
    let mut left = unary(input)?;
    loop {
        let op = opt(token(alt((
            "*".value(BinaryOp::Multiply),
            "×".value(BinaryOp::Multiply),
            "/".value(BinaryOp::Divide),
            "÷".value(BinaryOp::Divide),
        ))))
        .parse_next(input)?;
        let Some(op) = op else { return Ok(left) };
        let right = cut_err(unary).parse_next(input)?;
        left = binary(op, left, right);
    }
}

fn unary(input: &mut Input<'_>) -> PResult<Expr> {
    let start = input.current_token_start();
    if opt(token(alt(("-", "−")))).parse_next(input)?.is_some() {
        let operand = cut_err(unary).parse_next(input)?;
        let end = operand.span.end;
        return Ok(spanned(
            ExprKind::Unary {
                op: UnaryOp::Negate,
                operand: Box::new(operand),
            },
            start,
            end,
        ));
    }
    primary(input)
}

fn primary(input: &mut Input<'_>) -> PResult<Expr> {
    let start = input.current_token_start();
    let remaining: &str = input;
    let kind = alt((
        number.map(ExprKind::Literal),
        string.map(|text| ExprKind::Literal(Literal::Text(text))),
        parenthesised,
        word,
    ))
    .context(expected(
        "a number, a string, a variable, params.…, a function or “(”",
    ))
    .parse_next(input)?;
    // Sub-parsers consume the white space after their tokens; the span ends
    // at the last character of the node itself.
    let consumed = &remaining[..input.current_token_start() - start];
    let end = start + consumed.trim_end().len();
    whitespace(input)?;
    Ok(spanned(kind, start, end))
}

fn digits<'s>(input: &mut Input<'s>) -> PResult<&'s str> {
    (
        take_while(1.., |c: char| c.is_ascii_digit()),
        take_while(0.., |c: char| c.is_ascii_digit() || c == '_'),
    )
        .take()
        .parse_next(input)
}

fn number(input: &mut Input<'_>) -> PResult<Literal> {
    let whole = digits(input)?;
    let fraction = opt(preceded(
        '.',
        cut_err(digits).context(expected("digits after the decimal point")),
    ))
    .parse_next(input)?;
    let suffix = opt(one_of(['%', '万', '亿'])).parse_next(input)?;
    let mut text = whole.replace('_', "");
    if let Some(fraction) = fraction {
        text.push('.');
        text.push_str(&fraction.replace('_', ""));
    }
    let out_of_range = |input: &mut Input<'_>| {
        ErrMode::Cut(ContextError::new().add_context(
            input,
            &input.checkpoint(),
            expected("a number of at most 28 significant digits"),
        ))
    };
    let value = match Decimal::from_str_exact(&text) {
        Ok(value) => value,
        Err(_) => return Err(out_of_range(input)),
    };
    let scaled = |factor: i64| value.checked_mul(Decimal::from(factor));
    let literal = match suffix {
        Some('%') => Literal::Rate((value / Decimal::ONE_HUNDRED).normalize()),
        Some('万') => integral_or_decimal(scaled(10_000)),
        Some('亿') => integral_or_decimal(scaled(100_000_000)),
        _ if fraction.is_some() => Literal::Decimal(value),
        _ => integral_or_decimal(Some(value)),
    };
    match literal {
        Literal::Decimal(value)
            if value.is_zero() && !text.chars().all(|c| c == '0' || c == '.') =>
        {
            Err(out_of_range(input))
        }
        literal => Ok(literal),
    }
}

fn integral_or_decimal(value: Option<Decimal>) -> Literal {
    match value {
        Some(value) if value.fract().is_zero() => match i64::try_from(value) {
            Ok(integer) => Literal::Integer(integer),
            Err(_) => Literal::Decimal(value),
        },
        Some(value) => Literal::Decimal(value.normalize()),
        // An overflow of 万 or 亿 is reported by the caller as out of range.
        None => Literal::Decimal(Decimal::ZERO),
    }
}

fn string(input: &mut Input<'_>) -> PResult<String> {
    '"'.parse_next(input)?;
    let mut text = String::new();
    loop {
        let chunk = take_while(0.., |c: char| c != '"' && c != '\\').parse_next(input)?;
        text.push_str(chunk);
        let end = cut_err(one_of(['"', '\\']))
            .context(expected("“\"” to close the string"))
            .parse_next(input)?;
        if end == '"' {
            return Ok(text);
        }
        let escaped = cut_err(one_of(['"', '\\']))
            .context(expected("“\\\"” or “\\\\” (the only escapes)"))
            .parse_next(input)?;
        text.push(escaped);
    }
}

fn parenthesised(input: &mut Input<'_>) -> PResult<ExprKind> {
    symbol("(").parse_next(input)?;
    let inner = cut_err(expression).parse_next(input)?;
    cut_err(")")
        .context(StrContext::Expected(StrContextValue::CharLiteral(')')))
        .parse_next(input)?;
    Ok(inner.kind)
}

fn word(input: &mut Input<'_>) -> PResult<ExprKind> {
    let name_start = input.checkpoint();
    let name = token(identifier).parse_next(input)?;
    match name {
        "true" => return Ok(ExprKind::Literal(Literal::Bool(true))),
        "false" => return Ok(ExprKind::Literal(Literal::Bool(false))),
        "params" => {
            let path: Vec<&str> = preceded(
                cut_err(".").context(StrContext::Expected(StrContextValue::CharLiteral('.'))),
                separated(
                    1..,
                    cut_err(identifier).context(expected("a parameter name")),
                    ".",
                ),
            )
            .parse_next(input)?;
            return Ok(ExprKind::Parameter {
                path: path.join("."),
            });
        }
        "policy" => {
            let id = preceded(
                cut_err(".").context(StrContext::Expected(StrContextValue::CharLiteral('.'))),
                cut_err(identifier).context(expected("a policy id")),
            )
            .parse_next(input)?;
            return Ok(ExprKind::Policy { id: id.to_owned() });
        }
        "if" => {
            let condition = cut_err(expression).parse_next(input)?;
            cut_err(keyword("then")).parse_next(input)?;
            let then = cut_err(expression).parse_next(input)?;
            cut_err(keyword("else")).parse_next(input)?;
            let otherwise = cut_err(expression).parse_next(input)?;
            return Ok(ExprKind::If {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            });
        }
        _ => {}
    }
    if KEYWORDS.contains(&name) {
        return Err(ErrMode::Backtrack(ContextError::new()));
    }
    if opt(symbol("(")).parse_next(input)?.is_some() {
        let Some(function) = Function::from_name(name) else {
            input.reset(&name_start);
            return Err(ErrMode::Cut(ContextError::new().add_context(
                input,
                &input.checkpoint(),
                expected(
                    "a function: min, max, sum, avg, scale, date, years_between, pow, abs or round",
                ),
            )));
        };
        let arguments: Vec<Expr> =
            cut_err(separated(1.., expression, symbol(","))).parse_next(input)?;
        cut_err(")")
            .context(expected("“,” or “)”"))
            .parse_next(input)?;
        return Ok(ExprKind::Call {
            function,
            arguments,
        });
    }
    let period = opt(delimited(
        symbol("["),
        cut_err(period),
        cut_err((whitespace, "]")).context(StrContext::Expected(StrContextValue::CharLiteral(']'))),
    ))
    .parse_next(input)?;
    Ok(ExprKind::Variable {
        name: name.to_owned(),
        period,
    })
}

fn period(input: &mut Input<'_>) -> PResult<PeriodRef> {
    let start = input.checkpoint();
    let name = identifier
        .context(expected(
            "a period: this_year, last_year, year(-k) or last_k_years",
        ))
        .parse_next(input)?;
    match name {
        "this_year" => return Ok(PeriodRef::Year(0)),
        "last_year" => return Ok(PeriodRef::Year(-1)),
        "year" => {
            let offset = delimited(
                symbol("("),
                (opt(alt(("-", "−"))), digits),
                cut_err(")").context(StrContext::Expected(StrContextValue::CharLiteral(')'))),
            )
            .context(expected("year(-k), a year k years before the period"))
            .parse_next(input)?;
            let (minus, digits) = offset;
            let value: i32 = digits.replace('_', "").parse().unwrap_or(i32::MAX);
            if value > 200 || (minus.is_none() && value != 0) {
                input.reset(&start);
                return Err(ErrMode::Cut(ContextError::new().add_context(
                    input,
                    &input.checkpoint(),
                    expected("year(-k) with 0 ≤ k ≤ 200 (a past year)"),
                )));
            }
            return Ok(PeriodRef::Year(-value));
        }
        _ => {}
    }
    if let Some(count) = name
        .strip_prefix("last_")
        .and_then(|rest| rest.strip_suffix("_years"))
        .and_then(|count| count.parse::<u32>().ok())
        .filter(|count| (1..=50).contains(count))
    {
        return Ok(PeriodRef::LastYears(count));
    }
    input.reset(&start);
    Err(ErrMode::Cut(ContextError::new().add_context(
        input,
        &input.checkpoint(),
        expected("a period: this_year, last_year, year(-k) or last_k_years (1 ≤ k ≤ 50)"),
    )))
}
