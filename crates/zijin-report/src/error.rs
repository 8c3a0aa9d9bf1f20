//! The errors of making a bulletin. Each message says what is wrong and what
//! to do, in Chinese and then in English, and each has a stable code.

use std::path::PathBuf;

use zijin_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The year is not one of the plan's years (the base year has no bulletin).
    #[error(
        "{year} 年不在规划实施期内（{first}—{last} 年），无法生成该年度通报 / \
         {year} is not a year of the plan, which runs from {first} to {last}: there is no bulletin for it"
    )]
    UnknownPeriod { year: i32, first: i32, last: i32 },
    /// No figure of any indicator of the plan is for a period of the year.
    #[error(
        "{year} 年度尚无任何数据，无法生成通报；请先导入该年度数据（zijin import FILE） / \
         there are no figures for {year} yet, so there is no bulletin for it; import them first with `zijin import FILE`"
    )]
    NoData { year: i32 },
    /// The CJK fonts typst needs are not installed.
    #[error(
        "未找到生成 PDF 所需的中文字体 NotoSansCJK-Regular.ttc；请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），或将 ZIJIN_FONT_DIR 设为包含该字体的目录。已查找：{} / \
         the Chinese fonts the PDF needs (NotoSansCJK-Regular.ttc) were not found; install them with `apt-get install fonts-noto-cjk`, or set ZIJIN_FONT_DIR to a folder that holds them. Searched: {}",
        paths_text(searched),
        paths_text(searched)
    )]
    FontsMissing { searched: Vec<PathBuf> },
    /// A font file exists but could not be read or holds no usable font.
    #[error("无法读取字体文件 {path} / the font file {path} cannot be read: {reason}")]
    FontUnreadable { path: PathBuf, reason: String },
    /// A renderer failed: an internal fault, not the user's.
    #[error(
        "通报{format}生成失败（内部错误） / rendering the bulletin as {format} failed (an internal fault): {reason}"
    )]
    RenderFailed {
        format: &'static str,
        reason: String,
    },
    /// Reading the plan or the assessments failed.
    #[error(transparent)]
    App(#[from] AppError),
}

impl ReportError {
    /// A stable code for the error, for the API and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::UnknownPeriod { .. } => "unknown_period",
            ReportError::NoData { .. } => "no_data",
            ReportError::FontsMissing { .. } => "fonts_missing",
            ReportError::FontUnreadable { .. } => "fonts_unreadable",
            ReportError::RenderFailed { .. } => "render_failed",
            ReportError::App(error) => error.code(),
        }
    }

    /// Whether the user can fix this by changing the request (an HTTP 4xx),
    /// as opposed to a fault of the installation or the code (5xx).
    pub fn is_user_error(&self) -> bool {
        match self {
            ReportError::UnknownPeriod { .. } | ReportError::NoData { .. } => true,
            ReportError::FontsMissing { .. }
            | ReportError::FontUnreadable { .. }
            | ReportError::RenderFailed { .. } => false,
            ReportError::App(error) => error.is_user_error(),
        }
    }

    pub(crate) fn render(format: &'static str, reason: impl ToString) -> ReportError {
        ReportError::RenderFailed {
            format,
            reason: reason.to_string(),
        }
    }
}

fn paths_text(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
