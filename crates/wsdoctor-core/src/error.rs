//! The core's one error type: every fallible public function returns [`Error`], whose `kind()` is a stable
//! machine-readable word the front ends pass on (the app's IPC edge turns it into `{kind, message}`, with
//! the request field an invalid value was in when [`Error::field`] names one).

use std::io;

/// Something the engine could not do, said so a person can act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user gave input the engine cannot use (a malformed URL, an unknown endpoint, ...).
    #[error("{0}")]
    InvalidInput(String),
    /// Like [`Error::InvalidInput`], and it is the value of one field of the request (named as the IPC
    /// request names it: `url`, `caFile`, `timeoutSecs`, ...), so a form can show it beside that field.
    #[error("{message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    /// A socket could not be bound or used.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    /// A TLS configuration or certificate could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// A saved profile (or one of its environments) that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A profile needs a secret that is not set; the message names it and where to set it.
    #[error("{0}")]
    NeedsSecret(String),
    /// The OS keyring cannot be used (none running, locked, refused); the message says which.
    #[error("{0}")]
    Keyring(String),
}

impl Error {
    /// A short, stable word for the kind of error (`invalid_input`, `io`, `tls`, `not_found`, `needs_secret`,
    /// `keyring`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) | Error::InvalidField { .. } => "invalid_input",
            Error::Io { .. } => "io",
            Error::Tls(_) => "tls",
            Error::NotFound(_) => "not_found",
            Error::NeedsSecret(_) => "needs_secret",
            Error::Keyring(_) => "keyring",
        }
    }

    /// The request field this error is about, if it is about one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// This error, said to be about `field` (a message of any other kind keeps its words).
    pub(crate) fn on(self, field: &'static str) -> Self {
        match self {
            Error::InvalidField { .. } => self,
            other => Error::InvalidField {
                field,
                message: other.to_string(),
            },
        }
    }

    /// An invalid value of `field`.
    pub(crate) fn field_value(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidField {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
