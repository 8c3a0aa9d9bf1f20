//! The files people exchange with Zijin, read into and written from the domain
//! types of `zijin-domain`.
//!
//! - **Plan and region files** (TOML, the format is documented in
//!   `data/README.md`): [`parse_plan`] reads a [`Plan`](zijin_domain::Plan) and runs
//!   [`Plan::validate`](zijin_domain::Plan::validate); [`parse_regions`] reads the
//!   [`Region`](zijin_domain::Region)s and checks
//!   that codes are unique and parents exist. Both fail with a [`FileError`]
//!   that lists every [`FileProblem`] with its line.
//! - **Observation files**: [`read_observations`] detects the format (tidy CSV
//!   in UTF-8 or GBK, tidy XLSX, or the reporting workbook) and validates every
//!   row against an [`ImportContext`] (the plan and the regions). It returns
//!   [`LocatedObservation`]s (an `Observation` and its [`Location`]) or every
//!   [`Problem`] found, each naming the file, sheet, row and column, what was
//!   found and what was expected. [`find_duplicates`] finds the same
//!   (indicator, region, period) twice across files.
//! - **Reporting workbook** (报送表): [`write_reporting_workbook`] writes the
//!   XLSX a district fills in for one period; `read_observations` reads it back.
//! - **Built-in data**: [`NANJING_PLAN`], [`NANJING_REGIONS`] and
//!   [`NANJING_PUBLISHED`] embed the files of `data/nanjing/`, so the binary
//!   works on an intranet machine with nothing else installed.
//!
//! - **Enterprise registry files** (企业库): [`read_registry`] reads a workbook
//!   with the sheets 企业, 年度数据 and 资质, or CSV files of those tables, into
//!   enterprises, yearly facts and labels ([`RegistryData`]), checked against a
//!   [`RegistryContext`] (the regions, the enterprises already stored, the
//!   years), with the same discipline: every [`Problem`] at once.
//!
//! - **Composite-index files**: COINr's iMeta and iData as CSV or XLSX
//!   ([`read_framework`], [`read_index_data`]), the pipeline TOML
//!   ([`parse_index_spec`]) and the CSV a build writes ([`frame_csv`]).
//!
//! Errors separate bad input ([`FileError`], [`Problem`]: the user can fix it)
//! from internal faults ([`ExchangeError`]).

mod cell;
mod check;
mod enterprises;
mod error;
mod frameworks;
mod index_files;
mod observations;
mod plan_file;
mod problem;
mod regions_file;
mod reporting;
mod tidy;

pub use enterprises::{RegistryContext, RegistryData, RegistryInput, read_registry};
pub use error::{ExchangeError, FileError, FileKind, FileProblem};
pub use frameworks::{
    BUILTIN_FRAMEWORKS, BuiltinFramework, DemoData, ExitRule, FrameworkFile, FrameworkSource,
    LoadedFramework, UncertaintySettings, builtin_framework, parse_framework_toml,
};
pub use index_files::{
    IndexFileError, format_value, frame_csv, parse_index_spec, parse_index_toml, read_framework,
    read_index_data, read_index_meta, records_csv,
};
pub use observations::{ImportContext, find_duplicates, read_observations};
pub use plan_file::parse_plan;
pub use problem::{LocatedObservation, Location, Problem, column_letter};
pub use regions_file::{parse_regions, parse_regions_extending};
pub use reporting::{REPORTING_MARKER, REPORTING_SHEET, write_reporting_workbook};

/// The built-in plan: 南京市“十四五”科技创新规划 (`data/nanjing/plan.toml`).
pub const NANJING_PLAN: &str = include_str!("../../../data/nanjing/plan.toml");

/// The built-in regions: the city, its districts, 江北新区, 南京高新区 and its
/// parks (`data/nanjing/regions.toml`).
pub const NANJING_REGIONS: &str = include_str!("../../../data/nanjing/regions.toml");

/// The published city figures with their sources, a tidy CSV
/// (`data/nanjing/observations-published.csv`).
pub const NANJING_PUBLISHED: &[u8] =
    include_bytes!("../../../data/nanjing/observations-published.csv");
