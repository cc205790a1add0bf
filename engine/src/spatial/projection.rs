//! Local planar projection: equirectangular, scaled at one reference latitude, in metres.
//!
//! `x = R·cos(lat₀)·(lon − lon₀)`, `y = R·(lat − lat₀)` (angles in radians, `R` the mean Earth
//! radius of [`EARTH_RADIUS_M`]). Near the reference latitude, distances in this plane are
//! within a fraction of a percent of great-circle distances: the relative error of east-west
//! lengths is about `tan(lat₀)·Δlat` (Δlat in radians), e.g. 0.5 % at 60° N, 0.1° away from
//! `lat₀`. Distances compare correctly within one extract, which is all snapping needs. It
//! does not handle the antimeridian (no road graph here spans it).

use crate::types::{EARTH_RADIUS_M, LonLat};

/// An equirectangular projection centred on `(lon₀, lat₀)`; coordinates in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    origin: LonLat,
    kx: f64,
    ky: f64,
}

impl Projection {
    /// The projection centred on `origin` (its latitude sets the east-west scale).
    #[must_use]
    pub fn new(origin: LonLat) -> Self {
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self {
            origin,
            kx: ky * origin.lat.to_radians().cos(),
            ky,
        }
    }

    /// The centre of the projection.
    #[must_use]
    pub fn origin(&self) -> LonLat {
        self.origin
    }

    /// Planar coordinates `[x, y]` in metres of a position.
    #[must_use]
    #[inline]
    pub fn project(&self, p: LonLat) -> [f64; 2] {
        [
            (p.lon - self.origin.lon) * self.kx,
            (p.lat - self.origin.lat) * self.ky,
        ]
    }

    /// The position of planar coordinates (inverse of [`Projection::project`]).
    #[must_use]
    #[inline]
    pub fn unproject(&self, xy: [f64; 2]) -> LonLat {
        let lon = if self.kx > 0.0 {
            xy[0] / self.kx + self.origin.lon
        } else {
            self.origin.lon
        };
        LonLat::new(lon, xy[1] / self.ky + self.origin.lat)
    }
}

/// Squared distance between two planar points.
#[must_use]
#[inline]
pub(crate) fn dist_sq(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    dx * dx + dy * dy
}

/// Parameter `t ∈ [0, 1]` of the point of segment `a–b` nearest to `p` (0 for a degenerate
/// segment).
#[must_use]
#[inline]
pub(crate) fn segment_param(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len_sq = dx * dx + dy * dy;
    if len_sq <= 0.0 {
        return 0.0;
    }
    (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len_sq).clamp(0.0, 1.0)
}

/// The point at parameter `t` of segment `a–b`.
#[must_use]
#[inline]
pub(crate) fn lerp(a: [f64; 2], b: [f64; 2], t: f64) -> [f64; 2] {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::haversine_m;

    #[test]
    fn round_trip_and_scale() {
        let proj = Projection::new(LonLat::new(24.94, 60.17));
        let p = LonLat::new(24.95, 60.175);
        let q = proj.unproject(proj.project(p));
        assert!((p.lon - q.lon).abs() < 1e-12 && (p.lat - q.lat).abs() < 1e-12);
        let a = LonLat::new(24.93, 60.16);
        let planar = dist_sq(proj.project(a), proj.project(p)).sqrt();
        let great = haversine_m(a, p);
        assert!((planar - great).abs() / great < 2e-3, "{planar} vs {great}");
    }

    #[test]
    fn segment_param_clamps_and_handles_degenerate() {
        assert_eq!(segment_param([0.0, 0.0], [2.0, 0.0], [1.0, 5.0]), 0.5);
        assert_eq!(segment_param([0.0, 0.0], [2.0, 0.0], [-1.0, 0.0]), 0.0);
        assert_eq!(segment_param([0.0, 0.0], [2.0, 0.0], [9.0, 0.0]), 1.0);
        assert_eq!(segment_param([1.0, 1.0], [1.0, 1.0], [9.0, 0.0]), 0.0);
    }
}
