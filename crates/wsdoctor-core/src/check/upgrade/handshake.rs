//! The upgrade handshake, written and read byte by byte so every byte is evidence.
//!
//! The request is composed here (not by a WebSocket library) so the report shows exactly what was sent,
//! and the response is parsed with `httparse` with hard limits: a hostile or broken server cannot make the
//! probe read forever or hold unbounded memory.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use crate::net::Stream;
use crate::redact::Redactor;

/// The largest response head read; a larger one is a finding, not a reason to keep reading.
pub(crate) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How much of a non-101 response body is kept as evidence.
pub(crate) const MAX_BODY_BYTES: usize = 1024;
const MAX_HEADERS: usize = 100;

/// An upgrade request, before it is written.
#[derive(Debug, Clone)]
pub(crate) struct UpgradeRequest {
    pub path: String,
    pub host_header: String,
    pub origin: Option<String>,
    pub subprotocols: Vec<String>,
    /// `Sec-WebSocket-Extensions`, as offered.
    pub extensions: Option<String>,
    /// Whose request this is: its own headers and `Connection` wording.
    pub client: crate::browser::client_profile::ClientProfile,
    /// Headers the user added, sent as given after the standard ones.
    pub headers: Vec<(String, String)>,
    pub key: String,
}

impl UpgradeRequest {
    /// How big the request is, the largest headers and the largest cookie, by name and size only (the
    /// values may be secrets): what a "header too large" refusal is about.
    pub fn header_sizes(&self) -> String {
        let mut headers: Vec<(&str, usize)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), name.len() + 2 + value.len()))
            .collect();
        headers.sort_by_key(|h| std::cmp::Reverse(h.1));
        let mut text = format!("the request is {} bytes", self.to_bytes().len());
        if !headers.is_empty() {
            let largest: Vec<String> = headers
                .iter()
                .take(3)
                .map(|(name, size)| format!("{name} {size} bytes"))
                .collect();
            text.push_str(&format!("; largest headers: {}", largest.join(", ")));
        }
        let largest_cookie = self
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, value)| value.split(';'))
            .filter_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                Some((name.to_string(), value.len()))
            })
            .max_by_key(|(_, size)| *size);
        if let Some((name, size)) = largest_cookie {
            text.push_str(&format!("; largest cookie: {name} ({size} bytes)"));
        }
        text
    }

    pub fn new(path: &str, host_header: &str) -> Self {
        UpgradeRequest {
            path: path.to_string(),
            host_header: host_header.to_string(),
            origin: None,
            subprotocols: Vec::new(),
            extensions: None,
            client: crate::browser::client_profile::ClientProfile::Raw,
            headers: Vec::new(),
            key: generate_key(),
        }
    }

    fn lines(&self) -> Vec<(String, String)> {
        let mut lines = vec![
            ("Host".to_string(), self.host_header.clone()),
            ("Upgrade".to_string(), "websocket".to_string()),
            (
                "Connection".to_string(),
                self.client.connection().to_string(),
            ),
            ("Sec-WebSocket-Key".to_string(), self.key.clone()),
            ("Sec-WebSocket-Version".to_string(), "13".to_string()),
        ];
        if let Some(origin) = &self.origin {
            lines.push(("Origin".to_string(), origin.clone()));
        }
        if !self.subprotocols.is_empty() {
            lines.push((
                "Sec-WebSocket-Protocol".to_string(),
                self.subprotocols.join(", "),
            ));
        }
        if let Some(extensions) = &self.extensions {
            lines.push(("Sec-WebSocket-Extensions".to_string(), extensions.clone()));
        }
        lines.extend(
            self.client
                .headers()
                .into_iter()
                .map(|(name, value)| (name.to_string(), value)),
        );
        for (name, value) in &self.headers {
            // A user header replaces a standard one of the same name (Host, User-Agent, ...).
            lines.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            lines.push((name.clone(), value.clone()));
        }
        lines
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = format!("GET {} HTTP/1.1\r\n", self.path);
        for (name, value) in self.lines() {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.into_bytes()
    }

    /// The request as a report shows it, secrets redacted.
    pub fn evidence(&self, redactor: &Redactor) -> String {
        // The text pass hides a request target's secret query values (`?token=…`) like any other.
        let mut text = format!("GET {} HTTP/1.1\n", redactor.text(&self.path));
        for (name, value) in self.lines() {
            text.push_str(&format!(
                "{name}: {}\n",
                redactor.header_value(&name, &value)
            ));
        }
        text
    }

    pub fn expected_accept(&self) -> String {
        derive_accept_key(self.key.as_bytes())
    }
}

/// A parsed response.
#[derive(Debug, Clone)]
pub(crate) struct UpgradeResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed_ms: u32,
}

impl UpgradeResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn tokens(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).trim().to_string()
    }

    /// The response as a report shows it, secrets redacted.
    pub fn evidence(&self, redactor: &Redactor) -> String {
        let mut text = format!("HTTP/1.1 {} {}\n", self.status, self.reason);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {}\n", redactor.header_value(name, value)));
        }
        if !self.body.is_empty() {
            text.push('\n');
            text.push_str(&redactor.text(&String::from_utf8_lossy(&self.body)));
            if self.body.len() >= MAX_BODY_BYTES {
                text.push_str("\n[… body cut at 1 KB]");
            }
        }
        text
    }
}

/// What came back for an upgrade request.
pub(crate) enum Exchange {
    /// A complete HTTP response head (and, for non-101, up to 1 KB of body).
    Answered {
        response: UpgradeResponse,
        /// Bytes read after the head of a 101: the start of the WebSocket stream.
        leftover: Vec<u8>,
        stream: Stream,
    },
    /// Nothing complete within the timeout (`partial` holds what did arrive).
    Timeout { partial: Vec<u8> },
    /// The peer closed before a complete head.
    Closed { partial: Vec<u8> },
    /// Bytes that are not an HTTP response, or a head over the size limit.
    Invalid { partial: Vec<u8>, reason: String },
    /// The connection broke (reset) while writing or reading.
    Broken { error: String },
}

/// Writes the request and reads the answer, within `timeout` in all.
pub(crate) async fn exchange(
    stream: Stream,
    request: &UpgradeRequest,
    timeout: Duration,
) -> Exchange {
    exchange_bytes(stream, &request.to_bytes(), timeout).await
}

/// A plain GET of `path` as WS Doctor sends it, whole (one request, then the connection closes).
pub(crate) fn get_request(path: &str, host_header: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: wsdoctor/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        crate::VERSION
    )
}

/// Writes any HTTP request and reads the answer, within `timeout` in all.
pub(crate) async fn exchange_bytes(
    mut stream: Stream,
    request: &[u8],
    timeout: Duration,
) -> Exchange {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let write = async {
        stream.write_all(request).await?;
        stream.flush().await
    };
    match tokio::time::timeout_at(deadline, write).await {
        Err(_) => {
            return Exchange::Timeout {
                partial: Vec::new(),
            };
        }
        Ok(Err(error)) => {
            return Exchange::Broken {
                error: error.to_string(),
            };
        }
        Ok(Ok(())) => {}
    }

    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let (status, reason, headers, head_len) = loop {
        let read = match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return Exchange::Timeout { partial: buf },
            Ok(Err(error)) => {
                return if buf.is_empty() {
                    Exchange::Broken {
                        error: error.to_string(),
                    }
                } else {
                    Exchange::Closed { partial: buf }
                };
            }
            Ok(Ok(0)) => return Exchange::Closed { partial: buf },
            Ok(Ok(n)) => n,
        };
        buf.extend_from_slice(&chunk[..read]);
        let mut header_slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut header_slots);
        match response.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let headers = response
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        )
                    })
                    .collect::<Vec<_>>();
                break (
                    response.code.unwrap_or(0),
                    response.reason.unwrap_or("").to_string(),
                    headers,
                    len,
                );
            }
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_BYTES => {
                let reason = format!(
                    "the response head is larger than {} KB",
                    MAX_HEAD_BYTES / 1024
                );
                return Exchange::Invalid {
                    partial: buf,
                    reason,
                };
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                let reason = format!("the response has more than {MAX_HEADERS} headers");
                return Exchange::Invalid {
                    partial: buf,
                    reason,
                };
            }
            Err(error) => {
                let reason = format!("not an HTTP response ({error})");
                return Exchange::Invalid {
                    partial: buf,
                    reason,
                };
            }
        }
    };
    let elapsed_ms = crate::net::dial::elapsed_ms(started);
    let mut leftover = buf.split_off(head_len);
    let mut response = UpgradeResponse {
        status,
        reason,
        headers,
        body: Vec::new(),
        elapsed_ms,
    };
    if status != 101 {
        // Keep up to 1 KB of the body as evidence, within what is left of the time (at most a second).
        let wanted = response
            .header("Content-Length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(MAX_BODY_BYTES)
            .min(MAX_BODY_BYTES);
        let chunked = response
            .header("Transfer-Encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let body_deadline = deadline.min(tokio::time::Instant::now() + Duration::from_secs(1));
        while leftover.len() < wanted && !(chunked && super::chunked_body::is_complete(&leftover)) {
            match tokio::time::timeout_at(body_deadline, stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => leftover.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
        leftover.truncate(MAX_BODY_BYTES);
        response.body = std::mem::take(&mut leftover);
        if chunked {
            response.body = super::chunked_body::decode(&response.body);
        }
    }
    Exchange::Answered {
        response,
        leftover,
        stream,
    }
}

/// Bytes that start a TLS record: a server expecting TLS answered our plain-text request.
pub(crate) fn looks_like_tls(bytes: &[u8]) -> bool {
    matches!(bytes, [0x15 | 0x16, 0x03, ..])
}

/// A printable rendering of bytes that are not HTTP.
pub(crate) fn show_bytes(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(no bytes)".to_string();
    }
    let shown = &bytes[..bytes.len().min(256)];
    let printable = shown
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if printable {
        String::from_utf8_lossy(shown).into_owned()
    } else {
        format!(
            "{} (hex, first {} of {} bytes)",
            hex::encode(shown),
            shown.len(),
            bytes.len()
        )
    }
}

#[cfg(test)]
mod tests {
    //! Property tests: whatever bytes a server answers with, in whatever pieces, the exchange ends
    //! (no panic, no hang) and holds no more than its limits.
    use super::*;
    use proptest::prelude::*;
    use tokio::io::AsyncReadExt;

    fn exchange_with(answer: Vec<u8>, chunk: usize) -> Exchange {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let (client, mut server) = tokio::io::duplex(64 * 1024);
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = server.read(&mut request).await;
                for part in answer.chunks(chunk.max(1)) {
                    if server.write_all(part).await.is_err() {
                        break;
                    }
                }
                // Dropping the server's end closes the stream.
            });
            exchange_bytes(
                Box::new(client),
                b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                Duration::from_millis(500),
            )
            .await
        })
    }

    fn check_bounds(exchange: Exchange) -> Result<(), TestCaseError> {
        match exchange {
            Exchange::Answered {
                response, leftover, ..
            } => {
                prop_assert!(response.body.len() <= MAX_BODY_BYTES);
                prop_assert!(response.headers.len() <= MAX_HEADERS);
                if response.status != 101 {
                    prop_assert!(leftover.is_empty());
                }
                let _ = response.evidence(&Redactor::new(&[]));
                let _ = response.tokens("Connection");
            }
            Exchange::Timeout { partial }
            | Exchange::Closed { partial }
            | Exchange::Invalid { partial, .. } => {
                // The head stops growing past its limit (plus the last read).
                prop_assert!(partial.len() <= MAX_HEAD_BYTES + 4096);
                let _ = show_bytes(&partial);
                let _ = looks_like_tls(&partial);
            }
            Exchange::Broken { .. } => {}
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_bytes_end_in_a_bounded_exchange(
            answer in proptest::collection::vec(any::<u8>(), 0..40_000),
            chunk in 1usize..5_000,
        ) {
            check_bounds(exchange_with(answer, chunk))?;
        }

        #[test]
        fn http_shaped_answers_end_in_a_bounded_exchange(
            status in 0u16..1000,
            reason in "[ -~]{0,40}",
            headers in proptest::collection::vec(("[!-9;-~]{1,24}", "[ -~éü漢字😀]{0,120}"), 0..130),
            body in proptest::collection::vec(any::<u8>(), 0..3_000),
            chunk in 1usize..700,
        ) {
            let mut answer = format!("HTTP/1.1 {status} {reason}\r\n").into_bytes();
            for (name, value) in &headers {
                answer.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
            answer.extend_from_slice(b"\r\n");
            answer.extend_from_slice(&body);
            check_bounds(exchange_with(answer, chunk))?;
        }
    }
}
