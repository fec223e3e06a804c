// A console session's feed as a view shows it: the entries kept in the webview (the newest window while
// following, older pages loaded on demand), the status line and its message rates, and whether the view
// follows the newest entry. The batching itself is the core's (`console::Follow`); this only keeps state.
// What is shown is always one unbroken run of the log's entries, so paging back never leaves a hole.
import { useEffect, useRef, useState } from "react";
import type { ConsoleBatch, Entry, SessionStatus } from "../bindings";
import { errorText, ipc } from "../ipc";

/** Entries kept in the webview while following the newest; older ones are paged in on demand. */
export const WINDOW = 10_000;
/**
 * Entries kept while the view is scrolled up (paused): what was shown stays put and new entries are added
 * up to this many; beyond it they are only counted ("N new"), so a flood cannot grow the webview's memory
 * while nobody follows it. Following again reloads the newest entries from the session.
 */
export const PAUSED_LIMIT = 2 * WINDOW;
/** How many of the newest entries following again loads when entries were left out while paused. */
const RELOAD = 5_000;

export interface SessionFeed {
  entries: Entry[];
  status: SessionStatus | null;
  /** Messages a second, in and out, over the last second or more. */
  rates: { in: number; out: number };
  following: boolean;
  /** Entries that arrived while the view was not following. */
  unseen: number;
  /** Follow the newest entry (the unseen count resets), or stop following. */
  follow: (on: boolean) => void;
  /** Whether the session's log holds entries older than the first one shown. */
  olderAvailable: boolean;
  /** Loads a page of older entries; resolves to a note for the user when there was nothing to load. */
  loadOlder: () => Promise<string | null>;
}

export function useSessionFeed(id: string, subscribe: (listener: (batch: ConsoleBatch) => void) => () => void): SessionFeed {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [rates, setRates] = useState({ in: 0, out: 0 });
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  // Read by the subscription, which outlives renders; written wherever `following` changes.
  const followingRef = useRef(following);
  const lastRate = useRef<{ at: number; in: number; out: number } | null>(null);
  // New entries were left out while paused: following again must reload the newest.
  const gap = useRef(false);

  useEffect(
    () =>
      subscribe((batch) => {
        setStatus(batch.status);
        const now = performance.now();
        const previous = lastRate.current;
        if (previous && now - previous.at >= 1000) {
          const seconds = (now - previous.at) / 1000;
          setRates({ in: (batch.status.messagesIn - previous.in) / seconds, out: (batch.status.messagesOut - previous.out) / seconds });
          lastRate.current = { at: now, in: batch.status.messagesIn, out: batch.status.messagesOut };
        } else if (!previous) {
          lastRate.current = { at: now, in: batch.status.messagesIn, out: batch.status.messagesOut };
        }
        const firstNew = batch.entries[0];
        if (!firstNew) return;
        setEntries((current) => {
          // A batch that passed over entries to keep up (a flood) does not continue what is shown: the list
          // stays one unbroken run of the log, so "Load older" pages into exactly what was passed over.
          const last = current.at(-1);
          const continues = !last || firstNew.seq === last.seq + 1;
          if (followingRef.current) return newestWindow(continues ? current.concat(batch.entries) : batch.entries);
          if (!continues) {
            gap.current = true;
            return current;
          }
          const room = PAUSED_LIMIT - current.length;
          if (room >= batch.entries.length) return current.concat(batch.entries);
          gap.current = true;
          return room > 0 ? current.concat(batch.entries.slice(0, room)) : current;
        });
        if (!followingRef.current) setUnseen((n) => n + batch.entries.length);
      }),
    [subscribe],
  );

  const follow = (on: boolean) => {
    followingRef.current = on;
    setFollowing(on);
    if (!on) return;
    setUnseen(0);
    if (!gap.current) return;
    gap.current = false;
    // What arrives meanwhile is appended as usual; the reloaded page goes in front of it.
    ipc
      .consolePage(id, Number.MAX_SAFE_INTEGER, RELOAD)
      .then((newest) => {
        const last = newest.at(-1)?.seq ?? 0;
        setEntries((current) => newestWindow(newest.concat(current.filter((entry) => entry.seq > last))));
      })
      .catch(() => {
        // The session is gone (its tab closing): what is shown stays.
      });
  };

  const first = entries[0];
  // The log keeps its newest `held` entries: the oldest kept is `lastSeq - held + 1`.
  const olderAvailable = first !== undefined && status !== null && first.seq > status.lastSeq - status.held + 1;

  const loadOlder = async (): Promise<string | null> => {
    if (!first) return null;
    try {
      const older = await ipc.consolePage(id, first.seq, 500);
      followingRef.current = false;
      setFollowing(false);
      setEntries((current) => older.concat(current));
      return older.length === 0 ? "No older entries: the ring buffer has let them go." : null;
    } catch (e: unknown) {
      return errorText(e);
    }
  };

  return { entries, status, rates, following, unseen, follow, olderAvailable, loadOlder };
}

function newestWindow(entries: Entry[]): Entry[] {
  return entries.length > WINDOW ? entries.slice(entries.length - WINDOW) : entries;
}
