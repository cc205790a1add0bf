//! Which directed edges of a graph a closure's target closes.
//!
//! - OSM ways: every edge of the way, looked up in a sorted `(way, edge)` index.
//! - A line: the edges it crosses away from their ends, or runs along: an edge matches when
//!   the point halfway along its geometry lies within [`LINE_TOLERANCE_M`] of the line, or
//!   when the line crosses its geometry more than [`LINE_TOLERANCE_M`] from both of its end
//!   nodes (so a line drawn along a street does not close the side streets it passes, which
//!   touch it only at their ends).
//! - A polygon: the edges with a geometry point inside the ring, or a piece of geometry
//!   meeting its boundary.
//!
//! Both directions of a road have the same geometry, so both match (one-way roads have one
//! edge). Geometry is compared in the spatial index's planar projection (metres). The R-tree
//! ([`SpatialIndex::edges_in_box`]) gives the candidates near the target's bounding box;
//! [`matched_edges_by_scan`] is the reference that tests every edge.

use super::geometry::{crossing, dist_sq, in_ring, midpoint, point_line_dist_sq, segments_meet};
use super::model::ClosureTarget;
use crate::graph::RoadGraph;
use crate::spatial::{Projection, SpatialIndex};
use crate::types::{EdgeId, LonLat, OsmWayId};

/// How near a line drawn on the map must run to a road, in metres, to close it.
pub const LINE_TOLERANCE_M: f64 = 5.0;

/// The target in the plane.
enum Shape {
    Line(Vec<[f64; 2]>),
    Ring(Vec<[f64; 2]>),
}

impl Shape {
    fn new(target: &ClosureTarget, proj: &Projection) -> Option<Self> {
        let project = |pts: &[[f64; 2]]| -> Vec<[f64; 2]> {
            pts.iter()
                .map(|p| proj.project(LonLat::new(p[0], p[1])))
                .collect()
        };
        match target {
            ClosureTarget::Ways(_) => None,
            ClosureTarget::Line(pts) => Some(Shape::Line(project(pts))),
            ClosureTarget::Polygon(pts) => Some(Shape::Ring(project(pts))),
        }
    }

    /// The box to look for candidates in.
    fn envelope(&self) -> ([f64; 2], [f64; 2]) {
        let (pts, margin) = match self {
            Shape::Line(p) => (p, LINE_TOLERANCE_M),
            Shape::Ring(p) => (p, 0.0),
        };
        let mut lo = [f64::INFINITY; 2];
        let mut hi = [f64::NEG_INFINITY; 2];
        for p in pts {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k] - margin);
                hi[k] = hi[k].max(p[k] + margin);
            }
        }
        (lo, hi)
    }

    /// `true` when the shape closes an edge of this planar geometry (at least two points).
    fn closes(&self, edge: &[[f64; 2]]) -> bool {
        match self {
            Shape::Line(line) => {
                let tol_sq = LINE_TOLERANCE_M * LINE_TOLERANCE_M;
                if point_line_dist_sq(midpoint(edge), line) <= tol_sq {
                    return true;
                }
                let (first, last) = (edge[0], edge[edge.len() - 1]);
                edge.windows(2).any(|e| {
                    line.windows(2).any(|l| {
                        crossing(e[0], e[1], l[0], l[1]).is_some_and(|x| {
                            dist_sq(x, first) > tol_sq && dist_sq(x, last) > tol_sq
                        })
                    })
                })
            }
            Shape::Ring(ring) => {
                edge.iter().any(|&p| in_ring(p, ring))
                    || edge.windows(2).any(|e| {
                        ring.windows(2)
                            .any(|r| segments_meet(e[0], e[1], r[0], r[1]))
                    })
            }
        }
    }
}

fn planar(graph: &RoadGraph, proj: &Projection, e: EdgeId) -> Vec<[f64; 2]> {
    graph
        .edge_geometry(e)
        .into_iter()
        .map(|p| proj.project(p))
        .collect()
}

/// The edges of a graph by OSM way, to close ways by id.
#[derive(Clone, Debug, Default)]
pub struct WayIndex {
    /// `(way, edge)`, sorted.
    pairs: Vec<(i64, u32)>,
}

impl WayIndex {
    /// The index of `graph`'s edges by way. `O(m log m)`.
    #[must_use]
    pub fn new(graph: &RoadGraph) -> Self {
        let mut pairs: Vec<(i64, u32)> = (0..graph.num_edges())
            .map(|i| {
                let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
                (graph.edge_way(e).0, e.0)
            })
            .collect();
        pairs.sort_unstable();
        Self { pairs }
    }

    /// The edges of `way` (both directions), by increasing id.
    pub fn edges(&self, way: OsmWayId) -> impl Iterator<Item = EdgeId> + '_ {
        let from = self.pairs.partition_point(|&(w, _)| w < way.0);
        self.pairs[from..]
            .iter()
            .take_while(move |&&(w, _)| w == way.0)
            .map(|&(_, e)| EdgeId(e))
    }

    /// `true` when the graph has an edge of `way`.
    #[must_use]
    pub fn contains(&self, way: OsmWayId) -> bool {
        self.edges(way).next().is_some()
    }
}

/// The directed edges `target` closes in `graph` (indexed by `index`, indexed by way in
/// `ways`), sorted, without duplicates.
#[must_use]
pub fn matched_edges(
    graph: &RoadGraph,
    index: &SpatialIndex,
    ways: &WayIndex,
    target: &ClosureTarget,
) -> Vec<EdgeId> {
    let mut out = Vec::new();
    match Shape::new(target, index.projection()) {
        None => {
            if let ClosureTarget::Ways(ids) = target {
                for &w in ids {
                    out.extend(ways.edges(OsmWayId(w)));
                }
            }
        }
        Some(shape) => {
            let (lo, hi) = shape.envelope();
            for e in index.edges_in_box(lo, hi) {
                if shape.closes(&planar(graph, index.projection(), e)) {
                    out.push(e);
                    out.extend(graph.edge_twin(e));
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The reference for [`matched_edges`]: every edge of the graph tested against the target,
/// `O(m · points)`.
#[must_use]
pub fn matched_edges_by_scan(
    graph: &RoadGraph,
    proj: &Projection,
    target: &ClosureTarget,
) -> Vec<EdgeId> {
    let all = (0..graph.num_edges()).map(|i| EdgeId(u32::try_from(i).expect("edge ids are u32")));
    match Shape::new(target, proj) {
        None => {
            let ways = super::model::named_ways(target);
            all.filter(|&e| ways.contains(&graph.edge_way(e))).collect()
        }
        Some(shape) => all
            .filter(|&e| shape.closes(&planar(graph, proj, e)))
            .collect(),
    }
}
