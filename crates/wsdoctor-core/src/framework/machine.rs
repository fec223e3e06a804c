//! The protocol machines' shared vocabulary, and the one dispatch over them. Each framework the engine
//! speaks (Socket.IO, STOMP, GraphQL over WebSocket) is one sans-I/O client machine in its folder: frames
//! and user actions in, [`Output`]s out (frames to send, notes, a finish), timers asked for through
//! `deadline` and served by `tick`. Whoever owns the socket drives it: the console's session task, the
//! check's framework items and its idle hold. So joins, heartbeats, acks and receipts, and close meanings
//! are written once, whatever reads or writes the socket.
//!
//! A machine decodes every frame into what the app would see (an event and its arguments, a MESSAGE on a
//! destination, an operation's result) and names a refusal with the catalog's cause; the raw frame stays
//! beside the decoded view wherever it is recorded.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::action::Action;
use super::graphql::GraphqlClient;
use super::socketio::SocketioClient;
use super::stomp::StompClient;
use crate::{Error, Result};

/// A data frame, as a machine reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
}

/// The protocol a session speaks over its socket: what the run plan's protocol comes to once the
/// connection is open (SockJS is spoken raw: its framing is shown as sent).
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
    pub fn word(self) -> &'static str {
        match self {
            Dialect::Websocket => "websocket",
            Dialect::Socketio => "socketio",
            Dialect::Stomp => "stomp",
            Dialect::GraphqlWs => "graphql-ws",
        }
    }

    /// Whether a frame heard from the server, so decoded, is the one after which the session can be spoken
    /// to: the namespace's CONNECT, CONNECTED, `connection_ack` (plain WebSocket: the upgrade itself).
    pub fn joined_by(self, decoded: &Decoded) -> bool {
        match self {
            Dialect::Websocket => false,
            // Another namespace's CONNECT (in a packet meant for it) is not this session's.
            Dialect::Socketio => {
                decoded.kind == "connect"
                    && decoded
                        .note
                        .as_deref()
                        .is_some_and(|n| n.starts_with("joined namespace"))
            }
            Dialect::Stomp => decoded.kind == "CONNECTED",
            Dialect::GraphqlWs => decoded.kind == "connection_ack",
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

/// How a machine's local note reads: information, or a failure of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteLevel {
    Info,
    Error,
}

/// What a machine asks its driver to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Output {
    /// Send a frame, recorded with its decoding.
    Send(Frame, Decoded),
    /// A local entry: a join that timed out, a refusal seen by its silence.
    Note(NoteLevel, String, Decoded),
    /// The protocol ended the session the way its official client would not reconnect after (the server
    /// disconnected the namespace, refused it): close and do not reconnect.
    Finish(String),
}

/// A join (CONNECT, connection_init) that got no answer in time: the refusal named with `cause`, then
/// the session closed (it cannot be spoken to).
pub(crate) fn join_timed_out(mut decoded: Decoded, cause: &str, said: String) -> Vec<Output> {
    decoded = decoded.caused_by(cause, &said);
    decoded.refusal = true;
    vec![
        Output::Note(NoteLevel::Error, said.clone(), decoded),
        Output::Finish(format!("closing: {said}")),
    ]
}

/// One connection's protocol machine: none for plain WebSocket, else its framework's client.
pub(crate) enum Machine {
    Websocket,
    Socketio(SocketioClient),
    Stomp(StompClient),
    Graphql(GraphqlClient),
}

/// What a machine needs from the run's options.
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

impl Machine {
    /// A fresh conversation for a connection that just opened with `subprotocol`.
    pub(crate) fn start(
        dialect: Dialect,
        terms: &Terms,
        subprotocol: Option<&str>,
        now: Instant,
    ) -> Machine {
        match dialect {
            Dialect::Websocket => Machine::Websocket,
            Dialect::Socketio => Machine::Socketio(SocketioClient::new(terms, now)),
            Dialect::Stomp => Machine::Stomp(StompClient::new(terms, now)),
            Dialect::GraphqlWs => Machine::Graphql(GraphqlClient::new(
                terms,
                subprotocol == Some("graphql-ws"),
                now,
            )),
        }
    }

    /// What to send as soon as the connection is open.
    pub(crate) fn opening(&mut self, now: Instant) -> Vec<Output> {
        match self {
            Machine::Websocket | Machine::Socketio(_) => Vec::new(),
            Machine::Stomp(s) => s.opening(now),
            Machine::Graphql(s) => s.opening(now),
        }
    }

    /// Reads one data frame from the server.
    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        match self {
            Machine::Websocket => (None, Vec::new()),
            Machine::Socketio(s) => s.heard(frame, now),
            Machine::Stomp(s) => s.heard(frame, now),
            Machine::Graphql(s) => s.heard(frame, now),
        }
    }

    /// A user's action, as frames; an action this session cannot take now is refused with why.
    pub(crate) fn act(&mut self, action: Action, now: Instant) -> Result<Vec<Output>> {
        let wrong = |dialect: &str| {
            Err(Error::InvalidInput(format!(
                "this session speaks {dialect}; a {} action cannot be sent in it",
                action.dialect().word()
            )))
        };
        match self {
            Machine::Websocket => wrong("plain WebSocket"),
            Machine::Socketio(s) if action.dialect() == Dialect::Socketio => s.act(action, now),
            Machine::Stomp(s) if action.dialect() == Dialect::Stomp => s.act(action, now),
            Machine::Graphql(s) if action.dialect() == Dialect::GraphqlWs => s.act(action, now),
            Machine::Socketio(_) => wrong("Socket.IO"),
            Machine::Stomp(_) => wrong("STOMP"),
            Machine::Graphql(_) => wrong("GraphQL over WebSocket"),
        }
    }

    /// When [`Machine::tick`] has something to do next.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self {
            Machine::Websocket => None,
            Machine::Socketio(s) => s.deadline(),
            Machine::Stomp(s) => s.deadline(),
            Machine::Graphql(s) => s.deadline(),
        }
    }

    /// Timers that fell due: heartbeats to send, joins and acks that did not come.
    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        match self {
            Machine::Websocket => Vec::new(),
            Machine::Socketio(s) => s.tick(now),
            Machine::Stomp(s) => s.tick(now),
            Machine::Graphql(s) => s.tick(now),
        }
    }

    /// The protocol's reading of a close code from the server (GraphQL's 44xx codes).
    pub(crate) fn closed(&self, code: u16) -> Option<Decoded> {
        match self {
            Machine::Graphql(s) => s.closed(code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Whatever a server sends (protocol-shaped or not), every machine reads it without panicking,
        /// gives each data frame a decoding, and its timers stay answerable.
        #[test]
        fn machines_read_any_frame(
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
                    let mut machine = Machine::start(dialect, &terms, legacy, start);
                    let _ = machine.opening(start);
                    for (n, frame) in frames.iter().enumerate() {
                        let now = start + std::time::Duration::from_millis(n as u64);
                        let (decoded, _) = machine.heard(frame, now);
                        proptest::prop_assert!(decoded.is_some());
                        if machine.deadline().is_some_and(|at| at <= now) {
                            let _ = machine.tick(now);
                        }
                        let _ = machine.act(Action::Emit { event: "e".into(), args: "1".into(), ack: true }, now);
                        let _ = machine.act(Action::Operation { query: "{ a }".into(), variables: None, operation_name: None }, now);
                        let _ = machine.closed(4400 + n as u16);
                    }
                }
            }
        }
    }

    #[test]
    fn each_framework_answers_only_its_own_keep_alive() {
        let terms = Terms {
            auth: None,
            url: "ws://h/socket.io/?EIO=4&transport=websocket".into(),
            namespace: "/".into(),
            join_timeout: std::time::Duration::from_secs(5),
            reply_timeout: std::time::Duration::from_secs(1),
        };
        let now = Instant::now();
        let sent = |dialect: Dialect, heard: &str| -> Vec<String> {
            let mut machine = Machine::start(dialect, &terms, None, now);
            machine
                .heard(&Frame::Text(heard.into()), now)
                .1
                .into_iter()
                .filter_map(|output| match output {
                    Output::Send(Frame::Text(text), _) => Some(text),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(sent(Dialect::Socketio, "2"), ["3"]);
        assert!(sent(Dialect::Socketio, "42[\"x\"]").is_empty());
        assert_eq!(
            sent(Dialect::GraphqlWs, r#"{"type":"ping"}"#),
            [r#"{"type":"pong"}"#]
        );
        assert!(sent(Dialect::GraphqlWs, "2").is_empty());
        assert!(sent(Dialect::Stomp, "2").is_empty());
    }

    #[test]
    fn a_refusal_carries_the_catalogs_words() {
        let decoded = Decoded::new("connect_error").caused_by("socketio.connect_rejected", "said");
        assert_eq!(decoded.cause.as_deref(), Some("socketio.connect_rejected"));
        assert!(decoded.note.unwrap().starts_with("said\n"));
    }
}
