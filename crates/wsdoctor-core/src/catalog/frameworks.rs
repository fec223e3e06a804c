//! The causes of the frameworks apps speak over the socket: Socket.IO, Phoenix, ActionCable, SignalR, SockJS, STOMP, GraphQL over WebSocket.

use super::snippets::*;
use super::{Cause, Section, Severity, cause};

pub(super) const FRAMEWORKS: &[Cause] = &[
    cause!(
        "socketio.detected",
        Framework,
        Warning,
        "The server speaks Socket.IO",
        "This is a Socket.IO (Engine.IO) server. It speaks its own protocol on top of WebSocket: a plain WebSocket client connects to the wrong path or cannot understand the frames.",
        "Use a Socket.IO client of the server's major version (`socket.io-client`), or connect to `/socket.io/?EIO=4&transport=websocket` and speak Engine.IO."
    ),
    cause!(
        "phoenix.detected",
        Framework,
        Info,
        "The server is a Phoenix socket",
        "The URL (`/socket/websocket?vsn=…`, `/live/websocket`) or the server's answer shows Phoenix Channels. WS Doctor checked every layer up to the open socket and sent the `phoenix` topic's heartbeat, which any Phoenix socket answers with `phx_reply` (status ok): a refusal or no answer is quoted in the evidence. Not checked: joining a channel (`phx_join` to the app's topic, where `join/3` authorizes), nor the socket's `connect/3` params beyond what the URL carries.",
        "If the heartbeat went unanswered, check the `socket \"/socket\", …` line in the endpoint and the `vsn` the client asks for. To check a channel, join it from the console (`[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]`) and read the `phx_reply` status."
    ),
    cause!(
        "actioncable.detected",
        Framework,
        Info,
        "The server is Rails ActionCable",
        "The URL (`/cable`) or the server's first message (`{\"type\":\"welcome\"}`) shows ActionCable. WS Doctor checked every layer up to the open socket and read what the server said first: `welcome` means `ApplicationCable::Connection#connect` accepted the client, a `disconnect` (reason `unauthorized`) that it rejected it, and it is quoted. Not checked: subscribing to a channel (the app's channel names and params) and `config.action_cable.allowed_request_origins` beyond the Origin sent.",
        "A `disconnect` with reason `unauthorized` comes from `reject_unauthorized_connection` in `connect`: send the cookie or token it reads. To check a channel, subscribe from the console: `{\"command\":\"subscribe\",\"identifier\":\"{\\\"channel\\\":\\\"ChatChannel\\\"}\"}`."
    ),
    cause!(
        "signalr.detected",
        Framework,
        Info,
        "The server is an ASP.NET Core SignalR hub",
        "The URL names a hub (`/chatHub`, `/hubs/…`, `?id=` from the negotiation). WS Doctor checked every layer up to the open socket and sent SignalR's JSON protocol handshake (`{\"protocol\":\"json\",\"version\":1}` and the 0x1E separator), which a hub answers with `{}` or an error that is quoted. Not checked: the negotiate request (`POST …/negotiate?negotiateVersion=1`) that browser clients make first, unless the client sets `skipNegotiation: true`, nor invoking the hub's methods.",
        "An error in the handshake names what the hub refused (a protocol not enabled: add `AddJsonProtocol()`/`AddMessagePackProtocol()`). Behind a load balancer, clients that negotiate need sticky sessions, or `skipNegotiation: true` with `transport: HttpTransportType.WebSockets`."
    ),
    cause!(
        "phoenix.refused",
        Framework,
        Error,
        "The Phoenix socket refused its heartbeat",
        "The socket opened, but the `phoenix` topic's heartbeat, which every Phoenix socket answers with `phx_reply` status ok, was answered otherwise (quoted). The serializer the client asks for (`vsn`) is not the one the endpoint speaks, or something in front of Phoenix answers instead.",
        "Ask for the serializer the endpoint speaks (`vsn=2.0.0` for Phoenix 1.4 and later, `vsn=1.0.0` for the JSON objects of older clients), and check that the URL reaches the `socket` declared in the endpoint."
    ),
    cause!(
        "actioncable.rejected",
        Framework,
        Error,
        "ActionCable rejected the connection",
        "The socket opened, then the server sent `{\"type\":\"disconnect\"}` (its reason quoted): `ApplicationCable::Connection#connect` called `reject_unauthorized_connection` (reason `unauthorized`), or the server is restarting (`server_restart`). Browsers show only a closed socket and reconnect in a loop when `reconnect` is true.",
        "Send what `connect` identifies the user by: the session cookie (same site as the app, not blocked as third-party) or the token it reads from the params or headers; check `config.action_cable.allowed_request_origins` for the page's origin."
    ),
    cause!(
        "signalr.handshake_rejected",
        Framework,
        Error,
        "The SignalR hub refused the protocol handshake",
        "The socket opened, but the hub answered SignalR's handshake (`{\"protocol\":\"json\",\"version\":1}`) with an error (quoted), or closed with one: the protocol or version the client asks for is not enabled on the hub.",
        "Enable the protocol the clients use on the server (`AddSignalR().AddJsonProtocol()`, or `AddMessagePackProtocol()` for MessagePack clients) and use a client of a supported major version."
    ),
    cause!(
        "sockjs.detected",
        Framework,
        Warning,
        "The server speaks SockJS",
        "This path is served by SockJS (Spring's STOMP endpoints often are): it answers its own URL scheme (`/info`, `/<server>/<session>/websocket`), not a plain WebSocket upgrade at the prefix. A plain WebSocket client pointed at the prefix fails.",
        "Use a SockJS client (`new SockJS(url)`), or connect a plain WebSocket client to the raw endpoint `<prefix>/websocket`; in Spring, `registry.addEndpoint(\"/ws\")` without `.withSockJS()` serves plain WebSocket."
    ),
    cause!(
        "sockjs.websocket_disabled",
        Framework,
        Warning,
        "SockJS runs without its WebSocket transport",
        "SockJS's `/info` says `websocket: false`: the server (or a setting in front of it) turned the WebSocket transport off, so clients fall back to HTTP streaming and long-polling. It works, with more latency and load, and needs sticky sessions behind a load balancer.",
        "Enable the WebSocket transport on the server (SockJS `websocket: true`, the default; in Spring, do not set `setWebSocketEnabled(false)`), and pass the upgrade through the proxy.",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "sockjs.no_server",
        Framework,
        Error,
        "No SockJS server at this path",
        "SockJS was asked for, but `<prefix>/info` did not answer as SockJS does: nothing serves SockJS under this prefix, or a route does not forward it.",
        "Give the prefix the server registers (`installHandlers(server, { prefix: '/echo' })`, Spring `addEndpoint(\"/ws\").withSockJS()`), and route everything under it to the server."
    ),
    cause!(
        "stomp.connect_rejected",
        Framework,
        Error,
        "The STOMP broker refused the CONNECT",
        "The socket opened with a STOMP subprotocol, but the broker answered CONNECT with an ERROR frame (quoted in the evidence): a wrong login or passcode, a virtual host the user may not use, or a version the broker does not speak.",
        "Send the login, passcode and virtual host the broker expects (`connectHeaders: { login, passcode, host }` in stompjs; in WS Doctor, the auth payload `{\"login\": …, \"passcode\": …, \"host\": …}`), and check the user's permissions on the broker."
    ),
    cause!(
        "stomp.no_subprotocol",
        Framework,
        Error,
        "The broker requires a STOMP subprotocol the client does not offer",
        "The upgrade offered no `v12.stomp`/`v11.stomp`/`v10.stomp` subprotocol and was refused; the same upgrade offering them was accepted (both in the evidence). The broker or the gateway in front of it only takes clients that name the STOMP version in `Sec-WebSocket-Protocol`.",
        "Offer the STOMP subprotocols: `new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp'])` for a hand-written client; @stomp/stompjs offers them unless `stompVersions` was emptied; in WS Doctor, `--subprotocol v12.stomp`."
    ),
    cause!(
        "stomp.no_connected",
        Framework,
        Error,
        "No STOMP broker answered CONNECT",
        "The socket opened and WS Doctor sent a STOMP CONNECT frame, but no CONNECTED or ERROR frame came back (what came instead, or how the connection ended, is quoted): the endpoint is not a STOMP broker (a plain WebSocket server echoes the frame or ignores it), the broker's WebSocket endpoint is at another path, or it closed the session.",
        "Point the client at the broker's STOMP endpoint (RabbitMQ Web-STOMP `/ws`, Spring `registry.addEndpoint(\"/ws\")`, ActiveMQ `/` on its ws port), and check the broker's log for the session."
    ),
    cause!(
        "stomp.frame_refused",
        Framework,
        Error,
        "The STOMP broker refused a frame and closed the session",
        "After CONNECTED, the broker answered a frame with an ERROR (quoted) and, as STOMP requires, closed the connection: a destination that does not exist or that this user may not read or write (RabbitMQ `not_found`, `access_refused`), a malformed frame (a header without a value, a body longer than its `content-length`), or an ACK for a message that is not pending. Every subscription of the session ends with it.",
        "Use a destination the broker has and the user is allowed on (RabbitMQ: `/queue/name`, `/topic/key`, `/exchange/name/key`; Spring: a prefix of `setApplicationDestinationPrefixes` or of the broker relay), and ACK only with the `ack` header of a MESSAGE on a subscription in `client` mode."
    ),
    cause!(
        "stomp.heartbeat_missing",
        Framework,
        Warning,
        "STOMP heart-beats do not keep the connection alive",
        "STOMP keeps an idle connection busy with heart-beats, which both sides agree on in CONNECT/CONNECTED (`heart-beat: 10000,10000`). Here the broker agreed to none (`heart-beat: 0,0`: Spring's simple broker does this until it is given a task scheduler), agreed to some and did not send them, or the agreed period is longer than the idle cut-off found on the path, so proxies and load balancers close connections that carry no messages (nginx after 60 s, AWS ALB after 60 s).",
        "Enable heart-beats shorter than the shortest idle timeout on the path: Spring `enableSimpleBroker(...).setHeartbeatValue(new long[]{10000, 10000}).setTaskScheduler(scheduler)`, stompjs `heartbeatIncoming`/`heartbeatOutgoing: 10000`; or raise the proxy's timeout (nginx `proxy_read_timeout 3600s;`)."
    ),
    cause!(
        "graphql.protocol_mismatch",
        Framework,
        Error,
        "The GraphQL client and server speak different WebSocket protocols",
        "There are two GraphQL over WebSocket protocols: `graphql-transport-ws` (the graphql-ws library, current) and the legacy `graphql-ws` (subscriptions-transport-ws, unmaintained). Their messages differ, so a client of one and a server of the other fail: the server closed with 4406 (subprotocol not acceptable) or 4400 (a message it cannot read).",
        "Use the same protocol on both sides: `graphql-ws` (`createClient`) with a graphql-ws server, or the legacy `SubscriptionClient` with a legacy server. Apollo Client's `GraphQLWsLink` speaks the current one, `WebSocketLink` the legacy one."
    ),
    cause!(
        "graphql.connection_rejected",
        Framework,
        Error,
        "The GraphQL server refused the connection_init",
        "The socket opened, but the server refused the connection: its `onConnect` returned false or threw (close 4403 Forbidden), or the legacy server answered `connection_error`. The payload of `connection_init` (`connectionParams`) usually carries the token, and it was missing or wrong.",
        "Send what the server's `onConnect` expects in the client's `connectionParams` (`createClient({ url, connectionParams: { token } })`); in WS Doctor, give it as the auth payload (`--auth`)."
    ),
    cause!(
        "graphql.connection_closed",
        Framework,
        Error,
        "The GraphQL server closed the connection during connection_init",
        "The socket opened, then the server closed it (or dropped it) before acknowledging `connection_init`, with a code outside the GraphQL over WebSocket protocol's own (quoted with its meaning). The server failed on the connection (1011), shut down (1001), or something in front of it cut the socket.",
        "Read the server's log at the time of the check for an error in its connection handling (`onConnect`, the context function), and check proxies on the path for timeouts and limits."
    ),
    cause!(
        "graphql.operation_error",
        Framework,
        Warning,
        "A GraphQL operation was refused",
        "The connection is acknowledged, but the server answered an operation with `error` (its messages quoted): the query does not validate against the schema (a field or argument that does not exist, a variable of the wrong type), the operation is not a subscription where the server serves only subscriptions, or a resolver refused it (an authorisation rule). The operation ends there; the connection stays.",
        "Fix the operation the message names: check it against the server's schema (introspection, or the schema file), give every variable it declares with its type, and send a subscription's token where the server's `context`/`onSubscribe` looks for it."
    ),
    cause!(
        "graphql.init_timeout",
        Framework,
        Error,
        "The GraphQL server never acknowledged the connection",
        "`connection_init` was sent but no `connection_ack` came in time (or the server closed with 4408, its own initialisation timeout). Every operation waits for the acknowledgement, so subscriptions never start.",
        "Look at the server's `onConnect`: it must return (or resolve) quickly; an awaited call that hangs (a database, an auth service) holds every connection. Raise `connectionInitWaitTimeout` only if the server is slow on purpose."
    ),
    cause!(
        "mqtt.no_subprotocol",
        Framework,
        Error,
        "The broker took the socket without the mqtt subprotocol, and ignores MQTT on it",
        "MQTT over WebSocket is agreed in the upgrade: the client offers the `mqtt` subprotocol and the broker chooses it. Here no `mqtt` was agreed (the client offered none, or others), and the broker, which accepted the socket anyway, did not answer CONNECT: mosquitto, EMQX and HiveMQ ignore or drop MQTT on such a socket. MQTT.js and Paho offer `mqtt` themselves; a hand-written client (`new WebSocket(url)`) does not.",
        "Offer the subprotocol: `new WebSocket(url, ['mqtt'])` (MQTT.js and Paho do it for you; check that a proxy in front passes `Sec-WebSocket-Protocol` both ways)."
    ),
    cause!(
        "mqtt.connect_rejected",
        Framework,
        Error,
        "The broker refused the MQTT CONNECT",
        "The broker answered CONNECT with a CONNACK that refuses the session; its code says why (quoted): bad user name or password, not authorised (an ACL, or anonymous access off), an unsupported protocol version (a 3.1.1-only broker asked for MQTT 5, or the reverse), an identifier rejected, server unavailable or busy, banned.",
        "Act on the code: send the user name and password the broker expects (the profile's auth payload: `{\"username\": …, \"password\": …}`), grant the user access to the topics in the broker's ACL (mosquitto: `acl_file`, `allow_anonymous`), or ask for the protocol version it speaks (`\"protocolVersion\": 5` in the auth payload for MQTT 5)."
    ),
    cause!(
        "mqtt.no_connack",
        Framework,
        Error,
        "The broker agreed on MQTT but never answered CONNECT",
        "The upgrade agreed on the `mqtt` subprotocol, CONNECT was sent, and no CONNACK came in time (or the connection ended first). The broker is overloaded or stuck, an authentication plug-in it waits on hangs, or what answers the upgrade is a gateway that does not pass MQTT on.",
        "Look at the broker's log for this client id; check the authentication back end it calls; connect with another client (`mosquitto_sub -h HOST -p PORT -t test`, or MQTT.js) to see whether the broker answers at all."
    ),
    cause!(
        "socketio.no_server",
        Framework,
        Error,
        "No Socket.IO server at this path",
        "The Engine.IO handshake (a polling request to the Socket.IO path) got no Engine.IO answer: a 404, a web page, or something else. Either nothing serves Socket.IO here, or it serves it under another path or behind a route the proxy does not forward.",
        "Give the client the path the server uses (`path` on both `new Server()` and `io()`, default `/socket.io/`), and route that whole path to the server. A namespace is not a path: `io('https://host/admin')` joins namespace `/admin` on `/socket.io/`. In WS Doctor, give the server's path with `--socketio-path`."
    ),
    cause!(
        "socketio.version_mismatch",
        Framework,
        Error,
        "Client and server speak different Engine.IO versions",
        "Socket.IO 3 and 4 speak Engine.IO 4; Socket.IO 2 speaks Engine.IO 3. The server answered in the other version (or refused it: \"Unsupported protocol version\"), so clients of the other major version never connect.",
        "Use a client of the server's major version, or on a Socket.IO 4 server accept old clients with `new Server(httpServer, { allowEIO3: true })` while they are upgraded.",
        SOCKETIO_ALLOW_EIO3
    ),
    cause!(
        "socketio.namespace_invalid",
        Framework,
        Error,
        "The Socket.IO namespace does not exist",
        "The server refused to join the namespace (CONNECT_ERROR \"Invalid namespace\"): no `io.of(...)` matches it. With `io('https://host/path')` the path is the namespace, which is often not what was meant.",
        "Join a namespace the server defines (`io.of('/admin')`), or give the client the main namespace and set the Engine.IO path with the `path` option."
    ),
    cause!(
        "socketio.connect_rejected",
        Framework,
        Error,
        "The server's middleware refused the Socket.IO connection",
        "The Engine.IO session opened, but joining the namespace was refused with a CONNECT_ERROR: a middleware (`io.use` / `namespace.use`) called `next(new Error(...))`, usually because the auth payload is missing or wrong. The message is quoted in the evidence.",
        "Send what the middleware expects in the client's `auth` option (`io(url, { auth: { token } })`), or fix the check in the middleware; its message says which."
    ),
    cause!(
        "socketio.connect_failed",
        Framework,
        Error,
        "The Socket.IO session opened, but joining the namespace got no answer",
        "The Engine.IO handshake worked, then the namespace CONNECT was not answered with CONNECT or CONNECT_ERROR (what happened is quoted): a request of the session failed or timed out, or the server answered something that is not Socket.IO's. A Socket.IO 2 server behind a 3/4 client, a proxy that buffers polling answers, or a server that crashed on the connection do this.",
        "Check the server's log for the connection, that the client and the server are of the same major version, and that proxies on the path do not buffer or cut the polling requests (nginx `proxy_buffering off;` for the Socket.IO location)."
    ),
    cause!(
        "socketio.server_disconnect",
        Framework,
        Warning,
        "The server disconnected the Socket.IO namespace",
        "The server sent a DISCONNECT for the namespace: its code called `socket.disconnect()` (an auth check after connection, a kick, a shutdown hook). socket.io-client treats this reason (`io server disconnect`) as final and does not reconnect on its own, so an app that expects it to stays offline.",
        "Find the server's `socket.disconnect()` for this namespace and the condition that calls it; in the client, handle `socket.on('disconnect', (reason) => { if (reason === 'io server disconnect') socket.connect(); })` if reconnecting is wanted."
    ),
    cause!(
        "socketio.ack_timeout",
        Framework,
        Warning,
        "A Socket.IO emit was never acknowledged",
        "The event was emitted with an acknowledgement callback, but no ack came back in time: the server's handler for this event does not call its callback (or is not registered for this name or namespace), threw before calling it, or takes longer than the client's timeout. An app awaiting `emitWithAck` hangs or fails with `operation has timed out`.",
        "In the server's handler, call the callback on every path (`socket.on('event', (data, callback) => { …; callback(result); })`), register it on the namespace the client uses, and give slow handlers a longer client timeout (`socket.timeout(10000).emitWithAck(…)`)."
    ),
    cause!(
        "socketio.session_unknown",
        Framework,
        Error,
        "Socket.IO sessions are not sticky behind the load balancer",
        "Socket.IO starts every session over HTTP long-polling, with several requests that must reach the server which opened the session. A request of the session reached another server, which answered \"Session ID unknown\" (code 1): the load balancer spreads requests without affinity. Clients fail to connect, or reconnect in a loop.",
        "Make the balancer sticky for the Socket.IO path: nginx `ip_hash` (or `hash $remote_addr consistent`) in the upstream, HAProxy `balance source` or a cookie, AWS ALB stickiness on the target group. Or let clients skip polling with `io(url, { transports: ['websocket'] })`.",
        NGINX_STICKY_UPSTREAM
    ),
    cause!(
        "socketio.transport_blocked",
        Framework,
        Warning,
        "Socket.IO cannot upgrade to WebSocket: clients stay on long-polling",
        "The polling transport works, but the WebSocket transport is not offered or is refused (the server allows polling only, or a proxy strips the upgrade). Clients still connect, over HTTP long-polling: more latency and load, and every request must reach the same server.",
        "Allow the `websocket` transport on the server (the default), and pass the upgrade through the proxy for the Socket.IO path (`proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";`).",
        NGINX_UPGRADE_BLOCK
    ),
    cause!(
        "socketio.cors_blocked",
        Framework,
        Error,
        "Browsers block Socket.IO's polling transport from this page (CORS)",
        "The page is on another origin than the server, and the polling answer does not allow it (no matching `Access-Control-Allow-Origin`). Browsers refuse to read it, so the client logs \"xhr poll error\" and never connects; the WebSocket transport is not subject to CORS, which is why a WebSocket-only test works.",
        "Allow the page's origin on the server: `new Server(httpServer, { cors: { origin: 'https://app.example.com', credentials: true } })`, or serve the page and the server from one origin.",
        SOCKETIO_CORS
    ),
];
