//! What a console session speaks over its socket: raw WebSocket messages, or a framework's protocol
//! (Socket.IO, STOMP, GraphQL over WebSocket). A framework session decodes every frame into what the app
//! would see (an event and its arguments, a MESSAGE on a destination, an operation's result), answers the
//! protocol's heartbeats, joins answers to what they answer (an ack to its emit, a receipt to its frame),
//! and names a refusal with the catalog's cause. The raw frame stays beside the decoded view in every entry.
//!
//! The speakers (`socketio_speaker.rs`, `stomp_speaker.rs`, `graphql_speaker.rs`) are pure state machines:
//! frames and user actions in, [`Step`]s out; the session task does every read, write and wait, so each
//! deadline stays in one place. The words of [`Action::parse`] are the CLI's script language, the REPL's
//! and the app's saved messages'.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
                options.url = super::socketio_speaker::engine_url(
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, TS)]
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

/// What a user asks a framework session to do: a button of the app, a line of a script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Socket.IO: emit `event` with `args` (JSON values one after another; `{"$base64": "…"}` is a binary
    /// attachment), asking for an acknowledgement when `ack`.
    #[serde(rename_all = "camelCase")]
    Emit {
        event: String,
        args: String,
        ack: bool,
    },
    /// STOMP: SUBSCRIBE to a destination (`ack`: auto, client or client-individual).
    #[serde(rename_all = "camelCase")]
    Subscribe {
        destination: String,
        ack: Option<String>,
        headers: Vec<(String, String)>,
    },
    /// STOMP: UNSUBSCRIBE from a destination (or a subscription id).
    #[serde(rename_all = "camelCase")]
    Unsubscribe { destination: String },
    /// STOMP: SEND a body to a destination, with headers.
    #[serde(rename_all = "camelCase")]
    Send {
        destination: String,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// STOMP: ACK or NACK the message whose `ack` header (1.2) or `message-id` (1.0, 1.1) is `id`.
    #[serde(rename_all = "camelCase")]
    Ack { id: String, nack: bool },
    /// GraphQL: start an operation (a subscription, a query or a mutation).
    #[serde(rename_all = "camelCase")]
    Operation {
        query: String,
        variables: Option<String>,
        operation_name: Option<String>,
    },
    /// GraphQL: stop an operation.
    #[serde(rename_all = "camelCase")]
    Stop { id: String },
}

impl Action {
    /// A script line in `dialect`'s words, or `None` when the line starts with none of them.
    pub fn parse(dialect: Dialect, line: &str) -> Option<Result<Action>> {
        let line = line.trim();
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        let needs = |what: &str| {
            Err(Error::InvalidInput(format!(
                "`{word}` needs {what} ({})",
                dialect.commands()
            )))
        };
        Some(match (dialect, word) {
            (Dialect::Socketio, "emit" | "emit-ack") => {
                let (event, args) = rest
                    .split_once(char::is_whitespace)
                    .map_or((rest, ""), |(e, a)| (e, a.trim()));
                if event.is_empty() {
                    needs("an event name")
                } else {
                    Ok(Action::Emit {
                        event: event.to_string(),
                        args: args.to_string(),
                        ack: word == "emit-ack",
                    })
                }
            }
            (Dialect::Stomp, "subscribe") => {
                let mut words = rest.split_whitespace();
                match (words.next(), words.next()) {
                    (None, _) => needs("a destination"),
                    (Some(destination), ack) => Ok(Action::Subscribe {
                        destination: destination.to_string(),
                        ack: ack.map(str::to_string),
                        headers: Vec::new(),
                    }),
                }
            }
            (Dialect::Stomp, "unsubscribe") if rest.is_empty() => needs("a destination"),
            (Dialect::Stomp, "unsubscribe") => Ok(Action::Unsubscribe {
                destination: rest.to_string(),
            }),
            (Dialect::Stomp, "send") => {
                send_line(rest).map_or_else(|| needs("a destination and a body"), Ok)
            }
            (Dialect::Stomp, "ack" | "nack") if rest.is_empty() => needs("the message's ack id"),
            (Dialect::Stomp, "ack" | "nack") => Ok(Action::Ack {
                id: rest.to_string(),
                nack: word == "nack",
            }),
            (Dialect::GraphqlWs, "subscribe") if rest.is_empty() => needs("a query"),
            (Dialect::GraphqlWs, "subscribe") => Ok(graphql_line(rest)),
            (Dialect::GraphqlWs, "stop") if rest.is_empty() => needs("an operation id"),
            (Dialect::GraphqlWs, "stop") => Ok(Action::Stop {
                id: rest.to_string(),
            }),
            _ => return None,
        })
    }

    /// Every text the action carries, for `{{variable}}` filling.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut texts = Vec::new();
        match self {
            Action::Emit { event, args, .. } => texts.extend([event, args]),
            Action::Subscribe {
                destination,
                headers,
                ..
            } => {
                texts.push(destination);
                texts.extend(headers.iter_mut().map(|(_, v)| v));
            }
            Action::Unsubscribe { destination } => texts.push(destination),
            Action::Send {
                destination,
                headers,
                body,
            } => {
                texts.extend([destination, body]);
                texts.extend(headers.iter_mut().map(|(_, v)| v));
            }
            Action::Ack { id, .. } | Action::Stop { id } => texts.push(id),
            Action::Operation {
                query, variables, ..
            } => {
                texts.push(query);
                texts.extend(variables.as_mut());
            }
        }
        texts
    }

    /// Refuses, before anything is sent, input the session could not send: arguments that are not JSON
    /// values, variables that are not an object, an unknown ack mode, a header without a name. (The
    /// speakers check again; this is for the caller to hear why at once.)
    pub fn validate(&self) -> Result<()> {
        let invalid = |why: String| Err(Error::InvalidInput(why));
        match self {
            Action::Emit { event, args, .. } => {
                if event.trim().is_empty() {
                    return invalid("give the event's name".into());
                }
                for value in
                    serde_json::Deserializer::from_str(args).into_iter::<serde_json::Value>()
                {
                    if let Err(e) = value {
                        return invalid(format!(
                            "the arguments are not JSON values: {e} (column {})",
                            e.column()
                        ));
                    }
                }
            }
            Action::Subscribe {
                destination,
                ack,
                headers,
            } => {
                if destination.trim().is_empty() {
                    return invalid("give the destination".into());
                }
                if let Some(ack) = ack
                    && !matches!(ack.as_str(), "auto" | "client" | "client-individual")
                {
                    return invalid(format!(
                        "`{ack}` is not an ack mode (auto, client, client-individual)"
                    ));
                }
                if headers.iter().any(|(n, _)| n.trim().is_empty()) {
                    return invalid("a header needs a name".into());
                }
            }
            Action::Send {
                destination,
                headers,
                ..
            } => {
                if destination.trim().is_empty() {
                    return invalid("give the destination".into());
                }
                if headers.iter().any(|(n, _)| n.trim().is_empty()) {
                    return invalid("a header needs a name".into());
                }
            }
            Action::Unsubscribe { destination: id }
            | Action::Ack { id, .. }
            | Action::Stop { id } => {
                if id.trim().is_empty() {
                    return invalid("give the id (or destination) it is for".into());
                }
            }
            Action::Operation {
                query, variables, ..
            } => {
                if query.trim().is_empty() {
                    return invalid("give the operation's query".into());
                }
                if let Some(text) = variables.as_deref().filter(|v| !v.trim().is_empty()) {
                    match serde_json::from_str::<serde_json::Value>(text) {
                        Ok(value) if value.is_object() => {}
                        Ok(_) => return invalid("the variables must be a JSON object".into()),
                        Err(e) => return invalid(format!("the variables are not JSON: {e}")),
                    }
                }
            }
        }
        Ok(())
    }

    /// The dialect the action belongs to.
    pub fn dialect(&self) -> Dialect {
        match self {
            Action::Emit { .. } => Dialect::Socketio,
            Action::Subscribe { .. }
            | Action::Unsubscribe { .. }
            | Action::Send { .. }
            | Action::Ack { .. } => Dialect::Stomp,
            Action::Operation { .. } | Action::Stop { .. } => Dialect::GraphqlWs,
        }
    }
}

/// `send DEST [-H name:value ...] BODY`.
fn send_line(rest: &str) -> Option<Action> {
    let (destination, mut rest) = rest.split_once(char::is_whitespace)?;
    let mut headers = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(after) = rest.strip_prefix("-H ") else {
            break;
        };
        let after = after.trim_start();
        let (header, remaining) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
        let (name, value) = header.split_once(':')?;
        headers.push((name.to_string(), value.to_string()));
        rest = remaining;
    }
    Some(Action::Send {
        destination: destination.to_string(),
        headers,
        body: rest.to_string(),
    })
}

/// `subscribe QUERY [VARIABLES-JSON]`: the query runs to the end of the line; a trailing JSON object that
/// parses is taken as the variables.
fn graphql_line(rest: &str) -> Action {
    let split = rest
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == '{')
        .find_map(|(at, _)| {
            let (query, tail) = (rest.get(..at)?, rest.get(at..)?);
            let value: serde_json::Value = serde_json::from_str(tail).ok()?;
            // The query's own selection set ends with `}`: what follows must be an object after it.
            (value.is_object() && query.trim_end().ends_with('}'))
                .then(|| (query.trim_end().to_string(), tail.to_string()))
        });
    let (query, variables) = match split {
        Some((query, variables)) => (query, Some(variables)),
        None => (rest.to_string(), None),
    };
    Action::Operation {
        query,
        variables,
        operation_name: None,
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

    fn parsed(dialect: Dialect, line: &str) -> Action {
        Action::parse(dialect, line).unwrap().unwrap()
    }

    #[test]
    fn script_lines_are_read_in_each_dialects_words() {
        assert_eq!(
            parsed(Dialect::Socketio, r#"emit-ack chat {"text": "hi"} 2"#),
            Action::Emit {
                event: "chat".into(),
                args: r#"{"text": "hi"} 2"#.into(),
                ack: true
            }
        );
        assert!(Action::parse(Dialect::Socketio, "hello").is_none());
        assert!(Action::parse(Dialect::Socketio, "emit").unwrap().is_err());
        assert_eq!(
            parsed(
                Dialect::Stomp,
                "send /queue/a -H content-type:application/json -H x:1 {\"a\": 1}"
            ),
            Action::Send {
                destination: "/queue/a".into(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("x".into(), "1".into())
                ],
                body: "{\"a\": 1}".into()
            }
        );
        assert!(
            Action::parse(Dialect::Stomp, "send /queue/a")
                .unwrap()
                .is_err()
        );
        assert_eq!(
            parsed(Dialect::Stomp, "subscribe /topic/t client"),
            Action::Subscribe {
                destination: "/topic/t".into(),
                ack: Some("client".into()),
                headers: vec![]
            }
        );
        assert_eq!(
            parsed(
                Dialect::GraphqlWs,
                r#"subscribe subscription T($n: Int) { tick(n: $n) } {"n": 3}"#
            ),
            Action::Operation {
                query: "subscription T($n: Int) { tick(n: $n) }".into(),
                variables: Some(r#"{"n": 3}"#.into()),
                operation_name: None
            }
        );
        // A query whose last braces are its own selection is all query.
        assert_eq!(
            parsed(Dialect::GraphqlWs, "subscribe { tick { n } }"),
            Action::Operation {
                query: "{ tick { n } }".into(),
                variables: None,
                operation_name: None
            }
        );
        assert_eq!(
            parsed(Dialect::GraphqlWs, "stop 3"),
            Action::Stop { id: "3".into() }
        );
        assert!(Action::parse(Dialect::Websocket, "emit x").is_none());
    }

    #[test]
    fn invalid_actions_are_refused_before_anything_is_sent() {
        let emit = |args: &str| Action::Emit {
            event: "e".into(),
            args: args.into(),
            ack: false,
        };
        assert!(emit(r#"1 "two" {"three": [3]}"#).validate().is_ok());
        assert!(
            emit("{oops")
                .validate()
                .unwrap_err()
                .to_string()
                .contains("not JSON values")
        );
        let operation = |variables: &str| Action::Operation {
            query: "{ a }".into(),
            variables: Some(variables.into()),
            operation_name: None,
        };
        assert!(operation("[1]").validate().is_err());
        assert!(operation(" ").validate().is_ok());
        let subscribe = Action::Subscribe {
            destination: "/q".into(),
            ack: Some("sometimes".into()),
            headers: vec![],
        };
        assert!(subscribe.validate().is_err());
    }

    #[test]
    fn a_refusal_carries_the_catalogs_words() {
        let decoded = Decoded::new("connect_error").caused_by("socketio.connect_rejected", "said");
        assert_eq!(decoded.cause.as_deref(), Some("socketio.connect_rejected"));
        assert!(decoded.note.unwrap().starts_with("said\n"));
    }
}
