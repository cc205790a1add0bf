//! Reading `.osm.pbf` files into routable ways for a profile (car, bicycle, foot).
//!
//! - [`profile`]: the profiles as data (highway speeds, access tags, barriers, oneway,
//!   surface factors, ferry speed).
//! - [`tags`]: the tag parsers (`maxspeed`, `oneway`, `duration`) and the rules that give a
//!   way its speeds per direction and tell whether a node blocks a profile; the guidance
//!   attributes of a way ([`RoadClass`], [`Junction`]).
//! - [`gazetteer`]: addresses, named streets and places ([`OsmGazetteer`]), gathered in the
//!   same two passes by [`read_network_and_gazetteer`].
//! - [`read_network`]: two passes over the file (ways, then the nodes they use), parallel
//!   over blocks with rayon, giving an [`OsmNetwork`]: plain vectors keyed by OSM ids. This
//!   module knows nothing of the graph; [`crate::graph`] splits the ways at intersections.
//!
//! Ways that refer to nodes missing from the file (clipped extracts) are cut at the gap.
//! Every malformed input is an [`ImportError`], never a panic.
//!
//! # Examples
//! ```no_run
//! use engine::osm::{CAR, read_network};
//! let net = read_network("monaco.osm.pbf".as_ref(), &CAR)?;
//! println!("{} routable ways", net.ways.len());
//! # Ok::<(), engine::osm::ImportError>(())
//! ```

mod error;
mod exclude;
pub mod gazetteer;
mod pbf;
pub mod profile;
mod reader;
pub mod restriction;
pub mod tags;

use std::ops::Range;

pub use error::ImportError;
pub use exclude::{ExcludeClass, ExcludeSet};
pub use gazetteer::{
    ElementKind, Names, OsmAddress, OsmGazetteer, OsmPlace, OsmRef, OsmStreet, PlaceKind,
    parse_population,
};
pub use profile::{BICYCLE, CAR, FOOT, PROFILES, Profile};
pub use reader::{Progress, read_network, read_network_and_gazetteer, read_network_with_progress};
pub use restriction::{OsmRestriction, RestrictionKind, Via};
pub use tags::{Junction, RoadClass};

use crate::types::{LonLat, OsmNodeId, OsmWayId, from_fixed};

/// The routable part of an extract for one profile.
///
/// Nodes are numbered densely (`0..node_ids.len()`, increasing OSM id) and are exactly the
/// nodes the ways use. Every way has at least two nodes, all present, no two consecutive
/// equal. A way cut at missing nodes appears as several [`OsmWay`]s with the same id.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmNetwork {
    /// The profile the ways were selected for.
    pub profile: &'static Profile,
    /// SHA-256 of the source file.
    pub source_sha256: [u8; 32],
    /// OSM id of each node.
    pub node_ids: Vec<OsmNodeId>,
    /// Longitude of each node, 1e-7 degree.
    pub node_lon: Vec<i32>,
    /// Latitude of each node, 1e-7 degree.
    pub node_lat: Vec<i32>,
    /// Whether the node carries a barrier (or access tag) that blocks the profile.
    pub node_blocks: Vec<bool>,
    /// Time lost passing each node (traffic signals, stop signs, gates), deciseconds.
    pub node_delay: Vec<u16>,
    /// Routable ways (or pieces of ways), in increasing id order.
    pub ways: Vec<OsmWay>,
    /// Node indices of all ways, each way a range of it.
    pub way_nodes: Vec<u32>,
    /// Turn restrictions for the profile, in relation id order (empty on foot).
    pub restrictions: Vec<OsmRestriction>,
    /// Turn restriction relations for the profile that could not be read (no `from`, no
    /// `to`, no or mixed `via`, an unknown value).
    pub broken_restrictions: u32,
}

/// One routable way (or a piece of one, between gaps), in the way's node order.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmWay {
    /// The OSM way.
    pub id: OsmWayId,
    /// Its nodes: a range of [`OsmNetwork::way_nodes`].
    pub nodes: Range<usize>,
    /// Speed along the node order (km/h), `None` when closed in that direction.
    pub forward_kmh: Option<f64>,
    /// Speed against the node order (km/h), `None` when closed in that direction.
    pub backward_kmh: Option<f64>,
    /// `route=ferry` (speeds then come from its `duration` when tagged).
    pub ferry: bool,
    /// Charges a toll ([`tags::is_toll`]).
    pub toll: bool,
    /// Unpaved surface or rough track ([`tags::is_unpaved`]).
    pub unpaved: bool,
    /// `name` (or `ref`), `""` when untagged.
    pub name: String,
    /// `ref` (route number), `""` when untagged.
    pub reference: String,
    /// `destination` (where the road leads, as signposted), `""` when untagged.
    pub destination: String,
    /// Road class from `highway` (or ferry), for guidance.
    pub class: RoadClass,
    /// Whether the way is part of a roundabout or traffic circle.
    pub junction: Junction,
}

impl OsmNetwork {
    /// Position of node `i`.
    #[must_use]
    pub fn node_pos(&self, i: u32) -> LonLat {
        let i = i as usize;
        LonLat::new(from_fixed(self.node_lon[i]), from_fixed(self.node_lat[i]))
    }

    /// Node indices of a way.
    #[must_use]
    pub fn nodes_of(&self, way: &OsmWay) -> &[u32] {
        &self.way_nodes[way.nodes.clone()]
    }

    /// Haversine length of a way in metres.
    #[must_use]
    pub fn length_m(&self, way: &OsmWay) -> f64 {
        reader::polyline_m(self, self.nodes_of(way))
    }
}
