//! What the framework items that speak over the upgraded socket (GraphQL, STOMP) share: the socket itself,
//! with the bytes read past the 101 and a cap on message size, and the protocol's item.

use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::channel::{Channel, Framing};
use crate::check::{CheckOptions, items};
use crate::framework::Protocol;
use crate::net::Stream;
use crate::report::{Evidence, Recorder};

/// The largest message read from a framework's server while a check waits for its answer.
const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Speaks `protocol` (GraphQL or STOMP) over the upgraded connection: its item, saying which protocol
/// and why, then the protocol's own exchange.
pub(in crate::check) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    protocol: Protocol,
    why: &str,
    stream: Stream,
    leftover: Vec<u8>,
    framing: Framing,
) {
    let (item, name) = match protocol {
        Protocol::Stomp => (&items::STOMP_CONNECT, "STOMP over WebSocket"),
        _ => (&items::GRAPHQL_INIT, "GraphQL over WebSocket"),
    };
    let mut step = rec.begin(item);
    let carried = match framing {
        Framing::Plain | Framing::Binary => "",
        Framing::SockJs => ", inside SockJS's WebSocket transport",
    };
    step.evidence.push(Evidence::new(
        "Protocol",
        format!("{name}{carried} ({why})"),
    ));
    let channel = Channel::new(open(stream, leftover).await, framing);
    match protocol {
        Protocol::Stomp => super::stomp::speak(rec, options, step, channel).await,
        _ => super::graphql::speak(rec, options, step, channel).await,
    }
    // The idle item holds an open session only.
    if options.idle.is_some() && !rec.checks.iter().any(|c| c.id == items::IDLE.id) {
        rec.skip_item(&items::IDLE, &format!("{name} did not open"));
    }
}

/// The client side of the upgraded connection.
pub(in crate::check) async fn open(stream: Stream, leftover: Vec<u8>) -> WebSocketStream<Stream> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    WebSocketStream::from_partially_read(stream, leftover, Role::Client, Some(config)).await
}
