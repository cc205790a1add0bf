//! A solution: routes (one per used vehicle) with their stops and schedule, and the tasks
//! left unassigned with a reason.
//!
//! ## Semantics, shared by the solver and the independent checker (`vrp::check`)
//! - A vehicle leaves its start (or its first task, when it has no start) no earlier than
//!   `shift.start`. Travel time from `a` to `b` is the matrix duration of its profile divided by
//!   its `speed_factor`, rounded to the nearest whole unit; distance is the matrix distance.
//! - At each task: `arrival = departure(prev) + travel`; service starts at the earliest time
//!   `>= arrival` inside one of the task's windows (waiting is allowed) and must not be later
//!   than that window's end; `departure = start + service`.
//! - A break is taken where the vehicle is (no travel): it starts at the earliest time
//!   `>=` the previous departure inside one of its windows and lasts its duration; its
//!   stop's `arrival` is that previous departure. The next leg starts from where the vehicle
//!   was.
//! - The route ends at the arrival at `end`, or at the last departure when `end` is `None`;
//!   that time must be `<= shift.end`.
//! - Loads: the vehicle leaves with the sum of the `delivery` amounts of its jobs; a job
//!   unloads its `delivery` and loads its `pickup`; a shipment loads `amount` at its pickup and
//!   unloads it at its delivery. The load must fit the capacity when leaving the start and
//!   after every stop.
//! - Route cost = `fixed + round(per_hour × travel_time / 3600 + per_km × distance / 1000)`,
//!   where travel time and distance are the route's totals (waiting and service are free);
//!   the rounding is to the nearest integer, halves up, computed exactly in integers as
//!   `(per_hour × time × 1000 + per_km × distance × 3600 + 1_800_000) / 3_600_000`. On a
//!   matrix with custom costs (`Matrix::costs`), route cost = `fixed + Σ cost(leg)` over the
//!   legs between consecutive locations (start and end included).
//! - Objective, compared lexicographically, first the unassigned penalty
//!   `Σ (1 + priority)` over unassigned tasks, then: [`PriorityThenCost`] total cost;
//!   [`VehiclesThenDistance`] vehicles used, then total distance; [`DistanceOnly`] total
//!   distance.
//!
//! [`PriorityThenCost`]: super::Objective::PriorityThenCost
//! [`VehiclesThenDistance`]: super::Objective::VehiclesThenDistance
//! [`DistanceOnly`]: super::Objective::DistanceOnly

use serde::{Deserialize, Serialize};

use super::Objective;

/// What a stop on a route does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StopKind {
    /// Serves `Problem::jobs[i]`.
    Job(usize),
    /// Picks up `Problem::shipments[i]`.
    Pickup(usize),
    /// Delivers `Problem::shipments[i]`.
    Delivery(usize),
    /// Takes break `i` of the route's vehicle.
    Break(usize),
}

/// One stop of a route with its schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    /// What is done there.
    pub kind: StopKind,
    /// When the vehicle arrives.
    pub arrival: u32,
    /// When service (or the break) starts (`>= arrival`).
    pub start: u32,
}

/// The route of one vehicle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Index into `Problem::vehicles`.
    pub vehicle: usize,
    /// When the vehicle leaves its start (or starts its first task when it has no start).
    pub departure: u32,
    /// Stops in visiting order (depots excluded).
    pub stops: Vec<Stop>,
}

/// A task: a job or a whole shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Task {
    /// `Problem::jobs[i]`.
    Job(usize),
    /// `Problem::shipments[i]` (pickup and delivery together).
    Shipment(usize),
}

/// Why a task could not be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No vehicle has the required skills.
    Skills,
    /// The amount exceeds every capable vehicle's capacity.
    Capacity,
    /// No capable vehicle can arrive inside a time window.
    TimeWindow,
    /// Serving it would not fit any capable vehicle's shift.
    ShiftLength,
    /// Every capable vehicle is at its task limit.
    MaxTasks,
    /// Serving it would exceed every capable vehicle's distance limit.
    MaxDistance,
    /// Serving it would exceed every capable vehicle's travel-time limit.
    MaxTravelTime,
    /// No capable vehicle can reach it (no route in the matrix).
    Unreachable,
    /// Each constraint alone can be met, but not all at once with the rest of the plan.
    NoRoomInPlan,
}

/// A task left out, with the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unassigned {
    /// The task.
    pub task: Task,
    /// Why.
    pub reason: Reason,
}

/// A solution as the solver returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    /// The objective it was optimised for.
    pub objective: Objective,
    /// One route per used vehicle.
    pub routes: Vec<Route>,
    /// Tasks not served.
    pub unassigned: Vec<Unassigned>,
    /// Total cost as the solver computed it (see the module docs).
    pub cost: i64,
    /// Total distance.
    pub distance: u64,
    /// Total travel time.
    pub travel_time: u64,
}
