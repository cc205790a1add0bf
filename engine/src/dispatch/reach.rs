//! One-to-all searches on a profile's graph: what isochrones and coverage areas are drawn
//! from, without the roads closed now and, when asked, without classes of roads (OSRM's
//! `exclude=`). Sources are placed first with [`Engine::place`] (or
//! [`Engine::place_with`], off the excluded roads).

use super::{DispatchError, Engine, route_error};
use crate::osm::ExcludeSet;
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
        self.one_to_all_with(profile, sources, bound, ExcludeSet::EMPTY)
    }

    /// As [`Engine::one_to_all`], on the roads left when the classes of `exclude` are taken
    /// out: Dijkstra's algorithm on the graph without their edges and the closed ones (the
    /// set is made once per class set and closure state). A source on an excluded road
    /// still leaves along it: place sources with [`Engine::place_with`].
    ///
    /// # Errors
    /// As [`Engine::one_to_all`]; [`DispatchError::ExcludeNotSupported`] for a class the
    /// profile does not declare.
    pub fn one_to_all_with(
        &self,
        profile: &str,
        sources: &[Source],
        bound: Deciseconds,
        exclude: ExcludeSet,
    ) -> Result<ReachedTimes, DispatchError> {
        let p = self.profile(profile)?;
        super::exclude::check_declared(p, exclude)?;
        let avoided = p
            .customized
            .avoided(&p.graph, exclude)
            .map_err(route_error)?;
        match avoided {
            Some(closed) => crate::routing::Dijkstra::new(&p.graph)
                .avoiding(&closed)
                .one_to_all(sources, bound),
            None => p.ch.one_to_all(&p.graph, sources, bound),
        }
        .map_err(route_error)
    }
}
