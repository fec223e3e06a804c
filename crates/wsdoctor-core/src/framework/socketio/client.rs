//! The Socket.IO client machine, as `socket.io-client` speaks it on the WebSocket transport: wait for the
//! Engine.IO open packet, join the namespace with the auth payload, answer the server's pings (Engine.IO 4)
//! or ping it (Engine.IO 3), emit events with JSON arguments and binary attachments, join each ack to its
//! emit (or say it timed out), and read every packet the server sends into its event, ack, disconnect or
//! CONNECT_ERROR. Packets are parsed, never trusted: attachments are counted and capped, nothing is sliced
//! at a byte offset.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::reassembly::Reassembly;
use crate::framework::action::Action;
use crate::framework::awaited_replies::AwaitedReplies;
use crate::framework::exchange::{Decoded, Frame, NoteLevel, Output, Terms, join_timed_out};
use crate::framework::keep_alive::{KeepAlive, earliest};
use crate::framework::socketio::engine_io::{self, Version};
use crate::framework::socketio::packet::{Packet, raw_event, split_event, take_attachments};
use crate::{Error, Result};

pub(crate) struct SocketioClient {
    version: Version,
    namespace: String,
    auth: Option<String>,
    joined: bool,
    /// Until the namespace answers: when to say it did not.
    join_by: Option<Instant>,
    join_timeout: Duration,
    next_ack: u64,
    /// Emits awaiting their ack, by ack id.
    awaited: AwaitedReplies<u64>,
    partial: Reassembly,
    /// Engine.IO 3: the client pings every interval.
    pings: KeepAlive,
}

impl SocketioClient {
    pub(crate) fn new(terms: &Terms, now: Instant) -> SocketioClient {
        let version = url::Url::parse(&terms.url)
            .map(|u| Version::of_url(&u))
            .unwrap_or(Version::V4);
        SocketioClient {
            version,
            namespace: terms.namespace.clone(),
            auth: terms.auth.as_ref().map(Value::to_string),
            joined: false,
            join_by: Some(now + terms.join_timeout),
            join_timeout: terms.join_timeout,
            next_ack: 0,
            awaited: AwaitedReplies::new(terms.reply_timeout),
            partial: Reassembly::default(),
            pings: KeepAlive::new("2", "ping"),
        }
    }

    /// A machine for a session whose handshake and join happened elsewhere (the check's polling
    /// handshake, then its upgrade): joined, and in Engine.IO 3 pinging every `ping_interval_ms`.
    pub(crate) fn resumed(terms: &Terms, ping_interval_ms: u64, now: Instant) -> SocketioClient {
        let mut client = SocketioClient::new(terms, now);
        client.joined = true;
        client.join_by = None;
        if client.version == Version::V3 {
            let every = engine_io::client_ping_every(ping_interval_ms);
            client.pings.start(Some(every), now);
        }
        client
    }

    /// The packet for this session's namespace: `/admin,` before the rest, nothing for the main one.
    fn namespaced(&self, kind: &str, rest: &str) -> String {
        if self.namespace == "/" {
            format!("4{kind}{rest}")
        } else {
            format!("4{kind}{},{rest}", self.namespace)
        }
    }

    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        match frame {
            Frame::Text(text) => self.heard_text(text, now),
            Frame::Binary(bytes) => (Some(self.heard_attachment(bytes, now)), Vec::new()),
        }
    }

    fn heard_text(&mut self, text: &str, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        let mut chars = text.chars();
        let kind = chars.next();
        let rest = chars.as_str();
        match kind {
            Some('0') => {
                let open: Value = serde_json::from_str(rest).unwrap_or(Value::Null);
                let number = |k: &str| open.get(k).and_then(Value::as_u64);
                let mut decoded = Decoded::new("open");
                decoded.id = open.get("sid").and_then(Value::as_str).map(str::to_string);
                decoded.note = Some(format!(
                    "Engine.IO session opened: the server pings every {} ms and waits {} ms for the pong",
                    number("pingInterval").unwrap_or(0),
                    number("pingTimeout").unwrap_or(0)
                ));
                decoded.body = Some(rest.to_string());
                let mut steps = Vec::new();
                if self.version == Version::V3 {
                    let every = number("pingInterval").map(engine_io::client_ping_every);
                    self.pings.start(every, now);
                }
                if let Some(packet) =
                    engine_io::connect_packet(&self.namespace, self.auth.as_deref(), self.version)
                {
                    let mut connect = Decoded::new("connect");
                    connect.name = Some(self.namespace.clone());
                    connect.body = self.auth.clone();
                    connect.note = Some(format!(
                        "joining namespace {}{}",
                        self.namespace,
                        if self.auth.is_some() {
                            " with the auth payload"
                        } else {
                            ""
                        }
                    ));
                    steps.push(Output::Send(Frame::Text(packet), connect));
                }
                (Some(decoded), steps)
            }
            Some('1') => {
                let mut decoded = Decoded::new("close");
                decoded.note = Some("the server closed the Engine.IO session".into());
                (Some(decoded), Vec::new())
            }
            Some('2') => (
                Some(Decoded::heartbeat("ping")),
                engine_io::pong_for(text, self.version)
                    .map(|pong| Output::Send(Frame::Text(pong), Decoded::heartbeat("pong")))
                    .into_iter()
                    .collect(),
            ),
            Some('3') => (Some(Decoded::heartbeat("pong")), Vec::new()),
            Some('6') => (Some(Decoded::heartbeat("noop")), Vec::new()),
            Some('4') => self.heard_packet(rest, now),
            _ => {
                let mut decoded = Decoded::new("unknown");
                decoded.note = Some("not an Engine.IO packet".into());
                (Some(decoded), Vec::new())
            }
        }
    }

    /// A Socket.IO packet: type, attachments, namespace, ack id, JSON.
    fn heard_packet(&mut self, packet: &str, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        let parsed = Packet::parse(packet);
        let Some(parsed) = parsed else {
            let mut decoded = Decoded::new("unknown");
            decoded.note = Some("not a Socket.IO packet".into());
            return (Some(decoded), Vec::new());
        };
        let other_namespace = parsed.namespace != self.namespace;
        let mut decoded = Decoded::new(match parsed.kind {
            '0' => "connect",
            '1' => "disconnect",
            '2' | '5' => "event",
            '3' | '6' => "ack",
            '4' => "connect_error",
            _ => "unknown",
        });
        decoded.id = parsed.ack.map(|id| id.to_string());
        if other_namespace {
            decoded.note = Some(format!("for namespace {}", parsed.namespace));
        }
        // Events and acks without attachments (a flood is made of them) are read without building a tree.
        let data = || serde_json::from_str::<Value>(parsed.json).unwrap_or(Value::Null);
        let mut steps = Vec::new();
        match parsed.kind {
            '0' if !other_namespace => {
                self.joined = true;
                self.join_by = None;
                decoded.name = Some(self.namespace.clone());
                decoded.note = Some(format!(
                    "joined namespace {}{}",
                    self.namespace,
                    data()
                        .get("sid")
                        .and_then(Value::as_str)
                        .map(|sid| format!(" (socket id {sid})"))
                        .unwrap_or_default()
                ));
            }
            '1' if !other_namespace => {
                self.joined = false;
                decoded.name = Some(self.namespace.clone());
                decoded = decoded.caused_by(
                    "socketio.server_disconnect",
                    &format!("the server disconnected namespace {}", self.namespace),
                );
                steps.push(Output::Finish(
                    "the server disconnected the namespace: socket.io-client does not reconnect after that (\"io server disconnect\")".into(),
                ));
            }
            '4' if !other_namespace => {
                self.join_by = None;
                let data = data();
                let message = data
                    .get("message")
                    .or(Some(&data))
                    .and_then(Value::as_str)
                    .unwrap_or(parsed.json);
                // What the server said is quoted, capped: the raw frame keeps the whole of it.
                let message = crate::report::capped(message, 1024);
                decoded.name = Some(self.namespace.clone());
                decoded.body = Some(parsed.json.to_string());
                let code = engine_io::connect_error_cause(&message);
                decoded = decoded.caused_by(
                    code,
                    &format!("namespace {} refused: {message}", self.namespace),
                );
                decoded.refusal = true;
                steps.push(Output::Finish(format!(
                    "the server refused namespace {}: socket.io-client does not reconnect after a CONNECT_ERROR from a middleware",
                    self.namespace
                )));
            }
            '2' | '5' => {
                if parsed.ack.is_some() {
                    decoded.note = Some(format!(
                        "the server asks for an acknowledgement (id {})",
                        decoded.id.as_deref().unwrap_or_default()
                    ));
                }
                if parsed.attachments == 0
                    && let Some((name, args)) = raw_event(parsed.json)
                {
                    decoded.name = Some(name);
                    decoded.body = Some(args);
                    return (Some(decoded), steps);
                }
                let (name, args) = split_event(data());
                decoded.name = name;
                return self.maybe_partial(decoded, args, parsed.attachments, now);
            }
            '3' | '6' => {
                if let Some(id) = parsed.ack {
                    decoded.note = Some(match self.awaited.answered(&id, now) {
                        Some((event, took)) => {
                            let note = format!(
                                "acknowledges emit {event} (ack id {id}) after {:.1} ms",
                                took.as_secs_f64() * 1000.0
                            );
                            decoded.name = Some(event);
                            note
                        }
                        None => format!(
                            "ack id {id} answers no emit awaiting one (it timed out, or was never sent)"
                        ),
                    });
                }
                if parsed.attachments == 0 {
                    decoded.body = Some(parsed.json.to_string());
                    return (Some(decoded), steps);
                }
                return self.maybe_partial(decoded, data(), parsed.attachments, now);
            }
            _ => decoded.body = Some(parsed.json.to_string()),
        }
        (Some(decoded), steps)
    }

    /// An event or ack, whole, or the first part of one whose attachments follow.
    fn maybe_partial(
        &mut self,
        decoded: Decoded,
        args: Value,
        attachments: usize,
        _now: Instant,
    ) -> (Option<Decoded>, Vec<Output>) {
        (
            Some(self.partial.start(decoded, args, attachments)),
            Vec::new(),
        )
    }

    fn heard_attachment(&mut self, bytes: &[u8], _now: Instant) -> Decoded {
        // Engine.IO 3 prefixes binary messages with the message type (4).
        let bytes = match (self.version, bytes.split_first()) {
            (Version::V3, Some((4, rest))) => rest,
            _ => bytes,
        };
        self.partial.heard(bytes)
    }

    pub(crate) fn act(&mut self, action: Action, now: Instant) -> Result<Vec<Output>> {
        let Action::Emit { event, args, ack } = action else {
            return Err(Error::InvalidInput("not a Socket.IO action".into()));
        };
        if !self.joined {
            return Err(Error::InvalidInput(format!(
                "not sent: namespace {} has not been joined yet",
                self.namespace
            )));
        }
        if event.trim().is_empty() {
            return Err(Error::InvalidInput("give the event's name".into()));
        }
        let mut values = vec![Value::String(event.clone())];
        for value in serde_json::Deserializer::from_str(&args).into_iter::<Value>() {
            values.push(value.map_err(|e| {
                Error::InvalidInput(format!(
                    "the arguments are not JSON values: {e} (column {})",
                    e.column()
                ))
            })?);
        }
        let mut attachments = Vec::new();
        for value in values.iter_mut().skip(1) {
            take_attachments(value, &mut attachments)?;
        }
        let id = ack.then(|| {
            self.next_ack += 1;
            self.next_ack
        });
        let array = Value::Array(values);
        let head = if attachments.is_empty() {
            "2".to_string()
        } else {
            format!("5{}-", attachments.len())
        };
        let packet = self.namespaced(
            &head,
            &format!("{}{array}", id.map(|i| i.to_string()).unwrap_or_default()),
        );
        let mut decoded = Decoded::new("event");
        decoded.name = Some(event.clone());
        decoded.id = id.map(|i| i.to_string());
        let (_, args_only) = split_event(array);
        decoded.body = Some(args_only.to_string());
        if let Some(id) = id {
            decoded.note = Some(format!(
                "awaits its ack (id {id}) for {:.1} s",
                self.awaited.timeout().as_secs_f32()
            ));
            self.awaited.expect(id, event, now);
        }
        let mut steps = vec![Output::Send(Frame::Text(packet), decoded)];
        let total = attachments.len();
        for (n, bytes) in attachments.into_iter().enumerate() {
            let mut part = Decoded::new("event-part");
            part.note = Some(format!("attachment {} of {total}", n + 1));
            let bytes = if self.version == Version::V3 {
                [vec![4], bytes].concat()
            } else {
                bytes
            };
            steps.push(Output::Send(Frame::Binary(bytes), part));
        }
        Ok(steps)
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        earliest([self.awaited.next_due(), self.join_by, self.pings.due()])
    }

    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        let mut steps = Vec::new();
        if self.join_by.is_some_and(|at| at <= now) {
            self.join_by = None;
            let mut decoded = Decoded::new("connect_timeout");
            decoded.name = Some(self.namespace.clone());
            let said = format!(
                "namespace {} did not answer the CONNECT within {:.1} s",
                self.namespace,
                self.join_timeout.as_secs_f32()
            );
            steps.extend(join_timed_out(decoded, "socketio.connect_failed", said));
        }
        for (id, event) in self.awaited.overdue(now) {
            let said = format!(
                "no ack for emit {event} (ack id {id}) within {:.1} s",
                self.awaited.timeout().as_secs_f32()
            );
            let mut decoded = Decoded::new("ack_timeout");
            decoded.name = Some(event);
            decoded.id = Some(id.to_string());
            decoded = decoded.caused_by("socketio.ack_timeout", &said);
            steps.push(Output::Note(NoteLevel::Error, said, decoded));
        }
        steps.extend(self.pings.tick(now));
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(namespace: &str) -> SocketioClient {
        SocketioClient::new(
            &Terms {
                auth: Some(serde_json::json!({"token": "t"})),
                url: "ws://h/socket.io/?EIO=4&transport=websocket".into(),
                namespace: namespace.into(),
                join_timeout: Duration::from_secs(5),
                reply_timeout: Duration::from_secs(2),
            },
            Instant::now(),
        )
    }

    fn text(s: &str) -> Frame {
        Frame::Text(s.into())
    }

    fn sent(steps: &[Output]) -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| match s {
                Output::Send(Frame::Text(t), _) => Some(t.clone()),
                Output::Send(Frame::Binary(b), _) => Some(format!("<{} bytes>", b.len())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn it_joins_answers_pings_and_joins_acks_to_their_emits() {
        let now = Instant::now();
        let mut s = speaker("/admin");
        let (open, steps) = s.heard(
            &text(r#"0{"sid":"x","pingInterval":25000,"pingTimeout":20000}"#),
            now,
        );
        assert_eq!(open.unwrap().kind, "open");
        assert_eq!(sent(&steps), [r#"40/admin,{"token":"t"}"#]);
        assert!(
            s.act(
                Action::Emit {
                    event: "e".into(),
                    args: String::new(),
                    ack: false
                },
                now
            )
            .is_err()
        );
        let (joined, _) = s.heard(&text(r#"40/admin,{"sid":"abc"}"#), now);
        assert!(joined.unwrap().note.unwrap().contains("socket id abc"));
        let (ping, steps) = s.heard(&text("2"), now);
        assert!(ping.unwrap().heartbeat);
        assert_eq!(sent(&steps), ["3"]);

        let steps = s
            .act(
                Action::Emit {
                    event: "echo".into(),
                    args: r#"{"a": 1} "two""#.into(),
                    ack: true,
                },
                now,
            )
            .unwrap();
        assert_eq!(sent(&steps), [r#"42/admin,1["echo",{"a":1},"two"]"#]);
        let (ack, _) = s.heard(
            &text(r#"43/admin,1[{"a":1},"two"]"#),
            now + Duration::from_millis(5),
        );
        let ack = ack.unwrap();
        assert_eq!(
            (ack.kind.as_str(), ack.name.as_deref(), ack.id.as_deref()),
            ("ack", Some("echo"), Some("1"))
        );
        assert!(ack.note.unwrap().contains("acknowledges emit echo"));

        s.act(
            Action::Emit {
                event: "slow".into(),
                args: String::new(),
                ack: true,
            },
            now,
        )
        .unwrap();
        assert_eq!(s.deadline(), Some(now + Duration::from_secs(2)));
        let steps = s.tick(now + Duration::from_secs(3));
        assert!(
            matches!(&steps[0], Output::Note(_, said, d) if said.contains("no ack for emit slow") && d.cause.as_deref() == Some("socketio.ack_timeout"))
        );
        assert!(
            s.act(
                Action::Emit {
                    event: "x".into(),
                    args: "{bad".into(),
                    ack: false
                },
                now
            )
            .is_err()
        );
    }

    #[test]
    fn binary_events_go_out_and_come_back_whole() {
        let now = Instant::now();
        let mut s = speaker("/");
        s.heard(&text(r#"0{"sid":"x"}"#), now);
        s.heard(&text(r#"40{"sid":"y"}"#), now);
        let steps = s
            .act(
                Action::Emit {
                    event: "file".into(),
                    args: r#"{"name": "a", "data": {"$base64": "AAEC"}}"#.into(),
                    ack: false,
                },
                now,
            )
            .unwrap();
        assert_eq!(
            sent(&steps),
            [
                r#"451-["file",{"data":{"_placeholder":true,"num":0},"name":"a"}]"#,
                "<3 bytes>"
            ]
        );
        let (first, _) = s.heard(
            &text(r#"451-["file",{"data":{"_placeholder":true,"num":0}}]"#),
            now,
        );
        assert_eq!(first.unwrap().kind, "event-part");
        let (whole, _) = s.heard(&Frame::Binary(vec![0, 1, 2]), now);
        let whole = whole.unwrap();
        assert_eq!(
            (whole.kind.as_str(), whole.name.as_deref()),
            ("event", Some("file"))
        );
        assert_eq!(
            whole.body.as_deref(),
            Some(r#"[{"data":{"$base64":"AAEC"}}]"#)
        );
        let (stray, _) = s.heard(&Frame::Binary(vec![9]), now);
        assert_eq!(stray.unwrap().kind, "unknown");
    }

    #[test]
    fn refusals_and_disconnects_are_named_and_end_the_session() {
        let now = Instant::now();
        let mut s = speaker("/admin");
        s.heard(&text(r#"0{"sid":"x"}"#), now);
        let (refused, steps) = s.heard(&text(r#"44/admin,{"message":"not authorized"}"#), now);
        let refused = refused.unwrap();
        assert!(refused.refusal);
        assert_eq!(refused.cause.as_deref(), Some("socketio.connect_rejected"));
        assert!(matches!(steps[0], Output::Finish(_)));
        let mut s = speaker("/nope");
        let (invalid, _) = s.heard(&text(r#"44/nope,{"message":"Invalid namespace"}"#), now);
        assert_eq!(
            invalid.unwrap().cause.as_deref(),
            Some("socketio.namespace_invalid")
        );
        let mut s = speaker("/");
        s.heard(&text("40"), now);
        let (bye, steps) = s.heard(&text("41"), now);
        assert_eq!(
            bye.unwrap().cause.as_deref(),
            Some("socketio.server_disconnect")
        );
        assert!(matches!(steps[0], Output::Finish(_)));
        let mut s = speaker("/");
        let steps = s.tick(now + Duration::from_secs(6));
        assert!(matches!(&steps[0], Output::Note(_, _, d) if d.refusal));
        for junk in [
            "",
            "4",
            "45-",
            "4x",
            "9",
            "42[",
            "451-",
            "45999999999999999999999-[]",
        ] {
            let _ = s.heard(&text(junk), now);
        }
    }
}
