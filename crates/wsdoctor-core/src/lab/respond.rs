//! How each lab endpoint answers: the HTTP part by hand, the WebSocket part through tokio-tungstenite.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};

use super::endpoints::{
    Behaviour, DEFAULT_DROP_AFTER_SECS, DEFAULT_FLOOD_MESSAGES, LAB_SUBPROTOCOL, LAB_TOKEN,
    MAX_FLOOD_MESSAGES, SMALL_MAX_BYTES, SPECS, spec_for,
};
use super::upgrade_request::{HeadError, RequestHead, http_response, read_head};
use super::{ListenerInfo, SERVER_HEADER};

/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `/hang` and `/no-pong` hold a connection at most.
const HOLD_LIMIT: Duration = Duration::from_secs(600);
/// How long the server waits for the client's reply to its close frame.
const CLOSE_REPLY_WAIT: Duration = Duration::from_secs(5);
/// The largest message the lab accepts at all (a bound for hostile clients).
const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// The longest `/drop?after=N` may wait.
const MAX_DROP_AFTER_SECS: u64 = 600;

use super::LabIo;

pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    mut io: S,
    info: &ListenerInfo,
) {
    let head = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut io)).await {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::Closed)) => return,
        Ok(Err(HeadError::Io(error))) => return tracing::debug!(%error, "lab request unreadable"),
        Ok(Err(HeadError::TooLarge)) => {
            let body = "request head too large\n";
            return reply(
                &mut io,
                http_response(
                    431,
                    "Request Header Fields Too Large",
                    &[],
                    "text/plain",
                    body,
                ),
            )
            .await;
        }
        Ok(Err(HeadError::Malformed(why))) => {
            let body = format!("not an HTTP request: {why}\n");
            return reply(
                &mut io,
                http_response(400, "Bad Request", &[], "text/plain", &body),
            )
            .await;
        }
        Err(_) => {
            let body = "no request within 10 s\n";
            return reply(
                &mut io,
                http_response(408, "Request Timeout", &[], "text/plain", body),
            )
            .await;
        }
    };
    tracing::debug!(method = %head.method, path = %head.path, "lab request");
    if super::socketio::SocketIoLab::serves(&head.path) {
        return info.socketio.serve(head.raw, io).await;
    }

    if head.path == "/" {
        return reply(
            &mut io,
            http_response(200, "OK", &[], "text/plain; charset=utf-8", &index()),
        )
        .await;
    }
    let Some(spec) = spec_for(&head.path) else {
        let body = format!("no lab endpoint at {}\n", head.path);
        return reply(
            &mut io,
            http_response(404, "Not Found", &[], "text/plain", &body),
        )
        .await;
    };

    match spec.behaviour {
        Behaviour::PlainHttp => {
            let body = "<!doctype html><title>WS Doctor lab</title><p>This is a web page, not a WebSocket endpoint.</p>\n";
            return reply(
                &mut io,
                http_response(200, "OK", &[], "text/html; charset=utf-8", body),
            )
            .await;
        }
        Behaviour::Redirect => {
            let body = "moved to /echo\n";
            return reply(
                &mut io,
                http_response(
                    301,
                    "Moved Permanently",
                    &[("Location", "/echo")],
                    "text/plain",
                    body,
                ),
            )
            .await;
        }
        Behaviour::Hang => return hold(io).await,
        _ => {}
    }

    let key = match head.websocket_key() {
        Ok(key) => key.to_string(),
        Err(why) => {
            let body = format!("this is a WebSocket endpoint: {why}\n");
            return reply(
                &mut io,
                http_response(
                    426,
                    "Upgrade Required",
                    &[("Upgrade", "websocket")],
                    "text/plain",
                    &body,
                ),
            )
            .await;
        }
    };
    if let Some(refusal) = refusal(spec.behaviour, &head, info) {
        return reply(&mut io, refusal).await;
    }

    let offered = head.header_tokens("Sec-WebSocket-Protocol");
    let protocol = match spec.behaviour {
        Behaviour::Subprotocol => Some(LAB_SUBPROTOCOL),
        _ => offered.first().copied(),
    };
    let accept = match spec.behaviour {
        // The accept value for some other key: well-formed, and wrong.
        Behaviour::BadAccept => derive_accept_key(b"dGhpcyBpcyBub3QgdGhlIGtleQ=="),
        _ => derive_accept_key(key.as_bytes()),
    };
    let mut switching = format!(
        "HTTP/1.1 101 Switching Protocols\r\nServer: {SERVER_HEADER}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
    );
    if let Some(protocol) = protocol {
        switching.push_str(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
    }
    switching.push_str("\r\n");
    if io.write_all(switching.as_bytes()).await.is_err() || io.flush().await.is_err() {
        return;
    }

    match spec.behaviour {
        Behaviour::NoPong | Behaviour::BadAccept => return hold(io).await,
        _ => {}
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let mut ws =
        WebSocketStream::from_partially_read(io, head.leftover.clone(), Role::Server, Some(config))
            .await;
    let outcome = match spec.behaviour {
        Behaviour::Close1011 => close_at_once(&mut ws).await,
        Behaviour::Flood => {
            let count = head
                .query_param("n")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(DEFAULT_FLOOD_MESSAGES)
                .min(MAX_FLOOD_MESSAGES);
            let rate = head
                .query_param("rate")
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&r| r > 0);
            flood(&mut ws, count, rate).await
        }
        Behaviour::SmallMax => echo(&mut ws, Some(SMALL_MAX_BYTES)).await,
        Behaviour::Drop => {
            let after = head
                .query_param("after")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(DEFAULT_DROP_AFTER_SECS)
                .min(MAX_DROP_AFTER_SECS);
            // When the timer wins, `ws` is dropped: TCP ends with no close frame, which a client sees as 1006.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(after)) => Ok(()),
                outcome = echo(&mut ws, None) => outcome,
            }
        }
        _ => echo(&mut ws, None).await,
    };
    if let Err(error) = outcome {
        tracing::debug!(%error, path = %head.path, "lab WebSocket session ended with an error");
    }
}

/// The HTTP answer that refuses an upgrade the endpoint does not accept, if it refuses this one.
fn refusal(behaviour: Behaviour, head: &RequestHead, info: &ListenerInfo) -> Option<Vec<u8>> {
    match behaviour {
        Behaviour::Auth => {
            let expected = format!("Bearer {LAB_TOKEN}");
            (head.header("Authorization") != Some(expected.as_str())).then(|| {
                let body =
                    "missing or wrong bearer token: send `Authorization: Bearer lab-token`\n";
                http_response(
                    401,
                    "Unauthorized",
                    &[("WWW-Authenticate", "Bearer realm=\"wsdoctor-lab\"")],
                    "text/plain",
                    body,
                )
            })
        }
        Behaviour::Origin => {
            let origin = head.header("Origin");
            let allowed = origin.is_some_and(|o| info.own_origins.iter().any(|own| own == o));
            (!allowed).then(|| {
                let body = format!(
                    "origin {} is not allowed; this endpoint accepts only {}\n",
                    origin.unwrap_or("(none)"),
                    info.own_origins.join(" or ")
                );
                http_response(403, "Forbidden", &[], "text/plain", &body)
            })
        }
        Behaviour::Subprotocol => {
            let offered = head.header_tokens("Sec-WebSocket-Protocol");
            (!offered.contains(&LAB_SUBPROTOCOL)).then(|| {
                let body = format!(
                    "subprotocol required: offer `Sec-WebSocket-Protocol: {LAB_SUBPROTOCOL}`\n"
                );
                http_response(400, "Bad Request", &[], "text/plain", &body)
            })
        }
        _ => None,
    }
}

async fn reply<S: LabIo>(io: &mut S, response: Vec<u8>) {
    if io.write_all(&response).await.is_ok() {
        let _ = io.flush().await;
        let _ = io.shutdown().await;
    }
}

/// Reads and discards whatever the client sends, answering nothing, until it leaves or the limit passes.
async fn hold<S: LabIo>(mut io: S) {
    let _ =
        tokio::time::timeout(HOLD_LIMIT, tokio::io::copy(&mut io, &mut tokio::io::sink())).await;
}

async fn echo<S: LabIo>(
    ws: &mut WebSocketStream<S>,
    limit: Option<usize>,
) -> Result<(), tungstenite::Error> {
    while let Some(message) = ws.next().await {
        let message = message?;
        if !(message.is_text() || message.is_binary()) {
            // Pings are answered by tungstenite itself; a close is answered and ends the stream.
            continue;
        }
        match limit {
            Some(limit) if message.len() > limit => {
                let reason = format!(
                    "message of {} bytes exceeds the limit of {limit}",
                    message.len()
                );
                ws.close(Some(CloseFrame {
                    code: CloseCode::Size,
                    reason: reason.into(),
                }))
                .await?;
            }
            _ => ws.send(message).await?,
        }
    }
    Ok(())
}

/// Sends `count` text messages of 100 bytes, then closes cleanly: as fast as the connection takes them, or
/// at `rate` messages a second (paced in 10 ms slices, so a client can be watched under a steady stream).
async fn flood<S: LabIo>(
    ws: &mut WebSocketStream<S>,
    count: u64,
    rate: Option<u64>,
) -> Result<(), tungstenite::Error> {
    const SLICE: std::time::Duration = std::time::Duration::from_millis(10);
    let payload = tungstenite::Message::text("x".repeat(100));
    let per_slice = rate.map_or(256, |r| (r / 100).max(1));
    let mut ticks = tokio::time::interval(SLICE);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = 0;
    while sent < count {
        if rate.is_some() {
            ticks.tick().await;
        }
        for _ in 0..per_slice.min(count - sent) {
            ws.feed(payload.clone()).await?;
            sent += 1;
        }
        ws.flush().await?;
    }
    close_with(ws, CloseCode::Normal, "lab: flood done").await
}

async fn close_at_once<S: LabIo>(ws: &mut WebSocketStream<S>) -> Result<(), tungstenite::Error> {
    close_with(ws, CloseCode::Error, "lab: simulated server error").await
}

/// Closes with `code` and waits (bounded) for the client's half of the closing handshake.
async fn close_with<S: LabIo>(
    ws: &mut WebSocketStream<S>,
    code: CloseCode,
    reason: &str,
) -> Result<(), tungstenite::Error> {
    ws.close(Some(CloseFrame {
        code,
        reason: reason.to_string().into(),
    }))
    .await?;
    // Wait for the client's half of the closing handshake, within bounds.
    let _ = tokio::time::timeout(CLOSE_REPLY_WAIT, async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    Ok(())
}

fn index() -> String {
    let mut text = String::from("WS Doctor lab: WebSocket endpoints for learning and testing.\n\n");
    for spec in SPECS {
        text.push_str(&format!("{:<14} {}\n", spec.path, spec.description));
    }
    text
}
