//! From an [`OsmNetwork`] to a [`RoadGraph`]: split ways at intersections.
//!
//! A graph node is a way end, a node used by two or more ways (or twice by one way), or a
//! node that blocks the profile (a barrier). Every other node becomes geometry of the edge
//! that passes through it. A blocking node gets a separate graph node for each segment that
//! ends there, so the segments keep their geometry but no route passes the barrier. A closed
//! way that would give a loop segment (tail = head) is split at its middle point.
//!
//! Lengths are the haversine sum along the geometry, rounded to whole metres; durations are
//! length / speed, rounded to deciseconds, plus the delays of the nodes the edge enters:
//! each node passed or arrived at adds its [`OsmNetwork::node_delay`] (traffic signals,
//! stop signs, gates), and arriving at a junction (a node with three or more neighbours)
//! adds the profile's [`junction_delay_s`](crate::osm::Profile::junction_delay_s).
//! O(number of way nodes), plus a sort of the node pairs to count neighbours.
//!
//! The network's turn restrictions are then built into the graph by node splitting
//! ([`turns`]).

use super::turns::{self, ForbiddenWalks};
use super::{
    BuildError, FLAG_FERRY, FLAG_TOLL, FLAG_UNPAVED, GraphBuilder, RoadGraph, Segment, SegmentAttrs,
};
use crate::osm::{OsmNetwork, OsmWay};
use crate::types::{Deciseconds, LonLat, Meters, NodeId, OsmNodeId, haversine_m};

const UNSET: u32 = u32::MAX;

/// Builds the road graph of a network.
///
/// # Errors
/// [`BuildError::TooLarge`] past the `u32` id space.
///
/// # Examples
/// ```no_run
/// use engine::{graph::from_network, osm::{FOOT, read_network}};
/// let net = read_network("monaco.osm.pbf".as_ref(), &FOOT)?;
/// let graph = from_network(&net)?;
/// println!("{} nodes, {} edges", graph.num_nodes(), graph.num_edges());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_network(net: &OsmNetwork) -> Result<RoadGraph, BuildError> {
    let mut graph = from_network_ignoring_turns(net)?;
    let walks = ForbiddenWalks::resolve(&graph, &net.restrictions, net.broken_restrictions);
    if walks.walks.is_empty() {
        graph.turn_counts = walks.counts;
        return Ok(graph);
    }
    turns::apply(&graph, &walks)
}

/// The road graph of a network without its turn restrictions: the plain graph that
/// [`ForbiddenWalks::resolve`] and [`turns::apply`] start from.
///
/// # Errors
/// [`BuildError::TooLarge`] past the `u32` id space.
pub fn from_network_ignoring_turns(net: &OsmNetwork) -> Result<RoadGraph, BuildError> {
    let n = net.node_ids.len();
    let mut uses = vec![0u8; n];
    for way in &net.ways {
        let nodes = net.nodes_of(way);
        for &v in nodes {
            uses[v as usize] = uses[v as usize].saturating_add(1);
        }
        // Way ends are graph nodes whatever their count.
        for end in [nodes[0], nodes[nodes.len() - 1]] {
            uses[end as usize] = 2;
        }
    }
    let junction_ds = junction_delays(net);
    let mut split = Splitter {
        net,
        junction_ds,
        builder: GraphBuilder::new(net.profile.name),
        graph_id: vec![UNSET; n],
        geometry: Vec::new(),
        geometry_osm: Vec::new(),
    };
    for (u, &blocks) in uses.iter_mut().zip(&net.node_blocks) {
        if blocks {
            *u = 2;
        }
    }
    for way in &net.ways {
        let nodes = net.nodes_of(way);
        let mut start = 0;
        for i in 1..nodes.len() {
            if uses[nodes[i] as usize] >= 2 {
                split.segments(way, &nodes[start..=i])?;
                start = i;
            }
        }
    }
    split.builder.build()
}

/// The delay (deciseconds) of arriving at each node: its own delay, plus the profile's
/// junction delay where three or more distinct neighbours meet.
fn junction_delays(net: &OsmNetwork) -> Vec<u32> {
    let mut delay: Vec<u32> = net.node_delay.iter().map(|&d| u32::from(d)).collect();
    let junction = to_u32(net.profile.junction_delay_s * 10.0);
    if junction == 0 {
        return delay;
    }
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(2 * net.way_nodes.len());
    for way in &net.ways {
        for w in net.nodes_of(way).windows(2) {
            pairs.push((w[0], w[1]));
            pairs.push((w[1], w[0]));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        if run.len() >= 3 {
            let d = &mut delay[run[0].0 as usize];
            *d = d.saturating_add(junction);
        }
    }
    delay
}

struct Splitter<'a> {
    net: &'a OsmNetwork,
    /// Deciseconds added to an edge for arriving at (or passing) each network node.
    junction_ds: Vec<u32>,
    builder: GraphBuilder,
    /// Graph node of each network node, once it is the end of a segment.
    graph_id: Vec<u32>,
    geometry: Vec<LonLat>,
    geometry_osm: Vec<OsmNodeId>,
}

impl Splitter<'_> {
    /// Adds the segment over `nodes` (ends are graph nodes), split in two if it is a loop.
    fn segments(&mut self, way: &OsmWay, nodes: &[u32]) -> Result<(), BuildError> {
        let (first, last) = (nodes[0], nodes[nodes.len() - 1]);
        if first == last && !self.net.node_blocks[first as usize] {
            if nodes.len() < 3 {
                return Ok(()); // a way going A → A with nothing between: no road
            }
            let mid = nodes.len() / 2;
            self.segment(way, &nodes[..=mid])?;
            return self.segment(way, &nodes[mid..]);
        }
        self.segment(way, nodes)
    }

    fn segment(&mut self, way: &OsmWay, nodes: &[u32]) -> Result<(), BuildError> {
        let net = self.net;
        let tail = self.node(nodes[0]);
        let head = self.node(nodes[nodes.len() - 1]);
        self.geometry.clear();
        self.geometry
            .extend(nodes[1..nodes.len() - 1].iter().map(|&v| net.node_pos(v)));
        self.geometry_osm.clear();
        self.geometry_osm.extend(
            nodes[1..nodes.len() - 1]
                .iter()
                .map(|&v| net.node_ids[v as usize]),
        );
        let length_m: f64 = nodes
            .windows(2)
            .map(|w| haversine_m(net.node_pos(w[0]), net.node_pos(w[1])))
            .sum();
        // Passing a geometry point costs its own delay (it is no junction: those are graph
        // nodes); arriving at an end costs that end's delay with its junction delay.
        let passed: u32 = nodes[1..nodes.len() - 1]
            .iter()
            .map(|&v| u32::from(net.node_delay[v as usize]))
            .sum();
        let arrive = |v: u32| passed.saturating_add(self.junction_ds[v as usize]);
        let (to_head, to_tail) = (arrive(nodes[nodes.len() - 1]), arrive(nodes[0]));
        let duration =
            |kmh: f64, delay: u32| Deciseconds(to_u32(length_m * 36.0 / kmh).saturating_add(delay));
        let attrs = SegmentAttrs {
            class: way.class,
            junction: way.junction,
            reference: &way.reference,
            destination: &way.destination,
            geometry_osm: &self.geometry_osm,
        };
        self.builder.add_segment_with(
            &Segment {
                tail,
                head,
                forward: way.forward_kmh.map(|k| duration(k, to_head)),
                backward: way.backward_kmh.map(|k| duration(k, to_tail)),
                distance: Meters(to_u32(length_m)),
                way: way.id,
                name: &way.name,
                flags: way_flags(way),
                geometry: &self.geometry,
            },
            &attrs,
        )
    }

    /// The graph node of a network node; a fresh one at every use for blocking nodes.
    fn node(&mut self, v: u32) -> NodeId {
        let net = self.net;
        let add = |b: &mut GraphBuilder| {
            b.add_node(OsmNodeId(net.node_ids[v as usize].0), net.node_pos(v))
        };
        if net.node_blocks[v as usize] {
            return add(&mut self.builder);
        }
        match self.graph_id[v as usize] {
            UNSET => {
                let id = add(&mut self.builder);
                self.graph_id[v as usize] = id.0;
                id
            }
            id => NodeId(id),
        }
    }
}

/// Rounds a non-negative finite value to `u32`, saturating.
fn to_u32(x: f64) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "clamped to the u32 range first"
    )]
    let v = x.round().clamp(0.0, f64::from(u32::MAX)) as u32;
    v
}

/// The edge flags of a way: ferry, toll, unpaved.
fn way_flags(way: &crate::osm::OsmWay) -> u8 {
    [
        (way.ferry, FLAG_FERRY),
        (way.toll, FLAG_TOLL),
        (way.unpaved, FLAG_UNPAVED),
    ]
    .into_iter()
    .filter(|&(on, _)| on)
    .fold(0, |f, (_, bit)| f | bit)
}

#[cfg(test)]
#[expect(clippy::cast_possible_truncation, reason = "tiny test networks")]
mod tests {
    use super::*;
    use crate::osm::{CAR, OsmNetwork, OsmWay};
    use crate::types::{EdgeId, OsmWayId};

    /// Nodes on a line 0.001° apart; ways given as node-index lists, all two-way at 36 km/h.
    fn network(n: usize, ways: &[&[u32]], blocking: &[u32]) -> OsmNetwork {
        let mut net = OsmNetwork {
            profile: &CAR,
            source_sha256: [0; 32],
            node_ids: (0..n as i64).map(|i| OsmNodeId(100 + i)).collect(),
            node_lon: (0..n as i32).map(|i| 10_000 * i).collect(),
            node_lat: vec![0; n],
            node_blocks: (0..n as u32).map(|i| blocking.contains(&i)).collect(),
            node_delay: vec![0; n],
            ways: Vec::new(),
            way_nodes: Vec::new(),
            restrictions: Vec::new(),
            broken_restrictions: 0,
        };
        for (k, w) in ways.iter().enumerate() {
            let start = net.way_nodes.len();
            net.way_nodes.extend_from_slice(w);
            net.ways.push(OsmWay {
                id: OsmWayId(k as i64),
                nodes: start..net.way_nodes.len(),
                forward_kmh: Some(36.0),
                backward_kmh: Some(36.0),
                ferry: false,
                toll: false,
                unpaved: false,
                name: String::new(),
                reference: String::new(),
                destination: String::new(),
                class: crate::osm::RoadClass::Residential,
                junction: crate::osm::Junction::None,
            });
        }
        net
    }

    #[test]
    fn ways_split_at_shared_nodes_only() {
        // Way 0: 0-1-2-3-4, way 1: 2-5. Node 2 is shared: 3 segments, 6 directed edges.
        let g = from_network(&network(6, &[&[0, 1, 2, 3, 4], &[2, 5]], &[])).unwrap();
        assert_eq!(g.num_nodes(), 4);
        assert_eq!(g.num_edges(), 6);
        let e = (0..6)
            .map(EdgeId)
            .find(|&e| g.edge_geometry(e).len() == 3)
            .unwrap();
        // 2 × 0.001° of longitude at the equator: 222 m, at 36 km/h 22.2 s; arriving at
        // node 2 (neighbours 1, 3 and 5: a junction) costs the car's 0.3 s more.
        assert_eq!(g.edge_distance(e).0, 222);
        let into_junction = g.node_osm_id(g.edge_head(e)).0 == 102;
        assert_eq!(g.edge_duration(e).0, if into_junction { 225 } else { 222 });
        // Every geometry point keeps its OSM id, in the edge's direction.
        let ids: Vec<i64> = g.edge_geometry_osm_ids(e).iter().map(|i| i.0).collect();
        assert!(ids == [100, 101, 102] || ids == [102, 101, 100], "{ids:?}");
        let twin = g.edge_twin(e).unwrap();
        let mut back: Vec<i64> = g.edge_geometry_osm_ids(twin).iter().map(|i| i.0).collect();
        back.reverse();
        assert_eq!(back, ids);
        assert_eq!(g.edge_class(e), crate::osm::RoadClass::Residential);
    }

    /// The duration of the edge from OSM node `100 + a` to `100 + b`.
    fn duration(g: &RoadGraph, a: i64, b: i64) -> u32 {
        (0..g.num_edges() as u32)
            .map(EdgeId)
            .find(|&e| {
                g.node_osm_id(g.edge_tail(e)).0 == 100 + a
                    && g.node_osm_id(g.edge_head(e)).0 == 100 + b
            })
            .map(|e| g.edge_duration(e).0)
            .unwrap()
    }

    #[test]
    fn node_delays_and_junction_delays_go_to_the_edges_that_enter_the_node() {
        // Way 0: 0-1-2-3, way 1: 2-4 (node 2 a junction). A signal at 1 (a geometry point),
        // a stop sign at 3 (a way end). Each plain step is 111 m at 36 km/h: 11.1 s.
        let mut net = network(5, &[&[0, 1, 2, 3], &[2, 4]], &[]);
        net.node_delay[1] = 20;
        net.node_delay[3] = 20;
        let g = from_network(&net).unwrap();
        // 0 → 2 passes the signal and enters the junction: 22.2 + 2 + 0.3 s.
        assert_eq!(duration(&g, 0, 2), 222 + 20 + 3);
        // 2 → 0 passes the signal only.
        assert_eq!(duration(&g, 2, 0), 222 + 20);
        assert_eq!(duration(&g, 2, 3), 111 + 20);
        assert_eq!(duration(&g, 3, 2), 111 + 3);
        assert_eq!(duration(&g, 4, 2), 222 + 3);
        assert_eq!(duration(&g, 2, 4), 222);
    }

    #[test]
    fn a_blocking_barrier_cuts_the_road_but_keeps_its_geometry() {
        let g = from_network(&network(3, &[&[0, 1, 2]], &[1])).unwrap();
        // 0, 1 (end of the first piece), 1 (start of the second), 2.
        assert_eq!(g.num_nodes(), 4);
        assert_eq!(g.num_edges(), 4);
        assert_eq!(g.num_components(), 2);
        let (a, c) = (0..4)
            .map(NodeId)
            .fold((None, None), |(a, c), v| match g.node_osm_id(v).0 {
                100 => (Some(v), c),
                102 => (a, Some(v)),
                _ => (a, c),
            });
        assert_ne!(g.component(a.unwrap()), g.component(c.unwrap()));
    }

    #[test]
    fn a_closed_way_becomes_two_segments_not_a_loop() {
        // Way 0: 0-1-2-3-0 (closed), way 1: 0-4.
        let g = from_network(&network(5, &[&[0, 1, 2, 3, 0], &[0, 4]], &[])).unwrap();
        for e in (0..g.num_edges() as u32).map(EdgeId) {
            assert_ne!(g.edge_tail(e), g.edge_head(e));
        }
        assert_eq!(g.num_edges(), 6);
        assert_eq!(g.num_components(), 1);
    }
}
