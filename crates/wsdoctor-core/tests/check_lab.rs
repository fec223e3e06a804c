//! `run_check` against the built-in lab: each broken endpoint is named by its catalog code, each healthy
//! target ends with no error and verdict `healthy`, and no secret reaches any rendering of the report.

mod support;

use support::{codes, options, root, run};
use wsdoctor_core::assert_contains;

use std::time::Duration;

use wsdoctor_core::catalog::Severity;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::{self, CheckStatus, Report, Verdict};

const TEST_LIMIT: Duration = Duration::from_secs(30);

async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

async fn check(options: CheckOptions) -> Report {
    run(&options, TEST_LIMIT).await
}

fn assert_healthy(report: &Report) {
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(
        report
            .diagnoses
            .iter()
            .all(|d| d.severity == Severity::Info),
        "{:?}",
        codes(report)
    );
    for check in &report.checks {
        assert!(
            matches!(check.status, CheckStatus::Pass | CheckStatus::Info),
            "{} is {:?}: {}",
            check.id,
            check.status,
            check.summary
        );
    }
}

#[tokio::test]
async fn the_healthy_echo_is_healthy_with_every_check_passing() {
    let lab = lab().await;
    let report = check(options(lab.url("/echo"))).await;
    assert_healthy(&report);
    let ids: Vec<_> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "url",
            "dns",
            "tcp",
            "tls",
            "handshake",
            "origin",
            "subprotocol",
            "message",
            "ping",
            "framework",
            "close"
        ]
    );
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
}

#[tokio::test]
async fn healthy_targets_with_what_they_require_raise_no_alarm() {
    let lab = lab().await;
    let mut auth = options(lab.url("/auth"));
    auth.headers
        .push(("Authorization".into(), "Bearer lab-token".into()));
    assert_healthy(&check(auth).await);

    let mut origin = options(lab.url("/origin"));
    origin.origin = Some(format!("http://{}", lab.addr()));
    assert_healthy(&check(origin).await);

    let mut subprotocol = options(lab.url("/subprotocol"));
    subprotocol.subprotocols = vec!["lab.v1".into()];
    let report = check(subprotocol).await;
    assert_healthy(&report);
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "subprotocol" && c.summary.contains("lab.v1"))
    );

    let mut tls = options(lab.tls_url("/echo"));
    let ca = std::env::temp_dir().join(format!("wsdoctor-lab-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    tls.ca_file = Some(ca.clone());
    let report = check(tls).await;
    std::fs::remove_file(&ca).unwrap();
    assert_healthy(&report);
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "tls" && c.summary.contains("trusted"))
    );

    let mut sized = options(lab.url("/echo"));
    sized.probe_size = Some(256 * 1024);
    sized.idle = Some(Duration::from_secs(1));
    assert_healthy(&check(sized).await);
}

async fn expect_root(lab_path: &str, code: &str, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let lab = lab().await;
    let mut options = options(lab.url(lab_path));
    adjust(&mut options);
    let report = check(options).await;
    assert_eq!(root(&report), code, "{lab_path}: {:#?}", report.diagnoses);
    assert_eq!(report.verdict, Verdict::Broken);
    report
}

#[tokio::test]
async fn close_1011_is_a_server_error() {
    let report = expect_root("/close-1011", "close.server_error", |_| {}).await;
    assert!(report.diagnoses[0].evidence[0].content.contains("1011"));
}

#[tokio::test]
async fn no_pong_is_named_and_the_unanswered_close_too() {
    let report = expect_root("/no-pong", "ping.unanswered", |_| {}).await;
    assert!(codes(&report).contains(&"close.no_reply"));
    assert!(codes(&report).contains(&"echo.none"));
}

#[tokio::test]
async fn a_drop_during_the_idle_probe_is_an_idle_timeout() {
    let report = expect_root("/drop?after=1", "idle.timeout", |o| {
        o.idle = Some(Duration::from_secs(4))
    })
    .await;
    assert!(
        !codes(&report).contains(&"close.abnormal"),
        "a consequence is not piled on: {:?}",
        codes(&report)
    );
}

/// Endpoints whose answer alone names the cause.
#[tokio::test]
async fn refusals_are_named_by_their_answer() {
    for (path, code) in [
        ("/http", "handshake.not_websocket"),
        ("/auth", "handshake.auth_required"),
        ("/subprotocol", "subprotocol.required"),
        ("/bad-accept", "handshake.invalid_accept"),
    ] {
        expect_root(path, code, |_| {}).await;
    }
}

#[tokio::test]
async fn an_origin_check_is_told_from_other_refusals() {
    let report = expect_root("/origin", "handshake.origin_rejected", |o| {
        o.origin = Some("https://evil.example".into());
    })
    .await;
    let evidence = &report.diagnoses[0].evidence;
    let labelled = |label: &str| {
        evidence
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.content.clone())
    };
    // The lab's own words come first, quoted.
    assert_contains!(
        labelled("The server's reason").unwrap(),
        "origin https://evil.example is not allowed"
    );
    let follow_up = &labelled("Follow-up: Origin").unwrap();
    assert!(
        follow_up.contains("without an Origin header: HTTP 403"),
        "{follow_up}"
    );
    assert!(follow_up.contains("101"), "{follow_up}");
}

#[tokio::test]
async fn a_hung_handshake_times_out() {
    let started = std::time::Instant::now();
    expect_root("/hang", "handshake.timeout", |o| {
        o.handshake_timeout = Duration::from_millis(300)
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_large_message_is_refused_with_1009() {
    expect_root("/small-max", "message.too_big", |o| {
        o.probe_size = Some(100)
    })
    .await;
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let report = expect_root("/redirect", "handshake.redirect", |_| {}).await;
    assert!(
        report.diagnoses[0]
            .evidence
            .iter()
            .any(|e| e.content == "/echo")
    );
}

#[tokio::test]
async fn nothing_listening_skips_what_depends_on_it() {
    let lab = lab().await;
    let url = lab.url("/echo");
    lab.shutdown().await;
    let report = check(options(url)).await;
    assert_eq!(codes(&report), ["tcp.refused"]);
    let handshake = report.checks.iter().find(|c| c.id == "handshake").unwrap();
    assert_eq!(handshake.status, CheckStatus::Skip);
    assert_contains!(handshake.summary, "nothing is listening");
}

#[tokio::test]
async fn url_problems_are_named() {
    let lab = lab().await;
    let report = check(options("not a url")).await;
    assert_eq!(codes(&report), ["url.invalid"]);

    let http = lab.url("/echo").replacen("ws://", "http://", 1);
    let report = check(options(http)).await;
    assert_eq!(codes(&report), ["url.http_scheme"]);
    assert_eq!(report.verdict, Verdict::Healthy);
    // Socket.IO's io() takes http URLs: no note of it there.
    let mut socketio = options(lab.url("/socket.io/").replacen("ws://", "http://", 1));
    socketio.protocol = Protocol::Socketio;
    let report = check(socketio).await;
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    assert!(
        report.checks[0].summary.contains("io() takes it"),
        "{}",
        report.checks[0].summary
    );

    let mut mixed = options(lab.url("/echo"));
    mixed.page_url = Some("https://app.example.test/chat".into());
    let report = check(mixed).await;
    assert_eq!(root(&report), "url.mixed_content");
}

#[tokio::test]
async fn tls_mistakes_are_named() {
    let lab = lab().await;
    let report = check(options(lab.tls_url("/echo"))).await;
    assert_eq!(codes(&report), ["tls.untrusted"]);

    let mut insecure = options(lab.tls_url("/echo"));
    insecure.insecure = true;
    let report = check(insecure).await;
    assert_eq!(
        codes(&report),
        ["tls.untrusted"],
        "still reported under --insecure"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "handshake" && c.status == CheckStatus::Pass)
    );

    let report = check(options(format!("wss://{}/echo", lab.addr()))).await;
    assert_eq!(root(&report), "tls.not_tls");

    let report = check(options(format!("ws://{}/echo", lab.tls_addr()))).await;
    assert_eq!(root(&report), "url.needs_wss");
}

/// The lab's Socket.IO servers (socketioxide): healthy where the listing says so, and each failure named
/// at Socket.IO's level, the way the listing describes it.
#[tokio::test]
async fn the_socketio_endpoints_show_what_their_listing_says() {
    let lab = lab().await;
    let url = |id: &str| {
        lab.endpoints()
            .into_iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no lab endpoint {id}"))
            .url
    };
    let token = || {
        Some(wsdoctor_core::profile::Sensitive::new(
            r#"{"token":"lab-token"}"#.to_string(),
        ))
    };
    for (id, with_token) in [
        ("socketio", false),
        ("socketio-auth", true),
        ("socketio-websocket-only", false),
    ] {
        let mut options = options(url(id));
        options.idle = Some(Duration::from_secs(1));
        if with_token {
            options.auth = token();
        }
        assert_healthy(&check(options).await);
    }
    for (id, code) in [
        ("socketio-auth", "socketio.connect_rejected"),
        ("socketio-no-namespace", "socketio.namespace_invalid"),
        ("socketio-polling-only", "socketio.transport_blocked"),
        ("socketio-eio3", "socketio.version_mismatch"),
    ] {
        let report = check(options(url(id))).await;
        assert_eq!(root(&report), code, "{id}: {:#?}", report.checks);
    }
    // No CORS configured: a page on another origin cannot poll.
    let mut options = options(url("socketio"));
    options.origin = Some("https://app.example.test".into());
    assert_eq!(root(&check(options).await), "socketio.cors_blocked");
}

/// A framework spoken at a plain endpoint: what answered instead is named, never a healthy verdict.
#[tokio::test]
async fn a_framework_spoken_at_a_plain_endpoint_is_told_what_answered() {
    let lab = lab().await;
    for (path, protocol, code) in [
        (
            "/close-1011",
            Protocol::GraphqlWs,
            "graphql.connection_closed",
        ),
        ("/echo", Protocol::Stomp, "stomp.no_connected"),
    ] {
        let mut options = options(lab.url(path));
        options.protocol = protocol;
        let report = check(options).await;
        assert_eq!(root(&report), code, "{path}: {:#?}", report.checks);
    }
}

/// The page that opens the socket sets the Origin, as a browser on it does: `/origin` takes the lab's own
/// page, and refuses another site's.
#[tokio::test]
async fn the_pages_origin_is_the_origin_sent() {
    let lab = lab().await;
    let mut own_page = options(lab.url("/origin"));
    own_page.page_url = Some(format!("http://{}/app/index.html", lab.addr()));
    let report = check(own_page).await;
    assert_healthy(&report);
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "origin" && c.summary.contains("the page's")),
        "{:#?}",
        report.checks
    );
    let mut other_site = options(lab.url("/origin"));
    other_site.page_url = Some("http://app.example.test/index.html".into());
    assert_eq!(root(&check(other_site).await), "handshake.origin_rejected");
}

/// A name given two addresses (`--resolve`), of which only the second answers (the lab listens on
/// 127.0.0.1, not 127.0.0.2): browsers fall back and connect, clients that use the first fail.
#[tokio::test]
async fn a_name_whose_first_address_is_dead_is_named() {
    let lab = lab().await;
    let port = lab.addr().port();
    let url = format!("ws://wsdoctor.test:{port}/echo");
    let pinned = |addrs: &str| {
        let mut o = options(url.clone());
        o.resolve = vec![
            wsdoctor_core::net::Pinned::parse(&format!("wsdoctor.test:{port}:{addrs}")).unwrap(),
        ];
        o
    };

    let report = check(pinned("127.0.0.2,127.0.0.1")).await;
    assert_eq!(codes(&report), ["tcp.partial_addresses"]);
    assert_eq!(report.verdict, Verdict::Degraded);
    let evidence = &report.diagnoses[0].evidence;
    assert_eq!(evidence[0].content, format!("127.0.0.1:{port}"));
    assert!(
        evidence[1]
            .content
            .starts_with(&format!("127.0.0.2:{port}: ")),
        "{evidence:#?}"
    );
    assert!(
        evidence[2]
            .content
            .contains(&format!("try only the first, 127.0.0.2:{port}, and fail")),
        "{evidence:#?}"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.summary.contains("--resolve; DNS not asked"))
    );

    // The dead address second: the first answers, and the report says who would still fail.
    let report = check(pinned("127.0.0.1,127.0.0.2")).await;
    assert_eq!(codes(&report), ["tcp.partial_addresses"]);
    assert!(
        report.diagnoses[0].evidence[2]
            .content
            .contains("first address 127.0.0.1")
    );

    // One address that answers: nothing to say.
    let report = check(pinned("127.0.0.1")).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);

    // A malformed entry is the field's error, not a finding.
    let request = wsdoctor_core::check::TargetRequest {
        url,
        resolve: vec!["wsdoctor.test:not-a-port:127.0.0.1".into()],
        ..Default::default()
    };
    assert_eq!(request.into_options().unwrap_err().field(), Some("resolve"));
}

/// A Cookie header given by hand is sent as given; the check says a browser's page cannot set one.
#[tokio::test]
async fn a_cookie_header_given_by_hand_is_sent_and_put_in_its_place() {
    let lab = lab().await;
    let mut o = options(lab.url("/echo"));
    o.headers = vec![("Cookie".into(), "sid=abc123-session; theme=dark".into())];
    let report = check(o).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    let cookies = support::item(&report, "cookies");
    assert_eq!(cookies.status, report::CheckStatus::Info);
    assert!(
        cookies
            .summary
            .starts_with("Sent as given with -H: sid, theme."),
        "{}",
        cookies.summary
    );
    assert!(!report.to_json().contains("abc123-session"));
}
