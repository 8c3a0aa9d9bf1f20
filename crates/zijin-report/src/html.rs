//! The bulletin as one standalone HTML document: inline CSS and SVG, no
//! scripts, no external resources; semantic and printable.

use std::fmt::Write as _;

use zijin_assess::Light;
use zijin_charts::escape;
use zijin_domain::Lang;

use crate::charts::chart_light;
use crate::model::{Bulletin, RankingTable, SourceRow, StatusRow, Warning};
use crate::text;

const STYLE: &str = r#"
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #1a1a1a; background: #fff; line-height: 1.6; font-size: 14px; max-width: 1180px; margin: 0 auto; padding: 1.5rem; }
header { text-align: center; margin-bottom: 1.5rem; }
h1 { font-size: 1.55rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin-top: 1.25rem; break-after: avoid; }
.date { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.25rem; font-size: .82rem; }
table.counts { width: auto; min-width: 22rem; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; caption-side: top; }
th, td { border: 1px solid #8a8a8a; padding: .2rem .4rem; vertical-align: top; text-align: left; }
thead th { background: #ececec; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.light { white-space: nowrap; font-weight: 700; }
.light svg { vertical-align: -3px; margin-right: .3em; }
.light-red { color: #b3261e; } .light-yellow { color: #7a5200; } .light-green { color: #1e6b34; } .light-none { color: #555; }
.tag { display: inline-block; border: 1px dashed #555; border-radius: 3px; padding: 0 .25em; margin-left: .3em; font-size: .72rem; font-weight: 400; color: #333; white-space: nowrap; }
.remark { border-left: 4px solid #555; background: #f6f6f6; padding: .4rem .6rem; margin: .5rem 0; }
figure { margin: 1rem 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #333; }
.summary { font-size: 1rem; text-indent: 2em; }
ol.notes li { margin-bottom: .4rem; }
a { color: inherit; word-break: break-all; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } a { text-decoration: none; } }
"#;

/// The bulletin as a standalone HTML document: `lang` set, inline CSS,
/// inline SVG charts and icons, tables with captions, no scripts and no
/// external resources. Lights are always an icon and a word.
pub fn html(bulletin: &Bulletin) -> String {
    let lang = bulletin.lang;
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.tag(),
        escape(&bulletin.title)
    );
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"date\">{} <time datetime=\"{}\">{}</time></p>\n</header>\n<main>\n",
        escape(&bulletin.title),
        lang.pick("评估日期：", "Assessed at"),
        bulletin.date,
        escape(&bulletin.date_text)
    );
    summary_section(&mut out, bulletin);
    status_section(&mut out, bulletin);
    charts_section(&mut out, bulletin);
    rankings_section(&mut out, bulletin);
    warnings_section(&mut out, bulletin);
    sources_section(&mut out, bulletin);
    notes_section(&mut out, bulletin);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Section headings, numbered the way each language numbers them.
pub(crate) fn heading(lang: Lang, index: usize, zh: &str, en: &str) -> String {
    const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match lang {
        Lang::Zh => format!("{}、{zh}", NUMERALS.get(index).copied().unwrap_or("")),
        Lang::En => format!("{}. {en}", index + 1),
    }
}

fn summary_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let counts = &bulletin.summary.counts;
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>{}</h2>\n<p class=\"summary\">{}</p>\n",
        heading(lang, 0, "总体情况", "Overview"),
        escape(&bulletin.summary.paragraph)
    );
    let _ = write!(
        out,
        "<table class=\"counts\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
        escape(&match lang {
            Lang::Zh => format!("{}规划指标状态统计", bulletin.region_name),
            Lang::En => format!("Indicators of {} by status", bulletin.region_name),
        }),
        lang.pick("状态", "Status"),
        lang.pick("指标数", "Indicators")
    );
    let rows = [
        (lang.pick("已实现", "achieved"), counts.achieved, None),
        (lang.pick("快于预期", "ahead"), counts.ahead, None),
        (
            lang.pick("基本符合预期", "on schedule"),
            counts.on_schedule,
            None,
        ),
        (lang.pick("滞后", "lagging"), counts.lagging, None),
        (
            lang.pick("严重滞后", "seriously lagging"),
            counts.seriously_lagging,
            None,
        ),
        (
            lang.pick("暂无法评估", "not assessed"),
            counts.not_assessed,
            None,
        ),
        ("", counts.green, Some(Light::Green)),
        ("", counts.yellow, Some(Light::Yellow)),
        ("", counts.red, Some(Light::Red)),
    ];
    for (name, count, light) in rows {
        let label = match light {
            Some(light) => light_cell(Some(light), &text::light(Some(light), lang)),
            None => escape(name),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td class=\"num\">{count}</td></tr>"
        );
    }
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>\n</tbody>\n</table>\n</section>",
        lang.pick("合计", "Total"),
        counts.total()
    );
}

fn light_cell(light: Option<Light>, word: &str) -> String {
    let class = match light {
        Some(Light::Red) => "light-red",
        Some(Light::Yellow) => "light-yellow",
        Some(Light::Green) => "light-green",
        None => "light-none",
    };
    format!(
        "<span class=\"light {class}\"><span aria-hidden=\"true\">{}</span>{}</span>",
        zijin_charts::light_icon(chart_light(light), 14).trim_end(),
        escape(word)
    )
}

fn synthetic_tag(lang: Lang) -> String {
    format!(
        "<span class=\"tag\">{}</span>",
        lang.pick("合成", "synthetic")
    )
}

fn status_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = write!(
        out,
        "<section id=\"status\">\n<h2>{}</h2>\n<table class=\"status\">\n<caption>{}</caption>\n<thead><tr>",
        heading(lang, 1, "指标完成情况", "Status of the indicators"),
        escape(&match lang {
            Lang::Zh => format!(
                "{}规划指标完成情况（截至{}）",
                bulletin.region_name, bulletin.date_text
            ),
            Lang::En => format!(
                "Indicators of {} at {}",
                bulletin.region_name, bulletin.date_text
            ),
        })
    );
    for (header, numeric) in [
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("基期值", "Baseline"), true),
        (lang.pick("最新值", "Latest"), true),
        (lang.pick("期间", "Period"), false),
        (lang.pick("目标值", "Target"), true),
        (
            lang.pick("完成度 / 序时进度", "Completion / time elapsed"),
            true,
        ),
        (lang.pick("增长比", "Growth ratio"), true),
        (lang.pick("序时进度状态", "Time-elapsed status"), false),
        (lang.pick("增长比状态", "Growth status"), false),
        (lang.pick("预测", "Projection"), false),
        (lang.pick("灯", "Light"), false),
    ] {
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &bulletin.status {
        status_row(out, row, lang);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn status_row(out: &mut String, row: &StatusRow, lang: Lang) {
    let synthetic = if row.synthetic {
        synthetic_tag(lang)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}{synthetic}</td><td>{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&row.name),
        escape(&row.unit),
        escape(&row.baseline_text),
        escape(&row.latest_text),
        escape(row.latest_period.as_deref().unwrap_or(text::DASH)),
        escape(&row.target_text),
        escape(&row.progress_text),
        escape(&row.growth_ratio_text),
        escape(&row.time_status_text),
        escape(&row.growth_status_text),
        escape(&row.projection_status_text),
        light_cell(row.light, &row.light_text),
    );
}

fn charts_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "<section id=\"charts\">\n<h2>{}</h2>",
        heading(lang, 2, "滞后指标走势", "Lagging indicators")
    );
    if bulletin.charts.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            lang.pick(
                "本期没有滞后或严重滞后的指标。",
                "No indicator is lagging or seriously lagging."
            )
        );
    }
    for chart in &bulletin.charts {
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
            chart.svg.trim_end(),
            escape(&chart.caption)
        );
    }
    out.push_str("</section>\n");
}

fn rankings_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "<section id=\"rankings\">\n<h2>{}</h2>",
        heading(lang, 3, "各区和高新园区排名", "Rankings")
    );
    let _ = writeln!(
        out,
        "<p>{}</p>",
        lang.pick(
            "按各指标增长比的中位数排名（增长比为1表示按目标所需增速增长），并列时名次相同；完成度中位数排名列于其后。",
            "Ranked by the median over indicators of the growth ratio (1 means growing at the rate the target requires); ties share a rank. The rank by median completion follows."
        )
    );
    for table in &bulletin.rankings {
        ranking_table(out, table, lang);
    }
    out.push_str("</section>\n");
}

fn ranking_table(out: &mut String, table: &RankingTable, lang: Lang) {
    let _ = writeln!(out, "<h3>{}</h3>", escape(&table.title));
    if let Some(remark) = &table.remark {
        let _ = writeln!(out, "<p class=\"remark\">{}</p>", escape(remark));
    }
    let _ = writeln!(out, "<figure>\n{}\n</figure>", table.chart_svg.trim_end());
    let _ = write!(
        out,
        "<table class=\"ranking\">\n<caption>{}</caption>\n<thead><tr>",
        escape(&table.title)
    );
    for (header, numeric) in [
        (lang.pick("名次（增长比）", "Rank (growth ratio)"), true),
        (lang.pick("名次（完成度）", "Rank (completion)"), true),
        (lang.pick("地区", "Region"), false),
        (lang.pick("评估指标数", "Indicators"), true),
        (lang.pick("增长比中位数", "Median growth ratio"), true),
        (lang.pick("完成度中位数", "Median completion"), true),
        (lang.pick("绿灯", "Green"), true),
        (lang.pick("黄灯", "Yellow"), true),
        (lang.pick("红灯", "Red"), true),
    ] {
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let rank = |rank: Option<usize>| rank.map_or_else(|| text::DASH.to_owned(), |r| r.to_string());
    for row in &table.rows {
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><th scope=\"row\">{}{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            rank(row.rank_by_growth_ratio),
            rank(row.rank_by_completion),
            escape(&row.name),
            if row.synthetic {
                synthetic_tag(lang)
            } else {
                String::new()
            },
            row.assessed,
            text::optional(row.median_growth_ratio, text::ratio),
            text::optional(row.median_completion, text::percent),
            row.green,
            row.yellow,
            row.red,
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn warnings_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let warnings = &bulletin.warnings;
    let _ = writeln!(
        out,
        "<section id=\"warnings\">\n<h2>{}</h2>",
        heading(lang, 4, "预警清单", "Warnings")
    );
    let _ = writeln!(
        out,
        "<p>{}</p>",
        escape(&match lang {
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
        let _ = writeln!(out, "<p class=\"remark\">{}</p>", escape(remark));
    }
    if warnings.rows.is_empty() {
        out.push_str("</section>\n");
        return;
    }
    let _ = write!(
        out,
        "<table class=\"warnings\">\n<caption>{}</caption>\n<thead><tr>",
        lang.pick("红灯和黄灯指标", "Red and yellow lights")
    );
    for (header, numeric) in [
        (lang.pick("灯", "Light"), false),
        (lang.pick("地区", "Region"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("状态", "Status"), false),
        (lang.pick("差距（百分点）", "Gap (points)"), true),
        (lang.pick("原因", "Reason"), false),
    ] {
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &warnings.rows {
        warning_row(out, row, lang);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn warning_row(out: &mut String, row: &Warning, lang: Lang) {
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td>{}<span class=\"kind\">（{}）</span>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
        light_cell(Some(row.light), &row.light_text),
        escape(&row.region_name),
        escape(&row.region_kind_text),
        if row.synthetic {
            synthetic_tag(lang)
        } else {
            String::new()
        },
        escape(&row.indicator_name),
        escape(&row.time_status_text),
        text::optional(row.gap_points, text::points),
        escape(&row.reason),
    );
}

fn sources_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = write!(
        out,
        "<section id=\"sources\">\n<h2>{}</h2>\n<table class=\"sources\">\n<caption>{}</caption>\n<thead><tr>",
        heading(lang, 5, "数据来源", "Data sources"),
        lang.pick("本通报所用数据的来源", "Sources of the figures used")
    );
    for (header, numeric) in [
        (lang.pick("来源", "Source"), false),
        (lang.pick("来源质量", "Quality"), false),
        (lang.pick("数值个数", "Values"), true),
        (lang.pick("地区数", "Regions"), true),
        (lang.pick("年份", "Years"), false),
    ] {
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &bulletin.sources {
        source_row(out, row);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn source_row(out: &mut String, row: &SourceRow) {
    let source = if row.source.starts_with("http://") || row.source.starts_with("https://") {
        format!("<a href=\"{0}\">{0}</a>", escape(&row.source))
    } else {
        escape(&row.source)
    };
    let _ = writeln!(
        out,
        "<tr><td>{source}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
        escape(&row.quality_text),
        row.values,
        row.regions,
        years(row.first_year, row.last_year),
    );
}

pub(crate) fn years(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

fn notes_section(out: &mut String, bulletin: &Bulletin) {
    let lang = bulletin.lang;
    let _ = writeln!(
        out,
        "<section id=\"notes\">\n<h2>{}</h2>\n<ol class=\"notes\">",
        heading(lang, 6, "说明", "Notes")
    );
    for note in &bulletin.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ol>\n</section>\n");
}
