//! The slow, obvious reference for turn restrictions: a Dijkstra on the edge-based expansion
//! of a plain graph (one without copies), where a state is the edge just driven plus the
//! forbidden walks matched so far, and a move that would complete a forbidden walk is not
//! made. It shares nothing with the node splitting of [`crate::graph::turns`] but the
//! rounding rule of `edge_point`, so tests compare the two. Too slow for queries.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::EdgePoint;
use super::edge_point::{Cost, edge_weight, pack, share, unpack};
use crate::graph::RoadGraph;
use crate::types::{EdgeId, NodeId};

/// A state: the edge driven to its head, and the (walk, edges matched) pairs active there.
type State = (u32, Vec<(u32, u32)>);

/// Packed weight of `fraction` of edge `e`.
fn part(g: &RoadGraph, e: u32, fraction: f64) -> u64 {
    pack(
        share(g.durations()[e as usize], fraction),
        share(g.distances()[e as usize], fraction),
    )
}

/// The active matches after driving `e` from `active`, or `None` when `e` completes a walk.
fn step(walks: &[Vec<EdgeId>], active: &[(u32, u32)], e: u32) -> Option<Vec<(u32, u32)>> {
    let mut next = Vec::new();
    for &(w, k) in active {
        let walk = &walks[w as usize];
        if walk[k as usize].0 == e {
            if k as usize + 1 == walk.len() {
                return None;
            }
            next.push((w, k + 1));
        }
    }
    for (w, walk) in walks.iter().enumerate() {
        if walk.first().is_some_and(|f| f.0 == e) && walk.len() > 1 {
            next.push((u32::try_from(w).unwrap_or(u32::MAX), 1));
        }
    }
    next.sort_unstable();
    Some(next)
}

/// The cost of the best route from `from` to `to` on the plain graph `g` that contains no
/// forbidden walk, `None` when there is none. Points are left and reached along their edge
/// or its twin, as every algorithm of this module does.
#[must_use]
pub fn shortest(
    g: &RoadGraph,
    walks: &[Vec<EdgeId>],
    from: EdgePoint,
    to: EdgePoint,
) -> Option<Cost> {
    let targets: Vec<(u32, f64)> = to
        .directions(g)
        .into_iter()
        .flatten()
        .map(|p| (p.edge.0, p.fraction))
        .collect();
    let mut best = u64::MAX;
    let mut dist: HashMap<State, u64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for s in from.directions(g).into_iter().flatten() {
        let e = s.edge.0;
        for &(t, ft) in &targets {
            if t == e && ft >= s.fraction {
                best = best.min(part(g, e, ft - s.fraction));
            }
        }
        if let Some(active) = step(walks, &[], e) {
            let d = part(g, e, 1.0 - s.fraction);
            let state = (e, active);
            if dist.get(&state).is_none_or(|&old| d < old) {
                dist.insert(state.clone(), d);
                heap.push(Reverse((d, state)));
            }
        }
    }
    while let Some(Reverse((d, (e, active)))) = heap.pop() {
        if d >= best {
            break;
        }
        if dist.get(&(e, active.clone())).is_some_and(|&old| old < d) {
            continue;
        }
        for x in g.out_range(NodeId(g.heads()[e as usize])) {
            let Some(next) = step(walks, &active, x) else {
                continue;
            };
            for &(t, ft) in &targets {
                if t == x {
                    best = best.min(d + part(g, x, ft));
                }
            }
            let nd = d + edge_weight(g, x);
            let state = (x, next);
            if dist.get(&state).is_none_or(|&old| nd < old) {
                dist.insert(state.clone(), nd);
                heap.push(Reverse((nd, state)));
            }
        }
    }
    (best != u64::MAX).then(|| unpack(best))
}
