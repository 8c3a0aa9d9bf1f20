//! The bulletin as a PDF: typst markup generated from the bulletin, compiled
//! by typst as a library and exported by typst-pdf.
//!
//! [`PdfEngine`] implements typst's `World` itself: the standard library, the
//! Noto Sans CJK fonts loaded once at start-up, and one in-memory source per
//! render. Nothing is read from the disk or the network while rendering, and
//! the "current date" typst sees is the bulletin's date, so the same bulletin
//! always gives the same bytes.
//!
//! Every text of the bulletin enters the markup as a typst string literal
//! ([`literal`]), never as markup, so no name or diagnostic can break the
//! document; the SVG charts enter as string literals too, decoded with
//! `image(bytes(..), format: "svg")`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::Datelike;
use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use zijin_assess::Light;
use zijin_domain::Lang;

use crate::ReportError;
use crate::charts::chart_light;
use crate::html::{heading, years};
use crate::model::Bulletin;
use crate::text;

/// The environment variable naming a folder that holds the fonts; searched first.
pub const FONT_DIR_VARIABLE: &str = "ZIJIN_FONT_DIR";

/// Where Debian's `fonts-noto-cjk` (and a few other distributions) put the fonts.
const SYSTEM_FONT_DIRS: [&str; 5] = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/local/share/fonts",
];

const REGULAR_FONT: &str = "NotoSansCJK-Regular.ttc";
const BOLD_FONT: &str = "NotoSansCJK-Bold.ttc";

/// The family the document and the charts use.
const FONT_FAMILY: &str = "Noto Sans CJK SC";

/// Renders bulletins as PDF. Build it once (it loads about 40 MB of fonts)
/// and share it: it is `Send + Sync`, and renders need only `&self`.
pub struct PdfEngine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    font_files: Vec<PathBuf>,
}

impl std::fmt::Debug for PdfEngine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PdfEngine")
            .field("fonts", &self.fonts.len())
            .field("font_files", &self.font_files)
            .finish()
    }
}

impl PdfEngine {
    /// Loads the fonts from `ZIJIN_FONT_DIR` (when set) or the system font
    /// folders. [`ReportError::FontsMissing`] names the package to install
    /// and every folder searched.
    pub fn new() -> Result<PdfEngine, ReportError> {
        let mut folders = Vec::new();
        if let Some(folder) = std::env::var_os(FONT_DIR_VARIABLE).filter(|value| !value.is_empty())
        {
            folders.push(PathBuf::from(folder));
        }
        folders.extend(SYSTEM_FONT_DIRS.iter().map(PathBuf::from));
        PdfEngine::with_font_dirs(&folders)
    }

    /// Loads `NotoSansCJK-Regular.ttc` (required) and `NotoSansCJK-Bold.ttc`
    /// (used when present) from the first of `folders` that holds each.
    pub fn with_font_dirs(folders: &[PathBuf]) -> Result<PdfEngine, ReportError> {
        let find = |name: &str| {
            folders
                .iter()
                .map(|folder| folder.join(name))
                .find(|path| path.is_file())
        };
        let Some(regular) = find(REGULAR_FONT) else {
            return Err(ReportError::FontsMissing {
                searched: folders.to_vec(),
            });
        };
        let mut font_files = vec![regular];
        font_files.extend(find(BOLD_FONT));
        let mut fonts = Vec::new();
        for path in &font_files {
            fonts.extend(load_fonts(path)?);
        }
        let book = FontBook::from_fonts(&fonts);
        if !book.contains_family(&FONT_FAMILY.to_lowercase()) {
            return Err(ReportError::FontUnreadable {
                path: font_files[0].clone(),
                reason: format!("it has no face of the family {FONT_FAMILY}"),
            });
        }
        Ok(PdfEngine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            font_files,
        })
    }

    /// The font files loaded.
    pub fn font_files(&self) -> &[PathBuf] {
        &self.font_files
    }

    /// The bulletin as a PDF: A4, page numbers, the status table on landscape
    /// pages, the charts as vector images, the text selectable.
    pub fn render(&self, bulletin: &Bulletin) -> Result<Vec<u8>, ReportError> {
        let world = BulletinWorld {
            engine: self,
            main: Source::detached(markup(bulletin)),
            today: Datetime::from_ymd(
                bulletin.date.year(),
                bulletin.date.month() as u8,
                bulletin.date.day() as u8,
            ),
        };
        let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
        let document = output.map_err(|errors| describe(&world, errors.as_slice()))?;
        let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| describe(&world, errors.as_slice()))?;
        // typst memoizes across compilations; drop what the last few renders
        // did not use so that a long-running server does not grow.
        typst::comemo::evict(10);
        Ok(pdf)
    }
}

fn load_fonts(path: &Path) -> Result<Vec<Font>, ReportError> {
    let data = std::fs::read(path).map_err(|error| ReportError::FontUnreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    })?;
    let fonts: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    if fonts.is_empty() {
        return Err(ReportError::FontUnreadable {
            path: path.to_owned(),
            reason: "no font face could be read from it".to_owned(),
        });
    }
    Ok(fonts)
}

fn describe(world: &BulletinWorld<'_>, errors: &[SourceDiagnostic]) -> ReportError {
    let text = world.main.text();
    let messages: Vec<String> = errors
        .iter()
        .map(|error| {
            let excerpt = world
                .range(error.span)
                .and_then(|range| text.get(range))
                .map(|excerpt| {
                    let excerpt: String = excerpt.chars().take(120).collect();
                    format!(" at {excerpt:?}")
                })
                .unwrap_or_default();
            format!("{}{excerpt}", error.message)
        })
        .collect();
    ReportError::render("PDF", messages.join("; "))
}

/// The world of one render: the engine's library and fonts, and the
/// bulletin's markup as the only source.
struct BulletinWorld<'a> {
    engine: &'a PdfEngine,
    main: Source,
    today: Option<Datetime>,
}

impl World for BulletinWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(no_files())
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else {
            Err(no_files())
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn no_files() -> FileError {
    FileError::Other(Some(
        "a bulletin reads no files: everything is in its source".into(),
    ))
}

/// `text` as a typst string literal: quotes, backslashes and control
/// characters escaped, so it is always read as text, never as markup.
pub(crate) fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A URL with zero-width spaces after its separators, so a long one can
/// break across lines in a narrow table column.
fn breakable(url: &str) -> String {
    let mut out = String::with_capacity(url.len() * 2);
    for c in url.chars() {
        out.push(c);
        if matches!(c, '/' | '.' | '_' | '-' | '?' | '&' | '=' | '#') {
            out.push('\u{200B}');
        }
    }
    out
}

/// Helpers defined at the top of every document.
const PRELUDE: &str = r#"
#let light(icon, word) = box(baseline: 0.15em, image(icon, format: "svg", height: 0.95em)) + h(0.25em) + strong(word)
#let tagged(body, tag) = [#body #box(stroke: (thickness: 0.5pt, dash: "dashed"), inset: (x: 2pt, y: 1.5pt), outset: (y: 1pt), text(size: 0.8em, tag))]
#let remark(body) = block(width: 100%, fill: luma(246), stroke: (left: 2pt + luma(90)), inset: (left: 6pt, rest: 5pt), body)
"#;

/// The typst markup of a bulletin.
pub(crate) fn markup(bulletin: &Bulletin) -> String {
    let lang = bulletin.lang;
    let mut out = String::with_capacity(512 * 1024);
    let date = bulletin.date;
    let _ = writeln!(
        out,
        "#set document(title: {}, author: \"Zijin\", date: datetime(year: {}, month: {}, day: {}))",
        literal(&bulletin.title),
        date.year(),
        date.month(),
        date.day()
    );
    let _ = writeln!(
        out,
        "#set page(paper: \"a4\", margin: (x: 15mm, top: 18mm, bottom: 18mm), numbering: \"1 / 1\", \
         header: align(right, text(size: 7pt, fill: luma(90), {})))",
        literal(&bulletin.title)
    );
    let _ = writeln!(
        out,
        "#set text(font: {}, size: 9pt, lang: {})",
        literal(FONT_FAMILY),
        match lang {
            Lang::Zh => "\"zh\", region: \"CN\"",
            Lang::En => "\"en\"",
        }
    );
    out.push_str(
        "#set par(justify: true, leading: 0.7em)\n\
         #set heading(numbering: none)\n\
         #show heading.where(level: 1): set text(size: 12.5pt)\n\
         #show heading.where(level: 2): set text(size: 10.5pt)\n\
         #show heading: set block(above: 1.3em, below: 0.7em)\n\
         #set table(stroke: 0.4pt + luma(130), inset: (x: 3pt, y: 2.5pt))\n\
         #show table.cell.where(y: 0): set text(weight: \"bold\")\n\
         #show table: set text(size: 7.5pt)\n\
         #show figure.caption: set text(size: 8pt)\n",
    );
    out.push_str(PRELUDE);
    let icon = |light: Option<Light>| {
        format!(
            "bytes({})",
            literal(zijin_charts::light_icon(chart_light(light), 16).trim_end())
        )
    };
    let _ = writeln!(
        out,
        "#let icons = (red: {}, yellow: {}, green: {}, unlit: {})",
        icon(Some(Light::Red)),
        icon(Some(Light::Yellow)),
        icon(Some(Light::Green)),
        icon(None)
    );
    let _ = writeln!(
        out,
        "#let synthetic-tag = {}",
        literal(lang.pick("合成", "synthetic"))
    );

    // Title block.
    let _ = writeln!(
        out,
        "#align(center, text(size: 15pt, weight: \"bold\", {}))",
        literal(&bulletin.title)
    );
    let _ = writeln!(
        out,
        "#align(center, {})\n#v(0.6em)",
        literal(&format!(
            "{}{}",
            lang.pick("评估日期：", "Assessed at "),
            bulletin.date_text
        ))
    );

    summary(&mut out, bulletin);
    status(&mut out, bulletin);
    charts(&mut out, bulletin);
    rankings(&mut out, bulletin);
    warnings(&mut out, bulletin);
    sources(&mut out, bulletin);
    notes(&mut out, bulletin);
    out
}

fn light_expression(light: Option<Light>, word: &str) -> String {
    let key = match light {
        Some(Light::Red) => "red",
        Some(Light::Yellow) => "yellow",
        Some(Light::Green) => "green",
        None => "unlit",
    };
    format!("light(icons.{key}, {})", literal(word))
}

fn tagged(text: &str, synthetic: bool) -> String {
    if synthetic {
        format!("tagged({}, synthetic-tag)", literal(text))
    } else {
        literal(text)
    }
}

/// Opens a table with its columns and alignments and writes the header row.
fn table_start(out: &mut String, columns: &[(&str, &str, &str)]) {
    let widths: Vec<&str> = columns.iter().map(|(_, width, _)| *width).collect();
    let aligns: Vec<&str> = columns.iter().map(|(_, _, align)| *align).collect();
    let headers: Vec<String> = columns.iter().map(|(name, _, _)| literal(name)).collect();
    let _ = writeln!(
        out,
        "#table(\n  columns: ({},),\n  align: ({},),\n  table.header(repeat: true, {}),",
        widths.join(", "),
        aligns.join(", "),
        headers.join(", ")
    );
}

fn caption(out: &mut String, text: &str) {
    let _ = writeln!(
        out,
        "#block(below: 0.4em, sticky: true, text(weight: \"bold\", size: 8.5pt, {}))",
        literal(text)
    );
}

fn summary(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let counts = &bulletin.summary.counts;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 0, "总体情况", "Overview"))
    );
    let indent = match lang {
        Lang::Zh => "first-line-indent: (amount: 2em, all: true), ",
        Lang::En => "",
    };
    let _ = writeln!(
        out,
        "#par({indent}text(size: 10pt, {}))",
        literal(&bulletin.summary.paragraph)
    );
    caption(
        out,
        &match lang {
            Lang::Zh => format!("{}规划指标状态统计", bulletin.region_name),
            Lang::En => format!("Indicators of {} by status", bulletin.region_name),
        },
    );
    let _ = writeln!(out, "#block(width: 60%)[");
    table_start(
        out,
        &[
            (lang.pick("状态", "Status"), "1fr", "left"),
            (lang.pick("指标数", "Indicators"), "auto", "right"),
        ],
    );
    for (name, count) in [
        (lang.pick("已实现", "achieved"), counts.achieved),
        (lang.pick("快于预期", "ahead"), counts.ahead),
        (lang.pick("基本符合预期", "on schedule"), counts.on_schedule),
        (lang.pick("滞后", "lagging"), counts.lagging),
        (
            lang.pick("严重滞后", "seriously lagging"),
            counts.seriously_lagging,
        ),
        (lang.pick("暂无法评估", "not assessed"), counts.not_assessed),
    ] {
        let _ = writeln!(out, "  {}, \"{count}\",", literal(name));
    }
    for (light, count) in [
        (Light::Green, counts.green),
        (Light::Yellow, counts.yellow),
        (Light::Red, counts.red),
    ] {
        let _ = writeln!(
            out,
            "  {}, \"{count}\",",
            light_expression(Some(light), &text::light(Some(light), lang))
        );
    }
    let _ = writeln!(
        out,
        "  {}, \"{}\",\n)\n]",
        literal(lang.pick("合计", "Total")),
        counts.total()
    );
}

fn status(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    // The widest table gets landscape pages of its own.
    out.push_str("#page(flipped: true)[\n");
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(
            lang,
            1,
            "指标完成情况",
            "Status of the indicators"
        ))
    );
    caption(
        out,
        &match lang {
            Lang::Zh => format!(
                "{}规划指标完成情况（截至{}）",
                bulletin.region_name, bulletin.date_text
            ),
            Lang::En => format!(
                "Indicators of {} at {}",
                bulletin.region_name, bulletin.date_text
            ),
        },
    );
    table_start(
        out,
        &[
            (lang.pick("指标", "Indicator"), "2.6fr", "left"),
            (lang.pick("单位", "Unit"), "auto", "left"),
            (lang.pick("基期值", "Baseline"), "auto", "right"),
            (lang.pick("最新值", "Latest"), "auto", "right"),
            (lang.pick("期间", "Period"), "auto", "left"),
            (lang.pick("目标值", "Target"), "auto", "right"),
            (
                lang.pick("完成度 / 序时进度", "Completion / time elapsed"),
                "auto",
                "right",
            ),
            (lang.pick("增长比", "Growth ratio"), "auto", "right"),
            (
                lang.pick("序时进度状态", "Time-elapsed status"),
                "1fr",
                "left",
            ),
            (lang.pick("增长比状态", "Growth status"), "1fr", "left"),
            (lang.pick("预测", "Projection"), "1fr", "left"),
            (lang.pick("灯", "Light"), "auto", "left"),
        ],
    );
    for row in &bulletin.status {
        let _ = writeln!(
            out,
            "  {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},",
            literal(&row.name),
            literal(&row.unit),
            literal(&row.baseline_text),
            tagged(&row.latest_text, row.synthetic),
            literal(row.latest_period.as_deref().unwrap_or(text::DASH)),
            literal(&row.target_text),
            literal(&row.progress_text),
            literal(&row.growth_ratio_text),
            literal(&row.time_status_text),
            literal(&row.growth_status_text),
            literal(&row.projection_status_text),
            light_expression(row.light, &row.light_text),
        );
    }
    out.push_str(")\n]\n");
}

fn charts(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 2, "滞后指标走势", "Lagging indicators"))
    );
    if bulletin.charts.is_empty() {
        let _ = writeln!(
            out,
            "#par({})",
            literal(lang.pick(
                "本期没有滞后或严重滞后的指标。",
                "No indicator is lagging or seriously lagging."
            ))
        );
    }
    for chart in &bulletin.charts {
        let _ = writeln!(
            out,
            "#figure(image(bytes({}), format: \"svg\", width: 92%), caption: {})",
            literal(&chart.svg),
            literal(&chart.caption)
        );
    }
}

fn rankings(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 3, "各区和高新园区排名", "Rankings"))
    );
    let _ = writeln!(
        out,
        "#par({})",
        literal(lang.pick(
            "按各指标增长比的中位数排名（增长比为1表示按目标所需增速增长），并列时名次相同；完成度中位数排名列于其后。",
            "Ranked by the median over indicators of the growth ratio (1 means growing at the rate the target requires); ties share a rank. The rank by median completion follows."
        ))
    );
    let rank = |rank: Option<usize>| rank.map_or_else(|| text::DASH.to_owned(), |r| r.to_string());
    for table in &bulletin.rankings {
        let _ = writeln!(out, "#heading(level: 2, {})", literal(&table.title));
        if let Some(remark) = &table.remark {
            let _ = writeln!(out, "#remark({})", literal(remark));
        }
        let _ = writeln!(
            out,
            "#align(center, image(bytes({}), format: \"svg\", width: 82%))",
            literal(&table.chart_svg)
        );
        caption(out, &table.title);
        table_start(
            out,
            &[
                (
                    lang.pick("名次（增长比）", "Rank (growth ratio)"),
                    "auto",
                    "right",
                ),
                (
                    lang.pick("名次（完成度）", "Rank (completion)"),
                    "auto",
                    "right",
                ),
                (lang.pick("地区", "Region"), "1fr", "left"),
                (lang.pick("评估指标数", "Indicators"), "auto", "right"),
                (
                    lang.pick("增长比中位数", "Median growth ratio"),
                    "auto",
                    "right",
                ),
                (
                    lang.pick("完成度中位数", "Median completion"),
                    "auto",
                    "right",
                ),
                (lang.pick("绿灯", "Green"), "auto", "right"),
                (lang.pick("黄灯", "Yellow"), "auto", "right"),
                (lang.pick("红灯", "Red"), "auto", "right"),
            ],
        );
        for row in &table.rows {
            let _ = writeln!(
                out,
                "  \"{}\", \"{}\", {}, \"{}\", {}, {}, \"{}\", \"{}\", \"{}\",",
                rank(row.rank_by_growth_ratio),
                rank(row.rank_by_completion),
                tagged(&row.name, row.synthetic),
                row.assessed,
                literal(&text::optional(row.median_growth_ratio, text::ratio)),
                literal(&text::optional(row.median_completion, text::percent)),
                row.green,
                row.yellow,
                row.red,
            );
        }
        out.push_str(")\n");
    }
}

fn warnings(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let warnings = &bulletin.warnings;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 4, "预警清单", "Warnings"))
    );
    let _ = writeln!(
        out,
        "#par({})",
        literal(&match lang {
            Lang::Zh => format!(
                "截至{}，各地区共有红灯{}项、黄灯{}项。",
                bulletin.date_text, warnings.red, warnings.yellow
            ),
            Lang::En => format!(
                "At {}, there are {} red and {} yellow lights across the regions.",
                bulletin.date_text, warnings.red, warnings.yellow
            ),
        })
    );
    if let Some(remark) = &warnings.remark {
        let _ = writeln!(out, "#remark({})", literal(remark));
    }
    if warnings.rows.is_empty() {
        return;
    }
    caption(out, lang.pick("红灯和黄灯指标", "Red and yellow lights"));
    table_start(
        out,
        &[
            (lang.pick("灯", "Light"), "auto", "left"),
            (lang.pick("地区", "Region"), "0.9fr", "left"),
            (lang.pick("指标", "Indicator"), "1.3fr", "left"),
            (lang.pick("状态", "Status"), "auto", "left"),
            (lang.pick("差距（百分点）", "Gap (points)"), "auto", "right"),
            (lang.pick("原因", "Reason"), "2.6fr", "left"),
        ],
    );
    for row in &warnings.rows {
        let region = match lang {
            Lang::Zh => format!("{}（{}）", row.region_name, row.region_kind_text),
            Lang::En => format!("{} ({})", row.region_name, row.region_kind_text),
        };
        let _ = writeln!(
            out,
            "  {}, {}, {}, {}, {}, {},",
            light_expression(Some(row.light), &row.light_text),
            tagged(&region, row.synthetic),
            literal(&row.indicator_name),
            literal(&row.time_status_text),
            literal(&text::optional(row.gap_points, text::points)),
            literal(&row.reason),
        );
    }
    out.push_str(")\n");
}

fn sources(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 5, "数据来源", "Data sources"))
    );
    caption(
        out,
        lang.pick("本通报所用数据的来源", "Sources of the figures used"),
    );
    table_start(
        out,
        &[
            (lang.pick("来源", "Source"), "1fr", "left"),
            (lang.pick("来源质量", "Quality"), "auto", "left"),
            (lang.pick("数值个数", "Values"), "auto", "right"),
            (lang.pick("地区数", "Regions"), "auto", "right"),
            (lang.pick("年份", "Years"), "auto", "left"),
        ],
    );
    for row in &bulletin.sources {
        let source = if row.source.starts_with("http://") || row.source.starts_with("https://") {
            format!(
                "link({}, {})",
                literal(&row.source),
                literal(&breakable(&row.source))
            )
        } else {
            literal(&row.source)
        };
        let _ = writeln!(
            out,
            "  {source}, {}, \"{}\", \"{}\", {},",
            literal(&row.quality_text),
            row.values,
            row.regions,
            literal(&years(row.first_year, row.last_year)),
        );
    }
    out.push_str(")\n");
}

fn notes(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "#heading(level: 1, {})",
        literal(&heading(lang, 6, "说明", "Notes"))
    );
    let items: Vec<String> = bulletin.notes.iter().map(|note| literal(note)).collect();
    let _ = writeln!(out, "#enum({})", items.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(literal("x\ny\u{7}"), "\"x\\ny\\u{7}\"");
        assert_eq!(literal("#[*_]$"), "\"#[*_]$\"");
    }

    #[test]
    fn urls_get_break_opportunities() {
        assert_eq!(breakable("a/b.c"), "a/\u{200B}b.\u{200B}c");
    }
}
