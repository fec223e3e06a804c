//! The catalog of named causes: every diagnosis WS Doctor can make, with a stable code.
//!
//! Codes are an API: other tools match on them, so a code is never renamed or reused. Each entry says what
//! the cause is, why it breaks the connection, and how to fix it, with a snippet where one exists.
//! `docs/diagnoses.md` is rendered from this table and a test fails when the two differ.

use serde::Serialize;
use ts_rs::TS;

/// The checklist's sections, in the order a tester walks them. Every item and every cause belongs to one.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS,
)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    ServerHealth,
    /// Also where a diagnosis stored before diagnoses named their section starts, until its code is
    /// looked up again (`Report::restore_sections`).
    #[default]
    WebSocketSetup,
    /// The protocol an app speaks over the socket (Socket.IO, SockJS, STOMP, GraphQL, and the frameworks
    /// recognised without being spoken), checked at its own level.
    Framework,
    FrontendConnection,
    ProxyAndHttps,
    DesktopApp,
    DebuggingDetails,
}

impl Section {
    /// Every section, in the checklist's order.
    pub const ALL: [Section; 7] = [
        Section::ServerHealth,
        Section::WebSocketSetup,
        Section::Framework,
        Section::FrontendConnection,
        Section::ProxyAndHttps,
        Section::DesktopApp,
        Section::DebuggingDetails,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::ServerHealth => "Server health",
            Section::WebSocketSetup => "WebSocket setup",
            Section::Framework => "Framework",
            Section::FrontendConnection => "Frontend connection",
            Section::ProxyAndHttps => "Proxy and HTTPS",
            Section::DesktopApp => "Desktop app (Electron)",
            Section::DebuggingDetails => "Debugging details",
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// This breaks the connection.
    Error,
    /// Works here, but breaks for some clients or soon.
    Warning,
    /// Worth knowing; not a problem on its own.
    Info,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One named cause.
#[derive(Debug)]
pub struct Entry {
    pub code: &'static str,
    /// The checklist section whose findings this cause belongs to.
    pub section: Section,
    pub severity: Severity,
    pub title: &'static str,
    pub explanation: &'static str,
    pub fix: &'static str,
    /// A copyable snippet for the fix (a config block, a command), when one exists.
    pub snippet: Option<Snippet>,
}

/// A copyable piece of configuration or code, with the language it is written in.
#[derive(Debug, Clone, Copy)]
pub struct Snippet {
    /// For syntax highlighting in fenced blocks: `nginx`, `js`, ...
    pub language: &'static str,
    pub text: &'static str,
}

const NGINX_UPGRADE_BLOCK: Snippet = Snippet {
    language: "nginx",
    text: r#"map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    location /socket {
        proxy_pass http://backend;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_read_timeout 3600s;
    }
}"#,
};

const SOCKETIO_ALLOW_EIO3: Snippet = Snippet {
    language: "js",
    text: r#"const io = new Server(httpServer, {
  allowEIO3: true, // accept Socket.IO 2 clients until they are upgraded
});"#,
};

const NGINX_STICKY_UPSTREAM: Snippet = Snippet {
    language: "nginx",
    text: r#"upstream socketio_nodes {
    ip_hash;                  # one client, one node: Socket.IO sessions need it
    server 10.0.0.11:3000;
    server 10.0.0.12:3000;
}

location /socket.io/ {
    proxy_pass http://socketio_nodes;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
}"#,
};

const SOCKETIO_CORS: Snippet = Snippet {
    language: "js",
    text: r#"const io = new Server(httpServer, {
  cors: {
    origin: ["https://app.example.com"], // the page's origin, exactly
    credentials: true,
  },
});"#,
};

const ELECTRON_BRIDGE: Snippet = Snippet {
    language: "js",
    text: r#"// preload.js
const { contextBridge, ipcRenderer } = require('electron');

const ALLOWED = ['socket:send', 'socket:status'];

contextBridge.exposeInMainWorld('bridge', {
  send: (channel, data) => {
    if (ALLOWED.includes(channel)) ipcRenderer.send(channel, data);
  },
  onStatus: (callback) => ipcRenderer.on('socket:status', (_event, status) => callback(status)),
});"#,
};

macro_rules! entry {
    ($code:literal, $section:ident, $severity:ident, $title:literal, $explanation:literal, $fix:literal $(, $snippet:expr)?) => {
        Entry {
            code: $code,
            section: Section::$section,
            severity: Severity::$severity,
            title: $title,
            explanation: $explanation,
            fix: $fix,
            snippet: entry!(@snippet $($snippet)?),
        }
    };
    (@snippet) => { None };
    (@snippet $snippet:expr) => { Some($snippet) };
}

/// Every diagnosis, grouped by the layer it belongs to, in the order a connection meets them.
pub static CATALOG: &[Entry] = &[
    entry!(
        "url.invalid",
        FrontendConnection,
        Error,
        "The URL is not valid",
        "The target could not be read as a URL, so nothing was tried.",
        "Use a full WebSocket URL with a scheme, a host and a path, such as `wss://example.com/socket`."
    ),
    entry!(
        "url.http_scheme",
        FrontendConnection,
        Info,
        "An http(s):// URL was given",
        "The URL starts with http:// or https://. WS Doctor tried the matching ws:// or wss:// URL, but many clients (and older browsers) refuse an http(s) URL in `new WebSocket()`.",
        "Write `ws://` for `http://` and `wss://` for `https://` in the client's configuration."
    ),
    entry!(
        "url.mixed_content",
        FrontendConnection,
        Error,
        "Insecure ws:// from an https:// page",
        "The page that opens this socket is served over https, and browsers block a plain ws:// connection from a secure page (\"Mixed Content\"). The socket may work from a script or a tool and still fail in every browser.",
        "Serve the WebSocket over TLS and connect with `wss://` (behind the same TLS proxy as the page, usually)."
    ),
    entry!(
        "url.needs_wss",
        FrontendConnection,
        Error,
        "ws:// sent to a port that speaks TLS",
        "The port answered a plain-text upgrade request as a TLS server would (or with nginx's \"plain HTTP request was sent to HTTPS port\"), so it expects wss://.",
        "Use `wss://` for this host and port."
    ),
    entry!(
        "dns.unresolved",
        ServerHealth,
        Error,
        "The host name does not resolve",
        "DNS gave no address for the host, so no connection could be attempted. A typo, a missing DNS record, or a name that only resolves inside another network (VPN, Docker network, /etc/hosts) are the usual causes.",
        "Check the host name; look it up with `dig HOST` or `getent hosts HOST` on the machine running the client."
    ),
    entry!(
        "tcp.refused",
        ServerHealth,
        Error,
        "Nothing is listening on that port",
        "The host answered but refused the connection: no server listens on this port, or it listens only on another address (for example 127.0.0.1 when the client comes from elsewhere).",
        "Start the server; check the port it listens on (`ss -ltnp`) and that it binds an address the client can reach (0.0.0.0 or the public interface, not only 127.0.0.1)."
    ),
    entry!(
        "tcp.timeout",
        ServerHealth,
        Error,
        "No answer to the TCP connection",
        "Connection attempts got no answer at all. A firewall or security group dropping the packets, a wrong host or IP, or a server that is down behind a load balancer are the usual causes.",
        "Check that the host and port are right and that firewalls and security groups allow the client's traffic to this port."
    ),
    entry!(
        "tcp.reset",
        ServerHealth,
        Error,
        "The connection was reset",
        "The connection was reset (RST) by the server or by something in between, such as a firewall or a proxy that refuses the client.",
        "Check the server's and the proxy's logs at the time of the attempt; check firewall rules between the client and the server."
    ),
    entry!(
        "tls.not_tls",
        ProxyAndHttps,
        Error,
        "The port does not speak TLS",
        "A wss:// connection was attempted, but the server answered in plain text (often HTTP), which TLS libraries report as \"wrong version number\" or a corrupt message.",
        "Use `ws://` for this port, or point the client at the TLS port (usually 443) of the server or proxy."
    ),
    entry!(
        "tls.untrusted",
        ProxyAndHttps,
        Error,
        "The server's certificate is not trusted",
        "The certificate is self-signed or issued by a certificate authority the client does not trust. Browsers refuse it (ERR_CERT_AUTHORITY_INVALID) even when curl -k or a test client works.",
        "Use a certificate from a public CA (Let's Encrypt, for example), or install the private CA on every client. To diagnose past it, run with `--insecure` or `--ca-file CA.pem`."
    ),
    entry!(
        "tls.expired",
        ProxyAndHttps,
        Error,
        "The certificate has expired or is not yet valid",
        "The certificate's validity period does not include the current time (or the client's clock is wrong).",
        "Renew the certificate (and its automation, e.g. certbot's timer); check the clock of the client and of the server."
    ),
    entry!(
        "tls.hostname_mismatch",
        ProxyAndHttps,
        Error,
        "The certificate is for another host name",
        "The certificate's names (SANs) do not include the host in the URL, so clients refuse it.",
        "Connect with a host name the certificate lists, or issue a certificate that includes this name."
    ),
    entry!(
        "tls.incomplete_chain",
        ProxyAndHttps,
        Error,
        "The server does not send its intermediate certificate",
        "The server sends its own certificate without the intermediate CA that links it to a trusted root. Some clients fill the gap from a cache; many (Node.js, Python, mobile apps) fail.",
        "Serve the full chain: in nginx `ssl_certificate` must point at the full-chain file (e.g. `fullchain.pem`, not `cert.pem`)."
    ),
    entry!(
        "tls.client_cert_required",
        ProxyAndHttps,
        Error,
        "The server requires a client certificate (mutual TLS)",
        "The server asked for a client certificate during the TLS handshake and refused the connection without an acceptable one: a TLS alert (`certificate_required`, or a handshake failure right after the request), or nginx's `400 No required SSL certificate was sent` with `ssl_verify_client on`. Browsers offer a certificate only from the user's certificate store, and most WebSocket clients send none unless configured to.",
        "Give the client the certificate and key the server trusts (WS Doctor: `--client-cert cert.pem --client-key key.pem`; Node `ws`: `new WebSocket(url, { cert, key })`; browsers: import it into the OS or browser store), or make client certificates optional for this location (nginx `ssl_verify_client optional;`)."
    ),
    entry!(
        "tls.handshake_failed",
        ProxyAndHttps,
        Error,
        "The TLS handshake failed",
        "The client and server could not agree on TLS (protocol version, cipher suites, or a client certificate requirement), or the server aborted the handshake.",
        "Check the server's TLS settings (TLS 1.2 or 1.3 enabled, modern cipher suites). If it requires a client certificate (mutual TLS), the client must present one the server trusts."
    ),
    entry!(
        "handshake.timeout",
        WebSocketSetup,
        Error,
        "No answer to the upgrade request",
        "The connection was accepted, but the server never answered the HTTP upgrade request. A stuck server, an overloaded event loop, or a proxy waiting on a dead backend are the usual causes.",
        "Check that the application handles upgrade requests on this path, and the server's and proxy's logs for the request."
    ),
    entry!(
        "handshake.no_response",
        WebSocketSetup,
        Error,
        "The connection closed without an answer",
        "The server (or a proxy) closed the connection after reading the upgrade request, without any HTTP response.",
        "Check the server's logs for a crash or a rejected request at that moment; check that the proxy forwards this path."
    ),
    entry!(
        "handshake.invalid_response",
        WebSocketSetup,
        Error,
        "The answer is not valid HTTP",
        "Something answered the upgrade request with bytes that are not an HTTP response (or with headers too large to be sane): another protocol is listening on this port.",
        "Check which service listens on this port; point the client at the WebSocket server's port."
    ),
    entry!(
        "handshake.not_websocket",
        WebSocketSetup,
        Error,
        "A web page instead of an upgrade",
        "The server answered with a 2xx page instead of 101 Switching Protocols: the URL points at a normal HTTP route (the web app, a health check), not at the WebSocket endpoint.",
        "Use the WebSocket endpoint's exact path (for example `/ws` or `/socket`), and check the server registers its WebSocket handler on it."
    ),
    entry!(
        "handshake.redirect",
        WebSocketSetup,
        Error,
        "A redirect instead of an upgrade",
        "The server answered with a redirect. Browsers and most WebSocket clients do not follow redirects during the upgrade, so the connection fails.",
        "Connect to the final URL directly (often the https/wss or trailing-slash variant the redirect points to)."
    ),
    entry!(
        "handshake.bad_request",
        WebSocketSetup,
        Error,
        "The server rejected the upgrade request (400)",
        "The server answered 400 Bad Request: it did not accept the upgrade as sent. Missing or wrong headers, a required subprotocol or query parameter, or a proxy that altered the request are the usual causes.",
        "Read the response body in the evidence; compare the request with what the server expects (subprotocols, query parameters, headers)."
    ),
    entry!(
        "handshake.headers_too_large",
        WebSocketSetup,
        Error,
        "The upgrade request's headers are too large for the server",
        "The server (or a proxy) refused the upgrade because its headers are larger than it accepts: 431, or nginx's 400 \"Request Header Or Cookie Too Large\" past `large_client_header_buffers` (4 buffers of 8 KB by default). Cookies are the usual cause: a browser sends every cookie of the site with the upgrade, and they grow with tracking and session data. The evidence names the request's size, its largest headers and its largest cookie.",
        "Trim what the page sends (fewer or smaller cookies on the socket's domain, or serve the socket from a subdomain without them), or raise the limit: nginx `large_client_header_buffers 4 32k;`, Node `--max-http-header-size=32768`, HAProxy `tune.bufsize`."
    ),
    entry!(
        "handshake.rate_limited",
        WebSocketSetup,
        Error,
        "The server is rate limiting the upgrade (429)",
        "The upgrade was answered 429 Too Many Requests: a rate limit (nginx `limit_req`, an API gateway, a WAF) counts this client's requests and refuses the excess. Reconnect loops make it worse: every retry counts. `Retry-After` (quoted) says when to try again.",
        "Wait out `Retry-After`, and make clients back off between reconnects (exponential, with jitter); raise the limit or its burst for the WebSocket path (nginx `limit_req zone=… burst=20 nodelay;`), which opens one request per connection, not one per message."
    ),
    entry!(
        "handshake.auth_required",
        WebSocketSetup,
        Error,
        "Credentials are missing or wrong",
        "The server refused the upgrade because the request carries no valid credentials (401, or 403 with an authentication hint). Some servers answer 401 for a refused Origin too (Node's ws does when `verifyClient` returns false), so when the credentials are right, check the Origin.",
        "Send the credentials the server expects: an `Authorization` header (`-H 'Authorization: Bearer …'`), a cookie, or a token in the query string."
    ),
    entry!(
        "handshake.origin_rejected",
        WebSocketSetup,
        Error,
        "The server rejects this Origin",
        "The server checks the `Origin` header and refused this one; without it, or with the server's own origin, the upgrade is accepted. Browsers always send the page's origin, so the page's origin must be on the server's allow-list.",
        "Add the page's origin to the server's allowed origins (e.g. Socket.IO `cors.origin`, ws `verifyClient`, Django `ALLOWED_HOSTS`/`AllowedHostsOriginValidator`, gorilla `CheckOrigin`)."
    ),
    entry!(
        "handshake.forbidden",
        WebSocketSetup,
        Error,
        "The server forbids the upgrade (403)",
        "The server answered 403 Forbidden for reasons other than the Origin: an IP allow-list, a WAF rule, or an authorisation policy.",
        "Check the server's and the proxy's access rules and logs for this request."
    ),
    entry!(
        "handshake.not_found",
        WebSocketSetup,
        Error,
        "No WebSocket endpoint at this path (404)",
        "Nothing is routed at this path on the server (or on the proxy in front of it).",
        "Check the endpoint's path (including a trailing slash and any prefix the proxy adds or strips)."
    ),
    entry!(
        "handshake.upgrade_required",
        WebSocketSetup,
        Error,
        "The server saw no upgrade (426)",
        "The server answered 426 Upgrade Required: the request reached it without the `Upgrade: websocket` and `Connection: Upgrade` headers. When a proxy sits in front, it dropped them.",
        "Make every proxy on the path forward the upgrade headers; in nginx:",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "handshake.server_error",
        WebSocketSetup,
        Error,
        "The application failed (5xx)",
        "The application itself answered with a server error while handling the upgrade request.",
        "Check the application's log at the time of the request for the exception or error."
    ),
    entry!(
        "handshake.invalid_accept",
        WebSocketSetup,
        Error,
        "Wrong Sec-WebSocket-Accept",
        "The server answered 101, but its `Sec-WebSocket-Accept` does not match the key sent. Every client must refuse the connection. A broken server implementation, or a proxy that rewrote the handshake, is the cause.",
        "Fix the server's handshake (accept = base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\"))), or remove the proxy that alters it."
    ),
    entry!(
        "handshake.invalid_upgrade",
        WebSocketSetup,
        Error,
        "101 without the upgrade headers",
        "The server answered 101 but without `Upgrade: websocket` or `Connection: Upgrade`, which clients require.",
        "Fix the server (or proxy) so the 101 response carries `Upgrade: websocket` and `Connection: Upgrade`."
    ),
    entry!(
        "handshake.invalid_extension",
        WebSocketSetup,
        Error,
        "The server's extension answer makes browsers fail",
        "The 101 response's `Sec-WebSocket-Extensions` breaks RFC 7692 or RFC 6455: an extension that was not offered, permessage-deflate named twice, a parameter that is unknown, given twice or out of range (window bits outside 8–15), or `client_max_window_bits` when the client did not offer it. Chrome, Firefox and Safari all offer `permessage-deflate; client_max_window_bits` and fail the connection on such an answer (the page sees close code 1006, the console a handshake error), though clients that offer nothing (wscat, many libraries) may never notice.",
        "Answer only with extensions and parameters the client offered, with values in range; check any proxy or middleware that rewrites the handshake (the answer and what was offered are quoted)."
    ),
    entry!(
        "proxy.bad_gateway",
        ProxyAndHttps,
        Error,
        "The proxy cannot reach the backend",
        "A proxy answered 502 or 504: it could not connect to the application behind it, or the application did not answer in time.",
        "Check that the backend is running and that the proxy's upstream address and port are right; see the proxy's error log."
    ),
    entry!(
        "proxy.upgrade_stripped",
        ProxyAndHttps,
        Error,
        "A proxy dropped the upgrade headers",
        "A reverse proxy answered instead of a WebSocket server: it forwarded the request without `Upgrade` and `Connection`, so the backend saw a plain HTTP request.",
        "Configure the proxy to pass the upgrade through; in nginx:",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "proxy.used",
        ProxyAndHttps,
        Info,
        "The connection went through a proxy",
        "The connection was made through an HTTP proxy (from --proxy or the HTTPS_PROXY/HTTP_PROXY environment). Results describe the path through that proxy.",
        "If the client does not use this proxy, run the check without it (`NO_PROXY`, or unset the variable)."
    ),
    entry!(
        "proxy.connect_failed",
        ProxyAndHttps,
        Error,
        "The HTTP proxy refused the tunnel",
        "The HTTP proxy did not open a CONNECT tunnel to the target: it may need authentication, block the port, or be unreachable.",
        "Check the proxy address and credentials, and that it allows CONNECT to this host and port."
    ),
    entry!(
        "proxy.pac_not_evaluated",
        ProxyAndHttps,
        Info,
        "The desktop picks its proxy with a PAC file",
        "The desktop's proxy settings are automatic: a PAC script (the URL is quoted) decides, per URL, whether browsers on this machine go direct or through a proxy. WS Doctor does not run PAC scripts, so this check went direct; a browser here may have taken a proxy, with different results.",
        "Find the proxy the PAC picks for this URL (in Chrome: chrome://net-internals/#proxy, or the PAC's `FindProxyForURL`) and give it with `--proxy`; or check from a machine without it."
    ),
    entry!(
        "proxy.connect_denied",
        ProxyAndHttps,
        Error,
        "The HTTP proxy does not allow a tunnel to this port",
        "The forward proxy answered CONNECT with 403: its rules refuse this destination. Corporate proxies commonly allow CONNECT to port 443 only (squid's default `http_access deny CONNECT !SSL_ports`), so ws:// or wss:// on another port fails for every browser behind it, while it works off that network.",
        "Serve the WebSocket as `wss://` on port 443 (behind the same host's HTTPS), or ask the proxy's administrators to allow CONNECT to this host and port (squid: add the port to `SSL_ports`)."
    ),
    entry!(
        "proxy.auth_required",
        ProxyAndHttps,
        Error,
        "The HTTP proxy asks for credentials",
        "The forward proxy answered CONNECT with 407 Proxy Authentication Required: without credentials it opens no tunnel. Browsers sign in to it (a prompt, or the system's Kerberos/NTLM sign-in); a client that does not send `Proxy-Authorization` never gets through. The scheme it asks for is quoted.",
        "Give the proxy's credentials: `--proxy http://user:password@proxy:3128`, or the profile's proxy credentials (kept in the OS keyring). A proxy that asks for Negotiate or NTLM only needs a client that speaks that scheme."
    ),
    entry!(
        "subprotocol.not_negotiated",
        WebSocketSetup,
        Warning,
        "Offered subprotocols, none chosen",
        "The client offered subprotocols and the server accepted the upgrade without choosing one. Every browser then fails the connection, although some libraries (Python's websockets, for one) accept it.",
        "Make the server choose one of the offered subprotocols in `Sec-WebSocket-Protocol`, or stop offering them."
    ),
    entry!(
        "subprotocol.not_offered",
        WebSocketSetup,
        Error,
        "The server chose a subprotocol that was not offered",
        "The 101 response names a subprotocol the client did not offer, which clients must refuse.",
        "Make the server choose only among the offered subprotocols."
    ),
    entry!(
        "subprotocol.required",
        WebSocketSetup,
        Error,
        "The server requires a subprotocol",
        "The server refuses the upgrade unless the client offers a subprotocol it supports (`Sec-WebSocket-Protocol`).",
        "Offer the subprotocol the server expects (`--subprotocol NAME`; in a browser `new WebSocket(url, [\"NAME\"])`)."
    ),
    entry!(
        "socketio.detected",
        Framework,
        Warning,
        "The server speaks Socket.IO",
        "This is a Socket.IO (Engine.IO) server. It speaks its own protocol on top of WebSocket: a plain WebSocket client connects to the wrong path or cannot understand the frames.",
        "Use a Socket.IO client of the server's major version (`socket.io-client`), or connect to `/socket.io/?EIO=4&transport=websocket` and speak Engine.IO."
    ),
    entry!(
        "phoenix.detected",
        Framework,
        Info,
        "The server is a Phoenix socket",
        "The URL (`/socket/websocket?vsn=…`, `/live/websocket`) or the server's answer shows Phoenix Channels. WS Doctor checked every layer up to the open socket and sent the `phoenix` topic's heartbeat, which any Phoenix socket answers with `phx_reply` (status ok): a refusal or no answer is quoted in the evidence. Not checked: joining a channel (`phx_join` to the app's topic, where `join/3` authorizes), nor the socket's `connect/3` params beyond what the URL carries.",
        "If the heartbeat went unanswered, check the `socket \"/socket\", …` line in the endpoint and the `vsn` the client asks for. To check a channel, join it from the console (`[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]`) and read the `phx_reply` status."
    ),
    entry!(
        "actioncable.detected",
        Framework,
        Info,
        "The server is Rails ActionCable",
        "The URL (`/cable`) or the server's first message (`{\"type\":\"welcome\"}`) shows ActionCable. WS Doctor checked every layer up to the open socket and read what the server said first: `welcome` means `ApplicationCable::Connection#connect` accepted the client, a `disconnect` (reason `unauthorized`) that it rejected it, and it is quoted. Not checked: subscribing to a channel (the app's channel names and params) and `config.action_cable.allowed_request_origins` beyond the Origin sent.",
        "A `disconnect` with reason `unauthorized` comes from `reject_unauthorized_connection` in `connect`: send the cookie or token it reads. To check a channel, subscribe from the console: `{\"command\":\"subscribe\",\"identifier\":\"{\\\"channel\\\":\\\"ChatChannel\\\"}\"}`."
    ),
    entry!(
        "signalr.detected",
        Framework,
        Info,
        "The server is an ASP.NET Core SignalR hub",
        "The URL names a hub (`/chatHub`, `/hubs/…`, `?id=` from the negotiation). WS Doctor checked every layer up to the open socket and sent SignalR's JSON protocol handshake (`{\"protocol\":\"json\",\"version\":1}` and the 0x1E separator), which a hub answers with `{}` or an error that is quoted. Not checked: the negotiate request (`POST …/negotiate?negotiateVersion=1`) that browser clients make first, unless the client sets `skipNegotiation: true`, nor invoking the hub's methods.",
        "An error in the handshake names what the hub refused (a protocol not enabled: add `AddJsonProtocol()`/`AddMessagePackProtocol()`). Behind a load balancer, clients that negotiate need sticky sessions, or `skipNegotiation: true` with `transport: HttpTransportType.WebSockets`."
    ),
    entry!(
        "phoenix.refused",
        Framework,
        Error,
        "The Phoenix socket refused its heartbeat",
        "The socket opened, but the `phoenix` topic's heartbeat, which every Phoenix socket answers with `phx_reply` status ok, was answered otherwise (quoted). The serializer the client asks for (`vsn`) is not the one the endpoint speaks, or something in front of Phoenix answers instead.",
        "Ask for the serializer the endpoint speaks (`vsn=2.0.0` for Phoenix 1.4 and later, `vsn=1.0.0` for the JSON objects of older clients), and check that the URL reaches the `socket` declared in the endpoint."
    ),
    entry!(
        "actioncable.rejected",
        Framework,
        Error,
        "ActionCable rejected the connection",
        "The socket opened, then the server sent `{\"type\":\"disconnect\"}` (its reason quoted): `ApplicationCable::Connection#connect` called `reject_unauthorized_connection` (reason `unauthorized`), or the server is restarting (`server_restart`). Browsers show only a closed socket and reconnect in a loop when `reconnect` is true.",
        "Send what `connect` identifies the user by: the session cookie (same site as the app, not blocked as third-party) or the token it reads from the params or headers; check `config.action_cable.allowed_request_origins` for the page's origin."
    ),
    entry!(
        "signalr.handshake_rejected",
        Framework,
        Error,
        "The SignalR hub refused the protocol handshake",
        "The socket opened, but the hub answered SignalR's handshake (`{\"protocol\":\"json\",\"version\":1}`) with an error (quoted), or closed with one: the protocol or version the client asks for is not enabled on the hub.",
        "Enable the protocol the clients use on the server (`AddSignalR().AddJsonProtocol()`, or `AddMessagePackProtocol()` for MessagePack clients) and use a client of a supported major version."
    ),
    entry!(
        "sockjs.detected",
        Framework,
        Warning,
        "The server speaks SockJS",
        "This path is served by SockJS (Spring's STOMP endpoints often are): it answers its own URL scheme (`/info`, `/<server>/<session>/websocket`), not a plain WebSocket upgrade at the prefix. A plain WebSocket client pointed at the prefix fails.",
        "Use a SockJS client (`new SockJS(url)`), or connect a plain WebSocket client to the raw endpoint `<prefix>/websocket`; in Spring, `registry.addEndpoint(\"/ws\")` without `.withSockJS()` serves plain WebSocket."
    ),
    entry!(
        "sockjs.websocket_disabled",
        Framework,
        Warning,
        "SockJS runs without its WebSocket transport",
        "SockJS's `/info` says `websocket: false`: the server (or a setting in front of it) turned the WebSocket transport off, so clients fall back to HTTP streaming and long-polling. It works, with more latency and load, and needs sticky sessions behind a load balancer.",
        "Enable the WebSocket transport on the server (SockJS `websocket: true`, the default; in Spring, do not set `setWebSocketEnabled(false)`), and pass the upgrade through the proxy.",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "sockjs.no_server",
        Framework,
        Error,
        "No SockJS server at this path",
        "SockJS was asked for, but `<prefix>/info` did not answer as SockJS does: nothing serves SockJS under this prefix, or a route does not forward it.",
        "Give the prefix the server registers (`installHandlers(server, { prefix: '/echo' })`, Spring `addEndpoint(\"/ws\").withSockJS()`), and route everything under it to the server."
    ),
    entry!(
        "stomp.connect_rejected",
        Framework,
        Error,
        "The STOMP broker refused the CONNECT",
        "The socket opened with a STOMP subprotocol, but the broker answered CONNECT with an ERROR frame (quoted in the evidence): a wrong login or passcode, a virtual host the user may not use, or a version the broker does not speak.",
        "Send the login, passcode and virtual host the broker expects (`connectHeaders: { login, passcode, host }` in stompjs; in WS Doctor, the auth payload `{\"login\": …, \"passcode\": …, \"host\": …}`), and check the user's permissions on the broker."
    ),
    entry!(
        "stomp.no_subprotocol",
        Framework,
        Error,
        "The broker requires a STOMP subprotocol the client does not offer",
        "The upgrade offered no `v12.stomp`/`v11.stomp`/`v10.stomp` subprotocol and was refused; the same upgrade offering them was accepted (both in the evidence). The broker or the gateway in front of it only takes clients that name the STOMP version in `Sec-WebSocket-Protocol`.",
        "Offer the STOMP subprotocols: `new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp'])` for a hand-written client; @stomp/stompjs offers them unless `stompVersions` was emptied; in WS Doctor, `--subprotocol v12.stomp`."
    ),
    entry!(
        "stomp.no_connected",
        Framework,
        Error,
        "No STOMP broker answered CONNECT",
        "The socket opened and WS Doctor sent a STOMP CONNECT frame, but no CONNECTED or ERROR frame came back (what came instead, or how the connection ended, is quoted): the endpoint is not a STOMP broker (a plain WebSocket server echoes the frame or ignores it), the broker's WebSocket endpoint is at another path, or it closed the session.",
        "Point the client at the broker's STOMP endpoint (RabbitMQ Web-STOMP `/ws`, Spring `registry.addEndpoint(\"/ws\")`, ActiveMQ `/` on its ws port), and check the broker's log for the session."
    ),
    entry!(
        "stomp.frame_refused",
        Framework,
        Error,
        "The STOMP broker refused a frame and closed the session",
        "After CONNECTED, the broker answered a frame with an ERROR (quoted) and, as STOMP requires, closed the connection: a destination that does not exist or that this user may not read or write (RabbitMQ `not_found`, `access_refused`), a malformed frame (a header without a value, a body longer than its `content-length`), or an ACK for a message that is not pending. Every subscription of the session ends with it.",
        "Use a destination the broker has and the user is allowed on (RabbitMQ: `/queue/name`, `/topic/key`, `/exchange/name/key`; Spring: a prefix of `setApplicationDestinationPrefixes` or of the broker relay), and ACK only with the `ack` header of a MESSAGE on a subscription in `client` mode."
    ),
    entry!(
        "stomp.heartbeat_missing",
        Framework,
        Warning,
        "STOMP heart-beats do not keep the connection alive",
        "STOMP keeps an idle connection busy with heart-beats, which both sides agree on in CONNECT/CONNECTED (`heart-beat: 10000,10000`). Here the broker agreed to none (`heart-beat: 0,0`: Spring's simple broker does this until it is given a task scheduler), agreed to some and did not send them, or the agreed period is longer than the idle cut-off found on the path, so proxies and load balancers close connections that carry no messages (nginx after 60 s, AWS ALB after 60 s).",
        "Enable heart-beats shorter than the shortest idle timeout on the path: Spring `enableSimpleBroker(...).setHeartbeatValue(new long[]{10000, 10000}).setTaskScheduler(scheduler)`, stompjs `heartbeatIncoming`/`heartbeatOutgoing: 10000`; or raise the proxy's timeout (nginx `proxy_read_timeout 3600s;`)."
    ),
    entry!(
        "graphql.protocol_mismatch",
        Framework,
        Error,
        "The GraphQL client and server speak different WebSocket protocols",
        "There are two GraphQL over WebSocket protocols: `graphql-transport-ws` (the graphql-ws library, current) and the legacy `graphql-ws` (subscriptions-transport-ws, unmaintained). Their messages differ, so a client of one and a server of the other fail: the server closed with 4406 (subprotocol not acceptable) or 4400 (a message it cannot read).",
        "Use the same protocol on both sides: `graphql-ws` (`createClient`) with a graphql-ws server, or the legacy `SubscriptionClient` with a legacy server. Apollo Client's `GraphQLWsLink` speaks the current one, `WebSocketLink` the legacy one."
    ),
    entry!(
        "graphql.connection_rejected",
        Framework,
        Error,
        "The GraphQL server refused the connection_init",
        "The socket opened, but the server refused the connection: its `onConnect` returned false or threw (close 4403 Forbidden), or the legacy server answered `connection_error`. The payload of `connection_init` (`connectionParams`) usually carries the token, and it was missing or wrong.",
        "Send what the server's `onConnect` expects in the client's `connectionParams` (`createClient({ url, connectionParams: { token } })`); in WS Doctor, give it as the auth payload (`--auth`)."
    ),
    entry!(
        "graphql.connection_closed",
        Framework,
        Error,
        "The GraphQL server closed the connection during connection_init",
        "The socket opened, then the server closed it (or dropped it) before acknowledging `connection_init`, with a code outside the GraphQL over WebSocket protocol's own (quoted with its meaning). The server failed on the connection (1011), shut down (1001), or something in front of it cut the socket.",
        "Read the server's log at the time of the check for an error in its connection handling (`onConnect`, the context function), and check proxies on the path for timeouts and limits."
    ),
    entry!(
        "graphql.operation_error",
        Framework,
        Warning,
        "A GraphQL operation was refused",
        "The connection is acknowledged, but the server answered an operation with `error` (its messages quoted): the query does not validate against the schema (a field or argument that does not exist, a variable of the wrong type), the operation is not a subscription where the server serves only subscriptions, or a resolver refused it (an authorisation rule). The operation ends there; the connection stays.",
        "Fix the operation the message names: check it against the server's schema (introspection, or the schema file), give every variable it declares with its type, and send a subscription's token where the server's `context`/`onSubscribe` looks for it."
    ),
    entry!(
        "graphql.init_timeout",
        Framework,
        Error,
        "The GraphQL server never acknowledged the connection",
        "`connection_init` was sent but no `connection_ack` came in time (or the server closed with 4408, its own initialisation timeout). Every operation waits for the acknowledgement, so subscriptions never start.",
        "Look at the server's `onConnect`: it must return (or resolve) quickly; an awaited call that hangs (a database, an auth service) holds every connection. Raise `connectionInitWaitTimeout` only if the server is slow on purpose."
    ),
    entry!(
        "socketio.no_server",
        Framework,
        Error,
        "No Socket.IO server at this path",
        "The Engine.IO handshake (a polling request to the Socket.IO path) got no Engine.IO answer: a 404, a web page, or something else. Either nothing serves Socket.IO here, or it serves it under another path or behind a route the proxy does not forward.",
        "Give the client the path the server uses (`path` on both `new Server()` and `io()`, default `/socket.io/`), and route that whole path to the server. A namespace is not a path: `io('https://host/admin')` joins namespace `/admin` on `/socket.io/`. In WS Doctor, give the server's path with `--socketio-path`."
    ),
    entry!(
        "socketio.version_mismatch",
        Framework,
        Error,
        "Client and server speak different Engine.IO versions",
        "Socket.IO 3 and 4 speak Engine.IO 4; Socket.IO 2 speaks Engine.IO 3. The server answered in the other version (or refused it: \"Unsupported protocol version\"), so clients of the other major version never connect.",
        "Use a client of the server's major version, or on a Socket.IO 4 server accept old clients with `new Server(httpServer, { allowEIO3: true })` while they are upgraded.",
        SOCKETIO_ALLOW_EIO3
    ),
    entry!(
        "socketio.namespace_invalid",
        Framework,
        Error,
        "The Socket.IO namespace does not exist",
        "The server refused to join the namespace (CONNECT_ERROR \"Invalid namespace\"): no `io.of(...)` matches it. With `io('https://host/path')` the path is the namespace, which is often not what was meant.",
        "Join a namespace the server defines (`io.of('/admin')`), or give the client the main namespace and set the Engine.IO path with the `path` option."
    ),
    entry!(
        "socketio.connect_rejected",
        Framework,
        Error,
        "The server's middleware refused the Socket.IO connection",
        "The Engine.IO session opened, but joining the namespace was refused with a CONNECT_ERROR: a middleware (`io.use` / `namespace.use`) called `next(new Error(...))`, usually because the auth payload is missing or wrong. The message is quoted in the evidence.",
        "Send what the middleware expects in the client's `auth` option (`io(url, { auth: { token } })`), or fix the check in the middleware; its message says which."
    ),
    entry!(
        "socketio.connect_failed",
        Framework,
        Error,
        "The Socket.IO session opened, but joining the namespace got no answer",
        "The Engine.IO handshake worked, then the namespace CONNECT was not answered with CONNECT or CONNECT_ERROR (what happened is quoted): a request of the session failed or timed out, or the server answered something that is not Socket.IO's. A Socket.IO 2 server behind a 3/4 client, a proxy that buffers polling answers, or a server that crashed on the connection do this.",
        "Check the server's log for the connection, that the client and the server are of the same major version, and that proxies on the path do not buffer or cut the polling requests (nginx `proxy_buffering off;` for the Socket.IO location)."
    ),
    entry!(
        "socketio.server_disconnect",
        Framework,
        Warning,
        "The server disconnected the Socket.IO namespace",
        "The server sent a DISCONNECT for the namespace: its code called `socket.disconnect()` (an auth check after connection, a kick, a shutdown hook). socket.io-client treats this reason (`io server disconnect`) as final and does not reconnect on its own, so an app that expects it to stays offline.",
        "Find the server's `socket.disconnect()` for this namespace and the condition that calls it; in the client, handle `socket.on('disconnect', (reason) => { if (reason === 'io server disconnect') socket.connect(); })` if reconnecting is wanted."
    ),
    entry!(
        "socketio.ack_timeout",
        Framework,
        Warning,
        "A Socket.IO emit was never acknowledged",
        "The event was emitted with an acknowledgement callback, but no ack came back in time: the server's handler for this event does not call its callback (or is not registered for this name or namespace), threw before calling it, or takes longer than the client's timeout. An app awaiting `emitWithAck` hangs or fails with `operation has timed out`.",
        "In the server's handler, call the callback on every path (`socket.on('event', (data, callback) => { …; callback(result); })`), register it on the namespace the client uses, and give slow handlers a longer client timeout (`socket.timeout(10000).emitWithAck(…)`)."
    ),
    entry!(
        "socketio.session_unknown",
        Framework,
        Error,
        "Socket.IO sessions are not sticky behind the load balancer",
        "Socket.IO starts every session over HTTP long-polling, with several requests that must reach the server which opened the session. A request of the session reached another server, which answered \"Session ID unknown\" (code 1): the load balancer spreads requests without affinity. Clients fail to connect, or reconnect in a loop.",
        "Make the balancer sticky for the Socket.IO path: nginx `ip_hash` (or `hash $remote_addr consistent`) in the upstream, HAProxy `balance source` or a cookie, AWS ALB stickiness on the target group. Or let clients skip polling with `io(url, { transports: ['websocket'] })`.",
        NGINX_STICKY_UPSTREAM
    ),
    entry!(
        "socketio.transport_blocked",
        Framework,
        Warning,
        "Socket.IO cannot upgrade to WebSocket: clients stay on long-polling",
        "The polling transport works, but the WebSocket transport is not offered or is refused (the server allows polling only, or a proxy strips the upgrade). Clients still connect, over HTTP long-polling: more latency and load, and every request must reach the same server.",
        "Allow the `websocket` transport on the server (the default), and pass the upgrade through the proxy for the Socket.IO path (`proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";`).",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "socketio.cors_blocked",
        Framework,
        Error,
        "Browsers block Socket.IO's polling transport from this page (CORS)",
        "The page is on another origin than the server, and the polling answer does not allow it (no matching `Access-Control-Allow-Origin`). Browsers refuse to read it, so the client logs \"xhr poll error\" and never connects; the WebSocket transport is not subject to CORS, which is why a WebSocket-only test works.",
        "Allow the page's origin on the server: `new Server(httpServer, { cors: { origin: 'https://app.example.com', credentials: true } })`, or serve the page and the server from one origin.",
        SOCKETIO_CORS
    ),
    entry!(
        "close.abnormal",
        DebuggingDetails,
        Error,
        "The connection dropped without a close frame (1006)",
        "The connection ended without a WebSocket close frame: the server crashed, a proxy or load balancer cut it, or the network failed.",
        "Check the server's log for a crash at that moment and the proxies' timeouts; send pings so idle connections stay alive."
    ),
    entry!(
        "close.server_error",
        DebuggingDetails,
        Error,
        "The server closed with an error code",
        "The server closed the connection with 1011 (internal error), 1012 (restart), 1013 (try again later) or 1014 (bad gateway).",
        "Check the server's log at that moment for the error; for 1012/1013 reconnect with backoff."
    ),
    entry!(
        "close.policy",
        DebuggingDetails,
        Error,
        "The server closed for a policy violation (1008)",
        "The server closed the connection with 1008: something about the client was refused by policy, usually authentication, an origin, or a rate limit.",
        "Read the close reason in the evidence and check the server's authentication and origin rules."
    ),
    entry!(
        "close.other",
        DebuggingDetails,
        Warning,
        "The server closed the connection",
        "The server closed the connection with a code that is not an error by itself; the code and reason say why.",
        "Read the close code's meaning and reason in the evidence."
    ),
    entry!(
        "close.no_reply",
        DebuggingDetails,
        Warning,
        "The server does not finish the closing handshake",
        "WS Doctor sent a close frame and the server never answered it. Clients then wait for their close timeout, and the server may be leaking connections.",
        "Make the server answer close frames (most libraries do; a hung event loop does not)."
    ),
    entry!(
        "frame.protocol_error",
        DebuggingDetails,
        Error,
        "The server sent invalid WebSocket frames",
        "After the upgrade the server sent bytes that are not valid WebSocket frames (masked server frames, reserved bits, bad opcodes, or another protocol). Clients close with 1002.",
        "Check what writes to the socket after the upgrade: a proxy buffering the response, or an application writing raw bytes."
    ),
    entry!(
        "frame.unnegotiated_compression",
        DebuggingDetails,
        Error,
        "The server compresses without having agreed to",
        "A message arrived with RSV1 set (permessage-deflate compression) although the handshake agreed no compression. Either a proxy in between removed `Sec-WebSocket-Extensions` from the handshake while the server still compresses, or the server compresses regardless of what was negotiated. Every client fails the connection (1002).",
        "If a proxy sits in between, make it pass `Sec-WebSocket-Extensions` both ways (or make the server not compress behind it); if the server compresses on its own, make it compress only when permessage-deflate was agreed. Compare with `--no-compression` and with the backend directly (`--direct`)."
    ),
    entry!(
        "frame.invalid_compression",
        DebuggingDetails,
        Error,
        "A compressed message does not inflate",
        "permessage-deflate was agreed, but a compressed message could not be inflated (corrupt or truncated DEFLATE data, a control frame marked compressed) or inflated past 64 MB. Browsers fail the connection (1007 or 1002).",
        "Check the server's compression settings (window bits, context takeover) and any proxy that rewrites frames; `--no-compression` shows whether the rest works without it."
    ),
    entry!(
        "frame.unfinished_message",
        DebuggingDetails,
        Error,
        "A fragmented message was never finished",
        "The server began a message in fragments (a frame without FIN) and never sent its final frame before the connection ended or the wait ran out. Clients hold the parts and deliver nothing; the application sees no message at all.",
        "Check the server's code that streams a message in parts: every fragmented message must end with a final frame (FIN set), even on errors. A proxy that cuts long transfers can cause this too."
    ),
    entry!(
        "close.invalid_code",
        DebuggingDetails,
        Error,
        "The server closed with a code that may not be sent",
        "The server's close frame carried a code that must never appear on the wire (below 1000, 1004-1006, 1015, or 1016-2999). Clients treat it as a protocol error and answer 1002, which is what the application then sees, not the server's intended reason.",
        "Send a valid close code: 1000 for a normal close, 1008 for policy, 1011 for a server error, or an application code in 4000-4999."
    ),
    entry!(
        "message.not_read",
        WebSocketSetup,
        Error,
        "The server stops reading",
        "What WS Doctor had to send (a message, the pongs owed to the server's own pings, or a close frame) could not be written: the server's receive window stayed full. A server that does not read blocks its clients' sends and, when it also floods, grows their buffers.",
        "Check that the server reads every connection, even while it is busy sending (a blocked event loop or a handler that only writes), and that it answers its own pings' pongs."
    ),
    entry!(
        "frame.invalid_utf8",
        DebuggingDetails,
        Error,
        "A text message is not valid UTF-8",
        "The server sent a text frame whose payload is not valid UTF-8. Clients must close the connection with 1007.",
        "Send binary frames for non-text data, or fix the encoding of the text."
    ),
    entry!(
        "message.too_big",
        WebSocketSetup,
        Error,
        "The message is larger than the server accepts (1009)",
        "The server closed the connection with 1009, or cut it, when a message exceeded its size limit.",
        "Send smaller messages, or raise the server's limit (ws `maxPayload`, websockets `max_size`, nginx `client_max_body_size` does not apply to frames)."
    ),
    entry!(
        "ping.unanswered",
        WebSocketSetup,
        Error,
        "Pings are not answered",
        "The server did not answer a ping with a pong. Clients that send heartbeats (and proxies that check liveness) will treat the connection as dead and drop it.",
        "Make the server answer pings (every compliant library does, unless its event loop is blocked)."
    ),
    entry!(
        "idle.timeout",
        ProxyAndHttps,
        Error,
        "The connection is cut when idle",
        "The connection was cut after a silent period. Proxies and load balancers close idle connections: nginx after 60 s (`proxy_read_timeout`), HAProxy after `timeout client`/`timeout server` when no `timeout tunnel` is set, Apache httpd after its `Timeout` (60 s), AWS ALB after 60 s, Cloudflare after 100 s, Heroku after 55 s. The proxy in front is asked who it is, and its own fix is quoted.",
        "Send pings or application heartbeats more often than the shortest idle timeout on the path, or raise the timeout (nginx `proxy_read_timeout 3600s;`, HAProxy `timeout tunnel 1h`, Apache `ProxyPass … timeout=3600`)."
    ),
    entry!(
        "echo.none",
        DebuggingDetails,
        Info,
        "No reply to the test message",
        "The server did not answer the test message within the wait. Many servers do not echo, so this is not a problem on its own.",
        "Nothing to fix if the server is not meant to reply to arbitrary messages."
    ),
    entry!(
        "process.not_running",
        ServerHealth,
        Error,
        "The server process is not running",
        "No running process matches the name or PID given, so nothing can answer on its port. It may have crashed at start-up (see its log), never been started, or run under another name.",
        "Start the server (and check its log for why it stopped); check the name with `ps aux | grep NAME`."
    ),
    entry!(
        "process.fd_near_limit",
        ServerHealth,
        Warning,
        "The server is close to its open-file limit",
        "The process holds nearly as many file descriptors as its limit allows. Every WebSocket is one; at the limit new connections fail with EMFILE (\"too many open files\").",
        "Raise the limit (systemd `LimitNOFILE=65536`, `ulimit -n`, Docker `--ulimit nofile=65536:65536`), and look for connections that are never closed."
    ),
    entry!(
        "port.not_listening",
        ServerHealth,
        Error,
        "Nothing listens on the expected port",
        "No socket is listening on this port on this machine: the server is down, listens on another port, or runs elsewhere (a container, another host).",
        "Start the server or fix its port (`PORT`, the listen address in its config); `ss -ltnp` shows what listens where."
    ),
    entry!(
        "port.conflict",
        ServerHealth,
        Error,
        "Another process holds the port",
        "The port is held by a process other than the expected server. The server then cannot bind it (EADDRINUSE), and clients reach the wrong program.",
        "Stop the other process or move one of them to another port."
    ),
    entry!(
        "tcp.partial_addresses",
        ServerHealth,
        Warning,
        "Only some of the name's addresses answer",
        "The host name resolves to several addresses and some of them refuse or do not answer. Browsers try the next address (Happy Eyeballs) and connect; Node 17+ (`ws`, socket.io-client, `fetch`), and many other clients, use only the first address the resolver returns. `localhost` resolving to `::1` first while the server listens on 127.0.0.1 only is the classic case: it works in Chrome and fails in Node.",
        "Make the server listen on every address the name resolves to (`::` and `0.0.0.0`, or both loopbacks), or remove the dead addresses from DNS (or /etc/hosts); in a client, connect to the address that answers (`127.0.0.1` rather than `localhost`)."
    ),
    entry!(
        "port.loopback_only",
        ServerHealth,
        Warning,
        "The server listens on loopback only",
        "The server is bound to 127.0.0.1 (or ::1), so only this machine can reach it, while the target is addressed by another name or address: the LAN address, a container bridge, even 127.0.0.2 are refused (\"connection refused\"). Found from `--port`, or from this machine's live listeners when a connection to one of its own addresses is refused.",
        "Bind to 0.0.0.0 (or the public interface), or put a reverse proxy on this machine in front of it."
    ),
    entry!(
        "env.unset",
        ServerHealth,
        Info,
        "An environment variable is not set",
        "A variable the server's behaviour depends on is not set in its environment, so the framework's default applies (often development mode, or a default port).",
        "Set it where the server is started (systemd `Environment=`, the container's environment, the process manager's config)."
    ),
    entry!(
        "env.mismatch",
        ServerHealth,
        Warning,
        "An environment variable has an unexpected value",
        "The server runs with a different value than expected (for example NODE_ENV=development in production, or another PORT), which changes how it listens and behaves.",
        "Set the expected value where the server is started, and restart it."
    ),
    entry!(
        "log.port_in_use",
        ServerHealth,
        Error,
        "The server could not bind its port (EADDRINUSE)",
        "The server's log says the address was already in use when it started, so it is not listening (or only a previous instance is).",
        "Stop whatever holds the port (`ss -ltnp 'sport = :PORT'`), or change the port; then restart the server."
    ),
    entry!(
        "log.crash",
        ServerHealth,
        Error,
        "The server's log shows a crash",
        "The log contains an unhandled error with its stack trace (a Node exception, a Python traceback, a Java exception, a Go or Rust panic). Connections that were open at that moment dropped with 1006.",
        "Fix the error the quoted lines show; run the server under a supervisor that restarts it, and make clients reconnect."
    ),
    entry!(
        "log.fd_exhausted",
        ServerHealth,
        Error,
        "The server ran out of file descriptors (EMFILE)",
        "The log reports \"too many open files\": the process hit its descriptor limit, so new connections (and files) fail.",
        "Raise the open-file limit (`LimitNOFILE`, `ulimit -n`) and look for leaked connections."
    ),
    entry!(
        "log.proxy_timeout",
        ServerHealth,
        Warning,
        "The proxy timed out an idle upgraded connection",
        "nginx's error log shows \"upstream timed out ... while proxying upgraded connection\": proxy_read_timeout (60 s by default) passed without a frame, so nginx closed the WebSocket.",
        "Send pings or heartbeats more often than the timeout, or raise `proxy_read_timeout` for the WebSocket location."
    ),
    entry!(
        "log.upstream_refused",
        ServerHealth,
        Error,
        "The proxy could not reach the backend",
        "nginx's error log shows \"connect() failed (111: Connection refused)\" or \"upstream prematurely closed\": the backend was down or closed the connection while nginx was proxying.",
        "Check that the backend runs on the upstream address nginx uses, and its own log at that time."
    ),
    entry!(
        "log.origin_rejected",
        ServerHealth,
        Error,
        "The server's log shows refused origins",
        "The server logged that it refused a WebSocket because of its Origin (gorilla CheckOrigin, Django Channels, Socket.IO CORS, and the like).",
        "Add the page's origin to the server's allowed origins."
    ),
    entry!(
        "log.port_mismatch",
        ServerHealth,
        Warning,
        "The server listens on another port than the target",
        "The server's start-up line names a port different from the one being checked: the client and the server disagree about where to meet.",
        "Point the client at the port the server logs, or start the server on the expected port."
    ),
    entry!(
        "config.syntax_error",
        ProxyAndHttps,
        Error,
        "The proxy configuration does not parse",
        "The configuration file has a syntax error, so the proxy refuses to (re)load it and keeps running the previous configuration, or does not start.",
        "Fix the line named, then test with `nginx -t` before reloading."
    ),
    entry!(
        "config.nginx_no_upgrade",
        ProxyAndHttps,
        Error,
        "An nginx location proxies without upgrade headers",
        "The location passes requests to a backend without `proxy_set_header Upgrade` and `Connection`. nginx does not forward hop-by-hop headers, so the backend sees a plain HTTP request and the WebSocket fails (426 or 400).",
        "Add the upgrade headers to the location:",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "config.nginx_http10",
        ProxyAndHttps,
        Warning,
        "An nginx location proxies with HTTP/1.0",
        "Without `proxy_http_version 1.1`, nginx talks HTTP/1.0 to the backend, and an upgrade needs HTTP/1.1; some backends reject the request outright.",
        "Add `proxy_http_version 1.1;` to the location."
    ),
    entry!(
        "config.nginx_short_timeout",
        ProxyAndHttps,
        Warning,
        "nginx will close idle WebSockets",
        "`proxy_read_timeout` is short (or the 60 s default) and nothing shows a heartbeat more frequent than that: nginx closes a WebSocket that stays silent that long.",
        "Raise `proxy_read_timeout` (e.g. `3600s`) for the WebSocket location, or send pings more often than the timeout."
    ),
    entry!(
        "config.nginx_hardcoded_connection",
        ProxyAndHttps,
        Info,
        "A hard-coded Connection \"upgrade\"",
        "The location sends `Connection: upgrade` on every request, including plain HTTP ones, which disables keep-alive to the backend and can confuse it. The `map $http_upgrade` form sends it only for upgrades.",
        "Use the map form:",
        NGINX_UPGRADE_BLOCK
    ),
    entry!(
        "config.nginx_no_host",
        ProxyAndHttps,
        Warning,
        "nginx does not forward the Host header",
        "Without `proxy_set_header Host $host`, the backend sees the upstream's name as Host. Servers that compare Origin with Host (Socket.IO, Django Channels, gorilla's default CheckOrigin) then reject every browser.",
        "Add `proxy_set_header Host $host;` to the location."
    ),
    entry!(
        "config.caddy",
        ProxyAndHttps,
        Info,
        "Caddy proxies WebSockets on its own",
        "Caddy's `reverse_proxy` forwards upgrades without extra configuration; WS Doctor checked which sites proxy, not timeouts or headers.",
        "Nothing to fix for upgrades; for idle cut-offs see `stream_timeout` / `stream_close_delay`."
    ),
    entry!(
        "config.apache_no_wstunnel",
        ProxyAndHttps,
        Error,
        "Apache proxies without WebSocket support",
        "An Apache `ProxyPass` forwards this path without `upgrade=websocket` and no mod_proxy_wstunnel rule (a `ws://` target with the module loaded, or a RewriteRule proxying upgrades to `ws://`), so Apache forwards the request without `Upgrade` and the backend answers it as plain HTTP (426 or 400).",
        "Add `upgrade=websocket` to the ProxyPass line (Apache 2.4.47+); the corrected line is quoted. With a `ws://` target, load mod_proxy_wstunnel (`a2enmod proxy_wstunnel`)."
    ),
    entry!(
        "config.apache_short_timeout",
        ProxyAndHttps,
        Warning,
        "Apache will close idle WebSockets",
        "The WebSocket's ProxyPass has no `timeout=` of its own, and `ProxyTimeout` or `Timeout` (60 s when unset) is a minute or less: Apache closes a tunnel that carries nothing for that long.",
        "Give the WebSocket's ProxyPass a timeout of its own (`timeout=3600`, the corrected line is quoted), or send pings more often than the timeout."
    ),
    entry!(
        "config.haproxy_no_tunnel_timeout",
        ProxyAndHttps,
        Warning,
        "HAProxy has no tunnel timeout",
        "Once a WebSocket is upgraded HAProxy times it with `timeout tunnel`. Without one, `timeout client` and `timeout server` (often 30–50 s) apply, and every WebSocket that stays silent that long is cut (1006 in the browser).",
        "Add `timeout tunnel 1h` to the backend (or the defaults); the corrected section is quoted."
    ),
    entry!(
        "config.haproxy_short_timeout",
        ProxyAndHttps,
        Warning,
        "HAProxy's tunnel timeout is short",
        "`timeout tunnel` is a minute or less: HAProxy cuts a WebSocket that stays silent that long.",
        "Raise it (`timeout tunnel 1h`), or send pings more often than the timeout."
    ),
    entry!(
        "config.haproxy_upgrade_stripped",
        ProxyAndHttps,
        Error,
        "An HAProxy rule removes the upgrade",
        "HAProxy passes upgrades on its own, but a rule on this path deletes `Upgrade` or `Connection`, or sets `Connection: close`: the backend then sees a plain HTTP request and the upgrade fails.",
        "Remove the rule, or limit it to requests that are not upgrades (`unless { req.hdr(upgrade) -i websocket }`); the corrected section is quoted."
    ),
    entry!(
        "frontend.csp_blocked",
        FrontendConnection,
        Error,
        "The page's Content-Security-Policy blocks the socket",
        "The page that opens the socket sends a Content-Security-Policy (header or `<meta http-equiv>`) whose `connect-src` (or, without one, `default-src`) does not allow the WebSocket's URL, so the browser refuses to open it before any byte reaches the server: the console says \"Refused to connect … because it violates the following Content Security Policy directive\" and the server sees nothing. `'self'` allows `ws:`/`wss:` only on the page's own host and port (`wss:` only, from an `https:` page). wscat and Postman have no page, so they connect.",
        "Add the socket's origin to `connect-src` (the corrected directive is quoted: it keeps what the directive allowed); without a `connect-src`, add one, since `default-src` is what blocked it."
    ),
    entry!(
        "cookie.not_sent",
        FrontendConnection,
        Warning,
        "A browser would not send the session's cookies",
        "A page cannot set a Cookie header on a WebSocket: the browser attaches what its jar holds for the socket's URL, and these cookies stay behind by their Domain (another host, or a host-only cookie set by another subdomain), Path, Secure (never over ws://), expiry, or SameSite (a WebSocket opened by a page on another site gets neither Strict nor Lax cookies, and Chrome takes a cookie without SameSite as Lax). A server that authenticates the socket by cookie then sees no session: 401, 403, or a close right after the upgrade. wscat and Postman send whatever header they are given, so they pass.",
        "Set the cookie so it reaches the socket's URL: `Domain=` the parent domain the app and socket share, `Path=/`, `Secure` with wss://, and `SameSite=None; Secure` when the page is on another site; or authenticate the socket with a token in the first message instead of a cookie."
    ),
    entry!(
        "frontend.hardcoded_url",
        FrontendConnection,
        Warning,
        "A WebSocket URL is hard-coded to a development host",
        "The frontend code connects to a fixed `ws://localhost`, `127.0.0.1` or IP address URL that will not exist on users' machines once the app ships.",
        "Build the URL from configuration or from `window.location` (e.g. `new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`)`)."
    ),
    entry!(
        "frontend.insecure_ws",
        FrontendConnection,
        Error,
        "The frontend opens ws:// although the app is served over https",
        "Browsers block plain ws:// from an https:// page (mixed content), so this connection fails for every user of the secure site.",
        "Use `wss://` (or derive the scheme from `location.protocol`)."
    ),
    entry!(
        "frontend.url_mismatch",
        FrontendConnection,
        Warning,
        "The frontend connects somewhere else than the target",
        "The WebSocket URLs found in the code point to another host, port or path than the one being checked, so fixing the server will not fix the client.",
        "Make the client's URL (or its configuration) match the endpoint that is being checked."
    ),
    entry!(
        "frontend.no_reconnect",
        FrontendConnection,
        Info,
        "No close handling near a WebSocket",
        "The code opens a WebSocket but handles neither `onclose` nor reconnection nearby: when the connection drops (deploys, proxies, networks), the page silently stops updating.",
        "Handle `close` with a reconnect and exponential backoff (or use a library that does, like reconnecting-websocket)."
    ),
    entry!(
        "frontend.hmr_config",
        FrontendConnection,
        Warning,
        "The dev server's HMR socket will not work behind a proxy",
        "The Vite/webpack dev server's hot-reload WebSocket is configured for a fixed host or port (or a proxy entry lacks `ws: true`), so behind a proxy or in a container the page cannot reach it.",
        "Set `server.hmr.clientPort`/`host` (Vite) or `client.webSocketURL` (webpack) to the public address, and `ws: true` on proxied socket paths."
    ),
    entry!(
        "electron.context_isolation_off",
        DesktopApp,
        Error,
        "Electron: contextIsolation is off",
        "With `contextIsolation: false`, the page's scripts share a JavaScript world with the preload script, so any script in the page (or injected into it) can reach what the preload can, including Node APIs.",
        "Leave `contextIsolation: true` (the default) and expose a narrow API with `contextBridge.exposeInMainWorld`."
    ),
    entry!(
        "electron.node_integration_on",
        DesktopApp,
        Error,
        "Electron: nodeIntegration is on",
        "With `nodeIntegration: true`, every script in the renderer can `require('fs')` and `require('child_process')`: a cross-site scripting bug becomes remote code execution.",
        "Set `nodeIntegration: false` (the default) and move Node work to the main process behind IPC."
    ),
    entry!(
        "electron.sandbox_off",
        DesktopApp,
        Warning,
        "Electron: the renderer sandbox is off",
        "With `sandbox: false`, the renderer process runs without Chromium's OS-level sandbox, so an exploit in the page has the user's full rights.",
        "Set `sandbox: true` (the default since Electron 20) and keep Node work in the main process."
    ),
    entry!(
        "electron.open_ipc_bridge",
        DesktopApp,
        Error,
        "Electron: the preload exposes every IPC channel",
        "The preload script hands the page `ipcRenderer.send`/`on`/`invoke` for any channel name, so every handler of the main process becomes reachable from the page, including ones never meant for it.",
        "Expose named functions for an allow-list of channels:",
        ELECTRON_BRIDGE
    ),
    entry!(
        "electron.renderer_websocket_with_node",
        DesktopApp,
        Warning,
        "Electron: a WebSocket in a renderer with Node integration",
        "A renderer with Node integration opens a WebSocket: data from the network reaches a context that can call Node APIs.",
        "Disable nodeIntegration for that window, or open the socket in the main process and pass messages over a narrow IPC channel."
    ),
    // Last: a comparison of two runs, ranked after the concrete cause the first run named.
    entry!(
        "compression.fails_with",
        WebSocketSetup,
        Error,
        "The connection fails only when compression is offered",
        "The check offered permessage-deflate, as Chrome, Firefox and Safari always do, and failed; the same check without the offer passed. Clients that offer no compression (wscat, many libraries, `--no-compression`) connect, every browser fails: a server or proxy that mishandles the extension (a bad answer, compressed frames the client cannot read, a proxy that strips the agreement but not the compression).",
        "Fix the server's or the proxy's permessage-deflate (the first cause above says how it fails), or turn compression off on the server (`perMessageDeflate: false` in ws, `compression=None` in websockets) until it works."
    ),
    entry!(
        "compression.fails_without",
        WebSocketSetup,
        Warning,
        "The connection fails only without compression",
        "The check, without the permessage-deflate offer, failed; the same check offering it passed. Browsers offer it and connect; clients that do not (some libraries, command-line tools, `--no-compression`) fail. The server requires the extension.",
        "Let the server accept clients that offer no compression (RFC 7692 makes the extension optional), or make every client offer it."
    ),
];

/// The entry for a code. Panics on an unknown code: codes are compile-time constants of this crate.
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

/// The entry for `code`. The engine names only catalog codes: an unknown one is a bug, caught by tests.
pub fn entry(code: &str) -> &'static Entry {
    lookup(code).unwrap_or_else(|| panic!("diagnosis code {code} is not in the catalog"))
}

/// The entry for `code`, if the catalog has it (a code read from a file may be anything).
pub fn lookup(code: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|entry| entry.code == code)
}

/// `docs/diagnoses.md`, rendered from the catalog.
pub fn markdown() -> String {
    let mut text = String::from(
        "# Diagnoses\n\n\
         Every cause WS Doctor can name, with its stable code. Codes are an API: tools may match on them, and a\n\
         code is never renamed or reused. Severity: **error** breaks the connection; **warning** works here but\n\
         breaks for some clients or soon; **info** is worth knowing.\n\n\
         Generated from `crates/wsdoctor-core/src/catalog.rs` (`make docs`); a test fails when they differ.\n\n\
         | code | severity | title |\n|---|---|---|\n",
    );
    for entry in CATALOG {
        text.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            entry.code,
            entry.code.replace('.', ""),
            entry.severity.word(),
            entry.title
        ));
    }
    text.push_str(
        "\n## What explains what\n\n\
         A cause found at a deeper layer explains a symptom seen on the wire: when both are named, the cause \
         is ranked first and the symptom is marked as its consequence.\n\n\
         | cause | explains | because |\n|---|---|---|\n",
    );
    for relation in EXPLAINS {
        text.push_str(&format!(
            "| [`{}`](#{}) | [`{}`](#{}) | {} |\n",
            relation.cause,
            relation.cause.replace('.', ""),
            relation.symptom,
            relation.symptom.replace('.', ""),
            relation.because
        ));
    }
    for entry in CATALOG {
        text.push_str(&format!(
            "\n## `{}`\n\n**{}** ({})\n\n{}\n\n**Fix:** {}\n",
            entry.code,
            entry.title,
            entry.severity.word(),
            entry.explanation,
            entry.fix
        ));
        if let Some(snippet) = entry.snippet {
            text.push_str(&format!(
                "\n```{}\n{}\n```\n",
                snippet.language, snippet.text
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for entry in CATALOG {
            assert!(seen.insert(entry.code), "{} appears twice", entry.code);
            let (layer, name) = entry.code.split_once('.').expect("layer.name");
            assert!(!layer.is_empty() && !name.is_empty());
            assert!(
                entry
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "{}",
                entry.code
            );
            assert!(entry.explanation.ends_with('.'), "{}", entry.code);
        }
    }

    #[test]
    fn docs_match_the_catalog() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/diagnoses.md");
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, markdown()).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == markdown(),
            "docs/diagnoses.md is stale: run `make docs` and commit it"
        );
    }
}
