//! Shortest routes on the road graph: Dijkstra, contraction hierarchies, matrices, trips.
//!
//! - [`EdgePoint`]: a position along a directed edge (what snapping produces); how a search
//!   leaves and reaches it, with the one rounding rule, lives in [`edge_point`].
//! - [`Dijkstra`]: the reference, bidirectional from edge points, one-way aware.
//! - [`ContractionHierarchy`]: built once per graph (stored in the graph file), answers
//!   point-to-point queries in microseconds ([`ContractionHierarchy::route`]) and
//!   many-to-many matrices with the bucket algorithm ([`ContractionHierarchy::matrix`]).
//! - [`Cch`]: a customizable contraction hierarchy, built once per graph without weights;
//!   [`Cch::customize`] gives a [`CchMetric`] for a set of blocked edges (closures, excluded
//!   road classes) in well under a second, with routes and matrices that avoid them.
//! - [`SearchSpace`]: per-thread query state; queries allocate nothing else.
//! - [`ClosedEdges`], [`RoutingView`], [`AvoidingClosed`]: routing with roads closed at run
//!   time, exact, on top of the hierarchy (see [`closed`]).
//!
//! Costs are whole deciseconds and metres. The fastest route wins; among equally fast ones
//! the shortest, so every algorithm returns the same duration *and* distance. Every search
//! is bounded by a settled-node cap and reports [`RouteError::LimitExceeded`] past it;
//! "no route" is `Ok(None)` (or a `None` matrix cell), never an error nor a huge number.

mod avoiding;
mod cch;
mod ch;
pub mod closed;
mod dijkstra;
pub mod edge_point;
mod error;
pub mod landmarks;
mod matrix;
mod one_to_all;
mod path;
mod per_worker;
mod search_space;
pub mod trip;
#[doc(hidden)]
pub mod turn_reference;

pub use cch::{Cch, CchMetric, CchSpace, DEFAULT_LABEL_ENTRIES, LABEL_CELLS_PER_POINT};
pub use ch::{ContractionHierarchy, ContractionParams, HubLabels};
pub use closed::{AvoidingClosed, ClosedEdges, RoutingView};
pub use dijkstra::Dijkstra;
pub use edge_point::{Cost, EdgePoint};
pub use error::RouteError;
pub use landmarks::Landmarks;
pub use matrix::TravelMatrix;
pub use one_to_all::{ReachedTimes, Source};
pub use path::Path;
pub use search_space::SearchSpace;

#[cfg(test)]
#[path = "routing_tests.rs"]
pub(crate) mod tests;
