//! The one dispatch over the protocol machines. Each framework the engine speaks (Socket.IO, STOMP,
//! GraphQL over WebSocket) is one sans-I/O client machine in its folder: frames and user actions in,
//! [`Output`]s out (frames to send, notes, a finish), timers asked for through `deadline` and served by
//! `tick` (their words: `exchange.rs`). Whoever owns the socket drives it: the console's session task,
//! the check's framework items and its idle hold. So joins, heartbeats, acks and receipts, and close
//! meanings are written once, whatever reads or writes the socket.

use std::time::Instant;

pub use super::action::Action;
pub(crate) use super::exchange::{Decoded, Dialect, Frame, NoteLevel, Output, Terms};
use super::graphql::GraphqlClient;
use super::mqtt::MqttClient;
use super::socketio::SocketioClient;
use super::stomp::StompClient;
use crate::{Error, Result};

/// One connection's protocol machine: none for plain WebSocket, else its framework's client.
pub(crate) enum Machine {
    Websocket,
    Socketio(SocketioClient),
    Stomp(StompClient),
    Graphql(GraphqlClient),
    Mqtt(MqttClient),
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
            Dialect::Mqtt => Machine::Mqtt(MqttClient::new(terms, subprotocol, now)),
        }
    }

    /// What to send as soon as the connection is open.
    pub(crate) fn opening(&mut self, now: Instant) -> Vec<Output> {
        match self {
            Machine::Websocket | Machine::Socketio(_) => Vec::new(),
            Machine::Stomp(s) => s.opening(now),
            Machine::Graphql(s) => s.opening(now),
            Machine::Mqtt(s) => s.opening(now),
        }
    }

    /// Reads one data frame from the server.
    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        match self {
            Machine::Websocket => (None, Vec::new()),
            Machine::Socketio(s) => s.heard(frame, now),
            Machine::Stomp(s) => s.heard(frame, now),
            Machine::Graphql(s) => s.heard(frame, now),
            Machine::Mqtt(s) => s.heard(frame, now),
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
            Machine::Mqtt(s) if action.dialect() == Dialect::Mqtt => s.act(action, now),
            Machine::Socketio(_) => wrong("Socket.IO"),
            Machine::Stomp(_) => wrong("STOMP"),
            Machine::Graphql(_) => wrong("GraphQL over WebSocket"),
            Machine::Mqtt(_) => wrong("MQTT"),
        }
    }

    /// When [`Machine::tick`] has something to do next.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self {
            Machine::Websocket => None,
            Machine::Socketio(s) => s.deadline(),
            Machine::Stomp(s) => s.deadline(),
            Machine::Graphql(s) => s.deadline(),
            Machine::Mqtt(s) => s.deadline(),
        }
    }

    /// Timers that fell due: heartbeats to send, joins and acks that did not come.
    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        match self {
            Machine::Websocket => Vec::new(),
            Machine::Socketio(s) => s.tick(now),
            Machine::Stomp(s) => s.tick(now),
            Machine::Graphql(s) => s.tick(now),
            Machine::Mqtt(s) => s.tick(now),
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
            for dialect in [Dialect::Socketio, Dialect::Stomp, Dialect::GraphqlWs, Dialect::Mqtt] {
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
