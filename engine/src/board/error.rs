//! Why a board operation was refused.

use super::access::Denied;
use super::model::RequestStatus;
use super::store::StoreError;

/// Why a board operation was refused. Each variant maps to one HTTP status in the server.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// A field is malformed or out of range (HTTP 422).
    #[error("{field}: {message}")]
    Invalid {
        /// The field (JSON path).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No such record, or one the caller may not know of (HTTP 404).
    #[error("{what} {id} not found")]
    NotFound {
        /// Kind of record.
        what: &'static str,
        /// Identifier.
        id: i64,
    },
    /// The caller's role does not allow this (HTTP 403).
    #[error("forbidden: {0}")]
    Denied(#[from] Denied),
    /// The request's status does not allow this step (HTTP 409).
    #[error("a request cannot go from {from} to {to}; allowed: {allowed:?}", from = .from.as_str(), to = .to.as_str())]
    IllegalTransition {
        /// Current status.
        from: RequestStatus,
        /// Asked status.
        to: RequestStatus,
        /// Statuses allowed from `from`.
        allowed: Vec<RequestStatus>,
    },
    /// The step conflicts with the state of another record (HTTP 409): the volunteer is off,
    /// at their maximum, lacks a skill, belongs to another headquarters.
    #[error("{0}")]
    Conflict(String),
    /// The record changed since the version the change was made from (HTTP 412).
    #[error(
        "version mismatch: the record is at version {current}, the change was made from {given}"
    )]
    VersionMismatch {
        /// Stored version.
        current: i64,
        /// Version the change named.
        given: i64,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for BoardError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict {
                expected, found, ..
            } => BoardError::VersionMismatch {
                current: found,
                given: expected,
            },
            other => BoardError::Store(other),
        }
    }
}

/// Shorthand for an [`BoardError::Invalid`].
pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> BoardError {
    BoardError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}
