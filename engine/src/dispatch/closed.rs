//! Closed roads in a profile's answers: the set of closed edges each profile holds now, and
//! the one place where a query picks the full network or the network without them.
//!
//! [`Engine::set_closed_edges`] swaps a profile's set in `O(1)` under a write lock that
//! queries hold only to clone an `Arc`, so a change reaches the next query at once, with no
//! rebuild. Every answer of a profile (routes, legs, tables, trips, placed costs, solver
//! matrices) goes through `Profile::cost`, `Profile::path` and `Profile::matrix`; with
//! closures they answer through [`AvoidingClosed`] over the profile's own full-network view
//! (hierarchy and hub labels), exact by construction (see [`crate::routing::closed`]).
//! Landmark and speed lower bounds stay valid (closing roads only lengthens routes).
//! One-to-all searches (isochrones, reachability) still use the full network.

use std::sync::Arc;

use super::{DispatchError, Engine, Profile};
use crate::graph::RoadGraph;
use crate::routing::{
    AvoidingClosed, ClosedEdges, Cost, EdgePoint, Path, RouteError, RoutingView, SearchSpace,
    TravelMatrix,
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
    /// The edges closed now, if any.
    fn closed_now(&self) -> Option<Arc<ClosedEdges>> {
        self.closed
            .read()
            .map_or(None, |c| c.clone())
            .filter(|c| !c.is_empty())
    }

    /// Cost of the fastest open route between two points.
    pub(super) fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        match self.closed_now() {
            Some(c) => AvoidingClosed::new(self, &c).cost(space, from, to),
            None => self.full_cost(space, from, to),
        }
    }

    /// The fastest open route between two points, with its edges and geometry.
    pub(super) fn path(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        match self.closed_now() {
            Some(c) => AvoidingClosed::new(self, &c).route(space, from, to),
            None => self.ch.route(&self.graph, space, from, to),
        }
    }

    /// The travel matrix of open routes between points.
    pub(super) fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        match self.closed_now() {
            Some(c) => AvoidingClosed::new(self, &c).matrix(sources, targets, settle_limit),
            None => self.full_matrix(sources, targets, settle_limit),
        }
    }
}

impl Engine {
    /// Sets the edges of `profile` closed from now on (`None` or an empty set: none); the
    /// next query of any kind avoids them. `O(1)`: the set is made by the caller
    /// ([`crate::closures::apply()`]).
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
        let mut slot = p
            .closed
            .write()
            .map_err(|_| DispatchError::Internal("the closed-edge lock is poisoned".into()))?;
        *slot = closed.filter(|c| !c.is_empty()).map(Arc::new);
        Ok(())
    }

    /// The edges of `profile` closed now (`None`: none, or an unknown profile).
    #[must_use]
    pub fn closed_edges(&self, profile: &str) -> Option<Arc<ClosedEdges>> {
        self.profiles.get(profile).and_then(Profile::closed_now)
    }

    /// The spatial index of a profile's roads (to match closures drawn on the map).
    #[must_use]
    pub fn spatial_index(&self, profile: &str) -> Option<&crate::spatial::SpatialIndex> {
        self.profiles.get(profile).map(|p| &p.index)
    }
}
