//! `/v1/requests`: requests for help, their changes, assignment, status transitions and
//! history.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use engine::board::{
    BoardError, Event, Geocoded, NewRequest, Point, Request, RequestKind, RequestPatch,
    RequestQuery, RequestStatus, Time, Urgency, lifecycle,
};
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{RecordId, V1Json, V1Query};
use super::conventions::{created, idempotency, if_match, record};
use super::error::{ErrorAnswers, V1Error};
use super::events::EventPage;
use super::pagination::{decode_cursor, limit, paged};
use super::state::BoardState;

/// A page of requests.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestPage {
    /// Requests, by identifier.
    pub items: Vec<Request>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /v1/requests`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestListQuery {
    /// Only this headquarters (default: every one the token covers).
    pub hq: Option<i64>,
    /// Only these statuses, comma-separated (`new,assigned`).
    pub status: Option<String>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only this kind.
    pub kind: Option<RequestKind>,
    /// Only those inside `min_lon,min_lat,max_lon,max_lat`.
    pub bbox: Option<String>,
    /// Only those changed at or after this time (RFC 3339).
    pub updated_since: Option<Time>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// Statuses named in a comma list.
///
/// # Errors
/// 400 `invalid_query` for an unknown status.
pub(crate) fn parse_statuses(s: Option<&str>) -> Result<Vec<RequestStatus>, V1Error> {
    let Some(s) = s else { return Ok(Vec::new()) };
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            RequestStatus::from_wire(p.trim()).ok_or_else(|| {
                V1Error::bad_request("invalid_query", "status: unknown status in the list")
            })
        })
        .collect()
}

fn parse_bbox(s: &str) -> Result<[f64; 4], V1Error> {
    let bad = || {
        V1Error::bad_request(
            "invalid_query",
            "bbox must be min_lon,min_lat,max_lon,max_lat in degrees",
        )
    };
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [a, b, c, d] = v[..] else {
        return Err(bad());
    };
    let lon_ok = |x: f64| x.is_finite() && (-180.0..=180.0).contains(&x);
    let lat_ok = |y: f64| y.is_finite() && (-90.0..=90.0).contains(&y);
    if lon_ok(a) && lon_ok(c) && lat_ok(b) && lat_ok(d) && a <= c && b <= d {
        Ok([a, b, c, d])
    } else {
        Err(bad())
    }
}

impl RequestListQuery {
    /// The store query of these filters (without cursor and limit).
    pub(crate) fn to_query(&self) -> Result<RequestQuery, V1Error> {
        Ok(RequestQuery {
            hqs: self.hq.map(|h| vec![h]),
            statuses: parse_statuses(self.status.as_deref())?,
            urgency: self.urgency,
            kind: self.kind,
            bbox: self.bbox.as_deref().map(parse_bbox).transpose()?,
            updated_since: self.updated_since,
            ..RequestQuery::default()
        })
    }
}

fn address_not_found(message: &str) -> V1Error {
    V1Error::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "address_not_found",
        message,
    )
    .with_details(serde_json::json!({"field": "address"}))
}

/// The location of a request sent without one, from its address (`None` when it needs
/// none or has one).
fn geocode(board: &BoardState, new: &NewRequest) -> Result<Option<(Point, Geocoded)>, V1Error> {
    if new.location.is_some() || !new.kind.needs_trip() {
        return Ok(None);
    }
    let address = new
        .address
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .or(Some(new.recipient.address.as_str()).filter(|a| !a.trim().is_empty()));
    let Some(address) = address else {
        return Err(V1Error::invalid(
            "location",
            "location: a request that needs a trip needs a location [lon, lat] or an address",
        ));
    };
    let Some(g) = &board.geocoder else {
        return Err(address_not_found(
            "no location was given and this server has no geocoder: send location [lon, lat]",
        ));
    };
    match g.geocode(address) {
        Some(found) => Ok(Some(found)),
        None => Err(address_not_found("the map does not know this address")),
    }
}

/// Records a request (operators, coordinators, admins). Give `location`, or an address
/// (`address` or `recipient.address`) to geocode.
#[utoipa::path(post, path = "/v1/requests", tag = "requests", request_body = NewRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    responses((status = 201, description = "Created", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn create(
    auth: Auth,
    headers: HeaderMap,
    roads: RoadCheck,
    body: V1Json<NewRequest>,
) -> Result<Response, V1Error> {
    auth.who
        .may_create_request(body.value.hq)
        .map_err(BoardError::from)?;
    let idem = idempotency(&headers, &auth.who, "POST /v1/requests", &body.digest)?;
    let geocoded = geocode(&auth.board, &body.value)?;
    let c = auth
        .board
        .board
        .create_request(
            &auth.who,
            BoardState::now(),
            body.value,
            geocoded,
            &*roads.0,
            idem,
        )
        .await?;
    Ok(created(c, |x| x.version))
}

/// Requests, filtered and paged.
#[utoipa::path(get, path = "/v1/requests", tag = "requests", params(RequestListQuery),
    responses((status = 200, description = "A page", body = RequestPage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn list(
    auth: Auth,
    V1Query(q): V1Query<RequestListQuery>,
) -> Result<Json<RequestPage>, V1Error> {
    let after = decode_cursor(q.cursor.as_deref())?;
    let lim = limit(q.limit)?;
    let base = q.to_query()?;
    let (items, next_cursor) = paged(&auth, &base, after, lim).await?;
    Ok(Json(RequestPage { items, next_cursor }))
}

/// One request.
#[utoipa::path(get, path = "/v1/requests/{id}", tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The request", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn get_one(auth: Auth, id: RecordId) -> Result<Response, V1Error> {
    let x = auth.board.board.request(&auth.who, id.0).await?;
    Ok(record(x.version, &x))
}

/// Changes a request's details (not its status); `If-Match` guards against lost updates.
#[utoipa::path(patch, path = "/v1/requests/{id}", tag = "requests", request_body = RequestPatch,
    params(("id" = i64, Path, description = "Request id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Changed", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn patch(
    auth: Auth,
    id: RecordId,
    headers: HeaderMap,
    roads: RoadCheck,
    body: V1Json<RequestPatch>,
) -> Result<Response, V1Error> {
    let m = if_match(&headers)?;
    let x = auth
        .board
        .board
        .update_request(&auth.who, BoardState::now(), id.0, body.value, &*roads.0, m)
        .await?;
    Ok(record(x.version, &x))
}

/// Whom to assign a request to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The volunteer.
    pub volunteer: i64,
}

/// Assigns a request to a volunteer of its headquarters.
#[utoipa::path(post, path = "/v1/requests/{id}/assign", tag = "requests", request_body = Assignment,
    params(("id" = i64, Path, description = "Request id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Assigned", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn assign(
    auth: Auth,
    id: RecordId,
    headers: HeaderMap,
    body: V1Json<Assignment>,
) -> Result<Response, V1Error> {
    let m = if_match(&headers)?;
    let x = auth
        .board
        .board
        .assign(&auth.who, BoardState::now(), id.0, body.value.volunteer, m)
        .await?;
    Ok(record(x.version, &x))
}

async fn move_to(
    auth: &Auth,
    id: i64,
    headers: &HeaderMap,
    to: RequestStatus,
    reason: Option<String>,
) -> Result<Response, V1Error> {
    let m = if_match(headers)?;
    let x = auth
        .board
        .board
        .transition(&auth.who, BoardState::now(), id, to, reason, m)
        .await?;
    Ok(record(x.version, &x))
}

/// Takes a held request back from its volunteer (status `new`).
#[utoipa::path(post, path = "/v1/requests/{id}/unassign", tag = "requests",
    params(("id" = i64, Path, description = "Request id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Unassigned", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn unassign(auth: Auth, id: RecordId, headers: HeaderMap) -> Result<Response, V1Error> {
    let r = auth.board.board.request(&auth.who, id.0).await?;
    if !r.status.is_held() {
        return Err(BoardError::IllegalTransition {
            from: r.status,
            to: RequestStatus::New,
            allowed: lifecycle::allowed_next(r.status).to_vec(),
        }
        .into());
    }
    move_to(&auth, id.0, &headers, RequestStatus::New, None).await
}

/// A status change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status: `en_route`, `done`, `failed`, `cancelled`, `new` (and `assigned`
    /// back from `en_route`).
    pub status: RequestStatus,
    /// Why (needed for `cancelled` and `failed`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Moves a request along its life; an illegal step is 409 with the allowed statuses.
#[utoipa::path(post, path = "/v1/requests/{id}/status", tag = "requests", request_body = StatusChange,
    params(("id" = i64, Path, description = "Request id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Moved", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn status(
    auth: Auth,
    id: RecordId,
    headers: HeaderMap,
    body: V1Json<StatusChange>,
) -> Result<Response, V1Error> {
    let StatusChange { status, reason } = body.value;
    move_to(&auth, id.0, &headers, status, reason).await
}

/// Why a request is cancelled.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// Why.
    pub reason: String,
}

/// Cancels a request.
#[utoipa::path(post, path = "/v1/requests/{id}/cancel", tag = "requests", request_body = Cancellation,
    params(("id" = i64, Path, description = "Request id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Cancelled", body = Request), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn cancel(
    auth: Auth,
    id: RecordId,
    headers: HeaderMap,
    body: V1Json<Cancellation>,
) -> Result<Response, V1Error> {
    let reason = Some(body.value.reason);
    move_to(&auth, id.0, &headers, RequestStatus::Cancelled, reason).await
}

/// A request's history: its events, oldest first, with previous values.
#[utoipa::path(get, path = "/v1/requests/{id}/history", tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "Events", body = EventPage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn history(auth: Auth, id: RecordId) -> Result<Json<EventPage>, V1Error> {
    let items: Vec<Event> = auth.board.board.history(&auth.who, id.0).await?;
    Ok(Json(EventPage {
        items,
        next_cursor: None,
    }))
}
