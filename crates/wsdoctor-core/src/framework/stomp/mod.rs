//! STOMP 1.0–1.2 over WebSocket: frames with their header escaping and the heart-beats CONNECTED settles
//! (`frame.rs`), and the client machine (`client.rs`): CONNECT, subscriptions, receipts, heart-beats.

mod client;
pub(crate) mod frame;

pub(crate) use client::StompClient;
