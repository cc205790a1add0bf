//! Points placed on a profile's graph once and queried many times: the positions of moving
//! volunteers, snapped when they are reported, then routed from by every ranking without
//! snapping again.
//!
//! A [`PlacedPoint`] carries its [`Hint`] (so it names the graph it was made on) and the
//! [`EdgePoint`] searches start and end at. [`Engine::placed_costs`] answers costs between
//! placed points one pair at a time on the calling thread (a hub-label lookup, about a
//! microsecond, when the labels are built; else a hierarchy search): the small, incremental
//! tables of a ranking, where a parallel matrix would cost more to start than to fill.
//! [`Engine::speed_bound_mps`] bounds how fast any route of a profile goes, which turns a
//! straight-line distance into a lower bound on travel time.

use super::{DispatchError, Engine, Hint, Location, route_error};
use crate::routing::{Cost, EdgePoint};
use crate::types::{EdgeId, haversine_m};

/// A position snapped onto one profile's road graph, kept so that later cost queries
/// ([`Engine::placed_costs`]) do not snap it again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedPoint {
    /// Where it snapped: edge, piece, snapped position and the checksum of the graph.
    pub hint: Hint,
    /// Distance from the given position to the road, in metres.
    pub distance_m: f64,
    /// The position on the edge that searches start and end at.
    pub point: EdgePoint,
}

impl Engine {
    /// Snaps a location onto a profile's roads and keeps what later cost queries need.
    ///
    /// # Errors
    /// As [`Engine::snap`].
    pub fn place(&self, profile: &str, loc: Location) -> Result<PlacedPoint, DispatchError> {
        let p = self.profile(profile)?;
        let s = Self::snap_one(p, 0, loc)?;
        let wp = Self::waypoint(p, &s);
        Ok(PlacedPoint {
            hint: wp.hint,
            distance_m: wp.distance_m,
            point: s.point(),
        })
    }

    /// The checksum of a profile's graph ([`super::graph_checksum`]), as stamped on its
    /// hints and placed points; `None` for an unknown profile. `O(1)`.
    #[must_use]
    pub fn checksum(&self, profile: &str) -> Option<u64> {
        self.profiles.get(profile).map(|p| p.checksum)
    }

    /// Costs of the fastest routes from each of `sources` to each of `targets` (row-major,
    /// `None` where there is no route), computed one pair at a time on this thread: hub-label
    /// lookups when the profile has labels, else hierarchy searches. Meant for small tables
    /// asked many times; [`Engine::table`] suits large ones.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::Internal`] when a point was placed
    /// on another graph (another profile or build); [`DispatchError::LimitExceeded`] when a
    /// search exceeds the settle limit.
    pub fn placed_costs(
        &self,
        profile: &str,
        sources: &[PlacedPoint],
        targets: &[PlacedPoint],
    ) -> Result<Vec<Option<Cost>>, DispatchError> {
        let p = self.profile(profile)?;
        if let Some(foreign) = sources
            .iter()
            .chain(targets)
            .find(|x| x.hint.graph != p.checksum)
        {
            return Err(DispatchError::Internal(format!(
                "a point placed on graph {:#x} was queried on profile {profile:?} (graph {:#x})",
                foreign.hint.graph, p.checksum
            )));
        }
        self.with_space(p, |space| {
            let mut out = Vec::with_capacity(sources.len().saturating_mul(targets.len()));
            for s in sources {
                for t in targets {
                    out.push(p.cost(space, s.point, t.point).map_err(route_error)?);
                }
            }
            Ok(out)
        })
    }

    /// An upper bound on the speed of travel on a profile's graph, in metres per second:
    /// the largest ratio, over the edges, of an edge's length (its stated distance or the
    /// great-circle length of its geometry, whichever is longer) to its travel time. Any
    /// route between two points then takes at least their great-circle distance divided by
    /// this speed, up to the rounding of the two part-edges at its ends (half a decisecond
    /// each). Infinite when an edge of non-zero length takes no time, zero for a graph
    /// without edges; `None` for an unknown profile.
    ///
    /// `O(edges)`: compute it once per graph and keep it.
    #[must_use]
    pub fn speed_bound_mps(&self, profile: &str) -> Option<f64> {
        let g = &self.profiles.get(profile)?.graph;
        let mut best: f64 = 0.0;
        for e in 0..g.num_edges() {
            let e = EdgeId(u32::try_from(e).expect("edge ids are u32"));
            let geometry_m: f64 = g
                .edge_geometry(e)
                .windows(2)
                .map(|w| haversine_m(w[0], w[1]))
                .sum();
            let length_m = geometry_m.max(f64::from(g.edge_distance(e).0));
            let time_s = g.edge_duration(e).as_secs_f64();
            if length_m > 0.0 {
                best = best.max(if time_s > 0.0 {
                    length_m / time_s
                } else {
                    f64::INFINITY
                });
            }
        }
        Some(best)
    }
}
