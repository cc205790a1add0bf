//! A route as the caller sees it: cost, original edges and geometry.

use super::edge_point::{Cost, unpack};
use crate::graph::RoadGraph;
use crate::types::{Deciseconds, EdgeId, LonLat, Meters, haversine_m};

/// A route between two [`EdgePoint`](super::EdgePoint)s.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Travel time, partial first and last edges included.
    pub duration: Deciseconds,
    /// Length in metres, partial first and last edges included.
    pub distance: Meters,
    /// The original edges driven, in order; the first carries the source and the last the
    /// target (one edge when both lie on it).
    pub edges: Vec<EdgeId>,
    /// The line driven, as `LonLat` points ready for a GeoJSON `LineString`: it starts at the
    /// source point and ends at the target point; consecutive duplicates are removed.
    pub geometry: Vec<LonLat>,
}

impl Path {
    /// The cost of the route.
    #[must_use]
    pub fn cost(&self) -> Cost {
        Cost {
            duration: self.duration,
            distance: self.distance,
        }
    }

    /// Length of the geometry in metres (haversine), to compare with `distance`.
    #[must_use]
    pub fn geometry_length_m(&self) -> f64 {
        self.geometry
            .windows(2)
            .map(|w| haversine_m(w[0], w[1]))
            .sum()
    }
}

/// Builds a path from its packed weight and original edges; the source lies at `from_fraction`
/// of the first edge and the target at `to_fraction` of the last.
pub(crate) fn build_path(
    graph: &RoadGraph,
    weight: u64,
    edges: &[u32],
    from_fraction: f64,
    to_fraction: f64,
) -> Path {
    let cost = unpack(weight);
    let mut geometry = Vec::new();
    let last = edges.len().saturating_sub(1);
    for (i, &e) in edges.iter().enumerate() {
        let a = if i == 0 { from_fraction } else { 0.0 };
        let b = if i == last { to_fraction } else { 1.0 };
        let pts = graph.edge_geometry(EdgeId(e));
        if a <= 0.0 && b >= 1.0 {
            for p in pts {
                push_point(&mut geometry, p);
            }
        } else {
            push_slice(&pts, a, b, &mut geometry);
        }
    }
    Path {
        duration: cost.duration,
        distance: cost.distance,
        // Copies made for turn restrictions read as their originals: the caller sees roads.
        edges: edges
            .iter()
            .map(|&e| graph.original_edge(EdgeId(e)))
            .collect(),
        geometry,
    }
}

fn push_point(out: &mut Vec<LonLat>, p: LonLat) {
    if out.last() != Some(&p) {
        out.push(p);
    }
}

/// Appends the part of polyline `pts` between fractions `a <= b` of its length.
fn push_slice(pts: &[LonLat], a: f64, b: f64, out: &mut Vec<LonLat>) {
    let lens: Vec<f64> = pts.windows(2).map(|w| haversine_m(w[0], w[1])).collect();
    let total: f64 = lens.iter().sum();
    let (ta, tb) = (a * total, b * total);
    let at = |t: f64| -> LonLat {
        let mut acc = 0.0;
        for (i, &l) in lens.iter().enumerate() {
            if t <= acc + l || i + 1 == lens.len() {
                let r = if l > 0.0 {
                    ((t - acc) / l).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (p, q) = (pts[i], pts[i + 1]);
                return LonLat::new(p.lon + (q.lon - p.lon) * r, p.lat + (q.lat - p.lat) * r);
            }
            acc += l;
        }
        pts[0]
    };
    push_point(out, at(ta));
    let mut acc = 0.0;
    for (i, &l) in lens.iter().enumerate() {
        acc += l;
        if acc > ta && acc < tb && i + 1 < lens.len() {
            push_point(out, pts[i + 1]);
        }
    }
    push_point(out, at(tb));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_of_a_polyline_interpolates_ends_and_keeps_inner_points() {
        let pts = [
            LonLat::new(0.0, 0.0),
            LonLat::new(0.0, 0.001),
            LonLat::new(0.0, 0.003),
        ];
        let mut out = Vec::new();
        push_slice(&pts, 0.25, 0.75, &mut out);
        assert_eq!(out.len(), 3);
        assert!((out[0].lat - 0.00075).abs() < 1e-9);
        assert_eq!(out[1], pts[1]);
        assert!((out[2].lat - 0.00225).abs() < 1e-9);
        let mut whole = Vec::new();
        push_slice(&pts, 0.0, 1.0, &mut whole);
        assert_eq!(whole, pts.to_vec());
    }
}
