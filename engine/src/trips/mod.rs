//! Multi-day trips to remote settlements: one or a few cars leave their headquarters,
//! visit settlements over up to [`MAX_DAYS`] days within daily working hours and a daily
//! driving limit, and spend the nights at home, at a visited settlement or at given
//! lodging points ([`Overnight`]).
//!
//! - [`TripProblem`]: the trip on a travel matrix (units: seconds after midnight for times
//!   of day, seconds and metres for travel), validated by [`TripProblem::validate`].
//! - [`solve`]: a dedicated ruin-and-recreate search with the nights chosen exactly by
//!   dynamic programming (below: why not [`crate::vrp`]'s shifts).
//! - [`Itinerary`]: per vehicle and day the visits with arrival, start and departure, the
//!   driving, the night; the settlements left out with a reason ([`Unplanned`]).
//! - [`check`]: the independent checker (slow, obvious replay); [`brute_force`]: the
//!   optimum of small trips, the reference for the search.
//! - [`plan_on_roads`]: the same on a loaded road graph: points are placed with the
//!   reachability report (so an unreachable settlement carries its
//!   [`Unreachable`](crate::reachability::Unreachable) reason), the matrix comes from
//!   [`Engine::solver_matrix`](crate::dispatch::Engine::solver_matrix), and each vehicle
//!   day gets its road geometry.
//!
//! ## The search
//!
//! Why not [`crate::vrp`]: a multi-day trip looks like a vehicle with one shift per day,
//! but the shifts are linked: day `d + 1` starts where night `d` was spent, and under the
//! `settlement` policy that place is the last visit of day `d`, which the search moves.
//! The VRP model has one fixed start and end per vehicle, so it can express the `home`
//! policy only (a route per day); a dedicated search treats the three policies alike.
//!
//! **Evaluation.** For one vehicle, the visit order of each day is fixed by the search and
//! the nights are chosen by a shortest path over the days: the states of a day are the
//! night locations the policy allows (home; the day's last visit; the lodging points; on a
//! day without visits, staying where the previous night was), each reached at the least
//! total driving from the states of the day before, keeping only days that fit the
//! working hours, windows and driving limit. `O(D · K · (L + K))` for `D` days, `K` night
//! states and `L` visits per day.
//!
//! **Search.** Settlements are inserted one at a time (highest priority first) at the
//! position, day and vehicle of least extra driving; then, for a bounded number of
//! iterations, a few settlements (at random, the nearest to a random one, or a whole day)
//! are removed and put back the same way (in random order within a priority, each place
//! skipped with a 10 % chance: the "blinks" of SISR, Christiaens and Vanden Berghe,
//! Transp. Sci. 54, 2020), under a
//! threshold acceptance that tightens to zero (Dueck and Scheuer, "Threshold accepting",
//! J. Comput. Phys. 90, 1990; ruin and recreate after Schrimpf et al., J. Comput. Phys.
//! 159, 2000). The objective is lexicographic: first the sum of `1 + priority` over the
//! settlements left out, then the total driving time. Deterministic for a given seed.

mod brute;
pub mod check;
mod error;
mod itinerary;
mod problem;
mod roads;
mod search;

pub use brute::{BRUTE_FORCE_MAX_SETTLEMENTS, BRUTE_FORCE_MAX_VEHICLE_DAYS, brute_force};
pub use error::TripError;
pub use itinerary::{DayPlan, Itinerary, NightAt, TripDay, Unplanned, VehicleTrip, Visit};
pub use problem::{
    DAY_S, DayWindow, MAX_DAYS, MAX_LODGINGS, MAX_SETTLEMENTS, MAX_VEHICLES, Overnight, Settlement,
    TripProblem,
};
pub use roads::{RoadItinerary, RoadPoint, RoadTrip, TripStop, find_place, plan_on_roads};
pub use search::{TripConfig, solve};

#[cfg(test)]
#[path = "trips_tests.rs"]
mod tests;
