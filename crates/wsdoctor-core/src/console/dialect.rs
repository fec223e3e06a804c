//! What a console session speaks over its socket: raw WebSocket messages, or a framework's protocol
//! (Socket.IO, STOMP, GraphQL over WebSocket). A framework session decodes every frame into what the app
//! would see (an event and its arguments, a MESSAGE on a destination, an operation's result), answers the
//! protocol's heartbeats, joins answers to what they answer (an ack to its emit, a receipt to its frame),
//! and names a refusal with the catalog's cause. The raw frame stays beside the decoded view in every entry.
//!
//! The speakers (`socketio_speaker.rs`, `stomp_speaker.rs`, `graphql_speaker.rs`) are pure state machines:
//! frames and user actions (`action.rs`) in, [`Step`]s out; the session task does every read, write and
//! wait, so each deadline stays in one place.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::action::Action;
use super::{EntryKind, Frame};
use crate::check::CheckOptions;
use crate::framework::{self, Protocol};
use crate::{Error, Result};

/// The protocol a console session speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Messages as they are: text, JSON, hex, base64.
    Websocket,
    /// Socket.IO (Engine.IO 4, or 3 with `EIO=3`) on its WebSocket transport: namespace, events, acks.
    Socketio,
    /// STOMP 1.0–1.2: CONNECT, SUBSCRIBE, SEND, ACK/NACK, receipts.
    Stomp,
    /// GraphQL over WebSocket: graphql-transport-ws, or the legacy `graphql-ws` protocol.
    #[serde(rename = "graphql-ws")]
    #[ts(rename = "graphql-ws")]
    GraphqlWs,
}

impl Dialect {
    /// The dialect of a target: its `--protocol`, or detected from the URL and subprotocols as a check
    /// does. SockJS sessions are spoken raw (their framing is shown as sent).
    pub fn of(options: &CheckOptions) -> Dialect {
        let Ok(url) = url::Url::parse(&options.url) else {
            return Dialect::Websocket;
        };
        match framework::choose(options.protocol, &url, &options.subprotocols).0 {
            Protocol::Socketio => Dialect::Socketio,
            Protocol::Stomp => Dialect::Stomp,
            Protocol::GraphqlWs => Dialect::GraphqlWs,
            Protocol::Auto | Protocol::Websocket | Protocol::Sockjs => Dialect::Websocket,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Dialect::Websocket => "websocket",
            Dialect::Socketio => "socketio",
            Dialect::Stomp => "stomp",
            Dialect::GraphqlWs => "graphql-ws",
        }
    }

    /// Whether `entry` is the one after which the session can be spoken to: the upgrade for plain
    /// WebSocket, the namespace's CONNECT, CONNECTED, `connection_ack`.
    pub fn joins(self, entry: &super::Entry) -> bool {
        let heard = |kind: &str| {
            entry.direction == super::Direction::In
                && entry.decoded.as_ref().is_some_and(|d| d.kind == kind)
        };
        match self {
            Dialect::Websocket => entry.kind == EntryKind::Open,
            // Another namespace's CONNECT (in a packet meant for it) is not this session's.
            Dialect::Socketio => {
                heard("connect")
                    && entry
                        .decoded
                        .as_ref()
                        .and_then(|d| d.note.as_deref())
                        .is_some_and(|n| n.starts_with("joined namespace"))
            }
            Dialect::Stomp => heard("CONNECTED"),
            Dialect::GraphqlWs => heard("connection_ack"),
        }
    }

    /// The commands a script line may start with in this dialect (besides `/ping`, `/close`, `/quit`).
    pub fn commands(self) -> &'static str {
        match self {
            Dialect::Websocket => "a line is sent as text; /hex, /b64, /json",
            Dialect::Socketio => "emit EVENT [JSON ...], emit-ack EVENT [JSON ...]",
            Dialect::Stomp => {
                "subscribe DEST [auto|client|client-individual], unsubscribe DEST, send DEST [-H name:value ...] BODY, ack ID, nack ID"
            }
            Dialect::GraphqlWs => "subscribe QUERY [VARIABLES-JSON], stop ID",
        }
    }

    /// The target as the session connects to it: Socket.IO's Engine.IO endpoint for the URL (as `io(url)`
    /// would), and the subprotocols STOMP and GraphQL clients offer when none were given.
    pub(crate) fn prepare(self, options: &mut CheckOptions) -> Result<()> {
        match self {
            Dialect::Socketio => {
                options.url = crate::framework::socketio_packet::engine_url(
                    &options.url,
                    options.socketio_path.as_deref(),
                )?
            }
            Dialect::Stomp if options.subprotocols.is_empty() => {
                options.subprotocols = framework::STOMP_SUBPROTOCOLS
                    .iter()
                    .map(|p| p.to_string())
                    .collect();
            }
            Dialect::GraphqlWs if options.subprotocols.is_empty() => {
                options.subprotocols = framework::GRAPHQL_SUBPROTOCOLS
                    .iter()
                    .map(|p| p.to_string())
                    .collect();
            }
            _ => {}
        }
        Ok(())
    }
}

/// A frame read at the protocol's level. Every field is what the peer (or the user) sent, decoded; the
/// entry keeps the raw frame beside it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Decoded {
    /// What the frame is: `event`, `ack`, `connect`, `connect_error`, `disconnect`, `heartbeat`;
    /// a STOMP command (`MESSAGE`, `RECEIPT`, `ERROR`); a GraphQL message type (`next`, `complete`).
    pub kind: String,
    /// What the name filter matches: the event, the destination, the operation.
    pub name: Option<String>,
    /// What joins entries: an ack id, a receipt, a subscription, an operation id.
    pub id: Option<String>,
    /// The content: an event's arguments (a JSON array), a frame's body, an operation's payload.
    pub body: Option<String>,
    /// A STOMP frame's headers.
    pub headers: Vec<(String, String)>,
    /// What the session adds: the emit an ack answers and after how long, the heart-beats settled, and for
    /// a failure the catalog's explanation and fix.
    pub note: Option<String>,
    /// The catalog's code when this frame is a failure of the protocol.
    pub cause: Option<String>,
    /// The server refused the session at the protocol's level (CONNECT_ERROR, a STOMP ERROR, a GraphQL
    /// rejection): a script's exit status says so.
    pub refusal: bool,
    /// A heartbeat (Engine.IO ping/pong, a STOMP heart-beat, GraphQL ping/pong/ka), hidden by default.
    pub heartbeat: bool,
}

impl Decoded {
    pub(crate) fn new(kind: &str) -> Decoded {
        Decoded {
            kind: kind.to_string(),
            ..Decoded::default()
        }
    }

    pub(crate) fn heartbeat(kind: &str) -> Decoded {
        Decoded {
            heartbeat: true,
            ..Decoded::new(kind)
        }
    }

    /// Names the catalog's cause: its title and fix become the note (after what the session says).
    pub(crate) fn caused_by(mut self, code: &str, said: &str) -> Decoded {
        let entry = crate::catalog::entry(code);
        self.note = Some(format!(
            "{said}\n{}: {} Fix: {}",
            entry.title, entry.explanation, entry.fix
        ));
        self.cause = Some(code.to_string());
        self
    }

    /// What it costs a log that keeps it.
    pub(crate) fn weight(&self) -> usize {
        let text = |t: &Option<String>| t.as_ref().map_or(0, String::len);
        std::mem::size_of::<Decoded>()
            + self.kind.len()
            + text(&self.name)
            + text(&self.id)
            + text(&self.body)
            + text(&self.note)
            + text(&self.cause)
            + self
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 48)
                .sum::<usize>()
    }
}

/// What a speaker asks the session to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// Send a frame, recorded with its decoding.
    Send(Frame, Decoded),
    /// A local entry: a join that timed out, a refusal seen by its silence.
    Note(EntryKind, String, Decoded),
    /// The protocol ended the session the way its official client would not reconnect after (the server
    /// disconnected the namespace, refused it): close and do not reconnect.
    Finish(String),
}

/// A join (CONNECT, connection_init) that got no answer in time: the refusal named with `cause`, then
/// the session closed (it cannot be spoken to).
pub(crate) fn join_timed_out(mut decoded: Decoded, cause: &str, said: String) -> Vec<Step> {
    decoded = decoded.caused_by(cause, &said);
    decoded.refusal = true;
    vec![
        Step::Note(EntryKind::Error, said.clone(), decoded),
        Step::Finish(format!("closing: {said}")),
    ]
}

/// One connection's conversation in its dialect.
pub(crate) enum Conversation {
    Websocket,
    Socketio(super::socketio_speaker::Speaker),
    Stomp(super::stomp_speaker::Speaker),
    Graphql(super::graphql_speaker::Speaker),
}

/// What a speaker needs from the session's options.
pub(crate) struct Terms {
    /// The auth payload (JSON object), a secret.
    pub auth: Option<serde_json::Value>,
    /// The URL the session connects to.
    pub url: String,
    /// Socket.IO's namespace: the one asked for, else the URL's.
    pub namespace: String,
    /// How long a join (CONNECT, connection_init) and an ack or receipt may take.
    pub join_timeout: std::time::Duration,
    pub reply_timeout: std::time::Duration,
}

impl Conversation {
    /// A fresh conversation for a connection that just opened with `subprotocol`.
    pub(crate) fn start(
        dialect: Dialect,
        terms: &Terms,
        subprotocol: Option<&str>,
        now: Instant,
    ) -> Conversation {
        match dialect {
            Dialect::Websocket => Conversation::Websocket,
            Dialect::Socketio => {
                Conversation::Socketio(super::socketio_speaker::Speaker::new(terms, now))
            }
            Dialect::Stomp => Conversation::Stomp(super::stomp_speaker::Speaker::new(terms, now)),
            Dialect::GraphqlWs => Conversation::Graphql(super::graphql_speaker::Speaker::new(
                terms,
                subprotocol == Some("graphql-ws"),
                now,
            )),
        }
    }

    /// What to send as soon as the connection is open.
    pub(crate) fn opening(&mut self, now: Instant) -> Vec<Step> {
        match self {
            Conversation::Websocket | Conversation::Socketio(_) => Vec::new(),
            Conversation::Stomp(s) => s.opening(now),
            Conversation::Graphql(s) => s.opening(now),
        }
    }

    /// Reads one data frame from the server.
    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Step>) {
        match self {
            Conversation::Websocket => (None, Vec::new()),
            Conversation::Socketio(s) => s.heard(frame, now),
            Conversation::Stomp(s) => s.heard(frame, now),
            Conversation::Graphql(s) => s.heard(frame, now),
        }
    }

    /// A user's action, as frames; an action this session cannot take now is refused with why.
    pub(crate) fn act(&mut self, action: Action, now: Instant) -> Result<Vec<Step>> {
        let wrong = |dialect: &str| {
            Err(Error::InvalidInput(format!(
                "this session speaks {dialect}; a {} action cannot be sent in it",
                action.dialect().word()
            )))
        };
        match self {
            Conversation::Websocket => wrong("plain WebSocket"),
            Conversation::Socketio(s) if action.dialect() == Dialect::Socketio => {
                s.act(action, now)
            }
            Conversation::Stomp(s) if action.dialect() == Dialect::Stomp => s.act(action, now),
            Conversation::Graphql(s) if action.dialect() == Dialect::GraphqlWs => {
                s.act(action, now)
            }
            Conversation::Socketio(_) => wrong("Socket.IO"),
            Conversation::Stomp(_) => wrong("STOMP"),
            Conversation::Graphql(_) => wrong("GraphQL over WebSocket"),
        }
    }

    /// When [`Conversation::tick`] has something to do next.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self {
            Conversation::Websocket => None,
            Conversation::Socketio(s) => s.deadline(),
            Conversation::Stomp(s) => s.deadline(),
            Conversation::Graphql(s) => s.deadline(),
        }
    }

    /// Timers that fell due: heartbeats to send, joins and acks that did not come.
    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Step> {
        match self {
            Conversation::Websocket => Vec::new(),
            Conversation::Socketio(s) => s.tick(now),
            Conversation::Stomp(s) => s.tick(now),
            Conversation::Graphql(s) => s.tick(now),
        }
    }

    /// The protocol's reading of a close code from the server (GraphQL's 44xx codes).
    pub(crate) fn closed(&self, code: u16) -> Option<Decoded> {
        match self {
            Conversation::Graphql(s) => s.closed(code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Whatever a server sends (protocol-shaped or not), every speaker reads it without panicking,
        /// gives each data frame a decoding, and its timers stay answerable.
        #[test]
        fn speakers_read_any_frame(
            frames in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-6]{0,2}[-/,0-9]{0,4}(\\[\"[a-z]{0,4}\",?\\{?\"?_?placeholder\"?:?(true)?,?\"?num\"?:?[0-9]?\\}?\\]?)?"
                        .prop_map(Frame::Text),
                    "(CONNECTED|MESSAGE|RECEIPT|ERROR|\n)(\n[a-z-]{1,8}:[a-z0-9:\\\\]{0,8}){0,3}(\n\n[a-z]{0,5})?\u{0}?"
                        .prop_map(Frame::Text),
                    "\\{(\"type\":\"(connection_ack|next|error|complete|ping|ka|connection_error)\")?,?(\"id\":\"[0-9]\")?,?(\"payload\":(null|\\[\\]|\\{\\}))?\\}"
                        .prop_map(Frame::Text),
                    ".{0,40}".prop_map(Frame::Text),
                    proptest::collection::vec(proptest::num::u8::ANY, 0..40).prop_map(Frame::Binary),
                ],
                0..40,
            )
        ) {
            let terms = Terms {
                auth: Some(serde_json::json!({"token": "t", "login": "l", "passcode": "p"})),
                url: "ws://h/socket.io/?EIO=4&transport=websocket".into(),
                namespace: "/".into(),
                join_timeout: std::time::Duration::from_millis(10),
                reply_timeout: std::time::Duration::from_millis(10),
            };
            let start = Instant::now();
            for dialect in [Dialect::Socketio, Dialect::Stomp, Dialect::GraphqlWs] {
                for legacy in [None, Some("graphql-ws")] {
                    let mut conversation = Conversation::start(dialect, &terms, legacy, start);
                    let _ = conversation.opening(start);
                    for (n, frame) in frames.iter().enumerate() {
                        let now = start + std::time::Duration::from_millis(n as u64);
                        let (decoded, _) = conversation.heard(frame, now);
                        proptest::prop_assert!(decoded.is_some());
                        if conversation.deadline().is_some_and(|at| at <= now) {
                            let _ = conversation.tick(now);
                        }
                        let _ = conversation.act(Action::Emit { event: "e".into(), args: "1".into(), ack: true }, now);
                        let _ = conversation.act(Action::Operation { query: "{ a }".into(), variables: None, operation_name: None }, now);
                        let _ = conversation.closed(4400 + n as u16);
                    }
                }
            }
        }
    }

    #[test]
    fn a_refusal_carries_the_catalogs_words() {
        let decoded = Decoded::new("connect_error").caused_by("socketio.connect_rejected", "said");
        assert_eq!(decoded.cause.as_deref(), Some("socketio.connect_rejected"));
        assert!(decoded.note.unwrap().starts_with("said\n"));
    }
}
