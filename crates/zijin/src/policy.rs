//! `zijin policy`: the policy engine (免申即享) over files.
//!
//! Reads a pack with `zijin-policy`, the enterprises from the engine-neutral
//! CSV of the OpenFisca benchmark (`id`, `registration_date`,
//! `<variable>_<year>` …) into column frames ([`crate::policy_csv`]),
//! evaluates them with the column engine on every core and writes one row
//! per enterprise, in input order, into one CSV — complete or not at all. No
//! database is involved.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;
use rust_decimal::Decimal;
use zijin_policy::columns::{Frame, Program, Results};
use zijin_policy::eval::{Options, Status};
use zijin_policy::pack::Pack;
use zijin_policy::reform::Override;

use crate::cli::PolicyCommand;
use crate::policy_csv::{Chunk, Input, Lines, RowWriter, Unreadable, What};

/// Runs a policy command.
pub fn run(command: &PolicyCommand) -> Result<()> {
    match command {
        PolicyCommand::Run {
            pack,
            input: Some(input),
            period,
            out: Some(out),
            columns,
            force,
            ..
        } => run_batch(pack, input, *period, out, columns.as_deref(), *force),
        PolicyCommand::Explain {
            pack,
            input: Some(input),
            id: Some(id),
            period,
            known_on,
            ..
        } => explain(pack, input, id, *period, *known_on),
        PolicyCommand::Run { .. } | PolicyCommand::Explain { .. } => {
            bail!("this policy command reads the registry: it needs the database")
        }
        PolicyCommand::Reform {
            pack,
            set,
            input,
            period,
            out,
        } => reform(pack, set, input, *period, out.as_deref()),
        PolicyCommand::NearMiss {
            pack,
            input: Some(input),
            period,
            margin,
            out,
        } => near_miss(pack, input, *period, margin, out.as_deref()),
        PolicyCommand::NearMiss { input: None, .. } => {
            bail!("this near-miss list reads the database, not a file")
        }
    }
}

/// Whether `command` reads the registry (the database) rather than files.
pub fn needs_database(command: &PolicyCommand) -> bool {
    matches!(
        command,
        PolicyCommand::Run { input: None, .. }
            | PolicyCommand::Explain { input: None, .. }
            | PolicyCommand::NearMiss { input: None, .. }
    )
}

/// Reads and checks a pack (every error at file:line:column): a file, or
/// the name of a built-in pack (`default`, `benchmark-openfisca`).
fn load_pack(path: &Path) -> Result<Pack> {
    load_pack_text(path).map(|(pack, _)| pack)
}

fn load_pack_text(path: &Path) -> Result<(Pack, String)> {
    if !path.exists()
        && let Some(builtin) = zijin_app::policy::BUILTIN_PACKS
            .iter()
            .find(|builtin| Path::new(builtin.id) == path)
    {
        let (pack, _) = zijin_app::policy::builtin_pack(builtin.id)?;
        return Ok((pack, builtin.text.to_owned()));
    }
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the pack {} (a file, or a built-in pack: {})",
            path.display(),
            zijin_app::policy::BUILTIN_PACKS
                .iter()
                .map(|builtin| builtin.id)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let pack = Pack::from_toml(&path.display().to_string(), &text)
        .map_err(|errors| anyhow!("{errors}"))?;
    Ok((pack, text))
}

/// Runs a policy command that reads the registry.
pub async fn run_with_database<S: zijin_store::Store>(
    app: &zijin_app::Zijin<S>,
    command: &PolicyCommand,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut impl Write,
) -> Result<()> {
    match command {
        PolicyCommand::Run {
            pack,
            period,
            xlsx,
            force,
            ..
        } => {
            if let Some(xlsx) = xlsx
                && xlsx.exists()
                && !force
            {
                bail!(
                    "{} already exists; choose another --xlsx or add --force to replace it",
                    xlsx.display()
                );
            }
            let started = Instant::now();
            let (pack, text) = load_pack_text(pack)?;
            let options = Options::period(*period);
            let summary = app.run_policies(&pack, &text, &options, now).await?;
            writeln!(
                out,
                "运行 run #{}: pack {} {} (sha256 {}…), period {}, {} 家企业 enterprises (registry import #{}), {:.2} s",
                summary.run.id,
                summary.run.pack_id,
                summary.run.pack_version,
                &summary.run.pack_sha256[..12],
                summary.run.period,
                summary.run.enterprise_count,
                summary
                    .run
                    .registry_import_id
                    .map_or_else(|| "–".to_owned(), |id| id.to_string()),
                started.elapsed().as_secs_f64()
            )?;
            match summary.previous_run {
                Some(previous) => writeln!(
                    out,
                    "与上次运行 #{previous} 相比 compared with run #{previous}:"
                )?,
                None => writeln!(out, "首次运行 first run of this pack and period")?,
            }
            let mut table = crate::render::new_table(vec![
                "政策 policy",
                "符合 eligible",
                "待定 unknown",
                "金额 amount",
                "新增 gained",
                "减少 lost",
                "培育 near misses",
            ]);
            for count in &summary.policies {
                table.add_row(vec![
                    format!("{} {}", count.policy, count.name_zh),
                    count.eligible.to_string(),
                    count.unknown.to_string(),
                    count.amount.map(money).unwrap_or_default(),
                    count.gained.len().to_string(),
                    count.lost.len().to_string(),
                    count.near_misses.to_string(),
                ]);
            }
            writeln!(out, "{table}")?;
            if !summary.errors.is_empty() {
                writeln!(
                    out,
                    "{} 家企业评估出错 enterprises failed:",
                    summary.errors.len()
                )?;
                for error in summary.errors.iter().take(10) {
                    writeln!(out, "  {error}")?;
                }
            }
            if let Some(path) = xlsx {
                let bytes = entitlement_list(app, &pack, &summary.run).await?;
                write_whole(path, &bytes)?;
                writeln!(out, "免申即享名单 list → {}", path.display())?;
            }
        }
        PolicyCommand::Explain {
            pack,
            uscc: Some(uscc),
            period,
            known_on,
            ..
        } => {
            let code = zijin_domain::Uscc::parse(uscc)
                .map_err(|error| anyhow!("--uscc {uscc}: {error}"))?;
            let pack = load_pack(pack)?;
            let options = Options {
                known_on: *known_on,
                ..Options::period(*period)
            };
            let Some((entry, evaluation)) = app.explain_enterprise(&pack, &code, &options).await?
            else {
                bail!(
                    "no enterprise {uscc} in the registry; `zijin policy run` lists the registry's size"
                );
            };
            writeln!(
                out,
                "{} {}{}",
                entry.enterprise.uscc,
                entry.enterprise.name,
                if entry.enterprise.synthetic {
                    "（合成数据 synthetic）"
                } else {
                    ""
                }
            )?;
            write!(
                out,
                "{}",
                zijin_policy::explain::render_evaluation(&evaluation)
            )?;
        }
        PolicyCommand::NearMiss {
            pack,
            period,
            margin,
            out: path,
            input: None,
        } => {
            let limit = parse_rate(margin)?;
            if limit > zijin_app::policy::NEAR_MISS_MARGIN {
                bail!(
                    "--margin {margin}: a run stores the near misses within 10%; for a wider margin, run `zijin policy near-miss --input FILE.csv`"
                );
            }
            let (pack, _) = load_pack_text(pack)?;
            let Some(run) = app.latest_policy_run(&pack.info.id, *period).await? else {
                bail!(
                    "no run of pack {} for {period} is stored; run `zijin policy run --pack {} --period {period}` first",
                    pack.info.id,
                    pack.info.id
                );
            };
            let registry = app
                .registry(&zijin_store::RegistryFilter {
                    facts: zijin_store::FactYears::None,
                })
                .await?;
            let enterprises: std::collections::HashMap<
                &zijin_domain::Uscc,
                &zijin_domain::Enterprise,
            > = registry
                .iter()
                .map(|entry| (&entry.enterprise.uscc, &entry.enterprise))
                .collect();
            let names: std::collections::HashMap<String, String> = app
                .regions()
                .await?
                .into_iter()
                .map(|region| (region.code.to_string(), region.name_zh))
                .collect();
            let mut text = String::from(
                "policy,uscc,name,district,district_name,criterion,value,threshold,gap,relative_gap\n",
            );
            let mut rows = 0;
            for near in app.near_misses(run.id, None).await? {
                let near_miss = &near.near_miss;
                if near_miss.relative.is_none_or(|relative| relative > limit) {
                    continue;
                }
                let enterprise = enterprises.get(&near.uscc);
                let district = enterprise
                    .map_or_else(String::new, |enterprise| enterprise.district.to_string());
                let mut record = csv::Writer::from_writer(Vec::new());
                record.write_record([
                    near.policy_id.as_str(),
                    near.uscc.as_str(),
                    enterprise.map_or("", |enterprise| enterprise.name.as_str()),
                    &district,
                    names.get(&district).map_or("", String::as_str),
                    near_miss.criterion.as_str(),
                    near_miss.left.as_str(),
                    near_miss.right.as_str(),
                    &near_miss.gap.to_string(),
                    &near_miss
                        .relative
                        .map(|relative| relative.to_string())
                        .unwrap_or_default(),
                ])?;
                text.push_str(&String::from_utf8_lossy(&record.into_inner()?));
                rows += 1;
            }
            match path {
                Some(path) => {
                    write_whole(path, text.as_bytes())?;
                    writeln!(
                        out,
                        "运行 run #{} ({} {}, {period}): {rows} 家临界企业 near misses (gap ≤ {margin}) → {}",
                        run.id,
                        run.pack_id,
                        run.pack_version,
                        path.display()
                    )?;
                }
                None => write!(out, "{text}")?,
            }
        }
        _ => bail!("this policy command reads files, not the database"),
    }
    Ok(())
}

/// The 免申即享 workbook of a stored run: one sheet per district.
async fn entitlement_list<S: zijin_store::Store>(
    app: &zijin_app::Zijin<S>,
    pack: &Pack,
    run: &zijin_store::PolicyRunRecord,
) -> Result<Vec<u8>> {
    use std::collections::HashMap;
    use zijin_report::{DistrictList, EntitlementLine, ListInfo};

    let regions = app.regions().await?;
    let names: HashMap<String, String> = regions
        .iter()
        .map(|region| (region.code.to_string(), region.name_zh.clone()))
        .collect();
    let registry = app
        .registry(&zijin_store::RegistryFilter {
            facts: zijin_store::FactYears::None,
        })
        .await?;
    let enterprises: HashMap<&str, &zijin_domain::Enterprise> = registry
        .iter()
        .map(|entry| (entry.enterprise.uscc.as_str(), &entry.enterprise))
        .collect();
    let mut districts: Vec<DistrictList> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for entitlement in app.entitlements(run.id, None).await? {
        let Some(enterprise) = enterprises.get(entitlement.uscc.as_str()) else {
            continue;
        };
        let district = enterprise.district.to_string();
        let slot = *index.entry(district.clone()).or_insert_with(|| {
            districts.push(DistrictList {
                name: names.get(&district).cloned().unwrap_or(district.clone()),
                lines: Vec::new(),
            });
            districts.len() - 1
        });
        let explanation: zijin_app::policy::StoredExplanation = serde_json::from_str(
            &entitlement.explanation,
        )
        .unwrap_or(zijin_app::policy::StoredExplanation {
            reason: None,
            criteria: Vec::new(),
            near_miss: None,
        });
        let policy = pack
            .policy(&entitlement.policy_id)
            .map_or(entitlement.policy_id.clone(), |policy| {
                format!("{} {}", policy.name_zh, policy.name_en)
            });
        districts[slot].lines.push(EntitlementLine {
            uscc: entitlement.uscc.to_string(),
            name: enterprise.name.clone(),
            park: enterprise.park.as_ref().map(|park| {
                names
                    .get(&park.to_string())
                    .cloned()
                    .unwrap_or(park.to_string())
            }),
            policy,
            amount: entitlement
                .amount
                .and_then(|amount| amount.to_string().parse::<f64>().ok()),
            reasons: explanation.criteria,
        });
    }
    districts.sort_by(|a, b| a.name.cmp(&b.name));
    let info = ListInfo {
        pack: run.pack_id.clone(),
        version: run.pack_version.clone(),
        sha256: run.pack_sha256.clone(),
        period: run.period,
        run_id: run.id,
        created_at: run.created_at.to_rfc3339(),
        synthetic: registry.iter().any(|entry| entry.enterprise.synthetic),
    };
    Ok(zijin_report::entitlements_xlsx(&info, &districts)?)
}

/// Reads `input` and evaluates every enterprise with `program`, piece by
/// piece in parallel; the first error in the file's order stops it.
fn evaluate_file<T: Send>(
    input: &Input,
    programs: &[&Program<'_>],
    each: impl Fn(&Frame, &[Results<'_>]) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    input
        .pieces()
        .par_iter()
        .map(|piece| {
            let (frame, lines) = input
                .frame(piece)
                .map_err(|error| unreadable(input, programs, error))?;
            let results: Vec<Results<'_>> =
                programs.iter().map(|program| program.run(&frame)).collect();
            for results in &results {
                stopped(input, results, &lines)?;
            }
            each(&frame, &results)
        })
        .collect()
}

/// The first enterprise of a piece whose evaluation stopped, as an error
/// at its line.
fn stopped(input: &Input, results: &Results<'_>, lines: &Lines) -> Result<()> {
    match results.first_error() {
        Some((row, error)) => bail!("{}:{}: {error}", input.file, input.line_of(lines, row)),
        None => Ok(()),
    }
}

/// The first error of a piece with a row that cannot be read: an
/// enterprise before that row whose evaluation stops comes first in the
/// file; otherwise the row itself. Other errors pass unchanged.
fn unreadable(input: &Input, programs: &[&Program<'_>], error: anyhow::Error) -> anyhow::Error {
    let unreadable = match error.downcast::<Unreadable>() {
        Ok(unreadable) => unreadable,
        Err(error) => return error,
    };
    for program in programs {
        if let Err(error) = stopped(input, &program.run(&unreadable.frame), &unreadable.lines) {
            return error;
        }
    }
    unreadable.error
}

fn explain(
    pack_path: &Path,
    input: &Path,
    id: &str,
    period: i32,
    known_on: Option<chrono::NaiveDate>,
) -> Result<()> {
    let pack = load_pack(pack_path)?;
    let input = Input::read(&pack, input)?;
    let enterprise = input.enterprise(&pack, id)?;
    let options = Options {
        known_on,
        ..Options::period(period)
    };
    let evaluation = zijin_policy::eval::evaluate(&pack, &enterprise, &options)?;
    print!("{}", zijin_policy::explain::render_evaluation(&evaluation));
    Ok(())
}

fn reform(
    pack_path: &Path,
    set: &[String],
    input: &Path,
    period: i32,
    out: Option<&Path>,
) -> Result<()> {
    let pack = load_pack(pack_path)?;
    let overrides = set
        .iter()
        .map(|text| Override::parse(text).map_err(|error| anyhow!("--set {error}")))
        .collect::<Result<Vec<_>>>()?;
    let reformed = zijin_policy::reform::apply(&pack, &overrides)
        .map_err(|error| anyhow!("--set: {error}"))?;
    let options = Options::period(period);
    let baseline = Program::compile(&pack, &options).map_err(|error| anyhow!("{error}"))?;
    let changed = Program::compile(&reformed, &options).map_err(|error| anyhow!("{error}"))?;
    let input = Input::read(&pack, input)?;
    let pieces = evaluate_file(&input, &[&baseline, &changed], |frame, results| {
        let changes = zijin_policy::reform::changes(&pack, &results[0], &results[1]);
        let mut rows = Vec::new();
        for (p, change) in changes.iter().enumerate() {
            for (row, gains) in change
                .gained
                .iter()
                .map(|row| (*row, true))
                .chain(change.lost.iter().map(|row| (*row, false)))
            {
                let amount = |results: &Results<'_>| {
                    results.policies[p]
                        .amount
                        .as_ref()
                        .and_then(|amounts| amounts[row])
                };
                rows.push(ChangeRow {
                    policy: change.policy.clone(),
                    id: frame.ids().get(row).to_owned(),
                    gains,
                    before: amount(&results[0]),
                    after: amount(&results[1]),
                });
            }
        }
        Ok((changes, rows))
    })?;
    // Totals over all pieces.
    let mut totals: Vec<Total> = pack
        .policies
        .iter()
        .map(|policy| Total {
            policy: policy.id.clone(),
            ..Total::default()
        })
        .collect();
    let add = |total: &mut Option<Decimal>, more: Option<Decimal>| {
        if let Some(more) = more {
            *total = Some(total.unwrap_or_default() + more);
        }
    };
    let mut rows = Vec::new();
    for (changes, piece_rows) in pieces {
        for (total, change) in totals.iter_mut().zip(changes) {
            total.before += change.baseline_eligible;
            total.after += change.reform_eligible;
            total.gained += change.gained.len();
            total.lost += change.lost.len();
            add(&mut total.cost_before, change.baseline_cost);
            add(&mut total.cost_after, change.reform_cost);
        }
        rows.extend(piece_rows);
    }
    println!(
        "政策模拟 reform of {} {}, period {period}: {}",
        pack.info.id,
        pack.info.version,
        set.join(", ")
    );
    let mut table = crate::render::new_table(vec![
        "政策 policy",
        "基线 baseline",
        "模拟 reform",
        "新增 gain",
        "减少 lose",
        "基线金额 cost before",
        "模拟金额 cost after",
        "差额 difference",
    ]);
    for total in &totals {
        let difference = match (total.cost_before, total.cost_after) {
            (Some(a), Some(b)) => money(b - a),
            _ => String::new(),
        };
        table.add_row(vec![
            total.policy.clone(),
            total.before.to_string(),
            total.after.to_string(),
            total.gained.to_string(),
            total.lost.to_string(),
            total.cost_before.map(money).unwrap_or_default(),
            total.cost_after.map(money).unwrap_or_default(),
            difference,
        ]);
    }
    println!("{table}");
    if let Some(out) = out {
        let mut text = String::from("policy,id,change,amount_before,amount_after\n");
        for row in &rows {
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                row.policy,
                row.id,
                if row.gains { "gains" } else { "loses" },
                row.before.map(money).unwrap_or_default(),
                row.after.map(money).unwrap_or_default()
            ));
        }
        write_whole(out, text.as_bytes())?;
        println!("{} 条变化 changes → {}", rows.len(), out.display());
    }
    Ok(())
}

/// One policy's reform totals over the whole file.
#[derive(Default)]
struct Total {
    policy: String,
    before: usize,
    after: usize,
    gained: usize,
    lost: usize,
    cost_before: Option<Decimal>,
    cost_after: Option<Decimal>,
}

struct ChangeRow {
    policy: String,
    id: String,
    gains: bool,
    before: Option<Decimal>,
    after: Option<Decimal>,
}

fn near_miss(
    pack_path: &Path,
    input_path: &Path,
    period: i32,
    margin: &str,
    out: Option<&Path>,
) -> Result<()> {
    let pack = load_pack(pack_path)?;
    let limit = parse_rate(margin)?;
    let options = Options::period(period);
    let program = Program::compile(&pack, &options).map_err(|error| anyhow!("{error}"))?;
    let input = Input::read(&pack, input_path)?;
    let found = evaluate_file(&input, &[&program], |frame, results| {
        let results = &results[0];
        let mut rows = Vec::new();
        for candidate in zijin_policy::nearmiss::candidates(&pack, results) {
            let id = results.id(candidate.row);
            let enterprise = frame.enterprise(&pack, candidate.row);
            let evaluation = zijin_policy::eval::evaluate(&pack, &enterprise, &options)?;
            let policy = &pack.policies[candidate.policy];
            let criterion = &policy.criteria[candidate.criterion];
            let Some(found) =
                zijin_policy::nearmiss::margin(&evaluation, &policy.id, &criterion.id)
            else {
                continue;
            };
            if found.relative.is_some_and(|relative| relative <= limit) {
                rows.push((
                    id.to_owned(),
                    policy.id.clone(),
                    criterion.id.clone(),
                    found,
                ));
            }
        }
        Ok(rows)
    })?;
    let rows: Vec<_> = found.into_iter().flatten().collect();
    let mut text = String::from("policy,id,criterion,value,threshold,gap,relative_gap\n");
    for (id, policy, criterion, found) in &rows {
        text.push_str(&format!(
            "{policy},{id},{criterion},{},{},{},{}\n",
            found.comparison.left,
            found.comparison.right,
            found.gap.normalize(),
            found
                .relative
                .map(|relative| relative.round_dp(6).normalize().to_string())
                .unwrap_or_default()
        ));
    }
    match out {
        Some(out) => {
            write_whole(out, text.as_bytes())?;
            println!(
                "{} 家临界企业 near misses (gap ≤ {margin}) → {}",
                rows.len(),
                out.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// `10%` or `0.1` as a decimal fraction.
fn parse_rate(text: &str) -> Result<Decimal> {
    let trimmed = text.trim();
    let (number, scale) = match trimmed.strip_suffix('%') {
        Some(number) => (number, Decimal::ONE_HUNDRED),
        None => (trimmed, Decimal::ONE),
    };
    let value: Decimal = number
        .trim()
        .parse()
        .map_err(|_| anyhow!("--margin “{text}”: expected a rate such as 10% or 0.1"))?;
    if value.is_sign_negative() {
        bail!("--margin “{text}”: must be 0 or more");
    }
    Ok(value / scale)
}

/// Writes `bytes` to `path` whole: into a staging file first, then renamed.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let staging = staging_path(path);
    std::fs::write(&staging, bytes)
        .with_context(|| format!("cannot write {}", staging.display()))?;
    std::fs::rename(&staging, path).with_context(|| {
        let _ = std::fs::remove_file(&staging);
        format!("cannot write {}", path.display())
    })
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
    let pack = load_pack(pack_path)?;
    let columns = match columns {
        Some(list) => list
            .split(',')
            .map(|name| Column::resolve(&pack, name.trim()))
            .collect::<Result<Vec<_>>>()?,
        None if !pack.info.columns.is_empty() => pack
            .info
            .columns
            .iter()
            .map(|name| Column::resolve(&pack, name))
            .collect::<Result<Vec<_>>>()
            .with_context(|| format!("the columns of the pack {}", pack.info.id))?,
        None => Column::all(&pack),
    };
    let options = Options::period(period);
    let program = Program::compile(&pack, &options).map_err(|error| anyhow!("{error}"))?;
    let whats: Vec<&What> = columns.iter().map(|column| &column.what).collect();
    let names: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
    let batch = Batch {
        pack: &pack,
        program: &program,
        whats: &whats,
    };

    let staging = staging_path(out);
    let result = (|| -> Result<Counts> {
        let create = || -> Result<BufWriter<File>> {
            let file = File::create(&staging)
                .with_context(|| format!("cannot create {}", staging.display()))?;
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            writeln!(writer, "{}", names.join(","))?;
            Ok(writer)
        };
        let mut writer = create()?;
        let header = Input::open(&pack, input)?;
        let counts = match batch.stream(&header, &mut writer)? {
            Some(counts) => counts,
            None => {
                // A quoted field: records may span lines, so the file is
                // read whole and cut where the csv reader says.
                let whole = Input::read(&pack, input)?;
                writer = create()?;
                batch.whole(&whole, &mut writer)?
            }
        };
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
    println!(
        "用时 wall time {:.3} s: parse {:.3} s, evaluate {:.3} s, format {:.3} s (CPU time summed over {} pieces on {} threads, the file read and written alongside)",
        started.elapsed().as_secs_f64(),
        counts.phases[0].as_secs_f64(),
        counts.phases[1].as_secs_f64(),
        counts.phases[2].as_secs_f64(),
        counts.pieces,
        counts.threads,
    );
    Ok(())
}

/// A batch run: the pack, its compiled program and the result columns.
struct Batch<'a> {
    pack: &'a Pack,
    program: &'a Program<'a>,
    whats: &'a [&'a What],
}

impl Batch<'_> {
    /// One piece: its frame, evaluated, as result lines (appended to
    /// `text`) and counts; `None` when the piece must be read otherwise
    /// (see [`Input::chunk_frame`]). The first error of an enterprise
    /// stops the piece, with its line.
    fn piece(
        &self,
        input: &Input,
        parse: impl FnOnce() -> Result<Option<(Frame, Lines)>>,
        mut text: Vec<u8>,
    ) -> Result<Option<(Vec<u8>, Counts)>> {
        let clock = Instant::now();
        let Some((frame, lines)) =
            parse().map_err(|error| unreadable(input, &[self.program], error))?
        else {
            return Ok(None);
        };
        let parsed = clock.elapsed();
        let results = self.program.run(&frame);
        let evaluated = clock.elapsed();
        stopped(input, &results, &lines)?;
        text.reserve(frame.len() * 64);
        let mut counts = Counts::new(self.pack);
        let writer = RowWriter::new(self.pack, self.whats, &results);
        for row in 0..results.len() {
            writer.write(&mut text, row);
            counts.add(&results, row);
        }
        counts.phases = [parsed, evaluated - parsed, clock.elapsed() - evaluated];
        Ok(Some((text, counts)))
    }

    /// The file streamed piece by piece: one thread reads, every core
    /// parses, evaluates and formats a piece, and the pieces' lines are
    /// written in the file's order as soon as the ones before them are.
    /// Buffers go round (read → parsed → reused; formatted → written →
    /// reused), so memory stays a few pieces. `None` when a piece holds a
    /// quote; the first error in the file's order otherwise.
    fn stream(&self, input: &Input, out: &mut (impl Write + Send)) -> Result<Option<Counts>> {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicBool, Ordering};

        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let (send, receive) = std::sync::mpsc::sync_channel::<Chunk>(workers * 2);
        let (give_back, take_back) = std::sync::mpsc::channel::<Vec<u8>>();
        let receive = Mutex::new(receive);
        let stop = AtomicBool::new(false);
        let ordered = Mutex::new(InOrder {
            next: 0,
            pending: BTreeMap::new(),
            out,
            counts: Counts::new(self.pack),
            end: None,
            spare: Vec::new(),
        });
        let read = std::thread::scope(|scope| {
            let reader = {
                let stop = &stop;
                // Moved in: when the reader ends, the channel closes and the
                // workers finish what was sent.
                scope.spawn(move || {
                    input.stream(
                        || take_back.try_recv().unwrap_or_default(),
                        |chunk| !stop.load(Ordering::Relaxed) && send.send(chunk).is_ok(),
                    )
                })
            };
            for _ in 0..workers {
                let (receive, stop, ordered, give_back) =
                    (&receive, &stop, &ordered, give_back.clone());
                scope.spawn(move || {
                    let mut text = Vec::new();
                    loop {
                        let next = match receive.lock() {
                            Ok(receive) => receive.recv(),
                            Err(_) => break,
                        };
                        let Ok(chunk) = next else {
                            break;
                        };
                        let index = chunk.index;
                        let done = if stop.load(Ordering::Relaxed) {
                            Piece::Skipped
                        } else {
                            match self.piece(input, || input.chunk_frame(&chunk), text) {
                                Ok(Some(done)) => Piece::Done(Ok(done)),
                                Ok(None) => Piece::Quoted,
                                Err(error) => Piece::Done(Err(error)),
                            }
                        };
                        // The reader's buffer back; a written buffer for
                        // the next piece's lines.
                        let _ = give_back.send(chunk.bytes);
                        let Ok(mut ordered) = ordered.lock() else {
                            break;
                        };
                        if ordered.deposit(index, done) {
                            stop.store(true, Ordering::Relaxed);
                        }
                        text = ordered.spare.pop().unwrap_or_default();
                    }
                });
            }
            reader.join()
        });
        let InOrder { counts, end, .. } = ordered
            .into_inner()
            .map_err(|_| anyhow!("a worker stopped"))?;
        match end {
            Some(End::Quoted) => return Ok(None),
            Some(End::Failed(error)) => return Err(error),
            None => {}
        }
        read.map_err(|_| anyhow!("the reader stopped"))??;
        let mut counts = counts;
        counts.threads = workers;
        Ok(Some(counts))
    }

    /// The file read whole and cut into pieces, in parallel (a file with
    /// quoted fields).
    fn whole(&self, input: &Input, out: &mut impl Write) -> Result<Counts> {
        let outputs = input
            .pieces()
            .par_iter()
            .map(|piece| {
                self.piece(input, || input.frame(piece).map(Some), Vec::new())?
                    .ok_or_else(|| anyhow!("{}: cannot cut the file into records", input.file))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut counts = Counts::new(self.pack);
        for (text, piece_counts) in outputs {
            out.write_all(&text)?;
            counts.merge(piece_counts);
        }
        counts.threads = rayon::current_num_threads();
        Ok(counts)
    }
}

/// What a worker made of a streamed piece.
enum Piece {
    Done(Result<(Vec<u8>, Counts)>),
    Quoted,
    /// Not worked on: an earlier piece already ended the run.
    Skipped,
}

/// Why a streamed run ended before the end of the file.
enum End {
    Quoted,
    Failed(anyhow::Error),
}

/// The pieces done, written out in the file's order.
struct InOrder<'w, W> {
    next: usize,
    pending: BTreeMap<usize, Piece>,
    out: &'w mut W,
    counts: Counts,
    end: Option<End>,
    /// Buffers written out, emptied, for the workers' next pieces.
    spare: Vec<Vec<u8>>,
}

impl<W: Write> InOrder<'_, W> {
    /// Takes piece `index` and writes every piece now in order; true when
    /// the run has ended (the first error, in the file's order, or a quote).
    fn deposit(&mut self, index: usize, piece: Piece) -> bool {
        self.pending.insert(index, piece);
        while let Some(piece) = self.pending.remove(&self.next) {
            self.next += 1;
            if self.end.is_some() {
                continue;
            }
            match piece {
                Piece::Done(Ok((mut text, counts))) => match self.out.write_all(&text) {
                    Ok(()) => {
                        self.counts.merge(counts);
                        text.clear();
                        self.spare.push(text);
                    }
                    Err(error) => self.end = Some(End::Failed(error.into())),
                },
                Piece::Done(Err(error)) => self.end = Some(End::Failed(error)),
                Piece::Quoted => self.end = Some(End::Quoted),
                Piece::Skipped => {}
            }
        }
        self.end.is_some()
    }
}

fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results.csv".to_owned());
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// One column of the results.
struct Column {
    name: String,
    what: What,
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

fn money(amount: Decimal) -> String {
    let mut out = Vec::new();
    crate::policy_csv::push_money(&mut out, amount);
    String::from_utf8(out).unwrap_or_default()
}

struct Counts {
    enterprises: usize,
    policies: Vec<PolicyCount>,
    /// Parse, evaluate, format: summed over the pieces.
    phases: [std::time::Duration; 3],
    pieces: usize,
    threads: usize,
}

struct PolicyCount {
    id: String,
    eligible: usize,
    amount: Option<Decimal>,
}

impl Counts {
    fn new(pack: &Pack) -> Counts {
        Counts {
            phases: Default::default(),
            pieces: 0,
            threads: 0,
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

    fn add(&mut self, results: &Results<'_>, row: usize) {
        self.enterprises += 1;
        for (count, result) in self.policies.iter_mut().zip(&results.policies) {
            count.eligible += usize::from(result.status[row] == Status::Pass);
            if let (Some(total), Some(Some(amount))) = (
                count.amount.as_mut(),
                result.amount.as_ref().map(|amounts| amounts[row]),
            ) {
                *total += amount;
            }
        }
    }

    fn merge(&mut self, other: Counts) {
        self.enterprises += other.enterprises;
        self.pieces += 1;
        for (total, more) in self.phases.iter_mut().zip(other.phases) {
            *total += more;
        }
        for (count, more) in self.policies.iter_mut().zip(other.policies) {
            count.eligible += more.eligible;
            if let (Some(total), Some(amount)) = (count.amount.as_mut(), more.amount) {
                *total += amount;
            }
        }
    }
}
