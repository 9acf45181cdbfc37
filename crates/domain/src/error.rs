//! The domain's refusals. Each variant carries a stable code (`area.reason`) that the API returns
//! and a Vietnamese message for people; the web layer maps them to HTTP statuses in one place.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A value that does not fit its type (too long, wrong characters, unknown enum value).
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    /// A change the rules refuse in the current state (e.g. work in a unit that was merged away).
    #[error("{message}")]
    Refused { code: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            code,
            message: message.into(),
        }
    }

    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { code, .. } | DomainError::Refused { code, .. } => code,
        }
    }
}
