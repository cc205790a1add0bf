//! What the dispatch use cases answer: snapped waypoints, routes with legs, tables, trips.
//!
//! Units: metres (`_m`) and seconds (`_s`) as `f64`; positions as [`LonLat`]. Nothing here
//! carries a dense graph id, so it can go on the wire as is.

use crate::osm::{Junction, RoadClass};
use crate::types::{LonLat, OsmNodeId, OsmWayId};

/// A request coordinate snapped onto the road graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Waypoint {
    /// The position as given.
    pub input: LonLat,
    /// The snapped position, on a road.
    pub location: LonLat,
    /// Distance from `input` to `location`, in metres.
    pub distance_m: f64,
    /// Name of the road it snapped to (`""` when unnamed).
    pub name: String,
    /// OSM ids of the two graph nodes that end the road segment it snapped to.
    pub nodes: [OsmNodeId; 2],
    /// Where it snapped, to pass back in a later request ([`Location::hint`]).
    pub hint: super::Hint,
}

/// One piece of a leg's geometry, between two consecutive coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegSegment {
    /// Length, in metres.
    pub distance_m: f64,
    /// Travel time, in seconds.
    pub duration_s: f64,
}

/// A run of consecutive segments along one road (same name), in travel order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoadSpan {
    /// Street name (`""` when unnamed).
    pub name: String,
    /// Index of its first segment in [`Leg::segments`].
    pub first_segment: usize,
    /// Number of segments (at least one).
    pub num_segments: usize,
}

/// One road at an intersection a leg passes, seen from the intersection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntersectionRoad {
    /// Bearing of the road leaving the intersection, degrees clockwise from north (0..360).
    pub bearing: u16,
    /// Whether the road may be taken from the intersection (false for one-way roads that
    /// arrive there, and for the road the leg arrives by unless the leg turns back on it).
    pub entry: bool,
    /// Road class.
    pub class: RoadClass,
    /// Roundabout or traffic circle membership.
    pub junction: Junction,
    /// Street name (`""` when unnamed).
    pub name: String,
}

/// A graph node (an intersection) that a leg passes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intersection {
    /// Index of the intersection's point in [`Leg::coordinates`].
    pub point: usize,
    /// Every road at the intersection, by increasing bearing.
    pub roads: Vec<IntersectionRoad>,
    /// Index in `roads` of the road the leg arrives by.
    pub in_road: usize,
    /// Index in `roads` of the road the leg leaves by.
    pub out_road: usize,
}

/// The shape of a roundabout or traffic circle a leg enters, found by walking its ring.
#[derive(Clone, Debug, PartialEq)]
pub struct Ring {
    /// Mean distance of the ring's points from their centroid, in metres.
    pub radius_m: f64,
    /// Number of roads that leave the ring, all around it.
    pub exits: usize,
    /// Whether the walk came back to its start (a complete ring).
    pub closed: bool,
    /// Name of the ring's road at the entry (`""` when unnamed).
    pub name: String,
}

/// The part of a leg along one graph edge, with the road's attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct LegEdge {
    /// Index of its first segment in [`Leg::segments`].
    pub first_segment: usize,
    /// Number of segments (at least one).
    pub num_segments: usize,
    /// The OSM way.
    pub way: OsmWayId,
    /// Street name (`""` when unnamed).
    pub name: String,
    /// `ref` (`""` when untagged).
    pub reference: String,
    /// `destination` (`""` when untagged).
    pub destination: String,
    /// Road class.
    pub class: RoadClass,
    /// Roundabout or traffic circle membership.
    pub junction: Junction,
    /// Whether it is a ferry crossing.
    pub ferry: bool,
    /// The intersection at its start; `None` for the leg's first edge.
    pub intersection: Option<Intersection>,
    /// The ring, on the first edge of each run of traffic-circle edges.
    pub ring: Option<Ring>,
}

/// The path between two consecutive waypoints.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    /// Length, in metres (the sum of the segments').
    pub distance_m: f64,
    /// Travel time, in seconds (the sum of the segments').
    pub duration_s: f64,
    /// Geometry from the start waypoint's snapped location to the end's (at least 2 points).
    pub coordinates: Vec<LonLat>,
    /// `coordinates.len() - 1` segments: segment `i` runs from point `i` to point `i + 1`.
    pub segments: Vec<LegSegment>,
    /// The roads taken, in order; together they cover every segment exactly once.
    pub spans: Vec<RoadSpan>,
    /// OSM node id of every point of `coordinates` (OSRM's `annotation.nodes`): a point
    /// between two OSM nodes (a snapped start or end) gets the node before it (start) or
    /// after it (end). Empty for a [`stationary`](Self::stationary) leg.
    pub nodes: Vec<OsmNodeId>,
    /// The graph edges taken, in order, covering every segment exactly once; empty for a
    /// [`stationary`](Self::stationary) leg.
    pub edges: Vec<LegEdge>,
}

impl Leg {
    /// A leg that does not move: start and end are the same snapped point.
    #[must_use]
    pub fn stationary(at: LonLat, name: &str) -> Self {
        Self {
            distance_m: 0.0,
            duration_s: 0.0,
            coordinates: vec![at, at],
            segments: vec![LegSegment {
                distance_m: 0.0,
                duration_s: 0.0,
            }],
            spans: vec![RoadSpan {
                name: name.to_owned(),
                first_segment: 0,
                num_segments: 1,
            }],
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// A leg known by its totals only (see
    /// [`RouteOptions::totals_only`](super::RouteOptions::totals_only)): one straight segment
    /// from `from` to `to` carrying the whole distance and time, no nodes and no edges.
    #[must_use]
    pub fn totals(from: LonLat, to: LonLat, distance_m: f64, duration_s: f64) -> Self {
        Self {
            distance_m,
            duration_s,
            coordinates: vec![from, to],
            segments: vec![LegSegment {
                distance_m,
                duration_s,
            }],
            spans: vec![RoadSpan {
                name: String::new(),
                first_segment: 0,
                num_segments: 1,
            }],
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }
}

/// A route through waypoints in the given order.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The snapped waypoints, one per request coordinate.
    pub waypoints: Vec<Waypoint>,
    /// `waypoints.len() - 1` legs.
    pub legs: Vec<Leg>,
}

impl Route {
    /// Total length, in metres.
    #[must_use]
    pub fn distance_m(&self) -> f64 {
        self.legs.iter().map(|l| l.distance_m).sum()
    }

    /// Total travel time, in seconds.
    #[must_use]
    pub fn duration_s(&self) -> f64 {
        self.legs.iter().map(|l| l.duration_s).sum()
    }

    /// The whole geometry: the legs' coordinates joined, without repeating shared points.
    #[must_use]
    pub fn coordinates(&self) -> Vec<LonLat> {
        let mut out: Vec<LonLat> = Vec::new();
        for leg in &self.legs {
            let skip = usize::from(!out.is_empty());
            out.extend(leg.coordinates.iter().skip(skip));
        }
        out
    }
}

/// A travel-time and distance matrix between snapped sources and destinations.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The snapped sources (rows).
    pub sources: Vec<Waypoint>,
    /// The snapped destinations (columns).
    pub destinations: Vec<Waypoint>,
    /// Row-major travel times in seconds; `None` when unreachable.
    pub durations_s: Vec<Option<f64>>,
    /// Row-major distances in metres; `None` when unreachable.
    pub distances_m: Vec<Option<f64>>,
}

impl Table {
    /// The cell `(row, col)`: `(duration_s, distance_m)`, `None` when unreachable.
    ///
    /// # Panics
    /// When `row` or `col` is out of range.
    #[must_use]
    pub fn cell(&self, row: usize, col: usize) -> Option<(f64, f64)> {
        assert!(
            row < self.sources.len() && col < self.destinations.len(),
            "cell out of range"
        );
        let i = row * self.destinations.len() + col;
        self.durations_s[i].zip(self.distances_m[i])
    }
}

/// Where a trip may start and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TripEnds {
    /// Come back to the start at the end.
    pub roundtrip: bool,
    /// The trip must start at the first coordinate.
    pub first_is_start: bool,
    /// The trip must end at the last coordinate.
    pub last_is_end: bool,
}

/// One trip: the best visiting order of a group of coordinates, with its route.
#[derive(Clone, Debug, PartialEq)]
pub struct Trip {
    /// Visiting order: `order[k]` is the index (in the request) of the `k`-th stop.
    pub order: Vec<usize>,
    /// The route through the stops in that order (back to the first when round trip).
    pub route: Route,
}

/// A request coordinate and how far from it to look for a road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    /// The position.
    pub position: LonLat,
    /// Search radius in metres; `None` = the profile's default.
    pub radius_m: Option<f64>,
    /// Where an earlier request snapped this coordinate ([`Waypoint::hint`]): used instead of
    /// snapping when it was made on the same graph and lies within the radius.
    pub hint: Option<super::Hint>,
    /// Only roads that can be travelled at `(bearing, range)` degrees (clockwise from north,
    /// ± range) qualify (OSRM's `bearings`); `None`: any road.
    pub bearing: Option<(f64, f64)>,
}

impl Location {
    /// A location with the profile's default radius.
    #[must_use]
    pub const fn new(lon: f64, lat: f64) -> Self {
        Self {
            position: LonLat::new(lon, lat),
            radius_m: None,
            hint: None,
            bearing: None,
        }
    }
}
