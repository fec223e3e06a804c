//! The check's framework items: each drives its protocol's machine from `crate::framework` (the same
//! machines the console drives) over the connection the check opened, and records what the exchange
//! showed. `channel.rs` carries text over WebSocket or inside SockJS; `idle.rs` holds a session open as
//! its client would; `socket.rs` opens the upgraded socket for STOMP and GraphQL; `socketio.rs` (with
//! `socketio_session.rs`, its requests) and `sockjs.rs` speak before and around the upgrade;
//! `recognised_item.rs` names a framework a plain WebSocket target turned out to speak.

mod channel;
mod graphql;
mod idle;
pub(in crate::check) mod recognised_item;
mod socket;
pub(in crate::check) mod socketio;
mod socketio_join;
mod socketio_session;
pub(in crate::check) mod sockjs;
mod stomp;

pub(in crate::check) use channel::Framing;
pub(in crate::check) use socket::record as record_over_socket;
