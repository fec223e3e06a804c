//! A keep-alive a client sends on a period of its own (Engine.IO 3's ping, STOMP's heart-beat): when it
//! is next due, and the frame to send then. The machines that send one share it.

use std::time::{Duration, Instant};

use super::exchange::{Decoded, Frame, Output};

pub(crate) struct KeepAlive {
    /// What is sent (`2`, a lone newline) and how the entry calls it (`ping`, `heart-beat`).
    text: &'static str,
    kind: &'static str,
    every: Option<Duration>,
    next: Option<Instant>,
}

impl KeepAlive {
    /// A keep-alive that sends `text` (called `kind`), not started.
    pub(crate) fn new(text: &'static str, kind: &'static str) -> KeepAlive {
        KeepAlive {
            text,
            kind,
            every: None,
            next: None,
        }
    }

    /// Sends every `every` from `now` on (never, for `None`).
    pub(crate) fn start(&mut self, every: Option<Duration>, now: Instant) {
        self.every = every;
        self.next = every.map(|every| now + every);
    }

    /// When the next one is due.
    pub(crate) fn due(&self) -> Option<Instant> {
        self.next
    }

    /// The keep-alive to send, when it is due at `now`.
    pub(crate) fn tick(&mut self, now: Instant) -> Option<Output> {
        let every = self.every?;
        if self.next.is_none_or(|at| at > now) {
            return None;
        }
        self.next = Some(now + every);
        Some(Output::Send(
            Frame::Text(self.text.into()),
            Decoded::heartbeat(self.kind),
        ))
    }
}

/// The earliest of a machine's timers (a join's, an awaited reply's, a keep-alive's), if any is set.
pub(crate) fn earliest<const N: usize>(timers: [Option<Instant>; N]) -> Option<Instant> {
    timers.into_iter().flatten().min()
}
