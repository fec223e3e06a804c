//! The check against other people's servers: Python `websockets` and Node `ws`, each started by the test
//! in the configuration that shows one cause (tests/servers/). A healthy server raises no alarm.
//! The Makefile installs both (`make deps`: a venv in target/py, and tests/servers/node_modules).

mod support;

use support::real_servers::{node, python};
use support::{Spawned, codes, console_config, options, root, run, wait_open};

use std::time::Duration;

use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::report::{Report, Verdict};

type Server = Spawned;

async fn check(server: &Server, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let mut options = CheckOptions {
        handshake_timeout: Duration::from_secs(3),
        reply_timeout: Duration::from_millis(800),
        close_timeout: Duration::from_millis(800),
        ..options(format!("ws://127.0.0.1:{}/", server.port))
    };
    adjust(&mut options);
    run(&options, Duration::from_secs(30)).await
}

fn assert_healthy(report: &Report) {
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

#[tokio::test]
async fn python_websockets() {
    let echo = python("echo");
    assert_healthy(&check(&echo, |_| {}).await);

    let origins = python("origins");
    let report = check(&origins, |o| o.origin = Some("https://evil.example".into())).await;
    assert_eq!(
        root(&report),
        "handshake.origin_rejected",
        "{:#?}",
        report.diagnoses
    );
    assert_healthy(
        &check(&origins, |o| {
            o.origin = Some("https://app.example.test".into())
        })
        .await,
    );

    let subprotocol = python("subprotocol");
    assert_eq!(
        root(&check(&subprotocol, |_| {}).await),
        "subprotocol.required"
    );
    assert_healthy(&check(&subprotocol, |o| o.subprotocols = vec!["chat.v2".into()]).await);

    // Python's client would accept this; every browser fails it.
    let ignoring = python("ignore-protocol");
    let report = check(&ignoring, |o| o.subprotocols = vec!["chat.v2".into()]).await;
    assert_eq!(root(&report), "subprotocol.not_negotiated");
    assert_eq!(report.verdict, Verdict::Degraded);

    let small = python("max-size");
    assert_eq!(
        root(&check(&small, |o| o.probe_size = Some(100)).await),
        "message.too_big"
    );
}

#[tokio::test]
async fn node_ws() {
    let echo = node("echo");
    let report = check(&echo, |o| o.probe_size = Some(1 << 20)).await;
    assert_healthy(&report);

    let origin = node("origin");
    assert_healthy(
        &check(&origin, |o| {
            o.origin = Some("https://app.example.test".into())
        })
        .await,
    );
    let report = check(&origin, |o| o.origin = Some("https://evil.example".into())).await;
    assert_eq!(
        root(&report),
        "handshake.auth_required",
        "ws answers 401 for a refused origin"
    );
    assert!(report.diagnoses[0].explanation.contains("verifyClient"));

    let ignoring = node("ignore-protocol");
    assert_eq!(
        root(&check(&ignoring, |o| o.subprotocols = vec!["chat.v2".into()]).await),
        "subprotocol.not_negotiated"
    );

    let small = node("max-payload");
    assert_eq!(
        root(&check(&small, |o| o.probe_size = Some(100)).await),
        "message.too_big"
    );
}

#[tokio::test]
async fn socket_io() {
    let server = node("socketio");
    // A plain WebSocket client at the root: engine.io drops the upgrade; the polling probe tells why.
    let report = check(&server, |o| o.handshake_timeout = Duration::from_secs(2)).await;
    assert!(
        codes(&report).contains(&"socketio.detected"),
        "{:#?}",
        report.diagnoses
    );
    let evidence = &report
        .diagnoses
        .iter()
        .find(|d| d.code == "socketio.detected")
        .unwrap()
        .evidence[0]
        .content;
    assert!(evidence.contains("\"sid\""), "{evidence}");

    // The Engine.IO WebSocket transport itself, checked as plain WebSocket (`--protocol websocket`; by
    // default such a URL is spoken to in Socket.IO, see check_socketio.rs): the first frame is the open
    // packet.
    let report = check(&server, |o| {
        o.url = format!(
            "ws://127.0.0.1:{}/socket.io/?EIO=4&transport=websocket",
            server.port
        );
        o.protocol = wsdoctor_core::framework::Protocol::Websocket;
    })
    .await;
    assert_eq!(
        root(&report),
        "socketio.detected",
        "{:#?}",
        report.diagnoses
    );
    assert_eq!(report.verdict, Verdict::Degraded);
}

/// The console against Node ws and Python websockets: every send mode round-trips, and a server's
/// size limit shows as its close code.
#[tokio::test]
async fn console_sessions_against_node_and_python() {
    use wsdoctor_core::console::{
        ConsoleSession, Direction, EntryKind, Limits, Outgoing, SessionConfig,
    };
    for server in [node("echo"), python("echo")] {
        let session = ConsoleSession::start(console_config(CheckOptions {
            url: format!("ws://127.0.0.1:{}/", server.port),
            use_env_proxy: false,
            ..CheckOptions::default()
        }))
        .unwrap();
        wait_open(&session).await;
        session.send(&Outgoing::Text("text".into())).unwrap();
        session
            .send(&Outgoing::Json {
                text: "[1, 2]".into(),
                compact: true,
            })
            .unwrap();
        session.send(&Outgoing::Hex("0102".into())).unwrap();
        session.send(&Outgoing::Base64("AwQ=".into())).unwrap();
        session.ping(b"p").unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let entries = session.entries_after(0, usize::MAX);
            let echoes: Vec<_> = entries
                .iter()
                .filter(|e| {
                    e.direction == Direction::In
                        && matches!(e.kind, EntryKind::Text | EntryKind::Binary)
                })
                .map(|e| e.text.clone().or(e.data.clone()).unwrap())
                .collect();
            if echoes.len() == 4
                && entries
                    .iter()
                    .any(|e| e.kind == EntryKind::Pong && e.rtt_ms.is_some())
            {
                assert_eq!(echoes, ["text", "[1,2]", "AQI=", "AwQ="]);
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{entries:#?}");
            let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
        }
    }
    let small = python("max-size");
    let session = ConsoleSession::start(SessionConfig {
        target: CheckOptions {
            url: format!("ws://127.0.0.1:{}/", small.port),
            use_env_proxy: false,
            ..CheckOptions::default()
        },
        heartbeat: None,
        reconnect: None,
        limits: Limits::default(),
        spill_dir: None,
        follower: None,
        namespace: None,
        variables: Vec::new(),
    })
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while session.status().state != wsdoctor_core::console::SessionState::Open {
        assert!(tokio::time::Instant::now() < deadline);
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    }
    session.send(&Outgoing::Text("x".repeat(100))).unwrap();
    loop {
        let entries = session.entries_after(0, usize::MAX);
        if let Some(close) = entries.iter().find(|e| e.kind == EntryKind::Close) {
            assert_eq!(close.code, Some(1009));
            assert!(close.text.as_deref().unwrap().contains("Message too big"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline + Duration::from_secs(5),
            "{entries:#?}"
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    }
}
