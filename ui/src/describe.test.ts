import { describe, expect, it } from "vitest";
import type { ConnectEvent } from "./bindings";
import { describeEvent, verdict } from "./describe";

const connecting: ConnectEvent = { kind: "connecting", url: "ws://h:1/", host: "h", port: 1 };
const opened: ConnectEvent = { kind: "opened", status: 101, subprotocol: null, elapsedMs: 3 };

describe("verdict", () => {
  it("is running until the run finishes", () => {
    expect(verdict([connecting], false).status).toBe("running");
  });

  it("passes a round trip with a reply and a completed close", () => {
    const events: ConnectEvent[] = [
      connecting,
      opened,
      { kind: "received", text: "hi", binary: false, bytes: 2, elapsedMs: 4 },
      {
        kind: "closed", code: 1000, reason: "done", meaning: "1000: Normal closure",
        initiator: "client", handshakeCompleted: true, elapsedMs: 5,
      },
    ];
    expect(verdict(events, true)).toEqual({
      status: "pass",
      text: "Round trip works: the server answered and the connection closed cleanly.",
    });
  });

  it("warns when the server never answers the close", () => {
    const events: ConnectEvent[] = [
      connecting,
      opened,
      { kind: "noReply", waitedMs: 1000 },
      {
        kind: "closed", code: 1000, reason: "done", meaning: "1000: Normal closure",
        initiator: "client", handshakeCompleted: false, elapsedMs: 5,
      },
    ];
    expect(verdict(events, true).status).toBe("warn");
    const close = events[3];
    if (close === undefined) throw new Error("test data");
    expect(describeEvent(close).detail).toContain("never answered the close frame");
  });

  it("fails on a server close with an error code and names it", () => {
    const events: ConnectEvent[] = [
      connecting,
      opened,
      {
        kind: "closed", code: 1011, reason: "boom", meaning: "1011: Internal error",
        initiator: "server", handshakeCompleted: true, elapsedMs: 5,
      },
    ];
    expect(verdict(events, true)).toEqual({
      status: "fail",
      text: "The server closed the connection with 1011: Internal error",
    });
    const close = events[2];
    if (close === undefined) throw new Error("test data");
    expect(describeEvent(close).status).toBe("fail");
  });

  it("fails with the stage and the engine's message", () => {
    const events: ConnectEvent[] = [
      connecting,
      { kind: "failed", stage: "handshake", message: "the server answered HTTP 200 OK", elapsedMs: 2 },
    ];
    expect(verdict(events, true)).toEqual({
      status: "fail",
      text: "Failed during the WebSocket upgrade: the server answered HTTP 200 OK",
    });
  });
});

describe("describeEvent", () => {
  it("labels binary replies with their size", () => {
    const line = describeEvent({ kind: "received", text: "00ff", binary: true, bytes: 2, elapsedMs: 1 });
    expect(line.title).toBe("Received 2 bytes (binary, hex)");
    expect(line.detail).toBe("00ff");
  });
});
