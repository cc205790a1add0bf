//! Points placed on a profile's graph once and queried many times: the positions of moving
//! volunteers, snapped when they are reported, then routed from by every ranking without
//! snapping again.
//!
//! A [`PlacedPoint`] carries its [`Hint`] (so it names the graph it was made on) and the
//! [`EdgePoint`] searches start and end at. [`Engine::placed_costs`] answers costs between
//! placed points one pair at a time on the calling thread (a hub-label lookup, about a
//! microsecond, when the labels are built; else a hierarchy search): the small, incremental
//! tables of a ranking, where a parallel matrix would cost more to start than to fill.
//! [`Engine::speed_bound`] turns a straight-line distance into a lower bound on the travel
//! time of any route of a profile ([`SpeedBound`]).

use super::{DispatchError, Engine, Hint, Location, route_error};
use crate::osm::ExcludeSet;
use crate::routing::{Cost, EdgePoint, Landmarks};
use crate::types::Deciseconds;
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
        self.place_with(profile, loc, ExcludeSet::EMPTY)
    }

    /// As [`Engine::place`], on the nearest road of no class in `exclude` (as routes that
    /// exclude them snap their points).
    ///
    /// # Errors
    /// As [`Engine::snap`]; [`DispatchError::ExcludeNotSupported`] for a class the profile
    /// does not declare.
    pub fn place_with(
        &self,
        profile: &str,
        loc: Location,
        exclude: ExcludeSet,
    ) -> Result<PlacedPoint, DispatchError> {
        let p = self.profile(profile)?;
        super::exclude::check_declared(p, exclude)?;
        let mut s = [Self::snap_one(p, 0, loc)?];
        super::exclude::reopen(p, exclude, &[loc], &mut s)?;
        let [s] = s;
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

    /// Lower bounds on travel time between points placed on a profile's graph from its
    /// landmarks; `None` for an unknown profile or before [`Engine::build_landmarks`].
    #[must_use]
    pub fn lower_bounds(&self, profile: &str) -> Option<LowerBounds<'_>> {
        let p = self.profiles.get(profile)?;
        Some(LowerBounds {
            graph: &p.graph,
            landmarks: p.landmarks.get()?,
            checksum: p.checksum,
        })
    }

    /// A lower bound on travel time from straight-line distance on a profile's graph
    /// ([`SpeedBound`]); `None` for an unknown profile.
    ///
    /// `O(edges)`: compute it once per graph and keep it.
    #[must_use]
    pub fn speed_bound(&self, profile: &str) -> Option<SpeedBound> {
        let g = &self.profiles.get(profile)?.graph;
        // (length with the margin, in metres; travel time, in seconds) of every edge.
        let edges: Vec<(f64, f64)> = (0..g.num_edges())
            .map(|e| {
                let e = EdgeId(u32::try_from(e).expect("edge ids are u32"));
                let geometry_m: f64 = g
                    .edge_geometry(e)
                    .windows(2)
                    .map(|w| haversine_m(w[0], w[1]))
                    .sum();
                let length_m = geometry_m.max(f64::from(g.edge_distance(e).0)) * LENGTH_MARGIN;
                (length_m, g.edge_duration(e).as_secs_f64())
            })
            .collect();
        let mut speeds: Vec<f64> = edges
            .iter()
            .filter(|&&(l, t)| t > 0.0 && l > 0.0)
            .map(|&(l, t)| l / t)
            .collect();
        speeds.sort_by(f64::total_cmp);
        let slack_at = |speed_mps: f64| -> f64 {
            edges
                .iter()
                .map(|&(l, t)| (l - speed_mps * t).max(0.0))
                .sum()
        };
        // The top speeds are rounding artefacts of short edges: a slightly lower speed with
        // their excess as slack bounds better; keep the best at a typical distance.
        let last = speeds.len().saturating_sub(1);
        let mut best = SpeedBound {
            speed_mps: 0.0,
            slack_m: slack_at(0.0),
        };
        for q in [1.0, 0.9999, 0.9995, 0.999, 0.998, 0.995, 0.99] {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a quantile of a length"
            )]
            let i = (q * last as f64).round() as usize;
            let Some(&speed_mps) = speeds.get(i) else {
                continue;
            };
            let b = SpeedBound {
                speed_mps,
                slack_m: slack_at(speed_mps),
            };
            if b.min_travel_s(REFERENCE_M) > best.min_travel_s(REFERENCE_M) {
                best = b;
            }
        }
        Some(best)
    }
}

/// Relative margin on edge lengths: snapping measures the fraction of an edge in a planar
/// projection, lengths are great-circle ones.
const LENGTH_MARGIN: f64 = 1.02;
/// The straight-line distance at which [`Engine::speed_bound`] picks its best bound, metres.
const REFERENCE_M: f64 = 2_000.0;

/// A lower bound on the travel time of any route of one graph between two points, from the
/// great-circle distance between them ([`Engine::speed_bound`]).
///
/// Every edge `e` (length `L`: its stated distance or its geometry's great-circle length,
/// whichever is longer, plus a 2 % margin; time `T`) has an excess `max(0, L − speed × T)`,
/// and `slack_m` is the sum of all excesses. A route passes each edge at most once in full
/// and once in part at each end, so its length is at most `speed × time + 2 × slack_m`, and
/// its time at least `(distance − 2 × slack_m) / speed` less the rounding of the two
/// part-edges at its ends (half a decisecond each). Choosing `speed` below the fastest edge
/// keeps the bound useful when a few short edges have rounded-down (even zero) times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedBound {
    /// The speed, in metres per second.
    pub speed_mps: f64,
    /// Metres all edges together run beyond `speed_mps`.
    pub slack_m: f64,
}

impl SpeedBound {
    /// The least travel time, in seconds, of any route between two points `distance_m`
    /// apart (great-circle); `0` when nothing is known.
    #[must_use]
    pub fn min_travel_s(&self, distance_m: f64) -> f64 {
        if !(self.speed_mps.is_finite() && self.speed_mps > 0.0) {
            return 0.0;
        }
        ((distance_m - 2.0 * self.slack_m) / self.speed_mps - 0.1).max(0.0)
    }
}

/// Landmark lower bounds on one profile's graph ([`Engine::lower_bounds`]).
#[derive(Clone, Copy, Debug)]
pub struct LowerBounds<'a> {
    graph: &'a crate::graph::RoadGraph,
    landmarks: &'a Landmarks,
    checksum: u64,
}

impl LowerBounds<'_> {
    /// A lower bound on the travel time of every route from `from` to `to` (zero when the
    /// landmarks say nothing, or when either point was placed on another graph). A few dozen
    /// table reads: cheap enough to rule a pair out before an exact query.
    #[must_use]
    pub fn between(&self, from: &PlacedPoint, to: &PlacedPoint) -> Deciseconds {
        if from.hint.graph != self.checksum
            || to.hint.graph != self.checksum
            || from.point.validate(self.graph).is_err()
            || to.point.validate(self.graph).is_err()
        {
            return Deciseconds(0);
        }
        let b = self.landmarks.bound(self.graph, from.point, to.point);
        Deciseconds(u32::try_from(b).unwrap_or(u32::MAX))
    }
}
