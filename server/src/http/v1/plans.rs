//! Dispatch plans over HTTP: `POST /v1/plans` plans one headquarters' open requests on the
//! road graphs ([`engine::board::plan`] for the rules and the objective,
//! [`crate::vroom::solve_plan`] for the search); `POST /v1/plans/{id}/commit` assigns them.
//!
//! Plans are kept in memory for [`PLAN_TTL`] (at most [`MAX_KEPT_PLANS`], oldest dropped
//! first), each cut to what its commit reads ([`Plan::into_commit_form`]: no left-out
//! requests, no geometry), so the book weighs in proportion to the assignments it holds and
//! not to every open request of each plan. A restart drops uncommitted plans (plan again).
//! A commit is idempotent: a second commit of the same plan answers the first commit's
//! result. Solves share the server's bound on concurrent optimisations; past it the answer
//! is 503 `solver_busy`.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::board::plan::{Plan, PlanScope, prepare};
use engine::board::{
    BoardError, MAX_PAGE, Mode, Request, RequestQuery, RequestStatus, Store, StoreError, Time,
    Volunteer, VolunteerQuery,
};
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{RecordId, V1Json};
use super::error::{ErrorAnswers, V1Error};
use super::state::BoardState;
use crate::http::AppState;

/// Longest search a plan may ask for, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 60.0;
/// Search time when the body does not say, in seconds.
pub const DEFAULT_TIME_LIMIT_S: f64 = 5.0;
/// How long an uncommitted plan is kept.
pub const PLAN_TTL: Duration = Duration::from_secs(3600);
/// Most plans kept at once.
pub const MAX_KEPT_PLANS: usize = 1_000;
/// Most open requests (or volunteers) one plan reads.
pub const MAX_PLAN_RECORDS: usize = 10_000;

/// `POST /v1/plans`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The headquarters.
    pub hq: i64,
    /// Search time in seconds, in (0, 60]; default 5. Road matrices come on top.
    pub time_limit_s: Option<f64>,
    /// Only these volunteers (default: every one on shift).
    pub volunteers: Option<Vec<i64>>,
    /// Only these open requests (default: all); requests a planned volunteer holds are
    /// always in, fixed to them.
    pub requests: Option<Vec<i64>>,
}

/// One assignment a commit made.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Committed {
    /// The request.
    pub request: i64,
    /// Its volunteer.
    pub volunteer: i64,
    /// The request's version after the commit.
    pub version: i64,
}

/// What a commit did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CommitAnswer {
    /// The plan.
    pub id: i64,
    /// When it was committed.
    pub committed_at: Time,
    /// The requests it assigned (those already held by their planned volunteer are not
    /// listed).
    pub assigned: Vec<Committed>,
}

struct Kept {
    plan: Plan,
    made: Instant,
    committed: Option<CommitAnswer>,
}

/// A place among the server's concurrent solves, or 503 `solver_busy`.
pub(crate) fn solve_permit(app: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, V1Error> {
    Arc::clone(&app.solves).try_acquire_owned().map_err(|_| {
        V1Error::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "solver_busy",
            format!(
                "{} plans or optimisations are running already; retry later",
                app.limits.max_concurrent_solves
            ),
        )
    })
}

/// The plans made and not yet expired.
#[derive(Default)]
pub struct PlanBook {
    plans: Mutex<BTreeMap<i64, Kept>>,
    next: Mutex<i64>,
    /// One commit at a time (commits are short; two of one plan must not both write).
    committing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for PlanBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanBook").finish_non_exhaustive()
    }
}

fn poisoned() -> V1Error {
    V1Error::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "internal error",
    )
}

impl PlanBook {
    /// A new identifier: growing, and from the clock at first so identifiers of plans made
    /// before a restart are not reused.
    fn next_id(&self, now: Time) -> Result<i64, V1Error> {
        let mut n = self.next.lock().map_err(|_| poisoned())?;
        *n = (*n + 1).max(now.0.saturating_mul(1_000));
        Ok(*n)
    }

    fn keep(&self, plan: Plan) -> Result<(), V1Error> {
        let mut plans = self.plans.lock().map_err(|_| poisoned())?;
        plans.retain(|_, k| k.made.elapsed() < PLAN_TTL);
        while plans.len() >= MAX_KEPT_PLANS {
            plans.pop_first();
        }
        plans.insert(
            plan.id,
            Kept {
                plan: plan.into_commit_form(),
                made: Instant::now(),
                committed: None,
            },
        );
        Ok(())
    }

    fn get(&self, id: i64) -> Result<Option<(Plan, Option<CommitAnswer>)>, V1Error> {
        let plans = self.plans.lock().map_err(|_| poisoned())?;
        Ok(plans
            .get(&id)
            .filter(|k| k.made.elapsed() < PLAN_TTL)
            .map(|k| (k.plan.clone(), k.committed.clone())))
    }

    fn mark_committed(&self, id: i64, answer: CommitAnswer) -> Result<(), V1Error> {
        let mut plans = self.plans.lock().map_err(|_| poisoned())?;
        if let Some(k) = plans.get_mut(&id) {
            k.committed = Some(answer);
        }
        Ok(())
    }
}

fn time_limit(s: Option<f64>) -> Result<Duration, V1Error> {
    let s = s.unwrap_or(DEFAULT_TIME_LIMIT_S);
    if !(s.is_finite() && s > 0.0 && s <= MAX_TIME_LIMIT_S) {
        return Err(V1Error::invalid(
            "time_limit_s",
            format!("time_limit_s: {s} is not a number of seconds in (0, {MAX_TIME_LIMIT_S}]"),
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

/// Every record `page(after_id)` lists, page by page (pages of [`MAX_PAGE`] by increasing
/// identifier), at most [`MAX_PLAN_RECORDS`] of them.
async fn every_page<T, F, Fut>(
    what: &str,
    id: fn(&T) -> i64,
    mut page: F,
) -> Result<Vec<T>, V1Error>
where
    F: FnMut(Option<i64>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, StoreError>>,
{
    let mut out: Vec<T> = Vec::new();
    loop {
        let next = page(out.last().map(id)).await?;
        let last = next.len() < MAX_PAGE;
        out.extend(next);
        if out.len() > MAX_PLAN_RECORDS {
            return Err(V1Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_large",
                format!("the headquarters has more than {MAX_PLAN_RECORDS} {what}: plan a subset"),
            ));
        }
        if last {
            return Ok(out);
        }
    }
}

/// Every open request of `hq`.
async fn open_requests<S: Store>(store: &S, hq: i64) -> Result<Vec<Request>, V1Error> {
    every_page(
        "open requests",
        |r: &Request| r.id,
        |after_id| {
            let q = RequestQuery {
                hqs: Some(vec![hq]),
                statuses: vec![
                    RequestStatus::New,
                    RequestStatus::Assigned,
                    RequestStatus::EnRoute,
                ],
                after_id,
                limit: MAX_PAGE,
                ..RequestQuery::default()
            };
            async move { store.requests(&q).await }
        },
    )
    .await
}

/// Every volunteer of `hq`.
async fn volunteers_of<S: Store>(store: &S, hq: i64) -> Result<Vec<Volunteer>, V1Error> {
    every_page(
        "volunteers",
        |v: &Volunteer| v.id,
        |after_id| {
            let q = VolunteerQuery {
                hqs: Some(vec![hq]),
                after_id,
                limit: MAX_PAGE,
                ..VolunteerQuery::default()
            };
            async move { store.volunteers(&q).await }
        },
    )
    .await
}

/// Plans one headquarters: its open requests to its volunteers on shift, by the objective
/// of `engine::board::plan` (urgent before normal before planned; a fair share of stops;
/// least travel time), each route on the volunteer's own mode's roads, within the deadline
/// and the shift. Requests done by phone are matched to a free psychologist instead of
/// routed. Volunteers whose mode has no road graph on this server are left out.
/// Coordinators of the headquarters and admins.
#[utoipa::path(post, path = "/v1/plans", tag = "plans", request_body = PlanBody,
    responses((status = 201, description = "The plan", body = Plan), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    roads: RoadCheck,
    body: V1Json<PlanBody>,
) -> Result<Response, V1Error> {
    let body = body.value;
    let limit = time_limit(body.time_limit_s)?;
    let board = &auth.board.board;
    let hq = board.hq(&auth.who, body.hq).await?;
    auth.who.may_coordinate(hq.id).map_err(BoardError::from)?;
    let now = BoardState::now();
    let requests = open_requests(board.store(), hq.id).await?;
    let volunteers = volunteers_of(board.store(), hq.id).await?;
    let scope = PlanScope {
        volunteers: body.volunteers,
        requests: body.requests,
    };
    let modes: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| roads.0.has_profile(m.profile()))
        .collect();
    let problem = prepare(&hq, &requests, &volunteers, &scope, &modes, now)?;
    let permit = solve_permit(&app)?;
    let id = auth.board.plans.next_id(now)?;
    // Leave room for the matrices and the answer inside the server's request timeout.
    let limit = limit.min(app.limits.request_timeout.mul_f64(0.75));
    let engine = Arc::clone(&roads.0);
    let plan = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        crate::vroom::solve_plan(&engine, &problem, id, limit, 1)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "plan task failed");
        poisoned()
    })?
    .map_err(|e| match e.code {
        crate::vroom::VroomCode::Input => {
            V1Error::new(StatusCode::UNPROCESSABLE_ENTITY, "unplannable", e.message)
        }
        _ => {
            tracing::error!(error = %e, "planning failed");
            V1Error::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "planning_failed",
                "planning failed",
            )
        }
    })?;
    let answer = (StatusCode::CREATED, Json(&plan)).into_response();
    auth.board.plans.keep(plan)?;
    Ok(answer)
}

/// Commits a plan: assigns its requests (route stops and calls) to their volunteers in one
/// transaction, with an `assigned` event each (live streams see them). 409 `plan_stale`
/// when a request or a volunteer's planning facts changed since the plan was made (plan
/// again); nothing is written then. Committing again answers the first commit.
#[utoipa::path(post, path = "/v1/plans/{id}/commit", tag = "plans",
    params(("id" = i64, Path, description = "Plan")),
    responses((status = 200, description = "Committed", body = CommitAnswer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn commit(auth: Auth, id: RecordId) -> Result<Json<CommitAnswer>, V1Error> {
    let book = &auth.board.plans;
    let _one = book.committing.lock().await;
    let Some((plan, done)) = book.get(id.0)? else {
        return Err(V1Error::not_found("plan", id.0));
    };
    auth.who.may_coordinate(plan.hq).map_err(BoardError::from)?;
    if let Some(answer) = done {
        return Ok(Json(answer));
    }
    let now = BoardState::now();
    let assigned = auth
        .board
        .board
        .commit_plan(&auth.who, now, &plan)
        .await
        .map_err(|e| match e {
            BoardError::Conflict(m) => V1Error::new(StatusCode::CONFLICT, "plan_stale", m),
            other => other.into(),
        })?;
    let answer = CommitAnswer {
        id: plan.id,
        committed_at: now,
        assigned: assigned
            .iter()
            .filter_map(|r| {
                r.volunteer.map(|volunteer| Committed {
                    request: r.id,
                    volunteer,
                    version: r.version,
                })
            })
            .collect(),
    };
    book.mark_committed(plan.id, answer.clone())?;
    Ok(Json(answer))
}
