//! Who stands in front of the server. A working upgrade through HAProxy or Apache looks like the
//! backend's own (neither adds a header to a 101), so when a cause depends on the proxy (an idle cut, a
//! stripped upgrade, a backend out of reach) one more request asks the first HTTP server on the path to
//! answer for itself: a header name with a space in it, which RFC 9110 forbids, is refused by whichever
//! server reads it first, with that server's own error page. The cause then gets the fix in that proxy's
//! own terms.

use super::upgrade::fingerprint::Fingerprint;
use super::upgrade::follow_up;
use super::upgrade::handshake;
use crate::net::Route;
use crate::net::route::Trust;
use crate::report::{Evidence, Recorder};

/// The causes whose fix depends on the proxy in front.
const PROXY_CAUSES: [&str; 3] = [
    "idle.timeout",
    "proxy.upgrade_stripped",
    "proxy.bad_gateway",
];

/// Adds to each proxy-dependent cause named in this run which proxy answered and its own fix.
pub(super) async fn amend(rec: &mut Recorder, route: &Route) {
    let causes: Vec<&str> = PROXY_CAUSES
        .into_iter()
        .filter(|code| rec.has(code))
        .collect();
    if causes.is_empty() {
        return;
    }
    let (proxy, how) = match ask(route).await {
        Ok((fingerprint, status_line)) => (
            fingerprint.proxy,
            format!(
                "from its answer to a malformed request: {status_line} ({})",
                fingerprint.describe()
            ),
        ),
        Err(error) => (None, format!("a malformed request got no answer: {error}")),
    };
    for code in causes {
        let mut evidence = vec![Evidence::new(
            "In front",
            match proxy {
                Some(proxy) => format!("{proxy}, {how}"),
                None => format!("no proxy recognised, {how}"),
            },
        )];
        if let Some(fix) = proxy.and_then(|p| fix(code, p)) {
            evidence.push(Evidence::new(
                format!("Fix for {}", proxy.unwrap_or("")),
                fix,
            ));
        }
        rec.amend(code, evidence);
    }
}

/// Sends the request no server forwards and reads who refused it.
async fn ask(route: &Route) -> Result<(Fingerprint, String), String> {
    let stream = route.open(Trust::Any).await?;
    let host = if route.host.contains(':') {
        format!("[{}]:{}", route.host, route.port)
    } else {
        format!("{}:{}", route.host, route.port)
    };
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nWS Doctor Probe: which server answers\r\nConnection: close\r\n\r\n"
    );
    let response = follow_up::answer(
        handshake::exchange_bytes(stream, request.as_bytes(), route.handshake_timeout).await,
    )?;
    let status_line = format!("HTTP {} {}", response.status, response.reason);
    Ok((Fingerprint::of(&response), status_line))
}

/// The fix for `code` in the terms of the proxy named by [`Fingerprint`].
fn fix(code: &str, proxy: &str) -> Option<String> {
    let text = match (code, proxy) {
        ("idle.timeout", "HAProxy") => {
            "Set `timeout tunnel 1h` in the backend (or defaults) that carries the WebSocket. Once the \
             upgrade is done HAProxy times the tunnel with `timeout tunnel`; without one, `timeout client` \
             and `timeout server` (often 30–50 s) cut every silent WebSocket:\n\n    backend ws\n        \
             timeout tunnel 1h\n        server app 127.0.0.1:8080"
        }
        ("idle.timeout", "Apache httpd") => {
            "Raise the proxy's timeout for the WebSocket path: `ProxyPass /ws/ http://backend/ \
             upgrade=websocket timeout=3600` (or `ProxyTimeout 3600`). Without either Apache uses its \
             `Timeout` (60 s by default) for a tunnel that carries no data."
        }
        ("idle.timeout", name) if name.starts_with("nginx") => {
            "Raise `proxy_read_timeout` (and `proxy_send_timeout`) in the WebSocket location, e.g. \
             `proxy_read_timeout 3600s;`: nginx closes a proxied connection that is silent that long (60 s \
             by default)."
        }
        ("proxy.upgrade_stripped", "Apache httpd") => {
            "Let Apache pass the upgrade: `ProxyPass /ws/ http://backend/ upgrade=websocket` (Apache \
             2.4.47+, with mod_proxy_http), or enable mod_proxy_wstunnel and proxy to `ws://backend/`. \
             Without either Apache forwards the request without `Upgrade`, and the backend answers it as \
             plain HTTP."
        }
        ("proxy.upgrade_stripped", "HAProxy") => {
            "HAProxy passes upgrades on its own in `mode http`: look for a rule that removes them \
             (`http-request del-header Upgrade`, `http-request set-header Connection close`) in the \
             frontend or backend and drop it for the WebSocket path."
        }
        ("proxy.bad_gateway", "HAProxy") => {
            "HAProxy has no server up for this backend (503 \"No server is available\") or the server did \
             not answer within `timeout server` (504): check the `server` line's address and port, and \
             the health check (`option httpchk`) marking it down."
        }
        ("proxy.bad_gateway", "Apache httpd") => {
            "Apache could not reach the backend (503 from mod_proxy): check the ProxyPass target's address \
             and port and Apache's error log (AH00957: connect to the backend failed)."
        }
        _ => return None,
    };
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_proxy_gets_its_own_idle_fix() {
        assert!(
            fix("idle.timeout", "HAProxy")
                .unwrap()
                .contains("timeout tunnel")
        );
        assert!(
            fix("idle.timeout", "Apache httpd")
                .unwrap()
                .contains("ProxyTimeout")
        );
        assert!(
            fix("idle.timeout", "nginx (OpenResty)")
                .unwrap()
                .contains("proxy_read_timeout")
        );
        assert!(
            fix("proxy.upgrade_stripped", "Apache httpd")
                .unwrap()
                .contains("upgrade=websocket")
        );
        assert_eq!(fix("idle.timeout", "Caddy"), None);
    }
}
