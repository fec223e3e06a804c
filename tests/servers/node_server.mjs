// Node WebSocket servers for WS Doctor's tests, in one of several configurations.
//
// Usage: node node_server.mjs MODE. Listens on a free port of 127.0.0.1 and prints `PORT <n>` once ready;
// stops by itself after 120 s, or when stdin closes (the test harness exits).
//
// Modes:
//   echo            a plain ws echo server (ws offers no compression unless asked)
//   deflate         the echo server with perMessageDeflate on (messages over 1 KB compressed)
//   origin          verifyClient allows only Origin https://app.example.test; ws answers 401 otherwise,
//                   the way most apps written from ws's documentation do
//   ignore-protocol handleProtocols returns false: the offered subprotocol is not chosen
//   max-payload     maxPayload 64: a larger message closes the connection with 1009
//   socketio        a Socket.IO 4 server (engine.io under /socket.io/, 404 elsewhere): the main namespace is
//                   open; /admin's middleware refuses a client without auth {token: "admin-token"} and
//                   greets one with "welcome"; it pings every second and drops a client that has not
//                   answered a second later. Events: "echo" (acks its arguments, or emits them back),
//                   "no-ack" (never acks), "binary" NAME (emits "file" with 4 bytes), "flood" N (N "tick"
//                   events, then "flood-done"), "bye" (the server disconnects the socket)
//   socketio-polling-only  the same, with transports ["polling"]: the WebSocket upgrade is refused
//   socketio-websocket-only  the same, with transports ["websocket"]: polling is refused
//   socketio-cors   the same, whose polling transport allows only the origin https://app.example.test
//   socketio-custom-path  the same, with path "/realtime" (clients must give the same path option)
//   socketio-eio3   the same, with allowEIO3: Socket.IO 2 clients (Engine.IO 3) are accepted too
//   engineio        a bare Engine.IO 6 server (engine.io, no Socket.IO on top), pinging every second:
//                   sessions open, a namespace CONNECT is never answered
//   socketio-v2     a Socket.IO 2 server (Engine.IO 3), as old deployments still run
//   sockjs          a SockJS echo server under /echo (its raw WebSocket endpoint: /echo/websocket)
//   sockjs-no-websocket  the same with websocket: false: clients fall back to HTTP streaming and polling
//   sockjs-stomp:PORT  a SockJS server under /stomp whose sessions are carried to the STOMP broker on TCP
//                   port PORT, one STOMP frame a SockJS message (Spring's withSockJS() relay, in Node)
//   graphql         a graphql-ws server (graphql-transport-ws): connection_init must carry
//                   {token: "gql-token"} or it closes 4403 Forbidden; `subscription { tick(n: N) }`
//                   counts to N every 20 ms
//   graphql-hang    the same, whose onConnect never answers: no connection_ack ever comes
//   express-no-upgrade  an Express 5 app on app.listen() with a `/ws` route-less app, and its WebSocketServer
//                   started with { port } on another port: the mistake that makes Express answer the upgrade
//                   as an ordinary GET ("Cannot GET /ws"); the port printed is the app's
//   express         the same app with the WebSocketServer attached to the server app.listen() returned
//                   ({ server, path: "/ws" }): healthy
//   verify-reason   a ws server whose verifyClient refuses with 401 and a reason of its own (the token's
//                   expiry), as apps written from ws's documentation do
//   graphql-legacy  a subscriptions-transport-ws server (the legacy `graphql-ws` protocol), as older Apollo
//                   deployments still run
import { createServer } from "node:http";
import { Server as SocketIoServer } from "socket.io";
import { attach as attachEngineIo } from "engine.io";
import socketIoV2 from "socket.io-v2";
import { WebSocketServer } from "ws";
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { execute, subscribe } from "graphql";
import { SubscriptionServer } from "subscriptions-transport-ws";
import sockjs from "sockjs";
import express from "express";
import { connect as tcpConnect } from "node:net";

const mode = process.argv[2] ?? "echo";

const stop = () => process.exit(0);
setTimeout(stop, 120_000).unref();
process.stdin.on("end", stop);
process.stdin.resume();

function startSocketIo() {
  const http = createServer((request, response) => {
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("not found\n");
  });
  if (mode === "engineio") {
    attachEngineIo(http, { pingInterval: 1000, pingTimeout: 1000 }).on("connection", () => undefined);
    http.listen(0, "127.0.0.1", () => console.log(`PORT ${http.address().port}`));
    return;
  }
  if (mode === "socketio-v2") {
    socketIoV2(http).on("connection", (socket) => socket.on("message", (message) => socket.send(message)));
    http.listen(0, "127.0.0.1", () => console.log(`PORT ${http.address().port}`));
    return;
  }
  const options = { pingInterval: 1000, pingTimeout: 1000 };
  if (mode === "socketio-polling-only") options.transports = ["polling"];
  if (mode === "socketio-websocket-only") options.transports = ["websocket"];
  if (mode === "socketio-eio3") options.allowEIO3 = true;
  if (mode === "socketio-custom-path") options.path = "/realtime";
  if (mode === "socketio-cors") options.cors = { origin: "https://app.example.test" };
  const io = new SocketIoServer(http, options);
  io.on("connection", (socket) => {
    socket.on("message", (message) => socket.send(message));
    // For the console: an ack that returns the arguments, a handler that never acks, binary back,
    // a flood of events, and a server-side disconnect.
    socket.on("echo", (...args) => {
      const ack = typeof args.at(-1) === "function" ? args.pop() : null;
      if (ack) ack(...args);
      else socket.emit("echo", ...args);
    });
    socket.on("no-ack", () => undefined);
    socket.on("binary", (name, ack) => {
      const bytes = Buffer.from([0, 1, 2, 255]);
      socket.emit("file", { name, data: bytes });
      if (typeof ack === "function") ack({ size: bytes.length });
    });
    socket.on("flood", (count) => {
      for (let i = 0; i < count; i++) socket.emit("tick", { n: i });
      socket.emit("flood-done", count);
    });
    socket.on("bye", () => socket.disconnect());
  });
  const admin = io.of("/admin");
  admin.use((socket, next) => {
    if (socket.handshake.auth?.token === "admin-token") next();
    else next(new Error("not authorized: a token is required"));
  });
  admin.on("connection", (socket) => socket.emit("welcome", { namespace: "/admin" }));
  http.listen(0, "127.0.0.1", () => console.log(`PORT ${http.address().port}`));
}

function startWs() {
  const options = { host: "127.0.0.1", port: 0 };
  if (mode === "origin") options.verifyClient = (info) => info.origin === "https://app.example.test";
  else if (mode === "ignore-protocol") options.handleProtocols = () => false;
  else if (mode === "max-payload") options.maxPayload = 64;
  else if (mode === "verify-reason")
    options.verifyClient = (info, done) => done(false, 401, "Token expired at 2026-12-07T09:00:00Z");
  // Compression on, as `ws` applies it: messages over 1 KB (its default threshold) go compressed.
  else if (mode === "deflate") options.perMessageDeflate = true;
  else if (mode !== "echo") throw new Error(`unknown mode ${mode}`);

  const server = new WebSocketServer(options);
  server.on("connection", (socket) => {
    // Protocol errors (e.g. maxPayload exceeded) close the socket with their code; nothing else to do.
    socket.on("error", () => undefined);
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  server.on("listening", () => console.log(`PORT ${server.address().port}`));
}

function startExpress() {
  const app = express();
  app.get("/", (request, response) => response.send("the app\n"));
  const http = app.listen(0, "127.0.0.1", () => {
    if (mode === "express") {
      const wss = new WebSocketServer({ server: http, path: "/ws" });
      wss.on("connection", (socket) => {
        socket.on("error", () => undefined);
        socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
      });
      console.log(`PORT ${http.address().port}`);
    } else {
      // The mistake: a WebSocket server of its own, beside the app's.
      const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
      wss.on("listening", () => console.log(`PORT ${http.address().port}`));
    }
  });
}

function startGraphql() {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { hello: { type: GraphQLString, resolve: () => "world" } } }),
    // `tick(n)` counts to n, one value every 20 ms, then completes.
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: {
        tick: {
          type: GraphQLInt,
          args: { n: { type: GraphQLInt } },
          subscribe: async function* (_, { n }) {
            for (let i = 1; i <= (n ?? 3); i++) {
              await new Promise((resolve) => setTimeout(resolve, 20));
              yield { tick: i };
            }
          },
        },
      },
    }),
  });
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  if (mode === "graphql-legacy") {
    SubscriptionServer.create({ schema, execute, subscribe }, server);
    server.on("listening", () => console.log(`PORT ${server.address().port}`));
    return;
  }
  useServer(
    {
      schema,
      onConnect: (ctx) =>
        mode === "graphql-hang" ? new Promise(() => undefined) : ctx.connectionParams?.token === "gql-token",
    },
    server,
  );
  server.on("listening", () => console.log(`PORT ${server.address().port}`));
}

function startSockjsStomp(brokerPort) {
  const http = createServer((request, response) => {
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("not found\n");
  });
  const relay = sockjs.createServer({ log: () => undefined });
  relay.on("connection", (conn) => {
    const broker = tcpConnect(brokerPort, "127.0.0.1");
    let pending = "";
    broker.setEncoding("utf8");
    broker.on("data", (chunk) => {
      pending += chunk;
      // One SockJS message a STOMP frame (frames end with NUL).
      let end;
      while ((end = pending.indexOf("\0")) !== -1) {
        conn.write(pending.slice(0, end + 1));
        pending = pending.slice(end + 1);
      }
    });
    broker.on("close", () => conn.close());
    broker.on("error", () => conn.close());
    conn.on("data", (message) => broker.write(message));
    conn.on("close", () => broker.destroy());
  });
  relay.installHandlers(http, { prefix: "/stomp" });
  http.listen(0, "127.0.0.1", () => console.log(`PORT ${http.address().port}`));
}

function startSockjs() {
  const http = createServer((request, response) => {
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("not found\n");
  });
  const echo = sockjs.createServer({ websocket: mode !== "sockjs-no-websocket", log: () => undefined });
  echo.on("connection", (conn) => conn.on("data", (message) => conn.write(message)));
  echo.installHandlers(http, { prefix: "/echo" });
  http.listen(0, "127.0.0.1", () => console.log(`PORT ${http.address().port}`));
}

if (mode.startsWith("socketio") || mode === "engineio") startSocketIo();
else if (mode.startsWith("sockjs-stomp:")) startSockjsStomp(Number(mode.split(":")[1]));
else if (mode.startsWith("sockjs")) startSockjs();
else if (mode.startsWith("graphql")) startGraphql();
else if (mode.startsWith("express")) startExpress();
else startWs();
