//! Framework targets checked at their own level, against real servers: Node `socket.io` (4, and 2 for
//! Engine.IO 3) and `graphql-ws`. A healthy server raises nothing, and each refusal is named for what it
//! is.

mod support;

use std::time::Duration;

use support::nginx::{UPGRADE, preamble, start_nginx_with};
use support::real_servers::{node, python};
use support::{assert_named, assert_named_anywhere, codes, item, options, root, run};
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::report::{CheckStatus, Report, Verdict};

async fn check(url: String, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let mut options = CheckOptions {
        handshake_timeout: Duration::from_secs(3),
        reply_timeout: Duration::from_secs(1),
        ..options(url)
    };
    adjust(&mut options);
    run(&options, Duration::from_secs(30)).await
}

fn status(report: &Report, id: &str) -> CheckStatus {
    item(report, id).status
}

#[tokio::test]
async fn a_healthy_server_is_healthy_by_its_url_or_when_asked_for() {
    let server = node("socketio");
    // The Engine.IO path in the URL: detected.
    let report = check(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
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
    let report = check(format!("http://127.0.0.1:{}/", server.port), |o| {
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
        let report = check(format!("ws://127.0.0.1:{}{url}", server.port), |o| {
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
    let report = check(url.clone(), |o| {
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
    let report = check(url, |o| o.protocol = Protocol::Socketio).await;
    assert_eq!(root(&report), "socketio.no_server", "{:#?}", report.checks);
}

#[tokio::test]
async fn a_namespace_that_does_not_exist_and_a_refusing_middleware_are_told_apart() {
    let server = node("socketio");
    let ask = |path: &str| {
        let url = format!("http://127.0.0.1:{}{path}", server.port);
        check(url, |o| o.protocol = Protocol::Socketio)
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
    let report = check(format!("http://127.0.0.1:{}/admin", server.port), |o| {
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
    let report = check(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
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
    let report = check(format!("ws://127.0.0.1:{}/socket.io/", server.port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "socketio_namespace"), CheckStatus::Pass);
    assert_eq!(status(&report, "socketio_upgrade"), CheckStatus::Info);
    let report = check(format!("ws://127.0.0.1:{}/nope", server.port), |o| {
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
    // This server refuses the WebSocket transport: asked for it alone, there is no session.
    let url = |port: u16| format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let report = check(url(server.port), |_| {}).await;
    assert_eq!(root(&report), "socketio.no_server", "{:#?}", report.checks);
    let healthy = node("socketio");
    let report = check(url(healthy.port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    let open = item(&report, "socketio_open");
    assert!(
        open.summary
            .contains("asks for the WebSocket transport only"),
        "{}",
        open.summary
    );
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
    let report = check(url.clone(), |o| {
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
    let report = check(url, |o| o.origin = Some("https://app.example.test".into())).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

#[tokio::test]
async fn an_old_socketio_server_is_named() {
    let old = node("socketio-v2");
    let report = check(format!("ws://127.0.0.1:{}/socket.io/", old.port), |_| {}).await;
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
    let report = check(eio3(old.port, "/socket.io/"), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "socketio_upgrade"), CheckStatus::Pass);
    let current = node("socketio");
    let report = check(eio3(current.port, "/socket.io/"), |_| {}).await;
    assert_named(&report, "socketio.version_mismatch", "refused Engine.IO 3");
    let allowing = node("socketio-eio3");
    let report = check(eio3(allowing.port, "/socket.io/"), |o| {
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
    let report = check(url.clone(), |o| {
        o.protocol = Protocol::Socketio;
        o.auth = with_token("admin-token");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    let report = check(url, |o| {
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
    let report = check(format!("ws://127.0.0.1:{}/engine.io/", bare.port), |o| {
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
        let report = check(format!("ws://127.0.0.1:{}/", plain.port), |o| {
            o.protocol = protocol
        })
        .await;
        assert_eq!(root(&report), code, "{:#?}", report.checks);
    }
}

// --- GraphQL over WebSocket (a real graphql-ws server) -------------------------------------------------

#[tokio::test]
async fn graphql_connection_init_is_acknowledged_refused_or_never_answered() {
    let server = node("graphql");
    let url = format!("ws://127.0.0.1:{}/graphql", server.port);
    let auth = |token: &str| {
        Some(wsdoctor_core::profile::Sensitive::new(format!(
            r#"{{"token":"{token}"}}"#
        )))
    };
    // Detected from the offered subprotocol; the payload carries the token onConnect checks.
    let report = check(url.clone(), |o| {
        o.subprotocols = vec!["graphql-transport-ws".into()];
        o.auth = auth("gql-token");
        o.idle = Some(Duration::from_secs(1));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "graphql_init"), CheckStatus::Pass);
    assert_eq!(status(&report, "idle"), CheckStatus::Pass);
    assert!(!report.to_json().contains("gql-token"));

    // Asked for by name, without the token: onConnect refuses (4403), and there is no session to hold.
    let report = check(url.clone(), |o| {
        o.protocol = Protocol::GraphqlWs;
        o.idle = Some(Duration::from_secs(1));
    })
    .await;
    assert_eq!(status(&report, "idle"), CheckStatus::Skip);
    assert_named(&report, "graphql.connection_rejected", "4403");

    // A legacy client (subprotocol graphql-ws) at a current server.
    let report = check(url, |o| {
        o.subprotocols = vec!["graphql-ws".into()];
        o.auth = auth("gql-token");
    })
    .await;
    assert!(
        codes(&report).contains(&"graphql.protocol_mismatch"),
        "{:#?}",
        report.diagnoses
    );

    // A legacy server (subscriptions-transport-ws): a current client is turned away, a legacy one served.
    let legacy = node("graphql-legacy");
    let legacy_url = format!("ws://127.0.0.1:{}/graphql", legacy.port);
    let report = check(legacy_url.clone(), |o| o.protocol = Protocol::GraphqlWs).await;
    assert_named(&report, "graphql.protocol_mismatch", "1002");
    let report = check(legacy_url, |o| o.subprotocols = vec!["graphql-ws".into()]).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);

    let hanging = node("graphql-hang");
    let report = check(format!("ws://127.0.0.1:{}/", hanging.port), |o| {
        o.protocol = Protocol::GraphqlWs;
        o.handshake_timeout = Duration::from_millis(800);
    })
    .await;
    assert_eq!(
        root(&report),
        "graphql.init_timeout",
        "{:#?}",
        report.checks
    );
}

// --- SockJS (a real Node sockjs server) -------------------------------------------------------------------

#[tokio::test]
async fn sockjs_is_read_then_its_raw_endpoint_checked_and_a_plain_client_is_told_what_it_met() {
    let server = node("sockjs");
    let report = check(format!("ws://127.0.0.1:{}/echo", server.port), |o| {
        o.protocol = Protocol::Sockjs
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "sockjs_info"), CheckStatus::Pass);
    assert_eq!(
        status(&report, "message"),
        CheckStatus::Pass,
        "the raw endpoint echoes"
    );

    // A session's transport URL as DevTools shows it: detected, and the prefix's /info read.
    let report = check(
        format!("ws://127.0.0.1:{}/echo/123/ab3Xy9/websocket", server.port),
        |_| {},
    )
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert!(
        item(&report, "sockjs_info").evidence[0]
            .content
            .contains("session's WebSocket transport"),
        "{:#?}",
        report.checks
    );

    // A plain WebSocket client at the prefix: refused, and the follow-up says it is SockJS.
    let report = check(format!("ws://127.0.0.1:{}/echo", server.port), |_| {}).await;
    assert!(
        codes(&report).contains(&"sockjs.detected"),
        "{:#?}",
        report.diagnoses
    );

    let disabled = node("sockjs-no-websocket");
    let report = check(format!("ws://127.0.0.1:{}/echo", disabled.port), |o| {
        o.protocol = Protocol::Sockjs
    })
    .await;
    assert_eq!(
        codes(&report),
        ["sockjs.websocket_disabled"],
        "{:#?}",
        report.checks
    );
    assert_eq!(report.verdict, Verdict::Degraded);
}

// --- STOMP over WebSocket (a real broker: RabbitMQ with Web-STOMP) ----------------------------------------

#[tokio::test]
async fn stomp_connect_is_answered_or_refused() {
    let broker = support::real_servers::rabbitmq();
    let url = format!("ws://127.0.0.1:{}/ws", broker.port);
    let login = |passcode: &str| {
        Some(wsdoctor_core::profile::Sensitive::new(format!(
            r#"{{"login":"guest","passcode":"{passcode}"}}"#
        )))
    };
    let report = check(url.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "stomp_connect"), CheckStatus::Pass);

    // Detected from the offered subprotocol; the wrong passcode is refused with an ERROR frame.
    let report = check(url.clone(), |o| {
        o.subprotocols = vec!["v12.stomp".into()];
        o.auth = login("not-the-passcode");
    })
    .await;
    assert_named(&report, "stomp.connect_rejected", "Access refused");
    assert!(!report.to_json().contains("not-the-passcode"));

    // A gateway that takes only clients offering a STOMP subprotocol: a client that offers none is
    // refused, and told why.
    let gateway = support::real_servers::python(&format!("stomp-gateway:{}", broker.stomp_port));
    let through_gateway = format!("ws://127.0.0.1:{}/stomp", gateway.port);
    let report = check(through_gateway.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
    })
    .await;
    assert_named_anywhere(&report, "stomp.no_subprotocol", "HTTP 101");
    let report = check(through_gateway, |o| {
        o.subprotocols = vec!["v12.stomp".into()];
        o.auth = login("guest");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);

    // STOMP inside SockJS (Spring's withSockJS()): the URL as `new SockJS(url)` takes it; the frames go in
    // SockJS's framing over a session's WebSocket transport, through to the broker.
    let relay = node(&format!("sockjs-stomp:{}", broker.stomp_port));
    let sockjs_url = format!("http://127.0.0.1:{}/stomp", relay.port);
    let report = check(sockjs_url.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
        o.idle = Some(Duration::from_secs(1));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    for id in ["sockjs_info", "handshake", "stomp_connect", "idle"] {
        assert_eq!(status(&report, id), CheckStatus::Pass, "{id}");
    }
    assert!(
        item(&report, "stomp_connect").evidence[0]
            .content
            .contains("inside SockJS"),
        "{:#?}",
        report.checks
    );
    let report = check(sockjs_url, |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("not-the-passcode");
    })
    .await;
    assert_eq!(
        root(&report),
        "stomp.connect_rejected",
        "{:#?}",
        report.checks
    );

    // Held idle: RabbitMQ keeps the agreed heart-beats (every 10 s), so 2 s of silence is nothing.
    let report = check(url.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
        o.idle = Some(Duration::from_secs(2));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "idle"), CheckStatus::Pass);

    // Behind nginx with a 2 s proxy_read_timeout, 10 s heart-beats do not keep the connection open.
    let nginx = start_nginx_with(|prefix, port, _| {
        format!(
            r#"{}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://127.0.0.1:{broker}; proxy_read_timeout 2s; {UPGRADE} }}
    }}
}}
"#,
            preamble(prefix),
            broker = broker.port,
        )
    });
    let report = check(format!("ws://127.0.0.1:{}/ws", nginx.port), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
        o.idle = Some(Duration::from_secs(4));
    })
    .await;
    assert_eq!(
        status(&report, "idle"),
        CheckStatus::Fail,
        "{:#?}",
        report.checks
    );
    assert!(
        codes(&report).contains(&"stomp.heartbeat_missing")
            && codes(&report).contains(&"idle.timeout"),
        "{:#?}",
        report.diagnoses
    );
}

// --- Phoenix, ActionCable, SignalR: recognised, their first exchange read ---------------------------------

/// Their servers cannot be installed here (Hex, a Rails app, .NET): `py_server.py` stands in with the first
/// exchange each documents, which is all WS Doctor speaks of them.
#[tokio::test]
async fn phoenix_actioncable_and_signalr_are_recognised_and_their_refusals_named() {
    for (mode, path, code, status) in [
        (
            "phoenix",
            "/socket/websocket?vsn=2.0.0",
            "phoenix.detected",
            CheckStatus::Info,
        ),
        (
            "phoenix-refuse",
            "/socket/websocket?vsn=2.0.0",
            "phoenix.refused",
            CheckStatus::Fail,
        ),
        (
            "actioncable",
            "/cable",
            "actioncable.detected",
            CheckStatus::Info,
        ),
        // Recognised from its first message, whatever the path.
        (
            "actioncable",
            "/updates",
            "actioncable.detected",
            CheckStatus::Info,
        ),
        (
            "actioncable-reject",
            "/cable",
            "actioncable.rejected",
            CheckStatus::Fail,
        ),
        ("signalr", "/chatHub", "signalr.detected", CheckStatus::Info),
        (
            "signalr-refuse",
            "/hubs/chat",
            "signalr.handshake_rejected",
            CheckStatus::Fail,
        ),
    ] {
        let server = python(mode);
        let report = check(format!("ws://127.0.0.1:{}{path}", server.port), |_| {}).await;
        assert_eq!(root(&report), code, "{mode} {path}: {:#?}", report.checks);
        // Anything else is the refusal's consequence (the close that follows it).
        assert!(
            report.diagnoses[1..]
                .iter()
                .all(|d| d.explained_by.as_deref() == Some(code)),
            "{mode}: {:#?}",
            report.diagnoses
        );
        let framework = item(&report, "framework");
        assert_eq!(framework.status, status, "{mode}: {framework:#?}");
        let healthy = status == CheckStatus::Info;
        assert_eq!(report.verdict == Verdict::Healthy, healthy, "{mode}");
        if healthy {
            // The framework's own first message was answered, so the test message passes too.
            assert_eq!(item(&report, "message").status, CheckStatus::Pass, "{mode}");
        }
    }
    // A message the user wrote is sent as written.
    let server = python("phoenix");
    let report = check(
        format!("ws://127.0.0.1:{}/socket/websocket?vsn=2.0.0", server.port),
        |o| o.message = r#"[null,"7","phoenix","heartbeat",{}]"#.into(),
    )
    .await;
    assert!(
        item(&report, "message").summary.contains(r#""7""#),
        "{:#?}",
        report.checks
    );
}
