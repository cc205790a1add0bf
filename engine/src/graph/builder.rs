//! Staged construction of a [`RoadGraph`]: add nodes and road segments, then `build`.
//!
//! `build` sorts edges by tail with a counting sort (O(n + m)), lays out the reverse CSR the
//! same way, and labels strongly connected components.

use std::collections::HashMap;

use super::{BuildError, FLAG_CIRCULAR, FLAG_ROUNDABOUT, NO_EDGE, RoadGraph, components};
use crate::osm::{Junction, RoadClass};
use crate::types::{Deciseconds, LonLat, Meters, NodeId, OsmNodeId, OsmWayId, to_fixed};

/// One road segment between two graph nodes, open in one or both directions.
#[derive(Clone, Debug)]
pub struct Segment<'a> {
    /// First node, in the way's direction.
    pub tail: NodeId,
    /// Last node, in the way's direction.
    pub head: NodeId,
    /// Travel time tail → head, if that direction is open.
    pub forward: Option<Deciseconds>,
    /// Travel time head → tail, if that direction is open.
    pub backward: Option<Deciseconds>,
    /// Length of the segment.
    pub distance: Meters,
    /// The OSM way it comes from.
    pub way: OsmWayId,
    /// Street name, `""` for none.
    pub name: &'a str,
    /// Edge flags (see [`FLAG_FERRY`](super::FLAG_FERRY)).
    pub flags: u8,
    /// Intermediate points, in the way's direction (tail and head excluded).
    pub geometry: &'a [LonLat],
}

/// What guidance needs of a segment beyond routing: road class, traffic circle, `ref`,
/// `destination`, and the OSM ids of its intermediate points.
#[derive(Clone, Debug, Default)]
pub struct SegmentAttrs<'a> {
    /// Road class of the way.
    pub class: RoadClass,
    /// Roundabout or traffic circle membership.
    pub junction: Junction,
    /// `ref`, `""` for none.
    pub reference: &'a str,
    /// `destination`, `""` for none.
    pub destination: &'a str,
    /// OSM ids of [`Segment::geometry`]'s points, in the same order; empty when unknown
    /// (they then read as `OsmNodeId(0)`).
    pub geometry_osm: &'a [OsmNodeId],
}

/// Collects nodes and segments; [`GraphBuilder::build`] makes the immutable graph.
#[derive(Debug)]
pub struct GraphBuilder {
    profile: String,
    node_lon: Vec<i32>,
    node_lat: Vec<i32>,
    node_osm: Vec<i64>,
    // Directed edges in insertion order.
    tail: Vec<u32>,
    head: Vec<u32>,
    duration: Vec<u32>,
    distance: Vec<u32>,
    way: Vec<i64>,
    name: Vec<u32>,
    flags: Vec<u8>,
    twin: Vec<u32>,
    // Geometry per inserted segment; a backward edge reads its segment's points reversed.
    seg_of_edge: Vec<u32>,
    reversed: Vec<bool>,
    seg_geom_first: Vec<u32>,
    geom_lon: Vec<i32>,
    geom_lat: Vec<i32>,
    geom_osm: Vec<i64>,
    class: Vec<u8>,
    reference: Vec<u32>,
    destination: Vec<u32>,
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    segments: usize,
}

impl GraphBuilder {
    /// An empty builder for the named profile.
    #[must_use]
    pub fn new(profile: &str) -> Self {
        let mut b = Self {
            profile: profile.to_owned(),
            node_lon: Vec::new(),
            node_lat: Vec::new(),
            node_osm: Vec::new(),
            tail: Vec::new(),
            head: Vec::new(),
            duration: Vec::new(),
            distance: Vec::new(),
            way: Vec::new(),
            name: Vec::new(),
            flags: Vec::new(),
            twin: Vec::new(),
            seg_of_edge: Vec::new(),
            reversed: Vec::new(),
            seg_geom_first: vec![0],
            geom_lon: Vec::new(),
            geom_lat: Vec::new(),
            geom_osm: Vec::new(),
            class: Vec::new(),
            reference: Vec::new(),
            destination: Vec::new(),
            names: Vec::new(),
            name_ids: HashMap::new(),
            segments: 0,
        };
        b.intern("");
        b
    }

    /// Adds a node and returns its id (ids are given in insertion order).
    pub fn add_node(&mut self, osm: OsmNodeId, pos: LonLat) -> NodeId {
        let id = NodeId(u32::try_from(self.node_lon.len()).unwrap_or(u32::MAX));
        self.node_lon.push(to_fixed(pos.lon));
        self.node_lat.push(to_fixed(pos.lat));
        self.node_osm.push(osm.0);
        id
    }

    /// Number of nodes added so far.
    #[must_use]
    pub fn num_nodes(&self) -> usize {
        self.node_lon.len()
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.name_ids.insert(name.to_owned(), id);
        id
    }

    /// Adds a segment: one directed edge per open direction, twins of each other.
    ///
    /// # Errors
    /// [`BuildError::NoDirection`] when neither direction is open.
    pub fn add_segment(&mut self, s: &Segment<'_>) -> Result<(), BuildError> {
        self.add_segment_with(s, &SegmentAttrs::default())
    }

    /// [`add_segment`](Self::add_segment) with the guidance attributes of the segment.
    ///
    /// # Errors
    /// [`BuildError::NoDirection`] when neither direction is open,
    /// [`BuildError::GeometryIds`] when `attrs.geometry_osm` is neither empty nor as long as
    /// `s.geometry`.
    pub fn add_segment_with(
        &mut self,
        s: &Segment<'_>,
        attrs: &SegmentAttrs<'_>,
    ) -> Result<(), BuildError> {
        if !attrs.geometry_osm.is_empty() && attrs.geometry_osm.len() != s.geometry.len() {
            return Err(BuildError::GeometryIds {
                index: self.segments,
                points: s.geometry.len(),
                ids: attrs.geometry_osm.len(),
            });
        }
        if s.forward.is_none() && s.backward.is_none() {
            return Err(BuildError::NoDirection {
                index: self.segments,
            });
        }
        let seg = u32::try_from(self.segments).map_err(|_| BuildError::TooLarge {
            what: "segments",
            count: self.segments,
            limit: u32::MAX as usize,
        })?;
        self.segments += 1;
        let name = self.intern(s.name);
        let reference = self.intern(attrs.reference);
        let destination = self.intern(attrs.destination);
        let flags = s.flags
            | match attrs.junction {
                Junction::None => 0,
                Junction::Roundabout => FLAG_ROUNDABOUT,
                Junction::Circular => FLAG_CIRCULAR,
            };
        for (i, p) in s.geometry.iter().enumerate() {
            self.geom_lon.push(to_fixed(p.lon));
            self.geom_lat.push(to_fixed(p.lat));
            self.geom_osm
                .push(attrs.geometry_osm.get(i).map_or(0, |id| id.0));
        }
        self.seg_geom_first
            .push(u32::try_from(self.geom_lon.len()).unwrap_or(u32::MAX));
        let first = u32::try_from(self.tail.len()).unwrap_or(u32::MAX);
        let dirs = [
            (s.forward, s.tail, s.head, false),
            (s.backward, s.head, s.tail, true),
        ];
        let mut added = 0;
        for (dur, from, to, rev) in dirs {
            if let Some(d) = dur {
                self.tail.push(from.0);
                self.head.push(to.0);
                self.duration.push(d.0);
                self.distance.push(s.distance.0);
                self.way.push(s.way.0);
                self.name.push(name);
                self.flags.push(flags);
                self.class.push(attrs.class as u8);
                self.reference.push(reference);
                self.destination.push(destination);
                self.twin.push(NO_EDGE);
                self.seg_of_edge.push(seg);
                self.reversed.push(rev);
                added += 1;
            }
        }
        if added == 2 {
            self.twin[first as usize] = first + 1;
            self.twin[first as usize + 1] = first;
        }
        Ok(())
    }

    /// Lays out the CSR arrays and labels components.
    ///
    /// # Errors
    /// [`BuildError::UnknownNode`] for an edge naming a node never added,
    /// [`BuildError::TooLarge`] past the `u32` id space.
    pub fn build(self) -> Result<RoadGraph, BuildError> {
        let n = self.node_lon.len();
        let m = self.tail.len();
        for (what, count) in [
            ("nodes", n),
            ("edges", m),
            ("geometry points", self.geom_lon.len()),
        ] {
            if count >= u32::MAX as usize {
                return Err(BuildError::TooLarge {
                    what,
                    count,
                    limit: u32::MAX as usize - 1,
                });
            }
        }
        for (i, (&t, &h)) in self.tail.iter().zip(&self.head).enumerate() {
            for node in [t, h] {
                if node as usize >= n {
                    return Err(BuildError::UnknownNode {
                        edge: i,
                        node,
                        nodes: n,
                    });
                }
            }
        }
        // Counting sort of edges by tail: `perm[old] = new`.
        let first_out = offsets(n, &self.tail);
        let mut next = first_out.clone();
        let mut perm = vec![0u32; m];
        for (old, &t) in self.tail.iter().enumerate() {
            perm[old] = next[t as usize];
            next[t as usize] += 1;
        }
        let mut order = vec![0u32; m];
        for (old, &new) in perm.iter().enumerate() {
            order[new as usize] = u32::try_from(old).expect("m < u32::MAX checked above");
        }
        let gather_u32 = |v: &[u32]| order.iter().map(|&o| v[o as usize]).collect::<Vec<u32>>();
        let tail = gather_u32(&self.tail);
        let head = gather_u32(&self.head);
        let duration = gather_u32(&self.duration);
        let distance = gather_u32(&self.distance);
        let name = gather_u32(&self.name);
        let way: Vec<i64> = order.iter().map(|&o| self.way[o as usize]).collect();
        let reference = gather_u32(&self.reference);
        let destination = gather_u32(&self.destination);
        let flags: Vec<u8> = order.iter().map(|&o| self.flags[o as usize]).collect();
        let class: Vec<u8> = order.iter().map(|&o| self.class[o as usize]).collect();
        let twin: Vec<u32> = order
            .iter()
            .map(|&o| match self.twin[o as usize] {
                NO_EDGE => NO_EDGE,
                t => perm[t as usize],
            })
            .collect();
        // Geometry per directed edge, in the edge's direction.
        let mut geom_first = Vec::with_capacity(m + 1);
        let mut geom_lon = Vec::new();
        let mut geom_lat = Vec::new();
        let mut geom_osm = Vec::new();
        geom_first.push(0u32);
        for &o in &order {
            let seg = self.seg_of_edge[o as usize] as usize;
            let r = self.seg_geom_first[seg] as usize..self.seg_geom_first[seg + 1] as usize;
            if self.reversed[o as usize] {
                geom_lon.extend(self.geom_lon[r.clone()].iter().rev());
                geom_lat.extend(self.geom_lat[r.clone()].iter().rev());
                geom_osm.extend(self.geom_osm[r].iter().rev());
            } else {
                geom_lon.extend_from_slice(&self.geom_lon[r.clone()]);
                geom_lat.extend_from_slice(&self.geom_lat[r.clone()]);
                geom_osm.extend_from_slice(&self.geom_osm[r]);
            }
            let len = u32::try_from(geom_lon.len()).map_err(|_| BuildError::TooLarge {
                what: "geometry points",
                count: geom_lon.len(),
                limit: u32::MAX as usize,
            })?;
            geom_first.push(len);
        }
        // Reverse CSR: forward edge ids grouped by head.
        let first_in = offsets(n, &head);
        let mut next_in = first_in.clone();
        let mut in_edge = vec![0u32; m];
        for (e, &h) in head.iter().enumerate() {
            in_edge[next_in[h as usize] as usize] = u32::try_from(e).expect("m < u32::MAX");
            next_in[h as usize] += 1;
        }
        let (component, component_size) = components::strongly_connected(n, &first_out, &head);
        Ok(RoadGraph {
            profile: self.profile,
            node_lon: self.node_lon,
            node_lat: self.node_lat,
            node_osm: self.node_osm,
            first_out,
            tail,
            head,
            duration,
            distance,
            way,
            name,
            names: self.names,
            flags,
            twin,
            geom_first,
            geom_lon,
            geom_lat,
            geom_osm,
            class,
            reference,
            destination,
            first_in,
            in_edge,
            component,
            component_size,
            copy_node_of: Vec::new(),
            copy_edge_of: Vec::new(),
            turn_counts: super::RestrictionCounts::default(),
            node_copy_first: vec![0; n + 1],
            node_copy: Vec::new(),
            edge_copy_first: vec![0; m + 1],
            edge_copy: Vec::new(),
        })
    }
}

/// CSR offsets (`n + 1` entries) for items keyed by `keys` (all `< n`).
pub(crate) fn offsets(n: usize, keys: &[u32]) -> Vec<u32> {
    let mut first = vec![0u32; n + 1];
    for &k in keys {
        first[k as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(t: u32, h: u32, fwd: Option<u32>, bwd: Option<u32>) -> Segment<'static> {
        Segment {
            tail: NodeId(t),
            head: NodeId(h),
            forward: fwd.map(Deciseconds),
            backward: bwd.map(Deciseconds),
            distance: Meters(10),
            way: OsmWayId(1),
            name: "Main",
            flags: 0,
            geometry: &[],
        }
    }

    #[test]
    fn csr_twins_and_components() {
        let mut b = GraphBuilder::new("car");
        for i in 0..4 {
            b.add_node(OsmNodeId(i), LonLat::new(i as f64 * 0.001, 0.0));
        }
        b.add_segment(&seg(0, 1, Some(5), Some(6))).unwrap();
        b.add_segment(&seg(1, 2, Some(7), None)).unwrap();
        b.add_segment(&seg(2, 0, Some(8), None)).unwrap();
        b.add_segment(&seg(3, 2, Some(1), None)).unwrap();
        let g = b.build().unwrap();
        assert_eq!(g.num_nodes(), 4);
        assert_eq!(g.num_edges(), 5);
        for e in 0..5 {
            let e = crate::types::EdgeId(e);
            assert!(g.out_edges(g.edge_tail(e)).any(|x| x == e));
            assert!(g.in_edges(g.edge_head(e)).any(|x| x == e));
            if let Some(t) = g.edge_twin(e) {
                assert_eq!(g.edge_twin(t), Some(e));
                assert_eq!(g.edge_tail(t), g.edge_head(e));
            }
        }
        assert_eq!(g.component(NodeId(0)), 0);
        assert_eq!(g.component_size(0), 3);
        assert_ne!(g.component(NodeId(3)), 0);
        assert_eq!(g.edge_name(crate::types::EdgeId(0)), "Main");
    }

    #[test]
    fn segment_without_direction_is_rejected() {
        let mut b = GraphBuilder::new("car");
        assert!(b.add_segment(&seg(0, 1, None, None)).is_err());
    }

    #[test]
    fn unknown_node_is_rejected() {
        let mut b = GraphBuilder::new("car");
        b.add_node(OsmNodeId(1), LonLat::new(0.0, 0.0));
        b.add_segment(&seg(0, 5, Some(1), None)).unwrap();
        assert!(matches!(b.build(), Err(BuildError::UnknownNode { .. })));
    }
}
