//! `zijin policy`: the policy engine (免申即享) over files.
//!
//! Reads a pack with `zijin-policy`, the enterprises from the engine-neutral
//! CSV of the OpenFisca benchmark (`id`, `registration_date`,
//! `<variable>_<year>` …), evaluates them in parallel and writes one row per
//! enterprise, in input order, into one CSV — complete or not at all. No
//! database is involved.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use zijin_policy::check::PeriodKind;
use zijin_policy::eval::{Enterprise, Options, Outcome, Status};
use zijin_policy::pack::Pack;
use zijin_policy::{Type, Value, batch};

use crate::cli::PolicyCommand;

/// Enterprises read, evaluated and written per step: bounds the memory the
/// enterprises and their outcomes take, whatever the file's size. The
/// outcomes are evaluated without explanations (only the results are
/// written).
const CHUNK: usize = 8_192;

/// Runs a policy command.
pub fn run(command: &PolicyCommand) -> Result<()> {
    match command {
        PolicyCommand::Run {
            pack,
            input,
            period,
            out,
            columns,
            force,
        } => run_batch(pack, input, *period, out, columns.as_deref(), *force),
    }
}

fn run_batch(
    pack_path: &Path,
    input: &Path,
    period: i32,
    out: &Path,
    columns: Option<&str>,
    force: bool,
) -> Result<()> {
    let started = Instant::now();
    if out.exists() && !force {
        bail!(
            "{} already exists; choose another --out or add --force to replace it",
            out.display()
        );
    }
    let text = std::fs::read_to_string(pack_path)
        .with_context(|| format!("cannot read the pack {}", pack_path.display()))?;
    let file_name = pack_path.display().to_string();
    let pack = Pack::from_toml(&file_name, &text).map_err(|errors| anyhow!("{errors}"))?;
    let columns = match columns {
        Some(list) => list
            .split(',')
            .map(|name| Column::resolve(&pack, name.trim()))
            .collect::<Result<Vec<_>>>()?,
        None => Column::all(&pack),
    };
    let options = Options::period(period);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let input_name = input.display().to_string();
    let header = reader
        .headers()
        .with_context(|| format!("{input_name}: cannot read the header"))?
        .clone();
    let layout = Layout::new(&pack, &input_name, &header)?;

    let staging = staging_path(out);
    let result = (|| -> Result<Counts> {
        let file = File::create(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        let names: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
        writeln!(writer, "{}", names.join(","))?;
        let mut counts = Counts::new(&pack);
        let mut records = reader.into_byte_records();
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            for record in records.by_ref().take(CHUNK) {
                chunk.push(record.with_context(|| format!("{input_name}: cannot read a row"))?);
            }
            if chunk.is_empty() {
                break;
            }
            let enterprises = chunk
                .par_iter()
                .map(|record| layout.enterprise(record))
                .collect::<Result<Vec<_>>>()?;
            let outcomes = batch::evaluate_all_outcomes(&pack, &enterprises, &options);
            let rows = outcomes
                .into_par_iter()
                .zip(chunk.par_iter())
                .zip(enterprises.par_iter())
                .map(|((outcome, record), enterprise)| {
                    let outcome = outcome
                        .map_err(|error| anyhow!("{input_name}:{}: {error}", line(record)))?;
                    Ok((row(&pack, &columns, &enterprise.id, &outcome), outcome))
                })
                .collect::<Result<Vec<_>>>()?;
            for (text, outcome) in &rows {
                writer.write_all(text.as_bytes())?;
                counts.add(outcome);
            }
            if chunk.len() < CHUNK {
                break;
            }
        }
        writer.flush()?;
        writer
            .into_inner()
            .map_err(|error| anyhow!("{error}"))?
            .sync_all()?;
        Ok(counts)
    })();
    let counts = match result {
        Ok(counts) => counts,
        Err(error) => {
            let _ = std::fs::remove_file(&staging);
            return Err(error);
        }
    };
    std::fs::rename(&staging, out).with_context(|| {
        let _ = std::fs::remove_file(&staging);
        format!("cannot write {}", out.display())
    })?;

    println!(
        "{} 家企业 enterprises, period {period}, pack {} {} → {}",
        counts.enterprises,
        pack.info.id,
        pack.info.version,
        out.display()
    );
    for policy in &counts.policies {
        match policy.amount {
            Some(amount) => println!(
                "  {:<24} {:>9} eligible  amount {} CNY",
                policy.id,
                policy.eligible,
                money(amount)
            ),
            None => println!("  {:<24} {:>9} eligible", policy.id, policy.eligible),
        }
    }
    println!("用时 wall time {:.3} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results.csv".to_owned());
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

fn line(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// Where each column of the input goes.
struct Layout {
    file: String,
    header: Vec<String>,
    id: usize,
    fields: Vec<Field>,
}

struct Field {
    index: usize,
    variable: String,
    /// `None` for a variable given once.
    year: Option<i32>,
    ty: Type,
}

impl Layout {
    fn new(pack: &Pack, file: &str, header: &csv::StringRecord) -> Result<Layout> {
        let names: Vec<String> = header.iter().map(str::to_owned).collect();
        let Some(id) = names.iter().position(|name| name == "id") else {
            bail!("{file}: line 1: no column “id”");
        };
        let mut seen = BTreeSet::new();
        let mut fields = Vec::new();
        let mut unknown = Vec::new();
        for (index, name) in names.iter().enumerate() {
            if !seen.insert(name.as_str()) {
                bail!("{file}: line 1: column “{name}” appears twice");
            }
            if index == id {
                continue;
            }
            match split_column(pack, name) {
                Some((variable, year)) => fields.push(Field {
                    index,
                    variable: variable.name.clone(),
                    year,
                    ty: variable.ty,
                }),
                None => unknown.push(name.as_str()),
            }
        }
        if !unknown.is_empty() {
            let variables: Vec<String> = pack
                .variables
                .values()
                .map(|variable| match variable.period {
                    PeriodKind::Once => variable.name.clone(),
                    PeriodKind::Year => format!("{}_<year>", variable.name),
                })
                .collect();
            bail!(
                "{file}: line 1: column(s) {} name no variable of the pack {}; its variables: {}",
                unknown
                    .iter()
                    .map(|name| format!("“{name}”"))
                    .collect::<Vec<_>>()
                    .join(", "),
                pack.info.id,
                variables.join(", ")
            );
        }
        Ok(Layout {
            file: file.to_owned(),
            header: names,
            id,
            fields,
        })
    }

    fn enterprise(&self, record: &csv::ByteRecord) -> Result<Enterprise> {
        let line = line(record);
        let cell = |index: usize| -> Result<&str> {
            let bytes = record.get(index).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|_| {
                anyhow!(
                    "{}:{line}: column “{}”: not UTF-8",
                    self.file,
                    self.header[index]
                )
            })
        };
        if record.len() != self.header.len() {
            bail!(
                "{}:{line}: {} field(s), the header has {}",
                self.file,
                record.len(),
                self.header.len()
            );
        }
        let id = cell(self.id)?.trim();
        if id.is_empty() {
            bail!("{}:{line}: column “id”: empty", self.file);
        }
        let mut enterprise = Enterprise {
            id: id.to_owned(),
            ..Enterprise::default()
        };
        for field in &self.fields {
            let text = cell(field.index)?.trim();
            if text.is_empty() {
                continue; // missing: never read as zero
            }
            let value = parse_value(text, field.ty).map_err(|problem| {
                anyhow!(
                    "{}:{line}: column “{}”: “{text}” {problem}",
                    self.file,
                    self.header[field.index]
                )
            })?;
            match field.year {
                None => {
                    enterprise.once.insert(field.variable.clone(), value);
                }
                Some(year) => {
                    enterprise
                        .yearly
                        .entry(field.variable.clone())
                        .or_default()
                        .insert(year, value);
                }
            }
        }
        Ok(enterprise)
    }
}

/// `revenue_2023` → (revenue, 2023); `registration_date` → (registration_date,
/// once). The pack's variable names decide the split (they may contain `_`).
fn split_column<'a>(
    pack: &'a Pack,
    name: &str,
) -> Option<(&'a zijin_policy::pack::Variable, Option<i32>)> {
    if let Some(variable) = pack.variables.get(name)
        && variable.period == PeriodKind::Once
    {
        return Some((variable, None));
    }
    let (variable, year) = name.rsplit_once('_')?;
    if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let variable = pack.variables.get(variable)?;
    if variable.period != PeriodKind::Year {
        return None;
    }
    Some((variable, Some(year.parse().ok()?)))
}

fn parse_value(text: &str, ty: Type) -> std::result::Result<Value, String> {
    match ty {
        Type::Money | Type::Decimal | Type::Rate => {
            let number =
                Decimal::from_str(text).map_err(|_| format!("is not a number ({})", ty.name()))?;
            if ty == Type::Money && number.is_sign_negative() && !number.is_zero() {
                return Err("is negative: an amount of money must be 0 or more".to_owned());
            }
            Ok(Value::Decimal(number))
        }
        Type::Integer => text
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| "is not a whole number (integer)".to_owned()),
        Type::Bool => match text {
            "1" => Ok(Value::Bool(true)),
            "0" => Ok(Value::Bool(false)),
            _ => Err("is not 0 or 1 (bool)".to_owned()),
        },
        Type::Date => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Value::Date)
            .map_err(|_| "is not a date YYYY-MM-DD".to_owned()),
        Type::Text => Ok(Value::Text(text.to_owned())),
    }
}

/// One column of the results.
struct Column {
    name: String,
    what: What,
}

enum What {
    Id,
    Eligible(usize),
    Amount(usize),
    Criterion(usize, usize),
    Derived(usize),
}

impl Column {
    /// Every result of the pack: id, each policy's eligibility (and amount),
    /// each criterion, each derived variable.
    fn all(pack: &Pack) -> Vec<Column> {
        let mut columns = vec![Column {
            name: "id".to_owned(),
            what: What::Id,
        }];
        for (p, policy) in pack.policies.iter().enumerate() {
            columns.push(Column {
                name: format!("{}_eligible", policy.id),
                what: What::Eligible(p),
            });
            if policy.amount.is_some() {
                columns.push(Column {
                    name: format!("{}_amount", policy.id),
                    what: What::Amount(p),
                });
            }
        }
        let mut times: BTreeMap<&str, usize> = BTreeMap::new();
        for policy in &pack.policies {
            for criterion in &policy.criteria {
                *times.entry(criterion.id.as_str()).or_default() += 1;
            }
        }
        for (p, policy) in pack.policies.iter().enumerate() {
            for (c, criterion) in policy.criteria.iter().enumerate() {
                let name = if times[criterion.id.as_str()] == 1 {
                    criterion.id.clone()
                } else {
                    format!("{}.{}", policy.id, criterion.id)
                };
                columns.push(Column {
                    name,
                    what: What::Criterion(p, c),
                });
            }
        }
        for (d, derived) in pack.derived.iter().enumerate() {
            columns.push(Column {
                name: derived.name.clone(),
                what: What::Derived(d),
            });
        }
        columns
    }

    /// A column by name: `id`, `<policy>_eligible`, `<policy>_amount` or
    /// `<policy>` (a policy with an amount), `<policy>.<criterion>` or a
    /// criterion id found in one policy only, a derived variable.
    fn resolve(pack: &Pack, name: &str) -> Result<Column> {
        let column = |what| {
            Ok(Column {
                name: name.to_owned(),
                what,
            })
        };
        if name == "id" {
            return column(What::Id);
        }
        let policy = |id: &str| pack.policies.iter().position(|policy| policy.id == id);
        if let Some(p) = name.strip_suffix("_eligible").and_then(policy) {
            return column(What::Eligible(p));
        }
        let with_amount = |p: &usize| pack.policies[*p].amount.is_some();
        if let Some(p) = name
            .strip_suffix("_amount")
            .and_then(policy)
            .filter(with_amount)
            .or_else(|| policy(name).filter(with_amount))
        {
            return column(What::Amount(p));
        }
        if let Some((policy_id, criterion)) = name.split_once('.')
            && let Some(p) = policy(policy_id)
            && let Some(c) = pack.policies[p]
                .criteria
                .iter()
                .position(|each| each.id == criterion)
        {
            return column(What::Criterion(p, c));
        }
        let found: Vec<(usize, usize)> = pack
            .policies
            .iter()
            .enumerate()
            .flat_map(|(p, policy)| {
                policy
                    .criteria
                    .iter()
                    .enumerate()
                    .filter(|(_, criterion)| criterion.id == name)
                    .map(move |(c, _)| (p, c))
            })
            .collect();
        match found.as_slice() {
            [(p, c)] => return column(What::Criterion(*p, *c)),
            [] => {}
            _ => bail!(
                "--columns: “{name}” is a criterion of several policies; write <policy>.{name}"
            ),
        }
        if let Some(d) = pack.derived.iter().position(|derived| derived.name == name) {
            return column(What::Derived(d));
        }
        let known: Vec<String> = Column::all(pack)
            .into_iter()
            .map(|column| column.name)
            .collect();
        bail!(
            "--columns: “{name}” is no result of the pack {}; its results: {}",
            pack.info.id,
            known.join(", ")
        )
    }
}

/// One line of the results CSV (with its newline).
fn row(pack: &Pack, columns: &[Column], id: &str, outcome: &Outcome) -> String {
    let mut line = String::with_capacity(128);
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        match column.what {
            What::Id => line.push_str(&csv_text(id)),
            What::Eligible(p) => line.push_str(flag(outcome.policies[p].eligible)),
            What::Amount(p) => {
                if let Some(amount) = outcome.policies[p].amount {
                    line.push_str(&money(amount));
                }
            }
            What::Criterion(p, c) => match outcome.policies[p].criteria[c] {
                Status::Pass => line.push('1'),
                Status::Fail => line.push('0'),
                Status::Unknown => {}
            },
            What::Derived(d) => {
                if let Some(value) = &outcome.derived[d] {
                    line.push_str(&cell(value, pack.derived[d].ty));
                }
            }
        }
    }
    line.push('\n');
    line
}

fn flag(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

fn money(amount: Decimal) -> String {
    format!(
        "{:.2}",
        amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

fn cell(value: &Value, ty: Type) -> String {
    match value {
        Value::Bool(value) => flag(*value).to_owned(),
        Value::Decimal(number) if ty == Type::Money => money(*number),
        Value::Text(text) => csv_text(text),
        other => other.to_string(),
    }
}

fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

struct Counts {
    enterprises: usize,
    policies: Vec<PolicyCount>,
}

struct PolicyCount {
    id: String,
    eligible: usize,
    amount: Option<Decimal>,
}

impl Counts {
    fn new(pack: &Pack) -> Counts {
        Counts {
            enterprises: 0,
            policies: pack
                .policies
                .iter()
                .map(|policy| PolicyCount {
                    id: policy.id.clone(),
                    eligible: 0,
                    amount: policy.amount.as_ref().map(|_| Decimal::ZERO),
                })
                .collect(),
        }
    }

    fn add(&mut self, outcome: &Outcome) {
        self.enterprises += 1;
        for (count, result) in self.policies.iter_mut().zip(&outcome.policies) {
            count.eligible += usize::from(result.eligible);
            if let (Some(total), Some(amount)) = (count.amount.as_mut(), result.amount) {
                *total += amount;
            }
        }
    }
}
