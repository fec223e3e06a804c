//! Console sessions against real servers: the lab and Node `ws`. Every send mode round-trips, pings get
//! their round trip, closes are explained, drops reconnect with backoff, the ring buffer drops the oldest
//! and says so, a log spills to disk beyond its window, and exports parse.

mod support;

use support::{open_session as open, received, session_config as config, wait_for};

use std::time::Duration;

use base64::Engine;
use wsdoctor_core::console::{
    Backoff, ConsoleSession, Direction, EntryKind, Heartbeat, Outgoing, SessionState,
};
use wsdoctor_core::lab::{Lab, LabConfig};

#[tokio::test]
async fn every_send_mode_round_trips() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.send(&Outgoing::Text("plain text".into())).unwrap();
    session
        .send(&Outgoing::Json {
            text: "{ \"type\" : \"hello\" }".into(),
            compact: true,
        })
        .unwrap();
    session
        .send(&Outgoing::Hex("de ad be ef 00 ff".into()))
        .unwrap();
    session.send(&Outgoing::Base64("aGVsbG8=".into())).unwrap();
    let entries = wait_for(&session, "four echoes", |e| received(e).len() == 4).await;
    let echoes = received(&entries);
    assert_eq!(echoes[0].text.as_deref(), Some("plain text"));
    assert_eq!(echoes[1].text.as_deref(), Some("{\"type\":\"hello\"}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(echoes[2].data.as_deref().unwrap())
        .unwrap();
    assert_eq!(
        bytes,
        [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff],
        "binary from hex equals the echoed bytes"
    );
    assert_eq!(echoes[3].data.as_deref(), Some("aGVsbG8="));
    let status = session.status();
    assert_eq!(
        (status.state, status.messages_out, status.messages_in),
        (SessionState::Open, 4, 4)
    );
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    assert!(session.send(&Outgoing::Hex("not hex".into())).is_err());
    assert!(
        session
            .send(&Outgoing::Json {
                text: "{".into(),
                compact: false
            })
            .is_err()
    );
    assert!(session.close(1006, "reserved").is_err());
    assert!(session.ping(&[0; 200]).is_err());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(session.status().messages_out, 0);
}

#[tokio::test]
async fn pings_get_their_round_trip_and_heartbeats_notice_silence() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.ping(b"are you there").unwrap();
    let entries = wait_for(&session, "a pong", |e| {
        e.iter().any(|e| e.kind == EntryKind::Pong)
    })
    .await;
    let pong = entries.iter().find(|e| e.kind == EntryKind::Pong).unwrap();
    assert!(
        pong.rtt_ms.is_some_and(|ms| (0.0..5000.0).contains(&ms)),
        "{pong:?}"
    );

    let mut silent = config(lab.url("/no-pong"));
    silent.heartbeat = Some(Heartbeat {
        interval: Duration::from_millis(200),
        deadline: Duration::from_millis(150),
    });
    let session = ConsoleSession::start(silent).unwrap();
    wait_for(&session, "a missed pong", |e| {
        e.iter().any(|e| {
            e.text
                .as_deref()
                .is_some_and(|t| t.starts_with("missed pong"))
        })
    })
    .await;
}

#[tokio::test]
async fn a_server_close_is_shown_with_its_code_and_meaning() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = ConsoleSession::start(config(lab.url("/close-1011"))).unwrap();
    let entries = wait_for(&session, "the close", |e| {
        e.iter().any(|e| e.kind == EntryKind::Close)
    })
    .await;
    let close = entries.iter().find(|e| e.kind == EntryKind::Close).unwrap();
    assert_eq!(close.code, Some(1011));
    assert!(close.text.as_deref().unwrap().contains("Internal error"));
    wait_for(&session, "the end", |e| {
        e.iter().any(|e| e.text.as_deref() == Some("session ended"))
    })
    .await;
}

#[tokio::test]
async fn the_user_closes_with_any_code_and_the_server_answers() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.close(4000, "done testing").unwrap();
    let entries = wait_for(&session, "both closes", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Close).count() == 2
    })
    .await;
    let mine = entries
        .iter()
        .find(|e| e.kind == EntryKind::Close && e.direction == Direction::Out)
        .unwrap();
    assert_eq!(mine.code, Some(4000));
    assert!(
        mine.text
            .as_deref()
            .unwrap()
            .contains("Application-defined")
    );
    wait_for(&session, "the end", |e| {
        e.iter().any(|e| e.text.as_deref() == Some("session ended"))
    })
    .await;
    assert_eq!(session.status().state, SessionState::Closed);
}

#[tokio::test]
async fn a_dropped_connection_reconnects_with_backoff_when_the_server_returns() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let port = lab.addr().port();
    let mut reconnecting = config(lab.url("/echo"));
    reconnecting.reconnect = Some(Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(400),
        factor: 2.0,
        max_attempts: 30,
        spread: 0.25,
    });
    let session = ConsoleSession::start(reconnecting).unwrap();
    wait_for(&session, "open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;

    lab.shutdown().await;
    drop(lab);
    wait_for(&session, "failed attempts", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Reconnect).count() >= 2
    })
    .await;
    let restarted = Lab::start(LabConfig {
        port,
        ..LabConfig::default()
    })
    .await
    .unwrap();
    wait_for(&session, "a second open", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Open).count() == 2
    })
    .await;
    session.send(&Outgoing::Text("back".into())).unwrap();
    let entries = wait_for(&session, "an echo after reconnecting", |e| {
        received(e)
            .iter()
            .any(|e| e.text.as_deref() == Some("back"))
    })
    .await;
    assert!(
        entries.iter().any(|e| e.kind == EntryKind::Error
            && e.text.as_deref().unwrap().contains("connection failed"))
    );
    drop(restarted);
}

#[tokio::test]
async fn invalid_utf8_from_a_server_is_explained() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let key = String::from_utf8_lossy(&head)
            .lines()
            .find_map(|l| {
                l.strip_prefix("sec-websocket-key: ")
                    .or_else(|| l.strip_prefix("Sec-WebSocket-Key: "))
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let _ = s.write_all(format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").as_bytes()).await;
        let _ = s.write_all(&[0x81, 0x02, 0xC3, 0x28]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let session = ConsoleSession::start(config(format!("ws://{addr}/"))).unwrap();
    let entries = wait_for(&session, "the error", |e| {
        e.iter().any(|e| e.kind == EntryKind::Error)
    })
    .await;
    let error = entries.iter().find(|e| e.kind == EntryKind::Error).unwrap();
    assert!(
        error.text.as_deref().unwrap().contains("not valid UTF-8")
            && error.text.as_deref().unwrap().contains("1007"),
        "{error:?}"
    );
}
