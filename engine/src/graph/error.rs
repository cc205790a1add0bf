//! Errors of graph construction.

use thiserror::Error;

/// Why a road graph could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BuildError {
    /// An edge names a node that was never added.
    #[error("edge {edge} refers to node {node}, but the graph has {nodes} nodes")]
    UnknownNode {
        /// Index of the edge in insertion order.
        edge: usize,
        /// The node it names.
        node: u32,
        /// Number of nodes added.
        nodes: usize,
    },
    /// A segment's geometry OSM ids do not match its geometry points.
    #[error("segment {index} has {points} geometry points but {ids} OSM ids")]
    GeometryIds {
        /// Index of the segment in insertion order.
        index: usize,
        /// Number of intermediate points.
        points: usize,
        /// Number of ids given.
        ids: usize,
    },
    /// The graph would exceed the `u32` id space.
    #[error("too many {what}: {count} (the limit is {limit})")]
    TooLarge {
        /// "nodes", "edges" or "geometry points".
        what: &'static str,
        /// How many there would be.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A segment has no direction open to traffic.
    #[error("segment {index} is open in neither direction")]
    NoDirection {
        /// Index of the segment in insertion order.
        index: usize,
    },
}
