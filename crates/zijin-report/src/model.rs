//! The content of a bulletin, in one language: what every format shows.
//!
//! Numbers are kept as numbers (rounded to the precision they are shown at,
//! so that no float noise reaches a spreadsheet cell) beside the text each
//! format prints, so that the HTML page, the workbook and the PDF always say
//! the same thing.

use chrono::NaiveDate;
use serde::Serialize;
use zijin_app::monitor::StatusCounts;
use zijin_assess::{GrowthStatus, Light, ProjectionStatus, TimeStatus};
use zijin_domain::{Kind, Lang, Qualifier, RegionKind, SourceQuality};

/// A bulletin (通报) of the plan's implementation for one year, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bulletin {
    pub lang: Lang,
    /// The year whose figures the bulletin reports.
    pub year: i32,
    /// 南京市“十四五”科技创新规划实施监测通报（2024年度）.
    pub title: String,
    pub plan_code: String,
    pub plan_name: String,
    /// The plan's own region (the city) and its name.
    pub region: String,
    pub region_name: String,
    /// The assessment date: when the year's figures were due (the end of the
    /// year plus the plan's reporting lag).
    pub date: NaiveDate,
    pub date_text: String,
    /// The date of the previous year's bulletin, which the movers compare with.
    pub previous_date: NaiveDate,
    pub previous_date_text: String,
    pub summary: Summary,
    /// One row per indicator of the plan region.
    pub status: Vec<StatusRow>,
    /// One trajectory chart per lagging or seriously lagging indicator of the plan region.
    pub charts: Vec<Chart>,
    /// Districts, then parks.
    pub rankings: Vec<RankingTable>,
    pub warnings: WarningList,
    pub sources: Vec<SourceRow>,
    /// The notes at the end: the method, the dates, missing figures,
    /// qualifiers, the plan document, and the synthetic-data note.
    pub notes: Vec<String>,
    /// Present exactly when a value the bulletin shows is synthetic; also
    /// one of [`Bulletin::notes`].
    pub synthetic_note: Option<String>,
}

/// The summary: counts for the plan region and the biggest movers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The statuses and lights of the plan region's assessments.
    pub counts: StatusCounts,
    /// The indicators assessed (the plan's indicators with a target).
    pub indicators: usize,
    /// The indicators whose completion or status changed most since the
    /// previous bulletin, biggest first (at most three).
    pub movers: Vec<Mover>,
    /// Names of the plan region's indicators without a figure for the year
    /// (the assessment reads an earlier one, if any).
    pub without_year_figure: Vec<String>,
    /// Those of them without any figure at all.
    pub without_any_figure: Vec<String>,
    /// The summary written out from the numbers.
    pub paragraph: String,
}

/// An indicator that moved since the previous bulletin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub indicator: String,
    pub name: String,
    pub completion_before: Option<f64>,
    pub completion_now: Option<f64>,
    /// The change in completion, in percentage points.
    pub change_points: Option<f64>,
    pub status_before: Option<TimeStatus>,
    pub status_now: Option<TimeStatus>,
    /// The change in words ("完成度由33.1%升至45.0%，由基本符合预期转为快于预期").
    pub text: String,
}

/// One indicator of the plan region in the status table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRow {
    pub indicator: String,
    pub name: String,
    pub unit: String,
    pub kind: Kind,
    pub baseline: Option<f64>,
    pub baseline_year: Option<i32>,
    pub baseline_text: String,
    /// The latest value read; for a cumulative target, the total so far.
    pub latest: Option<f64>,
    pub latest_period: Option<String>,
    pub qualifier: Option<Qualifier>,
    /// The value with its qualifier (`> 10000`).
    pub latest_text: String,
    pub target: Option<f64>,
    pub target_stretch: Option<f64>,
    /// The target as the plan prints it (`3–4`, `年均增长10%`).
    pub target_text: String,
    /// Fractions (0.45 = 45%).
    pub completion: Option<f64>,
    pub elapsed_share: Option<f64>,
    pub gap_points: Option<f64>,
    /// `45.0% / 60.0%`: completion against time elapsed.
    pub progress_text: String,
    pub growth_ratio: Option<f64>,
    pub growth_ratio_text: String,
    pub time_status: Option<TimeStatus>,
    pub time_status_text: String,
    pub growth_status: Option<GrowthStatus>,
    pub growth_status_text: String,
    pub projection_status: Option<ProjectionStatus>,
    pub projection_status_text: String,
    pub light: Option<Light>,
    pub light_text: String,
    pub source_quality: Option<SourceQuality>,
    pub synthetic: bool,
}

/// A trajectory chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub indicator: String,
    pub name: String,
    pub caption: String,
    /// The chart as a standalone SVG (from `zijin-charts`).
    pub svg: String,
    pub synthetic: bool,
}

/// The ranking of the regions of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingTable {
    pub kind: RegionKind,
    pub title: String,
    pub rows: Vec<RankingRow>,
    /// A bar chart of the median growth ratios.
    pub chart_svg: String,
    /// Whether any value behind the ranking is synthetic; then `remark` says so.
    pub synthetic: bool,
    pub remark: Option<String>,
}

/// One region's standing among its peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingRow {
    pub rank_by_growth_ratio: Option<usize>,
    pub rank_by_completion: Option<usize>,
    pub region: String,
    pub name: String,
    /// Indicators assessed for the region.
    pub assessed: usize,
    pub median_growth_ratio: Option<f64>,
    pub median_completion: Option<f64>,
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
    pub synthetic: bool,
}

/// Every red and yellow assessment across regions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarningList {
    /// Red first, then yellow; within a light, the plan's indicator order,
    /// then the regions' order.
    pub rows: Vec<Warning>,
    pub red: usize,
    pub yellow: usize,
    pub synthetic: bool,
    pub remark: Option<String>,
}

/// One red or yellow assessment and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub light: Light,
    pub light_text: String,
    pub region: String,
    pub region_name: String,
    pub region_kind: RegionKind,
    pub region_kind_text: String,
    pub indicator: String,
    pub indicator_name: String,
    pub time_status_text: String,
    pub completion: Option<f64>,
    pub elapsed_share: Option<f64>,
    pub gap_points: Option<f64>,
    /// The gap in words, then the assessment's diagnostics.
    pub reason: String,
    pub synthetic: bool,
}

/// A source of values the bulletin shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// A URL or the name of a document.
    pub source: String,
    pub quality: SourceQuality,
    pub quality_text: String,
    /// How many values (indicator, region, period) come from it.
    pub values: usize,
    /// How many regions they are for.
    pub regions: usize,
    pub first_year: i32,
    pub last_year: i32,
}
