//! OSRM's error shape: HTTP 400 with `{"code": "InvalidQuery"|"NoSegment"|…, "message": …}`.
//!
//! Every client-caused failure of an OSRM endpoint, including rejected bodies and unknown
//! paths, answers in this shape. Internal failures answer 500 with a generic message; their
//! details go to the log only.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::dispatch::DispatchError;
use serde_json::json;

/// OSRM's response codes for failures (`docs/http.md`, "Responses" and each service's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The URL string is invalid.
    InvalidUrl,
    /// The service name is invalid.
    InvalidService,
    /// The version is not found.
    InvalidVersion,
    /// Options are invalid (or not supported by vmeste).
    InvalidOptions,
    /// The query string is syntactically malformed.
    InvalidQuery,
    /// The successfully parsed query parameters are invalid.
    InvalidValue,
    /// A coordinate could not be snapped to a street segment.
    NoSegment,
    /// No route found.
    NoRoute,
    /// No table found.
    NoTable,
    /// No trips found.
    NoTrips,
    /// The request is larger than a configured limit.
    TooBig,
    /// The server failed (HTTP 500).
    InternalError,
}

impl ErrorCode {
    /// Every code, for metrics.
    pub const ALL: [Self; 12] = [
        Self::InvalidUrl,
        Self::InvalidService,
        Self::InvalidVersion,
        Self::InvalidOptions,
        Self::InvalidQuery,
        Self::InvalidValue,
        Self::NoSegment,
        Self::NoRoute,
        Self::NoTable,
        Self::NoTrips,
        Self::TooBig,
        Self::InternalError,
    ];

    /// The code as it appears on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidUrl => "InvalidUrl",
            Self::InvalidService => "InvalidService",
            Self::InvalidVersion => "InvalidVersion",
            Self::InvalidOptions => "InvalidOptions",
            Self::InvalidQuery => "InvalidQuery",
            Self::InvalidValue => "InvalidValue",
            Self::NoSegment => "NoSegment",
            Self::NoRoute => "NoRoute",
            Self::NoTable => "NoTable",
            Self::NoTrips => "NoTrips",
            Self::TooBig => "TooBig",
            Self::InternalError => "InternalError",
        }
    }

    /// The HTTP status: 400 for every client error (as OSRM), 500 for internal ones.
    #[must_use]
    pub const fn status(self) -> StatusCode {
        match self {
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// A failed OSRM request: the code and a human-readable message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// OSRM's code.
    pub code: ErrorCode,
    /// What went wrong, for a human.
    pub message: String,
}

impl ApiError {
    /// An error with a code and a message.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An internal failure: logged with its details; the client sees a generic message.
    #[must_use]
    pub fn internal(details: &str) -> Self {
        tracing::error!(details, "internal error");
        Self::new(ErrorCode::InternalError, "internal error")
    }

    /// Maps an engine error to OSRM's code, with `no_result` the service's "nothing found"
    /// code (`NoRoute`, `NoTable`, `NoTrips`).
    #[must_use]
    pub fn from_dispatch(e: &DispatchError, no_result: ErrorCode) -> Self {
        let code = match e {
            DispatchError::UnknownProfile { .. } | DispatchError::DuplicateProfile { .. } => {
                ErrorCode::InvalidUrl
            }
            DispatchError::LimitExceeded(_) => ErrorCode::TooBig,
            DispatchError::InvalidCoordinate { .. } | DispatchError::ExcludeNotSupported { .. } => {
                ErrorCode::InvalidValue
            }
            DispatchError::InvalidRadius { .. }
            | DispatchError::TooFewCoordinates { .. }
            | DispatchError::IndexOutOfRange { .. } => ErrorCode::InvalidOptions,
            DispatchError::NoSegment { .. } => ErrorCode::NoSegment,
            DispatchError::NoRoute { .. } | DispatchError::NoTrip { .. } => no_result,
            DispatchError::Internal(details) => return Self::internal(details),
            DispatchError::File(e) => return Self::internal(&e.to_string()),
        };
        Self::new(code, e.to_string())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code.as_str(), "message": self.message });
        let mut res = (self.code.status(), Json(body)).into_response();
        // The metrics layer counts errors by code.
        res.extensions_mut().insert(self.code);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_are_400_and_internal_500() {
        for code in ErrorCode::ALL {
            let want = if code == ErrorCode::InternalError {
                500
            } else {
                400
            };
            assert_eq!(code.status().as_u16(), want, "{code:?}");
        }
    }

    #[test]
    fn dispatch_errors_map_to_osrm_codes() {
        let e = DispatchError::NoRoute { from: 0, to: 1 };
        assert_eq!(
            ApiError::from_dispatch(&e, ErrorCode::NoTable).code,
            ErrorCode::NoTable
        );
        let e = DispatchError::NoSegment {
            index: 2,
            reason: "nearest road 9 km".into(),
        };
        let api = ApiError::from_dispatch(&e, ErrorCode::NoRoute);
        assert_eq!(api.code, ErrorCode::NoSegment);
        assert!(api.message.contains("coordinate 2"));
    }
}
