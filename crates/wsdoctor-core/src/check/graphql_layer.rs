//! The GraphQL over WebSocket item: after the upgrade, `connection_init` (with the auth payload as its
//! `payload`) must be acknowledged (`connection_ack`) before any operation. A refusal is a close code of
//! the protocol (4401, 4403, 4406, ...) or the legacy protocol's `connection_error`; each is named.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::framework_channel::{Channel, Framing};
use super::framework_idle::{self, KeepAlive};
use super::{CheckOptions, framework_socket};
use crate::net::Stream;
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// What a close code of GraphQL over WebSocket means (graphql-transport-ws), if it is one of them.
pub(crate) fn close_meaning(code: u16) -> Option<&'static str> {
    Some(match code {
        4400 => {
            "4400 Bad request: the server could not read a message (often the other protocol's message)"
        }
        4401 => "4401 Unauthorized: an operation was sent before the connection was acknowledged",
        4403 => "4403 Forbidden: the server's onConnect refused the connection_init payload",
        4406 => {
            "4406 Subprotocol not acceptable: the client and the server speak different GraphQL WebSocket protocols"
        }
        4408 => "4408 Connection initialisation timeout: no connection_init arrived in time",
        4409 => "4409 Subscriber already exists: an operation id was reused",
        4429 => "4429 Too many initialisation requests: connection_init was sent more than once",
        4500 => "4500 Internal server error",
        4504 => "4504 Gateway timeout",
        _ => return None,
    })
}

/// Sends `connection_init` and records whether it is acknowledged.
pub(super) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    mut step: Step,
    mut ws: WebSocketStream<Stream>,
) {
    let payload = framework_socket::auth(options).unwrap_or(Value::Object(Default::default()));
    let init = serde_json::json!({ "type": "connection_init", "payload": payload }).to_string();
    step.evidence.push(Evidence::new(
        "Sent",
        if options.auth.is_some() {
            "connection_init with the auth payload"
        } else {
            "connection_init (no payload)"
        },
    ));
    let wait = options.handshake_timeout;
    let deadline = tokio::time::Instant::now() + wait;
    if tokio::time::timeout_at(deadline, ws.send(Message::text(init)))
        .await
        .map_or(true, |sent| sent.is_err())
    {
        rec.finish(
            step,
            CheckStatus::Fail,
            "connection_init could not be sent.",
        );
        return;
    }
    let outcome = loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => break Outcome::NoAck,
            Ok(None) | Ok(Some(Err(_))) => break Outcome::Dropped,
            Ok(Some(Ok(Message::Close(frame)))) => {
                break match frame {
                    Some(frame) => Outcome::Closed(u16::from(frame.code), frame.reason.to_string()),
                    None => Outcome::Dropped,
                };
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                let message: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                match message.get("type").and_then(Value::as_str) {
                    Some("connection_ack") => {
                        step.evidence.push(Evidence::new(
                            "Received",
                            crate::report::capped(text.as_str(), 512),
                        ));
                        break Outcome::Acknowledged;
                    }
                    Some("connection_error") => {
                        break Outcome::Refused(crate::report::capped(text.as_str(), 1024));
                    }
                    Some("ping") => {
                        let pong = serde_json::json!({ "type": "pong" }).to_string();
                        let _ =
                            tokio::time::timeout_at(deadline, ws.send(Message::text(pong))).await;
                    }
                    // The legacy protocol's keep-alive, and anything else before the answer.
                    _ => {}
                }
            }
            Ok(Some(Ok(_))) => {}
        }
    };
    match outcome {
        Outcome::Acknowledged => {
            rec.finish(
                step,
                CheckStatus::Pass,
                "connection_init was acknowledged (connection_ack).",
            );
            let mut channel = Channel::new(ws, Framing::Plain);
            if let Some(idle) = options.idle {
                let keep = KeepAlive::Graphql;
                let held =
                    framework_idle::hold(&mut channel, idle, keep, options.reply_timeout).await;
                framework_idle::record(rec, idle, &held, "pongs");
            }
            channel.close(options.close_timeout).await;
        }
        Outcome::Closed(code, reason) => {
            let meaning = close_meaning(code)
                .map(str::to_string)
                .unwrap_or_else(|| crate::close_code::meaning(code));
            let evidence = vec![Evidence::new(
                "Close",
                format!(
                    "{meaning}{}",
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" (reason: {reason})")
                    }
                ),
            )];
            // subscriptions-transport-ws (the legacy protocol's server) closes 1002 on a client whose
            // subprotocol is not its `graphql-ws`.
            let legacy_offered = options.subprotocols.iter().any(|p| p == "graphql-ws");
            let named = match code {
                4400 | 4406 => "graphql.protocol_mismatch",
                1002 if !legacy_offered => "graphql.protocol_mismatch",
                4401 | 4403 => "graphql.connection_rejected",
                4408 => "graphql.init_timeout",
                _ => "graphql.connection_closed",
            };
            rec.diagnose(named, evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The server closed instead of acknowledging: {meaning}."),
            );
        }
        Outcome::Refused(message) => {
            let evidence = vec![Evidence::new("connection_error", message)];
            rec.diagnose("graphql.connection_rejected", evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                "The server refused connection_init (connection_error).",
            );
        }
        Outcome::NoAck => {
            let why = format!("no connection_ack within {} s", wait.as_secs_f32());
            rec.diagnose(
                "graphql.init_timeout",
                vec![Evidence::new("Waited", why.clone())],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("connection_init was not acknowledged: {why}."),
            );
        }
        Outcome::Dropped => {
            let why = "the connection ended without an acknowledgement or a close code";
            rec.diagnose(
                "graphql.connection_closed",
                vec![Evidence::new("Connection", why)],
            );
            rec.finish(step, CheckStatus::Fail, format!("{why}."));
        }
    }
}

/// How the wait for `connection_ack` ended.
enum Outcome {
    Acknowledged,
    Closed(u16, String),
    Refused(String),
    NoAck,
    Dropped,
}
