//! Errors of the dispatch use cases.

use thiserror::Error;

/// Why a dispatch query (snap, route, table, trip) could not be answered.
#[derive(Debug, Error)]
pub enum DispatchError {
    /// A graph file could not be read.
    #[error(transparent)]
    File(#[from] crate::graph::file::FileError),
    /// No graph is loaded for the named profile.
    #[error("unknown profile {profile:?}")]
    UnknownProfile {
        /// The profile asked for.
        profile: String,
    },
    /// The profile is loaded already.
    #[error("profile {profile:?} is loaded twice")]
    DuplicateProfile {
        /// The profile.
        profile: String,
    },
    /// A coordinate is NaN, infinite or outside the WGS84 ranges.
    #[error("coordinate {index} ({lon}, {lat}) is not a valid WGS84 position")]
    InvalidCoordinate {
        /// Index of the coordinate in the request.
        index: usize,
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
    /// A search radius is negative or NaN.
    #[error("radius {radius} of coordinate {index} is not a non-negative number of metres")]
    InvalidRadius {
        /// Index of the coordinate in the request.
        index: usize,
        /// The radius given.
        radius: f64,
    },
    /// A coordinate is farther than its radius from every road of the profile.
    #[error("coordinate {index} could not be snapped to a road: {reason}")]
    NoSegment {
        /// Index of the coordinate in the request.
        index: usize,
        /// What the spatial index reported (names the distance to the nearest road).
        reason: String,
    },
    /// Too few coordinates for the query.
    #[error("{needed} coordinates are needed, {given} were given")]
    TooFewCoordinates {
        /// The minimum.
        needed: usize,
        /// How many were given.
        given: usize,
    },
    /// An index (source, destination, start, end) names no coordinate.
    #[error("{what} index {index} is out of range for {count} coordinates")]
    IndexOutOfRange {
        /// Which option holds the index.
        what: &'static str,
        /// The index.
        index: usize,
        /// Number of coordinates.
        count: usize,
    },
    /// No path joins two consecutive waypoints.
    #[error("no route from coordinate {from} to coordinate {to}")]
    NoRoute {
        /// Index of the leg's start coordinate.
        from: usize,
        /// Index of the leg's end coordinate.
        to: usize,
    },
    /// The trip could not be solved (the stops cannot be joined).
    #[error("no trip joins the coordinates: {reason}")]
    NoTrip {
        /// Why.
        reason: String,
    },
    /// A request excludes a class of roads that its profile does not declare (or that no
    /// profile knows); the message lists the profile's classes.
    #[error(
        "Exclude flag combination is not supported: profile {profile} cannot exclude {class} (its classes: {classes})"
    )]
    ExcludeNotSupported {
        /// The profile.
        profile: String,
        /// The class's name as given (cut to 40 characters).
        class: String,
        /// The classes the profile declares, `,`-separated (`none` when it declares none).
        classes: String,
    },
    /// A search or an answer went past a bound (settled nodes, memory).
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// A lower layer failed for a reason that is not the caller's input.
    #[error("internal error: {0}")]
    Internal(String),
}
