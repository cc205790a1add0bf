//! Routes, tables and trips that avoid classes of roads (OSRM's `exclude=`).
//!
//! Queries without exclusions keep the contraction hierarchy and hub labels. A set of
//! excluded classes is served by a customizable contraction hierarchy ([`Cch`]): its
//! metric-independent part is built at the first excluding request of a profile, and one
//! [`CchMetric`] per set of classes is customized at its first use and kept (a profile has
//! at most 2⁴ sets). Concurrent first uses of one set wait for one customization. Points
//! are snapped onto roads left open ([`SpatialIndex::snap_avoiding`](crate::spatial::SpatialIndex::snap_avoiding)),
//! as OSRM snaps them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::{DispatchError, Engine, Location, Profile, Snapped, snap_error};
use crate::osm::{ExcludeClass, ExcludeSet};
use crate::routing::{
    Cch, CchMetric, CchSpace, Cost, EdgePoint, Path, RouteError, SearchSpace, TravelMatrix,
};

/// The metric of one set of classes, customized at its first use (or why it failed).
type MetricSlot = OnceLock<Result<Arc<CchMetric>, String>>;

/// One profile's lazily built exclusion state.
#[derive(Debug, Default)]
pub(super) struct Exclusions {
    cch: OnceLock<Result<Cch, String>>,
    metrics: Mutex<BTreeMap<ExcludeSet, Arc<MetricSlot>>>,
    spaces: Mutex<Vec<CchSpace>>,
}

/// The roads a request may use: the whole graph (hierarchy, hub labels), or the graph
/// without the excluded classes (a metric of the customizable hierarchy).
pub(super) struct Roads<'p> {
    pub(super) p: &'p Profile,
    metric: Option<(&'p Cch, Arc<CchMetric>)>,
}

impl Roads<'_> {
    /// Runs `f` with a pooled query state of the customizable hierarchy.
    fn with_cch_space<T>(&self, cch: &Cch, f: impl FnOnce(&mut CchSpace) -> T) -> T {
        let pool = &self.p.exclusions.spaces;
        let pooled = pool.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut space = pooled.unwrap_or_else(|| CchSpace::new(cch));
        let out = f(&mut space);
        pool.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(space);
        out
    }

    /// Cost of the fastest route between two points on these roads.
    pub(super) fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        match &self.metric {
            None => self.p.cost(space, from, to),
            Some((cch, m)) => {
                self.with_cch_space(cch, |s| m.query(cch, &self.p.graph, s, from, to))
            }
        }
    }

    /// The fastest route between two points on these roads.
    pub(super) fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        match &self.metric {
            None => self.p.path(space, from, to),
            Some((cch, m)) => {
                self.with_cch_space(cch, |s| m.route(cch, &self.p.graph, s, from, to))
            }
        }
    }

    /// The travel matrix between points on these roads.
    pub(super) fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        match &self.metric {
            None => self.p.matrix(sources, targets, settle_limit),
            Some((cch, m)) => m.matrix(cch, &self.p.graph, sources, targets),
        }
    }

    /// Moves every snapped point that lies on an excluded road onto the nearest open road
    /// (within the location's radius, along its bearing).
    pub(super) fn reopen(
        &self,
        locs: &[Location],
        snapped: &mut [Snapped],
    ) -> Result<(), DispatchError> {
        let Some((_, m)) = &self.metric else {
            return Ok(());
        };
        for (i, (s, loc)) in snapped.iter_mut().zip(locs).enumerate() {
            if !m.is_blocked(s.snap.edge) {
                continue;
            }
            let pos = loc.position;
            let snap = self
                .p
                .index
                .snap_avoiding(pos.lon, pos.lat, loc.radius_m, loc.bearing, |e| {
                    m.is_blocked(e)
                })
                .map_err(|e| snap_error(i, &e))?;
            *s = Snapped::new(snap, pos, loc.bearing).ok_or_else(|| {
                DispatchError::Internal("a snap with a bearing allows no direction".into())
            })?;
        }
        Ok(())
    }
}

impl Engine {
    /// The classes of roads a profile's routes can exclude (OSRM's `exclude=`), as its
    /// profile declares them; none for a profile not built in.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`].
    pub fn exclude_classes(&self, profile: &str) -> Result<&'static [ExcludeClass], DispatchError> {
        let p = self.profile(profile)?;
        Ok(crate::osm::Profile::by_name(p.graph.profile()).map_or(&[], |d| d.exclude))
    }

    /// Builds the customizable hierarchy of a profile and the metric of `exclude` now, so
    /// that the first request excluding those classes does not wait for them (a no-op for the
    /// empty set or when done before).
    ///
    /// # Errors
    /// As [`Engine::route_with`] for an unsupported class; [`DispatchError::Internal`] when
    /// the hierarchy cannot be built.
    pub fn prepare_exclude(&self, profile: &str, exclude: ExcludeSet) -> Result<(), DispatchError> {
        let p = self.profile(profile)?;
        self.roads(p, exclude).map(|_| ())
    }

    /// The roads a request excluding `exclude` may use.
    pub(super) fn roads<'p>(
        &self,
        p: &'p Profile,
        exclude: ExcludeSet,
    ) -> Result<Roads<'p>, DispatchError> {
        if exclude.is_empty() {
            return Ok(Roads { p, metric: None });
        }
        let declared =
            crate::osm::Profile::by_name(p.graph.profile()).map_or(&[][..], |d| d.exclude);
        if let Some(class) = exclude.iter().find(|c| !declared.contains(c)) {
            return Err(DispatchError::ExcludeNotSupported {
                profile: p.graph.profile().to_owned(),
                class: class.name(),
            });
        }
        let internal = |e: &String| DispatchError::Internal(e.clone());
        let cch = p
            .exclusions
            .cch
            .get_or_init(|| Cch::build(&p.graph).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(internal)?;
        let slot = Arc::clone(
            p.exclusions
                .metrics
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(exclude)
                .or_default(),
        );
        let metric = slot
            .get_or_init(|| {
                cch.customize(&p.graph, |e| p.graph.edge_excluded(e, exclude))
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(internal)?;
        Ok(Roads {
            p,
            metric: Some((cch, Arc::clone(metric))),
        })
    }
}
