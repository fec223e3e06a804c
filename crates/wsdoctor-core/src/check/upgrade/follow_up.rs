//! Follow-up probes: when the upgrade is refused, a few more requests turn the symptom into a cause.
//! A retry without the Origin (or with the target's own) tells an origin check from auth or routing; a
//! Socket.IO polling request tells a Socket.IO server; the backend behind a proxy (`--direct`) tells
//! whether the proxy is to blame. They run concurrently, each with the run's own timeouts.

use crate::check::upgrade::handshake::{self, Exchange, UpgradeRequest, UpgradeResponse};
use crate::net::Route;
use crate::net::route::Trust;

/// Sends an upgrade request on a fresh connection and returns the response.
pub(crate) async fn upgrade(
    route: &Route,
    request: &UpgradeRequest,
) -> Result<UpgradeResponse, String> {
    let stream = route.open(Trust::Any).await?;
    answer(handshake::exchange(stream, request, route.handshake_timeout).await)
}

/// Sends a plain GET on a fresh connection and returns the response.
async fn get(route: &Route, path: &str, host_header: &str) -> Result<UpgradeResponse, String> {
    let stream = route.open(Trust::Any).await?;
    let request = handshake::get_request(path, host_header);
    answer(handshake::exchange_bytes(stream, request.as_bytes(), route.handshake_timeout).await)
}

/// Whether the port completes a TLS handshake (to tell a ws:// URL aimed at a TLS port).
/// The path with its trailing slash toggled (`/ws` and `/ws/`), its query kept; none for `/`.
pub(crate) fn near_path(path_and_query: &str) -> Option<String> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    if path.is_empty() || path == "/" {
        return None;
    }
    let near = match path.strip_suffix('/') {
        Some(without) => without.to_string(),
        None => format!("{path}/"),
    };
    Some(match query {
        Some(query) => format!("{near}?{query}"),
        None => near,
    })
}

/// The near path ([`near_path`]), when the same upgrade succeeds there.
pub(crate) async fn near_path_answers(route: &Route, request: &UpgradeRequest) -> Option<String> {
    let near = near_path(&request.path)?;
    let asked = UpgradeRequest {
        path: near.clone(),
        ..request.clone()
    };
    matches!(upgrade(route, &asked).await, Ok(response) if response.status == 101).then_some(near)
}

pub(crate) async fn speaks_tls(route: &Route) -> bool {
    let tls_route = Route {
        secure: true,
        ..route.clone()
    };
    tls_route.open(Trust::Any).await.is_ok()
}

/// The response of an exchange, or why there is none.
pub(in crate::check) fn answer(exchange: Exchange) -> Result<UpgradeResponse, String> {
    match exchange {
        Exchange::Answered { response, .. } => Ok(response),
        Exchange::Timeout { .. } => Err("no answer in time".into()),
        Exchange::Closed { .. } => Err("closed without an answer".into()),
        Exchange::Invalid { reason, .. } => Err(reason),
        Exchange::Broken { error } => Err(error),
    }
}

/// One follow-up's outcome, as a line of evidence.
pub(crate) fn describe(what: &str, result: &Result<UpgradeResponse, String>) -> String {
    match result {
        Ok(response) => format!("{what}: HTTP {} {}", response.status, response.reason),
        Err(error) => format!("{what}: {error}"),
    }
}

/// Retries the upgrade without the Origin and with the target's own. Returns the evidence lines and
/// whether a retry was accepted (101).
pub(crate) async fn origin_retries(
    route: &Route,
    original: &UpgradeRequest,
) -> (Vec<String>, bool) {
    let own = route.own_origin();
    let without = original.origin.is_some().then(|| UpgradeRequest {
        origin: None,
        key: original.key.clone(),
        ..original.clone()
    });
    let with_own = (original.origin.as_deref() != Some(own.as_str())).then(|| UpgradeRequest {
        origin: Some(own.clone()),
        ..original.clone()
    });
    let (without_result, own_result) = tokio::join!(
        async {
            match &without {
                Some(request) => Some(upgrade(route, request).await),
                None => None,
            }
        },
        async {
            match &with_own {
                Some(request) => Some(upgrade(route, request).await),
                None => None,
            }
        }
    );
    let mut lines = Vec::new();
    let mut accepted = false;
    if let Some(result) = &without_result {
        accepted |= matches!(result, Ok(r) if r.status == 101);
        lines.push(describe("Retried without an Origin header", result));
    }
    if let Some(result) = &own_result {
        accepted |= matches!(result, Ok(r) if r.status == 101);
        lines.push(describe(&format!("Retried with Origin {own}"), result));
    }
    (lines, accepted)
}

/// Asks for an Engine.IO polling handshake; returns the evidence when the host serves Socket.IO.
pub(crate) async fn socketio(route: &Route, host_header: &str) -> Option<String> {
    let path = "/socket.io/?EIO=4&transport=polling";
    let response = get(route, path, host_header).await.ok()?;
    let body = response.body_text();
    (response.status == 200
        && body.contains("\"sid\"")
        && (body.starts_with('0') || body.contains(":0{")))
    .then(|| {
        format!(
            "GET {path} → HTTP 200: {}",
            crate::report::capped(&body, 200)
        )
    })
}

/// Asks for SockJS's `/info` under the request's path; returns the evidence when a SockJS server answers.
pub(crate) async fn sockjs(route: &Route, path: &str, host_header: &str) -> Option<String> {
    let prefix = crate::framework::sockjs::prefix(path.split('?').next().unwrap_or(path));
    let response = get(route, &format!("{prefix}/info"), host_header)
        .await
        .ok()?;
    let info = crate::framework::sockjs::read_info(&response.body_text())?;
    Some(format!(
        "GET {prefix}/info → SockJS (websocket: {}); its raw WebSocket endpoint is {prefix}/websocket",
        info.websocket
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_near_path_toggles_the_trailing_slash_and_keeps_the_query() {
        assert_eq!(near_path("/ws").as_deref(), Some("/ws/"));
        assert_eq!(near_path("/ws/chat/").as_deref(), Some("/ws/chat"));
        assert_eq!(near_path("/ws?token=1").as_deref(), Some("/ws/?token=1"));
        assert_eq!(near_path("/"), None);
        assert_eq!(near_path("/?a=1"), None);
    }
}
