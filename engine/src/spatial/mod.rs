//! Spatial index over road segments: snapping points onto the road graph; H3 cells.
//!
//! [`SpatialIndex`] is an R-tree ([`rstar`], bulk-loaded with the OMT algorithm) over every
//! straight piece of every edge geometry of one [`RoadGraph`], each piece carrying its edge id
//! and its index along the edge. A two-way road is indexed once, under the smaller id of its
//! two directed edges; the other direction is given as [`Snap::twin`].
//!
//! Geometry lives in a local planar projection ([`Projection`]: equirectangular at the mean
//! latitude of the graph's nodes, in metres), so squared planar distances compare correctly
//! and distances are reported in metres. Snapping rules (which component, what radius) are in
//! [`SpatialIndex::snap`].
//!
//! Costs: building is `O(s log s)` for `s` segments; a snap is a best-first nearest-neighbour
//! search, `O(log s)` expected, never looking past the search radius. A deferred index
//! ([`SpatialIndex::deferred`]) answers by scanning the edges, `O(e)` per query, until its
//! R-tree is built (`vmeste serve` builds it in the background); both walk the pieces in the
//! same order (distance, then edge, then piece), so their answers are the same.
//! [`h3`](self) buckets points (volunteers, requests) in H3 cells and answers exact radius
//! queries.

mod avoiding;
mod error;
pub mod h3;
mod main_network;
mod ordered;
mod projection;
mod scan;
mod snap;

pub use error::{CellError, SnapError};
pub use projection::Projection;
pub use snap::{CLEAR_FACTOR, CLEAR_MIN_M, Snap, default_radius_m};

use std::sync::{Arc, OnceLock};

use rstar::primitives::{GeomWithData, Line};
use rstar::{Envelope, RTree, RTreeObject};

use crate::graph::RoadGraph;
use crate::types::{EdgeId, LonLat};

/// What is attached to each indexed straight piece of road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SegRef {
    /// The indexed directed edge (the smaller id of a two-way pair).
    pub(crate) edge: u32,
    /// Index of the piece along the edge geometry (0 starts at the edge's tail).
    pub(crate) seg: u32,
    /// Planar length of the edge geometry before this piece, in metres.
    pub(crate) before_m: f64,
}

/// One R-tree entry: a straight piece of road in planar metres, with its [`SegRef`].
pub(crate) type Entry = GeomWithData<Line<[f64; 2]>, SegRef>;

/// R-tree of the road segments of one graph; answers [`snap`](SpatialIndex::snap) and
/// [`nearest`](SpatialIndex::nearest). Immutable once built; share it behind an `Arc`.
///
/// An index made by [`SpatialIndex::deferred`] has no tree until
/// [`SpatialIndex::build_tree`] makes one (on a background thread, while a server already
/// answers): until then every query scans all pieces of road ([`scan`](self)), slower but with
/// the same answer. Both walk the pieces in one order, nearest first and ties by edge and piece
/// index, so the answer never depends on the shape of the tree.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, Segment};
/// use engine::spatial::SpatialIndex;
/// use engine::types::{Deciseconds, LonLat, Meters, OsmNodeId, OsmWayId};
///
/// let mut b = GraphBuilder::new("car");
/// let a = b.add_node(OsmNodeId(1), LonLat::new(7.420, 43.730));
/// let c = b.add_node(OsmNodeId(2), LonLat::new(7.430, 43.730));
/// b.add_segment(&Segment {
///     tail: a, head: c, forward: Some(Deciseconds(600)), backward: Some(Deciseconds(600)),
///     distance: Meters(804), way: OsmWayId(10), name: "", flags: 0, geometry: &[],
/// })?;
/// let graph = b.build()?;
/// let index = SpatialIndex::new(&graph);
/// let snap = index.snap(7.425, 43.7301, None)?;
/// assert!((snap.fraction - 0.5).abs() < 1e-9);
/// assert!((snap.distance_m - 11.1).abs() < 0.1);
/// assert_eq!(snap.component, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SpatialIndex {
    tree: OnceLock<Tree>,
    /// The indexed graph, kept by a [`SpatialIndex::deferred`] index to scan and to build from.
    graph: Option<Arc<RoadGraph>>,
    /// How far each edge reaches from its tail, for scans (empty with a tree from the start).
    reach_m: Vec<f32>,
    meta: Meta,
}

/// The R-tree and what is measured while filling it.
#[derive(Debug)]
struct Tree {
    rtree: RTree<Entry>,
    /// Planar length of each indexed edge's geometry, in metres (0 for edges not indexed).
    edge_len_m: Vec<f64>,
}

impl SpatialIndex {
    /// Indexes every road segment of `graph`, bulk-loading the R-tree.
    #[must_use]
    pub fn new(graph: &RoadGraph) -> Self {
        let meta = Meta::new(graph);
        let tree = Tree::bulk_load(graph, &meta.proj);
        Self {
            tree: OnceLock::from(tree),
            graph: None,
            reach_m: Vec::new(),
            meta,
        }
    }

    /// An index of `graph` without its tree yet: ready after one pass over the geometry
    /// (`O(n + s)`), it answers every query by scanning all edges (`O(m)` per query, the
    /// geometry of nearby edges only) until [`SpatialIndex::build_tree`] has run. The answers
    /// are the same before and after.
    #[must_use]
    pub fn deferred(graph: Arc<RoadGraph>) -> Self {
        let meta = Meta::new(&graph);
        Self {
            tree: OnceLock::new(),
            reach_m: scan::edge_reach_m(&graph, &meta.proj),
            graph: Some(graph),
            meta,
        }
    }

    /// Builds the tree of a [`SpatialIndex::deferred`] index (nothing when it has one).
    /// Queries made meanwhile scan; they use the tree once it is in place.
    pub fn build_tree(&self) {
        if let Some(graph) = &self.graph {
            self.tree
                .get_or_init(|| Tree::bulk_load(graph, &self.meta.proj));
        }
    }

    /// `true` once the tree is built (always for [`SpatialIndex::new`]).
    #[must_use]
    pub fn has_tree(&self) -> bool {
        self.tree.get().is_some()
    }

    /// The same index built by inserting segments one by one: slower, and a less balanced
    /// tree. It exists as the baseline that the bulk load is measured against.
    #[must_use]
    pub fn new_by_insertion(graph: &RoadGraph) -> Self {
        let meta = Meta::new(graph);
        let (entries, edge_len_m) = Tree::entries(graph, &meta.proj);
        let mut rtree = RTree::new();
        for e in entries {
            rtree.insert(e);
        }
        Self {
            tree: OnceLock::from(Tree { rtree, edge_len_m }),
            graph: None,
            reach_m: Vec::new(),
            meta,
        }
    }

    /// The planar projection the index works in.
    #[must_use]
    pub fn projection(&self) -> &Projection {
        &self.meta.proj
    }

    /// The edges with a straight piece of road whose bounding box meets the planar box
    /// `[min, max]` (metres in [`SpatialIndex::projection`]), sorted, without duplicates. A
    /// two-way road is named once, by the smaller id of its two directed edges.
    #[must_use]
    pub fn edges_in_box(&self, min: [f64; 2], max: [f64; 2]) -> Vec<EdgeId> {
        let envelope = rstar::AABB::from_corners(min, max);
        let mut out: Vec<EdgeId> = match (self.tree.get(), &self.graph) {
            (Some(tree), _) => tree
                .rtree
                .locate_in_envelope_intersecting(&envelope)
                .map(|entry| EdgeId(entry.data.edge))
                .collect(),
            (None, Some(graph)) => {
                let mut out = Vec::new();
                scan::for_each_entry(graph, &self.meta.proj, |entry| {
                    if entry.envelope().intersects(&envelope) {
                        out.push(EdgeId(entry.data.edge));
                    }
                });
                out
            }
            (None, None) => unreachable!("an index without a tree keeps its graph"),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Number of indexed straight pieces of road.
    #[must_use]
    pub fn num_segments(&self) -> usize {
        match (self.tree.get(), &self.graph) {
            (Some(tree), _) => tree.rtree.size(),
            (None, Some(graph)) => {
                let mut count = 0;
                scan::for_each_entry(graph, &self.meta.proj, |_| count += 1);
                count
            }
            (None, None) => unreachable!("an index without a tree keeps its graph"),
        }
    }

    /// The profile of the indexed graph.
    #[must_use]
    pub fn profile(&self) -> &str {
        &self.meta.profile
    }

    /// The default snapping radius of this graph's profile, in metres
    /// (see [`default_radius_m`]).
    #[must_use]
    pub fn default_radius_m(&self) -> f64 {
        default_radius_m(&self.meta.profile)
    }

    /// The indexed pieces of road from the nearest to planar point `p`, ties by edge then
    /// piece index (see [`ordered`](self)).
    pub(crate) fn nearest_entries(&self, p: [f64; 2]) -> ordered::Nearest<'_> {
        match (self.tree.get(), &self.graph) {
            (Some(tree), _) => ordered::Nearest::tree(&tree.rtree, p),
            (None, Some(graph)) => ordered::Nearest::scan(graph, &self.reach_m, self.meta.proj, p),
            (None, None) => unreachable!("an index without a tree keeps its graph"),
        }
    }

    /// Planar length of indexed edge `e`'s geometry, in metres.
    pub(crate) fn edge_len_m(&self, e: u32) -> f64 {
        match (self.tree.get(), &self.graph) {
            (Some(tree), _) => tree.edge_len_m[e as usize],
            (None, Some(graph)) => scan::edge_pieces(graph, &self.meta.proj, EdgeId(e), |_| ()),
            (None, None) => unreachable!("an index without a tree keeps its graph"),
        }
    }
}

impl Tree {
    fn bulk_load(graph: &RoadGraph, proj: &Projection) -> Self {
        let (entries, edge_len_m) = Self::entries(graph, proj);
        Self {
            rtree: RTree::bulk_load(entries),
            edge_len_m,
        }
    }

    /// Every indexed piece of road, and the planar length of each edge.
    fn entries(graph: &RoadGraph, proj: &Projection) -> (Vec<Entry>, Vec<f64>) {
        let mut edge_len_m = vec![0.0; graph.num_edges()];
        let mut entries = Vec::with_capacity(graph.num_edges());
        for (i, len) in edge_len_m.iter_mut().enumerate() {
            let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
            if scan::is_indexed(graph, e) {
                *len = scan::edge_pieces(graph, proj, e, |entry| entries.push(entry));
            }
        }
        (entries, edge_len_m)
    }
}

/// Everything of a [`SpatialIndex`] but its tree.
#[derive(Debug)]
struct Meta {
    proj: Projection,
    profile: String,
    /// Component of each edge (see [`Snap::component`]).
    edge_comp: Vec<u32>,
    /// Twin of each edge, or [`crate::graph::NO_EDGE`].
    edge_twin: Vec<u32>,
    comp_size: Vec<u32>,
}

impl Meta {
    fn new(graph: &RoadGraph) -> Self {
        // The projection's centre: the original nodes (copies made for turn restrictions
        // repeat positions and would move it).
        let n = graph.num_original_nodes();
        let mean_lat = if n == 0 {
            0.0
        } else {
            (0..n).map(|i| graph.node_lonlat(node(i)).lat).sum::<f64>() / n as f64
        };
        let mean_lon = if n == 0 {
            0.0
        } else {
            (0..n).map(|i| graph.node_lonlat(node(i)).lon).sum::<f64>() / n as f64
        };
        let m = graph.num_edges();
        let mut edge_comp = Vec::with_capacity(m);
        let mut edge_twin = Vec::with_capacity(m);
        for i in 0..m {
            let e = EdgeId(u32::try_from(i).expect("edge ids are u32"));
            let comp_tail = graph.component(graph.edge_tail(e));
            let comp_head = graph.component(graph.edge_head(e));
            edge_comp.push(comp_tail.max(comp_head));
            edge_twin.push(graph.edge_twin(e).map_or(crate::graph::NO_EDGE, |t| t.0));
        }
        Self {
            proj: Projection::new(LonLat::new(mean_lon, mean_lat)),
            profile: graph.profile().to_owned(),
            edge_comp,
            edge_twin,
            comp_size: (0..graph.num_components())
                .map(|c| graph.component_size(comp_id(c)))
                .collect(),
        }
    }
}

fn node(i: usize) -> crate::types::NodeId {
    crate::types::NodeId(u32::try_from(i).expect("node ids are u32"))
}

fn comp_id(c: usize) -> u32 {
    u32::try_from(c).expect("component ids are u32")
}
