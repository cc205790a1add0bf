//! Trips on a loaded road graph: settlements and lodging points as coordinates (or places
//! of the extract, [`find_place`]), placed and explained by the reachability report, the
//! matrix from [`Engine::solver_matrix`], the search of [`solve`](super::solve), and the
//! road geometry of every vehicle day from [`Engine::route`].

use crate::dispatch::{Engine, Location, RouteOptions};
use crate::osm::{ElementKind, ExcludeSet};
use crate::reachability::{ReachOptions, reach};
use crate::types::LonLat;
use crate::vrp::Matrix;

use super::{
    DayWindow, Itinerary, MAX_LODGINGS, MAX_SETTLEMENTS, NightAt, Overnight, Settlement,
    TripConfig, TripError, TripProblem, Unplanned, solve,
};

/// A named point.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadPoint {
    /// Its name (may be empty).
    pub name: String,
    /// Where it is.
    pub at: LonLat,
}

/// A settlement of a trip on the roads.
#[derive(Clone, Debug, PartialEq)]
pub struct TripStop {
    /// Name and position.
    pub point: RoadPoint,
    /// Time spent there, seconds.
    pub service_s: u32,
    /// Days it may be visited (from 0); empty: any.
    pub days: Vec<u32>,
    /// When the visit may start; empty: any time of the working hours.
    pub windows: Vec<DayWindow>,
    /// Higher is served first.
    pub priority: u32,
}

/// A trip to plan on the roads of one profile.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadTrip {
    /// A loaded profile (`car`).
    pub profile: String,
    /// The headquarters every vehicle leaves from and returns to.
    pub origin: LonLat,
    /// How many vehicles.
    pub vehicles: usize,
    /// The settlements.
    pub stops: Vec<TripStop>,
    /// Lodging points, for [`Overnight::Lodging`].
    pub lodgings: Vec<RoadPoint>,
    /// Days of the trip.
    pub days: u32,
    /// Working hours, seconds after midnight.
    pub hours: DayWindow,
    /// Most driving per vehicle and day, seconds.
    pub max_driving_s: u32,
    /// Where the nights are spent.
    pub overnight: Overnight,
    /// Classes of roads the trip may not use (OSRM's `exclude=`, declared by the profile):
    /// reachability, the matrix and each day's geometry all go without them.
    pub exclude: ExcludeSet,
}

/// A trip planned on the roads.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadItinerary {
    /// The matrix problem that was solved (locations: origin `0`, settlements `1..=n`,
    /// then lodging points), for [`check`](super::check::check).
    pub problem: TripProblem,
    /// The itinerary; unreachable settlements carry the reachability report's reason.
    pub itinerary: Itinerary,
    /// Per vehicle and day, the road geometry (`lon, lat`) from the day's start through
    /// the visits to the night; empty for a day without driving.
    pub geometry: Vec<Vec<Vec<LonLat>>>,
}

/// The place of the extract with this id (`node/123`, `way/45`) or, failing that, the best
/// match for this name.
///
/// # Errors
/// [`TripError::NoPlaces`] when the graph files carry no places;
/// [`TripError::UnknownPlace`] when nothing matches.
pub fn find_place(engine: &Engine, key: &str) -> Result<RoadPoint, TripError> {
    let g = engine.gazetteer().ok_or(TripError::NoPlaces)?;
    let by_id = key.split_once('/').and_then(|(kind, id)| {
        let kind = match kind {
            "node" => ElementKind::Node,
            "way" => ElementKind::Way,
            _ => return None,
        };
        let id: i64 = id.parse().ok()?;
        g.all_places()
            .iter()
            .find(|p| p.source.kind == kind && p.source.id == id)
            .map(|p| RoadPoint {
                name: p.names.name.clone(),
                at: p.location,
            })
    });
    if let Some(p) = by_id {
        return Ok(p);
    }
    g.places(None, Some(key), 1)
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|p| RoadPoint {
            name: p.name,
            at: p.location,
        })
        .ok_or_else(|| TripError::UnknownPlace(key.to_owned()))
}

/// Plans `trip` on `engine`'s roads: reachability, matrix, search, then geometry per day.
///
/// # Errors
/// [`TripProblem::validate`]'s errors (checked before any routing);
/// [`TripError::Reach`] for an unknown profile, an invalid point or an origin far from
/// every road; [`TripError::Dispatch`] when a search exceeds its bound.
pub fn plan_on_roads(
    engine: &Engine,
    trip: &RoadTrip,
    config: &TripConfig,
) -> Result<RoadItinerary, TripError> {
    if trip.stops.len() > MAX_SETTLEMENTS {
        return Err(TripError::TooManySettlements {
            given: trip.stops.len(),
            max: MAX_SETTLEMENTS,
        });
    }
    if trip.lodgings.len() > MAX_LODGINGS {
        return Err(TripError::TooManyLodgings {
            given: trip.lodgings.len(),
            max: MAX_LODGINGS,
        });
    }
    let n = trip.stops.len();
    let size = 1 + n + trip.lodgings.len();
    let mut problem = TripProblem {
        matrix: Matrix {
            size,
            durations: vec![0; size * size],
            distances: vec![0; size * size],
            costs: None,
        },
        depots: vec![0; trip.vehicles],
        settlements: trip
            .stops
            .iter()
            .zip(1..)
            .map(|(s, location)| Settlement {
                location,
                service_s: s.service_s,
                days: s.days.clone(),
                windows: s.windows.clone(),
                priority: s.priority,
            })
            .collect(),
        lodgings: (n + 1..size).collect(),
        days: trip.days,
        hours: trip.hours,
        max_driving_s: trip.max_driving_s,
        overnight: trip.overnight,
    };
    problem.validate()?;
    let points: Vec<LonLat> = trip.stops.iter().map(|s| s.point.at).collect();
    let reached = reach(
        engine,
        &trip.profile,
        trip.origin,
        &points,
        &ReachOptions {
            exclude: trip.exclude,
            ..ReachOptions::default()
        },
    )?;
    let locs: Vec<Location> = std::iter::once(trip.origin)
        .chain(points.iter().copied())
        .chain(trip.lodgings.iter().map(|l| l.at))
        .map(|p| Location::new(p.lon, p.lat))
        .collect();
    problem.matrix = engine
        .solver_matrix_with(&trip.profile, &locs, trip.exclude)?
        .matrix;
    let mut itinerary = solve(&problem, config)?;
    for (i, why) in &mut itinerary.unplanned {
        if let Unplanned::NotReachable(r) = why {
            r.clone_from(&reached[*i].reason);
        }
    }
    let at = |night: NightAt| match night {
        NightAt::Home => trip.origin,
        NightAt::Settlement(i) => trip.stops[i].point.at,
        NightAt::Lodging(j) => trip.lodgings[j].at,
    };
    let mut geometry = Vec::with_capacity(itinerary.vehicles.len());
    for v in &itinerary.vehicles {
        let mut days = Vec::with_capacity(v.days.len());
        for d in &v.days {
            if d.driving_s == 0 && d.distance_m == 0 {
                days.push(Vec::new());
                continue;
            }
            let via: Vec<Location> = std::iter::once(at(d.from))
                .chain(d.visits.iter().map(|x| trip.stops[x.settlement].point.at))
                .chain(std::iter::once(at(d.night)))
                .map(|p| Location::new(p.lon, p.lat))
                .collect();
            let opts = RouteOptions {
                exclude: trip.exclude,
                ..RouteOptions::default()
            };
            days.push(engine.route_with(&trip.profile, &via, opts)?.coordinates());
        }
        geometry.push(days);
    }
    Ok(RoadItinerary {
        problem,
        itinerary,
        geometry,
    })
}
