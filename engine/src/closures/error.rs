//! Why a closure was refused.

/// Why a closure was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClosureError {
    /// A field is malformed, out of range, or names what the road graphs do not have.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (JSON path).
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl From<ClosureError> for crate::board::BoardError {
    fn from(e: ClosureError) -> Self {
        match e {
            ClosureError::Invalid { field, message } => crate::board::BoardError::Invalid {
                field: field.to_owned(),
                message,
            },
        }
    }
}
