//! The causes on the client's side: the page, its cookies and code, an Electron app, and what the compression offer changes.

use super::snippets::*;
use super::{Cause, Section, Severity, cause};

pub(super) const CLIENT_SIDE: &[Cause] = &[
    cause!(
        "frontend.csp_blocked",
        FrontendConnection,
        Error,
        "The page's Content-Security-Policy blocks the socket",
        "The page that opens the socket sends a Content-Security-Policy (header or `<meta http-equiv>`) whose `connect-src` (or, without one, `default-src`) does not allow the WebSocket's URL, so the browser refuses to open it before any byte reaches the server: the console says \"Refused to connect … because it violates the following Content Security Policy directive\" and the server sees nothing. `'self'` allows `ws:`/`wss:` only on the page's own host and port (`wss:` only, from an `https:` page). wscat and Postman have no page, so they connect.",
        "Add the socket's origin to `connect-src` (the corrected directive is quoted: it keeps what the directive allowed); without a `connect-src`, add one, since `default-src` is what blocked it."
    ),
    cause!(
        "cookie.not_sent",
        FrontendConnection,
        Warning,
        "A browser would not send the session's cookies",
        "A page cannot set a Cookie header on a WebSocket: the browser attaches what its jar holds for the socket's URL, and these cookies stay behind by their Domain (another host, or a host-only cookie set by another subdomain), Path, Secure (never over ws://), expiry, or SameSite (a WebSocket opened by a page on another site gets neither Strict nor Lax cookies, and Chrome takes a cookie without SameSite as Lax). A server that authenticates the socket by cookie then sees no session: 401, 403, or a close right after the upgrade. wscat and Postman send whatever header they are given, so they pass.",
        "Set the cookie so it reaches the socket's URL: `Domain=` the parent domain the app and socket share, `Path=/`, `Secure` with wss://, and `SameSite=None; Secure` when the page is on another site; or authenticate the socket with a token in the first message instead of a cookie."
    ),
    cause!(
        "auth.token_expired",
        FrontendConnection,
        Warning,
        "A token in the request has expired",
        "A JSON Web Token the request carries (in the URL, a header, a cookie, a subprotocol or the framework's auth payload) has an expiry (`exp`) in the past by this machine's clock. A server that checks it refuses the connection: 401 or 403 to the upgrade, a close with 1008 (policy violation), a Socket.IO CONNECT_ERROR, a GraphQL or STOMP rejection, often without saying why. Only the token's times were read, locally: it was not verified, and it is not shown.",
        "Get a fresh token (sign in again, or refresh it) and make the client refresh tokens before they expire and reconnect with the new one (a long-lived socket outlives its token). If the times look wrong, compare this machine's clock with the server's (`timedatectl`)."
    ),
    cause!(
        "frontend.hardcoded_url",
        FrontendConnection,
        Warning,
        "A WebSocket URL is hard-coded to a development host",
        "The frontend code connects to a fixed `ws://localhost`, `127.0.0.1` or IP address URL that will not exist on users' machines once the app ships.",
        "Build the URL from configuration or from `window.location` (e.g. `new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`)`)."
    ),
    cause!(
        "frontend.insecure_ws",
        FrontendConnection,
        Error,
        "The frontend opens ws:// although the app is served over https",
        "Browsers block plain ws:// from an https:// page (mixed content), so this connection fails for every user of the secure site.",
        "Use `wss://` (or derive the scheme from `location.protocol`)."
    ),
    cause!(
        "frontend.url_mismatch",
        FrontendConnection,
        Warning,
        "The frontend connects somewhere else than the target",
        "The WebSocket URLs found in the code point to another host, port or path than the one being checked, so fixing the server will not fix the client.",
        "Make the client's URL (or its configuration) match the endpoint that is being checked."
    ),
    cause!(
        "frontend.no_reconnect",
        FrontendConnection,
        Info,
        "No close handling near a WebSocket",
        "The code opens a WebSocket but handles neither `onclose` nor reconnection nearby: when the connection drops (deploys, proxies, networks), the page silently stops updating.",
        "Handle `close` with a reconnect and exponential backoff (or use a library that does, like reconnecting-websocket)."
    ),
    cause!(
        "frontend.hmr_config",
        FrontendConnection,
        Warning,
        "The dev server's HMR socket will not work behind a proxy",
        "The Vite/webpack dev server's hot-reload WebSocket is configured for a fixed host or port (or a proxy entry lacks `ws: true`), so behind a proxy or in a container the page cannot reach it.",
        "Set `server.hmr.clientPort`/`host` (Vite) or `client.webSocketURL` (webpack) to the public address, and `ws: true` on proxied socket paths."
    ),
    cause!(
        "electron.context_isolation_off",
        DesktopApp,
        Error,
        "Electron: contextIsolation is off",
        "With `contextIsolation: false`, the page's scripts share a JavaScript world with the preload script, so any script in the page (or injected into it) can reach what the preload can, including Node APIs.",
        "Leave `contextIsolation: true` (the default) and expose a narrow API with `contextBridge.exposeInMainWorld`."
    ),
    cause!(
        "electron.node_integration_on",
        DesktopApp,
        Error,
        "Electron: nodeIntegration is on",
        "With `nodeIntegration: true`, every script in the renderer can `require('fs')` and `require('child_process')`: a cross-site scripting bug becomes remote code execution.",
        "Set `nodeIntegration: false` (the default) and move Node work to the main process behind IPC."
    ),
    cause!(
        "electron.sandbox_off",
        DesktopApp,
        Warning,
        "Electron: the renderer sandbox is off",
        "With `sandbox: false`, the renderer process runs without Chromium's OS-level sandbox, so an exploit in the page has the user's full rights.",
        "Set `sandbox: true` (the default since Electron 20) and keep Node work in the main process."
    ),
    cause!(
        "electron.open_ipc_bridge",
        DesktopApp,
        Error,
        "Electron: the preload exposes every IPC channel",
        "The preload script hands the page `ipcRenderer.send`/`on`/`invoke` for any channel name, so every handler of the main process becomes reachable from the page, including ones never meant for it.",
        "Expose named functions for an allow-list of channels:",
        ELECTRON_BRIDGE
    ),
    cause!(
        "electron.renderer_websocket_with_node",
        DesktopApp,
        Warning,
        "Electron: a WebSocket in a renderer with Node integration",
        "A renderer with Node integration opens a WebSocket: data from the network reaches a context that can call Node APIs.",
        "Disable nodeIntegration for that window, or open the socket in the main process and pass messages over a narrow IPC channel."
    ),
    // Last: a comparison of two runs, ranked after the concrete cause the first run named.
    cause!(
        "compression.fails_with",
        WebSocketSetup,
        Error,
        "The connection fails only when compression is offered",
        "The check offered permessage-deflate, as Chrome, Firefox and Safari always do, and failed; the same check without the offer passed. Clients that offer no compression (wscat, many libraries, `--no-compression`) connect, every browser fails: a server or proxy that mishandles the extension (a bad answer, compressed frames the client cannot read, a proxy that strips the agreement but not the compression).",
        "Fix the server's or the proxy's permessage-deflate (the first cause above says how it fails), or turn compression off on the server (`perMessageDeflate: false` in ws, `compression=None` in websockets) until it works."
    ),
    cause!(
        "compression.fails_without",
        WebSocketSetup,
        Warning,
        "The connection fails only without compression",
        "The check, without the permessage-deflate offer, failed; the same check offering it passed. Browsers offer it and connect; clients that do not (some libraries, command-line tools, `--no-compression`) fail. The server requires the extension.",
        "Let the server accept clients that offer no compression (RFC 7692 makes the extension optional), or make every client offer it."
    ),
];
