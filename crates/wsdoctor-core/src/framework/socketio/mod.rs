//! Socket.IO over Engine.IO (4, and 3 for Socket.IO 2 servers): the packets (`engine_io.rs` for the
//! Engine.IO layer and the polling handshake, `packet.rs` for Socket.IO's packets and attachments) and the
//! client machine (`client.rs`) that joins a namespace, answers or sends pings, emits and joins acks.

mod client;
pub(crate) mod engine_io;
pub(crate) mod packet;
mod reassembly;

pub(crate) use client::SocketioClient;
