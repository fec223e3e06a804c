//! The check behind a real nginx: a correct WebSocket proxy is healthy, and the classic proxy mistakes
//! (upgrade headers not forwarded, a short proxy_read_timeout, a dead upstream, a TLS-only port) are each
//! named (nginx itself: `support::nginx`).

mod support;

use support::nginx::{Nginx, UPGRADE, preamble, start_nginx_server, start_nginx_with};
use support::real_servers::node;
use support::{assert_named, free_port, item, options, root, run};
use wsdoctor_core::assert_contains;

use std::net::SocketAddr;
use std::time::Duration;
use wsdoctor_core::check::{CheckOptions, ClientProfile};
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::{CheckStatus, Report, Verdict};

/// The locations every test uses, proxying to the lab at `lab`.
fn config(
    prefix: &std::path::Path,
    port: u16,
    tls_port: u16,
    lab: SocketAddr,
    dead: u16,
) -> String {
    let p = prefix.display();
    format!(
        r#"{}
    server {{
        listen 127.0.0.1:{port};
        location /good/ {{
            proxy_pass http://{lab}/;
            {UPGRADE}
        }}
        location /noupgrade/ {{
            proxy_pass http://{lab}/;
        }}
        location /short/ {{
            proxy_pass http://{lab}/;
            {UPGRADE}
            proxy_read_timeout 1s;
        }}
        location /dead/ {{
            proxy_pass http://127.0.0.1:{dead}/;
            {UPGRADE}
        }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        location / {{
            proxy_pass http://{lab}/;
            {UPGRADE}
        }}
    }}
}}
"#,
        preamble(prefix)
    )
}

fn start_nginx(lab: SocketAddr) -> Nginx {
    let dead = free_port();
    start_nginx_with(|prefix, port, tls_port| config(prefix, port, tls_port, lab, dead))
}

fn nginx_options(url: String) -> CheckOptions {
    CheckOptions {
        handshake_timeout: Duration::from_secs(3),
        ..options(url)
    }
}

async fn check(options: CheckOptions) -> Report {
    run(&options, Duration::from_secs(30)).await
}

#[tokio::test]
async fn nginx_proxy_cases() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let nginx = start_nginx(lab.addr());
    let base = format!("ws://127.0.0.1:{}", nginx.port);

    // A correct proxy: healthy, and the report says nginx answered.
    let report = check(nginx_options(format!("{base}/good/echo"))).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    let handshake = report.checks.iter().find(|c| c.id == "handshake").unwrap();
    assert_contains!(handshake.summary, "nginx");

    // Upgrade headers not forwarded: the backend sees plain HTTP and answers 426 through nginx.
    let mut stripped = nginx_options(format!("{base}/noupgrade/echo"));
    stripped.direct = Some(lab.url("/echo"));
    let report = check(stripped).await;
    assert_eq!(
        root(&report),
        "proxy.upgrade_stripped",
        "{:#?}",
        report.diagnoses
    );
    let evidence: String = report.diagnoses[0]
        .evidence
        .iter()
        .map(|e| e.content.clone())
        .collect();
    assert!(
        evidence.contains("HTTP 101"),
        "the backend, probed directly, accepts: {evidence}"
    );
    assert!(
        report.diagnoses[0]
            .snippet
            .as_deref()
            .unwrap_or("")
            .contains("proxy_set_header Upgrade")
    );

    // A short proxy_read_timeout cuts an idle connection.
    let mut idle = nginx_options(format!("{base}/short/echo"));
    idle.idle = Some(Duration::from_secs(4));
    let report = check(idle).await;
    assert_eq!(root(&report), "idle.timeout", "{:#?}", report.diagnoses);

    // A dead upstream: nginx answers 502.
    let report = check(nginx_options(format!("{base}/dead/echo"))).await;
    assert_eq!(root(&report), "proxy.bad_gateway");

    // Refusals from the backend keep their real cause behind the proxy.
    let report = check(nginx_options(format!("{base}/good/subprotocol"))).await;
    assert_eq!(root(&report), "subprotocol.required");
    let report = check(nginx_options(format!("{base}/good/auth"))).await;
    assert_eq!(root(&report), "handshake.auth_required");

    // ws:// to the TLS-only port: nginx's "plain HTTP request was sent to HTTPS port".
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/echo",
        nginx.tls_port
    )))
    .await;
    assert_eq!(root(&report), "url.needs_wss", "{:#?}", report.diagnoses);

    // wss:// through nginx's TLS, trusting its certificate.
    let mut tls = nginx_options(format!("wss://127.0.0.1:{}/echo", nginx.tls_port));
    tls.ca_file = Some(nginx.ca_file.clone());
    let report = check(tls).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

/// Two Socket.IO nodes behind nginx: round-robin loses the session between requests; `ip_hash` keeps it.
#[tokio::test]
async fn socketio_nodes_without_affinity_lose_the_session() {
    let (a, b) = (node("socketio"), node("socketio"));
    let nginx = start_nginx_with(|prefix, port, _| {
        format!(
            r#"{}
    upstream round_robin {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    upstream sticky {{ ip_hash; server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port};
        location /rr/ {{ proxy_pass http://round_robin/; {UPGRADE} }}
        location /sticky/ {{ proxy_pass http://sticky/; {UPGRADE} }}
    }}
}}
"#,
            preamble(prefix),
            a = a.port,
            b = b.port,
        )
    });
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/rr/socket.io/",
        nginx.port
    )))
    .await;
    assert_eq!(
        root(&report),
        "socketio.session_unknown",
        "{:#?}",
        report.checks
    );
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/sticky/socket.io/",
        nginx.port
    )))
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
}

/// What nginx answers on real networks besides a working upgrade: a rate limit (429 with Retry-After),
/// headers past its default buffers (400 "Request Header Or Cookie Too Large"), and a TLS location that
/// requires a client certificate (`ssl_verify_client on`: 400 "No required SSL certificate was sent").
#[tokio::test]
async fn answers_from_the_field_are_named() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let legacy_port = free_port();
    let nginx = start_nginx_with(|prefix, port, tls_port| {
        let p = prefix.display();
        format!(
            r#"{}
    limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;
    server {{
        listen 127.0.0.1:{port};
        location /limited/ {{
            limit_req zone=one;
            limit_req_status 429;
            add_header Retry-After 60 always;
            proxy_pass http://{lab}/; {UPGRADE}
        }}
        location /good/ {{ proxy_pass http://{lab}/; {UPGRADE} }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        ssl_client_certificate {p}/ca.pem;
        ssl_verify_client on;
        location / {{ proxy_pass http://{lab}/; {UPGRADE} }}
    }}
    server {{
        listen 127.0.0.1:{legacy_port} ssl;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        ssl_protocols TLSv1.2;
        ssl_ciphers AES128-SHA;
        location / {{ proxy_pass http://{lab}/; {UPGRADE} }}
    }}
}}
"#,
            preamble(prefix),
            lab = lab.addr(),
        )
    });
    let base = format!("ws://127.0.0.1:{}", nginx.port);

    // The first upgrade within the minute passes; the next is refused.
    let first = check(nginx_options(format!("{base}/limited/echo"))).await;
    assert_eq!(first.verdict, Verdict::Healthy, "{:#?}", first.diagnoses);
    let report = check(nginx_options(format!("{base}/limited/echo"))).await;
    assert_eq!(
        root(&report),
        "handshake.rate_limited",
        "{:#?}",
        report.checks
    );
    assert!(
        report.diagnoses[0]
            .evidence
            .iter()
            .any(|e| e.content.starts_with("60")),
        "{:?}",
        report.diagnoses[0].evidence
    );

    // A cookie past nginx's 8 KB header buffers: named by name and size, its value never shown.
    let mut cookies = nginx_options(format!("{base}/good/echo"));
    let session = "s".repeat(9000);
    cookies.headers = vec![("Cookie".into(), format!("theme=dark; session={session}"))];
    let report = check(cookies).await;
    assert_eq!(
        root(&report),
        "handshake.headers_too_large",
        "{:#?}",
        report.checks
    );
    let json = report.to_json();
    assert!(
        json.contains("largest cookie: session (9000 bytes)"),
        "{json}"
    );
    assert!(!json.contains(&session));

    // mutual TLS: nginx asks for a certificate, gets none, and answers 400.
    let mut mtls = nginx_options(format!("wss://127.0.0.1:{}/echo", nginx.tls_port));
    mtls.ca_file = Some(nginx.ca_file.clone());
    let report = check(mtls).await;
    assert_eq!(
        root(&report),
        "tls.client_cert_required",
        "{:#?}",
        report.checks
    );
    let tls = report.checks.iter().find(|c| c.id == "tls").unwrap();
    assert!(
        tls.evidence
            .iter()
            .any(|e| e.content.contains("asked for a client certificate")),
        "{tls:#?}"
    );

    // A legacy TLS configuration (RSA key exchange only) shares no cipher suite with a current client.
    let mut legacy = nginx_options(format!("wss://127.0.0.1:{legacy_port}/echo"));
    legacy.ca_file = Some(nginx.ca_file.clone());
    let report = check(legacy).await;
    assert_eq!(
        root(&report),
        "tls.handshake_failed",
        "{:#?}",
        report.checks
    );
}

/// A bot filter in front of a real `websockets` server, as WAF rules are written: scripts (an empty or
/// a Python User-Agent) get 403. Each client profile's request meets it as that client's would, and
/// every profile's headers (Firefox's `Connection: keep-alive, Upgrade` too) pass nginx and the server.
#[tokio::test]
async fn each_client_is_met_as_that_client_would_be() {
    let backend = support::real_servers::python("echo");
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        location / {{
            if ($http_user_agent ~* "^$|python|curl|wget") {{ return 403; }}
            proxy_pass http://127.0.0.1:{backend};
            {UPGRADE}
        }}
"#,
            backend = backend.port
        )
    });
    let url = format!("ws://127.0.0.1:{}/", nginx.port);
    for (client, healthy) in [
        (ClientProfile::Chrome, true),
        (ClientProfile::Firefox, true),
        (ClientProfile::Safari, true),
        (ClientProfile::Raw, true),
        (ClientProfile::Node, false),
        (ClientProfile::Python, false),
    ] {
        let mut o = nginx_options(url.clone());
        o.client = client;
        let report = check(o).await;
        assert_eq!(report.target.client, client.describe());
        let request = &report
            .checks
            .iter()
            .find(|c| c.id == "handshake")
            .unwrap()
            .evidence[0]
            .content;
        if healthy {
            assert_eq!(
                report.verdict,
                Verdict::Healthy,
                "{client:?}: {:#?}",
                report.diagnoses
            );
        } else {
            assert_eq!(
                root(&report),
                "handshake.forbidden",
                "{client:?}: {request}"
            );
        }
        match client {
            ClientProfile::Chrome => assert!(
                request.contains("Chrome/131") && request.contains("Accept-Language: en-US")
            ),
            ClientProfile::Firefox => assert!(
                request.contains("Connection: keep-alive, Upgrade")
                    && request.contains("Sec-WebSocket-Extensions: permessage-deflate\n")
            ),
            ClientProfile::Node => assert!(!request.contains("User-Agent")),
            ClientProfile::Raw => assert!(!request.contains("Sec-WebSocket-Extensions")),
            _ => {}
        }
    }
}

/// Pages served by real nginx with their Content-Security-Policy (a header, a `<meta http-equiv>`, behind
/// a redirect, none): the policy decides whether the page may open the lab's socket, by CSP Level 3's
/// rules, before the socket itself is tried.
#[tokio::test]
async fn the_pages_content_security_policy_is_applied_to_the_socket() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let lab_port = lab.addr().port();
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        default_type text/html;
        location = /strict.html {{
            add_header Content-Security-Policy "default-src 'self'; connect-src 'self'";
            return 200 '<html><body>app</body></html>';
        }}
        location = /open.html {{
            add_header Content-Security-Policy "default-src 'self'; connect-src 'self' ws://127.0.0.1:{lab_port}";
            return 200 '<html><body>app</body></html>';
        }}
        location = /meta.html {{
            return 200 '<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;"></head></html>';
        }}
        location = /moved {{ return 302 /strict.html; }}
        location = /plain.html {{ return 200 '<html><body>no policy</body></html>'; }}
        location /ws/ {{ proxy_pass http://127.0.0.1:{lab_port}/; {UPGRADE} }}
"#
        )
    });
    let page = |path: &str| format!("http://127.0.0.1:{}{path}", nginx.port);
    let lab_socket = format!("ws://127.0.0.1:{lab_port}/echo");
    let run_with = |socket: &str, page_url: String| {
        let mut o = nginx_options(socket.to_string());
        o.page_url = Some(page_url);
        o
    };

    // connect-src 'self' and a socket on another port: blocked, the directive and its fix quoted.
    for (path, directive, hops) in [
        ("/strict.html", "connect-src 'self'", 1),
        ("/moved", "connect-src 'self'", 2),
        ("/meta.html", "default-src 'self'", 1),
    ] {
        let report = check(run_with(&lab_socket, page(path))).await;
        assert_named(&report, "frontend.csp_blocked", directive);
        let evidence = &report.diagnoses[0].evidence;
        assert_eq!(
            evidence[3].content,
            format!("connect-src 'self' ws://127.0.0.1:{lab_port}"),
            "{path}"
        );
        let fetched = &item(&report, "page_policy").evidence[0].content;
        assert_eq!(fetched.lines().count(), hops, "{path}: {fetched}");
        // The socket itself works: the policy is the whole problem.
        assert_eq!(item(&report, "handshake").status, CheckStatus::Pass);
    }

    // Allowed by name, by 'self' (the same host and port, ws: from an http: page), or no policy at all.
    for (socket, path) in [
        (lab_socket.clone(), "/open.html"),
        (
            format!("ws://127.0.0.1:{}/ws/echo", nginx.port),
            "/strict.html",
        ),
        (lab_socket.clone(), "/plain.html"),
    ] {
        let report = check(run_with(&socket, page(path))).await;
        assert_eq!(
            report.verdict,
            Verdict::Healthy,
            "{path}: {:#?}",
            report.diagnoses
        );
        assert_eq!(item(&report, "page_policy").status, CheckStatus::Pass);
    }
}

/// A port chosen free can be taken by another test before nginx binds it (the suite's tests run side by
/// side): nginx then exits, and the helper starts it again on fresh ports instead of failing the test.
#[test]
fn a_port_taken_before_nginx_binds_it_costs_a_restart() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().port();
    let attempts = std::cell::Cell::new(0);
    let nginx = start_nginx_with(|prefix, port, _| {
        attempts.set(attempts.get() + 1);
        // The first attempt finds its port taken.
        let port = if attempts.get() == 1 { taken } else { port };
        format!(
            "{}\n    server {{ listen 127.0.0.1:{port}; return 204; }}\n}}\n",
            preamble(prefix)
        )
    });
    assert_eq!(attempts.get(), 2);
    assert_ne!(nginx.port, taken);
    assert!(std::net::TcpStream::connect(("127.0.0.1", nginx.port)).is_ok());
}
