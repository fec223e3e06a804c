//! permessage-deflate (RFC 7692), as every browser negotiates it. The check offers what Chrome offers,
//! validates the server's answer as a browser does (a browser fails the connection on any parameter it
//! did not offer or cannot read), and, when compression was agreed, inflates the server's compressed
//! messages below tungstenite (which has no compression): a stream adapter rewrites each compressed
//! message as one plain frame. The client sends uncompressed messages, which the extension allows.
//!
//! Memory is bounded: a compressed message is held up to [`MAX_MESSAGE_BYTES`] compressed and inflated to
//! at most as much (a deflate bomb stops there); other frames pass through as they arrive.

use std::io::Cursor;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use flate2::{Decompress, FlushDecompress, Status};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

use crate::net::Stream;

/// What Chrome, Firefox and Safari send.
pub(crate) use crate::browser::client_profile::DEFLATE_OFFER as OFFER;
/// The largest message held or inflated.
pub(crate) const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// The tail RFC 7692 §7.2.2 has the receiver append before inflating.
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The parameters a server agreed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Agreed {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: Option<u8>,
}

impl Agreed {
    /// As the report shows it.
    pub fn describe(&self) -> String {
        let mut parts = vec!["permessage-deflate".to_string()];
        if self.server_no_context_takeover {
            parts.push("server_no_context_takeover".into());
        }
        if self.client_no_context_takeover {
            parts.push("client_no_context_takeover".into());
        }
        if let Some(bits) = self.server_max_window_bits {
            parts.push(format!("server_max_window_bits={bits}"));
        }
        if let Some(bits) = self.client_max_window_bits {
            parts.push(format!("client_max_window_bits={bits}"));
        }
        parts.join("; ")
    }
}

/// Reads the server's `Sec-WebSocket-Extensions` against the offer made (none, or permessage-deflate
/// with or without `client_max_window_bits`): the agreed compression, none, or why a browser would fail
/// the connection.
pub(crate) fn answer(header: Option<&str>, offer: Option<&str>) -> Result<Option<Agreed>, String> {
    let offered = offer.is_some();
    let offered_client_bits = offer.is_some_and(|o| o.contains("client_max_window_bits"));
    let Some(header) = header.filter(|h| !h.trim().is_empty()) else {
        return Ok(None);
    };
    let mut agreed: Option<Agreed> = None;
    for element in header.split(',') {
        let mut parts = element.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        if !name.eq_ignore_ascii_case("permessage-deflate") || !offered {
            return Err(format!(
                "the server enabled `{name}`, which was not offered"
            ));
        }
        if agreed.is_some() {
            return Err("the server named permessage-deflate twice".into());
        }
        let mut this = Agreed::default();
        let mut seen: Vec<String> = Vec::new();
        for parameter in parts.filter(|p| !p.is_empty()) {
            let (key, value) = match parameter.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
                None => (parameter, None),
            };
            let key = key.to_ascii_lowercase();
            if seen.contains(&key) {
                return Err(format!("the parameter `{key}` is given twice"));
            }
            seen.push(key.clone());
            let bits = |value: Option<&str>| -> Result<u8, String> {
                let text = value.ok_or_else(|| format!("`{key}` has no value"))?;
                match text.parse::<u8>() {
                    Ok(bits @ 8..=15) if text.len() <= 2 && !text.starts_with('0') => Ok(bits),
                    _ => Err(format!("`{key}={text}` is out of range (8 to 15)")),
                }
            };
            match key.as_str() {
                "server_no_context_takeover" | "client_no_context_takeover" if value.is_some() => {
                    return Err(format!("`{key}` takes no value"));
                }
                "server_no_context_takeover" => this.server_no_context_takeover = true,
                "client_no_context_takeover" => this.client_no_context_takeover = true,
                "server_max_window_bits" => this.server_max_window_bits = Some(bits(value)?),
                // RFC 7692 §7.1.2.2: only when the client offered it.
                "client_max_window_bits" if !offered_client_bits => {
                    return Err("`client_max_window_bits` was answered but not offered".to_string());
                }
                "client_max_window_bits" => this.client_max_window_bits = Some(bits(value)?),
                other => return Err(format!("the parameter `{other}` is unknown")),
            }
        }
        agreed = Some(this);
    }
    Ok(agreed)
}

/// What was offered and agreed, and what the adapter saw since.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compression {
    pub offered: bool,
    pub agreed: Option<Agreed>,
    pub watch: InflateWatch,
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
        let seen = self.watch.lock().ok()?.clone();
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

    pub fn seen(&self) -> Inflated {
        self.watch
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// What the adapter saw, for the report.
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

pub(crate) type InflateWatch = Arc<Mutex<Inflated>>;

/// Wraps the stream after the upgrade: inflates compressed messages when `agreed`, and in any case
/// notes compressed frames that nobody agreed to. `leftover` (bytes read past the 101) goes first.
pub(crate) fn wrap(
    stream: Stream,
    leftover: Vec<u8>,
    agreed: Option<&Agreed>,
) -> (Stream, InflateWatch) {
    let watch = InflateWatch::default();
    let adapter = Inflating {
        inner: stream,
        agreed: agreed.cloned(),
        inflater: Decompress::new(false),
        input: leftover,
        output: Vec::new(),
        output_at: 0,
        passing: 0,
        message: None,
        seen: watch.clone(),
        eof: false,
    };
    (Box::new(adapter), watch)
}

struct Inflating {
    inner: Stream,
    agreed: Option<Agreed>,
    inflater: Decompress,
    /// Bytes read from the server, not yet handled.
    input: Vec<u8>,
    /// Bytes ready for tungstenite.
    output: Vec<u8>,
    output_at: usize,
    /// Payload bytes of a plain frame still to pass through as they come.
    passing: u64,
    /// A compressed message being gathered: its opcode and compressed payload.
    message: Option<(Data, Vec<u8>)>,
    seen: InflateWatch,
    eof: bool,
}

impl Inflating {
    fn seen(&self) -> std::sync::MutexGuard<'_, Inflated> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Turns as much input as possible into output. An error ends the stream.
    fn process(&mut self) -> std::io::Result<()> {
        loop {
            if self.passing > 0 {
                let take = usize::try_from(self.passing)
                    .unwrap_or(usize::MAX)
                    .min(self.input.len());
                if take == 0 {
                    return Ok(());
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
                    self.output.append(&mut self.input);
                    self.passing = u64::MAX;
                    return Ok(());
                }
            };
            let header_len = cursor.position() as usize;
            // Only a message's first frame carries RSV1 (RFC 7692 §6.1).
            let is_data = matches!(header.opcode, OpCode::Data(Data::Text | Data::Binary));
            let compressed = header.rsv1 && is_data;
            let continues_message =
                matches!(header.opcode, OpCode::Data(Data::Continue)) && self.message.is_some();
            if compressed && self.agreed.is_none() {
                let mut seen = self.seen();
                if seen.unnegotiated.is_none() {
                    seen.unnegotiated = Some(format!(
                        "{:?} frame of {length} bytes with RSV1 set",
                        header.opcode
                    ));
                }
            }
            if !(continues_message || compressed && self.agreed.is_some()) {
                // A plain frame (or a control frame inside a compressed message): through as it comes.
                self.output.extend(self.input.drain(..header_len));
                self.passing = length;
                continue;
            }
            if header.mask.is_some() {
                return self.fail("a server frame is masked");
            }
            let total = header_len as u64 + length;
            let held = self.message.as_ref().map_or(0, |(_, p)| p.len()) as u64;
            if held + length > MAX_MESSAGE_BYTES as u64 {
                return self.fail(&format!(
                    "a compressed message is over {} MB",
                    MAX_MESSAGE_BYTES >> 20
                ));
            }
            if (self.input.len() as u64) < total {
                return Ok(());
            }
            let payload: Vec<u8> = self
                .input
                .drain(..total as usize)
                .skip(header_len)
                .collect();
            let (opcode, mut gathered) = match (self.message.take(), header.opcode) {
                (Some((opcode, mut gathered)), _) => {
                    gathered.extend_from_slice(&payload);
                    (opcode, gathered)
                }
                (None, OpCode::Data(opcode)) => (opcode, payload),
                (None, _) => return self.fail("a compressed control frame"),
            };
            if !header.is_final {
                self.message = Some((opcode, gathered));
                continue;
            }
            let compressed_len = gathered.len();
            gathered.extend_from_slice(&TAIL);
            let inflated = match self.inflate(&gathered) {
                Ok(inflated) => inflated,
                Err(why) => return self.fail(&why),
            };
            {
                let mut seen = self.seen();
                seen.compressed_messages += 1;
                seen.compressed_bytes += compressed_len as u64;
                seen.inflated_bytes += inflated.len() as u64;
            }
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

    fn inflate(&mut self, input: &[u8]) -> Result<Vec<u8>, String> {
        let agreed = self.agreed.as_ref();
        if agreed.is_some_and(|a| a.server_no_context_takeover) {
            self.inflater.reset(false);
        }
        let mut out = Vec::with_capacity((input.len() * 4).min(MAX_MESSAGE_BYTES));
        let start_in = self.inflater.total_in();
        loop {
            let consumed = (self.inflater.total_in() - start_in) as usize;
            if out.len() == out.capacity() {
                if out.len() >= MAX_MESSAGE_BYTES {
                    return Err(format!(
                        "a compressed message inflates past {} MB",
                        MAX_MESSAGE_BYTES >> 20
                    ));
                }
                out.reserve_exact((out.len().max(4096)).min(MAX_MESSAGE_BYTES - out.len()));
            }
            let (before_in, before_out) = (self.inflater.total_in(), self.inflater.total_out());
            let status = self
                .inflater
                .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync)
                .map_err(|e| format!("a compressed message does not inflate: {e}"))?;
            if out.len() > MAX_MESSAGE_BYTES {
                return Err(format!(
                    "a compressed message inflates past {} MB",
                    MAX_MESSAGE_BYTES >> 20
                ));
            }
            let consumed = (self.inflater.total_in() - start_in) as usize;
            if (consumed >= input.len() && out.len() < out.capacity())
                || status == Status::StreamEnd
            {
                return Ok(out);
            }
            if self.inflater.total_in() == before_in
                && self.inflater.total_out() == before_out
                && out.len() < out.capacity()
            {
                return Err("a compressed message does not inflate: it is truncated".into());
            }
        }
    }

    fn fail(&mut self, why: &str) -> std::io::Result<()> {
        self.seen().broken = Some(why.to_string());
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("permessage-deflate: {why}"),
        ))
    }
}

impl AsyncRead for Inflating {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.output_at < this.output.len() {
                let n = (this.output.len() - this.output_at).min(buf.remaining());
                buf.put_slice(&this.output[this.output_at..this.output_at + n]);
                this.output_at += n;
                if this.output_at == this.output.len() {
                    this.output.clear();
                    this.output_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                // What is left cannot become a frame: hand it over as it is.
                if !this.input.is_empty() {
                    this.output.append(&mut this.input);
                    continue;
                }
                return Poll::Ready(Ok(()));
            }
            this.process()?;
            if !this.output.is_empty() {
                continue;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if read.filled().is_empty() => this.eof = true,
                Poll::Ready(Ok(())) => this.input.extend_from_slice(read.filled()),
            }
        }
    }
}

crate::check::stream_adapter::writes_pass_through!(Inflating);

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};
    use tokio::io::AsyncReadExt;

    #[test]
    fn answers_are_read_as_rfc_7692_says() {
        assert_eq!(answer(None, Some(OFFER)), Ok(None));
        let agreed = answer(
            Some("permessage-deflate; client_max_window_bits=15; server_no_context_takeover"),
            Some(OFFER),
        )
        .unwrap()
        .unwrap();
        assert!(agreed.server_no_context_takeover);
        assert_eq!(agreed.client_max_window_bits, Some(15));
        for bad in [
            "permessage-deflate; server_max_window_bits=7",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=010",
            "permessage-deflate; mystery=1",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate, permessage-deflate",
            "x-webkit-deflate-frame",
        ] {
            assert!(answer(Some(bad), Some(OFFER)).is_err(), "{bad}");
        }
        assert!(answer(Some("permessage-deflate"), None).is_err());
        // Firefox offers no client_max_window_bits: an answer naming it fails the connection there.
        assert!(
            answer(
                Some("permessage-deflate; client_max_window_bits=15"),
                Some("permessage-deflate")
            )
            .is_err()
        );
        assert!(answer(Some("permessage-deflate"), Some("permessage-deflate")).is_ok());
    }

    fn compress(text: &[u8], compressor: &mut Compress) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 64);
        compressor
            .compress_vec(text, &mut out, FlushCompress::Sync)
            .unwrap();
        assert!(out.ends_with(&TAIL));
        out.truncate(out.len() - 4);
        out
    }

    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    /// Two compressed messages sharing the window (the second a fragment pair with a ping between),
    /// and a plain one: tungstenite gets three plain messages and the ping.
    #[tokio::test]
    async fn compressed_messages_come_out_plain() {
        let mut compressor = Compress::new(Compression::default(), false);
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
        let (mut stream, seen) = wrap(Box::new(client), Vec::new(), Some(&Agreed::default()));
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        let mut expected = frame(0x81, b"hello hello hello");
        expected.extend(frame(0x89, b"p"));
        expected.extend(frame(0x81, b"hello again"));
        expected.extend(frame(0x81, b"plain"));
        assert_eq!(out, expected);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.compressed_messages, 2);
        assert_eq!(seen.inflated_bytes, 28);
        assert!(seen.unnegotiated.is_none() && seen.broken.is_none());
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
        let (mut stream, seen) = wrap(Box::new(client), Vec::new(), None);
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        assert_eq!(out[0], 0xc1);
        assert!(seen.lock().unwrap().unnegotiated.is_some());
    }

    #[tokio::test]
    async fn a_deflate_bomb_stops_at_the_cap() {
        let zeros = vec![0u8; MAX_MESSAGE_BYTES + 1024];
        let mut compressor = Compress::new(Compression::best(), false);
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
        let (mut stream, seen) = wrap(Box::new(client), Vec::new(), Some(&Agreed::default()));
        let mut out = Vec::new();
        assert!(stream.read_to_end(&mut out).await.is_err());
        assert!(out.len() < 64);
        assert!(
            seen.lock()
                .unwrap()
                .broken
                .as_deref()
                .unwrap()
                .contains("inflates past")
        );
    }
}
