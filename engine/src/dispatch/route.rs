//! Turning a path of graph edges between two snapped positions into a [`Leg`]: geometry cut
//! at the positions, per-segment distance and time, the roads taken and the nodes passed.
//!
//! A partial edge gets the share of the edge's distance and time that its share of the
//! edge's geometric length says (the edge's weights are spread evenly along its geometry).

use super::result::{Intersection, IntersectionRoad, Leg, LegEdge, LegSegment, Ring, RoadSpan};
use crate::graph::{FLAG_FERRY, RoadGraph};
use crate::osm::Junction;
use crate::types::{EdgeId, LonLat, OsmNodeId, haversine_m};

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

/// Bearing from `a` to `b` in whole degrees clockwise from north (0..360).
fn bearing(a: LonLat, b: LonLat) -> u16 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * lb.cos();
    let x = la.cos() * lb.sin() - la.sin() * lb.cos() * dl.cos();
    let deg = y.atan2(x).to_degrees().rem_euclid(360.0).round();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "rem_euclid(360) rounded is within 0..=360"
    )]
    let d = deg as u16;
    d % 360
}

/// The most edges walked around a traffic circle before giving up.
const MAX_RING_EDGES: usize = 64;

/// The ring of the traffic circle that `start` is on: walks its edges until it comes back.
fn ring(g: &RoadGraph, start: EdgeId) -> Ring {
    let mut pts = Vec::new();
    let mut exits = 0;
    let mut closed = false;
    let mut e = start;
    for _ in 0..MAX_RING_EDGES {
        let geometry = g.edge_geometry(e);
        pts.extend_from_slice(&geometry[1..]);
        // The junction itself, not a copy of it made for turn restrictions.
        let node = g.original_node(g.edge_head(e));
        let back = g.edge_twin(e);
        exits += g
            .out_edges(node)
            .filter(|&o| g.edge_junction(o) == Junction::None)
            .count();
        let next = g
            .out_edges(node)
            .find(|&o| g.edge_junction(o) != Junction::None && Some(o) != back);
        match next {
            Some(n) if n == start => {
                closed = true;
                break;
            }
            Some(n) => e = n,
            None => break,
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "a ring has few points")]
    let k = pts.len().max(1) as f64;
    let centre = LonLat::new(
        pts.iter().map(|p| p.lon).sum::<f64>() / k,
        pts.iter().map(|p| p.lat).sum::<f64>() / k,
    );
    let radius_m = pts.iter().map(|&p| haversine_m(centre, p)).sum::<f64>() / k;
    Ring {
        radius_m,
        exits,
        closed,
        name: g.edge_name(start).to_owned(),
    }
}

/// The intersection at the tail of `out`, arrived at by `arrived`, at leg point `point`.
fn intersection(g: &RoadGraph, arrived: EdgeId, out: EdgeId, point: usize) -> Intersection {
    let node = g.edge_tail(out);
    let road = |e: EdgeId, bearing: u16, entry: bool| IntersectionRoad {
        bearing,
        entry,
        class: g.edge_class(e),
        junction: g.edge_junction(e),
        name: g.edge_name(e).to_owned(),
    };
    // Roads one may take (out edges), then one-way roads that only arrive here.
    let at = g.node_lonlat(node);
    let mut roads: Vec<(EdgeId, IntersectionRoad)> = g
        .out_edges(node)
        .map(|e| (e, road(e, bearing(at, g.edge_leaving_point(e)), true)))
        .collect();
    for f in g.junction_in_edges(node) {
        if g.edge_twin(f).is_none() {
            roads.push((f, road(f, bearing(at, g.edge_arriving_point(f)), false)));
        }
    }
    roads.sort_by_key(|(e, r)| (r.bearing, e.0));
    let arrived_as = g.edge_twin(arrived).unwrap_or(arrived);
    let in_road = roads
        .iter()
        .position(|(e, _)| *e == arrived_as)
        .expect("the edge arrived by ends at the node");
    let out_road = roads
        .iter()
        .position(|(e, _)| *e == out)
        .expect("the edge taken starts at the node");
    // The road arrived by is not an entry, unless the leg turns back along it (a U-turn).
    if in_road != out_road {
        roads[in_road].1.entry = false;
    }
    Intersection {
        point,
        roads: roads.into_iter().map(|(_, r)| r).collect(),
        in_road,
        out_road,
    }
}

/// Builds legs piece by piece; keeps geometry, segments, spans, nodes and edges consistent.
struct LegBuilder<'g> {
    graph: &'g RoadGraph,
    leg: Leg,
    last_edge: Option<EdgeId>,
    /// Whether to describe intersections and traffic circles.
    guidance: bool,
}

impl<'g> LegBuilder<'g> {
    fn new(graph: &'g RoadGraph, start: LonLat, guidance: bool) -> Self {
        let leg = Leg {
            distance_m: 0.0,
            duration_s: 0.0,
            coordinates: vec![start],
            segments: Vec::new(),
            spans: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        Self {
            graph,
            leg,
            last_edge: None,
            guidance,
        }
    }

    /// Appends the part of `edge` between fractions `a <= b`, ending exactly at `end`.
    fn push_piece(&mut self, edge: EdgeId, a: f64, b: f64, end: Option<LonLat>) {
        let g = self.graph;
        let pts = g.edge_geometry(edge);
        let ids = g.edge_geometry_osm_ids(edge);
        let acc = cumulative(&pts);
        let total = acc.last().copied().unwrap_or(0.0);
        let dist = f64::from(g.edge_distance(edge).0);
        let dur = g.edge_duration(edge).as_secs_f64();
        let (sa, sb) = (a * total, b * total);
        let intersection = self
            .last_edge
            .filter(|_| self.guidance)
            .map(|arrived| intersection(g, arrived, edge, self.leg.coordinates.len() - 1));
        if self.leg.nodes.is_empty() {
            // The start lies between the point at or before it and the next one.
            let before = acc.partition_point(|&c| c <= sa).clamp(1, ids.len()) - 1;
            self.leg.nodes.push(ids[before]);
        }
        let mut piece: Vec<(LonLat, OsmNodeId)> = pts
            .iter()
            .zip(&acc)
            .zip(&ids)
            .filter(|&((_, &c), _)| c > sa && c < sb)
            .map(|((&p, _), &id)| (p, id))
            .collect();
        let after = acc.partition_point(|&c| c < sb).min(ids.len() - 1);
        piece.push((end.unwrap_or_else(|| point_at(&pts, &acc, sb)), ids[after]));
        let name = g.edge_name(edge);
        let first_segment = self.leg.segments.len();
        let mut prev_s = sa;
        let mut prev_p = *self
            .leg
            .coordinates
            .last()
            .expect("a leg starts with a point");
        for (k, &(p, id)) in piece.iter().enumerate() {
            let last = k + 1 == piece.len();
            let s = if last {
                sb
            } else {
                prev_s + haversine_m(prev_p, p)
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
            self.leg.coordinates.push(p);
            self.leg.nodes.push(id);
            prev_s = s;
            prev_p = p;
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
        let junction = g.edge_junction(edge);
        let entering_ring = self.guidance
            && junction != Junction::None
            && self
                .last_edge
                .is_none_or(|p| g.edge_junction(p) == Junction::None);
        self.leg.edges.push(LegEdge {
            first_segment,
            num_segments: added,
            way: g.edge_way(edge),
            name: name.to_owned(),
            reference: g.edge_ref(edge).to_owned(),
            destination: g.edge_destination(edge).to_owned(),
            class: g.edge_class(edge),
            junction,
            ferry: g.edge_flags(edge) & FLAG_FERRY != 0,
            intersection,
            ring: entering_ring.then(|| ring(g, edge)),
        });
        self.last_edge = Some(edge);
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
/// Without `guidance`, the edges' intersections and rings are left out.
///
/// Returns `None` when `edges` does not start and end on the positions' edges.
pub(crate) fn assemble_leg(
    graph: &RoadGraph,
    from: OnEdge,
    to: OnEdge,
    edges: &[EdgeId],
    guidance: bool,
) -> Option<Leg> {
    let (&first, &last) = (edges.first()?, edges.last()?);
    if first != from.edge || last != to.edge {
        return None;
    }
    let mut b = LegBuilder::new(graph, from.point, guidance);
    if edges.len() == 1 {
        if to.fraction < from.fraction {
            return None;
        }
        b.push_piece(first, from.fraction, to.fraction, Some(to.point));
        return Some(b.finish());
    }
    b.push_piece(first, from.fraction, 1.0, None);
    for &e in &edges[1..edges.len() - 1] {
        b.push_piece(e, 0.0, 1.0, None);
    }
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
        let bend_id = [OsmNodeId(15)];
        let attrs = crate::graph::SegmentAttrs {
            geometry_osm: &bend_id,
            ..Default::default()
        };
        g.add_segment_with(&seg(a, b, "Main", true, &BEND), &attrs)
            .unwrap();
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
        let leg = assemble_leg(&g, on(&g, e, 0.25), on(&g, e, 0.75), &[e], true).unwrap();
        assert!((leg.distance_m - 400.0).abs() < 1e-6, "{}", leg.distance_m);
        assert!((leg.duration_s - 50.0).abs() < 1e-6);
        assert_eq!(leg.coordinates.len(), 2);
        assert_eq!(leg.segments.len(), 1);
        assert_eq!(leg.spans.len(), 1);
        // The snapped ends lie between B and C: B before the start, C after the end.
        assert_eq!(leg.nodes, vec![OsmNodeId(2), OsmNodeId(3)]);
        assert_eq!(leg.edges.len(), 1);
        assert!(leg.edges[0].intersection.is_none());
    }

    #[test]
    fn leg_across_edges_keeps_geometry_weights_and_spans_consistent() {
        let g = graph();
        let (ab, bc, cd) = (edge(&g, 0, 1), edge(&g, 1, 2), edge(&g, 2, 3));
        let from = on(&g, ab, 0.25);
        let to = on(&g, cd, 0.5);
        let leg = assemble_leg(&g, from, to, &[ab, bc, cd], true).unwrap();
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
        // One OSM node per coordinate: A before the start, the bend, B, C, D after the end.
        let ids: Vec<i64> = leg.nodes.iter().map(|n| n.0).collect();
        assert_eq!(ids, [1, 15, 2, 3, 4]);
        assert_eq!(leg.nodes.len(), leg.coordinates.len());
        // Edges cover the segments; B and C are intersections with their roads.
        assert_eq!(leg.edges.len(), 3);
        let covered: usize = leg.edges.iter().map(|e| e.num_segments).sum();
        assert_eq!(covered, leg.segments.len());
        let at_c = leg.edges[2].intersection.as_ref().unwrap();
        assert_eq!(leg.coordinates[at_c.point], g.node_lonlat(NodeId(2)));
        // At C: back west along Main (arrived by, bearing 270) and north along Side (0).
        let bearings: Vec<u16> = at_c.roads.iter().map(|r| r.bearing).collect();
        assert_eq!(bearings, [0, 270]);
        assert_eq!((at_c.in_road, at_c.out_road), (1, 0));
        assert!(at_c.roads[0].entry && !at_c.roads[1].entry);
        let names: Vec<&str> = leg.spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Main", "Side"]);
        let covered: usize = leg.spans.iter().map(|s| s.num_segments).sum();
        assert_eq!(covered, leg.segments.len());
    }

    #[test]
    fn leg_rejects_paths_that_do_not_join_the_positions() {
        let g = graph();
        let (ab, bc) = (edge(&g, 0, 1), edge(&g, 1, 2));
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, bc, 0.5), &[bc], true).is_none());
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, ab, 0.25), &[ab], true).is_none());
        assert!(assemble_leg(&g, on(&g, ab, 0.5), on(&g, ab, 0.25), &[], true).is_none());
    }
}
