//! What a protocol machine exchanges with whoever drives it: the frames it reads and writes, what it
//! decodes a frame into (the decoded view an entry carries beside the raw frame), what it asks its driver
//! to do ([`Output`]), and the terms it starts from. Every framework's client machine speaks these words,
//! so a driver (the console's session task, the check's items, its idle hold) drives any of them alike.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    /// MQTT 3.1.1 or 5: CONNECT, SUBSCRIBE, PUBLISH (QoS 0 and 1), PUBACK, keep-alive pings.
    Mqtt,
}

impl Dialect {
    pub fn word(self) -> &'static str {
        match self {
            Dialect::Websocket => "websocket",
            Dialect::Socketio => "socketio",
            Dialect::Stomp => "stomp",
            Dialect::GraphqlWs => "graphql-ws",
            Dialect::Mqtt => "mqtt",
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
            Dialect::Mqtt => decoded.kind == "CONNACK" && decoded.cause.is_none(),
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
            Dialect::Mqtt => {
                "subscribe TOPIC [QOS], unsubscribe TOPIC, publish [-q 1] [-r] TOPIC PAYLOAD"
            }
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
