//! Errors of trip planning: bad input and missing data. A settlement that does not fit is
//! no error; it comes back in [`Itinerary::unplanned`](super::Itinerary::unplanned) with a
//! reason.

use thiserror::Error;

use crate::dispatch::DispatchError;
use crate::reachability::ReachError;

use super::check::Violation;

/// Why a trip cannot be planned.
#[derive(Debug, Error)]
pub enum TripError {
    /// Zero days were asked for.
    #[error("the trip has zero days; give at least one")]
    NoDays,
    /// More days than a trip may have.
    #[error("{given} days were asked for, at most {max} are planned")]
    TooManyDays {
        /// Days asked for.
        given: u32,
        /// The bound.
        max: u32,
    },
    /// No vehicle, or more than a trip may have.
    #[error("{given} vehicles were given, a trip takes 1 to {max}")]
    VehicleCount {
        /// Vehicles given.
        given: usize,
        /// The bound.
        max: usize,
    },
    /// More settlements than a trip may have.
    #[error("{given} settlements were given, at most {max} are planned")]
    TooManySettlements {
        /// Settlements given.
        given: usize,
        /// The bound.
        max: usize,
    },
    /// More lodging points than a trip may have.
    #[error("{given} lodging points were given, at most {max} are taken")]
    TooManyLodgings {
        /// Lodging points given.
        given: usize,
        /// The bound.
        max: usize,
    },
    /// The working hours are empty or leave the day (start must be before end, end at most
    /// 24:00).
    #[error("working hours {start_s} s..{end_s} s are not a span within one day")]
    InvalidHours {
        /// Start, seconds after midnight.
        start_s: u32,
        /// End, seconds after midnight.
        end_s: u32,
    },
    /// The daily driving limit is zero.
    #[error("the daily driving limit is zero")]
    NoDriving,
    /// The `lodging` overnight policy without any lodging point.
    #[error("overnight at lodging points was asked for, but no lodging point was given")]
    NoLodging,
    /// A location index lies outside the matrix.
    #[error("{what} uses location {location}, but the matrix has {size}")]
    LocationOutOfRange {
        /// Which point (`depot of vehicle 0`, `settlement 3`, `lodging 1`).
        what: String,
        /// The location index.
        location: usize,
        /// Matrix size.
        size: usize,
    },
    /// The matrix arrays do not hold `size × size` cells.
    #[error("the matrix has size {size} but {cells} cells")]
    MatrixShape {
        /// Its declared size.
        size: usize,
        /// Cells in the shorter of its arrays.
        cells: usize,
    },
    /// A time window of a settlement ends before it starts.
    #[error(
        "settlement {settlement} has a time window {start_s} s..{end_s} s that ends before it starts"
    )]
    ContradictoryWindow {
        /// Index of the settlement.
        settlement: usize,
        /// Window start, seconds after midnight.
        start_s: u32,
        /// Window end, seconds after midnight.
        end_s: u32,
    },
    /// A time window of a settlement lies wholly outside the working hours.
    #[error(
        "settlement {settlement} has a time window {start_s} s..{end_s} s outside the working hours {hours_start_s} s..{hours_end_s} s"
    )]
    WindowOutsideHours {
        /// Index of the settlement.
        settlement: usize,
        /// Window start, seconds after midnight.
        start_s: u32,
        /// Window end, seconds after midnight.
        end_s: u32,
        /// Working hours start.
        hours_start_s: u32,
        /// Working hours end.
        hours_end_s: u32,
    },
    /// A settlement is allowed on a day past the trip's last.
    #[error(
        "settlement {settlement} is allowed on day {day} (counted from 1), but the trip has {days} days"
    )]
    DayOutOfRange {
        /// Index of the settlement.
        settlement: usize,
        /// The day, counted from 1.
        day: u32,
        /// Days of the trip.
        days: u32,
    },
    /// The graph files carry no places, so place names or ids cannot be resolved.
    #[error("the loaded graph files carry no places (import them with vmeste import)")]
    NoPlaces,
    /// A place name or id names no place of the extract.
    #[error("no place of the extract is named or numbered {0:?}")]
    UnknownPlace(String),
    /// The origin or a point could not be used (unknown profile, origin off the roads, NaN).
    #[error(transparent)]
    Reach(#[from] ReachError),
    /// The routing layer failed (a search exceeded its bound).
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    /// The itinerary the search built fails the independent checker (a bug).
    #[error("internal error: the planned itinerary fails the checker: {0}")]
    CheckFailed(Box<Violation>),
}
