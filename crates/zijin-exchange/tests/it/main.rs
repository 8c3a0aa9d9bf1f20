//! Integration tests of the exchange crate: the built-in data files, the
//! observation formats, every kind of bad input, and the reporting workbook.

mod bad_input;
mod plan_files;
mod reporting;
mod tidy;

use zijin_domain::{Plan, Region, SourceQuality};
use zijin_exchange::{
    ImportContext, LocatedObservation, NANJING_PLAN, NANJING_REGIONS, Problem, parse_plan,
    parse_regions, read_observations,
};

/// The built-in plan and regions.
pub fn nanjing() -> (Plan, Vec<Region>) {
    let plan =
        parse_plan(NANJING_PLAN, "data/nanjing/plan.toml").expect("the built-in plan is valid");
    let regions = parse_regions(NANJING_REGIONS, "data/nanjing/regions.toml")
        .expect("the built-in regions are valid");
    (plan, regions)
}

pub fn context<'a>(plan: &'a Plan, regions: &'a [Region]) -> ImportContext<'a> {
    ImportContext {
        plan,
        regions,
        default_source_quality: SourceQuality::Official,
    }
}

/// Reads a file against the Nanjing plan and regions.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<LocatedObservation>, Vec<Problem>> {
    let (plan, regions) = nanjing();
    read_observations(file_name, bytes, &context(&plan, &regions), &mut |_, _| {})
}

/// Reads a file that must be accepted.
pub fn read_ok(file_name: &str, bytes: &[u8]) -> Vec<LocatedObservation> {
    match read(file_name, bytes) {
        Ok(rows) => rows,
        Err(problems) => panic!("{file_name} was rejected:\n{}", list(&problems)),
    }
}

/// Reads a file that must be rejected, and returns its problems.
pub fn read_problems(file_name: &str, bytes: &[u8]) -> Vec<Problem> {
    match read(file_name, bytes) {
        Ok(rows) => panic!("{file_name} was accepted with {} rows", rows.len()),
        Err(problems) => problems,
    }
}

pub fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  {problem}\n"))
        .collect()
}

/// What one problem must say.
pub struct Expect<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub row: Option<usize>,
    /// The column label starts with this (`D`, `D (数值 value)`); `None`: no column.
    pub column: Option<&'a str>,
    pub found: &'a str,
    /// Every one of these is in the expected text.
    pub expected: &'a [&'a str],
    /// Every one of these is in the message.
    pub message: &'a [&'a str],
}

/// Asserts that exactly one problem is at the row and column, with the
/// file, sheet, found value, expected text and message, and that its
/// one-line display names them all.
pub fn check_problem(problems: &[Problem], expect: Expect<'_>) {
    let at_place: Vec<&Problem> = problems
        .iter()
        .filter(|problem| {
            problem.row == expect.row
                && match (expect.column, &problem.column) {
                    (Some(prefix), Some(column)) => column.starts_with(prefix),
                    (None, None) => true,
                    _ => false,
                }
        })
        .collect();
    assert_eq!(
        at_place.len(),
        1,
        "one problem at row {:?}, column {:?} expected, found:\n{}",
        expect.row,
        expect.column,
        list(problems)
    );
    let problem = at_place[0];
    assert_eq!(problem.file, expect.file, "{problem}");
    assert_eq!(problem.sheet.as_deref(), expect.sheet, "{problem}");
    assert_eq!(problem.found, expect.found, "{problem}");
    for part in expect.expected {
        assert!(
            problem.expected.contains(part),
            "expected text lacks {part:?}: {problem}"
        );
    }
    for part in expect.message {
        assert!(
            problem.message.contains(part),
            "message lacks {part:?}: {problem}"
        );
    }
    let line = problem.to_string();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(line.starts_with(expect.file), "{line}");
    assert!(line.contains(&format!("“{}”", expect.found)), "{line}");
    if let Some(row) = expect.row {
        assert!(line.contains(&format!("第 {row} 行 row {row}")), "{line}");
    }
    if let Some(sheet) = expect.sheet {
        assert!(line.contains(&format!("工作表 sheet “{sheet}”")), "{line}");
    }
    if let Some(column) = expect.column {
        assert!(line.contains(&format!("列 column {column}")), "{line}");
    }
    assert!(
        line.contains("发现 found") && line.contains("应为 expected"),
        "{line}"
    );
}
