// Node's own socket.io-client receiving a flood, for the console bench to compare with: connects to the
// test server's Socket.IO (WebSocket transport, as the console does), emits "flood" N, counts the "tick"
// events until "flood-done", and prints `{"events": N, "ms": elapsed}`. Stops by itself after 120 s.
//
// Usage: node socketio_flood_client.mjs URL N
import { io } from "socket.io-client";

const [url, count] = [process.argv[2], Number(process.argv[3] ?? 100000)];
setTimeout(() => {
  console.error("flood client: no flood-done within 120 s");
  process.exit(1);
}, 120_000).unref();

const socket = io(url, { transports: ["websocket"], reconnection: false });
let events = 0;
let started = 0;
socket.on("tick", () => {
  events += 1;
});
socket.on("flood-done", () => {
  const ms = performance.now() - started;
  console.log(JSON.stringify({ events, ms }));
  socket.close();
  process.exit(0);
});
socket.on("connect", () => {
  started = performance.now();
  socket.emit("flood", count);
});
socket.on("connect_error", (error) => {
  console.error(`flood client: ${error.message}`);
  process.exit(1);
});
