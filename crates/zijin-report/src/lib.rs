//! The periodic bulletin (通报) of the plan's implementation, which the
//! bureau sends to every district: gathered once into a [`Bulletin`] (the
//! content, in one [`Lang`](zijin_domain::Lang)), then rendered as a
//! standalone HTML page ([`html`]), an Excel workbook ([`xlsx`]) and a PDF
//! ([`PdfEngine::render`]).
//!
//! [`gather`] makes the bulletin for a year at the date that year's figures
//! are due (the end of the year plus the plan's `reporting_lag_months`: the
//! 2024 bulletin is made at 2025-04-30, see [`bulletin_date`]) and compares
//! it with the previous year's bulletin date. A year outside the plan period
//! ([`ReportError::UnknownPeriod`]) or without any figure
//! ([`ReportError::NoData`]) is an error. The content:
//!
//! - the title (南京市“十四五”科技创新规划实施监测通报（2024年度）) and date;
//! - a [`Summary`] paragraph written from the numbers: how many targets of the
//!   plan's own region are achieved, ahead, on schedule, lagging or seriously
//!   lagging, the lights, the biggest movers since the previous bulletin
//!   ([`Mover`]) and the indicators still without a figure for the year;
//! - the status table ([`StatusRow`]): every indicator of the plan region with
//!   its baseline, latest value (period, qualifier), target, completion
//!   against time elapsed, growth ratio, the three statuses and the light
//!   (always an icon and a word, never colour alone);
//! - one trajectory [`Chart`] per lagging or seriously lagging indicator
//!   (SVG from `zijin-charts`);
//! - the rankings of the districts and of the parks ([`RankingTable`]);
//! - the warning list ([`WarningList`]): every red and yellow assessment in
//!   any region, with its gap and diagnostics;
//! - the data sources ([`SourceRow`]) with their source quality, and notes;
//!   wherever a shown value is synthetic (the demo's districts and parks), the
//!   ranking and warning sections and [`Bulletin::synthetic_note`] say so.
//!
//! Formats:
//! - [`html`]: one document with inline CSS and inline SVG, no scripts and no
//!   external resources; semantic and printable (A4).
//! - [`xlsx`]: one sheet per section (概要, 指标状态, 排名, 预警, 数据来源,
//!   说明; English names for English bulletins), numbers as number cells with
//!   number formats, bold frozen header rows.
//! - [`PdfEngine`]: typst as a library renders typst markup generated from
//!   the bulletin (every text is a string literal, so no user text is read
//!   as markup), A4 with page numbers. The engine implements typst's `World`
//!   itself: one in-memory source and the fonts, nothing from the network or
//!   the disk at render time. Build it once (loading the fonts takes a
//!   moment) and reuse it: it is `Send + Sync`.
//!
//! Fonts: typst's embedded fonts have no Chinese glyphs, so the PDF needs
//! Noto Sans CJK (Debian's `fonts-noto-cjk`: `NotoSansCJK-Regular.ttc` and
//! `NotoSansCJK-Bold.ttc`), found at start-up in `ZIJIN_FONT_DIR` when set,
//! then in the system font folders; without them [`PdfEngine::new`] returns
//! [`ReportError::FontsMissing`], which names the package and the paths
//! searched. The charts name "Noto Sans CJK SC" as their font family, which
//! the SVG text inside typst needs.
//!
//! This crate reads the store only through [`zijin_app::Zijin`]; it never
//! reads the clock (the bulletin date follows from the year and the plan).

pub mod charts;
pub mod entitlements;
mod error;
pub mod evaluation;
mod gather;
mod html;
mod model;
mod pdf;
mod summary;
mod text;
mod xlsx;

pub use entitlements::{DistrictList, EntitlementLine, ListInfo, entitlements_xlsx};
pub use error::ReportError;
pub use evaluation::{EvaluationView, evaluation_xlsx};
pub use gather::{bulletin_date, gather};
pub use html::html;
pub use model::{
    Bulletin, Chart, Mover, RankingRow, RankingTable, SourceRow, StatusRow, Summary, Warning,
    WarningList,
};
pub use pdf::{FONT_DIR_VARIABLE, PdfEngine};
pub use xlsx::xlsx;
