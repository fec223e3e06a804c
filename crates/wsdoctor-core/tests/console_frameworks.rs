//! The console speaking frameworks to real servers: Node `socket.io` (namespaces, acks, binary, an auth
//! middleware, a server-side disconnect), `graphql-ws` and the legacy subscriptions-transport-ws (a
//! subscription that ticks), and RabbitMQ's Web-STOMP (a SEND received on a subscription, receipts, an
//! ERROR frame). Every decoded entry keeps its raw frame; every refusal is named with the catalog's code.

mod support;

use support::wait_for;

use std::time::Duration;

use support::real_servers::node;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::console::{
    Action, ConsoleSession, Decoded, Dialect, Direction, Entry, SessionConfig, SessionState,
};
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::profile::Sensitive;

fn config(url: String, protocol: Protocol, auth: Option<&str>) -> SessionConfig {
    support::console_config(CheckOptions {
        protocol,
        auth: auth.map(|a| Sensitive::new(a.to_string())),
        handshake_timeout: Duration::from_secs(3),
        reply_timeout: Duration::from_millis(700),
        ..support::options(url)
    })
}

async fn joined(session: &ConsoleSession) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !session.status().joined {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the session did not join: {:#?}",
            session.entries_after(0, 100)
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    }
}

/// The decoded view of received entries of `kind`.
fn heard<'a>(entries: &'a [Entry], kind: &str) -> Vec<&'a Decoded> {
    entries
        .iter()
        .filter(|e| e.direction == Direction::In)
        .filter_map(|e| e.decoded.as_ref())
        .filter(|d| d.kind == kind)
        .collect()
}

fn has(entries: &[Entry], kind: &str, name: &str) -> bool {
    heard(entries, kind)
        .iter()
        .any(|d| d.name.as_deref() == Some(name))
}

fn emit(event: &str, args: &str, ack: bool) -> Action {
    Action::Emit {
        event: event.into(),
        args: args.into(),
        ack,
    }
}

#[tokio::test]
async fn socketio_emits_acks_binary_and_names_what_the_server_does() {
    let server = node("socketio");
    // The URL as an app gives `io()`: the Engine.IO path is found, the transport is the WebSocket.
    let session = ConsoleSession::start(config(
        format!("http://127.0.0.1:{}/", server.port),
        Protocol::Socketio,
        None,
    ))
    .unwrap();
    assert_eq!(session.dialect(), Dialect::Socketio);
    joined(&session).await;
    assert!(
        session
            .status()
            .url
            .contains("/socket.io/?EIO=4&transport=websocket")
    );

    session
        .act(emit("echo", r#"{"text": "hi"} 2"#, true))
        .unwrap();
    session.act(emit("no-ack", "1", true)).unwrap();
    session
        .act(emit("binary", r#""report.bin""#, true))
        .unwrap();
    let entries = wait_for(&session, "the ack, the file and the ack timeout", |e| {
        has(e, "ack", "echo")
            && has(e, "event", "file")
            && has(e, "ack", "binary")
            && e.iter()
                .any(|e| e.decoded.as_ref().is_some_and(|d| d.kind == "ack_timeout"))
    })
    .await;
    let ack = heard(&entries, "ack")
        .into_iter()
        .find(|d| d.name.as_deref() == Some("echo"))
        .unwrap();
    assert_eq!(ack.body.as_deref(), Some(r#"[{"text":"hi"},2]"#));
    assert!(
        ack.note
            .as_deref()
            .unwrap()
            .contains("acknowledges emit echo")
    );
    // The raw frame stays beside the decoding.
    let raw = entries
        .iter()
        .find(|e| {
            e.decoded
                .as_ref()
                .is_some_and(|d| d.kind == "ack" && d.name.as_deref() == Some("echo"))
        })
        .and_then(|e| e.text.clone())
        .unwrap();
    assert!(raw.starts_with("431["), "{raw}");
    let file = heard(&entries, "event")
        .into_iter()
        .find(|d| d.name.as_deref() == Some("file"))
        .unwrap();
    assert_eq!(
        file.body.as_deref(),
        Some(r#"[{"data":{"$base64":"AAEC/w=="},"name":"report.bin"}]"#)
    );
    let timeout = entries
        .iter()
        .find_map(|e| e.decoded.as_ref().filter(|d| d.kind == "ack_timeout"))
        .unwrap();
    assert_eq!(
        (timeout.name.as_deref(), timeout.cause.as_deref()),
        (Some("no-ack"), Some("socketio.ack_timeout"))
    );
    // Engine.IO pings (every second on this server) are answered: heartbeat entries, both ways.
    wait_for(&session, "a ping answered", |e| {
        e.iter().any(|e| {
            e.direction == Direction::Out
                && e.decoded
                    .as_ref()
                    .is_some_and(|d| d.heartbeat && d.kind == "pong")
        })
    })
    .await;
    // Another protocol's action is refused here, not sent.
    assert!(session.act(Action::Stop { id: "1".into() }).is_err());

    // A server-side disconnect ends the session: the official client would not reconnect either.
    session.act(emit("bye", "", false)).unwrap();
    let entries = wait_for(&session, "the disconnect", |e| {
        !heard(e, "disconnect").is_empty()
    })
    .await;
    assert_eq!(
        heard(&entries, "disconnect")[0].cause.as_deref(),
        Some("socketio.server_disconnect")
    );
    wait_for(&session, "the end", |_| {
        session.status().state == SessionState::Closed
    })
    .await;
}

#[tokio::test]
async fn socketio_namespaces_take_the_auth_payload_and_refusals_are_named() {
    let server = node("socketio");
    let url = format!("ws://127.0.0.1:{}/admin", server.port);
    let refused = ConsoleSession::start(config(url.clone(), Protocol::Socketio, None)).unwrap();
    let entries = wait_for(&refused, "the CONNECT_ERROR", |e| {
        !heard(e, "connect_error").is_empty()
    })
    .await;
    let error = heard(&entries, "connect_error")[0];
    assert!(error.refusal);
    assert_eq!(error.cause.as_deref(), Some("socketio.connect_rejected"));
    assert!(error.body.as_deref().unwrap().contains("not authorized"));

    let session = ConsoleSession::start(config(
        url,
        Protocol::Socketio,
        Some(r#"{"token": "admin-token"}"#),
    ))
    .unwrap();
    let entries = wait_for(&session, "the welcome", |e| has(e, "event", "welcome")).await;
    // The CONNECT carried the token; the entry shows it redacted.
    let connect = entries
        .iter()
        .find(|e| {
            e.direction == Direction::Out && e.decoded.as_ref().is_some_and(|d| d.kind == "connect")
        })
        .unwrap();
    let shown = serde_json::to_string(connect).unwrap();
    assert!(!shown.contains("admin-token"), "{shown}");
    assert!(connect.text.as_deref().unwrap().starts_with("40/admin,"));

    // A namespace the server does not define, given beside the URL.
    let mut asked = config(
        format!("http://127.0.0.1:{}/", server.port),
        Protocol::Socketio,
        None,
    );
    asked.namespace = Some("/nowhere".into());
    let session = ConsoleSession::start(asked).unwrap();
    let entries = wait_for(&session, "Invalid namespace", |e| {
        !heard(e, "connect_error").is_empty()
    })
    .await;
    assert_eq!(
        heard(&entries, "connect_error")[0].cause.as_deref(),
        Some("socketio.namespace_invalid")
    );
}

#[tokio::test]
async fn graphql_subscriptions_tick_in_both_protocols_and_a_rejection_is_named() {
    let server = node("graphql");
    let url = format!("ws://127.0.0.1:{}/graphql", server.port);
    let session = ConsoleSession::start(config(
        url.clone(),
        Protocol::GraphqlWs,
        Some(r#"{"token": "gql-token"}"#),
    ))
    .unwrap();
    // Asked for before the ack: it waits for it.
    session
        .act(
            Action::parse(
                Dialect::GraphqlWs,
                r#"subscribe subscription Count($n: Int) { tick(n: $n) } {"n": 3}"#,
            )
            .unwrap()
            .unwrap(),
        )
        .unwrap();
    let entries = wait_for(&session, "three ticks and the end", |e| {
        !heard(e, "complete").is_empty()
    })
    .await;
    let next = heard(&entries, "next");
    assert_eq!(next.len(), 3, "{entries:#?}");
    assert_eq!(next[2].body.as_deref(), Some(r#"{"data":{"tick":3}}"#));
    assert!(next.iter().all(|d| d.id.as_deref() == Some("1")));
    // A second operation, stopped by its id; a query the schema refuses is named.
    session
        .act(Action::Operation {
            query: "subscription { tick(n: 1000) }".into(),
            variables: None,
            operation_name: None,
        })
        .unwrap();
    wait_for(&session, "a tick of operation 2", |e| {
        heard(e, "next")
            .iter()
            .any(|d| d.id.as_deref() == Some("2"))
    })
    .await;
    session.act(Action::Stop { id: "2".into() }).unwrap();
    session
        .act(Action::Operation {
            query: "subscription { nope }".into(),
            variables: None,
            operation_name: None,
        })
        .unwrap();
    let entries = wait_for(&session, "the operation error", |e| {
        !heard(e, "error").is_empty()
    })
    .await;
    assert_eq!(
        heard(&entries, "error")[0].cause.as_deref(),
        Some("graphql.operation_error")
    );
    // One tick may have been on its way when the stop arrived; none comes after.
    let ticks_of_2 = || {
        let entries = session.entries_after(0, usize::MAX);
        heard(&entries, "next")
            .iter()
            .filter(|d| d.id.as_deref() == Some("2"))
            .count()
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopped_at = ticks_of_2();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ticks_of_2(), stopped_at, "no tick after the stop");

    // A wrong token: 4403, named.
    let refused = ConsoleSession::start(config(
        url,
        Protocol::GraphqlWs,
        Some(r#"{"token": "wrong"}"#),
    ))
    .unwrap();
    let entries = wait_for(&refused, "the close", |e| {
        e.iter().any(|e| e.code == Some(4403))
    })
    .await;
    let close = entries.iter().find(|e| e.code == Some(4403)).unwrap();
    let decoded = close.decoded.as_ref().unwrap();
    assert!(decoded.refusal);
    assert_eq!(
        decoded.cause.as_deref(),
        Some("graphql.connection_rejected")
    );

    // A legacy server (subscriptions-transport-ws) answers the current protocol's subprotocol, then
    // closes 1002 on its messages: named. Offering only `graphql-ws` speaks the legacy protocol.
    let legacy = node("graphql-legacy");
    let legacy_url = format!("ws://127.0.0.1:{}/", legacy.port);
    let session =
        ConsoleSession::start(config(legacy_url.clone(), Protocol::GraphqlWs, None)).unwrap();
    let entries = wait_for(&session, "the 1002", |e| {
        e.iter().any(|e| e.code == Some(1002))
    })
    .await;
    let close = entries.iter().find(|e| e.code == Some(1002)).unwrap();
    assert_eq!(
        close.decoded.as_ref().unwrap().cause.as_deref(),
        Some("graphql.protocol_mismatch")
    );
    let mut offered = config(legacy_url, Protocol::GraphqlWs, None);
    offered.target.subprotocols = vec!["graphql-ws".into()];
    let session = ConsoleSession::start(offered).unwrap();
    session
        .act(
            Action::parse(Dialect::GraphqlWs, "subscribe subscription { tick(n: 2) }")
                .unwrap()
                .unwrap(),
        )
        .unwrap();
    let entries = wait_for(&session, "legacy data", |e| heard(e, "data").len() == 2).await;
    assert_eq!(session.status().protocol.as_deref(), Some("graphql-ws"));
    assert!(
        entries.iter().any(|e| e.direction == Direction::Out
            && e.decoded.as_ref().is_some_and(|d| d.kind == "start"))
    );
}

#[tokio::test]
async fn stomp_send_is_received_on_a_subscription_with_receipts_and_an_error_is_named() {
    let broker = support::real_servers::rabbitmq();
    let url = format!("ws://127.0.0.1:{}/ws", broker.port);
    let session = ConsoleSession::start(config(
        url.clone(),
        Protocol::Stomp,
        Some(r#"{"login": "guest", "passcode": "guest"}"#),
    ))
    .unwrap();
    joined(&session).await;
    for line in [
        "subscribe /queue/console-test client",
        "send /queue/console-test -H content-type:text/plain hello from the console",
    ] {
        session
            .act(Action::parse(Dialect::Stomp, line).unwrap().unwrap())
            .unwrap();
    }
    let entries = wait_for(&session, "the MESSAGE and two receipts", |e| {
        !heard(e, "MESSAGE").is_empty() && heard(e, "RECEIPT").len() == 2
    })
    .await;
    let message = heard(&entries, "MESSAGE")[0];
    assert_eq!(message.name.as_deref(), Some("/queue/console-test"));
    assert_eq!(message.body.as_deref(), Some("hello from the console"));
    assert!(heard(&entries, "RECEIPT").iter().any(|d| {
        d.note
            .as_deref()
            .unwrap()
            .starts_with("receipt for SEND /queue/console-test")
    }));
    let connected = heard(&entries, "CONNECTED")[0];
    assert!(connected.note.as_deref().unwrap().contains("heart-beats"));
    // The passcode never shows.
    assert!(
        !serde_json::to_string(&entries)
            .unwrap()
            .contains("passcode:guest")
    );
    // Acknowledged with the id the MESSAGE gave.
    let ack = message
        .headers
        .iter()
        .find(|(n, _)| n == "ack")
        .map(|(_, v)| v.clone())
        .unwrap();
    session
        .act(Action::Ack {
            id: ack,
            nack: false,
        })
        .unwrap();
    wait_for(&session, "the ACK's receipt", |e| {
        heard(e, "RECEIPT").len() == 3
    })
    .await;

    // A destination RabbitMQ does not have: ERROR, named, and the broker closes.
    session
        .act(
            Action::parse(Dialect::Stomp, "subscribe /nowhere/at-all")
                .unwrap()
                .unwrap(),
        )
        .unwrap();
    let entries = wait_for(&session, "the ERROR", |e| !heard(e, "ERROR").is_empty()).await;
    let error = heard(&entries, "ERROR")[0];
    assert_eq!(error.cause.as_deref(), Some("stomp.frame_refused"));

    // A wrong passcode: CONNECT refused.
    let refused = ConsoleSession::start(config(
        url,
        Protocol::Stomp,
        Some(r#"{"login": "guest", "passcode": "wrong"}"#),
    ))
    .unwrap();
    let entries = wait_for(&refused, "the refusal", |e| !heard(e, "ERROR").is_empty()).await;
    let error = heard(&entries, "ERROR")[0];
    assert!(error.refusal);
    assert_eq!(error.cause.as_deref(), Some("stomp.connect_rejected"));
}
