//! Outlier treatment: COINr's rule, winsorise then log.

use serde::Serialize;

use crate::data::Frame;
use crate::spec::{Fallback, TreatSpec};
use crate::stats::{kurtosis, skew};

/// How one indicator was treated. Skew and kurtosis are `None` where they
/// cannot be computed (fewer than 3 or 4 values, or a constant column): such a
/// column passes untreated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatmentRow {
    pub code: String,
    /// Left untreated on request (`exclude`).
    pub excluded: bool,
    pub before: Check,
    /// Points winsorised (set when winsorising ran).
    pub winsorised: Option<usize>,
    /// The check after winsorising (set when winsorising ran).
    pub after_winsorising: Option<Check>,
    /// The transformation applied to the original column instead, if any.
    pub fallback: Option<Fallback>,
    /// The check after the fallback (set when it ran).
    pub after_fallback: Option<Check>,
}

/// The skew and kurtosis check of one column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Check {
    pub pass: bool,
    pub skew: Option<f64>,
    pub kurtosis: Option<f64>,
}

/// What happened to one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PointMark {
    /// Winsorised down to the largest remaining value (COINr `winhi`).
    WinHigh,
    /// Winsorised up to the smallest remaining value (COINr `winlo`).
    WinLow,
    /// Log-transformed with the fallback.
    Log,
}

impl PointMark {
    pub fn label(self) -> &'static str {
        match self {
            PointMark::WinHigh => "winhi",
            PointMark::WinLow => "winlo",
            PointMark::Log => "log",
        }
    }
}

/// Treatment of a whole frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treatment {
    pub rows: Vec<TreatmentRow>,
    /// (unit index, column index, mark) for every changed value.
    pub points: Vec<(usize, usize, PointMark)>,
}

pub(crate) fn check(x: &[f64], spec: &TreatSpec) -> Check {
    let s = skew(x);
    let k = kurtosis(x);
    let pass = match (s, k) {
        (Some(s), Some(k)) => s.abs() < spec.skew || k < spec.kurtosis,
        // Not computable: nothing to treat (COINr returns the column untreated).
        _ => true,
    };
    Check {
        pass,
        skew: s,
        kurtosis: k,
    }
}

/// Treats every column. `winmax` overrides the spec's (the uncertainty
/// analysis varies it).
pub(crate) fn treat(frame: &Frame, spec: &TreatSpec) -> (Frame, Treatment) {
    use rayon::prelude::*;
    let treated: Vec<TreatedColumn> = frame
        .columns()
        .par_iter()
        .enumerate()
        .map(|(c, code)| treat_column(frame.column(c), code, spec))
        .collect();
    let mut out = frame.clone();
    let mut rows = Vec::with_capacity(treated.len());
    let mut points = Vec::new();
    for (c, (column, row, marks)) in treated.into_iter().enumerate() {
        if let Some(column) = column {
            *out.column_mut(c) = column;
        }
        points.extend(marks.into_iter().map(|(u, mark)| (u, c, mark)));
        rows.push(row);
    }
    (out, Treatment { rows, points })
}

/// One treated column: the new values (if changed), the report, the marks.
type TreatedColumn = (Option<Vec<f64>>, TreatmentRow, Vec<(usize, PointMark)>);

/// Treats one column.
fn treat_column(original: &[f64], code: &str, spec: &TreatSpec) -> TreatedColumn {
    let before = check(original, spec);
    let mut row = TreatmentRow {
        code: code.to_owned(),
        excluded: spec.exclude.iter().any(|e| e == code),
        before,
        winsorised: None,
        after_winsorising: None,
        fallback: None,
        after_fallback: None,
    };
    if row.excluded || before.pass {
        return (None, row, Vec::new());
    }
    let (winsorised, high, low) = winsorise(original, spec);
    let after = check(&winsorised, spec);
    row.winsorised = Some(high.len() + low.len());
    row.after_winsorising = Some(after);
    if after.pass || spec.fallback == Fallback::None {
        let mut marks: Vec<(usize, PointMark)> =
            high.iter().map(|&u| (u, PointMark::WinHigh)).collect();
        marks.extend(low.iter().map(|&u| (u, PointMark::WinLow)));
        (Some(winsorised), row, marks)
    } else {
        let logged = log_transform(original, spec.fallback);
        row.fallback = Some(spec.fallback);
        row.after_fallback = Some(check(&logged, spec));
        let marks = (0..logged.len())
            .filter(|&u| !logged[u].is_nan())
            .map(|u| (u, PointMark::Log))
            .collect();
        (Some(logged), row, marks)
    }
}

/// COINr's `winsorise`: while the column fails and fewer than `winmax` points
/// were changed, set every value equal to the maximum (skew ≥ 0) to the
/// largest remaining value, or every value equal to the minimum (skew < 0) to
/// the smallest remaining one. Returns the column and the units last set at
/// the high and at the low end (tied values all count).
fn winsorise(x: &[f64], spec: &TreatSpec) -> (Vec<f64>, Vec<usize>, Vec<usize>) {
    let mut x = x.to_vec();
    let mut high: Vec<usize> = Vec::new();
    let mut low: Vec<usize> = Vec::new();
    let mut passing = check(&x, spec).pass;
    let mut nwin = 0;
    while !passing && nwin < spec.winmax {
        let Some(s) = skew(&x) else { break };
        let at_high = s >= 0.0;
        let extreme = if at_high {
            crate::stats::max(&x)
        } else {
            crate::stats::min(&x)
        };
        let Some(extreme) = extreme else { break };
        let positions: Vec<usize> = (0..x.len()).filter(|&i| x[i] == extreme).collect();
        let rest = x
            .iter()
            .enumerate()
            .filter(|(i, v)| !v.is_nan() && !positions.contains(i))
            .map(|(_, v)| *v);
        let replacement = if at_high {
            rest.reduce(f64::max)
        } else {
            rest.reduce(f64::min)
        };
        let Some(replacement) = replacement else {
            break;
        };
        for &i in &positions {
            x[i] = replacement;
        }
        if at_high {
            high = positions;
        } else {
            low = positions;
        }
        nwin = high.len() + low.len();
        passing = check(&x, spec).pass;
    }
    (x, high, low)
}

fn log_transform(x: &[f64], fallback: Fallback) -> Vec<f64> {
    let (Some(min), Some(max)) = (crate::stats::min(x), crate::stats::max(x)) else {
        return x.to_vec();
    };
    let shift = match fallback {
        Fallback::LogCt => 0.01 * (max - min),
        Fallback::LogCtOrig => 1.0,
        Fallback::None => return x.to_vec(),
    };
    x.iter().map(|v| (v - min + shift).ln()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(winmax: usize) -> TreatSpec {
        TreatSpec {
            winmax,
            skew: 2.0,
            kurtosis: 3.5,
            fallback: Fallback::LogCt,
            exclude: vec![],
        }
    }

    #[test]
    fn winsorising_replaces_the_maximum_with_the_next_value() {
        // COINr's example: 1..10, 30, 100 with winmax 2.
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.extend([30.0, 100.0]);
        let frame = Frame::new(
            (0..12).map(|i| format!("U{i}")).collect(),
            vec!["x".into()],
            vec![x.clone()],
        );
        let (out, treatment) = treat(&frame, &spec(2));
        let row = &treatment.rows[0];
        assert!(!row.before.pass);
        // 100 becomes 30; then both 30s become 10 if it still fails.
        let treated = out.column(0);
        assert!(treated.iter().all(|v| *v <= 30.0));
        assert_eq!(treated[..10], x[..10]);
        let winsorised = row.winsorised.unwrap();
        assert!(winsorised >= 1);
        if row.after_winsorising.unwrap().pass {
            assert!(row.fallback.is_none());
        } else {
            // The fallback works on the original column.
            let min = 1.0;
            let shift = 0.01 * (100.0 - 1.0);
            assert!((treated[11] - (100.0f64 - min + shift).ln()).abs() < 1e-12);
        }
    }

    #[test]
    fn a_passing_column_is_left_alone() {
        let x: Vec<f64> = (1..=20).map(f64::from).collect();
        let frame = Frame::new(
            (0..20).map(|i| format!("U{i}")).collect(),
            vec!["x".into()],
            vec![x.clone()],
        );
        let (out, treatment) = treat(&frame, &spec(5));
        assert_eq!(out.column(0), x.as_slice());
        assert!(treatment.points.is_empty());
        assert!(treatment.rows[0].winsorised.is_none());
    }

    #[test]
    fn ties_at_the_extreme_are_winsorised_together_and_counted() {
        let mut x = vec![1.0; 30];
        for (i, v) in x.iter_mut().enumerate() {
            *v = i as f64 % 7.0;
        }
        x[3] = 500.0;
        x[9] = 500.0;
        let frame = Frame::new(
            (0..30).map(|i| format!("U{i}")).collect(),
            vec!["x".into()],
            vec![x],
        );
        let (out, treatment) = treat(&frame, &spec(5));
        assert_eq!(treatment.rows[0].winsorised, Some(2));
        assert_eq!(out.column(0)[3], 6.0);
        assert_eq!(out.column(0)[9], 6.0);
        let marked: Vec<usize> = treatment.points.iter().map(|p| p.0).collect();
        assert_eq!(marked, vec![3, 9]);
    }
}
