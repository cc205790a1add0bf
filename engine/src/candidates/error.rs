//! Errors of the candidate ranking, the live positions and the coverage grid.

use thiserror::Error;

use crate::dispatch::DispatchError;

/// Why live positions could not be updated, or a ranking or coverage could not be answered.
///
/// Routine outcomes (a volunteer who cannot go, a position far from any road) are not
/// errors: they are exclusion reasons in the [`Ranking`](super::Ranking) and flags on the
/// [`LivePosition`](super::LivePosition).
#[derive(Debug, Error)]
pub enum CandidatesError {
    /// A reported position is NaN, infinite or outside the WGS84 ranges.
    #[error("position of volunteer {volunteer} ({lon}, {lat}) is not a valid WGS84 position")]
    InvalidPosition {
        /// The volunteer.
        volunteer: i64,
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// A field of the task is out of range.
    #[error("invalid task: {reason}")]
    InvalidTask {
        /// Which field, and why.
        reason: String,
    },
    /// A field of a volunteer's facts is out of range.
    #[error("invalid facts for volunteer {volunteer}: {reason}")]
    InvalidVolunteer {
        /// The volunteer.
        volunteer: i64,
        /// Which field, and why.
        reason: String,
    },
    /// The same volunteer is listed twice.
    #[error("volunteer {volunteer} is listed twice")]
    DuplicateVolunteer {
        /// The volunteer.
        volunteer: i64,
    },
    /// The live positions of a profile were snapped on another graph than the engine's
    /// (the graph was rebuilt or reloaded): rebuild the positions.
    #[error("live positions of profile {profile:?} were placed on another graph")]
    GraphChanged {
        /// The profile.
        profile: String,
    },
    /// The H3 resolution is not in 0..=15.
    #[error("invalid H3 resolution {resolution}: expected 0..=15")]
    InvalidResolution {
        /// The resolution given.
        resolution: u8,
    },
    /// A point of a coverage request is NaN, infinite or outside the WGS84 ranges.
    #[error("{what} point {index} ({lon}, {lat}) is not a valid WGS84 position")]
    InvalidPoint {
        /// `"demand"` or `"supply"`.
        what: &'static str,
        /// Index of the point in its list.
        index: usize,
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// The coverage would have more cells than allowed.
    #[error("coverage would have {cells} cells, more than the limit of {limit}")]
    TooManyCells {
        /// Cells the answer would have (at least).
        cells: usize,
        /// The limit.
        limit: usize,
    },
    /// The routing layer failed.
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
}
