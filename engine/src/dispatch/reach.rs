//! One-to-all searches on a profile's graph: what isochrones and coverage areas are drawn
//! from, without the roads closed now. Sources are placed first with [`Engine::place`].

use super::{DispatchError, Engine, route_error};
use crate::routing::{ReachedTimes, Source};
use crate::types::Deciseconds;

impl Engine {
    /// Travel time from the nearest of `sources` to every node of the profile's graph
    /// reached within `bound` (PHAST over the contraction hierarchy:
    /// [`ContractionHierarchy::one_to_all`](crate::routing::ContractionHierarchy::one_to_all));
    /// with roads closed, Dijkstra's algorithm on the graph without them
    /// ([`Dijkstra::one_to_all`](crate::routing::Dijkstra::one_to_all)).
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::Internal`] for a source that is
    /// not on the graph.
    pub fn one_to_all(
        &self,
        profile: &str,
        sources: &[Source],
        bound: Deciseconds,
    ) -> Result<ReachedTimes, DispatchError> {
        let p = self.profile(profile)?;
        match p.customized.closed() {
            Some(closed) => crate::routing::Dijkstra::new(&p.graph)
                .avoiding(&closed)
                .one_to_all(sources, bound),
            None => p.ch.one_to_all(&p.graph, sources, bound),
        }
        .map_err(route_error)
    }
}
