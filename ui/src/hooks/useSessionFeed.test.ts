import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ipc } from "../ipc";
import { batchFeed, textEntry as entry } from "../test-feed";
import { cleanUpAfterEach } from "../test-support";
import { PAUSED_LIMIT, useSessionFeed, WINDOW } from "./useSessionFeed";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));
cleanUpAfterEach();

/** A feed the test sends batches into, and the hook on it. */
function feed(kept = Infinity) {
  const batches = batchFeed(kept);
  const hook = renderHook(() => useSessionFeed("s1", batches.subscribe));
  return { hook, ...batches };
}

describe("useSessionFeed", () => {
  it("keeps the newest window while following", () => {
    const { hook, send } = feed();
    send(25_000);
    const { entries } = hook.result.current;
    expect(entries).toHaveLength(WINDOW);
    expect(entries[0]?.seq).toBe(15_001);
    expect(entries.at(-1)?.seq).toBe(25_000);
  });

  it("keeps what is shown while paused, stops growing at its limit, and reloads the newest on following again", async () => {
    const { hook, send, last } = feed();
    send(4_000);
    act(() => { hook.result.current.follow(false); });
    send(60_000);
    expect(hook.result.current.entries).toHaveLength(PAUSED_LIMIT);
    expect(hook.result.current.entries[0]?.seq).toBe(1);
    expect(hook.result.current.unseen).toBe(60_000);

    const newest = Array.from({ length: 5_000 }, (_, i) => entry(last() - 4_999 + i));
    vi.mocked(ipc.consolePage).mockResolvedValue(newest);
    act(() => { hook.result.current.follow(true); });
    expect(ipc.consolePage).toHaveBeenCalledWith("s1", Number.MAX_SAFE_INTEGER, 5_000);
    // A batch arriving before the page does stays after it.
    send(10);
    await waitFor(() => { expect(hook.result.current.entries[0]?.seq).toBe(last() - 10 - 4_999); });
    const seqs = hook.result.current.entries.map((e) => e.seq);
    expect(seqs).toHaveLength(5_010);
    expect(seqs.every((s, i) => i === 0 || s === (seqs[i - 1] ?? 0) + 1)).toBe(true);
    expect(hook.result.current.unseen).toBe(0);
  });

  it("needs no reload when nothing was left out while paused", () => {
    const { hook, send } = feed();
    send(2_000);
    act(() => { hook.result.current.follow(false); });
    send(2_000);
    act(() => { hook.result.current.follow(true); });
    expect(ipc.consolePage).not.toHaveBeenCalled();
    expect(hook.result.current.entries).toHaveLength(4_000);
  });

  it("starts the list again at a batch that passed over entries, so Load older pages into exactly those", async () => {
    const { hook, send, skip } = feed();
    send(4_000);
    skip(30_000);
    send(2_000);
    const seqs = hook.result.current.entries.map((e) => e.seq);
    expect(seqs[0]).toBe(34_001);
    expect(seqs).toHaveLength(2_000);
    expect(hook.result.current.olderAvailable).toBe(true);

    vi.mocked(ipc.consolePage).mockResolvedValue(Array.from({ length: 500 }, (_, i) => entry(33_501 + i)));
    await act(async () => { await hook.result.current.loadOlder(); });
    expect(ipc.consolePage).toHaveBeenCalledWith("s1", 34_001, 500);
    const paged = hook.result.current.entries.map((e) => e.seq);
    expect(paged).toHaveLength(2_500);
    expect(paged.every((s, i) => i === 0 || s === (paged[i - 1] ?? 0) + 1)).toBe(true);
  });

  it("adds nothing past a gap while paused and reloads the newest on following again", async () => {
    const { hook, send, skip } = feed();
    send(2_000);
    act(() => { hook.result.current.follow(false); });
    send(2_000);
    skip(5_000);
    send(2_000);
    expect(hook.result.current.entries.map((e) => e.seq).at(-1)).toBe(4_000);
    expect(hook.result.current.unseen).toBe(4_000);
    vi.mocked(ipc.consolePage).mockResolvedValue([]);
    act(() => { hook.result.current.follow(true); });
    expect(ipc.consolePage).toHaveBeenCalledWith("s1", Number.MAX_SAFE_INTEGER, 5_000);
    // The (empty) page is taken in.
    await act(() => Promise.resolve());
  });

  it("offers older entries only while the log still keeps some before the first shown", () => {
    const { hook, send } = feed();
    send(2_000);
    expect(hook.result.current.olderAvailable).toBe(false);
    send(20_000);
    // The newest 10,000 are shown; the log keeps all 22,000.
    expect(hook.result.current.olderAvailable).toBe(true);

    // A log that keeps its newest 10,000 (its ring buffer let the rest go) has nothing older to offer.
    const ring = feed(WINDOW);
    ring.send(22_000);
    expect(ring.hook.result.current.entries[0]?.seq).toBe(12_001);
    expect(ring.hook.result.current.olderAvailable).toBe(false);
  });
});
