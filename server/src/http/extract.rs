//! A JSON body extractor whose rejections answer in OSRM's error shape.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{ApiError, ErrorCode};

/// `Json<T>`, but a body that is too large, not JSON, truncated or of the wrong shape is an
/// [`ApiError`] (`TooBig` or `InvalidQuery`), never axum's plain-text rejection.
#[derive(Debug)]
pub struct OsrmJson<T>(pub T);

impl<S, T> FromRequest<S> for OsrmJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(e) => Err(rejection(&e)),
        }
    }
}

fn rejection(e: &JsonRejection) -> ApiError {
    let text = e.body_text();
    match e {
        _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(ErrorCode::TooBig, format!("request body too large: {text}"))
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            ErrorCode::InvalidQuery,
            "the body must be JSON with Content-Type: application/json",
        ),
        _ => ApiError::new(
            ErrorCode::InvalidQuery,
            format!("malformed JSON body: {text}"),
        ),
    }
}
