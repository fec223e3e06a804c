// A Node `ws` server for WS Doctor's tests, in one of several configurations.
//
// Usage: node node_server.mjs MODE. Listens on a free port of 127.0.0.1 and prints `PORT <n>` once ready;
// stops by itself after 120 s, or when stdin closes (the test harness exits).
//
// Modes:
//   echo            a plain echo server
//   origin          verifyClient allows only Origin https://app.example.test; ws answers 401 otherwise,
//                   the way most apps written from ws's documentation do
//   ignore-protocol handleProtocols returns false: the offered subprotocol is not chosen
//   max-payload     maxPayload 64: a larger message closes the connection with 1009
import { WebSocketServer } from "ws";

const mode = process.argv[2] ?? "echo";
const options = { host: "127.0.0.1", port: 0 };
if (mode === "origin") options.verifyClient = (info) => info.origin === "https://app.example.test";
else if (mode === "ignore-protocol") options.handleProtocols = () => false;
else if (mode === "max-payload") options.maxPayload = 64;
else if (mode !== "echo") throw new Error(`unknown mode ${mode}`);

const server = new WebSocketServer(options);
server.on("connection", (socket) => {
  // Protocol errors (e.g. maxPayload exceeded) close the socket with their code; nothing else to do.
  socket.on("error", () => undefined);
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on("listening", () => console.log(`PORT ${server.address().port}`));

const stop = () => {
  server.close();
  process.exit(0);
};
setTimeout(stop, 120_000).unref();
process.stdin.on("end", stop);
process.stdin.resume();
