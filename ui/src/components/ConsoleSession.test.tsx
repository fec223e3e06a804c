import { act, fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ConsoleBatch, Entry, SessionStatus } from "../bindings";
import { cleanUpAfterEach, renderInWorkspace } from "../test-support";
import { ConsoleSession } from "./ConsoleSession";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));
cleanUpAfterEach();

const entry = (seq: number): Entry => ({
  seq,
  atUs: seq,
  direction: "in",
  kind: "text",
  size: 5,
  text: "hello",
  data: null,
  rttMs: null,
  code: null,
  decoded: null,
});

const status = (lastSeq: number): SessionStatus => ({
  state: "open",
  dialect: "websocket",
  joined: true,
  url: "ws://127.0.0.1/echo",
  protocol: null,
  extensions: null,
  messagesIn: lastSeq,
  messagesOut: 0,
  bytesIn: lastSeq * 5,
  bytesOut: 0,
  lastRttMs: null,
  lastSeq,
  dropped: 0,
  held: lastSeq,
  heldBytes: lastSeq * 5,
  onDisk: 0,
});

/** The session view on a feed the test sends entries into. */
function session() {
  let listener: ((batch: ConsoleBatch) => void) | null = null;
  const subscribe = (l: (batch: ConsoleBatch) => void) => {
    listener = l;
    return () => {
      listener = null;
    };
  };
  renderInWorkspace(<ConsoleSession id="s1" profileId={null} subscribe={subscribe} visible />);
  let seq = 0;
  const send = (n: number) => {
    act(() => {
      const entries = Array.from({ length: n }, () => entry(++seq));
      listener?.({ entries, status: status(seq), skipped: 0 });
    });
  };
  return { send, list: screen.getByRole("log", { name: "Messages" }) };
}

describe("ConsoleSession's list", () => {
  it("stays paused after a wheel turned up though the list's own scroll reaches the end, and follows again after a move down to it", () => {
    const { send, list } = session();
    send(50);
    fireEvent.wheel(list, { deltaY: -300 });
    send(10);
    expect(screen.getByText(/^10 new/)).toBeTruthy();
    // The virtualiser's scroll to the end lands after the wheel (jsdom has no layout: every scroll is at the end).
    fireEvent.scroll(list);
    send(5);
    expect(screen.getByText(/^15 new/)).toBeTruthy();
    // The person scrolls down to the end: following again.
    fireEvent.wheel(list, { deltaY: 300 });
    fireEvent.scroll(list);
    expect(screen.queryByText(/new ↓/)).toBeNull();
  });

  it("is not paused by a scroll nobody made", () => {
    const { send, list } = session();
    send(50);
    fireEvent.scroll(list);
    send(10);
    expect(screen.queryByText(/new ↓/)).toBeNull();
  });
});
