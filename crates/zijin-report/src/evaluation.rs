//! Evaluations (考核评价) of parks and institutions: what the dashboard and the
//! workbook both need from a stored [`Evaluation`] ([`EvaluationView`]: the
//! pillars, the indicators, a unit's result on a node, its rank interval and
//! exit flag; [`rank_chart`]: the rank-uncertainty chart), and the workbook
//! itself ([`evaluation_xlsx`]).
//!
//! The workbook has three sheets with names in both languages, so that tools
//! find them whatever the language of the content:
//! - "说明 About": the framework, its version, the year, the method and the
//!   sources; the synthetic-data label and note come first, in the first rows,
//!   and the sheet comes first, so a workbook of synthetic data is never
//!   opened without saying so;
//! - "排名 Ranking": one row per unit by index rank: code, name, rank, score,
//!   the 5th percentile, median and 95th percentile of its rank over the
//!   uncertainty draws, the score of every pillar, and (NRI) the exit flag
//!   with its reasons;
//! - "指标 Indicators": one row per unit and node (every indicator, pillar
//!   and the index): the raw value with its unit, the score and the rank.
//!
//! Numbers are number cells, absent numbers blank cells; header rows are bold
//! and frozen.

use std::collections::HashMap;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use zijin_app::{Evaluation, ExitFlag, NodeInfo, RankUncertainty, UnitResult};
use zijin_charts::{RankInterval, RankIntervals, RankLegend};
use zijin_domain::Lang;

use crate::ReportError;
use crate::xlsx::{header_format, number, write_header};

/// Lookups over one evaluation, built once.
pub struct EvaluationView<'a> {
    pub evaluation: &'a Evaluation,
    results: HashMap<(&'a str, &'a str), &'a UnitResult>,
    uncertainty: HashMap<&'a str, &'a RankUncertainty>,
    flags: HashMap<&'a str, &'a ExitFlag>,
}

impl<'a> EvaluationView<'a> {
    pub fn new(evaluation: &'a Evaluation) -> EvaluationView<'a> {
        EvaluationView {
            evaluation,
            results: evaluation
                .results
                .iter()
                .map(|result| ((result.unit.as_str(), result.code.as_str()), result))
                .collect(),
            uncertainty: evaluation
                .uncertainty
                .iter()
                .map(|ranks| (ranks.unit.as_str(), ranks))
                .collect(),
            flags: evaluation
                .exit_flags
                .iter()
                .map(|flag| (flag.unit.as_str(), flag))
                .collect(),
        }
    }

    /// The index node (the root of the tree), if the evaluation names one
    /// that exists.
    pub fn index(&self) -> Option<&'a NodeInfo> {
        self.node(&self.evaluation.index_code)
    }

    pub fn node(&self, code: &str) -> Option<&'a NodeInfo> {
        self.evaluation.nodes.iter().find(|node| node.code == code)
    }

    /// The pillars: the nodes of level 2, in the framework's order.
    pub fn pillars(&self) -> Vec<&'a NodeInfo> {
        self.evaluation
            .nodes
            .iter()
            .filter(|node| node.level == 2 && node.code != self.evaluation.index_code)
            .collect()
    }

    /// The indicators: the nodes of level 1, in the framework's order.
    pub fn indicators(&self) -> Vec<&'a NodeInfo> {
        self.evaluation
            .nodes
            .iter()
            .filter(|node| node.level == 1)
            .collect()
    }

    /// The indicators under a node (its children, for a pillar).
    pub fn children(&self, code: &str) -> Vec<&'a NodeInfo> {
        self.evaluation
            .nodes
            .iter()
            .filter(|node| node.parent.as_deref() == Some(code))
            .collect()
    }

    /// A unit's result on a node.
    pub fn result(&self, unit: &str, code: &str) -> Option<&'a UnitResult> {
        self.results.get(&(unit, code)).copied()
    }

    /// A unit's result on the index.
    pub fn index_result(&self, unit: &str) -> Option<&'a UnitResult> {
        self.result(unit, &self.evaluation.index_code)
    }

    pub fn uncertainty(&self, unit: &str) -> Option<&'a RankUncertainty> {
        self.uncertainty.get(unit).copied()
    }

    pub fn exit_flag(&self, unit: &str) -> Option<&'a ExitFlag> {
        self.flags.get(unit).copied()
    }

    /// Whether the framework has an exit rule (its runs carry exit flags).
    pub fn has_exit_rule(&self) -> bool {
        !self.evaluation.exit_flags.is_empty()
    }

    /// The name of a unit, or its code.
    pub fn unit_name(&self, unit: &str) -> &'a str {
        self.evaluation
            .units
            .iter()
            .find(|(code, _)| code == unit)
            .map_or_else(
                || {
                    self.evaluation
                        .results
                        .iter()
                        .find(|result| result.unit == unit)
                        .map_or("", |result| result.unit_name.as_str())
                },
                |(_, name)| name.as_str(),
            )
    }

    /// How many units have a rank on a node.
    pub fn ranked(&self, code: &str) -> usize {
        self.evaluation
            .results
            .iter()
            .filter(|result| result.code == code && result.rank.is_some())
            .count()
    }

    /// The units in the order of the evaluation (by index rank, unranked
    /// last).
    pub fn units(&self) -> impl Iterator<Item = &'a (String, String)> {
        self.evaluation.units.iter()
    }
}

/// A node's name in `lang`.
pub fn node_name(node: &NodeInfo, lang: Lang) -> &str {
    let name = lang.pick(&node.name_zh, &node.name_en);
    if name.trim().is_empty() {
        &node.code
    } else {
        name
    }
}

/// The framework's name in `lang`.
pub fn framework_name(evaluation: &Evaluation, lang: Lang) -> &str {
    lang.pick(&evaluation.run.name_zh, &evaluation.run.name_en)
}

/// The synthetic-data note of the run in `lang`.
pub fn synthetic_note(evaluation: &Evaluation, lang: Lang) -> &str {
    lang.pick(&evaluation.run.note_zh, &evaluation.run.note_en)
}

/// The reasons of an exit flag (or of its absence) in `lang`.
pub fn exit_reasons(flag: &ExitFlag, lang: Lang) -> &[String] {
    match lang {
        Lang::Zh => &flag.reasons_zh,
        Lang::En => &flag.reasons_en,
    }
}

/// The method, in one sentence.
pub fn method_text(evaluation: &Evaluation, lang: Lang) -> String {
    let run = &evaluation.run;
    match lang {
        Lang::Zh => format!(
            "方法：与 COINr 兼容的综合指数流程（数据处理、标准化、加权汇总）；不确定性分析随机扰动权重与汇总方法共 {} 次，随机种子 {}；名次区间为各单位名次分布的第 5 至第 95 百分位数。",
            run.runs, run.seed
        ),
        Lang::En => format!(
            "Method: a COINr-compatible composite-index pipeline (treatment, normalisation, weighted aggregation); the uncertainty analysis perturbs the weights and the aggregation in {} runs with seed {}; a rank interval is the 5th to 95th percentile of a unit's ranks.",
            run.runs, run.seed
        ),
    }
}

/// The rank-uncertainty chart of the index: one row per unit with a rank
/// interval, by nominal rank (rank 1 on top); flagged units (exit rule) are
/// marked.
pub fn rank_chart(view: &EvaluationView<'_>, lang: Lang, width: u32) -> String {
    let evaluation = view.evaluation;
    let mut rows: Vec<(f64, RankInterval)> = view
        .units()
        .filter_map(|(unit, name)| {
            let ranks = view.uncertainty(unit)?;
            Some((
                ranks.nominal,
                RankInterval {
                    label: name.clone(),
                    nominal: Some(ranks.nominal),
                    median: Some(ranks.median),
                    low: Some(ranks.q05),
                    high: Some(ranks.q95),
                    marked: view.exit_flag(unit).is_some_and(|flag| flag.flagged),
                },
            ))
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let index_name = view
        .index()
        .map_or(evaluation.index_code.as_str(), |node| node_name(node, lang));
    let marked = rows.iter().any(|(_, row)| row.marked);
    let chart = RankIntervals {
        title: match lang {
            Lang::Zh => format!("{index_name}名次不确定性（{} 年）", evaluation.run.year),
            Lang::En => format!("{index_name}: rank uncertainty, {}", evaluation.run.year),
        },
        x_label: lang.pick("名次", "Rank").to_owned(),
        width,
        units: view.ranked(&evaluation.index_code),
        rows: rows.into_iter().map(|(_, row)| row).collect(),
        legend: RankLegend {
            interval: lang
                .pick("5%–95% 名次区间", "5th–95th percentile")
                .to_owned(),
            median: lang.pick("中位名次", "median rank").to_owned(),
            nominal: lang.pick("名义名次", "nominal rank").to_owned(),
        },
        note: if marked {
            lang.pick("! 标记退出审查", "! flagged for exit review")
                .to_owned()
        } else {
            String::new()
        },
        synthetic: evaluation.run.synthetic,
    };
    zijin_charts::rank_intervals(&chart)
}

/// The sheet names, the same in both languages.
pub const ABOUT_SHEET: &str = "说明 About";
pub const RANKING_SHEET: &str = "排名 Ranking";
pub const INDICATORS_SHEET: &str = "指标 Indicators";

/// The evaluation as an XLSX workbook: see the module's documentation.
pub fn evaluation_xlsx(evaluation: &Evaluation, lang: Lang) -> Result<Vec<u8>, ReportError> {
    write(evaluation, lang).map_err(|error| ReportError::render("XLSX", error))
}

struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    bold: Format,
    score: Format,
    number: Format,
    rank: Format,
}

impl Formats {
    fn new() -> Formats {
        let top = || Format::new().set_align(FormatAlign::Top);
        Formats {
            header: header_format(),
            text: top(),
            wrapped: top().set_text_wrap(),
            bold: top().set_bold().set_text_wrap(),
            score: top().set_num_format("0.00"),
            number: top().set_num_format("#,##0.####"),
            rank: top().set_num_format("0.#"),
        }
    }
}

fn yes_no(value: bool, lang: Lang) -> &'static str {
    match (value, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

fn write(evaluation: &Evaluation, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let view = EvaluationView::new(evaluation);
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    about_sheet(workbook.add_worksheet(), &formats, &view, lang)?;
    ranking_sheet(workbook.add_worksheet(), &formats, &view, lang)?;
    indicators_sheet(workbook.add_worksheet(), &formats, &view, lang)?;
    // The creation date is the run's, so the same run gives the same bytes.
    let created = evaluation.run.created_at.date_naive();
    let created = ExcelDateTime::from_ymd(
        created.year() as u16,
        created.month() as u8,
        created.day() as u8,
    )?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!(
                "{} {}",
                framework_name(evaluation, lang),
                evaluation.run.year
            ))
            .set_subject(lang.pick("考核评价", "evaluation"))
            .set_author("Zijin")
            .set_creation_datetime(&created),
    );
    workbook.save_to_buffer()
}

fn about_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    view: &EvaluationView<'_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let evaluation = view.evaluation;
    let run = &evaluation.run;
    sheet.set_name(ABOUT_SHEET)?;
    sheet.set_column_width(0, 22.0)?;
    sheet.set_column_width(1, 110.0)?;
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    if run.synthetic {
        rows.push((
            lang.pick("合成数据", "Synthetic data").to_owned(),
            lang.pick(
                "合成数据：本工作簿的全部数值为演示用的合成数据，不是真实统计，不得与官方或报送数据混用。",
                "Synthetic data: every number of this workbook is synthetic, made for the demo; they are not real statistics and must not be mixed with official or reported figures.",
            )
            .to_owned(),
            true,
        ));
        let note = synthetic_note(evaluation, lang);
        if !note.trim().is_empty() {
            rows.push((
                lang.pick("数据说明", "Data note").to_owned(),
                note.to_owned(),
                true,
            ));
        }
    }
    rows.extend([
        (
            lang.pick("考核评价体系", "Framework").to_owned(),
            framework_name(evaluation, lang).to_owned(),
            false,
        ),
        (
            lang.pick("代码", "Code").to_owned(),
            run.framework.clone(),
            false,
        ),
        (
            lang.pick("版本", "Version").to_owned(),
            run.version.clone(),
            false,
        ),
        (
            lang.pick("年度", "Year").to_owned(),
            run.year.to_string(),
            false,
        ),
        (
            lang.pick("评价对象", "Units").to_owned(),
            format!(
                "{} ({})",
                evaluation.units.len(),
                unit_kind_name(&run.unit_kind, lang)
            ),
            false,
        ),
        (
            lang.pick("方法", "Method").to_owned(),
            method_text(evaluation, lang),
            false,
        ),
        (
            lang.pick("来源", "Sources").to_owned(),
            match lang {
                Lang::Zh => format!(
                    "指标体系、各指标的设置理由与文献来源见 data/frameworks/{}/framework.toml 与 iMeta.csv（“指标”表各指标的理由列）。",
                    run.key
                ),
                Lang::En => format!(
                    "The framework, the rationale of each indicator and the sources are in data/frameworks/{}/framework.toml and iMeta.csv (see the rationale column of the indicators sheet).",
                    run.key
                ),
            },
            false,
        ),
        (
            lang.pick("运行", "Run").to_owned(),
            format!("#{} · {}", run.id, run.created_at.format("%Y-%m-%d %H:%M UTC")),
            false,
        ),
    ]);
    for (index, (item, text, strong)) in rows.iter().enumerate() {
        let row = index as u32;
        let format = if *strong {
            &formats.bold
        } else {
            &formats.wrapped
        };
        sheet.write_string_with_format(row, 0, item, &formats.bold)?;
        sheet.write_string_with_format(row, 1, text, format)?;
    }
    Ok(())
}

fn unit_kind_name(kind: &str, lang: Lang) -> String {
    match (kind, lang) {
        ("park", Lang::Zh) => "园区".to_owned(),
        ("park", Lang::En) => "parks".to_owned(),
        ("institution", Lang::Zh) => "机构".to_owned(),
        ("institution", Lang::En) => "institutions".to_owned(),
        (other, _) => other.to_owned(),
    }
}

fn ranking_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    view: &EvaluationView<'_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.set_name(RANKING_SHEET)?;
    let pillars = view.pillars();
    let exit = view.has_exit_rule();
    let mut columns: Vec<(String, f64)> = vec![
        (lang.pick("代码", "Code").to_owned(), 12.0),
        (lang.pick("名称", "Name").to_owned(), 30.0),
        (lang.pick("名次", "Rank").to_owned(), 8.0),
        (lang.pick("指数得分", "Score").to_owned(), 10.0),
        (
            lang.pick("名次 5% 分位", "Rank, 5th percentile").to_owned(),
            12.0,
        ),
        (lang.pick("名次中位数", "Median rank").to_owned(), 12.0),
        (
            lang.pick("名次 95% 分位", "Rank, 95th percentile")
                .to_owned(),
            12.0,
        ),
    ];
    for pillar in &pillars {
        columns.push((node_name(pillar, lang).to_owned(), 14.0));
    }
    if exit {
        columns.push((lang.pick("标记退出审查", "Exit flag").to_owned(), 12.0));
        columns.push((lang.pick("原因", "Reasons").to_owned(), 80.0));
    }
    write_header(sheet, &formats.header, &columns)?;
    for (index, (unit, name)) in view.units().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string_with_format(row, 0, unit, &formats.text)?;
        sheet.write_string_with_format(row, 1, name, &formats.text)?;
        let index_result = view.index_result(unit);
        number(
            sheet,
            row,
            2,
            index_result.and_then(|r| r.rank).map(f64::from),
            &formats.rank,
        )?;
        number(
            sheet,
            row,
            3,
            index_result.and_then(|r| r.score),
            &formats.score,
        )?;
        let ranks = view.uncertainty(unit);
        number(sheet, row, 4, ranks.map(|r| r.q05), &formats.rank)?;
        number(sheet, row, 5, ranks.map(|r| r.median), &formats.rank)?;
        number(sheet, row, 6, ranks.map(|r| r.q95), &formats.rank)?;
        let mut column = 7;
        for pillar in &pillars {
            number(
                sheet,
                row,
                column,
                view.result(unit, &pillar.code).and_then(|r| r.score),
                &formats.score,
            )?;
            column += 1;
        }
        if exit {
            let flag = view.exit_flag(unit);
            let flagged = flag.is_some_and(|flag| flag.flagged);
            sheet.write_string_with_format(row, column, yes_no(flagged, lang), &formats.text)?;
            let reasons = flag
                .map(|flag| exit_reasons(flag, lang).join("; "))
                .unwrap_or_default();
            sheet.write_string_with_format(row, column + 1, &reasons, &formats.wrapped)?;
        }
    }
    Ok(())
}

fn indicators_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    view: &EvaluationView<'_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.set_name(INDICATORS_SHEET)?;
    let columns: Vec<(String, f64)> = [
        (lang.pick("单位代码", "Unit code"), 12.0),
        (lang.pick("单位名称", "Unit name"), 30.0),
        (lang.pick("指标代码", "Code"), 26.0),
        (lang.pick("指标", "Indicator"), 36.0),
        (lang.pick("层级", "Level"), 6.0),
        (lang.pick("上级", "Parent"), 16.0),
        (lang.pick("原始值", "Value"), 14.0),
        (lang.pick("计量单位", "Unit of measure"), 10.0),
        (lang.pick("得分", "Score"), 10.0),
        (lang.pick("名次", "Rank"), 8.0),
        (lang.pick("理由", "Rationale"), 60.0),
    ]
    .into_iter()
    .map(|(name, width)| (name.to_owned(), width))
    .collect();
    write_header(sheet, &formats.header, &columns)?;
    let mut row = 1;
    for (unit, name) in view.units() {
        for node in &view.evaluation.nodes {
            let Some(result) = view.result(unit, &node.code) else {
                continue;
            };
            sheet.write_string_with_format(row, 0, unit, &formats.text)?;
            sheet.write_string_with_format(row, 1, name, &formats.text)?;
            sheet.write_string_with_format(row, 2, &node.code, &formats.text)?;
            sheet.write_string_with_format(row, 3, node_name(node, lang), &formats.text)?;
            number(sheet, row, 4, Some(f64::from(node.level)), &formats.rank)?;
            sheet.write_string_with_format(
                row,
                5,
                node.parent.as_deref().unwrap_or_default(),
                &formats.text,
            )?;
            number(sheet, row, 6, result.value, &formats.number)?;
            sheet.write_string_with_format(
                row,
                7,
                node.unit.as_deref().unwrap_or_default(),
                &formats.text,
            )?;
            number(sheet, row, 8, result.score, &formats.score)?;
            number(sheet, row, 9, result.rank.map(f64::from), &formats.rank)?;
            sheet.write_string_with_format(
                row,
                10,
                node.rationale.as_deref().unwrap_or_default(),
                &formats.text,
            )?;
            row += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use chrono::{TimeZone, Utc};
    use zijin_app::EvaluationRun;

    use super::*;

    fn node(code: &str, level: u32, parent: Option<&str>, unit: Option<&str>) -> NodeInfo {
        NodeInfo {
            code: code.to_owned(),
            name_zh: format!("{code}（中）"),
            name_en: format!("{code} (en)"),
            level,
            parent: parent.map(str::to_owned),
            weight: 1.0,
            direction: 1.0,
            unit: unit.map(str::to_owned),
            rationale: (level == 1).then(|| format!("{code} 的理由 / why {code}")),
        }
    }

    /// Three institutions; the last one flagged, the second without a
    /// figure for one indicator.
    pub(crate) fn sample() -> Evaluation {
        let units = [
            ("NRI001", "机构一"),
            ("NRI002", "机构二"),
            ("NRI003", "机构三"),
        ];
        let nodes = vec![
            node("rd", 1, Some("research"), Some("万元")),
            node("patents", 1, Some("research"), Some("件")),
            node("revenue", 1, Some("transfer"), Some("亿元")),
            node("research", 2, Some("index"), None),
            node("transfer", 2, Some("index"), None),
            node("index", 3, None, None),
        ];
        let mut results = Vec::new();
        for (place, (unit, name)) in units.iter().enumerate() {
            for (column, node) in nodes.iter().enumerate() {
                let missing = *unit == "NRI002" && node.code == "patents";
                results.push(UnitResult {
                    unit: (*unit).to_owned(),
                    unit_name: (*name).to_owned(),
                    code: node.code.clone(),
                    value: (node.level == 1 && !missing)
                        .then_some(100.0 * (3 - place) as f64 + column as f64),
                    score: (!missing).then_some(90.0 - 20.0 * place as f64 - column as f64),
                    rank: (!missing).then_some(place as u32 + 1),
                });
            }
        }
        Evaluation {
            run: EvaluationRun {
                id: 7,
                framework: "nj-nri-yearly".to_owned(),
                key: "nri".to_owned(),
                version: "2025.1".to_owned(),
                name_zh: "新型研发机构年度考核指标体系".to_owned(),
                name_en: "Yearly assessment of new R&D institutions".to_owned(),
                unit_kind: "institution".to_owned(),
                year: 2024,
                synthetic: true,
                note_zh: "演示用合成数据".to_owned(),
                note_en: "synthetic demo data".to_owned(),
                runs: 1000,
                seed: 2025,
                created_at: Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap(),
            },
            nodes,
            units: units
                .iter()
                .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
                .collect(),
            results,
            uncertainty: units
                .iter()
                .enumerate()
                .map(|(place, (unit, _))| RankUncertainty {
                    unit: (*unit).to_owned(),
                    nominal: place as f64 + 1.0,
                    median: place as f64 + 1.0,
                    q05: (place as f64).max(1.0),
                    q95: (place as f64 + 2.0).min(3.0),
                    mean: place as f64 + 1.0,
                })
                .collect(),
            exit_flags: units
                .iter()
                .map(|(unit, _)| ExitFlag {
                    unit: (*unit).to_owned(),
                    flagged: *unit == "NRI003",
                    reasons_zh: vec![format!("{unit} 的原因")],
                    reasons_en: vec![format!("reason of {unit}")],
                })
                .collect(),
            index_code: "index".to_owned(),
        }
    }

    fn text(data: &Data) -> String {
        match data {
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    }

    #[test]
    fn the_view_finds_pillars_indicators_and_results() {
        let evaluation = sample();
        let view = EvaluationView::new(&evaluation);
        let codes =
            |nodes: Vec<&NodeInfo>| nodes.iter().map(|n| n.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(view.pillars()), ["research", "transfer"]);
        assert_eq!(codes(view.indicators()), ["rd", "patents", "revenue"]);
        assert_eq!(codes(view.children("research")), ["rd", "patents"]);
        assert_eq!(view.index_result("NRI002").and_then(|r| r.rank), Some(2));
        assert_eq!(view.ranked("index"), 3);
        assert_eq!(view.ranked("patents"), 2);
        assert!(view.exit_flag("NRI003").unwrap().flagged);
        assert_eq!(view.unit_name("NRI001"), "机构一");
        let svg = rank_chart(&view, Lang::Zh, 600);
        assert!(svg.contains("<title>index（中）名次不确定性（2024 年）</title>"));
        assert_eq!(svg.matches("class=\"interval\"").count(), 3);
        assert!(svg.contains("机构三 !") && svg.contains("标记退出审查"));
        assert!(svg.contains(zijin_charts::SYNTHETIC_NOTE));
    }

    #[test]
    fn the_workbook_reads_back() {
        let evaluation = sample();
        let bytes = evaluation_xlsx(&evaluation, Lang::Zh).expect("the workbook");
        assert_eq!(
            bytes,
            evaluation_xlsx(&evaluation, Lang::Zh).unwrap(),
            "the same run gives the same bytes"
        );
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
        assert_eq!(
            workbook.sheet_names(),
            [ABOUT_SHEET, RANKING_SHEET, INDICATORS_SHEET]
        );

        // The synthetic label first.
        let about = workbook.worksheet_range(ABOUT_SHEET).unwrap();
        let first: Vec<String> = about.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(first[0], "合成数据");
        assert!(first[1].starts_with("合成数据："), "{first:?}");
        let about_text: Vec<String> = about.rows().map(|row| text(&row[1])).collect();
        for expected in [
            "演示用合成数据",
            "新型研发机构年度考核指标体系",
            "2025.1",
            "2024",
        ] {
            assert!(
                about_text.iter().any(|t| t == expected),
                "{expected} in {about_text:?}"
            );
        }
        assert!(
            about_text
                .iter()
                .any(|t| t.contains("COINr") && t.contains("1000") && t.contains("2025"))
        );

        let ranking = workbook.worksheet_range(RANKING_SHEET).unwrap();
        let rows: Vec<Vec<&Data>> = ranking.rows().map(|row| row.iter().collect()).collect();
        let header: Vec<String> = rows[0].iter().map(|c| text(c)).collect();
        assert_eq!(
            header,
            [
                "代码",
                "名称",
                "名次",
                "指数得分",
                "名次 5% 分位",
                "名次中位数",
                "名次 95% 分位",
                "research（中）",
                "transfer（中）",
                "标记退出审查",
                "原因"
            ]
        );
        assert_eq!(rows.len(), 4);
        assert_eq!(text(rows[1][0]), "NRI001");
        assert_eq!(rows[1][2], &Data::Float(1.0));
        assert_eq!(rows[1][3], &Data::Float(85.0));
        assert_eq!(rows[2][6], &Data::Float(3.0));
        assert_eq!(rows[1][7], &Data::Float(87.0));
        assert_eq!(text(rows[3][9]), "是");
        assert_eq!(text(rows[3][10]), "NRI003 的原因");
        assert_eq!(text(rows[1][9]), "否");

        let indicators = workbook.worksheet_range(INDICATORS_SHEET).unwrap();
        let rows: Vec<Vec<&Data>> = indicators.rows().map(|row| row.iter().collect()).collect();
        assert_eq!(rows.len(), 1 + 3 * 6);
        let patents_2 = rows
            .iter()
            .find(|row| text(row[0]) == "NRI002" && text(row[2]) == "patents")
            .unwrap();
        assert_eq!(
            patents_2[6],
            &Data::Empty,
            "a missing value is a blank cell"
        );
        assert_eq!(patents_2[9], &Data::Empty);
        let rd_1 = rows
            .iter()
            .find(|row| text(row[0]) == "NRI001" && text(row[2]) == "rd")
            .unwrap();
        assert_eq!(rd_1[6], &Data::Float(300.0));
        assert_eq!(text(rd_1[7]), "万元");
        assert_eq!(text(rd_1[10]), "rd 的理由 / why rd");

        // English content, the same sheet names.
        let bytes = evaluation_xlsx(&evaluation, Lang::En).unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let about = workbook.worksheet_range(ABOUT_SHEET).unwrap();
        assert_eq!(text(&about.rows().next().unwrap()[0]), "Synthetic data");
        let ranking = workbook.worksheet_range(RANKING_SHEET).unwrap();
        assert_eq!(text(&ranking.rows().next().unwrap()[9]), "Exit flag");
    }
}
