//! The one error shape of `/v1`: every 4xx and 5xx answers
//! `{"error": {"code": "snake_case_code", "message": "...", "details"?: {...}}}`.
//!
//! 5xx details go to the log (never personal data: store errors carry no record contents);
//! clients get a generic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::board::{BoardError, StoreError};
use serde::Serialize;
use serde_json::{Value, json};

/// An error answer of `/v1`.
#[derive(Debug, Clone, PartialEq)]
pub struct V1Error {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code (`snake_case`).
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// More, by code (for example the allowed statuses of an illegal transition).
    pub details: Option<Value>,
}

impl V1Error {
    /// An error without details.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// The same error with `details`.
    #[must_use]
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: no usable token (answered with `WWW-Authenticate: Bearer`).
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 404 for a record that does not exist or that the token may not see.
    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} {id} not found"),
        )
    }

    /// 422 for a field that is malformed or out of range.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message)
            .with_details(json!({ "field": field }))
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    }
}

impl From<BoardError> for V1Error {
    fn from(e: BoardError) -> Self {
        match e {
            BoardError::Invalid { field, message } => {
                let message = format!("{field}: {message}");
                Self::invalid(&field, message)
            }
            BoardError::NotFound { what, id } => Self::not_found(what, id),
            BoardError::Denied(d) => Self::new(StatusCode::FORBIDDEN, "forbidden", d.0),
            e @ BoardError::IllegalTransition { .. } => {
                let details = match &e {
                    BoardError::IllegalTransition { from, to, allowed } => json!({
                        "from": from, "to": to, "allowed": allowed,
                    }),
                    _ => Value::Null,
                };
                Self::new(StatusCode::CONFLICT, "illegal_transition", e.to_string())
                    .with_details(details)
            }
            BoardError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            e @ BoardError::VersionMismatch { current, given } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "version_mismatch",
                e.to_string(),
            )
            .with_details(json!({ "current_version": current, "given_version": given })),
            BoardError::Store(s) => s.into(),
        }
    }
}

impl From<StoreError> for V1Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::IdempotencyMismatch => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                e.to_string(),
            ),
            e @ StoreError::VersionConflict {
                found, expected, ..
            } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "version_mismatch",
                e.to_string(),
            )
            .with_details(json!({ "current_version": found, "given_version": expected })),
            StoreError::Missing { entity, id } => Self::not_found(entity.as_str(), id),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "store unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the store is unavailable; retry later",
                )
            }
            StoreError::Full => Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "store_full",
                "the store's disk is full: nothing was written",
            ),
            StoreError::Internal(m) => {
                tracing::error!(error = %m, "store error");
                Self::internal()
            }
        }
    }
}

/// The body of every `/v1` error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, for example `not_found`, `forbidden`, `invalid_field`,
    /// `illegal_transition`, `version_mismatch`, `malformed_json`, `payload_too_large`.
    pub code: String,
    /// For people.
    pub message: String,
    /// More, by code: `field` for `invalid_field`; `from`, `to`, `allowed` for
    /// `illegal_transition`; `current_version` for `version_mismatch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                details: self.details,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"vmeste\""),
            );
        }
        res
    }
}

/// Every documented error answer of `/v1`, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub(crate) enum ErrorAnswers {
    /// Malformed JSON, query, cursor or header.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, or an unknown or revoked one.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The token's role does not allow this.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such record, or one outside the token's scope.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// An illegal status transition (details: allowed statuses) or a conflicting state.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// `If-Match` or `version` is stale (details: the current version).
    #[response(status = 412)]
    PreconditionFailed(ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// The body is not of the expected content type.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// A field is malformed or out of range, or an idempotency key was reused with
    /// another body.
    #[response(status = 422)]
    Unprocessable(ErrorBody),
    /// Internal error.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The store is unavailable.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}
