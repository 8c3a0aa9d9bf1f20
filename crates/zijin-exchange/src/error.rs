//! Errors of the plan and region files, and internal faults.

use std::fmt;

/// Which sort of file a [`FileError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Plan,
    Regions,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Plan => "规划文件 plan file",
            FileKind::Regions => "地区文件 regions file",
        }
    }
}

/// One problem in a plan or regions file: where it is (line, and column for
/// syntax errors), which indicator or region and which field it concerns,
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    /// 1-based line, when it is known.
    pub line: Option<usize>,
    /// 1-based column (in characters), for syntax errors.
    pub column: Option<usize>,
    /// The indicator or region concerned, such as `indicator rd_intensity`.
    pub item: Option<String>,
    /// The field concerned, such as `target`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", 第 {line} 行 line {line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ", 第 {column} 列 column {column}")?;
        }
        f.write_str(": ")?;
        if let Some(item) = &self.item {
            write!(f, "{item}, ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "字段 field {field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A plan or regions file that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    pub file: String,
    pub kind: FileKind,
    pub problems: Vec<FileProblem>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        write!(
            f,
            "{} {} 有 {count} 个问题 has {count} problem{}",
            self.kind.name(),
            self.file,
            if count == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// A fault of Zijin or of a library, not of the user's input.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("writing the reporting workbook failed: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}
