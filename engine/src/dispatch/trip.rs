//! Trips: the best visiting order of the snapped coordinates, then the route through them;
//! one trip per group of mutually reachable coordinates, as OSRM's `trip` service.

use super::{DispatchError, Engine, Location, RouteOptions, Trip, TripEnds, route_error};
use crate::osm::ExcludeSet;
use crate::routing::trip::{self, TripError, TripOptions};

impl Engine {
    /// The best order to visit the locations (round trip, or with the first and/or last
    /// fixed), from the travel-time matrix between them, and the route in that order (back
    /// to the first stop for a round trip).
    ///
    /// Without a fixed first or last stop, the locations are split into groups whose members
    /// all reach each other (strongly connected components of the matrix, see
    /// [`trip::components`]) and the answer has one trip per group, ordered by their first
    /// location in the request (OSRM splits its trips the same way). With a fixed end the
    /// answer is one trip over every location, or [`DispatchError::NoTrip`] when that needs
    /// an impossible leg (as OSRM answers `NoTrips`).
    ///
    /// # Errors
    /// As [`Engine::snap`] for each location; [`DispatchError::TooFewCoordinates`] for fewer
    /// than two; [`DispatchError::NoTrip`] when a trip with a fixed end cannot reach some
    /// stop; [`DispatchError::LimitExceeded`] past the search bounds.
    pub fn trip(
        &self,
        profile: &str,
        locs: &[Location],
        ends: TripEnds,
    ) -> Result<Vec<Trip>, DispatchError> {
        self.trip_with(profile, locs, ends, ExcludeSet::EMPTY)
    }

    /// As [`Engine::trip`], on the roads left when the classes of `exclude` are taken out.
    ///
    /// # Errors
    /// As [`Engine::trip`]; [`DispatchError::ExcludeNotSupported`] for a class the profile
    /// does not declare.
    pub fn trip_with(
        &self,
        profile: &str,
        locs: &[Location],
        ends: TripEnds,
        exclude: ExcludeSet,
    ) -> Result<Vec<Trip>, DispatchError> {
        let p = self.profile(profile)?;
        let roads = self.roads(p, exclude)?;
        let mut snapped = Self::snap_at_least(p, locs, 2)?;
        roads.reopen(locs, &mut snapped)?;
        let points: Vec<_> = snapped.iter().map(super::Snapped::point).collect();
        let m = roads
            .matrix(&points, &points, self.settle_limit)
            .map_err(route_error)?;
        let n = locs.len();
        let cost = |a: usize, b: usize| m.get(a, b).map(|(d, _)| d.0);
        let fixed = ends.first_is_start || ends.last_is_end;
        let groups = if fixed {
            vec![(0..n).collect()]
        } else {
            trip::components(n, cost)
        };
        groups
            .iter()
            .map(|group: &Vec<usize>| {
                let opts = TripOptions {
                    round_trip: ends.roundtrip,
                    start: ends.first_is_start.then_some(0),
                    end: ends.last_is_end.then_some(n - 1),
                    ..TripOptions::default()
                };
                let order = trip::solve(group.len(), |a, b| cost(group[a], group[b]), &opts)
                    .map_err(|e| no_trip(e, group))?
                    .order;
                let order: Vec<usize> = order.iter().map(|&k| group[k]).collect();
                let mut stops = order.clone();
                if ends.roundtrip || stops.len() == 1 {
                    // A round trip returns to its start; a one-point open trip is one
                    // zero-length leg, so that its geometry is still a line.
                    stops.push(order[0]);
                }
                // U-turns stay allowed at a trip's stops: the order was chosen on the
                // matrix, whose cells know nothing of the direction a stop is passed in.
                let route =
                    self.route_through(&roads, &snapped, &stops, false, RouteOptions::default())?;
                Ok(Trip { order, route })
            })
            .collect()
    }
}

/// A solver failure as [`DispatchError::NoTrip`], stops named by their request index.
fn no_trip(e: TripError, group: &[usize]) -> DispatchError {
    let reason = match e {
        TripError::Unreachable { from, to } => format!(
            "coordinate {} cannot be reached from coordinate {}",
            group[to], group[from]
        ),
        other => other.to_string(),
    };
    DispatchError::NoTrip { reason }
}
