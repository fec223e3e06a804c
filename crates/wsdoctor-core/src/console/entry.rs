//! One thing that happened in a session, as the log, its spill files, the exports and the front ends
//! see it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::framework::{Decoded, Dialect};

/// Microseconds since the Unix epoch: when an entry happened.
pub(crate) fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Which way a frame went; `local` for what the session itself reports (connecting, errors, reconnects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    In,
    Out,
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum EntryKind {
    Text,
    Binary,
    Ping,
    Pong,
    Close,
    Open,
    Connecting,
    Error,
    Reconnect,
    Info,
}

/// One thing that happened in a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[ts(type = "number")]
    pub seq: u64,
    /// Microseconds since the Unix epoch.
    #[ts(type = "number")]
    pub at_us: u64,
    pub direction: Direction,
    pub kind: EntryKind,
    /// Payload size in bytes (0 for local events).
    pub size: u32,
    /// A text payload, or the explanation of a local event or a close.
    pub text: Option<String>,
    /// A binary (or ping/pong) payload, base64.
    pub data: Option<String>,
    /// For a pong: the round trip of the ping it answers.
    pub rtt_ms: Option<f64>,
    /// For a close: its code.
    pub code: Option<u16>,
    /// The frame read at its protocol's level, in a framework session (the raw frame stays in `text` or
    /// `data`).
    pub decoded: Option<Decoded>,
}

impl Entry {
    /// An entry that happens now; the log numbers it.
    pub(crate) fn now(
        direction: Direction,
        kind: EntryKind,
        size: usize,
        text: Option<String>,
        data: Option<String>,
    ) -> Entry {
        Entry {
            seq: 0,
            at_us: now_us(),
            direction,
            kind,
            size: size as u32,
            text,
            data,
            rtt_ms: None,
            code: None,
            decoded: None,
        }
    }

    /// Whether this is the entry after which a session speaking `dialect` can be spoken to: the upgrade
    /// for plain WebSocket, else the frame that joined its protocol (the namespace's CONNECT, CONNECTED,
    /// `connection_ack`).
    pub fn joins(&self, dialect: Dialect) -> bool {
        match dialect {
            Dialect::Websocket => self.kind == EntryKind::Open,
            _ => {
                self.direction == Direction::In
                    && self.decoded.as_ref().is_some_and(|d| dialect.joined_by(d))
            }
        }
    }
}
