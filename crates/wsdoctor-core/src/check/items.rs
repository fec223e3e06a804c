//! The live checklist items, each id, section and title written once: the plan announces them, the
//! layers record them, and a failure skips the ones after it, all from these constants.

use super::CheckOptions;
use crate::framework::Protocol;
pub(crate) use crate::report::Item;
use crate::report::Section;
use crate::target::RunPlan;

const fn item(id: &'static str, section: Section, title: &'static str) -> Item {
    Item { id, section, title }
}

pub(crate) const URL: Item = item("url", Section::FrontendConnection, "URL");
/// The cookies a browser would attach to the handshake (`--cookies`).
pub(crate) const COOKIES: Item = item("cookies", Section::FrontendConnection, "Cookies sent");
/// The Content-Security-Policy of the page that opens the socket (`--page-url`).
pub(crate) const PAGE_POLICY: Item = item(
    "page_policy",
    Section::FrontendConnection,
    "Page's Content-Security-Policy",
);
pub(crate) const DNS: Item = item("dns", Section::ServerHealth, "DNS");
pub(crate) const TCP: Item = item("tcp", Section::ServerHealth, "TCP connection");
pub(crate) const PROXY: Item = item("proxy", Section::ProxyAndHttps, "HTTP proxy");
pub(crate) const TLS: Item = item("tls", Section::ProxyAndHttps, "TLS");
pub(crate) const HANDSHAKE: Item = item("handshake", Section::WebSocketSetup, "Upgrade handshake");
pub(crate) const ORIGIN: Item = item("origin", Section::WebSocketSetup, "Origin");
pub(crate) const SUBPROTOCOL: Item = item("subprotocol", Section::WebSocketSetup, "Subprotocol");
pub(crate) const MESSAGE: Item = item("message", Section::DebuggingDetails, "Test message");
pub(crate) const PING: Item = item("ping", Section::WebSocketSetup, "Ping / pong");
/// What framework a plain WebSocket target turned out to speak (Socket.IO, Phoenix, ActionCable, SignalR).
pub(crate) const FRAMEWORK: Item = item("framework", Section::Framework, "Framework");
pub(crate) const MESSAGE_SIZE: Item =
    item("message_size", Section::WebSocketSetup, "Large message");
pub(crate) const IDLE: Item = item("idle", Section::ProxyAndHttps, "Idle connection");
pub(crate) const CLOSE: Item = item("close", Section::DebuggingDetails, "Closing handshake");
/// The framework items' section, after the WebSocket setup they build on.
const FRAMEWORKS: Section = Section::Framework;
pub(crate) const STOMP_CONNECT: Item = item("stomp_connect", FRAMEWORKS, "STOMP CONNECT");
pub(crate) const SOCKJS_INFO: Item = item("sockjs_info", FRAMEWORKS, "SockJS info");
pub(crate) const GRAPHQL_INIT: Item = item("graphql_init", FRAMEWORKS, "GraphQL connection_init");
pub(crate) const MQTT_CONNECT: Item = item("mqtt_connect", FRAMEWORKS, "MQTT CONNECT");
pub(crate) const SOCKETIO_OPEN: Item = item("socketio_open", FRAMEWORKS, "Socket.IO handshake");
pub(crate) const SOCKETIO_NAMESPACE: Item =
    item("socketio_namespace", FRAMEWORKS, "Socket.IO namespace");
pub(crate) const SOCKETIO_UPGRADE: Item =
    item("socketio_upgrade", FRAMEWORKS, "Socket.IO transport");

/// The items after the upgrade, skipped together when it fails.
fn after_upgrade(options: &CheckOptions, protocol: Protocol) -> Vec<Item> {
    let framework = match protocol {
        Protocol::GraphqlWs => Some(GRAPHQL_INIT),
        Protocol::Stomp => Some(STOMP_CONNECT),
        Protocol::Mqtt => Some(MQTT_CONNECT),
        _ => None,
    };
    if let Some(framework) = framework {
        let mut list = vec![ORIGIN, SUBPROTOCOL, framework];
        list.extend(options.idle.map(|_| IDLE));
        return list;
    }
    let mut list = vec![ORIGIN, SUBPROTOCOL, MESSAGE, PING, FRAMEWORK];
    if options.probe_size.is_some() {
        list.push(MESSAGE_SIZE);
    }
    if options.idle.is_some() {
        list.push(IDLE);
    }
    list.push(CLOSE);
    list
}

/// Every live item in the order they run (`proxy` only when one is used).
pub(crate) fn all(options: &CheckOptions, run: &RunPlan) -> Vec<Item> {
    let mut list = vec![URL];
    if options.page_url.is_some() {
        list.push(PAGE_POLICY);
    }
    if options.cookie_file.is_some()
        || !crate::browser::cookie_jar::header_cookie_names(&options.headers).is_empty()
    {
        list.push(COOKIES);
    }
    list.extend([DNS, TCP]);
    if run.proxied(options) {
        list.push(PROXY);
    }
    list.push(TLS);
    let protocol = run.protocol;
    if protocol == Protocol::Socketio {
        list.extend([SOCKETIO_OPEN, SOCKETIO_NAMESPACE, SOCKETIO_UPGRADE]);
        list.extend(options.idle.map(|_| IDLE));
    } else {
        if protocol == Protocol::Sockjs || run.inside_sockjs {
            list.push(SOCKJS_INFO);
        }
        list.push(HANDSHAKE);
        list.extend(after_upgrade(options, protocol));
    }
    list
}
