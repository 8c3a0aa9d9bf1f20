//! The bulletin's prose: the summary paragraph, the movers and the notes,
//! written from the numbers in natural Chinese or English.

use zijin_app::monitor::StatusCounts;
use zijin_assess::TimeStatus;
use zijin_domain::{Lang, Plan, RegionKind};

use crate::model::Mover;
use crate::text;

/// What the summary paragraph is written from.
pub(crate) struct Facts<'a> {
    pub lang: Lang,
    pub year: i32,
    pub region_name: &'a str,
    pub date_text: &'a str,
    pub previous_date_text: &'a str,
    pub counts: &'a StatusCounts,
    pub movers: &'a [Mover],
    pub without_year_figure: &'a [String],
    pub without_any_figure: &'a [String],
    /// The plan's first year: there is no previous bulletin, only the baseline.
    pub first_year: bool,
}

pub(crate) fn paragraph(facts: &Facts<'_>) -> String {
    match facts.lang {
        Lang::Zh => paragraph_zh(facts),
        Lang::En => paragraph_en(facts),
    }
}

fn paragraph_zh(facts: &Facts<'_>) -> String {
    let Facts {
        year,
        region_name,
        date_text,
        previous_date_text,
        counts,
        movers,
        without_year_figure,
        without_any_figure,
        first_year,
        ..
    } = *facts;
    let total = counts.total();
    let mut text = format!(
        "本通报以{date_text}（{year}年度数据报送截止日）为评估日期。{region_name}{total}项规划指标中，"
    );
    let statuses: Vec<String> = [
        ("已实现", counts.achieved),
        ("快于预期", counts.ahead),
        ("基本符合预期", counts.on_schedule),
        ("滞后", counts.lagging),
        ("严重滞后", counts.seriously_lagging),
    ]
    .iter()
    .filter(|(_, count)| *count > 0)
    .map(|(name, count)| format!("{name}{count}项"))
    .collect();
    if statuses.is_empty() {
        text.push_str("均暂无法评估。");
    } else {
        text.push_str(&statuses.join("，"));
        if counts.not_assessed > 0 {
            text.push_str(&format!("，另有{}项暂无法评估", counts.not_assessed));
        }
        text.push('。');
    }
    let lights = light_counts(counts, Lang::Zh);
    if !lights.is_empty() {
        text.push_str(&format!("亮灯情况：{}。", lights.join("、")));
    }
    let compared = if first_year {
        "与规划基期相比".to_owned()
    } else {
        format!("与上期通报（{previous_date_text}）相比")
    };
    if movers.is_empty() {
        text.push_str(&format!("{compared}，各指标完成度和状态均无明显变化。"));
    } else {
        let named: Vec<String> = movers
            .iter()
            .map(|mover| format!("{}{}", mover.name, mover.text))
            .collect();
        text.push_str(&format!(
            "{compared}，变化最大的指标是：{}。",
            named.join("；")
        ));
    }
    let (missing, never) = (without_year_figure.len(), without_any_figure.len());
    let missing_text = if missing == total {
        "各项指标均尚无".to_owned()
    } else {
        format!("{missing}项指标尚无")
    };
    match never {
        _ if missing == 0 => {}
        0 => text.push_str(&format!(
            "{missing_text}{year}年度数据，评估沿用此前最新数据。"
        )),
        never if never == missing => {
            text.push_str(&format!("{missing_text}{year}年度数据，且尚无任何数据。"))
        }
        never => text.push_str(&format!(
            "{missing_text}{year}年度数据，其中{never}项尚无任何数据，其余沿用此前最新数据。"
        )),
    }
    text
}

fn paragraph_en(facts: &Facts<'_>) -> String {
    let Facts {
        year,
        region_name,
        date_text,
        previous_date_text,
        counts,
        movers,
        without_year_figure,
        without_any_figure,
        first_year,
        ..
    } = *facts;
    let total = counts.total();
    let mut text = format!(
        "This bulletin assesses the plan at {date_text}, when the figures for {year} were due. Of the {total} {} of the plan for {region_name}, ",
        plural(total, "indicator", "indicators")
    );
    let statuses: Vec<String> = [
        (counts.achieved, "has been achieved", "have been achieved"),
        (
            counts.ahead,
            "is ahead of schedule",
            "are ahead of schedule",
        ),
        (counts.on_schedule, "is on schedule", "are on schedule"),
        (counts.lagging, "is lagging", "are lagging"),
        (
            counts.seriously_lagging,
            "is seriously lagging",
            "are seriously lagging",
        ),
    ]
    .iter()
    .filter(|(count, _, _)| *count > 0)
    .map(|(count, one, many)| format!("{count} {}", plural(*count, one, many)))
    .collect();
    if statuses.is_empty() {
        text.push_str("none can be assessed yet.");
    } else {
        text.push_str(&text::list(&statuses, Lang::En));
        if counts.not_assessed > 0 {
            text.push_str(&format!("; {} cannot be assessed yet", counts.not_assessed));
        }
        text.push('.');
    }
    let lights = light_counts(counts, Lang::En);
    if !lights.is_empty() {
        text.push_str(&format!(" Lights: {}.", text::list(&lights, Lang::En)));
    }
    let compared = if first_year {
        "Since the baseline".to_owned()
    } else {
        format!("Since the previous bulletin ({previous_date_text})")
    };
    if movers.is_empty() {
        text.push_str(&format!(
            " {compared}, no indicator's completion or status has changed noticeably."
        ));
    } else {
        let named: Vec<String> = movers
            .iter()
            .map(|mover| format!("{} ({})", mover.name, mover.text))
            .collect();
        text.push_str(&format!(
            " {compared}, the biggest {} {}.",
            plural(movers.len(), "mover was", "movers were"),
            text::list(&named, Lang::En)
        ));
    }
    let (missing, never) = (without_year_figure.len(), without_any_figure.len());
    let lacking = if missing == total {
        format!("No indicator has a figure for {year} yet")
    } else {
        format!(
            "{missing} {} no figure for {year} yet",
            plural(missing, "indicator has", "indicators have")
        )
    };
    match never {
        _ if missing == 0 => {}
        0 => text.push_str(&format!(
            " {lacking}; the latest earlier figures are used."
        )),
        never if never == missing => {
            text.push_str(&format!(" {lacking}, nor any earlier figure."))
        }
        never => text.push_str(&format!(
            " {lacking}: {never} {} no figure at all, the others are read from their latest earlier figure.",
            plural(never, "has", "have")
        )),
    }
    text
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

fn light_counts(counts: &StatusCounts, lang: Lang) -> Vec<String> {
    [
        (counts.green, "绿灯", "green"),
        (counts.yellow, "黄灯", "yellow"),
        (counts.red, "红灯", "red"),
    ]
    .iter()
    .filter(|(count, _, _)| *count > 0)
    .map(|(count, zh, en)| match lang {
        Lang::Zh => format!("{zh}{count}项"),
        Lang::En => format!("{count} {en}"),
    })
    .collect()
}

/// How one indicator moved, in words.
pub(crate) fn mover_text(
    lang: Lang,
    completion_before: Option<f64>,
    completion_now: Option<f64>,
    status_before: Option<TimeStatus>,
    status_now: Option<TimeStatus>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    match (completion_before, completion_now) {
        (Some(before), Some(now)) => {
            let change = text::points((now - before) * 100.0);
            let up = text::round_to(now - before, 3) >= 0.0;
            parts.push(match lang {
                Lang::Zh => format!(
                    "完成度由{}{}{}（{}{}个百分点）",
                    text::percent(before),
                    if up { "升至" } else { "降至" },
                    text::percent(now),
                    if up { "提高" } else { "下降" },
                    change.trim_start_matches(['+', '-'])
                ),
                Lang::En => format!(
                    "completion {} from {} to {}, {change} points",
                    if up { "up" } else { "down" },
                    text::percent(before),
                    text::percent(now)
                ),
            });
        }
        (None, Some(now)) => parts.push(match lang {
            Lang::Zh => format!("完成度{}", text::percent(now)),
            Lang::En => format!("completion {}", text::percent(now)),
        }),
        _ => {}
    }
    let name = |status: TimeStatus| lang.pick(status.name_zh(), status.name_en());
    match (status_before, status_now) {
        (Some(before), Some(now)) if before != now => parts.push(match lang {
            Lang::Zh => format!("由{}转为{}", name(before), name(now)),
            Lang::En => format!("from {} to {}", name(before), name(now)),
        }),
        (Some(_), Some(now)) => parts.push(match lang {
            Lang::Zh => format!("仍为{}", name(now)),
            Lang::En => format!("still {}", name(now)),
        }),
        (None, Some(now)) => parts.push(match lang {
            Lang::Zh => format!("首次评估为{}", name(now)),
            Lang::En => format!("first assessed as {}", name(now)),
        }),
        (Some(_), None) => parts.push(lang.pick("暂无法评估", "no longer assessable").to_owned()),
        (None, None) => {}
    }
    parts.join(lang.pick("，", "; "))
}

/// The note on synthetic data, naming the kinds of region whose shown values
/// are synthetic.
pub(crate) fn synthetic_note(lang: Lang, kinds: &[RegionKind]) -> String {
    let names: Vec<String> = kinds
        .iter()
        .map(|kind| match lang {
            Lang::Zh => kind_plural_zh(*kind).to_owned(),
            Lang::En => kind_plural_en(*kind).to_owned(),
        })
        .collect();
    match lang {
        Lang::Zh => format!(
            "合成数据说明：本通报中{}的数据为 Zijin 生成的合成数据（来源质量“合成”），仅用于演示，并非公开发布或报送的数据；标注“合成”的数值及据此得出的排名和预警不代表实际情况。",
            names.join("、")
        ),
        Lang::En => format!(
            "Synthetic data: the figures of {} in this bulletin are synthetic data generated by Zijin (source quality \"synthetic\") for demonstration only; they are neither published nor reported figures, and the values marked \"synthetic\", and the rankings and warnings drawn from them, do not describe the real situation.",
            text::list(&names, Lang::En)
        ),
    }
}

pub(crate) fn kind_plural_zh(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::City => "市级",
        RegionKind::District => "各区",
        RegionKind::FunctionalArea => "功能区",
        RegionKind::HighTechZone => "高新区",
        RegionKind::Park => "各高新园区",
    }
}

pub(crate) fn kind_plural_en(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::City => "the city",
        RegionKind::District => "the districts",
        RegionKind::FunctionalArea => "the functional areas",
        RegionKind::HighTechZone => "the high-tech zone",
        RegionKind::Park => "the high-tech parks",
    }
}

/// What the notes are written from.
pub(crate) struct NoteFacts<'a> {
    pub lang: Lang,
    pub plan: &'a Plan,
    pub year: i32,
    pub date_text: &'a str,
    pub previous_date_text: &'a str,
    pub without_year_figure: &'a [String],
    pub without_any_figure: &'a [String],
    pub qualifiers_shown: bool,
    pub synthetic_note: Option<&'a str>,
}

pub(crate) fn notes(facts: &NoteFacts<'_>) -> Vec<String> {
    let NoteFacts {
        lang,
        plan,
        year,
        date_text,
        previous_date_text,
        without_year_figure,
        without_any_figure,
        qualifiers_shown,
        synthetic_note,
    } = *facts;
    let thresholds = &plan.thresholds;
    let ahead = text::number(thresholds.ahead_gap, 1);
    let lagging = text::number(thresholds.lagging_gap, 1);
    let serious = text::number(thresholds.seriously_lagging_gap, 1);
    let on_track = text::number(thresholds.growth_on_track, 2);
    let moderate = text::number(thresholds.growth_moderate, 2);
    let lag = thresholds.reporting_lag_months;
    let mut notes = Vec::new();
    notes.push(match lang {
        Lang::Zh => format!(
            "评估日期：本通报以{date_text}为评估日期，即{year}年度数据的报送截止日（年末后{lag}个月）；变化情况与上期通报评估日期（{previous_date_text}）的评估结果比较。"
        ),
        Lang::En => format!(
            "Dates: the bulletin assesses the plan at {date_text}, when the figures for {year} were due ({lag} months after the end of the year); changes are measured against the assessment at the previous bulletin's date ({previous_date_text})."
        ),
    });
    notes.push(match lang {
        Lang::Zh => format!(
            "评估方法：按“时间过半、任务过半”的序时进度原则，比较完成度（已完成的目标增量占比）与序时进度（规划期已过时间占比），两者之差为差距（百分点）。差距≥{ahead}为快于预期，{lagging}至{ahead}之间为基本符合预期，{serious}至{lagging}为滞后，≤{serious}为严重滞后；已达到目标值为已实现。绿灯表示已实现、快于预期或基本符合预期，黄灯表示滞后，红灯表示严重滞后。增长比为实际年均增速与实现目标所需年均增速之比（≥{on_track}进展良好，{moderate}至{on_track}需加快，0至{moderate}进展有限，<0倒退）。预测状态按当前增速外推至目标年。"
        ),
        Lang::En => format!(
            "Method: time-elapsed progress compares completion (the share of the targeted gain achieved) with the share of the plan period elapsed; their difference is the gap in percentage points. A gap of at least {ahead} is ahead of schedule, between {lagging} and {ahead} on schedule, between {serious} and {lagging} lagging, and {serious} or less seriously lagging; a target reached is achieved. Green means achieved, ahead or on schedule; yellow, lagging; red, seriously lagging. The growth ratio is the observed yearly growth over the growth the target requires (from {on_track}: on track; {moderate} to {on_track}: moderate progress; 0 to {moderate}: limited progress; below 0: deterioration). The projection extends the observed growth to the target year."
        ),
    });
    let earlier: Vec<&String> = without_year_figure
        .iter()
        .filter(|name| !without_any_figure.contains(name))
        .collect();
    if !earlier.is_empty() {
        let names: Vec<&str> = earlier.iter().map(|name| name.as_str()).collect();
        notes.push(match lang {
            Lang::Zh => format!(
                "尚无{year}年度数据、沿用此前最新数据的指标：{}。",
                names.join("、")
            ),
            Lang::En => format!(
                "Indicators without a figure for {year}, read from their latest earlier figure: {}.",
                names.join("; ")
            ),
        });
    }
    if !without_any_figure.is_empty() {
        notes.push(match lang {
            Lang::Zh => format!(
                "尚无任何数据、暂无法评估的指标：{}。",
                without_any_figure.join("、")
            ),
            Lang::En => format!(
                "Indicators without any figure yet, which cannot be assessed: {}.",
                without_any_figure.join("; ")
            ),
        });
    }
    if qualifiers_shown {
        notes.push(
            lang.pick(
                "数值前的“>”表示公开发布为“超过”“以上”，“~”表示“约”“左右”；评估按所给数值计算。",
                "A \">\" before a value means it was published as \"more than\", a \"~\" as \"about\"; the assessment uses the value as given.",
            )
            .to_owned(),
        );
    }
    if let Some(document) = &plan.document {
        notes.push(match lang {
            Lang::Zh => format!("基期值和目标值出自规划文本：{document}"),
            Lang::En => format!("Baselines and targets are taken from the plan: {document}"),
        });
    }
    if let Some(note) = synthetic_note {
        notes.push(note.to_owned());
    }
    notes
}
