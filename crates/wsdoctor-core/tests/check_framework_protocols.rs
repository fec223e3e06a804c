//! Framework targets other than Socket.IO checked at their own level, against real servers: `graphql-ws`
//! and the legacy subscriptions-transport-ws, Node `sockjs`, RabbitMQ's Web-STOMP, and Phoenix, ActionCable
//! and SignalR recognised. A healthy server raises nothing, and each refusal is named for what it is.

mod support;

use std::time::Duration;

use support::nginx::{UPGRADE, start_nginx_server};
use support::real_servers::{node, python};
use support::{assert_named, assert_named_anywhere, check_with, codes, item, root, status};
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::report::{CheckStatus, Verdict};

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
    let report = check_with(url.clone(), |o| {
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
    let report = check_with(url.clone(), |o| {
        o.protocol = Protocol::GraphqlWs;
        o.idle = Some(Duration::from_secs(1));
    })
    .await;
    assert_eq!(status(&report, "idle"), CheckStatus::Skip);
    assert_named(&report, "graphql.connection_rejected", "4403");

    // A legacy client (subprotocol graphql-ws) at a current server.
    let report = check_with(url, |o| {
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
    let report = check_with(legacy_url.clone(), |o| o.protocol = Protocol::GraphqlWs).await;
    assert_named(&report, "graphql.protocol_mismatch", "1002");
    let report = check_with(legacy_url, |o| o.subprotocols = vec!["graphql-ws".into()]).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);

    let hanging = node("graphql-hang");
    let report = check_with(format!("ws://127.0.0.1:{}/", hanging.port), |o| {
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
    let report = check_with(format!("ws://127.0.0.1:{}/echo", server.port), |o| {
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
    let report = check_with(
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
    let report = check_with(format!("ws://127.0.0.1:{}/echo", server.port), |_| {}).await;
    assert!(
        codes(&report).contains(&"sockjs.detected"),
        "{:#?}",
        report.diagnoses
    );

    let disabled = node("sockjs-no-websocket");
    let report = check_with(format!("ws://127.0.0.1:{}/echo", disabled.port), |o| {
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
    let report = check_with(url.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "stomp_connect"), CheckStatus::Pass);

    // Detected from the offered subprotocol; the wrong passcode is refused with an ERROR frame.
    let report = check_with(url.clone(), |o| {
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
    let report = check_with(through_gateway.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
    })
    .await;
    assert_named_anywhere(&report, "stomp.no_subprotocol", "HTTP 101");
    let report = check_with(through_gateway, |o| {
        o.subprotocols = vec!["v12.stomp".into()];
        o.auth = login("guest");
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);

    // STOMP inside SockJS (Spring's withSockJS()): the URL as `new SockJS(url)` takes it; the frames go in
    // SockJS's framing over a session's WebSocket transport, through to the broker.
    let relay = node(&format!("sockjs-stomp:{}", broker.stomp_port));
    let sockjs_url = format!("http://127.0.0.1:{}/stomp", relay.port);
    let report = check_with(sockjs_url.clone(), |o| {
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
    let report = check_with(sockjs_url, |o| {
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
    let report = check_with(url.clone(), |o| {
        o.protocol = Protocol::Stomp;
        o.auth = login("guest");
        o.idle = Some(Duration::from_secs(2));
    })
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
    assert_eq!(status(&report, "idle"), CheckStatus::Pass);

    // Behind nginx with a 2 s proxy_read_timeout, 10 s heart-beats do not keep the connection open.
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        location / {{ proxy_pass http://127.0.0.1:{broker}; proxy_read_timeout 2s; {UPGRADE} }}
"#,
            broker = broker.port
        )
    });
    let report = check_with(format!("ws://127.0.0.1:{}/ws", nginx.port), |o| {
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
        let report = check_with(format!("ws://127.0.0.1:{}{path}", server.port), |_| {}).await;
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
    let report = check_with(
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
