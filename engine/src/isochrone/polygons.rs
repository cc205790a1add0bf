//! Grid of times → one (multi)polygon per contour.
//!
//! Marching squares (the `contour` crate) cut the one grid at each threshold, so a larger
//! contour's area contains every smaller one's and their outlines cannot cross; unreached
//! pockets become holes. Optional steps: `denoise` drops the polygons much smaller than the
//! largest of their contour, `generalize` simplifies the outlines (Douglas–Peucker) and then
//! adds each contour's area to the next larger one, so that nesting survives the
//! simplification. The result is in longitude/latitude with RFC 7946 orientation (exterior
//! rings counter-clockwise, holes clockwise), closed rings and coordinates rounded to six
//! decimals (about 0.1 m).

use contour::ContourBuilder;
use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Simplify};

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
    // The crate keeps the vertices at or above a threshold: negate the times. Vertex
    // `(i, j)` is at grid coordinate `(i + 0.5, j + 0.5)` there.
    let negated: Vec<f64> = grid.values.iter().map(|v| -v).collect();
    let neg_thresholds: Vec<f64> = thresholds_s.iter().map(|t| -t).collect();
    let builder = ContourBuilder::new(grid.nx, grid.ny, true)
        .x_origin(grid.x0 - 0.5 * grid.cell)
        .y_origin(grid.y0 - 0.5 * grid.cell)
        .x_step(grid.cell)
        .y_step(grid.cell);
    let raw = builder
        .contours(&negated, &neg_thresholds)
        .map_err(|e| IsochroneError::Internal(format!("contouring failed: {e:?}")))?;
    let mut planar: Vec<MultiPolygon<f64>> = raw
        .into_iter()
        .map(|c| denoise(c.into_inner().0, params.denoise))
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

/// A planar ring in longitude/latitude, rounded, without repeated points; `None` when too
/// few distinct points remain for a ring.
fn ring_to_lonlat(ring: &LineString<f64>, proj: &Projection) -> Option<LineString<f64>> {
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
    (out.len() >= 3).then(|| {
        let mut ls = LineString::new(out);
        ls.close();
        ls
    })
}

/// A planar multipolygon in longitude/latitude with RFC 7946 orientation.
fn to_lonlat(mp: &MultiPolygon<f64>, proj: &Projection) -> MultiPolygon<f64> {
    let polygons: Vec<Polygon<f64>> = mp
        .iter()
        .filter_map(|p| {
            let exterior = ring_to_lonlat(p.exterior(), proj)?;
            let holes = p
                .interiors()
                .iter()
                .filter_map(|h| ring_to_lonlat(h, proj))
                .collect();
            let polygon = Polygon::new(exterior, holes);
            (polygon.unsigned_area() > 0.0).then_some(polygon)
        })
        .collect();
    MultiPolygon::new(polygons).orient(Direction::Default)
}
