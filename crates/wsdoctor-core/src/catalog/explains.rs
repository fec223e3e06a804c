//! Which cause explains which symptom, so the cause is ranked first.

/// A cause found at a deeper layer (the server side, framework detection, how the connection ended)
/// that explains a symptom seen on the wire. When both are named, the cause is ranked first and the
/// symptom is marked as its consequence, so a user fixes the cause, not the symptom.
#[derive(Debug)]
pub struct Explains {
    pub cause: &'static str,
    pub symptom: &'static str,
    /// Why the cause brings the symptom about.
    pub because: &'static str,
}

/// Every "X explains Y" relation; `docs/diagnoses.md` lists them, and each has a test on a real server.
pub const EXPLAINS: &[Explains] = &[
    Explains {
        cause: "backend.intermittent",
        symptom: "close.server_error",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "backend.intermittent",
        symptom: "close.abnormal",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "backend.intermittent",
        symptom: "close.other",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "backend.intermittent",
        symptom: "handshake.server_error",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "backend.intermittent",
        symptom: "proxy.bad_gateway",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "backend.intermittent",
        symptom: "handshake.not_found",
        because: "one attempt met a node of the pool that fails this way; others passed",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "handshake.auth_required",
        because: "the server refuses a token past its expiry",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "handshake.forbidden",
        because: "the server refuses a token past its expiry",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "close.policy",
        because: "servers that check the token after the upgrade close with 1008 when it has expired",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "socketio.connect_rejected",
        because: "the namespace's middleware refuses a token past its expiry",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "graphql.connection_rejected",
        because: "the server's onConnect refuses a token past its expiry",
    },
    Explains {
        cause: "auth.token_expired",
        symptom: "stomp.connect_rejected",
        because: "the broker refuses a token past its expiry",
    },
    Explains {
        cause: "port.loopback_only",
        symptom: "tcp.refused",
        because: "a server bound to loopback refuses connections to the machine's other addresses",
    },
    Explains {
        cause: "actioncable.rejected",
        symptom: "close.other",
        because: "ActionCable closes the socket right after its `disconnect` message",
    },
    Explains {
        cause: "signalr.handshake_rejected",
        symptom: "close.other",
        because: "a hub closes the socket after refusing the handshake",
    },
    Explains {
        cause: "close.abnormal",
        symptom: "ping.unanswered",
        because: "a connection that is dropped answers no ping",
    },
    Explains {
        cause: "idle.timeout",
        symptom: "ping.unanswered",
        because: "a connection that is cut without a close frame was already gone or going: its ping got no pong",
    },
    Explains {
        cause: "sockjs.detected",
        symptom: "handshake.not_websocket",
        because: "a SockJS endpoint answers plain HTTP at its prefix; its WebSocket is at `<prefix>/websocket`",
    },
    Explains {
        cause: "subprotocol.not_negotiated",
        symptom: "graphql.init_timeout",
        because: "a server that does not agree on the GraphQL subprotocol does not speak it, so `connection_init` goes unanswered",
    },
    Explains {
        cause: "server.websocket_unsupported",
        symptom: "socketio.transport_blocked",
        because: "a server without WebSocket support answers the WebSocket transport as a plain request, so Socket.IO stays on polling",
    },
    Explains {
        cause: "proxy.upgrade_stripped",
        symptom: "socketio.transport_blocked",
        because: "the proxy passes the WebSocket transport's upgrade on as a plain request, which Engine.IO refuses",
    },
    Explains {
        cause: "socketio.detected",
        symptom: "handshake.no_response",
        because: "Socket.IO servers drop upgrade requests outside `/socket.io/` without an answer",
    },
    Explains {
        cause: "port.conflict",
        symptom: "handshake.not_websocket",
        because: "another process holds the port and answers the upgrade as a plain HTTP request",
    },
    Explains {
        cause: "cookie.not_sent",
        symptom: "handshake.auth_required",
        because: "the browser keeps the session cookie back, so the server sees no session and asks for one",
    },
    Explains {
        cause: "log.port_in_use",
        symptom: "tcp.refused",
        because: "the server could not bind its port (EADDRINUSE) and exited, so nothing listens",
    },
];

/// What explains `symptom` among `named` codes, if anything.
pub fn explained_by<'a>(symptom: &str, named: &[&'a str]) -> Option<&'a str> {
    EXPLAINS
        .iter()
        .filter(|e| e.symptom == symptom)
        .find_map(|e| named.iter().find(|c| **c == e.cause).copied())
}
