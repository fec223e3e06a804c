//! Opening a console connection with the same target options as a check: the route (proxy, TLS with a
//! CA file, a client certificate or --insecure) from `net`, then the upgrade with the target's headers,
//! Origin and subprotocols, each step within its timeout.

use futures_util::future::BoxFuture;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self};

use crate::net::route::Trust;
use crate::net::{Stream, Target};
use crate::target::CheckOptions;

/// The upgrade as it happened, for the session's first entry.
pub(crate) struct Opened {
    pub ws: WebSocketStream<Stream>,
    pub summary: String,
    pub protocol: Option<String>,
    pub extensions: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub response_status: u16,
    pub response_headers: Vec<(String, String)>,
}

/// The largest message a console session accepts from a server.
const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Connects to `parsed` (the session's URL, parsed once when it started) as `target` says, to speak
/// `dialect`: an MQTT session offers the `mqtt` subprotocol when the user offers none, as MQTT.js does.
pub(crate) fn open<'a>(
    target: &'a CheckOptions,
    parsed: &'a Target,
    dialect: crate::framework::Dialect,
) -> BoxFuture<'a, Result<Opened, String>> {
    Box::pin(async move {
        let route = target.route_to(parsed)?;
        let client = crate::target::client_tls(target).map_err(|e| e.to_string())?;
        let stream = route
            .open(Trust::Verify {
                client: &client,
                insecure: target.insecure,
            })
            .await?;

        let mut request = parsed
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        let mut add = |name: &str, value: &str| -> Result<(), String> {
            let value = HeaderValue::from_str(value)
                .map_err(|_| format!("the value of header {name} is not valid"))?;
            let name = tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            headers.insert(name, value);
            Ok(())
        };
        // The client's own headers (User-Agent and the rest), as a check sends them; tungstenite writes
        // Connection and offers no compression.
        for (name, value) in target.client.headers() {
            add(name, &value)?;
        }
        if let Some(origin) = &target.origin {
            add("Origin", origin)?;
        }
        // The browser's cookies that it would attach to this socket, as a check sends them.
        if let Some(path) = &target.cookie_file {
            let jar = crate::browser::cookie_jar::load(path)?;
            let page = target
                .page_url
                .as_deref()
                .and_then(|p| url::Url::parse(p).ok());
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let sent: Vec<String> = jar
                .iter()
                .filter(|c| {
                    crate::browser::cookie_jar::withheld_because(
                        c,
                        &parsed.url,
                        page.as_ref(),
                        target.client,
                        now,
                    )
                    .is_none()
                })
                .map(|c| format!("{}={}", c.name, c.value))
                .collect();
            if !sent.is_empty() {
                add("Cookie", &sent.join("; "))?;
            }
        }
        if !target.subprotocols.is_empty() {
            add("Sec-WebSocket-Protocol", &target.subprotocols.join(", "))?;
        } else if dialect == crate::framework::Dialect::Mqtt {
            add(
                "Sec-WebSocket-Protocol",
                crate::framework::mqtt::packet::SUBPROTOCOL,
            )?;
        }
        for (name, value) in &target.headers {
            add(name, value)?;
        }
        let request_headers = header_lines(request.headers());
        // Pongs owed to a server that floods pings and never reads wait in the write buffer: capped.
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE_BYTES))
            .max_frame_size(Some(MAX_MESSAGE_BYTES))
            .max_write_buffer_size(super::MAX_SEND_BYTES + (1 << 20));
        let handshake = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
        let (ws, response) = match tokio::time::timeout(target.handshake_timeout, handshake).await {
            Ok(Ok(pair)) => pair,
            Ok(Err(tungstenite::Error::Http(response))) => {
                let body = response
                    .body()
                    .as_deref()
                    .map(|b| {
                        String::from_utf8_lossy(b.get(..300).unwrap_or(b))
                            .trim()
                            .to_string()
                    })
                    .unwrap_or_default();
                return Err(format!(
                    "the server answered HTTP {} instead of 101{}",
                    response.status(),
                    if body.is_empty() {
                        String::new()
                    } else {
                        format!(": {body}")
                    }
                ));
            }
            Ok(Err(error)) => return Err(format!("the upgrade failed: {error}")),
            Err(_) => {
                return Err(format!(
                    "no answer to the upgrade within {} s",
                    target.handshake_timeout.as_secs_f32()
                ));
            }
        };
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let protocol = header("sec-websocket-protocol");
        let extensions = header("sec-websocket-extensions");
        let response_headers = header_lines(response.headers());
        Ok(Opened {
            ws,
            summary: format!(
                "open: HTTP {}{}",
                response.status().as_u16(),
                protocol
                    .as_ref()
                    .map(|p| format!(", subprotocol {p}"))
                    .unwrap_or_default()
            ),
            protocol,
            extensions,
            request_headers,
            response_status: response.status().as_u16(),
            response_headers,
        })
    })
}

/// Headers as (name, value) lines; a value that is not text is shown with replacement characters.
fn header_lines(headers: &tungstenite::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
