//! Descriptive statistics over columns where `NaN` means missing.
//! Definitions follow COINr (and R): sample sd with n − 1; skew and kurtosis
//! of type 2 (as Excel and `e1071`); quantiles of R's type 7.

/// The non-missing values.
pub fn present(x: &[f64]) -> Vec<f64> {
    x.iter().copied().filter(|v| !v.is_nan()).collect()
}

pub fn mean(x: &[f64]) -> Option<f64> {
    let (sum, n) = x
        .iter()
        .filter(|v| !v.is_nan())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Sample standard deviation (n − 1); `None` below two values.
pub fn sd(x: &[f64]) -> Option<f64> {
    let values = present(x);
    let n = values.len();
    if n < 2 {
        return None;
    }
    let m = values.iter().sum::<f64>() / n as f64;
    let ss: f64 = values.iter().map(|v| (v - m).powi(2)).sum();
    Some((ss / (n - 1) as f64).sqrt())
}

pub fn min(x: &[f64]) -> Option<f64> {
    x.iter().copied().filter(|v| !v.is_nan()).reduce(f64::min)
}

pub fn max(x: &[f64]) -> Option<f64> {
    x.iter().copied().filter(|v| !v.is_nan()).reduce(f64::max)
}

pub fn median(x: &[f64]) -> Option<f64> {
    quantile(x, 0.5)
}

/// R's type-7 quantile (linear interpolation between order statistics).
pub fn quantile(x: &[f64], p: f64) -> Option<f64> {
    let mut values = present(x);
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(quantile_sorted(&values, p))
}

pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sample skewness with the `sqrt(n(n−1))/(n−2)` correction; `None` below 3
/// values or for a constant column.
pub fn skew(x: &[f64]) -> Option<f64> {
    let values = present(x);
    let n = values.len() as f64;
    if values.len() < 3 {
        return None;
    }
    let m = values.iter().sum::<f64>() / n;
    let (s2, s3) = values.iter().fold((0.0, 0.0), |(s2, s3), v| {
        let d = v - m;
        (s2 + d * d, s3 + d * d * d)
    });
    if s2 == 0.0 {
        return None;
    }
    let g = n.sqrt() * s3 / s2.powf(1.5);
    Some(g * (n * (n - 1.0)).sqrt() / (n - 2.0))
}

/// Sample excess kurtosis (type 2); `None` below 4 values or for a constant
/// column.
pub fn kurtosis(x: &[f64]) -> Option<f64> {
    let values = present(x);
    let n = values.len() as f64;
    if values.len() < 4 {
        return None;
    }
    let m = values.iter().sum::<f64>() / n;
    let (s2, s4) = values.iter().fold((0.0, 0.0), |(s2, s4), v| {
        let d2 = (v - m) * (v - m);
        (s2 + d2, s4 + d2 * d2)
    });
    if s2 == 0.0 {
        return None;
    }
    let r = n * s4 / (s2 * s2);
    Some(((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// Ranks with 1 for the highest value, ties taking the minimum rank (R's
/// `rank(-x, ties.method = "min")`); missing values get `NaN`.
pub fn rank_desc(x: &[f64]) -> Vec<f64> {
    rank_by(x, true, |first, _| first as f64 + 1.0)
}

/// Ranks with 1 for the lowest value; ties take the minimum rank.
pub fn rank_asc_min(x: &[f64]) -> Vec<f64> {
    rank_by(x, false, |first, _| first as f64 + 1.0)
}

/// Ranks with 1 for the lowest value; ties take the average rank (for
/// Spearman's correlation).
pub fn rank_average(x: &[f64]) -> Vec<f64> {
    rank_by(x, false, |first, last| (first + last) as f64 / 2.0 + 1.0)
}

/// Ranks the present values in order (highest first if `descending`); each
/// run of equal values, at 0-based positions `first..=last`, gets
/// `tied(first, last)`. Missing values get `NaN`.
fn rank_by(x: &[f64], descending: bool, tied: impl Fn(usize, usize) -> f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    if descending {
        order.sort_unstable_by(|&a, &b| x[b].total_cmp(&x[a]));
    } else {
        order.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    }
    let mut ranks = vec![f64::NAN; x.len()];
    let mut k = 0;
    while k < order.len() {
        let mut j = k;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[k]] {
            j += 1;
        }
        let rank = tied(k, j);
        for &i in &order[k..=j] {
            ranks[i] = rank;
        }
        k = j + 1;
    }
    ranks
}

/// The pairs where both values are present.
fn complete_pairs(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    x.iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip()
}

/// Pearson's correlation over complete pairs; `None` below 3 pairs or for a
/// constant column.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let (a, b) = complete_pairs(x, y);
    pearson_complete(&a, &b)
}

fn pearson_complete(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len();
    if n < 3 {
        return None;
    }
    let ma = a.iter().sum::<f64>() / n as f64;
    let mb = b.iter().sum::<f64>() / n as f64;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Spearman's correlation (Pearson's on average ranks) over complete pairs.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (a, b) = complete_pairs(x, y);
    pearson_complete(&rank_average(&a), &rank_average(&b))
}

/// Kendall's tau-b over complete pairs.
pub fn kendall(x: &[f64], y: &[f64]) -> Option<f64> {
    let (a, b) = complete_pairs(x, y);
    let n = a.len();
    if n < 3 {
        return None;
    }
    let (mut concordant, mut discordant, mut ties_a, mut ties_b) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let da = (a[i] - a[j]).signum();
            let db = (b[i] - b[j]).signum();
            let (za, zb) = (a[i] == a[j], b[i] == b[j]);
            match (za, zb) {
                (true, true) => {}
                (true, false) => ties_a += 1,
                (false, true) => ties_b += 1,
                (false, false) if da == db => concordant += 1,
                (false, false) => discordant += 1,
            }
        }
    }
    let n0 = concordant + discordant;
    let denominator = (((n0 + ties_a) * (n0 + ties_b)) as f64).sqrt();
    (denominator > 0.0).then(|| (concordant - discordant) as f64 / denominator)
}

/// Cronbach's alpha of a set of columns (units with any missing value are
/// left out): `k/(k−1) · (1 − Σ var(item) / var(total))`.
pub fn cronbach_alpha(columns: &[&[f64]]) -> Option<f64> {
    let k = columns.len();
    if k < 2 {
        return None;
    }
    let n = columns[0].len();
    let rows: Vec<usize> = (0..n)
        .filter(|&u| columns.iter().all(|c| !c[u].is_nan()))
        .collect();
    if rows.len() < 2 {
        return None;
    }
    let variance = |values: &[f64]| -> f64 {
        let m = values.iter().sum::<f64>() / values.len() as f64;
        values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64
    };
    let item_variances: f64 = columns
        .iter()
        .map(|c| variance(&rows.iter().map(|&u| c[u]).collect::<Vec<_>>()))
        .sum();
    let totals: Vec<f64> = rows
        .iter()
        .map(|&u| columns.iter().map(|c| c[u]).sum())
        .collect();
    let total_variance = variance(&totals);
    (total_variance > 0.0)
        .then(|| k as f64 / (k - 1) as f64 * (1.0 - item_variances / total_variance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_take_the_minimum_on_ties_and_skip_missing() {
        let x = [3.0, f64::NAN, 5.0, 3.0, 1.0];
        let r = rank_desc(&x);
        assert_eq!(r[0], 2.0);
        assert!(r[1].is_nan());
        assert_eq!(r[2], 1.0);
        assert_eq!(r[3], 2.0);
        assert_eq!(r[4], 4.0);
        assert_eq!(
            rank_average(&[1.0, 2.0, 2.0, 3.0]),
            vec![1.0, 2.5, 2.5, 4.0]
        );
    }

    #[test]
    fn skew_and_kurtosis_match_the_type_2_formulas() {
        // x = 1..=10 plus 30 and 100 (COINr's own example): computed by hand
        // from the definitions, G1 = 3.006 and G2 = 9.506 to 3 decimals.
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.extend([30.0, 100.0]);
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let m2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
        let m3 = x.iter().map(|v| (v - m).powi(3)).sum::<f64>() / n;
        let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
        let g1 = m3 / m2.powf(1.5);
        let g2 = m4 / (m2 * m2) - 3.0;
        let big_g1 = g1 * (n * (n - 1.0)).sqrt() / (n - 2.0);
        let big_g2 = (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * g2 + 6.0);
        assert!((skew(&x).unwrap() - big_g1).abs() < 1e-12);
        assert!((kurtosis(&x).unwrap() - big_g2).abs() < 1e-12);
        assert!(skew(&[1.0, 1.0, 1.0]).is_none());
    }

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), Some(2.5));
        assert_eq!(quantile(&x, 0.05), Some(1.15));
        assert_eq!(quantile(&x, 1.0), Some(4.0));
    }

    #[test]
    fn correlations_agree_on_monotone_data() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 4.0, 9.0, 16.0, 25.0];
        assert!((spearman(&x, &y).unwrap() - 1.0).abs() < 1e-12);
        assert!((kendall(&x, &y).unwrap() - 1.0).abs() < 1e-12);
        assert!(pearson(&x, &y).unwrap() < 1.0);
        let reversed: Vec<f64> = y.iter().rev().copied().collect();
        assert!((kendall(&x, &reversed).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn cronbach_alpha_is_one_for_identical_items() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let alpha = cronbach_alpha(&[&a, &a, &a]).unwrap();
        assert!((alpha - 1.0).abs() < 1e-12);
        let b = [4.0, 1.0, 3.0, 2.0];
        assert!(cronbach_alpha(&[&a, &b]).unwrap() < 0.5);
    }
}
