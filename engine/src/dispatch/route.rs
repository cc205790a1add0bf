//! Turning a path of graph edges between two snapped positions into a [`Leg`]: geometry cut
//! at the positions, per-segment distance and time, the roads taken and the nodes passed.
//!
//! A partial edge gets the share of the edge's distance and time that its share of the
//! edge's geometric length says (the edge's weights are spread evenly along its geometry).

use super::result::{Leg, LegSegment, RoadSpan};
use crate::graph::RoadGraph;
use crate::types::{EdgeId, LonLat, haversine_m};

/// A position on a directed edge: `fraction` of its geometric length from its tail.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct OnEdge {
    /// The edge.
    pub(crate) edge: EdgeId,
    /// 0 at the tail, 1 at the head.
    pub(crate) fraction: f64,
    /// The position itself (the snapped point).
    pub(crate) point: LonLat,
}

/// Cumulative haversine lengths along `pts`, starting at 0.
fn cumulative(pts: &[LonLat]) -> Vec<f64> {
    let mut acc = Vec::with_capacity(pts.len());
    let mut s = 0.0;
    acc.push(0.0);
    for w in pts.windows(2) {
        s += haversine_m(w[0], w[1]);
        acc.push(s);
    }
    acc
}

/// The point at `s` metres along `pts` (with cumulative lengths `acc`).
fn point_at(pts: &[LonLat], acc: &[f64], s: f64) -> LonLat {
    let i = acc.partition_point(|&c| c <= s).clamp(1, pts.len() - 1);
    let (a, b) = (pts[i - 1], pts[i]);
    let len = acc[i] - acc[i - 1];
    let t = if len > 0.0 {
        ((s - acc[i - 1]) / len).clamp(0.0, 1.0)
    } else {
        0.0
    };
    LonLat::new(a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t)
}

/// Builds legs piece by piece; keeps geometry, segments and spans consistent.
struct LegBuilder<'g> {
    graph: &'g RoadGraph,
    leg: Leg,
}

impl<'g> LegBuilder<'g> {
    fn new(graph: &'g RoadGraph, start: LonLat) -> Self {
        let leg = Leg {
            distance_m: 0.0,
            duration_s: 0.0,
            coordinates: vec![start],
            segments: Vec::new(),
            spans: Vec::new(),
            nodes: Vec::new(),
        };
        Self { graph, leg }
    }

    /// Appends the part of `edge` between fractions `a <= b`, ending exactly at `end`.
    fn push_piece(&mut self, edge: EdgeId, a: f64, b: f64, end: Option<LonLat>) {
        let g = self.graph;
        let pts = g.edge_geometry(edge);
        let acc = cumulative(&pts);
        let total = acc.last().copied().unwrap_or(0.0);
        let dist = f64::from(g.edge_distance(edge).0);
        let dur = g.edge_duration(edge).as_secs_f64();
        let (sa, sb) = (a * total, b * total);
        let mut piece: Vec<LonLat> = pts
            .iter()
            .zip(&acc)
            .filter(|&(_, &c)| c > sa && c < sb)
            .map(|(&p, _)| p)
            .collect();
        piece.push(end.unwrap_or_else(|| point_at(&pts, &acc, sb)));
        let name = g.edge_name(edge);
        let first_segment = self.leg.segments.len();
        let mut prev_s = sa;
        let mut prev_p = *self
            .leg
            .coordinates
            .last()
            .expect("a leg starts with a point");
        for (k, p) in piece.iter().enumerate() {
            let last = k + 1 == piece.len();
            let s = if last {
                sb
            } else {
                prev_s + haversine_m(prev_p, *p)
            };
            // Share of the edge's weights: by geometric length, or by fraction when the
            // geometry has no length at all.
            let share = if total > 0.0 {
                (s - prev_s) / total
            } else {
                b - a
            };
            let share = share.max(0.0);
            self.leg.segments.push(LegSegment {
                distance_m: dist * share,
                duration_s: dur * share,
            });
            self.leg.coordinates.push(*p);
            prev_s = s;
            prev_p = *p;
        }
        let added = self.leg.segments.len() - first_segment;
        match self.leg.spans.last_mut() {
            Some(span) if span.name == name => span.num_segments += added,
            _ => self.leg.spans.push(RoadSpan {
                name: name.to_owned(),
                first_segment,
                num_segments: added,
            }),
        }
    }

    fn finish(mut self) -> Leg {
        self.leg.distance_m = self.leg.segments.iter().map(|s| s.distance_m).sum();
        self.leg.duration_s = self.leg.segments.iter().map(|s| s.duration_s).sum();
        self.leg
    }
}

/// The leg from `from` to `to` along `edges` (the first is `from.edge`, the last `to.edge`;
/// one edge when both positions are on it with `from.fraction <= to.fraction`).
///
/// Returns `None` when `edges` does not start and end on the positions' edges.
pub(crate) fn assemble_leg(
    graph: &RoadGraph,
    from: OnEdge,
    to: OnEdge,
    edges: &[EdgeId],
) -> Option<Leg> {
    let (&first, &last) = (edges.first()?, edges.last()?);
    if first != from.edge || last != to.edge {
        return None;
    }
    let mut b = LegBuilder::new(graph, from.point);
    if edges.len() == 1 {
        if to.fraction < from.fraction {
            return None;
        }
        b.push_piece(first, from.fraction, to.fraction, Some(to.point));
        return Some(b.finish());
    }
    b.push_piece(first, from.fraction, 1.0, None);
    for &e in &edges[1..edges.len() - 1] {
        b.leg.nodes.push(graph.node_osm_id(graph.edge_tail(e)));
        b.push_piece(e, 0.0, 1.0, None);
    }
    b.leg.nodes.push(graph.node_osm_id(graph.edge_tail(last)));
    b.push_piece(last, 0.0, to.fraction, Some(to.point));
    Some(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphBuilder, Segment};
    use crate::types::{Deciseconds, Meters, NodeId, OsmNodeId, OsmWayId};

    /// A straight east-west street A–B–C (two-way) with a bend point in A–B, plus a named
    /// one-way side street C→D.
    fn graph() -> RoadGraph {
        let mut g = GraphBuilder::new("car");
        let a = g.add_node(OsmNodeId(1), LonLat::new(7.40, 43.73));
        let b = g.add_node(OsmNodeId(2), LonLat::new(7.41, 43.73));
        let c = g.add_node(OsmNodeId(3), LonLat::new(7.42, 43.73));
        let d = g.add_node(OsmNodeId(4), LonLat::new(7.42, 43.74));
        let seg = |tail: NodeId,
                   head: NodeId,
                   name: &'static str,
                   two_way: bool,
                   geometry: &'static [LonLat]| Segment {
            tail,
            head,
            forward: Some(Deciseconds(1000)),
            backward: two_way.then_some(Deciseconds(1000)),
            distance: Meters(800),
            way: OsmWayId(10),
            name,
            flags: 0,
            geometry,
        };
        static BEND: [LonLat; 1] = [LonLat {
            lon: 7.405,
            lat: 43.73,
        }];
        g.add_segment(&seg(a, b, "Main", true, &BEND)).unwrap();
        g.add_segment(&seg(b, c, "Main", true, &[])).unwrap();
        g.add_segment(&seg(c, d, "Side", false, &[])).unwrap();
        g.build().unwrap()
    }

    fn edge(g: &RoadGraph, tail: u32, head: u32) -> EdgeId {
        g.out_edges(NodeId(tail))
            .find(|&e| g.edge_head(e) == NodeId(head))
            .unwrap()
    }

    fn on(g: &RoadGraph, e: EdgeId, fraction: f64) -> OnEdge {
        let pts = g.edge_geometry(e);
        let acc = cumulative(&pts);
        let point = point_at(&pts, &acc, fraction * acc.last().unwrap());
        OnEdge {
            edge: e,
            fraction,
            point,
        }
    }

    #[test]
    fn leg_within_one_edge_takes_the_share_of_its_weights() {
        let g = graph();
        let e = edge(&g, 1, 2);
        let leg = assemble_leg(&g, on(&g, e, 0.25), on(&g, e, 0.75), &[e]).unwrap();
        assert!((leg.distance_m - 400.0).abs() < 1e-6, "{}", leg.distance_m);
        assert!((leg.duration_s - 50.0).abs() < 1e-6);
        assert_eq!(leg.coordinates.len(), 2);
        assert_eq!(leg.segments.len(), 1);
        assert_eq!(leg.spans.len(), 1);
        assert!(leg.nodes.is_empty());
    }

    #[test]
    fn leg_across_edges_keeps_geometry_weights_and_spans_consistent() {
        let g = graph();
        let (ab, bc, cd) = (edge(&g, 0, 1), edge(&g, 1, 2), edge(&g, 2, 3));
        let from = on(&g, ab, 0.25);
        let to = on(&g, cd, 0.5);
        let leg = assemble_leg(&g, from, to, &[ab, bc, cd]).unwrap();
        // 0.75 of A–B, all of B–C, half of C–D.
        assert!(
            (leg.distance_m - (600.0 + 800.0 + 400.0)).abs() < 1e-6,
            "{}",
            leg.distance_m
        );
        assert!((leg.duration_s - 225.0).abs() < 1e-6);
        assert_eq!(leg.coordinates.first(), Some(&from.point));
        assert_eq!(leg.coordinates.last(), Some(&to.point));
        assert_eq!(leg.segments.len() + 1, leg.coordinates.len());
        // The bend point (at 0.5 of A–B) is kept, B and C are passed.
        assert!(leg.coordinates.iter().any(|p| (p.lon - 7.405).abs() < 1e-9));
        assert_eq!(leg.nodes, vec![OsmNodeId(2), OsmNodeId(3)]);
        let names: Vec<&str> = leg.spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Main", "Side"]);
        let covered: usize = leg.spans.iter().map(|s| s.num_segments).sum();
        assert_eq!(covered, leg.segments.len());
    }

    #[test]
    fn leg_rejects_paths_that_do_not_join_the_positions() {
        let g = graph();
        let (ab, bc) = (edge(&g, 0, 1), edge(&g, 1, 2));
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, bc, 0.5), &[bc]).is_none());
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, ab, 0.25), &[ab]).is_none());
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, ab, 0.25), &[]).is_none());
    }
}
