import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { batchFeed } from "../test-feed";
import { cleanUpAfterEach, renderInWorkspace } from "../test-support";
import { ConsoleSession } from "./ConsoleSession";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));
cleanUpAfterEach();

/** The session view on a feed the test sends entries into. */
function session() {
  const { subscribe, send } = batchFeed();
  renderInWorkspace(<ConsoleSession id="s1" profileId={null} subscribe={subscribe} visible />);
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
