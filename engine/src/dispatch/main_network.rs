//! Placing points on the main network, and the one-to-many costs a reachability report
//! needs.
//!
//! [`Engine::onto_main_network`] is the snapping rule that OSRM clients expect: a
//! coordinate goes to the nearest road of the largest strongly connected component
//! (component `0`), even when it lies by a small island of the network, unless every
//! coordinate of the request lies by the same small island (then they stay on it, and the
//! island routes between them). This is OSRM's own rule (`SnapPhantomNodes` in its
//! `plugin_base.hpp`: each coordinate has a nearest candidate of any component and one of
//! the big component; the nearest ones are used only when all of them are in one tiny
//! component), with "big" being component `0`. The moved point is carried as a [`Hint`],
//! so the answer's waypoint says where it went and its `distance_m` how far it was moved.
//!
//! vmeste's own API keeps the honest rule of [`SpatialIndex::snap`]: a point by an island
//! is placed on the island, and a route from the main network to it does not exist.

use super::{DispatchError, Engine, Hint, Location, route_error, snap_error};
use crate::osm::ExcludeSet;
use crate::routing::{Cost, EdgePoint};
use crate::spatial::SpatialIndex;

impl Engine {
    /// The locations with every one that would snap onto a small component moved onto the
    /// nearest road of component `0` within its radius (as a [`Hint`] on that road), unless
    /// every location lies by the same small component (then all stay on it): OSRM's rule
    /// (`SnapPhantomNodes` in its `plugin_base.hpp`), with component `0` as its "big"
    /// component. The answer's waypoint then says where the point went, and its
    /// `distance_m` how far it was moved. Locations that carry a hint are kept as they are,
    /// and so is a location with no road of component `0` within its radius (it then snaps
    /// by the usual rule, [`SpatialIndex::snap`]).
    ///
    /// # Errors
    /// As [`Engine::snap`] for each location without a hint.
    pub fn onto_main_network(
        &self,
        profile: &str,
        locs: &[Location],
    ) -> Result<Vec<Location>, DispatchError> {
        let p = self.profile(profile)?;
        let mut comps = Vec::with_capacity(locs.len());
        for (i, l) in locs.iter().enumerate() {
            if l.hint.is_some() {
                comps.push(None);
                continue;
            }
            let pos = l.position;
            let snap = match l.bearing {
                Some(b) => p.index.snap_with_bearing(pos.lon, pos.lat, l.radius_m, b),
                None => p.index.snap(pos.lon, pos.lat, l.radius_m),
            }
            .map_err(|e| snap_error(i, &e))?;
            comps.push(Some(snap.component));
        }
        let same_island = match comps.first() {
            Some(&Some(c)) => c != 0 && comps.iter().all(|&x| x == Some(c)),
            _ => false,
        };
        if same_island {
            return Ok(locs.to_vec());
        }
        locs.iter()
            .zip(&comps)
            .enumerate()
            .map(|(i, (l, comp))| {
                if comp.is_none_or(|c| c == 0) {
                    return Ok(*l);
                }
                let pos = l.position;
                let main = p
                    .index
                    .snap_main(pos.lon, pos.lat, l.radius_m, l.bearing)
                    .map_err(|e| snap_error(i, &e))?;
                Ok(match main {
                    Some(s) => Location {
                        hint: Some(Hint {
                            edge: s.edge,
                            segment: s.segment,
                            location: s.location,
                            graph: p.checksum,
                        }),
                        ..*l
                    },
                    None => *l,
                })
            })
            .collect()
    }

    /// The spatial index of a profile's roads; `None` for an unknown profile.
    #[must_use]
    pub fn index(&self, profile: &str) -> Option<&SpatialIndex> {
        self.profiles.get(profile).map(|p| &p.index)
    }

    /// Costs of the fastest routes from `from` to each of `targets` (`None` where there is
    /// none): one row of [`Engine::table`], from positions already on the profile's graph
    /// (for instance `EdgePoint::new(snap.edge, snap.fraction)` of a [`SpatialIndex`] snap).
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::Internal`] for a point that is not
    /// on the graph; [`DispatchError::LimitExceeded`] when a search exceeds the settle limit.
    pub fn one_to_many(
        &self,
        profile: &str,
        from: EdgePoint,
        targets: &[EdgePoint],
    ) -> Result<Vec<Option<Cost>>, DispatchError> {
        self.one_to_many_with(profile, from, targets, ExcludeSet::EMPTY)
    }

    /// As [`Engine::one_to_many`], on the roads left when the classes of `exclude` are
    /// taken out (the cached metric of that class set: [`Engine::table_with`]'s answer).
    ///
    /// # Errors
    /// As [`Engine::one_to_many`]; [`DispatchError::ExcludeNotSupported`] for a class the
    /// profile does not declare.
    pub fn one_to_many_with(
        &self,
        profile: &str,
        from: EdgePoint,
        targets: &[EdgePoint],
        exclude: ExcludeSet,
    ) -> Result<Vec<Option<Cost>>, DispatchError> {
        let p = self.profile(profile)?;
        let m = self
            .roads(p, exclude)?
            .matrix(&[from], targets, self.settle_limit)
            .map_err(route_error)?;
        Ok((0..targets.len())
            .map(|j| {
                m.get(0, j)
                    .map(|(duration, distance)| Cost { duration, distance })
            })
            .collect())
    }
}
