//! The requests of a Socket.IO session, as the official client makes them: polling requests on fresh
//! connections (with the user's headers, as `extraHeaders`, and the page's Origin), the WebSocket
//! transport, and reading its messages while answering Engine.IO pings. What the items make of the
//! answers is in `socketio_layer.rs`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::check::CheckOptions;
use crate::check::upgrade::follow_up::answer;
use crate::check::upgrade::handshake::{self, UpgradeResponse};
use crate::framework::socketio::engine_io::{self, Version};
use crate::net::route::Trust;
use crate::net::{Route, Stream};

/// What every request of the session shares.
pub(in crate::check) struct Ask<'a> {
    pub options: &'a CheckOptions,
    pub route: &'a Route,
    pub version: Version,
    pub path: &'a str,
    pub host_header: &'a str,
    pub origin: Option<&'a str>,
    /// The exchanges since an item last took them, one line each, for its evidence.
    pub transcript: std::sync::Mutex<Vec<String>>,
    /// The answer to the last WebSocket upgrade that was refused (headers and up to 1 KB of body), to
    /// tell who refused it.
    pub refusal: std::sync::Mutex<Option<UpgradeResponse>>,
}

/// The most exchanges one item shows (the affinity rounds make a dozen); later ones are counted.
const MAX_TRANSCRIPT_LINES: usize = 24;

impl Ask<'_> {
    /// Notes one exchange for the evidence of the item in progress.
    pub fn note(&self, line: String) {
        if let Ok(mut lines) = self.transcript.lock() {
            lines.push(crate::report::capped(&line, 300));
        }
    }

    /// The exchanges noted since the last call, as one piece of evidence text.
    pub fn take_transcript(&self) -> Option<String> {
        let lines = std::mem::take(&mut *self.transcript.lock().ok()?);
        if lines.is_empty() {
            return None;
        }
        let mut text = lines
            .iter()
            .take(MAX_TRANSCRIPT_LINES)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        if lines.len() > MAX_TRANSCRIPT_LINES {
            text.push_str(&format!(
                "\n… and {} more",
                lines.len() - MAX_TRANSCRIPT_LINES
            ));
        }
        Some(text)
    }

    /// The answer to the last refused WebSocket upgrade, taken.
    pub fn take_refusal(&self) -> Option<UpgradeResponse> {
        self.refusal.lock().ok()?.take()
    }

    /// A polling request with the user's headers, as the client's `extraHeaders` would send them.
    pub fn polling(&self, sid: Option<&str>, body: Option<&str>) -> String {
        let mut request = engine_io::polling_request(
            self.version,
            self.path,
            self.host_header,
            sid,
            body,
            self.origin,
        );
        let extra: String = self
            .options
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        if let Some(at) = request.find("Connection: close\r\n") {
            request.insert_str(at, &extra);
        }
        request
    }

    /// A polling request on a fresh connection: in session `sid`, or opening one; sending `packet`.
    pub async fn send(
        &self,
        sid: Option<&str>,
        packet: Option<&str>,
    ) -> Result<UpgradeResponse, String> {
        let stream = self.route.open(Trust::Any).await?;
        let body = packet.map(|p| engine_io::payload(&[p], self.version));
        let request = self.polling(sid, body.as_deref());
        let answered = answer(
            handshake::exchange_bytes(stream, request.as_bytes(), self.options.handshake_timeout)
                .await,
        );
        let asked = request
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches(" HTTP/1.1");
        // The packet sent is not shown: a CONNECT carries the auth payload.
        self.note(match &answered {
            Ok(response) => format!(
                "{asked} → {} {}: {}",
                response.status,
                response.reason,
                crate::report::capped(&response.body_text(), 160)
            ),
            Err(error) => format!("{asked} → {error}"),
        });
        answered
    }

    /// The WebSocket transport, in session `sid` or opening one.
    pub async fn websocket(
        &self,
        sid: Option<&str>,
    ) -> Result<(WebSocketStream<Stream>, u16), String> {
        let scheme = if self.route.secure { "wss" } else { "ws" };
        let url = format!(
            "{scheme}://{}{}?{}",
            self.host_header,
            self.path,
            engine_io::query(self.version, "websocket", sid)
        );
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        let extra = self.origin.map(|o| ("Origin".to_string(), o.to_string()));
        for (name, value) in self.options.headers.iter().cloned().chain(extra) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        let asked = format!(
            "GET {}?{}",
            self.path,
            engine_io::query(self.version, "websocket", sid)
        );
        let stream = self.route.open(Trust::Any).await?;
        let opened = match tokio::time::timeout(
            self.options.handshake_timeout,
            tokio_tungstenite::client_async(request, stream),
        )
        .await
        {
            Ok(Ok((ws, response))) => Ok((ws, response.status().as_u16())),
            Ok(Err(tungstenite::Error::Http(response))) => {
                let refused = refused_upgrade(&response);
                let body = crate::report::capped(&refused.body_text(), 200);
                let why = format!("the upgrade was refused: HTTP {} {body}", response.status());
                if let Ok(mut refusal) = self.refusal.lock() {
                    *refusal = Some(refused);
                }
                Err(why.trim_end().to_string())
            }
            Ok(Err(error)) => Err(format!("the upgrade failed: {error}")),
            Err(_) => Err(format!(
                "no answer to the upgrade within {} s",
                self.options.handshake_timeout.as_secs_f32()
            )),
        };
        self.note(match &opened {
            Ok((_, status)) => format!("{asked} → {status}"),
            Err(error) => format!("{asked} → {error}"),
        });
        opened
    }
}

/// tungstenite's refused upgrade, as the check's own reader would have read it.
fn refused_upgrade(response: &tungstenite::http::Response<Option<Vec<u8>>>) -> UpgradeResponse {
    UpgradeResponse {
        status: response.status().as_u16(),
        reason: response
            .status()
            .canonical_reason()
            .unwrap_or_default()
            .to_string(),
        headers: response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: response
            .body()
            .as_deref()
            .map(|b| {
                let b = b.get(..handshake::MAX_BODY_BYTES).unwrap_or(b);
                let chunked = response
                    .headers()
                    .get("transfer-encoding")
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
                if chunked {
                    crate::check::upgrade::chunked_body::decode(b)
                } else {
                    b.to_vec()
                }
            })
            .unwrap_or_default(),
        elapsed_ms: 0,
    }
}

/// The status line, the CORS headers and the body of a polling answer.
pub(in crate::check) fn shown(response: &UpgradeResponse) -> String {
    let mut text = format!("HTTP/1.1 {} {}\n", response.status, response.reason);
    for name in [
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Content-Type",
    ] {
        if let Some(value) = response.header(name) {
            text.push_str(&format!("{name}: {value}\n"));
        }
    }
    text.push('\n');
    text.push_str(&crate::report::capped(&response.body_text(), 1024));
    text
}

/// Why a browser page on `origin` cannot read this polling answer, if it cannot.
pub(in crate::check) fn cors_problem(
    response: &UpgradeResponse,
    origin: Option<&str>,
    route: &Route,
) -> Option<String> {
    let origin = origin?;
    let own = route.own_origin();
    let same = |a: &str, b: &str| {
        a.trim_end_matches('/')
            .eq_ignore_ascii_case(b.trim_end_matches('/'))
    };
    if same(origin, &own) {
        return None;
    }
    match response.header("Access-Control-Allow-Origin") {
        Some(allowed) if allowed == "*" || same(allowed, origin) => None,
        Some(allowed) => Some(format!(
            "the page's origin is {origin}, the server allows {allowed}"
        )),
        None => Some(format!(
            "the page's origin is {origin} and the answer has no Access-Control-Allow-Origin"
        )),
    }
}

/// The next text message within `wait`, answering Engine.IO pings (`2` → `3`) on the way.
pub(in crate::check) async fn next_text(
    ws: &mut WebSocketStream<Stream>,
    version: Version,
    wait: Duration,
) -> Option<String> {
    next_text_until(ws, version, tokio::time::Instant::now() + wait).await
}

pub(in crate::check) async fn next_text_until(
    ws: &mut WebSocketStream<Stream>,
    version: Version,
    deadline: tokio::time::Instant,
) -> Option<String> {
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if text.as_str() == "2" => {
                if let Some(pong) = engine_io::pong_for(text.as_str(), version) {
                    let _ = tokio::time::timeout_at(deadline, ws.send(Message::text(pong))).await;
                }
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                return Some(crate::report::capped(text.as_str(), 4096));
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}
