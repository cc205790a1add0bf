//! Dispatch plans: one headquarters' open requests given to its volunteers on shift, in
//! order, on the real roads, and committed as assignments.
//!
//! - [`prepare`] turns a board snapshot (the headquarters, its open requests, its volunteers,
//!   `now`) into a [`PlanProblem`]: wire-neutral tasks and a fleet, with times in seconds
//!   from `now`, ready for any solver that speaks time windows, capacities, skills,
//!   priorities and per-vehicle task limits. Requests done by phone (no trip) are matched
//!   here, not routed ([`Call`]).
//! - A solver (the server runs vmeste's VRP search on road matrices) answers a [`Plan`]:
//!   routes with arrivals, calls, and unassigned requests with reasons.
//! - [`Board::commit_plan`](super::Board::commit_plan) assigns what the plan says in one
//!   transaction, refusing a plan whose requests or volunteers changed since it was made.
//!
//! # The objective, precisely
//!
//! Plans are compared lexicographically:
//!
//! 1. **Served priority**, summed over the requests a plan serves: urgent
//!    [`PRIORITY_URGENT`] (100), normal [`PRIORITY_NORMAL`] (10), planned
//!    [`PRIORITY_PLANNED`] (1). So one urgent request outweighs nine normal ones, one normal
//!    outweighs nine planned ones: when volunteers are short, urgent requests are served
//!    first. Requests a volunteer already holds (`assigned`, `en_route`) weigh
//!    [`PRIORITY_URGENT`] and may go only to that volunteer.
//! 2. **Fairness**: no volunteer gets more than [`PlanVehicle::fair_max_tasks`] stops,
//!    `⌈tasks / volunteers⌉ + 1` (never less than what they already hold, never more than
//!    their own `max_tasks`), unless lifting that cap serves more priority: the solver
//!    first plans with the fair caps and, only when that leaves requests unassigned while
//!    some cap is below a volunteer's own `max_tasks`, plans again with `max_tasks` alone
//!    and keeps the plan that serves more (the fair one on a tie).
//! 3. **Total travel time** (seconds on each volunteer's own mode's roads, from their last
//!    position to their home or the headquarters), the solver's cost.
//!
//! Hard constraints: each request is served inside its time windows and finished by its
//! deadline (the window's end is `deadline − service`); the volunteer's shift holds the whole
//! route; loads (kilograms and bags) fit the volunteer's capacity; the volunteer has every
//! skill the request needs; a volunteer holds at most `max_tasks` requests (those already
//! held count). A held request whose deadline has passed keeps its volunteer without a
//! window (late rather than dropped).
//!
//! # Stability
//!
//! Re-planning never moves a held request to another volunteer (it is fixed to the one
//! holding it); new requests are inserted around the held ones. A request the volunteer is
//! on the way to (`en_route`) is their first stop (the earliest deadline first if there are
//! several: only one is forced first); the order of their other stops may change between
//! plans.

mod commit;
mod problem;

use serde::{Deserialize, Serialize};

use super::model::{Mode, Point};
use super::time::Time;

pub use problem::{
    HORIZON_S, MAX_SCOPE_IDS, PRIORITY_NORMAL, PRIORITY_PLANNED, PRIORITY_URGENT, PlanScope,
    SHIFT_AHEAD_S, prepare,
};

/// A request to route, in the solver's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanTask {
    /// The request.
    pub request: i64,
    /// Where to go.
    pub location: Point,
    /// When service may start, `[start, end]` in seconds from the plan's `now`; empty: any
    /// time.
    pub windows: Vec<[u32; 2]>,
    /// Seconds of service at the door.
    pub service_s: u32,
    /// Load in tenths of a kilogram (rounded up) and bags.
    pub load: [u32; 2],
    /// Skills needed.
    pub skills: Vec<String>,
    /// Weight in the objective (see the module docs).
    pub priority: u8,
    /// The volunteer who holds it already: only they may serve it.
    pub held_by: Option<i64>,
    /// The volunteer is on the way (`en_route`): it is their first stop.
    pub started: bool,
}

/// A volunteer on shift, in the solver's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanVehicle {
    /// The volunteer.
    pub volunteer: i64,
    /// How they travel (the road graph used).
    pub mode: Mode,
    /// Where they are: last position, else home, else the headquarters.
    pub start: Point,
    /// Where they end: home, else the headquarters.
    pub end: Point,
    /// Their shift, `[start, end]` in seconds from the plan's `now`.
    pub shift: [u32; 2],
    /// Capacity in tenths of a kilogram and bags.
    pub capacity: [u32; 2],
    /// Skills.
    pub skills: Vec<String>,
    /// Most stops: their `max_tasks` less the calls this plan gives them.
    pub max_tasks: u32,
    /// Most stops for a fair share (see the module docs).
    pub fair_max_tasks: u32,
}

/// A solver's route: the volunteer, the requests served with arrivals in seconds from the
/// plan's `now`, and the road geometry.
pub type SolvedRoute = (i64, Vec<(i64, u32)>, Option<String>);

/// A request done by phone, matched to a volunteer (no trip, no route step).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    /// The request.
    pub request: i64,
    /// The volunteer who calls.
    pub volunteer: i64,
}

/// Why a request is not in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// Machine-readable code: the solver's (`no_vehicle_with_skills`, `over_capacity`,
    /// `no_road_nearby`, `unreachable`, `time_window`, `shift_too_short`, `max_tasks`,
    /// `max_distance`, `max_travel_time`, `no_room_in_plan`) or the board's
    /// (`no_volunteer_on_shift`, `no_free_volunteer`).
    pub code: String,
    /// For people.
    pub message: String,
}

/// A request left out of a plan, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unassigned {
    /// The request.
    pub request: i64,
    /// Why.
    pub reason: Reason,
}

/// One stop of a route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStep {
    /// The request served.
    pub request: i64,
    /// When the volunteer arrives.
    pub arrival: Time,
}

/// One volunteer's route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRoute {
    /// The volunteer.
    pub volunteer: i64,
    /// Their stops, in order.
    pub steps: Vec<PlanStep>,
    /// The road path from start to end, an encoded polyline (precision 5).
    pub geometry: Option<String>,
}

/// What a plan was made from: the versions it may be committed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Basis {
    /// `(request, version)` of every request in the plan.
    pub requests: Vec<(i64, i64)>,
    /// `(volunteer, fingerprint)` of every volunteer in the plan: what planning reads of
    /// them, without their position (position reports do not make a plan stale).
    pub volunteers: Vec<(i64, String)>,
}

/// A dispatch plan of one headquarters (on the wire without its basis).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Identifier, for `POST /v1/plans/{id}/commit`.
    pub id: i64,
    /// Headquarters.
    pub hq: i64,
    /// When it was made (arrivals count from here).
    pub made_at: Time,
    /// Routes, one per volunteer with stops.
    pub routes: Vec<PlanRoute>,
    /// Requests done by phone (`psychological_support`), each with the volunteer who calls.
    pub calls: Vec<Call>,
    /// Requests left out, with reasons.
    pub unassigned: Vec<Unassigned>,
    /// What it was made from.
    #[serde(skip)]
    pub basis: Basis,
}

/// What [`prepare`] makes of a board snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanProblem {
    /// Headquarters.
    pub hq: i64,
    /// Times count from here.
    pub now: Time,
    /// Requests to route.
    pub tasks: Vec<PlanTask>,
    /// Volunteers on shift.
    pub fleet: Vec<PlanVehicle>,
    /// Requests done by phone, matched.
    pub calls: Vec<Call>,
    /// Requests left out before solving, with reasons.
    pub unassigned: Vec<Unassigned>,
    /// What the plan is made from.
    pub basis: Basis,
}

impl PlanProblem {
    /// The plan of a solver's answer: `routes` (volunteer, then requests with arrivals in
    /// seconds from `now`, and geometry) and the unassigned tasks with reasons.
    #[must_use]
    pub fn plan(&self, id: i64, routes: Vec<SolvedRoute>, unassigned: Vec<Unassigned>) -> Plan {
        let routes = routes
            .into_iter()
            .filter(|(_, steps, _)| !steps.is_empty())
            .map(|(volunteer, steps, geometry)| PlanRoute {
                volunteer,
                steps: steps
                    .into_iter()
                    .map(|(request, s)| PlanStep {
                        request,
                        arrival: self.now.plus(i64::from(s)),
                    })
                    .collect(),
                geometry,
            })
            .collect();
        let mut all = self.unassigned.clone();
        all.extend(unassigned);
        all.sort_by_key(|u| u.request);
        Plan {
            id,
            hq: self.hq,
            made_at: self.now,
            routes,
            calls: self.calls.clone(),
            unassigned: all,
            basis: self.basis.clone(),
        }
    }
}

impl Plan {
    /// Every `(request, volunteer)` the plan assigns: route stops and calls.
    #[must_use]
    pub fn assignments(&self) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = self
            .routes
            .iter()
            .flat_map(|r| r.steps.iter().map(|s| (s.request, r.volunteer)))
            .chain(self.calls.iter().map(|c| (c.request, c.volunteer)))
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
