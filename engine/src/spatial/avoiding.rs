//! Snapping that skips some roads: the nearest road that a route may use when classes of
//! roads are excluded (OSRM snaps `exclude=` requests onto the roads left open).

use super::{Snap, SnapError, SpatialIndex};
use crate::types::EdgeId;

impl SpatialIndex {
    /// The snap of `(lon, lat)` onto the nearest piece of road within `radius_m` (`None`: the
    /// profile's default) whose edge `avoid` does not reject, running at `bearing` when one
    /// is given (as [`SpatialIndex::snap_with_bearing`]). No component rule: the caller's
    /// search tells whether the road leads anywhere.
    ///
    /// Cost: a best-first nearest-neighbour search past every nearer rejected piece.
    ///
    /// # Errors
    /// As [`SpatialIndex::snap`]: [`SnapError::TooFar`] (with the radius as the distance)
    /// when no accepted road lies within the radius.
    pub fn snap_avoiding(
        &self,
        lon: f64,
        lat: f64,
        radius_m: Option<f64>,
        bearing: Option<(f64, f64)>,
        avoid: impl Fn(EdgeId) -> bool,
    ) -> Result<Snap, SnapError> {
        let (p, radius_m) = self.check(lon, lat, radius_m)?;
        let radius_sq = radius_m * radius_m;
        self.nearest_entries(p)
            .take_while(|&(_, d_sq)| d_sq <= radius_sq)
            .filter(|(e, _)| bearing.is_none_or(|b| self.entry_runs(e, b)))
            .find(|(e, _)| !avoid(EdgeId(e.data.edge)))
            .map(|(e, _)| self.snap_on(&e, p))
            .ok_or(SnapError::TooFar {
                distance_m: radius_m,
                radius_m,
            })
    }
}
