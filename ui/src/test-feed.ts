// A console session's batches as the tests of its views send them: entries, statuses, and a feed to
// subscribe a view to. Apart from `test-support`, whose IPC stub the mock factories load before the views'
// modules (this one imports a view's module).
import { act } from "@testing-library/react";
import type { ConsoleBatch, Entry, SessionStatus } from "./bindings";
import { WINDOW } from "./hooks/useSessionFeed";

/** A received text entry of 100 bytes with sequence number `seq`. */
export const textEntry = (seq: number): Entry => ({
  seq,
  atUs: seq,
  direction: "in",
  kind: "text",
  size: 100,
  text: "x".repeat(100),
  data: null,
  rttMs: null,
  code: null,
  decoded: null,
});

/** An open session's status after `lastSeq` entries, of which its log keeps the newest `kept`. */
export const openStatus = (lastSeq: number, kept = Infinity): SessionStatus => ({
  state: "open",
  dialect: "websocket",
  joined: true,
  url: "ws://127.0.0.1/flood",
  protocol: null,
  extensions: null,
  messagesIn: lastSeq,
  messagesOut: 0,
  bytesIn: lastSeq * 100,
  bytesOut: 0,
  lastRttMs: null,
  lastSeq,
  dropped: Math.max(0, lastSeq - kept),
  held: Math.min(lastSeq, kept),
  heldBytes: lastSeq * 100,
  onDisk: Math.max(0, lastSeq - WINDOW),
});

/**
 * A session's batches as the test sends them, for a view's `subscribe`: `send(n)` delivers the next `n`
 * entries in batches of 2,000, from a log that keeps its newest `kept`; `skip(n)` records `n` entries the
 * feed passes over (a flood faster than the batches).
 */
export function batchFeed(kept = Infinity) {
  let listener: ((batch: ConsoleBatch) => void) | null = null;
  const subscribe = (l: (batch: ConsoleBatch) => void) => {
    listener = l;
    return () => {
      listener = null;
    };
  };
  let seq = 0;
  const send = (n: number) => {
    act(() => {
      for (let sent = 0; sent < n; sent += 2_000) {
        const entries = Array.from({ length: Math.min(2_000, n - sent) }, () => textEntry(++seq));
        listener?.({ entries, status: openStatus(seq, kept), skipped: 0 });
      }
    });
  };
  const skip = (n: number) => {
    seq += n;
  };
  return { subscribe, send, skip, last: () => seq };
}
