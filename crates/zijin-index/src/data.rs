//! Units and their values: iData, and the frames every stage produces.

use serde::Serialize;

use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::spec::{PanelImputeMethod, PanelImputeSpec};

/// A table of numbers: units (rows) × columns, stored column by column.
/// A missing value is `NaN`; no stage produces `NaN` for any other reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    units: Vec<String>,
    columns: Vec<String>,
    values: Vec<Vec<f64>>,
}

impl Frame {
    /// A frame from columns; every column has one value per unit.
    pub fn new(units: Vec<String>, columns: Vec<String>, values: Vec<Vec<f64>>) -> Frame {
        assert_eq!(columns.len(), values.len(), "one value vector per column");
        for column in &values {
            assert_eq!(column.len(), units.len(), "one value per unit");
        }
        Frame {
            units,
            columns,
            values,
        }
    }

    pub fn units(&self) -> &[String] {
        &self.units
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values of column `c`, one per unit.
    pub fn column(&self, c: usize) -> &[f64] {
        &self.values[c]
    }

    pub(crate) fn column_mut(&mut self, c: usize) -> &mut Vec<f64> {
        &mut self.values[c]
    }

    /// The values of the column named `code`.
    pub fn column_by_code(&self, code: &str) -> Option<&[f64]> {
        self.column_index(code).map(|c| self.values[c].as_slice())
    }

    pub fn column_index(&self, code: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == code)
    }

    pub fn unit_index(&self, code: &str) -> Option<usize> {
        self.units.iter().position(|u| u == code)
    }

    /// The value of unit `u` in column `c`; `None` when missing.
    pub fn get(&self, u: usize, c: usize) -> Option<f64> {
        let v = self.values[c][u];
        (!v.is_nan()).then_some(v)
    }

    /// Keeps the units whose flag is true, in order.
    pub(crate) fn retain_units(&self, keep: &[bool]) -> Frame {
        Frame {
            units: kept_rows(&self.units, keep),
            columns: self.columns.clone(),
            values: self.values.iter().map(|col| kept_rows(col, keep)).collect(),
        }
    }

    /// Appends a column.
    pub(crate) fn push_column(&mut self, code: String, values: Vec<f64>) {
        assert_eq!(values.len(), self.units.len());
        self.columns.push(code);
        self.values.push(values);
    }
}

/// The rows whose flag is true, in order.
fn kept_rows<T: Clone>(values: &[T], keep: &[bool]) -> Vec<T> {
    values
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(v, _)| v.clone())
        .collect()
}

/// iData: the units, their group memberships, their optional year, and every
/// numeric column (indicators and denominators).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dataset {
    /// Unit codes (`uCode`), unique, and names (`uName`).
    pub codes: Vec<String>,
    pub names: Vec<String>,
    /// The `Time` column of panel data: one row per unit and year.
    pub times: Option<Vec<i32>>,
    /// Group columns by name: each unit's group, if any.
    pub groups: Vec<(String, Vec<Option<String>>)>,
    /// Every numeric column by name, one value per row, `NaN` = missing.
    pub columns: Vec<(String, Vec<f64>)>,
}

impl Dataset {
    /// The rows of one year of panel data (all rows if there is no `Time`).
    pub fn at_time(&self, year: i32) -> Dataset {
        let Some(times) = &self.times else {
            return self.clone();
        };
        let keep: Vec<bool> = times.iter().map(|&t| t == year).collect();
        Dataset {
            codes: kept_rows(&self.codes, &keep),
            names: kept_rows(&self.names, &keep),
            times: None,
            groups: self
                .groups
                .iter()
                .map(|(name, values)| (name.clone(), kept_rows(values, &keep)))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(name, values)| (name.clone(), kept_rows(values, &keep)))
                .collect(),
        }
    }

    /// Fills missing values of panel data from the same unit's other years;
    /// returns the data and the number of values filled. Data without `Time`
    /// are returned unchanged. Non-missing values never change.
    pub fn impute_panel(&self, spec: &PanelImputeSpec) -> (Dataset, usize) {
        let Some(times) = &self.times else {
            return (self.clone(), 0);
        };
        // Rows of each unit, in time order.
        let mut by_unit: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (row, code) in self.codes.iter().enumerate() {
            by_unit.entry(code).or_default().push(row);
        }
        for rows in by_unit.values_mut() {
            rows.sort_by_key(|&r| times[r]);
        }
        let mut out = self.clone();
        let mut filled = 0;
        for (_, column) in out.columns.iter_mut() {
            for rows in by_unit.values() {
                let known: Vec<(i32, f64)> = rows
                    .iter()
                    .filter(|&&r| !column[r].is_nan())
                    .map(|&r| (times[r], column[r]))
                    .collect();
                if known.is_empty() {
                    continue;
                }
                for &r in rows {
                    if !column[r].is_nan() {
                        continue;
                    }
                    let t = times[r];
                    let before = known.iter().rev().find(|(s, _)| *s < t);
                    let after = known.iter().find(|(s, _)| *s > t);
                    let linear = |b: &(i32, f64), a: &(i32, f64)| {
                        b.1 + (a.1 - b.1) * f64::from(t - b.0) / f64::from(a.0 - b.0)
                    };
                    let value = match spec.method {
                        PanelImputeMethod::Latest => before
                            .filter(|(s, _)| spec.max_time.is_none_or(|m| (t - s) as u32 <= m))
                            .map(|(_, v)| *v),
                        PanelImputeMethod::Constant => before.or(after).map(|(_, v)| *v),
                        PanelImputeMethod::Linear | PanelImputeMethod::LinearConstant
                            if known.len() == 1 =>
                        {
                            (spec.method == PanelImputeMethod::LinearConstant).then_some(known[0].1)
                        }
                        PanelImputeMethod::Linear | PanelImputeMethod::LinearConstant => {
                            match (before, after) {
                                (Some(b), Some(a)) => Some(linear(b, a)),
                                (Some(b), None) => Some(b.1),
                                (None, Some(a)) => Some(a.1),
                                (None, None) => None,
                            }
                        }
                    };
                    if let Some(v) = value {
                        column[r] = v;
                        filled += 1;
                    }
                }
            }
        }
        (out, filled)
    }

    /// The years of panel data, sorted; empty for a single-period dataset.
    pub fn years(&self) -> Vec<i32> {
        let mut years = self.times.clone().unwrap_or_default();
        years.sort_unstable();
        years.dedup();
        years
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    pub fn group(&self, name: &str) -> Option<&[Option<String>]> {
        self.groups
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Checks that the data fit the framework: every indicator and
    /// denominator named in iMeta is a numeric column, unit codes are unique
    /// (within a year, for panel data).
    pub fn check(&self, framework: &Framework) -> Result<()> {
        for &i in framework.indicators() {
            let node = framework.node(i);
            if self.column(&node.code).is_none() {
                let problem = if self.group(&node.code).is_some() {
                    format!(
                        "indicator {:?} (iMeta row {}) is a text column in iData; indicators must be numbers",
                        node.code, node.row
                    )
                } else {
                    format!(
                        "indicator {:?} (iMeta row {}) has no column in iData; add the column or remove the row",
                        node.code, node.row
                    )
                };
                return Err(IndexError::Data {
                    column: node.code.clone(),
                    problem,
                });
            }
        }
        for d in framework.denominators() {
            let used = framework
                .nodes()
                .iter()
                .any(|n| n.denominator.as_deref() == Some(d));
            if used && self.column(d).is_none() {
                return Err(IndexError::Data {
                    column: d.clone(),
                    problem: "is a denominator in iMeta but has no numeric column in iData".into(),
                });
            }
        }
        let mut seen = std::collections::HashMap::new();
        for (row, code) in self.codes.iter().enumerate() {
            let key = (code.as_str(), self.times.as_ref().map(|t| t[row]));
            if let Some(first) = seen.insert(key, row) {
                return Err(IndexError::Data {
                    column: "uCode".into(),
                    problem: format!(
                        "unit {code:?} appears twice (data rows {} and {}){}",
                        first + 1,
                        row + 1,
                        if self.times.is_some() {
                            " in the same year"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        if self.times.is_some() {
            let years = self.years();
            if years.len() > 1 {
                return Err(IndexError::Data {
                    column: "Time".into(),
                    problem: format!(
                        "the data cover {} years ({}–{}); choose one year to build the index for",
                        years.len(),
                        years[0],
                        years[years.len() - 1]
                    ),
                });
            }
        }
        Ok(())
    }

    /// The indicator columns as a frame, in framework order.
    pub(crate) fn indicator_frame(&self, framework: &Framework) -> Frame {
        let columns = framework.indicator_codes();
        let values = columns
            .iter()
            .map(|c| self.column(c).expect("checked").to_vec())
            .collect();
        Frame::new(self.codes.clone(), columns, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(values: &[f64]) -> Dataset {
        Dataset {
            codes: vec!["A".into(); values.len()],
            names: vec!["A".into(); values.len()],
            times: Some((2020..2020 + values.len() as i32).rev().collect()),
            groups: vec![],
            // Rows given newest first, to check that years, not rows, order the series.
            columns: vec![("x".into(), values.iter().rev().copied().collect())],
        }
    }

    fn filled(values: &[f64], method: PanelImputeMethod, max_time: Option<u32>) -> Vec<f64> {
        let (out, _) = panel(values).impute_panel(&PanelImputeSpec { method, max_time });
        out.columns[0].1.iter().rev().copied().collect()
    }

    #[test]
    fn panel_imputation_follows_r_approx() {
        let nan = f64::NAN;
        let x = [nan, 1.0, nan, nan, 4.0, nan];
        let latest = filled(&x, PanelImputeMethod::Latest, None);
        assert!(latest[0].is_nan(), "latest never fills backwards");
        assert_eq!(latest[1..], [1.0, 1.0, 1.0, 4.0, 4.0]);
        let limited = filled(&x, PanelImputeMethod::Latest, Some(1));
        assert_eq!(limited[2], 1.0);
        assert!(limited[3].is_nan(), "two years back is beyond max_time 1");
        assert_eq!(
            filled(&x, PanelImputeMethod::Constant, None),
            [1.0, 1.0, 1.0, 1.0, 4.0, 4.0]
        );
        assert_eq!(
            filled(&x, PanelImputeMethod::Linear, None),
            [1.0, 1.0, 2.0, 3.0, 4.0, 4.0]
        );
        let single = [nan, 5.0, nan];
        assert!(filled(&single, PanelImputeMethod::Linear, None)[0].is_nan());
        assert_eq!(
            filled(&single, PanelImputeMethod::LinearConstant, None),
            [5.0, 5.0, 5.0]
        );
    }
}
