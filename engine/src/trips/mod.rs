//! Multi-day trips to remote settlements: one or a few cars leave their headquarters,
//! visit settlements over up to [`MAX_DAYS`] days within daily working hours and a daily
//! driving limit, and spend the nights at home, at a visited settlement or at given
//! lodging points ([`Overnight`]).
//!
//! - [`TripProblem`]: the trip on a travel matrix (units: seconds after midnight for times
//!   of day, seconds and metres for travel), validated by [`TripProblem::validate`].
//! - [`solve`]: a dedicated ruin-and-recreate search with the nights chosen exactly by
//!   dynamic programming (the `search` module says why not [`crate::vrp`]'s shifts).
//! - [`Itinerary`]: per vehicle and day the visits with arrival, start and departure, the
//!   driving, the night; the settlements left out with a reason ([`Unplanned`]).
//! - [`check`]: the independent checker (slow, obvious replay); [`brute_force`]: the
//!   optimum of small trips, the reference for the search.
//! - [`plan_on_roads`]: the same on a loaded road graph: points are placed with the
//!   reachability report (so an unreachable settlement carries its
//!   [`Unreachable`](crate::reachability::Unreachable) reason), the matrix comes from
//!   [`Engine::solver_matrix`](crate::dispatch::Engine::solver_matrix), and each vehicle
//!   day gets its road geometry.

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
