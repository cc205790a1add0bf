//! Positions on edges and how a search starts and ends at them.
//!
//! An [`EdgePoint`] is the point at `fraction` (0..=1) of the way along a directed edge from
//! its tail. When the edge has a twin (the other direction of the same road), the point lies
//! on the twin too, at `1 − fraction`, and a route may leave or reach it in either
//! direction. A point made with [`EdgePoint::along`] is restricted to the direction of its
//! edge: it is left and reached along `edge` only, never along the twin (a bearing that
//! allows one direction of travel, a via point passed without turning back). Every algorithm of this module (Dijkstra, contraction hierarchies, matrices)
//! starts and ends through the functions here, so they agree to the decisecond.
//!
//! Costs on part of an edge are rounded once, by [`share`]: `round(fraction × whole)`.
//! - leaving a source at fraction `f` of edge `e` costs `share(e, 1 − f)` to `head(e)`;
//! - reaching a target at fraction `f` of edge `e` costs `share(e, f)` from `tail(e)`;
//! - when both lie on the same edge with the target ahead, the direct cost is
//!   `share(e, f_target − f_source)`.
//!
//! Weights are compared lexicographically as (duration, distance), packed into one `u64`
//! (duration in the high 32 bits): the shortest path is the fastest one and, among equally
//! fast ones, the shortest, so every algorithm reports the same distance too. The packing
//! holds while a path is shorter than 2³² m (4.3 million km).

use super::RouteError;
use crate::graph::RoadGraph;
use crate::types::{Deciseconds, EdgeId, Meters};

/// A position on the road graph: `fraction` of the way along `edge`, from its tail.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgePoint {
    /// The directed edge.
    pub edge: EdgeId,
    /// How far along the edge, from its tail (0) to its head (1).
    pub fraction: f64,
    /// `true`: the point is left and reached along `edge` only (its twin is closed to it).
    pub one_way: bool,
}

impl EdgePoint {
    /// The point at `fraction` of the way along `edge`, open to both directions of a two-way
    /// road.
    #[must_use]
    pub const fn new(edge: EdgeId, fraction: f64) -> Self {
        Self {
            edge,
            fraction,
            one_way: false,
        }
    }

    /// The point at `fraction` of the way along `edge`, travelled along `edge` only: a route
    /// leaves it towards the head of `edge` and reaches it coming from the tail.
    #[must_use]
    pub const fn along(edge: EdgeId, fraction: f64) -> Self {
        Self {
            edge,
            fraction,
            one_way: true,
        }
    }

    /// The point restricted to each direction it can be travelled in: along `edge` first,
    /// then along its twin (at `1 − fraction`) when the road is two-way and the point is not
    /// already restricted. Validate the point first.
    #[must_use]
    pub fn directions(self, graph: &RoadGraph) -> [Option<EdgePoint>; 2] {
        representations(graph, self).map(|r| r.map(|(e, f)| Self::along(EdgeId(e), f)))
    }

    /// Checks the point against a graph.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] for an edge not in the graph,
    /// [`RouteError::InvalidFraction`] for a fraction that is NaN or outside `0..=1`.
    pub fn validate(self, graph: &RoadGraph) -> Result<(), RouteError> {
        if self.edge.index() >= graph.num_edges() {
            return Err(RouteError::UnknownEdge {
                edge: self.edge.0,
                edges: graph.num_edges(),
            });
        }
        if !(0.0..=1.0).contains(&self.fraction) {
            return Err(RouteError::InvalidFraction {
                edge: self.edge.0,
                fraction: self.fraction,
            });
        }
        Ok(())
    }
}

/// Travel time and length of a route or of a matrix cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cost {
    /// Travel time.
    pub duration: Deciseconds,
    /// Length.
    pub distance: Meters,
}

/// `(duration, distance)` packed so that `u64` order is lexicographic order.
#[inline]
pub(crate) const fn pack(duration: u32, distance: u32) -> u64 {
    ((duration as u64) << 32) | distance as u64
}

/// The cost of a packed weight.
#[inline]
pub(crate) fn unpack(w: u64) -> Cost {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "both halves are 32-bit fields"
    )]
    let (d, m) = ((w >> 32) as u32, w as u32);
    Cost {
        duration: Deciseconds(d),
        distance: Meters(m),
    }
}

/// Packed weight of a whole edge.
#[inline]
pub(crate) fn edge_weight(graph: &RoadGraph, e: u32) -> u64 {
    pack(graph.durations()[e as usize], graph.distances()[e as usize])
}

/// `round(fraction × whole)`: the one rounding rule for parts of edges (`fraction` in 0..=1).
#[must_use]
#[inline]
pub fn share(whole: u32, fraction: f64) -> u32 {
    let v = (f64::from(whole) * fraction.clamp(0.0, 1.0)).round();
    #[expect(clippy::cast_possible_truncation, reason = "0 <= v <= whole, a u32")]
    let v = v as u32;
    v.min(whole)
}

/// Packed weight of `fraction` of edge `e`.
#[inline]
fn part(graph: &RoadGraph, e: u32, fraction: f64) -> u64 {
    let i = e as usize;
    pack(
        share(graph.durations()[i], fraction),
        share(graph.distances()[i], fraction),
    )
}

/// Where a search starts (a node reached from a source) or ends (a node a target is reached
/// from), the weight of the partial edge between, and that edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Seed {
    /// The node where the graph search starts or ends.
    pub(crate) node: u32,
    /// Packed weight of the partial edge between the point and `node`.
    pub(crate) weight: u64,
    /// The directed edge carrying the point, in the direction of travel.
    pub(crate) edge: u32,
    /// The point's fraction along `edge`.
    pub(crate) fraction: f64,
}

/// Seeds kept inline (no allocation); more go to the heap.
const INLINE_SEEDS: usize = 4;

/// The ways a point can be left or reached: along its edge and its twin and, for a
/// target, along the copies of those edges made for turn restrictions
/// ([`crate::graph::turns`]): a route may arrive at a junction in any of its states.
/// Up to [`INLINE_SEEDS`] are kept without allocating.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Seeds {
    inline: [Option<Seed>; INLINE_SEEDS],
    /// Seeds past the inline ones; `None` where [`Seeds::without`] dropped one.
    more: Vec<Option<Seed>>,
}

impl Seeds {
    /// Adds a seed.
    fn push(&mut self, seed: Seed) {
        match self.inline.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(seed),
            None => self.more.push(Some(seed)),
        }
    }

    /// The seeds with their indices, in a fixed order (the point's own edge first); an
    /// index stays the seed's own when [`Seeds::without`] drops others.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &Seed)> {
        self.inline
            .iter()
            .chain(&self.more)
            .zip(0u32..)
            .filter_map(|(s, i)| s.as_ref().map(|s| (i, s)))
    }

    /// A search that starts or ends at node `v` itself.
    pub(crate) fn node(v: u32) -> Self {
        let mut s = Self::default();
        s.push(Seed {
            node: v,
            weight: 0,
            edge: u32::MAX,
            fraction: 0.0,
        });
        s
    }

    /// The same seeds with their nodes renamed by `ids` (graph node → another numbering).
    pub(crate) fn relabel(mut self, ids: &[u32]) -> Self {
        for s in self.inline.iter_mut().chain(&mut self.more).flatten() {
            s.node = ids[s.node as usize];
        }
        self
    }

    /// The same seeds without those whose edge `drop` names (a blocked edge), keeping the
    /// numbering of the others.
    pub(crate) fn without(mut self, drop: impl Fn(u32) -> bool) -> Self {
        for slot in self.inline.iter_mut().chain(&mut self.more) {
            if slot.is_some_and(|s| drop(s.edge)) {
                *slot = None;
            }
        }
        self
    }

    /// The seed with index `i` (as numbered by [`Seeds::iter`]).
    pub(crate) fn get(&self, i: u32) -> Option<&Seed> {
        let i = i as usize;
        match self.inline.get(i) {
            Some(s) => s.as_ref(),
            None => self.more.get(i - INLINE_SEEDS).and_then(Option::as_ref),
        }
    }
}

/// The representations `(edge, fraction)` of a validated point: the point's own edge, and
/// its twin unless the point is restricted to one direction.
fn representations(graph: &RoadGraph, p: EdgePoint) -> [Option<(u32, f64)>; 2] {
    let twin = if p.one_way {
        None
    } else {
        graph.edge_twin(p.edge).map(|t| (t.0, 1.0 - p.fraction))
    };
    [Some((p.edge.0, p.fraction)), twin]
}

/// How a validated source point enters the graph: to the head of its edge (and its twin's).
/// A source has no past, so it leaves along original edges only.
pub(crate) fn source_seeds(graph: &RoadGraph, p: EdgePoint) -> Seeds {
    let mut seeds = Seeds::default();
    for (e, f) in representations(graph, p).into_iter().flatten() {
        seeds.push(Seed {
            node: graph.heads()[e as usize],
            weight: part(graph, e, 1.0 - f),
            edge: e,
            fraction: f,
        });
    }
    seeds
}

/// How a validated target point is reached: from the tail of its edge (and its twin's), and
/// from the tails of their copies.
pub(crate) fn target_seeds(graph: &RoadGraph, p: EdgePoint) -> Seeds {
    let mut seeds = Seeds::default();
    for (e, f) in representations(graph, p).into_iter().flatten() {
        let copies = graph.edge_copies(EdgeId(e)).map(|c| c.0);
        for e in std::iter::once(e).chain(copies) {
            seeds.push(Seed {
                node: graph.tails()[e as usize],
                weight: part(graph, e, f),
                edge: e,
                fraction: f,
            });
        }
    }
    seeds
}

/// The direct way from `from` to `to` along one edge, when the target lies ahead of the
/// source on a common edge: `(packed weight, edge, source fraction, target fraction)`.
pub(crate) fn direct(
    graph: &RoadGraph,
    from: EdgePoint,
    to: EdgePoint,
) -> Option<(u64, u32, f64, f64)> {
    let mut best: Option<(u64, u32, f64, f64)> = None;
    for (es, fs) in representations(graph, from).into_iter().flatten() {
        for (et, ft) in representations(graph, to).into_iter().flatten() {
            if es == et && ft >= fs {
                let w = part(graph, es, ft - fs);
                if best.is_none_or(|b| w < b.0) {
                    best = Some((w, es, fs, ft));
                }
            }
        }
    }
    best
}

/// Validates both ends of a query.
pub(crate) fn validate_pair(
    graph: &RoadGraph,
    from: EdgePoint,
    to: EdgePoint,
) -> Result<(), RouteError> {
    from.validate(graph)?;
    to.validate(graph)
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::routing::tests::random_graph;
    use crate::routing::{ContractionHierarchy, Dijkstra, SearchSpace};

    /// A restricted point is left and reached along its edge only, by every algorithm; the
    /// open point costs the best of its directions.
    #[test]
    fn restricted_points_travel_along_their_edge_only() {
        let mut checked = 0;
        for seed in 0..4 {
            let g = random_graph(seed, 150, 260);
            let ch = ContractionHierarchy::build(&g).unwrap();
            let dijkstra = Dijkstra::new(&g);
            let mut space = SearchSpace::new(g.num_nodes());
            let mut rng = Pcg64::seed_from_u64(seed);
            let m = u32::try_from(g.num_edges()).unwrap();
            for _ in 0..200 {
                let pick = |rng: &mut Pcg64| {
                    EdgePoint::new(EdgeId(rng.random_range(0..m)), rng.random_range(0.0..=1.0))
                };
                let (from, to) = (pick(&mut rng), pick(&mut rng));
                let open = ch.query(&g, &mut space, from, to).unwrap();
                let mut best = None;
                for a in from.directions(&g).into_iter().flatten() {
                    for b in to.directions(&g).into_iter().flatten() {
                        let got = ch.route(&g, &mut space, a, b).unwrap();
                        let want = dijkstra.query(&mut space, a, b).unwrap();
                        assert_eq!(got.as_ref().map(super::super::Path::cost), want);
                        if let Some(p) = got {
                            assert_eq!(p.edges.first(), Some(&a.edge));
                            assert_eq!(p.edges.last(), Some(&b.edge));
                            best = Some(best.map_or(p.cost(), |c: Cost| c.min(p.cost())));
                            checked += 1;
                        }
                    }
                }
                assert_eq!(open, best, "{from:?} -> {to:?}");
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn seeds_past_the_inline_ones_spill_in_order() {
        let mut seeds = Seeds::default();
        for v in 0..7 {
            seeds.push(Seed {
                node: v,
                weight: u64::from(v),
                edge: v,
                fraction: 0.5,
            });
        }
        let nodes: Vec<(u32, u32)> = seeds.iter().map(|(i, s)| (i, s.node)).collect();
        assert_eq!(nodes, (0..7).map(|v| (v, v)).collect::<Vec<_>>());
        assert_eq!(seeds.get(5).map(|s| s.node), Some(5));
        assert_eq!(seeds.get(7), None);
        let relabelled = seeds.relabel(&[10, 11, 12, 13, 14, 15, 16]);
        assert_eq!(relabelled.get(6).map(|s| s.node), Some(16));
    }

    #[test]
    fn directions_of_a_two_way_point_are_its_edge_and_its_twin() {
        let g = random_graph(9, 60, 100);
        let e = (0..g.num_edges())
            .map(|i| EdgeId(u32::try_from(i).unwrap()))
            .find(|&e| g.edge_twin(e).is_some())
            .unwrap();
        let twin = g.edge_twin(e).unwrap();
        let [a, b] = EdgePoint::new(e, 0.25).directions(&g);
        assert_eq!(a, Some(EdgePoint::along(e, 0.25)));
        assert_eq!(b, Some(EdgePoint::along(twin, 0.75)));
        assert_eq!(
            EdgePoint::along(e, 0.25).directions(&g),
            [Some(EdgePoint::along(e, 0.25)), None]
        );
        let s = source_seeds(&g, EdgePoint::along(twin, 0.75));
        assert_eq!(s.iter().count(), 1);
        assert_eq!(s.get(0).unwrap().node, g.heads()[twin.index()]);
    }
}
