//! Where a session's entries go: each frame and event numbered into the shared log, the status the front
//! ends read, and the follower that gets every entry in order (whose full channel holds the session, as
//! TCP backpressure, rather than dropping an entry).

use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::entry::{Direction, Entry, EntryKind};
use super::{SessionState, Shared};
use crate::close_code;
use crate::framework::Decoded;

/// Where a session's entries go: the shared log (and status) the front ends read, and the follower that
/// gets every entry in order.
pub(super) struct Recording {
    pub(super) shared: Arc<Mutex<Shared>>,
    pub(super) changed: Arc<Notify>,
    /// Gets every entry, in order; a full channel holds the session until the follower catches up.
    pub(super) follower: Option<mpsc::Sender<Entry>>,
    pub(super) stop: CancellationToken,
}

impl Recording {
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Shared) -> T) -> T {
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut shared)
    }

    pub(super) async fn push(
        &self,
        direction: Direction,
        kind: EntryKind,
        size: usize,
        text: Option<String>,
        data: Option<String>,
        decoded: Option<Decoded>,
    ) {
        self.push_entry(Entry {
            decoded,
            ..Entry::now(direction, kind, size, text, data)
        })
        .await;
    }

    pub(super) async fn push_entry(&self, entry: Entry) {
        let following = self.follower.is_some();
        let (seq, entry) = self.with(|s| {
            match entry.direction {
                Direction::In if matches!(entry.kind, EntryKind::Text | EntryKind::Binary) => {
                    s.status.messages_in += 1;
                    s.status.bytes_in += u64::from(entry.size);
                }
                Direction::Out if matches!(entry.kind, EntryKind::Text | EntryKind::Binary) => {
                    s.status.messages_out += 1;
                    s.status.bytes_out += u64::from(entry.size);
                }
                _ => {}
            }
            if let Some(rtt) = entry.rtt_ms {
                s.status.last_rtt_ms = Some(rtt);
            }
            if !s.status.joined && entry.joins(s.status.dialect) {
                s.status.joined = true;
            }
            // A follower gets the entries instead of the log: one copy of each, never two.
            if following {
                (s.log.number(), Some(entry))
            } else {
                (s.log.push(entry), None)
            }
        });
        self.changed.notify_waiters();
        if let (Some(follower), Some(entry)) = (&self.follower, entry) {
            let entry = Entry { seq, ..entry };
            // The usual case costs no wait; a full channel holds the session (and so the socket).
            if let Err(mpsc::error::TrySendError::Full(entry)) = follower.try_send(entry) {
                tokio::select! {
                    _ = follower.send(entry) => {}
                    _ = self.stop.cancelled() => {}
                }
            }
        }
    }

    pub(super) async fn local(&self, kind: EntryKind, text: String) {
        self.push(Direction::Local, kind, 0, Some(text), None, None)
            .await;
    }

    pub(super) fn state(&self, state: SessionState) {
        self.with(|s| {
            s.status.state = state;
            if state != SessionState::Open {
                s.status.joined = false;
            }
        });
        self.changed.notify_waiters();
    }
}

/// A close frame as an entry, with the meaning of its code.
pub(super) fn close_entry(direction: Direction, code: u16, reason: &str) -> Entry {
    let quoted = if reason.is_empty() {
        String::new()
    } else {
        format!(" — \"{reason}\"")
    };
    Entry {
        code: Some(code),
        ..Entry::now(
            direction,
            EntryKind::Close,
            reason.len() + 2,
            Some(format!("{}{quoted}", close_code::meaning(code))),
            None,
        )
    }
}
