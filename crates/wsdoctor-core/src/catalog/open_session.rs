//! The causes met once the socket is open: how it closed, the frames, messages, pings, the idle probe.

use super::{Cause, Section, Severity, cause};

pub(super) const OPEN_SESSION: &[Cause] = &[
    cause!(
        "close.abnormal",
        DebuggingDetails,
        Error,
        "The connection dropped without a close frame (1006)",
        "The connection ended without a WebSocket close frame: the server crashed, a proxy or load balancer cut it, or the network failed.",
        "Check the server's log for a crash at that moment and the proxies' timeouts; send pings so idle connections stay alive."
    ),
    cause!(
        "close.server_error",
        DebuggingDetails,
        Error,
        "The server closed with an error code",
        "The server closed the connection with 1011 (internal error), 1012 (restart), 1013 (try again later) or 1014 (bad gateway).",
        "Check the server's log at that moment for the error; for 1012/1013 reconnect with backoff."
    ),
    cause!(
        "close.policy",
        DebuggingDetails,
        Error,
        "The server closed for a policy violation (1008)",
        "The server closed the connection with 1008: something about the client was refused by policy, usually authentication, an origin, or a rate limit.",
        "Read the close reason in the evidence and check the server's authentication and origin rules."
    ),
    cause!(
        "close.other",
        DebuggingDetails,
        Warning,
        "The server closed the connection",
        "The server closed the connection with a code that is not an error by itself; the code and reason say why.",
        "Read the close code's meaning and reason in the evidence."
    ),
    cause!(
        "close.no_reply",
        DebuggingDetails,
        Warning,
        "The server does not finish the closing handshake",
        "WS Doctor sent a close frame and the server never answered it. Clients then wait for their close timeout, and the server may be leaking connections.",
        "Make the server answer close frames (most libraries do; a hung event loop does not)."
    ),
    cause!(
        "frame.protocol_error",
        DebuggingDetails,
        Error,
        "The server sent invalid WebSocket frames",
        "After the upgrade the server sent bytes that are not valid WebSocket frames (masked server frames, reserved bits, bad opcodes, or another protocol). Clients close with 1002.",
        "Check what writes to the socket after the upgrade: a proxy buffering the response, or an application writing raw bytes."
    ),
    cause!(
        "frame.unnegotiated_compression",
        DebuggingDetails,
        Error,
        "The server compresses without having agreed to",
        "A message arrived with RSV1 set (permessage-deflate compression) although the handshake agreed no compression. Either a proxy in between removed `Sec-WebSocket-Extensions` from the handshake while the server still compresses, or the server compresses regardless of what was negotiated. Every client fails the connection (1002).",
        "If a proxy sits in between, make it pass `Sec-WebSocket-Extensions` both ways (or make the server not compress behind it); if the server compresses on its own, make it compress only when permessage-deflate was agreed. Compare with `--no-compression` and with the backend directly (`--direct`)."
    ),
    cause!(
        "frame.invalid_compression",
        DebuggingDetails,
        Error,
        "A compressed message does not inflate",
        "permessage-deflate was agreed, but a compressed message could not be inflated (corrupt or truncated DEFLATE data, a control frame marked compressed) or inflated past 64 MB. Browsers fail the connection (1007 or 1002).",
        "Check the server's compression settings (window bits, context takeover) and any proxy that rewrites frames; `--no-compression` shows whether the rest works without it."
    ),
    cause!(
        "frame.unfinished_message",
        DebuggingDetails,
        Error,
        "A fragmented message was never finished",
        "The server began a message in fragments (a frame without FIN) and never sent its final frame before the connection ended or the wait ran out. Clients hold the parts and deliver nothing; the application sees no message at all.",
        "Check the server's code that streams a message in parts: every fragmented message must end with a final frame (FIN set), even on errors. A proxy that cuts long transfers can cause this too."
    ),
    cause!(
        "close.invalid_code",
        DebuggingDetails,
        Error,
        "The server closed with a code that may not be sent",
        "The server's close frame carried a code that must never appear on the wire (below 1000, 1004-1006, 1015, or 1016-2999). Clients treat it as a protocol error and answer 1002, which is what the application then sees, not the server's intended reason.",
        "Send a valid close code: 1000 for a normal close, 1008 for policy, 1011 for a server error, or an application code in 4000-4999."
    ),
    cause!(
        "message.not_read",
        WebSocketSetup,
        Error,
        "The server stops reading",
        "What WS Doctor had to send (a message, the pongs owed to the server's own pings, or a close frame) could not be written: the server's receive window stayed full. A server that does not read blocks its clients' sends and, when it also floods, grows their buffers.",
        "Check that the server reads every connection, even while it is busy sending (a blocked event loop or a handler that only writes), and that it answers its own pings' pongs."
    ),
    cause!(
        "frame.invalid_utf8",
        DebuggingDetails,
        Error,
        "A text message is not valid UTF-8",
        "The server sent a text frame whose payload is not valid UTF-8. Clients must close the connection with 1007.",
        "Send binary frames for non-text data, or fix the encoding of the text."
    ),
    cause!(
        "message.too_big",
        WebSocketSetup,
        Error,
        "The message is larger than the server accepts (1009)",
        "The server closed the connection with 1009, or cut it, when a message exceeded its size limit.",
        "Send smaller messages, or raise the server's limit (ws `maxPayload`, websockets `max_size`, nginx `client_max_body_size` does not apply to frames)."
    ),
    cause!(
        "ping.unanswered",
        WebSocketSetup,
        Error,
        "Pings are not answered",
        "The server did not answer a ping with a pong. Clients that send heartbeats (and proxies that check liveness) will treat the connection as dead and drop it.",
        "Make the server answer pings (every compliant library does, unless its event loop is blocked)."
    ),
    cause!(
        "idle.timeout",
        ProxyAndHttps,
        Error,
        "The connection is cut when idle",
        "The connection was cut after a silent period. Proxies and load balancers close idle connections: nginx after 60 s (`proxy_read_timeout`), HAProxy after `timeout client`/`timeout server` when no `timeout tunnel` is set, Apache httpd after its `Timeout` (60 s), AWS ALB after 60 s, Cloudflare after 100 s, Heroku after 55 s. The proxy in front is asked who it is, and its own fix is quoted.",
        "Send pings or application heartbeats more often than the shortest idle timeout on the path, or raise the timeout (nginx `proxy_read_timeout 3600s;`, HAProxy `timeout tunnel 1h`, Apache `ProxyPass … timeout=3600`)."
    ),
    cause!(
        "echo.none",
        DebuggingDetails,
        Info,
        "No reply to the test message",
        "The server did not answer the test message within the wait. Many servers do not echo, so this is not a problem on its own.",
        "Nothing to fix if the server is not meant to reply to arbitrary messages."
    ),
];
