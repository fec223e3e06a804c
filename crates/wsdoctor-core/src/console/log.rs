//! The session's record: every frame and event as an entry with a sequence number, kept in a ring buffer
//! bounded by count and by bytes. When it is full the oldest entries go, and the count of dropped ones is
//! kept so the UI can say "N older entries dropped". Readers page by sequence number; the webview never
//! holds the whole log.

use std::collections::VecDeque;

use serde::Serialize;
use ts_rs::TS;

/// Which way a frame went; `local` for what the session itself reports (connecting, errors, reconnects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    In,
    Out,
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
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
    pub decoded: Option<super::Decoded>,
}

/// An entry as the log keeps it: half the size of an [`Entry`] (no sequence number, which follows from
/// the position; boxed payloads; the optional numbers packed), because a flood keeps a million of them.
struct Stored {
    at_us: u64,
    text: Option<Box<str>>,
    data: Option<Box<str>>,
    /// NaN when there is none.
    rtt_ms: f32,
    size: u32,
    /// 0 when there is none (0 is not a close code).
    code: u16,
    direction: Direction,
    kind: EntryKind,
    decoded: Option<Box<super::Decoded>>,
}

impl Stored {
    fn new(entry: Entry) -> Self {
        Stored {
            at_us: entry.at_us,
            text: entry.text.map(String::into_boxed_str),
            data: entry.data.map(String::into_boxed_str),
            rtt_ms: entry.rtt_ms.map_or(f32::NAN, |r| r as f32),
            size: entry.size,
            code: entry.code.unwrap_or(0),
            direction: entry.direction,
            kind: entry.kind,
            decoded: entry.decoded.map(Box::new),
        }
    }

    fn entry(&self, seq: u64) -> Entry {
        Entry {
            seq,
            at_us: self.at_us,
            direction: self.direction,
            kind: self.kind,
            size: self.size,
            text: self.text.as_deref().map(str::to_string),
            data: self.data.as_deref().map(str::to_string),
            rtt_ms: (!self.rtt_ms.is_nan()).then_some(f64::from(self.rtt_ms)),
            code: (self.code != 0).then_some(self.code),
            decoded: self.decoded.as_deref().cloned(),
        }
    }

    /// What the entry costs the byte limit.
    fn weight(&self) -> usize {
        std::mem::size_of::<Stored>()
            + self.text.as_ref().map_or(0, |t| t.len())
            + self.data.as_ref().map_or(0, |d| d.len())
            + self.decoded.as_ref().map_or(0, |d| d.weight())
    }
}

/// How much a session keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000_000,
            max_bytes: 256 << 20,
        }
    }
}

pub(crate) struct EntryLog {
    entries: VecDeque<Stored>,
    /// The sequence number of the oldest entry kept.
    first_seq: u64,
    bytes: usize,
    limits: Limits,
    next_seq: u64,
    pub dropped: u64,
}

impl EntryLog {
    pub fn new(limits: Limits) -> Self {
        EntryLog {
            entries: VecDeque::new(),
            first_seq: 1,
            bytes: 0,
            limits,
            next_seq: 1,
            dropped: 0,
        }
    }

    /// Records an entry (its `seq` is assigned here) and drops the oldest beyond the limits.
    pub fn push(&mut self, entry: Entry) -> u64 {
        let stored = Stored::new(entry);
        self.next_seq += 1;
        self.bytes += stored.weight();
        self.entries.push_back(stored);
        while self.entries.len() > self.limits.max_entries
            || (self.bytes > self.limits.max_bytes && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.weight();
                self.first_seq += 1;
                self.dropped += 1;
            }
        }
        self.next_seq - 1
    }

    /// Numbers an entry that goes to a follower instead (a session with a follower keeps none).
    pub fn number(&mut self) -> u64 {
        self.next_seq += 1;
        self.first_seq = self.next_seq;
        self.next_seq - 1
    }

    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn index_of(&self, seq: u64) -> usize {
        seq.saturating_sub(self.first_seq)
            .min(self.entries.len() as u64) as usize
    }

    fn range(&self, start: usize, end: usize) -> impl Iterator<Item = Entry> + '_ {
        let first = self.first_seq;
        self.entries
            .range(start..end)
            .enumerate()
            .map(move |(i, stored)| stored.entry(first + (start + i) as u64))
    }

    /// Up to `max` entries after `seq`, oldest first.
    pub fn after(&self, seq: u64, max: usize) -> Vec<Entry> {
        let start = self.index_of(seq + 1);
        let end = start.saturating_add(max).min(self.entries.len());
        self.range(start, end).collect()
    }

    /// Up to `count` entries before `seq`, oldest first (for paging back).
    pub fn before(&self, seq: u64, count: usize) -> Vec<Entry> {
        let end = self.index_of(seq);
        let start = end.saturating_sub(count);
        self.range(start, end).collect()
    }

    /// Every entry kept, oldest first (made one at a time, for exports).
    pub fn all(&self) -> impl Iterator<Item = Entry> + '_ {
        self.range(0, self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry {
        Entry {
            seq: 0,
            at_us: 0,
            direction: Direction::In,
            kind: EntryKind::Text,
            size: text.len() as u32,
            text: Some(text.into()),
            data: None,
            rtt_ms: None,
            code: None,
            decoded: None,
        }
    }

    #[test]
    fn drops_the_oldest_beyond_the_count_and_says_how_many() {
        let mut log = EntryLog::new(Limits {
            max_entries: 3,
            max_bytes: usize::MAX,
        });
        for i in 0..5 {
            log.push(entry(&i.to_string()));
        }
        assert_eq!(log.dropped, 2);
        let texts: Vec<_> = log
            .after(0, 10)
            .into_iter()
            .map(|e| e.text.unwrap())
            .collect();
        assert_eq!(texts, ["2", "3", "4"]);
        assert_eq!(log.after(4, 10).len(), 1);
        assert_eq!(log.before(5, 1)[0].seq, 4);
        assert_eq!(log.before(3, 10).len(), 0, "older entries are gone");
    }

    #[test]
    fn drops_by_bytes_too() {
        let one = Stored::new(entry(&"x".repeat(1000))).weight();
        let mut log = EntryLog::new(Limits {
            max_entries: usize::MAX,
            max_bytes: one * 2,
        });
        for _ in 0..4 {
            log.push(entry(&"x".repeat(1000)));
        }
        assert_eq!(log.len(), 2);
        assert!(log.bytes() <= one * 2);
    }
}
