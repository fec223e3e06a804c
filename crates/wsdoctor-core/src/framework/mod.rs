//! The protocols apps speak over the socket, and which one a target speaks: named by the user
//! (`--protocol`), or detected from its URL. A framework target is checked at its own level (a Socket.IO
//! server refuses a raw WebSocket client's first message, so a plain probe would blame the wrong layer).
//!
//! Each framework is one folder: its codecs and its sans-I/O client machine (`socketio/`, `stomp/`,
//! `graphql/`, `sockjs/`, `mqtt/`), over the shared vocabulary of `exchange.rs` and the one dispatch of `machine.rs`. The check, the console (and what
//! comes after them) drive those machines; none speaks a protocol of its own. A new protocol is a new
//! folder here, a [`Protocol`] and a [`Dialect`], and its arm in [`Machine`](machine::Machine).

pub(crate) mod action;
pub(crate) mod awaited_replies;
pub(crate) mod exchange;
pub(crate) mod graphql;
mod keep_alive;
pub(crate) mod machine;
pub(crate) mod mqtt;
pub(crate) mod recognised;
pub(crate) mod socketio;
pub(crate) mod sockjs;
pub(crate) mod stomp;

pub use action::Action;
pub use exchange::{Decoded, Dialect, Frame};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

/// The protocol a check speaks once the server is reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Detected from the URL; plain WebSocket when nothing points at a framework.
    #[default]
    Auto,
    /// Plain WebSocket (RFC 6455), whatever the URL looks like.
    Websocket,
    /// Socket.IO over Engine.IO 4: polling handshake, namespace, then the WebSocket transport.
    Socketio,
    /// STOMP 1.0–1.2 over WebSocket: CONNECT must be answered CONNECTED.
    Stomp,
    /// SockJS: its `/info` read, then its raw WebSocket endpoint (`<prefix>/websocket`) checked.
    Sockjs,
    /// GraphQL over WebSocket: `graphql-transport-ws` (the graphql-ws library), or the legacy `graphql-ws`
    /// (subscriptions-transport-ws); `connection_init` must be acknowledged.
    #[serde(rename = "graphql-ws")]
    #[ts(rename = "graphql-ws")]
    GraphqlWs,
    /// MQTT 3.1.1 or 5 over WebSocket (the `mqtt` subprotocol): CONNECT must be answered by CONNACK.
    Mqtt,
}

/// The largest message (or framework frame) a session sends, from a file, hex, base64 or an action.
pub const MAX_SEND_BYTES: usize = 16 << 20;

/// The subprotocols of STOMP over WebSocket, newest first, as STOMP clients offer them.
pub(crate) const STOMP_SUBPROTOCOLS: [&str; 3] = ["v12.stomp", "v11.stomp", "v10.stomp"];

/// The subprotocols of GraphQL over WebSocket: the current one, then the legacy one.
pub(crate) const GRAPHQL_SUBPROTOCOLS: [&str; 2] = ["graphql-transport-ws", "graphql-ws"];

impl Protocol {
    /// The names `--protocol` takes.
    pub const NAMES: &'static str = "auto, websocket, socketio, sockjs, stomp, graphql-ws, mqtt";

    /// What the user typed: one of [`Protocol::NAMES`].
    pub fn parse(name: &str) -> Result<Protocol> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Protocol::Auto),
            "websocket" | "ws" => Ok(Protocol::Websocket),
            "socketio" | "socket.io" => Ok(Protocol::Socketio),
            "sockjs" => Ok(Protocol::Sockjs),
            "stomp" => Ok(Protocol::Stomp),
            "graphql-ws" | "graphql" | "graphql-transport-ws" => Ok(Protocol::GraphqlWs),
            "mqtt" => Ok(Protocol::Mqtt),
            other => Err(Error::field_value(
                "protocol",
                format!(
                    "`{other}` is not a protocol WS Doctor speaks: use {}",
                    Self::NAMES
                ),
            )),
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Protocol::Auto => "auto",
            Protocol::Websocket => "websocket",
            Protocol::Socketio => "socketio",
            Protocol::Sockjs => "sockjs",
            Protocol::Stomp => "stomp",
            Protocol::GraphqlWs => "graphql-ws",
            Protocol::Mqtt => "mqtt",
        }
    }
}

/// Up to `n` random letters and digits (from the 16 random bytes tungstenite draws for a handshake key):
/// a SockJS session id, an MQTT client id.
pub(crate) fn random_alphanumerics(n: usize) -> String {
    tokio_tungstenite::tungstenite::handshake::client::generate_key()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(n)
        .collect()
}

/// The strings of the array `key` of a JSON object (a server's list of transports, origins, ...).
pub(crate) fn strings(object: &serde_json::Value, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The protocol a check of `url` offering `subprotocols` speaks, and why (for the report).
pub(crate) fn choose(
    asked: Protocol,
    url: &url::Url,
    subprotocols: &[String],
) -> (Protocol, String) {
    match asked {
        Protocol::Auto => {
            let path = url.path().to_ascii_lowercase();
            let graphql = subprotocols
                .iter()
                .find(|p| GRAPHQL_SUBPROTOCOLS.contains(&p.as_str()));
            let stomp = subprotocols
                .iter()
                .find(|p| STOMP_SUBPROTOCOLS.contains(&p.as_str()));
            if let Some(offered) = graphql {
                (
                    Protocol::GraphqlWs,
                    format!("detected: the subprotocol {offered} is offered"),
                )
            } else if subprotocols
                .iter()
                .any(|p| p.eq_ignore_ascii_case(mqtt::packet::SUBPROTOCOL))
            {
                (
                    Protocol::Mqtt,
                    "detected: the subprotocol mqtt is offered".to_string(),
                )
            } else if path == "/mqtt" || path.ends_with("/mqtt") {
                (
                    Protocol::Mqtt,
                    format!("detected: the URL path {} is MQTT's usual one", url.path()),
                )
            } else if let Some(offered) = stomp {
                (
                    Protocol::Stomp,
                    format!("detected: the subprotocol {offered} is offered"),
                )
            } else if path.contains("/socket.io") {
                (
                    Protocol::Socketio,
                    format!("detected: the URL path {} is Socket.IO's", url.path()),
                )
            } else if url.query_pairs().any(|(k, _)| k == "EIO") {
                (
                    Protocol::Socketio,
                    "detected: the URL asks for an Engine.IO version (EIO=)".to_string(),
                )
            } else if let Some(why) = sockjs::recognised(url.path()) {
                (Protocol::Sockjs, format!("detected: {why}"))
            } else {
                (
                    Protocol::Websocket,
                    "detected: nothing in the URL points at a framework".to_string(),
                )
            }
        }
        other => (other, format!("asked for with --protocol {}", other.word())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(asked: Protocol, url: &str) -> Protocol {
        choose(asked, &url::Url::parse(url).unwrap(), &[]).0
    }

    #[test]
    fn graphql_is_detected_from_its_subprotocols() {
        let url = url::Url::parse("ws://h/graphql").unwrap();
        let offered = ["graphql-transport-ws".to_string()];
        assert_eq!(
            choose(Protocol::Auto, &url, &offered).0,
            Protocol::GraphqlWs
        );
        assert_eq!(choose(Protocol::Auto, &url, &[]).0, Protocol::Websocket);
        assert_eq!(Protocol::parse("graphql-ws").unwrap(), Protocol::GraphqlWs);
        assert_eq!(
            serde_json::to_string(&Protocol::GraphqlWs).unwrap(),
            "\"graphql-ws\""
        );
    }

    #[test]
    fn socketio_is_detected_from_its_path_or_its_query() {
        assert_eq!(
            chosen(
                Protocol::Auto,
                "ws://h/socket.io/?EIO=4&transport=websocket"
            ),
            Protocol::Socketio
        );
        assert_eq!(
            chosen(Protocol::Auto, "ws://h/app/socket.io"),
            Protocol::Socketio
        );
        assert_eq!(chosen(Protocol::Auto, "ws://h/x?EIO=4"), Protocol::Socketio);
        assert_eq!(chosen(Protocol::Auto, "ws://h/chat"), Protocol::Websocket);
        assert_eq!(
            chosen(Protocol::Auto, "ws://h/echo/123/ab3Xy9/websocket"),
            Protocol::Sockjs
        );
        assert_eq!(
            chosen(Protocol::Websocket, "ws://h/socket.io/"),
            Protocol::Websocket
        );
        assert_eq!(
            chosen(Protocol::Socketio, "ws://h/admin"),
            Protocol::Socketio
        );
    }

    #[test]
    fn names_parse_and_a_wrong_one_names_the_field() {
        assert_eq!(Protocol::parse("Socket.IO").unwrap(), Protocol::Socketio);
        assert_eq!(Protocol::parse("MQTT").unwrap(), Protocol::Mqtt);
        assert_eq!(
            chosen(Protocol::Auto, "ws://broker:8080/mqtt"),
            Protocol::Mqtt
        );
        let offered = ["mqtt".to_string()];
        let url = url::Url::parse("ws://broker/ws").unwrap();
        assert_eq!(choose(Protocol::Auto, &url, &offered).0, Protocol::Mqtt);
        let error = Protocol::parse("amqp").unwrap_err();
        assert_eq!(error.field(), Some("protocol"));
    }
}
