//! Following a session as it runs, the one way every front end does it: [`Follow::every`] hands over each
//! entry in order through the session's follower channel (the CLI prints them all; a slow reader pauses the
//! socket instead of losing entries), and [`Follow::window`] sends the newest entries in batches, skipping
//! what a slow reader cannot keep up with (the app's view pages back for those through the session's log).

use std::time::Duration;

use tokio::sync::mpsc;

use super::{ConsoleSession, Entry, SessionStatus};

/// How long a window follower waits for something new before it sends the status again anyway (a
/// heartbeat's countdown, a reconnect attempt).
const STATUS_EVERY: Duration = Duration::from_millis(500);

/// What a follower has to show now.
#[derive(Debug, Clone)]
pub struct FollowBatch {
    pub entries: Vec<Entry>,
    pub status: SessionStatus,
    /// Entries passed over since the previous batch to keep up (still in the session's log).
    pub skipped: u64,
    /// More entries are already waiting (a printer flushes when this is false).
    pub more: bool,
}

/// A session's follower. [`Follow::next`] is cancel-safe: it can sit in a `select!` beside other work.
pub enum Follow {
    Every {
        entries: mpsc::Receiver<Entry>,
        max: usize,
    },
    Window {
        last: u64,
        max: usize,
        started: bool,
        done: bool,
    },
}

impl Follow {
    /// A follower of every entry, and the sender to put in `SessionConfig::follower`; at most `backlog`
    /// entries wait between the session and the reader, and a batch holds at most `max`.
    pub fn every(backlog: usize, max: usize) -> (Follow, mpsc::Sender<Entry>) {
        let (sender, entries) = mpsc::channel(backlog.max(1));
        (
            Follow::Every {
                entries,
                max: max.max(1),
            },
            sender,
        )
    }

    /// A follower of the newest entries, at most `max` a batch, for a session that keeps its log.
    pub fn window(max: usize) -> Follow {
        Follow::Window {
            last: 0,
            max: max.max(1),
            started: false,
            done: false,
        }
    }

    /// The next batch, once there is one (a window follower sends the status at least every 500 ms);
    /// `None` when the session has ended and everything it recorded was handed over.
    pub async fn next(&mut self, session: &ConsoleSession) -> Option<FollowBatch> {
        match self {
            Follow::Every { entries, max } => {
                let mut batch = Vec::with_capacity((*max).min(1024));
                if entries.recv_many(&mut batch, *max).await == 0 {
                    return None;
                }
                Some(FollowBatch {
                    entries: batch,
                    status: session.status(),
                    skipped: 0,
                    more: !entries.is_empty(),
                })
            }
            Follow::Window {
                last,
                max,
                started,
                done,
            } => {
                if *done {
                    return None;
                }
                if *started && session.status().last_seq == *last && !session.is_finished() {
                    let _ = tokio::time::timeout(STATUS_EVERY, session.changed()).await;
                }
                *started = true;
                // Read before the entries: a session that ends after this read is seen next time.
                let finished = session.is_finished();
                let status = session.status();
                let window = *max as u64;
                let mut skipped = 0;
                if status.last_seq.saturating_sub(*last) > window {
                    skipped = status.last_seq - window - *last;
                    *last = status.last_seq - window;
                }
                let entries = session.entries_after(*last, *max);
                if let Some(entry) = entries.last() {
                    *last = entry.seq;
                }
                *done = finished && status.last_seq == *last;
                Some(FollowBatch {
                    more: status.last_seq > *last,
                    entries,
                    status,
                    skipped,
                })
            }
        }
    }
}
