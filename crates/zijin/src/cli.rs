//! The command line: commands, options and their help, in English with the Chinese terms.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use zijin_domain::{IndicatorCode, Period, RegionCode, SourceQuality};

const ABOUT: &str = "Zijin 紫金 — monitor a city's science-and-technology plan (规划实施动态监测评估): \
load the plan, import the figures districts and parks report (数据报送), and assess every target's \
progress (序时进度, growth ratio, projection), offline, from one binary.";

#[derive(Debug, Parser)]
#[command(name = "zijin", version, about = ABOUT, long_about = None)]
pub struct Cli {
    /// SQLite database file, created on first use [default: zijin.db; zijin-demo.db for `demo`].
    #[arg(long, global = true, env = "ZIJIN_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// PostgreSQL URL (postgres://user@host/db) for larger deployments; takes precedence over --db.
    #[arg(long, global = true, env = "ZIJIN_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Language of tables and messages: zh (中文, default) or en.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,

    /// Who is importing, for the record [default: $USER].
    #[arg(long = "by", global = true, value_name = "NAME")]
    pub imported_by: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and load the built-in Nanjing plan and its regions (idempotent). 初始化
    Init,
    /// Load, show or list plans (规划).
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Load or list regions (地区: city, districts 区, functional areas, high-tech parks 园区).
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// Import observations (指标数据) from CSV or XLSX files: the tidy layout or filled-in
    /// reporting workbooks (报送表). All or nothing: any problem in any file and nothing is written.
    Import {
        /// The files to import, CSV (UTF-8 or GBK) or XLSX.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Source quality (来源质量) for rows that do not give one.
        #[arg(long, value_parser = parse_source_quality, default_value = "reported")]
        quality: SourceQuality,
    },
    /// 企业登记 The enterprise registry: import enterprises, yearly facts and labels.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Write the reporting workbook (数据报送表) for one region and period, to be filled in and imported.
    Template {
        /// Region code (地区代码), e.g. 320115 or NJHZ-03.
        #[arg(long, value_parser = parse_region)]
        region: RegionCode,
        /// Period (期间): 2024, 2024-H1, 2024-Q2 or 2024-11 (January to November).
        #[arg(long, value_parser = parse_period)]
        period: Period,
        /// Where to write the workbook (.xlsx).
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Assess progress (评估) of every target at a date: time-elapsed progress (序时进度),
    /// growth ratio, projection and probability, status and warning light (红黄绿灯).
    Assess {
        /// Assessment date (评估日期) [default: when the latest full year's figures are due].
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Only these regions (repeat the option for more).
        #[arg(long = "region", value_parser = parse_region, value_name = "CODE")]
        regions: Vec<RegionCode>,
        /// Only these indicators (repeat the option for more).
        #[arg(long = "indicator", value_parser = parse_indicator, value_name = "CODE")]
        indicators: Vec<IndicatorCode>,
        /// Output format: a readable table, JSON (the API contract) or CSV.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every value and revision (修订) of one indicator in one region, with sources.
    History {
        #[arg(long, value_parser = parse_indicator)]
        indicator: IndicatorCode,
        #[arg(long, value_parser = parse_region)]
        region: RegionCode,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List past imports (导入记录).
    Imports,
    /// Build a fresh demo database (the Nanjing plan, published city figures, synthetic district and
    /// park data), print the assessment of the whole plan, then serve the dashboard. 演示
    Demo {
        /// Stop after printing the assessment instead of serving the dashboard.
        #[arg(long)]
        no_serve: bool,
        /// Address to serve on (loopback by default; port 0 picks a free port).
        #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// Serve the web dashboard (总览, 指标, 地区, 排名, 数据报送, 通报) and the read-only JSON API
    /// (/api/v1, OpenAPI at /api/v1/openapi.json) until Ctrl-C.
    Serve {
        /// Address to serve on (loopback by default; port 0 picks a free port). Binding to a
        /// non-loopback address exposes the data to the network: there is no access control yet.
        #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// Write the bulletin (通报) of one year: status of every target, warnings, rankings of
    /// districts and parks, sources; as PDF (needs fonts-noto-cjk), XLSX or HTML.
    Report {
        /// The year reported on; the bulletin is made when that year's figures are due.
        #[arg(long, value_name = "YEAR")]
        period: i32,
        #[arg(long, value_enum)]
        format: ReportFormat,
        /// Where to write the bulletin.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// 考核评价 Run the built-in evaluation frameworks (15 high-tech parks; new R&D institutions
    /// with the exit flag 退出预警) on every year of their synthetic data (合成数据), store each
    /// year as a new run with the framework's version and rank uncertainty, and print the top 5
    /// and the flagged institutions.
    Evaluate {
        /// 评价体系 Only this framework: parks or nri (or its code) [default: both].
        #[arg(long, value_name = "parks|nri")]
        framework: Option<String>,
        /// 运行次数 Uncertainty draws [default: the framework's own, 1000].
        #[arg(long, value_name = "N")]
        runs: Option<usize>,
        /// 随机种子 Random seed of the uncertainty draws [default: the framework's own, 2025].
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
    },
    /// 综合指数 Composite index (COINr's method): build an index from iMeta and iData files
    /// and a pipeline, or analyse its uncertainty and sensitivity. Needs no database.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// 政策匹配 Policy engine (免申即享): evaluate a policy pack for many enterprises from files.
    /// Needs no database.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// 导入 Import a workbook (sheets 企业, 年度数据, 资质) or CSV tables of enterprises, yearly
    /// facts and labels (with validity). All or nothing: every problem is reported with its file,
    /// sheet, row and column, and nothing is written. A changed fact is stored as a new revision.
    Import {
        /// The files, XLSX or CSV (UTF-8 or GBK).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// 登记库计数 The counts behind 高新技术企业 (valid certificates on 31 December) and
    /// 科技型中小企业 (registrations in the year), computed from the registry per district and
    /// park, beside the reported figures of the same year, with the difference.
    Counts {
        /// 年度 The year.
        #[arg(long, value_name = "YEAR")]
        year: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// 批量评估 Evaluate every enterprise against a pack for one period. With --input: an
    /// engine-neutral CSV (`id`, `registration_date`, `<variable>_<year>` …), one result row per
    /// enterprise in input order into --out (all rows or no file), no database. Without
    /// --input: the registry in the database; the run is stored (rules version, data snapshot,
    /// every entitlement with its explanation) and compared with the previous run.
    Run {
        /// 政策包 The policy pack: a TOML file, or a built-in pack (default,
        /// benchmark-openfisca).
        #[arg(long, value_name = "PACK.toml")]
        pack: PathBuf,
        /// 企业数据 The enterprises: `id`, then once variables by name and yearly ones as
        /// `<variable>_<year>`; an empty cell is a missing value.
        #[arg(long, value_name = "FILE.csv", requires = "out")]
        input: Option<PathBuf>,
        /// 评估年度 The period N (reference date N-01-01; last year is N − 1).
        #[arg(long, value_name = "YEAR")]
        period: i32,
        /// 结果 The results CSV (with --input).
        #[arg(long, value_name = "RESULTS.csv")]
        out: Option<PathBuf>,
        /// 输出列 The result columns, comma-separated: `id`, `<policy>_eligible`,
        /// `<policy>_amount` (or `<policy>` for a policy with an amount), a criterion id (or
        /// `<policy>.<criterion>`), a derived variable [default: the pack's `columns`, else id,
        /// then every policy's eligibility and amount, every criterion, every derived variable].
        #[arg(long, value_name = "id,…")]
        columns: Option<String>,
        /// 免申即享名单 With the registry: write the list of eligible enterprises per district
        /// (one sheet each, with the reasons) to this XLSX.
        #[arg(long, value_name = "LIST.xlsx", conflicts_with = "input")]
        xlsx: Option<PathBuf>,
        /// 覆盖 Replace --out (or --xlsx) if it exists.
        #[arg(long)]
        force: bool,
    },
    /// 逐条说明 Explain one enterprise: every policy, every criterion pass or fail, with the
    /// values, thresholds, bands and legal references used.
    Explain {
        /// 政策包 The policy pack (TOML).
        #[arg(long, value_name = "PACK.toml")]
        pack: PathBuf,
        /// 企业数据 The engine-neutral CSV holding the enterprise (with --id).
        #[arg(
            long,
            value_name = "FILE.csv",
            requires = "id",
            conflicts_with = "uscc"
        )]
        input: Option<PathBuf>,
        /// 企业编号 The enterprise's `id` in --input.
        #[arg(long, requires = "input")]
        id: Option<String>,
        /// 统一社会信用代码 The enterprise in the registry (the database).
        #[arg(long, value_name = "CODE", required_unless_present = "input")]
        uscc: Option<String>,
        /// 评估年度 The period N.
        #[arg(long, value_name = "YEAR")]
        period: i32,
        /// 规则公布截止日 Apply the rules as known on this date (YYYY-MM-DD): parameters
        /// published later are ignored.
        #[arg(long, value_name = "DATE")]
        known_on: Option<NaiveDate>,
    },
    /// 政策模拟 Reform: evaluate every enterprise under the pack and under the pack with
    /// parameters changed (--set), and report who gains, who loses and the cost.
    Reform {
        /// 政策包 The policy pack (TOML).
        #[arg(long, value_name = "PACK.toml")]
        pack: PathBuf,
        /// 参数调整 A changed parameter, name=value in the pack's literal syntax, e.g.
        /// hte.rd_intensity_min_small=4% or subsidy.cap=200万; repeat for several.
        #[arg(long = "set", value_name = "NAME=VALUE", required = true)]
        set: Vec<String>,
        /// 企业数据 The enterprises (engine-neutral CSV).
        #[arg(long, value_name = "FILE.csv")]
        input: PathBuf,
        /// 评估年度 The period N.
        #[arg(long, value_name = "YEAR")]
        period: i32,
        /// 变化名单 Write one row per enterprise whose eligibility changes (policy, id,
        /// gains or loses, amounts before and after) to this CSV.
        #[arg(long, value_name = "CHANGES.csv")]
        out: Option<PathBuf>,
    },
    /// 临界企业 Near misses: enterprises that fail a policy on one criterion only, by at most
    /// --margin of the threshold (cultivation candidates, 软升高 / 小升高), with the margin.
    NearMiss {
        /// 政策包 The policy pack (TOML).
        #[arg(long, value_name = "PACK.toml")]
        pack: PathBuf,
        /// 企业数据 The enterprises (engine-neutral CSV); without it, the near misses stored
        /// with the latest run of the pack over the registry (those within 10%).
        #[arg(long, value_name = "FILE.csv")]
        input: Option<PathBuf>,
        /// 评估年度 The period N.
        #[arg(long, value_name = "YEAR")]
        period: i32,
        /// 差距上限 The largest gap, relative to the threshold (10% by default).
        #[arg(long, value_name = "RATE", default_value = "10%")]
        margin: String,
        /// 名单 The near-miss list (CSV); printed as a table when absent.
        #[arg(long, value_name = "NEAR.csv")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// 构建指数 Build the index: denominate, impute, screen, treat outliers, normalise and
    /// aggregate as the pipeline says; write one CSV per stage, the ranks, the effective weights
    /// and what treatment and screening did into --out, and print the top and bottom of the index.
    Build {
        #[command(flatten)]
        inputs: IndexInputs,
        #[command(flatten)]
        output: IndexOutput,
    },
    /// 不确定性与敏感性分析 Uncertainty and sensitivity analysis: rebuild the index many times
    /// with the choices the analysis file varies (weights, imputation, treatment, normalisation,
    /// aggregation, removed elements), seeded and reproducible; write each unit's rank statistics,
    /// and the sensitivity indices or the effect of removing each element, into --out.
    Analyse {
        #[command(flatten)]
        inputs: IndexInputs,
        /// 分析设定 The analysis specification (TOML): kind = "uncertainty", "sensitivity" or
        /// "remove_one", the target aggregate, and one section per uncertain input.
        #[arg(long, value_name = "uncertainty.toml")]
        uncertainty: PathBuf,
        /// 运行次数 Monte Carlo runs (uncertainty), or the base sample size N (sensitivity:
        /// N·(k + 2) builds for k inputs); not used by remove_one.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        runs: usize,
        /// 随机种子 Random seed: the same seed gives the same files, whatever the number of threads.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        output: IndexOutput,
    },
}

/// The input files of an index.
#[derive(Debug, clap::Args)]
pub struct IndexInputs {
    /// 数据 iData: one row per unit (uCode, uName, group, denominator and indicator columns), CSV or XLSX.
    #[arg(long, value_name = "iData.csv|xlsx")]
    pub data: PathBuf,
    /// 指标体系 iMeta: one row per indicator and aggregate (Level, iCode, Parent, Weight, …), CSV or XLSX.
    #[arg(long, value_name = "iMeta.csv|xlsx")]
    pub meta: PathBuf,
    /// 流程设定 The pipeline (TOML): which stages run and how.
    #[arg(long, value_name = "pipeline.toml")]
    pub spec: PathBuf,
    /// 年份 The year to use when iData is a panel (a Time column with several years).
    #[arg(long, value_name = "YEAR")]
    pub time: Option<i32>,
}

/// Where an index command writes.
#[derive(Debug, clap::Args)]
pub struct IndexOutput {
    /// 输出目录 Directory to write the CSV files into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// 覆盖 Replace files that already exist in the directory.
    #[arg(long)]
    pub force: bool,
}

/// The default address of `zijin serve`: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Pdf,
    Xlsx,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Load a plan file (TOML) and make it the active plan.
    Load { file: PathBuf },
    /// Print the active plan: its indicators, baselines, targets and plan sections.
    Show {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List the stored plans (* marks the active one).
    List,
}

#[derive(Debug, Subcommand)]
pub enum RegionsCommand {
    /// Load a regions file (TOML): adds new regions and updates names; never deletes.
    Load { file: PathBuf },
    /// List the regions.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Cli {
    /// The database to open: the PostgreSQL URL if given, else the SQLite file.
    pub fn database_location(&self) -> String {
        if let Some(url) = &self.database_url {
            return url.clone();
        }
        let default = match self.command {
            Command::Demo { .. } => "zijin-demo.db",
            _ => "zijin.db",
        };
        self.db
            .clone()
            .unwrap_or_else(|| PathBuf::from(default))
            .display()
            .to_string()
    }

    pub fn actor_name(&self) -> String {
        self.imported_by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

pub fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

fn parse_region(text: &str) -> Result<RegionCode, String> {
    RegionCode::new(text).map_err(|error| error.to_string())
}

fn parse_indicator(text: &str) -> Result<IndicatorCode, String> {
    IndicatorCode::new(text).map_err(|error| error.to_string())
}

fn parse_period(text: &str) -> Result<Period, String> {
    text.parse::<Period>().map_err(|error| error.to_string())
}

fn parse_source_quality(text: &str) -> Result<SourceQuality, String> {
    text.parse::<SourceQuality>()
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
