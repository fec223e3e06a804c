//! The check through the proxies of real networks: a forward proxy (real squid) that refuses the port or
//! asks for credentials, named at the proxy with its own fix; a proxy that lets the tunnel through is
//! healthy and says it was used.

mod support;

use std::time::Duration;

use support::squid::{PASSWORD, USER, start_squid};
use support::{assert_named, codes, options, run};
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
