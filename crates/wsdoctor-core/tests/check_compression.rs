//! permessage-deflate as every browser negotiates it, against real servers: Python `websockets`
//! (compression on by default, and off), Node `ws` (off by default, on with perMessageDeflate), and real
//! nginx hiding the agreement from the client while the server goes on compressing. A check offers
//! what Chrome offers, inflates what comes compressed, and says what was agreed and what it saved.

mod support;

use std::time::Duration;

use support::nginx::{UPGRADE, start_nginx_server};
use support::real_servers::{node, python};
use support::{assert_named, item, options, run};
use wsdoctor_core::check::ClientProfile;
use wsdoctor_core::report::{Report, Verdict};

const LIMIT: Duration = Duration::from_secs(20);

/// The content of the evidence labelled `label` on item `id`.
fn evidence(report: &Report, id: &str, label: &str) -> Option<String> {
    item(report, id)
        .evidence
        .iter()
        .find(|e| e.label == label)
        .map(|e| e.content.clone())
}

#[tokio::test]
async fn compression_is_offered_agreed_and_inflated_as_in_a_browser() {
    // Over `ws`'s 1 KB threshold, and compressible.
    let message = "wsdoctor check ".repeat(200);
    for (mode, server, agreed) in [
        ("websockets", python("echo"), true),
        (
            "websockets without compression",
            python("no-compression"),
            false,
        ),
        ("ws with perMessageDeflate", node("deflate"), true),
        ("ws", node("echo"), false),
    ] {
        // Chrome's offer (with client_max_window_bits) and Firefox's (bare) against each server.
        for (client, offer) in [
            (
                ClientProfile::Chrome,
                "permessage-deflate; client_max_window_bits\n",
            ),
            (ClientProfile::Firefox, "permessage-deflate\n"),
        ] {
            let mode = format!("{mode}, {client:?}");
            let mut o = options(format!("ws://127.0.0.1:{}/", server.port));
            o.message = message.clone();
            o.client = client;
            let report = run(&o, LIMIT).await;
            assert_eq!(
                report.verdict,
                Verdict::Healthy,
                "{mode}: {:#?}",
                report.diagnoses
            );
            assert!(
                report.diagnoses.is_empty(),
                "{mode}: {:#?}",
                report.diagnoses
            );
            let handshake = item(&report, "handshake");
            let request = &handshake.evidence[0].content;
            assert!(
                request.contains(&format!("Sec-WebSocket-Extensions: {offer}")),
                "{mode}: {request}"
            );
            let said = evidence(&report, "handshake", "Compression").unwrap();
            assert_eq!(
                said.starts_with("agreed: permessage-deflate"),
                agreed,
                "{mode}: {said}"
            );
            let reply = &item(&report, "message").summary;
            assert!(
                reply.contains("wsdoctor check wsdoctor check"),
                "{mode}: {reply}"
            );
            match evidence(&report, "message", "Compression") {
                Some(ratio) => {
                    assert!(agreed, "{mode}: {ratio}");
                    assert!(ratio.contains("bytes of text or data"), "{mode}: {ratio}");
                    let percent: f64 = ratio
                        .rsplit('(')
                        .next()
                        .and_then(|p| p.trim_end_matches("%)").parse().ok())
                        .unwrap();
                    assert!(
                        percent < 20.0,
                        "{mode}: a repeated text compresses well: {ratio}"
                    );
                }
                None => assert!(!agreed, "{mode}: agreed, but no compressed reply was seen"),
            }
        }
    }

    // --no-compression: nothing offered, nothing agreed, still healthy.
    let server = python("echo");
    let mut o = options(format!("ws://127.0.0.1:{}/", server.port));
    o.compression = false;
    let report = run(&o, LIMIT).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(
        !item(&report, "handshake").evidence[0]
            .content
            .contains("Extensions")
    );
    assert!(
        evidence(&report, "handshake", "Compression")
            .unwrap()
            .starts_with("not offered (--no-compression")
    );
}

#[tokio::test]
async fn a_proxy_that_hides_the_agreement_while_the_server_compresses_is_named() {
    let backend = python("echo");
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        location / {{
            proxy_pass http://127.0.0.1:{backend};
            {UPGRADE}
            proxy_hide_header Sec-WebSocket-Extensions;
        }}
"#,
            backend = backend.port
        )
    });
    let url = format!("ws://127.0.0.1:{}/", nginx.port);
    let report = run(&options(url.clone()), LIMIT).await;
    assert_named(&report, "frame.unnegotiated_compression", "RSV1");
    assert_eq!(report.verdict, Verdict::Broken);
    // The check tried once without the offer, and says the failure is compression's.
    let compared = report
        .diagnoses
        .iter()
        .find(|d| d.code == "compression.fails_with")
        .expect("the failure is tied to the offer");
    assert!(
        compared.evidence[0]
            .content
            .contains("frame.unnegotiated_compression")
    );
    assert!(compared.evidence[1].content.contains("passed"));

    // Without the offer the server does not compress, and the same path works: the report's fix.
    let mut o = options(url);
    o.compression = false;
    let report = run(&o, LIMIT).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

#[tokio::test]
async fn a_server_that_requires_compression_fails_only_clients_without_it() {
    let server = python("requires-compression");
    let url = format!("ws://127.0.0.1:{}/", server.port);
    let report = run(&options(url.clone()), LIMIT).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);

    let mut without = options(url);
    without.compression = false;
    let report = run(&without, LIMIT).await;
    assert_named(&report, "handshake.bad_request", "compression required");
    let compared = report
        .diagnoses
        .iter()
        .find(|d| d.code == "compression.fails_without")
        .expect("the failure is tied to the missing offer");
    assert!(
        compared.evidence[1]
            .content
            .starts_with("offering permessage-deflate")
    );
}

/// Two servers behind nginx's round robin, one broken (the lab's `/close-1011` closes at once with 1011),
/// one good (a `ws` echo): the first attempt meets the broken one, the retry without the offer the good
/// one. Tried again with the offer, the good one passes too: the pool is named, not compression.
#[tokio::test]
async fn a_broken_node_in_a_pool_is_not_blamed_on_compression() {
    use support::nginx::{preamble, start_nginx_with};
    let lab = wsdoctor_core::lab::Lab::start(Default::default())
        .await
        .expect("the lab starts");
    let good = node("echo");
    let nginx = start_nginx_with(|prefix, port, _| {
        format!(
            "{}\n    upstream pool {{ server 127.0.0.1:{}; server 127.0.0.1:{}; }}\n    server {{\n        listen 127.0.0.1:{port};\n        location / {{ proxy_pass http://pool/close-1011; {UPGRADE} }}\n    }}\n}}\n",
            preamble(prefix),
            lab.addr().port(),
            good.port
        )
    });
    let report = run(&options(format!("ws://127.0.0.1:{}/", nginx.port)), LIMIT).await;
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"backend.intermittent"), "{codes:?}");
    assert!(!codes.contains(&"compression.fails_with"), "{codes:?}");
    assert_named(
        &report,
        "backend.intermittent",
        "failed with close.server_error",
    );
    let attempts = &report.diagnoses[0].evidence;
    assert!(
        attempts.iter().any(|e| e
            .content
            .starts_with("offering permessage-deflate, as browsers do, again: passed")),
        "{attempts:#?}"
    );
}
