//! Turn restrictions built into the road graph by node splitting.
//!
//! A restriction becomes one or more *forbidden walks*: sequences of edges of the plain
//! graph, each starting where the previous ends (`from`, the via ways' edges, `to`), that no
//! route may contain. A `no_*` restriction forbids `from → via → to`; an `only_*`
//! restriction forbids `from → via → x` for every other edge `x` leaving the last via node.
//!
//! [`apply`] then splits nodes so that the graph itself obeys the walks, and every search
//! (Dijkstra, the contraction hierarchy, hub labels, tables, one-to-all) stays a plain
//! shortest-path search on it. The construction is the product of the graph with the
//! Aho–Corasick automaton of the forbidden walks:
//! - a *state* is a proper prefix of a forbidden walk (the root is the empty prefix); each
//!   non-root state gets its own copy of the node where the prefix ends, at the same
//!   position and with the same OSM id;
//! - from (node, state), edge `e` is dropped when the prefix followed by `e` ends with a
//!   whole forbidden walk, and otherwise leads to (head, the longest prefix that is a suffix
//!   of the prefix followed by `e`).
//!
//! The original nodes and edges keep their ids (the root state); only the heads of edges
//! that start a forbidden walk move to a copy. Copies of nodes come after the original
//! nodes, copies of edges after the original edges, so an edge is a copy exactly when its
//! id is at least [`RoadGraph::num_original_edges`]. Copies have the geometry and
//! attributes of their original and no twin. Snapping uses original edges only; a route
//! may reach a target along any copy of its edge (see `routing::edge_point`).
//!
//! A route in the split graph is a route in the plain graph without forbidden walks, and
//! back, with the same cost: the reference test checks it against a Dijkstra on the
//! edge-based expansion of the plain graph.

use std::collections::{HashMap, HashSet};

use super::{BuildError, NO_EDGE, RoadGraph, builder::offsets, components};
use crate::osm::{OsmRestriction, RestrictionKind, Via};
use crate::types::{EdgeId, NodeId};

/// The most edges a via way path may have.
const MAX_VIA_EDGES: usize = 32;
/// The most via way paths one relation may give.
const MAX_VIA_PATHS: usize = 16;
/// The most copies of one node; a walk that would need more is left out (a pathological
/// pile of restrictions at one junction), so that a point has a bounded number of ways in.
pub const MAX_STATES_PER_NODE: usize = 255;

/// How many turn restrictions an import read, applied and skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestrictionCounts {
    /// Restriction relations for the profile in the extract (applied or skipped).
    pub read: u32,
    /// Restrictions that became at least one forbidden walk.
    pub applied: u32,
    /// Restrictions skipped: unreadable members, or ways and nodes that do not meet in
    /// the graph (a way not routable for the profile, a via node not on its ways, a via
    /// way that does not connect, a clipped extract).
    pub skipped: u32,
}

/// Forbidden walks of a plain graph (one without copies), and the counts of their import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForbiddenWalks {
    /// Each walk: two or more edges, each starting at the head of the previous one.
    pub walks: Vec<Vec<EdgeId>>,
    /// What the import made of the restriction relations.
    pub counts: RestrictionCounts,
}

impl ForbiddenWalks {
    /// The forbidden walks of `restrictions` on `graph` (a graph without copies), with
    /// `broken` relations already found unreadable counted as skipped.
    #[must_use]
    pub fn resolve(graph: &RoadGraph, restrictions: &[OsmRestriction], broken: u32) -> Self {
        let wanted: HashSet<i64> = restrictions
            .iter()
            .flat_map(|r| {
                let via: &[_] = match &r.via {
                    Via::Node(_) => &[],
                    Via::Ways(w) => w,
                };
                r.from.iter().chain(via).chain(&r.to).map(|w| w.0)
            })
            .collect();
        let mut by_way: HashMap<i64, Vec<u32>> = HashMap::new();
        for (e, w) in graph
            .way
            .iter()
            .enumerate()
            .take(graph.num_original_edges())
        {
            if wanted.contains(w) {
                let e = u32::try_from(e).unwrap_or(NO_EDGE);
                by_way.entry(*w).or_default().push(e);
            }
        }
        let mut out = Self {
            walks: Vec::new(),
            counts: RestrictionCounts {
                read: broken.saturating_add(u32::try_from(restrictions.len()).unwrap_or(0)),
                applied: 0,
                skipped: broken,
            },
        };
        for r in restrictions {
            let before = out.walks.len();
            let edges_of = |ways: &[crate::types::OsmWayId]| -> Vec<u32> {
                ways.iter()
                    .flat_map(|w| by_way.get(&w.0).into_iter().flatten().copied())
                    .collect()
            };
            let from = edges_of(&r.from);
            let prefixes: Vec<Vec<u32>> = match &r.via {
                Via::Node(v) => from
                    .iter()
                    .filter(|&&f| graph.node_osm[graph.head[f as usize] as usize] == v.0)
                    .map(|&f| vec![f])
                    .collect(),
                Via::Ways(ways) => {
                    let via: Vec<Vec<u32>> = ways.iter().map(|w| edges_of(&[*w])).collect();
                    via_paths(graph, &from, &via)
                }
            };
            let to: HashSet<i64> = r.to.iter().map(|w| w.0).collect();
            for prefix in &prefixes {
                finish(graph, r.kind, prefix, &to, &mut out.walks);
            }
            if out.walks.len() > before {
                out.counts.applied += 1;
            } else {
                out.counts.skipped += 1;
            }
        }
        out
    }
}

/// The walks `from`, then along each via way in turn (edges of `via[i]`), never turning
/// back, up to [`MAX_VIA_PATHS`] of them.
fn via_paths(graph: &RoadGraph, from: &[u32], via: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let mut found = Vec::new();
    if via.iter().any(Vec::is_empty) {
        return found;
    }
    for &f in from {
        let mut path = vec![f];
        via_step(graph, via, 0, &mut path, &mut found);
    }
    if found.len() > MAX_VIA_PATHS {
        found.clear();
    }
    found
}

fn via_step(
    graph: &RoadGraph,
    via: &[Vec<u32>],
    i: usize,
    path: &mut Vec<u32>,
    found: &mut Vec<Vec<u32>>,
) {
    if path.len() > MAX_VIA_EDGES || found.len() > MAX_VIA_PATHS {
        return;
    }
    let Some(&last) = path.last() else {
        return;
    };
    let at = graph.head[last as usize];
    for e in graph.out_range(NodeId(at)) {
        if !via[i].contains(&e) || e == graph.twin[last as usize] || path.contains(&e) {
            continue;
        }
        path.push(e);
        if i + 1 == via.len() {
            found.push(path.clone());
        } else {
            via_step(graph, via, i + 1, path, found);
        }
        via_step(graph, via, i, path, found);
        path.pop();
    }
}

/// Adds the walks that end `prefix` (from, via…) with the restriction's turn.
fn finish(
    graph: &RoadGraph,
    kind: RestrictionKind,
    prefix: &[u32],
    to: &HashSet<i64>,
    walks: &mut Vec<Vec<EdgeId>>,
) {
    let Some(&last) = prefix.last() else {
        return;
    };
    let at = NodeId(graph.head[last as usize]);
    let is_to = |e: u32| {
        to.contains(&graph.way[e as usize])
            // A turn between two edges of one way is only its U-turn (`no_u_turn` with the
            // same way as `from` and `to`), never going straight on along the way.
            && (graph.way[e as usize] != graph.way[last as usize]
                || graph.twin[last as usize] == e)
    };
    if !graph.out_range(at).any(is_to) {
        return;
    }
    for e in graph.out_range(at) {
        let forbidden = match kind {
            RestrictionKind::No => is_to(e),
            RestrictionKind::Only => !to.contains(&graph.way[e as usize]),
        };
        if forbidden {
            walks.push(prefix.iter().chain([&e]).map(|&x| EdgeId(x)).collect());
        }
    }
}

/// The Aho–Corasick automaton of a set of forbidden walks over edge ids.
struct Automaton {
    /// Child of (state, edge).
    child: HashMap<(u32, u32), u32>,
    /// Failure link of each state (root: itself).
    fail: Vec<u32>,
    /// Last edge of each state's prefix (root: [`NO_EDGE`]).
    last: Vec<u32>,
    /// (state, edge) that completes a forbidden walk.
    forbidden: HashSet<(u32, u32)>,
}

const ROOT: u32 = 0;

impl Automaton {
    fn new(walks: &[Vec<EdgeId>], heads: &[u32]) -> Self {
        let mut a = Self {
            child: HashMap::new(),
            fail: vec![ROOT],
            last: vec![NO_EDGE],
            forbidden: HashSet::new(),
        };
        let mut parent = vec![ROOT];
        let mut per_node: HashMap<u32, usize> = HashMap::new();
        'walks: for walk in walks {
            let Some((end, prefix)) = walk.split_last() else {
                continue;
            };
            if prefix.is_empty() {
                continue;
            }
            let mut s = ROOT;
            for e in prefix {
                if !a.child.contains_key(&(s, e.0)) {
                    let copies = per_node.entry(heads[e.index()]).or_default();
                    if *copies >= MAX_STATES_PER_NODE {
                        continue 'walks;
                    }
                    *copies += 1;
                }
                let next = u32::try_from(a.last.len()).unwrap_or(NO_EDGE);
                s = *a.child.entry((s, e.0)).or_insert_with(|| {
                    a.last.push(e.0);
                    a.fail.push(ROOT);
                    parent.push(s);
                    next
                });
            }
            a.forbidden.insert((s, end.0));
        }
        // Failure links in breadth-first order (a state's parent is always shallower).
        let mut depth = vec![0u32; a.last.len()];
        for s in 1..a.last.len() {
            depth[s] = depth[parent[s] as usize] + 1;
        }
        let mut order: Vec<u32> = (1..u32::try_from(a.last.len()).unwrap_or(0)).collect();
        order.sort_by_key(|&s| depth[s as usize]);
        for s in order {
            let p = parent[s as usize];
            a.fail[s as usize] = if p == ROOT {
                ROOT
            } else {
                a.goto(a.fail[p as usize], a.last[s as usize])
            };
        }
        a
    }

    fn states(&self) -> usize {
        self.last.len()
    }

    /// The state after edge `e` from state `s` (the longest prefix that is a suffix).
    fn goto(&self, mut s: u32, e: u32) -> u32 {
        loop {
            if let Some(&c) = self.child.get(&(s, e)) {
                return c;
            }
            if s == ROOT {
                return ROOT;
            }
            s = self.fail[s as usize];
        }
    }

    /// Whether edge `e` from state `s` completes a forbidden walk.
    fn forbids(&self, mut s: u32, e: u32) -> bool {
        while s != ROOT {
            if self.forbidden.contains(&(s, e)) {
                return true;
            }
            s = self.fail[s as usize];
        }
        false
    }
}

/// The graph obeying `walks`: `graph` (which must have no copies, as the graph builder
/// makes it) with nodes split as the module explains, and `counts` recorded.
///
/// Walks that are not walks of `graph` (an edge out of range, an edge not starting where
/// the previous ends, fewer than two edges) are ignored.
///
/// # Errors
/// [`BuildError::TooLarge`] past the `u32` id space.
pub fn apply(graph: &RoadGraph, walks: &ForbiddenWalks) -> Result<RoadGraph, BuildError> {
    let m = graph.num_edges();
    let valid: Vec<Vec<EdgeId>> = walks
        .walks
        .iter()
        .filter(|w| {
            w.len() >= 2
                && w.iter().all(|e| e.index() < m)
                && w.windows(2)
                    .all(|p| graph.head[p[0].index()] == graph.tail[p[1].index()])
        })
        .cloned()
        .collect();
    let a = Automaton::new(&valid, &graph.head);
    let n = graph.num_nodes();
    let too_large = |what, count| BuildError::TooLarge {
        what,
        count,
        limit: u32::MAX as usize - 1,
    };
    if n + a.states() >= u32::MAX as usize {
        return Err(too_large("nodes", n + a.states()));
    }
    let node_of = |s: u32, plain_head: u32| {
        if s == ROOT {
            plain_head
        } else {
            u32::try_from(n).unwrap_or(NO_EDGE) + s - 1
        }
    };
    let mut g = graph.clone();
    g.turn_counts = walks.counts;
    for e in 0..m {
        let s = a.goto(ROOT, u32::try_from(e).unwrap_or(NO_EDGE));
        g.head[e] = node_of(s, graph.head[e]);
    }
    let mut geom_next = graph.geom_lon.len();
    for s in 1..a.states() {
        let s = u32::try_from(s).unwrap_or(NO_EDGE);
        let v = graph.head[a.last[s as usize] as usize];
        g.node_lon.push(graph.node_lon[v as usize]);
        g.node_lat.push(graph.node_lat[v as usize]);
        g.node_osm.push(graph.node_osm[v as usize]);
        g.copy_node_of.push(v);
        for e in graph.out_range(NodeId(v)) {
            if a.forbids(s, e) {
                continue;
            }
            let i = e as usize;
            g.tail.push(node_of(s, v));
            g.head.push(node_of(a.goto(s, e), graph.head[i]));
            g.duration.push(graph.duration[i]);
            g.distance.push(graph.distance[i]);
            g.way.push(graph.way[i]);
            g.name.push(graph.name[i]);
            g.flags.push(graph.flags[i]);
            g.twin.push(NO_EDGE);
            g.class.push(graph.class[i]);
            g.reference.push(graph.reference[i]);
            g.destination.push(graph.destination[i]);
            let r = graph.geom_first[i] as usize..graph.geom_first[i + 1] as usize;
            g.geom_lon.extend_from_slice(&graph.geom_lon[r.clone()]);
            g.geom_lat.extend_from_slice(&graph.geom_lat[r.clone()]);
            g.geom_osm.extend_from_slice(&graph.geom_osm[r.clone()]);
            geom_next += r.len();
            g.geom_first.push(
                u32::try_from(geom_next).map_err(|_| too_large("geometry points", geom_next))?,
            );
            g.copy_edge_of.push(e);
        }
        let edges = g.tail.len();
        g.first_out
            .push(u32::try_from(edges).map_err(|_| too_large("edges", edges))?);
    }
    if g.tail.len() >= u32::MAX as usize {
        return Err(too_large("edges", g.tail.len()));
    }
    let total = g.node_lon.len();
    g.first_in = offsets(total, &g.head);
    let mut next = g.first_in.clone();
    g.in_edge = vec![0; g.head.len()];
    for (e, &h) in g.head.iter().enumerate() {
        g.in_edge[next[h as usize] as usize] = u32::try_from(e).unwrap_or(NO_EDGE);
        next[h as usize] += 1;
    }
    (g.component, g.component_size) = components::strongly_connected(total, &g.first_out, &g.head);
    g.index_copies();
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphBuilder, Segment};
    use crate::types::{Deciseconds, LonLat, Meters, OsmNodeId, OsmWayId};

    /// A plus-shaped junction: centre 0, arms 1 (west), 2 (north), 3 (east), 4 (south),
    /// all two-way, way id = arm number; plus a ring 1-2-3-4 around it (way 9).
    fn plus() -> RoadGraph {
        let mut b = GraphBuilder::new("car");
        let pos = [(0.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (1.0, 0.0), (0.0, -1.0)];
        for (i, (x, y)) in pos.iter().enumerate() {
            b.add_node(OsmNodeId(i as i64 + 100), LonLat::new(x * 0.001, y * 0.001));
        }
        let mut seg = |t: u32, h: u32, way: i64, d: u32| {
            b.add_segment(&Segment {
                tail: NodeId(t),
                head: NodeId(h),
                forward: Some(Deciseconds(d)),
                backward: Some(Deciseconds(d)),
                distance: Meters(d),
                way: OsmWayId(way),
                name: "",
                flags: 0,
                geometry: &[],
            })
            .unwrap();
        };
        for arm in 1..=4 {
            seg(0, arm, i64::from(arm), 10);
        }
        for (t, h) in [(1, 2), (2, 3), (3, 4), (4, 1)] {
            seg(t, h, 9, 30);
        }
        b.build().unwrap()
    }

    fn edge(g: &RoadGraph, t: u32, h: u32) -> EdgeId {
        g.out_edges(NodeId(t))
            .find(|&e| g.edge_head(e) == NodeId(h))
            .unwrap()
    }

    fn restriction(kind: RestrictionKind, from: i64, via: Via, to: i64) -> OsmRestriction {
        OsmRestriction {
            id: 1,
            kind,
            from: vec![OsmWayId(from)],
            via,
            to: vec![OsmWayId(to)],
        }
    }

    #[test]
    fn via_node_no_turn_is_one_walk_and_one_copy() {
        let g = plus();
        let r = restriction(RestrictionKind::No, 1, Via::Node(OsmNodeId(100)), 2);
        let w = ForbiddenWalks::resolve(&g, &[r], 2);
        assert_eq!(w.walks, vec![vec![edge(&g, 1, 0), edge(&g, 0, 2)]]);
        assert_eq!(
            w.counts,
            RestrictionCounts {
                read: 3,
                applied: 1,
                skipped: 2
            }
        );
        let s = apply(&g, &w).unwrap();
        assert_eq!(s.num_nodes(), g.num_nodes() + 1);
        // The copy of the centre has the other three exits.
        assert_eq!(s.num_edges(), g.num_edges() + 3);
        assert_eq!(s.num_original_edges(), g.num_edges());
        let copy = s.edge_head(edge(&g, 1, 0));
        assert_eq!(s.original_node(copy), NodeId(0));
        assert_eq!(s.node_osm_id(copy), OsmNodeId(100));
        assert!(s.out_edges(copy).all(|e| s.edge_head(e) != NodeId(2)));
        assert_eq!(s.restriction_counts().applied, 1);
        for e in s.out_edges(copy) {
            let o = s.original_edge(e);
            assert!(s.edge_copies(o).any(|c| c == e));
            assert_eq!(s.edge_geometry(e), s.edge_geometry(o));
        }
        assert_eq!(s.num_components(), 1);
    }

    #[test]
    fn only_turn_forbids_every_other_exit_and_same_way_is_u_turn_only() {
        let g = plus();
        let only = restriction(RestrictionKind::Only, 1, Via::Node(OsmNodeId(100)), 3);
        let w = ForbiddenWalks::resolve(&g, &[only], 0);
        assert_eq!(w.walks.len(), 3); // back west, north, south
        let u = restriction(RestrictionKind::No, 1, Via::Node(OsmNodeId(100)), 1);
        let w = ForbiddenWalks::resolve(&g, &[u], 0);
        assert_eq!(w.walks, vec![vec![edge(&g, 1, 0), edge(&g, 0, 1)]]);
    }

    #[test]
    fn via_way_walk_and_broken_relations() {
        let g = plus();
        // From the west arm into the centre, along the east arm, then onto the ring south.
        let r = restriction(RestrictionKind::No, 1, Via::Ways(vec![OsmWayId(3)]), 9);
        let w = ForbiddenWalks::resolve(&g, &[r], 0);
        assert!(
            w.walks
                .contains(&vec![edge(&g, 1, 0), edge(&g, 0, 3), edge(&g, 3, 4)])
        );
        assert_eq!(w.counts.applied, 1);
        let s = apply(&g, &w).unwrap();
        assert!(s.num_edges() > g.num_edges());
        // A via node not on the ways, a way that does not exist, a via way that does not
        // connect: skipped, never a panic.
        let broken = [
            restriction(RestrictionKind::No, 1, Via::Node(OsmNodeId(103)), 2),
            restriction(RestrictionKind::No, 77, Via::Node(OsmNodeId(100)), 2),
            restriction(RestrictionKind::No, 2, Via::Ways(vec![OsmWayId(4)]), 9),
            restriction(
                RestrictionKind::Only,
                1,
                Via::Ways(vec![OsmWayId(1), OsmWayId(1)]),
                1,
            ),
        ];
        let w = ForbiddenWalks::resolve(&g, &broken, 0);
        assert_eq!(w.counts.applied + w.counts.skipped, 4);
        assert!(apply(&g, &w).is_ok());
        // Walks that are not walks are ignored.
        let odd = ForbiddenWalks {
            walks: vec![
                vec![EdgeId(0)],
                vec![EdgeId(0), EdgeId(99)],
                vec![edge(&g, 1, 0), edge(&g, 2, 0)],
            ],
            counts: RestrictionCounts::default(),
        };
        assert_eq!(apply(&g, &odd).unwrap().num_nodes(), g.num_nodes());
    }
}
