//! The GraphQL over WebSocket item: the GraphQL client machine (`crate::framework::graphql`) sends
//! `connection_init` (with the auth payload as its `payload`), which must be acknowledged
//! (`connection_ack`) before any operation. A refusal is a close code of the protocol (4401, 4403, 4406,
//! ...) or the legacy protocol's `connection_error`; each is named as `framework::graphql::close` reads it.

use super::channel::{Channel, Incoming};
use super::idle;
use crate::check::CheckOptions;
use crate::framework::graphql::{GraphqlClient, close};
use crate::framework::machine::{Frame, Machine};
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// Sends `connection_init` and records whether it is acknowledged.
pub(in crate::check) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    mut step: Step,
    mut channel: Channel,
) {
    // The check offers graphql-transport-ws unless the user offered the legacy protocol.
    let legacy_offered = options.subprotocols.iter().any(|p| p == "graphql-ws");
    let now = std::time::Instant::now();
    let mut client = GraphqlClient::new(&super::terms(options, "/"), false, now);
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
    if channel
        .send_outputs(client.opening(now), deadline)
        .await
        .is_err()
    {
        rec.finish(
            step,
            CheckStatus::Fail,
            "connection_init could not be sent.",
        );
        return;
    }
    let outcome = loop {
        match channel.next(deadline).await {
            None => break InitAnswer::NoAck,
            Some(Incoming::Closed(_, Some((code, reason)))) => {
                break InitAnswer::Closed(code, reason);
            }
            Some(Incoming::Closed(_, None)) => break InitAnswer::Dropped,
            Some(Incoming::KeepAlive | Incoming::Binary(_)) => {}
            Some(Incoming::Text(text)) => {
                let (decoded, outputs) =
                    client.heard(&Frame::Text(text.clone()), std::time::Instant::now());
                // The machine answers a ping; the answer goes within the wait for the ack.
                let _ = channel.send_outputs(outputs, deadline).await;
                match decoded.as_ref().map(|d| d.kind.as_str()) {
                    Some("connection_ack") => {
                        step.evidence
                            .push(Evidence::new("Received", crate::report::capped(&text, 512)));
                        break InitAnswer::Acknowledged;
                    }
                    Some("connection_error") => {
                        break InitAnswer::Refused(crate::report::capped(&text, 1024));
                    }
                    // The legacy protocol's keep-alive, and anything else before the answer.
                    _ => {}
                }
            }
        }
    };
    match outcome {
        InitAnswer::Acknowledged => {
            rec.finish(
                step,
                CheckStatus::Pass,
                "connection_init was acknowledged (connection_ack).",
            );
            if let Some(idle) = options.idle {
                let mut machine = Machine::Graphql(client);
                let held =
                    idle::hold(&mut channel, &mut machine, idle, options.reply_timeout).await;
                idle::record(rec, idle, &held, "pongs");
            }
            channel.close(options.close_timeout).await;
        }
        InitAnswer::Closed(code, reason) => {
            let meaning = close::meaning(code)
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
            let named = close::cause(code, legacy_offered).unwrap_or("graphql.connection_closed");
            rec.diagnose(named, evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The server closed instead of acknowledging: {meaning}."),
            );
        }
        InitAnswer::Refused(message) => {
            let evidence = vec![Evidence::new("connection_error", message)];
            rec.diagnose("graphql.connection_rejected", evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                "The server refused connection_init (connection_error).",
            );
        }
        InitAnswer::NoAck => {
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
        InitAnswer::Dropped => {
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
enum InitAnswer {
    Acknowledged,
    Closed(u16, String),
    Refused(String),
    NoAck,
    Dropped,
}
