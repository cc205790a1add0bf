//! `/v1/closures`: road closures (coordinators and admins). A closure names OSM ways, a
//! line drawn on the map, or a polygon (also as a GeoJSON `LineString` or `Polygon`
//! geometry), the profiles it applies to, a time range and a reason. Routing of every kind
//! avoids the closed roads from the answer to the create on ([`super::closure_sync`]);
//! `DELETE` lifts a closure (it stays listed, with when and by whom).

use axum::Json;
use axum::http::HeaderMap;
use axum::response::Response;
use engine::board::Time;
use engine::closures::{Closure, ClosureTarget, NewClosure, check_against};
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{RecordId, V1Json, V1Query};
use super::conventions::{created, idempotency, if_match, record};
use super::error::{ErrorAnswers, V1Error};
use super::state::BoardState;

/// A GeoJSON geometry a closure may be drawn as (`[lon, lat]` positions; an altitude is
/// ignored; a polygon has one ring, no holes).
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type")]
pub enum GeoJsonGeometry {
    /// A line drawn across or along roads.
    LineString {
        /// The positions.
        #[schema(value_type = Vec<Vec<f64>>)]
        coordinates: Vec<Vec<f64>>,
    },
    /// An area.
    Polygon {
        /// The rings: exactly one, closed.
        #[schema(value_type = Vec<Vec<Vec<f64>>>)]
        coordinates: Vec<Vec<Vec<f64>>>,
    },
}

/// `POST /v1/closures`: what to close (`target`, or a GeoJSON `geometry`), for which
/// profiles, when, and why.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureBody {
    /// What is closed: `{"ways": [id, …]}`, `{"line": [[lon, lat], …]}` or
    /// `{"polygon": [[lon, lat], …, first]}`. Give this or `geometry`.
    #[serde(default)]
    pub target: Option<ClosureTarget>,
    /// The line or area as GeoJSON. Give this or `target`.
    #[serde(default)]
    pub geometry: Option<GeoJsonGeometry>,
    /// Profiles it applies to (`car`, `bicycle`, `foot`); empty or absent: all.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// From when (RFC 3339; absent: now).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<Time>,
    /// Until when, exclusive (RFC 3339; absent: until lifted).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<Time>,
    /// Why (1 to 500 characters).
    pub reason: String,
}

/// `[lon, lat]` of GeoJSON positions (an altitude is dropped).
fn positions(field: &str, coords: Vec<Vec<f64>>) -> Result<Vec<[f64; 2]>, V1Error> {
    coords
        .into_iter()
        .enumerate()
        .map(|(i, p)| match p[..] {
            [lon, lat] | [lon, lat, _] => Ok([lon, lat]),
            _ => Err(V1Error::invalid(
                field,
                format!("position {i} must be [lon, lat] or [lon, lat, altitude]"),
            )),
        })
        .collect()
}

impl TryFrom<ClosureBody> for NewClosure {
    type Error = V1Error;

    fn try_from(b: ClosureBody) -> Result<Self, V1Error> {
        let target = match (b.target, b.geometry) {
            (Some(t), None) => t,
            (None, Some(GeoJsonGeometry::LineString { coordinates })) => {
                ClosureTarget::Line(positions("geometry.coordinates", coordinates)?)
            }
            (None, Some(GeoJsonGeometry::Polygon { coordinates })) => {
                let [ring] = <[Vec<Vec<f64>>; 1]>::try_from(coordinates).map_err(|_| {
                    V1Error::invalid(
                        "geometry.coordinates",
                        "a closure polygon has exactly one ring (no holes)",
                    )
                })?;
                ClosureTarget::Polygon(positions("geometry.coordinates", ring)?)
            }
            (Some(_), Some(_)) | (None, None) => {
                return Err(V1Error::invalid(
                    "target",
                    "give either `target` or a GeoJSON `geometry`",
                ));
            }
        };
        Ok(NewClosure {
            target,
            profiles: b.profiles,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            reason: b.reason,
        })
    }
}

/// The closures (all in one page).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClosurePage {
    /// The closures, by identifier.
    pub items: Vec<Closure>,
    /// Always `null`: every closure fits one page.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /v1/closures`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClosureListQuery {
    /// Only those in force at this time (RFC 3339, or `now`); absent: all, lifted and
    /// ended ones too.
    pub active_at: Option<String>,
}

/// Closes roads (coordinators and admins).
#[utoipa::path(post, path = "/v1/closures", tag = "closures", request_body = ClosureBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    responses((status = 201, description = "Created; routing avoids the roads from now on", body = Closure), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn create(
    auth: Auth,
    RoadCheck(engine): RoadCheck,
    headers: HeaderMap,
    body: V1Json<ClosureBody>,
) -> Result<Response, V1Error> {
    auth.who
        .may_manage_closures()
        .map_err(engine::board::BoardError::from)?;
    let idem = idempotency(&headers, &auth.who, "POST /v1/closures", &body.digest)?;
    let new = NewClosure::try_from(body.value)?;
    let now = BoardState::now();
    // Validated on its own first: the graph checks below expect sane shapes.
    new.clone()
        .validate(now, &auth.who.actor())
        .map_err(engine::board::BoardError::from)?;
    let matchers = auth.board.closures.matchers();
    let checked = {
        let (engine, new) = (std::sync::Arc::clone(&engine), new.clone());
        tokio::task::spawn_blocking(move || {
            let mut m = matchers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            check_against(&engine, &mut m, &new)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "checking a closure failed");
            V1Error::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "internal error",
            )
        })?
    };
    checked.map_err(engine::board::BoardError::from)?;
    let c = auth
        .board
        .board
        .create_closure(&auth.who, now, new, idem)
        .await?;
    auth.board
        .closures
        .refresh(auth.board.board.store(), &engine, now, true)
        .await?;
    Ok(created(c, |x| x.version))
}

/// The closures, all or those in force at a time.
#[utoipa::path(get, path = "/v1/closures", tag = "closures", params(ClosureListQuery),
    responses((status = 200, description = "Closures", body = ClosurePage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn list(
    auth: Auth,
    V1Query(q): V1Query<ClosureListQuery>,
) -> Result<Json<ClosurePage>, V1Error> {
    let at = match q.active_at.as_deref() {
        None => None,
        Some("now") => Some(BoardState::now()),
        Some(s) => {
            Some(Time::parse_rfc3339(s).map_err(|m| V1Error::bad_request("invalid_query", m))?)
        }
    };
    let items = auth.board.board.closures(&auth.who, at).await?;
    Ok(Json(ClosurePage {
        items,
        next_cursor: None,
    }))
}

/// One closure.
#[utoipa::path(get, path = "/v1/closures/{id}", tag = "closures",
    params(("id" = i64, Path, description = "Closure id")),
    responses((status = 200, description = "The closure", body = Closure), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn get_one(auth: Auth, id: RecordId) -> Result<Response, V1Error> {
    let c = auth.board.board.closure(&auth.who, id.0).await?;
    Ok(record(c.version, &c))
}

/// Lifts a closure: routing uses the roads again from the answer on.
#[utoipa::path(delete, path = "/v1/closures/{id}", tag = "closures",
    params(("id" = i64, Path, description = "Closure id"),
        ("If-Match" = Option<String>, Header, description = "The closure's ETag")),
    responses((status = 200, description = "The lifted closure", body = Closure), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn lift(
    auth: Auth,
    RoadCheck(engine): RoadCheck,
    headers: HeaderMap,
    id: RecordId,
) -> Result<Response, V1Error> {
    let now = BoardState::now();
    let c = auth
        .board
        .board
        .lift_closure(&auth.who, now, id.0, if_match(&headers)?)
        .await?;
    auth.board
        .closures
        .refresh(auth.board.board.store(), &engine, now, true)
        .await?;
    Ok(record(c.version, &c))
}
