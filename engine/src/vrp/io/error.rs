//! Errors of the instance and solution readers.

use std::path::PathBuf;

use thiserror::Error;

/// Why an instance or solution file could not be read. Line numbers are 1-based.
#[derive(Debug, Error)]
pub enum IoError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The content matches none of the known formats.
    #[error("unknown instance format (expected Solomon, VRPLIB, Li & Lim or JSON)")]
    UnknownFormat,
    /// A line does not have the expected shape.
    #[error("line {line}: expected {expected}, found {found:?}")]
    Syntax {
        /// Line number.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was there (truncated).
        found: String,
    },
    /// A number is out of its allowed range (negative size, fraction where a whole number is
    /// needed, too large for the model's integer units, …).
    #[error("line {line}: {what} = {value} is out of range")]
    OutOfRange {
        /// Line number.
        line: usize,
        /// Which field.
        what: &'static str,
        /// The value read.
        value: f64,
    },
    /// A required header, section or line is absent.
    #[error("missing {what}")]
    Missing {
        /// What is missing.
        what: &'static str,
    },
    /// A count exceeds what the reader accepts (matrices grow with its square).
    #[error("{what}: {count} exceeds the limit {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// The count.
        count: u64,
        /// The largest accepted.
        limit: u64,
    },
    /// A declared count disagrees with what the file holds.
    #[error("{what}: {declared} declared, {found} found")]
    CountMismatch {
        /// What is counted.
        what: &'static str,
        /// Declared in a header.
        declared: u64,
        /// Found in the file.
        found: u64,
    },
    /// An id appears twice.
    #[error("line {line}: duplicate id {id}")]
    DuplicateId {
        /// Line number.
        line: usize,
        /// The id.
        id: u64,
    },
    /// An id names no node or task of the instance.
    #[error("line {line}: unknown id {id}")]
    UnknownId {
        /// Line number.
        line: usize,
        /// The id.
        id: u64,
    },
    /// A Li & Lim pickup or delivery has no consistent partner.
    #[error("line {line}: task {id} has no matching pickup/delivery partner")]
    Unpaired {
        /// Line number.
        line: usize,
        /// The task id.
        id: u64,
    },
    /// A VRPLIB feature this reader does not support.
    #[error("unsupported VRPLIB {what}: {value:?}")]
    Unsupported {
        /// Which key or section.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// The JSON form of the model does not parse.
    #[error("invalid JSON model: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON model parses but is inconsistent.
    #[error("invalid model: {what} (index {index})")]
    InvalidModel {
        /// What is wrong.
        what: &'static str,
        /// Index of the offending item in its list.
        index: usize,
    },
}
