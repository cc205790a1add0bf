//! Snapping a point onto the nearest routable road, and OSRM's `nearest` (k roads).
//!
//! The component rule is documented on [`SpatialIndex::snap`].

use std::collections::HashSet;

use rstar::PointDistance;

use super::projection::{dist_sq, lerp, segment_param};
use super::{Entry, SnapError, SpatialIndex};
use crate::graph::NO_EDGE;
use crate::types::{EdgeId, LonLat};

/// A road of a small component keeps the point unless component `0` has a road within this
/// many metres (see [`SpatialIndex::snap`]).
pub const CLEAR_MIN_M: f64 = 50.0;

/// A road of a small component keeps the point unless component `0` has a road within this
/// factor of the distance to it (see [`SpatialIndex::snap`]).
pub const CLEAR_FACTOR: f64 = 3.0;

/// The default snapping radius of a profile, in metres: 1 km on foot, 5 km by car, bicycle
/// and any other profile.
#[must_use]
pub fn default_radius_m(profile: &str) -> f64 {
    match profile {
        "foot" => 1_000.0,
        _ => 5_000.0,
    }
}

/// A point snapped onto a road: where, on which directed edge, how far along, how far off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The point on the road nearest to the query.
    pub location: LonLat,
    /// The directed edge the point is on (of a two-way road, the one with the smaller id).
    pub edge: EdgeId,
    /// The opposite direction of the same road, if it is routable. Its geometry is `edge`'s
    /// reversed, so on it the same point lies at `1 − fraction`, `length − offset_m`.
    pub twin: Option<EdgeId>,
    /// Index of the straight piece of the edge geometry the point is on (0 at the tail).
    pub segment: u32,
    /// Position along `edge` from its tail, by length along the geometry, in `0..=1`.
    pub fraction: f64,
    /// Length along the geometry from the tail of `edge` to the point, in metres.
    pub offset_m: f64,
    /// Distance from the query to `location`, in metres (planar, see
    /// [`Projection`](super::Projection)).
    pub distance_m: f64,
    /// Strongly connected component of the edge (0 is the largest).
    pub component: u32,
    /// Number of nodes in that component.
    pub component_size: u32,
    /// Direction of the snapped straight piece of road from the tail of `edge` towards its
    /// head, degrees clockwise from north in `0..360` (in the index's planar projection).
    pub bearing_deg: f64,
}

/// `true` when `piece_deg` is within `range_deg` of `bearing_deg` (degrees, any turn).
fn within(piece_deg: f64, (bearing_deg, range_deg): (f64, f64)) -> bool {
    let d = (piece_deg - bearing_deg).rem_euclid(360.0);
    d.min(360.0 - d) <= range_deg
}

impl Snap {
    /// Which directions of travel at the snapped point a bearing allows (OSRM's `bearings`:
    /// `bearing_deg ± range_deg`, degrees clockwise from north): `[along edge, along twin]`.
    /// The second is `false` on a one-way road; a NaN bearing allows nothing.
    #[must_use]
    pub fn directions(&self, bearing: (f64, f64)) -> [bool; 2] {
        [
            within(self.bearing_deg, bearing),
            self.twin.is_some() && within(self.bearing_deg + 180.0, bearing),
        ]
    }
}

impl SpatialIndex {
    /// Snaps `(lon, lat)` onto the nearest road, following the component rule below,
    /// within `radius_m` metres (`None`: the profile's [`default_radius_m`]).
    ///
    /// # The component rule
    /// A point goes to the nearest road of the largest strongly connected component (component
    /// `0`), unless it clearly lies by a road of another one. Precisely, with `d₀` the distance to
    /// the nearest road of any component and `d_big` the distance to the nearest road of
    /// component `0`:
    ///
    /// - if the nearest road is in component `0`, the point snaps to it;
    /// - else, if `d_big ≤ max(CLEAR_MIN_M, CLEAR_FACTOR × d₀)` and `d_big ≤ radius`, it snaps to
    ///   that road of component `0`;
    /// - else it snaps to the nearest road, and [`Snap::component`] and
    ///   [`Snap::component_size`] say where it landed, so a caller can tell the user that this
    ///   place is only reachable within a small island of the network (vmeste's own API and
    ///   `engine::reachability`, which reports the island and its gap to component `0`).
    ///
    /// OSRM clients expect the other rule, nearest road of component `0` whatever lies
    /// nearer: [`SpatialIndex::snap_main`], applied per request by
    /// `Engine::onto_main_network`.
    ///
    /// A directed edge whose tail and head lie in different components (a one-way link between
    /// them) is counted in the smaller of the two (the larger label): from a point on it only one
    /// direction of travel leads into the larger one.
    ///
    /// # Errors
    /// [`SnapError::InvalidCoordinate`] for NaN, infinite or out-of-range coordinates;
    /// [`SnapError::InvalidRadius`] for a NaN, negative or infinite radius;
    /// [`SnapError::TooFar`] (with the distance to the nearest road) when no road is within
    /// the radius; [`SnapError::EmptyGraph`] when there is no road at all.
    pub fn snap(&self, lon: f64, lat: f64, radius_m: Option<f64>) -> Result<Snap, SnapError> {
        let (p, radius_m) = self.check(lon, lat, radius_m)?;
        let mut it = self.nearest_entries(p);
        let (first, d0_sq) = it.next().ok_or(SnapError::EmptyGraph)?;
        let d0 = d0_sq.sqrt();
        if d0 > radius_m {
            return Err(SnapError::TooFar {
                distance_m: d0,
                radius_m,
            });
        }
        let mut chosen = first;
        if self.comp_of(&first) != 0 {
            let bound = radius_m.min(CLEAR_MIN_M.max(CLEAR_FACTOR * d0));
            let bound_sq = bound * bound;
            for (entry, d_sq) in it {
                if d_sq > bound_sq {
                    break;
                }
                if self.comp_of(&entry) == 0 {
                    chosen = entry;
                    break;
                }
            }
        }
        Ok(self.snap_on(&chosen, p))
    }

    /// The snap of `(lon, lat)` onto the nearest piece of road within `radius_m` (`None`: the
    /// profile's default) that can be travelled at `bearing_deg ± range_deg` (degrees clockwise
    /// from north, the piece's direction from tail to head, or the reverse too on a two-way
    /// road): OSRM's `bearings`. Among those roads the component rule of
    /// [`SpatialIndex::snap`] applies. [`Snap::directions`] tells which directions of the
    /// snapped road the bearing allows (routing then uses only those).
    ///
    /// # Errors
    /// As [`SpatialIndex::snap`]; [`SnapError::NoRoadWithBearing`] when no road within the
    /// radius runs that way (a NaN bearing matches nothing).
    pub fn snap_with_bearing(
        &self,
        lon: f64,
        lat: f64,
        radius_m: Option<f64>,
        (bearing_deg, range_deg): (f64, f64),
    ) -> Result<Snap, SnapError> {
        let (p, radius_m) = self.check(lon, lat, radius_m)?;
        let radius_sq = radius_m * radius_m;
        let runs_that_way = |e: &Entry| self.entry_runs(e, (bearing_deg, range_deg));
        let mut matching = self
            .nearest_entries(p)
            .take_while(|&(_, d_sq)| d_sq <= radius_sq)
            .filter(|(e, _)| runs_that_way(e));
        let (first, d0_sq) = matching.next().ok_or(SnapError::NoRoadWithBearing {
            bearing_deg,
            range_deg,
            radius_m,
        })?;
        // The component rule of `snap`, among the roads running that way.
        let mut entry = first;
        if self.comp_of(&first) != 0 {
            let bound = radius_m.min(CLEAR_MIN_M.max(CLEAR_FACTOR * d0_sq.sqrt()));
            let bound_sq = bound * bound;
            if let Some((e, _)) = matching
                .take_while(|&(_, d_sq)| d_sq <= bound_sq)
                .find(|(e, _)| self.comp_of(e) == 0)
            {
                entry = e;
            }
        }
        Ok(self.snap_on(&entry, p))
    }

    /// The snap of `(lon, lat)` at a known place, `at` on piece `segment` of `edge` (from an
    /// earlier snap: a hint), without searching for the nearest road. `None` when that piece
    /// is not in this index, `at` is not on it, or it lies farther than `radius_m` from
    /// `(lon, lat)`: the caller then snaps as usual.
    ///
    /// # Errors
    /// As [`SpatialIndex::snap`] for an invalid coordinate or radius.
    pub fn snap_at(
        &self,
        edge: EdgeId,
        segment: u32,
        at: LonLat,
        (lon, lat): (f64, f64),
        radius_m: Option<f64>,
    ) -> Result<Option<Snap>, SnapError> {
        /// The piece is found among the entries nearest to `at` (it is at distance 0).
        const CANDIDATES: usize = 64;
        /// `at` must lie on the piece, up to rounding.
        const ON_ROAD_M: f64 = 0.01;
        let (p, radius_m) = self.check(lon, lat, radius_m)?;
        if !at.is_valid() {
            return Ok(None);
        }
        let q = self.meta.proj.project(at);
        let Some((entry, _)) = self
            .nearest_entries(q)
            .take(CANDIDATES)
            .find(|(e, _)| e.data.edge == edge.0 && e.data.seg == segment)
        else {
            return Ok(None);
        };
        let mut snap = self.snap_on(&entry, q);
        if snap.distance_m > ON_ROAD_M {
            return Ok(None);
        }
        // Keep the hinted position exactly, so that the hint of the answer is the one given.
        snap.location = at;
        snap.distance_m = dist_sq(q, p).sqrt();
        Ok((snap.distance_m <= radius_m).then_some(snap))
    }

    /// The nearest point of each of the `k` nearest distinct roads (edges, a two-way road
    /// counted once) within `radius_m` metres (`None`: the profile's default), nearest first,
    /// any component: OSRM's `nearest` service. Fewer than `k` when fewer roads are in reach.
    ///
    /// # Errors
    /// As [`SpatialIndex::snap`]: invalid coordinate or radius, [`SnapError::TooFar`] when no
    /// road at all is within the radius, [`SnapError::EmptyGraph`].
    pub fn nearest(
        &self,
        lon: f64,
        lat: f64,
        k: usize,
        radius_m: Option<f64>,
    ) -> Result<Vec<Snap>, SnapError> {
        self.nearest_filtered(lon, lat, k, radius_m, None)
    }

    /// As [`SpatialIndex::nearest`], among the roads that can be travelled at
    /// `bearing_deg ± range_deg` (see [`SpatialIndex::snap_with_bearing`]).
    ///
    /// # Errors
    /// As [`SpatialIndex::nearest`]; [`SnapError::NoRoadWithBearing`] when roads are within
    /// the radius but none runs that way.
    pub fn nearest_with_bearing(
        &self,
        lon: f64,
        lat: f64,
        k: usize,
        radius_m: Option<f64>,
        bearing: (f64, f64),
    ) -> Result<Vec<Snap>, SnapError> {
        self.nearest_filtered(lon, lat, k, radius_m, Some(bearing))
    }

    fn nearest_filtered(
        &self,
        lon: f64,
        lat: f64,
        k: usize,
        radius_m: Option<f64>,
        bearing: Option<(f64, f64)>,
    ) -> Result<Vec<Snap>, SnapError> {
        let (p, radius_m) = self.check(lon, lat, radius_m)?;
        let mut it = self.nearest_entries(p);
        let (first, d0_sq) = it.next().ok_or(SnapError::EmptyGraph)?;
        if d0_sq.sqrt() > radius_m {
            return Err(SnapError::TooFar {
                distance_m: d0_sq.sqrt(),
                radius_m,
            });
        }
        let radius_sq = radius_m * radius_m;
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(k.min(64));
        for (entry, d_sq) in std::iter::once((first, d0_sq)).chain(it) {
            if out.len() >= k || d_sq > radius_sq {
                break;
            }
            if bearing.is_some_and(|b| !self.entry_runs(&entry, b)) {
                continue;
            }
            if seen.insert(entry.data.edge) {
                out.push(self.snap_on(&entry, p));
            }
        }
        match bearing {
            Some((bearing_deg, range_deg)) if out.is_empty() && k > 0 => {
                Err(SnapError::NoRoadWithBearing {
                    bearing_deg,
                    range_deg,
                    radius_m,
                })
            }
            _ => Ok(out),
        }
    }

    /// Validates the query; returns its planar position and the radius to use.
    pub(super) fn check(
        &self,
        lon: f64,
        lat: f64,
        radius_m: Option<f64>,
    ) -> Result<([f64; 2], f64), SnapError> {
        if !LonLat::new(lon, lat).is_valid() {
            return Err(SnapError::InvalidCoordinate { lon, lat });
        }
        let radius_m = radius_m.unwrap_or_else(|| self.default_radius_m());
        if !radius_m.is_finite() || radius_m < 0.0 {
            return Err(SnapError::InvalidRadius { radius_m });
        }
        Ok((self.meta.proj.project(LonLat::new(lon, lat)), radius_m))
    }

    /// Direction of an indexed piece from tail to head, degrees clockwise from north.
    fn entry_bearing(entry: &Entry) -> f64 {
        let line = entry.geom();
        let (dx, dy) = (line.to[0] - line.from[0], line.to[1] - line.from[1]);
        dx.atan2(dy).to_degrees().rem_euclid(360.0)
    }

    /// `true` when the piece can be travelled at `bearing` (either way on a two-way road).
    pub(super) fn entry_runs(&self, entry: &Entry, bearing: (f64, f64)) -> bool {
        let b = Self::entry_bearing(entry);
        let two_way = self.meta.edge_twin[entry.data.edge as usize] != NO_EDGE;
        within(b, bearing) || (two_way && within(b + 180.0, bearing))
    }

    pub(super) fn comp_of(&self, entry: &Entry) -> u32 {
        self.meta.edge_comp[entry.data.edge as usize]
    }

    /// The snap of planar point `p` onto the piece of road `entry`.
    pub(super) fn snap_on(&self, entry: &Entry, p: [f64; 2]) -> Snap {
        let line = entry.geom();
        let (a, b) = (line.from, line.to);
        let t = segment_param(a, b, p);
        let q = lerp(a, b, t);
        let r = entry.data;
        let e = r.edge as usize;
        let total = self.edge_len_m(r.edge);
        let offset_m = (r.before_m + t * dist_sq(a, b).sqrt()).min(total);
        let fraction = if total > 0.0 {
            (offset_m / total).clamp(0.0, 1.0)
        } else {
            0.0
        };
        debug_assert!(dist_sq(q, p) <= line.distance_2(&p) * (1.0 + 1e-9) + 1e-9);
        let component = self.meta.edge_comp[e];
        let twin = self.meta.edge_twin[e];
        Snap {
            location: self.meta.proj.unproject(q),
            edge: EdgeId(r.edge),
            twin: (twin != NO_EDGE).then_some(EdgeId(twin)),
            segment: r.seg,
            fraction,
            offset_m,
            distance_m: dist_sq(q, p).sqrt(),
            component,
            component_size: self
                .meta
                .comp_size
                .get(component as usize)
                .copied()
                .unwrap_or(0),
            bearing_deg: Self::entry_bearing(entry),
        }
    }
}
