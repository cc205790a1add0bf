//! Routes, tables and trips that avoid classes of roads (OSRM's `exclude=`) or roads closed
//! at run time: the one place where a query picks how it is answered.
//!
//! Queries without exclusions or closures keep the contraction hierarchy and hub labels. A
//! set of excluded classes, closures, or both are served by a metric of the profile's
//! customizable contraction hierarchy, with an exact fallback while it is not ready (see
//! [`customized`](super::customized)): a profile has at most 2⁴ class sets, each customized
//! at its first use under the closures in force and again in the background when they
//! change. Points are snapped onto roads left open by the exclusion
//! ([`SpatialIndex::snap_avoiding`](crate::spatial::SpatialIndex::snap_avoiding)), as OSRM
//! snaps them; a point on a closed road stays there (a closure stops traffic through a road,
//! not to it).

use super::customized::View;
use super::{DispatchError, Engine, Location, Profile, Snapped, snap_error};
use crate::osm::{ExcludeClass, ExcludeSet};
use crate::routing::{
    AvoidingClosed, Cost, EdgePoint, Path, RouteError, RoutingView, SearchSpace, TravelMatrix,
};

/// The roads a request may use: the whole graph (hierarchy, hub labels), or the graph
/// without the excluded classes and the closed roads.
pub(super) struct Roads<'p> {
    pub(super) p: &'p Profile,
    exclude: ExcludeSet,
    view: View,
}

impl Profile {
    /// The roads a request excluding `exclude` (the declared classes of the profile) may use
    /// now, with the closures in force.
    pub(super) fn roads(&self, exclude: ExcludeSet) -> Result<Roads<'_>, RouteError> {
        Ok(Roads {
            p: self,
            exclude,
            view: self.customized.view(&self.graph, exclude)?,
        })
    }
}

impl Roads<'_> {
    /// Cost of the fastest route between two points on these roads.
    pub(super) fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        match &self.view {
            View::Full => self.p.full_cost(space, from, to),
            View::Metric(cch, m) => match m.lookup(cch, &self.p.graph, from, to)? {
                Some(cost) => Ok(cost),
                None => self
                    .p
                    .customized
                    .with_space(cch, |s| m.query(cch, &self.p.graph, s, from, to)),
            },
            View::Fallback(c) => match (self.open_end(from)?, self.open_end(to)?) {
                (Some(from), Some(to)) => AvoidingClosed::new(self.p, c).cost(space, from, to),
                _ => Ok(None),
            },
        }
    }

    /// The fastest route between two points on these roads.
    pub(super) fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        match &self.view {
            View::Full => self.p.ch.route(&self.p.graph, space, from, to),
            View::Metric(cch, m) => self
                .p
                .customized
                .with_space(cch, |s| m.route(cch, &self.p.graph, s, from, to)),
            View::Fallback(c) => match (self.open_end(from)?, self.open_end(to)?) {
                (Some(from), Some(to)) => AvoidingClosed::new(self.p, c).route(space, from, to),
                _ => Ok(None),
            },
        }
    }

    /// The travel matrix between points on these roads.
    pub(super) fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        match &self.view {
            View::Full => self.p.full_matrix(sources, targets, settle_limit),
            View::Metric(cch, m) => m.matrix(cch, &self.p.graph, sources, targets),
            View::Fallback(c) => {
                let view = AvoidingClosed::new(self.p, c);
                let (src, src_at) = self.open_ends(sources)?;
                let (dst, dst_at) = self.open_ends(targets)?;
                if src.len() == sources.len() && dst.len() == targets.len() {
                    return view.matrix(&src, &dst, settle_limit);
                }
                view.matrix(&src, &dst, settle_limit)?
                    .spread(&src_at, &dst_at)
            }
        }
    }

    /// `point` restricted to its directions along roads of no excluded class, `None` when
    /// it has none. The fallback avoids the excluded edges as it avoids closed ones, which
    /// still carry end points (a closure stops traffic through a road, not to it); an
    /// excluded road carries none, as in the customized metric, whose blocked edges start
    /// and end no route ([`crate::routing::CchMetric::is_blocked`]). Without this a point
    /// left on a ferry (no other road within the radius) would be reached along the ferry
    /// until the metric is ready, and not after.
    fn open_end(&self, point: EdgePoint) -> Result<Option<EdgePoint>, RouteError> {
        if self.exclude.is_empty() {
            return Ok(Some(point));
        }
        let g = &self.p.graph;
        point.validate(g)?;
        let ways = point.directions(g);
        let open: Vec<EdgePoint> = ways
            .iter()
            .flatten()
            .filter(|d| !g.edge_excluded(d.edge, self.exclude))
            .copied()
            .collect();
        Ok(match open.as_slice() {
            [] => None,
            [one] if ways.iter().flatten().count() > 1 => Some(*one),
            _ => Some(point),
        })
    }

    /// The points of `points` with an open end ([`Roads::open_end`]), and for each point
    /// its index among them (`None`: no open end).
    fn open_ends(
        &self,
        points: &[EdgePoint],
    ) -> Result<(Vec<EdgePoint>, Vec<Option<usize>>), RouteError> {
        let mut kept = Vec::with_capacity(points.len());
        let mut at = Vec::with_capacity(points.len());
        for &p in points {
            match self.open_end(p)? {
                Some(q) => {
                    at.push(Some(kept.len()));
                    kept.push(q);
                }
                None => at.push(None),
            }
        }
        Ok((kept, at))
    }

    /// Moves every snapped point that lies on an excluded road onto the nearest open road
    /// (within the location's radius, along its bearing).
    pub(super) fn reopen(
        &self,
        locs: &[Location],
        snapped: &mut [Snapped],
    ) -> Result<(), DispatchError> {
        reopen(self.p, self.exclude, locs, snapped)
    }
}

/// Moves every snapped point of `p` that lies on a road of `exclude` onto the nearest road
/// of no excluded class (within the location's radius, along its bearing).
pub(super) fn reopen(
    p: &Profile,
    exclude: ExcludeSet,
    locs: &[Location],
    snapped: &mut [Snapped],
) -> Result<(), DispatchError> {
    if exclude.is_empty() {
        return Ok(());
    }
    let g = &p.graph;
    let blocked = |e| g.edge_excluded(e, exclude);
    for (i, (s, loc)) in snapped.iter_mut().zip(locs).enumerate() {
        if !blocked(s.snap.edge) {
            continue;
        }
        let pos = loc.position;
        let snap = p
            .index
            .snap_avoiding(pos.lon, pos.lat, loc.radius_m, loc.bearing, blocked)
            .map_err(|e| snap_error(i, &e))?;
        *s = Snapped::new(snap, pos, loc.bearing).ok_or_else(|| {
            DispatchError::Internal("a snap with a bearing allows no direction".into())
        })?;
    }
    Ok(())
}

impl Engine {
    /// The classes of roads a profile's routes can exclude (OSRM's `exclude=`), as its
    /// profile declares them; none for a profile not built in.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`].
    pub fn exclude_classes(&self, profile: &str) -> Result<&'static [ExcludeClass], DispatchError> {
        Ok(declared(self.profile(profile)?))
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
        if exclude.is_empty() {
            return Ok(());
        }
        self.customize_now(profile)?;
        self.roads(p, exclude).map(|_| ())
    }

    /// The set of classes named by `names` (OSRM's `exclude=` values: `motorway`, `toll`,
    /// `ferry`, `unpaved`; case-sensitive, repeats count once, empty names are skipped), each
    /// declared by `profile`.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::ExcludeNotSupported`] naming the
    /// first class no profile knows or `profile` does not declare, and listing the classes
    /// it declares.
    ///
    /// # Examples
    /// ```
    /// # use engine::dispatch::{DispatchError, Engine};
    /// let engine = Engine::new();
    /// // No graph is loaded for "car".
    /// assert!(matches!(
    ///     engine.exclude_set("car", ["ferry"]),
    ///     Err(DispatchError::UnknownProfile { .. })
    /// ));
    /// ```
    pub fn exclude_set<'n>(
        &self,
        profile: &str,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<ExcludeSet, DispatchError> {
        let p = self.profile(profile)?;
        let declared = declared(p);
        names
            .into_iter()
            .filter(|n| !n.is_empty())
            .map(|name| {
                ExcludeClass::from_name(name)
                    .filter(|c| declared.contains(c))
                    .ok_or_else(|| unsupported(p, name))
            })
            .collect()
    }

    /// The roads a request excluding `exclude` may use.
    pub(super) fn roads<'p>(
        &self,
        p: &'p Profile,
        exclude: ExcludeSet,
    ) -> Result<Roads<'p>, DispatchError> {
        check_declared(p, exclude)?;
        p.roads(exclude).map_err(super::route_error)
    }
}

/// Refuses a class set with a class that profile `p` does not declare.
pub(super) fn check_declared(p: &Profile, exclude: ExcludeSet) -> Result<(), DispatchError> {
    let declared = declared(p);
    match exclude.iter().find(|c| !declared.contains(c)) {
        Some(class) => Err(unsupported(p, class.name())),
        None => Ok(()),
    }
}

/// The classes a loaded profile declares (none for a profile not built in).
fn declared(p: &Profile) -> &'static [ExcludeClass] {
    crate::osm::Profile::by_name(p.graph.profile()).map_or(&[], |d| d.exclude)
}

/// The error for a class `name` that profile `p` cannot exclude.
fn unsupported(p: &Profile, name: &str) -> DispatchError {
    let classes: Vec<&str> = declared(p).iter().map(|c| c.name()).collect();
    DispatchError::ExcludeNotSupported {
        profile: p.graph.profile().to_owned(),
        class: name.chars().take(40).collect(),
        classes: if classes.is_empty() {
            "none".to_owned()
        } else {
            classes.join(", ")
        },
    }
}

#[cfg(test)]
#[path = "exclude_tests.rs"]
mod tests;
