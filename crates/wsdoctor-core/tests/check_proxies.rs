//! The check through the proxies of real networks: a forward proxy (real squid) that refuses the port or
//! asks for credentials, named at the proxy with its own fix; a proxy that lets the tunnel through is
//! healthy and says it was used. Real HAProxy and Apache httpd in front of a server: recognised (neither
//! marks a working upgrade), their mistakes named with their own fixes, their correct setups healthy.

mod support;

use std::time::Duration;

use support::real_servers::node;
use support::reverse_proxies::{start_apache, start_haproxy};
use support::squid::{PASSWORD, USER, start_squid};
use support::{assert_named, codes, free_port, options, run};
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::inspect::ServerInputs;
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::Verdict;

const LIMIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn forward_proxies_name_why_they_refuse_the_tunnel() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let squid = start_squid();
    let url = lab.url("/echo");
    let through = |proxy: String| {
        let mut o = options(url.clone());
        o.proxy = Some(proxy);
        o
    };

    // CONNECT to 443 only: the lab's port is refused, and wss:// on 443 is the way through.
    let report = run(
        &through(format!("http://127.0.0.1:{}", squid.strict_port)),
        LIMIT,
    )
    .await;
    assert_named(&report, "proxy.connect_denied", "403 Forbidden");
    let evidence = &report.diagnoses[0].evidence;
    assert!(
        evidence
            .iter()
            .any(|e| e.content.contains("ERR_ACCESS_DENIED")),
        "squid's reason is quoted: {evidence:#?}"
    );
    assert!(
        evidence.iter().any(|e| e.content.contains("wss:// on 443")),
        "{evidence:#?}"
    );

    // Credentials asked for: none sent, then wrong ones, each said so, with the scheme squid asks for.
    for (proxy, sent) in [
        (format!("http://127.0.0.1:{}", squid.auth_port), "none sent"),
        (
            format!("http://{USER}:wrong-guess@127.0.0.1:{}", squid.auth_port),
            "sent",
        ),
    ] {
        let report = run(&through(proxy.clone()), LIMIT).await;
        assert_named(&report, "proxy.auth_required", "407");
        let evidence = &report.diagnoses[0].evidence;
        assert!(
            evidence.iter().any(|e| e.label == "Proxy-Authenticate"
                && e.content.contains("Basic realm=\"WS Doctor test proxy\"")),
            "{evidence:#?}"
        );
        assert!(
            evidence
                .iter()
                .any(|e| e.label == "Credentials" && e.content.starts_with(sent)),
            "{proxy}: {evidence:#?}"
        );
        assert!(!report.to_json().contains("wrong-guess"));
    }

    // A tunnel the proxy allows to a port where nothing listens: squid's ERR_CONNECT_FAIL, not a refusal.
    let mut dead = through(format!(
        "http://{USER}:{PASSWORD}@127.0.0.1:{}",
        squid.auth_port
    ));
    dead.url = format!("ws://127.0.0.1:{}/echo", free_port());
    let report = run(&dead, LIMIT).await;
    assert_named(&report, "proxy.connect_failed", "503");
    assert!(
        report.diagnoses[0]
            .evidence
            .iter()
            .any(|e| e.content.contains("ERR_CONNECT_FAIL")),
        "{:#?}",
        report.diagnoses[0].evidence
    );

    // The right credentials, and a port the proxy allows: healthy, the proxy named, its password never.
    let report = run(
        &through(format!(
            "http://{USER}:{PASSWORD}@127.0.0.1:{}",
            squid.auth_port
        )),
        LIMIT,
    )
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert_eq!(codes(&report), ["proxy.used"]);
    assert!(report.target.proxy.as_deref().unwrap().contains("--proxy"));
    assert!(
        !report.to_json().contains(PASSWORD),
        "the proxy password is never shown"
    );
}

/// The config audit of `config`: each finding's code and the evidence of the first.
async fn audit(config: &std::path::Path) -> wsdoctor_core::report::Report {
    let options = CheckOptions {
        server: ServerInputs {
            proxy_config: Some(config.to_path_buf()),
            ..Default::default()
        },
        ..options("")
    };
    run(&options, LIMIT).await
}

/// The evidence a proxy-dependent cause carries: who is in front, and the fix in its terms.
fn assert_fix_for(report: &wsdoctor_core::report::Report, code: &str, proxy: &str, fix: &str) {
    let diagnosis = report
        .diagnoses
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{code} not named: {:#?}", report.diagnoses));
    let evidence = |label: &str| {
        diagnosis
            .evidence
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.content.clone())
            .unwrap_or_else(|| panic!("no {label} in {:#?}", diagnosis.evidence))
    };
    assert!(
        evidence("In front").starts_with(proxy),
        "{:#?}",
        diagnosis.evidence
    );
    assert!(evidence(&format!("Fix for {proxy}")).contains(fix));
}

#[tokio::test]
async fn haproxy_is_recognised_and_its_timeouts_named() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let backend = lab.addr();
    let dead = free_port();
    let haproxy = start_haproxy(|port| {
        format!(
            r#"defaults
    mode http
    timeout connect 2s
    timeout client 2s
    timeout server 2s
frontend fe
    bind 127.0.0.1:{port}
    use_backend tunnel if {{ path_beg /tunnel/ }}
    use_backend dead if {{ path_beg /dead/ }}
    default_backend plain
backend plain
    server lab {backend}
backend tunnel
    http-request set-path %[path,regsub(^/tunnel,)]
    timeout tunnel 1h
    server lab {backend}
backend dead
    retries 0
    server gone 127.0.0.1:{dead}
"#
        )
    });
    let url = |path: &str| format!("ws://127.0.0.1:{}{path}", haproxy.port);
    let idle = |path: &str| {
        let mut o = options(url(path));
        o.idle = Some(Duration::from_secs(3));
        o
    };

    // No `timeout tunnel`: the 2 s client and server timeouts cut the silent WebSocket.
    let report = run(&idle("/echo"), LIMIT).await;
    assert_named(&report, "idle.timeout", "Cut after 2.");
    assert_fix_for(&report, "idle.timeout", "HAProxy", "timeout tunnel 1h");

    // With it, the same setup holds: healthy, not a warning.
    let report = run(&idle("/tunnel/echo"), LIMIT).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);

    // No server up: HAProxy's own 503 is the proxy's, not the application's.
    let report = run(&options(url("/dead/echo")), LIMIT).await;
    assert_named(&report, "proxy.bad_gateway", "No server is available");
    assert_fix_for(&report, "proxy.bad_gateway", "HAProxy", "server");

    // The audit of the config it ran says the same before anything is sent: the plain backend has no
    // tunnel timeout, the tunnel backend is fine.
    let report = audit(&haproxy.config).await;
    assert_eq!(codes(&report), ["config.haproxy_no_tunnel_timeout"]);
    let evidence = &report.diagnoses[0].evidence;
    assert!(
        evidence[0]
            .content
            .contains("backend plain: no timeout tunnel"),
        "{evidence:#?}"
    );
    assert!(
        evidence[0].content.contains("cut after 2 s"),
        "{evidence:#?}"
    );
    assert!(
        evidence[1]
            .content
            .starts_with("backend plain\n    timeout tunnel 1h\n    server lab"),
        "{evidence:#?}"
    );
}

#[tokio::test]
async fn apache_is_recognised_and_its_upgrade_and_timeout_named() {
    let backend = node("echo");
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let (b, lab) = (backend.port, lab.addr());
    let dead = free_port();
    let apache = start_apache(&format!(
        // Apache shares one worker (and its parameters) among ProxyPass lines to the same URL: each
        // line here has a backend URL of its own.
        "Timeout 2
ProxyPass /ws-good/ http://127.0.0.1:{b}/ upgrade=websocket timeout=3600
ProxyPass /ws-short/ http://{lab}/ upgrade=websocket
ProxyPass /ws-plain/ http://localhost:{b}/
ProxyPass /dead/ http://127.0.0.1:{dead}/
"
    ));
    let url = |path: &str| format!("ws://127.0.0.1:{}{path}", apache.port);
    let idle = |path: &str| {
        let mut o = options(url(path));
        o.idle = Some(Duration::from_secs(3));
        o
    };

    // A ProxyPass without `upgrade=websocket`: the backend sees plain HTTP and answers 426.
    let report = run(&options(url("/ws-plain/")), LIMIT).await;
    assert_named(&report, "proxy.upgrade_stripped", "426");
    assert_fix_for(
        &report,
        "proxy.upgrade_stripped",
        "Apache httpd",
        "upgrade=websocket",
    );

    // With it, and a timeout of its own: healthy through the idle wait.
    let report = run(&idle("/ws-good/"), LIMIT).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);

    // With only Apache's `Timeout 2`: cut after 2 s.
    let report = run(&idle("/ws-short/echo"), LIMIT).await;
    assert_named(&report, "idle.timeout", "Cut after 2.");
    assert_fix_for(&report, "idle.timeout", "Apache httpd", "timeout=3600");

    // A backend that is not there: Apache's own 503.
    let report = run(&options(url("/dead/")), LIMIT).await;
    assert_named(&report, "proxy.bad_gateway", "503");
    assert_fix_for(&report, "proxy.bad_gateway", "Apache httpd", "AH00957");

    // The audit of the config it ran names the same two mistakes, each with its corrected line.
    let report = audit(&apache.config).await;
    assert_eq!(
        codes(&report),
        ["config.apache_no_wstunnel", "config.apache_short_timeout"]
    );
    let lines = |code: &str| -> Vec<String> {
        let d = report.diagnoses.iter().find(|d| d.code == code).unwrap();
        d.evidence.iter().map(|e| e.content.clone()).collect()
    };
    let no_upgrade = lines("config.apache_no_wstunnel");
    assert!(
        no_upgrade[0].contains("ProxyPass /ws-plain/"),
        "{no_upgrade:#?}"
    );
    assert!(
        no_upgrade[1].contains(&format!(
            "ProxyPass /ws-plain/ http://localhost:{b}/ upgrade=websocket timeout=3600"
        )),
        "{no_upgrade:#?}"
    );
    let short = lines("config.apache_short_timeout");
    assert!(
        short[0].contains("ProxyPass /ws-short/") && short[0].contains("after 2 s (Timeout)"),
        "{short:#?}"
    );
    assert!(!short[0].contains("/ws-good/"), "{short:#?}");
}
