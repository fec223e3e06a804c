//! The lab's endpoints: where each lives, what it does and what a client should see there.
//!
//! This table is the single source for the server's routing, the CLI's listing and the app's picker, so the
//! descriptions a user reads always match the behaviour they get.

use serde::Serialize;
use ts_rs::TS;

/// What an endpoint does after it has read the upgrade request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    Echo,
    Close1011,
    NoPong,
    Drop,
    PlainHttp,
    Auth,
    Origin,
    Subprotocol,
    BadAccept,
    Hang,
    SmallMax,
    Redirect,
    Flood,
    /// Served by the lab's Socket.IO servers (`lab/socketio.rs`), not by this table's routing.
    SocketIo,
}

/// Whether a correct client succeeds at an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// A correct client connects and works.
    Healthy,
    /// Works only when the client sends what the endpoint asks for (a token, an origin, a subprotocol).
    Conditional,
    /// Fails in a known way, whatever the client does.
    Broken,
}

pub(crate) struct Spec {
    /// A stable identifier (the path without its slash, for the plain endpoints).
    pub id: &'static str,
    /// The path and query a client connects to.
    pub path: &'static str,
    pub behaviour: Behaviour,
    pub outcome: Outcome,
    pub title: &'static str,
    pub description: &'static str,
    pub observe_secs: u32,
}

/// The bearer token `/auth` accepts.
pub const LAB_TOKEN: &str = "lab-token";
/// The subprotocol `/subprotocol` requires.
pub const LAB_SUBPROTOCOL: &str = "lab.v1";
/// The largest message `/small-max` accepts, in bytes.
pub const SMALL_MAX_BYTES: usize = 64;
/// Messages `/flood` sends unless `?n=N` says otherwise, and the most it sends.
pub const DEFAULT_FLOOD_MESSAGES: u64 = 100_000;
pub const MAX_FLOOD_MESSAGES: u64 = 1_000_000;
/// Seconds `/drop` waits before cutting the connection, unless `?after=N` says otherwise.
pub const DEFAULT_DROP_AFTER_SECS: u64 = 2;

pub(crate) const SPECS: &[Spec] = &[
    Spec {
        id: "echo",
        path: "/echo",
        behaviour: Behaviour::Echo,
        outcome: Outcome::Healthy,
        title: "Healthy echo",
        description: "Sends every text and binary message back unchanged and answers pings.",
        observe_secs: 0,
    },
    Spec {
        id: "close-1011",
        path: "/close-1011",
        behaviour: Behaviour::Close1011,
        outcome: Outcome::Broken,
        title: "Server error on open",
        description: "Accepts the upgrade, then closes at once with 1011, like a backend that fails on connect.",
        observe_secs: 0,
    },
    Spec {
        id: "no-pong",
        path: "/no-pong",
        behaviour: Behaviour::NoPong,
        outcome: Outcome::Broken,
        title: "Never answers pings",
        description: "Accepts the upgrade, then ignores every frame: pings go unanswered, like a hung server.",
        observe_secs: 0,
    },
    Spec {
        id: "drop",
        path: "/drop",
        behaviour: Behaviour::Drop,
        outcome: Outcome::Broken,
        title: "Drops the connection",
        description: "Echoes, then after 2 s (?after=N) cuts TCP without a close frame (1006), like a proxy idle timeout.",
        observe_secs: DEFAULT_DROP_AFTER_SECS as u32 + 1,
    },
    Spec {
        id: "http",
        path: "/http",
        behaviour: Behaviour::PlainHttp,
        outcome: Outcome::Broken,
        title: "Plain web page",
        description: "Answers 200 with an HTML page and no upgrade, like a URL that points at the web app, not the socket.",
        observe_secs: 0,
    },
    Spec {
        id: "auth",
        path: "/auth",
        behaviour: Behaviour::Auth,
        outcome: Outcome::Conditional,
        title: "Needs a bearer token",
        description: "Answers 401 unless the request carries `Authorization: Bearer lab-token`.",
        observe_secs: 0,
    },
    Spec {
        id: "origin",
        path: "/origin",
        behaviour: Behaviour::Origin,
        outcome: Outcome::Conditional,
        title: "Checks the Origin",
        description: "Answers 403 unless the Origin header is the lab's own origin (http://127.0.0.1:PORT).",
        observe_secs: 0,
    },
    Spec {
        id: "subprotocol",
        path: "/subprotocol",
        behaviour: Behaviour::Subprotocol,
        outcome: Outcome::Conditional,
        title: "Requires a subprotocol",
        description: "Answers 400 unless the client offers the subprotocol `lab.v1`.",
        observe_secs: 0,
    },
    Spec {
        id: "bad-accept",
        path: "/bad-accept",
        behaviour: Behaviour::BadAccept,
        outcome: Outcome::Broken,
        title: "Wrong Sec-WebSocket-Accept",
        description: "Answers 101 with a Sec-WebSocket-Accept that does not match the key: every client must refuse it.",
        observe_secs: 0,
    },
    Spec {
        id: "hang",
        path: "/hang",
        behaviour: Behaviour::Hang,
        outcome: Outcome::Broken,
        title: "Never answers the handshake",
        description: "Reads the upgrade request and never replies, like a stuck server or a firewall that eats the request.",
        observe_secs: 0,
    },
    Spec {
        id: "small-max",
        path: "/small-max",
        behaviour: Behaviour::SmallMax,
        outcome: Outcome::Broken,
        title: "Tiny message size limit",
        description: "Echoes messages up to 64 bytes and closes with 1009 (message too big) on anything larger.",
        observe_secs: 0,
    },
    Spec {
        id: "redirect",
        path: "/redirect",
        behaviour: Behaviour::Redirect,
        outcome: Outcome::Broken,
        title: "Redirects",
        description: "Answers 301 to /echo: browsers do not follow redirects on a WebSocket upgrade.",
        observe_secs: 0,
    },
    Spec {
        id: "flood",
        path: "/flood",
        behaviour: Behaviour::Flood,
        outcome: Outcome::Healthy,
        title: "Flood of messages",
        description: "Sends 100,000 text messages of 100 bytes (?n=N, up to 1,000,000) as fast as it can, or ?rate=R a second, then closes: for the console under load.",
        observe_secs: 0,
    },
    Spec {
        id: "socketio",
        path: "/socket.io/",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Healthy,
        title: "Socket.IO server",
        description: "A Socket.IO 4 server (socketioxide): polling, then the upgrade to WebSocket; the main namespace echoes `message` events; pings every 5 s. Without CORS: a page on another origin (--origin) cannot poll it.",
        observe_secs: 0,
    },
    Spec {
        id: "socketio-auth",
        path: "/sio-auth/socket.io/",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Conditional,
        title: "Socket.IO behind a middleware",
        description: "The main namespace's middleware refuses a client without the auth payload {\"token\": \"lab-token\"} (CONNECT_ERROR \"not authorized\").",
        observe_secs: 0,
    },
    Spec {
        id: "socketio-no-namespace",
        path: "/sio-no-main/socket.io/",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Broken,
        title: "Socket.IO without the namespace",
        description: "Only the namespace /chat exists: joining the main namespace is refused with \"Invalid namespace\".",
        observe_secs: 0,
    },
    Spec {
        id: "socketio-polling-only",
        path: "/sio-polling-only/socket.io/",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Broken,
        title: "Socket.IO on long-polling only",
        description: "The server allows the polling transport only: clients connect but never upgrade to WebSocket.",
        observe_secs: 0,
    },
    Spec {
        id: "socketio-websocket-only",
        path: "/sio-websocket-only/socket.io/",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Conditional,
        title: "Socket.IO on WebSocket only",
        description: "The server refuses polling: only clients with `transports: ['websocket']` connect.",
        observe_secs: 0,
    },
    Spec {
        id: "socketio-eio3",
        path: "/socket.io/?EIO=3",
        behaviour: Behaviour::SocketIo,
        outcome: Outcome::Broken,
        title: "A Socket.IO 2 client",
        description: "The healthy Socket.IO 4 server asked for Engine.IO 3, as a Socket.IO 2 client asks: it refuses the old protocol.",
        observe_secs: 0,
    },
];

pub(crate) fn spec_for(path: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|spec| spec.path == path)
}

/// One endpoint of a running lab, as a user sees it in the app or in `wsdoctor lab`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabEndpoint {
    /// A stable identifier (`echo`, `close-1011`, `tls-echo`, ...).
    pub id: String,
    /// The full URL to connect to.
    pub url: String,
    pub title: String,
    /// One line on what the endpoint does and what it teaches.
    pub description: String,
    pub outcome: Outcome,
    /// Seconds a client must stay connected after sending to see the behaviour (0: it shows at once).
    pub observe_secs: u32,
}
