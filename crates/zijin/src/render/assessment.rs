//! Rendering assessments: a readable table with the notes that explain it,
//! JSON (the `Assessment` contract, serialized as is) and flat CSV.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use zijin_app::AssessmentReport;
use zijin_assess::{Assessment, DiagnosticCode, Light, TargetBasis};
use zijin_domain::{Kind, Qualifier, SourceQuality};

use super::{new_table, number, quality_label, tr};
use crate::cli::{Format, Lang};

pub fn assessment(
    out: &mut impl Write,
    report: &AssessmentReport,
    format: Format,
    lang: Lang,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report.assessments)?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &report.assessments)?,
        Format::Table => {
            heading(out, report, lang)?;
            table(out, report, &report.assessments, lang, true)?;
        }
    }
    Ok(())
}

/// The demo's output: the city's assessment of every target, then a summary
/// of the districts and parks (synthetic data), by light.
pub fn demo(out: &mut impl Write, report: &AssessmentReport, lang: Lang) -> Result<()> {
    heading(out, report, lang)?;
    let plan_region = &report.plan.region;
    let city: Vec<Assessment> = report
        .assessments
        .iter()
        .filter(|row| &row.region == plan_region)
        .cloned()
        .collect();
    writeln!(
        out,
        "{}",
        tr(
            lang,
            "全市 — 规划目标进度",
            "The city — progress of every target"
        )
    )?;
    table(out, report, &city, lang, false)?;
    counts(out, &city, lang)?;
    writeln!(out)?;
    regions_summary(out, report, lang)?;
    Ok(())
}

fn heading(out: &mut impl Write, report: &AssessmentReport, lang: Lang) -> Result<()> {
    let name = match lang {
        Lang::Zh => &report.plan.name_zh,
        Lang::En => &report.plan.name_en,
    };
    writeln!(
        out,
        "{name} — {} {}（{} {}–{}）",
        tr(lang, "评估日期", "assessed as of"),
        report.as_of,
        tr(lang, "规划期", "plan period"),
        report.plan.base_year,
        report.plan.target_year
    )?;
    Ok(())
}

/// Diagnostics that add nothing in a terminal table (they state the method);
/// they stay in JSON and CSV.
const QUIET: [DiagnosticCode; 2] = [
    DiagnosticCode::GrowthRatioNotApplicable,
    DiagnosticCode::ProbabilityNotApplicable,
];

fn table(
    out: &mut impl Write,
    report: &AssessmentReport,
    rows: &[Assessment],
    lang: Lang,
    show_region: bool,
) -> Result<()> {
    if rows.is_empty() {
        writeln!(
            out,
            "{}",
            tr(lang, "没有可评估的指标。", "Nothing to assess.")
        )?;
        return Ok(());
    }
    let mut header = vec![tr(lang, "指标", "indicator")];
    if show_region {
        header.push(tr(lang, "地区", "region"));
    }
    header.extend([
        tr(lang, "最新值", "latest"),
        tr(lang, "基期 → 目标", "baseline → target"),
        tr(lang, "完成度/时间进度", "done / time"),
        tr(lang, "差距(点)", "gap (pts)"),
        tr(lang, "增长比", "growth ratio"),
        tr(lang, "预测/概率", "projected / prob."),
        tr(lang, "判断", "readings"),
        tr(lang, "灯号", "light"),
    ]);
    let mut table = new_table(header);
    let mut notes: Vec<String> = Vec::new();
    let mut synthetic_shown = false;
    for row in rows {
        let indicator = report.plan.indicator(&row.indicator);
        let name = indicator.map_or_else(
            || row.indicator.to_string(),
            |indicator| match lang {
                Lang::Zh => indicator.name_zh.clone(),
                Lang::En => indicator.name_en.clone(),
            },
        );
        let mut cells = vec![format!("{name}\n{}", row.indicator)];
        if show_region {
            cells.push(region_name(report, row, lang));
        }
        let latest = match &row.latest {
            Some(latest) => {
                synthetic_shown |= latest.source_quality == SourceQuality::Synthetic;
                format!(
                    "{}{} {}\n{} [{}]",
                    qualifier_prefix(latest.qualifier),
                    number(latest.value, 2),
                    row.unit,
                    latest.period,
                    quality_label(latest.source_quality, lang)
                )
            }
            None => "—".to_owned(),
        };
        cells.push(latest);
        cells.push(baseline_and_target(row, lang));
        cells.push(match (row.completion, row.elapsed_share) {
            (Some(done), Some(elapsed)) => format!("{} / {}", percent(done), percent(elapsed)),
            _ => "—".to_owned(),
        });
        cells.push(
            row.gap_points
                .map_or_else(|| "—".to_owned(), |gap| format!("{gap:+.1}")),
        );
        cells.push(
            row.growth_ratio
                .map_or_else(|| "—".to_owned(), |ratio| format!("{ratio:.2}")),
        );
        cells.push(format!(
            "{} / {}",
            row.projection_ratio.map_or_else(|| "—".to_owned(), percent),
            row.probability.map_or_else(|| "—".to_owned(), percent)
        ));
        cells.push(readings(row, lang));
        cells.push(light_text(row.light, lang));
        table.add_row(cells);

        let place = if show_region {
            format!("{} @ {}", row.indicator, row.region)
        } else {
            row.indicator.to_string()
        };
        for diagnostic in row
            .diagnostics
            .iter()
            .filter(|diagnostic| !QUIET.contains(&diagnostic.code))
        {
            let message = match lang {
                Lang::Zh => &diagnostic.message,
                Lang::En => &diagnostic.message_en,
            };
            notes.push(format!("[{place}] {message}"));
        }
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "{}",
        tr(
            lang,
            "完成度/时间进度：已完成目标增量的比例 / 规划期已过时间的比例；差距 = 两者之差（百分点）。增长比 = 实际年均增速 / 目标要求增速。预测 = 按当前增速外推到目标年的完成比例；概率 = 对数线性趋势下达到目标的概率。",
            "done / time: share of the wanted change achieved / share of the plan period elapsed; gap = their difference in points. Growth ratio = observed yearly growth / required. Projected = share of the target reached at the current growth; probability = chance of meeting it on a log-linear trend."
        )
    )?;
    if synthetic_shown {
        writeln!(
            out,
            "{}",
            tr(
                lang,
                "[合成] = 合成数据：演示用生成数据，非公开发布数据。",
                "[synthetic] = generated for the demo, not a published figure."
            )
        )?;
    }
    if !notes.is_empty() {
        writeln!(out, "{}", tr(lang, "说明：", "Notes:"))?;
        for note in notes {
            writeln!(out, "  {note}")?;
        }
    }
    Ok(())
}

fn counts(out: &mut impl Write, rows: &[Assessment], lang: Lang) -> Result<()> {
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for row in rows {
        let label = match row.time_status {
            Some(status) => match lang {
                Lang::Zh => status.name_zh().to_owned(),
                Lang::En => status.name_en().to_owned(),
            },
            None => tr(lang, "无数据或无法评估", "no reading").to_owned(),
        };
        if !order.contains(&(row.time_status, label.clone())) {
            order.push((row.time_status, label.clone()));
        }
        *by_status.entry(label).or_default() += 1;
    }
    order.sort_by_key(|(status, _)| std::cmp::Reverse(*status));
    let parts: Vec<String> = order
        .iter()
        .map(|(_, label)| format!("{} {label}", by_status[label]))
        .collect();
    writeln!(
        out,
        "{}{}",
        tr(lang, "合计：", "In all: "),
        parts.join(tr(lang, "，", ", "))
    )?;
    Ok(())
}

/// One line per district, functional area and park: its lights, and its median growth ratio.
fn regions_summary(out: &mut impl Write, report: &AssessmentReport, lang: Lang) -> Result<()> {
    writeln!(
        out,
        "{}",
        tr(
            lang,
            "各区、功能区、园区 — 按全市要求增速评估（合成数据，仅作演示）",
            "Districts, functional areas and parks — read against the city's required growth (synthetic data, for demonstration)"
        )
    )?;
    let mut table = new_table(vec![
        tr(lang, "地区", "region"),
        tr(lang, "指标数", "indicators"),
        tr(lang, "绿灯", "green"),
        tr(lang, "黄灯", "yellow"),
        tr(lang, "红灯", "red"),
        tr(lang, "无灯号", "no light"),
        tr(lang, "增长比中位数", "median growth ratio"),
        tr(lang, "数据", "data"),
    ]);
    let mut rows = 0;
    for region in &report.regions {
        if region.code == report.plan.region {
            continue;
        }
        let of_region: Vec<&Assessment> = report
            .assessments
            .iter()
            .filter(|row| row.region == region.code)
            .collect();
        if of_region.is_empty() {
            continue;
        }
        rows += 1;
        let lights =
            |light: Option<Light>| of_region.iter().filter(|row| row.light == light).count();
        let mut ratios: Vec<f64> = of_region
            .iter()
            .filter_map(|row| row.growth_ratio)
            .collect();
        ratios.sort_by(f64::total_cmp);
        let median = match ratios.len() {
            0 => "—".to_owned(),
            n if n % 2 == 1 => format!("{:.2}", ratios[n / 2]),
            n => format!("{:.2}", (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0),
        };
        let synthetic = of_region.iter().any(|row| {
            row.latest
                .as_ref()
                .is_some_and(|latest| latest.source_quality == SourceQuality::Synthetic)
        });
        let name = match lang {
            Lang::Zh => &region.name_zh,
            Lang::En => &region.name_en,
        };
        table.add_row(vec![
            format!("{name} ({})", region.code),
            of_region.len().to_string(),
            lights(Some(Light::Green)).to_string(),
            lights(Some(Light::Yellow)).to_string(),
            lights(Some(Light::Red)).to_string(),
            lights(None).to_string(),
            median,
            if synthetic {
                tr(lang, "合成", "synthetic")
            } else {
                tr(lang, "报送", "reported")
            }
            .to_owned(),
        ]);
    }
    if rows == 0 {
        writeln!(out, "{}", tr(lang, "没有地区数据。", "No regional data."))?;
    } else {
        writeln!(out, "{table}")?;
        writeln!(
            out,
            "{}",
            tr(
                lang,
                "逐项明细：zijin assess --db zijin-demo.db --region 地区代码",
                "Details: zijin assess --db zijin-demo.db --region CODE"
            )
        )?;
    }
    Ok(())
}

fn region_name(report: &AssessmentReport, row: &Assessment, lang: Lang) -> String {
    report
        .regions
        .iter()
        .find(|region| region.code == row.region)
        .map_or_else(
            || row.region.to_string(),
            |region| match lang {
                Lang::Zh => format!("{}\n{}", region.name_zh, region.code),
                Lang::En => format!("{}\n{}", region.name_en, region.code),
            },
        )
}

fn baseline_and_target(row: &Assessment, lang: Lang) -> String {
    let baseline = row.baseline.map_or_else(
        || "—".to_owned(),
        |baseline| format!("{} ({})", number(baseline.value, 2), baseline.year),
    );
    let target = match row.target {
        None => "—".to_owned(),
        Some(target) if row.kind == Kind::Growth => {
            format!(
                "+{}%{} ({})",
                number(target.value, 2),
                tr(lang, "/年", "/yr"),
                target.year
            )
        }
        Some(target) => {
            let stretch = target
                .stretch
                .map(|stretch| format!("–{}", number(stretch, 2)))
                .unwrap_or_default();
            format!("{}{stretch} ({})", number(target.value, 2), target.year)
        }
    };
    let basis = match row.target_basis {
        Some(TargetBasis::Implied) => tr(lang, "\n按全市增速推算", "\nimplied by the city's"),
        Some(TargetBasis::Region) => tr(lang, "\n分解目标", "\nregion's own"),
        _ => "",
    };
    format!("{baseline} → {target}{basis}")
}

fn readings(row: &Assessment, lang: Lang) -> String {
    let mut lines = Vec::new();
    let pick = |zh: &'static str, en: &'static str| match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    if let Some(status) = row.time_status {
        lines.push(format!(
            "{}{}",
            tr(lang, "序时：", "time: "),
            pick(status.name_zh(), status.name_en())
        ));
    }
    if let Some(status) = row.growth_status {
        lines.push(format!(
            "{}{}",
            tr(lang, "增长：", "growth: "),
            pick(status.name_zh(), status.name_en())
        ));
    }
    if let Some(status) = row.projection_status {
        lines.push(format!(
            "{}{}",
            tr(lang, "预测：", "projection: "),
            pick(status.name_zh(), status.name_en())
        ));
    }
    if lines.is_empty() {
        "—".to_owned()
    } else {
        lines.join("\n")
    }
}

/// A light always says its name: never colour alone.
fn light_text(light: Option<Light>, lang: Lang) -> String {
    match light {
        Some(light) => match lang {
            Lang::Zh => light.name_zh().to_owned(),
            Lang::En => light.name_en().to_owned(),
        },
        None => "—".to_owned(),
    }
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

fn qualifier_prefix(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "",
        Qualifier::MoreThan => ">",
        Qualifier::About => "~",
    }
}

fn csv(out: &mut impl Write, rows: &[Assessment]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "indicator",
        "region",
        "as_of",
        "kind",
        "latest_period",
        "latest_value",
        "latest_qualifier",
        "latest_source",
        "latest_source_quality",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "target_stretch",
        "target_basis",
        "elapsed_share",
        "completion",
        "gap_points",
        "cumulative_total",
        "growth_ratio",
        "projected_value",
        "projection_ratio",
        "probability",
        "time_status",
        "growth_status",
        "projection_status",
        "light",
        "diagnostics",
    ])?;
    let text = |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
    let name = |value: serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    for row in rows {
        let latest = row.latest.as_ref();
        writer.write_record([
            row.indicator.to_string(),
            row.region.to_string(),
            row.as_of.to_string(),
            name(serde_json::to_value(row.kind)?),
            latest
                .map(|latest| latest.period.to_string())
                .unwrap_or_default(),
            text(latest.map(|latest| latest.value)),
            latest
                .map(|latest| latest.qualifier.to_string())
                .unwrap_or_default(),
            latest
                .map(|latest| latest.source.clone())
                .unwrap_or_default(),
            latest
                .map(|latest| latest.source_quality.to_string())
                .unwrap_or_default(),
            row.baseline
                .map(|baseline| baseline.year.to_string())
                .unwrap_or_default(),
            text(row.baseline.map(|baseline| baseline.value)),
            row.target
                .map(|target| target.year.to_string())
                .unwrap_or_default(),
            text(row.target.map(|target| target.value)),
            text(row.target.and_then(|target| target.stretch)),
            name(serde_json::to_value(row.target_basis)?),
            text(row.elapsed_share),
            text(row.completion),
            text(row.gap_points),
            text(row.cumulative_total),
            text(row.growth_ratio),
            text(row.projected_value),
            text(row.projection_ratio),
            text(row.probability),
            name(serde_json::to_value(row.time_status)?),
            name(serde_json::to_value(row.growth_status)?),
            name(serde_json::to_value(row.projection_status)?),
            name(serde_json::to_value(row.light)?),
            row.diagnostics
                .iter()
                .map(|diagnostic| name(serde_json::to_value(diagnostic.code).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(";"),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
