//! The errors of the API and the pages: a stable code, a message that says
//! what to do, and the HTTP status. The JSON body is `{"code", "message"}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use zijin_app::AppError;

/// An error as the API answers it.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// A stable code for scripts: `bad_parameter`, `unknown_indicator`,
    /// `unknown_region`, `unknown_plan`, `unknown_evaluation`, `not_found`, `no_plan`, `no_data`,
    /// `fonts_missing`, `storage_failed`, …
    pub code: String,
    /// What is wrong and what to do, in English.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: redact(&message.into()),
        }
    }

    /// A query or path parameter with a value that cannot be used.
    pub fn bad_parameter(name: &str, found: &str, expected: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("parameter {name}: found {found:?}, expected {expected}"),
        )
    }

    /// A required parameter that was not given.
    pub fn missing_parameter(name: &str, expected: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("parameter {name} is required: expected {expected}"),
        )
    }

    pub fn not_found_route(path: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "there is no page or endpoint at {path}; the API is described at /api/v1/openapi.json"
            ),
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        let status = match &error {
            AppError::UnknownIndicator(_) | AppError::UnknownRegion(_) | AppError::NoPlan => {
                StatusCode::NOT_FOUND
            }
            // Nothing to assess yet: the request is fine, the data is not there.
            AppError::NoData => StatusCode::NOT_FOUND,
            AppError::Store(zijin_store::StoreError::UnknownPlan(_)) => StatusCode::NOT_FOUND,
            error if error.is_user_error() => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let code = match &error {
            AppError::Store(zijin_store::StoreError::UnknownPlan(_)) => "unknown_plan",
            error => error.code(),
        };
        ApiError::new(status, code, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code,
                message: self.message,
            }),
        )
            .into_response()
    }
}

/// Messages may quote a database location (a storage error names the
/// database it could not reach): every word that looks like a URL or a
/// connection string has its password replaced, so no answer ever carries one.
fn redact(message: &str) -> String {
    if !message.contains("://") && !message.contains("password") {
        return message.to_owned();
    }
    message
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            let rest = &word[trimmed.len()..];
            if trimmed.contains("://") {
                format!("{}{rest}", zijin_store::redact_location(trimmed))
            } else if let Some((key, _)) = trimmed
                .split_once('=')
                .filter(|(key, _)| key.to_ascii_lowercase().ends_with("password"))
            {
                format!("{key}=***{rest}")
            } else {
                word.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        let message =
            redact("cannot open the database postgres://zijin:s3cret@db:5432/zijin: refused");
        assert!(!message.contains("s3cret"), "{message}");
        assert!(message.contains("refused"), "{message}");
        let message = redact("connecting with host=db password=s3cret user=x failed");
        assert!(!message.contains("s3cret"), "{message}");
        assert_eq!(redact("plain words stay"), "plain words stay");
    }
}
