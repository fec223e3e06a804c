//! The text messages of a framework session, whether they travel as WebSocket messages or inside
//! SockJS's framing (`o` open, `h` heart-beat, `a[…]` messages, `c[code, reason]` close), as STOMP does
//! under Spring's `withSockJS()`. The framework items read and write text; this says how it is carried.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::net::Stream;

/// How text is carried over the WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    /// One text message a WebSocket message.
    Plain,
    /// SockJS's WebSocket transport: messages in JSON arrays, with its own heart-beat and close.
    SockJs,
}

/// What came from the server.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Incoming {
    Text(String),
    /// A transport-level keep-alive (SockJS's `h`).
    KeepAlive,
    /// The session ended; why.
    Closed(String),
}

/// The most messages one SockJS `a[…]` frame may queue: more are dropped (the frame is capped by the
/// socket's message size already; this caps the count of tiny ones).
const MAX_QUEUED: usize = 1024;

pub(super) struct Channel {
    ws: WebSocketStream<Stream>,
    framing: Framing,
    queued: VecDeque<String>,
}

impl Channel {
    pub(super) fn new(ws: WebSocketStream<Stream>, framing: Framing) -> Channel {
        Channel {
            ws,
            framing,
            queued: VecDeque::new(),
        }
    }

    /// Sends `text` within `wait`, or says why not.
    pub(super) async fn send(&mut self, text: &str, wait: Duration) -> Result<(), String> {
        let message = match self.framing {
            Framing::Plain => text.to_string(),
            Framing::SockJs => Value::from(vec![text]).to_string(),
        };
        match tokio::time::timeout(wait, self.ws.send(Message::text(message))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!(
                "the server did not take it within {} s",
                wait.as_secs_f32()
            )),
        }
    }

    /// The next thing from the server before `deadline`; `None` when the deadline passed.
    pub(super) async fn next(&mut self, deadline: Instant) -> Option<Incoming> {
        loop {
            if let Some(text) = self.queued.pop_front() {
                return Some(Incoming::Text(text));
            }
            let message = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return None,
                Ok(None) => {
                    return Some(Incoming::Closed(
                        "the connection was closed without a close frame".into(),
                    ));
                }
                Ok(Some(Err(error))) => {
                    return Some(Incoming::Closed(format!("the connection failed: {error}")));
                }
                Ok(Some(Ok(message))) => message,
            };
            let text = match message {
                Message::Text(text) => text.as_str().to_string(),
                Message::Binary(data) => String::from_utf8_lossy(&data).into_owned(),
                Message::Close(frame) => {
                    return Some(Incoming::Closed(match frame {
                        Some(frame) => format!(
                            "the server closed with {}{}",
                            u16::from(frame.code),
                            if frame.reason.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", crate::report::capped(&frame.reason, 200))
                            }
                        ),
                        None => "the server closed without a code".into(),
                    }));
                }
                // tungstenite answers pings itself.
                _ => continue,
            };
            match self.framing {
                Framing::Plain => return Some(Incoming::Text(text)),
                Framing::SockJs => match sockjs_frame(&text) {
                    SockJsFrame::Open => {}
                    SockJsFrame::HeartBeat => return Some(Incoming::KeepAlive),
                    SockJsFrame::Messages(messages) => {
                        self.queued.extend(messages.into_iter().take(MAX_QUEUED));
                    }
                    SockJsFrame::Close(why) => return Some(Incoming::Closed(why)),
                    SockJsFrame::Other => return Some(Incoming::Text(text)),
                },
            }
        }
    }

    /// Closes the WebSocket, waiting at most `wait`.
    pub(super) async fn close(mut self, wait: Duration) {
        let _ = tokio::time::timeout(wait, self.ws.close(None)).await;
    }
}

/// One frame of SockJS's WebSocket transport.
#[derive(Debug, PartialEq)]
enum SockJsFrame {
    Open,
    HeartBeat,
    Messages(Vec<String>),
    Close(String),
    /// Not SockJS framing at all (shown as it came).
    Other,
}

fn sockjs_frame(text: &str) -> SockJsFrame {
    match text {
        "o" => return SockJsFrame::Open,
        "h" => return SockJsFrame::HeartBeat,
        _ => {}
    }
    if let Some(json) = text.strip_prefix('a')
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json)
    {
        return SockJsFrame::Messages(
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                })
                .collect(),
        );
    }
    if let Some(json) = text.strip_prefix('c')
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json)
    {
        let code = items.first().and_then(Value::as_i64).unwrap_or(0);
        let reason = items.get(1).and_then(Value::as_str).unwrap_or("");
        return SockJsFrame::Close(format!(
            "SockJS closed the session: {code} {}",
            crate::report::capped(reason, 200)
        ));
    }
    SockJsFrame::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockjs_frames_are_read_and_anything_else_is_shown_as_it_came() {
        assert_eq!(sockjs_frame("o"), SockJsFrame::Open);
        assert_eq!(sockjs_frame("h"), SockJsFrame::HeartBeat);
        assert_eq!(
            sockjs_frame(r#"a["CONNECTED\nversion:1.2\n\n\u0000","x"]"#),
            SockJsFrame::Messages(vec!["CONNECTED\nversion:1.2\n\n\0".into(), "x".into()])
        );
        assert_eq!(
            sockjs_frame(r#"c[3000,"Go away!"]"#),
            SockJsFrame::Close("SockJS closed the session: 3000 Go away!".into())
        );
        assert_eq!(sockjs_frame("a[not json"), SockJsFrame::Other);
        assert_eq!(sockjs_frame("hello"), SockJsFrame::Other);
    }
}
