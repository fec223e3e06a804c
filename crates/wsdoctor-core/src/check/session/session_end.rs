//! How an open connection ended, when the server ended it: a close frame, a drop, a broken protocol, a
//! close code that may not be sent, or a server that stopped reading; read from what tungstenite said.

use std::time::Duration;

use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::error::ProtocolError;

use crate::close_code;

/// What may wait in the write buffer beyond the message being sent (the size probe's): past this, a
/// server that reads nothing is named as not reading instead of the buffer growing.
pub(in crate::check) const WRITE_SLACK_BYTES: usize = 1 << 20;
/// How the connection ended, when the server ended it.
#[derive(Debug, Clone)]
pub(in crate::check) enum Ended {
    Closed {
        code: u16,
        reason: String,
        after: Duration,
    },
    Dropped {
        detail: String,
        after: Duration,
    },
    Invalid {
        code: &'static str,
        detail: String,
    },
    /// The server sent a close frame whose code may not be sent (999, 1005, 1006 on the wire);
    /// tungstenite answered it with 1002 on WS Doctor's behalf.
    InvalidClose {
        wire: u16,
        after: Duration,
    },
    /// What WS Doctor had to send did not leave within the step's deadline, or the write buffer filled:
    /// the server stopped reading.
    NotReading {
        detail: String,
    },
}

impl Ended {
    pub(in crate::check) fn describe(&self) -> String {
        match self {
            Ended::Closed {
                code,
                reason,
                after,
            } => format!(
                "the server closed the connection after {:.1} s: {}{}",
                after.as_secs_f32(),
                close_code::meaning(*code),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(" (reason: \"{reason}\")")
                }
            ),
            Ended::Dropped { detail, after } => {
                format!(
                    "the connection dropped after {:.1} s without a close frame (1006): {detail}",
                    after.as_secs_f32()
                )
            }
            Ended::Invalid { detail, .. } => format!(
                "the server broke the protocol: {detail}; WS Doctor closed the connection with 1002 (protocol error), as clients must"
            ),
            Ended::InvalidClose { wire, after } => format!(
                "the server closed the connection after {:.1} s with code {wire}, which may not be sent in a close frame; WS Doctor answered with 1002 (protocol error)",
                after.as_secs_f32()
            ),
            Ended::NotReading { detail } => format!("the server stopped reading: {detail}"),
        }
    }
}

pub(in crate::check) fn classify_error(error: tungstenite::Error, after: Duration) -> Ended {
    match error {
        tungstenite::Error::Utf8(detail) => Ended::Invalid {
            code: "frame.invalid_utf8",
            detail: format!("a text message is not valid UTF-8 ({detail})"),
        },
        tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)
        | tungstenite::Error::ConnectionClosed
        | tungstenite::Error::AlreadyClosed => Ended::Dropped {
            detail: "reset without a closing handshake".into(),
            after,
        },
        tungstenite::Error::Io(io) => Ended::Dropped {
            detail: io.to_string(),
            after,
        },
        tungstenite::Error::Protocol(protocol) => Ended::Invalid {
            code: "frame.protocol_error",
            detail: protocol.to_string(),
        },
        tungstenite::Error::WriteBufferFull(_) => Ended::NotReading {
            detail: format!(
                "more than {} KB waited to be sent (pongs owed to its pings, or a message) while it read nothing",
                WRITE_SLACK_BYTES / 1024
            ),
        },
        tungstenite::Error::Capacity(capacity) => Ended::Invalid {
            code: "frame.protocol_error",
            detail: format!("{capacity} (the probe accepts up to 64 MB)"),
        },
        other => Ended::Invalid {
            code: "frame.protocol_error",
            detail: other.to_string(),
        },
    }
}
