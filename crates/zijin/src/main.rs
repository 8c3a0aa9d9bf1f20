//! `zijin`: the command-line interface of Zijin (紫金), for a city's
//! science-and-technology bureau to monitor its plan (规划实施动态监测评估).
//!
//! This binary parses arguments, reads and writes files, reads the clock and
//! prints; everything else happens in `zijin-app`.

mod cli;
mod index;
mod policy;
mod policy_csv;
mod render;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use zijin_app::{Actor, AssessQuery, InputFile, Zijin, demo};
use zijin_store::{AnyStore, PlanSaved, Store};

use crate::cli::{
    Cli, Command, Format, PlanCommand, RegionsCommand, RegistryCommand, ReportFormat,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Index { command } = &cli.command {
        // The index commands read and write files only: no database, no runtime.
        return match index::run(command, cli.lang) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("错误 error: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    if let Command::Policy { command } = &cli.command
        && !policy::needs_database(command)
    {
        // These policy commands read and write files only: no database, no runtime.
        return match policy::run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("错误 error: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("错误 error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误 error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let location = cli.database_location();
    if let Command::Demo { no_serve, listen } = &cli.command {
        run_demo(&cli, &location).await?;
        if *no_serve {
            return Ok(());
        }
        return serve(open(&location).await?, *listen).await;
    }
    let app = open(&location).await?;
    let actor = Actor {
        name: cli.actor_name(),
        now: Utc::now(),
    };
    let mut out = std::io::stdout().lock();
    match &cli.command {
        Command::Init => {
            let report = app.init(&actor).await?;
            writeln!(
                out,
                "数据库 database: {}",
                zijin_store::redact_location(&location)
            )?;
            writeln!(
                out,
                "规划 plan {}: {}",
                report.plan_code,
                describe_plan_saved(report.plan)
            )?;
            writeln!(
                out,
                "地区 regions: {} added, {} updated, {} unchanged",
                report.regions.added, report.regions.updated, report.regions.unchanged
            )?;
        }
        Command::Plan {
            command: PlanCommand::Load { file },
        } => {
            let text = read_text(file)?;
            let (plan, saved) = app
                .load_plan(&text, &file.display().to_string(), &actor)
                .await?;
            writeln!(
                out,
                "规划 plan {} ({}): {}",
                plan.code,
                plan.name_zh,
                describe_plan_saved(saved)
            )?;
            writeln!(
                out,
                "{} indicators; now the active plan",
                plan.indicators.len()
            )?;
        }
        Command::Plan {
            command: PlanCommand::Show { format },
        } => {
            let stored = app.active_plan().await?;
            match format {
                Format::Json => serde_json::to_writer_pretty(&mut out, &stored.plan)?,
                Format::Csv => render::plan_csv(&mut out, &stored.plan)?,
                Format::Table => render::plan_table(&mut out, &stored, cli.lang)?,
            }
            writeln!(out)?;
        }
        Command::Plan {
            command: PlanCommand::List,
        } => {
            let plans = app.store().plans().await?;
            let active = app
                .store()
                .active_plan()
                .await?
                .map(|stored| stored.plan.code);
            for stored in plans {
                let marker = if Some(&stored.plan.code) == active.as_ref() {
                    "*"
                } else {
                    " "
                };
                writeln!(
                    out,
                    "{marker} {} v{} {}–{} {} ({} indicators, loaded {})",
                    stored.plan.code,
                    stored.version,
                    stored.plan.base_year,
                    stored.plan.target_year,
                    stored.plan.name_zh,
                    stored.plan.indicators.len(),
                    stored.loaded_at.format("%Y-%m-%d %H:%M UTC")
                )?;
            }
        }
        Command::Regions {
            command: RegionsCommand::Load { file },
        } => {
            let text = read_text(file)?;
            let saved = app.load_regions(&text, &file.display().to_string()).await?;
            writeln!(
                out,
                "地区 regions: {} added, {} updated, {} unchanged",
                saved.added, saved.updated, saved.unchanged
            )?;
        }
        Command::Regions {
            command: RegionsCommand::List { format },
        } => {
            let regions = app.regions().await?;
            render::regions(&mut out, &regions, *format, cli.lang)?;
        }
        Command::Import { files, quality } => {
            let inputs = read_inputs(files)?;
            let bar = progress_bar(&inputs);
            let mut progress = |name: &str, done: u64, total: u64| {
                if let Some(bar) = &bar {
                    bar.set_message(name.to_owned());
                    bar.set_length(total);
                    bar.set_position(done);
                }
            };
            let outcome = app
                .import_files(&inputs, &actor, *quality, &mut progress)
                .await;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let outcome = outcome?;
            match outcome.import_id {
                Some(id) => writeln!(
                    out,
                    "导入 import #{id}: {} new, {} revised, {} unchanged",
                    outcome.added, outcome.revised, outcome.unchanged
                )?,
                None => writeln!(
                    out,
                    "导入 import: nothing new ({} rows identical to the stored values); the database is unchanged",
                    outcome.unchanged
                )?,
            }
        }
        Command::Template {
            region,
            period,
            out: path,
            force,
        } => {
            if path.exists() && !force {
                bail!(
                    "{} already exists; pass --force to replace it",
                    path.display()
                );
            }
            let bytes = app.reporting_workbook(region, *period).await?;
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            writeln!(
                out,
                "报送表 reporting workbook for {region}, {period}: {}",
                path.display()
            )?;
        }
        Command::Assess {
            as_of,
            regions,
            indicators,
            format,
        } => {
            let query = AssessQuery {
                as_of: *as_of,
                regions: regions.clone(),
                indicators: indicators.clone(),
            };
            let report = app.assess(&query).await?;
            render::assessment(&mut out, &report, *format, cli.lang)?;
        }
        Command::History {
            indicator,
            region,
            format,
        } => {
            let records = app.history(indicator, region).await?;
            render::history(&mut out, &records, *format, cli.lang)?;
        }
        Command::Registry {
            command: RegistryCommand::Import { files },
        } => {
            let inputs = read_inputs(files)?;
            let outcome = app.import_registry(&inputs, &actor).await?;
            writeln!(
                out,
                "企业登记导入 registry import {}: enterprises {} new, {} updated, {} unchanged; facts {} new, {} revised, {} unchanged; labels {} new, {} revised, {} unchanged",
                outcome
                    .import_id
                    .map_or_else(|| "(nothing new)".to_owned(), |id| format!("#{id}")),
                outcome.enterprises_added,
                outcome.enterprises_updated,
                outcome.enterprises_unchanged,
                outcome.facts_added,
                outcome.facts_revised,
                outcome.facts_unchanged,
                outcome.labels_added,
                outcome.labels_revised,
                outcome.labels_unchanged
            )?;
        }
        Command::Registry {
            command: RegistryCommand::Counts { year },
        } => {
            registry_counts(&app, *year, &mut out).await?;
        }
        Command::Imports => {
            for import in app.imports().await? {
                writeln!(
                    out,
                    "#{} {} by {}: {} new, {} revised — {}",
                    import.id,
                    import.imported_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    import.imported_by,
                    import.added,
                    import.revised,
                    import.files.join(", ")
                )?;
            }
        }
        Command::Serve { listen } => {
            drop(out);
            return serve(app, *listen).await;
        }
        Command::Report {
            period,
            format,
            out: path,
            force,
        } => {
            if path.exists() && !force {
                bail!(
                    "{} exists; choose another --out or add --force to replace it",
                    path.display()
                );
            }
            let lang = match cli.lang {
                cli::Lang::Zh => zijin_domain::Lang::Zh,
                cli::Lang::En => zijin_domain::Lang::En,
            };
            let bulletin = zijin_report::gather(&app, *period, lang).await?;
            let bytes = match format {
                ReportFormat::Html => zijin_report::html(&bulletin).into_bytes(),
                ReportFormat::Xlsx => zijin_report::xlsx(&bulletin)?,
                ReportFormat::Pdf => zijin_report::PdfEngine::new()?.render(&bulletin)?,
            };
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            writeln!(
                out,
                "通报 bulletin {period} → {} ({} bytes)",
                path.display(),
                bytes.len()
            )?;
        }
        Command::Evaluate {
            framework,
            runs,
            seed,
        } => {
            let started = std::time::Instant::now();
            let done = app
                .run_evaluations(framework.as_deref(), *runs, *seed, &actor)
                .await?;
            let elapsed = started.elapsed();
            print_evaluations(&mut out, &app, &done, cli.lang).await?;
            writeln!(
                out,
                "{} 次运行已保存 runs stored in {:.2} s",
                done.len(),
                elapsed.as_secs_f64()
            )?;
        }
        Command::Demo { .. } => unreachable!("handled above"),
        Command::Index { .. } => unreachable!("handled in main"),
        Command::Policy { command } => {
            policy::run_with_database(&app, command, actor.now, &mut out).await?;
        }
    }
    Ok(())
}

/// Serves the dashboard and the API until Ctrl-C, printing the address first.
async fn serve(app: Zijin<AnyStore>, listen: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen} (is another program using the port?)"))?;
    let address = listener.local_addr()?;
    if !address.ip().is_loopback() {
        eprintln!(
            "注意 warning: serving on {address}, reachable from the network; Zijin has no access control yet"
        );
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "紫金 Zijin 仪表盘 dashboard: http://{address}/  (API: http://{address}/api/v1/openapi.json; Ctrl-C 停止 to stop)"
        )?;
        out.flush()?;
    }
    zijin_server::serve(app, listener)
        .await
        .context("serving the dashboard")?;
    Ok(())
}

/// `zijin demo`: a fresh demo database, then the assessment of the whole plan.
async fn run_demo(cli: &Cli, location: &str) -> Result<()> {
    if !cli::is_postgres(location) {
        replace_demo_file(Path::new(location)).await?;
    }
    let app = open(location).await?;
    refuse_foreign_data(&app, location).await?;
    let actor = Actor {
        name: demo::DEMO_ACTOR.to_owned(),
        now: Utc::now(),
    };
    let report = demo::build(&app, &actor).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "紫金 Zijin 演示 demo — 数据库 database: {}",
        zijin_store::redact_location(location)
    )?;
    writeln!(
        out,
        "规划 plan: {} ({} 项指标 indicators, {}–{})",
        report.assessment.plan.name_zh,
        report.assessment.plan.indicators.len(),
        report.assessment.plan.base_year,
        report.assessment.plan.target_year
    )?;
    writeln!(
        out,
        "公开数据 published figures: {} rows; 合成数据 synthetic district and park data: {} rows (labelled synthetic)",
        report.published.added + report.published.unchanged,
        report.synthetic_rows
    )?;
    // The evaluation frameworks run by the demo, one line per framework.
    let mut frameworks: Vec<(&str, &str, &str, Vec<i32>)> = Vec::new();
    for run in &report.evaluations {
        match frameworks.iter_mut().find(|f| f.0 == run.key) {
            Some(f) => f.3.push(run.year),
            None => frameworks.push((&run.key, &run.name_zh, &run.version, vec![run.year])),
        }
    }
    for (key, name, version, years) in &frameworks {
        writeln!(
            out,
            "考核评价 evaluation {name} (v{version}): {}–{}, 合成数据 synthetic; zijin evaluate --framework {key}, /evaluations/{key}/{}",
            years.iter().min().unwrap_or(&0),
            years.iter().max().unwrap_or(&0),
            years.iter().max().unwrap_or(&0),
        )?;
    }
    if report.registry.enterprises_added > 0 {
        writeln!(
            out,
            "企业登记 registry: {} 家企业 enterprises, {} facts, {} labels, 合成数据 synthetic; zijin registry counts --year {}",
            report.registry.enterprises_added,
            report.registry.facts_added,
            report.registry.labels_added,
            demo::DEMO_POLICY_PERIOD
        )?;
    }
    if let Some(run) = &report.policy_run {
        let counts: Vec<String> = run
            .policies
            .iter()
            .map(|policy| format!("{} {}", policy.name_zh, policy.eligible))
            .collect();
        writeln!(
            out,
            "免申即享 policy run #{} ({} {}, {}): {}; /policies, zijin policy run --pack default --period {}",
            run.run.id,
            run.run.pack_id,
            run.run.pack_version,
            run.run.period,
            counts.join("，"),
            run.run.period
        )?;
    }
    writeln!(out)?;
    render::demo(&mut out, &report.assessment, cli.lang)?;
    Ok(())
}

/// The demo starts from a fresh file, but never deletes a database that holds
/// anything the demo did not put there.
async fn replace_demo_file(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    {
        let app = open(&path.display().to_string()).await?;
        refuse_foreign_data(&app, &path.display().to_string()).await?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("removing the old demo database {}", file.display()))?;
        }
    }
    Ok(())
}

async fn refuse_foreign_data(app: &Zijin<AnyStore>, location: &str) -> Result<()> {
    let foreign = app
        .imports()
        .await?
        .into_iter()
        .filter(|import| !import.imported_by.starts_with(demo::DEMO_ACTOR))
        .count();
    if foreign > 0 {
        let location = zijin_store::redact_location(location);
        bail!(
            "{location} holds {foreign} import(s) not made by the demo; the demo will not touch it. \
             Run the demo with another --db (the default is zijin-demo.db)."
        );
    }
    Ok(())
}

async fn open(location: &str) -> Result<Zijin<AnyStore>> {
    let store = AnyStore::open(location).await.with_context(|| {
        format!(
            "opening the database {}",
            zijin_store::redact_location(location)
        )
    })?;
    Ok(Zijin::new(store))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn describe_plan_saved(saved: PlanSaved) -> String {
    match saved {
        PlanSaved::NewVersion(version) => format!("stored as version {version}"),
        PlanSaved::Unchanged(version) => format!("unchanged (version {version})"),
    }
}

/// A progress bar on stderr for large imports (over a megabyte); none for
/// small files or when stderr is not a terminal (indicatif hides it then).
fn progress_bar(inputs: &[InputFile]) -> Option<ProgressBar> {
    let total: usize = inputs.iter().map(|input| input.bytes.len()).sum();
    if total < 1 << 20 {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .expect("valid progress template")
            .progress_chars("=> "),
    );
    Some(bar)
}

/// `zijin evaluate`: per framework and year, the top 5 on the index with
/// their 90% rank interval, and the institutions the exit rule flags, with
/// the synthetic-data label.
async fn print_evaluations(
    out: &mut impl Write,
    app: &Zijin<AnyStore>,
    runs: &[zijin_app::EvaluationRun],
    lang: cli::Lang,
) -> Result<()> {
    let en = lang == cli::Lang::En;
    let mut notes: Vec<String> = Vec::new();
    for run in runs {
        let Some(evaluation) = app.evaluation(&run.key, run.year).await? else {
            continue;
        };
        let name = if en { &run.name_en } else { &run.name_zh };
        let label = if run.synthetic {
            "  [合成数据 synthetic data]"
        } else {
            ""
        };
        writeln!(
            out,
            "{name} ({} {}) — {} {} #{}, {} draws, seed {}{label}",
            run.framework,
            run.version,
            run.year,
            if en { "run" } else { "年 运行" },
            run.id,
            run.runs,
            run.seed
        )?;
        let ranked: usize = evaluation
            .results
            .iter()
            .filter(|r| r.code == evaluation.index_code && r.rank.is_some())
            .count();
        for (code, unit_name) in evaluation.units.iter().take(5) {
            let result = evaluation
                .results
                .iter()
                .find(|r| &r.unit == code && r.code == evaluation.index_code);
            let rank = result
                .and_then(|r| r.rank)
                .map_or("–".to_owned(), |r| r.to_string());
            let score = result
                .and_then(|r| r.score)
                .map_or("–".to_owned(), |s| format!("{s:.1}"));
            let interval = evaluation
                .uncertainty
                .iter()
                .find(|u| &u.unit == code)
                .map_or(String::new(), |u| {
                    format!(
                        "  {} {:.0}–{:.0}",
                        if en {
                            "ranks 5–95%:"
                        } else {
                            "名次 5–95% 区间"
                        },
                        u.q05,
                        u.q95
                    )
                });
            writeln!(
                out,
                "  {rank:>3}/{ranked} {code:<8} {unit_name}  {score}{interval}"
            )?;
        }
        if evaluation.exit_flags.is_empty() {
            // No exit rule in this framework.
        } else {
            let flagged: Vec<_> = evaluation.exit_flags.iter().filter(|f| f.flagged).collect();
            if flagged.is_empty() {
                writeln!(
                    out,
                    "  {}",
                    if en {
                        "exit flags: none"
                    } else {
                        "退出预警：无"
                    }
                )?;
            }
            for flag in flagged {
                let unit_name = evaluation
                    .units
                    .iter()
                    .find(|(code, _)| code == &flag.unit)
                    .map_or("", |(_, name)| name.as_str());
                writeln!(
                    out,
                    "  {} {} {unit_name}",
                    if en { "EXIT FLAG" } else { "退出预警" },
                    flag.unit
                )?;
                let reasons = if en {
                    &flag.reasons_en
                } else {
                    &flag.reasons_zh
                };
                for reason in reasons {
                    writeln!(out, "      - {reason}")?;
                }
            }
        }
        let note = if en { &run.note_en } else { &run.note_zh };
        if run.synthetic && !notes.contains(note) {
            notes.push(note.clone());
        }
        writeln!(out)?;
    }
    for note in notes {
        writeln!(out, "合成数据 synthetic: {note}")?;
    }
    Ok(())
}

/// The computed counts of the registry beside the reported figures.
async fn registry_counts(app: &Zijin<AnyStore>, year: i32, out: &mut impl Write) -> Result<()> {
    let beside = app.computed_beside_reported(year).await?;
    let counts = &beside.counts;
    writeln!(
        out,
        "登记库计数 computed from the registry, {year} (as of {}): {} 高企 valid certificates, {} 科技型中小企业 registrations{}",
        counts.as_of,
        counts.total_high_tech_enterprises,
        counts.total_tech_smes,
        if counts.total_synthetic > 0 {
            format!(
                "; 合成数据 synthetic: {} enterprises",
                counts.total_synthetic
            )
        } else {
            String::new()
        }
    )?;
    writeln!(out, "{} / {}", counts.note_zh, counts.note_en)?;
    let mut table = render::new_table(vec![
        "地区 region",
        "高企 计算 computed",
        "高企 报送 reported",
        "差 difference",
        "科小 计算 computed",
        "科小 报送 reported",
        "差 difference",
    ]);
    let cell = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |v| format!("{v}"));
    let difference =
        |value: Option<f64>| value.map_or_else(String::new, |difference| format!("{difference:+}"));
    for row in &beside.rows {
        let name = if row.kind == zijin_domain::RegionKind::City {
            format!("{} {}（全市 city）", row.region, row.name_zh)
        } else {
            format!("{} {}", row.region, row.name_zh)
        };
        let mut cells = vec![name];
        for indicator in [
            zijin_app::registry::HIGH_TECH_ENTERPRISES,
            zijin_app::registry::TECH_SMES,
        ] {
            if let Some((computed, reported, gap)) = row.of(indicator) {
                cells.extend([computed.to_string(), cell(reported), difference(gap)]);
            }
        }
        table.add_row(cells);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

/// The files to import, read whole (named by their path).
fn read_inputs(files: &[PathBuf]) -> Result<Vec<InputFile>> {
    files
        .iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Ok(InputFile {
                name: path.display().to_string(),
                bytes,
            })
        })
        .collect()
}
