//! Grid of times → one (multi)polygon per contour.
//!
//! Marching squares (the `contour` crate) cut the one grid at each threshold, so a larger
//! contour's area contains every smaller one's and their outlines cannot cross; unreached
//! pockets become holes. Optional steps: `denoise` drops the polygons much smaller than the
//! largest of their contour, `generalize` simplifies the outlines (Douglas–Peucker) and then
//! adds each contour's area to the next larger one, so that nesting survives the
//! simplification. The result is in longitude/latitude with RFC 7946 orientation (exterior
//! rings counter-clockwise, holes clockwise), closed rings and coordinates rounded to six
//! decimals (about 0.1 m); rings left without area by the rounding are dropped.

use geo::{
    Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect, Simplify,
};

use super::raster::Grid;
use super::{IsochroneError, IsochroneParams};
use crate::spatial::Projection;
use crate::types::LonLat;

/// The contours of `grid` at `thresholds_s` (seconds, increasing), in longitude/latitude.
pub(crate) fn contours(
    grid: &Grid,
    proj: &Projection,
    thresholds_s: &[f64],
    params: &IsochroneParams,
) -> Result<Vec<MultiPolygon<f64>>, IsochroneError> {
    // The crate keeps the vertices at or above a threshold: negate the times.
    let negated: Vec<f64> = grid.values.iter().map(|v| -v).collect();
    let raw = thresholds_s
        .iter()
        .map(|t| trace(grid, &negated, -t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut planar: Vec<MultiPolygon<f64>> = raw
        .into_iter()
        .map(|mp| denoise(mp, params.denoise))
        .collect();
    if params.generalize_m > 0.0 {
        for mp in &mut planar {
            *mp = mp.simplify(params.generalize_m);
        }
        for k in 1..planar.len() {
            let inner = planar[k - 1].clone();
            planar[k] = planar[k].union(&inner);
        }
    }
    Ok(planar.iter().map(|mp| to_lonlat(mp, proj)).collect())
}

/// Drops the polygons whose area is below `share` of the largest one's.
fn denoise(mp: MultiPolygon<f64>, share: f64) -> MultiPolygon<f64> {
    if share <= 0.0 {
        return mp;
    }
    let largest = mp.iter().map(Area::unsigned_area).fold(0.0, f64::max);
    mp.into_iter()
        .filter(|p| p.unsigned_area() >= share * largest)
        .collect()
}

/// Rounds to six decimals (RFC 7946 recommends no more precision than needed).
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A planar ring in longitude/latitude, rounded, without repeated points, counter-clockwise
/// when `ccw` (else clockwise); `None` when too few distinct points or no area remain.
fn ring_to_lonlat(ring: &LineString<f64>, proj: &Projection, ccw: bool) -> Option<LineString<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in &ring.0 {
        let p: LonLat = proj.unproject([c.x, c.y]);
        let c = Coord {
            x: round6(p.lon),
            y: round6(p.lat),
        };
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    // A ring needs three distinct positions (four with the closing one).
    if out.len() < 3 {
        return None;
    }
    let mut ls = LineString::new(out);
    ls.close();
    let a = signed_area(&ls);
    if a == 0.0 {
        return None;
    }
    if (a > 0.0) != ccw {
        ls.0.reverse();
    }
    Some(ls)
}

/// A planar multipolygon in longitude/latitude with RFC 7946 orientation.
fn to_lonlat(mp: &MultiPolygon<f64>, proj: &Projection) -> MultiPolygon<f64> {
    let polygons: Vec<Polygon<f64>> = mp
        .iter()
        .filter_map(|p| {
            let exterior = ring_to_lonlat(p.exterior(), proj, true)?;
            let holes = p
                .interiors()
                .iter()
                .filter_map(|h| ring_to_lonlat(h, proj, false))
                .collect();
            let polygon = Polygon::new(exterior, holes);
            (polygon.unsigned_area() > 0.0).then_some(polygon)
        })
        .collect();
    MultiPolygon::new(polygons)
}

/// The area of `values` at or above `level` (marching squares, `contour::contour_rings`),
/// with each ring's corners moved along the cell edge to where the values cross the level
/// (linear interpolation), in planar metres. Each hole goes to the smallest exterior ring
/// around it.
fn trace(grid: &Grid, values: &[f64], level: f64) -> Result<MultiPolygon<f64>, IsochroneError> {
    let rings = contour::contour_rings(values, level, grid.nx, grid.ny)
        .map_err(|e| IsochroneError::Internal(format!("contouring failed: {e:?}")))?;
    let mut exteriors: Vec<(LineString<f64>, Rect<f64>, f64)> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for mut ring in rings {
        for c in &mut ring {
            *c = interpolate(grid, values, level, *c);
            // Grid coordinates put vertex (i, j) at (i + 0.5, j + 0.5).
            c.x = grid.x0 + (c.x - 0.5) * grid.cell;
            c.y = grid.y0 + (c.y - 0.5) * grid.cell;
        }
        let ls = LineString::new(ring);
        let a = signed_area(&ls);
        if a < 0.0 {
            // Clockwise with y to the north: the crate's exterior rings.
            if let Some(r) = ls.bounding_rect() {
                exteriors.push((ls, r, -a));
            }
        } else if a > 0.0 {
            holes.push(ls);
        }
    }
    let mut inner: Vec<Vec<LineString<f64>>> = vec![Vec::new(); exteriors.len()];
    for h in holes {
        let Some(&p) = h.0.first() else { continue };
        let owner = exteriors
            .iter()
            .enumerate()
            .filter(|(_, (ring, rect, _))| {
                rect.min().x <= p.x
                    && p.x <= rect.max().x
                    && rect.min().y <= p.y
                    && p.y <= rect.max().y
                    && ring_contains(ring, p)
            })
            .min_by(|a, b| a.1.2.total_cmp(&b.1.2))
            .map(|(i, _)| i);
        if let Some(i) = owner {
            inner[i].push(h);
        }
    }
    Ok(exteriors
        .into_iter()
        .zip(inner)
        .map(|((ring, _, _), holes)| Polygon::new(ring, holes))
        .collect())
}

/// Moves a ring corner that lies on a cell edge (one coordinate whole) to where the values
/// of the edge's two vertices cross `level`.
fn interpolate(grid: &Grid, values: &[f64], level: f64, c: Coord<f64>) -> Coord<f64> {
    #[expect(clippy::cast_precision_loss, reason = "grid sides")]
    let (w, h) = (grid.nx as f64, grid.ny as f64);
    let (fx, fy) = (c.x.trunc(), c.y.trunc());
    if c.x < 0.0 || c.y < 0.0 || fx >= w || fy >= h {
        return c;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "in the grid"
    )]
    let (i, j) = (fx as usize, fy as usize);
    let at = |i: usize, j: usize| values[j * grid.nx + i];
    let cross = |v0: f64, v1: f64| {
        let d = v1 - v0;
        if d.abs() > f64::EPSILON {
            ((level - v0) / d).clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    let mut out = c;
    if c.x > 0.0 && c.x == fx && i >= 1 {
        out.x = c.x - 0.5 + cross(at(i - 1, j), at(i, j));
    }
    if c.y > 0.0 && c.y == fy && j >= 1 {
        out.y = c.y - 0.5 + cross(at(i, j - 1), at(i, j));
    }
    out
}

/// Signed area of a ring, positive when counter-clockwise (x east, y north).
fn signed_area(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

/// Even-odd test of a point against a ring.
fn ring_contains(ring: &LineString<f64>, p: Coord<f64>) -> bool {
    let mut inside = false;
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
    }
    inside
}
