//! A refused upgrade (any status but 101) named: the status and the body read together with follow-up
//! requests (Origin retries, Socket.IO and SockJS at their paths, the backend directly, a STOMP
//! subprotocol, the path with and without its trailing slash), and the server that answered (an app
//! server that answered the upgrade as a plain request has no WebSocket handling at all).

use super::fingerprint::Fingerprint;
use super::follow_up;
use super::handshake::{UpgradeRequest, UpgradeResponse};
use crate::check::CheckOptions;
use crate::framework::Protocol;
use crate::net::{Route, parse_target};
use crate::report::{Evidence, Recorder};

/// Names the cause of a refused upgrade (any status but 101), with follow-up probes where they help.
#[allow(clippy::too_many_arguments)]
pub(super) async fn refused(
    rec: &mut Recorder,
    options: &CheckOptions,
    protocol: Protocol,
    route: &Route,
    request: &UpgradeRequest,
    response: &UpgradeResponse,
    fingerprint: &Fingerprint,
    host_header: &str,
    response_evidence: Evidence,
) {
    let status = response.status;
    let body = response.body_text().to_ascii_lowercase();
    let wants_origin_retry = matches!(status, 400 | 401 | 403);
    let wants_direct = options.direct.is_some() && matches!(status, 400 | 426 | 502 | 504);
    let direct_route = options.direct.as_deref().and_then(|d| parse_target(d).ok());
    // Secrets go only to the server they are for: another host named as the backend does not get them.
    let withheld: Vec<String> = match &direct_route {
        Some(direct) if !direct.host.eq_ignore_ascii_case(&route.host) => request
            .headers
            .iter()
            .filter(|(name, _)| rec.redactor.is_secret_header(name))
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    };

    // A STOMP target whose offer has no STOMP subprotocol: would the broker take one that has?
    let wants_stomp_retry = matches!(status, 400..=499)
        && protocol == Protocol::Stomp
        && !request
            .subprotocols
            .iter()
            .any(|p| crate::framework::STOMP_SUBPROTOCOLS.contains(&p.as_str()));
    let wants_near_path = matches!(status, 403 | 404 | 500);
    let (origin, framework, direct, stomp, near) = tokio::join!(
        async {
            if wants_origin_retry {
                Some(follow_up::origin_retries(route, request).await)
            } else {
                None
            }
        },
        async {
            // A redirect or an auth challenge is its own answer; a SockJS prefix answers 200 ("Welcome
            // to SockJS!"), which a Socket.IO server never does.
            let asks_elsewhere = status == 301 || status == 302 || status == 401;
            let page = (200..300).contains(&status);
            tokio::join!(
                async {
                    if asks_elsewhere || page {
                        None
                    } else {
                        follow_up::socketio(route, host_header).await
                    }
                },
                async {
                    if asks_elsewhere {
                        None
                    } else {
                        follow_up::sockjs(route, &request.path, host_header).await
                    }
                }
            )
        },
        async {
            let target = direct_route.as_ref().filter(|_| wants_direct)?;
            let direct = Route::to(
                target,
                None,
                options.connect_timeout,
                options.handshake_timeout,
            );
            let mut direct_request = request.clone();
            direct_request.path = target.path_and_query();
            direct_request.host_header = target.host_header();
            direct_request
                .headers
                .retain(|(name, _)| !withheld.contains(name));
            let result = follow_up::upgrade(&direct, &direct_request).await;
            Some((target.url.to_string(), result))
        },
        async {
            if !wants_stomp_retry {
                return None;
            }
            let mut offering = request.clone();
            offering.subprotocols = crate::framework::STOMP_SUBPROTOCOLS
                .iter()
                .map(|p| p.to_string())
                .collect();
            Some(follow_up::upgrade(route, &offering).await)
        },
        async {
            if wants_near_path {
                follow_up::near_path_answers(route, request).await
            } else {
                None
            }
        }
    );

    let mut evidence = vec![response_evidence];
    let stomp_needs_subprotocol = matches!(&stomp, Some(Ok(r)) if r.status == 101);
    if let Some(result) = &stomp {
        evidence.push(Evidence::new(
            "Follow-up: offering v12.stomp, v11.stomp, v10.stomp",
            follow_up::describe("the same upgrade", result),
        ));
    }
    let mut origin_rejected = false;
    if let Some((lines, accepted)) = &origin {
        evidence.push(Evidence::new("Follow-up: Origin", lines.join("\n")));
        origin_rejected = *accepted;
    }
    let mut backend_works = false;
    if let Some((url, result)) = &direct {
        backend_works = matches!(result, Ok(r) if r.status == 101);
        let mut line = follow_up::describe(&rec.redactor.url(url), result);
        if !withheld.is_empty() {
            line.push_str(&format!(
                "\n(not sent to the backend, another host than the target: {})",
                withheld.join(", ")
            ));
        }
        evidence.push(Evidence::new("Follow-up: the backend directly", line));
    }
    let proxied = fingerprint.proxy.is_some();
    let auth_hint = response.header("WWW-Authenticate").is_some()
        || ["token", "auth", "credential", "unauthori", "login", "jwt"]
            .iter()
            .any(|w| body.contains(w));
    let mentions_subprotocol =
        body.contains("subprotocol") || body.contains("sec-websocket-protocol");
    let mentions_origin = body.contains("origin");
    let mentions_upgrade = body.contains("upgrade") || body.contains("websocket protocol");

    // An app server that routed the upgrade as a plain request: nothing handles WebSockets there.
    let plain_answer = matches!(status, 200..=299 | 404 | 405);
    let powered_by = response.header("X-Powered-By").unwrap_or("");
    let express = powered_by.to_ascii_lowercase().contains("express")
        || body.contains(&format!("cannot get {}", request.path.to_ascii_lowercase()));
    if plain_answer && express {
        evidence.insert(
            0,
            Evidence::new(
                "Answered by",
                "Express (X-Powered-By: Express), as a plain GET: no WebSocket server is attached to the HTTP server that listens here",
            ),
        );
    } else if plain_answer && plain_asgi(response) {
        evidence.insert(0, Evidence::new("Answered by", PLAIN_ASGI));
    }
    if let Some(near) = &near {
        evidence.insert(
            0,
            Evidence::new(
                "Follow-up: the near path",
                format!(
                    "`{near}` answers 101 Switching Protocols: the route is written {} the trailing slash",
                    if near.split('?').next().unwrap_or("").ends_with('/') { "with" } else { "without" }
                ),
            ),
        );
    }
    let daphne = daphne_refusal(response);
    if daphne {
        evidence.insert(0, Evidence::new("Answered by", DAPHNE_500));
    }
    if let Some(reason) = own_reason(status, response) {
        evidence.insert(0, Evidence::new("The server's reason", reason));
    }

    let code = match status {
        _ if stomp_needs_subprotocol => "stomp.no_subprotocol",
        _ if plain_answer && express => "server.upgrade_not_handled",
        _ if plain_answer && plain_asgi(response) => "server.websocket_unsupported",
        403 | 404 | 500 if near.is_some() => "handshake.not_found",
        500 if daphne => "handshake.not_found",
        200..=299 => "handshake.not_websocket",
        300..=399 => {
            if let Some(location) = response.header("Location") {
                evidence.push(Evidence::new("Redirects to", location.to_string()));
            }
            "handshake.redirect"
        }
        400 if body.contains("plain http request was sent to https port") => "url.needs_wss",
        431 => "handshake.headers_too_large",
        // nginx past `large_client_header_buffers` (4 × 8k by default), and others' wording.
        400 if body.contains("header or cookie too large")
            || body.contains("headers too large") =>
        {
            "handshake.headers_too_large"
        }
        429 => "handshake.rate_limited",
        // nginx with `ssl_verify_client on` completes TLS, then answers this.
        400 if body.contains("no required ssl certificate was sent") => "tls.client_cert_required",
        400 if request.subprotocols.is_empty() && mentions_subprotocol => "subprotocol.required",
        400 | 401 | 403 if origin_rejected => "handshake.origin_rejected",
        400 | 403 if mentions_origin => "handshake.origin_rejected",
        // A backend that saw no upgrade says so (gorilla: "'upgrade' token not found"); behind a proxy
        // that, or a backend that accepts when probed directly, means the proxy dropped the headers.
        400 if proxied && (backend_works || mentions_upgrade) && !mentions_subprotocol => {
            "proxy.upgrade_stripped"
        }
        400 => "handshake.bad_request",
        401 => "handshake.auth_required",
        403 if auth_hint => "handshake.auth_required",
        403 => "handshake.forbidden",
        404 => "handshake.not_found",
        426 if proxied || backend_works => "proxy.upgrade_stripped",
        426 => "handshake.upgrade_required",
        502 | 504 => "proxy.bad_gateway",
        // A proxy's own 503 (HAProxy with no server up, Apache's mod_proxy failing to connect).
        503 if body.contains("no server is available")
            || (fingerprint.proxy == Some("Apache httpd")
                && body.contains("temporarily unable to service your")) =>
        {
            "proxy.bad_gateway"
        }
        500..=599 => "handshake.server_error",
        _ => "handshake.bad_request",
    };
    match code {
        "handshake.headers_too_large" => {
            evidence.push(Evidence::new("Request headers", request.header_sizes()));
        }
        "handshake.rate_limited" => evidence.push(Evidence::new(
            "Retry-After",
            response
                .header("Retry-After")
                .map_or("(not given)".to_string(), |after| {
                    format!("{after} (seconds or a date)")
                }),
        )),
        _ => {}
    }
    rec.diagnose(code, evidence);
    let (socketio, sockjs) = framework;
    if let Some(line) = socketio {
        rec.diagnose(
            "socketio.detected",
            vec![Evidence::new("Follow-up: Socket.IO", line)],
        );
    }
    if let Some(line) = sockjs {
        rec.diagnose(
            "sockjs.detected",
            vec![Evidence::new("Follow-up: SockJS", line)],
        );
    }
}

/// The reason a refusal gives in its own words: a short plain-text body (what `ws`'s `verifyClient`
/// and `abortHandshake` send), not an HTML error page.
fn own_reason(status: u16, response: &UpgradeResponse) -> Option<String> {
    if !(400..500).contains(&status) {
        return None;
    }
    let body = response.body_text();
    let generic = crate::report::capped(&body, 300) != body
        || body.is_empty()
        || body.contains('<')
        || body.eq_ignore_ascii_case(&response.reason);
    (!generic).then_some(body)
}

/// Said of an upgrade answered by uvicorn's HTTP protocol.
pub(in crate::check) const PLAIN_ASGI: &str = "uvicorn, as a plain HTTP request: it does that when no WebSocket library (websockets, wsproto) is installed";

/// Whether an ASGI server answered the upgrade as plain HTTP: uvicorn's HTTP protocol signs its answers
/// `server: uvicorn`, and with a WebSocket library installed an upgrade never reaches it (a refusal then
/// comes from the WebSocket library, without that header).
pub(in crate::check) fn plain_asgi(response: &UpgradeResponse) -> bool {
    response.status != 101
        && response
            .header("Server")
            .is_some_and(|s| s.trim().to_ascii_lowercase().starts_with("uvicorn"))
}

/// Who refused a WebSocket transport, when that names the cause.
pub(in crate::check) enum RefusedBy {
    /// An ASGI server without WebSocket support: [`PLAIN_ASGI`].
    PlainAsgi,
    /// A proxy in front passed the request on without its upgrade (the backend answered it as plain
    /// HTTP: 200, 400 or 426 through the proxy).
    StrippingProxy(&'static str),
}

pub(in crate::check) fn refused_by(response: &UpgradeResponse) -> Option<RefusedBy> {
    if plain_asgi(response) {
        return Some(RefusedBy::PlainAsgi);
    }
    let proxy = Fingerprint::of(response).proxy?;
    matches!(response.status, 200..=299 | 400 | 426).then_some(RefusedBy::StrippingProxy(proxy))
}

/// Said of Daphne's bare 500 to an upgrade.
const DAPHNE_500: &str = "Daphne (Django Channels), with a bare 500: it answers so when the application raises before accepting the socket. Most often Channels' URLRouter has no route for the path (\"No route found for path\" in the server's log: URLRouter patterns have no leading slash, and `ws/chat/` does not match `ws/chat`); else an exception in the consumer's connect(), whose traceback is in the log";

/// Daphne's refusal when the ASGI application raised before accepting: Autobahn's bare
/// `500 Internal server error`, without a single header.
fn daphne_refusal(response: &UpgradeResponse) -> bool {
    response.status == 500
        && response.reason == "Internal server error"
        && response.headers.is_empty()
}
