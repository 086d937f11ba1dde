//! The one place where errors become HTTP responses with Chinese messages.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use store::StoreError;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Storage failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Not logged in.
    #[error("请先登录")]
    Unauthenticated,
    /// Logged in but not allowed.
    #[error("无权访问此页面或执行此操作")]
    Forbidden,
    /// Bad input; the message is for the user.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing here.
    #[error("页面不存在")]
    NotFound,
    /// Too many submissions from one client (a public form's rate limit); the message
    /// says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// A template failed to render (a bug).
    #[error("页面渲染失败：{0}")]
    Render(#[from] askama::Error),
}

/// What a user is told when the database is busy with an import.
pub const BUSY_MESSAGE: &str =
    "系统正在导入大批数据，请稍候再提交；您填写的内容已保留，稍后点击“重新提交”即可。";

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Store(StoreError::NotFound) | AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Store(e) if e.is_refusal() => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Store(e) if e.is_busy() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(_) | AppError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short machine-readable code for API clients, beside the Chinese message:
    /// integrations branch on it, people read the message.
    pub fn code(&self) -> &'static str {
        code_of(self.status())
    }

    /// The message shown to the user; internal details are logged, not shown.
    pub fn user_message(&self) -> String {
        match self {
            AppError::Store(e) if e.is_busy() => BUSY_MESSAGE.to_string(),
            AppError::Store(StoreError::Database(e)) => {
                tracing::error!("database error: {e}");
                "服务器内部错误（数据库），请稍后重试或联系管理员".to_string()
            }
            AppError::Store(StoreError::Corrupt(e)) => {
                // The user cannot fix stored data from a form: say so, log what it was.
                tracing::error!("corrupt stored value: {e}");
                "服务器内部错误（数据有误），请联系管理员".to_string()
            }
            AppError::Render(e) => {
                tracing::error!("render error: {e}");
                "服务器内部错误（页面），请联系管理员".to_string()
            }
            other => other.to_string(),
        }
    }
}

/// The API code of an error status (see [`AppError::code`]).
pub fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "invalid",
        429 => "too_many_requests",
        503 => "busy",
        _ => "internal",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let msg = self.user_message();
        crate::views::message_page(status, "出错了", &msg)
    }
}

/// The JSON body of every API error: `{"code": "not_found", "error": "页面不存在"}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What kind of refusal (`bad_request`, `unauthenticated`, `forbidden`, `not_found`,
    /// `conflict`, `invalid`, `too_large`, `busy`, `internal` …).
    pub code: &'static str,
    /// What went wrong, in Chinese, for the person using the integration.
    pub error: String,
}

impl ErrorBody {
    /// The answer for `status` with `error`.
    pub fn answer(status: StatusCode, error: String) -> Response {
        let body = ErrorBody {
            code: code_of(status),
            error,
        };
        (status, axum::Json(body)).into_response()
    }
}

/// An error in a JSON API handler: same mapping, JSON body [`ErrorBody`].
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        ErrorBody::answer(self.0.status(), self.0.user_message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_a_503_with_a_message_to_wait() {
        let e = AppError::Store(StoreError::Database(sqlx::Error::PoolTimedOut));
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.user_message().contains("正在导入"));
    }
}
