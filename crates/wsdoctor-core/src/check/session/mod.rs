//! After the upgrade: a test message, a ping, what framework the server speaks, the optional size and idle probes, and
//! the closing handshake. Each ends in a check; how the connection ended (a close code, a drop, a protocol
//! error) becomes a named cause.
//!
//! Its parts: `session_end.rs` (how the connection ended) and the property test of the whole
//! (`properties.rs`). The server's frames are watched below tungstenite by the stream adapter the upgrade
//! put in place (`upgrade/server_frames.rs`).

#[cfg(test)]
mod properties;
mod session_end;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

use self::session_end::{Ended, WRITE_SLACK_BYTES, classify_error};
use super::items;
use crate::close_code;
use crate::net::Stream;
use crate::net::dial::elapsed_ms;
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence};

const PING_PAYLOAD: &[u8] = b"wsdoctor-ping";
/// The largest message the probe accepts from a server.
const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// How much of the server's first text message is kept to look at (Socket.IO detection, evidence).
const FIRST_TEXT_BYTES: usize = 4096;

pub(crate) struct Plan {
    pub message: String,
    pub reply_timeout: Duration,
    pub close_timeout: Duration,
    pub probe_size: Option<usize>,
    pub idle: Option<Duration>,
    /// The framework the URL points at (its own first message is `message` then).
    pub recognised: Option<(crate::framework::recognised::Recognised, String)>,
    /// permessage-deflate as the upgrade settled it.
    pub compression: super::upgrade::server_frames::Compression,
}

type Ws = WebSocketStream<Stream>;

struct Session {
    ws: Ws,
    /// What the stream adapter saw: the server's frames, and a compressed frame nobody agreed to, or one
    /// that does not inflate, is why tungstenite gave up.
    compression: super::upgrade::server_frames::Compression,
    opened: Instant,
    ended: Option<Ended>,
    server_pings: PingCount,
    first_text: Option<String>,
}

/// The server's pings, counted (a flood of them must not grow memory).
#[derive(Debug, Default, Clone, Copy)]
struct PingCount {
    count: u64,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl PingCount {
    fn add(&mut self) {
        let now = Instant::now();
        self.count += 1;
        self.first.get_or_insert(now);
        self.last = Some(now);
    }
}

enum Heard {
    Data(Message),
    Pong(Vec<u8>),
    Other,
}

impl Session {
    /// The next frame, or `None` once the connection has ended (recorded in `self.ended`).
    async fn next(&mut self, deadline: tokio::time::Instant) -> Option<Option<Heard>> {
        if self.ended.is_some() {
            return Some(None);
        }
        // A server that never stops sending keeps `next` ready: the deadline is checked first, or a
        // flood would keep the loop alive past it.
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        let next = match tokio::time::timeout_at(deadline, self.ws.next()).await {
            Err(_) => return None,
            Ok(next) => next,
        };
        let after = self.opened.elapsed();
        Some(match next {
            None => {
                self.ended = Some(Ended::Dropped {
                    detail: "the stream ended".into(),
                    after,
                });
                None
            }
            Some(Err(error)) => {
                self.ended = Some(self.classify(error, after));
                None
            }
            Some(Ok(Message::Close(frame))) => {
                let (code, reason) = frame
                    .map(|f| (u16::from(f.code), f.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                // tungstenite hands over an invalid code as 1002, its own answer: the wire tells.
                self.ended = Some(match self.compression.watch.frames().close_code {
                    Some(wire) if wire != code => Ended::InvalidClose { wire, after },
                    _ => Ended::Closed {
                        code,
                        reason: crate::report::capped(&reason, 123),
                        after,
                    },
                });
                // Let tungstenite flush its answer to the close frame.
                let _ = tokio::time::timeout(Duration::from_millis(200), self.ws.next()).await;
                None
            }
            Some(Ok(Message::Ping(_))) => {
                self.server_pings.add();
                Some(Heard::Other)
            }
            Some(Ok(Message::Pong(payload))) => Some(Heard::Pong(payload.to_vec())),
            Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                if self.first_text.is_none()
                    && let Message::Text(text) = &message
                {
                    self.first_text = Some(crate::report::capped(text.as_str(), FIRST_TEXT_BYTES));
                }
                Some(Heard::Data(message))
            }
            Some(Ok(Message::Frame(_))) => Some(Heard::Other),
        })
    }

    /// Sends within `deadline`; a server that stops reading ends the session as [`Ended::NotReading`].
    async fn send(&mut self, message: Message, deadline: tokio::time::Instant) -> bool {
        if self.ended.is_some() {
            return false;
        }
        let size = message.len();
        match tokio::time::timeout_at(deadline, self.ws.send(message)).await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                self.ended = Some(self.classify(error, self.opened.elapsed()));
                false
            }
            Err(_) => {
                self.ended = Some(Ended::NotReading {
                    detail: format!(
                        "a {size}-byte frame could not be written within the step's deadline (the server's receive window stayed full)"
                    ),
                });
                false
            }
        }
    }

    /// How an error ended the session: the compression layer's finding first, since it is the cause
    /// of the protocol error tungstenite reports.
    fn classify(&self, error: tungstenite::Error, after: Duration) -> Ended {
        let seen = self.compression.watch.inflated();
        if let Some(frame) = seen.unnegotiated {
            return Ended::Invalid {
                code: "frame.unnegotiated_compression",
                detail: format!(
                    "the server sent a compressed message ({frame}) although no compression was agreed in the handshake"
                ),
            };
        }
        if let Some(why) = seen.broken {
            return Ended::Invalid {
                code: "frame.invalid_compression",
                detail: why,
            };
        }
        classify_error(error, after)
    }

    /// A fragmented message the server began and had not finished when the session ended or the wait
    /// ran out, as evidence.
    fn unfinished(&self) -> Option<String> {
        let (kind, frames, bytes) = self.compression.watch.frames().unfinished?;
        Some(format!(
            "a {kind} message was begun in {frames} frame(s) ({bytes} bytes) without a final frame (FIN): {}",
            match &self.ended {
                Some(ended) => ended.describe(),
                None => "it was still unfinished when the wait ended".to_string(),
            }
        ))
    }
}

fn preview(message: &Message) -> String {
    match message {
        Message::Text(text) => {
            let text = text.as_str();
            if text.chars().count() > 200 {
                format!(
                    "{}… ({} bytes)",
                    text.chars().take(200).collect::<String>(),
                    text.len()
                )
            } else {
                text.to_string()
            }
        }
        other => {
            let data = other.clone().into_data();
            let shown: Vec<u8> = data.iter().take(32).copied().collect();
            format!("binary, {} bytes: {}", data.len(), hex::encode(shown))
        }
    }
}

pub(crate) async fn run(rec: &mut Recorder, stream: Stream, leftover: Vec<u8>, plan: &Plan) {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES))
        .max_write_buffer_size(plan.probe_size.unwrap_or(0) + WRITE_SLACK_BYTES);
    let ws =
        WebSocketStream::from_partially_read(stream, leftover, Role::Client, Some(config)).await;
    let mut session = Session {
        ws,
        compression: plan.compression.clone(),
        opened: Instant::now(),
        ended: None,
        server_pings: PingCount::default(),
        first_text: None,
    };

    // The test message and a ping go out together; both answers are awaited in one window.
    let mut message_step = rec.begin(&items::MESSAGE);
    let ping_step = rec.begin(&items::PING);
    let sent = Instant::now();
    let deadline = tokio::time::Instant::now() + plan.reply_timeout;
    let ping_sent = session
        .send(Message::Ping(PING_PAYLOAD.to_vec().into()), deadline)
        .await;
    let text_sent = session
        .send(Message::text(plan.message.clone()), deadline)
        .await;
    let mut reply: Option<(String, u32)> = None;
    let mut pong: Option<u32> = None;
    while ping_sent && text_sent && (reply.is_none() || pong.is_none()) {
        match session.next(deadline).await {
            None | Some(None) => break,
            Some(Some(Heard::Data(message))) if reply.is_none() => {
                reply = Some((preview(&message), elapsed_ms(sent)))
            }
            Some(Some(Heard::Pong(payload))) if payload == PING_PAYLOAD => {
                pong = Some(elapsed_ms(sent))
            }
            Some(Some(_)) => {}
        }
    }
    let waited = u32::try_from(plan.reply_timeout.as_millis()).unwrap_or(u32::MAX);
    if let Some(ratio) = plan.compression.ratio() {
        message_step
            .evidence
            .push(Evidence::new("Compression", ratio));
    }
    match (&reply, &session.ended) {
        (Some((text, ms)), _) => rec.finish(
            message_step,
            CheckStatus::Pass,
            format!("The server answered in {ms} ms: {text}"),
        ),
        (None, Some(ended)) => {
            let summary = format!("No reply: {}.", ended.describe());
            rec.finish(message_step, CheckStatus::Fail, summary);
        }
        (None, None) => {
            rec.diagnose(
                "echo.none",
                vec![Evidence::new("Sent", plan.message.clone())],
            );
            rec.finish(
                message_step,
                CheckStatus::Info,
                format!("No reply within {waited} ms (many servers do not echo)."),
            );
        }
    }
    let server_pings = describe_server_pings(session.server_pings);
    match (pong, &session.ended) {
        (Some(ms), _) => rec.finish(
            ping_step,
            CheckStatus::Pass,
            format!("Pong in {ms} ms.{server_pings}"),
        ),
        (None, Some(_)) => rec.finish(
            ping_step,
            CheckStatus::Skip,
            "Skipped: the connection ended before a pong could arrive.",
        ),
        (None, None) => {
            rec.diagnose(
                "ping.unanswered",
                vec![Evidence::new(
                    "Ping",
                    format!("sent a ping, no pong within {waited} ms"),
                )],
            );
            rec.finish(
                ping_step,
                CheckStatus::Fail,
                format!("No pong within {waited} ms.{server_pings}"),
            );
        }
    }

    super::frameworks::recognised_item::record(
        rec,
        session.first_text.as_deref(),
        plan.recognised.clone(),
        plan.reply_timeout,
    );

    if let Some(size) = plan.probe_size {
        probe_size(rec, &mut session, size, plan.reply_timeout).await;
    }
    if let Some(idle) = plan.idle {
        probe_idle(rec, &mut session, idle).await;
    }
    close(rec, &mut session, plan.close_timeout).await;
    // However the session ended (or did not), a message left half-sent is a finding of its own.
    if let Some(unfinished) = session.unfinished() {
        rec.diagnose(
            "frame.unfinished_message",
            vec![Evidence::new("Fragments", unfinished)],
        );
    }
}

fn describe_server_pings(pings: PingCount) -> String {
    match (pings.count, pings.first, pings.last) {
        (0, _, _) => String::new(),
        (1, _, _) => " The server sent 1 ping.".to_string(),
        (count, Some(first), Some(last)) => format!(
            " The server sent {count} pings, about every {:.3} s.",
            last.duration_since(first).as_secs_f32() / (count - 1) as f32
        ),
        (count, _, _) => format!(" The server sent {count} pings."),
    }
}

async fn probe_size(
    rec: &mut Recorder,
    session: &mut Session,
    size: usize,
    reply_timeout: Duration,
) {
    let step = rec.begin(&items::MESSAGE_SIZE);
    if let Some(ended) = &session.ended {
        let because = ended.describe();
        return rec.finish(step, CheckStatus::Skip, format!("Skipped: {because}."));
    }
    // Allow for the transfer itself at a modest 10 MB/s on top of the reply wait.
    let deadline = tokio::time::Instant::now() + size_probe_wait(size, reply_timeout);
    let sent = session
        .send(Message::text("x".repeat(size)), deadline)
        .await;
    let mut echoed = false;
    while sent && !echoed {
        match session.next(deadline).await {
            None | Some(None) => break,
            Some(Some(Heard::Data(message))) => echoed = message.len() == size,
            Some(Some(_)) => {}
        }
    }
    let evidence = vec![Evidence::new(
        "Probe",
        format!("sent one text message of {size} bytes"),
    )];
    match (&session.ended, echoed) {
        (_, true) => rec.finish(
            step,
            CheckStatus::Pass,
            format!("A {size}-byte message was echoed whole."),
        ),
        (Some(Ended::Closed { code: 1009, .. }), _) | (Some(Ended::Dropped { .. }), _) => {
            let summary = format!(
                "A {size}-byte message was refused: {}.",
                session
                    .ended
                    .as_ref()
                    .map(Ended::describe)
                    .unwrap_or_default()
            );
            rec.diagnose("message.too_big", evidence);
            rec.finish(step, CheckStatus::Fail, summary);
        }
        (Some(ended), _) => {
            let summary = format!("After a {size}-byte message, {}.", ended.describe());
            rec.finish(step, CheckStatus::Fail, summary);
        }
        (None, false) => rec.finish(
            step,
            CheckStatus::Info,
            format!("A {size}-byte message was accepted; no echo to compare."),
        ),
    }
}

async fn probe_idle(rec: &mut Recorder, session: &mut Session, idle: Duration) {
    let step = rec.begin(&items::IDLE);
    if let Some(ended) = &session.ended {
        let because = ended.describe();
        return rec.finish(step, CheckStatus::Skip, format!("Skipped: {because}."));
    }
    let started = Instant::now();
    let pings_before = session.server_pings.count;
    let deadline = tokio::time::Instant::now() + idle;
    loop {
        match session.next(deadline).await {
            None => break,
            Some(None) => break,
            Some(Some(_)) => {}
        }
    }
    let silent = started.elapsed();
    let pings = session.server_pings.count - pings_before;
    match &session.ended {
        Some(ended) => {
            let summary = format!(
                "Cut after {:.1} s of silence: {}.",
                silent.as_secs_f32(),
                ended.describe()
            );
            rec.diagnose(
                "idle.timeout",
                vec![Evidence::new("Idle probe", summary.clone())],
            );
            rec.finish(step, CheckStatus::Fail, summary);
        }
        None => {
            let pings = if pings > 0 {
                format!(" The server sent {pings} ping(s) meanwhile.")
            } else {
                String::new()
            };
            rec.finish(
                step,
                CheckStatus::Pass,
                format!("Still open after {} s of silence.{pings}", idle.as_secs()),
            );
        }
    }
}

async fn close(rec: &mut Recorder, session: &mut Session, close_timeout: Duration) {
    let step = rec.begin(&items::CLOSE);
    if session.ended.is_none() {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "wsdoctor: check done".into(),
        };
        let deadline = tokio::time::Instant::now() + close_timeout;
        if session.send(Message::Close(Some(frame)), deadline).await {
            loop {
                match session.next(deadline).await {
                    None => {
                        rec.diagnose(
                            "close.no_reply",
                            vec![Evidence::new(
                                "Close",
                                format!(
                                    "sent close 1000, no answer within {} ms",
                                    close_timeout.as_millis()
                                ),
                            )],
                        );
                        return rec.finish(
                            step,
                            CheckStatus::Warn,
                            format!(
                                "The server did not answer the close frame within {} ms.",
                                close_timeout.as_millis()
                            ),
                        );
                    }
                    Some(None) => break,
                    Some(Some(_)) => {}
                }
            }
            if let Some(Ended::Closed { code, .. }) = &session.ended {
                return rec.finish(
                    step,
                    CheckStatus::Pass,
                    format!(
                        "The server answered the close frame ({}).",
                        close_code::meaning(*code)
                    ),
                );
            }
        }
    }
    let Some(ended) = session.ended.clone() else {
        return rec.finish(step, CheckStatus::Pass, "Closed.");
    };
    let evidence = vec![Evidence::new("How the connection ended", ended.describe())];
    let summary = format!("{}.", capitalise(&ended.describe()));
    if rec.has("message.too_big") || rec.has("idle.timeout") {
        // Already explained by the size or idle probe that provoked it.
        return rec.finish(step, CheckStatus::Fail, summary);
    }
    match &ended {
        Ended::Closed { code, .. } => {
            let (code_name, status) = match code {
                1008 => ("close.policy", CheckStatus::Fail),
                1009 => ("message.too_big", CheckStatus::Fail),
                1011..=1014 => ("close.server_error", CheckStatus::Fail),
                _ => ("close.other", CheckStatus::Warn),
            };
            rec.diagnose(code_name, evidence);
            rec.finish(step, status, summary);
        }
        Ended::Dropped { .. } => {
            rec.diagnose("close.abnormal", evidence);
            rec.finish(step, CheckStatus::Fail, summary);
        }
        Ended::Invalid { code, .. } => {
            rec.diagnose(code, evidence);
            rec.finish(step, CheckStatus::Fail, summary);
        }
        Ended::InvalidClose { .. } => {
            rec.diagnose("close.invalid_code", evidence);
            rec.finish(step, CheckStatus::Fail, summary);
        }
        Ended::NotReading { .. } => {
            rec.diagnose("message.not_read", evidence);
            rec.finish(step, CheckStatus::Fail, summary);
        }
    }
}

/// How long the size probe waits: the reply wait (at least 2 s) plus the transfer at 10 MB/s.
pub(crate) fn size_probe_wait(size: usize, reply_timeout: Duration) -> Duration {
    reply_timeout.max(Duration::from_secs(2)) + Duration::from_millis((size / 10_000) as u64)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
