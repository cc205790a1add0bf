//! VROOM's error shape: `{"code": 1|2|3, "error": "..."}` (1 internal, 2 input, 3 routing).

use serde_json::{Value, json};

/// VROOM's error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VroomCode {
    /// The server failed (1).
    Internal,
    /// The problem is malformed or asks for what vmeste does not support (2).
    Input,
    /// Routing failed (3).
    Routing,
}

impl VroomCode {
    /// The number on the wire.
    #[must_use]
    pub fn number(self) -> u8 {
        match self {
            Self::Internal => 1,
            Self::Input => 2,
            Self::Routing => 3,
        }
    }
}

/// A failed optimisation, in VROOM's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VroomError {
    /// Which kind.
    pub code: VroomCode,
    /// What went wrong, for the caller.
    pub message: String,
}

impl VroomError {
    /// An input error (code 2).
    #[must_use]
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            code: VroomCode::Input,
            message: message.into(),
        }
    }

    /// A routing error (code 3).
    #[must_use]
    pub fn routing(message: impl Into<String>) -> Self {
        Self {
            code: VroomCode::Routing,
            message: message.into(),
        }
    }

    /// An internal error (code 1).
    #[must_use]
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: VroomCode::Internal,
            message: message.into(),
        }
    }

    /// `{"code": N, "error": message}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({"code": self.code.number(), "error": self.message})
    }
}

impl std::fmt::Display for VroomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {})", self.message, self.code.number())
    }
}

impl std::error::Error for VroomError {}
