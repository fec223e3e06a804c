//! The causes met reaching the server and upgrading: the URL, DNS, TCP, TLS, the upgrade handshake, a proxy on the way, the subprotocol.

use super::snippets::*;
use super::{Cause, Section, Severity, cause};

pub(super) const REACHING: &[Cause] = &[
    cause!(
        "url.invalid",
        FrontendConnection,
        Error,
        "The URL is not valid",
        "The target could not be read as a URL, so nothing was tried.",
        "Use a full WebSocket URL with a scheme, a host and a path, such as `wss://example.com/socket`."
    ),
    cause!(
        "url.http_scheme",
        FrontendConnection,
        Info,
        "An http(s):// URL was given",
        "The URL starts with http:// or https://. WS Doctor tried the matching ws:// or wss:// URL, but many clients (and older browsers) refuse an http(s) URL in `new WebSocket()`.",
        "Write `ws://` for `http://` and `wss://` for `https://` in the client's configuration."
    ),
    cause!(
        "url.mixed_content",
        FrontendConnection,
        Error,
        "Insecure ws:// from an https:// page",
        "The page that opens this socket is served over https, and browsers block a plain ws:// connection from a secure page (\"Mixed Content\"). The socket may work from a script or a tool and still fail in every browser.",
        "Serve the WebSocket over TLS and connect with `wss://` (behind the same TLS proxy as the page, usually)."
    ),
    cause!(
        "url.needs_wss",
        FrontendConnection,
        Error,
        "ws:// sent to a port that speaks TLS",
        "The port answered a plain-text upgrade request as a TLS server would (or with nginx's \"plain HTTP request was sent to HTTPS port\"), so it expects wss://.",
        "Use `wss://` for this host and port."
    ),
    cause!(
        "dns.unresolved",
        ServerHealth,
        Error,
        "The host name does not resolve",
        "DNS gave no address for the host, so no connection could be attempted. A typo, a missing DNS record, or a name that only resolves inside another network (VPN, Docker network, /etc/hosts) are the usual causes.",
        "Check the host name; look it up with `dig HOST` or `getent hosts HOST` on the machine running the client."
    ),
    cause!(
        "tcp.refused",
        ServerHealth,
        Error,
        "Nothing is listening on that port",
        "The host answered but refused the connection: no server listens on this port, or it listens only on another address (for example 127.0.0.1 when the client comes from elsewhere).",
        "Start the server; check the port it listens on (`ss -ltnp`) and that it binds an address the client can reach (0.0.0.0 or the public interface, not only 127.0.0.1)."
    ),
    cause!(
        "tcp.timeout",
        ServerHealth,
        Error,
        "No answer to the TCP connection",
        "Connection attempts got no answer at all. A firewall or security group dropping the packets, a wrong host or IP, or a server that is down behind a load balancer are the usual causes.",
        "Check that the host and port are right and that firewalls and security groups allow the client's traffic to this port."
    ),
    cause!(
        "tcp.reset",
        ServerHealth,
        Error,
        "The connection was reset",
        "The connection was reset (RST) by the server or by something in between, such as a firewall or a proxy that refuses the client.",
        "Check the server's and the proxy's logs at the time of the attempt; check firewall rules between the client and the server."
    ),
    cause!(
        "tls.not_tls",
        ProxyAndHttps,
        Error,
        "The port does not speak TLS",
        "A wss:// connection was attempted, but the server answered in plain text (often HTTP), which TLS libraries report as \"wrong version number\" or a corrupt message.",
        "Use `ws://` for this port, or point the client at the TLS port (usually 443) of the server or proxy."
    ),
    cause!(
        "tls.untrusted",
        ProxyAndHttps,
        Error,
        "The server's certificate is not trusted",
        "The certificate is self-signed or issued by a certificate authority the client does not trust. Browsers refuse it (ERR_CERT_AUTHORITY_INVALID) even when curl -k or a test client works.",
        "Use a certificate from a public CA (Let's Encrypt, for example), or install the private CA on every client. To diagnose past it, run with `--insecure` or `--ca-file CA.pem`."
    ),
    cause!(
        "tls.expired",
        ProxyAndHttps,
        Error,
        "The certificate has expired or is not yet valid",
        "The certificate's validity period does not include the current time (or the client's clock is wrong).",
        "Renew the certificate (and its automation, e.g. certbot's timer); check the clock of the client and of the server."
    ),
    cause!(
        "tls.hostname_mismatch",
        ProxyAndHttps,
        Error,
        "The certificate is for another host name",
        "The certificate's names (SANs) do not include the host in the URL, so clients refuse it.",
        "Connect with a host name the certificate lists, or issue a certificate that includes this name."
    ),
    cause!(
        "tls.incomplete_chain",
        ProxyAndHttps,
        Error,
        "The server does not send its intermediate certificate",
        "The server sends its own certificate without the intermediate CA that links it to a trusted root. Some clients fill the gap from a cache; many (Node.js, Python, mobile apps) fail.",
        "Serve the full chain: in nginx `ssl_certificate` must point at the full-chain file (e.g. `fullchain.pem`, not `cert.pem`)."
    ),
    cause!(
        "tls.client_cert_required",
        ProxyAndHttps,
        Error,
        "The server requires a client certificate (mutual TLS)",
        "The server asked for a client certificate during the TLS handshake and refused the connection without an acceptable one: a TLS alert (`certificate_required`, or a handshake failure right after the request), or nginx's `400 No required SSL certificate was sent` with `ssl_verify_client on`. Browsers offer a certificate only from the user's certificate store, and most WebSocket clients send none unless configured to.",
        "Give the client the certificate and key the server trusts (WS Doctor: `--client-cert cert.pem --client-key key.pem`; Node `ws`: `new WebSocket(url, { cert, key })`; browsers: import it into the OS or browser store), or make client certificates optional for this location (nginx `ssl_verify_client optional;`)."
    ),
    cause!(
        "tls.handshake_failed",
        ProxyAndHttps,
        Error,
        "The TLS handshake failed",
        "The client and server could not agree on TLS (protocol version, cipher suites, or a client certificate requirement), or the server aborted the handshake.",
        "Check the server's TLS settings (TLS 1.2 or 1.3 enabled, modern cipher suites). If it requires a client certificate (mutual TLS), the client must present one the server trusts."
    ),
    cause!(
        "handshake.timeout",
        WebSocketSetup,
        Error,
        "No answer to the upgrade request",
        "The connection was accepted, but the server never answered the HTTP upgrade request. A stuck server, an overloaded event loop, or a proxy waiting on a dead backend are the usual causes.",
        "Check that the application handles upgrade requests on this path, and the server's and proxy's logs for the request."
    ),
    cause!(
        "handshake.no_response",
        WebSocketSetup,
        Error,
        "The connection closed without an answer",
        "The server (or a proxy) closed the connection after reading the upgrade request, without any HTTP response.",
        "Check the server's logs for a crash or a rejected request at that moment; check that the proxy forwards this path."
    ),
    cause!(
        "handshake.invalid_response",
        WebSocketSetup,
        Error,
        "The answer is not valid HTTP",
        "Something answered the upgrade request with bytes that are not an HTTP response (or with headers too large to be sane): another protocol is listening on this port.",
        "Check which service listens on this port; point the client at the WebSocket server's port."
    ),
    cause!(
        "handshake.not_websocket",
        WebSocketSetup,
        Error,
        "A web page instead of an upgrade",
        "The server answered with a 2xx page instead of 101 Switching Protocols: the URL points at a normal HTTP route (the web app, a health check), not at the WebSocket endpoint.",
        "Use the WebSocket endpoint's exact path (for example `/ws` or `/socket`), and check the server registers its WebSocket handler on it."
    ),
    cause!(
        "handshake.redirect",
        WebSocketSetup,
        Error,
        "A redirect instead of an upgrade",
        "The server answered with a redirect. Browsers and most WebSocket clients do not follow redirects during the upgrade, so the connection fails.",
        "Connect to the final URL directly (often the https/wss or trailing-slash variant the redirect points to)."
    ),
    cause!(
        "handshake.bad_request",
        WebSocketSetup,
        Error,
        "The server rejected the upgrade request (400)",
        "The server answered 400 Bad Request: it did not accept the upgrade as sent. Missing or wrong headers, a required subprotocol or query parameter, or a proxy that altered the request are the usual causes.",
        "Read the response body in the evidence; compare the request with what the server expects (subprotocols, query parameters, headers)."
    ),
    cause!(
        "handshake.headers_too_large",
        WebSocketSetup,
        Error,
        "The upgrade request's headers are too large for the server",
        "The server (or a proxy) refused the upgrade because its headers are larger than it accepts: 431, or nginx's 400 \"Request Header Or Cookie Too Large\" past `large_client_header_buffers` (4 buffers of 8 KB by default). Cookies are the usual cause: a browser sends every cookie of the site with the upgrade, and they grow with tracking and session data. The evidence names the request's size, its largest headers and its largest cookie.",
        "Trim what the page sends (fewer or smaller cookies on the socket's domain, or serve the socket from a subdomain without them), or raise the limit: nginx `large_client_header_buffers 4 32k;`, Node `--max-http-header-size=32768`, HAProxy `tune.bufsize`."
    ),
    cause!(
        "handshake.rate_limited",
        WebSocketSetup,
        Error,
        "The server is rate limiting the upgrade (429)",
        "The upgrade was answered 429 Too Many Requests: a rate limit (nginx `limit_req`, an API gateway, a WAF) counts this client's requests and refuses the excess. Reconnect loops make it worse: every retry counts. `Retry-After` (quoted) says when to try again.",
        "Wait out `Retry-After`, and make clients back off between reconnects (exponential, with jitter); raise the limit or its burst for the WebSocket path (nginx `limit_req zone=… burst=20 nodelay;`), which opens one request per connection, not one per message."
    ),
    cause!(
        "handshake.auth_required",
        WebSocketSetup,
        Error,
        "Credentials are missing or wrong",
        "The server refused the upgrade because the request carries no valid credentials (401, or 403 with an authentication hint). Some servers answer 401 for a refused Origin too (Node's ws does when `verifyClient` returns false), so when the credentials are right, check the Origin.",
        "Send the credentials the server expects: an `Authorization` header (`-H 'Authorization: Bearer …'`), a cookie, or a token in the query string."
    ),
    cause!(
        "handshake.origin_rejected",
        WebSocketSetup,
        Error,
        "The server rejects this Origin",
        "The server checks the `Origin` header and refused this one; without it, or with the server's own origin, the upgrade is accepted. Browsers always send the page's origin, so the page's origin must be on the server's allow-list.",
        "Add the page's origin to the server's allowed origins (e.g. Socket.IO `cors.origin`, ws `verifyClient`, Django `ALLOWED_HOSTS`/`AllowedHostsOriginValidator`, gorilla `CheckOrigin`)."
    ),
    cause!(
        "handshake.forbidden",
        WebSocketSetup,
        Error,
        "The server forbids the upgrade (403)",
        "The server answered 403 Forbidden for reasons other than the Origin: an IP allow-list, a WAF rule, or an authorisation policy.",
        "Check the server's and the proxy's access rules and logs for this request."
    ),
    cause!(
        "handshake.not_found",
        WebSocketSetup,
        Error,
        "No WebSocket endpoint at this path (404)",
        "Nothing is routed at this path on the server (or on the proxy in front of it).",
        "Check the endpoint's path (including a trailing slash and any prefix the proxy adds or strips)."
    ),
    cause!(
        "handshake.upgrade_required",
        WebSocketSetup,
        Error,
        "The server saw no upgrade (426)",
        "The server answered 426 Upgrade Required: the request reached it without the `Upgrade: websocket` and `Connection: Upgrade` headers. When a proxy sits in front, it dropped them.",
        "Make every proxy on the path forward the upgrade headers; in nginx:",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "handshake.server_error",
        WebSocketSetup,
        Error,
        "The application failed (5xx)",
        "The application itself answered with a server error while handling the upgrade request.",
        "Check the application's log at the time of the request for the exception or error."
    ),
    cause!(
        "handshake.invalid_accept",
        WebSocketSetup,
        Error,
        "Wrong Sec-WebSocket-Accept",
        "The server answered 101, but its `Sec-WebSocket-Accept` does not match the key sent. Every client must refuse the connection. A broken server implementation, or a proxy that rewrote the handshake, is the cause.",
        "Fix the server's handshake (accept = base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\"))), or remove the proxy that alters it."
    ),
    cause!(
        "handshake.invalid_upgrade",
        WebSocketSetup,
        Error,
        "101 without the upgrade headers",
        "The server answered 101 but without `Upgrade: websocket` or `Connection: Upgrade`, which clients require.",
        "Fix the server (or proxy) so the 101 response carries `Upgrade: websocket` and `Connection: Upgrade`."
    ),
    cause!(
        "handshake.invalid_extension",
        WebSocketSetup,
        Error,
        "The server's extension answer makes browsers fail",
        "The 101 response's `Sec-WebSocket-Extensions` breaks RFC 7692 or RFC 6455: an extension that was not offered, permessage-deflate named twice, a parameter that is unknown, given twice or out of range (window bits outside 8–15), or `client_max_window_bits` when the client did not offer it. Chrome, Firefox and Safari all offer `permessage-deflate; client_max_window_bits` and fail the connection on such an answer (the page sees close code 1006, the console a handshake error), though clients that offer nothing (wscat, many libraries) may never notice.",
        "Answer only with extensions and parameters the client offered, with values in range; check any proxy or middleware that rewrites the handshake (the answer and what was offered are quoted)."
    ),
    cause!(
        "proxy.bad_gateway",
        ProxyAndHttps,
        Error,
        "The proxy cannot reach the backend",
        "A proxy answered 502 or 504: it could not connect to the application behind it, or the application did not answer in time.",
        "Check that the backend is running and that the proxy's upstream address and port are right; see the proxy's error log."
    ),
    cause!(
        "proxy.upgrade_stripped",
        ProxyAndHttps,
        Error,
        "A proxy dropped the upgrade headers",
        "A reverse proxy answered instead of a WebSocket server: it forwarded the request without `Upgrade` and `Connection`, so the backend saw a plain HTTP request.",
        "Configure the proxy to pass the upgrade through; in nginx:",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "proxy.used",
        ProxyAndHttps,
        Info,
        "The connection went through a proxy",
        "The connection was made through an HTTP proxy (from --proxy or the HTTPS_PROXY/HTTP_PROXY environment). Results describe the path through that proxy.",
        "If the client does not use this proxy, run the check without it (`NO_PROXY`, or unset the variable)."
    ),
    cause!(
        "proxy.connect_failed",
        ProxyAndHttps,
        Error,
        "The HTTP proxy refused the tunnel",
        "The HTTP proxy did not open a CONNECT tunnel to the target: it may need authentication, block the port, or be unreachable.",
        "Check the proxy address and credentials, and that it allows CONNECT to this host and port."
    ),
    cause!(
        "proxy.pac_not_evaluated",
        ProxyAndHttps,
        Info,
        "The desktop picks its proxy with a PAC file",
        "The desktop's proxy settings are automatic: a PAC script (the URL is quoted) decides, per URL, whether browsers on this machine go direct or through a proxy. WS Doctor does not run PAC scripts, so this check went direct; a browser here may have taken a proxy, with different results.",
        "Find the proxy the PAC picks for this URL (in Chrome: chrome://net-internals/#proxy, or the PAC's `FindProxyForURL`) and give it with `--proxy`; or check from a machine without it."
    ),
    cause!(
        "proxy.connect_denied",
        ProxyAndHttps,
        Error,
        "The HTTP proxy does not allow a tunnel to this port",
        "The forward proxy answered CONNECT with 403: its rules refuse this destination. Corporate proxies commonly allow CONNECT to port 443 only (squid's default `http_access deny CONNECT !SSL_ports`), so ws:// or wss:// on another port fails for every browser behind it, while it works off that network.",
        "Serve the WebSocket as `wss://` on port 443 (behind the same host's HTTPS), or ask the proxy's administrators to allow CONNECT to this host and port (squid: add the port to `SSL_ports`)."
    ),
    cause!(
        "proxy.auth_required",
        ProxyAndHttps,
        Error,
        "The HTTP proxy asks for credentials",
        "The forward proxy answered CONNECT with 407 Proxy Authentication Required: without credentials it opens no tunnel. Browsers sign in to it (a prompt, or the system's Kerberos/NTLM sign-in); a client that does not send `Proxy-Authorization` never gets through. The scheme it asks for is quoted.",
        "Give the proxy's credentials: `--proxy http://user:password@proxy:3128`, or the profile's proxy credentials (kept in the OS keyring). A proxy that asks for Negotiate or NTLM only needs a client that speaks that scheme."
    ),
    cause!(
        "subprotocol.not_negotiated",
        WebSocketSetup,
        Warning,
        "Offered subprotocols, none chosen",
        "The client offered subprotocols and the server accepted the upgrade without choosing one. Every browser then fails the connection, although some libraries (Python's websockets, for one) accept it.",
        "Make the server choose one of the offered subprotocols in `Sec-WebSocket-Protocol`, or stop offering them."
    ),
    cause!(
        "subprotocol.not_offered",
        WebSocketSetup,
        Error,
        "The server chose a subprotocol that was not offered",
        "The 101 response names a subprotocol the client did not offer, which clients must refuse.",
        "Make the server choose only among the offered subprotocols."
    ),
    cause!(
        "subprotocol.required",
        WebSocketSetup,
        Error,
        "The server requires a subprotocol",
        "The server refuses the upgrade unless the client offers a subprotocol it supports (`Sec-WebSocket-Protocol`).",
        "Offer the subprotocol the server expects (`--subprotocol NAME`; in a browser `new WebSocket(url, [\"NAME\"])`)."
    ),
];
