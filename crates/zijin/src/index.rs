//! `zijin index`: composite indices (综合指数) from files, with COINr's method.
//!
//! Reads iMeta, iData and the pipeline with `zijin-exchange`, runs the pure
//! engine `zijin-index`, and writes its results as CSV files into one
//! directory — all of them or none. No database is involved.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use comfy_table::CellAlignment;
use zijin_exchange::{
    format_value, frame_csv, parse_index_spec, parse_index_toml, read_framework, read_index_data,
    records_csv,
};
use zijin_index::uncertainty::{Analysis, AnalysisKind, AnalysisSpec};
use zijin_index::{Build, Dataset, Fallback, Framework, IndexError, Pipeline, Spec, Stage};

use crate::cli::{IndexCommand, IndexInputs, IndexOutput, Lang};
use crate::render::{new_table, tr};

/// Runs an index command.
pub fn run(command: &IndexCommand, lang: Lang) -> Result<()> {
    match command {
        IndexCommand::Build { inputs, output } => build(inputs, output, lang),
        IndexCommand::Analyse {
            inputs,
            uncertainty,
            runs,
            seed,
            output,
        } => analyse(inputs, uncertainty, *runs, *seed, output, lang),
    }
}

/// The files every build may write; with `--force`, those a new build does
/// not write are removed so that the directory describes one build.
const BUILD_FILES: [&str; 13] = [
    "raw.csv",
    "denominated.csv",
    "imputed.csv",
    "screened.csv",
    "treated.csv",
    "normalised.csv",
    "aggregated.csv",
    "ranks.csv",
    "effective_weights.csv",
    "treatment.csv",
    "treated_points.csv",
    "screening.csv",
    "denominate_gaps.csv",
];

/// The files an analysis may write.
const ANALYSIS_FILES: [&str; 4] = [
    "rank_stats.csv",
    "sensitivity.csv",
    "unit_sensitivity.csv",
    "removals.csv",
];

/// The input files, read and checked.
struct Inputs {
    framework: Framework,
    data: Dataset,
    spec: Spec,
    data_file: String,
    meta_file: String,
    spec_file: String,
}

impl Inputs {
    fn read(inputs: &IndexInputs) -> Result<Inputs> {
        let meta_file = inputs.meta.display().to_string();
        let data_file = inputs.data.display().to_string();
        let spec_file = inputs.spec.display().to_string();
        let framework = read_framework(&meta_file, &read_bytes(&inputs.meta)?)?;
        let mut data = read_index_data(&data_file, &read_bytes(&inputs.data)?, &framework)?;
        let spec_text = std::fs::read_to_string(&inputs.spec)
            .with_context(|| format!("reading {spec_file}"))?;
        let spec = parse_index_spec(&spec_file, &spec_text)?;
        // Imputation over time uses every year, so it comes before one is picked.
        if let Some(panel) = &spec.impute_panel {
            data = data.impute_panel(panel).0;
        }
        if let Some(year) = inputs.time {
            let years = data.years();
            if data.times.is_none() {
                bail!("{data_file}: --time {year} was given but iData has no Time column");
            }
            if !years.contains(&year) {
                bail!(
                    "{data_file}: no row has Time {year}; the data cover {}",
                    years
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            data = data.at_time(year);
        }
        Ok(Inputs {
            framework,
            data,
            spec,
            data_file,
            meta_file,
            spec_file,
        })
    }

    fn pipeline(&self) -> Result<Pipeline<'_>> {
        Pipeline::new(&self.framework, &self.data, &self.spec).map_err(|e| self.locate(e))
    }

    /// An engine error with the file it is about (the engine knows no file names).
    fn locate(&self, error: IndexError) -> anyhow::Error {
        let file = match &error {
            IndexError::Meta { .. } | IndexError::MetaTree { .. } => &self.meta_file,
            IndexError::Data { .. } => {
                if matches!(&error, IndexError::Data { column, .. } if column == "Time") {
                    return anyhow::anyhow!("{}: {error}; pass --time YEAR", self.data_file);
                }
                &self.data_file
            }
            IndexError::Spec { .. } => &self.spec_file,
            IndexError::Compute { .. } => return anyhow::anyhow!("计算 computing: {error}"),
        };
        anyhow::anyhow!("{file}: {error}")
    }

    /// The unit names by code (uName, else the code).
    fn names(&self) -> HashMap<&str, &str> {
        self.data
            .codes
            .iter()
            .zip(&self.data.names)
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect()
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// `zijin index build`.
fn build(inputs: &IndexInputs, output: &IndexOutput, lang: Lang) -> Result<()> {
    let loaded = Inputs::read(inputs)?;
    let pipeline = loaded.pipeline()?;
    let build = pipeline.run().map_err(|e| loaded.locate(e))?;
    let files = build_files(&loaded.framework, &build);
    write_outputs(&output.out, &files, &BUILD_FILES, output.force)?;
    let mut out = std::io::stdout().lock();
    summary(&mut out, &loaded, &build, lang)?;
    writeln!(
        out,
        "输出 output: {} ({} 个文件 files)",
        output.out.display(),
        files.len()
    )?;
    Ok(())
}

/// `zijin index analyse`.
fn analyse(
    inputs: &IndexInputs,
    analysis_file: &Path,
    runs: usize,
    seed: u64,
    output: &IndexOutput,
    lang: Lang,
) -> Result<()> {
    let loaded = Inputs::read(inputs)?;
    let analysis_name = analysis_file.display().to_string();
    let text = std::fs::read_to_string(analysis_file)
        .with_context(|| format!("reading {analysis_name}"))?;
    let spec: AnalysisSpec = parse_index_toml(&analysis_name, &text)?;
    let pipeline = loaded.pipeline()?;
    let started = Instant::now();
    let analysis =
        zijin_index::uncertainty::analyse(&pipeline, &spec, runs, seed).map_err(|e| {
            // The analysis checks its own file too; name it.
            match e {
                IndexError::Spec { .. } => anyhow::anyhow!("{analysis_name}: {e}"),
                other => loaded.locate(other),
            }
        })?;
    let elapsed = started.elapsed();
    let files = analysis_files(&analysis);
    write_outputs(&output.out, &files, &ANALYSIS_FILES, output.force)?;
    let mut out = std::io::stdout().lock();
    analysis_summary(&mut out, &loaded, &analysis, runs, seed, lang)?;
    writeln!(
        out,
        "用时 elapsed: {:.2} s ({} 次构建 builds, {:.2} ms each); {} threads",
        elapsed.as_secs_f64(),
        analysis.builds,
        elapsed.as_secs_f64() * 1000.0 / analysis.builds.max(1) as f64,
        rayon_threads()
    )?;
    writeln!(
        out,
        "输出 output: {} ({} 个文件 files)",
        output.out.display(),
        files.len()
    )?;
    Ok(())
}

/// The threads the analysis ran on (rayon's global pool).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn analysis_files(analysis: &Analysis) -> Vec<(String, String)> {
    let mut files = Vec::new();
    if !analysis.rank_stats.is_empty() {
        let mut stats: Vec<_> = analysis.rank_stats.iter().collect();
        stats.sort_by(|a, b| a.nominal.total_cmp(&b.nominal).then(a.unit.cmp(&b.unit)));
        let rows: Vec<Vec<String>> = stats
            .iter()
            .map(|s| {
                vec![
                    s.unit.clone(),
                    format_value(s.nominal),
                    format_value(s.mean),
                    format_value(s.median),
                    format_value(s.q05),
                    format_value(s.q95),
                ]
            })
            .collect();
        files.push((
            "rank_stats.csv".to_owned(),
            records_csv(&["uCode", "nominal", "mean", "median", "q05", "q95"], &rows),
        ));
    }
    if let Some(sensitivity) = &analysis.sensitivity {
        let rows: Vec<Vec<String>> = sensitivity
            .iter()
            .map(|s| {
                vec![
                    s.input.clone(),
                    format_value(s.first),
                    format_value(s.first_ci[0]),
                    format_value(s.first_ci[1]),
                    format_value(s.total),
                    format_value(s.total_ci[0]),
                    format_value(s.total_ci[1]),
                ]
            })
            .collect();
        files.push((
            "sensitivity.csv".to_owned(),
            records_csv(
                &[
                    "input",
                    "first",
                    "first_lower",
                    "first_upper",
                    "total",
                    "total_lower",
                    "total_upper",
                ],
                &rows,
            ),
        ));
    }
    if let Some(units) = &analysis.unit_sensitivity {
        let rows: Vec<Vec<String>> = units
            .iter()
            .flat_map(|u| {
                analysis.inputs.iter().enumerate().map(move |(i, input)| {
                    vec![
                        u.unit.clone(),
                        input.clone(),
                        format_value(u.first[i]),
                        format_value(u.total[i]),
                    ]
                })
            })
            .collect();
        files.push((
            "unit_sensitivity.csv".to_owned(),
            records_csv(&["uCode", "input", "first", "total"], &rows),
        ));
    }
    if let Some(removals) = &analysis.removals {
        let rows: Vec<Vec<String>> = removals
            .iter()
            .map(|r| vec![r.code.clone(), format_value(r.mean_abs_shift)])
            .collect();
        files.push((
            "removals.csv".to_owned(),
            records_csv(&["iCode", "mean_abs_shift"], &rows),
        ));
    }
    files
}

fn analysis_summary(
    out: &mut impl Write,
    inputs: &Inputs,
    analysis: &Analysis,
    runs: usize,
    seed: u64,
    lang: Lang,
) -> Result<()> {
    let kind = match analysis.kind {
        AnalysisKind::Uncertainty => "不确定性 uncertainty",
        AnalysisKind::Sensitivity => "敏感性 sensitivity",
        AnalysisKind::RemoveOne => "逐一剔除 remove one",
    };
    writeln!(
        out,
        "分析 analysis: {kind}; 目标 target: {}; 输入 inputs: {}",
        analysis.target,
        if analysis.inputs.is_empty() {
            "—".to_owned()
        } else {
            analysis.inputs.join(", ")
        }
    )?;
    if analysis.kind != AnalysisKind::RemoveOne {
        writeln!(out, "运行 runs: {runs}; 种子 seed: {seed}")?;
    }
    if analysis.failed > 0 {
        writeln!(
            out,
            "失败 failed: {} builds left out{}",
            analysis.failed,
            analysis
                .first_failure
                .as_deref()
                .map(|f| format!(" (first: {f})"))
                .unwrap_or_default()
        )?;
    }
    if !analysis.mean_abs_shift.is_nan() && analysis.kind != AnalysisKind::RemoveOne {
        writeln!(
            out,
            "平均排名变动 mean absolute rank shift from nominal: {:.2}",
            analysis.mean_abs_shift
        )?;
    }
    if let Some(sensitivity) = &analysis.sensitivity {
        let mut table = new_table(vec![
            tr(lang, "输入", "Input"),
            tr(lang, "一阶指数", "First order"),
            tr(lang, "总效应指数", "Total"),
        ]);
        for s in sensitivity {
            table.add_row(vec![
                s.input.clone(),
                format!(
                    "{:.3} [{:.3}, {:.3}]",
                    s.first, s.first_ci[0], s.first_ci[1]
                ),
                format!(
                    "{:.3} [{:.3}, {:.3}]",
                    s.total, s.total_ci[0], s.total_ci[1]
                ),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    if let Some(removals) = &analysis.removals {
        let mut table = new_table(vec![
            tr(lang, "剔除", "Removed"),
            tr(lang, "平均排名变动", "Mean |rank shift|"),
        ]);
        for r in removals {
            table.add_row(vec![r.code.clone(), format!("{:.2}", r.mean_abs_shift)]);
        }
        writeln!(out, "{table}")?;
    }
    if !analysis.rank_stats.is_empty() {
        let names = inputs.names();
        let mut stats: Vec<_> = analysis.rank_stats.iter().collect();
        stats.sort_by(|a, b| a.nominal.total_cmp(&b.nominal).then(a.unit.cmp(&b.unit)));
        let mut table = new_table(vec![
            tr(lang, "名义排名", "Nominal"),
            tr(lang, "代码", "Code"),
            tr(lang, "名称", "Name"),
            tr(lang, "中位数", "Median"),
            tr(lang, "5%–95% 区间", "5%–95%"),
        ]);
        for s in stats.iter().take(10) {
            table.add_row(vec![
                short(s.nominal),
                s.unit.clone(),
                names.get(s.unit.as_str()).copied().unwrap_or("").to_owned(),
                short(s.median),
                format!("{}–{}", short(s.q05), short(s.q95)),
            ]);
        }
        if stats.len() > 10 {
            table.add_row(vec!["…", "", "", "", ""]);
        }
        for c in [0, 3, 4] {
            if let Some(column) = table.column_mut(c) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{table}")?;
        let widest = stats
            .iter()
            .filter(|s| !s.q95.is_nan() && !s.q05.is_nan())
            .max_by(|a, b| (a.q95 - a.q05).total_cmp(&(b.q95 - b.q05)));
        if let Some(s) = widest {
            writeln!(
                out,
                "区间最宽 widest interval: {} ({}), ranks {}–{}",
                s.unit,
                names.get(s.unit.as_str()).copied().unwrap_or(""),
                short(s.q05),
                short(s.q95)
            )?;
        }
    }
    Ok(())
}

/// Every file of a build, by name, in memory: nothing is written before all
/// of them are ready.
fn build_files(framework: &Framework, build: &Build) -> Vec<(String, String)> {
    let mut files = vec![("raw.csv".to_owned(), frame_csv(&build.raw))];
    for (stage, frame) in &build.stages {
        files.push((format!("{}.csv", stage.output_name()), frame_csv(frame)));
    }
    files.push(("ranks.csv".into(), frame_csv(&build.ranks)));
    files.push((
        "effective_weights.csv".into(),
        effective_weights_csv(framework, &build.effective_weights),
    ));
    if let Some(treatment) = &build.treatment {
        let rows: Vec<Vec<String>> = treatment
            .rows
            .iter()
            .map(|row| {
                let check = |c: Option<zijin_index::Check>| match c {
                    None => vec![String::new(); 3],
                    Some(c) => vec![c.pass.to_string(), optional(c.skew), optional(c.kurtosis)],
                };
                let mut cells = vec![row.code.clone()];
                cells.extend(check(Some(row.before)));
                cells.push(row.winsorised.map(|n| n.to_string()).unwrap_or_default());
                cells.extend(check(row.after_winsorising));
                cells.push(row.fallback.map(fallback_name).unwrap_or("").to_owned());
                cells.extend(check(row.after_fallback));
                cells.push(row.excluded.to_string());
                cells
            })
            .collect();
        files.push((
            "treatment.csv".into(),
            records_csv(
                &[
                    "iCode",
                    "pass_before",
                    "skew_before",
                    "kurtosis_before",
                    "winsorised",
                    "pass_after",
                    "skew_after",
                    "kurtosis_after",
                    "fallback",
                    "pass_fallback",
                    "skew_fallback",
                    "kurtosis_fallback",
                    "excluded",
                ],
                &rows,
            ),
        ));
        // The points' indices refer to the frame the treat stage worked on,
        // which has the same units and columns as its output.
        let treated = build.stage(Stage::Treat).expect("treat ran");
        let mut points = treatment.points.clone();
        points.sort_by_key(|&(u, c, _)| (u, c));
        let rows: Vec<Vec<String>> = points
            .iter()
            .map(|&(u, c, mark)| {
                vec![
                    treated.units()[u].clone(),
                    treated.columns()[c].clone(),
                    mark.label().to_owned(),
                ]
            })
            .collect();
        files.push((
            "treated_points.csv".into(),
            records_csv(&["uCode", "iCode", "mark"], &rows),
        ));
    }
    if let Some(screening) = &build.screening {
        let rows: Vec<Vec<String>> = screening
            .iter()
            .map(|row| {
                vec![
                    row.unit.clone(),
                    row.missing.to_string(),
                    row.zeros.to_string(),
                    format_value(row.availability),
                    format_value(row.nonzero),
                    row.low_data.to_string(),
                    row.low_nonzero.to_string(),
                    match row.forced {
                        None => String::new(),
                        Some(true) => "include".into(),
                        Some(false) => "exclude".into(),
                    },
                    row.included.to_string(),
                ]
            })
            .collect();
        files.push((
            "screening.csv".into(),
            records_csv(
                &[
                    "uCode",
                    "missing",
                    "zeros",
                    "availability",
                    "nonzero",
                    "low_data",
                    "low_nonzero",
                    "forced",
                    "included",
                ],
                &rows,
            ),
        ));
    }
    if !build.denominate_gaps.is_empty() {
        let rows: Vec<Vec<String>> = build
            .denominate_gaps
            .iter()
            .map(|(unit, code)| vec![unit.clone(), code.clone()])
            .collect();
        files.push((
            "denominate_gaps.csv".into(),
            records_csv(&["uCode", "iCode"], &rows),
        ));
    }
    files
}

/// COINr's effective weights: every node, indicators first, then the
/// aggregates level by level; the weight as given and the weight in the root.
fn effective_weights_csv(framework: &Framework, effective: &[f64]) -> String {
    let rows: Vec<Vec<String>> = framework
        .indicators()
        .iter()
        .chain(framework.aggregates())
        .map(|&i| {
            let node = framework.node(i);
            vec![
                node.code.clone(),
                node.level.to_string(),
                format_value(node.weight),
                format_value(effective[i]),
            ]
        })
        .collect();
    records_csv(&["iCode", "Level", "Weight", "EffWeight"], &rows)
}

/// A rank statistic for reading: one decimal at most.
fn short(value: f64) -> String {
    if value.is_nan() {
        return "—".to_owned();
    }
    let text = format!("{value:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_owned()
}

fn optional(value: Option<f64>) -> String {
    value.map(format_value).unwrap_or_default()
}

fn fallback_name(fallback: Fallback) -> &'static str {
    match fallback {
        Fallback::LogCt => "log_ct",
        Fallback::LogCtOrig => "log_ct_orig",
        Fallback::None => "none",
    }
}

/// Writes `files` into `dir`, all or none: they go into a fresh directory
/// beside `dir` first, then are moved in. Existing files are refused unless
/// `force`; with `force`, the `known` outputs not written now are removed.
fn write_outputs(
    dir: &Path,
    files: &[(String, String)],
    known: &[&str],
    force: bool,
) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("{} exists and is not a directory", dir.display());
    }
    if dir.exists() && !force {
        let existing: Vec<&str> = files
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| dir.join(name).exists())
            .collect();
        if !existing.is_empty() {
            let shown = existing
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if existing.len() > 3 { ", …" } else { "" };
            bail!(
                "{} already holds {} file(s) of a build ({shown}{more}); choose another --out or add --force to replace them",
                dir.display(),
                existing.len(),
            );
        }
    }
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let base = dir
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{base}.zijin-{}", std::process::id()));
    std::fs::create_dir(&staging)
        .with_context(|| format!("creating the staging directory {}", staging.display()))?;
    let staged = files.iter().try_for_each(|(name, text)| {
        std::fs::write(staging.join(name), text)
            .with_context(|| format!("writing {}", staging.join(name).display()))
    });
    if let Err(error) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if !dir.exists() {
        let moved = std::fs::rename(&staging, dir)
            .with_context(|| format!("moving the results into {}", dir.display()));
        if moved.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        return moved;
    }
    for (name, _) in files {
        if let Err(error) = std::fs::rename(staging.join(name), dir.join(name)) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error).with_context(|| format!("moving {name} into {}", dir.display()));
        }
    }
    let _ = std::fs::remove_dir(&staging);
    for name in known {
        if !files.iter().any(|(written, _)| written == name) {
            let stale = dir.join(name);
            if stale.exists() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("removing the stale {}", stale.display()))?;
            }
        }
    }
    Ok(())
}

/// The summary of a build: what went in, what the stages did, the top and
/// the bottom of the index.
fn summary(out: &mut impl Write, inputs: &Inputs, build: &Build, lang: Lang) -> Result<()> {
    let framework = &inputs.framework;
    writeln!(
        out,
        "单位 units: {} 输入 in, {} 保留 kept; 指标 indicators: {}; 层级 levels: {}",
        inputs.data.codes.len(),
        build.scores.units().len(),
        framework.indicators().len(),
        framework.levels()
    )?;
    let stages: Vec<&str> = build.stages.iter().map(|(s, _)| s.key()).collect();
    writeln!(
        out,
        "步骤 stages: {}",
        if stages.is_empty() {
            "—".to_owned()
        } else {
            stages.join(" → ")
        }
    )?;
    if !build.denominate_gaps.is_empty() {
        writeln!(
            out,
            "无法除以分母 not denominated (denominator zero or missing): {} values (denominate_gaps.csv)",
            build.denominate_gaps.len()
        )?;
    }
    if let Some(imputed) = &build.imputed {
        let total: usize = imputed.iter().map(|(_, n)| n).sum();
        let indicators = imputed.iter().filter(|(_, n)| *n > 0).count();
        writeln!(
            out,
            "插补 imputed: {total} values in {indicators} indicators"
        )?;
    }
    if let Some(treatment) = &build.treatment {
        let winsorised = treatment
            .rows
            .iter()
            .filter(|r| r.winsorised.is_some_and(|n| n > 0) && r.fallback.is_none())
            .count();
        let logged = treatment
            .rows
            .iter()
            .filter(|r| r.fallback.is_some_and(|f| f != Fallback::None))
            .count();
        writeln!(
            out,
            "异常值处理 outliers: {winsorised} indicators winsorised (缩尾), {logged} log-transformed (对数)"
        )?;
    }
    let root = framework.node(framework.root());
    let Some(column) = build.scores.column_index(&root.code) else {
        writeln!(
            out,
            "未聚合 not aggregated: the pipeline has no [aggregate] section, so there is no {} score",
            root.code
        )?;
        return Ok(());
    };
    let scores = build.scores.column(column);
    let ranks = build.ranks.column(column);
    let mut order: Vec<usize> = (0..scores.len()).filter(|&u| !scores[u].is_nan()).collect();
    order.sort_by(|&a, &b| ranks[a].total_cmp(&ranks[b]).then(a.cmp(&b)));
    let names = inputs.names();
    let units = build.scores.units();
    let mut table = new_table(vec![
        tr(lang, "排名", "Rank"),
        tr(lang, "代码", "Code"),
        tr(lang, "名称", "Name"),
        &root.code,
    ]);
    let top = order.len().min(10);
    let bottom = order.len().saturating_sub(top).min(5);
    let mut shown: Vec<Option<usize>> = order[..top].iter().copied().map(Some).collect();
    if order.len() > top + bottom {
        shown.push(None);
    }
    shown.extend(order[order.len() - bottom..].iter().copied().map(Some));
    for row in shown {
        match row {
            None => table.add_row(vec!["…", "", "", ""]),
            Some(u) => table.add_row(vec![
                format!("{}", ranks[u]),
                units[u].clone(),
                names
                    .get(units[u].as_str())
                    .copied()
                    .unwrap_or("")
                    .to_owned(),
                format!("{:.2}", scores[u]),
            ]),
        };
    }
    for c in [0, 3] {
        if let Some(column) = table.column_mut(c) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let missing = scores.len() - order.len();
    writeln!(
        out,
        "{} {} ({}): {}",
        tr(lang, "指数", "Index"),
        root.code,
        root.name,
        if missing > 0 {
            format!("{missing} units without a score")
        } else {
            format!("{} units", order.len())
        }
    )?;
    writeln!(out, "{table}")?;
    Ok(())
}
