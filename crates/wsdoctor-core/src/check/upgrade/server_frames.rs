//! The one stream adapter under tungstenite. It reads the server's bytes before tungstenite does, frame
//! header by frame header, for what tungstenite cannot do or does not tell:
//! - permessage-deflate: a compressed message is gathered, inflated ([`Inflater`]) and handed on as one
//!   plain frame; a compressed frame nobody agreed to is noted;
//! - the close code as it was on the wire (tungstenite hands an invalid one, 999 or 1005, to its user as
//!   1002, its own reply), a fragmented message begun and never finished, and how many bytes came in.
//!
//! What tungstenite writes goes to the server unchanged. Memory is bounded whatever the server sends:
//! plain frames pass through as they arrive (only a header, at most 14 bytes, is ever waited for), and
//! only a compressed message is held, up to [`MAX_MESSAGE_BYTES`].

use std::io::Cursor;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Control, Data, OpCode};

use super::permessage_deflate::{Agreed, Inflater, MAX_MESSAGE_BYTES, OFFER};
use crate::net::Stream;

/// What the server's frames showed so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct FramesSeen {
    /// A data frame without FIN came, and no final continuation yet: (kind, frames, payload bytes).
    pub unfinished: Option<(&'static str, u32, u64)>,
    /// The code of the last close frame, as sent (None: no close frame, or one without a code).
    pub close_code: Option<u16>,
    /// Bytes read from the server after the 101 (compressed ones as they came).
    pub bytes_in: u64,
    /// The stream stopped making sense as frames (tungstenite reports the error itself).
    pub garbled: bool,
}

/// What the compression side saw, for the report.
#[derive(Debug, Default, Clone)]
pub(crate) struct Inflated {
    pub compressed_messages: u32,
    pub compressed_bytes: u64,
    pub inflated_bytes: u64,
    /// A data frame with RSV1 set although no compression was agreed: (opcode, first bytes as hex).
    pub unnegotiated: Option<String>,
    /// A compressed message that did not inflate, or inflated past the cap.
    pub broken: Option<String>,
}

#[derive(Debug, Default)]
struct Observed {
    frames: FramesSeen,
    inflated: Inflated,
}

/// The adapter's view, shared with the session that reads through it.
#[derive(Debug, Default, Clone)]
pub(crate) struct FrameWatch(Arc<Mutex<Observed>>);

impl FrameWatch {
    fn lock(&self) -> MutexGuard<'_, Observed> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn frames(&self) -> FramesSeen {
        self.lock().frames.clone()
    }

    pub fn inflated(&self) -> Inflated {
        self.lock().inflated.clone()
    }
}

/// What was offered and agreed, and what the adapter saw since.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compression {
    pub offered: bool,
    pub agreed: Option<Agreed>,
    pub watch: FrameWatch,
}

impl Compression {
    /// One line for the upgrade item.
    pub fn describe(&self) -> String {
        match (&self.agreed, self.offered) {
            (Some(agreed), _) => format!("agreed: {}", agreed.describe()),
            (None, true) => format!(
                "offered `{OFFER}` as browsers do; the server did not agree (messages travel uncompressed)"
            ),
            (None, false) => {
                "not offered (--no-compression, or a client that offers none); browsers offer permessage-deflate".into()
            }
        }
    }

    /// How the compressed messages so far came in, for the test message's item.
    pub fn ratio(&self) -> Option<String> {
        let seen = self.watch.inflated();
        (seen.compressed_messages > 0).then(|| {
            format!(
                "{} compressed message(s): {} bytes on the wire for {} bytes of text or data ({:.0}%)",
                seen.compressed_messages,
                seen.compressed_bytes,
                seen.inflated_bytes,
                100.0 * seen.compressed_bytes as f64 / seen.inflated_bytes.max(1) as f64
            )
        })
    }
}

/// Wraps the stream after the upgrade; `leftover` (bytes read past the 101) goes first. Compressed
/// messages are inflated when `agreed`; frames are watched in any case.
pub(crate) fn wrap(
    stream: Stream,
    leftover: Vec<u8>,
    agreed: Option<&Agreed>,
) -> (Stream, FrameWatch) {
    let watch = FrameWatch::default();
    let mut reader = Reader::new(agreed, watch.clone());
    reader.take_in(&leftover);
    let adapter = ServerFrames {
        inner: stream,
        reader,
        output_at: 0,
        eof: false,
    };
    (Box::new(adapter), watch)
}

/// The sans-I/O part: server bytes in, bytes for tungstenite out.
struct Reader {
    inflater: Option<Inflater>,
    /// Bytes read from the server, not yet handled.
    input: Vec<u8>,
    /// Bytes ready for tungstenite.
    output: Vec<u8>,
    /// Payload bytes of a plain frame still to pass through as they come.
    passing: u64,
    /// The plain frame passing is a close frame: the code bytes so far, and the frame's mask.
    close: Option<(Vec<u8>, Option<[u8; 4]>)>,
    /// A compressed message being gathered: its opcode and compressed payload.
    message: Option<(Data, Vec<u8>)>,
    watch: FrameWatch,
}

impl Reader {
    fn new(agreed: Option<&Agreed>, watch: FrameWatch) -> Self {
        Self {
            inflater: agreed.map(Inflater::new),
            input: Vec::new(),
            output: Vec::new(),
            passing: 0,
            close: None,
            message: None,
            watch,
        }
    }

    fn take_in(&mut self, bytes: &[u8]) {
        self.watch.lock().frames.bytes_in += bytes.len() as u64;
        self.input.extend_from_slice(bytes);
    }

    /// Turns as much input as possible into output. An error ends the stream.
    fn process(&mut self) -> std::io::Result<()> {
        let watch = self.watch.clone();
        let mut seen = watch.lock();
        loop {
            if self.passing > 0 {
                let take = usize::try_from(self.passing)
                    .unwrap_or(usize::MAX)
                    .min(self.input.len());
                if take == 0 {
                    return Ok(());
                }
                if let Some((code, mask)) = &mut self.close {
                    for &b in self.input.iter().take(take.min(2 - code.len())) {
                        let i = code.len();
                        code.push(b ^ mask.map_or(0, |m| m[i % 4]));
                    }
                    if let [high, low] = code[..] {
                        seen.frames.close_code = Some(u16::from_be_bytes([high, low]));
                    }
                }
                self.output.extend(self.input.drain(..take));
                self.passing -= take as u64;
                continue;
            }
            let mut cursor = Cursor::new(self.input.as_slice());
            let (header, length) = match FrameHeader::parse(&mut cursor) {
                Ok(Some(parsed)) => parsed,
                // Not all of the header yet.
                Ok(None) => return Ok(()),
                // Not a frame: from here on everything goes through as it is, for tungstenite to
                // report.
                Err(_) => {
                    seen.frames.garbled = true;
                    self.output.append(&mut self.input);
                    self.passing = u64::MAX;
                    self.close = None;
                    return Ok(());
                }
            };
            let header_len = cursor.position() as usize;
            note_header(&mut seen.frames, &header, length);
            self.close = (header.opcode == OpCode::Control(Control::Close))
                .then(|| (Vec::with_capacity(2), header.mask));
            // Only a message's first frame carries RSV1 (RFC 7692 §6.1).
            let is_data = matches!(header.opcode, OpCode::Data(Data::Text | Data::Binary));
            let compressed = header.rsv1 && is_data;
            let continues_message =
                matches!(header.opcode, OpCode::Data(Data::Continue)) && self.message.is_some();
            if compressed && self.inflater.is_none() && seen.inflated.unnegotiated.is_none() {
                seen.inflated.unnegotiated = Some(format!(
                    "{:?} frame of {length} bytes with RSV1 set",
                    header.opcode
                ));
            }
            if !(continues_message || compressed && self.inflater.is_some()) {
                // A plain frame (or a control frame inside a compressed message): through as it comes.
                self.output.extend(self.input.drain(..header_len));
                self.passing = length;
                continue;
            }
            if header.mask.is_some() {
                return fail(&mut seen.inflated, "a server frame is masked");
            }
            let total = header_len as u64 + length;
            let held = self.message.as_ref().map_or(0, |(_, p)| p.len()) as u64;
            if held + length > MAX_MESSAGE_BYTES as u64 {
                let why = format!(
                    "a compressed message is over {} MB",
                    MAX_MESSAGE_BYTES >> 20
                );
                return fail(&mut seen.inflated, &why);
            }
            if (self.input.len() as u64) < total {
                return Ok(());
            }
            let payload: Vec<u8> = self
                .input
                .drain(..total as usize)
                .skip(header_len)
                .collect();
            let (opcode, gathered) = match (self.message.take(), header.opcode) {
                (Some((opcode, mut gathered)), _) => {
                    gathered.extend_from_slice(&payload);
                    (opcode, gathered)
                }
                (None, OpCode::Data(opcode)) => (opcode, payload),
                (None, _) => return fail(&mut seen.inflated, "a compressed control frame"),
            };
            if !header.is_final {
                self.message = Some((opcode, gathered));
                continue;
            }
            let compressed_len = gathered.len() as u64;
            let inflated = match self.inflater.as_mut().map(|i| i.inflate(gathered)) {
                Some(Ok(inflated)) => inflated,
                Some(Err(why)) => return fail(&mut seen.inflated, &why),
                None => return fail(&mut seen.inflated, "a compressed message without agreement"),
            };
            seen.inflated.compressed_messages += 1;
            seen.inflated.compressed_bytes += compressed_len;
            seen.inflated.inflated_bytes += inflated.len() as u64;
            let plain = FrameHeader {
                is_final: true,
                rsv1: false,
                rsv2: header.rsv2,
                rsv3: header.rsv3,
                opcode: OpCode::Data(opcode),
                mask: None,
            };
            plain
                .format(inflated.len() as u64, &mut self.output)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            self.output.extend_from_slice(&inflated);
        }
    }
}

/// What a header tells about an unfinished fragmented message and a close to come.
fn note_header(seen: &mut FramesSeen, header: &FrameHeader, length: u64) {
    match header.opcode {
        OpCode::Data(Data::Continue) => {
            if let Some((_, frames, bytes)) = &mut seen.unfinished {
                *frames += 1;
                *bytes += length;
            }
            if header.is_final {
                seen.unfinished = None;
            }
        }
        OpCode::Data(data) => {
            let kind = if data == Data::Text { "text" } else { "binary" };
            seen.unfinished = (!header.is_final).then_some((kind, 1, length));
        }
        OpCode::Control(Control::Close) => seen.close_code = None,
        OpCode::Control(_) => {}
    }
}

fn fail(seen: &mut Inflated, why: &str) -> std::io::Result<()> {
    seen.broken = Some(why.to_string());
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("permessage-deflate: {why}"),
    ))
}

struct ServerFrames {
    inner: Stream,
    reader: Reader,
    /// How much of `reader.output` tungstenite has taken.
    output_at: usize,
    eof: bool,
}

impl AsyncRead for ServerFrames {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        loop {
            let output = &mut this.reader.output;
            if this.output_at < output.len() {
                let n = (output.len() - this.output_at).min(buf.remaining());
                buf.put_slice(&output[this.output_at..this.output_at + n]);
                this.output_at += n;
                if this.output_at == output.len() {
                    output.clear();
                    this.output_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                // What is left cannot become a frame: hand it over as it is.
                if !this.reader.input.is_empty() {
                    this.reader.output.append(&mut this.reader.input);
                    continue;
                }
                return Poll::Ready(Ok(()));
            }
            this.reader.process()?;
            if !this.reader.output.is_empty() {
                continue;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if read.filled().is_empty() => this.eof = true,
                Poll::Ready(Ok(())) => this.reader.take_in(read.filled()),
            }
        }
    }
}

impl AsyncWrite for ServerFrames {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression as Level, FlushCompress};
    use proptest::prelude::*;
    use tokio::io::AsyncReadExt;

    /// The longest frame header: 2 bytes, 8 of extended length, 4 of mask.
    const MAX_HEADER: usize = 14;

    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    fn compress(text: &[u8], compressor: &mut Compress) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 64);
        compressor
            .compress_vec(text, &mut out, FlushCompress::Sync)
            .unwrap();
        assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
        out.truncate(out.len() - 4);
        out
    }

    fn reader(agreed: Option<&Agreed>) -> (Reader, FrameWatch) {
        let watch = FrameWatch::default();
        (Reader::new(agreed, watch.clone()), watch)
    }

    fn feed(reader: &mut Reader, bytes: &[u8]) {
        reader.take_in(bytes);
        reader.process().unwrap();
    }

    #[test]
    fn an_unfinished_fragmented_message_is_seen_byte_by_byte() {
        let (mut r, watch) = reader(None);
        let mut wire = frame(0x01, b"hel"); // text, no FIN
        wire.extend(frame(0x00, b"lo")); // continuation, no FIN
        for b in &wire {
            feed(&mut r, std::slice::from_ref(b));
        }
        assert_eq!(watch.frames().unfinished, Some(("text", 2, 5)));
        feed(&mut r, &frame(0x80, b"!")); // final continuation
        assert_eq!(watch.frames().unfinished, None);
        assert_eq!(watch.frames().bytes_in, wire.len() as u64 + 3);
        assert_eq!(r.output, [wire, frame(0x80, b"!")].concat());
    }

    #[test]
    fn the_close_code_on_the_wire_is_kept() {
        let (mut r, watch) = reader(None);
        let close = frame(0x88, &999u16.to_be_bytes());
        for b in &close {
            feed(&mut r, std::slice::from_ref(b));
        }
        assert_eq!(watch.frames().close_code, Some(999));
        let (mut r, watch) = reader(None);
        feed(&mut r, &frame(0x89, b"ping")); // a ping is not a close
        feed(&mut r, &frame(0x88, b""));
        assert_eq!(watch.frames().close_code, None);
    }

    #[test]
    fn garbage_passes_through_and_is_noted_without_growing_the_input() {
        let (mut r, watch) = reader(None);
        feed(&mut r, &[0xff; 100_000]);
        assert!(r.input.len() <= MAX_HEADER);
        assert!(watch.frames().garbled);
        assert_eq!(watch.frames().bytes_in, 100_000);
        assert_eq!(r.output.len(), 100_000);
    }

    /// Two compressed messages sharing the window (the second a fragment pair with a ping between),
    /// and a plain one: tungstenite gets three plain messages and the ping.
    #[tokio::test]
    async fn compressed_messages_come_out_plain() {
        let mut compressor = Compress::new(Level::default(), false);
        let first = compress(b"hello hello hello", &mut compressor);
        let second = compress(b"hello again", &mut compressor);
        let (a, b) = second.split_at(second.len() / 2);
        let mut wire = frame(0x81 | 0x40, &first);
        wire.extend(frame(0x01 | 0x40, a));
        wire.extend(frame(0x89, b"p"));
        wire.extend(frame(0x80, b));
        wire.extend(frame(0x81, b"plain"));
        let (client, mut server) = tokio::io::duplex(4096);
        tokio::io::AsyncWriteExt::write_all(&mut server, &wire)
            .await
            .unwrap();
        drop(server);
        let (mut stream, watch) = wrap(Box::new(client), Vec::new(), Some(&Agreed::default()));
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        let mut expected = frame(0x81, b"hello hello hello");
        expected.extend(frame(0x89, b"p"));
        expected.extend(frame(0x81, b"hello again"));
        expected.extend(frame(0x81, b"plain"));
        assert_eq!(out, expected);
        let seen = watch.inflated();
        assert_eq!(seen.compressed_messages, 2);
        assert_eq!(seen.inflated_bytes, 28);
        assert!(seen.unnegotiated.is_none() && seen.broken.is_none());
        assert_eq!(watch.frames().bytes_in, wire.len() as u64);
    }

    #[tokio::test]
    async fn rsv1_without_agreement_is_noted_and_passed_on() {
        let (client, mut server) = tokio::io::duplex(4096);
        tokio::io::AsyncWriteExt::write_all(
            &mut server,
            &frame(0xc1, b"\xf2\x48\xcd\xc9\xc9\x07\x00"),
        )
        .await
        .unwrap();
        drop(server);
        let (mut stream, watch) = wrap(Box::new(client), Vec::new(), None);
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        assert_eq!(out[0], 0xc1);
        assert!(watch.inflated().unnegotiated.is_some());
    }

    #[tokio::test]
    async fn a_deflate_bomb_stops_at_the_cap() {
        let zeros = vec![0u8; MAX_MESSAGE_BYTES + 1024];
        let mut compressor = Compress::new(Level::best(), false);
        let mut bomb = Vec::with_capacity(zeros.len() / 100);
        compressor
            .compress_vec(&zeros, &mut bomb, FlushCompress::Sync)
            .unwrap();
        bomb.truncate(bomb.len() - 4);
        let mut wire = vec![0xc2, 127];
        wire.extend_from_slice(&(bomb.len() as u64).to_be_bytes());
        wire.extend_from_slice(&bomb);
        let (client, mut server) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            let _ = tokio::io::AsyncWriteExt::write_all(&mut server, &wire).await;
        });
        let (mut stream, watch) = wrap(Box::new(client), Vec::new(), Some(&Agreed::default()));
        let mut out = Vec::new();
        assert!(stream.read_to_end(&mut out).await.is_err());
        assert!(out.len() < 64);
        let broken = watch.inflated().broken.unwrap_or_default();
        assert!(broken.contains("inflates past"), "{broken}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes in any pieces, compression agreed or not: counted exactly, and without
        /// compression nothing is held but a header's worth.
        #[test]
        fn any_bytes_in_any_pieces_are_counted_in_bounded_memory(
            bytes in proptest::collection::vec(any::<u8>(), 0..20_000),
            chunk in 1usize..3_000,
            agreed in any::<bool>(),
        ) {
            let agreement = agreed.then(Agreed::default);
            let (mut r, watch) = reader(agreement.as_ref());
            for part in bytes.chunks(chunk) {
                r.take_in(part);
                let processed = r.process();
                if !agreed {
                    prop_assert!(processed.is_ok());
                    prop_assert!(r.input.len() < MAX_HEADER);
                }
                if processed.is_err() {
                    break;
                }
            }
            if !agreed {
                prop_assert_eq!(watch.frames().bytes_in, bytes.len() as u64);
                prop_assert_eq!(r.output.len(), bytes.len() - r.input.len());
            }
        }
    }
}
