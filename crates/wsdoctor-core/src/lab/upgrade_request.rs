//! Reading the HTTP request that opens every lab connection.
//!
//! The lab parses the upgrade request itself (with `httparse`) rather than through a WebSocket library,
//! because several endpoints must answer it in ways no correct library would: a wrong accept key, a
//! redirect, silence.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The most a request head may take; a larger one is answered 431 and closed.
pub(crate) const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

/// A parsed request line and headers, and any bytes the client sent after them.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub leftover: Vec<u8>,
    /// Every byte read: the head and what followed it (for a handler that replays the request).
    pub raw: Vec<u8>,
}

/// Why a request head could not be read.
#[derive(Debug)]
pub(crate) enum HeadError {
    /// The peer closed before finishing the head (a port scan, a health check that gave up).
    Closed,
    TooLarge,
    Malformed(String),
    Io(io::Error),
}

pub(crate) async fn read_head<S: AsyncRead + Unpin>(io: &mut S) -> Result<RequestHead, HeadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = io.read(&mut chunk).await.map_err(HeadError::Io)?;
        if n == 0 {
            return Err(HeadError::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let target = request.path.unwrap_or("/");
                let (path, query) = match target.split_once('?') {
                    Some((path, query)) => (path.to_string(), Some(query.to_string())),
                    None => (target.to_string(), None),
                };
                let headers = request
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        )
                    })
                    .collect();
                return Ok(RequestHead {
                    method: request.method.unwrap_or("").to_string(),
                    path,
                    query,
                    headers,
                    leftover: buf[len..].to_vec(),
                    raw: buf.clone(),
                });
            }
            Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD_BYTES => {
                return Err(HeadError::TooLarge);
            }
            Ok(httparse::Status::Partial) => continue,
            Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
            Err(e) => return Err(HeadError::Malformed(e.to_string())),
        }
    }
}

impl RequestHead {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The comma-separated tokens of every instance of a header (`Connection`, `Sec-WebSocket-Protocol`).
    pub fn header_tokens(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// A query parameter's value.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then_some(value)
        })
    }

    /// The `Sec-WebSocket-Key` of a valid upgrade request, or what makes the request not one.
    pub fn websocket_key(&self) -> Result<&str, &'static str> {
        if self.method != "GET" {
            return Err("a WebSocket upgrade must use GET");
        }
        let upgrade = self.header("Upgrade").unwrap_or("");
        if !upgrade.eq_ignore_ascii_case("websocket") {
            return Err("missing `Upgrade: websocket`");
        }
        if !self
            .header_tokens("Connection")
            .iter()
            .any(|t| t.eq_ignore_ascii_case("upgrade"))
        {
            return Err("missing `Connection: Upgrade`");
        }
        if self.header("Sec-WebSocket-Version") != Some("13") {
            return Err("`Sec-WebSocket-Version` must be 13");
        }
        self.header("Sec-WebSocket-Key")
            .filter(|k| !k.is_empty())
            .ok_or("missing `Sec-WebSocket-Key`")
    }
}

/// An HTTP/1.1 response with a plain-text or HTML body, closing the connection.
pub(crate) fn http_response(
    status: u16,
    reason: &str,
    extra_headers: &[(&str, &str)],
    content_type: &str,
    body: &str,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nServer: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        super::SERVER_HEADER,
        body.len()
    );
    for (name, value) in extra_headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(raw: &str) -> Result<RequestHead, HeadError> {
        read_head(&mut raw.as_bytes()).await
    }

    #[tokio::test]
    async fn parses_an_upgrade_request_and_keeps_leftover_bytes() {
        let head = parse(
            "GET /drop?after=5 HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: abc==\r\nSec-WebSocket-Protocol: a, b\r\n\r\nXY",
        )
        .await
        .unwrap();
        assert_eq!(head.path, "/drop");
        assert_eq!(head.query_param("after"), Some("5"));
        assert_eq!(head.websocket_key(), Ok("abc=="));
        assert_eq!(head.header_tokens("sec-websocket-protocol"), vec!["a", "b"]);
        assert_eq!(head.leftover, b"XY");
    }

    #[tokio::test]
    async fn says_what_makes_a_request_not_an_upgrade() {
        let head = parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        assert_eq!(head.websocket_key(), Err("missing `Upgrade: websocket`"));
    }

    #[tokio::test]
    async fn rejects_garbage_oversized_and_truncated_heads() {
        assert!(matches!(
            parse("\x16\x03\x01garbage\r\n\r\n").await,
            Err(HeadError::Malformed(_))
        ));
        let endless = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD_BYTES));
        assert!(matches!(parse(&endless).await, Err(HeadError::TooLarge)));
        assert!(matches!(
            parse("GET / HTTP/1.1\r\nHost").await,
            Err(HeadError::Closed)
        ));
    }
}
