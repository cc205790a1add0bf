//! Extractors of `/v1` whose rejections speak the one error shape ([`super::error`]): JSON
//! and CSV bodies (with size limits and the body's SHA-256 for idempotency keys), query
//! strings and record identifiers in the path.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use super::error::V1Error;

/// Largest JSON body, in bytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;
/// Largest CSV body, in bytes.
pub const MAX_CSV_BYTES: usize = 16 << 20;

fn content_type_is(req: &Request, wanted: &[&str]) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            wanted.iter().any(|w| *w == t)
        })
}

/// The body's bytes, at most `limit` of them.
async fn bytes(req: Request, limit: usize) -> Result<axum::body::Bytes, V1Error> {
    let too_large = || {
        V1Error::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(V1Error::bad_request(
            "unreadable_body",
            "the body could not be read",
        )),
    }
}

/// A JSON body of type `T`, with its digest. Rejections: 415 (not `application/json`),
/// 413 (past [`MAX_JSON_BYTES`]), 400 `malformed_json` (not JSON), 422 `invalid_body`
/// (JSON of the wrong shape: missing or unknown fields, wrong types).
#[derive(Debug)]
pub struct V1Json<T> {
    /// The value.
    pub value: T,
    /// Lowercase hex SHA-256 of the body as sent.
    pub digest: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for V1Json<T> {
    type Rejection = V1Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, &["application/json"]) {
            return Err(V1Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON with Content-Type: application/json",
            ));
        }
        let b = bytes(req, MAX_JSON_BYTES).await?;
        let digest = crate::store::sha256_hex(&b);
        // JSON first (400 when it is not), then its shape (422 when it does not fit).
        let json: serde_json::Value = serde_json::from_slice(&b).map_err(|e| {
            V1Error::bad_request("malformed_json", format!("malformed JSON body: {e}"))
        })?;
        match T::deserialize(json) {
            Ok(value) => Ok(Self { value, digest }),
            Err(e) => Err(V1Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("the body does not fit: {e}"),
            )),
        }
    }
}

/// A CSV body (`text/csv`, UTF-8, at most [`MAX_CSV_BYTES`]).
#[derive(Debug)]
pub struct V1Csv(pub String);

impl<S: Send + Sync> FromRequest<S> for V1Csv {
    type Rejection = V1Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, &["text/csv"]) {
            return Err(V1Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be CSV with Content-Type: text/csv",
            ));
        }
        let b = bytes(req, MAX_CSV_BYTES).await?;
        String::from_utf8(b.to_vec())
            .map(Self)
            .map_err(|_| V1Error::bad_request("malformed_csv", "the CSV is not UTF-8"))
    }
}

/// A query string of type `T`; a malformed one is 400 `invalid_query`.
#[derive(Debug)]
pub struct V1Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for V1Query<T> {
    type Rejection = V1Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(q)| Self(q))
            .map_err(|e| V1Error::bad_request("invalid_query", e.body_text()))
    }
}

/// A record identifier from the path; anything but a non-negative integer is 404.
#[derive(Clone, Copy, Debug)]
pub struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = V1Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| V1Error::not_found("record", "?"))?;
        match raw.parse::<i64>() {
            Ok(id) if id >= 0 => Ok(Self(id)),
            _ => Err(V1Error::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no record has this identifier",
            )),
        }
    }
}
