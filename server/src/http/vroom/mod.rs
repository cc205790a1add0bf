//! VROOM's HTTP API as vroom-express serves it: `POST /optimize` with VROOM's problem as the
//! JSON body, VROOM's solution as the answer ([`crate::vroom`]).
//!
//! Errors answer `{"code": 1|2|3, "error"}` with vroom-express's statuses: 400 for input
//! (code 2) and routing (code 3) errors, 413 for a body past the server's limit, 500 for
//! internal ones, 503 when [`Limits::max_concurrent_solves`] optimisations are running
//! already (no queue: a dispatch UI retries rather than waits). The search budget is the
//! problem's `options.timeout` or the query's `?timeout=` (seconds; default
//! [`crate::vroom::DEFAULT_BUDGET`]), never past [`Limits::request_timeout`]; the matrices
//! come on top of it.
//!
//! [`Limits::max_concurrent_solves`]: super::Limits::max_concurrent_solves
//! [`Limits::request_timeout`]: super::Limits::request_timeout

pub(crate) mod openapi;

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::vroom::{Budget, DEFAULT_BUDGET, VroomCode, VroomError, optimize};

/// A [`VroomError`] as an HTTP answer.
fn answer(e: &VroomError, status: Option<StatusCode>) -> Response {
    let status = status.unwrap_or(match e.code {
        VroomCode::Input | VroomCode::Routing => StatusCode::BAD_REQUEST,
        VroomCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    });
    (status, Json(e.to_json())).into_response()
}

/// `POST /optimize`.
pub async fn handle(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Response {
    let too_big = || {
        let msg = format!(
            "the problem is larger than the server's limit of {} bytes",
            state.limits.max_body_bytes
        );
        answer(&VroomError::input(msg), Some(StatusCode::PAYLOAD_TOO_LARGE))
    };
    // A body announced past the limit is refused before it is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.limits.max_body_bytes as u64) {
        return too_big();
    }
    let body = match Bytes::from_request(req, &state).await {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_big(),
        Err(e) => return answer(&VroomError::input(e.body_text()), None),
    };
    let timeout = query.as_deref().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "timeout")
            .map(|(_, v)| v.into_owned())
    });
    let default = match timeout {
        Some(t) => match t
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
        {
            Some(d) => d,
            None => {
                let msg = format!("timeout={t} is not a number of seconds");
                return answer(&VroomError::input(msg), None);
            }
        },
        None => DEFAULT_BUDGET,
    };
    let Ok(permit) = Arc::clone(&state.solves).try_acquire_owned() else {
        let e = VroomError::internal(format!(
            "{} optimisations are running already; retry later",
            state.limits.max_concurrent_solves
        ));
        return answer(&e, Some(StatusCode::SERVICE_UNAVAILABLE));
    };
    let budget = Budget {
        default,
        max: state.limits.request_timeout,
        ..Budget::default()
    };
    let engine = state.engine();
    let res = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        optimize(Some(&engine), &body, budget)
    })
    .await;
    match res {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => {
            if e.code == VroomCode::Internal {
                tracing::error!(error = %e, "optimize failed");
            }
            answer(&e, None)
        }
        Err(e) => {
            tracing::error!(error = %e, "optimize task failed");
            answer(&VroomError::internal("internal error"), None)
        }
    }
}
