//! Reachability that explains itself: from an origin (a headquarters), the road time and
//! distance to each of a set of points (settlements, requests) by one profile, and for each
//! point that cannot be reached the reason a coordinator can act on ([`Unreachable`]).
//!
//! [`reach`] snaps the origin and every point by the honest component rule of
//! [`SpatialIndex::snap`](crate::spatial::SpatialIndex::snap) (a point by a small island of
//! the network is placed on the island), then takes one row of travel costs from the origin
//! ([`Engine::one_to_many`]: hub labels or the hierarchy's bucket algorithm; with classes of
//! roads excluded, [`Engine::one_to_many_with`] on the cached metric of that class set), so
//! each result equals [`Engine::route`] (or [`Engine::route_with`] with the same `exclude`)
//! from the origin to that point. With an exclusion, a point (or the origin) on a road of an
//! excluded class is moved to the nearest other road within the radius, as routes do, and
//! stays where it is when there is none. Points without a route are then explained, most
//! actionable first:
//!
//! 1. [`Unreachable::FerryOnly`] (when ferries are left out, or excluded) and
//!    [`Unreachable::ExcludedOnly`] (another excluded class: motorway, toll, unpaved): a
//!    breadth-first search without the excluded edges does not reach the point, one with
//!    every edge does (`excluded` module);
//! 2. [`Unreachable::OtherModeOnly`]: another loaded profile (foot, bicycle) reaches it;
//! 3. [`Unreachable::NoRoadNearby`]: no road of the profile within the radius;
//! 4. [`Unreachable::Island`]: the point's road belongs to a small strongly connected
//!    component; `gap_m` is how far the nearest road of the main one is (the last
//!    kilometres on foot);
//! 5. [`Unreachable::OriginIsland`]: the origin itself lies by a small island;
//! 6. [`Unreachable::NoRoute`]: anything else (a one-way link between components).
//!
//! Costs: `O(p log s)` snapping for `p` points over `s` pieces of road, one one-to-many
//! query, and a breadth-first search (`O(n + m)`) per other profile asked, and two when
//! classes of roads are excluded. All places of a city extract take a few milliseconds to a few hundred.

mod error;
mod excluded;

pub use error::ReachError;

use crate::dispatch::Engine;
use crate::graph::RoadGraph;
use crate::osm::{ExcludeClass, ExcludeSet};
use crate::routing::EdgePoint;
use crate::spatial::{Snap, SnapError, SpatialIndex};
use crate::types::{EdgeId, LonLat, OsmWayId};
use excluded::Reached;

/// Default bound on the points of one report.
pub const MAX_POINTS: usize = 100_000;

/// Options of a reachability report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReachOptions {
    /// How far from a point (and the origin) to look for a road, in metres; `None`: the
    /// profile's default ([`crate::spatial::default_radius_m`]).
    pub radius_m: Option<f64>,
    /// `false`: routes may not take a ferry, as with [`ExcludeClass::Ferry`] in `exclude`;
    /// points that only a ferry reaches are [`Unreachable::FerryOnly`].
    pub ferries: bool,
    /// Classes of roads routes may not use (OSRM's `exclude=`; each declared by the
    /// profile, [`Engine::exclude_classes`]). Times and distances are those of the fastest
    /// route without them; points that only they reach are [`Unreachable::FerryOnly`] or
    /// [`Unreachable::ExcludedOnly`].
    pub exclude: ExcludeSet,
    /// Ask the other loaded profiles about points this one cannot reach
    /// ([`Unreachable::OtherModeOnly`]).
    pub other_modes: bool,
    /// Most points taken ([`ReachError::TooManyPoints`] beyond).
    pub max_points: usize,
}

impl Default for ReachOptions {
    fn default() -> Self {
        Self {
            radius_m: None,
            ferries: true,
            exclude: ExcludeSet::EMPTY,
            other_modes: true,
            max_points: MAX_POINTS,
        }
    }
}

/// Whether one point can be reached from the origin, and how, or why not.
#[derive(Clone, Debug, PartialEq)]
pub struct Reach {
    /// `true` when a route leads from the origin to the point.
    pub reachable: bool,
    /// Travel time of the fastest route, in seconds (`None` when unreachable).
    pub duration_s: Option<f64>,
    /// Length of that route, in metres (`None` when unreachable).
    pub distance_m: Option<f64>,
    /// Why the point cannot be reached (`None` when it can).
    pub reason: Option<Unreachable>,
}

/// Why a point cannot be reached from the origin by the chosen profile.
#[derive(Clone, Debug, PartialEq)]
pub enum Unreachable {
    /// No road of the profile lies within the radius.
    NoRoadNearby {
        /// Distance to the nearest road of the profile, in metres (`None`: no road at all).
        nearest_road_m: Option<f64>,
        /// The radius searched, in metres.
        radius_m: f64,
    },
    /// The point's nearest road belongs to an island of the network that is not connected
    /// (both ways) to the main one.
    Island {
        /// Number of junctions (graph nodes) of the island.
        component_size: u32,
        /// Distance from the point to its road, in metres.
        road_m: f64,
        /// Distance from the point's road to the nearest road of the main network, in metres:
        /// the last kilometres on foot (`None` when the main network has no road).
        gap_m: Option<f64>,
    },
    /// The origin lies by an island of the network, and the point is not on that island.
    OriginIsland {
        /// Number of junctions of the origin's island.
        component_size: u32,
        /// Distance from the origin's road to the nearest road of the main network, in
        /// metres.
        gap_m: Option<f64>,
    },
    /// Reachable only by taking a ferry, and ferries were left out.
    FerryOnly {
        /// The OSM way of a ferry on the way (the first from the origin).
        way: OsmWayId,
        /// Its name (empty when untagged).
        name: String,
    },
    /// Reachable only along a road of an excluded class other than a ferry (ferries give
    /// [`Unreachable::FerryOnly`]).
    ExcludedOnly {
        /// The class of that road.
        class: ExcludeClass,
        /// The OSM way of the road (the first of an excluded class from the origin).
        way: OsmWayId,
        /// Its name (empty when untagged).
        name: String,
    },
    /// Not reachable by the chosen profile, but by these other loaded profiles.
    OtherModeOnly {
        /// The profiles that reach the point, sorted.
        modes: Vec<String>,
    },
    /// No route for another reason (a road that joins the main network one way only).
    NoRoute,
}

impl Unreachable {
    /// A short name of the reason: `no_road_nearby`, `island`, `origin_island`,
    /// `ferry_only`, `excluded_only`, `other_mode_only`, `no_route`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoRoadNearby { .. } => "no_road_nearby",
            Self::Island { .. } => "island",
            Self::OriginIsland { .. } => "origin_island",
            Self::FerryOnly { .. } => "ferry_only",
            Self::ExcludedOnly { .. } => "excluded_only",
            Self::OtherModeOnly { .. } => "other_mode_only",
            Self::NoRoute => "no_route",
        }
    }
}

/// The snaps of the origin and of each point, and the costs from the one to the others, on
/// one profile.
struct Row {
    origin: Snap,
    snaps: Vec<Result<Snap, SnapError>>,
    costs: Vec<Option<crate::routing::Cost>>,
}

fn point_of(s: &Snap) -> EdgePoint {
    EdgePoint::new(s.edge, s.fraction)
}

/// Snaps the origin and the points on `profile` (off the roads of `exclude` where another
/// road is within the radius) and takes the costs from the origin without those roads.
fn row(
    engine: &Engine,
    index: &SpatialIndex,
    profile: &str,
    from: LonLat,
    points: &[LonLat],
    radius_m: Option<f64>,
    exclude: ExcludeSet,
) -> Result<Row, ReachError> {
    let graph = engine.graph(profile);
    let snap = |p: LonLat| -> Result<Snap, SnapError> {
        let s = index.snap(p.lon, p.lat, radius_m)?;
        match graph {
            Some(g) if g.edge_excluded(s.edge, exclude) => Ok(index
                .snap_avoiding(p.lon, p.lat, radius_m, None, |e| {
                    g.edge_excluded(e, exclude)
                })
                .unwrap_or(s)),
            _ => Ok(s),
        }
    };
    let origin = snap(from).map_err(|e| match e {
        SnapError::InvalidCoordinate { lon, lat } => ReachError::InvalidOrigin { lon, lat },
        SnapError::InvalidRadius { radius_m } => ReachError::InvalidRadius { radius_m },
        SnapError::TooFar {
            distance_m,
            radius_m,
        } => ReachError::OriginOffRoad {
            profile: profile.to_owned(),
            nearest_road_m: Some(distance_m),
            radius_m,
        },
        SnapError::EmptyGraph | SnapError::NoRoadWithBearing { .. } => ReachError::OriginOffRoad {
            profile: profile.to_owned(),
            nearest_road_m: None,
            radius_m: radius_m.unwrap_or_else(|| index.default_radius_m()),
        },
    })?;
    let snaps: Vec<Result<Snap, SnapError>> = points.iter().map(|&p| snap(p)).collect();
    let targets: Vec<EdgePoint> = snaps.iter().flatten().map(point_of).collect();
    let found = engine.one_to_many_with(profile, point_of(&origin), &targets, exclude)?;
    let mut found = found.into_iter();
    let costs = snaps
        .iter()
        .map(|s| {
            if s.is_ok() {
                found.next().flatten()
            } else {
                None
            }
        })
        .collect();
    Ok(Row {
        origin,
        snaps,
        costs,
    })
}

/// Distance from a snapped road position to the nearest road of component `0`.
fn gap_m(index: &SpatialIndex, at: LonLat) -> Option<f64> {
    index
        .snap_main(at.lon, at.lat, Some(f64::INFINITY), None)
        .ok()
        .flatten()
        .map(|s| s.distance_m)
}

/// The reachability of each of `points` from `from` by `profile`, in the order of `points`
/// (see the [module docs](self) for the rules).
///
/// # Errors
/// [`ReachError::UnknownProfile`]; [`ReachError::TooManyPoints`];
/// [`ReachError::InvalidOrigin`], [`ReachError::InvalidPoint`] (NaN, infinite, out of
/// range), [`ReachError::InvalidRadius`]; [`ReachError::OriginOffRoad`] when no road is
/// within the radius of the origin; [`ReachError::Dispatch`] when a search exceeds its bound.
pub fn reach(
    engine: &Engine,
    profile: &str,
    from: LonLat,
    points: &[LonLat],
    options: &ReachOptions,
) -> Result<Vec<Reach>, ReachError> {
    let (Some(index), Some(graph)) = (engine.index(profile), engine.graph(profile)) else {
        return Err(ReachError::UnknownProfile {
            profile: profile.to_owned(),
            loaded: engine.profiles().join(", "),
        });
    };
    if points.len() > options.max_points {
        return Err(ReachError::TooManyPoints {
            given: points.len(),
            max: options.max_points,
        });
    }
    if !from.is_valid() {
        return Err(ReachError::InvalidOrigin {
            lon: from.lon,
            lat: from.lat,
        });
    }
    if let Some((index, p)) = points.iter().enumerate().find(|(_, p)| !p.is_valid()) {
        return Err(ReachError::InvalidPoint {
            index,
            lon: p.lon,
            lat: p.lat,
        });
    }
    if let Some(r) = options.radius_m.filter(|r| !r.is_finite() || *r < 0.0) {
        return Err(ReachError::InvalidRadius { radius_m: r });
    }
    let mut exclude = options.exclude;
    if !options.ferries
        && engine
            .exclude_classes(profile)?
            .contains(&ExcludeClass::Ferry)
    {
        exclude = exclude.with(ExcludeClass::Ferry);
    }
    // An undeclared class is refused before any search.
    engine.exclude_set(profile, exclude.iter().map(ExcludeClass::name))?;
    let row = row(
        engine,
        index,
        profile,
        from,
        points,
        options.radius_m,
        exclude,
    )?;
    let searches = (!exclude.is_empty()).then(|| {
        (
            Reached::search(graph, &row.origin, exclude),
            Reached::search(graph, &row.origin, ExcludeSet::EMPTY),
        )
    });
    let mut out: Vec<Reach> = row
        .snaps
        .iter()
        .zip(&row.costs)
        .map(|(snap, cost)| match (snap, cost) {
            (Ok(_), Some(c)) => Reach {
                reachable: true,
                duration_s: Some(c.duration.as_secs_f64()),
                distance_m: Some(f64::from(c.distance.0)),
                reason: None,
            },
            (Ok(s), None) => {
                let by_excluded = searches.as_ref().and_then(|(without, with)| {
                    (!without.reaches(graph, s, exclude)
                        && with.reaches(graph, s, ExcludeSet::EMPTY))
                    .then(|| with.first_excluded(graph, s, exclude))
                    .flatten()
                    .map(|e| excluded_reason(graph, e, exclude))
                });
                unreachable(by_excluded.unwrap_or_else(|| structural(index, &row.origin, s)))
            }
            (Err(e), _) => unreachable(no_road(index, e, options.radius_m)),
        })
        .collect();
    if options.other_modes {
        explain_by_other_modes(engine, profile, from, points, &mut out)?;
    }
    Ok(out)
}

fn unreachable(reason: Unreachable) -> Reach {
    Reach {
        reachable: false,
        duration_s: None,
        distance_m: None,
        reason: Some(reason),
    }
}

/// The reason of a point that only roads of `exclude` reach, `e` the first of them.
fn excluded_reason(graph: &RoadGraph, e: EdgeId, exclude: ExcludeSet) -> Unreachable {
    let (way, name) = (graph.edge_way(e), graph.edge_name(e).to_owned());
    let class = exclude
        .iter()
        .find(|&c| graph.edge_excluded(e, ExcludeSet::EMPTY.with(c)));
    match class {
        Some(ExcludeClass::Ferry) | None => Unreachable::FerryOnly { way, name },
        Some(class) => Unreachable::ExcludedOnly { class, way, name },
    }
}

/// The reason of a point whose road is known but has no route from the origin.
fn structural(index: &SpatialIndex, origin: &Snap, s: &Snap) -> Unreachable {
    if s.component != 0 && s.component != origin.component {
        Unreachable::Island {
            component_size: s.component_size,
            road_m: s.distance_m,
            gap_m: gap_m(index, s.location),
        }
    } else if origin.component != 0 && s.component != origin.component {
        Unreachable::OriginIsland {
            component_size: origin.component_size,
            gap_m: gap_m(index, origin.location),
        }
    } else {
        Unreachable::NoRoute
    }
}

fn no_road(index: &SpatialIndex, e: &SnapError, radius_m: Option<f64>) -> Unreachable {
    let radius_m = radius_m.unwrap_or_else(|| index.default_radius_m());
    match *e {
        SnapError::TooFar {
            distance_m,
            radius_m,
        } => Unreachable::NoRoadNearby {
            nearest_road_m: Some(distance_m),
            radius_m,
        },
        _ => Unreachable::NoRoadNearby {
            nearest_road_m: None,
            radius_m,
        },
    }
}

/// Asks every other loaded profile about the points `out` marks unreachable (except by
/// ferry) and marks those some reach as [`Unreachable::OtherModeOnly`]. A profile whose
/// roads do not come near the origin is skipped. Each profile uses its own default radius.
fn explain_by_other_modes(
    engine: &Engine,
    profile: &str,
    from: LonLat,
    points: &[LonLat],
    out: &mut [Reach],
) -> Result<(), ReachError> {
    let open: Vec<usize> = out
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !r.reachable
                && !matches!(
                    r.reason,
                    Some(Unreachable::FerryOnly { .. } | Unreachable::ExcludedOnly { .. })
                )
        })
        .map(|(i, _)| i)
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    let subset: Vec<LonLat> = open.iter().map(|&i| points[i]).collect();
    let mut modes: Vec<Vec<String>> = vec![Vec::new(); open.len()];
    for other in engine.profiles() {
        if other == profile {
            continue;
        }
        let Some(index) = engine.index(other) else {
            continue;
        };
        let row = match row(engine, index, other, from, &subset, None, ExcludeSet::EMPTY) {
            Ok(row) => row,
            Err(ReachError::OriginOffRoad { .. }) => continue,
            Err(e) => return Err(e),
        };
        for (m, cost) in modes.iter_mut().zip(&row.costs) {
            if cost.is_some() {
                m.push(other.to_owned());
            }
        }
    }
    for (&i, m) in open.iter().zip(modes) {
        if !m.is_empty() {
            out[i].reason = Some(Unreachable::OtherModeOnly { modes: m });
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "reachability_tests.rs"]
mod tests;
