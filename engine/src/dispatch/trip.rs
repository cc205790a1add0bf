//! Trips: the best visiting order of the snapped coordinates, then the route through them.

use super::{DispatchError, Engine, Location, Trip, TripEnds, route_error};
use crate::routing::trip::{self, TripError, TripOptions};

impl Engine {
    /// The best order to visit the locations (round trip, or with the first and/or last
    /// fixed), from the travel-time matrix between them, and the route in that order (back
    /// to the first stop for a round trip).
    ///
    /// # Errors
    /// As [`Engine::snap`] for each location; [`DispatchError::TooFewCoordinates`] for fewer
    /// than two; [`DispatchError::NoTrip`] when some stop cannot be reached from another;
    /// [`DispatchError::LimitExceeded`] past the search bounds.
    pub fn trip(
        &self,
        profile: &str,
        locs: &[Location],
        ends: TripEnds,
    ) -> Result<Trip, DispatchError> {
        let p = self.profile(profile)?;
        let snapped = Self::snap_at_least(p, locs, 2)?;
        let points: Vec<_> = snapped.iter().map(super::Snapped::point).collect();
        let m =
            p.ch.matrix(&p.graph, &points, &points, self.settle_limit)
                .map_err(route_error)?;
        let n = locs.len();
        let opts = TripOptions {
            round_trip: ends.roundtrip,
            start: ends.first_is_start.then_some(0),
            end: ends.last_is_end.then_some(n - 1),
            ..TripOptions::default()
        };
        let order = trip::solve(n, |a, b| m.get(a, b).map(|(d, _)| d.0), &opts)
            .map_err(|e| match e {
                TripError::Unreachable { from, to } => DispatchError::NoTrip {
                    reason: format!("coordinate {to} cannot be reached from coordinate {from}"),
                },
                other => DispatchError::NoTrip {
                    reason: other.to_string(),
                },
            })?
            .order;
        let mut stops = order.clone();
        if ends.roundtrip {
            stops.push(order[0]);
        }
        let route = self.route_through(p, &snapped, &stops)?;
        Ok(Trip { order, route })
    }
}
