//! Column-oriented evaluation of a pack over many enterprises at once.
//!
//! A [`Frame`] holds the facts of a batch of enterprises as typed columns,
//! one per variable and year (`revenue` of 2023 is one column of decimals
//! with a presence mask). [`Program::compile`] resolves a pack for one
//! evaluation (the parameters and scale bands in force, the reference date,
//! the years each formula reads), then [`Program::run`] evaluates every
//! formula node once over whole columns: a node's result is a column, and
//! an operator is one tight loop over two columns, instead of one walk of
//! the syntax tree per enterprise.
//!
//! The results are the ones [`crate::eval::evaluate_outcome`] gives for each
//! enterprise, to the same values, statuses and errors: missing data makes
//! a criterion unknown (never zero), `and`/`or` are three-valued, division by
//! zero gives 0, overflow is an error for that enterprise only, and the first
//! error of an enterprise (in the order derived variables, then policies with
//! their criteria and amount) is the one reported. Tests compare both engines
//! on every enterprise of generated batches, missing data included.
//!
//! Numbers that fit are kept as 64-bit mantissas of one scale per column
//! ([`ColumnData::Fixed`]): sums and products are integer loops, a quotient
//! stays undivided until something other than a comparison or a scale needs
//! it, and comparisons cross-multiply. Each kernel falls back to decimals
//! where integers would not be exact (overflow, scales past
//! [`MAX_FIXED_SCALE`]). Values are equal to the row engine's; the written
//! scale of a number may differ (a fixed column writes 1.5 + 0.00 as 1.50,
//! the row engine as 1.5), so writers format numbers themselves.
//!
//! Batches are independent: [`evaluate_frames`] runs many in parallel.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::eval::{EvalError, Options, Outcome, PolicyOutcome, Status, full_years};
use crate::expr::{BinaryOp, Expr, ExprKind, Function, Literal, PeriodRef, UnaryOp};
use crate::pack::{Band, Combine, Formula, Pack, REFERENCE_DATE, Scale};
use crate::value::{Type, Value};

// ---------------------------------------------------------------------------
// Frames

/// The values of one column of a [`Frame`].
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Integers, decimals, rates and money (integers as whole decimals).
    Number(Vec<Decimal>),
    /// Numbers of one scale as their mantissas: row `r` is `values[r]` ×
    /// 10^−`scale` (what [`Decimal::new`] makes of them, scale included).
    /// Kernels over such columns add, multiply and compare in integers, and
    /// fall back to decimals wherever the integers would not give the
    /// decimals' result exactly. `scale` is at most [`MAX_FIXED_SCALE`].
    Fixed(Vec<i64>, u32),
    Bool(Vec<bool>),
    Date(Vec<NaiveDate>),
    Text(Vec<String>),
}

impl ColumnData {
    fn len(&self) -> usize {
        match self {
            ColumnData::Number(values) => values.len(),
            ColumnData::Fixed(values, _) => values.len(),
            ColumnData::Bool(values) => values.len(),
            ColumnData::Date(values) => values.len(),
            ColumnData::Text(values) => values.len(),
        }
    }
}

/// One column: its values and which rows have one (a row without a value
/// holds a placeholder that is never read).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    data: ColumnData,
    /// `None`: every row has a value.
    missing: Option<Vec<St>>,
}

impl Column {
    /// A column from its values and, per row, whether the value is present.
    /// A column from its values and, per row, whether the value is present.
    /// Decimals that all have one scale and fit 64 bits are kept as
    /// [`ColumnData::Fixed`].
    pub fn new(data: ColumnData, present: &[bool]) -> Column {
        let missing = if present.iter().all(|&present| present) {
            None
        } else {
            Some(
                present
                    .iter()
                    .map(|&present| if present { St::Ok } else { St::Missing })
                    .collect(),
            )
        };
        Column {
            data: compact(data, present),
            missing,
        }
    }

    /// A column where every row has a value.
    pub fn full(data: ColumnData) -> Column {
        let present = vec![true; data.len()];
        Column {
            data: compact(data, &present),
            missing: None,
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The largest scale of a [`ColumnData::Fixed`] column. With it, aligning
/// two scales multiplies by at most 10^9 (an `i128` holds any `i64` times
/// that), and the quotient of two fixed numbers (at most 2^63 × 10^9) never
/// overflows a decimal, so an undivided [`Data::Ratio`] can always be divided
/// later, to the same result the row engine gets.
pub const MAX_FIXED_SCALE: u32 = 9;

/// A decimal as a mantissa and scale that fit a fixed column, if it does
/// (never a negative zero, whose sign a mantissa cannot keep).
fn to_fixed(value: Decimal) -> Option<(i64, u32)> {
    if value.scale() > MAX_FIXED_SCALE || (value.is_zero() && value.is_sign_negative()) {
        return None;
    }
    Some((i64::try_from(value.mantissa()).ok()?, value.scale()))
}

/// `Number` as `Fixed` when every present value has the same scale and
/// fits 64 bits; anything else unchanged.
fn compact(data: ColumnData, present: &[bool]) -> ColumnData {
    let ColumnData::Number(values) = data else {
        return data;
    };
    let mut scale = None;
    let mut fixed = Vec::with_capacity(values.len());
    for (value, &present) in values.iter().zip(present) {
        if !present {
            fixed.push(0);
            continue;
        }
        match to_fixed(*value) {
            Some((mantissa, s)) if scale.is_none_or(|scale| scale == s) => {
                scale = Some(s);
                fixed.push(mantissa);
            }
            _ => return ColumnData::Number(values),
        }
    }
    ColumnData::Fixed(fixed, scale.unwrap_or(0))
}

/// The ids of a frame's enterprises, in order, in one buffer (a batch of
/// a million enterprises makes one allocation, not a million).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
}

impl Ids {
    /// Room for `rows` ids of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Ids {
        Ids {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
        }
    }

    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id of row `row`.
    pub fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.text[start..self.ends[row]]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|row| self.get(row))
    }
}

impl From<Vec<String>> for Ids {
    fn from(ids: Vec<String>) -> Ids {
        let mut all = Ids::with_capacity(ids.len(), ids.iter().map(String::len).sum());
        for id in &ids {
            all.push(id);
        }
        all
    }
}

/// The facts of a batch of enterprises, column by column.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    ids: Ids,
    columns: HashMap<(String, Option<i32>), Column>,
}

impl Frame {
    /// An empty frame for the enterprises `ids` (in this order).
    pub fn new(ids: impl Into<Ids>) -> Frame {
        let ids = ids.into();
        Frame {
            ids,
            columns: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &Ids {
        &self.ids
    }

    /// Adds the column of `variable` (for `year`, or `None` for a variable
    /// given once). It must have one row per enterprise.
    pub fn insert(
        &mut self,
        variable: &str,
        year: Option<i32>,
        column: Column,
    ) -> Result<(), String> {
        if column.len() != self.ids.len() {
            return Err(format!(
                "the column {variable}{} has {} rows, the frame {}",
                year.map(|year| format!(" of {year}")).unwrap_or_default(),
                column.len(),
                self.ids.len()
            ));
        }
        self.columns.insert((variable.to_owned(), year), column);
        Ok(())
    }

    /// The frame of `enterprises`, with a column for every variable of the
    /// pack and every year any of them has. A value whose kind does not fit
    /// its variable's type is an error naming the enterprise.
    pub fn from_enterprises(
        pack: &Pack,
        enterprises: &[crate::eval::Enterprise],
    ) -> Result<Frame, String> {
        let mut ids = Ids::default();
        for enterprise in enterprises {
            ids.push(&enterprise.id);
        }
        let mut frame = Frame::new(ids);
        let n = enterprises.len();
        for variable in pack.variables.values() {
            let mut years: Vec<Option<i32>> = Vec::new();
            match variable.period {
                crate::check::PeriodKind::Once => years.push(None),
                crate::check::PeriodKind::Year => {
                    let mut all: Vec<i32> = enterprises
                        .iter()
                        .filter_map(|e| e.yearly.get(&variable.name))
                        .flat_map(|by_year| by_year.keys().copied())
                        .collect();
                    all.sort_unstable();
                    all.dedup();
                    years.extend(all.into_iter().map(Some));
                }
            }
            for year in years {
                let mut builder = Builder::new(variable.ty, n);
                let mut present = Vec::with_capacity(n);
                for enterprise in enterprises {
                    let value = match year {
                        None => enterprise.once.get(&variable.name),
                        Some(year) => enterprise
                            .yearly
                            .get(&variable.name)
                            .and_then(|by_year| by_year.get(&year)),
                    };
                    match value {
                        Some(value) => {
                            if !builder.push_value(value) {
                                return Err(format!(
                                    "{}: {} is no {} ({})",
                                    enterprise.id,
                                    value,
                                    variable.ty.name(),
                                    variable.name
                                ));
                            }
                            present.push(true);
                        }
                        None => {
                            builder.push_placeholder();
                            present.push(false);
                        }
                    }
                }
                frame.insert(
                    &variable.name,
                    year,
                    Column::new(builder.into_data(), &present),
                )?;
            }
        }
        Ok(frame)
    }
}

impl Frame {
    /// Row `row` as the row engine's enterprise (for the explanation of one
    /// enterprise found in a batch): every value present, by variable and
    /// year (the pack's integer variables as integers).
    pub fn enterprise(&self, pack: &Pack, row: usize) -> crate::eval::Enterprise {
        let mut enterprise = crate::eval::Enterprise {
            id: self.ids.get(row).to_owned(),
            ..crate::eval::Enterprise::default()
        };
        for ((name, year), column) in &self.columns {
            if column.missing.as_ref().is_some_and(|st| st[row] != St::Ok) {
                continue;
            }
            let integer = pack
                .variables
                .get(name)
                .is_some_and(|variable| variable.ty == Type::Integer);
            let number = match &column.data {
                ColumnData::Number(values) => Some(values[row]),
                ColumnData::Fixed(values, scale) => Some(Decimal::new(values[row], *scale)),
                _ => None,
            };
            let value = match &column.data {
                _ if integer && number.is_some() => {
                    let number = number.unwrap_or_default();
                    i64::try_from(number).map_or(Value::Decimal(number), Value::Integer)
                }
                ColumnData::Number(_) | ColumnData::Fixed(..) => {
                    Value::Decimal(number.unwrap_or_default())
                }
                ColumnData::Bool(values) => Value::Bool(values[row]),
                ColumnData::Date(values) => Value::Date(values[row]),
                ColumnData::Text(values) => Value::Text(values[row].clone()),
            };
            match year {
                None => {
                    enterprise.once.insert(name.clone(), value);
                }
                Some(year) => {
                    enterprise
                        .yearly
                        .entry(name.clone())
                        .or_default()
                        .insert(*year, value);
                }
            }
        }
        enterprise
    }
}

/// Builds a column of one type, row by row.
struct Builder {
    data: ColumnData,
}

impl Builder {
    fn new(ty: Type, capacity: usize) -> Builder {
        let data = match ty {
            Type::Bool => ColumnData::Bool(Vec::with_capacity(capacity)),
            Type::Date => ColumnData::Date(Vec::with_capacity(capacity)),
            Type::Text => ColumnData::Text(Vec::with_capacity(capacity)),
            _ => ColumnData::Number(Vec::with_capacity(capacity)),
        };
        Builder { data }
    }

    /// Pushes a value; false if its kind does not fit.
    fn push_value(&mut self, value: &Value) -> bool {
        match (&mut self.data, value) {
            (ColumnData::Number(values), Value::Decimal(x)) => values.push(*x),
            (ColumnData::Number(values), Value::Integer(x)) => values.push(Decimal::from(*x)),
            (ColumnData::Bool(values), Value::Bool(x)) => values.push(*x),
            (ColumnData::Date(values), Value::Date(x)) => values.push(*x),
            (ColumnData::Text(values), Value::Text(x)) => values.push(x.clone()),
            _ => return false,
        }
        true
    }

    fn push_placeholder(&mut self) {
        match &mut self.data {
            ColumnData::Number(values) => values.push(Decimal::ZERO),
            ColumnData::Fixed(values, _) => values.push(0),
            ColumnData::Bool(values) => values.push(false),
            ColumnData::Date(values) => values.push(NaiveDate::MIN),
            ColumnData::Text(values) => values.push(String::new()),
        }
    }

    fn into_data(self) -> ColumnData {
        self.data
    }
}

// ---------------------------------------------------------------------------
// Compiled programs

/// A pack resolved for one evaluation: parameters and bands in force,
/// years and slots of every name.
#[derive(Debug, Clone)]
pub struct Program<'p> {
    pack: &'p Pack,
    derived: Vec<Node>,
    policies: Vec<CompiledPolicy>,
}

#[derive(Debug, Clone)]
struct CompiledPolicy {
    combine: Combine,
    criteria: Vec<Node>,
    amount: Option<Node>,
}

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    /// The type of the node's values, as the row engine types them.
    ty: Type,
}

#[derive(Debug, Clone)]
enum Kind {
    Const(Value),
    /// No value for any enterprise (a parameter not in force).
    Missing,
    /// An error for every enterprise.
    Fail(String),
    Input {
        name: String,
        year: Option<i32>,
    },
    Derived(usize),
    Policy(usize),
    Not(Box<Node>),
    Negate(Box<Node>),
    Arithmetic(BinaryOp, Box<Node>, Box<Node>),
    Compare(BinaryOp, Box<Node>, Box<Node>),
    Logic {
        or: bool,
        left: Box<Node>,
        right: Box<Node>,
    },
    If {
        condition: Box<Node>,
        then: Box<Node>,
        otherwise: Box<Node>,
        join: Option<Type>,
    },
    MinMax {
        min: bool,
        arguments: Vec<Node>,
    },
    Window {
        name: String,
        years: Vec<i32>,
        average: bool,
    },
    Scale {
        path: String,
        scale: Box<Scale>,
        bands: Option<Vec<Band>>,
        base: Box<Node>,
    },
    YearsBetween(Box<Node>, Box<Node>),
    Pow(Box<Node>, i64),
    Abs(Box<Node>),
    Round(Box<Node>, u32),
}

impl<'p> Program<'p> {
    /// Resolves `pack` for `options`. Fails only when the period has no
    /// first day (as [`crate::eval::evaluate`] does for every enterprise).
    pub fn compile(pack: &'p Pack, options: &Options) -> Result<Program<'p>, String> {
        let reference_date = match options.reference_date {
            Some(date) => date,
            None => NaiveDate::from_ymd_opt(options.period, 1, 1)
                .ok_or_else(|| format!("the period {} has no first day", options.period))?,
        };
        let compiler = Compiler {
            pack,
            period: options.period,
            reference_date,
            known_on: options.known_on,
        };
        let derived = pack
            .derived
            .iter()
            .map(|derived| compiler.node(&derived.formula.expr))
            .collect();
        let policies = pack
            .policies
            .iter()
            .map(|policy| CompiledPolicy {
                combine: policy.combine,
                criteria: policy
                    .criteria
                    .iter()
                    .map(|criterion| compiler.node(&criterion.condition.expr))
                    .collect(),
                amount: policy
                    .amount
                    .as_ref()
                    .map(|formula| compiler.node(&formula.expr)),
            })
            .collect();
        Ok(Program {
            pack,
            derived,
            policies,
        })
    }

    pub fn pack(&self) -> &'p Pack {
        self.pack
    }

    /// Evaluates every enterprise of `frame`.
    pub fn run<'f>(&self, frame: &'f Frame) -> Results<'f> {
        let n = frame.len();
        let mut run = Run {
            frame,
            n,
            messages: Vec::new(),
        };
        let mut errors: FirstErrors<'p> = BTreeMap::new();
        let mut derived: Vec<Vals<'static>> = Vec::with_capacity(self.derived.len());
        for (node, declared) in self.derived.iter().zip(&self.pack.derived) {
            let values = run.eval(node, &derived, &[]).into_owned();
            if let Some(st) = &values.st {
                first_error(
                    &mut errors,
                    st,
                    &|| format!("derived {}", declared.name),
                    &declared.formula,
                    None,
                );
            }
            derived.push(values);
        }

        let mut policies: Vec<PolicyColumns> = Vec::with_capacity(self.policies.len());
        for (compiled, declared) in self.policies.iter().zip(&self.pack.policies) {
            let mut criteria = Vec::with_capacity(compiled.criteria.len());
            for (node, criterion) in compiled.criteria.iter().zip(&declared.criteria) {
                let statuses = {
                    let values = run.eval(node, &derived, &policies);
                    if let Some(st) = &values.st {
                        first_error(
                            &mut errors,
                            st,
                            &|| format!("policy {} criterion {}", declared.id, criterion.id),
                            &criterion.condition,
                            None,
                        );
                    }
                    statuses(&values, n)
                };
                criteria.push(statuses);
            }
            let status = combine_columns(compiled.combine, &criteria, n);
            let amount = match (&compiled.amount, &declared.amount) {
                (Some(node), Some(formula)) => {
                    let values = run.eval(node, &derived, &policies);
                    if let Some(st) = &values.st {
                        first_error(
                            &mut errors,
                            st,
                            &|| format!("policy {} amount", declared.id),
                            formula,
                            Some(&status),
                        );
                    }
                    let nums = values.nums();
                    Some(
                        (0..n)
                            .map(|row| {
                                if status[row] != Status::Pass {
                                    Some(Decimal::ZERO)
                                } else if let Some(nums) = nums {
                                    (values.state(row) == St::Ok).then(|| nums.get(row))
                                } else {
                                    values.cell(row).ok().and_then(|value| value.as_decimal())
                                }
                            })
                            .collect(),
                    )
                }
                _ => None,
            };
            policies.push(PolicyColumns {
                status,
                amount,
                criteria,
            });
        }

        let messages = run.messages;
        let errors = errors
            .into_iter()
            .map(|(row, (place, formula, message))| {
                (
                    row,
                    EvalError {
                        enterprise: frame.ids.get(row).to_owned(),
                        place,
                        formula: formula.text.clone(),
                        message: messages[message as usize].clone(),
                    },
                )
            })
            .collect();
        Results {
            ids: &frame.ids,
            derived_types: self
                .pack
                .derived
                .iter()
                .zip(&self.derived)
                .map(|(declared, node)| (node.ty, declared.ty))
                .collect(),
            derived,
            policies,
            errors,
        }
    }
}

struct Compiler<'p> {
    pack: &'p Pack,
    period: i32,
    reference_date: NaiveDate,
    known_on: Option<NaiveDate>,
}

fn boxed(node: Node) -> Box<Node> {
    Box::new(node)
}

impl Compiler<'_> {
    fn variable_type(&self, name: &str) -> Type {
        self.pack
            .variables
            .get(name)
            .map_or(Type::Decimal, |v| v.ty)
    }

    fn node(&self, expr: &Expr) -> Node {
        let (kind, ty) = match &expr.kind {
            ExprKind::Literal(literal) => match literal {
                Literal::Bool(b) => (Kind::Const(Value::Bool(*b)), Type::Bool),
                Literal::Integer(i) => (Kind::Const(Value::Integer(*i)), Type::Integer),
                Literal::Decimal(d) => (Kind::Const(Value::Decimal(*d)), Type::Decimal),
                Literal::Rate(d) => (Kind::Const(Value::Decimal(*d)), Type::Rate),
                Literal::Text(t) => (Kind::Const(Value::Text(t.clone())), Type::Text),
            },
            ExprKind::Variable { name, period } => {
                if name == REFERENCE_DATE {
                    (Kind::Const(Value::Date(self.reference_date)), Type::Date)
                } else if let Some(slot) = self.pack.derived.iter().position(|d| &d.name == name) {
                    (Kind::Derived(slot), self.pack.derived[slot].ty)
                } else {
                    let ty = self.variable_type(name);
                    match period {
                        None => (
                            Kind::Input {
                                name: name.clone(),
                                year: None,
                            },
                            ty,
                        ),
                        Some(PeriodRef::Year(offset)) => (
                            Kind::Input {
                                name: name.clone(),
                                year: Some(self.period + offset),
                            },
                            ty,
                        ),
                        Some(PeriodRef::LastYears(_)) => (
                            Kind::Fail(format!(
                                "“{name}” over several years outside sum(…) or avg(…)"
                            )),
                            ty,
                        ),
                    }
                }
            }
            ExprKind::Parameter { path } => match self.pack.parameters.get(path) {
                None => (
                    Kind::Fail(format!("unknown parameter “{path}”")),
                    Type::Decimal,
                ),
                Some(parameter) => match parameter.at(self.reference_date, self.known_on) {
                    Some(dated) => (Kind::Const(dated.value.clone()), parameter.ty),
                    None => (Kind::Missing, parameter.ty),
                },
            },
            ExprKind::Policy { id } => match self.pack.policies.iter().position(|p| &p.id == id) {
                Some(slot) => (Kind::Policy(slot), Type::Bool),
                None => (
                    Kind::Fail(format!("the policy “{id}” is not evaluated yet")),
                    Type::Bool,
                ),
            },
            ExprKind::Unary { op, operand } => {
                let operand = self.node(operand);
                match op {
                    UnaryOp::Not => (Kind::Not(boxed(operand)), Type::Bool),
                    UnaryOp::Negate => {
                        let ty = operand.ty;
                        (Kind::Negate(boxed(operand)), ty)
                    }
                }
            }
            ExprKind::Binary { op, left, right } => {
                let left = self.node(left);
                let right = self.node(right);
                match op {
                    BinaryOp::And | BinaryOp::Or => (
                        Kind::Logic {
                            or: *op == BinaryOp::Or,
                            left: boxed(left),
                            right: boxed(right),
                        },
                        Type::Bool,
                    ),
                    op if op.is_comparison() => {
                        (Kind::Compare(*op, boxed(left), boxed(right)), Type::Bool)
                    }
                    op => {
                        let ty = match op {
                            BinaryOp::Add | BinaryOp::Subtract => {
                                Type::numeric_join(left.ty, right.ty)
                            }
                            BinaryOp::Multiply => Type::product(left.ty, right.ty),
                            _ => Type::quotient(left.ty, right.ty),
                        };
                        (Kind::Arithmetic(*op, boxed(left), boxed(right)), ty)
                    }
                }
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let condition = self.node(condition);
                let then = self.node(then);
                let otherwise = self.node(otherwise);
                let join =
                    (then.ty != otherwise.ty && then.ty.is_numeric() && otherwise.ty.is_numeric())
                        .then(|| Type::numeric_join(then.ty, otherwise.ty));
                let ty = join.unwrap_or(then.ty);
                (
                    Kind::If {
                        condition: boxed(condition),
                        then: boxed(then),
                        otherwise: boxed(otherwise),
                        join,
                    },
                    ty,
                )
            }
            ExprKind::Call {
                function,
                arguments,
            } => self.call(*function, arguments),
        };
        Node { kind, ty }
    }

    fn call(&self, function: Function, arguments: &[Expr]) -> (Kind, Type) {
        match function {
            Function::Min | Function::Max => {
                let arguments: Vec<Node> = arguments.iter().map(|a| self.node(a)).collect();
                let ty = arguments
                    .iter()
                    .map(|a| a.ty)
                    .reduce(Type::numeric_join)
                    .unwrap_or(Type::Decimal);
                if arguments.is_empty() {
                    return (Kind::Fail("min/max of nothing".to_owned()), ty);
                }
                (
                    Kind::MinMax {
                        min: function == Function::Min,
                        arguments,
                    },
                    ty,
                )
            }
            Function::Sum | Function::Avg => {
                let ExprKind::Variable {
                    name,
                    period: Some(PeriodRef::LastYears(count)),
                } = &arguments[0].kind
                else {
                    return (
                        Kind::Fail("sum/avg of a non-window".to_owned()),
                        Type::Decimal,
                    );
                };
                let count = i32::try_from(*count).unwrap_or(i32::MAX);
                let ty = self.variable_type(name);
                let average = function == Function::Avg;
                let ty = if average && ty == Type::Integer {
                    Type::Decimal
                } else {
                    ty
                };
                (
                    Kind::Window {
                        name: name.clone(),
                        years: (self.period - count..self.period).collect(),
                        average,
                    },
                    ty,
                )
            }
            Function::Scale => {
                let ExprKind::Parameter { path } = &arguments[0].kind else {
                    return (
                        Kind::Fail("scale(…) of a non-scale".to_owned()),
                        Type::Decimal,
                    );
                };
                let Some(scale) = self.pack.scales.get(path) else {
                    return (Kind::Fail(format!("unknown scale “{path}”")), Type::Decimal);
                };
                let bands = scale
                    .at(self.reference_date, self.known_on)
                    .map(|dated| dated.value.clone());
                (
                    Kind::Scale {
                        path: path.clone(),
                        scale: Box::new(scale.clone()),
                        bands,
                        base: boxed(self.node(&arguments[1])),
                    },
                    scale.value,
                )
            }
            Function::Date => match &arguments[0].kind {
                ExprKind::Literal(Literal::Text(text)) => match crate::check::parse_date(text) {
                    Some(date) => (Kind::Const(Value::Date(date)), Type::Date),
                    None => (Kind::Fail(format!("“{text}” is not a date")), Type::Date),
                },
                _ => (
                    Kind::Fail("date(…) of a non-literal".to_owned()),
                    Type::Date,
                ),
            },
            Function::YearsBetween => (
                Kind::YearsBetween(
                    boxed(self.node(&arguments[0])),
                    boxed(self.node(&arguments[1])),
                ),
                Type::Integer,
            ),
            Function::Pow => {
                let base = self.node(&arguments[0]);
                let ty = base.ty;
                match arguments[1].kind {
                    ExprKind::Literal(Literal::Integer(exponent)) => {
                        (Kind::Pow(boxed(base), exponent), ty)
                    }
                    _ => (Kind::Fail("pow(…) with a non-literal power".to_owned()), ty),
                }
            }
            Function::Abs => {
                let value = self.node(&arguments[0]);
                let ty = value.ty;
                (Kind::Abs(boxed(value)), ty)
            }
            Function::Round => {
                let value = self.node(&arguments[0]);
                let ty = value.ty;
                match arguments[1].kind {
                    ExprKind::Literal(Literal::Integer(places)) => (
                        Kind::Round(boxed(value), u32::try_from(places).unwrap_or(0)),
                        ty,
                    ),
                    _ => (
                        Kind::Fail("round(…) with non-literal places".to_owned()),
                        ty,
                    ),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Results

/// The results of one policy for every enterprise of a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyColumns {
    pub status: Vec<Status>,
    /// `None` for a policy without an amount; per enterprise, `None` when
    /// data was missing, 0 when not eligible.
    pub amount: Option<Vec<Option<Decimal>>>,
    /// Per criterion (in the pack's order), per enterprise.
    pub criteria: Vec<Vec<Status>>,
}

/// What [`Program::run`] finds for a frame: column by column.
#[derive(Debug)]
pub struct Results<'f> {
    ids: &'f Ids,
    derived: Vec<Vals<'static>>,
    /// Per derived variable: the type of its formula and the declared type.
    derived_types: Vec<(Type, Type)>,
    pub policies: Vec<PolicyColumns>,
    /// By row, only the enterprises whose evaluation stopped.
    errors: BTreeMap<usize, EvalError>,
}

impl Results<'_> {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, row: usize) -> &str {
        self.ids.get(row)
    }

    /// The error that stopped the evaluation of this enterprise, if any.
    pub fn error(&self, row: usize) -> Option<&EvalError> {
        self.errors.get(&row)
    }

    /// The first enterprise (in row order) whose evaluation stopped, with
    /// its error.
    pub fn first_error(&self) -> Option<(usize, &EvalError)> {
        self.errors.iter().next().map(|(row, error)| (*row, error))
    }

    /// The value of derived variable `d` for enterprise `row` (`None` when
    /// data was missing), as [`crate::eval::evaluate`] stores it.
    pub fn derived(&self, d: usize, row: usize) -> Option<Value> {
        let (formula_type, declared) = self.derived_types[d];
        let value = self.derived[d].cell(row).ok()?;
        Some(match value {
            Value::Decimal(x) if formula_type == Type::Integer => {
                i64::try_from(x).map_or(Value::Decimal(x), Value::Integer)
            }
            Value::Decimal(x) if declared == Type::Integer && x.fract().is_zero() => {
                i64::try_from(x).map_or(Value::Decimal(x), Value::Integer)
            }
            other => other,
        })
    }

    /// The value of derived variable `d` for enterprise `row` as a mantissa
    /// and scale, when the column is fixed-point (`Some(None)`: data was
    /// missing); `None` when it is not (read it with [`Results::derived`]).
    /// The value equals [`Results::derived`]'s; writers use this to format
    /// numbers without building values.
    pub fn derived_fixed(&self, d: usize, row: usize) -> Option<Option<(i64, u32)>> {
        let values = &self.derived[d];
        let fixed = match &values.data {
            Data::Fixed(..) => values.fixed()?,
            _ => return None,
        };
        Some((values.state(row) == St::Ok).then(|| (fixed.ints.get(row), fixed.scale)))
    }

    /// Everything for one enterprise, as [`crate::eval::evaluate_outcome`]
    /// returns it.
    pub fn outcome(&self, row: usize) -> Result<Outcome, EvalError> {
        if let Some(error) = self.errors.get(&row) {
            return Err(error.clone());
        }
        Ok(Outcome {
            derived: (0..self.derived.len())
                .map(|d| self.derived(d, row))
                .collect(),
            policies: self
                .policies
                .iter()
                .map(|policy| PolicyOutcome {
                    status: policy.status[row],
                    eligible: policy.status[row] == Status::Pass,
                    amount: policy.amount.as_ref().and_then(|amounts| amounts[row]),
                    criteria: policy.criteria.iter().map(|c| c[row]).collect(),
                })
                .collect(),
        })
    }
}

/// Evaluates `frames` in parallel (one task per frame), in order.
pub fn evaluate_frames<'f>(program: &Program<'_>, frames: &'f [Frame]) -> Vec<Results<'f>> {
    frames.par_iter().map(|frame| program.run(frame)).collect()
}

/// The first error of each enterprise that has one, by row (few do).
type FirstErrors<'p> = BTreeMap<usize, (String, &'p Formula, u32)>;

/// Records, for each row of `st` in error, the first error of its
/// enterprise (for an amount, only where the policy passed: the row engine
/// computes an amount only then).
fn first_error<'p>(
    errors: &mut FirstErrors<'p>,
    st: &[St],
    place: &dyn Fn() -> String,
    formula: &'p Formula,
    only: Option<&[Status]>,
) {
    for (row, state) in st.iter().enumerate() {
        if let St::Error(message) = state
            && only.is_none_or(|statuses| statuses[row] == Status::Pass)
        {
            errors
                .entry(row)
                .or_insert_with(|| (place(), formula, *message));
        }
    }
}

fn statuses(values: &Vals<'_>, n: usize) -> Vec<Status> {
    match (&values.data, &values.st) {
        (Data::Bool(bools), None) => bools
            .iter()
            .map(|&b| if b { Status::Pass } else { Status::Fail })
            .collect(),
        _ => (0..n)
            .map(|row| match values.cell(row) {
                Ok(Value::Bool(true)) => Status::Pass,
                Ok(_) => Status::Fail,
                Err(_) => Status::Unknown,
            })
            .collect(),
    }
}

/// A policy's status per row from its criteria's, as the row engine
/// combines them: `all` fails on any failure, else is unknown on any
/// unknown; `any` passes on any pass, else is unknown on any unknown.
fn combine_columns(combine: Combine, criteria: &[Vec<Status>], n: usize) -> Vec<Status> {
    let (decisive, otherwise) = match combine {
        Combine::All => (Status::Fail, Status::Pass),
        Combine::Any => (Status::Pass, Status::Fail),
    };
    // Per row, whether any criterion was decisive, and whether any was
    // unknown: byte loops the compiler vectorises.
    let mut decided = vec![false; n];
    let mut unknown = vec![false; n];
    for column in criteria {
        for ((decided, unknown), each) in decided.iter_mut().zip(&mut unknown).zip(column) {
            *decided |= *each == decisive;
            *unknown |= *each == Status::Unknown;
        }
    }
    decided
        .iter()
        .zip(&unknown)
        .map(|(&decided, &unknown)| {
            if decided {
                decisive
            } else if unknown {
                Status::Unknown
            } else {
                otherwise
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Column values during a run

/// The state of one row's value: present, missing data, or an error (an
/// index into the run's messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum St {
    Ok,
    Missing,
    Error(u32),
}

/// Two faults together: an error wins (the left one first), else missing.
fn merge(a: St, b: St) -> St {
    match (a, b) {
        (St::Error(_), _) => a,
        (_, St::Error(_)) => b,
        (St::Ok, St::Ok) => St::Ok,
        _ => St::Missing,
    }
}

#[derive(Debug, Clone)]
enum Data<'a> {
    Num(Cow<'a, [Decimal]>),
    /// Mantissas of one scale (see [`ColumnData::Fixed`]).
    Fixed(Cow<'a, [i64]>, u32),
    /// A quotient not divided yet: row `r` is `num[r] / den[r]`, 0 where
    /// `den[r]` is 0, as the row engine divides. Comparisons and scale bands
    /// cross-multiply instead of dividing; anything else divides.
    Ratio(Box<(Ints<'a>, Ints<'a>)>),
    Bool(Cow<'a, [bool]>),
    Date(Cow<'a, [NaiveDate]>),
    Text(Cow<'a, [String]>),
    Const(Value),
}

/// The numerator or denominator of a [`Data::Ratio`]: a fixed column or a
/// constant, with its scale.
#[derive(Debug, Clone)]
enum Ints<'a> {
    Const(i64, u32),
    Column(Cow<'a, [i64]>, u32),
}

impl<'a> Ints<'a> {
    /// Fixed numbers moved (not copied) into a numerator or denominator;
    /// anything else back.
    fn from_data(data: Data<'a>) -> Result<Ints<'a>, Data<'a>> {
        match data {
            Data::Fixed(values, scale) => Ok(Ints::Column(values, scale)),
            Data::Const(value) => match value.as_decimal().and_then(to_fixed) {
                Some((mantissa, scale)) => Ok(Ints::Const(mantissa, scale)),
                None => Err(Data::Const(value)),
            },
            other => Err(other),
        }
    }

    /// The data [`Ints::from_data`] took, back (an integer constant comes
    /// back as the equal decimal).
    fn into_data(taken: Result<Ints<'a>, Data<'a>>) -> Data<'a> {
        match taken {
            Ok(Ints::Column(values, scale)) => Data::Fixed(values, scale),
            Ok(Ints::Const(mantissa, scale)) => {
                Data::Const(Value::Decimal(Decimal::new(mantissa, scale)))
            }
            Err(data) => data,
        }
    }

    fn view(&self) -> Fx<'_> {
        match self {
            Ints::Const(value, scale) => Fx {
                ints: View::Const(*value),
                scale: *scale,
            },
            Ints::Column(values, scale) => Fx {
                ints: View::Slice(values),
                scale: *scale,
            },
        }
    }

    fn into_owned(self) -> Ints<'static> {
        match self {
            Ints::Const(value, scale) => Ints::Const(value, scale),
            Ints::Column(values, scale) => Ints::Column(Cow::Owned(values.into_owned()), scale),
        }
    }

    fn borrow(&self) -> Ints<'_> {
        match self {
            Ints::Const(value, scale) => Ints::Const(*value, *scale),
            Ints::Column(values, scale) => Ints::Column(Cow::Borrowed(values), *scale),
        }
    }
}

/// Fixed-point numbers read without copying: mantissas and their scale.
#[derive(Clone, Copy)]
struct Fx<'b> {
    ints: View<'b, i64>,
    scale: u32,
}

/// A column or a constant, read without copying.
#[derive(Clone, Copy)]
enum View<'b, T> {
    Const(T),
    Slice(&'b [T]),
}

impl<T: Copy> View<'_, T> {
    #[inline]
    fn get(self, row: usize) -> T {
        match self {
            View::Const(x) => x,
            View::Slice(values) => values[row],
        }
    }
}

impl Fx<'_> {
    #[inline]
    fn decimal(self, row: usize) -> Decimal {
        Decimal::new(self.ints.get(row), self.scale)
    }

    fn is_const(self) -> bool {
        matches!(self.ints, View::Const(_))
    }
}

/// 10^`exponent` (at most 10^18).
#[inline]
fn ten(exponent: u32) -> i64 {
    10i64.pow(exponent)
}

/// The values of a node for every row, with their states (`None`: all Ok).
#[derive(Debug, Clone)]
struct Vals<'a> {
    data: Data<'a>,
    st: Option<Cow<'a, [St]>>,
}

/// A numeric column or constant, read without copying.
#[derive(Clone, Copy)]
enum Nums<'b> {
    Const(Decimal),
    Slice(&'b [Decimal]),
    Fixed(Fx<'b>),
    Ratio(Fx<'b>, Fx<'b>),
}

impl Nums<'_> {
    #[inline]
    fn get(self, row: usize) -> Decimal {
        match self {
            Nums::Const(x) => x,
            Nums::Slice(values) => values[row],
            Nums::Fixed(fx) => fx.decimal(row),
            Nums::Ratio(num, den) => quotient(num.decimal(row), den.decimal(row)),
        }
    }
}

/// `a / b` as the row engine divides (÷0 gives 0). Never overflows for
/// fixed operands (see [`MAX_FIXED_SCALE`]).
#[inline]
fn quotient(a: Decimal, b: Decimal) -> Decimal {
    if b.is_zero() {
        Decimal::ZERO
    } else {
        a.checked_div(b).unwrap_or(Decimal::ZERO)
    }
}

impl<'a> Vals<'a> {
    fn constant(value: Value) -> Vals<'a> {
        Vals {
            data: Data::Const(value),
            st: None,
        }
    }

    fn all(state: St, n: usize) -> Vals<'a> {
        Vals {
            data: Data::Const(Value::Bool(false)),
            st: Some(Cow::Owned(vec![state; n])),
        }
    }

    fn into_owned(self) -> Vals<'static> {
        let data = match self.data {
            Data::Num(values) => Data::Num(Cow::Owned(values.into_owned())),
            Data::Fixed(values, scale) => Data::Fixed(Cow::Owned(values.into_owned()), scale),
            Data::Ratio(ratio) => {
                let (num, den) = *ratio;
                Data::Ratio(Box::new((num.into_owned(), den.into_owned())))
            }
            Data::Bool(values) => Data::Bool(Cow::Owned(values.into_owned())),
            Data::Date(values) => Data::Date(Cow::Owned(values.into_owned())),
            Data::Text(values) => Data::Text(Cow::Owned(values.into_owned())),
            Data::Const(value) => Data::Const(value),
        };
        Vals {
            data,
            st: self.st.map(|st| Cow::Owned(st.into_owned())),
        }
    }

    fn borrow(&self) -> Vals<'_> {
        Vals {
            data: match &self.data {
                Data::Num(values) => Data::Num(Cow::Borrowed(values)),
                Data::Fixed(values, scale) => Data::Fixed(Cow::Borrowed(values), *scale),
                Data::Ratio(ratio) => Data::Ratio(Box::new((ratio.0.borrow(), ratio.1.borrow()))),
                Data::Bool(values) => Data::Bool(Cow::Borrowed(values)),
                Data::Date(values) => Data::Date(Cow::Borrowed(values)),
                Data::Text(values) => Data::Text(Cow::Borrowed(values)),
                Data::Const(value) => Data::Const(value.clone()),
            },
            st: self.st.as_ref().map(|st| Cow::Borrowed(&st[..])),
        }
    }

    #[inline]
    fn state(&self, row: usize) -> St {
        match &self.st {
            None => St::Ok,
            Some(st) => st[row],
        }
    }

    /// The numbers, if these are numbers.
    fn nums(&self) -> Option<Nums<'_>> {
        match &self.data {
            Data::Num(values) => Some(Nums::Slice(values)),
            Data::Fixed(..) => self.fixed().map(Nums::Fixed),
            Data::Ratio(ratio) => Some(Nums::Ratio(ratio.0.view(), ratio.1.view())),
            Data::Const(value) => value.as_decimal().map(Nums::Const),
            _ => None,
        }
    }

    /// The numbers as fixed-point ones, if they are: a fixed column, or a
    /// constant that fits one.
    fn fixed(&self) -> Option<Fx<'_>> {
        match &self.data {
            Data::Fixed(values, scale) => Some(Fx {
                ints: View::Slice(values),
                scale: *scale,
            }),
            Data::Const(value) => {
                let (mantissa, scale) = to_fixed(value.as_decimal()?)?;
                Some(Fx {
                    ints: View::Const(mantissa),
                    scale,
                })
            }
            _ => None,
        }
    }

    fn bools(&self) -> Option<View<'_, bool>> {
        match &self.data {
            Data::Bool(values) => Some(View::Slice(values)),
            Data::Const(Value::Bool(b)) => Some(View::Const(*b)),
            _ => None,
        }
    }

    /// One row's value, or its fault.
    fn cell(&self, row: usize) -> Result<Value, St> {
        match self.state(row) {
            St::Ok => {}
            fault => return Err(fault),
        }
        Ok(match &self.data {
            Data::Num(values) => Value::Decimal(values[row]),
            Data::Fixed(..) | Data::Ratio(_) => {
                Value::Decimal(self.nums().map_or(Decimal::ZERO, |nums| nums.get(row)))
            }
            Data::Bool(values) => Value::Bool(values[row]),
            Data::Date(values) => Value::Date(values[row]),
            Data::Text(values) => Value::Text(values[row].clone()),
            Data::Const(value) => value.clone(),
        })
    }
}

/// The per-row states of two operands merged, `None` when all are Ok.
fn merge_states<'a>(left: &Vals<'_>, right: &Vals<'_>, n: usize) -> Option<Cow<'a, [St]>> {
    match (&left.st, &right.st) {
        (None, None) => None,
        (Some(st), None) | (None, Some(st)) => Some(Cow::Owned(st.to_vec())),
        (Some(a), Some(b)) => Some(Cow::Owned(
            (0..n).map(|row| merge(a[row], b[row])).collect(),
        )),
    }
}

/// Rows whose results are built one by one (the less common operators).
struct Out {
    data: Builder,
    st: Option<Vec<St>>,
    row: usize,
    n: usize,
}

impl Out {
    fn new(ty: Type, n: usize) -> Out {
        Out {
            data: Builder::new(ty, n),
            st: None,
            row: 0,
            n,
        }
    }

    fn push(&mut self, run: &mut Run<'_>, cell: Result<Value, Fault>) {
        let state = match cell {
            Ok(value) => {
                if self.data.push_value(&value) {
                    St::Ok
                } else {
                    self.data.push_placeholder();
                    run.error(format!("expected a {:?} value, found {value}", self.kind()))
                }
            }
            Err(fault) => {
                self.data.push_placeholder();
                match fault {
                    Fault::State(state) => state,
                    Fault::Message(message) => run.error(message),
                }
            }
        };
        if state != St::Ok {
            let n = self.n;
            self.st.get_or_insert_with(|| vec![St::Ok; n])[self.row] = state;
        }
        self.row += 1;
    }

    fn kind(&self) -> &'static str {
        match self.data.data {
            ColumnData::Number(_) | ColumnData::Fixed(..) => "number",
            ColumnData::Bool(_) => "bool",
            ColumnData::Date(_) => "date",
            ColumnData::Text(_) => "text",
        }
    }

    fn finish<'a>(self) -> Vals<'a> {
        let data = match self.data.into_data() {
            ColumnData::Number(values) => Data::Num(Cow::Owned(values)),
            ColumnData::Fixed(values, scale) => Data::Fixed(Cow::Owned(values), scale),
            ColumnData::Bool(values) => Data::Bool(Cow::Owned(values)),
            ColumnData::Date(values) => Data::Date(Cow::Owned(values)),
            ColumnData::Text(values) => Data::Text(Cow::Owned(values)),
        };
        Vals {
            data,
            st: self.st.map(Cow::Owned),
        }
    }
}

/// A fault met while computing one row: a state already known, or a new
/// error message.
enum Fault {
    State(St),
    Message(String),
}

impl From<St> for Fault {
    fn from(state: St) -> Fault {
        Fault::State(state)
    }
}

struct Run<'f> {
    frame: &'f Frame,
    n: usize,
    messages: Vec<String>,
}

fn number(value: &Value) -> Result<Decimal, Fault> {
    value
        .as_decimal()
        .ok_or_else(|| Fault::Message(format!("expected a number, found {value}")))
}

fn boolean(value: &Value) -> Result<bool, Fault> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(Fault::Message(format!("expected a bool, found {other}"))),
    }
}

/// A number of type `ty`: integers must be whole and fit 64 bits.
#[inline]
fn numeric(value: Decimal, ty: Type) -> Result<Decimal, String> {
    if ty == Type::Integer {
        if !value.fract().is_zero() {
            return Err(format!("{value} is not a whole number"));
        }
        let whole = i64::try_from(value).map_err(|_| format!("{value} overflows"))?;
        return Ok(Decimal::from(whole));
    }
    Ok(value)
}

/// A fault for a merged pair: an error wins (the left one first).
fn merge_faults(a: Fault, b: Fault) -> Fault {
    match (a, b) {
        (Fault::Message(m), _) => Fault::Message(m),
        (Fault::State(St::Error(e)), _) => Fault::State(St::Error(e)),
        (_, b) => b,
    }
}

impl<'f> Run<'f> {
    fn error(&mut self, message: String) -> St {
        let index = u32::try_from(self.messages.len()).unwrap_or(u32::MAX);
        self.messages.push(message);
        St::Error(index)
    }

    fn eval<'s>(
        &mut self,
        node: &Node,
        derived: &'s [Vals<'static>],
        policies: &[PolicyColumns],
    ) -> Vals<'s>
    where
        'f: 's,
    {
        let n = self.n;
        match &node.kind {
            Kind::Const(value) => Vals::constant(value.clone()),
            Kind::Missing => Vals::all(St::Missing, n),
            Kind::Fail(message) => {
                let state = self.error(message.clone());
                Vals::all(state, n)
            }
            Kind::Input { name, year } => match self.frame.columns.get(&(name.clone(), *year)) {
                None => Vals::all(St::Missing, n),
                Some(column) => Vals {
                    data: match &column.data {
                        ColumnData::Number(values) => Data::Num(Cow::Borrowed(values)),
                        ColumnData::Fixed(values, scale) => {
                            Data::Fixed(Cow::Borrowed(values), *scale)
                        }
                        ColumnData::Bool(values) => Data::Bool(Cow::Borrowed(values)),
                        ColumnData::Date(values) => Data::Date(Cow::Borrowed(values)),
                        ColumnData::Text(values) => Data::Text(Cow::Borrowed(values)),
                    },
                    st: column.missing.as_ref().map(|st| Cow::Borrowed(&st[..])),
                },
            },
            Kind::Derived(slot) => derived[*slot].borrow(),
            Kind::Policy(slot) => {
                let status = &policies[*slot].status;
                let mut st = None;
                let mut values = Vec::with_capacity(n);
                for (row, status) in status.iter().enumerate() {
                    values.push(*status == Status::Pass);
                    if *status == Status::Unknown {
                        st.get_or_insert_with(|| vec![St::Ok; n])[row] = St::Missing;
                    }
                }
                Vals {
                    data: Data::Bool(Cow::Owned(values)),
                    st: st.map(Cow::Owned),
                }
            }
            Kind::Not(operand) => {
                let operand = self.eval(operand, derived, policies);
                if let (Some(bools), None) = (operand.bools(), &operand.st) {
                    return Vals {
                        data: Data::Bool(Cow::Owned((0..n).map(|r| !bools.get(r)).collect())),
                        st: None,
                    };
                }
                let mut out = Out::new(Type::Bool, n);
                for row in 0..n {
                    let cell = operand
                        .cell(row)
                        .map_err(Fault::from)
                        .and_then(|value| boolean(&value).map(|b| Value::Bool(!b)));
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::Negate(operand) => {
                let operand = self.eval(operand, derived, policies);
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = operand.cell(row).map_err(Fault::from).and_then(|value| {
                        numeric(-number(&value)?, node.ty)
                            .map(Value::Decimal)
                            .map_err(Fault::Message)
                    });
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::Arithmetic(op, left, right) => {
                let left = self.eval(left, derived, policies);
                let right = self.eval(right, derived, policies);
                let (left, right) = if *op == BinaryOp::Divide && node.ty != Type::Integer {
                    match ratio(left, right, n) {
                        Ok(values) => return values,
                        Err(operands) => operands,
                    }
                } else {
                    (left, right)
                };
                if let Some(values) = fixed_arithmetic(*op, node.ty, &left, &right, n) {
                    return values;
                }
                self.arithmetic(*op, node.ty, &left, &right)
            }
            Kind::Compare(op, left, right) => {
                let left = self.eval(left, derived, policies);
                let right = self.eval(right, derived, policies);
                self.compare(*op, &left, &right)
            }
            Kind::Logic { or, left, right } => {
                let left = self.eval(left, derived, policies);
                let decisive = *or;
                let left_bools = left.bools();
                // Rows the left side decides on its own.
                let decided = |row: usize| {
                    left.state(row) == St::Ok && left_bools.is_some_and(|b| b.get(row) == decisive)
                };
                if (0..n).all(decided) {
                    return Vals {
                        data: Data::Bool(Cow::Owned(vec![decisive; n])),
                        st: None,
                    };
                }
                let right = self.eval(right, derived, policies);
                if let (Some(l), Some(r), None, None) =
                    (left_bools, right.bools(), &left.st, &right.st)
                {
                    let values = (0..n)
                        .map(|row| {
                            if decisive {
                                l.get(row) || r.get(row)
                            } else {
                                l.get(row) && r.get(row)
                            }
                        })
                        .collect();
                    return Vals {
                        data: Data::Bool(Cow::Owned(values)),
                        st: None,
                    };
                }
                let mut out = Out::new(Type::Bool, n);
                for row in 0..n {
                    let left_value = left
                        .cell(row)
                        .map_err(Fault::from)
                        .and_then(|v| boolean(&v));
                    if let Ok(b) = left_value
                        && b == decisive
                    {
                        out.push(self, Ok(Value::Bool(b)));
                        continue;
                    }
                    let right_value = right
                        .cell(row)
                        .map_err(Fault::from)
                        .and_then(|v| boolean(&v));
                    let cell = match (left_value, right_value) {
                        (_, Ok(b)) if b == decisive => Ok(Value::Bool(b)),
                        (Ok(_), Ok(b)) => Ok(Value::Bool(b)),
                        (Err(fault), Ok(_)) | (Ok(_), Err(fault)) => Err(fault),
                        (Err(a), Err(b)) => Err(merge_faults(a, b)),
                    };
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::If {
                condition,
                then,
                otherwise,
                join,
            } => {
                let condition = self.eval(condition, derived, policies);
                let then = self.eval(then, derived, policies);
                let otherwise = self.eval(otherwise, derived, policies);
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = condition
                        .cell(row)
                        .map_err(Fault::from)
                        .and_then(|c| boolean(&c))
                        .and_then(|c| {
                            let value = if c { &then } else { &otherwise }.cell(row)?;
                            match join {
                                Some(ty) => numeric(number(&value)?, *ty)
                                    .map(Value::Decimal)
                                    .map_err(Fault::Message),
                                None => Ok(value),
                            }
                        });
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::MinMax { min, arguments } => {
                let values: Vec<Vals<'_>> = arguments
                    .iter()
                    .map(|argument| self.eval(argument, derived, policies))
                    .collect();
                if let Some(best) = fixed_min_max(*min, node.ty, &values, n) {
                    return best;
                }
                let nums: Option<Vec<Nums<'_>>> = values.iter().map(Vals::nums).collect();
                if let Some(nums) = nums
                    && values.iter().all(|value| value.st.is_none())
                    && node.ty != Type::Integer
                {
                    let best = (0..n)
                        .map(|row| {
                            let mut best = nums[0].get(row);
                            for x in &nums[1..] {
                                let x = x.get(row);
                                best = if *min { x.min(best) } else { x.max(best) };
                            }
                            best
                        })
                        .collect();
                    return Vals {
                        data: Data::Num(Cow::Owned(best)),
                        st: None,
                    };
                }
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = (|| {
                        let mut best: Option<Decimal> = None;
                        let mut fault: Option<Fault> = None;
                        for value in &values {
                            match value.cell(row) {
                                Ok(value) => {
                                    let x = number(&value)?;
                                    best = Some(match best {
                                        None => x,
                                        Some(y) => {
                                            if *min {
                                                x.min(y)
                                            } else {
                                                x.max(y)
                                            }
                                        }
                                    });
                                }
                                Err(state) => {
                                    fault = Some(match fault {
                                        None => Fault::State(state),
                                        Some(previous) => {
                                            merge_faults(previous, Fault::State(state))
                                        }
                                    })
                                }
                            }
                        }
                        if let Some(fault) = fault {
                            return Err(fault);
                        }
                        let best =
                            best.ok_or_else(|| Fault::Message("min/max of nothing".to_owned()))?;
                        numeric(best, node.ty)
                            .map(Value::Decimal)
                            .map_err(Fault::Message)
                    })();
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::Window {
                name,
                years,
                average,
            } => self.window(node.ty, name, years, *average),
            Kind::Scale {
                path,
                scale,
                bands,
                base,
            } => {
                let base = self.eval(base, derived, policies);
                let Some(bands) = bands else {
                    return Vals::all(St::Missing, n);
                };
                if let Some(x) = base.nums()
                    && bands.iter().all(|band| band.value.as_decimal().is_some())
                {
                    // Numbers banded into numbers: one search per row, no
                    // values built; a ratio is banded by cross-multiplying.
                    // Band values that fit make a fixed column.
                    let fixed: Option<Vec<(i64, u32)>> = bands
                        .iter()
                        .map(|band| band.value.as_decimal().and_then(to_fixed))
                        .collect();
                    // Band values as mantissas at their largest scale.
                    let fixed = fixed.and_then(|fixed| {
                        let top = fixed.iter().map(|(_, s)| *s).max()?;
                        let values: Option<Vec<i64>> = fixed
                            .iter()
                            .map(|(m, s)| m.checked_mul(ten(top - s)))
                            .collect();
                        Some((values?, top))
                    });
                    // A fixed base against the lower bounds at one scale.
                    let lowers: Option<(Vec<Option<i128>>, i128)> = match x {
                        Nums::Fixed(fx) => {
                            let top = bands
                                .iter()
                                .filter_map(|band| band.lower.map(|lower| lower.scale()))
                                .fold(fx.scale, u32::max);
                            bands
                                .iter()
                                .map(|band| match band.lower {
                                    None => Some(None),
                                    Some(lower) => lower
                                        .mantissa()
                                        .checked_mul(10i128.checked_pow(top - lower.scale())?)
                                        .map(Some),
                                })
                                .collect::<Option<Vec<_>>>()
                                .zip(10i128.checked_pow(top - fx.scale))
                                .filter(|_| top <= 18)
                        }
                        _ => None,
                    };
                    // A ratio against the lower bounds at one scale.
                    let ratio_lowers: Option<(Vec<Option<i64>>, Cross)> = match x {
                        Nums::Ratio(num, den) => {
                            let top = bands
                                .iter()
                                .filter_map(|band| band.lower.map(|lower| lower.scale()))
                                .max()
                                .unwrap_or(0)
                                .min(MAX_FIXED_SCALE + 1);
                            let lowers = bands
                                .iter()
                                .map(|band| match band.lower {
                                    None => Some(None),
                                    Some(lower) => {
                                        let (mantissa, s) = to_fixed(lower)?;
                                        mantissa.checked_mul(ten(top.checked_sub(s)?)).map(Some)
                                    }
                                })
                                .collect::<Option<Vec<_>>>();
                            lowers.zip(Cross::new(num.scale, den.scale, top))
                        }
                        _ => None,
                    };
                    let mut st = base.st.as_ref().map(|st| st.to_vec());
                    let mut indices: Vec<u32> = Vec::with_capacity(n);
                    for row in 0..n {
                        if st.as_ref().is_some_and(|st| st[row] != St::Ok) {
                            indices.push(0);
                            continue;
                        }
                        let index = match (x, &lowers) {
                            (Nums::Fixed(fx), Some((lowers, factor))) => {
                                let x = i128::from(fx.ints.get(row)) * factor;
                                lowers.iter().rposition(|lower| match lower {
                                    None => true,
                                    Some(lower) if scale.lower_inclusive => x >= *lower,
                                    Some(lower) => x > *lower,
                                })
                            }
                            (Nums::Ratio(num, den), _) => {
                                let exact = ratio_lowers.as_ref().and_then(|(lowers, cross)| {
                                    let (p, q) = (num.ints.get(row), den.ints.get(row));
                                    let inside = |side: std::cmp::Ordering| {
                                        if scale.lower_inclusive {
                                            side.is_ge()
                                        } else {
                                            side.is_gt()
                                        }
                                    };
                                    if q == 0 {
                                        return Some(lowers.iter().rposition(|lower| {
                                            lower.is_none_or(|lower| inside(0.cmp(&lower)))
                                        }));
                                    }
                                    let (lhs, q) = cross.sides(p, q)?;
                                    for (index, lower) in lowers.iter().enumerate().rev() {
                                        let holds = match lower {
                                            None => true,
                                            Some(lower) => inside(lhs.cmp(&cross.rhs(*lower, q)?)),
                                        };
                                        if holds {
                                            return Some(Some(index));
                                        }
                                    }
                                    Some(None)
                                });
                                if let Some(index) = exact {
                                    index
                                } else {
                                    let inside = |band: &Band| match band.lower {
                                        None => true,
                                        Some(lower) => {
                                            let ordering = ratio_cmp(
                                                num,
                                                den,
                                                row,
                                                lower.mantissa(),
                                                lower.scale(),
                                            );
                                            if scale.lower_inclusive {
                                                ordering.is_ge()
                                            } else {
                                                ordering.is_gt()
                                            }
                                        }
                                    };
                                    bands.iter().rposition(inside)
                                }
                            }
                            _ => scale.band(bands, x.get(row)).map(|choice| choice.index),
                        };
                        match index {
                            Some(index) => indices.push(u32::try_from(index).unwrap_or(0)),
                            None => {
                                indices.push(0);
                                let state = self.error(format!(
                                    "{} is below the first band of the scale “{path}”",
                                    x.get(row)
                                ));
                                st.get_or_insert_with(|| vec![St::Ok; n])[row] = state;
                            }
                        }
                    }
                    let data = match fixed {
                        Some((fixed, scale)) => Data::Fixed(
                            Cow::Owned(indices.iter().map(|&i| fixed[i as usize]).collect()),
                            scale,
                        ),
                        None => Data::Num(Cow::Owned(
                            indices
                                .iter()
                                .map(|&i| bands[i as usize].value.as_decimal().unwrap_or_default())
                                .collect(),
                        )),
                    };
                    return Vals {
                        data,
                        st: st.map(Cow::Owned),
                    };
                }
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = base.cell(row).map_err(Fault::from).and_then(|value| {
                        let x = number(&value)?;
                        scale
                            .band(bands, x)
                            .map(|choice| choice.band.value.clone())
                            .ok_or_else(|| {
                                Fault::Message(format!(
                                    "{x} is below the first band of the scale “{path}”"
                                ))
                            })
                    });
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::YearsBetween(earlier, later) => {
                let earlier = self.eval(earlier, derived, policies);
                let later = self.eval(later, derived, policies);
                if let (Data::Date(a), Data::Const(Value::Date(b)), None) =
                    (&earlier.data, &later.data, &later.st)
                {
                    let values = a.iter().map(|a| full_years(*a, *b)).collect();
                    return Vals {
                        data: Data::Fixed(Cow::Owned(values), 0),
                        st: earlier.st,
                    };
                }
                let mut out = Out::new(Type::Integer, n);
                for row in 0..n {
                    let cell = match (earlier.cell(row), later.cell(row)) {
                        (Ok(Value::Date(a)), Ok(Value::Date(b))) => {
                            Ok(Value::Integer(full_years(a, b)))
                        }
                        (Ok(_), Ok(_)) => {
                            Err(Fault::Message("years_between(…) of non-dates".to_owned()))
                        }
                        (Err(a), Err(b)) => Err(Fault::State(merge(a, b))),
                        (Err(fault), _) | (_, Err(fault)) => Err(Fault::State(fault)),
                    };
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::Pow(base, exponent) => {
                let base = self.eval(base, derived, policies);
                // A constant base (`pow(1 + rate, 3)`) is computed once.
                let (base, rows) = match (&base.data, &base.st) {
                    (Data::Const(_), None) => (base, 1),
                    _ => (base, n),
                };
                let mut out = Out::new(node.ty, rows);
                for row in 0..rows {
                    let cell = base.cell(row).map_err(Fault::from).and_then(|value| {
                        let x = number(&value)?;
                        let mut result = Decimal::ONE;
                        for _ in 0..*exponent {
                            result = result.checked_mul(x).ok_or_else(|| {
                                Fault::Message("arithmetic overflow in pow".to_owned())
                            })?;
                        }
                        numeric(result, node.ty)
                            .map(Value::Decimal)
                            .map_err(Fault::Message)
                    });
                    out.push(self, cell);
                }
                let result = out.finish();
                if rows == 1 && n != 1 {
                    return match (result.cell(0), &result.st) {
                        (Ok(value), _) => Vals::constant(value),
                        (Err(state), _) => Vals::all(state, n),
                    };
                }
                result
            }
            Kind::Abs(value) => {
                let value = self.eval(value, derived, policies);
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = value.cell(row).map_err(Fault::from).and_then(|value| {
                        numeric(number(&value)?.abs(), node.ty)
                            .map(Value::Decimal)
                            .map_err(Fault::Message)
                    });
                    out.push(self, cell);
                }
                out.finish()
            }
            Kind::Round(value, places) => {
                let value = self.eval(value, derived, policies);
                let mut out = Out::new(node.ty, n);
                for row in 0..n {
                    let cell = value.cell(row).map_err(Fault::from).and_then(|value| {
                        let rounded = number(&value)?.round_dp_with_strategy(
                            *places,
                            RoundingStrategy::MidpointAwayFromZero,
                        );
                        numeric(rounded, node.ty)
                            .map(Value::Decimal)
                            .map_err(Fault::Message)
                    });
                    out.push(self, cell);
                }
                out.finish()
            }
        }
    }

    fn arithmetic<'s>(
        &mut self,
        op: BinaryOp,
        ty: Type,
        left: &Vals<'_>,
        right: &Vals<'_>,
    ) -> Vals<'s> {
        let n = self.n;
        let (Some(a), Some(b)) = (left.nums(), right.nums()) else {
            let mut out = Out::new(ty, n);
            for row in 0..n {
                let cell = match (left.cell(row), right.cell(row)) {
                    (Ok(a), Ok(b)) => {
                        number(&a)
                            .and_then(|a| Ok((a, number(&b)?)))
                            .and_then(|(a, b)| {
                                operate(op, a, b, ty)
                                    .map(Value::Decimal)
                                    .map_err(Fault::Message)
                            })
                    }
                    (Err(a), Err(b)) => Err(Fault::State(merge(a, b))),
                    (Err(fault), _) | (_, Err(fault)) => Err(Fault::State(fault)),
                };
                out.push(self, cell);
            }
            return out.finish();
        };
        if let (Nums::Const(a), Nums::Const(b), None, None) = (a, b, &left.st, &right.st) {
            return match operate(op, a, b, ty) {
                Ok(value) => Vals::constant(Value::Decimal(value)),
                Err(message) => {
                    let state = self.error(message);
                    Vals::all(state, n)
                }
            };
        }
        let mut st = merge_states(left, right, n).map(Cow::into_owned);
        let mut values = Vec::with_capacity(n);
        for row in 0..n {
            if st.as_ref().is_some_and(|st| st[row] != St::Ok) {
                values.push(Decimal::ZERO);
                continue;
            }
            match operate(op, a.get(row), b.get(row), ty) {
                Ok(value) => values.push(value),
                Err(message) => {
                    values.push(Decimal::ZERO);
                    let state = self.error(message);
                    st.get_or_insert_with(|| vec![St::Ok; n])[row] = state;
                }
            }
        }
        Vals {
            data: Data::Num(Cow::Owned(values)),
            st: st.map(Cow::Owned),
        }
    }

    fn compare<'s>(&mut self, op: BinaryOp, left: &Vals<'_>, right: &Vals<'_>) -> Vals<'s> {
        let n = self.n;
        let holds = |ordering: std::cmp::Ordering| match op {
            BinaryOp::Less => ordering.is_lt(),
            BinaryOp::LessOrEqual => ordering.is_le(),
            BinaryOp::Greater => ordering.is_gt(),
            BinaryOp::GreaterOrEqual => ordering.is_ge(),
            BinaryOp::Equal => ordering.is_eq(),
            _ => ordering.is_ne(),
        };
        if let (Some(a), Some(b)) = (left.fixed(), right.fixed()) {
            // Both fixed: compare the mantissas at the larger scale.
            let scale = a.scale.max(b.scale);
            let (ka, kb) = (
                i128::from(ten(scale - a.scale)),
                i128::from(ten(scale - b.scale)),
            );
            let values = (0..n)
                .map(|row| {
                    let x = i128::from(a.ints.get(row)) * ka;
                    let y = i128::from(b.ints.get(row)) * kb;
                    holds(x.cmp(&y))
                })
                .collect();
            return Vals {
                data: Data::Bool(Cow::Owned(values)),
                st: merge_states(left, right, n),
            };
        }
        // A ratio against a number: cross-multiplied, divided only where
        // the integers could not tell.
        let ratio_against = match (&left.data, &right.data) {
            (Data::Ratio(ratio), _) => right
                .nums()
                .map(|other| (ratio, other, right.fixed(), false)),
            (_, Data::Ratio(ratio)) => left.nums().map(|other| (ratio, other, left.fixed(), true)),
            _ => None,
        };
        if let Some((ratio, other, fixed, reversed)) = ratio_against
            && !matches!(other, Nums::Ratio(..))
        {
            let (num, den) = (ratio.0.view(), ratio.1.view());
            let cross =
                fixed.and_then(|fx| Cross::new(num.scale, den.scale, fx.scale).map(|c| (c, fx)));
            let values = (0..n)
                .map(|row| {
                    let exact = cross.and_then(|(cross, fx)| {
                        cross.cmp(num.ints.get(row), den.ints.get(row), fx.ints.get(row))
                    });
                    let ordering = exact.unwrap_or_else(|| {
                        let (c, sc) = parts(other, row);
                        ratio_cmp(num, den, row, c, sc)
                    });
                    holds(if reversed {
                        ordering.reverse()
                    } else {
                        ordering
                    })
                })
                .collect();
            return Vals {
                data: Data::Bool(Cow::Owned(values)),
                st: merge_states(left, right, n),
            };
        }
        if let (Some(a), Some(b)) = (left.nums(), right.nums()) {
            let st = merge_states(left, right, n);
            let values = (0..n)
                .map(|row| holds(a.get(row).cmp(&b.get(row))))
                .collect();
            return Vals {
                data: Data::Bool(Cow::Owned(values)),
                st,
            };
        }
        let mut out = Out::new(Type::Bool, n);
        for row in 0..n {
            let cell = match (left.cell(row), right.cell(row)) {
                (Ok(a), Ok(b)) => {
                    let ordering = match (&a, &b) {
                        (Value::Date(a), Value::Date(b)) => Ok(a.cmp(b)),
                        (Value::Bool(a), Value::Bool(b)) => Ok(a.cmp(b)),
                        (Value::Text(a), Value::Text(b)) => Ok(a.cmp(b)),
                        _ => number(&a).and_then(|a| Ok(a.cmp(&number(&b)?))),
                    };
                    ordering.map(|ordering| Value::Bool(holds(ordering)))
                }
                (Err(a), Err(b)) => Err(Fault::State(merge(a, b))),
                (Err(fault), _) | (_, Err(fault)) => Err(Fault::State(fault)),
            };
            out.push(self, cell);
        }
        out.finish()
    }

    fn window<'s>(&mut self, ty: Type, name: &str, years: &[i32], average: bool) -> Vals<'s> {
        let n = self.n;
        let columns: Vec<Option<&Column>> = years
            .iter()
            .map(|year| self.frame.columns.get(&(name.to_owned(), Some(*year))))
            .collect();
        if let Some(values) = fixed_window(&columns, ty, average, n) {
            return values;
        }
        let mut totals = vec![Decimal::ZERO; n];
        let mut st: Option<Vec<St>> = None;
        for column in &columns {
            let values = column.and_then(|column| match &column.data {
                ColumnData::Number(values) => Some(Nums::Slice(values)),
                ColumnData::Fixed(values, scale) => Some(Nums::Fixed(Fx {
                    ints: View::Slice(values),
                    scale: *scale,
                })),
                _ => None,
            });
            for row in 0..n {
                if st
                    .as_ref()
                    .is_some_and(|st| matches!(st[row], St::Error(_)))
                {
                    continue;
                }
                let present = values.is_some()
                    && column
                        .and_then(|column| column.missing.as_ref())
                        .is_none_or(|missing| missing[row] == St::Ok);
                match values {
                    Some(values) if present => match totals[row].checked_add(values.get(row)) {
                        Some(total) => totals[row] = total,
                        None => {
                            let state = self.error("arithmetic overflow in sum".to_owned());
                            st.get_or_insert_with(|| vec![St::Ok; n])[row] = state;
                        }
                    },
                    _ => {
                        let states = st.get_or_insert_with(|| vec![St::Ok; n]);
                        if states[row] == St::Ok {
                            states[row] = St::Missing;
                        }
                    }
                }
            }
        }
        let count = Decimal::from(years.len());
        for row in 0..n {
            if st.as_ref().is_some_and(|st| st[row] != St::Ok) {
                continue;
            }
            let value = if average {
                totals[row]
                    .checked_div(count)
                    .ok_or("arithmetic overflow in avg".to_owned())
            } else {
                Ok(totals[row])
            }
            .and_then(|value| numeric(value, ty));
            match value {
                Ok(value) => totals[row] = value,
                Err(message) => {
                    let state = self.error(message);
                    st.get_or_insert_with(|| vec![St::Ok; n])[row] = state;
                }
            }
        }
        Vals {
            data: Data::Num(Cow::Owned(totals)),
            st: st.map(Cow::Owned),
        }
    }
}

/// `sum(…)` or `avg(…)` of fixed columns in 64-bit integers, at the
/// largest of their scales (as decimals add); an average is left a ratio
/// to the number of years. `None` when a column is not fixed, or where that
/// would not be exact (see [`fixed_arithmetic`]).
fn fixed_window<'s>(
    columns: &[Option<&Column>],
    ty: Type,
    average: bool,
    n: usize,
) -> Option<Vals<'s>> {
    if columns.is_empty() {
        return None;
    }
    let mut scale = 0;
    for column in columns.iter().flatten() {
        match column.data {
            ColumnData::Fixed(_, s) => scale = scale.max(s),
            _ => return None,
        }
    }
    if ty == Type::Integer && (scale != 0 || average) {
        return None;
    }
    let mut totals = vec![0i64; n];
    let mut st: Option<Vec<St>> = None;
    for column in columns {
        let Some(Column {
            data: ColumnData::Fixed(values, s),
            missing,
        }) = column
        else {
            st = Some(vec![St::Missing; n]);
            continue;
        };
        let k = ten(scale - s);
        for row in 0..n {
            if missing
                .as_ref()
                .is_some_and(|missing| missing[row] != St::Ok)
            {
                st.get_or_insert_with(|| vec![St::Ok; n])[row] = St::Missing;
                continue;
            }
            totals[row] = values[row]
                .checked_mul(k)
                .and_then(|value| totals[row].checked_add(value))?;
        }
    }
    let data = if average {
        let years = i64::try_from(columns.len()).ok()?;
        Data::Ratio(Box::new((
            Ints::Column(Cow::Owned(totals), scale),
            Ints::Const(years, 0),
        )))
    } else {
        Data::Fixed(Cow::Owned(totals), scale)
    };
    Some(Vals {
        data,
        st: st.map(Cow::Owned),
    })
}

/// `min(…)` or `max(…)` of fixed operands, compared and kept at the
/// largest of their scales.
fn fixed_min_max<'s>(min: bool, ty: Type, values: &[Vals<'_>], n: usize) -> Option<Vals<'s>> {
    let fixed: Vec<Fx<'_>> = values.iter().map(Vals::fixed).collect::<Option<_>>()?;
    if fixed.iter().all(|fx| fx.is_const())
        || (ty == Type::Integer && fixed.iter().any(|fx| fx.scale != 0))
    {
        return None;
    }
    let top = fixed.iter().map(|fx| fx.scale).max()?;
    let factors: Vec<i64> = fixed.iter().map(|fx| ten(top - fx.scale)).collect();
    let st = if values.iter().any(|value| value.st.is_some()) {
        Some(
            (0..n)
                .map(|row| {
                    values
                        .iter()
                        .map(|value| value.state(row))
                        .reduce(merge)
                        .unwrap_or(St::Ok)
                })
                .collect::<Vec<St>>(),
        )
    } else {
        None
    };
    let mut best = Vec::with_capacity(n);
    for row in 0..n {
        let mut chosen: Option<i64> = None;
        for (fx, factor) in fixed.iter().zip(&factors) {
            // At the largest scale; a value that does not fit 64 bits there
            // leaves the node to the decimal path.
            let Some(x) = fx.ints.get(row).checked_mul(*factor) else {
                if st.as_ref().is_some_and(|st| st[row] != St::Ok) {
                    continue;
                }
                return None;
            };
            chosen = Some(match chosen {
                None => x,
                Some(y) if min => x.min(y),
                Some(y) => x.max(y),
            });
        }
        best.push(chosen.unwrap_or(0));
    }
    Some(Vals {
        data: Data::Fixed(Cow::Owned(best), top),
        st: st.map(Cow::Owned),
    })
}

/// `left / right` left undivided, when both are fixed (and not both
/// constants, which the decimal path folds once); else the operands back.
#[allow(clippy::type_complexity)]
fn ratio<'s>(left: Vals<'s>, right: Vals<'s>, n: usize) -> Result<Vals<'s>, (Vals<'s>, Vals<'s>)> {
    let both_const = matches!((&left.data, &right.data), (Data::Const(_), Data::Const(_)));
    if both_const || left.fixed().is_none() || right.fixed().is_none() {
        return Err((left, right));
    }
    let st = merge_states(&left, &right, n);
    let (
        Vals {
            data: l,
            st: left_st,
        },
        Vals {
            data: r,
            st: right_st,
        },
    ) = (left, right);
    match (Ints::from_data(l), Ints::from_data(r)) {
        (Ok(num), Ok(den)) => Ok(Vals {
            data: Data::Ratio(Box::new((num, den))),
            st,
        }),
        (l, r) => Err((
            Vals {
                data: Ints::into_data(l),
                st: left_st,
            },
            Vals {
                data: Ints::into_data(r),
                st: right_st,
            },
        )),
    }
}

/// `+`, `−` and `×` of two fixed operands in 64-bit integers, at the
/// scale the decimals would have (the larger scale for a sum, the sum of
/// the scales for a product). `None` where that is not exact: a scale over
/// [`MAX_FIXED_SCALE`], an integer result with decimals, or an overflow in
/// a row that has a value (the decimal path then gives the row engine's
/// result, or its error).
fn fixed_arithmetic<'s>(
    op: BinaryOp,
    ty: Type,
    left: &Vals<'_>,
    right: &Vals<'_>,
    n: usize,
) -> Option<Vals<'s>> {
    let (a, b) = (left.fixed()?, right.fixed()?);
    if a.is_const() && b.is_const() {
        return None;
    }
    let scale = match op {
        BinaryOp::Add | BinaryOp::Subtract => a.scale.max(b.scale),
        BinaryOp::Multiply => a.scale + b.scale,
        _ => return None,
    };
    if scale > MAX_FIXED_SCALE || (ty == Type::Integer && scale != 0) {
        return None;
    }
    let st = merge_states(left, right, n);
    let (ka, kb) = match op {
        BinaryOp::Multiply => (1, 1),
        _ => (ten(scale - a.scale), ten(scale - b.scale)),
    };
    let mut values = Vec::with_capacity(n);
    let mut overflow = false;
    let mut push = |row: usize, value: Option<i64>| match value {
        Some(value) => values.push(value),
        None => {
            values.push(0);
            overflow |= st.as_ref().is_none_or(|st| st[row] == St::Ok);
        }
    };
    if op == BinaryOp::Multiply {
        (0..n).for_each(|row| push(row, a.ints.get(row).checked_mul(b.ints.get(row))));
    } else {
        let sum: fn(i64, i64) -> Option<i64> = if op == BinaryOp::Add {
            i64::checked_add
        } else {
            i64::checked_sub
        };
        (0..n).for_each(|row| {
            let aligned = a.ints.get(row).checked_mul(ka);
            push(
                row,
                aligned
                    .zip(b.ints.get(row).checked_mul(kb))
                    .and_then(|(x, y)| sum(x, y)),
            )
        });
    }
    if overflow {
        return None;
    }
    Some(Vals {
        data: Data::Fixed(Cow::Owned(values), scale),
        st,
    })
}

/// Cross-multiplication of ratios `p/q` (scales `sp`, `sq`) against
/// numbers `c` of one scale `sc`, with the powers of ten computed once:
/// `sign(q)·p·10^(sq+sc)` against `c·|q|·10^sp`, in products of two 64-bit
/// integers (which cannot overflow 128 bits) wherever the scales allow.
/// Gives up (`None`) where [`ratio_cmp`] would divide.
#[derive(Clone, Copy)]
struct Cross {
    /// 10^(sq+sc), 10^(sp+sc), 10^sp.
    lhs: i64,
    guard: i64,
    rhs: i64,
}

/// Where an exact comparison stops being the decimal one (see
/// [`ratio_cmp`]).
const RATIO_LIMIT: u128 = 100_000_000_000_000_000_000_000_000; // 10^26

impl Cross {
    fn new(sp: u32, sq: u32, sc: u32) -> Option<Cross> {
        (sq + sc <= 18 && sp + sc <= 18).then(|| Cross {
            lhs: ten(sq + sc),
            guard: ten(sp + sc),
            rhs: ten(sp),
        })
    }

    /// The left side for `p/q` (`q` not 0) and `|q|`.
    #[inline]
    fn sides(self, p: i64, q: i64) -> Option<(i128, i128)> {
        let mut lhs = i128::from(p) * i128::from(self.lhs);
        if q < 0 {
            lhs = -lhs;
        }
        let q = i128::from(q).abs();
        if lhs.unsigned_abs() >= RATIO_LIMIT
            || (q * i128::from(self.guard)).unsigned_abs() >= RATIO_LIMIT
        {
            return None;
        }
        Some((lhs, q))
    }

    /// The right side for `c` and `|q|`.
    #[inline]
    fn rhs(self, c: i64, q: i128) -> Option<i128> {
        let product = i128::from(c) * q;
        if self.rhs == 1 {
            Some(product)
        } else {
            product.checked_mul(i128::from(self.rhs))
        }
    }

    /// `p/q` (0 where `q` is 0) against `c`.
    #[inline]
    fn cmp(self, p: i64, q: i64, c: i64) -> Option<std::cmp::Ordering> {
        if q == 0 {
            return Some(0.cmp(&c));
        }
        let (lhs, q) = self.sides(p, q)?;
        Some(lhs.cmp(&self.rhs(c, q)?))
    }
}

/// Row `row` of `num / den` (0 where `den` is 0) against `c`, by
/// cross-multiplying in 128-bit integers: `p/q` against `c` is
/// `sign(q)·p·10^(sq+sc)` against `c·|q|·10^sp`. That is exact, and it is
/// also what comparing the row engine's decimal quotient gives, as long as
/// the two sides stay below 10^26: the quotient is then off by less than a
/// hundredth of the smallest gap between a ratio and `c` that is not zero.
/// Beyond that (or on overflow) the row is divided as the row engine does.
#[inline]
fn ratio_cmp(num: Fx<'_>, den: Fx<'_>, row: usize, c: i128, sc: u32) -> std::cmp::Ordering {
    const LIMIT: u128 = RATIO_LIMIT;
    let (p, q) = (num.ints.get(row), den.ints.get(row));
    if q == 0 {
        return 0.cmp(&c);
    }
    let exact = || -> Option<std::cmp::Ordering> {
        let (sp, sq) = (num.scale, den.scale);
        let lhs =
            (i128::from(p) * i128::from(q.signum())).checked_mul(10i128.checked_pow(sq + sc)?)?;
        let q = i128::from(q).abs();
        if lhs.unsigned_abs() >= LIMIT
            || q.checked_mul(10i128.checked_pow(sp + sc)?)?.unsigned_abs() >= LIMIT
        {
            return None;
        }
        let rhs = c.checked_mul(q)?.checked_mul(10i128.pow(sp))?;
        Some(lhs.cmp(&rhs))
    };
    exact().unwrap_or_else(|| {
        quotient(num.decimal(row), den.decimal(row)).cmp(&Decimal::from_i128_with_scale(c, sc))
    })
}

/// A number as a mantissa and scale (for [`ratio_cmp`]).
#[inline]
fn parts(nums: Nums<'_>, row: usize) -> (i128, u32) {
    match nums {
        Nums::Fixed(fx) => (i128::from(fx.ints.get(row)), fx.scale),
        other => {
            let value = other.get(row);
            (value.mantissa(), value.scale())
        }
    }
}

/// `a op b` as the row engine computes it (÷0 gives 0), checked, then made a
/// number of type `ty`.
#[inline]
fn operate(op: BinaryOp, a: Decimal, b: Decimal, ty: Type) -> Result<Decimal, String> {
    let value = match op {
        BinaryOp::Add => a.checked_add(b).ok_or("arithmetic overflow in +")?,
        BinaryOp::Subtract => a.checked_sub(b).ok_or("arithmetic overflow in −")?,
        BinaryOp::Multiply => a.checked_mul(b).ok_or("arithmetic overflow in ×")?,
        _ => {
            if b.is_zero() {
                Decimal::ZERO
            } else {
                a.checked_div(b).ok_or("arithmetic overflow in ÷")?
            }
        }
    };
    if ty == Type::Integer {
        numeric(value, ty)
    } else {
        Ok(value)
    }
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
