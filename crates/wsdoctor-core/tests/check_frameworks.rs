//! Framework targets checked at their own level, against real servers: Node `socket.io` (4, and 2 for
//! Engine.IO 3) and `graphql-ws`. A healthy server raises nothing, and each refusal is named for what it
//! is.

mod support;

use std::time::Duration;
use wsdoctor_core::assert_contains;

use support::real_servers::node;
use support::{assert_named, check_with, codes, item, root, status};
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::report::{CheckStatus, Verdict};

#[tokio::test]
async fn a_healthy_server_is_healthy_by_its_url_or_when_asked_for() {
    let server = node("socketio");
    // The Engine.IO path in the URL: detected.
    let report = check_with(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    for id in ["socketio_open", "socketio_namespace", "socketio_upgrade"] {
        assert_eq!(status(&report, id), CheckStatus::Pass, "{id}");
    }
    let open = &report
        .checks
        .iter()
        .find(|c| c.id == "socketio_open")
        .unwrap();
    assert!(
        open.evidence[0].content.contains("detected"),
        "{:?}",
        open.evidence
    );
    // The session id is a live session's key: never in the report.
    assert!(
        open.evidence
            .iter()
            .any(|e| e.content.contains(r#""sid":"[REDACTED]""#)),
        "{:?}",
        open.evidence
    );
    assert!(
        report.checks.iter().all(|c| c.id != "message"),
        "no raw WebSocket message to a Socket.IO server"
    );

    // The URL as an app gives it to io(), with --protocol socketio; the headers go with every request
    // (as `extraHeaders` do) and never into the report.
    let report = check_with(format!("http://127.0.0.1:{}/", server.port), |o| {
        o.protocol = Protocol::Socketio;
        o.headers = vec![("Authorization".into(), "Bearer sio-s3cret-token".into())];
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    let rendered = report.to_json() + &wsdoctor_core::report::markdown(&report);
    assert!(!rendered.contains("sio-s3cret-token"));
}

/// The server pings every second and drops a client that does not answer within another: a session held
/// idle for 3 s survives only if the check answers as the client does, over either transport.
#[tokio::test]
async fn a_session_held_idle_answers_the_servers_pings() {
    for (mode, url) in [
        ("socketio", "/socket.io/"),
        ("socketio-websocket-only", "/socket.io/"),
    ] {
        let server = node(mode);
        let report = check_with(format!("ws://127.0.0.1:{}{url}", server.port), |o| {
            o.idle = Some(Duration::from_secs(3));
        })
        .await;
        assert_eq!(
            report.verdict,
            Verdict::Healthy,
            "{mode}: {:#?}",
            report.checks
        );
        let idle = item(&report, "idle");
        assert_eq!(idle.status, CheckStatus::Pass, "{mode}: {idle:#?}");
        let answered: u32 = idle
            .summary
            .split_once('(')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(answered >= 2, "{mode}: {}", idle.summary);
    }
}

/// A server with its own `path`: the URL as given to `io()` plus the path option, as the client takes them.
#[tokio::test]
async fn a_custom_socketio_path_is_where_the_session_opens() {
    let server = node("socketio-custom-path");
    let url = format!("http://127.0.0.1:{}/admin", server.port);
    let report = check_with(url.clone(), |o| {
        o.socketio_path = Some("/realtime/".into());
        o.auth = Some(wsdoctor_core::profile::Sensitive::new(
            r#"{"token":"admin-token"}"#.to_string(),
        ));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert!(
        item(&report, "socketio_namespace")
            .summary
            .contains("/admin"),
        "{:#?}",
        report.checks
    );
    // Without it, the default /socket.io/ answers 404: no Socket.IO server there.
    let report = check_with(url, |o| o.protocol = Protocol::Socketio).await;
    assert_eq!(root(&report), "socketio.no_server", "{:#?}", report.checks);
}

#[tokio::test]
async fn a_namespace_that_does_not_exist_and_a_refusing_middleware_are_told_apart() {
    let server = node("socketio");
    let ask = |path: &str| {
        let url = format!("http://127.0.0.1:{}{path}", server.port);
        check_with(url, |o| o.protocol = Protocol::Socketio)
    };
    let report = ask("/nope").await;
    assert_eq!(
        root(&report),
        "socketio.namespace_invalid",
        "{:#?}",
        report.checks
    );
    let report = ask("/admin").await;
    assert_eq!(
        root(&report),
        "socketio.connect_rejected",
        "{:#?}",
        report.checks
    );
    let evidence = &report.diagnoses[0].evidence[0].content;
    assert!(
        evidence.contains("not authorized: a token is required"),
        "{evidence}"
    );

    // The fix the cause names: the auth payload the middleware expects. It is a secret.
    let report = check_with(format!("http://127.0.0.1:{}/admin", server.port), |o| {
        o.protocol = Protocol::Socketio;
        o.auth = Some(wsdoctor_core::profile::Sensitive::new(
            r#"{"token":"admin-token"}"#.into(),
        ));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert!(!report.to_json().contains("admin-token"));
}

#[tokio::test]
async fn a_polling_only_server_keeps_clients_on_long_polling() {
    let server = node("socketio-polling-only");
    let report = check_with(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
    assert_eq!(
        codes(&report),
        ["socketio.transport_blocked"],
        "{:#?}",
        report.checks
    );
    assert_eq!(report.verdict, Verdict::Degraded);
    assert_eq!(status(&report, "socketio_namespace"), CheckStatus::Pass);
}

#[tokio::test]
async fn a_websocket_only_server_is_spoken_to_over_websocket_from_the_start() {
    let server = node("socketio-websocket-only");
    let report = check_with(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "socketio_namespace"), CheckStatus::Pass);
    assert_eq!(status(&report, "socketio_upgrade"), CheckStatus::Info);
    let report = check_with(format!("ws://127.0.0.1:{}/nope", server.port), |o| {
        o.protocol = Protocol::Socketio
    })
    .await;
    assert_eq!(
        root(&report),
        "socketio.namespace_invalid",
        "{:#?}",
        report.checks
    );
}

/// A URL that asks for the WebSocket transport only is spoken to as the client with
/// `transports: ['websocket']` does: no polling request at all.
#[tokio::test]
async fn a_websocket_only_url_skips_polling() {
    let server = node("socketio-polling-only");
    // This server refuses the WebSocket transport: asked for it alone, there is no session, and polling
    // (asked only then, to tell why) shows Socket.IO is there: the transport is what is blocked.
    let url = |port: u16| format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let report = check_with(url(server.port), |_| {}).await;
    assert_eq!(
        root(&report),
        "socketio.transport_blocked",
        "{:#?}",
        report.checks
    );
    assert_named(
        &report,
        "socketio.transport_blocked",
        "pins the WebSocket transport",
    );
    let healthy = node("socketio");
    let report = check_with(url(healthy.port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    let open = item(&report, "socketio_open");
    assert_contains!(open.summary, "asks for the WebSocket transport only");
    assert!(
        open.evidence.iter().all(|e| e.label != "Request"),
        "{:?}",
        open.evidence
    );
    assert_eq!(status(&report, "socketio_upgrade"), CheckStatus::Info);
}

#[tokio::test]
async fn a_page_on_an_origin_the_server_does_not_allow_is_named() {
    let server = node("socketio-cors");
    let url = format!("ws://127.0.0.1:{}/socket.io/", server.port);
    let report = check_with(url.clone(), |o| {
        o.page_url = Some("http://evil.example/app".into())
    })
    .await;
    assert_eq!(
        root(&report),
        "socketio.cors_blocked",
        "{:#?}",
        report.checks
    );
    let evidence = &report.diagnoses[0].evidence[0].content;
    assert!(evidence.contains("https://app.example.test"), "{evidence}");
    let report = check_with(url, |o| o.origin = Some("https://app.example.test".into())).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

#[tokio::test]
async fn an_old_socketio_server_is_named() {
    let old = node("socketio-v2");
    let report = check_with(format!("ws://127.0.0.1:{}/socket.io/", old.port), |_| {}).await;
    assert_eq!(
        root(&report),
        "socketio.version_mismatch",
        "{:#?}",
        report.checks
    );
    assert_eq!(status(&report, "socketio_namespace"), CheckStatus::Skip);

    // A Socket.IO 2 client (its URL asks for EIO=3) is spoken for in Engine.IO 3: healthy at the old
    // server, refused by a Socket.IO 4 server unless it allows EIO 3.
    let eio3 = |port: u16, path: &str| format!("ws://127.0.0.1:{port}{path}?EIO=3");
    let report = check_with(eio3(old.port, "/socket.io/"), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "socketio_upgrade"), CheckStatus::Pass);
    let current = node("socketio");
    let report = check_with(eio3(current.port, "/socket.io/"), |_| {}).await;
    assert_named(&report, "socketio.version_mismatch", "refused Engine.IO 3");
    let allowing = node("socketio-eio3");
    let report = check_with(eio3(allowing.port, "/socket.io/"), |o| {
        o.idle = Some(Duration::from_secs(3));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    // The client pings in Engine.IO 3: a server that pings every second keeps the session.
    assert_eq!(
        status(&report, "idle"),
        CheckStatus::Pass,
        "{:#?}",
        report.checks
    );
    // The namespace's auth goes in its query, and the middleware reads it as `auth`.
    let url = format!("http://127.0.0.1:{}/admin?EIO=3", allowing.port);
    let with_token = |token: &str| {
        Some(wsdoctor_core::profile::Sensitive::new(format!(
            r#"{{"token":"{token}"}}"#
        )))
    };
    let report = check_with(url.clone(), |o| {
        o.protocol = Protocol::Socketio;
        o.auth = with_token("admin-token");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    let report = check_with(url, |o| {
        o.protocol = Protocol::Socketio;
        o.auth = with_token("wrong");
    })
    .await;
    assert_named(&report, "socketio.connect_rejected", "not authorized");
}

/// An Engine.IO server without Socket.IO on top opens sessions but never answers a namespace CONNECT.
#[tokio::test]
async fn an_engineio_server_without_socketio_is_told_apart() {
    let bare = node("engineio");
    let report = check_with(format!("ws://127.0.0.1:{}/engine.io/", bare.port), |o| {
        o.protocol = Protocol::Socketio;
        o.socketio_path = Some("/engine.io/".into());
    })
    .await;
    assert_eq!(status(&report, "socketio_open"), CheckStatus::Pass);
    assert_named(
        &report,
        "socketio.connect_failed",
        "no answer to the CONNECT",
    );
}

/// A plain WebSocket server is not taken for the framework asked for.
#[tokio::test]
async fn a_plain_websocket_server_is_no_framework_server() {
    let plain = node("echo");
    for (protocol, code) in [
        (Protocol::Socketio, "socketio.no_server"),
        (Protocol::Sockjs, "sockjs.no_server"),
        // The echo sends CONNECT back instead of CONNECTED.
        (Protocol::Stomp, "stomp.no_connected"),
    ] {
        let report = check_with(format!("ws://127.0.0.1:{}/", plain.port), |o| {
            o.protocol = protocol
        })
        .await;
        assert_eq!(root(&report), code, "{:#?}", report.checks);
    }
}

// --- GraphQL over WebSocket (a real graphql-ws server) -------------------------------------------------

/// The WebSocket transport a URL pins (`?EIO=…&transport=websocket`, socket.io-client's
/// `transports: ['websocket']`) gets nothing: polling on the same path tells why, and the cause is named
/// rather than "no Socket.IO server".
#[tokio::test]
async fn a_pinned_websocket_transport_that_fails_is_explained_by_polling() {
    use support::nginx::start_nginx_server;
    let current = node("socketio");
    let pinned = |port: u16, eio: u8| {
        format!("ws://127.0.0.1:{port}/socket.io/?EIO={eio}&transport=websocket")
    };
    // An Engine.IO 3 client (Socket.IO 2) against a Socket.IO 4 server.
    let report = check_with(pinned(current.port, 3), |_| {}).await;
    assert_eq!(
        root(&report),
        "socketio.version_mismatch",
        "{:#?}",
        report.diagnoses
    );
    assert_named(
        &report,
        "socketio.version_mismatch",
        "Unsupported protocol version",
    );

    // nginx in front, without the upgrade headers: polling passes, the WebSocket transport does not.
    let nginx = start_nginx_server(|_| {
        format!(
            "        location / {{ proxy_pass http://127.0.0.1:{}; proxy_http_version 1.1; }}",
            current.port
        )
    });
    let report = check_with(pinned(nginx.port, 4), |_| {}).await;
    assert_eq!(
        codes(&report)[..2],
        ["proxy.upgrade_stripped", "socketio.transport_blocked"],
        "{:#?}",
        report.diagnoses
    );
    assert_eq!(
        report.diagnoses[1].explained_by.as_deref(),
        Some("proxy.upgrade_stripped")
    );

    // Nothing of Socket.IO at all (a plain WebSocket echo): polling fails too.
    let plain = node("echo");
    let report = check_with(pinned(plain.port, 4), |_| {}).await;
    assert_eq!(
        root(&report),
        "socketio.no_server",
        "{:#?}",
        report.diagnoses
    );
}
