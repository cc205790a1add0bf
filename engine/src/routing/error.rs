//! Errors of the routing layer.

use thiserror::Error;

/// Why a routing query, a matrix or a contraction hierarchy failed.
///
/// "No route" is not an error: queries return `Ok(None)` and matrices hold `None` cells.
#[derive(Debug, Error, PartialEq)]
pub enum RouteError {
    /// An edge id is not an edge of the graph.
    #[error("edge {edge} does not exist: the graph has {edges} edges")]
    UnknownEdge {
        /// The offending edge id.
        edge: u32,
        /// Number of edges of the graph.
        edges: usize,
    },
    /// A node id is not a node of the graph.
    #[error("node {node} does not exist: the graph has {nodes} nodes")]
    UnknownNode {
        /// The offending node id.
        node: u32,
        /// Number of nodes of the graph.
        nodes: usize,
    },
    /// A position on an edge is not a finite fraction within `0..=1`.
    #[error("fraction {fraction} along edge {edge} is not within 0..=1")]
    InvalidFraction {
        /// The edge of the position.
        edge: u32,
        /// The offending fraction.
        fraction: f64,
    },
    /// A search settled more nodes than its bound allows.
    #[error("search stopped after settling {limit} nodes (the bound)")]
    LimitExceeded {
        /// The settled-node bound that was reached.
        limit: usize,
    },
    /// The input exceeds what the routing structures can index.
    #[error("too many {what}: {count} (the limit is {limit})")]
    TooLarge {
        /// What there are too many of.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A serialised contraction hierarchy is malformed.
    #[error("corrupt contraction hierarchy: {what} (at {at})")]
    Corrupt {
        /// Which part is malformed.
        what: &'static str,
        /// Byte offset or item index where the problem was found.
        at: usize,
    },
    /// A serialised contraction hierarchy was built for another graph.
    #[error(
        "contraction hierarchy belongs to another graph: {what} is {found}, expected {expected}"
    )]
    GraphMismatch {
        /// Which property differs.
        what: &'static str,
        /// The value in the hierarchy.
        found: u64,
        /// The value of the graph.
        expected: u64,
    },
}
