//! Where an observation came from, and what is wrong with an input file.

use std::fmt;

use zijin_domain::Observation;

/// Where a row is: the file, the sheet (XLSX only) and the row as a
/// spreadsheet shows it (1-based; the header of a CSV file is row 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: String,
    pub sheet: Option<String>,
    pub row: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", 工作表 sheet “{sheet}”")?;
        }
        write!(f, ", 第 {} 行 row {}", self.row, self.row)
    }
}

/// An observation read from a file, with its place in the file so that later
/// checks (duplicates across files) can point at it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedObservation {
    pub observation: Observation,
    pub location: Location,
}

/// One problem in an observation file. Everything a person needs to find and
/// fix it: the file, the sheet, the row, the column, what was found and what
/// was expected; `message` says what is wrong, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based, as a spreadsheet shows it.
    pub row: Option<usize>,
    /// The column letter and its name, such as `D (数值 value)`.
    pub column: Option<String>,
    pub found: String,
    pub expected: String,
    pub message: String,
}

impl fmt::Display for Problem {
    /// One line: `file, 工作表 sheet “…”, 第 5 行 row 5, 列 column D (数值 value):
    /// message; 发现 found “…”; 应为 expected …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", 工作表 sheet “{sheet}”")?;
        }
        if let Some(row) = self.row {
            write!(f, ", 第 {row} 行 row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", 列 column {column}")?;
        }
        write!(
            f,
            ": {}; 发现 found “{}”; 应为 expected {}",
            self.message, self.found, self.expected
        )
    }
}

/// The spreadsheet letter of a 0-based column index: 0 is `A`, 26 is `AA`.
pub fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = index + 1;
    while rest > 0 {
        let remainder = (rest - 1) % 26;
        letters.push(b'A' + remainder as u8);
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(3), "D");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
