//! The regions file: a TOML document with one `[[regions]]` table per region,
//! documented in `data/README.md`.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;
use zijin_domain::{Region, RegionCode, RegionKind};

use crate::error::{FileError, FileKind, FileProblem};
use crate::plan_file::{find_key_line, line_of, table_extents, toml_problem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    #[serde(default)]
    regions: Vec<Spanned<RegionFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    code: RegionCode,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    kind: RegionKind,
    #[serde(default)]
    parent: Option<RegionCode>,
    #[serde(default)]
    note: Option<String>,
}

/// Parses a complete regions file: codes must be unique and every parent must
/// be a region of the file. Fails with every problem found.
pub fn parse_regions(text: &str, file_name: &str) -> Result<Vec<Region>, FileError> {
    parse_regions_extending(text, file_name, &[])
}

/// Parses a regions file that adds to regions already known (`known`, for
/// example those stored): a parent may be in the file or among `known`.
pub fn parse_regions_extending(
    text: &str,
    file_name: &str,
    known: &[Region],
) -> Result<Vec<Region>, FileError> {
    let file_error = |problems| FileError {
        file: file_name.to_owned(),
        kind: FileKind::Regions,
        problems,
    };
    let file: RegionsFile = toml::from_str(text).map_err(|error| {
        file_error(vec![toml_problem(
            file_name,
            text,
            &error,
            "[[regions]]",
            "地区 region",
        )])
    })?;
    let mut problems = Vec::new();
    let mut regions = Vec::with_capacity(file.regions.len());
    let mut lines = Vec::with_capacity(file.regions.len());
    let extents = table_extents(text, file.regions.iter().map(Spanned::span));
    for (spanned, span) in file.regions.into_iter().zip(extents) {
        let region = spanned.into_inner();
        let line = |field: &str| {
            find_key_line(text, span.clone(), field).unwrap_or_else(|| line_of(text, span.start))
        };
        lines.push((line("code"), line("parent"), line("name_zh")));
        regions.push(Region {
            code: region.code,
            name_zh: region.name_zh,
            name_en: region.name_en,
            kind: region.kind,
            parent: region.parent,
            note: region.note,
        });
    }

    let problem = |line: usize, region: &RegionCode, field: &str, message: String| FileProblem {
        file: file_name.to_owned(),
        line: Some(line),
        column: None,
        item: Some(format!("地区 region {region}")),
        field: Some(field.to_owned()),
        message,
    };
    let mut first_line_of: HashMap<&RegionCode, usize> = HashMap::new();
    for (region, (code_line, _, name_line)) in regions.iter().zip(&lines) {
        if let Some(first) = first_line_of.insert(&region.code, *code_line) {
            first_line_of.insert(&region.code, first);
            problems.push(problem(
                *code_line,
                &region.code,
                "code",
                format!("地区代码重复（第 {first} 行已有）/ the code appears more than once (first at line {first})"),
            ));
        }
        if region.name_zh.trim().is_empty() {
            problems.push(problem(
                *name_line,
                &region.code,
                "name_zh",
                "不能为空 / must not be empty".to_owned(),
            ));
        }
    }

    // Parents: in the file, or known already; the file's own entries win.
    let mut parent_of: HashMap<&RegionCode, Option<&RegionCode>> = known
        .iter()
        .map(|region| (&region.code, region.parent.as_ref()))
        .collect();
    parent_of.extend(
        regions
            .iter()
            .map(|region| (&region.code, region.parent.as_ref())),
    );
    for (region, (_, parent_line, _)) in regions.iter().zip(&lines) {
        let Some(parent) = &region.parent else {
            continue;
        };
        if parent == &region.code {
            problems.push(problem(
                *parent_line,
                &region.code,
                "parent",
                "地区不能是自己的上级 / a region cannot be its own parent".to_owned(),
            ));
        } else if !parent_of.contains_key(parent) {
            problems.push(problem(
                *parent_line,
                &region.code,
                "parent",
                format!(
                    "上级地区 {parent} 不存在 / the parent {parent} is not a region of this file{}",
                    if known.is_empty() {
                        ""
                    } else {
                        " nor a known region"
                    }
                ),
            ));
        } else if has_cycle(&region.code, &parent_of) {
            problems.push(problem(
                *parent_line,
                &region.code,
                "parent",
                "上级关系形成循环 / the parents form a cycle".to_owned(),
            ));
        }
    }

    if problems.is_empty() {
        Ok(regions)
    } else {
        Err(file_error(problems))
    }
}

/// Whether following parents from `start` comes back to it.
fn has_cycle(start: &RegionCode, parent_of: &HashMap<&RegionCode, Option<&RegionCode>>) -> bool {
    let mut current = start;
    // A chain longer than the number of regions must repeat a region.
    for _ in 0..=parent_of.len() {
        match parent_of.get(current).copied().flatten() {
            Some(parent) if parent == start => return true,
            Some(parent) => current = parent,
            None => return false,
        }
    }
    true
}
