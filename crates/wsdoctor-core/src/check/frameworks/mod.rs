//! The check's framework items: each drives its protocol's machine from `crate::framework` (the same
//! machines the console drives) over the connection the check opened, and records what the exchange
//! showed. `channel.rs` carries text over WebSocket or inside SockJS; `idle.rs` holds a session open as
//! its client would; `socket.rs` opens the upgraded socket for STOMP and GraphQL; `socketio.rs` (with
//! `socketio_session.rs`, its requests) and `sockjs.rs` speak before and around the upgrade;
//! `recognised_item.rs` names a framework a plain WebSocket target turned out to speak; `mqtt.rs` speaks
//! MQTT's binary packets over the upgraded socket.

mod channel;
mod graphql;
mod idle;
pub(in crate::check) mod mqtt;
pub(in crate::check) mod recognised_item;
mod socket;
pub(in crate::check) mod socketio;
mod socketio_join;
mod socketio_session;
pub(in crate::check) mod sockjs;
mod stomp;

pub(in crate::check) use channel::Framing;
pub(in crate::check) use socket::record as record_over_socket;

use serde_json::Value;

use crate::check::CheckOptions;
use crate::framework::machine::Terms;

/// What a framework machine starts from in a check: the auth payload (checked to be a JSON object when
/// the request was read), the URL, the namespace, and the handshake and reply timeouts as its waits.
pub(in crate::check) fn terms(options: &CheckOptions, namespace: &str) -> Terms {
    Terms {
        auth: options
            .auth
            .as_ref()
            .and_then(|a| serde_json::from_str::<Value>(a.expose()).ok()),
        url: options.url.clone(),
        namespace: namespace.to_string(),
        join_timeout: options.handshake_timeout,
        reply_timeout: options.reply_timeout,
    }
}
