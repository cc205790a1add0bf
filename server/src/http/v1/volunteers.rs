//! `/v1/volunteers` and `/v1/me`: volunteers of a headquarters (coordinators and admins),
//! position reports (the volunteer too), and a volunteer's own view.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::Response;
use engine::board::{
    Mode, NewVolunteer, PositionReport, ReportedPosition, Request, RequestQuery, RequestStatus,
    Role, Time, Volunteer, VolunteerPatch, VolunteerQuery, VolunteerStatus,
};
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{RecordId, V1Json, V1Query};
use super::conventions::{created, idempotency, if_match, record};
use super::error::{ErrorAnswers, V1Error};
use super::pagination::{decode_cursor, limit, paged};
use super::position_queue::PositionQueue;
use super::state::BoardState;

/// A page of volunteers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VolunteerPage {
    /// Volunteers, by identifier.
    pub items: Vec<Volunteer>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /v1/volunteers`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VolunteerListQuery {
    /// Only this headquarters (default: every one the token covers).
    pub hq: Option<i64>,
    /// Only this status.
    pub status: Option<VolunteerStatus>,
    /// Only this mode.
    pub mode: Option<Mode>,
    /// Only those changed at or after this time (RFC 3339).
    pub updated_since: Option<Time>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

impl VolunteerListQuery {
    /// The store query of these filters (without cursor and limit).
    pub(crate) fn to_query(&self) -> VolunteerQuery {
        VolunteerQuery {
            hqs: self.hq.map(|h| vec![h]),
            status: self.status,
            mode: self.mode,
            updated_since: self.updated_since,
            after_id: None,
            limit: 0,
        }
    }
}

/// Creates a volunteer (coordinators of its headquarters, admins).
#[utoipa::path(post, path = "/v1/volunteers", tag = "volunteers", request_body = NewVolunteer,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    responses((status = 201, description = "Created", body = Volunteer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn create(
    auth: Auth,
    headers: HeaderMap,
    roads: RoadCheck,
    body: V1Json<NewVolunteer>,
) -> Result<Response, V1Error> {
    let idem = idempotency(&headers, &auth.who, "POST /v1/volunteers", &body.digest)?;
    let c = auth
        .board
        .board
        .create_volunteer(&auth.who, BoardState::now(), body.value, &*roads.0, idem)
        .await?;
    Ok(created(c, |x| x.version))
}

/// Volunteers, filtered and paged.
#[utoipa::path(get, path = "/v1/volunteers", tag = "volunteers", params(VolunteerListQuery),
    responses((status = 200, description = "A page", body = VolunteerPage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn list(
    auth: Auth,
    V1Query(q): V1Query<VolunteerListQuery>,
) -> Result<Json<VolunteerPage>, V1Error> {
    let after = decode_cursor(q.cursor.as_deref())?;
    let lim = limit(q.limit)?;
    let base = q.to_query();
    let (items, next_cursor) = paged(&auth, &base, after, lim).await?;
    Ok(Json(VolunteerPage { items, next_cursor }))
}

/// One volunteer.
#[utoipa::path(get, path = "/v1/volunteers/{id}", tag = "volunteers",
    params(("id" = i64, Path, description = "Volunteer id")),
    responses((status = 200, description = "The volunteer", body = Volunteer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn get_one(auth: Auth, id: RecordId) -> Result<Response, V1Error> {
    let x = auth.board.board.volunteer(&auth.who, id.0).await?;
    Ok(record(x.version, &x))
}

/// Changes a volunteer's profile; `If-Match: "<version>"` (or `version` in the body)
/// guards against lost updates.
#[utoipa::path(patch, path = "/v1/volunteers/{id}", tag = "volunteers", request_body = VolunteerPatch,
    params(("id" = i64, Path, description = "Volunteer id"),
           ("If-Match" = Option<String>, Header, description = "ETag the change was made from")),
    responses((status = 200, description = "Changed", body = Volunteer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn patch(
    auth: Auth,
    id: RecordId,
    headers: HeaderMap,
    body: V1Json<VolunteerPatch>,
) -> Result<Response, V1Error> {
    let m = if_match(&headers)?;
    let x = auth
        .board
        .board
        .update_volunteer(&auth.who, BoardState::now(), id.0, body.value, m)
        .await?;
    Ok(record(x.version, &x))
}

/// Reports a volunteer's position (the volunteer, their coordinator, admins). Reports
/// arriving together are committed together ([`super::position_queue`]).
#[utoipa::path(post, path = "/v1/volunteers/{id}/position", tag = "volunteers", request_body = PositionReport,
    params(("id" = i64, Path, description = "Volunteer id")),
    responses((status = 200, description = "The volunteer", body = Volunteer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn position(
    auth: Auth,
    id: RecordId,
    roads: RoadCheck,
    body: V1Json<PositionReport>,
) -> Result<Response, V1Error> {
    let report = ReportedPosition {
        who: auth.who,
        volunteer: id.0,
        report: body.value,
    };
    let x = PositionQueue::report(&auth.board, &roads.0, report).await?;
    Ok(record(x.version, &x))
}

/// Who the token is: its role and headquarters; for a volunteer, their profile and the
/// requests they hold.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Role.
    pub role: Role,
    /// Headquarters the token is limited to.
    pub hqs: Vec<i64>,
    /// The volunteer's profile (volunteer tokens).
    pub volunteer: Option<Volunteer>,
    /// The requests they hold (volunteer tokens).
    pub requests: Vec<Request>,
}

/// The token's own view.
#[utoipa::path(get, path = "/v1/me", tag = "volunteers",
    responses((status = 200, description = "Who the token is", body = Me), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn me(auth: Auth) -> Result<Json<Me>, V1Error> {
    let who = &auth.who;
    let (volunteer, requests) = match who.volunteer {
        Some(id) if who.role == Role::Volunteer => {
            let v = auth.board.board.volunteer(who, id).await?;
            let q = RequestQuery {
                statuses: vec![RequestStatus::Assigned, RequestStatus::EnRoute],
                limit: engine::board::MAX_PAGE,
                ..RequestQuery::default()
            };
            (Some(v), auth.board.board.requests(who, q).await?)
        }
        _ => (None, Vec::new()),
    };
    Ok(Json(Me {
        role: who.role,
        hqs: who.hqs.clone(),
        volunteer,
        requests,
    }))
}
