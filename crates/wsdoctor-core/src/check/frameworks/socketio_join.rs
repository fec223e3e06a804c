//! Joining the namespace of a Socket.IO session the check opened: the CONNECT over polling (and again in
//! fresh sessions, to find a pool without affinity) or over the WebSocket transport, and the namespace
//! item recorded from the answer.

use std::time::Duration;

use futures_util::SinkExt;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::socketio_session::{Ask, next_text_until};
use crate::check::upgrade::handshake::UpgradeResponse;
use crate::framework::socketio::engine_io::{self, ConnectAnswer, OpenAnswer, Version};
use crate::net::Stream;
use crate::report::{CheckStatus, Evidence, Recorder};

/// Sends the CONNECT over polling and reads the answer (a POST, then a GET).
pub(super) async fn join_by_polling(
    ask: &Ask<'_>,
    sid: &str,
    opened: &str,
    connect: Option<&str>,
    namespace: &str,
) -> Result<ConnectAnswer, JoinError> {
    match connect {
        Some(connect) => {
            let posted = ask
                .send(Some(sid), Some(connect))
                .await
                .map_err(JoinError::Other)?;
            session_known(&posted, "the CONNECT")?;
        }
        // Engine.IO 3, main namespace: the server joined it, its answer may be in the handshake's.
        None => {
            if let Some(answer) = engine_io::read_connect(opened, namespace, ask.version) {
                return Ok(answer);
            }
        }
    }
    let read = ask.send(Some(sid), None).await.map_err(JoinError::Other)?;
    session_known(&read, "reading the answer")?;
    engine_io::read_connect(&read.body_text(), namespace, ask.version).ok_or_else(|| {
        JoinError::Other(format!(
            "no answer to the CONNECT in `{}`",
            crate::report::capped(&read.body_text(), 200)
        ))
    })
}

/// Why joining failed: the session was unknown to the server that got a request (no affinity behind a
/// load balancer), or anything else.
pub(super) enum JoinError {
    SessionUnknown(String),
    Other(String),
}

/// A request in the session was answered 200, or why not.
fn session_known(response: &UpgradeResponse, what: &str) -> Result<(), JoinError> {
    if response.status == 200 {
        return Ok(());
    }
    let said = format!(
        "{what} was answered HTTP {} {}",
        response.status,
        crate::report::capped(&response.body_text(), 200)
    );
    match engine_io::read_open(response.status, &response.body_text(), Version::V4) {
        OpenAnswer::Refused { code: 1, .. } => Err(JoinError::SessionUnknown(said)),
        _ => Err(JoinError::Other(said)),
    }
}

/// Opens `rounds` more sessions and joins in each, as clients arriving one after another would: behind a
/// load balancer without affinity, one of them reaches a server that does not know its session.
pub(super) async fn affinity_rounds(
    ask: &Ask<'_>,
    connect: Option<&str>,
    namespace: &str,
    rounds: usize,
) -> Option<String> {
    for round in 0..rounds {
        let opened = ask.send(None, None).await.ok()?;
        let body = opened.body_text();
        let OpenAnswer::Open(open) = engine_io::read_open(opened.status, &body, ask.version) else {
            return None;
        };
        if let Err(JoinError::SessionUnknown(why)) =
            join_by_polling(ask, &open.sid, &body, connect, namespace).await
        {
            return Some(format!("session {} of {}: {why}", round + 2, rounds + 1));
        }
    }
    None
}

/// Sends the CONNECT over the WebSocket transport and reads the answer, answering Engine.IO pings.
pub(super) async fn join_over(
    ws: &mut WebSocketStream<Stream>,
    version: Version,
    connect: Option<&str>,
    namespace: &str,
    wait: Duration,
) -> Result<ConnectAnswer, String> {
    if let Some(connect) = connect {
        tokio::time::timeout(wait, ws.send(Message::text(connect)))
            .await
            .map_err(|_| "the CONNECT could not be sent in time".to_string())?
            .map_err(|e| e.to_string())?;
    }
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let text = next_text_until(ws, version, deadline)
            .await
            .ok_or("no answer to the CONNECT in time")?;
        // A WebSocket message is one packet, whichever the version.
        if let Some(answer) = engine_io::read_connect(&text, namespace, Version::V4) {
            return Ok(answer);
        }
    }
}

pub(super) fn finish_namespace(
    rec: &mut Recorder,
    mut step: crate::report::Step,
    ask: &Ask<'_>,
    namespace: &str,
    connect: &str,
    joined: Result<ConnectAnswer, JoinError>,
) {
    step.evidence.push(Evidence::new("CONNECT", connect));
    if let Some(exchanges) = ask.take_transcript() {
        step.evidence.push(Evidence::new("Exchanges", exchanges));
    }
    match joined {
        Ok(ConnectAnswer::Connected { .. }) => {
            rec.finish(
                step,
                CheckStatus::Pass,
                format!("Joined namespace {namespace}."),
            );
        }
        Ok(ConnectAnswer::Refused { message }) => {
            let code = engine_io::connect_error_cause(&message);
            rec.diagnose(
                code,
                vec![Evidence::new(
                    "CONNECT_ERROR",
                    format!("{namespace}: {message}"),
                )],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("Namespace {namespace} refused: {message}."),
            );
        }
        Err(JoinError::SessionUnknown(why)) => {
            rec.diagnose(
                "socketio.session_unknown",
                vec![Evidence::new("Polling", why.clone())],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("A request of the session reached a server that did not know it: {why}."),
            );
        }
        Err(JoinError::Other(error)) => {
            rec.diagnose(
                "socketio.connect_failed",
                vec![Evidence::new("CONNECT", format!("{namespace}: {error}"))],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("Joining {namespace} failed: {error}."),
            );
        }
    }
}
