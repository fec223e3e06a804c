//! The causes found on the server's machine: the process, the port, its environment, its logs, the proxy's configuration.

use super::snippets::*;
use super::{Cause, Section, Severity, cause};

pub(super) const SERVER_SIDE: &[Cause] = &[
    cause!(
        "backend.intermittent",
        ServerHealth,
        Error,
        "The servers behind this address do not all behave the same",
        "The same check, made again on fresh connections, failed on some attempts and passed on others, with nothing changed between them that explains it. A load balancer is spreading connections over servers that differ: one broken node in the pool, one running another version or configuration, or one that has lost its backend. Some users fail and others do not, and retrying \"fixes\" it by chance.",
        "Find the node: compare what answered each attempt (the evidence), check the load balancer's health checks (a WebSocket upgrade, not only `GET /health`), and take the odd node out of the pool until it matches the others."
    ),
    cause!(
        "server.upgrade_not_handled",
        ServerHealth,
        Error,
        "The app answered the upgrade as an ordinary request",
        "The HTTP server that took the connection has nothing attached to its `upgrade` event, so the upgrade went to the app's routes as a plain GET (Express answers \"Cannot GET /ws\"). The WebSocket server is listening elsewhere: on a port of its own (`new WebSocketServer({ port })` beside `app.listen()`), or attached to another HTTP server than the one listening (`http.createServer(app)` given to ws, then `app.listen()`, which creates a second one).",
        "Attach the WebSocket server to the HTTP server that listens: `const server = app.listen(PORT); new WebSocketServer({ server, path: '/ws' })` (or call `server.listen()` on the server you gave to ws, not `app.listen()`).",
        EXPRESS_SHARED_SERVER
    ),
    cause!(
        "server.websocket_unsupported",
        ServerHealth,
        Error,
        "The server has no WebSocket support installed",
        "The ASGI server answered the upgrade as a plain HTTP request: uvicorn installed without a WebSocket library (`websockets` or `wsproto`) does that, and logs \"Unsupported upgrade request\" and \"No supported WebSocket library detected\". Every WebSocket route of the app is unreachable, and Socket.IO stays on long polling.",
        "Install uvicorn with its standard extras (`pip install 'uvicorn[standard]'`, or `pip install websockets`) and restart it; pin it in the requirements the deployment installs.",
        UVICORN_STANDARD
    ),
    cause!(
        "process.not_running",
        ServerHealth,
        Error,
        "The server process is not running",
        "No running process matches the name or PID given, so nothing can answer on its port. It may have crashed at start-up (see its log), never been started, or run under another name.",
        "Start the server (and check its log for why it stopped); check the name with `ps aux | grep NAME`."
    ),
    cause!(
        "process.fd_near_limit",
        ServerHealth,
        Warning,
        "The server is close to its open-file limit",
        "The process holds nearly as many file descriptors as its limit allows. Every WebSocket is one; at the limit new connections fail with EMFILE (\"too many open files\").",
        "Raise the limit (systemd `LimitNOFILE=65536`, `ulimit -n`, Docker `--ulimit nofile=65536:65536`), and look for connections that are never closed."
    ),
    cause!(
        "port.not_listening",
        ServerHealth,
        Error,
        "Nothing listens on the expected port",
        "No socket is listening on this port on this machine: the server is down, listens on another port, or runs elsewhere (a container, another host).",
        "Start the server or fix its port (`PORT`, the listen address in its config); `ss -ltnp` shows what listens where."
    ),
    cause!(
        "port.conflict",
        ServerHealth,
        Error,
        "Another process holds the port",
        "The port is held by a process other than the expected server. The server then cannot bind it (EADDRINUSE), and clients reach the wrong program.",
        "Stop the other process or move one of them to another port."
    ),
    cause!(
        "tcp.partial_addresses",
        ServerHealth,
        Warning,
        "Only some of the name's addresses answer",
        "The host name resolves to several addresses and some of them refuse or do not answer. Browsers try the next address (Happy Eyeballs) and connect; Node 17+ (`ws`, socket.io-client, `fetch`), and many other clients, use only the first address the resolver returns. `localhost` resolving to `::1` first while the server listens on 127.0.0.1 only is the classic case: it works in Chrome and fails in Node.",
        "Make the server listen on every address the name resolves to (`::` and `0.0.0.0`, or both loopbacks), or remove the dead addresses from DNS (or /etc/hosts); in a client, connect to the address that answers (`127.0.0.1` rather than `localhost`)."
    ),
    cause!(
        "port.loopback_only",
        ServerHealth,
        Warning,
        "The server listens on loopback only",
        "The server is bound to 127.0.0.1 (or ::1), so only this machine can reach it, while the target is addressed by another name or address: the LAN address, a container bridge, even 127.0.0.2 are refused (\"connection refused\"). Found from `--port`, or from this machine's live listeners when a connection to one of its own addresses is refused.",
        "Bind to 0.0.0.0 (or the public interface), or put a reverse proxy on this machine in front of it."
    ),
    cause!(
        "env.unset",
        ServerHealth,
        Info,
        "An environment variable is not set",
        "A variable the server's behaviour depends on is not set in its environment, so the framework's default applies (often development mode, or a default port).",
        "Set it where the server is started (systemd `Environment=`, the container's environment, the process manager's config)."
    ),
    cause!(
        "env.mismatch",
        ServerHealth,
        Warning,
        "An environment variable has an unexpected value",
        "The server runs with a different value than expected (for example NODE_ENV=development in production, or another PORT), which changes how it listens and behaves.",
        "Set the expected value where the server is started, and restart it."
    ),
    cause!(
        "log.port_in_use",
        ServerHealth,
        Error,
        "The server could not bind its port (EADDRINUSE)",
        "The server's log says the address was already in use when it started, so it is not listening (or only a previous instance is).",
        "Stop whatever holds the port (`ss -ltnp 'sport = :PORT'`), or change the port; then restart the server."
    ),
    cause!(
        "log.crash",
        ServerHealth,
        Error,
        "The server's log shows a crash",
        "The log contains an unhandled error with its stack trace (a Node exception, a Python traceback, a Java exception, a Go or Rust panic). Connections that were open at that moment dropped with 1006.",
        "Fix the error the quoted lines show; run the server under a supervisor that restarts it, and make clients reconnect."
    ),
    cause!(
        "log.fd_exhausted",
        ServerHealth,
        Error,
        "The server ran out of file descriptors (EMFILE)",
        "The log reports \"too many open files\": the process hit its descriptor limit, so new connections (and files) fail.",
        "Raise the open-file limit (`LimitNOFILE`, `ulimit -n`) and look for leaked connections."
    ),
    cause!(
        "log.proxy_timeout",
        ServerHealth,
        Warning,
        "The proxy timed out an idle upgraded connection",
        "nginx's error log shows \"upstream timed out ... while proxying upgraded connection\": proxy_read_timeout (60 s by default) passed without a frame, so nginx closed the WebSocket.",
        "Send pings or heartbeats more often than the timeout, or raise `proxy_read_timeout` for the WebSocket location."
    ),
    cause!(
        "log.upstream_refused",
        ServerHealth,
        Error,
        "The proxy could not reach the backend",
        "nginx's error log shows \"connect() failed (111: Connection refused)\" or \"upstream prematurely closed\": the backend was down or closed the connection while nginx was proxying.",
        "Check that the backend runs on the upstream address nginx uses, and its own log at that time."
    ),
    cause!(
        "log.origin_rejected",
        ServerHealth,
        Error,
        "The server's log shows refused origins",
        "The server logged that it refused a WebSocket because of its Origin (gorilla CheckOrigin, Django Channels, Socket.IO CORS, and the like).",
        "Add the page's origin to the server's allowed origins."
    ),
    cause!(
        "log.port_mismatch",
        ServerHealth,
        Warning,
        "The server listens on another port than the target",
        "The server's start-up line names a port different from the one being checked: the client and the server disagree about where to meet.",
        "Point the client at the port the server logs, or start the server on the expected port."
    ),
    cause!(
        "config.syntax_error",
        ProxyAndHttps,
        Error,
        "The proxy configuration does not parse",
        "The configuration file has a syntax error, so the proxy refuses to (re)load it and keeps running the previous configuration, or does not start.",
        "Fix the line named, then test with `nginx -t` before reloading."
    ),
    cause!(
        "config.nginx_no_upgrade",
        ProxyAndHttps,
        Error,
        "An nginx location proxies without upgrade headers",
        "The location passes requests to a backend without `proxy_set_header Upgrade` and `Connection`. nginx does not forward hop-by-hop headers, so the backend sees a plain HTTP request and the WebSocket fails (426 or 400).",
        "Add the upgrade headers to the location:",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "config.nginx_http10",
        ProxyAndHttps,
        Warning,
        "An nginx location proxies with HTTP/1.0",
        "Without `proxy_http_version 1.1`, nginx talks HTTP/1.0 to the backend, and an upgrade needs HTTP/1.1; some backends reject the request outright.",
        "Add `proxy_http_version 1.1;` to the location."
    ),
    cause!(
        "config.nginx_short_timeout",
        ProxyAndHttps,
        Warning,
        "nginx will close idle WebSockets",
        "`proxy_read_timeout` is short (or the 60 s default) and nothing shows a heartbeat more frequent than that: nginx closes a WebSocket that stays silent that long.",
        "Raise `proxy_read_timeout` (e.g. `3600s`) for the WebSocket location, or send pings more often than the timeout."
    ),
    cause!(
        "config.nginx_hardcoded_connection",
        ProxyAndHttps,
        Info,
        "A hard-coded Connection \"upgrade\"",
        "The location sends `Connection: upgrade` on every request, including plain HTTP ones, which disables keep-alive to the backend and can confuse it. The `map $http_upgrade` form sends it only for upgrades.",
        "Use the map form:",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "config.nginx_no_host",
        ProxyAndHttps,
        Warning,
        "nginx does not forward the Host header",
        "Without `proxy_set_header Host $host`, the backend sees the upstream's name as Host. Servers that compare Origin with Host (Socket.IO, Django Channels, gorilla's default CheckOrigin) then reject every browser.",
        "Add `proxy_set_header Host $host;` to the location."
    ),
    cause!(
        "config.caddy",
        ProxyAndHttps,
        Info,
        "Caddy proxies WebSockets on its own",
        "Caddy's `reverse_proxy` forwards upgrades without extra configuration; WS Doctor checked which sites proxy, not timeouts or headers.",
        "Nothing to fix for upgrades; for idle cut-offs see `stream_timeout` / `stream_close_delay`."
    ),
    cause!(
        "config.apache_no_wstunnel",
        ProxyAndHttps,
        Error,
        "Apache proxies without WebSocket support",
        "An Apache `ProxyPass` forwards this path without `upgrade=websocket` and no mod_proxy_wstunnel rule (a `ws://` target with the module loaded, or a RewriteRule proxying upgrades to `ws://`), so Apache forwards the request without `Upgrade` and the backend answers it as plain HTTP (426 or 400).",
        "Add `upgrade=websocket` to the ProxyPass line (Apache 2.4.47+); the corrected line is quoted. With a `ws://` target, load mod_proxy_wstunnel (`a2enmod proxy_wstunnel`)."
    ),
    cause!(
        "config.apache_short_timeout",
        ProxyAndHttps,
        Warning,
        "Apache will close idle WebSockets",
        "The WebSocket's ProxyPass has no `timeout=` of its own, and `ProxyTimeout` or `Timeout` (60 s when unset) is a minute or less: Apache closes a tunnel that carries nothing for that long.",
        "Give the WebSocket's ProxyPass a timeout of its own (`timeout=3600`, the corrected line is quoted), or send pings more often than the timeout."
    ),
    cause!(
        "config.haproxy_no_tunnel_timeout",
        ProxyAndHttps,
        Warning,
        "HAProxy has no tunnel timeout",
        "Once a WebSocket is upgraded HAProxy times it with `timeout tunnel`. Without one, `timeout client` and `timeout server` (often 30–50 s) apply, and every WebSocket that stays silent that long is cut (1006 in the browser).",
        "Add `timeout tunnel 1h` to the backend (or the defaults); the corrected section is quoted."
    ),
    cause!(
        "config.haproxy_short_timeout",
        ProxyAndHttps,
        Warning,
        "HAProxy's tunnel timeout is short",
        "`timeout tunnel` is a minute or less: HAProxy cuts a WebSocket that stays silent that long.",
        "Raise it (`timeout tunnel 1h`), or send pings more often than the timeout."
    ),
    cause!(
        "config.haproxy_upgrade_stripped",
        ProxyAndHttps,
        Error,
        "An HAProxy rule removes the upgrade",
        "HAProxy passes upgrades on its own, but a rule on this path deletes `Upgrade` or `Connection`, or sets `Connection: close`: the backend then sees a plain HTTP request and the upgrade fails.",
        "Remove the rule, or limit it to requests that are not upgrades (`unless { req.hdr(upgrade) -i websocket }`); the corrected section is quoted."
    ),
];
