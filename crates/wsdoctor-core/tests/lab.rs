//! The lab against a real client: every endpoint behaves as its description says, seen through plain
//! tokio-tungstenite (what a user's own client would do), each exchange within a deadline.

use std::time::Duration;
use wsdoctor_core::assert_contains;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use wsdoctor_core::lab::{Lab, LabConfig, Outcome};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const STEP: Duration = Duration::from_secs(5);

async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

/// The upgrade, within `limit`: the socket, or the client's error (`None` when it did not finish in time).
async fn upgrade(request: Request, limit: Duration) -> Option<Result<Ws, WsError>> {
    tokio::time::timeout(limit, tokio_tungstenite::connect_async(request))
        .await
        .ok()
        .map(|result| result.map(|(ws, _)| ws))
}

async fn open(url: &str) -> Ws {
    upgrade(url.into_client_request().unwrap(), STEP)
        .await
        .expect("the upgrade finishes in time")
        .expect("the upgrade succeeds")
}

/// The HTTP answer that refused the upgrade: status, `Location`, body.
async fn refused(url: &str) -> (u16, String, String) {
    match upgrade(url.into_client_request().unwrap(), STEP).await {
        Some(Err(WsError::Http(response))) => (
            response.status().as_u16(),
            response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Some(Err(other)) => panic!("{url}: expected an HTTP refusal, got {other}"),
        Some(Ok(_)) => panic!("{url}: the upgrade was accepted"),
        None => panic!("{url}: no answer in time"),
    }
}

/// What the server does after `message`, until it closes, drops or stays silent for `quiet`.
#[derive(Debug, Default)]
struct Heard {
    texts: Vec<String>,
    /// The server's close frame: code and reason.
    close: Option<(u16, String)>,
    /// How the stream failed, if it did.
    error: Option<String>,
    /// Nothing more came within `quiet`.
    silent: bool,
}

async fn listen(ws: &mut Ws, quiet: Duration) -> Heard {
    let mut heard = Heard::default();
    loop {
        match tokio::time::timeout(quiet, ws.next()).await {
            Err(_) => {
                heard.silent = true;
                return heard;
            }
            Ok(None) => return heard,
            Ok(Some(Ok(Message::Text(text)))) => heard.texts.push(text.to_string()),
            Ok(Some(Ok(Message::Close(frame)))) => {
                heard.close = frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                return heard;
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(error))) => {
                heard.error = Some(error.to_string());
                return heard;
            }
        }
    }
}

async fn say(url: &str, message: &str, quiet: Duration) -> Heard {
    let mut ws = open(url).await;
    ws.send(Message::text(message)).await.unwrap();
    listen(&mut ws, quiet).await
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
        assert_contains!(endpoint.url, "127.0.0.1:");
        assert!(!endpoint.description.is_empty());
    }
    let origin = endpoints.iter().find(|e| e.id == "origin").unwrap();
    assert!(origin.description.contains(&lab.addr().port().to_string()));
}

#[tokio::test]
async fn echo_round_trip_ends_in_a_clean_close() {
    let lab = lab().await;
    let mut ws = open(&lab.url("/echo")).await;
    ws.send(Message::text("hello lab")).await.unwrap();
    let heard = listen(&mut ws, Duration::from_millis(300)).await;
    assert_eq!(heard.texts, vec!["hello lab"]);
    ws.close(None).await.unwrap();
    let after = listen(&mut ws, STEP).await;
    assert!(!after.silent && after.error.is_none(), "{after:?}");
}

#[tokio::test]
async fn close_1011_is_reported_with_its_meaning() {
    let lab = lab().await;
    let heard = say(&lab.url("/close-1011"), "hi", STEP).await;
    let (code, reason) = heard.close.expect("the server closes");
    assert_eq!(code, 1011);
    assert!(reason.contains("simulated server error"), "{reason}");
    assert!(wsdoctor_core::close_code::meaning(code).contains("Internal error"));
}

#[tokio::test]
async fn no_pong_answers_nothing_not_even_the_close() {
    let lab = lab().await;
    let mut ws = open(&lab.url("/no-pong")).await;
    ws.send(Message::text("anyone?")).await.unwrap();
    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    let heard = listen(&mut ws, Duration::from_millis(500)).await;
    assert!(heard.silent && heard.texts.is_empty(), "{heard:?}");
    ws.close(None).await.unwrap();
    let after = listen(&mut ws, Duration::from_millis(500)).await;
    assert!(after.silent, "the close was answered: {after:?}");
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
    let heard = say(&lab.url("/drop?after=1"), "still there?", STEP).await;
    assert_eq!(heard.texts, vec!["still there?"]);
    assert!(heard.close.is_none() && !heard.silent, "{heard:?}");
    let error = heard.error.expect("the stream ends in an error");
    assert!(error.contains("closing handshake"), "{error}");
}

#[tokio::test]
async fn plain_http_page_is_not_an_upgrade() {
    let lab = lab().await;
    assert_eq!(refused(&lab.url("/http")).await.0, 200);
}

#[tokio::test]
async fn auth_needs_the_bearer_token() {
    let lab = lab().await;
    assert_eq!(refused(&lab.url("/auth")).await.0, 401);

    let mut request = lab.url("/auth").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Authorization", "Bearer lab-token".parse().unwrap());
    let mut ws = upgrade(request, STEP).await.unwrap().unwrap();
    ws.send(Message::text("authorised")).await.unwrap();
    let heard = listen(&mut ws, Duration::from_millis(300)).await;
    assert_eq!(heard.texts, vec!["authorised"]);
}

#[tokio::test]
async fn origin_accepts_only_the_labs_own() {
    let lab = lab().await;
    assert_eq!(refused(&lab.url("/origin")).await.0, 403);
    let with_origin = |origin: &str| {
        let mut request = lab.url("/origin").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
        request
    };
    let evil = upgrade(with_origin("https://evil.example"), STEP).await;
    assert!(
        matches!(evil, Some(Err(WsError::Http(ref r))) if r.status() == 403),
        "{evil:?}"
    );
    let own = format!("http://{}", lab.addr());
    assert!(matches!(
        upgrade(with_origin(&own), STEP).await,
        Some(Ok(_))
    ));
}

#[tokio::test]
async fn subprotocol_is_required_and_negotiated() {
    let lab = lab().await;
    let (status, _, body) = refused(&lab.url("/subprotocol")).await;
    assert_eq!(status, 400);
    assert!(body.contains("subprotocol required"), "{body}");

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
    let result = upgrade(lab.url("/bad-accept").into_client_request().unwrap(), STEP).await;
    assert!(
        matches!(
            result,
            Some(Err(WsError::Protocol(
                ProtocolError::SecWebSocketAcceptKeyMismatch
            )))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn hang_times_out_the_handshake() {
    let lab = lab().await;
    let request = lab.url("/hang").into_client_request().unwrap();
    let result = upgrade(request, Duration::from_millis(400)).await;
    assert!(result.is_none(), "the hang endpoint answered: {result:?}");
}

#[tokio::test]
async fn small_max_closes_1009_on_a_large_message() {
    let lab = lab().await;
    let small = say(&lab.url("/small-max"), "short", Duration::from_millis(300)).await;
    assert_eq!(small.texts, vec!["short"]);
    let large = say(&lab.url("/small-max"), &"x".repeat(100), STEP).await;
    assert_eq!(
        large.close.as_ref().map(|(code, _)| *code),
        Some(1009),
        "{large:?}"
    );
}

#[tokio::test]
async fn redirect_is_reported_not_followed() {
    let lab = lab().await;
    let (status, location, _) = refused(&lab.url("/redirect")).await;
    assert_eq!((status, location.as_str()), (301, "/echo"));
}

#[tokio::test]
async fn tls_echo_is_untrusted_by_default_and_works_with_the_labs_ca() {
    let lab = lab().await;
    let addr = lab.tls_addr();
    let handshake = |roots: Vec<_>| async move {
        let connector =
            tokio_rustls::TlsConnector::from(wsdoctor_core::tls::client_config(&roots).unwrap());
        let tcp = TcpStream::connect(addr).await.unwrap();
        tokio::time::timeout(
            STEP,
            connector.connect("127.0.0.1".try_into().unwrap(), tcp),
        )
        .await
        .expect("the TLS handshake ends in time")
    };
    let Err(untrusted) = handshake(Vec::new()).await else {
        panic!("the lab's certificate is trusted without its CA");
    };
    assert!(
        untrusted.to_string().contains("UnknownIssuer"),
        "{untrusted}"
    );

    let roots = wsdoctor_core::tls::certificates_from_pem(lab.ca_pem()).unwrap();
    let tls = handshake(roots)
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
    tokio::time::timeout(STEP, tcp.read_to_end(&mut answer))
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
    let result = upgrade(url.into_client_request().unwrap(), STEP).await;
    assert!(
        matches!(result, Some(Err(WsError::Io(ref e))) if e.kind() == std::io::ErrorKind::ConnectionRefused),
        "{result:?}"
    );
}
