//! Each "X explains Y" relation of the catalog, on real servers: when a deeper cause and the wire symptom
//! it brings about are both named, the cause is ranked first and the symptom is marked as its consequence.

mod support;

use std::time::Duration;

use support::real_servers::node;
use support::{options, read_head, run, server, switch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wsdoctor_core::catalog::EXPLAINS;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::inspect::ServerInputs;
use wsdoctor_core::report::Report;

async fn check(url: String, server: ServerInputs) -> Report {
    let options = CheckOptions {
        handshake_timeout: Duration::from_millis(800),
        server,
        ..options(url)
    };
    run(&options, Duration::from_secs(30)).await
}

/// Asserts `cause` is ranked before `symptom`, which is marked as its consequence.
fn assert_explains(report: &Report, cause: &str, symptom: &str) {
    assert!(
        EXPLAINS
            .iter()
            .any(|e| e.cause == cause && e.symptom == symptom),
        "{cause} → {symptom} is a declared relation"
    );
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    let at = |code: &str| {
        codes
            .iter()
            .position(|c| *c == code)
            .unwrap_or_else(|| panic!("{code} is named: {codes:?}"))
    };
    assert!(
        at(cause) < at(symptom),
        "{cause} before {symptom}: {codes:?}"
    );
    let marked = &report.diagnoses[at(symptom)];
    assert_eq!(marked.explained_by.as_deref(), Some(cause));
    assert_eq!(
        report.diagnoses[0].code, cause,
        "the cause is the root: {codes:?}"
    );
    assert!(
        wsdoctor_core::report::markdown(report).contains(&format!("A consequence of `{cause}`")),
        "the report says so"
    );
}

#[tokio::test]
async fn a_drop_explains_an_unanswered_ping() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // Read the client's frames, answering none (no pong, no echo); when its close frame comes (the
        // reply wait is over then), cut TCP without a close frame.
        let _ = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let mut head = [0u8; 2];
                if s.read_exact(&mut head).await.is_err() {
                    break;
                }
                let length = match head[1] & 0x7f {
                    126 => {
                        let mut ext = [0u8; 2];
                        let _ = s.read_exact(&mut ext).await;
                        u64::from(u16::from_be_bytes(ext))
                    }
                    127 => {
                        let mut ext = [0u8; 8];
                        let _ = s.read_exact(&mut ext).await;
                        u64::from_be_bytes(ext)
                    }
                    n => u64::from(n),
                };
                let mask = if head[1] & 0x80 != 0 { 4 } else { 0 };
                let mut rest = vec![0u8; mask + length as usize];
                if s.read_exact(&mut rest).await.is_err() || head[0] & 0x0f == 0x8 {
                    break;
                }
            }
        })
        .await;
    })
    .await;
    let report = check(format!("ws://{addr}/socket"), ServerInputs::default()).await;
    assert_explains(&report, "close.abnormal", "ping.unanswered");
}

#[tokio::test]
async fn socketio_explains_an_upgrade_without_an_answer() {
    let addr = server(|mut s| async move {
        let head = read_head(&mut s).await;
        if head.starts_with("GET /socket.io/") {
            let body = "0{\"sid\":\"x1\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000}";
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    })
    .await;
    let report = check(format!("ws://{addr}/ws"), ServerInputs::default()).await;
    assert_explains(&report, "socketio.detected", "handshake.no_response");
}

#[tokio::test]
async fn another_process_on_the_port_explains_a_plain_http_answer() {
    // This test process holds the port and answers plain HTTP; the server expected is another process.
    let addr = server(|mut s| async move {
        let _ = read_head(&mut s).await;
        let _ = s
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello",
            )
            .await;
    })
    .await;
    let mut expected = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let report = check(
        format!("ws://{addr}/"),
        ServerInputs {
            process: Some(expected.id().to_string()),
            port: Some(addr.port()),
            ..Default::default()
        },
    )
    .await;
    let _ = expected.kill();
    let _ = expected.wait();
    assert_explains(&report, "port.conflict", "handshake.not_websocket");
}

#[tokio::test]
async fn a_logged_eaddrinuse_explains_a_refused_connection() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("wsd-explains-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("server.log");
    std::fs::write(
        &log,
        format!(
            "> node server.js\n\nError: listen EADDRINUSE: address already in use :::{port}\n    at Server.setupListenHandle [as _listen2] (node:net:1908:16)\n"
        ),
    )
    .unwrap();
    let report = check(
        format!("ws://127.0.0.1:{port}/"),
        ServerInputs {
            logs: vec![log],
            ..Default::default()
        },
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_explains(&report, "log.port_in_use", "tcp.refused");
}

/// The lab listens on 127.0.0.1 only; the same machine at 127.0.0.2 is refused, and the live listener
/// table says why.
#[tokio::test]
async fn a_server_bound_to_loopback_explains_a_refusal_at_another_of_its_addresses() {
    let lab = wsdoctor_core::lab::Lab::start(Default::default())
        .await
        .expect("the lab starts");
    let url = format!("ws://127.0.0.2:{}/echo", lab.addr().port());
    let report = check(url, ServerInputs::default()).await;
    assert_explains(&report, "port.loopback_only", "tcp.refused");
    assert!(
        report.diagnoses[0].evidence[0]
            .content
            .contains(&format!("127.0.0.1:{}", lab.addr().port())),
        "{:?}",
        report.diagnoses[0].evidence
    );
    // A server bound to ::1 only, asked at 127.0.0.1: the same machine, another loopback address.
    let v6 = std::net::TcpListener::bind("[::1]:0").expect("::1 is available");
    let url = format!("ws://127.0.0.1:{}/", v6.local_addr().unwrap().port());
    let report = check(url, ServerInputs::default()).await;
    assert_explains(&report, "port.loopback_only", "tcp.refused");
    // Nothing listening anywhere on the port: a plain refusal, nothing more.
    let free = support::free_port();
    let report = check(format!("ws://127.0.0.2:{free}/"), ServerInputs::default()).await;
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["tcp.refused"]);
}

/// A socket behind real nginx that wants the session cookie (`sid`), and the browser's jar: a Secure
/// cookie stays behind on ws://, a Lax one when the page is on another site, so the server asks for a
/// session; the same jar over a path the cookie fits, from the app's own page, is healthy.
#[tokio::test]
async fn a_cookie_the_browser_keeps_back_explains_the_servers_auth_demand() {
    use support::nginx::{UPGRADE, start_nginx_server};
    use wsdoctor_core::report::Verdict;

    let lab = wsdoctor_core::lab::Lab::start(Default::default())
        .await
        .unwrap();
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        location / {{
            if ($cookie_sid = "") {{ return 401 "no session\n"; }}
            proxy_pass http://{lab};
            {UPGRADE}
        }}
"#,
            lab = lab.addr()
        )
    });
    let port = nginx.port;
    let dir = std::env::temp_dir().join(format!("wsdoctor-cookies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jar = |name: &str, lines: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("# Netscape HTTP Cookie File\n{lines}")).unwrap();
        path
    };
    let secure = jar(
        "secure.txt",
        ".app.test\tTRUE\t/\tTRUE\t0\tsid\tsess-77f1c2\n",
    );
    let lax = jar(
        "lax.txt",
        ".app.test\tTRUE\t/\tFALSE\t0\tsid\tsess-9a0b3e\n",
    );
    let checked = |cookies: std::path::PathBuf, page: Option<&str>| {
        let mut o = CheckOptions {
            handshake_timeout: Duration::from_secs(2),
            ..options(format!("ws://rt.app.test:{port}/echo"))
        };
        o.resolve = vec![
            wsdoctor_core::net::Pinned::parse(&format!("rt.app.test:{port}:127.0.0.1")).unwrap(),
        ];
        o.cookie_file = Some(cookies);
        o.page_url = page.map(str::to_string);
        o
    };

    for (cookies, page, rule) in [
        (
            secure.clone(),
            None,
            "sid is not sent: it is Secure, and ws:// is not a secure connection",
        ),
        (
            lax.clone(),
            Some("http://shop.example/"),
            "sid is not sent: it has no SameSite, which Chrome takes as Lax",
        ),
    ] {
        let report = run(&checked(cookies, page), Duration::from_secs(30)).await;
        assert_explains(&report, "cookie.not_sent", "handshake.auth_required");
        assert!(
            report.diagnoses[0].evidence[0].content.starts_with(rule),
            "{:#?}",
            report.diagnoses[0].evidence
        );
        assert!(
            !report.to_json().contains("sess-"),
            "cookie values are never shown"
        );
    }

    // The app's own page: the cookie goes, the server sees the session, and its value stays out of the
    // report (the request quotes the header redacted).
    let report = run(
        &checked(lax, Some("http://www.app.test/")),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    let json = report.to_json();
    assert!(
        json.contains("Cookie: [REDACTED]") && !json.contains("sess-9a0b3e"),
        "{json}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server that reads what comes and answers nothing (no pong, no echo), then cuts TCP without a close
/// frame while the check stays silent: the unanswered ping is the cut's consequence.
#[tokio::test]
async fn a_cut_during_the_idle_probe_explains_the_unanswered_ping() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        let mut sink = [0u8; 4096];
        let _ = tokio::time::timeout(Duration::from_millis(1500), async {
            while s.read(&mut sink).await.unwrap_or(0) > 0 {}
        })
        .await;
    })
    .await;
    let options = CheckOptions {
        idle: Some(Duration::from_secs(3)),
        ..options(format!("ws://{addr}/socket"))
    };
    let report = run(&options, Duration::from_secs(30)).await;
    assert_explains(&report, "idle.timeout", "ping.unanswered");
}

/// Real SockJS (Node `sockjs`) asked at its prefix: plain HTTP there, SockJS named first.
#[tokio::test]
async fn sockjs_explains_a_plain_http_answer_at_its_prefix() {
    let server = node("sockjs");
    let report = check(
        format!("ws://127.0.0.1:{}/echo", server.port),
        ServerInputs::default(),
    )
    .await;
    assert_explains(&report, "sockjs.detected", "handshake.not_websocket");
}

/// A real `ws` server that agrees on no subprotocol (and echoes): asked for GraphQL over WebSocket, it
/// never acknowledges `connection_init`, because it does not speak GraphQL at all.
#[tokio::test]
async fn an_unagreed_subprotocol_explains_an_unacknowledged_graphql_init() {
    let server = node("ignore-protocol");
    let options = CheckOptions {
        protocol: wsdoctor_core::framework::Protocol::GraphqlWs,
        ..options(format!("ws://127.0.0.1:{}/", server.port))
    };
    let report = run(&options, Duration::from_secs(30)).await;
    assert_explains(
        &report,
        "subprotocol.not_negotiated",
        "graphql.init_timeout",
    );
}

/// Real Socket.IO (Node socket.io 4) asked at `/`: it holds the upgrade unanswered and drops it after 1 s
/// (its `destroyUpgradeTimeout`); the check finds Socket.IO at its own path first.
#[tokio::test]
async fn a_real_socketio_server_at_the_root_explains_the_unanswered_upgrade() {
    let server = node("socketio");
    let url = format!("ws://127.0.0.1:{}/", server.port);
    let report = run(&options(url), Duration::from_secs(30)).await;
    assert_explains(&report, "socketio.detected", "handshake.no_response");
}

/// A JSON Web Token `exp` seconds from now (negative: in the past), signed with nothing that matters.
fn jwt(exp_from_now: i64) -> String {
    use base64::Engine;
    let b64 = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(&format!(
            r#"{{"sub":"qa-bot","iat":{},"exp":{}}}"#,
            now + exp_from_now - 3600,
            now + exp_from_now
        )),
        b64("not-a-real-signature")
    )
}

/// An expired token explains the refusal that follows, wherever it travels: the lab's bearer check
/// (401), `ws`'s verifyClient with a reason of its own (401), a Socket.IO middleware (CONNECT_ERROR).
/// Only its times are reported, never the token; a token still valid raises nothing.
#[tokio::test]
async fn an_expired_token_explains_the_refusal_that_follows() {
    let lab = wsdoctor_core::lab::Lab::start(Default::default())
        .await
        .expect("the lab starts");
    let expired = jwt(-2 * 3600);
    let mut bearer = options(lab.url("/auth"));
    bearer.headers = vec![("Authorization".into(), format!("Bearer {expired}"))];
    let report = run(&bearer, Duration::from_secs(30)).await;
    assert_explains(&report, "auth.token_expired", "handshake.auth_required");
    let times = &report.diagnoses[0].evidence[0];
    assert_eq!(times.label, "Token in the `Authorization` header");
    assert!(
        times.content.contains("(2 h 0 min ago)"),
        "{}",
        times.content
    );
    let markdown = wsdoctor_core::report::markdown(&report);
    let json = serde_json::to_string(&report).unwrap();
    for part in expired.split('.') {
        assert!(
            !markdown.contains(part) && !json.contains(part),
            "a part of the token is shown"
        );
    }

    let server = node("verify-reason");
    let url = format!("ws://127.0.0.1:{}/?access_token={expired}", server.port);
    let report = run(&options(url), Duration::from_secs(30)).await;
    assert_explains(&report, "auth.token_expired", "handshake.auth_required");
    assert_eq!(
        report.diagnoses[0].evidence[0].label,
        "Token in the URL's `access_token` parameter"
    );

    let mut socketio = options(lab.url("/sio-auth/socket.io/"));
    socketio.auth = Some(wsdoctor_core::profile::Sensitive::new(format!(
        r#"{{"token":"{expired}"}}"#
    )));
    let report = run(&socketio, Duration::from_secs(30)).await;
    assert_explains(&report, "auth.token_expired", "socketio.connect_rejected");
    assert_eq!(
        report.diagnoses[0].evidence[0].label,
        "Token in the auth payload's `token`"
    );

    let mut valid = options(lab.url("/echo"));
    valid.headers = vec![("Authorization".into(), format!("Bearer {}", jwt(3600)))];
    let report = run(&valid, Duration::from_secs(30)).await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
}
