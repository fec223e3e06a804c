//! A first conversation with a WebSocket server: connect, send one message, wait for the answer, close.
//!
//! This is the smallest useful round trip, and each step (TCP, TLS, upgrade, message, close) is reported as
//! an event the moment it happens, so a front end can show a live timeline and the user sees exactly where
//! a connection stops. Every network step has its own timeout.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::ServerName;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use ts_rs::TS;
use url::Url;

use crate::{Error, Result, close_code, tls};

/// What to connect to and what to say.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryConnectRequest {
    /// A `ws://` or `wss://` URL (`http://` and `https://` are taken as their WebSocket twins).
    pub url: String,
    /// The text message sent once the connection is open.
    pub message: String,
    /// Seconds to stay connected after sending, to see what the server does next (0-60). With 0 the
    /// connection closes as soon as a reply arrives or the reply wait ends.
    #[serde(default)]
    pub hold_secs: u32,
}

/// The time each step may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub handshake: Duration,
    pub reply: Duration,
    pub close: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            handshake: Duration::from_secs(5),
            reply: Duration::from_secs(1),
            close: Duration::from_secs(2),
        }
    }
}

/// Where in the conversation something failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    Tcp,
    Tls,
    Handshake,
    Open,
    Close,
}

/// Which side started the closing handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Initiator {
    Server,
    Client,
}

/// One step of the conversation, reported as it happens. Times are milliseconds since the start.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnectEvent {
    #[serde(rename_all = "camelCase")]
    Connecting {
        url: String,
        host: String,
        port: u16,
    },
    #[serde(rename_all = "camelCase")]
    TcpConnected { address: String, elapsed_ms: u32 },
    #[serde(rename_all = "camelCase")]
    TlsEstablished { protocol: String, elapsed_ms: u32 },
    #[serde(rename_all = "camelCase")]
    Opened {
        status: u16,
        subprotocol: Option<String>,
        elapsed_ms: u32,
    },
    #[serde(rename_all = "camelCase")]
    Sent { text: String, elapsed_ms: u32 },
    /// A message from the server: text as is, binary as a hex preview of its first bytes.
    #[serde(rename_all = "camelCase")]
    Received {
        text: String,
        binary: bool,
        bytes: u32,
        elapsed_ms: u32,
    },
    /// Nothing came back in time. Not an error: many servers do not echo.
    #[serde(rename_all = "camelCase")]
    NoReply { waited_ms: u32 },
    #[serde(rename_all = "camelCase")]
    Closed {
        code: u16,
        reason: String,
        meaning: String,
        initiator: Initiator,
        /// Whether the other side answered the close frame (a clean closing handshake).
        handshake_completed: bool,
        elapsed_ms: u32,
    },
    #[serde(rename_all = "camelCase")]
    Failed {
        stage: Stage,
        message: String,
        elapsed_ms: u32,
    },
}

/// A URL checked and split into what the connection needs.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub host: String,
    pub port: u16,
    pub secure: bool,
}

/// Checks a URL and maps `http(s)` onto `ws(s)`.
pub fn parse_target(input: &str) -> Result<Target> {
    let mut url = Url::parse(input.trim())
        .map_err(|e| Error::InvalidInput(format!("`{input}` is not a valid URL: {e}")))?;
    let secure = match url.scheme() {
        "ws" => false,
        "wss" => true,
        "http" | "https" => {
            let secure = url.scheme() == "https";
            url.set_scheme(if secure { "wss" } else { "ws" })
                .map_err(|()| {
                    Error::InvalidInput(format!("cannot use `{input}` as a WebSocket URL"))
                })?;
            secure
        }
        other => {
            return Err(Error::InvalidInput(format!(
                "`{other}://` is not a WebSocket scheme: use ws:// or wss://"
            )));
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::InvalidInput(format!("`{input}` has no host")))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(if secure { 443 } else { 80 });
    Ok(Target {
        url,
        host,
        port,
        secure,
    })
}

struct Reporter<'a> {
    events: &'a mpsc::Sender<ConnectEvent>,
    start: Instant,
}

impl Reporter<'_> {
    fn elapsed_ms(&self) -> u32 {
        u32::try_from(self.start.elapsed().as_millis()).unwrap_or(u32::MAX)
    }

    /// Sends an event; `false` when nobody listens any more, which ends the conversation early.
    async fn emit(&self, event: ConnectEvent) -> bool {
        self.events.send(event).await.is_ok()
    }

    async fn fail(&self, stage: Stage, message: impl Into<String>) {
        let elapsed_ms = self.elapsed_ms();
        self.emit(ConnectEvent::Failed {
            stage,
            message: message.into(),
            elapsed_ms,
        })
        .await;
    }
}

/// Runs the conversation, reporting each step on `events`. Only a bad URL is an error; everything the
/// network does is reported as events, ending with `Closed` or `Failed` (or `NoReply` then `Closed`).
pub async fn try_connect(
    request: &TryConnectRequest,
    timeouts: Timeouts,
    events: &mpsc::Sender<ConnectEvent>,
) -> Result<()> {
    let target = parse_target(&request.url)?;
    let hold = Duration::from_secs(u64::from(request.hold_secs.min(60)));
    let report = Reporter {
        events,
        start: Instant::now(),
    };
    if !report
        .emit(ConnectEvent::Connecting {
            url: target.url.to_string(),
            host: target.host.clone(),
            port: target.port,
        })
        .await
    {
        return Ok(());
    }

    let tcp = match tokio::time::timeout(
        timeouts.connect,
        TcpStream::connect((target.host.as_str(), target.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(error)) => {
            report.fail(Stage::Tcp, tcp_error(&target, &error)).await;
            return Ok(());
        }
        Err(_) => {
            let message = format!(
                "no answer from {}:{} within {} s (a firewall dropping packets, or the wrong host)",
                target.host,
                target.port,
                timeouts.connect.as_secs_f32()
            );
            report.fail(Stage::Tcp, message).await;
            return Ok(());
        }
    };
    let _ = tcp.set_nodelay(true);
    let address = tcp
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| format!("{}:{}", target.host, target.port));
    let elapsed_ms = report.elapsed_ms();
    report
        .emit(ConnectEvent::TcpConnected {
            address,
            elapsed_ms,
        })
        .await;

    if !target.secure {
        converse(tcp, &target, request, hold, timeouts, &report).await;
        return Ok(());
    }
    let connector = TlsConnector::from(tls::client_config(&[])?);
    let server_name = ServerName::try_from(target.host.clone()).map_err(|e| {
        Error::InvalidInput(format!(
            "`{}` is not a valid TLS server name: {e}",
            target.host
        ))
    })?;
    match tokio::time::timeout(timeouts.handshake, connector.connect(server_name, tcp)).await {
        Ok(Ok(stream)) => {
            let protocol = stream
                .get_ref()
                .1
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default();
            let elapsed_ms = report.elapsed_ms();
            report
                .emit(ConnectEvent::TlsEstablished {
                    protocol,
                    elapsed_ms,
                })
                .await;
            converse(stream, &target, request, hold, timeouts, &report).await;
        }
        Ok(Err(error)) => report.fail(Stage::Tls, tls_error(&error)).await,
        Err(_) => {
            let message = format!(
                "the TLS handshake did not finish within {} s",
                timeouts.handshake.as_secs_f32()
            );
            report.fail(Stage::Tls, message).await;
        }
    }
    Ok(())
}

async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    target: &Target,
    request: &TryConnectRequest,
    hold: Duration,
    timeouts: Timeouts,
    report: &Reporter<'_>,
) {
    let upgrade = match target.url.as_str().into_client_request() {
        Ok(upgrade) => upgrade,
        Err(error) => return report.fail(Stage::Handshake, error.to_string()).await,
    };
    let handshake = tokio_tungstenite::client_async(upgrade, stream);
    let (mut ws, response) = match tokio::time::timeout(timeouts.handshake, handshake).await {
        Ok(Ok(pair)) => pair,
        Ok(Err(error)) => return report.fail(Stage::Handshake, handshake_error(error)).await,
        Err(_) => {
            let message = format!(
                "the server accepted the connection but did not answer the upgrade request within {} s",
                timeouts.handshake.as_secs_f32()
            );
            return report.fail(Stage::Handshake, message).await;
        }
    };
    let subprotocol = response
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let elapsed_ms = report.elapsed_ms();
    report
        .emit(ConnectEvent::Opened {
            status: response.status().as_u16(),
            subprotocol,
            elapsed_ms,
        })
        .await;

    if let Err(error) = ws.send(Message::text(request.message.clone())).await {
        return report.fail(Stage::Open, session_error(&error)).await;
    }
    let elapsed_ms = report.elapsed_ms();
    if !report
        .emit(ConnectEvent::Sent {
            text: request.message.clone(),
            elapsed_ms,
        })
        .await
    {
        return;
    }

    // Listen until a reply arrives (or the reply wait ends), then on until `hold` after the send.
    let sent_at = Instant::now();
    let reply_deadline = sent_at + timeouts.reply;
    let hold_end = sent_at + hold;
    let mut awaiting_reply = true;
    loop {
        let deadline = if awaiting_reply {
            reply_deadline
        } else {
            hold_end
        };
        let next = match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) if awaiting_reply => {
                awaiting_reply = false;
                let waited_ms = u32::try_from(timeouts.reply.as_millis()).unwrap_or(u32::MAX);
                report.emit(ConnectEvent::NoReply { waited_ms }).await;
                continue;
            }
            Err(_) => break,
            Ok(next) => next,
        };
        match next {
            None => {
                return report
                    .fail(
                        Stage::Open,
                        "the server ended the connection without a close frame (1006)",
                    )
                    .await;
            }
            Some(Err(error)) => return report.fail(Stage::Open, session_error(&error)).await,
            Some(Ok(Message::Close(frame))) => {
                let (code, reason) = frame
                    .map(|f| (u16::from(f.code), f.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                // tungstenite answers the close frame itself; let it flush that answer.
                let _ = tokio::time::timeout(timeouts.close, ws.next()).await;
                let elapsed_ms = report.elapsed_ms();
                report
                    .emit(ConnectEvent::Closed {
                        code,
                        reason,
                        meaning: close_code::meaning(code),
                        initiator: Initiator::Server,
                        handshake_completed: true,
                        elapsed_ms,
                    })
                    .await;
                return;
            }
            Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                awaiting_reply = false;
                let bytes = u32::try_from(message.len()).unwrap_or(u32::MAX);
                let (text, binary) = match message {
                    Message::Text(text) => (text.to_string(), false),
                    other => (binary_preview(&other.into_data()), true),
                };
                let elapsed_ms = report.elapsed_ms();
                report
                    .emit(ConnectEvent::Received {
                        text,
                        binary,
                        bytes,
                        elapsed_ms,
                    })
                    .await;
            }
            Some(Ok(_)) => {}
        }
    }

    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "wsdoctor: done".into(),
    };
    if let Err(error) = ws.close(Some(frame)).await {
        return report.fail(Stage::Close, session_error(&error)).await;
    }
    let answer = tokio::time::timeout(timeouts.close, async {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Close(frame) = message {
                return Some(frame.map(|f| u16::from(f.code)).unwrap_or(1005));
            }
        }
        None
    })
    .await;
    let (code, handshake_completed) = match answer {
        Ok(Some(code)) => (code, true),
        _ => (1000, false),
    };
    let elapsed_ms = report.elapsed_ms();
    report
        .emit(ConnectEvent::Closed {
            code,
            reason: "wsdoctor: done".into(),
            meaning: close_code::meaning(code),
            initiator: Initiator::Client,
            handshake_completed,
            elapsed_ms,
        })
        .await;
}

fn binary_preview(data: &[u8]) -> String {
    const SHOWN: usize = 32;
    let shown = hex::encode(&data[..data.len().min(SHOWN)]);
    if data.len() > SHOWN {
        format!("{shown}… ({} bytes)", data.len())
    } else {
        shown
    }
}

fn tcp_error(target: &Target, error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let at = format!("{}:{}", target.host, target.port);
    match error.kind() {
        ErrorKind::ConnectionRefused => format!("connection refused: nothing is listening on {at}"),
        ErrorKind::ConnectionReset => format!("the connection to {at} was reset"),
        _ if error.to_string().contains("failed to lookup")
            || error.to_string().contains("resolve") =>
        {
            format!("the name `{}` could not be resolved: {error}", target.host)
        }
        _ => format!("cannot connect to {at}: {error}"),
    }
}

fn tls_error(error: &std::io::Error) -> String {
    let text = error.to_string();
    if text.contains("UnknownIssuer") {
        format!("the server's certificate is not trusted (unknown issuer or self-signed): {text}")
    } else if text.contains("NotValidForName") {
        format!("the server's certificate is not valid for this host name: {text}")
    } else if text.contains("Expired") {
        format!("the server's certificate has expired: {text}")
    } else if text.contains("InvalidContentType") || text.contains("corrupt message") {
        format!("the server did not answer with TLS (is it plain HTTP? try ws://): {text}")
    } else {
        format!("the TLS handshake failed: {text}")
    }
}

fn handshake_error(error: tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Http(response) => {
            let status = response.status();
            let body = response
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(200)]).trim().to_string())
                .filter(|b| !b.is_empty());
            let mut text = format!(
                "the server answered HTTP {} {} instead of 101 Switching Protocols",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            );
            if let Some(location) = response.headers().get("location").and_then(|v| v.to_str().ok()) {
                text.push_str(&format!(" (redirect to {location}, which WebSocket clients do not follow)"));
            }
            if let Some(body) = body {
                text.push_str(&format!(": {body}"));
            }
            text
        }
        tungstenite::Error::Protocol(ProtocolError::SecWebSocketAcceptKeyMismatch) => {
            "the server's Sec-WebSocket-Accept does not match the key sent: a broken server or a proxy rewrote the handshake".into()
        }
        tungstenite::Error::Protocol(ProtocolError::HandshakeIncomplete) => {
            "the server closed the connection without answering the upgrade request".into()
        }
        tungstenite::Error::Io(error) => {
            format!("the connection broke during the upgrade: {error}")
        }
        other => format!("the upgrade failed: {other}"),
    }
}

fn session_error(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            "the server ended the connection without a close frame (1006)".into()
        }
        tungstenite::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionReset => {
            "the connection was reset without a close frame (1006)".into()
        }
        tungstenite::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the server ended the connection without a close frame (1006)".into()
        }
        other => format!("the connection failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn maps_http_schemes_and_default_ports() {
        let target = parse_target("https://example.test/socket?x=1").unwrap();
        assert!(target.secure);
        assert_eq!(target.port, 443);
        assert_eq!(target.url.as_str(), "wss://example.test/socket?x=1");
        let target = parse_target("ws://[::1]:9000/").unwrap();
        assert_eq!(target.host, "::1");
        assert_eq!(target.port, 9000);
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        assert!(
            parse_target("ftp://x/")
                .unwrap_err()
                .to_string()
                .contains("not a WebSocket scheme")
        );
        assert!(
            parse_target("not a url")
                .unwrap_err()
                .to_string()
                .contains("not a valid URL")
        );
    }
}
