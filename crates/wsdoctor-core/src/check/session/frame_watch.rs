//! Watches the frames a server sends, below tungstenite, for what tungstenite does not tell: the close
//! code as it was on the wire (tungstenite hands an invalid one, 999 or 1005, to its user as 1002, its
//! own reply), a fragmented message that was begun and never finished, and how many bytes came in.
//!
//! Only frame headers are parsed (with tungstenite's own parser); payloads are counted, never stored,
//! except the two bytes of a close code. Memory stays constant whatever the server sends.

use std::io::Cursor;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Control, Data, OpCode};

use crate::net::Stream;

/// The longest frame header: 2 bytes, 8 of extended length, 4 of mask.
const MAX_HEADER: usize = 14;

/// What the frames so far showed.
#[derive(Debug, Default, Clone)]
pub(crate) struct FramesSeen {
    /// A data frame without FIN came, and no final continuation yet: (kind, frames, payload bytes).
    pub unfinished: Option<(&'static str, u32, u64)>,
    /// The code of the last close frame, as sent (None: no close frame, or one without a code).
    pub close_code: Option<u16>,
    pub bytes_in: u64,
    /// The stream stopped making sense as frames (tungstenite reports the error itself).
    pub garbled: bool,
}

#[derive(Debug, Default)]
struct Tracker {
    seen: FramesSeen,
    header: Vec<u8>,
    /// Payload bytes left in the current frame.
    remaining: u64,
    /// The current frame is a close frame: its first two payload bytes are the code.
    close: Option<(Vec<u8>, Option<[u8; 4]>)>,
}

impl Tracker {
    fn feed(&mut self, mut bytes: &[u8]) {
        self.seen.bytes_in += bytes.len() as u64;
        while !bytes.is_empty() && !self.seen.garbled {
            if self.remaining > 0 {
                let take = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let (payload, rest) = bytes.split_at(take);
                if let Some((code, mask)) = &mut self.close {
                    for &b in payload.iter().take(2usize.saturating_sub(code.len())) {
                        let i = code.len();
                        code.push(b ^ mask.map(|m| m[i % 4]).unwrap_or(0));
                    }
                    if code.len() == 2 {
                        self.seen.close_code = Some(u16::from_be_bytes([code[0], code[1]]));
                    }
                }
                self.remaining -= take as u64;
                bytes = rest;
                continue;
            }
            // Collect a header byte by byte until it parses: headers are at most 14 bytes.
            let (first, rest) = bytes.split_at(1);
            self.header.extend_from_slice(first);
            bytes = rest;
            let mut cursor = Cursor::new(self.header.as_slice());
            match FrameHeader::parse(&mut cursor) {
                Ok(Some((header, length))) => {
                    self.header.clear();
                    self.remaining = length;
                    self.close = None;
                    self.on_header(&header, length);
                }
                Ok(None) if self.header.len() < MAX_HEADER => {}
                _ => self.seen.garbled = true,
            }
        }
    }

    fn on_header(&mut self, header: &FrameHeader, length: u64) {
        match header.opcode {
            OpCode::Data(Data::Continue) => {
                if let Some((_, frames, bytes)) = &mut self.seen.unfinished {
                    *frames += 1;
                    *bytes += length;
                }
                if header.is_final {
                    self.seen.unfinished = None;
                }
            }
            OpCode::Data(data) => {
                let kind = if data == Data::Text { "text" } else { "binary" };
                self.seen.unfinished = (!header.is_final).then_some((kind, 1, length));
            }
            OpCode::Control(Control::Close) => {
                self.seen.close_code = None;
                self.close = Some((Vec::with_capacity(2), header.mask));
            }
            OpCode::Control(_) => {}
        }
    }
}

/// A stream that tells a [`FrameWatch`] about every byte it reads.
pub(crate) struct Watched {
    inner: Stream,
    tracker: Arc<Mutex<Tracker>>,
}

/// The watcher's view, shared with the session.
#[derive(Clone)]
pub(crate) struct FrameWatch(Arc<Mutex<Tracker>>);

impl FrameWatch {
    pub fn seen(&self) -> FramesSeen {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .seen
            .clone()
    }
}

/// Wraps `stream`, with `leftover` (bytes read past the handshake) counted as already received.
pub(crate) fn watch(stream: Stream, leftover: &[u8]) -> (Stream, FrameWatch) {
    let mut tracker = Tracker::default();
    tracker.feed(leftover);
    let tracker = Arc::new(Mutex::new(tracker));
    let watched = Watched {
        inner: stream,
        tracker: tracker.clone(),
    };
    (Box::new(watched), FrameWatch(tracker))
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &polled {
            let new = buf.filled().get(before..).unwrap_or_default();
            if !new.is_empty() {
                self.tracker
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .feed(new);
            }
        }
        polled
    }
}

crate::check::stream_adapter::writes_pass_through!(Watched);

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![first, payload.len() as u8];
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn an_unfinished_fragmented_message_is_seen_byte_by_byte() {
        let mut t = Tracker::default();
        let mut wire = frame(0x01, b"hel"); // text, no FIN
        wire.extend(frame(0x00, b"lo")); // continuation, no FIN
        for b in &wire {
            t.feed(std::slice::from_ref(b));
        }
        assert_eq!(t.seen.unfinished, Some(("text", 2, 5)));
        t.feed(&frame(0x80, b"!")); // final continuation
        assert_eq!(t.seen.unfinished, None);
        assert_eq!(t.seen.bytes_in, wire.len() as u64 + 3);
    }

    #[test]
    fn the_close_code_on_the_wire_is_kept() {
        let mut t = Tracker::default();
        t.feed(&frame(0x88, &999u16.to_be_bytes()));
        assert_eq!(t.seen.close_code, Some(999));
        let mut t = Tracker::default();
        t.feed(&frame(0x89, b"ping")); // a ping is not a close
        t.feed(&frame(0x88, b""));
        assert_eq!(t.seen.close_code, None);
    }

    #[test]
    fn garbage_stops_the_watch_without_growing() {
        let mut t = Tracker::default();
        t.feed(&[0xff; 100_000]);
        assert!(t.header.len() <= MAX_HEADER);
        assert_eq!(t.seen.bytes_in, 100_000);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes in any pieces: counted exactly, the header buffer never past its limit.
        #[test]
        fn any_bytes_in_any_pieces_are_counted_in_constant_memory(
            bytes in proptest::collection::vec(any::<u8>(), 0..20_000),
            chunk in 1usize..3_000,
        ) {
            let mut t = Tracker::default();
            for part in bytes.chunks(chunk) {
                t.feed(part);
                prop_assert!(t.header.len() <= MAX_HEADER);
            }
            prop_assert_eq!(t.seen.bytes_in, bytes.len() as u64);
        }
    }
}
