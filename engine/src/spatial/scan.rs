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
    let inner = graph
        .edge_inner_points(e)
        .map(|i| LonLat::new(from_fixed(graph.geom_lon[i]), from_fixed(graph.geom_lat[i])));
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

/// For each edge, an upper bound of the planar distance from its tail to any point of its
/// geometry, in metres (0 for edges not indexed): a scan skips an edge whose tail lies
/// farther than that from the band it collects.
pub(super) fn edge_reach_m(graph: &RoadGraph, proj: &Projection) -> Vec<f32> {
    (0..graph.num_edges())
        .map(|i| {
            let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
            if !is_indexed(graph, e) {
                return 0.0;
            }
            let tail = proj.project(graph.node_lonlat(graph.edge_tail(e)));
            let mut reach_sq: f64 = 0.0;
            edge_pieces(graph, proj, e, |entry| {
                let line = entry.geom();
                reach_sq = reach_sq
                    .max(dist_sq(tail, line.from))
                    .max(dist_sq(tail, line.to));
            });
            // Rounded up, with room for the rounding of the distances compared against it.
            #[expect(clippy::cast_possible_truncation, reason = "rounded up by the margin")]
            let reach = (reach_sq.sqrt() * (1.0 + 1e-6) + 0.01) as f32;
            reach
        })
        .collect()
}

/// Calls `f` with every indexed piece of road that may lie within `limit_sq` (square
/// metres) of planar point `p`, by edge id then piece index; edges skipped by their reach
/// lower `skipped_sq` to a lower bound of their pieces' squared distances to `p`.
pub(super) fn for_each_entry_near(
    graph: &RoadGraph,
    proj: &Projection,
    reach_m: &[f32],
    (p, limit_sq): ([f64; 2], f64),
    skipped_sq: &mut f64,
    mut f: impl FnMut(Entry),
) {
    let limit = limit_sq.sqrt();
    for (i, &reach) in reach_m.iter().enumerate() {
        let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
        if reach == 0.0 {
            // Not indexed: an indexed edge reaches at least the margin.
            continue;
        }
        let tail = proj.project(graph.node_lonlat(graph.edge_tail(e)));
        let lower = dist_sq(tail, p).sqrt() - f64::from(reach);
        if lower > limit {
            *skipped_sq = skipped_sq.min(lower * lower);
            continue;
        }
        edge_pieces(graph, proj, e, &mut f);
    }
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
