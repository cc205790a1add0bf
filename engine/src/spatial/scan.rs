//! The pieces of road an index holds, made from the graph one edge at a time: what the
//! R-tree is loaded with, and what a query scans before the tree is built
//! ([`super::SpatialIndex::deferred`]). One function makes both, so a scanned piece is
//! bit-for-bit the piece in the tree (same projection, same sums in the same order).
//!
//! Cost: `O(s)` for `s` pieces per full pass, no allocation.

use rstar::primitives::Line;

use super::projection::{Projection, dist_sq};
use super::{Entry, SegRef};
use crate::graph::RoadGraph;
use crate::types::{EdgeId, LonLat, from_fixed};

/// `true` when edge `e` has its own pieces in the index: a two-way road is indexed once,
/// under the smaller id of its two edges, and copies made for turn restrictions never.
pub(super) fn is_indexed(graph: &RoadGraph, e: EdgeId) -> bool {
    !(graph.edge_twin(e).is_some_and(|t| t < e) || graph.is_edge_copy(e))
}

/// Calls `f` with each straight piece of edge `e`'s geometry, from its tail; returns the
/// edge's planar length in metres.
pub(super) fn edge_pieces(
    graph: &RoadGraph,
    proj: &Projection,
    e: EdgeId,
    mut f: impl FnMut(Entry),
) -> f64 {
    let inner = graph.edge_inner_points(e).map(|i| {
        LonLat::new(
            from_fixed(graph.geom_lon[i]),
            from_fixed(graph.geom_lat[i]),
        )
    });
    let mut points = std::iter::once(graph.node_lonlat(graph.edge_tail(e)))
        .chain(inner)
        .chain(std::iter::once(graph.node_lonlat(graph.edge_head(e))))
        .map(|p| proj.project(p));
    let mut before_m = 0.0;
    let Some(mut from) = points.next() else {
        return before_m;
    };
    for (seg, to) in (0u32..).zip(points) {
        f(Entry::new(
            Line::new(from, to),
            SegRef {
                edge: e.0,
                seg,
                before_m,
            },
        ));
        before_m += dist_sq(from, to).sqrt();
        from = to;
    }
    before_m
}

/// Calls `f` with every indexed piece of road of `graph`, by edge id then piece index.
pub(super) fn for_each_entry(graph: &RoadGraph, proj: &Projection, mut f: impl FnMut(Entry)) {
    for i in 0..graph.num_edges() {
        let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
        if is_indexed(graph, e) {
            edge_pieces(graph, proj, e, &mut f);
        }
    }
}
