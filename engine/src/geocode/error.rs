//! Errors of the geocoder.

use thiserror::Error;

/// Why a geocoding request or a stored gazetteer was refused.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GeocodeError {
    /// The query is longer than [`MAX_QUERY_BYTES`](super::MAX_QUERY_BYTES).
    #[error("query of {len} bytes is too long (at most {max})")]
    QueryTooLong {
        /// Bytes of the query.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The query has more words than [`MAX_QUERY_TOKENS`](super::MAX_QUERY_TOKENS).
    #[error("query has more than {max} words")]
    TooManyTokens {
        /// The bound.
        max: usize,
    },
    /// The requested number of answers is above the bound.
    #[error("limit {limit} is too large (at most {max})")]
    LimitTooLarge {
        /// The limit asked for.
        limit: usize,
        /// The bound.
        max: usize,
    },
    /// A bounding box is not `min_lon, min_lat, max_lon, max_lat` within WGS84 ranges.
    #[error("invalid bounding box {bbox:?} (expected min_lon,min_lat,max_lon,max_lat)")]
    InvalidBbox {
        /// The box given.
        bbox: [f64; 4],
    },
    /// The stored gazetteer section is damaged or of another version.
    #[error("gazetteer section malformed: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
}
