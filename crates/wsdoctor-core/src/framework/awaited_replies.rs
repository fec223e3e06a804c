//! What a framework session waits to hear back: Socket.IO acks by ack id, STOMP receipts by receipt id.
//! Each entry remembers what it answers and when it was sent, so the answer can be joined to it ("ack of
//! emit chat after 4.2 ms") and a silence named when its timeout passes. Bounded: past `max`, the oldest
//! is given up, so a server that never answers cannot grow a session's memory.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Replies awaited at once, at most.
pub(crate) const MAX_AWAITED: usize = 10_000;

pub(crate) struct AwaitedReplies<K> {
    waiting: BTreeMap<K, (String, Instant)>,
    timeout: Duration,
}

impl<K: Ord + Clone> AwaitedReplies<K> {
    pub(crate) fn new(timeout: Duration) -> Self {
        AwaitedReplies {
            waiting: BTreeMap::new(),
            timeout,
        }
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Awaits the reply `key` to `what`, sent `now`.
    pub(crate) fn expect(&mut self, key: K, what: String, now: Instant) {
        if self.waiting.len() >= MAX_AWAITED {
            self.waiting.pop_first();
        }
        self.waiting.insert(key, (what, now));
    }

    /// The reply `key` came: what it answers and how long it took, if it was awaited.
    pub(crate) fn answered(&mut self, key: &K, now: Instant) -> Option<(String, Duration)> {
        self.waiting
            .remove(key)
            .map(|(what, sent)| (what, now.duration_since(sent)))
    }

    /// When the first awaited reply is due.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.waiting
            .values()
            .map(|(_, sent)| *sent + self.timeout)
            .min()
    }

    /// The replies whose time has passed, given up: their keys and what they answered.
    pub(crate) fn overdue(&mut self, now: Instant) -> Vec<(K, String)> {
        let late: Vec<K> = self
            .waiting
            .iter()
            .filter(|(_, (_, sent))| *sent + self.timeout <= now)
            .map(|(key, _)| key.clone())
            .collect();
        late.into_iter()
            .filter_map(|key| {
                let (what, _) = self.waiting.remove(&key)?;
                Some((key, what))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_joined_given_up_when_late_and_bounded() {
        let now = Instant::now();
        let mut replies = AwaitedReplies::new(Duration::from_secs(1));
        replies.expect(1u64, "emit a".into(), now);
        replies.expect(2, "emit b".into(), now + Duration::from_millis(500));
        assert_eq!(replies.next_due(), Some(now + Duration::from_secs(1)));
        let (what, took) = replies
            .answered(&1, now + Duration::from_millis(3))
            .unwrap();
        assert_eq!((what.as_str(), took), ("emit a", Duration::from_millis(3)));
        assert!(replies.answered(&1, now).is_none());
        assert!(replies.overdue(now + Duration::from_secs(1)).is_empty());
        assert_eq!(
            replies.overdue(now + Duration::from_secs(2)),
            vec![(2, "emit b".to_string())]
        );
        for key in 0..(MAX_AWAITED as u64 + 5) {
            replies.expect(key, String::new(), now);
        }
        assert_eq!(replies.waiting.len(), MAX_AWAITED);
    }
}
