//! "Who can go now?" (`GET /v1/requests/{id}/candidates`) and the demand/supply map
//! (`GET /v1/coverage`): answered from the live view ([`super::live`]), ranked by road time on
//! each volunteer's own mode's graph.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use engine::board::{RequestQuery, RequestStatus, Store, Time};
use engine::candidates::{CandidatesError, ExclusionReason};
use engine::types::LonLat;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{RecordId, V1Query};
use super::error::{ErrorAnswers, V1Error};
use super::state::BoardState;

/// Most candidates one question answers.
pub const MAX_K: usize = 100;

/// Options of `GET /v1/requests/{id}/candidates`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CandidatesQuery {
    /// How many candidates, 1..=100 (default 5).
    #[param(minimum = 1, maximum = 100)]
    pub k: Option<usize>,
}

/// A volunteer who can go now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidateOut {
    /// The volunteer.
    pub volunteer: i64,
    /// Their display name.
    pub name: String,
    /// Their mode (the graph routed on).
    pub mode: String,
    /// Road travel time from their last position to the request, in seconds.
    pub eta_s: f64,
    /// When they would arrive.
    pub eta: Time,
    /// Road distance, in metres.
    pub distance_m: f64,
    /// Road time back (home, else to their position), in seconds.
    pub return_s: f64,
    /// End of the shift they are on.
    pub shift_end: Time,
}

/// The answer: candidates best first, and how many volunteers each reason left out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidatesAnswer {
    /// The request.
    pub request: i64,
    /// When the question was answered.
    pub at: Time,
    /// Best (shortest road time) first.
    pub candidates: Vec<CandidateOut>,
    /// Reason → number of volunteers it excluded: `not_available`, `off_shift`,
    /// `missing_skill`, `over_capacity`, `at_max_tasks`, `no_graph_for_mode`, `no_position`,
    /// `unsnappable`, `ranked_lower`, `unreachable`, `late_for_deadline`,
    /// `shift_ends_too_soon`.
    pub excluded: BTreeMap<String, usize>,
}

fn ranking_error(e: CandidatesError) -> V1Error {
    match e {
        CandidatesError::InvalidTask { reason } => {
            V1Error::new(StatusCode::UNPROCESSABLE_ENTITY, "no_trip", reason)
        }
        other => V1Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("ranking failed: {other}"),
        ),
    }
}

/// Who can go now to a request: volunteers of its headquarters ranked by road time on their
/// own mode's graph, keeping only those on a shift long enough to go, serve and come back,
/// with the skills and capacity, below their task limit and (urgent requests) able to arrive
/// by the deadline.
#[utoipa::path(get, path = "/v1/requests/{id}/candidates", tag = "requests",
    params(("id" = i64, Path, description = "Request"), CandidatesQuery),
    responses((status = 200, description = "Candidates, best first", body = CandidatesAnswer),
        ErrorAnswers),
    security(("bearer" = [])))]
pub async fn candidates(
    auth: Auth,
    id: RecordId,
    roads: RoadCheck,
    q: V1Query<CandidatesQuery>,
) -> Result<Json<CandidatesAnswer>, V1Error> {
    let k = q.0.k.unwrap_or(5);
    if !(1..=MAX_K).contains(&k) {
        return Err(V1Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            format!("k must be in 1..={MAX_K}"),
        ));
    }
    let r = auth.board.board.request(&auth.who, id.0).await?;
    auth.who
        .may_coordinate(r.hq)
        .map_err(engine::board::BoardError::from)?;
    let now = BoardState::now();
    let live = auth
        .board
        .live
        .current(auth.board.board.store(), &roads.0, auth.board.generation())
        .await?;
    let engine = std::sync::Arc::clone(&roads.0);
    let (ranking, names) = tokio::task::spawn_blocking(move || {
        let Some(board) = live.as_ref() else {
            return Err(CandidatesError::InvalidTask {
                reason: "the live view is not ready".into(),
            });
        };
        let ranking = board.candidates(&engine, &r, now.0, k)?;
        let names: Vec<String> = ranking
            .candidates
            .iter()
            .map(|c| {
                board
                    .roster()
                    .volunteer(c.volunteer)
                    .map(|v| v.name.clone())
                    .unwrap_or_default()
            })
            .collect();
        Ok((ranking, names))
    })
    .await
    .map_err(|e| V1Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(ranking_error)?;
    let candidates = ranking
        .candidates
        .into_iter()
        .zip(names)
        .map(|(c, name)| CandidateOut {
            volunteer: c.volunteer,
            name,
            mode: c.profile,
            eta_s: c.travel_s,
            eta: Time(c.eta_unix_s),
            distance_m: c.distance_m,
            return_s: c.return_s,
            shift_end: Time(c.shift_end_unix_s),
        })
        .collect();
    let excluded = ranking
        .excluded
        .into_iter()
        .map(|(reason, n): (ExclusionReason, usize)| (reason.as_str().to_owned(), n))
        .collect();
    Ok(Json(CandidatesAnswer {
        request: id.0,
        at: now,
        candidates,
        excluded,
    }))
}

/// Options of `GET /v1/coverage`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// H3 resolution, 0..=15 (default 8: cells of about 0.7 km²).
    #[param(minimum = 0, maximum = 15)]
    pub res: Option<u8>,
    /// Only this headquarters (default: every one the token covers).
    pub hq: Option<i64>,
}

/// Demand against supply on H3 hexagons: a GeoJSON `FeatureCollection` of `Polygon`s, each
/// with the open requests in it by urgency and the available volunteers by mode.
#[utoipa::path(get, path = "/v1/coverage", tag = "requests", params(CoverageQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection of H3 cells",
        content_type = "application/geo+json", body = Object), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn coverage(
    auth: Auth,
    roads: RoadCheck,
    q: V1Query<CoverageQuery>,
) -> Result<axum::response::Response, V1Error> {
    let res = q.0.res.unwrap_or(8);
    let who = &auth.who;
    let hqs: Option<Vec<i64>> = match q.0.hq {
        Some(hq) => {
            who.may_watch(hq).map_err(engine::board::BoardError::from)?;
            Some(vec![hq])
        }
        None if who.is_admin() => None,
        None => {
            let scope = who.hq_scope().unwrap_or(&[]).to_vec();
            for &hq in &scope {
                who.may_watch(hq).map_err(engine::board::BoardError::from)?;
            }
            if scope.is_empty() {
                who.may_watch(-1).map_err(engine::board::BoardError::from)?;
            }
            Some(scope)
        }
    };
    let store = auth.board.board.store();
    let mut demand = Vec::new();
    let mut rq = RequestQuery {
        hqs: hqs.clone(),
        statuses: vec![
            RequestStatus::New,
            RequestStatus::Assigned,
            RequestStatus::EnRoute,
        ],
        limit: engine::board::MAX_PAGE,
        ..RequestQuery::default()
    };
    loop {
        let page = store.requests(&rq).await?;
        let Some(last) = page.last().map(|r| r.id) else {
            break;
        };
        demand.extend(page.iter().filter_map(|r| {
            r.location
                .map(|[x, y]| (LonLat::new(x, y), r.urgency.as_str()))
        }));
        rq.after_id = Some(last);
    }
    let live = auth
        .board
        .live
        .current(store, &roads.0, auth.board.generation())
        .await?;
    let cells = live
        .as_ref()
        .map(|l| l.coverage(res, &demand, hqs.as_deref()))
        .transpose()
        .map_err(|e| {
            V1Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_query",
                e.to_string(),
            )
        })?
        .unwrap_or_default();
    let features: Vec<Value> = cells
        .iter()
        .map(|c| {
            let ring: Vec<[f64; 2]> = c.boundary.iter().map(|p| [p.lon, p.lat]).collect();
            json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": c.cell.to_string(),
                    "res": res,
                    "requests": c.demand,
                    "requests_total": c.demand.values().sum::<usize>(),
                    "volunteers": c.supply,
                    "volunteers_total": c.supply.values().sum::<usize>(),
                }
            })
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features});
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

use axum::response::IntoResponse;
