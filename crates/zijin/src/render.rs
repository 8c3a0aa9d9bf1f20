//! Rendering for the terminal: readable tables (Chinese first, `--lang en`),
//! JSON (the API contract) and CSV.

use std::io::Write;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use zijin_domain::{Indicator, Kind, ObservationRecord, Plan, Region, SourceQuality};
use zijin_store::StoredPlan;

use crate::cli::{Format, Lang};

mod assessment;

pub use assessment::{assessment, demo};

/// Picks the Chinese or the English text.
pub(crate) fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A terminal table in the house style, with its header.
pub(crate) fn new_table(header: Vec<&str>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// A number as people read it: no trailing zeros, at most `decimals` places.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn kind_name(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Level, Lang::Zh) => "水平值",
        (Kind::Cumulative, Lang::Zh) => "累计值",
        (Kind::Growth, Lang::Zh) => "年均增速",
        (Kind::Level, Lang::En) => "level",
        (Kind::Cumulative, Lang::En) => "cumulative",
        (Kind::Growth, Lang::En) => "growth",
    }
}

fn target_text(indicator: &Indicator) -> String {
    match &indicator.target {
        None => "—".to_owned(),
        Some(target) if indicator.kind == Kind::Growth => {
            format!("+{}%/年 ({})", number(target.value, 2), target.year)
        }
        Some(target) => format!("{} ({})", target.value_text(), target.year),
    }
}

pub fn plan_table(out: &mut impl Write, stored: &StoredPlan, lang: Lang) -> Result<()> {
    let plan = &stored.plan;
    writeln!(out, "{} — {}", plan.name_zh, plan.name_en)?;
    writeln!(
        out,
        "{} {}, {} {}–{}, {} v{}",
        tr(lang, "代码", "code"),
        plan.code,
        tr(lang, "期间", "period"),
        plan.base_year,
        plan.target_year,
        tr(lang, "版本", "version"),
        stored.version
    )?;
    if let Some(document) = &plan.document {
        writeln!(out, "{} {document}", tr(lang, "出处", "source"))?;
    }
    let mut table = new_table(vec![
        tr(lang, "代码", "code"),
        tr(lang, "指标", "indicator"),
        tr(lang, "单位", "unit"),
        tr(lang, "类型", "kind"),
        tr(lang, "基期值", "baseline"),
        tr(lang, "目标值", "target"),
        tr(lang, "出处", "plan section"),
    ]);
    for indicator in &plan.indicators {
        let baseline = indicator.baseline.map_or_else(
            || "—".to_owned(),
            |baseline| format!("{} ({})", number(baseline.value, 4), baseline.year),
        );
        let name = match lang {
            Lang::Zh => indicator.name_zh.clone(),
            Lang::En => indicator.name_en.clone(),
        };
        table.add_row(vec![
            indicator.code.to_string(),
            name,
            indicator.unit.clone(),
            kind_name(indicator.kind, lang).to_owned(),
            baseline,
            target_text(indicator),
            indicator.section.clone(),
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

pub fn plan_csv(out: &mut impl Write, plan: &Plan) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "code",
        "name_zh",
        "name_en",
        "unit",
        "kind",
        "measure",
        "direction",
        "binding",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "target_stretch",
        "section",
    ])?;
    for indicator in &plan.indicators {
        let optional = |value: Option<String>| value.unwrap_or_default();
        writer.write_record([
            indicator.code.to_string(),
            indicator.name_zh.clone(),
            indicator.name_en.clone(),
            indicator.unit.clone(),
            format!("{:?}", indicator.kind).to_lowercase(),
            format!("{:?}", indicator.measure).to_lowercase(),
            format!("{:?}", indicator.direction).to_lowercase(),
            format!("{:?}", indicator.binding).to_lowercase(),
            optional(indicator.baseline.map(|baseline| baseline.year.to_string())),
            optional(
                indicator
                    .baseline
                    .map(|baseline| baseline.value.to_string()),
            ),
            optional(indicator.target.map(|target| target.year.to_string())),
            optional(indicator.target.map(|target| target.value.to_string())),
            optional(
                indicator
                    .target
                    .and_then(|target| target.stretch)
                    .map(|stretch| stretch.to_string()),
            ),
            indicator.section.clone(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

pub fn regions(out: &mut impl Write, regions: &[Region], format: Format, lang: Lang) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, regions)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(["code", "name_zh", "name_en", "kind", "parent", "note"])?;
            for region in regions {
                writer.write_record([
                    region.code.to_string(),
                    region.name_zh.clone(),
                    region.name_en.clone(),
                    serde_json::to_value(region.kind)?
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    region
                        .parent
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    region.note.clone().unwrap_or_default(),
                ])?;
            }
            writer.flush()?;
        }
        Format::Table => {
            let mut table = new_table(vec![
                tr(lang, "代码", "code"),
                tr(lang, "名称", "name"),
                tr(lang, "类型", "kind"),
                tr(lang, "上级", "parent"),
                tr(lang, "备注", "note"),
            ]);
            for region in regions {
                let name = match lang {
                    Lang::Zh => region.name_zh.clone(),
                    Lang::En => region.name_en.clone(),
                };
                let kind = match lang {
                    Lang::Zh => region.kind.name_zh().to_owned(),
                    Lang::En => serde_json::to_value(region.kind)?
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                };
                table.add_row(vec![
                    region.code.to_string(),
                    name,
                    kind,
                    region
                        .parent
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    region.note.clone().unwrap_or_default(),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}

fn quality_label(quality: SourceQuality, lang: Lang) -> String {
    match lang {
        Lang::Zh => quality.name_zh().to_owned(),
        Lang::En => quality.as_str().to_owned(),
    }
}

pub fn history(
    out: &mut impl Write,
    records: &[ObservationRecord],
    format: Format,
    lang: Lang,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, records)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "indicator",
                "region",
                "period",
                "revision",
                "value",
                "qualifier",
                "unit",
                "source",
                "source_quality",
                "note",
                "import_id",
                "imported_by",
                "imported_at",
            ])?;
            for record in records {
                let observation = &record.observation;
                writer.write_record([
                    observation.indicator.to_string(),
                    observation.region.to_string(),
                    observation.period.to_string(),
                    record.revision.to_string(),
                    observation.value.to_string(),
                    observation.qualifier.to_string(),
                    observation.unit.clone(),
                    observation.source.clone(),
                    observation.source_quality.to_string(),
                    observation.note.clone().unwrap_or_default(),
                    record.import_id.to_string(),
                    record.imported_by.clone(),
                    record.imported_at.to_rfc3339(),
                ])?;
            }
            writer.flush()?;
        }
        Format::Table => {
            if records.is_empty() {
                writeln!(out, "{}", tr(lang, "没有数据。", "No values."))?;
                return Ok(());
            }
            let mut table = new_table(vec![
                tr(lang, "期间", "period"),
                tr(lang, "修订", "rev."),
                tr(lang, "数值", "value"),
                tr(lang, "来源", "source"),
                tr(lang, "质量", "quality"),
                tr(lang, "导入", "imported"),
                tr(lang, "备注", "note"),
            ]);
            for record in records {
                let observation = &record.observation;
                let qualifier = match observation.qualifier.symbol() {
                    "=" => "",
                    symbol => symbol,
                };
                table.add_row(vec![
                    observation.period.to_string(),
                    record.revision.to_string(),
                    format!(
                        "{qualifier}{} {}",
                        number(observation.value, 4),
                        observation.unit
                    ),
                    observation.source.clone(),
                    quality_label(observation.source_quality, lang),
                    format!(
                        "#{} {} {}",
                        record.import_id,
                        record.imported_by,
                        record.imported_at.format("%Y-%m-%d %H:%M")
                    ),
                    observation.note.clone().unwrap_or_default(),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
