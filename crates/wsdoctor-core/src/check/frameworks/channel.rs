//! The messages of a framework session, whether they travel as WebSocket messages or inside SockJS's
//! framing (`o` open, `h` heart-beat, `a[…]` messages, `c[code, reason]` close), as STOMP does under
//! Spring's `withSockJS()`. Text protocols (STOMP, GraphQL) read binary messages as text; a binary one
//! (MQTT) gets them as they are ([`Framing::Binary`]).

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::framework::machine::{Frame, Output};
use crate::framework::sockjs::framing::{self, SockJsFrame};
use crate::net::Stream;

/// How text is carried over the WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::check) enum Framing {
    /// One text message a WebSocket message.
    Plain,
    /// SockJS's WebSocket transport: messages in JSON arrays, with its own heart-beat and close.
    SockJs,
    /// Binary messages, one a WebSocket message, passed on as bytes (MQTT).
    Binary,
}

/// What came from the server.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::check) enum Incoming {
    Text(String),
    /// A binary message, on a [`Framing::Binary`] channel.
    Binary(Vec<u8>),
    /// A transport-level keep-alive (SockJS's `h`).
    KeepAlive,
    /// The session ended: why, and the close frame's code and reason when the server sent one.
    Closed(String, Option<(u16, String)>),
}

/// The most messages one SockJS `a[…]` frame may queue: more are dropped (the frame is capped by the
/// socket's message size already; this caps the count of tiny ones).
const MAX_QUEUED: usize = 1024;

pub(in crate::check) struct Channel {
    ws: WebSocketStream<Stream>,
    framing: Framing,
    queued: VecDeque<String>,
}

impl Channel {
    pub(in crate::check) fn new(ws: WebSocketStream<Stream>, framing: Framing) -> Channel {
        Channel {
            ws,
            framing,
            queued: VecDeque::new(),
        }
    }

    /// Sends `text` within `wait`, or says why not.
    pub(in crate::check) async fn send(
        &mut self,
        text: &str,
        wait: Duration,
    ) -> Result<(), String> {
        let message = match self.framing {
            Framing::Plain | Framing::Binary => text.to_string(),
            Framing::SockJs => framing::wrap(text),
        };
        self.send_message(Message::text(message), wait).await
    }

    /// Sends a protocol machine's frame within `wait`: text as [`Channel::send`] does, bytes as one
    /// binary message.
    pub(in crate::check) async fn send_frame(
        &mut self,
        frame: &Frame,
        wait: Duration,
    ) -> Result<(), String> {
        match frame {
            Frame::Text(text) => self.send(text, wait).await,
            Frame::Binary(bytes) => {
                self.send_message(Message::binary(bytes.clone()), wait)
                    .await
            }
        }
    }

    async fn send_message(&mut self, message: Message, wait: Duration) -> Result<(), String> {
        match tokio::time::timeout(wait, self.ws.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!(
                "the server did not take it within {} s",
                wait.as_secs_f32()
            )),
        }
    }

    /// Sends the frames a protocol machine asked for, each before `deadline`.
    pub(in crate::check) async fn send_outputs(
        &mut self,
        outputs: Vec<Output>,
        deadline: Instant,
    ) -> Result<(), String> {
        for output in outputs {
            if let Output::Send(frame, _) = output {
                let left = deadline.saturating_duration_since(Instant::now());
                self.send_frame(&frame, left).await?;
            }
        }
        Ok(())
    }

    /// The next thing from the server before `deadline`; `None` when the deadline passed.
    pub(in crate::check) async fn next(&mut self, deadline: Instant) -> Option<Incoming> {
        loop {
            if let Some(text) = self.queued.pop_front() {
                return Some(Incoming::Text(text));
            }
            let message = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return None,
                Ok(None) => {
                    return Some(Incoming::Closed(
                        "the connection was closed without a close frame".into(),
                        None,
                    ));
                }
                Ok(Some(Err(error))) => {
                    return Some(Incoming::Closed(
                        format!("the connection failed: {error}"),
                        None,
                    ));
                }
                Ok(Some(Ok(message))) => message,
            };
            let text = match message {
                Message::Text(text) => text.as_str().to_string(),
                Message::Binary(data) if self.framing == Framing::Binary => {
                    return Some(Incoming::Binary(data.to_vec()));
                }
                Message::Binary(data) => String::from_utf8_lossy(&data).into_owned(),
                Message::Close(frame) => {
                    return Some(match frame {
                        Some(frame) => Incoming::Closed(
                            format!(
                                "the server closed with {}{}",
                                u16::from(frame.code),
                                if frame.reason.is_empty() {
                                    String::new()
                                } else {
                                    format!(" ({})", crate::report::capped(&frame.reason, 200))
                                }
                            ),
                            Some((u16::from(frame.code), frame.reason.to_string())),
                        ),
                        None => Incoming::Closed("the server closed without a code".into(), None),
                    });
                }
                // tungstenite answers pings itself.
                _ => continue,
            };
            match self.framing {
                Framing::Plain | Framing::Binary => return Some(Incoming::Text(text)),
                Framing::SockJs => match framing::read(&text) {
                    SockJsFrame::Open => {}
                    SockJsFrame::HeartBeat => return Some(Incoming::KeepAlive),
                    SockJsFrame::Messages(messages) => {
                        self.queued.extend(messages.into_iter().take(MAX_QUEUED));
                    }
                    SockJsFrame::Close(why) => return Some(Incoming::Closed(why, None)),
                    SockJsFrame::Other => return Some(Incoming::Text(text)),
                },
            }
        }
    }

    /// Closes the WebSocket, waiting at most `wait`.
    pub(in crate::check) async fn close(mut self, wait: Duration) {
        let _ = tokio::time::timeout(wait, self.ws.close(None)).await;
    }
}
