//! MQTT over WebSocket against a real broker (Debian's mosquitto, `protocol websockets`): recognised by
//! its path or its subprotocol, spoken in the check (CONNECT, CONNACK, PINGREQ) instead of a text test
//! message a broker drops the connection for; a refused CONNECT and a socket that did not agree on `mqtt`
//! are named. The healthy broker raises nothing.

mod support;

use std::time::Duration;

use support::mosquitto::{PASSWORD, USER, start_mosquitto};
use support::{assert_named, codes, item, options, run, status};
use wsdoctor_core::assert_contains;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::profile::Sensitive;
use wsdoctor_core::report::{CheckStatus, Report, Verdict};

async fn check(url: String, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let mut options = options(url);
    adjust(&mut options);
    run(&options, Duration::from_secs(30)).await
}

#[tokio::test]
async fn a_healthy_broker_is_spoken_to_in_mqtt_and_raises_nothing() {
    let broker = start_mosquitto();
    // By its path, the check offers `mqtt` as MQTT.js does.
    let report = check(format!("ws://127.0.0.1:{}/mqtt", broker.open_port), |_| {}).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
    let connect = item(&report, "mqtt_connect");
    assert_eq!(connect.status, CheckStatus::Pass, "{}", connect.summary);
    assert_contains!(connect.summary, "accepted: MQTT 3.1.1");
    assert_contains!(connect.summary, "PINGREQ answered");
    assert!(
        report.checks.iter().all(|c| c.id != "message"),
        "no text test message is sent"
    );

    // By the subprotocol the user's client offers, at any path; MQTT 5 when the payload asks for it;
    // held idle, with the keep-alive.
    let report = check(format!("ws://127.0.0.1:{}/", broker.open_port), |o| {
        o.subprotocols = vec!["mqtt".into()];
        o.auth = Some(Sensitive::new(r#"{"protocolVersion": 5}"#.into()));
        o.idle = Some(Duration::from_secs(1));
    })
    .await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
    assert_contains!(item(&report, "mqtt_connect").summary, "accepted: MQTT 5");
    assert_eq!(status(&report, "idle"), CheckStatus::Pass);
}

#[tokio::test]
async fn a_refused_connect_is_named_with_its_reason() {
    let broker = start_mosquitto();
    let url = format!("ws://127.0.0.1:{}/mqtt", broker.auth_port);
    let report = check(url.clone(), |_| {}).await;
    assert_named(&report, "mqtt.connect_rejected", "not authorized");
    assert_eq!(report.verdict, Verdict::Broken);

    let wrong = format!(r#"{{"username": "{USER}", "password": "wrong"}}"#);
    let report = check(url.clone(), |o| o.auth = Some(Sensitive::new(wrong))).await;
    assert_eq!(codes(&report), ["mqtt.connect_rejected"]);

    let right = format!(r#"{{"username": "{USER}", "password": "{PASSWORD}"}}"#);
    let report = check(url, |o| o.auth = Some(Sensitive::new(right))).await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
    let shown = serde_json::to_string(&report).unwrap();
    assert!(!shown.contains(PASSWORD), "the password is never shown");
}

/// nginx in front that drops the client's `Sec-WebSocket-Protocol`: the broker takes the socket without
/// `mqtt` and ignores MQTT on it.
#[tokio::test]
async fn a_socket_without_the_mqtt_subprotocol_is_named() {
    use support::nginx::{UPGRADE, start_nginx_server};
    let broker = start_mosquitto();
    let nginx = start_nginx_server(|_| {
        format!(
            "        location / {{ proxy_pass http://127.0.0.1:{}; {UPGRADE}\n            proxy_set_header Sec-WebSocket-Protocol \"\"; }}",
            broker.open_port
        )
    });
    let report = check(format!("ws://127.0.0.1:{}/mqtt", nginx.port), |o| {
        o.handshake_timeout = Duration::from_secs(2);
    })
    .await;
    assert_eq!(
        codes(&report)[0],
        "mqtt.no_subprotocol",
        "{:#?}",
        report.diagnoses
    );
    assert!(codes(&report).contains(&"subprotocol.not_negotiated"));
}

/// A server that agrees on `mqtt` and never answers CONNECT (Python `websockets`, reading and answering
/// nothing): named as an unanswered CONNECT, not as a missing subprotocol.
#[tokio::test]
async fn a_connect_never_answered_on_an_agreed_socket_is_named() {
    let silent = support::real_servers::python("mqtt-silent");
    let report = check(format!("ws://127.0.0.1:{}/mqtt", silent.port), |o| {
        o.handshake_timeout = Duration::from_millis(800);
    })
    .await;
    assert_named(&report, "mqtt.no_connack", "no CONNACK within 0.8 s");
}
