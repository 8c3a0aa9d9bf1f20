//! The application's errors. Each says what is wrong and what to do, and
//! separates the user's mistakes (bad input) from internal faults.

use zijin_domain::{IndicatorCode, Period, RegionCode};
use zijin_exchange::{ExchangeError, FileError, Problem};
use zijin_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "no plan is loaded; run `zijin init` to load the built-in Nanjing plan, or `zijin plan load FILE`"
    )]
    NoPlan,
    #[error("there are no observations to assess; import some with `zijin import FILE`")]
    NoData,
    #[error("unknown region code {0}; `zijin regions list` shows the codes")]
    UnknownRegion(RegionCode),
    #[error("unknown indicator code {0}; `zijin plan show` lists the plan's indicators")]
    UnknownIndicator(IndicatorCode),
    #[error("period {period} is outside the plan, which runs from {base_year} to {target_year}")]
    PeriodOutsidePlan {
        period: Period,
        base_year: i32,
        target_year: i32,
    },
    #[error("{file}: the plan refers to regions that are not loaded: {}; load them first with `zijin regions load FILE`", regions.join(", "))]
    UnknownRegionsInPlan { file: String, regions: Vec<String> },
    #[error("{}", problem_list(problems))]
    InvalidInput { problems: Vec<Problem> },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "unknown evaluation framework {0:?}; the built-in ones are parks (njhz-parks) and nri (nj-nri-yearly)"
    )]
    UnknownFramework(String),
    #[error("the evaluation framework cannot be used: {0}")]
    FrameworkFile(#[from] zijin_exchange::IndexFileError),
    #[error("the evaluation failed: {0}")]
    Index(#[from] zijin_index::IndexError),
    #[error("unknown policy pack {0:?}; the built-in ones are default and benchmark-openfisca")]
    UnknownPack(String),
    #[error("the policy pack cannot be used: {0}")]
    PackFile(String),
}

impl AppError {
    /// A stable code for the error, for the API and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NoPlan => "no_plan",
            AppError::NoData => "no_data",
            AppError::UnknownRegion(_) => "unknown_region",
            AppError::UnknownIndicator(_) => "unknown_indicator",
            AppError::PeriodOutsidePlan { .. } => "period_outside_plan",
            AppError::UnknownRegionsInPlan { .. } => "unknown_regions_in_plan",
            AppError::InvalidInput { .. } => "invalid_input",
            AppError::File(_) => "invalid_file",
            AppError::Exchange(_) => "exchange_failed",
            AppError::Store(_) => "storage_failed",
            AppError::UnknownFramework(_) => "unknown_framework",
            AppError::FrameworkFile(_) => "invalid_framework",
            AppError::Index(_) => "evaluation_failed",
            AppError::UnknownPack(_) => "unknown_pack",
            AppError::PackFile(_) => "invalid_pack",
        }
    }

    /// Whether the user can fix this by changing their input (an HTTP 4xx),
    /// as opposed to an internal fault (5xx).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            AppError::Store(_)
                | AppError::Exchange(_)
                | AppError::FrameworkFile(_)
                | AppError::Index(_)
        )
    }
}

fn problem_list(problems: &[Problem]) -> String {
    let mut text = format!(
        "the import was rejected and nothing was written: {} problem{} found\n导入被拒绝，未写入任何数据：发现 {} 个问题",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.len()
    );
    for problem in problems {
        text.push_str("\n  - ");
        text.push_str(&problem.to_string());
    }
    text
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
