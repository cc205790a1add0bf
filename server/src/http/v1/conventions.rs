//! The conventions every `/v1` write shares: `ETag: "<version>"` on records, `If-Match` for
//! optimistic concurrency, `Idempotency-Key` on creates (scope: actor and route;
//! fingerprint: the body's SHA-256), and the `201 Created` answer (`Idempotent-Replayed:
//! true` on a retry).

use axum::Json;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::board::{Created, IdempotencyKey, Principal};
use serde::Serialize;
use serde_json::Value;

use super::error::V1Error;

/// The header that marks a replayed answer.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Longest idempotency key, in bytes.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); `None` when absent or
/// `*`.
///
/// # Errors
/// 400 `invalid_header` when it names no version.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, V1Error> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or("").trim();
    if s == "*" {
        return Ok(None);
    }
    let s = s.strip_prefix("W/").unwrap_or(s).trim_matches('"');
    s.parse::<i64>().map(Some).map_err(|_| {
        V1Error::bad_request(
            "invalid_header",
            "If-Match must be an ETag of this API: \"<version>\"",
        )
    })
}

/// The `ETag` of a record at `version`.
#[must_use]
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The idempotency key of a create, when the client sent one.
///
/// # Errors
/// 400 `invalid_header` for an empty, too long or non-ASCII key.
pub fn idempotency(
    headers: &HeaderMap,
    who: &Principal,
    route: &str,
    digest: &str,
) -> Result<Option<IdempotencyKey>, V1Error> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .filter(|k| {
            !k.is_empty()
                && k.len() <= MAX_IDEMPOTENCY_KEY
                && k.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        })
        .ok_or_else(|| {
            V1Error::bad_request(
                "invalid_header",
                format!(
                    "Idempotency-Key must be 1..={MAX_IDEMPOTENCY_KEY} printable ASCII characters"
                ),
            )
        })?;
    Ok(Some(IdempotencyKey {
        scope: format!("{} {route}", who.actor()),
        key: key.to_owned(),
        fingerprint: digest.to_owned(),
    }))
}

/// A record with its `ETag` (200).
pub fn record<T: Serialize>(version: i64, x: &T) -> Response {
    (StatusCode::OK, [(header::ETAG, etag(version))], Json(x)).into_response()
}

/// The answer to a create: 201 with the record and its `ETag`; a replay carries
/// `Idempotent-Replayed: true` and the first answer's body.
pub fn created<T: Serialize>(c: Created<T>, version: impl Fn(&T) -> i64) -> Response {
    match c {
        Created::New(x) => (
            StatusCode::CREATED,
            [(header::ETAG, etag(version(&x)))],
            Json(x),
        )
            .into_response(),
        Created::Replayed(body) => {
            let v = body.get("version").and_then(Value::as_i64).unwrap_or(0);
            (
                StatusCode::CREATED,
                [
                    (header::ETAG, etag(v)),
                    (IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")),
                ],
                Json(body),
            )
                .into_response()
        }
    }
}
