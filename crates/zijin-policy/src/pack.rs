//! Policy packs: the files a policy officer reads, and the checked [`Pack`].
//!
//! A pack is one TOML text (the format is described in the crate's
//! `README.md`). [`Pack::from_toml`] reads it, checks every declaration and
//! every expression, and returns every problem at once, each naming the
//! file, line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::check::{self, PeriodKind, Scope, Uses, parse_date};
use crate::expr::{self, Expr, ExprKind, Literal, UnaryOp};
use crate::value::{Type, Value};

/// The name of the built-in variable holding the reference date of an
/// evaluation (the first day of the evaluation period).
pub const REFERENCE_DATE: &str = "reference_date";

/// A problem in a pack or test-case file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters (not bytes).
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PackErrors(pub Vec<PackError>);

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// A checked policy pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub info: PackInfo,
    /// Input variables (facts about an enterprise), by name.
    pub variables: BTreeMap<String, Variable>,
    /// Dated parameters, by dotted name (`hte.min_st_staff_ratio`).
    pub parameters: BTreeMap<String, Parameter>,
    /// Dated scales (bands), by dotted name.
    pub scales: BTreeMap<String, Scale>,
    /// Derived variables, each after the ones its formula uses.
    pub derived: Vec<Derived>,
    /// Policies, each after the ones its criteria refer to.
    pub policies: Vec<Policy>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInfo {
    pub id: String,
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    pub note: Option<String>,
    /// The result columns a batch run writes by default (`id`,
    /// `<policy>_eligible`, a criterion, a derived variable …; empty: all).
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub ty: Type,
    pub period: PeriodKind,
    pub label: Labels,
}

/// A value in force from a date, published (made known) on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated<T> {
    pub from: NaiveDate,
    /// When the value was made public; `None` reads as `from`.
    pub published: Option<NaiveDate>,
    pub value: T,
}

impl<T> Dated<T> {
    fn known_on(&self, date: NaiveDate) -> bool {
        self.published.unwrap_or(self.from) <= date
    }
}

/// The entry of a history in force on `on`, as known on `known_on` (`None`:
/// as known today, i.e. every entry).
fn in_force<T>(
    history: &[Dated<T>],
    on: NaiveDate,
    known_on: Option<NaiveDate>,
) -> Option<&Dated<T>> {
    history
        .iter()
        .rfind(|entry| entry.from <= on && known_on.is_none_or(|date| entry.known_on(date)))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub label: Labels,
    pub reference: Option<String>,
    /// Sorted by `from`, at least one entry.
    pub history: Vec<Dated<Value>>,
}

impl Parameter {
    /// The value in force on `on`, as known on `known_on`.
    pub fn at(&self, on: NaiveDate, known_on: Option<NaiveDate>) -> Option<&Dated<Value>> {
        in_force(&self.history, on, known_on)
    }
}

/// One band of a scale: from its lower bound (none for the first band,
/// which reaches down without limit) to the next band's lower bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub lower: Option<Decimal>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub name: String,
    /// The type of what is banded (revenue: money; a ratio: decimal or rate).
    pub base: Type,
    /// The type of a band's value (a minimum rate, points).
    pub value: Type,
    /// Whether a band includes its lower bound: `true` gives [lower, next),
    /// `false` gives (lower, next]. Written in the pack, never in code.
    pub lower_inclusive: bool,
    pub label: Labels,
    pub reference: Option<String>,
    /// Sorted by `from`; each version's bands in increasing order of `lower`.
    pub history: Vec<Dated<Vec<Band>>>,
}

/// The band a base value falls in: its index and bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct BandChoice<'a> {
    pub index: usize,
    pub band: &'a Band,
    /// The next band's lower bound (this band's upper bound), if any.
    pub upper: Option<Decimal>,
    pub lower_inclusive: bool,
}

impl Scale {
    /// The bands in force on `on`, as known on `known_on`.
    pub fn at(&self, on: NaiveDate, known_on: Option<NaiveDate>) -> Option<&Dated<Vec<Band>>> {
        in_force(&self.history, on, known_on)
    }

    /// The band of `base` among `bands`; `None` when `base` is below the
    /// first band's lower bound.
    pub fn band<'a>(&self, bands: &'a [Band], base: Decimal) -> Option<BandChoice<'a>> {
        let inside = |band: &Band| match band.lower {
            None => true,
            Some(lower) if self.lower_inclusive => base >= lower,
            Some(lower) => base > lower,
        };
        let index = bands.iter().rposition(inside)?;
        Some(BandChoice {
            index,
            band: &bands[index],
            upper: bands.get(index + 1).and_then(|band| band.lower),
            lower_inclusive: self.lower_inclusive,
        })
    }
}

/// An expression of a pack with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub text: String,
    pub expr: Expr,
    pub ty: Type,
    pub uses: Uses,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub name: String,
    pub ty: Type,
    pub label: Labels,
    pub formula: Formula,
}

/// How the criteria of a policy combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// Eligible when every criterion holds.
    All,
    /// Eligible when at least one criterion holds.
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub text_zh: String,
    pub text_en: String,
    pub reference: Option<String>,
    pub condition: Formula,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub reference: Option<String>,
    pub combine: Combine,
    pub criteria: Vec<Criterion>,
    /// The amount granted to an eligible enterprise (money), if the policy
    /// grants one; 0 for an enterprise that is not eligible.
    pub amount: Option<Formula>,
}

// ---------------------------------------------------------------------------
// The file as written (serde types).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackInfoFile,
    #[serde(default)]
    variable: Vec<VariableFile>,
    #[serde(default)]
    parameter: Vec<ParameterFile>,
    #[serde(default)]
    scale: Vec<ScaleFile>,
    #[serde(default)]
    derived: Vec<DerivedFile>,
    #[serde(default)]
    policy: Vec<PolicyFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackInfoFile {
    id: String,
    version: String,
    name_zh: String,
    name_en: String,
    note: Option<String>,
    #[serde(default)]
    columns: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariableFile {
    name: Spanned<String>,
    #[serde(rename = "type")]
    ty: Type,
    period: PeriodKind,
    label_zh: String,
    label_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterFile {
    name: Spanned<String>,
    #[serde(rename = "type")]
    ty: Type,
    label_zh: String,
    label_en: String,
    reference: Option<String>,
    values: Spanned<Vec<DatedValueFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatedValueFile {
    from: Spanned<toml::value::Datetime>,
    published: Option<Spanned<toml::value::Datetime>>,
    value: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleFile {
    name: Spanned<String>,
    base: Type,
    value: Type,
    lower_inclusive: bool,
    label_zh: String,
    label_en: String,
    reference: Option<String>,
    versions: Spanned<Vec<ScaleVersionFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleVersionFile {
    from: Spanned<toml::value::Datetime>,
    published: Option<Spanned<toml::value::Datetime>>,
    bands: Spanned<Vec<BandFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandFile {
    lower: Option<Spanned<toml::Value>>,
    value: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DerivedFile {
    name: Spanned<String>,
    #[serde(rename = "type")]
    ty: Type,
    label_zh: String,
    label_en: String,
    formula: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    id: Spanned<String>,
    name_zh: String,
    name_en: String,
    reference: Option<String>,
    #[serde(default = "all")]
    combine: Combine,
    amount: Option<Spanned<String>>,
    criterion: Spanned<Vec<CriterionFile>>,
}

fn all() -> Combine {
    Combine::All
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionFile {
    id: Spanned<String>,
    text_zh: String,
    text_en: String,
    reference: Option<String>,
    condition: Spanned<String>,
}

// ---------------------------------------------------------------------------
// Locations.

/// Turns byte offsets of a file into lines and columns, and collects errors.
pub(crate) struct Source<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
    pub(crate) errors: Vec<PackError>,
}

impl<'a> Source<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Source {
            file,
            text,
            errors: Vec::new(),
        }
    }

    pub(crate) fn error_at(&mut self, offset: usize, message: impl Into<String>) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        let column = before[line_start..].chars().count() + 1;
        self.errors.push(PackError {
            file: self.file.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }

    pub(crate) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.error_at(span.start, message);
    }

    /// Where the content of a TOML string written at `span` starts in the
    /// file, when the text between the quotes is the string itself (literal
    /// strings, and basic strings without escapes). Otherwise the string's
    /// first quote: positions inside are then approximate.
    fn string_content_start(&self, span: &Range<usize>, value: &str) -> (usize, bool) {
        let raw = &self.text[span.clone()];
        let quotes = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        if raw.len() < 2 * quotes {
            return (span.start, false);
        }
        let mut start = quotes;
        let inner = &raw[quotes..raw.len() - quotes];
        let inner = if quotes == 3 {
            if let Some(rest) = inner.strip_prefix("\r\n") {
                start += 2;
                rest
            } else if let Some(rest) = inner.strip_prefix('\n') {
                start += 1;
                rest
            } else {
                inner
            }
        } else {
            inner
        };
        if inner == value {
            (span.start + start, true)
        } else {
            (span.start, false)
        }
    }

    /// Parses and type-checks an expression written as a TOML string.
    fn formula(&mut self, written: &Spanned<String>, scope: &dyn Scope) -> Option<Formula> {
        let text = written.get_ref();
        let (base, exact) = self.string_content_start(&written.span(), text);
        let at = |offset: usize| if exact { base + offset } else { base };
        let expr = match expr::parse(text) {
            Ok(expr) => expr,
            Err(error) => {
                self.error_at(at(error.offset), error.message);
                return None;
            }
        };
        match check::check(&expr, scope) {
            Ok((ty, uses)) => Some(Formula {
                text: text.clone(),
                expr,
                ty,
                uses,
            }),
            Err(error) => {
                self.error_at(at(error.span.start), error.message);
                None
            }
        }
    }

    pub(crate) fn date(&mut self, written: &Spanned<toml::value::Datetime>) -> Option<NaiveDate> {
        let datetime = written.get_ref();
        match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            ),
            _ => {
                self.error(
                    written.span(),
                    format!("expected a date such as 2024-01-01, found {datetime}"),
                );
                None
            }
        }
    }

    /// A value of type `ty` written as a TOML value: a number, a string in
    /// the expression language's literal syntax ("5%", "5000万", "0.1"), a
    /// bool or a date.
    pub(crate) fn value(&mut self, written: &Spanned<toml::Value>, ty: Type) -> Option<Value> {
        let span = written.span();
        let found = match written.get_ref() {
            toml::Value::Boolean(b) if ty == Type::Bool => return Some(Value::Bool(*b)),
            toml::Value::Datetime(datetime) if ty == Type::Date => {
                return self.date(&Spanned::new(span, *datetime)).map(Value::Date);
            }
            toml::Value::String(text) if ty == Type::Date => match parse_date(text) {
                Some(date) => return Some(Value::Date(date)),
                None => format!("“{text}”"),
            },
            toml::Value::String(text) if ty == Type::Text => {
                return Some(Value::Text(text.clone()));
            }
            toml::Value::Integer(integer) if ty.is_numeric() => {
                return numeric_value(Literal::Integer(*integer), ty).or_else(|| {
                    self.error(span.clone(), format!("expected {}, found {integer}", a(ty)));
                    None
                });
            }
            // A TOML float is a binary number; its shortest decimal form is
            // the text the officer wrote (0.05 prints as "0.05"), so reading
            // it back through that text keeps it exact.
            toml::Value::Float(float) if ty.is_numeric() && float.is_finite() => {
                return match Decimal::from_str_exact(&float.to_string()) {
                    Ok(decimal) => numeric_value(Literal::Decimal(decimal), ty).or_else(|| {
                        self.error(span.clone(), format!("expected {}, found {float}", a(ty)));
                        None
                    }),
                    Err(_) => {
                        self.error(
                            span,
                            format!(
                                "{float} has more than 28 significant digits: write it as a string"
                            ),
                        );
                        None
                    }
                };
            }
            toml::Value::String(text) if ty.is_numeric() => match literal_of(text) {
                Some(literal) => match numeric_value(literal, ty) {
                    Some(value) => return Some(value),
                    None => format!("“{text}”"),
                },
                None => format!("“{text}”"),
            },
            other => other.to_string(),
        };
        self.error(span, format!("expected {}, found {found}", a(ty)));
        None
    }
}

/// A number written as a literal of the expression language, with an
/// optional minus sign.
fn literal_of(text: &str) -> Option<Literal> {
    let expr = expr::parse(text).ok()?;
    match expr.kind {
        ExprKind::Literal(literal) => Some(literal),
        ExprKind::Unary {
            op: UnaryOp::Negate,
            operand,
        } => match operand.kind {
            ExprKind::Literal(Literal::Integer(integer)) => Some(Literal::Integer(-integer)),
            ExprKind::Literal(Literal::Decimal(decimal)) => Some(Literal::Decimal(-decimal)),
            ExprKind::Literal(Literal::Rate(rate)) => Some(Literal::Rate(-rate)),
            _ => None,
        },
        _ => None,
    }
}

/// A numeric literal as a value of type `ty`: an integer only from a whole
/// number; money, decimals and rates from any number.
fn numeric_value(literal: Literal, ty: Type) -> Option<Value> {
    match (literal, ty) {
        (Literal::Integer(integer), Type::Integer) => Some(Value::Integer(integer)),
        (Literal::Decimal(decimal) | Literal::Rate(decimal), Type::Integer) => {
            (decimal.fract().is_zero()).then(|| i64::try_from(decimal).ok().map(Value::Integer))?
        }
        (Literal::Integer(integer), _) => Some(Value::Decimal(Decimal::from(integer))),
        (Literal::Decimal(decimal) | Literal::Rate(decimal), _) => Some(Value::Decimal(decimal)),
        _ => None,
    }
}

fn a(ty: Type) -> String {
    match ty {
        Type::Integer => "an integer".to_owned(),
        ty => format!("a {ty}"),
    }
}

/// Whether a formula's type may be stored in a variable declared `declared`.
fn assignable(found: Type, declared: Type) -> bool {
    found == declared
        || (declared.is_numeric() && found == Type::Integer)
        || matches!(
            (found, declared),
            (Type::Rate, Type::Decimal) | (Type::Decimal, Type::Rate)
        )
}

fn is_name(name: &str, dotted: bool) -> bool {
    let segment_ok = |segment: &str| {
        segment
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && segment
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if dotted {
        name.split('.').all(segment_ok)
    } else {
        segment_ok(name)
    }
}

// ---------------------------------------------------------------------------
// The scope of a pack while it is checked.

#[derive(Default)]
struct PackScope {
    variables: BTreeMap<String, (Type, PeriodKind)>,
    parameters: BTreeMap<String, Type>,
    scales: BTreeMap<String, (Type, Type)>,
    policies: BTreeSet<String>,
}

impl Scope for PackScope {
    fn variable(&self, name: &str) -> Option<(Type, PeriodKind)> {
        if name == REFERENCE_DATE {
            return Some((Type::Date, PeriodKind::Once));
        }
        self.variables.get(name).copied()
    }
    fn parameter(&self, path: &str) -> Option<Type> {
        self.parameters.get(path).copied()
    }
    fn scale(&self, path: &str) -> Option<(Type, Type)> {
        self.scales.get(path).copied()
    }
    fn policy(&self, id: &str) -> bool {
        self.policies.contains(id)
    }
}

impl Pack {
    /// Reads and checks a pack. `file` is the name used in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Pack, PackErrors> {
        let mut source = Source::new(file, text);
        let written: PackFile = match toml::from_str(text) {
            Ok(written) => written,
            Err(error) => {
                source.error(
                    error.span().unwrap_or(0..0),
                    error.message().trim().to_owned(),
                );
                return Err(PackErrors(source.errors));
            }
        };
        let pack = load(&mut source, written);
        if source.errors.is_empty() {
            Ok(pack)
        } else {
            source
                .errors
                .sort_by_key(|error| (error.line, error.column));
            Err(PackErrors(source.errors))
        }
    }

    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|policy| policy.id == id)
    }
}

fn load(source: &mut Source<'_>, written: PackFile) -> Pack {
    let mut scope = PackScope::default();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut claim =
        |source: &mut Source<'_>, name: &Spanned<String>, what: &str, dotted: bool| -> bool {
            let text = name.get_ref();
            if !is_name(text, dotted) {
                let shape = if dotted {
                    "lower-case words joined by “_”, groups separated by “.”"
                } else {
                    "lower-case letters, digits and “_”, starting with a letter"
                };
                source.error(
                    name.span(),
                    format!("the {what} name “{text}” should be {shape}"),
                );
                return false;
            }
            if text == REFERENCE_DATE || !taken.insert(text.clone()) {
                source.error(name.span(), format!("the name “{text}” is already used"));
                return false;
            }
            true
        };

    let info = PackInfo {
        id: written.pack.id,
        version: written.pack.version,
        name_zh: written.pack.name_zh,
        name_en: written.pack.name_en,
        note: written.pack.note,
        columns: written.pack.columns,
    };

    let mut variables = BTreeMap::new();
    for variable in written.variable {
        if claim(source, &variable.name, "variable", false) {
            let name = variable.name.into_inner();
            scope
                .variables
                .insert(name.clone(), (variable.ty, variable.period));
            variables.insert(
                name.clone(),
                Variable {
                    name,
                    ty: variable.ty,
                    period: variable.period,
                    label: Labels {
                        zh: variable.label_zh,
                        en: variable.label_en,
                    },
                },
            );
        }
    }

    let mut parameters = BTreeMap::new();
    for parameter in written.parameter {
        if !claim(source, &parameter.name, "parameter", true) {
            continue;
        }
        let span = parameter.values.span();
        let none_written = parameter.values.get_ref().is_empty();
        let mut history = Vec::new();
        for entry in parameter.values.into_inner() {
            let from = source.date(&entry.from);
            let published = entry.published.as_ref().and_then(|date| source.date(date));
            let value = source.value(&entry.value, parameter.ty);
            if let (Some(from), Some(value)) = (from, value) {
                history.push(Dated {
                    from,
                    published,
                    value,
                });
            }
        }
        check_history(source, span, &mut history, none_written, "values");
        let name = parameter.name.into_inner();
        scope.parameters.insert(name.clone(), parameter.ty);
        parameters.insert(
            name.clone(),
            Parameter {
                name,
                ty: parameter.ty,
                label: Labels {
                    zh: parameter.label_zh,
                    en: parameter.label_en,
                },
                reference: parameter.reference,
                history,
            },
        );
    }

    let mut scales = BTreeMap::new();
    for scale in written.scale {
        if !claim(source, &scale.name, "scale", true) {
            continue;
        }
        if !scale.base.is_numeric()
            || !matches!(
                scale.value,
                Type::Integer | Type::Decimal | Type::Rate | Type::Money | Type::Bool
            )
        {
            source.error(
                scale.name.span(),
                "a scale bands a number (base) and gives a number or a bool (value)",
            );
            continue;
        }
        let span = scale.versions.span();
        let none_written = scale.versions.get_ref().is_empty();
        let mut history = Vec::new();
        for version in scale.versions.into_inner() {
            let from = source.date(&version.from);
            let published = version
                .published
                .as_ref()
                .and_then(|date| source.date(date));
            let bands_span = version.bands.span();
            let mut bands = Vec::new();
            for (index, band) in version.bands.into_inner().into_iter().enumerate() {
                let lower = match &band.lower {
                    None if index == 0 => None,
                    None => {
                        source.error(
                            band.value.span(),
                            "every band after the first needs its lower bound (“lower”)",
                        );
                        continue;
                    }
                    Some(lower) => match source
                        .value(lower, scale.base)
                        .and_then(|value| value.as_decimal())
                    {
                        Some(lower) => {
                            let previous = bands.last().and_then(|band: &Band| band.lower);
                            if previous.is_some_and(|previous| lower <= previous) {
                                source.error(
                                    lower_span(&band),
                                    "the bands' lower bounds must increase",
                                );
                            }
                            Some(lower)
                        }
                        None => continue,
                    },
                };
                if let Some(value) = source.value(&band.value, scale.value) {
                    bands.push(Band { lower, value });
                }
            }
            if bands.is_empty() {
                source.error(bands_span, "a scale version needs at least one band");
                continue;
            }
            if let Some(from) = from {
                history.push(Dated {
                    from,
                    published,
                    value: bands,
                });
            }
        }
        check_history(source, span, &mut history, none_written, "versions");
        let name = scale.name.into_inner();
        scope.scales.insert(name.clone(), (scale.base, scale.value));
        scales.insert(
            name.clone(),
            Scale {
                name,
                base: scale.base,
                value: scale.value,
                lower_inclusive: scale.lower_inclusive,
                label: Labels {
                    zh: scale.label_zh,
                    en: scale.label_en,
                },
                reference: scale.reference,
                history,
            },
        );
    }

    // Derived variables and policies may refer to each other in any order in
    // the file: declare every name first, check the formulas, then order them.
    let mut derived_written = Vec::new();
    for derived in written.derived {
        if claim(source, &derived.name, "derived variable", false) {
            scope.variables.insert(
                derived.name.get_ref().clone(),
                (derived.ty, PeriodKind::Once),
            );
            derived_written.push(derived);
        }
    }
    let mut policies_written = Vec::new();
    for policy in written.policy {
        if claim(source, &policy.id, "policy", false) {
            scope.policies.insert(policy.id.get_ref().clone());
            policies_written.push(policy);
        }
    }

    let mut derived = Vec::new();
    for written in derived_written {
        let Some(formula) = source.formula(&written.formula, &scope) else {
            continue;
        };
        if !assignable(formula.ty, written.ty) {
            source.error(
                written.formula.span(),
                format!(
                    "the formula of “{}” gives {}, but the variable is declared {}",
                    written.name.get_ref(),
                    a(formula.ty),
                    a(written.ty)
                ),
            );
            continue;
        }
        derived.push((
            written.name.span(),
            Derived {
                name: written.name.into_inner(),
                ty: written.ty,
                label: Labels {
                    zh: written.label_zh,
                    en: written.label_en,
                },
                formula,
            },
        ));
    }

    let mut policies = Vec::new();
    for written in policies_written {
        let mut criteria = Vec::new();
        let mut ids = BTreeSet::new();
        if written.criterion.get_ref().is_empty() {
            source.error(
                written.criterion.span(),
                format!("the policy “{}” has no criterion", written.id.get_ref()),
            );
        }
        for criterion in written.criterion.into_inner() {
            if !is_name(criterion.id.get_ref(), false)
                || !ids.insert(criterion.id.get_ref().clone())
            {
                source.error(criterion.id.span(), format!("the criterion id “{}” should be a new name of lower-case letters, digits and “_”", criterion.id.get_ref()));
                continue;
            }
            let Some(condition) = source.formula(&criterion.condition, &scope) else {
                continue;
            };
            if condition.ty != Type::Bool {
                source.error(
                    criterion.condition.span(),
                    format!(
                        "a condition is true or false, but this one gives {}",
                        a(condition.ty)
                    ),
                );
                continue;
            }
            criteria.push(Criterion {
                id: criterion.id.into_inner(),
                text_zh: criterion.text_zh,
                text_en: criterion.text_en,
                reference: criterion.reference,
                condition,
            });
        }
        let amount = match &written.amount {
            None => None,
            Some(amount) => match source.formula(amount, &scope) {
                Some(formula) if matches!(formula.ty, Type::Money | Type::Integer) => Some(formula),
                Some(formula) => {
                    source.error(
                        amount.span(),
                        format!(
                            "an amount is money, but this formula gives {}",
                            a(formula.ty)
                        ),
                    );
                    None
                }
                None => None,
            },
        };
        policies.push((
            written.id.span(),
            Policy {
                id: written.id.into_inner(),
                name_zh: written.name_zh,
                name_en: written.name_en,
                reference: written.reference,
                combine: written.combine,
                criteria,
                amount,
            },
        ));
    }

    let derived = order(
        source,
        derived,
        |derived| derived.name.clone(),
        |derived| derived.formula.uses.variables.clone(),
        "derived variable",
    );
    let policies = order(
        source,
        policies,
        |policy| policy.id.clone(),
        |policy| {
            policy
                .criteria
                .iter()
                .map(|criterion| &criterion.condition)
                .chain(&policy.amount)
                .flat_map(|formula| formula.uses.policies.iter().cloned())
                .collect()
        },
        "policy",
    );

    Pack {
        info,
        variables,
        parameters,
        scales,
        derived,
        policies,
    }
}

fn lower_span(band: &BandFile) -> Range<usize> {
    band.lower.as_ref().map_or(band.value.span(), Spanned::span)
}

/// Sorts a history by date and reports an empty one or two entries from the
/// same date. (Entries that were written but wrong are already reported.)
fn check_history<T>(
    source: &mut Source<'_>,
    span: Range<usize>,
    history: &mut [Dated<T>],
    none_written: bool,
    what: &str,
) {
    history.sort_by_key(|entry| entry.from);
    if none_written {
        source.error(
            span.clone(),
            format!("at least one entry is needed in “{what}”"),
        );
    }
    if history.windows(2).any(|pair| pair[0].from == pair[1].from) {
        source.error(
            span,
            format!("two entries of “{what}” start on the same date"),
        );
    }
}

/// Orders items so that each comes after those it uses (among the same
/// kind), reporting a cycle at the first item in it.
fn order<T>(
    source: &mut Source<'_>,
    items: Vec<(Range<usize>, T)>,
    name: impl Fn(&T) -> String,
    uses: impl Fn(&T) -> BTreeSet<String>,
    what: &str,
) -> Vec<T> {
    let names: BTreeSet<String> = items.iter().map(|(_, item)| name(item)).collect();
    let mut pending: Vec<(Range<usize>, T, BTreeSet<String>)> = items
        .into_iter()
        .map(|(span, item)| {
            let used = uses(&item)
                .into_iter()
                .filter(|used| names.contains(used))
                .collect();
            (span, item, used)
        })
        .collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<usize> = (0..pending.len())
            .filter(|&index| pending[index].2.iter().all(|used| done.contains(used)))
            .collect();
        if ready.is_empty() {
            let (span, item, used) = &pending[0];
            let cycle: Vec<&str> = used
                .iter()
                .filter(|used| !done.contains(*used))
                .map(String::as_str)
                .collect();
            source.error(
                span.clone(),
                format!(
                    "the {what} “{}” depends on itself through {}",
                    name(item),
                    cycle.join(", ")
                ),
            );
            break;
        }
        // Removed from the back so the indices stay valid, then put back in
        // the order of the file.
        let mut batch: Vec<T> = ready
            .into_iter()
            .rev()
            .map(|index| pending.remove(index).1)
            .collect();
        batch.reverse();
        for item in batch {
            done.insert(name(&item));
            ordered.push(item);
        }
    }
    ordered
}
