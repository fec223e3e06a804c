//! The STOMP client machine, as stomp.js and Spring's client speak it: CONNECT with the login and passcode
//! from the auth payload (a profile's secret) and heart-beats both ways, then SUBSCRIBE (with an ack
//! mode), UNSUBSCRIBE, SEND, ACK and NACK. Every frame the user sends asks for a receipt, and the RECEIPT
//! is joined to it; heart-beats are sent on the period CONNECTED settled; an ERROR frame is named with the
//! catalog's cause (a refused CONNECT, or a frame the broker would not take).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::frame::{self, ASKED_BEAT_MS, HeartBeats, StompFrame};
use crate::framework::action::Action;
use crate::framework::awaited_replies::AwaitedReplies;
use crate::framework::exchange::{Decoded, Frame, NoteLevel, Output, Terms, join_timed_out};
use crate::framework::keep_alive::{KeepAlive, earliest};
use crate::{Error, Result};

/// Message ids remembered at once (for ACK in STOMP 1.1), at most.
const MAX_REMEMBERED: usize = 10_000;

pub(crate) struct StompClient {
    host: String,
    auth: Option<Value>,
    connected: bool,
    version: String,
    join_by: Option<Instant>,
    join_timeout: Duration,
    beats: KeepAlive,
    next_subscription: u64,
    next_receipt: u64,
    /// Destination → subscription id.
    subscriptions: BTreeMap<String, String>,
    /// Frames awaiting their RECEIPT, by receipt id.
    receipts: AwaitedReplies<String>,
    /// Message id → subscription, for ACK in STOMP 1.1 (which names both).
    messages: BTreeMap<String, String>,
}

impl StompClient {
    pub(crate) fn new(terms: &Terms, now: Instant) -> StompClient {
        StompClient {
            // The virtual host: RabbitMQ reads `host` as one, and its default is `/` (Spring's relay too).
            host: "/".to_string(),
            auth: terms.auth.clone(),
            connected: false,
            version: "1.0".into(),
            join_by: Some(now + terms.join_timeout),
            join_timeout: terms.join_timeout,
            beats: KeepAlive::new("\n", "heart-beat"),
            next_subscription: 0,
            next_receipt: 0,
            subscriptions: BTreeMap::new(),
            receipts: AwaitedReplies::new(terms.reply_timeout),
            messages: BTreeMap::new(),
        }
    }

    /// CONNECT, with the login from the auth payload (`{"login", "passcode", "host"}`).
    pub(crate) fn opening(&mut self, _now: Instant) -> Vec<Output> {
        let field = |name: &str| {
            self.auth
                .as_ref()
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut headers = vec![
            ("accept-version".to_string(), "1.0,1.1,1.2".to_string()),
            (
                "host".to_string(),
                field("host").unwrap_or(self.host.clone()),
            ),
            (
                "heart-beat".to_string(),
                format!("{ASKED_BEAT_MS},{ASKED_BEAT_MS}"),
            ),
        ];
        let login = field("login");
        if let Some(login) = &login {
            headers.push(("login".into(), login.clone()));
        }
        if let Some(passcode) = field("passcode") {
            headers.push(("passcode".into(), passcode));
        }
        let frame = StompFrame {
            command: "CONNECT".into(),
            headers,
            body: String::new(),
        };
        let mut decoded = decoded_of(&frame);
        decoded.note = Some(match login {
            Some(login) => format!("login {login} and passcode from the auth payload"),
            None => "no login (the auth payload has none)".into(),
        });
        vec![Output::Send(Frame::Text(frame.render()), decoded)]
    }

    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        let Frame::Text(text) = frame else {
            let mut decoded = Decoded::new("unknown");
            decoded.note =
                Some("STOMP over WebSocket is text; a binary frame is no STOMP frame".into());
            return (Some(decoded), Vec::new());
        };
        if frame::is_heart_beat(text) {
            return (Some(Decoded::heartbeat("heart-beat")), Vec::new());
        }
        let Some(parsed) = StompFrame::parse(text) else {
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some("not a STOMP frame".into());
            return (Some(decoded), Vec::new());
        };
        let mut decoded = decoded_of(&parsed);
        match parsed.command.as_str() {
            "CONNECTED" => {
                self.connected = true;
                self.join_by = None;
                self.version = parsed.header("version").unwrap_or("1.0").to_string();
                let beats = HeartBeats::negotiate(parsed.header("heart-beat").unwrap_or("0,0"));
                self.beats.start(beats.client_every, now);
                decoded.note = Some(format!(
                    "STOMP {}{}; heart-beats: {}",
                    self.version,
                    parsed
                        .header("server")
                        .map(|s| format!(", server {s}"))
                        .unwrap_or_default(),
                    beats.describe()
                ));
            }
            "MESSAGE" => {
                decoded.name = parsed.header("destination").map(str::to_string);
                decoded.id = parsed.header("subscription").map(str::to_string);
                if let (Some(id), Some(subscription)) =
                    (parsed.header("message-id"), parsed.header("subscription"))
                {
                    if self.messages.len() >= MAX_REMEMBERED {
                        self.messages.pop_first();
                    }
                    self.messages
                        .insert(id.to_string(), subscription.to_string());
                }
                if let Some(ack) = parsed.header("ack").or(parsed.header("message-id"))
                    && self.version != "1.0"
                {
                    decoded.note = Some(format!(
                        "on subscription {}; acknowledge with `ack {ack}` when its ack mode is client",
                        parsed.header("subscription").unwrap_or("?")
                    ));
                }
            }
            "RECEIPT" => {
                let id = parsed.header("receipt-id").unwrap_or_default().to_string();
                decoded.note = Some(match self.receipts.answered(&id, now) {
                    Some((what, took)) => format!(
                        "receipt for {what} after {:.1} ms",
                        took.as_secs_f64() * 1000.0
                    ),
                    None => format!("receipt {id} answers no frame awaiting one"),
                });
                decoded.id = Some(id);
            }
            "ERROR" => {
                let said = format!(
                    "{}{}",
                    parsed.header("message").unwrap_or("(no message header)"),
                    if parsed.body.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", crate::report::capped(&parsed.body, 1024))
                    }
                );
                decoded.id = parsed.header("receipt-id").map(str::to_string);
                if self.connected {
                    decoded = decoded.caused_by(
                        "stomp.frame_refused",
                        &format!("the broker refused a frame: {said}"),
                    );
                } else {
                    self.join_by = None;
                    decoded = decoded.caused_by(
                        "stomp.connect_rejected",
                        &format!("the broker refused CONNECT: {said}"),
                    );
                }
                decoded.refusal = true;
            }
            _ => {}
        }
        (Some(decoded), Vec::new())
    }

    pub(crate) fn act(&mut self, action: Action, now: Instant) -> Result<Vec<Output>> {
        if !self.connected {
            return Err(Error::InvalidInput(
                "not sent: the broker has not answered CONNECT yet".into(),
            ));
        }
        let (command, mut headers, body, what) = match action {
            Action::Subscribe {
                destination,
                ack,
                headers: extra,
            } => {
                let ack = ack.unwrap_or_else(|| "auto".into());
                if !matches!(ack.as_str(), "auto" | "client" | "client-individual") {
                    return Err(Error::InvalidInput(format!(
                        "`{ack}` is not an ack mode (auto, client, client-individual)"
                    )));
                }
                self.next_subscription += 1;
                let id = format!("sub-{}", self.next_subscription);
                self.subscriptions.insert(destination.clone(), id.clone());
                let mut headers = vec![
                    ("id".to_string(), id),
                    ("destination".to_string(), destination.clone()),
                    ("ack".to_string(), ack),
                ];
                headers.extend(extra);
                (
                    "SUBSCRIBE",
                    headers,
                    String::new(),
                    format!("SUBSCRIBE {destination}"),
                )
            }
            Action::Unsubscribe { destination } => {
                let id = self
                    .subscriptions
                    .remove(&destination)
                    .or_else(|| {
                        let known = self.subscriptions.values().any(|v| *v == destination);
                        known.then(|| destination.clone())
                    })
                    .ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "no subscription to {destination} in this session"
                        ))
                    })?;
                self.subscriptions.retain(|_, v| *v != id);
                (
                    "UNSUBSCRIBE",
                    vec![("id".to_string(), id)],
                    String::new(),
                    format!("UNSUBSCRIBE {destination}"),
                )
            }
            Action::Send {
                destination,
                headers: extra,
                body,
            } => {
                let mut headers = vec![("destination".to_string(), destination.clone())];
                headers.extend(extra);
                ("SEND", headers, body, format!("SEND {destination}"))
            }
            Action::Ack { id, nack } => {
                let command = if nack { "NACK" } else { "ACK" };
                let headers = if self.version == "1.2" {
                    vec![("id".to_string(), id.clone())]
                } else {
                    let mut headers = vec![("message-id".to_string(), id.clone())];
                    if let Some(subscription) = self.messages.get(&id) {
                        headers.push(("subscription".to_string(), subscription.clone()));
                    }
                    headers
                };
                (command, headers, String::new(), format!("{command} {id}"))
            }
            _ => return Err(Error::InvalidInput("not a STOMP action".into())),
        };
        if headers.iter().any(|(n, _)| n.trim().is_empty()) {
            return Err(Error::InvalidInput("a header needs a name".into()));
        }
        self.next_receipt += 1;
        let receipt = format!("r-{}", self.next_receipt);
        headers.push(("receipt".to_string(), receipt.clone()));
        self.receipts.expect(receipt, what, now);
        let frame = StompFrame {
            command: command.to_string(),
            headers,
            body,
        };
        let rendered = frame.render();
        if rendered.len() > crate::framework::MAX_SEND_BYTES {
            return Err(Error::InvalidInput(format!(
                "the frame is {} bytes; the console sends at most {}",
                rendered.len(),
                crate::framework::MAX_SEND_BYTES
            )));
        }
        Ok(vec![Output::Send(
            Frame::Text(rendered),
            decoded_of(&frame),
        )])
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        earliest([self.receipts.next_due(), self.join_by, self.beats.due()])
    }

    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        let mut steps = Vec::new();
        if self.join_by.is_some_and(|at| at <= now) {
            self.join_by = None;
            let said = format!(
                "no answer to CONNECT within {:.1} s",
                self.join_timeout.as_secs_f32()
            );
            steps.extend(join_timed_out(
                Decoded::new("connect_timeout"),
                "stomp.no_connected",
                said,
            ));
        }
        for (id, what) in self.receipts.overdue(now) {
            let said = format!(
                "no RECEIPT for {what} (receipt {id}) within {:.1} s",
                self.receipts.timeout().as_secs_f32()
            );
            let mut decoded = Decoded::new("receipt_timeout");
            decoded.id = Some(id);
            decoded.note = Some(said.clone());
            steps.push(Output::Note(NoteLevel::Info, said, decoded));
        }
        steps.extend(self.beats.tick(now));
        steps
    }
}

/// A frame as the console shows it: command, headers (a passcode's value left out), body.
fn decoded_of(frame: &StompFrame) -> Decoded {
    let mut decoded = Decoded::new(&frame.command);
    decoded.headers = frame
        .headers
        .iter()
        .map(|(n, v)| {
            let shown = if n == "passcode" {
                "(from the auth payload)"
            } else {
                v
            };
            (n.clone(), shown.to_string())
        })
        .collect();
    decoded.name = frame.header("destination").map(str::to_string);
    decoded.id = frame
        .header("receipt")
        .or(frame.header("id"))
        .map(str::to_string);
    if !frame.body.is_empty() {
        decoded.body = Some(frame.body.clone());
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker() -> StompClient {
        StompClient::new(
            &Terms {
                auth: Some(serde_json::json!({"login": "guest", "passcode": "pw"})),
                url: "ws://broker.test:15674/ws".into(),
                namespace: "/".into(),
                join_timeout: Duration::from_secs(5),
                reply_timeout: Duration::from_secs(2),
            },
            Instant::now(),
        )
    }

    fn text(steps: &[Output]) -> String {
        match &steps[0] {
            Output::Send(Frame::Text(t), _) => t.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn connect_carries_the_login_and_the_passcode_is_not_shown() {
        let mut s = speaker();
        let steps = s.opening(Instant::now());
        let wire = text(&steps);
        assert!(wire.starts_with("CONNECT\naccept-version:1.0,1.1,1.2\nhost:/\n"));
        assert!(wire.contains("login:guest\npasscode:pw\n"));
        let Output::Send(_, decoded) = &steps[0] else {
            unreachable!()
        };
        assert!(!format!("{decoded:?}").contains("pw\""));
    }

    #[test]
    fn frames_go_out_with_receipts_and_answers_are_joined() {
        let now = Instant::now();
        let mut s = speaker();
        s.opening(now);
        assert!(
            s.act(
                Action::Ack {
                    id: "1".into(),
                    nack: false
                },
                now
            )
            .is_err()
        );
        let (connected, _) = s.heard(
            &Frame::Text(
                "CONNECTED\nversion:1.2\nheart-beat:10000,10000\nserver:RabbitMQ/3\n\n\0".into(),
            ),
            now,
        );
        assert!(
            connected
                .unwrap()
                .note
                .unwrap()
                .contains("the client sends every 10 s")
        );
        assert_eq!(s.deadline(), Some(now + Duration::from_secs(10)));
        let steps = s
            .act(
                Action::Subscribe {
                    destination: "/queue/a".into(),
                    ack: Some("client".into()),
                    headers: vec![],
                },
                now,
            )
            .unwrap();
        assert_eq!(
            text(&steps),
            "SUBSCRIBE\nid:sub-1\ndestination:/queue/a\nack:client\nreceipt:r-1\n\n\0"
        );
        let (receipt, _) = s.heard(
            &Frame::Text("RECEIPT\nreceipt-id:r-1\n\n\0".into()),
            now + Duration::from_millis(3),
        );
        assert!(
            receipt
                .unwrap()
                .note
                .unwrap()
                .starts_with("receipt for SUBSCRIBE /queue/a")
        );
        let steps = s
            .act(
                Action::Send {
                    destination: "/queue/a".into(),
                    headers: vec![("content-type".into(), "text/plain".into())],
                    body: "hi".into(),
                },
                now,
            )
            .unwrap();
        assert!(text(&steps).starts_with("SEND\ndestination:/queue/a\ncontent-type:text/plain\nreceipt:r-2\ncontent-length:2\n\nhi\0"));
        let (message, _) = s.heard(
            &Frame::Text(
                "MESSAGE\ndestination:/queue/a\nsubscription:sub-1\nmessage-id:m1\nack:a1\n\nhi\0"
                    .into(),
            ),
            now,
        );
        let message = message.unwrap();
        assert_eq!(
            (message.name.as_deref(), message.body.as_deref()),
            (Some("/queue/a"), Some("hi"))
        );
        assert!(message.note.unwrap().contains("ack a1"));
        assert!(
            text(
                &s.act(
                    Action::Ack {
                        id: "a1".into(),
                        nack: true
                    },
                    now
                )
                .unwrap()
            )
            .starts_with("NACK\nid:a1\n")
        );
        assert!(
            text(
                &s.act(
                    Action::Unsubscribe {
                        destination: "/queue/a".into()
                    },
                    now
                )
                .unwrap()
            )
            .starts_with("UNSUBSCRIBE\nid:sub-1\n")
        );
        assert!(
            s.act(
                Action::Unsubscribe {
                    destination: "/queue/a".into()
                },
                now
            )
            .is_err()
        );
        let (beat, _) = s.heard(&Frame::Text("\n".into()), now);
        assert!(beat.unwrap().heartbeat);
        let steps = s.tick(now + Duration::from_secs(10));
        assert!(
            steps
                .iter()
                .any(|s| matches!(s, Output::Send(Frame::Text(t), _) if t == "\n"))
        );
        assert!(
            steps
                .iter()
                .any(|s| matches!(s, Output::Note(_, said, _) if said.contains("no RECEIPT for")))
        );
    }

    #[test]
    fn an_error_frame_is_a_refusal_named_by_when_it_came() {
        let now = Instant::now();
        let mut s = speaker();
        let (error, _) = s.heard(
            &Frame::Text(
                "ERROR\nmessage:Access refused for user 'guest'\n\nLogin was refused\0".into(),
            ),
            now,
        );
        let error = error.unwrap();
        assert!(error.refusal);
        assert_eq!(error.cause.as_deref(), Some("stomp.connect_rejected"));
        s.heard(&Frame::Text("CONNECTED\nversion:1.2\n\n\0".into()), now);
        let (error, _) = s.heard(
            &Frame::Text("ERROR\nmessage:not_found\n\nno queue\0".into()),
            now,
        );
        assert_eq!(error.unwrap().cause.as_deref(), Some("stomp.frame_refused"));
        let (junk, _) = s.heard(&Frame::Binary(vec![1]), now);
        assert_eq!(junk.unwrap().kind, "unknown");
    }
}
