//! The checklist items only a person can judge (what the browser's DevTools show, whether the app's own
//! handlers fire, whether a VPN is in the way), and the browser console errors explained, so a tester
//! can match what they see to a cause.

use serde::Serialize;
use ts_rs::TS;

use crate::report::{ManualCheck, ManualStatus, Section};

/// A manual item as the checklist offers it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ManualItem {
    pub id: String,
    pub section: Section,
    pub title: String,
    /// How to check it.
    pub help: String,
}

/// A message the browser console shows, and what it means.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleError {
    pub text: String,
    pub meaning: String,
    /// The catalog code it usually corresponds to.
    pub code: String,
}

const ITEMS: &[(&str, Section, &str, &str)] = &[
    (
        "devtools_101",
        Section::WebSocketSetup,
        "DevTools shows the WebSocket request with 101 Switching Protocols",
        "Open DevTools → Network → filter WS, reload, click the request: the status must be 101. Anything else (200, 400, 403, 426, a red (failed) entry) is the server's answer; its response headers say who answered.",
    ),
    (
        "console_clean",
        Section::FrontendConnection,
        "The browser console shows no WebSocket error",
        "Open DevTools → Console and reproduce. Click a message below to see what it means.",
    ),
    (
        "handlers_fire",
        Section::FrontendConnection,
        "The app's own onmessage and onclose handlers fire",
        "Add a breakpoint or a console.log in the app's onmessage/onclose, or watch DevTools → Network → the WS request → Messages while using the app.",
    ),
    (
        "network_path",
        Section::ProxyAndHttps,
        "Firewall, VPN and corporate proxy ruled out",
        "Try from another network (a phone hotspot) and with the VPN off; corporate proxies and SSL-inspecting firewalls often block or cut WebSockets.",
    ),
];

const CONSOLE_ERRORS: &[(&str, &str, &str)] = &[
    (
        "net::ERR_CONNECTION_REFUSED",
        "Nothing listens on that host and port, or a firewall rejects the connection.",
        "tcp.refused",
    ),
    (
        "net::ERR_CERT_AUTHORITY_INVALID",
        "The server's certificate is self-signed or from a CA the browser does not trust.",
        "tls.untrusted",
    ),
    (
        "net::ERR_CERT_DATE_INVALID",
        "The certificate has expired (or the computer's clock is wrong).",
        "tls.expired",
    ),
    (
        "net::ERR_CERT_COMMON_NAME_INVALID",
        "The certificate is for another host name.",
        "tls.hostname_mismatch",
    ),
    (
        "net::ERR_NAME_NOT_RESOLVED",
        "The host name does not resolve from this computer.",
        "dns.unresolved",
    ),
    (
        "Mixed Content: The page at 'https://…' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint 'ws://…'",
        "An https page may only open wss:// sockets.",
        "url.mixed_content",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 200",
        "The URL serves a normal page, not the socket: wrong path.",
        "handshake.not_websocket",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 400",
        "The server (or a proxy) rejected the upgrade: origin, subprotocol or missing upgrade headers.",
        "handshake.bad_request",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 403",
        "The server refuses this client, most often because of the page's Origin.",
        "handshake.origin_rejected",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 404",
        "Nothing is routed at that path.",
        "handshake.not_found",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 426",
        "A proxy dropped the Upgrade headers on the way to the server.",
        "proxy.upgrade_stripped",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 502",
        "The proxy cannot reach the backend.",
        "proxy.bad_gateway",
    ),
    (
        "Error during WebSocket handshake: Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received",
        "The page offered subprotocols and the server chose none: browsers fail this.",
        "subprotocol.not_negotiated",
    ),
    (
        "Error during WebSocket handshake: Incorrect 'Sec-WebSocket-Accept' header value",
        "The server or a proxy answered the handshake wrongly.",
        "handshake.invalid_accept",
    ),
    (
        "WebSocket is closed before the connection is established",
        "The page closed the socket (or navigated away) before it opened, or the server dropped it during the handshake.",
        "handshake.no_response",
    ),
    (
        "WebSocket connection to 'wss://…' failed: (no further detail)",
        "The connection dropped before or during the handshake: TLS failure, a proxy cut, or the server closed it. Run the automated checks for the cause.",
        "close.abnormal",
    ),
];

/// The manual items, in checklist order.
pub fn items() -> Vec<ManualItem> {
    ITEMS
        .iter()
        .map(|(id, section, title, help)| ManualItem {
            id: (*id).into(),
            section: *section,
            title: (*title).into(),
            help: (*help).into(),
        })
        .collect()
}

/// Unchecked results for every manual item, ready to be judged.
pub fn unchecked() -> Vec<ManualCheck> {
    ITEMS
        .iter()
        .map(|(id, section, title, _)| ManualCheck {
            id: (*id).into(),
            section: *section,
            title: (*title).into(),
            status: ManualStatus::Unchecked,
            note: String::new(),
        })
        .collect()
}

/// The browser console messages WS Doctor explains.
pub fn console_errors() -> Vec<ConsoleError> {
    CONSOLE_ERRORS
        .iter()
        .map(|(text, meaning, code)| ConsoleError {
            text: (*text).into(),
            meaning: (*meaning).into(),
            code: (*code).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn console_errors_point_at_catalog_codes() {
        for error in super::console_errors() {
            assert_eq!(crate::catalog::entry(&error.code).code, error.code);
        }
    }
}
