//! The arithmetic of the readings: compound growth and the log-linear
//! projection with its prediction interval.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// `CAGR(a, b, n) = (b / a)^(1/n) − 1`, the compound annual growth rate from
/// `a` to `b` over `n` years. `None` when it is undefined: `n <= 0`, `a = 0`,
/// or `a` and `b` of opposite signs.
pub fn cagr(from: f64, to: f64, years: f64) -> Option<f64> {
    if years <= 0.0 || from == 0.0 || from * to < 0.0 {
        return None;
    }
    let rate = (to / from).powf(1.0 / years) - 1.0;
    rate.is_finite().then_some(rate)
}

/// The result of fitting `ln y = a + b t` and predicting at the target year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogLinearFit {
    /// `ln ŷT`, the fitted log value at the target year.
    pub predicted_log: f64,
    /// The standard error of a prediction at the target year; zero for a perfect fit.
    pub standard_error: f64,
    /// Degrees of freedom, `n − 2`.
    pub degrees_of_freedom: f64,
}

impl LogLinearFit {
    /// Whether the points lie on the fitted curve up to floating-point noise:
    /// then the prediction interval has no width and the probability is 0 or 1.
    pub fn is_perfect(&self) -> bool {
        self.standard_error <= 1e-9
    }
}

/// The fitted line `ln y = a + b t` with what its prediction interval needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogLinearModel {
    intercept: f64,
    slope: f64,
    residual_sd: f64,
    count: f64,
    mean_t: f64,
    sxx: f64,
}

impl LogLinearModel {
    /// Ordinary least squares of `ln y` on `t` over `points` (at least three,
    /// all `y > 0`, distinct times).
    pub(crate) fn fit(points: &[(f64, f64)]) -> Option<LogLinearModel> {
        let n = points.len();
        if n < 3 || points.iter().any(|&(_, value)| value <= 0.0) {
            return None;
        }
        let count = n as f64;
        let mean_t = points.iter().map(|&(time, _)| time).sum::<f64>() / count;
        let logs: Vec<f64> = points.iter().map(|&(_, value)| value.ln()).collect();
        let mean_log = logs.iter().sum::<f64>() / count;
        let sxx: f64 = points
            .iter()
            .map(|&(time, _)| (time - mean_t).powi(2))
            .sum();
        if sxx <= 0.0 {
            return None;
        }
        let sxy: f64 = points
            .iter()
            .zip(&logs)
            .map(|(&(time, _), log)| (time - mean_t) * (log - mean_log))
            .sum();
        let slope = sxy / sxx;
        let intercept = mean_log - slope * mean_t;
        let residual_sum: f64 = points
            .iter()
            .zip(&logs)
            .map(|(&(time, _), log)| (log - (intercept + slope * time)).powi(2))
            .sum();
        Some(LogLinearModel {
            intercept,
            slope,
            residual_sd: (residual_sum / (count - 2.0)).sqrt(),
            count,
            mean_t,
            sxx,
        })
    }

    pub(crate) fn degrees_of_freedom(&self) -> f64 {
        self.count - 2.0
    }

    /// `ln ŷ` at `time` and the standard error of a prediction there.
    pub(crate) fn predict(&self, time: f64) -> (f64, f64) {
        let standard_error = self.residual_sd
            * (1.0 + 1.0 / self.count + (time - self.mean_t).powi(2) / self.sxx).sqrt();
        (self.intercept + self.slope * time, standard_error)
    }

    /// The central prediction interval at `time` with coverage `level` (0.9
    /// for a 90% interval), in the units of `y`: `(low, high)`.
    pub(crate) fn interval(&self, time: f64, level: f64) -> Option<(f64, f64)> {
        let (log, standard_error) = self.predict(time);
        let student = StudentsT::new(0.0, 1.0, self.degrees_of_freedom()).ok()?;
        let quantile = student.inverse_cdf(0.5 + level / 2.0);
        let low = (log - quantile * standard_error).exp();
        let high = (log + quantile * standard_error).exp();
        (low.is_finite() && high.is_finite()).then_some((low, high))
    }
}

/// Ordinary least squares of `ln y` on `t` over `points` (at least three, all
/// `y > 0`, distinct times), predicting at `target_time`.
pub(crate) fn log_linear_fit(points: &[(f64, f64)], target_time: f64) -> Option<LogLinearFit> {
    let model = LogLinearModel::fit(points)?;
    let (predicted_log, standard_error) = model.predict(target_time);
    Some(LogLinearFit {
        predicted_log,
        standard_error,
        degrees_of_freedom: model.degrees_of_freedom(),
    })
}

/// The probability that the value at the target year reaches `target` in the
/// wanted direction (`direction` +1 or −1), from the fit's prediction
/// interval: `1 − F(k)((ln yT − ln ŷT) / se)` for +1, `F(k)(…)` for −1. A
/// perfect fit (zero standard error) gives 1 or 0.
pub(crate) fn probability_of_reaching(
    fit: &LogLinearFit,
    target: f64,
    direction: f64,
) -> Option<f64> {
    if target <= 0.0 {
        return None;
    }
    let distance = target.ln() - fit.predicted_log;
    if fit.is_perfect() {
        let reached = direction * -distance >= -1e-9;
        return Some(if reached { 1.0 } else { 0.0 });
    }
    let student = StudentsT::new(0.0, 1.0, fit.degrees_of_freedom).ok()?;
    let below = student.cdf(distance / fit.standard_error);
    Some(if direction > 0.0 { 1.0 - below } else { below })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cagr_matches_the_definition() {
        // 6507 → 20000 over five years needs 25.2% a year (the method's example).
        let rate = cagr(6507.0, 20000.0, 5.0).unwrap();
        assert!((rate - 0.2518).abs() < 5e-5, "{rate}");
        assert_eq!(
            cagr(100.0, 121.0, 2.0).map(|r| (r * 1e9).round() / 1e9),
            Some(0.1)
        );
        assert_eq!(cagr(0.0, 1.0, 1.0), None);
        assert_eq!(cagr(-1.0, 1.0, 1.0), None);
        assert_eq!(cagr(1.0, 2.0, 0.0), None);
    }

    #[test]
    fn a_perfect_exponential_has_no_error() {
        let points: Vec<(f64, f64)> = (0..4)
            .map(|i| (2020.0 + f64::from(i), 100.0 * 1.1f64.powi(i)))
            .collect();
        let fit = log_linear_fit(&points, 2025.0).unwrap();
        assert!((fit.predicted_log - (100.0 * 1.1f64.powi(5)).ln()).abs() < 1e-9);
        assert!(fit.is_perfect());
        // On the target exactly: reached, whatever the noise.
        let target = 100.0 * 1.1f64.powi(5);
        assert_eq!(probability_of_reaching(&fit, target, 1.0), Some(1.0));
    }

    #[test]
    fn fewer_than_three_points_or_non_positive_values_give_no_fit() {
        assert!(log_linear_fit(&[(2020.0, 1.0), (2021.0, 2.0)], 2025.0).is_none());
        assert!(log_linear_fit(&[(2020.0, 1.0), (2021.0, 0.0), (2022.0, 2.0)], 2025.0).is_none());
    }
}
