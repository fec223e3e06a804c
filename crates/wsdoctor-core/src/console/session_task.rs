//! The session task: connect, then one loop over user commands, incoming frames and the heartbeat; on a
//! drop, reconnect with backoff if asked to. Every step becomes an entry of the log.
//!
//! Nothing here waits without a deadline: every write is bounded by [`WRITE_TIMEOUT`] and gives way to a
//! stop, and a follower that reads slower than the socket pauses the reading (TCP backpressure) instead
//! of growing memory or dropping entries.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_util::sync::CancellationToken;

use super::entry::{Direction, Entry, EntryKind};
use super::recording::{Recording, close_entry};
use super::{Command, Frame, SessionConfig, SessionState, Shared};
use crate::framework::machine::{Dialect, Machine, NoteLevel, Output, Terms};
use crate::redact::Redactor;

/// How long to wait for the server's answer to a close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(3);
/// How long one write may wait for a server that is not reading before the session says so.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pings of ours awaiting their pong, at most (the oldest is forgotten past this).
const MAX_PINGS_AWAITED: usize = 1000;
/// Server pings closer together than this are counted into the next shown one, not logged each.
const PING_SHOWN_EVERY: Duration = Duration::from_secs(1);

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// How an open connection ended.
enum End {
    /// The user closed it (or stopped the session): no reconnect.
    ByUser,
    /// It dropped or the server closed it: reconnect if enabled.
    Lost,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn run(
    config: SessionConfig,
    parsed: crate::net::Target,
    dialect: Dialect,
    terms: Terms,
    redactor: Redactor,
    shared: Arc<Mutex<Shared>>,
    changed: Arc<Notify>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    stop: CancellationToken,
) {
    let rec = Recording {
        shared,
        changed,
        follower: config.follower.clone(),
        stop: stop.clone(),
    };
    let url = rec.with(|s| s.status.url.clone());
    let mut attempt = 0u32;
    loop {
        rec.state(if attempt == 0 {
            SessionState::Connecting
        } else {
            SessionState::Reconnecting
        });
        rec.local(EntryKind::Connecting, format!("connecting to {url}"))
            .await;
        let opened = tokio::select! {
            _ = stop.cancelled() => break,
            opened = super::connect::open(&config.target, &parsed, dialect) => opened,
        };
        let end = match opened {
            Ok(opened) => {
                attempt = 0;
                rec.with(|s| {
                    s.status.protocol = opened.protocol.clone();
                    s.status.extensions = opened.extensions.clone();
                    s.request_headers = opened
                        .request_headers
                        .iter()
                        .map(|(n, v)| (n.clone(), redactor.header_value(n, v)))
                        .collect();
                    s.response_status = opened.response_status;
                    s.response_headers = opened
                        .response_headers
                        .iter()
                        .map(|(n, v)| (n.clone(), redactor.header_value(n, v)))
                        .collect();
                });
                rec.state(SessionState::Open);
                // The handshake as it happened (secrets redacted), shown when the entry is expanded.
                let lines = |list: &[(String, String)]| {
                    list.iter()
                        .map(|(n, v)| format!("{n}: {}", redactor.header_value(n, v)))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                rec.local(
                    EntryKind::Open,
                    format!(
                        "{}\n\nRequest headers\n{}\n\nResponse: HTTP {}\n{}",
                        opened.summary,
                        lines(&opened.request_headers),
                        opened.response_status,
                        lines(&opened.response_headers)
                    ),
                )
                .await;
                let conversation =
                    Machine::start(dialect, &terms, opened.protocol.as_deref(), Instant::now());
                let talk = Talk {
                    config: &config,
                    redactor: &redactor,
                    // What a framework sends on its own (a CONNECT with the auth payload) and what the
                    // profile's variables filled in can hold a secret: such sessions redact what they send.
                    redact_sent: terms.auth.is_some()
                        || config.variables.iter().any(|(_, v)| v.is_some()),
                };
                converse(&rec, opened.ws, &talk, conversation, &mut commands, &stop).await
            }
            Err(error) => {
                rec.local(
                    EntryKind::Error,
                    redactor.text(&format!("connection failed: {error}")),
                )
                .await;
                End::Lost
            }
        };
        if matches!(end, End::ByUser) || stop.is_cancelled() {
            break;
        }
        let Some(backoff) = config.reconnect.filter(|b| attempt < b.max_attempts) else {
            break;
        };
        attempt += 1;
        let jitter = f64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
                % 1000,
        ) / 1000.0;
        let delay = backoff.delay(attempt, jitter);
        rec.state(SessionState::Reconnecting);
        let of = if backoff.max_attempts == u32::MAX {
            "unlimited".to_string()
        } else {
            backoff.max_attempts.to_string()
        };
        rec.local(
            EntryKind::Reconnect,
            format!(
                "reconnect attempt {attempt} of {of} in {} ms",
                delay.as_millis()
            ),
        )
        .await;
        // Wait out the delay; a close from the user during it ends the session.
        let deadline = tokio::time::sleep(delay);
        tokio::pin!(deadline);
        let mut give_up = false;
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = stop.cancelled() => { give_up = true; break; }
                command = commands.recv() => match command {
                    None | Some(Command::Close { .. }) => { give_up = true; break; }
                    Some(_) => { rec.local(EntryKind::Info, "not sent: the connection is down (reconnecting)".into()).await; }
                },
            }
        }
        if give_up {
            break;
        }
    }
    rec.state(SessionState::Closed);
    rec.local(EntryKind::Info, "session ended".into()).await;
    commands.close();
}

/// What one connection's conversation needs of the session.
struct Talk<'a> {
    config: &'a SessionConfig,
    redactor: &'a Redactor,
    redact_sent: bool,
}

async fn converse(
    rec: &Recording,
    ws: tokio_tungstenite::WebSocketStream<crate::net::Stream>,
    talk: &Talk<'_>,
    mut conversation: Machine,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    stop: &CancellationToken,
) -> End {
    let config = talk.config;
    let (mut sink, mut stream) = ws.split();
    let framework = !matches!(conversation, Machine::Websocket);
    let mut closing_since: Option<Instant> = None;
    let opening = conversation.opening(Instant::now());
    if let Err(end) = perform(rec, &mut sink, talk, opening, &mut closing_since, stop).await {
        return end;
    }
    let mut pings: VecDeque<(Vec<u8>, Instant)> = VecDeque::new();
    let mut heartbeat = config
        .heartbeat
        .map(|h| tokio::time::interval_at(tokio::time::Instant::now() + h.interval, h.interval));
    let mut heartbeat_seq = 0u64;
    let mut last_ping_shown: Option<Instant> = None;
    let mut pings_unshown = 0u64;
    loop {
        let close_deadline =
            closing_since.map(|since| tokio::time::Instant::from_std(since + CLOSE_WAIT));
        let protocol_deadline = conversation.deadline().map(tokio::time::Instant::from_std);
        tokio::select! {
            _ = stop.cancelled() => return End::ByUser,
            _ = async { match protocol_deadline { Some(at) => tokio::time::sleep_until(at).await, None => std::future::pending().await } } => {
                let steps = conversation.tick(Instant::now());
                if let Err(end) = perform(rec, &mut sink, talk, steps, &mut closing_since, stop).await {
                    return end;
                }
            }
            _ = async { match close_deadline { Some(at) => tokio::time::sleep_until(at).await, None => std::future::pending().await } } => {
                rec.local(EntryKind::Info, format!("the server did not answer the close frame within {} s", CLOSE_WAIT.as_secs())).await;
                return End::ByUser;
            }
            _ = async { match heartbeat.as_mut() { Some(timer) => { timer.tick().await; } None => std::future::pending().await } } => {
                let deadline = config.heartbeat.map(|h| h.deadline).unwrap_or_default();
                if let Some((_, sent)) = pings.front()
                    && sent.elapsed() > deadline
                {
                    rec.local(EntryKind::Error, format!("missed pong: no answer to a heartbeat ping within {} ms", deadline.as_millis())).await;
                    pings.pop_front();
                }
                heartbeat_seq += 1;
                let payload = format!("hb-{heartbeat_seq}").into_bytes();
                if let Err(error) = send_within(&mut sink, Message::Ping(payload.clone().into()), stop).await {
                    rec.local(EntryKind::Error, format!("heartbeat not sent: {}", error.message)).await;
                    if error.stalled {
                        return End::Lost;
                    }
                    continue;
                }
                rec.push(Direction::Out, EntryKind::Ping, payload.len(), Some("heartbeat".into()), Some(b64(&payload)), None).await;
                pings.push_back((payload, Instant::now()));
            }
            command = commands.recv() => match command {
                None => return End::ByUser,
                Some(Command::Act(action)) => match conversation.act(action, Instant::now()) {
                    Ok(steps) => {
                        if let Err(end) = perform(rec, &mut sink, talk, steps, &mut closing_since, stop).await {
                            return end;
                        }
                    }
                    Err(error) => rec.local(EntryKind::Error, format!("not sent: {error}")).await,
                },
                Some(Command::Send(frame)) => {
                    let (message, kind, size, text, data) = match frame {
                        Frame::Text(text) => {
                            let shown = if talk.redact_sent { talk.redactor.text(&text) } else { text.clone() };
                            (Message::text(text), EntryKind::Text, shown.len(), Some(shown), None)
                        }
                        Frame::Binary(bytes) => (Message::binary(bytes.clone()), EntryKind::Binary, bytes.len(), None, Some(b64(&bytes))),
                    };
                    match send_within(&mut sink, message, stop).await {
                        Ok(()) => rec.push(Direction::Out, kind, size, text, data, None).await,
                        Err(error) => {
                            rec.local(EntryKind::Error, format!("not sent: {}", error.message)).await;
                            if error.stalled {
                                return End::Lost;
                            }
                        }
                    }
                }
                Some(Command::Ping(payload)) => {
                    match send_within(&mut sink, Message::Ping(payload.clone().into()), stop).await {
                        Ok(()) => {
                            rec.push(Direction::Out, EntryKind::Ping, payload.len(), None, Some(b64(&payload)), None).await;
                            pings.push_back((payload, Instant::now()));
                            if pings.len() > MAX_PINGS_AWAITED {
                                pings.pop_front();
                            }
                        }
                        Err(error) => {
                            rec.local(EntryKind::Error, format!("ping not sent: {}", error.message)).await;
                            if error.stalled {
                                return End::Lost;
                            }
                        }
                    }
                }
                Some(Command::Close { code, reason }) => {
                    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.clone().into() };
                    if send_within(&mut sink, Message::Close(Some(frame)), stop).await.is_ok() {
                        rec.push_entry(close_entry(Direction::Out, code, &reason)).await;
                        closing_since = Some(Instant::now());
                    } else {
                        return End::ByUser;
                    }
                }
            },
            message = stream.next() => match message {
                None => {
                    rec.local(EntryKind::Error, "the connection ended without a close frame (1006)".into()).await;
                    return if closing_since.is_some() { End::ByUser } else { End::Lost };
                }
                Some(Err(error)) => {
                    let text = match &error {
                        tungstenite::Error::Utf8(detail) => format!("the server sent a text frame that is not valid UTF-8 ({detail}); the connection closes with 1007"),
                        tungstenite::Error::Capacity(detail) => format!("the server sent an oversize message ({detail}); the connection closes with 1009"),
                        tungstenite::Error::Protocol(detail) => format!("protocol error: {detail} (close 1002)"),
                        other => format!("the connection failed: {other} (1006)"),
                    };
                    rec.local(EntryKind::Error, text).await;
                    return if closing_since.is_some() { End::ByUser } else { End::Lost };
                }
                Some(Ok(Message::Text(text))) if !framework => {
                    rec.push(Direction::In, EntryKind::Text, text.len(), Some(text.to_string()), None, None).await;
                }
                Some(Ok(Message::Binary(bytes))) if !framework => {
                    rec.push(Direction::In, EntryKind::Binary, bytes.len(), None, Some(b64(&bytes)), None).await;
                }
                Some(Ok(Message::Text(text))) => {
                    let frame = Frame::Text(text.as_str().to_owned());
                    let (decoded, steps) = conversation.heard(&frame, Instant::now());
                    let Frame::Text(text) = frame else { unreachable!("built as text above") };
                    rec.push(Direction::In, EntryKind::Text, text.len(), Some(text), None, decoded).await;
                    if let Err(end) = perform(rec, &mut sink, talk, steps, &mut closing_since, stop).await {
                        return end;
                    }
                }
                Some(Ok(Message::Binary(bytes))) => {
                    let frame = Frame::Binary(bytes.to_vec());
                    let (decoded, steps) = conversation.heard(&frame, Instant::now());
                    rec.push(Direction::In, EntryKind::Binary, bytes.len(), None, Some(b64(&bytes)), decoded).await;
                    if let Err(end) = perform(rec, &mut sink, talk, steps, &mut closing_since, stop).await {
                        return end;
                    }
                }
                Some(Ok(Message::Ping(payload))) => {
                    // A server that floods pings is counted, not logged ping by ping.
                    if last_ping_shown.is_some_and(|at| at.elapsed() < PING_SHOWN_EVERY) {
                        pings_unshown += 1;
                    } else {
                        let text = match std::mem::take(&mut pings_unshown) {
                            0 => "answered automatically".to_string(),
                            n => format!("answered automatically ({n} more since the last one shown)"),
                        };
                        last_ping_shown = Some(Instant::now());
                        rec.push(Direction::In, EntryKind::Ping, payload.len(), Some(text), Some(b64(&payload)), None).await;
                    }
                }
                Some(Ok(Message::Pong(payload))) => {
                    let rtt = pings
                        .iter()
                        .position(|(p, _)| p.as_slice() == payload.as_ref())
                        .and_then(|i| pings.remove(i))
                        .map(|(_, sent)| sent.elapsed().as_secs_f64() * 1000.0);
                    rec.push_entry(Entry {
                        rtt_ms: rtt,
                        ..Entry::now(Direction::In, EntryKind::Pong, payload.len(), None, Some(b64(&payload)))
                    }).await;
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    let mut entry = close_entry(Direction::In, code, &reason);
                    entry.decoded = conversation.closed(code);
                    rec.push_entry(entry).await;
                    // Let tungstenite send its answer to the close frame.
                    let _ = tokio::time::timeout(Duration::from_millis(500), sink.flush()).await;
                    return if closing_since.is_some() { End::ByUser } else { End::Lost };
                }
                Some(Ok(Message::Frame(_))) => {}
            },
        }
    }
}

/// Carries out what the conversation asked: frames sent (and recorded with their decoding), notes
/// recorded, and a finish (a close frame, after which the session does not reconnect). `Err` is how the
/// connection ended when it cannot go on.
async fn perform<S>(
    rec: &Recording,
    sink: &mut S,
    talk: &Talk<'_>,
    steps: Vec<Output>,
    closing_since: &mut Option<Instant>,
    stop: &CancellationToken,
) -> Result<(), End>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    for step in steps {
        match step {
            Output::Send(frame, mut decoded) => {
                if talk.redact_sent {
                    decoded.body = decoded.body.map(|b| talk.redactor.text(&b));
                    for (_, value) in &mut decoded.headers {
                        *value = talk.redactor.text(value);
                    }
                }
                let (message, kind, size, text, data) = match frame {
                    Frame::Text(text) => {
                        let shown = if talk.redact_sent {
                            talk.redactor.text(&text)
                        } else {
                            text.clone()
                        };
                        (
                            Message::text(text),
                            EntryKind::Text,
                            shown.len(),
                            Some(shown),
                            None,
                        )
                    }
                    Frame::Binary(bytes) => {
                        let data = b64(&bytes);
                        let size = bytes.len();
                        (
                            Message::binary(bytes),
                            EntryKind::Binary,
                            size,
                            None,
                            Some(data),
                        )
                    }
                };
                match send_within(sink, message, stop).await {
                    Ok(()) => {
                        rec.push(Direction::Out, kind, size, text, data, Some(decoded))
                            .await
                    }
                    Err(error) => {
                        rec.local(EntryKind::Error, format!("not sent: {}", error.message))
                            .await;
                        if error.stalled {
                            return Err(End::Lost);
                        }
                    }
                }
            }
            Output::Note(level, text, decoded) => {
                let kind = match level {
                    NoteLevel::Info => EntryKind::Info,
                    NoteLevel::Error => EntryKind::Error,
                };
                rec.push(Direction::Local, kind, 0, Some(text), None, Some(decoded))
                    .await;
            }
            Output::Finish(why) => {
                rec.local(EntryKind::Info, why).await;
                if closing_since.is_some() {
                    continue;
                }
                let frame = CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                };
                if send_within(sink, Message::Close(Some(frame)), stop)
                    .await
                    .is_err()
                {
                    return Err(End::ByUser);
                }
                rec.push_entry(close_entry(Direction::Out, 1000, "")).await;
                *closing_since = Some(Instant::now());
            }
        }
    }
    Ok(())
}

/// Why a frame was not sent.
struct NotSent {
    message: String,
    /// The server stopped reading (or the session was stopped): the connection cannot go on.
    stalled: bool,
}

/// Sends one frame, within [`WRITE_TIMEOUT`] and giving way to a stop: a server that stops reading
/// cannot hold the session (or a close, or the app's stop) forever.
async fn send_within<S>(
    sink: &mut S,
    message: Message,
    stop: &CancellationToken,
) -> Result<(), NotSent>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    let stalled = |message: String| NotSent {
        message,
        stalled: true,
    };
    tokio::select! {
        sent = tokio::time::timeout(WRITE_TIMEOUT, sink.send(message)) => match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(tungstenite::Error::WriteBufferFull(_))) => {
                Err(stalled("the server is not reading: the write buffer is full".to_string()))
            }
            // Anything else (a send after the close, say) leaves the connection as it was.
            Ok(Err(error)) => Err(NotSent { message: error.to_string(), stalled: false }),
            Err(_) => Err(stalled(format!(
                "the server has read nothing for {} s: its receive window stayed full",
                WRITE_TIMEOUT.as_secs()
            ))),
        },
        _ = stop.cancelled() => Err(stalled("the session was stopped".to_string())),
    }
}
