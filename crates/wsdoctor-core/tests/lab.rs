//! The lab against real clients: every endpoint behaves as its description says.
//!
//! The client side is the engine's own `try_connect` where it suffices, and plain tokio-tungstenite where a
//! test needs to send something `try_connect` does not (a token, an Origin, a subprotocol, a ping).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use wsdoctor_core::lab::{Lab, LabConfig, Outcome};
use wsdoctor_core::try_connect::{
    ConnectEvent, Initiator, Stage, Timeouts, TryConnectRequest, try_connect,
};

const TEST_LIMIT: Duration = Duration::from_secs(20);

async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

async fn run(url: &str, message: &str, hold_secs: u32, timeouts: Timeouts) -> Vec<ConnectEvent> {
    let (tx, mut rx) = mpsc::channel(64);
    let request = TryConnectRequest {
        url: url.to_string(),
        message: message.to_string(),
        hold_secs,
    };
    let conversation = async move {
        try_connect(&request, timeouts, &tx)
            .await
            .expect("valid URL");
    };
    let collect = async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    };
    let ((), events) =
        tokio::time::timeout(TEST_LIMIT, async { tokio::join!(conversation, collect) })
            .await
            .expect("conversation ends in time");
    events
}

fn failure(events: &[ConnectEvent]) -> (Stage, String) {
    match events.last() {
        Some(ConnectEvent::Failed { stage, message, .. }) => (*stage, message.clone()),
        other => panic!("expected a failure, got {other:?} in {events:?}"),
    }
}

fn closed(events: &[ConnectEvent]) -> (u16, Initiator, bool) {
    match events.last() {
        Some(ConnectEvent::Closed {
            code,
            initiator,
            handshake_completed,
            ..
        }) => (*code, *initiator, *handshake_completed),
        other => panic!("expected a close, got {other:?} in {events:?}"),
    }
}

fn received(events: &[ConnectEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ConnectEvent::Received { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn lists_every_endpoint_with_a_loopback_url() {
    let lab = lab().await;
    let endpoints = lab.endpoints();
    assert_eq!(endpoints[0].id, "echo");
    assert_eq!(endpoints[0].outcome, Outcome::Healthy);
    assert!(
        endpoints
            .iter()
            .any(|e| e.id == "tls-echo" && e.url.starts_with("wss://127.0.0.1:"))
    );
    assert!(endpoints.len() >= 13);
    for endpoint in &endpoints {
        assert!(endpoint.url.contains("127.0.0.1:"), "{}", endpoint.url);
        assert!(!endpoint.description.is_empty());
    }
    let origin = endpoints.iter().find(|e| e.id == "origin").unwrap();
    assert!(origin.description.contains(&lab.addr().port().to_string()));
}

#[tokio::test]
async fn echo_round_trip_ends_in_a_clean_close() {
    let lab = lab().await;
    let events = run(&lab.url("/echo"), "hello lab", 0, Timeouts::default()).await;
    assert!(matches!(events[0], ConnectEvent::Connecting { .. }));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ConnectEvent::Opened { status: 101, .. }))
    );
    assert_eq!(received(&events), vec!["hello lab"]);
    assert_eq!(closed(&events), (1000, Initiator::Client, true));
}

#[tokio::test]
async fn close_1011_is_reported_with_its_meaning() {
    let lab = lab().await;
    let events = run(&lab.url("/close-1011"), "hi", 0, Timeouts::default()).await;
    assert_eq!(closed(&events).0, 1011);
    assert_eq!(closed(&events).1, Initiator::Server);
    let Some(ConnectEvent::Closed {
        meaning, reason, ..
    }) = events.last()
    else {
        unreachable!()
    };
    assert!(meaning.contains("Internal error"));
    assert!(reason.contains("simulated server error"));
}

#[tokio::test]
async fn no_pong_answers_nothing_not_even_the_close() {
    let lab = lab().await;
    let timeouts = Timeouts {
        reply: Duration::from_millis(300),
        close: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let events = run(&lab.url("/no-pong"), "anyone?", 0, timeouts).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ConnectEvent::NoReply { .. }))
    );
    assert_eq!(closed(&events), (1000, Initiator::Client, false));

    let (mut ws, _) = tokio_tungstenite::connect_async(lab.url("/no-pong"))
        .await
        .unwrap();
    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_millis(500), ws.next()).await;
    assert!(answer.is_err(), "no-pong answered: {answer:?}");
}

#[tokio::test]
async fn echo_answers_pings() {
    let lab = lab().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(lab.url("/echo"))
        .await
        .unwrap();
    ws.send(Message::Ping(b"rtt".to_vec().into()))
        .await
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap();
    assert_eq!(
        answer.unwrap().unwrap(),
        Message::Pong(b"rtt".to_vec().into())
    );
}

#[tokio::test]
async fn drop_cuts_the_connection_without_a_close_frame() {
    let lab = lab().await;
    let events = run(
        &lab.url("/drop?after=1"),
        "still there?",
        5,
        Timeouts::default(),
    )
    .await;
    assert_eq!(received(&events), vec!["still there?"]);
    let (stage, message) = failure(&events);
    assert_eq!(stage, Stage::Open);
    assert!(message.contains("1006"), "{message}");
}

#[tokio::test]
async fn plain_http_page_is_not_an_upgrade() {
    let lab = lab().await;
    let (stage, message) = failure(&run(&lab.url("/http"), "x", 0, Timeouts::default()).await);
    assert_eq!(stage, Stage::Handshake);
    assert!(message.contains("HTTP 200"), "{message}");
}

#[tokio::test]
async fn auth_needs_the_bearer_token() {
    let lab = lab().await;
    let (_, message) = failure(&run(&lab.url("/auth"), "x", 0, Timeouts::default()).await);
    assert!(message.contains("HTTP 401"), "{message}");

    let mut request = lab.url("/auth").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Authorization", "Bearer lab-token".parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.status(), 101);
    ws.send(Message::text("authorised")).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::text("authorised")
    );
}

#[tokio::test]
async fn origin_accepts_only_the_labs_own() {
    let lab = lab().await;
    let (_, message) = failure(&run(&lab.url("/origin"), "x", 0, Timeouts::default()).await);
    assert!(message.contains("HTTP 403"), "{message}");

    let mut request = lab.url("/origin").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Origin", "https://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_err());

    let mut request = lab.url("/origin").into_client_request().unwrap();
    let own = format!("http://{}", lab.addr());
    request.headers_mut().insert("Origin", own.parse().unwrap());
    let (_, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.status(), 101);
}

#[tokio::test]
async fn subprotocol_is_required_and_negotiated() {
    let lab = lab().await;
    let (_, message) = failure(&run(&lab.url("/subprotocol"), "x", 0, Timeouts::default()).await);
    assert!(
        message.contains("HTTP 400") && message.contains("subprotocol required"),
        "{message}"
    );

    let mut request = lab.url("/subprotocol").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "other, lab.v1".parse().unwrap());
    let (_, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "lab.v1");
}

#[tokio::test]
async fn bad_accept_is_refused_by_the_client() {
    let lab = lab().await;
    let (stage, message) =
        failure(&run(&lab.url("/bad-accept"), "x", 0, Timeouts::default()).await);
    assert_eq!(stage, Stage::Handshake);
    assert!(message.contains("Sec-WebSocket-Accept"), "{message}");
}

#[tokio::test]
async fn hang_times_out_the_handshake() {
    let lab = lab().await;
    let timeouts = Timeouts {
        handshake: Duration::from_millis(400),
        ..Timeouts::default()
    };
    let (stage, message) = failure(&run(&lab.url("/hang"), "x", 0, timeouts).await);
    assert_eq!(stage, Stage::Handshake);
    assert!(
        message.contains("did not answer the upgrade request"),
        "{message}"
    );
}

#[tokio::test]
async fn small_max_closes_1009_on_a_large_message() {
    let lab = lab().await;
    let small = run(&lab.url("/small-max"), "short", 0, Timeouts::default()).await;
    assert_eq!(received(&small), vec!["short"]);
    let large = run(
        &lab.url("/small-max"),
        &"x".repeat(100),
        0,
        Timeouts::default(),
    )
    .await;
    assert_eq!(closed(&large).0, 1009);
    assert_eq!(closed(&large).1, Initiator::Server);
}

#[tokio::test]
async fn redirect_is_reported_not_followed() {
    let lab = lab().await;
    let (_, message) = failure(&run(&lab.url("/redirect"), "x", 0, Timeouts::default()).await);
    assert!(
        message.contains("HTTP 301") && message.contains("redirect to /echo"),
        "{message}"
    );
}

#[tokio::test]
async fn tls_echo_is_untrusted_by_default_and_works_with_the_labs_ca() {
    let lab = lab().await;
    let (stage, message) = failure(&run(&lab.tls_url("/echo"), "x", 0, Timeouts::default()).await);
    assert_eq!(stage, Stage::Tls);
    assert!(message.contains("not trusted"), "{message}");

    let roots = wsdoctor_core::tls::certificates_from_pem(lab.ca_pem()).unwrap();
    let connector =
        tokio_rustls::TlsConnector::from(wsdoctor_core::tls::client_config(&roots).unwrap());
    let tcp = TcpStream::connect(lab.tls_addr()).await.unwrap();
    let tls = connector
        .connect("127.0.0.1".try_into().unwrap(), tcp)
        .await
        .expect("the lab's CA makes the certificate trusted");
    let (mut ws, _) = tokio_tungstenite::client_async(lab.tls_url("/echo"), tls)
        .await
        .unwrap();
    ws.send(Message::text("over tls")).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("over tls"));
}

async fn raw_exchange(lab: &Lab, request: &[u8]) -> String {
    let mut tcp = TcpStream::connect(lab.addr()).await.unwrap();
    tcp.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer))
        .await
        .expect("the lab answers and closes")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn plain_http_requests_get_clear_answers() {
    let lab = lab().await;
    let answer = raw_exchange(&lab, b"GET /echo HTTP/1.1\r\nHost: lab\r\n\r\n").await;
    assert!(
        answer.starts_with("HTTP/1.1 426 Upgrade Required"),
        "{answer}"
    );
    assert!(answer.contains("missing `Upgrade: websocket`"));
    let answer = raw_exchange(&lab, b"GET /nowhere HTTP/1.1\r\nHost: lab\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let answer = raw_exchange(&lab, b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n").await;
    assert!(answer.contains("/close-1011"), "{answer}");
    let answer = raw_exchange(&lab, b"\x16\x03\x01 this is not http\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[tokio::test]
async fn nothing_listens_after_shutdown() {
    let lab = lab().await;
    let url = lab.url("/echo");
    lab.shutdown().await;
    let (stage, message) = failure(&run(&url, "x", 0, Timeouts::default()).await);
    assert_eq!(stage, Stage::Tcp);
    assert!(message.contains("connection refused"), "{message}");
}
