//! Closed roads in a profile's answers: the set of closed edges each profile holds now.
//!
//! [`Engine::set_closed_edges`] swaps a profile's set in `O(1)` under a write lock that
//! queries hold only to clone an `Arc`, so a change reaches the next query at once, with no
//! rebuild. Every answer of a profile (routes, legs, tables, trips, placed costs, solver
//! matrices) goes through `Profile::cost` or the profile's `Roads`
//! (`exclude` module): with closures they answer from a metric of the customizable hierarchy
//! customized with the closed edges at infinity, re-customized in the background at every
//! change, and through [`AvoidingClosed`](crate::routing::AvoidingClosed) over the profile's
//! own full-network view (hierarchy and hub labels) until that metric is ready; both exact
//! (see [`crate::routing::closed`] and the `customized` module). Landmark and speed lower
//! bounds stay valid (closing roads only lengthens routes). One-to-all searches
//! (isochrones, coverage) run Dijkstra on the graph without the closed edges.

use std::sync::Arc;

use super::{DispatchError, Engine, Profile};
use crate::graph::RoadGraph;
use crate::osm::ExcludeSet;
use crate::routing::{
    ClosedEdges, Cost, EdgePoint, Path, RouteError, RoutingView, SearchSpace, TravelMatrix,
};

/// The full network of a profile: its hierarchy, and its hub labels once built.
impl RoutingView for Profile {
    fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    fn has_fast_costs(&self) -> bool {
        self.labels.get().is_some()
    }

    fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        self.full_cost(space, from, to)
    }

    fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        self.ch.route(&self.graph, space, from, to)
    }

    fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        self.full_matrix(sources, targets, settle_limit)
    }
}

impl Profile {
    /// Cost of the fastest open route between two points.
    pub(super) fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        self.roads(ExcludeSet::EMPTY)?.cost(space, from, to)
    }
}

impl Engine {
    /// Sets the edges of `profile` closed from now on (`None` or an empty set: none); the
    /// next query of any kind avoids them. `O(1)`: the set is made by the caller
    /// ([`crate::closures::apply()`]); the metric that answers with them is customized on a
    /// background thread ([`Engine::is_customized`] tells when it is in use), the exact
    /// fallback answering meanwhile. Setting the same set again changes nothing.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::Internal`] when the set was made
    /// for another graph.
    pub fn set_closed_edges(
        &self,
        profile: &str,
        closed: Option<ClosedEdges>,
    ) -> Result<(), DispatchError> {
        let p = self.profile(profile)?;
        if let Some(c) = &closed
            && !c.fits(&p.graph)
        {
            return Err(DispatchError::Internal(format!(
                "closed edges made for another graph than profile {profile:?}'s"
            )));
        }
        p.customized
            .set_closed(&p.graph, closed.filter(|c| !c.is_empty()).map(Arc::new));
        Ok(())
    }

    /// The edges of `profile` closed now (`None`: none, or an unknown profile).
    #[must_use]
    pub fn closed_edges(&self, profile: &str) -> Option<Arc<ClosedEdges>> {
        self.profiles
            .get(profile)
            .and_then(|p| p.customized.closed())
    }

    /// The spatial index of a profile's roads (to match closures drawn on the map).
    #[must_use]
    pub fn spatial_index(&self, profile: &str) -> Option<&crate::spatial::SpatialIndex> {
        self.profiles.get(profile).map(|p| &p.index)
    }
}
