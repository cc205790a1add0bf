//! Hints: where a coordinate snapped, so that a later request can skip snapping (OSRM's
//! `hint` on each waypoint and `hints=` on requests).
//!
//! A hint names the snapped directed edge, the straight piece of its geometry and the exact
//! snapped position, plus a checksum of the graph it was made on ([`graph_checksum`]). A hint
//! from another graph (another extract, profile or build) has another checksum and is
//! ignored: the coordinate is snapped as usual, as OSRM does with a hint that does not match
//! its dataset. The byte form ([`Hint::to_bytes`], 32 bytes little-endian) is what the server
//! encodes in base64.

use crate::graph::RoadGraph;
use crate::types::{EdgeId, LonLat, NodeId};

/// Where a coordinate snapped, on which graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hint {
    /// The snapped directed edge.
    pub edge: EdgeId,
    /// Index of the straight piece of the edge's geometry the point is on.
    pub segment: u32,
    /// The snapped position.
    pub location: LonLat,
    /// [`graph_checksum`] of the graph the hint was made on.
    pub graph: u64,
}

impl Hint {
    /// Length of [`Hint::to_bytes`].
    pub const LEN: usize = 32;

    /// The hint as bytes: edge, segment (u32), lon, lat (f64), graph checksum (u64), little-endian.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        out[0..4].copy_from_slice(&self.edge.0.to_le_bytes());
        out[4..8].copy_from_slice(&self.segment.to_le_bytes());
        out[8..16].copy_from_slice(&self.location.lon.to_le_bytes());
        out[16..24].copy_from_slice(&self.location.lat.to_le_bytes());
        out[24..32].copy_from_slice(&self.graph.to_le_bytes());
        out
    }

    /// The hint back from [`Hint::to_bytes`]; `None` when `bytes` has the wrong length.
    ///
    /// # Examples
    /// ```
    /// use engine::dispatch::Hint;
    /// use engine::types::{EdgeId, LonLat};
    ///
    /// let h = Hint { edge: EdgeId(7), segment: 2, location: LonLat::new(7.42, 43.73), graph: 99 };
    /// assert_eq!(Hint::from_bytes(&h.to_bytes()), Some(h));
    /// assert_eq!(Hint::from_bytes(&[0; 5]), None);
    /// ```
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let b: &[u8; Self::LEN] = bytes.try_into().ok()?;
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(w)
        };
        Some(Self {
            edge: EdgeId(u32_at(0)),
            segment: u32_at(4),
            location: LonLat::new(f64::from_bits(u64_at(8)), f64::from_bits(u64_at(16))),
            graph: u64_at(24),
        })
    }
}

/// FNV-1a (64 bits) of the graph's profile, structure, weights and node positions: equal
/// graphs have equal checksums; a change to any of them changes it (with overwhelming
/// probability). `O(nodes + edges)`, a few milliseconds on a city.
#[must_use]
pub fn graph_checksum(g: &RoadGraph) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
    };
    eat(g.profile().as_bytes());
    for slice in [g.first_out(), g.heads(), g.durations(), g.distances()] {
        eat(&u64::try_from(slice.len()).unwrap_or(u64::MAX).to_le_bytes());
        for &x in slice {
            eat(&x.to_le_bytes());
        }
    }
    let num_nodes = u32::try_from(g.num_nodes()).expect("node ids are u32");
    for n in 0..num_nodes {
        let p = g.node_lonlat(NodeId(n));
        eat(&p.lon.to_le_bytes());
        eat(&p.lat.to_le_bytes());
    }
    h
}
