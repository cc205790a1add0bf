//! Errors of reading an `.osm.pbf` file.

use std::path::PathBuf;

use thiserror::Error;

/// Why an extract could not be imported.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file does not exist.
    #[error("{path}: no such file")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file does not start with an OSM PBF header block.
    #[error("{path}: not an OSM PBF file ({reason})")]
    NotPbf {
        /// The path given.
        path: PathBuf,
        /// What was found instead.
        reason: &'static str,
    },
    /// The file ends inside a block.
    #[error(
        "{path}: truncated PBF: the block at byte {offset} needs {needed} bytes, the file has {len}"
    )]
    Truncated {
        /// The path given.
        path: PathBuf,
        /// Byte offset of the cut block.
        offset: u64,
        /// Bytes the block needs from `offset` on.
        needed: u64,
        /// Length of the file.
        len: u64,
    },
    /// A block is framed correctly but its content cannot be decoded.
    #[error("{path}: corrupt PBF block at byte {offset}: {detail}")]
    CorruptBlob {
        /// The path given.
        path: PathBuf,
        /// Byte offset of the block.
        offset: u64,
        /// The decoder's message.
        detail: String,
    },
    /// A node needed by a road has coordinates outside the WGS84 range.
    #[error(
        "{path}: node {id} has coordinates out of range (lon {lon}, lat {lat} in 1e-7 degrees)"
    )]
    BadCoordinates {
        /// The path given.
        path: PathBuf,
        /// OSM id of the node.
        id: i64,
        /// Longitude, 1e-7 degree.
        lon: i32,
        /// Latitude, 1e-7 degree.
        lat: i32,
    },
    /// The file holds no way this profile can use.
    #[error("{path}: no routable roads for profile {profile}")]
    NoRoutableRoads {
        /// The path given.
        path: PathBuf,
        /// The profile name.
        profile: &'static str,
    },
    /// The network exceeds the `u32` id space.
    #[error("{path}: too many {what} ({count})")]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// "nodes" or "way nodes".
        what: &'static str,
        /// How many there are.
        count: usize,
    },
}
