//! Road closures at run time: a road, a line drawn across or along roads, or an area,
//! closed to some profiles for a time, and the routing that goes around them.
//!
//! - [`model`]: the [`Closure`] record (target, profiles, time range, reason, who,
//!   version) and [`NewClosure`], validated on its own.
//! - [`matching`]: target → directed edges of a graph (by OSM way, by line, by polygon),
//!   through the spatial index's R-tree, with a scan of every edge as the reference.
//! - [`mod@apply`]: the closures in force at an instant → each profile's
//!   [`ClosedEdges`](crate::routing::ClosedEdges) in the [`Engine`](crate::dispatch::Engine),
//!   swapped in at once; the routing that respects them is
//!   [`crate::routing::closed`] (exact: the hierarchy's answer where it provably avoids the
//!   closed edges, Dijkstra on the graph without them elsewhere).
//!
//! The records are stored by the board ([`crate::board::Record::Closure`]); times are the
//! board's [`Time`](crate::board::Time). Nothing here reads the clock.
//!
//! **Seam for a customizable contraction hierarchy.** Everything above routing sees
//! closures only as a [`ClosedEdges`](crate::routing::ClosedEdges) per profile given to
//! [`Engine::set_closed_edges`](crate::dispatch::Engine::set_closed_edges), and every query
//! goes through [`RoutingView`](crate::routing::RoutingView). A CCH would re-customise with
//! the closed edges' weights at infinity when the set changes and answer the view itself,
//! with [`AvoidingClosed`](crate::routing::AvoidingClosed) serving while it customises.

pub mod apply;
mod error;
mod geometry;
pub mod matching;
pub mod model;

pub use apply::{Matchers, ProfileClosures, apply, check_against, next_change};
pub use error::ClosureError;
pub use matching::{LINE_TOLERANCE_M, WayIndex, matched_edges, matched_edges_by_scan};
pub use model::{Closure, ClosureTarget, NewClosure};

#[cfg(test)]
#[path = "closures_tests.rs"]
mod tests;
