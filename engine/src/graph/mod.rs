//! The road graph of one profile: immutable, flat arrays (CSR), dense `u32` ids.
//!
//! Nodes are intersections and way ends; each directed edge runs between two of them and
//! keeps the way's intermediate nodes as geometry. A two-way road is two directed edges that
//! name each other as `twin` (same geometry, reversed). Edge weights are whole metres and
//! deciseconds. Strongly connected components are labelled at build time and numbered by
//! decreasing size, so component `0` is the largest.
//!
//! Layout (structure of arrays): forward CSR `first_out` (n + 1) / `head`, reverse CSR
//! `first_in` (n + 1) / `in_edge` (ids of forward edges, grouped by head). Coordinates are
//! stored in the OSM fixed-point unit (1e-7 degree).
//!
//! For turn-by-turn guidance each edge also keeps its road class, traffic-circle flags
//! ([`FLAG_ROUNDABOUT`], [`FLAG_CIRCULAR`]), `ref` and `destination` (indices into the name
//! table), and every geometry point keeps its OSM node id, so a route can list the OSM node
//! of each of its points.

mod builder;
mod components;
mod error;
mod exclude;
pub mod file;
mod network;
pub mod turns;

pub use builder::{GraphBuilder, Segment, SegmentAttrs};
pub use error::BuildError;
pub use network::{from_network, from_network_ignoring_turns};
pub use turns::{ForbiddenWalks, RestrictionCounts};

use std::ops::Range;

use crate::osm::{Junction, RoadClass};
use crate::types::{Deciseconds, EdgeId, LonLat, Meters, NodeId, OsmNodeId, OsmWayId, from_fixed};

/// Marker for "no edge" in `u32` edge arrays.
pub const NO_EDGE: u32 = u32::MAX;

/// Edge flag: the edge is a ferry crossing.
pub const FLAG_FERRY: u8 = 1;
/// Edge flag: the edge is part of a roundabout (`junction=roundabout`).
pub const FLAG_ROUNDABOUT: u8 = 2;
/// Edge flag: the edge is part of a traffic circle without roundabout rules
/// (`junction=circular`).
pub const FLAG_CIRCULAR: u8 = 4;
/// Edge flag: the way charges a toll (`toll=yes`). Graph files written before this flag
/// existed load without it (no edge is a toll road).
pub const FLAG_TOLL: u8 = 8;
/// Edge flag: the way is unpaved (`surface=` gravel, dirt, ground, …, or `tracktype`
/// grade 2 or worse). Graph files written before this flag existed load without it.
pub const FLAG_UNPAVED: u8 = 16;

/// An immutable road graph for one profile. Build it with [`GraphBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoadGraph {
    pub(crate) profile: String,
    pub(crate) node_lon: Vec<i32>,
    pub(crate) node_lat: Vec<i32>,
    pub(crate) node_osm: Vec<i64>,
    pub(crate) first_out: Vec<u32>,
    pub(crate) tail: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) duration: Vec<u32>,
    pub(crate) distance: Vec<u32>,
    pub(crate) way: Vec<i64>,
    pub(crate) name: Vec<u32>,
    pub(crate) names: Vec<String>,
    pub(crate) flags: Vec<u8>,
    pub(crate) twin: Vec<u32>,
    pub(crate) geom_first: Vec<u32>,
    pub(crate) geom_lon: Vec<i32>,
    pub(crate) geom_lat: Vec<i32>,
    /// OSM node id of each geometry point (0 when the segment was added without ids).
    pub(crate) geom_osm: Vec<i64>,
    /// [`RoadClass`] of each edge, as its byte.
    pub(crate) class: Vec<u8>,
    /// `ref` of each edge, an index into `names`.
    pub(crate) reference: Vec<u32>,
    /// `destination` of each edge, an index into `names`.
    pub(crate) destination: Vec<u32>,
    pub(crate) first_in: Vec<u32>,
    pub(crate) in_edge: Vec<u32>,
    pub(crate) component: Vec<u32>,
    pub(crate) component_size: Vec<u32>,
    /// For each node copy (ids from the number of original nodes on), its original node.
    pub(crate) copy_node_of: Vec<u32>,
    /// For each edge copy (ids from the number of original edges on), its original edge.
    pub(crate) copy_edge_of: Vec<u32>,
    /// What the import made of the turn restrictions.
    pub(crate) turn_counts: RestrictionCounts,
    /// Copies of each original node: CSR offsets (original nodes + 1) into `node_copy`.
    pub(crate) node_copy_first: Vec<u32>,
    /// Node copies grouped by original (derived from `copy_node_of`).
    pub(crate) node_copy: Vec<u32>,
    /// Copies of each original edge: CSR offsets (original edges + 1) into `edge_copy`.
    pub(crate) edge_copy_first: Vec<u32>,
    /// Edge copies grouped by original (derived from `copy_edge_of`).
    pub(crate) edge_copy: Vec<u32>,
}

impl RoadGraph {
    /// The profile this graph was built for (`car`, `bicycle`, `foot`).
    #[must_use]
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// Number of nodes.
    #[must_use]
    pub fn num_nodes(&self) -> usize {
        self.node_lon.len()
    }

    /// Number of directed edges.
    #[must_use]
    pub fn num_edges(&self) -> usize {
        self.head.len()
    }

    /// Position of a node.
    #[must_use]
    pub fn node_lonlat(&self, n: NodeId) -> LonLat {
        LonLat::new(
            from_fixed(self.node_lon[n.index()]),
            from_fixed(self.node_lat[n.index()]),
        )
    }

    /// OSM id of a node.
    #[must_use]
    pub fn node_osm_id(&self, n: NodeId) -> OsmNodeId {
        OsmNodeId(self.node_osm[n.index()])
    }

    /// Edges leaving `n`.
    #[must_use]
    pub fn out_edges(&self, n: NodeId) -> impl ExactSizeIterator<Item = EdgeId> + use<> {
        let r = self.out_range(n);
        r.map(EdgeId)
    }

    /// Range of ids of edges leaving `n` (forward CSR).
    #[must_use]
    #[inline]
    pub fn out_range(&self, n: NodeId) -> Range<u32> {
        self.first_out[n.index()]..self.first_out[n.index() + 1]
    }

    /// Edges entering `n`.
    #[must_use]
    pub fn in_edges(&self, n: NodeId) -> impl ExactSizeIterator<Item = EdgeId> + '_ {
        let r = self.first_in[n.index()] as usize..self.first_in[n.index() + 1] as usize;
        self.in_edge[r].iter().map(|&e| EdgeId(e))
    }

    /// Tail (start node) of an edge.
    #[must_use]
    #[inline]
    pub fn edge_tail(&self, e: EdgeId) -> NodeId {
        NodeId(self.tail[e.index()])
    }

    /// Head (end node) of an edge.
    #[must_use]
    #[inline]
    pub fn edge_head(&self, e: EdgeId) -> NodeId {
        NodeId(self.head[e.index()])
    }

    /// Travel time along the whole edge.
    #[must_use]
    #[inline]
    pub fn edge_duration(&self, e: EdgeId) -> Deciseconds {
        Deciseconds(self.duration[e.index()])
    }

    /// Length of the whole edge.
    #[must_use]
    #[inline]
    pub fn edge_distance(&self, e: EdgeId) -> Meters {
        Meters(self.distance[e.index()])
    }

    /// The OSM way the edge comes from.
    #[must_use]
    pub fn edge_way(&self, e: EdgeId) -> OsmWayId {
        OsmWayId(self.way[e.index()])
    }

    /// Street name of the edge (`""` when the way has none).
    #[must_use]
    pub fn edge_name(&self, e: EdgeId) -> &str {
        &self.names[self.name[e.index()] as usize]
    }

    /// Flags of the edge ([`FLAG_FERRY`], …).
    #[must_use]
    pub fn edge_flags(&self, e: EdgeId) -> u8 {
        self.flags[e.index()]
    }

    /// Road class of the edge (for guidance).
    #[must_use]
    pub fn edge_class(&self, e: EdgeId) -> RoadClass {
        RoadClass::from_u8(self.class[e.index()]).unwrap_or_default()
    }

    /// Whether the edge is part of a roundabout or traffic circle.
    #[must_use]
    pub fn edge_junction(&self, e: EdgeId) -> Junction {
        let f = self.flags[e.index()];
        if f & FLAG_ROUNDABOUT != 0 {
            Junction::Roundabout
        } else if f & FLAG_CIRCULAR != 0 {
            Junction::Circular
        } else {
            Junction::None
        }
    }

    /// `ref` (route number) of the edge's way, `""` when untagged.
    #[must_use]
    pub fn edge_ref(&self, e: EdgeId) -> &str {
        &self.names[self.reference[e.index()] as usize]
    }

    /// `destination` of the edge's way, `""` when untagged.
    #[must_use]
    pub fn edge_destination(&self, e: EdgeId) -> &str {
        &self.names[self.destination[e.index()] as usize]
    }

    /// OSM node ids of the edge's geometry, tail to head (as many as
    /// [`edge_geometry`](Self::edge_geometry) has points). Intermediate points added without
    /// ids read as `OsmNodeId(0)`.
    #[must_use]
    pub fn edge_geometry_osm_ids(&self, e: EdgeId) -> Vec<OsmNodeId> {
        let inner = self.edge_inner_points(e);
        let mut ids = Vec::with_capacity(2 + inner.len());
        ids.push(self.node_osm_id(self.edge_tail(e)));
        ids.extend(self.geom_osm[inner].iter().map(|&i| OsmNodeId(i)));
        ids.push(self.node_osm_id(self.edge_head(e)));
        ids
    }

    /// The opposite direction of the same road segment, if it is routable.
    #[must_use]
    pub fn edge_twin(&self, e: EdgeId) -> Option<EdgeId> {
        let t = self.twin[e.index()];
        (t != NO_EDGE).then_some(EdgeId(t))
    }

    /// Full geometry of the edge, from its tail to its head (at least two points).
    #[must_use]
    pub fn edge_geometry(&self, e: EdgeId) -> Vec<LonLat> {
        let mut pts = Vec::with_capacity(2 + self.edge_inner_points(e).len());
        pts.push(self.node_lonlat(self.edge_tail(e)));
        for i in self.edge_inner_points(e) {
            pts.push(LonLat::new(
                from_fixed(self.geom_lon[i]),
                from_fixed(self.geom_lat[i]),
            ));
        }
        pts.push(self.node_lonlat(self.edge_head(e)));
        pts
    }

    /// The first point of the edge's geometry that differs from its tail (the head when none
    /// does): where the edge heads as it leaves its tail. Allocation-free.
    #[must_use]
    pub fn edge_leaving_point(&self, e: EdgeId) -> LonLat {
        let tail = self.node_lonlat(self.edge_tail(e));
        self.edge_inner_points(e)
            .map(|i| LonLat::new(from_fixed(self.geom_lon[i]), from_fixed(self.geom_lat[i])))
            .find(|&p| p != tail)
            .unwrap_or_else(|| self.node_lonlat(self.edge_head(e)))
    }

    /// The last point of the edge's geometry that differs from its head (the tail when none
    /// does): where the edge comes from as it reaches its head. Allocation-free.
    #[must_use]
    pub fn edge_arriving_point(&self, e: EdgeId) -> LonLat {
        let head = self.node_lonlat(self.edge_head(e));
        self.edge_inner_points(e)
            .rev()
            .map(|i| LonLat::new(from_fixed(self.geom_lon[i]), from_fixed(self.geom_lat[i])))
            .find(|&p| p != head)
            .unwrap_or_else(|| self.node_lonlat(self.edge_tail(e)))
    }

    /// Indices of the edge's intermediate points in the geometry arrays.
    pub(crate) fn edge_inner_points(&self, e: EdgeId) -> Range<usize> {
        self.geom_first[e.index()] as usize..self.geom_first[e.index() + 1] as usize
    }

    /// Strongly connected component of a node (0 is the largest).
    #[must_use]
    #[inline]
    pub fn component(&self, n: NodeId) -> u32 {
        self.component[n.index()]
    }

    /// Number of nodes in a component.
    #[must_use]
    pub fn component_size(&self, c: u32) -> u32 {
        self.component_size[c as usize]
    }

    /// Number of strongly connected components.
    #[must_use]
    pub fn num_components(&self) -> usize {
        self.component_size.len()
    }

    /// Raw forward CSR offsets (`num_nodes + 1` entries), for hot loops.
    #[must_use]
    pub fn first_out(&self) -> &[u32] {
        &self.first_out
    }

    /// Raw edge heads, indexed by edge id.
    #[must_use]
    pub fn heads(&self) -> &[u32] {
        &self.head
    }

    /// Raw edge tails, indexed by edge id.
    #[must_use]
    pub fn tails(&self) -> &[u32] {
        &self.tail
    }

    /// Raw edge durations in deciseconds, indexed by edge id.
    #[must_use]
    pub fn durations(&self) -> &[u32] {
        &self.duration
    }

    /// Raw edge lengths in metres, indexed by edge id.
    #[must_use]
    pub fn distances(&self) -> &[u32] {
        &self.distance
    }

    /// Raw reverse CSR offsets (`num_nodes + 1` entries).
    #[must_use]
    pub fn first_in(&self) -> &[u32] {
        &self.first_in
    }

    /// Raw reverse CSR: forward edge ids grouped by head.
    #[must_use]
    pub fn in_edge_ids(&self) -> &[u32] {
        &self.in_edge
    }

    /// Number of original nodes (the ids below it); node copies made for turn restrictions
    /// come after them ([`turns`]).
    #[must_use]
    pub fn num_original_nodes(&self) -> usize {
        self.num_nodes() - self.copy_node_of.len()
    }

    /// Number of original edges (the ids below it); edge copies made for turn restrictions
    /// come after them ([`turns`]). Snapping and maps use original edges only.
    #[must_use]
    pub fn num_original_edges(&self) -> usize {
        self.num_edges() - self.copy_edge_of.len()
    }

    /// Whether `e` is a copy of another edge, made for turn restrictions.
    #[must_use]
    #[inline]
    pub fn is_edge_copy(&self, e: EdgeId) -> bool {
        e.index() >= self.num_original_edges()
    }

    /// The original of an edge (itself for an original edge).
    #[must_use]
    #[inline]
    pub fn original_edge(&self, e: EdgeId) -> EdgeId {
        EdgeId(original_of(&self.copy_edge_of, self.num_edges(), e.0))
    }

    /// The original of a node (itself for an original node): the junction it stands for.
    #[must_use]
    #[inline]
    pub fn original_node(&self, n: NodeId) -> NodeId {
        NodeId(original_of(&self.copy_node_of, self.num_nodes(), n.0))
    }

    /// The copies of an original edge (none for a copy, or an edge far from restrictions).
    #[must_use]
    pub fn edge_copies(&self, e: EdgeId) -> impl ExactSizeIterator<Item = EdgeId> + '_ {
        copies_of(&self.edge_copy_first, &self.edge_copy, e.index())
            .iter()
            .map(|&c| EdgeId(c))
    }

    /// The copies of an original node (none for a copy, or a node without restrictions).
    #[must_use]
    pub fn node_copies(&self, n: NodeId) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        copies_of(&self.node_copy_first, &self.node_copy, n.index())
            .iter()
            .map(|&c| NodeId(c))
    }

    /// The original edges arriving at a junction (an original node): its own in-edges and
    /// those of its copies, as originals, each once, in id order.
    #[must_use]
    pub fn junction_in_edges(&self, n: NodeId) -> Vec<EdgeId> {
        let n = self.original_node(n);
        let mut edges: Vec<EdgeId> = std::iter::once(n)
            .chain(self.node_copies(n))
            .flat_map(|v| self.in_edges(v))
            .map(|e| self.original_edge(e))
            .collect();
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// What the import made of the profile's turn restriction relations.
    #[must_use]
    pub fn restriction_counts(&self) -> RestrictionCounts {
        self.turn_counts
    }

    /// Fills the copy indices from `copy_node_of` and `copy_edge_of`.
    pub(crate) fn index_copies(&mut self) {
        let (n, m) = (self.num_original_nodes(), self.num_original_edges());
        (self.node_copy_first, self.node_copy) = group_copies(n, &self.copy_node_of);
        (self.edge_copy_first, self.edge_copy) = group_copies(m, &self.copy_edge_of);
    }

    /// Bounding box of all nodes and geometry as `(min, max)`; `None` for an empty graph.
    #[must_use]
    pub fn bbox(&self) -> Option<(LonLat, LonLat)> {
        let lons = self.node_lon.iter().chain(&self.geom_lon);
        let lats = self.node_lat.iter().chain(&self.geom_lat);
        let (min_x, max_x) = lons.fold((i32::MAX, i32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        let (min_y, max_y) = lats.fold((i32::MAX, i32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        (min_x <= max_x).then(|| {
            (
                LonLat::new(from_fixed(min_x), from_fixed(min_y)),
                LonLat::new(from_fixed(max_x), from_fixed(max_y)),
            )
        })
    }
}

/// The original of item `i` among `total` items whose last `copy_of.len()` are copies.
#[inline]
fn original_of(copy_of: &[u32], total: usize, i: u32) -> u32 {
    match (i as usize).checked_sub(total - copy_of.len()) {
        Some(k) => copy_of[k],
        None => i,
    }
}

/// The copies of original `i` in a CSR (`first`, `copies`); none past its end.
fn copies_of<'a>(first: &[u32], copies: &'a [u32], i: usize) -> &'a [u32] {
    match first.get(i..i + 2) {
        Some(w) => &copies[w[0] as usize..w[1] as usize],
        None => &[],
    }
}

/// Copies grouped by original: CSR offsets over `originals` and the copy ids (copy `i` has
/// id `originals + i`).
fn group_copies(originals: usize, copy_of: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let first = builder::offsets(originals, copy_of);
    let mut next = first.clone();
    let mut copies = vec![0u32; copy_of.len()];
    for (i, &o) in copy_of.iter().enumerate() {
        copies[next[o as usize] as usize] = u32::try_from(originals + i).unwrap_or(NO_EDGE);
        next[o as usize] += 1;
    }
    (first, copies)
}
